<#
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
    -ProxyUsername 'CONTOSO\svc-mars' `
    -ProxyPassword $spwd `
    -BypassUrls "*.contoso.com;*.backup.windowsazure.com"
Set-ItemProperty -Path 'HKLM:\SOFTWARE\Policies\Microsoft\Windows\CurrentVersion\Internet Settings' -Name ProxySettingsPerUser -Value 0 -Type DWord
New-ItemProperty -Path "Registry::HKEY_USERS\S-1-5-18\Software\Microsoft\Windows\CurrentVersion\Internet Settings" -Name ProxyServer -PropertyType String -Value 'proxy.contoso.com:3128' -Force | Out-Null
if ($LASTEXITCODE -ne 0) { Set-OBMachineSetting -NoProxy }  # fall back
Restart-Service obengine
