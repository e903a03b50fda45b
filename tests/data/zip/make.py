#!/usr/bin/env python3
"""Make the zip/gzip fixtures of tests/unit/test_walk.c.

Run from this folder: python3 make.py. Output is deterministic (fixed
timestamps), so the committed files are exactly what this script writes.
"""
import gzip
import io
import struct
import zipfile

T = (2026, 11, 28, 10, 30, 0)
REG = ('Windows Registry Editor Version 5.00\r\n\r\n'
       '[HKEY_USERS\\.DEFAULT\\Software\\Microsoft\\Windows\\CurrentVersion\\Internet Settings]\r\n'
       '"ProxyEnable"=dword:00000001\r\n'
       '"ProxyServer"="10.0.0.5:8080"\r\n')
REG16 = b'\xff\xfe' + REG.encode('utf-16-le')
TEXT = ''.join('line %d of a plain text member\n' % i for i in range(2000))
# A big stored registry export: damage in it must be seen, since a parser
# reads it (members nobody parses are listed as skipped and never read).
BIG = ('Windows Registry Editor Version 5.00\r\n\r\n'
       '[HKEY_LOCAL_MACHINE\\SOFTWARE\\Contoso]\r\n' +
       ''.join('"Value%04d"="line %d of a stored member"\r\n' % (i, i)
               for i in range(600)))
BIG16 = b'\xff\xfe' + BIG.encode('utf-16-le')


def zinfo(name, method=zipfile.ZIP_DEFLATED):
    zi = zipfile.ZipInfo(name, T)
    zi.compress_type = method
    zi.external_attr = 0o644 << 16
    return zi


def build(members, zip64=False):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, 'w') as z:
        for name, data, method in members:
            with z.open(zinfo(name, method), 'w', force_zip64=zip64) as f:
                f.write(data)
    return buf.getvalue()


def streamed(members):
    """A zip written to a non-seekable stream: data descriptors (flag 8)."""
    class Sink(io.RawIOBase):
        def __init__(self):
            self.b = bytearray()
        def writable(self):
            return True
        def write(self, d):
            self.b += d
            return len(d)
    s = Sink()
    with zipfile.ZipFile(s, 'w') as z:
        for name, data, method in members:
            with z.open(zinfo(name, method), 'w') as f:
                f.write(data)
    return bytes(s.b)


def write(name, data):
    with open(name, 'wb') as f:
        f.write(data)


base = [('Logs/Registry/SYSTEM.reg', REG16, zipfile.ZIP_DEFLATED),
        ('Logs/Registry/Contoso.reg', BIG16, zipfile.ZIP_STORED),
        ('Logs/notes.txt', TEXT.encode(), zipfile.ZIP_STORED),
        ('Logs/Temp/', b'', zipfile.ZIP_STORED)]
good = build(base)
write('good.zip', good)
write('zip64.zip', build(base, zip64=True))
write('descriptors.zip', streamed(base[:3]))

# Nested: the Japanese collector's Logs.ZIP inside the upload zip, plus a
# gzip member and a nested zip with data descriptors.
inner = build(base)
write('nested.zip', build([
    ('Trace.txt', b'Collecting logs\r\n', zipfile.ZIP_DEFLATED),
    ('Logs.ZIP', inner, zipfile.ZIP_STORED),
    ('old/CBEngine1.txt.gz', gzip.compress(TEXT.encode(), mtime=0), zipfile.ZIP_STORED),
    ('streamed.zip', streamed(base[:3]), zipfile.ZIP_DEFLATED),
]))

# Bad CRC in the stored member: flip one data byte (CRC left as is).
bad = bytearray(good)
i = bad.index('line 7 of'.encode('utf-16-le'))
bad[i] = ord('L')
write('badcrc.zip', bytes(bad))

# Truncated: cut in the middle of the second member, central directory gone.
write('truncated.zip', good[:good.index('line 100 of'.encode('utf-16-le'))])

# No central directory at all: members must be recovered from local headers.
cd = good.index(b'PK\x01\x02')
write('nocd.zip', good[:cd])

# Encrypted flag on the first member (local and central header).
enc = bytearray(good)
for sig in (b'PK\x03\x04', b'PK\x01\x02'):
    j = enc.index(sig)
    off = j + (6 if sig == b'PK\x03\x04' else 8)
    flags = struct.unpack_from('<H', enc, off)[0] | 1
    struct.pack_into('<H', enc, off, flags)
write('encrypted.zip', bytes(enc))

# An unsupported method (bzip2) next to a good member.
write('method.zip', build([('a.txt', b'bzip2 data\n', zipfile.ZIP_BZIP2),
                           ('b.reg', REG16, zipfile.ZIP_DEFLATED)]))

# Zip bomb-ish: a highly compressible member, tested with a low ratio limit.
write('ratio.zip', build([('zeros.txt', b'0' * (4 << 20), zipfile.ZIP_DEFLATED)]))

# Deeply nested zips, for the depth limit.
z = build([('deep.txt', b'deepest\n', zipfile.ZIP_STORED)])
for k in range(6):
    z = build([('level%d.zip' % k, z, zipfile.ZIP_STORED)])
write('deep.zip', z)

# A standalone gzip file and a concatenated (two-member) one.
write('single.txt.gz', gzip.compress(TEXT.encode(), mtime=0))
write('concat.txt.gz', gzip.compress(b'first\n', mtime=0) + gzip.compress(b'second\n', mtime=0))

# Overlapping members (the "better zip bomb" shape): a second central
# entry points at the first member's local header.
one = build([('a.reg', REG16, zipfile.ZIP_DEFLATED)])
cd_at = one.index(b'PK\x01\x02')
eocd_at = one.index(b'PK\x05\x06')
entry = one[cd_at:eocd_at]
dup = entry.replace(b'a.reg', b'b.reg')
eocd = bytearray(one[eocd_at:])
struct.pack_into('<HHI', eocd, 8, 2, 2, len(entry) * 2)
write('overlap.zip', one[:eocd_at] + dup + bytes(eocd))

# Member names that would escape a folder, be absolute, or hide a NUL.
names = build([('../evil.txt', b'x\n', zipfile.ZIP_STORED),
               ('Logs/a_b.txt', b'y\n', zipfile.ZIP_STORED),
               ('C:/abs.txt', b'z\n', zipfile.ZIP_STORED)])
write('names.zip', names.replace(b'Logs/a_b.txt', b'Logs/a\x00b.txt'))

# A zip too deep to open (depth=2) inside a zip read as a stream: skipped
# at its compressed size, never inflated (42.zip's innermost zips); with
# bundle_bytes=1M the member after it is still read.
zeros = build([('zeros.txt', b'\0' * (8 << 20), zipfile.ZIP_STORED)])
write('deepskip.zip', build([('mid.zip', build([
    ('deep.zip', zeros, zipfile.ZIP_DEFLATED),
    ('after.txt', b'after\n', zipfile.ZIP_STORED)]), zipfile.ZIP_STORED)]))

# A stored member whose data holds two more local headers, with central
# entries for all three: b.reg lies inside a.bin, and so does c.reg, past
# the end of b.reg.
pair = build([('b.reg', REG16, zipfile.ZIP_STORED),
              ('c.reg', REG16, zipfile.ZIP_STORED)])
body = pair[:pair.index(b'PK\x01\x02')]
outer = build([('a.bin', body, zipfile.ZIP_STORED)])
lfh = 30 + len('a.bin')
cd_at = outer.index(b'PK\x01\x02')
eocd_at = outer.index(b'PK\x05\x06')
entries = [outer[cd_at:eocd_at]]
pcd = pair.index(b'PK\x01\x02')
for name in (b'b.reg', b'c.reg'):
    at = pair.index(b'PK\x01\x02' + b'', pcd)
    e = bytearray(pair[at:pair.index(b'PK', at + 4)])
    pcd = at + len(e)
    struct.pack_into('<I', e, 42, struct.unpack_from('<I', e, 42)[0] + lfh)
    entries.append(bytes(e))
cd = b''.join(entries)
eocd = bytearray(outer[eocd_at:])
struct.pack_into('<HHII', eocd, 8, 3, 3, len(cd), cd_at)
write('nested-overlap.zip', outer[:cd_at] + cd + bytes(eocd))

# A member whose central size runs past the central directory: it is read
# and found short, and its claim does not hide the member after it.
two = bytearray(build([('a.reg', REG16, zipfile.ZIP_DEFLATED),
                       ('b.reg', REG16, zipfile.ZIP_DEFLATED)]))
struct.pack_into('<I', two, two.index(b'PK\x01\x02') + 20, 0x7FFFFFFF)
write('liar.zip', bytes(two))
