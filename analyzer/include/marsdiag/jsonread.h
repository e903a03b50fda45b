/*
 * A small JSON reader (RFC 8259): one document into a tree.
 *
 * It reads back what marsdiag wrote — the NDJSON report lines of
 * 'batch' (for --resume and 'merge') — so it favours plainness over
 * speed: a recursive descent parser that builds the whole tree in the
 * caller's arena. Syntax is strict (no comments, no trailing commas, one
 * value and nothing but white space after it); nesting deeper than
 * MD_JREAD_MAX_DEPTH is an error rather than a deep recursion.
 *
 * Strings are decoded to UTF-8 (\uXXXX escapes included; a lone
 * surrogate becomes U+FFFD) and NUL-terminated; a string may contain
 * "\u0000", so use len. Bytes that are not valid UTF-8 are kept as they
 * are. Numbers keep their text and, when they are integers that fit,
 * their value.
 *
 * Ownership: everything lives in the arena passed to md_jread; the tree
 * goes when the arena is freed or rewound. Thread safety: none needed,
 * nothing is shared.
 */
#ifndef MARSDIAG_JSONREAD_H
#define MARSDIAG_JSONREAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "marsdiag/arena.h"

#define MD_JREAD_MAX_DEPTH 64

enum md_jtype { MD_J_NULL, MD_J_BOOL, MD_J_NUM, MD_J_STR, MD_J_ARR, MD_J_OBJ };

struct md_jval {
    enum md_jtype type;
    bool b;              /* MD_J_BOOL */
    bool is_int;         /* MD_J_NUM: an integer that fits in i */
    int64_t i;           /* MD_J_NUM, when is_int */
    const char *s;       /* MD_J_STR: decoded; MD_J_NUM: its text */
    size_t len;          /* of s */
    size_t n;            /* MD_J_ARR, MD_J_OBJ: number of items */
    struct md_jval *items;
    const char **keys;   /* MD_J_OBJ: keys[k] names items[k] */
};

/*
 * Parse text[0..len) as one JSON document. Returns the root, or NULL with
 * a message in err ("byte 17: expected ':'" or "out of memory") when the
 * text is not JSON or memory ran out.
 */
const struct md_jval *md_jread(struct md_arena *a, const char *text,
                               size_t len, char *err, size_t errlen);

/* The first member called key of an object; NULL when v is not an object
 * or has no such member. */
const struct md_jval *md_jget(const struct md_jval *v, const char *key);

/* md_jget along a dotted path ("input.path"); NULL when a step is
 * missing. */
const struct md_jval *md_jpath(const struct md_jval *v, const char *path);

/* The string at path, or NULL when it is missing or not a string. */
const char *md_jstr(const struct md_jval *v, const char *path);

#endif
