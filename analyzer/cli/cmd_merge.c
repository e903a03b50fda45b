/*
 * marsdiag merge FILE.ndjson...: the roll-up of NDJSON report files —
 * shards of one fleet scan, say — exactly as one 'batch' run over all
 * their bundles would write it (DESIGN §2, §6). A bundle reported in
 * several files counts once. Exit status as batch's.
 *
 * Redaction: lines written by 'batch --redact strict' hold pseudonyms and
 * are shown as they are (nothing is turned back into a name); with
 * --redact strict, lines written without it get pseudonyms here. A
 * roll-up that mixes names and pseudonyms, or pseudonyms of different
 * keys, is warned about.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "outputs.h"
#include "marsdiag/redact.h"
#include "marsdiag/rules.h"
#include "redact_key.h"
#include "summary.h"

struct merge_file {
    const char *name;
    struct md_fleet *fleet;
    bool lost; /* a line that is not a report, or a torn one */
};

static bool
merge_line(void *user, const char *line, size_t len, uint64_t number)
{
    struct merge_file *m = user;
    char origin[4200], err[256];
    snprintf(origin, sizeof origin, "%s:%llu", m->name,
             (unsigned long long)number);
    enum md_status st =
        md_fleet_add(m->fleet, line, len, origin, NULL, err, sizeof err);
    if (st == MD_ERR_NOMEM) {
        cli_error("out of memory");
        m->lost = true;
        return false;
    }
    if (st != MD_OK) {
        cli_error("%s: not a report line (%s); ignored", origin, err);
        m->lost = true;
    }
    return true;
}

/* Add every line of one file; false when it could not be read. */
static bool
merge_file(struct merge_file *m)
{
    bool std = !strcmp(m->name, "-");
    FILE *f = std ? stdin : fopen(m->name, "rb");
    if (!f) {
        cli_error("cannot read '%s': %s", m->name, strerror(errno));
        return false;
    }
    uint64_t complete;
    bool torn;
    enum md_status st = md_ndjson_read(f, merge_line, m, &complete, &torn);
    if (st == MD_ERR_IO)
        cli_error("cannot read '%s': %s", m->name, strerror(errno));
    else if (st == MD_ERR_LIMIT)
        cli_error("%s: a line at byte %llu is longer than %u bytes",
                  m->name, (unsigned long long)complete, MD_NDJSON_LINE_MAX);
    else if (st != MD_OK)
        cli_error("%s: %s", m->name, md_status_str(st));
    if (torn) {
        cli_error("%s: the last line is incomplete (a run cut short?); "
                  "ignored",
                  m->name);
        m->lost = true;
    }
    if (!std)
        fclose(f);
    return st == MD_OK;
}

/* Say what the roll-up's redaction cannot vouch for (merge's
 * rows come from other runs); strict: merge --redact strict. */
static void
warn_redaction(const struct md_fleet *f, const struct md_redactor *strict)
{
    struct md_fleet_redaction rd;
    md_fleet_redaction(f, &rd);
    size_t all = rd.strict + rd.plain;
    if (!strict && rd.strict && rd.plain)
        cli_error("warning: %zu of %zu reports were written without "
                  "--redact strict: the summary shows their names, and "
                  "the others' pseudonyms (merge --redact strict hides "
                  "them)",
                  rd.plain, all);
    if (strict && rd.redacted)
        cli_error("note: %zu of %zu reports were written without --redact "
                  "strict; their rows got pseudonyms from what the report "
                  "says",
                  rd.redacted, all);
    if (rd.keys > 1)
        cli_error("warning: the reports' pseudonyms were made with %zu "
                  "different keys (key ids %s, %s%s): one name has another "
                  "pseudonym under each; give every shard the same "
                  "--redact-key",
                  rd.keys, rd.key[0], rd.key[1], rd.keys > 2 ? ", ..." : "");
    else if (rd.redacted && rd.other_key)
        cli_error("warning: the strict reports' pseudonyms were made with "
                  "key id %s, this merge's with %s: one name may show two "
                  "pseudonyms; give merge the shards' --redact-key",
                  rd.key[0], md_redactor_key_id(strict));
    if (rd.numbered && rd.strict > 1)
        cli_error("warning: %zu reports have numbered pseudonyms (host-1, "
                  "...: 'scan --redact strict' without a key), which agree "
                  "with no other report's",
                  rd.numbered);
}

int
cmd_merge(int argc, char **argv)
{
    static const struct option opts[] = {
        {"summary", required_argument, NULL, 'S'},
        {"fail-on", required_argument, NULL, 'F'},
        CLI_REDACT_OPTIONS,
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct cli_summaries sums = {0};
    struct cli_redact red = {0};
    int fail_on = MD_SEV_ERROR, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'S':
            if (!cli_summary_option(&sums, optarg))
                return EXIT_USAGE;
            break;
        case 'F':
            if ((fail_on = cli_fail_on(optarg)) < 0)
                return EXIT_USAGE;
            break;
        case 'X':
        case 'K':
            if (!cli_redact_option(c, optarg, &red))
                return EXIT_USAGE;
            break;
        case 'h':
            puts("usage: marsdiag merge [--summary FMT:FILE]... "
                 "[--fail-on LEVEL] [--redact MODE]\n"
                 "                      [--redact-key FILE] "
                 "FILE.ndjson...\n"
                 "\n"
                 "The roll-up of NDJSON files written by 'marsdiag batch'\n"
                 "(shards of one scan, say), the same as one batch run over\n"
                 "all their bundles would write. A bundle in several files\n"
                 "counts once (the first line is kept; a warning names the\n"
                 "others). FILE '-' is standard input.\n"
                 "\n"
                 "  --summary FMT:FILE  csv, md or html (repeatable; FILE '-'\n"
                 "                      is standard output); default md:-\n"
                 "  --fail-on LEVEL     exit 1 when a finding is at least\n"
                 "                      LEVEL: error (default), warning,\n"
                 "                      info, never\n"
                 "  --redact strict     give the rows of reports written\n"
                 "                      without 'batch --redact strict'\n"
                 "                      pseudonyms too (from what the\n"
                 "                      report says). Reports written with\n"
                 "                      it keep theirs: merge never turns a\n"
                 "                      pseudonym back into a name\n"
                 "  --redact-key FILE   the key of those pseudonyms (else\n"
                 "                      $MARSDIAG_REDACT_KEY, else random):\n"
                 "                      give the shards' key so that both\n"
                 "                      kinds of rows agree\n"
                 "\n"
                 "A summary that mixes names and pseudonyms, or pseudonyms\n"
                 "of different keys (tool.redact_key), is warned about.\n"
                 "\n"
                 "exit status: 0 clean; 1 findings at or above --fail-on;\n"
                 "2 usage; 3 a bundle was unreadable, or a file or line\n"
                 "could not be read (3 wins over 1).");
            return EXIT_CLEAN;
        default:
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        cli_error("merge needs at least one NDJSON file");
        return EXIT_USAGE;
    }
    if (sums.n == 0)
        cli_summary_option(&sums, "md:-");
    /* a --summary that is an input or another --summary: said first */
    struct cli_files files = {0};
    cli_summary_files(&sums, &files);
    if (red.key_file)
        cli_files_add(&files, false, "--redact-key", NULL, red.key_file);
    for (int i = optind; i < argc; i++)
        if (strcmp(argv[i], "-") != 0)
            cli_files_add(&files, false, "NDJSON file", NULL, argv[i]);
    int rc = cli_files_check(&files);
    if (rc != EXIT_CLEAN)
        return rc;
    struct cli_key key;
    if (!cli_key_get(&red, true, &key))
        return EXIT_USAGE;
    struct md_redactor *strict =
        red.strict ? md_redactor_new_keyed(key.bytes, key.len) : NULL;
    cli_key_free(&key);
    struct md_fleet *fleet = md_fleet_new();
    if (!fleet || (red.strict && !strict)) {
        cli_error("out of memory");
        md_fleet_free(fleet);
        md_redactor_free(strict);
        return EXIT_UNREADABLE;
    }
    md_fleet_redact(fleet, strict);
    bool lost = false;
    for (int i = optind; i < argc; i++) {
        struct merge_file m = {argv[i], fleet, false};
        if (!merge_file(&m))
            lost = true;
        lost |= m.lost;
    }
    if (!cli_summary_write(&sums, fleet))
        lost = true;
    warn_redaction(fleet, strict);
    rc = cli_fleet_status(fleet, fail_on, lost);
    md_fleet_free(fleet);
    md_redactor_free(strict);
    return rc;
}
