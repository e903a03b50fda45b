/*
 * The SARIF 2.1.0 writer (marsdiag/sarif.h), after the OASIS standard
 * (sarif-v2.1.0-os, §3) and what Microsoft's validator (sarif-multitool
 * validate) checks; tests/sh/sarif-validate.sh runs it on every sample.
 */
#include "marsdiag/sarif.h"

#include "sarif_int.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "marsdiag/json.h"
#include "marsdiag/redact.h"
#include "marsdiag/sha256.h"

/* Longest evidence excerpt put in a result. */
#define SNIPPET_MAX 500

size_t
md_sarif_uri(const char *path, char *out, size_t outlen)
{
    static const char hexd[] = "0123456789ABCDEF";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        char c = (char)*p;
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || strchr("-._~/!$&'()*+,;=@", c);
        if (c == '\\') {
            c = '/';
            keep = true;
        }
        if (keep) {
            if (n + 1 < outlen)
                out[n] = c;
            n++;
        } else {
            /* ':' too: a relative reference's first segment must not
             * have one (RFC 3986 §4.2), and no segment needs it. */
            for (int k = 0; k < 3; k++, n++)
                if (n + 1 < outlen)
                    out[n] = k == 0 ? '%' : hexd[k == 1 ? *p >> 4 : *p & 15];
        }
    }
    if (outlen)
        out[n < outlen ? n : outlen - 1] = '\0';
    return n;
}

/* ---- rules ------------------------------------------------------------- */

/* The rules in force, or, without a rule set, the rules that fired. */
static void
rules_collect(struct md_sarif_rules *rl, const struct md_verdict *const *v,
              size_t nv, const struct md_render *r)
{
    size_t cap = 0;
    rl->n = 0;
    if (r->rules) {
        cap = md_ruleset_count(r->rules);
    } else {
        for (size_t i = 0; i < nv; i++)
            cap += v[i]->nfindings;
    }
    rl->r = malloc((cap ? cap : 1) * sizeof *rl->r);
    if (!rl->r)
        return;
    if (r->rules) {
        for (size_t i = 0; i < cap; i++)
            rl->r[rl->n++] = md_ruleset_rule(r->rules, i);
        return;
    }
    for (size_t i = 0; i < nv; i++)
        for (size_t k = 0; k < v[i]->nfindings; k++) {
            const struct md_rule_info *ri = v[i]->findings[k].rule;
            size_t m = 0;
            while (m < rl->n && strcmp(rl->r[m]->id, ri->id))
                m++;
            if (m == rl->n)
                rl->r[rl->n++] = ri;
        }
}

/* Index of the rule with ri's id, or -1. */
static long
rule_index(const struct md_sarif_rules *rl, const struct md_rule_info *ri)
{
    for (size_t i = 0; i < rl->n; i++)
        if (!strcmp(rl->r[i]->id, ri->id))
            return (long)i;
    return -1;
}

static const char *
level_of(enum md_severity s)
{
    return s == MD_SEV_ERROR     ? "error"
           : s == MD_SEV_WARNING ? "warning"
                                 : "note";
}

static void
text_obj(struct md_json *j, const char *key, const char *text)
{
    md_json_key(j, key);
    md_json_obj(j);
    md_json_key(j, "text");
    md_json_strz(j, text);
    md_json_end_obj(j);
}

/* SARIF's friendly name: "pac-url-in-agent-proxy" → "PacUrlInAgentProxy". */
static void
pascal_name(const char *name, char *out, size_t outlen)
{
    size_t n = 0;
    bool up = true;
    for (const char *p = name; *p && n + 1 < outlen; p++) {
        if (*p == '-' || *p == '_' || *p == ' ') {
            up = true;
            continue;
        }
        out[n++] = up && *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : *p;
        up = false;
    }
    out[n] = '\0';
}

static void
write_rule(struct md_json *j, const struct md_rule_info *ri)
{
    md_json_obj(j);
    md_json_key(j, "id");
    md_json_strz(j, ri->id);
    char name[128];
    pascal_name(ri->name, name, sizeof name);
    md_json_key(j, "name");
    md_json_strz(j, name);
    text_obj(j, "shortDescription", ri->title);
    /* The title as a sentence, with the references that are not links
     * (the support article's sections). */
    char full[1024];
    size_t n = (size_t)snprintf(full, sizeof full, "%s.", ri->title);
    const char *sep = " See: ";
    for (size_t i = 0; i < ri->nreferences && n < sizeof full; i++) {
        if (!strncmp(ri->references[i], "http", 4))
            continue;
        n += (size_t)snprintf(full + n, sizeof full - n, "%s%s", sep,
                              ri->references[i]);
        sep = "; ";
    }
    if (strcmp(sep, "; ") == 0 && n + 1 < sizeof full)
        snprintf(full + n, sizeof full - n, ".");
    text_obj(j, "fullDescription", full);
    text_obj(j, "help", ri->fix);
    for (size_t i = 0; i < ri->nreferences; i++)
        if (!strncmp(ri->references[i], "http://", 7) ||
            !strncmp(ri->references[i], "https://", 8)) {
            md_json_key(j, "helpUri");
            md_json_strz(j, ri->references[i]);
            break;
        }
    md_json_key(j, "defaultConfiguration");
    md_json_obj(j);
    md_json_key(j, "level");
    md_json_strz(j, level_of(ri->severity));
    md_json_end_obj(j);
    md_json_key(j, "properties");
    md_json_obj(j);
    md_json_key(j, "tags");
    md_json_arr(j);
    for (size_t i = 0; i < ri->ntags; i++)
        md_json_strz(j, ri->tags[i]);
    md_json_end_arr(j);
    md_json_end_obj(j);
    md_json_end_obj(j);
}

static void
write_driver(struct md_json *j, const struct md_sarif_rules *rl,
             const struct md_render *r)
{
    md_json_key(j, "tool");
    md_json_obj(j);
    md_json_key(j, "driver");
    md_json_obj(j);
    md_json_key(j, "name");
    md_json_strz(j, "marsdiag");
    md_json_key(j, "version");
    md_json_strz(j, md_version());
    md_json_key(j, "semanticVersion");
    md_json_strz(j, md_version());
    if (r->rulepack) {
        md_json_key(j, "properties");
        md_json_obj(j);
        md_json_key(j, "rulepack");
        md_json_strz(j, r->rulepack);
        md_json_end_obj(j);
    }
    md_json_key(j, "rules");
    md_json_arr(j);
    for (size_t i = 0; i < rl->n; i++)
        write_rule(j, rl->r[i]);
    md_json_end_arr(j);
    md_json_end_obj(j);
    md_json_end_obj(j);
}

/* ---- locations --------------------------------------------------------- */

/* s redacted, NUL-terminated; "" when memory ran out (never s). */
static char *
redacted(const struct md_redactor *rd, const char *s, size_t len)
{
    char *o = md_redactor_apply(rd, s, len, NULL);
    return o ? o : calloc(1, 1);
}

static void
artifact_location(struct md_json *j, const struct md_redactor *rd,
                  const char *path, const char *base)
{
    md_json_key(j, "artifactLocation");
    md_json_obj(j);
    char *p = redacted(rd, path, strlen(path));
    size_t n = md_sarif_uri(p ? p : "", NULL, 0);
    char *uri = malloc(n + 1);
    if (p && uri) {
        md_sarif_uri(p, uri, n + 1);
        md_json_key(j, "uri");
        md_json_strz(j, uri);
    }
    free(uri);
    free(p);
    md_json_key(j, "uriBaseId");
    md_json_strz(j, base);
    md_json_end_obj(j);
}

/* What a person should see of a record: its text, or a log record's
 * message, or an event's data. */
static const char *
excerpt_of(const struct md_evidence *ev, size_t *len)
{
    const struct md_field *msg = md_ev_field(ev, "message");
    if (!msg || msg->type != MD_V_STR || !msg->len)
        msg = ev->text ? NULL : md_ev_field(ev, "data");
    if (msg && msg->type == MD_V_STR) {
        *len = msg->len;
        return msg->s;
    }
    *len = ev->text_len;
    return ev->text;
}

/* The excerpt, redacted, cut at SNIPPET_MAX bytes on a UTF-8 boundary. */
static void
snippet(struct md_json *j, const struct md_redactor *rd, const char *t,
        size_t tlen)
{
    size_t n;
    char *m = md_redactor_apply(rd, t, tlen, &n);
    if (!m)
        return;
    size_t lim = n > SNIPPET_MAX ? SNIPPET_MAX : n;
    while (lim < n && lim > 0 && ((unsigned char)m[lim] & 0xC0) == 0x80)
        lim--;
    md_json_key(j, "text");
    md_json_str(j, m, lim);
    free(m);
}

static void
logical_locations(struct md_json *j, const struct md_evidence *ev,
                  const struct md_redactor *rd)
{
    if (!ev->key && !ev->xpath)
        return;
    md_json_key(j, "logicalLocations");
    md_json_arr(j);
    md_json_obj(j);
    if (ev->key) {
        /* A registry value is a property of its key, an object. */
        size_t kl = strlen(ev->key), nl = ev->name ? strlen(ev->name) : 0;
        char *full = malloc(kl + nl + 2);
        if (full) {
            snprintf(full, kl + nl + 2, "%s%s%s", ev->key, ev->name ? "\\" : "",
                     ev->name ? ev->name : "");
            const char *last = strrchr(ev->key, '\\');
            const char *name = ev->name ? ev->name : last ? last + 1 : ev->key;
            md_json_key(j, "name");
            md_json_redacted(j, rd, name, strlen(name));
            md_json_key(j, "fullyQualifiedName");
            md_json_redacted(j, rd, full, strlen(full));
            free(full);
        }
        md_json_key(j, "kind");
        md_json_strz(j, ev->name ? "property" : "object");
    } else {
        const char *last = strrchr(ev->xpath, '/');
        const char *name = last && last[1] ? last + 1 : ev->xpath;
        md_json_key(j, "name");
        md_json_redacted(j, rd, name, strlen(name));
        md_json_key(j, "fullyQualifiedName");
        md_json_redacted(j, rd, ev->xpath, strlen(ev->xpath));
        md_json_key(j, "kind");
        md_json_strz(j, "element");
    }
    md_json_end_obj(j);
    md_json_end_arr(j);
}

/* The base the file of ev was read from: the one whose bundle path is
 * the very string the input names (so a bundle given twice is told
 * apart), else an equal one; NULL when none holds it (a record made up
 * for an empty machine). */
static const char *
base_of(const struct md_sarif *s, const struct md_evidence *ev)
{
    if (!ev->input || !ev->input->bundle)
        return NULL;
    for (size_t k = 0; k < s->nbases; k++)
        if (s->bases[k].b->path == ev->input->bundle)
            return s->bases[k].id;
    for (size_t k = 0; k < s->nbases; k++)
        if (!strcmp(s->bases[k].b->path, ev->input->bundle))
            return s->bases[k].id;
    return NULL;
}

/* One evidence record as a location; id >= 0 for a related location. */
static void
write_location(struct md_json *j, const struct md_evidence *ev,
               const char *base, long id, const struct md_redactor *rd)
{
    md_json_obj(j);
    if (id >= 0) {
        md_json_key(j, "id");
        md_json_int(j, id);
    }
    size_t tlen;
    const char *t = excerpt_of(ev, &tlen);
    bool located = ev->input && base;
    if (located) {
        md_json_key(j, "physicalLocation");
        md_json_obj(j);
        artifact_location(j, rd, ev->input->path, base);
        if (ev->line) {
            md_json_key(j, "region");
            md_json_obj(j);
            md_json_key(j, "startLine");
            md_json_uint(j, ev->line);
            if (t) {
                md_json_key(j, "snippet");
                md_json_obj(j);
                snippet(j, rd, t, tlen);
                md_json_end_obj(j);
            }
            md_json_end_obj(j);
        }
        md_json_end_obj(j);
    }
    logical_locations(j, ev, rd);
    if (t && !(located && ev->line)) {
        md_json_key(j, "message");
        md_json_obj(j);
        snippet(j, rd, t, tlen);
        md_json_end_obj(j);
    }
    md_json_end_obj(j);
}

/* ---- results ----------------------------------------------------------- */

static void
hash_str(struct md_sha256 *h, const struct md_redactor *rd, const char *s)
{
    char *m = s ? redacted(rd, s, strlen(s)) : NULL;
    if (m)
        md_sha256_update(h, m, strlen(m));
    md_sha256_update(h, "", 1); /* a separator no string contains */
    free(m);
}

/* Stable across runs: the rule, the subject and where the evidence is
 * (member, key, value, XML path), not line numbers or the bundle's name,
 * which change from one collection to the next. */
static void
fingerprint(const struct md_verdict_finding *f, const struct md_redactor *rd,
            char out[33])
{
    static const char hexd[] = "0123456789abcdef";
    struct md_sha256 h;
    md_sha256_init(&h);
    hash_str(&h, rd, f->rule->id);
    hash_str(&h, rd, f->subject);
    for (size_t i = 0; i < f->nevidence; i++) {
        const struct md_evidence *ev = f->evidence[i];
        hash_str(&h, rd, ev->input ? ev->input->path : NULL);
        hash_str(&h, rd, ev->key);
        hash_str(&h, rd, ev->name);
        hash_str(&h, rd, ev->xpath);
    }
    unsigned char d[32];
    md_sha256_final(&h, d);
    for (size_t i = 0; i < 16; i++) {
        out[2 * i] = hexd[d[i] >> 4];
        out[2 * i + 1] = hexd[d[i] & 15];
    }
    out[32] = '\0';
}

void
md_sarif_result(struct md_sarif *s, const struct md_verdict *v,
                const struct md_verdict_finding *f, const char *baseline)
{
    struct md_json *j = &s->j;
    const struct md_sarif_rules *rl = &s->rules;
    const struct md_redactor *rd = s->r->redactor;
    md_json_obj(j);
    md_json_key(j, "ruleId");
    md_json_strz(j, f->rule->id);
    long idx = rule_index(rl, f->rule);
    if (idx >= 0) {
        md_json_key(j, "ruleIndex");
        md_json_int(j, idx);
    }
    md_json_key(j, "level");
    md_json_strz(j, level_of(f->severity));
    md_json_key(j, "message");
    md_json_obj(j);
    md_json_key(j, "text");
    md_json_redacted(j, rd, f->message, strlen(f->message));
    md_json_end_obj(j);
    if (f->nevidence) {
        md_json_key(j, "locations");
        md_json_arr(j);
        write_location(j, f->evidence[0], base_of(s, f->evidence[0]), -1, rd);
        md_json_end_arr(j);
    }
    if (f->nevidence > 1) {
        md_json_key(j, "relatedLocations");
        md_json_arr(j);
        for (size_t i = 1; i < f->nevidence; i++)
            write_location(j, f->evidence[i], base_of(s, f->evidence[i]),
                           (long)i, rd);
        md_json_end_arr(j);
    }
    char fp[33];
    fingerprint(f, rd, fp);
    md_json_key(j, "partialFingerprints");
    md_json_obj(j);
    md_json_key(j, "marsdiagFinding/v1");
    md_json_strz(j, fp);
    md_json_end_obj(j);
    if (f->suppressed) {
        md_json_key(j, "suppressions");
        md_json_arr(j);
        md_json_obj(j);
        md_json_key(j, "kind");
        md_json_strz(j, "external");
        if (f->waiver_reason) {
            md_json_key(j, "justification");
            md_json_redacted(j, rd, f->waiver_reason, strlen(f->waiver_reason));
        }
        md_json_end_obj(j);
        md_json_end_arr(j);
    }
    if (baseline) {
        md_json_key(j, "baselineState");
        md_json_strz(j, baseline);
    }
    md_json_key(j, "properties");
    md_json_obj(j);
    md_json_key(j, "bundle");
    md_json_redacted(j, rd, v->bundle.path, strlen(v->bundle.path));
    md_json_key(j, "severity");
    md_json_strz(j, md_severity_str(f->severity));
    if (f->subject) {
        md_json_key(j, "subject");
        md_json_redacted(j, rd, f->subject, strlen(f->subject));
    }
    md_json_end_obj(j);
    md_json_end_obj(j);
}

/* ---- the run ----------------------------------------------------------- */

static void
notification(struct md_json *j, const char *level, const char *code,
             const char *msg, const struct md_input *in, uint64_t line,
             const char *base, const struct md_redactor *rd)
{
    md_json_obj(j);
    md_json_key(j, "level");
    md_json_strz(j, level);
    md_json_key(j, "message");
    md_json_obj(j);
    md_json_key(j, "text");
    md_json_redacted(j, rd, msg, strlen(msg));
    md_json_end_obj(j);
    md_json_key(j, "descriptor");
    md_json_obj(j);
    md_json_key(j, "id");
    md_json_strz(j, code);
    md_json_end_obj(j);
    if (in) {
        md_json_key(j, "locations");
        md_json_arr(j);
        md_json_obj(j);
        md_json_key(j, "physicalLocation");
        md_json_obj(j);
        artifact_location(j, rd, in->path, base);
        if (line) {
            md_json_key(j, "region");
            md_json_obj(j);
            md_json_key(j, "startLine");
            md_json_uint(j, line);
            md_json_end_obj(j);
        }
        md_json_end_obj(j);
        md_json_end_obj(j);
        md_json_end_arr(j);
    }
    md_json_end_obj(j);
}

/* The one invocation: whether every bundle could be read, and what went
 * wrong reading them (unreadable bundles, damaged or partial inputs). */
static void
write_invocation(struct md_json *j, const struct md_sarif_base *bases,
                 size_t nbases, const struct md_redactor *rd)
{
    bool ok = true;
    for (size_t i = 0; i < nbases; i++)
        ok = ok && bases[i].b->status == MD_OK;
    md_json_key(j, "invocations");
    md_json_arr(j);
    md_json_obj(j);
    md_json_key(j, "executionSuccessful");
    md_json_bool(j, ok);
    md_json_key(j, "toolExecutionNotifications");
    md_json_arr(j);
    for (size_t i = 0; i < nbases; i++) {
        const struct md_bundle *b = bases[i].b;
        if (b->status != MD_OK)
            notification(j, "error", md_status_str(b->status), b->error, NULL,
                         0, bases[i].id, rd);
        for (const struct md_input *in = b->inputs; in; in = in->next)
            for (const struct md_diag *d = in->diags; d; d = d->next)
                if (d->grade >= MD_GRADE_WARN)
                    notification(
                        j, d->grade >= MD_GRADE_FAILED ? "error" : "warning",
                        md_status_str(d->code), d->msg, in, d->line,
                        bases[i].id, rd);
    }
    md_json_end_arr(j);
    md_json_end_obj(j);
    md_json_end_arr(j);
}

static void
write_bases(struct md_json *j, const struct md_sarif_base *bases,
            size_t nbases, const struct md_redactor *rd)
{
    md_json_key(j, "originalUriBaseIds");
    md_json_obj(j);
    for (size_t i = 0; i < nbases; i++) {
        const char *path = bases[i].b->path;
        md_json_key(j, bases[i].id);
        md_json_obj(j);
        md_json_key(j, "description");
        md_json_obj(j);
        md_json_key(j, "text");
        md_json_redacted(j, rd, path, strlen(path));
        md_json_end_obj(j);
        md_json_end_obj(j);
    }
    md_json_end_obj(j);
}

void
md_sarif_begin(struct md_sarif *s, FILE *f, const struct md_verdict *const *v,
               size_t nv, const struct md_sarif_base *bases, size_t nbases,
               const struct md_render *r)
{
    s->r = r;
    s->bases = bases;
    s->nbases = nbases;
    rules_collect(&s->rules, v, nv, r);
    struct md_json *j = &s->j;
    md_json_init(j, f, true);
    md_json_obj(j);
    md_json_key(j, "$schema");
    md_json_strz(j, MD_SARIF_SCHEMA);
    md_json_key(j, "version");
    md_json_strz(j, "2.1.0");
    md_json_key(j, "runs");
    md_json_arr(j);
    md_json_obj(j);
    write_driver(j, &s->rules, r);
    write_invocation(j, bases, nbases, r->redactor);
    write_bases(j, bases, nbases, r->redactor);
    md_json_key(j, "results");
    md_json_arr(j);
}

void
md_sarif_end_results(struct md_sarif *s)
{
    md_json_end_arr(&s->j);
}

void
md_sarif_end(struct md_sarif *s)
{
    md_json_end_obj(&s->j);
    md_json_end_arr(&s->j);
    md_json_end_obj(&s->j);
    fputc('\n', s->j.f);
    free(s->rules.r);
}

void
md_write_verdicts_sarif(FILE *f, const struct md_verdict *v, size_t nv,
                        const struct md_render *r)
{
    /* A base per bundle, BUNDLE1 to BUNDLEn, in the order given. */
    const struct md_verdict **vp = calloc(nv ? nv : 1, sizeof *vp);
    struct md_sarif_base *bases = calloc(nv ? nv : 1, sizeof *bases);
    char (*ids)[32] = calloc(nv ? nv : 1, sizeof *ids);
    if (!vp || !bases || !ids) {
        free(vp);
        free(bases);
        free(ids);
        return;
    }
    for (size_t i = 0; i < nv; i++) {
        vp[i] = &v[i];
        snprintf(ids[i], sizeof ids[i], "BUNDLE%zu", i + 1);
        bases[i] = (struct md_sarif_base){ids[i], &v[i].bundle};
    }
    struct md_sarif s;
    md_sarif_begin(&s, f, vp, nv, bases, nv, r);
    for (size_t i = 0; i < nv; i++)
        for (size_t k = 0; k < v[i].nfindings; k++)
            md_sarif_result(&s, &v[i], &v[i].findings[k], NULL);
    md_sarif_end_results(&s);
    md_sarif_end(&s);
    free(vp);
    free(bases);
    free(ids);
}
