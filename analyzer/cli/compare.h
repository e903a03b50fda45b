/*
 * What marsdiag review and marsdiag diff share on the command line: their
 * options (format, output, fail-on, rules, waivers, redact, color,
 * limits, timing), the render they write with (marsdiag/render.h) — one
 * for every format of the run, so --redact strict gives a name the same
 * pseudonym before and after the change and in every file — and writing
 * the documents (outputs.h).
 */
#ifndef MARSDIAG_CLI_COMPARE_H
#define MARSDIAG_CLI_COMPARE_H

#include <stdbool.h>
#include <stdio.h>

#include "outputs.h"
#include "setup.h"
#include "marsdiag/engine.h"
#include "marsdiag/redact.h"
#include "marsdiag/render.h"
#include "marsdiag/waivers.h"

struct compare_opts {
    struct cli_setup setup;  /* rules, waivers, redaction, limits */
    enum cli_format format;  /* --format: standard output's */
    struct cli_outputs outs; /* --output FMT:FILE... */
    bool timing; /* not --no-timing */
    int color;   /* -1 auto, 0, 1 */
    int fail_on; /* a severity, or 3 for never */
    const char *change; /* review: --change FILE */
};

/* The long options both commands take, and one more (review's --change)
 * when extra is set. Returns the index of the first operand after
 * parsing argv, or -1 after printing why (usage error), or 0 when --help
 * was asked for (usage printed). */
int compare_parse(int argc, char **argv, struct compare_opts *o,
                  bool change_option, const char *usage);

/* The redactor (its key read once, so a weak one is warned about once),
 * the engine and the waivers into o->setup: EXIT_CLEAN, or the exit
 * status after printing why. The caller frees them with cli_setup_free
 * in every case. */
int compare_load(struct compare_opts *o);

/* Apply the waivers to the verdicts before and after, and warn when a
 * regular expression hit a PCRE2 limit in either. */
void compare_waive(const struct compare_opts *o, struct md_verdict *before,
                   struct md_verdict *after);

/* The render for stdout into *r; with --redact strict o->setup.rd
 * learns the verdicts given. False when it could not be made (out of
 * memory): then nothing may be written. */
bool compare_render(struct compare_opts *o, const struct md_verdict *const *v,
                    size_t nv, struct md_render *r);

/* Write the --output files, then standard output (colour only there, and
 * only for text), each document by write(f, format, ctx). False when a
 * file could not be written (after saying why; the rest are written). */
bool compare_write(const struct compare_opts *o, struct md_render *r,
                   cli_doc_fn *write, const void *ctx);

#endif
