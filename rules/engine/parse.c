/*
 * Lexer and recursive-descent parser of the rule expression language
 * (DESIGN §4; the grammar is in rules/README.md). Produces an AST in an
 * arena; nothing here knows the schema or types (see eval.c).
 *
 *   or      := and { "or" and }
 *   and     := not { "and" not }
 *   not     := "not" not | cmp
 *   cmp     := term [ ("=="|"!="|"<"|"<="|">"|">="|"=~"|"!~") term
 *                   | ["not"] "in" "[" literal { "," literal } "]" ]
 *   term    := literal | path | func "(" or ")" | "(" or ")"
 */
#include "expr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum tok {
    T_END, T_ERR, T_STR, T_INT, T_PATH, T_FUNC, T_TRUE, T_FALSE, T_NULL,
    T_AND, T_OR, T_NOT, T_IN, T_LP, T_RP, T_LB, T_RB, T_COMMA,
    T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_MATCH, T_NMATCH,
};

struct parser {
    const char *s;
    size_t len, pos;
    struct md_arena *a;
    struct expr_src *src;
    uint64_t max_depth;
    /* the current token */
    enum tok t;
    size_t off;
    const char *str; /* T_STR (unquoted), T_PATH, T_FUNC */
    size_t slen;
    int64_t ival;
    int fn;
    const char *pre, *post; /* T_PATH split at [*] */
};

void
md_expr_error(struct expr_src *src, size_t off, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    unsigned line = 0, col = 0;
    src->locate(src->ctx, off, &line, &col);
    src->nerr++;
    if (src->err)
        src->err(src->user, src->file, line, col, msg);
}

static bool
is_ident_start(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static bool
is_ident_char(char c)
{
    return is_ident_start(c) || (c >= '0' && c <= '9');
}

static const char *const fn_names[] = {
    [FN_EXISTS] = "exists", [FN_COUNT] = "count", [FN_LEN] = "len",
    [FN_LOWER] = "lower",   [FN_HOST] = "host",   [FN_PORT] = "port",
};

static bool
lex_fail(struct parser *p, size_t off, const char *msg)
{
    md_expr_error(p->src, off, "%s", msg);
    p->t = T_ERR;
    return false;
}

/* A string in single or double quotes; a doubled quote stands for one,
 * and a backslash is an ordinary character (regexes stay readable). */
static bool
lex_string(struct parser *p)
{
    char q = p->s[p->pos];
    size_t i = p->pos + 1;
    char *out = md_arena_alloc(p->a, p->len - p->pos + 1);
    size_t n = 0;
    if (!out)
        return lex_fail(p, p->off, "out of memory");
    for (;;) {
        if (i >= p->len)
            return lex_fail(p, p->off, "unterminated string");
        if (p->s[i] == q) {
            if (i + 1 < p->len && p->s[i + 1] == q) {
                out[n++] = q;
                i += 2;
                continue;
            }
            break;
        }
        out[n++] = p->s[i++];
    }
    out[n] = '\0';
    p->pos = i + 1;
    p->t = T_STR;
    p->str = out;
    p->slen = n;
    return true;
}

static bool
lex_int(struct parser *p)
{
    size_t i = p->pos;
    bool neg = p->s[i] == '-';
    i += neg;
    uint64_t v = 0;
    while (i < p->len && p->s[i] >= '0' && p->s[i] <= '9') {
        v = v * 10 + (uint64_t)(p->s[i++] - '0');
        if (v > (uint64_t)INT64_MAX)
            return lex_fail(p, p->off, "integer out of range");
    }
    if (i < p->len && is_ident_char(p->s[i]))
        return lex_fail(p, i, "unexpected character after number");
    p->pos = i;
    p->t = T_INT;
    p->ival = neg ? -(int64_t)v : (int64_t)v;
    return true;
}

/* ident { "[*]" } { "." ident ["[*]"] }, at most one [*]; a lone ident
 * may be a keyword or, followed by "(", a function. */
static bool
lex_word(struct parser *p)
{
    size_t i = p->pos, star = 0;
    bool dotted = false;
    for (;;) {
        if (i >= p->len || !is_ident_start(p->s[i]))
            return lex_fail(p, i, "expected a name in the fact path");
        while (i < p->len && is_ident_char(p->s[i]))
            i++;
        if (i < p->len && p->s[i] == '[') {
            if (i + 2 >= p->len || p->s[i + 1] != '*' || p->s[i + 2] != ']')
                return lex_fail(p, i, "a list is indexed only with [*]");
            if (star)
                return lex_fail(p, i, "only one [*] per path");
            star = i;
            i += 3;
        }
        if (i < p->len && p->s[i] == '.') {
            dotted = true;
            i++;
            continue;
        }
        break;
    }
    size_t n = i - p->pos;
    const char *w = p->s + p->pos;
    if (!dotted && !star) {
        static const struct { const char *w; enum tok t; } kw[] = {
            {"and", T_AND}, {"or", T_OR},       {"not", T_NOT},
            {"in", T_IN},   {"true", T_TRUE},   {"false", T_FALSE},
            {"null", T_NULL},
        };
        for (size_t k = 0; k < sizeof kw / sizeof kw[0]; k++)
            if (strlen(kw[k].w) == n && memcmp(kw[k].w, w, n) == 0) {
                p->pos = i;
                p->t = kw[k].t;
                return true;
            }
        size_t j = i;
        while (j < p->len && (p->s[j] == ' ' || p->s[j] == '\t' ||
                              p->s[j] == '\n' || p->s[j] == '\r'))
            j++;
        if (j < p->len && p->s[j] == '(') {
            for (int f = 0; f < (int)(sizeof fn_names / sizeof fn_names[0]);
                 f++)
                if (strlen(fn_names[f]) == n && memcmp(fn_names[f], w, n) == 0) {
                    p->pos = i;
                    p->t = T_FUNC;
                    p->fn = f;
                    return true;
                }
            char msg[80];
            snprintf(msg, sizeof msg, "unknown function '%.*s'",
                     (int)(n < 40 ? n : 40), w);
            return lex_fail(p, p->off, msg);
        }
    }
    char *path = md_arena_strndup(p->a, w, n);
    if (!path)
        return lex_fail(p, p->off, "out of memory");
    p->str = path;
    p->slen = n;
    p->pre = path;
    p->post = NULL;
    if (star) {
        size_t k = star - p->pos;
        char *pre = md_arena_strndup(p->a, w, k);
        if (!pre)
            return lex_fail(p, p->off, "out of memory");
        p->pre = pre;
        p->post = path + k + 3 + (k + 3 < n); /* skip "[*]" and "." */
    }
    p->pos = i;
    p->t = T_PATH;
    return true;
}

static bool
next(struct parser *p)
{
    while (p->pos < p->len &&
           (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' ||
            p->s[p->pos] == '\n' || p->s[p->pos] == '\r'))
        p->pos++;
    p->off = p->pos;
    if (p->pos >= p->len) {
        p->t = T_END;
        return true;
    }
    char c = p->s[p->pos], d = p->pos + 1 < p->len ? p->s[p->pos + 1] : 0;
    static const struct { char c, d; enum tok t; } ops[] = {
        {'=', '=', T_EQ}, {'!', '=', T_NE},    {'<', '=', T_LE},
        {'>', '=', T_GE}, {'=', '~', T_MATCH}, {'!', '~', T_NMATCH},
        {'<', 0, T_LT},   {'>', 0, T_GT},      {'(', 0, T_LP},
        {')', 0, T_RP},   {'[', 0, T_LB},      {']', 0, T_RB},
        {',', 0, T_COMMA},
    };
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
        if (c == ops[k].c && (!ops[k].d || d == ops[k].d)) {
            p->pos += ops[k].d ? 2 : 1;
            p->t = ops[k].t;
            return true;
        }
    if (c == '\'' || c == '"')
        return lex_string(p);
    if ((c >= '0' && c <= '9') || (c == '-' && d >= '0' && d <= '9'))
        return lex_int(p);
    if (is_ident_start(c))
        return lex_word(p);
    if (c == '=')
        return lex_fail(p, p->off, "unexpected '=' (use '==')");
    char msg[40];
    if ((unsigned char)c >= 0x20 && (unsigned char)c < 0x7f)
        snprintf(msg, sizeof msg, "unexpected character '%c'", c);
    else
        snprintf(msg, sizeof msg, "unexpected byte 0x%02x", (unsigned char)c);
    return lex_fail(p, p->off, msg);
}

static const char *
tok_str(enum tok t)
{
    switch (t) {
    case T_END: return "end of expression";
    case T_STR: return "string";
    case T_INT: return "number";
    case T_PATH: return "fact path";
    case T_FUNC: return "function";
    case T_TRUE: return "'true'";
    case T_FALSE: return "'false'";
    case T_NULL: return "'null'";
    case T_AND: return "'and'";
    case T_OR: return "'or'";
    case T_NOT: return "'not'";
    case T_IN: return "'in'";
    case T_LP: return "'('";
    case T_RP: return "')'";
    case T_LB: return "'['";
    case T_RB: return "']'";
    case T_COMMA: return "','";
    case T_EQ: return "'=='";
    case T_NE: return "'!='";
    case T_LT: return "'<'";
    case T_LE: return "'<='";
    case T_GT: return "'>'";
    case T_GE: return "'>='";
    case T_MATCH: return "'=~'";
    case T_NMATCH: return "'!~'";
    case T_ERR: break;
    }
    return "error";
}

static struct node *
fail(struct parser *p, const char *want)
{
    if (p->t != T_ERR) /* the lexer has reported its own error */
        md_expr_error(p->src, p->off, "expected %s, found %s", want,
                   tok_str(p->t));
    p->t = T_ERR;
    return NULL;
}

static struct node *
mknode(struct parser *p, enum node_kind k, size_t off)
{
    struct node *n = md_arena_calloc(p->a, sizeof *n);
    if (!n) {
        md_expr_error(p->src, off, "out of memory");
        p->t = T_ERR;
        return NULL;
    }
    n->kind = k;
    n->off = off;
    return n;
}

/* A literal at the current token, or NULL (nothing consumed). */
static struct node *
literal(struct parser *p)
{
    struct node *n;
    switch (p->t) {
    case T_STR:
        if (!(n = mknode(p, N_LIT, p->off)))
            return NULL;
        n->lit.type = MD_F_STR;
        n->lit.s = p->str;
        n->lit.len = p->slen;
        break;
    case T_INT:
        if (!(n = mknode(p, N_LIT, p->off)))
            return NULL;
        n->lit.type = MD_F_INT;
        n->lit.i = p->ival;
        break;
    case T_TRUE:
    case T_FALSE:
        if (!(n = mknode(p, N_LIT, p->off)))
            return NULL;
        n->lit.type = MD_F_BOOL;
        n->lit.i = p->t == T_TRUE;
        break;
    case T_NULL:
        if (!(n = mknode(p, N_LIT, p->off)))
            return NULL;
        n->lit.type = MD_F_NULL;
        break;
    default:
        return NULL;
    }
    n->type = n->lit.type;
    return next(p) ? n : NULL;
}

static struct node *parse_or(struct parser *p, uint64_t depth);

static struct node *
parse_term(struct parser *p, uint64_t depth)
{
    struct node *n;
    size_t off = p->off;
    switch (p->t) {
    case T_PATH:
        if (!(n = mknode(p, N_PATH, off)))
            return NULL;
        n->path = p->str;
        n->pre = p->pre;
        n->post = p->post;
        return next(p) ? n : NULL;
    case T_FUNC:
        if (!(n = mknode(p, N_CALL, off)))
            return NULL;
        n->op = p->fn;
        if (!next(p) || p->t != T_LP)
            return fail(p, "'('");
        if (!next(p) || !(n->a = parse_or(p, depth + 1)))
            return NULL;
        if (p->t != T_RP)
            return fail(p, "')'");
        return next(p) ? n : NULL;
    case T_LP:
        if (!next(p) || !(n = parse_or(p, depth + 1)))
            return NULL;
        if (p->t != T_RP)
            return fail(p, "')'");
        return next(p) ? n : NULL;
    default:
        if ((n = literal(p)))
            return n;
        return p->t == T_ERR ? NULL : fail(p, "a value");
    }
}

static struct node *
parse_in(struct parser *p, struct node *lhs, bool neg, size_t off)
{
    struct node *n = mknode(p, N_IN, off);
    if (!n)
        return NULL;
    n->a = lhs;
    n->neg = neg;
    if (!next(p) || p->t != T_LB)
        return fail(p, "'['");
    size_t cap = 0;
    do {
        if (!next(p))
            return NULL;
        struct node *item = literal(p);
        if (!item)
            return p->t == T_ERR ? NULL : fail(p, "a literal");
        if (n->nitems == cap) {
            size_t ncap = cap ? cap * 2 : 4;
            struct node **items = md_arena_alloc(p->a, ncap * sizeof *items);
            if (!items) {
                lex_fail(p, item->off, "out of memory");
                return NULL;
            }
            if (cap)
                memcpy(items, n->items, cap * sizeof *items);
            n->items = items;
            cap = ncap;
        }
        n->items[n->nitems++] = item;
    } while (p->t == T_COMMA);
    if (p->t != T_RB)
        return fail(p, "',' or ']'");
    return next(p) ? n : NULL;
}

static struct node *
parse_cmp(struct parser *p, uint64_t depth)
{
    struct node *lhs = parse_term(p, depth);
    if (!lhs)
        return NULL;
    size_t off = p->off;
    enum tok t = p->t;
    if (t == T_IN)
        return parse_in(p, lhs, false, off);
    if (t == T_NOT) { /* "x not in [..]" */
        if (!next(p))
            return NULL;
        if (p->t != T_IN)
            return fail(p, "'in' after 'not'");
        return parse_in(p, lhs, true, off);
    }
    struct node *n;
    if (t == T_MATCH || t == T_NMATCH) {
        if (!(n = mknode(p, N_MATCH, off)))
            return NULL;
        n->neg = t == T_NMATCH;
    } else if (t >= T_EQ && t <= T_GE) {
        if (!(n = mknode(p, N_CMP, off)))
            return NULL;
        n->op = OP_EQ + (int)(t - T_EQ);
    } else {
        return lhs;
    }
    n->a = lhs;
    if (!next(p) || !(n->b = parse_term(p, depth)))
        return NULL;
    return n;
}

/* The 'expr_depth' limit is reached here: say so (with what counted,
 * when it is more than parentheses and 'not') and stop. */
static struct node *
too_deep(struct parser *p, const char *how)
{
    md_expr_error(p->src, p->off,
                  "expression nested too deeply: limit 'expr_depth' (%llu) "
                  "reached%s",
                  (unsigned long long)p->max_depth, how);
    p->t = T_ERR;
    return NULL;
}

static struct node *
parse_not(struct parser *p, uint64_t depth)
{
    if (depth > p->max_depth)
        return too_deep(p, "");
    if (p->t != T_NOT)
        return parse_cmp(p, depth);
    struct node *n = mknode(p, N_NOT, p->off);
    if (!n || !next(p) || !(n->a = parse_not(p, depth + 1)))
        return NULL;
    return n;
}

static struct node *
parse_binary(struct parser *p, uint64_t depth, enum tok op)
{
    struct node *lhs = op == T_OR ? parse_binary(p, depth, T_AND)
                                  : parse_not(p, depth);
    uint64_t links = 0;
    while (lhs && p->t == op) {
        /* "a or b or c" is a left-nested tree as deep as the chain is
         * long, and the checker, evaluator and tracer recurse into it:
         * each link counts toward expr_depth like a parenthesis (a chain
         * of 100 000 overflowed the stack). */
        if (depth + ++links > p->max_depth)
            return too_deep(p, " (each 'and'/'or' of a chain counts)");
        struct node *n = mknode(p, op == T_OR ? N_OR : N_AND, p->off);
        if (!n || !next(p))
            return NULL;
        n->a = lhs;
        n->b = op == T_OR ? parse_binary(p, depth + links, T_AND)
                          : parse_not(p, depth + links);
        if (!n->b)
            return NULL;
        lhs = n;
    }
    return lhs;
}

static struct node *
parse_or(struct parser *p, uint64_t depth)
{
    return parse_binary(p, depth, T_OR);
}

struct node *
md_expr_parse(struct md_arena *a, const char *text, size_t len,
           uint64_t max_depth, struct expr_src *src)
{
    struct parser p = {.s = text, .len = len, .a = a, .src = src,
                       .max_depth = max_depth};
    if (!next(&p))
        return NULL;
    if (p.t == T_END) {
        md_expr_error(src, 0, "empty expression");
        return NULL;
    }
    struct node *n = parse_or(&p, 1);
    if (n && p.t != T_END)
        return fail(&p, "'and', 'or' or the end of the expression");
    return n;
}
