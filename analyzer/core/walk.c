/*
 * The bundle walker: a path becomes a stream of entries (DESIGN §1 stage 1).
 * Folders are walked in byte order of names so output is deterministic; a
 * file is a zip (read from its central directory), a gzip, or a text
 * entry; members are dispatched by their first bytes, whatever their names.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "marsdiag/sha256.h"
#include "parser.h"
#include "walk.h"

const char *
md_version(void)
{
    return MARSDIAG_VERSION;
}

void
md_bundle_init(struct md_bundle *b, const char *path)
{
    memset(b, 0, sizeof *b);
    b->path = path;
    b->tail = &b->inputs;
}

void
md_bundle_free(struct md_bundle *b)
{
    md_arena_free(&b->arena);
    b->inputs = NULL;
    b->tail = &b->inputs;
    b->ninputs = 0;
}

struct md_input *
md_walk_input(struct md_walk *w, const char *path, unsigned depth,
              int64_t mtime)
{
    struct md_bundle *b = w->b;
    if (b->ninputs >= w->o->limits.entries) {
        w->entries_refused++;
        return NULL;
    }
    struct md_input *in = md_arena_calloc(&b->arena, sizeof *in);
    if (!in)
        return NULL;
    in->bundle = b->path;
    in->path = path;
    in->depth = depth;
    in->mtime = mtime;
    in->diag_tail = &in->diags;
    *b->tail = in;
    b->tail = &in->next;
    b->ninputs++;
    b->stats.entries++;
    return in;
}

const char *
md_walk_join(struct md_walk *w, const char *dir, const char *name,
             size_t name_len)
{
    if (!dir || !*dir || strcmp(dir, ".") == 0)
        return md_arena_strndup(&w->b->arena, name, name_len);
    return md_arena_printf(&w->b->arena, "%s/%.*s", dir, (int)name_len, name);
}

bool
md_walk_account(struct md_walk *w, uint64_t n)
{
    w->data_total += n;
    return w->data_total <= w->o->limits.bundle_bytes;
}

static bool
is_zip_magic(const unsigned char *p, size_t n)
{
    return n >= 4 && p[0] == 'P' && p[1] == 'K' &&
           ((p[2] == 3 && p[3] == 4) || (p[2] == 5 && p[3] == 6) ||
            (p[2] == '0' && p[3] == '0'));
}

static bool
is_gzip_magic(const unsigned char *p, size_t n)
{
    return n >= 3 && p[0] == 0x1F && p[1] == 0x8B && p[2] == 8;
}

enum md_status
md_walk_entry(struct md_walk *w, struct md_input *in, struct md_stream *data)
{
    struct md_bufsrc src;
    enum md_status rc = md_bufsrc_init(&src, data);
    if (rc != MD_OK)
        return rc;
    ssize_t n = md_bufsrc_peek(&src, 4);
    if (n < 0) {
        md_input_diag(&w->b->arena, in, MD_GRADE_FATAL, data->st, 0, 0,
                      data->limit, "%s", data->err);
        goto out;
    }
    const unsigned char *head = src.buf + src.pos;
    bool zip = is_zip_magic(head, (size_t)n), gz = is_gzip_magic(head, (size_t)n);
    if ((zip || gz) && in->depth >= w->o->limits.depth) {
        in->type = zip ? "zip" : "gzip";
        md_input_diag(&w->b->arena, in, MD_GRADE_FAILED, MD_ERR_LIMIT, 0,
                      MD_NO_OFFSET, "depth",
                      "archive nested deeper than limit 'depth' (%llu); "
                      "not opened",
                      (unsigned long long)w->o->limits.depth);
        goto out;
    }
    if (zip) {
        in->type = "zip";
        rc = md_zip_read_stream(w, in, &src);
    } else if (gz) {
        in->type = "gzip";
        rc = md_gz_read(w, in, &src);
    } else {
        rc = md_pipeline_run(w, in, &src);
    }
out:
    md_bufsrc_free(&src);
    return rc;
}

/* ---- files and folders ---------------------------------------------- */

static enum md_status walk_path(struct md_walk *w, const char *fs_path,
                                const char *rel, unsigned dir_depth);

static int
cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static enum md_status
walk_dir(struct md_walk *w, struct md_input *din, const char *fs_path,
         const char *rel, unsigned dir_depth)
{
    DIR *d = opendir(fs_path);
    if (!d) {
        md_input_diag(&w->b->arena, din, MD_GRADE_FATAL, MD_ERR_IO, 0,
                      MD_NO_OFFSET, NULL, "cannot open folder '%s': %s",
                      fs_path, strerror(errno));
        return MD_OK;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    enum md_status rc = MD_OK;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) {
                rc = MD_ERR_NOMEM;
                goto out;
            }
            names = nn;
        }
        if (!(names[n] = strdup(de->d_name))) {
            rc = MD_ERR_NOMEM;
            goto out;
        }
        n++;
    }
    qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n && rc == MD_OK; i++) {
        char *child = NULL;
        size_t len = strlen(fs_path) + strlen(names[i]) + 2;
        if (!(child = malloc(len))) {
            rc = MD_ERR_NOMEM;
            break;
        }
        snprintf(child, len, "%s/%s", fs_path, names[i]);
        const char *crel = md_walk_join(w, rel, names[i], strlen(names[i]));
        rc = crel ? walk_path(w, child, crel, dir_depth + 1) : MD_ERR_NOMEM;
        free(child);
    }
out:
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    closedir(d);
    return rc;
}

static void
hash_file(struct md_bundle *b, int fd, uint64_t size)
{
    struct md_sha256 h;
    md_sha256_init(&h);
    unsigned char buf[65536];
    uint64_t off = 0;
    while (off < size) {
        ssize_t r = pread(fd, buf, sizeof buf, (off_t)off);
        if (r <= 0)
            return;
        md_sha256_update(&h, buf, (size_t)r);
        off += (uint64_t)r;
    }
    md_sha256_final(&h, b->sha256);
    b->have_sha256 = true;
}

static enum md_status
walk_file(struct md_walk *w, struct md_input *in, const char *fs_path,
          const struct stat *stp, bool top)
{
    int fd = open(fs_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        md_input_diag(&w->b->arena, in, MD_GRADE_FATAL, MD_ERR_IO, 0,
                      MD_NO_OFFSET, NULL, "cannot open '%s': %s", fs_path,
                      strerror(errno));
        return MD_OK;
    }
    uint64_t size = (uint64_t)stp->st_size;
    w->b->stats.bytes_in += size;
    if (top) {
        w->b->size = size;
        if (w->o->want_sha256)
            hash_file(w->b, fd, size);
    }
    unsigned char magic[4] = {0};
    ssize_t r = pread(fd, magic, 4, 0);
    enum md_status rc;
    if (r == 4 && is_zip_magic(magic, 4)) {
        in->type = "zip";
        rc = md_zip_read_fd(w, in, fd, size);
    } else {
        struct md_fd_stream fs;
        md_fd_stream_init(&fs, fd, 0, size);
        rc = md_walk_entry(w, in, &fs.s);
    }
    close(fd);
    return rc;
}

static enum md_status
walk_path(struct md_walk *w, const char *fs_path, const char *rel,
          unsigned dir_depth)
{
    struct stat st;
    struct md_input *in;
    if (lstat(fs_path, &st) != 0) {
        in = md_walk_input(w, rel, 0, 0);
        if (in)
            md_input_diag(&w->b->arena, in, MD_GRADE_FATAL, MD_ERR_IO, 0,
                          MD_NO_OFFSET, NULL, "cannot read '%s': %s", fs_path,
                          strerror(errno));
        return MD_OK;
    }
    if (!(in = md_walk_input(w, rel, 0, (int64_t)st.st_mtime)))
        return w->entries_refused ? MD_OK : MD_ERR_NOMEM;
    if (S_ISLNK(st.st_mode)) {
        md_input_diag(&w->b->arena, in, MD_GRADE_INFO, MD_OK, 0, MD_NO_OFFSET,
                      NULL, "symbolic link not followed");
        return MD_OK;
    }
    if (S_ISDIR(st.st_mode)) {
        in->type = "directory";
        if (dir_depth >= w->o->limits.dir_depth) {
            md_input_diag(&w->b->arena, in, MD_GRADE_FAILED, MD_ERR_LIMIT, 0,
                          MD_NO_OFFSET, "dir_depth",
                          "folder deeper than limit 'dir_depth' (%llu); "
                          "not read",
                          (unsigned long long)w->o->limits.dir_depth);
            return MD_OK;
        }
        return walk_dir(w, in, fs_path, rel, dir_depth);
    }
    if (!S_ISREG(st.st_mode)) {
        md_input_diag(&w->b->arena, in, MD_GRADE_INFO, MD_OK, 0, MD_NO_OFFSET,
                      NULL, "not a regular file");
        return MD_OK;
    }
    return walk_file(w, in, fs_path, &st, false);
}

static void
walk_begin(struct md_walk *w, struct md_bundle *b, const struct md_scan_opts *o)
{
    memset(w, 0, sizeof *w);
    w->b = b;
    w->o = o;
    w->force = o->force;
}

static void
walk_end(struct md_walk *w)
{
    if (w->entries_refused && w->root)
        md_input_diag(&w->b->arena, w->root, MD_GRADE_FAILED, MD_ERR_LIMIT, 0,
                      MD_NO_OFFSET, "entries",
                      "limit 'entries' (%llu) reached; %llu more entries "
                      "not read",
                      (unsigned long long)w->o->limits.entries,
                      (unsigned long long)w->entries_refused);
    md_arena_free(&w->scratch);
}

static const char *
base_of(const char *path)
{
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/')
        n--;
    size_t i = n;
    while (i > 0 && path[i - 1] != '/')
        i--;
    return i == n ? path : path + i;
}

enum md_status
md_scan_path(struct md_bundle *b, const struct md_scan_opts *o)
{
    struct md_walk w;
    walk_begin(&w, b, o);
    struct stat st;
    enum md_status rc = MD_OK;
    if (stat(b->path, &st) != 0) {
        b->status = errno == ENOENT ? MD_ERR_NOTFOUND : MD_ERR_IO;
        snprintf(b->error, sizeof b->error, "cannot read '%s': %s", b->path,
                 strerror(errno));
        rc = b->status;
        goto out;
    }
    if (S_ISDIR(st.st_mode)) {
        if (!(w.root = md_walk_input(&w, ".", 0, (int64_t)st.st_mtime)))
            return MD_ERR_NOMEM;
        w.root->type = "directory";
        rc = walk_dir(&w, w.root, b->path, ".", 0);
    } else {
        b->is_file = true;
        const char *base = base_of(b->path);
        size_t blen = strlen(base);
        while (blen > 1 && base[blen - 1] == '/')
            blen--;
        const char *rel = md_arena_strndup(&b->arena, base, blen);
        if (!rel || !(w.root = md_walk_input(&w, rel, 0, (int64_t)st.st_mtime)))
            return MD_ERR_NOMEM;
        rc = walk_file(&w, w.root, b->path, &st, true);
        if (w.root->has_diag && w.root->worst == MD_GRADE_FATAL &&
            w.root->diags) {
            b->status = w.root->diags->code ? w.root->diags->code : MD_ERR_IO;
            snprintf(b->error, sizeof b->error, "%s", w.root->diags->msg);
        }
    }
out:
    walk_end(&w);
    return rc;
}

enum md_status
md_scan_memory(struct md_bundle *b, const char *name, const void *data,
               size_t len, const struct md_scan_opts *o)
{
    struct md_walk w;
    walk_begin(&w, b, o);
    b->stats.bytes_in = len;
    const char *rel = md_arena_strdup(&b->arena, name);
    if (!rel || !(w.root = md_walk_input(&w, rel, 0, 0)))
        return MD_ERR_NOMEM;
    struct md_mem_stream ms;
    md_mem_stream_init(&ms, data, len);
    enum md_status rc = md_walk_entry(&w, w.root, &ms.s);
    walk_end(&w);
    return rc;
}

enum md_status
md_parse_memory(struct md_bundle *b, const struct md_parser *p,
                const char *name, const void *data, size_t len, int64_t mtime,
                const struct md_scan_opts *o)
{
    struct md_walk w;
    walk_begin(&w, b, o);
    w.force = p;
    b->stats.bytes_in = len;
    const char *rel = md_arena_strdup(&b->arena, name);
    if (!rel || !(w.root = md_walk_input(&w, rel, 0, mtime)))
        return MD_ERR_NOMEM;
    struct md_mem_stream ms;
    md_mem_stream_init(&ms, data, len);
    struct md_bufsrc src;
    enum md_status rc = md_bufsrc_init(&src, &ms.s);
    if (rc == MD_OK)
        rc = md_pipeline_run(&w, w.root, &src);
    md_bufsrc_free(&src);
    walk_end(&w);
    return rc;
}
