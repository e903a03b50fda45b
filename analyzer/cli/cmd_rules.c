/*
 * marsdiag rules [--rules DIR] [--schema]: the rules in force (built-in
 * pack plus DIR), one line each; --schema lists the fact paths rules can
 * use, with their types.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "marsdiag/engine.h"
#include "marsdiag/fact.h"

int
cmd_rules(int argc, char **argv)
{
    static const struct option opts[] = {
        {"rules", required_argument, NULL, 'R'},
        {"schema", no_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *dir = NULL;
    bool schema = false;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'R':
            dir = optarg;
            break;
        case 'S':
            schema = true;
            break;
        case 'h':
            puts("usage: marsdiag rules [--rules DIR] [--schema]");
            return EXIT_CLEAN;
        default:
            return EXIT_USAGE;
        }
    }
    if (optind < argc) {
        cli_error("rules takes no PATH");
        return EXIT_USAGE;
    }
    if (schema) {
        size_t n;
        const struct md_schema_entry *s = md_schema(&n);
        for (size_t i = 0; i < n; i++)
            printf("%-34s %-7s %s\n", s[i].path, md_ftype_str(s[i].type),
                   s[i].doc);
        return EXIT_CLEAN;
    }
    struct md_limits lim;
    md_limits_default(&lim);
    struct md_engine *e = md_engine_load(dir, &lim, cli_rule_error, NULL);
    if (!e)
        return EXIT_USAGE;
    const struct md_ruleset *rs = md_engine_rules(e);
    for (size_t i = 0; i < md_ruleset_count(rs); i++) {
        const struct md_rule_info *r = md_ruleset_rule(rs, i);
        printf("%-6s %-38s %-7s %s\n", r->id, r->name,
               md_severity_str(r->severity), r->title);
    }
    md_engine_free(e);
    return EXIT_CLEAN;
}
