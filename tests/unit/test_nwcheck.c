/* Tests for the network check log parser (parsers/nwcheck/nwcheck.c). */
#include "testutil.h"

extern const struct md_parser md_parser_nwcheck;

#define SYSTEM_PROXY \
    "tests/data/nwcheck/AzureBackup_Check_NW_20231104_155210.log"
#define WINHTTP_PROXY \
    "tests/data/nwcheck/AzureBackup_Check_NW_20240220_101500.log"

/* The setting name in section sec, or NULL. */
static const struct md_evidence *
setting(struct tu_run *r, const char *sec, const char *name)
{
    for (size_t i = 0; i < r->nev; i++) {
        const struct md_evidence *e = r->ev[i];
        if (strcmp(e->kind, "nwcheck.setting") == 0 &&
            strcmp(tu_str(r, e, "section"), sec) == 0 &&
            strcmp(tu_str(r, e, "name"), name) == 0)
            return e;
    }
    return NULL;
}

static void
test_settings(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, SYSTEM_PROXY);
    const struct md_input *in = r.b.inputs;
    CHECK(in && in->type && strcmp(in->type, "nwcheck") == 0);
    CHECK(in && strcmp(in->encoding, "utf-16le") == 0);

    const struct md_evidence *e = setting(&r, "policy",
                                          "ProxySettingsPerUser");
    CHECK(e && strcmp(tu_str(&r, e, "value"), "") == 0);
    e = setting(&r, "wininet_user", "ProxyEnable");
    CHECK(e && strcmp(tu_str(&r, e, "value"), "0") == 0);
    e = setting(&r, "wininet_system", "ProxyEnable");
    CHECK(e && strcmp(tu_str(&r, e, "value"), "1") == 0);
    e = setting(&r, "wininet_system", "ProxyServer");
    CHECK(e != NULL);
    if (e) {
        CHECK_STR(tu_str(&r, e, "value"), "http://10.2.0.16:8080");
        CHECK_STR(e->name, "ProxyServer");
        CHECK_INT(e->line, 27);
    }
    e = setting(&r, "wininet_system", "ProxyOverride");
    CHECK(e && strstr(tu_str(&r, e, "value"), "*.backup.windowsazure.com;"));
    /* Raw bytes: recorded, not decoded. */
    e = setting(&r, "wininet_system", "DefaultConnectionSettings");
    CHECK(e && md_ev_field(e, "value")->type == MD_V_NULL);
    e = setting(&r, "wininet_service", "ProxyServer");
    CHECK(e && strcmp(tu_str(&r, e, "value"), "") == 0);
    /* Transcript header lines are not settings. */
    CHECK(tu_find_str(&r, "nwcheck.setting", "name", "Username") == NULL);
    CHECK(tu_find_str(&r, "nwcheck.setting", "name", "PSVersion") == NULL);
    CHECK_INT(tu_count(&r, "nwcheck.setting"), 13);
    CHECK_INT(tu_ndiags(&r, MD_GRADE_INFO), 0);
    tu_free(&r);
}

static void
test_winhttp(void)
{
    struct tu_run r;
    tu_parse_file(&r, &md_parser_nwcheck, SYSTEM_PROXY);
    CHECK_INT(tu_count(&r, "nwcheck.winhttp"), 1);
    const struct md_evidence *e = tu_find(&r, "nwcheck.winhttp", 0);
    CHECK(e && tu_int(e, "direct") == 1);
    CHECK(e && md_ev_field(e, "proxy_server")->type == MD_V_NULL);
    tu_free(&r);

    tu_parse_file(&r, &md_parser_nwcheck, WINHTTP_PROXY);
    e = tu_find(&r, "nwcheck.winhttp", 0);
    CHECK(e != NULL);
    if (e) {
        CHECK_INT(tu_int(e, "direct"), 0);
        CHECK_STR(tu_str(&r, e, "proxy_server"), "proxy.contoso.com:8080");
        CHECK(md_ev_field(e, "bypass")->type == MD_V_NULL); /* (none) */
        CHECK_INT(e->line, 12);
    }
    /* A password in a proxy URL never reaches a field or the excerpt. */
    e = setting(&r, "wininet_system", "ProxyServer");
    CHECK(e && strstr(tu_str(&r, e, "value"), "S3cret") == NULL);
    CHECK(e && e->text && strstr(e->text, "S3cret") == NULL);
    tu_free(&r);
}

static void
test_tnc(void)
{
    struct tu_run r;
    tu_parse_file(&r, &md_parser_nwcheck, SYSTEM_PROXY);
    CHECK_INT(tu_count(&r, "nwcheck.tnc"), 3);
    const struct md_evidence *e = tu_find(&r, "nwcheck.tnc", 0);
    CHECK(e != NULL);
    if (e) {
        CHECK_STR(tu_str(&r, e, "host"),
                  "pod01-manag1.jpe.backup.windowsazure.com");
        CHECK_STR(tu_str(&r, e, "ip"), "20.191.166.134");
        CHECK_INT(tu_int(e, "succeeded"), 1);
        CHECK_INT(tu_int(e, "port"), 443);
        CHECK_STR(tu_str(&r, e, "source_ip"), "10.2.0.23");
    }
    e = tu_find(&r, "nwcheck.tnc", 1);
    CHECK(e != NULL);
    if (e) {
        CHECK_STR(tu_str(&r, e, "host"), "weus2watcab01.blob.core.windows.net");
        CHECK(md_ev_field(e, "ip")->type == MD_V_NULL);
        CHECK_INT(tu_int(e, "succeeded"), 0);
    }
    tu_free(&r);
}

static void
test_web(void)
{
    struct tu_run r;
    tu_parse_file(&r, &md_parser_nwcheck, SYSTEM_PROXY);
    CHECK_INT(tu_count(&r, "nwcheck.web"), 3);
    const struct md_evidence *e = tu_find(&r, "nwcheck.web", 0);
    CHECK(e != NULL);
    if (e) {
        CHECK_STR(tu_str(&r, e, "host"),
                  "pod01-manag1.jpe.backup.windowsazure.com");
        CHECK_STR(tu_str(&r, e, "error"),
                  "The remote server returned an error: (407) Proxy "
                  "Authentication Required.");
        CHECK(md_ev_field(e, "status_code")->type == MD_V_NULL);
    }
    e = tu_find(&r, "nwcheck.web", 1);
    CHECK(e && strcmp(tu_str(&r, e, "error"),
                      "リモート サーバーに接続できません。") == 0);
    e = tu_find_str(&r, "nwcheck.web", "host", "login.microsoft.com");
    CHECK(e != NULL);
    if (e) {
        CHECK_INT(tu_int(e, "status_code"), 200);
        CHECK_STR(tu_str(&r, e, "status_description"), "OK");
        CHECK(md_ev_field(e, "error")->type == MD_V_NULL);
    }
    tu_free(&r);

    /* A "#TRY!!" without a result (script stopped with Ctrl+C). */
    tu_parse_file(&r, &md_parser_nwcheck, WINHTTP_PROXY);
    CHECK_INT(tu_count(&r, "nwcheck.web"), 1);
    CHECK_INT(tu_ndiags(&r, MD_GRADE_INFO), 1);
    tu_free(&r);
}

static void
test_odd_lines(void)
{
    static const char log[] =
        "PS>TerminatingError(Invoke-WebRequest): \"no try line\"\n"
        "Result of Invoke-webRequest  / StatusCode: abc/ StatusDescription:\n"
        "Result of tnc\n"
        "##Check WinHttpProxy\n"
        "    Something localized we do not know\n"
        "WinInet settings for NT Authority\\System (used by MARS Backup)\n"
        "Proxy Enable: 1\n"
        "ProxyEnable:1\n"
        ":\n";
    struct tu_run r;
    tu_parse(&r, &md_parser_nwcheck, "AzureBackup_Check_NW_x.log", log,
             sizeof log - 1);
    const struct md_evidence *e = tu_find(&r, "nwcheck.web", 0);
    CHECK(e && md_ev_field(e, "host")->type == MD_V_NULL);
    CHECK(e && strcmp(tu_str(&r, e, "error"), "no try line") == 0);
    e = tu_find(&r, "nwcheck.web", 1);
    CHECK(e && md_ev_field(e, "status_code")->type == MD_V_NULL);
    e = tu_find(&r, "nwcheck.tnc", 0);
    CHECK(e && md_ev_field(e, "host")->type == MD_V_NULL);
    CHECK_INT(tu_count(&r, "nwcheck.winhttp"), 0);
    CHECK_INT(tu_ndiags(&r, MD_GRADE_WARN), 1);
    CHECK_INT(tu_count(&r, "nwcheck.setting"), 1);
    e = setting(&r, "wininet_system", "ProxyEnable");
    CHECK(e && strcmp(tu_str(&r, e, "value"), "1") == 0);
    tu_free(&r);
}

static void
test_bid(void)
{
    static const char head[] = "Proxy check\r\nListing all proxy settings\r\n";
    struct md_sniff sn = {.path = "x", .text = head,
                          .text_len = sizeof head - 1};
    sn.base = "AzureBackup_Check_NW_20231104_155210.log";
    CHECK_INT(md_parser_nwcheck.bid(&sn), 95);
    sn.base = "nw.txt";
    CHECK_INT(md_parser_nwcheck.bid(&sn), 80);
    sn.text = "hello";
    sn.text_len = 5;
    CHECK_INT(md_parser_nwcheck.bid(&sn), 0);
}

int
main(void)
{
    static const struct tu_test tests[] = {
        TU_TEST(test_settings), TU_TEST(test_winhttp), TU_TEST(test_tnc),
        TU_TEST(test_web),      TU_TEST(test_odd_lines), TU_TEST(test_bid),
    };
    return tu_main(tests, sizeof tests / sizeof tests[0]);
}
