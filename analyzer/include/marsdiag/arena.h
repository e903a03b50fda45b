/*
 * Arena allocator: many small allocations, one free.
 *
 * Everything a bundle scan produces (inputs, diagnostics, evidence strings)
 * lives in one arena and goes away with md_arena_free(). A mark/rewind pair
 * lets a streaming producer build a record, hand it on, and reclaim its
 * memory, so a 300 MB log does not grow the arena.
 *
 * Not thread safe; one arena per thread of work. Allocation failure returns
 * NULL (callers turn it into MD_ERR_NOMEM).
 */
#ifndef MARSDIAG_ARENA_H
#define MARSDIAG_ARENA_H

#include <stddef.h>

struct md_arena_block;

struct md_arena {
    struct md_arena_block *head; /* current block, newest first */
    size_t total;                /* bytes obtained from malloc */
};

struct md_arena_mark {
    struct md_arena_block *block;
    size_t used;
};

#define MD_ARENA_INIT {NULL, 0}

/* Memory aligned for any type; contents uninitialised. */
void *md_arena_alloc(struct md_arena *a, size_t n);

/* Zero-filled memory. */
void *md_arena_calloc(struct md_arena *a, size_t n);

/* Copy of s[0..len) with a terminating NUL. */
char *md_arena_strndup(struct md_arena *a, const char *s, size_t len);

char *md_arena_strdup(struct md_arena *a, const char *s);

/* printf into the arena. */
char *md_arena_printf(struct md_arena *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

struct md_arena_mark md_arena_mark(const struct md_arena *a);

/* Free everything allocated since mark m was taken. */
void md_arena_rewind(struct md_arena *a, struct md_arena_mark m);

/* Free everything; the arena can be used again afterwards. */
void md_arena_free(struct md_arena *a);

#endif
