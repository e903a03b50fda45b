/*
 * marsdiag batch PATH... -j N: many bundles on N worker threads that
 * share one compiled engine (DESIGN §2, §6). Each bundle's report —
 * the object 'scan --format json' writes, on one line — is written whole
 * with one write(2) as the bundle finishes, to standard output or
 * --ndjson FILE. --resume reads FILE first and skips what it already
 * reports, so a killed run loses nothing and repeats nothing; --shard
 * K/N takes a deterministic share; --summary writes the roll-up, built
 * from the same lines 'merge' reads. --redact strict gives each report
 * keyed pseudonyms (redact.h), learnt from its own bundle: reports are
 * written one at a time, and a key, not a table, keeps them in step.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "marsdiag/buf.h"
#include "marsdiag/decode.h"
#include "marsdiag/engine.h"
#include "marsdiag/redact.h"
#include "marsdiag/report.h"
#include "marsdiag/verdict.h"
#include "marsdiag/waivers.h"
#include "outputs.h"
#include "setup.h"
#include "summary.h"

#define MAX_JOBS 256

static const char batch_help[] =
    "usage: marsdiag batch [OPTIONS] PATH...\n"
    "\n"
    "Scan many bundles on N threads; write one NDJSON line per bundle\n"
    "(the report of 'scan --format json', schema marsdiag.report/1) as\n"
    "each finishes, and optionally the roll-up. PATH is a bundle (a zip,\n"
    "a .gz, a file), a folder of bundles (its .zip and .gz files and its\n"
    "subfolders, each one bundle, not recursively) or @LIST (a file with\n"
    "one bundle a line, taken as written; UTF-8, or UTF-16 as PowerShell's\n"
    "'>' writes it; '#' comments; @- reads standard input). A path given\n"
    "twice is scanned once.\n"
    "\n"
    "  -j, --jobs N        worker threads (default: the number of CPUs)\n"
    "  --ndjson FILE       write the reports to FILE (default: standard\n"
    "                      output); replaced unless --resume\n"
    "  --resume            keep FILE's reports, cut a torn last line, and\n"
    "                      scan only the bundles it does not report yet\n"
    "  --shard K/N         only the bundles whose path hashes to K modulo\n"
    "                      N (FNV-1a 64 of the path as given)\n"
    "  --summary FMT:FILE  roll-up as csv, md or html (repeatable; FILE\n"
    "                      '-' is standard output when --ndjson is set)\n"
    "  --fail-on LEVEL     exit 1 when a finding is at least LEVEL:\n"
    "                      error (default), warning, info, never\n"
    "  --rules DIR         extra or overriding rule files (*.yml, *.yaml)\n"
    "  --waivers FILE      accepted findings (see 'marsdiag scan'): marked\n"
    "                      suppressed, not counted for --fail-on\n"
    "  --limit NAME=VALUE  change a limit (see 'marsdiag limits')\n"
    "  --as TYPE           read every file as TYPE\n"
    "  --no-timing         leave elapsed_ms out of the reports\n"
    "  --redact MODE       secrets (default): mask passwords and URL\n"
    "                      credentials; strict: also replace host names,\n"
    "                      addresses and user names with pseudonyms keyed\n"
    "                      by a secret (host-3fa29c01be.example), in the\n"
    "                      reports and the roll-ups\n"
    "  --redact-key FILE   the key (else $MARSDIAG_REDACT_KEY): the same\n"
    "                      name gets the same pseudonym in every run, shard\n"
    "                      and machine with the same key. Without one a\n"
    "                      random key is made: pseudonyms agree within this\n"
    "                      run only (and --resume cannot be used)\n"
    "  -q, --quiet         no progress line and no notes on stderr\n"
    "\n"
    "exit status: 0 clean; 1 findings at or above --fail-on; 2 usage or\n"
    "rule-file error (nothing scanned); 3 a bundle could not be read or\n"
    "the output could not be written (3 wins over 1). Counted over every\n"
    "report in the output, resumed ones included.";

struct paths {
    char **v;
    size_t n, cap;
};

struct batch {
    /* options */
    struct cli_setup setup; /* rules, waivers, redaction, limits; the
                             * engine and waivers once loaded */
    struct cli_summaries sums;
    const char *ndjson;
    int fail_on;
    unsigned jobs, shard_k, shard_n;
    bool timing, quiet, resume, sharded;
    bool key_given;             /* strict, with a key not made for the run */
    struct md_redactor *pseudo; /* strict: makes each report's redactor */
    /* the run */
    struct paths todo;
    struct md_fleet *fleet;
    int fd;
    const char *out_name; /* for messages and origins */
    uint64_t lines;       /* lines in the output so far */
    bool mismatch;        /* --resume: the file is redacted otherwise */
    pthread_mutex_t lock; /* guards everything below */
    size_t next, done;
    bool lost; /* a write failed or a resumed line was unreadable */
    bool progress;
    long long t0, shown;
};

static long long
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- which bundles ------------------------------------------------------ */

static bool
paths_add(struct paths *p, const char *s, size_t len)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 64;
        char **n = realloc(p->v, cap * sizeof *n);
        if (!n)
            return false;
        p->v = n;
        p->cap = cap;
    }
    char *c = malloc(len + 1);
    if (!c)
        return false;
    memcpy(c, s, len);
    c[len] = '\0';
    p->v[p->n++] = c;
    return true;
}

static void
paths_free(struct paths *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->v[i]);
    free(p->v);
    memset(p, 0, sizeof *p);
}

static int
by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
bundle_name(const char *name)
{
    struct md_slice s = md_slice_of(name, strlen(name));
    return md_slice_iends(s, ".zip") || md_slice_iends(s, ".gz");
}

/* A folder of bundles: its .zip and .gz files and its subfolders, in
 * byte order of names; hidden entries are left out. */
static bool
expand_dir(struct paths *p, const char *dir, bool quiet)
{
    DIR *d = opendir(dir);
    if (!d) /* scanning it will say why */
        return paths_add(p, dir, strlen(dir));
    struct paths names = {0};
    struct dirent *de;
    bool ok = true;
    while (ok && (de = readdir(d)) != NULL)
        if (de->d_name[0] != '.')
            ok = paths_add(&names, de->d_name, strlen(de->d_name));
    closedir(d);
    if (names.n)
        qsort(names.v, names.n, sizeof *names.v, by_name);
    size_t dlen = strlen(dir), skipped = 0;
    while (dlen > 1 && dir[dlen - 1] == '/')
        dlen--; /* "dir/" and "dir" give the same paths, and shards */
    struct md_buf full = MD_BUF_INIT(0);
    for (size_t i = 0; ok && i < names.n; i++) {
        md_buf_reset(&full);
        if (md_buf_add(&full, dir, dlen) != MD_OK ||
            md_buf_printf(&full, "%s%s", dir[dlen - 1] == '/' ? "" : "/",
                          names.v[i]) != MD_OK) {
            ok = false;
            break;
        }
        struct stat st;
        bool is_dir = stat(full.ptr, &st) == 0 && S_ISDIR(st.st_mode);
        if (is_dir || bundle_name(names.v[i]))
            ok = paths_add(p, full.ptr, full.len);
        else
            skipped++;
    }
    if (skipped && !quiet)
        cli_error("note: %zu entr%s of '%s' skipped: not a .zip, .gz or "
                  "folder",
                  skipped, skipped == 1 ? "y" : "ies", dir);
    if (!ok)
        cli_error("out of memory");
    md_buf_free(&full);
    paths_free(&names);
    return ok;
}

/* The lines of list text t[0..len): one bundle a line, as written;
 * blank lines and '#' comments are skipped, and a line holding a NUL
 * (no path can) is skipped with a warning naming it. */
static bool
list_lines(struct paths *p, const char *file, const char *t, size_t len)
{
    size_t lineno = 0;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(t + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - t) : len, n = end - at;
        const char *line = t + at;
        at = end + 1;
        lineno++;
        while (n > 0 && line[n - 1] == '\r')
            n--;
        if (n == 0 || line[0] == '#')
            continue;
        if (memchr(line, '\0', n)) {
            cli_error("warning: list '%s', line %zu: a NUL byte; not a "
                      "path, skipped",
                      file, lineno);
            continue;
        }
        if (!paths_add(p, line, n)) {
            cli_error("out of memory");
            return false;
        }
    }
    return true;
}

/* @LIST. A list written by Windows PowerShell's '>' (dir -Name >
 * list.txt) is UTF-16LE with a BOM: the text is decoded first, as a
 * bundle's members are (md_encoding_detect), so its paths are found. */
static bool
read_list(struct paths *p, const char *file)
{
    bool std = !strcmp(file, "-");
    FILE *f = std ? stdin : fopen(file, "rb");
    if (!f) {
        cli_error("cannot read list '%s': %s", file, strerror(errno));
        return false;
    }
    struct md_buf raw = MD_BUF_INIT(0), text = MD_BUF_INIT(0);
    unsigned char chunk[1 << 16];
    size_t r;
    bool ok = true;
    while (ok && (r = fread(chunk, 1, sizeof chunk, f)) > 0)
        ok = md_buf_add(&raw, chunk, r) == MD_OK;
    if (!ok)
        cli_error("out of memory");
    else if (ferror(f)) {
        cli_error("cannot read list '%s': %s", file, strerror(errno));
        ok = false;
    }
    if (!std)
        fclose(f);
    const unsigned char *u = (const unsigned char *)raw.ptr;
    size_t bom = 0;
    enum md_encoding enc = ok ? md_encoding_detect(u, raw.len, &bom) : 0;
    if (ok && (enc == MD_ENC_UTF16LE || enc == MD_ENC_UTF16BE)) {
        struct md_decoder d;
        md_decoder_init(&d, enc);
        ok = md_decode(&d, u + bom, raw.len - bom, true, &text) == MD_OK;
        if (!ok)
            cli_error("out of memory");
        else
            ok = list_lines(p, file, text.ptr, text.len);
    } else if (ok && raw.len) { /* UTF-8 (BOM skipped), or bytes as is */
        ok = list_lines(p, file, raw.ptr + bom, raw.len - bom);
    }
    md_buf_free(&raw);
    md_buf_free(&text);
    return ok;
}

static bool
add_arg(struct paths *p, const char *arg, bool quiet)
{
    if (arg[0] == '@')
        return read_list(p, arg + 1);
    struct stat st;
    if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
        return expand_dir(p, arg, quiet);
    return paths_add(p, arg, strlen(arg));
}

struct ix {
    const char *s;
    size_t i;
};

static int
by_path_index(const void *x, const void *y)
{
    const struct ix *a = x, *b = y;
    int c = strcmp(a->s, b->s);
    return c ? c : (a->i > b->i) - (a->i < b->i);
}

/* Drop the second and later copies of a path, keeping the order. */
static bool
dedupe(struct paths *p)
{
    struct ix *x = malloc((p->n ? p->n : 1) * sizeof *x);
    bool *dup = calloc(p->n ? p->n : 1, sizeof *dup);
    if (!x || !dup) {
        free(x);
        free(dup);
        return false;
    }
    for (size_t i = 0; i < p->n; i++)
        x[i] = (struct ix){p->v[i], i};
    qsort(x, p->n, sizeof *x, by_path_index);
    for (size_t i = 1; i < p->n; i++)
        if (!strcmp(x[i].s, x[i - 1].s)) {
            dup[x[i].i] = true;
            bool first_copy = i == 1 || strcmp(x[i - 2].s, x[i].s) != 0;
            if (first_copy)
                cli_error("'%s' is given more than once; scanned once",
                          x[i].s);
        }
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (dup[i])
            free(p->v[i]);
        else
            p->v[n++] = p->v[i];
    }
    p->n = n;
    free(x);
    free(dup);
    return true;
}

/* Keep only the paths for which keep(user, path) is true. */
static void
filter(struct paths *p, bool (*keep)(const void *, const char *),
       const void *user)
{
    size_t n = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (keep(user, p->v[i]))
            p->v[n++] = p->v[i];
        else
            free(p->v[i]);
    }
    p->n = n;
}

static bool
in_shard(const void *user, const char *path)
{
    const struct batch *b = user;
    return md_fleet_hash(path) % b->shard_n == b->shard_k;
}

/* ---- output and --resume ------------------------------------------------ */

struct resume {
    struct batch *b;
    const char **done; /* input.path of every report read, owned by fleet */
    size_t ndone, cap;
    bool nomem;
};

static bool
resume_line(void *user, const char *line, size_t len, uint64_t number)
{
    struct resume *r = user;
    char origin[4200], err[256];
    const char *path;
    snprintf(origin, sizeof origin, "%s:%llu", r->b->ndjson,
             (unsigned long long)number);
    r->b->lines = number;
    enum md_status st = md_fleet_add(r->b->fleet, line, len, origin, &path,
                                     err, sizeof err);
    if (st == MD_OK && r->ndone == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 256;
        const char **n = realloc(r->done, cap * sizeof *n);
        if (!n)
            st = MD_ERR_NOMEM;
        else {
            r->done = n;
            r->cap = cap;
        }
    }
    if (st == MD_OK) {
        r->done[r->ndone++] = path;
        return true;
    }
    if (st == MD_ERR_NOMEM) {
        cli_error("out of memory");
        r->nomem = true;
        return false;
    }
    cli_error("%s: not a report line (%s); its bundle is scanned again",
              origin, err);
    r->b->lost = true; /* whatever it was is not in the roll-up */
    return true;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool
not_done(const void *user, const char *path)
{
    const struct resume *r = user;
    /* a report redacted with a key names its bundle by a path id */
    char id[17];
    const char *key = md_redactor_path_id(r->b->pseudo, path, id) ? id : path;
    return !bsearch(&key, r->done, r->ndone, sizeof *r->done, cmp_str);
}

/* The reports in the file must be redacted as this run's will be:
 * appending pseudonyms of another key (or none) to them would make a
 * file whose names disagree. */
static bool
resume_matches(struct batch *b)
{
    struct md_fleet_redaction rd;
    md_fleet_redaction(b->fleet, &rd);
    const char *key = md_redactor_key_id(b->pseudo);
    if (!b->pseudo && rd.strict == 0)
        return true;
    if (b->pseudo && rd.plain == 0 && rd.numbered == 0 &&
        (rd.keys == 0 || (rd.keys == 1 && !strcmp(rd.key[0], key))))
        return true;
    if (rd.plain && rd.strict)
        cli_error("'%s' mixes reports written with and without --redact "
                  "strict; it cannot be resumed",
                  b->ndjson);
    else if (!b->pseudo)
        cli_error("'%s' holds reports written with --redact strict; resume "
                  "it with --redact strict and the same key",
                  b->ndjson);
    else if (rd.plain)
        cli_error("'%s' holds reports written without --redact strict; "
                  "resume it without --redact strict, or start a new file",
                  b->ndjson);
    else
        cli_error("'%s' holds reports whose pseudonyms were made with "
                  "another key (key id %s, this run's is %s); resume it "
                  "with the same --redact-key",
                  b->ndjson, rd.keys ? rd.key[0] : "none", key);
    b->mismatch = true;
    return false;
}

/* Read what FILE already reports into the roll-up, cut a torn last line,
 * and drop the bundles it reports from the work. */
static bool
resume_read(struct batch *b)
{
    FILE *f = fopen(b->ndjson, "rb");
    if (!f && errno == ENOENT)
        return true; /* nothing yet: a first run */
    if (!f) {
        cli_error("cannot read '%s': %s", b->ndjson, strerror(errno));
        return false;
    }
    struct resume r = {b, NULL, 0, 0, false};
    uint64_t complete;
    bool torn;
    enum md_status st = md_ndjson_read(f, resume_line, &r, &complete, &torn);
    fclose(f);
    bool ok = st == MD_OK && !r.nomem;
    if (st != MD_OK)
        cli_error("cannot resume from '%s': %s", b->ndjson,
                  st == MD_ERR_IO ? strerror(errno) : md_status_str(st));
    ok = ok && resume_matches(b); /* before the file is touched */
    if (ok && torn) {
        if (!b->quiet)
            cli_error("note: '%s' ends in a torn line (a run cut short); it "
                      "is cut off and its bundle scanned again",
                      b->ndjson);
        if (truncate(b->ndjson, (off_t)complete) != 0) {
            cli_error("cannot cut '%s': %s", b->ndjson, strerror(errno));
            ok = false;
        }
    }
    if (ok) {
        qsort(r.done, r.ndone, sizeof *r.done, cmp_str);
        size_t before = b->todo.n;
        filter(&b->todo, not_done, &r);
        if (!b->quiet && before > b->todo.n)
            cli_error("note: %zu bundle%s already reported in '%s'",
                      before - b->todo.n, before - b->todo.n == 1 ? "" : "s",
                      b->ndjson);
    }
    free(r.done);
    return ok;
}

static bool
open_output(struct batch *b)
{
    if (!b->ndjson) {
        b->fd = STDOUT_FILENO;
        b->out_name = "<stdout>";
        return true;
    }
    b->out_name = b->ndjson;
    if (b->resume && !resume_read(b))
        return false;
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC |
                (b->resume ? O_APPEND : O_TRUNC);
    b->fd = open(b->ndjson, flags, 0666);
    if (b->fd < 0) {
        cli_error("cannot write '%s': %s", b->ndjson, strerror(errno));
        return false;
    }
    return true;
}

static bool
write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* ---- one bundle --------------------------------------------------------- */

/* A bundle that could not be read: schema, tool and input.path as in
 * every report, the reason in input.error (as scan writes it) and in a
 * top-level "error", so that `select(.error)` finds these lines. */
static void
write_error_record(struct md_json *j, const char *path, const char *msg,
                   const char *rulepack, const struct md_redactor *rd)
{
    md_json_obj(j);
    md_json_key(j, "schema");
    md_json_strz(j, MD_REPORT_SCHEMA);
    md_json_key(j, "tool");
    md_json_obj(j);
    md_json_key(j, "name");
    md_json_strz(j, "marsdiag");
    md_json_key(j, "version");
    md_json_strz(j, md_version());
    md_json_key(j, "rulepack");
    md_json_strz(j, rulepack);
    md_json_redaction(j, rd);
    md_json_end_obj(j);
    md_json_key(j, "input");
    md_json_obj(j);
    md_json_key(j, "path");
    md_json_redacted(j, rd, path, strlen(path));
    char id[17];
    if (md_redactor_path_id(rd, path, id)) {
        md_json_key(j, "path_id");
        md_json_strz(j, id);
    }
    md_json_key(j, "error");
    md_json_redacted(j, rd, msg, strlen(msg));
    md_json_end_obj(j);
    md_json_key(j, "error");
    md_json_redacted(j, rd, msg, strlen(msg));
    md_json_end_obj(j);
}

struct result {
    char *line; /* one report and its '\n'; malloc'd */
    size_t len;
    char note[512]; /* for stderr, or "" */
};

static void
scan_one(const struct batch *b, const char *path, struct result *res)
{
    res->note[0] = '\0';
    res->line = NULL;
    res->len = 0;
    FILE *m = open_memstream(&res->line, &res->len);
    if (!m)
        return;
    struct md_json j;
    md_json_init(&j, m, false);
    const struct cli_setup *s = &b->setup;
    const char *rulepack = md_engine_rulepack(s->e);
    struct md_verdict v;
    enum md_status st = md_engine_scan(s->e, path, &s->so, &v);
    if (s->w)
        md_waivers_apply(s->w, s->today, &v);
    /* This report's names, learnt from its own bundle; a name left
     * unlearnt could go out as it is, so no report rather than that. */
    struct md_redactor *rd = NULL;
    bool redacted = true;
    if (b->pseudo) {
        rd = md_redactor_new_like(b->pseudo);
        redacted = rd && md_redactor_add_verdict(rd, &v) == MD_OK;
    }
    const struct md_render r = {
        .rulepack = rulepack, .timing = b->timing, .redactor = rd};
    if (!redacted) {
        snprintf(res->note, sizeof res->note,
                 "%s: out of memory while redacting", path);
    } else if (v.bundle.status != MD_OK) {
        snprintf(res->note, sizeof res->note, "%s", v.bundle.error);
        write_error_record(&j, path, v.bundle.error, rulepack, rd);
    } else if (st != MD_OK) {
        snprintf(res->note, sizeof res->note, "cannot scan '%s': %s", path,
                 md_status_str(st));
        write_error_record(&j, path, res->note, rulepack, rd);
    } else {
        if (v.regex_limit)
            snprintf(res->note, sizeof res->note,
                     "%s: a regular expression hit a PCRE2 limit; the rules "
                     "or signatures concerned did not match",
                     path);
        md_write_verdict_json(&j, &v, &r);
    }
    md_verdict_free(&v);
    md_redactor_free(rd);
    fputc('\n', m);
    if (fclose(m) != 0 || !redacted) {
        free(res->line);
        res->line = NULL;
    }
}

/* ---- progress (stderr, a terminal only) --------------------------------- */

static void
clear_progress(const struct batch *b)
{
    if (b->progress)
        fputs("\r\033[K", stderr);
}

static void
show_progress(struct batch *b, bool last)
{
    long long now = now_ms();
    if (!b->progress || (!last && now - b->shown < 200))
        return;
    b->shown = now;
    double secs = (double)(now - b->t0) / 1000.0;
    double rate = secs > 0 ? (double)b->done / secs : 0;
    fprintf(stderr, "\r\033[Kbatch: %zu/%zu bundles, %.1f/s", b->done,
            b->todo.n, rate);
    if (last) {
        fprintf(stderr, " in %.1f s\n", secs);
    } else if (rate > 0) {
        long eta = (long)((double)(b->todo.n - b->done) / rate + 0.5);
        fprintf(stderr, ", ETA %ld:%02ld:%02ld", eta / 3600, eta / 60 % 60,
                eta % 60);
    }
    fflush(stderr);
}

/* Under the lock: a message for stderr, on a line of its own; the
 * progress line is drawn again after it. */
static void
say(struct batch *b, const char *msg)
{
    clear_progress(b);
    cli_error("%s", msg);
    b->shown = 0;
}

/* Under the lock: the line out in one write, counted. Returns its line
 * number in the output, or 0 when it could not be written. */
static uint64_t
emit(struct batch *b, const char *path, const struct result *res)
{
    char msg[4600];
    uint64_t number = 0;
    if (res->note[0])
        say(b, res->note);
    if (!res->line) {
        snprintf(msg, sizeof msg, "%s: out of memory; not reported", path);
        say(b, msg);
        b->lost = true;
    } else if (!write_all(b->fd, res->line, res->len)) {
        snprintf(msg, sizeof msg, "cannot write '%s': %s", b->out_name,
                 strerror(errno));
        say(b, msg);
        b->lost = true;
        b->next = b->todo.n; /* stop: nothing more can be recorded */
    } else {
        number = ++b->lines;
    }
    b->done++;
    show_progress(b, false);
    return number;
}

/* A worker adds the lines it wrote to a roll-up of its own, out of the
 * lock (reading a report back costs about a twentieth of scanning a
 * small bundle); run_workers joins them. */
struct worker {
    struct batch *b;
    struct md_fleet *fleet;
};

static void
add_line(struct worker *w, const struct result *res, uint64_t number)
{
    struct batch *b = w->b;
    char origin[4200], err[256], msg[4600];
    snprintf(origin, sizeof origin, "%s:%llu", b->out_name,
             (unsigned long long)number);
    if (md_fleet_add(w->fleet, res->line, res->len - 1, origin, NULL, err,
                     sizeof err) == MD_OK)
        return;
    snprintf(msg, sizeof msg, "%s: %s", origin, err);
    pthread_mutex_lock(&b->lock);
    say(b, msg);
    b->lost = true;
    pthread_mutex_unlock(&b->lock);
}

static void *
worker(void *arg)
{
    struct worker *w = arg;
    struct batch *b = w->b;
    for (;;) {
        pthread_mutex_lock(&b->lock);
        size_t i = b->next < b->todo.n ? b->next++ : b->todo.n;
        pthread_mutex_unlock(&b->lock);
        if (i == b->todo.n)
            return NULL;
        struct result res;
        scan_one(b, b->todo.v[i], &res);
        pthread_mutex_lock(&b->lock);
        uint64_t number = emit(b, b->todo.v[i], &res);
        pthread_mutex_unlock(&b->lock);
        if (number)
            add_line(w, &res, number);
        free(res.line);
    }
}

/* Returns false when memory ran out before anything was scanned. */
static bool
run_workers(struct batch *b)
{
    unsigned n = b->jobs;
    if (n > b->todo.n)
        n = (unsigned)b->todo.n;
    if (n == 0)
        return true;
    pthread_t th[MAX_JOBS];
    struct worker w[MAX_JOBS];
    for (unsigned i = 0; i < n; i++) {
        w[i] = (struct worker){b, md_fleet_new()};
        if (!w[i].fleet) {
            while (i > 0)
                md_fleet_free(w[--i].fleet);
            cli_error("out of memory");
            return false;
        }
    }
    unsigned started = 0;
    b->t0 = b->shown = now_ms();
    for (unsigned i = 0; i < n; i++) {
        if (pthread_create(&th[started], NULL, worker, &w[started]) != 0)
            break;
        started++;
    }
    if (started < n && !b->quiet)
        cli_error("note: %u of %u worker threads started", started, n);
    if (started == 0)
        worker(&w[0]);
    for (unsigned i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    show_progress(b, true);
    bool ok = true;
    for (unsigned i = 0; i < n; i++)
        if (md_fleet_absorb(b->fleet, w[i].fleet) != MD_OK) {
            md_fleet_free(w[i].fleet);
            ok = false;
        }
    if (!ok) {
        cli_error("out of memory; the roll-up misses bundles");
        b->lost = true;
    }
    return true;
}

/* ---- the command -------------------------------------------------------- */

/* --redact strict: the key every report's pseudonyms are made with.
 * Returns -1 to go on, else the exit status. */
static int
redact_setup(struct batch *b)
{
    struct cli_key k;
    if (!cli_key_get(&b->setup.red, true, &k))
        return EXIT_USAGE;
    if (!b->setup.red.strict)
        return -1;
    b->key_given = strcmp(k.origin, "random") != 0;
    b->pseudo = md_redactor_new_keyed(k.bytes, k.len);
    cli_key_free(&k);
    if (!b->pseudo) {
        cli_error("out of memory");
        return EXIT_UNREADABLE;
    }
    if (b->resume && !b->key_given) {
        cli_error("--resume with --redact strict needs --redact-key FILE "
                  "(or %s): a random key would give the reports already "
                  "written other pseudonyms",
                  CLI_REDACT_KEY_ENV);
        return EXIT_USAGE;
    }
    if (b->sharded && !b->key_given && !b->quiet)
        cli_error("note: no --redact-key: this shard's pseudonyms are its "
                  "own; give every shard the same key so that 'merge' can "
                  "join them");
    return -1;
}

/* Options; returns -1 to go on, else the exit status. */
static int
parse_options(struct batch *b, int argc, char **argv)
{
    static const struct option opts[] = {
        {"jobs", required_argument, NULL, 'j'},
        {"ndjson", required_argument, NULL, 'N'},
        {"resume", no_argument, NULL, 'r'},
        {"shard", required_argument, NULL, 's'},
        {"summary", required_argument, NULL, 'S'},
        {"fail-on", required_argument, NULL, 'F'},
        CLI_SETUP_OPTIONS,
        {"waivers", required_argument, NULL, 'W'},
        {"no-timing", no_argument, NULL, 'T'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hj:q", opts, NULL)) != -1) {
        switch (c) {
        case 'j': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || end == optarg || n < 1 || n > MAX_JOBS) {
                cli_error("-j wants a number of threads from 1 to %d, not "
                          "'%s'",
                          MAX_JOBS, optarg);
                return EXIT_USAGE;
            }
            b->jobs = (unsigned)n;
            break;
        }
        case 'N':
            b->ndjson = optarg;
            break;
        case 'r':
            b->resume = true;
            break;
        case 's':
            if (!md_fleet_shard_parse(optarg, &b->shard_k, &b->shard_n)) {
                cli_error("--shard wants K/N with 0 <= K < N, not '%s'",
                          optarg);
                return EXIT_USAGE;
            }
            b->sharded = true;
            break;
        case 'S':
            if (!cli_summary_option(&b->sums, optarg))
                return EXIT_USAGE;
            break;
        case 'F':
            if ((b->fail_on = cli_fail_on(optarg)) < 0)
                return EXIT_USAGE;
            break;
        case 'T':
            b->timing = false;
            break;
        case 'q':
            b->quiet = true;
            break;
        case 'h':
            puts(batch_help);
            return EXIT_CLEAN;
        default: /* CLI_SETUP_OPTIONS, --waivers or '?' */
            if (!cli_setup_option(c, optarg, &b->setup))
                return EXIT_USAGE;
            break;
        }
    }
    if (optind >= argc) {
        cli_error("batch needs at least one PATH (a bundle, a folder of "
                  "bundles or @LIST)");
        return EXIT_USAGE;
    }
    if (b->resume && !b->ndjson) {
        cli_error("--resume needs --ndjson FILE (the reports to resume)");
        return EXIT_USAGE;
    }
    if (!b->ndjson && cli_summary_stdout(&b->sums)) {
        cli_error("--summary FMT:- needs --ndjson FILE (standard output "
                  "carries the reports)");
        return EXIT_USAGE;
    }
    return redact_setup(b);
}

static unsigned
default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_JOBS ? MAX_JOBS : (unsigned)n;
}

/* An output (--ndjson, --summary) that is a bundle, a list, a file of
 * the set-up or another output: a usage error before anything is
 * written. --resume reads --ndjson on purpose; it is not an input. */
static int
check_files(const struct batch *b, int argc, char **argv)
{
    struct cli_files files = {0};
    if (b->ndjson)
        cli_files_add(&files, true, "--ndjson", NULL, b->ndjson);
    cli_summary_files(&b->sums, &files);
    cli_files_setup(&files, &b->setup);
    for (int i = optind; i < argc; i++)
        if (argv[i][0] == '@' && strcmp(argv[i], "@-") != 0)
            cli_files_add(&files, false, "list", NULL, argv[i] + 1);
    for (size_t i = 0; i < b->todo.n; i++)
        cli_files_add(&files, false, "bundle", NULL, b->todo.v[i]);
    return cli_files_check(&files);
}

/* The work: every PATH expanded, each bundle once, this shard's. */
static int
gather(struct batch *b, int argc, char **argv)
{
    for (int i = optind; i < argc; i++)
        if (!add_arg(&b->todo, argv[i], b->quiet))
            return EXIT_USAGE;
    if (!dedupe(&b->todo)) {
        cli_error("out of memory");
        return EXIT_UNREADABLE;
    }
    int rc = check_files(b, argc, argv);
    if (rc != EXIT_CLEAN)
        return rc;
    if (b->todo.n == 0 && !b->quiet)
        cli_error("note: no bundles to scan");
    if (b->sharded)
        filter(&b->todo, in_shard, b);
    return -1;
}

int
cmd_batch(int argc, char **argv)
{
    struct batch b = {.fail_on = MD_SEV_ERROR, .timing = true, .fd = -1};
    cli_setup_init(&b.setup);
    b.setup.so.want_sha256 = true;
    b.jobs = default_jobs();
    int rc = parse_options(&b, argc, argv);
    if (rc < 0)
        rc = gather(&b, argc, argv);
    if (rc >= 0) {
        md_redactor_free(b.pseudo);
        paths_free(&b.todo);
        return rc;
    }
    b.fleet = md_fleet_new();
    if (!b.fleet) {
        cli_error("out of memory");
        md_redactor_free(b.pseudo);
        paths_free(&b.todo);
        return EXIT_UNREADABLE;
    }
    /* The engine and waivers before the output, so that an error in
     * their files (exit 2) leaves an existing --ndjson file as it was. */
    if (!cli_setup_engine(&b.setup)) {
        rc = EXIT_USAGE;
    } else if (!open_output(&b)) {
        rc = b.mismatch ? EXIT_USAGE : EXIT_UNREADABLE;
    } else {
        b.progress = !b.quiet && isatty(STDERR_FILENO);
        pthread_mutex_init(&b.lock, NULL);
        if (!run_workers(&b))
            b.lost = true;
        pthread_mutex_destroy(&b.lock);
        if (b.fd != STDOUT_FILENO && close(b.fd) != 0) {
            cli_error("cannot write '%s': %s", b.ndjson, strerror(errno));
            b.lost = true;
        }
        if (!cli_summary_write(&b.sums, b.fleet))
            b.lost = true;
        rc = cli_fleet_status(b.fleet, b.fail_on, b.lost);
    }
    cli_setup_free(&b.setup);
    md_fleet_free(b.fleet);
    md_redactor_free(b.pseudo);
    paths_free(&b.todo);
    return rc;
}
