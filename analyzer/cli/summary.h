/*
 * What 'batch' and 'merge' share on the command line: --summary FMT:FILE,
 * building the roll-up from NDJSON lines, and the exit status of a fleet
 * (marsdiag/fleet.h).
 */
#ifndef MARSDIAG_CLI_SUMMARY_H
#define MARSDIAG_CLI_SUMMARY_H

#include <stdbool.h>

#include "marsdiag/fleet.h"

#define CLI_SUMMARY_MAX 8

struct cli_summaries {
    size_t n;
    struct {
        enum md_fleet_format fmt;
        const char *file; /* "-": standard output */
    } s[CLI_SUMMARY_MAX];
};

/* One --summary FMT:FILE; false (after saying why) when malformed. */
bool cli_summary_option(struct cli_summaries *s, const char *arg);

/* True when some --summary goes to standard output. */
bool cli_summary_stdout(const struct cli_summaries *s);

/* Finish the roll-up (warning about paths reported twice) and write every
 * summary asked for (a file whole, as cli_file_write does). Returns false
 * when one could not be written. */
bool cli_summary_write(const struct cli_summaries *s, struct md_fleet *f);

/* Add every --summary but standard output to the outputs of files. */
struct cli_files;
void cli_summary_files(const struct cli_summaries *s, struct cli_files *files);

/*
 * The exit status of a fleet (DESIGN §2): EXIT_UNREADABLE when a bundle
 * could not be read or some output or NDJSON line was lost (lost), else
 * EXIT_FINDINGS when a finding is at least fail_on, else EXIT_CLEAN.
 * 3 wins over 1: a bundle that was not read might have had anything.
 */
int cli_fleet_status(const struct md_fleet *f, int fail_on, bool lost);

#endif
