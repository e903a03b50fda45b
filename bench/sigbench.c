/*
 * Micro-benchmark of log signature matching (marsdiag/signatures.h), run
 * by bench/sigbench.sh. Reads a text file into memory, then times
 * md_sig_match over every line (a line is one log message, as the errlog
 * parser would pass it), and prints the median of the runs, MB/s, and the
 * number of lines where some signature matched (which must equal
 * `rg -c` with the same patterns).
 *
 *   sigbench SIGS.yml TEXT [RUNS] [--no-prefilter] [--max-bytes N]
 *   sigbench --patterns SIGS.yml   print each pattern on its own line
 *   sigbench --literals SIGS.yml   print each literal on its own line
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "marsdiag/signatures.h"

static char *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "sigbench: cannot open '%s'\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "sigbench: cannot read '%s'\n", path);
        exit(2);
    }
    fclose(f);
    buf[n] = 0;
    *len = (size_t)n;
    return buf;
}

static void
print_err(void *user, const char *file, unsigned line, unsigned col,
          const char *msg)
{
    (void)user;
    fprintf(stderr, "%s:%u:%u: %s\n", file, line, col, msg);
}

static struct md_sigset *
load(const char *path)
{
    size_t len;
    char *text = slurp(path, &len);
    struct md_sigset *s =
        md_sigset_load(path, text, len, NULL, print_err, NULL, NULL);
    free(text);
    if (!s)
        exit(2);
    return s;
}

static void
on_hit(void *user, size_t sig, size_t cat)
{
    (void)sig;
    (void)cat;
    *(int *)user = 1;
}

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
    if (argc == 3 && (strcmp(argv[1], "--patterns") == 0 ||
                      strcmp(argv[1], "--literals") == 0)) {
        struct md_sigset *s = load(argv[2]);
        for (size_t i = 0; i < md_sigset_count(s); i++) {
            const struct md_sig_info *in = md_sigset_info(s, i);
            if (argv[1][2] == 'p')
                printf("%s\n", in->pattern);
            else
                for (size_t k = 0; k < in->nliterals; k++)
                    printf("%s\n", in->literals[k]);
        }
        md_sigset_free(s);
        return 0;
    }
    if (argc < 3) {
        fprintf(stderr, "usage: sigbench SIGS.yml TEXT [RUNS] "
                        "[--no-prefilter] [--max-bytes N]\n");
        return 2;
    }
    int runs = 5;
    unsigned flags = 0;
    size_t max_bytes = (size_t)-1;
    for (int i = 3; i < argc; i++) {
        if (strcmp(argv[i], "--no-prefilter") == 0)
            flags |= MD_SIG_NO_PREFILTER;
        else if (strcmp(argv[i], "--max-bytes") == 0 && i + 1 < argc)
            max_bytes = strtoull(argv[++i], NULL, 10);
        else
            runs = (int)strtol(argv[i], NULL, 10);
    }
    if (runs < 1 || runs > 99)
        runs = 5;
    struct md_sigset *s = load(argv[1]);
    struct md_sig_scratch *sc = md_sig_scratch_new(s);
    size_t len;
    char *text = slurp(argv[2], &len);
    if (len > max_bytes) { /* cut at a line end */
        char *nl = memchr(text + max_bytes, '\n', len - max_bytes);
        len = nl ? (size_t)(nl - text) + 1 : len;
    }
    double t[99];
    size_t matched = 0;
    for (int r = 0; r < runs; r++) {
        double t0 = now();
        matched = 0;
        for (char *p = text, *end = text + len; p < end;) {
            char *nl = memchr(p, '\n', (size_t)(end - p));
            size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
            int hit = 0;
            md_sig_match(s, sc, p, n, flags, on_hit, &hit);
            matched += (size_t)hit;
            p += n + 1;
        }
        t[r] = now() - t0;
    }
    qsort(t, (size_t)runs, sizeof *t, cmp_double);
    double med = t[runs / 2];
    printf("signatures=%zu bytes=%zu matched_lines=%zu median_s=%.3f "
           "MB/s=%.0f\n",
           md_sigset_count(s), len, matched, med, (double)len / 1e6 / med);
    free(text);
    md_sig_scratch_free(sc);
    md_sigset_free(s);
    return 0;
}
