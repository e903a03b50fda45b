#!/usr/bin/env python3
"""Build the two bundles of one server that marsdiag diff compares
(samples/changes/diff/), deterministically, with the helpers of
samples/bundlekit.py.

FS31 before and after CHG-1042 (samples/changes/pac-in-agent.ps1): on
11/27 the SYSTEM account's Windows settings hold the PAC URL and backups
succeed; on 12/01 the same URL has been typed into the agent's proxy
field as well, and the night's backup failed with (405) Method Not
Allowed. Host names, addresses and GUIDs are invented; no randomness,
fixed times. Run: python3 samples/changes/make_diff.py (from anywhere).
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from bundlekit import *  # noqa: E402,F401,F403 (the shared helpers)

H = 'FS31'
PAC_URL = 'http://pac.contoso.local/proxy.pac'


def write(name, files):
    path = os.path.join(HERE, 'diff', name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(zip_bytes(files))
    print(path)


system = system_reg('.DEFAULT', counter=11, enable=0, pac=PAC_URL,
                    flags=0x05, saved=True)

write('%s_MARS_20261127.zip' % H, plain_bundle(
    agent=agent_reg(H),
    system=system,
    get_ob=get_ob_list(),
    log=healthy_log(session_id(H), pid='2A7C')))

log = Log('1C08', session_id(H))
log.start('01:58:02.101')
log.add('01:58:03.702', 'WARNING',
        'Request to https://%s failed: The remote server returned an error: '
        '(405) Method Not Allowed.' % POD,
        src='AzureServiceManagementHelper.cs(188)')
log.job_failed('02:00:00.700', JOB, '0x80190195')
log.idle('02:00:00.760')
write('%s_MARS_20261201.zip' % H, plain_bundle(
    agent=agent_reg(H, PAC_URL, 80),
    system=system,
    get_ob=get_ob_list(PAC_URL, 80),
    log=log.text()))
