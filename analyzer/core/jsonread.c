/* JSON reader (marsdiag/jsonread.h), RFC 8259 by recursive descent. */
#include "marsdiag/jsonread.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "marsdiag/buf.h"

struct rd {
    const char *p, *end, *start;
    struct md_arena *a;
    int depth;
    char *err;
    size_t errlen;
    bool failed;
};

static void
fail(struct rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
fail(struct rd *r, const char *fmt, ...)
{
    if (r->failed)
        return;
    r->failed = true;
    int n = snprintf(r->err, r->errlen, "byte %zu: ", (size_t)(r->p - r->start));
    if (n < 0 || (size_t)n >= r->errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

static void
skip_ws(struct rd *r)
{
    while (r->p < r->end &&
           (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static bool
literal(struct rd *r, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0) {
        fail(r, "expected a value");
        return false;
    }
    r->p += n;
    return true;
}

static int
hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        char c = p[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static enum md_status
put_utf8(struct md_buf *b, unsigned cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | cp >> 6);
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | cp >> 12);
        u[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | cp >> 18);
        u[1] = (char)(0x80 | (cp >> 12 & 0x3F));
        u[2] = (char)(0x80 | (cp >> 6 & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return md_buf_add(b, u, n);
}

/* A \u escape at r->p (just past the 'u'), with its low surrogate when it
 * is a high one. */
static unsigned
unicode_escape(struct rd *r)
{
    if (r->end - r->p < 4 || hex4(r->p) < 0) {
        fail(r, "bad \\u escape");
        return 0;
    }
    unsigned cp = (unsigned)hex4(r->p);
    r->p += 4;
    if (cp >= 0xD800 && cp < 0xDC00 && r->end - r->p >= 6 && r->p[0] == '\\' &&
        r->p[1] == 'u' && hex4(r->p + 2) >= 0xDC00 && hex4(r->p + 2) < 0xE000) {
        unsigned lo = (unsigned)hex4(r->p + 2);
        r->p += 6;
        return 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    }
    if (cp >= 0xD800 && cp < 0xE000)
        return 0xFFFD; /* a lone surrogate has no UTF-8 form */
    return cp;
}

/* A string at r->p (the opening quote) into *s, *len. */
static bool
string(struct rd *r, const char **s, size_t *len)
{
    r->p++;
    struct md_buf b = MD_BUF_INIT(0);
    bool ok = false;
    while (!r->failed) {
        const char *q = r->p;
        while (q < r->end && *q != '"' && *q != '\\' &&
               (unsigned char)*q >= 0x20)
            q++;
        if (md_buf_add(&b, r->p, (size_t)(q - r->p)) != MD_OK) {
            fail(r, "out of memory");
            break;
        }
        r->p = q;
        if (q == r->end) {
            fail(r, "unterminated string");
            break;
        }
        if (*q == '"') {
            r->p++;
            ok = true;
            break;
        }
        if (*q != '\\') {
            fail(r, "control character in a string");
            break;
        }
        if (++r->p == r->end) {
            fail(r, "unterminated string");
            break;
        }
        char c = *r->p++;
        static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
        const char *k = c ? strchr(from, c) : NULL;
        enum md_status st;
        if (k)
            st = md_buf_addc(&b, to[k - from]);
        else if (c == 'u')
            st = put_utf8(&b, unicode_escape(r));
        else {
            r->p--;
            fail(r, "bad escape '\\%c'", c);
            break;
        }
        if (st != MD_OK)
            fail(r, "out of memory");
    }
    if (ok) {
        *len = b.len;
        *s = md_arena_strndup(r->a, b.ptr ? b.ptr : "", b.len);
        if (!*s) {
            fail(r, "out of memory");
            ok = false;
        }
    }
    md_buf_free(&b);
    return ok;
}

static bool
number(struct rd *r, struct md_jval *v)
{
    const char *q = r->p;
    if (q < r->end && *q == '-')
        q++;
    const char *digits = q;
    while (q < r->end && *q >= '0' && *q <= '9')
        q++;
    if (q == digits || (*digits == '0' && q - digits > 1)) {
        fail(r, "bad number");
        return false;
    }
    bool integer = true;
    if (q < r->end && *q == '.') {
        integer = false;
        const char *f = ++q;
        while (q < r->end && *q >= '0' && *q <= '9')
            q++;
        if (q == f) {
            fail(r, "bad number");
            return false;
        }
    }
    if (q < r->end && (*q == 'e' || *q == 'E')) {
        integer = false;
        q++;
        if (q < r->end && (*q == '+' || *q == '-'))
            q++;
        const char *e = q;
        while (q < r->end && *q >= '0' && *q <= '9')
            q++;
        if (q == e) {
            fail(r, "bad number");
            return false;
        }
    }
    v->type = MD_J_NUM;
    v->len = (size_t)(q - r->p);
    v->s = md_arena_strndup(r->a, r->p, v->len);
    if (!v->s) {
        fail(r, "out of memory");
        return false;
    }
    r->p = q;
    if (integer) {
        errno = 0;
        char *endp;
        long long i = strtoll(v->s, &endp, 10);
        v->is_int = errno == 0 && *endp == '\0';
        v->i = v->is_int ? i : 0;
    }
    return true;
}

static bool value(struct rd *r, struct md_jval *v);

/* Items of an array or members of an object: gathered in a growing
 * vector, then copied into the arena once their number is known. */
static bool
container(struct rd *r, struct md_jval *v, bool object)
{
    char close = object ? '}' : ']';
    if (++r->depth > MD_JREAD_MAX_DEPTH) {
        fail(r, "nested deeper than %d", MD_JREAD_MAX_DEPTH);
        return false;
    }
    r->p++;
    struct md_jval *items = NULL;
    const char **keys = NULL;
    size_t n = 0, cap = 0;
    skip_ws(r);
    bool ok = r->p < r->end && *r->p == close;
    if (ok)
        r->p++;
    while (!ok && !r->failed) {
        if (n == cap) {
            cap = cap ? cap * 2 : 8;
            struct md_jval *ni = realloc(items, cap * sizeof *ni);
            const char **nk = ni ? realloc(keys, cap * sizeof *nk) : NULL;
            if (ni)
                items = ni;
            if (nk)
                keys = nk;
            if (!ni || !nk) {
                fail(r, "out of memory");
                break;
            }
        }
        memset(&items[n], 0, sizeof items[n]);
        keys[n] = NULL;
        skip_ws(r);
        if (object) {
            size_t klen;
            if (r->p == r->end || *r->p != '"') {
                fail(r, "expected a member name");
                break;
            }
            if (!string(r, &keys[n], &klen))
                break;
            skip_ws(r);
            if (r->p == r->end || *r->p != ':') {
                fail(r, "expected ':'");
                break;
            }
            r->p++;
        }
        if (!value(r, &items[n]))
            break;
        n++;
        skip_ws(r);
        if (r->p < r->end && *r->p == ',') {
            r->p++;
        } else if (r->p < r->end && *r->p == close) {
            r->p++;
            ok = true;
        } else {
            fail(r, "expected ',' or '%c'", close);
        }
    }
    if (ok) {
        v->type = object ? MD_J_OBJ : MD_J_ARR;
        v->n = n;
        v->items = md_arena_alloc(r->a, (n ? n : 1) * sizeof *items);
        v->keys = object ? md_arena_alloc(r->a, (n ? n : 1) * sizeof *keys)
                         : NULL;
        if (!v->items || (object && !v->keys)) {
            fail(r, "out of memory");
            ok = false;
        } else if (n) {
            memcpy(v->items, items, n * sizeof *items);
            if (object)
                memcpy(v->keys, keys, n * sizeof *keys);
        }
    }
    free(items);
    free(keys);
    r->depth--;
    return ok;
}

static bool
value(struct rd *r, struct md_jval *v)
{
    skip_ws(r);
    if (r->p == r->end) {
        fail(r, "expected a value");
        return false;
    }
    switch (*r->p) {
    case '{':
        return container(r, v, true);
    case '[':
        return container(r, v, false);
    case '"':
        v->type = MD_J_STR;
        return string(r, &v->s, &v->len);
    case 't':
        v->type = MD_J_BOOL;
        v->b = true;
        return literal(r, "true");
    case 'f':
        v->type = MD_J_BOOL;
        return literal(r, "false");
    case 'n':
        v->type = MD_J_NULL;
        return literal(r, "null");
    default:
        if (*r->p != '-' && (*r->p < '0' || *r->p > '9')) {
            fail(r, "expected a value");
            return false;
        }
        return number(r, v);
    }
}

const struct md_jval *
md_jread(struct md_arena *a, const char *text, size_t len, char *err,
         size_t errlen)
{
    struct rd r = {text, text + len, text, a, 0, err, errlen, false};
    if (errlen)
        err[0] = '\0';
    struct md_jval *v = md_arena_calloc(a, sizeof *v);
    if (!v) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    if (!value(&r, v))
        return NULL;
    skip_ws(&r);
    if (r.p != r.end) {
        fail(&r, "text after the value");
        return NULL;
    }
    return v;
}

const struct md_jval *
md_jget(const struct md_jval *v, const char *key)
{
    if (!v || v->type != MD_J_OBJ)
        return NULL;
    for (size_t i = 0; i < v->n; i++)
        if (strcmp(v->keys[i], key) == 0)
            return &v->items[i];
    return NULL;
}

const struct md_jval *
md_jpath(const struct md_jval *v, const char *path)
{
    char step[64];
    while (v && *path) {
        size_t n = strcspn(path, ".");
        if (n >= sizeof step)
            return NULL;
        memcpy(step, path, n);
        step[n] = '\0';
        v = md_jget(v, step);
        path += n + (path[n] == '.');
    }
    return v;
}

const char *
md_jstr(const struct md_jval *v, const char *path)
{
    const struct md_jval *s = md_jpath(v, path);
    return s && s->type == MD_J_STR ? s->s : NULL;
}
