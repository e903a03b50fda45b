/* Rule files and rule sets (marsdiag/rules.h): YAML loading, every kind of
 * load error with its file:line:column, override by id, findings with
 * subjects, evidence and masked messages, limits, and two threads sharing
 * one set. Fixtures: tests/data/rules/ (README there). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "marsdiag/buf.h"
#include "marsdiag/fact.h"
#include "marsdiag/rules.h"
#include "testutil.h"

static struct md_buf errs = MD_BUF_INIT(0);

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

static struct md_ruleset *
load_file(const char *relpath, size_t *nerr)
{
    size_t len;
    unsigned char *text = tu_read_file(relpath, &len);
    struct md_ruleset_builder *b = md_ruleset_builder_new(NULL);
    *nerr = md_ruleset_add_text(b, relpath, (const char *)text, len, on_err,
                                NULL);
    free(text);
    return md_ruleset_build(b, on_err, NULL);
}

static size_t
load_text_errors(const char *text)
{
    md_buf_reset(&errs);
    struct md_ruleset_builder *b = md_ruleset_builder_new(NULL);
    size_t n = md_ruleset_add_text(b, "x.yml", text, strlen(text), on_err,
                                   NULL);
    struct md_ruleset *rs = md_ruleset_build(b, on_err, NULL);
    CHECK((rs == NULL) == (n > 0));
    md_ruleset_free(rs);
    return n;
}

static void
test_severity(void)
{
    CHECK_STR(md_severity_str(MD_SEV_WARNING), "warning");
    CHECK_INT(md_severity_parse("error"), MD_SEV_ERROR);
    CHECK_INT(md_severity_parse("info"), MD_SEV_INFO);
    CHECK_INT(md_severity_parse("Error"), -1);
    CHECK_INT(md_severity_parse("fatal"), -1);
}

static void
test_good_file(void)
{
    md_buf_reset(&errs);
    size_t nerr;
    struct md_ruleset *rs = load_file("tests/data/rules/good.yml", &nerr);
    CHECK_INT(nerr, 0);
    CHECK_STR(errors(), "");
    CHECK(rs != NULL);
    if (!rs)
        return;
    CHECK_INT(md_ruleset_count(rs), 3);
    const struct md_rule_info *r = md_ruleset_rule(rs, 0);
    CHECK_STR(r->id, "T000");
    CHECK_INT(r->line, 29);
    r = md_ruleset_rule(rs, 1);
    CHECK_STR(r->id, "T001");
    CHECK_STR(r->name, "pac-url-in-agent-proxy");
    CHECK_INT(r->severity, MD_SEV_ERROR);
    CHECK_STR(r->title, "PAC file URL in the agent's proxy field");
    CHECK_STR(r->fix, "Clear the agent proxy and put the PAC URL in the "
                      "SYSTEM account's LAN settings.");
    CHECK_INT(r->nreferences, 2);
    CHECK_STR(r->references[0], "article §1");
    CHECK_INT(r->ntags, 2);
    CHECK_STR(r->tags[1], "pac");
    CHECK_STR(r->file, "tests/data/rules/good.yml");
    CHECK_INT(r->line, 2);
    CHECK_STR(md_ruleset_rule(rs, 2)->id, "T002");
    CHECK(md_ruleset_rule(rs, 3) == NULL);
    md_ruleset_free(rs);
}

static void
test_error_file(void)
{
    md_buf_reset(&errs);
    size_t nerr;
    struct md_ruleset *rs = load_file("tests/data/rules/errors.yml", &nerr);
    CHECK(rs == NULL);
#define F "tests/data/rules/errors.yml:"
    CHECK_STR(errors(),
              F "10:1: unknown key 'colour'\n"
              F "12:1: missing required key 'fix'\n"
              F "21:7: name 'Bad_Name' is not kebab-case (like "
                "'pac-url-in-agent-proxy')\n"
              F "31:11: unknown severity 'fatal' (error, warning or info)\n"
              F "41:8: 'title' must be a string, not a list\n"
              F "51:27: unknown fact path 'agent.proxy.sever'\n"
              F "60:46: bad regular expression: missing closing parenthesis "
                "(at offset 14 of the pattern)\n"
              F "71:22: cannot compare int with string\n"
              F "81:18: unknown fact path 'agent.proxy.serv'\n"
              F "92:13: 'references' needs at least one entry\n"
              F "101:20: aliases are not supported in rule files\n"
              F "107:7: 'when' must be a condition (bool), not string\n"
              F "117:12: 'users[*].sid' needs a rule whose 'when' uses "
                "'users[*]'\n"
              F "121:1: a rule must be a mapping (id: ..., name: ...)\n"
              F "128:13: unterminated '{' in message (write '{{' for a "
                "brace)\n"
              F "141:5: duplicate rule id 'OK1' (first at line 132)\n");
#undef F
    CHECK_INT(nerr, 16);
}

static void
test_malformed_yaml(void)
{
    /* a tab where indentation is expected */
    CHECK_INT(load_text_errors("id: X\nname: a\n\tseverity: error\n"), 1);
    CHECK(strstr(errors(), "x.yml:3:1: invalid YAML: found a tab character "
                           "that violates indentation") != NULL);
    CHECK_INT(load_text_errors("id: 'X\nname: a\n"), 1);
    CHECK(strncmp(errors(), "x.yml:3:1: invalid YAML: found unexpected end "
                            "of stream",
                  50) == 0);
    CHECK_INT(load_text_errors("- [a, b\n"), 1);
    /* the first error of a file stops it: nothing after it is loaded */
    CHECK_INT(load_text_errors("id: [\n---\nid: X\n"), 1);
    /* invalid UTF-8 is a reader error with a position */
    CHECK_INT(load_text_errors("id: X\nname: \xff\xfe\n"), 1);
    CHECK(strncmp(errors(), "x.yml:2:7: invalid YAML: invalid leading UTF-8 "
                            "octet",
                  50) == 0);
    /* empty, comments only, empty documents: no rules and no errors */
    CHECK_INT(load_text_errors(""), 0);
    CHECK_INT(load_text_errors("# nothing\n"), 0);
    CHECK_INT(load_text_errors("---\n---\n...\n"), 0);
    /* a scalar, a list */
    CHECK_INT(load_text_errors("- id: X\n"), 1);
    CHECK_STR(errors(), "x.yml:1:1: a rule must be a mapping (id: ..., "
                        "name: ...)\n");
    /* a billion-laughs alias bomb: rejected, not expanded */
    CHECK(load_text_errors(
              "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
              "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
              "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
              "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
              "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n") > 0);
    CHECK(strstr(errors(), "x.yml:2:8: aliases are not supported") != NULL);
    /* deep nesting stops early */
    char deep[3000];
    memset(deep, '[', 2000);
    memcpy(deep + 2000, "x\n", 3);
    CHECK_INT(load_text_errors(deep), 1);
    CHECK(strstr(errors(), "nested too deeply") != NULL);
    /* keys that are not plain, duplicated keys, a list where a mapping
     * entry of severity_when is expected */
    CHECK(load_text_errors("? [a]\n: b\nid: X\nid: Y\n") >= 2);
    CHECK(strstr(errors(), "x.yml:1:3: a key must be a plain name") != NULL);
    CHECK(strstr(errors(), "x.yml:4:1: duplicate key 'id'") != NULL);
    CHECK(load_text_errors("id: X\nname: x\nseverity: info\ntitle: t\n"
                           "when: 'true'\nmessage: m\nfix: f\n"
                           "references: [r]\nseverity_when: [a, {when: "
                           "'agent.proxy.port', severity: x}]\n") >= 3);
    CHECK(strstr(errors(), "x.yml:9:17: each of 'severity_when' must be") !=
          NULL);
    CHECK(strstr(errors(), "x.yml:9:27: 'when' must be a condition (bool), "
                           "not int") != NULL);
    CHECK(strstr(errors(), "x.yml:9:57: unknown severity 'x'") != NULL);
    /* a [*] in severity_when must be the rule's own list */
    CHECK_INT(load_text_errors("id: X\nname: x\nseverity: info\ntitle: t\n"
                               "when: 'true'\nmessage: m\nfix: f\n"
                               "references: [r]\nseverity_when:\n"
                               "  - when: users[*].proxy.set\n"
                               "    severity: error\n"),
              1);
    CHECK_STR(errors(), "x.yml:10:11: 'users[*]' here but the rule's 'when' "
                        "has no [*]\n");
    /* a file full of mistakes: 100 errors, then it is given up */
    struct md_buf many = MD_BUF_INIT(0);
    for (int i = 0; i < 150; i++)
        md_buf_printf(&many, "---\nbad%d: 1\n", i);
    CHECK_INT(load_text_errors(many.ptr), 100);
    CHECK(strstr(errors(), "x.yml:24:1: too many errors; giving up on this "
                           "file\n") != NULL);
    md_buf_free(&many);
    /* the size limit of one file */
    struct md_limits lim;
    md_limits_default(&lim);
    lim.rule_file_bytes = 8;
    md_buf_reset(&errs);
    struct md_ruleset_builder *b = md_ruleset_builder_new(&lim);
    CHECK_INT(md_ruleset_add_text(b, "big.yml", "id: X\nname: y\n", 14,
                                  on_err, NULL),
              1);
    CHECK_STR(errors(), "big.yml:1:1: limit 'rule_file_bytes' (8) reached\n");
    CHECK(md_ruleset_build(b, on_err, NULL) == NULL);
}

static void
test_override_dir(void)
{
    md_buf_reset(&errs);
    struct md_ruleset_builder *b = md_ruleset_builder_new(NULL);
    CHECK_INT(md_ruleset_add_dir(b, "tests/data/rules/override", on_err, NULL),
              0);
    CHECK_INT(md_ruleset_add_dir(b, "tests/data/rules/override-user", on_err,
                                 NULL),
              0);
    CHECK_STR(errors(), "");
    struct md_ruleset *rs = md_ruleset_build(b, on_err, NULL);
    CHECK(rs != NULL);
    if (!rs)
        return;
    CHECK_INT(md_ruleset_count(rs), 3);
    CHECK_STR(md_ruleset_rule(rs, 0)->id, "A001");
    CHECK_STR(md_ruleset_rule(rs, 1)->id, "B001");
    CHECK_STR(md_ruleset_rule(rs, 2)->id, "B002");
    CHECK_STR(md_ruleset_rule(rs, 2)->name, "user-two");
    CHECK_INT(md_ruleset_rule(rs, 2)->severity, MD_SEV_ERROR);
    CHECK_STR(md_ruleset_rule(rs, 2)->file,
              "tests/data/rules/override-user/B002.yml");
    md_ruleset_free(rs);

    md_buf_reset(&errs);
    b = md_ruleset_builder_new(NULL);
    CHECK_INT(md_ruleset_add_dir(b, "tests/data/rules/no-such-dir", on_err,
                                 NULL),
              1);
    CHECK(strncmp(errors(), "tests/data/rules/no-such-dir:0:0: cannot open "
                            "folder",
                  50) == 0);
    CHECK(md_ruleset_build(b, on_err, NULL) == NULL);

    /* the rules limit */
    struct md_limits lim;
    md_limits_default(&lim);
    lim.rules = 2;
    md_buf_reset(&errs);
    b = md_ruleset_builder_new(&lim);
    CHECK_INT(md_ruleset_add_dir(b, "tests/data/rules/override", on_err, NULL),
              1);
    CHECK_STR(errors(), "tests/data/rules/override/20-more.yml:2:5: limit "
                        "'rules' (2) reached\n");
    CHECK(md_ruleset_build(b, on_err, NULL) == NULL);
}

/* ---- findings ----------------------------------------------------------- */

static struct md_arena A = MD_ARENA_INIT;

static struct md_evidence *
evidence(const char *name)
{
    struct md_evidence *ev = md_arena_calloc(&A, sizeof *ev);
    ev->kind = "test";
    ev->name = name;
    return ev;
}

/* Set obj.path = f, citing a new evidence record named after the path. */
static struct md_fact *
put(struct md_fact *obj, const char *path, struct md_fact *f)
{
    char key[64];
    const char *full = path, *dot;
    while ((dot = strchr(path, '.'))) {
        snprintf(key, sizeof key, "%.*s", (int)(dot - path), path);
        obj = md_fact_child(&A, obj, key, MD_F_OBJ);
        path = dot + 1;
    }
    md_fact_put(&A, obj, path, f);
    md_fact_cite(&A, f, evidence(md_arena_strdup(&A, full)));
    return f;
}

static struct md_fact *
str(const char *s)
{
    return md_fact_str(&A, s, strlen(s));
}

struct seen {
    char text[4096];
    size_t n;
};

static void
on_finding(void *user, const struct md_finding *f)
{
    struct seen *s = user;
    size_t k = strlen(s->text);
    k += (size_t)snprintf(s->text + k, sizeof s->text - k, "%s %s %s [%s]",
                          f->rule->id, md_severity_str(f->severity),
                          f->subject ? f->subject : "-", f->message);
    for (size_t i = 0; i < f->nevidence && k < sizeof s->text; i++)
        k += (size_t)snprintf(s->text + k, sizeof s->text - k, " %s",
                              f->evidence[i]->name);
    if (k < sizeof s->text)
        snprintf(s->text + k, sizeof s->text - k, "\n");
    s->n++;
}

static void
test_findings(void)
{
    size_t nerr;
    md_buf_reset(&errs);
    struct md_ruleset *rs = load_file("tests/data/rules/good.yml", &nerr);
    CHECK(rs != NULL);
    if (!rs)
        return;

    struct md_fact *root = md_fact_new(&A, MD_F_OBJ);
    put(root, "agent.proxy.set", md_fact_bool(&A, true));
    put(root, "agent.proxy.server",
        str("http://bob:Secr3tPass@proxy.corp/wpad.dat"));
    put(root, "agent.proxy.port", md_fact_int(&A, 8080));
    struct seen s = {{0}, 0};
    CHECK_INT(md_rules_eval(rs, root, on_finding, &s), MD_OK);
    CHECK_STR(s.text,
              "T000 info - [Nothing to see.]\n"
              "T001 error - [The agent's own proxy is "
              "'http://bob:********@proxy.corp/wpad.dat' (port 8080, set: "
              "true, user: (none)); {braces} stay.] agent.proxy.set "
              "agent.proxy.server agent.proxy.port\n");
    CHECK(strstr(s.text, "Secr3t") == NULL);

    /* [*]: one finding per matching element, in order */
    root = md_fact_new(&A, MD_F_OBJ);
    put(root, "agent.proxy.set", md_fact_bool(&A, false));
    struct md_fact *users = md_fact_child(&A, root, "users", MD_F_LIST);
    for (int i = 0; i < 3; i++) {
        struct md_fact *u = md_fact_new(&A, MD_F_OBJ);
        char sid[32];
        snprintf(sid, sizeof sid, "S-1-5-21-%d", i);
        if (i < 2)
            put(u, "sid", str(sid));
        put(u, "proxy.set", md_fact_bool(&A, i > 0));
        if (i == 1)
            put(u, "proxy.server", str("upx:81"));
        md_fact_append(&A, users, u);
    }
    memset(&s, 0, sizeof s);
    CHECK_INT(md_rules_eval(rs, root, on_finding, &s), MD_OK);
    CHECK_STR(s.text,
              "T000 info - [Nothing to see.]\n"
              "T002 warning users[S-1-5-21-1] [User S-1-5-21-1 has the proxy "
              "'upx:81'.] proxy.set agent.proxy.set sid proxy.server\n"
              "T002 warning users[2] [User (none) has the proxy '(none)'.] "
              "proxy.set agent.proxy.set\n");
    /* severity_when */
    put(root, "log.connect_failed.count", md_fact_int(&A, 2));
    memset(&s, 0, sizeof s);
    md_rules_eval(rs, root, on_finding, &s);
    CHECK(strstr(s.text, "T002 error users[2]") != NULL);
    md_ruleset_free(rs);
}

static void
test_regex_limit(void)
{
    static const char text[] =
        "id: R1\nname: slow\nseverity: info\ntitle: t\nfix: f\n"
        "references: [r]\nmessage: m\n"
        "when: agent.proxy.server =~ '(a+)+$'\n"
        "---\nid: R2\nname: fast\nseverity: info\ntitle: t\nfix: f\n"
        "references: [r]\nmessage: m\n"
        "when: agent.proxy.server =~ '^a+b$'\n";
    struct md_limits lim;
    md_limits_default(&lim);
    lim.pcre2_match = 1000;
    struct md_ruleset_builder *b = md_ruleset_builder_new(&lim);
    CHECK_INT(md_ruleset_add_text(b, "r.yml", text, sizeof text - 1, on_err,
                                  NULL),
              0);
    struct md_ruleset *rs = md_ruleset_build(b, on_err, NULL);
    CHECK(rs != NULL);
    if (!rs)
        return;
    char s[5000];
    memset(s, 'a', sizeof s - 2);
    s[sizeof s - 2] = 'b';
    s[sizeof s - 1] = '\0';
    struct md_fact *root = md_fact_new(&A, MD_F_OBJ);
    put(root, "agent.proxy.server", str(s));
    struct seen seen;
    memset(&seen, 0, sizeof seen);
    CHECK_INT(md_rules_eval(rs, root, on_finding, &seen), MD_ERR_LIMIT);
    CHECK_INT(seen.n, 1);
    CHECK(strncmp(seen.text, "R2 info", 7) == 0);
    md_ruleset_free(rs);
}

/* ---- threads -------------------------------------------------------------- */

struct job {
    const struct md_ruleset *rs;
    const struct md_fact *root;
    size_t findings;
};

static void
count_finding(void *user, const struct md_finding *f)
{
    struct job *j = user;
    j->findings += f->message[0] != '\0';
}

static void *
work(void *arg)
{
    struct job *j = arg;
    for (int i = 0; i < 300; i++)
        md_rules_eval(j->rs, j->root, count_finding, j);
    return NULL;
}

static void
test_threads(void)
{
    size_t nerr;
    struct md_ruleset *rs = load_file("tests/data/rules/good.yml", &nerr);
    CHECK(rs != NULL);
    if (!rs)
        return;
    struct md_fact *root = md_fact_new(&A, MD_F_OBJ);
    put(root, "agent.proxy.set", md_fact_bool(&A, true));
    put(root, "agent.proxy.server", str("http://proxy.corp/proxy.pac"));
    struct job j1 = {rs, root, 0}, j2 = {rs, root, 0};
    pthread_t t1, t2;
    CHECK(pthread_create(&t1, NULL, work, &j1) == 0);
    CHECK(pthread_create(&t2, NULL, work, &j2) == 0);
    pthread_join(t1, NULL);
    pthread_join(t2, NULL);
    CHECK_INT(j1.findings, 600);
    CHECK_INT(j2.findings, 600);
    md_ruleset_free(rs);
}

static void
test_cleanup(void)
{
    md_arena_free(&A);
    md_buf_free(&errs);
}

int
main(void)
{
    static const struct tu_test tests[] = {
        TU_TEST(test_severity),     TU_TEST(test_good_file),
        TU_TEST(test_error_file),   TU_TEST(test_malformed_yaml),
        TU_TEST(test_override_dir), TU_TEST(test_findings),
        TU_TEST(test_regex_limit),  TU_TEST(test_threads),
        TU_TEST(test_cleanup),
    };
    return tu_main(tests, sizeof tests / sizeof tests[0]);
}
