/* Errors of a YAML file loader (yamlerr.h). */
#include "yamlerr.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool
md_yamlerr_add(struct md_yamlerr *e, unsigned line, unsigned col,
               const char *msg)
{
    if (e->nerr >= MD_YAMLERR_MAX)
        return false;
    e->nerr++;
    if (e->n == e->cap) {
        size_t ncap = e->cap ? e->cap * 2 : 8;
        struct md_yamlerr_item *v = realloc(e->v, ncap * sizeof *v);
        if (!v)
            return e->nerr < MD_YAMLERR_MAX; /* still counted */
        e->v = v;
        e->cap = ncap;
    }
    struct md_yamlerr_item it = {line, col, e->n, strdup(msg)};
    if (it.msg)
        e->v[e->n++] = it;
    return e->nerr < MD_YAMLERR_MAX;
}

bool
md_yamlerr_at(struct md_yamlerr *e, const yaml_mark_t *m, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return md_yamlerr_add(e, (unsigned)m->line + 1, (unsigned)m->column + 1,
                          msg);
}

static int
cmp_items(const void *x, const void *y)
{
    const struct md_yamlerr_item *a = x, *b = y;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->col != b->col)
        return a->col < b->col ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void
md_yamlerr_flush(struct md_yamlerr *e, const char *file, md_rule_error_fn err,
                 void *user)
{
    if (e->n)
        qsort(e->v, e->n, sizeof *e->v, cmp_items);
    for (size_t i = 0; i < e->n; i++) {
        if (err)
            err(user, file, e->v[i].line, e->v[i].col, e->v[i].msg);
        free(e->v[i].msg);
    }
    if (e->n && e->nerr >= MD_YAMLERR_MAX && err)
        err(user, file, e->v[e->n - 1].line, e->v[e->n - 1].col,
            "too many errors; giving up on this file");
    e->n = 0;
}

void
md_yamlerr_free(struct md_yamlerr *e)
{
    for (size_t i = 0; i < e->n; i++)
        free(e->v[i].msg);
    free(e->v);
    e->v = NULL;
    e->n = e->cap = 0;
}

/* Where the problem of a failed yaml_parser_parse is; the reader gives a
 * byte offset only, so for its errors the line and column are counted
 * over text[0..len). */
static yaml_mark_t
problem_mark(const yaml_parser_t *p, const char *text, size_t len)
{
    yaml_mark_t m = p->problem_mark;
    if (p->error != YAML_READER_ERROR)
        return m;
    memset(&m, 0, sizeof m);
    for (size_t i = 0; i < p->problem_offset && i < len; i++)
        if (text[i] == '\n') {
            m.line++;
            m.column = 0;
        } else {
            m.column++;
        }
    return m;
}

bool
md_yamlerr_parse(struct md_yamlerr *e, const yaml_parser_t *p, const char *text,
                 size_t len)
{
    yaml_mark_t m = problem_mark(p, text, len);
    return md_yamlerr_at(e, &m, "invalid YAML: %s%s%s",
                         p->problem ? p->problem : "syntax error",
                         p->context ? " " : "", p->context ? p->context : "");
}

const char *
md_yamlerr_shown(const char *s, size_t len, char *buf, size_t size)
{
    size_t k = 0;
    for (size_t i = 0; i < len && k + 4 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        buf[k++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
    }
    if (k + 4 >= size && len > k) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k] = '\0';
    return buf;
}
