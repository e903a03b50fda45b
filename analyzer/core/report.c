/* Report writers (marsdiag/report.h). */
#include "marsdiag/report.h"

#include <stdlib.h>
#include <string.h>

#include "marsdiag/redact.h"

void
md_write_tool_json(struct md_json *j)
{
    md_write_tool_redacted_json(j, NULL);
}

void
md_write_tool_redacted_json(struct md_json *j, const struct md_redactor *rd)
{
    md_json_key(j, "tool");
    md_json_obj(j);
    md_json_key(j, "name");
    md_json_strz(j, "marsdiag");
    md_json_key(j, "version");
    md_json_strz(j, md_version());
    md_json_redaction(j, rd);
    md_json_end_obj(j);
}

void
md_json_masked(struct md_json *j, const char *s, size_t len)
{
    char *m = malloc(len + 1);
    if (!m) {
        md_json_null(j);
        return;
    }
    size_t n = md_redact(s, len, m);
    md_json_str(j, m, n);
    free(m);
}

static void
write_field(struct md_json *j, const struct md_field *f,
            const struct md_redactor *rd)
{
    md_json_key(j, f->name);
    switch (f->type) {
    case MD_V_NULL:
        md_json_null(j);
        break;
    case MD_V_STR:
        md_json_redacted(j, rd, f->s, f->len);
        break;
    case MD_V_INT:
        md_json_int(j, f->i);
        break;
    case MD_V_BOOL:
        md_json_bool(j, f->i != 0);
        break;
    case MD_V_SECRET:
        md_json_obj(j);
        md_json_key(j, "redacted");
        md_json_bool(j, true);
        md_json_end_obj(j);
        break;
    }
}

/* A string from the bundle, or null. */
static void
redacted_z(struct md_json *j, const struct md_redactor *rd, const char *s)
{
    if (s)
        md_json_redacted(j, rd, s, strlen(s));
    else
        md_json_null(j);
}

void
md_write_provenance_json(struct md_json *j, const struct md_evidence *ev,
                         const struct md_redactor *rd)
{
    md_json_key(j, "path");
    redacted_z(j, rd, ev->input ? ev->input->path : NULL);
    if (ev->line) {
        md_json_key(j, "line");
        md_json_uint(j, ev->line);
    }
    if (ev->key) {
        md_json_key(j, "key");
        redacted_z(j, rd, ev->key);
    }
    if (ev->name) {
        md_json_key(j, "value");
        redacted_z(j, rd, ev->name);
    }
    if (ev->xpath) {
        md_json_key(j, "xpath");
        redacted_z(j, rd, ev->xpath);
    }
}

void
md_write_evidence_json(struct md_json *j, const struct md_evidence *ev,
                       const struct md_redactor *rd)
{
    md_json_obj(j);
    md_json_key(j, "kind");
    md_json_strz(j, ev->kind);
    md_write_provenance_json(j, ev, rd);
    md_json_key(j, "fields");
    md_json_obj(j);
    for (size_t i = 0; i < ev->nfields; i++)
        write_field(j, &ev->fields[i], rd);
    md_json_end_obj(j);
    if (ev->text) {
        md_json_key(j, "text");
        md_json_redacted(j, rd, ev->text, ev->text_len);
    }
    md_json_end_obj(j);
}

void
md_write_inputs_json(struct md_json *j, const struct md_bundle *b,
                     const struct md_redactor *rd)
{
    md_json_key(j, "inputs");
    md_json_arr(j);
    for (const struct md_input *in = b->inputs; in; in = in->next) {
        md_json_obj(j);
        md_json_key(j, "path");
        redacted_z(j, rd, in->path);
        md_json_key(j, "type");
        md_json_strz(j, in->type);
        md_json_key(j, "encoding");
        md_json_strz(j, in->encoding);
        md_json_key(j, "status");
        md_json_strz(j, md_input_status(in));
        md_json_key(j, "bytes");
        md_json_uint(j, in->bytes);
        if (in->lines) {
            md_json_key(j, "lines");
            md_json_uint(j, in->lines);
        }
        md_json_key(j, "records");
        md_json_uint(j, in->records);
        md_json_key(j, "diagnostics");
        md_json_arr(j);
        for (const struct md_diag *d = in->diags; d; d = d->next) {
            md_json_obj(j);
            md_json_key(j, "severity");
            md_json_strz(j, md_grade_str(d->grade));
            md_json_key(j, "code");
            md_json_strz(j, md_status_str(d->code));
            if (d->line) {
                md_json_key(j, "line");
                md_json_uint(j, d->line);
            }
            if (d->offset != MD_NO_OFFSET) {
                md_json_key(j, "offset");
                md_json_uint(j, d->offset);
            }
            if (d->limit) {
                md_json_key(j, "limit");
                md_json_strz(j, d->limit);
            }
            md_json_key(j, "message");
            redacted_z(j, rd, d->msg);
            md_json_end_obj(j);
        }
        if (in->ndiags_dropped) {
            md_json_obj(j);
            md_json_key(j, "severity");
            md_json_strz(j, "info");
            md_json_key(j, "code");
            md_json_strz(j, md_status_str(MD_ERR_LIMIT));
            md_json_key(j, "message");
            char msg[96];
            snprintf(msg, sizeof msg, "%zu more diagnostics not listed",
                     in->ndiags_dropped);
            md_json_strz(j, msg);
            md_json_end_obj(j);
        }
        md_json_end_arr(j);
        md_json_end_obj(j);
    }
    md_json_end_arr(j);
}

void
md_write_stats_json(struct md_json *j, const struct md_bundle *b,
                    long long elapsed_ms)
{
    md_json_key(j, "stats");
    md_json_obj(j);
    md_json_key(j, "entries");
    md_json_uint(j, b->stats.entries);
    md_json_key(j, "bytes_in");
    md_json_uint(j, b->stats.bytes_in);
    md_json_key(j, "bytes_data");
    md_json_uint(j, b->stats.bytes_data);
    md_json_key(j, "bytes_text");
    md_json_uint(j, b->stats.bytes_text);
    md_json_key(j, "lines");
    md_json_uint(j, b->stats.lines);
    md_json_key(j, "records");
    md_json_uint(j, b->stats.records);
    if (elapsed_ms >= 0) {
        md_json_key(j, "elapsed_ms");
        md_json_int(j, elapsed_ms);
    }
    md_json_end_obj(j);
}

/* ---- text ---------------------------------------------------------- */

static const char *
status_color(const char *status)
{
    if (strcmp(status, "damaged") == 0 || strcmp(status, "unreadable") == 0)
        return "\033[31m";
    if (strcmp(status, "partial") == 0)
        return "\033[33m";
    if (strcmp(status, "skipped") == 0)
        return "\033[2m";
    return "";
}

/* s from the bundle, redacted and scrubbed of terminal controls (nothing
 * when memory ran out). */
static void
put(FILE *f, const struct md_redactor *rd, const char *s)
{
    size_t n;
    char *m = md_redactor_apply(rd, s, strlen(s), &n);
    if (m) {
        md_text_scrub(m, n);
        fwrite(m, 1, n, f);
    }
    free(m);
}

static void
text_input(FILE *f, const struct md_input *in, bool color,
           const struct md_redactor *rd)
{
    const char *st = md_input_status(in);
    const char *c = color ? status_color(st) : "";
    fprintf(f, "  %s%-10s%s %-10s %-9s ", c, st, *c ? "\033[0m" : "",
            in->type ? in->type : "-", in->encoding ? in->encoding : "-");
    put(f, rd, in->path);
    if (in->records)
        fprintf(f, "  (%llu record%s)", (unsigned long long)in->records,
                in->records == 1 ? "" : "s");
    fputc('\n', f);
    for (const struct md_diag *d = in->diags; d; d = d->next) {
        fprintf(f, "      %s: ", md_grade_str(d->grade));
        put(f, rd, in->path);
        if (d->line)
            fprintf(f, ":%llu", (unsigned long long)d->line);
        fputs(": ", f);
        put(f, rd, d->msg);
        fputc('\n', f);
    }
    if (in->ndiags_dropped)
        fprintf(f, "      (%zu more diagnostics)\n", in->ndiags_dropped);
}

void
md_write_report_text(FILE *f, const struct md_bundle *b,
                     const struct md_render *r)
{
    bool color = r->color;
    size_t nst[5] = {0};
    static const char *const names[5] = {"parsed", "partial", "damaged",
                                         "unreadable", "skipped"};
    for (const struct md_input *in = b->inputs; in; in = in->next)
        for (int k = 0; k < 5; k++)
            if (strcmp(md_input_status(in), names[k]) == 0)
                nst[k]++;
    fputs(color ? "\033[1m" : "", f);
    put(f, r->redactor, b->path);
    fputs(color ? "\033[0m\n" : "\n", f);
    if (b->status != MD_OK) {
        fputs("  error: ", f);
        put(f, r->redactor, b->error);
        fputc('\n', f);
        return;
    }
    fprintf(f, "  %zu inputs: %zu parsed, %zu partial, %zu damaged, "
               "%zu unreadable, %zu skipped; %llu evidence records\n",
            b->ninputs, nst[0], nst[1], nst[2], nst[3], nst[4],
            (unsigned long long)b->stats.records);
    /* Problems first, so they are seen; then the rest in walk order. */
    for (const struct md_input *in = b->inputs; in; in = in->next)
        if (in->has_diag && in->worst >= MD_GRADE_WARN)
            text_input(f, in, color, r->redactor);
    for (const struct md_input *in = b->inputs; in; in = in->next)
        if (!(in->has_diag && in->worst >= MD_GRADE_WARN))
            text_input(f, in, color, r->redactor);
}
