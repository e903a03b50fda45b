/*
 * Facts: the model as a tree of typed values, each carrying the evidence
 * records that support it.
 *
 * The model builder (model.c) turns evidence into facts; the precedence
 * chain and the rules read them through paths like "agent.proxy.server"
 * or "users[*].proxy.set". The shape of the tree is declared once, in the
 * schema (md_schema_lookup), so rule files are checked against it when
 * they are loaded: an unknown path or a type mismatch is an error there,
 * not a silent null at scan time.
 *
 * Memory: a tree and everything in it live in one arena (the model's).
 * Trees are immutable once built; several threads may read one tree.
 */
#ifndef MARSDIAG_FACT_H
#define MARSDIAG_FACT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "marsdiag/arena.h"
#include "marsdiag/evidence.h"

enum md_ftype {
    MD_F_NULL = 0, /* missing: comparisons with null are false */
    MD_F_BOOL,
    MD_F_INT,
    MD_F_STR,
    MD_F_LIST, /* items[0..n) */
    MD_F_OBJ,  /* keys[0..n) -> items[0..n) */
};

struct md_fact {
    enum md_ftype type;
    int64_t i; /* BOOL (0/1) and INT */
    const char *s;
    size_t len; /* STR */
    struct md_fact **items;
    const char **keys;
    size_t n, cap;
    const struct md_evidence **ev; /* evidence behind this value */
    size_t nev, evcap;
};

/* "null", "bool", "int", "string", "list", "object". */
const char *md_ftype_str(enum md_ftype t);

/* ---- reading ---------------------------------------------------------- */

/* Member key of an object, or NULL (also when f is not an object). */
const struct md_fact *md_fact_get(const struct md_fact *f, const char *key);

/* Follow a dotted path without [*] ("agent.proxy.server"); NULL when any
 * step is missing. */
const struct md_fact *md_fact_path(const struct md_fact *root,
                                   const char *path);

/* The scalar at path as text in buf[0..n) (cut to fit), for reports:
 * strings as they are, ints in decimal, bools as "yes"/"no". Returns buf,
 * or NULL when the path is missing, null, a list or an object. */
const char *md_fact_scalar(const struct md_fact *root, const char *path,
                           char *buf, size_t n);

/* ---- building (the model builder) ------------------------------------- */

struct md_fact *md_fact_new(struct md_arena *a, enum md_ftype t);
struct md_fact *md_fact_str(struct md_arena *a, const char *s, size_t len);
struct md_fact *md_fact_int(struct md_arena *a, int64_t v);
struct md_fact *md_fact_bool(struct md_arena *a, bool v);

/* The member key of object obj, created (as type t) when missing. NULL on
 * ENOMEM or when obj is not an object. */
struct md_fact *md_fact_child(struct md_arena *a, struct md_fact *obj,
                              const char *key, enum md_ftype t);

/* Set obj.key = v (replacing). */
bool md_fact_put(struct md_arena *a, struct md_fact *obj, const char *key,
                 struct md_fact *v);

/* Append v to list. */
bool md_fact_append(struct md_arena *a, struct md_fact *list,
                    struct md_fact *v);

/* Record that ev supports f (ev must outlive the tree). */
bool md_fact_cite(struct md_arena *a, struct md_fact *f,
                  const struct md_evidence *ev);

/* Structural equality of two scalars (strings compared exactly). */
bool md_fact_equal(const struct md_fact *x, const struct md_fact *y);

/* ---- the schema: every path the model can hold ------------------------ */

struct md_schema_entry {
    const char *path; /* "agent.proxy.server", "users[*].sid",
                         "log.*.count" ('*' alone: any category name) */
    enum md_ftype type;
    const char *doc;
};

/* The schema, in documentation order; n gets its length. */
const struct md_schema_entry *md_schema(size_t *n);

/*
 * Look up a path as written in a rule ("users[*].proxy.server",
 * "log.proxy_auth_required.count", "agent.proxy" for an object). Returns
 * the entry, or NULL when the path is not in the schema. A prefix of a
 * schema path is an object (or, ending in a list name, a list): *type is
 * set for those too.
 */
bool md_schema_type(const char *path, enum md_ftype *type);

#endif
