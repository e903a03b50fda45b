/*
 * Signature matching (marsdiag/signatures.h): one Aho-Corasick DFA over
 * every signature's literals picks the few signatures worth running, then
 * their PCRE2 patterns confirm. The DFA is the classic construction (Aho
 * and Corasick 1975, goto/failure functions completed into a full
 * transition table), with bytes mapped to equivalence classes so the table
 * stays small and ASCII letters fold to lower case for free. Scanning costs
 * one table load per byte whatever the number of signatures.
 */
#include "sigint.h"

#include <stdlib.h>
#include <string.h>

static const char *const category_names[MD_SIG_NCATEGORIES] = {
    "proxy_auth_required", "name_not_resolved",   "connect_failed",
    "timeout",             "tls_failure",         "pac_failure",
    "service_unreachable", "registration_failed", "connection_reset",
};

const char *
md_sig_category_name(size_t i)
{
    return i < MD_SIG_NCATEGORIES ? category_names[i] : NULL;
}

int
md_sig_category_find(const char *name)
{
    for (size_t i = 0; i < MD_SIG_NCATEGORIES; i++)
        if (strcmp(name, category_names[i]) == 0)
            return (int)i;
    return -1;
}

/* ---- building the automaton -------------------------------------------- */

struct pair {
    uint32_t state, sig;
};

static int
cmp_pair(const void *a, const void *b)
{
    const struct pair *x = a, *y = b;
    if (x->state != y->state)
        return x->state < y->state ? -1 : 1;
    return (x->sig > y->sig) - (x->sig < y->sig);
}

/* First index of own[0..n) (sorted) whose state is >= s. */
static size_t
lower_bound(const struct pair *own, size_t n, uint32_t s)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (own[mid].state < s)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int
cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Bytes of literal l the automaton uses: a prefix of at most
 * SIG_PREFILTER_BYTES, cut at a character boundary. Any part of a required
 * literal is required too, and long literals would only add deep states
 * (cache misses) that benign text rarely reaches. */
static size_t
prefix_len(const char *l)
{
    size_t n = strnlen(l, SIG_PREFILTER_BYTES + 1);
    if (n <= SIG_PREFILTER_BYTES)
        return n;
    n = SIG_PREFILTER_BYTES;
    while (n > 0 && ((unsigned char)l[n] & 0xC0) == 0x80)
        n--;
    return n;
}

int
md_sig_build_prefilter(struct md_sigset *set)
{
    int rc = -1;
    size_t total = 0, nlit = 0;
    uint8_t used[256] = {0};
    for (size_t i = 0; i < set->n; i++)
        for (size_t k = 0; k < set->info[i].nliterals; k++) {
            const char *l = set->info[i].literals[k];
            size_t n = prefix_len(l);
            for (size_t j = 0; j < n; j++, total++)
                used[(unsigned char)l[j]] = 1;
            nlit++;
        }
    uint32_t ncls = 1;
    memset(set->cls, 0, sizeof set->cls);
    for (int b = 0; b < 256; b++)
        if (used[b])
            set->cls[b] = (uint8_t)ncls++;
    if (ncls > 256)
        return -1; /* cannot happen: 255 bytes at most plus class 0 */
    for (int b = 'A'; b <= 'Z'; b++)
        set->cls[b] = set->cls[b + 32];
    size_t maxstates = total + 1;
    if (maxstates > SIG_MAX_TRANSITIONS / ncls)
        return -1;

    uint32_t *g = calloc(maxstates * ncls, sizeof *g);
    uint32_t *fail = calloc(maxstates, sizeof *fail);
    uint32_t *queue = malloc(maxstates * sizeof *queue);
    uint32_t *nout = calloc(maxstates, sizeof *nout);
    uint32_t **outs = calloc(maxstates, sizeof *outs);
    struct pair *own = malloc((nlit ? nlit : 1) * sizeof *own);
    if (!g || !fail || !queue || !nout || !outs || !own)
        goto out;

    /* The trie; own[] records which signature's literal ends where. */
    uint32_t nstates = 1;
    size_t nown = 0;
    for (size_t i = 0; i < set->n; i++)
        for (size_t k = 0; k < set->info[i].nliterals; k++) {
            const unsigned char *l =
                (const unsigned char *)set->info[i].literals[k];
            uint32_t s = 0;
            size_t len = prefix_len((const char *)l);
            for (size_t j = 0; j < len; j++) {
                uint32_t *t = &g[(size_t)s * ncls + set->cls[l[j]]];
                if (!*t)
                    *t = nstates++;
                s = *t;
            }
            own[nown++] = (struct pair){s, (uint32_t)i};
        }
    qsort(own, nown, sizeof *own, cmp_pair);

    /* Breadth first: complete the transitions through the failure links
     * and inherit the failure state's outputs (already final, being
     * shallower). */
    size_t head = 0, tail = 0;
    queue[tail++] = 0;
    while (head < tail) {
        uint32_t s = queue[head++];
        size_t first = lower_bound(own, nown, s), mine = 0;
        while (first + mine < nown && own[first + mine].state == s)
            mine++;
        uint32_t inherit = s ? nout[fail[s]] : 0;
        if (mine + inherit) {
            uint32_t *v = malloc((mine + inherit) * sizeof *v);
            if (!v)
                goto out;
            size_t n = 0;
            for (size_t k = 0; k < mine; k++)
                v[n++] = own[first + k].sig;
            for (size_t k = 0; k < inherit; k++)
                v[n++] = outs[fail[s]][k];
            qsort(v, n, sizeof *v, cmp_u32);
            size_t u = 0;
            for (size_t k = 0; k < n; k++)
                if (u == 0 || v[u - 1] != v[k])
                    v[u++] = v[k];
            outs[s] = v;
            nout[s] = (uint32_t)u;
        }
        for (uint32_t c = 0; c < ncls; c++) {
            uint32_t *t = &g[(size_t)s * ncls + c];
            if (*t) {
                fail[*t] = s ? g[(size_t)fail[s] * ncls + c] : 0;
                queue[tail++] = *t;
            } else {
                *t = s ? g[(size_t)fail[s] * ncls + c] : 0;
            }
        }
    }

    size_t total_out = 0;
    for (uint32_t s = 0; s < nstates; s++)
        total_out += nout[s];
    set->out_start = malloc((nstates + 1) * sizeof *set->out_start);
    set->out = malloc((total_out ? total_out : 1) * sizeof *set->out);
    if (!set->out_start || !set->out)
        goto out;
    size_t at = 0;
    for (uint32_t s = 0; s < nstates; s++) {
        set->out_start[s] = (uint32_t)at;
        if (nout[s])
            memcpy(set->out + at, outs[s], nout[s] * sizeof *set->out);
        at += nout[s];
    }
    set->out_start[nstates] = (uint32_t)at;

    /* Premultiply targets so the hot loop adds a class, and flag targets
     * with outputs so it tests one bit. Shrink the table in place. */
    for (size_t k = 0; k < (size_t)nstates * ncls; k++) {
        uint32_t t = g[k];
        g[k] = t * ncls | (nout[t] ? SIG_OUT_FLAG : 0);
    }
    uint32_t *shrunk = realloc(g, (size_t)nstates * ncls * sizeof *g);
    set->delta = shrunk ? shrunk : g;
    g = NULL;
    set->ncls = ncls;
    set->nstates = nstates;
    rc = 0;
out:
    free(g);
    free(fail);
    free(queue);
    free(nout);
    if (outs)
        for (size_t s = 0; s < maxstates; s++)
            free(outs[s]);
    free(outs);
    free(own);
    return rc;
}

/* ---- matching ---------------------------------------------------------- */

struct md_sig_scratch {
    const struct md_sigset *set;
    pcre2_match_data *md;
    uint32_t gen;
    uint32_t *mark; /* mark[sig] == gen: already a candidate for this text */
    uint32_t *cand;
};

struct md_sig_scratch *
md_sig_scratch_new(const struct md_sigset *set)
{
    struct md_sig_scratch *sc = calloc(1, sizeof *sc);
    if (!sc)
        return NULL;
    size_t n = set->n ? set->n : 1;
    sc->set = set;
    sc->md = pcre2_match_data_create(1, NULL);
    sc->mark = calloc(n, sizeof *sc->mark);
    sc->cand = malloc(n * sizeof *sc->cand);
    if (!sc->md || !sc->mark || !sc->cand) {
        md_sig_scratch_free(sc);
        return NULL;
    }
    return sc;
}

void
md_sig_scratch_free(struct md_sig_scratch *sc)
{
    if (!sc)
        return;
    pcre2_match_data_free(sc->md);
    free(sc->mark);
    free(sc->cand);
    free(sc);
}

/* Scan text with the DFA, collecting candidate signatures; returns how
 * many. */
static size_t
prefilter(const struct md_sigset *set, struct md_sig_scratch *sc,
          const unsigned char *p, size_t len)
{
    const uint32_t *delta = set->delta;
    const uint8_t *cls = set->cls;
    uint32_t ncls = set->ncls, gen = sc->gen, s = 0;
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        uint32_t t = delta[s + cls[p[i]]];
        s = t & ~SIG_OUT_FLAG;
        if (t & SIG_OUT_FLAG) {
            uint32_t st = s / ncls;
            for (uint32_t k = set->out_start[st]; k < set->out_start[st + 1];
                 k++) {
                uint32_t sig = set->out[k];
                if (sc->mark[sig] != gen) {
                    sc->mark[sig] = gen;
                    sc->cand[n++] = sig;
                }
            }
        }
    }
    /* Callbacks go in index order; candidates are few, insertion sort. */
    for (size_t i = 1; i < n; i++) {
        uint32_t v = sc->cand[i];
        size_t j = i;
        for (; j > 0 && sc->cand[j - 1] > v; j--)
            sc->cand[j] = sc->cand[j - 1];
        sc->cand[j] = v;
    }
    return n;
}

enum md_status
md_sig_match(const struct md_sigset *set, struct md_sig_scratch *sc,
             const char *text, size_t len, unsigned flags, md_sig_match_fn fn,
             void *user)
{
    if (!text) { /* a NULL subject is an error to PCRE2 10.42 */
        text = "";
        len = 0;
    }
    if (++sc->gen == 0) {
        memset(sc->mark, 0, set->n * sizeof *sc->mark);
        sc->gen = 1;
    }
    size_t n;
    if (flags & MD_SIG_NO_PREFILTER) {
        for (n = 0; n < set->n; n++)
            sc->cand[n] = (uint32_t)n;
    } else {
        n = prefilter(set, sc, (const unsigned char *)text, len);
    }
    enum md_status st = MD_OK;
    for (size_t k = 0; k < n; k++) {
        uint32_t sig = sc->cand[k];
        int rc = pcre2_match(set->code[sig], (PCRE2_SPTR)text, len, 0, 0,
                             sc->md, set->mctx);
        if (rc >= 0)
            fn(user, sig, set->info[sig].category);
        else if (rc == PCRE2_ERROR_MATCHLIMIT ||
                 rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT ||
                 rc == PCRE2_ERROR_JIT_STACKLIMIT || rc == PCRE2_ERROR_NOMEMORY)
            st = MD_ERR_LIMIT;
    }
    return st;
}
