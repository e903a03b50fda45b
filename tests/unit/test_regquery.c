/* Tests for the regquery parser ("reg query KEY /s" console output):
 * English ASCII, Japanese cp932 and German UTF-8 captures with malformed
 * lines. Fixtures are made by tests/data/reg/make_fixtures.py. */
#include "testutil.h"

extern const struct md_parser md_parser_regquery;

#define HKLM_IS "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\" \
                "CurrentVersion\\Internet Settings"

static const struct md_evidence *
find_value(const struct tu_run *r, const char *kind, const char *name)
{
    for (size_t i = 0; i < r->nev; i++)
        if (strcmp(r->ev[i]->kind, kind) == 0 && r->ev[i]->name &&
            strcmp(r->ev[i]->name, name) == 0)
            return r->ev[i];
    return NULL;
}

static enum md_vtype
ftype(const struct md_evidence *ev, const char *name)
{
    const struct md_field *f = ev ? md_ev_field(ev, name) : NULL;
    return f ? f->type : (enum md_vtype)-1;
}

static bool
has_diag(const struct tu_run *r, const char *sub)
{
    for (const struct md_input *in = r->b.inputs; in; in = in->next)
        for (const struct md_diag *d = in->diags; d; d = d->next)
            if (strstr(d->msg, sub))
                return true;
    return false;
}

static void
test_english(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/regquery/internet_settings.txt");
    CHECK_STR(r.b.inputs->type, "regquery");
    CHECK_INT(tu_ndiags(&r, MD_GRADE_INFO), 0);
    CHECK_INT(tu_count(&r, "reg.value"), 11);

    const struct md_evidence *ev = find_value(&r, "reg.value", "ProxyEnable");
    CHECK_STR(ev ? ev->key : NULL, HKLM_IS);
    CHECK_INT(ev ? ev->line : 0, 3);
    CHECK_STR(tu_str(&r, ev, "type"), "REG_DWORD");
    CHECK_INT(tu_int(ev, "data"), 1);
    CHECK_STR(tu_str(&r, ev, "scope"), "machine");
    CHECK_STR(ev ? ev->text : NULL, "    ProxyEnable    REG_DWORD    0x1");
    ev = find_value(&r, "reg.value", "ProxyServer");
    CHECK_STR(tu_str(&r, ev, "data"), "10.0.0.5:8080");
    ev = find_value(&r, "reg.value", "@");
    CHECK_STR(tu_str(&r, ev, "type"), "REG_SZ");
    CHECK_STR(tu_str(&r, ev, "data"), "");
    ev = find_value(&r, "reg.value", "User Agent");
    CHECK_STR(tu_str(&r, ev, "data"), "Mozilla/4.0 (compatible; MSIE 8.0)");
    ev = find_value(&r, "reg.value", "Tags");
    CHECK_STR(tu_str(&r, ev, "data"), "a\nb c\nd");
    ev = find_value(&r, "reg.value", "Stamp");
    CHECK_STR(tu_str(&r, ev, "type"), "REG_QWORD");
    CHECK_INT(tu_int(ev, "data"), 0x1d9b0a6c3e4f000LL);
    ev = find_value(&r, "reg.value", "Path");
    CHECK_STR(tu_str(&r, ev, "data"), "%SystemRoot%\\x");

    ev = find_value(&r, "reg.value", "DefaultConnectionSettings");
    CHECK_STR(tu_str(&r, ev, "type"), "REG_BINARY");
    CHECK(strncmp(tu_str(&r, ev, "data"), "4600000003000000", 16) == 0);
    ev = find_value(&r, "wininet.connection", "DefaultConnectionSettings");
    CHECK_STR(ev ? ev->key : NULL, HKLM_IS "\\Connections");
    CHECK_INT(tu_int(ev, "flags"), 3);
    CHECK_STR(tu_str(&r, ev, "proxy_server"), "myproxy.fqdn:8888");
    CHECK_STR(tu_str(&r, ev, "bypass"), "<local>");
    CHECK_STR(tu_str(&r, ev, "scope"), "machine");
    ev = find_value(&r, "wininet.connection", "SavedLegacySettings");
    CHECK_INT(tu_int(ev, "autodetect"), 1);
    ev = tu_find(&r, "winhttp.proxy", 0);
    CHECK_STR(tu_str(&r, ev, "source"), "registry");
    CHECK_STR(tu_str(&r, ev, "proxy_server"), "a:42");
    CHECK_INT(tu_int(ev, "direct"), 0);
    tu_free(&r);
}

static void
test_japanese_cp932(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/regquery/azure_backup_ja.txt");
    CHECK_STR(r.b.inputs->type, "regquery");
    CHECK_STR(r.b.inputs->encoding, "ansi");
    CHECK(find_value(&r, "reg.value", "@") == NULL); /* (値の設定なし) */
    CHECK_INT(tu_count(&r, "reg.value"), 4);
    CHECK_INT(tu_count(&r, "agent.proxy"), 4);
    const struct md_evidence *ev = tu_find_str(&r, "agent.proxy", "field",
                                               "server");
    CHECK_STR(tu_str(&r, ev, "value"), "http://proxy.contoso.co.jp");
    ev = tu_find_str(&r, "agent.proxy", "field", "port");
    CHECK(ftype(ev, "value") == MD_V_INT);
    CHECK_INT(tu_int(ev, "value"), 8080);
    ev = tu_find_str(&r, "agent.proxy", "field", "user");
    CHECK_STR(tu_str(&r, ev, "value"), "CONTOSO\\svc");
    ev = tu_find_str(&r, "agent.proxy", "field", "password");
    CHECK(ftype(ev, "value") == MD_V_SECRET);
    CHECK(ev && ev->text && !strstr(ev->text, "D08C9DDF"));
    ev = find_value(&r, "reg.value", "ProxyPassword");
    CHECK(ftype(ev, "data") == MD_V_SECRET);
    CHECK_STR(ev ? ev->text : NULL,
              "    ProxyPassword    REG_BINARY    ********");
    /* The localized "End of search" line is said, not hidden. */
    CHECK_INT(tu_ndiags(&r, MD_GRADE_INFO), 1);
    CHECK_INT(tu_ndiags(&r, MD_GRADE_WARN), 0);
    tu_free(&r);
}

static void
test_german_malformed(void)
{
    struct tu_run r;
    tu_parse_file(&r, &md_parser_regquery,
                  "tests/data/regquery/system_de_malformed.txt");
    const struct md_evidence *ev = find_value(&r, "reg.value", "@");
    CHECK_STR(tu_str(&r, ev, "data"), "Standardwert");
    CHECK_STR(tu_str(&r, ev, "scope"), "system");
    CHECK_STR(tu_str(&r, ev, "alias"), ".DEFAULT");
    CHECK_STR(tu_str(&r, ev, "sid"), "S-1-5-18");
    CHECK_INT(tu_count(&r, "wininet.connection"), 0);
    CHECK(has_diag(&r, "cannot decode 'DefaultConnectionSettings' (8 bytes)"));
    CHECK(has_diag(&r, "is not 'NAME    REG_TYPE    DATA'"));
    CHECK(has_diag(&r, "odd number of hex digits in value 'Odd'"));
    CHECK(has_diag(&r, "REG_BINARY data of value 'NotHex' is not hex"));
    CHECK(has_diag(&r, "REG_DWORD data of value 'BadDword' is not 0x"));
    CHECK(has_diag(&r, "reg query reported: ERROR: The system was unable"));
    CHECK(has_diag(&r, "cannot decode 'Trunc'") == false);
    ev = find_value(&r, "reg.value", "Odd");
    CHECK_STR(tu_str(&r, ev, "data"), "ab");
    ev = find_value(&r, "reg.value", "NotHex");
    CHECK_STR(tu_str(&r, ev, "data"), "xyz!");
    ev = find_value(&r, "reg.value", "BadDword");
    CHECK_STR(tu_str(&r, ev, "data"), "12");
    ev = find_value(&r, "reg.value", "SecretPwd");
    CHECK(ftype(ev, "data") == MD_V_SECRET);
    CHECK(ev && ev->text && !strstr(ev->text, "Hunter2"));
    ev = find_value(&r, "reg.value", "Trunc");
    CHECK_STR(tu_str(&r, ev, "data"), "460000000300000003000000110000006d7970");
    tu_free(&r);
}

static void
test_lines(void)
{
    struct tu_run r;
    const char *t =
        "    Early    REG_SZ    x\r\n"
        "HKLM\\SOFTWARE\\Microsoft\\Windows Azure Backup\\Config\r\n"
        "    ProxyEnabled    REG_DWORD    0x0\r\n"
        "    Enabled    REG_SZ    False\r\n"
        "    ProxyPort    REG_SZ    port80\r\n"
        "    Empty    REG_SZ\r\n"
        "    Bypass List    REG_MULTI_SZ    a.com\\0b.com\\0\r\n"
        "\r\n"
        "HKEY_CURRENT_USER\\Software\r\n"
        "    Name with  two spaces    REG_NONE    \r\n";
    tu_parse(&r, &md_parser_regquery, "q.txt", t, strlen(t));
    CHECK(has_diag(&r, "value 'Early' before any key"));
    CHECK_INT(tu_count(&r, "agent.proxy"), 3);
    const struct md_evidence *ev = find_value(&r, "agent.proxy",
                                              "ProxyEnabled");
    CHECK(ftype(ev, "value") == MD_V_BOOL);
    CHECK_INT(tu_int(ev, "value"), 0);
    ev = find_value(&r, "agent.proxy", "Enabled");
    CHECK(ftype(ev, "value") == MD_V_BOOL);
    CHECK_INT(tu_int(ev, "value"), 0);
    ev = find_value(&r, "agent.proxy", "ProxyPort");
    CHECK_STR(tu_str(&r, ev, "value"), "port80");
    ev = find_value(&r, "reg.value", "Empty");
    CHECK_STR(tu_str(&r, ev, "data"), "");
    ev = find_value(&r, "reg.value", "Bypass List");
    CHECK_STR(tu_str(&r, ev, "data"), "a.com\nb.com");
    ev = find_value(&r, "reg.value", "Name with  two spaces");
    CHECK_STR(tu_str(&r, ev, "type"), "REG_NONE");
    CHECK_STR(tu_str(&r, ev, "data"), "");
    CHECK_STR(tu_str(&r, ev, "scope"), "user");
    tu_free(&r);
}

static void
test_bids(void)
{
    struct md_sniff sn = {.path = "q.txt", .base = "q.txt", .enc = 0};
    sn.text = "\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\X\r\n"
              "    ProxyEnable    REG_DWORD    0x1\r\n";
    sn.text_len = strlen(sn.text);
    CHECK_INT(md_parser_regquery.bid(&sn), 90);
    sn.text = "Windows Registry Editor Version 5.00\r\n\r\n"
              "[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\r\n\"A\"=\"b\"\r\n";
    sn.text_len = strlen(sn.text);
    CHECK_INT(md_parser_regquery.bid(&sn), 0);
    sn.text = "HKEY_LOCAL_MACHINE\\SOFTWARE\\X\r\n\r\nsome text\r\n"
              "    indented    REG_SZ    x\r\n";
    sn.text_len = strlen(sn.text);
    CHECK_INT(md_parser_regquery.bid(&sn), 0);
}

int
main(void)
{
    static const struct tu_test tests[] = {
        TU_TEST(test_english), TU_TEST(test_japanese_cp932),
        TU_TEST(test_german_malformed), TU_TEST(test_lines),
        TU_TEST(test_bids),
    };
    return tu_main(tests, sizeof tests / sizeof tests[0]);
}
