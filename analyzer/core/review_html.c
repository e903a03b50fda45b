/*
 * The HTML pages of a review and of a bundle diff (review.h): one
 * self-contained page each, made of the scan page's pieces (html_int.h)
 * — the same head (Content-Security-Policy default-src 'none', inline
 * CSS, no script), the same effective proxy, precedence diagram and
 * findings. The two states (before and after the change, old and new
 * bundle) are stacked, each with its diagram, so a reader compares them
 * down the page; a table puts their effective proxies side by side.
 *
 * Text from a bundle or a change file reaches the page only through
 * md_html_text (masked, then escaped); tool text through md_html_esc.
 */
#include "review_int.h"

#include "html_int.h"

#include <string.h>

#include "marsdiag/model.h"

/* What the scan page's style sheet lacks: the verdict of a comparison
 * in the colour of its worst news (a word says it too). */
static const char extra_css[] =
    ".verdict.v-error{border-left:6px solid var(--err);background:#fdf3f2}\n"
    ".verdict.v-warning{border-left:6px dashed var(--warn);"
    "background:#fdf8ee}\n"
    "td.changed{font-weight:700}\n"
    "h4.sub{margin:1.2rem 0 .4rem}\n";

/* ---- shared ------------------------------------------------------------- */

static void
textz(const struct md_html *h, const char *s)
{
    md_html_text(h, s, strlen(s));
}

static void
hex_sha(FILE *f, const struct md_bundle *b)
{
    char hex[65];
    fputs(md_sha256_hex(b, hex) ? hex : "—", f);
}

/* The one-line verdict, in a box the colour of its worst news, with
 * more to say under it (bundle text; may be NULL). */
static void
verdict_box(const struct md_html *h, const struct md_headline_words *w,
            const struct md_finding_delta *d, const struct md_buf *more)
{
    static const char *const cls[] = {"", "v-warning sev-warning",
                                      "v-error sev-error"};
    static const char *const badge[] = {"no new problems", "new warnings",
                                        "new errors"};
    int worst = md_delta_worst(d);
    size_t k = worst == MD_SEV_ERROR ? 2 : worst == MD_SEV_WARNING ? 1 : 0;
    struct md_buf b = MD_BUF_INIT(0);
    md_delta_headline(&b, w, d);
    fprintf(h->f,
            "<div class=\"verdict %s\">\n<p class=\"big\"><span "
            "class=\"badge\">%s</span> ",
            cls[k], badge[k]);
    md_html_esc(h->f, b.ptr ? b.ptr : "");
    fputs("</p>\n", h->f);
    if (more && more->ptr) {
        fputs("<p>", h->f);
        md_html_text(h, more->ptr, more->len);
        fputs("</p>\n", h->f);
    }
    fputs("</div>\n", h->f);
    md_buf_free(&b);
}

static void
count_item(FILE *f, const char *cls, size_t n, const char *words)
{
    fprintf(f, "<li class=\"%s\"><b>%zu</b>%s</li>\n", cls, n, words);
}

/* The effective proxy of two states side by side, a row per fact; a
 * row that differs says so. */
static void
effective_table(const struct md_html *h, const char *id,
                const struct md_verdict *a, const struct md_verdict *b,
                const char *an, const char *bn)
{
    FILE *f = h->f;
    const struct md_fact *ra = md_model_root(a->model);
    const struct md_fact *rb = md_model_root(b->model);
    char line[1600];
    fprintf(f,
            "<section id=\"%s\">\n<h3>Effective proxy: %s → %s</h3>\n"
            "<div class=\"table-wrap\"><table class=\"effective\">\n"
            "<thead><tr><th></th><th>%s</th><th>%s</th><th>Changed</th>"
            "</tr></thead>\n<tbody>\n<tr><th>Proxy</th><td>",
            id, an, bn, an, bn);
    md_effective_line(ra, line, sizeof line);
    textz(h, line);
    fputs("</td><td>", f);
    md_effective_line(rb, line, sizeof line);
    textz(h, line);
    fprintf(f, "</td><td class=\"changed\">%s</td></tr>\n",
            md_effective_changed(ra, rb) ? "changed" : "");
    for (const struct md_effective_row *row = md_effective_rows; row->label;
         row++) {
        const struct md_fact *x = md_fact_path(ra, row->path);
        const struct md_fact *y = md_fact_path(rb, row->path);
        fprintf(f, "<tr><th>%s</th><td class=\"mono\">", row->label);
        md_html_fact(h, x);
        fputs("</td><td class=\"mono\">", f);
        md_html_fact(h, y);
        fprintf(f, "</td><td class=\"changed\">%s</td></tr>\n",
                md_fact_same(x, y) ? "" : "changed");
    }
    fputs("</tbody></table></div>\n</section>\n", f);
}

/* One state of the server as the scan page shows it: the effective
 * proxy and the precedence chain, numbered n. */
static void
state(const struct md_html *h, size_t n, const char *title,
      const struct md_verdict *v)
{
    fprintf(h->f, "<article class=\"bundle\" id=\"b%zu\">\n<h2>%s</h2>\n", n,
            title);
    md_html_proxy(h, n, md_model_root(v->model));
    md_html_chain(h, n, md_model_root(v->model));
    fputs("</article>\n", h->f);
}

/* A list of findings of state n, numbered from *idx on. */
static void
finding_list(const struct md_html *h, const char *id, const char *title,
             size_t n, size_t *idx, const struct md_verdict_finding *const *v,
             size_t nv, const char *none)
{
    fprintf(h->f, "<section id=\"%s\">\n<h3>%s (%zu)</h3>\n", id, title, nv);
    if (!nv)
        fprintf(h->f, "<p class=\"ok\">%s</p>\n", none);
    else
        fputs("<ol class=\"findings\">\n", h->f);
    for (size_t i = 0; i < nv; i++)
        md_html_finding(h, n, v[i], ++*idx);
    if (nv)
        fputs("</ol>\n", h->f);
    fputs("</section>\n", h->f);
}

/* The rules of the findings of v that d leaves as they were. */
static void
unchanged(const struct md_html *h, const char *id, const struct md_verdict *v,
          const struct md_finding_delta *d)
{
    fprintf(h->f, "<section id=\"%s\">\n<h3>Unchanged (%zu)</h3>\n<p>", id,
            d->nsame);
    size_t shown = 0;
    for (size_t i = 0; i < v->nfindings; i++) {
        const struct md_verdict_finding *x = &v->findings[i];
        if (!md_delta_unchanged(d, x))
            continue;
        fputs(shown++ ? ", " : "", h->f);
        fputs("<span class=\"mono\">", h->f);
        md_html_esc(h->f, x->rule->id);
        fputs("</span> ", h->f);
        md_html_esc(h->f, x->rule->title);
    }
    fputs(shown ? ".</p>\n</section>\n"
                : "None: no finding is the same in both.</p>\n</section>\n",
          h->f);
}

static void
meta_tool(const struct md_html *h)
{
    fputs("<dt>Rule pack</dt><dd>", h->f);
    md_html_esc(h->f, h->r->rulepack ? h->r->rulepack : "?");
    fputs("</dd>\n<dt>marsdiag</dt><dd>", h->f);
    md_html_esc(h->f, md_version());
    fputs("</dd>\n", h->f);
}

/* What the two pages say differently in their common part. */
struct page {
    const char *id;             /* "review": ids "review-effective", ... */
    const char *a, *b;          /* the states in the table: "before" */
    const char *atitle, *btitle; /* their sections: "Before the change" */
    const char *findings;       /* the title of the findings */
    const char *list[3];        /* added, escalated, removed: id suffix */
    const char *title[3];       /* ... and title */
    const char *none[3];        /* ... and what an empty list says */
};

/* The rest of a page once its head is written: the effective proxy of
 * the two states side by side (closing the first article), each state
 * with its diagram, and the findings added, escalated (when any),
 * removed and unchanged. The findings of a are numbered in state 1, of
 * b in state 2. */
static void
page_rest(struct md_html *h, const struct page *p,
          const struct md_verdict *a, const struct md_verdict *b,
          const struct md_finding_delta *d)
{
    char id[64];
    snprintf(id, sizeof id, "%s-effective", p->id);
    effective_table(h, id, a, b, p->a, p->b);
    fputs("</article>\n", h->f);
    state(h, 1, p->atitle, a);
    state(h, 2, p->btitle, b);
    fprintf(h->f, "<article class=\"bundle\" id=\"%s-findings\">\n<h2>%s"
                  "</h2>\n",
            p->id, p->findings);
    const struct md_verdict_finding *const *v[3] = {d->added, d->escalated,
                                                     d->removed};
    size_t n[3] = {d->nadded, d->nescalated, d->nremoved};
    size_t idx[3] = {0}; /* by state: b's for added and escalated */
    for (size_t k = 0; k < 3; k++) {
        if (k == 1 && !n[k])
            continue;
        snprintf(id, sizeof id, "%s-%s", p->id, p->list[k]);
        size_t st = k == 2 ? 1 : 2;
        finding_list(h, id, p->title[k], st, &idx[st], v[k], n[k],
                     p->none[k]);
    }
    snprintf(id, sizeof id, "%s-unchanged", p->id);
    unchanged(h, id, b, d);
    fputs("</article>\n", h->f);
    md_html_end(h);
}

/* ---- the review ---------------------------------------------------------- */

static void
review_head(const struct md_html *h, const struct md_review *r)
{
    FILE *f = h->f;
    const struct md_change *c = r->change;
    const struct md_fact *root = md_model_root(r->before.model);
    fputs("<header id=\"review-summary\">\n<h2>Change <span class=\"mono\">",
          f);
    textz(h, c->path);
    fputs("</span></h2>\n", f);
    struct md_buf out = MD_BUF_INIT(0);
    md_review_outcome(&out, r);
    verdict_box(h, &md_review_words, &r->delta, &out);
    md_buf_free(&out);
    fputs("<dl class=\"meta\">\n<dt>Change file</dt><dd class=\"mono\">", f);
    textz(h, c->path);
    fprintf(f, "</dd>\n<dt>Kind</dt><dd>%s</dd>\n<dt>Server</dt>",
            !strcmp(c->type, "reg") ? "registry file"
                                    : "script or command line");
    if (r->empty_machine) {
        fputs("<dd>no bundle: an empty machine (no agent proxy, no SYSTEM "
              "proxy, WinHTTP direct)</dd>\n",
              f);
    } else {
        fputs("<dd class=\"mono\">", f);
        textz(h, r->before.bundle.path);
        fputs("</dd>\n<dt>SHA-256</dt><dd class=\"mono\">", f);
        hex_sha(f, &r->before.bundle);
        fputs("</dd>\n<dt>Host</dt><dd>", f);
        md_html_fact(h, md_fact_path(root, "host.name"));
        fputs("</dd>\n<dt>Agent version</dt><dd>", f);
        md_html_fact(h, md_fact_path(root, "agent.version"));
        fputs("</dd>\n", f);
    }
    meta_tool(h);
    fputs("</dl>\n<ul class=\"counts\" aria-label=\"findings\">\n", f);
    count_item(f, "c-error", r->delta.nadded, "introduced");
    count_item(f, "c-warning", r->delta.nescalated, "more severe");
    count_item(f, "c-info", r->delta.nremoved, "resolved");
    count_item(f, "c-suppressed", r->delta.nsame, "unchanged");
    fputs("</ul>\n</header>\n", f);
}

/* "file:line" of a place in the change file. */
static void
where(const struct md_html *h, const char *path, uint64_t line)
{
    textz(h, path ? path : "?");
    if (line)
        fprintf(h->f, ":%llu", (unsigned long long)line);
}

/* The section "review-change": the actions, then (review_skips) what
 * was not applied; the caller closes it. */
static void
review_actions(const struct md_html *h, const struct md_change *c)
{
    FILE *f = h->f;
    fprintf(f,
            "<section id=\"review-change\">\n<h3>The change: %zu action%s"
            "</h3>\n",
            c->nactions, c->nactions == 1 ? "" : "s");
    if (!c->nactions)
        fputs("<p class=\"note\">The change file changes no proxy "
              "setting.</p>\n",
              f);
    else
        fputs("<div class=\"table-wrap\"><table class=\"actions\">\n<thead>"
              "<tr><th class=\"num\">#</th><th>Action</th><th>Where</th>"
              "<th>Statement</th></tr></thead>\n<tbody>\n",
              f);
    for (size_t i = 0; i < c->nactions; i++) {
        const struct md_change_action *a = &c->actions[i];
        struct md_buf b = MD_BUF_INIT(0);
        md_action_words(&b, a);
        fprintf(f, "<tr><td class=\"num\">%zu</td><td>", i + 1);
        if (b.ptr)
            md_html_text(h, b.ptr, b.len);
        md_buf_free(&b);
        fputs("</td><td class=\"mono\">", f);
        where(h, a->ev->input ? a->ev->input->path : NULL, a->ev->line);
        fputs("</td><td><code>", f);
        if (a->ev->text)
            md_html_text(h, a->ev->text, a->ev->text_len);
        fputs("</code></td></tr>\n", f);
    }
    if (c->nactions)
        fputs("</tbody></table></div>\n", f);
}

static void
review_skips(const struct md_html *h, const struct md_change *c)
{
    FILE *f = h->f;
    fprintf(f, "<h4 class=\"sub\">Not applied (%zu)</h4>\n", c->nskips);
    if (!c->nskips) {
        fputs("<p class=\"note\">Every statement of the change file was "
              "applied.</p>\n",
              f);
        return;
    }
    fputs("<div class=\"table-wrap\"><table class=\"skips\">\n<thead><tr>"
          "<th>Where</th><th>Status</th><th>Why</th><th>Statement</th></tr>"
          "</thead>\n<tbody>\n",
          f);
    for (size_t i = 0; i < c->nskips; i++) {
        const struct md_change_skip *s = &c->skips[i];
        fputs("<tr><td class=\"mono\">", f);
        where(h, s->path, s->line);
        fprintf(f, "</td><td class=\"state\"><b>%s</b></td><td>",
                s->understood ? "ignored" : "not understood");
        textz(h, s->reason ? s->reason : "");
        fputs("</td><td><code>", f);
        if (s->text)
            textz(h, s->text);
        fputs("</code></td></tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
}

void
md_write_review_html(FILE *f, const struct md_review *r,
                     const struct md_render *rr)
{
    struct md_html h;
    char title[300];
    const char *base = strrchr(r->change->path, '/');
    snprintf(title, sizeof title, "%.200s — marsdiag review",
             base && base[1] ? base + 1 : r->change->path);
    md_html_page(&h, f, rr, title, "MARS agent proxy: review of a change",
                 "What a planned change does to the proxy the Microsoft "
                 "Azure Recovery Services agent uses, before it is made: "
                 "the change applied to the server's support bundle, and "
                 "the server judged before and after.",
                 extra_css);
    fputs("<article class=\"bundle\" id=\"review\">\n", f);
    review_head(&h, r);
    review_actions(&h, r->change);
    review_skips(&h, r->change);
    fputs("</section>\n", f);
    static const struct page p = {
        "review",
        "before",
        "after",
        "Before the change",
        "After the change",
        "What the change does to the findings",
        {"introduced", "escalated", "resolved"},
        {"Introduced by the change", "Made more severe by the change",
         "Resolved by the change"},
        {"\u2714 None: the change introduces no finding.", "",
         "None: the change resolves no finding."},
    };
    page_rest(&h, &p, &r->before, &r->after, &r->delta);
}

/* ---- the diff ------------------------------------------------------------ */

static void
side_row(const struct md_html *h, const char *label, const struct md_fact *a,
         const struct md_fact *b)
{
    fprintf(h->f, "<tr><th>%s</th><td class=\"mono\">", label);
    md_html_fact(h, a);
    fputs("</td><td class=\"mono\">", h->f);
    md_html_fact(h, b);
    fputs("</td></tr>\n", h->f);
}

static void
diff_head(const struct md_html *h, const struct md_diff *d)
{
    FILE *f = h->f;
    const struct md_fact *ro = md_model_root(d->old.model);
    const struct md_fact *rn = md_model_root(d->new_.model);
    fputs("<header id=\"diff-summary\">\n<h2>Old and new bundle of one "
          "server</h2>\n",
          f);
    verdict_box(h, &md_diff_words, &d->delta, NULL);
    fputs("<div class=\"table-wrap\"><table class=\"sides\">\n<thead><tr>"
          "<th></th><th>Old</th><th>New</th></tr></thead>\n<tbody>\n"
          "<tr><th>Bundle</th><td class=\"mono\">",
          f);
    textz(h, d->old.bundle.path);
    fputs("</td><td class=\"mono\">", f);
    textz(h, d->new_.bundle.path);
    fputs("</td></tr>\n<tr><th>SHA-256</th><td class=\"mono\">", f);
    hex_sha(f, &d->old.bundle);
    fputs("</td><td class=\"mono\">", f);
    hex_sha(f, &d->new_.bundle);
    fputs("</td></tr>\n", f);
    side_row(h, "Host", md_fact_path(ro, "host.name"),
             md_fact_path(rn, "host.name"));
    side_row(h, "Agent version", md_fact_path(ro, "agent.version"),
             md_fact_path(rn, "agent.version"));
    fputs("<tr><th>Findings</th><td>", f);
    md_verdict_severity_words(f, &d->old);
    fputs("</td><td>", f);
    md_verdict_severity_words(f, &d->new_);
    fputs("</td></tr>\n</tbody></table></div>\n<dl class=\"meta\">\n", f);
    meta_tool(h);
    fputs("</dl>\n</header>\n", f);
}

static void
diff_sources(const struct md_html *h, const struct md_diff *d)
{
    FILE *f = h->f;
    size_t changed[MD_DIFF_NSOURCES];
    size_t nchanged = md_diff_changed(d, changed);
    fprintf(f,
            "<section id=\"diff-sources\">\n<h3>Proxy sources: %zu of %d "
            "changed</h3>\n",
            nchanged, MD_DIFF_NSOURCES);
    for (size_t s = 0; s < MD_DIFF_NSOURCES; s++) {
        if (!changed[s])
            continue;
        fputs("<h4 class=\"sub\">", f);
        md_html_esc(f, md_diff_sources[s].words);
        fputs("</h4>\n<div class=\"table-wrap\"><table class=\"facts\">\n"
              "<thead><tr><th>Fact</th><th>Old</th><th>New</th></tr>"
              "</thead>\n<tbody>\n",
              f);
        for (size_t i = 0; i < d->nchanges; i++) {
            const struct md_diff_change *c = &d->changes[i];
            if (strcmp(c->source, md_diff_sources[s].source))
                continue;
            fputs("<tr><td class=\"mono\">", f);
            textz(h, c->fact);
            fputs("</td><td class=\"mono\">", f);
            md_html_fact(h, c->old);
            fputs("</td><td class=\"mono\">", f);
            md_html_fact(h, c->new_);
            fputs("</td></tr>\n", f);
        }
        fputs("</tbody></table></div>\n", f);
    }
    if (nchanged < MD_DIFF_NSOURCES) {
        fputs("<p class=\"note\">Unchanged: ", f);
        size_t shown = 0;
        for (size_t s = 0; s < MD_DIFF_NSOURCES; s++)
            if (!changed[s]) {
                fputs(shown++ ? "; " : "", f);
                md_html_esc(f, md_diff_sources[s].words);
            }
        fputs(".</p>\n", f);
    }
    fputs("</section>\n", f);
}

void
md_write_diff_html(FILE *f, const struct md_diff *d, const struct md_render *rr)
{
    struct md_html h;
    md_html_page(&h, f, rr, "marsdiag diff",
                 "MARS agent proxy: what changed between two bundles",
                 "Two support bundles of one server compared: each proxy "
                 "source, the proxy the Microsoft Azure Recovery Services "
                 "agent uses, and the findings.",
                 extra_css);
    fputs("<article class=\"bundle\" id=\"diff\">\n", f);
    diff_head(&h, d);
    diff_sources(&h, d);
    static const struct page p = {
        "diff",
        "old",
        "new",
        "The old bundle",
        "The new bundle",
        "Findings old and new",
        {"added", "escalated", "removed"},
        {"Added", "Made more severe", "Removed"},
        {"\u2714 None: the new bundle has no finding the old one did not.",
         "", "None: every finding of the old bundle is still there."},
    };
    page_rest(&h, &p, &d->old, &d->new_, &d->delta);
}
