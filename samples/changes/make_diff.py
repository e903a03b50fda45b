#!/usr/bin/env python3
"""Build the bundles the change samples are reviewed against that are not
scenarios of samples/scenarios/: the two bundles of one server that
marsdiag diff compares (samples/changes/diff/) and FS41, whose agent and
SYSTEM use one proxy (samples/changes/same-proxy/) — deterministically,
with the helpers of samples/bundlekit.py.

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


def write(name, files, folder='diff'):
    path = os.path.join(HERE, folder, name)
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

# FS41: the agent and SYSTEM name the same proxy, 10.0.0.5:8080 (MP004 at
# info). move-agent-proxy.ps1 moves only the agent to the new proxy.
H = 'FS41'
write('%s_MARS_20261128.zip' % H, plain_bundle(
    agent=agent_reg(H, 'http://10.0.0.5', 8080),
    system=system_reg('.DEFAULT', counter=7, enable=1,
                      server='10.0.0.5:8080', override='<local>',
                      flags=0x03),
    get_ob=get_ob_list('http://10.0.0.5', 8080),
    log=healthy_log(session_id(H), pid='2B41')), folder='same-proxy')
