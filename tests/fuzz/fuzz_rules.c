/*
 * Fuzz target for the rule loader (rules/engine): the input is one rule
 * file; when it loads, the set is evaluated against a small fixed fact
 * tree with a list, so the expression evaluator and message rendering run
 * too, and each rule's condition is traced (`marsdiag explain`).
 * Seeds: tests/fuzz/corpus/rules/.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz_facts.h"
#include "marsdiag/fact.h"
#include "marsdiag/rules.h"
#include "marsdiag/trace.h"

static void
no_finding(void *user, const struct md_finding *f)
{
    size_t *n = user;
    *n += strlen(f->message) + f->nevidence + (f->subject != NULL);
}

static const struct md_fact *
facts(void)
{
    static struct md_arena a = MD_ARENA_INIT;
    static struct md_fact *root;
    static const struct md_evidence ev = {.kind = "fuzz"};
    if (root)
        return root;
    root = md_fact_new(&a, MD_F_OBJ);
    static const char server[] = "http://u:pw@Proxy.Corp:8080/x.pac";
    struct md_fact *s = md_fact_str(&a, server, sizeof server - 1);
    md_fact_cite(&a, s, &ev);
    fuzz_put(&a, root, "agent.proxy.server", s);
    fuzz_put(&a, root, "agent.proxy.set", md_fact_bool(&a, true));
    fuzz_put(&a, root, "agent.proxy.port", md_fact_int(&a, 8080));
    fuzz_put(&a, root, "log.timeout.count", md_fact_int(&a, 3));
    struct md_fact *users = md_fact_child(&a, root, "users", MD_F_LIST);
    for (int i = 0; i < 3; i++) {
        struct md_fact *u = md_fact_new(&a, MD_F_OBJ);
        if (i)
            fuzz_put(&a, u, "sid", md_fact_str(&a, "S-1-5-21-7", 10));
        fuzz_put(&a, u, "proxy.set", md_fact_bool(&a, i != 1));
        fuzz_put(&a, u, "proxy.server", md_fact_str(&a, "[::1]:81", 8));
        md_fact_append(&a, users, u);
    }
    return root;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct md_limits lim;
    md_limits_default(&lim);
    lim.pcre2_match = 100000; /* keep each run short */
    struct md_ruleset_builder *b = md_ruleset_builder_new(&lim);
    md_ruleset_add_text(b, "fuzz.yml", (const char *)data, size, fuzz_no_error,
                        NULL);
    struct md_ruleset *rs = md_ruleset_build(b, fuzz_no_error, NULL);
    if (rs) {
        size_t n = 0;
        md_rules_eval(rs, facts(), no_finding, &n);
        for (size_t i = 0; i < md_ruleset_count(rs); i++) {
            struct md_arena a = MD_ARENA_INIT;
            struct md_trace_result res;
            md_expr_trace(md_ruleset_rule(rs, i)->when_expr, facts(), &a,
                          &res);
            md_arena_free(&a);
        }
        md_ruleset_free(rs);
    }
    return 0;
}
