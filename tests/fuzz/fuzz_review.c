/*
 * Fuzz target for the change reader and the review (review.h): any bytes
 * as a change file (a .reg, a script, a transcript, binary junk), read
 * into actions and operations, applied to an empty machine, judged before
 * and after, and the review written as text and JSON (to /dev/null). The
 * engine is compiled once, as the CLI does.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "marsdiag/review.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct md_engine *e;
    static struct md_scan_opts o;
    static FILE *null;
    if (!e) {
        md_limits_default(&o.limits);
        e = md_engine_load(NULL, &o.limits, NULL, NULL);
        null = fopen("/dev/null", "w");
        if (!e || !null)
            return 0;
    }
    int fd = memfd_create("change.ps1", 0);
    if (fd < 0)
        return 0;
    if (write(fd, data, size) == (ssize_t)size) {
        char path[64];
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        struct md_change *c;
        if (md_change_read(path, &o.limits, &c) == MD_OK) {
            struct md_review r;
            if (md_review_run(e, NULL, c, &o, &r) == MD_OK) {
                struct md_render rr = {.rulepack = "fuzz"};
                md_write_review_text(null, &r, &rr);
                md_write_review_json(null, &r, &rr);
            }
            md_review_free(&r);
        }
        md_change_free(c);
    }
    close(fd);
    return 0;
}
