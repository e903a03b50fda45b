/* Growable capped buffer and slice helpers (marsdiag/buf.h). */
#include "marsdiag/buf.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static size_t
buf_max(const struct md_buf *b)
{
    return b->max ? b->max : SIZE_MAX / 2;
}

enum md_status
md_buf_grow(struct md_buf *b, size_t extra)
{
    size_t max = buf_max(b);
    if (extra > max || b->len > max - extra)
        return MD_ERR_LIMIT;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return MD_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    if (cap > max + 1)
        cap = max + 1;
    char *p = realloc(b->ptr, cap);
    if (!p)
        return MD_ERR_NOMEM;
    b->ptr = p;
    b->cap = cap;
    return MD_OK;
}

enum md_status
md_buf_add(struct md_buf *b, const void *p, size_t n)
{
    enum md_status st = md_buf_grow(b, n);
    if (st != MD_OK)
        return st;
    if (n)
        memcpy(b->ptr + b->len, p, n);
    b->len += n;
    b->ptr[b->len] = '\0';
    return MD_OK;
}

enum md_status
md_buf_addc(struct md_buf *b, char c)
{
    return md_buf_add(b, &c, 1);
}

enum md_status
md_buf_adds(struct md_buf *b, const char *s)
{
    return md_buf_add(b, s, strlen(s));
}

enum md_status
md_buf_printf(struct md_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return MD_ERR_USAGE;
    enum md_status st = md_buf_grow(b, (size_t)n);
    if (st != MD_OK)
        return st;
    va_start(ap, fmt);
    vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return MD_OK;
}

void
md_buf_reset(struct md_buf *b)
{
    b->len = 0;
    if (b->ptr)
        b->ptr[0] = '\0';
}

void
md_buf_free(struct md_buf *b)
{
    free(b->ptr);
    b->ptr = NULL;
    b->len = b->cap = 0;
}

static int
lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

int
md_strncasecmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int ca = lower((unsigned char)a[i]), cb = lower((unsigned char)b[i]);
        if (ca != cb || ca == 0)
            return ca - cb;
    }
    return 0;
}

int
md_strcasecmp(const char *a, const char *b)
{
    return md_strncasecmp(a, b, SIZE_MAX);
}

bool
md_slice_ieq(struct md_slice s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len == n && md_strncasecmp(s.ptr, lit, n) == 0;
}

bool
md_slice_istarts(struct md_slice s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len >= n && md_strncasecmp(s.ptr, lit, n) == 0;
}

bool
md_slice_iends(struct md_slice s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len >= n && md_strncasecmp(s.ptr + s.len - n, lit, n) == 0;
}

long
md_slice_ifind(struct md_slice s, const char *lit)
{
    size_t n = strlen(lit);
    if (n == 0)
        return 0;
    for (size_t i = 0; i + n <= s.len; i++)
        if (lower((unsigned char)s.ptr[i]) == lower((unsigned char)lit[0]) &&
            md_strncasecmp(s.ptr + i, lit, n) == 0)
            return (long)i;
    return -1;
}

bool
md_slice_ifind_any(struct md_slice s, const char *const *lits, size_t n)
{
    unsigned char first[256] = {0};
    for (size_t k = 0; k < n; k++) {
        if (!lits[k][0])
            return true;
        unsigned char c = (unsigned char)lits[k][0];
        first[lower(c)] = first[c >= 'a' && c <= 'z' ? c - 32 : c] = 1;
    }
    for (size_t i = 0; i < s.len; i++) {
        if (!first[(unsigned char)s.ptr[i]])
            continue;
        int c = lower((unsigned char)s.ptr[i]);
        for (size_t k = 0; k < n; k++) {
            if (lower((unsigned char)lits[k][0]) != c)
                continue;
            size_t m = strlen(lits[k]);
            if (m <= s.len - i && md_strncasecmp(s.ptr + i, lits[k], m) == 0)
                return true;
        }
    }
    return false;
}

static bool
is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

struct md_slice
md_slice_trim(struct md_slice s)
{
    while (s.len && is_space(s.ptr[0])) {
        s.ptr++;
        s.len--;
    }
    while (s.len && is_space(s.ptr[s.len - 1]))
        s.len--;
    return s;
}
