#!/usr/bin/env python3
"""Build the rule bundles in this folder, deterministically.

For each rule MP008-MP021 of RULES.md: fire/HOST_MARS_20261128.zip, a
small realistic support bundle where that rule (and no other) should
fire, and near-miss/HOST_MARS_20261128.zip, a bundle that looks alike but
must not fire it. README.md in this folder is the table of what each
bundle holds and why it fires or not.

The helpers (encodings, .reg exports, DefaultConnectionSettings blob,
captures, engine log) come from samples/bundlekit.py, shared with
samples/scenarios/make.py (the MP001-MP007 bundles), so that both sets
look the same; inet_keys and plain_bundle are this script's own variants.
Every bundle is a complete collection (agent key export and
Get-OBMachineSetting, SYSTEM Internet Settings with a consistent blob
unless the rule is about the blob, engine log, netsh, CBEngine config),
so MP022 stays silent. Host names, addresses, GUIDs and passwords are
invented. No randomness, fixed timestamps: running it twice gives the
same bytes. Run: python3 samples/rules/make.py (from anywhere).
"""
import hashlib
import io
import os
import zipfile
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from bundlekit import (  # noqa: E402 (helpers shared with scenarios/)
    DAY,
    ZIP_TIME,
    VERSION,
    AGENT_DIR,
    POD,
    BLOB,
    SYSTEM_KEY,
    utf16,
    crlf,
    zip_bytes,
    session_id,
    reg_str,
    reg_hex,
    conn_settings,
    dpapi_blob,
    agent_reg,
    NETSH_DIRECT,
    get_ob_list,
    get_ob_json,
    CBENGINE_CONFIG,
    errlog,
    later,
    JOB,
    JOB2,
    healthy_log,
    quiet_log,
    SYSTEM_EMPTY,
    PAC,
    Log,
)

HERE = os.path.dirname(os.path.abspath(__file__))


# ---- encodings and containers -------------------------------------------


def write_zip(folder, host, files):
    path = os.path.join(HERE, folder, '%s_MARS_%s.zip' % (host, DAY))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = zip_bytes(files)
    with open(path, 'wb') as f:
        f.write(data)
    return path, len(data)


# ---- registry -------------------------------------------------------------


def inet_keys(hive, counter, enable=0, server=None, override=None,
              pac=None, flags=0x01, saved=False, conn_extra=()):
    """Internet Settings and \\Connections of one hive, legacy values and
    the binary blob in agreement (flags 0x01 alone: nothing set)."""
    vals = ['"ProxyEnable"=dword:%08x' % enable]
    if server is not None:
        vals.append('"ProxyServer"=' + reg_str(server))
    if override is not None:
        vals.append('"ProxyOverride"=' + reg_str(override))
    if pac is not None:
        vals.append('"AutoConfigURL"=' + reg_str(pac))
    blob = conn_settings(counter, flags, server or '', override or '',
                         pac or '')
    conn = [reg_hex('DefaultConnectionSettings', blob)]
    if saved:
        conn.append(reg_hex('SavedLegacySettings', blob))
    conn.extend(conn_extra)
    return '\n'.join([
        '[%s]' % hive, '"MigrateProxy"=dword:00000001', *vals, '',
        '[%s\\Connections]' % hive, *conn, '', ''])


def system_reg(alias='.DEFAULT', **kw):
    """SYSTEM's WinINet settings as `reg export` writes them: the key is
    HKEY_USERS\\.DEFAULT or HKEY_USERS\\S-1-5-18 (the same hive)."""
    return ('Windows Registry Editor Version 5.00\n\n' +
            inet_keys(SYSTEM_KEY % alias, **kw))


# ---- bundles ---------------------------------------------------------------


def plain_bundle(agent=None, system=None, hklm=None, netsh=NETSH_DIRECT,
                 get_ob=None, get_ob_json_text=None, config=CBENGINE_CONFIG,
                 log=None, extra=None):
    """The common layout: a zip of Logs/ sub-folders as a collector script
    writes them (domain-reference §9.4), without the nested Logs.ZIP."""
    files = {}
    if log is not None:
        files['Logs/Temp/CBEngineCurr.errlog'] = utf16(log)
    if config:
        files['Logs/Config/CBEngine.exe.config'] = crlf(config)
    if agent is not None:
        files['Logs/Registry/WindowsAzureBackup.reg'] = utf16(agent)
    if system is not None:
        files['Logs/Registry/InternetSettings_SYSTEM.reg'] = utf16(system)
    if hklm is not None:
        files['Logs/Registry/InternetSettings_HKLM.reg'] = utf16(hklm)
    if netsh:
        files['Logs/Network/netsh_winhttp_show_proxy.txt'] = utf16(netsh)
    if get_ob is not None:
        files['Logs/PowerShell/Get-OBMachineSetting.txt'] = utf16(get_ob)
    if get_ob_json_text is not None:
        files['Logs/PowerShell/Get-OBMachineSetting.json'] = crlf(get_ob_json_text)
    files.update(extra or {})
    return files


built = []


def bundle(folder, host, files):
    built.append(write_zip(folder, host, files))


# ---- more captures for these rules ----------------------------------------

HKLM_INET = r'HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings'
HKLM_POLICY = r'HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Windows\CurrentVersion\Internet Settings'
NETFX = r'HKEY_LOCAL_MACHINE\SOFTWARE\%sMicrosoft\.NETFramework\v4.0.30319'
# WinHttpSettings as shipped: version 0x18, flags 0x01 (direct), no strings.
WINHTTP_DIRECT = reg_hex('WinHttpSettings', bytes.fromhex(
    '1800000000000000010000000000000000000000'))
TLS_ON = {'SchUseStrongCrypto': 1, 'SystemDefaultTlsVersions': 1}


def hklm_reg(per_user=None, inet=None, tls64=None, tls32=None):
    """InternetSettings_HKLM.reg (domain-reference §9.4): the per-machine
    policy switch ProxySettingsPerUser when given, the machine copy of
    WinINet (always with WinHttpSettings direct in \\Connections), and the
    .NETFramework v4.0.30319 TLS values of the 64-bit and WOW6432Node
    views when given (a dict name -> dword; a name left out is missing)."""
    out = ['Windows Registry Editor Version 5.00', '']
    if per_user is not None:
        out += ['[%s]' % HKLM_POLICY,
                '"ProxySettingsPerUser"=dword:%08x' % per_user, '']
    if inet is not None:
        out.append(inet_keys(HKLM_INET, conn_extra=[WINHTTP_DIRECT], **inet))
    else:
        out += ['[%s\\Connections]' % HKLM_INET, WINHTTP_DIRECT, '']
    for view, vals in (('', tls64), ('WOW6432Node\\', tls32)):
        if vals is not None:
            out.append('[%s]' % (NETFX % view))
            out += ['"%s"=dword:%08x' % kv for kv in vals.items()]
            out.append('')
    return '\n'.join(out) + '\n'


def netsh_proxy(server, bypass='(none)'):
    """netsh winhttp show proxy with a proxy set (domain-reference §4.1)."""
    return '''
Current WinHTTP proxy settings:

    Proxy Server(s) :  %s
    Bypass List     :  %s

''' % (server, bypass)


def cbengine_config(default_proxy):
    """CBEngine.exe.config with the given <defaultProxy> element."""
    start = CBENGINE_CONFIG.index('    <defaultProxy')
    end = CBENGINE_CONFIG.index('  </system.net>')
    return CBENGINE_CONFIG[:start] + default_proxy + CBENGINE_CONFIG[end:]


# ---- engine-log stories -----------------------------------------------------

def failure_log(session, pid, check_msg, exception, hr, hr_text, delay=21000):
    """The 01:58 registration check and the 02:00 scheduled backup both
    fail the same way, delay ms after the request: check_msg is the
    check's one-line warning, exception the .NET exception of the backup's
    request, hr the HRESULT the job ends with."""
    log = Log(pid, session)
    log.start('01:58:02.101')
    log.add('01:58:03.250', 'NORMAL', 'Checking registration status with Microsoft Azure Backup',
            src='AzureServiceManagementHelper.cs(141)')
    log.add(later('01:58:03.250', delay), 'WARNING', check_msg,
            src='AzureServiceManagementHelper.cs(355)')
    log.backup_start('02:00:00.015', JOB)
    t = later('02:00:00.512', delay)
    log.add(t, 'WARNING', exception,
            src='AzureServiceManagementHelper.cs(360)', tid='2B44', task=JOB)
    log.add(later(t, 1), 'WARNING', 'Failed: Hr: = [%s] %s' % (hr, hr_text),
            src='backupasync.cpp(1184)', tid='2B44', this='[000000001B73B830]', task=JOB)
    log.job_failed(later(t, 60), JOB, hr)
    log.idle(later(t, 120))
    return log


def then_fixed(log, pid, changed):
    """The administrator changes the settings at 08:40, the service
    restarts (a new process) and an on-demand backup succeeds."""
    log.add('08:40:12.517', 'NORMAL', 'Machine settings updated: ' + changed,
            src='MachineSettingsHelper.cs(88)', tid='0C1C')
    log.add('08:40:12.533', 'NORMAL', 'Service restart requested to apply the new settings',
            src='MachineSettingsHelper.cs(131)', tid='0C1C')
    log.add('08:40:16.902', 'NORMAL', 'CBEngine service stopping',
            src='cbengine.cpp(498)')
    new = Log(pid, log.session_id)
    new.start('08:40:23.120').registration('08:40:23.900')
    new.add('08:44:30.015', 'NORMAL', 'Starting on-demand backup. Policy: DailyBackup-FilesFolders, Job ID: ' + JOB2,
            src='backupasync.cpp(214)', tid='3A58', this='[000000001B73B830]', task=JOB2)
    new.add('08:44:30.512', 'NORMAL',
            'Sending request to https://%s/CloudBackupService/GetBackupPolicy' % POD,
            src='AzureServiceManagementHelper.cs(320)', tid='3A58', task=JOB2)
    new.backup_ok(('08:44:35.004', '08:44:39.871', '08:49:12.300',
                   '08:53:40.118', '08:53:44.902'), JOB2, gb='0.4', tid='3A58')
    new.idle('08:53:46.010')
    log.lines += new.lines
    return log


def cant_resolve(pid, session, host):
    """The proxy's name does not resolve (.NET ProxyNameResolutionFailure)."""
    return failure_log(
        session, pid,
        "Request to https://%s/CloudBackupService/GetResourceInfo failed: The proxy name could not be resolved: '%s'" % (POD, host),
        "System.Net.WebException: The proxy name could not be resolved: '%s'"
        '\n   at System.Net.HttpWebRequest.GetResponse()'
        '\n   at Microsoft.Internal.CloudBackup.Client.Common.AzureServiceManagementHelper.Send(HttpWebRequest request)' % host,
        '0x80072EE7', 'The server name or address could not be resolved',
        delay=2250)


def cant_connect(pid, session, addr):
    """addr (the proxy, or Azure when direct) does not answer."""
    return failure_log(
        session, pid,
        'Request to https://%s/CloudBackupService/GetResourceInfo failed: Unable to connect to the remote server' % POD,
        'System.Net.WebException: Unable to connect to the remote server'
        '\n   ---> System.Net.Sockets.SocketException: A connection attempt failed because the connected party did not properly respond after a period of time, or established connection failed because connected host has failed to respond %s'
        '\n   at System.Net.HttpWebRequest.GetResponse()' % addr,
        '0x80072EFD', 'A connection with the server could not be established')


def tls_broken(pid, session):
    """The server certificate is not trusted."""
    return failure_log(
        session, pid,
        'Request to https://%s/CloudBackupService/GetResourceInfo failed: The underlying connection was closed: Could not establish trust relationship for the SSL/TLS secure channel.' % POD,
        'System.Net.WebException: The underlying connection was closed: Could not establish trust relationship for the SSL/TLS secure channel.'
        '\n   ---> System.Security.Authentication.AuthenticationException: The remote certificate is invalid according to the validation procedure.'
        '\n   at System.Net.HttpWebRequest.GetResponse()',
        '0x80072F8F', 'A security error occurred', delay=640)


def pac_broken(pid, session, pac):
    """The PAC file cannot be downloaded (12167)."""
    return failure_log(
        session, pid,
        'WinHttpGetProxyForUrl failed with error 12167 for https://%s/ (auto-config URL %s)' % (POD, pac),
        'WinHttpGetProxyForUrl failed with error 12167 for https://%s/ (auto-config URL %s)' % (POD, pac),
        '0x80072F87', 'The PAC file could not be downloaded', delay=152)


def complete(host, agent=(), system=None, get_ob=None, **kw):
    """A complete collection for host: agent key export and
    Get-OBMachineSetting list (both naming the agent proxy given as
    (server, port[, user, password-seed])), SYSTEM Internet Settings,
    engine log, netsh, CBEngine config."""
    server, port, user, pw = (tuple(agent) + (None,) * 4)[:4]
    if get_ob is None:
        get_ob = get_ob_list(server or '', port or 0, user or '')
    return plain_bundle(agent=agent_reg(host, server, port, user, pw),
                        system=system, get_ob=get_ob, **kw)


def rule(rule_id, case, host, files):
    bundle('%s/%s' % (rule_id, case), host, files)


PROXY = 'proxy.contoso.local:8080'
SVC = r'CONTOSO\svc-mars'

# ---- MP008 system-proxy-disabled-but-populated -----------------------------
# fire: SYSTEM keeps a proxy's text with ProxyEnable=0 and flags 0x01; no
# agent proxy; the agent goes direct and the backup succeeds.
H = 'FS081'
rule('MP008', 'fire', H, complete(
    H, system=system_reg('.DEFAULT', counter=12, enable=0, server=PROXY,
                         override='<local>', flags=0x01, saved=True),
    log=healthy_log(session_id(H), pid='1B08')))
# near miss: ProxyEnable=0 as well, but what is populated is a PAC URL
# whose flag 0x04 is on: PAC in force, ProxyEnable=0 is normal for it.
H = 'FS082'
rule('MP008', 'near-miss', H, complete(
    H, system=system_reg('S-1-5-18', counter=5, enable=0, override='<local>',
                         pac=PAC, flags=0x05, saved=True),
    log=healthy_log(session_id(H), pid='2B08')))

# ---- MP009 system-proxy-flags-inconsistent ---------------------------------
# fire: flag 0x02 (and ProxyEnable=1) with an empty proxy server: no
# ProxyServer value, an empty string in the blob.
H = 'APP091'
rule('MP009', 'fire', H, complete(
    H, system=system_reg('.DEFAULT', counter=9, enable=1, override='<local>',
                         flags=0x03),
    log=healthy_log(session_id(H), pid='0C90')))
# near miss: flags 0x09 (auto-detect, the Windows default) with
# ProxyEnable=0 and no strings: not 0x01, but nothing disagrees.
H = 'APP092'
rule('MP009', 'near-miss', H, complete(
    H, system=system_reg('S-1-5-18', counter=3, enable=0, flags=0x09),
    log=healthy_log(session_id(H), pid='1C90')))

# ---- MP010 winhttp-only-proxy ----------------------------------------------
# fire: netsh shows a WinHTTP proxy; agent and SYSTEM have none.
H = 'WEB101'
rule('MP010', 'fire', H, complete(
    H, system=system_reg('S-1-5-18', **SYSTEM_EMPTY),
    netsh=netsh_proxy(PROXY, '<local>'),
    log=healthy_log(session_id(H), pid='2D10')))
# near miss: the same WinHTTP proxy, and SYSTEM WinINet has it too.
H = 'WEB102'
rule('MP010', 'near-miss', H, complete(
    H, system=system_reg('.DEFAULT', counter=6, enable=1, server=PROXY,
                         override='<local>', flags=0x03),
    netsh=netsh_proxy(PROXY, '<local>'),
    log=healthy_log(session_id(H), pid='3D10')))

# ---- MP011 azure-endpoints-bypassed ----------------------------------------
# fire: the SYSTEM proxy is in force and its ProxyOverride lists the
# Azure Backup endpoint families (copied from the firewall allow list).
H = 'SQL111'
rule('MP011', 'fire', H, complete(
    H, system=system_reg('S-1-5-18', counter=14, enable=1, server=PROXY,
                         override='*.contoso.local;*.windowsazure.com;'
                                  '*.microsoftonline.com;*.windows.net;<local>',
                         flags=0x03, saved=True),
    log=healthy_log(session_id(H), pid='0E11')))
# near miss: only the private-endpoint name of the vault, the Azure
# platform addresses and local names are bypassed.
H = 'SQL112'
rule('MP011', 'near-miss', H, complete(
    H, system=system_reg('S-1-5-18', counter=15, enable=1, server=PROXY,
                         override='*.contoso.local;168.63.129.16;169.254.169.254;'
                                  '*.privatelink.jpe.backup.windowsazure.com;<local>',
                         flags=0x03, saved=True),
    log=healthy_log(session_id(H), pid='1E11')))
# fire: "bypass everything" ('*'), and a wildcard between labels that
# covers the storage endpoints ('*.core.*').
H = 'SQL114'
rule('MP011', 'fire', H, complete(
    H, system=system_reg('S-1-5-18', counter=16, enable=1, server=PROXY,
                         override='*.contoso.local;*;<local>',
                         flags=0x03, saved=True),
    log=healthy_log(session_id(H), pid='2E14')))
H = 'SQL115'
rule('MP011', 'fire', H, complete(
    H, system=system_reg('S-1-5-18', counter=17, enable=1, server=PROXY,
                         override='*.contoso.local;*.core.*;<local>',
                         flags=0x03, saved=True),
    log=healthy_log(session_id(H), pid='2E15')))

# ---- MP012 https-missing-in-per-protocol-proxy ------------------------------
H = 'FS121'
rule('MP012', 'fire', H, complete(
    H, system=system_reg('.DEFAULT', counter=8, enable=1,
                         server='http=proxy.contoso.local:8080;ftp=proxy.contoso.local:21',
                         override='<local>', flags=0x03),
    log=healthy_log(session_id(H), pid='2F12')))
H = 'FS122'
rule('MP012', 'near-miss', H, complete(
    H, system=system_reg('.DEFAULT', counter=8, enable=1,
                         server='http=proxy.contoso.local:8080;https=proxy.contoso.local:8443',
                         override='<local>', flags=0x03),
    log=healthy_log(session_id(H), pid='3F12')))

# ---- MP013 proxy-host-unresolvable -----------------------------------------
# fire: the agent proxy's host does not resolve (check and backup fail).
H = 'APP131'
rule('MP013', 'fire', H, complete(
    H, agent=('http://proxy.contoso.local', 8080),
    system=system_reg('S-1-5-18', **SYSTEM_EMPTY),
    log=cant_resolve('0A13', session_id(H), 'proxy.contoso.local').text()))
# near miss: the failures name the old proxy, proxy-old.contoso.local;
# at 08:40 the agent was set to proxy.contoso.local and the backup works.
H = 'APP132'
log = cant_resolve('1A13', session_id(H), 'proxy-old.contoso.local')
then_fixed(log, '2A13', 'proxy http://proxy.contoso.local, port 8080')
rule('MP013', 'near-miss', H, complete(
    H, agent=('http://proxy.contoso.local', 8080),
    system=system_reg('S-1-5-18', **SYSTEM_EMPTY), log=log.text()))

# ---- MP014 proxy-unreachable -----------------------------------------------
# fire: the agent proxy 10.0.0.5:8080 does not answer.
H = 'WEB141'
rule('MP014', 'fire', H, complete(
    H, agent=('http://10.0.0.5', 8080),
    system=system_reg('.DEFAULT', **SYSTEM_EMPTY),
    log=cant_connect('0B14', session_id(H), '10.0.0.5:8080').text()))
# near miss: the same failures, but no proxy anywhere: the agent goes
# direct and a firewall drops 20.191.160.11:443.
H = 'WEB142'
rule('MP014', 'near-miss', H, complete(
    H, system=system_reg('.DEFAULT', **SYSTEM_EMPTY),
    log=cant_connect('1B14', session_id(H), '20.191.160.11:443').text()))

# ---- MP015 tls-interception-suspected --------------------------------------
H = 'SQL151'
rule('MP015', 'fire', H, complete(
    H, agent=('http://proxy.contoso.local', 8080),
    system=system_reg('S-1-5-18', **SYSTEM_EMPTY),
    log=tls_broken('0C15', session_id(H)).text()))
# near miss: the same TLS failures with no proxy in force (direct).
H = 'SQL152'
rule('MP015', 'near-miss', H, complete(
    H, system=system_reg('S-1-5-18', **SYSTEM_EMPTY),
    log=tls_broken('1C15', session_id(H)).text()))

# ---- MP016 tls12-not-enabled-for-dotnet ------------------------------------
# fire: 64-bit view lacks SystemDefaultTlsVersions, WOW6432Node has
# SchUseStrongCrypto=0.
H = 'FS161'
rule('MP016', 'fire', H, complete(
    H, agent=('http://proxy.contoso.local', 8080),
    system=system_reg('.DEFAULT', **SYSTEM_EMPTY),
    hklm=hklm_reg(tls64={'SchUseStrongCrypto': 1},
                  tls32={'SchUseStrongCrypto': 0, 'SystemDefaultTlsVersions': 1}),
    log=healthy_log(session_id(H), pid='0D16')))
H = 'FS162'
rule('MP016', 'near-miss', H, complete(
    H, agent=('http://proxy.contoso.local', 8080),
    system=system_reg('.DEFAULT', **SYSTEM_EMPTY),
    hklm=hklm_reg(tls64=TLS_ON, tls32=TLS_ON),
    log=healthy_log(session_id(H), pid='1D16')))

# ---- MP017 per-machine-policy-mismatch -------------------------------------
# fire: ProxySettingsPerUser=0 but the proxy was set under HKU\S-1-5-18
# only; the HKLM copy, which is what applies, is empty.
H = 'APP171'
rule('MP017', 'fire', H, complete(
    H, system=system_reg('S-1-5-18', counter=6, enable=1, server=PROXY,
                         override='<local>', flags=0x03),
    hklm=hklm_reg(per_user=0, inet=dict(counter=2, enable=0, flags=0x01)),
    log=healthy_log(session_id(H), pid='0E17')))
# near miss: per-machine, and the HKLM copy holds the proxy.
H = 'APP172'
rule('MP017', 'near-miss', H, complete(
    H, system=system_reg('S-1-5-18', **SYSTEM_EMPTY),
    hklm=hklm_reg(per_user=0, inet=dict(counter=4, enable=1, server=PROXY,
                                        override='<local>', flags=0x03)),
    log=healthy_log(session_id(H), pid='1E17')))

# ---- MP018 dotnet-config-proxy-override ------------------------------------
# fire: the SYSTEM proxy is in force, CBEngine.exe.config names another.
H = 'WEB181'
rule('MP018', 'fire', H, complete(
    H, system=system_reg('.DEFAULT', counter=6, enable=1, server=PROXY,
                         override='<local>', flags=0x03),
    config=cbengine_config(
        '    <defaultProxy enabled="true" useDefaultCredentials="false">\n'
        '      <proxy usesystemdefault="False" proxyaddress="http://10.10.1.20:3128" bypassonlocal="True" />\n'
        '    </defaultProxy>\n'),
    log=healthy_log(session_id(H), pid='0F18')))
H = 'WEB182'
rule('MP018', 'near-miss', H, complete(
    H, system=system_reg('.DEFAULT', counter=6, enable=1, server=PROXY,
                         override='<local>', flags=0x03),
    config=cbengine_config(
        '    <defaultProxy>\n'
        '      <proxy usesystemdefault="True" />\n'
        '    </defaultProxy>\n'),
    log=healthy_log(session_id(H), pid='1F18')))

# ---- MP019 conflicting-evidence --------------------------------------------
# fire: the registry export says proxy.contoso.local, the cmdlet
# proxy2.contoso.local (same port).
H = 'SQL191'
rule('MP019', 'fire', H, complete(
    H, agent=('http://proxy.contoso.local', 8080),
    system=system_reg('S-1-5-18', **SYSTEM_EMPTY),
    get_ob=get_ob_list('http://proxy2.contoso.local', 8080),
    log=healthy_log(session_id(H), pid='0A19')))
# near miss: registry and the cmdlet's JSON agree (server, port, user).
H = 'SQL192'
rule('MP019', 'near-miss', H, plain_bundle(
    agent=agent_reg(H, 'http://proxy.contoso.local', 8080, SVC, password=H),
    system=system_reg('S-1-5-18', **SYSTEM_EMPTY),
    get_ob_json_text=get_ob_json(H, 'http://proxy.contoso.local', 8080, SVC),
    log=healthy_log(session_id(H), pid='1A19')))

# ---- MP020 proxy-password-exposed ------------------------------------------
INSTALL = r'''@echo off
REM Install the MARS agent on %s behind the Contoso proxy (change %s)
set SRC=\\fs01\software\MARS
"%%SRC%%\MARSAgentInstaller.exe" /q /nu /ph proxy.contoso.local /po 8080 /pu CONTOSO\svc-mars%s
if errorlevel 1 echo Installation failed & exit /b 1
'''
# fire: the deployment script attached to the upload passes /pw.
H = 'FS201'
rule('MP020', 'fire', H, complete(
    H, agent=('http://proxy.contoso.local', 8080, SVC, H),
    system=system_reg('.DEFAULT', **SYSTEM_EMPTY),
    log=healthy_log(session_id(H), pid='0B20'),
    extra={'Deploy/install_mars.cmd': crlf(INSTALL % (H, 'CHG0041877', ' /pw Kiri#Proxy2026'))}))
# near miss: the same script without /pw; the password is asked for and
# set with Set-OBMachineSetting and Read-Host -AsSecureString.
H = 'FS202'
rule('MP020', 'near-miss', H, complete(
    H, agent=('http://proxy.contoso.local', 8080, SVC, H),
    system=system_reg('.DEFAULT', **SYSTEM_EMPTY),
    log=healthy_log(session_id(H), pid='1B20'),
    extra={'Deploy/install_mars.cmd': crlf(INSTALL % (H, 'CHG0041878', '') +
        'powershell -NoProfile -Command "Set-OBMachineSetting -ProxyServer http://proxy.contoso.local'
        ' -ProxyPort 8080 -ProxyUsername CONTOSO\\svc-mars'
        " -ProxyPassword (Read-Host -AsSecureString 'Proxy password')\"\n"
        'net stop obengine & net start obengine\n')}))

# ---- MP021 pac-download-failed ---------------------------------------------
# fire: SYSTEM uses the PAC (no agent proxy) and the PAC cannot be fetched.
H = 'APP211'
rule('MP021', 'fire', H, complete(
    H, system=system_reg('.DEFAULT', counter=7, enable=0, pac=PAC,
                         flags=0x05, saved=True),
    log=pac_broken('0C21', session_id(H), PAC).text()))
# near miss: the same errors, then at 08:40 the agent got its own proxy,
# which shadows the PAC (MP004 fires, as it should), and backups work.
H = 'APP212'
log = pac_broken('1C21', session_id(H), PAC)
then_fixed(log, '2C21', 'proxy http://10.0.0.5, port 8080')
rule('MP021', 'near-miss', H, complete(
    H, agent=('http://10.0.0.5', 8080),
    system=system_reg('.DEFAULT', counter=7, enable=0, pac=PAC,
                      flags=0x05, saved=True),
    log=log.text()))
# second near miss: SYSTEM on auto-detect (0x09) without a PAC URL; WPAD
# is not found (12180), WinHTTP goes direct and the backup succeeds.
H = 'APP213'
log = Log('3C21', session_id(H))
log.start('01:58:02.101').registration('01:58:03.250')
log.backup_start('02:00:00.015', JOB)
log.add('02:00:00.402', 'WARNING',
        'WinHttpGetProxyForUrl failed with error 12180 for https://%s/ (auto-detect); Hr: = [0x80072F94], connecting directly' % POD,
        src='AzureServiceManagementHelper.cs(298)', tid='2B44', task=JOB)
log.backup_ok(('02:00:04.880', '02:00:09.301', '02:11:45.620',
               '02:19:58.002', '02:20:03.447'), JOB)
log.idle('02:20:05.010')
rule('MP021', 'near-miss', H, complete(
    H, system=system_reg('S-1-5-18', counter=3, enable=0, flags=0x09),
    log=log.text()))

# ---- the other triggers of MP009 and MP018 ---------------------------------
# MP009, ProxyEnable=1 while the blob's manual flag is off: the proxy text
# is then also populated-but-disabled, so MP008 fires with it.
H = 'APP093'
rule('MP009', 'fire', H, complete(
    H, system=system_reg('.DEFAULT', counter=10, enable=1, server=PROXY,
                         override='<local>', flags=0x01),
    log=healthy_log(session_id(H), pid='2C90')))
# MP009, AutoConfigURL written but the blob's PAC flag off (and MP008).
H = 'APP094'
rule('MP009', 'fire', H, complete(
    H, system=system_reg('S-1-5-18', counter=11, enable=0, pac=PAC,
                         flags=0x01),
    log=healthy_log(session_id(H), pid='3C90')))
# MP018, the agent's config turns the default proxy off.
H = 'WEB183'
rule('MP018', 'fire', H, complete(
    H, system=system_reg('.DEFAULT', counter=6, enable=1, server=PROXY,
                         override='<local>', flags=0x03),
    config=cbengine_config('    <defaultProxy enabled="false" />\n'),
    log=healthy_log(session_id(H), pid='2F18')))
# MP018, a WinINet wildcard where .NET wants a regular expression.
H = 'WEB184'
rule('MP018', 'fire', H, complete(
    H, system=system_reg('.DEFAULT', counter=6, enable=1, server=PROXY,
                         override='<local>', flags=0x03),
    config=cbengine_config(
        '    <defaultProxy>\n'
        '      <proxy usesystemdefault="True" />\n'
        '      <bypasslist>\n'
        '        <add address="*.windows.net" />\n'
        '      </bypasslist>\n'
        '    </defaultProxy>\n'),
    log=healthy_log(session_id(H), pid='3F18')))
# MP011, the agent's own proxy in force with Azure in its bypass list, as
# SetMarsProxy.exe passes it (Set-OBMachineSetting -BypassUrls "a;b").
H = 'SQL113'
files = complete(
    H, agent=('http://proxy.contoso.local', 8080),
    system=system_reg('S-1-5-18', **SYSTEM_EMPTY),
    log=healthy_log(session_id(H), pid='2E11'))
AGENT_REG = 'Logs/Registry/WindowsAzureBackup.reg'
files[AGENT_REG] = utf16(files[AGENT_REG][2:].decode('utf-16-le')
                         .replace('\r\n', '\n').replace(
    '"ProxyPort"=', '"BypassUrls"="*.contoso.local;*.windowsazure.com"\n'
    '"ProxyPort"='))
rule('MP011', 'fire', H, files)

if __name__ == '__main__':
    for path, size in built:
        print('%6d  %s' % (size, os.path.relpath(path, HERE)))
