/*
 * Fleet scans (DESIGN §6): the pieces 'batch' and 'merge' share — reading
 * NDJSON report files, picking a shard, and the roll-up of many reports
 * into one summary (CSV, Markdown, HTML).
 *
 * The roll-up is built from NDJSON report lines (schema
 * marsdiag.report/1, one bundle a line), never from verdicts in memory,
 * so 'batch --summary' and 'merge' give the same bytes for the same
 * lines. Its output does not depend on the order lines were added: rows
 * are sorted by (host, input path), rules by id, and no timing is kept.
 *
 * What a row holds, from each line:
 *   path     input.path
 *   host     host.name; when the report has none, the part before
 *            "_MARS_" of the bundle's file name (the collector names its
 *            zips HOST_MARS_DATE.zip), else empty
 *   agent    host.agent_version
 *   proxy    effective_proxy as one phrase: "10.0.0.5:8080 (agent)",
 *            "PAC http://pac/x.pac (system)", "autodetect (system)",
 *            "direct", "unknown"; ", credentials" when it carries some
 *   worst    the most severe finding not suppressed by a waiver
 *   rules    the ids of those findings, sorted, each once
 *   error    the read error of an error record (a line with "error" or
 *            input.error), which makes the row "unreadable"
 * Every string is masked with md_redact when it is added, whatever wrote
 * the line, and escaped for the format when it is written.
 *
 * Redaction: a line written with --redact strict (tool.redact "strict")
 * already holds pseudonyms, and the roll-up shows them as they are;
 * nothing is turned back into a name. With md_fleet_redact, a line
 * written without it gets pseudonyms here, from what the line says
 * (md_redactor_add_report_json). md_fleet_redaction tells how the lines
 * were redacted, so that a caller can warn about a roll-up that mixes
 * names and pseudonyms, or pseudonyms of different keys.
 *
 * Thread safety: a struct md_fleet belongs to one thread at a time (each
 * batch worker has its own; md_fleet_absorb joins them). The other
 * functions are pure.
 */
#ifndef MARSDIAG_FLEET_H
#define MARSDIAG_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "marsdiag/status.h"

/* ---- shards -------------------------------------------------------------- */

/*
 * FNV-1a, 64 bits, over the bytes of path exactly as given (no
 * normalisation: "./a.zip" and "a.zip" differ), no terminating NUL.
 * A path belongs to shard k of n when md_fleet_hash(path) % n == k, so
 * machines that are given the same paths agree on the shards.
 */
uint64_t md_fleet_hash(const char *path);

/* "K/N" with 0 <= K < N <= 1000000 into *k, *n; false when malformed. */
bool md_fleet_shard_parse(const char *s, unsigned *k, unsigned *n);

/* ---- NDJSON files -------------------------------------------------------- */

/* The longest line md_ndjson_read accepts (a report with a great deal of
 * evidence is a few MB). */
#define MD_NDJSON_LINE_MAX (256u << 20)

/* One complete line, without its '\n' (nor a '\r' before it); number is
 * 1-based. Return false to stop reading. */
typedef bool (*md_ndjson_fn)(void *user, const char *line, size_t len,
                             uint64_t number);

/*
 * Read f from where it is to its end and hand each complete line
 * (one ending in '\n') to fn; empty lines are skipped. A last line
 * without '\n' is torn (a writer killed mid-line): it is not passed on,
 * *torn is set, and *complete is the number of bytes read up to the end
 * of the last complete line — where a writer that appends should cut the
 * file. Returns MD_OK, MD_ERR_IO (errno set), MD_ERR_LIMIT (a line longer
 * than MD_NDJSON_LINE_MAX; *complete says where it starts) or
 * MD_ERR_NOMEM.
 */
enum md_status md_ndjson_read(FILE *f, md_ndjson_fn fn, void *user,
                              uint64_t *complete, bool *torn);

/* ---- the roll-up --------------------------------------------------------- */

struct md_fleet;

struct md_fleet *md_fleet_new(void);
void md_fleet_free(struct md_fleet *f);

struct md_redactor;

/* Give the rows of lines written without --redact strict pseudonyms
 * made as template's (borrowed; a keyed redactor, which must outlive f):
 * 'merge --redact strict'. Before the first md_fleet_add. */
void md_fleet_redact(struct md_fleet *f, const struct md_redactor *template);

/*
 * Add one NDJSON line. origin names where it came from ("FILE:LINE",
 * copied) for messages about duplicates. On success *path (when path is
 * not NULL) is the line's identity, owned by f: input.path_id when the
 * line has one (a report redacted with a key, whose input.path holds
 * pseudonyms), else input.path. Returns MD_OK,
 * MD_ERR_SYNTAX when the line is not a marsdiag.report/1 object with an
 * input.path (why in err), or MD_ERR_NOMEM.
 */
enum md_status md_fleet_add(struct md_fleet *f, const char *line, size_t len,
                            const char *origin, const char **path,
                            char *err, size_t errlen);

/*
 * Move the rows of src to the end of dst, and src itself into dst's care
 * (its memory holds the rows' strings): dst frees it. Before
 * md_fleet_finish of either. 'batch' workers each add the lines they
 * write to a fleet of their own, without a lock, and the run absorbs
 * them at the end. Returns MD_ERR_NOMEM (src still the caller's) or
 * MD_OK.
 */
enum md_status md_fleet_absorb(struct md_fleet *dst, struct md_fleet *src);

/* Told about a path reported more than once: the first line added is
 * kept, the others are dropped. */
typedef void (*md_fleet_dup_fn)(void *user, const char *path,
                                const char *kept_origin,
                                const char *dropped_origin);

/* Sort the rows, drop duplicates (telling dup, when not NULL), count the
 * rules. Call once, after the last md_fleet_add. */
enum md_status md_fleet_finish(struct md_fleet *f, md_fleet_dup_fn dup,
                               void *user);

struct md_fleet_totals {
    size_t bundles;    /* rows (after duplicates are dropped) */
    size_t unreadable; /* error records */
    size_t clean;      /* read, no finding */
    size_t worst[3];   /* read, worst finding info, warning, error */
    int worst_all;     /* most severe finding of all rows, -1 if none */
};

/* After md_fleet_finish. */
void md_fleet_totals(const struct md_fleet *f, struct md_fleet_totals *t);

struct md_fleet_redaction {
    size_t strict;      /* rows of lines written with --redact strict */
    size_t plain;       /* rows of lines written without it */
    size_t redacted;    /* plain rows given pseudonyms by md_fleet_redact */
    size_t numbered;    /* strict rows without tool.redact_key: their
                         * pseudonyms are numbered per report (scan), so
                         * agree with no other report's */
    size_t keys;        /* distinct tool.redact_key of the strict rows */
    const char *key[2]; /* the first two of them, in row order */
    bool other_key;     /* with md_fleet_redact: some strict row's key is
                         * not the template's, so its pseudonyms and the
                         * redacted rows' differ */
};

/* How the rows were redacted: after md_fleet_finish, duplicates are
 * left out; before, every row added so far counts. */
void md_fleet_redaction(const struct md_fleet *f,
                        struct md_fleet_redaction *out);

enum md_fleet_format { MD_FLEET_CSV, MD_FLEET_MD, MD_FLEET_HTML };

/* "csv", "md", "html"; -1 when unknown. */
int md_fleet_format_parse(const char *s);

/*
 * Write the summary after md_fleet_finish:
 *   csv   one table (RFC 4180, CRLF line ends) with a 'kind' column:
 *         a 'server' row per bundle, then a 'rule' row per rule
 *         (columns kind,id,host,agent_version,effective_proxy,severity,
 *         rules,count,title,error); a cell that starts with = + - @
 *         gets a leading ' so a spreadsheet does not run it
 *   md    totals, a table of servers, a table of rules, the unreadable
 *   html  the same as one self-contained page (inline CSS, no script,
 *         nothing fetched: a Content-Security-Policy says so)
 * Returns MD_ERR_IO when f reports a write error.
 */
enum md_status md_fleet_write(const struct md_fleet *f,
                              enum md_fleet_format fmt, FILE *out);

#endif
