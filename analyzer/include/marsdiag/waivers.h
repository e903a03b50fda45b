/*
 * Waivers (--waivers FILE): known, accepted findings, recorded with who
 * accepted them and until when, so a report stays readable without
 * hiding anything (DESIGN §1 stage 8).
 *
 * The file is YAML, one mapping with one list:
 *
 *   waivers:
 *     - rule: MP016                 required: a rule id in force
 *       host: FS01                  the host (host.name, compared without
 *                                   regard to case), or
 *       bundle: 3f2a…               the bundle file's SHA-256 (64 hex
 *                                   digits, `sha256sum BUNDLE`); one of the
 *                                   two, not both
 *       reason: TLS 1.2 by GPO      required, not empty
 *       expires: 2027-03-31         required, YYYY-MM-DD: the last day
 *                                   the waiver applies
 *
 * Every other key, a missing or empty required one, a bad date, host name
 * or SHA-256, an unknown rule id (close ids suggested) and YAML aliases
 * are errors, reported through an md_rule_error_fn as file:line:column;
 * a file with errors gives no waivers (the CLI exits 2).
 *
 * A loaded set is immutable and may be shared by any number of threads
 * (`batch` applies one set to every bundle). md_waivers_apply marks the
 * findings of one verdict: a finding is waived by the first waiver of its
 * rule that names the verdict's host or bundle and has not expired (its
 * `expires` date is today or later, UTC); it is then still reported, as
 * suppressed with the waiver's reason, and no longer counts for --fail-on
 * (md_verdict_worst). A matching waiver that has expired does not apply:
 * the finding keeps its place and notes that waiver (expired_waiver), and
 * the caller tells the user (md_waiver_expired) on load.
 */
#ifndef MARSDIAG_WAIVERS_H
#define MARSDIAG_WAIVERS_H

#include <stdbool.h>
#include <stddef.h>

#include "marsdiag/engine.h"
#include "marsdiag/limits.h"
#include "marsdiag/rules.h"

/* One waiver, as loaded; owned by its set. */
struct md_waiver {
    const char *rule;
    const char *host;    /* or NULL */
    const char *bundle;  /* lower-case hex SHA-256, or NULL */
    const char *reason;
    const char *expires; /* "YYYY-MM-DD" */
    int expires_day;     /* the same as YYYYMMDD, for comparisons */
    const char *file;    /* where it was written */
    unsigned line, col;
};

struct md_waivers;

/*
 * Load the waiver file path (md_waivers_parse for text in memory; file
 * names the text in messages). Rule ids are checked against rs (NULL: not
 * checked). The file may be at most lim->rule_file_bytes long (lim NULL:
 * the default). Returns NULL when there were errors (each reported
 * through err) or memory ran out. Free with md_waivers_free.
 */
struct md_waivers *md_waivers_load(const char *path,
                                   const struct md_ruleset *rs,
                                   const struct md_limits *lim,
                                   md_rule_error_fn err, void *user);
struct md_waivers *md_waivers_parse(const char *file, const char *text,
                                    size_t len, const struct md_ruleset *rs,
                                    const struct md_limits *lim,
                                    md_rule_error_fn err, void *user);
void md_waivers_free(struct md_waivers *w);

const char *md_waivers_file(const struct md_waivers *w);
size_t md_waivers_count(const struct md_waivers *w);
const struct md_waiver *md_waivers_get(const struct md_waivers *w, size_t i);

/* Some waiver names a bundle by SHA-256: scan with want_sha256 set. */
bool md_waivers_need_sha256(const struct md_waivers *w);

/* "2027-03-31" as 20270331; false unless s[0..len) is a real date
 * (YYYY-MM-DD, years 1970-9999). */
bool md_waiver_date_parse(const char *s, size_t len, int *day);

/*
 * Today as YYYYMMDD: the environment variable MARSDIAG_TODAY
 * (YYYY-MM-DD) when it is set and not empty — tests and reproducible
 * reports pin the date with it — else the current UTC date. False when
 * MARSDIAG_TODAY is set but not a date.
 */
bool md_waivers_today(int *day);

/* The waiver's last day is before today: it no longer applies. */
bool md_waiver_expired(const struct md_waiver *w, int today);

/*
 * The waiver for a finding of rule on a bundle whose host name is host
 * (NULL when unknown) and whose SHA-256 is sha256 (NULL when not
 * computed): the first one in force; NULL when none. *expired, when not
 * NULL, gets the first matching waiver that has expired (or NULL).
 */
const struct md_waiver *md_waivers_match(const struct md_waivers *w,
                                         const char *rule, const char *host,
                                         const unsigned char *sha256,
                                         int today,
                                         const struct md_waiver **expired);

/* Mark v's findings (suppressed, waiver_reason, waiver, expired_waiver)
 * and remember w in v->waivers, so writers report the waivers in force.
 * w must outlive v. */
void md_waivers_apply(const struct md_waivers *w, int today,
                      struct md_verdict *v);

/* Findings of v suppressed by a waiver. */
size_t md_verdict_nsuppressed(const struct md_verdict *v);

#endif
