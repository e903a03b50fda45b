/*
 * Inside the HTML writers: the pieces of the scan page (html.c) that the
 * review and diff pages (review_html.c) are made of, so that every page
 * has the same head (Content-Security-Policy default-src 'none', inline
 * CSS, no script), the same gate for bundle text (md_redactor_apply, then
 * HTML escaping) and the same effective proxy, precedence diagram and
 * findings.
 */
#ifndef MARSDIAG_HTML_INT_H
#define MARSDIAG_HTML_INT_H

#include <stddef.h>
#include <stdio.h>

#include "marsdiag/engine.h"
#include "marsdiag/fact.h"
#include "marsdiag/html.h"

/* Start a page as md_html_begin does, with its own h1 heading and the
 * sentence under it (tool text), and extra_css (may be NULL) after the
 * style sheet. Close it with md_html_end. */
void md_html_page(struct md_html *h, FILE *f, const struct md_render *r,
                  const char *title, const char *heading, const char *intro,
                  const char *extra_css);

/* Tool text (rule ids, titles, fixed words), HTML-escaped. */
void md_html_esc(FILE *f, const char *s);

/* Bundle or change text: masked (md_redactor_apply with the page's
 * redactor), then escaped — the only way such text reaches the page. */
void md_html_text(const struct md_html *h, const char *s, size_t len);

/* A scalar fact as bundle text; "—" when missing. */
void md_html_fact(const struct md_html *h, const struct md_fact *f);

/* The sections of one state of a server, numbered n (their ids are
 * "b<n>-proxy", "b<n>-chain"): the effective proxy, and the precedence
 * chain as a diagram and a table. */
void md_html_proxy(const struct md_html *h, size_t n,
                   const struct md_fact *root);
void md_html_chain(const struct md_html *h, size_t n,
                   const struct md_fact *root);

/* One finding as an item of an <ol class="findings">, id "b<n>-f<idx>". */
void md_html_finding(const struct md_html *h, size_t n,
                     const struct md_verdict_finding *f, size_t idx);

#endif
