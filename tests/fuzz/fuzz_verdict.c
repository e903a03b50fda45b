/*
 * Fuzz target for the whole verdict: a bundle (zip, or any file) goes
 * through the walker, every parser, the model, the precedence chain and
 * the built-in rules, and the report is written (to /dev/null) in one
 * of the five formats. The engine is compiled once, as the CLI does.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "marsdiag/engine.h"
#include "marsdiag/html.h"
#include "marsdiag/markdown.h"
#include "marsdiag/redact.h"
#include "marsdiag/sarif.h"
#include "marsdiag/verdict.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct md_engine *e;
    static struct md_scan_opts o;
    static FILE *null;
    if (!e) {
        md_limits_default(&o.limits);
        o.limits.bundle_bytes = 4u << 20; /* keep runs short (fuzz_walk.c) */
        o.limits.member_bytes = 2u << 20;
        o.limits.line_bytes = 64u << 10;
        o.limits.record_bytes = 64u << 10;
        e = md_engine_load(NULL, &o.limits, NULL, NULL);
        null = fopen("/dev/null", "w");
        if (!e || !null)
            return 0;
    }
    int fd = memfd_create("bundle.zip", 0);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) == (ssize_t)size) {
        char path[64];
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        struct md_verdict v;
        md_engine_scan(e, path, &o, &v);
        /* One writer per input, picked by its size, and a strict redactor
         * for half of them: every writer on every input made a run about
         * 80 executions/s, mostly spent writing. */
        struct md_redactor *rd = size & 4 ? md_redactor_new() : NULL;
        if (rd)
            md_redactor_add_verdict(rd, &v);
        struct md_render r = {.rulepack = "fuzz",
                              .rules = md_engine_rules(e),
                              .show_suppressed = true,
                              .inputs = true,
                              .redactor = rd};
        switch (size % 5) {
        case 0:
            md_write_verdicts_json(null, &v, 1, &r);
            break;
        case 1:
            md_write_verdicts_text(null, &v, 1, &r);
            break;
        case 2:
            md_write_verdicts_sarif(null, &v, 1, &r);
            break;
        case 3:
            md_write_verdicts_html(null, &v, 1, &r);
            break;
        default:
            md_write_verdicts_md(null, &v, 1, &r);
            break;
        }
        md_redactor_free(rd);
        md_verdict_free(&v);
    }
    close(fd);
    return 0;
}
