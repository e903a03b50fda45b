/*
 * --format FMT and --output FMT:FILE, shared by the commands that write
 * reports (scan, review, diff): the names of the formats, parsing
 * FMT:FILE, and writing a file whole — to FILE.tmp, renamed over FILE
 * once complete, so a run that fails half way leaves no half report
 * behind. Each command maps a format to its own writer.
 */
#ifndef MARSDIAG_CLI_OUTPUTS_H
#define MARSDIAG_CLI_OUTPUTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The report formats, in the order of the commands' tables of writers. */
enum cli_format {
    CLI_FMT_TEXT,
    CLI_FMT_JSON,
    CLI_FMT_SARIF,
    CLI_FMT_MD,
    CLI_FMT_HTML,
    CLI_NFORMATS
};

/* The format called name[0..len), or -1 after saying it is unknown. */
int cli_format_find(const char *name, size_t len);

#define CLI_MAX_OUTPUTS 16

/* The --output options of one run, in the order given. */
struct cli_outputs {
    size_t n;
    struct cli_output {
        enum cli_format fmt;
        const char *path; /* borrowed from argv */
    } o[CLI_MAX_OUTPUTS];
};

/* Add one --output FMT:FILE; false after saying why (too many, not
 * FMT:FILE, an unknown format). */
bool cli_outputs_add(struct cli_outputs *outs, const char *arg);

/* Writes the whole document of format fmt to f; ctx is the caller's
 * (the verdicts, the review, ...). */
typedef void cli_doc_fn(FILE *f, enum cli_format fmt, const void *ctx);

/* Write every output (a FIFO, a device or /dev/stdout in place, else via
 * FILE.tmp). Returns false, after saying why, when one of them could not
 * be written; the others are written all the same. */
bool cli_outputs_write(const struct cli_outputs *outs, cli_doc_fn *write,
                       const void *ctx);

#endif
