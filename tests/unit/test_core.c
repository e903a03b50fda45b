/* Core utilities: status, limits, arena, buffers, redaction, JSON, names. */
#include <stdlib.h>
#include <time.h>

#include "marsdiag/arena.h"
#include "marsdiag/buf.h"
#include "marsdiag/json.h"
#include "marsdiag/limits.h"
#include "marsdiag/names.h"
#include "marsdiag/sha256.h"
#include "marsdiag/status.h"
#include "testutil.h"

static void
test_status_strings(void)
{
    for (int st = 0; st < MD_STATUS_COUNT; st++)
        CHECK(strcmp(md_status_str((enum md_status)st), "unknown status") !=
              0);
    CHECK_STR(md_status_str(MD_STATUS_COUNT), "unknown status");
    CHECK_STR(md_grade_str(MD_GRADE_FAILED), "failed");
}

static void
test_limits(void)
{
    struct md_limits l;
    md_limits_default(&l);
    CHECK_INT(l.depth, 4);
    CHECK_INT(md_limits_set(&l, "depth=7"), 0);
    CHECK_INT(l.depth, 7);
    CHECK_INT(md_limits_set(&l, "line_bytes=64K"), 0);
    CHECK_INT(l.line_bytes, 65536);
    CHECK_INT(md_limits_set(&l, "member_bytes=2G"), 0);
    CHECK_INT(l.member_bytes, 2ULL << 30);
    CHECK_INT(md_limits_set(&l, "nosuch=1"), -1);
    CHECK_INT(md_limits_set(&l, "depth=0"), -1);
    CHECK_INT(md_limits_set(&l, "depth=x"), -1);
    CHECK_INT(md_limits_set(&l, "depth=5Q"), -1);
    CHECK_INT(md_limits_set(&l, "depth"), -1);
    size_t n;
    const struct md_limit_info *t = md_limits_table(&n);
    CHECK(n >= 10);
    for (size_t i = 0; i < n; i++)
        CHECK(t[i].doc[0] != '\0');
}

static void
test_arena(void)
{
    struct md_arena a = MD_ARENA_INIT;
    char *s = md_arena_strdup(&a, "hello");
    CHECK_STR(s, "hello");
    struct md_arena_mark m = md_arena_mark(&a);
    for (int i = 0; i < 10000; i++)
        CHECK(md_arena_alloc(&a, 100) != NULL);
    void *big = md_arena_alloc(&a, 5u << 20);
    CHECK(big != NULL);
    md_arena_rewind(&a, m);
    CHECK_STR(s, "hello"); /* what came before the mark survives */
    CHECK(a.total < (1u << 20));
    /* Rewinding to empty keeps one block: no malloc per record. */
    struct md_arena b = MD_ARENA_INIT;
    struct md_arena_mark z = md_arena_mark(&b);
    md_arena_alloc(&b, 10);
    md_arena_rewind(&b, z);
    size_t kept = b.total;
    md_arena_alloc(&b, 10);
    CHECK_INT(b.total, kept);
    CHECK_STR(md_arena_printf(&b, "%d-%s", 42, "x"), "42-x");
    md_arena_free(&a);
    md_arena_free(&b);
    CHECK_INT(a.total, 0);
}

static void
test_buf(void)
{
    struct md_buf b = MD_BUF_INIT(10);
    CHECK_INT(md_buf_adds(&b, "0123456789"), MD_OK);
    CHECK_INT(md_buf_addc(&b, 'x'), MD_ERR_LIMIT);
    CHECK_STR(b.ptr, "0123456789"); /* unchanged on failure */
    md_buf_reset(&b);
    CHECK_INT(md_buf_printf(&b, "%d", 12345), MD_OK);
    CHECK_STR(b.ptr, "12345");
    md_buf_free(&b);
    struct md_slice s = md_slice_trim(md_slice_of("  \tProxyServer \r\n", 17));
    CHECK(md_slice_ieq(s, "proxyserver"));
    CHECK(md_slice_istarts(s, "PROXY"));
    CHECK(md_slice_iends(s, "SERVER"));
    CHECK_INT(md_slice_ifind(s, "server"), 5);
    CHECK_INT(md_slice_ifind(s, "nope"), -1);
    static const char *const some[] = {"nope", "XYSERV", "p"};
    CHECK(md_slice_ifind_any(s, some, 2));
    CHECK(!md_slice_ifind_any(s, some, 1));
    CHECK(!md_slice_ifind_any(md_slice_of("xyser", 5), some + 1, 1));
    CHECK(md_slice_ifind_any(md_slice_of("..P", 3), some + 2, 1));
    CHECK(!md_slice_ifind_any(md_slice_of("", 0), some, 3));
    CHECK_INT(md_strcasecmp("ABC", "abc"), 0);
    CHECK(md_strcasecmp("abc", "abd") < 0);
}

static const char *
redact(const char *s)
{
    static char out[512];
    size_t n = md_redact(s, strlen(s), out);
    out[n] = '\0';
    return out;
}

static void
test_redact(void)
{
    CHECK_STR(redact("MARSAgentInstaller.exe /q /ph proxy /po 8080 /pu bob "
                     "/pw S3cret!"),
              "MARSAgentInstaller.exe /q /ph proxy /po 8080 /pu bob "
              "/pw *******");
    CHECK_STR(redact("Set-OBMachineSetting -ProxyServer http://p "
                     "-ProxyPassword $spwd"),
              "Set-OBMachineSetting -ProxyServer http://p "
              "-ProxyPassword $spwd");
    /* The flag form with a literal value: masked, "-" or not. */
    CHECK_STR(redact("Set-OBMachineSetting -ProxyPassword hunter22 -Force"),
              "Set-OBMachineSetting -ProxyPassword ******** -Force");
    CHECK_STR(redact("SetMarsProxy -pwd 'a b'"), "SetMarsProxy -pwd '***'");
    CHECK_STR(redact("$p = ConvertTo-SecureString 'P@ssw0rd' -AsPlainText "
                     "-Force"),
              "$p = ConvertTo-SecureString '********' -AsPlainText -Force");
    CHECK_STR(redact("ConvertTo-SecureString -String \"abc\" -AsPlainText"),
              "ConvertTo-SecureString -String \"***\" -AsPlainText");
    CHECK_STR(redact("\"ProxyPassword\"=\"hunter2\""),
              "\"ProxyPassword\"=\"*******\"");
    CHECK_STR(redact("ProxyPassword : topsecretvalue"),
              "ProxyPassword : ********");
    CHECK_STR(redact("{\"ProxyPassword\": \"abc;def\"}"),
              "{\"ProxyPassword\": \"*******\"}");
    CHECK_STR(redact("ProxyServer=http://bob:pa55@proxy:8080/"),
              "ProxyServer=http://bob:****@proxy:8080/");
    /* user:password@host without a scheme, as WinINet's ProxyServer and
     * netsh take it, alone or per protocol */
    CHECK_STR(redact("netsh winhttp set proxy http=bob:Hunter19@p.example:80"),
              "netsh winhttp set proxy http=bob:********@p.example:80");
    CHECK_STR(redact("\"ProxyServer\"=\"http=ann:Hunter22@p:80;"
                     "https=ann:Hunter22@p:443\""),
              "\"ProxyServer\"=\"http=ann:********@p:80;"
              "https=ann:********@p:443\"");
    CHECK_STR(redact("-Value 'carol:Hunter7Secret@p.example:3128'"),
              "-Value 'carol:********@p.example:3128'");
    CHECK_STR(redact("proxy-server=\"corp\\bob:p@ss:w@p:80\""),
              "proxy-server=\"corp\\bob:******@p:80\"");
    /* an address or a user name alone is not a secret */
    CHECK_STR(redact("mail bob@contoso.com at 10:00 @ [::1]:80 a@b:c"),
              "mail bob@contoso.com at 10:00 @ [::1]:80 a@b:c");
    CHECK_STR(redact("http://proxy.corp:8080/proxy.pac"),
              "http://proxy.corp:8080/proxy.pac");
    CHECK_STR(redact("nothing secret here"), "nothing secret here");
    CHECK_STR(redact("SetMarsProxy.exe http://p 8080 user pass"),
              "SetMarsProxy.exe http://p 8080 user pass"); /* positional:
                                                              parser's job */
}

/* A line of 'line_bytes' that is one word full of candidates ("pw" over
 * and over: tests/hostile text-long-line) is scanned once, not once per
 * candidate: that took seconds per megabyte line. The secret after it is
 * still masked. */
static void
test_redact_long_word(void)
{
    size_t n = 256 * 1024;
    const char *tail = " ProxyPassword=hunter2";
    size_t tlen = strlen(tail);
    char *s = malloc(n + tlen), *out = malloc(n + tlen);
    CHECK(s && out);
    if (!s || !out)
        goto out;
    for (size_t i = 0; i < n; i += 2)
        memcpy(s + i, "pw", 2);
    memcpy(s + n, tail, tlen);
    clock_t t0 = clock();
    size_t got = md_redact(s, n + tlen, out);
    double cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;
    CHECK(cpu < 2.0); /* quadratic: tens of seconds; linear: a millisecond */
    CHECK_INT(got, n + tlen);
    CHECK(memcmp(out, s, n) == 0);
    CHECK(memcmp(out + n, " ProxyPassword=*******", tlen) == 0);
out:
    free(s);
    free(out);
}

/* Bundle text printed on a terminal cannot carry escape sequences (a zip
 * member named "esc\x1b[2J\x1b]0;pwned\x07": tests/hostile zip-names). */
static void
test_text_scrub(void)
{
    char s[] = "a\x1b[2J\x1b]0;t\x07\tb\nc\x7f\xc2\x9b"
               "1m\xc2\xa0\xc3\xa9";
    md_text_scrub(s, sizeof s - 1);
    CHECK_STR(s, "a?[2J?]0;t?\tb?c???1m\xc2\xa0\xc3\xa9");
}

static void
test_json(void)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    struct md_json j;
    md_json_init(&j, f, false);
    md_json_obj(&j);
    md_json_key(&j, "s");
    md_json_strz(&j, "a\"b\\c\n\x01\xC3\xA9\xFF");
    md_json_key(&j, "a");
    md_json_arr(&j);
    md_json_int(&j, -5);
    md_json_bool(&j, true);
    md_json_null(&j);
    md_json_end_arr(&j);
    md_json_end_obj(&j);
    fclose(f);
    CHECK_STR(buf, "{\"s\":\"a\\\"b\\\\c\\n\\u0001\xC3\xA9\\\\xFF\","
                   "\"a\":[-5,true,null]}");
    free(buf);
}

static void
test_names(void)
{
    CHECK_INT(md_agent_field_of("proxyserver", 11), MD_AGENT_SERVER);
    CHECK_INT(md_agent_field_of("ProxyUserName", 13), MD_AGENT_USER);
    CHECK_INT(md_agent_field_of("BypassUrls", 10), MD_AGENT_BYPASS);
    CHECK_INT(md_agent_field_of("ProxyServers", 12), MD_AGENT_NONE);
    CHECK_STR(md_agent_field_str(MD_AGENT_PASSWORD), "password");
    CHECK(md_is_agent_key("HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\"
                          "Windows Azure Backup\\Config"));
    CHECK(!md_is_agent_key("HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\"
                           "Windows Azure Backup2"));

    struct md_arena a = MD_ARENA_INIT;
    struct md_regpath rp;
    const char *k = "HKU\\.DEFAULT\\\\Software\\Microsoft\\Windows\\"
                    "CurrentVersion\\Internet Settings\\";
    CHECK(md_regpath_parse(&a, k, strlen(k), &rp));
    CHECK_STR(rp.key, "HKEY_USERS\\S-1-5-18\\Software\\Microsoft\\Windows\\"
                      "CurrentVersion\\Internet Settings");
    CHECK_STR(rp.sid, "S-1-5-18");
    CHECK_STR(rp.alias, ".DEFAULT");
    CHECK_INT(rp.scope, MD_SCOPE_SYSTEM);
    k = "hklm\\SOFTWARE\\Policies\\Microsoft\\Windows\\CurrentVersion\\"
        "Internet Settings";
    CHECK(md_regpath_parse(&a, k, strlen(k), &rp));
    CHECK_INT(rp.scope, MD_SCOPE_POLICY);
    k = "HKEY_USERS\\S-1-5-21-1-2-3-1001\\Software";
    CHECK(md_regpath_parse(&a, k, strlen(k), &rp));
    CHECK_INT(rp.scope, MD_SCOPE_USER);
    CHECK_STR(md_reg_scope_str(rp.scope), "user");
    k = "HKEY_USERS\\S-1-5-20";
    CHECK(md_regpath_parse(&a, k, strlen(k), &rp));
    CHECK_INT(rp.scope, MD_SCOPE_SERVICE);
    k = "HKCU\\Software";
    CHECK(md_regpath_parse(&a, k, strlen(k), &rp));
    CHECK_STR(rp.key, "HKEY_CURRENT_USER\\Software");
    CHECK(!md_regpath_parse(&a, "Software\\x", 10, &rp));
    CHECK(!md_regpath_parse(&a, "HKLMX\\x", 7, &rp));
    md_arena_free(&a);
}

static void
test_sha256(void)
{
    static const char *const want =
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
    const char *msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    struct md_sha256 s;
    md_sha256_init(&s);
    /* Fed in odd pieces, to cross block boundaries. */
    for (size_t i = 0; msg[i]; i += 7)
        md_sha256_update(&s, msg + i, strlen(msg + i) < 7 ? strlen(msg + i)
                                                          : 7);
    unsigned char d[32];
    md_sha256_final(&s, d);
    char hex[65];
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    CHECK_STR(hex, want);

    /* The accelerated and portable block functions agree, whatever the
     * split of the input. */
    size_t n = 1u << 20;
    unsigned char *data = malloc(n), d1[32], d2[32];
    uint32_t x = 12345;
    for (size_t i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        data[i] = (unsigned char)(x >> 16);
    }
    struct md_sha256 a, b;
    md_sha256_init(&a);
    md_sha256_init(&b);
    b.portable = 1;
    md_sha256_update(&a, data, 1000);
    md_sha256_update(&a, data + 1000, n - 1000);
    md_sha256_update(&b, data, n);
    md_sha256_final(&a, d1);
    md_sha256_final(&b, d2);
    CHECK(memcmp(d1, d2, 32) == 0);
    free(data);
}

int
main(void)
{
    static const struct tu_test tests[] = {
        TU_TEST(test_status_strings), TU_TEST(test_limits),
        TU_TEST(test_arena),          TU_TEST(test_buf),
        TU_TEST(test_redact),         TU_TEST(test_redact_long_word),
        TU_TEST(test_text_scrub),     TU_TEST(test_json),
        TU_TEST(test_names),          TU_TEST(test_sha256),
    };
    return tu_main(tests, sizeof tests / sizeof tests[0]);
}
