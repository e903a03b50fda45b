/* Tests of the .NET configuration parser (parsers/dotnetcfg). */
#include <stdlib.h>

#include "testutil.h"

extern const struct md_parser md_parser_dotnetcfg;

#define XP "/configuration/system.net/defaultProxy"

static bool
has_diag(const struct tu_run *r, enum md_grade g, const char *text)
{
    for (const struct md_input *in = r->b.inputs; in; in = in->next)
        for (const struct md_diag *d = in->diags; d; d = d->next)
            if (d->grade == g && strstr(d->msg, text))
                return true;
    return false;
}

static void
test_cbengine(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/dotnetcfg/CBEngine.exe.config");
    CHECK_STR(r.b.inputs->type, "dotnetcfg");
    CHECK_INT(tu_ndiags(&r, MD_GRADE_INFO), 0);
    CHECK_INT(tu_count(&r, "dotnet.proxy"), 1);
    const struct md_evidence *ev = tu_find(&r, "dotnet.proxy", 0);
    CHECK(ev != NULL);
    if (ev) {
        CHECK_INT(ev->line, 8);
        CHECK_STR(ev->xpath, XP);
        CHECK_INT(tu_int(ev, "enabled"), 1);
        CHECK_INT(tu_int(ev, "use_default_credentials"), 0);
        CHECK_INT(tu_int(ev, "has_proxy"), 1);
        CHECK_INT(tu_int(ev, "usesystemdefault"), 0);
        CHECK_STR(tu_str(&r, ev, "proxyaddress"),
                  "http://proxy.contoso.local:3128");
        CHECK_INT(tu_int(ev, "bypassonlocal"), 1);
        CHECK(md_ev_field(ev, "autodetect") == NULL);
        CHECK(md_ev_field(ev, "scriptlocation") == NULL);
        CHECK(ev->text && strstr(ev->text, "<proxy usesystemdefault"));
    }
    CHECK_INT(tu_count(&r, "dotnet.bypass"), 3);
    ev = tu_find_str(&r, "dotnet.bypass", "address", "*.windows.net");
    CHECK(ev != NULL);
    if (ev) {
        CHECK_INT(ev->line, 16);
        CHECK_STR(ev->xpath, XP "/bypasslist/add");
        CHECK_STR(tu_str(&r, ev, "action"), "add");
        CHECK_STR(ev->text, "<add address=\"*.windows.net\" />");
    }
    CHECK(tu_find_str(&r, "dotnet.bypass", "address",
                      "[a-z]+\\.contoso\\.local$") != NULL);
    /* appSettings/add is not a bypass entry */
    CHECK(tu_find_str(&r, "dotnet.bypass", "address", "Verbose") == NULL);
    CHECK_INT(tu_count(&r, "dotnet.module"), 0);
    tu_free(&r);
}

static void
test_disabled(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL,
                  "tests/data/dotnetcfg/"
                  "OBRecoveryServicesManagementAgent.exe.config");
    const struct md_evidence *ev = tu_find(&r, "dotnet.proxy", 0);
    CHECK(ev != NULL);
    if (ev) {
        CHECK_INT(ev->line, 4);
        CHECK_INT(tu_int(ev, "enabled"), 0);
        CHECK(md_ev_field(ev, "use_default_credentials") == NULL);
        CHECK_INT(tu_int(ev, "has_proxy"), 0);
        CHECK(md_ev_field(ev, "proxyaddress") == NULL);
    }
    CHECK_INT(r.nev, 1);
    tu_free(&r);
}

static void
test_machine_config(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/dotnetcfg/machine.config");
    CHECK_STR(r.b.inputs->type, "dotnetcfg");
    CHECK_INT(tu_ndiags(&r, MD_GRADE_INFO), 0);
    /* the example in the comment and <section name="defaultProxy"> do not
     * count */
    CHECK_INT(tu_count(&r, "dotnet.proxy"), 1);
    const struct md_evidence *ev = tu_find(&r, "dotnet.proxy", 0);
    if (ev) {
        CHECK_INT(ev->line, 21);
        CHECK_INT(tu_int(ev, "use_default_credentials"), 1);
        CHECK_INT(tu_int(ev, "usesystemdefault"), 1);
        CHECK_STR(tu_str(&r, ev, "autodetect"), "Unspecified");
        CHECK(md_ev_field(ev, "enabled") == NULL);
        CHECK(md_ev_field(ev, "proxyaddress") == NULL);
    }
    ev = tu_find(&r, "dotnet.module", 0);
    CHECK(ev != NULL);
    if (ev) {
        CHECK_INT(ev->line, 23);
        CHECK_STR(ev->xpath, XP "/module");
        CHECK_STR(tu_str(&r, ev, "type"),
                  "Contoso.Net.ProxyModule, Contoso.Net");
    }
    CHECK(tu_find_str(&r, "dotnet.proxy", "proxyaddress",
                      "http://ignored:1") == NULL);
    tu_free(&r);
}

static void
test_no_system_net(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/dotnetcfg/web.config");
    CHECK_STR(r.b.inputs->type, "dotnetcfg");
    CHECK_INT(r.nev, 0);
    CHECK_INT(tu_ndiags(&r, MD_GRADE_INFO), 0);
    CHECK_STR(md_input_status(r.b.inputs), "parsed");
    tu_free(&r);
}

static void
test_utf16(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/dotnetcfg/utf16.exe.config");
    CHECK_STR(r.b.inputs->type, "dotnetcfg");
    CHECK_STR(r.b.inputs->encoding, "utf-16le");
    CHECK_INT(tu_ndiags(&r, MD_GRADE_INFO), 0);
    const struct md_evidence *ev = tu_find(&r, "dotnet.proxy", 0);
    CHECK(ev != NULL);
    if (ev) {
        CHECK_INT(ev->line, 4);
        CHECK_INT(tu_int(ev, "use_default_credentials"), 1);
        CHECK_STR(tu_str(&r, ev, "proxyaddress"), "http://10.1.2.3:8080");
        CHECK_INT(tu_int(ev, "bypassonlocal"), 0);
    }
    ev = tu_find(&r, "dotnet.bypass", 0);
    CHECK(ev && ev->line == 7);
    tu_free(&r);
}

static void
test_malformed(void)
{
    struct tu_run r;
    tu_parse_file(&r, NULL, "tests/data/dotnetcfg/malformed.exe.config");
    /* the entry before the damage stays; the unfinished defaultProxy is
     * not reported */
    CHECK_INT(tu_count(&r, "dotnet.bypass"), 1);
    CHECK_INT(tu_count(&r, "dotnet.proxy"), 0);
    const struct md_diag *d = r.b.inputs->diags;
    CHECK(d != NULL);
    if (d) {
        CHECK_INT(d->grade, MD_GRADE_FAILED);
        CHECK_INT(d->line, 7);
        CHECK(strstr(d->msg, "malformed xml") != NULL);
    }
    CHECK_STR(md_input_status(r.b.inputs), "damaged");
    tu_free(&r);

    const char *cut = "<configuration>\n<system.net>\n<defaultProxy>\n"
                      "<proxy proxyaddress=\"http://p:1\"/>\n";
    tu_parse(&r, &md_parser_dotnetcfg, "x.config", cut, strlen(cut));
    CHECK(has_diag(&r, MD_GRADE_FAILED,
                   "element 'defaultProxy' (line 3) is not closed"));
    CHECK_INT(r.nev, 0);
    tu_free(&r);
}

static void
test_inline_cases(void)
{
    struct tu_run r;
    /* several defaultProxy elements, odd values, comments, a password */
    const char *doc =
        "<configuration><system.net>\n"
        "<!-- <defaultProxy enabled=\"true\"/> -->\n"
        "<defaultProxy enabled=\" yes \"><proxy autoDetect=\"TRUE\" "
        "scriptLocation=\"http://wpad/wpad.dat\" "
        "ProxyAddress=\"http://u:s3cret@p:8080\"/>\n"
        "<bypasslist><clear/><add address=\"a\"/><remove address=\"a\"/>"
        "<add/></bypasslist></defaultProxy>\n"
        "<defaultProxy/>\n"
        "</system.net></configuration>";
    tu_parse(&r, &md_parser_dotnetcfg, "app.exe.config", doc, strlen(doc));
    CHECK_INT(tu_count(&r, "dotnet.proxy"), 2);
    const struct md_evidence *ev = tu_find(&r, "dotnet.proxy", 0);
    if (ev) {
        CHECK_INT(ev->line, 3);
        CHECK_STR(tu_str(&r, ev, "enabled"), " yes ");
        CHECK_INT(tu_int(ev, "autodetect"), 1);
        CHECK_STR(tu_str(&r, ev, "scriptlocation"), "http://wpad/wpad.dat");
        CHECK_STR(tu_str(&r, ev, "proxyaddress"), "http://u:******@p:8080");
        CHECK(ev->text && !strstr(ev->text, "s3cret"));
    }
    ev = tu_find(&r, "dotnet.proxy", 1);
    if (ev) {
        CHECK_INT(ev->line, 5);
        CHECK_INT(tu_int(ev, "has_proxy"), 0);
        CHECK_INT(ev->nfields, 1);
    }
    CHECK_INT(tu_count(&r, "dotnet.bypass"), 4);
    ev = tu_find(&r, "dotnet.bypass", 0);
    CHECK(ev && strcmp(tu_str(&r, ev, "action"), "clear") == 0 &&
          !md_ev_field(ev, "address"));
    ev = tu_find_str(&r, "dotnet.bypass", "action", "remove");
    CHECK(ev && strcmp(tu_str(&r, ev, "address"), "a") == 0);
    CHECK(has_diag(&r, MD_GRADE_WARN, "<add> without 'address'"));
    CHECK(!tu_find_str(&r, "dotnet.proxy", "enabled", "true"));
    tu_free(&r);

    /* Element names are case-sensitive in .NET: warned, not read. */
    const char *cased = "<configuration><system.net><defaultproxy "
                        "enabled=\"true\"/></system.net></configuration>";
    tu_parse(&r, &md_parser_dotnetcfg, "a.config", cased, strlen(cased));
    CHECK_INT(r.nev, 0);
    CHECK(has_diag(&r, MD_GRADE_WARN, "'defaultproxy' is not 'defaultProxy'"));
    tu_free(&r);

    /* defaultProxy outside system.net, or system.net not under the root */
    const char *stray = "<configuration><defaultProxy enabled=\"true\"/>"
                        "<x><system.net><defaultProxy/></system.net></x>"
                        "</configuration>";
    tu_parse(&r, &md_parser_dotnetcfg, "a.config", stray, strlen(stray));
    CHECK_INT(r.nev, 0);
    tu_free(&r);
}

static void
test_bids(void)
{
    struct tu_run r;
    const char *cfg = "<?xml version=\"1.0\"?>\n<configuration/>\n";
    const char *names[] = {"CBEngine.exe.config", "web.config",
                           "OBRecoveryServicesManagementAgent.exe.config",
                           "app.xml"};
    for (size_t i = 0; i < 4; i++) {
        tu_parse(&r, NULL, names[i], cfg, strlen(cfg));
        CHECK_STR(r.b.inputs->type, "dotnetcfg");
        tu_free(&r);
    }
    /* .config but not XML: not ours */
    const char *ini = "[section]\nkey=value\n";
    tu_parse(&r, NULL, "foo.config", ini, strlen(ini));
    CHECK(!r.b.inputs->type ||
          strcmp(r.b.inputs->type, "dotnetcfg") != 0);
    tu_free(&r);
}

int
main(void)
{
    static const struct tu_test tests[] = {
        TU_TEST(test_cbengine),     TU_TEST(test_disabled),
        TU_TEST(test_machine_config), TU_TEST(test_no_system_net),
        TU_TEST(test_utf16),        TU_TEST(test_malformed),
        TU_TEST(test_inline_cases), TU_TEST(test_bids),
    };
    return tu_main(tests, sizeof tests / sizeof tests[0]);
}
