/*
 * Evidence records: building (for parsers), copying, and masking secrets
 * in source excerpts (marsdiag/evidence.h, parsers/parser.h).
 */
#include "marsdiag/evidence.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "marsdiag/buf.h"
#include "parser.h"

const struct md_field *
md_ev_field(const struct md_evidence *ev, const char *name)
{
    for (size_t i = 0; i < ev->nfields; i++)
        if (strcmp(ev->fields[i].name, name) == 0)
            return &ev->fields[i];
    return NULL;
}

static const char *
copy_str(struct md_arena *a, const char *s, size_t len, bool *ok)
{
    if (!s)
        return NULL;
    char *p = md_arena_strndup(a, s, len);
    if (!p)
        *ok = false;
    return p;
}

struct md_evidence *
md_evidence_copy(struct md_arena *a, const struct md_evidence *ev)
{
    struct md_evidence *c = md_arena_alloc(a, sizeof *c);
    if (!c)
        return NULL;
    *c = *ev;
    bool ok = true;
    c->kind = copy_str(a, ev->kind, strlen(ev->kind), &ok);
    c->key = ev->key ? copy_str(a, ev->key, strlen(ev->key), &ok) : NULL;
    c->name = ev->name ? copy_str(a, ev->name, strlen(ev->name), &ok) : NULL;
    c->xpath = ev->xpath ? copy_str(a, ev->xpath, strlen(ev->xpath), &ok)
                         : NULL;
    c->text = copy_str(a, ev->text, ev->text_len, &ok);
    for (size_t i = 0; i < ev->nfields; i++) {
        c->fields[i].name =
            copy_str(a, ev->fields[i].name, strlen(ev->fields[i].name), &ok);
        if (ev->fields[i].type == MD_V_STR)
            c->fields[i].s = copy_str(a, ev->fields[i].s, ev->fields[i].len,
                                      &ok);
    }
    return ok ? c : NULL;
}

/* ---- masking secrets ------------------------------------------------- */

static bool
is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Length of the secret value starting at s[i]: a quoted string (quotes
 * kept) or a run up to white space, ';', ',' or a closing bracket. Returns
 * the start and end of the part to mask. */
static void
value_span(const char *s, size_t len, size_t i, size_t *from, size_t *to)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i < len && (s[i] == '"' || s[i] == '\'')) {
        char q = s[i];
        size_t j = i + 1;
        while (j < len && s[j] != q)
            j++;
        *from = i + 1;
        *to = j;
        return;
    }
    size_t j = i;
    while (j < len && s[j] != ' ' && s[j] != '\t' && s[j] != ';' &&
           s[j] != ',' && s[j] != '}' && s[j] != ']' && s[j] != ')')
        j++;
    *from = i;
    *to = j;
}

/* Names whose value is a password: matched case-insensitively as the end
 * of a name ("ProxyPassword", "-ProxyPassword", "/pw", "pwd"). */
static bool
is_secret_name(const char *s, size_t len)
{
    static const char *const names[] = {"password", "passwd", "pwd", "pw",
                                        "secret", "passphrase"};
    struct md_slice sl = {s, len};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (md_slice_iends(sl, names[k]))
            return true;
    return false;
}

static bool
secret_value_is_reference(const char *s, size_t len)
{
    /* A PowerShell variable or SecureString expression is not a secret. */
    return len > 0 && (s[0] == '$' || s[0] == '(');
}

size_t
md_redact(const char *s, size_t len, char *out)
{
    static const char mask[] = "********";
    size_t o = 0, i = 0;
    while (i < len) {
        /* name[: or = or whitespace]value, with the name ending in a secret
         * word: handles "ProxyPassword"="x", ProxyPassword : x,
         * -ProxyPassword x, /pw x, "ProxyPassword": "x", pw=x. */
        if (is_name_char(s[i]) && (i == 0 || !is_name_char(s[i - 1]))) {
            size_t j = i;
            while (j < len && is_name_char(s[j]))
                j++;
            if (j - i == 22 &&
                md_strncasecmp(s + i, "ConvertTo-SecureString", 22) == 0) {
                /* ConvertTo-SecureString [-String] 'plain' -AsPlainText */
                size_t k = j;
                while (k < len && (s[k] == ' ' || s[k] == '\t'))
                    k++;
                if (k + 7 <= len && md_strncasecmp(s + k, "-String", 7) == 0)
                    k += 7;
                size_t from, to;
                value_span(s, len, k, &from, &to);
                if (to > from && s[from] != '-' &&
                    !secret_value_is_reference(s + from, to - from)) {
                    memcpy(out + o, s + i, from - i);
                    o += from - i;
                    size_t m = to - from < 8 ? to - from : 8;
                    memcpy(out + o, mask, m);
                    o += m;
                    i = to;
                    continue;
                }
            }
            if (is_secret_name(s + i, j - i)) {
                size_t k = j;
                if (k < len && (s[k] == '"' || s[k] == '\''))
                    k++;
                size_t sep = k;
                while (k < len && (s[k] == ' ' || s[k] == '\t'))
                    k++;
                bool has_sep = false;
                if (k < len && (s[k] == '=' || s[k] == ':')) {
                    k++;
                    has_sep = true;
                }
                bool flag_form = i > 0 && (s[i - 1] == '-' || s[i - 1] == '/');
                if (has_sep || (flag_form && k > sep)) {
                    size_t from, to;
                    value_span(s, len, k, &from, &to);
                    if (to > from && !secret_value_is_reference(s + from,
                                                                to - from)) {
                        memcpy(out + o, s + i, from - i);
                        o += from - i;
                        size_t m = to - from < 8 ? to - from : 8;
                        memcpy(out + o, mask, m);
                        o += m;
                        i = to;
                        continue;
                    }
                }
            }
            memcpy(out + o, s + i, j - i);
            o += j - i;
            i = j;
            continue;
        }
        /* scheme://user:pass@host */
        if (s[i] == ':' && i + 2 < len && s[i + 1] == '/' && s[i + 2] == '/') {
            size_t j = i + 3, colon = 0, at = 0;
            while (j < len && s[j] != '/' && s[j] != ' ' && s[j] != '"' &&
                   s[j] != '\'' && s[j] != ';' && s[j] != '\t') {
                if (s[j] == ':' && !colon)
                    colon = j;
                if (s[j] == '@')
                    at = j;
                j++;
            }
            if (colon && at > colon + 1) {
                memcpy(out + o, s + i, colon + 1 - i);
                o += colon + 1 - i;
                size_t m = at - colon - 1 < 8 ? at - colon - 1 : 8;
                memcpy(out + o, mask, m);
                o += m;
                i = at;
                continue;
            }
        }
        out[o++] = s[i++];
    }
    return o;
}

/* ---- building records (parser side) ---------------------------------- */

struct md_evidence *
md_ev_new(struct md_parse_ctx *ctx, const char *kind)
{
    struct md_evidence *ev = md_arena_calloc(ctx->scratch, sizeof *ev);
    if (!ev)
        return NULL;
    ev->kind = kind;
    ev->input = ctx->input;
    ev->line = ctx->line;
    return ev;
}

static struct md_field *
add_field(struct md_evidence *ev, const char *name, enum md_vtype t)
{
    if (!ev || ev->nfields >= MD_EV_MAX_FIELDS)
        return NULL;
    struct md_field *f = &ev->fields[ev->nfields++];
    memset(f, 0, sizeof *f);
    f->name = name;
    f->type = t;
    return f;
}

void
md_ev_str(struct md_evidence *ev, const char *name, const char *s, size_t len)
{
    struct md_field *f = add_field(ev, name, MD_V_STR);
    if (f) {
        f->s = s ? s : "";
        f->len = s ? len : 0;
    }
}

void
md_ev_strz(struct md_evidence *ev, const char *name, const char *s)
{
    if (!s) {
        md_ev_null(ev, name);
        return;
    }
    md_ev_str(ev, name, s, strlen(s));
}

void
md_ev_int(struct md_evidence *ev, const char *name, int64_t v)
{
    struct md_field *f = add_field(ev, name, MD_V_INT);
    if (f)
        f->i = v;
}

void
md_ev_bool(struct md_evidence *ev, const char *name, bool v)
{
    struct md_field *f = add_field(ev, name, MD_V_BOOL);
    if (f)
        f->i = v;
}

void
md_ev_null(struct md_evidence *ev, const char *name)
{
    add_field(ev, name, MD_V_NULL);
}

void
md_ev_secret(struct md_evidence *ev, const char *name, size_t len)
{
    struct md_field *f = add_field(ev, name, MD_V_SECRET);
    if (f)
        f->len = len;
}

void
md_ev_text(struct md_parse_ctx *ctx, struct md_evidence *ev, const char *s,
           size_t len)
{
    if (!ev)
        return;
    char *out = md_arena_alloc(ctx->scratch, len + 1);
    if (!out)
        return;
    ev->text_len = md_redact(s, len, out);
    out[ev->text_len] = '\0';
    ev->text = out;
}

enum md_status
md_ev_emit(struct md_parse_ctx *ctx, struct md_evidence *ev)
{
    if (!ev)
        return MD_ERR_NOMEM;
    if (ev->nfields >= MD_EV_MAX_FIELDS)
        md_parse_diag(ctx, MD_GRADE_WARN, MD_ERR_LIMIT,
                      "record '%s' has more than %d fields", ev->kind,
                      MD_EV_MAX_FIELDS);
    ctx->input->records++;
    if (ctx->emit)
        ctx->emit(ctx->emit_user, ev);
    return MD_OK;
}

void
md_parse_diag(struct md_parse_ctx *ctx, enum md_grade g, enum md_status code,
              const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    md_input_diag(ctx->arena, ctx->input, g, code, ctx->line, MD_NO_OFFSET,
                  NULL, "%s", msg);
}

void
md_parse_diag_at(struct md_parse_ctx *ctx, uint64_t line, enum md_grade g,
                 enum md_status code, const char *limit, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    md_input_diag(ctx->arena, ctx->input, g, code, line, MD_NO_OFFSET, limit,
                  "%s", msg);
}

bool
md_name_has_ext(const char *base, const char *ext)
{
    return md_slice_iends(md_slice_of(base, strlen(base)), ext);
}

bool
md_name_contains(const char *s, const char *needle)
{
    return md_slice_ifind(md_slice_of(s, strlen(s)), needle) >= 0;
}
