# CHG-1042: "use the proxy script in the backup agent too"
# Run on the server as an administrator, then restart the agent.
Set-OBMachineSetting -ProxyServer http://pac.contoso.local/proxy.pac -ProxyPort 80
net stop obengine
net start obengine
