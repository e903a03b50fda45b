/*
 * One registry value as read from a .reg export or from reg query output,
 * and the evidence it yields: a reg.value record, plus wininet.connection,
 * winhttp.proxy or agent.proxy when the value is one of those settings
 * (parsers/reg/README.md lists the fields; domain-reference §2.3, §3, §4.2
 * say why).
 *
 * Shared by the reg and regquery parsers so both emit the same records.
 * Everything in struct md_regval is borrowed for the duration of the call.
 */
#ifndef MARSDIAG_REGVALUE_H
#define MARSDIAG_REGVALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "marsdiag/names.h"
#include "parser.h"

enum md_regval_form {
    MD_REGVAL_STR,     /* data, len: UTF-8 (or ANSI bytes kept) text */
    MD_REGVAL_INT,     /* i */
    MD_REGVAL_BIN,     /* data, len: raw bytes */
    MD_REGVAL_DELETED, /* "name"=- */
};

struct md_regval {
    const struct md_regpath *key; /* normalised key */
    const char *name;             /* NUL-terminated; "@" = default value */
    const char *type;             /* "REG_SZ", ..., "hex(6)" */
    enum md_regval_form form;
    const char *data;
    size_t len;
    int64_t i;
    uint64_t line;     /* first line of the value */
    const char *text;  /* the source line, unredacted */
    size_t text_len;
    size_t data_off;   /* where the data starts in text (secrets cut there) */
};

/* Emit the reg.value record and any derived record. Blobs that do not
 * decode become diagnostics at v->line. */
enum md_status md_regval_emit(struct md_parse_ctx *ctx,
                              const struct md_regval *v);

/* Does a value name denote a password ("...password", "...pwd", ...)? */
bool md_regval_is_secret_name(const char *name, size_t len);

/* Number of components of a key as written ("HKLM\A\B" has 3). */
size_t md_regval_key_depth(const char *s, size_t len);

#endif
