/*
 * Growable byte buffer with a hard cap (git's strbuf, curl's dynbuf), and a
 * non-owning slice.
 *
 * A buffer is always NUL-terminated when ptr != NULL. Growth beyond max
 * fails with MD_ERR_LIMIT and leaves the contents as they were, so a caller
 * can report the limit and keep what it has. The buffer owns ptr; free it
 * with md_buf_free().
 */
#ifndef MARSDIAG_BUF_H
#define MARSDIAG_BUF_H

#include <stddef.h>
#include <stdbool.h>
#include <string.h>

#include "marsdiag/status.h"

struct md_slice {
    const char *ptr;
    size_t len;
};

struct md_buf {
    char *ptr;
    size_t len;
    size_t cap;
    size_t max; /* hard cap on len; 0 means SIZE_MAX/2 */
};

#define MD_BUF_INIT(maxlen) {NULL, 0, 0, (maxlen)}

enum md_status md_buf_grow(struct md_buf *b, size_t extra);
enum md_status md_buf_add(struct md_buf *b, const void *p, size_t n);
enum md_status md_buf_addc(struct md_buf *b, char c);
enum md_status md_buf_adds(struct md_buf *b, const char *s);
enum md_status md_buf_printf(struct md_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void md_buf_reset(struct md_buf *b); /* len = 0, memory kept */
void md_buf_free(struct md_buf *b);

static inline struct md_slice
md_slice_of(const char *p, size_t n)
{
    struct md_slice s = {p, n};
    return s;
}

/* Case-insensitive (ASCII) comparisons on slices. */
bool md_slice_ieq(struct md_slice s, const char *lit);
bool md_slice_istarts(struct md_slice s, const char *lit);
bool md_slice_iends(struct md_slice s, const char *lit);
/* First occurrence of lit in s, ASCII case-insensitive; -1 if none. */
long md_slice_ifind(struct md_slice s, const char *lit);
/* Whether any of the n literals occurs in s, ASCII case-insensitive: one
 * pass over s, however many literals (bidders ask this of every member). */
bool md_slice_ifind_any(struct md_slice s, const char *const *lits, size_t n);

/* Trim ASCII spaces, tabs, CR and LF on both ends. */
struct md_slice md_slice_trim(struct md_slice s);

/* ASCII case-insensitive strcmp / strncmp that do not depend on locale. */
int md_strcasecmp(const char *a, const char *b);
int md_strncasecmp(const char *a, const char *b, size_t n);

#endif
