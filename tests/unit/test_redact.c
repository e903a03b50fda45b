/*
 * Redaction (redact.h): passwords in text and in hex blobs with or without
 * a redactor; with a strict one, pseudonyms for the shapes found in text,
 * for values learnt from records and verdicts, what is kept, consistency;
 * and the escaping helpers of the SARIF and Markdown writers.
 */
#include <stdlib.h>
#include <string.h>

#include "marsdiag/engine.h"
#include "marsdiag/markdown.h"
#include "marsdiag/redact.h"
#include "marsdiag/sarif.h"
#include "testutil.h"

/* Apply r to s; the result lives until the next call. */
static const char *
red(const struct md_redactor *r, const char *s)
{
    static char *last;
    free(last);
    last = md_redactor_apply(r, s, strlen(s), NULL);
    return last ? last : "(nomem)";
}

/* A record with text and up to four string fields (name, value pairs). */
static struct md_evidence
record(const char *kind, const char *text, const char *const *fields,
       size_t nfields)
{
    struct md_evidence ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = kind;
    ev.text = text;
    ev.text_len = text ? strlen(text) : 0;
    for (size_t i = 0; i < nfields; i++) {
        ev.fields[i].name = fields[2 * i];
        ev.fields[i].type = MD_V_STR;
        ev.fields[i].s = fields[2 * i + 1];
        ev.fields[i].len = strlen(fields[2 * i + 1]);
    }
    ev.nfields = nfields;
    return ev;
}

/* A strict redactor that has seen the strings texts[]. */
static struct md_redactor *
learnt(const char *const *texts, size_t n)
{
    struct md_redactor *r = md_redactor_new();
    for (size_t i = 0; r && i < n; i++) {
        struct md_evidence ev = record("log.record", texts[i], NULL, 0);
        CHECK_INT(md_redactor_add_evidence(r, &ev), MD_OK);
    }
    return r;
}

static void
test_secrets_only(void)
{
    CHECK_STR(red(NULL, "ProxyPassword=Hunter2x and more"),
              "ProxyPassword=******** and more");
    CHECK_STR(red(NULL, "via http://bob:Hunter2x@proxy.contoso.com:8080/"),
              "via http://bob:********@proxy.contoso.com:8080/");
    /* Names stay without a redactor. */
    CHECK_STR(red(NULL, "proxy.contoso.com 10.1.2.3"),
              "proxy.contoso.com 10.1.2.3");
    /* A blob holding http://u:pw@h (as DefaultConnectionSettings does):
     * the string's bytes become '*' (2a) in every hex form. */
    const char *url = "http://u:Secret9@h1";
    char plain[128] = "", list[256] = "hex:", u16[512] = "";
    for (const char *p = url; *p; p++) {
        char b[8];
        snprintf(b, sizeof b, "%02x", (unsigned char)*p);
        strcat(plain, b);
        snprintf(b, sizeof b, "%02x%s", (unsigned char)*p, p[1] ? "," : "");
        strcat(list, b);
        snprintf(b, sizeof b, "%02X00", (unsigned char)*p);
        strcat(u16, b);
    }
    char in[600];
    snprintf(in, sizeof in, "46000000%s0000", plain);
    const char *o = red(NULL, in);
    CHECK(strstr(o, "2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a") != NULL);
    CHECK(strstr(o, "536563726574") == NULL); /* "Secret" */
    snprintf(in, sizeof in, "\"DefaultConnectionSettings\"=%s", list);
    o = red(NULL, in);
    CHECK(strstr(o, "53,65,63,72,65,74") == NULL);
    CHECK(strstr(o, "2a,2a,2a") != NULL);
    snprintf(in, sizeof in, "REG_BINARY    %s", u16);
    o = red(NULL, in);
    CHECK(strstr(o, "5300650063007200") == NULL);
    CHECK(strstr(o, "2A002A00") != NULL);
    /* Hex without a secret is left alone. */
    CHECK_STR(red(NULL, "hex:46,00,00,00,68,74,74,70"),
              "hex:46,00,00,00,68,74,74,70");
}

static void
test_shapes(void)
{
    static const char *const texts[] = {
        "connect to proxy.contoso.local:8080 from 10.20.30.40 failed",
        "via http://jdoe:Hunter2x@gw.corp.fabrikam.org and fe80::1%12",
        "Username: CONTOSO\\svc-mars",
        "Machine: FS01 (Microsoft Windows NT 10.0)",
        "profile C:\\Users\\Jane Doe\\AppData and \\\\files01\\share",
        "sid S-1-5-21-1-2-3-1104 and S-1-5-18",
        "mail admin@contoso.com",
    };
    struct md_redactor *r = learnt(texts, sizeof texts / sizeof texts[0]);
    CHECK_STR(red(r, texts[0]),
              "connect to host-1.example:8080 from 192.0.2.1 failed");
    CHECK_STR(red(r, texts[1]),
              "via http://user-1:********@host-2.example and 2001:db8::1");
    CHECK_STR(red(r, texts[2]), "Username: domain-1\\user-2");
    CHECK_STR(red(r, texts[3]), "Machine: host-3.example (Microsoft Windows "
                                "NT 10.0)");
    CHECK_STR(
        red(r, texts[4]),
        "profile C:\\Users\\user-3\\AppData and \\\\host-4.example\\share");
    CHECK_STR(red(r, texts[5]), "sid S-1-5-21-0-0-0-1001 and S-1-5-18");
    CHECK_STR(red(r, texts[6]), "mail user-4@host-5.example");
    /* The same value, anywhere later: the same pseudonym, any case for a
     * dotted name. */
    CHECK_STR(red(r, "PROXY.CONTOSO.LOCAL 10.20.30.40 fs01 FS01"),
              "host-1.example 192.0.2.1 host-3.example host-3.example");
    /* A known dotless name inside a file name. */
    CHECK_STR(red(r, "PowerShell_transcript.FS01.Xq3v9dJ1.txt"),
              "PowerShell_transcript.host-3.example.Xq3v9dJ1.txt");
    CHECK_INT(md_redactor_count(r), 13);
    md_redactor_free(r);
}

static void
test_kept(void)
{
    static const char *const texts[] = {
        "https://pod01-manag1.jpe.backup.windowsazure.com "
        "login.microsoftonline.com www.microsoft.com x.blob.core.windows.net",
        "127.0.0.1 0.0.0.0 192.0.2.7 ::1 example.com localhost",
        "System.Net.WebException at CBEngine.exe.config in "
        "WindowsAzureBackup.reg and README.md, version 2.0.9262.0",
        "log.tls_failure.count agent.proxy.server host.name",
        "The proxy answered: Proxy Authentication Required",
    };
    struct md_redactor *r = learnt(texts, sizeof texts / sizeof texts[0]);
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
        CHECK_STR(red(r, texts[i]), texts[i]);
    CHECK_INT(md_redactor_count(r), 0);
    md_redactor_free(r);
}

static void
test_known_values(void)
{
    struct md_redactor *r = md_redactor_new();
    /* The agent's proxy is a bare name; its user a DOMAIN\user; the
     * bypass list a .NET regex. */
    static const char *const f1[] = {"field", "server", "value",
                                     "http://proxy01:3128"};
    static const char *const f2[] = {"field", "user", "value",
                                     "CORP\\backup-svc"};
    static const char *const f3[] = {"address", "intranet\\.corp\\.lan"};
    struct md_evidence e1 = record("agent.proxy", NULL, f1, 2);
    struct md_evidence e2 = record("agent.proxy", NULL, f2, 2);
    struct md_evidence e3 = record("dotnet.bypass", NULL, f3, 1);
    CHECK_INT(md_redactor_add_evidence(r, &e1), MD_OK);
    CHECK_INT(md_redactor_add_evidence(r, &e2), MD_OK);
    CHECK_INT(md_redactor_add_evidence(r, &e3), MD_OK);
    CHECK_STR(red(r, "ProxyServer proxy01 PROXY01 and Proxy01"),
              "ProxyServer host-1.example host-1.example and Proxy01");
    CHECK_STR(red(r, "as CORP\\backup-svc"), "as domain-1\\user-1");
    CHECK_STR(red(r, "<add address=\"intranet\\.corp\\.lan\" />"),
              "<add address=\"host-2.example\" />");
    /* A common word is never taken for a name, even as a setting. */
    static const char *const f4[] = {"field", "server", "value", "proxy"};
    struct md_evidence e4 = record("agent.proxy", NULL, f4, 2);
    CHECK_INT(md_redactor_add_evidence(r, &e4), MD_OK);
    CHECK_STR(red(r, "the proxy answered"), "the proxy answered");
    /* Not learnt, found by shape: a placeholder, never the name. */
    CHECK_STR(red(r, "gw.other.com 10.9.9.9"), "host-x.example 192.0.2.0");
    md_redactor_free(r);
}

/* A real verdict: the machine from the bundle's name, the PAC host from
 * the model, the same in every string. */
static void
test_verdict(void)
{
    struct md_limits lim;
    md_limits_default(&lim);
    const struct md_engine *e = tu_engine();
    struct md_scan_opts so = {0};
    so.limits = lim;
    struct md_verdict v;
    const char *src = getenv("MD_SRC");
    char path[1024];
    snprintf(path, sizeof path,
             "%s/samples/scenarios/09-pac-plus-auth/"
             "SQL09_MARS_20261128.zip",
             src ? src : ".");
    CHECK_INT(md_engine_scan(e, path, &so, &v), MD_OK);
    struct md_redactor *r = md_redactor_new();
    CHECK_INT(md_redactor_add_verdict(r, &v), MD_OK);
    CHECK_STR(red(r, "SQL09_MARS_20261128.zip"),
              "host-1.example_MARS_20261128.zip");
    const char *pac = red(r, "http://pac.contoso.local/proxy.pac");
    CHECK(strncmp(pac, "http://host-", 12) == 0 &&
          strstr(pac, ".example/proxy.pac") != NULL);
    for (size_t i = 0; i < v.nfindings; i++) {
        const char *m = red(r, v.findings[i].message);
        CHECK(strstr(m, "contoso") == NULL);
    }
    md_redactor_free(r);
    md_verdict_free(&v);
}

static void
test_sarif_uri(void)
{
    char out[256];
    CHECK_INT(md_sarif_uri("Logs\\My Logs/r\xc3\xa9sum\xc3\xa9:1#x.reg", out,
                           sizeof out),
              strlen("Logs/My%20Logs/r%C3%A9sum%C3%A9%3A1%23x.reg"));
    CHECK_STR(out, "Logs/My%20Logs/r%C3%A9sum%C3%A9%3A1%23x.reg");
    CHECK_INT(md_sarif_uri("a b", out, 3), 5); /* cut, still terminated */
    CHECK_STR(out, "a%");
}

/* What a Markdown helper writes, as a string. */
static const char *
md(void (*fn)(FILE *, const char *, size_t), const char *s)
{
    static char *buf;
    size_t len;
    free(buf);
    buf = NULL;
    FILE *f = open_memstream(&buf, &len);
    fn(f, s, strlen(s));
    fclose(f);
    return buf;
}

static void
code_cell(FILE *f, const char *s, size_t len)
{
    md_md_code(f, s, len, 1);
}

static void
code_span(FILE *f, const char *s, size_t len)
{
    md_md_code(f, s, len, 0);
}

static void
test_markdown(void)
{
    CHECK_STR(md(md_md_text, "a *b* [c](d) <e> x|y `z` 1_2 \\"),
              "a \\*b\\* \\[c\\](d) \\<e\\> x\\|y \\`z\\` 1\\_2 \\\\");
    CHECK_STR(md(md_md_text, "# not a title"), "\\# not a title");
    CHECK_STR(md(md_md_text, "1. not a list"), "1\\. not a list");
    CHECK_STR(md(md_md_text, "12) nor this, 3. but this"),
              "12\\) nor this, 3. but this");
    CHECK_STR(md(code_span, "a`b"), "``a`b``");
    CHECK_STR(md(code_span, "`x`"), "`` `x` ``");
    CHECK_STR(md(code_cell, "a|b\nc"), "`a\\|b c`");
    CHECK_STR(md(md_md_block, "x ``` y\n"), "````\nx ``` y\n````\n");
}

int
main(void)
{
    static const struct tu_test tests[] = {
        TU_TEST(test_secrets_only), TU_TEST(test_shapes),
        TU_TEST(test_kept),         TU_TEST(test_known_values),
        TU_TEST(test_verdict),      TU_TEST(test_sarif_uri),
        TU_TEST(test_markdown),
    };
    return tu_main(tests, sizeof tests / sizeof tests[0]);
}
