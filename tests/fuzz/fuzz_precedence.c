/*
 * Fuzz target for the precedence loader (analyzer/core/precedence.c): the
 * input is one precedence.yml, as --rules DIR hands it over. When it
 * loads, it is applied to two small fact trees, one where every source is
 * collected and set and one where nothing is, so that winners, shadowed
 * steps, never-consulted lists and "unknown" all run. Seeds:
 * tests/fuzz/corpus/precedence/.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz_facts.h"
#include "marsdiag/precedence.h"

static struct md_fact *
str(struct md_arena *a, const char *s)
{
    return md_fact_str(a, s, strlen(s));
}

/* A fresh tree each time: applying the chain writes into it. */
static struct md_fact *
facts(struct md_arena *a, bool set)
{
    static const struct md_evidence ev = {.kind = "fuzz"};
    struct md_fact *root = md_fact_new(a, MD_F_OBJ);
    static const char *const flags[] = {
        "collected.agent_settings",
        "collected.system_settings",
        "agent.proxy.set",
        "system.proxy.set",
        "system.proxy.pac",
        "system.proxy.manual",
        "winhttp.set",
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        struct md_fact *b = md_fact_bool(a, set);
        md_fact_cite(a, b, &ev);
        fuzz_put(a, root, flags[i], b);
    }
    if (set) {
        fuzz_put(a, root, "agent.proxy.server",
                 str(a, "http://Proxy.Corp:8080"));
        fuzz_put(a, root, "agent.proxy.port", md_fact_int(a, 8080));
        fuzz_put(a, root, "agent.proxy.user", str(a, "corp\\svc"));
        fuzz_put(a, root, "system.proxy.pac_url", str(a, "http://w/x.pac"));
        fuzz_put(a, root, "system.proxy.server", str(a, "[::1]:81"));
        fuzz_put(a, root, "winhttp.server", str(a, "wh:3128"));
    }
    struct md_fact *users = md_fact_child(a, root, "users", MD_F_LIST);
    for (int i = 0; i < 2; i++) {
        struct md_fact *u = md_fact_new(a, MD_F_OBJ);
        fuzz_put(a, u, "sid", str(a, "S-1-5-21-7"));
        fuzz_put(a, u, "proxy.set", md_fact_bool(a, set || i));
        fuzz_put(a, u, "proxy.server", str(a, "u:80"));
        md_fact_append(a, users, u);
    }
    return root;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct md_limits lim;
    md_limits_default(&lim);
    lim.pcre2_match = 100000; /* keep each run short */
    struct md_precedence *p = md_precedence_load(
        "precedence.yml", (const char *)data, size, &lim, fuzz_no_error, NULL);
    if (!p)
        return 0;
    for (int set = 0; set < 2; set++) {
        struct md_arena a = MD_ARENA_INIT;
        md_precedence_apply(p, facts(&a, set), &a);
        md_arena_free(&a);
    }
    md_precedence_free(p);
    return 0;
}
