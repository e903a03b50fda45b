/*
 * gzip members (RFC 1952) inflated as a stream, concatenated members
 * included; zlib checks each member's CRC-32 and length. The content is an
 * entry of its own, named after the .gz without its suffix.
 */
#include <string.h>
#include <zlib.h>

#include "marsdiag/buf.h"
#include "walk.h"

struct gz_stream {
    struct md_stream s;
    struct md_walk *w;
    struct md_bufsrc *src;
    z_stream z;
    uint64_t in, out;
    bool done;
};

static ssize_t
gz_read(struct md_stream *s, unsigned char *buf, size_t n)
{
    struct gz_stream *g = (struct gz_stream *)s;
    if (md_stream_check(s) < 0)
        return -1;
    while (!g->done) {
        ssize_t avail = md_bufsrc_fill(g->src, 1);
        if (avail < 0)
            return md_stream_fail(s, g->src->src->st, g->src->src->limit,
                                  "%s", g->src->src->err);
        if (avail == 0) {
            if (g->z.total_in == 0 && g->in > 0)
                g->done = true; /* ended cleanly after a member */
            else
                return md_stream_fail(s, MD_ERR_TRUNCATED, NULL,
                                      "gzip data ends early at byte %llu",
                                      (unsigned long long)g->in);
            break;
        }
        g->z.next_in = g->src->buf + g->src->pos;
        g->z.avail_in = (uInt)avail;
        g->z.next_out = buf;
        g->z.avail_out = (uInt)(n > (1u << 30) ? (1u << 30) : n);
        int zr = inflate(&g->z, Z_NO_FLUSH);
        size_t used = (size_t)avail - g->z.avail_in;
        size_t got = (size_t)(g->z.next_out - buf);
        md_bufsrc_skip(g->src, used);
        g->in += used;
        g->out += got;
        if (zr == Z_STREAM_END) {
            /* Another member may follow (cat a.gz b.gz). */
            inflateReset(&g->z);
        } else if (zr != Z_OK && zr != Z_BUF_ERROR) {
            return md_stream_fail(s, MD_ERR_CORRUPT, NULL,
                                  "gzip data damaged at byte %llu: %s",
                                  (unsigned long long)g->in,
                                  g->z.msg ? g->z.msg : "inflate error");
        } else if (zr == Z_BUF_ERROR && got == 0 && used == 0) {
            return md_stream_fail(s, MD_ERR_TRUNCATED, NULL,
                                  "gzip data ends early at byte %llu",
                                  (unsigned long long)g->in);
        }
        const struct md_limits *l = &g->w->o->limits;
        if (!md_walk_account(g->w, got))
            md_stream_fail_late(s, MD_ERR_LIMIT, "bundle_bytes",
                                "bundle larger than limit 'bundle_bytes' "
                                "(%llu) once decompressed",
                                (unsigned long long)l->bundle_bytes);
        else if (g->out > l->member_bytes)
            md_stream_fail_late(s, MD_ERR_LIMIT, "member_bytes",
                                "member larger than limit 'member_bytes' "
                                "(%llu) once decompressed",
                                (unsigned long long)l->member_bytes);
        else if (g->out > (1u << 20) &&
                 g->out / (g->in ? g->in : 1) > l->ratio)
            md_stream_fail_late(s, MD_ERR_LIMIT, "ratio",
                                "compression ratio above limit 'ratio' "
                                "(%llu)",
                                (unsigned long long)l->ratio);
        if (got)
            return (ssize_t)got;
        if (md_stream_check(s) < 0)
            return -1;
    }
    return 0;
}

enum md_status
md_gz_read(struct md_walk *w, struct md_input *gzin, struct md_bufsrc *src)
{
    struct gz_stream g;
    memset(&g, 0, sizeof g);
    g.s.read = gz_read;
    g.w = w;
    g.src = src;
    if (inflateInit2(&g.z, 16 + MAX_WBITS) != Z_OK)
        return MD_ERR_NOMEM;
    const char *name = gzin->path;
    size_t len = strlen(name);
    struct md_slice sl = {name, len};
    if (md_slice_iends(sl, ".gz"))
        len -= 3;
    else if (md_slice_iends(sl, ".tgz"))
        len -= 4;
    const char *inner = md_arena_strndup(&w->b->arena, name, len);
    if (len == strlen(name))
        inner = md_arena_printf(&w->b->arena, "%s/-", name);
    struct md_input *in =
        inner ? md_walk_input(w, inner, gzin->depth + 1, gzin->mtime) : NULL;
    enum md_status rc = MD_OK;
    if (in) {
        rc = md_walk_entry(w, in, &g.s);
        if (g.s.st == MD_OK && !in->has_diag) {
            /* Drain what the consumer did not read, to check the CRC. */
            unsigned char tmp[4096];
            while (gz_read(&g.s, tmp, sizeof tmp) > 0)
                ;
            if (g.s.st != MD_OK)
                md_input_diag(&w->b->arena, in, MD_GRADE_FAILED, g.s.st, 0,
                              g.out, g.s.limit, "%s", g.s.err);
        }
    }
    gzin->bytes = g.in;
    inflateEnd(&g.z);
    return rc;
}
