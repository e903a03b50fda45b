/*
 * Evidence records: what parsers found, with where they found it.
 *
 * A record has a kind ("reg.value", "log.record", "agent.proxy", ...; the
 * vocabulary is docs/evidence.md), its provenance (the input, a line, and
 * where it applies a registry key and value name or an XML path), a source
 * excerpt with secrets already masked, and up to MD_EV_MAX_FIELDS typed
 * fields.
 *
 * Records are handed to a callback (md_evidence_fn) as they are made. All
 * pointers in a record are borrowed and valid only during the callback; a
 * consumer that keeps a record copies it with md_evidence_copy().
 *
 * Secrets: a field of type MD_V_SECRET records that a secret is present and
 * its length, never its value; md_redact() masks passwords in source
 * excerpts before they reach a record.
 */
#ifndef MARSDIAG_EVIDENCE_H
#define MARSDIAG_EVIDENCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "marsdiag/arena.h"
#include "marsdiag/diag.h"

#define MD_EV_MAX_FIELDS 16

enum md_vtype {
    MD_V_NULL = 0,
    MD_V_STR,    /* s, len: text (UTF-8, possibly with invalid bytes kept) */
    MD_V_INT,    /* i */
    MD_V_BOOL,   /* i is 0 or 1 */
    MD_V_SECRET, /* a secret is present; len is its length, s is NULL */
};

struct md_field {
    const char *name;
    enum md_vtype type;
    int64_t i;
    const char *s;
    size_t len;
};

struct md_evidence {
    const char *kind;
    const struct md_input *input; /* bundle path and member path */
    uint64_t line;                /* 1-based, 0 when not line-based */
    const char *key;              /* registry key, or NULL */
    const char *name;             /* registry value / setting name, or NULL */
    const char *xpath;            /* XML element path, or NULL */
    const char *text;             /* redacted source excerpt, or NULL */
    size_t text_len;
    size_t nfields;
    struct md_field fields[MD_EV_MAX_FIELDS];
};

typedef void (*md_evidence_fn)(void *user, const struct md_evidence *ev);

/* Field accessors; NULL when the record has no field of that name. */
const struct md_field *md_ev_field(const struct md_evidence *ev,
                                   const char *name);

/* Deep copy of ev (strings included) into arena a; NULL on ENOMEM. */
struct md_evidence *md_evidence_copy(struct md_arena *a,
                                     const struct md_evidence *ev);

/*
 * Copy s[0..len) into out (capacity at least len + 1) with passwords
 * masked by asterisks, at most eight (so only lengths under eight show):
 * the argument after /pw, -ProxyPassword,
 * -Password; the value of ProxyPassword-like names in "name"="value",
 * name=value and "name": "value" forms; the password of user:pass@host
 * URLs. Returns the length written. Pure function; thread safe.
 */
size_t md_redact(const char *s, size_t len, char *out);

/*
 * Make bundle text safe to print on a terminal, in place: control
 * characters (C0 but TAB, DEL, and C1 as UTF-8) become '?', so that a
 * member name or log line cannot move the cursor, retitle the window or
 * start a fake report line. Used by the text writers; JSON escapes
 * instead.
 */
void md_text_scrub(char *s, size_t len);

/* Bytes at s[i] (of len) that make one control character a terminal
 * would act on (C0 but tab and line breaks, DEL, C1 in UTF-8), or 0: for
 * writers that escape as they write (Markdown, the fleet summaries) and
 * show such a character as '?', as md_text_scrub does. */
size_t md_control_at(const char *s, size_t len, size_t i);

#endif
