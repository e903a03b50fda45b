/*
 * Waivers (marsdiag/waivers.h): the waiver file read with libyaml's event
 * API — its shape is fixed (a mapping holding the list `waivers` of flat
 * mappings), so the events are followed directly rather than built into
 * a tree — checked entry by entry, then applied to verdicts.
 *
 * Errors are collected, sorted by position and handed on as
 * file:line:column (libyaml marks are 0-based; ours are 1-based) through
 * yamlerr.h, as the rule loader's (rules/engine/ruleset.c).
 */
#include "marsdiag/waivers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <yaml.h>

#include "marsdiag/arena.h"
#include "marsdiag/buf.h"
#include "marsdiag/model.h"
#include "yamlerr.h"

#define MAX_WAIVERS 100000  /* a waiver file is written by hand */
#define MAX_HOST_LEN 255

struct md_waivers {
    struct md_arena a;
    const char *file;
    struct md_waiver *v;
    size_t n, cap;
    bool need_sha256;
};

/* ---- dates ------------------------------------------------------------- */

static bool
digits(const char *s, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool
md_waiver_date_parse(const char *s, size_t len, int *day)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30,
                                31, 31, 30, 31, 30, 31};
    int y, m, d;
    if (len != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) ||
        !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
        return false;
    if (y < 1970 || m < 1 || m > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] + (m == 2 && leap))
        return false;
    *day = y * 10000 + m * 100 + d;
    return true;
}

bool
md_waivers_today(int *day)
{
    const char *env = getenv("MARSDIAG_TODAY");
    if (env && *env)
        return md_waiver_date_parse(env, strlen(env), day);
    time_t now = time(NULL);
    struct tm tm;
    if (!gmtime_r(&now, &tm))
        return false;
    *day = (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
    return true;
}

bool
md_waiver_expired(const struct md_waiver *w, int today)
{
    return w->expires_day < today;
}

/* ---- the loader ------------------------------------------------------ */

struct loader {
    struct md_waivers *w;
    const struct md_ruleset *rs;
    const char *text;
    size_t len;
    yaml_parser_t p;
    bool dead; /* a YAML error: stop reading */
    struct md_yamlerr errs;
};

static void
report(struct loader *L, unsigned line, unsigned col, const char *msg)
{
    if (!md_yamlerr_add(&L->errs, line, col, msg))
        L->dead = true;
}

/* LOAD_ERR(L, mark, fmt, ...): an error at a libyaml mark (md_yamlerr_at);
 * too many of them end the file. */
#define LOAD_ERR(L, ...) ((L)->dead |= !md_yamlerr_at(&(L)->errs, __VA_ARGS__))

static bool
next_event(struct loader *L, yaml_event_t *ev)
{
    if (L->dead)
        return false;
    if (yaml_parser_parse(&L->p, ev)) {
        if (ev->type != YAML_ALIAS_EVENT)
            return true;
        LOAD_ERR(L, &ev->start_mark,
                 "aliases are not supported in waiver files");
        yaml_event_delete(ev);
        L->dead = true;
        return false;
    }
    md_yamlerr_parse(&L->errs, &L->p, L->text, L->len);
    L->dead = true;
    return false;
}

/* Skip the rest of the node that started with ev (already consumed). */
static void
skip_node(struct loader *L, const yaml_event_t *ev)
{
    if (ev->type != YAML_SEQUENCE_START_EVENT &&
        ev->type != YAML_MAPPING_START_EVENT)
        return;
    size_t depth = 1;
    yaml_event_t e;
    while (depth && next_event(L, &e)) {
        if (e.type == YAML_SEQUENCE_START_EVENT ||
            e.type == YAML_MAPPING_START_EVENT)
            depth++;
        else if (e.type == YAML_SEQUENCE_END_EVENT ||
                 e.type == YAML_MAPPING_END_EVENT)
            depth--;
        yaml_event_delete(&e);
    }
}

static const char *
what(const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT: return "a string";
    case YAML_SEQUENCE_START_EVENT: return "a list";
    case YAML_MAPPING_START_EVENT: return "a mapping";
    default: return "something else";
    }
}

/* ---- one entry ---------------------------------------------------------- */

enum key { K_RULE, K_HOST, K_BUNDLE, K_REASON, K_EXPIRES, K_COUNT };
static const char *const key_names[K_COUNT] = {"rule", "host", "bundle",
                                               "reason", "expires"};

/* A scalar value of an entry, with where it was written. */
struct field {
    bool seen;
    char *s; /* NULL when the value was not a string */
    size_t len;
    yaml_mark_t key, val;
};

static bool
is_host(const char *s, size_t len)
{
    if (len == 0 || len > MAX_HOST_LEN)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.'))
            return false;
    }
    return true;
}

static bool
is_sha256(const char *s, size_t len)
{
    if (len != 64)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
              (s[i] >= 'A' && s[i] <= 'F')))
            return false;
    return true;
}

static size_t
trimmed(const char *s, size_t len)
{
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' ||
                   s[len - 1] == '\n' || s[len - 1] == '\r'))
        len--;
    return len;
}

static void
unknown_rule(struct loader *L, const struct field *f)
{
    const struct md_rule_info *near[5];
    size_t n = md_ruleset_similar(L->rs, f->s, near, 5);
    char buf[64];
    struct md_buf b = MD_BUF_INIT(4096);
    md_buf_printf(&b, "unknown rule '%s'",
                  md_yamlerr_shown(f->s, f->len, buf, sizeof buf));
    for (size_t i = 0; i < n; i++)
        md_buf_printf(&b, "%s%s", i ? ", " : " (did you mean ", near[i]->id);
    md_buf_adds(&b, n ? "?)" : "; 'marsdiag rules' lists them");
    LOAD_ERR(L, &f->val, "%s", b.ptr ? b.ptr : "unknown rule");
    md_buf_free(&b);
}

/* Check the fields of one entry; add it when they are right. */
static void
add_entry(struct loader *L, const yaml_mark_t *at, struct field *f)
{
    size_t before = L->errs.nerr;
    char buf[80];
    for (int k = 0; k < K_COUNT; k++)
        if (k != K_HOST && k != K_BUNDLE && !f[k].seen)
            LOAD_ERR(L, at, "missing required key '%s'", key_names[k]);
    if (f[K_HOST].seen && f[K_BUNDLE].seen)
        LOAD_ERR(L, &f[K_BUNDLE].key,
                 "'host' and 'bundle' exclude each other: "
                 "a waiver names one host or one bundle");
    else if (!f[K_HOST].seen && !f[K_BUNDLE].seen)
        LOAD_ERR(L, at,
                 "missing 'host' or 'bundle': a waiver names the host or "
                 "the bundle (SHA-256) it applies to");
    struct field *r = &f[K_RULE];
    if (r->s && L->rs && !md_ruleset_find(L->rs, r->s))
        unknown_rule(L, r);
    struct field *h = &f[K_HOST];
    if (h->s && !is_host(h->s, h->len))
        LOAD_ERR(L, &h->val,
                 "bad host name '%s' (letters, digits, '-', '_' and "
                 "'.', at most %d)",
                 md_yamlerr_shown(h->s, h->len, buf, sizeof buf), MAX_HOST_LEN);
    struct field *sh = &f[K_BUNDLE];
    if (sh->s && !is_sha256(sh->s, sh->len))
        LOAD_ERR(L, &sh->val,
                 "bad SHA-256 '%s': 64 hexadecimal digits, as "
                 "sha256sum prints for the bundle file",
                 md_yamlerr_shown(sh->s, sh->len, buf, sizeof buf));
    struct field *re = &f[K_REASON];
    if (re->s && trimmed(re->s, re->len) == 0)
        LOAD_ERR(L, &re->val,
                 "'reason' is empty: say why the finding is accepted");
    struct field *ex = &f[K_EXPIRES];
    int day = 0;
    if (ex->s && !md_waiver_date_parse(ex->s, ex->len, &day))
        LOAD_ERR(L, &ex->val,
                 "bad date '%s' for 'expires' (YYYY-MM-DD, a real "
                 "date, 1970 or later)",
                 md_yamlerr_shown(ex->s, ex->len, buf, sizeof buf));
    if (L->errs.nerr != before)
        return;
    struct md_waivers *w = L->w;
    if (w->n == MAX_WAIVERS) {
        LOAD_ERR(L, at, "more than %d waivers", MAX_WAIVERS);
        L->dead = true;
        return;
    }
    if (w->n == w->cap) {
        size_t ncap = w->cap ? w->cap * 2 : 16;
        struct md_waiver *v = realloc(w->v, ncap * sizeof *v);
        if (!v) {
            LOAD_ERR(L, at, "out of memory");
            L->dead = true;
            return;
        }
        w->v = v;
        w->cap = ncap;
    }
    struct md_waiver *x = &w->v[w->n];
    memset(x, 0, sizeof *x);
    x->rule = r->s;
    x->host = h->s;
    if (sh->s) {
        for (size_t i = 0; i < sh->len; i++)
            if (sh->s[i] >= 'A' && sh->s[i] <= 'F')
                sh->s[i] = (char)(sh->s[i] + 32);
        x->bundle = sh->s;
        w->need_sha256 = true;
    }
    re->s[trimmed(re->s, re->len)] = '\0';
    x->reason = re->s;
    x->expires = ex->s;
    x->expires_day = day;
    x->file = w->file;
    x->line = (unsigned)at->line + 1;
    x->col = (unsigned)at->column + 1;
    w->n++;
}

/* One entry; ev (consumed) started it. */
static void
read_entry(struct loader *L, yaml_event_t *ev)
{
    if (ev->type != YAML_MAPPING_START_EVENT) {
        LOAD_ERR(L, &ev->start_mark,
                 "each waiver must be a mapping (rule, host "
                 "or bundle, reason, expires), not %s",
                 what(ev));
        skip_node(L, ev);
        return;
    }
    yaml_mark_t at = ev->start_mark;
    struct field f[K_COUNT];
    memset(f, 0, sizeof f);
    yaml_event_t k, v;
    char buf[64];
    while (next_event(L, &k)) {
        if (k.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&k);
            add_entry(L, &at, f);
            return;
        }
        int i = K_COUNT;
        if (k.type != YAML_SCALAR_EVENT) {
            LOAD_ERR(L, &k.start_mark, "a key must be a plain name");
            skip_node(L, &k);
        } else {
            const char *name = (const char *)k.data.scalar.value;
            for (i = 0; i < K_COUNT && strcmp(key_names[i], name); i++)
                ;
            if (i == K_COUNT)
                LOAD_ERR(L, &k.start_mark,
                         "unknown key '%s' (rule, host, "
                         "bundle, reason, expires)",
                         md_yamlerr_shown(name, k.data.scalar.length, buf,
                                          sizeof buf));
            else if (f[i].seen)
                LOAD_ERR(L, &k.start_mark, "duplicate key '%s'", key_names[i]);
        }
        yaml_mark_t km = k.start_mark;
        yaml_event_delete(&k);
        if (!next_event(L, &v))
            return;
        if (i < K_COUNT && !f[i].seen) {
            f[i].seen = true;
            f[i].key = km;
            f[i].val = v.start_mark;
            if (v.type == YAML_SCALAR_EVENT) {
                f[i].len = v.data.scalar.length;
                f[i].s = md_arena_strndup(&L->w->a,
                                          (const char *)v.data.scalar.value,
                                          f[i].len);
                if (!f[i].s) {
                    LOAD_ERR(L, &v.start_mark, "out of memory");
                    L->dead = true;
                }
            } else {
                LOAD_ERR(L, &v.start_mark, "'%s' must be a string, not %s",
                         key_names[i], what(&v));
            }
        }
        skip_node(L, &v);
        yaml_event_delete(&v);
    }
}

/* The value of `waivers`; ev (consumed) started it. */
static void
read_list(struct loader *L, yaml_event_t *ev)
{
    if (ev->type != YAML_SEQUENCE_START_EVENT) {
        LOAD_ERR(L, &ev->start_mark,
                 "'waivers' must be a list of waivers "
                 "(\"- rule: ...\"; [] for none), not %s",
                 what(ev));
        skip_node(L, ev);
        return;
    }
    yaml_event_t e;
    while (next_event(L, &e)) {
        if (e.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&e);
            return;
        }
        read_entry(L, &e);
        yaml_event_delete(&e);
    }
}

/* The document: {waivers: [...]}; ev (consumed) is its first node. */
static void
read_document(struct loader *L, yaml_event_t *ev)
{
    if (ev->type != YAML_MAPPING_START_EVENT) {
        LOAD_ERR(L, &ev->start_mark,
                 "a waiver file is a mapping with one key, "
                 "'waivers', not %s",
                 what(ev));
        skip_node(L, ev);
        return;
    }
    yaml_mark_t at = ev->start_mark;
    bool seen = false;
    yaml_event_t k, v;
    char buf[64];
    while (next_event(L, &k)) {
        if (k.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&k);
            break;
        }
        bool ours = k.type == YAML_SCALAR_EVENT &&
                    strcmp((const char *)k.data.scalar.value, "waivers") == 0;
        if (k.type != YAML_SCALAR_EVENT)
            LOAD_ERR(L, &k.start_mark, "a key must be a plain name");
        else if (!ours)
            LOAD_ERR(L, &k.start_mark,
                     "unknown key '%s' (a waiver file has "
                     "'waivers' only)",
                     md_yamlerr_shown((const char *)k.data.scalar.value,
                                      k.data.scalar.length, buf, sizeof buf));
        else if (seen)
            LOAD_ERR(L, &k.start_mark, "duplicate key 'waivers'");
        skip_node(L, &k);
        yaml_event_delete(&k);
        if (!next_event(L, &v))
            return;
        if (ours && !seen)
            read_list(L, &v);
        else
            skip_node(L, &v);
        seen = seen || ours;
        yaml_event_delete(&v);
    }
    if (!seen && !L->dead)
        LOAD_ERR(L, &at, "missing required key 'waivers'");
}

static void
load(struct loader *L)
{
    static const yaml_mark_t start = {0, 0, 0};
    yaml_event_t ev;
    unsigned ndocs = 0;
    while (next_event(L, &ev)) {
        yaml_event_type_t t = ev.type;
        yaml_mark_t m = ev.start_mark;
        yaml_event_delete(&ev);
        if (t == YAML_STREAM_END_EVENT)
            break;
        if (t != YAML_DOCUMENT_START_EVENT)
            continue;
        if (++ndocs > 1) {
            LOAD_ERR(L, &m, "a waiver file holds one YAML document");
            return;
        }
        if (!next_event(L, &ev))
            return;
        read_document(L, &ev);
        yaml_event_delete(&ev);
    }
    if (!ndocs && !L->dead)
        LOAD_ERR(L, &start,
                 "empty waiver file: it needs 'waivers:' and a list");
}

struct md_waivers *
md_waivers_parse(const char *file, const char *text, size_t len,
                 const struct md_ruleset *rs, const struct md_limits *lim,
                 md_rule_error_fn err, void *user)
{
    struct md_limits def;
    if (!lim) {
        md_limits_default(&def);
        lim = &def;
    }
    struct md_waivers *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->file = md_arena_strdup(&w->a, file ? file : "(waivers)");
    struct loader L = {.w = w, .rs = rs, .text = text, .len = len};
    if (!w->file) {
        md_waivers_free(w);
        return NULL;
    }
    if (len > lim->rule_file_bytes) {
        char msg[128];
        snprintf(msg, sizeof msg, "limit 'rule_file_bytes' (%llu) reached",
                 (unsigned long long)lim->rule_file_bytes);
        report(&L, 1, 1, msg);
    } else if (!yaml_parser_initialize(&L.p)) {
        report(&L, 1, 1, "out of memory");
    } else {
        yaml_parser_set_input_string(&L.p, (const unsigned char *)text, len);
        load(&L);
        yaml_parser_delete(&L.p);
    }
    size_t nerr = L.errs.nerr;
    md_yamlerr_flush(&L.errs, w->file, err, user);
    md_yamlerr_free(&L.errs);
    if (nerr) {
        md_waivers_free(w);
        return NULL;
    }
    return w;
}

struct md_waivers *
md_waivers_load(const char *path, const struct md_ruleset *rs,
                const struct md_limits *lim, md_rule_error_fn err, void *user)
{
    struct md_limits def;
    if (!lim) {
        md_limits_default(&def);
        lim = &def;
    }
    FILE *f = fopen(path, "rb");
    const char *why = NULL;
    struct md_buf b = MD_BUF_INIT(lim->rule_file_bytes + 1);
    if (!f) {
        why = strerror(errno);
    } else {
        char tmp[8192];
        size_t n;
        enum md_status st;
        while (!why && (n = fread(tmp, 1, sizeof tmp, f)) > 0)
            if ((st = md_buf_add(&b, tmp, n)) != MD_OK)
                why = st == MD_ERR_LIMIT ? "larger than the limit "
                                           "'rule_file_bytes'"
                                         : "out of memory";
        if (!why && ferror(f))
            why = strerror(errno);
        fclose(f);
    }
    if (why) {
        char msg[300];
        snprintf(msg, sizeof msg, "cannot read waiver file: %s", why);
        if (err)
            err(user, path, 0, 0, msg);
        md_buf_free(&b);
        return NULL;
    }
    struct md_waivers *w = md_waivers_parse(path, b.ptr ? b.ptr : "", b.len,
                                            rs, lim, err, user);
    md_buf_free(&b);
    return w;
}

void
md_waivers_free(struct md_waivers *w)
{
    if (!w)
        return;
    free(w->v);
    md_arena_free(&w->a);
    free(w);
}

const char *
md_waivers_file(const struct md_waivers *w)
{
    return w->file;
}

size_t
md_waivers_count(const struct md_waivers *w)
{
    return w ? w->n : 0;
}

const struct md_waiver *
md_waivers_get(const struct md_waivers *w, size_t i)
{
    return w && i < w->n ? &w->v[i] : NULL;
}

bool
md_waivers_need_sha256(const struct md_waivers *w)
{
    return w && w->need_sha256;
}

/* ---- applying ------------------------------------------------------------ */

static bool
names(const struct md_waiver *x, const char *host, const char *sha_hex)
{
    if (x->host)
        return host && strcasecmp(x->host, host) == 0;
    return sha_hex && strcmp(x->bundle, sha_hex) == 0;
}

static void
to_hex(char out[65], const unsigned char *p)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < 32; i++) {
        out[2 * i] = d[p[i] >> 4];
        out[2 * i + 1] = d[p[i] & 15];
    }
    out[64] = '\0';
}

const struct md_waiver *
md_waivers_match(const struct md_waivers *w, const char *rule,
                 const char *host, const unsigned char *sha256, int today,
                 const struct md_waiver **expired)
{
    char hex[65];
    if (sha256)
        to_hex(hex, sha256);
    if (expired)
        *expired = NULL;
    for (size_t i = 0; w && i < w->n; i++) {
        const struct md_waiver *x = &w->v[i];
        if (strcmp(x->rule, rule) != 0 || !names(x, host, sha256 ? hex : NULL))
            continue;
        if (!md_waiver_expired(x, today))
            return x;
        if (expired && !*expired)
            *expired = x;
    }
    return NULL;
}

void
md_waivers_apply(const struct md_waivers *w, int today, struct md_verdict *v)
{
    /* The host as the report shows it (host.name); a capture that states
     * no computer name leaves only the bundle's SHA-256 to match. */
    char host[MAX_HOST_LEN + 1];
    const char *h = NULL;
    const struct md_fact *hf =
        v->model ? md_fact_path(md_model_root(v->model), "host.name") : NULL;
    if (hf && hf->type == MD_F_STR && hf->s && hf->len <= MAX_HOST_LEN) {
        memcpy(host, hf->s, hf->len);
        host[hf->len] = '\0';
        h = host;
    }
    const unsigned char *sha = v->bundle.have_sha256 ? v->bundle.sha256 : NULL;
    for (size_t i = 0; i < v->nfindings; i++) {
        struct md_verdict_finding *f = &v->findings[i];
        const struct md_waiver *x =
            md_waivers_match(w, f->rule->id, h, sha, today, &f->expired_waiver);
        f->suppressed = x != NULL;
        f->waiver = x;
        f->waiver_reason = x ? x->reason : NULL;
    }
    v->waivers = w;
}

size_t
md_verdict_nsuppressed(const struct md_verdict *v)
{
    size_t n = 0;
    for (size_t i = 0; i < v->nfindings; i++)
        n += v->findings[i].suppressed;
    return n;
}
