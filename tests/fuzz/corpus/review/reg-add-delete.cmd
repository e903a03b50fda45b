reg add "HKU\.DEFAULT\Software\Microsoft\Windows\CurrentVersion\Internet Settings" /v ProxyEnable /t REG_DWORD /d 0x1 /f
reg add "HKU\S-1-5-18\Software\Microsoft\Windows\CurrentVersion\Internet Settings" /v ProxyServer /d "p:8080" /f
reg add "HKU\S-1-5-18\Software\Microsoft\Windows\CurrentVersion\Internet Settings\Connections" /v DefaultConnectionSettings /t REG_BINARY /d 4600000003000000090000000000000000000000000000000000000000 /f
reg delete "HKU\S-1-5-18\Software\Microsoft\Windows\CurrentVersion\Internet Settings" /v AutoConfigURL /f
reg delete HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections /va /f
reg add HKLM\SOFTWARE\Contoso /v Level /t REG_DWORD /d 3 /f
reg add HKCU\Software\X /v Y /t REG_DWORD /d lots /f
reg import C:\temp\proxy.reg
