/*
 * The bundle walker's internal interface, shared by walk.c (folders,
 * files, dispatch), pipeline.c (text entries through a parser), zip.c and
 * gz.c (containers). Not installed; the public entry is marsdiag/scan.h.
 *
 * Every entry becomes an md_input first (md_walk_input), then its data is
 * handed to md_walk_entry(), which decides from the first bytes whether it
 * is an archive (recursing, one level deeper) or text for a parser.
 */
#ifndef MARSDIAG_WALK_H
#define MARSDIAG_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "marsdiag/arena.h"
#include "marsdiag/buf.h"
#include "marsdiag/scan.h"
#include "marsdiag/stream.h"

struct md_parser;

struct md_walk {
    struct md_bundle *b;
    const struct md_scan_opts *o;
    struct md_arena scratch; /* parsers' per-call memory */
    uint64_t data_total;     /* decompressed bytes so far (bundle_bytes) */
    uint64_t entries_refused;
    struct md_input *root;
    const struct md_parser *force; /* md_parse_memory: no bidding */
};

/* A new input appended to the bundle, or NULL when the 'entries' limit is
 * reached (counted in entries_refused) or memory runs out. */
struct md_input *md_walk_input(struct md_walk *w, const char *path,
                               unsigned depth, int64_t mtime);

/* Read an entry's data: archive, gzip, or text. in is its input. */
enum md_status md_walk_entry(struct md_walk *w, struct md_input *in,
                             struct md_stream *data);

/* Count n decompressed bytes against 'bundle_bytes'; false when over. */
bool md_walk_account(struct md_walk *w, uint64_t n);

/* Text entry through a parser (pipeline.c). src has the head buffered. */
enum md_status md_pipeline_run(struct md_walk *w, struct md_input *in,
                               struct md_bufsrc *src);

/* Containers (zip.c, gz.c). */
enum md_status md_zip_read_fd(struct md_walk *w, struct md_input *zin,
                              int fd, uint64_t size);
enum md_status md_zip_read_stream(struct md_walk *w, struct md_input *zin,
                                  struct md_bufsrc *src);
enum md_status md_gz_read(struct md_walk *w, struct md_input *gzin,
                          struct md_bufsrc *src);

/* "dir/name" in the bundle arena. */
const char *md_walk_join(struct md_walk *w, const char *dir, const char *name,
                         size_t name_len);

#endif
