/*
 * HMAC-SHA-256 (RFC 2104, with SHA-256 of FIPS 180-4), for keyed
 * pseudonyms (redact.h): a name's pseudonym is a prefix of its MAC under
 * the run's key, so runs and machines that share the key agree, and
 * without the key a pseudonym cannot be turned back into the name.
 *
 * The key's two padded blocks are hashed once, in md_hmac_init; each MAC
 * then costs the message's blocks and one more. An initialised struct
 * md_hmac is read-only afterwards and may be shared between threads.
 */
#ifndef MARSDIAG_HMAC_H
#define MARSDIAG_HMAC_H

#include <stddef.h>

#include "marsdiag/sha256.h"

#define MD_HMAC_LEN 32

struct md_hmac {
    struct md_sha256 inner; /* after the key XOR ipad block */
    struct md_sha256 outer; /* after the key XOR opad block */
};

/* Prepare h for key[0..keylen) (any length; longer than a block is
 * hashed first, as RFC 2104 says). */
void md_hmac_init(struct md_hmac *h, const void *key, size_t keylen);

/* The MAC of msg[0..len) under h's key. h is not changed. */
void md_hmac_mac(const struct md_hmac *h, const void *msg, size_t len,
                 unsigned char out[MD_HMAC_LEN]);

/* Both in one call. */
void md_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t len,
                    unsigned char out[MD_HMAC_LEN]);

/* Forget the key: h's bytes are overwritten. */
void md_hmac_wipe(struct md_hmac *h);

#endif
