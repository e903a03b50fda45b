/*
 * Redaction for reports (marsdiag/redact.h): secrets always, pseudonyms
 * for hosts, addresses and users with a strict redactor.
 *
 * One scanner (next_hit) finds the sensitive spans of a string, both when
 * the redactor learns (every string a writer will print is shown to it
 * first, so pseudonyms are numbered in a fixed order) and when a writer
 * applies it; the two cannot disagree on what a value is. Values are
 * kept in an open-addressing table keyed by the lower-case value.
 */
#include "marsdiag/redact.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "marsdiag/buf.h"
#include "marsdiag/engine.h"
#include "marsdiag/evidence.h"
#include "marsdiag/fact.h"
#include "marsdiag/jsonread.h"

enum kind {
    K_HOST = MD_REDACT_HOST,
    K_IPV4 = MD_REDACT_IPV4,
    K_IPV6 = MD_REDACT_IPV6,
    K_USER = MD_REDACT_USER,
    K_DOMAIN = MD_REDACT_DOMAIN,
    K_SID = MD_REDACT_SID,
    K_NKINDS
};

/* Longest value kept in the table; longer spans are not names. */
#define MAX_VALUE 255

struct entry {
    char *key;    /* the value in lower case; NULL marks an empty slot */
    char *seen;   /* as first seen (a dotless name matches in this case) */
    char *pseudo; /* its pseudonym */
    enum kind kind;
};

struct md_redactor {
    struct entry *slot;
    size_t cap, n;
    size_t given[K_NKINDS]; /* pseudonyms handed out, per kind */
    bool keyed;             /* pseudonyms from mac, not numbered */
    struct md_hmac mac;
    char key_id[MD_REDACT_ID_LEN + 1];
};

/* ---- characters and small predicates ---------------------------------- */

static bool
is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

static bool
is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool
is_hex(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Characters of a host-like token; '_' separates ("FS01_MARS_...zip"). */
static bool
is_tok(char c)
{
    return is_alnum(c) || c == '.' || c == '-';
}

static char
lower(char c)
{
    return (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
}

static bool
ieq(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && md_strncasecmp(s, lit, n) == 0;
}

static bool
in_list(const char *s, size_t n, const char *const *list)
{
    for (size_t i = 0; list[i]; i++)
        if (ieq(s, n, list[i]))
            return true;
    return false;
}

/* ---- what is never replaced -------------------------------------------- */

/* Microsoft and Azure endpoints and reserved names: they identify no
 * customer, and findings about them mean nothing without them. */
static const char *const kept_domains[] = {"microsoft.com",
                                           "windowsazure.com",
                                           "microsoftonline.com",
                                           "microsoftonline-p.com",
                                           "azure.com",
                                           "azure.net",
                                           "windows.net",
                                           "msftauth.net",
                                           "msauth.net",
                                           "msftncsi.com",
                                           "live.com",
                                           "windowsupdate.com",
                                           "azureedge.net",
                                           "msocsp.com",
                                           "digicert.com",
                                           "example.com",
                                           "example.net",
                                           "example.org",
                                           "example",
                                           "localhost",
                                           NULL};

/* Words that a dotless value may be but that are not names worth hiding,
 * and that sentences use ("the proxy answered ..."). */
static const char *const common_words[] = {
    "proxy", "proxies", "server", "gateway",   "firewall", "direct", "none",
    "local", "default", "system", "user",      "users",    "agent",  "backup",
    "http",  "https",   "socks",  "ftp",       "true",     "false",  "null",
    "yes",   "no",      "on",     "off",       "auto",     "host",   "name",
    "value", "current", "wpad",   "localhost", "loopback", NULL};

static const char *const kept_users[] = {"system",
                                         "administrator",
                                         "guest",
                                         "public",
                                         "default",
                                         "all users",
                                         "default user",
                                         "local service",
                                         "network service",
                                         "defaultaccount",
                                         NULL};

static const char *const kept_domain_names[] = {
    "nt authority", "builtin", "workgroup", "nt service", NULL};

static bool
ends_with_domain(const char *s, size_t n, const char *d)
{
    size_t dn = strlen(d);
    if (n == dn)
        return md_strncasecmp(s, d, n) == 0;
    return n > dn && s[n - dn - 1] == '.' &&
           md_strncasecmp(s + n - dn, d, dn) == 0;
}

static bool
kept_host(const char *s, size_t n)
{
    for (size_t i = 0; kept_domains[i]; i++)
        if (ends_with_domain(s, n, kept_domains[i]))
            return true;
    return false;
}

/* s[0..n) as a dotted quad; false when it is not one. */
static bool
ipv4_parse(const char *s, size_t n, unsigned char q[4])
{
    size_t i = 0;
    for (int k = 0; k < 4; k++) {
        unsigned v = 0, d = 0;
        while (i < n && is_digit(s[i]) && d < 4) {
            v = v * 10 + (unsigned)(s[i] - '0');
            i++;
            d++;
        }
        if (d == 0 || d > 3 || v > 255)
            return false;
        q[k] = (unsigned char)v;
        if (k < 3) {
            if (i >= n || s[i] != '.')
                return false;
            i++;
        }
    }
    return i == n;
}

static bool
kept_ipv4(const unsigned char q[4])
{
    return q[0] == 127 || (q[0] == 0 && q[1] == 0 && q[2] == 0 && q[3] == 0) ||
           (q[0] == 255 && q[1] == 255 && q[2] == 255 && q[3] == 255) ||
           (q[0] == 192 && q[1] == 0 && q[2] == 2) ||
           (q[0] == 198 && q[1] == 51 && q[2] == 100) ||
           (q[0] == 203 && q[1] == 0 && q[2] == 113) ||
           (q[0] == 198 && (q[1] == 18 || q[1] == 19));
}

static bool
kept_ipv6(const char *s, size_t n)
{
    return ieq(s, n, "::") || ieq(s, n, "::1") ||
           (n >= 9 && md_strncasecmp(s, "2001:db8:", 9) == 0);
}

static bool
has_dot(const char *s, size_t n)
{
    return memchr(s, '.', n) != NULL;
}

static bool
all_digits_dots(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]) && s[i] != '.')
            return false;
    return true;
}

/* Values of kind k that stay as they are. */
static bool
ignored(enum kind k, const char *s, size_t n)
{
    unsigned char q[4];
    if (n < 2 || n > MAX_VALUE)
        return true;
    switch (k) {
    case K_HOST:
        return kept_host(s, n) || all_digits_dots(s, n) ||
               (!has_dot(s, n) && in_list(s, n, common_words));
    case K_IPV4:
        return !ipv4_parse(s, n, q) || kept_ipv4(q);
    case K_IPV6:
        return kept_ipv6(s, n);
    case K_USER:
        return in_list(s, n, kept_users) || in_list(s, n, common_words);
    case K_DOMAIN:
        return in_list(s, n, kept_domain_names) || in_list(s, n, common_words);
    case K_SID:
    case K_NKINDS:
        break;
    }
    return false;
}

/* ---- shapes found in text ---------------------------------------------- */

/* Top-level domains that mark a dotted word as a host name. Two-letter
 * country codes count too, except the ones that are file extensions. */
static const char *const tlds[] = {
    "com",     "net",    "org",         "edu",     "gov",      "mil",
    "biz",     "info",   "arpa",        "coop",    "aero",     "museum",
    "mobi",    "asia",   "jobs",        "travel",  "app",      "dev",
    "cloud",   "online", "site",        "tech",    "store",    "xyz",
    "top",     "club",   "shop",        "blog",    "live",     "news",
    "global",  "email",  "website",     "space",   "world",    "zone",
    "digital", "local",  "lan",         "corp",    "internal", "intranet",
    "intra",   "home",   "localdomain", "private", "priv",     NULL};
static const char *const file_exts2[] = {"md", "py", "sh", "pl", "ps", "cs",
                                         "rs", "so", "db", "gz", NULL};

/* A dotted word that reads as a host name: labels of letters, digits and
 * hyphens, a known top-level domain; mixed case only with a lower-case
 * top-level domain (so System.Net.WebException is not a host). */
static bool
fqdn_like(const char *s, size_t n)
{
    if (n > 253 || !has_dot(s, n))
        return false;
    size_t start = 0, labels = 0;
    bool upper = false, lower_seen = false;
    for (size_t i = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            size_t len = i - start;
            if (len == 0 || len > 63 || s[start] == '-' || s[i - 1] == '-')
                return false;
            labels++;
            start = i + 1;
        } else if (!is_alnum(s[i]) && s[i] != '-') {
            return false;
        } else if (s[i] >= 'A' && s[i] <= 'Z') {
            upper = true;
        } else if (s[i] >= 'a' && s[i] <= 'z') {
            lower_seen = true;
        }
    }
    const char *tld = memrchr(s, '.', n);
    size_t tn = n - (size_t)(tld - s) - 1;
    tld++;
    if (labels < 2 || tn < 2 || tn > 24)
        return false;
    bool tld_lower = true;
    for (size_t i = 0; i < tn; i++) {
        if (!is_alpha(tld[i]))
            return false;
        if (tld[i] >= 'A' && tld[i] <= 'Z')
            tld_lower = false;
    }
    if (upper && !tld_lower && lower_seen)
        return false;
    if (tn == 2)
        return !in_list(tld, tn, file_exts2);
    return in_list(tld, tn, tlds);
}

/* Length of an IPv6 literal at s (groups of hex digits, one "::" or
 * eight groups, an optional dotted-quad tail and %zone), or 0. */
static size_t
ipv6_len(const char *s, size_t len)
{
    size_t i = 0, groups = 0;
    bool dcolon = false;
    if (len >= 2 && s[0] == ':' && s[1] == ':') {
        dcolon = true;
        i = 2;
    }
    while (i < len) {
        size_t d = 0;
        while (i + d < len && d < 5 && is_hex(s[i + d]))
            d++;
        if (d == 0 || d > 4) {
            /* a dotted-quad tail (::ffff:10.0.0.1) */
            size_t k = i;
            while (k < len && (is_digit(s[k]) || s[k] == '.'))
                k++;
            unsigned char q[4];
            if (d > 0 && k > i && groups <= 6 && ipv4_parse(s + i, k - i, q)) {
                groups += 2;
                i = k;
            }
            break;
        }
        if (i + d < len && s[i + d] == '.') {
            size_t k = i;
            while (k < len && (is_digit(s[k]) || s[k] == '.'))
                k++;
            unsigned char q[4];
            if (groups <= 6 && ipv4_parse(s + i, k - i, q)) {
                groups += 2;
                i = k;
            }
            break;
        }
        if (++groups > 8)
            return 0;
        i += d;
        if (i + 1 < len && s[i] == ':' && s[i + 1] == ':' && !dcolon) {
            dcolon = true;
            i += 2;
        } else if (i + 1 < len && s[i] == ':' && is_hex(s[i + 1])) {
            i++;
        } else {
            break;
        }
    }
    if (!(dcolon ? groups <= 7 : groups == 8))
        return 0;
    if (i < len && s[i] == '%') {
        size_t k = i + 1;
        while (k < len && is_alnum(s[k]))
            k++;
        if (k > i + 1)
            i = k;
    }
    if (i < len && (is_alnum(s[i]) || s[i] == ':' || s[i] == '.'))
        return 0;
    return i;
}

static bool
is_sid(const char *s, size_t n)
{
    /* A domain or local account, or an Entra ID one (S-1-12-1-…) */
    if (n <= 9 || (md_strncasecmp(s, "S-1-5-21-", 9) != 0 &&
                   md_strncasecmp(s, "S-1-12-1-", 9) != 0))
        return false;
    for (size_t i = 9; i < n; i++)
        if (!is_digit(s[i]) && s[i] != '-')
            return false;
    return true;
}

/* ---- the table --------------------------------------------------------- */

static uint64_t
hash_of(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)lower(s[i]);
        h *= 1099511628211ULL;
    }
    return h;
}

static const struct entry *
find(const struct md_redactor *r, const char *s, size_t n)
{
    if (!r || !r->cap || n > MAX_VALUE)
        return NULL;
    size_t i = (size_t)hash_of(s, n) & (r->cap - 1);
    while (r->slot[i].key) {
        if (ieq(s, n, r->slot[i].key))
            return &r->slot[i];
        i = (i + 1) & (r->cap - 1);
    }
    return NULL;
}

static enum md_status
grow(struct md_redactor *r)
{
    size_t cap = r->cap ? r->cap * 2 : 64;
    struct entry *slot = calloc(cap, sizeof *slot);
    if (!slot)
        return MD_ERR_NOMEM;
    for (size_t k = 0; k < r->cap; k++) {
        if (!r->slot[k].key)
            continue;
        size_t i =
            (size_t)hash_of(r->slot[k].key, strlen(r->slot[k].key)) & (cap - 1);
        while (slot[i].key)
            i = (i + 1) & (cap - 1);
        slot[i] = r->slot[k];
    }
    free(r->slot);
    r->slot = slot;
    r->cap = cap;
    return MD_OK;
}

/* The pseudonym of the n-th value (from 1) of kind k. */
static void
pseudonym(enum kind k, size_t n, char *out, size_t outlen)
{
    switch (k) {
    case K_HOST:
        snprintf(out, outlen, "host-%zu.example", n);
        break;
    case K_IPV4:
        /* The three documentation ranges of RFC 5737, then the
         * benchmarking range 198.18.0.0/15 (RFC 2544); past those, a
         * huge report shares one last pseudonym. */
        if (n <= 254)
            snprintf(out, outlen, "192.0.2.%zu", n);
        else if (n <= 508)
            snprintf(out, outlen, "198.51.100.%zu", n - 254);
        else if (n <= 762)
            snprintf(out, outlen, "203.0.113.%zu", n - 508);
        else if (n - 763 < 131072)
            snprintf(out, outlen, "198.%zu.%zu.%zu", 18 + ((n - 763) >> 16),
                     ((n - 763) >> 8) & 255, (n - 763) & 255);
        else
            snprintf(out, outlen, "192.0.2.255");
        break;
    case K_IPV6:
        snprintf(out, outlen, "2001:db8::%zx", n);
        break;
    case K_USER:
        snprintf(out, outlen, "user-%zu", n);
        break;
    case K_DOMAIN:
        snprintf(out, outlen, "domain-%zu", n);
        break;
    case K_SID:
    case K_NKINDS:
        snprintf(out, outlen, "S-1-5-21-0-0-0-%zu", 1000 + n);
        break;
    }
}

/* ---- keyed pseudonyms -------------------------------------------------- */

static void
hex_digits(const unsigned char *b, size_t ndigits, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < ndigits; i++)
        out[i] = digits[(b[i / 2] >> (i % 2 ? 0 : 4)) & 15];
    out[ndigits] = '\0';
}

void
md_redact_keyed(const struct md_hmac *h, enum md_redact_kind k,
                const char *value, size_t len, char out[MD_REDACT_NAME_MAX])
{
    /* One MAC per value whatever its kind, so a name seen as a host in
     * one report and as a domain in another keeps the same digits. */
    unsigned char folded[MAX_VALUE], mac[MD_HMAC_LEN];
    size_t n = len < MAX_VALUE ? len : MAX_VALUE;
    for (size_t i = 0; i < n; i++)
        folded[i] = (unsigned char)lower(value[i]);
    md_hmac_mac(h, folded, n, mac);
    char id[MD_REDACT_ID_LEN + 1];
    hex_digits(mac, MD_REDACT_ID_LEN, id);
    /* 40 bits as the two halves of a SID's last sub-authorities */
    unsigned long hi = (unsigned long)mac[0] << 12 | (unsigned)mac[1] << 4 |
                       (unsigned)mac[2] >> 4;
    unsigned long lo =
        (unsigned long)(mac[2] & 15) << 16 | (unsigned)mac[3] << 8 | mac[4];
    switch (k) {
    case MD_REDACT_HOST:
        snprintf(out, MD_REDACT_NAME_MAX, "host-%s.example", id);
        break;
    case MD_REDACT_IPV4:
        snprintf(out, MD_REDACT_NAME_MAX, "ip-%s", id);
        break;
    case MD_REDACT_IPV6:
        /* 2001:db8::/32 (RFC 3849) has room for all 40 bits. */
        snprintf(out, MD_REDACT_NAME_MAX, "2001:db8::%x:%x:%x",
                 (unsigned)mac[0], (unsigned)mac[1] << 8 | mac[2],
                 (unsigned)mac[3] << 8 | mac[4]);
        break;
    case MD_REDACT_USER:
        snprintf(out, MD_REDACT_NAME_MAX, "user-%s", id);
        break;
    case MD_REDACT_DOMAIN:
        snprintf(out, MD_REDACT_NAME_MAX, "domain-%s", id);
        break;
    case MD_REDACT_SID:
        snprintf(out, MD_REDACT_NAME_MAX, "S-1-5-21-0-0-%lu-%lu", hi, lo);
        break;
    }
}

/* What is printed for a value the redactor never learnt. */
static const char *
placeholder(enum kind k)
{
    static const char *const p[K_NKINDS] = {
        "host-x.example", "192.0.2.0", "2001:db8::",
        "user-x",         "domain-x",  "S-1-5-21-0-0-0-0"};
    return p[k];
}

static char *
dup_lower(const char *s, size_t n, bool fold)
{
    char *d = malloc(n + 1);
    if (!d)
        return NULL;
    for (size_t i = 0; i < n; i++)
        d[i] = fold ? lower(s[i]) : s[i];
    d[n] = '\0';
    return d;
}

/* Give s[0..n) a pseudonym of kind k, unless it is to stay or has one. */
static enum md_status
learn(struct md_redactor *r, enum kind k, const char *s, size_t n)
{
    if (ignored(k, s, n) || find(r, s, n))
        return MD_OK;
    if ((r->n + 1) * 2 > r->cap && grow(r) != MD_OK)
        return MD_ERR_NOMEM;
    char ps[MD_REDACT_NAME_MAX];
    if (r->keyed)
        md_redact_keyed(&r->mac, (enum md_redact_kind)k, s, n, ps);
    else
        pseudonym(k, ++r->given[k], ps, sizeof ps);
    struct entry e = {dup_lower(s, n, true), dup_lower(s, n, false),
                      dup_lower(ps, strlen(ps), false), k};
    if (!e.key || !e.seen || !e.pseudo) {
        free(e.key);
        free(e.seen);
        free(e.pseudo);
        r->given[k] -= !r->keyed;
        return MD_ERR_NOMEM;
    }
    size_t i = (size_t)hash_of(s, n) & (r->cap - 1);
    while (r->slot[i].key)
        i = (i + 1) & (r->cap - 1);
    r->slot[i] = e;
    r->n++;
    return MD_OK;
}

/* ---- the scanner ------------------------------------------------------- */

struct hit {
    size_t from, to;
    enum kind kind;
    bool found_by_shape;     /* by its shape or place, not as a known value */
    char key[MAX_VALUE + 1]; /* the value: s[from..to) without the
                              * backslashes of a regex ("a\.b" is a.b) */
    size_t keylen;
};

static void
hit_set(struct hit *h, size_t from, size_t to, enum kind k, bool shape,
        const char *key, size_t keylen)
{
    h->from = from;
    h->to = to;
    h->kind = k;
    h->found_by_shape = shape;
    memcpy(h->key, key, keylen);
    h->key[keylen] = '\0';
    h->keylen = keylen;
}

/* A dotless known value matches in the case it was seen in, or all upper
 * or all lower case; "Proxy" in a sentence is not the host "proxy". */
static bool
case_matches(const struct entry *e, const char *s, size_t n)
{
    if (has_dot(e->seen, strlen(e->seen)) || memcmp(e->seen, s, n) == 0)
        return true;
    bool up = false, low = false;
    for (size_t i = 0; i < n; i++) {
        up |= s[i] >= 'A' && s[i] <= 'Z';
        low |= s[i] >= 'a' && s[i] <= 'z';
    }
    return !(up && low);
}

static bool
preceded_by(const char *s, size_t a, const char *lit)
{
    size_t n = strlen(lit);
    return a >= n && memcmp(s + a - n, lit, n) == 0;
}

/* "scheme://TOKEN@" or "scheme://TOKEN:secret@": the user of a URL. */
static bool
url_user_at(const char *s, size_t len, size_t a, size_t b)
{
    if (!preceded_by(s, a, "://") || b >= len)
        return false;
    if (s[b] == '@')
        return true;
    if (s[b] != ':')
        return false;
    for (size_t k = b + 1; k < len; k++) {
        if (s[k] == '@')
            return true;
        if (strchr("/ \t\r\n\"'<>", s[k]))
            return false;
    }
    return false;
}

/* After "\Users\" (or "/Users/", "\\Users\\"): the profile folder's name,
 * spaces included, up to the next separator. */
static bool
profile_user(const char *s, size_t len, size_t a, size_t b, struct hit *h)
{
    if (!ieq(s + a, b - a, "users") || a == 0 ||
        (s[a - 1] != '\\' && s[a - 1] != '/') || b >= len ||
        (s[b] != '\\' && s[b] != '/'))
        return false;
    size_t q = b;
    while (q < len && (s[q] == '\\' || s[q] == '/'))
        q++;
    size_t e = q;
    while (e < len && !strchr("\\/\"'\t\r\n;,<>|", s[e]))
        e++;
    while (e > q && s[e - 1] == ' ')
        e--;
    if (e == q || ignored(K_USER, s + q, e - q))
        return false;
    hit_set(h, q, e, K_USER, true, s + q, e - q);
    return true;
}

enum label { L_NONE, L_USER, L_HOST };

/* Labels whose value is a user or a host name: "Username: CONTOSO\\jdoe"
 * and "Machine: FS01 (...)" of a PowerShell transcript's header, and
 * their like in other captures. */
static const struct {
    const char *label;
    enum label what;
} labels[] = {
    {"username", L_USER},      {"user name", L_USER},     {"user", L_USER},
    {"account name", L_USER},  {"accountname", L_USER},   {"machine", L_HOST},
    {"machine name", L_HOST},  {"machinename", L_HOST},   {"computer", L_HOST},
    {"computer name", L_HOST}, {"computername", L_HOST},  {"hostname", L_HOST},
    {"host name", L_HOST},     {"proxyusername", L_USER}, {"proxyuser", L_USER},
    {"proxyserver", L_HOST},   {"proxyaddress", L_HOST},  {"proxyhost", L_HOST},
};

/* The label the value at s[a] follows: "Label: value", "Label=value",
 * "<Computer>value"; the label is the last words before the separator. */
static enum label
label_before(const char *s, size_t a)
{
    size_t i = a;
    while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'))
        i--;
    if (i >= 10 && md_strncasecmp(s + i - 10, "<Computer>", 10) == 0)
        return L_HOST;
    if (i == 0 || (s[i - 1] != ':' && s[i - 1] != '='))
        return L_NONE;
    size_t e = i - 1;
    while (e > 0 && (s[e - 1] == ' ' || s[e - 1] == '\t'))
        e--;
    for (size_t k = 0; k < sizeof labels / sizeof labels[0]; k++) {
        size_t n = strlen(labels[k].label);
        if (e >= n && md_strncasecmp(s + e - n, labels[k].label, n) == 0 &&
            (e == n || !is_alnum(s[e - n - 1])))
            return labels[k].what;
    }
    return L_NONE;
}

/* The kind a token has from a label before it: a host, a user, or the
 * domain and the user of DOMAIN\\user. */
static enum kind
labelled(const char *s, size_t len, size_t a, size_t b)
{
    enum label lb = label_before(s, a);
    if (lb == L_HOST)
        return K_HOST;
    if (lb == L_USER)
        return b < len && s[b] == '\\' ? K_DOMAIN : K_USER;
    if (a > 1 && s[a - 1] == '\\' && is_alnum(s[a - 2])) {
        size_t d = a - 1;
        while (d > 0 && is_tok(s[d - 1]))
            d--;
        if (label_before(s, d) == L_USER)
            return K_USER;
    }
    return K_NKINDS;
}

/* "\\\\server\\share": the server of a UNC path (its backslashes
 * doubled too, as a .reg string writes them). */
static bool
unc_host(const char *s, size_t a)
{
    for (size_t n = 2; n <= 4; n += 2) {
        if (a < n)
            return false;
        bool all = true;
        for (size_t i = a - n; i < a; i++)
            all = all && s[i] == '\\';
        if (!all)
            return false;
        if (a == n || strchr(" \t\"'=(,;", s[a - n - 1]))
            return true;
    }
    return false;
}

/* A known dotless name as one label of a dotted word that is no host
 * itself: "PowerShell_transcript.FS01.Xq3v9dJ1.20261128.txt". */
static bool
known_label(const struct md_redactor *r, const char *s, size_t a, size_t b,
            struct hit *h)
{
    size_t i = a;
    while (i < b) {
        size_t e = i;
        while (e < b && s[e] != '.')
            e++;
        const struct entry *en = e > i ? find(r, s + i, e - i) : NULL;
        if (en && !has_dot(en->seen, strlen(en->seen)) &&
            case_matches(en, s + i, e - i)) {
            hit_set(h, i, e, en->kind, false, s + i, e - i);
            return true;
        }
        i = e + 1;
    }
    return false;
}

/* What the token s[a..b) is, when it is sensitive; t[0..n) is the token
 * with the backslashes of a regex taken out. */
static bool
classify(const struct md_redactor *r, const char *s, size_t len, size_t a,
         size_t b, const char *t, size_t n, struct hit *h)
{
    unsigned char q[4];
    enum kind k = K_NKINDS;
    if (is_sid(t, n))
        k = K_SID;
    else if (ipv4_parse(t, n, q))
        k = K_IPV4;
    else if (url_user_at(s, len, a, b) ||
             (b + 1 < len && s[b] == '@' && is_alnum(s[b + 1])))
        k = K_USER;
    else if (preceded_by(s, a, "://") || (a > 0 && s[a - 1] == '@') ||
             unc_host(s, a))
        k = K_HOST;
    else
        k = labelled(s, len, a, b);
    if (k != K_NKINDS) {
        if (ignored(k, t, n))
            return false;
        hit_set(h, a, b, k, true, t, n);
        return true;
    }
    const struct entry *e = find(r, t, n);
    if (e && case_matches(e, t, n)) {
        hit_set(h, a, b, e->kind, false, t, n);
        return true;
    }
    if (fqdn_like(t, n) && !ignored(K_HOST, t, n)) {
        hit_set(h, a, b, K_HOST, true, t, n);
        return true;
    }
    return known_label(r, s, a, b, h);
}

/* "\." inside a word: an escaped dot of a regular expression (a .NET
 * bypass entry, "proxy\.contoso\.com"), part of the name. */
static bool
regex_dot(const char *s, size_t len, size_t start, size_t i)
{
    return s[i] == '\\' && i > start && is_alnum(s[i - 1]) && i + 2 < len &&
           s[i + 1] == '.' && is_alnum(s[i + 2]);
}

/* The next sensitive span of s at or after *pos; false when none is left.
 * *pos moves past what was looked at. */
static bool
next_hit(const struct md_redactor *r, const char *s, size_t len, size_t *pos,
         struct hit *h)
{
    size_t p = *pos;
    while (p < len) {
        if (!is_tok(s[p]) && s[p] != ':') {
            p++;
            continue;
        }
        bool boundary = p == 0 || !(is_alnum(s[p - 1]) || s[p - 1] == ':' ||
                                    s[p - 1] == '.');
        if (boundary && (is_hex(s[p]) || s[p] == ':')) {
            size_t n6 = ipv6_len(s + p, len - p);
            if (n6 && n6 <= MAX_VALUE && !ignored(K_IPV6, s + p, n6)) {
                hit_set(h, p, p + n6, K_IPV6, true, s + p, n6);
                *pos = p + n6;
                return true;
            }
            if (n6) {
                p += n6;
                continue;
            }
        }
        if (s[p] == ':') {
            p++;
            continue;
        }
        size_t e = p;
        while (e < len && (is_tok(s[e]) || regex_dot(s, len, p, e)))
            e += s[e] == '\\' ? 2 : 1;
        size_t a = p, b = e;
        while (a < b && !is_alnum(s[a]))
            a++;
        while (b > a && !is_alnum(s[b - 1]))
            b--;
        if (a < b && profile_user(s, len, a, b, h)) {
            *pos = h->to;
            return true;
        }
        char t[MAX_VALUE + 1];
        size_t n = 0;
        for (size_t i = a; i < b && n < MAX_VALUE + 1; i++)
            if (s[i] != '\\')
                t[n++] = s[i];
        if (a < b && n <= MAX_VALUE && classify(r, s, len, a, b, t, n, h)) {
            *pos = h->to;
            return true;
        }
        p = e;
    }
    *pos = len;
    return false;
}

/* ---- learning ---------------------------------------------------------- */

/* Passwords are masked before anything is looked at, in learning as in
 * applying, so both see the same text. */
static char *
masked(const char *s, size_t len, size_t *n)
{
    char *m = malloc(len + 1);
    if (!m)
        return NULL;
    *n = md_redact(s, len, m);
    m[*n] = '\0';
    return m;
}

static enum md_status
learn_text(struct md_redactor *r, const char *s, size_t len)
{
    if (!s || !len)
        return MD_OK;
    size_t n, pos = 0;
    char *m = masked(s, len, &n);
    if (!m)
        return MD_ERR_NOMEM;
    enum md_status st = MD_OK;
    struct hit h;
    while (st == MD_OK && next_hit(r, m, n, &pos, &h))
        if (h.found_by_shape)
            st = learn(r, h.kind, h.key, h.keylen);
    free(m);
    return st;
}

static enum md_status
learn_textz(struct md_redactor *r, const char *s)
{
    return s ? learn_text(r, s, strlen(s)) : MD_OK;
}

/* A host as written in a setting: an address, [IPv6], or a name. */
static enum md_status
learn_host(struct md_redactor *r, const char *s, size_t n)
{
    unsigned char q[4];
    if (n >= 2 && s[0] == '[' && s[n - 1] == ']')
        return learn(r, K_IPV6, s + 1, n - 2);
    if (ipv4_parse(s, n, q))
        return learn(r, K_IPV4, s, n);
    if (ipv6_len(s, n) == n)
        return learn(r, K_IPV6, s, n);
    for (size_t i = 0; i < n; i++)
        if (!is_tok(s[i]) && s[i] != '_')
            return MD_OK;
    return learn(r, K_HOST, s, n);
}

/* A user as written in a setting: DOMAIN\user, user@domain, or user. */
static enum md_status
learn_user(struct md_redactor *r, const char *s, size_t n)
{
    const char *bs = memchr(s, '\\', n);
    const char *at = memchr(s, '@', n);
    enum md_status st = MD_OK;
    if (bs) {
        size_t dn = (size_t)(bs - s);
        st = has_dot(s, dn) ? learn_host(r, s, dn) : learn(r, K_DOMAIN, s, dn);
        s = bs + 1;
        n -= dn + 1;
    } else if (at) {
        size_t un = (size_t)(at - s);
        st = learn_host(r, at + 1, n - un - 1);
        n = un;
    }
    if (st == MD_OK && n)
        st = learn(r, K_USER, s, n);
    return st;
}

/* One entry of a proxy setting:
 * [scheme=][scheme://][user[:pw]@]host[:port][/path]. */
static enum md_status
learn_proxy_entry(struct md_redactor *r, const char *s, size_t n)
{
    const char *eq = memchr(s, '=', n), *colon = memchr(s, ':', n);
    if (eq && (!colon || eq < colon)) {
        n -= (size_t)(eq + 1 - s);
        s = eq + 1;
    }
    for (size_t i = 0; i + 3 <= n; i++)
        if (memcmp(s + i, "://", 3) == 0) {
            s += i + 3;
            n -= i + 3;
            break;
        }
    size_t end = 0;
    while (end < n && s[end] != '/')
        end++;
    n = end;
    const char *at = NULL;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '@')
            at = s + i;
    enum md_status st = MD_OK;
    if (at) {
        size_t un = 0;
        while (s + un < at && s[un] != ':')
            un++;
        st = learn(r, K_USER, s, un);
        n -= (size_t)(at + 1 - s);
        s = at + 1;
    }
    size_t hn = 0;
    if (n && s[0] == '[') {
        while (hn < n && s[hn] != ']')
            hn++;
        hn += hn < n;
    } else {
        while (hn < n && s[hn] != ':')
            hn++;
    }
    if (st == MD_OK && hn)
        st = learn_host(r, s, hn);
    return st;
}

/* A bypass entry: "*.contoso.com", "10.*", "<local>", "intranet". */
static enum md_status
learn_bypass_entry(struct md_redactor *r, const char *entry, size_t len)
{
    /* .NET bypass entries are regular expressions: "^.*\\.contoso\\.com$". */
    char buf[MAX_VALUE + 1];
    size_t n = 0;
    for (size_t i = 0; i < len && n < MAX_VALUE; i++)
        if (entry[i] != '\\' && entry[i] != '^' && entry[i] != '$')
            buf[n++] = entry[i];
    const char *s = buf;
    if (n && s[0] == '<')
        return MD_OK;
    for (size_t i = 0; i + 3 <= n; i++)
        if (memcmp(s + i, "://", 3) == 0) {
            s += i + 3;
            n -= i + 3;
            break;
        }
    while (n && (s[0] == '*' || s[0] == '.')) {
        s++;
        n--;
    }
    while (n && (s[n - 1] == '*' || s[n - 1] == '.'))
        n--;
    const char *colon = memchr(s, ':', n);
    if (colon && !memchr(colon + 1, ':', n - (size_t)(colon + 1 - s)))
        n = (size_t)(colon - s);
    if (!n || memchr(s, '*', n))
        return MD_OK;
    return learn_host(r, s, n);
}

typedef enum md_status (*entry_fn)(struct md_redactor *r, const char *s,
                                   size_t n);

/* Each entry of a list separated by ';', ',' or white space. */
static enum md_status
learn_list(struct md_redactor *r, const char *s, size_t len, entry_fn fn)
{
    size_t i = 0;
    enum md_status st = MD_OK;
    while (st == MD_OK && i < len) {
        while (i < len && strchr(";, \t\r\n", s[i]))
            i++;
        size_t j = i;
        while (j < len && !strchr(";, \t\r\n", s[j]))
            j++;
        if (j > i)
            st = fn(r, s + i, j - i);
        i = j;
    }
    return st;
}

enum role { R_NONE, R_PROXY, R_BYPASS, R_HOSTS, R_USER, R_HOST };

/* What a setting or fact named name holds (lower-case suffix match). */
static enum role
role_of_name(const char *name)
{
    static const struct {
        const char *suffix;
        enum role role;
    } t[] = {
        {"proxyserver", R_PROXY},
        {"proxy_server", R_PROXY},
        {"proxyaddress", R_PROXY},
        {"proxyhost", R_PROXY},
        {"autoconfigurl", R_PROXY},
        {"autoconfig", R_PROXY},
        {"pac_url", R_PROXY},
        {"scriptlocation", R_PROXY},
        {"server", R_PROXY},
        {"proxyoverride", R_BYPASS},
        {"bypasslist", R_BYPASS},
        {"bypassurls", R_BYPASS},
        {"bypass", R_BYPASS},
        {"hosts", R_HOSTS},
        {"proxyusername", R_USER},
        {"proxyuser", R_USER},
        {"user", R_USER},
        {"computer", R_HOST},
        {"host", R_HOST},
        {"source_ip", R_HOST},
        {"ip", R_HOST},
        {"address", R_BYPASS},
    };
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        size_t sn = strlen(t[i].suffix);
        /* "server" names agent.proxy.server, not "WebServer"; the long
         * names are specific enough anywhere ("WinHttpProxyServer"). */
        if (n >= sn && md_strcasecmp(name + n - sn, t[i].suffix) == 0 &&
            (n == sn || sn >= 8 || !is_alpha(name[n - sn - 1])))
            return t[i].role;
    }
    return R_NONE;
}

static enum md_status
learn_role(struct md_redactor *r, enum role role, const char *s, size_t n)
{
    switch (role) {
    case R_PROXY:
        return learn_list(r, s, n, learn_proxy_entry);
    case R_BYPASS:
        return learn_list(r, s, n, learn_bypass_entry);
    case R_HOSTS:
        return learn_list(r, s, n, learn_host);
    case R_USER:
        return learn_user(r, s, n);
    case R_HOST:
        return learn_host(r, s, n);
    case R_NONE:
        break;
    }
    return MD_OK;
}

/* The role of a string fact from where it sits in the model (or a
 * member of a report in JSON, which mirrors the model); conflict is the
 * "fact" member of its parent object, NULL when it has none. */
static enum role
role_in_model(const char *key, const char *obj_key, const char *list_key,
              const char *conflict, size_t conflict_len)
{
    if (!key)
        return R_NONE;
    if (!strcmp(key, "name") && obj_key && !strcmp(obj_key, "host"))
        return R_HOST;
    if (!strcmp(key, "value") && list_key && !strcmp(list_key, "shadowed"))
        return R_PROXY;
    if ((!strcmp(key, "first") || !strcmp(key, "other")) && list_key &&
        !strcmp(list_key, "conflicts")) {
        if (!conflict)
            return R_NONE;
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)conflict_len, conflict);
        const char *last = strrchr(name, '.');
        return role_of_name(last ? last + 1 : name);
    }
    if (!strcmp(key, "name") || !strcmp(key, "host"))
        return R_NONE; /* names of other things (settings, ...) */
    return role_of_name(key);
}

static enum md_status
learn_fact(struct md_redactor *r, const struct md_fact *f, const char *key,
           const char *obj_key, const char *list_key,
           const struct md_fact *parent)
{
    enum md_status st = MD_OK;
    switch (f->type) {
    case MD_F_STR: {
        const struct md_fact *c = NULL;
        if (list_key && !strcmp(list_key, "conflicts") && parent &&
            parent->type == MD_F_OBJ)
            c = md_fact_get(parent, "fact");
        bool cs = c && c->type == MD_F_STR;
        st = learn_role(r,
                        role_in_model(key, obj_key, list_key, cs ? c->s : NULL,
                                      cs ? c->len : 0),
                        f->s, f->len);
        if (st == MD_OK)
            st = learn_text(r, f->s, f->len);
        break;
    }
    case MD_F_LIST:
        for (size_t i = 0; st == MD_OK && i < f->n; i++)
            st = learn_fact(r, f->items[i], key, obj_key, key, f);
        break;
    case MD_F_OBJ:
        for (size_t i = 0; st == MD_OK && i < f->n; i++)
            st = learn_fact(r, f->items[i], f->keys[i], key, list_key, f);
        break;
    default:
        break;
    }
    return st;
}

/* HOST_MARS_YYYYMMDD.zip, the collector's name for a bundle: HOST is the
 * machine's name. */
static enum md_status
learn_bundle_name(struct md_redactor *r, const char *path)
{
    const char *base = path;
    for (const char *p = path; *p; p++)
        if (*p == '/' || *p == '\\')
            base = p + 1;
    const char *m = strstr(base, "_MARS_");
    if (!m || m == base)
        return MD_OK;
    return learn(r, K_HOST, base, (size_t)(m - base));
}

enum md_status
md_redactor_add_evidence(struct md_redactor *r, const struct md_evidence *ev)
{
    enum md_status st = MD_OK;
    /* A record naming a setting (agent.proxy field=server, a registry
     * value ProxyServer, an nwcheck setting) says what its value is. */
    const struct md_field *named = md_ev_field(ev, "field");
    if (!named)
        named = md_ev_field(ev, "name");
    enum role named_role = R_NONE;
    if (named && named->type == MD_V_STR) {
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)named->len, named->s);
        named_role = role_of_name(name);
    } else if (ev->name) {
        named_role = role_of_name(ev->name);
    }
    for (size_t i = 0; st == MD_OK && i < ev->nfields; i++) {
        const struct md_field *f = &ev->fields[i];
        if (f->type != MD_V_STR)
            continue;
        enum role role =
            (!strcmp(f->name, "value") || !strcmp(f->name, "data")) ? named_role
            : (!strcmp(f->name, "name") || !strcmp(f->name, "field"))
                ? R_NONE
                : role_of_name(f->name);
        st = learn_role(r, role, f->s, f->len);
    }
    if (st == MD_OK && ev->input)
        st = learn_textz(r, ev->input->path);
    if (st == MD_OK)
        st = learn_textz(r, ev->key);
    if (st == MD_OK)
        st = learn_textz(r, ev->name);
    if (st == MD_OK)
        st = learn_textz(r, ev->xpath);
    if (st == MD_OK && ev->text)
        st = learn_text(r, ev->text, ev->text_len);
    for (size_t i = 0; st == MD_OK && i < ev->nfields; i++)
        if (ev->fields[i].type == MD_V_STR)
            st = learn_text(r, ev->fields[i].s, ev->fields[i].len);
    return st;
}

enum md_status
md_redactor_add_verdict(struct md_redactor *r, const struct md_verdict *v)
{
    const struct md_bundle *b = &v->bundle;
    enum md_status st = learn_bundle_name(r, b->path);
    const struct md_fact *root = v->model ? md_model_root(v->model) : NULL;
    if (st == MD_OK && root)
        st = learn_fact(r, root, NULL, NULL, NULL, NULL);
    for (size_t i = 0; st == MD_OK && i < v->nfindings; i++) {
        const struct md_verdict_finding *f = &v->findings[i];
        st = learn_textz(r, f->message);
        if (st == MD_OK)
            st = learn_textz(r, f->subject);
        if (st == MD_OK)
            st = learn_textz(r, f->waiver_reason);
        for (size_t k = 0; st == MD_OK && k < f->nevidence; k++)
            st = md_redactor_add_evidence(r, f->evidence[k]);
    }
    if (st == MD_OK)
        st = learn_textz(r, b->path);
    if (st == MD_OK && b->status != MD_OK)
        st = learn_textz(r, b->error);
    for (const struct md_input *in = b->inputs; st == MD_OK && in;
         in = in->next) {
        st = learn_textz(r, in->path);
        for (const struct md_diag *d = in->diags; st == MD_OK && d; d = d->next)
            st = learn_textz(r, d->msg);
    }
    return st;
}

/* ---- a report in JSON ---------------------------------------------------- */

/* Members of a report that hold no names: its schema, the rule texts. */
static bool
json_skipped(const char *key)
{
    static const char *const keys[] = {
        "schema",     "rule", "name",     "title",  "fix",
        "references", "kind", "severity", "sha256", NULL};
    for (size_t i = 0; keys[i]; i++)
        if (!strcmp(key, keys[i]))
            return true;
    return false;
}

static enum md_status
learn_json(struct md_redactor *r, const struct md_jval *v, const char *key,
           const char *obj_key, const char *list_key,
           const struct md_jval *parent)
{
    enum md_status st = MD_OK;
    switch (v->type) {
    case MD_J_STR: {
        /* "name" names a host under "host", a rule elsewhere. */
        bool host_name =
            key && obj_key && !strcmp(key, "name") && !strcmp(obj_key, "host");
        if (key && !host_name && json_skipped(key))
            break;
        const char *c = NULL;
        if (list_key && !strcmp(list_key, "conflicts") && parent)
            c = md_jstr(parent, "fact");
        st = learn_role(
            r, role_in_model(key, obj_key, list_key, c, c ? strlen(c) : 0),
            v->s, v->len);
        if (st == MD_OK)
            st = learn_text(r, v->s, v->len);
        break;
    }
    case MD_J_ARR:
        for (size_t i = 0; st == MD_OK && i < v->n; i++)
            st = learn_json(r, &v->items[i], key, obj_key, key, v);
        break;
    case MD_J_OBJ:
        for (size_t i = 0; st == MD_OK && i < v->n; i++)
            st = learn_json(r, &v->items[i], v->keys[i], key, list_key, v);
        break;
    default:
        break;
    }
    return st;
}

enum md_status
md_redactor_add_report_json(struct md_redactor *r, const struct md_jval *doc)
{
    const char *path = md_jstr(doc, "input.path");
    enum md_status st = path ? learn_bundle_name(r, path) : MD_OK;
    if (st == MD_OK && doc)
        st = learn_json(r, doc, NULL, NULL, NULL, NULL);
    return st;
}

/* ---- bytes written in hexadecimal -------------------------------------- */

/*
 * A registry blob (DefaultConnectionSettings, REG_EXPAND_SZ as hex(2))
 * holds text as bytes, which a report prints as hex: "hex:68,74,74,70,..."
 * in a .reg export, "68747470..." in reg query output and in the record's
 * data field. Its strings are decoded (as bytes and as UTF-16LE), and
 * every string with a password (or, strict, a name) has all of its bytes
 * replaced by '*' (2a) in the hex, the text staying where it was.
 */

struct hexbytes {
    size_t *pos; /* offset of each byte's first digit */
    size_t n, cap;
};

static int
hexval(char c)
{
    return is_digit(c) ? c - '0' : (lower(c) - 'a' + 10);
}

static bool
hex_add(struct hexbytes *h, size_t pos)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 64;
        size_t *p = realloc(h->pos, cap * sizeof *p);
        if (!p)
            return false;
        h->pos = p;
        h->cap = cap;
    }
    h->pos[h->n++] = pos;
    return true;
}

/* The bytes of a .reg list after "hex:" or "hex(N):" at s[i]: pairs of
 * digits separated by ',' and by "\" line continuations. Returns the
 * offset after the list. */
static size_t
hex_list(const char *s, size_t len, size_t i, struct hexbytes *h)
{
    while (i + 1 < len && is_hex(s[i]) && is_hex(s[i + 1]) &&
           (i + 2 == len || !is_hex(s[i + 2]))) {
        if (!hex_add(h, i))
            return len;
        i += 2;
        size_t j = i;
        if (j < len && s[j] == ',')
            j++;
        if (j < len && s[j] == '\\') {
            j++;
            while (j < len && (s[j] == '\r' || s[j] == '\n' || s[j] == ' '))
                j++;
        }
        if (j == i)
            break;
        i = j;
    }
    return i;
}

/* Whether the string t (bytes from a blob) needs hiding. */
static bool
sensitive(const struct md_redactor *r, const char *t, size_t n)
{
    char *m = malloc(n + 1);
    if (!m)
        return true;
    size_t mn = md_redact(t, n, m);
    bool secret = mn != n || memcmp(m, t, n) != 0;
    free(m);
    size_t pos = 0;
    struct hit hit;
    return secret || (r && next_hit(r, t, n, &pos, &hit));
}

static bool
printable(int c)
{
    return c >= 0x20 && c < 0x7f;
}

/* Mask the strings of the decoded bytes b[0..n) (positions in h) in s:
 * step 1 reads them as bytes, step 2 as UTF-16LE from offset first. */
static void
mask_strings(const struct md_redactor *r, char *s, const unsigned char *b,
             const struct hexbytes *h, size_t first, size_t step)
{
    char t[MAX_VALUE + 1];
    size_t k = first;
    while (k < h->n) {
        size_t start = k, n = 0;
        while (k < h->n && printable(b[k]) &&
               (step == 1 || (k + 1 < h->n && b[k + 1] == 0))) {
            if (n < MAX_VALUE)
                t[n++] = (char)b[k];
            k += step;
        }
        if (n >= 4 && sensitive(r, t, n))
            for (size_t q = start; q < k; q += step) {
                bool up = s[h->pos[q]] >= 'A' && s[h->pos[q]] <= 'F';
                up |= s[h->pos[q] + 1] >= 'A' && s[h->pos[q] + 1] <= 'F';
                s[h->pos[q]] = '2';
                s[h->pos[q] + 1] = up ? 'A' : 'a';
            }
        k = k == start ? k + step : k;
    }
}

static void
mask_hex_bytes(const struct md_redactor *r, char *s, const struct hexbytes *h)
{
    if (h->n < 4)
        return;
    unsigned char *b = malloc(h->n);
    if (!b)
        return;
    for (size_t k = 0; k < h->n; k++)
        b[k] = (unsigned char)(hexval(s[h->pos[k]]) * 16 +
                               hexval(s[h->pos[k] + 1]));
    mask_strings(r, s, b, h, 0, 1);
    mask_strings(r, s, b, h, 0, 2);
    mask_strings(r, s, b, h, 1, 2);
    free(b);
}

/* Find the hex in s (already free of plain-text passwords) and mask the
 * strings it encodes in place. */
static void
mask_hex(const struct md_redactor *r, char *s, size_t len)
{
    struct hexbytes h = {0};
    size_t i = 0;
    while (i < len) {
        h.n = 0;
        if (i + 4 <= len && md_strncasecmp(s + i, "hex", 3) == 0 &&
            (i == 0 || !is_alnum(s[i - 1]))) {
            size_t j = i + 3;
            if (j < len && s[j] == '(') {
                while (j < len && s[j] != ')' && j - i < 8)
                    j++;
                j++;
            }
            if (j < len && s[j] == ':') {
                size_t e = hex_list(s, len, j + 1, &h);
                mask_hex_bytes(r, s, &h);
                i = e > j ? e : j + 1;
                continue;
            }
        }
        if (is_hex(s[i]) && (i == 0 || !is_alnum(s[i - 1]))) {
            size_t e = i;
            while (e < len && is_hex(s[e]))
                e++;
            if (e - i >= 16 && (e - i) % 2 == 0 &&
                (e == len || !is_alnum(s[e]))) {
                for (size_t k = i; k < e; k += 2)
                    hex_add(&h, k);
                mask_hex_bytes(r, s, &h);
            }
            i = e;
            continue;
        }
        i++;
    }
    free(h.pos);
}

/* ---- the redactor ------------------------------------------------------ */

struct md_redactor *
md_redactor_new(void)
{
    return calloc(1, sizeof(struct md_redactor));
}

/* Hashed with the key for the key id: a text no value can be (it has
 * spaces), so no pseudonym shares its digits. */
#define KEY_ID_TEXT "marsdiag redaction key id"

struct md_redactor *
md_redactor_new_keyed(const void *key, size_t keylen)
{
    struct md_redactor *r = calloc(1, sizeof *r);
    if (!r)
        return NULL;
    r->keyed = true;
    md_hmac_init(&r->mac, key, keylen);
    unsigned char mac[MD_HMAC_LEN];
    md_hmac_mac(&r->mac, KEY_ID_TEXT, strlen(KEY_ID_TEXT), mac);
    hex_digits(mac, MD_REDACT_ID_LEN, r->key_id);
    return r;
}

struct md_redactor *
md_redactor_new_like(const struct md_redactor *r)
{
    struct md_redactor *n = calloc(1, sizeof *n);
    if (n && r && r->keyed) {
        n->keyed = true;
        n->mac = r->mac;
        memcpy(n->key_id, r->key_id, sizeof n->key_id);
    }
    return n;
}

const char *
md_redactor_key_id(const struct md_redactor *r)
{
    return r && r->keyed ? r->key_id : NULL;
}

bool
md_redactor_path_id(const struct md_redactor *r, const char *path, char out[17])
{
    out[0] = '\0';
    if (!r || !r->keyed)
        return false;
    /* HMAC(key, "path " PATH): a path hashes apart from any value of
     * the same text. */
    struct md_hmac h = r->mac;
    unsigned char mac[MD_HMAC_LEN];
    md_sha256_update(&h.inner, "path ", 5);
    md_hmac_mac(&h, path, strlen(path), mac);
    md_hmac_wipe(&h);
    hex_digits(mac, 16, out);
    return true;
}

void
md_redactor_free(struct md_redactor *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->cap; i++) {
        free(r->slot[i].key);
        free(r->slot[i].seen);
        free(r->slot[i].pseudo);
    }
    free(r->slot);
    md_hmac_wipe(&r->mac);
    free(r);
}

size_t
md_redactor_count(const struct md_redactor *r)
{
    return r ? r->n : 0;
}

char *
md_redactor_apply(const struct md_redactor *r, const char *s, size_t len,
                  size_t *out_len)
{
    size_t n;
    char *m = masked(s ? s : "", s ? len : 0, &n);
    if (m)
        mask_hex(r, m, n);
    if (!m || !r) {
        if (m && out_len)
            *out_len = n;
        return m;
    }
    struct md_buf out = MD_BUF_INIT(0);
    size_t pos = 0, done = 0;
    struct hit h;
    bool ok = md_buf_grow(&out, n) == MD_OK;
    while (ok && next_hit(r, m, n, &pos, &h)) {
        const struct entry *e = find(r, h.key, h.keylen);
        char keyed[MD_REDACT_NAME_MAX];
        const char *ps = e ? e->pseudo : placeholder(h.kind);
        if (!e && r->keyed) {
            md_redact_keyed(&r->mac, (enum md_redact_kind)h.kind, h.key,
                            h.keylen, keyed);
            ps = keyed;
        }
        ok = md_buf_add(&out, m + done, h.from - done) == MD_OK &&
             md_buf_adds(&out, ps) == MD_OK;
        done = h.to;
    }
    ok = ok && md_buf_add(&out, m + done, n - done) == MD_OK;
    free(m);
    if (!ok) {
        md_buf_free(&out);
        return NULL;
    }
    if (out_len)
        *out_len = out.len;
    return out.ptr;
}

void
md_json_redaction(struct md_json *j, const struct md_redactor *r)
{
    if (!r)
        return;
    md_json_key(j, "redact");
    md_json_strz(j, "strict");
    if (r->keyed) {
        md_json_key(j, "redact_key");
        md_json_strz(j, r->key_id);
    }
}

void
md_json_redacted(struct md_json *j, const struct md_redactor *r, const char *s,
                 size_t len)
{
    size_t n;
    char *o = md_redactor_apply(r, s, len, &n);
    if (!o) {
        md_json_null(j);
        return;
    }
    md_json_str(j, o, n);
    free(o);
}
