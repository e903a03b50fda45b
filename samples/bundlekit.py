"""Helpers shared by the sample generators (samples/scenarios/make.py,
samples/rules/make.py): encodings and zips, .reg exports and the
DefaultConnectionSettings blob, captures, engine logs, a complete bundle.
Formats follow domain-reference §2-§9; everything is deterministic.
"""
import hashlib
import io
import zipfile

DAY = '20261128'
ZIP_TIME = (2026, 11, 28, 9, 15, 0)  # all members; logs end before this
VERSION = '2.0.9262.0'
AGENT_DIR = r'C:\Program Files\Microsoft Azure Recovery Services Agent'
POD = 'pod01-manag1.jpe.backup.windowsazure.com'
BLOB = 'mabprodjpe01sa.blob.core.windows.net'
SYSTEM_KEY = r'HKEY_USERS\%s\Software\Microsoft\Windows\CurrentVersion\Internet Settings'


# ---- encodings and containers -------------------------------------------

def utf16(text):
    """UTF-16LE with BOM and CRLF, as regedit, PowerShell 5.1 Out-File and
    the agent's logs write it."""
    return b'\xff\xfe' + text.replace('\n', '\r\n').encode('utf-16-le')


def crlf(text, enc='utf-8'):
    return text.replace('\n', '\r\n').encode(enc)


def zip_bytes(files):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            zi = zipfile.ZipInfo(name, ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data)
    return buf.getvalue()


def session_id(host):
    """A fixed per-host session GUID, derived from the host name."""
    h = hashlib.md5(host.encode()).hexdigest().upper()
    return '%s-%s-%s-%s-%s' % (h[:8], h[8:12], h[12:16], h[16:20], h[20:32])


# ---- registry -------------------------------------------------------------

def reg_str(s):
    return '"%s"' % s.replace('\\', '\\\\').replace('"', '\\"')


def reg_hex(name, data):
    """A REG_BINARY value as regedit writes it: hex bytes wrapped with a
    trailing backslash and a two-space indent near 80 columns."""
    line = '"%s"=hex:' % name
    out = []
    for i, b in enumerate(data):
        item = '%02x' % b + (',' if i + 1 < len(data) else '')
        if len(line) + len(item) > 78:
            out.append(line + '\\')
            line = '  '
        line += item
    out.append(line)
    return '\n'.join(out)


def conn_settings(counter, flags, proxy='', bypass='', pac=''):
    """DefaultConnectionSettings (domain-reference §3.3), version 0x46:
    flags 0x01 direct, 0x02 manual proxy, 0x04 PAC, 0x08 auto-detect."""
    def s(x):
        b = x.encode('ascii')
        return len(b).to_bytes(4, 'little') + b
    return (b'\x46\0\0\0' + counter.to_bytes(4, 'little') +
            flags.to_bytes(4, 'little') + s(proxy) + s(bypass) + s(pac) +
            bytes(32))


def dpapi_blob(seed):
    """Bytes shaped like a CryptProtectData blob (version 1, the DPAPI
    provider GUID df9d8cd0-1501-11d1-8c7a-00c04fc297eb, a master-key GUID,
    then opaque data), filled from a hash of seed: deterministic and not
    a real secret."""
    filler = b''
    i = 0
    while len(filler) < 162:
        filler += hashlib.sha256(('%s/%d' % (seed, i)).encode()).digest()
        i += 1
    return (b'\x01\0\0\0' +
            bytes.fromhex('d08c9ddf0115d1118c7a00c04fc297eb') +
            b'\x01\0\0\0' + filler[:16] + b'\0\0\0\0' +
            b'\x10\0\0\0' + filler[16:162])


def agent_reg(host, server=None, port=None, user=None, password=None,
              vault='rsv-prod-jpe'):
    """Export of HKLM\\SOFTWARE\\Microsoft\\Windows Azure Backup. The proxy
    values are written only when given: an agent without its own proxy
    has none of them."""
    cfg = [
        '"ScratchLocation"=' + reg_str(AGENT_DIR + r'\Scratch'),
        '"ServiceResourceName"=' + reg_str(vault),
        '"MachineId"="%s"' % session_id(host + '/machine').lower(),
    ]
    if server is not None:
        cfg.append('"ProxyServer"=' + reg_str(server))
    if port is not None:
        cfg.append('"ProxyPort"=dword:%08x' % port)
    if user is not None:
        cfg.append('"ProxyUserName"=' + reg_str(user))
    if password is not None:
        cfg.append(reg_hex('ProxyPassword', dpapi_blob(password)))
    return '\n'.join([
        'Windows Registry Editor Version 5.00', '',
        r'[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Azure Backup]', '',
        r'[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Azure Backup\Config]',
        *cfg, '',
        r'[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Azure Backup\Config\CloudBackupProvider]',
        '"ScratchLocation"=' + reg_str(AGENT_DIR + r'\Scratch'),
        '"TurnOffSSBFeature"=dword:00000000', '',
        r'[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows Azure Backup\Setup]',
        '"InstallPath"=' + reg_str(AGENT_DIR + '\\'),
        '"CurrentVersion"=' + reg_str(VERSION), '', ''])


def inet_keys(hive, counter, enable=0, server=None, override=None,
              pac=None, flags=0x01, saved=False):
    """Internet Settings and \\Connections of one hive, legacy values and
    the binary blob in agreement (flags 0x01 alone: nothing set)."""
    vals = ['"ProxyEnable"=dword:%08x' % enable]
    if server is not None:
        vals.append('"ProxyServer"=' + reg_str(server))
    if override is not None:
        vals.append('"ProxyOverride"=' + reg_str(override))
    if pac is not None:
        vals.append('"AutoConfigURL"=' + reg_str(pac))
    blob = conn_settings(counter, flags, server or '', override or '',
                         pac or '')
    conn = [reg_hex('DefaultConnectionSettings', blob)]
    if saved:
        conn.append(reg_hex('SavedLegacySettings', blob))
    return '\n'.join([
        '[%s]' % hive, '"MigrateProxy"=dword:00000001', *vals, '',
        '[%s\\Connections]' % hive, *conn, '', ''])


def system_reg(alias='.DEFAULT', **kw):
    """SYSTEM's WinINet settings as `reg export` writes them: the key is
    HKEY_USERS\\.DEFAULT or HKEY_USERS\\S-1-5-18 (the same hive)."""
    return ('Windows Registry Editor Version 5.00\n\n' +
            inet_keys(SYSTEM_KEY % alias, **kw))


def user_reg(sid, **kw):
    key = (SYSTEM_KEY % sid if sid != 'HKCU' else
           r'HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Internet Settings')
    return 'Windows Registry Editor Version 5.00\n\n' + inet_keys(key, **kw)


HKLM_REG = r'''Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows\CurrentVersion\Internet Settings\Connections]
"WinHttpSettings"=hex:18,00,00,00,00,00,00,00,01,00,00,00,00,00,00,00,00,00,\
  00,00

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\.NETFramework\v4.0.30319]
"SchUseStrongCrypto"=dword:00000001
"SystemDefaultTlsVersions"=dword:00000001

[HKEY_LOCAL_MACHINE\SOFTWARE\WOW6432Node\Microsoft\.NETFramework\v4.0.30319]
"SchUseStrongCrypto"=dword:00000001
"SystemDefaultTlsVersions"=dword:00000001

'''


# ---- captures -------------------------------------------------------------

NETSH_DIRECT = '''
Current WinHTTP proxy settings:

    Direct access (no proxy server).

'''


def get_ob_list(server='', port=0, user=''):
    """(Get-OBMachineSetting).ProxySetting | Format-List, saved by the
    collector with Out-File. No password line: the cmdlet is not known to
    show one, and an empty one would read as "no password"."""
    enabled = 'True' if server else 'False'
    return '''
PS C:\\Windows\\system32> (Get-OBMachineSetting).ProxySetting | Format-List


Enabled       : %s
ProxyServer   : %s
ProxyPort     : %d
ProxyUserName : %s



''' % (enabled, server, port, user)


def get_ob_json(host, server=None, port=0, user=None):
    """Get-OBMachineSetting | ConvertTo-Json (PowerShell 5.1 layout)."""
    def j(v):
        return 'null' if v is None else '"%s"' % v.replace('\\', '\\\\')
    return '''{
    "ProxySetting":  {
                         "Enabled":  %s,
                         "ProxyServer":  %s,
                         "ProxyPort":  %d,
                         "ProxyUserName":  %s
                     },
    "ThrottlingSetting":  {
                              "Enabled":  false,
                              "WorkHourBandwidth":  0
                          },
    "MachineId":  "%s"
}
''' % ('true' if server else 'false', j(server), port, j(user),
       session_id(host + '/machine').lower())


CBENGINE_CONFIG = '''<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <startup>
    <supportedRuntime version="v4.0" sku=".NETFramework,Version=v4.6.2"/>
  </startup>
  <runtime>
    <generatePublisherEvidence enabled="false"/>
  </runtime>
  <system.net>
    <defaultProxy enabled="true" useDefaultCredentials="false">
      <proxy usesystemdefault="True" />
    </defaultProxy>
  </system.net>
</configuration>
'''


# ---- engine log -----------------------------------------------------------

def errlog(session, lines):
    """CBEngine errlog (domain-reference §6.2): a header line, then 11
    TAB-separated fields; a message with '\\n' gives continuation lines.
    Field 7 holds the job's activity GUID, or the service session's
    outside a job; field 8 (VmId) is empty outside Azure Site Recovery,
    as in the KB 3119587 lines."""
    out = ['Microsoft Azure Recovery Services Agent log']
    for pid, tid, date, time, comp, src, this, task, sev, msg in lines:
        out.append('\t'.join([pid, tid, date, time, comp, src, this,
                              task or session, '', sev, msg]))
    return '\n'.join(out) + '\n'


def later(t, ms):
    """The time ms milliseconds after t ("HH:MM:SS.fff")."""
    h, m, rest = t.split(':')
    total = ((int(h) * 60 + int(m)) * 60) * 1000 + round(float(rest) * 1000) + ms
    total %= 24 * 3600 * 1000
    return '%02d:%02d:%02d.%03d' % (total // 3600000, total // 60000 % 60,
                                    total // 1000 % 60, total % 1000)


class Log:
    """Builds engine-log lines for one process from short verbs, so that
    each scenario reads as a story. Times are given by the caller."""

    def __init__(self, pid, session_id, date='11/28'):
        self.pid, self.session_id, self.date = pid, session_id, date
        self.lines = []

    def add(self, time, sev, msg, src='cbengine.cpp(412)', tid='0F10',
            comp='71', this='[0000000001A2B3C0]', task=''):
        if ".cs(" in src:  # managed code: component 69, no object pointer
            comp, this = '69', ''
        self.lines.append((self.pid, tid, self.date, time, comp, src, this,
                           task, sev, msg))
        return self

    def start(self, t):
        self.add(t, 'NORMAL', 'CBEngine service started. Version ' + VERSION)
        self.add(later(t, 40), 'NORMAL',
                 'Loaded machine settings; scratch location ' + AGENT_DIR + r'\Scratch',
                 src='cbengineconfig.cpp(233)')
        return self

    def registration(self, t, vault='rsv-prod-jpe'):
        self.add(t, 'NORMAL', 'Checking registration status with Microsoft Azure Backup',
                 src='AzureServiceManagementHelper.cs(141)')
        self.add(later(t, 650), 'NORMAL',
                 "GetResourceInfo succeeded for vault '%s'" % vault,
                 src='AzureServiceManagementHelper.cs(188)')
        return self

    def backup_start(self, t, job, tid='2B44'):
        self.add(t, 'NORMAL', 'Starting scheduled backup. Policy: DailyBackup-FilesFolders, Job ID: ' + job,
                 src='backupasync.cpp(214)', tid=tid, this='[000000001B73B830]', task=job)
        self.add(later(t, 497), 'NORMAL',
                 'Sending request to https://%s/CloudBackupService/GetBackupPolicy' % POD,
                 src='AzureServiceManagementHelper.cs(320)', tid=tid, task=job)
        return self

    def backup_ok(self, times, job, gb='1.8', tid='2B44'):
        t1, t2, t3, t4, t5 = times
        this = '[000000001B73B830]'
        self.add(t1, 'NORMAL', r'Volume shadow copy created for C:\, D:\ (snapshot set {3e0d5a1c-7b44-4f2a-9d1e-0c8b6a2f4e91})',
                 src='snapshot.cpp(702)', tid=tid, this=this, task=job)
        self.add(t2, 'NORMAL', 'Uploading changed blocks to https://%s/cbp-container' % BLOB,
                 src='StorageHelper.cs(211)', tid=tid, task=job)
        self.add(t3, 'NORMAL', 'Backup progress: 64%% (%s GB of changed data scanned)' % gb,
                 src='backupasync.cpp(1022)', tid=tid, this=this, task=job)
        self.add(t4, 'NORMAL', 'Backup completed successfully. Data transferred: %s GB' % gb,
                 src='backupasync.cpp(1190)', tid=tid, this=this, task=job)
        self.add(t5, 'NORMAL', 'Recovery point created; catalog upload finished',
                 src='catalogupload.cpp(377)', tid=tid, this=this, task=job)
        return self

    def fail_407(self, t, job, tid='2B44'):
        this = '[000000001B73B830]'
        msg = 'The remote server returned an error: (407) Proxy Authentication Required.'
        self.add(t, 'WARNING', 'Request to https://%s failed: %s' % (POD, msg),
                 src='AzureServiceManagementHelper.cs(355)', tid=tid, task=job)
        self.add(later(t, 4), 'FATAL',
                 'System.Net.WebException: ' + msg +
                 '\n   at System.Net.HttpWebRequest.GetResponse()'
                 '\n   at Microsoft.Internal.CloudBackup.Client.Common.AzureServiceManagementHelper.Send(HttpWebRequest request)',
                 src='AzureServiceManagementHelper.cs(360)', tid=tid, task=job)
        self.add(later(t, 30), 'WARNING',
                 'Failed: Hr: = [0x80190197] Proxy Authentication Required',
                 src='backupasync.cpp(1184)', tid=tid, this=this, task=job)
        return self

    def job_failed(self, t, job, hr, tid='2B44'):
        self.add(t, 'FATAL', 'Backup job %s failed. Hr: = [%s]' % (job, hr),
                 src='backupasync.cpp(1607)', tid=tid, this='[000000001B73B830]', task=job)
        return self

    def idle(self, t, nxt='11/29 02:00'):
        self.add(t, 'NORMAL', 'Next scheduled backup: %s' % nxt,
                 src='scheduler.cpp(96)', tid='1E3C', this='[0000000001A2B9F0]')
        return self

    def text(self):
        return errlog(self.session_id, self.lines)


JOB = '0517B3DB-347D-45A8-9DAB-FD7D1EA7D134'
JOB2 = '8C1F6E22-0D4B-4B7A-A6E3-55E0B9D2C417'


def healthy_log(session_id, pid='1A2C', vault='rsv-prod-jpe', job=JOB):
    """A night's traffic with nothing wrong."""
    log = Log(pid, session_id)
    log.start('01:58:02.101').registration('01:58:03.250', vault)
    log.backup_start('02:00:00.015', job)
    log.backup_ok(('02:00:04.880', '02:00:09.301', '02:11:45.620',
                   '02:19:58.002', '02:20:03.447'), job)
    log.idle('02:20:05.010')
    return log.text()


def auth_failure_log(session_id, pid='2F08'):
    """Scheduled backup and a manual retry, both refused with 407."""
    log = Log(pid, session_id)
    log.start('01:58:02.101')
    log.add('01:58:03.250', 'NORMAL', 'Checking registration status with Microsoft Azure Backup',
            src='AzureServiceManagementHelper.cs(141)')
    log.fail_407('01:58:03.811', '', tid='0F10')
    log.backup_start('02:00:00.015', JOB)
    log.fail_407('02:00:00.880', JOB)
    log.job_failed('02:00:01.002', JOB, '0x80190197')
    log.backup_start('08:41:17.330', JOB2, tid='3A58')
    log.fail_407('08:41:18.102', JOB2, tid='3A58')
    log.job_failed('08:41:18.240', JOB2, '0x80190197', tid='3A58')
    log.idle('08:41:18.300')
    return log.text()


def quiet_log(session_id, pid, changed):
    """The settings were just changed and the service restarted; no
    backup has run since, so the log holds no network outcome."""
    log = Log(pid, session_id)
    log.add('08:52:40.517', 'NORMAL', 'Machine settings updated: ' + changed,
            src='MachineSettingsHelper.cs(88)', tid='0C1C')
    log.add('08:52:40.533', 'NORMAL', 'Service restart requested to apply the new settings',
            src='MachineSettingsHelper.cs(131)', tid='0C1C')
    log.add('08:52:44.902', 'NORMAL', 'CBEngine service stopping',
            src='cbengine.cpp(498)')
    log.start('08:52:51.120')
    log.add('08:52:51.410', 'NORMAL', 'Scratch folder cleanup: 0 stale files removed',
            src='scratchmgr.cpp(154)', tid='1E3C', this='[0000000001A2B9F0]')
    log.idle('08:52:51.488')
    return log.text()




def plain_bundle(agent=None, system=None, users=(), netsh=True,
                 get_ob=None, get_ob_json_text=None, config=True,
                 log=None, extra=None):
    """The common layout: a zip of Logs/ sub-folders as a collector script
    writes them (domain-reference §9.4), without the nested Logs.ZIP."""
    files = {}
    if log is not None:
        files['Logs/Temp/CBEngineCurr.errlog'] = utf16(log)
    if config:
        files['Logs/Config/CBEngine.exe.config'] = crlf(CBENGINE_CONFIG)
    if agent is not None:
        files['Logs/Registry/WindowsAzureBackup.reg'] = utf16(agent)
    if system is not None:
        files['Logs/Registry/InternetSettings_SYSTEM.reg'] = utf16(system)
    for name, text in users:
        files['Logs/Registry/InternetSettings_%s.reg' % name] = utf16(text)
    if netsh:
        files['Logs/Network/netsh_winhttp_show_proxy.txt'] = utf16(NETSH_DIRECT)
    if get_ob is not None:
        files['Logs/PowerShell/Get-OBMachineSetting.txt'] = utf16(get_ob)
    if get_ob_json_text is not None:
        files['Logs/PowerShell/Get-OBMachineSetting.json'] = crlf(get_ob_json_text)
    files.update(extra or {})
    return files


SYSTEM_EMPTY = dict(counter=2, enable=0, flags=0x01)
USER_SID = 'S-1-5-21-3623811015-3361044348-30300820-1104'
USER_SID2 = 'S-1-5-21-3623811015-3361044348-30300820-1107'
PAC = 'http://pac.contoso.local/proxy.pac'
