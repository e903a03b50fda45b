/* Fleet scans: the JSON reader, NDJSON files with torn lines, the shard
 * hash, and the roll-up (order independence, duplicates, masking and
 * escaping in every summary format). */
#include <stdlib.h>

#include "marsdiag/fleet.h"
#include "marsdiag/jsonread.h"
#include "marsdiag/redact.h"
#include "testutil.h"

static void
test_jread(void)
{
    struct md_arena a = MD_ARENA_INIT;
    char err[128];
    const char *doc = " {\"a\": [1, -2, 3.5e2, true, false, null],"
                      " \"s\": \"x\\\"\\\\\\/\\n\\u00e9\\ud83d\\ude00\\udc00\","
                      " \"o\": {\"k\": \"v\"}, \"e\": {}, \"big\": "
                      "12345678901234567890} ";
    const struct md_jval *v = md_jread(&a, doc, strlen(doc), err, sizeof err);
    CHECK(v != NULL);
    const struct md_jval *arr = md_jget(v, "a");
    CHECK(arr && arr->type == MD_J_ARR && arr->n == 6);
    CHECK(arr->items[0].is_int && arr->items[0].i == 1);
    CHECK(arr->items[1].is_int && arr->items[1].i == -2);
    CHECK(!arr->items[2].is_int);
    CHECK_STR(arr->items[2].s, "3.5e2");
    CHECK(arr->items[3].type == MD_J_BOOL && arr->items[3].b);
    CHECK(arr->items[4].type == MD_J_BOOL && !arr->items[4].b);
    CHECK(arr->items[5].type == MD_J_NULL);
    /* Escapes, a surrogate pair, and a lone low surrogate as U+FFFD. */
    CHECK_STR(md_jstr(v, "s"), "x\"\\/\n\xc3\xa9\xf0\x9f\x98\x80\xef\xbf\xbd");
    CHECK_STR(md_jstr(v, "o.k"), "v");
    CHECK(md_jstr(v, "o.nope") == NULL);
    CHECK(md_jget(v, "e")->n == 0);
    CHECK(!md_jget(v, "big")->is_int);

    static const char *const bad[] = {
        "",          "{",           "{\"a\" 1}", "[1,]",       "{\"a\":1,}",
        "tru",       "01",          "1.",        "\"a\\q\"",   "\"\x01\"",
        "[1] [2]",   "{\"a\":1}}",  "-",         "\"\\u12\"",  "nul",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (md_jread(&a, bad[i], strlen(bad[i]), err, sizeof err)) {
            fprintf(stderr, "accepted bad JSON '%s'\n", bad[i]);
            md_test_failures++;
        }
        CHECK(strncmp(err, "byte ", 5) == 0);
    }
    /* Nesting deeper than the limit is an error, not a deep recursion. */
    char deep[2 * MD_JREAD_MAX_DEPTH + 4];
    size_t n = MD_JREAD_MAX_DEPTH + 1;
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    CHECK(md_jread(&a, deep, 2 * n, err, sizeof err) == NULL);
    CHECK(md_jread(&a, deep + 1, 2 * n - 2, err, sizeof err) != NULL);
    md_arena_free(&a);
}

static void
test_shard_hash(void)
{
    /* FNV-1a 64 test vectors (Fowler, Noll, Vo). */
    CHECK(md_fleet_hash("") == 0xcbf29ce484222325u);
    CHECK(md_fleet_hash("a") == 0xaf63dc4c8601ec8cu);
    CHECK(md_fleet_hash("foobar") == 0x85944171f73967e8u);
    unsigned k, n;
    CHECK(md_fleet_shard_parse("0/3", &k, &n) && k == 0 && n == 3);
    CHECK(md_fleet_shard_parse("2/3", &k, &n) && k == 2 && n == 3);
    CHECK(!md_fleet_shard_parse("3/3", &k, &n));
    CHECK(!md_fleet_shard_parse("0/0", &k, &n));
    CHECK(!md_fleet_shard_parse("1", &k, &n));
    CHECK(!md_fleet_shard_parse("-1/3", &k, &n));
    CHECK(!md_fleet_shard_parse("1/3x", &k, &n));
    CHECK(!md_fleet_shard_parse("/3", &k, &n));
    /* Every path lands in exactly one shard, and they are not all in one. */
    size_t count[3] = {0};
    for (int i = 0; i < 300; i++) {
        char p[32];
        snprintf(p, sizeof p, "fleet/HOST%03d_MARS_20261128.zip", i);
        count[md_fleet_hash(p) % 3]++;
    }
    CHECK_INT(count[0] + count[1] + count[2], 300);
    for (int s = 0; s < 3; s++)
        CHECK(count[s] > 50);
}

struct lines {
    char got[8][64];
    uint64_t number[8];
    size_t n;
};

static bool
keep_line(void *user, const char *line, size_t len, uint64_t number)
{
    struct lines *l = user;
    if (l->n < 8) {
        snprintf(l->got[l->n], sizeof l->got[0], "%.*s", (int)len, line);
        l->number[l->n++] = number;
    }
    return true;
}

struct lens {
    size_t len[4], n;
};

static bool
count_len(void *user, const char *line, size_t len, uint64_t number)
{
    struct lens *l = user;
    (void)line;
    (void)number;
    if (l->n < 4)
        l->len[l->n++] = len;
    return true;
}

static void
read_ndjson(const char *text, struct lines *l, uint64_t *complete,
            bool *torn)
{
    memset(l, 0, sizeof *l);
    FILE *f = fmemopen((void *)text, strlen(text), "rb");
    CHECK(md_ndjson_read(f, keep_line, l, complete, torn) == MD_OK);
    fclose(f);
}

static void
test_ndjson_read(void)
{
    struct lines l;
    uint64_t complete;
    bool torn;
    read_ndjson("{\"a\":1}\n\n{\"b\":2}\r\n", &l, &complete, &torn);
    CHECK_INT(l.n, 2);
    CHECK_STR(l.got[0], "{\"a\":1}");
    CHECK_STR(l.got[1], "{\"b\":2}");
    CHECK_INT(l.number[1], 3);
    CHECK(!torn);
    CHECK_INT(complete, 18);
    /* A writer killed mid-line: the fragment is not a line, and complete
     * says where to cut. */
    read_ndjson("{\"a\":1}\n{\"b\":", &l, &complete, &torn);
    CHECK_INT(l.n, 1);
    CHECK(torn);
    CHECK_INT(complete, 8);
    read_ndjson("", &l, &complete, &torn);
    CHECK(l.n == 0 && !torn && complete == 0);

    /* Lines longer than the reader's 64 KiB chunks, and a line end right
     * at a chunk boundary. */
    size_t big = 150000;
    char *text = malloc(big + 64);
    memset(text, 'x', big);
    memcpy(text + 65535, "\n", 1);
    memcpy(text + big, "\nend\n", 6);
    FILE *f = fmemopen(text, big + 5, "rb");
    struct lens ll = {{0}, 0};
    CHECK(md_ndjson_read(f, count_len, &ll, &complete, &torn) == MD_OK);
    fclose(f);
    CHECK_INT(ll.n, 3);
    CHECK_INT(ll.len[0], 65535);
    CHECK_INT(ll.len[1], big - 65536);
    CHECK_INT(ll.len[2], 3);
    CHECK(!torn);
    CHECK_INT(complete, big + 5);
    free(text);
}

/* A report line as batch writes it, with the fields the roll-up reads. */
static char *
report(const char *path, const char *host, const char *proxy_json,
       const char *findings)
{
    char *s = malloc(2048);
    snprintf(s, 2048,
             "{\"schema\":\"marsdiag.report/1\",\"tool\":{\"name\":"
             "\"marsdiag\"},\"input\":{\"path\":\"%s\"},\"host\":{\"name\":%s,"
             "\"agent_version\":\"2.0.9262.0\"},\"effective_proxy\":%s,"
             "\"findings\":[%s],\"stats\":{\"elapsed_ms\":12}}",
             path, host, proxy_json, findings);
    return s;
}

static const char *const finding_err =
    "{\"rule\":\"MP002\",\"severity\":\"error\",\"title\":\"Auth <needed>\","
    "\"suppressed\":false}";
static const char *const finding_warn =
    "{\"rule\":\"MP009\",\"severity\":\"warning\",\"title\":\"Only WinHTTP\","
    "\"suppressed\":false}";
static const char *const finding_waived =
    "{\"rule\":\"MP009\",\"severity\":\"warning\",\"title\":\"Only WinHTTP\","
    "\"suppressed\":true}";

static char *
summary(struct md_fleet *f, enum md_fleet_format fmt)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    CHECK(md_fleet_write(f, fmt, m) == MD_OK);
    fclose(m);
    return buf;
}

static void
add(struct md_fleet *f, const char *line, const char *origin)
{
    char err[128];
    CHECK(md_fleet_add(f, line, strlen(line), origin, NULL, err, sizeof err) ==
          MD_OK);
}

static int ndups;
static void
count_dup(void *user, const char *path, const char *kept, const char *dropped)
{
    (void)user;
    CHECK_STR(path, "b/APP02_MARS_1.zip");
    CHECK_STR(kept, "one:2");
    CHECK_STR(dropped, "two:1");
    ndups++;
}

static void
test_rollup(void)
{
    char *l[5];
    /* A host name with a comma, a quote and markup; a proxy with a
     * password in its URL. */
    l[0] = report("a/weird.zip", "\"we,ird \\\"q\\\" <b>&\"",
                  "{\"source\":\"agent\",\"mode\":\"manual\",\"server\":"
                  "\"http://bob:hunter2@proxy.corp\",\"port\":8080,"
                  "\"credentials\":true}",
                  finding_err);
    l[1] = report("b/APP02_MARS_1.zip", "null",
                  "{\"source\":\"system\",\"mode\":\"pac\",\"pac_url\":"
                  "\"http://pac/x.pac\",\"credentials\":false}",
                  "");
    char findings[512];
    snprintf(findings, sizeof findings, "%s,%s,%s", finding_warn,
             finding_waived, finding_warn);
    l[2] = report("c/=cmd_MARS_2.zip", "null",
                  "{\"source\":\"none\",\"mode\":\"direct\"}", findings);
    l[3] = strdup("{\"schema\":\"marsdiag.report/1\",\"input\":{\"path\":"
                  "\"gone.zip\",\"error\":\"cannot read 'gone.zip'\"},"
                  "\"error\":\"cannot read 'gone.zip'\"}");
    l[4] = report("d/waived.zip", "\"D\"",
                  "{\"source\":\"unknown\",\"mode\":\"unknown\"}",
                  finding_waived);

    /* The same lines in two orders give the same bytes. */
    struct md_fleet *f1 = md_fleet_new(), *f2 = md_fleet_new();
    for (int i = 0; i < 5; i++)
        add(f1, l[i], "one:1");
    for (int i = 4; i >= 0; i--)
        add(f2, l[i], "two:1");
    CHECK(md_fleet_finish(f1, NULL, NULL) == MD_OK);
    CHECK(md_fleet_finish(f2, NULL, NULL) == MD_OK);
    for (int fmt = MD_FLEET_CSV; fmt <= MD_FLEET_HTML; fmt++) {
        char *a = summary(f1, (enum md_fleet_format)fmt);
        char *b = summary(f2, (enum md_fleet_format)fmt);
        CHECK_STR(a, b);
        CHECK(strstr(a, "hunter2") == NULL);
        CHECK(strstr(a, "<b>") == NULL || fmt == MD_FLEET_CSV);
        free(a);
        free(b);
    }
    /* Split over two fleets, one absorbed by the other (batch's
     * workers): the same bytes again. */
    struct md_fleet *f3 = md_fleet_new(), *part = md_fleet_new();
    for (int i = 0; i < 5; i++)
        add(i % 2 ? part : f3, l[i], "three:1");
    CHECK(md_fleet_absorb(f3, part) == MD_OK);
    CHECK(md_fleet_finish(f3, NULL, NULL) == MD_OK);
    for (int fmt = MD_FLEET_CSV; fmt <= MD_FLEET_HTML; fmt++) {
        char *a = summary(f1, (enum md_fleet_format)fmt);
        char *c = summary(f3, (enum md_fleet_format)fmt);
        CHECK_STR(a, c);
        free(a);
        free(c);
    }
    md_fleet_free(f3); /* frees part too */

    struct md_fleet_totals t;
    md_fleet_totals(f1, &t);
    CHECK_INT(t.bundles, 5);
    CHECK_INT(t.unreadable, 1);
    CHECK_INT(t.clean, 2); /* APP02 and the all-waived one */
    CHECK_INT(t.worst[2], 1);
    CHECK_INT(t.worst[1], 1);
    CHECK_INT(t.worst_all, 2);

    char *csv = summary(f1, MD_FLEET_CSV);
    /* Sorted by host: "" (gone.zip) < "=cmd" < APP02 < D < "we,ird...". */
    const char *want =
        "kind,id,host,agent_version,effective_proxy,severity,rules,count,"
        "waived,title,error\r\n"
        "server,gone.zip,,,,unreadable,,0,0,,cannot read 'gone.zip'\r\n"
        "server,c/=cmd_MARS_2.zip,\"'=cmd\",2.0.9262.0,direct,"
        "warning,MP009,2,1,,\r\n"
        "server,b/APP02_MARS_1.zip,APP02,2.0.9262.0,PAC http://pac/x.pac "
        "(system),none,,0,0,,\r\n"
        "server,d/waived.zip,D,2.0.9262.0,unknown,none,,0,1,,\r\n"
        "server,a/weird.zip,\"we,ird \"\"q\"\" <b>&\",2.0.9262.0,"
        "\"http://bob:*******@proxy.corp:8080 (agent, credentials)\","
        "error,MP002,1,0,,\r\n"
        "rule,MP002,,,,error,,1,0,Auth <needed>,\r\n"
        "rule,MP009,,,,warning,,1,1,Only WinHTTP,\r\n";
    CHECK_STR(csv, want);
    free(csv);

    char *md = summary(f1, MD_FLEET_MD);
    CHECK(strstr(md, "| we,ird \"q\" &lt;b&gt;&amp; | 2.0.9262.0 |") != NULL);
    CHECK(strstr(md, "| MP009 | warning | 1 | 1 | Only WinHTTP |") != NULL);
    CHECK(strstr(md, "## Unreadable") != NULL);
    CHECK(strstr(md, "1 finding waived") == NULL); /* two are */
    CHECK(strstr(md, "2 findings waived") != NULL);
    free(md);

    char *html = summary(f1, MD_FLEET_HTML);
    CHECK(strstr(html, "<td>we,ird &quot;q&quot; &lt;b&gt;&amp;</td>") !=
          NULL);
    CHECK(strstr(html, "<script") == NULL);
    CHECK(strstr(html, "http://bob:*******@proxy.corp:8080") != NULL);
    CHECK(strstr(html, "default-src 'none'") != NULL);
    free(html);
    md_fleet_free(f1);
    md_fleet_free(f2);

    /* A bundle in two files counts once; the first line is kept. */
    struct md_fleet *f = md_fleet_new();
    add(f, l[0], "one:1");
    add(f, l[1], "one:2");
    add(f, l[1], "two:1");
    ndups = 0;
    CHECK(md_fleet_finish(f, count_dup, NULL) == MD_OK);
    CHECK_INT(ndups, 1);
    md_fleet_totals(f, &t);
    CHECK_INT(t.bundles, 2);
    md_fleet_free(f);

    /* Lines that are not reports. */
    f = md_fleet_new();
    char err[128];
    const char *path = NULL;
    CHECK(md_fleet_add(f, "{\"schema\":\"other/1\"}", 20, "x", &path, err,
                       sizeof err) == MD_ERR_SYNTAX);
    CHECK_STR(err, "not a marsdiag.report/1 line");
    CHECK(md_fleet_add(f, "{\"schema\":", 10, "x", &path, err, sizeof err) ==
          MD_ERR_SYNTAX);
    CHECK(md_fleet_add(f, l[0], strlen(l[0]), "x", &path, err, sizeof err) ==
          MD_OK);
    CHECK_STR(path, "a/weird.zip");
    md_fleet_free(f);
    for (int i = 0; i < 5; i++)
        free(l[i]);
}

/* A line of 'batch --redact strict': tool.redact, tool.redact_key and
 * input.path_id as it writes them; its names already pseudonyms. */
static char *
strict_report(const char *key_id, const char *path, const char *path_id,
              const char *host, const char *server)
{
    char *s = malloc(2048);
    snprintf(s, 2048,
             "{\"schema\":\"marsdiag.report/1\",\"tool\":{\"name\":"
             "\"marsdiag\",\"redact\":\"strict\",\"redact_key\":\"%s\"},"
             "\"input\":{\"path\":\"%s\",\"path_id\":\"%s\"},\"host\":"
             "{\"name\":\"%s\",\"agent_version\":\"2.0.9262.0\"},"
             "\"effective_proxy\":{\"source\":\"agent\",\"mode\":"
             "\"manual\",\"server\":\"%s\",\"port\":8080},"
             "\"findings\":[]}",
             key_id, path, path_id, host, server);
    return s;
}

static void
test_redaction(void)
{
    /* The key of test_hmac.c, whose pseudonyms were computed there. */
    static const char key[] = "marsdiag test key";
    struct md_redactor *tmpl = md_redactor_new_keyed(key, strlen(key));
    const char *kid = md_redactor_key_id(tmpl);
    char *l[4];
    /* Two strict lines of one bundle (two shards given it), one of a
     * bundle whose pseudonym path is the same (a name differing only in
     * case), and an unredacted line of another server. */
    l[0] = strict_report(kid, "c/host-8d29a74dd6.example_MARS_1.zip", "00aa",
                         "host-8d29a74dd6.example", "host-c640387cab.example");
    l[1] = strict_report(kid, "c/host-8d29a74dd6.example_MARS_1.zip", "00bb",
                         "host-8d29a74dd6.example", "host-c640387cab.example");
    l[2] = report("cases/FS01_MARS_2.zip", "\"FS01\"",
                  "{\"source\":\"agent\",\"mode\":\"manual\",\"server\":"
                  "\"proxy.contoso.local\",\"port\":8080}",
                  "");
    l[3] = strict_report(kid, "c/host-8d29a74dd6.example_MARS_1.zip", "00aa",
                         "host-8d29a74dd6.example", "host-c640387cab.example");
    struct md_fleet *f = md_fleet_new();
    md_fleet_redact(f, tmpl);
    char err[128];
    const char *id;
    CHECK(md_fleet_add(f, l[0], strlen(l[0]), "s0:1", &id, err, sizeof err) ==
          MD_OK);
    CHECK_STR(id, "00aa"); /* what --resume matches */
    add(f, l[1], "s0:2");
    add(f, l[2], "p1:1");
    add(f, l[3], "s1:1"); /* the same path id: a duplicate */
    CHECK(md_fleet_finish(f, NULL, NULL) == MD_OK);
    struct md_fleet_totals t;
    md_fleet_totals(f, &t);
    CHECK_INT(t.bundles, 3);
    char *csv = summary(f, MD_FLEET_CSV);
    /* The unredacted line's names got the keyed pseudonyms the strict
     * lines carry (the same server, the same proxy); nothing of the
     * names is left. */
    const char *want =
        "kind,id,host,agent_version,effective_proxy,severity,rules,count,"
        "waived,title,error\r\n"
        "server,c/host-8d29a74dd6.example_MARS_1.zip,host-8d29a74dd6.example,"
        "2.0.9262.0,host-c640387cab.example:8080 (agent),none,,0,0,,\r\n"
        "server,c/host-8d29a74dd6.example_MARS_1.zip,host-8d29a74dd6.example,"
        "2.0.9262.0,host-c640387cab.example:8080 (agent),none,,0,0,,\r\n"
        "server,cases/host-8d29a74dd6.example_MARS_2.zip,"
        "host-8d29a74dd6.example,2.0.9262.0,host-c640387cab.example:8080 "
        "(agent),none,,0,0,,\r\n";
    CHECK_STR(csv, want);
    free(csv);
    struct md_fleet_redaction rd;
    md_fleet_redaction(f, &rd);
    CHECK_INT(rd.strict, 2);
    CHECK_INT(rd.plain, 1);
    CHECK_INT(rd.redacted, 1);
    CHECK_INT(rd.numbered, 0);
    CHECK_INT(rd.keys, 1);
    CHECK_STR(rd.key[0], kid);
    CHECK(!rd.other_key);
    md_fleet_free(f);

    /* Without md_fleet_redact the names stay; two keys and a numbered
     * line are told apart. */
    char *o = strict_report("0123456789", "x.zip", "11", "host-x.example", "p");
    char *numbered = strdup(
        "{\"schema\":\"marsdiag.report/1\",\"tool\":{\"redact\":"
        "\"strict\"},\"input\":{\"path\":\"host-1.example_MARS_1.zip\"},"
        "\"effective_proxy\":{},\"findings\":[]}");
    f = md_fleet_new();
    /* a line with a schema and a path only is not a report of a bundle
     * (--resume would count its bundle done) */
    static const char stub[] = "{\"schema\":\"marsdiag.report/1\","
                               "\"input\":{\"path\":\"x.zip\"}}";
    char why[128];
    CHECK_INT(md_fleet_add(f, stub, strlen(stub), "s:1", NULL, why,
                           sizeof why),
              MD_ERR_SYNTAX);
    CHECK(strstr(why, "not a whole report") != NULL);
    add(f, l[0], "a:1");
    add(f, l[2], "b:1");
    add(f, o, "c:1");
    add(f, numbered, "d:1");
    CHECK(md_fleet_finish(f, NULL, NULL) == MD_OK);
    md_fleet_redaction(f, &rd);
    CHECK_INT(rd.strict, 3);
    CHECK_INT(rd.plain, 1);
    CHECK_INT(rd.redacted, 0);
    CHECK_INT(rd.numbered, 1);
    CHECK_INT(rd.keys, 2);
    csv = summary(f, MD_FLEET_CSV);
    CHECK(strstr(csv, ",FS01,") != NULL);
    CHECK(strstr(csv, "proxy.contoso.local:8080") != NULL);
    free(csv);
    md_fleet_free(f);
    /* With a template of another key, its strict lines are flagged. */
    struct md_redactor *other = md_redactor_new_keyed("k2", 2);
    f = md_fleet_new();
    md_fleet_redact(f, other);
    add(f, l[0], "a:1");
    add(f, l[2], "b:1");
    CHECK(md_fleet_finish(f, NULL, NULL) == MD_OK);
    md_fleet_redaction(f, &rd);
    CHECK(rd.other_key);
    md_fleet_free(f);
    md_redactor_free(other);
    md_redactor_free(tmpl);
    for (int i = 0; i < 4; i++)
        free(l[i]);
    free(o);
    free(numbered);
}

int
main(void)
{
    static const struct tu_test tests[] = {
        TU_TEST(test_jread),       TU_TEST(test_shard_hash),
        TU_TEST(test_ndjson_read), TU_TEST(test_rollup),
        TU_TEST(test_redaction),
    };
    return tu_main(tests, sizeof tests / sizeof tests[0]);
}
