#!/usr/bin/env python3
"""Write the hostile-input corpus (tests/hostile/README.md) into a folder.

    python3 tests/hostile/make.py OUTDIR [CASE...]

Each case becomes OUTDIR/CASE/ holding its inputs and expect.json: what
to run, the exit statuses allowed, the bounds (CPU seconds and peak RSS
of a plain build), and per report the diagnostics that must appear (limit
name, status code, message substring, on which input), the status of
each input, and the evidence that must still be found (effective proxy,
rules that fire, records kept). tests/hostile/check.py runs them.

Deterministic: fixed seeds, fixed timestamps, no clock, no os.urandom;
running it twice writes the same bytes. Big inputs are written at test
time only (into the build folder); nothing here is committed but code.
"""
import bz2
import json
import lzma
import os
import random
import shutil
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))
sys.dont_write_bytecode = True
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(SRC, 'samples'))
import bundlekit as bk  # noqa: E402
import hzip  # noqa: E402
from hzip import Member  # noqa: E402

MIB = 1 << 20

# ---- the good evidence every hostile bundle carries ------------------------
#
# Scenario 04 of the support article: no agent proxy, SYSTEM's manual proxy
# 10.10.1.20:8080, and engine-log 407s, so MP002 fires. A hostile member
# next to these must not stop them from being read.

HOST = 'HOST08'
SYSTEM_TEXT = bk.system_reg('.DEFAULT', counter=4, enable=1,
                            server='http://10.10.1.20:8080',
                            override='<local>', flags=0x03)
BASE = bk.plain_bundle(
    agent=bk.agent_reg(HOST), system=SYSTEM_TEXT, get_ob=bk.get_ob_list(),
    log=bk.auth_failure_log(bk.session_id(HOST)))
VERDICT = {'source': 'system', 'mode': 'manual', 'server': '10.10.1.20',
           'port': 8080}
RULES = ['MP002']
SYSTEM_REG = 'Logs/Registry/InternetSettings_SYSTEM.reg'
CONFIG = 'Logs/Config/CBEngine.exe.config'


def base_members(skip=()):
    """The good evidence as zip members, but those named in skip."""
    return [Member(name, data) for name, data in BASE.items()
            if name not in skip]


def kept(extra=None, **more):
    """Expectation: the good evidence was read despite the rest."""
    e = {'verdict': VERDICT, 'rules': RULES,
         'inputs': {name: {'status': 'parsed'} for name in BASE}}
    if extra:
        e['inputs'].update(extra)
    e.update(more)
    return e


def errlog_head():
    """A real engine-log start: header and a few records, UTF-8."""
    log = bk.Log('1A2C', bk.session_id(HOST)).start('01:58:02.101')
    log.idle('01:58:02.300')
    return log.text().replace('\n', '\r\n').encode()


LOG_LINE = ('1A2C\t0F10\t11/28\t02:00:%02d.%03d\t71\tcbengine.cpp(412)\t'
            '[0000000001A2B3C0]\t%s\t\tNORMAL\tline %d of a long log\r\n')


def log_lines(n, start=0):
    sid = bk.session_id(HOST)
    return ''.join(LOG_LINE % (i // 1000 % 60, i % 1000, sid, i)
                   for i in range(start, start + n)).encode()


def letters(rng, n):
    """n printable bytes, fast and seeded."""
    table = bytes(ord('a') + i % 26 for i in range(256))
    return rng.randbytes(n).translate(table)


# ---- cases -------------------------------------------------------------------

CASES = {}


def case(fn):
    CASES[fn.__name__.replace('_', '-')] = fn
    return fn


class Case:
    def __init__(self, what, proves):
        self.what = what
        self.proves = proves
        self.files = {}          # relative path -> bytes
        self.big = {}            # relative path -> (head, unit, count)
        self.runs = []

    def file(self, rel, data):
        self.files[rel] = data
        return rel

    def run(self, inputs, reports, args=(), cmd='scan', seconds=2.0,
            rss_mib=64, exit=(0, 1), forbid=()):
        """One marsdiag process over inputs; reports maps each input to
        its expectation."""
        self.runs.append({'cmd': cmd, 'args': list(args),
                          'inputs': list(inputs), 'exit': list(exit),
                          'bounds': {'cpu_seconds': seconds,
                                     'rss_mib': rss_mib},
                          'forbid': list(forbid), 'reports': reports})


def ratio_bomb_stream(gib=3.9):
    """An engine log that inflates to about gib GiB of spaces after a
    real head: deflate's best ratio (about 1010:1), above 'ratio'."""
    s = hzip.Stream().text(errlog_head())
    s.repeat(b' ' * MIB, int(gib * 1024))
    return s.finish()


@case
def control():
    c = Case('the good evidence alone, as a zip',
             'the expectations every other case reuses hold on a clean '
             'bundle')
    c.file('clean.zip', hzip.build(base_members()))
    exp = kept()
    for spec in exp['inputs'].values():
        spec['no_diag'] = True
    c.run(['clean.zip'], {'clean.zip': exp}, seconds=1, rss_mib=32)
    return c


@case
def zip_ratio_bomb():
    c = Case('a 3.9 GiB engine log deflated to 4 MB (ratio ~1010:1), '
             'first in a zip, then the good evidence',
             "'ratio' stops inflating after about 1 MiB: time and memory "
             "stay small, the member is damaged, the rest is read")
    data, crc, usize = ratio_bomb_stream()
    bomb = Member('Logs/Temp/CBEngine1.errlog', data=data, crc=crc,
                  usize=usize)
    c.file('bomb.zip', hzip.build([bomb] + base_members()))
    c.run(['bomb.zip'], {'bomb.zip': kept({
        'Logs/Temp/CBEngine1.errlog': {
            'status': 'damaged', 'records_min': 3,
            'diag': [{'limit': 'ratio', 'code': 'limit reached'}]}})},
        seconds=1.5, rss_mib=48)
    return c


@case
def zip_ratio_bomb_nested():
    c = Case('the same bomb inside a nested Logs.ZIP, read as a stream',
             "the streaming reader applies 'ratio' too, and the members "
             "after the bomb are found")
    data, crc, usize = ratio_bomb_stream()
    bomb = Member('Logs/Temp/CBEngine1.errlog', data=data, crc=crc,
                  usize=usize)
    inner = hzip.build([bomb] + base_members())
    c.file('nested.zip', hzip.build([Member('Logs.ZIP', inner, method=0)]))
    exp = kept({'Logs/Temp/CBEngine1.errlog': {
        'status': 'damaged',
        'diag': [{'limit': 'ratio', 'code': 'limit reached'}]}})
    exp['inputs'] = {'Logs.ZIP/' + k: v for k, v in exp['inputs'].items()}
    c.run(['nested.zip'], {'nested.zip': exp}, seconds=1.5, rss_mib=48)
    return c


@case
def gz_bomb():
    c = Case('a folder bundle with CBEngine1.errlog.gz inflating to 3.9 GiB '
             'and the good evidence as plain files',
             "gzip members obey 'ratio' as zip members do")
    data, crc, usize = ratio_bomb_stream()
    c.file('bundle/Logs/Temp/CBEngine1.errlog.gz',
           hzip.gzip_wrap(data, crc, usize))
    for name, blob in BASE.items():
        c.file('bundle/' + name, blob)
    c.run(['bundle'], {'bundle': kept({
        'Logs/Temp/CBEngine1.errlog.gz': {'type': 'gzip'},
        'Logs/Temp/CBEngine1.errlog': {
            'status': 'damaged', 'records_min': 3,
            'diag': [{'limit': 'ratio', 'code': 'limit reached'}]}})},
        seconds=1.5, rss_mib=48)
    return c


@case
def zip_42():
    c = Case("42.zip's shape: 16 zips of 16 zips of 16 zips of 16 zips of "
             "one 3.9 GiB file (4.4 PB in all) in about 40 KB",
             "'depth' (4) stops the descent: the 65536 zips at depth 4 "
             "are listed, not opened nor inflated, and the walk ends in "
             "bounded time; the good evidence next to it is read")
    data, crc, usize = ratio_bomb_stream()
    z = hzip.build([Member('0.errlog', data=data, crc=crc, usize=usize)])
    for level in range(4):
        # 16 copies of the level below, each deflated once more: deflate
        # finds the repeats of the previous level's deflate output.
        comp = hzip.deflate(z)
        members = [Member('%x.zip' % k, data=comp, crc=zlib.crc32(z),
                          usize=len(z)) for k in range(16)]
        z = hzip.build(members)
    c.file('42.zip', hzip.build(members + base_members()))
    deep = '0.zip/0.zip/0.zip/0.zip'
    c.run(['42.zip'], {'42.zip': kept({
        '0.zip': {'type': 'zip', 'status': 'parsed'},
        '0.zip/0.zip/0.zip': {'type': 'zip'},
        deep: {'type': 'zip', 'status': 'damaged',
               'diag': [{'limit': 'depth', 'message': 'not opened'}]},
        'f.zip/f.zip/f.zip/f.zip': {
            'type': 'zip', 'diag': [{'limit': 'depth'}]},
        deep + '/0.errlog': {'absent': True}}, inputs_max=16 + 256 + 4096 +
        65536 + 1 + len(BASE))}, seconds=3, rss_mib=64)
    return c


def kernel(mib):
    """mib MiB of engine-log lines: ratio about 290:1, under 'ratio'."""
    line = (LOG_LINE % (0, 0, bk.session_id(HOST), 0)).encode()
    chunk = line * (MIB // len(line))
    s = hzip.Stream().text(errlog_head()).repeat(chunk, mib)
    return s.finish()


@case
def zip_overlap_full():
    c = Case('1000 central entries, all pointing at one local header with '
             'an 8 MiB engine log (a "better zip bomb", full overlap: 8 GB '
             'claimed in 40 KB)',
             'overlap detection reads the kernel once; the 999 others are '
             'reported unreadable, so the work is one member, not 1000')
    data, crc, usize = kernel(8)
    k = Member('Logs/Temp/CBEngine0.errlog', data=data, crc=crc, usize=usize)
    base = base_members()
    central = []
    for i in range(1000):
        m = Member('Logs/Temp/CBEngine%d.errlog' % i, data=data, crc=crc,
                   usize=usize)
        central.append((m, 0))
    zipbytes = build_shared(k, central, base)
    c.file('overlap.zip', zipbytes)
    exp = kept({
        'overlap.zip': {'status': 'partial', 'diag': [
            {'message': '999 members overlap others and are not read'}]},
        'Logs/Temp/CBEngine0.errlog': {'status': 'parsed',
                                       'records_min': 1000},
        'Logs/Temp/CBEngine1.errlog': {
            'status': 'unreadable', 'diag': [{
                'code': 'corrupt',
                'message': "overlaps member 'Logs/Temp/CBEngine0.errlog'"}]},
        'Logs/Temp/CBEngine999.errlog': {'status': 'unreadable'}})
    c.run(['overlap.zip'], {'overlap.zip': exp}, seconds=1.5, rss_mib=48)
    return c


def build_shared(kmember, central, base):
    """One local kernel, many central entries into it, then base members
    with their own local headers."""
    out = bytearray(hzip.local_header(kmember) + kmember.data)
    for m in base:
        m.offset = len(out)
        out += hzip.local_header(m) + m.data
    cd_off = len(out)
    entries = central + [(m, m.offset) for m in base]
    for m, off in entries:
        out += hzip.central_header(m, off)
    out += hzip.end_records(len(entries), cd_off, len(out) - cd_off)
    return bytes(out)


@case
def zip_overlap_quoted():
    c = Case('250 members whose data quote the next local header in a '
             'stored deflate block (Fifield\'s overlap without shared '
             'headers): every member inflates to 8 MiB or more, 2 GB in '
             'all',
             'members that start inside another member\'s data are found '
             'however the offsets are spread')
    n = 250
    raw, kcrc, kusize = kernel(8)
    names = [('Logs/Temp/CBEngine%d.errlog' % i).encode() for i in range(n)]
    # From the last member back: data(i) = stored block quoting LFH(i+1),
    # then data(i+1); content(i) = LFH(i+1) + content(i+1).
    data, crc, usize = raw, kcrc, kusize
    chain = []
    for i in reversed(range(n)):
        m = Member(names[i], data=data, crc=crc, usize=usize)
        chain.append(m)
        lfh = hzip.local_header(m)
        if i:
            data = (struct.pack('<BHH', 0, len(lfh), len(lfh) ^ 0xFFFF) +
                    lfh + data)
            crc = hzip.crc32_combine(zlib.crc32(lfh), crc, usize)
            usize += len(lfh)
    chain.reverse()
    out = bytearray()
    for i, m in enumerate(chain):
        m.offset = len(out)
        out += hzip.local_header(m)
        out += m.data[:5] if i + 1 < n else m.data
    base = base_members()
    for m in base:
        m.offset = len(out)
        out += hzip.local_header(m) + m.data
    cd_off = len(out)
    for m in chain + base:
        out += hzip.central_header(m)
    out += hzip.end_records(n + len(base), cd_off, len(out) - cd_off)
    c.file('quoted.zip', bytes(out))
    exp = kept({
        'quoted.zip': {'status': 'partial', 'diag': [
            {'message': '249 members overlap others'}]},
        # Its content starts with the next member's local header: it is
        # read as a zip (the quoted headers), bounded by 'depth'.
        'Logs/Temp/CBEngine0.errlog': {'type': 'zip'},
        'Logs/Temp/CBEngine1.errlog': {'status': 'unreadable',
                                       'diag': [{'code': 'corrupt'}]},
        'Logs/Temp/CBEngine249.errlog': {'status': 'unreadable'}})
    c.run(['quoted.zip'], {'quoted.zip': exp}, seconds=1.5, rss_mib=48)
    return c


@case
def zip64_lies():
    c = Case('zip64 records that claim more than the file holds: a member '
             'of 1 TiB compressed and 1 PiB inflated, an end record with '
             '2^62 entries, a central directory past the end',
             'sizes read from the input are never trusted for allocation; '
             'the lying member is truncated, the rest read')
    liar = Member('Logs/Temp/CBEngine1.errlog', errlog_head(), zip64=True)
    real_csize = liar.csize
    liar.csize, liar.usize = 1 << 40, 1 << 50
    members = [liar] + base_members()
    c.file('sizes.zip', hzip.build(members))
    liar.csize = real_csize
    z = bytearray(hzip.build(members, zip64_end=True))
    e64 = z.rindex(b'PK\x06\x06')
    struct.pack_into('<QQ', z, e64 + 24, 1 << 62, 1 << 62)  # entries
    c.file('entries.zip', bytes(z))
    z2 = bytearray(z)
    struct.pack_into('<QQ', z2, e64 + 24, 7, 7)
    struct.pack_into('<Q', z2, e64 + 40, 1 << 45)           # cd size
    c.file('cdsize.zip', bytes(z2))
    liar_exp = {'status': 'damaged', 'diag': [
        {'severity': 'warning', 'message': 'claims 1099511627776 compressed '
         'bytes, more than the archive holds'},
        {'severity': 'failed', 'message': 'size mismatch'}]}
    c.run(['sizes.zip', 'entries.zip', 'cdsize.zip'], {
        'sizes.zip': kept({'Logs/Temp/CBEngine1.errlog': liar_exp}),
        'entries.zip': kept({'entries.zip': {'diag': [
            {'message': 'recovered from local headers'}]}}),
        'cdsize.zip': kept({'cdsize.zip': {'diag': [
            {'message': 'recovered from local headers'}]}}),
    }, seconds=1, rss_mib=48)
    return c


@case
def zip_entries_bomb():
    c = Case('110000 one-byte members after the good evidence',
             "'entries' (100000) caps the inputs listed and the memory "
             "they take; the archive says how many were not read")
    members = base_members()
    names = ['f/%06d.txt' % i for i in range(110000)]
    out = bytearray()
    for m in members:
        m.offset = len(out)
        out += hzip.local_header(m) + m.data
    tiny = Member('x', b'x', method=0)
    offsets = []
    for name in names:
        tiny.local_name = name.encode()
        offsets.append(len(out))
        out += hzip.local_header(tiny) + b'x'
    cd_off = len(out)
    for m in members:
        out += hzip.central_header(m)
    for name, off in zip(names, offsets):
        tiny.name = name.encode()
        out += hzip.central_header(tiny, off)
    out += hzip.end_records(len(members) + len(names), cd_off,
                            len(out) - cd_off, zip64=True)
    c.file('entries.zip', bytes(out))
    exp = kept({
        'entries.zip': {'status': 'damaged', 'diag': [
            {'limit': 'entries',
             'message': "limit 'entries' (100000) reached; 10007 more"}]},
        'f/099992.txt': {'count': 1},
        'f/099993.txt': {'absent': True}})
    exp['inputs_max'] = 100000
    c.run(['entries.zip'], {'entries.zip': exp}, seconds=3, rss_mib=64)
    # The same flood inside a nested zip (streamed), with the limit low.
    inner = hzip.build(base_members() + [Member(n, b'x', method=0)
                                         for n in names[:5000]])
    c.file('nested.zip', hzip.build([Member('Logs.ZIP', inner)]))
    exp = {'verdict': VERDICT, 'rules': RULES, 'inputs': {
        'nested.zip': {'diag': [{'limit': 'entries', 'message':
                                 "limit 'entries' (1000) reached; 4008"}]},
        'Logs.ZIP/f/000991.txt': {'count': 1},
        'Logs.ZIP/f/000992.txt': {'absent': True}}, 'inputs_max': 1000}
    c.run(['nested.zip'], {'nested.zip': exp}, args=['--limit',
                                                     'entries=1000'],
          seconds=1, rss_mib=48)
    return c


# ---- truncation and bit flips of real samples --------------------------------

SAMPLES = ['samples/jp-collector/FS01_MARS_20261128.zip',
           'samples/scenarios/04-auth-required-system-only/'
           'APP04_MARS_20261128.zip']


def local_layout(z, prefix='', avail=None):
    """[(path, start, end)] of the members of zip bytes z walked by local
    headers: end is where the member's data ends. Members stored or
    deflated in z that are zips are walked too (through inflate), with
    their own extent in the inflated bytes: a nested member counts as
    complete when its end is within what can be inflated from the
    available prefix of z (avail: bytes of z present)."""
    out = []
    off = 0
    avail = len(z) if avail is None else avail
    while z[off:off + 4] == b'PK\x03\x04':
        (_, _, flags, method, _, _, _, csize, _, nlen,
         xlen) = struct.unpack_from('<IHHHHHIIIHH', z, off)
        name = z[off + 30:off + 30 + nlen].decode('utf-8', 'replace')
        start = off + 30 + nlen + xlen
        end = start + csize
        out.append((prefix + name, off, end))
        comp_avail = max(0, min(end, avail) - start)
        comp = z[start:start + comp_avail]
        if method == 8:
            d = zlib.decompressobj(-15)
            try:
                inner = d.decompress(comp)
            except zlib.error:
                inner = b''
            full = zlib.decompress(z[start:end], -15)
        else:
            inner, full = comp, z[start:end]
        if full[:4] == b'PK\x03\x04':
            sub = local_layout(full, prefix + name + '/', len(inner))
            out += [(p, s, e if e <= len(inner) else None, True)
                    for p, s, e, *_ in sub]
        off = end
    return [(p, s, e, *rest) for p, s, e, *rest in out]


def complete_members(z, cut):
    """Paths of the members wholly present in z[:cut] (nested included,
    judged on the inflatable prefix)."""
    full = local_layout(z)
    part = dict((p, e) for p, s, e, *n in local_layout(z, avail=cut))
    done = []
    for p, s, e, *nested in full:
        if nested:
            if part.get(p) is not None:
                done.append(p)
        elif e <= cut:
            done.append(p)
    return done


def read_sample(rel):
    with open(os.path.join(SRC, rel), 'rb') as f:
        return f.read()


@case
def zip_truncated():
    c = Case('two sample bundles (nested Logs.ZIP, and flat) cut every 61 '
             'bytes: about 150 files, read in one run',
             'every cut completes without a crash, and every member wholly '
             'before the cut (in a nested zip: wholly within what inflates '
             'from the bytes before the cut) is parsed with the same '
             'records as in the whole file')
    for rel in SAMPLES:
        z = read_sample(rel)
        tag = os.path.basename(rel).split('_')[0]
        whole = c.file('%s-whole.zip' % tag, z)
        inputs = [whole]
        reports = {whole: {}}
        for cut in range(0, len(z), 61):
            name = c.file('%s-cut%05d.zip' % (tag, cut), z[:cut])
            inputs.append(name)
            reports[name] = {'same_as': whole,
                             'paths': complete_members(z, cut)}
        c.run(inputs, reports, seconds=2, rss_mib=48, exit=(0, 1, 3))
    return c


@case
def zip_bitflips():
    c = Case('300 seeded variants of the two sample bundles with 1 to 4 '
             'bits flipped, read in two runs',
             'no crash, no hang, a report for every variant; with a single '
             'flip inside a member\'s compressed data that member (or '
             'something in it) carries a diagnostic')
    rng = random.Random(8)
    for rel in SAMPLES:
        z = read_sample(rel)
        tag = os.path.basename(rel).split('_')[0]
        layout = [(p, s, e) for p, s, e, *n in local_layout(z) if not n]
        inputs, reports = [], {}
        for v in range(150):
            flips = sorted(rng.sample(range(len(z) * 8), 1 + v % 4))
            b = bytearray(z)
            for bit in flips:
                b[bit // 8] ^= 1 << (bit % 8)
            name = c.file('%s-flip%03d.zip' % (tag, v), bytes(b))
            inputs.append(name)
            exp = {}
            if len(flips) == 1:
                off = flips[0] // 8
                for p, s, e in layout:
                    hdr = s + 30 + struct.unpack_from('<H', z, s + 26)[0] + \
                        struct.unpack_from('<H', z, s + 28)[0]
                    # The last byte may hold the deflate stream's
                    # padding bits, which change nothing.
                    if hdr <= off < e - 1:
                        exp['damage_under'] = p
            reports[name] = exp
        c.run(inputs, reports, seconds=3, rss_mib=48, exit=(0, 1, 3))
    return c


# ---- encrypted and unsupported members --------------------------------------

def aes_extra(method=8):
    return struct.pack('<HHHHBH', 0x9901, 7, 2, 0x4541, 3, method)


@case
def zip_encrypted():
    c = Case('encrypted members: traditional PKWARE (flag 1), WinZip AES '
             '(method 99, extra 0x9901), and one with a data descriptor in '
             'a nested zip; each at the top and in a nested Logs.ZIP',
             'encrypted members are unreadable with code "encrypted", never '
             'guessed at; the stream reader finds the member after one whose '
             'size it cannot know')
    rng = random.Random(1)
    pk = Member('Logs/Registry/Secret.reg', data=rng.randbytes(12 + 900),
                flags=1, crc=0x12345678, usize=2000)
    aes = Member('Logs/Registry/Aes.reg', method=99,
                 data=rng.randbytes(16 + 2 + 900 + 10), flags=1,
                 crc=0, usize=2000, extra=aes_extra())
    dd = Member('Logs/Registry/Streamed.reg', data=rng.randbytes(700) +
                struct.pack('<IIII', 0x08074b50, 0xCAFEF00D, 700, 1400),
                flags=1 | 8, crc=0, csize=0, usize=0)
    top = [pk, aes] + base_members()
    c.file('encrypted.zip', hzip.build(top))
    inner = hzip.build([pk, aes, dd] + base_members())
    c.file('nested.zip', hzip.build([Member('Logs.ZIP', inner, method=0)]))
    enc = {'status': 'unreadable', 'diag': [
        {'code': 'encrypted', 'message': 'encrypted member'}]}
    nexp = kept({'Logs/Registry/Secret.reg': enc,
                 'Logs/Registry/Aes.reg': enc,
                 'Logs/Registry/Streamed.reg': enc})
    nexp['inputs'] = {'Logs.ZIP/' + k: v for k, v in nexp['inputs'].items()}
    c.run(['encrypted.zip', 'nested.zip'], {
        'encrypted.zip': kept({'Logs/Registry/Secret.reg': enc,
                               'Logs/Registry/Aes.reg': enc}),
        'nested.zip': nexp}, seconds=1, rss_mib=32)
    return c


@case
def zip_methods():
    c = Case('members compressed with bzip2 (12), LZMA (14), zstd (93) and '
             'deflate64 (9), at the top and in a nested zip (one of them '
             'with a data descriptor)',
             'unsupported methods are unreadable with code "unsupported '
             'method"; their neighbours are read')
    text = bk.utf16(bk.NETSH_DIRECT)
    lz = lzma.compress(text, format=lzma.FORMAT_RAW,
                       filters=[{'id': lzma.FILTER_LZMA1}])
    zstd = b'\x28\xb5\x2f\xfd' + random.Random(2).randbytes(300)
    members = [
        Member('m/bzip2.txt', data=bz2.compress(text), method=12,
               crc=zlib.crc32(text), usize=len(text)),
        Member('m/lzma.txt', data=b'\x09\x14\x05\x00' + lz, method=14,
               crc=zlib.crc32(text), usize=len(text)),
        Member('m/zstd.txt', data=zstd, method=93, crc=zlib.crc32(text),
               usize=len(text)),
        Member('m/deflate64.txt', data=hzip.deflate(text), method=9,
               crc=zlib.crc32(text), usize=len(text)),
    ]
    c.file('methods.zip', hzip.build(members + base_members()))
    dd = Member('m/bzip2-dd.txt', method=12, flags=8, crc=0, csize=0,
                usize=0, data=bz2.compress(text) +
                struct.pack('<IIII', 0x08074b50, zlib.crc32(text),
                            len(bz2.compress(text)), len(text)))
    inner = hzip.build(members + [dd] + base_members())
    c.file('nested.zip', hzip.build([Member('Logs.ZIP', inner)]))
    bad = {'status': 'unreadable', 'diag': [
        {'code': 'unsupported method', 'message': 'not supported'}]}
    names = ['m/bzip2.txt', 'm/lzma.txt', 'm/zstd.txt', 'm/deflate64.txt']
    nexp = kept({n: bad for n in names + ['m/bzip2-dd.txt']})
    nexp['inputs'] = {'Logs.ZIP/' + k: v for k, v in nexp['inputs'].items()}
    c.run(['methods.zip', 'nested.zip'], {
        'methods.zip': kept({n: bad for n in names}),
        'nested.zip': nexp}, seconds=1, rss_mib=32)
    return c


@case
def gz_truncated():
    c = Case('an engine log of 3000 records gzipped, cut at 0, 10, 11, 100 '
             'bytes, 25/50/75/99% and 4 bytes before the end, in one folder',
             'a cut gzip is damaged (truncated) and the records inflated '
             'before the cut are kept')
    log = errlog_head() + log_lines(3000)
    gz = hzip.gzip_bytes(log)
    cuts = [0, 10, 11, 100, len(gz) // 4, len(gz) // 2, len(gz) * 3 // 4,
            len(gz) * 99 // 100, len(gz) - 4]
    reports = {}
    exp = {'inputs': {}}
    for i, cut in enumerate(cuts):
        gname = 'CBEngine%d.errlog' % (i + 1)
        c.file('bundle/%s.gz' % gname, gz[:cut])
        d = zlib.decompressobj(16 + 15)
        try:
            got = d.decompress(gz[:cut])
        except zlib.error:
            got = b''
        lines = got.count(b'\n')
        if cut == 0:
            # Not even a gzip signature: an empty text file.
            exp['inputs'][gname + '.gz'] = {'count': 1}
            exp['inputs'][gname] = {'absent': True}
            continue
        spec = {'diag': [{'code': 'truncated',
                          'message': 'gzip data ends early'}]}
        if cut < 100:
            spec['status'] = ['unreadable', 'damaged']  # nothing inflated
        else:
            spec['status'] = 'damaged'
            spec['records_min'] = max(0, lines - 1)
        exp['inputs'][gname] = spec
    c.file('bundle/CBEngineCurr.errlog.gz', gz)
    exp['inputs']['CBEngineCurr.errlog'] = {'status': 'parsed', 'no_diag':
                                            True, 'records': 3004}
    reports['bundle'] = exp
    c.run(['bundle'], reports, seconds=1, rss_mib=32)
    return c


@case
def zip_names():
    c = Case("member names that climb out ('..', '..\\..'), are absolute "
             "('/etc', 'C:\\'), hold a NUL, a terminal escape or invalid "
             "UTF-8, are 65000 bytes long, use backslashes, or repeat; the "
             "SYSTEM export itself is stored as "
             "'Logs\\Registry\\InternetSettings_SYSTEM.reg'",
             'names are shown (escaped) and flagged, never used as paths; '
             'backslashes read as folders; both duplicates are read; no '
             'name breaks the JSON or the text report')
    note = bk.crlf('a note\n')
    long_name = 'Logs/' + 'A' * 65000 + '.txt'
    members = [
        Member('../../../../etc/cron.d/evil.txt', note),
        Member('..\\..\\Windows\\evil.txt', note),
        Member('/etc/passwd.txt', note),
        Member('C:\\Windows\\System32\\evil.txt', note),
        Member(b'Logs/nul\x00hidden.reg', note),
        Member(b'Logs/esc\x1b[2J\x1b]0;pwned\x07.txt', note),
        Member(b'Logs/bad\xff\xfeutf8.txt', note),
        Member(long_name, note),
        Member('Logs/dup.txt', note),
        Member('Logs/dup.txt', bk.crlf('another note\n')),
    ]
    base = base_members(skip=(SYSTEM_REG,))
    system = Member(SYSTEM_REG.replace('/', '\\'), BASE[SYSTEM_REG])
    c.file('names.zip', hzip.build(members + base + [system]))
    def flagged(why):
        return {'diag': [{'severity': 'info', 'message': why +
                          '; shown as stored, never used as a path'}]}
    c.run(['names.zip'], {'names.zip': kept({
        '../../../../etc/cron.d/evil.txt': flagged("climbs out with '..'"),
        '../../Windows/evil.txt': flagged("climbs out with '..'"),
        '/etc/passwd.txt': flagged('is absolute'),
        'C:/Windows/System32/evil.txt': flagged('is absolute'),
        'Logs/nul': flagged('holds a NUL byte (cut there)'),
        'Logs/esc\x1b[2J\x1b]0;pwned\x07.txt': {'count': 1},
        'Logs/bad\\xFF\\xFEutf8.txt': {'count': 1},  # as JSON shows it
        long_name: {'count': 1},
        'Logs/dup.txt': {'count': 2},
    })}, seconds=1, rss_mib=32)
    # The text report prints names for a terminal: no control character
    # of a name may reach it.
    c.run(['names.zip'], {'names.zip': {}}, cmd='scan-text', seconds=1,
          rss_mib=32, forbid=['\x1b'])
    c.run(['names.zip'], {'names.zip': {}}, args=['--format', 'md'],
          cmd='scan-text', seconds=1, rss_mib=32, forbid=['\x1b'])
    return c


@case
def change_flood():
    c = Case('change files for review: 200000 Set-OBMachineSetting lines '
             '(14 MB), a .reg of 300000 values, and 4000 statements, just '
             'under the limit',
             "past 'change_records' (4096) the change is refused before "
             'any record is kept, so time and memory stay small; under it '
             'the review (each statement weighed against the ones before) '
             'stays well under a second')
    z = c.file('base.zip', hzip.build(base_members()))
    line = 'Set-OBMachineSetting -ProxyServer http://p.contoso.local ' \
           '-ProxyPort 8080\n'
    c.file('flood.ps1', bk.crlf(line * 200000))
    c.file('flood.reg', bk.utf16(
        'Windows Registry Editor Version 5.00\n\n'
        '[HKEY_USERS\\S-1-5-18\\Software\\Microsoft\\Windows\\'
        'CurrentVersion\\Internet Settings]\n' +
        ''.join('"V%d"="x"\n' % i for i in range(300000))))
    c.file('many.ps1', bk.crlf(line * 4000))
    # Bounds about five times what a quiet machine takes (0.3 s, 0.1 s,
    # 0.4 s): a review weighing every statement against all before it
    # took minutes, so these still catch that, and a busy machine (CPU
    # time grows with contention for caches) does not fail them.
    for change in ('flood.ps1', 'flood.reg'):
        c.run([z], {}, cmd='review', args=[change], exit=(3,), seconds=2,
              rss_mib=64)
    c.run([z], {}, cmd='review', args=['many.ps1'], seconds=3, rss_mib=48)
    return c


ESC = '\x1b]0;pwned\x07\x1b[2J\x9b31m'  # OSC title, clear, C1 CSI
C0_ESC = ESC[:-4]  # what the ASCII blob of Internet Settings can carry


@case
def terminal_escapes():
    c = Case('terminal escapes (OSC, CSI, C1) in a registry value of the '
             'bundle and in every kind of statement of a change file',
             'scan, review and diff print for a terminal in text and '
             'Markdown: no control character of the inputs reaches the '
             'output')
    system = bk.system_reg('.DEFAULT', counter=5, enable=1,
                           server='http://10.10.1.20:8080' + C0_ESC,
                           override='<local>' + C0_ESC, flags=0x03)
    evil = dict(BASE)
    evil[SYSTEM_REG] = bk.utf16(system)
    c.file('base.zip', hzip.build(base_members()))
    c.file('evil.zip', hzip.build([Member(n, d) for n, d in evil.items()]))
    c.file('change.ps1', bk.crlf(
        '# CHG' + ESC + '\n'
        'Set-OBMachineSetting -ProxyServer "http://p' + ESC + '" '
        '-ProxyPort 8080\n'
        'reg add "HKU\\S-1-5-18\\Software\\Microsoft\\Windows\\'
        'CurrentVersion\\Internet Settings" /v ProxyOverride /t REG_SZ '
        '/d "<local>' + ESC + '" /f\n'
        'Frobnicate-' + ESC + ' -Now\n'
        'Restart-Service obengine' + ESC + '\n'))
    for fmt in ('text', 'md'):
        c.run(['evil.zip'], {}, cmd='scan-text', args=['--format', fmt],
              seconds=1, rss_mib=32, forbid=['\x1b', '\x07'])
        c.run(['evil.zip'], {}, cmd='review',
              args=['change.ps1', '--format', fmt], seconds=1, rss_mib=32,
              forbid=['\x1b', '\x07', '\x9b'])
        c.run(['base.zip', 'evil.zip'], {}, cmd='diff',
              args=['--format', fmt], seconds=1, rss_mib=32,
              forbid=['\x1b', '\x07', '\x9b'])
    return c


# ---- XML ----------------------------------------------------------------

LAUGHS = ''.join('<!ENTITY lol%d "%s">\n' % (i, ('&lol%d;' % (i - 1)) * 10)
                 for i in range(1, 10))
BILLION = ('<?xml version="1.0"?>\n<!DOCTYPE configuration [\n'
           '<!ENTITY lol0 "lol">\n' + LAUGHS + ']>\n')
CONFIG_TAIL = '''<configuration>
  <system.net>
    <defaultProxy enabled="true" useDefaultCredentials="false">
      <proxy usesystemdefault="True" />
    </defaultProxy>
  </system.net>
  <appSettings><add key="x" value="&lol9;"/></appSettings>
  <note>&lol9;&lol9;&lol9;</note>
</configuration>
'''
EVENT = ('<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/'
         'event"><System><Provider Name="CloudBackup"/><EventID>%d</EventID>'
         '<Level>4</Level><TimeCreated SystemTime="2026-11-27T17:00:00.0150000'
         'Z"/><Channel>CloudBackup/Operational</Channel><Computer>HOST08'
         '</Computer></System><EventData><Data Name="x">%s</Data></EventData>'
         '</Event>\n')
PASSWD_MARKS = ['root:x:0:0', ':/root:', '/usr/sbin/nologin', 'daemon:x:']


def xml_bundle(c, zipname, config, events, extra=()):
    members = base_members(skip=(CONFIG,))
    members.append(Member(CONFIG, config.encode()))
    members.append(Member('Logs/Events/CloudBackup-Operational.xml',
                          events.encode()))
    return c.file(zipname, hzip.build(members + list(extra)))


@case
def xml_billion_laughs():
    c = Case('billion laughs (10^9 "lol"s, 3 GB expanded) in the .NET '
             'config and in an event export',
             'entities are never expanded: bounded time and memory, the '
             'DTD is reported, each reference is kept as written and '
             'every element around it is read')
    cfg = BILLION + CONFIG_TAIL
    ev = BILLION.replace('configuration', 'Events') + '<Events>\n' + \
        EVENT % (1, 'ok') + EVENT % (3, '&lol9;') + EVENT % (4, 'ok') + \
        '</Events>\n'
    z = xml_bundle(c, 'laughs.zip', cfg, ev)
    # The entities are declared but never stored: a reference stands for
    # itself, with a warning, and the parse goes on.
    dtd = {'status': 'partial', 'diag': [
        {'severity': 'info', 'message': 'document type declaration ignored'},
        {'severity': 'warning', 'message': "entity reference '&lol9;' left "
         'as written: entities are never expanded'}]}
    c.run([z], {z: kept({
        CONFIG: dict(dtd, records_min=1),
        'Logs/Events/CloudBackup-Operational.xml': dict(dtd,
                                                        records_min=3)})},
        seconds=1, rss_mib=48, forbid=['lollollol'])
    return c


@case
def xml_external_entities():
    c = Case('external entities: SYSTEM "file:///etc/passwd" in attributes '
             'and text, a parameter entity %pe; loading /etc/passwd, an '
             'external DTD over http, an XInclude, in the config and in '
             'an event export',
             'nothing outside the input is read (no line of /etc/passwd in '
             'scan or facts output), no network wait, the rest parsed')
    dtd = ('<?xml version="1.0"?>\n<!DOCTYPE %s SYSTEM '
           '"http://127.0.0.1:9/evil.dtd" [\n'
           '<!ENTITY xxe SYSTEM "file:///etc/passwd">\n'
           '<!ENTITY %% pe SYSTEM "file:///etc/passwd">\n'
           '%%pe;\n'
           '<!ENTITY %% remote SYSTEM "http://127.0.0.1:9/x.dtd">\n'
           '%%remote;\n]>\n')
    cfg = (dtd % 'configuration') + '''<configuration xmlns:xi="http://www.w3.org/2001/XInclude">
  <xi:include href="file:///etc/passwd" parse="text"/>
  <system.net>
    <defaultProxy enabled="true" useDefaultCredentials="false">
      <proxy usesystemdefault="False" proxyaddress="http://&xxe;:8080" />
      <bypasslist><add address="&xxe;"/></bypasslist>
    </defaultProxy>
  </system.net>
  <note>&xxe;</note>
</configuration>
'''
    ev = (dtd % 'Events') + '<Events>\n' + EVENT % (1, '&xxe;') + \
        EVENT % (3, 'ok') + '</Events>\n'
    z = xml_bundle(c, 'xxe.zip', cfg, ev)
    # Nothing is loaded; the undefined entities stand for themselves:
    # everything around them is read.
    unloaded = [{'severity': 'info', 'message': 'document type declaration '
                 'ignored: entities are neither loaded nor expanded'},
                {'message': 'PEReference: %pe; not found'},
                {'message': 'PEReference: %remote; not found'},
                {'severity': 'warning', 'message': "entity reference '&xxe;' "
                 'left as written'}]
    exp = {'verdict': VERDICT, 'rules': RULES, 'inputs': {
        CONFIG: {
            'status': 'partial', 'records_min': 2, 'diag': unloaded},
        'Logs/Events/CloudBackup-Operational.xml': {
            'status': 'partial', 'records_min': 2, 'diag': unloaded}}}
    c.run([z], {z: exp}, seconds=1, rss_mib=48, forbid=PASSWD_MARKS)
    c.run([z], {z: {}}, cmd='facts', seconds=1, rss_mib=48,
          forbid=PASSWD_MARKS)
    return c


@case
def xml_deep():
    c = Case('event exports nested 300 and 200000 elements deep, and a '
             '.NET config nested 100000 deep',
             "'xml_depth' (256) stops the parse with a diagnostic; bounded "
             "stack and memory; the other inputs are read")
    def deep(n, root):
        return ('<%s>' % root + '<a>' * n + 'x' + '</a>' * n +
                '</%s>\n' % root)
    members = base_members()
    members += [
        Member('Logs/Events/deep300.xml',
               ('<Events>\n' + EVENT % (1, 'before') + deep(300, 'Event') +
                EVENT % (3, 'after') + '</Events>\n').encode()),
        Member('Logs/Events/deep200k.xml',
               ('<Events>' + deep(200000, 'Event') + '</Events>\n')
               .encode()),
        Member('Logs/Config/deep.exe.config',
               ('<configuration>' + deep(100000, 'system.net') +
                '</configuration>\n').encode()),
    ]
    c.file('deep.zip', hzip.build(members))
    lim = {'status': 'damaged', 'diag': [
        {'limit': 'xml_depth', 'message': "deeper than limit 'xml_depth' "
         "(256)"}]}
    c.run(['deep.zip'], {'deep.zip': kept({
        'Logs/Events/deep300.xml': dict(lim, records_min=1),
        'Logs/Events/deep200k.xml': lim,
        'Logs/Config/deep.exe.config': lim})}, seconds=1, rss_mib=48)
    return c


@case
def xml_parameter_entities():
    c = Case('a .NET config whose DTD is built from parameter entities that '
             'declare further entities and refer to each other in a loop; an '
             'event export with a quadratic blowup (a 100 KB entity used '
             '100000 times: 10 GB) after a good event',
             'parameter entities are neither expanded nor looked up (the '
             'first reference is a fatal "not found"); the blowup is never '
             'expanded; bounded work; the events around it are kept')
    pe = ('<?xml version="1.0"?>\n<!DOCTYPE configuration [\n'
          '<!ENTITY % a "<!ENTITY &#37; b \'<!ENTITY c &#34;x&#34;>\'>">\n'
          '%a; %b;\n'
          '<!ENTITY % loop1 "%loop2;">\n<!ENTITY % loop2 "%loop1;">\n'
          '%loop1;\n]>\n')
    cfg = pe + CONFIG_TAIL.replace('&lol9;', '&c;')
    def blowup(size, refs):
        return ('<?xml version="1.0"?>\n<!DOCTYPE Events [\n<!ENTITY big "' +
                'B' * size + '">\n]>\n<Events>\n' + EVENT % (1, 'ok') +
                EVENT % (3, '&big;' * refs) + '</Events>\n')
    z = xml_bundle(c, 'pe.zip', cfg, blowup(2000, 100000), [
        Member('Logs/Events/big-dtd.xml', blowup(100000, 100000).encode())])
    dtd = {'severity': 'info', 'message': 'document type declaration '
           'ignored: entities are neither loaded nor expanded'}
    c.run([z], {z: kept({
        CONFIG: {'status': 'damaged', 'diag': [
            dtd, {'severity': 'failed',
                  'message': 'malformed xml: PEReference: %a; not found'}]},
        'Logs/Events/CloudBackup-Operational.xml': {
            'status': 'partial', 'records_min': 2, 'diag': [
                dtd, {'message': "entity reference '&big;' left as "
                      'written'}]},
        # A DTD longer than the 4 KiB head hides the events; its
        # <!DOCTYPE Events still makes it an event export.
        'Logs/Events/big-dtd.xml': {
            'status': 'partial', 'type': 'evtxml', 'records_min': 2,
            'diag': [dtd, {'message': "entity reference '&big;' left as "
                           'written'}]}})},
        seconds=1, rss_mib=48, forbid=['B' * 1000])
    return c


@case
def xml_huge_nodes():
    c = Case('a 12 MB text node in an event export between two good events, '
             'and a 12 MB attribute (the proxy address) in the .NET config',
             "text is cut at 'record_bytes' (1 MiB) with a warning and the "
             "events around it kept; libxml2's own 10 MB cap stops the huge "
             "attribute with a diagnostic; memory stays bounded")
    rng = random.Random(12)
    big = letters(rng, 12 * 1000 * 1000).decode()
    cfg = ('<configuration><system.net><defaultProxy><proxy proxyaddress="' +
           big + '"/></defaultProxy></system.net></configuration>\n')
    ev = ('<Events>\n' + EVENT % (1, 'ok') + EVENT % (2, big) +
          EVENT % (3, 'ok') + '</Events>\n')
    z = xml_bundle(c, 'huge.zip', cfg, ev)
    c.run([z], {z: kept({
        CONFIG: {
            'status': 'damaged', 'diag': [{'code': 'syntax error',
                                           'message': 'malformed xml'}]},
        'Logs/Events/CloudBackup-Operational.xml': {
            'status': 'partial', 'records_min': 3, 'diag': [
                {'limit': 'record_bytes', 'severity': 'warning',
                 'message': "longer than limit 'record_bytes' (1048576)"}]}})},
        seconds=1, rss_mib=64)
    return c


# ---- text ---------------------------------------------------------------

def utf16_units(units):
    return b''.join(struct.pack('<H', u) for u in units)


def zip_with_system(c, name, system_bytes, extra=()):
    members = base_members(skip=(SYSTEM_REG,))
    members.append(Member(SYSTEM_REG, system_bytes))
    members += list(extra)
    return c.file(name, hzip.build(members))


@case
def text_utf16():
    c = Case('UTF-16LE exports gone wrong: the SYSTEM export with an odd '
             'final byte; with unpaired surrogates (a lone high one, a '
             'lone low one, a high one at the end); a BOM followed by 64 KiB '
             'of random bytes; a BOM then an odd-length fragment',
             'bad units become U+FFFD, counted in one diagnostic, and the '
             'text around them is parsed: the SYSTEM proxy is still found')
    good = bk.utf16(SYSTEM_TEXT)
    z1 = zip_with_system(c, 'odd.zip', good + b'\x41')
    bad = bk.utf16(SYSTEM_TEXT + '"Bad') + utf16_units([0xD800]) + \
        'X"="1"\r\n"Low'.encode('utf-16-le') + utf16_units([0xDC00]) + \
        '"="2"\r\n'.encode('utf-16-le') + utf16_units([0xDBFF])
    z2 = zip_with_system(c, 'surrogates.zip', bad)
    rng = random.Random(16)
    z3 = zip_with_system(c, 'garbage.zip', good, [
        Member('Logs/Registry/garbage.reg', b'\xff\xfe' +
               rng.randbytes(64 * 1024)),
        Member('Logs/Registry/fragment.reg', b'\xff\xfe' +
               'Windows Reg'.encode('utf-16-le') + b'\x00')])
    inv = {'severity': 'info', 'code': 'invalid encoding'}
    c.run([z1, z2, z3], {
        z1: kept({SYSTEM_REG: {'diag': [dict(inv, message='1 invalid '
                                             'utf-16le sequences kept')]}}),
        z2: kept({SYSTEM_REG: {'diag': [dict(inv, message='3 invalid '
                                             'utf-16le sequences kept')],
                               'records_min': 6}}),
        z3: kept({'Logs/Registry/garbage.reg': {
                      'status': ['parsed', 'partial', 'damaged'],
                      'diag': [dict(inv)]},
                  'Logs/Registry/fragment.reg': {
                      'diag': [dict(inv, message='1 invalid')]}}),
    }, seconds=1, rss_mib=32)
    return c


@case
def text_invalid_utf8():
    c = Case('engine logs in UTF-8 with overlong forms, encoded '
             'surrogates, bytes above U+10FFFF, lone continuation bytes and '
             'a sequence cut by the end of the file: after the first 4 KiB, '
             'and from the first line',
             'invalid bytes are kept, counted and escaped: the JSON stays '
             'valid UTF-8, every record is kept')
    bad = [b'\xc0\x80', b'\xed\xa0\x80', b'\xf5\x80\x80\x80', b'\x80',
           b'\xe3\x81']
    # Late: the first 4 KiB are valid, so the file is UTF-8 and the bad
    # sequences after are counted. Early: the head is not UTF-8, so the
    # file is read as an 8-bit code page ("ansi"), bytes kept as they are.
    files = {}
    for tag, first in (('late', 60), ('early', 0)):
        lines = log_lines(120).split(b'\r\n')
        for i, seq in enumerate(bad[:-1]):
            lines[first + i * 10] += b' ' + seq + b' tail'
        files[tag] = errlog_head() + b'\r\n'.join(lines) + bad[-1]
    members = base_members() + [
        Member('Logs/Temp/CBEngine1.errlog', files['late']),
        Member('Logs/Temp/CBEngine2.errlog', files['early'])]
    c.file('utf8.zip', hzip.build(members))
    c.run(['utf8.zip'], {'utf8.zip': kept({
        'Logs/Temp/CBEngine1.errlog': {
            'status': 'parsed', 'records_min': 124,
            'diag': [{'code': 'invalid encoding',
                      'message': '11 invalid utf-8 sequences kept'}]},
        'Logs/Temp/CBEngine2.errlog': {
            'status': 'parsed', 'records_min': 124, 'no_diag': True}})},
        seconds=1, rss_mib=32)
    return c


@case
def text_long_line():
    c = Case('a folder bundle whose engine log has a 50 MB line between '
             'records, whose .NET config has a 5 MB comment on its first '
             'line, and whose SYSTEM export has a 5 MB comment line before '
             'its keys',
             "'line_bytes' (1 MiB) cuts the line with a warning; memory "
             "stays near the limit; the records after the line are read")
    rng = random.Random(50)
    big = letters(rng, 50 * 1000 * 1000)
    c.file('bundle/Logs/Temp/CBEngine1.errlog', errlog_head() +
           log_lines(10) + big + b'\r\n' + log_lines(10, 10))
    for name, blob in BASE.items():
        if name not in (SYSTEM_REG, CONFIG):
            c.file('bundle/' + name, blob)
    big5 = big[:5 * 1000 * 1000]
    c.file('bundle/' + CONFIG, b'<configuration><!-- ' + big5 + b' -->' +
           BASE[CONFIG].split(b'<configuration>', 1)[1])
    head, rest = SYSTEM_TEXT.split('\n', 1)
    c.file('bundle/' + SYSTEM_REG, (head + '\r\n; ').encode() + big5 +
           ('\r\n' + rest.replace('\n', '\r\n')).encode())
    cut = {'limit': 'line_bytes', 'severity': 'warning',
           'message': "line longer than limit 'line_bytes' (1048576)"}
    c.run(['bundle'], {'bundle': kept({
        'Logs/Temp/CBEngine1.errlog': {'status': 'partial',
                                       'records_min': 22,
                                       'diag': [cut]},
        SYSTEM_REG: {'status': 'partial', 'diag': [cut]},
        CONFIG: {'status': ['parsed', 'partial', 'damaged']}})},
        seconds=1, rss_mib=40)
    return c


@case
def text_nul():
    c = Case('NUL bytes inside text: in a comment and in a value name of '
             'the SYSTEM export (UTF-16LE), in engine-log messages (UTF-8), '
             'and a "text" file that is mostly NULs',
             'a NUL is an ordinary character after the head: lines around '
             'it are parsed, JSON escapes it, the proxy is still found')
    reg = SYSTEM_TEXT.replace('"MigrateProxy"', '; a\0comment\n"Mig\0rate"'
                              '=dword:00000001\n"MigrateProxy"')
    log = errlog_head() + log_lines(5) + b'1A2C\t0F10\t11/28\t02:00:09.000' \
        b'\t71\tx.cpp(1)\t\t\t\tNORMAL\tnul\x00in\x00message\r\n' + \
        log_lines(5, 5)
    z = zip_with_system(c, 'nul.zip', bk.utf16(reg), [
        Member('Logs/Temp/CBEngine1.errlog', log),
        Member('Logs/Temp/CBEngine2.errlog', bytes(200000) + b'x\r\n')])
    c.run([z], {z: kept({'Logs/Temp/CBEngine1.errlog': {
        'status': 'parsed', 'records_min': 14}})}, seconds=1, rss_mib=32)
    return c


def reg_hex_fast(name, data):
    """A REG_BINARY as regedit wraps it (about 25 bytes a line,
    backslash continuations, two-space indent), at C speed."""
    first = 20
    lines = [data[:first].hex(',')]
    lines += [data[i:i + 25].hex(',') for i in range(first, len(data), 25)]
    return '"%s"=hex:' % name + ',\\\r\n  '.join(lines)


@case
def text_reg_deep():
    c = Case('registry exports with a key 1000 components deep, one '
             '300000 deep (600 KB on one line), a value of 1 MB of text, '
             'and a REG_BINARY of 1.5 MiB in hex lines read with '
             "'reg_value_bytes' at 1 MiB",
             "'reg_key_depth' (64) skips the deep keys' values with a "
             "warning, 'reg_value_bytes' cuts the big value, the keys and "
             "values after them are read")
    deep = '\\'.join(['HKEY_LOCAL_MACHINE\\SOFTWARE'] + ['k'] * 998)
    deeper = '\\'.join(['HKEY_LOCAL_MACHINE'] + ['k'] * 300000)
    rng = random.Random(17)
    text = ['Windows Registry Editor Version 5.00', '',
            '[%s]' % deep, '"Deep"="1"', '',
            '[%s]' % deeper, '"Deeper"="1"', '',
            '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso]',
            '"Big"="' + letters(rng, 1000000).decode() + '"', '']
    reg = ('\r\n'.join(text) + '\r\n' +
           SYSTEM_TEXT.split('\n', 2)[2].replace('\n', '\r\n'))
    c.file('bundle/Logs/Registry/deep.reg', reg.encode())
    # 'reg_value_bytes' (16 MiB) costs seconds of hex to reach; the same
    # code path is shown at 1 MiB with a value of 1.5 MiB.
    huge = ('\r\n'.join(text[:2] + text[8:9]) + '\r\n' +
            reg_hex_fast('Huge', rng.randbytes(3 * MIB // 2)) + '\r\n' +
            '"After"="1"\r\n\r\n' +
            SYSTEM_TEXT.split('\n', 2)[2].replace('\n', '\r\n'))
    c.file('bundle/Logs/Registry/huge.reg', huge.encode())
    for name, blob in BASE.items():
        if name != SYSTEM_REG:
            c.file('bundle/' + name, blob)
    c.run(['bundle'], {'bundle': {
        'verdict': VERDICT, 'rules': RULES, 'inputs': {
            'Logs/Registry/deep.reg': {
                'status': 'partial', 'records_min': 6,
                'diag': [{'limit': 'reg_key_depth',
                          'message': 'key has 1000 components'},
                         {'limit': 'reg_key_depth',
                          'message': 'key has 300001 components'}]}}}},
        seconds=1, rss_mib=48)
    c.run(['bundle/Logs/Registry/huge.reg'], {
        'bundle/Logs/Registry/huge.reg': {'inputs': {'huge.reg': {
            'status': 'partial', 'records_min': 7,
            'diag': [{'limit': 'reg_value_bytes', 'message':
                      "value 'Huge' longer than limit 'reg_value_bytes' "
                      "(1048576); cut there"}]}}}},
        args=['--limit', 'reg_value_bytes=1M'], seconds=1, rss_mib=48)
    return c


@case
def text_reg_many_values():
    c = Case('a registry export with 1000000 values under one key (16 MB), '
             'then the SYSTEM Internet Settings',
             'work and memory grow with the input, not its record count: '
             'every value is a record, RSS stays small, the proxy is found')
    lines = ['Windows Registry Editor Version 5.00', '',
             '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso\\Many]']
    body = ''.join('"v%07d"="x"\r\n' % i for i in range(1000000))
    reg = ('\r\n'.join(lines) + '\r\n' + body + '\r\n' +
           SYSTEM_TEXT.split('\n', 2)[2].replace('\n', '\r\n'))
    c.file('bundle/' + SYSTEM_REG, reg.encode())
    for name, blob in BASE.items():
        if name != SYSTEM_REG:
            c.file('bundle/' + name, blob)
    c.run(['bundle'], {'bundle': kept({SYSTEM_REG: {
        'status': 'parsed', 'no_diag': True, 'records_min': 1000004}})},
        seconds=3, rss_mib=48)
    return c


@case
def text_line_endings():
    c = Case('the SYSTEM export with LF, CRLF, CR-only and mixed line '
             'endings (UTF-16LE), and an engine log with mixed endings',
             'LF and CRLF read the same; CR-only and mixed text is still '
             'read line by line, not as one huge line')
    lf = SYSTEM_TEXT
    z = {}
    for tag, text in [('lf', lf), ('crlf', lf.replace('\n', '\r\n')),
                      ('cr', lf.replace('\n', '\r')),
                      ('mixed', ''.join(
                          ln + ['\n', '\r\n', '\r'][i % 3] for i, ln in
                          enumerate(lf.split('\n'))))]:
        z[tag] = zip_with_system(c, '%s.zip' % tag,
                                 b'\xff\xfe' + text.encode('utf-16-le'))
    reports = {z[t]: kept({SYSTEM_REG: {'status': 'parsed',
                                        'records_min': 4}})
               for t in z}
    c.run(list(z.values()), reports, seconds=1, rss_mib=32)
    return c


@case
def text_many_lines():
    c = Case('an engine log of 1000000 short records (45 MB) and one of '
             '4000000 empty lines',
             'line and record counts are exact and memory does not grow '
             'with them')
    rec = b'1A2C\t0F10\t11/28\t02:00:00.015\t71\tx\t\t\t\tNORMAL\tm\r\n'
    c.big['bundle/Logs/Temp/CBEngine1.errlog'] = (
        errlog_head(), rec, 1000000)
    c.big['bundle/Logs/Temp/CBEngine2.errlog'] = (errlog_head(), b'\n',
                                                   4000000)
    for name, blob in BASE.items():
        c.file('bundle/' + name, blob)
    c.run(['bundle'], {'bundle': kept({
        'Logs/Temp/CBEngine1.errlog': {'status': 'parsed',
                                       'records': 1000004,
                                       'lines': 1000004},
        'Logs/Temp/CBEngine2.errlog': {'lines': 4000004}})},
        seconds=4, rss_mib=48)
    return c


# ---- writing --------------------------------------------------------------

def write_case(out, name, c):
    d = os.path.join(out, name)
    if os.path.isdir(d):
        shutil.rmtree(d)
    os.makedirs(d)
    for rel, data in c.files.items():
        p = os.path.join(d, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'wb') as f:
            f.write(data)
    for rel, (head, unit, n) in c.big.items():
        p = os.path.join(d, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, 'wb') as f:
            f.write(head)
            block = unit * 4096
            for _ in range(n // 4096):
                f.write(block)
            f.write(unit * (n % 4096))
    with open(os.path.join(d, 'expect.json'), 'w') as f:
        json.dump({'case': name, 'what': c.what, 'proves': c.proves,
                   'runs': c.runs}, f, indent=1, sort_keys=True)
        f.write('\n')


def main(argv):
    if len(argv) < 2 or argv[1].startswith('-'):
        print('usage: make.py OUTDIR [CASE...]', file=sys.stderr)
        return 0 if argv[1:2] in (['-h'], ['--help']) else 2
    out = argv[1]
    names = argv[2:] or list(CASES)
    for n in names:
        if n not in CASES:
            print('make.py: no case %r' % n, file=sys.stderr)
            return 2
    os.makedirs(out, exist_ok=True)
    for n in names:
        write_case(out, n, CASES[n]())
    with open(os.path.join(out, 'cases.txt'), 'w') as f:
        f.write('\n'.join(names) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
