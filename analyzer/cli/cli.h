/*
 * The command-line front end: the only code that reads argv, prints, and
 * chooses an exit status (DESIGN §2).
 */
#ifndef MARSDIAG_CLI_H
#define MARSDIAG_CLI_H

#include <stdbool.h>

#include "marsdiag/scan.h"

/* Exit statuses (DESIGN §2). */
enum {
    EXIT_CLEAN = 0,    /* nothing at or above --fail-on */
    EXIT_FINDINGS = 1, /* findings at or above --fail-on */
    EXIT_USAGE = 2,    /* usage or rule-file error */
    EXIT_UNREADABLE = 3 /* an input could not be read at all */
};

int cmd_batch(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_facts(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_review(int argc, char **argv);
int cmd_scan(int argc, char **argv);
int cmd_limits(int argc, char **argv);
int cmd_rules(int argc, char **argv);

/* Print a rule-file problem as file:line:column: message (an
 * md_rule_error_fn). */
void cli_rule_error(void *user, const char *file, unsigned line, unsigned col,
                    const char *msg);

/* --fail-on: a severity, or 3 for "never"; -1 (after saying why) when
 * unknown. */
int cli_fail_on(const char *arg);

/* --color: *color = 1 for always, 0 for never, -1 for auto; false (after
 * saying why) when unknown. */
bool cli_color_parse(const char *arg, int *color);

/* Print "marsdiag: " and the message to stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Flush standard output at the end of a command: rc, or EXIT_UNREADABLE
 * after saying so when some of the output could not be written. */
int cli_flush_stdout(int rc);

#endif
