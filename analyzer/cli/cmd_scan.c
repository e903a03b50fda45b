/*
 * marsdiag scan PATH...: judge each bundle — the effective proxy and the
 * findings — and write the reports: --format on standard output (text
 * for a person by default), and any number of --output FMT:FILE, every
 * format from the same verdicts with the same redaction. Several PATHs
 * make one document per format (formats[] below, render.h). Exit status
 * per DESIGN §2.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "marsdiag/engine.h"
#include "marsdiag/html.h"
#include "marsdiag/markdown.h"
#include "marsdiag/redact.h"
#include "marsdiag/report.h"
#include "marsdiag/sarif.h"
#include "marsdiag/verdict.h"
#include "marsdiag/waivers.h"

/* The report formats, for --format and --output: a name and the writer
 * of a whole document (an md_render_fn). */
static const struct format {
    const char *name;
    md_render_fn *write;
} formats[] = {
    {"text", md_write_verdicts_text},
    {"json", md_write_verdicts_json},
    {"sarif", md_write_verdicts_sarif},
    {"md", md_write_verdicts_md},
    {"html", md_write_verdicts_html},
};
#define NFORMATS (sizeof formats / sizeof formats[0])
#define MAX_OUTPUTS 16

static const struct format *
format_find(const char *name, size_t len)
{
    for (size_t i = 0; i < NFORMATS; i++)
        if (strlen(formats[i].name) == len &&
            !strncmp(formats[i].name, name, len))
            return &formats[i];
    cli_error("unknown format '%.*s' (text, json, sarif, md or html)",
              (int)len, name);
    return NULL;
}

/* An --output: a format and the file it goes to. */
struct output {
    const struct format *fmt;
    const char *path;
};

static bool
output_parse(const char *arg, struct output *o)
{
    const char *colon = strchr(arg, ':');
    if (!colon || !colon[1]) {
        cli_error("--output takes FORMAT:FILE, not '%s'", arg);
        return false;
    }
    o->fmt = format_find(arg, (size_t)(colon - arg));
    o->path = colon + 1;
    return o->fmt != NULL;
}

/* A FIFO, /dev/stdout or /dev/null: written in place, never replaced. */
static bool
output_direct(const struct output *o, const struct md_verdict *v, size_t nv,
              const struct md_render *r)
{
    FILE *f = fopen(o->path, "w");
    if (!f) {
        cli_error("cannot write '%s': %s", o->path, strerror(errno));
        return false;
    }
    o->fmt->write(f, v, nv, r);
    bool ok = !ferror(f);
    ok = fclose(f) == 0 && ok;
    if (!ok)
        cli_error("cannot write '%s'", o->path);
    return ok;
}

/* Write one --output whole: to FILE.tmp, renamed over FILE once complete,
 * so a run that fails half way leaves no half report behind. */
static bool
output_write(const struct output *o, const struct md_verdict *v, size_t nv,
             const struct md_render *r)
{
    struct stat st;
    if (stat(o->path, &st) == 0 && !S_ISREG(st.st_mode))
        return output_direct(o, v, nv, r);
    size_t n = strlen(o->path) + sizeof ".tmp";
    char *tmp = malloc(n);
    if (!tmp) {
        cli_error("out of memory");
        return false;
    }
    snprintf(tmp, n, "%s.tmp", o->path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        cli_error("cannot write '%s': %s", tmp, strerror(errno));
        free(tmp);
        return false;
    }
    o->fmt->write(f, v, nv, r);
    bool ok = !ferror(f);
    ok = fclose(f) == 0 && ok;
    if (!ok)
        cli_error("cannot write '%s'", tmp);
    else if (rename(tmp, o->path) != 0) {
        cli_error("cannot rename '%s' to '%s': %s", tmp, o->path,
                  strerror(errno));
        ok = false;
    }
    if (!ok)
        remove(tmp);
    free(tmp);
    return ok;
}

int
cli_redact_parse(const char *arg)
{
    if (!strcmp(arg, "secrets"))
        return 0;
    if (!strcmp(arg, "strict"))
        return 1;
    cli_error("unknown --redact '%s' (secrets or strict)", arg);
    return -1;
}

void
cli_rule_error(void *user, const char *file, unsigned line, unsigned col,
               const char *msg)
{
    (void)user;
    if (line)
        fprintf(stderr, "%s:%u:%u: %s\n", file, line, col, msg);
    else
        fprintf(stderr, "%s: %s\n", file, msg);
}

int
cli_fail_on(const char *arg)
{
    if (!strcmp(arg, "never"))
        return 3;
    return md_severity_parse(arg);
}

static const char scan_usage[] =
    "usage: marsdiag scan [--format FMT] [--output FMT:FILE]... [--redact "
    "secrets|strict]\n"
    "                     [--fail-on LEVEL] [--rules DIR] [--inputs] "
    "[--color WHEN]\n"
    "                     [--limit N=V] [--as TYPE] [--no-timing] "
    "[--waivers FILE]\n"
    "                     [--show-suppressed] PATH...\n"
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
        {"rules", required_argument, NULL, 'R'},
        {"inputs", no_argument, NULL, 'I'},
        {"output", required_argument, NULL, 'o'},
        {"redact", required_argument, NULL, 'X'},
        CLI_SCAN_OPTIONS,
        {"no-timing", no_argument, NULL, 'T'},
        {"waivers", required_argument, NULL, 'W'},
        {"show-suppressed", no_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct md_scan_opts so = {0};
    md_limits_default(&so.limits);
    bool timing = true, inputs = false;
    const struct format *stdout_fmt = &formats[0];
    struct output outs[MAX_OUTPUTS];
    size_t nouts = 0;
    int color = -1, fail_on = MD_SEV_ERROR, strict = 0;
    const char *rules_dir = NULL, *waivers_file = NULL;
    bool show_suppressed = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (!(stdout_fmt = format_find(optarg, strlen(optarg))))
                return EXIT_USAGE;
            break;
        case 'o':
            if (nouts == MAX_OUTPUTS) {
                cli_error("too many --output options (at most %d)",
                          MAX_OUTPUTS);
                return EXIT_USAGE;
            }
            if (!output_parse(optarg, &outs[nouts++]))
                return EXIT_USAGE;
            break;
        case 'X':
            if ((strict = cli_redact_parse(optarg)) < 0)
                return EXIT_USAGE;
            break;
        case 'c':
            if (strcmp(optarg, "always") == 0)
                color = 1;
            else if (strcmp(optarg, "never") == 0)
                color = 0;
            else if (strcmp(optarg, "auto") == 0)
                color = -1;
            else {
                cli_error("unknown color mode '%s'", optarg);
                return EXIT_USAGE;
            }
            break;
        case 'F':
            if ((fail_on = cli_fail_on(optarg)) < 0) {
                cli_error("unknown --fail-on '%s' (error, warning, info or "
                          "never)",
                          optarg);
                return EXIT_USAGE;
            }
            break;
        case 'R':
            rules_dir = optarg;
            break;
        case 'I':
            inputs = true;
            break;
        case 'L':
        case 'A':
            if (!cli_scan_option(c, optarg, &so))
                return EXIT_USAGE;
            break;
        case 'T':
            timing = false;
            break;
        case 'W':
            waivers_file = optarg;
            break;
        case 'S':
            show_suppressed = true;
            break;
        case 'h':
            puts(scan_usage);
            return EXIT_CLEAN;
        default:
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cli_error("scan needs at least one PATH");
        return EXIT_USAGE;
    }
    struct md_engine *e = md_engine_load(rules_dir, &so.limits,
                                         cli_rule_error, NULL);
    if (!e)
        return EXIT_USAGE;
    struct md_waivers *w = NULL;
    int today = 0;
    if (waivers_file &&
        !(w = cli_waivers_load(waivers_file, e, &so.limits, &today))) {
        md_engine_free(e);
        return EXIT_USAGE;
    }
    if (color < 0)
        color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    so.want_sha256 = stdout_fmt != &formats[0] || md_waivers_need_sha256(w);
    for (size_t k = 0; k < nouts; k++)
        so.want_sha256 |= outs[k].fmt != &formats[0];
    int npaths = argc - optind, rc = EXIT_CLEAN;
    bool unreadable = false;
    /* Every verdict is kept until the reports are written: a document
     * spans all PATHs, and strict pseudonyms must be known before the
     * first line of any report. */
    struct md_verdict *v = calloc((size_t)npaths, sizeof *v);
    if (!v) {
        cli_error("out of memory");
        md_waivers_free(w);
        md_engine_free(e);
        return EXIT_UNREADABLE;
    }
    for (int i = 0; i < npaths; i++) {
        enum md_status st = md_engine_scan(e, argv[optind + i], &so, &v[i]);
        if (v[i].bundle.status != MD_OK) {
            cli_error("%s", v[i].bundle.error);
            unreadable = true;
        } else if (st != MD_OK) {
            cli_error("%s: %s", argv[optind + i], md_status_str(st));
            unreadable = true;
        }
        if (w)
            md_waivers_apply(w, today, &v[i]);
        if (v[i].regex_limit)
            cli_error("%s: a regular expression hit a PCRE2 limit; the "
                      "rules or signatures concerned did not match",
                      argv[optind + i]);
        if (md_verdict_worst(&v[i]) >= fail_on)
            rc = EXIT_FINDINGS;
    }
    struct md_redactor *rd = strict ? md_redactor_new() : NULL;
    for (int i = 0; rd && i < npaths; i++)
        if (md_redactor_add_verdict(rd, &v[i]) != MD_OK)
            cli_error("out of memory: some names will be shown as "
                      "host-x.example, user-x, ...");
    bool ready = !strict || rd, wrote = ready;
    if (!ready)
        cli_error("out of memory");
    struct md_render r = {
        .rulepack = md_engine_rulepack(e),
        .rules = md_engine_rules(e),
        .timing = timing,
        .color = false,
        .show_suppressed = show_suppressed,
        .inputs = inputs,
        .redactor = rd,
    };
    for (size_t k = 0; ready && k < nouts; k++)
        wrote = output_write(&outs[k], v, (size_t)npaths, &r) && wrote;
    if (ready) {
        r.color = color && stdout_fmt == &formats[0];
        stdout_fmt->write(stdout, v, (size_t)npaths, &r);
    }
    for (int i = 0; i < npaths; i++)
        md_verdict_free(&v[i]);
    free(v);
    md_redactor_free(rd);
    md_waivers_free(w);
    md_engine_free(e);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error("cannot write output");
        return EXIT_UNREADABLE;
    }
    if (!wrote)
        return EXIT_UNREADABLE;
    return unreadable ? EXIT_UNREADABLE : rc;
}
