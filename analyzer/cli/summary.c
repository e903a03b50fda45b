/* --summary and the fleet exit status, for batch and merge (summary.h). */
#include "summary.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "outputs.h"

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

/* One summary's document, for cli_file_write. */
struct summary_doc {
    struct md_fleet *f;
    enum md_fleet_format fmt;
};

static bool
fill_summary(FILE *out, const void *ctx)
{
    const struct summary_doc *d = ctx;
    return md_fleet_write(d->f, d->fmt, out) == MD_OK;
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
        struct summary_doc d = {f, s->s[i].fmt};
        if (strcmp(name, "-") != 0) { /* whole, as --output (outputs.h) */
            ok = cli_file_write(name, fill_summary, &d) && ok;
            continue;
        }
        bool made = fill_summary(stdout, &d);
        if (fflush(stdout) != 0 || !made) {
            cli_error("cannot write '%s'", name);
            ok = false;
            clearerr(stdout); /* said: not again at exit (main.c) */
        }
    }
    return ok;
}

void
cli_summary_files(const struct cli_summaries *s, struct cli_files *files)
{
    static const char *const fmt[] = {
        [MD_FLEET_CSV] = "csv", [MD_FLEET_MD] = "md", [MD_FLEET_HTML] = "html"};
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->s[i].file, "-") != 0)
            cli_files_add(files, true, "--summary", fmt[s->s[i].fmt],
                          s->s[i].file);
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
