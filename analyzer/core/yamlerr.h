/*
 * Errors of a YAML file loader (rule files, waiver files): collected while
 * reading and handed on sorted by position, so that they come out in file
 * order whichever part of the loader found them. After MD_YAMLERR_MAX
 * errors a file is given up. Positions are 1-based; a libyaml mark is
 * 0-based, and md_yamlerr_at turns one into the other.
 */
#ifndef MARSDIAG_YAMLERR_H
#define MARSDIAG_YAMLERR_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "marsdiag/rules.h"

#define MD_YAMLERR_MAX 100

struct md_yamlerr_item {
    unsigned line, col;
    size_t seq; /* keeps the order of errors at one position */
    char *msg;
};

struct md_yamlerr {
    struct md_yamlerr_item *v;
    size_t n, cap;
    size_t nerr; /* all errors counted, across flushes */
};

/* Collect msg at line:col (1-based). False once MD_YAMLERR_MAX errors are
 * counted: the caller stops reading the file. An error that cannot be
 * stored (ENOMEM) is still counted. */
bool md_yamlerr_add(struct md_yamlerr *e, unsigned line, unsigned col,
                    const char *msg);

/* md_yamlerr_add at libyaml mark m, the message formatted as printf's
 * (at most 511 bytes). */
bool md_yamlerr_at(struct md_yamlerr *e, const yaml_mark_t *m, const char *fmt,
                   ...) __attribute__((format(printf, 3, 4)));

/* md_yamlerr_add of why yaml_parser_parse failed on text[0..len):
 * "invalid YAML: ..." where the problem is. */
bool md_yamlerr_parse(struct md_yamlerr *e, const yaml_parser_t *p,
                      const char *text, size_t len);

/* A short, printable copy of s[0..len) into buf for a message (control
 * characters as '?', "..." when cut); returns buf. */
const char *md_yamlerr_shown(const char *s, size_t len, char *buf, size_t size);

/* Hand the collected errors to err (may be NULL) in position order, with
 * a last "too many errors" when the limit was reached, and forget them
 * (the count stays). */
void md_yamlerr_flush(struct md_yamlerr *e, const char *file,
                      md_rule_error_fn err, void *user);

void md_yamlerr_free(struct md_yamlerr *e);

#endif
