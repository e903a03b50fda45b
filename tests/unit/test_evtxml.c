/* Tests of the Windows event XML parser (parsers/evtxml). */
#include <stdlib.h>

#include "testutil.h"

extern const struct md_parser md_parser_evtxml;

static bool
has_diag(const struct tu_run *r, enum md_grade g, const char *text)
{
    for (const struct md_input *in = r->b.inputs; in; in = in->next)
        for (const struct md_diag *d = in->diags; d; d = d->next)
            if (d->grade == g && strstr(d->msg, text))
                return true;
    return false;
}

/* IDs, levels and messages of domain-reference §6.4, as in the fixtures. */
static const struct {
    int id, level;
    const char *time, *data, *message;
} want[] = {
    {1, 4, "2026-11-28T02:00:01.2031250Z", NULL,
     "The backup operation has started."},
    {3, 4, "2026-11-28T02:14:37.5468750Z", NULL,
     "The backup operation has completed."},
    {11, 2, "2026-11-29T02:03:12.0156250Z",
     "JobId=6f1c2a4e-5b0d-4c8e-9a37-1d2e3f405162; ErrorCode=0x80072EE2",
     "The backup operation has completed with errors."},
    {18, 2, "2026-11-30T02:00:00.4843750Z", "ErrorCode=0x80072EFD",
     "Scheduled backup failed in initialization phase"},
};

static void
check_events(struct tu_run *r, bool rendered, const uint64_t *lines)
{
    CHECK_INT(tu_count(r, "event.record"), 4);
    for (size_t i = 0; i < 4; i++) {
        const struct md_evidence *ev = tu_find(r, "event.record", i);
        CHECK(ev != NULL);
        if (!ev)
            continue;
        CHECK_INT(ev->line, lines[i]);
        CHECK_STR(ev->xpath, "/Events/Event");
        CHECK_STR(tu_str(r, ev, "provider"), "CloudBackup");
        CHECK_INT(tu_int(ev, "event_id"), want[i].id);
        CHECK_INT(tu_int(ev, "level"), want[i].level);
        CHECK_STR(tu_str(r, ev, "time_created"), want[i].time);
        CHECK_STR(tu_str(r, ev, "channel"), "CloudBackup/Operational");
        CHECK_STR(tu_str(r, ev, "computer"), "FS01.contoso.local");
        CHECK_INT(tu_int(ev, "record_id"), 4711 + (int64_t)i);
        if (want[i].data)
            CHECK_STR(tu_str(r, ev, "data"), want[i].data);
        else
            CHECK(md_ev_field(ev, "data") == NULL);
        if (rendered)
            CHECK_STR(tu_str(r, ev, "message"), want[i].message);
        else
            CHECK(md_ev_field(ev, "message") == NULL);
    }
}

static void
test_wevtutil(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/evtxml/wevtutil-cloudbackup.xml");
    CHECK_STR(r.b.inputs->type, "evtxml");
    CHECK_INT(tu_ndiags(&r, MD_GRADE_INFO), 0);
    static const uint64_t lines[] = {1, 2, 3, 4};
    check_events(&r, false, lines);
    CHECK_INT(r.b.inputs->lines, 4);
    tu_free(&r);
}

static void
test_event_viewer(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/evtxml/eventviewer-cloudbackup.xml");
    CHECK_STR(r.b.inputs->type, "evtxml");
    CHECK_STR(r.b.inputs->encoding, "utf-16le");
    CHECK_INT(tu_ndiags(&r, MD_GRADE_INFO), 0);
    static const uint64_t lines[] = {3, 6, 9, 12};
    check_events(&r, true, lines);
    tu_free(&r);
}

static void
test_truncated(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/evtxml/truncated.xml");
    CHECK_INT(tu_count(&r, "event.record"), 2);
    CHECK(has_diag(&r, MD_GRADE_FAILED, "unexpected end of data"));
    CHECK_INT(r.b.inputs->diags ? r.b.inputs->diags->line : 0, 3);
    CHECK_STR(md_input_status(r.b.inputs), "damaged");
    tu_free(&r);
}

static void
test_inline_cases(void)
{
    struct tu_run r;
    /* UserData, a value with markup in it, a bad number, Data without a
     * Name, a password-like value, an XML declaration before a fragment */
    const char *doc =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/"
        "event\"><System><Provider Name=\"Microsoft-Windows-Security\"/>"
        "<EventID>x7</EventID><Level> 3 </Level></System>"
        "<UserData><LogFileCleared xmlns=\"urn:x\"><SubjectUserName>adm"
        "</SubjectUserName><Detail>a<![CDATA[<b>]]>c</Detail>"
        "</LogFileCleared></UserData></Event>\n"
        "<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/"
        "event\"><System><EventID>14</EventID></System><EventData>"
        "<Data>plain</Data><Data Name=\"ProxyPassword\">hunter2</Data>"
        "</EventData><RenderingInfo><Message>\n  multi\n  line\n</Message>"
        "</RenderingInfo></Event>\n";
    tu_parse(&r, NULL, "events.xml", doc, strlen(doc));
    CHECK_STR(r.b.inputs->type, "evtxml");
    CHECK_INT(tu_count(&r, "event.record"), 2);
    const struct md_evidence *ev = tu_find(&r, "event.record", 0);
    if (ev) {
        CHECK_INT(ev->line, 2);
        CHECK_STR(tu_str(&r, ev, "event_id"), "x7");
        CHECK_INT(tu_int(ev, "level"), 3);
        CHECK_STR(tu_str(&r, ev, "data"),
                  "SubjectUserName=adm; Detail=a<b>c");
        CHECK(md_ev_field(ev, "channel") == NULL);
    }
    CHECK(has_diag(&r, MD_GRADE_WARN, "event_id 'x7' is not a number"));
    ev = tu_find(&r, "event.record", 1);
    if (ev) {
        CHECK_INT(ev->line, 3);
        CHECK_INT(tu_int(ev, "event_id"), 14);
        CHECK_STR(tu_str(&r, ev, "data"), "plain; ProxyPassword=*******");
        CHECK_STR(tu_str(&r, ev, "message"), "multi\n  line");
    }
    tu_free(&r);
}

static void
test_record_bytes(void)
{
    struct md_buf b = MD_BUF_INIT(0);
    md_buf_adds(&b, "<Events><Event><EventData><Data Name=\"big\">");
    for (int i = 0; i < 3000; i++)
        md_buf_adds(&b, "0123456789");
    md_buf_adds(&b, "</Data><Data>more</Data></EventData></Event>"
                    "<Event><System><EventID>2</EventID></System></Event>"
                    "</Events>");
    struct md_scan_opts o = {0};
    md_limits_default(&o.limits);
    o.limits.record_bytes = 1000;
    struct md_bundle bb;
    md_bundle_init(&bb, "x");
    md_parse_memory(&bb, &md_parser_evtxml, "e.xml", b.ptr, b.len, 0, &o);
    const struct md_input *in = bb.inputs;
    CHECK(in->diags && in->diags->limit &&
          strcmp(in->diags->limit, "record_bytes") == 0);
    CHECK_INT(in->records, 2);
    CHECK_INT(in->ndiags, 1);
    md_bundle_free(&bb);
    md_buf_free(&b);
}

static void
test_bids(void)
{
    struct tu_run r;
    const char *ev = "<Event xmlns='http://schemas.microsoft.com/win/2004/"
                     "08/events/event'><System/></Event>";
    tu_parse(&r, NULL, "CloudBackup.txt", ev, strlen(ev));
    CHECK_STR(r.b.inputs->type, "evtxml");
    tu_free(&r);
    const char *cfg = "<configuration><Event/></configuration>";
    tu_parse(&r, NULL, "x.config", cfg, strlen(cfg));
    CHECK_STR(r.b.inputs->type, "dotnetcfg");
    tu_free(&r);
    /* A DTD longer than the 4 KiB head: its name still tells. */
    struct md_buf big = MD_BUF_INIT(0);
    md_buf_adds(&big, "<?xml version=\"1.0\"?>\n<!DOCTYPE Events [\n"
                      "<!ENTITY big \"");
    for (int i = 0; i < 5000; i++)
        md_buf_adds(&big, "B");
    md_buf_adds(&big, "\">\n]>\n<Events><Event xmlns='http://schemas."
                      "microsoft.com/win/2004/08/events/event'><System>"
                      "<EventID>1</EventID></System></Event></Events>\n");
    tu_parse(&r, NULL, "export.xml", big.ptr, big.len);
    CHECK_STR(r.b.inputs->type, "evtxml");
    CHECK_INT(r.nev, 1);
    tu_free(&r);
    md_buf_free(&big);
    const char *other = "<!DOCTYPE html><html></html>";
    tu_parse(&r, NULL, "export.xml", other, strlen(other));
    CHECK(r.b.inputs->type == NULL || strcmp(r.b.inputs->type, "evtxml") != 0);
    tu_free(&r);
}

int
main(void)
{
    static const struct tu_test tests[] = {
        TU_TEST(test_wevtutil),     TU_TEST(test_event_viewer),
        TU_TEST(test_truncated),    TU_TEST(test_inline_cases),
        TU_TEST(test_record_bytes), TU_TEST(test_bids),
    };
    return tu_main(tests, sizeof tests / sizeof tests[0]);
}
