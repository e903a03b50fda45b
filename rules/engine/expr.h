/*
 * Private interface of the rule engine: the expression AST shared by the
 * parser (parse.c), the checker and evaluator (eval.c) and the YAML rule
 * loader (ruleset.c). The language itself is specified in rules/README.md.
 */
#ifndef MARSDIAG_RULES_EXPR_H
#define MARSDIAG_RULES_EXPR_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "marsdiag/rules.h"

/* Where an expression came from: maps a byte offset in its text to a
 * line and column of the rule file, and counts the errors reported. */
typedef void (*expr_locate_fn)(const void *ctx, size_t off, unsigned *line,
                               unsigned *col);
struct expr_src {
    const char *file;
    expr_locate_fn locate;
    const void *ctx;
    md_rule_error_fn err;
    void *user;
    size_t nerr;
};

void md_expr_error(struct expr_src *src, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

enum node_kind {
    N_LIT,   /* lit */
    N_PATH,  /* path, pre, post */
    N_NOT,   /* a */
    N_AND,   /* a, b */
    N_OR,    /* a, b */
    N_CMP,   /* a op b */
    N_MATCH, /* a =~ b (neg: !~); re compiled from b */
    N_IN,    /* a in items (neg: not in) */
    N_CALL,  /* fn(a) */
};

enum cmp_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };
enum fn_id { FN_EXISTS, FN_COUNT, FN_LEN, FN_LOWER, FN_HOST, FN_PORT };

struct node {
    enum node_kind kind;
    size_t off; /* byte offset of the node in the expression text */
    int op;     /* enum cmp_op for N_CMP, enum fn_id for N_CALL */
    bool neg;   /* !~, not in */
    struct node *a, *b;
    struct node **items; /* N_IN */
    size_t nitems;
    struct md_fact lit; /* N_LIT: NULL, BOOL, INT or STR */
    /* N_PATH: path as written ("users[*].proxy.set"); pre is the part
     * before "[*]" ("users"), post the part after "[*]." ("proxy.set",
     * "" for "users[*]"), NULL when the path has no [*]. */
    const char *path, *pre, *post;
    bool agg; /* a [*] path inside count(): all elements, not the bound one */
    enum md_ftype type; /* static type, set by the checker */
    pcre2_code *re;     /* N_MATCH */
    size_t id;          /* 0..nnodes-1 in its expression (traces) */
};

/* Parse text[0..len) into an AST in arena a. NULL on error (reported). */
struct node *md_expr_parse(struct md_arena *a, const char *text, size_t len,
                        uint64_t max_depth, struct expr_src *src);

struct md_expr {
    struct md_arena a;
    struct node *root;
    enum md_ftype type; /* of the whole expression */
    const char *list;   /* the one [*] list bound by the expression, or NULL */
    size_t list_off;
    struct node **paths; /* path nodes in order of appearance */
    size_t npaths;
    struct node **matches; /* nodes owning a pcre2_code, to free */
    size_t nmatches;
    size_t nnodes; /* node ids are 0..nnodes-1 */
    struct md_limits lim;
};

/* Parse and check (schema, types, regexes). NULL on error (reported). */
struct md_expr *md_expr_compile_src(const char *text, size_t len,
                             const struct md_limits *lim,
                             struct expr_src *src);

/* Per-call evaluation state: never shared between threads. */
struct expr_run {
    struct md_arena *a; /* for strings made by lower() and host() */
    pcre2_match_data *md;
    pcre2_match_context *mc;
    bool limit; /* a regex hit a PCRE2 limit */
};

bool md_expr_run_init(struct expr_run *r, struct md_arena *a,
                   const struct md_limits *lim);
void md_expr_run_fini(struct expr_run *r);

/* A value during evaluation; f is the fact when it came from a path. */
struct val {
    enum md_ftype t;
    int64_t i;
    const char *s;
    size_t len;
    const struct md_fact *f;
};

/* Evaluate with [*] bound to elem (NULL: no element bound, [*] paths are
 * null). */
struct val md_expr_eval(const struct md_expr *e, struct expr_run *r,
                     const struct md_fact *root, const struct md_fact *elem);

/* What one evaluation gave each node, by node id: the value of every
 * node evaluated; a node an and/or skipped stays !done. */
struct expr_slot {
    bool done;
    struct val v;
};

/* md_expr_eval recording into slots[0..e->nnodes), zeroed by the caller.
 * The plain evaluator pays one NULL test per node for this. */
struct val md_expr_eval_traced(const struct md_expr *e, struct expr_run *r,
                               const struct md_fact *root,
                               const struct md_fact *elem,
                               struct expr_slot *slots);
bool md_expr_holds(const struct md_expr *e, struct expr_run *r,
                const struct md_fact *root, const struct md_fact *elem);

/* Evidence list of a finding: de-duplicated, in order of addition. */
struct evlist {
    const struct md_evidence **v;
    size_t n, cap;
};
bool md_evlist_add(struct evlist *l, const struct md_fact *f);
void md_evlist_free(struct evlist *l);

/* Append the evidence of every fact e references, for element elem. */
bool md_expr_cite(const struct md_expr *e, const struct md_fact *root,
               const struct md_fact *elem, struct evlist *out);

/* A finding's subject: "users[S-1-5-21-...]" when element i of list
 * names itself (a sid or path string), else "users[2]"; in arena a. */
const char *md_expr_subject(struct md_arena *a, const char *list,
                            const struct md_fact *elem, size_t i);

/* The fact a path node denotes (NULL when missing). */
const struct md_fact *md_expr_path_fact(const struct node *p,
                                     const struct md_fact *root,
                                     const struct md_fact *elem);

#endif
