#!/usr/bin/env python3
"""Writes the netsh fixtures (see README.md). Run from this folder."""


def write(name, text, enc, bom=b""):
    with open(name, "wb") as f:
        f.write(bom + text.replace("\n", "\r\n").encode(enc))


write("en_direct.txt", """
Current WinHTTP proxy settings:

    Direct Access (no proxy server).

""", "ascii")

write("netsh_winhttp_show_proxy.txt", """
Current WinHTTP proxy settings:

    Proxy Server(s) :  proxy.contoso.com:8080
    Bypass List     :  localhost;*.contoso.com;<local>

""", "ascii")

write("ja_utf16le.txt", """
現在の WinHTTP プロキシ設定:

    プロキシ サーバー:  http=proxy.contoso.co.jp:8080;https=proxy.contoso.co.jp:8443
    バイパス一覧     :  *.backup.windowsazure.com;<local>

""", "utf-16-le", b"\xff\xfe")

write("ja_sjis.txt", """
現在の WinHTTP プロキシ設定:

    プロキシ サーバー：  10.0.0.5:3128
    バイパス一覧     :  (なし)

""", "cp932")

write("fr_cp850.txt", """
Paramètres de proxy WinHTTP actuels :

    Serveur(s) proxy :  proxy.fabrikam.fr:3128
    Liste de contournement :  (aucun)

""", "cp850")

write("de_direct.txt", """
Aktuelle WinHTTP-Proxyeinstellungen:

    Direkter Zugriff (kein Proxyserver).

""", "cp850")

write("SRV01_TcpIp-Info.txt", """===================================
ipconfig /all
===================================

Windows IP Configuration

   Host Name . . . . . . . . . . . . : SRV01
   Primary Dns Suffix  . . . . . . . : contoso.local
   Node Type . . . . . . . . . . . . : Hybrid

Ethernet adapter Ethernet:

   Connection-specific DNS Suffix  . :
   IPv4 Address. . . . . . . . . . . : 10.0.0.21(Preferred)
   Default Gateway . . . . . . . . . : 10.0.0.1

===================================
netstat -ano
===================================

  Proto  Local Address          Foreign Address        State           PID
  TCP    0.0.0.0:135            0.0.0.0:0              LISTENING       912

===================================
netsh winhttp show proxy
===================================

Current WinHTTP proxy settings:

    Proxy Server(s) :  10.0.0.5:8080
    Bypass List     :  (none)

===================================
netsh winhttp show proxy (SysWOW64)
===================================

Current WinHTTP proxy settings:

    Direct access (no proxy server).

===================================
route print
===================================
""", "ascii")

write("truncated.txt", """
Current WinHTTP proxy settings:

    Proxy Server(s) :  proxy.contoso.com:8080""", "ascii")
