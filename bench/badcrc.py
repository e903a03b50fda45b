#!/usr/bin/env python3
"""Copy of a gen.py bundle whose CBEngineCurr.errlog has a wrong CRC-32.

  badcrc.py BUNDLE.zip OUT.zip

The CRC stored in the inner Logs.ZIP (local header and central directory)
is off by one bit; the data is intact, so only a reader that computes the
CRC notices. bench/run.sh checks that marsdiag reports "crc mismatch".
"""
import io
import struct
import sys
import zipfile

src, dst = sys.argv[1:3]
z = zipfile.ZipFile(src)
inner = bytearray(z.read('Logs.ZIP'))
info = zipfile.ZipFile(io.BytesIO(bytes(inner))).getinfo('Logs/Temp/CBEngineCurr.errlog')
bad = struct.pack('<I', info.CRC ^ 1)
inner[info.header_offset + 14:info.header_offset + 18] = bad
name, pos = info.filename.encode(), 0
while True:
    pos = inner.find(b'PK\x01\x02', pos + 1)
    if inner[pos + 46:pos + 46 + len(name)] == name:
        inner[pos + 16:pos + 20] = bad
        break
with zipfile.ZipFile(dst, 'w', zipfile.ZIP_DEFLATED) as out:
    out.writestr(z.getinfo('Trace.txt'), z.read('Trace.txt'))
    out.writestr(z.getinfo('Logs.ZIP'), bytes(inner))
