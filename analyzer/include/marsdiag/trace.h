/*
 * Evaluation traces, for `marsdiag explain`: why a rule's condition is
 * true or false for one bundle. A trace is the expression's tree with,
 * for every sub-expression, its value, whether it was evaluated at all
 * (an `and` whose left operand is false never evaluates the right one),
 * which operand of an `and`/`or` decided, and for every fact it read the
 * path (with [*] resolved to the element: "users[1].proxy.set") and the
 * fact itself, whose evidence records (fact->ev) say where it came from.
 *
 * Tracing is a separate evaluation: the ordinary one (md_rules_eval)
 * only pays a NULL test per node for it. A trace lives in the arena the
 * caller gives and borrows the expression and the fact tree, which must
 * outlive it. Values are the bundle's own: mask strings (md_redact, or
 * md_write_fact_json) before printing them.
 */
#ifndef MARSDIAG_TRACE_H
#define MARSDIAG_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "marsdiag/arena.h"
#include "marsdiag/fact.h"
#include "marsdiag/rules.h"
#include "marsdiag/status.h"

enum md_trace_kind {
    MD_TRACE_LITERAL, /* 'text', 12, true */
    MD_TRACE_FACT,    /* a fact path: path, fact */
    MD_TRACE_NOT,
    MD_TRACE_AND,
    MD_TRACE_OR,
    MD_TRACE_COMPARE, /* == != < <= > >= */
    MD_TRACE_MATCH,   /* =~ !~; kids: the string, the pattern */
    MD_TRACE_IN,      /* in, not in; kids: the value, then the list */
    MD_TRACE_CALL,    /* exists count len lower host port */
};

struct md_trace {
    enum md_trace_kind kind;
    const char *expr; /* this sub-expression, written out */
    const char *op;   /* "and", "==", "not in", "count"...; NULL for
                       * facts and literals */
    bool evaluated;   /* false: skipped by an and/or that had decided */
    const struct md_fact *value; /* its value when evaluated; NULL: null */
    /* MD_TRACE_AND / MD_TRACE_OR: a chain (a and b and c) is one node
     * with every operand in kids. decided_by is the index of the operand
     * whose value decided the result — the first false one of an and,
     * the first true one of an or; those after it were not evaluated —
     * or -1 when every operand was needed (and: all true; or: all
     * false). */
    int decided_by;
    /* MD_TRACE_FACT: the path as read ("users[1].proxy.set"), and the fact
     * (NULL when the bundle does not have it). A [*] path inside count()
     * covers every element: then kids holds one MD_TRACE_FACT each. */
    const char *path;
    const struct md_fact *fact;
    struct md_trace **kids; /* operands in order */
    size_t nkids;
};

/* One evaluation: of the expression, or of a [*] expression for one
 * element of its list. */
struct md_trace_run {
    size_t index;        /* the element's index in the list */
    const char *subject; /* "users[S-1-5-…]" as in findings; NULL without
                          * [*] */
    bool holds;          /* the expression is true */
    struct md_trace *root;
};

struct md_trace_result {
    const char *list;   /* the [*] list the expression binds, or NULL */
    bool list_missing;  /* ...and the bundle has no such list */
    struct md_trace_run *runs; /* one, or one per element (none when the
                                * list is empty or missing) */
    size_t nruns;
    bool holds;         /* some run holds: the rule fires */
    bool limit;         /* a regex hit a PCRE2 limit (taken as false) */
};

/* Trace e against root: once, or for a [*] expression once per element
 * of its list. Returns MD_OK or MD_ERR_NOMEM. */
enum md_status md_expr_trace(const struct md_expr *e,
                             const struct md_fact *root, struct md_arena *a,
                             struct md_trace_result *out);

/* Trace e with [*] bound to elem, element index of e's list (for the
 * severity_when of a rule that fired on that element); elem NULL for an
 * expression without [*]. */
enum md_status md_expr_trace_elem(const struct md_expr *e,
                                  const struct md_fact *root,
                                  const struct md_fact *elem, size_t index,
                                  struct md_arena *a,
                                  struct md_trace_run *out);

/* "kind" names for JSON: "literal", "fact", "not", "and", ... */
const char *md_trace_kind_str(enum md_trace_kind k);

#endif
