/*
 * Arena allocator (marsdiag/arena.h): a list of blocks, newest first.
 * Small requests share blocks that double in size up to 1 MiB; a request
 * larger than a quarter block gets a block of its own.
 */
#include "marsdiag/arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ALIGN 16
#define MIN_BLOCK 4096
#define MAX_BLOCK (1u << 20)

struct md_arena_block {
    struct md_arena_block *prev;
    size_t size, used;
    _Alignas(ALIGN) unsigned char data[];
};

void *
md_arena_alloc(struct md_arena *a, size_t n)
{
    n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    if (n == 0)
        n = ALIGN;
    struct md_arena_block *b = a->head;
    if (b && b->size - b->used >= n) {
        void *p = b->data + b->used;
        b->used += n;
        return p;
    }
    size_t size = b ? b->size * 2 : MIN_BLOCK;
    if (size > MAX_BLOCK)
        size = MAX_BLOCK;
    if (n > size / 4)
        size = n;
    if (size > SIZE_MAX - sizeof *b)
        return NULL;
    struct md_arena_block *nb = malloc(sizeof *nb + size);
    if (!nb)
        return NULL;
    nb->size = size;
    nb->used = n;
    nb->prev = b;
    a->head = nb;
    a->total += size;
    return nb->data;
}

void *
md_arena_calloc(struct md_arena *a, size_t n)
{
    void *p = md_arena_alloc(a, n);
    if (p)
        memset(p, 0, n);
    return p;
}

char *
md_arena_strndup(struct md_arena *a, const char *s, size_t len)
{
    if (len == SIZE_MAX)
        return NULL;
    char *p = md_arena_alloc(a, len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

char *
md_arena_strdup(struct md_arena *a, const char *s)
{
    return md_arena_strndup(a, s, strlen(s));
}

char *
md_arena_printf(struct md_arena *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return NULL;
    char *p = md_arena_alloc(a, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}

struct md_arena_mark
md_arena_mark(const struct md_arena *a)
{
    struct md_arena_mark m = {a->head, a->head ? a->head->used : 0};
    return m;
}

void
md_arena_rewind(struct md_arena *a, struct md_arena_mark m)
{
    /* Blocks newer than the mark's block are freed. Rewinding an arena to
     * empty keeps its first block, emptied, so a produce/rewind loop does
     * not call malloc and free for every record. */
    while (a->head && a->head != m.block) {
        struct md_arena_block *b = a->head;
        if (b->prev == NULL && m.block == NULL) {
            b->used = 0;
            return;
        }
        a->head = b->prev;
        a->total -= b->size;
        free(b);
    }
    if (a->head)
        a->head->used = m.used;
}

void
md_arena_free(struct md_arena *a)
{
    struct md_arena_block *b = a->head;
    while (b) {
        struct md_arena_block *prev = b->prev;
        free(b);
        b = prev;
    }
    a->head = NULL;
    a->total = 0;
}
