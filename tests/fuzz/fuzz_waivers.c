/*
 * Fuzz target for the waiver loader (analyzer/core/waivers.c): the input
 * is one waiver file, checked against a small rule set; when it loads,
 * every waiver is matched as a verdict's findings would be, by host and
 * by SHA-256, on either side of its expiry date. Seeds:
 * tests/fuzz/corpus/waivers/.
 */
#include <stdint.h>
#include <string.h>

#include "fuzz_facts.h"
#include "marsdiag/rules.h"
#include "marsdiag/waivers.h"

/* Two rules, so that "unknown rule" and its suggestions run. */
static const struct md_ruleset *
rules(void)
{
    static struct md_ruleset *rs;
    static const char text[] =
        "id: MP001\nname: a-rule\nseverity: error\ntitle: t\n"
        "when: agent.proxy.set\nmessage: m\nfix: f\nreferences: [r]\n"
        "---\n"
        "id: MP016\nname: b-rule\nseverity: info\ntitle: t\n"
        "when: agent.proxy.set\nmessage: m\nfix: f\nreferences: [r]\n";
    if (!rs) {
        struct md_ruleset_builder *b = md_ruleset_builder_new(NULL);
        md_ruleset_add_text(b, "fuzz-rules.yml", text, sizeof text - 1,
                            fuzz_no_error, NULL);
        rs = md_ruleset_build(b, fuzz_no_error, NULL);
    }
    return rs;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct md_waivers *w =
        md_waivers_parse("fuzz.yml", (const char *)data, size, rules(), NULL,
                         fuzz_no_error, NULL);
    if (!w)
        return 0;
    unsigned char sha[32];
    memset(sha, 0xab, sizeof sha);
    for (size_t i = 0; i < md_waivers_count(w); i++) {
        const struct md_waiver *x = md_waivers_get(w, i);
        const struct md_waiver *exp;
        (void)md_waivers_match(w, x->rule, x->host, sha, x->expires_day,
                               &exp);
        (void)md_waivers_match(w, x->rule, "FS01", NULL,
                               x->expires_day + 1, &exp);
    }
    md_waivers_free(w);
    return 0;
}
