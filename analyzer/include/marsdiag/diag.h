/*
 * Inputs and their diagnostics.
 *
 * Every entry marsdiag meets (a folder, an archive, an archive member, a
 * file) becomes one struct md_input in the bundle's list, whether it was
 * parsed, skipped or unreadable: nothing is dropped silently. Problems are
 * diagnostics attached to the input they concern, with their place (line,
 * byte offset) and, when a limit was hit, the limit's name.
 *
 * Inputs and diagnostics live in the bundle's arena (struct md_bundle) and
 * are freed with it. At most MD_DIAGS_PER_INPUT diagnostics are kept per
 * input; further ones are counted in ndiags_dropped and reported as a count.
 */
#ifndef MARSDIAG_DIAG_H
#define MARSDIAG_DIAG_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "marsdiag/arena.h"
#include "marsdiag/status.h"

#define MD_DIAGS_PER_INPUT 50
#define MD_NO_OFFSET UINT64_MAX

struct md_diag {
    struct md_diag *next;
    enum md_grade grade;
    enum md_status code;
    uint64_t line;     /* 1-based line, or 0 */
    uint64_t offset;   /* byte offset in the entry's data, or MD_NO_OFFSET */
    const char *limit; /* the limit reached, or NULL */
    const char *msg;   /* git style: lower case, no final period */
};

struct md_input {
    struct md_input *next;
    const char *bundle;   /* the path given on the command line */
    const char *path;     /* path inside the bundle, '/'-separated */
    const char *type;     /* parser or container name; NULL when skipped */
    const char *encoding; /* text encoding, or NULL for containers/skipped */
    uint64_t bytes;       /* bytes of data read (decompressed) */
    uint64_t lines;       /* text lines seen */
    uint64_t records;     /* evidence records emitted */
    int64_t mtime;        /* modification time (Unix seconds) or 0 */
    unsigned depth;       /* archive nesting depth, 0 for the top level */
    enum md_grade worst;  /* worst grade among diagnostics */
    bool has_diag;
    struct md_diag *diags;
    struct md_diag **diag_tail;
    size_t ndiags;
    size_t ndiags_dropped;
};

/*
 * Attach a diagnostic to in. line may be 0 and offset MD_NO_OFFSET; limit
 * is a static string or NULL. The message is formatted into arena a.
 */
void md_input_diag(struct md_arena *a, struct md_input *in, enum md_grade g,
                   enum md_status code, uint64_t line, uint64_t offset,
                   const char *limit, const char *fmt, ...)
    __attribute__((format(printf, 8, 9)));

/*
 * The input's status word for reports:
 *   "parsed"     read and understood in full;
 *   "partial"    parsed, with recovered problems (warnings);
 *   "damaged"    part of the data was lost (bad CRC, truncation, limit);
 *   "unreadable" nothing could be read (encrypted, unsupported method, I/O);
 *   "skipped"    no parser recognised it (listed, not read).
 */
const char *md_input_status(const struct md_input *in);

#endif
