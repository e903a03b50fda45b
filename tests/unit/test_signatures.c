/*
 * Tests of the log signature matcher (marsdiag/signatures.h) and of the
 * shipped rules/pack/signatures.yml: every category fires on realistic
 * CBEngine lines in English and Japanese, near misses do not, every
 * signature matches its own examples, the prefilter never changes a
 * result (checked against running every pattern on a generated corpus),
 * load errors carry file:line:column, and matching from several threads
 * gives the single-threaded answer.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "marsdiag/signatures.h"
#include "testutil.h"

#define PACK "rules/pack/signatures.yml"
#define MAXSIG 512

/* ---- helpers ------------------------------------------------------------ */

struct errs {
    char text[8192];
    size_t len;
};

static void
collect_err(void *user, const char *file, unsigned line, unsigned col,
            const char *msg)
{
    struct errs *e = user;
    int n = snprintf(e->text + e->len, sizeof e->text - e->len,
                     "%s:%u:%u: %s\n", file, line, col, msg);
    if (n > 0 && (size_t)n < sizeof e->text - e->len)
        e->len += (size_t)n;
}

static void
print_err(void *user, const char *file, unsigned line, unsigned col,
          const char *msg)
{
    (void)user;
    fprintf(stderr, "%s:%u:%u: %s\n", file, line, col, msg);
}

static struct md_sigset *
load_text(const char *name, const char *text, struct errs *e)
{
    size_t nerr = 0;
    struct md_limits lim;
    md_limits_default(&lim);
    struct md_sigset *s = md_sigset_load(name, text, strlen(text), &lim,
                                         e ? collect_err : print_err, e,
                                         &nerr);
    CHECK((s != NULL) == (nerr == 0));
    return s;
}

static struct md_sigset *
load_pack(void)
{
    size_t len;
    unsigned char *text = tu_read_file(PACK, &len);
    struct md_limits lim;
    md_limits_default(&lim);
    size_t nerr = 0;
    struct md_sigset *s = md_sigset_load(PACK, (const char *)text, len, &lim,
                                         print_err, NULL, &nerr);
    free(text);
    CHECK_INT(nerr, 0);
    if (!s) {
        fprintf(stderr, "cannot load %s\n", PACK);
        exit(1);
    }
    return s;
}

/* Which signatures and categories matched one text. */
struct hits {
    unsigned char sig[MAXSIG];
    unsigned char cat[MD_SIG_NCATEGORIES];
    size_t n;
    size_t last; /* to check index order */
    int ordered;
};

static void
on_hit(void *user, size_t sig, size_t cat)
{
    struct hits *h = user;
    if (h->n && sig <= h->last)
        h->ordered = 0;
    h->last = sig;
    h->n++;
    if (sig < MAXSIG)
        h->sig[sig] = 1;
    if (cat < MD_SIG_NCATEGORIES)
        h->cat[cat] = 1;
}

static void
match(const struct md_sigset *s, struct md_sig_scratch *sc, const char *text,
      size_t len, unsigned flags, struct hits *h)
{
    memset(h, 0, sizeof *h);
    h->ordered = 1;
    CHECK_INT(md_sig_match(s, sc, text, len, flags, on_hit, h), MD_OK);
    CHECK(h->ordered);
}

/* A CBEngine errlog line (ref §6.2) around a message. */
static const char *
errlog(char *buf, size_t cap, const char *src, const char *msg)
{
    snprintf(buf, cap,
             "1A2C\t3F08\t03/14\t02:17:45.112\t71\t%s\t[000000001B73B830]\t"
             "0517B3DB-347D-45A8-9DAB-FD7D1EA7D134\t\tWARNING\t%s",
             src, msg);
    return buf;
}

/* ---- tests -------------------------------------------------------------- */

static void
test_categories(void)
{
    CHECK_STR(md_sig_category_name(0), "proxy_auth_required");
    CHECK_STR(md_sig_category_name(8), "connection_reset");
    CHECK(md_sig_category_name(MD_SIG_NCATEGORIES) == NULL);
    CHECK_INT(md_sig_category_find("tls_failure"), 4);
    CHECK_INT(md_sig_category_find("tls"), -1);
}

static void
test_pack_shape(void)
{
    struct md_sigset *s = load_pack();
    size_t n = md_sigset_count(s);
    CHECK(n >= 40 && n <= 80);
    CHECK(n <= MAXSIG);
    size_t per_cat[MD_SIG_NCATEGORIES] = {0};
    for (size_t i = 0; i < n; i++) {
        const struct md_sig_info *in = md_sigset_info(s, i);
        per_cat[in->category]++;
        CHECK(in->nreferences >= 1);
        CHECK(in->nliterals >= 1);
        if (in->nexamples == 0)
            fprintf(stderr, "%s has no examples\n", in->id);
        CHECK(in->nexamples >= 1);
    }
    for (size_t c = 0; c < MD_SIG_NCATEGORIES; c++)
        CHECK(per_cat[c] >= 1);
    CHECK(md_sigset_info(s, n) == NULL);
    md_sigset_free(s);
}

/* Every signature matches each of its examples, with and without the
 * prefilter. */
static void
test_pack_examples(void)
{
    struct md_sigset *s = load_pack();
    struct md_sig_scratch *sc = md_sig_scratch_new(s);
    struct hits h;
    for (size_t i = 0; i < md_sigset_count(s); i++) {
        const struct md_sig_info *in = md_sigset_info(s, i);
        for (size_t k = 0; k < in->nexamples; k++) {
            const char *ex = in->examples[k];
            for (unsigned f = 0; f <= MD_SIG_NO_PREFILTER; f++) {
                match(s, sc, ex, strlen(ex), f, &h);
                if (!h.sig[i])
                    fprintf(stderr, "%s misses its example '%s'\n", in->id,
                            ex);
                CHECK(h.sig[i]);
            }
        }
    }
    md_sig_scratch_free(sc);
    md_sigset_free(s);
}

struct want {
    const char *src, *msg;
    const char *category; /* NULL: must match nothing */
};

static const struct want realistic[] = {
    /* English */
    {"WebRequestHelper.cs(212)",
     "WebException: The remote server returned an error: (407) Proxy "
     "Authentication Required.",
     "proxy_auth_required"},
    {"backupasync.cpp(1184)", "Failed: Hr: = [0x80190197] BITS transfer",
     "proxy_auth_required"},
    {"AzureServiceManagementHelper.cs(320)",
     "System.Net.WebException: The remote name could not be resolved: "
     "'pod01-rec2.sea.backup.windowsazure.com'",
     "name_not_resolved"},
    {"cbhttp.cpp(455)", "WinHttpSendRequest failed with error 12007",
     "name_not_resolved"},
    {"cbhttp.cpp(455)", "Failed: Hr: = [0x80072ee7]", "name_not_resolved"},
    {"AzureServiceManagementHelper.cs(320)",
     "Unable to connect to the remote server ---> "
     "System.Net.Sockets.SocketException: A connection attempt failed "
     "because the connected party did not properly respond after a period "
     "of time 10.1.2.3:8080",
     "connect_failed"},
    {"backupasync.cpp(1184)", "Failed: Hr: = [0x80072EFD]",
     "connect_failed"},
    {"cbhttp.cpp(470)", "WinHttpReceiveResponse failed: ErrorCode=12002",
     "timeout"},
    {"WebRequestHelper.cs(88)",
     "System.Net.WebException: The operation has timed out", "timeout"},
    {"WebRequestHelper.cs(88)",
     "The underlying connection was closed: Could not establish trust "
     "relationship for the SSL/TLS secure channel.",
     "tls_failure"},
    {"cbhttp.cpp(470)", "Failed: Hr: = [0x80072F8F]", "tls_failure"},
    {"proxyhelper.cpp(77)", "WinHttpGetProxyForUrl failed: Hr: = [0x80072F87]",
     "pac_failure"},
    {"proxyhelper.cpp(77)", "WinHttpGetProxyForUrl failed with error 12166",
     "pac_failure"},
    {"RegistrationHelper.cs(61)",
     "The Microsoft Azure Recovery Service Agent was unable to connect to "
     "Microsoft Azure Backup. (ID: 100050) Check your network settings",
     "service_unreachable"},
    {"RegistrationHelper.cs(61)",
     "The server registration status couldn't be verified with Microsoft "
     "Azure Backup.",
     "registration_failed"},
    {"RegistrationHelper.cs(61)",
     "Invalid vault credentials provided. The file is either corrupted or "
     "does not have the latest credentials associated with recovery "
     "service. (ID: 34513)",
     "registration_failed"},
    {"WebRequestHelper.cs(88)",
     "Unable to read data from the transport connection: An existing "
     "connection was forcibly closed by the remote host.",
     "connection_reset"},
    {"cbhttp.cpp(470)", "send failed, winsock error 10054",
     "connection_reset"},
    /* Japanese */
    {"WebRequestHelper.cs(212)",
     "リモート サーバーがエラーを返しました: (407) プロキシ認証が必要です。",
     "proxy_auth_required"},
    {"AzureServiceManagementHelper.cs(320)",
     "リモート名を解決できませんでした。: "
     "'pod01-rec2.jpe.backup.windowsazure.com'",
     "name_not_resolved"},
    {"AzureServiceManagementHelper.cs(320)",
     "リモート サーバーに接続できません。", "connect_failed"},
    {"WebRequestHelper.cs(88)", "操作はタイムアウトしました",
     "timeout"},
    {"WebRequestHelper.cs(88)",
     "基になる接続が閉じられました: SSL/TLS "
     "のセキュリティで保護されているチャネルに対する信頼関係を確立できませんでした。",
     "tls_failure"},
    {"proxyhelper.cpp(77)",
     "WinHttpGetProxyForUrl がエラー 0x80072F86 で失敗しました",
     "pac_failure"},
    {"RegistrationHelper.cs(61)",
     "Microsoft Azure Recovery Services エージェントは Microsoft Azure "
     "Backup に接続できませんでした。",
     "service_unreachable"},
    {"RegistrationHelper.cs(61)",
     "コンテナーの資格情報が無効です。 (ID: 34513)", "registration_failed"},
    {"WebRequestHelper.cs(88)",
     "既存の接続はリモート ホストに強制的に切断されました。",
     "connection_reset"},
    /* Near misses: nothing may match. */
    {"backupasync.cpp(1184)", "Failed: Hr: = [0x80072EE70]", NULL},
    {"backupasync.cpp(1184)", "Code 0x180072EE7 is not a WinINet code",
     NULL},
    {"cbtransfer.cpp(12007)", "listening on port 112007", NULL},
    {"cbtransfer.cpp(88)", "error 112007 in block map", NULL},
    {"cbtransfer.cpp(88)", "error 12007.5 percent done", NULL},
    {"cbtransfer.cpp(88)", "port 12007 is open", NULL},
    {"cbtransfer.cpp(88)", "copied 12007 blocks in 03:12:007", NULL},
    {"AzureServiceManagementHelper.cs(407)", "Processed 407 files", NULL},
    {"VolumeHelper.cs(88)", "Job status: 407 files remaining", NULL},
    {"VolumeHelper.cs(88)", "Event (ID: 1000501) raised", NULL},
    {"EngineProxy.cs(51)",
     "The Microsoft Azure Recovery Services Agent cannot connect to the "
     "OBEngine service.",
     NULL},
    {"VolumeHelper.cs(88)", "Snapshot took 10060 ms", NULL},
    {"VolumeHelper.cs(88)", "Retrying after timeout of 120 s", NULL},
};

static void
test_realistic_lines(void)
{
    struct md_sigset *s = load_pack();
    struct md_sig_scratch *sc = md_sig_scratch_new(s);
    struct hits h;
    char buf[1024];
    for (size_t i = 0; i < sizeof realistic / sizeof *realistic; i++) {
        const struct want *w = &realistic[i];
        const char *line = errlog(buf, sizeof buf, w->src, w->msg);
        match(s, sc, line, strlen(line), 0, &h);
        if (w->category) {
            int c = md_sig_category_find(w->category);
            if (c < 0 || !h.cat[c])
                fprintf(stderr, "no %s on '%s'\n", w->category, w->msg);
            CHECK(c >= 0 && h.cat[c]);
        } else {
            for (size_t k = 0; k < md_sigset_count(s); k++)
                if (h.sig[k])
                    fprintf(stderr, "near miss '%s' matched %s\n", w->msg,
                            md_sigset_info(s, k)->id);
            CHECK_INT(h.n, 0);
        }
    }
    md_sig_scratch_free(sc);
    md_sigset_free(s);
}

/* ---- generated corpus --------------------------------------------------- */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t
rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}

static const char *const pieces[] = {
    "Backup job started for volume C:\\",
    "Uploading block 1234 of 9000",
    "CBEngine heartbeat ok",
    "error ", "ErrorCode=", "GetLastError() = ", "code: ", "status code ",
    "12007", "112007", "12029", "12002", "10060", "10054", "12166", "407",
    "(407)", "cs(407)", "(ID: 100050)", "(ID: 34513)", "(ID: 403)",
    "0x80072EE7", "0x80072ee70", "80072EFD", "-2147012889", "0x80190197",
    "HTTP/1.1 407", "timed out", "The operation has timed out",
    "Proxy Authentication Required", "プロキシ認証が必要です",
    "リモート名を解決できませんでした", "リモート サーバーに接続できません",
    "forcibly closed by the remote host", "ERROR_WINHTTP_TIMEOUT",
    "ERROR_WINHTTP_SECURE_FAILURE", "pac file",
    "PAC file could not be downloaded", "Could not create SSL/TLS secure channel", "(503)",
    "Bad Gateway", " ", "\t", ": ", "[", "]", "é", "ü", "\xff", "\xc3",
    "\xe3\x83", "Zeitlimit für den Vorgang wurde überschritten",
    "L'opération a expiré", "unable to connect to Microsoft Azure Backup",
};

/* A random text: pieces, examples and random bytes, with ASCII case
 * flipped at random and sometimes truncated. */
static size_t
gen_text(const struct md_sigset *s, char *buf, size_t cap)
{
    size_t len = 0, parts = 1 + rng() % 6;
    for (size_t p = 0; p < parts; p++) {
        const char *src;
        uint32_t r = rng() % 10;
        if (r < 3) {
            const struct md_sig_info *in =
                md_sigset_info(s, rng() % md_sigset_count(s));
            src = in->nexamples ? in->examples[rng() % in->nexamples] : "";
        } else if (r < 9) {
            src = pieces[rng() % (sizeof pieces / sizeof *pieces)];
        } else {
            char b[2] = {(char)(rng() & 0xff), 0};
            if (len < cap)
                buf[len++] = b[0];
            continue;
        }
        size_t n = strlen(src);
        if (rng() % 8 == 0 && n)
            n = rng() % n;
        if (n > cap - len)
            n = cap - len;
        memcpy(buf + len, src, n);
        len += n;
    }
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];
        if (rng() % 5 == 0 && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            buf[i] = (char)(c ^ 0x20);
    }
    return len;
}

static void
test_prefilter_equivalence(void)
{
    struct md_sigset *s = load_pack();
    struct md_sig_scratch *sc = md_sig_scratch_new(s);
    struct hits fast, slow;
    char buf[2048];
    size_t matched = 0, diff = 0;
    for (int i = 0; i < 30000; i++) {
        size_t len = gen_text(s, buf, sizeof buf);
        match(s, sc, buf, len, 0, &fast);
        match(s, sc, buf, len, MD_SIG_NO_PREFILTER, &slow);
        if (memcmp(fast.sig, slow.sig, sizeof fast.sig) != 0) {
            if (diff++ < 5)
                fprintf(stderr, "prefilter changed the result on '%.*s'\n",
                        (int)len, buf);
        }
        matched += slow.n > 0;
    }
    CHECK_INT(diff, 0);
    CHECK(matched > 5000); /* the corpus does exercise the patterns */
    md_sig_scratch_free(sc);
    md_sigset_free(s);
}

/* ---- threads ------------------------------------------------------------ */

#define NTEXTS 4000

struct corpus {
    char *text[NTEXTS];
    size_t len[NTEXTS];
};

struct worker {
    const struct md_sigset *s;
    const struct corpus *c;
    uint64_t sum;
};

static void
sum_hit(void *user, size_t sig, size_t cat)
{
    uint64_t *sum = user;
    *sum = *sum * 31 + sig * 16 + cat;
}

static void *
work(void *arg)
{
    struct worker *w = arg;
    struct md_sig_scratch *sc = md_sig_scratch_new(w->s);
    for (int round = 0; round < 5; round++)
        for (size_t i = 0; i < NTEXTS; i++)
            md_sig_match(w->s, sc, w->c->text[i], w->c->len[i], 0, sum_hit,
                         &w->sum);
    md_sig_scratch_free(sc);
    return NULL;
}

static void
test_threads(void)
{
    struct md_sigset *s = load_pack();
    static struct corpus c;
    char buf[2048];
    for (size_t i = 0; i < NTEXTS; i++) {
        c.len[i] = gen_text(s, buf, sizeof buf);
        c.text[i] = malloc(c.len[i] + 1);
        memcpy(c.text[i], buf, c.len[i]);
    }
    struct worker one = {s, &c, 0};
    work(&one);
    struct worker w[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (struct worker){s, &c, 0};
        CHECK_INT(pthread_create(&t[i], NULL, work, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        CHECK(w[i].sum == one.sum);
    }
    for (size_t i = 0; i < NTEXTS; i++)
        free(c.text[i]);
    md_sigset_free(s);
}

/* ---- loading ------------------------------------------------------------ */

static void
test_load_errors(void)
{
    size_t len;
    unsigned char *text = tu_read_file("tests/data/signatures/bad.yml", &len);
    struct errs e = {.len = 0};
    size_t nerr = 0;
    struct md_sigset *s = md_sigset_load("bad.yml", (const char *)text, len,
                                         NULL, collect_err, &e, &nerr);
    free(text);
    CHECK(s == NULL);
    static const char *const want[] = {
        "bad.yml:6:3: unknown key 'severity'\n",
        "bad.yml:9:13: unknown category 'dns_failure'\n",
        "bad.yml:14:12: bad pattern: missing closing parenthesis at offset 10\n",
        "bad.yml:18:12: no literal of 3 plain characters in every alternative "
        "of the pattern; add 'literals:'\n",
        "bad.yml:20:7: duplicate id 'BAD-REGEX' (first at line 12)\n",
        "bad.yml:27:14: literal 'ab' is shorter than 3 bytes\n",
        "bad.yml:29:3: missing 'references'\n",
        "bad.yml:35:14: literal 'zeitüberschreitung' has a non-ASCII "
        "character outside U+3000-U+9FFF",
        "bad.yml:39:12: pattern matches an empty text",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        if (!strstr(e.text, want[i]))
            fprintf(stderr, "missing error: %s", want[i]);
        CHECK(strstr(e.text, want[i]) != NULL);
    }
    CHECK_INT(nerr, sizeof want / sizeof *want);
    if (nerr != sizeof want / sizeof *want)
        fprintf(stderr, "errors were:\n%s", e.text);

    text = tu_read_file("tests/data/signatures/syntax.yml", &len);
    e.len = 0;
    e.text[0] = 0;
    s = md_sigset_load("syntax.yml", (const char *)text, len, NULL,
                       collect_err, &e, &nerr);
    free(text);
    CHECK(s == NULL);
    CHECK_INT(nerr, 1);
    CHECK(strncmp(e.text, "syntax.yml:", 11) == 0 &&
          strstr(e.text, ": yaml: ") != NULL);

    static const char *const bad_docs[] = {
        "", "just a string", "- [1, 2]", "- id: A\n  category: [x]\n",
        "- id: 'a b'\n  category: timeout\n  pattern: abc\n  references: "
        "[x]\n",
        "- id: A\n  category: timeout\n  pattern: abc\n  references: []\n",
        "- id: A\n  category: timeout\n  pattern: abc\n  references: [x]\n"
        "---\n- id: B\n",
    };
    for (size_t i = 0; i < sizeof bad_docs / sizeof *bad_docs; i++) {
        e.len = 0;
        s = load_text("doc.yml", bad_docs[i], &e);
        CHECK(s == NULL);
        md_sigset_free(s);
    }
}

static void
test_derived_literals(void)
{
    static const struct {
        const char *pattern, *lits; /* lits: joined by '|', NULL = error */
    } cases[] = {
        {"(?<![\\\\w.])\\\\(407\\\\)", "(407)"},
        {"foo|barbaz", "foo|barbaz"},
        {"ab?cdef", "cdef"},
        {"x{2}yyy", "yyy"},
        {"(?i)Hello\\\\s+World", "hello"},
        {"\\\\x41BCD", "bcd"},
        {"\\\\d+ files? copied", " copied"},
        {"リモート\\\\s?サーバーに接続できません",
         "サーバーに接続できません"},
        {"résolu à distance", " distance"},
        {"[abc]def|gh", NULL},
        {"abc(?x) def", NULL},
        {"\\\\Qabc\\\\E", NULL},
        {"(?:abc|def)", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char doc[512];
        snprintf(doc, sizeof doc,
                 "- id: T\n  category: timeout\n  pattern: \"%s\"\n"
                 "  references: [x]\n",
                 cases[i].pattern);
        struct errs e = {.len = 0};
        struct md_sigset *s = load_text("derive.yml", doc, &e);
        if (!cases[i].lits) {
            CHECK(s == NULL);
            CHECK(strstr(e.text, "add 'literals:'") != NULL);
            continue;
        }
        CHECK(s != NULL);
        if (!s) {
            fprintf(stderr, "%s", e.text);
            continue;
        }
        const struct md_sig_info *in = md_sigset_info(s, 0);
        char got[256] = "";
        size_t at = 0;
        for (size_t k = 0; k < in->nliterals; k++)
            at += (size_t)snprintf(got + at, sizeof got - at, "%s%s",
                                   k ? "|" : "", in->literals[k]);
        CHECK_STR(got, cases[i].lits);
        md_sigset_free(s);
    }
}

static void
test_limits_and_odd_texts(void)
{
    struct md_limits lim;
    md_limits_default(&lim);
    lim.pcre2_match = 1000;
    const char *doc = "- id: SLOW\n  category: timeout\n  pattern: '^(a+)+$'\n"
                      "  literals: [aaa]\n  references: [x]\n"
                      "- id: FAST\n  category: timeout\n  pattern: 'aaab'\n"
                      "  references: [x]\n";
    size_t nerr;
    struct md_sigset *s = md_sigset_load("lim.yml", doc, strlen(doc), &lim,
                                         print_err, NULL, &nerr);
    CHECK(s != NULL);
    if (!s)
        return;
    struct md_sig_scratch *sc = md_sig_scratch_new(s);
    struct hits h = {.n = 0};
    const char *text = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab";
    CHECK_INT(md_sig_match(s, sc, text, strlen(text), 0, on_hit, &h),
              MD_ERR_LIMIT);
    CHECK(!h.sig[0] && h.sig[1]); /* the other signature still ran */
    /* Invalid UTF-8, NUL bytes and an empty or NULL text are fine. */
    const char odd[] = "aaab\xff\xfe\0\xc3(aaab";
    memset(&h, 0, sizeof h);
    CHECK_INT(md_sig_match(s, sc, odd, sizeof odd - 1, 0, on_hit, &h), MD_OK);
    CHECK(h.sig[1]);
    CHECK_INT(md_sig_match(s, sc, NULL, 0, 0, on_hit, &h), MD_OK);
    md_sig_scratch_free(sc);
    md_sigset_free(s);
}

int
main(void)
{
    static const struct tu_test tests[] = {
        TU_TEST(test_categories),
        TU_TEST(test_pack_shape),
        TU_TEST(test_pack_examples),
        TU_TEST(test_realistic_lines),
        TU_TEST(test_prefilter_equivalence),
        TU_TEST(test_threads),
        TU_TEST(test_load_errors),
        TU_TEST(test_derived_literals),
        TU_TEST(test_limits_and_odd_texts),
    };
    return tu_main(tests, sizeof tests / sizeof *tests);
}
