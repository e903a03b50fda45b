/*
 * marsdiag explain RULE [BUNDLE]: a rule's documentation (id, name,
 * severity and severity_when, title, condition, message template, fix,
 * references, tags, where it is defined) and, given a bundle, why it did
 * or did not fire there: the condition's evaluation trace (marsdiag/
 * trace.h) — every sub-expression with its value, which operand of an
 * and/or decided, the facts read with the evidence behind them (file:line,
 * registry key and value, the text), for a [*] rule each element — and,
 * when it fired, the findings and the severity_when that set their
 * severity. Text for a person, or --format json (schema
 * marsdiag.explain/1). Strings from the bundle are redacted as in scan
 * (--redact secrets, the default: passwords masked; strict: names
 * replaced by pseudonyms, redact.h), and, in text, scrubbed of terminal
 * controls (md_text_scrub); so are the rule's texts, which may come
 * from any --rules DIR.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "marsdiag/engine.h"
#include "marsdiag/redact.h"
#include "marsdiag/report.h"
#include "marsdiag/trace.h"
#include "marsdiag/verdict.h"
#include "setup.h"

#define MD_EXPLAIN_SCHEMA "marsdiag.explain/1"
#define MAX_EVIDENCE 5 /* per fact, in text */

/* One evaluation of a rule on a bundle, and what came of it. */
struct explained {
    const struct md_rule_info *rule;
    const struct md_verdict *v;
    const struct md_redactor *rd; /* --redact strict, else NULL */
    struct md_trace_result when;
    /* per run that holds: the severity_when traces, up to the first that
     * holds (index k of run i at sw[i][k]) */
    struct md_trace_run **sw;
    size_t *nsw;
};

/* ---- text --------------------------------------------------------------- */

/* s[0..len) from the bundle as it may be shown: redacted whole (a name
 * or password cut short would not be recognised), then cut to at most
 * lim bytes, not inside a UTF-8 sequence, tabs and line ends made
 * spaces when one_line, and scrubbed of terminal controls; *cut says
 * whether it was cut. Free it; NULL on ENOMEM. */
static char *
shown_line(const struct md_redactor *rd, const char *s, size_t len, size_t lim,
           bool one_line, bool *cut)
{
    size_t n;
    char *m = md_redactor_apply(rd, s, len, &n);
    if (!m)
        return NULL;
    *cut = n > lim;
    if (*cut) {
        while (lim > 0 && ((unsigned char)m[lim] & 0xC0) == 0x80)
            lim--;
        n = lim;
        m[n] = '\0';
    }
    for (size_t k = 0; one_line && k < n; k++)
        if (m[k] == '\t' || m[k] == '\n' || m[k] == '\r')
            m[k] = ' ';
    md_text_scrub(m, n);
    return m;
}

static char *
shown(const struct md_redactor *rd, const char *s, size_t len, size_t lim,
      bool *cut)
{
    return shown_line(rd, s, len, lim, false, cut);
}

/* A string from the bundle, redacted and scrubbed (nothing when memory
 * ran out). */
static void
put_bundle(FILE *f, const struct md_redactor *rd, const char *s)
{
    bool cut;
    char *m = shown(rd, s, strlen(s), SIZE_MAX, &cut);
    if (m)
        fputs(m, f);
    free(m);
}

/* A rule's text (its file may be anyone's), scrubbed. */
static void
put_rule(FILE *f, const char *s)
{
    char *m = strdup(s ? s : "");
    if (!m)
        return;
    md_text_scrub(m, strlen(m));
    fputs(m, f);
    free(m);
}

/* s after a label of width ind, wrapped at 78 columns, continuation lines
 * indented by ind; each word scrubbed of terminal controls. */
static void
wrapped(FILE *f, int ind, int col, const char *text)
{
    char *s = strdup(text ? text : "");
    if (!s)
        return;
    char *p = s;
    int start = col;
    while (*p) {
        while (*p == ' ' || *p == '\n')
            p++;
        size_t w = strcspn(p, " \n");
        if (!w)
            break;
        if (col > start && col + 1 + (int)w > 78) {
            fprintf(f, "\n%*s", ind, "");
            col = start = ind;
        } else if (col > start) {
            fputc(' ', f);
            col++;
        }
        md_text_scrub(p, w);
        fwrite(p, 1, w, f);
        col += (int)w;
        p += w;
    }
    fputc('\n', f);
    free(s);
}

static void
field(FILE *f, const char *label, const char *s)
{
    fprintf(f, "%-12s", label);
    wrapped(f, 12, 12, s ? s : "");
}

static void
text_doc(FILE *f, const struct md_rule_info *r)
{
    put_rule(f, r->id);
    fputs("  ", f);
    put_rule(f, r->name);
    fputs("\n  ", f);
    wrapped(f, 2, 2, r->title);
    fputc('\n', f);
    field(f, "severity:", md_severity_str(r->severity));
    for (size_t i = 0; i < r->nseverity_when; i++) {
        char line[64];
        snprintf(line, sizeof line, "%*s%s when: ", 12, "",
                 md_severity_str(r->severity_when[i].severity));
        fputs(line, f);
        wrapped(f, 14, (int)strlen(line), r->severity_when[i].when);
    }
    field(f, "when:", r->when);
    field(f, "message:", r->message);
    field(f, "fix:", r->fix);
    fputs("references:\n", f);
    for (size_t i = 0; i < r->nreferences; i++) {
        fputs("  - ", f);
        wrapped(f, 4, 4, r->references[i]);
    }
    if (r->ntags) {
        fprintf(f, "%-12s", "tags:");
        for (size_t i = 0; i < r->ntags; i++) {
            fputs(i ? ", " : "", f);
            put_rule(f, r->tags[i]);
        }
        fputc('\n', f);
    }
    fprintf(f, "%-12s", "defined:");
    put_rule(f, r->file ? r->file : "?");
    fprintf(f, ":%u\n", r->line);
}

/* A value for a person: strings quoted, redacted, cut at 120 bytes. */
static void
put_value(FILE *f, const struct md_redactor *rd, const struct md_trace *t)
{
    const struct md_fact *v = t->value;
    if (!t->evaluated) {
        fputs("-", f);
        return;
    }
    if (!v || v->type == MD_F_NULL) {
        fputs("null", f);
        return;
    }
    switch (v->type) {
    case MD_F_BOOL:
        fputs(v->i ? "true" : "false", f);
        break;
    case MD_F_INT:
        fprintf(f, "%lld", (long long)v->i);
        break;
    case MD_F_STR: {
        bool cut;
        char *m = shown(rd, v->s, v->len, 120, &cut);
        fprintf(f, "'%s%s'", m ? m : "", m && cut ? "…" : "");
        free(m);
        break;
    }
    case MD_F_LIST:
        fprintf(f, "(a list of %zu)", v->n);
        break;
    default:
        fputs("(an object)", f);
        break;
    }
}

static void
text_evidence(FILE *f, const struct md_redactor *rd, int ind,
              const struct md_evidence *ev)
{
    fprintf(f, "%*sfrom ", ind, "");
    put_bundle(f, rd, ev->input ? ev->input->path : "?");
    if (ev->line)
        fprintf(f, ":%llu", (unsigned long long)ev->line);
    if (ev->key) {
        fputs(" [", f);
        put_bundle(f, rd, ev->key);
        fputc(']', f);
    }
    if (ev->name) {
        fputc(' ', f);
        put_bundle(f, rd, ev->name);
    }
    if (ev->xpath) {
        fputc(' ', f);
        put_bundle(f, rd, ev->xpath);
    }
    if (ev->text) {
        bool cut;
        char *m = shown_line(rd, ev->text, ev->text_len, 100, true, &cut);
        fprintf(f, ": %s%s", m ? m : "", m && cut ? "…" : "");
        free(m);
    }
    fputc('\n', f);
}

static void
text_fact(FILE *f, const struct md_redactor *rd, int ind,
          const struct md_trace *t)
{
    fprintf(f, "%*s", ind, "");
    put_rule(f, t->path);
    fputs(" = ", f);
    if (t->nkids) {
        fprintf(f, "(each element below)\n");
        for (size_t i = 0; i < t->nkids; i++)
            text_fact(f, rd, ind + 2, t->kids[i]);
        return;
    }
    struct md_trace as_fact = *t;
    as_fact.evaluated = true;
    as_fact.value = t->fact;
    put_value(f, rd, &as_fact);
    if (!t->fact || t->fact->type == MD_F_NULL) {
        fputs("  (not in the bundle)\n", f);
        return;
    }
    fputc('\n', f);
    if (!t->fact->nev && t->fact->type != MD_F_LIST &&
        t->fact->type != MD_F_OBJ)
        fprintf(f, "%*s(derived by the model; no record of its own)\n",
                ind + 2, "");
    for (size_t i = 0; i < t->fact->nev && i < MAX_EVIDENCE; i++)
        text_evidence(f, rd, ind + 2, t->fact->ev[i]);
    if (t->fact->nev > MAX_EVIDENCE)
        fprintf(f, "%*s(%zu more records)\n", ind + 2, "",
                t->fact->nev - MAX_EVIDENCE);
}

/* Why an and/or chain has its value, in words. */
static void
deciding(FILE *f, int ind, const struct md_trace *t)
{
    bool is_and = t->kind == MD_TRACE_AND;
    const char *v = is_and ? "false" : "true";
    size_t n = t->nkids, k = (size_t)t->decided_by;
    fprintf(f, "%*s(%s: ", ind, "", t->op);
    if (t->decided_by < 0)
        fprintf(f, "%s %zu operands are %s", n == 2 ? "both" : "all", n,
                is_and ? "true" : "false");
    else if (k + 1 == n)
        fprintf(f, "operand %zu of %zu is %s, the %s before it %s", k + 1, n,
                v, k == 1 ? "one" : "ones", is_and ? "true" : "false");
    else
        fprintf(f, "operand %zu of %zu is %s; %s after it %s not evaluated",
                k + 1, n, v, k + 2 == n ? "the one" : "those",
                k + 2 == n ? "was" : "were");
    fputs(")\n", f);
}

static void
text_trace(FILE *f, const struct md_redactor *rd, int ind,
           const struct md_trace *t)
{
    if (t->kind == MD_TRACE_LITERAL)
        return; /* shown in its parent's expression */
    if (t->kind == MD_TRACE_FACT && t->evaluated) {
        text_fact(f, rd, ind, t);
        return;
    }
    fprintf(f, "%*s", ind, "");
    if (!t->evaluated) {
        fputs("(not evaluated) ", f);
        put_rule(f, t->expr);
        fputc('\n', f);
        return;
    }
    put_value(f, rd, t);
    fputs("  ", f);
    put_rule(f, t->expr);
    fputc('\n', f);
    if (t->kind == MD_TRACE_AND || t->kind == MD_TRACE_OR)
        deciding(f, ind + 2, t);
    for (size_t i = 0; i < t->nkids; i++)
        text_trace(f, rd, ind + 2, t->kids[i]);
}

static void
text_severity(FILE *f, const struct explained *x, size_t run)
{
    const struct md_rule_info *r = x->rule;
    size_t n = x->nsw ? x->nsw[run] : 0;
    for (size_t k = 0; k < n; k++) {
        const struct md_trace_run *s = &x->sw[run][k];
        fprintf(f, "    severity_when %zu (%s): %s\n", k + 1,
                md_severity_str(r->severity_when[k].severity),
                s->holds ? "holds" : "does not hold");
        text_trace(f, x->rd, 6, s->root);
    }
    if (!r->nseverity_when)
        return;
    if (n && x->sw[run][n - 1].holds)
        fprintf(f, "    severity: %s, set by severity_when %zu\n",
                md_severity_str(r->severity_when[n - 1].severity), n);
    else
        fprintf(f, "    severity: %s, the default (no severity_when holds)\n",
                md_severity_str(r->severity));
}

/* The finding the verdict has for run i (NULL when it has none). */
static const struct md_verdict_finding *
finding_of(const struct explained *x, const struct md_trace_run *run)
{
    for (size_t i = 0; i < x->v->nfindings; i++) {
        const struct md_verdict_finding *f = &x->v->findings[i];
        if (f->rule != x->rule)
            continue;
        if (!run->subject || (f->subject && !strcmp(f->subject, run->subject)))
            return f;
    }
    return NULL;
}

static size_t
nfindings(const struct explained *x)
{
    size_t n = 0;
    for (size_t i = 0; i < x->v->nfindings; i++)
        n += x->v->findings[i].rule == x->rule;
    return n;
}

static void
text_bundle(FILE *f, const struct explained *x)
{
    const struct md_rule_info *r = x->rule;
    const struct md_trace_result *w = &x->when;
    size_t nf = nfindings(x);
    fputs("\nBundle: ", f);
    put_bundle(f, x->rd, x->v->bundle.path);
    fputc('\n', f);
    if (nf)
        fprintf(f, "%s fired: %zu finding%s\n", r->id, nf, nf == 1 ? "" : "s");
    else
        fprintf(f, "%s did not fire\n", r->id);
    if (w->list && !w->nruns) {
        fputs("\nThe condition is evaluated for each element of ", f);
        put_rule(f, w->list);
        fprintf(f,
                ", and the bundle has %s: nothing to evaluate, so the "
                "rule cannot fire.\n",
                w->list_missing ? "no such list" : "an empty list");
    } else if (w->list) {
        size_t nh = 0;
        for (size_t i = 0; i < w->nruns; i++)
            nh += w->runs[i].holds;
        fputs("\nThe condition is evaluated for each element of ", f);
        put_rule(f, w->list);
        fprintf(f, " (%zu); it holds for %s.\n", w->nruns,
                nh == 0          ? "none"
                : nh == w->nruns ? "all"
                                 : "some");
    }
    for (size_t i = 0; i < w->nruns; i++) {
        const struct md_trace_run *run = &w->runs[i];
        if (run->subject) {
            fputs("\nElement ", f);
            put_bundle(f, x->rd, run->subject);
            fprintf(f, ": the condition %s\n",
                    run->holds ? "holds" : "does not hold");
        } else {
            fprintf(f, "\nThe condition %s:\n",
                    run->holds ? "holds" : "does not hold");
        }
        text_trace(f, x->rd, 2, run->root);
        const struct md_verdict_finding *fd =
            run->holds ? finding_of(x, run) : NULL;
        if (!fd)
            continue;
        fprintf(f, "\n  Finding (%s)", md_severity_str(fd->severity));
        if (fd->subject) {
            fputs(" [", f);
            put_bundle(f, x->rd, fd->subject);
            fputc(']', f);
        }
        fputs(":\n", f);
        char *m =
            md_redactor_apply(x->rd, fd->message, strlen(fd->message), NULL);
        fputs("    ", f);
        wrapped(f, 4, 4, m ? m : "");
        free(m);
        text_severity(f, x, i);
    }
    if (w->limit)
        fputs("\nnote: a regular expression hit a PCRE2 limit; that match "
              "counted as false\n", f);
}

/* ---- JSON --------------------------------------------------------------- */

static void
json_strings(struct md_json *j, const char *key, const char *const *v,
             size_t n)
{
    md_json_key(j, key);
    md_json_arr(j);
    for (size_t i = 0; i < n; i++)
        md_json_strz(j, v[i]);
    md_json_end_arr(j);
}

static void
json_doc(struct md_json *j, const struct md_rule_info *r)
{
    md_json_key(j, "rule");
    md_json_obj(j);
    md_json_key(j, "id");
    md_json_strz(j, r->id);
    md_json_key(j, "name");
    md_json_strz(j, r->name);
    md_json_key(j, "severity");
    md_json_strz(j, md_severity_str(r->severity));
    md_json_key(j, "severity_when");
    md_json_arr(j);
    for (size_t i = 0; i < r->nseverity_when; i++) {
        md_json_obj(j);
        md_json_key(j, "when");
        md_json_strz(j, r->severity_when[i].when);
        md_json_key(j, "severity");
        md_json_strz(j, md_severity_str(r->severity_when[i].severity));
        md_json_end_obj(j);
    }
    md_json_end_arr(j);
    md_json_key(j, "title");
    md_json_strz(j, r->title);
    md_json_key(j, "when");
    md_json_strz(j, r->when);
    md_json_key(j, "message");
    md_json_strz(j, r->message);
    md_json_key(j, "fix");
    md_json_strz(j, r->fix);
    json_strings(j, "references", r->references, r->nreferences);
    json_strings(j, "tags", r->tags, r->ntags);
    md_json_key(j, "file");
    md_json_strz(j, r->file);
    md_json_key(j, "line");
    md_json_uint(j, r->line);
    md_json_end_obj(j);
}

static void
json_evidence(struct md_json *j, const struct md_redactor *rd,
              const struct md_fact *f)
{
    md_json_key(j, "evidence");
    md_json_arr(j);
    for (size_t i = 0; f && i < f->nev; i++)
        md_write_evidence_ref_json(j, f->ev[i], rd);
    md_json_end_arr(j);
}

static void
json_trace(struct md_json *j, const struct md_redactor *rd,
           const struct md_trace *t)
{
    md_json_obj(j);
    md_json_key(j, "expr");
    md_json_strz(j, t->expr);
    md_json_key(j, "kind");
    md_json_strz(j, md_trace_kind_str(t->kind));
    if (t->op) {
        md_json_key(j, "op");
        md_json_strz(j, t->op);
    }
    md_json_key(j, "evaluated");
    md_json_bool(j, t->evaluated);
    if (t->evaluated && t->kind != MD_TRACE_FACT) {
        md_json_key(j, "value");
        md_write_fact_json(j, t->value, rd);
    }
    if (t->evaluated &&
        (t->kind == MD_TRACE_AND || t->kind == MD_TRACE_OR)) {
        /* the index of the deciding operand; null: all were needed */
        md_json_key(j, "decided_by");
        if (t->decided_by < 0)
            md_json_null(j);
        else
            md_json_int(j, t->decided_by);
    }
    if (t->kind == MD_TRACE_FACT) {
        md_json_key(j, "path");
        md_json_strz(j, t->path);
        if (t->evaluated && !t->nkids) {
            md_json_key(j, "value");
            md_write_fact_json(j, t->fact, rd);
            json_evidence(j, rd, t->fact);
        }
    }
    if (t->nkids) {
        md_json_key(j, t->kind == MD_TRACE_FACT ? "elements" : "operands");
        md_json_arr(j);
        for (size_t i = 0; i < t->nkids; i++)
            json_trace(j, rd, t->kids[i]);
        md_json_end_arr(j);
    }
    md_json_end_obj(j);
}

static void
json_run(struct md_json *j, const struct explained *x, size_t i)
{
    const struct md_trace_run *run = &x->when.runs[i];
    md_json_obj(j);
    if (run->subject) {
        md_json_key(j, "index");
        md_json_uint(j, run->index);
        md_json_key(j, "subject");
        md_json_redacted(j, x->rd, run->subject, strlen(run->subject));
    }
    md_json_key(j, "holds");
    md_json_bool(j, run->holds);
    md_json_key(j, "trace");
    json_trace(j, x->rd, run->root);
    const struct md_verdict_finding *fd =
        run->holds ? finding_of(x, run) : NULL;
    if (fd) {
        md_json_key(j, "finding");
        md_json_obj(j);
        md_json_key(j, "severity");
        md_json_strz(j, md_severity_str(fd->severity));
        md_json_key(j, "message");
        md_json_redacted(j, x->rd, fd->message, strlen(fd->message));
        md_json_end_obj(j);
        md_json_key(j, "severity_when");
        md_json_arr(j);
        for (size_t k = 0; x->nsw && k < x->nsw[i]; k++) {
            md_json_obj(j);
            md_json_key(j, "severity");
            md_json_strz(j, md_severity_str(
                                x->rule->severity_when[k].severity));
            md_json_key(j, "holds");
            md_json_bool(j, x->sw[i][k].holds);
            md_json_key(j, "trace");
            json_trace(j, x->rd, x->sw[i][k].root);
            md_json_end_obj(j);
        }
        md_json_end_arr(j);
    }
    md_json_end_obj(j);
}

static void
json_bundle(struct md_json *j, const struct explained *x)
{
    md_json_key(j, "bundle");
    md_json_obj(j);
    md_json_key(j, "path");
    md_json_redacted(j, x->rd, x->v->bundle.path, strlen(x->v->bundle.path));
    md_json_end_obj(j);
    md_json_key(j, "fired");
    md_json_bool(j, nfindings(x) > 0);
    md_json_key(j, "list");
    md_json_strz(j, x->when.list);
    if (x->when.list) {
        md_json_key(j, "list_missing");
        md_json_bool(j, x->when.list_missing);
    }
    md_json_key(j, "evaluations");
    md_json_arr(j);
    for (size_t i = 0; i < x->when.nruns; i++)
        json_run(j, x, i);
    md_json_end_arr(j);
    md_json_key(j, "regex_limit");
    md_json_bool(j, x->when.limit);
}

/* ---- evaluation ----------------------------------------------------------- */

/* Trace the condition, and the severity_when of each run that holds up
 * to the first that holds (as md_rules_eval picks the severity). */
static enum md_status
explain_bundle(struct explained *x, struct md_arena *a)
{
    const struct md_rule_info *r = x->rule;
    const struct md_fact *root = md_model_root(x->v->model);
    enum md_status st = md_expr_trace(r->when_expr, root, a, &x->when);
    if (st != MD_OK)
        return st;
    size_t n = x->when.nruns ? x->when.nruns : 1;
    x->sw = md_arena_calloc(a, n * sizeof *x->sw);
    x->nsw = md_arena_calloc(a, n * sizeof *x->nsw);
    if (!x->sw || !x->nsw)
        return MD_ERR_NOMEM;
    const struct md_fact *list =
        x->when.list ? md_fact_path(root, x->when.list) : NULL;
    for (size_t i = 0; i < x->when.nruns; i++) {
        if (!x->when.runs[i].holds || !r->nseverity_when)
            continue;
        x->sw[i] = md_arena_calloc(a, r->nseverity_when * sizeof **x->sw);
        if (!x->sw[i])
            return MD_ERR_NOMEM;
        const struct md_fact *elem = list ? list->items[i] : NULL;
        for (size_t k = 0; k < r->nseverity_when; k++) {
            st = md_expr_trace_elem(r->severity_when[k].expr, root, elem, i,
                                    a, &x->sw[i][k]);
            if (st != MD_OK && st != MD_ERR_LIMIT)
                return st;
            x->nsw[i] = k + 1;
            if (x->sw[i][k].holds)
                break;
        }
    }
    return MD_OK;
}

/* The rule named by arg (its id, or its name), or NULL after saying
 * which rules come close. */
static const struct md_rule_info *
find_rule(const struct md_ruleset *rs, const char *arg)
{
    const struct md_rule_info *r = md_ruleset_find(rs, arg);
    for (size_t i = 0; !r && i < md_ruleset_count(rs); i++)
        if (!strcmp(md_ruleset_rule(rs, i)->name, arg))
            r = md_ruleset_rule(rs, i);
    if (r)
        return r;
    const struct md_rule_info *near[5];
    size_t n = md_ruleset_similar(rs, arg, near, 5);
    if (!n) {
        cli_error("unknown rule '%s' ('marsdiag rules' lists them)", arg);
        return NULL;
    }
    cli_error("unknown rule '%s'; did you mean:", arg);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, "  %-6s %s\n", near[i]->id, near[i]->name);
    return NULL;
}

#define EXPLAIN_USAGE                                                          \
    "usage: marsdiag explain [--format text|json] [--redact MODE] "            \
    "[--redact-key FILE]\n"                                                    \
    "                        [--rules DIR] [--limit N=V] [--as TYPE] RULE "    \
    "[BUNDLE]\n"

static int
usage_error(const char *msg)
{
    cli_error("%s", msg);
    fputs(EXPLAIN_USAGE, stderr);
    return EXIT_USAGE;
}

static int
run_explain(const struct md_engine *e, const struct md_rule_info *r,
            const char *bundle, struct md_scan_opts *so, bool json,
            struct md_redactor *rd)
{
    struct md_verdict v;
    memset(&v, 0, sizeof v);
    struct md_arena a = MD_ARENA_INIT;
    struct explained x = {.rule = r, .v = &v, .rd = rd};
    int rc = EXIT_CLEAN;
    struct md_json j;
    md_json_init(&j, stdout, true);
    if (bundle) {
        enum md_status st = md_engine_scan(e, bundle, so, &v);
        if (v.bundle.status != MD_OK || st != MD_OK) {
            cli_error("%s", v.bundle.status != MD_OK ? v.bundle.error
                                                     : md_status_str(st));
            md_verdict_free(&v);
            return EXIT_UNREADABLE;
        }
        /* a name left unlearnt could be printed as it is */
        if (explain_bundle(&x, &a) != MD_OK ||
            (rd && md_redactor_add_verdict(rd, &v) != MD_OK)) {
            cli_error("%s: out of memory", bundle);
            rc = EXIT_UNREADABLE;
            goto out;
        }
    }
    if (json) {
        md_json_obj(&j);
        md_json_key(&j, "schema");
        md_json_strz(&j, MD_EXPLAIN_SCHEMA);
        md_write_tool_redacted_json(&j, rd);
        json_doc(&j, r);
        if (bundle)
            json_bundle(&j, &x);
        md_json_end_obj(&j);
        fputc('\n', stdout);
    } else {
        text_doc(stdout, r);
        if (bundle)
            text_bundle(stdout, &x);
    }
out:
    if (bundle)
        md_verdict_free(&v);
    md_arena_free(&a);
    return rc;
}

int
cmd_explain(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        CLI_SETUP_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct cli_setup s;
    cli_setup_init(&s);
    bool json = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (strcmp(optarg, "json") && strcmp(optarg, "text")) {
                cli_error("unknown format '%s' (text or json)", optarg);
                return EXIT_USAGE;
            }
            json = !strcmp(optarg, "json");
            break;
        case 'h':
            puts(EXPLAIN_USAGE
                 "\n"
                 "The rule's documentation (RULE: its id or name); with "
                 "BUNDLE, why it did\n"
                 "or did not fire there: every part of the condition with "
                 "its value, the\n"
                 "facts it read and the evidence (file:line) behind them.\n"
                 "\n"
                 "  --redact secrets  mask passwords and URL credentials "
                 "(the default)\n"
                 "  --redact strict   also replace host names, addresses "
                 "and user names\n"
                 "                    with pseudonyms, as 'scan --redact "
                 "strict' does\n"
                 "  --redact-key FILE key the pseudonyms (else "
                 "$MARSDIAG_REDACT_KEY; without\n"
                 "                    a key they are numbered: host-1."
                 "example, ...)");
            return EXIT_CLEAN;
        default: /* CLI_SETUP_OPTIONS, or '?' */
            if (!cli_setup_option(c, optarg, &s))
                return EXIT_USAGE;
            break;
        }
    }
    if (optind >= argc)
        return usage_error("explain needs a RULE");
    if (argc - optind > 2)
        return usage_error("explain takes one RULE and at most one BUNDLE");
    int rc = cli_setup_load(&s);
    if (rc != EXIT_CLEAN)
        return rc;
    const struct md_rule_info *r =
        find_rule(md_engine_rules(s.e), argv[optind]);
    const char *bundle = optind + 1 < argc ? argv[optind + 1] : NULL;
    rc = r ? run_explain(s.e, r, bundle, &s.so, json, s.rd) : EXIT_USAGE;
    cli_setup_free(&s);
    return rc;
}
