/* Test harness helpers (testutil.h). */
#include "testutil.h"

#include <stdlib.h>

int md_test_failures;

static void
keep(void *user, const struct md_evidence *ev)
{
    struct tu_run *r = user;
    if (r->nev == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->ev = realloc(r->ev, r->cap * sizeof *r->ev);
        if (!r->ev)
            abort();
    }
    r->ev[r->nev] = md_evidence_copy(&r->keep, ev);
    if (!r->ev[r->nev])
        abort();
    r->nev++;
}

static void
run_init(struct tu_run *r, const char *path)
{
    memset(r, 0, sizeof *r);
    md_bundle_init(&r->b, path);
    md_limits_default(&r->opts.limits);
    r->opts.on_evidence = keep;
    r->opts.user = r;
}

void
tu_parse(struct tu_run *r, const struct md_parser *p, const char *name,
         const void *data, size_t len)
{
    run_init(r, name);
    if (p)
        md_parse_memory(&r->b, p, name, data, len, 0, &r->opts);
    else
        md_scan_memory(&r->b, name, data, len, &r->opts);
}

static const char *
src_dir(void)
{
    const char *s = getenv("MD_SRC");
    return s && *s ? s : ".";
}

unsigned char *
tu_read_file(const char *relpath, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", src_dir(), relpath);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open fixture '%s'\n", path);
        exit(1);
    }
    size_t cap = 65536, n = 0;
    unsigned char *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
        }
    }
    fclose(f);
    if (!buf)
        abort();
    *len = n;
    return buf;
}

void
tu_parse_file(struct tu_run *r, const struct md_parser *p, const char *relpath)
{
    size_t len;
    unsigned char *data = tu_read_file(relpath, &len);
    const char *base = strrchr(relpath, '/');
    base = base ? base + 1 : relpath;
    run_init(r, relpath);
    const char *name = md_arena_strdup(&r->keep, base);
    if (p)
        md_parse_memory(&r->b, p, name, data, len, 0, &r->opts);
    else
        md_scan_memory(&r->b, name, data, len, &r->opts);
    free(data);
}

void
tu_scan(struct tu_run *r, const char *relpath)
{
    run_init(r, NULL);
    char *path = md_arena_printf(&r->keep, "%s/%s", src_dir(), relpath);
    r->b.path = path;
    md_scan_path(&r->b, &r->opts);
}

void
tu_free(struct tu_run *r)
{
    md_bundle_free(&r->b);
    md_arena_free(&r->keep);
    free(r->ev);
    memset(r, 0, sizeof *r);
}

const struct md_evidence *
tu_find(const struct tu_run *r, const char *kind, size_t nth)
{
    for (size_t i = 0; i < r->nev; i++)
        if (strcmp(r->ev[i]->kind, kind) == 0 && nth-- == 0)
            return r->ev[i];
    return NULL;
}

size_t
tu_count(const struct tu_run *r, const char *kind)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nev; i++)
        n += strcmp(r->ev[i]->kind, kind) == 0;
    return n;
}

const struct md_evidence *
tu_find_str(const struct tu_run *r, const char *kind, const char *fname,
            const char *val)
{
    for (size_t i = 0; i < r->nev; i++) {
        if (strcmp(r->ev[i]->kind, kind) != 0)
            continue;
        const struct md_field *f = md_ev_field(r->ev[i], fname);
        if (f && f->type == MD_V_STR && f->len == strlen(val) &&
            memcmp(f->s, val, f->len) == 0)
            return r->ev[i];
    }
    return NULL;
}

const char *
tu_str(struct tu_run *r, const struct md_evidence *ev, const char *fname)
{
    if (!ev)
        return "(no record)";
    const struct md_field *f = md_ev_field(ev, fname);
    if (!f || f->type != MD_V_STR)
        return "(null)";
    return md_arena_strndup(&r->keep, f->s, f->len);
}

int64_t
tu_int(const struct md_evidence *ev, const char *fname)
{
    if (!ev)
        return INT64_MIN;
    const struct md_field *f = md_ev_field(ev, fname);
    if (!f || (f->type != MD_V_INT && f->type != MD_V_BOOL))
        return INT64_MIN;
    return f->i;
}

size_t
tu_ndiags(const struct tu_run *r, enum md_grade g)
{
    size_t n = 0;
    for (const struct md_input *in = r->b.inputs; in; in = in->next)
        for (const struct md_diag *d = in->diags; d; d = d->next)
            n += d->grade >= g;
    return n;
}

const struct md_input *
tu_input(const struct tu_run *r, const char *path)
{
    for (const struct md_input *in = r->b.inputs; in; in = in->next)
        if (strcmp(in->path, path) == 0)
            return in;
    return NULL;
}

unsigned char *
tu_utf16le(const char *s, size_t *len, bool bom)
{
    /* Decode UTF-8 to code points, encode as UTF-16LE. */
    size_t n = strlen(s);
    unsigned char *out = malloc(4 * n + 2), *o = out;
    if (!out)
        abort();
    if (bom) {
        *o++ = 0xFF;
        *o++ = 0xFE;
    }
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t cp;
        if (*p < 0x80)
            cp = *p++;
        else if ((*p & 0xE0) == 0xC0) {
            cp = (uint32_t)(p[0] & 0x1F) << 6 | (p[1] & 0x3F);
            p += 2;
        } else if ((*p & 0xF0) == 0xE0) {
            cp = (uint32_t)(p[0] & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 |
                 (p[2] & 0x3F);
            p += 3;
        } else {
            cp = (uint32_t)(p[0] & 0x07) << 18 | (uint32_t)(p[1] & 0x3F) << 12 |
                 (uint32_t)(p[2] & 0x3F) << 6 | (p[3] & 0x3F);
            p += 4;
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            uint32_t hi = 0xD800 + (cp >> 10), lo = 0xDC00 + (cp & 0x3FF);
            *o++ = (unsigned char)hi;
            *o++ = (unsigned char)(hi >> 8);
            *o++ = (unsigned char)lo;
            *o++ = (unsigned char)(lo >> 8);
        } else {
            *o++ = (unsigned char)cp;
            *o++ = (unsigned char)(cp >> 8);
        }
    }
    *len = (size_t)(o - out);
    return out;
}

static struct md_engine *engine;

const struct md_engine *
tu_engine(void)
{
    if (!engine) {
        struct md_limits lim;
        md_limits_default(&lim);
        engine = md_engine_load(NULL, &lim, NULL, NULL);
        if (!engine) {
            fprintf(stderr, "cannot load the built-in rule pack\n");
            exit(1);
        }
    }
    return engine;
}

int
tu_main(const struct tu_test *tests, size_t n)
{
    size_t failed = 0;
    for (size_t i = 0; i < n; i++) {
        int before = md_test_failures;
        tests[i].fn();
        bool ok = md_test_failures == before;
        if (!ok)
            failed++;
        printf("%s %s\n", ok ? "ok  " : "FAIL", tests[i].name);
    }
    printf("%zu passed, %zu failed\n", n - failed, failed);
    md_engine_free(engine);
    engine = NULL;
    return failed ? 1 : 0;
}
