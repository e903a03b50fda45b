/* The rule expression language (rules/README.md): lexer, parser and checker
 * errors with their line:column, and evaluation on small fact trees. */
#include <stdio.h>
#include <stdlib.h>

#include "marsdiag/fact.h"
#include "marsdiag/rules.h"
#include "testutil.h"

static char last_err[512];
static size_t nerrs;

static void
on_err(void *user, const char *file, unsigned line, unsigned col,
       const char *msg)
{
    (void)user;
    if (nerrs++ == 0)
        snprintf(last_err, sizeof last_err, "%s:%u:%u: %s", file, line, col,
                 msg);
}

static struct md_limits lim;

/* The first error of compiling text placed at t.yml:3:7, or "ok". */
static const char *
first_error(const char *text)
{
    nerrs = 0;
    snprintf(last_err, sizeof last_err, "ok");
    struct md_expr *e = md_expr_compile(text, &lim, "t.yml", 3, 7, on_err,
                                        NULL);
    if (e && nerrs)
        snprintf(last_err, sizeof last_err, "compiled despite errors");
    if (!e && !nerrs)
        snprintf(last_err, sizeof last_err, "failed without an error");
    md_expr_free(e);
    return last_err;
}

/* "agent.proxy.set OP agent.proxy.set OP ...", n terms (caller frees). */
static char *
chain(const char *op, size_t n)
{
    static const char term[] = "agent.proxy.set";
    char *s = malloc(n * (sizeof term + strlen(op) + 2)), *o = s;
    for (size_t i = 0; s && i < n; i++)
        o += i ? sprintf(o, " %s %s", op, term) : sprintf(o, "%s", term);
    return s;
}

/* A long and/or chain is as deep as it is long: it meets expr_depth
 * instead of overflowing the stack of the checker (100 000 terms did). */
static void
test_long_chain(void)
{
    md_limits_default(&lim);
    char *ok = chain("or", 60), *deep = chain("or", 100000),
         *ands = chain("and", 70);
    CHECK_STR(first_error(ok), "ok");
    CHECK(strstr(first_error(deep), "nested too deeply") != NULL);
    CHECK(strstr(first_error(ands), "nested too deeply") != NULL);
    free(ok);
    free(deep);
    free(ands);
}

static void
test_errors(void)
{
    md_limits_default(&lim);
    CHECK_STR(first_error("agent.proxy.set"), "ok");
    CHECK_STR(first_error(""), "t.yml:3:7: empty expression");
    CHECK_STR(first_error("agent.proxy.set and"),
              "t.yml:3:26: expected a value, found end of expression");
    CHECK_STR(first_error("agent.proxy.set agent.proxy.set"),
              "t.yml:3:23: expected 'and', 'or' or the end of the "
              "expression, found fact path");
    CHECK_STR(first_error("(agent.proxy.set"),
              "t.yml:3:23: expected ')', found end of expression");
    CHECK_STR(first_error("agent.proxy.server == 'abc"),
              "t.yml:3:29: unterminated string");
    CHECK_STR(first_error("agent.proxy.port = 1"),
              "t.yml:3:24: unexpected '=' (use '==')");
    CHECK_STR(first_error("agent.proxy.port == 1 & true"),
              "t.yml:3:29: unexpected character '&'");
    CHECK_STR(first_error("users[0].sid == 'x'"),
              "t.yml:3:12: a list is indexed only with [*]");
    CHECK_STR(first_error("agent.proxy.port == 99999999999999999999"),
              "t.yml:3:27: integer out of range");
    CHECK_STR(first_error("frob(agent.proxy.server)"),
              "t.yml:3:7: unknown function 'frob'");
    CHECK_STR(first_error("agent.proxy.port in [1, 'x']"),
              "t.yml:3:31: list item is string, the value tested is int");
    CHECK_STR(first_error("agent.proxy.port in 1"),
              "t.yml:3:27: expected '[', found number");
    /* a second line moves the line, and the column starts again */
    CHECK_STR(first_error("agent.proxy.set and\n  agent.proxy.sever"),
              "t.yml:4:3: unknown fact path 'agent.proxy.sever'");

    /* checker */
    CHECK_STR(first_error("agent.proxy.sever == 'x'"),
              "t.yml:3:7: unknown fact path 'agent.proxy.sever'");
    CHECK_STR(first_error("users.sid == 'x'"),
              "t.yml:3:7: unknown fact path 'users.sid'");
    CHECK_STR(first_error("agent.proxy.port == 'x'"),
              "t.yml:3:24: cannot compare int with string");
    CHECK_STR(first_error("agent.proxy.server < 3"),
              "t.yml:3:26: cannot compare string with int");
    CHECK_STR(first_error("agent.proxy.server < 'x'"),
              "t.yml:3:26: '<' compares numbers, not strings");
    CHECK_STR(first_error("agent.proxy.server == null"),
              "t.yml:3:26: a comparison with null is always false; use "
              "exists() or not exists()");
    CHECK_STR(first_error("agent.proxy == 1"),
              "t.yml:3:19: cannot compare object with int");
    CHECK_STR(first_error("agent.proxy.port =~ '1'"),
              "t.yml:3:7: '=~' matches strings, not int");
    CHECK_STR(first_error("agent.proxy.server =~ agent.proxy.user"),
              "t.yml:3:29: the pattern after '=~' must be a quoted string");
    CHECK_STR(first_error("agent.proxy.server =~ 'ab(c'"),
              "t.yml:3:34: bad regular expression: missing closing "
              "parenthesis (at offset 4 of the pattern)");
    CHECK_STR(first_error("agent.proxy.server and true"),
              "t.yml:3:7: an operand of 'and' must be bool, not string (use "
              "exists() to test presence)");
    CHECK_STR(first_error("not agent.proxy.port"),
              "t.yml:3:11: the operand of 'not' must be bool, not int (use "
              "exists() to test presence)");
    CHECK_STR(first_error("count(agent.proxy.server) > 0"),
              "t.yml:3:13: count() takes a list or a [*] path, not "
              "'agent.proxy.server' (string)");
    CHECK_STR(first_error("exists('x')"),
              "t.yml:3:14: exists() takes a fact path");
    CHECK_STR(first_error("len(agent.proxy.port) > 1"),
              "t.yml:3:11: len() takes a string, not int");
    CHECK_STR(first_error("host(agent.proxy.port) == 'x'"),
              "t.yml:3:12: host() takes a string, not int");
    CHECK_STR(first_error("users[*].proxy.set and dotnet[*].enabled"),
              "t.yml:3:30: an expression may use one list with [*]: "
              "'dotnet[*]' here, 'users[*]' before");
    /* one list used twice, and count() over another list, are fine */
    CHECK_STR(first_error("users[*].proxy.set and users[*].proxy.server =~ "
                          "'x' and count(dotnet[*].enabled) > 0"),
              "ok");
    CHECK_STR(first_error("log.proxy_auth_required.count > 0"), "ok");
    CHECK_STR(first_error("agent.proxy.server not in ['a', \"b\"]"), "ok");

    /* nesting is bounded */
    char deep[400];
    size_t k = 0;
    for (int i = 0; i < 70; i++)
        deep[k++] = '(';
    memcpy(deep + k, "true", 4);
    k += 4;
    for (int i = 0; i < 70; i++)
        deep[k++] = ')';
    deep[k] = '\0';
    const char *got = first_error(deep);
    CHECK(strstr(got, "limit 'expr_depth' (64)") != NULL);
    lim.expr_depth = 100;
    CHECK_STR(first_error(deep), "ok");
    md_limits_default(&lim);
}

/* ---- evaluation --------------------------------------------------------- */

static struct md_arena A = MD_ARENA_INIT;

static struct md_fact *
put_str(struct md_fact *obj, const char *path, const char *v)
{
    struct md_fact *f = md_fact_str(&A, v, strlen(v));
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

static void
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
}

static struct md_fact *
tree(void)
{
    struct md_fact *root = md_fact_new(&A, MD_F_OBJ);
    put(root, "agent.proxy.set", md_fact_bool(&A, true));
    put_str(root, "agent.proxy.server", "http://u:p@Proxy.Corp:8080/x");
    put(root, "agent.proxy.port", md_fact_int(&A, 8080));
    put_str(root, "winhttp.server", "[fe80::1]:3128");
    put_str(root, "system.proxy.pac_url", "10.0.0.5:8080");
    put_str(root, "effective.server", "ProxY");
    put(root, "log.proxy_auth_required.count", md_fact_int(&A, 4));
    struct md_fact *users = md_fact_child(&A, root, "users", MD_F_LIST);
    for (int i = 0; i < 3; i++) {
        struct md_fact *u = md_fact_new(&A, MD_F_OBJ);
        char sid[32];
        snprintf(sid, sizeof sid, "S-1-5-21-%d", i);
        put_str(u, "sid", sid);
        put(u, "proxy.set", md_fact_bool(&A, i == 1));
        if (i == 1)
            put_str(u, "proxy.server", "upx:81");
        md_fact_append(&A, users, u);
    }
    return root;
}

static bool
holds(const struct md_fact *root, const char *text)
{
    nerrs = 0;
    struct md_expr *e = md_expr_compile(text, &lim, "t", 1, 1, on_err, NULL);
    if (!e) {
        fprintf(stderr, "cannot compile '%s': %s\n", text, last_err);
        md_test_failures++;
        return false;
    }
    bool r = md_expr_true(e, root);
    md_expr_free(e);
    return r;
}

/* The value of text as a string ("(null)" for null). */
static const char *
value(const struct md_fact *root, const char *text)
{
    static char out[256];
    nerrs = 0;
    struct md_expr *e = md_expr_compile(text, &lim, "t", 1, 1, on_err, NULL);
    if (!e)
        return "(compile error)";
    const struct md_fact *v = md_expr_value(e, root, &A);
    if (!v)
        snprintf(out, sizeof out, "(null)");
    else if (v->type == MD_F_STR)
        snprintf(out, sizeof out, "%.*s", (int)v->len, v->s);
    else if (v->type == MD_F_INT)
        snprintf(out, sizeof out, "%lld", (long long)v->i);
    else if (v->type == MD_F_BOOL)
        snprintf(out, sizeof out, "%s", v->i ? "true" : "false");
    else
        snprintf(out, sizeof out, "(%s)", md_ftype_str(v->type));
    md_expr_free(e);
    return out;
}

static void
test_eval(void)
{
    md_limits_default(&lim);
    struct md_fact *root = tree();
    CHECK(holds(root, "agent.proxy.set"));
    CHECK(holds(root, "agent.proxy.set and agent.proxy.port == 8080"));
    CHECK(!holds(root, "agent.proxy.set and agent.proxy.port != 8080"));
    CHECK(holds(root, "agent.proxy.port >= 8080 and agent.proxy.port < 8081"));
    CHECK(holds(root, "agent.proxy.port > 80 and not (agent.proxy.port <= 80)"));
    CHECK(holds(root, "agent.proxy.server =~ '(?i)proxy\\.corp'"));
    CHECK(!holds(root, "agent.proxy.server =~ 'proxy\\.corp'")); /* case */
    CHECK(holds(root, "agent.proxy.server !~ '^socks'"));
    CHECK(holds(root, "agent.proxy.port in [80, 8080]"));
    CHECK(holds(root, "agent.proxy.port not in [80, 3128]"));
    CHECK(holds(root, "effective.server == 'ProxY'"));
    CHECK(!holds(root, "effective.server == 'proxy'"));
    CHECK(holds(root, "lower(effective.server) == 'proxy'"));
    CHECK(holds(root, "len(effective.server) == 5"));
    CHECK(holds(root, "log.proxy_auth_required.count > 3"));
    CHECK(holds(root, "false or true and true"));
    CHECK(!holds(root, "(false or true) and false"));
    CHECK(holds(root, "'it''s' == \"it's\""));

    /* host() and port() */
    CHECK_STR(value(root, "host(agent.proxy.server)"), "proxy.corp");
    CHECK_STR(value(root, "port(agent.proxy.server)"), "8080");
    CHECK_STR(value(root, "host(system.proxy.pac_url)"), "10.0.0.5");
    CHECK_STR(value(root, "port(system.proxy.pac_url)"), "8080");
    CHECK_STR(value(root, "host(winhttp.server)"), "fe80::1");
    CHECK_STR(value(root, "port(winhttp.server)"), "3128");
    CHECK_STR(value(root, "host('https://wpad/wpad.dat')"), "wpad");
    CHECK_STR(value(root, "port('https://wpad/wpad.dat')"), "(null)");
    CHECK_STR(value(root, "port('proxy:http')"), "(null)");
    CHECK_STR(value(root, "host(agent.proxy.user)"), "(null)");
    /* a WinINet proxy list: the entry HTTPS takes */
    CHECK_STR(value(root, "port('proxy.corp:8080;')"), "8080");
    CHECK_STR(value(root, "host('http=a:80; HTTPS=b:3128;ftp=c:21')"), "b");
    CHECK_STR(value(root, "port('http=a:80;https=b:3128')"), "3128");
    CHECK_STR(value(root, "host('http=a:80;ftp=c:21')"), "(null)");
    CHECK_STR(value(root, "host('http=a:80;p:8080')"), "p");
    CHECK_STR(value(root, "host('http://w/x.pac?a=b')"), "w");
    CHECK_STR(value(root, "lower('ÄB')"), "Äb");
    CHECK_STR(value(root, "len('Äb')"), "2");

    /* null: a missing fact; every comparison with it is false */
    CHECK(!holds(root, "system.proxy.server == 'x'"));
    CHECK(!holds(root, "system.proxy.server != 'x'"));
    CHECK(holds(root, "not (system.proxy.server == 'x')"));
    CHECK(!holds(root, "system.proxy.server =~ '.*'"));
    CHECK(!holds(root, "system.proxy.server !~ 'x'"));
    CHECK(!holds(root, "system.proxy.server not in ['x']"));
    CHECK(!holds(root, "agent.proxy.enabled"));
    CHECK(holds(root, "not agent.proxy.enabled"));
    CHECK(!holds(root, "len(system.proxy.server) == 0"));
    CHECK(!holds(root, "exists(system.proxy.server)"));
    CHECK(holds(root, "exists(agent.proxy.server) and exists(agent.proxy)"));
    CHECK_STR(value(root, "system.proxy.server"), "(null)");
    CHECK_STR(value(root, "null"), "(null)");

    /* count() and [*] */
    CHECK_STR(value(root, "count(users)"), "3");
    CHECK_STR(value(root, "count(dotnet)"), "0");
    CHECK_STR(value(root, "count(users[*].proxy.set)"), "1");
    CHECK_STR(value(root, "count(users[*].proxy.server)"), "1");
    CHECK(holds(root, "users[*].proxy.set and users[*].proxy.server == "
                      "'upx:81'"));
    CHECK(!holds(root, "users[*].proxy.set and users[*].sid == "
                       "'S-1-5-21-0'"));
    CHECK(holds(root, "exists(users[*].proxy.server)"));
    CHECK_STR(value(root, "users[*].proxy.server"), "upx:81");
    CHECK_STR(value(root, "users[*].sid"), "S-1-5-21-0");
    CHECK(!holds(root, "dotnet[*].enabled"));
    md_arena_free(&A);
}

static void
test_regex_limit(void)
{
    md_limits_default(&lim);
    lim.pcre2_match = 1000;
    struct md_fact *root = md_fact_new(&A, MD_F_OBJ);
    char s[4100];
    memset(s, 'a', sizeof s - 2);
    s[sizeof s - 2] = 'b';
    s[sizeof s - 1] = '\0';
    put_str(root, "agent.proxy.server", s);
    /* catastrophic backtracking stops at the limit: false, not a hang */
    CHECK(!holds(root, "agent.proxy.server =~ '(a+)+$'"));
    CHECK(holds(root, "agent.proxy.server =~ '^a+b$'"));
    md_limits_default(&lim);
    md_arena_free(&A);
}

int
main(void)
{
    static const struct tu_test tests[] = {
        TU_TEST(test_errors),
        TU_TEST(test_long_chain),
        TU_TEST(test_eval),
        TU_TEST(test_regex_limit),
    };
    return tu_main(tests, sizeof tests / sizeof tests[0]);
}
