/*
 * libFuzzer target for the errlog parser: any bytes, as a file named
 * fuzz.errlog, through the real pipeline (encoding detection, decoding, line
 * splitting) and parsers/errlog. Without libFuzzer it replays its seed corpus
 * tests/fuzz/corpus/errlog/ (tests/fuzz/replay.c).
 */
#include <stddef.h>
#include <stdint.h>

#include "marsdiag/scan.h"
#include "parser.h"

extern const struct md_parser md_parser_errlog;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
ignore(void *user, const struct md_evidence *ev)
{
    (void)user;
    (void)ev;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct md_scan_opts opts = {.on_evidence = ignore};
    md_limits_default(&opts.limits);
    /* Small enough that the fuzzer reaches the caps. */
    opts.limits.record_bytes = 4096;
    opts.limits.line_bytes = 2048;
    struct md_bundle b;
    md_bundle_init(&b, "fuzz");
    /* A fixed mtime so year inference runs too. */
    md_parse_memory(&b, &md_parser_errlog, "fuzz.errlog", data, size, 1735804800,
                    &opts);
    md_bundle_free(&b);
    return 0;
}
