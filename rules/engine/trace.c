/*
 * Evaluation traces (marsdiag/trace.h), for `marsdiag explain`: the
 * expression is evaluated once more by the ordinary evaluator, recording
 * every node's value by node id (md_expr_eval_traced), and the AST is then
 * turned into a public tree carrying those values, the facts read, and
 * each sub-expression written out again (so a reader sees
 * "agent.proxy.port <= 0", not an offset into a folded YAML scalar).
 */
#include "expr.h"

#include "marsdiag/buf.h"
#include "marsdiag/trace.h"

#include <stdlib.h>
#include <string.h>

const char *
md_trace_kind_str(enum md_trace_kind k)
{
    static const char *const names[] = {
        [MD_TRACE_LITERAL] = "literal", [MD_TRACE_FACT] = "fact",
        [MD_TRACE_NOT] = "not",         [MD_TRACE_AND] = "and",
        [MD_TRACE_OR] = "or",           [MD_TRACE_COMPARE] = "compare",
        [MD_TRACE_MATCH] = "match",     [MD_TRACE_IN] = "in",
        [MD_TRACE_CALL] = "call",
    };
    return k <= MD_TRACE_CALL ? names[k] : "?";
}

/* ---- writing an expression out ------------------------------------------ */

static const char *const cmp_ops[] = {"==", "!=", "<", "<=", ">", ">="};
static const char *const fn_names[] = {"exists", "count", "len",
                                       "lower",  "host",  "port"};

/* Binding strength, loosest first, as in parse.c's grammar. */
static int
prec(const struct node *n)
{
    switch (n->kind) {
    case N_OR: return 1;
    case N_AND: return 2;
    case N_NOT: return 3;
    case N_CMP:
    case N_MATCH:
    case N_IN: return 4;
    default: return 5;
    }
}

static void
put_literal(struct md_buf *b, const struct md_fact *lit)
{
    switch (lit->type) {
    case MD_F_STR:
        /* No escapes in the language: a quote is doubled. */
        md_buf_addc(b, '\'');
        for (size_t i = 0; i < lit->len; i++) {
            if (lit->s[i] == '\'')
                md_buf_addc(b, '\'');
            md_buf_addc(b, lit->s[i]);
        }
        md_buf_addc(b, '\'');
        break;
    case MD_F_INT:
        md_buf_printf(b, "%lld", (long long)lit->i);
        break;
    case MD_F_BOOL:
        md_buf_adds(b, lit->i ? "true" : "false");
        break;
    default:
        md_buf_adds(b, "null");
        break;
    }
}

/* Write n, in parentheses when it binds more loosely than its place
 * (min) needs. */
static void
unparse(struct md_buf *b, const struct node *n, int min)
{
    bool paren = prec(n) < min;
    if (paren)
        md_buf_addc(b, '(');
    switch (n->kind) {
    case N_LIT:
        put_literal(b, &n->lit);
        break;
    case N_PATH:
        md_buf_adds(b, n->path);
        break;
    case N_NOT:
        /* "not (a == 1)", though "not a == 1" means the same: written
         * out for people, not for the parser. */
        md_buf_adds(b, "not ");
        unparse(b, n->a, 5);
        break;
    case N_AND:
    case N_OR:
        /* A chain stays flat; an and inside an or gets parentheses, for
         * the same reason. */
        unparse(b, n->a, n->a->kind == n->kind ? 0 : 3);
        md_buf_adds(b, n->kind == N_AND ? " and " : " or ");
        unparse(b, n->b, 3);
        break;
    case N_CMP:
    case N_MATCH:
        unparse(b, n->a, 5);
        md_buf_printf(b, " %s ", n->kind == N_MATCH ? (n->neg ? "!~" : "=~")
                                                    : cmp_ops[n->op]);
        unparse(b, n->b, 5);
        break;
    case N_IN:
        unparse(b, n->a, 5);
        md_buf_adds(b, n->neg ? " not in [" : " in [");
        for (size_t i = 0; i < n->nitems; i++) {
            if (i)
                md_buf_adds(b, ", ");
            unparse(b, n->items[i], 5);
        }
        md_buf_addc(b, ']');
        break;
    case N_CALL:
        md_buf_printf(b, "%s(", fn_names[n->op]);
        unparse(b, n->a, 0);
        md_buf_addc(b, ')');
        break;
    }
    if (paren)
        md_buf_addc(b, ')');
}

/* ---- building the public tree ------------------------------------------- */

struct builder {
    const struct md_expr *e;
    const struct md_fact *root, *elem;
    size_t index;
    const struct expr_slot *slots;
    struct md_arena *a;
    struct md_buf tmp;
    bool nomem;
};

static const char *
expr_text(struct builder *B, const struct node *n)
{
    md_buf_reset(&B->tmp);
    unparse(&B->tmp, n, 0);
    const char *s = B->tmp.ptr ? md_arena_strndup(B->a, B->tmp.ptr,
                                                  B->tmp.len)
                               : NULL;
    if (!s)
        B->nomem = true;
    return s;
}

/* A value as a fact: the fact itself when it came from a path, else a
 * copy in the trace's arena; NULL for null. */
static const struct md_fact *
val_fact(struct builder *B, const struct val *v)
{
    const struct md_fact *f = NULL;
    switch (v->t) {
    case MD_F_NULL:
        return NULL;
    case MD_F_BOOL:
        f = v->f ? v->f : md_fact_bool(B->a, v->i != 0);
        break;
    case MD_F_INT:
        f = v->f ? v->f : md_fact_int(B->a, v->i);
        break;
    case MD_F_STR:
        f = v->f ? v->f : md_fact_str(B->a, v->s, v->len);
        break;
    default:
        f = v->f;
        break;
    }
    if (!f)
        B->nomem = true;
    return f;
}

static struct md_trace *build(struct builder *B, const struct node *n,
                              bool parent_done);

static bool
add_kid(struct builder *B, struct md_trace *t, struct md_trace *k)
{
    if (!k)
        return false;
    struct md_trace **v =
        md_arena_alloc(B->a, (t->nkids + 1) * sizeof *v);
    if (!v) {
        B->nomem = true;
        return false;
    }
    if (t->nkids)
        memcpy(v, t->kids, t->nkids * sizeof *v);
    v[t->nkids++] = k;
    t->kids = v;
    return true;
}

/* A fact read by a path node, or by exists()/count(), which read their
 * argument without evaluating it. */
static void
fill_fact(struct builder *B, struct md_trace *t, const struct node *n)
{
    t->kind = MD_TRACE_FACT;
    if (n->agg) {
        /* count(list[*].x): every element's x */
        t->path = n->path;
        const struct md_fact *l = md_fact_path(B->root, n->pre);
        t->fact = l;
        for (size_t i = 0; l && l->type == MD_F_LIST && i < l->n; i++) {
            struct md_trace *k = md_arena_calloc(B->a, sizeof *k);
            if (!k) {
                B->nomem = true;
                return;
            }
            k->kind = MD_TRACE_FACT;
            k->evaluated = t->evaluated;
            k->decided_by = -1;
            k->path = *n->post
                          ? md_arena_printf(B->a, "%s[%zu].%s", n->pre, i,
                                            n->post)
                          : md_arena_printf(B->a, "%s[%zu]", n->pre, i);
            k->expr = k->path;
            k->fact = *n->post ? md_fact_path(l->items[i], n->post)
                               : l->items[i];
            k->value = k->fact && k->fact->type != MD_F_NULL ? k->fact : NULL;
            if (!k->path || !add_kid(B, t, k))
                B->nomem = true;
        }
        return;
    }
    if (n->post && B->elem)
        t->path = *n->post ? md_arena_printf(B->a, "%s[%zu].%s", n->pre,
                                             B->index, n->post)
                           : md_arena_printf(B->a, "%s[%zu]", n->pre,
                                             B->index);
    else
        t->path = n->path;
    if (!t->path)
        B->nomem = true;
    t->fact = md_expr_path_fact(n, B->root, B->elem);
    if (!t->value && t->evaluated && t->fact &&
        t->fact->type != MD_F_NULL &&
        !(t->fact->type == MD_F_STR && !t->fact->s))
        t->value = t->fact;
}

/* The operands of a chain a and b and c (however it is parenthesised:
 * and and or are associative, and evaluation goes left to right), so
 * the trace says "the 3rd operand is false", not a ladder of pairs. */
static void
chain(struct builder *B, struct md_trace *t, const struct node *n,
      enum node_kind k, bool done)
{
    if (n->kind == k) {
        chain(B, t, n->a, k, done);
        chain(B, t, n->b, k, done);
    } else {
        add_kid(B, t, build(B, n, done));
    }
}

/* The first operand whose value fixed the result: false for and, true
 * for or; -1 when every operand was needed. */
static void
decide(struct md_trace *t)
{
    bool want = t->kind == MD_TRACE_OR;
    t->decided_by = -1;
    for (size_t i = 0; i < t->nkids; i++) {
        const struct md_fact *v = t->kids[i]->value;
        bool b = v && v->type == MD_F_BOOL && v->i;
        if (b == want) {
            t->decided_by = (int)i;
            return;
        }
    }
}

static struct md_trace *
build(struct builder *B, const struct node *n, bool parent_done)
{
    struct md_trace *t = md_arena_calloc(B->a, sizeof *t);
    if (!t) {
        B->nomem = true;
        return NULL;
    }
    const struct expr_slot *s = &B->slots[n->id];
    t->decided_by = -1;
    t->expr = expr_text(B, n);
    /* A literal is never "evaluated" on its own in a match or in
     * exists()/count(); it counts as evaluated with its parent. */
    t->evaluated = s->done || (parent_done && n->kind == N_LIT);
    if (s->done)
        t->value = val_fact(B, &s->v);
    switch (n->kind) {
    case N_LIT:
        t->kind = MD_TRACE_LITERAL;
        if (!s->done && t->evaluated) {
            struct val v = {n->lit.type, n->lit.i, n->lit.s, n->lit.len,
                            NULL};
            t->value = val_fact(B, &v);
        }
        return t;
    case N_PATH:
        fill_fact(B, t, n);
        return t;
    case N_NOT:
        t->kind = MD_TRACE_NOT;
        t->op = "not";
        add_kid(B, t, build(B, n->a, t->evaluated));
        return t;
    case N_AND:
    case N_OR:
        t->kind = n->kind == N_AND ? MD_TRACE_AND : MD_TRACE_OR;
        t->op = n->kind == N_AND ? "and" : "or";
        chain(B, t, n, n->kind, t->evaluated);
        if (t->evaluated)
            decide(t);
        return t;
    case N_CMP:
    case N_MATCH:
        t->kind = n->kind == N_CMP ? MD_TRACE_COMPARE : MD_TRACE_MATCH;
        t->op = n->kind == N_MATCH ? (n->neg ? "!~" : "=~") : cmp_ops[n->op];
        add_kid(B, t, build(B, n->a, t->evaluated));
        add_kid(B, t, build(B, n->b, t->evaluated));
        return t;
    case N_IN:
        t->kind = MD_TRACE_IN;
        t->op = n->neg ? "not in" : "in";
        add_kid(B, t, build(B, n->a, t->evaluated));
        for (size_t i = 0; i < n->nitems; i++)
            add_kid(B, t, build(B, n->items[i], t->evaluated));
        return t;
    case N_CALL:
        t->kind = MD_TRACE_CALL;
        t->op = fn_names[n->op];
        if (n->op == FN_EXISTS || n->op == FN_COUNT) {
            struct md_trace *k = md_arena_calloc(B->a, sizeof *k);
            if (!k) {
                B->nomem = true;
                return t;
            }
            k->decided_by = -1;
            k->expr = expr_text(B, n->a);
            k->evaluated = t->evaluated;
            fill_fact(B, k, n->a);
            add_kid(B, t, k);
        } else {
            add_kid(B, t, build(B, n->a, t->evaluated));
        }
        return t;
    }
    return t;
}

enum md_status
md_expr_trace_elem(const struct md_expr *e, const struct md_fact *root,
                   const struct md_fact *elem, size_t index,
                   struct md_arena *a, struct md_trace_run *out)
{
    memset(out, 0, sizeof *out);
    struct expr_run r;
    struct expr_slot *slots = calloc(e->nnodes ? e->nnodes : 1,
                                     sizeof *slots);
    if (!slots || !md_expr_run_init(&r, a, &e->lim)) {
        free(slots);
        return MD_ERR_NOMEM;
    }
    struct val v = md_expr_eval_traced(e, &r, root, elem, slots);
    struct builder B = {e, root, elem, index, slots, a, MD_BUF_INIT(1 << 20),
                        false};
    out->index = index;
    out->holds = v.t == MD_F_BOOL && v.i;
    out->subject = elem && e->list ? md_expr_subject(a, e->list, elem, index)
                                   : NULL;
    out->root = build(&B, e->root, true);
    enum md_status st = B.nomem || !out->root ||
                                (elem && e->list && !out->subject)
                            ? MD_ERR_NOMEM
                        : r.limit ? MD_ERR_LIMIT
                                  : MD_OK;
    md_buf_free(&B.tmp);
    md_expr_run_fini(&r);
    free(slots);
    return st;
}

enum md_status
md_expr_trace(const struct md_expr *e, const struct md_fact *root,
              struct md_arena *a, struct md_trace_result *out)
{
    memset(out, 0, sizeof *out);
    out->list = e->list;
    const struct md_fact *l = NULL;
    size_t n = 1;
    if (e->list) {
        l = md_fact_path(root, e->list);
        out->list_missing = !l || l->type != MD_F_LIST;
        n = out->list_missing ? 0 : l->n;
    }
    if (!n)
        return MD_OK;
    out->runs = md_arena_calloc(a, n * sizeof *out->runs);
    if (!out->runs)
        return MD_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        enum md_status st = md_expr_trace_elem(e, root, l ? l->items[i] : NULL,
                                               i, a, &out->runs[i]);
        if (st == MD_ERR_LIMIT)
            out->limit = true;
        else if (st != MD_OK)
            return st;
        out->holds = out->holds || out->runs[i].holds;
        out->nruns++;
    }
    return MD_OK;
}
