/* --summary and the fleet exit status, for batch and merge (summary.h). */
#include "summary.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

bool
cli_summary_option(struct cli_summaries *s, const char *arg)
{
    const char *colon = strchr(arg, ':');
    char fmt[8];
    size_t n = colon ? (size_t)(colon - arg) : 0;
    if (!colon || n >= sizeof fmt || !colon[1]) {
        cli_error("--summary wants FMT:FILE (csv, md or html), not '%s'",
                  arg);
        return false;
    }
    memcpy(fmt, arg, n);
    fmt[n] = '\0';
    int f = md_fleet_format_parse(fmt);
    if (f < 0) {
        cli_error("unknown summary format '%s' (csv, md or html)", fmt);
        return false;
    }
    if (s->n == CLI_SUMMARY_MAX) {
        cli_error("at most %d --summary options", CLI_SUMMARY_MAX);
        return false;
    }
    s->s[s->n].fmt = (enum md_fleet_format)f;
    s->s[s->n].file = colon + 1;
    s->n++;
    return true;
}

bool
cli_summary_stdout(const struct cli_summaries *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->s[i].file, "-"))
            return true;
    return false;
}

static void
warn_dup(void *user, const char *path, const char *kept, const char *dropped)
{
    (void)user;
    cli_error("'%s' is reported more than once (%s and %s); the first is "
              "kept",
              path, kept, dropped);
}

bool
cli_summary_write(const struct cli_summaries *s, struct md_fleet *f)
{
    if (md_fleet_finish(f, warn_dup, NULL) != MD_OK) {
        cli_error("out of memory");
        return false;
    }
    bool ok = true;
    for (size_t i = 0; i < s->n; i++) {
        const char *name = s->s[i].file;
        bool std = !strcmp(name, "-");
        FILE *out = std ? stdout : fopen(name, "w");
        if (!out) {
            cli_error("cannot write '%s': %s", name, strerror(errno));
            ok = false;
            continue;
        }
        enum md_status st = md_fleet_write(f, s->s[i].fmt, out);
        if ((std ? fflush(out) : fclose(out)) != 0 || st != MD_OK) {
            cli_error("cannot write '%s'", name);
            ok = false;
            if (std)
                clearerr(out); /* said: not again at exit (main.c) */
        }
    }
    return ok;
}

int
cli_fleet_status(const struct md_fleet *f, int fail_on, bool lost)
{
    struct md_fleet_totals t;
    md_fleet_totals(f, &t);
    if (lost || t.unreadable)
        return EXIT_UNREADABLE;
    if (t.worst_all >= 0 && t.worst_all >= fail_on)
        return EXIT_FINDINGS;
    return EXIT_CLEAN;
}
