/*
 * Writers of a bundle's verdict (engine.h): the JSON report (schema
 * marsdiag.report/1, DESIGN §3) and the text a support engineer reads.
 * Every string taken from a capture goes through md_redactor_apply
 * (redact.h) with the render's redactor on its way out, so a password
 * never reaches the output, whatever a parser let by, and --redact strict
 * replaces names in every one of them.
 */
#ifndef MARSDIAG_VERDICT_H
#define MARSDIAG_VERDICT_H

#include <stdbool.h>
#include <stdio.h>

#include "marsdiag/engine.h"
#include "marsdiag/json.h"
#include "marsdiag/render.h"

/* One report object; its stats.elapsed_ms is v->elapsed_ms when
 * r->timing. */
void md_write_verdict_json(struct md_json *j, const struct md_verdict *v,
                           const struct md_render *r);

/* The text report: effective proxy and chain, findings by severity with
 * file:line evidence and the fix, then the inputs that had problems. */
void md_write_verdict_text(FILE *f, const struct md_verdict *v,
                           const struct md_render *r);

/* The formats "json" and "text" as md_render_fn (render.h): JSON is one
 * report, or an array of them when nv != 1, and a final newline; text is
 * one report after the other, each followed by its inputs (report.h)
 * when r->inputs. */
void md_write_verdicts_json(FILE *f, const struct md_verdict *v, size_t nv,
                            const struct md_render *r);
void md_write_verdicts_text(FILE *f, const struct md_verdict *v, size_t nv,
                            const struct md_render *r);

/* Pieces of the report for other reports (review.h): one finding as a
 * JSON object; one finding as text (severity, rule, message, evidence,
 * fix); the "Effective proxy:" line and what it shadows. */
void md_write_finding_json(struct md_json *j,
                           const struct md_verdict_finding *f,
                           const struct md_redactor *rd);
void md_write_finding_text(FILE *f, const struct md_verdict_finding *v,
                           const struct md_render *r);
void md_write_effective_text(FILE *f, const struct md_verdict *v,
                             const struct md_render *r);

/* A fact subtree as JSON, strings through md_redactor_apply with rd
 * (NULL: passwords masked only). */
void md_write_fact_json(struct md_json *j, const struct md_fact *f,
                        const struct md_redactor *rd);

/* One evidence record as a finding cites it: provenance, kind and the
 * redacted excerpt, no fields (md_write_evidence_json, report.h, is the
 * whole record of 'facts'). */
void md_write_evidence_ref_json(struct md_json *j,
                                const struct md_evidence *ev,
                                const struct md_redactor *rd);

#endif
