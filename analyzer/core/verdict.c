/* Verdict writers (marsdiag/verdict.h). */
#include "marsdiag/verdict.h"

#include <stdlib.h>
#include <string.h>

#include "marsdiag/redact.h"
#include "marsdiag/report.h"
#include "marsdiag/waivers.h"

/* s as it may be printed (redact.h); free it. NULL when memory ran out:
 * print nothing then, never s. */
static char *
masked(const struct md_redactor *rd, const char *s, size_t len,
       size_t *out_len)
{
    return md_redactor_apply(rd, s, len, out_len);
}

void
md_write_fact_json(struct md_json *j, const struct md_fact *f,
                   const struct md_redactor *rd)
{
    if (!f) {
        md_json_null(j);
        return;
    }
    switch (f->type) {
    case MD_F_NULL:
        md_json_null(j);
        break;
    case MD_F_BOOL:
        md_json_bool(j, f->i != 0);
        break;
    case MD_F_INT:
        md_json_int(j, f->i);
        break;
    case MD_F_STR:
        md_json_redacted(j, rd, f->s, f->len);
        break;
    case MD_F_LIST:
        md_json_arr(j);
        for (size_t i = 0; i < f->n; i++)
            md_write_fact_json(j, f->items[i], rd);
        md_json_end_arr(j);
        break;
    case MD_F_OBJ:
        md_json_obj(j);
        for (size_t i = 0; i < f->n; i++) {
            md_json_key(j, f->keys[i]);
            md_write_fact_json(j, f->items[i], rd);
        }
        md_json_end_obj(j);
        break;
    }
}

static void
key_fact(struct md_json *j, const struct md_fact *root, const char *key,
         const char *path, const struct md_redactor *rd)
{
    md_json_key(j, key);
    md_write_fact_json(j, md_fact_path(root, path), rd);
}

void
md_write_evidence_ref_json(struct md_json *j, const struct md_evidence *ev,
                       const struct md_redactor *rd)
{
    md_json_obj(j);
    md_write_provenance_json(j, ev, rd);
    md_json_key(j, "kind");
    md_json_strz(j, ev->kind);
    if (ev->text) {
        md_json_key(j, "text");
        md_json_redacted(j, rd, ev->text, ev->text_len);
    }
    md_json_end_obj(j);
}

/* A waiver: what it covers, why, until when, where it is written. */
static void
write_waiver(struct md_json *j, const struct md_waiver *w,
             const struct md_redactor *rd)
{
    md_json_obj(j);
    md_json_key(j, "rule");
    md_json_strz(j, w->rule);
    md_json_key(j, w->host ? "host" : "bundle");
    if (w->host)
        md_json_redacted(j, rd, w->host, strlen(w->host));
    else
        md_json_strz(j, w->bundle);
    md_json_key(j, "reason");
    md_json_redacted(j, rd, w->reason, strlen(w->reason));
    md_json_key(j, "expires");
    md_json_strz(j, w->expires);
    md_json_key(j, "file");
    md_json_strz(j, w->file);
    md_json_key(j, "line");
    md_json_uint(j, w->line);
    md_json_end_obj(j);
}

/* "waivers": how many findings the waivers suppressed, and the expired
 * waivers that would have covered one (each once). */
static void
write_waivers(struct md_json *j, const struct md_verdict *v,
              const struct md_redactor *rd)
{
    md_json_key(j, "waivers");
    md_json_obj(j);
    md_json_key(j, "file");
    md_json_strz(j, md_waivers_file(v->waivers));
    md_json_key(j, "applied");
    md_json_uint(j, md_verdict_nsuppressed(v));
    md_json_key(j, "expired");
    md_json_arr(j);
    for (size_t i = 0; i < v->nfindings; i++) {
        const struct md_waiver *w = v->findings[i].expired_waiver;
        bool seen = false;
        for (size_t k = 0; w && k < i && !seen; k++)
            seen = v->findings[k].expired_waiver == w;
        if (w && !seen)
            write_waiver(j, w, rd);
    }
    md_json_end_arr(j);
    md_json_end_obj(j);
}

static void
write_finding(struct md_json *j, const struct md_verdict_finding *f,
              const struct md_redactor *rd)
{
    md_json_obj(j);
    md_json_key(j, "rule");
    md_json_strz(j, f->rule->id);
    md_json_key(j, "name");
    md_json_strz(j, f->rule->name);
    md_json_key(j, "severity");
    md_json_strz(j, md_severity_str(f->severity));
    md_json_key(j, "title");
    md_json_strz(j, f->rule->title);
    if (f->subject) {
        md_json_key(j, "subject");
        md_json_redacted(j, rd, f->subject, strlen(f->subject));
    }
    md_json_key(j, "message");
    md_json_redacted(j, rd, f->message, strlen(f->message));
    md_json_key(j, "fix");
    md_json_strz(j, f->rule->fix);
    md_json_key(j, "references");
    md_json_arr(j);
    for (size_t i = 0; i < f->rule->nreferences; i++)
        md_json_strz(j, f->rule->references[i]);
    md_json_end_arr(j);
    md_json_key(j, "evidence");
    md_json_arr(j);
    for (size_t i = 0; i < f->nevidence; i++)
        md_write_evidence_ref_json(j, f->evidence[i], rd);
    md_json_end_arr(j);
    md_json_key(j, "suppressed");
    md_json_bool(j, f->suppressed);
    if (f->waiver) {
        md_json_key(j, "suppression");
        write_waiver(j, f->waiver, rd);
    }
    md_json_end_obj(j);
}

static void
hex(char *out, const unsigned char *p, size_t n)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[p[i] >> 4];
        out[2 * i + 1] = d[p[i] & 15];
    }
    out[2 * n] = '\0';
}

void
md_write_verdict_json(struct md_json *j, const struct md_verdict *v,
                      const struct md_render *r)
{
    const struct md_redactor *rd = r->redactor;
    const struct md_bundle *b = &v->bundle;
    const struct md_fact *root = v->model ? md_model_root(v->model) : NULL;
    md_json_obj(j);
    md_json_key(j, "schema");
    md_json_strz(j, MD_REPORT_SCHEMA);
    md_json_key(j, "tool");
    md_json_obj(j);
    md_json_key(j, "name");
    md_json_strz(j, "marsdiag");
    md_json_key(j, "version");
    md_json_strz(j, md_version());
    md_json_key(j, "rulepack");
    md_json_strz(j, r->rulepack);
    md_json_redaction(j, rd);
    md_json_end_obj(j);

    md_json_key(j, "input");
    md_json_obj(j);
    md_json_key(j, "path");
    md_json_redacted(j, rd, b->path, strlen(b->path));
    char path_id[17];
    if (md_redactor_path_id(rd, b->path, path_id)) {
        /* the redacted path's identity, for batch --resume */
        md_json_key(j, "path_id");
        md_json_strz(j, path_id);
    }
    if (b->have_sha256) {
        char h[65];
        hex(h, b->sha256, 32);
        md_json_key(j, "sha256");
        md_json_strz(j, h);
    }
    if (b->is_file) {
        md_json_key(j, "bytes");
        md_json_uint(j, b->size);
    }
    if (b->status != MD_OK) {
        md_json_key(j, "error");
        md_json_redacted(j, rd, b->error, strlen(b->error));
    }
    md_json_end_obj(j);

    md_json_key(j, "host");
    md_json_obj(j);
    key_fact(j, root, "name", "host.name", rd);
    key_fact(j, root, "agent_version", "agent.version", rd);
    md_json_end_obj(j);

    md_json_key(j, "effective_proxy");
    md_json_obj(j);
    static const char *const eff[] = {"source",      "mode",   "server",
                                      "port",        "pac_url", "credentials",
                                      "bypass",      "shadowed"};
    for (size_t i = 0; i < sizeof eff / sizeof eff[0]; i++) {
        char path[64];
        snprintf(path, sizeof path, "effective.%s", eff[i]);
        key_fact(j, root, eff[i], path, rd);
    }
    md_json_end_obj(j);

    md_json_key(j, "sources");
    md_json_obj(j);
    key_fact(j, root, "agent", "agent.proxy", rd);
    key_fact(j, root, "system", "system", rd);
    key_fact(j, root, "users", "users", rd);
    key_fact(j, root, "winhttp", "winhttp", rd);
    key_fact(j, root, "dotnet", "dotnet", rd);
    md_json_end_obj(j);

    md_json_key(j, "findings");
    md_json_arr(j);
    for (size_t i = 0; i < v->nfindings; i++)
        write_finding(j, &v->findings[i], rd);
    md_json_end_arr(j);
    /* Only when it happened: a comparison that hit a PCRE2 limit was
     * taken as false, so the findings may be incomplete. */
    if (v->regex_limit) {
        md_json_key(j, "regex_limit");
        md_json_bool(j, true);
    }

    if (v->waivers)
        write_waivers(j, v, rd);
    md_write_inputs_json(j, b, rd);
    md_write_stats_json(j, b, r->timing ? v->elapsed_ms : -1);
    md_json_end_obj(j);
}

void
md_write_verdicts_json(FILE *f, const struct md_verdict *v, size_t nv,
                       const struct md_render *r)
{
    struct md_json j;
    md_json_init(&j, f, true);
    if (nv != 1)
        md_json_arr(&j);
    for (size_t i = 0; i < nv; i++)
        md_write_verdict_json(&j, &v[i], r);
    if (nv != 1)
        md_json_end_arr(&j);
    fputc('\n', f);
}

/* ---- text ------------------------------------------------------------- */

struct style {
    const char *bold, *red, *yellow, *dim, *off;
    const struct md_redactor *rd; /* for every string from the bundle */
};

/* s from the bundle, redacted and scrubbed of terminal controls (nothing
 * when memory ran out). */
static void
put(FILE *f, const struct md_redactor *rd, const char *s)
{
    size_t n;
    char *m = masked(rd, s, strlen(s), &n);
    if (m) {
        md_text_scrub(m, n);
        fwrite(m, 1, n, f);
    }
    free(m);
}

/* Print s wrapped at 78 columns, every line indented by ind spaces. */
static void
wrapped(FILE *f, int ind, const char *s, const struct md_redactor *rd)
{
    size_t n;
    char *m = masked(rd, s, strlen(s), &n);
    const char *p = m ? m : "";
    int col = 0;
    fprintf(f, "%*s", ind, "");
    col = ind;
    while (*p) {
        while (*p == ' ' || *p == '\n')
            p++;
        size_t w = strcspn(p, " \n");
        if (!w)
            break;
        if (col > ind && col + 1 + (int)w > 78) {
            fprintf(f, "\n%*s", ind, "");
            col = ind;
        } else if (col > ind) {
            fputc(' ', f);
            col++;
        }
        md_text_scrub(m + (p - m), w);
        fwrite(p, 1, w, f);
        col += (int)w;
        p += w;
    }
    fputc('\n', f);
    free(m);
}

static void
text_effective(FILE *f, const struct md_fact *root, const struct style *st)
{
    char src[64], mode[64], server[512], port[32], pac[1024], cred[8];
    const char *s = md_fact_scalar(root, "effective.source", src, sizeof src);
    const char *m = md_fact_scalar(root, "effective.mode", mode, sizeof mode);
    fprintf(f, "%sEffective proxy:%s ", st->bold, st->off);
    if (!s || !strcmp(s, "unknown")) {
        fprintf(f, "%sunknown%s — the bundle lacks the evidence to decide "
                   "(see MP022)\n",
                st->yellow, st->off);
    } else if (!strcmp(m, "direct")) {
        fprintf(f, "none — direct connection (neither the agent nor SYSTEM "
                   "has a proxy)\n");
    } else {
        const char *who = !strcmp(s, "agent") ? "the agent's own proxy"
                                              : "the SYSTEM account's "
                                                "Windows settings";
        if (!strcmp(m, "pac")) {
            fputs("PAC ", f);
            put(f, st->rd,
                md_fact_scalar(root, "effective.pac_url", pac, sizeof pac)
                    ? pac
                    : "(no URL)");
        }
        else if (!strcmp(m, "autodetect"))
            fprintf(f, "automatic detection (WPAD)");
        else {
            const char *sv =
                md_fact_scalar(root, "effective.server", server, sizeof server);
            const char *pt =
                md_fact_scalar(root, "effective.port", port, sizeof port);
            size_t n;
            char *msv = sv ? masked(st->rd, sv, strlen(sv), &n) : NULL;
            if (msv)
                md_text_scrub(msv, n);
            fprintf(f, "%s%s%s", msv ? msv : "(no server)", pt ? ":" : "",
                    pt ? pt : "");
            free(msv);
        }
        const char *c =
            md_fact_scalar(root, "effective.credentials", cred, sizeof cred);
        fprintf(f, " — %s%s\n", who,
                c && !strcmp(c, "yes") ? ", with credentials"
                                       : ", no credentials");
    }
    const struct md_fact *sh = md_fact_path(root, "effective.shadowed");
    for (size_t i = 0; sh && i < sh->n; i++) {
        char a[128], b[64], c[1024], d[512];
        const struct md_fact *e = sh->items[i];
        const char *src2 = md_fact_scalar(e, "source", a, sizeof a);
        const char *mo = md_fact_scalar(e, "mode", b, sizeof b);
        const char *val = md_fact_scalar(e, "value", c, sizeof c);
        const char *why = md_fact_scalar(e, "reason", d, sizeof d);
        size_t n;
        char *mval = val ? masked(st->rd, val, strlen(val), &n) : NULL;
        if (mval)
            md_text_scrub(mval, n);
        fprintf(f, "  %signored:%s ", st->dim, st->off);
        put(f, st->rd, src2 ? src2 : "?");
        fprintf(f, "%s%s%s%s\n", mo ? " " : "", mo ? mo : "",
                mval ? " " : "", mval ? mval : "");
        free(mval);
        if (why) {
            char line[600];
            snprintf(line, sizeof line, "(%s)", why);
            wrapped(f, 4, line, st->rd);
        }
    }
}

static void
text_finding(FILE *f, const struct md_verdict_finding *v,
             const struct style *st)
{
    const char *c = v->severity == MD_SEV_ERROR     ? st->red
                    : v->severity == MD_SEV_WARNING ? st->yellow
                                                    : "";
    fprintf(f, "\n  %s%-7s%s %s%s%s %s", c, md_severity_str(v->severity),
            st->off, st->bold, v->rule->id, st->off, v->rule->title);
    if (v->subject) {
        fputs(" [", f);
        put(f, st->rd, v->subject);
        fputc(']', f);
    }
    fputc('\n', f);
    wrapped(f, 10, v->message, st->rd);
    for (size_t i = 0; i < v->nevidence && i < 5; i++) {
        const struct md_evidence *ev = v->evidence[i];
        fprintf(f, "%*s%sat%s ", 10, "", st->dim, st->off);
        put(f, st->rd, ev->input ? ev->input->path : "?");
        if (ev->line)
            fprintf(f, ":%llu", (unsigned long long)ev->line);
        /* A log record is best shown by its message, an event without a
         * rendered message by its data. */
        const struct md_field *msg = md_ev_field(ev, "message");
        if (!msg || msg->type != MD_V_STR || !msg->len)
            msg = ev->text ? NULL : md_ev_field(ev, "data");
        const char *t = msg && msg->type == MD_V_STR ? msg->s : ev->text;
        size_t tlen = msg && msg->type == MD_V_STR ? msg->len : ev->text_len;
        if (t) {
            /* Redacted whole, then cut: a cut name or password would
             * not be recognised. */
            size_t n;
            char *m = masked(st->rd, t, tlen, &n);
            size_t lim = n > 100 ? 100 : n;
            while (m && lim < n && lim > 0 &&
                   ((unsigned char)m[lim] & 0xC0) == 0x80)
                lim--; /* not inside a UTF-8 sequence */
            /* One line of context, tabs shown as spaces. */
            for (size_t k = 0; m && k < lim; k++)
                if (m[k] == '\t' || m[k] == '\n' || m[k] == '\r')
                    m[k] = ' ';
            if (m)
                md_text_scrub(m, lim);
            fprintf(f, "  %s%.*s%s%s", st->dim, m ? (int)lim : 0,
                    m ? m : "", m && n > lim ? "…" : "", st->off);
            free(m);
        }
        fputc('\n', f);
    }
    if (v->nevidence > 5)
        fprintf(f, "%*s(%zu more)\n", 10, "", v->nevidence - 5);
    char fix[2048];
    snprintf(fix, sizeof fix, "fix: %s", v->rule->fix);
    wrapped(f, 10, fix, NULL);
    const struct md_waiver *w = v->waiver ? v->waiver : v->expired_waiver;
    if (w) {
        char why[1024];
        snprintf(why, sizeof why, "%s %s (%s:%u): %s",
                 v->waiver ? "waived until" : "waiver expired on",
                 w->expires, w->file, w->line, w->reason);
        wrapped(f, 10, why, st->rd);
    }
}

void
md_write_verdict_text(FILE *f, const struct md_verdict *v,
                      const struct md_render *r)
{
    static const struct style plain = {"", "", "", "", "", NULL};
    static const struct style ansi = {"\033[1m", "\033[31m", "\033[33m",
                                      "\033[2m", "\033[0m", NULL};
    struct style style = r->color ? ansi : plain;
    style.rd = r->redactor;
    const struct style *st = &style;
    const struct md_bundle *b = &v->bundle;
    const struct md_fact *root = v->model ? md_model_root(v->model) : NULL;
    char host[256], ver[64];
    fputs(st->bold, f);
    put(f, st->rd, b->path);
    fputs(st->off, f);
    const char *h = md_fact_scalar(root, "host.name", host, sizeof host);
    const char *av = md_fact_scalar(root, "agent.version", ver, sizeof ver);
    if (h) {
        fputs("  (host ", f);
        put(f, st->rd, h);
        fprintf(f, "%s%s)", av ? ", agent " : "", av ? av : "");
    } else if (av) {
        fprintf(f, "  (agent %s)", av);
    }
    fputc('\n', f);
    if (b->status != MD_OK) {
        fputs("  error: ", f);
        put(f, st->rd, b->error);
        fputc('\n', f);
        return;
    }
    text_effective(f, root, st);

    /* Waived findings are counted apart and listed last, on request. */
    size_t n[3] = {0}, nsup = md_verdict_nsuppressed(v);
    for (size_t i = 0; i < v->nfindings; i++)
        n[v->findings[i].severity] += !v->findings[i].suppressed;
    if (v->nfindings == nsup)
        fprintf(f, "\nNo findings.\n");
    else
        fprintf(f, "\n%sFindings:%s %zu error%s, %zu warning%s, %zu info\n",
                st->bold, st->off, n[2], n[2] == 1 ? "" : "s", n[1],
                n[1] == 1 ? "" : "s", n[0]);
    if (v->regex_limit)
        fprintf(f, "%sIncomplete:%s a regular expression hit a PCRE2 "
                   "limit; the rules or signatures concerned did not match "
                   "(see 'marsdiag limits')\n",
                st->yellow, st->off);
    if (nsup)
        fprintf(f, "%zu finding%s suppressed by waivers (%s)\n", nsup,
                nsup == 1 ? "" : "s",
                r->show_suppressed ? "listed last"
                                   : "--show-suppressed lists them");
    for (size_t i = 0; i < v->nfindings; i++)
        if (!v->findings[i].suppressed)
            text_finding(f, &v->findings[i], st);
    if (nsup && r->show_suppressed) {
        fprintf(f, "\n%sSuppressed by waivers:%s\n", st->bold, st->off);
        for (size_t i = 0; i < v->nfindings; i++)
            if (v->findings[i].suppressed)
                text_finding(f, &v->findings[i], st);
    }

    size_t problems = 0, parsed = 0;
    for (const struct md_input *in = b->inputs; in; in = in->next) {
        problems += in->has_diag && in->worst >= MD_GRADE_WARN;
        parsed += in->type != NULL;
    }
    fprintf(f, "\n%sInputs:%s %zu (%zu read, %zu skipped), %zu with "
               "problems; %llu evidence records\n",
            st->bold, st->off, b->ninputs, parsed, b->ninputs - parsed,
            problems, (unsigned long long)b->stats.records);
    for (const struct md_input *in = b->inputs; in; in = in->next)
        for (const struct md_diag *d = in->diags; d; d = d->next)
            if (d->grade >= MD_GRADE_WARN) {
                fprintf(f, "  %s%s:%s ", d->grade >= MD_GRADE_FAILED
                                             ? st->red
                                             : st->yellow,
                        md_grade_str(d->grade), st->off);
                put(f, st->rd, in->path);
                if (d->line)
                    fprintf(f, ":%llu", (unsigned long long)d->line);
                fputs(": ", f);
                put(f, st->rd, d->msg);
                fputc('\n', f);
            }
}

void
md_write_verdicts_text(FILE *f, const struct md_verdict *v, size_t nv,
                       const struct md_render *r)
{
    for (size_t i = 0; i < nv; i++) {
        if (i)
            fputc('\n', f);
        md_write_verdict_text(f, &v[i], r);
        if (r->inputs)
            md_write_report_text(f, &v[i].bundle, r);
    }
}

/* ---- pieces for other reports (review.h) --------------------------------- */

static struct style
style_of(const struct md_render *r)
{
    static const struct style plain = {"", "", "", "", "", NULL};
    static const struct style ansi = {"\033[1m", "\033[31m", "\033[33m",
                                      "\033[2m", "\033[0m", NULL};
    struct style st = r->color ? ansi : plain;
    st.rd = r->redactor;
    return st;
}

void
md_write_finding_json(struct md_json *j, const struct md_verdict_finding *f,
                      const struct md_redactor *rd)
{
    write_finding(j, f, rd);
}

void
md_write_finding_text(FILE *f, const struct md_verdict_finding *v,
                      const struct md_render *r)
{
    struct style st = style_of(r);
    text_finding(f, v, &st);
}

void
md_write_effective_text(FILE *f, const struct md_verdict *v,
                        const struct md_render *r)
{
    struct style st = style_of(r);
    text_effective(f, v->model ? md_model_root(v->model) : NULL, &st);
}
