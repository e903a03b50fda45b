/*
 * Fuzz target for the fleet roll-up (analyzer/core/fleet.c, jsonread.c,
 * fleet_write.c): the input is an NDJSON file as 'merge' reads it; every
 * complete line goes through the JSON reader into the roll-up, which is
 * then finished (duplicates dropped) and written in every format.
 * Seeds: tests/fuzz/corpus/fleet/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "marsdiag/fleet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
add_line(void *user, const char *line, size_t len, uint64_t number)
{
    char err[128];
    (void)number;
    md_fleet_add(user, line, len, "fuzz", NULL, err, sizeof err);
    return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    FILE *in = fmemopen((void *)data, size, "rb");
    struct md_fleet *f = md_fleet_new();
    if (!in || !f) {
        if (in)
            fclose(in);
        md_fleet_free(f);
        return 0;
    }
    uint64_t complete;
    bool torn;
    md_ndjson_read(in, add_line, f, &complete, &torn);
    fclose(in);
    md_fleet_finish(f, NULL, NULL);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (out) {
        md_fleet_write(f, MD_FLEET_CSV, out);
        md_fleet_write(f, MD_FLEET_MD, out);
        md_fleet_write(f, MD_FLEET_HTML, out);
        fclose(out);
    }
    free(buf);
    md_fleet_free(f);
    return 0;
}
