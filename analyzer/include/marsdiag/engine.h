/*
 * The analysis engine: compile once, scan many (YARA's model).
 *
 * md_engine_load compiles the rule pack — rules, precedence chain and log
 * signatures, built in and from an optional --rules DIR that adds or
 * overrides (a DIR's precedence.yml and signatures.yml replace the built-in
 * ones) — into an immutable engine that any number of threads may share.
 * md_engine_scan reads one bundle and gives its verdict: the facts, the
 * effective proxy (effective.* facts) and the findings.
 */
#ifndef MARSDIAG_ENGINE_H
#define MARSDIAG_ENGINE_H

#include <stdbool.h>
#include <stddef.h>

#include "marsdiag/model.h"
#include "marsdiag/rules.h"
#include "marsdiag/scan.h"

struct md_engine;
struct md_waiver;
struct md_waivers;

/* Problems in rule files are reported through err as file:line:column;
 * returns NULL when there were any (the CLI exits 2). */
struct md_engine *md_engine_load(const char *rules_dir,
                                 const struct md_limits *lim,
                                 md_rule_error_fn err, void *user);
void md_engine_free(struct md_engine *e);

const struct md_ruleset *md_engine_rules(const struct md_engine *e);
/* "proxy 1": the pack's name and version, for reports. */
const char *md_engine_rulepack(const struct md_engine *e);

/* A finding kept in a verdict; strings and evidence live in the model. */
struct md_verdict_finding {
    const struct md_rule_info *rule;
    enum md_severity severity;
    const char *message;
    const char *subject;
    const struct md_evidence *const *evidence;
    size_t nevidence;
    /* Set by a matching waiver (--waivers): the finding is still
     * reported, marked suppressed, and does not count for --fail-on. */
    bool suppressed;
    const char *waiver_reason; /* the waiver's reason, when suppressed */
    const struct md_waiver *waiver; /* the one that applied (waivers.h) */
    /* A waiver that matched but had expired, so it did not apply. */
    const struct md_waiver *expired_waiver;
};

struct md_verdict {
    struct md_bundle bundle;
    struct md_model *model;
    struct md_verdict_finding *findings; /* most severe first */
    size_t nfindings;
    bool regex_limit; /* a rule or signature hit a PCRE2 limit */
    /* The waivers applied (md_waivers_apply), or NULL: writers then
     * report how many findings they suppressed. */
    const struct md_waivers *waivers;
    long long elapsed_ms; /* how long md_engine_scan took */
};

/*
 * Scan path and judge it. The engine feeds every evidence record to the
 * model, and to opts->on_evidence too when set; opts->limits apply. Returns MD_OK, or an error when
 * the path could not be read at all (v->bundle says why) or memory ran
 * out. Free v with md_verdict_free in every case.
 */
enum md_status md_engine_scan(const struct md_engine *e, const char *path,
                              const struct md_scan_opts *opts,
                              struct md_verdict *v);
void md_verdict_free(struct md_verdict *v);

/*
 * An overlay: records laid over a bundle's, for judging a planned change
 * (review.h). While the bundle is read, drop() sees every record first;
 * one it returns true for reaches neither the model nor opts->on_evidence
 * (the change replaces it). After the bundle's last record, feed() gives
 * the overlay's own records through add(add_user), as if read last
 * (records are copied; they need to live only during the call). Either
 * may be NULL. label names the verdict's bundle when path is NULL.
 */
struct md_overlay {
    bool (*drop)(void *user, const struct md_evidence *ev);
    void (*feed)(void *user, md_evidence_fn add, void *add_user);
    void *user;
    const char *label;
};

/* md_engine_scan with an overlay; path NULL judges the overlay's records
 * alone (no bundle is read). */
enum md_status md_engine_scan_overlay(const struct md_engine *e,
                                      const char *path,
                                      const struct md_overlay *ov,
                                      const struct md_scan_opts *opts,
                                      struct md_verdict *v);

/* Worst severity among the findings not suppressed by a waiver, or -1
 * when there are none. */
int md_verdict_worst(const struct md_verdict *v);

#endif
