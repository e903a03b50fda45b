/*
 * The roll-up's writers (marsdiag/fleet.h): CSV (RFC 4180), Markdown
 * (GitHub tables) and one self-contained HTML page. Every cell is escaped
 * for its format here; the strings were masked when the rows were built.
 * Nothing here depends on time or order of arrival, so the same rows give
 * the same bytes.
 */
#include <stdio.h>
#include <string.h>

#include "fleet_rows.h"
#include "marsdiag/evidence.h"
#include "marsdiag/rules.h"

int
md_fleet_format_parse(const char *s)
{
    if (!strcmp(s, "csv"))
        return MD_FLEET_CSV;
    if (!strcmp(s, "md"))
        return MD_FLEET_MD;
    if (!strcmp(s, "html"))
        return MD_FLEET_HTML;
    return -1;
}

static const char *
worst_str(const struct fleet_row *r)
{
    if (r->error[0])
        return "unreadable";
    return r->worst < 0 ? "none" : md_severity_str((enum md_severity)r->worst);
}

static size_t
total_waived(const struct md_fleet *f)
{
    size_t n = 0;
    for (size_t i = 0; i < f->nrows; i++)
        n += f->rows[i].nwaived;
    return n;
}

/* ---- csv ----------------------------------------------------------------- */

/* One cell: quoted when it holds a separator, a quote or a line end;
 * a leading ' when a spreadsheet would take it for a formula. */
static void
csv_cell(FILE *out, const char *s, bool last)
{
    bool formula = s[0] && strchr("=+-@\t\r", s[0]);
    bool quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        fputc('"', out);
    if (formula)
        fputc('\'', out);
    size_t len = strlen(s);
    for (size_t i = 0; i < len; i++) {
        size_t k = md_control_at(s, len, i);
        if (k) { /* a summary is read with cat too */
            fputc('?', out);
            i += k - 1;
            continue;
        }
        if (s[i] == '"')
            fputc('"', out);
        fputc(s[i], out);
    }
    if (quote)
        fputc('"', out);
    fputs(last ? "\r\n" : ",", out);
}

static void
csv_count(FILE *out, size_t n)
{
    fprintf(out, "%zu,", n);
}

static void
write_csv(const struct md_fleet *f, FILE *out)
{
    fputs("kind,id,host,agent_version,effective_proxy,severity,rules,count,"
          "waived,title,error\r\n",
          out);
    for (size_t i = 0; i < f->nrows; i++) {
        const struct fleet_row *r = &f->rows[i];
        csv_cell(out, "server", false);
        csv_cell(out, r->path, false);
        csv_cell(out, r->host, false);
        csv_cell(out, r->agent, false);
        csv_cell(out, r->proxy, false);
        csv_cell(out, worst_str(r), false);
        csv_cell(out, r->rules, false);
        csv_count(out, r->nfindings);
        csv_count(out, r->nwaived);
        csv_cell(out, "", false);
        csv_cell(out, r->error, true);
    }
    for (size_t i = 0; i < f->nrules; i++) {
        const struct fleet_rule *r = &f->rules[i];
        csv_cell(out, "rule", false);
        csv_cell(out, r->id, false);
        fputs(",,,", out);
        csv_cell(out, md_severity_str((enum md_severity)r->severity), false);
        csv_cell(out, "", false);
        csv_count(out, r->bundles);
        csv_count(out, r->waived);
        csv_cell(out, r->title, false);
        csv_cell(out, "", true);
    }
}

/* ---- markdown ------------------------------------------------------------ */

static bool
alnum(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
           (c >= 'A' && c <= 'Z');
}

/* A table cell: Markdown's punctuation escaped, HTML's as entities (a
 * renderer would pass a tag through), line ends as spaces. An '_' between
 * two letters or digits cannot start emphasis (CommonMark), so HOST_MARS_
 * stays readable. */
static void
md_cell(FILE *out, const char *s)
{
    fputs(" ", out);
    if (!s[0])
        fputs("—", out);
    size_t len = strlen(s);
    for (const char *p = s; *p; p++) {
        size_t k = md_control_at(s, len, (size_t)(p - s));
        if (k) {
            fputc('?', out);
            p += k - 1;
            continue;
        }
        if (*p == '_' && p > s && alnum(p[-1]) && alnum(p[1])) {
            fputc('_', out);
            continue;
        }
        switch (*p) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '\n':
        case '\r':
        case '\t': fputc(' ', out); break;
        case '\\': case '`': case '*': case '_': case '[': case ']':
        case '|': case '#': case '!':
            fputc('\\', out);
            fputc(*p, out);
            break;
        default: fputc(*p, out);
        }
    }
    fputs(" |", out);
}

static void
md_num(FILE *out, size_t n)
{
    fprintf(out, " %zu |", n);
}

static void
totals_sentence(const struct md_fleet *f, FILE *out)
{
    struct md_fleet_totals t;
    md_fleet_totals(f, &t);
    fprintf(out,
            "%zu bundle%s: %zu with errors, %zu with warnings at worst, "
            "%zu with info at worst, %zu without findings, %zu unreadable.",
            t.bundles, t.bundles == 1 ? "" : "s", t.worst[MD_SEV_ERROR],
            t.worst[MD_SEV_WARNING], t.worst[MD_SEV_INFO], t.clean,
            t.unreadable);
    size_t w = total_waived(f);
    if (w)
        fprintf(out, " %zu finding%s waived.", w, w == 1 ? "" : "s");
}

static bool
any_waived_rule(const struct md_fleet *f)
{
    for (size_t i = 0; i < f->nrules; i++)
        if (f->rules[i].waived)
            return true;
    return false;
}

static void
write_md(const struct md_fleet *f, FILE *out)
{
    fputs("# marsdiag fleet summary\n\n", out);
    totals_sentence(f, out);
    fputs("\n\n## Servers\n\n"
          "| host | agent | effective proxy | worst | findings | rules | "
          "bundle |\n|---|---|---|---|---:|---|---|\n",
          out);
    for (size_t i = 0; i < f->nrows; i++) {
        const struct fleet_row *r = &f->rows[i];
        if (r->error[0])
            continue;
        fputs("|", out);
        md_cell(out, r->host);
        md_cell(out, r->agent);
        md_cell(out, r->proxy);
        md_cell(out, worst_str(r));
        md_num(out, r->nfindings);
        md_cell(out, r->rules);
        md_cell(out, r->path);
        fputs("\n", out);
    }
    bool waived = any_waived_rule(f);
    fprintf(out, "\n## Rules\n\n| rule | severity | bundles |%s title |\n"
                 "|---|---|---:|%s---|\n",
            waived ? " waived |" : "", waived ? "---:|" : "");
    for (size_t i = 0; i < f->nrules; i++) {
        const struct fleet_rule *r = &f->rules[i];
        fputs("|", out);
        md_cell(out, r->id);
        md_cell(out, md_severity_str((enum md_severity)r->severity));
        md_num(out, r->bundles);
        if (waived)
            md_num(out, r->waived);
        md_cell(out, r->title);
        fputs("\n", out);
    }
    struct md_fleet_totals t;
    md_fleet_totals(f, &t);
    if (!t.unreadable)
        return;
    fputs("\n## Unreadable\n\n| bundle | error |\n|---|---|\n", out);
    for (size_t i = 0; i < f->nrows; i++)
        if (f->rows[i].error[0]) {
            fputs("|", out);
            md_cell(out, f->rows[i].path);
            md_cell(out, f->rows[i].error);
            fputs("\n", out);
        }
}

/* ---- html ---------------------------------------------------------------- */

static void
html_text(FILE *out, const char *s)
{
    size_t len = strlen(s);
    for (const char *p = s; *p; p++) {
        size_t k = md_control_at(s, len, (size_t)(p - s));
        if (k) { /* not allowed in HTML text */
            fputc('?', out);
            p += k - 1;
            continue;
        }
        switch (*p) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default: fputc(*p, out);
        }
    }
}

static void
html_cell(FILE *out, const char *s)
{
    fputs("<td>", out);
    html_text(out, s);
    fputs("</td>", out);
}

static void
html_sev(FILE *out, const char *sev)
{
    fprintf(out, "<td class=\"sev %s\">%s</td>", sev, sev);
}

static const char html_head[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
    "'none'; style-src 'unsafe-inline'\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, "
    "initial-scale=1\">\n"
    "<title>marsdiag fleet summary</title>\n<style>\n"
    "body { font: 14px/1.45 system-ui, sans-serif; margin: 2em; "
    "color: #1b1f23; }\n"
    "table { border-collapse: collapse; margin: 0.5em 0 2em; }\n"
    "th, td { border: 1px solid #d0d7de; padding: 0.3em 0.6em; "
    "text-align: left; vertical-align: top; }\n"
    "th { background: #f6f8fa; }\n"
    "td.num { text-align: right; }\n"
    "td.path { font-family: ui-monospace, monospace; font-size: 90%; "
    "word-break: break-all; }\n"
    ".sev { font-weight: 600; }\n"
    ".error, .unreadable { color: #b00020; }\n"
    ".warning { color: #9a6700; }\n"
    ".info { color: #0550ae; }\n"
    ".none { color: #1a7f37; }\n"
    "</style>\n</head>\n<body>\n<h1>marsdiag fleet summary</h1>\n<p>";

static void
write_html(const struct md_fleet *f, FILE *out)
{
    fputs(html_head, out);
    totals_sentence(f, out);
    fputs("</p>\n<h2>Servers</h2>\n<table>\n<thead><tr><th>host</th>"
          "<th>agent</th><th>effective proxy</th><th>worst</th>"
          "<th>findings</th><th>rules</th><th>bundle</th></tr></thead>\n"
          "<tbody>\n",
          out);
    for (size_t i = 0; i < f->nrows; i++) {
        const struct fleet_row *r = &f->rows[i];
        if (r->error[0])
            continue;
        fputs("<tr>", out);
        html_cell(out, r->host);
        html_cell(out, r->agent);
        html_cell(out, r->proxy);
        html_sev(out, worst_str(r));
        fprintf(out, "<td class=\"num\">%zu</td>", r->nfindings);
        html_cell(out, r->rules);
        fputs("<td class=\"path\">", out);
        html_text(out, r->path);
        fputs("</td></tr>\n", out);
    }
    bool waived = any_waived_rule(f);
    fprintf(out, "</tbody>\n</table>\n<h2>Rules</h2>\n<table>\n<thead><tr>"
                 "<th>rule</th><th>severity</th><th>bundles</th>%s"
                 "<th>title</th></tr></thead>\n<tbody>\n",
            waived ? "<th>waived</th>" : "");
    for (size_t i = 0; i < f->nrules; i++) {
        const struct fleet_rule *r = &f->rules[i];
        fputs("<tr>", out);
        html_cell(out, r->id);
        html_sev(out, md_severity_str((enum md_severity)r->severity));
        fprintf(out, "<td class=\"num\">%zu</td>", r->bundles);
        if (waived)
            fprintf(out, "<td class=\"num\">%zu</td>", r->waived);
        html_cell(out, r->title);
        fputs("</tr>\n", out);
    }
    fputs("</tbody>\n</table>\n", out);
    struct md_fleet_totals t;
    md_fleet_totals(f, &t);
    if (t.unreadable) {
        fputs("<h2>Unreadable</h2>\n<table>\n<thead><tr><th>bundle</th>"
              "<th>error</th></tr></thead>\n<tbody>\n",
              out);
        for (size_t i = 0; i < f->nrows; i++)
            if (f->rows[i].error[0]) {
                fputs("<tr><td class=\"path\">", out);
                html_text(out, f->rows[i].path);
                fputs("</td>", out);
                html_cell(out, f->rows[i].error);
                fputs("</tr>\n", out);
            }
        fputs("</tbody>\n</table>\n", out);
    }
    fputs("</body>\n</html>\n", out);
}

enum md_status
md_fleet_write(const struct md_fleet *f, enum md_fleet_format fmt,
               FILE *out)
{
    switch (fmt) {
    case MD_FLEET_CSV:
        write_csv(f, out);
        break;
    case MD_FLEET_MD:
        write_md(f, out);
        break;
    case MD_FLEET_HTML:
        write_html(f, out);
        break;
    }
    return ferror(out) ? MD_ERR_IO : MD_OK;
}
