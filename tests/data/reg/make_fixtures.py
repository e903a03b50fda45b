#!/usr/bin/env python3
"""Writes the .reg and reg query fixtures of tests/data/reg and
tests/data/regquery (see the README.md next to each). Run from anywhere:
    python3 tests/data/reg/make_fixtures.py
The files are committed; this script documents how they were made."""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
RQ = os.path.join(HERE, "..", "regquery")


def wrap_hex(prefix, data):
    """regedit's layout: 'xx,' bytes, lines of at most 80 columns ending in
    '\\', continuation lines indented two spaces."""
    toks = ["%02x" % b for b in data]
    lines, cur = [], prefix
    for i, t in enumerate(toks):
        piece = t + ("," if i + 1 < len(toks) else "")
        if len(cur) + len(piece) > 77:
            lines.append(cur + "\\")
            cur = "  "
        cur += piece
    lines.append(cur)
    return lines


def utf16z(s):
    return s.encode("utf-16-le") + b"\0\0"


def wininet_blob(ver, counter, flags, proxy, bypass, pac):
    b = struct.pack("<III", ver, counter, flags)
    for s in (proxy, bypass, pac):
        b += struct.pack("<I", len(s)) + s
    return b + b"\0" * 32


# The real bytes quoted in domain-reference §3.3.
DCS = bytes.fromhex(
    "46000000030000000300000011000000" + b"myproxy.fqdn:8888".hex() +
    "07000000" + b"<local>".hex() + "00000000") + b"\0" * 32
SLS = wininet_blob(0x46, 2, 0x09, b"", b"", b"")
# netsh winhttp set proxy a:42 "*.42" (domain-reference §4.2) and direct.
WINHTTP_NETSH = bytes.fromhex("28000000000000000300000004000000") + \
    b"a:42" + bytes.fromhex("04000000") + b"*.42"
WINHTTP_DIRECT = bytes.fromhex("1800000000000000010000000000000000000000")
# What CryptProtectData output starts with (a DPAPI blob), then noise.
DPAPI = bytes.fromhex("01000000d08c9ddf0115d1118c7a00c04fc297eb01000000") + \
    bytes(range(0x30, 0x70))


def write_v5(path, lines):
    text = "\r\n".join(lines) + "\r\n"
    with open(path, "wb") as f:
        f.write(b"\xff\xfe" + text.encode("utf-16-le"))


def hexv(name, data, kind="hex"):
    return wrap_hex('"%s"=%s:' % (name, kind), data)


def main():
    isk = r"HKEY_USERS\.DEFAULT\Software\Microsoft\Windows\CurrentVersion" \
          r"\Internet Settings"
    write_v5(os.path.join(HERE, "system_internet_settings.reg"), [
        "Windows Registry Editor Version 5.00",
        "",
        "[" + isk + "]",
        '"ProxyEnable"=dword:00000001',
        '"ProxyServer"="myproxy.fqdn:8888"',
        '"ProxyOverride"="<local>"',
        '"User Agent"="Mozilla/4.0 (compatible; MSIE 8.0; Win32)"',
        '@="default \\"quoted\\" C:\\\\path"',
        *hexv("AutoConfigProxy", utf16z("wininet.dll"), "hex(2)"),
        *hexv("Tags", utf16z("a") + utf16z("b") + b"\0\0", "hex(7)"),
        *hexv("SyncTime", struct.pack("<Q", 0x1d9b0a6c3e4f000), "hex(b)"),
        "",
        "[" + isk + r"\Connections]",
        *hexv("DefaultConnectionSettings", DCS),
        *hexv("SavedLegacySettings", SLS),
        "",
    ])

    with open(os.path.join(HERE, "regedit4.reg"), "wb") as f:
        f.write(b"\r\n".join([
            b"REGEDIT4",
            b"",
            b"[HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\"
            b"CurrentVersion\\Internet Settings]",
            b'"ProxyEnable"=dword:00000000',
            b'"ProxyServer"="caf\xe9-proxy:3128"',
            b'"AutoConfigURL"=hex(2):68,74,74,70,3a,2f,2f,70,61,63,2f,'
            b'70,2e,70,61,63,00',
            b'"List"=hex(7):61,00,62,63,00,00',
            b'"Big"=hex(5):00,00,01,00',
            b"",
        ]) + b"\r\n")

    ab = r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Azure Backup"
    write_v5(os.path.join(HERE, "azure_backup.reg"), [
        "Windows Registry Editor Version 5.00",
        "",
        "[" + ab + "]",
        "",
        "[" + ab + r"\Config]",
        '"ServiceResourceName"="vault01"',
        '"ProxyServer"="http://proxy.contoso.com"',
        '"ProxyPort"=dword:00000c38',
        '"ProxyUserName"="CONTOSO\\\\svc-mars"',
        *hexv("ProxyPassword", DPAPI),
        '"Enabled"="True"',
        "",
        "[" + ab + r"\Setup]",
        '"InstallPath"="C:\\\\Program Files\\\\Microsoft Azure Recovery '
        'Services Agent\\\\"',
        "",
        r"[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion"
        r"\Internet Settings\Connections]",
        *hexv("WinHttpSettings", WINHTTP_NETSH),
        "",
        r"[HKEY_LOCAL_MACHINE\SOFTWARE\WOW6432Node\Microsoft\Windows"
        r"\CurrentVersion\Internet Settings\Connections]",
        *hexv("WinHttpSettings", WINHTTP_DIRECT),
        "",
        "[-" + ab + r"\Old]",
        "",
    ])

    # Cut after the first line of the wrapped DefaultConnectionSettings
    # value (the file ends on its trailing backslash).
    lines = ["Windows Registry Editor Version 5.00", "",
             "[" + isk + r"\Connections]",
             '"First"="kept"',
             *hexv("DefaultConnectionSettings", DCS)]
    text = ("\r\n".join(lines[:5]) + "\r\n").encode("utf-16-le")
    with open(os.path.join(HERE, "truncated.reg"), "wb") as f:
        f.write(b"\xff\xfe" + text)

    write_v5(os.path.join(HERE, "malformed.reg"), [
        "Windows Registry Editor Version 5.00",
        "",
        '"Orphan"="before any key"',
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Broken",
        '"InBroken"="skipped"',
        "[NOT_A_HIVE\\Foo]",
        '"InBadHive"="skipped"',
        "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Good]",
        "garbage line",
        '"NoEquals" "x"',
        '"Unclosed=dword:1',
        '"BadDword"=dword:xyz',
        '"BadHex"=hex:41,zz,42',
        '"BadType"=hex(q):00',
        '"Weird"=qword:1',
        '"ShortDword"=hex(4):01,02',
        '"Deleted"=-',
        '"Ok"="still parsed"',
        *hexv("DefaultConnectionSettings", DCS[:30]),
        "",
    ])

    write_v5(os.path.join(HERE, "secret.reg"), [
        "Windows Registry Editor Version 5.00",
        "",
        "[" + ab + r"\Config]",
        '"ProxyPassword"="Hunter2Secret"',
        "",
        r"[HKEY_LOCAL_MACHINE\SOFTWARE\Contoso\App]",
        '"DbPwd"="pa\\"Hunter2Secret"',
        *hexv("AdminPassword", utf16z("Hunter2Secret"), "hex(1)"),
        '"Conn"="Server=db;Password=Hunter2Secret;"',
        '"Url"="http://bob:Hunter2Secret@proxy:8080"',
        "",
    ])

    # Microsoft's SDP collector name, no .reg extension, two exports pasted.
    write_v5(os.path.join(HERE, "HOST01__Azure Recovery Services_Registry.txt"),
             ["Windows Registry Editor Version 5.00", "",
              "[" + ab + r"\Config]",
              '"ProxyServer"="10.0.0.5"',
              '"ProxyPort"="8080"', "",
              "\ufeffWindows Registry Editor Version 5.00", "",
              "[" + ab + r"\Setup]",
              '"InstallPath"="C:\\\\MARS"', ""])

    # ---- reg query output ----------------------------------------------
    q = r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion" \
        r"\Internet Settings"
    with open(os.path.join(RQ, "internet_settings.txt"), "wb") as f:
        f.write("\r\n".join([
            "",
            q,
            "    ProxyEnable    REG_DWORD    0x1",
            "    ProxyServer    REG_SZ    10.0.0.5:8080",
            "    ProxyOverride    REG_SZ    <local>;*.contoso.com",
            "    (Default)    REG_SZ    ",
            "    User Agent    REG_SZ    Mozilla/4.0 (compatible; MSIE 8.0)",
            "    Tags    REG_MULTI_SZ    a\\0b c\\0d",
            "    Stamp    REG_QWORD    0x1d9b0a6c3e4f000",
            "    Path    REG_EXPAND_SZ    %SystemRoot%\\x",
            "",
            q + r"\Connections",
            "    DefaultConnectionSettings    REG_BINARY    " +
            DCS.hex().upper(),
            "    SavedLegacySettings    REG_BINARY    " + SLS.hex().upper(),
            "    WinHttpSettings    REG_BINARY    " +
            WINHTTP_NETSH.hex().upper(),
            "",
            "End of search: 12 match(es) found.",
            "",
        ]).encode("ascii"))

    k = r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Azure Backup\Config"
    ja = "\r\n".join([
        "",
        k,
        "    (既定)    REG_SZ    (値の設定なし)",
        "    ProxyServer    REG_SZ    http://proxy.contoso.co.jp",
        "    ProxyPort    REG_SZ    8080",
        "    ProxyUserName    REG_SZ    CONTOSO\\svc",
        "    ProxyPassword    REG_BINARY    " + DPAPI.hex().upper(),
        "",
        "検索の終わり: 5 件見つかりました。",
        "",
    ])
    with open(os.path.join(RQ, "azure_backup_ja.txt"), "wb") as f:
        f.write(ja.encode("cp932"))

    de = "\r\n".join([
        "",
        r"HKEY_USERS\.DEFAULT\Software\Microsoft\Windows\CurrentVersion"
        r"\Internet Settings",
        "    (Standard)    REG_SZ    Standardwert",
        "    ProxyEnable    REG_DWORD    0x0",
        "",
        r"HKEY_USERS\.DEFAULT\Software\Microsoft\Windows\CurrentVersion"
        r"\Internet Settings\Connections",
        "    DefaultConnectionSettings    REG_BINARY    4600000003000000",
        "    Broken line without type",
        "    Odd    REG_BINARY    ABC",
        "    NotHex    REG_BINARY    xyz!",
        "    BadDword    REG_DWORD    12",
        "ERROR: The system was unable to find the specified registry key "
        "or value.",
        "    SecretPwd    REG_SZ    Hunter2Secret",
        "    Trunc    REG_BINARY    46000000030000000300000011000000"
        "6D7970",
    ])
    with open(os.path.join(RQ, "system_de_malformed.txt"), "wb") as f:
        f.write(de.encode("utf-8"))


main()
