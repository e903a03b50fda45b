/*
 * --format FMT and --output FMT:FILE, shared by the commands that write
 * reports (scan, review, diff): the names of the formats, parsing
 * FMT:FILE, and writing a file whole — to FILE.tmp, renamed over FILE
 * once complete, so a run that fails half way leaves no half report
 * behind. Each command maps a format to its own writer.
 *
 * Also what every command that writes files (those, batch and merge)
 * shares: cli_file_write, which writes one file so, through symbolic
 * links and in place for what is not a regular file; and cli_files,
 * which refuses an output that is one of the run's inputs or another
 * of its outputs before anything is read or written.
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

/* Write every output with cli_file_write. Returns false, after saying
 * why, when one of them could not be written; the others are written all
 * the same. */
bool cli_outputs_write(const struct cli_outputs *outs, cli_doc_fn *write,
                       const void *ctx);

/* Writes a whole document to f; false when it could not all be written
 * (cli_file_write says so, and checks the errors of f too). */
typedef bool cli_fill_fn(FILE *f, const void *ctx);

/*
 * Write the document fill makes to path, whole. When path is a symbolic
 * link, the file it points to is written (the link stays a link). A
 * regular file, or a name not taken yet, is written to FILE.tmp beside
 * it and renamed over it once complete, so a run that fails half way
 * leaves the old FILE as it was; anything else — a FIFO, a device,
 * /dev/stdout, /proc/self/fd/N — is written in place, never replaced.
 * False after saying why.
 */
bool cli_file_write(const char *path, cli_fill_fn *fill, const void *ctx);

/*
 * The files one run reads and writes, so that an output that is the same
 * file as an input (it would be truncated before or after it is read) or
 * as another output (one would overwrite the other) is a usage error,
 * said before anything is read or written. "The same": one inode for
 * files that exist, one resolved path for those not there yet, and for
 * an input folder any file inside it. An output written in place (a
 * FIFO, a device, /dev/stdout) is never the same as anything.
 */
struct cli_files {
    size_t n, cap;
    struct cli_file *v; /* owned; cli_files_check frees it */
    bool nomem;
};

/* Add one input (out false) or output. what names it in a message: an
 * option ("--change", "--output": shown as "--change FILE", "--output
 * FMT:FILE" with fmt) or a kind of operand ("bundle": shown as "the
 * bundle 'FILE'"). what, fmt and path are borrowed until the check. */
void cli_files_add(struct cli_files *f, bool out, const char *what,
                   const char *fmt, const char *path);

/* Add every --output of outs. */
void cli_files_outputs(struct cli_files *f, const struct cli_outputs *outs);

/* Add the files a cli_setup reads: --rules DIR (every file in it),
 * --waivers FILE and --redact-key FILE. */
struct cli_setup;
void cli_files_setup(struct cli_files *f, const struct cli_setup *s);

/* EXIT_CLEAN when no output is an input or another output, else
 * EXIT_USAGE after one message naming both (EXIT_UNREADABLE when memory
 * ran out). Frees what f holds, in every case. */
int cli_files_check(struct cli_files *f);

#endif
