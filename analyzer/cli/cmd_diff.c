/*
 * marsdiag diff OLD NEW: two bundles of one server, compared — what
 * changed in each proxy source (agent, SYSTEM, users, WinHTTP, .NET), in
 * the effective proxy, and in the findings, as text, JSON
 * (marsdiag.diff/1), Markdown, HTML or SARIF. Exit status 1 when NEW has
 * a finding at or above --fail-on that OLD did not have (or had less
 * severe).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "compare.h"
#include "marsdiag/review.h"

static const char diff_usage[] =
    "usage: marsdiag diff [--format FMT] [--output FMT:FILE]... [--fail-on "
    "LEVEL]\n"
    "                     [--rules DIR] [--waivers FILE] [--redact "
    "secrets|strict]\n"
    "                     [--redact-key FILE] [--color WHEN] [--limit N=V] [--as TYPE] "
    "[--no-timing]\n"
    "                     OLD NEW\n"
    "\n"
    "Compare two bundles of one server (before and after a change, last "
    "week and\n"
    "today): every fact of each proxy source that changed, the effective "
    "proxy,\n"
    "and the findings added, made more severe and removed.\n"
    "\n"
    "  --format FMT        standard output's format: text (default), json\n"
    "                      (marsdiag.diff/1), md, html or sarif (added "
    "findings\n"
    "                      new, removed ones absent)\n"
    "  --output FMT:FILE   also write FMT to FILE (repeatable; written "
    "whole, via\n"
    "                      FILE.tmp)\n"
    "  --redact MODE       secrets (default) or strict, as for scan; a "
    "name gets\n"
    "                      one pseudonym in both bundles and every format\n"
    "  --redact-key FILE   strict pseudonyms keyed by FILE's bytes (or\n"
    "                      MARSDIAG_REDACT_KEY), the same as scan's and\n"
    "                      batch's with that key\n"
    "  --fail-on LEVEL     exit 1 when NEW has a finding of at least LEVEL "
    "that\n"
    "                      OLD did not: error (default), warning, info, "
    "never\n"
    "  --rules DIR, --waivers FILE, --color, --limit, --as, --no-timing:\n"
    "                      as for scan\n";

/* The writer of each format (outputs.h), and what they write from. */
typedef void diff_fn(FILE *f, const struct md_diff *d,
                     const struct md_render *rr);
static diff_fn *const writers[CLI_NFORMATS] = {
    [CLI_FMT_TEXT] = md_write_diff_text,
    [CLI_FMT_JSON] = md_write_diff_json,
    [CLI_FMT_SARIF] = md_write_diff_sarif,
    [CLI_FMT_MD] = md_write_diff_md,
    [CLI_FMT_HTML] = md_write_diff_html,
};

struct diff_doc {
    const struct md_diff *d;
    const struct md_render *rr;
};

static void
write_doc(FILE *f, enum cli_format fmt, const void *ctx)
{
    const struct diff_doc *doc = ctx;
    writers[fmt](f, doc->d, doc->rr);
}

int
cmd_diff(int argc, char **argv)
{
    struct compare_opts o;
    int first = compare_parse(argc, argv, &o, false, diff_usage);
    if (first <= 0)
        return first == 0 ? EXIT_CLEAN : EXIT_USAGE;
    if (argc - first != 2) {
        cli_error("diff takes two bundles, OLD and NEW (see 'marsdiag diff "
                  "--help')");
        return EXIT_USAGE;
    }
    struct md_diff d = {0};
    int rc = compare_load(&o);
    if (rc != EXIT_CLEAN)
        goto out;
    enum md_status st =
        md_diff_run(o.setup.e, argv[first], argv[first + 1], &o.setup.so, &d);
    if (st != MD_OK) {
        const struct md_bundle *b = d.old.bundle.status != MD_OK ? &d.old.bundle
                                    : d.new_.bundle.status != MD_OK
                                        ? &d.new_.bundle
                                        : NULL;
        if (b)
            cli_error("%s", b->error);
        else
            cli_error("%s", md_status_str(st));
        rc = EXIT_UNREADABLE;
        goto out;
    }
    compare_waive(&o, &d.old, &d.new_);
    const struct md_verdict *v[] = {&d.old, &d.new_};
    struct md_render rr;
    if (!compare_render(&o, v, 2, &rr)) {
        rc = EXIT_UNREADABLE;
        goto out;
    }
    struct diff_doc doc = {&d, &rr};
    if (!compare_write(&o, &rr, write_doc, &doc))
        rc = EXIT_UNREADABLE;
    else if (md_diff_worst_new(&d) >= o.fail_on)
        rc = EXIT_FINDINGS;
out:
    md_diff_free(&d);
    cli_setup_free(&o.setup);
    return rc;
}
