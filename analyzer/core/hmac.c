/*
 * HMAC-SHA-256 (marsdiag/hmac.h), as RFC 2104 defines it:
 * H((K ^ opad) || H((K ^ ipad) || msg)), K padded to SHA-256's 64-byte
 * block (hashed first when longer). Checked against the test vectors of
 * RFC 4231 (tests/unit/test_hmac.c).
 */
#include "marsdiag/hmac.h"

#include <string.h>

#define BLOCK 64

void
md_hmac_init(struct md_hmac *h, const void *key, size_t keylen)
{
    unsigned char k[BLOCK] = {0}, pad[BLOCK];
    if (keylen > BLOCK) {
        struct md_sha256 s;
        md_sha256_init(&s);
        md_sha256_update(&s, key, keylen);
        md_sha256_final(&s, k);
    } else if (keylen) {
        memcpy(k, key, keylen);
    }
    for (size_t i = 0; i < BLOCK; i++)
        pad[i] = k[i] ^ 0x36;
    md_sha256_init(&h->inner);
    md_sha256_update(&h->inner, pad, BLOCK);
    for (size_t i = 0; i < BLOCK; i++)
        pad[i] = k[i] ^ 0x5c;
    md_sha256_init(&h->outer);
    md_sha256_update(&h->outer, pad, BLOCK);
    /* The key stays only in the hashed states. */
    memset(k, 0, sizeof k);
    memset(pad, 0, sizeof pad);
}

void
md_hmac_mac(const struct md_hmac *h, const void *msg, size_t len,
            unsigned char out[MD_HMAC_LEN])
{
    unsigned char inner[MD_HMAC_LEN];
    struct md_sha256 s = h->inner;
    md_sha256_update(&s, msg, len);
    md_sha256_final(&s, inner);
    s = h->outer;
    md_sha256_update(&s, inner, sizeof inner);
    md_sha256_final(&s, out);
}

void
md_hmac_sha256(const void *key, size_t keylen, const void *msg, size_t len,
               unsigned char out[MD_HMAC_LEN])
{
    struct md_hmac h;
    md_hmac_init(&h, key, keylen);
    md_hmac_mac(&h, msg, len, out);
    md_hmac_wipe(&h);
}

void
md_hmac_wipe(struct md_hmac *h)
{
    /* volatile, so that the compiler does not drop a store to memory
     * about to be freed */
    volatile unsigned char *p = (volatile unsigned char *)h;
    for (size_t i = 0; i < sizeof *h; i++)
        p[i] = 0;
}
