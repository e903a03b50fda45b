/* Options and rendering shared by marsdiag review and diff (compare.h). */
#include "compare.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "redact_key.h"

int
compare_parse(int argc, char **argv, struct compare_opts *o, bool change_option,
              const char *usage)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"color", required_argument, NULL, 'c'},
        {"fail-on", required_argument, NULL, 'F'},
        {"rules", required_argument, NULL, 'R'},
        {"redact", required_argument, NULL, 'X'},
        CLI_REDACT_KEY_OPTION,
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
        case 'f': {
            int fmt = cli_format_find(optarg, strlen(optarg));
            if (fmt < 0)
                return -1;
            o->format = (enum cli_format)fmt;
            break;
        }
        case 'o':
            if (!cli_outputs_add(&o->outs, optarg))
                return -1;
            break;
        case 'c':
            if (!cli_color_parse(optarg, &o->color))
                return -1;
            break;
        case 'F':
            if ((o->fail_on = cli_fail_on(optarg)) < 0)
                return -1;
            break;
        case 'R':
            o->rules_dir = optarg;
            break;
        case 'X':
            if ((o->strict = cli_redact_parse(optarg)) < 0)
                return -1;
            break;
        case 'K':
            o->key_file = optarg;
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
    /* A bad --redact-key is a usage error, said before any scan. */
    const struct cli_redact red = {o->strict, o->key_file};
    struct cli_key key;
    if (!cli_key_get(&red, false, &key))
        return false;
    cli_key_free(&key);
    *e = md_engine_load(o->rules_dir, &o->so.limits, cli_rule_error, NULL);
    if (!*e)
        return false;
    if (o->waivers_file &&
        !(*w = cli_waivers_load(o->waivers_file, *e, &o->so.limits, today))) {
        md_engine_free(*e);
        *e = NULL;
        return false;
    }
    /* The reports but text name the bundles by their SHA-256 too. */
    o->so.want_sha256 =
        o->format != CLI_FMT_TEXT || md_waivers_need_sha256(*w);
    for (size_t k = 0; k < o->outs.n; k++)
        o->so.want_sha256 |= o->outs.o[k].fmt != CLI_FMT_TEXT;
    if (o->color < 0)
        o->color = o->format == CLI_FMT_TEXT && isatty(STDOUT_FILENO) &&
                   !getenv("NO_COLOR");
    return true;
}

bool
compare_render(const struct compare_opts *o, const struct md_engine *e,
               const struct md_verdict *const *v, size_t nv,
               struct md_render *r, struct md_redactor **rd)
{
    /* A key (--redact-key, MARSDIAG_REDACT_KEY) makes the pseudonyms
     * those of scan and batch with the same key. */
    const struct cli_redact red = {o->strict, o->key_file};
    bool nomem = false;
    if (!cli_redactor_new(&red, rd, &nomem))
        return false;
    for (size_t i = 0; *rd && i < nv; i++)
        if (md_redactor_add_verdict(*rd, v[i]) != MD_OK)
            cli_error("out of memory: some names will be shown as "
                      "host-x.example, user-x, ...");
    *r = (struct md_render){
        .rulepack = md_engine_rulepack(e),
        .rules = md_engine_rules(e),
        .timing = o->timing,
        .color = false,
        .show_suppressed = true,
        .inputs = false,
        .redactor = *rd,
    };
    return true;
}

bool
compare_write(const struct compare_opts *o, struct md_render *r,
              cli_doc_fn *write, const void *ctx)
{
    r->color = false;
    bool wrote = cli_outputs_write(&o->outs, write, ctx);
    r->color = o->color > 0 && o->format == CLI_FMT_TEXT;
    write(stdout, o->format, ctx);
    return wrote;
}
