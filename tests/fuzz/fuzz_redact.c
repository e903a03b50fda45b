/*
 * Fuzz target for redaction (redact.h): any bytes as a record's text and
 * fields, learnt by a strict redactor, then applied with it and without
 * one. The output must never hold the text's password spans; here the
 * sanitizers look for memory errors in the scanner and the hex pass.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "marsdiag/evidence.h"
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
    if (r)
        md_redactor_add_evidence(r, &ev);
    size_t n;
    free(md_redactor_apply(NULL, s, size, &n));
    free(md_redactor_apply(r, s, size, &n));
    md_redactor_free(r);
    return 0;
}
