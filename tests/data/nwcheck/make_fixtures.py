#!/usr/bin/env python3
"""Writes the nwcheck fixtures (see README.md). Run from this folder."""

BYPASS = ("localhost;168.63.129.16;169.254.169.254;*.backup.windowsazure.com;"
          "*.queue.core.windows.net;*.blob.core.windows.net;"
          "*.blob.storage.azure.net;<local>")
# DefaultConnectionSettings as the script prints it: the REG_BINARY bytes
# written as characters (0x46 'F', control bytes, NULs).
RAW = "F\x00\x00\x00\x1b\x00\x00\x00\x03\x00\x00\x00\x12\x00\x00\x00"

system_proxy = [
    "**********************",
    "Windows PowerShell transcript start",
    "Start time: 20231104155210",
    "Username: CONTOSO\\admin",
    "RunAs User: CONTOSO\\admin",
    "Machine: FS01 (Microsoft Windows NT 10.0.17763.0)",
    "Host Application: C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\"
    "powershell.exe",
    "Process ID: 4242",
    "PSVersion: 5.1.17763.4974",
    "**********************",
    "Transcript started, output file is C:\\Users\\admin\\Desktop\\powershell"
    "\\AzureBackup_Check_NW_20231104_155210.log",
    "Proxy check",
    "Listing all proxy settings",
    "",
    "ProxySettingsPerUser Setting",
    "ProxySettingsPerUser:",
    "",
    "WinInet settings for current user (used by ILR but not supported ,not "
    "used by Azure SQL / MARS Backup)",
    "ProxyEnable: 0",
    "ProxyServer:",
    "ProxyOverride:",
    "AutoConfigURL:",
    "DefaultConnectionSettings: " + RAW,
    "",
    "WinInet settings for NT Authority\\System (used by Azure SQL / MARS "
    "Backup)",
    "ProxyEnable: 1",
    "ProxyServer: http://10.2.0.16:8080",
    "ProxyOverride: " + BYPASS,
    "AutoConfigURL:",
    "DefaultConnectionSettings: " + RAW.replace("\x03", "\x0b") + "K",
    "",
    "WinInet settings for NT Service\\AzureWLBackupPluginSv (used by Azure "
    "Workload Backup Plugin service)",
    "ProxyEnable:",
    "ProxyServer:",
    "",
    "##Check WinHttpProxy",
    "",
    "Current WinHTTP proxy settings:",
    "",
    "    Direct access (no proxy server).",
    "",
    "##Check Azure Backup",
    "Result of tnc - 443 / from 10.2.0.23 /To URL  "
    "pod01-manag1.jpe.backup.windowsazure.com IPaddress 20.191.166.134 / "
    "TcpTestSucceeded: True",
    "#TRY!! Invoke-webRequest pod01-manag1.jpe.backup.windowsazure.com",
    'PS>TerminatingError(Invoke-WebRequest): "The remote server returned an '
    'error: (407) Proxy Authentication Required."',
    "##Check Azure Storage",
    "Result of tnc - 443 / from 10.2.0.23 /To URL  "
    "weus2watcab01.blob.core.windows.net IPaddress  / TcpTestSucceeded: False",
    "#TRY!! Invoke-webRequest weus2watcab01.blob.core.windows.net",
    'PS>TerminatingError(Invoke-WebRequest): "リモート サーバーに接続できません。"',
    "##Check Microsoft Entra ID",
    "Result of tnc - 443 / from 10.2.0.23 /To URL  login.microsoft.com "
    "IPaddress 20.190.151.68 / TcpTestSucceeded: True",
    "#TRY!! Invoke-webRequest login.microsoft.com",
    "Result of Invoke-webRequest  / StatusCode: 200/ StatusDescription: OK",
    "**********************",
    "Windows PowerShell transcript end",
    "End time: 20231104155644",
    "**********************",
]
with open("AzureBackup_Check_NW_20231104_155210.log", "wb") as f:
    # Start-Transcript on Windows PowerShell 5.1: UTF-16LE with BOM, CRLF.
    f.write(b"\xff\xfe" +
            ("\r\n".join(system_proxy) + "\r\n").encode("utf-16-le"))

winhttp_proxy = [
    "Proxy check",
    "Listing all proxy settings",
    "",
    "WinInet settings for NT Authority\\System (used by Azure SQL / MARS "
    "Backup)",
    "ProxyEnable: 0",
    "ProxyServer: http://backup:S3cret@proxy.contoso.com:3128",
    "",
    "##Check WinHttpProxy",
    "",
    "Current WinHTTP proxy settings:",
    "",
    "    Proxy Server(s) :  proxy.contoso.com:8080",
    "    Bypass List     :  (none)",
    "",
    "#TRY!! Invoke-webRequest pod01-manag1.jpe.backup.windowsazure.com",
    'PS>TerminatingError(Invoke-WebRequest): "Unable to connect to the remote '
    'server"',
    "#TRY!! Invoke-webRequest md-dlbrhcw4gn5r.z33.blob.storage.azure.net",
]
with open("AzureBackup_Check_NW_20240220_101500.log", "wb") as f:
    # A copy re-saved as UTF-8 (LF), cut after a "#TRY!!" line.
    f.write(("\n".join(winhttp_proxy) + "\n").encode("utf-8"))
