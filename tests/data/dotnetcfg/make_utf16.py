#!/usr/bin/env python3
"""Writes utf16.exe.config: a .NET config as Notepad's "Unicode" saves it
(UTF-16LE with BOM, CRLF) whose XML declaration says utf-16."""
import os

TEXT = """<?xml version="1.0" encoding="utf-16"?>
<configuration>
  <system.net>
    <defaultProxy enabled="true" useDefaultCredentials="true">
      <proxy usesystemdefault="false" proxyaddress="http://10.1.2.3:8080" bypassonlocal="false" />
      <bypasslist>
        <add address="*.blob.core.windows.net" />
      </bypasslist>
    </defaultProxy>
  </system.net>
</configuration>
"""

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "utf16.exe.config"), "wb") as f:
    f.write(b"\xff\xfe" + TEXT.replace("\n", "\r\n").encode("utf-16-le"))
