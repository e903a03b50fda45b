/* --format and --output FMT:FILE for the commands that write reports
 * (outputs.h). */
#include "outputs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static const char *const names[CLI_NFORMATS] = {
    [CLI_FMT_TEXT] = "text", [CLI_FMT_JSON] = "json",
    [CLI_FMT_SARIF] = "sarif", [CLI_FMT_MD] = "md",
    [CLI_FMT_HTML] = "html",
};

int
cli_format_find(const char *name, size_t len)
{
    for (int i = 0; i < CLI_NFORMATS; i++)
        if (strlen(names[i]) == len && !strncmp(names[i], name, len))
            return i;
    cli_error("unknown format '%.*s' (text, json, sarif, md or html)",
              (int)len, name);
    return -1;
}

bool
cli_outputs_add(struct cli_outputs *outs, const char *arg)
{
    if (outs->n == CLI_MAX_OUTPUTS) {
        cli_error("too many --output options (at most %d)", CLI_MAX_OUTPUTS);
        return false;
    }
    const char *colon = strchr(arg, ':');
    if (!colon || !colon[1]) {
        cli_error("--output takes FORMAT:FILE, not '%s'", arg);
        return false;
    }
    int fmt = cli_format_find(arg, (size_t)(colon - arg));
    if (fmt < 0)
        return false;
    outs->o[outs->n++] = (struct cli_output){(enum cli_format)fmt, colon + 1};
    return true;
}

/* The document into an open f, which is closed; false when any of it
 * could not be written. */
static bool
write_close(FILE *f, const char *path, enum cli_format fmt, cli_doc_fn *write,
            const void *ctx)
{
    write(f, fmt, ctx);
    bool ok = !ferror(f);
    ok = fclose(f) == 0 && ok;
    if (!ok)
        cli_error("cannot write '%s'", path);
    return ok;
}

/* A FIFO, /dev/stdout or /dev/null: written in place, never replaced. */
static bool
output_direct(const struct cli_output *o, cli_doc_fn *write, const void *ctx)
{
    FILE *f = fopen(o->path, "w");
    if (!f) {
        cli_error("cannot write '%s': %s", o->path, strerror(errno));
        return false;
    }
    return write_close(f, o->path, o->fmt, write, ctx);
}

/* Write one output whole: to FILE.tmp, renamed over FILE once complete. */
static bool
output_write(const struct cli_output *o, cli_doc_fn *write, const void *ctx)
{
    struct stat st;
    if (stat(o->path, &st) == 0 && !S_ISREG(st.st_mode))
        return output_direct(o, write, ctx);
    size_t n = strlen(o->path) + sizeof ".tmp";
    char *tmp = malloc(n);
    if (!tmp) {
        cli_error("out of memory");
        return false;
    }
    snprintf(tmp, n, "%s.tmp", o->path);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        cli_error("cannot write '%s': %s", tmp, strerror(errno));
        free(tmp);
        return false;
    }
    bool ok = write_close(f, tmp, o->fmt, write, ctx);
    if (ok && rename(tmp, o->path) != 0) {
        cli_error("cannot rename '%s' to '%s': %s", tmp, o->path,
                  strerror(errno));
        ok = false;
    }
    if (!ok)
        remove(tmp);
    free(tmp);
    return ok;
}

bool
cli_outputs_write(const struct cli_outputs *outs, cli_doc_fn *write,
                  const void *ctx)
{
    bool wrote = true;
    for (size_t k = 0; k < outs->n; k++)
        wrote = output_write(&outs->o[k], write, ctx) && wrote;
    return wrote;
}
