/*
 * HMAC-SHA-256 (hmac.h) against the seven test vectors of RFC 4231
 * section 4, and the keyed pseudonyms built on it (redact.h): each kind's
 * shape, case folding, agreement between redactors that share a key
 * whatever they learnt and in what order, a different key giving other
 * names, and the key and path ids. The expected digits were computed
 * with Python's hmac module, independently of this code:
 *   hmac.new(b'marsdiag test key', VALUE, hashlib.sha256).hexdigest()[:10]
 */
#include <stdlib.h>
#include <string.h>

#include "marsdiag/hmac.h"
#include "marsdiag/redact.h"
#include "testutil.h"

static const char *
hex(const unsigned char *b, size_t n)
{
    static char out[2 * MD_HMAC_LEN + 1];
    for (size_t i = 0; i < n; i++)
        snprintf(out + 2 * i, 3, "%02x", b[i]);
    return out;
}

static void
fill(unsigned char *b, unsigned char c, size_t n)
{
    memset(b, c, n);
}

static const char *
mac_hex(const void *key, size_t keylen, const void *msg, size_t len)
{
    unsigned char out[MD_HMAC_LEN];
    md_hmac_sha256(key, keylen, msg, len, out);
    return hex(out, sizeof out);
}

static void
test_rfc4231(void)
{
    unsigned char key[131], data[50];
    /* 4.2: a 20-byte key */
    fill(key, 0x0b, 20);
    CHECK_STR(
        mac_hex(key, 20, "Hi There", 8),
        "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    /* 4.3: a key shorter than the output */
    CHECK_STR(
        mac_hex("Jefe", 4, "what do ya want for nothing?", 28),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    /* 4.4: 50 bytes of 0xdd */
    fill(key, 0xaa, 20);
    fill(data, 0xdd, 50);
    CHECK_STR(
        mac_hex(key, 20, data, 50),
        "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    /* 4.5: a 25-byte key 01..19 */
    for (int i = 0; i < 25; i++)
        key[i] = (unsigned char)(i + 1);
    fill(data, 0xcd, 50);
    CHECK_STR(
        mac_hex(key, 25, data, 50),
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    /* 4.6: truncated to 128 bits */
    fill(key, 0x0c, 20);
    CHECK(strncmp(mac_hex(key, 20, "Test With Truncation", 20),
                  "a3b6167473100ee06e0c796c2955552b", 32) == 0);
    /* 4.7 and 4.8: a key longer than a block is hashed first */
    fill(key, 0xaa, 131);
    const char *m7 = "Test Using Larger Than Block-Size Key - Hash Key First";
    CHECK_STR(
        mac_hex(key, 131, m7, strlen(m7)),
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    const char *m8 = "This is a test using a larger than block-size key and "
                     "a larger than block-size data. The key needs to be "
                     "hashed before being used by the HMAC algorithm.";
    CHECK_STR(
        mac_hex(key, 131, m8, strlen(m8)),
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
    /* A prepared key gives the same MAC as the one-call form, and again
     * after another message (the state is not consumed). */
    struct md_hmac h;
    unsigned char out[MD_HMAC_LEN];
    md_hmac_init(&h, "Jefe", 4);
    md_hmac_mac(&h, "x", 1, out);
    md_hmac_mac(&h, "what do ya want for nothing?", 28, out);
    CHECK_STR(
        hex(out, sizeof out),
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    md_hmac_wipe(&h);
}

#define KEY "marsdiag test key"

static const char *
keyed(enum md_redact_kind k, const char *v)
{
    static char out[MD_REDACT_NAME_MAX];
    struct md_hmac h;
    md_hmac_init(&h, KEY, strlen(KEY));
    md_redact_keyed(&h, k, v, strlen(v), out);
    md_hmac_wipe(&h);
    return out;
}

static void
test_pseudonym(void)
{
    CHECK_STR(keyed(MD_REDACT_HOST, "proxy.contoso.local"),
              "host-c640387cab.example");
    /* Case does not matter: the value is folded first. */
    CHECK_STR(keyed(MD_REDACT_HOST, "PROXY.Contoso.LOCAL"),
              "host-c640387cab.example");
    CHECK_STR(keyed(MD_REDACT_HOST, "FS01"), "host-8d29a74dd6.example");
    CHECK_STR(keyed(MD_REDACT_IPV4, "10.0.0.5"), "ip-f5ef8237f6");
    CHECK_STR(keyed(MD_REDACT_IPV6, "fe80::1"), "2001:db8::4c:e1fc:6c4e");
    CHECK_STR(keyed(MD_REDACT_USER, "jdoe"), "user-8edf8bb0c2");
    /* One MAC per value: the same digits whatever the kind. */
    CHECK_STR(keyed(MD_REDACT_DOMAIN, "CONTOSO"), "domain-cb4b1cfae2");
    CHECK_STR(keyed(MD_REDACT_HOST, "contoso"), "host-cb4b1cfae2.example");
    /* f6a39d32fa: 0xf6a39 and 0xd32fa */
    CHECK_STR(keyed(MD_REDACT_SID, "S-1-5-21-1-2-3-1104"),
              "S-1-5-21-0-0-1010233-865018");
}

/* Apply r to s; the result lives until the next call. */
static const char *
red(const struct md_redactor *r, const char *s)
{
    static char *last;
    free(last);
    last = md_redactor_apply(r, s, strlen(s), NULL);
    return last ? last : "(nomem)";
}

static struct md_redactor *
keyed_learnt(const char *key, const char *text)
{
    struct md_redactor *r = md_redactor_new_keyed(key, strlen(key));
    struct md_evidence ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = "log.record";
    ev.text = text;
    ev.text_len = strlen(text);
    CHECK(r != NULL);
    if (r)
        CHECK_INT(md_redactor_add_evidence(r, &ev), MD_OK);
    return r;
}

static void
test_keyed_redactor(void)
{
    /* Two redactors, as two shards would have: each learnt from its own
     * bundle, in its own order. A value they share gets one pseudonym. */
    struct md_redactor *a = keyed_learnt(
        KEY, "Machine: FS01 proxy proxy.contoso.local from 10.20.30.40");
    struct md_redactor *b = keyed_learnt(
        KEY, "via http://jdoe@gw.corp.fabrikam.org then proxy.contoso.local");
    CHECK_STR(red(a, "proxy.contoso.local:8080"),
              "host-c640387cab.example:8080");
    CHECK_STR(red(b, "proxy.contoso.local:8080"),
              "host-c640387cab.example:8080");
    CHECK_STR(red(a, "Machine: FS01 at 10.20.30.40"),
              "Machine: host-8d29a74dd6.example at ip-90efc2fb16");
    /* A value a never learnt but finds by its shape: its real keyed
     * pseudonym, not a placeholder, so it still agrees with b. */
    CHECK_STR(red(a, "gw.corp.fabrikam.org"), "host-cdf5fe883c.example");
    CHECK_STR(red(b, "gw.corp.fabrikam.org"), "host-cdf5fe883c.example");
    /* A known dotless name is found only where it was learnt. */
    CHECK_STR(red(a, "files FS01"), "files host-8d29a74dd6.example");
    CHECK_STR(red(b, "files FS01"), "files FS01");
    /* Passwords are masked as always. */
    CHECK_STR(red(b, "http://jdoe:Hunter2x@gw.corp.fabrikam.org"),
              "http://user-8edf8bb0c2:********@host-cdf5fe883c.example");
    /* The key id: the same for the same key, another for another key,
     * none for a numbering redactor. */
    struct md_redactor *c = keyed_learnt("another key", "proxy.contoso.local");
    struct md_redactor *n = md_redactor_new();
    CHECK_STR(md_redactor_key_id(a), "e3055dad34");
    CHECK_STR(md_redactor_key_id(b), md_redactor_key_id(a));
    CHECK(strcmp(md_redactor_key_id(c), md_redactor_key_id(a)) != 0);
    CHECK(md_redactor_key_id(n) == NULL);
    CHECK(md_redactor_key_id(NULL) == NULL);
    CHECK_STR(red(c, "proxy.contoso.local"), "host-40b1580936.example");
    /* The path id: exact bytes, 16 digits, HMAC(key, "path " PATH). */
    char id[17];
    CHECK(md_redactor_path_id(a, "/cases/FS01_MARS_20261128.zip", id));
    CHECK_STR(id, "dae6ab8a8667c734");
    CHECK(md_redactor_path_id(b, "/cases/fs01_MARS_20261128.zip", id));
    CHECK(strcmp(id, "dae6ab8a8667c734") != 0);
    CHECK(!md_redactor_path_id(n, "/cases/FS01_MARS_20261128.zip", id));
    CHECK_STR(id, "");
    md_redactor_free(a);
    md_redactor_free(b);
    md_redactor_free(c);
    md_redactor_free(n);
}

int
main(void)
{
    static const struct tu_test tests[] = {
        TU_TEST(test_rfc4231),
        TU_TEST(test_pseudonym),
        TU_TEST(test_keyed_redactor),
    };
    return tu_main(tests, sizeof tests / sizeof tests[0]);
}
