/*
 * marsdiag scan PATH...: analyse each bundle and report it, as text for a
 * person or as JSON (schema marsdiag.report/1, one document per PATH; an
 * array of them when several PATHs are given).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "marsdiag/report.h"

static long long
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
cmd_scan(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"color", required_argument, NULL, 'c'},
        CLI_SCAN_OPTIONS,
        {"no-timing", no_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct md_scan_opts so = {0};
    md_limits_default(&so.limits);
    bool json = false, timing = true;
    int color = -1;
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
        case 'L':
        case 'A':
            if (!cli_scan_option(c, optarg, &so))
                return EXIT_USAGE;
            break;
        case 'T':
            timing = false;
            break;
        case 'h':
            puts("usage: marsdiag scan [--format text|json] [--color WHEN] "
                 "[--limit N=V] [--no-timing] PATH...");
            return EXIT_CLEAN;
        default:
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cli_error("scan needs at least one PATH");
        return EXIT_USAGE;
    }
    so.want_sha256 = json;
    if (color < 0)
        color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    int npaths = argc - optind, rc = EXIT_CLEAN;
    struct md_json j;
    md_json_init(&j, stdout, true);
    if (json && npaths > 1)
        md_json_arr(&j);
    for (int i = 0; i < npaths; i++) {
        struct md_bundle b;
        md_bundle_init(&b, argv[optind + i]);
        long long t0 = now_ms();
        md_scan_path(&b, &so);
        long long ms = timing ? now_ms() - t0 : -1;
        if (b.status != MD_OK) {
            cli_error("%s", b.error);
            rc = EXIT_UNREADABLE;
        }
        if (json)
            md_write_report_json(&j, &b, ms);
        else
            md_write_report_text(stdout, &b, color);
        md_bundle_free(&b);
    }
    if (json && npaths > 1)
        md_json_end_arr(&j);
    if (json)
        fputc('\n', stdout);
    if (fflush(stdout) != 0) {
        cli_error("cannot write output");
        return EXIT_UNREADABLE;
    }
    return rc;
}
