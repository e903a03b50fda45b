/*
 * libFuzzer target for the Windows event XML parser: any bytes, as a file named
 * fuzz.xml, through the real pipeline (encoding
 * detection, decoding to UTF-8, chunks) and parsers/evtxml on the safe
 * libxml2 setup (analyzer/core/xml.c). Every byte of every record is read,
 * so a dangling pointer in a record shows under ASan. Without libFuzzer it
 * replays its seed corpus tests/fuzz/corpus/evtxml/ (tests/fuzz/replay.c).
 */
#include <stddef.h>
#include <stdint.h>

#include "marsdiag/scan.h"
#include "parser.h"

extern const struct md_parser md_parser_evtxml;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
touch(void *user, const struct md_evidence *ev)
{
    unsigned *sum = user;
    for (size_t i = 0; i < ev->text_len; i++)
        *sum += (unsigned char)ev->text[i];
    if (ev->xpath)
        *sum += (unsigned char)ev->xpath[0];
    for (size_t i = 0; i < ev->nfields; i++)
        if (ev->fields[i].type == MD_V_STR)
            for (size_t k = 0; k < ev->fields[i].len; k++)
                *sum += (unsigned char)ev->fields[i].s[k];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned sum = 0;
    struct md_scan_opts opts = {.on_evidence = touch, .user = &sum};
    md_limits_default(&opts.limits);
    /* Small enough that the fuzzer reaches the caps. */
    opts.limits.xml_depth = 32;
    opts.limits.record_bytes = 4096;
    opts.limits.line_bytes = 2048;
    struct md_bundle b;
    md_bundle_init(&b, "fuzz");
    md_parse_memory(&b, &md_parser_evtxml, "fuzz.xml", data, size, 0, &opts);
    md_bundle_free(&b);
    return sum == 0xFFFFFFFFu; /* keeps the loop from being optimised out */
}
