/*
 * Streaming XML on a locked-down libxml2 (marsdiag/xml.h): SAX2 push
 * parsing, no network, no external entities, no entity substitution,
 * errors as diagnostics. Follows the libxml2 2.9 API (Debian bookworm
 * ships 2.9.14) and OWASP's XXE prevention advice for libxml2.
 */
#include "marsdiag/xml.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/entities.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "parser.h"

/* Bytes handed to xmlParseChunk at once (its size argument is an int). */
#define CHUNK_MAX (1u << 20)
/* Text held back while looking for the first element of a fragment. */
#define PRELUDE_MAX (64u << 10)
/* Entity names kept as written per document (on_entity), and their
 * longest name; past either, a reference is libxml2's fatal error. */
#define KEPT_MAX 64
#define KEPT_NAME_MAX 128

enum wrap_state { WRAP_OFF, WRAP_UNDECIDED, WRAP_ON };

struct open_elem {
    const char *name; /* in the parser's dictionary */
    uint64_t line;
};

struct md_xml {
    xmlParserCtxtPtr px;
    struct md_parse_ctx *ctx;
    const struct md_xml_handlers *h;
    void *user;
    const char *wrap;
    enum wrap_state wrap_state;
    struct md_buf prelude; /* text seen before the wrap decision */
    unsigned depth;        /* open elements, the synthetic one included */
    struct open_elem *open; /* their names and lines, [depth] entries */
    size_t open_cap;
    uint64_t line;         /* where the parse is */
    bool fed;              /* some text was fed */
    bool last_nl;          /* and it ends with '\n' */
    bool failed;           /* libxml2 reported a fatal error */
    bool finishing;        /* in md_xml_finish: hold errors back */
    enum md_status stop;   /* MD_OK, or why the parse stopped */
    char held[256];        /* fatal error met while finishing */
    uint64_t held_line;
    xmlEntityPtr kept[KEPT_MAX]; /* on_entity's stand-ins */
    unsigned nkept;
};

/* ---- once per process ------------------------------------------------ */

static void
silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void
silent_structured(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
}

/* Debian's 2.9.14 still opens file:// entities under XML_PARSE_NONET:
 * nothing outside the text being parsed is ever read. */
static xmlParserInputPtr
deny_loader(const char *url, const char *id, xmlParserCtxtPtr px)
{
    (void)url;
    (void)id;
    (void)px;
    return NULL;
}

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void
xml_init(void)
{
    xmlInitParser();
    xmlSetExternalEntityLoader(deny_loader);
    /* Defaults for threads created from now on; md_xml_new sets the
     * calling thread's own. */
    xmlThrDefSetGenericErrorFunc(NULL, silent);
    xmlThrDefSetStructuredErrorFunc(NULL, silent_structured);
}

/* ---- SAX callbacks --------------------------------------------------- */

static uint64_t
cur_line(const struct md_xml *x)
{
    const xmlParserInputPtr in = x->px->input;
    return in && in->line > 0 ? (uint64_t)in->line : x->line;
}

/* libxml2 calls startElementNs with input->cur at the end of the start
 * tag, so its line is that of the '>'. The tag is still in the buffer
 * (libxml2 never shrinks it while attributes point into it) and cannot
 * contain a raw '<', so the last '<' before cur opens it. */
static void
tag_source(const struct md_xml *x, struct md_xml_elem *e)
{
    const xmlParserInputPtr in = x->px->input;
    e->line = cur_line(x);
    if (!in || !in->cur || !in->base)
        return;
    uint64_t nl = 0;
    const xmlChar *p = in->cur;
    while (p > in->base && *--p != '<')
        nl += *p == '\n';
    if (*p != '<')
        return;
    const xmlChar *gt = in->cur;
    while (gt < in->end && *gt != '>')
        gt++;
    if (gt == in->end)
        return;
    if (nl < e->line)
        e->line -= nl;
    e->raw = (const char *)p;
    e->raw_len = (size_t)(gt + 1 - p);
}

static void
on_start(void *u, const xmlChar *local, const xmlChar *prefix,
         const xmlChar *uri, int nns, const xmlChar **nss, int nattrs,
         int ndefaulted, const xmlChar **attrs)
{
    struct md_xml *x = u;
    (void)prefix;
    (void)nns;
    (void)nss;
    (void)ndefaulted;
    if (x->stop != MD_OK)
        return;
    struct md_xml_elem e = {
        .name = (const char *)local,
        .ns = (const char *)uri,
        .depth = x->depth + 1,
        .x = x,
        .nattrs = nattrs,
        .attrs = (const char *const *)attrs,
    };
    tag_source(x, &e);
    x->ctx->line = x->line = e.line;
    uint64_t max = x->ctx->limits->xml_depth;
    if (e.depth - (x->wrap_state == WRAP_ON) > max) {
        md_parse_diag_at(x->ctx, e.line, MD_GRADE_FAILED, MD_ERR_LIMIT,
                         "xml_depth",
                         "elements nested deeper than limit 'xml_depth' "
                         "(%llu); parsing stopped",
                         (unsigned long long)max);
        md_xml_stop(x, MD_ERR_LIMIT);
        return;
    }
    if (e.depth > x->open_cap) {
        size_t cap = x->open_cap ? 2 * x->open_cap : 16;
        struct open_elem *p = realloc(x->open, cap * sizeof *p);
        if (!p) {
            md_parse_diag(x->ctx, MD_GRADE_FAILED, MD_ERR_NOMEM,
                          "out of memory");
            md_xml_stop(x, MD_ERR_NOMEM);
            return;
        }
        x->open = p;
        x->open_cap = cap;
    }
    /* Counted only once its name is kept: finishing reads open[depth-1]
     * for the "not closed" message, also after a stop in here (a stop
     * during md_xml_finish's last push left that slot unset). */
    x->open[e.depth - 1] = (struct open_elem){e.name, e.line};
    x->depth = e.depth;
    if (x->h->start)
        x->h->start(x->user, &e);
}

static void
on_end(void *u, const xmlChar *local, const xmlChar *prefix,
       const xmlChar *uri)
{
    struct md_xml *x = u;
    (void)prefix;
    (void)uri;
    if (x->stop != MD_OK)
        return;
    x->ctx->line = x->line = cur_line(x);
    if (x->h->end)
        x->h->end(x->user, (const char *)local, x->depth);
    if (x->depth)
        x->depth--;
}

static void
on_text(void *u, const xmlChar *s, int len)
{
    struct md_xml *x = u;
    if (x->stop != MD_OK || len <= 0)
        return;
    x->ctx->line = x->line = cur_line(x);
    if (x->h->text)
        x->h->text(x->user, (const char *)s, (size_t)len);
}

/* Replaces libxml2's own handler, which would build a DTD. */
static void
on_doctype(void *u, const xmlChar *name, const xmlChar *external_id,
           const xmlChar *system_id)
{
    struct md_xml *x = u;
    (void)name;
    (void)external_id;
    (void)system_id;
    md_parse_diag_at(x->ctx, cur_line(x), MD_GRADE_INFO, MD_OK, NULL,
                     "document type declaration ignored: entities are "
                     "neither loaded nor expanded");
}

/*
 * Entities are never stored (no entityDecl), so without this every
 * reference but the five predefined ones would be libxml2's fatal "entity
 * not defined" and the rest of the document would be lost. Instead the
 * reference stands for itself: libxml2 is handed a "predefined" entity
 * whose text is "&name;", which it inlines as characters and never
 * parses. (In an attribute value libxml2 keeps only the first character
 * of a predefined entity, so there the reference becomes "&".)
 */
static xmlEntityPtr
on_entity(void *u, const xmlChar *name)
{
    struct md_xml *x = u;
    /* In the DTD libxml2 asks after each declaration, to hand the
     * entity its raw text: nothing is declared here, so nothing. */
    if (x->px->inSubset)
        return NULL;
    for (unsigned i = 0; i < x->nkept; i++)
        if (xmlStrEqual(x->kept[i]->name, name))
            return x->kept[i];
    size_t n = strlen((const char *)name);
    if (x->nkept == KEPT_MAX || n > KEPT_NAME_MAX)
        return NULL;
    xmlEntityPtr e = calloc(1, sizeof *e + 2 * n + 4);
    if (!e)
        return NULL;
    char *text = (char *)(e + 1), *copy = text + n + 3;
    text[0] = '&';
    memcpy(text + 1, name, n);
    memcpy(text + 1 + n, ";", 2);
    memcpy(copy, name, n + 1);
    e->type = XML_ENTITY_DECL;
    e->etype = XML_INTERNAL_PREDEFINED_ENTITY;
    e->name = (const xmlChar *)copy;
    e->content = (xmlChar *)text;
    e->length = (int)n + 2;
    x->kept[x->nkept++] = e;
    md_parse_diag_at(x->ctx, cur_line(x), MD_GRADE_WARN, MD_OK, NULL,
                     "entity reference '&%s;' left as written: entities "
                     "are never expanded",
                     (const char *)name);
    return e;
}

/* libxml2's message, made git style: no newline, lower-case start. */
static void
clean_message(const char *m, char *out, size_t cap)
{
    size_t n = m ? strlen(m) : 0;
    while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
        n--;
    if (n >= cap)
        n = cap - 1;
    if (n)
        memcpy(out, m, n);
    out[n] = '\0';
    if (n > 1 && out[0] >= 'A' && out[0] <= 'Z' && out[1] >= 'a' &&
        out[1] <= 'z')
        out[0] = (char)(out[0] - 'A' + 'a');
}

static void
on_error(void *u, xmlErrorPtr e)
{
    struct md_xml *x = u;
    if (!e || x->failed)
        return;
    char msg[256];
    clean_message(e->message, msg, sizeof msg);
    uint64_t line = e->line > 0 ? (uint64_t)e->line : x->line;
    if (e->level != XML_ERR_FATAL) {
        if (!x->finishing)
            md_parse_diag_at(x->ctx, line, MD_GRADE_WARN, MD_ERR_SYNTAX,
                             NULL, "xml: %s", msg);
        return;
    }
    x->failed = true;
    if (x->finishing) {
        memcpy(x->held, msg, sizeof x->held);
        x->held[sizeof x->held - 1] = '\0';
        x->held_line = line;
        return;
    }
    md_parse_diag_at(x->ctx, line, MD_GRADE_FAILED, MD_ERR_SYNTAX, NULL,
                     "malformed xml: %s", msg);
}

/* ---- feeding --------------------------------------------------------- */

static void
push(struct md_xml *x, const char *s, size_t len, bool terminate)
{
    if (!len && !terminate)
        return;
    do {
        if (x->failed || x->stop != MD_OK)
            return;
        size_t n = len < CHUNK_MAX ? len : CHUNK_MAX;
        xmlParseChunk(x->px, s, (int)n, terminate && n == len);
        x->line = cur_line(x);
        if (n) {
            s += n;
            len -= n;
        }
    } while (len);
}

/* Offset and name length of the first start tag in s, skipping the XML
 * declaration, processing instructions, comments and <!DOCTYPE>.
 * Returns false when s ends before one is seen. */
static bool
first_element(const char *s, size_t n, size_t *at, size_t *name_len)
{
    size_t i = 0;
    while (i < n) {
        const char *lt = memchr(s + i, '<', n - i);
        if (!lt || (size_t)(lt - s) + 4 > n)
            return false; /* too short to tell a comment from a tag */
        i = (size_t)(lt - s);
        unsigned char c = (unsigned char)s[i + 1];
        const char *close = NULL;
        if (memcmp(lt, "<!--", 4) == 0)
            close = memmem(lt + 4, n - i - 4, "-->", 3);
        else if (c == '?')
            close = memmem(lt + 2, n - i - 2, "?>", 2);
        else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
            break;
        else if (c == '_' || c == ':' || c >= 0x80)
            break;
        else
            close = lt + 1; /* <!DOCTYPE and stray '<': look further */
        if (!close)
            return false;
        i = (size_t)(close - s) + 1;
    }
    if (i >= n)
        return false;
    size_t j = i + 1;
    while (j < n && !strchr(" \t\r\n/>", s[j]))
        j++;
    if (j == n)
        return false;
    *at = i;
    *name_len = j - i - 1;
    return true;
}

static void
decide_wrap(struct md_xml *x, bool final)
{
    const char *s = x->prelude.ptr ? x->prelude.ptr : "";
    size_t n = x->prelude.len, at = 0, name_len = 0;
    bool found = first_element(s, n, &at, &name_len);
    if (!found && !final && n < PRELUDE_MAX)
        return;
    size_t wlen = strlen(x->wrap);
    x->wrap_state = found && !(name_len == wlen &&
                               memcmp(s + at + 1, x->wrap, wlen) == 0)
                        ? WRAP_ON
                        : WRAP_OFF;
    if (x->wrap_state == WRAP_ON) {
        char open[64];
        int olen = snprintf(open, sizeof open, "<%s>", x->wrap);
        push(x, s, at, false);
        push(x, open, (size_t)olen, false);
        push(x, s + at, n - at, false);
    } else {
        push(x, s, n, false);
    }
    md_buf_free(&x->prelude);
}

static enum md_status
status_of(const struct md_xml *x)
{
    if (x->stop != MD_OK)
        return x->stop;
    return x->failed ? MD_ERR_SYNTAX : MD_OK;
}

/* ---- public ---------------------------------------------------------- */

struct md_xml *
md_xml_new(struct md_parse_ctx *ctx, const struct md_xml_handlers *h,
           void *user, const char *wrap)
{
    pthread_once(&xml_once, xml_init);
    xmlSetGenericErrorFunc(NULL, silent);
    xmlSetStructuredErrorFunc(NULL, silent_structured);

    struct md_xml *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->ctx = ctx;
    x->h = h;
    x->user = user;
    x->wrap = wrap && strlen(wrap) < 60 ? wrap : NULL;
    x->wrap_state = x->wrap ? WRAP_UNDECIDED : WRAP_OFF;
    x->prelude = (struct md_buf)MD_BUF_INIT(0);
    x->line = 1;

    /* Only what is needed: no entityDecl or externalSubset, so entities
     * are neither stored nor loaded; getEntity only stands in for them. */
    xmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_text;
    sax.ignorableWhitespace = on_text;
    sax.cdataBlock = on_text;
    sax.internalSubset = on_doctype;
    sax.getEntity = on_entity;
    sax.serror = on_error;
    x->px = xmlCreatePushParserCtxt(&sax, x, NULL, 0, NULL);
    if (!x->px) {
        free(x);
        return NULL;
    }
    /* The text is UTF-8 whatever its declaration says (the pipeline
     * decoded it): IGNORE_ENC makes libxml2 skip encoding="utf-16". */
    xmlCtxtUseOptions(x->px, XML_PARSE_NONET | XML_PARSE_IGNORE_ENC);
    xmlSwitchEncoding(x->px, XML_CHAR_ENCODING_UTF8);
    /* Process-wide defaults another user of libxml2 may have changed. */
    x->px->replaceEntities = 0;
    x->px->loadsubset = 0;
    x->px->validate = 0;
    return x;
}

enum md_status
md_xml_feed(struct md_xml *x, const char *s, size_t len)
{
    if (len) {
        x->fed = true;
        x->last_nl = s[len - 1] == '\n';
    }
    if (x->wrap_state == WRAP_UNDECIDED) {
        if (md_buf_add(&x->prelude, s, len) != MD_OK) {
            md_parse_diag(x->ctx, MD_GRADE_FAILED, MD_ERR_NOMEM,
                          "out of memory");
            md_xml_stop(x, MD_ERR_NOMEM);
        } else {
            decide_wrap(x, false);
        }
        return status_of(x);
    }
    push(x, s, len, false);
    return status_of(x);
}

enum md_status
md_xml_finish(struct md_xml *x)
{
    if (x->wrap_state == WRAP_UNDECIDED)
        decide_wrap(x, true);
    if (x->failed || x->stop != MD_OK)
        return status_of(x);
    /* Errors at the end of the text are usually truncation, which libxml2
     * words as "Extra content at the end of the document" (or, for a
     * fragment, as a mismatch with the synthetic end tag): hold them back
     * and say it plainly when an element is still open. */
    x->finishing = true;
    if (x->wrap_state == WRAP_ON) {
        char close[64];
        int clen = snprintf(close, sizeof close, "</%s>", x->wrap);
        push(x, close, (size_t)clen, false);
    }
    push(x, NULL, 0, true);
    x->finishing = false;
    /* Lines as the pipeline counts them: a final newline ends the last
     * line, it does not start another. */
    uint64_t nlines = x->line - (x->last_nl && x->line > 1);
    if (x->fed && nlines > x->ctx->input->lines)
        x->ctx->input->lines = nlines;
    if (x->stop != MD_OK) /* said by the handler that stopped */
        return status_of(x);
    unsigned open = x->depth;
    if (x->wrap_state == WRAP_ON && open)
        open--;
    if (open) {
        const struct open_elem *in = &x->open[x->depth - 1];
        md_parse_diag_at(x->ctx, x->line, MD_GRADE_FAILED, MD_ERR_TRUNCATED,
                         NULL,
                         "unexpected end of data: element '%s' (line %llu) "
                         "is not closed",
                         in->name, (unsigned long long)in->line);
        x->failed = true;
        return MD_ERR_TRUNCATED;
    }
    if (x->failed)
        md_parse_diag_at(x->ctx, x->held_line, MD_GRADE_FAILED,
                         MD_ERR_SYNTAX, NULL, "malformed xml: %s", x->held);
    return status_of(x);
}

void
md_xml_stop(struct md_xml *x, enum md_status st)
{
    if (x->stop == MD_OK)
        x->stop = st != MD_OK ? st : MD_ERR_SYNTAX;
    xmlStopParser(x->px);
}

void
md_xml_free(struct md_xml *x)
{
    if (!x)
        return;
    if (x->px) {
        /* For "expat compatibility" libxml2 keeps entity declarations in
         * a document of its own even in SAX mode (never looked up, since
         * getEntity is not set); it is ours to free. */
        if (x->px->myDoc)
            xmlFreeDoc(x->px->myDoc);
        xmlFreeParserCtxt(x->px);
    }
    md_buf_free(&x->prelude);
    for (unsigned i = 0; i < x->nkept; i++) {
        xmlFree(x->kept[i]->orig); /* libxml2 may have handed it one */
        free(x->kept[i]);
    }
    free(x->open);
    free(x);
}

bool
md_xml_attr(const struct md_xml_elem *e, const char *name,
            struct md_slice *value)
{
    for (int i = 0; i < e->nattrs; i++) {
        const char *const *a = e->attrs + 5 * i;
        if (!a[0] || md_strcasecmp(a[0], name) != 0)
            continue;
        const char *v = a[3];
        size_t len = (size_t)(a[4] - a[3]);
        /* Without entity substitution libxml2 keeps '&' as "&#38;". */
        if (!memchr(v, '&', len)) {
            *value = md_slice_of(v, len);
            return true;
        }
        char *out = md_arena_alloc(e->x->ctx->scratch, len + 1);
        if (!out)
            return false;
        size_t o = 0;
        for (size_t k = 0; k < len; k++) {
            out[o++] = v[k];
            if (v[k] == '&' && len - k >= 5 && memcmp(v + k, "&#38;", 5) == 0)
                k += 4;
        }
        out[o] = '\0';
        *value = md_slice_of(out, o);
        return true;
    }
    return false;
}
