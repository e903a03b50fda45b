/*
 * Two bundles of one server compared (marsdiag diff; review.h): every
 * fact of each proxy source, flattened to a path ("agent.proxy.server",
 * "users[S-1-5-21-…].proxy.set", "dotnet[path].enabled"), old against
 * new; the effective proxy; findings added, removed and escalated, paired
 * by rule and subject as a review pairs them. The writers are the
 * review's (review_write.c, review_md.c, review_html.c, review_sarif.c).
 */
#include "review_int.h"

#include <stdlib.h>
#include <string.h>

struct flat {
    const char **path;
    const struct md_fact **fact;
    size_t n, cap;
    bool nomem;
};

static void
flat_add(struct flat *fl, const char *path, const struct md_fact *f)
{
    if (fl->n == fl->cap) {
        size_t cap = fl->cap ? 2 * fl->cap : 64;
        const char **p = realloc(fl->path, cap * sizeof *p);
        if (p)
            fl->path = p;
        const struct md_fact **q = realloc(fl->fact, cap * sizeof *q);
        if (q)
            fl->fact = q;
        if (!p || !q) {
            fl->nomem = true;
            return;
        }
        fl->cap = cap;
    }
    fl->path[fl->n] = path;
    fl->fact[fl->n] = f;
    fl->n++;
}

/* Name a list element by what identifies it, else its position. */
static const char *
elem_name(struct md_arena *a, const struct md_fact *e, size_t i)
{
    static const char *const ids[] = {"sid", "path"};
    for (size_t k = 0; k < 2; k++) {
        const struct md_fact *id = md_fact_get(e, ids[k]);
        if (id && id->type == MD_F_STR)
            return md_arena_strndup(a, id->s, id->len);
    }
    return md_arena_printf(a, "%zu", i);
}

/* Every scalar under f, with its path. */
static void
flatten(struct md_arena *a, struct flat *fl, const char *prefix,
        const struct md_fact *f)
{
    if (!f)
        return;
    if (f->type == MD_F_OBJ) {
        for (size_t i = 0; i < f->n; i++)
            flatten(a, fl, md_arena_printf(a, "%s.%s", prefix, f->keys[i]),
                    f->items[i]);
    } else if (f->type == MD_F_LIST) {
        for (size_t i = 0; i < f->n; i++)
            flatten(a, fl,
                    md_arena_printf(a, "%s[%s]", prefix,
                                    elem_name(a, f->items[i], i)),
                    f->items[i]);
    } else if (prefix) {
        flat_add(fl, prefix, f);
    }
}

/* The facts each source is made of (the raw legacy/blob copies of
 * SYSTEM's settings are left out: their meaning is in system.proxy). */
static const struct {
    const char *source, *path;
} parts[] = {
    {"agent", "agent.proxy"},
    {"agent", "agent.version"},
    {"system", "system.proxy"},
    {"system", "system.per_machine"},
    {"system", "system.location"},
    {"users", "users"},
    {"winhttp", "winhttp"},
    {"dotnet", "dotnet"},
    {"effective", "effective.source"},
    {"effective", "effective.mode"},
    {"effective", "effective.server"},
    {"effective", "effective.port"},
    {"effective", "effective.pac_url"},
    {"effective", "effective.credentials"},
    {"effective", "effective.bypass"},
};

static size_t
find(const struct flat *fl, const char *path)
{
    for (size_t i = 0; i < fl->n; i++)
        if (!strcmp(fl->path[i], path))
            return i;
    return SIZE_MAX;
}

static bool
change_add(struct md_diff *d, size_t *cap, const char *source, const char *fact,
           const struct md_fact *o, const struct md_fact *n)
{
    if (d->nchanges == *cap) {
        size_t ncap = *cap ? 2 * *cap : 32;
        struct md_diff_change *c = realloc(d->changes, ncap * sizeof *c);
        if (!c)
            return false;
        d->changes = c;
        *cap = ncap;
    }
    d->changes[d->nchanges++] = (struct md_diff_change){source, fact, o, n};
    return true;
}

static enum md_status
compare_sources(struct md_diff *d)
{
    const struct md_fact *ro = md_model_root(d->old.model);
    const struct md_fact *rn = md_model_root(d->new_.model);
    size_t cap = 0;
    for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++) {
        struct flat fo = {0}, fn = {0};
        flatten(&d->arena, &fo, parts[p].path, md_fact_path(ro, parts[p].path));
        flatten(&d->arena, &fn, parts[p].path, md_fact_path(rn, parts[p].path));
        bool ok = !fo.nomem && !fn.nomem;
        for (size_t i = 0; ok && i < fo.n; i++) {
            size_t k = find(&fn, fo.path[i]);
            const struct md_fact *nf = k == SIZE_MAX ? NULL : fn.fact[k];
            if (!md_fact_same(fo.fact[i], nf))
                ok = change_add(d, &cap, parts[p].source, fo.path[i],
                                fo.fact[i], nf);
        }
        for (size_t i = 0; ok && i < fn.n; i++)
            if (find(&fo, fn.path[i]) == SIZE_MAX &&
                !md_fact_same(NULL, fn.fact[i]))
                ok = change_add(d, &cap, parts[p].source, fn.path[i], NULL,
                                fn.fact[i]);
        free(fo.path);
        free(fo.fact);
        free(fn.path);
        free(fn.fact);
        if (!ok)
            return MD_ERR_NOMEM;
    }
    return MD_OK;
}

enum md_status
md_diff_run(const struct md_engine *e, const char *old_path,
            const char *new_path, const struct md_scan_opts *opts,
            struct md_diff *d)
{
    memset(d, 0, sizeof *d);
    enum md_status st = md_engine_scan(e, old_path, opts, &d->old);
    if (st != MD_OK)
        return st;
    st = md_engine_scan(e, new_path, opts, &d->new_);
    if (st != MD_OK)
        return st;
    st = md_findings_compare(&d->old, &d->new_, &d->arena, &d->delta);
    if (st != MD_OK)
        return st;
    d->effective_changed = md_effective_changed(md_model_root(d->old.model),
                                                md_model_root(d->new_.model));
    return compare_sources(d);
}

void
md_diff_free(struct md_diff *d)
{
    md_verdict_free(&d->old);
    md_verdict_free(&d->new_);
    free(d->changes);
    md_arena_free(&d->arena);
    memset(d, 0, sizeof *d);
}

int
md_diff_worst_new(const struct md_diff *d)
{
    return md_delta_worst(&d->delta);
}
