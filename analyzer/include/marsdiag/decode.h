/*
 * Text decoding at one boundary: whatever the encoding of a file, parsers
 * see UTF-8.
 *
 * md_encoding_detect() looks at the first bytes: a BOM (UTF-8, UTF-16LE,
 * UTF-16BE), else the NUL pattern of UTF-16 text without a BOM, else valid
 * UTF-8 (pure ASCII included), else an 8-bit legacy code page ("ansi"),
 * else binary. The decoder is a streaming state machine: input may be cut
 * anywhere, even inside a UTF-16 surrogate pair. Invalid sequences are
 * never a reason to drop text: invalid UTF-8 and ANSI bytes are kept as
 * they are (writers escape them as \xNN), an unpaired UTF-16 surrogate
 * becomes U+FFFD; both are counted in invalid.
 */
#ifndef MARSDIAG_DECODE_H
#define MARSDIAG_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "marsdiag/buf.h"

enum md_encoding {
    MD_ENC_UTF8 = 0,
    MD_ENC_UTF16LE,
    MD_ENC_UTF16BE,
    MD_ENC_ANSI,
    MD_ENC_BINARY,
};

/* "utf-8", "utf-16le", "utf-16be", "ansi", "binary". */
const char *md_encoding_str(enum md_encoding e);

/* Guess the encoding of a text from its first n bytes; *bom_len gets the
 * length of a byte order mark to skip (0 when none). */
enum md_encoding md_encoding_detect(const unsigned char *p, size_t n,
                                    size_t *bom_len);

struct md_decoder {
    enum md_encoding enc;
    unsigned char carry[4]; /* bytes of an incomplete unit */
    unsigned ncarry;
    uint32_t high;    /* pending UTF-16 high surrogate, or 0 */
    uint64_t invalid; /* invalid sequences seen */
};

void md_decoder_init(struct md_decoder *d, enum md_encoding enc);

/*
 * Append the UTF-8 form of in[0..n) to out. With final set, an incomplete
 * unit at the end is flushed (as U+FFFD for UTF-16). Only fails when out
 * cannot grow (MD_ERR_NOMEM or MD_ERR_LIMIT).
 */
enum md_status md_decode(struct md_decoder *d, const unsigned char *in,
                         size_t n, bool final, struct md_buf *out);

/* Length of the longest prefix of s that is valid UTF-8 and does not end in
 * the middle of a sequence. */
size_t md_utf8_valid_prefix(const unsigned char *s, size_t n);

#endif
