/*
 * Commands that change proxy settings, as written in PowerShell scripts,
 * transcripts and cmd.exe deployment scripts (pscapture.h): the agent's
 * Set-OBMachineSetting, MARSAgentInstaller.exe /ph /po /pu /pw and
 * SetMarsProxy.exe (domain-reference §2.1, §2.2), netsh winhttp set, reset
 * and import proxy (§4.1), reg add/delete and Set-/New-ItemProperty on
 * registry paths (§3.1).
 *
 * A statement is cut into pieces at pipes, statement separators and script
 * block braces, and each piece into tokens the way the shell would (quotes
 * removed, PowerShell's backtick escapes, parenthesised groups kept whole).
 * Passwords never reach a field: they are md_ev_secret, and the excerpt of
 * a record is its piece with every password span and every occurrence of a
 * password's value masked before md_ev_text masks what else it knows.
 */
#include "pscapture/pscapture.h"

#include <string.h>

#include "marsdiag/names.h"

#define MAX_TOKENS 64
#define MAX_MASKS 16
#define MAX_SECURE 4
#define SECURE_WINDOW 4096 /* bytes of arguments read after the cmdlet */
#define MAX_ARGS 64

struct tok {
    size_t start, end; /* raw span in the statement */
    const char *v;     /* value without quotes, NUL-terminated */
    size_t vlen;
    bool quoted, paren; /* some part of it was quoted, parenthesised */
    bool qstart;        /* it starts with a quote: never a -Parameter */
};

struct span {
    size_t from, to;
};

/* A plaintext ConvertTo-SecureString literal found in a piece. */
struct secure {
    size_t at;       /* where "ConvertTo-SecureString" starts */
    size_t len;      /* length of the plaintext */
    bool attributed; /* already reported by the command that used it */
};

struct piece {
    struct md_parse_ctx *ctx;
    const char *s; /* the whole statement */
    size_t from, to;
    uint64_t line;
    bool is_cmd;
    struct tok t[MAX_TOKENS];
    size_t n;
    bool too_many;
    struct span mask[MAX_MASKS];
    size_t nmask;
    bool mask_overflow;
    struct secure sec[MAX_SECURE];
    size_t nsec;
    bool statements;     /* md_ps_seen.statements: a review's change file */
    size_t nchange;      /* change.* records emitted for this piece */
    const char *why;     /* why a handler made no change (review) */
    bool not_understood; /* ... and whether it could not read it at all */
};

static void run_statement(struct md_parse_ctx *ctx, const char *s, size_t len,
                          uint64_t line, bool is_cmd, struct md_ps_seen *seen,
                          int depth);

/* ---- tokens ---------------------------------------------------------- */

static bool
is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Length of a separator at s[i] (pipe, '&&', '||', cmd's '&', PowerShell's
 * "; " and script block braces), 0 if none. */
static size_t
sep_len(const char *s, size_t len, size_t i, bool is_cmd, bool stop_paren)
{
    char c = s[i];
    bool twice = i + 1 < len && s[i + 1] == c;
    if (c == '|')
        return twice ? 2 : 1;
    if (c == '&')
        return twice ? 2 : is_cmd ? 1 : 0;
    if (c == ')' && stop_paren)
        return 1;
    if (is_cmd)
        return 0;
    if (c == ';' && (i + 1 == len || is_ws(s[i + 1])))
        return 1;
    return c == '{' || c == '}';
}

/* Read one token at s[i]; its value goes to *vp, which advances. Each
 * input byte yields at most one output byte, plus one NUL per token. */
static size_t
read_token(const char *s, size_t len, size_t i, bool is_cmd, bool stop_paren,
           char **vp, struct tok *t)
{
    char *v = *vp;
    t->start = i;
    t->v = v;
    t->quoted = t->paren = false;
    t->qstart = i < len && (s[i] == '"' || (s[i] == '\'' && !is_cmd));
    while (i < len && !is_ws(s[i]) &&
           !sep_len(s, len, i, is_cmd, stop_paren)) {
        char c = s[i];
        if (c == '"' || (c == '\'' && !is_cmd)) {
            t->quoted = true;
            for (i++; i < len; i++) {
                if (s[i] == c) {
                    if (i + 1 < len && s[i + 1] == c) { /* doubled quote */
                        *v++ = c;
                        i++;
                        continue;
                    }
                    break;
                }
                if (c == '"' && !is_cmd && s[i] == '`' && i + 1 < len)
                    i++;
                *v++ = s[i];
            }
            if (i < len)
                i++;
        } else if (!is_cmd &&
                   (c == '(' || (c == '$' && i + 1 < len && s[i + 1] == '('))) {
            /* A (...) or $(...) group is one token, kept as written. */
            t->paren = true;
            int depth = 0;
            char q = 0;
            while (i < len) {
                char d = s[i++];
                *v++ = d;
                if (q) {
                    if (d == q)
                        q = 0;
                } else if (d == '"' || d == '\'') {
                    q = d;
                } else if (d == '(') {
                    depth++;
                } else if (d == ')' && --depth == 0) {
                    break;
                }
            }
        } else if (c == '`' && !is_cmd && i + 1 < len) {
            *v++ = s[i + 1];
            i += 2;
        } else {
            *v++ = c;
            i++;
        }
    }
    t->end = i;
    t->vlen = (size_t)(v - t->v);
    *v++ = '\0';
    *vp = v;
    return i;
}

/* Tokens of s[i..len) up to a separator; returns where the next piece
 * starts, len when a comment ends the statement. */
static size_t
read_piece(const char *s, size_t len, size_t i, bool is_cmd, bool stop_paren,
           char **vp, struct tok *t, size_t max, size_t *n, bool *too_many,
           size_t *end)
{
    *n = 0;
    *end = i;
    while (i < len) {
        while (i < len && is_ws(s[i]))
            i++;
        if (i >= len)
            break;
        size_t sl = sep_len(s, len, i, is_cmd, stop_paren);
        if (sl) {
            if (stop_paren && s[i] == ')')
                return len;
            return i + sl;
        }
        if (!is_cmd && s[i] == '#')
            return len; /* a comment runs to the end */
        struct tok spare;
        struct tok *tk = *n < max ? &t[*n] : &spare;
        i = read_token(s, len, i, is_cmd, stop_paren, vp, tk);
        *end = i;
        if (*n < max)
            (*n)++;
        else
            *too_many = true;
    }
    return i;
}

static bool
tok_is(const struct tok *t, const char *lit)
{
    return strlen(lit) == t->vlen && md_strncasecmp(t->v, lit, t->vlen) == 0;
}

/* Command name of a token: last path component, ".exe" dropped. */
static bool
cmd_is(const struct tok *t, const char *name)
{
    const char *b = t->v;
    for (const char *p = t->v; *p; p++)
        if (*p == '\\' || *p == '/')
            b = p + 1;
    size_t n = strlen(b);
    if (n > 4 && md_strcasecmp(b + n - 4, ".exe") == 0)
        n -= 4;
    return n == strlen(name) && md_strncasecmp(b, name, n) == 0;
}

/* A variable, expression or environment reference rather than a literal. */
static bool
is_reference(const char *v, size_t len)
{
    return len > 0 && (v[0] == '$' || v[0] == '(' ||
                       (len > 1 && (v[0] == '%' || v[0] == '!') &&
                        v[len - 1] == v[0]));
}

static bool
all_digits(const char *v, size_t len)
{
    if (len == 0 || len > 9)
        return false;
    for (size_t i = 0; i < len; i++)
        if (v[i] < '0' || v[i] > '9')
            return false;
    return true;
}

static int64_t
to_int(const char *v, size_t len)
{
    int64_t x = 0;
    for (size_t i = 0; i < len; i++)
        x = x * 10 + (v[i] - '0');
    return x;
}

/* ---- masking and records --------------------------------------------- */

static void
mask_span(struct piece *p, size_t from, size_t to)
{
    if (to <= from)
        return;
    if (p->nmask == MAX_MASKS) {
        p->mask_overflow = true;
        return;
    }
    p->mask[p->nmask].from = from;
    p->mask[p->nmask].to = to;
    p->nmask++;
}

/* Mask every occurrence of a secret's value, whatever quoting it had. */
static void
mask_value(struct piece *p, const char *v, size_t len)
{
    if (len == 0)
        return;
    size_t i = p->from;
    while (i + len <= p->to) {
        const char *hit = memmem(p->s + i, p->to - i, v, len);
        if (!hit)
            break;
        size_t at = (size_t)(hit - p->s);
        mask_span(p, at, at + len);
        i = at + len;
    }
}

static void
mask_token(struct piece *p, const struct tok *t)
{
    mask_span(p, t->start, t->end);
    mask_value(p, t->v, t->vlen);
}

static size_t
mask_end_at(const struct piece *p, size_t i)
{
    size_t end = 0;
    for (size_t k = 0; k < p->nmask; k++)
        if (p->mask[k].from <= i && i < p->mask[k].to && p->mask[k].to > end)
            end = p->mask[k].to;
    return end;
}

/* The piece as excerpt, secrets masked. With too many secrets to mask
 * there is no excerpt at all rather than a leak. */
static void
set_excerpt(struct piece *p, struct md_evidence *ev)
{
    if (!ev || p->mask_overflow)
        return;
    size_t len = p->to - p->from;
    char *out = md_arena_alloc(p->ctx->scratch, len + 8 * p->nmask + 1);
    if (!out)
        return;
    size_t o = 0;
    for (size_t i = p->from; i < p->to;) {
        size_t end = mask_end_at(p, i);
        if (end) {
            memcpy(out + o, "********", 8);
            o += 8;
            i = end;
        } else {
            out[o++] = p->s[i++];
        }
    }
    md_ev_text(p->ctx, ev, out, o);
}

static struct md_evidence *
new_record(struct piece *p, const char *kind)
{
    struct md_evidence *ev = md_ev_new(p->ctx, kind);
    if (ev)
        ev->line = p->line;
    return ev;
}

static void
emit(struct piece *p, struct md_evidence *ev)
{
    if (ev && strncmp(ev->kind, "change.", 7) == 0)
        p->nchange++;
    set_excerpt(p, ev);
    md_ev_emit(p->ctx, ev);
}

/* A handler read the command and it changes no proxy setting. */
static void
decline(struct piece *p, bool understood, const char *why)
{
    p->why = why;
    p->not_understood = !understood;
}

static void
plaintext(struct piece *p, const char *what)
{
    struct md_evidence *ev = new_record(p, "secret.plaintext");
    md_ev_strz(ev, "what", what);
    emit(p, ev);
}

/* A string field: NULL value means absent. */
static void
field(struct md_evidence *ev, const char *name, const char *v, size_t len)
{
    if (v)
        md_ev_str(ev, name, v, len);
    else
        md_ev_null(ev, name);
}

static void
port_field(struct md_evidence *ev, const char *v, size_t len)
{
    if (v && all_digits(v, len))
        md_ev_int(ev, "port", to_int(v, len));
    else
        field(ev, "port", v, len);
}

/* ---- ConvertTo-SecureString 'plain' -AsPlainText ---------------------- */

/* Find plaintext literals given to ConvertTo-SecureString in the piece and
 * mask them. More than MAX_SECURE of them in one piece: no excerpt. */
static void
find_secure_strings(struct piece *p)
{
    static const char name[] = "ConvertTo-SecureString";
    char *buf = NULL;
    size_t i = p->from;
    while (i < p->to) {
        long at = md_slice_ifind(md_slice_of(p->s + i, p->to - i), name);
        if (at < 0)
            return;
        size_t start = i + (size_t)at + sizeof name - 1;
        i = start;
        if (p->nsec == MAX_SECURE) {
            p->mask_overflow = true;
            return;
        }
        /* Its arguments run to the closing parenthesis or the piece end;
         * a window bounds the work on hostile input. */
        size_t lim = p->to - start > SECURE_WINDOW ? start + SECURE_WINDOW
                                                   : p->to;
        if (!buf && !(buf = md_arena_alloc(p->ctx->scratch,
                                           2 * SECURE_WINDOW + 2)))
            return;
        char *vals = buf;
        struct tok t[12];
        size_t n, end;
        bool many = false;
        read_piece(p->s, lim, start, p->is_cmd, true, &vals, t, 12, &n,
                   &many, &end);
        bool plain = false;
        const struct tok *lit = NULL;
        for (size_t k = 0; k < n; k++) {
            if (!t[k].quoted && t[k].vlen >= 3 &&
                md_strncasecmp(t[k].v, "-as", 3) == 0) {
                plain = true;
            } else if (tok_is(&t[k], "-String")) {
                if (k + 1 < n)
                    lit = &t[++k];
            } else if (!lit && (t[k].quoted || t[k].v[0] != '-')) {
                lit = &t[k];
            }
        }
        if (!plain || !lit || lit->vlen == 0 ||
            (is_reference(lit->v, lit->vlen) && !lit->quoted) ||
            (lit->quoted && lit->v[0] == '$'))
            continue;
        mask_token(p, lit);
        p->sec[p->nsec].at = start - (sizeof name - 1);
        p->sec[p->nsec].len = lit->vlen;
        p->sec[p->nsec].attributed = false;
        p->nsec++;
    }
}

/* The plaintext secure string inside token t, if any. */
static struct secure *
secure_in(struct piece *p, const struct tok *t)
{
    for (size_t k = 0; k < p->nsec; k++)
        if (p->sec[k].at >= t->start && p->sec[k].at < t->end)
            return &p->sec[k];
    return NULL;
}

/* ---- PowerShell parameters ------------------------------------------- */

struct param {
    const char *name;
    int id;     /* >= 0: a parameter of interest; -1: known, ignored */
    bool value; /* takes a value */
};

enum { P_NOT_PARAM = -100, P_UNKNOWN = -101 };

/* Match "-Name" or "-Name:value" against params; PowerShell accepts any
 * unambiguous prefix. Sets *which to the entry matched, or NULL. */
static int
match_param(const struct tok *t, const struct param *params, size_t n,
            const struct param **which, const char **att, size_t *attlen)
{
    *att = NULL;
    *attlen = 0;
    if (t->qstart || t->vlen < 2 || t->v[0] != '-' ||
        !((t->v[1] >= 'a' && t->v[1] <= 'z') ||
          (t->v[1] >= 'A' && t->v[1] <= 'Z')))
        return P_NOT_PARAM;
    const char *nm = t->v + 1;
    size_t nlen = t->vlen - 1;
    const char *colon = memchr(nm, ':', nlen);
    if (colon) {
        *att = colon + 1;
        *attlen = nlen - (size_t)(colon + 1 - nm);
        nlen = (size_t)(colon - nm);
    }
    const struct param *hit = NULL;
    for (size_t k = 0; k < n; k++) {
        if (nlen > strlen(params[k].name) ||
            md_strncasecmp(nm, params[k].name, nlen) != 0)
            continue;
        if (nlen == strlen(params[k].name)) {
            hit = &params[k];
            break;
        }
        if (hit)
            return P_UNKNOWN; /* ambiguous */
        hit = &params[k];
    }
    *which = hit;
    return hit ? hit->id : P_UNKNOWN;
}

struct arg {
    const struct tok *tok; /* where the value was written */
    const char *v;
    size_t len;
};

/* Named and positional arguments of a cmdlet into out[id]; positions[]
 * lists the ids of positional parameters. *unknown gets the first
 * parameter that is not the cmdlet's (or is ambiguous), or NULL. */
static void
parse_cmdlet(struct piece *p, size_t k, const struct param *params,
             size_t nparams, const int *positions, size_t npos,
             struct arg *out, size_t nout, bool *switch_on, int switch_id,
             const struct tok **unknown)
{
    size_t pos = 0;
    *unknown = NULL;
    for (size_t j = k + 1; j < p->n; j++) {
        const struct tok *t = &p->t[j];
        const struct param *pm = NULL;
        const char *att;
        size_t attlen;
        int id = match_param(t, params, nparams, &pm, &att, &attlen);
        if (id == P_UNKNOWN && !*unknown)
            *unknown = t;
        if (id == P_NOT_PARAM) {
            while (pos < npos && out[positions[pos]].v)
                pos++;
            if (pos < npos) {
                struct arg *a = &out[positions[pos++]];
                a->tok = t;
                a->v = t->v;
                a->len = t->vlen;
            }
            continue;
        }
        if (id == switch_id && switch_on) {
            *switch_on = !(att && attlen >= 2 &&
                           md_strncasecmp(att, "$false", attlen) == 0);
            continue;
        }
        bool takes = pm ? pm->value
                        : j + 1 < p->n && (p->t[j + 1].quoted ||
                                           p->t[j + 1].v[0] != '-');
        if (!takes)
            continue;
        struct arg a = {t, att, attlen};
        if (!att) {
            if (j + 1 >= p->n)
                continue;
            const struct tok *nt = &p->t[++j];
            a.tok = nt;
            a.v = nt->v;
            a.len = nt->vlen;
        }
        if (id >= 0 && (size_t)id < nout)
            out[id] = a;
    }
}

/* ---- Set-OBMachineSetting -------------------------------------------- */

enum { OB_SERVER, OB_PORT, OB_USER, OB_PASSWORD, OB_BYPASS, OB_NOPROXY,
       OB_N };

static const struct param ob_params[] = {
    {"ProxyServer", OB_SERVER, true},
    {"ProxyPort", OB_PORT, true},
    {"ProxyUsername", OB_USER, true},
    {"ProxyPassword", OB_PASSWORD, true},
    {"BypassUrls", OB_BYPASS, true},
    {"NoProxy", OB_NOPROXY, false},
    {"WorkDay", -1, true},
    {"StartWorkHour", -1, true},
    {"EndWorkHour", -1, true},
    {"WorkHourBandwidth", -1, true},
    {"NonWorkHourBandwidth", -1, true},
    {"NoThrottle", -1, false},
    {"EncryptionPassphrase", -1, true},
    {"SecurityPin", -1, true},
    {"Force", -1, false},
    {"Confirm", -1, false},
    {"WhatIf", -1, false},
    {"Verbose", -1, false},
    {"Debug", -1, false},
    {"ErrorAction", -1, true},
    /* The other common parameters, so that only a true typo is unknown. */
    {"WarningAction", -1, true},
    {"InformationAction", -1, true},
    {"ErrorVariable", -1, true},
    {"WarningVariable", -1, true},
    {"InformationVariable", -1, true},
    {"OutVariable", -1, true},
    {"OutBuffer", -1, true},
    {"PipelineVariable", -1, true},
};

static void
password_field(struct piece *p, struct md_evidence *ev, const struct arg *a,
               bool *plain)
{
    *plain = false;
    if (!a->v) {
        md_ev_null(ev, "password");
        return;
    }
    struct secure *sec = secure_in(p, a->tok);
    if (sec) {
        sec->attributed = true;
        *plain = true;
        md_ev_secret(ev, "password", sec->len);
        return;
    }
    if (is_reference(a->v, a->len) && !(a->tok->quoted && a->v[0] != '$')) {
        md_ev_secret(ev, "password", 0); /* given, length unknown */
        return;
    }
    mask_token(p, a->tok);
    mask_value(p, a->v, a->len);
    *plain = a->len > 0;
    md_ev_secret(ev, "password", a->len);
}

static void
do_set_ob(struct piece *p, size_t k)
{
    static const int positions[] = {OB_SERVER, OB_PORT, OB_USER, OB_PASSWORD};
    struct arg a[OB_N] = {{0}};
    bool no_proxy = false;
    const struct tok *unknown;
    parse_cmdlet(p, k, ob_params, sizeof ob_params / sizeof ob_params[0],
                 positions, 4, a, OB_N, &no_proxy, OB_NOPROXY, &unknown);
    if (unknown && p->statements) {
        /* PowerShell refuses the whole command, so a planned change must
         * not count it as done. */
        decline(p, false,
                md_arena_printf(p->ctx->scratch,
                                "unknown parameter '%.*s': PowerShell "
                                "refuses the command",
                                (int)(unknown->vlen > 64 ? 64
                                                         : unknown->vlen),
                                unknown->v));
        return;
    }
    if (!no_proxy && !a[OB_SERVER].v && !a[OB_PORT].v && !a[OB_USER].v &&
        !a[OB_PASSWORD].v && !a[OB_BYPASS].v) {
        if (!p->why)
            decline(p, true, "not a proxy change (throttling, passphrase "
                             "or other machine settings)");
        return;
    }
    struct md_evidence *ev = new_record(p, "change.agent_proxy");
    md_ev_strz(ev, "command", "Set-OBMachineSetting");
    md_ev_bool(ev, "no_proxy", no_proxy);
    field(ev, "server", a[OB_SERVER].v, a[OB_SERVER].len);
    port_field(ev, a[OB_PORT].v, a[OB_PORT].len);
    field(ev, "user", a[OB_USER].v, a[OB_USER].len);
    bool plain;
    password_field(p, ev, &a[OB_PASSWORD], &plain);
    field(ev, "bypass", a[OB_BYPASS].v, a[OB_BYPASS].len);
    emit(p, ev);
    if (plain)
        plaintext(p, "Set-OBMachineSetting (-ProxyPassword)");
}

/* ---- MARSAgentInstaller.exe /ph /po /pu /pw --------------------------- */

/* Arguments after token k; a quoted argument holding several switches
 * (Start-Process -ArgumentList "/q /ph ...") is split again. */
static size_t
installer_args(struct piece *p, size_t k, struct tok *sub, size_t nsub,
               struct arg *out, size_t max)
{
    size_t n = 0, ns = 0;
    for (size_t j = k + 1; j < p->n && n < max; j++) {
        const struct tok *t = &p->t[j];
        bool many = t->quoted && memchr(t->v, ' ', t->vlen) &&
                    memchr(t->v, '/', t->vlen);
        if (!many) {
            out[n++] = (struct arg){t, t->v, t->vlen};
            continue;
        }
        char *vals = md_arena_alloc(p->ctx->scratch, 2 * t->vlen + 2);
        if (!vals)
            break;
        size_t cnt, end;
        bool too_many = false;
        read_piece(t->v, t->vlen, 0, true, false, &vals, sub + ns, nsub - ns,
                   &cnt, &too_many, &end);
        for (size_t m = 0; m < cnt && n < max; m++) {
            /* Positions relative to the whole statement: approximate when
             * the quoted text had escapes, hence value masking as well. */
            sub[ns + m].start += t->start + 1;
            sub[ns + m].end += t->start + 1;
            out[n++] = (struct arg){&sub[ns + m], sub[ns + m].v,
                                    sub[ns + m].vlen};
        }
        ns += cnt;
    }
    return n;
}

static void
do_installer(struct piece *p, size_t k)
{
    static const char *const sw[] = {"/ph", "/po", "/pu", "/pw"};
    struct tok sub[MAX_ARGS];
    struct arg args[MAX_ARGS];
    size_t n = installer_args(p, k, sub, MAX_ARGS, args, MAX_ARGS);
    struct arg val[4] = {{0}};
    bool any = false;
    for (size_t j = 0; j < n; j++) {
        for (size_t s = 0; s < 4; s++) {
            const struct arg *a = &args[j];
            if (a->len < 3 || md_strncasecmp(a->v, sw[s], 3) != 0)
                continue;
            if (a->len == 3 && j + 1 < n) {
                val[s] = args[++j];
            } else if (a->len > 3 && a->v[3] == ':') {
                val[s] = (struct arg){a->tok, a->v + 4, a->len - 4};
            } else {
                continue;
            }
            any = true;
            break;
        }
    }
    if (!any) {
        decline(p, true, "installer command line without proxy switches "
                         "(/ph /po /pu /pw)");
        return;
    }
    const struct arg *pw = &val[3];
    bool plain = pw->v && pw->len && !is_reference(pw->v, pw->len);
    if (plain) {
        mask_value(p, pw->v, pw->len);
        if (pw->tok->vlen == pw->len)
            mask_span(p, pw->tok->start, pw->tok->end);
    }
    struct md_evidence *ev = new_record(p, "change.agent_proxy");
    md_ev_strz(ev, "command", "MARSAgentInstaller");
    md_ev_bool(ev, "no_proxy", false);
    field(ev, "server", val[0].v, val[0].len);
    port_field(ev, val[1].v, val[1].len);
    field(ev, "user", val[2].v, val[2].len);
    if (pw->v)
        md_ev_secret(ev, "password", plain ? pw->len : 0);
    else
        md_ev_null(ev, "password");
    md_ev_null(ev, "bypass");
    emit(p, ev);
    if (plain)
        plaintext(p, "installer (/pw)");
}

/* ---- SetMarsProxy.exe address port [user password] [bypass] ---------- */

static void
do_setmarsproxy(struct piece *p, size_t k)
{
    /* Argument meaning by count, as in ASR's SetMarsProxy Program.cs. */
    size_t n = p->n - k - 1;
    const struct tok *a = p->t + k + 1;
    if (n == 0) {
        decline(p, false, "SetMarsProxy.exe without arguments");
        return;
    }
    struct md_evidence *ev = new_record(p, "change.agent_proxy");
    md_ev_strz(ev, "command", "SetMarsProxy");
    bool no_proxy = n == 1 && tok_is(&a[0], "noproxy");
    md_ev_bool(ev, "no_proxy", no_proxy);
    if (n > 5)
        md_parse_diag(p->ctx, MD_GRADE_WARN, MD_ERR_SYNTAX,
                      "SetMarsProxy.exe takes at most 5 arguments, not %zu",
                      n);
    field(ev, "server", n >= 2 ? a[0].v : NULL, a[0].vlen);
    port_field(ev, n >= 2 ? a[1].v : NULL, n >= 2 ? a[1].vlen : 0);
    field(ev, "user", n >= 4 ? a[2].v : NULL, n >= 4 ? a[2].vlen : 0);
    bool plain = false;
    if (n >= 4) {
        plain = a[3].vlen && !is_reference(a[3].v, a[3].vlen);
        if (plain)
            mask_token(p, &a[3]);
        md_ev_secret(ev, "password", plain ? a[3].vlen : 0);
    } else {
        md_ev_null(ev, "password");
    }
    const struct tok *b = n == 3 || n >= 5 ? &a[n == 3 ? 2 : 4] : NULL;
    field(ev, "bypass", b ? b->v : NULL, b ? b->vlen : 0);
    emit(p, ev);
    if (plain)
        plaintext(p, "SetMarsProxy password argument");
}

/* ---- netsh winhttp set|reset|import proxy ----------------------------- */

/* "key=value" with the given key: the value, or NULL. */
static const char *
keyed(const struct tok *t, const char *key, size_t *len)
{
    size_t kl = strlen(key);
    if (t->vlen <= kl || t->v[kl] != '=' || md_strncasecmp(t->v, key, kl))
        return NULL;
    *len = t->vlen - kl - 1;
    return t->v + kl + 1;
}

static void
do_netsh(struct piece *p, size_t k)
{
    if (k + 3 >= p->n || !tok_is(&p->t[k + 1], "winhttp")) {
        decline(p, true, "not a WinHTTP proxy command");
        return;
    }
    const struct tok *verb = &p->t[k + 2];
    const char *action = tok_is(verb, "set")      ? "set"
                         : tok_is(verb, "reset")  ? "reset"
                         : tok_is(verb, "import") ? "import"
                                                  : NULL;
    if (!action) {
        decline(p, true, tok_is(verb, "show") ? "reads settings, changes "
                                                "nothing"
                                              : "not a WinHTTP proxy change");
        return;
    }
    if (!tok_is(&p->t[k + 3], "proxy")) {
        if (tok_is(&p->t[k + 3], "advproxy")) {
            md_parse_diag(p->ctx, MD_GRADE_INFO, MD_OK,
                          "netsh winhttp %s advproxy is not parsed", action);
            decline(p, false, "netsh winhttp advproxy is not supported");
        } else {
            decline(p, false, "not a WinHTTP proxy command");
        }
        return;
    }
    const char *server = NULL, *bypass = NULL, *source = NULL;
    size_t slen = 0, blen = 0, srclen = 0, pos = 0;
    for (size_t j = k + 4; j < p->n; j++) {
        const struct tok *t = &p->t[j];
        const char *v;
        size_t vl;
        if ((v = keyed(t, "proxy-server", &vl))) {
            server = v;
            slen = vl;
        } else if ((v = keyed(t, "bypass-list", &vl))) {
            bypass = v;
            blen = vl;
        } else if ((v = keyed(t, "source", &vl))) {
            source = v;
            srclen = vl;
        } else if (pos == 0 && !server) {
            server = t->v;
            slen = t->vlen;
            pos++;
        } else if (!bypass) {
            bypass = t->v;
            blen = t->vlen;
        }
    }
    struct md_evidence *ev = new_record(p, "change.winhttp");
    md_ev_strz(ev, "action", action);
    field(ev, "proxy_server", server, slen);
    field(ev, "bypass", bypass, blen);
    field(ev, "source", source, srclen);
    emit(p, ev);
}

/* ---- registry writes ------------------------------------------------- */

static bool
looks_secret(const char *name, size_t len)
{
    static const char *const words[] = {"password", "passwd", "pwd",
                                        "passphrase", "secret"};
    return md_slice_ifind_any(md_slice_of(name, len), words,
                              sizeof words / sizeof words[0]);
}

/* One change.reg record; key as written, normalised when it has a hive. */
static void
emit_reg(struct piece *p, const char *action, const char *key, size_t klen,
         const struct arg *name, const char *type, const struct arg *data,
         bool all_values)
{
    struct md_regpath rp;
    bool ok = md_regpath_parse(p->ctx->scratch, key, klen, &rp);
    bool secret = name->v && data->v && looks_secret(name->v, name->len);
    bool plain = secret && data->len && !is_reference(data->v, data->len);
    if (plain) {
        mask_value(p, data->v, data->len);
        if (data->tok && data->tok->vlen == data->len)
            mask_span(p, data->tok->start, data->tok->end);
    }
    struct md_evidence *ev = new_record(p, "change.reg");
    if (ev) {
        ev->key = ok ? rp.key : md_arena_strndup(p->ctx->scratch, key, klen);
        ev->name = name->v;
    }
    md_ev_strz(ev, "action", action);
    if (ok)
        md_ev_strz(ev, "key", rp.key);
    else
        md_ev_str(ev, "key", key, klen);
    field(ev, "name", name->v, name->len);
    md_ev_strz(ev, "type", type);
    if (secret)
        md_ev_secret(ev, "data", plain ? data->len : 0);
    else
        field(ev, "data", data->v, data->len);
    md_ev_strz(ev, "scope", md_reg_scope_str(ok ? rp.scope : MD_SCOPE_OTHER));
    md_ev_strz(ev, "sid", ok ? rp.sid : NULL);
    if (all_values)
        md_ev_bool(ev, "all_values", true);
    emit(p, ev);
    if (plain)
        plaintext(p, "registry password value");
}

static bool
is_switch(const struct tok *t, const char *sw)
{
    /* reg.exe takes /x and -x alike. */
    return t->vlen == strlen(sw) && (t->v[0] == '/' || t->v[0] == '-') &&
           md_strncasecmp(t->v + 1, sw + 1, t->vlen - 1) == 0;
}

static void
do_reg(struct piece *p, size_t k)
{
    const struct tok *verb = k + 1 < p->n ? &p->t[k + 1] : NULL;
    if (verb && (tok_is(verb, "query") || tok_is(verb, "export") ||
                 tok_is(verb, "compare"))) {
        decline(p, true, "reads the registry, changes nothing");
        return;
    }
    if (verb && tok_is(verb, "import")) {
        decline(p, false, "imports a .reg file that is not part of this "
                          "change: review that file with --change");
        return;
    }
    if (k + 2 >= p->n) {
        decline(p, false, "reg command without a key");
        return;
    }
    bool add = tok_is(&p->t[k + 1], "add");
    if (!add && !tok_is(&p->t[k + 1], "delete")) {
        decline(p, false, "not a reg add or reg delete");
        return;
    }
    const struct tok *key = NULL;
    struct arg name = {0}, data = {0};
    const char *type = NULL;
    bool all_values = false;
    for (size_t j = k + 2; j < p->n; j++) {
        const struct tok *t = &p->t[j];
        bool more = j + 1 < p->n;
        if (is_switch(t, "/va")) {
            all_values = true; /* reg delete: every value, no subkey */
        } else if (is_switch(t, "/v") && more) {
            const struct tok *nt = &p->t[++j];
            name = (struct arg){nt, nt->v, nt->vlen};
        } else if (is_switch(t, "/ve")) {
            name = (struct arg){t, "", 0};
        } else if (is_switch(t, "/t") && more) {
            type = p->t[++j].v;
        } else if (is_switch(t, "/d") && more) {
            const struct tok *nt = &p->t[++j];
            data = (struct arg){nt, nt->v, nt->vlen};
        } else if (is_switch(t, "/s") && more) {
            j++; /* separator for REG_MULTI_SZ */
        } else if (!key && !t->quoted && (t->v[0] == '/' || t->v[0] == '-')) {
            continue; /* /f, /va, /reg:64 */
        } else if (!key) {
            key = t;
        }
    }
    if (!key) {
        decline(p, false, "reg command without a key");
        return;
    }
    if (add && name.v && !type)
        type = "REG_SZ"; /* reg add's default */
    if (!add)
        data = (struct arg){0};
    emit_reg(p, add ? "add" : "delete", key->v, key->vlen, &name, type, &data,
             !add && all_values);
}

/* Set-ItemProperty / New-ItemProperty -Path HKLM:\... -Name -Value */
enum { IP_PATH, IP_NAME, IP_VALUE, IP_TYPE, IP_N };

static const struct param ip_params[] = {
    {"Path", IP_PATH, true},        {"LiteralPath", IP_PATH, true},
    {"Name", IP_NAME, true},        {"Value", IP_VALUE, true},
    {"Type", IP_TYPE, true},        {"PropertyType", IP_TYPE, true},
    {"Force", -1, false},           {"PassThru", -1, false},
    {"Confirm", -1, false},         {"WhatIf", -1, false},
    {"Credential", -1, true},       {"Filter", -1, true},
    {"Include", -1, true},          {"Exclude", -1, true},
    {"ErrorAction", -1, true},
};

static const char *
reg_type_of(const char *ps, size_t len)
{
    static const struct {
        const char *ps, *reg;
    } map[] = {
        {"String", "REG_SZ"},       {"ExpandString", "REG_EXPAND_SZ"},
        {"Binary", "REG_BINARY"},   {"DWord", "REG_DWORD"},
        {"MultiString", "REG_MULTI_SZ"}, {"QWord", "REG_QWORD"},
        {"None", "REG_NONE"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strlen(map[i].ps) == len && md_strncasecmp(ps, map[i].ps, len) == 0)
            return map[i].reg;
    return NULL;
}

static void
do_itemprop(struct piece *p, size_t k)
{
    static const int positions[] = {IP_PATH, IP_NAME, IP_VALUE};
    struct arg a[IP_N] = {{0}};
    const struct tok *unknown;
    parse_cmdlet(p, k, ip_params, sizeof ip_params / sizeof ip_params[0],
                 positions, 3, a, IP_N, NULL, -1000, &unknown);
    if (!a[IP_PATH].v || !a[IP_NAME].v) {
        decline(p, false, "no -Path or no -Name");
        return;
    }
    /* HKLM:\x, Registry::HKEY_LOCAL_MACHINE\x,
     * Microsoft.PowerShell.Core\Registry::HKLM\x */
    struct md_slice path = md_slice_of(a[IP_PATH].v, a[IP_PATH].len);
    long rr = md_slice_ifind(path, "Registry::");
    char *key;
    size_t klen;
    if (rr >= 0) {
        key = (char *)path.ptr + rr + 10;
        klen = path.len - (size_t)rr - 10;
    } else {
        const char *colon = memchr(path.ptr, ':', path.len);
        size_t hl = colon ? (size_t)(colon - path.ptr) : 0;
        if (!colon || hl < 3 || hl > 4 ||
            md_strncasecmp(path.ptr, "HK", 2)) {
            decline(p, true, "not a registry path");
            return;
        }
        key = md_arena_alloc(p->ctx->scratch, path.len);
        if (!key)
            return;
        memcpy(key, path.ptr, hl);
        memcpy(key + hl, colon + 1, path.len - hl - 1);
        klen = path.len - 1;
    }
    const char *type = NULL;
    if (a[IP_TYPE].v) {
        type = reg_type_of(a[IP_TYPE].v, a[IP_TYPE].len);
        if (!type)
            type = md_arena_strndup(p->ctx->scratch, a[IP_TYPE].v,
                                    a[IP_TYPE].len);
    }
    emit_reg(p, "add", key, klen, &a[IP_NAME], type, &a[IP_VALUE], false);
}

/* ---- statements that change nothing (review) ------------------------ */

static bool
tok_in(const struct tok *t, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!t->quoted && tok_is(t, words[i]))
            return true;
    return false;
}

/* Why a statement nobody handled changes no proxy setting. Sets
 * *understood to false when marsdiag cannot tell what it does. */
static const char *
why_unchanged(struct piece *p, size_t k, bool printed, bool *understood)
{
    static const char *const control[] = {
        "if", "elseif", "else", "foreach", "for", "while", "do", "until",
        "switch", "try", "catch", "finally", "trap", "function", "filter",
        "param", "begin", "process", "end", "goto", "return", "break",
        "continue"};
    static const char *const harmless[] = {
        "exit", "pause", "cls", "Clear-Host", "cd", "Set-Location",
        "Push-Location", "Pop-Location", "Start-Sleep", "timeout",
        "Import-Module", "Start-Transcript", "Stop-Transcript", "setlocal",
        "endlocal", "Read-Host", "Test-Connection", "Test-NetConnection",
        "Invoke-WebRequest", "ping", "nslookup"};
    static const char *const service[] = {"Restart-Service", "Start-Service",
                                          "Stop-Service"};
    const struct tok *t = &p->t[k];
    const struct tok *next = k + 1 < p->n ? &p->t[k + 1] : NULL;
    *understood = true;
    if (p->why) {
        *understood = !p->not_understood;
        return p->why;
    }
    if (printed)
        return "prints text, changes nothing";
    if (!t->quoted && t->v[0] == '$' &&
        (memchr(t->v, '=', t->vlen) || (next && tok_is(next, "="))))
        return "assigns a variable (commands that use it are reviewed)";
    if (md_strncasecmp(t->v, "Get-", 4) == 0)
        return "reads settings, changes nothing";
    if (tok_in(t, service, 3) ||
        ((cmd_is(t, "net") || cmd_is(t, "sc")) && next &&
         (tok_is(next, "stop") || tok_is(next, "start"))))
        return "starts or stops a service (the agent reads its proxy "
               "settings when it starts)";
    if (tok_in(t, harmless, sizeof harmless / sizeof harmless[0]))
        return "changes no setting";
    *understood = false;
    if (tok_in(t, control, sizeof control / sizeof control[0]))
        return "control flow is not evaluated: the commands in its blocks "
               "are reviewed as if each ran once";
    return md_arena_printf(p->ctx->scratch, "unknown command '%.*s'",
                           (int)(t->vlen > 64 ? 64 : t->vlen), t->v);
}

/* A change.statement record: the piece, and why it changes nothing. */
static void
report_unchanged(struct piece *p, size_t k, bool printed)
{
    if (k >= p->n)
        return;
    bool understood;
    const char *why = why_unchanged(p, k, printed, &understood);
    struct md_evidence *ev = new_record(p, "change.statement");
    md_ev_str(ev, "command", p->t[k].v, p->t[k].vlen);
    md_ev_strz(ev, "status", understood ? "ignored" : "not_understood");
    md_ev_strz(ev, "reason", why);
    emit(p, ev);
}

/* ---- dispatch -------------------------------------------------------- */

static void
run_piece(struct piece *p, struct md_ps_seen *seen, int depth)
{
    if (p->too_many)
        md_parse_diag(p->ctx, MD_GRADE_WARN, MD_ERR_SYNTAX,
                      "command has more than %d arguments; the rest ignored",
                      MAX_TOKENS);
    find_secure_strings(p);
    p->statements = seen->statements;
    size_t k = 0;
    /* Call operators and wrappers: & "x.exe", . x, call x, start /wait x,
     * cmd /c "x". */
    while (k < p->n) {
        const struct tok *t = &p->t[k];
        if (!t->quoted && (tok_is(t, "&") || tok_is(t, ".") ||
                           tok_is(t, "call") || tok_is(t, "start"))) {
            k++;
            while (k < p->n && tok_is(t, "start") &&
                   ((!p->t[k].quoted && p->t[k].v[0] == '/') ||
                    (p->t[k].quoted && p->t[k].vlen == 0)))
                k++;
            continue;
        }
        if (cmd_is(t, "cmd") && k + 2 < p->n &&
            (tok_is(&p->t[k + 1], "/c") || tok_is(&p->t[k + 1], "/k"))) {
            /* cmd.exe drops the first and the last quote of the rest. */
            const char *rest = p->s + p->t[k + 2].start;
            size_t rlen = p->to - p->t[k + 2].start;
            if (rlen >= 2 && rest[0] == '"' && rest[rlen - 1] == '"') {
                rest++;
                rlen -= 2;
            }
            if (depth == 0)
                run_statement(p->ctx, rest, rlen, p->line, true, seen,
                              depth + 1);
            return;
        }
        break;
    }
    /* echo and Write-* only print a command. */
    bool printed = k < p->n && (cmd_is(&p->t[k], "echo") ||
                                md_strncasecmp(p->t[k].v, "Write-", 6) == 0);
    for (size_t j = k; j < p->n && !printed; j++) {
        const struct tok *t = &p->t[j];
        if (j == k && cmd_is(t, "Set-OBMachineSetting")) {
            do_set_ob(p, j);
        } else if (cmd_is(t, "Get-OBMachineSetting")) {
            seen->get_setting = true;
            decline(p, true, "reads settings, changes nothing");
        } else if (cmd_is(t, "MARSAgentInstaller")) {
            do_installer(p, j); /* also after Start-Process -FilePath */
        } else if (cmd_is(t, "SetMarsProxy")) {
            do_setmarsproxy(p, j);
        } else if (j == k && cmd_is(t, "netsh")) {
            do_netsh(p, j);
        } else if (j == k && cmd_is(t, "reg")) {
            do_reg(p, j);
        } else if (j == k && (cmd_is(t, "Set-ItemProperty") ||
                              cmd_is(t, "New-ItemProperty"))) {
            do_itemprop(p, j);
        } else {
            continue;
        }
        break;
    }
    if (p->statements && !p->nchange)
        report_unchanged(p, k, printed);
    for (size_t s = 0; s < p->nsec; s++)
        if (!p->sec[s].attributed)
            plaintext(p, "ConvertTo-SecureString -AsPlainText");
}

static void
run_statement(struct md_parse_ctx *ctx, const char *s, size_t len,
              uint64_t line, bool is_cmd, struct md_ps_seen *seen, int depth)
{
    char *vals = md_arena_alloc(ctx->scratch, 2 * len + 2);
    struct piece *p = md_arena_alloc(ctx->scratch, sizeof *p);
    if (!vals || !p)
        return;
    size_t i = 0;
    while (i < len) {
        memset(p, 0, sizeof *p);
        p->ctx = ctx;
        p->s = s;
        p->line = line;
        p->is_cmd = is_cmd;
        while (i < len && is_ws(s[i]))
            i++;
        p->from = i;
        i = read_piece(s, len, i, is_cmd, false, &vals, p->t, MAX_TOKENS,
                       &p->n, &p->too_many, &p->to);
        if (p->n)
            run_piece(p, seen, depth);
    }
}

void
md_ps_statement(struct md_parse_ctx *ctx, const char *s, size_t len,
                uint64_t line, bool is_cmd, struct md_ps_seen *seen)
{
    run_statement(ctx, s, len, line, is_cmd, seen, 0);
}

bool
md_ps_head_has_command(const char *text, size_t len)
{
    static const char *const cmds[] = {
        "Set-OBMachineSetting", "Get-OBMachineSetting", "MARSAgentInstaller",
        "SetMarsProxy",         "winhttp set proxy",    "winhttp reset proxy",
        "winhttp import proxy", "reg add ",             "reg delete ",
        "Set-ItemProperty",     "New-ItemProperty",
    };
    return md_slice_ifind_any(md_slice_of(text, len), cmds,
                              sizeof cmds / sizeof cmds[0]);
}
