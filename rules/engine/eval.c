/*
 * Checking and evaluation of rule expressions (DESIGN §4, rules/README.md).
 *
 * The checker resolves every fact path against the schema
 * (md_schema_type), gives every node a static type and rejects what can
 * only be a mistake (comparing a string with a number, a regex on an int,
 * comparing with null, two different [*] lists); regexes are compiled
 * here, once, with PCRE2 and JIT. Evaluation is a plain tree walk with
 * two-valued logic: a missing fact is null, and every comparison with
 * null is false.
 */
#include "expr.h"

#include "marsdiag/buf.h"

#include <stdlib.h>
#include <string.h>

/* ---- checking ------------------------------------------------------------ */

struct checker {
    struct md_expr *e;
    struct expr_src *src;
    size_t pathcap, matchcap;
};

static bool
push(struct md_arena *a, struct node ***arr, size_t *n, size_t *cap,
     struct node *x)
{
    if (*n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        struct node **v = md_arena_alloc(a, ncap * sizeof *v);
        if (!v)
            return false;
        if (*n)
            memcpy(v, *arr, *n * sizeof *v);
        *arr = v;
        *cap = ncap;
    }
    (*arr)[(*n)++] = x;
    return true;
}

static bool
is_scalar(enum md_ftype t)
{
    return t == MD_F_BOOL || t == MD_F_INT || t == MD_F_STR;
}

static int check(struct checker *c, struct node *n);

static bool
check_path(struct checker *c, struct node *n)
{
    if (!md_schema_type(n->path, &n->type)) {
        md_expr_error(c->src, n->off, "unknown fact path '%s'", n->path);
        return false;
    }
    if (!push(&c->e->a, &c->e->paths, &c->e->npaths, &c->pathcap, n)) {
        md_expr_error(c->src, n->off, "out of memory");
        return false;
    }
    if (!n->post || n->agg)
        return true;
    if (!c->e->list) {
        c->e->list = n->pre;
        c->e->list_off = n->off;
    } else if (strcmp(c->e->list, n->pre) != 0) {
        md_expr_error(c->src, n->off,
                   "an expression may use one list with [*]: '%s[*]' here, "
                   "'%s[*]' before",
                   n->pre, c->e->list);
        return false;
    }
    return true;
}

/* Check n and require type want (for operands of and, or, not). */
static bool
want_type(struct checker *c, struct node *n, enum md_ftype want,
          const char *what)
{
    int t = check(c, n);
    if (t < 0)
        return false;
    if (t != (int)want) {
        md_expr_error(c->src, n->off, "%s must be %s, not %s%s", what,
                   md_ftype_str(want), md_ftype_str((enum md_ftype)t),
                   want == MD_F_BOOL && t != MD_F_NULL
                       ? " (use exists() to test presence)"
                       : "");
        return false;
    }
    return true;
}

static bool
compile_regex(struct checker *c, struct node *n)
{
    struct node *pat = n->b;
    int ec;
    PCRE2_SIZE eo;
    n->re = pcre2_compile((PCRE2_SPTR)pat->lit.s, pat->lit.len,
                          PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &ec, &eo, NULL);
    if (!n->re) {
        PCRE2_UCHAR msg[256];
        if (pcre2_get_error_message(ec, msg, sizeof msg) < 0)
            msg[0] = '\0';
        md_expr_error(c->src, pat->off + 1 + eo,
                   "bad regular expression: %s (at offset %zu of the pattern)",
                   (const char *)msg, (size_t)eo);
        return false;
    }
    /* JIT is an optimisation: without it (no JIT support, no executable
     * memory) matching falls back to the interpreter. */
    (void)pcre2_jit_compile(n->re, PCRE2_JIT_COMPLETE);
    if (!push(&c->e->a, &c->e->matches, &c->e->nmatches, &c->matchcap, n)) {
        pcre2_code_free(n->re);
        n->re = NULL;
        md_expr_error(c->src, n->off, "out of memory");
        return false;
    }
    return true;
}

static int
check_call(struct checker *c, struct node *n)
{
    struct node *a = n->a;
    static const char *const names[] = {"exists", "count", "len",
                                        "lower",  "host",  "port"};
    const char *fn = names[n->op];
    switch ((enum fn_id)n->op) {
    case FN_EXISTS:
    case FN_COUNT:
        if (a->kind != N_PATH) {
            md_expr_error(c->src, a->off, "%s() takes a fact path", fn);
            return -1;
        }
        if (n->op == FN_EXISTS)
            return check_path(c, a) ? MD_F_BOOL : -1;
        a->agg = a->post != NULL;
        if (!check_path(c, a))
            return -1;
        if (!a->agg && a->type != MD_F_LIST) {
            md_expr_error(c->src, a->off,
                       "count() takes a list or a [*] path, not '%s' (%s)",
                       a->path, md_ftype_str(a->type));
            return -1;
        }
        return MD_F_INT;
    case FN_LEN:
    case FN_LOWER:
    case FN_HOST:
    case FN_PORT: {
        int t = check(c, a);
        if (t < 0)
            return -1;
        if (t != MD_F_STR) {
            md_expr_error(c->src, a->off, "%s() takes a string, not %s", fn,
                       md_ftype_str((enum md_ftype)t));
            return -1;
        }
        return n->op == FN_LOWER || n->op == FN_HOST ? MD_F_STR : MD_F_INT;
    }
    }
    return -1;
}

static int
check(struct checker *c, struct node *n)
{
    int ta, tb;
    switch (n->kind) {
    case N_LIT:
        return n->type = n->lit.type;
    case N_PATH:
        return check_path(c, n) ? (int)n->type : -1;
    case N_NOT:
        return want_type(c, n->a, MD_F_BOOL, "the operand of 'not'")
                   ? (int)(n->type = MD_F_BOOL)
                   : -1;
    case N_AND:
    case N_OR: {
        const char *what = n->kind == N_AND ? "an operand of 'and'"
                                            : "an operand of 'or'";
        bool ok = want_type(c, n->a, MD_F_BOOL, what);
        ok = want_type(c, n->b, MD_F_BOOL, what) && ok;
        return ok ? (int)(n->type = MD_F_BOOL) : -1;
    }
    case N_CMP: {
        static const char *const ops[] = {"==", "!=", "<", "<=", ">", ">="};
        ta = check(c, n->a);
        tb = check(c, n->b);
        if (ta < 0 || tb < 0)
            return -1;
        if (ta == MD_F_NULL || tb == MD_F_NULL) {
            md_expr_error(c->src, n->off,
                       "a comparison with null is always false; use "
                       "exists() or not exists()");
            return -1;
        }
        if (!is_scalar((enum md_ftype)ta) || !is_scalar((enum md_ftype)tb) ||
            ta != tb) {
            md_expr_error(c->src, n->off, "cannot compare %s with %s",
                       md_ftype_str((enum md_ftype)ta),
                       md_ftype_str((enum md_ftype)tb));
            return -1;
        }
        if (n->op >= OP_LT && ta != MD_F_INT) {
            md_expr_error(c->src, n->off, "'%s' compares numbers, not %ss",
                       ops[n->op], md_ftype_str((enum md_ftype)ta));
            return -1;
        }
        return n->type = MD_F_BOOL;
    }
    case N_MATCH:
        if ((ta = check(c, n->a)) < 0)
            return -1;
        if (ta != MD_F_STR) {
            md_expr_error(c->src, n->a->off, "'%s' matches strings, not %s",
                       n->neg ? "!~" : "=~", md_ftype_str((enum md_ftype)ta));
            return -1;
        }
        if (n->b->kind != N_LIT || n->b->lit.type != MD_F_STR) {
            md_expr_error(c->src, n->b->off,
                       "the pattern after '%s' must be a quoted string",
                       n->neg ? "!~" : "=~");
            return -1;
        }
        return compile_regex(c, n) ? (int)(n->type = MD_F_BOOL) : -1;
    case N_IN:
        if ((ta = check(c, n->a)) < 0)
            return -1;
        if (!is_scalar((enum md_ftype)ta)) {
            md_expr_error(c->src, n->off, "'in' needs a %s value on the left",
                       ta == MD_F_NULL ? "non-null" : "scalar");
            return -1;
        }
        for (size_t i = 0; i < n->nitems; i++)
            if ((int)n->items[i]->lit.type != ta) {
                md_expr_error(c->src, n->items[i]->off,
                           "list item is %s, the value tested is %s",
                           md_ftype_str(n->items[i]->lit.type),
                           md_ftype_str((enum md_ftype)ta));
                return -1;
            }
        return n->type = MD_F_BOOL;
    case N_CALL:
        if ((ta = check_call(c, n)) < 0)
            return -1;
        return n->type = (enum md_ftype)ta;
    }
    return -1;
}

void
md_expr_free(struct md_expr *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->nmatches; i++)
        pcre2_code_free(e->matches[i]->re);
    md_arena_free(&e->a);
    free(e);
}

/* Give every node of the tree an id, for traces. */
static void
number(struct md_expr *e, struct node *n)
{
    if (!n)
        return;
    n->id = e->nnodes++;
    number(e, n->a);
    number(e, n->b);
    for (size_t i = 0; i < n->nitems; i++)
        number(e, n->items[i]);
}

struct md_expr *
md_expr_compile_src(const char *text, size_t len, const struct md_limits *lim,
             struct expr_src *src)
{
    struct md_expr *e = calloc(1, sizeof *e);
    if (!e) {
        md_expr_error(src, 0, "out of memory");
        return NULL;
    }
    e->lim = *lim;
    size_t before = src->nerr;
    e->root = md_expr_parse(&e->a, text, len, lim->expr_depth, src);
    struct checker c = {.e = e, .src = src};
    int t = e->root ? check(&c, e->root) : -1;
    if (t < 0 || src->nerr != before) {
        md_expr_free(e);
        return NULL;
    }
    e->type = (enum md_ftype)t;
    number(e, e->root);
    return e;
}

/* Errors of md_expr_compile: line and column plus the offset, counting
 * the newlines in the text. */
struct text_pos {
    const char *text;
    unsigned line, col;
};

static void
text_locate(const void *ctx, size_t off, unsigned *line, unsigned *col)
{
    const struct text_pos *tp = ctx;
    unsigned l = tp->line, c = tp->col;
    for (size_t i = 0; i < off && tp->text[i]; i++) {
        if (tp->text[i] == '\n') {
            l++;
            c = 1;
        } else if (((unsigned char)tp->text[i] & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

struct md_expr *
md_expr_compile(const char *text, const struct md_limits *lim,
                const char *file, unsigned line, unsigned col,
                md_rule_error_fn err, void *user)
{
    struct text_pos tp = {text, line, col};
    struct expr_src src = {file, text_locate, &tp, err, user, 0};
    return md_expr_compile_src(text, strlen(text), lim, &src);
}

/* ---- evaluation ------------------------------------------------------------ */

bool
md_expr_run_init(struct expr_run *r, struct md_arena *a,
              const struct md_limits *lim)
{
    r->a = a;
    r->limit = false;
    r->md = pcre2_match_data_create(1, NULL);
    r->mc = pcre2_match_context_create(NULL);
    if (!r->md || !r->mc) {
        md_expr_run_fini(r);
        return false;
    }
    uint64_t m = lim->pcre2_match, d = lim->pcre2_depth,
             h = lim->pcre2_heap_kib;
    pcre2_set_match_limit(r->mc, (uint32_t)(m > UINT32_MAX ? UINT32_MAX : m));
    pcre2_set_depth_limit(r->mc, (uint32_t)(d > UINT32_MAX ? UINT32_MAX : d));
    pcre2_set_heap_limit(r->mc, (uint32_t)(h > UINT32_MAX ? UINT32_MAX : h));
    return true;
}

void
md_expr_run_fini(struct expr_run *r)
{
    pcre2_match_data_free(r->md);
    pcre2_match_context_free(r->mc);
    r->md = NULL;
    r->mc = NULL;
}

const struct md_fact *
md_expr_path_fact(const struct node *p, const struct md_fact *root,
               const struct md_fact *elem)
{
    if (!p->post)
        return md_fact_path(root, p->path);
    return elem ? md_fact_path(elem, p->post) : NULL;
}

static struct val
of_fact(const struct md_fact *f)
{
    struct val v = {MD_F_NULL, 0, NULL, 0, f};
    if (!f)
        return v;
    v.t = f->type;
    v.i = f->i;
    v.s = f->s;
    v.len = f->len;
    if (v.t == MD_F_STR && !v.s)
        v.t = MD_F_NULL;
    return v;
}

static struct val
of_int(enum md_ftype t, int64_t i)
{
    struct val v = {t, i, NULL, 0, NULL};
    return v;
}

static const struct val null_val = {MD_F_NULL, 0, NULL, 0, NULL};

/* Does a [*] element count for count(list[*].x)? A true bool, or any
 * other value that is present. */
static bool
counts(const struct md_fact *f)
{
    return f && f->type != MD_F_NULL && (f->type != MD_F_BOOL || f->i);
}

static bool
val_equal(const struct val *a, const struct val *b)
{
    if (a->t == MD_F_STR)
        return a->len == b->len && memcmp(a->s, b->s, a->len) == 0;
    return a->i == b->i;
}

/* The entry of a WinINet proxy list the agent's HTTPS traffic takes:
 * of "p:8080;" or "http=a:80;https=b:3128" (entries split by ';'), the
 * https= one, else the first without a scheme=; NULL when there is none
 * (http= and ftp= only: HTTPS goes direct). A URL without ';' is one
 * entry, whatever '=' its query holds. */
static const char *
https_entry(const char *s, size_t len, size_t *elen)
{
    if (!memchr(s, ';', len) &&
        (!memchr(s, '=', len) ||
         md_slice_ifind(md_slice_of(s, len), "://") >= 0)) {
        *elen = len;
        return s;
    }
    const char *plain = NULL;
    size_t plen = 0;
    for (size_t i = 0, next; i < len; i = next) {
        const char *semi = memchr(s + i, ';', len - i);
        size_t e = semi ? (size_t)(semi - s) : len;
        next = e + 1;
        while (i < e && (s[i] == ' ' || s[i] == '\t'))
            i++;
        const char *eq = memchr(s + i, '=', e - i);
        if (eq && eq - (s + i) == 5 && md_strncasecmp(s + i, "https", 5) == 0) {
            *elen = e - (size_t)(eq + 1 - s);
            return eq + 1;
        }
        if (!eq && e > i && !plain) {
            plain = s + i;
            plen = e - i;
        }
    }
    *elen = plen;
    return plain;
}

/* Host and port of "scheme://user:pw@host:port/path", "host:port",
 * "[v6]:port" or a bare host; of a proxy list, of its https_entry. */
static void
split_url(const char *s, size_t len, struct md_slice *host,
          struct md_slice *port)
{
    *host = *port = md_slice_of(NULL, 0);
    if (!(s = https_entry(s, len, &len)))
        return;
    const char *end = s + len;
    while (s < end && (*s == ' ' || *s == '\t'))
        s++;
    while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
        end--;
    const char *q = s;
    while (q < end && ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
                       (q > s && ((*q >= '0' && *q <= '9') || *q == '+' ||
                                  *q == '-' || *q == '.'))))
        q++;
    if (q > s && end - q >= 3 && memcmp(q, "://", 3) == 0)
        s = q + 3;
    const char *ae = s;
    while (ae < end && *ae != '/' && *ae != '?' && *ae != '#')
        ae++;
    for (const char *c = ae; c > s; c--)
        if (c[-1] == '@') {
            s = c;
            break;
        }
    *host = md_slice_of(s, (size_t)(ae - s));
    *port = md_slice_of(NULL, 0);
    if (s < ae && *s == '[') {
        const char *close = memchr(s, ']', (size_t)(ae - s));
        if (!close)
            return;
        *host = md_slice_of(s + 1, (size_t)(close - s - 1));
        if (close + 1 < ae && close[1] == ':')
            *port = md_slice_of(close + 2, (size_t)(ae - close - 2));
        return;
    }
    const char *colon = memchr(s, ':', (size_t)(ae - s));
    if (colon && !memchr(colon + 1, ':', (size_t)(ae - colon - 1))) {
        *host = md_slice_of(s, (size_t)(colon - s));
        *port = md_slice_of(colon + 1, (size_t)(ae - colon - 1));
    }
}

static struct val
lowered(struct expr_run *r, const char *s, size_t len)
{
    char *out = md_arena_alloc(r->a, len + 1);
    if (!out)
        return null_val;
    for (size_t i = 0; i < len; i++)
        out[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
    out[len] = '\0';
    struct val v = {MD_F_STR, 0, out, len, NULL};
    return v;
}

struct ctx {
    const struct md_expr *e;
    struct expr_run *r;
    const struct md_fact *root, *elem;
    struct expr_slot *trace; /* NULL unless tracing (explain) */
};

static struct val eval_node(struct ctx *x, const struct node *n);
static inline struct val eval(struct ctx *x, const struct node *n);

static inline bool
truthy(struct ctx *x, const struct node *n)
{
    struct val v = eval(x, n);
    return v.t == MD_F_BOOL && v.i;
}

static struct val
eval_call(struct ctx *x, const struct node *n)
{
    const struct node *a = n->a;
    if (n->op == FN_EXISTS) {
        const struct md_fact *f = md_expr_path_fact(a, x->root, x->elem);
        return of_int(MD_F_BOOL, f && f->type != MD_F_NULL);
    }
    if (n->op == FN_COUNT) {
        const struct md_fact *l =
            md_fact_path(x->root, a->agg ? a->pre : a->path);
        if (!l || l->type != MD_F_LIST)
            return of_int(MD_F_INT, 0);
        if (!a->agg)
            return of_int(MD_F_INT, (int64_t)l->n);
        int64_t k = 0;
        for (size_t i = 0; i < l->n; i++)
            k += counts(md_fact_path(l->items[i], a->post));
        return of_int(MD_F_INT, k);
    }
    struct val v = eval(x, a);
    if (v.t != MD_F_STR)
        return null_val;
    struct md_slice h, p;
    switch ((enum fn_id)n->op) {
    case FN_LEN: {
        int64_t k = 0;
        for (size_t i = 0; i < v.len; i++)
            k += ((unsigned char)v.s[i] & 0xC0) != 0x80;
        return of_int(MD_F_INT, k);
    }
    case FN_LOWER:
        return lowered(x->r, v.s, v.len);
    case FN_HOST:
        split_url(v.s, v.len, &h, &p);
        return h.len ? lowered(x->r, h.ptr, h.len) : null_val;
    case FN_PORT: {
        split_url(v.s, v.len, &h, &p);
        if (p.len == 0 || p.len > 9)
            return null_val;
        int64_t k = 0;
        for (size_t i = 0; i < p.len; i++) {
            if (p.ptr[i] < '0' || p.ptr[i] > '9')
                return null_val;
            k = k * 10 + (p.ptr[i] - '0');
        }
        return of_int(MD_F_INT, k);
    }
    default:
        return null_val;
    }
}

static bool
eval_match(struct ctx *x, const struct node *n)
{
    struct val v = eval(x, n->a);
    if (v.t != MD_F_STR || !n->re)
        return false;
    int rc = pcre2_match(n->re, (PCRE2_SPTR)v.s, v.len, 0, 0, x->r->md,
                         x->r->mc);
    if (rc >= 0)
        return !n->neg;
    if (rc == PCRE2_ERROR_NOMATCH)
        return n->neg;
    /* A limit (or no memory): the comparison is false either way, and the
     * caller hears about it. */
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
        rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT ||
        rc == PCRE2_ERROR_NOMEMORY)
        x->r->limit = true;
    return false;
}

static struct val
eval_node(struct ctx *x, const struct node *n)
{
    switch (n->kind) {
    case N_LIT: {
        struct val v = {n->lit.type, n->lit.i, n->lit.s, n->lit.len, NULL};
        return v;
    }
    case N_PATH:
        return of_fact(md_expr_path_fact(n, x->root, x->elem));
    case N_NOT:
        return of_int(MD_F_BOOL, !truthy(x, n->a));
    case N_AND:
        return of_int(MD_F_BOOL, truthy(x, n->a) && truthy(x, n->b));
    case N_OR:
        return of_int(MD_F_BOOL, truthy(x, n->a) || truthy(x, n->b));
    case N_CMP: {
        struct val a = eval(x, n->a), b = eval(x, n->b);
        if (a.t != b.t || !is_scalar(a.t))
            return of_int(MD_F_BOOL, false);
        bool r;
        switch ((enum cmp_op)n->op) {
        case OP_EQ: r = val_equal(&a, &b); break;
        case OP_NE: r = !val_equal(&a, &b); break;
        case OP_LT: r = a.t == MD_F_INT && a.i < b.i; break;
        case OP_LE: r = a.t == MD_F_INT && a.i <= b.i; break;
        case OP_GT: r = a.t == MD_F_INT && a.i > b.i; break;
        case OP_GE: r = a.t == MD_F_INT && a.i >= b.i; break;
        default: r = false; break;
        }
        return of_int(MD_F_BOOL, r);
    }
    case N_MATCH:
        return of_int(MD_F_BOOL, eval_match(x, n));
    case N_IN: {
        struct val a = eval(x, n->a);
        if (!is_scalar(a.t))
            return of_int(MD_F_BOOL, false);
        bool found = false;
        for (size_t i = 0; i < n->nitems && !found; i++) {
            struct val b = eval(x, n->items[i]);
            found = b.t == a.t && val_equal(&a, &b);
        }
        return of_int(MD_F_BOOL, found != n->neg);
    }
    case N_CALL:
        return eval_call(x, n);
    }
    return null_val;
}

/* Inline, so the plain evaluator pays a test, not a call, for traces. */
static inline struct val
eval(struct ctx *x, const struct node *n)
{
    struct val v = eval_node(x, n);
    if (x->trace) {
        x->trace[n->id].done = true;
        x->trace[n->id].v = v;
    }
    return v;
}

struct val
md_expr_eval(const struct md_expr *e, struct expr_run *r,
          const struct md_fact *root, const struct md_fact *elem)
{
    struct ctx x = {e, r, root, elem, NULL};
    return eval(&x, e->root);
}

struct val
md_expr_eval_traced(const struct md_expr *e, struct expr_run *r,
                    const struct md_fact *root, const struct md_fact *elem,
                    struct expr_slot *slots)
{
    struct ctx x = {e, r, root, elem, slots};
    return eval(&x, e->root);
}

bool
md_expr_holds(const struct md_expr *e, struct expr_run *r,
           const struct md_fact *root, const struct md_fact *elem)
{
    struct val v = md_expr_eval(e, r, root, elem);
    return v.t == MD_F_BOOL && v.i;
}

const char *
md_expr_subject(struct md_arena *a, const char *list,
                const struct md_fact *elem, size_t i)
{
    const struct md_fact *id = md_fact_get(elem, "sid");
    if (!id || id->type != MD_F_STR || !id->s || !id->len)
        id = md_fact_get(elem, "path");
    if (id && id->type == MD_F_STR && id->s && id->len)
        return md_arena_printf(a, "%s[%.*s]", list,
                               (int)(id->len > 1024 ? 1024 : id->len), id->s);
    return md_arena_printf(a, "%s[%zu]", list, i);
}

/* ---- evidence ---------------------------------------------------------------- */

static bool
same_str(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

/* Would a and b be shown alike: one place of one input, the same text?
 * (A change file's Set-OBMachineSetting line is a record per field it
 * sets; a finding citing two of them would list the line twice.) */
static bool
same_place(const struct md_evidence *a, const struct md_evidence *b)
{
    return a->input == b->input && a->line == b->line &&
           same_str(a->kind, b->kind) && same_str(a->key, b->key) &&
           same_str(a->name, b->name) && same_str(a->xpath, b->xpath) &&
           a->text_len == b->text_len &&
           (a->text == b->text ||
            (a->text && b->text && !memcmp(a->text, b->text, a->text_len)));
}

bool
md_evlist_add(struct evlist *l, const struct md_fact *f)
{
    for (size_t k = 0; f && k < f->nev; k++) {
        const struct md_evidence *ev = f->ev[k];
        bool dup = false;
        for (size_t i = 0; i < l->n && !dup; i++)
            dup = l->v[i] == ev || same_place(l->v[i], ev);
        if (dup)
            continue;
        if (l->n == l->cap) {
            size_t ncap = l->cap ? l->cap * 2 : 16;
            const struct md_evidence **v = realloc(l->v, ncap * sizeof *v);
            if (!v)
                return false;
            l->v = v;
            l->cap = ncap;
        }
        l->v[l->n++] = ev;
    }
    return true;
}

void
md_evlist_free(struct evlist *l)
{
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

bool
md_expr_cite(const struct md_expr *e, const struct md_fact *root,
          const struct md_fact *elem, struct evlist *out)
{
    for (size_t i = 0; i < e->npaths; i++) {
        const struct node *p = e->paths[i];
        if (!p->agg) {
            if (!md_evlist_add(out, md_expr_path_fact(p, root, elem)))
                return false;
            continue;
        }
        const struct md_fact *l = md_fact_path(root, p->pre);
        for (size_t k = 0; l && l->type == MD_F_LIST && k < l->n; k++) {
            const struct md_fact *f = md_fact_path(l->items[k], p->post);
            if (counts(f) && !md_evlist_add(out, f))
                return false;
        }
    }
    return true;
}

/* ---- public: expressions on their own ------------------------------------- */

bool
md_expr_true(const struct md_expr *e, const struct md_fact *root)
{
    struct md_arena a = MD_ARENA_INIT;
    struct expr_run r;
    bool res = false;
    if (!e || !md_expr_run_init(&r, &a, &e->lim))
        return false;
    if (e->list) {
        const struct md_fact *l = md_fact_path(root, e->list);
        for (size_t i = 0; l && l->type == MD_F_LIST && i < l->n && !res; i++)
            res = md_expr_holds(e, &r, root, l->items[i]);
    } else {
        res = md_expr_holds(e, &r, root, NULL);
    }
    md_expr_run_fini(&r);
    md_arena_free(&a);
    return res;
}

const struct md_fact *
md_expr_value(const struct md_expr *e, const struct md_fact *root,
              struct md_arena *a)
{
    struct expr_run r;
    if (!e || !md_expr_run_init(&r, a, &e->lim))
        return NULL;
    struct val v = null_val;
    if (e->list) {
        const struct md_fact *l = md_fact_path(root, e->list);
        for (size_t i = 0; l && l->type == MD_F_LIST && i < l->n; i++)
            if ((v = md_expr_eval(e, &r, root, l->items[i])).t != MD_F_NULL)
                break;
    } else {
        v = md_expr_eval(e, &r, root, NULL);
    }
    md_expr_run_fini(&r);
    if (v.f && v.t != MD_F_NULL)
        return v.f;
    switch (v.t) {
    case MD_F_BOOL: return md_fact_bool(a, v.i != 0);
    case MD_F_INT: return md_fact_int(a, v.i);
    case MD_F_STR: return md_fact_str(a, v.s, v.len);
    default: return NULL;
    }
}
