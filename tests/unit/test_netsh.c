/* Tests for the netsh parser: `netsh winhttp show proxy` in four languages,
 * three encodings, standalone, embedded and truncated. */
#include "testutil.h"

extern const struct md_parser md_parser_netsh;

static void
check_proxy(struct tu_run *r, const struct md_evidence *ev,
            const char *server, const char *bypass)
{
    CHECK(ev != NULL);
    CHECK_STR(tu_str(r, ev, "source"), "netsh");
    CHECK_INT(tu_int(ev, "direct"), 0);
    CHECK_STR(tu_str(r, ev, "proxy_server"), server);
    CHECK_STR(tu_str(r, ev, "bypass"), bypass);
}

static void
check_direct(struct tu_run *r, const struct md_evidence *ev)
{
    CHECK(ev != NULL);
    CHECK_INT(tu_int(ev, "direct"), 1);
    const struct md_field *f = ev ? md_ev_field(ev, "proxy_server") : NULL;
    CHECK(f && f->type == MD_V_NULL);
}

static void
test_english_direct(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/netsh/en_direct.txt");
    CHECK_STR(r.b.inputs->type, "netsh");
    CHECK_INT(tu_count(&r, "winhttp.proxy"), 1);
    const struct md_evidence *ev = tu_find(&r, "winhttp.proxy", 0);
    check_direct(&r, ev);
    CHECK_INT(ev ? ev->line : 0, 2);
    CHECK(ev && ev->text && strstr(ev->text, "Direct Access"));
    CHECK_INT(tu_ndiags(&r, MD_GRADE_WARN), 0);
    tu_free(&r);
}

static void
test_english_proxy(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/netsh/netsh_winhttp_show_proxy.txt");
    CHECK_INT(tu_count(&r, "winhttp.proxy"), 1);
    check_proxy(&r, tu_find(&r, "winhttp.proxy", 0), "proxy.contoso.com:8080",
                "localhost;*.contoso.com;<local>");
    CHECK_INT(tu_ndiags(&r, MD_GRADE_WARN), 0);
    tu_free(&r);
}

static void
test_japanese_utf16(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/netsh/ja_utf16le.txt");
    CHECK_STR(r.b.inputs->encoding, "utf-16le");
    CHECK_STR(r.b.inputs->type, "netsh");
    check_proxy(&r, tu_find(&r, "winhttp.proxy", 0),
                "http=proxy.contoso.co.jp:8080;https=proxy.contoso.co.jp:8443",
                "*.backup.windowsazure.com;<local>");
    tu_free(&r);
}

static void
test_japanese_sjis(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/netsh/ja_sjis.txt");
    CHECK_STR(r.b.inputs->encoding, "ansi");
    CHECK_STR(r.b.inputs->type, "netsh");
    /* Full-width colon after the server label; "(なし)" is empty. */
    check_proxy(&r, tu_find(&r, "winhttp.proxy", 0), "10.0.0.5:3128", "");
    tu_free(&r);

    /* 直接アクセス (プロキシ サーバーなし)。 in Shift-JIS. */
    static const char sjis_direct[] =
        "\x8c\xbb\x8d\xdd\x82\xcc WinHTTP \x83\x76\x83\x8d\x83\x4c\x83\x56"
        "\x90\xdd\x92\xe8:\r\n\r\n    \x92\xbc\x90\xda\x83\x41\x83\x4e\x83"
        "\x5a\x83\x58 (\x83\x76\x83\x8d\x83\x4c\x83\x56 \x83\x54\x81\x5b\x83"
        "\x6f\x81\x5b\x82\xc8\x82\xb5)\x81\x42\r\n";
    tu_parse(&r, NULL, "proxy.txt", sjis_direct, sizeof sjis_direct - 1);
    CHECK_STR(r.b.inputs->type, "netsh");
    check_direct(&r, tu_find(&r, "winhttp.proxy", 0));
    tu_free(&r);

    /* The same in UTF-8. */
    static const char u8_direct[] =
        "現在の WinHTTP プロキシ設定:\n\n    直接アクセス (プロキシ サーバーなし)。\n";
    tu_parse(&r, NULL, "proxy.txt", u8_direct, sizeof u8_direct - 1);
    check_direct(&r, tu_find(&r, "winhttp.proxy", 0));
    tu_free(&r);
}

static void
test_french(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/netsh/fr_cp850.txt");
    CHECK_STR(r.b.inputs->type, "netsh");
    check_proxy(&r, tu_find(&r, "winhttp.proxy", 0), "proxy.fabrikam.fr:3128",
                "");
    tu_free(&r);

    static const char fr_direct[] =
        "Paramètres de proxy WinHTTP actuels :\n\n"
        "    Accès direct (pas de serveur proxy).\n";
    tu_parse(&r, NULL, "x.txt", fr_direct, sizeof fr_direct - 1);
    check_direct(&r, tu_find(&r, "winhttp.proxy", 0));
    tu_free(&r);
}

static void
test_german(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/netsh/de_direct.txt");
    CHECK_STR(r.b.inputs->type, "netsh");
    check_direct(&r, tu_find(&r, "winhttp.proxy", 0));
    tu_free(&r);

    static const char de_proxy[] =
        "Aktuelle WinHTTP-Proxyeinstellungen:\n\n"
        "    Proxyserver:  proxy.fabrikam.de:8080\n"
        "    Umgehungsliste:  (keine)\n";
    tu_parse(&r, NULL, "x.txt", de_proxy, sizeof de_proxy - 1);
    check_proxy(&r, tu_find(&r, "winhttp.proxy", 0), "proxy.fabrikam.de:8080",
                "");
    tu_free(&r);
}

/* Spanish as cmd.exe redirects it (code page 850: "omisi\xa2n"), and
 * Simplified Chinese in GBK (code page 936) and in UTF-8. */
static void
test_spanish_chinese(void)
{
    static const char es_proxy[] =
        "\r\nConfiguraci\xa2n actual de proxy de WinHTTP:\r\n\r\n"
        "    Servidores proxy:  proxy.fabrikam.es:8080\r\n"
        "    Lista de omisi\xa2n:  <local>\r\n";
    struct tu_run r;
    tu_parse(&r, NULL, "x.txt", es_proxy, sizeof es_proxy - 1);
    check_proxy(&r, tu_find(&r, "winhttp.proxy", 0), "proxy.fabrikam.es:8080",
                "<local>");
    CHECK_INT(tu_ndiags(&r, MD_GRADE_WARN), 0);
    tu_free(&r);

    static const char zh_gbk[] =
        "\r\n\xb5\xb1\xc7\xb0\xb5\xc4 WinHTTP \xb4\xfa\xc0\xed\xb7\xfe"
        "\xce\xf1\xc6\xf7\xc9\xe8\xd6\xc3:\r\n\r\n"
        "    \xb4\xfa\xc0\xed\xb7\xfe\xce\xf1\xc6\xf7:  p.contoso.cn:8080\r\n"
        "    \xc8\xc6\xb9\xfd\xc1\xd0\xb1\xed     :  (\xce\xde)\r\n";
    tu_parse(&r, NULL, "x.txt", zh_gbk, sizeof zh_gbk - 1);
    check_proxy(&r, tu_find(&r, "winhttp.proxy", 0), "p.contoso.cn:8080", "");
    tu_free(&r);

    static const char zh_u8_direct[] =
        "\xe5\xbd\x93\xe5\x89\x8d\xe7\x9a\x84 WinHTTP \xe4\xbb\xa3\xe7"
        "\x90\x86\xe6\x9c\x8d\xe5\x8a\xa1\xe5\x99\xa8\xe8\xae\xbe\xe7\xbd"
        "\xae:\n\n    \xe7\x9b\xb4\xe6\x8e\xa5\xe8\xae\xbf\xe9\x97\xae"
        "(\xe6\xb2\xa1\xe6\x9c\x89\xe4\xbb\xa3\xe7\x90\x86\xe6\x9c\x8d"
        "\xe5\x8a\xa1\xe5\x99\xa8)\xe3\x80\x82\n";
    tu_parse(&r, NULL, "x.txt", zh_u8_direct, sizeof zh_u8_direct - 1);
    check_direct(&r, tu_find(&r, "winhttp.proxy", 0));
    tu_free(&r);
}

static void
test_embedded(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/netsh/SRV01_TcpIp-Info.txt");
    CHECK_STR(r.b.inputs->type, "netsh");
    CHECK_INT(tu_count(&r, "winhttp.proxy"), 2);
    const struct md_evidence *ev = tu_find(&r, "winhttp.proxy", 0);
    check_proxy(&r, ev, "10.0.0.5:8080", "");
    CHECK_INT(ev ? ev->line : 0, 28);
    check_direct(&r, tu_find(&r, "winhttp.proxy", 1));
    /* ipconfig's "Name . . . : value" lines are no WinHTTP settings. */
    CHECK_INT(tu_ndiags(&r, MD_GRADE_WARN), 0);
    tu_free(&r);
}

static void
test_truncated(void)
{
    struct tu_run r;
    tu_parse_file(&r, &md_parser_netsh, "tests/data/netsh/truncated.txt");
    const struct md_evidence *ev = tu_find(&r, "winhttp.proxy", 0);
    CHECK(ev != NULL);
    CHECK_STR(tu_str(&r, ev, "proxy_server"), "proxy.contoso.com:8080");
    const struct md_field *f = ev ? md_ev_field(ev, "bypass") : NULL;
    CHECK(f && f->type == MD_V_NULL);
    CHECK_INT(tu_ndiags(&r, MD_GRADE_WARN), 1);
    tu_free(&r);

    /* A header and nothing else: no record, a warning. */
    static const char hdr[] = "Current WinHTTP proxy settings:\r\n\r\n";
    tu_parse(&r, &md_parser_netsh, "x.txt", hdr, sizeof hdr - 1);
    CHECK_INT(tu_count(&r, "winhttp.proxy"), 0);
    CHECK_INT(tu_ndiags(&r, MD_GRADE_WARN), 1);
    tu_free(&r);
}

static void
test_lenient_spacing(void)
{
    struct tu_run r;
    static const char s[] = "current winhttp proxy settings:\n"
                            "Proxy Server(s):myproxy:80\n"
                            "Bypass List:\t(none)\n";
    tu_parse(&r, &md_parser_netsh, "x.txt", s, sizeof s - 1);
    check_proxy(&r, tu_find(&r, "winhttp.proxy", 0), "myproxy:80", "");
    tu_free(&r);
}

static void
test_bids(void)
{
    struct tu_run r;
    /* The command line alone is not a section. */
    static const char cmd[] = "C:\\>netsh winhttp show proxy\r\n";
    tu_parse(&r, &md_parser_netsh, "winhttp.txt", cmd, sizeof cmd - 1);
    CHECK_INT(tu_count(&r, "winhttp.proxy"), 0);
    CHECK_INT(tu_ndiags(&r, MD_GRADE_WARN), 0);
    tu_free(&r);

    /* A name alone is a moderate bid; unrelated text is no bid. */
    struct md_sniff sn = {.path = "a/x_TcpIp-Info.txt",
                          .base = "x_TcpIp-Info.txt", .text = "", .enc = 0};
    CHECK_INT(md_parser_netsh.bid(&sn), 40);
    sn.base = "notes.txt";
    sn.text = "hello";
    sn.text_len = 5;
    CHECK_INT(md_parser_netsh.bid(&sn), 0);
}

int
main(void)
{
    static const struct tu_test tests[] = {
        TU_TEST(test_english_direct), TU_TEST(test_english_proxy),
        TU_TEST(test_japanese_utf16), TU_TEST(test_japanese_sjis),
        TU_TEST(test_french),         TU_TEST(test_german),
        TU_TEST(test_spanish_chinese),
        TU_TEST(test_embedded),       TU_TEST(test_truncated),
        TU_TEST(test_lenient_spacing), TU_TEST(test_bids),
    };
    return tu_main(tests, sizeof tests / sizeof tests[0]);
}
