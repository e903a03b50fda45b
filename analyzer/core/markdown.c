/*
 * The Markdown writer (marsdiag/markdown.h), for GitHub Flavored Markdown
 * (spec 0.29-gfm): backslash escapes §6.1, code spans §6.3, fenced code
 * blocks §4.5, tables §4.10.
 */
#include "marsdiag/markdown.h"

#include "markdown_int.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "marsdiag/buf.h"
#include "marsdiag/evidence.h"
#include "marsdiag/redact.h"

/* ---- escaping ---------------------------------------------------------- */

void
md_md_text(FILE *f, const char *s, size_t len)
{
    bool line_start = true;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        size_t k = md_control_at(s, len, i);
        if (k) {
            fputc('?', f);
            i += k - 1;
            line_start = false;
            continue;
        }
        if (c == '\r')
            continue;
        if (c == '\n') {
            /* One paragraph: a new line would end a table cell or list
             * item, so it becomes a space. */
            fputc(' ', f);
            continue;
        }
        size_t d = i;
        while (line_start && d < len && s[d] >= '0' && s[d] <= '9')
            d++;
        if (d > i && d < len && (s[d] == '.' || s[d] == ')')) {
            /* "12." at a line start would begin a list: escape the dot. */
            fwrite(s + i, 1, d - i, f);
            fputc('\\', f);
            fputc(s[d], f);
            i = d;
            line_start = false;
            continue;
        }
        bool lead = line_start && (c == '#' || c == '+' || c == '-');
        if (strchr("\\`*_[]<>|&~", c) || lead)
            fputc('\\', f);
        fputc(c, f);
        line_start = false;
    }
}

/* Longest run of backticks in s. */
static size_t
longest_backticks(const char *s, size_t len)
{
    size_t best = 0, run = 0;
    for (size_t i = 0; i < len; i++) {
        run = s[i] == '`' ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best;
}

static void
ticks(FILE *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fputc('`', f);
}

void
md_md_code(FILE *f, const char *s, size_t len, int in_table)
{
    size_t n = longest_backticks(s, len) + 1;
    /* A space on each side when the content starts or ends with a
     * backtick (or space), which the span then strips (GFM §6.3). */
    bool pad = len && (s[0] == '`' || s[len - 1] == '`' || s[0] == ' ');
    ticks(f, n);
    if (pad)
        fputc(' ', f);
    for (size_t i = 0; i < len; i++) {
        char c = s[i] == '\n' || s[i] == '\r' || s[i] == '\t' ? ' ' : s[i];
        size_t k = md_control_at(s, len, i);
        if (k) {
            c = '?';
            i += k - 1;
        }
        if (c == '|' && in_table)
            fputc('\\', f);
        fputc(c, f);
    }
    if (pad)
        fputc(' ', f);
    ticks(f, n);
}

void
md_md_block(FILE *f, const char *s, size_t len)
{
    size_t n = longest_backticks(s, len) + 1;
    if (n < 3)
        n = 3;
    ticks(f, n);
    fputc('\n', f);
    for (size_t i = 0; i < len; i++) {
        size_t k = md_control_at(s, len, i);
        if (k) {
            fputc('?', f);
            i += k - 1;
        } else if (s[i] != '\r') {
            fputc(s[i], f);
        }
    }
    if (!len || s[len - 1] != '\n')
        fputc('\n', f);
    ticks(f, n);
    fputc('\n', f);
}

/* ---- bundle strings through the redactor ------------------------------- */

/* Longest excerpt shown. */
#define EXCERPT_MAX 500

struct out {
    FILE *f;
    const struct md_render *r;
};

enum how { AS_TEXT, AS_CODE, AS_CELL_CODE, AS_BLOCK };

/* A length at most max that does not cut a UTF-8 sequence. */
static size_t
cut_utf8(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

/* s redacted, as prose, code or a block (nothing when memory ran out). */
static void
put(const struct out *o, enum how how, const char *s, size_t len)
{
    size_t n;
    char *m = md_redactor_apply(o->r->redactor, s, len, &n);
    if (!m)
        return;
    switch (how) {
    case AS_TEXT:
        md_md_text(o->f, m, n);
        break;
    case AS_CODE:
        md_md_code(o->f, m, n, 0);
        break;
    case AS_CELL_CODE:
        md_md_code(o->f, m, n, 1);
        break;
    case AS_BLOCK:
        md_md_block(o->f, m, cut_utf8(m, n, EXCERPT_MAX));
        break;
    }
    free(m);
}

static void
putz(const struct out *o, enum how how, const char *s)
{
    put(o, how, s, strlen(s));
}

/* A string fact, or NULL. */
static const struct md_fact *
str_fact(const struct md_fact *root, const char *path)
{
    const struct md_fact *f = md_fact_path(root, path);
    return f && f->type == MD_F_STR ? f : NULL;
}

/* ---- sections ---------------------------------------------------------- */

static void
header(const struct out *o, const struct md_verdict *v)
{
    const struct md_bundle *b = &v->bundle;
    const struct md_fact *root = v->model ? md_model_root(v->model) : NULL;
    const char *base = b->path;
    for (const char *p = b->path; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    fputs("## marsdiag: ", o->f);
    putz(o, AS_CODE, *base ? base : b->path);
    fputs("\n\n| | |\n|---|---|\n| Bundle | ", o->f);
    putz(o, AS_CELL_CODE, b->path);
    fputs(" |\n", o->f);
    if (b->have_sha256) {
        static const char hexd[] = "0123456789abcdef";
        fputs("| SHA-256 | `", o->f);
        for (size_t i = 0; i < 32; i++) {
            fputc(hexd[b->sha256[i] >> 4], o->f);
            fputc(hexd[b->sha256[i] & 15], o->f);
        }
        fputs("` |\n", o->f);
    }
    const struct md_fact *h = str_fact(root, "host.name");
    if (h) {
        fputs("| Host | ", o->f);
        put(o, AS_CELL_CODE, h->s, h->len);
        fputs(" |\n", o->f);
    }
    const struct md_fact *av = str_fact(root, "agent.version");
    if (av) {
        fputs("| Agent | ", o->f);
        put(o, AS_CELL_CODE, av->s, av->len);
        fputs(" |\n", o->f);
    }
    fprintf(o->f, "| Checked by | marsdiag %s, rule pack %s |\n", md_version(),
            o->r->rulepack ? o->r->rulepack : "?");
    if (o->r->timing)
        fprintf(o->f, "| Scan time | %lld ms |\n", v->elapsed_ms);
    fputc('\n', o->f);
}

static void
effective(const struct out *o, const struct md_fact *root)
{
    const struct md_fact *src = str_fact(root, "effective.source");
    const struct md_fact *mode = str_fact(root, "effective.mode");
    const struct md_fact *cred = md_fact_path(root, "effective.credentials");
    fputs("### Effective proxy\n\n", o->f);
    if (!src || !mode ||
        md_slice_ieq(md_slice_of(src->s, src->len), "unknown")) {
        fputs("**Unknown**: the bundle lacks the evidence to decide "
              "(see MP022).\n\n",
              o->f);
        return;
    }
    struct md_slice m = md_slice_of(mode->s, mode->len);
    if (md_slice_ieq(m, "direct")) {
        fputs("**None**: direct connection (neither the agent nor SYSTEM "
              "has a proxy).\n\n",
              o->f);
        return;
    }
    if (md_slice_ieq(m, "pac")) {
        const struct md_fact *pac = str_fact(root, "effective.pac_url");
        fputs("PAC ", o->f);
        if (pac)
            put(o, AS_CODE, pac->s, pac->len);
        else
            fputs("(no URL)", o->f);
    } else if (md_slice_ieq(m, "autodetect")) {
        fputs("Automatic detection (WPAD)", o->f);
    } else {
        const struct md_fact *sv = str_fact(root, "effective.server");
        const struct md_fact *pt = md_fact_path(root, "effective.port");
        struct md_buf b = MD_BUF_INIT(0);
        if (sv)
            md_buf_add(&b, sv->s, sv->len);
        else
            md_buf_adds(&b, "(no server)");
        if (pt && pt->type == MD_F_INT)
            md_buf_printf(&b, ":%lld", (long long)pt->i);
        if (b.ptr)
            put(o, AS_CODE, b.ptr, b.len);
        md_buf_free(&b);
    }
    bool agent = md_slice_ieq(md_slice_of(src->s, src->len), "agent");
    fprintf(o->f, " — %s, %s.\n\n",
            agent ? "the agent's own proxy"
                  : "the SYSTEM account's Windows settings",
            cred && cred->type == MD_F_BOOL && cred->i ? "with credentials"
                                                       : "no credentials");
    const struct md_fact *by = str_fact(root, "effective.bypass");
    if (by) {
        fputs("Bypass list: ", o->f);
        put(o, AS_CODE, by->s, by->len);
        fputs("\n\n", o->f);
    }
}

static void
shadowed(const struct out *o, const struct md_fact *root)
{
    const struct md_fact *sh = md_fact_path(root, "effective.shadowed");
    if (!sh || sh->type != MD_F_LIST || !sh->n)
        return;
    fputs("Set but not used:\n\n| Source | Mode | Value | Why it is "
          "ignored |\n|---|---|---|---|\n",
          o->f);
    static const char *const cols[] = {"source", "mode", "value", "reason"};
    for (size_t i = 0; i < sh->n; i++) {
        fputc('|', o->f);
        for (size_t k = 0; k < 4; k++) {
            const struct md_fact *c = str_fact(sh->items[i], cols[k]);
            fputc(' ', o->f);
            if (c)
                put(o, k == 2 ? AS_CELL_CODE : AS_TEXT, c->s, c->len);
            fputs(" |", o->f);
        }
        fputc('\n', o->f);
    }
    fputc('\n', o->f);
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

static void
evidence(const struct out *o, const struct md_evidence *ev)
{
    struct md_buf where = MD_BUF_INIT(0);
    md_buf_adds(&where, ev->input ? ev->input->path : "?");
    if (ev->line)
        md_buf_printf(&where, ":%llu", (unsigned long long)ev->line);
    fputs("- ", o->f);
    if (where.ptr)
        put(o, AS_CODE, where.ptr, where.len);
    md_buf_free(&where);
    if (ev->key) {
        fputs(" (", o->f);
        struct md_buf k = MD_BUF_INIT(0);
        md_buf_adds(&k, ev->key);
        if (ev->name) {
            md_buf_addc(&k, '\\');
            md_buf_adds(&k, ev->name);
        }
        if (k.ptr)
            put(o, AS_CODE, k.ptr, k.len);
        md_buf_free(&k);
        fputc(')', o->f);
    } else if (ev->xpath) {
        fputs(" (", o->f);
        putz(o, AS_CODE, ev->xpath);
        fputc(')', o->f);
    }
    fputc('\n', o->f);
    size_t tlen;
    const char *t = excerpt_of(ev, &tlen);
    if (t && tlen) {
        fputc('\n', o->f);
        /* Indented by two spaces, the block belongs to the list item. */
        size_t n;
        char *m = md_redactor_apply(o->r->redactor, t, tlen, &n);
        if (m) {
            char *blk = NULL;
            size_t blen = 0;
            FILE *mem = open_memstream(&blk, &blen);
            if (mem) {
                md_md_block(mem, m, cut_utf8(m, n, EXCERPT_MAX));
                fclose(mem);
                for (size_t i = 0; blk && i < blen; i++) {
                    if (i == 0 || blk[i - 1] == '\n')
                        fputs("  ", o->f);
                    fputc(blk[i], o->f);
                }
            }
            free(blk);
            free(m);
        }
    }
}

static void
finding(const struct out *o, const struct md_verdict_finding *f)
{
    fprintf(o->f, "#### %s %s: ", md_severity_str(f->severity), f->rule->id);
    md_md_text(o->f, f->rule->title, strlen(f->rule->title));
    if (f->subject) {
        fputs(" (", o->f);
        putz(o, AS_CODE, f->subject);
        fputc(')', o->f);
    }
    fputs("\n\n", o->f);
    if (f->suppressed) {
        fputs("*Suppressed by a waiver", o->f);
        if (f->waiver_reason) {
            fputs(": ", o->f);
            putz(o, AS_TEXT, f->waiver_reason);
        }
        fputs("*\n\n", o->f);
    }
    putz(o, AS_TEXT, f->message);
    fputs("\n\n", o->f);
    if (f->nevidence) {
        fputs("Evidence:\n\n", o->f);
        for (size_t i = 0; i < f->nevidence && i < 10; i++)
            evidence(o, f->evidence[i]);
        if (f->nevidence > 10)
            fprintf(o->f, "- (%zu more)\n", f->nevidence - 10);
        fputc('\n', o->f);
    }
    fputs("**Fix:** ", o->f);
    md_md_text(o->f, f->rule->fix, strlen(f->rule->fix));
    fputs("\n\n", o->f);
    if (f->rule->nreferences) {
        fputs("References: ", o->f);
        for (size_t i = 0; i < f->rule->nreferences; i++) {
            const char *ref = f->rule->references[i];
            if (i)
                fputs("; ", o->f);
            if (!strncmp(ref, "https://", 8) || !strncmp(ref, "http://", 7))
                fprintf(o->f, "<%s>", ref);
            else
                md_md_text(o->f, ref, strlen(ref));
        }
        fputs("\n\n", o->f);
    }
}

static void
findings(const struct out *o, const struct md_verdict *v)
{
    size_t n[3] = {0}, suppressed = 0;
    for (size_t i = 0; i < v->nfindings; i++) {
        if (v->findings[i].suppressed)
            suppressed++;
        else
            n[v->findings[i].severity]++;
    }
    fprintf(o->f, "### Findings: %zu error%s, %zu warning%s, %zu info", n[2],
            n[2] == 1 ? "" : "s", n[1], n[1] == 1 ? "" : "s", n[0]);
    if (suppressed)
        fprintf(o->f, " (%zu suppressed by waivers%s)", suppressed,
                o->r->show_suppressed ? "" : ", not listed");
    fputs("\n\n", o->f);
    if (v->nfindings == suppressed && !o->r->show_suppressed)
        fputs("No findings.\n\n", o->f);
    for (size_t i = 0; i < v->nfindings; i++)
        if (!v->findings[i].suppressed || o->r->show_suppressed)
            finding(o, &v->findings[i]);
}

static void
inputs(const struct out *o, const struct md_bundle *b)
{
    size_t problems = 0;
    for (const struct md_input *in = b->inputs; in; in = in->next)
        problems += in->has_diag && in->worst >= MD_GRADE_WARN;
    fprintf(o->f,
            "### Inputs: %zu, %zu with problems; %llu evidence "
            "records\n\n",
            b->ninputs, problems, (unsigned long long)b->stats.records);
    if (o->r->inputs && b->inputs) {
        fputs("| Status | Type | Encoding | Path |\n|---|---|---|---|\n", o->f);
        for (const struct md_input *in = b->inputs; in; in = in->next) {
            fprintf(o->f, "| %s | %s | %s | ", md_input_status(in),
                    in->type ? in->type : "-",
                    in->encoding ? in->encoding : "-");
            putz(o, AS_CELL_CODE, in->path);
            fputs(" |\n", o->f);
        }
        fputc('\n', o->f);
    }
    bool any = false;
    for (const struct md_input *in = b->inputs; in; in = in->next)
        for (const struct md_diag *d = in->diags; d; d = d->next) {
            if (d->grade < MD_GRADE_WARN)
                continue;
            struct md_buf where = MD_BUF_INIT(0);
            md_buf_adds(&where, in->path);
            if (d->line)
                md_buf_printf(&where, ":%llu", (unsigned long long)d->line);
            fprintf(o->f, "- %s ", md_grade_str(d->grade));
            if (where.ptr)
                put(o, AS_CODE, where.ptr, where.len);
            md_buf_free(&where);
            fputs(": ", o->f);
            putz(o, AS_TEXT, d->msg);
            fputc('\n', o->f);
            any = true;
        }
    if (any)
        fputc('\n', o->f);
}

static void
bundle(const struct out *o, const struct md_verdict *v)
{
    header(o, v);
    if (v->bundle.status != MD_OK) {
        fputs("**Could not be read:** ", o->f);
        putz(o, AS_TEXT, v->bundle.error);
        fputs("\n", o->f);
        return;
    }
    const struct md_fact *root = v->model ? md_model_root(v->model) : NULL;
    effective(o, root);
    shadowed(o, root);
    findings(o, v);
    inputs(o, &v->bundle);
}

void
md_write_verdicts_md(FILE *f, const struct md_verdict *v, size_t nv,
                     const struct md_render *r)
{
    struct out o = {f, r};
    for (size_t i = 0; i < nv; i++) {
        if (i)
            fputs("\n---\n\n", f);
        bundle(&o, &v[i]);
    }
}

/* ---- pieces for the review and diff reports (markdown_int.h) ---------- */

void
md_md_redacted(FILE *f, const struct md_render *r, enum md_md_how how,
               const char *s, size_t len)
{
    static const enum how as[] = {
        [MD_MD_TEXT] = AS_TEXT,
        [MD_MD_CODE] = AS_CODE,
        [MD_MD_CELL_CODE] = AS_CELL_CODE,
        [MD_MD_BLOCK] = AS_BLOCK,
    };
    struct out o = {f, r};
    put(&o, as[how], s, len);
}

void
md_md_finding(FILE *f, const struct md_render *r,
              const struct md_verdict_finding *v)
{
    struct out o = {f, r};
    finding(&o, v);
}

void
md_md_shadowed(FILE *f, const struct md_render *r, const struct md_fact *root)
{
    struct out o = {f, r};
    shadowed(&o, root);
}
