MARSAgentInstaller.exe /q /nu /ph proxy.contoso.local /po 8080 /pu CONTOSO\svc-mars /pw Winter2026!
