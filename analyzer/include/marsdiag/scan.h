/*
 * Scanning one bundle: the library's entry point.
 *
 * A bundle is one path given by the user: a folder, a .zip (with nested
 * zips and .gz members), a .gz, or a single file. md_scan_path() walks it,
 * lists every entry in b->inputs, and hands every evidence record to
 * opts->on_evidence as it is found. It never prints and never exits.
 *
 * Thread safety: a struct md_bundle belongs to one thread; several threads
 * may scan different bundles at once with the same (const) options.
 */
#ifndef MARSDIAG_SCAN_H
#define MARSDIAG_SCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "marsdiag/arena.h"
#include "marsdiag/diag.h"
#include "marsdiag/evidence.h"
#include "marsdiag/limits.h"

struct md_parser;

struct md_scan_opts {
    struct md_limits limits;
    md_evidence_fn on_evidence; /* may be NULL */
    void *user;
    /* Read every text entry with this parser instead of letting parsers
     * bid (--as TYPE: a capture with an unusual name or header); NULL for
     * bidding. Archives are still opened. */
    const struct md_parser *force;
    /* Compute the SHA-256 of a bundle that is a file (the JSON report's
     * input.sha256): one more read of the file, so only when wanted. */
    bool want_sha256;
};

struct md_stats {
    uint64_t entries;    /* inputs listed */
    uint64_t bytes_in;   /* bytes of the bundle as stored */
    uint64_t bytes_data; /* bytes read after decompression */
    uint64_t bytes_text; /* UTF-8 bytes given to parsers */
    uint64_t lines;      /* text lines given to parsers */
    uint64_t records;    /* evidence records emitted */
};

struct md_bundle {
    const char *path; /* as given; borrowed */
    bool is_file;
    uint64_t size;            /* of the file, when is_file */
    bool have_sha256;
    unsigned char sha256[32]; /* of the file, when want_sha256 */
    struct md_arena arena;    /* owns inputs and diagnostics */
    struct md_input *inputs;
    struct md_input **tail;
    size_t ninputs;
    struct md_stats stats;
    enum md_status status; /* MD_OK unless the path could not be read */
    char error[256];       /* why, when status != MD_OK */
};

void md_bundle_init(struct md_bundle *b, const char *path);
void md_bundle_free(struct md_bundle *b);

enum md_status md_scan_path(struct md_bundle *b, const struct md_scan_opts *o);

/* Scan bytes in memory as if they were a file called name (tests, fuzz). */
enum md_status md_scan_memory(struct md_bundle *b, const char *name,
                              const void *data, size_t len,
                              const struct md_scan_opts *o);

/* Run parser p (no bidding) over data as the file name (tests, fuzz). */
enum md_status md_parse_memory(struct md_bundle *b, const struct md_parser *p,
                               const char *name, const void *data, size_t len,
                               int64_t mtime, const struct md_scan_opts *o);

/* Library version, "MAJOR.MINOR.PATCH". */
const char *md_version(void);

#endif
