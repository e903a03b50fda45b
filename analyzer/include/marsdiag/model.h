/*
 * The model builder (DESIGN §1 stage 5): evidence records in, facts out.
 *
 * Feed every record of a bundle to md_model_add (it is an md_evidence_fn),
 * then md_model_finish. The fact tree (schema in fact.h / schema.c) holds
 * the five proxy sources — A the agent's own proxy, B SYSTEM's WinINet
 * (the HKLM copy when ProxySettingsPerUser=0), C interactive users, D
 * WinHTTP, E .NET config — plus plaintext secrets, log event categories,
 * what the bundle contains (collected.*), and conflicts: when two records
 * disagree on one fact, the first is kept and the disagreement is listed
 * with both records, never resolved silently.
 *
 * Records the model cites are copied into its arena, so facts outlive the
 * scan. Log records are classified as they pass (a classifier callback,
 * normally the signature set) and only a few per category are kept as
 * evidence, so memory does not grow with the logs.
 *
 * Not thread safe: one model per bundle.
 */
#ifndef MARSDIAG_MODEL_H
#define MARSDIAG_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "marsdiag/evidence.h"
#include "marsdiag/fact.h"

struct md_model;

/* Reports each category a text belongs to by calling hit(hit_user, name). */
typedef void (*md_classify_fn)(void *user, const char *text, size_t len,
                               void (*hit)(void *hit_user, const char *cat),
                               void *hit_user);

struct md_model *md_model_new(void);
void md_model_set_classifier(struct md_model *m, md_classify_fn fn,
                             void *user);

/* Make log.NAME.count exist (as 0) even when no event of that category
 * occurs, so messages say "0" rather than "(none)". */
void md_model_declare_category(struct md_model *m, const char *name);

/* An md_evidence_fn: user is the model. */
void md_model_add(void *model, const struct md_evidence *ev);

/* Derive the facts that need all records (chosen SYSTEM copy, *.set,
 * collected.*). Call once, after the last record. */
void md_model_finish(struct md_model *m);

/*
 * Log events per hour, for a timeline: one entry per hour, time zone and
 * category, in the order first seen. hour is "YYYY-MM-DDTHH" and zone the
 * record's designator as written ("" when it has none, as the agent's
 * local-time logs; "Z"; "+09:00"); times are never converted. Events
 * without a usable timestamp are counted in *untimed, and events past
 * MD_MODEL_MAX_HOURS entries in *dropped, so memory does not grow with
 * the logs. Owned by the model.
 */
#define MD_MODEL_MAX_HOURS 4096

struct md_log_hour {
    char hour[14];
    char zone[8];
    const char *category;
    uint64_t count;
};

const struct md_log_hour *md_model_log_hours(const struct md_model *m,
                                             size_t *n, uint64_t *untimed,
                                             uint64_t *dropped);

/* The fact tree; owned by the model. effective.* is filled by the
 * precedence chain (precedence.h), which may add facts through
 * md_model_arena. */
struct md_fact *md_model_root(struct md_model *m);
struct md_arena *md_model_arena(struct md_model *m);

void md_model_free(struct md_model *m);

#endif
