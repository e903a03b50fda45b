/*
 * marsdiag scan PATH...: judge each bundle — the effective proxy and the
 * findings — and write the reports: --format on standard output (text
 * for a person by default), and any number of --output FMT:FILE, every
 * format from the same verdicts with the same redaction. Several PATHs
 * make one document per format (formats[] below, render.h). Exit status
 * per DESIGN §2.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "outputs.h"
#include "marsdiag/engine.h"
#include "marsdiag/evidence.h"
#include "marsdiag/html.h"
#include "marsdiag/markdown.h"
#include "marsdiag/redact.h"
#include "marsdiag/report.h"
#include "marsdiag/sarif.h"
#include "marsdiag/verdict.h"
#include "marsdiag/waivers.h"
#include "setup.h"

/* The writer of each report format (outputs.h names them): one whole
 * document for the verdicts (an md_render_fn). */
static md_render_fn *const formats[CLI_NFORMATS] = {
    [CLI_FMT_TEXT] = md_write_verdicts_text,
    [CLI_FMT_JSON] = md_write_verdicts_json,
    [CLI_FMT_SARIF] = md_write_verdicts_sarif,
    [CLI_FMT_MD] = md_write_verdicts_md,
    [CLI_FMT_HTML] = md_write_verdicts_html,
};

/* What every document of a run is written from. */
struct scan_doc {
    const struct md_verdict *v;
    size_t nv;
    const struct md_render *r;
};

static void
write_doc(FILE *f, enum cli_format fmt, const void *ctx)
{
    const struct scan_doc *d = ctx;
    formats[fmt](f, d->v, d->nv, d->r);
}

void
cli_rule_error(void *user, const char *file, unsigned line, unsigned col,
               const char *msg)
{
    (void)user;
    /* The message quotes the file's own keys, names and tokens, and the
     * file's name is the user's: scrubbed as bundle text is, so that a
     * rule file cannot drive the terminal. */
    char shown[1024];
    int n = line ? snprintf(shown, sizeof shown, "%s:%u:%u: %s", file, line,
                            col, msg)
                 : snprintf(shown, sizeof shown, "%s: %s", file, msg);
    size_t len = n < 0 ? 0 : (size_t)n < sizeof shown ? (size_t)n
                                                       : sizeof shown - 1;
    md_text_scrub(shown, len);
    fprintf(stderr, "%.*s\n", (int)len, shown);
}

int
cli_fail_on(const char *arg)
{
    if (!strcmp(arg, "never"))
        return 3;
    int sev = md_severity_parse(arg);
    if (sev < 0)
        cli_error("unknown --fail-on '%s' (error, warning, info or never)",
                  arg);
    return sev;
}

bool
cli_color_parse(const char *arg, int *color)
{
    if (strcmp(arg, "always") == 0)
        *color = 1;
    else if (strcmp(arg, "never") == 0)
        *color = 0;
    else if (strcmp(arg, "auto") == 0)
        *color = -1;
    else {
        cli_error("unknown color mode '%s'", arg);
        return false;
    }
    return true;
}

static const char scan_usage[] =
    "usage: marsdiag scan [--format FMT] [--output FMT:FILE]... [--redact "
    "secrets|strict]\n"
    "                     [--fail-on LEVEL] [--rules DIR] [--inputs] "
    "[--color WHEN]\n"
    "                     [--limit N=V] [--as TYPE] [--no-timing] "
    "[--waivers FILE]\n"
    "                     [--show-suppressed] [--redact-key FILE] PATH...\n"
    "\n"
    "  --format FMT          standard output's format: text (default), "
    "json, sarif,\n"
    "                        md or html\n"
    "  --output FMT:FILE     also write FMT to FILE (repeatable; written "
    "whole, via\n"
    "                        FILE.tmp); several PATHs make one document\n"
    "  --redact secrets      mask passwords and URL credentials (the "
    "default)\n"
    "  --redact strict       also replace host names, addresses and user "
    "names with\n"
    "                        pseudonyms (host-1.example, 192.0.2.1, user-1), "
    "the same\n"
    "                        in every format of the run\n"
    "  --redact-key FILE     strict: derive each pseudonym from the key in "
    "FILE\n"
    "                        (else $MARSDIAG_REDACT_KEY) and the name:\n"
    "                        host-3fa29c01be.example, the same in every run "
    "and on\n"
    "                        every machine with that key\n"
    "  --waivers FILE        accepted findings (YAML: rule, host or bundle "
    "SHA-256,\n"
    "                        reason, expires): still reported, as suppressed, "
    "and\n"
    "                        not counted for --fail-on; MARSDIAG_TODAY=YYYY-MM-DD"
    "\n"
    "                        pins the date they expire against\n"
    "  --show-suppressed     list the suppressed findings in the text report "
    "too";

int
cmd_scan(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"color", required_argument, NULL, 'c'},
        {"fail-on", required_argument, NULL, 'F'},
        {"inputs", no_argument, NULL, 'I'},
        {"output", required_argument, NULL, 'o'},
        CLI_SETUP_OPTIONS,
        {"no-timing", no_argument, NULL, 'T'},
        {"waivers", required_argument, NULL, 'W'},
        {"show-suppressed", no_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct cli_setup s;
    cli_setup_init(&s);
    bool timing = true, inputs = false;
    int stdout_fmt = CLI_FMT_TEXT;
    struct cli_outputs outs = {0};
    int color = -1, fail_on = MD_SEV_ERROR;
    bool show_suppressed = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if ((stdout_fmt = cli_format_find(optarg, strlen(optarg))) < 0)
                return EXIT_USAGE;
            break;
        case 'o':
            if (!cli_outputs_add(&outs, optarg))
                return EXIT_USAGE;
            break;
        case 'c':
            if (!cli_color_parse(optarg, &color))
                return EXIT_USAGE;
            break;
        case 'F':
            if ((fail_on = cli_fail_on(optarg)) < 0)
                return EXIT_USAGE;
            break;
        case 'I':
            inputs = true;
            break;
        case 'T':
            timing = false;
            break;
        case 'S':
            show_suppressed = true;
            break;
        case 'h':
            puts(scan_usage);
            return EXIT_CLEAN;
        default: /* CLI_SETUP_OPTIONS, --waivers or '?' */
            if (!cli_setup_option(c, optarg, &s))
                return EXIT_USAGE;
            break;
        }
    }
    if (optind >= argc) {
        cli_error("scan needs at least one PATH");
        return EXIT_USAGE;
    }
    /* an --output that is a bundle or another --output: said first */
    struct cli_files files = {0};
    cli_files_outputs(&files, &outs);
    cli_files_setup(&files, &s);
    for (int i = optind; i < argc; i++)
        cli_files_add(&files, false, "bundle", NULL, argv[i]);
    int rc = cli_files_check(&files);
    if (rc != EXIT_CLEAN)
        return rc;
    /* --redact-key is read (and may be refused) before any bundle is */
    rc = cli_setup_load(&s);
    if (rc != EXIT_CLEAN)
        return rc;
    if (color < 0)
        color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    s.so.want_sha256 =
        stdout_fmt != CLI_FMT_TEXT || md_waivers_need_sha256(s.w);
    for (size_t k = 0; k < outs.n; k++)
        s.so.want_sha256 |= outs.o[k].fmt != CLI_FMT_TEXT;
    int npaths = argc - optind;
    bool unreadable = false;
    /* Every verdict is kept until the reports are written: a document
     * spans all PATHs, and strict pseudonyms must be known before the
     * first line of any report. */
    struct md_verdict *v = calloc((size_t)npaths, sizeof *v);
    if (!v) {
        cli_error("out of memory");
        cli_setup_free(&s);
        return EXIT_UNREADABLE;
    }
    for (int i = 0; i < npaths; i++) {
        if (!cli_setup_scan(&s, argv[optind + i], &v[i]))
            unreadable = true;
        if (s.w)
            md_waivers_apply(s.w, s.today, &v[i]);
        if (v[i].regex_limit)
            cli_error("%s: a regular expression hit a PCRE2 limit; the "
                      "rules or signatures concerned did not match",
                      argv[optind + i]);
        if (md_verdict_worst(&v[i]) >= fail_on)
            rc = EXIT_FINDINGS;
    }
    for (int i = 0; s.rd && i < npaths; i++)
        if (md_redactor_add_verdict(s.rd, &v[i]) != MD_OK)
            cli_error("out of memory: some names will be shown as "
                      "host-x.example, user-x, ...");
    struct md_render r = {
        .rulepack = md_engine_rulepack(s.e),
        .rules = md_engine_rules(s.e),
        .timing = timing,
        .color = false,
        .show_suppressed = show_suppressed,
        .inputs = inputs,
        .redactor = s.rd,
    };
    struct scan_doc doc = {v, (size_t)npaths, &r};
    bool wrote = cli_outputs_write(&outs, write_doc, &doc);
    r.color = color && stdout_fmt == CLI_FMT_TEXT;
    write_doc(stdout, (enum cli_format)stdout_fmt, &doc);
    for (int i = 0; i < npaths; i++)
        md_verdict_free(&v[i]);
    free(v);
    cli_setup_free(&s);
    return !wrote || unreadable ? EXIT_UNREADABLE : rc;
}
