/*
 * A small streaming JSON writer (RFC 8259) for reports.
 *
 * It writes as it goes, so a report with millions of records needs no
 * memory for them. Commas and (when pretty) indentation are automatic.
 * Strings are escaped; bytes that are not valid UTF-8 are kept visible as
 * the six characters \\xNN (a backslash in the decoded string), so the
 * output is always valid UTF-8 JSON and nothing is lost.
 */
#ifndef MARSDIAG_JSON_H
#define MARSDIAG_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define MD_JSON_MAX_DEPTH 32

struct md_json {
    FILE *f;
    bool pretty;
    int depth;
    bool need_comma[MD_JSON_MAX_DEPTH];
    bool after_key;
};

void md_json_init(struct md_json *j, FILE *f, bool pretty);
void md_json_obj(struct md_json *j);  /* { */
void md_json_end_obj(struct md_json *j);
void md_json_arr(struct md_json *j);  /* [ */
void md_json_end_arr(struct md_json *j);
void md_json_key(struct md_json *j, const char *key);
void md_json_str(struct md_json *j, const char *s, size_t len);
void md_json_strz(struct md_json *j, const char *s); /* NULL -> null */
void md_json_int(struct md_json *j, int64_t v);
void md_json_uint(struct md_json *j, uint64_t v);
void md_json_bool(struct md_json *j, bool v);
void md_json_null(struct md_json *j);
/* Write s escaped as a JSON string body (no quotes) to f. */
void md_json_escape(FILE *f, const char *s, size_t len);

#endif
