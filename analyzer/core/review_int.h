/*
 * Inside the review (marsdiag/review.h): what a change does to the model,
 * shared by the change reader (review_change.c), the overlay that applies
 * it (review.c) and the bundle diff (diff.c).
 *
 * A change becomes a list of operations in the change file's order. An
 * operation either gives the model a record (OP_RECORD; it replaces older
 * records of the same setting) or only takes records away (deletions, and
 * OP_AGENT_ALL, which clears the agent's whole proxy before a cmdlet sets
 * it anew). md_op_replaces is the one definition of "the same setting".
 */
#ifndef MARSDIAG_REVIEW_INT_H
#define MARSDIAG_REVIEW_INT_H

#include <stdbool.h>

#include "marsdiag/evidence.h"
#include "marsdiag/review.h"

enum md_op_kind {
    MD_OP_RECORD,     /* give ev to the model */
    MD_OP_DEL_VALUE,  /* key\name deleted ("v"=-, reg delete /v) */
    MD_OP_DEL_KEY,    /* key and its subkeys deleted ([-key], reg delete) */
    MD_OP_DEL_VALUES, /* every value of key deleted (reg delete /va) */
    MD_OP_AGENT_ALL,  /* the agent's proxy cleared (a cmdlet sets it anew) */
};

struct md_change_op {
    enum md_op_kind kind;
    const struct md_evidence *ev; /* the record, or the statement's */
    const char *key, *name;       /* deletions: normalised key, value */
    bool live; /* MD_OP_RECORD: not replaced by a later operation */
};

/* The proxy sources an empty-state record can stand for. */
enum {
    MD_SRC_AGENT = 1,
    MD_SRC_SYSTEM = 2,
    MD_SRC_WINHTTP = 4,
};

/* Does op take model record y away (y is older: the bundle's, or an
 * earlier operation's)? */
bool md_op_replaces(const struct md_change_op *op, const struct md_evidence *y);

/* Which source a model record is evidence of (0: none of the three). */
unsigned md_record_source(const struct md_evidence *ev);

/* Which sources an operation sets or deletes. */
unsigned md_op_touches(const struct md_change_op *op);

/* Key comparisons, ASCII case-insensitive: equal, or k at or below
 * parent. */
bool md_key_eq(const char *a, const char *b);
bool md_key_under(const char *k, const char *parent);

/* A record made by the review (a change's effect, an empty state) in
 * arena a, citing at (its input, line and excerpt; may be NULL). Fields
 * are added with md_rec_*; strings are borrowed and must live in a too. */
struct md_evidence *md_rec_new(struct md_arena *a, const char *kind,
                               const struct md_evidence *at);
void md_rec_str(struct md_evidence *ev, const char *name, const char *s);
void md_rec_int(struct md_evidence *ev, const char *name, int64_t v);
void md_rec_bool(struct md_evidence *ev, const char *name, bool v);
void md_rec_secret(struct md_evidence *ev, const char *name, size_t len);
/* Copy field f of another record (strings stay where they are). */
void md_rec_copy_field(struct md_evidence *ev, const char *name,
                       const struct md_field *f);

/* Findings of two verdicts of one server, compared by rule and subject
 * (review.h): arrays in arena a, pointing into the verdicts. */
struct md_finding_delta {
    const struct md_verdict_finding **added, **removed, **escalated;
    size_t nadded, nremoved, nescalated, nsame;
};
enum md_status md_findings_compare(const struct md_verdict *old,
                                   const struct md_verdict *new_,
                                   struct md_arena *a,
                                   struct md_finding_delta *d);

/* Do two scalar facts (or their absence) say the same? */
bool md_fact_same(const struct md_fact *x, const struct md_fact *y);

/* Does the effective proxy differ between two verdicts' facts? */
bool md_effective_changed(const struct md_fact *old_root,
                          const struct md_fact *new_root);

/* The effective proxy of a fact tree in one line, for text writers:
 * "proxy.contoso.local:8080 (SYSTEM, manual, no credentials)"; n bytes at
 * most; not yet masked. */
void md_effective_line(const struct md_fact *root, char *buf, size_t n);

/* SYSTEM's Internet Settings key (HKU\S-1-5-18), the key of
 * WinHttpSettings (64-bit view). */
#define MD_KEY_SYSTEM_INET                                                     \
    "HKEY_USERS\\S-1-5-18\\Software\\Microsoft\\Windows\\CurrentVersion\\"     \
    "Internet Settings"
#define MD_KEY_WINHTTP                                                         \
    "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\"       \
    "Internet Settings\\Connections"

#endif
