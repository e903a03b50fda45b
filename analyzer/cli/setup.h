/*
 * What the commands that judge bundles (scan, facts, explain, batch,
 * review, diff) share: the options naming the rules, waivers, redaction
 * and limits of a run, and loading what they name — in one order, so
 * that a mistake gets the same message and exit status from each.
 */
#ifndef MARSDIAG_CLI_SETUP_H
#define MARSDIAG_CLI_SETUP_H

#include <stdbool.h>

#include "marsdiag/engine.h"
#include "redact_key.h"

struct md_waivers;

/* One run's set-up: the options as parsed, then what they load. */
struct cli_setup {
    struct md_scan_opts so;   /* --limit, --as; the command sets the rest */
    const char *rules_dir;    /* --rules DIR, or NULL */
    const char *waivers_file; /* --waivers FILE, or NULL */
    struct cli_redact red;    /* --redact, --redact-key */
    /* owned; freed by cli_setup_free */
    struct md_engine *e;
    struct md_waivers *w;   /* NULL without --waivers */
    int today;              /* the date waivers expire against */
    struct md_redactor *rd; /* --redact strict, else NULL */
};

/* The getopt entries cli_setup_option handles but --waivers (which not
 * every command takes): --rules DIR, --redact, --redact-key, --limit
 * NAME=VALUE and --as TYPE. */
#define CLI_SETUP_OPTIONS                                                     \
    {"rules", required_argument, NULL, 'R'}, CLI_REDACT_OPTIONS,              \
        {"limit", required_argument, NULL, 'L'},                              \
        {"as", required_argument, NULL, 'A'}

/* No options given yet: the default limits, nothing loaded. */
void cli_setup_init(struct cli_setup *s);

/* One of CLI_SETUP_OPTIONS or --waivers ('W'), by its letter c: the
 * default: of a command's getopt loop. False when arg is bad (after
 * saying why) and for any other c, such as getopt's '?' (getopt has
 * said why). */
bool cli_setup_option(int c, const char *arg, struct cli_setup *s);

/* The redactor, the engine and the waivers, in that order: a bad
 * --redact-key is refused before any rule file is read. Returns
 * EXIT_CLEAN when all is ready, else the exit status after saying why
 * (EXIT_USAGE for a bad key, rule or waiver file, EXIT_UNREADABLE when
 * memory ran out), with nothing left to free. */
int cli_setup_load(struct cli_setup *s);

/* The engine and the waivers only (the caller makes its own redactor);
 * false after saying why (exit 2), with nothing left to free. */
bool cli_setup_engine(struct cli_setup *s);

/* Free what cli_setup_load or cli_setup_engine made (and forget it). */
void cli_setup_free(struct cli_setup *s);

/* Scan the bundle at path into *v (which the caller frees, whatever the
 * result); false after saying why it could not be read. */
bool cli_setup_scan(const struct cli_setup *s, const char *path,
                    struct md_verdict *v);

#endif
