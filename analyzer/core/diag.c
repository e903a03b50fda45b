/* Diagnostics on inputs (marsdiag/diag.h). */
#include "marsdiag/diag.h"

#include <stdarg.h>
#include <stdio.h>

void
md_input_diag(struct md_arena *a, struct md_input *in, enum md_grade g,
              enum md_status code, uint64_t line, uint64_t offset,
              const char *limit, const char *fmt, ...)
{
    if (!in->has_diag || g > in->worst)
        in->worst = g;
    in->has_diag = true;
    if (in->ndiags >= MD_DIAGS_PER_INPUT) {
        in->ndiags_dropped++;
        return;
    }
    struct md_diag *d = md_arena_calloc(a, sizeof *d);
    if (!d) {
        in->ndiags_dropped++;
        return;
    }
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    d->grade = g;
    d->code = code;
    d->line = line;
    d->offset = offset;
    d->limit = limit;
    d->msg = md_arena_strdup(a, msg);
    if (!d->msg)
        d->msg = "out of memory";
    if (!in->diag_tail)
        in->diag_tail = &in->diags;
    *in->diag_tail = d;
    in->diag_tail = &d->next;
    in->ndiags++;
}

const char *
md_input_status(const struct md_input *in)
{
    if (in->has_diag) {
        if (in->worst == MD_GRADE_FATAL)
            return "unreadable";
        if (in->worst == MD_GRADE_FAILED)
            return "damaged";
    }
    if (!in->type)
        return "skipped";
    if (in->has_diag && in->worst == MD_GRADE_WARN)
        return "partial";
    return "parsed";
}
