/*
 * --redact, --redact-key and MARSDIAG_REDACT_KEY (redact_key.h): the
 * options, reading the key of keyed pseudonyms, or making a random one,
 * and the redactor a one-shot command uses.
 */
#include "redact_key.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "cli.h"
#include "marsdiag/redact.h"

/* Longer keys add nothing (HMAC hashes a key longer than a block); this
 * only stops a mistaken --redact-key /dev/zero. */
#define KEY_MAX 65536
#define KEY_WEAK 16
#define KEY_RANDOM 32

bool
cli_redact_option(int c, const char *arg, struct cli_redact *o)
{
    if (c == 'K')
        o->key_file = arg;
    else if (!strcmp(arg, "secrets"))
        o->strict = 0;
    else if (!strcmp(arg, "strict"))
        o->strict = 1;
    else {
        cli_error("unknown --redact '%s' (secrets or strict)", arg);
        return false;
    }
    return true;
}

static bool
read_key(const char *file, struct cli_key *k)
{
    FILE *f = fopen(file, "rb");
    if (!f) {
        cli_error("cannot read the redaction key '%s': %s", file,
                  strerror(errno));
        return false;
    }
    unsigned char *b = malloc(KEY_MAX + 1);
    size_t n = b ? fread(b, 1, KEY_MAX + 1, f) : 0;
    bool ok = b && !ferror(f) && n <= KEY_MAX;
    if (!b)
        cli_error("out of memory");
    else if (ferror(f))
        cli_error("cannot read the redaction key '%s': %s", file,
                  strerror(errno));
    else if (n > KEY_MAX)
        cli_error("the redaction key '%s' is longer than %d bytes", file,
                  KEY_MAX);
    fclose(f);
    while (ok && n && (b[n - 1] == '\n' || b[n - 1] == '\r'))
        n--;
    if (ok && !n) {
        cli_error("the redaction key '%s' is empty", file);
        ok = false;
    }
    if (!ok) {
        if (b)
            memset(b, 0, KEY_MAX + 1);
        free(b);
        return false;
    }
    k->bytes = b;
    k->len = n;
    return true;
}

static bool
copy_key(const char *s, struct cli_key *k)
{
    k->len = strlen(s);
    k->bytes = malloc(k->len);
    if (!k->bytes) {
        cli_error("out of memory");
        return false;
    }
    memcpy(k->bytes, s, k->len);
    return true;
}

static bool
random_key(struct cli_key *k)
{
    k->bytes = malloc(KEY_RANDOM);
    size_t got = 0;
    while (k->bytes && got < KEY_RANDOM) {
        ssize_t n = getrandom(k->bytes + got, KEY_RANDOM - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            cli_error("cannot make a random redaction key: %s",
                      strerror(errno));
            free(k->bytes);
            k->bytes = NULL;
            return false;
        }
        got += (size_t)n;
    }
    if (!k->bytes) {
        cli_error("out of memory");
        return false;
    }
    k->len = KEY_RANDOM;
    return true;
}

bool
cli_key_get(const struct cli_redact *o, bool random, struct cli_key *k)
{
    static char origin[4200];
    memset(k, 0, sizeof *k);
    if (o->key_file && !o->strict) {
        cli_error("--redact-key needs --redact strict (it keys the "
                  "pseudonyms of names)");
        return false;
    }
    if (!o->strict)
        return true;
    const char *env = getenv(CLI_REDACT_KEY_ENV);
    bool ok = true;
    if (o->key_file) {
        snprintf(origin, sizeof origin, "'%s'", o->key_file);
        k->origin = origin;
        ok = read_key(o->key_file, k);
    } else if (env && *env) {
        k->origin = CLI_REDACT_KEY_ENV;
        ok = copy_key(env, k);
    } else if (random) {
        k->origin = "random";
        return random_key(k);
    } else {
        return true;
    }
    if (ok && k->len < KEY_WEAK)
        cli_error("warning: the redaction key from %s is %zu bytes; with "
                  "fewer than %d random bytes, someone with a list of "
                  "likely names can find which one a pseudonym stands for",
                  k->origin, k->len, KEY_WEAK);
    return ok;
}

void
cli_key_free(struct cli_key *k)
{
    if (k->bytes)
        memset(k->bytes, 0, k->len);
    free(k->bytes);
    memset(k, 0, sizeof *k);
}

bool
cli_redactor_new(const struct cli_redact *o, struct md_redactor **out,
                 bool *nomem)
{
    struct cli_key k;
    *out = NULL;
    *nomem = false;
    if (!cli_key_get(o, false, &k))
        return false;
    if (!o->strict)
        return true;
    *out = k.len ? md_redactor_new_keyed(k.bytes, k.len) : md_redactor_new();
    cli_key_free(&k);
    if (!*out) {
        cli_error("out of memory");
        *nomem = true;
        return false;
    }
    return true;
}
