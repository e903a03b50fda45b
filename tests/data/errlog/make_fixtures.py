#!/usr/bin/env python3
"""Writes the errlog fixtures (see README.md). Run from this folder."""

T = "\t"
TASK = "7C1E2B90-5D3A-4E6F-9A1B-2C3D4E5F6071"
AGENT = "3A9F1C2D-8B7E-4D6C-A5B4-C3D2E1F0A9B8"


def rec(pid, tid, date, time, comp, src, this, task, agent, sev, msg):
    return T.join([pid, tid, date, time, comp, src, this, task, agent, sev, msg])


engine = [
    # Header line: its real text is not documented; Microsoft's reader only
    # skips it. This one is made up.
    "Log file opened 12/31 22:58:03 CBEngine 2.0.9262.0 (agent local time)",
    rec("1A4C", "2F08", "12/31", "22:58:03.114", "03", "CBEngine.cs(187)", "",
        "00000000-0000-0000-0000-000000000000", "", "NORMAL",
        "CBEngine service starting, version 2.0.9262.0"),
    rec("1A4C", "2F08", "12/31", "22:58:04.002", "71", "proxysettings.cpp(412)",
        "[0000000001C3A5F0]", TASK, "", "NORMAL",
        "Using proxy settings: ProxyServer=[10.2.0.16:8080], BypassList=[]"),
    rec("1A4C", "3B10", "12/31", "23:59:58.771", "69", "ServiceClient.cs(254)",
        "", TASK, "", "WARNING",
        "HTTP request to https://pod01-manag1.jpe.backup.windowsazure.com "
        "failed: The remote server returned an error: (407) Proxy "
        "Authentication Required."),
    rec("1A4C", "3B10", "01/01", "00:00:01.015", "69",
        "RegistrationHelper.cs(512)", "", TASK, "", "FATAL",
        "System.Net.WebException: Unable to connect to the remote server ---> "
        "System.Net.Sockets.SocketException: A connection attempt failed "
        "because the connected party did not properly respond after a period "
        "of time, or established connection failed to respond 40.79.154.83:443"),
    "   at System.Net.Sockets.Socket.DoConnect(EndPoint endPointSnapshot, "
    "SocketAddress socketAddress)",
    "   at System.Net.ServicePoint.ConnectSocketInternal(Boolean connectFailure,"
    " Socket s4, Socket s6, Socket& socket, IPAddress& address, "
    "ConnectSocketState state, IAsyncResult asyncResult, Exception& exception)",
    "   --- End of inner exception stack trace ---",
    "   at System.Net.HttpWebRequest.GetResponse()",
    rec("1A4C", "2F08", "01/01", "00:00:01.120", "71", "winhttpclient.cpp(933)",
        "[0000000001C3A5F0]", TASK, "", "WARNING",
        "WinHttpSendRequest failed: Hr: = [0x80072ee7] The server name or "
        "address could not be resolved"),
    rec("1A4C", "3B10", "01/01", "00:00:02.400", "69", "ServiceClient.cs(254)",
        "", TASK, AGENT, "WARNING",
        "リモート サーバーがエラーを返しました: (407) プロキシ認証が必要です。"),
    # Field-count drift: no this-pointer column (10 fields).
    T.join(["1A4C", "2F08", "01/01", "00:00:03.001", "71",
            "backupasync.cpp(1184)", TASK, "", "WARNING",
            "Failed: Hr: = [0x80780054] Offline Backup Progress: Failed"]),
    rec("1A4C", "2F08", "01/01", "00:00:03.500", "71", "cbengine.cpp(88)",
        "[0000000001C3A5F0]", TASK, AGENT, "VERBOSE",
        "Job state\tRunning\tretry 2 of 3"),
]
with open("CBEngineCurr.errlog", "wb") as f:
    # UTF-16LE with BOM and CRLF, as the agent's own files are believed to be.
    f.write(b"\xff\xfe" + ("\r\n".join(engine) + "\r\n").encode("utf-16-le"))

installer = [
    rec("0E14", "0F20", "03/14", "09:12:44.310", "01", "setup.cpp(1544)",
        "[0000000000000000]", "", "", "NORMAL",
        "Command line: MARSAgentInstaller.exe /q /ph proxy.contoso.com "
        "/po 8080 /pu CONTOSO\\backupsvc /pw P@ssw0rd!"),
    rec("0E14", "0F20", "03/14", "09:12:45.002", "01", "proxyutils.cpp(233)",
        "[0000000000000000]", "", "", "NORMAL",
        "Proxy configured: proxy.contoso.com:8080 user CONTOSO\\backupsvc"),
    rec("0E14", "0F20", "03/14", "09:13:10.877", "01", "internetcheck.cpp(98)",
        "[0000000000000000]", "", "", "WARNING",
        "Connectivity check to https://login.microsoftonline.com failed. "
        "Hr: = [0x80072efd] A connection with the server could not be "
        "established"),
    rec("0E14", "0F20", "03/14", "09:13:11.004", "01", "setup.cpp(1712)",
        "[0000000000000000]", "", "", "FATAL",
        "The Microsoft Azure Recovery Service Agent was unable to connect to "
        "Microsoft Azure Backup. (ID: 100050) Check your network settings and "
        "ensure that you are able to connect to the internet."),
]
with open("OBInstaller0Curr.errlog", "wb") as f:
    # UTF-8 without BOM, CRLF, and a last line cut while being written.
    f.write(("\r\n".join(installer) + "\r\n0E14\t0F20\t03/1").encode("utf-8"))
