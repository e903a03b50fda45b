/*
 * Rules: YAML rule files compiled once into an immutable rule set, then
 * evaluated against the facts of each bundle (DESIGN §4).
 *
 * Compile once, scan many (YARA's model): md_ruleset_load_* parse and
 * check every rule (unknown keys, unknown fact paths, type errors, bad
 * regular expressions, duplicate ids) and report each problem with
 * file:line:column; a set with errors is not built. A built set is never
 * modified and may be shared by any number of threads; md_rules_eval
 * keeps its per-call state on the caller's side.
 *
 * Rule file format (one rule per YAML document, files *.yml):
 *
 *   id: MP001                     required, unique
 *   name: pac-url-in-agent-proxy  required, kebab-case
 *   severity: error               required: error | warning | info
 *   severity_when:                optional, first match wins
 *     - {when: EXPR, severity: info}
 *   title: ...                    required
 *   when: EXPR                    required (the expression language below)
 *   message: ...                  required; {fact.path} is replaced by the
 *                                 fact's value (secrets masked)
 *   fix: ...                      required
 *   references: [..]              required, at least one
 *   tags: [..]                    optional
 *
 * Expressions: literals ('str', "str", 123, true, false, null), fact
 * paths (agent.proxy.server, users[*].proxy.set), and, or, not, ( ),
 * == != < <= > >=, =~ !~ (PCRE2), in [a, b], and the functions exists(p),
 * count(p), len(x), lower(x), host(url), port(url). A missing fact is
 * null; any comparison with null is false, never an error, and `not`
 * simply negates: `not (x == 1)` is true when x is null (use exists(x) to
 * say "present"). [*] means "any element": a rule may use one list, and
 * it is evaluated for each element; every element for which it holds is
 * one finding, whose subject is that element and whose evidence is the
 * element's. rules/README.md is the rule author's manual.
 */
#ifndef MARSDIAG_RULES_H
#define MARSDIAG_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "marsdiag/evidence.h"
#include "marsdiag/fact.h"
#include "marsdiag/arena.h"
#include "marsdiag/limits.h"
#include "marsdiag/status.h"

enum md_severity { MD_SEV_INFO = 0, MD_SEV_WARNING = 1, MD_SEV_ERROR = 2 };

/* "info", "warning", "error"; parse returns -1 when unknown. */
const char *md_severity_str(enum md_severity s);
int md_severity_parse(const char *s);

struct md_ruleset;
struct md_ruleset_builder;
struct md_expr;

/* Read-only view of one compiled rule. */
struct md_rule_info {
    const char *id, *name, *title, *fix;
    enum md_severity severity; /* the default */
    const char *const *references;
    size_t nreferences;
    const char *const *tags;
    size_t ntags;
    const char *file; /* where it was loaded from */
    unsigned line;
    /* As written, for `marsdiag explain`: the condition (compiled in
     * when_expr, which md_expr_trace can follow), the message template
     * and the severity_when entries in order. */
    const char *when;
    const struct md_expr *when_expr;
    const char *message;
    const struct md_rule_sevwhen *severity_when;
    size_t nseverity_when;
};

/* One severity_when entry: when expr holds, the finding has severity. */
struct md_rule_sevwhen {
    const char *when;
    const struct md_expr *expr;
    enum md_severity severity;
};

/* A problem in a rule file: "file:line:column: message". */
typedef void (*md_rule_error_fn)(void *user, const char *file, unsigned line,
                                 unsigned col, const char *msg);

/*
 * Load rules. Sources are added in order; a rule whose id was already
 * loaded replaces the earlier one (so --rules DIR overrides the built-in
 * pack). md_ruleset_add_text adds one file's text (the built-in pack is
 * embedded as text); md_ruleset_add_dir adds every *.yml and *.yaml file
 * of a folder in byte order of names, except precedence.yml and
 * signatures.yml, and warns (through err, not counted as an error) when
 * the folder holds none of these.
 * Errors go to err; the functions return the number of errors.
 * md_ruleset_build enforces the 'rules' limit, sorts by id and freezes
 * the set; it returns NULL when any source had errors. It always
 * consumes (frees) the builder.
 */
struct md_ruleset_builder *md_ruleset_builder_new(const struct md_limits *lim);
size_t md_ruleset_add_text(struct md_ruleset_builder *b, const char *file,
                           const char *text, size_t len, md_rule_error_fn err,
                           void *user);
size_t md_ruleset_add_dir(struct md_ruleset_builder *b, const char *dir,
                          md_rule_error_fn err, void *user);
struct md_ruleset *md_ruleset_build(struct md_ruleset_builder *b,
                                    md_rule_error_fn err, void *user);
void md_ruleset_free(struct md_ruleset *rs);

size_t md_ruleset_count(const struct md_ruleset *rs);
/* Rules sorted by id. */
const struct md_rule_info *md_ruleset_rule(const struct md_ruleset *rs,
                                           size_t i);

/* The rule with this id, or NULL. */
const struct md_rule_info *md_ruleset_find(const struct md_ruleset *rs,
                                           const char *id);

/* Up to max rules whose id or name is close to text (a typo, another
 * case, a few missing digits, a part of the name), closest first, into
 * out; returns how many. For "unknown rule" messages. */
size_t md_ruleset_similar(const struct md_ruleset *rs, const char *text,
                          const struct md_rule_info **out, size_t max);

/* One finding, valid during the callback. */
struct md_finding {
    const struct md_rule_info *rule;
    enum md_severity severity; /* after severity_when */
    const char *message;       /* rendered, secrets masked */
    const char *subject;       /* the bound element ("users[1]"), or NULL */
    const struct md_evidence *const *evidence;
    size_t nevidence;
};

typedef void (*md_finding_fn)(void *user, const struct md_finding *f);

/* Evaluate every rule against root, in id order (a [*] rule once per
 * list element, in list order). Thread safe for a shared rs: per-call
 * state (PCRE2 match data included) lives in the call. Returns MD_OK;
 * MD_ERR_LIMIT when a regex hit a PCRE2 limit (pcre2_match, pcre2_depth,
 * pcre2_heap_kib): that comparison was taken as false and evaluation went
 * on, so the caller should report that findings may be incomplete;
 * MD_ERR_NOMEM. */
enum md_status md_rules_eval(const struct md_ruleset *rs,
                             const struct md_fact *root, md_finding_fn fn,
                             void *user);

/*
 * Expressions on their own, for the precedence chain (precedence.yml) and
 * for `marsdiag explain`: compile text against the schema, evaluate
 * against a fact tree. md_expr_value returns the value of an expression
 * (a fact, possibly allocated in a), for "yields" entries; NULL when the
 * value is null. Errors are reported at line:col plus the offset in text
 * (a newline in text starts a new line). An expression with [*] is true
 * when it holds for some element; its value is the first non-null one.
 * A compiled expression is immutable and may be shared by threads; free
 * it with md_expr_free.
 */
struct md_expr;
struct md_expr *md_expr_compile(const char *text, const struct md_limits *lim,
                                const char *file, unsigned line, unsigned col,
                                md_rule_error_fn err, void *user);
bool md_expr_true(const struct md_expr *e, const struct md_fact *root);
const struct md_fact *md_expr_value(const struct md_expr *e,
                                    const struct md_fact *root,
                                    struct md_arena *a);
void md_expr_free(struct md_expr *e);

#endif
