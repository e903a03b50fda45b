/*
 * The harness every parser's fuzz target shares: any bytes, as a file of
 * the given name, through the real pipeline (encoding detection, decoding,
 * line splitting or chunks) and one parser, with limits small enough for
 * the fuzzer to reach them. Every byte of every record is read, so a
 * dangling or short string in a record shows up under ASan. Without
 * libFuzzer a target replays its seed corpus (replay.c).
 */
#ifndef MARSDIAG_FUZZ_PARSER_H
#define MARSDIAG_FUZZ_PARSER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "marsdiag/scan.h"
#include "parser.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t
fuzz_touch(const char *s, size_t len)
{
    size_t sum = 0;
    for (size_t i = 0; s && i < len; i++)
        sum += (unsigned char)s[i];
    return sum;
}

static void
fuzz_read_all(void *user, const struct md_evidence *ev)
{
    size_t *sum = user;
    *sum += fuzz_touch(ev->kind, strlen(ev->kind));
    if (ev->key)
        *sum += fuzz_touch(ev->key, strlen(ev->key));
    if (ev->name)
        *sum += fuzz_touch(ev->name, strlen(ev->name));
    if (ev->xpath)
        *sum += fuzz_touch(ev->xpath, strlen(ev->xpath));
    *sum += fuzz_touch(ev->text, ev->text_len);
    for (size_t i = 0; i < ev->nfields; i++)
        if (ev->fields[i].type == MD_V_STR)
            *sum += fuzz_touch(ev->fields[i].s, ev->fields[i].len);
}

/* Run p over data as a file called name; mtime feeds year inference. The
 * return value only keeps the reads from being optimised away. */
static int
fuzz_parse(const struct md_parser *p, const char *name, const uint8_t *data,
           size_t size, int64_t mtime)
{
    size_t sum = 0;
    struct md_scan_opts opts = {.on_evidence = fuzz_read_all, .user = &sum};
    md_limits_default(&opts.limits);
    opts.limits.line_bytes = 2048;
    opts.limits.record_bytes = 4096;
    opts.limits.reg_value_bytes = 64;
    opts.limits.reg_key_depth = 8;
    opts.limits.xml_depth = 32;
    struct md_bundle b;
    md_bundle_init(&b, "fuzz");
    md_parse_memory(&b, p, name, data, size, mtime, &opts);
    md_bundle_free(&b);
    return sum == SIZE_MAX;
}

#endif
