/*
 * The engine (marsdiag/engine.h): rule pack loading and one bundle's
 * verdict — scan, model, precedence, rules (DESIGN §1 stages 5-8).
 */
#include "marsdiag/engine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "marsdiag/buf.h"
#include "marsdiag/pack.h"
#include "marsdiag/precedence.h"
#include "marsdiag/signatures.h"

struct md_engine {
    struct md_ruleset *rules;
    struct md_precedence *prec;
    struct md_sigset *sigs;
    struct md_limits lim;
};

/* Read a whole file of at most max bytes. NULL with *why NULL when
 * there is no such file, else with *why saying what went wrong. */
static char *
read_file(const char *path, uint64_t max, size_t *len, const char **why)
{
    *why = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno != ENOENT)
            *why = strerror(errno);
        return NULL;
    }
    struct md_buf b = MD_BUF_INIT(max);
    char tmp[8192];
    size_t n;
    enum md_status st = MD_OK;
    while (st == MD_OK && (n = fread(tmp, 1, sizeof tmp, f)) > 0)
        st = md_buf_add(&b, tmp, n);
    if (st != MD_OK || ferror(f)) {
        *why = st == MD_ERR_LIMIT ? "larger than limit 'rule_file_bytes'"
               : st != MD_OK      ? "out of memory"
                                  : strerror(errno);
        md_buf_free(&b);
        fclose(f);
        return NULL;
    }
    fclose(f);
    *len = b.len;
    return b.ptr ? b.ptr : calloc(1, 1);
}

/* The DIR/name file if there is one, else the built-in one. NULL, after
 * saying why, when DIR/name is there but cannot be read: falling back
 * to the built-in file would hide that the user's was not used. */
static char *
pack_text(const char *dir, const char *name, char *file, size_t filelen,
          size_t *len, const struct md_limits *lim, md_rule_error_fn err,
          void *user)
{
    if (dir) {
        const char *why;
        snprintf(file, filelen, "%s/%s", dir, name);
        char *t = read_file(file, lim->rule_file_bytes, len, &why);
        if (t || why) {
            if (why && err)
                err(user, file, 0, 0, why);
            return t;
        }
    }
    const struct md_pack_file *pf = md_pack_find(name);
    if (!pf) {
        if (err)
            err(user, name, 0, 0, "not in the built-in rule pack");
        return NULL;
    }
    snprintf(file, filelen, "rules/pack/%s", name);
    char *t = malloc(pf->len + 1);
    if (t) {
        memcpy(t, pf->text, pf->len);
        t[pf->len] = '\0';
        *len = pf->len;
    }
    return t;
}

struct md_engine *
md_engine_load(const char *rules_dir, const struct md_limits *lim,
               md_rule_error_fn err, void *user)
{
    struct md_engine *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->lim = *lim;
    size_t nerr = 0;
    struct md_ruleset_builder *b = md_ruleset_builder_new(lim);
    if (!b) {
        free(e);
        return NULL;
    }
    for (size_t i = 0; i < md_npack; i++) {
        const struct md_pack_file *pf = &md_pack[i];
        if (!strcmp(pf->name, "precedence.yml") ||
            !strcmp(pf->name, "signatures.yml"))
            continue;
        char file[256];
        snprintf(file, sizeof file, "rules/pack/%s", pf->name);
        nerr += md_ruleset_add_text(b, file, pf->text, pf->len, err, user);
    }
    if (rules_dir)
        nerr += md_ruleset_add_dir(b, rules_dir, err, user);
    e->rules = md_ruleset_build(b, err, user);
    if (!e->rules)
        nerr++;

    char file[4200];
    size_t len = 0;
    char *text = pack_text(rules_dir, "precedence.yml", file, sizeof file,
                           &len, lim, err, user);
    e->prec = text ? md_precedence_load(file, text, len, lim, err, user)
                   : NULL;
    nerr += !e->prec;
    free(text);
    text = pack_text(rules_dir, "signatures.yml", file, sizeof file, &len,
                     lim, err, user);
    size_t nsig = 0;
    e->sigs = text ? md_sigset_load(file, text, len, lim, err, user, &nsig)
                   : NULL;
    nerr += !e->sigs;
    free(text);
    if (nerr) {
        md_engine_free(e);
        return NULL;
    }
    return e;
}

void
md_engine_free(struct md_engine *e)
{
    if (!e)
        return;
    md_ruleset_free(e->rules);
    md_precedence_free(e->prec);
    md_sigset_free(e->sigs);
    free(e);
}

const struct md_ruleset *
md_engine_rules(const struct md_engine *e)
{
    return e->rules;
}

const char *
md_engine_rulepack(const struct md_engine *e)
{
    (void)e;
    return "proxy 1";
}

/* ---- one bundle --------------------------------------------------------- */

struct classify {
    const struct md_sigset *sigs;
    struct md_sig_scratch *scratch;
    void (*hit)(void *, const char *);
    void *hit_user;
    bool limit;
};

static void
sig_hit(void *user, size_t sig, size_t category)
{
    struct classify *c = user;
    (void)sig;
    c->hit(c->hit_user, md_sig_category_name(category));
}

static void
classify(void *user, const char *text, size_t len,
         void (*hit)(void *hit_user, const char *cat), void *hit_user)
{
    struct classify *c = user;
    c->hit = hit;
    c->hit_user = hit_user;
    if (md_sig_match(c->sigs, c->scratch, text, len, 0, sig_hit, c) ==
        MD_ERR_LIMIT)
        c->limit = true;
}

/* The model sees every record; so does the caller's sink, if any; an
 * overlay may keep a bundle's record from both. */
struct tee {
    struct md_model *model;
    md_evidence_fn fn;
    void *user;
    const struct md_overlay *ov;
};

static void
tee_add(void *user, const struct md_evidence *ev)
{
    struct tee *t = user;
    md_model_add(t->model, ev);
    if (t->fn)
        t->fn(t->user, ev);
}

static void
tee(void *user, const struct md_evidence *ev)
{
    struct tee *t = user;
    if (t->ov && t->ov->drop && t->ov->drop(t->ov->user, ev))
        return;
    tee_add(user, ev);
}

struct collect {
    struct md_verdict *v;
    size_t cap;
    bool nomem;
};

static void
keep_finding(void *user, const struct md_finding *f)
{
    struct collect *c = user;
    struct md_verdict *v = c->v;
    struct md_arena *a = md_model_arena(v->model);
    if (v->nfindings == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 8;
        struct md_verdict_finding *n =
            realloc(v->findings, cap * sizeof *n);
        if (!n) {
            c->nomem = true;
            return;
        }
        v->findings = n;
        c->cap = cap;
    }
    struct md_verdict_finding *k = &v->findings[v->nfindings];
    k->rule = f->rule;
    k->severity = f->severity;
    k->message = md_arena_strdup(a, f->message ? f->message : "");
    k->subject = f->subject ? md_arena_strdup(a, f->subject) : NULL;
    const struct md_evidence **ev =
        md_arena_alloc(a, (f->nevidence ? f->nevidence : 1) * sizeof *ev);
    if (!k->message || !ev) {
        c->nomem = true;
        return;
    }
    if (f->nevidence)
        memcpy(ev, f->evidence, f->nevidence * sizeof *ev);
    k->evidence = ev;
    k->nevidence = f->nevidence;
    k->suppressed = false;
    k->waiver_reason = NULL;
    k->waiver = NULL;
    k->expired_waiver = NULL;
    v->nfindings++;
}

static int
by_severity(const void *x, const void *y)
{
    const struct md_verdict_finding *a = x, *b = y;
    if (a->severity != b->severity)
        return (int)b->severity - (int)a->severity;
    int c = strcmp(a->rule->id, b->rule->id);
    if (c)
        return c;
    return strcmp(a->subject ? a->subject : "", b->subject ? b->subject : "");
}

static enum md_status
scan_judge(const struct md_engine *e, const char *path,
           const struct md_overlay *ov, const struct md_scan_opts *opts,
           struct md_verdict *v)
{
    memset(v, 0, sizeof *v);
    md_bundle_init(&v->bundle, path ? path : ov->label);
    v->model = md_model_new();
    struct classify cl = {.sigs = e->sigs};
    cl.scratch = md_sig_scratch_new(e->sigs);
    if (!v->model || !cl.scratch) {
        md_sig_scratch_free(cl.scratch);
        return MD_ERR_NOMEM;
    }
    md_model_set_classifier(v->model, classify, &cl);
    for (size_t i = 0; i < MD_SIG_NCATEGORIES; i++)
        md_model_declare_category(v->model, md_sig_category_name(i));
    struct md_scan_opts so = *opts;
    struct tee t = {v->model, opts->on_evidence, opts->user, ov};
    bool direct = !opts->on_evidence && !ov;
    so.on_evidence = direct ? md_model_add : tee;
    so.user = direct ? (void *)v->model : (void *)&t;
    enum md_status st = path ? md_scan_path(&v->bundle, &so) : MD_OK;
    if (ov && ov->feed && (st == MD_OK || v->bundle.status == MD_OK))
        ov->feed(ov->user, tee_add, &t);
    md_sig_scratch_free(cl.scratch);
    if (st != MD_OK && v->bundle.status != MD_OK)
        return st;
    md_model_finish(v->model);
    md_precedence_apply(e->prec, md_model_root(v->model),
                        md_model_arena(v->model));
    struct collect c = {.v = v};
    if (md_rules_eval(e->rules, md_model_root(v->model), keep_finding, &c) ==
            MD_ERR_LIMIT ||
        cl.limit)
        v->regex_limit = true;
    if (c.nomem)
        return MD_ERR_NOMEM;
    if (v->nfindings)
        qsort(v->findings, v->nfindings, sizeof *v->findings, by_severity);
    return st;
}

static long long
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum md_status
md_engine_scan(const struct md_engine *e, const char *path,
               const struct md_scan_opts *opts, struct md_verdict *v)
{
    long long t0 = now_ms();
    enum md_status st = scan_judge(e, path, NULL, opts, v);
    v->elapsed_ms = now_ms() - t0;
    return st;
}

enum md_status
md_engine_scan_overlay(const struct md_engine *e, const char *path,
                       const struct md_overlay *ov,
                       const struct md_scan_opts *opts, struct md_verdict *v)
{
    long long t0 = now_ms();
    enum md_status st = scan_judge(e, path, ov, opts, v);
    v->elapsed_ms = now_ms() - t0;
    return st;
}

void
md_verdict_free(struct md_verdict *v)
{
    md_bundle_free(&v->bundle);
    md_model_free(v->model);
    free(v->findings);
    memset(v, 0, sizeof *v);
}

int
md_verdict_worst(const struct md_verdict *v)
{
    /* Findings are sorted most severe first. */
    for (size_t i = 0; i < v->nfindings; i++)
        if (!v->findings[i].suppressed)
            return (int)v->findings[i].severity;
    return -1;
}
