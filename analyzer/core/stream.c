/* Memory, file and buffered streams (marsdiag/stream.h). */
#include "marsdiag/stream.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

ssize_t
md_stream_fail(struct md_stream *s, enum md_status st, const char *limit,
               const char *fmt, ...)
{
    if (s->st == MD_OK) {
        s->st = st;
        s->limit = limit;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(s->err, sizeof s->err, fmt, ap);
        va_end(ap);
    }
    return -1;
}

void
md_stream_fail_late(struct md_stream *s, enum md_status st, const char *limit,
                    const char *fmt, ...)
{
    if (s->st != MD_OK)
        return;
    s->st = st;
    s->limit = limit;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->err, sizeof s->err, fmt, ap);
    va_end(ap);
}

static ssize_t
mem_read(struct md_stream *s, unsigned char *buf, size_t n)
{
    struct md_mem_stream *m = (struct md_mem_stream *)s;
    size_t k = m->len - m->pos < n ? m->len - m->pos : n;
    if (k)
        memcpy(buf, m->p + m->pos, k);
    m->pos += k;
    return (ssize_t)k;
}

void
md_mem_stream_init(struct md_mem_stream *m, const void *p, size_t len)
{
    memset(m, 0, sizeof *m);
    m->s.read = mem_read;
    m->p = p;
    m->len = len;
}

static ssize_t
fd_read(struct md_stream *s, unsigned char *buf, size_t n)
{
    struct md_fd_stream *f = (struct md_fd_stream *)s;
    if (s->st != MD_OK)
        return -1;
    if (f->off >= f->end)
        return 0;
    if (n > f->end - f->off)
        n = (size_t)(f->end - f->off);
    for (;;) {
        ssize_t r = pread(f->fd, buf, n, (off_t)f->off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return md_stream_fail(s, MD_ERR_IO, NULL, "read error at byte %llu: %s",
                                  (unsigned long long)f->off, strerror(errno));
        if (r == 0)
            return md_stream_fail(s, MD_ERR_TRUNCATED, NULL,
                                  "file ends at byte %llu",
                                  (unsigned long long)f->off);
        f->off += (uint64_t)r;
        return r;
    }
}

void
md_fd_stream_init(struct md_fd_stream *f, int fd, uint64_t off, uint64_t len)
{
    memset(f, 0, sizeof *f);
    f->s.read = fd_read;
    f->fd = fd;
    f->off = off;
    f->end = off + len;
}

enum md_status
md_bufsrc_init(struct md_bufsrc *b, struct md_stream *src)
{
    memset(b, 0, sizeof *b);
    b->src = src;
    b->buf = malloc(MD_BUFSRC_SIZE);
    return b->buf ? MD_OK : MD_ERR_NOMEM;
}

void
md_bufsrc_free(struct md_bufsrc *b)
{
    free(b->buf);
    b->buf = NULL;
}

/* Buffer at least n bytes; each read asks for up to 'upto' bytes in all. */
static ssize_t
fill(struct md_bufsrc *b, size_t n, size_t upto)
{
    if (n > MD_BUFSRC_SIZE)
        n = MD_BUFSRC_SIZE;
    if (b->len - b->pos >= n || b->eof)
        return (ssize_t)(b->len - b->pos);
    if (b->pos) {
        memmove(b->buf, b->buf + b->pos, b->len - b->pos);
        b->len -= b->pos;
        b->pos = 0;
    }
    while (b->len < n) {
        ssize_t r = b->src->read(b->src, b->buf + b->len, upto - b->len);
        if (r < 0) {
            if (b->len)
                break; /* deliver what we have; the error comes next */
            return -1;
        }
        if (r == 0) {
            b->eof = 1;
            break;
        }
        b->len += (size_t)r;
    }
    return (ssize_t)(b->len - b->pos);
}

ssize_t
md_bufsrc_fill(struct md_bufsrc *b, size_t n)
{
    return fill(b, n, MD_BUFSRC_SIZE);
}

ssize_t
md_bufsrc_peek(struct md_bufsrc *b, size_t n)
{
    return fill(b, n, n < MD_BUFSRC_SIZE ? n : MD_BUFSRC_SIZE);
}

void
md_bufsrc_skip(struct md_bufsrc *b, size_t n)
{
    b->pos += n;
    b->consumed += n;
}
