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
 * are added with md_ev_* (parser.h); strings are borrowed and must live
 * in a too. */
struct md_evidence *md_rec_new(struct md_arena *a, const char *kind,
                               const struct md_evidence *at);

/* Findings of two verdicts of one server, compared by rule and subject
 * (review.h): arrays in arena a, pointing into the verdicts. */
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

/* ---- what the writers of every format share (review_view.c) ------------
 * Their strings are not yet masked: writers pass them through
 * md_redactor_apply like any bundle text. */

/* "the agent's proxy", "SYSTEM's Internet Settings", ... for an action's
 * target (md_change_action.target); review_write.c. */
const char *md_change_target_words(const char *target);

/* An action in words, as the text report says it: "set the agent's
 * proxy: server http://p, port 80", "delete SYSTEM's Internet Settings:
 * …\ProxyServer". */
void md_action_words(struct md_buf *b, const struct md_change_action *a);

/* The facts of the effective proxy a before/after table shows, in
 * order; NULL-terminated. */
extern const struct md_effective_row {
    const char *label, *path;
} md_effective_rows[];

/* The proxy sources a diff compares ("agent", "system", ...; diff.c's
 * md_diff_change.source), with their names for a person. */
extern const struct md_diff_source {
    const char *source, *words;
} md_diff_sources[];
#define MD_DIFF_NSOURCES 5

/* How many facts of each source (md_diff_sources' order) changed, into
 * changed[]; returns how many sources changed. */
size_t md_diff_changed(const struct md_diff *d,
                       size_t changed[MD_DIFF_NSOURCES]);

/* How the one-line verdict of a comparison speaks. */
struct md_headline_words {
    const char *lead; /* "This change introduces" */
    const char *adj;  /* before "error": "" or "new " */
    const char *none; /* "No new problems" */
    const char *gone; /* "It resolves" */
    const char *more_lead; /* escalations alone: "This change makes" */
    const char *more_verb; /* after other news: "makes " */
};

/* The words of a review ("This change introduces …") and of a diff
 * ("The new bundle has … new …"). */
extern const struct md_headline_words md_review_words, md_diff_words;

/* The one-line verdict of d into b, e.g. "This change introduces 1
 * error: MP001 PAC file URL entered in the MARS agent's proxy field; and
 * 1 warning: MP004." or "No new problems. It resolves MP002." Waived
 * findings are not counted. Rule ids and titles only: no bundle text. */
void md_delta_headline(struct md_buf *b, const struct md_headline_words *w,
                       const struct md_finding_delta *d);

/* What the state after a review is, in words (not yet masked): "After
 * the change the agent connects: LINE.", then md_review_cautions. */
void md_review_outcome(struct md_buf *b, const struct md_review *r);

/* What to beware of after a review, each sentence after a space: a
 * direct connection it leads to, an empty change file, statements not
 * understood. Nothing when there is none. */
void md_review_cautions(struct md_buf *b, const struct md_review *r);

/* "1 error, 2 warnings, 0 info": n[] by severity. */
void md_severity_words(FILE *f, const size_t n[3]);

/* The same of the findings of v not waived. */
void md_verdict_severity_words(FILE *f, const struct md_verdict *v);

/* The bundle's SHA-256 in hexadecimal into out; false (out empty) when
 * it was not computed. */
bool md_sha256_hex(const struct md_bundle *b, char out[65]);

/* The worst severity among d's added and escalated findings (waived
 * ones not counted), or -1. */
int md_delta_worst(const struct md_finding_delta *d);

/* Is f one of v[0..n)? */
bool md_finding_in(const struct md_verdict_finding *const *v, size_t n,
                   const struct md_verdict_finding *f);

/* Is f, a finding of the newer verdict, in neither d->added nor
 * d->escalated (the same before and after)? */
bool md_delta_unchanged(const struct md_finding_delta *d,
                        const struct md_verdict_finding *f);

/* ---- a PowerShell change script, read whole first (review_ps.c) --------
 * Here-strings, passwords held in variables and hashtables for splatting:
 * what the statement parser, one line at a time, cannot see. */

/* Something the reader says of a line, as a statement not applied. */
struct md_ps_note {
    uint64_t line;
    bool understood;
    const char *reason;
    const char *text; /* passwords masked, or NULL: the line */
};

/* A hashtable assigned to a variable ($p = @{...}). */
struct md_ps_table {
    const char *args; /* its pairs as parameters ("-ProxyServer:'http://p'
                       * -ProxyPort:8080"), or NULL */
    const char *why;  /* NULL args: why (a value that is not plain) */
};

/* A variable assigned (a hashtable or anything else) or changed. */
struct md_ps_event {
    const char *var; /* the name, without '$' and scope */
    uint64_t line;
    size_t table; /* index in tables, or SIZE_MAX */
    bool change;  /* $p.X = ..., $p += ...: not an assignment */
};

struct md_ps_script {
    struct md_buf text; /* what the parser reads: the same lines, here-
                         * string bodies and hashtable assignments empty,
                         * passwords masked */
    bool unchanged;     /* ... the text as it was (no text) */
    struct md_ps_note *notes; /* in file order */
    size_t nnotes;
    struct md_ps_table *tables;
    struct md_ps_event *events; /* in file order */
    size_t nevents;
    struct md_ps_note *plain; /* passwords in plain text the parser does
                               * not see (a variable's, one in a
                               * hashtable): line, text and what reads
                               * it (reason) */
    size_t nplain;
};

/* Read s[0..len) (a script decoded to UTF-8) into *ps; strings in arena
 * a. On MD_ERR_LIMIT (a statement or a file too long to read) err says
 * why. Free ps with md_ps_free in every case. */
enum md_status md_ps_read(struct md_arena *a, const char *s, size_t len,
                          const struct md_limits *lim, struct md_ps_script *ps,
                          char *err, size_t errlen);
void md_ps_free(struct md_ps_script *ps);

/* The parameters @name stands for at line (the hashtable last assigned to
 * $name before it), or NULL and *why, in arena a. */
const char *md_ps_splat(const struct md_ps_script *ps, struct md_arena *a,
                        const char *name, size_t len, uint64_t line,
                        const char **why);

/* SYSTEM's Internet Settings key (HKU\S-1-5-18), the key of
 * WinHttpSettings (64-bit view). */
#define MD_KEY_SYSTEM_INET                                                     \
    "HKEY_USERS\\S-1-5-18\\Software\\Microsoft\\Windows\\CurrentVersion\\"     \
    "Internet Settings"
#define MD_KEY_WINHTTP                                                         \
    "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\"       \
    "Internet Settings\\Connections"

#endif
