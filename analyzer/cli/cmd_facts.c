/*
 * marsdiag facts PATH...: every evidence record with its provenance, and
 * each bundle's model (the facts rules see, effective.* included), as one
 * JSON document (schema marsdiag.facts/1). Records are written as they
 * are found, so memory does not grow with the bundle.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "marsdiag/engine.h"
#include "marsdiag/redact.h"
#include "marsdiag/report.h"
#include "marsdiag/verdict.h"
#include "setup.h"

#define MAX_KINDS 32

struct facts {
    struct md_json j;
    const char *kinds[MAX_KINDS];
    int nkinds;
    const char *bundle;
    const struct md_redactor *rd; /* --redact strict, else NULL */
    struct md_redactor *learning; /* its first pass: records are learnt,
                                   * not written */
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
    if (f->learning)
        md_redactor_add_evidence(f->learning, ev);
    else
        md_write_evidence_json(&f->j, ev, f->rd);
}

/* --redact strict: pseudonyms must be known before the first record is
 * written, and records are written as they are read; so the bundles are
 * read once to learn every value, then again to write. */
static void
learn_all(struct md_redactor *r, const struct md_engine *e, char **paths,
          int npaths, struct md_scan_opts *so, struct facts *f)
{
    f->learning = r;
    for (int i = 0; i < npaths; i++) {
        struct md_verdict v;
        md_engine_scan(e, paths[i], so, &v);
        md_redactor_add_verdict(r, &v);
        md_verdict_free(&v);
    }
    f->learning = NULL;
}

int
cmd_facts(int argc, char **argv)
{
    static const struct option opts[] = {
        {"kind", required_argument, NULL, 'k'},
        CLI_SETUP_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct facts f = {0};
    struct cli_setup s;
    cli_setup_init(&s);
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
        case 'h':
            puts("usage: marsdiag facts [--kind KIND]... [--rules DIR] "
                 "[--redact secrets|strict]\n"
                 "                      [--redact-key FILE] [--limit N=V] "
                 "[--as TYPE] PATH...");
            return EXIT_CLEAN;
        default: /* CLI_SETUP_OPTIONS, or '?' */
            if (!cli_setup_option(c, optarg, &s))
                return EXIT_USAGE;
            break;
        }
    }
    if (optind >= argc) {
        cli_error("facts needs at least one PATH");
        return EXIT_USAGE;
    }
    s.so.on_evidence = on_evidence;
    s.so.user = &f;
    int rc = cli_setup_load(&s);
    if (rc != EXIT_CLEAN)
        return rc;
    struct md_redactor *rd = s.rd;
    int npaths = argc - optind;
    if (rd)
        learn_all(rd, s.e, argv + optind, npaths, &s.so, &f);
    f.rd = rd;
    struct md_verdict *v = calloc((size_t)npaths, sizeof *v);
    if (!v) {
        cli_error("out of memory");
        cli_setup_free(&s);
        return EXIT_UNREADABLE;
    }
    md_json_init(&f.j, stdout, true);
    md_json_obj(&f.j);
    md_json_key(&f.j, "schema");
    md_json_strz(&f.j, MD_FACTS_SCHEMA);
    md_write_tool_redacted_json(&f.j, rd);
    md_json_key(&f.j, "evidence");
    md_json_arr(&f.j);
    for (int i = 0; i < npaths; i++)
        if (!cli_setup_scan(&s, argv[optind + i], &v[i]))
            rc = EXIT_UNREADABLE;
    md_json_end_arr(&f.j);
    md_json_key(&f.j, "bundles");
    md_json_arr(&f.j);
    for (int i = 0; i < npaths; i++) {
        const struct md_bundle *b = &v[i].bundle;
        md_json_obj(&f.j);
        md_json_key(&f.j, "path");
        md_json_redacted(&f.j, rd, b->path, strlen(b->path));
        if (b->status != MD_OK) {
            md_json_key(&f.j, "error");
            md_json_redacted(&f.j, rd, b->error, strlen(b->error));
        }
        md_json_key(&f.j, "model");
        md_write_fact_json(&f.j,
                           v[i].model ? md_model_root(v[i].model) : NULL, rd);
        md_write_inputs_json(&f.j, b, rd);
        md_write_stats_json(&f.j, b, -1);
        md_json_end_obj(&f.j);
        md_verdict_free(&v[i]);
    }
    md_json_end_arr(&f.j);
    md_json_end_obj(&f.j);
    fputc('\n', stdout);
    free(v);
    cli_setup_free(&s);
    return rc;
}
