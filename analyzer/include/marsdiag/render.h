/*
 * How a report is rendered: the options every verdict writer shares
 * (text, json, sarif, md, html), so that one run can write several formats
 * (--output FMT:FILE) from one verdict with the same choices.
 */
#ifndef MARSDIAG_RENDER_H
#define MARSDIAG_RENDER_H

#include <stdbool.h>

/* Pseudonyms for --redact strict (host names, addresses, user names),
 * consistent across one report; NULL means "secrets only", the default
 * (passwords and URL credentials masked, md_redact). */
struct md_redactor;

struct md_render {
    const char *rulepack;       /* "proxy 1" (md_engine_rulepack) */
    long long elapsed_ms;       /* < 0 leaves timing out */
    bool color;                 /* text only: ANSI colours */
    bool show_suppressed;       /* text, md, html: list waived findings
                                 * too; they are counted either way */
    const struct md_redactor *redactor;
};

#endif
