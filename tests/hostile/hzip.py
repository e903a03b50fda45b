"""Byte-exact zip and gzip writing for the hostile corpus (make.py).

Python's zipfile refuses to write what a hostile archive needs (sizes
that lie, central entries sharing one local header, encrypted flags
without encryption, unknown methods), so archives are assembled here
from the records of PKWARE's APPNOTE 6.3.10 (4.3.7 local header, 4.3.12
central header, 4.3.16 end record, 4.3.14-15 zip64 end record and
locator, 4.5.3 zip64 extra field) and RFC 1952 (gzip).

Bombs are never materialised: a deflate stream of N repeats of a chunk
is the chunk's compressed form repeated N times (each piece ends with a
full flush, so it depends on nothing before it), and the CRC-32 of the
repeats is computed with zlib's crc32_combine algorithm (GF(2)
matrices), so a 4 GiB member costs microseconds to describe.
"""
import struct
import zlib

DOS_TIME = (9 << 11) | (15 << 5)                   # 09:15:00
DOS_DATE = ((2026 - 1980) << 9) | (11 << 5) | 28   # 2026-11-28


# ---- CRC-32 of repeated data (zlib crc32.c, crc32_combine) --------------

def _gf2_times(mat, vec):
    s = 0
    i = 0
    while vec:
        if vec & 1:
            s ^= mat[i]
        vec >>= 1
        i += 1
    return s


def _gf2_square(mat):
    return [_gf2_times(mat, mat[n]) for n in range(32)]


def crc32_combine(crc1, crc2, len2):
    """CRC-32 of A+B from crc(A), crc(B) and len(B)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]  # one zero bit
    even = _gf2_square(odd)                              # two zero bits
    odd = _gf2_square(even)                              # four zero bits
    while True:
        even = _gf2_square(odd)
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = _gf2_square(even)
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


def crc32_repeat(chunk, n):
    """CRC-32 of chunk * n, by doubling."""
    crc, total = 0, 0          # of the part built so far
    p_crc, p_len = zlib.crc32(chunk), len(chunk)   # of chunk * 2^k
    while n:
        if n & 1:
            crc = crc32_combine(crc, p_crc, p_len)
            total += p_len
        n >>= 1
        if n:
            p_crc = crc32_combine(p_crc, p_crc, p_len)
            p_len *= 2
    return crc


# ---- deflate ------------------------------------------------------------

def deflate(data, level=9):
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


class Stream:
    """A raw deflate stream built from independent pieces: text once,
    or a chunk repeated, each piece ending on a full flush."""

    def __init__(self):
        self.parts = []      # compressed bytes (lists of repeated pieces)
        self.usize = 0
        self.crc = 0

    def _piece(self, data):
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        return c.compress(data) + c.flush(zlib.Z_FULL_FLUSH)

    def text(self, data):
        self.parts.append(self._piece(data))
        self.crc = zlib.crc32(data, self.crc)
        self.usize += len(data)
        return self

    def repeat(self, chunk, n):
        piece = self._piece(chunk)
        self.parts.append(piece * n)
        self.crc = crc32_combine(self.crc, crc32_repeat(chunk, n),
                                 len(chunk) * n)
        self.usize += len(chunk) * n
        return self

    def finish(self):
        """(compressed bytes, crc, uncompressed size)."""
        return b''.join(self.parts) + b'\x03\x00', self.crc, self.usize


# ---- zip ----------------------------------------------------------------

class Member:
    """One member as it will be written. data is what follows the local
    header (compressed, or whatever bytes a case wants there); crc, csize
    and usize are what the headers claim (defaults: the truth for a
    stored or deflated payload)."""

    def __init__(self, name, payload=b'', method=8, data=None, crc=None,
                 csize=None, usize=None, flags=0, extra=b'',
                 central_extra=None, local_name=None, zip64=False):
        if isinstance(name, str):
            name = name.encode('utf-8')
        self.name = name
        self.local_name = local_name if local_name is not None else name
        self.method = method
        if data is None:
            data = deflate(payload) if method == 8 else payload
        self.data = data
        self.crc = zlib.crc32(payload) if crc is None else crc
        self.csize = len(data) if csize is None else csize
        self.usize = len(payload) if usize is None else usize
        self.flags = flags | (0x800 if _utf8(name) else 0)
        self.extra = extra
        self.central_extra = extra if central_extra is None else central_extra
        self.zip64 = zip64
        self.offset = None   # set by build()


def _utf8(name):
    try:
        name.decode('ascii')
        return False
    except UnicodeDecodeError:
        return True


def zip64_extra(usize, csize, offset=None):
    body = struct.pack('<QQ', usize, csize)
    if offset is not None:
        body += struct.pack('<Q', offset)
    return struct.pack('<HH', 1, len(body)) + body


def local_header(m):
    csize, usize, extra = m.csize, m.usize, m.extra
    if m.zip64:
        extra = zip64_extra(usize, csize) + extra
        csize = usize = 0xFFFFFFFF
    return struct.pack('<IHHHHHIIIHH', 0x04034b50, 45 if m.zip64 else 20,
                       m.flags, m.method, DOS_TIME, DOS_DATE, m.crc,
                       csize & 0xFFFFFFFF, usize & 0xFFFFFFFF,
                       len(m.local_name), len(extra)) + m.local_name + extra


def central_header(m, offset=None):
    off = m.offset if offset is None else offset
    csize, usize, extra = m.csize, m.usize, m.central_extra
    if m.zip64:
        extra = zip64_extra(usize, csize, off) + extra
        csize = usize = off = 0xFFFFFFFF
    return struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 45, 45 if m.zip64
                       else 20, m.flags, m.method, DOS_TIME, DOS_DATE, m.crc,
                       csize & 0xFFFFFFFF, usize & 0xFFFFFFFF, len(m.name),
                       len(extra), 0, 0, 0, 0o644 << 16,
                       off & 0xFFFFFFFF) + m.name + extra


def end_records(n, cd_off, cd_size, zip64=False):
    out = b''
    if zip64:
        e64_off = cd_off + cd_size
        out += struct.pack('<IQHHIIQQQQ', 0x06064b50, 44, 45, 45, 0, 0, n, n,
                           cd_size, cd_off)
        out += struct.pack('<IIQI', 0x07064b50, 0, e64_off, 1)
        n16, size32, off32 = 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF
    else:
        n16, size32, off32 = n, cd_size, cd_off
    return out + struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, n16, n16,
                             size32, off32, 0)


def build(members, central=None, zip64_end=False):
    """The archive: local headers and data in order, then the central
    directory (central: a list of (member, offset) to write instead of one
    entry per member, for overlapping entries), then the end records."""
    out = bytearray()
    for m in members:
        m.offset = len(out)
        out += local_header(m) + m.data
    cd_off = len(out)
    entries = central if central is not None else [(m, None) for m in
                                                   members]
    for m, off in entries:
        out += central_header(m, off)
    out += end_records(len(entries), cd_off, len(out) - cd_off, zip64_end)
    return bytes(out)


# ---- gzip ---------------------------------------------------------------

def gzip_wrap(data, crc, usize, name=None):
    """One gzip member around raw deflate data (RFC 1952)."""
    flg = 0x08 if name else 0
    head = struct.pack('<BBBBIBB', 0x1F, 0x8B, 8, flg, 0, 2, 255)
    if name:
        head += name.encode('latin-1') + b'\0'
    return head + data + struct.pack('<II', crc, usize & 0xFFFFFFFF)


def gzip_bytes(payload, name=None):
    return gzip_wrap(deflate(payload), zlib.crc32(payload), len(payload),
                     name)
