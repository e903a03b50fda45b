#!/usr/bin/env python3
"""Writes the inputs of redact-canary.sh: one bundle whose every input
format (each parser marsdiag has) carries a canary password, a canary
host, domain, user and addresses, in the places a customer's bundle
would: registry exports (UTF-16LE regedit 5 and REGEDIT4, plain and hex
values, the DefaultConnectionSettings blob with user:password@host),
reg query output, an engine log, netsh, PowerShell (Set-OBMachineSetting
-ProxyPassword, MARSAgentInstaller /pw, ConvertTo-SecureString, a
transcript header), a .NET config (proxyaddress with user:password@), an
event log export and a network-check log.

usage: redact-canary.py OUT_DIR   (writes OUT_DIR/CANARYHOST01_MARS_20261128.zip,
and OUT_DIR/CANARYHOST02_MARS_20261128.zip, the same machine's twin
behind the same proxy (for fleet scans: shards must agree on the
proxy's pseudonym), OUT_DIR/canaries.secrets, the strings no output may
contain, and OUT_DIR/canaries.names, those no output of --redact strict
may contain, one per line; prints the first bundle's path)
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..',
                                'samples'))
import bundlekit as bk  # noqa: E402

PW = 'Canary-Pw-7Q9xZ'
HOST = 'CANARYHOST01'                  # the machine: bare name
HOST2 = 'CANARYHOST02'                 # its twin (same length: byte swap)
PROXY = 'proxy-canary.canarycorp.local'  # the proxy: a name with dots
PROXY_BARE = 'canaryprox'             # a second proxy, a bare name
DOMAIN = 'CANARYDOM'
USER = 'canaryuser'
IP = '10.99.88.77'
IP6 = 'fd00:c0de::77'
URL = 'http://%s:%s@%s:8080' % (USER, PW, PROXY)
SID = 'S-1-5-21-1111111111-2222222222-3333333333-1104'

AGENT_KEY = r'HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Azure Backup\Config'


def hexlist(data, kind='hex'):
    return kind + ':' + ','.join('%02x' % b for b in data)


def agent_reg5():
    """The agent's key: a proxy with credentials, the password once as a
    string and once as REG_SZ written in hex."""
    return '\n'.join([
        'Windows Registry Editor Version 5.00', '',
        '[%s]' % AGENT_KEY,
        '"ProxyServer"=' + bk.reg_str('http://' + PROXY),
        '"ProxyPort"=dword:00001f90',
        '"ProxyUserName"=' + bk.reg_str(DOMAIN + '\\' + USER),
        '"ProxyPassword"=' + bk.reg_str(PW),
        '"ProxyBypassList"=' + bk.reg_str('%s;%s;<local>' % (IP, PROXY_BARE)),
        '"LastProxyPassword"=' + hexlist((PW + '\0').encode('utf-16-le'),
                                         'hex(1)'),
        '', ''])


def system_reg5():
    """SYSTEM's Internet Settings: user:password@host in the proxy string
    and in the DefaultConnectionSettings blob."""
    key = bk.SYSTEM_KEY % '.DEFAULT'
    blob = bk.conn_settings(7, 0x03, URL, '%s;<local>' % PROXY_BARE, '')
    return '\n'.join([
        'Windows Registry Editor Version 5.00', '',
        '[%s]' % key,
        '"ProxyEnable"=dword:00000001',
        '"ProxyServer"=' + bk.reg_str(URL),
        '"ProxyOverride"=' + bk.reg_str('%s;*.canarycorp.local' % IP),
        '',
        '[%s\\Connections]' % key,
        bk.reg_hex('DefaultConnectionSettings', blob),
        '', ''])


def user_reg4():
    """An interactive user's settings as REGEDIT4 (ANSI), under the user's
    SID, with a profile path."""
    key = bk.SYSTEM_KEY % SID
    return '\r\n'.join([
        'REGEDIT4', '',
        '[%s]' % key,
        '"ProxyEnable"=dword:00000001',
        '"ProxyServer"="%s:3128"' % PROXY_BARE,
        '"ProxyPassword"="%s"' % PW,
        '"AutoConfigURL"="http://%s:%s@%s/proxy.pac"' % (USER, PW, PROXY),
        '"Profile"="C:\\\\Users\\\\%s\\\\AppData"' % USER,
        '', '']).encode('latin-1')


def regquery():
    blob = bk.conn_settings(9, 0x03, URL, '<local>', '')
    return '\r\n'.join([
        '',
        AGENT_KEY,
        '    ProxyServer    REG_SZ    %s' % URL,
        '    ProxyPort    REG_SZ    8080',
        '    ProxyUserName    REG_SZ    %s\\%s' % (DOMAIN, USER),
        '    ProxyPassword    REG_SZ    %s' % PW,
        '',
        r'HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion'
        r'\Internet Settings\Connections',
        '    DefaultConnectionSettings    REG_BINARY    ' + blob.hex().upper(),
        '',
        'End of search: 5 match(es) found.', '']).encode('ascii')


def engine_log():
    log = bk.Log('2F08', bk.session_id(HOST))
    log.start('01:58:02.101')
    log.add('01:58:02.500', 'NORMAL',
            'Using proxy %s for https://%s' % (URL, bk.POD),
            src='ProxyHelper.cs(51)')
    log.add('01:58:03.811', 'WARNING',
            'Request to https://%s failed: The remote name could not be '
            'resolved: \'%s\'' % (bk.POD, PROXY),
            src='AzureServiceManagementHelper.cs(355)')
    log.add('01:58:04.002', 'WARNING',
            'Unable to connect to the remote server %s:8080 (%s) as '
            '%s\\%s password=%s' % (IP, IP6, DOMAIN, USER, PW),
            src='AzureServiceManagementHelper.cs(360)')
    log.fail_407('02:00:00.880', bk.JOB)
    return log.text()


NETSH = '''
Current WinHTTP proxy settings:

    Proxy Server(s) :  %s
    Bypass List     :  %s;<local>

''' % (URL, PROXY_BARE)

SET_PROXY = '''# Proxy for the MARS agent on %s
$pw = ConvertTo-SecureString '%s' -AsPlainText -Force
Set-OBMachineSetting -ProxyServer http://%s -ProxyPort 8080 -ProxyUsername %s\\%s -ProxyPassword %s
netsh winhttp set proxy proxy-server="%s:8080" bypass-list="<local>"
''' % (HOST, PW, PROXY, DOMAIN, USER, PW, PROXY_BARE)

INSTALL = ('"\\\\%s\\software\\MARSAgentInstaller.exe" /q /ph %s /po 8080 '
           '/pu %s\\%s /pw "%s"\r\n') % (HOST, PROXY, DOMAIN, USER, PW)

TRANSCRIPT = '''**********************
Windows PowerShell transcript start
Start time: 20261128091500
Username: %s\\%s
RunAs User: %s\\%s
Machine: %s (Microsoft Windows NT 10.0.17763.0)
Host Application: C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe
Process ID: 4242
**********************
PS C:\\Users\\%s> Set-OBMachineSetting -ProxyServer http://%s -ProxyPort 8080 -ProxyUsername %s -ProxyPassword %s
PS C:\\Users\\%s> (Get-OBMachineSetting).ProxySetting | Format-List

Enabled       : True
ProxyServer   : http://%s
ProxyPort     : 8080
ProxyUserName : %s\\%s

''' % (DOMAIN, USER, DOMAIN, USER, HOST, USER, PROXY, USER, PW, USER, PROXY,
       DOMAIN, USER)

CONFIG = '''<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <system.net>
    <defaultProxy enabled="true" useDefaultCredentials="false">
      <proxy usesystemdefault="False" proxyaddress="%s" bypassonlocal="True" />
      <bypasslist>
        <add address="intranet\\.canarycorp\\.local" />
        <add address="%s" />
      </bypasslist>
    </defaultProxy>
  </system.net>
</configuration>
''' % (URL, IP.replace('.', '\\.'))

EVENTS = ('<Events>'
          "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>"
          "<System><Provider Name='CloudBackup'/><EventID Qualifiers='0'>11"
          "</EventID><Level>2</Level><Task>0</Task><Keywords>0x80000000000000"
          "</Keywords><TimeCreated SystemTime='2026-11-28T02:03:12.0156250Z'/>"
          "<EventRecordID>4713</EventRecordID><Channel>CloudBackup/Operational"
          "</Channel><Computer>%s.canarycorp.local</Computer>"
          "<Security UserID='%s'/></System><EventData>"
          "<Data Name='ProxyPassword'>%s</Data>"
          "<Data Name='Proxy'>%s</Data>"
          "<Data Name='ErrorCode'>0x80072EE2</Data></EventData>"
          "<RenderingInfo Culture='en-US'><Message>Backup failed through "
          "proxy %s (%s) for %s\\%s</Message></RenderingInfo></Event>"
          '</Events>\n') % (HOST, SID, PW, URL, PROXY, IP, DOMAIN, USER)

RAW = 'F\x00\x00\x00\x1b\x00\x00\x00\x03\x00\x00\x00'
NWCHECK = '\n'.join([
    '**********************',
    'Windows PowerShell transcript start',
    'Start time: 20261128091000',
    'Username: %s\\%s' % (DOMAIN, USER),
    'RunAs User: %s\\%s' % (DOMAIN, USER),
    'Machine: %s (Microsoft Windows NT 10.0.17763.0)' % HOST,
    '**********************',
    'Proxy check',
    'WinInet settings for NT Authority\\System (used by Azure SQL / MARS '
    'Backup)',
    'ProxyEnable: 1',
    'ProxyServer: %s' % URL,
    'ProxyOverride: %s;<local>' % PROXY_BARE,
    'AutoConfigURL:',
    'DefaultConnectionSettings: ' + RAW + chr(len(URL)) + '\x00\x00\x00' + URL,
    '',
    '##Check Azure Backup',
    'Result of tnc - 443 / from %s /To URL  %s IPaddress 20.191.166.134 / '
    'TcpTestSucceeded: True' % (IP, bk.POD),
    '**********************',
    'Windows PowerShell transcript end',
    '**********************', ''])


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    files = {
        'Logs/Registry/WindowsAzureBackup.reg': bk.utf16(agent_reg5()),
        'Logs/Registry/InternetSettings_SYSTEM.reg': bk.utf16(system_reg5()),
        'Logs/Registry/InternetSettings_user.reg': user_reg4(),
        'Logs/Registry/regquery_agent.txt': regquery(),
        'Logs/Temp/CBEngineCurr.errlog': bk.utf16(engine_log()),
        'Logs/Network/netsh_winhttp_show_proxy.txt': bk.utf16(NETSH),
        'Logs/PowerShell/set_proxy.ps1': bk.crlf(SET_PROXY),
        'Logs/PowerShell/install_mars.cmd': INSTALL.encode('ascii'),
        'Logs/PowerShell/PowerShell_transcript.%s.Xq3v9dJ1.20261128091500.txt'
        % HOST: bk.utf16(TRANSCRIPT),
        'Logs/Config/CBEngine.exe.config': bk.crlf(CONFIG),
        'Logs/Events/CloudBackup.xml': bk.crlf(EVENTS),
        'Logs/Network/AzureBackup_Check_NW_20261128_091000.log':
            bk.utf16(NWCHECK),
    }
    path = os.path.join(out, '%s_MARS_%s.zip' % (HOST, bk.DAY))
    with open(path, 'wb') as f:
        f.write(bk.zip_bytes(files))
    # The twin: every file with the machine's name swapped, in either
    # encoding; the rest (proxy, domain, user, password) the same.
    twin = {}
    for name, data in files.items():
        if isinstance(data, str):
            data = data.encode('utf-8')
        for enc in ('ascii', 'utf-16-le'):
            data = data.replace(HOST.encode(enc), HOST2.encode(enc))
        twin[name.replace(HOST, HOST2)] = data
    with open(os.path.join(out, '%s_MARS_%s.zip' % (HOST2, bk.DAY)),
              'wb') as f:
        f.write(bk.zip_bytes(twin))
    # What no output may contain, in any mode: the password, as text, as
    # hex bytes (a .reg list or a plain string, either case) and as
    # UTF-16LE hex; its rarest part alone catches a partial leak.
    secrets = [PW, '7Q9xZ']
    for enc in ('ascii', 'utf-16-le'):
        raw = PW.encode(enc)
        secrets += [raw.hex(), raw.hex().upper(),
                    ','.join('%02x' % b for b in raw),
                    ','.join('%02X' % b for b in raw)]
    # And with --redact strict: the names, as text and as hex.
    names = ['canarycorp', HOST, HOST2, PROXY_BARE, DOMAIN, USER, IP, IP6,
             SID[9:]]
    hexnames = []
    for n in ('canarycorp', USER, PROXY_BARE, HOST, HOST2):
        for enc in ('ascii', 'utf-16-le'):
            raw = n.encode(enc)
            hexnames += [raw.hex(), raw.hex().upper(),
                         ','.join('%02x' % b for b in raw)]
    with open(os.path.join(out, 'canaries.secrets'), 'w') as f:
        f.write('\n'.join(secrets) + '\n')
    with open(os.path.join(out, 'canaries.names'), 'w') as f:
        f.write('\n'.join(names + hexnames) + '\n')
    print(path)


if __name__ == '__main__':
    main()
