/*
 * libFuzzer target for the netsh parser: any bytes, as a file named
 * fuzz_TcpIp-Info.txt, through the real pipeline (encoding detection,
 * decoding, line splitting) and parsers/netsh. Every record is read in
 * full, so a dangling or short string shows up under ASan. Without
 * libFuzzer it replays its seed corpus tests/fuzz/corpus/netsh/.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "marsdiag/scan.h"
#include "parser.h"

extern const struct md_parser md_parser_netsh;

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
    opts.limits.line_bytes = 2048; /* small enough to be reached */
    struct md_bundle b;
    md_bundle_init(&b, "fuzz");
    md_parse_memory(&b, &md_parser_netsh, "fuzz_TcpIp-Info.txt", data, size,
                    0, &opts);
    md_bundle_free(&b);
    return 0;
}
