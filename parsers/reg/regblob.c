/*
 * WinINet and WinHTTP proxy blob decoders (regblob.h). Layouts from
 * domain-reference §3.3 (DefaultConnectionSettings: version, counter,
 * flags, then three length-prefixed strings) and §4.2 (WinHttpSettings:
 * version, reserved, flags, then two length-prefixed strings), both
 * little-endian.
 */
#include "regblob.h"

#include <string.h>

static uint32_t
le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

/* Read a DWORD length and that many bytes at *off; false when either runs
 * past n (a truncated blob or a lying length). */
static bool
take_str(const unsigned char *p, size_t n, size_t *off, struct md_blob_str *s)
{
    if (n - *off < 4)
        return false;
    uint32_t len = le32(p + *off);
    *off += 4;
    if (len > n - *off)
        return false;
    s->ptr = p + *off;
    s->len = len;
    *off += len;
    return true;
}

enum md_status
md_regblob_wininet(const unsigned char *p, size_t n,
                   struct md_wininet_conn *out, const char **why)
{
    memset(out, 0, sizeof *out);
    if (n < 12) {
        *why = "blob shorter than its 12-byte header";
        return MD_ERR_TRUNCATED;
    }
    out->version = le32(p);
    out->counter = le32(p + 4);
    out->flags = le32(p + 8);
    out->known_version = out->version == 0x3C || out->version == 0x46;
    size_t off = 12;
    if (!take_str(p, n, &off, &out->proxy)) {
        *why = "proxy server length runs past the end of the blob";
        return MD_ERR_TRUNCATED;
    }
    if (!take_str(p, n, &off, &out->bypass)) {
        *why = "bypass list length runs past the end of the blob";
        return MD_ERR_TRUNCATED;
    }
    if (!take_str(p, n, &off, &out->pac)) {
        *why = "PAC URL length runs past the end of the blob";
        return MD_ERR_TRUNCATED;
    }
    return MD_OK;
}

enum md_status
md_regblob_winhttp(const unsigned char *p, size_t n,
                   struct md_winhttp_conn *out, const char **why)
{
    memset(out, 0, sizeof *out);
    if (n < 12) {
        *why = "blob shorter than its 12-byte header";
        return MD_ERR_TRUNCATED;
    }
    out->version = le32(p);
    out->flags = le32(p + 8);
    out->known_version = out->version == 0x18 || out->version == 0x28;
    size_t off = 12;
    if (!take_str(p, n, &off, &out->proxy)) {
        *why = "proxy server length runs past the end of the blob";
        return MD_ERR_TRUNCATED;
    }
    if (!take_str(p, n, &off, &out->bypass)) {
        *why = "bypass list length runs past the end of the blob";
        return MD_ERR_TRUNCATED;
    }
    out->direct = !(out->flags & 0x02u);
    return MD_OK;
}
