/*
 * Decoders for the binary proxy blobs Windows keeps in the registry:
 * WinINet's DefaultConnectionSettings / SavedLegacySettings (domain-
 * reference §3.3) and WinHTTP's WinHttpSettings (§4.2).
 *
 * Pure functions on bytes, shared by the reg and regquery parsers. Every
 * length read from a blob is checked against the bytes that are there; a
 * blob that is too short or whose lengths point past its end is refused
 * with MD_ERR_TRUNCATED and a static reason, never read out of bounds.
 * Strings in the result borrow the blob (single-byte ANSI, not
 * NUL-terminated). Thread safe.
 */
#ifndef MARSDIAG_REGBLOB_H
#define MARSDIAG_REGBLOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "marsdiag/status.h"

/* INTERNET_PER_CONN_FLAGS bits. */
#define MD_WININET_DIRECT 0x01u
#define MD_WININET_MANUAL 0x02u
#define MD_WININET_PAC 0x04u
#define MD_WININET_AUTODETECT 0x08u

struct md_blob_str {
    const unsigned char *ptr; /* into the blob */
    size_t len;
};

struct md_wininet_conn {
    uint32_t version; /* 0x3C (IE6) or 0x46 (IE7 and later) */
    uint32_t counter; /* bumped on every change */
    uint32_t flags;   /* MD_WININET_* */
    struct md_blob_str proxy, bypass, pac;
    bool known_version;
};

struct md_winhttp_conn {
    uint32_t version; /* 0x18 (as shipped) or 0x28 (written by netsh) */
    uint32_t flags;   /* 0x01 direct, 0x03 named proxy */
    struct md_blob_str proxy, bypass;
    bool direct; /* no named proxy (flag 0x02 clear) */
    bool known_version;
};

/* Decode a DefaultConnectionSettings / SavedLegacySettings blob. Returns
 * MD_OK, or MD_ERR_TRUNCATED with *why set. The trailing bytes after the
 * PAC URL are not needed and may be missing. */
enum md_status md_regblob_wininet(const unsigned char *p, size_t n,
                                  struct md_wininet_conn *out,
                                  const char **why);

/* Decode a WinHttpSettings blob; same contract. */
enum md_status md_regblob_winhttp(const unsigned char *p, size_t n,
                                  struct md_winhttp_conn *out,
                                  const char **why);

#endif
