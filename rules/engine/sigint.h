/*
 * Internals shared by the signature loader (sigload.c) and matcher
 * (sigmatch.c); the public manual is marsdiag/signatures.h.
 */
#ifndef MARSDIAG_SIGINT_H
#define MARSDIAG_SIGINT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdint.h>

#include "marsdiag/arena.h"
#include "marsdiag/signatures.h"

/* Shortest literal the prefilter accepts, in bytes. */
#define SIG_MIN_LITERAL 3

/* The automaton uses at most this many bytes of each literal. */
#ifndef SIG_PREFILTER_BYTES
#define SIG_PREFILTER_BYTES 16
#endif

/* Cap on the automaton's table (4 bytes each): far above any real pack
 * (300 signatures need about half a million), below an allocation that
 * could hurt. */
#define SIG_MAX_TRANSITIONS (1u << 25)

/* Top bit of a transition: the target state has outputs. */
#define SIG_OUT_FLAG 0x80000000u

struct md_sigset {
    struct md_arena arena; /* infos and their strings */
    size_t n;
    struct md_sig_info *info;
    pcre2_code **code;
    pcre2_match_context *mctx;

    /* Aho-Corasick DFA over all literals. Bytes map to classes (ASCII
     * letters folded; bytes in no literal share class 0). delta holds
     * nstates * ncls transitions whose values are premultiplied target
     * offsets (state * ncls), SIG_OUT_FLAG set when the target has
     * outputs: out[out_start[state] .. out_start[state + 1]) are the
     * signatures one of whose literals ends there. */
    uint8_t cls[256];
    uint32_t ncls, nstates;
    uint32_t *delta;
    uint32_t *out_start;
    uint32_t *out;
};

/* Build the automaton from set->info[*].literals (sigmatch.c). Returns 0,
 * or -1 when memory ran out or the automaton would be too large. */
int md_sig_build_prefilter(struct md_sigset *set);

#endif
