/*
 * libFuzzer target for the regquery parser: any bytes, as a file named
 * fuzz.txt, through the real pipeline (encoding detection, decoding, line
 * splitting) and parsers/regquery. Every record is read in full, so a dangling
 * or short string in a record shows up under ASan. Without libFuzzer it
 * replays its seed corpus tests/fuzz/corpus/regquery/ (tests/fuzz/replay.c).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "marsdiag/scan.h"
#include "parser.h"

extern const struct md_parser md_parser_regquery;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
touch(const char *s, size_t len)
{
    size_t sum = 0;
    for (size_t i = 0; s && i < len; i++)
        sum += (unsigned char)s[i];
    return sum;
}

static void
read_all(void *user, const struct md_evidence *ev)
{
    size_t *sum = user;
    *sum += touch(ev->kind, strlen(ev->kind));
    if (ev->key)
        *sum += touch(ev->key, strlen(ev->key));
    if (ev->name)
        *sum += touch(ev->name, strlen(ev->name));
    *sum += touch(ev->text, ev->text_len);
    for (size_t i = 0; i < ev->nfields; i++)
        if (ev->fields[i].type == MD_V_STR)
            *sum += touch(ev->fields[i].s, ev->fields[i].len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t sum = 0;
    struct md_scan_opts opts = {.on_evidence = read_all, .user = &sum};
    md_limits_default(&opts.limits);
    /* Small enough that the fuzzer reaches the caps. */
    opts.limits.line_bytes = 2048;
    opts.limits.reg_value_bytes = 64;
    opts.limits.reg_key_depth = 8;
    struct md_bundle b;
    md_bundle_init(&b, "fuzz");
    md_parse_memory(&b, &md_parser_regquery, "fuzz.txt", data, size, 0, &opts);
    md_bundle_free(&b);
    return 0;
}
