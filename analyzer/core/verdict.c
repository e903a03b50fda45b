/* Verdict writers (marsdiag/verdict.h). */
#include "marsdiag/verdict.h"

#include <stdlib.h>
#include <string.h>

#include "marsdiag/report.h"

/* A masked copy of s for output; free it. */
static char *
masked(const char *s, size_t len, size_t *out_len)
{
    char *o = malloc(len + 1);
    if (!o)
        return NULL;
    *out_len = md_redact(s, len, o);
    o[*out_len] = '\0';
    return o;
}

void
md_write_fact_json(struct md_json *j, const struct md_fact *f)
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
        md_json_masked(j, f->s, f->len);
        break;
    case MD_F_LIST:
        md_json_arr(j);
        for (size_t i = 0; i < f->n; i++)
            md_write_fact_json(j, f->items[i]);
        md_json_end_arr(j);
        break;
    case MD_F_OBJ:
        md_json_obj(j);
        for (size_t i = 0; i < f->n; i++) {
            md_json_key(j, f->keys[i]);
            md_write_fact_json(j, f->items[i]);
        }
        md_json_end_obj(j);
        break;
    }
}

static void
key_fact(struct md_json *j, const struct md_fact *root, const char *key,
         const char *path)
{
    md_json_key(j, key);
    md_write_fact_json(j, md_fact_path(root, path));
}

static void
write_evidence(struct md_json *j, const struct md_evidence *ev)
{
    md_json_obj(j);
    md_write_provenance_json(j, ev);
    md_json_key(j, "kind");
    md_json_strz(j, ev->kind);
    if (ev->text) {
        md_json_key(j, "text");
        md_json_masked(j, ev->text, ev->text_len);
    }
    md_json_end_obj(j);
}

static void
write_finding(struct md_json *j, const struct md_verdict_finding *f)
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
        md_json_strz(j, f->subject);
    }
    md_json_key(j, "message");
    md_json_masked(j, f->message, strlen(f->message));
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
        write_evidence(j, f->evidence[i]);
    md_json_end_arr(j);
    md_json_key(j, "suppressed");
    md_json_bool(j, f->suppressed);
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
                      const char *rulepack, long long elapsed_ms)
{
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
    md_json_strz(j, rulepack);
    md_json_end_obj(j);

    md_json_key(j, "input");
    md_json_obj(j);
    md_json_key(j, "path");
    md_json_strz(j, b->path);
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
        md_json_strz(j, b->error);
    }
    md_json_end_obj(j);

    md_json_key(j, "host");
    md_json_obj(j);
    key_fact(j, root, "name", "host.name");
    key_fact(j, root, "agent_version", "agent.version");
    md_json_end_obj(j);

    md_json_key(j, "effective_proxy");
    md_json_obj(j);
    static const char *const eff[] = {"source",      "mode",   "server",
                                      "port",        "pac_url", "credentials",
                                      "bypass",      "shadowed"};
    for (size_t i = 0; i < sizeof eff / sizeof eff[0]; i++) {
        char path[64];
        snprintf(path, sizeof path, "effective.%s", eff[i]);
        key_fact(j, root, eff[i], path);
    }
    md_json_end_obj(j);

    md_json_key(j, "sources");
    md_json_obj(j);
    key_fact(j, root, "agent", "agent.proxy");
    key_fact(j, root, "system", "system");
    key_fact(j, root, "users", "users");
    key_fact(j, root, "winhttp", "winhttp");
    key_fact(j, root, "dotnet", "dotnet");
    md_json_end_obj(j);

    md_json_key(j, "findings");
    md_json_arr(j);
    for (size_t i = 0; i < v->nfindings; i++)
        write_finding(j, &v->findings[i]);
    md_json_end_arr(j);

    md_write_inputs_json(j, b);
    md_write_stats_json(j, b, elapsed_ms);
    md_json_end_obj(j);
}

/* ---- text ------------------------------------------------------------- */

struct style {
    const char *bold, *red, *yellow, *dim, *off;
};

/* Print s wrapped at 78 columns, every line indented by ind spaces. */
static void
wrapped(FILE *f, int ind, const char *s)
{
    size_t n;
    char *m = masked(s, strlen(s), &n);
    const char *p = m ? m : s;
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
        fwrite(p, 1, w, f);
        col += (int)w;
        p += w;
    }
    fputc('\n', f);
    free(m);
}

static const char *
fstr(const struct md_fact *root, const char *path, char *buf, size_t n)
{
    const struct md_fact *f = md_fact_path(root, path);
    if (!f || f->type == MD_F_NULL)
        return NULL;
    if (f->type == MD_F_STR)
        snprintf(buf, n, "%.*s", (int)f->len, f->s);
    else if (f->type == MD_F_INT)
        snprintf(buf, n, "%lld", (long long)f->i);
    else if (f->type == MD_F_BOOL)
        snprintf(buf, n, "%s", f->i ? "yes" : "no");
    else
        return NULL;
    return buf;
}

static void
text_effective(FILE *f, const struct md_fact *root, const struct style *st)
{
    char src[64], mode[64], server[512], port[32], pac[1024], cred[8];
    const char *s = fstr(root, "effective.source", src, sizeof src);
    const char *m = fstr(root, "effective.mode", mode, sizeof mode);
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
        if (!strcmp(m, "pac"))
            fprintf(f, "PAC %s", fstr(root, "effective.pac_url", pac,
                                      sizeof pac)
                                     ? pac
                                     : "(no URL)");
        else if (!strcmp(m, "autodetect"))
            fprintf(f, "automatic detection (WPAD)");
        else {
            const char *sv = fstr(root, "effective.server", server,
                                  sizeof server);
            const char *pt = fstr(root, "effective.port", port, sizeof port);
            size_t n;
            char *msv = sv ? masked(sv, strlen(sv), &n) : NULL;
            fprintf(f, "%s%s%s", msv ? msv : "(no server)", pt ? ":" : "",
                    pt ? pt : "");
            free(msv);
        }
        const char *c = fstr(root, "effective.credentials", cred, sizeof cred);
        fprintf(f, " — %s%s\n", who,
                c && !strcmp(c, "yes") ? ", with credentials"
                                       : ", no credentials");
    }
    const struct md_fact *sh = md_fact_path(root, "effective.shadowed");
    for (size_t i = 0; sh && i < sh->n; i++) {
        char a[128], b[64], c[1024], d[512];
        const struct md_fact *e = sh->items[i];
        const char *src2 = fstr(e, "source", a, sizeof a);
        const char *mo = fstr(e, "mode", b, sizeof b);
        const char *val = fstr(e, "value", c, sizeof c);
        const char *why = fstr(e, "reason", d, sizeof d);
        size_t n;
        char *mval = val ? masked(val, strlen(val), &n) : NULL;
        fprintf(f, "  %signored:%s %s%s%s%s%s\n", st->dim, st->off,
                src2 ? src2 : "?", mo ? " " : "", mo ? mo : "",
                mval ? " " : "", mval ? mval : "");
        free(mval);
        if (why) {
            char line[600];
            snprintf(line, sizeof line, "(%s)", why);
            wrapped(f, 4, line);
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
    if (v->subject)
        fprintf(f, " [%s]", v->subject);
    fputc('\n', f);
    wrapped(f, 10, v->message);
    for (size_t i = 0; i < v->nevidence && i < 5; i++) {
        const struct md_evidence *ev = v->evidence[i];
        fprintf(f, "%*s%sat%s %s", 10, "", st->dim, st->off,
                ev->input ? ev->input->path : "?");
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
            size_t n, lim = tlen > 100 ? 100 : tlen;
            while (lim < tlen && lim > 0 &&
                   ((unsigned char)t[lim] & 0xC0) == 0x80)
                lim--; /* not inside a UTF-8 sequence */
            char *m = masked(t, lim, &n);
            /* One line of context, tabs shown as spaces. */
            for (size_t k = 0; m && k < n; k++)
                if (m[k] == '\t' || m[k] == '\n' || m[k] == '\r')
                    m[k] = ' ';
            fprintf(f, "  %s%s%s%s", st->dim, m ? m : "",
                    tlen > lim ? "…" : "", st->off);
            free(m);
        }
        fputc('\n', f);
    }
    if (v->nevidence > 5)
        fprintf(f, "%*s(%zu more)\n", 10, "", v->nevidence - 5);
    char fix[2048];
    snprintf(fix, sizeof fix, "fix: %s", v->rule->fix);
    wrapped(f, 10, fix);
}

void
md_write_verdict_text(FILE *f, const struct md_verdict *v, bool color)
{
    static const struct style plain = {"", "", "", "", ""};
    static const struct style ansi = {"\033[1m", "\033[31m", "\033[33m",
                                      "\033[2m", "\033[0m"};
    const struct style *st = color ? &ansi : &plain;
    const struct md_bundle *b = &v->bundle;
    const struct md_fact *root = v->model ? md_model_root(v->model) : NULL;
    char host[256], ver[64];
    fprintf(f, "%s%s%s", st->bold, b->path, st->off);
    const char *h = fstr(root, "host.name", host, sizeof host);
    const char *av = fstr(root, "agent.version", ver, sizeof ver);
    if (h && av)
        fprintf(f, "  (host %s, agent %s)", h, av);
    else if (h || av)
        fprintf(f, "  (%s %s)", h ? "host" : "agent", h ? h : av);
    fputc('\n', f);
    if (b->status != MD_OK) {
        fprintf(f, "  error: %s\n", b->error);
        return;
    }
    text_effective(f, root, st);

    size_t n[3] = {0};
    for (size_t i = 0; i < v->nfindings; i++)
        n[v->findings[i].severity]++;
    if (!v->nfindings)
        fprintf(f, "\nNo findings.\n");
    else
        fprintf(f, "\n%sFindings:%s %zu error%s, %zu warning%s, %zu info\n",
                st->bold, st->off, n[2], n[2] == 1 ? "" : "s", n[1],
                n[1] == 1 ? "" : "s", n[0]);
    for (size_t i = 0; i < v->nfindings; i++)
        text_finding(f, &v->findings[i], st);

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
                fprintf(f, "  %s%s:%s %s", d->grade >= MD_GRADE_FAILED
                                               ? st->red
                                               : st->yellow,
                        md_grade_str(d->grade), st->off, in->path);
                if (d->line)
                    fprintf(f, ":%llu", (unsigned long long)d->line);
                fprintf(f, ": %s\n", d->msg);
            }
}
