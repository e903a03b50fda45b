#!/usr/bin/env python3
"""A large, realistic MARS support bundle for the end-to-end benchmark.

  gen.py BUNDLE.zip [--mb 300] [--member-mb 24] [--seed 1]

Writes the Japanese collector's layout (samples/make.py, domain-reference
§9): an outer zip holding Trace.txt and a nested Logs.ZIP, which holds the
engine logs Logs/Temp/CBEngineCurr.errlog and CBEngine0..N.errlog (the
rolled-over ones) plus the small captures the collector takes (registry
exports, netsh, Get-OBMachineSetting, CBEngine.exe.config). The logs are
11-field TAB-separated errlog records (domain-reference §6.2, same layout
as samples/scenarios/make.py) with a realistic traffic mix: mostly NORMAL
and VERBOSE progress lines, a few per cent WARNING / FATAL lines carrying
407s, 0x80072EE7, timeouts, TLS failures and multi-line .NET stack traces,
and near misses (HRESULT-like numbers, ports, "Helper.cs(407)") that the
signatures must not take. Log members alternate UTF-16LE with BOM and
UTF-8, CRLF line ends. Deflate at zlib level 6 (what Windows' Send-To and
PowerShell's Compress-Archive produce).

--mb is the total size of the uncompressed members (what `unzip -p` would
write), so the UTF-16LE members hold half as many characters per byte.
Output is streamed member by member (inner zip to a temporary file next to
BUNDLE, then copied into the outer zip), so memory stays small whatever
--mb. Deterministic: the same arguments give the same bytes.
"""
import argparse
import os
import random
import zipfile

ZIP_TIME = (2026, 11, 28, 9, 15, 0)
VERSION = '2.0.9262.0'
AGENT_DIR = r'C:\Program Files\Microsoft Azure Recovery Services Agent'
POD = 'pod01-manag1.jpe.backup.windowsazure.com'
BLOB = 'mabprodjpe01sa.blob.core.windows.net'
SESSION = '6F2C1C0E-5D1B-4E8A-9C8F-0A1B2C3D4E5F'
CHUNK = 1 << 20  # characters per write


# ---- the engine log -------------------------------------------------------

def guid(rnd):
    return '%08X-%04X-%04X-%04X-%012X' % (
        rnd.getrandbits(32), rnd.getrandbits(16), rnd.getrandbits(16),
        rnd.getrandbits(16), rnd.getrandbits(48))


# Benign traffic: (weight, severity, source, message template). Templates
# take {n} {m} {k} {g} {ms} {hr} {port}; a few carry numbers that look like
# error codes without being one (near misses for the signatures).
BENIGN = [
    (30, 'NORMAL', 'backupasync.cpp(1022)', 'Backup progress: {k}% ({n} of {m} bytes scanned)'),
    (20, 'VERBOSE', 'StorageHelper.cs(211)', 'UploadChunk offset={n} size=4194304 container=https://' + BLOB + '/cbp-container/{g}'),
    (14, 'VERBOSE', 'dsmfilecatalog.cpp(880)', r'Catalog entry added: D:\Shares\Finance\{k}\report_{n}.xlsx (size {m})'),
    (10, 'NORMAL', 'AzureServiceManagementHelper.cs(320)', 'Sending request to https://' + POD + '/CloudBackupService/GetBackupPolicy, activity {g}'),
    (8, 'VERBOSE', 'AzureServiceManagementHelper.cs(407)', 'Response received in {ms} ms, status OK (200)'),
    (6, 'NORMAL', 'heartbeat.cpp(96)', 'Heartbeat sent to service, latency {ms} ms'),
    (4, 'VERBOSE', 'cbengineconfig.cpp(233)', 'Using proxy http://10.0.0.5:{port} for service calls (port {port})'),
    (3, 'NORMAL', 'snapshot.cpp(702)', r'Volume shadow copy created for C:\, D:\ (snapshot set {{{g}}})'),
    (3, 'VERBOSE', 'throttle.cpp(155)', 'Bandwidth throttling: work hours 09:00-18:00, {n} bytes/s'),
    (2, 'NORMAL', 'backupasync.cpp(1190)', 'Completed step {k}; Hr: = [0x00000000] object id 0x{hr}'),
    (2, 'VERBOSE', 'scratchmgr.cpp(154)', 'Scratch folder cleanup: {k} stale files removed, 12007 bytes freed'),
    (1, 'NORMAL', 'scheduler.cpp(96)', 'Next scheduled backup: 11/29 02:00, policy DailyBackup-FilesFolders'),
]

STACK_407 = ('System.Net.WebException: The remote server returned an error: (407) Proxy Authentication Required.'
             '\n   at System.Net.HttpWebRequest.GetResponse()'
             '\n   at Microsoft.Internal.CloudBackup.Client.Common.AzureServiceManagementHelper.Send(HttpWebRequest request)'
             '\n   at Microsoft.Internal.CloudBackup.Client.Common.AzureServiceManagementHelper.GetBackupPolicy(Guid activityId)')
STACK_DNS = ("System.Net.WebException: The remote name could not be resolved: '" + POD + "'"
             '\n   at System.Net.HttpWebRequest.GetRequestStream(TransportContext& context)'
             '\n   at System.Net.HttpWebRequest.GetRequestStream()'
             '\n   at Microsoft.Internal.CloudBackup.Client.Common.AzureServiceManagementHelper.Send(HttpWebRequest request)')
STACK_TLS = ('System.Net.WebException: The underlying connection was closed: Could not establish trust relationship for the SSL/TLS secure channel.'
             ' ---> System.Security.Authentication.AuthenticationException: The remote certificate is invalid according to the validation procedure.'
             '\n   at System.Net.Security.SslState.StartSendAuthResetSignal(ProtocolToken message, AsyncProtocolRequest asyncRequest, Exception exception)'
             '\n   at System.Net.TlsStream.ProcessAuthentication(LazyAsyncResult result)'
             '\n   --- End of inner exception stack trace ---'
             '\n   at System.Net.HttpWebRequest.GetResponse()')
STACK_TMO = ('System.Net.WebException: The operation has timed out'
             '\n   at System.Net.HttpWebRequest.GetResponse()'
             '\n   at Microsoft.Internal.CloudBackup.Client.Common.StorageHelper.UploadBlock(Uri blobUri, Byte[] data)')

ERRORS = [
    (20, 'WARNING', 'AzureServiceManagementHelper.cs(355)', 'Request to https://' + POD + ' failed: The remote server returned an error: (407) Proxy Authentication Required.'),
    (10, 'FATAL', 'AzureServiceManagementHelper.cs(360)', STACK_407),
    (10, 'WARNING', 'backupasync.cpp(1184)', 'Failed: Hr: = [0x80190197] The Microsoft Azure Recovery Service Agent was unable to connect to Microsoft Azure Backup. (ID: 100050)'),
    (12, 'WARNING', 'backupasync.cpp(1184)', 'Failed: Hr: = [0x80072ee7] The server name or address could not be resolved'),
    (6, 'FATAL', 'AzureServiceManagementHelper.cs(360)', STACK_DNS),
    (10, 'WARNING', 'StorageHelper.cs(211)', 'UploadBlock failed: Hr: = [0x80072EE2] The operation timed out'),
    (5, 'FATAL', 'StorageHelper.cs(230)', STACK_TMO),
    (5, 'WARNING', 'winhttpclient.cpp(512)', 'WinHttpReceiveResponse failed with error 12002'),
    (6, 'FATAL', 'AzureServiceManagementHelper.cs(360)', STACK_TLS),
    (4, 'WARNING', 'winhttpclient.cpp(530)', 'SSPI failed: 0x80090325 SEC_E_UNTRUSTED_ROOT'),
    (6, 'WARNING', 'StorageHelper.cs(211)', 'Unable to connect to the remote server ---> System.Net.Sockets.SocketException: A connection attempt failed because the connected party did not properly respond after a period of time 10.0.0.5:8080'),
    (4, 'WARNING', 'backupasync.cpp(1607)', 'Failed: Hr: = [0x80072efd] A connection with the server could not be established'),
    (2, 'FATAL', 'backupasync.cpp(1607)', 'Backup job {g} failed. Hr: = [0x80190197]'),
]
ERROR_RATE = 0.035  # share of records that are warnings / failures


def cumulative(table):
    total, out = 0, []
    for w, sev, src, msg in table:
        total += w
        out.append((total, sev, src, msg))
    return total, out


def pick(rnd, table):
    total, cum = table
    x = rnd.randrange(total)
    for c, sev, src, msg in cum:
        if x < c:
            return sev, src, msg
    return cum[-1][1:]


def log_records(rnd, day):
    """An endless stream of errlog lines (without line ends) for one day."""
    benign, errors = cumulative(BENIGN), cumulative(ERRORS)
    ms = 2 * 3600 * 1000
    pid = '%04X' % rnd.randrange(0x400, 0x4000)
    tids = ['%04X' % rnd.randrange(0x400, 0x4000) for _ in range(6)]
    job = guid(rnd)
    yield 'Microsoft Azure Recovery Services Agent log'
    yield '\t'.join([pid, tids[0], day, '01:58:02.101', '71', 'cbengine.cpp(412)',
                     '[0000000001A2B3C0]', SESSION, '', 'NORMAL',
                     'CBEngine service started. Version ' + VERSION])
    while True:
        ms = (ms + rnd.randrange(0, 40)) % (24 * 3600 * 1000)
        t = '%02d:%02d:%02d.%03d' % (ms // 3600000, ms // 60000 % 60,
                                     ms // 1000 % 60, ms % 1000)
        if rnd.random() < ERROR_RATE:
            sev, src, msg = pick(rnd, errors)
        else:
            sev, src, msg = pick(rnd, benign)
        if rnd.random() < 0.0005:
            job = guid(rnd)
        if '{' in msg:
            msg = msg.format(n=rnd.randrange(1 << 34), m=rnd.randrange(1 << 36),
                             k=rnd.randrange(100), g=job,
                             ms=rnd.randrange(5, 900), port=rnd.choice((8080, 3128, 12007)),
                             hr='%08x' % rnd.getrandbits(32))
        if '.cs(' in src:  # managed code: component 69, no object pointer
            comp, this = '69', ''
        else:
            comp, this = '71', '[000000001B73B830]'
        yield '\t'.join([pid, rnd.choice(tids), day, t, comp, src, this,
                         job, '', sev, msg])


def write_log(z, name, size, utf16, rnd, day):
    """Stream one engine log member of about size bytes."""
    unit = 2 if utf16 else 1
    left = size
    with z.open(zinfo(name), 'w', force_zip64=True) as f:
        if utf16:
            f.write(b'\xff\xfe')
            left -= 2
        lines = log_records(rnd, day)
        while left > 0:
            block, n = [], 0
            while n < CHUNK and n * unit < left:
                line = next(lines).replace('\n', '\r\n') + '\r\n'
                block.append(line)
                n += len(line)
            data = ''.join(block)
            data = data.encode('utf-16-le') if utf16 else data.encode('utf-8')
            f.write(data)
            left -= len(data)


def zinfo(name):
    zi = zipfile.ZipInfo(name, ZIP_TIME)
    zi.compress_type = zipfile.ZIP_DEFLATED
    zi.external_attr = 0o644 << 16
    return zi


# ---- the small captures (as in samples/make.py) ---------------------------

def utf16(text):
    return b'\xff\xfe' + text.replace('\n', '\r\n').encode('utf-16-le')


def crlf(text):
    return text.replace('\n', '\r\n').encode('utf-8')


AGENT_REG = r'''Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Azure Backup]

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Azure Backup\Setup]
"InstallPath"="C:\\Program Files\\Microsoft Azure Recovery Services Agent\\"
"CurrentVersion"="2.0.9262.0"

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Azure Backup\Config]
"ScratchLocation"="C:\\Program Files\\Microsoft Azure Recovery Services Agent\\Scratch"
"ServiceResourceName"="rsv-prod-jpe"
"ProxyServer"="http://10.0.0.5"
"ProxyPort"=dword:00001f90
"ProxyUserName"=""
'''
SYSTEM_REG = r'''Windows Registry Editor Version 5.00

[HKEY_USERS\.DEFAULT\Software\Microsoft\Windows\CurrentVersion\Internet Settings]
"ProxyEnable"=dword:00000000
"AutoConfigURL"="http://pac.contoso.local/proxy.pac"
'''
NETSH = '''
Current WinHTTP proxy settings:

    Direct access (no proxy server).

'''
GET_OB = '''
PS C:\\> Get-OBMachineSetting

ProxySetting        : Microsoft.Internal.CloudBackup.Commands.OBProxySetting
ProxyServer         : http://10.0.0.5
ProxyPort           : 8080
ProxyUserName       :
Enabled             : True

'''
CBENGINE_CONFIG = '''<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <startup>
    <supportedRuntime version="v4.0" sku=".NETFramework,Version=v4.6.2"/>
  </startup>
  <system.net>
    <defaultProxy enabled="true" useDefaultCredentials="false">
      <proxy usesystemdefault="True" />
    </defaultProxy>
  </system.net>
</configuration>
'''
TRACE = '''**********************
Windows PowerShell transcript start
Start time: 20261128091002
Username: CONTOSO\\admin
Machine: FS01 (Microsoft Windows NT 10.0.17763.0)
**********************
copy the CBEngine logs
Collectin the reg info for Windows Azure Backup
**********************
Windows PowerShell transcript end
End time: 20261128091135
**********************
'''
CAPTURES = {
    'Logs/Config/CBEngine.exe.config': crlf(CBENGINE_CONFIG),
    'Logs/Registry/WindowsAzureBackup.reg': utf16(AGENT_REG),
    'Logs/Registry/InternetSettings_SYSTEM.reg': utf16(SYSTEM_REG),
    'Logs/Network/netsh_winhttp_show_proxy.txt': utf16(NETSH),
    'Logs/PowerShell/Get-OBMachineSetting.txt': utf16(GET_OB),
}


def write_bundle(bundle, mb=300, member_mb=24, seed=1):
    """Write one bundle (bench/batch.sh calls this for many small ones)."""
    rnd = random.Random(seed)
    total = int(mb * 1e6) - sum(len(v) for v in CAPTURES.values()) - len(utf16(TRACE))
    # At least two engine logs, so both encodings are present.
    member = max(1, min(int(member_mb * 1e6), (total + 1) // 2))
    sizes = []
    while total > 0:
        sizes.append(min(member, total))
        total -= sizes[-1]
    # Oldest first: CBEngine{N-1} .. CBEngine0, then CBEngineCurr.
    names = ['Logs/Temp/CBEngine%d.errlog' % i for i in range(len(sizes) - 2, -1, -1)]
    names.append('Logs/Temp/CBEngineCurr.errlog')

    inner = bundle + '.Logs.ZIP.tmp'
    with zipfile.ZipFile(inner, 'w', zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for name, data in CAPTURES.items():
            z.writestr(zinfo(name), data)
        for i, (name, size) in enumerate(zip(names, sizes)):
            day = '11/%02d' % max(1, 28 - (len(sizes) - 1 - i))
            write_log(z, name, size, i % 2 == 0, rnd, day)
    with zipfile.ZipFile(bundle, 'w', zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr(zinfo('Trace.txt'), utf16(TRACE))
        with open(inner, 'rb') as src, z.open(zinfo('Logs.ZIP'), 'w', force_zip64=True) as dst:
            while True:
                block = src.read(1 << 20)
                if not block:
                    break
                dst.write(block)
    os.remove(inner)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('bundle')
    ap.add_argument('--mb', type=float, default=300,
                    help='MB (10^6 bytes) of uncompressed members in total')
    ap.add_argument('--member-mb', type=float, default=24,
                    help='size of one engine log member (last one smaller)')
    ap.add_argument('--seed', type=int, default=1)
    a = ap.parse_args()
    write_bundle(a.bundle, a.mb, a.member_mb, a.seed)


if __name__ == '__main__':
    main()
