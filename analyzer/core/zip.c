/*
 * ZIP archives read in-process (PKWARE APPNOTE 6.3.10): central directory,
 * zip64, data descriptors, stored and deflate members; nothing extracted.
 *
 * A zip file on disk is read from its central directory (the authority on
 * names and sizes). A zip inside a zip, or a file whose central directory
 * is missing or damaged, is read by walking its local headers in order as a
 * stream ("salvage"), resynchronising on the next local header signature
 * after a damaged member. Every member is inflated once, as a stream, with
 * its CRC-32 and size checked at the end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "walk.h"

#define SIG_LOCAL 0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_EOCD 0x06054b50u
#define SIG_EOCD64 0x06064b50u
#define SIG_LOC64 0x07064b50u
#define SIG_DD 0x08074b50u

#define FLAG_ENCRYPTED 0x0001u
#define FLAG_DD 0x0008u
#define FLAG_STRONG 0x0040u

static uint16_t
le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t
le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t
le64(const unsigned char *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* DOS date and time to Unix seconds, taking the local fields as UTC (the
 * zip does not say which zone; reports say "archive time"). */
static int64_t
dos_time(uint16_t date, uint16_t tm)
{
    struct tm t = {0};
    t.tm_year = ((date >> 9) & 0x7F) + 80;
    t.tm_mon = ((date >> 5) & 0x0F) - 1;
    t.tm_mday = date & 0x1F;
    t.tm_hour = (tm >> 11) & 0x1F;
    t.tm_min = (tm >> 5) & 0x3F;
    t.tm_sec = (tm & 0x1F) * 2;
    if (t.tm_mon < 0 || t.tm_mday == 0)
        return 0;
    return (int64_t)timegm(&t);
}

struct zentry {
    const char *name;
    const char *overlaps; /* the member whose data this one's overlaps */
    bool name_nul;        /* the stored name holds a NUL byte */
    uint16_t flags, method;
    uint32_t crc;
    uint64_t csize, usize, offset;
    uint64_t data; /* where its data starts (zip file: from the local
                      header), 0 when there is no local header there */
    int64_t mtime;
    bool zip64;
    bool too_big; /* its data would run into the central directory */
};

/* Fields from the extra block: zip64 sizes (0x0001), Unix mtime (0x5455). */
static void
parse_extra(struct zentry *e, const unsigned char *x, size_t n, bool central,
            bool need_usize, bool need_csize, bool need_off)
{
    while (n >= 4) {
        uint16_t id = le16(x), sz = le16(x + 2);
        if ((size_t)sz + 4 > n)
            break;
        const unsigned char *d = x + 4;
        if (id == 0x0001) {
            size_t k = 0;
            e->zip64 = true;
            if (need_usize && k + 8 <= sz) {
                e->usize = le64(d + k);
                k += 8;
            }
            if (need_csize && k + 8 <= sz) {
                e->csize = le64(d + k);
                k += 8;
            }
            if (need_off && central && k + 8 <= sz)
                e->offset = le64(d + k);
        } else if (id == 0x5455 && sz >= 5 && (d[0] & 1)) {
            e->mtime = (int64_t)(int32_t)le32(d + 1);
        }
        x += 4 + sz;
        n -= 4 + (size_t)sz;
    }
}

/* ---- member data as a stream ----------------------------------------- */

struct member {
    struct md_stream s;
    struct md_walk *w;
    struct md_bufsrc *src;
    const struct zentry *e;
    bool known_size; /* csize is reliable (central directory, or no DD) */
    z_stream z;
    bool zinit;
    bool done;    /* all data delivered */
    bool checked; /* CRC and size verified (or failed) */
    bool have_dd; /* the data descriptor was read while scanning */
    uint32_t dd_crc;
    uint64_t dd_csize, dd_usize;
    uint64_t in, out;
    uint32_t crc;
};

static ssize_t
member_fail_src(struct member *m)
{
    struct md_stream *ss = m->src->src;
    if (ss->st == MD_ERR_TRUNCATED || ss->st == MD_OK)
        return md_stream_fail(&m->s, MD_ERR_TRUNCATED, NULL,
                              "member data ends early after %llu of its bytes",
                              (unsigned long long)m->in);
    return md_stream_fail(&m->s, ss->st, ss->limit, "%s", ss->err);
}

static size_t
dd_len(const struct member *m)
{
    return m->e->zip64 ? 20 : 12; /* without the optional signature */
}

/* Parse a data descriptor at p (signature optional) into the member. */
static void
dd_parse(struct member *m, const unsigned char *p, bool sig)
{
    size_t k = sig ? 4 : 0;
    m->dd_crc = le32(p + k);
    if (m->e->zip64) {
        m->dd_csize = le64(p + k + 4);
        m->dd_usize = le64(p + k + 12);
    } else {
        m->dd_csize = le32(p + k + 4);
        m->dd_usize = le32(p + k + 8);
    }
    m->have_dd = true;
}

/* After deflate data: read the data descriptor that follows it. */
static ssize_t
member_read_dd(struct member *m)
{
    size_t need = dd_len(m) + 4;
    ssize_t avail = md_bufsrc_fill(m->src, need);
    if (avail < 0 || (size_t)avail < need - 4)
        return member_fail_src(m);
    const unsigned char *p = m->src->buf + m->src->pos;
    bool sig = le32(p) == SIG_DD;
    if (sig && (size_t)avail < need)
        return member_fail_src(m);
    dd_parse(m, p, sig);
    md_bufsrc_skip(m->src, sig ? need : need - 4);
    return 0;
}

/* Verify CRC and size once all data has been delivered. */
static ssize_t
member_check(struct member *m)
{
    m->checked = true;
    uint32_t crc = m->e->crc;
    uint64_t usize = m->e->usize;
    if (!m->known_size && (m->e->flags & FLAG_DD)) {
        if (!m->have_dd && member_read_dd(m) < 0)
            return -1;
        crc = m->dd_crc;
        usize = m->dd_usize;
    }
    if (m->crc != crc)
        return md_stream_fail(&m->s, MD_ERR_CRC, NULL,
                              "crc mismatch: stored %08x, computed %08x",
                              (unsigned)crc, (unsigned)m->crc);
    if (m->out != usize)
        return md_stream_fail(&m->s, MD_ERR_CORRUPT, NULL,
                              "size mismatch: stored %llu, got %llu",
                              (unsigned long long)usize,
                              (unsigned long long)m->out);
    return 0;
}

/* Limits are checked after a read; the data is delivered and the next
 * read fails, so what came before the limit is still parsed. */
static void
member_check_limits(struct member *m, size_t got)
{
    const struct md_limits *l = &m->w->o->limits;
    if (!md_walk_account(m->w, got))
        md_stream_fail_late(&m->s, MD_ERR_LIMIT, "bundle_bytes",
                            "bundle larger than limit 'bundle_bytes' (%llu) "
                            "once decompressed",
                            (unsigned long long)l->bundle_bytes);
    else if (m->out > l->member_bytes)
        md_stream_fail_late(&m->s, MD_ERR_LIMIT, "member_bytes",
                            "member larger than limit 'member_bytes' (%llu) "
                            "once decompressed",
                            (unsigned long long)l->member_bytes);
    else if (m->out > (1u << 20) && m->out / (m->in ? m->in : 1) > l->ratio)
        md_stream_fail_late(&m->s, MD_ERR_LIMIT, "ratio",
                            "compression ratio above limit 'ratio' (%llu)",
                            (unsigned long long)l->ratio);
}

/* Stored data of known size. */
static size_t
read_stored(struct member *m, unsigned char *buf, size_t n, ssize_t avail)
{
    size_t k = (size_t)avail < n ? (size_t)avail : n;
    if (k > m->e->csize - m->in)
        k = (size_t)(m->e->csize - m->in);
    memcpy(buf, m->src->buf + m->src->pos, k);
    md_bufsrc_skip(m->src, k);
    if (m->in + k == m->e->csize)
        m->done = true;
    return k;
}

/*
 * Stored data followed by a data descriptor, size unknown (a zip written
 * to a pipe, read without its central directory): the data ends where a
 * descriptor signature is followed by the CRC and size of what came
 * before it. Bytes that could start a descriptor are held back.
 */
static size_t
read_stored_dd(struct member *m, unsigned char *buf, size_t n, ssize_t avail)
{
    const unsigned char *p = m->src->buf + m->src->pos;
    size_t full = 4 + dd_len(m), safe = 0;
    bool at_end = m->src->eof;
    for (size_t i = 0; i + 4 <= (size_t)avail; i++) {
        if (p[i] != 'P' || le32(p + i) != SIG_DD)
            continue;
        if (i + full > (size_t)avail && !at_end) {
            safe = i; /* not enough look-ahead: deliver up to it */
            goto deliver;
        }
        if (i + full > (size_t)avail)
            continue;
        struct member t = *m;
        dd_parse(&t, p + i, true);
        if (t.dd_csize == m->in + i && t.dd_usize == t.dd_csize &&
            crc32(m->crc, p, (uInt)i) == t.dd_crc) {
            if (i <= n) {
                memcpy(buf, p, i);
                dd_parse(m, p + i, true);
                md_bufsrc_skip(m->src, i + full);
                m->done = true;
                return i;
            }
            safe = i;
            goto deliver;
        }
    }
    safe = (size_t)avail;
    if (!at_end)
        safe = safe > full ? safe - full : 0;
deliver:
    if (safe > n)
        safe = n;
    memcpy(buf, p, safe);
    md_bufsrc_skip(m->src, safe);
    return safe;
}

static ssize_t
member_read(struct md_stream *s, unsigned char *buf, size_t n)
{
    struct member *m = (struct member *)s;
    if (md_stream_check(s) < 0)
        return -1;
    if (n > (1u << 30))
        n = 1u << 30;
    while (!m->done && n) {
        uint64_t left = m->known_size ? m->e->csize - m->in : UINT64_MAX;
        if (m->e->method == 0 && left == 0) {
            m->done = true;
            break;
        }
        ssize_t avail = md_bufsrc_fill(m->src, MD_BUFSRC_SIZE);
        if (avail < 0 || (avail == 0 && (left || m->e->method == 0)))
            return member_fail_src(m);
        size_t got, used;
        if (m->e->method == 0) {
            got = m->known_size ? read_stored(m, buf, n, avail)
                                : read_stored_dd(m, buf, n, avail);
            used = got;
            if (!got && !m->done)
                return member_fail_src(m);
        } else {
            size_t k = (size_t)avail < left ? (size_t)avail : (size_t)left;
            m->z.next_in = m->src->buf + m->src->pos;
            m->z.avail_in = (uInt)k;
            m->z.next_out = buf;
            m->z.avail_out = (uInt)n;
            int zr = inflate(&m->z, Z_NO_FLUSH);
            used = k - m->z.avail_in;
            got = n - m->z.avail_out;
            md_bufsrc_skip(m->src, used);
            if (zr == Z_STREAM_END)
                m->done = true;
            else if (zr == Z_BUF_ERROR && used == 0 && got == 0)
                return md_stream_fail(s, MD_ERR_TRUNCATED, NULL,
                                      "deflate data ends early after %llu "
                                      "bytes",
                                      (unsigned long long)m->in);
            else if (zr != Z_OK && zr != Z_BUF_ERROR)
                return md_stream_fail(s, MD_ERR_CORRUPT, NULL,
                                      "deflate data damaged after %llu bytes: "
                                      "%s",
                                      (unsigned long long)m->in,
                                      m->z.msg ? m->z.msg : "inflate error");
        }
        m->in += used;
        m->out += got;
        m->crc = (uint32_t)crc32(m->crc, buf, (uInt)got);
        member_check_limits(m, got);
        if (got)
            return (ssize_t)got; /* damage found at the end comes next call */
        if (md_stream_check(s) < 0)
            return -1;
    }
    if (m->done && !m->checked && member_check(m) < 0)
        return -1;
    return 0;
}

static void
member_init(struct member *m, struct md_walk *w, struct md_bufsrc *src,
            const struct zentry *e, bool known_size)
{
    memset(m, 0, sizeof *m);
    m->s.read = member_read;
    m->w = w;
    m->src = src;
    m->e = e;
    m->known_size = known_size;
}

/* A member's path in the bundle: its name, under the archive's own path
 * unless the archive is the bundle itself. */
static const char *
member_path(struct md_walk *w, const struct md_input *zin, const char *name)
{
    return md_walk_join(w, zin == w->root ? NULL : zin->path, name,
                        strlen(name));
}

/* Skip n bytes of src; false when it ends first. */
static bool
skip_bytes(struct md_bufsrc *src, uint64_t n)
{
    while (n) {
        ssize_t k = md_bufsrc_fill(src, MD_BUFSRC_SIZE);
        if (k <= 0)
            return false;
        size_t step = (uint64_t)k < n ? (size_t)k : (size_t)n;
        md_bufsrc_skip(src, step);
        n -= step;
    }
    return true;
}

/* Names are shown as stored and never used as file system paths, but a
 * name that would escape a folder or hide behind a NUL is worth saying. */
static void
check_name(struct md_arena *a, struct md_input *in, const struct zentry *e)
{
    const char *n = e->name;
    bool dotdot = !strcmp(n, "..") || !strncmp(n, "../", 3) ||
                  strstr(n, "/../") ||
                  (strlen(n) >= 3 && !strcmp(n + strlen(n) - 3, "/.."));
    bool absolute = n[0] == '/' ||
                    (((n[0] | 0x20) >= 'a' && (n[0] | 0x20) <= 'z') &&
                     n[1] == ':');
    if (dotdot || absolute || e->name_nul)
        md_input_diag(a, in, MD_GRADE_INFO, MD_ERR_CORRUPT, 0, MD_NO_OFFSET,
                      NULL,
                      "member name %s; shown as stored, never used as a "
                      "path",
                      e->name_nul ? "holds a NUL byte (cut there)"
                      : dotdot    ? "climbs out with '..'"
                                  : "is absolute");
}

/* Mark members whose data would overlap another's: in the "better zip
 * bomb" many central entries point into one local file, or each member's
 * data quotes the next one's header. Sorted by offset, a member must start
 * after the end of every member before it (header, name, extra and data,
 * as its local header says). A member whose data would run into the
 * central directory lies about its size: it is read (and found short),
 * but its claim shadows nobody. */
static int
by_offset(const void *x, const void *y)
{
    const struct zentry *a = *(const struct zentry *const *)x,
                        *b = *(const struct zentry *const *)y;
    if (a->offset != b->offset)
        return a->offset < b->offset ? -1 : 1;
    return a < b ? -1 : a > b; /* central directory order */
}

static size_t
mark_overlaps(struct zentry *ents, size_t count, uint64_t cd_start)
{
    struct zentry **v = malloc((count ? count : 1) * sizeof *v);
    size_t n = 0, k = 0;
    if (!v)
        return 0;
    for (size_t i = 0; i < count; i++) {
        struct zentry *e = &ents[i];
        if (!e->data)
            continue; /* no local header: reported when read */
        if (e->data > cd_start || e->csize > cd_start - e->data) {
            e->too_big = true;
            continue;
        }
        v[k++] = e;
    }
    qsort(v, k, sizeof *v, by_offset);
    uint64_t end = 0;
    const char *owner = NULL;
    for (size_t i = 0; i < k; i++) {
        if (owner && v[i]->offset < end) {
            v[i]->overlaps = owner;
            n++;
        }
        if (v[i]->data + v[i]->csize > end || !owner) {
            end = v[i]->data + v[i]->csize;
            owner = v[i]->overlaps ? v[i]->overlaps : v[i]->name;
        }
    }
    free(v);
    return n;
}

/*
 * Read one member's data through the walker. src is positioned at the
 * member's data. In streaming mode the member is always consumed to its
 * end so that src lands on the next header; *resync is set when that end
 * is unknown (damage, or a member that cannot be read) and the caller must
 * look for the next local header. Returns non-OK only for errors that stop
 * the whole archive (no memory).
 */
static enum md_status
read_member(struct md_walk *w, struct md_input *zin, struct md_bufsrc *src,
            const struct zentry *e, bool known_size, bool streaming,
            bool *resync)
{
    *resync = false;
    const char *path = member_path(w, zin, e->name);
    if (!path)
        return MD_ERR_NOMEM;
    size_t plen = strlen(path);
    struct md_input *in = NULL;
    if (!(plen && path[plen - 1] == '/')) { /* folder entries are not listed */
        in = md_walk_input(w, path, zin->depth + 1, e->mtime);
        if (!in && !w->entries_refused)
            return MD_ERR_NOMEM;
    }
    struct md_arena *a = &w->b->arena;
    if (in)
        check_name(a, in, e);
    if (in && e->too_big)
        md_input_diag(a, in, MD_GRADE_WARN, MD_ERR_CORRUPT, 0, e->offset,
                      NULL,
                      "claims %llu compressed bytes, more than the archive "
                      "holds before its central directory",
                      (unsigned long long)e->csize);
    const char *cannot = NULL;
    enum md_status why = MD_OK;
    if (e->overlaps) {
        cannot = "overlap";
        why = MD_ERR_CORRUPT;
    } else if (e->flags & (FLAG_ENCRYPTED | FLAG_STRONG)) {
        cannot = "encrypted member; not read";
        why = MD_ERR_ENCRYPTED;
    } else if (e->method != 0 && e->method != 8) {
        cannot = "compression method not supported; not read";
        why = MD_ERR_METHOD;
    }
    if (cannot && e->overlaps) {
        if (in)
            md_input_diag(a, in, MD_GRADE_FATAL, why, 0, e->offset, NULL,
                          "data overlaps member '%s' (the shape of a zip "
                          "bomb); not read",
                          e->overlaps);
        return MD_OK;
    }
    if (cannot) {
        if (in)
            md_input_diag(a, in, MD_GRADE_FATAL, why, 0, 0, NULL,
                          "%s (method %u, flags 0x%04x)", cannot, e->method,
                          e->flags);
        if (streaming && known_size && !skip_bytes(src, e->csize) && in)
            md_input_diag(a, in, MD_GRADE_FAILED, MD_ERR_TRUNCATED, 0, 0,
                          NULL, "archive ends inside this member");
        *resync = streaming && !known_size;
        return MD_OK;
    }
    struct member m;
    member_init(&m, w, src, e, known_size);
    if (e->method == 8) {
        if (inflateInit2(&m.z, -MAX_WBITS) != Z_OK)
            return MD_ERR_NOMEM;
        m.zinit = true;
    }
    enum md_status rc = MD_OK;
    if (in)
        rc = md_walk_entry(w, in, &m.s);
    /* In a stream, land on the next header. A member that was read (a
     * parsed text, an opened archive) is read to its end, so that its
     * CRC is checked. One nobody read (skipped, not listed, an archive
     * too deep to open) is skipped at its compressed size when that is
     * known, as a member of a zip on disk is never read unless consumed:
     * a nested bomb nobody looks at (42.zip's innermost zips) must not
     * be inflated. With a data descriptor the end is found only by
     * reading on (the limits bound that). In a file, each member has its
     * own window: no need. */
    bool unread = !in || !in->type ||
                  (in->has_diag && in->worst >= MD_GRADE_FAILED);
    if (streaming && m.s.st == MD_OK && known_size && !m.done && unread) {
        if (!skip_bytes(src, e->csize - m.in)) {
            if (in)
                md_input_diag(a, in, MD_GRADE_FAILED, MD_ERR_TRUNCATED, 0,
                              0, NULL, "archive ends inside this member");
            *resync = true;
        }
    } else if (streaming && m.s.st == MD_OK) {
        unsigned char tmp[16384];
        while (member_read(&m.s, tmp, sizeof tmp) > 0)
            ;
    }
    if (m.s.st != MD_OK) {
        if (in && (!in->has_diag || in->worst < MD_GRADE_FAILED))
            md_input_diag(a, in, MD_GRADE_FAILED, m.s.st, 0, m.out,
                          m.s.limit, "%s", m.s.err);
        if (streaming) {
            /* With a known size, skip what is left of the data; else the
             * next header must be found by its signature. */
            if (known_size && m.in < e->csize)
                *resync = !skip_bytes(src, e->csize - m.in);
            else
                *resync = !known_size;
        }
    }
    if (m.zinit)
        inflateEnd(&m.z);
    return rc;
}

/* ---- streaming walk over local headers ------------------------------- */

/* Skip to the next local header signature; false at the end. */
static bool
resync_local(struct md_bufsrc *src, uint64_t *skipped)
{
    for (;;) {
        ssize_t avail = md_bufsrc_fill(src, MD_BUFSRC_SIZE);
        if (avail < 4)
            return false;
        const unsigned char *p = src->buf + src->pos;
        for (size_t i = 0; i + 4 <= (size_t)avail; i++) {
            if (p[i] == 'P' && le32(p + i) == SIG_LOCAL) {
                md_bufsrc_skip(src, i);
                *skipped += i;
                return true;
            }
        }
        md_bufsrc_skip(src, (size_t)avail - 3);
        *skipped += (size_t)avail - 3;
    }
}

enum md_status
md_zip_read_stream(struct md_walk *w, struct md_input *zin,
                   struct md_bufsrc *src)
{
    struct md_arena *a = &w->b->arena;
    enum md_status rc = MD_OK;
    uint64_t nmembers = 0;
    for (;;) {
        ssize_t avail = md_bufsrc_fill(src, 30);
        if (avail < 0) {
            struct md_stream *s = src->src;
            md_input_diag(a, zin, MD_GRADE_FAILED, s->st, 0, src->consumed,
                          s->limit, "%s", s->err);
            break;
        }
        if (avail < 4)
            break;
        const unsigned char *p = src->buf + src->pos;
        uint32_t sig = le32(p);
        if (sig == SIG_CENTRAL || sig == SIG_EOCD || sig == SIG_EOCD64)
            break; /* the central directory: every member has been seen */
        if (sig != SIG_LOCAL) {
            uint64_t at = src->consumed, skipped = 0;
            md_bufsrc_skip(src, 1);
            bool found = resync_local(src, &skipped);
            md_input_diag(a, zin, MD_GRADE_WARN, MD_ERR_CORRUPT, 0, at, NULL,
                          "no member header at byte %llu; skipped %llu "
                          "bytes%s",
                          (unsigned long long)at,
                          (unsigned long long)skipped + 1,
                          found ? " to the next one" : " to the end");
            if (!found)
                break;
            continue;
        }
        if (avail < 30) {
            md_input_diag(a, zin, MD_GRADE_FAILED, MD_ERR_TRUNCATED, 0,
                          src->consumed, NULL,
                          "archive ends inside a member header");
            break;
        }
        struct zentry e = {0};
        e.flags = le16(p + 6);
        e.method = le16(p + 8);
        e.mtime = dos_time(le16(p + 12), le16(p + 10));
        e.crc = le32(p + 14);
        e.csize = le32(p + 18);
        e.usize = le32(p + 22);
        size_t nlen = le16(p + 26), xlen = le16(p + 28);
        uint64_t hdr_at = src->consumed;
        avail = md_bufsrc_fill(src, 30 + nlen + xlen);
        if (avail < 0 || (size_t)avail < 30 + nlen + xlen) {
            md_input_diag(a, zin, MD_GRADE_FAILED, MD_ERR_TRUNCATED, 0,
                          hdr_at, NULL,
                          "archive ends inside a member header");
            break;
        }
        p = src->buf + src->pos;
        char *name = md_arena_strndup(a, (const char *)p + 30, nlen);
        if (!name) {
            rc = MD_ERR_NOMEM;
            break;
        }
        e.name_nul = memchr(p + 30, 0, nlen) != NULL;
        for (char *c = name; *c; c++)
            if (*c == '\\')
                *c = '/';
        e.name = name;
        parse_extra(&e, p + 30 + nlen, xlen, false, e.usize == 0xFFFFFFFFu,
                    e.csize == 0xFFFFFFFFu, false);
        md_bufsrc_skip(src, 30 + nlen + xlen);
        nmembers++;
        /* With a data descriptor the local sizes are zero: the end of the
         * data is found by inflating, or by scanning for the descriptor. */
        bool known = !(e.flags & FLAG_DD);
        bool resync = false;
        if ((rc = read_member(w, zin, src, &e, known, true, &resync)) !=
            MD_OK)
            break;
        if (resync) {
            uint64_t skipped = 0;
            if (!resync_local(src, &skipped))
                break;
        }
    }
    if (nmembers == 0 && !zin->has_diag)
        md_input_diag(a, zin, MD_GRADE_INFO, MD_OK, 0, MD_NO_OFFSET, NULL,
                      "archive has no members");
    return rc;
}

/* ---- central directory ---------------------------------------------- */

struct cdir {
    struct zentry *v;
    size_t n;
    uint64_t cd_off, cd_size, nentries;
    uint64_t claimed; /* entries the end record announces */
    int64_t shift; /* bytes prepended to the archive (self-extractors) */
};

static ssize_t
pread_all(int fd, void *buf, size_t n, uint64_t off)
{
    struct md_fd_stream fs;
    md_fd_stream_init(&fs, fd, off, n);
    size_t got = 0;
    while (got < n) {
        ssize_t r = fs.s.read(&fs.s, (unsigned char *)buf + got, n - got);
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return (ssize_t)got;
}

/* Find and read the end records. Returns false when there is no usable
 * end of central directory (the caller salvages from local headers). */
static bool
find_eocd(int fd, uint64_t size, struct cdir *cd, const char **why)
{
    size_t tail = size < 65557 ? (size_t)size : 65557;
    unsigned char *buf = malloc(tail ? tail : 1);
    bool ok = false;
    *why = "no end of central directory record";
    if (!buf || tail < 22 || pread_all(fd, buf, tail, size - tail) < 0)
        goto out;
    for (size_t i = tail - 22 + 1; i-- > 0;) {
        if (buf[i] != 'P' || le32(buf + i) != SIG_EOCD)
            continue;
        const unsigned char *p = buf + i;
        uint64_t eocd_at = size - tail + i;
        cd->nentries = le16(p + 10);
        cd->cd_size = le32(p + 12);
        cd->cd_off = le32(p + 16);
        if (cd->nentries == 0xFFFF || cd->cd_size == 0xFFFFFFFFu ||
            cd->cd_off == 0xFFFFFFFFu) {
            /* zip64: locator just before the end record. */
            unsigned char loc[20], e64[56];
            if (eocd_at < 20 || pread_all(fd, loc, 20, eocd_at - 20) < 0 ||
                le32(loc) != SIG_LOC64) {
                *why = "zip64 end locator missing";
                goto out;
            }
            uint64_t e64_at = le64(loc + 8);
            if (e64_at + 56 > size || pread_all(fd, e64, 56, e64_at) < 0 ||
                le32(e64) != SIG_EOCD64) {
                *why = "zip64 end record missing";
                goto out;
            }
            cd->nentries = le64(e64 + 32);
            cd->cd_size = le64(e64 + 40);
            cd->cd_off = le64(e64 + 48);
            cd->shift = (int64_t)e64_at - (int64_t)(cd->cd_off + cd->cd_size);
        } else {
            cd->shift = (int64_t)eocd_at - (int64_t)(cd->cd_off + cd->cd_size);
        }
        if (cd->shift < 0 || cd->cd_off + (uint64_t)cd->shift + cd->cd_size >
                                 size) {
            *why = "central directory lies outside the file";
            goto out;
        }
        ok = true;
        break;
    }
out:
    free(buf);
    return ok;
}

static bool
read_cdir(struct md_walk *w, int fd, struct cdir *cd, const char **why)
{
    struct md_arena *a = &w->b->arena;
    cd->claimed = cd->nentries;
    if (cd->nentries > w->o->limits.entries)
        cd->nentries = w->o->limits.entries + 1; /* the walker reports it */
    if (cd->cd_size > (512u << 20)) {
        *why = "central directory larger than 512 MiB";
        return false;
    }
    unsigned char *buf = malloc(cd->cd_size ? cd->cd_size : 1);
    if (!buf) {
        *why = "out of memory";
        return false;
    }
    bool ok = false;
    if (pread_all(fd, buf, cd->cd_size, cd->cd_off + (uint64_t)cd->shift) < 0) {
        *why = "central directory cannot be read";
        goto out;
    }
    cd->v = md_arena_calloc(a, (cd->nentries ? cd->nentries : 1) *
                                   sizeof *cd->v);
    if (!cd->v) {
        *why = "out of memory";
        goto out;
    }
    size_t off = 0;
    for (cd->n = 0; cd->n < cd->nentries; cd->n++) {
        if (off + 46 > cd->cd_size || le32(buf + off) != SIG_CENTRAL) {
            *why = "central directory damaged";
            goto out;
        }
        const unsigned char *p = buf + off;
        struct zentry *e = &cd->v[cd->n];
        e->flags = le16(p + 8);
        e->method = le16(p + 10);
        e->mtime = dos_time(le16(p + 14), le16(p + 12));
        e->crc = le32(p + 16);
        e->csize = le32(p + 20);
        e->usize = le32(p + 24);
        size_t nlen = le16(p + 28), xlen = le16(p + 30), clen = le16(p + 32);
        e->offset = le32(p + 42);
        if (off + 46 + nlen + xlen + clen > cd->cd_size) {
            *why = "central directory damaged";
            goto out;
        }
        char *name = md_arena_strndup(a, (const char *)p + 46, nlen);
        if (!name) {
            *why = "out of memory";
            goto out;
        }
        e->name_nul = memchr(p + 46, 0, nlen) != NULL;
        for (char *c = name; *c; c++)
            if (*c == '\\')
                *c = '/';
        e->name = name;
        parse_extra(e, p + 46 + nlen, xlen, true, e->usize == 0xFFFFFFFFu,
                    e->csize == 0xFFFFFFFFu, e->offset == 0xFFFFFFFFu);
        e->offset += (uint64_t)cd->shift;
        off += 46 + nlen + xlen + clen;
    }
    ok = true;
out:
    free(buf);
    return ok;
}

/* Where the data of the member whose local header is at off starts, or 0
 * when there is no local header there. */
static uint64_t
local_data(int fd, uint64_t size, uint64_t off)
{
    unsigned char lh[30];
    if (off > size || size - off < 30 || pread_all(fd, lh, 30, off) < 0 ||
        le32(lh) != SIG_LOCAL)
        return 0;
    return off + 30 + le16(lh + 26) + le16(lh + 28);
}

enum md_status
md_zip_read_fd(struct md_walk *w, struct md_input *zin, int fd, uint64_t size)
{
    struct md_arena *a = &w->b->arena;
    struct cdir cd = {0};
    const char *why = NULL;
    enum md_status rc = MD_OK;
    zin->bytes = size;
    if (!find_eocd(fd, size, &cd, &why) || !read_cdir(w, fd, &cd, &why)) {
        md_input_diag(a, zin, MD_GRADE_WARN, MD_ERR_CORRUPT, 0, MD_NO_OFFSET,
                      NULL, "%s; members recovered from local headers", why);
        struct md_fd_stream fs;
        md_fd_stream_init(&fs, fd, 0, size);
        struct md_bufsrc src;
        if ((rc = md_bufsrc_init(&src, &fs.s)) != MD_OK)
            return rc;
        rc = md_zip_read_stream(w, zin, &src);
        md_bufsrc_free(&src);
        return rc;
    }
    if (cd.n == 0)
        md_input_diag(a, zin, MD_GRADE_INFO, MD_OK, 0, MD_NO_OFFSET, NULL,
                      "archive has no members");
    uint64_t cd_start = cd.cd_off + (uint64_t)cd.shift;
    for (size_t i = 0; i < cd.n; i++)
        cd.v[i].data = local_data(fd, size, cd.v[i].offset);
    size_t overlapping = mark_overlaps(cd.v, cd.n, cd_start);
    if (overlapping)
        md_input_diag(a, zin, MD_GRADE_WARN, MD_ERR_CORRUPT, 0, MD_NO_OFFSET,
                      NULL,
                      "%zu member%s overlap%s others and %s not read",
                      overlapping, overlapping == 1 ? "" : "s",
                      overlapping == 1 ? "s" : "", overlapping == 1 ? "is"
                                                                    : "are");
    for (size_t i = 0; i < cd.n && rc == MD_OK; i++) {
        struct zentry *e = &cd.v[i];
        if (!e->data) {
            const char *path = member_path(w, zin, e->name);
            struct md_input *in =
                path ? md_walk_input(w, path, zin->depth + 1, e->mtime) : NULL;
            if (in)
                md_input_diag(a, in, MD_GRADE_FATAL, MD_ERR_CORRUPT, 0,
                              e->offset, NULL,
                              "no member header at byte %llu",
                              (unsigned long long)e->offset);
            continue;
        }
        /* A member that claims more than lies before the central
         * directory is read up to there and found short. */
        uint64_t window = e->csize;
        if (e->too_big)
            window = e->data < cd_start ? cd_start - e->data : 0;
        struct md_fd_stream fs;
        md_fd_stream_init(&fs, fd, e->data, window);
        struct md_bufsrc src;
        if ((rc = md_bufsrc_init(&src, &fs.s)) != MD_OK)
            break;
        bool resync;
        rc = read_member(w, zin, &src, e, true, false, &resync);
        md_bufsrc_free(&src);
    }
    /* Central entries beyond the 'entries' limit were not even parsed;
     * count them among those not read. */
    if (cd.claimed > cd.n)
        w->entries_refused += cd.claimed - cd.n;
    return rc;
}
