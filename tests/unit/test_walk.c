/*
 * The bundle walker: folders, zips (central directory, zip64, data
 * descriptors, salvage without a central directory, damage), nested
 * archives, gzip, limits, and the line splitter. Entries are read with a
 * test parser that counts lines, so these tests do not depend on any real
 * parser. Fixtures: tests/data/zip/make.py.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

struct lines_state {
    uint64_t n;
    struct md_buf first;
    size_t longest;
};

static enum md_status
lines_line(struct md_parse_ctx *ctx, void *state, const char *s, size_t len)
{
    struct lines_state *st = state;
    if (st->n++ == 0)
        md_buf_add(&st->first, s, len);
    if (len > st->longest)
        st->longest = len;
    (void)ctx;
    return MD_OK;
}

static enum md_status
lines_end(struct md_parse_ctx *ctx, void *state)
{
    struct lines_state *st = state;
    struct md_evidence *ev = md_ev_new(ctx, "test.lines");
    ev->line = 1;
    md_ev_int(ev, "lines", (int64_t)st->n);
    md_ev_int(ev, "longest", (int64_t)st->longest);
    md_ev_str(ev, "first", st->first.ptr, st->first.len);
    md_ev_emit(ctx, ev);
    md_buf_free(&st->first);
    return MD_OK;
}

static int
lines_bid(const struct md_sniff *s)
{
    (void)s;
    return 1;
}

static const struct md_parser lines_parser = {
    .name = "lines",
    .bid = lines_bid,
    .state_size = sizeof(struct lines_state),
    .line = lines_line,
    .end = lines_end,
};

/* The record of the input at path, or NULL. */
static const struct md_evidence *
rec(const struct tu_run *r, const char *path)
{
    for (size_t i = 0; i < r->nev; i++)
        if (strcmp(r->ev[i]->input->path, path) == 0)
            return r->ev[i];
    return NULL;
}

static void keep_ev(void *user, const struct md_evidence *ev);

static void
run(struct tu_run *r, const char *rel, const char *limit)
{
    memset(r, 0, sizeof *r);
    md_limits_default(&r->opts.limits);
    if (limit)
        CHECK_INT(md_limits_set(&r->opts.limits, limit), 0);
    r->opts.force = &lines_parser;
    r->opts.on_evidence = keep_ev;
    r->opts.user = r;
    const char *src = getenv("MD_SRC");
    char *path = md_arena_printf(&r->keep, "%s/%s", src ? src : ".", rel);
    md_bundle_init(&r->b, path);
    md_scan_path(&r->b, &r->opts);
}

static void
keep_ev(void *user, const struct md_evidence *ev)
{
    struct tu_run *r = user;
    if (r->nev == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->ev = realloc(r->ev, r->cap * sizeof *r->ev);
    }
    r->ev[r->nev++] = md_evidence_copy(&r->keep, ev);
}

static void
check_input(const struct tu_run *r, const char *path, const char *type,
            const char *status)
{
    const struct md_input *in = tu_input(r, path);
    if (!in) {
        fprintf(stderr, "no input '%s'\n", path);
        md_test_failures++;
        return;
    }
    CHECK_STR(in->type ? in->type : "-", type);
    CHECK_STR(md_input_status(in), status);
}

static const struct md_diag *
diag_of(const struct tu_run *r, const char *path)
{
    const struct md_input *in = tu_input(r, path);
    return in ? in->diags : NULL;
}

/* The three standard members (make.py's base) were read in full. */
static void
check_base(const struct tu_run *r, const char *prefix)
{
    char p[256];
    snprintf(p, sizeof p, "%sLogs/Registry/SYSTEM.reg", prefix);
    check_input(r, p, "lines", "parsed");
    CHECK_INT(tu_int(rec(r, p), "lines"), 5);
    CHECK_STR(tu_input(r, p)->encoding, "utf-16le");
    snprintf(p, sizeof p, "%sLogs/Registry/Contoso.reg", prefix);
    check_input(r, p, "lines", "parsed");
    CHECK_INT(tu_int(rec(r, p), "lines"), 603);
    snprintf(p, sizeof p, "%sLogs/notes.txt", prefix);
    check_input(r, p, "lines", "parsed");
    CHECK_INT(tu_int(rec(r, p), "lines"), 2000);
    snprintf(p, sizeof p, "%sLogs/Temp/", prefix);
    CHECK(tu_input(r, p) == NULL); /* folder entries are not inputs */
}

static void
test_zip_forms(void)
{
    static const char *const files[] = {"good.zip", "zip64.zip",
                                        "descriptors.zip"};
    for (size_t i = 0; i < 3; i++) {
        struct tu_run r;
        char rel[128];
        snprintf(rel, sizeof rel, "tests/data/zip/%s", files[i]);
        run(&r, rel, NULL);
        check_input(&r, files[i], "zip", "parsed");
        CHECK_INT(r.b.status, MD_OK);
        CHECK(r.b.is_file);
        if (i == 2) {
            CHECK_INT(tu_int(rec(&r, "Logs/notes.txt"), "lines"), 2000);
        } else {
            check_base(&r, "");
        }
        CHECK_INT(tu_ndiags(&r, MD_GRADE_WARN), 0);
        tu_free(&r);
    }
}

static void
test_nested(void)
{
    struct tu_run r;
    run(&r, "tests/data/zip/nested.zip", NULL);
    check_input(&r, "Trace.txt", "lines", "parsed");
    check_input(&r, "Logs.ZIP", "zip", "parsed");
    check_base(&r, "Logs.ZIP/");
    check_input(&r, "old/CBEngine1.txt.gz", "gzip", "parsed");
    check_input(&r, "old/CBEngine1.txt", "lines", "parsed");
    CHECK_INT(tu_int(rec(&r, "old/CBEngine1.txt"), "lines"), 2000);
    /* A zip written to a pipe (data descriptors, stored members) inside a
     * zip: read without its central directory. */
    check_input(&r, "streamed.zip", "zip", "parsed");
    check_input(&r, "streamed.zip/Logs/notes.txt", "lines", "parsed");
    CHECK_INT(tu_int(rec(&r, "streamed.zip/Logs/notes.txt"), "lines"), 2000);
    CHECK_INT(tu_int(rec(&r, "streamed.zip/Logs/Registry/Contoso.reg"),
                     "lines"),
              603);
    CHECK_INT(tu_ndiags(&r, MD_GRADE_WARN), 0);
    CHECK_INT(tu_input(&r, "Logs.ZIP/Logs/notes.txt")->depth, 2);
    tu_free(&r);
}

static void
test_damage(void)
{
    struct tu_run r;
    run(&r, "tests/data/zip/badcrc.zip", NULL);
    check_input(&r, "Logs/Registry/Contoso.reg", "lines", "damaged");
    CHECK_INT(diag_of(&r, "Logs/Registry/Contoso.reg")->code, MD_ERR_CRC);
    check_input(&r, "Logs/Registry/SYSTEM.reg", "lines", "parsed");
    check_input(&r, "Logs/notes.txt", "lines", "parsed"); /* walk goes on */
    tu_free(&r);

    run(&r, "tests/data/zip/truncated.zip", NULL);
    check_input(&r, "truncated.zip", "zip", "partial");
    check_input(&r, "Logs/Registry/SYSTEM.reg", "lines", "parsed");
    check_input(&r, "Logs/Registry/Contoso.reg", "lines", "damaged");
    CHECK_INT(diag_of(&r, "Logs/Registry/Contoso.reg")->code,
              MD_ERR_TRUNCATED);
    /* What was readable was still parsed: lines before the cut. */
    CHECK(tu_int(rec(&r, "Logs/Registry/Contoso.reg"), "lines") > 50);
    tu_free(&r);

    run(&r, "tests/data/zip/nocd.zip", NULL);
    check_input(&r, "nocd.zip", "zip", "partial");
    check_base(&r, "");
    tu_free(&r);

    run(&r, "tests/data/zip/encrypted.zip", NULL);
    check_input(&r, "Logs/Registry/SYSTEM.reg", "-", "unreadable");
    CHECK_INT(diag_of(&r, "Logs/Registry/SYSTEM.reg")->code,
              MD_ERR_ENCRYPTED);
    check_input(&r, "Logs/notes.txt", "lines", "parsed");
    tu_free(&r);

    run(&r, "tests/data/zip/method.zip", NULL);
    check_input(&r, "a.txt", "-", "unreadable");
    CHECK_INT(diag_of(&r, "a.txt")->code, MD_ERR_METHOD);
    check_input(&r, "b.reg", "lines", "parsed");
    tu_free(&r);
}

static void
test_hostile_zip(void)
{
    /* Two central entries pointing at one local header: the second is
     * not read, and the archive says why. */
    struct tu_run r;
    run(&r, "tests/data/zip/overlap.zip", NULL);
    check_input(&r, "a.reg", "lines", "parsed");
    check_input(&r, "b.reg", "-", "unreadable");
    const struct md_diag *d = diag_of(&r, "b.reg");
    CHECK(d && d->code == MD_ERR_CORRUPT && strstr(d->msg, "'a.reg'"));
    check_input(&r, "overlap.zip", "zip", "partial");
    tu_free(&r);

    /* Names that climb out, are absolute or hide a NUL: read, and said. */
    run(&r, "tests/data/zip/names.zip", NULL);
    static const char *const names[] = {"../evil.txt", "Logs/a",
                                        "C:/abs.txt"};
    for (size_t i = 0; i < 3; i++) {
        check_input(&r, names[i], "lines", "parsed");
        d = diag_of(&r, names[i]);
        CHECK(d && d->grade == MD_GRADE_INFO &&
              strstr(d->msg, "never used as a path"));
    }
    tu_free(&r);
}

/* Overlap is judged against every member before, not only the previous
 * one; a member whose size runs past the central directory shadows none. */
static void
test_overlap_extents(void)
{
    struct tu_run r;
    run(&r, "tests/data/zip/nested-overlap.zip", NULL);
    check_input(&r, "a.bin", "zip", "parsed"); /* its data is a zip */
    check_input(&r, "b.reg", "-", "unreadable");
    check_input(&r, "c.reg", "-", "unreadable"); /* inside a.bin, after b */
    const struct md_diag *d = diag_of(&r, "c.reg");
    CHECK(d && d->code == MD_ERR_CORRUPT && strstr(d->msg, "'a.bin'"));
    tu_free(&r);

    run(&r, "tests/data/zip/liar.zip", NULL);
    d = diag_of(&r, "a.reg");
    CHECK(d && d->grade == MD_GRADE_WARN &&
          strstr(d->msg, "claims 2147483647 compressed bytes, more than the "
                         "archive holds"));
    check_input(&r, "a.reg", "lines", "partial"); /* its deflate data is
                                                      whole */
    check_input(&r, "b.reg", "lines", "parsed");
    tu_free(&r);
}

static void
test_limits(void)
{
    struct tu_run r;
    run(&r, "tests/data/zip/ratio.zip", "ratio=10");
    check_input(&r, "zeros.txt", "lines", "damaged");
    CHECK_STR(diag_of(&r, "zeros.txt")->limit, "ratio");
    tu_free(&r);

    run(&r, "tests/data/zip/deep.zip", NULL);
    const struct md_input *deepest =
        tu_input(&r, "level5.zip/level4.zip/level3.zip/level2.zip");
    CHECK(deepest && deepest->diags &&
          strcmp(deepest->diags->limit, "depth") == 0);
    tu_free(&r);
    run(&r, "tests/data/zip/deep.zip", "depth=8");
    check_input(&r,
                "level5.zip/level4.zip/level3.zip/level2.zip/level1.zip/"
                "level0.zip/deep.txt",
                "lines", "parsed");
    tu_free(&r);

    /* An archive too deep to open, read as a stream, is skipped at its
     * compressed size: its 8 MB are not inflated, so 'bundle_bytes' at
     * 1M is not reached and the member after it is read. */
    memset(&r, 0, sizeof r);
    md_limits_default(&r.opts.limits);
    md_limits_set(&r.opts.limits, "depth=2");
    md_limits_set(&r.opts.limits, "bundle_bytes=1M");
    r.opts.force = &lines_parser;
    r.opts.on_evidence = keep_ev;
    r.opts.user = &r;
    const char *src = getenv("MD_SRC");
    char *path = md_arena_printf(&r.keep, "%s/tests/data/zip/deepskip.zip",
                                 src ? src : ".");
    md_bundle_init(&r.b, path);
    md_scan_path(&r.b, &r.opts);
    CHECK_STR(diag_of(&r, "mid.zip/deep.zip")->limit, "depth");
    check_input(&r, "mid.zip", "zip", "parsed");
    check_input(&r, "mid.zip/after.txt", "lines", "parsed");
    tu_free(&r);

    run(&r, "tests/data/zip/good.zip", "entries=2");
    CHECK_INT(r.b.ninputs, 2);
    CHECK_STR(diag_of(&r, "good.zip")->limit, "entries");
    /* Central entries past the limit are counted too (not only those
     * the walker refused): 3 files and a folder entry, one listed. */
    CHECK(strstr(diag_of(&r, "good.zip")->msg, "; 3 more entries"));
    tu_free(&r);

    run(&r, "tests/data/zip/good.zip", "member_bytes=10000");
    check_input(&r, "Logs/notes.txt", "lines", "damaged");
    CHECK_STR(diag_of(&r, "Logs/notes.txt")->limit, "member_bytes");
    tu_free(&r);
}

static void
test_gzip(void)
{
    struct tu_run r;
    run(&r, "tests/data/zip/concat.txt.gz", NULL);
    check_input(&r, "concat.txt.gz", "gzip", "parsed");
    check_input(&r, "concat.txt", "lines", "parsed");
    CHECK_INT(tu_int(rec(&r, "concat.txt"), "lines"), 2);
    tu_free(&r);
    run(&r, "tests/data/zip/single.txt.gz", NULL);
    CHECK_INT(tu_int(rec(&r, "single.txt"), "lines"), 2000);
    tu_free(&r);
}

static void
test_folder(void)
{
    char dir[] = "/tmp/md_walk_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char p[512];
    const char *names[] = {"b.txt", "a.txt", "sub/c.txt", "B.txt"};
    snprintf(p, sizeof p, "%s/sub", dir);
    mkdir(p, 0755);
    for (size_t i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        FILE *f = fopen(p, "w");
        fputs("one\r\ntwo\r\nthree", f); /* no final newline */
        fclose(f);
    }
    snprintf(p, sizeof p, "%s/link", dir);
    CHECK_INT(symlink("/etc/passwd", p), 0);

    struct tu_run r;
    memset(&r, 0, sizeof r);
    md_limits_default(&r.opts.limits);
    r.opts.force = &lines_parser;
    r.opts.on_evidence = keep_ev;
    r.opts.user = &r;
    md_bundle_init(&r.b, dir);
    md_scan_path(&r.b, &r.opts);
    const char *order[] = {".", "B.txt", "a.txt", "b.txt", "link", "sub",
                           "sub/c.txt"};
    size_t k = 0;
    for (const struct md_input *in = r.b.inputs; in; in = in->next, k++)
        if (k < 7)
            CHECK_STR(in->path, order[k]);
    CHECK_INT(k, 7);
    CHECK_INT(tu_int(rec(&r, "sub/c.txt"), "lines"), 3);
    CHECK_STR(tu_str(&r, rec(&r, "a.txt"), "first"), "one");
    check_input(&r, "link", "-", "skipped");
    CHECK(!r.b.is_file);
    tu_free(&r);
    for (size_t i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s/link", dir);
    unlink(p);
    snprintf(p, sizeof p, "%s/sub", dir);
    rmdir(p);
    rmdir(dir);

    memset(&r, 0, sizeof r);
    md_limits_default(&r.opts.limits);
    md_bundle_init(&r.b, "/nonexistent/bundle.zip");
    CHECK_INT(md_scan_path(&r.b, &r.opts), MD_ERR_NOTFOUND);
    CHECK_INT(r.b.status, MD_ERR_NOTFOUND);
    CHECK(strstr(r.b.error, "/nonexistent/bundle.zip") != NULL);
    tu_free(&r);
}

static void
test_lines(void)
{
    /* 100000 UTF-16LE lines: chunk boundaries fall inside lines, CRs and
     * code units; every line must come through whole. */
    struct md_buf text = MD_BUF_INIT(0);
    for (int i = 0; i < 100000; i++)
        md_buf_printf(&text, "record %d with \xC3\xA9 accents\r\n", i);
    size_t n;
    unsigned char *le = tu_utf16le(text.ptr, &n, true);
    struct tu_run r;
    memset(&r, 0, sizeof r);
    md_limits_default(&r.opts.limits);
    r.opts.force = &lines_parser;
    r.opts.on_evidence = keep_ev;
    r.opts.user = &r;
    md_bundle_init(&r.b, "mem");
    md_scan_memory(&r.b, "big.log", le, n, &r.opts);
    CHECK_INT(tu_int(rec(&r, "big.log"), "lines"), 100000);
    CHECK_STR(tu_str(&r, rec(&r, "big.log"), "first"),
              "record 0 with \xC3\xA9 accents");
    CHECK_INT(tu_int(rec(&r, "big.log"), "longest"), 28);
    CHECK_INT(r.b.stats.bytes_text, text.len);
    tu_free(&r);
    free(le);
    md_buf_free(&text);

    /* A line over 'line_bytes' is cut there and reported. */
    struct md_buf big = MD_BUF_INIT(0);
    md_buf_adds(&big, "short\n");
    for (int i = 0; i < 300000; i++)
        md_buf_addc(&big, 'x');
    md_buf_adds(&big, "\nafter\n");
    memset(&r, 0, sizeof r);
    md_limits_default(&r.opts.limits);
    md_limits_set(&r.opts.limits, "line_bytes=100000");
    r.opts.force = &lines_parser;
    r.opts.on_evidence = keep_ev;
    r.opts.user = &r;
    md_bundle_init(&r.b, "mem");
    md_scan_memory(&r.b, "long.txt", big.ptr, big.len, &r.opts);
    CHECK_INT(tu_int(rec(&r, "long.txt"), "lines"), 3);
    CHECK_INT(tu_int(rec(&r, "long.txt"), "longest"), 100000);
    const struct md_diag *d = diag_of(&r, "long.txt");
    CHECK(d && d->line == 2 && strcmp(d->limit, "line_bytes") == 0);
    check_input(&r, "long.txt", "lines", "partial");
    tu_free(&r);
    md_buf_free(&big);
}

/* Lines end at LF, CRLF or a lone CR, also when a CRLF is cut in two by
 * the reader's chunks (in UTF-8 and in UTF-16LE). */
static void
test_line_endings(void)
{
    static const char mixed[] = "a\nb\r\nc\rd\r\r\ne";
    struct tu_run r;
    memset(&r, 0, sizeof r);
    md_limits_default(&r.opts.limits);
    r.opts.force = &lines_parser;
    r.opts.on_evidence = keep_ev;
    r.opts.user = &r;
    md_bundle_init(&r.b, "mem");
    md_scan_memory(&r.b, "mixed.txt", mixed, sizeof mixed - 1, &r.opts);
    CHECK_INT(tu_int(rec(&r, "mixed.txt"), "lines"), 6); /* d, "", e */
    CHECK_STR(tu_str(&r, rec(&r, "mixed.txt"), "first"), "a");
    tu_free(&r);

    for (int utf16 = 0; utf16 <= 1; utf16++) {
        size_t around = utf16 ? 32768 : 65536;
        for (size_t at = around - 6; at <= around + 6; at++) {
            /* One line of 'x', its CRLF at byte (or unit) 'at'. */
            struct md_buf t = MD_BUF_INIT(0);
            for (size_t i = 0; i < at; i++)
                md_buf_addc(&t, 'x');
            md_buf_adds(&t, "\r\ntail\r\n");
            size_t n = t.len;
            unsigned char *u = utf16 ? tu_utf16le(t.ptr, &n, true) : NULL;
            memset(&r, 0, sizeof r);
            md_limits_default(&r.opts.limits);
            r.opts.force = &lines_parser;
            r.opts.on_evidence = keep_ev;
            r.opts.user = &r;
            md_bundle_init(&r.b, "mem");
            md_scan_memory(&r.b, "cut.txt", u ? (void *)u : t.ptr, n,
                           &r.opts);
            CHECK_INT(tu_int(rec(&r, "cut.txt"), "lines"), 2);
            CHECK_INT(tu_int(rec(&r, "cut.txt"), "longest"), (int64_t)at);
            tu_free(&r);
            free(u);
            md_buf_free(&t);
        }
    }
}

int
main(void)
{
    static const struct tu_test tests[] = {
        TU_TEST(test_zip_forms), TU_TEST(test_nested), TU_TEST(test_damage),
        TU_TEST(test_limits),    TU_TEST(test_gzip),   TU_TEST(test_folder),
        TU_TEST(test_lines),     TU_TEST(test_hostile_zip),
        TU_TEST(test_overlap_extents), TU_TEST(test_line_endings),
    };
    return tu_main(tests, sizeof tests / sizeof tests[0]);
}
