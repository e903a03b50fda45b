/*
 * Finding rules by id, and rules close to a mistyped one (marsdiag/
 * rules.h): for `marsdiag explain MP16` and a waiver naming a rule that
 * is not in force. Rule sets are small (the limit 'rules'), so a linear
 * search is plenty.
 */
#include "marsdiag/rules.h"

#include <stdlib.h>
#include <string.h>

const struct md_rule_info *
md_ruleset_find(const struct md_ruleset *rs, const char *id)
{
    for (size_t i = 0; id && i < md_ruleset_count(rs); i++) {
        const struct md_rule_info *r = md_ruleset_rule(rs, i);
        if (strcmp(r->id, id) == 0)
            return r;
    }
    return NULL;
}

static char
fold(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* Edit distance without regard to ASCII case, or a big number when
 * either string is too long to be a typo of the other. */
static size_t
distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 1000;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (fold(a[i - 1]) != fold(b[j - 1]));
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* text occurs in s, without regard to ASCII case. */
static bool
contains(const char *s, const char *text)
{
    size_t n = strlen(text);
    for (; *s; s++) {
        size_t k = 0;
        while (k < n && s[k] && fold(s[k]) == fold(text[k]))
            k++;
        if (k == n)
            return true;
    }
    return false;
}

struct near {
    const struct md_rule_info *r;
    size_t d;
};

static int
by_distance(const void *x, const void *y)
{
    const struct near *a = x, *b = y;
    if (a->d != b->d)
        return a->d < b->d ? -1 : 1;
    return strcmp(a->r->id, b->r->id);
}

size_t
md_ruleset_similar(const struct md_ruleset *rs, const char *text,
                   const struct md_rule_info **out, size_t max)
{
    size_t n = md_ruleset_count(rs), k = 0;
    if (!text || !max || !n)
        return 0;
    struct near *v = malloc(n * sizeof *v);
    if (!v)
        return 0;
    for (size_t i = 0; i < n; i++) {
        const struct md_rule_info *r = md_ruleset_rule(rs, i);
        size_t d = distance(text, r->id), dn = distance(text, r->name);
        if (dn < d)
            d = dn;
        /* A part of a name ("pac") is a fair guess too. */
        if (d > 2 && strlen(text) >= 3 && contains(r->name, text))
            d = 2;
        if (d <= 2) {
            v[k].r = r;
            v[k++].d = d;
        }
    }
    qsort(v, k, sizeof *v, by_distance);
    /* Only the closest: "MP016x" is MP016, not also MP006 and MP010. */
    size_t best = 0;
    while (best < k && v[best].d == v[0].d)
        best++;
    k = best < max ? best : max;
    for (size_t i = 0; i < k; i++)
        out[i] = v[i].r;
    free(v);
    return k;
}
