/*
 * Two bundles of one server compared (marsdiag diff; review.h): every
 * fact of each proxy source, flattened to a path ("agent.proxy.server",
 * "users[S-1-5-21-…].proxy.set", "dotnet[path].enabled"), old against
 * new; the effective proxy; findings added, removed and escalated, paired
 * by rule and subject as a review pairs them.
 */
#include "review_int.h"

#include <stdlib.h>
#include <string.h>

#include "marsdiag/redact.h"
#include "marsdiag/verdict.h"

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
    struct md_finding_delta fd;
    st = md_findings_compare(&d->old, &d->new_, &d->arena, &fd);
    if (st != MD_OK)
        return st;
    d->added = fd.added;
    d->nadded = fd.nadded;
    d->removed = fd.removed;
    d->nremoved = fd.nremoved;
    d->escalated = fd.escalated;
    d->nescalated = fd.nescalated;
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

/* ---- writers ------------------------------------------------------------ */

static const char *const sources[] = {"agent", "system", "users", "winhttp",
                                      "dotnet"};

static void
write_side(struct md_json *j, const char *key, const struct md_verdict *v,
           const struct md_render *rr)
{
    const struct md_fact *root = md_model_root(v->model);
    md_json_key(j, key);
    md_json_obj(j);
    md_json_key(j, "path");
    md_json_redacted(j, rr->redactor, v->bundle.path, strlen(v->bundle.path));
    md_json_key(j, "host");
    md_write_fact_json(j, md_fact_path(root, "host.name"), rr->redactor);
    md_json_key(j, "effective_proxy");
    md_write_fact_json(j, md_fact_path(root, "effective"), rr->redactor);
    md_json_end_obj(j);
}

static void
write_changes(struct md_json *j, const struct md_diff *d, const char *source,
              const struct md_render *rr)
{
    md_json_key(j, source);
    md_json_arr(j);
    for (size_t i = 0; i < d->nchanges; i++) {
        const struct md_diff_change *c = &d->changes[i];
        if (strcmp(c->source, source))
            continue;
        md_json_obj(j);
        md_json_key(j, "fact");
        md_json_redacted(j, rr->redactor, c->fact, strlen(c->fact));
        md_json_key(j, "old");
        md_write_fact_json(j, c->old, rr->redactor);
        md_json_key(j, "new");
        md_write_fact_json(j, c->new_, rr->redactor);
        md_json_end_obj(j);
    }
    md_json_end_arr(j);
}

static void
write_list(struct md_json *j, const char *key,
           const struct md_verdict_finding *const *f, size_t n,
           const struct md_render *rr)
{
    md_json_key(j, key);
    md_json_arr(j);
    for (size_t i = 0; i < n; i++)
        md_write_finding_json(j, f[i], rr->redactor);
    md_json_end_arr(j);
}

void
md_write_diff_json(FILE *f, const struct md_diff *d, const struct md_render *rr)
{
    struct md_json j;
    md_json_init(&j, f, true);
    md_json_obj(&j);
    md_json_key(&j, "schema");
    md_json_strz(&j, MD_DIFF_SCHEMA);
    md_json_key(&j, "tool");
    md_json_obj(&j);
    md_json_key(&j, "name");
    md_json_strz(&j, "marsdiag");
    md_json_key(&j, "version");
    md_json_strz(&j, md_version());
    md_json_key(&j, "rulepack");
    md_json_strz(&j, rr->rulepack);
    md_json_end_obj(&j);
    write_side(&j, "old", &d->old, rr);
    write_side(&j, "new", &d->new_, rr);
    md_json_key(&j, "sources");
    md_json_obj(&j);
    for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++)
        write_changes(&j, d, sources[i], rr);
    md_json_end_obj(&j);
    md_json_key(&j, "effective_changed");
    md_json_bool(&j, d->effective_changed);
    md_json_key(&j, "findings");
    md_json_obj(&j);
    write_list(&j, "added", d->added, d->nadded, rr);
    write_list(&j, "escalated", d->escalated, d->nescalated, rr);
    write_list(&j, "removed", d->removed, d->nremoved, rr);
    md_json_end_obj(&j);
    md_json_end_obj(&j);
    fputc('\n', f);
}

static void
put(FILE *f, const struct md_render *rr, const char *s)
{
    size_t n;
    char *m = md_redactor_apply(rr->redactor, s, strlen(s), &n);
    if (m)
        fwrite(m, 1, n, f);
    free(m);
}

static void
put_fact(FILE *f, const struct md_render *rr, const struct md_fact *v)
{
    if (!v || v->type == MD_F_NULL) {
        fputs("(none)", f);
    } else if (v->type == MD_F_STR) {
        char *s = strndup(v->s, v->len);
        if (s)
            put(f, rr, s);
        free(s);
    } else if (v->type == MD_F_INT) {
        fprintf(f, "%lld", (long long)v->i);
    } else if (v->type == MD_F_BOOL) {
        fputs(v->i ? "true" : "false", f);
    }
}

static void
text_list(FILE *f, const char *title, const struct md_verdict_finding *const *v,
          size_t n, const struct md_render *rr)
{
    size_t k[3] = {0};
    for (size_t i = 0; i < n; i++)
        k[v[i]->severity]++;
    fprintf(f, "\n%s%s:%s ", rr->color ? "\033[1m" : "", title,
            rr->color ? "\033[0m" : "");
    if (n)
        fprintf(f, "%zu error%s, %zu warning%s, %zu info\n", k[2],
                k[2] == 1 ? "" : "s", k[1], k[1] == 1 ? "" : "s", k[0]);
    else
        fputs("none\n", f);
    for (size_t i = 0; i < n; i++)
        md_write_finding_text(f, v[i], rr);
}

void
md_write_diff_text(FILE *f, const struct md_diff *d, const struct md_render *rr)
{
    const char *b = rr->color ? "\033[1m" : "", *o = rr->color ? "\033[0m" : "";
    fprintf(f, "%sOld:%s ", b, o);
    put(f, rr, d->old.bundle.path);
    fprintf(f, "\n%sNew:%s ", b, o);
    put(f, rr, d->new_.bundle.path);
    fprintf(f, "\n\n%sSources:%s", b, o);
    size_t shown = 0;
    for (size_t s = 0; s < sizeof sources / sizeof sources[0]; s++)
        for (size_t i = 0; i < d->nchanges; i++) {
            const struct md_diff_change *c = &d->changes[i];
            if (strcmp(c->source, sources[s]))
                continue;
            fprintf(f, "%s  %-8s ", shown++ ? "" : "\n", c->source);
            put(f, rr, c->fact);
            fputs(": ", f);
            put_fact(f, rr, c->old);
            fputs(" -> ", f);
            put_fact(f, rr, c->new_);
            fputc('\n', f);
        }
    if (!shown)
        fputs(" no change\n", f);
    char line[1600];
    fprintf(f, "\n%sEffective proxy%s%s\n  old: ", b, o,
            d->effective_changed ? ":" : " (the same):");
    md_effective_line(md_model_root(d->old.model), line, sizeof line);
    put(f, rr, line);
    fputs("\n  new: ", f);
    md_effective_line(md_model_root(d->new_.model), line, sizeof line);
    put(f, rr, line);
    fputc('\n', f);
    text_list(f, "Findings added", d->added, d->nadded, rr);
    if (d->nescalated)
        text_list(f, "Findings more severe", d->escalated, d->nescalated, rr);
    text_list(f, "Findings removed", d->removed, d->nremoved, rr);
}
