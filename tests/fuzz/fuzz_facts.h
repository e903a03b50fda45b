/*
 * What the loader targets (rules, precedence, waivers) share: an error
 * callback that drops what it is told, and a way to build a small fact
 * tree by dotted path for what loads to run over.
 */
#ifndef MARSDIAG_FUZZ_FACTS_H
#define MARSDIAG_FUZZ_FACTS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "marsdiag/fact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static inline void
fuzz_no_error(void *user, const char *file, unsigned line, unsigned col,
              const char *msg)
{
    (void)user, (void)file, (void)line, (void)col, (void)msg;
}

/* obj.a.b.c = v, making the objects on the way (names under 32 bytes). */
static inline void
fuzz_put(struct md_arena *a, struct md_fact *obj, const char *path,
         struct md_fact *v)
{
    char key[32];
    const char *dot;
    while ((dot = strchr(path, '.'))) {
        size_t n = (size_t)(dot - path);
        memcpy(key, path, n);
        key[n] = '\0';
        obj = md_fact_child(a, obj, key, MD_F_OBJ);
        path = dot + 1;
    }
    md_fact_put(a, obj, path, v);
}

#endif
