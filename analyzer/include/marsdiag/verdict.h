/*
 * Writers of a bundle's verdict (engine.h): the JSON report (schema
 * marsdiag.report/1, DESIGN §3) and the text a support engineer reads.
 * Every string taken from a capture goes through md_redact on its way
 * out, so a password never reaches the output, whatever a parser let by.
 */
#ifndef MARSDIAG_VERDICT_H
#define MARSDIAG_VERDICT_H

#include <stdbool.h>
#include <stdio.h>

#include "marsdiag/engine.h"
#include "marsdiag/json.h"

/* One report object; elapsed_ms < 0 leaves the timing out. */
void md_write_verdict_json(struct md_json *j, const struct md_verdict *v,
                           const char *rulepack, long long elapsed_ms);

/* The text report: effective proxy and chain, findings by severity with
 * file:line evidence and the fix, then the inputs that had problems. */
void md_write_verdict_text(FILE *f, const struct md_verdict *v, bool color);

/* A fact subtree as JSON (strings masked). */
void md_write_fact_json(struct md_json *j, const struct md_fact *f);

#endif
