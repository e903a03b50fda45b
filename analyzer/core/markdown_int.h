/*
 * Inside the Markdown writers: the pieces of the scan report (markdown.c)
 * that the review and diff reports (review_md.c) are made of, so that
 * they escape, mask and lay out findings alike.
 */
#ifndef MARSDIAG_MARKDOWN_INT_H
#define MARSDIAG_MARKDOWN_INT_H

#include <stddef.h>
#include <stdio.h>

#include "marsdiag/engine.h"
#include "marsdiag/render.h"

/* Where a string lands: prose, an inline code span, a code span in a
 * table cell, a fenced block (cut at 500 bytes). */
enum md_md_how { MD_MD_TEXT, MD_MD_CODE, MD_MD_CELL_CODE, MD_MD_BLOCK };

/* s[0..len) from a bundle or a change file: through md_redactor_apply
 * with r->redactor, then escaped for where it lands (nothing when memory
 * ran out). */
void md_md_redacted(FILE *f, const struct md_render *r, enum md_md_how how,
                    const char *s, size_t len);

/* One finding: "#### severity RULE: title (subject)", the message, the
 * evidence (path:line, key, excerpt), the fix and the references. */
void md_md_finding(FILE *f, const struct md_render *r,
                   const struct md_verdict_finding *v);

/* The table of the sources that are set but not used, with why (nothing
 * when there are none). */
void md_md_shadowed(FILE *f, const struct md_render *r,
                    const struct md_fact *root);

#endif
