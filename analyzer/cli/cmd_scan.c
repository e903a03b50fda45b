/*
 * marsdiag scan PATH...: judge each bundle — the effective proxy and the
 * findings — as text for a person or as JSON (schema marsdiag.report/1,
 * one document per PATH; an array of them for several PATHs). Exit status
 * per DESIGN §2.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "marsdiag/engine.h"
#include "marsdiag/report.h"
#include "marsdiag/verdict.h"

static long long
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
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

int
cmd_scan(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"color", required_argument, NULL, 'c'},
        {"fail-on", required_argument, NULL, 'F'},
        {"rules", required_argument, NULL, 'R'},
        {"inputs", no_argument, NULL, 'I'},
        CLI_SCAN_OPTIONS,
        {"no-timing", no_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct md_scan_opts so = {0};
    md_limits_default(&so.limits);
    bool json = false, timing = true, inputs = false;
    int color = -1, fail_on = MD_SEV_ERROR;
    const char *rules_dir = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (strcmp(optarg, "json") == 0)
                json = true;
            else if (strcmp(optarg, "text") == 0)
                json = false;
            else {
                cli_error("unknown format '%s' (text or json)", optarg);
                return EXIT_USAGE;
            }
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
        case 'h':
            puts("usage: marsdiag scan [--format text|json] [--fail-on "
                 "LEVEL] [--rules DIR] [--inputs] [--color WHEN] "
                 "[--limit N=V] [--as TYPE] [--no-timing] PATH...");
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
    if (color < 0)
        color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    so.want_sha256 = json;
    int npaths = argc - optind, rc = EXIT_CLEAN;
    bool unreadable = false;
    struct md_json j;
    md_json_init(&j, stdout, true);
    if (json && npaths > 1)
        md_json_arr(&j);
    for (int i = 0; i < npaths; i++) {
        struct md_verdict v;
        long long t0 = now_ms();
        enum md_status st = md_engine_scan(e, argv[optind + i], &so, &v);
        long long ms = timing ? now_ms() - t0 : -1;
        if (v.bundle.status != MD_OK) {
            cli_error("%s", v.bundle.error);
            unreadable = true;
        } else if (st != MD_OK) {
            cli_error("%s: %s", argv[optind + i], md_status_str(st));
            unreadable = true;
        }
        if (v.regex_limit)
            cli_error("%s: a regular expression hit a PCRE2 limit; the "
                      "rules or signatures concerned did not match",
                      argv[optind + i]);
        if (md_verdict_worst(&v) >= fail_on)
            rc = EXIT_FINDINGS;
        if (json) {
            md_write_verdict_json(&j, &v, md_engine_rulepack(e), ms);
        } else {
            if (i)
                fputc('\n', stdout);
            md_write_verdict_text(stdout, &v, color);
            if (inputs)
                md_write_report_text(stdout, &v.bundle, color);
        }
        md_verdict_free(&v);
    }
    if (json && npaths > 1)
        md_json_end_arr(&j);
    if (json)
        fputc('\n', stdout);
    md_engine_free(e);
    if (fflush(stdout) != 0) {
        cli_error("cannot write output");
        return EXIT_UNREADABLE;
    }
    return unreadable ? EXIT_UNREADABLE : rc;
}
