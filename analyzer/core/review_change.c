/*
 * Reading a planned change (marsdiag/review.h): a .reg file or a
 * PowerShell/cmd script, transcript or command line, into actions (for
 * people), operations (for the model, review_int.h) and the statements not
 * applied, with why.
 *
 * A .reg file is read by the reg parser: every value and deletion is an
 * operation. A script is read by the pscapture parser in its change mode
 * (md_parser_pscapture_changes): change.agent_proxy (Set-OBMachineSetting,
 * the installer, SetMarsProxy.exe) and change.winhttp (netsh winhttp)
 * become the model's records directly; a change.reg (reg add/delete,
 * Set-ItemProperty) is written out as a one-value .reg document and read
 * by the reg parser, so that a registry write means the same whichever
 * way it is written (blobs decoded, agent values recognised by name), and
 * the resulting records cite the script's line. A PowerShell script is
 * read whole first (review_ps.c: here-strings, passwords in variables,
 * splatted hashtables); a statement the parser did not read whole is not
 * applied; a file of which nothing is understood is no change to review.
 */
#include "review_int.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "marsdiag/decode.h"
#include "marsdiag/names.h"
#include "parser.h"
#include "pscapture/pscapture.h"

/* ---- records made by the review --------------------------------------- */

struct md_evidence *
md_rec_new(struct md_arena *a, const char *kind, const struct md_evidence *at)
{
    struct md_evidence *ev = md_arena_calloc(a, sizeof *ev);
    if (!ev)
        return NULL;
    ev->kind = kind;
    if (at) {
        ev->input = at->input;
        ev->line = at->line;
        ev->text = at->text;
        ev->text_len = at->text_len;
    }
    return ev;
}

/* ---- lists -------------------------------------------------------------- */

static void *
grow(struct md_change *c, void *arr, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return arr;
    size_t ncap = *cap ? 2 * *cap : 16;
    void *p = realloc(arr, ncap * size);
    if (!p) {
        c->nomem = true;
        return NULL;
    }
    *cap = ncap;
    return p;
}

/* The text of line n of the change file (CR removed), or NULL. */
static const char *
line_text(struct md_change *c, uint64_t n)
{
    const char *s = c->text.ptr, *end = s ? s + c->text.len : NULL;
    for (uint64_t i = 1; s && s < end && i < n; i++) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        s = nl ? nl + 1 : end;
    }
    if (!s || s >= end || n == 0)
        return NULL;
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    size_t len = nl ? (size_t)(nl - s) : (size_t)(end - s);
    if (len && s[len - 1] == '\r')
        len--;
    return md_arena_strndup(&c->arena, s, len);
}

static void
skip_add(struct md_change *c, bool understood, const char *reason,
         uint64_t line, const char *text)
{
    struct md_change_skip *s =
        grow(c, c->skips, c->nskips, &c->capskips, sizeof *s);
    if (!s)
        return;
    c->skips = s;
    s = &c->skips[c->nskips++];
    s->understood = understood;
    s->reason = reason;
    s->path = c->file.inputs ? c->file.inputs->path : c->path;
    s->line = line;
    s->text = text ? text : line_text(c, line);
}

/* A record's excerpt as a C string. */
static const char *
excerpt(struct md_change *c, const struct md_evidence *ev)
{
    return ev->text ? md_arena_strndup(&c->arena, ev->text, ev->text_len)
                    : NULL;
}

static void
skip_record(struct md_change *c, const struct md_evidence *ev, bool understood,
            const char *reason)
{
    skip_add(c, understood, reason, ev->line, excerpt(c, ev));
}

static struct md_change_action *
action_add(struct md_change *c, const char *kind, const char *target,
           const char *setting, const char *value, const struct md_evidence *ev)
{
    struct md_change_action *a =
        grow(c, c->actions, c->nactions, &c->capactions, sizeof *a);
    if (!a)
        return NULL;
    c->actions = a;
    a = &c->actions[c->nactions++];
    a->kind = kind;
    a->target = target;
    a->setting = setting;
    a->value = value;
    a->ev = ev;
    return a;
}

/* Add an operation; it takes away the earlier ones it replaces, so the
 * change's own last word on a setting is the one the model sees. */
static void
op_add(struct md_change *c, enum md_op_kind kind, const struct md_evidence *ev,
       const char *key, const char *name)
{
    struct md_change_op *o = grow(c, c->ops, c->nops, &c->capops, sizeof *o);
    if (!o)
        return;
    c->ops = o;
    struct md_change_op op = {kind, ev, key, name, kind == MD_OP_RECORD};
    for (size_t i = 0; i < c->nops; i++) {
        const struct md_evidence *y = c->ops[i].ev;
        /* A decoded blob or agent value restates its reg.value: both
         * stay (the model reads each for something else). */
        bool sibling = kind == MD_OP_RECORD && y->input == ev->input &&
                       y->line == ev->line && strcmp(y->kind, ev->kind);
        if (c->ops[i].live && !sibling && md_op_replaces(&op, y))
            c->ops[i].live = false;
    }
    c->ops[c->nops++] = op;
}

/* ---- what a registry path is ------------------------------------------ */

static bool
ieq(const char *a, const char *b)
{
    return a && b && md_strcasecmp(a, b) == 0;
}

bool
md_key_eq(const char *a, const char *b)
{
    return ieq(a, b);
}

bool
md_key_under(const char *k, const char *parent)
{
    size_t n = strlen(parent);
    return k && md_strncasecmp(k, parent, n) == 0 &&
           (k[n] == '\0' || k[n] == '\\');
}

static bool
key_ends(const char *key, const char *suffix)
{
    return key && md_slice_iends(md_slice_of(key, strlen(key)), suffix);
}

/* Whose setting a key (and value name, or NULL) is: the target of an
 * action. */
static const char *
target_of(const char *key, const char *name)
{
    if (md_is_agent_key(key))
        return "agent";
    if (md_name_contains(key, "\\Policies\\"))
        return "policy";
    if (md_key_under(key, "HKEY_USERS\\S-1-5-18"))
        return "system";
    if (md_name_contains(key, "\\.NETFramework"))
        return "dotnet";
    if (md_key_under(key, "HKEY_LOCAL_MACHINE"))
        return name && ieq(name, "WinHttpSettings") ? "winhttp" : "machine";
    if (md_key_under(key, "HKEY_CURRENT_USER") ||
        md_key_under(key, "HKEY_USERS\\S-1-5-21"))
        return "user";
    if (md_key_under(key, "HKEY_USERS"))
        return "service";
    return "other";
}

static bool
name_in(const char *name, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ieq(name, names[i]))
            return true;
    return false;
}

/* Does the model read this value (so that changing it can change the
 * verdict)? */
static bool
value_modelled(const char *key, const char *name)
{
    static const char *const inet[] = {"ProxyEnable", "ProxyServer",
                                       "ProxyOverride", "AutoConfigURL",
                                       "ProxySettingsPerUser"};
    static const char *const conn[] = {
        "DefaultConnectionSettings", "SavedLegacySettings", "WinHttpSettings"};
    static const char *const tls[] = {"SchUseStrongCrypto",
                                      "SystemDefaultTlsVersions"};
    if (!key || !name)
        return false;
    if (md_is_agent_key(key))
        return md_agent_field_of(name, strlen(name)) != MD_AGENT_NONE;
    if (key_ends(key, "\\Internet Settings"))
        return name_in(name, inet, 5);
    if (key_ends(key, "\\Internet Settings\\Connections"))
        return name_in(name, conn, 3);
    if (key_ends(key, "\\.NETFramework\\v4.0.30319"))
        return name_in(name, tls, 2);
    return false;
}

/* The part of a key below its hive (and SID): "" for a hive itself. */
static const char *
below_hive(const char *key)
{
    const char *p = strchr(key, '\\');
    if (!p)
        return "";
    if (md_strncasecmp(key, "HKEY_USERS\\", 11) == 0) {
        p = strchr(p + 1, '\\');
        if (!p)
            return "";
    }
    return p + 1;
}

/* Does deleting key take away something the model reads? */
static bool
key_modelled(const char *key)
{
    static const char *const areas[] = {
        "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Internet Settings",
        ("SOFTWARE\\Policies\\Microsoft\\Windows\\CurrentVersion\\"
         "Internet Settings"),
        "SOFTWARE\\Microsoft\\Windows Azure Backup",
        "SOFTWARE\\WOW6432Node\\Microsoft\\Windows Azure Backup",
        "SOFTWARE\\Microsoft\\.NETFramework\\v4.0.30319",
        "SOFTWARE\\WOW6432Node\\Microsoft\\.NETFramework\\v4.0.30319",
    };
    const char *rest = below_hive(key);
    for (size_t i = 0; i < sizeof areas / sizeof areas[0]; i++)
        if (!*rest || md_key_under(rest, areas[i]) ||
            md_key_under(areas[i], rest))
            return true;
    return false;
}

/* ---- "the same setting" ----------------------------------------------- */

static bool
kind_is(const struct md_evidence *ev, const char *k)
{
    return strcmp(ev->kind, k) == 0;
}

static bool
str_field_is(const struct md_evidence *ev, const char *name, const char *v)
{
    const struct md_field *f = md_ev_field(ev, name);
    return f && f->type == MD_V_STR && f->len == strlen(v) &&
           md_strncasecmp(f->s, v, f->len) == 0;
}

static bool
is_winhttp(const struct md_evidence *y)
{
    return kind_is(y, "winhttp.proxy") || kind_is(y, "nwcheck.winhttp");
}

static bool
is_winhttp_value(const char *key, const char *name)
{
    return ieq(name, "WinHttpSettings") &&
           (md_key_eq(key, MD_KEY_WINHTTP) ||
            md_key_eq(key, "HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\"
                           "Microsoft\\Windows\\CurrentVersion\\Internet "
                           "Settings\\Connections"));
}

/* Is key the agent's key or above it (deleting it deletes the agent's
 * settings)? */
static bool
covers_agent(const char *key)
{
    return md_key_under("HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows "
                        "Azure Backup",
                        key) ||
           md_key_under("HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft"
                        "\\Windows Azure Backup",
                        key);
}

static enum md_agent_field
agent_field_of_name(const char *name)
{
    return name ? md_agent_field_of(name, strlen(name)) : MD_AGENT_NONE;
}

/* The field an agent.proxy record sets. */
static bool
same_agent_field(const struct md_evidence *x, const struct md_evidence *y)
{
    const struct md_field *f = md_ev_field(x, "field");
    if (!f || f->type != MD_V_STR)
        return false;
    char name[32];
    snprintf(name, sizeof name, "%.*s", (int)f->len, f->s);
    return str_field_is(y, "field", name);
}

static bool
record_replaces(const struct md_evidence *x, const struct md_evidence *y)
{
    if (kind_is(x, "secret.plaintext"))
        return false;
    if (x->key && x->name && y->key && y->name && md_key_eq(x->key, y->key) &&
        ieq(x->name, y->name))
        return true;
    if (kind_is(x, "agent.proxy") && kind_is(y, "agent.proxy"))
        return same_agent_field(x, y);
    return kind_is(x, "winhttp.proxy") && is_winhttp(y);
}

bool
md_op_replaces(const struct md_change_op *op, const struct md_evidence *y)
{
    enum md_agent_field f;
    switch (op->kind) {
    case MD_OP_RECORD:
        return record_replaces(op->ev, y);
    case MD_OP_DEL_VALUE:
        if (y->key && y->name && md_key_eq(y->key, op->key) &&
            ieq(y->name, op->name))
            return true;
        f = agent_field_of_name(op->name);
        if (md_is_agent_key(op->key) && f != MD_AGENT_NONE &&
            kind_is(y, "agent.proxy"))
            return str_field_is(y, "field", md_agent_field_str(f));
        return is_winhttp_value(op->key, op->name) && is_winhttp(y);
    case MD_OP_DEL_KEY:
        if (y->key && md_key_under(y->key, op->key))
            return true;
        if (kind_is(y, "agent.proxy") && covers_agent(op->key))
            return true;
        if (kind_is(y, "nwcheck.setting") &&
            str_field_is(y, "section", "wininet_system"))
            return md_key_under(MD_KEY_SYSTEM_INET, op->key);
        return is_winhttp(y) && md_key_under(MD_KEY_WINHTTP, op->key);
    case MD_OP_DEL_VALUES:
        if (y->key && y->name && md_key_eq(y->key, op->key))
            return true;
        return is_winhttp(y) && md_key_eq(MD_KEY_WINHTTP, op->key);
    case MD_OP_AGENT_ALL:
        if (kind_is(y, "agent.proxy"))
            return true;
        return kind_is(y, "reg.value") && y->key && md_is_agent_key(y->key) &&
               agent_field_of_name(y->name) != MD_AGENT_NONE;
    }
    return false;
}

unsigned
md_record_source(const struct md_evidence *ev)
{
    if (kind_is(ev, "agent.proxy"))
        return MD_SRC_AGENT;
    if (is_winhttp(ev))
        return MD_SRC_WINHTTP;
    if ((kind_is(ev, "reg.value") || kind_is(ev, "wininet.connection")) &&
        md_key_under(ev->key, MD_KEY_SYSTEM_INET))
        return MD_SRC_SYSTEM;
    if (kind_is(ev, "nwcheck.setting") &&
        str_field_is(ev, "section", "wininet_system"))
        return MD_SRC_SYSTEM;
    return 0;
}

/* Sources at or below key, or above it. */
static unsigned
key_touches(const char *key, bool exact)
{
    unsigned s = 0;
    if (covers_agent(key) || (!exact && md_is_agent_key(key)))
        s |= MD_SRC_AGENT;
    if (md_key_under(MD_KEY_SYSTEM_INET, key) ||
        (!exact && md_key_under(key, MD_KEY_SYSTEM_INET)))
        s |= MD_SRC_SYSTEM;
    if (md_key_under(MD_KEY_WINHTTP, key))
        s |= MD_SRC_WINHTTP;
    return s;
}

unsigned
md_op_touches(const struct md_change_op *op)
{
    switch (op->kind) {
    case MD_OP_RECORD:
        return md_record_source(op->ev);
    case MD_OP_DEL_VALUE:
        if (md_is_agent_key(op->key) &&
            agent_field_of_name(op->name) != MD_AGENT_NONE)
            return MD_SRC_AGENT;
        if (md_key_under(op->key, MD_KEY_SYSTEM_INET))
            return MD_SRC_SYSTEM;
        return is_winhttp_value(op->key, op->name) ? MD_SRC_WINHTTP : 0;
    case MD_OP_DEL_KEY:
        return key_touches(op->key, false);
    case MD_OP_DEL_VALUES:
        return (md_is_agent_key(op->key) ? MD_SRC_AGENT : 0) |
               (md_key_eq(op->key, MD_KEY_SYSTEM_INET) ? MD_SRC_SYSTEM : 0) |
               (md_key_eq(op->key, MD_KEY_WINHTTP) ? MD_SRC_WINHTTP : 0);
    case MD_OP_AGENT_ALL:
        return MD_SRC_AGENT;
    }
    return 0;
}

/* ---- values as text, for actions --------------------------------------- */

static const char *
field_text(struct md_change *c, const struct md_field *f)
{
    if (!f)
        return NULL;
    switch (f->type) {
    case MD_V_STR:
        return md_arena_strndup(&c->arena, f->s, f->len);
    case MD_V_INT:
        return md_arena_printf(&c->arena, "%lld", (long long)f->i);
    case MD_V_BOOL:
        return f->i ? "true" : "false";
    case MD_V_SECRET:
        return "(set)";
    case MD_V_NULL:
        break;
    }
    return NULL;
}

static const char *
setting_of(struct md_change *c, const char *key, const char *name)
{
    if (!name)
        return key;
    return md_arena_printf(&c->arena, "%s\\%s", key,
                           *name ? name : "(Default)");
}

/* A registry value's data for people: "8080 (REG_DWORD)", a binary
 * value's size, "(set)" for a password. */
static const char *
reg_value_text(struct md_change *c, const struct md_evidence *ev)
{
    const struct md_field *d = md_ev_field(ev, "data");
    const struct md_field *t = md_ev_field(ev, "type");
    const char *type = t && t->type == MD_V_STR
                           ? md_arena_strndup(&c->arena, t->s, t->len)
                           : "?";
    if (d && d->type == MD_V_STR && !strcmp(type, "REG_BINARY"))
        return md_arena_printf(&c->arena, "%zu bytes (REG_BINARY)", d->len / 2);
    const char *v = field_text(c, d);
    return md_arena_printf(&c->arena, "%s (%s)", v ? v : "(empty)", type);
}

static const char *
nz(const struct md_field *f)
{
    return f && f->type == MD_V_STR && f->len ? "" : NULL;
}

/* A derived record (decoded blob, agent value) said in words. */
static const char *
derived_text(struct md_change *c, const struct md_evidence *ev)
{
    if (kind_is(ev, "wininet.connection")) {
        const struct md_field *fl = md_ev_field(ev, "flags");
        const struct md_field *sv = md_ev_field(ev, "proxy_server");
        const struct md_field *bp = md_ev_field(ev, "bypass");
        const struct md_field *pac = md_ev_field(ev, "pac_url");
        return md_arena_printf(
            &c->arena,
            "flags 0x%02llx (%s%s%s%s), proxy %s, bypass %s, "
            "PAC %s",
            fl ? (unsigned long long)fl->i : 0ULL,
            fl && (fl->i & 2) ? "manual " : "", fl && (fl->i & 4) ? "pac " : "",
            fl && (fl->i & 8) ? "autodetect " : "",
            fl && !(fl->i & 14) ? "direct" : "in use",
            nz(sv) ? field_text(c, sv) : "(none)",
            nz(bp) ? field_text(c, bp) : "(none)",
            nz(pac) ? field_text(c, pac) : "(none)");
    }
    if (kind_is(ev, "winhttp.proxy")) {
        const struct md_field *d = md_ev_field(ev, "direct");
        const struct md_field *sv = md_ev_field(ev, "proxy_server");
        const struct md_field *bp = md_ev_field(ev, "bypass");
        if (d && d->i)
            return "direct access (no proxy server)";
        return md_arena_printf(&c->arena, "proxy %s, bypass %s",
                               nz(sv) ? field_text(c, sv) : "(none)",
                               nz(bp) ? field_text(c, bp) : "(none)");
    }
    if (kind_is(ev, "agent.proxy")) {
        const char *v = field_text(c, md_ev_field(ev, "value"));
        const char *f = field_text(c, md_ev_field(ev, "field"));
        return md_arena_printf(&c->arena, "%s %s", f ? f : "?",
                               v ? v : "(empty)");
    }
    return NULL;
}

/* ---- records of a registry change -------------------------------------- */

/*
 * Turn one record the reg parser made (from a .reg change file, or from a
 * script's reg add written out as .reg) into operations; with 'act', also
 * into an action or a skip for people.
 */
static void
reg_record(struct md_change *c, const struct md_evidence *ev, bool act)
{
    if (kind_is(ev, "reg.key_deleted")) {
        op_add(c, MD_OP_DEL_KEY, ev, ev->key, NULL);
        if (!act)
            return;
        if (key_modelled(ev->key))
            action_add(c, "delete", target_of(ev->key, NULL), ev->key, NULL,
                       ev);
        else
            skip_record(c, ev, true,
                        "deletes a key marsdiag does not "
                        "read: no effect on the proxy verdict");
        return;
    }
    if (kind_is(ev, "reg.value")) {
        const struct md_field *del = md_ev_field(ev, "deleted");
        bool deleted = del && del->type == MD_V_BOOL && del->i;
        if (deleted)
            op_add(c, MD_OP_DEL_VALUE, ev, ev->key, ev->name);
        else
            op_add(c, MD_OP_RECORD, ev, NULL, NULL);
        if (!act)
            return;
        if (!value_modelled(ev->key, ev->name)) {
            skip_record(c, ev, true,
                        "not a setting marsdiag reads: no "
                        "effect on the proxy verdict");
            return;
        }
        action_add(c, deleted ? "delete" : "set", target_of(ev->key, ev->name),
                   setting_of(c, ev->key, ev->name),
                   deleted ? NULL : reg_value_text(c, ev), ev);
        return;
    }
    if (kind_is(ev, "wininet.connection") || kind_is(ev, "winhttp.proxy") ||
        kind_is(ev, "agent.proxy")) {
        op_add(c, MD_OP_RECORD, ev, NULL, NULL);
        /* It restates the reg.value just before it: say it in words. */
        struct md_change_action *last =
            c->nactions ? &c->actions[c->nactions - 1] : NULL;
        if (act && last && last->ev->line == ev->line &&
            last->ev->input == ev->input)
            last->value = derived_text(c, ev);
        return;
    }
    if (act)
        skip_record(c, ev, true, "not a change");
}

/* ---- a script's registry write, as a .reg document -------------------- */

static bool
is_ref(const char *s, size_t len)
{
    return len > 0 &&
           (s[0] == '$' || (len > 1 && s[0] == '%' && s[len - 1] == '%'));
}

/* Append s as a .reg string body: backslashes and quotes escaped. */
static void
reg_quoted(struct md_buf *b, const char *s, size_t len)
{
    md_buf_addc(b, '"');
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '\\' || s[i] == '"')
            md_buf_addc(b, '\\');
        md_buf_addc(b, s[i]);
    }
    md_buf_addc(b, '"');
}

static void
hex_byte(struct md_buf *b, unsigned v, bool *first)
{
    md_buf_printf(b, "%s%02x", *first ? "" : ",", v & 0xFF);
    *first = false;
}

/* One UTF-8 sequence at s[*i] as a code point (U+FFFD when invalid). */
static unsigned
utf8_next(const unsigned char *s, size_t len, size_t *i)
{
    unsigned c = s[(*i)++];
    size_t n = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (c >= 0x80 && n == 0)
        return 0xFFFD;
    unsigned cp = n ? c & (0x3F >> n) : c;
    for (size_t k = 0; k < n; k++) {
        if (*i >= len || (s[*i] & 0xC0) != 0x80)
            return 0xFFFD;
        cp = cp << 6 | (s[(*i)++] & 0x3F);
    }
    return cp;
}

/* UTF-16LE bytes of s[0..len) as .reg hex, then a NUL. */
static void
utf16_hex(struct md_buf *b, const char *s, size_t len, bool *first)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned cp = utf8_next(u, len, &i);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            unsigned hi = 0xD800 | cp >> 10, lo = 0xDC00 | (cp & 0x3FF);
            hex_byte(b, hi, first);
            hex_byte(b, hi >> 8, first);
            hex_byte(b, lo, first);
            hex_byte(b, lo >> 8, first);
        } else {
            hex_byte(b, cp, first);
            hex_byte(b, cp >> 8, first);
        }
    }
    hex_byte(b, 0, first);
    hex_byte(b, 0, first);
}

/* reg add's /d for REG_DWORD and REG_QWORD: decimal or 0x hex. */
static bool
parse_number(const char *s, size_t len, int bits, uint64_t *out)
{
    uint64_t v = 0, max = bits == 32 ? 0xFFFFFFFFu : UINT64_MAX;
    bool hex = len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
    size_t i = hex ? 2 : 0;
    if (i == len)
        return false;
    for (; i < len; i++) {
        unsigned d;
        char ch = s[i];
        if (ch >= '0' && ch <= '9')
            d = (unsigned)(ch - '0');
        else if (hex && ch >= 'a' && ch <= 'f')
            d = (unsigned)(ch - 'a' + 10);
        else if (hex && ch >= 'A' && ch <= 'F')
            d = (unsigned)(ch - 'A' + 10);
        else
            return false;
        unsigned base = hex ? 16 : 10;
        if (v > (max - d) / base)
            return false;
        v = v * base + d;
    }
    *out = v;
    return true;
}

static int
hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/*
 * The "name"=data line of a reg add, or why it cannot be written. data is
 * NULL for an empty value; secret when it is a password (its value is
 * never known here: a placeholder of the same kind stands for it).
 */
static const char *
reg_data(struct md_buf *b, const char *type, const char *data, size_t dlen,
         bool secret)
{
    bool first = true;
    if (!type || !strcmp(type, "REG_SZ") ||
        (secret &&
         (!strcmp(type, "REG_EXPAND_SZ") || !strcmp(type, "REG_MULTI_SZ")))) {
        reg_quoted(b,
                   secret ? "********"
                   : data ? data
                          : "",
                   secret ? 8
                   : data ? dlen
                          : 0);
        return NULL;
    }
    if (secret) {
        md_buf_adds(b, "hex:2a,2a,2a,2a,2a,2a,2a,2a");
        return NULL;
    }
    if (!strcmp(type, "REG_EXPAND_SZ")) {
        md_buf_adds(b, "hex(2):");
        utf16_hex(b, data ? data : "", data ? dlen : 0, &first);
        return NULL;
    }
    if (!strcmp(type, "REG_MULTI_SZ")) {
        /* reg add separates strings with the two characters \0. */
        md_buf_adds(b, "hex(7):");
        size_t i = 0;
        while (data && i < dlen) {
            const char *sep = NULL;
            for (size_t k = i; k + 1 < dlen && !sep; k++)
                if (data[k] == '\\' && data[k + 1] == '0')
                    sep = data + k;
            size_t end = sep ? (size_t)(sep - data) : dlen;
            utf16_hex(b, data + i, end - i, &first);
            i = sep ? end + 2 : dlen;
        }
        hex_byte(b, 0, &first);
        hex_byte(b, 0, &first);
        return NULL;
    }
    uint64_t v;
    if (!strcmp(type, "REG_DWORD") || !strcmp(type, "REG_QWORD")) {
        int bits = type[4] == 'D' ? 32 : 64;
        if (!data || !parse_number(data, dlen, bits, &v))
            return "its data is not a number";
        if (bits == 32) {
            md_buf_printf(b, "dword:%08llx", (unsigned long long)v);
            return NULL;
        }
        md_buf_adds(b, "hex(b):");
        for (int k = 0; k < 8; k++)
            hex_byte(b, (unsigned)(v >> (8 * k)), &first);
        return NULL;
    }
    if (!strcmp(type, "REG_BINARY")) {
        md_buf_adds(b, "hex:");
        if (data && dlen % 2)
            return "its data is not whole bytes of hexadecimal";
        for (size_t i = 0; data && i < dlen; i += 2) {
            int hi = hexval(data[i]), lo = hexval(data[i + 1]);
            if (hi < 0 || lo < 0)
                return "its data is not hexadecimal";
            hex_byte(b, (unsigned)(hi << 4 | lo), &first);
        }
        return NULL;
    }
    return "its type is not one marsdiag writes (REG_SZ, REG_EXPAND_SZ, "
           "REG_MULTI_SZ, REG_DWORD, REG_QWORD, REG_BINARY)";
}

struct collect {
    struct md_change *c;
    struct md_evidence **v;
    size_t n, cap;
    size_t max, over; /* change_records; those past it, counted only */
};

static void
collect(void *user, const struct md_evidence *ev)
{
    struct collect *k = user;
    if (k->n == k->max) {
        k->over++;
        return;
    }
    if (k->n == k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 64;
        struct md_evidence **v = realloc(k->v, cap * sizeof *v);
        if (!v) {
            k->c->nomem = true;
            return;
        }
        k->v = v;
        k->cap = cap;
    }
    struct md_evidence *copy = md_evidence_copy(&k->c->arena, ev);
    if (!copy) {
        k->c->nomem = true;
        return;
    }
    k->v[k->n++] = copy;
}

static const char *
fstr(struct md_change *c, const struct md_evidence *ev, const char *name)
{
    const struct md_field *f = md_ev_field(ev, name);
    return f && f->type == MD_V_STR ? md_arena_strndup(&c->arena, f->s, f->len)
                                    : NULL;
}

/* Read text with parser p (into b, which the caller frees) as if it were
 * the change file's statement ev: the records, in k, cite ev's line and
 * excerpt. */
static void
read_as(struct md_change *c, const struct md_parser *p, const char *name,
        const char *text, size_t len, const struct md_evidence *ev,
        const struct md_limits *lim, struct md_bundle *b, struct collect *k)
{
    md_bundle_init(b, name);
    *k = (struct collect){.c = c, .max = (size_t)lim->change_records};
    struct md_scan_opts so = {
        .limits = *lim, .on_evidence = collect, .user = k};
    md_parse_memory(b, p, name, text ? text : "", len, 0, &so);
    for (size_t i = 0; i < k->n; i++) {
        k->v[i]->input = ev->input;
        k->v[i]->line = ev->line;
        k->v[i]->text = ev->text;
        k->v[i]->text_len = ev->text_len;
    }
}

/* Read the .reg document text with the reg parser, as if it were the
 * script's statement ev. */
static void
reg_document(struct md_change *c, const struct md_evidence *ev,
             const struct md_buf *doc, const struct md_limits *lim)
{
    struct md_bundle b;
    struct collect k;
    read_as(c, md_parser_find("reg"), "change.reg", doc->ptr, doc->len, ev, lim,
            &b, &k);
    for (size_t i = 0; i < k.n; i++)
        reg_record(c, k.v[i], false);
    free(k.v);
    md_bundle_free(&b);
}

/* reg add / reg delete / Set-ItemProperty (a change.reg record). */
static void
script_reg(struct md_change *c, const struct md_evidence *ev,
           const struct md_limits *lim)
{
    const char *action = fstr(c, ev, "action"), *key = fstr(c, ev, "key");
    const char *type = fstr(c, ev, "type");
    const struct md_field *name = md_ev_field(ev, "name");
    const struct md_field *data = md_ev_field(ev, "data");
    const struct md_field *allv = md_ev_field(ev, "all_values");
    bool add = action && !strcmp(action, "add");
    struct md_regpath rp;
    if (!key || !md_regpath_parse(&c->arena, key, strlen(key), &rp)) {
        skip_record(c, ev, false, "the key does not start with a hive");
        return;
    }
    const char *nm = name && name->type == MD_V_STR
                         ? md_arena_strndup(&c->arena, name->s, name->len)
                         : NULL;
    if (add && !nm) {
        skip_record(c, ev, true, "creates a key and sets no value");
        return;
    }
    if (data && data->type == MD_V_STR && is_ref(data->s, data->len)) {
        skip_record(c, ev, false,
                    md_arena_printf(&c->arena,
                                    "its data is %.*s, whose "
                                    "value is not known offline",
                                    (int)(data->len > 64 ? 64 : data->len),
                                    data->s));
        return;
    }
    if (!add && !nm && allv && allv->i) {
        op_add(c, MD_OP_DEL_VALUES, ev, rp.key, NULL);
        if (key_modelled(rp.key))
            action_add(c, "delete", target_of(rp.key, NULL),
                       md_arena_printf(&c->arena, "%s (every value)", rp.key),
                       NULL, ev);
        else
            skip_record(c, ev, true,
                        "deletes values marsdiag does not "
                        "read: no effect on the proxy verdict");
        return;
    }
    struct md_buf doc = MD_BUF_INIT((size_t)lim->reg_value_bytes * 8);
    md_buf_adds(&doc, "Windows Registry Editor Version 5.00\r\n\r\n");
    md_buf_printf(&doc, "[%s%s]\r\n", nm ? "" : "-", rp.key);
    const char *why = NULL;
    if (nm) {
        if (*nm)
            reg_quoted(&doc, nm, strlen(nm));
        else
            md_buf_addc(&doc, '@');
        md_buf_addc(&doc, '=');
        if (add)
            why = reg_data(&doc, type,
                           data && data->type == MD_V_STR ? data->s : NULL,
                           data && data->type == MD_V_STR ? data->len : 0,
                           data && data->type == MD_V_SECRET);
        else
            md_buf_addc(&doc, '-');
        md_buf_adds(&doc, "\r\n");
    }
    if (why) {
        skip_record(c, ev, false,
                    md_arena_printf(&c->arena, "%s %s: %s",
                                    type ? type : "REG_SZ", nm, why));
        md_buf_free(&doc);
        return;
    }
    size_t before = c->nops;
    reg_document(c, ev, &doc, lim);
    md_buf_free(&doc);
    bool modelled = nm ? value_modelled(rp.key, nm) : key_modelled(rp.key);
    if (c->nops == before) {
        skip_record(c, ev, false, "the registry write could not be read");
        return;
    }
    if (!modelled) {
        skip_record(c, ev, true,
                    "not a setting marsdiag reads: no effect "
                    "on the proxy verdict");
        return;
    }
    const char *value = NULL;
    for (size_t i = before; i < c->nops; i++) {
        const struct md_evidence *d = c->ops[i].ev;
        if (!strcmp(d->kind, "wininet.connection") ||
            !strcmp(d->kind, "winhttp.proxy") ||
            !strcmp(d->kind, "agent.proxy"))
            value = derived_text(c, d); /* a blob or agent value in words */
    }
    if (add && !value) {
        const char *v = data && data->type == MD_V_SECRET ? "(set)"
                        : data && data->type == MD_V_STR
                            ? md_arena_strndup(&c->arena, data->s, data->len)
                            : "(empty)";
        value =
            md_arena_printf(&c->arena, "%s (%s)", v, type ? type : "REG_SZ");
    }
    action_add(c, add ? "set" : "delete", target_of(rp.key, nm),
               setting_of(c, rp.key, nm), value, ev);
}

/* ---- agent and WinHTTP commands ---------------------------------------- */

/* A field written as a variable or expression: its value is unknown. */
static const struct md_field *
unknown_value(const struct md_evidence *ev, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const struct md_field *f = md_ev_field(ev, names[i]);
        if (f && f->type == MD_V_STR && is_ref(f->s, f->len))
            return f;
    }
    return NULL;
}

/* ev is not applied: it uses unk, a variable or expression. */
static void
skip_unknown(struct md_change *c, const struct md_evidence *ev,
             const struct md_field *unk)
{
    skip_record(c, ev, false,
                md_arena_printf(&c->arena,
                                "uses %.*s, whose value is not known offline",
                                (int)(unk->len > 64 ? 64 : unk->len), unk->s));
}

static void
agent_record(struct md_change *c, const struct md_evidence *at,
             const char *field, const struct md_field *value)
{
    struct md_evidence *r = md_rec_new(&c->arena, "agent.proxy", at);
    md_ev_strz(r, "field", field);
    md_ev_copy(r, "value", value);
    md_ev_strz(r, "origin", "change");
    if (r)
        op_add(c, MD_OP_RECORD, r, NULL, NULL);
}

/* Set-OBMachineSetting, MARSAgentInstaller.exe, SetMarsProxy.exe: the
 * agent's whole proxy is replaced. */
static void
script_agent(struct md_change *c, const struct md_evidence *ev)
{
    static const char *const plain[] = {"server", "port", "user", "bypass"};
    const struct md_field *unk = unknown_value(ev, plain, 4);
    if (unk) {
        skip_unknown(c, ev, unk);
        return;
    }
    const struct md_field *np = md_ev_field(ev, "no_proxy");
    op_add(c, MD_OP_AGENT_ALL, ev, NULL, NULL);
    if (np && np->i) {
        struct md_field off = {.type = MD_V_BOOL, .i = 0};
        agent_record(c, ev, "enabled", &off);
        action_add(c, "clear", "agent", "proxy", NULL, ev);
        return;
    }
    struct md_buf say = MD_BUF_INIT(0);
    for (size_t i = 0; i < 5; i++) {
        static const char *const names[] = {"server", "port", "user",
                                            "password", "bypass"};
        const struct md_field *f = md_ev_field(ev, names[i]);
        if (!f || f->type == MD_V_NULL)
            continue;
        struct md_field v = *f;
        if (v.type == MD_V_SECRET && v.len == 0)
            v.len = 8; /* given through a variable: set, length unknown */
        agent_record(c, ev, names[i], &v);
        md_buf_printf(&say, "%s%s %s", say.len ? ", " : "", names[i],
                      field_text(c, &v));
    }
    struct md_field on = {.type = MD_V_BOOL, .i = 1};
    agent_record(c, ev, "enabled", &on);
    action_add(c, "set", "agent", "proxy",
               md_arena_strdup(&c->arena, say.ptr ? say.ptr : "(nothing)"), ev);
    md_buf_free(&say);
}

/* netsh winhttp set|reset|import proxy. */
static void
script_winhttp(struct md_change *c, const struct md_evidence *ev)
{
    const char *action = fstr(c, ev, "action");
    const struct md_field *srv = md_ev_field(ev, "proxy_server");
    const struct md_field *byp = md_ev_field(ev, "bypass");
    bool reset = action && !strcmp(action, "reset");
    if (action && !strcmp(action, "import")) {
        skip_record(c, ev, false,
                    "copies the Internet Explorer proxy of "
                    "the account that runs it, which is not "
                    "known offline");
        return;
    }
    if (!reset && (!srv || srv->type != MD_V_STR || !srv->len)) {
        skip_record(c, ev, false,
                    "netsh winhttp set proxy without a proxy "
                    "server");
        return;
    }
    static const char *const names[] = {"proxy_server", "bypass"};
    const struct md_field *unk = reset ? NULL : unknown_value(ev, names, 2);
    if (unk) {
        skip_unknown(c, ev, unk);
        return;
    }
    struct md_evidence *r = md_rec_new(&c->arena, "winhttp.proxy", ev);
    md_ev_strz(r, "source", "netsh");
    md_ev_bool(r, "direct", reset);
    md_ev_copy(r, "proxy_server", reset ? NULL : srv);
    md_ev_copy(r, "bypass", reset ? NULL : byp);
    if (!r)
        return;
    op_add(c, MD_OP_RECORD, r, NULL, NULL);
    action_add(c, reset ? "reset" : "set", "winhttp", "proxy",
               derived_text(c, r), ev);
}

/* ---- the change file --------------------------------------------------- */

/* One record of a script, in file order. */
static void
script_record(struct md_change *c, const struct md_evidence *ev,
              const struct md_limits *lim)
{
    if (kind_is(ev, "change.statement")) {
        skip_record(c, ev, str_field_is(ev, "status", "ignored"),
                    fstr(c, ev, "reason"));
    } else if (kind_is(ev, "change.agent_proxy")) {
        script_agent(c, ev);
    } else if (kind_is(ev, "change.winhttp")) {
        script_winhttp(c, ev);
    } else if (kind_is(ev, "change.reg")) {
        script_reg(c, ev, lim);
    } else if (kind_is(ev, "secret.plaintext")) {
        /* Not a setting, but the password is in the change (MP020). */
        op_add(c, MD_OP_RECORD, ev, NULL, NULL);
    } else {
        skip_record(c, ev, true,
                    "output of a command (a capture of the "
                    "settings), not a change");
    }
}

/* The next splat in s[*i..len) (@name at a word's start, outside quotes):
 * its name at s[*from..*from + *n). */
static bool
next_splat(const char *s, size_t len, size_t *i, size_t *from, size_t *n)
{
    char q = 0;
    for (size_t k = *i; k < len; k++) {
        char ch = s[k];
        if (q) {
            q = ch == q ? 0 : q;
            continue;
        }
        if (ch == '\'' || ch == '"') {
            q = ch;
            continue;
        }
        if (ch != '@' || (k > 0 && !strchr(" \t\n", s[k - 1])))
            continue;
        size_t e = k + 1;
        while (e < len && (s[e] == '_' || (s[e] >= '0' && s[e] <= '9') ||
                           ((s[e] | 0x20) >= 'a' && (s[e] | 0x20) <= 'z')))
            e++;
        if (e == k + 1)
            continue;
        *from = k + 1;
        *n = e - k - 1;
        *i = e;
        return true;
    }
    return false;
}

/* The first warning the parser gave of b, copied to c's arena, or NULL. */
static const char *
first_warning(struct md_change *c, const struct md_bundle *b)
{
    for (const struct md_input *in = b->inputs; in; in = in->next)
        for (const struct md_diag *d = in->diags; d; d = d->next)
            if (d->grade >= MD_GRADE_WARN)
                return md_arena_strdup(&c->arena, d->msg);
    return NULL;
}

/*
 * A statement that splats a hashtable (Set-OBMachineSetting @p) is read
 * again with the hashtable's pairs in its place, as PowerShell passes
 * them; when they are not known (no hashtable literal assigned before it,
 * one changed since, a value that is an expression) it is not applied.
 * True when ev was handled here.
 */
static bool
splat_record(struct md_change *c, const struct md_evidence *ev,
             const struct md_ps_script *ps, const struct md_limits *lim)
{
    size_t i = 0, from, n, done = 0;
    if (!ev->text ||
        !(kind_is(ev, "change.agent_proxy") || kind_is(ev, "change.winhttp") ||
          kind_is(ev, "change.reg") ||
          (kind_is(ev, "change.statement") &&
           str_field_is(ev, "status", "not_understood"))))
        return false;
    if (!next_splat(ev->text, ev->text_len, &i, &from, &n))
        return false;
    struct md_buf stmt = MD_BUF_INIT((size_t)lim->record_bytes);
    for (i = 0; next_splat(ev->text, ev->text_len, &i, &from, &n);) {
        const char *why = NULL;
        const char *args =
            md_ps_splat(ps, &c->arena, ev->text + from, n, ev->line, &why);
        if (!args) {
            skip_record(c, ev, false,
                        md_arena_printf(&c->arena,
                                        "splatted arguments (@%.*s) are not "
                                        "followed: %s",
                                        (int)(n > 64 ? 64 : n), ev->text + from,
                                        why ? why : "not known"));
            md_buf_free(&stmt);
            return true;
        }
        md_buf_add(&stmt, ev->text + done, from - 1 - done);
        md_buf_adds(&stmt, args);
        done = from + n;
    }
    md_buf_add(&stmt, ev->text + done, ev->text_len - done);
    for (size_t k = 0; k < stmt.len; k++)
        if (stmt.ptr[k] == '\n' || stmt.ptr[k] == '\r')
            stmt.ptr[k] = ' '; /* one statement, whatever its lines */
    struct md_bundle b;
    struct collect k;
    read_as(c, &md_parser_pscapture_changes, "splat.ps1", stmt.ptr, stmt.len,
            ev, lim, &b, &k);
    const char *warn = first_warning(c, &b);
    if (warn)
        skip_record(c, ev, false, warn);
    for (size_t j = 0; !warn && j < k.n; j++)
        script_record(c, k.v[j], lim);
    free(k.v);
    md_bundle_free(&b);
    md_buf_free(&stmt);
    return true;
}

/* Did the parser warn about ev's line (a statement cut at a limit, the
 * rest of its arguments ignored, a continued one the file ends)? Then it
 * was not read whole, and applying part of it would mislead: the warning
 * is listed as not understood instead. In a .reg file, a value cut at a
 * limit. */
static bool
read_in_part(const struct md_change *c, const struct md_evidence *ev,
             bool script)
{
    if (script ? strncmp(ev->kind, "change.", 7) != 0
               : kind_is(ev, "secret.plaintext"))
        return false;
    for (const struct md_input *in = c->file.inputs; in; in = in->next)
        for (const struct md_diag *d = in->diags; d; d = d->next)
            if (d->grade >= MD_GRADE_WARN && d->line == ev->line &&
                (script || d->code == MD_ERR_LIMIT))
                return true;
    return false;
}

/* A password assigned in plain text to a variable (or written in a
 * hashtable) is in the change as much as one written where it is used
 * (MP020). */
static void
plaintext_variable(struct md_change *c, const struct md_ps_note *n)
{
    struct md_evidence *ev = md_rec_new(&c->arena, "secret.plaintext", NULL);
    if (!ev) {
        c->nomem = true;
        return;
    }
    ev->input = c->file.inputs;
    ev->line = n->line;
    ev->text = n->text; /* masked */
    ev->text_len = n->text ? strlen(n->text) : 0;
    md_ev_strz(ev, "what", n->reason);
    op_add(c, MD_OP_RECORD, ev, NULL, NULL);
}

/* Is line t a comment of a script: #, <# … #> (*in: inside one), cmd's
 * REM and ::, as the parser has them? */
static bool
comment_line(struct md_slice t, bool cmd, bool *in)
{
    if (cmd) {
        if (t.len && t.ptr[0] == '@')
            t = md_slice_trim(md_slice_of(t.ptr + 1, t.len - 1));
        return md_slice_istarts(t, "::") ||
               (md_slice_istarts(t, "rem") &&
                (t.len == 3 || t.ptr[3] == ' ' || t.ptr[3] == '\t'));
    }
    if (*in) {
        *in = md_slice_ifind(t, "#>") < 0;
        return true;
    }
    if (md_slice_istarts(t, "<#")) {
        *in = md_slice_ifind(t, "#>") < 2;
        return true;
    }
    return t.len && t.ptr[0] == '#';
}

/* Lines of the script the parser read that hold more than comments. */
static size_t
content_lines(const struct md_change *c, bool cmd)
{
    size_t n = 0;
    bool in = false;
    const char *s = c->text.ptr, *end = s ? s + c->text.len : NULL;
    while (s && s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        struct md_slice t =
            md_slice_trim(md_slice_of(s, (size_t)((nl ? nl : end) - s)));
        n += t.len && !comment_line(t, cmd, &in);
        s = nl ? nl + 1 : end;
    }
    return n;
}

static enum md_status fail(struct md_change *c, enum md_status st,
                           const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum md_status
fail(struct md_change *c, enum md_status st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->error, sizeof c->error, fmt, ap);
    va_end(ap);
    return st;
}

/* Read the whole file (at most lim->change_bytes). */
static enum md_status
slurp(struct md_change *c, const char *path, const struct md_limits *lim,
      unsigned char **data, size_t *len)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return fail(c, errno == ENOENT ? MD_ERR_NOTFOUND : MD_ERR_IO,
                    "cannot read '%s': %s", path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return fail(c, MD_ERR_USAGE, "'%s' is not a file%s", path,
                    ": --change takes one .reg file, script or transcript");
    if ((uint64_t)st.st_size > lim->change_bytes)
        return fail(c, MD_ERR_LIMIT, "'%s' is larger than limit %s", path,
                    "'change_bytes'");
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(c, MD_ERR_IO, "cannot read '%s': %s", path,
                    strerror(errno));
    *data = malloc((size_t)st.st_size + 1);
    *len = *data ? fread(*data, 1, (size_t)st.st_size, f) : 0;
    bool bad = ferror(f);
    fclose(f);
    if (!*data)
        return fail(c, MD_ERR_NOMEM, "'%s': %s", path, "out of memory");
    if (bad)
        return fail(c, MD_ERR_IO, "cannot read '%s': %s", path, "I/O error");
    return MD_OK;
}

/* UTF-32 (Out-File -Encoding utf32 writes it): a byte order mark, or
 * ASCII with three NULs after (or before) every byte. UTF-16 would read
 * it as text with a NUL between characters. */
static bool
utf32(const unsigned char *d, size_t len)
{
    if (len >= 4 && ((d[0] == 0xFF && d[1] == 0xFE && !d[2] && !d[3]) ||
                     (!d[0] && !d[1] && d[2] == 0xFE && d[3] == 0xFF)))
        return true;
    size_t n = len < 4096 ? len / 4 : 1024, le = 0, be = 0;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *u = d + 4 * i;
        le += u[0] && !u[1] && !u[2] && !u[3];
        be += !u[0] && !u[1] && !u[2] && u[3];
    }
    return n >= 2 && (le * 10 >= n * 9 || be * 10 >= n * 9);
}

/* Decode to c->text and tell a .reg file from a script. */
static enum md_status
sniff(struct md_change *c, const unsigned char *data, size_t len)
{
    if (len >= 4 && ((data[0] == 'P' && data[1] == 'K' && data[2] < 9) ||
                     (data[0] == 0x1f && data[1] == 0x8b)))
        return fail(c, MD_ERR_USAGE, "'%s' is an archive%s", c->path,
                    ": --change takes one .reg file, script or transcript");
    if (utf32(data, len))
        return fail(c, MD_ERR_ENCODING, "'%s' is in UTF-32%s", c->path,
                    ", which marsdiag does not read: save it as UTF-8 "
                    "or UTF-16");
    size_t bom = 0;
    enum md_encoding enc =
        md_encoding_detect(data, len < 4096 ? len : 4096, &bom);
    if (enc == MD_ENC_BINARY)
        return fail(c, MD_ERR_USAGE, "'%s' is not a text file%s", c->path,
                    ": --change takes one .reg file, script or transcript");
    struct md_decoder d;
    md_decoder_init(&d, enc);
    enum md_status st = md_decode(&d, data + bom, len - bom, true, &c->text);
    if (st != MD_OK)
        return fail(c, st, "cannot decode '%s': %s", c->path,
                    md_status_str(st));
    struct md_slice t =
        md_slice_trim(md_slice_of(c->text.ptr ? c->text.ptr : "", c->text.len));
    c->type = md_slice_istarts(t, "Windows Registry Editor Version") ||
                      md_slice_istarts(t, "REGEDIT4")
                  ? "reg"
                  : "pscapture";
    return MD_OK;
}

/* Problems the parser reported: the lines they concern were not (fully)
 * read, so they are not understood. Then all skips in line order (a
 * stable insertion sort: they are few and mostly in order already). */
static void
diagnostics(struct md_change *c)
{
    for (const struct md_input *in = c->file.inputs; in; in = in->next)
        for (const struct md_diag *d = in->diags; d; d = d->next)
            if (d->grade >= MD_GRADE_WARN)
                skip_add(c, false, d->msg, d->line, NULL);
    for (size_t i = 1; i < c->nskips; i++) {
        struct md_change_skip s = c->skips[i];
        size_t j = i;
        while (j > 0 && c->skips[j - 1].line > s.line) {
            c->skips[j] = c->skips[j - 1];
            j--;
        }
        c->skips[j] = s;
    }
}

/* A PowerShell script is read whole first (review_ps.c): the parser then
 * reads c->text as it prepared it, here-string bodies empty and passwords
 * held in variables masked. */
static enum md_status
prepare_script(struct md_change *c, const struct md_limits *lim,
               struct md_ps_script *ps)
{
    /* A NUL (U+0000 of UTF-16) would make the text binary. */
    char *nul = c->text.len ? memchr(c->text.ptr, '\0', c->text.len) : NULL;
    for (; nul;
         nul = memchr(nul, '\0', c->text.len - (size_t)(nul - c->text.ptr)))
        *nul = '?';
    char why[200] = "";
    enum md_status st = md_ps_read(&c->arena, c->text.ptr, c->text.len, lim, ps,
                                   why, sizeof why);
    if (st == MD_ERR_LIMIT)
        return fail(c, st, "'%s' is too long to review: %s", c->path, why);
    if (st != MD_OK)
        return fail(c, st, "cannot read '%s': %s", c->path, md_status_str(st));
    if (ps->unchanged)
        return MD_OK;
    md_buf_free(&c->text);
    c->text = ps->text;
    ps->text = (struct md_buf)MD_BUF_INIT(0);
    return MD_OK;
}

/*
 * A file none of whose statements marsdiag understands is no change it
 * can review (a web.config, a shell script, JSON): saying that it changes
 * nothing would be a clean verdict on nothing. content is how many lines
 * hold more than comments; an empty or comment-only file changes nothing
 * and is reviewed as such.
 */
static enum md_status
check_understood(struct md_change *c, size_t content)
{
    size_t unread = 0;
    uint64_t first = 0;
    for (size_t i = 0; i < c->nskips; i++) {
        if (c->skips[i].understood)
            return MD_OK;
        first = unread++ ? first : c->skips[i].line;
    }
    if (c->nactions || (!unread && !content))
        return MD_OK;
    if (unread)
        return fail(c, MD_ERR_SYNTAX,
                    "nothing in '%s' is a change marsdiag understands: %zu "
                    "statement%s not understood (the first at line %llu)",
                    c->path, unread, unread == 1 ? "" : "s",
                    (unsigned long long)first);
    return fail(c, MD_ERR_SYNTAX,
                "nothing in '%s' is a change marsdiag understands: its %zu "
                "line%s hold%s no statement",
                c->path, content, content == 1 ? "" : "s",
                content == 1 ? "s" : "");
}

/* The records the parser made of the change file (and, for a PowerShell
 * script, what its reader says) into actions, operations and skips. */
static void
apply_records(struct md_change *c, const struct collect *k,
              const struct md_ps_script *ps, bool pwsh,
              const struct md_limits *lim)
{
    for (size_t i = 0; pwsh && i < ps->nnotes; i++)
        skip_add(c, ps->notes[i].understood, ps->notes[i].reason,
                 ps->notes[i].line, ps->notes[i].text);
    for (size_t i = 0; i < k->n; i++) {
        if (read_in_part(c, k->v[i], ps != NULL))
            continue;
        if (!ps)
            reg_record(c, k->v[i], true);
        else if (!pwsh || !splat_record(c, k->v[i], ps, lim))
            script_record(c, k->v[i], lim);
    }
    for (size_t i = 0; pwsh && i < ps->nplain; i++)
        plaintext_variable(c, &ps->plain[i]);
}

enum md_status
md_change_read(const char *path, const struct md_limits *lim,
               struct md_change **out)
{
    struct md_change *c = calloc(1, sizeof *c);
    *out = c;
    if (!c)
        return MD_ERR_NOMEM;
    c->path = path;
    c->text.max = (size_t)lim->change_bytes * 2;
    md_bundle_init(&c->file, path);
    unsigned char *data = NULL;
    size_t len = 0;
    struct md_ps_script ps = {0};
    enum md_status st = slurp(c, path, lim, &data, &len);
    if (st == MD_OK)
        st = sniff(c, data, len);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    bool script = st == MD_OK && strcmp(c->type, "reg") != 0;
    bool pwsh = script && !md_name_has_ext(base, ".cmd") &&
                !md_name_has_ext(base, ".bat");
    if (pwsh)
        st = prepare_script(c, lim, &ps);
    if (st != MD_OK) {
        free(data);
        md_ps_free(&ps);
        return st;
    }
    const struct md_parser *p =
        script ? &md_parser_pscapture_changes : md_parser_find("reg");
    struct collect k = {.c = c, .max = (size_t)lim->change_records};
    struct md_scan_opts so = {
        .limits = *lim, .on_evidence = collect, .user = &k};
    const char *text = c->text.ptr ? c->text.ptr : "";
    st = md_parse_memory(&c->file, p, base, pwsh ? text : (void *)data,
                         pwsh ? c->text.len : len, 0, &so);
    free(data);
    /* Each record is checked against those before it (op_add): a
     * planned change is a few statements, and a review of part of one
     * would mislead, so past the limit there is no review at all. */
    if (st == MD_OK && k.over) {
        free(k.v);
        md_ps_free(&ps);
        return fail(c, MD_ERR_LIMIT,
                    "'%s' has %zu statements and registry values, more "
                    "than limit 'change_records' (%llu)",
                    path, k.n + k.over, (unsigned long long)k.max);
    }
    apply_records(c, &k, script ? &ps : NULL, pwsh, lim);
    free(k.v);
    diagnostics(c);
    if (st == MD_OK && c->nomem)
        st = MD_ERR_NOMEM;
    if (st != MD_OK)
        fail(c, st, "cannot read '%s': %s", path, md_status_str(st));
    else
        st = check_understood(c, script ? content_lines(c, !pwsh) : 0);
    md_ps_free(&ps);
    return st;
}

void
md_change_free(struct md_change *c)
{
    if (!c)
        return;
    md_bundle_free(&c->file);
    md_arena_free(&c->arena);
    md_buf_free(&c->text);
    free(c->actions);
    free(c->skips);
    free(c->ops);
    free(c);
}
