/*
 * Rule files and rule sets (marsdiag/rules.h, DESIGN §4): YAML read with
 * libyaml's event API into a small tree per document (one rule per
 * document), checked key by key, compiled once into an immutable set;
 * then evaluated against a fact tree, one finding per matching rule or,
 * for a rule over a [*] list, per matching element.
 *
 * Every problem is reported as file:line:column (libyaml marks are
 * 0-based; ours are 1-based). Aliases are rejected, so an alias bomb
 * cannot expand; nesting and node counts are capped.
 */
#include "expr.h"

#include "marsdiag/buf.h"
#include "yamlerr.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* A rule document is at most three levels deep (rule, severity_when,
 * entry); these caps only stop hostile input. */
#define MAX_YAML_DEPTH 16
#define MAX_YAML_NODES 65536

const char *
md_severity_str(enum md_severity s)
{
    switch (s) {
    case MD_SEV_INFO: return "info";
    case MD_SEV_WARNING: return "warning";
    case MD_SEV_ERROR: return "error";
    }
    return "unknown";
}

int
md_severity_parse(const char *s)
{
    for (int i = MD_SEV_INFO; i <= MD_SEV_ERROR; i++)
        if (s && strcmp(s, md_severity_str((enum md_severity)i)) == 0)
            return i;
    return -1;
}

/* ---- compiled rules -------------------------------------------------------- */

struct msgpart {
    const char *lit; /* literal text, or NULL for a fact */
    size_t len;
    struct md_expr *fact; /* a single path */
};

struct sevwhen {
    struct md_expr *when;
    enum md_severity sev;
};

struct rule {
    struct md_rule_info info;
    struct md_arena a; /* strings and arrays of this rule */
    struct md_expr *when;
    struct sevwhen *sw;
    size_t nsw;
    struct msgpart *msg;
    size_t nmsg;
    unsigned gen; /* the source it came from */
};

static void
rule_free(struct rule *r)
{
    if (!r)
        return;
    md_expr_free(r->when);
    for (size_t i = 0; i < r->nsw; i++)
        md_expr_free(r->sw[i].when);
    for (size_t i = 0; i < r->nmsg; i++)
        md_expr_free(r->msg[i].fact);
    md_arena_free(&r->a);
    free(r);
}

struct md_ruleset_builder {
    struct md_limits lim;
    struct rule **rules;
    size_t n, cap;
    size_t nerr;
    unsigned gen;
};

struct md_ruleset {
    struct md_limits lim;
    struct rule **rules;
    size_t n;
};

/* ---- YAML to a small tree ------------------------------------------------ */

enum ykind { Y_SCALAR, Y_SEQ, Y_MAP };

struct ynode {
    enum ykind k;
    const char *s; /* Y_SCALAR, NUL-terminated */
    size_t len;
    yaml_scalar_style_t style;
    yaml_mark_t mark, end;
    struct ynode **kids; /* Y_SEQ items; Y_MAP key, value, key, value... */
    size_t n, cap;
};

struct loader {
    struct md_ruleset_builder *b;
    const char *file;
    const char *text;
    size_t len;
    md_rule_error_fn err;
    void *user;
    /* errors: counted per source, handed on per document */
    struct md_yamlerr errs;
    bool dead; /* stop reading this source */
    bool bad;  /* the current document is not used */
    size_t nodes;
    struct md_arena tmp; /* the current document's tree */
    yaml_parser_t p;
};

static void
report(struct loader *L, unsigned line, unsigned col, const char *msg)
{
    if (!md_yamlerr_add(&L->errs, line, col, msg))
        L->dead = true;
}

/* Hand on the errors collected so far, sorted by position. */
static void
flush(struct loader *L)
{
    md_yamlerr_flush(&L->errs, L->file, L->err, L->user);
}

/* md_rule_error_fn for errors found in expressions. */
static void
expr_err_cb(void *user, const char *file, unsigned line, unsigned col,
            const char *msg)
{
    (void)file;
    report(user, line, col, msg);
}

/* LOAD_ERR(L, mark, fmt, ...): an error at a libyaml mark (md_yamlerr_at);
 * too many of them end the source. */
#define LOAD_ERR(L, ...) ((L)->dead |= !md_yamlerr_at(&(L)->errs, __VA_ARGS__))

static bool
next_event(struct loader *L, yaml_event_t *ev)
{
    if (yaml_parser_parse(&L->p, ev))
        return true;
    md_yamlerr_parse(&L->errs, &L->p, L->text, L->len);
    L->dead = true;
    return false;
}

/* Read the node that starts with event ev (consumed). NULL when reading
 * must stop (reported). */
static struct ynode *
read_node(struct loader *L, yaml_event_t *ev, unsigned depth)
{
    struct ynode *n = md_arena_calloc(&L->tmp, sizeof *n);
    if (!n || ++L->nodes > MAX_YAML_NODES) {
        LOAD_ERR(L, &ev->start_mark, "%s",
                 n ? "too many YAML nodes in one document" : "out of memory");
        yaml_event_delete(ev);
        L->dead = true;
        return NULL;
    }
    n->mark = ev->start_mark;
    n->end = ev->end_mark;
    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        LOAD_ERR(L, &ev->start_mark, "aliases are not supported in rule files");
        L->bad = true;
        n->k = Y_SCALAR;
        n->s = "";
        yaml_event_delete(ev);
        return n;
    case YAML_SCALAR_EVENT:
        n->k = Y_SCALAR;
        n->style = ev->data.scalar.style;
        n->len = ev->data.scalar.length;
        n->s = md_arena_strndup(&L->tmp, (const char *)ev->data.scalar.value,
                                n->len);
        yaml_event_delete(ev);
        if (!n->s) {
            LOAD_ERR(L, &n->mark, "out of memory");
            L->dead = true;
            return NULL;
        }
        return n;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        n->k = ev->type == YAML_SEQUENCE_START_EVENT ? Y_SEQ : Y_MAP;
        yaml_event_delete(ev);
        if (depth >= MAX_YAML_DEPTH) {
            LOAD_ERR(L, &n->mark, "YAML nested too deeply for a rule file");
            L->dead = true;
            return NULL;
        }
        for (;;) {
            yaml_event_t c;
            if (!next_event(L, &c))
                return NULL;
            if (c.type == YAML_SEQUENCE_END_EVENT ||
                c.type == YAML_MAPPING_END_EVENT) {
                n->end = c.end_mark;
                yaml_event_delete(&c);
                return n;
            }
            struct ynode *kid = read_node(L, &c, depth + 1);
            if (!kid)
                return NULL;
            if (n->n == n->cap) {
                size_t ncap = n->cap ? n->cap * 2 : 8;
                struct ynode **k = md_arena_alloc(&L->tmp, ncap * sizeof *k);
                if (!k) {
                    LOAD_ERR(L, &kid->mark, "out of memory");
                    L->dead = true;
                    return NULL;
                }
                if (n->n)
                    memcpy(k, n->kids, n->n * sizeof *k);
                n->kids = k;
                n->cap = ncap;
            }
            n->kids[n->n++] = kid;
        }
    default:
        LOAD_ERR(L, &ev->start_mark, "unexpected YAML structure");
        yaml_event_delete(ev);
        L->dead = true;
        return NULL;
    }
}

/* ---- positions inside scalars -------------------------------------------- */

/* Maps an offset in a scalar's value to its place in the file. The value
 * differs from the source by quotes, escapes, folding and indentation, so
 * the source is walked in step with the value's non-blank characters;
 * when that fails the position is the scalar's start plus the offset. */
struct scalar_loc {
    const struct loader *L;
    const struct ynode *n;
    size_t base; /* offset of the expression within the value */
};

static void
advance(const char *src, size_t *p, unsigned *ln, unsigned *cl)
{
    if (src[*p] == '\n') {
        (*ln)++;
        *cl = 1;
    } else if (((unsigned char)src[*p] & 0xC0) != 0x80) {
        (*cl)++;
    }
    (*p)++;
}

static void
scalar_locate(const void *ctx, size_t off, unsigned *line, unsigned *col)
{
    const struct scalar_loc *sl = ctx;
    const struct ynode *n = sl->n;
    const char *src = sl->L->text;
    size_t len = sl->L->len;
    bool quoted = n->style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                  n->style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    bool block = n->style == YAML_LITERAL_SCALAR_STYLE ||
                 n->style == YAML_FOLDED_SCALAR_STYLE;
    off += sl->base;
    unsigned ln = (unsigned)n->mark.line + 1, cl = (unsigned)n->mark.column + 1;
    unsigned last = (unsigned)n->end.line + 1;
    *line = ln;
    *col = cl + (unsigned)off + quoted;

    size_t p = 0;
    for (size_t l = 0; p < len && l < n->mark.line; p++)
        l += src[p] == '\n';
    for (size_t c = 0; p < len && c < n->mark.column; c++) {
        p++;
        while (p < len && ((unsigned char)src[p] & 0xC0) == 0x80)
            p++;
    }
    if (block)
        while (p < len && src[p] != '\n')
            advance(src, &p, &ln, &cl);
    else if (quoted && p < len)
        advance(src, &p, &ln, &cl);
    for (size_t k = 0; k <= off && k < n->len; k++) {
        char c = n->s[k];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        while (p < len && src[p] != c && ln <= last)
            advance(src, &p, &ln, &cl);
        if (p >= len || ln > last)
            return; /* lost: keep the approximation */
        if (k == off)
            break;
        advance(src, &p, &ln, &cl);
    }
    *line = ln;
    *col = cl;
}

/* ---- one rule ----------------------------------------------------------------- */

enum key {
    K_ID, K_NAME, K_SEVERITY, K_SEVERITY_WHEN, K_TITLE, K_WHEN, K_MESSAGE,
    K_FIX, K_REFERENCES, K_TAGS, K_COUNT
};

static const struct {
    const char *name;
    enum ykind kind;
    bool required;
} keys[K_COUNT] = {
    [K_ID] = {"id", Y_SCALAR, true},
    [K_NAME] = {"name", Y_SCALAR, true},
    [K_SEVERITY] = {"severity", Y_SCALAR, true},
    [K_SEVERITY_WHEN] = {"severity_when", Y_SEQ, false},
    [K_TITLE] = {"title", Y_SCALAR, true},
    [K_WHEN] = {"when", Y_SCALAR, true},
    [K_MESSAGE] = {"message", Y_SCALAR, true},
    [K_FIX] = {"fix", Y_SCALAR, true},
    [K_REFERENCES] = {"references", Y_SEQ, true},
    [K_TAGS] = {"tags", Y_SEQ, false},
};

static const char *
kind_str(enum ykind k)
{
    return k == Y_SCALAR ? "a string" : k == Y_SEQ ? "a list" : "a mapping";
}

/* A short, printable copy of a scalar for messages. */
static const char *
shown(const struct ynode *n, char *buf, size_t size)
{
    return md_yamlerr_shown(n->s, n->len, buf, size);
}

static size_t
trimmed_len(const char *s, size_t len)
{
    while (len && (s[len - 1] == '\n' || s[len - 1] == ' ' ||
                   s[len - 1] == '\t' || s[len - 1] == '\r'))
        len--;
    return len;
}

static bool
is_kebab(const char *s, size_t len)
{
    if (len == 0 || s[0] == '-' || s[len - 1] == '-')
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              (c == '-' && s[i - 1] != '-')))
            return false;
    }
    return true;
}

static bool
is_id(const char *s, size_t len)
{
    if (len == 0 || len > 64)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

/* Compile the expression in scalar n (from byte base, len bytes). */
static struct md_expr *
compile_at(struct loader *L, const struct ynode *n, size_t base, size_t len)
{
    struct scalar_loc sl = {L, n, base};
    struct expr_src src = {L->file, scalar_locate, &sl, expr_err_cb, L, 0};
    return md_expr_compile_src(n->s + base, len, &L->b->lim, &src);
}

/* A condition: the rule's own 'when' (main) may bind a [*] list; the
 * others may only use the same one. */
static struct md_expr *
compile_cond(struct loader *L, const struct ynode *n, bool main,
             const char *list)
{
    struct md_expr *e = compile_at(L, n, 0, n->len);
    if (!e)
        return NULL;
    if (e->type != MD_F_BOOL) {
        LOAD_ERR(L, &n->mark, "'when' must be a condition (bool), not %s",
                 md_ftype_str(e->type));
    } else if (!main && e->list && (!list || strcmp(e->list, list) != 0)) {
        struct scalar_loc sl = {L, n, 0};
        unsigned line, col;
        scalar_locate(&sl, e->list_off, &line, &col);
        char msg[256];
        snprintf(msg, sizeof msg,
                 "'%s[*]' here but the rule's 'when' %s%s%s", e->list,
                 list ? "uses '" : "has no [*]", list ? list : "",
                 list ? "[*]'" : "");
        report(L, line, col, msg);
    } else {
        return e;
    }
    md_expr_free(e);
    return NULL;
}

static bool
add_part(struct rule *r, size_t *cap, const char *lit, size_t len,
         struct md_expr *fact)
{
    if (r->nmsg == *cap) {
        size_t ncap = *cap ? *cap * 2 : 8;
        struct msgpart *v = md_arena_alloc(&r->a, ncap * sizeof *v);
        if (!v)
            return false;
        if (r->nmsg)
            memcpy(v, r->msg, r->nmsg * sizeof *v);
        r->msg = v;
        *cap = ncap;
    }
    struct msgpart p = {lit, len, fact};
    r->msg[r->nmsg++] = p;
    return true;
}

/* "text {fact.path} text {{literal}}" into parts. */
static void
compile_message(struct loader *L, struct rule *r, const struct ynode *n)
{
    size_t len = trimmed_len(n->s, n->len), cap = 0, i = 0, lit = 0;
    const char *s = md_arena_strndup(&r->a, n->s, len);
    if (!s) {
        LOAD_ERR(L, &n->mark, "out of memory");
        return;
    }
    const char *list = r->when ? r->when->list : NULL;
    while (i < len) {
        char c = s[i];
        if (c != '{' && c != '}') {
            i++;
            continue;
        }
        if (c == '}' || (i + 1 < len && s[i + 1] == '{')) {
            /* "{{" is "{", "}}" is "}", a lone "}" is itself */
            bool dbl = i + 1 < len && s[i + 1] == c;
            if (!add_part(r, &cap, s + lit, i + 1 - lit, NULL))
                return;
            i += 1 + dbl;
            lit = i;
            continue;
        }
        const char *close = memchr(s + i, '}', len - i);
        if (!close) {
            struct scalar_loc sl = {L, n, 0};
            unsigned line, col;
            scalar_locate(&sl, i, &line, &col);
            report(L, line, col,
                   "unterminated '{' in message (write '{{' for a brace)");
            return;
        }
        size_t end = (size_t)(close - s);
        if (!add_part(r, &cap, s + lit, i - lit, NULL))
            return;
        struct md_expr *e = compile_at(L, n, i + 1, end - i - 1);
        if (!e)
            return;
        if (!add_part(r, &cap, NULL, 0, e)) {
            md_expr_free(e);
            return;
        }
        struct scalar_loc sl = {L, n, i + 1};
        unsigned line, col;
        char msg[256];
        const struct node *p = e->root;
        msg[0] = '\0';
        if (p->kind != N_PATH || p->agg)
            snprintf(msg, sizeof msg, "only a fact path can go in '{...}'");
        else if (p->type != MD_F_STR && p->type != MD_F_INT &&
                 p->type != MD_F_BOOL)
            snprintf(msg, sizeof msg, "'%s' is a %s; a message shows values",
                     p->path, md_ftype_str(p->type));
        else if (p->post && (!list || strcmp(list, p->pre) != 0))
            snprintf(msg, sizeof msg,
                     "'%s' needs a rule whose 'when' uses '%s[*]'", p->path,
                     p->pre);
        if (msg[0]) {
            scalar_locate(&sl, p->off, &line, &col);
            report(L, line, col, msg);
        }
        i = end + 1;
        lit = i;
    }
    add_part(r, &cap, s + lit, len - lit, NULL);
}

/* Copy the scalars of list n into *out. */
static bool
string_list(struct loader *L, struct rule *r, const struct ynode *n,
            const char *what, const char *const **out, size_t *nout)
{
    const char **v = md_arena_calloc(&r->a, (n->n + 1) * sizeof *v);
    if (!v)
        return false;
    bool ok = true;
    for (size_t i = 0; i < n->n; i++) {
        const struct ynode *k = n->kids[i];
        if (k->k != Y_SCALAR || k->len == 0) {
            LOAD_ERR(L, &k->mark, "each of '%s' must be a non-empty string",
                     what);
            ok = false;
            continue;
        }
        if (!(v[i] = md_arena_strndup(&r->a, k->s, k->len)))
            return false;
    }
    *out = v;
    *nout = n->n;
    return ok;
}

static const char *
text_of(struct loader *L, struct rule *r, const struct ynode *n,
        const char *what)
{
    size_t len = trimmed_len(n->s, n->len);
    if (len == 0) {
        LOAD_ERR(L, &n->mark, "'%s' is empty", what);
        return NULL;
    }
    return md_arena_strndup(&r->a, n->s, len);
}

static void
compile_severity_when(struct loader *L, struct rule *r, const struct ynode *n)
{
    r->sw = md_arena_calloc(&r->a, (n->n + 1) * sizeof *r->sw);
    struct md_rule_sevwhen *info =
        md_arena_calloc(&r->a, (n->n + 1) * sizeof *info);
    if (!r->sw || !info)
        return;
    r->info.severity_when = info;
    for (size_t i = 0; i < n->n; i++) {
        const struct ynode *m = n->kids[i], *when = NULL, *sev = NULL;
        if (m->k != Y_MAP) {
            LOAD_ERR(
                L, &m->mark,
                "each of 'severity_when' must be {when: ..., severity: ...}");
            continue;
        }
        for (size_t k = 0; k + 1 < m->n; k += 2) {
            const struct ynode *key = m->kids[k], *val = m->kids[k + 1];
            const struct ynode **slot =
                key->k != Y_SCALAR               ? NULL
                : strcmp(key->s, "when") == 0     ? &when
                : strcmp(key->s, "severity") == 0 ? &sev
                                                  : NULL;
            char buf[64];
            if (!slot)
                LOAD_ERR(L, &key->mark, "unknown key '%s' in 'severity_when'",
                         key->k == Y_SCALAR ? shown(key, buf, sizeof buf)
                                            : "?");
            else if (*slot)
                LOAD_ERR(L, &key->mark, "duplicate key '%s'", key->s);
            else if (val->k != Y_SCALAR)
                LOAD_ERR(L, &val->mark, "'%s' must be a string", key->s);
            else
                *slot = val;
        }
        if (!when || !sev) {
            LOAD_ERR(L, &m->mark,
                     "missing required key '%s' in 'severity_when'",
                     when ? "severity" : "when");
            continue;
        }
        int s = md_severity_parse(sev->s);
        char buf[64];
        if (s < 0)
            LOAD_ERR(L, &sev->mark,
                     "unknown severity '%s' (error, warning or info)",
                     shown(sev, buf, sizeof buf));
        struct md_expr *e =
            compile_cond(L, when, false, r->when ? r->when->list : NULL);
        if (e && s >= 0) {
            info[r->nsw].when = md_arena_strdup(&r->a, when->s);
            info[r->nsw].expr = e;
            info[r->nsw].severity = (enum md_severity)s;
            r->sw[r->nsw].when = e;
            r->sw[r->nsw++].sev = (enum md_severity)s;
            r->info.nseverity_when = r->nsw;
        } else {
            md_expr_free(e);
        }
    }
}

static void
add_rule(struct loader *L, struct rule *r, const struct ynode *idn)
{
    struct md_ruleset_builder *b = L->b;
    for (size_t i = 0; i < b->n; i++) {
        if (strcmp(b->rules[i]->info.id, r->info.id) != 0)
            continue;
        if (b->rules[i]->gen == r->gen) {
            LOAD_ERR(L, &idn->mark, "duplicate rule id '%s' (first at line %u)",
                     r->info.id, b->rules[i]->info.line);
            rule_free(r);
            return;
        }
        rule_free(b->rules[i]); /* a later source overrides */
        b->rules[i] = r;
        return;
    }
    if (b->n >= b->lim.rules) {
        LOAD_ERR(L, &idn->mark, "limit 'rules' (%llu) reached",
                 (unsigned long long)b->lim.rules);
        rule_free(r);
        L->dead = true;
        return;
    }
    if (b->n == b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 32;
        struct rule **v = realloc(b->rules, ncap * sizeof *v);
        if (!v) {
            LOAD_ERR(L, &idn->mark, "out of memory");
            rule_free(r);
            return;
        }
        b->rules = v;
        b->cap = ncap;
    }
    b->rules[b->n++] = r;
}

static void
load_rule(struct loader *L, const struct ynode *n)
{
    if (n->k == Y_SCALAR && n->len == 0 &&
        n->style == YAML_PLAIN_SCALAR_STYLE)
        return; /* an empty document, e.g. after a final "---" */
    if (n->k != Y_MAP) {
        LOAD_ERR(L, &n->mark, "a rule must be a mapping (id: ..., name: ...)");
        return;
    }
    size_t before = L->errs.nerr;
    const struct ynode *v[K_COUNT] = {0};
    bool seen[K_COUNT] = {0};
    char buf[64];
    for (size_t i = 0; i + 1 < n->n; i += 2) {
        const struct ynode *key = n->kids[i], *val = n->kids[i + 1];
        if (key->k != Y_SCALAR) {
            LOAD_ERR(L, &key->mark, "a key must be a plain name");
            continue;
        }
        int k = 0;
        while (k < K_COUNT && strcmp(keys[k].name, key->s) != 0)
            k++;
        if (k == K_COUNT)
            LOAD_ERR(L, &key->mark, "unknown key '%s'",
                     shown(key, buf, sizeof buf));
        else if (seen[k])
            LOAD_ERR(L, &key->mark, "duplicate key '%s'", keys[k].name);
        else if ((seen[k] = true) && val->k != keys[k].kind)
            LOAD_ERR(L, &val->mark, "'%s' must be %s, not %s", keys[k].name,
                     kind_str(keys[k].kind), kind_str(val->k));
        else
            v[k] = val;
    }
    for (int k = 0; k < K_COUNT; k++)
        if (keys[k].required && !seen[k] && !L->dead)
            LOAD_ERR(L, &n->mark, "missing required key '%s'", keys[k].name);

    struct rule *r = calloc(1, sizeof *r);
    if (!r) {
        LOAD_ERR(L, &n->mark, "out of memory");
        return;
    }
    r->gen = L->b->gen;
    r->info.line = (unsigned)n->mark.line + 1;
    r->info.file = md_arena_strdup(&r->a, L->file);
    if (v[K_ID]) {
        if (!is_id(v[K_ID]->s, v[K_ID]->len))
            LOAD_ERR(L, &v[K_ID]->mark,
                     "bad rule id '%s': letters, digits, '-', '_' and '.' only",
                     shown(v[K_ID], buf, sizeof buf));
        r->info.id = md_arena_strdup(&r->a, v[K_ID]->s);
    }
    if (v[K_NAME]) {
        if (!is_kebab(v[K_NAME]->s, v[K_NAME]->len))
            LOAD_ERR(
                L, &v[K_NAME]->mark,
                "name '%s' is not kebab-case (like 'pac-url-in-agent-proxy')",
                shown(v[K_NAME], buf, sizeof buf));
        r->info.name = md_arena_strdup(&r->a, v[K_NAME]->s);
    }
    if (v[K_SEVERITY]) {
        int s = md_severity_parse(v[K_SEVERITY]->s);
        if (s < 0)
            LOAD_ERR(L, &v[K_SEVERITY]->mark,
                     "unknown severity '%s' (error, warning or info)",
                     shown(v[K_SEVERITY], buf, sizeof buf));
        r->info.severity = s < 0 ? MD_SEV_INFO : (enum md_severity)s;
    }
    if (v[K_TITLE])
        r->info.title = text_of(L, r, v[K_TITLE], "title");
    if (v[K_FIX])
        r->info.fix = text_of(L, r, v[K_FIX], "fix");
    if (v[K_REFERENCES]) {
        string_list(L, r, v[K_REFERENCES], "references",
                    &r->info.references, &r->info.nreferences);
        if (v[K_REFERENCES]->n == 0)
            LOAD_ERR(L, &v[K_REFERENCES]->mark,
                     "'references' needs at least one entry");
    }
    if (v[K_TAGS])
        string_list(L, r, v[K_TAGS], "tags", &r->info.tags, &r->info.ntags);
    if (v[K_WHEN]) {
        r->when = compile_cond(L, v[K_WHEN], true, NULL);
        r->info.when = md_arena_strndup(
            &r->a, v[K_WHEN]->s, trimmed_len(v[K_WHEN]->s, v[K_WHEN]->len));
        r->info.when_expr = r->when;
    }
    if (v[K_SEVERITY_WHEN] && r->when)
        compile_severity_when(L, r, v[K_SEVERITY_WHEN]);
    if (v[K_MESSAGE] && trimmed_len(v[K_MESSAGE]->s, v[K_MESSAGE]->len) == 0)
        LOAD_ERR(L, &v[K_MESSAGE]->mark, "'message' is empty");
    else if (v[K_MESSAGE])
        compile_message(L, r, v[K_MESSAGE]);
    if (v[K_MESSAGE])
        r->info.message = md_arena_strndup(
            &r->a, v[K_MESSAGE]->s,
            trimmed_len(v[K_MESSAGE]->s, v[K_MESSAGE]->len));
    if (L->errs.nerr != before || !r->when || !r->info.id) {
        rule_free(r);
        return;
    }
    add_rule(L, r, v[K_ID]);
}

static void
load(struct loader *L)
{
    yaml_event_t ev;
    if (!yaml_parser_initialize(&L->p)) {
        report(L, 0, 0, "out of memory");
        return;
    }
    yaml_parser_set_input_string(&L->p, (const unsigned char *)L->text,
                                 L->len);
    while (!L->dead && next_event(L, &ev)) {
        yaml_event_type_t t = ev.type;
        yaml_event_delete(&ev);
        if (t == YAML_STREAM_END_EVENT)
            break;
        if (t != YAML_DOCUMENT_START_EVENT)
            continue;
        yaml_event_t start, end;
        if (!next_event(L, &start))
            break;
        L->bad = false;
        L->nodes = 0;
        struct ynode *root = read_node(L, &start, 0);
        if (root && next_event(L, &end)) {
            yaml_event_delete(&end); /* DOCUMENT-END */
            if (!L->bad)
                load_rule(L, root);
        }
        md_arena_free(&L->tmp);
        flush(L);
    }
    md_arena_free(&L->tmp);
    yaml_parser_delete(&L->p);
}

/* ---- builder ------------------------------------------------------------------ */

struct md_ruleset_builder *
md_ruleset_builder_new(const struct md_limits *lim)
{
    struct md_ruleset_builder *b = calloc(1, sizeof *b);
    if (!b)
        return NULL;
    if (lim)
        b->lim = *lim;
    else
        md_limits_default(&b->lim);
    return b;
}

size_t
md_ruleset_add_text(struct md_ruleset_builder *b, const char *file,
                    const char *text, size_t len, md_rule_error_fn err,
                    void *user)
{
    if (!b)
        return 1;
    struct loader L = {.b = b, .file = file ? file : "(rules)",
                       .text = text, .len = len, .err = err, .user = user};
    b->gen++;
    if (len > b->lim.rule_file_bytes) {
        char msg[128];
        snprintf(msg, sizeof msg, "limit 'rule_file_bytes' (%llu) reached",
                 (unsigned long long)b->lim.rule_file_bytes);
        report(&L, 1, 1, msg);
    } else {
        load(&L);
    }
    flush(&L);
    md_yamlerr_free(&L.errs);
    b->nerr += L.errs.nerr;
    return L.errs.nerr;
}

static int
cmp_names(const void *x, const void *y)
{
    return strcmp(*(char *const *)x, *(char *const *)y);
}

/* *.yml or *.yaml, any case, but not hidden and not the two files
 * the engine reads on its own. */
static bool
is_rule_file(const char *name)
{
    struct md_slice s = md_slice_of(name, strlen(name));
    return name[0] != '.' &&
           ((s.len > 4 && md_slice_iends(s, ".yml")) ||
            (s.len > 5 && md_slice_iends(s, ".yaml"))) &&
           strcmp(name, "precedence.yml") != 0 &&
           strcmp(name, "signatures.yml") != 0;
}

/* Read a whole file of at most max bytes; caller frees. */
static char *
read_file(const char *path, uint64_t max, size_t *len, const char **why)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *why = strerror(errno);
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n == cap) {
            char *nb = cap > max ? NULL : realloc(buf, cap * 2);
            if (!nb) {
                *why = cap > max ? "too large" : "out of memory";
                free(buf);
                buf = NULL;
                break;
            }
            buf = nb;
            cap *= 2;
        }
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0) {
            if (ferror(f)) {
                *why = strerror(errno);
                free(buf);
                buf = NULL;
            }
            break;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

size_t
md_ruleset_add_dir(struct md_ruleset_builder *b, const char *dir,
                   md_rule_error_fn err, void *user)
{
    if (!b)
        return 1;
    DIR *d = opendir(dir);
    if (!d) {
        char msg[256];
        snprintf(msg, sizeof msg, "cannot open folder: %s", strerror(errno));
        if (err)
            err(user, dir, 0, 0, msg);
        b->nerr++;
        return 1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0, nerr = 0;
    bool own = false; /* precedence.yml or signatures.yml */
    struct dirent *de;
    while ((de = readdir(d))) {
        own |= !strcmp(de->d_name, "precedence.yml") ||
               !strcmp(de->d_name, "signatures.yml");
        if (!is_rule_file(de->d_name))
            continue;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            char **v = realloc(names, ncap * sizeof *v);
            if (!v)
                break;
            names = v;
            cap = ncap;
        }
        if (!(names[n] = strdup(de->d_name)))
            break;
        n++;
    }
    closedir(d);
    if (!n && !own && err) /* a warning: the built-in pack still works */
        err(user, dir, 0, 0,
            "warning: no rule file (*.yml, *.yaml), precedence.yml or "
            "signatures.yml here; only the built-in rule pack is used");
    if (n)
        qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n; i++) {
        size_t plen = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(plen);
        const char *why = "out of memory";
        size_t len = 0;
        char *text = NULL;
        if (path) {
            snprintf(path, plen, "%s/%s", dir, names[i]);
            text = read_file(path, b->lim.rule_file_bytes, &len, &why);
        }
        if (text) {
            nerr += md_ruleset_add_text(b, path, text, len, err, user);
        } else {
            char msg[256];
            snprintf(msg, sizeof msg, "cannot read rule file: %s", why);
            if (err)
                err(user, path ? path : names[i], 0, 0, msg);
            b->nerr++;
            nerr++;
        }
        free(text);
        free(path);
        free(names[i]);
    }
    free(names);
    return nerr;
}

static void
builder_free(struct md_ruleset_builder *b)
{
    for (size_t i = 0; i < b->n; i++)
        rule_free(b->rules[i]);
    free(b->rules);
    free(b);
}

static int
cmp_rules(const void *x, const void *y)
{
    return strcmp((*(struct rule *const *)x)->info.id,
                  (*(struct rule *const *)y)->info.id);
}

struct md_ruleset *
md_ruleset_build(struct md_ruleset_builder *b, md_rule_error_fn err,
                 void *user)
{
    if (!b)
        return NULL;
    struct md_ruleset *rs = NULL;
    if (b->n > b->lim.rules) {
        char msg[128];
        snprintf(msg, sizeof msg, "limit 'rules' (%llu) reached: %zu rules",
                 (unsigned long long)b->lim.rules, b->n);
        if (err)
            err(user, "(rule set)", 0, 0, msg);
        b->nerr++;
    }
    if (b->nerr == 0 && (rs = calloc(1, sizeof *rs))) {
        rs->lim = b->lim;
        rs->rules = b->rules;
        rs->n = b->n;
        if (rs->n)
            qsort(rs->rules, rs->n, sizeof *rs->rules, cmp_rules);
        b->rules = NULL;
        b->n = 0;
    }
    builder_free(b);
    return rs;
}

void
md_ruleset_free(struct md_ruleset *rs)
{
    if (!rs)
        return;
    for (size_t i = 0; i < rs->n; i++)
        rule_free(rs->rules[i]);
    free(rs->rules);
    free(rs);
}

size_t
md_ruleset_count(const struct md_ruleset *rs)
{
    return rs ? rs->n : 0;
}

const struct md_rule_info *
md_ruleset_rule(const struct md_ruleset *rs, size_t i)
{
    return rs && i < rs->n ? &rs->rules[i]->info : NULL;
}

/* ---- evaluation -------------------------------------------------------------- */

struct scan {
    const struct md_fact *root;
    struct expr_run run;
    struct md_arena a;
    struct evlist ev;
    struct md_buf msg;
    md_finding_fn fn;
    void *user;
    bool nomem;
};

static void
put_value(struct md_buf *b, const struct md_fact *f)
{
    if (!f || f->type == MD_F_NULL || (f->type == MD_F_STR && !f->s))
        md_buf_adds(b, "(none)");
    else if (f->type == MD_F_STR)
        md_buf_add(b, f->s, f->len);
    else if (f->type == MD_F_BOOL)
        md_buf_adds(b, f->i ? "true" : "false");
    else if (f->type == MD_F_INT)
        md_buf_printf(b, "%lld", (long long)f->i);
    else
        md_buf_printf(b, "(%s)", md_ftype_str(f->type));
}

static void
try_rule(struct scan *s, const struct rule *r, const struct md_fact *elem,
         size_t i)
{
    struct md_arena_mark m = md_arena_mark(&s->a);
    if (!md_expr_holds(r->when, &s->run, s->root, elem))
        goto out;
    struct md_finding f = {.rule = &r->info, .severity = r->info.severity};
    for (size_t k = 0; k < r->nsw; k++)
        if (md_expr_holds(r->sw[k].when, &s->run, s->root, elem)) {
            f.severity = r->sw[k].sev;
            break;
        }
    s->ev.n = 0;
    bool ok = md_expr_cite(r->when, s->root, elem, &s->ev);
    md_buf_reset(&s->msg);
    for (size_t k = 0; k < r->nmsg; k++) {
        const struct msgpart *p = &r->msg[k];
        if (p->lit) {
            md_buf_add(&s->msg, p->lit, p->len);
            continue;
        }
        const struct md_fact *v = md_expr_path_fact(p->fact->root, s->root, elem);
        put_value(&s->msg, v);
        ok = ok && md_evlist_add(&s->ev, v);
    }
    char *text = md_arena_alloc(&s->a, s->msg.len + 1);
    if (!ok || !text || (s->msg.len && !s->msg.ptr)) {
        s->nomem = true;
        goto out;
    }
    size_t n = s->msg.len ? md_redact(s->msg.ptr, s->msg.len, text) : 0;
    text[n] = '\0';
    f.message = text;
    f.subject = elem ? md_expr_subject(&s->a, r->when->list, elem, i) : NULL;
    f.evidence = s->ev.v;
    f.nevidence = s->ev.n;
    s->fn(s->user, &f);
out:
    md_arena_rewind(&s->a, m);
}

enum md_status
md_rules_eval(const struct md_ruleset *rs, const struct md_fact *root,
              md_finding_fn fn, void *user)
{
    if (!rs || !fn)
        return MD_ERR_USAGE;
    struct scan s = {.root = root, .fn = fn, .user = user,
                     .msg = MD_BUF_INIT(1 << 20)};
    if (!md_expr_run_init(&s.run, &s.a, &rs->lim))
        return MD_ERR_NOMEM;
    for (size_t i = 0; i < rs->n; i++) {
        const struct rule *r = rs->rules[i];
        if (!r->when->list) {
            try_rule(&s, r, NULL, 0);
            continue;
        }
        const struct md_fact *l = md_fact_path(root, r->when->list);
        for (size_t k = 0; l && l->type == MD_F_LIST && k < l->n; k++)
            try_rule(&s, r, l->items[k], k);
    }
    md_expr_run_fini(&s.run);
    md_evlist_free(&s.ev);
    md_buf_free(&s.msg);
    md_arena_free(&s.a);
    return s.nomem ? MD_ERR_NOMEM : s.run.limit ? MD_ERR_LIMIT : MD_OK;
}
