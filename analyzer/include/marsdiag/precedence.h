/*
 * The precedence chain (DESIGN §1 stage 6): which proxy the agent uses,
 * evaluated from rules/pack/precedence.yml over the model's facts.
 *
 * Loading checks the file like a rule file (unknown keys, expressions
 * against the schema) and reports problems as file:line:column, in file
 * order, at most MD_YAMLERR_MAX of them (yamlerr.h). The
 * loaded chain is immutable and may be shared by threads; applying it
 * writes effective.* (source, mode, server, port, pac_url, credentials,
 * shadowed[*]) into a bundle's fact tree.
 */
#ifndef MARSDIAG_PRECEDENCE_H
#define MARSDIAG_PRECEDENCE_H

#include <stddef.h>

#include "marsdiag/fact.h"
#include "marsdiag/limits.h"
#include "marsdiag/rules.h"

struct md_precedence;

struct md_precedence *md_precedence_load(const char *file, const char *text,
                                         size_t len,
                                         const struct md_limits *lim,
                                         md_rule_error_fn err, void *user);
void md_precedence_free(struct md_precedence *p);

/* Evaluate over root and put effective.* into it (allocating in a). */
void md_precedence_apply(const struct md_precedence *p, struct md_fact *root,
                         struct md_arena *a);

#endif
