# CHG-1051: give the agent the authenticating proxy (the proxy answers 407).
# The settings are kept in one hashtable and splatted; the rollback is kept
# in the script as a here-string, to paste if backups fail.
$proxy = @{
    ProxyServer   = 'http://10.10.1.20'
    ProxyPort     = 8080
    ProxyUsername = 'CONTOSO\svc-mars'
}
$plain = 'Summer2026!Proxy'
$secure = ConvertTo-SecureString $plain -AsPlainText -Force
Set-OBMachineSetting @proxy -ProxyPassword $secure
$rollback = @'
Set-OBMachineSetting -NoProxy
netsh winhttp reset proxy
'@
Restart-Service obengine
