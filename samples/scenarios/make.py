#!/usr/bin/env python3
"""Build the scenario bundles in this folder, deterministically.

One support bundle per scenario of the support article
(/work/shared/docs/source-article.md, rules in RULES.md) plus one near
miss per seed rule: bundles that look like the firing case but must not
fire. README.md in this folder is the table of what each bundle holds and
what marsdiag must conclude from it.

Formats follow domain-reference §2-§9 and samples/make.py: regedit and
PowerShell 5.1 output UTF-16LE with BOM and CRLF, the engine log an
11-field TAB-separated errlog (UTF-16LE), DefaultConnectionSettings the
version 0x46 blob. Where the agent keeps its own proxy is not documented;
these bundles use ProxyServer/ProxyPort/ProxyUserName/ProxyPassword under
HKLM\\SOFTWARE\\Microsoft\\Windows Azure Backup\\Config, the names marsdiag
recognises (DESIGN §1.4). Host names, addresses, GUIDs and passwords are
invented. No randomness, fixed timestamps: running it twice gives the
same bytes. Run: python3 samples/scenarios/make.py (from anywhere).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bundlekit import *  # noqa: E402,F401,F403 (the shared helpers)

HERE = os.path.dirname(os.path.abspath(__file__))


def write_zip(folder, host, files):
    path = os.path.join(HERE, folder, '%s_MARS_%s.zip' % (host, DAY))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = zip_bytes(files)
    with open(path, 'wb') as f:
        f.write(data)
    return path, len(data)


built = []


def bundle(folder, host, files):
    built.append(write_zip(folder, host, files))


# ---- 1. agent-proxy: agent proxy set, SYSTEM empty ----------------------
H = 'APP01'
bundle('01-agent-proxy', H, plain_bundle(
    agent=agent_reg(H, 'http://10.0.0.5', 8080),
    system=system_reg('.DEFAULT', **SYSTEM_EMPTY),
    get_ob=get_ob_list('http://10.0.0.5', 8080),
    log=healthy_log(session_id(H))))

# ---- 2. system-proxy: no agent proxy, SYSTEM manual proxy ---------------
H = 'FILE02'
bundle('02-system-proxy', H, plain_bundle(
    agent=agent_reg(H),
    system=system_reg('S-1-5-18', counter=6, enable=1,
                      server='proxy.contoso.local:8080',
                      override='<local>;*.contoso.local', flags=0x03,
                      saved=True),
    get_ob=get_ob_list(),
    log=healthy_log(session_id(H), pid='0C44')))

# ---- 3. agent-auth-proxy: agent proxy with user name and password -------
H = 'SQL03'
bundle('03-agent-auth-proxy', H, plain_bundle(
    agent=agent_reg(H, 'http://proxy.contoso.local', 3128,
                       r'CONTOSO\svc-mars', password=H),
    system=system_reg('.DEFAULT', **SYSTEM_EMPTY),
    get_ob_json_text=get_ob_json(H, 'http://proxy.contoso.local', 3128,
                                 r'CONTOSO\svc-mars'),
    log=healthy_log(session_id(H), pid='3B10')))

# ---- 4. auth-required-system-only: SYSTEM proxy only, 407 logged --------
H = 'APP04'
bundle('04-auth-required-system-only', H, plain_bundle(
    agent=agent_reg(H),
    system=system_reg('.DEFAULT', counter=4, enable=1,
                      server='http://10.10.1.20:8080', override='<local>',
                      flags=0x03),
    get_ob=get_ob_list(),
    log=auth_failure_log(session_id(H))))

# ---- 5. credentials-system-wide: user:pass@ in SYSTEM's ProxyServer -----
H = 'WEB05'
bundle('05-credentials-system-wide', H, plain_bundle(
    agent=agent_reg(H),
    system=system_reg('S-1-5-18', counter=9, enable=1,
                      server='http://svc:Secret1@proxy:8080',
                      override='<local>', flags=0x03),
    get_ob=get_ob_list(),
    log=quiet_log(session_id(H), '1D40',
                  'proxy: none (uses the SYSTEM account settings)')))

# ---- 6. system-pac: SYSTEM PAC URL, no agent proxy ----------------------
H = 'FS06'
bundle('06-system-pac', H, plain_bundle(
    agent=agent_reg(H),
    system=system_reg('.DEFAULT', counter=11, enable=0, pac=PAC,
                      flags=0x05, saved=True),
    get_ob_json_text=get_ob_json(H),
    log=healthy_log(session_id(H), pid='2A7C')))

# ---- 7. pac-in-agent-field: a PAC URL as the agent's proxy server -------
H = 'APP07'
log = Log('1C08', session_id(H))
log.start('01:58:02.101')
log.add('01:58:03.250', 'NORMAL', 'Checking registration status with Microsoft Azure Backup',
        src='AzureServiceManagementHelper.cs(141)')
log.add('01:58:03.702', 'WARNING',
        'Request to https://%s failed: The remote server returned an error: (405) Method Not Allowed.' % POD,
        src='AzureServiceManagementHelper.cs(355)')
log.backup_start('02:00:00.015', JOB)
log.add('02:00:00.640', 'WARNING',
        'Request to https://%s failed: The remote server returned an error: (405) Method Not Allowed.' % POD,
        src='AzureServiceManagementHelper.cs(355)', tid='2B44', task=JOB)
log.add('02:00:00.652', 'WARNING', 'Failed: Hr: = [0x80190195] Method Not Allowed',
        src='backupasync.cpp(1184)', tid='2B44', this='[000000001B73B830]', task=JOB)
log.job_failed('02:00:00.700', JOB, '0x80190195')
log.idle('02:00:00.760')
bundle('07-pac-in-agent-field', H, plain_bundle(
    agent=agent_reg(H, 'http://wpad.contoso.local/wpad.dat', 80),
    system=system_reg('S-1-5-18', **SYSTEM_EMPTY),
    get_ob=get_ob_list('http://wpad.contoso.local/wpad.dat', 80),
    log=log.text()))

# ---- 8. both-set: agent proxy, and a different SYSTEM proxy + PAC -------
H = 'FS08'
bundle('08-both-set', H, plain_bundle(
    agent=agent_reg(H, 'http://10.0.0.5', 8080),
    system=system_reg('.DEFAULT', counter=14, enable=1,
                      server='proxy2.contoso.local:3128', override='<local>',
                      pac=PAC, flags=0x07, saved=True),
    get_ob=get_ob_list('http://10.0.0.5', 8080),
    log=healthy_log(session_id(H), pid='0E94')))

# ---- 9. pac-plus-auth: SYSTEM PAC only, 407 logged ----------------------
H = 'SQL09'
NWCHECK_PAC = '''Proxy check
Listing all proxy settings

ProxySettingsPerUser Setting
ProxySettingsPerUser:

WinInet settings for current user (used by ILR but not supported ,not used by Azure SQL / MARS Backup)
ProxyEnable: 0
AutoConfigURL: %s

WinInet settings for NT Authority\\System (used by Azure SQL / MARS Backup)
ProxyEnable: 0
AutoConfigURL: %s

##Check WinHttpProxy

Current WinHTTP proxy settings:

    Direct access (no proxy server).

#TRY!! Invoke-webRequest %s
PS>TerminatingError(Invoke-WebRequest): "The remote server returned an error: (407) Proxy Authentication Required."
''' % (PAC, PAC, POD)
bundle('09-pac-plus-auth', H, plain_bundle(
    agent=agent_reg(H),
    system=system_reg('.DEFAULT', counter=7, enable=0, pac=PAC, flags=0x05),
    get_ob=get_ob_list(),
    log=auth_failure_log(session_id(H), pid='3E20'),
    extra={'Logs/AzureBackup_Check_NW_20261128_090512.log': utf16(NWCHECK_PAC)}))

# ---- 10. user-hive-only: proxy only in an interactive user's hive -------
H = 'APP10'
log = Log('0A88', session_id(H))
log.start('01:58:02.101')
log.add('01:58:03.250', 'NORMAL', 'Checking registration status with Microsoft Azure Backup',
        src='AzureServiceManagementHelper.cs(141)')
log.add('01:58:24.311', 'WARNING', 'Unable to connect to the remote server',
        src='AzureServiceManagementHelper.cs(355)')
log.backup_start('02:00:00.015', JOB)
log.add('02:00:21.730', 'WARNING',
        'System.Net.WebException: Unable to connect to the remote server'
        '\n   ---> System.Net.Sockets.SocketException: A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond 20.191.160.11:443'
        '\n   at System.Net.HttpWebRequest.GetResponse()',
        src='AzureServiceManagementHelper.cs(360)', tid='2B44', task=JOB)
log.add('02:00:21.731', 'WARNING',
        'Failed: Hr: = [0x80072efd] A connection with the server could not be established',
        src='backupasync.cpp(1184)', tid='2B44', this='[000000001B73B830]', task=JOB)
log.add('02:00:42.100', 'FATAL',
        'The Microsoft Azure Recovery Service Agent was unable to connect to Microsoft Azure Backup. (ID: 100050) Check your network settings and ensure that you are able to connect to the internet.',
        src='backupasync.cpp(1607)', tid='2B44', this='[000000001B73B830]', task=JOB)
log.job_failed('02:00:42.160', JOB, '0x80072EE2')
log.idle('02:00:42.200')
bundle('10-user-hive-only', H, plain_bundle(
    agent=agent_reg(H),
    system=system_reg('S-1-5-18', **SYSTEM_EMPTY),
    users=[('S-1-5-21-1104', user_reg(USER_SID, counter=23, enable=1,
                                       server='10.20.30.40:8080',
                                       override='<local>', flags=0x03))],
    get_ob=get_ob_list(),
    log=log.text()))

# ---- 11. agent-incomplete: port 0, user name without password -----------
H = 'FS11'
bundle('11-agent-incomplete', H, plain_bundle(
    agent=agent_reg(H, 'http://proxy.contoso.local', 0, r'CONTOSO\svc-mars'),
    system=system_reg('.DEFAULT', **SYSTEM_EMPTY),
    get_ob=get_ob_list('http://proxy.contoso.local', 0, r'CONTOSO\svc-mars'),
    log=quiet_log(session_id(H), '2C14',
                  r'proxy http://proxy.contoso.local, user CONTOSO\svc-mars')))

# ---- 12. logs-only: engine logs and nothing else ------------------------
H = 'WEB12'
older = Log('2F08', session_id(H), date='11/27')
older.start('01:58:02.101')
older.backup_start('02:00:00.015', '5D2E0A11-6F3B-4C9E-8B27-1A4D3C6E9F02')
older.fail_407('02:00:00.880', '5D2E0A11-6F3B-4C9E-8B27-1A4D3C6E9F02')
older.job_failed('02:00:01.002', '5D2E0A11-6F3B-4C9E-8B27-1A4D3C6E9F02', '0x80190197')
older.idle('02:00:01.100', nxt='11/28 02:00')
bundle('12-logs-only', H, {
    'Logs/Temp/CBEngineCurr.errlog': utf16(auth_failure_log(session_id(H))),
    'Logs/Temp/CBEngine0.errlog': utf16(older.text()),
})

# ---- 13. clean: complete healthy bundle, the collector's nested layout --
H = 'FS13'
NWCHECK_CLEAN = '''Proxy check
Listing all proxy settings

ProxySettingsPerUser Setting
ProxySettingsPerUser:

WinInet settings for current user (used by ILR but not supported ,not used by Azure SQL / MARS Backup)
ProxyEnable: 0

WinInet settings for NT Authority\\System (used by Azure SQL / MARS Backup)
ProxyEnable: 0

##Check WinHttpProxy

Current WinHTTP proxy settings:

    Direct access (no proxy server).

Result of tnc - 443 / from 10.1.2.23 /To URL  %s IPaddress 20.191.160.11 / TcpTestSucceeded: True
#TRY!! Invoke-webRequest %s
Result of Invoke-webRequest  / StatusCode: 200/ StatusDescription: OK
''' % (POD, POD)
TRACE = '''**********************
Windows PowerShell transcript start
Start time: 20261128091002
Username: CONTOSO\\admin
Machine: FS13 (Microsoft Windows NT 10.0.20348.0)
**********************
copy the OBInstaller0Curr.errlog
copying the WAB logs
Copying the cbengine config
Collectin the reg info for Windows Azure Backup
Collecting the MOBS events
picking the machine setting for CBP
**********************
Windows PowerShell transcript end
End time: 20261128091135
**********************
'''
INSTALLER = errlog(session_id(H), [
    ('0A10', '0A14', '11/20', '16:40:10.002', '12', 'setup.cpp(88)', '', '', 'NORMAL', 'Installing Microsoft Azure Recovery Services Agent ' + VERSION),
    ('0A10', '0A14', '11/20', '16:41:55.731', '12', 'setup.cpp(240)', '', '', 'NORMAL', 'Installation completed successfully'),
])
EVENTS = '''<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="CloudBackup"/><EventID>1</EventID><Level>4</Level><TimeCreated SystemTime="2026-11-27T17:00:00.0150000Z"/><Channel>CloudBackup/Operational</Channel><Computer>FS13.contoso.local</Computer></System></Event>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="CloudBackup"/><EventID>3</EventID><Level>4</Level><TimeCreated SystemTime="2026-11-27T17:20:03.4470000Z"/><Channel>CloudBackup/Operational</Channel><Computer>FS13.contoso.local</Computer></System></Event>
'''
logs = zip_bytes({
    'Logs/Temp/CBEngineCurr.errlog': utf16(healthy_log(session_id(H), pid='1F30')),
    'Logs/WindowsTemp/OBInstaller0Curr.errlog': utf16(INSTALLER),
    'Logs/Config/CBEngine.exe.config': crlf(CBENGINE_CONFIG),
    'Logs/Registry/WindowsAzureBackup.reg': utf16(agent_reg(H, 'http://proxy.contoso.local', 8080)),
    'Logs/Registry/InternetSettings_SYSTEM.reg': utf16(system_reg('.DEFAULT', counter=2, enable=0, flags=0x01, saved=True)),
    'Logs/Registry/InternetSettings_HKLM.reg': utf16(HKLM_REG),
    'Logs/Network/netsh_winhttp_show_proxy.txt': utf16(NETSH_DIRECT),
    'Logs/PowerShell/Get-OBMachineSetting.txt': utf16(get_ob_list('http://proxy.contoso.local', 8080)),
    'Logs/Events/CloudBackup-Operational.xml': crlf(EVENTS),
    'Logs/AzureBackup_Check_NW_20261128_091040.log': utf16(NWCHECK_CLEAN),
})
bundle('13-clean', H, {'Trace.txt': utf16(TRACE), 'Logs.ZIP': logs})

# ---- near misses: look like the firing case, must not fire --------------
NM = 'near-miss'

# MP001: a proxy URL with scheme and port but no path, no .pac/.dat, no wpad
H = 'WEB21'
bundle(NM + '/MP001', H, plain_bundle(
    agent=agent_reg(H, 'http://proxy.contoso.local:8080', 8080),
    system=system_reg('.DEFAULT', **SYSTEM_EMPTY),
    get_ob=get_ob_list('http://proxy.contoso.local:8080', 8080),
    log=healthy_log(session_id(H), pid='1B6C')))

# MP002: 407 in yesterday's log, then credentials were added to the agent
H = 'APP22'
before = Log('2F08', session_id(H), date='11/27')
before.start('01:58:02.101')
before.backup_start('02:00:00.015', JOB2)
before.fail_407('02:00:00.880', JOB2)
before.job_failed('02:00:01.002', JOB2, '0x80190197')
before.add('15:32:10.220', 'NORMAL',
           r'Machine settings updated: proxy http://proxy.contoso.local:8080, user CONTOSO\svc-mars',
           src='MachineSettingsHelper.cs(88)', tid='0C1C')
before.idle('15:32:10.300', nxt='11/28 02:00')
bundle(NM + '/MP002', H, plain_bundle(
    agent=agent_reg(H, 'http://proxy.contoso.local', 8080,
                       r'CONTOSO\svc-mars', password=H),
    system=system_reg('S-1-5-18', **SYSTEM_EMPTY),
    get_ob=get_ob_list('http://proxy.contoso.local', 8080, r'CONTOSO\svc-mars'),
    log=healthy_log(session_id(H), pid='3C04'),
    extra={'Logs/Temp/CBEngine0.errlog': utf16(before.text())}))

# MP003: user:pass@ only in an interactive user's hive; agent has creds
H = 'WEB23'
bundle(NM + '/MP003', H, plain_bundle(
    agent=agent_reg(H, 'http://proxy.contoso.local', 8080,
                       r'CONTOSO\svc-mars', password=H),
    system=system_reg('.DEFAULT', **SYSTEM_EMPTY),
    users=[('S-1-5-21-1107', user_reg(
        USER_SID2, counter=31, enable=1,
        server='http://jdoe:Autumn2026@proxy.contoso.local:8080',
        override='<local>', flags=0x03))],
    get_ob=get_ob_list('http://proxy.contoso.local', 8080, r'CONTOSO\svc-mars'),
    log=healthy_log(session_id(H), pid='0D5C')))

# MP004: agent proxy only; SYSTEM proxy text is stale (ProxyEnable=0, 0x01)
H = 'FS24'
bundle(NM + '/MP004', H, plain_bundle(
    agent=agent_reg(H, 'http://10.0.0.5', 8080),
    system=system_reg('.DEFAULT', counter=19, enable=0,
                      server='proxy2.contoso.local:3128',
                      override='<local>', flags=0x01, saved=True),
    get_ob=get_ob_list('http://10.0.0.5', 8080),
    log=healthy_log(session_id(H), pid='1A94')))

# MP005: SYSTEM PAC, no 407 anywhere: backups through the PAC's proxy work
H = 'SQL25'
bundle(NM + '/MP005', H, plain_bundle(
    agent=agent_reg(H),
    system=system_reg('S-1-5-18', counter=8, enable=0,
                      pac='http://wpad.contoso.local/wpad.dat', flags=0x05),
    get_ob_json_text=get_ob_json(H),
    log=healthy_log(session_id(H), pid='2D88')))

# MP006: the user has a proxy, but so does SYSTEM (HKCU export this time)
H = 'APP26'
bundle(NM + '/MP006', H, plain_bundle(
    agent=agent_reg(H),
    system=system_reg('.DEFAULT', counter=5, enable=1,
                      server='proxy.contoso.local:8080', override='<local>',
                      flags=0x03),
    users=[('HKCU', user_reg('HKCU', counter=40, enable=1,
                              server='10.20.30.40:8080', override='<local>',
                              flags=0x03))],
    get_ob=get_ob_list(),
    log=healthy_log(session_id(H), pid='0B70')))

# MP007: a complete agent proxy: port 8080, user and password
H = 'FS27'
bundle(NM + '/MP007', H, plain_bundle(
    agent=agent_reg(H, 'http://proxy.contoso.local', 8080,
                       r'CONTOSO\svc-mars', password=H),
    system=system_reg('S-1-5-18', **SYSTEM_EMPTY),
    get_ob_json_text=get_ob_json(H, 'http://proxy.contoso.local', 8080,
                                 r'CONTOSO\svc-mars'),
    log=healthy_log(session_id(H), pid='3F1C')))

# MP022: everything collected, in the SDP collector's flat {HOST}_ layout:
# the agent key, SYSTEM's Internet Settings and HKLM in one registry file
H = 'FS28'
SDP_REG = (agent_reg(H, 'http://10.0.0.5', 8080) +
           inet_keys(SYSTEM_KEY % 'S-1-5-18', counter=2, enable=0,
                     flags=0x01) +
           HKLM_REG.split('\n', 2)[2])
TCPIP = '''===================================
ipconfig /all
===================================

Windows IP Configuration

   Host Name . . . . . . . . . . . . : FS28
   Primary Dns Suffix  . . . . . . . : contoso.local

===================================
netsh winhttp show proxy
===================================
''' + NETSH_DIRECT
bundle(NM + '/MP022', H, {
    'FS28_CBEngineCurr.errlog': utf16(healthy_log(session_id(H), pid='2E40')),
    'FS28__Azure Recovery Services_Registry.txt': utf16(SDP_REG),
    'FS28_TcpIp-Info.txt': crlf(TCPIP),
    'FS28_Get-OBMachineSetting.txt': utf16(get_ob_list('http://10.0.0.5', 8080)),
    'FS28_CBEngine.exe.config': crlf(CBENGINE_CONFIG),
})

if __name__ == '__main__':
    for path, size in built:
        print('%6d  %s' % (size, os.path.relpath(path, HERE)))
