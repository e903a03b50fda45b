/* Options and rendering shared by marsdiag review and diff (compare.h). */
#include "compare.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int
compare_parse(int argc, char **argv, struct compare_opts *o, bool change_option,
              const char *usage)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"color", required_argument, NULL, 'c'},
        {"fail-on", required_argument, NULL, 'F'},
        {"rules", required_argument, NULL, 'R'},
        {"redact", required_argument, NULL, 'X'},
        {"waivers", required_argument, NULL, 'W'},
        CLI_SCAN_OPTIONS,
        {"no-timing", no_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},
        {"change", required_argument, NULL, 'C'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    md_limits_default(&o->so.limits);
    o->timing = true;
    o->color = -1;
    o->fail_on = MD_SEV_ERROR;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'f':
            if (strcmp(optarg, "json") && strcmp(optarg, "text")) {
                cli_error("unknown format '%s' for %s (text or json)", optarg,
                          argv[0]);
                return -1;
            }
            o->json = !strcmp(optarg, "json");
            break;
        case 'c':
            if (!strcmp(optarg, "always") || !strcmp(optarg, "never") ||
                !strcmp(optarg, "auto")) {
                o->color = !strcmp(optarg, "auto") ? -1 : optarg[0] == 'a';
                break;
            }
            cli_error("unknown color mode '%s'", optarg);
            return -1;
        case 'F':
            if ((o->fail_on = cli_fail_on(optarg)) < 0) {
                cli_error("unknown --fail-on '%s' (error, warning, info or "
                          "never)",
                          optarg);
                return -1;
            }
            break;
        case 'R':
            o->rules_dir = optarg;
            break;
        case 'X':
            if ((o->strict = cli_redact_parse(optarg)) < 0)
                return -1;
            break;
        case 'W':
            o->waivers_file = optarg;
            break;
        case 'L':
        case 'A':
            if (!cli_scan_option(c, optarg, &o->so))
                return -1;
            break;
        case 'T':
            o->timing = false;
            break;
        case 'C':
            if (!change_option) {
                cli_error("%s takes no --change (see '%s --help')", argv[0],
                          argv[0]);
                return -1;
            }
            o->change = optarg;
            break;
        case 'h':
            fputs(usage, stdout);
            return 0;
        default:
            return -1;
        }
    }
    return optind;
}

bool
compare_load(struct compare_opts *o, struct md_engine **e,
             struct md_waivers **w, int *today)
{
    *w = NULL;
    *e = md_engine_load(o->rules_dir, &o->so.limits, cli_rule_error, NULL);
    if (!*e)
        return false;
    if (o->waivers_file &&
        !(*w = cli_waivers_load(o->waivers_file, *e, &o->so.limits, today))) {
        md_engine_free(*e);
        *e = NULL;
        return false;
    }
    o->so.want_sha256 = o->json || md_waivers_need_sha256(*w);
    if (o->color < 0)
        o->color = !o->json && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
    return true;
}

bool
compare_render(const struct compare_opts *o, const struct md_engine *e,
               const struct md_verdict *const *v, size_t nv,
               struct md_render *r, struct md_redactor **rd)
{
    *rd = o->strict ? md_redactor_new() : NULL;
    if (o->strict && !*rd) {
        cli_error("out of memory");
        return false;
    }
    for (size_t i = 0; *rd && i < nv; i++)
        if (md_redactor_add_verdict(*rd, v[i]) != MD_OK)
            cli_error("out of memory: some names will be shown as "
                      "host-x.example, user-x, ...");
    *r = (struct md_render){
        .rulepack = md_engine_rulepack(e),
        .rules = md_engine_rules(e),
        .timing = o->timing,
        .color = o->color > 0,
        .show_suppressed = true,
        .inputs = false,
        .redactor = *rd,
    };
    return true;
}
