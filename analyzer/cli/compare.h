/*
 * What marsdiag review and marsdiag diff share on the command line: their
 * options (format, fail-on, rules, waivers, redact, color, limits, timing)
 * and the render they write with (marsdiag/render.h).
 */
#ifndef MARSDIAG_CLI_COMPARE_H
#define MARSDIAG_CLI_COMPARE_H

#include <stdbool.h>
#include <stdio.h>

#include "marsdiag/engine.h"
#include "marsdiag/redact.h"
#include "marsdiag/render.h"
#include "marsdiag/waivers.h"

struct compare_opts {
    struct md_scan_opts so;
    bool json;   /* --format json (else text) */
    bool timing; /* not --no-timing */
    int color;   /* -1 auto, 0, 1 */
    int fail_on; /* a severity, or 3 for never */
    int strict;  /* --redact strict */
    const char *rules_dir, *waivers_file;
    const char *change; /* review: --change FILE */
};

/* The long options both commands take, and one more (review's --change)
 * when extra is set. Returns the index of the first operand after
 * parsing argv, or -1 after printing why (usage error), or 0 when --help
 * was asked for (usage printed). */
int compare_parse(int argc, char **argv, struct compare_opts *o,
                  bool change_option, const char *usage);

/* The engine and waivers; false after printing why (exit 2). */
bool compare_load(struct compare_opts *o, struct md_engine **e,
                  struct md_waivers **w, int *today);

/* The render for stdout into *r; with --redact strict *rd is made from
 * the verdicts given (the caller frees it). False when it could not be
 * made (out of memory): then nothing may be written. */
bool compare_render(const struct compare_opts *o, const struct md_engine *e,
                    const struct md_verdict *const *v, size_t nv,
                    struct md_render *r, struct md_redactor **rd);

#endif
