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
        CLI_SETUP_OPTIONS,
        {"waivers", required_argument, NULL, 'W'},
        {"no-timing", no_argument, NULL, 'T'},
        {"help", no_argument, NULL, 'h'},
        {"change", required_argument, NULL, 'C'},
        {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    cli_setup_init(&o->setup);
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
        default: /* CLI_SETUP_OPTIONS, --waivers or '?' */
            if (!cli_setup_option(c, optarg, &o->setup))
                return -1;
            break;
        }
    }
    /* an --output that is an input or another --output: said first */
    struct cli_files files = {0};
    cli_files_outputs(&files, &o->outs);
    cli_files_setup(&files, &o->setup);
    if (o->change)
        cli_files_add(&files, false, "--change", NULL, o->change);
    for (int i = optind; i < argc; i++)
        cli_files_add(&files, false, "bundle", NULL, argv[i]);
    return cli_files_check(&files) == EXIT_CLEAN ? optind : -1;
}

int
compare_load(struct compare_opts *o)
{
    struct cli_setup *s = &o->setup;
    /* A key (--redact-key, MARSDIAG_REDACT_KEY) makes the pseudonyms
     * those of scan and batch with the same key; a bad one is a usage
     * error, said before any scan. */
    bool nomem;
    if (!cli_redactor_new(&s->red, &s->rd, &nomem))
        return nomem ? EXIT_UNREADABLE : EXIT_USAGE;
    if (!cli_setup_engine(s))
        return EXIT_USAGE;
    /* The reports but text name the bundles by their SHA-256 too. */
    s->so.want_sha256 =
        o->format != CLI_FMT_TEXT || md_waivers_need_sha256(s->w);
    for (size_t k = 0; k < o->outs.n; k++)
        s->so.want_sha256 |= o->outs.o[k].fmt != CLI_FMT_TEXT;
    if (o->color < 0)
        o->color = o->format == CLI_FMT_TEXT && isatty(STDOUT_FILENO) &&
                   !getenv("NO_COLOR");
    return EXIT_CLEAN;
}

void
compare_waive(const struct compare_opts *o, struct md_verdict *before,
              struct md_verdict *after)
{
    if (o->setup.w) {
        md_waivers_apply(o->setup.w, o->setup.today, before);
        md_waivers_apply(o->setup.w, o->setup.today, after);
    }
    if (before->regex_limit || after->regex_limit)
        cli_error("a regular expression hit a PCRE2 limit; the rules or "
                  "signatures concerned did not match");
}

bool
compare_render(struct compare_opts *o, const struct md_verdict *const *v,
               size_t nv, struct md_render *r)
{
    struct cli_setup *s = &o->setup;
    for (size_t i = 0; s->rd && i < nv; i++)
        if (md_redactor_add_verdict(s->rd, v[i]) != MD_OK)
            cli_error("out of memory: some names will be shown as "
                      "host-x.example, user-x, ...");
    *r = (struct md_render){
        .rulepack = md_engine_rulepack(s->e),
        .rules = md_engine_rules(s->e),
        .timing = o->timing,
        .color = false,
        .show_suppressed = true,
        .inputs = false,
        .redactor = s->rd,
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
