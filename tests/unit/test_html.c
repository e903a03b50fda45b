/*
 * The HTML report (analyzer/core/html.c) on verdicts built by hand: text
 * from a bundle masked and escaped, the precedence chain's states, the
 * findings and suppressed findings, and the timeline's edge cases (no
 * event, one, weeks of them, two time zones). tests/sh/html-render.sh
 * renders real reports in a browser.
 */
#include <stdlib.h>

#include "marsdiag/html.h"
#include "marsdiag/model.h"
#include "testutil.h"

/* "(407)" is proxy_auth_required, "timed out" is timeout. */
static void
classify(void *user, const char *text, size_t len,
         void (*hit)(void *, const char *), void *hu)
{
    (void)user;
    struct md_slice sl = {text, len};
    if (md_slice_ifind(sl, "(407)") >= 0)
        hit(hu, "proxy_auth_required");
    if (md_slice_ifind(sl, "timed out") >= 0)
        hit(hu, "timeout");
}

static void
add_log(struct md_model *m, const char *ts, const char *msg)
{
    struct md_evidence ev = {.kind = "log.record", .nfields = 2};
    ev.fields[0] = (struct md_field){.name = "message", .type = MD_V_STR,
                                     .s = msg, .len = strlen(msg)};
    ev.fields[1] = (struct md_field){.name = "timestamp", .type = MD_V_STR,
                                     .s = ts, .len = strlen(ts)};
    md_model_add(m, &ev);
}

static void
put(struct md_model *m, const char *obj, const char *key, const char *val)
{
    struct md_arena *a = md_model_arena(m);
    struct md_fact *o = md_fact_child(a, md_model_root(m), obj, MD_F_OBJ);
    md_fact_put(a, o, key, md_fact_str(a, val, strlen(val)));
}

/* A step of precedence.chain, appended in order, as precedence.c writes
 * it: the source, whether the bundle decides it, whether it is set. */
static void
step(struct md_model *m, const char *source, bool known, bool set)
{
    struct md_arena *a = md_model_arena(m);
    struct md_fact *p =
        md_fact_child(a, md_model_root(m), "precedence", MD_F_OBJ);
    struct md_fact *chain = md_fact_child(a, p, "chain", MD_F_LIST);
    struct md_fact *o = md_fact_new(a, MD_F_OBJ);
    md_fact_put(a, o, "source", md_fact_str(a, source, strlen(source)));
    md_fact_put(a, o, "known", md_fact_bool(a, known));
    md_fact_put(a, o, "set", md_fact_bool(a, set));
    md_fact_append(a, chain, o);
}

static struct md_model *
model_new(void)
{
    struct md_model *m = md_model_new();
    md_model_set_classifier(m, classify, NULL);
    return m;
}

/* The page for a verdict of model m (taken and freed) and findings. */
static char *
render(struct md_model *m, struct md_verdict_finding *f, size_t nf,
       bool show_suppressed)
{
    struct md_verdict v = {.model = m, .findings = f, .nfindings = nf};
    md_bundle_init(&v.bundle, "cases/HOST_MARS.zip");
    struct md_render r = {.rulepack = "proxy 1",
                          .show_suppressed = show_suppressed};
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    md_write_verdict_html(out, &v, &r);
    fclose(out);
    md_bundle_free(&v.bundle);
    md_model_free(m);
    return buf;
}

static size_t
occurrences(const char *s, const char *sub)
{
    size_t n = 0;
    for (const char *p = strstr(s, sub); p; p = strstr(p + 1, sub))
        n++;
    return n;
}

/* The part of page from the section id on. */
static const char *
section(const char *page, const char *id)
{
    char key[64];
    snprintf(key, sizeof key, "<section id=\"%s\">", id);
    const char *p = strstr(page, key);
    return p ? p : "";
}

static const struct md_rule_info rule = {
    .id = "MP002",
    .name = "auth-required",
    .title = "The proxy demands <authentication>",
    .fix = "Set-OBMachineSetting -ProxyUsername USER",
    .references = (const char *const[]){"article §3",
                                        "https://learn.microsoft.com/x"},
    .nreferences = 2,
};

static void
test_bundle_text_masked_and_escaped(void)
{
    struct md_model *m = model_new();
    put(m, "host", "name", "<b>FS01</b>");
    put(m, "effective", "source", "agent");
    put(m, "effective", "mode", "manual");
    put(m, "effective", "server", "http://svc:Secr3tPass@proxy.corp");
    struct md_input in = {.path = "Logs/a&b.reg"};
    struct md_evidence ev = {.kind = "reg.value", .input = &in, .line = 7,
                             .key = "HKLM\\X", .name = "ProxyServer",
                             .text = "\"ProxyServer\"=\"\xff<x>\"",
                             .text_len = 20};
    const struct md_evidence *evs[] = {&ev};
    struct md_verdict_finding f = {
        .rule = &rule, .severity = MD_SEV_ERROR,
        .message = "407 with ProxyPassword=hunter22 via <proxy>",
        .evidence = evs, .nevidence = 1};
    char *page = render(m, &f, 1, false);
    CHECK(strstr(page, "&lt;b&gt;FS01&lt;/b&gt; — marsdiag report"));
    CHECK(!strstr(page, "<b>FS01"));
    CHECK(!strstr(page, "Secr3tPass"));
    CHECK(!strstr(page, "hunter22"));
    CHECK(strstr(page, "via &lt;proxy&gt;"));
    CHECK(strstr(page, "Logs/a&amp;b.reg:7"));
    CHECK(strstr(page, "\\xFF&lt;x&gt;")); /* invalid UTF-8 kept visible */
    CHECK(strstr(page, "The proxy demands &lt;authentication&gt;"));
    CHECK(strstr(page, "<a href=\"https://learn.microsoft.com/x\""));
    CHECK(strstr(page, "article §3"));
    CHECK(!strstr(page, "<script"));
    free(page);
}

static void
test_chain_states(void)
{
    struct md_model *m = model_new();
    struct md_arena *a = md_model_arena(m);
    put(m, "effective", "source", "agent");
    put(m, "effective", "mode", "manual");
    put(m, "effective", "server", "10.0.0.5");
    struct md_fact *eff = md_fact_child(a, md_model_root(m), "effective",
                                        MD_F_OBJ);
    struct md_fact *sh = md_fact_child(a, eff, "shadowed", MD_F_LIST);
    const char *rows[][3] = {
        {"system", "http://pac.corp/p.pac", "the agent's proxy wins"},
        {"user S-1-5-21-1", "10.9.9.9:80", "users are never read"},
    };
    for (size_t i = 0; i < 2; i++) {
        struct md_fact *o = md_fact_new(a, MD_F_OBJ);
        md_fact_put(a, o, "source", md_fact_str(a, rows[i][0],
                                                strlen(rows[i][0])));
        md_fact_put(a, o, "value", md_fact_str(a, rows[i][1],
                                               strlen(rows[i][1])));
        md_fact_put(a, o, "reason", md_fact_str(a, rows[i][2],
                                                strlen(rows[i][2])));
        md_fact_append(a, sh, o);
    }
    step(m, "agent", true, true);
    step(m, "system", true, true);
    step(m, "none", true, true);
    char *page = render(m, NULL, 0, false);
    const char *chain = section(page, "b1-chain");
    CHECK(strstr(chain, "IN FORCE"));
    CHECK(strstr(chain, "SHADOWED"));
    CHECK(strstr(chain, "NOT USED")); /* direct, under a proxy */
    CHECK(strstr(chain, "NEVER CONSULTED"));
    CHECK(strstr(chain, "users are never read"));
    CHECK(strstr(chain, "<td class=\"state\"><b>\u2298 shadowed</b></td>"));
    CHECK(strstr(section(page, "b1-proxy"), "Proxy server <code>10.0.0.5"));
    CHECK(strstr(section(page, "b1-findings"), "No findings"));
    free(page);

    m = model_new();
    put(m, "effective", "source", "unknown");
    step(m, "agent", false, false);
    step(m, "system", false, false);
    step(m, "none", false, true);
    page = render(m, NULL, 0, false);
    CHECK(strstr(page, "Cannot tell which proxy the agent uses"));
    CHECK(strstr(section(page, "b1-chain"), "UNDECIDED"));
    CHECK(strstr(section(page, "b1-chain"), "NOT IN BUNDLE"));
    free(page);

    /* SYSTEM is set, but without the agent's settings nobody can say
     * whether it is used. */
    m = model_new();
    put(m, "effective", "source", "unknown");
    step(m, "agent", false, false);
    step(m, "system", true, true);
    step(m, "none", false, true);
    page = render(m, NULL, 0, false);
    chain = section(page, "b1-chain");
    CHECK(strstr(chain, "<td>Agent&#39;s own proxy</td><td class=\"state\">"
                        "<b>? not in bundle</b>"));
    CHECK(strstr(chain, "<td>SYSTEM&#39;s Windows proxy</td><td "
                        "class=\"state\"><b>? undecided</b></td><td></td>"
                        "<td>set, but in force only if the sources above "
                        "are not</td>"));
    free(page);

    /* A --rules chain is drawn as loaded: its order, its own names. */
    m = model_new();
    put(m, "effective", "source", "corp");
    put(m, "effective", "mode", "manual");
    step(m, "system", true, false);
    step(m, "corp", true, true);
    step(m, "agent", true, true);
    step(m, "none", true, true);
    page = render(m, NULL, 0, false);
    chain = section(page, "b1-chain");
    const char *sys = strstr(chain, "<td>SYSTEM&#39;s Windows proxy</td>");
    const char *corp = strstr(chain, "<td>corp</td><td class=\"state\">"
                                     "<b>\u2714 in force</b>");
    const char *agent = strstr(chain, "<td>Agent&#39;s own proxy</td>");
    CHECK(sys && corp && agent && sys < corp && corp < agent);
    CHECK(strstr(chain, "<td class=\"num\">4</td><td>Direct connection"));
    free(page);
}

static void
test_suppressed(void)
{
    struct md_verdict_finding f[2] = {
        {.rule = &rule, .severity = MD_SEV_ERROR, .message = "shown one"},
        {.rule = &rule, .severity = MD_SEV_ERROR, .message = "waived one",
         .suppressed = true, .waiver_reason = "accepted until the move"},
    };
    char *page = render(model_new(), f, 2, false);
    CHECK(strstr(page, "Findings (1)"));
    CHECK(strstr(page, "Suppressed findings (1)"));
    CHECK(strstr(page, "<b>1</b>suppressed"));
    CHECK(strstr(page, "shown one"));
    CHECK(!strstr(page, "waived one"));
    free(page);
    page = render(model_new(), f, 2, true);
    CHECK(strstr(section(page, "b1-suppressed"), "waived one"));
    CHECK(strstr(section(page, "b1-suppressed"), "accepted until the move"));
    free(page);
}

static void
test_timeline_none(void)
{
    char *page = render(model_new(), NULL, 0, false);
    const char *tl = section(page, "b1-timeline");
    CHECK(strstr(tl, "No proxy-related log events"));
    CHECK(!strstr(tl, "<svg"));
    free(page);
}

static void
test_timeline_one(void)
{
    struct md_model *m = model_new();
    add_log(m, "2026-11-28T23:10:00.000", "failed: (407)");
    md_model_finish(m);
    char *page = render(m, NULL, 0, false);
    const char *tl = section(page, "b1-timeline");
    CHECK(strstr(tl, "1 event; times in agent local time"));
    CHECK_INT(occurrences(tl, "fill=\"url(#b1-p0)\""), 2); /* bar, legend */
    /* Twelve hours around it, across midnight. */
    CHECK(strstr(tl, ">18:00</text>"));
    CHECK(strstr(tl, ">04:00</text>"));
    CHECK(strstr(tl, ">2026-11-29</text>"));
    CHECK(strstr(tl, "<title>2026-11-28 23:00–00:00: 1 event; 1 "
                     "proxy_auth_required</title>"));
    free(page);
}

static void
test_timeline_weeks_capped(void)
{
    struct md_model *m = model_new();
    add_log(m, "2026-10-01T05:00:00", "(407)");
    add_log(m, "2026-10-20T06:00:00", "(407) and timed out");
    add_log(m, "2026-10-20T07:00:00", "timed out");
    md_model_finish(m);
    char *page = render(m, NULL, 0, false);
    const char *tl = section(page, "b1-timeline");
    CHECK(strstr(tl, "The events span 459 hours (2026-10-01 05:00 to "
                     "2026-10-20 07:00); the chart shows the last 168, and "
                     "1 earlier event is not drawn"));
    CHECK_INT(occurrences(tl, "<g><title>"), 2);
    CHECK(strstr(tl, "2026-10-20 06:00–07:00: 2 events; 1 "
                     "proxy_auth_required; 1 timeout"));
    free(page);
}

static void
test_timeline_two_zones(void)
{
    struct md_model *m = model_new();
    add_log(m, "2026-11-28T01:00:00", "(407)");
    add_log(m, "2026-11-27T17:00:00.0150000Z", "(407)");
    add_log(m, "2026-11-27T17:30:00+09:00", "timed out");
    md_model_finish(m);
    char *page = render(m, NULL, 0, false);
    const char *tl = section(page, "b1-timeline");
    CHECK(strstr(tl, "give times in 3 different ways"));
    CHECK_INT(occurrences(tl, "<svg xmlns"), 3);
    CHECK(strstr(tl, "times in agent local time"));
    CHECK(strstr(tl, "times in UTC."));
    CHECK(strstr(tl, "times in UTC+09:00."));
    /* Local time first, then UTC, then offsets. */
    CHECK(strstr(tl, "agent local time") < strstr(tl, "times in UTC."));
    free(page);
}

static void
test_unreadable(void)
{
    struct md_verdict v = {0};
    md_bundle_init(&v.bundle, "gone.zip");
    v.bundle.status = MD_ERR_IO;
    snprintf(v.bundle.error, sizeof v.bundle.error,
             "cannot read 'gone.zip': <no such file>");
    struct md_render r = {.rulepack = "proxy 1"};
    char *page = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&page, &len);
    md_write_verdict_html(out, &v, &r);
    fclose(out);
    md_bundle_free(&v.bundle);
    CHECK(strstr(page, "</dl>\n</header>\n<p class=\"verdict v-unknown\">"
                       "<b>This bundle could not be read:</b> cannot read "
                       "&#39;gone.zip&#39;: &lt;no such file&gt;</p>\n"
                       "</article>"));
    CHECK(!strstr(page, "b1-findings"));
    free(page);
}

int
main(void)
{
    static const struct tu_test tests[] = {
        TU_TEST(test_bundle_text_masked_and_escaped),
        TU_TEST(test_chain_states),
        TU_TEST(test_suppressed),
        TU_TEST(test_timeline_none),
        TU_TEST(test_timeline_one),
        TU_TEST(test_timeline_weeks_capped),
        TU_TEST(test_timeline_two_zones),
        TU_TEST(test_unreadable),
    };
    return tu_main(tests, sizeof tests / sizeof tests[0]);
}
