/*
 * Errors of a YAML file loader (rule files, waiver files): collected while
 * reading and handed on sorted by position, so that they come out in file
 * order whichever part of the loader found them. After MD_YAMLERR_MAX
 * errors a file is given up.
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

/* Hand the collected errors to err (may be NULL) in position order, with
 * a last "too many errors" when the limit was reached, and forget them
 * (the count stays). */
void md_yamlerr_flush(struct md_yamlerr *e, const char *file,
                      md_rule_error_fn err, void *user);

void md_yamlerr_free(struct md_yamlerr *e);

/* Where the problem of a failed yaml_parser_parse is, 0-based like every
 * libyaml mark; the reader gives a byte offset only, so for its errors the
 * line and column are counted over text[0..len). */
yaml_mark_t md_yaml_problem_mark(const yaml_parser_t *p, const char *text,
                                 size_t len);

#endif
