/*
 * What the writers of a review and of a bundle diff share (review_int.h):
 * the words for an action, the rows of the before/after table of the
 * effective proxy, the proxy sources of a diff, the one-line verdict of
 * a comparison and what to beware of after a change, so that every
 * format says the same thing the same way.
 */
#include "review_int.h"

#include <string.h>

const struct md_effective_row md_effective_rows[] = {
    {"Source", "effective.source"},
    {"Mode", "effective.mode"},
    {"Server", "effective.server"},
    {"Port", "effective.port"},
    {"PAC URL", "effective.pac_url"},
    {"Credentials", "effective.credentials"},
    {"Bypass list", "effective.bypass"},
    {NULL, NULL},
};

const struct md_diff_source md_diff_sources[MD_DIFF_NSOURCES] = {
    {"agent", "The agent's own proxy"},
    {"system", "SYSTEM's Internet Settings"},
    {"users", "Interactive users' settings (never read by the agent)"},
    {"winhttp", "WinHTTP (never read by the agent)"},
    {"dotnet", ".NET configuration"},
};

const struct md_headline_words md_review_words = {
    "This change introduces", "", "No new problems", "It resolves",
    "This change makes", "makes "};
const struct md_headline_words md_diff_words = {
    "The new bundle has", "new ", "No new problems since the old bundle",
    "No longer found:", "The new bundle has", ""};

size_t
md_diff_changed(const struct md_diff *d, size_t changed[MD_DIFF_NSOURCES])
{
    size_t n = 0;
    for (size_t s = 0; s < MD_DIFF_NSOURCES; s++) {
        changed[s] = 0;
        for (size_t i = 0; i < d->nchanges; i++)
            changed[s] +=
                !strcmp(d->changes[i].source, md_diff_sources[s].source);
        n += changed[s] > 0;
    }
    return n;
}

void
md_action_words(struct md_buf *b, const struct md_change_action *a)
{
    md_buf_printf(b, "%s %s", a->kind, md_change_target_words(a->target));
    /* The agent's and WinHTTP's proxy are one setting: their value is
     * the whole proxy. */
    bool whole = !strcmp(a->setting, "proxy");
    if (!whole)
        md_buf_printf(b, ": %s", a->setting);
    if (a->value)
        md_buf_printf(b, "%s%s", whole ? ": " : " = ", a->value);
}

bool
md_finding_in(const struct md_verdict_finding *const *v, size_t n,
              const struct md_verdict_finding *f)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == f)
            return true;
    return false;
}

bool
md_delta_unchanged(const struct md_finding_delta *d,
                   const struct md_verdict_finding *f)
{
    return !md_finding_in(d->added, d->nadded, f) &&
           !md_finding_in(d->escalated, d->nescalated, f);
}

void
md_severity_words(FILE *f, const size_t n[3])
{
    fprintf(f, "%zu error%s, %zu warning%s, %zu info", n[MD_SEV_ERROR],
            n[MD_SEV_ERROR] == 1 ? "" : "s", n[MD_SEV_WARNING],
            n[MD_SEV_WARNING] == 1 ? "" : "s", n[MD_SEV_INFO]);
}

void
md_verdict_severity_words(FILE *f, const struct md_verdict *v)
{
    size_t n[3] = {0};
    for (size_t i = 0; i < v->nfindings; i++)
        n[v->findings[i].severity] += !v->findings[i].suppressed;
    md_severity_words(f, n);
}

bool
md_sha256_hex(const struct md_bundle *b, char out[65])
{
    static const char hexd[] = "0123456789abcdef";
    out[0] = '\0';
    if (!b->have_sha256)
        return false;
    for (size_t i = 0; i < 32; i++) {
        out[2 * i] = hexd[b->sha256[i] >> 4];
        out[2 * i + 1] = hexd[b->sha256[i] & 15];
    }
    out[64] = '\0';
    return true;
}

static int
worst(const struct md_verdict_finding *const *f, size_t n, int w)
{
    for (size_t i = 0; i < n; i++)
        if (!f[i]->suppressed && (int)f[i]->severity > w)
            w = (int)f[i]->severity;
    return w;
}

int
md_delta_worst(const struct md_finding_delta *d)
{
    return worst(d->escalated, d->nescalated, worst(d->added, d->nadded, -1));
}

/* "MP001 Title, MP007 Title" (with titles) or "MP001, MP007" of the
 * findings of v at severity sev (any when sev < 0), waived ones left
 * out, each rule once. Returns how many findings there were. */
static size_t
list_ids(struct md_buf *b, const struct md_verdict_finding *const *v,
         size_t n, int sev, bool titles)
{
    size_t count = 0, shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i]->suppressed || (sev >= 0 && (int)v[i]->severity != sev))
            continue;
        count++;
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = v[k]->rule == v[i]->rule && !v[k]->suppressed &&
                   (sev < 0 || (int)v[k]->severity == sev);
        if (seen)
            continue;
        md_buf_printf(b, "%s%s", shown++ ? ", " : "", v[i]->rule->id);
        if (titles)
            md_buf_printf(b, " %s", v[i]->rule->title);
    }
    return count;
}

/* How many findings of v[0..n) are at severity sev and not waived. */
static size_t
count_sev(const struct md_verdict_finding *const *v, size_t n, int sev)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        k += !v[i]->suppressed && (int)v[i]->severity == sev;
    return k;
}

static const char *const sev_words[3][2] = {
    {"info note", "info notes"}, {"warning", "warnings"}, {"error", "errors"}};

void
md_delta_headline(struct md_buf *b, const struct md_headline_words *w,
                  const struct md_finding_delta *d)
{
    struct md_buf news = MD_BUF_INIT(0), gone = MD_BUF_INIT(0);
    size_t parts = 0;
    /* The worst news first, with the rules' titles; the rest by id. */
    for (int sev = MD_SEV_ERROR; sev >= MD_SEV_WARNING; sev--) {
        size_t n = count_sev(d->added, d->nadded, sev);
        if (!n)
            continue;
        md_buf_printf(&news, "%s%zu %s%s: ", parts++ ? "; and " : "", n,
                      w->adj, sev_words[sev][n != 1]);
        list_ids(&news, d->added, d->nadded, sev, parts == 1);
    }
    size_t nx = 0;
    for (size_t i = 0; i < d->nescalated; i++)
        nx += !d->escalated[i]->suppressed;
    /* Escalations alone have a lead of their own ("This change makes
     * 1 finding more severe"); after other news, a verb ("…; and makes
     * 1 finding more severe"). */
    const char *lead = parts ? w->lead : w->more_lead;
    if (nx) {
        md_buf_printf(&news, "%s%s%zu finding%s more severe: ",
                      parts ? "; and " : "", parts ? w->more_verb : "", nx,
                      nx == 1 ? "" : "s");
        parts++;
        list_ids(&news, d->escalated, d->nescalated, -1, parts == 1);
    }
    if (parts) {
        md_buf_printf(b, "%s %.*s.", lead, (int)news.len,
                      news.ptr ? news.ptr : "");
    } else {
        md_buf_printf(b, "%s.", w->none);
        size_t ni = count_sev(d->added, d->nadded, MD_SEV_INFO);
        if (ni) {
            md_buf_printf(b, " %zu %s%s: ", ni, w->adj,
                          sev_words[MD_SEV_INFO][ni != 1]);
            list_ids(b, d->added, d->nadded, MD_SEV_INFO, false);
            md_buf_adds(b, ".");
        }
    }
    if (list_ids(&gone, d->removed, d->nremoved, -1, false))
        md_buf_printf(b, " %s %.*s.", w->gone, (int)gone.len,
                      gone.ptr ? gone.ptr : "");
    md_buf_free(&news);
    md_buf_free(&gone);
}

void
md_review_outcome(struct md_buf *b, const struct md_review *r)
{
    char line[1600];
    md_effective_line(md_model_root(r->after.model), line, sizeof line);
    md_buf_printf(b, "After the change the agent connects: %s.", line);
    md_review_cautions(b, r);
}

void
md_review_cautions(struct md_buf *b, const struct md_review *r)
{
    const struct md_fact *after = md_model_root(r->after.model);
    const struct md_fact *mode = md_fact_path(after, "effective.mode");
    bool direct = mode && mode->type == MD_F_STR && mode->len == 6 &&
                  !memcmp(mode->s, "direct", 6);
    if (r->effective_changed && direct)
        md_buf_adds(b, " Without a proxy, backups reach Azure only if this "
                       "server can connect to Azure directly (HTTPS, port "
                       "443).");
    const struct md_change *c = r->change;
    size_t nu = 0;
    for (size_t i = 0; i < c->nskips; i++)
        nu += !c->skips[i].understood;
    if (!c->nactions && !c->nskips)
        md_buf_adds(b, " The change file holds no statement: nothing was "
                       "applied.");
    if (nu)
        md_buf_printf(b,
                      " %zu statement%s not understood: the verdict covers "
                      "the rest of the change only.",
                      nu, nu == 1 ? " was" : "s were");
}
