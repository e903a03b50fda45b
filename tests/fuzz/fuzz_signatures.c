/*
 * libFuzzer target for log signatures (marsdiag/signatures.h). An input
 * starting with 'Y' is the rest as a signature file for the YAML loader
 * (whose set, when it loads, then matches its own text); any other input
 * is a log text matched against the built-in rules/pack/signatures.yml,
 * with and without the prefilter, and the two answers must agree (else
 * abort). Without libFuzzer it replays tests/fuzz/corpus/signatures/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "marsdiag/pack.h"
#include "marsdiag/signatures.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct bits {
    uint64_t w[16]; /* up to 1024 signatures */
};

static void
on_hit(void *user, size_t sig, size_t category)
{
    struct bits *b = user;
    (void)category;
    if (sig < 1024)
        b->w[sig / 64] |= 1ull << (sig % 64);
}

/* PCRE2 folds U+212A KELVIN SIGN to 'k' and U+017F LONG S to 's'; the
 * prefilter folds ASCII only (a documented limitation), so such texts may
 * legitimately differ. */
static int
has_unicode_ascii_fold(const uint8_t *p, size_t n)
{
    return memmem(p, n, "\xe2\x84\xaa", 3) || memmem(p, n, "\xc5\xbf", 2);
}

static void
fuzz_loader(const uint8_t *data, size_t size)
{
    struct md_limits lim;
    md_limits_default(&lim);
    lim.pcre2_match = 10000;
    struct md_sigset *s = md_sigset_load("fuzz.yml", (const char *)data, size,
                                         &lim, NULL, NULL, NULL);
    if (!s)
        return;
    struct md_sig_scratch *sc = md_sig_scratch_new(s);
    struct bits b = {{0}};
    if (sc)
        md_sig_match(s, sc, (const char *)data, size, 0, on_hit, &b);
    md_sig_scratch_free(sc);
    md_sigset_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct md_sigset *pack;
    static struct md_sig_scratch *sc;
    if (size > 0 && data[0] == 'Y') {
        fuzz_loader(data + 1, size - 1);
        return 0;
    }
    if (!pack) {
        const struct md_pack_file *f = md_pack_find("signatures.yml");
        if (!f)
            abort();
        pack = md_sigset_load(f->name, f->text, f->len, NULL, NULL, NULL,
                              NULL);
        sc = pack ? md_sig_scratch_new(pack) : NULL;
        if (!sc)
            abort();
    }
    struct bits fast = {{0}}, slow = {{0}};
    md_sig_match(pack, sc, (const char *)data, size, 0, on_hit, &fast);
    md_sig_match(pack, sc, (const char *)data, size, MD_SIG_NO_PREFILTER,
                 on_hit, &slow);
    if (memcmp(&fast, &slow, sizeof fast) != 0 &&
        !has_unicode_ascii_fold(data, size))
        abort();
    return 0;
}
