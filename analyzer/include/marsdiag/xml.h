/*
 * Streaming XML for parsers, on a libxml2 set up so that hostile input
 * cannot reach the network, the file system, or unbounded memory.
 *
 * A parser that reads XML (dotnetcfg, evtxml) creates one struct md_xml in
 * .begin, feeds it every .chunk (UTF-8 text cut anywhere) and finishes it
 * in .end. Elements, attributes and text come back through callbacks as
 * they are parsed (libxml2's SAX2 push interface); no tree is built, so
 * memory stays small whatever the size of the file.
 *
 * The setup, done once per process (libxml2 is initialised with
 * pthread_once): no network (XML_PARSE_NONET); an external entity loader
 * that refuses everything; no DTD loading, no entity substitution, no
 * XML_PARSE_HUGE. Declared entities are never looked up (no getEntity
 * handler), so a reference to one is an "entity not defined" error and
 * entity bombs ("billion laughs") cost nothing; a DOCTYPE is an info
 * diagnostic. Only the five predefined entities and character references
 * are resolved. The text is read as UTF-8 whatever the XML declaration
 * says (the pipeline has already decoded UTF-16). libxml2 never prints:
 * its errors become diagnostics on the input, with their line.
 *
 * Limits: element depth 'xml_depth' (parsing stops with a diagnostic);
 * libxml2's own caps (10 MB for one text node or attribute value, 256
 * nesting levels) apply as well since XML_PARSE_HUGE is never set.
 *
 * Fragments: with wrap set to a name ("Events"), a text whose first element
 * is not called wrap is parsed as if it were enclosed in <wrap>...</wrap>,
 * so a bare sequence of elements (wevtutil qe /f:xml) is a document. The
 * synthetic element is seen by the callbacks like a real one (depth 1), it
 * shifts no line number and does not count against 'xml_depth'.
 *
 * Thread safety: an md_xml belongs to one thread; any number may exist at
 * once in different threads.
 */
#ifndef MARSDIAG_XML_H
#define MARSDIAG_XML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "marsdiag/buf.h"
#include "marsdiag/status.h"

struct md_parse_ctx;
struct md_xml;

/* An element start, valid only during the callback. */
struct md_xml_elem {
    const char *name; /* local name (no prefix) */
    const char *ns;   /* namespace URI, or NULL */
    unsigned depth;   /* 1 for the root */
    uint64_t line;    /* line of its '<' */
    const char *raw;  /* the start tag as written, '<' to '>' */
    size_t raw_len;   /* 0 when the source is no longer at hand */
    /* private */
    struct md_xml *x;
    int nattrs;
    const char *const *attrs;
};

struct md_xml_handlers {
    void (*start)(void *user, const struct md_xml_elem *e);
    /* depth is the closing element's (the same as at its start) */
    void (*end)(void *user, const char *name, unsigned depth);
    /* Character data (CDATA included), in pieces of any size. */
    void (*text)(void *user, const char *s, size_t len);
};

/*
 * Start parsing for ctx's input. h and user are borrowed until
 * md_xml_free(); wrap is a static string or NULL. Returns NULL on ENOMEM.
 * ctx->line follows the parse: it is the line of the element during
 * start, the current line during end and text.
 */
struct md_xml *md_xml_new(struct md_parse_ctx *ctx,
                          const struct md_xml_handlers *h, void *user,
                          const char *wrap);

/* Parse the next piece of text. Returns MD_OK, or the status that stopped
 * the parse (MD_ERR_SYNTAX for malformed XML, or what md_xml_stop set);
 * the diagnostic has been made. */
enum md_status md_xml_feed(struct md_xml *x, const char *s, size_t len);

/* End of the text: check the document is complete (an unclosed element is
 * reported as truncation). Returns as md_xml_feed. */
enum md_status md_xml_finish(struct md_xml *x);

/* From a callback: stop parsing with status st (report why first). */
void md_xml_stop(struct md_xml *x, enum md_status st);

void md_xml_free(struct md_xml *x); /* NULL is fine */

/*
 * Value of attribute name on e, name matched ASCII case-insensitively
 * (.NET configuration attributes are). Character and entity references
 * are already resolved. The slice is valid until the callback returns.
 */
bool md_xml_attr(const struct md_xml_elem *e, const char *name,
                 struct md_slice *value);

#endif
