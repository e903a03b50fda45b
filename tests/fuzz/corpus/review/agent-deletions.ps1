Set-OBMachineSetting -ProxyServer http://a -ProxyPort 8080
Set-OBMachineSetting -NoProxy
netsh winhttp reset proxy
reg delete "HKLM\SOFTWARE\Microsoft\Windows Azure Backup\Config" /v ProxyServer /f
reg delete "HKLM\SOFTWARE\Microsoft\Windows Azure Backup" /f
