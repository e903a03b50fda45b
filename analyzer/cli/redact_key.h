/*
 * --redact and --redact-key on the command line (redact.h): which
 * redactor a command uses, and where the key of keyed pseudonyms comes
 * from — --redact-key FILE (the file's bytes, line ends at its end cut
 * off, so `echo SECRET >FILE` and MARSDIAG_REDACT_KEY=SECRET agree),
 * else the environment variable MARSDIAG_REDACT_KEY (its value is the
 * key), else, for the commands that need one (batch, merge), 32 random
 * bytes made for the run.
 */
#ifndef MARSDIAG_CLI_REDACT_KEY_H
#define MARSDIAG_CLI_REDACT_KEY_H

#include <stdbool.h>
#include <stddef.h>

struct md_redactor;

#define CLI_REDACT_KEY_ENV "MARSDIAG_REDACT_KEY"

/* The redaction options of one command, as parsed. */
struct cli_redact {
    int strict;           /* --redact strict */
    const char *key_file; /* --redact-key FILE, or NULL */
};

/* A key: its bytes (owned; cli_key_free wipes them) and where it came
 * from, for messages. */
struct cli_key {
    unsigned char *bytes;
    size_t len;         /* 0: no key was given */
    const char *origin; /* "'FILE'", "MARSDIAG_REDACT_KEY", "random" */
};

/* The getopt entries of --redact MODE ('X') and --redact-key FILE
 * ('K'). */
#define CLI_REDACT_OPTIONS                                                    \
    {"redact", required_argument, NULL, 'X'},                                 \
        {"redact-key", required_argument, NULL, 'K'}

/* One of CLI_REDACT_OPTIONS, by its letter c, into o; false (after
 * saying why) for a --redact other than secrets or strict. */
bool cli_redact_option(int c, const char *arg, struct cli_redact *o);

/*
 * The key o asks for: FILE's, else the environment's, else (random
 * true) 32 random bytes, else none (k->len 0). With --redact-key but
 * not --redact strict, an unreadable or empty FILE, or no randomness,
 * says why and returns false (exit 2). A key shorter than 16 bytes gets
 * a warning: pseudonyms of likely names could be found by trying them.
 */
bool cli_key_get(const struct cli_redact *o, bool random, struct cli_key *k);
void cli_key_free(struct cli_key *k);

/*
 * The redactor of a command that writes all its reports in one go
 * (scan, facts, explain): NULL for --redact secrets; for strict, a
 * keyed one when a key is given (file or environment), else one that
 * numbers pseudonyms. Returns false after saying why (exit 2 for a bad
 * key, *nomem set when memory ran out).
 */
bool cli_redactor_new(const struct cli_redact *o, struct md_redactor **out,
                      bool *nomem);

#endif
