/*
 * A minimal test harness: CHECK macros that print file:line and count
 * failures, and helpers that run a parser over a buffer or a fixture and
 * keep copies of the evidence records for inspection.
 *
 * Each test file defines TESTS as a list of functions via md_test_main().
 */
#ifndef MARSDIAG_TESTUTIL_H
#define MARSDIAG_TESTUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "marsdiag/engine.h"
#include "marsdiag/evidence.h"
#include "marsdiag/scan.h"
#include "parser.h"

extern int md_test_failures;

#define CHECK(cond)                                                           \
    do {                                                                      \
        if (!(cond)) {                                                        \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,  \
                    #cond);                                                   \
            md_test_failures++;                                               \
        }                                                                     \
    } while (0)

#define CHECK_STR(got, want)                                                  \
    do {                                                                      \
        const char *g_ = (got), *w_ = (want);                                 \
        if (!g_ || !w_ || strcmp(g_, w_) != 0) {                              \
            fprintf(stderr, "%s:%d: %s is '%s', want '%s'\n", __FILE__,       \
                    __LINE__, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)");  \
            md_test_failures++;                                               \
        }                                                                     \
    } while (0)

#define CHECK_INT(got, want)                                                  \
    do {                                                                      \
        long long g_ = (long long)(got), w_ = (long long)(want);              \
        if (g_ != w_) {                                                       \
            fprintf(stderr, "%s:%d: %s is %lld, want %lld\n", __FILE__,       \
                    __LINE__, #got, g_, w_);                                  \
            md_test_failures++;                                               \
        }                                                                     \
    } while (0)

/* Evidence kept from one run. */
struct tu_run {
    struct md_bundle b;
    struct md_arena keep;
    struct md_evidence **ev;
    size_t nev, cap;
    struct md_scan_opts opts;
};

/* Run parser p (NULL: let the parsers bid, as a scan would) over data,
 * named name. Records and inputs stay in r until tu_free(r). */
void tu_parse(struct tu_run *r, const struct md_parser *p, const char *name,
              const void *data, size_t len);
/* The same with a file from tests/data (path relative to the repo). */
void tu_parse_file(struct tu_run *r, const struct md_parser *p,
                   const char *relpath);
/* Scan a path (folder, zip, file) relative to the repository. */
void tu_scan(struct tu_run *r, const char *relpath);
void tu_free(struct tu_run *r);

/* Read a file relative to the repository ($MD_SRC, else cwd); caller
 * frees. Aborts the test when missing. */
unsigned char *tu_read_file(const char *relpath, size_t *len);

/* n-th record of a kind (0-based), or NULL. */
const struct md_evidence *tu_find(const struct tu_run *r, const char *kind,
                                  size_t nth);
size_t tu_count(const struct tu_run *r, const char *kind);
/* A record of kind whose field fname is the string val, or NULL. */
const struct md_evidence *tu_find_str(const struct tu_run *r, const char *kind,
                                      const char *fname, const char *val);
/* Field as C string (copied into r's arena; "(null)" if absent/not str). */
const char *tu_str(struct tu_run *r, const struct md_evidence *ev,
                   const char *fname);
/* Integer/bool field value, or INT64_MIN when absent. */
int64_t tu_int(const struct md_evidence *ev, const char *fname);
/* Number of diagnostics on all inputs (grade >= g). */
size_t tu_ndiags(const struct tu_run *r, enum md_grade g);
/* First input whose path is path, or NULL. */
const struct md_input *tu_input(const struct tu_run *r, const char *path);

/* UTF-16LE with BOM copy of a UTF-8/ASCII string (for encoding tests);
 * caller frees. */
unsigned char *tu_utf16le(const char *s, size_t *len, bool bom);

typedef void (*tu_test_fn)(void);
struct tu_test {
    const char *name;
    tu_test_fn fn;
};
#define TU_TEST(f) {#f, f}
/* The built-in rule pack with default limits, loaded on first use and
 * freed when tu_main returns; exits the test program when it cannot be
 * loaded, since no test that needs it could run. */
const struct md_engine *tu_engine(void);

/* Runs the tests, prints "N passed, M failed" and returns the exit status. */
int tu_main(const struct tu_test *tests, size_t n);

#endif
