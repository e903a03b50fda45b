/*
 * Fuzz target for redaction (redact.h): any bytes as a record's text and
 * fields, learnt by a strict redactor (numbered and keyed), then applied
 * with each and without one; the bytes, when they are JSON, also learnt
 * as a report (md_redactor_add_report_json, merge --redact strict). The
 * output must never hold the text's password spans; here the sanitizers
 * look for memory errors in the scanner and the hex pass.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "marsdiag/evidence.h"
#include "marsdiag/jsonread.h"
#include "marsdiag/redact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct md_evidence ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = "fuzz";
    ev.text = s;
    ev.text_len = size;
    /* The first line is also a proxy server setting and a user. */
    size_t line = 0;
    while (line < size && s[line] != '\n')
        line++;
    ev.fields[0] = (struct md_field){"server", MD_V_STR, 0, s, line};
    ev.fields[1] = (struct md_field){"user", MD_V_STR, 0, s, line};
    ev.fields[2] = (struct md_field){"bypass", MD_V_STR, 0, s, size};
    ev.nfields = 3;
    struct md_redactor *r = md_redactor_new();
    struct md_redactor *k = md_redactor_new_keyed("fuzz key", 8);
    if (r)
        md_redactor_add_evidence(r, &ev);
    if (k)
        md_redactor_add_evidence(k, &ev);
    size_t n;
    free(md_redactor_apply(NULL, s, size, &n));
    free(md_redactor_apply(r, s, size, &n));
    free(md_redactor_apply(k, s, size, &n));
    struct md_arena a = MD_ARENA_INIT;
    char err[64];
    const struct md_jval *doc = md_jread(&a, s, size, err, sizeof err);
    struct md_redactor *j = doc ? md_redactor_new_like(k) : NULL;
    if (j) {
        md_redactor_add_report_json(j, doc);
        free(md_redactor_apply(j, s, size, &n));
    }
    md_redactor_free(j);
    md_arena_free(&a);
    md_redactor_free(r);
    md_redactor_free(k);
    return 0;
}
