/*
 * The SARIF 2.1.0 logs of a review and of a bundle diff (review.h),
 * written with the scan log's pieces (sarif_int.h): every rule in force,
 * a result per finding of the newer state with its baselineState (§3.27.24:
 * "new" introduced, "updated" made more severe, "unchanged"), and a result
 * per finding that went away, "absent", from the older state. Evidence
 * is located where it was read: in the change file (uriBaseId CHANGE) or
 * in a bundle (BUNDLE1, BUNDLE2). The run's property bag says what was
 * compared and the verdict in one line.
 */
#include "review_int.h"

#include "sarif_int.h"

#include <string.h>

#include "marsdiag/redact.h"

/* Results for every finding of the newer verdict and every one that went
 * away from the older. */
static void
results(struct md_sarif *s, const struct md_verdict *older,
        const struct md_verdict *newer, const struct md_finding_delta *d)
{
    for (size_t i = 0; i < newer->nfindings; i++) {
        const struct md_verdict_finding *f = &newer->findings[i];
        const char *state = md_finding_in(d->added, d->nadded, f) ? "new"
                            : md_finding_in(d->escalated, d->nescalated, f)
                                ? "updated"
                                : "unchanged";
        md_sarif_result(s, newer, f, state);
    }
    for (size_t i = 0; i < d->nremoved; i++)
        md_sarif_result(s, older, d->removed[i], "absent");
}

/* A property whose value is bundle text (masked). */
static void
prop(struct md_sarif *s, const char *key, const char *value)
{
    md_json_key(&s->j, key);
    md_json_redacted(&s->j, s->r->redactor, value, strlen(value));
}

/* The run's properties: what was compared (keys[k] is values[k]; a NULL
 * value is left out), the effective proxy of both states and the
 * one-line verdict. */
static void
run_properties(struct md_sarif *s, const char *kind, const char *const keys[2],
               const char *const values[2], const struct md_verdict *older,
               const struct md_verdict *newer,
               const struct md_headline_words *w,
               const struct md_finding_delta *d)
{
    char line[1600];
    struct md_buf b = MD_BUF_INIT(0);
    md_json_key(&s->j, "properties");
    md_json_obj(&s->j);
    md_json_key(&s->j, "comparison");
    md_json_strz(&s->j, kind);
    for (size_t k = 0; k < 2; k++)
        if (values[k])
            prop(s, keys[k], values[k]);
    md_effective_line(md_model_root(older->model), line, sizeof line);
    prop(s, "effectiveProxyBefore", line);
    md_effective_line(md_model_root(newer->model), line, sizeof line);
    prop(s, "effectiveProxyAfter", line);
    md_delta_headline(&b, w, d);
    md_json_key(&s->j, "verdict");
    md_json_str(&s->j, b.ptr ? b.ptr : "", b.len);
    md_json_end_obj(&s->j);
    md_buf_free(&b);
}

void
md_write_review_sarif(FILE *f, const struct md_review *r,
                      const struct md_render *rr)
{
    struct md_sarif_base bases[2];
    size_t nb = 0;
    if (!r->empty_machine)
        bases[nb++] = (struct md_sarif_base){"BUNDLE1", &r->before.bundle};
    bases[nb++] = (struct md_sarif_base){"CHANGE", &r->change->file};
    const struct md_verdict *v[] = {&r->before, &r->after};
    static const char *const keys[] = {"change", "bundle"};
    const char *values[] = {r->change->path,
                            r->empty_machine ? NULL : r->before.bundle.path};
    struct md_sarif s;
    md_sarif_begin(&s, f, v, 2, bases, nb, rr);
    results(&s, &r->before, &r->after, &r->delta);
    md_sarif_end_results(&s);
    run_properties(&s, "review", keys, values, &r->before, &r->after,
                   &md_review_words, &r->delta);
    md_sarif_end(&s);
}

void
md_write_diff_sarif(FILE *f, const struct md_diff *d,
                    const struct md_render *rr)
{
    struct md_sarif_base bases[] = {{"BUNDLE1", &d->old.bundle},
                                    {"BUNDLE2", &d->new_.bundle}};
    const struct md_verdict *v[] = {&d->old, &d->new_};
    static const char *const keys[] = {"old", "new"};
    const char *values[] = {d->old.bundle.path, d->new_.bundle.path};
    struct md_sarif s;
    md_sarif_begin(&s, f, v, 2, bases, 2, rr);
    results(&s, &d->old, &d->new_, &d->delta);
    md_sarif_end_results(&s);
    run_properties(&s, "diff", keys, values, &d->old, &d->new_, &md_diff_words,
                   &d->delta);
    md_sarif_end(&s);
}
