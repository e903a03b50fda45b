/*
 * Inside the SARIF writers: the SARIF log of sarif.c in steps, so that a
 * review and a diff (review_sarif.c) write theirs with the same rules,
 * locations, fingerprints and notifications as scan. A log has one run;
 * its artifacts are under named bases (originalUriBaseIds: BUNDLE1,
 * CHANGE, ...), each standing for one bundle or change file read.
 */
#ifndef MARSDIAG_SARIF_INT_H
#define MARSDIAG_SARIF_INT_H

#include <stddef.h>
#include <stdio.h>

#include "marsdiag/engine.h"
#include "marsdiag/json.h"
#include "marsdiag/render.h"

/* A uriBaseId and the bundle (or change file) it stands for: described
 * by its path; its unreadable state and input diagnostics are the
 * invocation's notifications. */
struct md_sarif_base {
    const char *id;
    const struct md_bundle *b;
};

/* One log being written; fields are the writer's (j may be used between
 * md_sarif_end_results and md_sarif_end to add keys to the run). */
struct md_sarif {
    struct md_json j;
    const struct md_render *r;
    const struct md_sarif_base *bases;
    size_t nbases;
    struct md_sarif_rules {
        const struct md_rule_info **r;
        size_t n;
    } rules;
};

/* Open the log on f: the tool with r->rules (without them, the rules of
 * the findings of v[0..nv)), the invocation, the bases, and the results
 * array. bases is borrowed until md_sarif_end. */
void md_sarif_begin(struct md_sarif *s, FILE *f, const struct md_verdict *const *v,
                    size_t nv, const struct md_sarif_base *bases,
                    size_t nbases, const struct md_render *r);

/* One result: finding f of verdict v, each evidence record located
 * under the base whose bundle its input was read from (none for a record
 * no file holds). baseline, when not NULL, is its baselineState ("new",
 * "unchanged", "updated", "absent"). */
void md_sarif_result(struct md_sarif *s, const struct md_verdict *v,
                     const struct md_verdict_finding *f, const char *baseline);

/* Close the results; then md_sarif_end closes the run and the log. */
void md_sarif_end_results(struct md_sarif *s);
void md_sarif_end(struct md_sarif *s);

#endif
