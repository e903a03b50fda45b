/*
 * marsdiag review --change FILE [BUNDLE]: what a planned change does to
 * the server whose bundle is BUNDLE (an empty machine without one): the
 * change's actions and what is not applied, the effective proxy before
 * and after, the findings introduced, escalated and resolved, as text,
 * JSON (marsdiag.review/1), Markdown, HTML or SARIF. Exit status 1 when the change introduces (or
 * makes more severe) a finding at or above --fail-on, so that it can gate
 * a change pipeline.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "compare.h"
#include "marsdiag/review.h"

static const char review_usage[] =
    "usage: marsdiag review --change FILE [--format FMT] [--output "
    "FMT:FILE]...\n"
    "                       [--fail-on LEVEL] [--rules DIR] [--waivers "
    "FILE]\n"
    "                       [--redact secrets|strict] [--redact-key FILE]\n"
    "                       [--color WHEN] [--limit N=V] [--as TYPE] "
    "[--no-timing]\n"
    "                       [BUNDLE]\n"
    "\n"
    "Judge a planned change before it is made: FILE is a .reg file to "
    "import\n"
    "(REGEDIT4 or version 5, deletions included), a PowerShell script or\n"
    "transcript (Set-OBMachineSetting, netsh winhttp set/reset proxy, reg\n"
    "add/delete, Set-ItemProperty) or a MARSAgentInstaller.exe command line.\n"
    "It is applied to the server's current BUNDLE (without one: an empty\n"
    "machine, no proxy anywhere); the effective proxy before and after and\n"
    "the findings the change introduces and resolves are reported, and\n"
    "every statement not applied is listed with why.\n"
    "\n"
    "  --change FILE       the planned change (required)\n"
    "  --format FMT        standard output's format: text (default), json\n"
    "                      (marsdiag.review/1), md (for a change ticket), "
    "html\n"
    "                      (one page) or sarif (introduced findings new,\n"
    "                      resolved ones absent)\n"
    "  --output FMT:FILE   also write FMT to FILE (repeatable; written "
    "whole, via\n"
    "                      FILE.tmp)\n"
    "  --redact MODE       secrets (default) or strict, as for scan; a "
    "name gets\n"
    "                      one pseudonym before and after and in every "
    "format\n"
    "  --redact-key FILE   strict pseudonyms keyed by FILE's bytes (or\n"
    "                      MARSDIAG_REDACT_KEY), the same as scan's and\n"
    "                      batch's with that key\n"
    "  --fail-on LEVEL     exit 1 when the change introduces a finding of "
    "at least\n"
    "                      LEVEL: error (default), warning, info, never\n"
    "  --rules DIR, --waivers FILE, --color, --limit, --as, --no-timing:\n"
    "                      as for scan (--as applies to the bundle)\n";

static int
status_exit(enum md_status st)
{
    return st == MD_ERR_USAGE ? EXIT_USAGE : EXIT_UNREADABLE;
}

/* The writer of each format (outputs.h), and what they write from. */
typedef void review_fn(FILE *f, const struct md_review *r,
                       const struct md_render *rr);
static review_fn *const writers[CLI_NFORMATS] = {
    [CLI_FMT_TEXT] = md_write_review_text,
    [CLI_FMT_JSON] = md_write_review_json,
    [CLI_FMT_SARIF] = md_write_review_sarif,
    [CLI_FMT_MD] = md_write_review_md,
    [CLI_FMT_HTML] = md_write_review_html,
};

struct review_doc {
    const struct md_review *r;
    const struct md_render *rr;
};

static void
write_doc(FILE *f, enum cli_format fmt, const void *ctx)
{
    const struct review_doc *d = ctx;
    writers[fmt](f, d->r, d->rr);
}

/* The review written in every format asked for; false when some of it
 * could not be. */
static bool
write_review(struct compare_opts *o, const struct md_review *r)
{
    const struct md_verdict *v[] = {&r->before, &r->after};
    struct md_render rr;
    if (!compare_render(o, v, 2, &rr))
        return false;
    struct md_redactor *rd = o->setup.rd;
    for (size_t i = 0; rd && i < r->change->nactions; i++)
        md_redactor_add_evidence(rd, r->change->actions[i].ev);
    struct review_doc doc = {r, &rr};
    return compare_write(o, &rr, write_doc, &doc);
}

int
cmd_review(int argc, char **argv)
{
    struct compare_opts o;
    int first = compare_parse(argc, argv, &o, true, review_usage);
    if (first <= 0)
        return first == 0 ? EXIT_CLEAN : EXIT_USAGE;
    if (!o.change) {
        cli_error("review needs --change FILE (see 'marsdiag review "
                  "--help')");
        return EXIT_USAGE;
    }
    if (argc - first > 1) {
        cli_error("review takes one BUNDLE at most, not %d", argc - first);
        return EXIT_USAGE;
    }
    const char *bundle = first < argc ? argv[first] : NULL;
    struct md_change *c = NULL;
    struct md_review r = {0};
    int rc = compare_load(&o);
    if (rc != EXIT_CLEAN)
        goto out;
    enum md_status st = md_change_read(o.change, &o.setup.so.limits, &c);
    if (st != MD_OK) {
        cli_error("%s", c ? c->error : "out of memory");
        rc = status_exit(st);
        goto out;
    }
    st = md_review_run(o.setup.e, bundle, c, &o.setup.so, &r);
    if (st != MD_OK) {
        if (r.before.bundle.status != MD_OK)
            cli_error("%s", r.before.bundle.error);
        else
            cli_error("%s: %s", bundle ? bundle : o.change, md_status_str(st));
        rc = EXIT_UNREADABLE;
        goto out;
    }
    compare_waive(&o, &r.before, &r.after);
    if (!write_review(&o, &r))
        rc = EXIT_UNREADABLE;
    else if (md_review_worst_new(&r) >= o.fail_on)
        rc = EXIT_FINDINGS;
out:
    md_review_free(&r);
    md_change_free(c);
    cli_setup_free(&o.setup);
    return rc;
}
