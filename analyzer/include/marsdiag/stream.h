/*
 * Byte streams: the one reading interface of the bundle walker.
 *
 * A stream delivers bytes on demand. Files, memory, archive members and
 * gzip data are all streams, so a zip inside a zip is read by layering one
 * member stream on another, with nothing extracted to disk and memory
 * bounded by the buffers, not by the data.
 *
 * read() returns the number of bytes stored (0 only at the end) or -1 on
 * error, with st, err and (for MD_ERR_LIMIT) limit set. After an error or
 * the end, further calls return the same result.
 */
#ifndef MARSDIAG_STREAM_H
#define MARSDIAG_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "marsdiag/status.h"

struct md_stream {
    ssize_t (*read)(struct md_stream *s, unsigned char *buf, size_t n);
    enum md_status st;
    const char *limit;
    char err[200];
};

/* Set an error on s and return -1 (a helper for read implementations). */
ssize_t md_stream_fail(struct md_stream *s, enum md_status st,
                       const char *limit, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Record an error found while producing data that is still delivered
 * (a limit passed, a checksum found bad at the end): the next read()
 * fails with it. Read implementations start with md_stream_check(). */
void md_stream_fail_late(struct md_stream *s, enum md_status st,
                         const char *limit, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* -1 when s has failed (a late failure becomes visible now), else 0. */
static inline int
md_stream_check(const struct md_stream *s)
{
    return s->st == MD_OK ? 0 : -1;
}

/* A stream over memory (borrowed). */
struct md_mem_stream {
    struct md_stream s;
    const unsigned char *p;
    size_t len, pos;
};
void md_mem_stream_init(struct md_mem_stream *m, const void *p, size_t len);

/* A stream over bytes [off, off + len) of an open file (pread: the file
 * position is not used, so several streams may share one descriptor). */
struct md_fd_stream {
    struct md_stream s;
    int fd;
    uint64_t off, end;
};
void md_fd_stream_init(struct md_fd_stream *f, int fd, uint64_t off,
                       uint64_t len);

/*
 * A buffered reader over a stream, with look-ahead: what zip's local-header
 * walk and inflate need, since inflate may read past the end of a member
 * and the rest belongs to the next one.
 */
#define MD_BUFSRC_SIZE 65536
struct md_bufsrc {
    struct md_stream *src;
    unsigned char *buf; /* MD_BUFSRC_SIZE bytes, owned */
    size_t pos, len;
    uint64_t consumed; /* bytes taken from the front so far */
    int eof;
};
enum md_status md_bufsrc_init(struct md_bufsrc *b, struct md_stream *src);
void md_bufsrc_free(struct md_bufsrc *b);
/* Make at least n bytes (n <= MD_BUFSRC_SIZE) available if the stream has
 * them; returns how many are available (may be < n at the end), or -1. */
ssize_t md_bufsrc_fill(struct md_bufsrc *b, size_t n);
/* The same, but asking the stream for no more than is missing: a few
 * bytes of magic cost a few bytes of inflate, not a whole buffer (an
 * archive too deep to open is never inflated past its signature). */
ssize_t md_bufsrc_peek(struct md_bufsrc *b, size_t n);
/* Consume n available bytes. */
void md_bufsrc_skip(struct md_bufsrc *b, size_t n);

#endif
