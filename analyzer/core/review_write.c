/*
 * Writers of a review and of a bundle diff (marsdiag/review.h): JSON
 * (marsdiag.review/1, marsdiag.diff/1; DESIGN §3) and text. Each string
 * from a bundle or a change file goes through md_redactor_apply, so a
 * password never reaches the output.
 */
#include "review_int.h"

#include <stdlib.h>
#include <string.h>

#include "marsdiag/redact.h"
#include "marsdiag/verdict.h"

/* ---- shared ------------------------------------------------------------- */

/* s as the text report may show it: redacted, on one line (tabs and line
 * breaks as spaces), and with no control character left (a hostile
 * bundle or change file may carry terminal escapes), as verdict.c's text
 * writer does. NULL when out of memory; free the result. */
static char *
shown(const struct md_render *rr, const char *s, size_t len, size_t *n)
{
    char *m = md_redactor_apply(rr->redactor, s, len, n);
    for (size_t k = 0; m && k < *n; k++)
        if (m[k] == '\t' || m[k] == '\n' || m[k] == '\r')
            m[k] = ' ';
    if (m)
        md_text_scrub(m, *n);
    return m;
}

static void
put(FILE *f, const struct md_render *rr, const char *s)
{
    size_t n;
    char *m = shown(rr, s, strlen(s), &n);
    if (m)
        fwrite(m, 1, n, f);
    free(m);
}

static void
jstr(struct md_json *j, const struct md_render *rr, const char *key,
     const char *s)
{
    md_json_key(j, key);
    if (s)
        md_json_redacted(j, rr->redactor, s, strlen(s));
    else
        md_json_null(j);
}

static void
write_tool(struct md_json *j, const struct md_render *rr)
{
    md_json_key(j, "tool");
    md_json_obj(j);
    md_json_key(j, "name");
    md_json_strz(j, "marsdiag");
    md_json_key(j, "version");
    md_json_strz(j, md_version());
    md_json_key(j, "rulepack");
    md_json_strz(j, rr->rulepack);
    md_json_end_obj(j);
}

static void
write_findings(struct md_json *j, const char *key,
               const struct md_verdict_finding *const *f, size_t n,
               const struct md_render *rr)
{
    md_json_key(j, key);
    md_json_arr(j);
    for (size_t i = 0; i < n; i++)
        md_write_finding_json(j, f[i], rr->redactor);
    md_json_end_arr(j);
}

void
md_effective_line(const struct md_fact *root, char *buf, size_t n)
{
    char src[32], mode[32], server[512], port[32], pac[1024], cred[8];
    const char *s = md_fact_scalar(root, "effective.source", src, sizeof src);
    const char *m = md_fact_scalar(root, "effective.mode", mode, sizeof mode);
    const char *who = s && !strcmp(s, "agent") ? "the agent's own proxy"
                                               : "SYSTEM's Windows settings";
    if (!s || !m || !strcmp(s, "unknown")) {
        snprintf(buf, n, "unknown (the evidence to decide is missing)");
    } else if (!strcmp(m, "direct")) {
        snprintf(buf, n, "direct (no proxy)");
    } else if (!strcmp(m, "pac")) {
        const char *u =
            md_fact_scalar(root, "effective.pac_url", pac, sizeof pac);
        snprintf(buf, n, "PAC %s (%s)", u ? u : "(no URL)", who);
    } else if (!strcmp(m, "autodetect")) {
        snprintf(buf, n, "automatic detection, WPAD (%s)", who);
    } else {
        const char *sv =
            md_fact_scalar(root, "effective.server", server, sizeof server);
        const char *pt =
            md_fact_scalar(root, "effective.port", port, sizeof port);
        const char *c =
            md_fact_scalar(root, "effective.credentials", cred, sizeof cred);
        snprintf(buf, n, "%s%s%s (%s, %s)", sv ? sv : "(no server)",
                 pt ? ":" : "", pt ? pt : "", who,
                 c && !strcmp(c, "yes") ? "with credentials"
                                        : "no credentials");
    }
}

/* ---- review: JSON -------------------------------------------------------- */

static void
write_action(struct md_json *j, const struct md_change_action *a,
             const struct md_render *rr)
{
    md_json_obj(j);
    md_json_key(j, "kind");
    md_json_strz(j, a->kind);
    md_json_key(j, "target");
    md_json_strz(j, a->target);
    jstr(j, rr, "setting", a->setting);
    jstr(j, rr, "value", a->value);
    jstr(j, rr, "path", a->ev->input ? a->ev->input->path : NULL);
    md_json_key(j, "line");
    md_json_uint(j, a->ev->line);
    md_json_key(j, "text");
    if (a->ev->text)
        md_json_redacted(j, rr->redactor, a->ev->text, a->ev->text_len);
    else
        md_json_null(j);
    md_json_end_obj(j);
}

static void
write_skip(struct md_json *j, const struct md_change_skip *s,
           const struct md_render *rr)
{
    md_json_obj(j);
    md_json_key(j, "status");
    md_json_strz(j, s->understood ? "ignored" : "not_understood");
    jstr(j, rr, "reason", s->reason);
    jstr(j, rr, "path", s->path);
    md_json_key(j, "line");
    md_json_uint(j, s->line);
    jstr(j, rr, "text", s->text);
    md_json_end_obj(j);
}

static void
write_change_json(struct md_json *j, const struct md_change *c,
                  const struct md_render *rr)
{
    md_json_key(j, "change");
    md_json_obj(j);
    jstr(j, rr, "path", c->path);
    md_json_key(j, "type");
    md_json_strz(j, c->type);
    md_json_key(j, "actions");
    md_json_arr(j);
    for (size_t i = 0; i < c->nactions; i++)
        write_action(j, &c->actions[i], rr);
    md_json_end_arr(j);
    md_json_key(j, "not_applied");
    md_json_arr(j);
    for (size_t i = 0; i < c->nskips; i++)
        write_skip(j, &c->skips[i], rr);
    md_json_end_arr(j);
    md_json_end_obj(j);
}

void
md_write_review_json(FILE *f, const struct md_review *r,
                     const struct md_render *rr)
{
    struct md_json j;
    md_json_init(&j, f, true);
    md_json_obj(&j);
    md_json_key(&j, "schema");
    md_json_strz(&j, MD_REVIEW_SCHEMA);
    write_tool(&j, rr);
    write_change_json(&j, r->change, rr);
    md_json_key(&j, "empty_machine");
    md_json_bool(&j, r->empty_machine);
    md_json_key(&j, "effective_changed");
    md_json_bool(&j, r->effective_changed);
    md_json_key(&j, "before");
    md_write_verdict_json(&j, &r->before, rr);
    md_json_key(&j, "after");
    md_write_verdict_json(&j, &r->after, rr);
    write_findings(&j, "introduced", r->delta.added, r->delta.nadded, rr);
    write_findings(&j, "escalated", r->delta.escalated, r->delta.nescalated,
                   rr);
    write_findings(&j, "resolved", r->delta.removed, r->delta.nremoved, rr);
    md_json_key(&j, "unchanged");
    md_json_uint(&j, r->delta.nsame);
    md_json_end_obj(&j);
    fputc('\n', f);
}

/* ---- review: text -------------------------------------------------------- */

struct style {
    const char *bold, *red, *yellow, *dim, *off;
};

static struct style
style_of(const struct md_render *rr)
{
    static const struct style plain = {"", "", "", "", ""};
    static const struct style ansi = {"\033[1m", "\033[31m", "\033[33m",
                                      "\033[2m", "\033[0m"};
    return rr->color ? ansi : plain;
}

/* "  at FILE:LINE  TEXT" (one line of the text, at most 100 bytes). */
static void
text_at(FILE *f, const struct md_render *rr, const struct style *st,
        const char *path, uint64_t line, const char *text, size_t tlen)
{
    fprintf(f, "      %sat%s ", st->dim, st->off);
    put(f, rr, path ? path : "?");
    if (line)
        fprintf(f, ":%llu", (unsigned long long)line);
    if (text) {
        size_t n;
        char *m = shown(rr, text, tlen, &n);
        size_t lim = n > 100 ? 100 : n;
        while (m && lim < n && lim > 0 &&
               ((unsigned char)m[lim] & 0xC0) == 0x80)
            lim--;
        fprintf(f, "  %s%.*s%s%s", st->dim, m ? (int)lim : 0, m ? m : "",
                m && n > lim ? "…" : "", st->off);
        free(m);
    }
    fputc('\n', f);
}

const char *
md_change_target_words(const char *t)
{
    static const struct {
        const char *target, *words;
    } names[] = {
        {"agent", "the agent's proxy"},
        {"system", "SYSTEM's Internet Settings"},
        {"machine", "the machine's (HKLM) Internet Settings"},
        {"user", "a user's Internet Settings"},
        {"service", "a service account's settings"},
        {"policy", "the proxy policy"},
        {"winhttp", "WinHTTP"},
        {"dotnet", ".NET"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (!strcmp(t, names[i].target))
            return names[i].words;
    return t;
}

static void
text_change(FILE *f, const struct md_change *c, const struct md_render *rr,
            const struct style *st)
{
    fprintf(f, "%sChange:%s ", st->bold, st->off);
    put(f, rr, c->path);
    fprintf(f, " (%s; %zu action%s)\n",
            !strcmp(c->type, "reg") ? "registry file"
                                    : "script or command line",
            c->nactions, c->nactions == 1 ? "" : "s");
    for (size_t i = 0; i < c->nactions; i++) {
        const struct md_change_action *a = &c->actions[i];
        fprintf(f, "  %s %s", a->kind, md_change_target_words(a->target));
        bool whole = !strcmp(a->setting, "proxy"); /* the agent's, WinHTTP */
        if (!whole) {
            fputs(": ", f);
            put(f, rr, a->setting);
        }
        if (a->value) {
            fputs(whole ? ": " : " = ", f);
            put(f, rr, a->value);
        }
        fputc('\n', f);
        text_at(f, rr, st, a->ev->input ? a->ev->input->path : NULL,
                a->ev->line, a->ev->text, a->ev->text_len);
    }
    if (!c->nskips)
        return;
    size_t nu = 0;
    for (size_t i = 0; i < c->nskips; i++)
        nu += !c->skips[i].understood;
    fprintf(f, "%sNot applied:%s %zu (%zu not understood)\n", st->bold, st->off,
            c->nskips, nu);
    for (size_t i = 0; i < c->nskips; i++) {
        const struct md_change_skip *s = &c->skips[i];
        fprintf(f, "  %s%s%s: ", s->understood ? "" : st->yellow,
                s->understood ? "ignored" : "not understood", st->off);
        put(f, rr, s->reason ? s->reason : "");
        fputc('\n', f);
        text_at(f, rr, st, s->path, s->line, s->text,
                s->text ? strlen(s->text) : 0);
    }
}

static void
text_list(FILE *f, const char *title, const struct md_verdict_finding *const *v,
          size_t n, const struct md_render *rr, const struct style *st)
{
    size_t k[3] = {0};
    for (size_t i = 0; i < n; i++)
        k[v[i]->severity]++;
    fprintf(f, "\n%s%s:%s ", st->bold, title, st->off);
    if (n) {
        md_severity_words(f, k);
        fputc('\n', f);
    } else {
        fputs("none\n", f);
    }
    for (size_t i = 0; i < n; i++)
        md_write_finding_text(f, v[i], rr);
}

/* "MP001, MP004" of findings at severity sev or above, into b. */
static size_t
ids(const struct md_verdict_finding *const *v, size_t n, int sev, char *b,
    size_t bn)
{
    size_t k = 0, o = 0;
    b[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if ((int)v[i]->severity < sev || v[i]->suppressed)
            continue;
        if (!strstr(b, v[i]->rule->id) && o + 16 < bn)
            o += (size_t)snprintf(b + o, bn - o, "%s%s", k ? ", " : "",
                                  v[i]->rule->id);
        k++;
    }
    return k;
}

static size_t
count_at(const struct md_verdict *v, int sev)
{
    size_t n = 0;
    for (size_t i = 0; i < v->nfindings; i++)
        n += (int)v->findings[i].severity >= sev && !v->findings[i].suppressed;
    return n;
}

/* s (from the bundle or the change: redacted) wrapped at 78 columns,
 * each line indented by ind. */
static void
wrapped(FILE *f, const struct md_render *rr, int ind, const char *s)
{
    size_t n;
    char *m = shown(rr, s, strlen(s), &n);
    const char *p = m ? m : "";
    int col = ind;
    fprintf(f, "%*s", ind, "");
    while (*p) {
        while (*p == ' ')
            p++;
        size_t w = strcspn(p, " ");
        if (!w)
            break;
        if (col > ind && col + 1 + (int)w > 78) {
            fprintf(f, "\n%*s", ind, "");
            col = ind;
        } else if (col > ind) {
            fputc(' ', f);
            col++;
        }
        fwrite(p, 1, w, f);
        col += (int)w;
        p += w;
    }
    fputc('\n', f);
    free(m);
}

/* The answer to "will backups still reach Azure, and why". */
static void
text_verdict(FILE *f, const struct md_review *r, const struct md_render *rr,
             const struct style *st)
{
    char line[1600], list[256], esc[256];
    struct md_buf b = MD_BUF_INIT(0);
    md_effective_line(md_model_root(r->after.model), line, sizeof line);
    const struct md_verdict_finding *const *in = r->delta.added;
    size_t ne = ids(in, r->delta.nadded, MD_SEV_ERROR, list, sizeof list);
    size_t nx = ids(r->delta.escalated, r->delta.nescalated, MD_SEV_ERROR, esc,
                    sizeof esc);
    const char *head;
    bool errors = ne || nx;
    if (!errors) { /* then the warnings, introduced or escalated */
        ne = ids(in, r->delta.nadded, MD_SEV_WARNING, list, sizeof list);
        nx = ids(r->delta.escalated, r->delta.nescalated, MD_SEV_WARNING, esc,
                 sizeof esc);
    }
    if (ne || nx) {
        head = errors ? "do not apply the change as it is."
                      : "read the warnings before applying the change.";
        if (ne)
            md_buf_printf(&b, "It introduces %s", list);
        if (nx)
            md_buf_printf(&b, "%s %s more severe",
                          ne ? "; it makes" : "It makes", esc);
        md_buf_printf(&b, " (%s, above).", errors ? "errors" : "warnings");
    } else {
        size_t left = count_at(&r->after, MD_SEV_ERROR);
        head = "the change introduces no problem.";
        if (left)
            md_buf_printf(&b, "%zu error%s remain%s after it.", left,
                          left == 1 ? "" : "s", left == 1 ? "s" : "");
    }
    md_buf_printf(&b, "%sAfter it the agent connects: %s.", b.len ? " " : "",
                  line);
    if (ids(r->delta.removed, r->delta.nremoved, MD_SEV_INFO, list,
            sizeof list))
        md_buf_printf(&b, " It resolves %s.", list);
    md_review_cautions(&b, r);
    fprintf(f, "\n%sVerdict:%s %s%s%s\n", st->bold, st->off,
            errors ? st->red : "", head, errors ? st->off : "");
    wrapped(f, rr, 2, b.ptr ? b.ptr : "");
    md_buf_free(&b);
}

/* " (MP006, MP022)": the rules of the findings the change leaves. */
static void
unchanged_ids(FILE *f, const struct md_review *r)
{
    const struct md_verdict *v = &r->after;
    size_t shown = 0;
    for (size_t i = 0; i < v->nfindings; i++) {
        const struct md_verdict_finding *x = &v->findings[i];
        bool dup = false;
        for (size_t k = 0; k < i && !dup; k++)
            dup = v->findings[k].rule == x->rule;
        if (dup || !md_delta_unchanged(&r->delta, x))
            continue;
        fprintf(f, "%s%s", shown++ ? ", " : " (", x->rule->id);
    }
    if (shown)
        fputc(')', f);
}

void
md_write_review_text(FILE *f, const struct md_review *r,
                     const struct md_render *rr)
{
    struct style st = style_of(rr);
    text_change(f, r->change, rr, &st);
    fprintf(f, "\n%sServer:%s ", st.bold, st.off);
    put(f, rr, r->before.bundle.path);
    fputs(r->empty_machine ? " (no bundle: no agent proxy, no SYSTEM proxy, "
                             "WinHTTP direct)\n"
                           : "\n",
          f);
    fprintf(f, "\n%sBefore the change%s\n", st.bold, st.off);
    md_write_effective_text(f, &r->before, rr);
    fprintf(f, "%sAfter the change%s%s\n", st.bold, st.off,
            r->effective_changed ? "" : " (the same)");
    md_write_effective_text(f, &r->after, rr);
    text_list(f, "Introduced by the change", r->delta.added, r->delta.nadded,
              rr, &st);
    if (r->delta.nescalated)
        text_list(f, "Made more severe by the change", r->delta.escalated,
                  r->delta.nescalated, rr, &st);
    text_list(f, "Resolved by the change", r->delta.removed, r->delta.nremoved,
              rr, &st);
    fprintf(f, "\n%sUnchanged:%s %zu finding%s", st.bold, st.off,
            r->delta.nsame, r->delta.nsame == 1 ? "" : "s");
    unchanged_ids(f, r);
    fputc('\n', f);
    text_verdict(f, r, rr, &st);
}

/* ---- diff: JSON ---------------------------------------------------------- */

static void
write_side(struct md_json *j, const char *key, const struct md_verdict *v,
           const struct md_render *rr)
{
    const struct md_fact *root = md_model_root(v->model);
    md_json_key(j, key);
    md_json_obj(j);
    jstr(j, rr, "path", v->bundle.path);
    md_json_key(j, "host");
    md_write_fact_json(j, md_fact_path(root, "host.name"), rr->redactor);
    md_json_key(j, "effective_proxy");
    md_write_fact_json(j, md_fact_path(root, "effective"), rr->redactor);
    md_json_end_obj(j);
}

static void
write_changes(struct md_json *j, const struct md_diff *d, const char *source,
              const struct md_render *rr)
{
    md_json_key(j, source);
    md_json_arr(j);
    for (size_t i = 0; i < d->nchanges; i++) {
        const struct md_diff_change *c = &d->changes[i];
        if (strcmp(c->source, source))
            continue;
        md_json_obj(j);
        jstr(j, rr, "fact", c->fact);
        md_json_key(j, "old");
        md_write_fact_json(j, c->old, rr->redactor);
        md_json_key(j, "new");
        md_write_fact_json(j, c->new_, rr->redactor);
        md_json_end_obj(j);
    }
    md_json_end_arr(j);
}

void
md_write_diff_json(FILE *f, const struct md_diff *d, const struct md_render *rr)
{
    const struct md_finding_delta *fd = &d->delta;
    struct md_json j;
    md_json_init(&j, f, true);
    md_json_obj(&j);
    md_json_key(&j, "schema");
    md_json_strz(&j, MD_DIFF_SCHEMA);
    write_tool(&j, rr);
    write_side(&j, "old", &d->old, rr);
    write_side(&j, "new", &d->new_, rr);
    md_json_key(&j, "sources");
    md_json_obj(&j);
    for (size_t s = 0; s < MD_DIFF_NSOURCES; s++)
        write_changes(&j, d, md_diff_sources[s].source, rr);
    md_json_end_obj(&j);
    md_json_key(&j, "effective_changed");
    md_json_bool(&j, d->effective_changed);
    md_json_key(&j, "findings");
    md_json_obj(&j);
    write_findings(&j, "added", fd->added, fd->nadded, rr);
    write_findings(&j, "escalated", fd->escalated, fd->nescalated, rr);
    write_findings(&j, "removed", fd->removed, fd->nremoved, rr);
    md_json_end_obj(&j);
    md_json_end_obj(&j);
    fputc('\n', f);
}

/* ---- diff: text ---------------------------------------------------------- */

static void
put_fact(FILE *f, const struct md_render *rr, const struct md_fact *v)
{
    if (!v || v->type == MD_F_NULL) {
        fputs("(none)", f);
    } else if (v->type == MD_F_STR) {
        char *s = strndup(v->s, v->len);
        if (s)
            put(f, rr, s);
        free(s);
    } else if (v->type == MD_F_INT) {
        fprintf(f, "%lld", (long long)v->i);
    } else if (v->type == MD_F_BOOL) {
        fputs(v->i ? "true" : "false", f);
    }
}

void
md_write_diff_text(FILE *f, const struct md_diff *d, const struct md_render *rr)
{
    struct style st = style_of(rr);
    const struct md_finding_delta *fd = &d->delta;
    fprintf(f, "%sOld:%s ", st.bold, st.off);
    put(f, rr, d->old.bundle.path);
    fprintf(f, "\n%sNew:%s ", st.bold, st.off);
    put(f, rr, d->new_.bundle.path);
    fprintf(f, "\n\n%sSources:%s", st.bold, st.off);
    size_t shown = 0;
    for (size_t s = 0; s < MD_DIFF_NSOURCES; s++)
        for (size_t i = 0; i < d->nchanges; i++) {
            const struct md_diff_change *c = &d->changes[i];
            if (strcmp(c->source, md_diff_sources[s].source))
                continue;
            fprintf(f, "%s  %-8s ", shown++ ? "" : "\n", c->source);
            put(f, rr, c->fact);
            fputs(": ", f);
            put_fact(f, rr, c->old);
            fputs(" -> ", f);
            put_fact(f, rr, c->new_);
            fputc('\n', f);
        }
    if (!shown)
        fputs(" no change\n", f);
    char line[1600];
    fprintf(f, "\n%sEffective proxy%s%s\n  old: ", st.bold, st.off,
            d->effective_changed ? ":" : " (the same):");
    md_effective_line(md_model_root(d->old.model), line, sizeof line);
    put(f, rr, line);
    fputs("\n  new: ", f);
    md_effective_line(md_model_root(d->new_.model), line, sizeof line);
    put(f, rr, line);
    fputc('\n', f);
    text_list(f, "Findings added", fd->added, fd->nadded, rr, &st);
    if (fd->nescalated)
        text_list(f, "Findings more severe", fd->escalated, fd->nescalated, rr,
                  &st);
    text_list(f, "Findings removed", fd->removed, fd->nremoved, rr, &st);
}
