#!/usr/bin/env python3
"""Writes the pscapture fixtures (see README.md). Run from this folder."""


def write(name, text, enc="utf-8", bom=b"", crlf=True):
    if crlf:
        text = text.replace("\n", "\r\n")
    with open(name, "wb") as f:
        f.write(bom + text.encode(enc))


# Out-File on Windows PowerShell 5.1 writes UTF-16LE with a BOM.
write("Get-OBMachineSetting.txt", """

ProxySetting          : @{Enabled=True; ProxyServer=http://proxy.contoso.com; ProxyPort=8080; ProxyUserName=CONTOSO\\svc-mars}
ThrottlingSetting     : Microsoft.Internal.CloudBackup.Commands.OBThrottlingSetting
MachineId             : 6c1f0b2e-5d0a-4e8f-9b7e-2f3d7a9c1e44



Enabled       : True
ProxyServer   : http://proxy.contoso.com
ProxyPort     : 8080
ProxyUserName : CONTOSO\\svc-mars
ProxyPassword :
BypassUrls    : {*.contoso.com;*.backup.windowsazure.com;
                <local>}


""", "utf-16-le", b"\xff\xfe")

# The same object as a table (Format-Table, or the default view): dash runs
# as wide as the labels, the number and the boolean right-aligned.
write("Get-OBMachineSetting_table.txt", """
PS C:\\Windows\\system32> (Get-OBMachineSetting).ProxySetting
Enabled ProxyServer               ProxyPort ProxyUserName
------- -----------               --------- -------------
   True http://10.0.0.5               8080 CONTOSO\\svc-mars


""", "utf-16-le", b"\xff\xfe")

# Get-OBMachineSetting | ConvertTo-Json (5.1 escapes <, >, ', & as \\uXXXX).
write("Get-OBMachineSetting.json", """{
    "ProxySetting":  {
                         "Enabled":  true,
                         "ProxyServer":  "http://10.0.0.5",
                         "ProxyPort":  3128,
                         "ProxyUserName":  "CONTOSO\\\\svc-mars",
                         "ProxyPassword":  null,
                         "BypassUrls":  "*.contoso.com;\\u003clocal\\u003e"
                     },
    "ThrottlingSetting":  {
                              "Enabled":  false,
                              "WorkHourBandwidth":  524288
                          },
    "MachineId":  "6c1f0b2e-5d0a-4e8f-9b7e-2f3d7a9c1e44"
}
""")

write("PowerShell_transcript.SRV01.Xq3v9dJ1.20240312094501.txt", """**********************
Windows PowerShell transcript start
Start time: 20240312094501
Username: CONTOSO\\admin
RunAs User: CONTOSO\\admin
Configuration Name: 
Machine: SRV01 (Microsoft Windows NT 10.0.17763.0)
Host Application: C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe
Process ID: 4120
PSVersion: 5.1.17763.5576
**********************
Transcript started, output file is C:\\Temp\\PowerShell_transcript.SRV01.Xq3v9dJ1.20240312094501.txt
PS C:\\Users\\admin> Import-Module MSOnlineBackup
PS C:\\Users\\admin> Set-OBMachineSetting -ProxyServer http://proxy.contoso.com -ProxyPort 8080 -ProxyUsername CONTOSO\\svc-mars -ProxyPassword (ConvertTo-SecureString 'Tr0ub4dor&3xyz' -AsPlainText -Force)
Server properties updated successfully.
PS C:\\Users\\admin> net stop obengine; net start obengine
The Microsoft Azure Recovery Services Agent service was stopped successfully.

The Microsoft Azure Recovery Services Agent service was started successfully.

PS C:\\Users\\admin> (Get-OBMachineSetting).ProxySetting | Format-List

Enabled       : True
ProxyServer   : http://proxy.contoso.com
ProxyPort     : 8080
ProxyUserName : CONTOSO\\svc-mars


PS C:\\Users\\admin> netsh winhttp import proxy source=ie

Current WinHTTP proxy settings:

    Proxy Server(s) :  proxy.contoso.com:8080
    Bypass List     :  <local>

PS C:\\Users\\admin> Get-NetAdapterBinding -Name Ethernet -ComponentID ms_tcpip6 | Format-List Name, Enabled

Name    : Ethernet
Enabled : True


PS C:\\Users\\admin> Stop-Transcript
**********************
Windows PowerShell transcript end
End time: 20240312094733
**********************
""", "utf-8", b"\xef\xbb\xbf")

write("install_mars.cmd", """@echo off
REM Deploy the MARS agent behind the proxy.
REM MARSAgentInstaller.exe /q /ph old-proxy.contoso.com /po 80
:: netsh winhttp set proxy commented-out.contoso.com:1
set LOG=%TEMP%\\mars_install.log
echo Installing MARSAgentInstaller.exe /ph from share
"\\\\fs01\\software\\MARS\\MARSAgentInstaller.exe" /q /nu /ph proxy.contoso.com /po 8080 /pu CONTOSO\\svc-mars /pw "S3cr3t!Pw9" > %LOG%
reg add "HKU\\.DEFAULT\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings" /v ProxyEnable /t REG_DWORD /d 1 /f
reg add "HKU\\.DEFAULT\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings" /v ProxyServer /d proxy.contoso.com:8080 /f
reg add "HKU\\.DEFAULT\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings" /v ProxyOverride /t REG_SZ /d "*.contoso.com;<local>" /f
reg delete "HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings" /v AutoConfigURL /f
netsh winhttp set proxy proxy-server="http=proxy.contoso.com:8080;https=proxy.contoso.com:8080" bypass-list="*.contoso.com;<local>"
%windir%\\SysWOW64\\netsh.exe winhttp set proxy proxy.contoso.com:8080 "<local>"
netsh winhttp reset proxy
SetMarsProxy.exe "http://proxy.contoso.com" "8080" "CONTOSO\\svc-mars" "An0ther!Pw7" "*.contoso.com;www.bing.com"
net stop obengine & net start obengine
""", "ascii")

write("set_proxy.ps1", """<#
.SYNOPSIS
    Points the MARS agent at the corporate proxy.
    Example: Set-OBMachineSetting -NoProxy
#>
# Set-OBMachineSetting -ProxyServer http://commented.contoso.com -ProxyPort 1
param([string]$Server = 'http://proxy.contoso.com')
Import-Module MSOnlineBackup
$spwd = Read-Host -AsSecureString 'Proxy password'
Set-OBMachineSetting -ProxyServer $Server `
    -ProxyPort 3128 `
    -ProxyUsername 'CONTOSO\\svc-mars' `
    -ProxyPassword $spwd `
    -BypassUrls "*.contoso.com;*.backup.windowsazure.com"
Set-ItemProperty -Path 'HKLM:\\SOFTWARE\\Policies\\Microsoft\\Windows\\CurrentVersion\\Internet Settings' -Name ProxySettingsPerUser -Value 0 -Type DWord
New-ItemProperty -Path "Registry::HKEY_USERS\\S-1-5-18\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings" -Name ProxyServer -PropertyType String -Value 'proxy.contoso.com:3128' -Force | Out-Null
if ($LASTEXITCODE -ne 0) { Set-OBMachineSetting -NoProxy }  # fall back
Restart-Service obengine
""")

# Unrelated captures that also say "Enabled : True" and ProxyServer.
write("near_miss.txt", """PS C:\\> Get-ScheduledTask -TaskName 'Microsoft-OnlineBackup' | Format-List TaskName, Enabled

TaskName : Microsoft-OnlineBackup
Enabled  : True

PS C:\\> Get-NetAdapterBinding -ComponentID ms_tcpip6 | Format-List Name, Enabled

Name    : Ethernet
Enabled : True

PS C:\\> Get-ItemProperty 'HKCU:\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings' | Format-List Proxy*

ProxyEnable   : 1
ProxyServer   : proxy.contoso.com:8080
ProxyOverride : <local>

PS C:\\> # Set-OBMachineSetting -NoProxy

PS C:\\> Get-Service obengine, wuauserv | Format-Table Status, Name, DisplayName

Status  Name     DisplayName
------  ----     -----------
Running obengine Microsoft Azure Recovery Services Agent
Stopped wuauserv Windows Update

PS C:\\> Get-ScheduledTask -TaskName 'Microsoft-OnlineBackup' | ft TaskName, State, Enabled

TaskName               State Enabled
--------               ----- -------
Microsoft-OnlineBackup Ready    True

PS C:\\> Get-ItemProperty 'HKCU:\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings' | ft Proxy*

ProxyEnable ProxyServer            ProxyOverride
----------- -----------            -------------
          1 proxy.contoso.com:8080 <local>

""")
