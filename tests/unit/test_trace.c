/* Evaluation traces (marsdiag/trace.h, `marsdiag explain`): values of
 * every sub-expression, short-circuits, [*] elements, count() over a
 * list, facts with their evidence, expressions written out; and, over
 * every sample bundle and every rule of the pack, that the trace agrees
 * with the findings md_engine_scan reports (fired or not, severity). */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>

#include "marsdiag/buf.h"
#include "marsdiag/engine.h"
#include "marsdiag/fact.h"
#include "marsdiag/rules.h"
#include "marsdiag/trace.h"
#include "testutil.h"

static struct md_arena A = MD_ARENA_INIT;
static struct md_limits lim;

static struct md_fact *
put(struct md_fact *obj, const char *path, struct md_fact *f)
{
    char key[64];
    const char *dot;
    while ((dot = strchr(path, '.'))) {
        snprintf(key, sizeof key, "%.*s", (int)(dot - path), path);
        obj = md_fact_child(&A, obj, key, MD_F_OBJ);
        path = dot + 1;
    }
    md_fact_put(&A, obj, path, f);
    return f;
}

static struct md_fact *
str(const char *s)
{
    return md_fact_str(&A, s, strlen(s));
}

static struct md_evidence port_ev = {.kind = "agent.proxy",
                                     .line = 10,
                                     .name = "ProxyPort",
                                     .text = "\"ProxyPort\"=dword:00001f90",
                                     .text_len = 26};

static struct md_fact *
tree(void)
{
    struct md_fact *root = md_fact_new(&A, MD_F_OBJ);
    put(root, "agent.proxy.set", md_fact_bool(&A, true));
    put(root, "agent.proxy.server", str("http://u:secret@proxy:8080"));
    struct md_fact *port = put(root, "agent.proxy.port", md_fact_int(&A, 8080));
    md_fact_cite(&A, port, &port_ev);
    struct md_fact *users = md_fact_child(&A, root, "users", MD_F_LIST);
    for (int i = 0; i < 3; i++) {
        struct md_fact *u = md_fact_new(&A, MD_F_OBJ);
        char sid[32];
        snprintf(sid, sizeof sid, "S-1-5-21-%d", i);
        put(u, "sid", str(sid));
        put(u, "proxy.set", md_fact_bool(&A, i != 0));
        if (i == 1)
            put(u, "proxy.server", str("upx:81"));
        md_fact_append(&A, users, u);
    }
    md_fact_child(&A, root, "dotnet", MD_F_LIST); /* empty */
    return root;
}

static struct md_expr *
compile(const char *text)
{
    struct md_expr *e = md_expr_compile(text, &lim, "t", 1, 1, NULL, NULL);
    if (!e) {
        fprintf(stderr, "cannot compile '%s'\n", text);
        md_test_failures++;
    }
    return e;
}

/* Trace text (one run expected); the expression stays in *ep. */
static const struct md_trace_run *
trace1(const struct md_fact *root, const char *text, struct md_expr **ep,
       struct md_trace_result *res)
{
    *ep = compile(text);
    if (!*ep)
        return NULL;
    CHECK_INT(md_expr_trace(*ep, root, &A, res), MD_OK);
    return res->nruns ? &res->runs[0] : NULL;
}

static bool
is_bool(const struct md_trace *t, bool v)
{
    return t->evaluated && t->value && t->value->type == MD_F_BOOL &&
           (t->value->i != 0) == v;
}

static void
test_and_or(void)
{
    md_limits_default(&lim);
    struct md_fact *root = tree();
    struct md_trace_result res;
    struct md_expr *e;

    /* a chain of and is one node; the 2nd operand decides, the 3rd is
     * skipped */
    const struct md_trace_run *r = trace1(
        root, "agent.proxy.set and agent.proxy.port == 80 and "
              "exists(agent.proxy.user)",
        &e, &res);
    CHECK(r && !r->holds && !res.holds && res.list == NULL);
    const struct md_trace *t = r ? r->root : NULL;
    if (t) {
        CHECK_INT(t->kind, MD_TRACE_AND);
        CHECK_INT(t->nkids, 3);
        CHECK_INT(t->decided_by, 1);
        CHECK(is_bool(t, false));
        CHECK(is_bool(t->kids[0], true));
        CHECK_STR(t->kids[0]->path, "agent.proxy.set");
        const struct md_trace *cmp = t->kids[1];
        CHECK_INT(cmp->kind, MD_TRACE_COMPARE);
        CHECK_STR(cmp->op, "==");
        CHECK_STR(cmp->expr, "agent.proxy.port == 80");
        CHECK(is_bool(cmp, false));
        const struct md_trace *port = cmp->kids[0];
        CHECK_INT(port->kind, MD_TRACE_FACT);
        CHECK(port->fact && port->fact->type == MD_F_INT &&
              port->fact->i == 8080);
        CHECK(port->fact && port->fact->nev == 1 &&
              port->fact->ev[0] == &port_ev);
        CHECK_INT(cmp->kids[1]->kind, MD_TRACE_LITERAL);
        CHECK(cmp->kids[1]->value && cmp->kids[1]->value->i == 80);
        CHECK(!t->kids[2]->evaluated);
        CHECK(t->kids[2]->value == NULL);
        CHECK_STR(t->kids[2]->expr, "exists(agent.proxy.user)");
    }
    md_expr_free(e);

    /* or: the first true operand decides */
    r = trace1(root, "agent.proxy.set or agent.proxy.port == 1", &e, &res);
    CHECK(r && r->holds && r->root->decided_by == 0 &&
          !r->root->kids[1]->evaluated);
    md_expr_free(e);
    /* every operand needed */
    r = trace1(root, "agent.proxy.set and agent.proxy.port > 1", &e, &res);
    CHECK(r && r->holds && r->root->decided_by == -1);
    md_expr_free(e);
    r = trace1(root, "agent.proxy.port < 1 or exists(agent.proxy.user)", &e,
               &res);
    CHECK(r && !r->holds && r->root->decided_by == -1 &&
          r->root->kids[1]->evaluated);
    /* exists() of a missing fact: its argument is a fact node, null */
    if (r) {
        const struct md_trace *ex = r->root->kids[1];
        CHECK_INT(ex->kind, MD_TRACE_CALL);
        CHECK_STR(ex->op, "exists");
        CHECK(is_bool(ex, false));
        CHECK_INT(ex->nkids, 1);
        CHECK(ex->kids[0]->kind == MD_TRACE_FACT && !ex->kids[0]->fact &&
              ex->kids[0]->evaluated);
    }
    md_expr_free(e);
    md_arena_free(&A);
}

static void
test_list(void)
{
    md_limits_default(&lim);
    struct md_fact *root = tree();
    struct md_trace_result res;
    struct md_expr *e;

    /* [*]: one run per element, paths resolved to the element */
    trace1(root, "users[*].proxy.set and users[*].proxy.server == 'upx:81'",
           &e, &res);
    CHECK_STR(res.list, "users");
    CHECK_INT(res.nruns, 3);
    CHECK(res.holds);
    if (res.nruns == 3) {
        CHECK(!res.runs[0].holds && res.runs[1].holds && !res.runs[2].holds);
        CHECK_STR(res.runs[1].subject, "users[S-1-5-21-1]");
        CHECK_INT(res.runs[1].index, 1);
        CHECK_STR(res.runs[1].root->kids[0]->path, "users[1].proxy.set");
        CHECK_STR(res.runs[1].root->kids[0]->expr, "users[*].proxy.set");
        /* element 0: proxy.set is false, so the comparison is skipped */
        CHECK_INT(res.runs[0].root->decided_by, 0);
        /* element 2: the server is missing: null, the comparison false */
        const struct md_trace *cmp = res.runs[2].root->kids[1];
        CHECK(is_bool(cmp, false) && cmp->kids[0]->fact == NULL);
        CHECK_INT(res.runs[2].root->decided_by, 1);
    }
    md_expr_free(e);

    /* an empty list and a missing one: nothing to evaluate */
    trace1(root, "dotnet[*].enabled", &e, &res);
    CHECK(res.nruns == 0 && !res.holds && !res.list_missing);
    md_expr_free(e);
    md_fact_put(&A, root, "dotnet", md_fact_new(&A, MD_F_NULL));
    trace1(root, "dotnet[*].enabled", &e, &res);
    CHECK(res.nruns == 0 && !res.holds && res.list_missing);
    md_expr_free(e);

    /* count() over [*]: every element's fact */
    const struct md_trace_run *r =
        trace1(root, "count(users[*].proxy.set) > 1", &e, &res);
    CHECK(r && r->holds);
    if (r) {
        const struct md_trace *cnt = r->root->kids[0];
        CHECK_STR(cnt->op, "count");
        CHECK(cnt->value && cnt->value->i == 2);
        const struct md_trace *arg = cnt->kids[0];
        CHECK_INT(arg->kind, MD_TRACE_FACT);
        CHECK_INT(arg->nkids, 3);
        if (arg->nkids == 3) {
            CHECK_STR(arg->kids[2]->path, "users[2].proxy.set");
            CHECK(arg->kids[0]->fact && arg->kids[0]->fact->i == 0);
        }
    }
    md_expr_free(e);

    /* md_expr_trace_elem binds one element (a severity_when) */
    e = compile("users[*].proxy.set");
    struct md_trace_run one;
    const struct md_fact *users = md_fact_get(root, "users");
    CHECK_INT(md_expr_trace_elem(e, root, users->items[2], 2, &A, &one),
              MD_OK);
    CHECK(one.holds);
    CHECK_STR(one.subject, "users[S-1-5-21-2]");
    md_expr_free(e);
    md_arena_free(&A);
}

/* Sub-expressions are written out so that they parse back to
 * themselves, with parentheses where the grammar or a reader needs them. */
static void
test_written_out(void)
{
    md_limits_default(&lim);
    struct md_fact *root = tree();
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"not (agent.proxy.port <= 80) and (false or true)",
         "not (agent.proxy.port <= 80) and (false or true)"},
        {"not agent.proxy.port <= 80", "not (agent.proxy.port <= 80)"},
        {"a_or_b() == 1", NULL}, /* unknown function: not compiled */
        {"true or false and true", "true or (false and true)"},
        {"(true or false) and true", "(true or false) and true"},
        {"true and (false and true)", "true and (false and true)"},
        {"'it''s' == \"it's\"", "'it''s' == 'it''s'"},
        {"agent.proxy.port not in [1, -2]", "agent.proxy.port not in [1, -2]"},
        {"agent.proxy.server !~ '(?i)\\.pac$'",
         "agent.proxy.server !~ '(?i)\\.pac$'"},
        {"lower(host(agent.proxy.server)) == 'proxy'",
         "lower(host(agent.proxy.server)) == 'proxy'"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct md_expr *e =
            md_expr_compile(cases[i].in, &lim, "t", 1, 1, NULL, NULL);
        if (!cases[i].out) {
            CHECK(e == NULL);
            continue;
        }
        struct md_trace_result res;
        CHECK(e && md_expr_trace(e, root, &A, &res) == MD_OK &&
              res.nruns == 1);
        if (e && res.nruns == 1) {
            CHECK_STR(res.runs[0].root->expr, cases[i].out);
            /* and it means the same */
            struct md_expr *again = compile(res.runs[0].root->expr);
            CHECK(again && md_expr_true(again, root) == md_expr_true(e, root));
            md_expr_free(again);
        }
        md_expr_free(e);
    }
    md_arena_free(&A);
}

/* Over every sample bundle and every rule: the trace holds exactly when
 * the rule fired, on the same elements, and the severity_when traces
 * give the finding's severity. */
static void
test_agrees_with_findings(void)
{
    md_limits_default(&lim);
    const struct md_engine *eng = tu_engine();
    const char *src = getenv("MD_SRC") ? getenv("MD_SRC") : ".";
    char pat[2][4200];
    snprintf(pat[0], sizeof pat[0], "%s/samples/scenarios/*/*.zip", src);
    snprintf(pat[1], sizeof pat[1], "%s/samples/rules/*/*/*.zip", src);
    glob_t g;
    int gr = glob(pat[0], 0, NULL, &g);
    if (gr == 0)
        gr = glob(pat[1], GLOB_APPEND, NULL, &g);
    CHECK(gr == 0 && g.gl_pathc > 20);
    const struct md_ruleset *rs = md_engine_rules(eng);
    size_t nfired = 0, nlist = 0;
    struct md_scan_opts so = {.limits = lim};
    for (size_t b = 0; gr == 0 && b < g.gl_pathc; b++) {
        struct md_verdict v;
        CHECK_INT(md_engine_scan(eng, g.gl_pathv[b], &so, &v), MD_OK);
        const struct md_fact *root = md_model_root(v.model);
        for (size_t i = 0; i < md_ruleset_count(rs); i++) {
            const struct md_rule_info *r = md_ruleset_rule(rs, i);
            struct md_arena a = MD_ARENA_INIT;
            struct md_trace_result res;
            CHECK_INT(md_expr_trace(r->when_expr, root, &a, &res), MD_OK);
            size_t nf = 0, nh = 0;
            for (size_t k = 0; k < v.nfindings; k++)
                nf += v.findings[k].rule == r;
            for (size_t k = 0; k < res.nruns; k++) {
                const struct md_trace_run *run = &res.runs[k];
                if (!run->holds)
                    continue;
                nh++;
                /* the finding for this run, and its severity */
                const struct md_verdict_finding *f = NULL;
                for (size_t m = 0; m < v.nfindings && !f; m++)
                    if (v.findings[m].rule == r &&
                        (!run->subject ||
                         (v.findings[m].subject &&
                          !strcmp(v.findings[m].subject, run->subject))))
                        f = &v.findings[m];
                CHECK(f != NULL);
                enum md_severity sev = r->severity;
                const struct md_fact *l =
                    res.list ? md_fact_path(root, res.list) : NULL;
                for (size_t s = 0; s < r->nseverity_when; s++) {
                    struct md_trace_run sw;
                    md_expr_trace_elem(r->severity_when[s].expr, root,
                                       l ? l->items[k] : NULL, k, &a, &sw);
                    if (sw.holds) {
                        sev = r->severity_when[s].severity;
                        break;
                    }
                }
                if (f && f->severity != sev) {
                    fprintf(stderr, "%s on %s: severity %d, trace says %d\n",
                            r->id, g.gl_pathv[b], (int)f->severity, (int)sev);
                    md_test_failures++;
                }
            }
            if (nf != nh) {
                fprintf(stderr, "%s on %s: %zu findings, trace holds %zu\n",
                        r->id, g.gl_pathv[b], nf, nh);
                md_test_failures++;
            }
            nfired += nh;
            nlist += res.list != NULL && res.nruns > 0;
            md_arena_free(&a);
        }
        md_verdict_free(&v);
    }
    /* the samples do exercise fired rules and [*] rules */
    CHECK(nfired >= 20);
    CHECK(nlist >= 5);
    if (gr == 0)
        globfree(&g);
}

/* Every rule's condition, written out, parses back to the same text. */
static void
test_pack_written_out(void)
{
    md_limits_default(&lim);
    const struct md_ruleset *rs = md_engine_rules(tu_engine());
    struct md_fact *root = md_fact_new(&A, MD_F_OBJ);
    for (size_t i = 0; i < md_ruleset_count(rs); i++) {
        const struct md_rule_info *r = md_ruleset_rule(rs, i);
        CHECK(r->when && r->message && r->when_expr);
        struct md_trace_run run;
        CHECK_INT(md_expr_trace_elem(r->when_expr, root, NULL, 0, &A, &run),
                  MD_OK);
        struct md_expr *again = compile(run.root->expr);
        struct md_trace_run run2;
        if (again &&
            md_expr_trace_elem(again, root, NULL, 0, &A, &run2) == MD_OK)
            CHECK_STR(run2.root->expr, run.root->expr);
        md_expr_free(again);
    }
    md_arena_free(&A);
}

int
main(void)
{
    static const struct tu_test tests[] = {
        TU_TEST(test_and_or),
        TU_TEST(test_list),
        TU_TEST(test_written_out),
        TU_TEST(test_agrees_with_findings),
        TU_TEST(test_pack_written_out),
    };
    return tu_main(tests, sizeof tests / sizeof tests[0]);
}
