/* Waivers (marsdiag/waivers.h): the loader on the sample file and on
 * every kind of mistake, each reported at its file:line:column; dates and
 * MARSDIAG_TODAY; matching by host and by bundle SHA-256, expiry; and
 * applying a set to real verdicts, from two threads at once. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "marsdiag/buf.h"
#include "marsdiag/engine.h"
#include "marsdiag/waivers.h"
#include "testutil.h"

static struct md_buf errs = MD_BUF_INIT(0);
static struct md_limits lim;

static void
on_err(void *user, const char *file, unsigned line, unsigned col,
       const char *msg)
{
    (void)user;
    md_buf_printf(&errs, "%s:%u:%u: %s\n", file, line, col, msg);
}

static const char *
errors(void)
{
    return errs.ptr ? errs.ptr : "";
}

/* The errors of loading text as x.yml; NULL set means it must fail. */
static const char *
load_errors(const char *text)
{
    md_buf_reset(&errs);
    struct md_waivers *w =
        md_waivers_parse("x.yml", text, strlen(text),
                         md_engine_rules(tu_engine()), NULL, on_err, NULL);
    CHECK((w == NULL) == (errs.len > 0));
    md_waivers_free(w);
    return errors();
}

#define SHA "6e35999441b8fcd050e2e5dd073bd5ca698907769b7ea90da21ab9a8b2b6e72a"

static void
test_sample_file(void)
{
    md_buf_reset(&errs);
    const char *src = getenv("MD_SRC") ? getenv("MD_SRC") : ".";
    char path[4096];
    snprintf(path, sizeof path, "%s/samples/waivers.yml", src);
    struct md_waivers *w =
        md_waivers_load(path, md_engine_rules(tu_engine()), NULL, on_err, NULL);
    CHECK_STR(errors(), "");
    CHECK(w != NULL);
    if (!w)
        return;
    CHECK_STR(md_waivers_file(w), path);
    CHECK_INT(md_waivers_count(w), 3);
    CHECK(md_waivers_need_sha256(w));
    const struct md_waiver *x = md_waivers_get(w, 0);
    CHECK_STR(x->rule, "MP004");
    CHECK(x->host == NULL);
    CHECK_STR(x->bundle, SHA);
    CHECK_STR(x->reason, "the agent proxy is intended on FS01; the PAC is "
                         "for users (CHG-1201)");
    CHECK_STR(x->expires, "2027-03-31");
    CHECK_INT(x->expires_day, 20270331);
    CHECK_INT(x->line, 13);
    CHECK_INT(x->col, 5);
    x = md_waivers_get(w, 2);
    CHECK_STR(x->rule, "MP002");
    CHECK_STR(x->host, "fs01");
    CHECK(x->bundle == NULL);
    CHECK(md_waivers_get(w, 3) == NULL);
    md_waivers_free(w);

    /* a file that cannot be read */
    md_buf_reset(&errs);
    CHECK(md_waivers_load("/nonexistent/w.yml", NULL, NULL, on_err, NULL) ==
          NULL);
    CHECK_STR(errors(), "/nonexistent/w.yml:0:0: cannot read waiver file: "
                        "No such file or directory\n");
}

static void
test_errors(void)
{
    /* the file's shape */
    CHECK_STR(load_errors(""), "x.yml:1:1: empty waiver file: it needs "
                               "'waivers:' and a list\n");
    CHECK_STR(load_errors("# only a comment\n"),
              "x.yml:1:1: empty waiver file: it needs 'waivers:' and a "
              "list\n");
    CHECK_STR(load_errors("waivers: 3\n"),
              "x.yml:1:10: 'waivers' must be a list of waivers (\"- rule: "
              "...\"; [] for none), not a string\n");
    CHECK_STR(load_errors("- rule: MP001\n"),
              "x.yml:1:1: a waiver file is a mapping with one key, "
              "'waivers', not a list\n");
    CHECK_STR(load_errors("waivers: []\nextra: 1\n"),
              "x.yml:2:1: unknown key 'extra' (a waiver file has 'waivers' "
              "only)\n");
    CHECK_STR(load_errors("other: 1\n"),
              "x.yml:1:1: unknown key 'other' (a waiver file has 'waivers' "
              "only)\n"
              "x.yml:1:1: missing required key 'waivers'\n");
    CHECK_STR(load_errors("waivers: []\n---\nwaivers: []\n"),
              "x.yml:2:1: a waiver file holds one YAML document\n");
    CHECK_STR(load_errors("waivers: [\n"),
              "x.yml:2:1: invalid YAML: did not find expected node content "
              "while parsing a flow node\n");
    CHECK_STR(load_errors("waivers:\n"
                          "  - &a {rule: MP001, host: a, reason: r, "
                          "expires: 2027-01-01}\n"
                          "  - *a\n"),
              "x.yml:3:5: aliases are not supported in waiver files\n");
    CHECK_STR(load_errors("waivers: []\n"), "");

    /* entries */
    CHECK_STR(load_errors("waivers:\n  - MP001\n"),
              "x.yml:2:5: each waiver must be a mapping (rule, host or "
              "bundle, reason, expires), not a string\n");
    CHECK_STR(load_errors("waivers:\n"
                          "  - rule: MP001\n"
                          "    host: FS01\n"
                          "    colour: red\n"
                          "    reason: r\n"
                          "    expires: 2027-01-01\n"),
              "x.yml:4:5: unknown key 'colour' (rule, host, bundle, reason, "
              "expires)\n");
    CHECK_STR(load_errors("waivers:\n  - host: FS01\n"),
              "x.yml:2:5: missing required key 'rule'\n"
              "x.yml:2:5: missing required key 'reason'\n"
              "x.yml:2:5: missing required key 'expires'\n");
    CHECK_STR(load_errors("waivers:\n"
                          "  - {rule: MP001, reason: r, expires: 2027-01-01}\n"),
              "x.yml:2:5: missing 'host' or 'bundle': a waiver names the "
              "host or the bundle (SHA-256) it applies to\n");
    CHECK_STR(load_errors("waivers:\n"
                          "  - rule: MP001\n"
                          "    host: FS01\n"
                          "    bundle: " SHA "\n"
                          "    reason: r\n"
                          "    expires: 2027-01-01\n"),
              "x.yml:4:5: 'host' and 'bundle' exclude each other: a waiver "
              "names one host or one bundle\n");
    CHECK_STR(load_errors("waivers:\n"
                          "  - rule: MP001\n"
                          "    rule: MP002\n"
                          "    host: FS01\n"
                          "    reason: r\n"
                          "    expires: 2027-01-01\n"),
              "x.yml:3:5: duplicate key 'rule'\n");
    CHECK_STR(load_errors("waivers:\n"
                          "  - rule: MP016x\n"
                          "    host: FS 01\n"
                          "    reason: ' '\n"
                          "    expires: 2027-02-29\n"),
              "x.yml:2:11: unknown rule 'MP016x' (did you mean MP016?)\n"
              "x.yml:3:11: bad host name 'FS 01' (letters, digits, '-', '_' "
              "and '.', at most 255)\n"
              "x.yml:4:13: 'reason' is empty: say why the finding is "
              "accepted\n"
              "x.yml:5:14: bad date '2027-02-29' for 'expires' (YYYY-MM-DD, a "
              "real date, 1970 or later)\n");
    CHECK_STR(load_errors("waivers:\n"
                          "  - rule: NOPE\n"
                          "    bundle: 6e35\n"
                          "    reason: [a, b]\n"
                          "    expires: 31/03/2027\n"),
              "x.yml:2:11: unknown rule 'NOPE'; 'marsdiag rules' lists them\n"
              "x.yml:3:13: bad SHA-256 '6e35': 64 hexadecimal digits, as "
              "sha256sum prints for the bundle file\n"
              "x.yml:4:13: 'reason' must be a string, not a list\n"
              "x.yml:5:14: bad date '31/03/2027' for 'expires' (YYYY-MM-DD, a "
              "real date, 1970 or later)\n");
    /* an error in one entry does not hide the next one's */
    CHECK_STR(load_errors("waivers:\n"
                          "  - {rule: MP001, host: a, reason: r, expires: x}\n"
                          "  - {rule: MP001, host: b, reason: r}\n"),
              "x.yml:2:48: bad date 'x' for 'expires' (YYYY-MM-DD, a real "
              "date, 1970 or later)\n"
              "x.yml:3:5: missing required key 'expires'\n");
}

/* Errors come out in file order; after 100 the file is given up; a
 * reader error (bad UTF-8) has a line and column too. */
static void
test_many_errors(void)
{
    struct md_buf many = MD_BUF_INIT(0);
    md_buf_printf(&many, "waivers:\n");
    for (int i = 0; i < 150; i++)
        md_buf_printf(&many, "  - MP%03d\n", i);
    const char *e = load_errors(many.ptr);
    size_t lines = 0;
    for (const char *p = e; *p; p++)
        lines += *p == '\n';
    CHECK_INT(lines, 101);
    CHECK(!strncmp(e, "x.yml:2:5: each waiver must be a mapping", 40));
    CHECK(strstr(e, "x.yml:101:5: each waiver must be a mapping") != NULL);
    CHECK(strstr(e, "x.yml:101:5: too many errors; giving up on this file\n") !=
          NULL);
    CHECK(strstr(e, "x.yml:102:5:") == NULL);
    md_buf_free(&many);

    e = load_errors("waivers:\n  - rule: \xff\n");
    CHECK(!strncmp(e, "x.yml:2:11: invalid YAML: ", 26));
}

static void
test_dates(void)
{
    int d = 0;
    CHECK(md_waiver_date_parse("2027-03-31", 10, &d) && d == 20270331);
    CHECK(md_waiver_date_parse("2028-02-29", 10, &d) && d == 20280229);
    CHECK(md_waiver_date_parse("2000-02-29", 10, &d));
    CHECK(!md_waiver_date_parse("1900-02-29", 10, &d));
    CHECK(!md_waiver_date_parse("2027-02-29", 10, &d));
    CHECK(!md_waiver_date_parse("2027-04-31", 10, &d));
    CHECK(!md_waiver_date_parse("2027-13-01", 10, &d));
    CHECK(!md_waiver_date_parse("2027-00-10", 10, &d));
    CHECK(!md_waiver_date_parse("2027-1-10", 9, &d));
    CHECK(!md_waiver_date_parse("2027-01-10x", 11, &d));
    CHECK(!md_waiver_date_parse("1969-12-31", 10, &d));

    setenv("MARSDIAG_TODAY", "2026-12-02", 1);
    CHECK(md_waivers_today(&d) && d == 20261202);
    setenv("MARSDIAG_TODAY", "tomorrow", 1);
    CHECK(!md_waivers_today(&d));
    unsetenv("MARSDIAG_TODAY");
    CHECK(md_waivers_today(&d) && d >= 20260101 && d < 99991231);
}

static struct md_waivers *
parse_ok(const char *text)
{
    md_buf_reset(&errs);
    struct md_waivers *w = md_waivers_parse("m.yml", text, strlen(text),
                                            NULL, NULL, on_err, NULL);
    CHECK_STR(errors(), "");
    return w;
}

static void
test_match(void)
{
    struct md_waivers *w = parse_ok(
        "waivers:\n"
        "  - {rule: MP001, host: fs01.contoso.local, reason: old, "
        "expires: 2026-12-01}\n"
        "  - {rule: MP001, host: FS01.Contoso.Local, reason: new, "
        "expires: 2026-12-02}\n"
        "  - {rule: MP002, bundle: '" "6E35999441B8FCD050E2E5DD073BD5CA"
        "698907769B7EA90DA21AB9A8B2B6E72A" "', reason: sha, "
        "expires: 2030-01-01}\n");
    CHECK(w != NULL);
    if (!w)
        return;
    const struct md_waiver *exp = NULL, *x;
    /* the last day still applies; the day after, the newer one does not
     * either, and the first expired one is named */
    x = md_waivers_match(w, "MP001", "FS01.CONTOSO.LOCAL", NULL, 20261202,
                         &exp);
    CHECK(x && !strcmp(x->reason, "new"));
    CHECK(exp && !strcmp(exp->reason, "old"));
    x = md_waivers_match(w, "MP001", "fs01.contoso.local", NULL, 20261203,
                         &exp);
    CHECK(x == NULL && exp && !strcmp(exp->reason, "old"));
    /* another host, another rule, no host known */
    CHECK(!md_waivers_match(w, "MP001", "fs02", NULL, 20261201, &exp) &&
          !exp);
    CHECK(!md_waivers_match(w, "MP003", "fs01.contoso.local", NULL, 20261201,
                            NULL));
    CHECK(!md_waivers_match(w, "MP001", NULL, NULL, 20261201, NULL));
    /* by SHA-256: upper case in the file, bytes from the bundle */
    unsigned char sha[32];
    for (int i = 0; i < 32; i++)
        sscanf(SHA + 2 * i, "%2hhx", &sha[i]);
    x = md_waivers_match(w, "MP002", NULL, sha, 20261202, NULL);
    CHECK(x && !strcmp(x->bundle, SHA));
    sha[31] ^= 1;
    CHECK(!md_waivers_match(w, "MP002", NULL, sha, 20261202, NULL));
    CHECK(!md_waivers_match(w, "MP002", NULL, NULL, 20261202, NULL));
    md_waivers_free(w);
}

/* One bundle's verdict with the sample waivers, as `scan` would. */
struct job {
    const struct md_waivers *w;
    int today;
    size_t nsup, nexpired;
    int worst;
    bool ok;
};

static void *
run_job(void *arg)
{
    struct job *jb = arg;
    struct md_scan_opts so = {.limits = lim,
                              .want_sha256 = md_waivers_need_sha256(jb->w)};
    const char *src = getenv("MD_SRC") ? getenv("MD_SRC") : ".";
    char path[4096];
    snprintf(path, sizeof path, "%s/samples/jp-collector/"
                                "FS01_MARS_20261128.zip", src);
    struct md_verdict v;
    jb->ok = md_engine_scan(tu_engine(), path, &so, &v) == MD_OK;
    md_waivers_apply(jb->w, jb->today, &v);
    jb->ok = jb->ok && v.waivers == jb->w;
    jb->nsup = md_verdict_nsuppressed(&v);
    for (size_t i = 0; i < v.nfindings; i++) {
        const struct md_verdict_finding *f = &v.findings[i];
        jb->nexpired += f->expired_waiver != NULL;
        if (f->suppressed)
            jb->ok = jb->ok && f->waiver &&
                     (!strcmp(f->rule->id, "MP004") ||
                      (!strcmp(f->rule->id, "MP002") && f->waiver->host)) &&
                     f->waiver_reason == f->waiver->reason;
        if (f->expired_waiver)
            jb->ok = jb->ok && !f->waiver && !f->suppressed &&
                     md_waiver_expired(f->expired_waiver, jb->today);
    }
    jb->worst = md_verdict_worst(&v);
    md_verdict_free(&v);
    return NULL;
}

static void
test_apply(void)
{
    const char *src = getenv("MD_SRC") ? getenv("MD_SRC") : ".";
    char path[4096];
    snprintf(path, sizeof path, "%s/samples/waivers.yml", src);
    struct md_waivers *w =
        md_waivers_load(path, md_engine_rules(tu_engine()), NULL, on_err, NULL);
    CHECK(w != NULL);
    if (!w)
        return;
    /* 2026-12-02: MP004 (warning) waived by the bundle's SHA-256, MP002
     * by the host name (the bundle says FS01, the waiver fs01), MP014's
     * waiver expired */
    struct job a = {w, 20261202, 0, 0, 0, false};
    struct job b = a;
    pthread_t ta, tb;
    CHECK(pthread_create(&ta, NULL, run_job, &a) == 0);
    CHECK(pthread_create(&tb, NULL, run_job, &b) == 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    CHECK(a.ok && b.ok);
    CHECK_INT(a.nsup, 2);
    CHECK_INT(a.nexpired, 1);
    CHECK_INT(b.nsup, 2);
    CHECK_INT(a.worst, MD_SEV_ERROR); /* MP014 remains */
    /* 2027-04-01: every waiver expired */
    struct job c = {w, 20270401, 0, 0, 0, false};
    run_job(&c);
    CHECK(c.ok);
    CHECK_INT(c.nsup, 0);
    CHECK_INT(c.nexpired, 3);
    md_waivers_free(w);

    /* a waiver on the only warning lowers the worst severity that counts */
    struct md_waivers *w2 = parse_ok(
        "waivers:\n"
        "  - {rule: MP002, bundle: " SHA ", reason: a, expires: 2030-01-01}\n"
        "  - {rule: MP014, bundle: " SHA ", reason: b, expires: 2030-01-01}\n");
    struct job d = {w2, 20261202, 0, 0, 0, false};
    run_job(&d);
    CHECK_INT(d.nsup, 2);
    CHECK_INT(d.worst, MD_SEV_WARNING);
    md_waivers_free(w2);
}

int
main(void)
{
    md_limits_default(&lim);
    static const struct tu_test tests[] = {
        TU_TEST(test_sample_file), TU_TEST(test_errors), TU_TEST(test_dates),
        TU_TEST(test_match),       TU_TEST(test_apply),
        TU_TEST(test_many_errors),
    };
    int rc = tu_main(tests, sizeof tests / sizeof tests[0]);
    md_buf_free(&errs);
    return rc;
}
