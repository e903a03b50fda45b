# CHG-1051: the proxy moves from 10.0.0.5 to proxy-new.contoso.local.
# Point the agent at the new proxy.
Set-OBMachineSetting -ProxyServer http://proxy-new.contoso.local -ProxyPort 8080
Restart-Service obengine
