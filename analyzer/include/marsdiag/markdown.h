/*
 * The Markdown report (GitHub Flavored Markdown), to paste into a ticket:
 * per bundle the header (bundle, host, agent, rule pack), the effective
 * proxy, the shadowed sources with the reason each is ignored, the
 * findings by severity (severity, rule, title, message, evidence as
 * `path:line` with the excerpt in a code block, the fix, references),
 * then the inputs that had problems (every input with r->inputs).
 * Suppressed findings are counted, and listed with r->show_suppressed.
 *
 * Text from a bundle goes through md_redactor_apply, then is escaped for
 * where it lands: backslash escapes in prose, code spans and fences one
 * backtick longer than any run inside, '|' escaped in table cells (GFM
 * wants it even inside code spans there).
 */
#ifndef MARSDIAG_MARKDOWN_H
#define MARSDIAG_MARKDOWN_H

#include <stddef.h>
#include <stdio.h>

#include "marsdiag/engine.h"
#include "marsdiag/render.h"

/* The format "md" (an md_render_fn): bundles one after the other,
 * separated by a thematic break. */
void md_write_verdicts_md(FILE *f, const struct md_verdict *v, size_t nv,
                          const struct md_render *r);

/* Markdown escaping, exposed for tests. Each writes s[0..len) to f.
 * Prose: ASCII punctuation that Markdown reads ("\`*_[]<>|&~") gets a
 * backslash; a line-starting '#', '+', '-' or "1." too. */
void md_md_text(FILE *f, const char *s, size_t len);
/* An inline code span; newlines become spaces; in_table escapes '|'. */
void md_md_code(FILE *f, const char *s, size_t len, int in_table);
/* A fenced code block, ending with a newline. */
void md_md_block(FILE *f, const char *s, size_t len);

#endif
