/*
 * libFuzzer target for the pscapture parser through the real pipeline.
 * The first byte chooses the file name, and with it the syntax: 0 mod 3
 * fuzz.ps1 (PowerShell), 1 fuzz.cmd (cmd.exe), 2 Get-OBMachineSetting.txt
 * (setting names count without further context); the rest is the file.
 * Every record is read in full, so a dangling or short string shows up
 * under ASan. Without libFuzzer it replays tests/fuzz/corpus/pscapture/.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "marsdiag/scan.h"
#include "parser.h"

extern const struct md_parser md_parser_pscapture;

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
    static const char *const names[] = {"fuzz.ps1", "fuzz.cmd",
                                        "Get-OBMachineSetting.txt"};
    if (size == 0)
        return 0;
    size_t sum = 0;
    struct md_scan_opts opts = {.on_evidence = read_all, .user = &sum};
    md_limits_default(&opts.limits);
    /* Small enough that the fuzzer reaches the caps. */
    opts.limits.line_bytes = 2048;
    opts.limits.record_bytes = 512;
    struct md_bundle b;
    md_bundle_init(&b, "fuzz");
    md_parse_memory(&b, &md_parser_pscapture, names[data[0] % 3], data + 1,
                    size - 1, 0, &opts);
    md_bundle_free(&b);
    return 0;
}
