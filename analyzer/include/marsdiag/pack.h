/*
 * The built-in rule pack: the YAML files of rules/pack, embedded in the binary at
 * build time (cmake/embed.cmake), so marsdiag needs no files at run time.
 */
#ifndef MARSDIAG_PACK_H
#define MARSDIAG_PACK_H

#include <stddef.h>

struct md_pack_file {
    const char *name; /* file name, e.g. "precedence.yml" */
    const char *text;
    size_t len;
};

extern const struct md_pack_file md_pack[];
extern const size_t md_npack;

/* The pack's file of that name, or NULL. */
const struct md_pack_file *md_pack_find(const char *name);

#endif
