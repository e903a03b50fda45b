@echo off
REM Deploy the MARS agent behind the proxy.
REM MARSAgentInstaller.exe /q /ph old-proxy.contoso.com /po 80
:: netsh winhttp set proxy commented-out.contoso.com:1
set LOG=%TEMP%\mars_install.log
echo Installing MARSAgentInstaller.exe /ph from share
"\\fs01\software\MARS\MARSAgentInstaller.exe" /q /nu /ph proxy.contoso.com /po 8080 /pu CONTOSO\svc-mars /pw "S3cr3t!Pw9" > %LOG%
reg add "HKU\.DEFAULT\Software\Microsoft\Windows\CurrentVersion\Internet Settings" /v ProxyEnable /t REG_DWORD /d 1 /f
reg add "HKU\.DEFAULT\Software\Microsoft\Windows\CurrentVersion\Internet Settings" /v ProxyServer /d proxy.contoso.com:8080 /f
reg add "HKU\.DEFAULT\Software\Microsoft\Windows\CurrentVersion\Internet Settings" /v ProxyOverride /t REG_SZ /d "*.contoso.com;<local>" /f
reg delete "HKCU\Software\Microsoft\Windows\CurrentVersion\Internet Settings" /v AutoConfigURL /f
netsh winhttp set proxy proxy-server="http=proxy.contoso.com:8080;https=proxy.contoso.com:8080" bypass-list="*.contoso.com;<local>"
%windir%\SysWOW64\netsh.exe winhttp set proxy proxy.contoso.com:8080 "<local>"
netsh winhttp reset proxy
SetMarsProxy.exe "http://proxy.contoso.com" "8080" "CONTOSO\svc-mars" "An0ther!Pw7" "*.contoso.com;www.bing.com"
net stop obengine & net start obengine
