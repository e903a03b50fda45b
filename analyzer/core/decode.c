/*
 * Encoding detection and streaming conversion to UTF-8 (marsdiag/decode.h).
 * UTF-16 follows RFC 2781; UTF-8 validity follows RFC 3629 (no overlongs,
 * no surrogates, nothing above U+10FFFF).
 */
#include "marsdiag/decode.h"

#include <string.h>

const char *
md_encoding_str(enum md_encoding e)
{
    switch (e) {
    case MD_ENC_UTF8:
        return "utf-8";
    case MD_ENC_UTF16LE:
        return "utf-16le";
    case MD_ENC_UTF16BE:
        return "utf-16be";
    case MD_ENC_ANSI:
        return "ansi";
    case MD_ENC_BINARY:
        return "binary";
    }
    return "unknown";
}

/* Length of the valid UTF-8 sequence at s (1..4), 0 if invalid, or -1 if it
 * is a valid start cut off by the end of the buffer. */
static int
utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    int len;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    for (int i = 1; i < len; i++) {
        if ((size_t)i >= n)
            return -1;
        unsigned b = s[i];
        if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xBF))
            return 0;
    }
    return len;
}

size_t
md_utf8_valid_prefix(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        int l = utf8_seq(s + i, n - i);
        if (l <= 0)
            break;
        i += (size_t)l;
    }
    return i;
}

enum md_encoding
md_encoding_detect(const unsigned char *p, size_t n, size_t *bom_len)
{
    *bom_len = 0;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        *bom_len = 3;
        return MD_ENC_UTF8;
    }
    if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
        *bom_len = 2;
        return MD_ENC_UTF16LE;
    }
    if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
        *bom_len = 2;
        return MD_ENC_UTF16BE;
    }
    size_t pairs = n / 2, zero_even = 0, zero_odd = 0, nul = 0, ctl = 0;
    for (size_t i = 0; i < pairs * 2; i += 2) {
        zero_even += p[i] == 0;
        zero_odd += p[i + 1] == 0;
    }
    if (pairs >= 2) {
        /* Text in UTF-16 without a BOM: mostly ASCII, so one byte of each
         * pair is NUL. Demand a clear majority, and few NULs opposite. */
        if (zero_odd * 10 >= pairs * 6 && zero_even * 20 <= pairs)
            return MD_ENC_UTF16LE;
        if (zero_even * 10 >= pairs * 6 && zero_odd * 20 <= pairs)
            return MD_ENC_UTF16BE;
    }
    for (size_t i = 0; i < n; i++) {
        nul += p[i] == 0;
        ctl += p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r' &&
               p[i] != '\f' && p[i] != 0x1B;
    }
    if (nul || ctl * 20 > n)
        return MD_ENC_BINARY;
    size_t v = md_utf8_valid_prefix(p, n);
    if (v == n || (n - v < 4 && utf8_seq(p + v, n - v) < 0))
        return MD_ENC_UTF8;
    return MD_ENC_ANSI;
}

void
md_decoder_init(struct md_decoder *d, enum md_encoding enc)
{
    memset(d, 0, sizeof *d);
    d->enc = enc;
}

static size_t
put_utf8(unsigned char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | cp >> 6);
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | cp >> 12);
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | cp >> 18);
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* One UTF-16 code unit; pending high surrogates are kept in d->high. */
static size_t
put_unit(struct md_decoder *d, unsigned char *o, uint32_t u)
{
    size_t k = 0;
    if (d->high) {
        if (u >= 0xDC00 && u <= 0xDFFF) {
            uint32_t cp = 0x10000 + ((d->high - 0xD800) << 10) + (u - 0xDC00);
            d->high = 0;
            return put_utf8(o, cp);
        }
        d->high = 0;
        d->invalid++;
        k = put_utf8(o, 0xFFFD);
    }
    if (u >= 0xD800 && u <= 0xDBFF) {
        d->high = u;
        return k;
    }
    if (u >= 0xDC00 && u <= 0xDFFF) {
        d->invalid++;
        return k + put_utf8(o + k, 0xFFFD);
    }
    return k + put_utf8(o + k, u);
}

static enum md_status
decode_utf16(struct md_decoder *d, const unsigned char *in, size_t n,
             bool final, struct md_buf *out)
{
    bool le = d->enc == MD_ENC_UTF16LE;
    /* Worst case: 3 bytes per unit, plus a replaced pending surrogate. */
    enum md_status st = md_buf_grow(out, (n + 2) / 2 * 3 + 8);
    if (st != MD_OK)
        return st;
    unsigned char *o = (unsigned char *)out->ptr + out->len;
    size_t i = 0;
    if (d->ncarry && n) {
        uint32_t u = le ? (uint32_t)(d->carry[0] | in[0] << 8)
                        : (uint32_t)(d->carry[0] << 8 | in[0]);
        o += put_unit(d, o, u);
        d->ncarry = 0;
        i = 1;
    }
    for (;;) {
        /* ASCII fast path: four units at a time with no high bytes. */
        if (le && !d->high) {
            while (i + 8 <= n) {
                uint64_t x;
                memcpy(&x, in + i, 8);
                if (x & 0xFF80FF80FF80FF80ULL)
                    break;
                o[0] = in[i];
                o[1] = in[i + 2];
                o[2] = in[i + 4];
                o[3] = in[i + 6];
                o += 4;
                i += 8;
            }
        }
        /* Runs of other BMP characters (Japanese text) inline, without
         * the surrogate bookkeeping; an ASCII unit sends us back to the
         * fast path above, a surrogate to put_unit below. */
        bool ascii = false;
        while (i + 2 <= n && !d->high) {
            uint32_t u = le ? (uint32_t)(in[i] | in[i + 1] << 8)
                            : (uint32_t)(in[i] << 8 | in[i + 1]);
            if (u >= 0xD800 && u <= 0xDFFF)
                break;
            i += 2;
            if (u < 0x80) {
                *o++ = (unsigned char)u;
                ascii = true;
                break;
            }
            if (u < 0x800) {
                o[0] = (unsigned char)(0xC0 | u >> 6);
                o[1] = (unsigned char)(0x80 | (u & 0x3F));
                o += 2;
            } else {
                o[0] = (unsigned char)(0xE0 | u >> 12);
                o[1] = (unsigned char)(0x80 | ((u >> 6) & 0x3F));
                o[2] = (unsigned char)(0x80 | (u & 0x3F));
                o += 3;
            }
        }
        if (ascii)
            continue;
        if (i + 2 > n)
            break;
        uint32_t u = le ? (uint32_t)(in[i] | in[i + 1] << 8)
                        : (uint32_t)(in[i] << 8 | in[i + 1]);
        o += put_unit(d, o, u);
        i += 2;
    }
    if (i < n) {
        d->carry[0] = in[i];
        d->ncarry = 1;
    }
    if (final) {
        if (d->ncarry) {
            d->ncarry = 0;
            d->invalid++;
            o += put_utf8(o, 0xFFFD);
        }
        if (d->high) {
            d->high = 0;
            d->invalid++;
            o += put_utf8(o, 0xFFFD);
        }
    }
    out->len = (size_t)(o - (unsigned char *)out->ptr);
    out->ptr[out->len] = '\0';
    return MD_OK;
}

/* UTF-8 and 8-bit text pass through unchanged; UTF-8 is validated only to
 * count invalid sequences, with a cut sequence carried to the next call. */
static enum md_status
decode_bytes(struct md_decoder *d, const unsigned char *in, size_t n,
             bool final, struct md_buf *out)
{
    enum md_status st;
    if (d->enc != MD_ENC_UTF8)
        return md_buf_add(out, in, n);
    size_t i = 0;
    if (d->ncarry) {
        /* Complete the sequence cut at the end of the previous call. The
         * bytes pass through either way; only the count depends on it. */
        unsigned char tmp[4];
        size_t k = d->ncarry, used = 0;
        memcpy(tmp, d->carry, k);
        int l = -1;
        while (l == -1 && k < 4 && used < n) {
            tmp[k++] = in[used++];
            l = utf8_seq(tmp, k);
        }
        if (l == -1 && !final && k < 4) {
            memcpy(d->carry, tmp, k);
            d->ncarry = (unsigned)k;
            return MD_OK;
        }
        if ((st = md_buf_add(out, d->carry, d->ncarry)) != MD_OK)
            return st;
        d->ncarry = 0;
        if (l > 0)
            i = used; /* the sequence's tail is copied with the rest */
        else
            d->invalid++;
        if (l > 0 && (st = md_buf_add(out, in, used)) != MD_OK)
            return st;
    }
    size_t start = i;
    while (i < n) {
        /* ASCII runs, eight bytes at a time. */
        while (i + 8 <= n) {
            uint64_t x;
            memcpy(&x, in + i, 8);
            if (x & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        if (in[i] < 0x80) {
            i++;
            continue;
        }
        int l = utf8_seq(in + i, n - i);
        if (l > 0) {
            i += (size_t)l;
            continue;
        }
        if (l < 0 && !final) {
            if ((st = md_buf_add(out, in + start, i - start)) != MD_OK)
                return st;
            d->ncarry = (unsigned)(n - i);
            memcpy(d->carry, in + i, n - i);
            return MD_OK;
        }
        d->invalid++;
        i++;
    }
    return md_buf_add(out, in + start, n - start);
}

enum md_status
md_decode(struct md_decoder *d, const unsigned char *in, size_t n, bool final,
          struct md_buf *out)
{
    if (d->enc == MD_ENC_UTF16LE || d->enc == MD_ENC_UTF16BE)
        return decode_utf16(d, in, n, final, out);
    return decode_bytes(d, in, n, final, out);
}
