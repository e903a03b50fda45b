/*
 * Signature file loader (marsdiag/signatures.h): reads the YAML of
 * rules/pack/signatures.yml with libyaml's document API, checks every
 * entry and reports each problem as file:line:column, compiles the
 * patterns with PCRE2 (UTF, invalid UTF tolerated, caseless, JIT), derives
 * prefilter literals from patterns that have no `literals:`, then hands
 * the literals to sigmatch.c to build the prefilter automaton.
 */
#include "sigint.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

struct loader {
    const char *file;
    md_sig_error_fn err;
    void *user;
    size_t nerr;
    yaml_document_t *doc;
    struct md_sigset *set;
};

__attribute__((format(printf, 3, 4))) static void
fail_at(struct loader *L, yaml_mark_t m, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    L->nerr++;
    if (L->err)
        L->err(L->user, L->file, (unsigned)m.line + 1, (unsigned)m.column + 1,
               msg);
}

/* ---- literals ---------------------------------------------------------- */

/* Bytes of a character the prefilter can match exactly: CJK (U+3000 to
 * U+9FFF, three bytes led by E3..E9) has no case; other non-ASCII
 * characters may, and the prefilter folds ASCII only. Returns the
 * character's length, or 0 when it is not such a character. */
static size_t
caseless_cjk(const unsigned char *p, size_t n)
{
    if (n >= 3 && p[0] >= 0xE3 && p[0] <= 0xE9 && (p[1] & 0xC0) == 0x80 &&
        (p[2] & 0xC0) == 0x80)
        return 3;
    return 0;
}

/* A valid literal folded to lower case in the arena, or NULL with *why. */
static const char *
make_literal(struct md_arena *a, const unsigned char *s, size_t len,
             const char **why)
{
    if (len < SIG_MIN_LITERAL) {
        *why = "is shorter than 3 bytes";
        return NULL;
    }
    for (size_t i = 0; i < len;) {
        if (s[i] == 0) {
            *why = "holds a NUL byte";
            return NULL;
        }
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = caseless_cjk(s + i, len - i);
        if (!k) {
            *why = "has a non-ASCII character outside U+3000-U+9FFF (the "
                   "prefilter folds ASCII case only)";
            return NULL;
        }
        i += k;
    }
    char *out = md_arena_strndup(a, (const char *)s, len);
    if (!out) {
        *why = "out of memory";
        return NULL;
    }
    for (size_t i = 0; i < len; i++)
        if (out[i] >= 'A' && out[i] <= 'Z')
            out[i] = (char)(out[i] + 32);
    return out;
}

/* Skip a character class starting at p[*i] == '['; -1 when unterminated. */
static int
skip_class(const char *p, size_t len, size_t *i)
{
    size_t j = *i + 1;
    if (j < len && p[j] == '^')
        j++;
    if (j < len && p[j] == ']')
        j++;
    while (j < len) {
        if (p[j] == '\\') {
            j += 2;
        } else if (p[j] == '[' && j + 1 < len && p[j + 1] == ':') {
            const char *e = memmem(p + j + 2, len - j - 2, ":]", 2);
            if (!e)
                return -1;
            j = (size_t)(e - p) + 2;
        } else if (p[j] == ']') {
            *i = j + 1;
            return 0;
        } else {
            j++;
        }
    }
    return -1;
}

/* Skip a group starting at p[*i] == '('; -1 when unbalanced or when it
 * sets the x option (whitespace and comments would be read as text). */
static int
skip_group(const char *p, size_t len, size_t *i)
{
    size_t j = *i;
    if (j + 1 < len && p[j + 1] == '?')
        for (size_t k = j + 2; k < len && p[k] != ')' && p[k] != ':'; k++) {
            if (p[k] == 'x')
                return -1;
            if (!((p[k] >= 'a' && p[k] <= 'z') ||
                  (p[k] >= 'A' && p[k] <= 'Z') || p[k] == '-' ||
                  p[k] == '^'))
                break;
        }
    int depth = 0;
    while (j < len) {
        if (p[j] == '\\') {
            j += 2;
        } else if (p[j] == '[') {
            if (skip_class(p, len, &j) < 0)
                return -1;
        } else {
            if (p[j] == '(')
                depth++;
            else if (p[j] == ')' && --depth == 0) {
                *i = j + 1;
                return 0;
            }
            j++;
        }
    }
    return -1;
}

/* End of a counted quantifier starting at p[i] == '{', or 0 when the
 * brace is a literal. {,n} counts as a quantifier (it is one from PCRE2
 * 10.43 on). */
static size_t
quantifier_end(const char *p, size_t len, size_t i)
{
    size_t j = i + 1, digits = 0;
    while (j < len && p[j] >= '0' && p[j] <= '9')
        j++, digits++;
    if (j < len && p[j] == ',') {
        j++;
        while (j < len && p[j] >= '0' && p[j] <= '9')
            j++, digits++;
    }
    return digits && j < len && p[j] == '}' ? j + 1 : 0;
}

/* Length of an escape starting at p[i] == '\\' whose letter is not a
 * literal (\d, \b, \x{..}, \p{..}, \cX, \12, ...). */
static size_t
escape_len(const char *p, size_t len, size_t i)
{
    size_t j = i + 2;
    char d = p[i + 1];
    if (d == 'c')
        return j + 1 <= len ? 3 : 2;
    if (d >= '0' && d <= '9') {
        while (j < len && p[j] >= '0' && p[j] <= '9')
            j++;
        return j - i;
    }
    if (j < len && (p[j] == '{' || ((d == 'k' || d == 'g') &&
                                    (p[j] == '<' || p[j] == '\'')))) {
        char close = p[j] == '{' ? '}' : p[j] == '<' ? '>' : '\'';
        const char *e = memchr(p + j, close, len - j);
        return e ? (size_t)(e - p) + 1 - i : len - i;
    }
    if (d == 'x') { /* \xhh */
        while (j < len && j < i + 4 &&
               ((p[j] >= '0' && p[j] <= '9') || (p[j] >= 'a' && p[j] <= 'f') ||
                (p[j] >= 'A' && p[j] <= 'F')))
            j++;
        return j - i;
    }
    if ((d == 'p' || d == 'P') && j < len)
        return 3;
    return 2;
}

/* Derive one literal per top-level alternative of pattern p: the longest
 * run of plain characters outside groups, classes and quantified atoms.
 * Returns the count, or -1 when some alternative has no run of 3 bytes
 * or the pattern is beyond this simple reading (\Q..\E, the x option). */
static long
derive_literals(struct md_arena *a, const char *p, size_t len,
                const char ***out)
{
    if (memmem(p, len, "\\Q", 2))
        return -1;
    char *cur = malloc(len + 1), *best = malloc(len + 1);
    const char **lits = md_arena_alloc(a, (len / 2 + 1) * sizeof *lits);
    long nlits = -1;
    if (!cur || !best || !lits)
        goto out;
    size_t ncur = 0, nbest = 0, last = 0, i = 0;
    long n = 0;
    for (;;) {
        bool end_branch = i >= len || p[i] == '|';
        unsigned char c = i < len ? (unsigned char)p[i] : 0;
        size_t q;
        bool literal = false;
        if (end_branch) {
            /* handled below */
        } else if (c == '(') {
            if (skip_group(p, len, &i) < 0)
                goto out;
        } else if (c == '[') {
            if (skip_class(p, len, &i) < 0)
                goto out;
        } else if (c == ')') {
            goto out;
        } else if (c == '*' || c == '+' || c == '?') {
            ncur -= last; /* the atom before is optional or repeated */
            i++;
        } else if (c == '{' && (q = quantifier_end(p, len, i)) != 0) {
            ncur -= last;
            i = q;
        } else if (c == '.' || c == '^' || c == '$') {
            i++;
        } else if (c == '\\') {
            if (i + 1 >= len)
                goto out;
            unsigned char d = (unsigned char)p[i + 1];
            if (d < 0x80 && !((d >= '0' && d <= '9') ||
                              (d >= 'a' && d <= 'z') ||
                              (d >= 'A' && d <= 'Z'))) {
                cur[ncur++] = (char)d;
                last = 1;
                literal = true;
                i += 2;
            } else {
                i += escape_len(p, len, i);
            }
        } else if (c >= 0x80) {
            size_t k = caseless_cjk((const unsigned char *)p + i, len - i);
            if (k) {
                memcpy(cur + ncur, p + i, k);
                ncur += k;
                last = k;
                literal = true;
                i += k;
            } else {
                i++;
                while (i < len && ((unsigned char)p[i] & 0xC0) == 0x80)
                    i++;
            }
        } else {
            cur[ncur++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
            last = 1;
            literal = true;
            i++;
        }
        if (literal)
            continue;
        /* Anything but a plain character ends the current run. */
        if (ncur > nbest) {
            memcpy(best, cur, ncur);
            nbest = ncur;
        }
        ncur = last = 0;
        if (!end_branch)
            continue;
        if (nbest < SIG_MIN_LITERAL)
            goto out;
        lits[n] = md_arena_strndup(a, best, nbest);
        if (!lits[n])
            goto out;
        bool dup = false;
        for (long k = 0; k < n; k++)
            dup |= strcmp(lits[k], lits[n]) == 0;
        n += !dup;
        nbest = 0;
        if (i >= len)
            break;
        i++;
    }
    *out = lits;
    nlits = n;
out:
    free(cur);
    free(best);
    return nlits;
}

/* ---- YAML -------------------------------------------------------------- */

static const char *
scalar(struct loader *L, yaml_node_t *n, const char *key, size_t *len)
{
    if (!n || n->type != YAML_SCALAR_NODE) {
        fail_at(L, n ? n->start_mark : (yaml_mark_t){0}, "'%s' must be a string",
                key);
        return NULL;
    }
    if (len)
        *len = n->data.scalar.length;
    return (const char *)n->data.scalar.value;
}

/* A sequence of strings copied into the arena; NULL after an error. */
static const char **
string_list(struct loader *L, yaml_node_t *n, const char *key, size_t *count)
{
    if (n->type != YAML_SEQUENCE_NODE) {
        fail_at(L, n->start_mark, "'%s' must be a list of strings", key);
        return NULL;
    }
    yaml_node_item_t *it = n->data.sequence.items.start;
    size_t k = (size_t)(n->data.sequence.items.top - it);
    const char **v = md_arena_alloc(&L->set->arena, (k ? k : 1) * sizeof *v);
    if (!v)
        return NULL;
    for (size_t j = 0; j < k; j++) {
        size_t len;
        const char *s = scalar(L, yaml_document_get_node(L->doc, it[j]), key,
                               &len);
        if (!s || !(v[j] = md_arena_strndup(&L->set->arena, s, len)))
            return NULL;
    }
    *count = k;
    return v;
}

static bool
valid_id(const char *s, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-'))
            return false;
    }
    return true;
}

enum { K_ID, K_CATEGORY, K_PATTERN, K_LITERALS, K_REFERENCES, K_EXAMPLES, NK };
static const char *const keys[NK] = {"id",       "category",   "pattern",
                                     "literals", "references", "examples"};

static void
load_entry(struct loader *L, yaml_node_t *m, size_t idx)
{
    struct md_sigset *set = L->set;
    struct md_sig_info *si = &set->info[idx];
    si->line = (unsigned)m->start_mark.line + 1;
    if (m->type != YAML_MAPPING_NODE) {
        fail_at(L, m->start_mark, "a signature must be a mapping");
        return;
    }
    yaml_node_t *val[NK] = {0};
    for (yaml_node_pair_t *pr = m->data.mapping.pairs.start;
         pr < m->data.mapping.pairs.top; pr++) {
        yaml_node_t *k = yaml_document_get_node(L->doc, pr->key);
        const char *name = scalar(L, k, "key", NULL);
        if (!name)
            continue;
        int w = -1;
        for (int j = 0; j < NK; j++)
            if (strcmp(name, keys[j]) == 0)
                w = j;
        if (w < 0)
            fail_at(L, k->start_mark, "unknown key '%s'", name);
        else if (val[w])
            fail_at(L, k->start_mark, "duplicate key '%s'", name);
        else
            val[w] = yaml_document_get_node(L->doc, pr->value);
    }
    for (int j = 0; j < NK; j++)
        if (!val[j] && j != K_LITERALS && j != K_EXAMPLES)
            fail_at(L, m->start_mark, "missing '%s'", keys[j]);

    size_t len;
    const char *s;
    if (val[K_ID] && (s = scalar(L, val[K_ID], "id", &len)) != NULL) {
        if (!valid_id(s, len))
            fail_at(L, val[K_ID]->start_mark,
                    "id '%.*s' must be letters, digits, '_', '.' or '-'",
                    (int)len, s);
        for (size_t j = 0; j < idx; j++)
            if (set->info[j].id && strcmp(set->info[j].id, s) == 0)
                fail_at(L, val[K_ID]->start_mark,
                        "duplicate id '%s' (first at line %u)", s,
                        set->info[j].line);
        si->id = md_arena_strndup(&set->arena, s, len);
    }
    if (val[K_CATEGORY] &&
        (s = scalar(L, val[K_CATEGORY], "category", NULL)) != NULL) {
        int c = md_sig_category_find(s);
        if (c < 0)
            fail_at(L, val[K_CATEGORY]->start_mark, "unknown category '%s'",
                    s);
        si->category = c < 0 ? 0 : (size_t)c;
    }
    if (val[K_REFERENCES]) {
        si->references = string_list(L, val[K_REFERENCES], "references",
                                     &si->nreferences);
        if (si->references && si->nreferences == 0)
            fail_at(L, val[K_REFERENCES]->start_mark,
                    "'references' needs at least one entry");
    }
    if (val[K_EXAMPLES])
        si->examples = string_list(L, val[K_EXAMPLES], "examples",
                                   &si->nexamples);
    if (val[K_LITERALS]) {
        const char **lits = string_list(L, val[K_LITERALS], "literals",
                                        &si->nliterals);
        yaml_node_item_t *it = val[K_LITERALS]->data.sequence.items.start;
        for (size_t j = 0; lits && j < si->nliterals; j++) {
            yaml_node_t *ln = yaml_document_get_node(L->doc, it[j]);
            const char *why = NULL;
            lits[j] = make_literal(&set->arena, ln->data.scalar.value,
                                   ln->data.scalar.length, &why);
            if (!lits[j])
                fail_at(L, ln->start_mark, "literal '%s' %s",
                        (const char *)ln->data.scalar.value, why);
        }
        if (lits && si->nliterals == 0)
            fail_at(L, val[K_LITERALS]->start_mark,
                    "'literals' needs at least one entry");
        si->literals = lits;
    }
    if (!val[K_PATTERN] ||
        !(s = scalar(L, val[K_PATTERN], "pattern", &len)))
        return;
    si->pattern = md_arena_strndup(&set->arena, s, len);
    int ec;
    PCRE2_SIZE eo;
    pcre2_code *re =
        pcre2_compile((PCRE2_SPTR)s, len,
                      PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_CASELESS,
                      &ec, &eo, NULL);
    if (!re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        fail_at(L, val[K_PATTERN]->start_mark, "bad pattern: %s at offset %zu",
                (const char *)msg, (size_t)eo);
        return;
    }
    set->code[idx] = re;
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE); /* else interpreted */
    pcre2_match_data *md = pcre2_match_data_create(1, NULL);
    if (md && pcre2_match(re, (PCRE2_SPTR) "", 0, 0, 0, md, NULL) >= 0)
        fail_at(L, val[K_PATTERN]->start_mark,
                "pattern matches an empty text, so no literal can gate it");
    pcre2_match_data_free(md);
    if (!val[K_LITERALS]) {
        const char **lits = NULL;
        long n = derive_literals(&set->arena, s, len, &lits);
        si->literals = lits;
        if (n < 0)
            fail_at(L, val[K_PATTERN]->start_mark,
                    "no literal of 3 plain characters in every alternative "
                    "of the pattern; add 'literals:'");
        else
            si->nliterals = (size_t)n;
    }
}

static void
yaml_fail(struct loader *L, yaml_parser_t *p)
{
    yaml_mark_t m = p->problem_mark;
    if (p->error == YAML_MEMORY_ERROR)
        fail_at(L, m, "out of memory");
    else
        fail_at(L, m, "yaml: %s%s%s", p->problem ? p->problem : "error",
                p->context ? " " : "", p->context ? p->context : "");
}

struct md_sigset *
md_sigset_load(const char *file, const char *text, size_t len,
               const struct md_limits *lim, md_sig_error_fn err, void *user,
               size_t *nerrors)
{
    struct loader L = {.file = file, .err = err, .user = user};
    struct md_limits deflim;
    if (!lim) {
        md_limits_default(&deflim);
        lim = &deflim;
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    bool have_doc = false;
    struct md_sigset *set = calloc(1, sizeof *set);
    if (!set || !yaml_parser_initialize(&parser)) {
        free(set);
        if (nerrors)
            *nerrors = 1;
        return NULL;
    }
    L.set = set;
    L.doc = &doc;
    yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
    if (!yaml_parser_load(&parser, &doc)) {
        yaml_fail(&L, &parser);
        goto out;
    }
    have_doc = true;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root) {
        fail_at(&L, (yaml_mark_t){0}, "empty signature file");
        goto out;
    }
    if (root->type != YAML_SEQUENCE_NODE) {
        fail_at(&L, root->start_mark, "a signature file is a list of "
                                      "signatures");
        goto out;
    }
    yaml_node_item_t *it = root->data.sequence.items.start;
    set->n = (size_t)(root->data.sequence.items.top - it);
    set->info = md_arena_calloc(&set->arena,
                                (set->n ? set->n : 1) * sizeof *set->info);
    set->code = calloc(set->n ? set->n : 1, sizeof *set->code);
    if (!set->info || !set->code) {
        fail_at(&L, root->start_mark, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < set->n; i++)
        load_entry(&L, yaml_document_get_node(&doc, it[i]), i);

    yaml_document_t extra;
    if (yaml_parser_load(&parser, &extra)) {
        yaml_node_t *r = yaml_document_get_root_node(&extra);
        if (r)
            fail_at(&L, r->start_mark, "one YAML document expected");
        yaml_document_delete(&extra);
    } else {
        yaml_fail(&L, &parser);
    }
    if (L.nerr)
        goto out;

    set->mctx = pcre2_match_context_create(NULL);
    if (!set->mctx || md_sig_build_prefilter(set) < 0) {
        fail_at(&L, root->start_mark,
                "cannot build the prefilter: out of memory or more than "
                "%u transitions (too many literal bytes)",
                SIG_MAX_TRANSITIONS);
        goto out;
    }
    pcre2_set_match_limit(set->mctx, lim->pcre2_match > UINT32_MAX
                                         ? UINT32_MAX
                                         : (uint32_t)lim->pcre2_match);
    pcre2_set_depth_limit(set->mctx, lim->pcre2_depth > UINT32_MAX
                                         ? UINT32_MAX
                                         : (uint32_t)lim->pcre2_depth);
    pcre2_set_heap_limit(set->mctx, lim->pcre2_heap_kib > UINT32_MAX
                                        ? UINT32_MAX
                                        : (uint32_t)lim->pcre2_heap_kib);
out:
    if (have_doc)
        yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    if (nerrors)
        *nerrors = L.nerr;
    if (L.nerr) {
        md_sigset_free(set);
        return NULL;
    }
    return set;
}

void
md_sigset_free(struct md_sigset *set)
{
    if (!set)
        return;
    for (size_t i = 0; set->code && i < set->n; i++)
        pcre2_code_free(set->code[i]);
    free(set->code);
    pcre2_match_context_free(set->mctx);
    free(set->delta);
    free(set->out_start);
    free(set->out);
    md_arena_free(&set->arena);
    free(set);
}

size_t
md_sigset_count(const struct md_sigset *set)
{
    return set->n;
}

const struct md_sig_info *
md_sigset_info(const struct md_sigset *set, size_t i)
{
    return i < set->n ? &set->info[i] : NULL;
}
