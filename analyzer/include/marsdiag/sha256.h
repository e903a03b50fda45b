/*
 * SHA-256 (FIPS 180-4), for the report's input digest. A few dozen lines
 * here beat a crypto library dependency for one hash of one file.
 */
#ifndef MARSDIAG_SHA256_H
#define MARSDIAG_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct md_sha256 {
    uint32_t h[8];
    int portable; /* set to 1 to force the portable code (tests) */
    uint64_t len;
    unsigned char blk[64];
    size_t nblk;
};

void md_sha256_init(struct md_sha256 *s);
void md_sha256_update(struct md_sha256 *s, const void *p, size_t n);
void md_sha256_final(struct md_sha256 *s, unsigned char out[32]);

#endif
