/* Encoding detection and streaming decoding (analyzer/core/decode.c). */
#include <stdlib.h>

#include "marsdiag/decode.h"
#include "testutil.h"

static enum md_encoding
detect(const void *p, size_t n, size_t *bom)
{
    return md_encoding_detect(p, n, bom);
}

static void
test_detect(void)
{
    size_t bom;
    CHECK_INT(detect("\xEF\xBB\xBFhi", 5, &bom), MD_ENC_UTF8);
    CHECK_INT(bom, 3);
    CHECK_INT(detect("\xFF\xFEh\0i\0", 6, &bom), MD_ENC_UTF16LE);
    CHECK_INT(bom, 2);
    CHECK_INT(detect("\xFE\xFF\0h\0i", 6, &bom), MD_ENC_UTF16BE);
    CHECK_INT(detect("h\0e\0l\0l\0o\0", 10, &bom), MD_ENC_UTF16LE);
    CHECK_INT(bom, 0);
    CHECK_INT(detect("\0h\0e\0l\0l\0o", 10, &bom), MD_ENC_UTF16BE);
    CHECK_INT(detect("plain ascii\r\n", 13, &bom), MD_ENC_UTF8);
    CHECK_INT(detect("caf\xC3\xA9", 5, &bom), MD_ENC_UTF8);
    /* A UTF-8 sequence cut by the end of the head is still UTF-8. */
    CHECK_INT(detect("caf\xC3", 4, &bom), MD_ENC_UTF8);
    CHECK_INT(detect("caf\xE9 au lait", 12, &bom), MD_ENC_ANSI);
    CHECK_INT(detect("\x83v\x83\x8D\x83L\x83V", 8, &bom), MD_ENC_ANSI);
    CHECK_INT(detect("MZ\x90\0\x03\0\0\0\x04\0", 10, &bom), MD_ENC_BINARY);
    CHECK_INT(detect("", 0, &bom), MD_ENC_UTF8);
}

/* Decode in every possible split into two chunks; all must agree. */
static void
check_splits(enum md_encoding enc, const unsigned char *in, size_t n,
             const char *want, uint64_t want_invalid)
{
    for (size_t cut = 0; cut <= n; cut++) {
        struct md_decoder d;
        struct md_buf out = MD_BUF_INIT(0);
        md_decoder_init(&d, enc);
        CHECK_INT(md_decode(&d, in, cut, false, &out), MD_OK);
        CHECK_INT(md_decode(&d, in + cut, n - cut, true, &out), MD_OK);
        if (strlen(want) != out.len || memcmp(out.ptr, want, out.len) != 0) {
            fprintf(stderr, "split at %zu: got '%.*s'\n", cut, (int)out.len,
                    out.ptr ? out.ptr : "");
            md_test_failures++;
        }
        CHECK_INT(d.invalid, want_invalid);
        md_buf_free(&out);
    }
}

static void
test_utf16(void)
{
    const char *text = "Proxy: プロキシ サーバー 😀 done\r\n";
    size_t n;
    unsigned char *le = tu_utf16le(text, &n, false);
    check_splits(MD_ENC_UTF16LE, le, n, text, 0);
    /* Big endian: swap the bytes of each unit. */
    for (size_t i = 0; i + 1 < n; i += 2) {
        unsigned char t = le[i];
        le[i] = le[i + 1];
        le[i + 1] = t;
    }
    check_splits(MD_ENC_UTF16BE, le, n, text, 0);
    free(le);
    /* Lone surrogates and an odd final byte become U+FFFD, counted. */
    const unsigned char bad[] = {'a', 0, 0x00, 0xD8, 'b', 0, 0x00, 0xDC, 'c'};
    check_splits(MD_ENC_UTF16LE, bad, sizeof bad,
                 "a\xEF\xBF\xBD" "b\xEF\xBF\xBD\xEF\xBF\xBD", 3);
}

static void
test_utf8_kept(void)
{
    /* Valid text and invalid bytes both pass through unchanged. */
    const char *t = "ok \xC3\xA9 bad \xFF\xC3 end \xE2\x82\xAC";
    check_splits(MD_ENC_UTF8, (const unsigned char *)t, strlen(t), t, 2);
    const char *ansi = "caf\xE9";
    check_splits(MD_ENC_ANSI, (const unsigned char *)ansi, 4, ansi, 0);
}

static void
test_fast_path_long(void)
{
    /* Long ASCII runs take the 8-byte path; a non-ASCII unit inside one
     * must still come out right. */
    char text[1000];
    for (size_t i = 0; i < sizeof text - 1; i++)
        text[i] = (char)('a' + i % 26);
    text[sizeof text - 1] = '\0';
    char with[1010];
    snprintf(with, sizeof with, "%.500s\xC3\xA9%s", text, text + 500);
    size_t n;
    unsigned char *le = tu_utf16le(with, &n, false);
    struct md_decoder d;
    struct md_buf out = MD_BUF_INIT(0);
    md_decoder_init(&d, MD_ENC_UTF16LE);
    md_decode(&d, le, n, true, &out);
    CHECK_STR(out.ptr, with);
    md_buf_free(&out);
    free(le);
}

static void
test_limit(void)
{
    struct md_decoder d;
    struct md_buf out = MD_BUF_INIT(8);
    md_decoder_init(&d, MD_ENC_UTF8);
    CHECK_INT(md_decode(&d, (const unsigned char *)"0123456789", 10, true,
                        &out),
              MD_ERR_LIMIT);
    md_buf_free(&out);
}

int
main(void)
{
    static const struct tu_test tests[] = {
        TU_TEST(test_detect), TU_TEST(test_utf16), TU_TEST(test_utf8_kept),
        TU_TEST(test_fast_path_long), TU_TEST(test_limit),
    };
    return tu_main(tests, sizeof tests / sizeof tests[0]);
}
