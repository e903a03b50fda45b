/*
 * Redaction of what a report prints from a bundle (--redact).
 *
 * Two levels. "secrets", the default, masks passwords and the credential
 * part of URLs (md_redact, evidence.h); it needs no state, and a NULL
 * redactor means exactly that. "strict" also replaces what identifies a
 * customer with pseudonyms: host names (host-1.example), IPv4 addresses
 * (192.0.2.1: the documentation ranges of RFC 5737, then 198.18.0.0/15),
 * IPv6 addresses (2001:db8::1, RFC 3849), user names (user-1), NetBIOS
 * domain names (domain-1) and domain SIDs (S-1-5-21-0-0-0-1001). One real
 * value gets one pseudonym everywhere in a run — in every bundle and every
 * format — and pseudonyms are numbered in the order values are met, so the
 * same bundles give the same pseudonyms on every run.
 *
 * A keyed redactor (md_redactor_new_keyed) derives each pseudonym from
 * the value instead: the first 10 hex digits of HMAC-SHA-256(key, the
 * value in lower case) — host-3fa29c01be.example, ip-…, 2001:db8::…,
 * user-…, domain-…, S-1-5-21-0-0-A-B — so that reports written one at a
 * time (batch), by several processes or on several machines agree on a
 * name's pseudonym when they share the key, with no table to share, and
 * a pseudonym cannot be turned back into its name without the key. A
 * value met only when applying gets its real pseudonym too, not a
 * placeholder. IPv4 addresses become "ip-" names, not addresses: the
 * documentation ranges are too small to hold 40 bits without collisions.
 *
 * Bytes printed in hexadecimal (a .reg "hex:" list, a reg query
 * REG_BINARY, a record's data field) are decoded, as bytes and as
 * UTF-16LE; a string in them holding a password (or, strict, a name) has
 * all its bytes replaced by '*' (2a) in the hex, in both levels.
 *
 * Kept as they are, because they identify no customer and findings make
 * no sense without them: Microsoft and Azure endpoints (*.microsoft.com,
 * *.windowsazure.com, login.microsoftonline.com, *.windows.net, ...),
 * example and localhost names, loopback, unspecified and documentation
 * addresses, well-known SIDs (S-1-5-18) and built-in account names.
 *
 * What is replaced: the values the model knows to be hosts or users
 * (proxy servers, PAC and bypass hosts, the machine name, also read from
 * a HOST_MARS_DATE.zip bundle name, proxy user names, hosts named by log
 * events) wherever they appear, and, found in any text, IPv4 and IPv6
 * literals, host names of URLs and e-mail style addresses, dotted names
 * with a known top-level domain, URL and e-mail user names, profile
 * folders (C:\Users\NAME) and domain SIDs. A name without a dot is
 * matched in the case it was seen in, or all upper or all lower case, so
 * that a proxy called "Proxy" does not rename every "proxy" in a
 * sentence; common words (proxy, server, direct, ...) are never taken
 * as names.
 *
 * Use: md_redactor_new, md_redactor_add_verdict for every verdict of the
 * run (and md_redactor_add_evidence for records printed outside a
 * verdict, as `facts` does) before anything is written; then every
 * writer passes each bundle-derived string through md_redactor_apply.
 * A value first met at apply time (a string the redactor was not shown)
 * is still replaced, by a placeholder without a number (host-x.example).
 * A built redactor is read-only: writers may share it across threads.
 */
#ifndef MARSDIAG_REDACT_H
#define MARSDIAG_REDACT_H

#include <stdbool.h>
#include <stddef.h>

#include "marsdiag/hmac.h"
#include "marsdiag/json.h"
#include "marsdiag/status.h"

struct md_evidence;
struct md_jval;
struct md_verdict;
struct md_redactor;

/* An empty strict redactor; NULL on ENOMEM. */
struct md_redactor *md_redactor_new(void);
/* An empty strict redactor whose pseudonyms are keyed by key[0..keylen)
 * (copied into an HMAC state; the caller may wipe its copy). NULL on
 * ENOMEM. */
struct md_redactor *md_redactor_new_keyed(const void *key, size_t keylen);
/* An empty redactor that makes pseudonyms as r does (r's key, or
 * numbering): one per report, for reports written one at a time. NULL
 * on ENOMEM. */
struct md_redactor *md_redactor_new_like(const struct md_redactor *r);
void md_redactor_free(struct md_redactor *r);

/* What a value is, for its pseudonym. */
enum md_redact_kind {
    MD_REDACT_HOST,
    MD_REDACT_IPV4,
    MD_REDACT_IPV6,
    MD_REDACT_USER,
    MD_REDACT_DOMAIN,
    MD_REDACT_SID
};

#define MD_REDACT_NAME_MAX 64 /* a pseudonym and its NUL fit */
#define MD_REDACT_ID_LEN 10   /* hex digits of a keyed pseudonym */

/* The keyed pseudonym of value[0..len) (ASCII letters folded to lower
 * case first) of kind k under h's key, into out:
 * host-<id>.example, ip-<id>, 2001:db8::<id as three groups>, user-<id>,
 * domain-<id>, S-1-5-21-0-0-<first 20 bits>-<next 20 bits>, where <id>
 * is the first MD_REDACT_ID_LEN hex digits of the HMAC. */
void md_redact_keyed(const struct md_hmac *h, enum md_redact_kind k,
                     const char *value, size_t len,
                     char out[MD_REDACT_NAME_MAX]);

/* A keyed redactor's key id: MD_REDACT_ID_LEN hex digits of the HMAC of
 * a fixed text, the same for the same key — so that reports can say
 * which key made their pseudonyms, and tools can tell when two did not
 * share one — and telling nothing of the key. NULL for a numbering
 * redactor (and for NULL). */
const char *md_redactor_key_id(const struct md_redactor *r);

/* A keyed redactor's identity of a bundle path, exact bytes (no case
 * folding): 16 hex digits of its HMAC, into out (17 bytes). batch --resume
 * matches redacted reports to paths by it. False (out empty) without a
 * key. */
bool md_redactor_path_id(const struct md_redactor *r, const char *path,
                         char out[17]);

/* Learn the sensitive values of a verdict: its model, findings (message,
 * subject, evidence), bundle path, inputs and diagnostics. MD_ERR_NOMEM
 * leaves the redactor usable; unlearnt values then get placeholders. */
enum md_status md_redactor_add_verdict(struct md_redactor *r,
                                       const struct md_verdict *v);
/* Learn the values of one record (its path, key, value name, XML path,
 * text and fields). */
enum md_status md_redactor_add_evidence(struct md_redactor *r,
                                        const struct md_evidence *ev);

/* Learn the values of a report as JSON (schema marsdiag.report/1, as
 * 'scan --format json' and 'batch' write it): a member's name says what
 * its string holds as a model's fact name does (server, user, bypass,
 * host.name, ...), and the bundle's file name names its host. For
 * reports written without --redact strict that must be shown redacted
 * later ('merge --redact strict'). */
enum md_status md_redactor_add_report_json(struct md_redactor *r,
                                           const struct md_jval *doc);

/* How many distinct values have a pseudonym. */
size_t md_redactor_count(const struct md_redactor *r);

/*
 * s[0..len) as it may be printed: passwords masked (md_redact), then,
 * when r is not NULL, sensitive values replaced by their pseudonyms.
 * Returns a NUL-terminated string the caller frees with free(), its
 * length in *out_len when out_len is not NULL; NULL when memory ran out
 * — then print nothing in its place, never s. Thread safe.
 */
char *md_redactor_apply(const struct md_redactor *r, const char *s, size_t len,
                        size_t *out_len);

/* Members of an open "tool" object saying how the report is redacted:
 * "redact": "strict" and, keyed, "redact_key": the key id; nothing for
 * NULL (secrets only, the default), so reports without them read as
 * before. Tools that join reports ('merge', 'batch --resume') compare
 * them. */
void md_json_redaction(struct md_json *j, const struct md_redactor *r);

/* A string from a bundle as a JSON string, through md_redactor_apply
 * (null when memory ran out). */
void md_json_redacted(struct md_json *j, const struct md_redactor *r,
                      const char *s, size_t len);

#endif
