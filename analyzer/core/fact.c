/* The fact tree (marsdiag/fact.h). */
#include "marsdiag/fact.h"

#include <stdio.h>
#include <string.h>

const char *
md_ftype_str(enum md_ftype t)
{
    switch (t) {
    case MD_F_NULL: return "null";
    case MD_F_BOOL: return "bool";
    case MD_F_INT: return "int";
    case MD_F_STR: return "string";
    case MD_F_LIST: return "list";
    case MD_F_OBJ: return "object";
    }
    return "unknown";
}

const struct md_fact *
md_fact_get(const struct md_fact *f, const char *key)
{
    if (!f || f->type != MD_F_OBJ)
        return NULL;
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->keys[i], key) == 0)
            return f->items[i];
    return NULL;
}

const struct md_fact *
md_fact_path(const struct md_fact *root, const char *path)
{
    const struct md_fact *f = root;
    char key[128];
    while (f && *path) {
        size_t n = strcspn(path, ".");
        if (n >= sizeof key)
            return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        f = md_fact_get(f, key);
        path += n + (path[n] == '.');
    }
    return f;
}

const char *
md_fact_scalar(const struct md_fact *root, const char *path, char *buf,
               size_t n)
{
    const struct md_fact *f = md_fact_path(root, path);
    if (!f || f->type == MD_F_NULL)
        return NULL;
    if (f->type == MD_F_STR)
        snprintf(buf, n, "%.*s", (int)f->len, f->s);
    else if (f->type == MD_F_INT)
        snprintf(buf, n, "%lld", (long long)f->i);
    else if (f->type == MD_F_BOOL)
        snprintf(buf, n, "%s", f->i ? "yes" : "no");
    else
        return NULL;
    return buf;
}

struct md_fact *
md_fact_new(struct md_arena *a, enum md_ftype t)
{
    struct md_fact *f = md_arena_calloc(a, sizeof *f);
    if (f)
        f->type = t;
    return f;
}

struct md_fact *
md_fact_str(struct md_arena *a, const char *s, size_t len)
{
    struct md_fact *f = md_fact_new(a, MD_F_STR);
    if (f && !(f->s = md_arena_strndup(a, s, len)))
        return NULL;
    if (f)
        f->len = len;
    return f;
}

struct md_fact *
md_fact_int(struct md_arena *a, int64_t v)
{
    struct md_fact *f = md_fact_new(a, MD_F_INT);
    if (f)
        f->i = v;
    return f;
}

struct md_fact *
md_fact_bool(struct md_arena *a, bool v)
{
    struct md_fact *f = md_fact_new(a, MD_F_BOOL);
    if (f)
        f->i = v;
    return f;
}

/* Grow a pointer array held in the arena (old copies are abandoned: the
 * arena frees them with everything else). */
static bool
grow(struct md_arena *a, void **arr, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t ncap = *cap ? *cap * 2 : 4;
    while (ncap < need)
        ncap *= 2;
    void *p = md_arena_alloc(a, ncap * size);
    if (!p)
        return false;
    if (*cap)
        memcpy(p, *arr, *cap * size);
    *arr = p;
    *cap = ncap;
    return true;
}

bool
md_fact_put(struct md_arena *a, struct md_fact *obj, const char *key,
            struct md_fact *v)
{
    if (!obj || obj->type != MD_F_OBJ || !v)
        return false;
    for (size_t i = 0; i < obj->n; i++)
        if (strcmp(obj->keys[i], key) == 0) {
            obj->items[i] = v;
            return true;
        }
    size_t cap = obj->cap;
    if (!grow(a, (void **)&obj->items, &cap, obj->n + 1, sizeof *obj->items))
        return false;
    size_t kcap = obj->cap;
    if (!grow(a, (void **)&obj->keys, &kcap, obj->n + 1, sizeof *obj->keys))
        return false;
    obj->cap = cap;
    const char *k = md_arena_strdup(a, key);
    if (!k)
        return false;
    obj->keys[obj->n] = k;
    obj->items[obj->n++] = v;
    return true;
}

struct md_fact *
md_fact_child(struct md_arena *a, struct md_fact *obj, const char *key,
              enum md_ftype t)
{
    struct md_fact *f = (struct md_fact *)md_fact_get(obj, key);
    if (f)
        return f;
    f = md_fact_new(a, t);
    return f && md_fact_put(a, obj, key, f) ? f : NULL;
}

bool
md_fact_append(struct md_arena *a, struct md_fact *list, struct md_fact *v)
{
    if (!list || list->type != MD_F_LIST || !v)
        return false;
    if (!grow(a, (void **)&list->items, &list->cap, list->n + 1,
              sizeof *list->items))
        return false;
    list->items[list->n++] = v;
    return true;
}

bool
md_fact_cite(struct md_arena *a, struct md_fact *f,
             const struct md_evidence *ev)
{
    if (!f || !ev)
        return false;
    for (size_t i = 0; i < f->nev; i++)
        if (f->ev[i] == ev)
            return true;
    if (!grow(a, (void **)&f->ev, &f->evcap, f->nev + 1, sizeof *f->ev))
        return false;
    f->ev[f->nev++] = ev;
    return true;
}

bool
md_fact_equal(const struct md_fact *x, const struct md_fact *y)
{
    if (!x || !y || x->type != y->type)
        return false;
    switch (x->type) {
    case MD_F_NULL:
        return true;
    case MD_F_BOOL:
    case MD_F_INT:
        return x->i == y->i;
    case MD_F_STR:
        return x->len == y->len && memcmp(x->s, y->s, x->len) == 0;
    default:
        return x == y;
    }
}
