/* The limits table and --limit NAME=VALUE parsing (marsdiag/limits.h). */
#include "marsdiag/limits.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const struct md_limit_info table[] = {
#define MD_LIMIT_INFO(name, def, doc)                                         \
    {#name, (uint64_t)(def), doc, offsetof(struct md_limits, name)},
    MD_LIMITS(MD_LIMIT_INFO)
#undef MD_LIMIT_INFO
};

const struct md_limit_info *
md_limits_table(size_t *n)
{
    *n = sizeof table / sizeof table[0];
    return table;
}

void
md_limits_default(struct md_limits *lim)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        *(uint64_t *)((char *)lim + table[i].offset) = table[i].def;
}

int
md_limits_set(struct md_limits *lim, const char *assignment)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return -1;
    size_t nlen = (size_t)(eq - assignment);
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strlen(table[i].name) != nlen ||
            memcmp(table[i].name, assignment, nlen) != 0)
            continue;
        const char *v = eq + 1;
        if (*v < '0' || *v > '9')
            return -1;
        char *end;
        errno = 0;
        unsigned long long x = strtoull(v, &end, 10);
        if (errno || x == 0)
            return -1;
        unsigned shift = 0;
        switch (*end) {
        case 'K': case 'k': shift = 10; end++; break;
        case 'M': case 'm': shift = 20; end++; break;
        case 'G': case 'g': shift = 30; end++; break;
        default: break;
        }
        if (*end || (shift && x > (UINT64_MAX >> shift)))
            return -1;
        *(uint64_t *)((char *)lim + table[i].offset) = (uint64_t)x << shift;
        return 0;
    }
    return -1;
}
