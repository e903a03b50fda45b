/*
 * Report writers: evidence records, inputs and bundles as JSON or text.
 *
 * The JSON shapes are contracts (DESIGN §3, docs/evidence.md): keys may be
 * added, never renamed. Writers only format what they are given; they
 * never decide anything. Output goes to the FILE the caller passes.
 */
#ifndef MARSDIAG_REPORT_H
#define MARSDIAG_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "marsdiag/evidence.h"
#include "marsdiag/json.h"
#include "marsdiag/render.h"
#include "marsdiag/scan.h"

#define MD_FACTS_SCHEMA "marsdiag.facts/1"
#define MD_REPORT_SCHEMA "marsdiag.report/1"

/* A string from a capture, with passwords masked (md_redact): every
 * writer puts captured text through this, whatever the parser did. */
void md_json_masked(struct md_json *j, const char *s, size_t len);

/* An evidence record's provenance keys (path, line, key, value, xpath)
 * into the current object. Here and below, strings from the bundle go
 * through md_redactor_apply with rd (redact.h; NULL: passwords masked). */
void md_write_provenance_json(struct md_json *j, const struct md_evidence *ev,
                              const struct md_redactor *rd);

/* One evidence record as a JSON object. */
void md_write_evidence_json(struct md_json *j, const struct md_evidence *ev,
                            const struct md_redactor *rd);

/* The "tool" object. */
void md_write_tool_json(struct md_json *j);
/* ...saying, with rd, how the document is redacted (md_json_redaction). */
void md_write_tool_redacted_json(struct md_json *j,
                                 const struct md_redactor *rd);

/* The "inputs" array of a bundle. */
void md_write_inputs_json(struct md_json *j, const struct md_bundle *b,
                          const struct md_redactor *rd);

/* The "stats" object; elapsed_ms < 0 leaves it out (golden outputs). */
void md_write_stats_json(struct md_json *j, const struct md_bundle *b,
                         long long elapsed_ms);

/* Every input of a bundle as text for a person, problems first (uses
 * r->color and r->redactor). */
void md_write_report_text(FILE *f, const struct md_bundle *b,
                          const struct md_render *r);

#endif
