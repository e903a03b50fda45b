/*
 * The Markdown reports of a review and of a bundle diff (review.h), to
 * paste into a change ticket: GitHub Flavored Markdown made of the scan
 * report's pieces (markdown_int.h), so findings, evidence and escaping
 * are the same. Text from a bundle or a change file reaches the output
 * only through md_md_redacted.
 */
#include "review_int.h"

#include "markdown_int.h"

#include <string.h>

#include "marsdiag/markdown.h"

/* s from a bundle or a change file, NUL-terminated. */
static void
put(FILE *f, const struct md_render *r, enum md_md_how how, const char *s)
{
    md_md_redacted(f, r, how, s, strlen(s));
}

static const char *
base_name(const char *path)
{
    const char *b = path;
    for (const char *p = path; *p; p++)
        if (*p == '/' || *p == '\\')
            b = p + 1;
    return *b ? b : path;
}

/* A scalar fact in a table cell: a code span, "—" when not set. */
static void
fact_cell(FILE *f, const struct md_render *r, const struct md_fact *v)
{
    char num[32];
    if (!v || v->type == MD_F_NULL) {
        fputs("—", f);
        return;
    }
    if (v->type == MD_F_STR) {
        md_md_redacted(f, r, MD_MD_CELL_CODE, v->s, v->len);
        return;
    }
    if (v->type == MD_F_INT)
        snprintf(num, sizeof num, "%lld", (long long)v->i);
    else if (v->type == MD_F_BOOL)
        snprintf(num, sizeof num, "%s", v->i ? "yes" : "no");
    else
        snprintf(num, sizeof num, "(%zu items)", v->n);
    md_md_code(f, num, strlen(num), 1);
}

static void
sha_cell(FILE *f, const struct md_bundle *b)
{
    char hex[65];
    if (md_sha256_hex(b, hex))
        fprintf(f, "`%s`", hex);
    else
        fputs("—", f);
}

static void
headline(FILE *f, const struct md_headline_words *w,
         const struct md_finding_delta *d)
{
    struct md_buf b = MD_BUF_INIT(0);
    md_delta_headline(&b, w, d);
    fputs("**Verdict:** ", f);
    if (b.ptr)
        md_md_text(f, b.ptr, b.len);
    fputs("\n\n", f);
    md_buf_free(&b);
}

/* The effective proxy of two states side by side, a row per fact, each
 * that differs marked. */
static void
effective_table(FILE *f, const struct md_render *r, const struct md_verdict *a,
                const struct md_verdict *b, const char *an, const char *bn)
{
    const struct md_fact *ra = md_model_root(a->model);
    const struct md_fact *rb = md_model_root(b->model);
    char line[1600];
    fprintf(f, "| | %s | %s | Changed |\n|---|---|---|---|\n| Proxy | ", an,
            bn);
    md_effective_line(ra, line, sizeof line);
    put(f, r, MD_MD_TEXT, line);
    fputs(" | ", f);
    md_effective_line(rb, line, sizeof line);
    put(f, r, MD_MD_TEXT, line);
    fprintf(f, " | %s |\n", md_effective_changed(ra, rb) ? "**yes**" : "");
    for (const struct md_effective_row *row = md_effective_rows; row->label;
         row++) {
        const struct md_fact *x = md_fact_path(ra, row->path);
        const struct md_fact *y = md_fact_path(rb, row->path);
        fprintf(f, "| %s | ", row->label);
        fact_cell(f, r, x);
        fputs(" | ", f);
        fact_cell(f, r, y);
        fprintf(f, " | %s |\n", md_fact_same(x, y) ? "" : "**yes**");
    }
    fputc('\n', f);
}

/* What is set but not used in a state, with its name ("Before the
 * change"). */
static void
shadowed(FILE *f, const struct md_render *r, const struct md_verdict *v,
         const char *state)
{
    const struct md_fact *root = md_model_root(v->model);
    const struct md_fact *sh = md_fact_path(root, "effective.shadowed");
    if (!sh || sh->type != MD_F_LIST || !sh->n)
        return;
    fprintf(f, "**%s.** ", state);
    md_md_shadowed(f, r, root);
}

/* "### TITLE: 1 error, …" and the findings, or "none". */
static void
finding_list(FILE *f, const struct md_render *r, const char *title,
             const struct md_verdict_finding *const *v, size_t n)
{
    size_t k[3] = {0};
    for (size_t i = 0; i < n; i++)
        k[v[i]->severity]++;
    fprintf(f, "### %s: ", title);
    if (!n) {
        fputs("none\n\n", f);
        return;
    }
    md_severity_words(f, k);
    fputs("\n\n", f);
    for (size_t i = 0; i < n; i++)
        md_md_finding(f, r, v[i]);
}

/* "### Unchanged: 2 findings (MP006, MP022)": those of v in neither
 * d->added nor d->escalated. */
static void
unchanged(FILE *f, const struct md_verdict *v, const struct md_finding_delta *d)
{
    fprintf(f, "### Unchanged: %zu finding%s", d->nsame,
            d->nsame == 1 ? "" : "s");
    size_t shown = 0;
    for (size_t i = 0; i < v->nfindings; i++) {
        const struct md_verdict_finding *x = &v->findings[i];
        bool dup = false;
        for (size_t k = 0; k < i && !dup; k++)
            dup = v->findings[k].rule == x->rule &&
                  md_delta_unchanged(d, &v->findings[k]);
        if (!dup && md_delta_unchanged(d, x))
            fprintf(f, "%s%s", shown++ ? ", " : " (", x->rule->id);
    }
    fputs(shown ? ")\n\n" : "\n\n", f);
}

/* ---- the review ---------------------------------------------------------
 */

static void
review_header(FILE *f, const struct md_review *r, const struct md_render *rr)
{
    const struct md_change *c = r->change;
    const struct md_fact *root = md_model_root(r->before.model);
    size_t nu = 0;
    for (size_t i = 0; i < c->nskips; i++)
        nu += !c->skips[i].understood;
    fputs("| | |\n|---|---|\n| Change | ", f);
    put(f, rr, MD_MD_CELL_CODE, c->path);
    fprintf(f, " (%s; %zu action%s, %zu statement%s not applied, %zu not "
               "understood) |\n| Server | ",
            !strcmp(c->type, "reg") ? "registry file"
                                    : "script or command line",
            c->nactions, c->nactions == 1 ? "" : "s", c->nskips,
            c->nskips == 1 ? "" : "s", nu);
    if (r->empty_machine) {
        fputs("no bundle: an empty machine (no agent proxy, no SYSTEM "
              "proxy, WinHTTP direct) |\n",
              f);
    } else {
        put(f, rr, MD_MD_CELL_CODE, r->before.bundle.path);
        fputs(" |\n| SHA-256 | ", f);
        sha_cell(f, &r->before.bundle);
        fputs(" |\n| Host | ", f);
        fact_cell(f, rr, md_fact_path(root, "host.name"));
        fputs(" |\n| Agent | ", f);
        fact_cell(f, rr, md_fact_path(root, "agent.version"));
        fputs(" |\n", f);
    }
    fprintf(f,
            "| Findings | %zu introduced, %zu made more severe, %zu "
            "resolved, %zu unchanged |\n",
            r->delta.nadded, r->delta.nescalated, r->delta.nremoved,
            r->delta.nsame);
    fprintf(f, "| Checked by | marsdiag %s, rule pack %s |\n\n", md_version(),
            rr->rulepack ? rr->rulepack : "?");
}

/* "`file:line`" of a place in the change file. */
static void
where(FILE *f, const struct md_render *r, const char *path, uint64_t line,
      enum md_md_how how)
{
    struct md_buf b = MD_BUF_INIT(0);
    md_buf_adds(&b, path ? path : "?");
    if (line)
        md_buf_printf(&b, ":%llu", (unsigned long long)line);
    if (b.ptr)
        md_md_redacted(f, r, how, b.ptr, b.len);
    md_buf_free(&b);
}

static void
change_actions(FILE *f, const struct md_change *c, const struct md_render *r)
{
    fprintf(f, "### The change: %zu action%s\n\n", c->nactions,
            c->nactions == 1 ? "" : "s");
    if (!c->nactions)
        fputs("The change file changes no proxy setting.\n\n", f);
    for (size_t i = 0; i < c->nactions; i++) {
        const struct md_change_action *a = &c->actions[i];
        /* As md_action_words says it, with the registry path and the
         * value as code: a ticket shown raw stays readable. */
        fprintf(f, "- %s %s", a->kind, md_change_target_words(a->target));
        bool whole = !strcmp(a->setting, "proxy");
        if (!whole) {
            fputs(": ", f);
            put(f, r, MD_MD_CODE, a->setting);
        }
        if (a->value) {
            fputs(whole ? ": " : " = ", f);
            put(f, r, MD_MD_CODE, a->value);
        }
        fputs(" — ", f);
        where(f, r, a->ev->input ? a->ev->input->path : NULL, a->ev->line,
              MD_MD_CODE);
        if (a->ev->text && a->ev->text_len) {
            fputs(": ", f);
            md_md_redacted(f, r, MD_MD_CODE, a->ev->text, a->ev->text_len);
        }
        fputc('\n', f);
    }
    if (c->nactions)
        fputc('\n', f);
}

static void
change_skips(FILE *f, const struct md_change *c, const struct md_render *r)
{
    if (!c->nskips)
        return;
    fprintf(f,
            "Not applied (%zu):\n\n| Where | Status | Why | Statement "
            "|\n|---|---|---|---|\n",
            c->nskips);
    for (size_t i = 0; i < c->nskips; i++) {
        const struct md_change_skip *s = &c->skips[i];
        fputs("| ", f);
        where(f, r, s->path, s->line, MD_MD_CELL_CODE);
        fprintf(f, " | %s | ", s->understood ? "ignored" : "**not understood**");
        put(f, r, MD_MD_TEXT, s->reason ? s->reason : "");
        fputs(" | ", f);
        if (s->text)
            put(f, r, MD_MD_CELL_CODE, s->text);
        fputs(" |\n", f);
    }
    fputc('\n', f);
}

void
md_write_review_md(FILE *f, const struct md_review *r,
                   const struct md_render *rr)
{
    fputs("## marsdiag review: ", f);
    put(f, rr, MD_MD_CODE, base_name(r->change->path));
    fputs("\n\n", f);
    headline(f, &md_review_words, &r->delta);
    struct md_buf out = MD_BUF_INIT(0);
    md_review_outcome(&out, r);
    if (out.ptr)
        md_md_redacted(f, rr, MD_MD_TEXT, out.ptr, out.len);
    md_buf_free(&out);
    fputs("\n\n", f);
    review_header(f, r, rr);
    change_actions(f, r->change, rr);
    change_skips(f, r->change, rr);
    fputs("### Effective proxy: before → after\n\n", f);
    effective_table(f, rr, &r->before, &r->after, "Before", "After");
    shadowed(f, rr, &r->before, "Before the change");
    shadowed(f, rr, &r->after, "After the change");
    finding_list(f, rr, "Introduced by the change", r->delta.added,
                 r->delta.nadded);
    if (r->delta.nescalated)
        finding_list(f, rr, "Made more severe by the change",
                     r->delta.escalated, r->delta.nescalated);
    finding_list(f, rr, "Resolved by the change", r->delta.removed,
                 r->delta.nremoved);
    unchanged(f, &r->after, &r->delta);
}

/* ---- the diff -------------------------------------------------------------
 */

static void
diff_header(FILE *f, const struct md_diff *d, const struct md_render *r)
{
    const struct md_fact *ro = md_model_root(d->old.model);
    const struct md_fact *rn = md_model_root(d->new_.model);
    fputs("| | Old | New |\n|---|---|---|\n| Bundle | ", f);
    put(f, r, MD_MD_CELL_CODE, d->old.bundle.path);
    fputs(" | ", f);
    put(f, r, MD_MD_CELL_CODE, d->new_.bundle.path);
    fputs(" |\n| SHA-256 | ", f);
    sha_cell(f, &d->old.bundle);
    fputs(" | ", f);
    sha_cell(f, &d->new_.bundle);
    static const struct {
        const char *label, *path;
    } rows[] = {{"Host", "host.name"}, {"Agent", "agent.version"}};
    for (size_t i = 0; i < 2; i++) {
        fprintf(f, " |\n| %s | ", rows[i].label);
        fact_cell(f, r, md_fact_path(ro, rows[i].path));
        fputs(" | ", f);
        fact_cell(f, r, md_fact_path(rn, rows[i].path));
    }
    fputs(" |\n| Findings | ", f);
    md_verdict_severity_words(f, &d->old);
    fputs(" | ", f);
    md_verdict_severity_words(f, &d->new_);
    fprintf(f, " |\n\nChecked by marsdiag %s, rule pack %s.\n\n", md_version(),
            r->rulepack ? r->rulepack : "?");
}

/* A table per source that changed, then the sources that did not. */
static void
diff_sources(FILE *f, const struct md_diff *d, const struct md_render *r)
{
    size_t changed[MD_DIFF_NSOURCES];
    size_t nchanged = md_diff_changed(d, changed);
    fprintf(f, "### Proxy sources: %zu of %d changed\n\n", nchanged,
            MD_DIFF_NSOURCES);
    for (size_t s = 0; s < MD_DIFF_NSOURCES; s++) {
        if (!changed[s])
            continue;
        fprintf(f, "#### %s\n\n| Fact | Old | New |\n|---|---|---|\n",
                md_diff_sources[s].words);
        for (size_t i = 0; i < d->nchanges; i++) {
            const struct md_diff_change *c = &d->changes[i];
            if (strcmp(c->source, md_diff_sources[s].source))
                continue;
            fputs("| ", f);
            put(f, r, MD_MD_CELL_CODE, c->fact);
            fputs(" | ", f);
            fact_cell(f, r, c->old);
            fputs(" | ", f);
            fact_cell(f, r, c->new_);
            fputs(" |\n", f);
        }
        fputc('\n', f);
    }
    if (nchanged == MD_DIFF_NSOURCES)
        return;
    fputs("Unchanged: ", f);
    size_t shown = 0;
    for (size_t s = 0; s < MD_DIFF_NSOURCES; s++)
        if (!changed[s])
            fprintf(f, "%s%s", shown++ ? "; " : "", md_diff_sources[s].words);
    fputs(".\n\n", f);
}

void
md_write_diff_md(FILE *f, const struct md_diff *d, const struct md_render *rr)
{
    const struct md_finding_delta *fd = &d->delta;
    fputs("## marsdiag diff: ", f);
    put(f, rr, MD_MD_CODE, base_name(d->old.bundle.path));
    fputs(" → ", f);
    put(f, rr, MD_MD_CODE, base_name(d->new_.bundle.path));
    fputs("\n\n", f);
    headline(f, &md_diff_words, fd);
    diff_header(f, d, rr);
    diff_sources(f, d, rr);
    fputs("### Effective proxy: old → new\n\n", f);
    effective_table(f, rr, &d->old, &d->new_, "Old", "New");
    shadowed(f, rr, &d->old, "In the old bundle");
    shadowed(f, rr, &d->new_, "In the new bundle");
    finding_list(f, rr, "Findings added", fd->added, fd->nadded);
    if (fd->nescalated)
        finding_list(f, rr, "Findings made more severe", fd->escalated,
                     fd->nescalated);
    finding_list(f, rr, "Findings removed", fd->removed, fd->nremoved);
    unchanged(f, &d->new_, fd);
}
