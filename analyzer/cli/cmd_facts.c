/*
 * marsdiag facts PATH...: every evidence record with its provenance, as
 * one JSON document (schema marsdiag.facts/1). Records are written as they
 * are found, so memory does not grow with the bundle.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "marsdiag/report.h"

#define MAX_KINDS 32

struct facts {
    struct md_json j;
    const char *kinds[MAX_KINDS];
    int nkinds;
    const char *bundle;
};

static void
on_evidence(void *user, const struct md_evidence *ev)
{
    struct facts *f = user;
    if (f->nkinds) {
        int k = 0;
        while (k < f->nkinds && strcmp(f->kinds[k], ev->kind) != 0)
            k++;
        if (k == f->nkinds)
            return;
    }
    md_write_evidence_json(&f->j, ev);
}

int
cmd_facts(int argc, char **argv)
{
    static const struct option opts[] = {
        {"kind", required_argument, NULL, 'k'},
        CLI_SCAN_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct facts f = {0};
    struct md_scan_opts so = {0};
    md_limits_default(&so.limits);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'k':
            if (f.nkinds == MAX_KINDS) {
                cli_error("too many --kind options");
                return EXIT_USAGE;
            }
            f.kinds[f.nkinds++] = optarg;
            break;
        case 'L':
        case 'A':
            if (!cli_scan_option(c, optarg, &so))
                return EXIT_USAGE;
            break;
        case 'h':
            puts("usage: marsdiag facts [--kind KIND]... [--limit N=V] PATH...");
            return EXIT_CLEAN;
        default:
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cli_error("facts needs at least one PATH");
        return EXIT_USAGE;
    }
    so.on_evidence = on_evidence;
    so.user = &f;
    int npaths = argc - optind;
    struct md_bundle *bundles = calloc((size_t)npaths, sizeof *bundles);
    if (!bundles) {
        cli_error("out of memory");
        return EXIT_UNREADABLE;
    }
    md_json_init(&f.j, stdout, true);
    md_json_obj(&f.j);
    md_json_key(&f.j, "schema");
    md_json_strz(&f.j, MD_FACTS_SCHEMA);
    md_write_tool_json(&f.j);
    md_json_key(&f.j, "evidence");
    md_json_arr(&f.j);
    int rc = EXIT_CLEAN;
    for (int i = 0; i < npaths; i++) {
        md_bundle_init(&bundles[i], argv[optind + i]);
        md_scan_path(&bundles[i], &so);
        if (bundles[i].status != MD_OK) {
            cli_error("%s", bundles[i].error);
            rc = EXIT_UNREADABLE;
        }
    }
    md_json_end_arr(&f.j);
    md_json_key(&f.j, "bundles");
    md_json_arr(&f.j);
    for (int i = 0; i < npaths; i++) {
        md_json_obj(&f.j);
        md_json_key(&f.j, "path");
        md_json_strz(&f.j, bundles[i].path);
        if (bundles[i].status != MD_OK) {
            md_json_key(&f.j, "error");
            md_json_strz(&f.j, bundles[i].error);
        }
        md_write_inputs_json(&f.j, &bundles[i]);
        md_write_stats_json(&f.j, &bundles[i], -1);
        md_json_end_obj(&f.j);
        md_bundle_free(&bundles[i]);
    }
    md_json_end_arr(&f.j);
    md_json_end_obj(&f.j);
    fputc('\n', stdout);
    free(bundles);
    if (fflush(stdout) != 0) {
        cli_error("cannot write output");
        return EXIT_UNREADABLE;
    }
    return rc;
}
