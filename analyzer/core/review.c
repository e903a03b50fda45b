/*
 * The review of a planned change (marsdiag/review.h): the server judged
 * before and after, through an overlay on the engine (engine.h), and the
 * two verdicts compared.
 */
#include "review_int.h"

#include <stdlib.h>
#include <string.h>

#include "marsdiag/names.h"
#include "parser.h"

#define EMPTY_MACHINE "(empty machine)"

/* ---- the state a source is in when nothing sets it --------------------- */

/*
 * The record that says source src is empty, citing at: the agent with no
 * proxy of its own, SYSTEM's Internet Settings with ProxyEnable=0 (so
 * WinINet uses no proxy), WinHTTP in direct access.
 */
static struct md_evidence *
empty_record(struct md_arena *a, unsigned src, const struct md_evidence *at,
             const char *origin)
{
    struct md_evidence *r;
    switch (src) {
    case MD_SRC_AGENT:
        r = md_rec_new(a, "agent.proxy", at);
        md_ev_strz(r, "field", "enabled");
        md_ev_bool(r, "value", false);
        md_ev_strz(r, "origin", origin);
        return r;
    case MD_SRC_SYSTEM:
        r = md_rec_new(a, "reg.value", at);
        if (r) {
            r->key = MD_KEY_SYSTEM_INET;
            r->name = "ProxyEnable";
        }
        md_ev_strz(r, "type", "REG_DWORD");
        md_ev_int(r, "data", 0);
        md_ev_strz(r, "scope", "system");
        md_ev_strz(r, "sid", "S-1-5-18");
        md_ev_bool(r, "deleted", false);
        return r;
    case MD_SRC_WINHTTP:
        r = md_rec_new(a, "winhttp.proxy", at);
        md_ev_strz(r, "source", "netsh");
        md_ev_bool(r, "direct", true);
        md_ev_strz(r, "proxy_server", NULL);
        md_ev_strz(r, "bypass", NULL);
        return r;
    }
    return NULL;
}

/* The empty machine: one record per source, citing "(empty machine)". */
static size_t
empty_machine(struct md_review *r, struct md_evidence **out)
{
    static const char *const says[] = {
        "no proxy of its own (empty machine)",
        "SYSTEM's Internet Settings: no proxy (empty machine)",
        "WinHTTP: direct access (empty machine)"};
    struct md_input *in = md_arena_calloc(&r->arena, sizeof *in);
    if (!in)
        return 0;
    in->bundle = EMPTY_MACHINE;
    in->path = EMPTY_MACHINE;
    size_t n = 0;
    for (unsigned i = 0; i < 3; i++) {
        struct md_evidence at = {
            .input = in, .text = says[i], .text_len = strlen(says[i])};
        struct md_evidence *ev =
            empty_record(&r->arena, 1u << i, &at, "empty machine");
        if (ev)
            out[n++] = ev;
    }
    return n;
}

/* ---- the overlay ----------------------------------------------------------
 */

struct overlay {
    struct md_review *r;
    const struct md_change *c;   /* NULL: before the change */
    struct md_evidence *base[3]; /* the empty machine, when no bundle */
    size_t nbase;
    unsigned kept; /* sources the bundle still has records of */
};

/* Kinds the model keeps as settings; the only ones a change can replace
 * (logs pass untouched, and fast). */
static bool
setting_kind(const struct md_evidence *ev)
{
    static const char *const kinds[] = {
        "agent.proxy",   "reg.value",       "wininet.connection",
        "winhttp.proxy", "nwcheck.setting", "nwcheck.winhttp"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (!strcmp(ev->kind, kinds[i]))
            return true;
    return false;
}

static bool
replaced(const struct md_change *c, const struct md_evidence *ev)
{
    for (size_t i = 0; i < c->nops; i++)
        if (md_op_replaces(&c->ops[i], ev))
            return true;
    return false;
}

static bool
drop(void *user, const struct md_evidence *ev)
{
    struct overlay *o = user;
    if (!o->c || !setting_kind(ev))
        return false;
    if (replaced(o->c, ev))
        return true;
    o->kept |= md_record_source(ev);
    return false;
}

static void
feed(void *user, md_evidence_fn add, void *add_user)
{
    struct overlay *o = user;
    for (size_t i = 0; i < o->nbase; i++)
        if (!drop(o, o->base[i]))
            add(add_user, o->base[i]);
    if (!o->c)
        return;
    unsigned live = 0, touched = 0;
    const struct md_evidence *last[3] = {NULL, NULL, NULL};
    for (size_t i = 0; i < o->c->nops; i++) {
        const struct md_change_op *op = &o->c->ops[i];
        unsigned t = md_op_touches(op);
        touched |= t;
        for (unsigned k = 0; k < 3; k++)
            if (t & (1u << k))
                last[k] = op->ev;
        if (op->kind != MD_OP_RECORD || !op->live)
            continue;
        live |= md_record_source(op->ev);
        add(add_user, op->ev);
    }
    /* A source the change took away entirely is empty, not unknown. */
    for (unsigned k = 0; k < 3; k++) {
        unsigned src = 1u << k;
        if (!(touched & src) || ((o->kept | live) & src))
            continue;
        struct md_evidence *ev =
            empty_record(&o->r->arena, src, last[k], "change");
        if (ev)
            add(add_user, ev);
    }
}

/* ---- comparing --------------------------------------------------------- */

bool
md_fact_same(const struct md_fact *x, const struct md_fact *y)
{
    bool xn = !x || x->type == MD_F_NULL, yn = !y || y->type == MD_F_NULL;
    if (xn || yn)
        return xn && yn;
    if (x->type != y->type)
        return false;
    if (x->type == MD_F_LIST || x->type == MD_F_OBJ) {
        if (x->n != y->n)
            return false;
        for (size_t i = 0; i < x->n; i++)
            if ((x->type == MD_F_OBJ && strcmp(x->keys[i], y->keys[i])) ||
                !md_fact_same(x->items[i], y->items[i]))
                return false;
        return true;
    }
    return md_fact_equal(x, y);
}

bool
md_effective_changed(const struct md_fact *old_root,
                     const struct md_fact *new_root)
{
    static const char *const paths[] = {
        "effective.source", "effective.mode",    "effective.server",
        "effective.port",   "effective.pac_url", "effective.credentials",
        "effective.bypass"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (!md_fact_same(md_fact_path(old_root, paths[i]),
                          md_fact_path(new_root, paths[i])))
            return true;
    return false;
}

/*
 * What a finding is about, for matching: its rule and subject; a subject
 * that names a list element by position ("collected.missing[1]") by the
 * element's identity instead, since positions shift when the list does.
 */
static const char *
finding_key(struct md_arena *a, const struct md_verdict *v,
            const struct md_verdict_finding *f)
{
    const char *subj = f->subject ? f->subject : "";
    const char *ob = strrchr(subj, '[');
    size_t len = strlen(subj);
    if (ob && len > 2 && subj[len - 1] == ']' && ob + 1 < subj + len - 1 &&
        strspn(ob + 1, "0123456789") == (size_t)(subj + len - 1 - ob - 1)) {
        char list[256];
        snprintf(list, sizeof list, "%.*s", (int)(ob - subj), subj);
        size_t idx = (size_t)strtoul(ob + 1, NULL, 10);
        const struct md_fact *l =
            v->model ? md_fact_path(md_model_root(v->model), list) : NULL;
        static const char *const ids[] = {"sid", "path", "what", "fact"};
        for (size_t k = 0; l && l->type == MD_F_LIST && idx < l->n &&
                           k < sizeof ids / sizeof ids[0];
             k++) {
            const struct md_fact *id = md_fact_get(l->items[idx], ids[k]);
            if (id && id->type == MD_F_STR)
                return md_arena_printf(a, "%s|%s[%.*s]", f->rule->id, list,
                                       (int)id->len, id->s);
        }
    }
    return md_arena_printf(a, "%s|%s", f->rule->id, subj);
}

static const char **
keys_of(struct md_arena *a, const struct md_verdict *v)
{
    const char **k = md_arena_calloc(a, (v->nfindings + 1) * sizeof *k);
    for (size_t i = 0; k && i < v->nfindings; i++)
        if (!(k[i] = finding_key(a, v, &v->findings[i])))
            return NULL;
    return k;
}

enum md_status
md_findings_compare(const struct md_verdict *old, const struct md_verdict *new_,
                    struct md_arena *a, struct md_finding_delta *d)
{
    memset(d, 0, sizeof *d);
    size_t no = old->nfindings, nn = new_->nfindings;
    const char **ko = keys_of(a, old), **kn = keys_of(a, new_);
    bool *used = md_arena_calloc(a, no + 1);
    d->added = md_arena_calloc(a, (nn + 1) * sizeof *d->added);
    d->escalated = md_arena_calloc(a, (nn + 1) * sizeof *d->escalated);
    d->removed = md_arena_calloc(a, (no + 1) * sizeof *d->removed);
    if (!ko || !kn || !used || !d->added || !d->escalated || !d->removed)
        return MD_ERR_NOMEM;
    for (size_t i = 0; i < nn; i++) {
        size_t j = 0;
        while (j < no && (used[j] || strcmp(ko[j], kn[i])))
            j++;
        const struct md_verdict_finding *f = &new_->findings[i];
        if (j == no) {
            d->added[d->nadded++] = f;
            continue;
        }
        used[j] = true;
        if (f->severity > old->findings[j].severity)
            d->escalated[d->nescalated++] = f;
        else
            d->nsame++;
    }
    for (size_t j = 0; j < no; j++)
        if (!used[j])
            d->removed[d->nremoved++] = &old->findings[j];
    return MD_OK;
}

/* ---- the review ---------------------------------------------------------- */

enum md_status
md_review_run(const struct md_engine *e, const char *bundle,
              const struct md_change *c, const struct md_scan_opts *opts,
              struct md_review *r)
{
    memset(r, 0, sizeof *r);
    r->change = c;
    r->empty_machine = bundle == NULL;
    struct overlay before = {.r = r}, after = {.r = r, .c = c};
    if (!bundle) {
        before.nbase = empty_machine(r, before.base);
        after.nbase = empty_machine(r, after.base);
    }
    struct md_overlay ob = {NULL, feed, &before, EMPTY_MACHINE};
    struct md_overlay oa = {drop, feed, &after, EMPTY_MACHINE};
    enum md_status st =
        bundle ? md_engine_scan(e, bundle, opts, &r->before)
               : md_engine_scan_overlay(e, NULL, &ob, opts, &r->before);
    if (st != MD_OK)
        return st;
    st = md_engine_scan_overlay(e, bundle, &oa, opts, &r->after);
    if (st != MD_OK)
        return st;
    st = md_findings_compare(&r->before, &r->after, &r->arena, &r->delta);
    if (st != MD_OK)
        return st;
    r->effective_changed = md_effective_changed(md_model_root(r->before.model),
                                                md_model_root(r->after.model));
    return MD_OK;
}

void
md_review_free(struct md_review *r)
{
    md_verdict_free(&r->before);
    md_verdict_free(&r->after);
    md_arena_free(&r->arena);
    memset(r, 0, sizeof *r);
}

int
md_review_worst_new(const struct md_review *r)
{
    return md_delta_worst(&r->delta);
}
