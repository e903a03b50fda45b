/* The options, engine, waivers and redactor the commands that judge
 * bundles share (setup.h). */
#include "setup.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "marsdiag/redact.h"
#include "marsdiag/waivers.h"
#include "parser.h"

void
cli_setup_init(struct cli_setup *s)
{
    memset(s, 0, sizeof *s);
    md_limits_default(&s->so.limits);
}

/* --limit NAME=VALUE ('L') or --as TYPE ('A'). */
static bool
scan_option(int c, const char *arg, struct md_scan_opts *so)
{
    if (c == 'L') {
        if (md_limits_set(&so->limits, arg) == 0)
            return true;
        cli_error("bad limit '%s' (see 'marsdiag limits')", arg);
        return false;
    }
    so->force = md_parser_find(arg);
    if (so->force)
        return true;
    cli_error("unknown input type '%s'; types are:", arg);
    for (size_t i = 0; i < md_nparsers; i++)
        fprintf(stderr, "  %s\n", md_parsers[i]->name);
    return false;
}

bool
cli_setup_option(int c, const char *arg, struct cli_setup *s)
{
    switch (c) {
    case 'R':
        s->rules_dir = arg;
        return true;
    case 'W':
        s->waivers_file = arg;
        return true;
    case 'X':
    case 'K':
        return cli_redact_option(c, arg, &s->red);
    case 'L':
    case 'A':
        return scan_option(c, arg, &s->so);
    default: /* '?': getopt has said what is wrong */
        return false;
    }
}

/* --waivers FILE, loaded against the rules in force. "Today" is fixed
 * once for the whole run (MARSDIAG_TODAY or the UTC date), and each
 * expired waiver is warned about once per run, not once per bundle. */
static struct md_waivers *
waivers_load(const char *path, const struct md_engine *e,
             const struct md_limits *lim, int *today)
{
    if (!md_waivers_today(today)) {
        cli_error("MARSDIAG_TODAY must be a date, YYYY-MM-DD");
        return NULL;
    }
    struct md_waivers *w =
        md_waivers_load(path, md_engine_rules(e), lim, cli_rule_error, NULL);
    if (!w)
        return NULL;
    for (size_t i = 0; i < md_waivers_count(w); i++) {
        const struct md_waiver *x = md_waivers_get(w, i);
        if (md_waiver_expired(x, *today))
            cli_error("warning: %s:%u: the waiver of %s for %s %s expired "
                      "on %s; it no longer applies",
                      x->file, x->line, x->rule, x->host ? "host" : "bundle",
                      x->host ? x->host : x->bundle, x->expires);
    }
    return w;
}

bool
cli_setup_engine(struct cli_setup *s)
{
    s->e = md_engine_load(s->rules_dir, &s->so.limits, cli_rule_error, NULL);
    if (!s->e)
        return false;
    if (s->waivers_file && !(s->w = waivers_load(s->waivers_file, s->e,
                                                 &s->so.limits, &s->today))) {
        md_engine_free(s->e);
        s->e = NULL;
        return false;
    }
    return true;
}

int
cli_setup_load(struct cli_setup *s)
{
    bool nomem;
    if (!cli_redactor_new(&s->red, &s->rd, &nomem))
        return nomem ? EXIT_UNREADABLE : EXIT_USAGE;
    if (!cli_setup_engine(s)) {
        cli_setup_free(s);
        return EXIT_USAGE;
    }
    return EXIT_CLEAN;
}

void
cli_setup_free(struct cli_setup *s)
{
    md_redactor_free(s->rd);
    md_waivers_free(s->w);
    md_engine_free(s->e);
    s->rd = NULL;
    s->w = NULL;
    s->e = NULL;
}

bool
cli_setup_scan(const struct cli_setup *s, const char *path,
               struct md_verdict *v)
{
    enum md_status st = md_engine_scan(s->e, path, &s->so, v);
    if (v->bundle.status != MD_OK) {
        cli_error("%s", v->bundle.error);
        return false;
    }
    if (st != MD_OK) {
        cli_error("%s: %s", path, md_status_str(st));
        return false;
    }
    return true;
}
