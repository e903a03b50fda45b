/*
 * --waivers FILE for the commands that judge bundles (scan, batch): load
 * the file against the rules in force, fix "today" once for the whole run
 * (MARSDIAG_TODAY or the UTC date), and say which waivers have expired —
 * once per run, not once per bundle.
 */
#include <stdio.h>

#include "cli.h"
#include "marsdiag/engine.h"
#include "marsdiag/waivers.h"

struct md_waivers *
cli_waivers_load(const char *path, const struct md_engine *e,
                 const struct md_limits *lim, int *today)
{
    if (!md_waivers_today(today)) {
        cli_error("MARSDIAG_TODAY must be a date, YYYY-MM-DD");
        return NULL;
    }
    struct md_waivers *w = md_waivers_load(path, md_engine_rules(e), lim,
                                           cli_rule_error, NULL);
    if (!w)
        return NULL;
    for (size_t i = 0; i < md_waivers_count(w); i++) {
        const struct md_waiver *x = md_waivers_get(w, i);
        if (md_waiver_expired(x, *today))
            fprintf(stderr,
                    "marsdiag: warning: %s:%u: the waiver of %s for %s %s "
                    "expired on %s; it no longer applies\n",
                    x->file, x->line, x->rule, x->host ? "host" : "bundle",
                    x->host ? x->host : x->bundle, x->expires);
    }
    return w;
}
