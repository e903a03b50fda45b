/* Tests for the Markdown, HTML and SARIF writers of a review and of a
 * diff (review.h) and what they share (review_view.c): the one-line
 * verdict for every mix of news, the words of an action, hostile text
 * from a change file escaped where it lands (HTML, Markdown table cells,
 * JSON), and SARIF baseline states and bases. */
#include "testutil.h"

#include <stdlib.h>
#include <unistd.h>

#include "marsdiag/review.h"
#include "marsdiag/rules.h"
#include "review_int.h"

/* ---- the one-line verdict ------------------------------------------------ */

static const struct md_rule_info r1 = {.id = "MP001", .title = "PAC in agent"};
static const struct md_rule_info r2 = {.id = "MP002", .title = "Auth needed"};
static const struct md_rule_info r4 = {.id = "MP004", .title = "Overrides"};
static const struct md_rule_info r6 = {.id = "MP006", .title = "User only"};

static const char *
headline(const struct md_finding_delta *d, const struct md_headline_words *w)
{
    static char out[512];
    struct md_buf b = MD_BUF_INIT(0);
    md_delta_headline(&b, w, d);
    snprintf(out, sizeof out, "%.*s", (int)b.len, b.ptr ? b.ptr : "");
    md_buf_free(&b);
    return out;
}

static void
test_headline(void)
{
    struct md_verdict_finding e1 = {.rule = &r1, .severity = MD_SEV_ERROR};
    struct md_verdict_finding e1b = {.rule = &r1, .severity = MD_SEV_ERROR};
    struct md_verdict_finding w4 = {.rule = &r4, .severity = MD_SEV_WARNING};
    struct md_verdict_finding i6 = {.rule = &r6, .severity = MD_SEV_INFO};
    struct md_verdict_finding x2 = {.rule = &r2, .severity = MD_SEV_ERROR};
    const struct md_verdict_finding *added[] = {&e1, &w4, &e1b};
    const struct md_verdict_finding *gone[] = {&x2};
    const struct md_verdict_finding *info[] = {&i6};
    struct md_finding_delta d = {.added = added, .nadded = 3};
    /* The worst first with titles; one rule twice is named once. */
    CHECK_STR(headline(&d, &md_review_words),
              "This change introduces 2 errors: MP001 PAC in agent; and 1 "
              "warning: MP004.");
    d.nadded = 2;
    d.added = added + 1;
    d.removed = gone;
    d.nremoved = 1;
    /* Errors first, whatever the order of the list. */
    CHECK_STR(headline(&d, &md_review_words),
              "This change introduces 1 error: MP001 PAC in agent; and 1 "
              "warning: MP004. It resolves MP002.");
    d.added = NULL;
    d.nadded = 0;
    CHECK_STR(headline(&d, &md_review_words), "No new problems. It resolves "
                                              "MP002.");
    d.added = info;
    d.nadded = 1;
    d.nremoved = 0;
    CHECK_STR(headline(&d, &md_diff_words),
              "No new problems since the old bundle. 1 new info note: "
              "MP006.");
    /* Made more severe, and a waived finding not counted. */
    struct md_verdict_finding wx = w4;
    wx.suppressed = true;
    const struct md_verdict_finding *esc[] = {&x2};
    const struct md_verdict_finding *waived[] = {&wx};
    d = (struct md_finding_delta){.added = waived, .nadded = 1,
                                  .escalated = esc, .nescalated = 1};
    CHECK_STR(headline(&d, &md_diff_words),
              "The new bundle has 1 finding more severe: MP002 Auth needed.");
    CHECK_STR(headline(&d, &md_review_words),
              "This change makes 1 finding more severe: MP002 Auth needed.");
    const struct md_verdict_finding *one[] = {&w4};
    d.added = one;
    CHECK_STR(headline(&d, &md_review_words),
              "This change introduces 1 warning: MP004 Overrides; and makes 1 "
              "finding more severe: MP002.");
    d.added = waived;
    CHECK_INT(md_delta_worst(&d), MD_SEV_ERROR);
    d.nescalated = 0;
    CHECK_INT(md_delta_worst(&d), -1);
    CHECK_STR(headline(&d, &md_review_words), "No new problems.");
}

static void
test_action_words(void)
{
    struct md_evidence ev = {0};
    struct md_change_action a = {"set", "agent", "proxy",
                                 "server http://p, port 80", &ev};
    struct md_buf b = MD_BUF_INIT(0);
    md_action_words(&b, &a);
    CHECK_STR(b.ptr, "set the agent's proxy: server http://p, port 80");
    md_buf_reset(&b);
    a = (struct md_change_action){"delete", "system", "ProxyServer", NULL,
                                  &ev};
    md_action_words(&b, &a);
    CHECK_STR(b.ptr, "delete SYSTEM's Internet Settings: ProxyServer");
    md_buf_free(&b);
}

/* ---- whole reports ---------------------------------------------------------
 */

/* Read text as the change file called name (from a folder of its own,
 * removed once read: the change holds the text; its path, borrowed, must
 * live on). */
static struct md_change *
change_of(const char *name, const char *text)
{
    static char path[256];
    char dir[] = "/tmp/md-test-revfmt-XXXXXX";
    if (!mkdtemp(dir))
        abort();
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fputs(text, f) < 0)
        abort();
    fclose(f);
    struct md_limits lim;
    md_limits_default(&lim);
    struct md_change *c;
    CHECK_INT(md_change_read(path, &lim, &c), MD_OK);
    unlink(path);
    rmdir(dir);
    return c;
}

/* What writer w makes of review r, NUL-terminated; caller frees. */
static char *
render(void (*w)(FILE *, const struct md_review *, const struct md_render *),
       const struct md_review *r)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (!f)
        abort();
    struct md_render rr = {.rulepack = "proxy 1",
                           .rules = md_engine_rules(tu_engine())};
    w(f, r, &rr);
    fclose(f);
    return out;
}

/* A change file with markup, a table bar and quotes in what is not
 * understood, and a PAC URL in the agent's field (MP001, introduced). */
static const char hostile[] =
    "Set-OBMachineSetting -ProxyServer http://pac.example/p.pac -ProxyPort 80\n"
    "Frobnicate-Proxy \"<script>alert(1)</script>\" -Filter \"a|b\"\n";

static void
test_hostile_text(void)
{
    struct md_change *c = change_of("evil.ps1", hostile);
    struct md_scan_opts so = {0};
    md_limits_default(&so.limits);
    struct md_review r;
    CHECK_INT(md_review_run(tu_engine(), NULL, c, &so, &r), MD_OK);
    CHECK(r.delta.nadded > 0);

    char *html = render(md_write_review_html, &r);
    CHECK(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;") != NULL);
    CHECK(strstr(html, "<script") == NULL);
    CHECK(strstr(html, "default-src 'none'") != NULL);
    CHECK(strstr(html, "This change introduces 1 error: MP001") != NULL);
    CHECK(strstr(html, "evil.ps1:1") != NULL);
    free(html);

    char *md = render(md_write_review_md, &r);
    /* In the not-applied table the bar is escaped inside the code span. */
    CHECK(strstr(md, "</script>\" -Filter \"a\\|b\"` |") != NULL);
    CHECK(strstr(md, "**Verdict:** This change introduces 1 error: "
                     "MP001") != NULL);
    CHECK(strstr(md, "`evil.ps1:1`") != NULL);
    CHECK(strstr(md, "**not understood**") != NULL);
    free(md);

    char *sarif = render(md_write_review_sarif, &r);
    CHECK(strstr(sarif, "\"baselineState\": \"new\"") != NULL);
    CHECK(strstr(sarif, "\"uriBaseId\": \"CHANGE\"") != NULL);
    /* No bundle: no base for it, and nothing located in the made-up
     * empty machine. */
    CHECK(strstr(sarif, "\"BUNDLE1\"") == NULL);
    CHECK(strstr(sarif, "%28empty") == NULL);
    free(sarif);
    md_review_free(&r);
    md_change_free(c);
}

/* The diff of a bundle with itself: nothing new, nothing gone, every
 * finding unchanged. */
static void
test_diff_same(void)
{
    char path[512], again[512];
    snprintf(path, sizeof path, "%s/%s",
             getenv("MD_SRC") ? getenv("MD_SRC") : ".",
             "samples/scenarios/08-both-set/FS08_MARS_20261128.zip");
    /* As on a command line: the same path, given twice. */
    snprintf(again, sizeof again, "%s", path);
    struct md_scan_opts so = {0};
    md_limits_default(&so.limits);
    struct md_diff d;
    CHECK_INT(md_diff_run(tu_engine(), path, again, &so, &d), MD_OK);
    CHECK_INT(d.delta.nadded + d.delta.nremoved + d.delta.nescalated, 0);
    CHECK_INT(d.delta.nsame, d.new_.nfindings);
    CHECK(d.new_.nfindings > 0);
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    struct md_render rr = {.rulepack = "proxy 1"};
    md_write_diff_md(f, &d, &rr);
    md_write_diff_sarif(f, &d, &rr);
    fclose(f);
    CHECK(strstr(out, "**Verdict:** No new problems since the old bundle.") !=
          NULL);
    CHECK(strstr(out, "### Proxy sources: 0 of 5 changed") != NULL);
    CHECK(strstr(out, "\"baselineState\": \"unchanged\"") != NULL);
    CHECK(strstr(out, "\"baselineState\": \"new\"") == NULL);
    /* The same path twice: each bundle's evidence under its own base. */
    CHECK(strstr(out, "\"uriBaseId\": \"BUNDLE2\"") != NULL);
    free(out);
    md_diff_free(&d);
}

int
main(void)
{
    static const struct tu_test tests[] = {
        TU_TEST(test_headline),
        TU_TEST(test_action_words),
        TU_TEST(test_hostile_text),
        TU_TEST(test_diff_same),
    };
    int rc = tu_main(tests, sizeof tests / sizeof tests[0]);
    return rc;
}
