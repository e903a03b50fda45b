/*
 * The HTML report: one self-contained file a support engineer can hand to
 * a customer. Everything is inline — the CSS, and SVG for the precedence
 * diagram and the timeline of proxy-related log events — and the page has
 * no script and loads nothing (its Content-Security-Policy forbids it).
 * Per bundle: the header (bundle, host, agent version, rule pack, tool
 * version), the effective proxy, the precedence chain (each source in
 * force, shadowed with the reason, or not set), the findings by severity
 * with evidence excerpts, fixes and references, suppressed findings
 * (always counted; listed with md_render.show_suppressed), the timeline,
 * and the inputs that had problems.
 *
 * Every string taken from a bundle goes through md_redactor_apply
 * (redact.h: passwords masked, and names replaced when md_render.redactor
 * is set) and is HTML-escaped on its way out. Nothing in the output
 * changes from run to run unless md_render.timing asks for the elapsed
 * time.
 *
 * md_write_verdicts_html is the format's md_render_fn (render.h): one
 * page, a section per bundle. The same in steps, for a caller that has
 * one verdict at a time: md_html_begin, md_html_bundle per verdict (free
 * it afterwards), md_html_end. The writer only formats: it decides
 * nothing. One document belongs to one thread.
 */
#ifndef MARSDIAG_HTML_H
#define MARSDIAG_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "marsdiag/engine.h"
#include "marsdiag/render.h"

/* One document being written; fields are the writer's. */
struct md_html {
    FILE *f;
    const struct md_render *r; /* borrowed; must outlive the document */
    size_t nbundles;           /* sections written (their ids: b1, b2…) */
};

/* Start a document on f. title (NULL for "marsdiag report") goes into
 * <title> and is masked like bundle text. */
void md_html_begin(struct md_html *h, FILE *f, const struct md_render *r,
                   const char *title);

/* One bundle's section. */
void md_html_bundle(struct md_html *h, const struct md_verdict *v);

/* Close the document. */
void md_html_end(struct md_html *h);

/* A whole document for the verdicts v[0..nv) (an md_render_fn); with
 * one verdict the page is titled after its host. */
void md_write_verdicts_html(FILE *f, const struct md_verdict *v, size_t nv,
                            const struct md_render *r);

/* The same for one verdict. */
void md_write_verdict_html(FILE *f, const struct md_verdict *v,
                           const struct md_render *r);

#endif
