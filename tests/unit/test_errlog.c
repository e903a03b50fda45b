/* Tests for the MARS errlog parser (parsers/errlog/errlog.c). */
#include <stdlib.h>

#include "testutil.h"

extern const struct md_parser md_parser_errlog;

#define ENGINE "tests/data/errlog/CBEngineCurr.errlog"
#define INSTALLER "tests/data/errlog/OBInstaller0Curr.errlog"

/* 2025-01-02T08:00:00Z */
#define MTIME_JAN2 1735804800
/* 2024-12-31T15:30:00Z: 00:30 on 1 January in Tokyo */
#define MTIME_TOKYO_NEWYEAR 1735659000

/* tu_parse runs with mtime 0; year inference needs md_parse_memory. */
static void
keep(void *user, const struct md_evidence *ev)
{
    struct tu_run *r = user;
    if (r->nev == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->ev = realloc(r->ev, r->cap * sizeof *r->ev);
        if (!r->ev)
            abort();
    }
    r->ev[r->nev] = md_evidence_copy(&r->keep, ev);
    if (!r->ev[r->nev])
        abort();
    r->nev++;
}

static void
run_init(struct tu_run *r)
{
    memset(r, 0, sizeof *r);
    md_bundle_init(&r->b, "mem");
    md_limits_default(&r->opts.limits);
    r->opts.on_evidence = keep;
    r->opts.user = r;
}

static void
parse_at(struct tu_run *r, const char *name, const void *data, size_t len,
         int64_t mtime)
{
    md_parse_memory(&r->b, &md_parser_errlog, name, data, len, mtime,
                    &r->opts);
}

static void
parse_file_at(struct tu_run *r, const char *relpath, int64_t mtime)
{
    size_t len;
    unsigned char *data = tu_read_file(relpath, &len);
    run_init(r);
    parse_at(r, strrchr(relpath, '/') + 1, data, len, mtime);
    free(data);
}

/* The first diagnostic whose message contains needle, or NULL. */
static const struct md_diag *
find_diag(const struct tu_run *r, const char *needle)
{
    for (const struct md_input *in = r->b.inputs; in; in = in->next)
        for (const struct md_diag *d = in->diags; d; d = d->next)
            if (strstr(d->msg, needle))
                return d;
    return NULL;
}

static const struct md_evidence *
record_at(const struct tu_run *r, uint64_t line)
{
    for (size_t i = 0; i < r->nev; i++)
        if (strcmp(r->ev[i]->kind, "log.record") == 0 &&
            r->ev[i]->line == line)
            return r->ev[i];
    return NULL;
}

static void
test_engine_fields(void)
{
    struct tu_run r;
    parse_file_at(&r, ENGINE, MTIME_JAN2);
    const struct md_input *in = r.b.inputs;
    CHECK(in != NULL);
    if (in)
        CHECK_STR(in->encoding, "utf-16le");
    CHECK_INT(tu_count(&r, "log.header"), 1);
    CHECK_INT(tu_count(&r, "log.record"), 8);

    const struct md_evidence *h = tu_find(&r, "log.header", 0);
    CHECK(h && h->line == 1);
    CHECK_STR(tu_str(&r, h, "header"),
              "Log file opened 12/31 22:58:03 CBEngine 2.0.9262.0 (agent "
              "local time)");

    /* Managed line: empty this-pointer and agent id. */
    const struct md_evidence *e = record_at(&r, 2);
    CHECK(e != NULL);
    CHECK_STR(tu_str(&r, e, "pid"), "1A4C");
    CHECK_STR(tu_str(&r, e, "tid"), "2F08");
    CHECK_STR(tu_str(&r, e, "date"), "12/31");
    CHECK_STR(tu_str(&r, e, "time"), "22:58:03.114");
    CHECK_INT(tu_int(e, "component"), 3);
    CHECK_STR(tu_str(&r, e, "source"), "CBEngine.cs(187)");
    CHECK_STR(tu_str(&r, e, "severity"), "NORMAL");
    CHECK_STR(tu_str(&r, e, "message"),
              "CBEngine service starting, version 2.0.9262.0");
    CHECK_INT(tu_int(e, "continuations"), 0);
    CHECK(md_ev_field(e, "agent_id")->type == MD_V_NULL);

    /* Native line. */
    e = record_at(&r, 3);
    CHECK(e != NULL);
    CHECK_STR(tu_str(&r, e, "source"), "proxysettings.cpp(412)");
    CHECK_STR(tu_str(&r, e, "task"), "7C1E2B90-5D3A-4E6F-9A1B-2C3D4E5F6071");
    CHECK_INT(tu_int(e, "component"), 71);

    /* 407 */
    e = tu_find_str(&r, "log.record", "severity", "WARNING");
    CHECK(e && e->line == 4);
    CHECK(strstr(tu_str(&r, e, "message"),
                 "(407) Proxy Authentication Required.") != NULL);

    /* Multi-line exception: four continuation lines joined with LF. */
    e = tu_find_str(&r, "log.record", "severity", "FATAL");
    CHECK(e && e->line == 5);
    CHECK_INT(tu_int(e, "continuations"), 4);
    const char *m = tu_str(&r, e, "message");
    CHECK(strncmp(m, "System.Net.WebException: Unable to connect", 42) == 0);
    CHECK(strstr(m, "40.79.154.83:443\n   at System.Net.Sockets") != NULL);
    size_t ml = strlen(m), tl = strlen("\n   at System.Net.HttpWebRequest."
                                       "GetResponse()");
    CHECK(ml > tl && strcmp(m + ml - tl, "\n   at System.Net.HttpWebRequest."
                                         "GetResponse()") == 0);

    /* HRESULT kept as written. */
    e = record_at(&r, 10);
    CHECK(e && strstr(tu_str(&r, e, "message"), "[0x80072ee7]") != NULL);

    /* Japanese message, decoded from UTF-16LE. */
    e = record_at(&r, 11);
    CHECK(e != NULL);
    CHECK_STR(tu_str(&r, e, "message"),
              "リモート サーバーがエラーを返しました: (407) "
              "プロキシ認証が必要です。");
    CHECK_STR(tu_str(&r, e, "agent_id"),
              "3A9F1C2D-8B7E-4D6C-A5B4-C3D2E1F0A9B8");

    /* TABs inside the message are kept. */
    e = tu_find_str(&r, "log.record", "severity", "VERBOSE");
    CHECK(e != NULL);
    CHECK_STR(tu_str(&r, e, "message"), "Job state\tRunning\tretry 2 of 3");
    tu_free(&r);
}

static void
test_engine_drift(void)
{
    struct tu_run r;
    parse_file_at(&r, ENGINE, MTIME_JAN2);
    /* 10 fields (no this-pointer): severity found by the fallback. */
    const struct md_evidence *e = record_at(&r, 12);
    CHECK(e != NULL);
    CHECK_STR(tu_str(&r, e, "severity"), "WARNING");
    CHECK_STR(tu_str(&r, e, "message"),
              "Failed: Hr: = [0x80780054] Offline Backup Progress: Failed");
    CHECK_STR(tu_str(&r, e, "task"), "7C1E2B90-5D3A-4E6F-9A1B-2C3D4E5F6071");
    CHECK_STR(tu_str(&r, e, "source"), "backupasync.cpp(1184)");
    const struct md_diag *d = find_diag(&r, "without the 11 fields");
    CHECK(d && d->line == 12);
    tu_free(&r);
}

static void
test_year_wrap(void)
{
    struct tu_run r;
    parse_file_at(&r, ENGINE, MTIME_JAN2);
    const struct md_evidence *dec = record_at(&r, 4);
    const struct md_evidence *jan = record_at(&r, 5);
    CHECK(dec && jan);
    CHECK_INT(tu_int(dec, "year"), 2024);
    CHECK_STR(tu_str(&r, dec, "timestamp"), "2024-12-31T23:59:58.771");
    CHECK_INT(tu_int(jan, "year"), 2025);
    CHECK_STR(tu_str(&r, jan, "timestamp"), "2025-01-01T00:00:01.015");
    tu_free(&r);
}

static void
test_year_east_of_utc(void)
{
    /* Written at 00:30 on 1 January in Tokyo; the mtime is still 31
     * December in UTC. A mid-January record is from the year before. */
    static const char log[] =
        "1\t2\t01/15\t10:00:00.000\t1\ta.cpp(1)\t\t\t\tNORMAL\told\n"
        "1\t2\t12/31\t23:59:00.000\t1\ta.cpp(1)\t\t\t\tNORMAL\teve\n"
        "1\t2\t01/01\t00:30:00.000\t1\ta.cpp(1)\t\t\t\tNORMAL\tnew\n";
    struct tu_run r;
    run_init(&r);
    parse_at(&r, "CBEngineCurr.errlog", log, sizeof log - 1,
             MTIME_TOKYO_NEWYEAR);
    CHECK_INT(tu_int(tu_find_str(&r, "log.record", "message", "old"), "year"),
              2024);
    CHECK_INT(tu_int(tu_find_str(&r, "log.record", "message", "eve"), "year"),
              2024);
    CHECK_INT(tu_int(tu_find_str(&r, "log.record", "message", "new"), "year"),
              2025);
    tu_free(&r);
}

static void
test_no_mtime(void)
{
    struct tu_run r;
    tu_parse_file(&r, &md_parser_errlog, ENGINE);
    const struct md_evidence *e = record_at(&r, 2);
    CHECK(e != NULL);
    CHECK(md_ev_field(e, "year")->type == MD_V_NULL);
    CHECK(md_ev_field(e, "timestamp")->type == MD_V_NULL);
    tu_free(&r);
}

static void
test_installer(void)
{
    struct tu_run r;
    tu_parse_file(&r, &md_parser_errlog, INSTALLER);
    CHECK_INT(tu_count(&r, "log.header"), 0);
    CHECK_INT(tu_count(&r, "log.record"), 4);

    /* The installer command line: /pw value masked in message and text. */
    const struct md_evidence *e = record_at(&r, 1);
    CHECK(e != NULL);
    const char *m = tu_str(&r, e, "message");
    CHECK(strstr(m, "/pw ********") != NULL);
    CHECK(strstr(m, "P@ssw0rd") == NULL);
    CHECK(e->text && strstr(e->text, "P@ssw0rd") == NULL);

    /* The cut last line is reported, not glued to the last message. */
    e = tu_find_str(&r, "log.record", "severity", "FATAL");
    CHECK(e != NULL);
    CHECK_INT(tu_int(e, "continuations"), 0);
    CHECK(strstr(tu_str(&r, e, "message"), "0E14") == NULL);
    const struct md_diag *d = find_diag(&r, "cut by the end of the file");
    CHECK(d && d->line == 5 && d->code == MD_ERR_TRUNCATED);
    tu_free(&r);
}

static void
test_record_limit(void)
{
    struct md_buf b = MD_BUF_INIT(0);
    md_buf_adds(&b, "1F\t20\t05/06\t07:08:09.010\t69\tX.cs(1)\t\t\t\tFATAL\t"
                    "System.Exception: boom\r\n");
    for (int i = 0; i < 300; i++)
        md_buf_printf(&b, "   at Frame%03d.Method(String argument)\r\n", i);
    md_buf_adds(&b, "1F\t20\t05/06\t07:08:09.011\t69\tX.cs(2)\t\t\t\tNORMAL\t"
                    "after\r\n");
    struct tu_run r;
    run_init(&r);
    r.opts.limits.record_bytes = 1024;
    parse_at(&r, "CBEngine3.errlog", b.ptr, b.len, 0);
    const struct md_evidence *e = tu_find_str(&r, "log.record", "severity",
                                              "FATAL");
    CHECK(e != NULL);
    CHECK_INT(tu_int(e, "continuations"), 300);
    CHECK(e->text_len <= 1024);
    CHECK(strlen(tu_str(&r, e, "message")) < 1024);
    /* Reported once, naming the limit. */
    size_t n = 0;
    for (const struct md_diag *d = r.b.inputs->diags; d; d = d->next)
        if (d->limit && strcmp(d->limit, "record_bytes") == 0) {
            n++;
            CHECK_INT(d->line, 1);
        }
    CHECK_INT(n, 1);
    /* The next record is whole. */
    CHECK(tu_find_str(&r, "log.record", "message", "after") != NULL);
    md_buf_free(&b);
    tu_free(&r);
}

static void
test_lenient(void)
{
    static const char log[] =
        "first line is a header\n"
        "stray line\n"
        "1A\t2B\t01/02\t03:04:05.678\t7\tY.cpp(9)\t[0]\t\t\tERROR\tunknown "
        "word kept\n"
        "1A\t2B\t01/02\t03:04:05.679\tno severity here\n"
        "1A\t2B\t13/45\t03:04:05.680\t7\tY.cpp(9)\t[0]\t\t\tNORMAL\tbad date\n"
        "\n";
    struct tu_run r;
    run_init(&r);
    parse_at(&r, "OBManagedlog.LOGCurr.errlog", log, sizeof log - 1,
             MTIME_JAN2);
    CHECK_INT(tu_count(&r, "log.record"), 3);
    const struct md_evidence *e = tu_find_str(&r, "log.record", "severity",
                                              "ERROR");
    CHECK(e && strcmp(tu_str(&r, e, "message"), "unknown word kept") == 0);
    e = tu_find_str(&r, "log.record", "message", "no severity here");
    CHECK(e && md_ev_field(e, "severity")->type == MD_V_NULL);
    CHECK(e && md_ev_field(e, "component")->type == MD_V_NULL);
    e = tu_find_str(&r, "log.record", "message", "bad date\n");
    CHECK(e && md_ev_field(e, "year")->type == MD_V_NULL);
    CHECK(e && tu_int(e, "continuations") == 1);
    CHECK(find_diag(&r, "before the first record") != NULL);
    CHECK(find_diag(&r, "without a severity") != NULL);
    tu_free(&r);
}

static void
test_bid(void)
{
    static const char rec[] =
        "44B4\t3968\t10/21\t21:02:21.611\t71\tbackupasync.cpp(1607)\t"
        "[000000001B73B830]\t0517B3DB-347D-45A8-9DAB-FD7D1EA7D134\t\t"
        "WARNING\tPollAzureImportJob failed with error code: 1b7afbe0\r\n";
    struct md_sniff sn = {.path = "x", .text = rec, .text_len = sizeof rec - 1};
    sn.base = "FS01_CBEngineCurr.errlog";
    CHECK_INT(md_parser_errlog.bid(&sn), 95);
    sn.base = "CBEngine_copy.txt";
    CHECK_INT(md_parser_errlog.bid(&sn), 80);
    sn.text = "header\r\nnot a record\r\n";
    sn.text_len = strlen(sn.text);
    CHECK_INT(md_parser_errlog.bid(&sn), 0);
    sn.base = "OBInstaller0Curr.errlog";
    CHECK_INT(md_parser_errlog.bid(&sn), 90);

    /* A renamed copy is recognised when the parsers bid. */
    struct tu_run r;
    tu_parse(&r, NULL, "FS01_CBEngine3.txt", rec, sizeof rec - 1);
    const struct md_input *in = tu_input(&r, "FS01_CBEngine3.txt");
    CHECK(in && in->type && strcmp(in->type, "errlog") == 0);
    CHECK_INT(tu_count(&r, "log.record"), 1);
    tu_free(&r);
}

int
main(void)
{
    static const struct tu_test tests[] = {
        TU_TEST(test_engine_fields), TU_TEST(test_engine_drift),
        TU_TEST(test_year_wrap),     TU_TEST(test_year_east_of_utc),
        TU_TEST(test_no_mtime),      TU_TEST(test_installer),
        TU_TEST(test_record_limit),  TU_TEST(test_lenient),
        TU_TEST(test_bid),
    };
    return tu_main(tests, sizeof tests / sizeof tests[0]);
}
