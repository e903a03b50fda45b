/*
 * Evidence records: building (for parsers), copying, and masking secrets
 * in source excerpts (marsdiag/evidence.h, parsers/parser.h).
 */
#include "marsdiag/evidence.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "marsdiag/buf.h"
#include "parser.h"

const struct md_field *
md_ev_field(const struct md_evidence *ev, const char *name)
{
    /* Called for every log record (the model looks up its message):
     * the first byte settles most names without a call to strcmp. */
    for (size_t i = 0; i < ev->nfields; i++)
        if (ev->fields[i].name[0] == name[0] &&
            strcmp(ev->fields[i].name, name) == 0)
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

/*
 * md_redact runs on every record's excerpt, so it is built as "find
 * candidates fast, then look closely": a candidate is a position where one
 * of the trigrams that every secret form contains begins ("pw" of pw/pwd,
 * "ssw" of password/passwd, "ecr" of secret, "phr" of passphrase, "ecu" of
 * ConvertTo-SecureString, "://" of a URL with user:password@). Text
 * without candidates, most log lines, is copied with one memcpy.
 */

static bool
is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* The secret value starting at s[i] (after blanks): a quoted string, with
 * backslash escapes inside double quotes; a registry hex list to the end;
 * or a run up to white space, ';', ',' or a closing bracket. */
static void
value_span(const char *s, size_t len, size_t i, size_t *from, size_t *to)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i < len && (s[i] == '"' || s[i] == '\'')) {
        char q = s[i];
        size_t j = i + 1;
        while (j < len && s[j] != q)
            j += (q == '"' && s[j] == '\\' && j + 1 < len) ? 2 : 1;
        *from = i + 1;
        *to = j < len ? j : len;
        return;
    }
    size_t j = i;
    bool hex = len - i >= 4 && md_strncasecmp(s + i, "hex", 3) == 0 &&
               (s[i + 3] == ':' || s[i + 3] == '(');
    while (j < len && s[j] != ' ' && s[j] != '\t' &&
           (hex || (s[j] != ';' && s[j] != ',' && s[j] != '}' &&
                    s[j] != ']' && s[j] != ')')))
        j++;
    *from = i;
    *to = j;
}

static bool
ends_with(const char *s, size_t len, const char *lit, size_t n)
{
    return len >= n && md_strncasecmp(s + len - n, lit, n) == 0;
}

/* Names whose value is a password, matched case-insensitively as the end
 * of a name ("ProxyPassword", "-ProxyPassword", "/pw", "pwd"). */
static bool
is_secret_name(const char *s, size_t len)
{
    if (len < 2)
        return false;
#define ENDS(lit) ends_with(s, len, lit, sizeof lit - 1)
    switch (s[len - 1] | 0x20) {
    case 'd':
        return ENDS("password") || ENDS("passwd") || ENDS("pwd");
    case 'w':
        return ENDS("pw");
    case 't':
        return ENDS("secret");
    case 'e':
        return ENDS("passphrase");
    default:
        return false;
    }
#undef ENDS
}

static bool
secret_value_is_reference(const char *s, size_t len)
{
    /* A PowerShell variable or SecureString expression is not a secret. */
    return len > 0 && (s[0] == '$' || s[0] == '(');
}

static bool
is_candidate(const char *s, size_t len, size_t i)
{
    int a = s[i] | 0x20, b = i + 1 < len ? s[i + 1] | 0x20 : 0,
        c = i + 2 < len ? s[i + 2] | 0x20 : 0;
    return (a == 'p' && (b == 'w' || (b == 'h' && c == 'r'))) ||
           (a == 's' && b == 's' && c == 'w') ||
           (a == 'e' && b == 'c' && (c == 'r' || c == 'u')) ||
           (s[i] == ':' && b == ('/' | 0x20) && c == ('/' | 0x20)) ||
           s[i] == '@';
}

/* Next candidate at or after i, or len. */
static size_t
next_candidate(const char *s, size_t len, size_t i)
{
#if defined(__SSE2__)
    /* Sixteen positions at a time, testing the first two letters of each
     * trigram at once; only the rare bigram hits are looked at closely. */
    const __m128i x20 = _mm_set1_epi8(0x20);
#define EQ(v, ch) _mm_cmpeq_epi8(v, _mm_set1_epi8(ch))
    while (i + 17 <= len) {
        __m128i r0 = _mm_loadu_si128((const __m128i *)(s + i));
        __m128i r1 = _mm_loadu_si128((const __m128i *)(s + i + 1));
        __m128i a = _mm_or_si128(r0, x20), b = _mm_or_si128(r1, x20);
        __m128i m = _mm_or_si128(
            _mm_or_si128(
                _mm_and_si128(EQ(a, 'p'), _mm_or_si128(EQ(b, 'w'),
                                                       EQ(b, 'h'))),
                _mm_and_si128(EQ(a, 's'), EQ(b, 's'))),
            _mm_or_si128(
                _mm_or_si128(_mm_and_si128(EQ(a, 'e'), EQ(b, 'c')),
                             _mm_and_si128(EQ(r0, ':'), EQ(r1, '/'))),
                EQ(r0, '@')));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        while (bits) {
            size_t k = i + (size_t)__builtin_ctz(bits);
            if (is_candidate(s, len, k))
                return k;
            bits &= bits - 1;
        }
        i += 16;
    }
#undef EQ
#endif
    for (; i < len; i++)
        if (is_candidate(s, len, i))
            return i;
    return len;
}

/* Ends a user:password@host token: blanks, quotes and the separators of
 * proxy strings (http=...;https=...), assignments and paths. */
static bool
ends_token(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '"' || ch == '\'' || ch == ';' ||
           ch == '=' || ch == ',' || ch == '/' || ch == '(' || ch == ')' ||
           ch == '<' || ch == '>' || ch == '\r' || ch == '\n';
}

/* The '@' at c in a token user:password@host, without a scheme as
 * WinINet and netsh take it ("bob:pw@proxy:80", "http=bob:pw@p:80;...")
 * or with one: the password runs from the token's first ':' to its last
 * '@'. *resume is the token's end, so a token is looked at once. */
static bool
userinfo_at(const char *s, size_t len, size_t c, size_t *from, size_t *to,
            size_t *resume)
{
    size_t start = c, end = c, colon = 0, at = c;
    while (start > 0 && !ends_token(s[start - 1]))
        start--;
    while (end < len && !ends_token(s[end]))
        if (s[end++] == '@')
            at = end - 1;
    *resume = end;
    for (size_t k = start; k < c && !colon; k++)
        if (s[k] == ':')
            colon = k;
    if (!colon || at <= colon + 1)
        return false;
    *from = colon + 1;
    *to = at;
    return true;
}

/*
 * Check the word around candidate position c. Returns true with the span
 * [*from, *to) to mask when it names a secret that has a value. When it
 * does not, *resume is where the next candidate may be: past the word,
 * since every candidate in one word names that word (a megabyte "word"
 * full of candidates is then scanned once, not once per candidate).
 */
static bool
secret_at(const char *s, size_t len, size_t c, size_t *from, size_t *to,
          size_t *resume)
{
    *resume = c + 1;
    if (s[c] == '@')
        return userinfo_at(s, len, c, from, to, resume);
    if (s[c] == ':') {
        /* scheme://user:password@host */
        size_t j = c + 3, colon = 0, at = 0;
        while (j < len && s[j] != '/' && s[j] != ' ' && s[j] != '"' &&
               s[j] != '\'' && s[j] != ';' && s[j] != '\t') {
            if (s[j] == ':' && !colon)
                colon = j;
            if (s[j] == '@')
                at = j;
            j++;
        }
        if (colon && at > colon + 1) {
            *from = colon + 1;
            *to = at;
            return true;
        }
        return false;
    }
    size_t i = c, j = c;
    while (i > 0 && is_name_char(s[i - 1]))
        i--;
    while (j < len && is_name_char(s[j]))
        j++;
    if (j > c)
        *resume = j;
    size_t k = j;
    if (j - i == 22 && md_strncasecmp(s + i, "ConvertTo-SecureString", 22) ==
                           0) {
        /* ConvertTo-SecureString [-String] 'plain' -AsPlainText */
        while (k < len && (s[k] == ' ' || s[k] == '\t'))
            k++;
        if (k + 7 <= len && md_strncasecmp(s + k, "-String", 7) == 0)
            k += 7;
        value_span(s, len, k, from, to);
        return *to > *from && s[*from] != '-' &&
               !secret_value_is_reference(s + *from, *to - *from);
    }
    if (!is_secret_name(s + i, j - i))
        return false;
    /* name[quote] [=|:] value, or the flag forms -name value, /name value */
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
    /* '-' is a name character, so "-ProxyPassword" starts the name. */
    bool flag_form = s[i] == '-' || (i > 0 && s[i - 1] == '/');
    if (!has_sep && !(flag_form && k > sep))
        return false;
    value_span(s, len, k, from, to);
    return *to > *from && !secret_value_is_reference(s + *from, *to - *from);
}

size_t
md_redact(const char *s, size_t len, char *out)
{
    static const char mask[] = "********";
    size_t o = 0, done = 0, c = next_candidate(s, len, 0);
    while (c < len) {
        size_t from, to, resume;
        if (secret_at(s, len, c, &from, &to, &resume) && from >= done) {
            memcpy(out + o, s + done, from - done);
            o += from - done;
            size_t m = to - from < 8 ? to - from : 8;
            memcpy(out + o, mask, m);
            o += m;
            done = to;
            c = next_candidate(s, len, to);
        } else {
            c = next_candidate(s, len, resume > c ? resume : c + 1);
        }
    }
    memcpy(out + o, s + done, len - done);
    return o + len - done;
}

void
md_text_scrub(char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t') || c == 0x7F) {
            s[i] = '?';
        } else if (c == 0xC2 && i + 1 < len &&
                   (unsigned char)s[i + 1] >= 0x80 &&
                   (unsigned char)s[i + 1] <= 0x9F) {
            s[i] = s[i + 1] = '?'; /* U+0080..U+009F: C1 controls */
            i++;
        }
    }
}

size_t
md_control_at(const char *s, size_t len, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
        return 1;
    if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] >= 0x80 &&
        (unsigned char)s[i + 1] <= 0x9F)
        return 2;
    return 0;
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
md_ev_copy(struct md_evidence *ev, const char *name,
           const struct md_field *from)
{
    struct md_field *f = add_field(ev, name, from ? from->type : MD_V_NULL);
    if (f && from) {
        f->i = from->i;
        f->s = from->s;
        f->len = from->len;
    }
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
