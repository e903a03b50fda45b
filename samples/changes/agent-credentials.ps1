# CHG-1043: the proxy answers 407 (authentication required). SYSTEM's
# Windows settings cannot carry credentials, so give the agent its own
# proxy with the service account.
$pw = Read-Host -AsSecureString -Prompt 'Proxy password for CONTOSO\svc-mars'
Set-OBMachineSetting -ProxyServer http://10.10.1.20 -ProxyPort 8080 `
    -ProxyUsername 'CONTOSO\svc-mars' -ProxyPassword $pw
Restart-Service obengine
