/*
 * Fuzz target for the whole verdict: a bundle (zip, or any file) goes
 * through the walker, every parser, the model, the precedence chain and
 * the built-in rules, and the report is written (to /dev/null). The
 * engine is compiled once, as the CLI does.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "marsdiag/engine.h"
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
        /* Every writer, with a strict redactor (the harder path). */
        struct md_redactor *rd = md_redactor_new();
        if (rd)
            md_redactor_add_verdict(rd, &v);
        struct md_render r = {.rulepack = "fuzz",
                              .rules = md_engine_rules(e),
                              .show_suppressed = true,
                              .inputs = true,
                              .redactor = rd};
        md_write_verdicts_json(null, &v, 1, &r);
        md_write_verdicts_text(null, &v, 1, &r);
        md_write_verdicts_sarif(null, &v, 1, &r);
        md_write_verdicts_md(null, &v, 1, &r);
        md_redactor_free(rd);
        md_verdict_free(&v);
    }
    close(fd);
    return 0;
}
