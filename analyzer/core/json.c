/* Streaming JSON writer (marsdiag/json.h). */
#include "marsdiag/json.h"

#include <inttypes.h>
#include <string.h>

#include "marsdiag/decode.h"

void
md_json_init(struct md_json *j, FILE *f, bool pretty)
{
    j->f = f;
    j->pretty = pretty;
    j->depth = 0;
    j->need_comma[0] = false;
    j->after_key = false;
}

static void
newline(struct md_json *j)
{
    if (!j->pretty)
        return;
    fputc('\n', j->f);
    for (int i = 0; i < j->depth; i++)
        fputs("  ", j->f);
}

/* Before a value: a comma and a new line unless it follows a key. */
static void
pre_value(struct md_json *j)
{
    if (j->after_key) {
        j->after_key = false;
        return;
    }
    if (j->depth > 0) {
        if (j->need_comma[j->depth])
            fputc(',', j->f);
        newline(j);
    }
    j->need_comma[j->depth] = true;
}

static void
open_(struct md_json *j, char c)
{
    pre_value(j);
    fputc(c, j->f);
    if (j->depth + 1 < MD_JSON_MAX_DEPTH)
        j->depth++;
    j->need_comma[j->depth] = false;
}

static void
close_(struct md_json *j, char c)
{
    bool had = j->need_comma[j->depth];
    if (j->depth > 0)
        j->depth--;
    if (had)
        newline(j);
    fputc(c, j->f);
}

void
md_json_obj(struct md_json *j)
{
    open_(j, '{');
}

void
md_json_end_obj(struct md_json *j)
{
    close_(j, '}');
}

void
md_json_arr(struct md_json *j)
{
    open_(j, '[');
}

void
md_json_end_arr(struct md_json *j)
{
    close_(j, ']');
}

void
md_json_key(struct md_json *j, const char *key)
{
    pre_value(j);
    fputc('"', j->f);
    md_json_escape(j->f, key, strlen(key));
    fputs(j->pretty ? "\": " : "\":", j->f);
    j->after_key = true;
}

void
md_json_escape(FILE *f, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            size_t k = i + 1;
            while (k < len && p[k] >= 0x20 && p[k] < 0x80 && p[k] != '"' &&
                   p[k] != '\\')
                k++;
            fwrite(p + i, 1, k - i, f);
            i = k;
            continue;
        }
        switch (c) {
        case '"': fputs("\\\"", f); i++; continue;
        case '\\': fputs("\\\\", f); i++; continue;
        case '\n': fputs("\\n", f); i++; continue;
        case '\r': fputs("\\r", f); i++; continue;
        case '\t': fputs("\\t", f); i++; continue;
        default: break;
        }
        if (c < 0x20) {
            fprintf(f, "\\u%04x", c);
            i++;
            continue;
        }
        size_t v = md_utf8_valid_prefix(p + i, len - i > 4 ? 4 : len - i);
        /* v covers at least one whole sequence when the lead is valid. */
        size_t seq = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
        if (v >= seq) {
            fwrite(p + i, 1, seq, f);
            i += seq;
        } else {
            fprintf(f, "\\\\x%02X", c); /* invalid byte, kept visible */
            i++;
        }
    }
}

void
md_json_str(struct md_json *j, const char *s, size_t len)
{
    pre_value(j);
    fputc('"', j->f);
    md_json_escape(j->f, s, len);
    fputc('"', j->f);
}

void
md_json_strz(struct md_json *j, const char *s)
{
    if (!s) {
        md_json_null(j);
        return;
    }
    md_json_str(j, s, strlen(s));
}

void
md_json_int(struct md_json *j, int64_t v)
{
    pre_value(j);
    fprintf(j->f, "%" PRId64, v);
}

void
md_json_uint(struct md_json *j, uint64_t v)
{
    pre_value(j);
    fprintf(j->f, "%" PRIu64, v);
}

void
md_json_bool(struct md_json *j, bool v)
{
    pre_value(j);
    fputs(v ? "true" : "false", j->f);
}

void
md_json_null(struct md_json *j)
{
    pre_value(j);
    fputs("null", j->f);
}
