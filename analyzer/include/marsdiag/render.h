/*
 * How a report is rendered: the options every verdict writer shares
 * (text, json, sarif, md, html), so that one run can write several formats
 * (--output FMT:FILE) from one verdict with the same choices.
 */
#ifndef MARSDIAG_RENDER_H
#define MARSDIAG_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct md_ruleset;
struct md_verdict;

/* Pseudonyms for --redact strict (host names, addresses, user names),
 * consistent across one report; NULL means "secrets only", the default
 * (passwords and URL credentials masked, md_redact). */
struct md_redactor;

struct md_render {
    const char *rulepack;       /* "proxy 1" (md_engine_rulepack) */
    const struct md_ruleset *rules; /* the rules in force (sarif lists
                                     * them all); may be NULL */
    bool timing;                /* print each verdict's elapsed_ms; false
                                 * for --no-timing (golden outputs) */
    bool color;                 /* text only: ANSI colours */
    bool show_suppressed;       /* text, md, html: list waived findings
                                 * too; they are counted either way */
    bool inputs;                /* text, md, html: list every input read
                                 * (--inputs), not only those with
                                 * problems */
    const struct md_redactor *redactor;
};

/*
 * A report format: one whole document for the verdicts v[0..nv) of one
 * run, written to f. With several verdicts the writer makes one document
 * of them (json: an array; sarif: one run; html: one page, a section per
 * bundle; text and md: one after the other). The CLI's table of formats
 * (analyzer/cli/cmd_scan.c) maps --format and --output names to these.
 * Every string taken from a bundle goes through md_redactor_apply
 * (redact.h) with r->redactor on its way out.
 */
typedef void md_render_fn(FILE *f, const struct md_verdict *v, size_t nv,
                          const struct md_render *r);

#endif
