/*
 * Log signatures: classify log messages into network failure categories
 * (DESIGN §4, last paragraph; signatures in rules/pack/signatures.yml).
 *
 * A signature file is one YAML sequence of mappings:
 *
 *   - id: NNR-HEX-80072EE7          required, unique, [A-Za-z0-9_.-]+
 *     category: name_not_resolved   required, one of md_sig_category_name()
 *     pattern: '\b(?:0x)?80072ee7\b' required, PCRE2
 *     literals: ['80072ee7']        optional, see below
 *     references: [ref §7.2]        required, at least one
 *     examples: ['... 0x80072EE7']  optional texts the signature must match
 *                                   (the unit tests check every one)
 *
 * Patterns are compiled with PCRE2_UTF | PCRE2_MATCH_INVALID_UTF (texts may
 * hold invalid bytes) and PCRE2_CASELESS (write (?-i) to opt out), JIT
 * compiled, and run with the pcre2_* limits of struct md_limits.
 *
 * Prefilter: every signature has literals, and any text it matches must
 * contain one of them (ASCII letters compared case-insensitively, other
 * bytes exactly). One Aho-Corasick automaton over all literals scans each
 * text once; a pattern runs only when one of its literals occurred, so the
 * cost per text barely depends on the number of signatures. Without
 * `literals:` they are derived from the pattern: each top-level alternative
 * must hold a run of at least 3 plain characters outside groups, classes
 * and quantified atoms (for example '(?<!\w)\(407\)' yields "(407)");
 * when none exists, the loader asks for `literals:`. A literal is at least
 * 3 bytes; non-ASCII bytes are allowed only as CJK text (U+3000-U+9FFF),
 * whose characters have no case, because the prefilter folds ASCII only.
 * Explicit literals are the author's promise: the tests compare prefiltered
 * results with running every pattern on a generated corpus.
 *
 * A loaded set is immutable and may be shared by any number of threads;
 * each thread matches with its own md_sig_scratch.
 */
#ifndef MARSDIAG_SIGNATURES_H
#define MARSDIAG_SIGNATURES_H

#include <stddef.h>

#include "marsdiag/limits.h"
#include "marsdiag/status.h"

/* The categories, in this fixed order (their index is the category index):
 * proxy_auth_required, name_not_resolved, connect_failed, timeout,
 * tls_failure, pac_failure, service_unreachable, registration_failed,
 * connection_reset. */
#define MD_SIG_NCATEGORIES 9
/* Name of category i, or NULL when i is out of range. */
const char *md_sig_category_name(size_t i);
/* Index of a category name, or -1. */
int md_sig_category_find(const char *name);

/* A problem in a signature file: "file:line:column: message". */
typedef void (*md_sig_error_fn)(void *user, const char *file, unsigned line,
                                unsigned col, const char *msg);

/* Read-only view of one signature; strings owned by the set. */
struct md_sig_info {
    const char *id;
    size_t category;
    const char *pattern;
    const char *const *literals; /* as given or derived, folded */
    size_t nliterals;
    const char *const *references;
    size_t nreferences;
    const char *const *examples;
    size_t nexamples;
    unsigned line; /* of the entry in its file */
};

struct md_sigset;

/*
 * Load a signature file's text (file names it in errors). Every problem
 * goes to err (may be NULL) and is counted in *nerrors (may be NULL): YAML
 * syntax, unknown or missing keys, wrong types, unknown category, duplicate
 * id, bad regex (with PCRE2's message), a literal that is too short or
 * cased non-ASCII, a pattern with no derivable literal. Returns NULL when
 * there was any error or memory ran out; caller frees with md_sigset_free.
 * lim supplies pcre2_match, pcre2_depth and pcre2_heap_kib.
 */
struct md_sigset *md_sigset_load(const char *file, const char *text,
                                 size_t len, const struct md_limits *lim,
                                 md_sig_error_fn err, void *user,
                                 size_t *nerrors);
void md_sigset_free(struct md_sigset *set);

size_t md_sigset_count(const struct md_sigset *set);
/* Signature i in file order (its index in match callbacks). */
const struct md_sig_info *md_sigset_info(const struct md_sigset *set,
                                         size_t i);

/* Per-thread matching state for one set; caller frees. NULL on ENOMEM. */
struct md_sig_scratch;
struct md_sig_scratch *md_sig_scratch_new(const struct md_sigset *set);
void md_sig_scratch_free(struct md_sig_scratch *sc);

typedef void (*md_sig_match_fn)(void *user, size_t sig, size_t category);

enum {
    /* Run every pattern on every text, skipping the prefilter (reference
     * behaviour for tests and benchmarks; slow). */
    MD_SIG_NO_PREFILTER = 1u << 0
};

/*
 * Match one text (a log message; need not be NUL-terminated or valid
 * UTF-8). fn is called once per matching signature, in index order.
 * Returns MD_OK, or MD_ERR_LIMIT when some pattern hit a PCRE2 limit (that
 * signature is then treated as not matching; the others still run).
 * The matcher allocates nothing itself; PCRE2's interpreter (used only
 * where JIT is unavailable) may grow its frames within pcre2_heap_kib.
 */
enum md_status md_sig_match(const struct md_sigset *set,
                            struct md_sig_scratch *sc, const char *text,
                            size_t len, unsigned flags, md_sig_match_fn fn,
                            void *user);

#endif
