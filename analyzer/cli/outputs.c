/* --format and --output FMT:FILE for the commands that write reports
 * (outputs.h). */
#include "outputs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "setup.h"

static const char *const names[CLI_NFORMATS] = {
    [CLI_FMT_TEXT] = "text", [CLI_FMT_JSON] = "json",
    [CLI_FMT_SARIF] = "sarif", [CLI_FMT_MD] = "md",
    [CLI_FMT_HTML] = "html",
};

int
cli_format_find(const char *name, size_t len)
{
    for (int i = 0; i < CLI_NFORMATS; i++)
        if (strlen(names[i]) == len && !strncmp(names[i], name, len))
            return i;
    cli_error("unknown format '%.*s' (text, json, sarif, md or html)",
              (int)len, name);
    return -1;
}

bool
cli_outputs_add(struct cli_outputs *outs, const char *arg)
{
    if (outs->n == CLI_MAX_OUTPUTS) {
        cli_error("too many --output options (at most %d)", CLI_MAX_OUTPUTS);
        return false;
    }
    const char *colon = strchr(arg, ':');
    if (!colon || !colon[1]) {
        cli_error("--output takes FORMAT:FILE, not '%s'", arg);
        return false;
    }
    int fmt = cli_format_find(arg, (size_t)(colon - arg));
    if (fmt < 0)
        return false;
    /* '-' is standard output elsewhere (batch --summary FMT:-, @-), and
     * here it would have made a file named '-'; standard output already
     * gets --format. */
    if (!strcmp(colon + 1, "-")) {
        cli_error("--output %.*s:- : standard output gets --format; use "
                  "--format %.*s for it",
                  (int)(colon - arg), arg, (int)(colon - arg), arg);
        return false;
    }
    outs->o[outs->n++] = (struct cli_output){(enum cli_format)fmt, colon + 1};
    return true;
}

/* ---- where a write lands ------------------------------------------------ */

/* Links followed before giving up, as the kernel's own limit. */
#define LINK_HOPS 40

/* A link on procfs (/proc/self/fd/1, which /dev/stdout and /dev/fd/1
 * lead to) stands for an open file, not a name: readlink shows where
 * that file was, and renaming over it would swap the file under the
 * shell that opened it. */
static bool
on_procfs(const struct stat *link)
{
    static int known; /* 0 unknown, 1 /proc is there, -1 it is not */
    static dev_t proc_dev;
    if (!known) {
        struct stat st;
        known = stat("/proc", &st) == 0 ? 1 : -1;
        proc_dev = st.st_dev;
    }
    return known > 0 && link->st_dev == proc_dev;
}

/* What the link at path points to, as a path (a relative target taken
 * from path's folder); NULL after setting errno. */
static char *
link_target(const char *path)
{
    char to[PATH_MAX];
    ssize_t n = readlink(path, to, sizeof to);
    if (n < 0)
        return NULL;
    if ((size_t)n == sizeof to) {
        errno = ENAMETOOLONG;
        return NULL;
    }
    const char *slash = strrchr(path, '/');
    size_t dir = to[0] == '/' || !slash ? 0 : (size_t)(slash - path) + 1;
    char *full = malloc(dir + (size_t)n + 1);
    if (!full)
        return NULL;
    memcpy(full, path, dir);
    memcpy(full + dir, to, (size_t)n);
    full[dir + (size_t)n] = '\0';
    return full;
}

enum dest { DEST_ERROR, DEST_REPLACE, DEST_IN_PLACE };

/*
 * How a document for path is written: DEST_REPLACE, via *file (malloc'd:
 * path, or the file its links end at, there or not yet) + ".tmp";
 * DEST_IN_PLACE, by opening path itself (what is not a regular file);
 * DEST_ERROR after setting errno (a loop of links, out of memory).
 * Only the last name is followed: rename replaces that one, and the
 * folders on the way may be links as they like.
 */
static enum dest
out_dest(const char *path, char **file)
{
    char *cur = strdup(path);
    for (int hop = 0; cur; hop++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || S_ISREG(st.st_mode)) {
            /* not there (yet): made; other errors: said when opened */
            *file = cur;
            return DEST_REPLACE;
        }
        if (!S_ISLNK(st.st_mode) || on_procfs(&st)) {
            free(cur);
            return DEST_IN_PLACE;
        }
        char *next = hop < LINK_HOPS ? link_target(cur) : NULL;
        if (hop == LINK_HOPS)
            errno = ELOOP;
        free(cur);
        cur = next;
    }
    return DEST_ERROR;
}

/* The document into an open f, which is closed; false when any of it
 * could not be written. */
static bool
fill_close(FILE *f, const char *path, cli_fill_fn *fill, const void *ctx)
{
    bool ok = fill(f, ctx);
    ok = !ferror(f) && ok;
    ok = fclose(f) == 0 && ok;
    if (!ok)
        cli_error("cannot write '%s'", path);
    return ok;
}

/* FILE.tmp, renamed over FILE once complete. */
static bool
write_replace(const char *file, cli_fill_fn *fill, const void *ctx)
{
    size_t n = strlen(file) + sizeof ".tmp";
    char *tmp = malloc(n);
    if (!tmp) {
        cli_error("out of memory");
        return false;
    }
    snprintf(tmp, n, "%s.tmp", file);
    /* a FILE.tmp left as a link (by a hand, not a run) is not written
     * through: that would truncate what it points to */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
                  0666);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
    if (!f) {
        cli_error("cannot write '%s': %s", tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        free(tmp);
        return false;
    }
    bool ok = fill_close(f, tmp, fill, ctx);
    if (ok && rename(tmp, file) != 0) {
        cli_error("cannot rename '%s' to '%s': %s", tmp, file,
                  strerror(errno));
        ok = false;
    }
    if (!ok)
        remove(tmp);
    free(tmp);
    return ok;
}

bool
cli_file_write(const char *path, cli_fill_fn *fill, const void *ctx)
{
    char *file = NULL;
    switch (out_dest(path, &file)) {
    case DEST_REPLACE: {
        bool ok = write_replace(file, fill, ctx);
        free(file);
        return ok;
    }
    case DEST_IN_PLACE: {
        FILE *f = fopen(path, "w");
        if (!f)
            break;
        return fill_close(f, path, fill, ctx);
    }
    case DEST_ERROR:
        break;
    }
    cli_error("cannot write '%s': %s", path, strerror(errno));
    return false;
}

/* One --output's document, for cli_file_write. */
struct output_doc {
    cli_doc_fn *write;
    enum cli_format fmt;
    const void *ctx;
};

static bool
fill_output(FILE *f, const void *ctx)
{
    const struct output_doc *d = ctx;
    d->write(f, d->fmt, d->ctx);
    return true;
}

bool
cli_outputs_write(const struct cli_outputs *outs, cli_doc_fn *write,
                  const void *ctx)
{
    bool wrote = true;
    for (size_t k = 0; k < outs->n; k++) {
        struct output_doc d = {write, outs->o[k].fmt, ctx};
        wrote = cli_file_write(outs->o[k].path, fill_output, &d) && wrote;
    }
    return wrote;
}

/* ---- an output that is an input ----------------------------------------- */

struct cli_file {
    const char *what, *fmt, *path; /* borrowed */
    bool out;
    /* what it is, found by the check */
    enum { ID_NONE, ID_INODE, ID_FOLDER, ID_ABSENT } id;
    dev_t dev;
    ino_t ino;
    char *real; /* ID_FOLDER, ID_ABSENT, outputs: the absolute path */
};

void
cli_files_add(struct cli_files *f, bool out, const char *what,
              const char *fmt, const char *path)
{
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        struct cli_file *v = realloc(f->v, cap * sizeof *v);
        if (!v) {
            f->nomem = true;
            return;
        }
        f->v = v;
        f->cap = cap;
    }
    f->v[f->n++] = (struct cli_file){
        .what = what, .fmt = fmt, .path = path, .out = out};
}

void
cli_files_outputs(struct cli_files *f, const struct cli_outputs *outs)
{
    for (size_t k = 0; k < outs->n; k++)
        cli_files_add(f, true, "--output", names[outs->o[k].fmt],
                      outs->o[k].path);
}

void
cli_files_setup(struct cli_files *f, const struct cli_setup *s)
{
    if (s->rules_dir)
        cli_files_add(f, false, "--rules", NULL, s->rules_dir);
    if (s->waivers_file)
        cli_files_add(f, false, "--waivers", NULL, s->waivers_file);
    if (s->red.key_file)
        cli_files_add(f, false, "--redact-key", NULL, s->red.key_file);
}

/* The absolute path of a name that need not exist: its folder resolved,
 * its last name as it is. NULL when the folder cannot be resolved (a
 * write there fails anyway) or memory ran out. */
static char *
absent_path(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    char *dir = slash ? strndup(path, (size_t)(slash - path) + 1)
                      : strdup(".");
    char *rdir = dir ? realpath(dir, NULL) : NULL;
    free(dir);
    if (!rdir)
        return NULL;
    size_t n = strlen(rdir) + strlen(base) + 2;
    char *full = malloc(n);
    if (full)
        snprintf(full, n, "%s%s%s", rdir,
                 rdir[strlen(rdir) - 1] == '/' ? "" : "/", base);
    free(rdir);
    return full;
}

/* Find what x is, where its links end: for an output, where
 * cli_file_write would write. */
static void
identify(struct cli_file *x)
{
    char *file = NULL;
    enum dest d = out_dest(x->path, &file);
    if (x->out && d != DEST_REPLACE)
        return; /* in place, or an error the write will say */
    const char *at = d == DEST_REPLACE ? file : x->path;
    struct stat st;
    if (stat(at, &st) != 0) {
        x->id = (x->real = absent_path(at)) ? ID_ABSENT : ID_NONE;
    } else if (S_ISDIR(st.st_mode)) {
        x->id = (x->real = realpath(at, NULL)) ? ID_FOLDER : ID_NONE;
    } else {
        x->id = ID_INODE;
        x->dev = st.st_dev;
        x->ino = st.st_ino;
        if (x->out) /* for an input folder it may be in */
            x->real = realpath(at, NULL);
    }
    free(file);
}

/* Output o is input or output x, or a file in folder x. */
static bool
same_file(const struct cli_file *o, const struct cli_file *x)
{
    if (o->id == ID_NONE || x->id == ID_NONE)
        return false;
    if (x->id == ID_FOLDER) {
        size_t n = strlen(x->real);
        if (n && x->real[n - 1] == '/')
            n--;
        return o->real && !strncmp(o->real, x->real, n) &&
               o->real[n] == '/';
    }
    if (o->id == ID_INODE && x->id == ID_INODE)
        return o->dev == x->dev && o->ino == x->ino;
    return o->id == ID_ABSENT && x->id == ID_ABSENT &&
           !strcmp(o->real, x->real);
}

/* How the command line named x: "--output md:FILE", "the bundle 'FILE'". */
static void
name_of(const struct cli_file *x, char *buf, size_t size)
{
    if (x->what[0] == '-')
        snprintf(buf, size, "%s %s%s%s", x->what, x->fmt ? x->fmt : "",
                 x->fmt ? ":" : "", x->path);
    else
        snprintf(buf, size, "the %s '%s'", x->what, x->path);
}

static void
say_same(const struct cli_file *o, const struct cli_file *x)
{
    char a[1100], b[1100];
    name_of(o, a, sizeof a);
    name_of(x, b, sizeof b);
    if (x->out)
        cli_error("%s and %s are the same file: give each output a file "
                  "of its own",
                  b, a);
    else if (x->id == ID_FOLDER)
        cli_error("%s is a file in %s: an output must not overwrite an "
                  "input",
                  a, b);
    else
        cli_error("%s is the same file as %s: an output must not "
                  "overwrite an input",
                  a, b);
}

int
cli_files_check(struct cli_files *f)
{
    int rc = EXIT_CLEAN;
    if (f->nomem) {
        cli_error("out of memory");
        rc = EXIT_UNREADABLE;
    }
    for (size_t i = 0; rc == EXIT_CLEAN && i < f->n; i++)
        identify(&f->v[i]);
    /* each output against every input, and the outputs before it */
    for (size_t i = 0; rc == EXIT_CLEAN && i < f->n; i++) {
        const struct cli_file *o = &f->v[i];
        for (size_t j = 0; o->out && j < f->n; j++) {
            const struct cli_file *x = &f->v[j];
            if (j != i && (!x->out || j < i) && same_file(o, x)) {
                say_same(o, x);
                rc = EXIT_USAGE;
                break;
            }
        }
    }
    for (size_t i = 0; i < f->n; i++)
        free(f->v[i].real);
    free(f->v);
    memset(f, 0, sizeof *f);
    return rc;
}
