/*
 * Tests of the safe libxml2 setup (marsdiag/xml.h): external entities are
 * never loaded, entity bombs cost nothing, the XML declaration's encoding
 * is ignored, depth is limited, libxml2 prints nothing, line numbers are
 * those of the start tags, and the result does not depend on where the
 * text is cut into chunks.
 */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "marsdiag/xml.h"
#include "testutil.h"

extern const struct md_parser md_parser_dotnetcfg;
extern const struct md_parser md_parser_evtxml;

/* ---- a probe parser: every element, attribute and text as a record --- */

struct probe {
    struct md_parse_ctx *ctx;
    struct md_xml *x;
};

static void
probe_start(void *user, const struct md_xml_elem *e)
{
    struct probe *p = user;
    struct md_evidence *ev = md_ev_new(p->ctx, "xml.elem");
    md_ev_strz(ev, "name", e->name);
    md_ev_int(ev, "depth", e->depth);
    md_ev_text(p->ctx, ev, e->raw, e->raw_len);
    ev->line = e->line;
    for (int i = 0; i < e->nattrs; i++) {
        struct md_slice v;
        const char *name = e->attrs[5 * i];
        if (md_xml_attr(e, name, &v))
            md_ev_str(ev, name, v.ptr, v.len);
    }
    md_ev_emit(p->ctx, ev);
}

static void
probe_text(void *user, const char *s, size_t len)
{
    struct probe *p = user;
    struct md_evidence *ev = md_ev_new(p->ctx, "xml.text");
    md_ev_str(ev, "text", s, len);
    md_ev_emit(p->ctx, ev);
}

static const struct md_xml_handlers probe_handlers = {
    .start = probe_start,
    .text = probe_text,
};

static enum md_status
probe_begin_wrap(struct md_parse_ctx *ctx, void *state, const char *wrap)
{
    struct probe *p = state;
    p->ctx = ctx;
    p->x = md_xml_new(ctx, &probe_handlers, p, wrap);
    return p->x ? MD_OK : MD_ERR_NOMEM;
}

static enum md_status
probe_begin(struct md_parse_ctx *ctx, void *state)
{
    return probe_begin_wrap(ctx, state, NULL);
}

static enum md_status
probe_begin_events(struct md_parse_ctx *ctx, void *state)
{
    return probe_begin_wrap(ctx, state, "Events");
}

static enum md_status
probe_chunk(struct md_parse_ctx *ctx, void *state, const char *s, size_t len)
{
    struct probe *p = state;
    return md_xml_feed(p->x, s, len);
}

static enum md_status
probe_end(struct md_parse_ctx *ctx, void *state)
{
    struct probe *p = state;
    enum md_status st = md_xml_finish(p->x);
    md_xml_free(p->x);
    return st;
}

static int
probe_bid(const struct md_sniff *s)
{
    return 0;
}

static const struct md_parser probe = {
    .name = "probe",
    .bid = probe_bid,
    .state_size = sizeof(struct probe),
    .begin = probe_begin,
    .chunk = probe_chunk,
    .end = probe_end,
};

static const struct md_parser probe_events = {
    .name = "probe",
    .bid = probe_bid,
    .state_size = sizeof(struct probe),
    .begin = probe_begin_events,
    .chunk = probe_chunk,
    .end = probe_end,
};

/* ---- helpers --------------------------------------------------------- */

static void
parse_str(struct tu_run *r, const struct md_parser *p, const char *text)
{
    tu_parse(r, p, "t.xml", text, strlen(text));
}

/* Does any string field, or excerpt, of any record contain needle? */
static bool
any_record_has(const struct tu_run *r, const char *needle)
{
    for (size_t i = 0; i < r->nev; i++) {
        const struct md_evidence *ev = r->ev[i];
        struct md_slice n = md_slice_of(needle, strlen(needle));
        if (ev->text && md_slice_ifind(md_slice_of(ev->text, ev->text_len),
                                       needle) >= 0)
            return true;
        for (size_t k = 0; k < ev->nfields; k++) {
            const struct md_field *f = &ev->fields[k];
            if (f->type == MD_V_STR && f->len >= n.len &&
                md_slice_ifind(md_slice_of(f->s, f->len), needle) >= 0)
                return true;
        }
    }
    return false;
}

static const struct md_diag *
first_diag(const struct tu_run *r, enum md_grade g)
{
    for (const struct md_input *in = r->b.inputs; in; in = in->next)
        for (const struct md_diag *d = in->diags; d; d = d->next)
            if (d->grade >= g)
                return d;
    return NULL;
}

static bool
has_diag(const struct tu_run *r, const char *text)
{
    for (const struct md_input *in = r->b.inputs; in; in = in->next)
        for (const struct md_diag *d = in->diags; d; d = d->next)
            if (strstr(d->msg, text))
                return true;
    return false;
}

/* Run fn with stderr sent to a temporary file; returns the bytes written
 * there (libxml2 must write none). */
static long
stderr_bytes_during(void (*fn)(void))
{
    fflush(stderr);
    FILE *tmp = tmpfile();
    if (!tmp)
        return -1;
    int saved = dup(2);
    dup2(fileno(tmp), 2);
    fn();
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    long n = ftell(tmp) >= 0 ? (fseek(tmp, 0, SEEK_END), ftell(tmp)) : -1;
    fclose(tmp);
    return n;
}

/* ---- external entities ---------------------------------------------- */

static const char xxe_doc[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE configuration SYSTEM \"file:///etc/passwd\" [\n"
    "  <!ENTITY xxe SYSTEM \"file:///etc/passwd\">\n"
    "]>\n"
    "<configuration a=\"&xxe;\">\n"
    "  <system.net><defaultProxy>\n"
    "    <proxy proxyaddress=\"&xxe;\" />\n"
    "  </defaultProxy></system.net>&xxe;\n"
    "</configuration>\n";

static const char xxe_pe_doc[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE configuration [\n"
    "  <!ENTITY % pe SYSTEM \"file:///etc/passwd\">\n"
    "  %pe;\n"
    "]>\n"
    "<configuration>&pe;</configuration>\n";

static void
test_external_entity_not_loaded(void)
{
    const struct md_parser *ps[] = {&probe, &md_parser_dotnetcfg};
    const char *docs[] = {xxe_doc, xxe_pe_doc};
    for (size_t i = 0; i < 2; i++) {
        for (size_t k = 0; k < 2; k++) {
            struct tu_run r;
            parse_str(&r, ps[i], docs[k]);
            CHECK(!any_record_has(&r, "root:"));
            CHECK(!any_record_has(&r, "/bin/"));
            CHECK(!any_record_has(&r, "nologin"));
            tu_free(&r);
        }
    }
    /* The first document is otherwise well-formed: its records are
     * there; in an attribute the reference is left as "&" (libxml2 keeps
     * one character of it), in text as written. */
    struct tu_run r;
    parse_str(&r, &md_parser_dotnetcfg, xxe_doc);
    const struct md_evidence *ev = tu_find(&r, "dotnet.proxy", 0);
    CHECK(ev != NULL);
    if (ev)
        CHECK_STR(tu_str(&r, ev, "proxyaddress"), "&");
    tu_free(&r);
    parse_str(&r, &probe, xxe_doc);
    CHECK(any_record_has(&r, "&xxe;"));
    tu_free(&r);
}

/* A declaration is not a reference: only references in the document
 * are kept as written and warned about. (libxml2 asks getEntity after
 * each declaration and hands the entity its raw text, which leaked.) */
static void
test_declared_entity_not_reported(void)
{
    static const char doc[] = "<?xml version=\"1.0\"?>\n"
                              "<!DOCTYPE configuration [\n"
                              "  <!ENTITY unused \"x\">\n"
                              "  <!ENTITY used \"y\">\n"
                              "]>\n"
                              "<configuration>&used;</configuration>\n";
    struct tu_run r;
    parse_str(&r, &probe, doc);
    CHECK(!has_diag(&r, "&unused;"));
    CHECK(has_diag(&r, "entity reference '&used;' left as written"));
    CHECK(any_record_has(&r, "&used;"));
    tu_free(&r);
}

/* ---- entity bombs ---------------------------------------------------- */

/* Ten levels of ten references each (10^10 "lol"s if expanded), and the
 * bomb referenced a thousand times. */
static char *
billion_laughs(void)
{
    struct md_buf b = MD_BUF_INIT(0);
    md_buf_adds(&b, "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
                    " <!ENTITY lol0 \"lol\">\n");
    for (int i = 1; i <= 10; i++) {
        md_buf_printf(&b, " <!ENTITY lol%d \"", i);
        for (int k = 0; k < 10; k++)
            md_buf_printf(&b, "&lol%d;", i - 1);
        md_buf_adds(&b, "\">\n");
    }
    md_buf_adds(&b, "]>\n<lolz a=\"&lol10;\">");
    for (int i = 0; i < 1000; i++)
        md_buf_adds(&b, "<l>&lol10;</l>");
    md_buf_adds(&b, "</lolz>\n");
    return b.ptr;
}

static const char bomb_doc[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE lolz [\n"
    " <!ENTITY lol \"lol\">\n"
    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;"
    "&lol1;\">\n"
    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"
    "&lol2;\">\n"
    " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;"
    "&lol3;\">\n"
    " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"
    "&lol4;\">\n"
    " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;"
    "&lol5;\">\n"
    " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"
    "&lol6;\">\n"
    " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;"
    "&lol7;\">\n"
    " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;"
    "&lol8;\">\n"
    "]>\n"
    "<configuration><system.net><defaultProxy enabled=\"&lol9;\">"
    "&lol9;</defaultProxy></system.net></configuration>\n";

static void
test_billion_laughs_bounded(void)
{
    char *gen = billion_laughs();
    const char *docs[] = {bomb_doc, gen};
    for (size_t k = 0; k < 2; k++) {
        const struct md_parser *ps[] = {&probe, &md_parser_dotnetcfg,
                                        &md_parser_evtxml};
        for (size_t i = 0; i < 3; i++) {
            clock_t t0 = clock();
            struct tu_run r;
            parse_str(&r, ps[i], docs[k]);
            double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
            CHECK(secs < 2.0);
            CHECK(!any_record_has(&r, "lollollol"));
            /* Entities are never stored: each reference stands for
             * itself, with a warning, and the document is read on. */
            CHECK(first_diag(&r, MD_GRADE_FAILED) == NULL);
            const struct md_diag *d = first_diag(&r, MD_GRADE_WARN);
            CHECK(d != NULL);
            if (d)
                CHECK(strstr(d->msg, "&lol") != NULL);
            if (ps[i] == &probe)
                CHECK(any_record_has(&r, k ? "&lol10;" : "&lol9;"));
            tu_free(&r);
        }
    }
    free(gen);
}

/* ---- encoding -------------------------------------------------------- */

static void
test_utf16_declaration_ignored(void)
{
    const char *doc =
        "<?xml version=\"1.0\" encoding=\"utf-16\"?>\r\n"
        "<configuration>\r\n"
        "  <system.net>\r\n"
        "    <defaultProxy enabled=\"true\">\r\n"
        "      <proxy proxyaddress=\"http://caf\xc3\xa9.contoso:80\" />\r\n"
        "    </defaultProxy>\r\n"
        "  </system.net>\r\n"
        "</configuration>\r\n";
    size_t len;
    unsigned char *u16 = tu_utf16le(doc, &len, true);
    struct tu_run r;
    tu_parse(&r, &md_parser_dotnetcfg, "CBEngine.exe.config", u16, len);
    CHECK_INT(tu_ndiags(&r, MD_GRADE_INFO), 0);
    const struct md_evidence *ev = tu_find(&r, "dotnet.proxy", 0);
    CHECK(ev != NULL);
    if (ev) {
        CHECK_INT(ev->line, 4);
        CHECK_STR(tu_str(&r, ev, "proxyaddress"),
                  "http://caf\xc3\xa9.contoso:80");
    }
    tu_free(&r);
    free(u16);

    /* UTF-16 without BOM, and a declaration naming a legacy code page:
     * the text is UTF-8 by then, and stays so. */
    const char *latin =
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n"
        "<a b=\"\xc3\xa9t\xc3\xa9\"/>\n";
    u16 = tu_utf16le(latin, &len, false);
    tu_parse(&r, &probe, "t.xml", u16, len);
    CHECK_INT(tu_ndiags(&r, MD_GRADE_INFO), 0);
    ev = tu_find(&r, "xml.elem", 0);
    CHECK(ev != NULL);
    if (ev)
        CHECK_STR(tu_str(&r, ev, "b"), "\xc3\xa9t\xc3\xa9");
    tu_free(&r);
    free(u16);
}

/* ---- limits, lines, truncation --------------------------------------- */

static void
test_depth_limit(void)
{
    struct md_buf b = MD_BUF_INIT(0);
    for (int i = 0; i < 300; i++)
        md_buf_adds(&b, "<a>\n");
    for (int i = 0; i < 300; i++)
        md_buf_adds(&b, "</a>");
    struct tu_run r;
    tu_parse(&r, &probe, "deep.xml", b.ptr, b.len);
    CHECK(has_diag(&r, "'xml_depth' (256)"));
    CHECK_INT(tu_count(&r, "xml.elem"), 256);
    const struct md_diag *d = first_diag(&r, MD_GRADE_FAILED);
    CHECK(d && d->limit && strcmp(d->limit, "xml_depth") == 0);
    if (d)
        CHECK_INT(d->line, 257);
    tu_free(&r);

    /* A lower limit, and the synthetic root of a fragment not counted. */
    struct md_scan_opts o = {0};
    md_limits_default(&o.limits);
    o.limits.xml_depth = 3;
    struct md_bundle bb;
    md_bundle_init(&bb, "x");
    const char *ok = "<a><b><c/></b></a>";
    md_parse_memory(&bb, &probe_events, "t.xml", ok, strlen(ok), 0, &o);
    CHECK(!bb.inputs->has_diag);
    md_bundle_free(&bb);
    md_bundle_init(&bb, "x");
    const char *deep = "<a><b><c><d/></c></b></a>";
    md_parse_memory(&bb, &probe, "t.xml", deep, strlen(deep), 0, &o);
    CHECK(bb.inputs->has_diag && bb.inputs->diags->limit);
    md_bundle_free(&bb);
    md_buf_free(&b);
}

static void
test_lines_of_start_tags(void)
{
    const char *doc = "<?xml version=\"1.0\"?>\r\n"
                      "<root>\r\n"
                      "  <a\r\n"
                      "     x=\"1\"\r\n"
                      "     y=\"2\" />\r\n"
                      "  <b>t</b><c\n/>\n"
                      "</root>";
    struct tu_run r;
    parse_str(&r, &probe, doc);
    const struct md_evidence *a = tu_find_str(&r, "xml.elem", "name", "a");
    const struct md_evidence *b = tu_find_str(&r, "xml.elem", "name", "b");
    const struct md_evidence *c = tu_find_str(&r, "xml.elem", "name", "c");
    CHECK(a && b && c);
    if (a && b && c) {
        CHECK_INT(a->line, 3);
        CHECK_INT(b->line, 6);
        CHECK_INT(c->line, 6);
        CHECK(a->text && strncmp(a->text, "<a\r\n", 4) == 0);
        CHECK(a->text && a->text[a->text_len - 1] == '>');
        CHECK_STR(tu_str(&r, a, "y"), "2");
    }
    CHECK_INT(tu_ndiags(&r, MD_GRADE_INFO), 0);
    CHECK_INT(r.b.inputs->lines, 8);
    tu_free(&r);
}

static void
test_entities_in_attributes(void)
{
    struct tu_run r;
    parse_str(&r, &probe,
              "<a u=\"http://h/?a=1&amp;b=2&#38;c=&lt;&#x41;&quot;\"/>");
    const struct md_evidence *a = tu_find(&r, "xml.elem", 0);
    CHECK(a != NULL);
    if (a)
        CHECK_STR(tu_str(&r, a, "u"), "http://h/?a=1&b=2&c=<A\"");
    tu_free(&r);
}

static void
test_truncated_and_malformed(void)
{
    struct tu_run r;
    parse_str(&r, &probe, "<a>\n<b x=\"1\">\ntext");
    CHECK(has_diag(&r, "unexpected end of data: element 'b' (line 2) is not closed"));
    const struct md_diag *d = first_diag(&r, MD_GRADE_FAILED);
    CHECK(d && d->code == MD_ERR_TRUNCATED && d->line == 3);
    CHECK(tu_find_str(&r, "xml.elem", "name", "b") != NULL);
    tu_free(&r);

    parse_str(&r, &probe, "<a>\n<b>\n</c>\n</a>");
    d = first_diag(&r, MD_GRADE_FAILED);
    CHECK(d && d->code == MD_ERR_SYNTAX && d->line == 3);
    CHECK(d && strncmp(d->msg, "malformed xml: opening and ending", 33) == 0);
    CHECK(tu_find_str(&r, "xml.elem", "name", "b") != NULL);
    tu_free(&r);

    parse_str(&r, &probe, "");
    CHECK(first_diag(&r, MD_GRADE_FAILED) != NULL);
    tu_free(&r);

    parse_str(&r, &probe, "<a/>\n<b/>");
    CHECK(first_diag(&r, MD_GRADE_FAILED) != NULL);
    tu_free(&r);
}

static void
test_fragment_wrapped(void)
{
    struct tu_run r;
    /* No root: wrapped, lines unchanged. */
    parse_str(&r, &probe_events,
              "<?xml version=\"1.0\"?>\n<!-- <Events> -->\n<Event/>\n"
              "<Event>t</Event>\n");
    CHECK_INT(tu_ndiags(&r, MD_GRADE_INFO), 0);
    CHECK_INT(tu_count(&r, "xml.elem"), 3);
    const struct md_evidence *e0 = tu_find(&r, "xml.elem", 0);
    const struct md_evidence *e2 = tu_find(&r, "xml.elem", 2);
    CHECK(e0 && e2);
    if (e0 && e2) {
        CHECK_STR(tu_str(&r, e0, "name"), "Events");
        CHECK_INT(tu_int(e0, "depth"), 1);
        CHECK_INT(e0->line, 3);
        CHECK_INT(tu_int(e2, "depth"), 2);
        CHECK_INT(e2->line, 4);
    }
    tu_free(&r);
    /* A real <Events> root: not wrapped again. */
    parse_str(&r, &probe_events, "<Events>\n<Event/>\n</Events>");
    CHECK_INT(tu_ndiags(&r, MD_GRADE_INFO), 0);
    CHECK_INT(tu_count(&r, "xml.elem"), 2);
    tu_free(&r);
    /* A truncated fragment says so (not "tag mismatch with Events"). */
    parse_str(&r, &probe_events, "<Event>\n<System>\n<EventID>1");
    CHECK(has_diag(&r, "element 'EventID' (line 3) is not closed"));
    tu_free(&r);
}

/* ---- libxml2 never prints ------------------------------------------- */

static void
noisy_inputs(void)
{
    const char *docs[] = {xxe_doc, xxe_pe_doc, bomb_doc, "<a><b></a>",
                          "<a xmlns:p=\"\"><p:b/></a>", "\x01<", ""};
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        struct tu_run r;
        parse_str(&r, &probe, docs[i]);
        tu_free(&r);
    }
}

static void
test_libxml2_silent(void)
{
    CHECK_INT(stderr_bytes_during(noisy_inputs), 0);
}

/* ---- chunking: the same records wherever the text is cut ------------ */

static void
collect(void *user, const struct md_evidence *ev)
{
    struct md_buf *b = user;
    md_buf_printf(b, "%s:%llu:%s", ev->kind, (unsigned long long)ev->line,
                  ev->xpath ? ev->xpath : "");
    for (size_t i = 0; i < ev->nfields; i++) {
        const struct md_field *f = &ev->fields[i];
        if (f->type == MD_V_STR)
            md_buf_printf(b, " %s=%.*s", f->name, (int)f->len, f->s);
        else
            md_buf_printf(b, " %s=%lld", f->name, (long long)f->i);
    }
    md_buf_addc(b, '\n');
}

/* Drive parser p by hand, step bytes at a time; records serialised in out,
 * diagnostics counted. */
static size_t
drive(const struct md_parser *p, const char *text, size_t len, size_t step,
      struct md_buf *out)
{
    struct md_arena arena = MD_ARENA_INIT, scratch = MD_ARENA_INIT;
    struct md_limits lim;
    md_limits_default(&lim);
    struct md_input in = {.path = "t.xml"};
    struct md_parse_ctx ctx = {.input = &in, .limits = &lim, .arena = &arena,
                               .scratch = &scratch, .emit = collect,
                               .emit_user = out};
    void *state = calloc(1, p->state_size);
    CHECK(p->begin(&ctx, state) == MD_OK);
    for (size_t i = 0; i < len; i += step) {
        size_t n = len - i < step ? len - i : step;
        struct md_arena_mark m = md_arena_mark(&scratch);
        enum md_status st = p->chunk(&ctx, state, text + i, n);
        md_arena_rewind(&scratch, m);
        if (st != MD_OK)
            break;
    }
    p->end(&ctx, state);
    free(state);
    size_t nd = in.ndiags;
    md_arena_free(&scratch);
    md_arena_free(&arena);
    return nd;
}

static void
same_records_any_cut(const struct md_parser *p, const char *relpath)
{
    size_t len;
    unsigned char *raw = tu_read_file(relpath, &len);
    /* The fixtures given to this are UTF-8 already. */
    struct md_buf whole = MD_BUF_INIT(0);
    size_t nd = drive(p, (const char *)raw, len, len ? len : 1, &whole);
    CHECK(whole.len > 0);
    static const size_t steps[] = {1, 2, 3, 5, 7, 16, 61, 4096};
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        struct md_buf cut = MD_BUF_INIT(0);
        size_t ndc = drive(p, (const char *)raw, len, steps[i], &cut);
        CHECK_INT(ndc, nd);
        CHECK(cut.len == whole.len && memcmp(cut.ptr, whole.ptr,
                                             whole.len) == 0);
        if (cut.len != whole.len || memcmp(cut.ptr, whole.ptr, whole.len))
            fprintf(stderr, "step %zu:\n%s---\n%s", steps[i],
                    cut.ptr ? cut.ptr : "", whole.ptr ? whole.ptr : "");
        md_buf_free(&cut);
    }
    md_buf_free(&whole);
    free(raw);
}

static void
test_chunk_boundaries(void)
{
    same_records_any_cut(&md_parser_dotnetcfg,
                         "tests/data/dotnetcfg/CBEngine.exe.config");
    same_records_any_cut(&md_parser_dotnetcfg,
                         "tests/data/dotnetcfg/machine.config");
    same_records_any_cut(&md_parser_dotnetcfg,
                         "tests/data/dotnetcfg/malformed.exe.config");
    same_records_any_cut(&md_parser_evtxml,
                         "tests/data/evtxml/wevtutil-cloudbackup.xml");
    same_records_any_cut(&md_parser_evtxml, "tests/data/evtxml/truncated.xml");
}

int
main(void)
{
    static const struct tu_test tests[] = {
        TU_TEST(test_external_entity_not_loaded),
        TU_TEST(test_declared_entity_not_reported),
        TU_TEST(test_billion_laughs_bounded),
        TU_TEST(test_utf16_declaration_ignored),
        TU_TEST(test_depth_limit),
        TU_TEST(test_lines_of_start_tags),
        TU_TEST(test_entities_in_attributes),
        TU_TEST(test_truncated_and_malformed),
        TU_TEST(test_fragment_wrapped),
        TU_TEST(test_libxml2_silent),
        TU_TEST(test_chunk_boundaries),
    };
    return tu_main(tests, sizeof tests / sizeof tests[0]);
}
