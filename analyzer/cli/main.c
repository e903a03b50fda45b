/* marsdiag: entry point, global options and command dispatch. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "marsdiag/evidence.h"
#include "marsdiag/limits.h"

static const char usage[] =
    "usage: marsdiag COMMAND [OPTIONS] PATH...\n"
    "\n"
    "Offline analyzer for Microsoft Azure Recovery Services (MARS) agent\n"
    "support bundles: zips (nested zips and .gz members included), folders\n"
    "and single files (registry exports, engine logs, netsh and PowerShell\n"
    "captures, .NET config, event log XML).\n"
    "\n"
    "commands:\n"
    "  scan PATH...     the effective proxy of each bundle, what is wrong\n"
    "                   (findings with file:line evidence and the fix)\n"
    "  facts PATH...    print every evidence record with its provenance\n"
    "                   (file, line, registry key and value, XML path), JSON\n"
    "  rules            list the rules in force (--schema: the facts\n"
    "                   rules can use)\n"
    "  limits           list the resource limits and their defaults\n"
    "  explain RULE [BUNDLE]  the rule's documentation; with BUNDLE, why\n"
    "                   it did or did not fire there (each part of the\n"
    "                   condition, the facts and evidence it read)\n"
    "  batch PATH...    many bundles on -j N threads: one NDJSON report\n"
    "                   line each, resumable (--resume), shardable\n"
    "                   (--shard K/N), roll-ups (--summary FMT:FILE)\n"
    "  merge FILE...    the roll-up of batch NDJSON files (shards)\n"
    "  review --change FILE [BUNDLE]  a planned change (.reg, PowerShell,\n"
    "                   installer command line) judged before it is made:\n"
    "                   the effective proxy before and after, findings\n"
    "                   introduced and resolved (exit 1 on new ones)\n"
    "  diff OLD NEW     two bundles of one server: what changed in each\n"
    "                   proxy source, the effective proxy and the findings\n"
    "\n"
    "options (scan, facts):\n"
    "  --format FMT         scan: standard output's format: text (default),\n"
    "                       json, sarif, md or html\n"
    "  --output FMT:FILE    scan: also write FMT to FILE (repeatable; each\n"
    "                       file written whole; several PATHs, one document)\n"
    "  --redact secrets|strict  scan, facts, explain, batch, merge: passwords\n"
    "                       and URL credentials are always masked (secrets,\n"
    "                       the default); strict also replaces host names,\n"
    "                       addresses and user names with pseudonyms\n"
    "                       (host-1.example, user-1)\n"
    "  --redact-key FILE    with strict: pseudonyms derived from this key\n"
    "                       (else $MARSDIAG_REDACT_KEY), the same in every\n"
    "                       run and shard with the key "
    "(host-3fa29c01be.example)\n"
    "  --fail-on LEVEL      scan: exit 1 when a finding is at least LEVEL:\n"
    "                       error (default), warning, info, never\n"
    "  --rules DIR          extra or overriding rule files (*.yml, *.yaml)\n"
    "  --inputs             scan: also list every input read\n"
    "  --waivers FILE       scan: accepted findings (YAML), reported as\n"
    "                       suppressed, not counted for --fail-on\n"
    "  --show-suppressed    scan: list the suppressed findings in text\n"
    "  --kind KIND          facts: only records of this kind (repeatable)\n"
    "  --limit NAME=VALUE   change a limit (see 'marsdiag limits')\n"
    "  --as TYPE            read every file as TYPE (reg, errlog, ...)\n"
    "                       instead of recognising it\n"
    "  --color auto|always|never\n"
    "  --no-timing          scan: leave elapsed time out of JSON\n"
    "  -h, --help           this help\n"
    "  --version            print the version\n"
    "\n"
    "options (batch, merge; batch also takes --fail-on, --rules, --limit,\n"
    "--as, --no-timing, --waivers):\n"
    "  -j, --jobs N         batch: worker threads (default: the CPUs)\n"
    "  --ndjson FILE        batch: the reports go to FILE, not stdout\n"
    "  --resume             batch: keep FILE's reports, scan the rest\n"
    "  --shard K/N          batch: only the bundles of shard K of N\n"
    "  --summary FMT:FILE   the roll-up as csv, md or html (repeatable)\n"
    "  -q, --quiet          batch: no progress line\n"
    "\n"
    "exit status: 0 no finding at or above --fail-on; 1 findings at or\n"
    "above it; 2 usage or rule-file error; 3 an input could not be read,\n"
    "or the output could not be written.\n"
    "Secrets (proxy passwords) are never printed.\n";

void
cli_error(const char *fmt, ...)
{
    /* Messages quote paths, list lines, member and file names: all
     * scrubbed as bundle text is, so none of them can drive the
     * terminal (a list line holding ESC ] 0 ; ... BEL retitled it). */
    char msg[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    size_t len = (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1;
    md_text_scrub(msg, len);
    fprintf(stderr, "marsdiag: %.*s%s\n", (int)len, msg,
            (size_t)n < sizeof msg ? "" : "...");
}

int
cli_flush_stdout(int rc)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error("cannot write output");
        return EXIT_UNREADABLE;
    }
    return rc;
}

int
cmd_limits(int argc, char **argv)
{
    (void)argv;
    if (argc > 1) {
        cli_error("limits takes no arguments");
        return EXIT_USAGE;
    }
    size_t n;
    const struct md_limit_info *t = md_limits_table(&n);
    for (size_t i = 0; i < n; i++)
        printf("%-16s %-12llu %s\n", t[i].name, (unsigned long long)t[i].def,
               t[i].doc);
    return EXIT_CLEAN;
}

/* The command named by argv[1]. */
static int
dispatch(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 ||
        strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return EXIT_CLEAN;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("marsdiag %s\n", md_version());
        return EXIT_CLEAN;
    }
    static const struct {
        const char *name;
        int (*run)(int argc, char **argv);
    } cmds[] = {
        {"scan", cmd_scan},       {"facts", cmd_facts},
        {"limits", cmd_limits},   {"rules", cmd_rules},
        {"explain", cmd_explain}, {"batch", cmd_batch},
        {"review", cmd_review},   {"diff", cmd_diff},
        {"merge", cmd_merge},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        if (strcmp(cmd, cmds[i].name) == 0)
            return cmds[i].run(argc - 1, argv + 1);
    cli_error("unknown command '%s' (see 'marsdiag --help')", cmd);
    return EXIT_USAGE;
}

/* Whatever the command, output that could not be written (a full disk,
 * a closed pipe) is an error, never a silent exit 0. */
int
main(int argc, char **argv)
{
    return cli_flush_stdout(dispatch(argc, argv));
}
