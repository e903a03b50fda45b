/*
 * Fuzz target for the bundle walker: the input is a file given to marsdiag
 * (zip, gzip, nested archives, or text). Even first byte: the whole input
 * read from a file descriptor (central directory path); odd: the input
 * after that byte read from memory (the streaming local-header path used
 * for nested zips and salvage). Every parser that
 * bids on a member runs too.
 */
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "marsdiag/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
discard(void *user, const struct md_evidence *ev)
{
    (void)user;
    (void)ev;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct md_scan_opts o = {0};
    md_limits_default(&o.limits);
    /* Keep runs short, and the limits in the fuzzer's reach: a member can
     * still pass 1 MiB, where the ratio limit starts. */
    o.limits.bundle_bytes = 4u << 20;
    o.limits.member_bytes = 2u << 20;
    o.limits.line_bytes = 64u << 10;
    o.limits.record_bytes = 64u << 10;
    o.on_evidence = discard;
    struct md_bundle b;
    if (size && (data[0] & 1) == 0) {
        int fd = memfd_create("fuzz.zip", 0);
        if (fd < 0)
            return 0;
        if (write(fd, data, size) == (ssize_t)size) {
            char path[64];
            snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
            md_bundle_init(&b, path);
            md_scan_path(&b, &o);
            md_bundle_free(&b);
        }
        close(fd);
        return 0;
    }
    md_bundle_init(&b, "fuzz");
    if (size)
        md_scan_memory(&b, "fuzz.zip", data + 1, size - 1, &o);
    md_bundle_free(&b);
    return 0;
}
