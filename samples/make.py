#!/usr/bin/env python3
"""Build the sample bundles in this folder, deterministically.

The samples imitate the three layouts customers upload (domain-reference
§9): the Japanese support team's collector (a zip holding Trace.txt and a
nested Logs.ZIP), Microsoft's SDP collector (a flat folder of {HOST}_
files), and a plain folder tree copied from a server. Contents follow the
formats described in domain-reference §3-§9; host names, addresses and
GUIDs are invented. Run: python3 samples/make.py (from anywhere).
"""
import io
import os
import shutil
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
T = (2026, 11, 28, 9, 15, 0)


def utf16(text):
    """UTF-16LE with BOM and CRLF, as regedit, PowerShell 5.1 and the
    agent's logs write it."""
    return b'\xff\xfe' + text.replace('\n', '\r\n').encode('utf-16-le')


def crlf(text, enc='utf-8'):
    return text.replace('\n', '\r\n').encode(enc)


def errlog(host_guid, lines):
    """CBEngine errlog: a header line, then 11 TAB-separated fields."""
    out = ['\ufeffMicrosoft Azure Recovery Services Agent log']
    for pid, tid, date, time, comp, src, this, sev, msg in lines:
        out.append('\t'.join([pid, tid, date, time, comp, src, this,
                              host_guid, '', sev, msg]))
    return '\n'.join(out) + '\n'


def reg_hex(name, data):
    """A REG_BINARY value as regedit writes it: hex bytes wrapped with a
    trailing backslash and a two-space indent near 80 columns."""
    line = '"%s"=hex:' % name
    out = []
    for i, b in enumerate(data):
        item = '%02x' % b + (',' if i + 1 < len(data) else '')
        if len(line) + len(item) > 78:
            out.append(line + '\\')
            line = '  '
        line += item
    out.append(line)
    return '\n'.join(out)


def conn_settings(counter, flags, proxy='', bypass='', pac=''):
    """DefaultConnectionSettings (domain-reference §3.3), version 0x46."""
    def s(x):
        b = x.encode('ascii')
        return len(b).to_bytes(4, 'little') + b
    return (b'\x46\0\0\0' + counter.to_bytes(4, 'little') +
            flags.to_bytes(4, 'little') + s(proxy) + s(bypass) + s(pac) +
            bytes(32))


def write_tree(root, files):
    if os.path.exists(root):
        shutil.rmtree(root)
    for name, data in files.items():
        path = os.path.join(root, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'wb') as f:
            f.write(data)
        os.utime(path, (1795857300, 1795857300))  # 2026-11-28 09:15 UTC


def zip_bytes(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            zi = zipfile.ZipInfo(name, T)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data)
    return buf.getvalue()


# ---- 1. the Japanese collector: FS01_MARS_20261128.zip ------------------
AGENT_REG = r'''Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Azure Backup]

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Azure Backup\Setup]
"InstallPath"="C:\\Program Files\\Microsoft Azure Recovery Services Agent\\"
"CurrentVersion"="2.0.9262.0"

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Azure Backup\Config]
"ScratchLocation"="C:\\Program Files\\Microsoft Azure Recovery Services Agent\\Scratch"
"ServiceResourceName"="rsv-prod-jpe"
"ProxyServer"="http://10.0.0.5"
"ProxyPort"=dword:00001f90
"ProxyUserName"=""
'''

SYSTEM_REG = r'''Windows Registry Editor Version 5.00

[HKEY_USERS\.DEFAULT\Software\Microsoft\Windows\CurrentVersion\Internet Settings]
"ProxyEnable"=dword:00000000
"AutoConfigURL"="http://pac.contoso.local/proxy.pac"

[HKEY_USERS\.DEFAULT\Software\Microsoft\Windows\CurrentVersion\Internet Settings\Connections]
''' + reg_hex('DefaultConnectionSettings', conn_settings(5, 0x05, pac='http://pac.contoso.local/proxy.pac')) + r'''
'''

FS01_GUID = '6F2C1C0E-5D1B-4E8A-9C8F-0A1B2C3D4E5F'
FS01_LOG = errlog(FS01_GUID, [
    ('1A2C', '0F10', '11/28', '08:59:58.101', '71', 'cbengine.cpp(412)', '[0000000001A2B3C0]', 'NORMAL', 'CBEngine service started. Version 2.0.9262.0'),
    ('1A2C', '0F10', '11/28', '09:00:01.250', '69', 'AzureServiceManagementHelper.cs(320)', '', 'NORMAL', 'Using proxy http://10.0.0.5:8080 for service calls'),
    ('1A2C', '0F10', '11/28', '09:00:02.377', '69', 'AzureServiceManagementHelper.cs(355)', '', 'WARNING', 'Request to https://pod01-manag1.jpe.backup.windowsazure.com failed: The remote server returned an error: (407) Proxy Authentication Required.'),
    ('1A2C', '0F10', '11/28', '09:00:02.379', '69', 'AzureServiceManagementHelper.cs(360)', '', 'FATAL', 'System.Net.WebException: The remote server returned an error: (407) Proxy Authentication Required.\n   at System.Net.HttpWebRequest.GetResponse()\n   at Microsoft.Internal.CloudBackup.Client.Common.AzureServiceManagementHelper.Send()'),
    ('1A2C', '2B44', '11/28', '09:00:02.401', '71', 'backupasync.cpp(1184)', '[000000001B73B830]', 'WARNING', 'Failed: Hr: = [0x80190197] The Microsoft Azure Recovery Service Agent was unable to connect to Microsoft Azure Backup. (ID: 100050)'),
])
OBINSTALLER = errlog(FS01_GUID, [
    ('0A10', '0A14', '11/27', '16:40:10.002', '12', 'setup.cpp(88)', '', 'NORMAL', 'Installing Microsoft Azure Recovery Services Agent 2.0.9262.0'),
    ('0A10', '0A14', '11/27', '16:41:55.731', '12', 'setup.cpp(240)', '', 'NORMAL', 'Proxy settings: host http://10.0.0.5, port 8080, user (none)'),
])
NETSH_JA = '''
現在の WinHTTP プロキシ設定:

    直接アクセス (プロキシ サーバーなし)。

'''
GET_OB = '''
PS C:\\> Get-OBMachineSetting

ProxySetting        : Microsoft.Internal.CloudBackup.Commands.OBProxySetting
ProxyServer         : http://10.0.0.5
ProxyPort           : 8080
ProxyUserName       :
Enabled             : True
WorkDay             : {Monday, Tuesday, Wednesday, Thursday, Friday}
StartWorkHour       : 09:00:00
EndWorkHour         : 18:00:00

'''
CBENGINE_CONFIG = '''<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <startup>
    <supportedRuntime version="v4.0" sku=".NETFramework,Version=v4.6.2"/>
  </startup>
  <system.net>
    <defaultProxy enabled="true" useDefaultCredentials="false">
      <proxy usesystemdefault="True" />
    </defaultProxy>
  </system.net>
</configuration>
'''
EVENTS = '''<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="CloudBackup"/><EventID>18</EventID><Level>2</Level><TimeCreated SystemTime="2026-11-28T00:00:03.0000000Z"/><Channel>CloudBackup/Operational</Channel><Computer>FS01.contoso.local</Computer></System><EventData><Data Name="ErrorCode">0x80190197</Data></EventData></Event>
<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="CloudBackup"/><EventID>1</EventID><Level>4</Level><TimeCreated SystemTime="2026-11-27T15:00:00.0000000Z"/><Channel>CloudBackup/Operational</Channel><Computer>FS01.contoso.local</Computer></System></Event>
'''
NWCHECK = '''Proxy check
Listing all proxy settings

ProxySettingsPerUser Setting
ProxySettingsPerUser:

WinInet settings for current user (used by ILR but not supported ,not used by Azure SQL / MARS Backup)
ProxyEnable: 1
ProxyServer: 10.0.0.5:8080
ProxyOverride: <local>

WinInet settings for NT Authority\\System (used by Azure SQL / MARS Backup)
ProxyEnable: 0
AutoConfigURL: http://pac.contoso.local/proxy.pac

##Check WinHttpProxy

Current WinHTTP proxy settings:

    Direct access (no proxy server).

Result of tnc - 443 / from 10.1.2.15 /To URL  pod01-manag1.jpe.backup.windowsazure.com IPaddress 20.191.160.11 / TcpTestSucceeded: False
#TRY!! Invoke-webRequest pod01-manag1.jpe.backup.windowsazure.com
PS>TerminatingError(Invoke-WebRequest): "The remote server returned an error: (407) Proxy Authentication Required."
'''
TRACE = '''**********************
Windows PowerShell transcript start
Start time: 20261128091002
Username: CONTOSO\\admin
Machine: FS01 (Microsoft Windows NT 10.0.17763.0)
**********************
copy the OBInstaller0Curr.errlog
copying the WAB logs
Copying the cbengine config
Collectin the reg info for Windows Azure Backup
picking the machine setting for CBP
**********************
Windows PowerShell transcript end
End time: 20261128091135
**********************
'''
logs = zip_bytes({
    'Logs/Temp/CBEngineCurr.errlog': utf16(FS01_LOG),
    'Logs/WindowsTemp/OBInstaller0Curr.errlog': crlf(OBINSTALLER),
    'Logs/Config/CBEngine.exe.config': crlf(CBENGINE_CONFIG),
    'Logs/Registry/WindowsAzureBackup.reg': utf16(AGENT_REG),
    'Logs/Registry/InternetSettings_SYSTEM.reg': utf16(SYSTEM_REG),
    'Logs/Network/netsh_winhttp_show_proxy.txt': utf16(NETSH_JA),
    'Logs/PowerShell/Get-OBMachineSetting.txt': utf16(GET_OB),
    'Logs/Events/CloudBackup-Operational.xml': crlf(EVENTS),
    'Logs/AzureBackup_Check_NW_20261128_091040.log': utf16(NWCHECK),
})
os.makedirs(os.path.join(HERE, 'jp-collector'), exist_ok=True)
with open(os.path.join(HERE, 'jp-collector', 'FS01_MARS_20261128.zip'), 'wb') as f:
    f.write(zip_bytes({'Trace.txt': utf16(TRACE), 'Logs.ZIP': logs}))

# ---- 2. Microsoft's SDP collector: a flat folder of FS02_ files ---------
SDP_REG = r'''Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Azure Backup\Setup]
"CurrentVersion"="2.0.9250.0"

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Azure Backup\Config]
"ScratchLocation"="C:\\Program Files\\Microsoft Azure Recovery Services Agent\\Scratch\\"

[HKEY_USERS\S-1-5-18\Software\Microsoft\Windows\CurrentVersion\Internet Settings]
"ProxyEnable"=dword:00000001
"ProxyServer"="proxy.fabrikam.local:3128"
"ProxyOverride"="<local>;*.fabrikam.local"

[HKEY_USERS\S-1-5-18\Software\Microsoft\Windows\CurrentVersion\Internet Settings\Connections]
''' + reg_hex('DefaultConnectionSettings', conn_settings(7, 0x03, 'proxy.fabrikam.local:3128', '<local>;*.fabrikam.local')) + r'''

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections]
"WinHttpSettings"=hex:18,00,00,00,00,00,00,00,01,00,00,00,00,00,00,00,00,00,\
  00,00

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\.NETFramework\v4.0.30319]
"SchUseStrongCrypto"=dword:00000001
"SystemDefaultTlsVersions"=dword:00000001
'''
FS02_GUID = '0B7A51D2-93C4-4F1E-8E2B-7C6D5E4F3A21'
FS02_LOG = errlog(FS02_GUID, [
    ('2F08', '1E3C', '11/28', '02:00:00.015', '71', 'cbengine.cpp(412)', '[00000000029A1100]', 'NORMAL', 'Starting scheduled backup'),
    ('2F08', '1E3C', '11/28', '02:00:21.730', '69', 'StorageHelper.cs(211)', '', 'WARNING', 'Unable to connect to the remote server'),
    ('2F08', '1E3C', '11/28', '02:00:21.731', '71', 'backupasync.cpp(1607)', '[000000001B73B830]', 'WARNING', 'Failed: Hr: = [0x80072efd] A connection with the server could not be established'),
    ('2F08', '1E3C', '11/28', '02:00:42.100', '71', 'backupasync.cpp(1184)', '[000000001B73B830]', 'FATAL', 'Backup failed: 0x80072EE2 The operation timed out'),
])
TCPIP = '''===================================
ipconfig /all
===================================

Windows IP Configuration

   Host Name . . . . . . . . . . . . : FS02
   Primary Dns Suffix  . . . . . . . : fabrikam.local

===================================
netsh winhttp show proxy
===================================

Current WinHTTP proxy settings:

    Direct access (no proxy server).

'''
sdp = os.path.join(HERE, 'sdp-flat', 'bundle')
write_tree(sdp, {
    'FS02_CBEngineCurr.errlog': utf16(FS02_LOG),
    'FS02__Azure Recovery Services_Registry.txt': utf16(SDP_REG),
    'FS02_TcpIp-Info.txt': crlf(TCPIP),
    'FS02_evt_Application.evtx': b'ElfFile\x00' + bytes(120),
    'FS02_msinfo32.nfo': utf16('<?xml version="1.0"?>\n<MsInfo><Metadata><Version>8.0</Version></Metadata></MsInfo>\n'),
    'resultreport.xml': crlf('<?xml version="1.0"?>\n<Root><Report>SDP</Report></Root>\n'),
})

# ---- 3. a plain folder tree copied from the server ------------------------
FS03_GUID = 'C3D4E5F6-0718-4A2B-9C3D-4E5F60718293'
FS03_LOG = errlog(FS03_GUID, [
    ('0C44', '0D18', '11/27', '23:59:59.900', '71', 'cbengine.cpp(412)', '[0000000000C4D5E0]', 'NORMAL', 'CBEngine service started. Version 2.0.9262.0'),
    ('0C44', '0D18', '11/28', '00:00:05.120', '69', 'AzureServiceManagementHelper.cs(355)', '', 'WARNING', 'The remote name could not be resolved: \'pod01-manag1.jpe.backup.windowsazure.com\''),
    ('0C44', '0D18', '11/28', '00:00:05.122', '71', 'backupasync.cpp(1184)', '[0000000000C4D5E0]', 'WARNING', 'Failed: Hr: = [0x80072ee7] The server name or address could not be resolved'),
])
USER_REG = r'''Windows Registry Editor Version 5.00

[HKEY_USERS\S-1-5-21-3623811015-3361044348-30300820-1013\Software\Microsoft\Windows\CurrentVersion\Internet Settings]
"ProxyEnable"=dword:00000001
"ProxyServer"="10.20.30.40:8080"
'''
SYSTEM_EMPTY = r'''REGEDIT4

[HKEY_USERS\S-1-5-18\Software\Microsoft\Windows\CurrentVersion\Internet Settings]
"ProxyEnable"=dword:00000000
'''
GET_OB_JSON = '''{
    "ProxySetting":  {
                         "Enabled":  false,
                         "ProxyServer":  null,
                         "ProxyPort":  0,
                         "ProxyUserName":  null
                     },
    "WorkDay":  null
}
'''
TRANSCRIPT = '''**********************
Windows PowerShell transcript start
Start time: 20261127160000
Username: FS03\\Administrator
**********************
PS C:\\Users\\Administrator> $pw = ConvertTo-SecureString 'Winter2026!' -AsPlainText -Force
PS C:\\Users\\Administrator> Set-OBMachineSetting -ProxyServer http://10.20.30.40 -ProxyPort 8080 -ProxyUsername contoso\\svc-backup -ProxyPassword $pw
Server properties updated successfully.
PS C:\\Users\\Administrator> Set-OBMachineSetting -NoProxy
Server properties updated successfully.
PS C:\\Users\\Administrator> netsh winhttp set proxy proxy-server="10.20.30.40:8080" bypass-list="<local>"

Current WinHTTP proxy settings:

    Proxy Server(s) :  10.20.30.40:8080
    Bypass List     :  <local>

PS C:\\Users\\Administrator> reg add "HKU\\.DEFAULT\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings" /v ProxyEnable /t REG_DWORD /d 0 /f
The operation completed successfully.
**********************
Windows PowerShell transcript end
**********************
'''
tree = os.path.join(HERE, 'folder-tree', 'bundle')
write_tree(tree, {
    'Microsoft Azure Recovery Services Agent/Temp/CBEngineCurr.errlog': crlf(FS03_LOG),
    'Microsoft Azure Recovery Services Agent/Temp/CBEngine0.errlog.gz': __import__('gzip').compress(crlf(FS03_LOG), mtime=0),
    'Microsoft Azure Recovery Services Agent/bin/CBEngine.exe.config': crlf(CBENGINE_CONFIG),
    'registry/InternetSettings_S-1-5-21-1013.reg': utf16(USER_REG),
    'registry/InternetSettings_SYSTEM.reg': crlf(SYSTEM_EMPTY, 'cp1252'),
    'powershell/Get-OBMachineSetting.json': crlf(GET_OB_JSON),
    'powershell/PowerShell_transcript.FS03.20261127160000.txt': utf16(TRANSCRIPT),
    'notes.md': crlf('Collected by hand from FS03 on 2026-11-28.\n'),
})
