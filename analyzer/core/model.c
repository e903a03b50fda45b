/*
 * The model builder (marsdiag/model.h): evidence records to facts.
 * Source mapping: DESIGN §1 stage 5; WinINet semantics domain-reference
 * §3 (the binary DefaultConnectionSettings is what WinINet uses; the
 * legacy values are read when there is no blob), per-machine mode §3.4.
 */
#include "marsdiag/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "marsdiag/buf.h"
#include "marsdiag/names.h"
#include "parser.h"

#define MAX_CATS 32
#define EV_PER_CAT 3

/* One set of WinINet settings (SYSTEM, the HKLM copy, one user): the
 * latest record of each value. */
struct inet {
    const char *sid;
    const struct md_evidence *enable, *server, *override, *autocfg, *blob;
};

#define HOSTS_PER_CAT 8

/* Sources of host.name, best first (offer_host). */
enum host_rank { HOST_REG, HOST_EVENT, HOST_MEMBER, HOST_BUNDLE, HOST_NONE };

struct cat {
    const char *hosts[HOSTS_PER_CAT]; /* distinct hosts the events name */
    size_t nhosts;
    const char *name;
    uint64_t counted; /* the record (log_seq) that last counted it */
    uint64_t count;
    struct md_fact *first, *last;
    const struct md_evidence *ev[EV_PER_CAT];
    size_t nev;
};

struct md_model {
    struct md_arena arena;
    struct md_fact *root;
    md_classify_fn classify;
    void *cuser;
    struct inet hku, hklm, nwsys;
    struct inet *users;
    size_t nusers, capusers;
    const struct md_evidence *per_user; /* ProxySettingsPerUser */
    struct cat cats[MAX_CATS];
    size_t ncats;
    const struct md_evidence *log_ev; /* the record being classified */
    uint64_t log_seq;                 /* classified records so far */
    const char *log_text;             /* the text classified */
    size_t log_len;
    const struct md_input *log_input; /* the last log input seen ... */
    bool log_input_engine;            /* ... and whether it is CBEngine* */
    struct md_evidence *log_copy;     /* its copy, made on first need */
    bool agent_data, engine_log, winhttp_seen;
    const struct md_input *winhttp_input; /* of the last WinHTTP record */
    /* A defaultProxy's bypass entries come before its record (emitted at
     * its end tag): they wait here, for the same file. */
    const struct md_input *bypass_input;
    struct md_buf bypass;
    const struct md_evidence *bypass_ev[8];
    size_t nbypass_ev;
    /* .NET TLS values: [0] the 64-bit view, [1] WOW6432Node. */
    const struct md_evidence *tls_strong[2], *tls_default[2];
    bool tls_seen[2];
    /* Classified log events per hour (md_model_log_hours). */
    struct md_log_hour *hours;
    size_t nhours, caphours;
    uint64_t hours_untimed, hours_dropped;
    uint16_t *hour_slots; /* HOUR_SLOTS: 0 empty, else index + 1 */
    /* host.name: the best source seen so far (enum host_rank). */
    char host[64];
    int host_rank;
    const struct md_evidence *host_ev;
    const struct md_input *host_input; /* the last input looked at */
};

struct md_model *
md_model_new(void)
{
    struct md_model *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->root = md_fact_new(&m->arena, MD_F_OBJ);
    if (!m->root) {
        free(m);
        return NULL;
    }
    m->host_rank = HOST_NONE;
    return m;
}

void
md_model_set_classifier(struct md_model *m, md_classify_fn fn, void *user)
{
    m->classify = fn;
    m->cuser = user;
}

struct md_fact *
md_model_root(struct md_model *m)
{
    return m->root;
}

struct md_arena *
md_model_arena(struct md_model *m)
{
    return &m->arena;
}

void
md_model_free(struct md_model *m)
{
    if (!m)
        return;
    md_arena_free(&m->arena);
    md_buf_free(&m->bypass);
    free(m->users);
    free(m->hours);
    free(m->hour_slots);
    free(m);
}

/* ---- helpers ----------------------------------------------------------- */

static bool
host_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
}

static struct md_fact *
obj(struct md_model *m, struct md_fact *parent, const char *key)
{
    return md_fact_child(&m->arena, parent, key, MD_F_OBJ);
}

static const struct md_field *
field(const struct md_evidence *ev, const char *name)
{
    return ev ? md_ev_field(ev, name) : NULL;
}

static bool
field_is(const struct md_evidence *ev, const char *name, const char *val)
{
    const struct md_field *f = field(ev, name);
    return f && f->type == MD_V_STR && f->len == strlen(val) &&
           memcmp(f->s, val, f->len) == 0;
}

/* A field as a fact (NULL for null or absent fields; secrets are true). */
static struct md_fact *
fact_of(struct md_model *m, const struct md_field *f)
{
    if (!f)
        return NULL;
    switch (f->type) {
    case MD_V_STR:
        return md_fact_str(&m->arena, f->s, f->len);
    case MD_V_INT:
        return md_fact_int(&m->arena, f->i);
    case MD_V_BOOL:
        return md_fact_bool(&m->arena, f->i != 0);
    case MD_V_SECRET:
        return md_fact_bool(&m->arena, f->len > 0);
    case MD_V_NULL:
        break;
    }
    return NULL;
}

static void
fact_text(const struct md_fact *f, char *buf, size_t n)
{
    if (!f)
        snprintf(buf, n, "(none)");
    else if (f->type == MD_F_STR)
        snprintf(buf, n, "%.*s", (int)f->len, f->s);
    else if (f->type == MD_F_BOOL)
        snprintf(buf, n, "%s", f->i ? "true" : "false");
    else
        snprintf(buf, n, "%lld", (long long)f->i);
}

/* Set parent.key = v citing ev; if a different value is already there,
 * keep it and record the conflict with both records. */
static void
set(struct md_model *m, struct md_fact *parent, const char *key,
    struct md_fact *v, const struct md_evidence *ev, const char *path)
{
    if (!parent || !v)
        return;
    struct md_fact *old = (struct md_fact *)md_fact_get(parent, key);
    if (old && !md_fact_equal(old, v)) {
        struct md_fact *list = md_fact_child(&m->arena, m->root, "conflicts",
                                             MD_F_LIST);
        struct md_fact *c = md_fact_new(&m->arena, MD_F_OBJ);
        char a[256], b[256];
        fact_text(old, a, sizeof a);
        fact_text(v, b, sizeof b);
        md_fact_put(&m->arena, c, "fact",
                    md_fact_str(&m->arena, path, strlen(path)));
        md_fact_put(&m->arena, c, "first", md_fact_str(&m->arena, a, strlen(a)));
        md_fact_put(&m->arena, c, "other", md_fact_str(&m->arena, b, strlen(b)));
        for (size_t i = 0; i < old->nev; i++)
            md_fact_cite(&m->arena, c, old->ev[i]);
        md_fact_cite(&m->arena, c, ev);
        md_fact_append(&m->arena, list, c);
        return;
    }
    if (old) {
        md_fact_cite(&m->arena, old, ev);
        return;
    }
    md_fact_cite(&m->arena, v, ev);
    md_fact_put(&m->arena, parent, key, v);
}

static struct md_fact *
str_fact(struct md_model *m, const char *s)
{
    return md_fact_str(&m->arena, s, strlen(s));
}

/* ---- A: the agent's own proxy ------------------------------------------ */

/* key is the agent's ...\Windows Azure Backup\Setup or below it. */
static bool
under_setup(const char *key)
{
    static const char setup[] = "\\Windows Azure Backup\\Setup";
    struct md_slice k = md_slice_of(key, strlen(key));
    long at = md_slice_ifind(k, setup);
    if (at < 0)
        return false;
    char next = key[at + sizeof setup - 1];
    return next == '\0' || next == '\\';
}

static void
add_agent(struct md_model *m, const struct md_evidence *ev)
{
    struct md_fact *proxy = obj(m, obj(m, m->root, "agent"), "proxy");
    const struct md_field *f = field(ev, "field"), *v = field(ev, "value");
    if (!f || f->type != MD_V_STR)
        return;
    struct md_slice name = {f->s, f->len};
    m->agent_data = true;
    if (md_slice_ieq(name, "port")) {
        if (v && v->type == MD_V_INT)
            set(m, proxy, "port", md_fact_int(&m->arena, v->i), ev,
                "agent.proxy.port");
        if (v && (v->type == MD_V_STR || v->type == MD_V_INT)) {
            char t[32];
            if (v->type == MD_V_INT)
                snprintf(t, sizeof t, "%lld", (long long)v->i);
            struct md_fact *tf = v->type == MD_V_INT ? str_fact(m, t)
                                                     : fact_of(m, v);
            set(m, proxy, "port_text", tf, ev, "agent.proxy.port_text");
        }
        return;
    }
    static const char *const names[] = {"server", "user", "password",
                                        "enabled", "bypass"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!md_slice_ieq(name, names[i]))
            continue;
        struct md_fact *val = fact_of(m, v);
        /* An empty user name or server is no user name or server. */
        if (val && val->type == MD_F_STR && val->len == 0)
            return;
        if (val && !strcmp(names[i], "enabled") && val->type == MD_F_INT)
            val = md_fact_bool(&m->arena, val->i != 0);
        char path[64];
        snprintf(path, sizeof path, "agent.proxy.%s", names[i]);
        set(m, proxy, names[i], val, ev, path);
    }
}

/* ---- B, C: WinINet ------------------------------------------------------ */

static bool
key_is(const struct md_evidence *ev, const char *suffix)
{
    if (!ev->key)
        return false;
    struct md_slice k = {ev->key, strlen(ev->key)};
    return md_slice_iends(k, suffix);
}

static struct inet *
user_inet(struct md_model *m, const char *sid)
{
    for (size_t i = 0; i < m->nusers; i++)
        if (strcmp(m->users[i].sid, sid) == 0)
            return &m->users[i];
    if (m->nusers == m->capusers) {
        size_t cap = m->capusers ? m->capusers * 2 : 4;
        struct inet *u = realloc(m->users, cap * sizeof *u);
        if (!u)
            return NULL;
        m->users = u;
        m->capusers = cap;
    }
    struct inet *u = &m->users[m->nusers++];
    memset(u, 0, sizeof *u);
    u->sid = md_arena_strdup(&m->arena, sid);
    return u;
}

/* Which WinINet settings set a registry record belongs to, or NULL. */
static struct inet *
inet_of(struct md_model *m, const struct md_evidence *ev)
{
    const struct md_field *scope = field(ev, "scope");
    if (!scope || scope->type != MD_V_STR)
        return NULL;
    if (field_is(ev, "scope", "system"))
        return &m->hku;
    /* Key names are case-insensitive, and reg query echoes them as
     * typed. The agent is a 64-bit process: it reads the 64-bit view, so
     * a WOW6432Node copy (the 32-bit view, or the same key when shared)
     * is not the machine's setting and must not replace it. */
    if (field_is(ev, "scope", "machine"))
        return md_name_contains(
                   ev->key, "\\Windows\\CurrentVersion\\Internet Settings") &&
                       !md_name_contains(ev->key, "\\WOW6432Node\\")
                   ? &m->hklm
                   : NULL;
    if (field_is(ev, "scope", "user")) {
        const struct md_field *sid = field(ev, "sid");
        char s[128];
        if (sid && sid->type == MD_V_STR)
            snprintf(s, sizeof s, "%.*s", (int)sid->len, sid->s);
        else
            snprintf(s, sizeof s, "HKEY_CURRENT_USER");
        return user_inet(m, s);
    }
    return NULL;
}

static void
add_inet_value(struct md_model *m, struct inet *in, const char *name,
               const struct md_evidence *ev)
{
    if (!md_strcasecmp(name, "ProxyEnable"))
        in->enable = ev;
    else if (!md_strcasecmp(name, "ProxyServer"))
        in->server = ev;
    else if (!md_strcasecmp(name, "ProxyOverride"))
        in->override = ev;
    else if (!md_strcasecmp(name, "AutoConfigURL"))
        in->autocfg = ev;
    (void)m;
}

static void add_secret_at(struct md_model *m, const struct md_evidence *ev,
                          const char *what);

/* HKLM\SOFTWARE\[WOW6432Node\]Microsoft\.NETFramework\v4.0.30319: 0 for
 * the 64-bit view, 1 for the 32-bit one, -1 for other keys. */
static int
dotnet_tls_view(const char *key)
{
    struct md_slice k = {key, strlen(key)};
    if (md_slice_ieq(k, "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\.NETFramework"
                        "\\v4.0.30319"))
        return 0;
    if (md_slice_ieq(k, "HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft"
                        "\\.NETFramework\\v4.0.30319"))
        return 1;
    return -1;
}

/* ---- the host's name ------------------------------------------------- */

/*
 * Sources of host.name, best first: the registry's ComputerName, the
 * <Computer> of an event (its first label: the name, not the domain), the
 * {ComputerName}_ prefix collectors put on member names (domain-reference
 * §9), and the bundle's own name, HOST_MARS_date.zip (§9.4). The first
 * name of the best source wins; waivers and fleet roll-ups match on it.
 */
static void
offer_host(struct md_model *m, enum host_rank rank, const char *s, size_t n,
           const struct md_evidence *ev)
{
    if ((int)rank >= m->host_rank || n == 0 || n >= sizeof m->host)
        return;
    for (size_t i = 0; i < n; i++)
        if (!host_char(s[i]) || s[i] == '.')
            return; /* not a computer name; keep looking */
    memcpy(m->host, s, n);
    m->host[n] = '\0';
    m->host_rank = rank;
    m->host_ev = ev;
}

static const char *
base_name(const char *path)
{
    const char *b = strrchr(path, '/');
    return b ? b + 1 : path;
}

/* NAME when base is NAME + one of the suffixes (case-insensitive). */
static size_t
prefix_before(const char *base, const char *const *suffixes, size_t nsuf)
{
    for (const char *u = strchr(base, '_'); u; u = strchr(u + 1, '_'))
        for (size_t i = 0; i < nsuf; i++)
            if (!md_strncasecmp(u, suffixes[i], strlen(suffixes[i])))
                return (size_t)(u - base);
    return 0;
}

static void
host_from_names(struct md_model *m, const struct md_input *in)
{
    static const char *const member[] = {
        "_CBEngine", "__Azure Recovery Services", "_Azure Recovery Services",
        "_evt_", "_MicrosoftAzureRecoveryServices", "_TcpIp-Info",
        "_Whoami", "_OBManagedlog"};
    static const char *const bundle[] = {"_MARS_"};
    if (in == m->host_input)
        return;
    m->host_input = in;
    const char *b = base_name(in->path);
    offer_host(m, HOST_MEMBER, b,
               prefix_before(b, member, sizeof member / sizeof *member), NULL);
    if (in->bundle) {
        b = base_name(in->bundle);
        offer_host(m, HOST_BUNDLE, b, prefix_before(b, bundle, 1), NULL);
    }
}

static void
host_from_event(struct md_model *m, const struct md_evidence *ev)
{
    const struct md_field *c = field(ev, "computer");
    if (!c || c->type != MD_V_STR || m->host_rank <= HOST_EVENT)
        return;
    const char *dot = memchr(c->s, '.', c->len);
    size_t n = dot ? (size_t)(dot - c->s) : c->len;
    struct md_evidence *copy = md_evidence_copy(&m->arena, ev);
    if (copy)
        offer_host(m, HOST_EVENT, c->s, n, copy);
}

static bool
is_computer_name(const struct md_evidence *ev)
{
    return ev->key && ev->name && !md_strcasecmp(ev->name, "ComputerName") &&
           (key_is(ev, "\\Control\\ComputerName\\ComputerName") ||
            key_is(ev, "\\Control\\ComputerName\\ActiveComputerName"));
}

static void
add_reg_value(struct md_model *m, const struct md_evidence *ev)
{
    if (!ev->key || !ev->name)
        return;
    if (is_computer_name(ev)) {
        const struct md_field *d = field(ev, "data");
        if (d && d->type == MD_V_STR)
            offer_host(m, HOST_REG, d->s, d->len, ev);
        return;
    }
    /* A password stored as text in the registry is a plaintext secret. */
    const struct md_field *data = field(ev, "data");
    if (data && data->type == MD_V_SECRET && data->len &&
        (field_is(ev, "type", "REG_SZ") || field_is(ev, "type", "REG_EXPAND_SZ")))
        add_secret_at(m, ev, "a password stored as text in the registry");
    int view = dotnet_tls_view(ev->key);
    if (view >= 0) {
        m->tls_seen[view] = true;
        if (!md_strcasecmp(ev->name, "SchUseStrongCrypto"))
            m->tls_strong[view] = ev;
        else if (!md_strcasecmp(ev->name, "SystemDefaultTlsVersions"))
            m->tls_default[view] = ev;
        return;
    }
    if (md_is_agent_key(ev->key)) {
        /* Values under \Setup alone (an export of that subkey) do not
         * show the agent's settings: where its proxy is kept is not
         * documented, so only an export of more of the agent's key
         * (\Config always has values) says it has none. */
        if (!under_setup(ev->key))
            m->agent_data = true;
        if (key_is(ev, "\\Setup") && !md_strcasecmp(ev->name, "CurrentVersion"))
            set(m, obj(m, m->root, "agent"), "version",
                fact_of(m, field(ev, "data")), ev, "agent.version");
        return;
    }
    /* "Make proxy settings per-machine" is a computer policy: only
     * HKLM's copy counts, not one found in a user's or SYSTEM's hive. */
    if (key_is(ev, "\\Policies\\Microsoft\\Windows\\CurrentVersion\\Internet "
                   "Settings") &&
        !md_strcasecmp(ev->name, "ProxySettingsPerUser")) {
        if (md_strncasecmp(ev->key, "HKEY_LOCAL_MACHINE\\", 19) == 0)
            m->per_user = ev;
        return;
    }
    if (!key_is(ev, "\\Internet Settings"))
        return;
    struct inet *in = inet_of(m, ev);
    if (in)
        add_inet_value(m, in, ev->name, ev);
}

static void
add_nwcheck_setting(struct md_model *m, const struct md_evidence *ev)
{
    const struct md_field *n = field(ev, "name");
    if (!n || n->type != MD_V_STR)
        return;
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)n->len, n->s);
    if (field_is(ev, "section", "wininet_system"))
        add_inet_value(m, &m->nwsys, name, ev);
    else if (field_is(ev, "section", "wininet_user"))
        add_inet_value(m, user_inet(m, "current user"), name, ev);
}

/* String value of a WinINet record: reg.value "data" or nwcheck "value". */
static const struct md_field *
inet_str(const struct md_evidence *ev)
{
    const struct md_field *f = field(ev, "data");
    if (!f)
        f = field(ev, "value");
    return f && f->type == MD_V_STR && f->len ? f : NULL;
}

static bool
inet_enabled(const struct md_evidence *ev)
{
    const struct md_field *f = field(ev, "data");
    if (!f)
        f = field(ev, "value");
    if (!f)
        return false;
    if (f->type == MD_V_INT)
        return f->i != 0;
    return f->type == MD_V_STR && f->len == 1 && f->s[0] == '1';
}

static bool
has_userinfo(const char *s, size_t len)
{
    const char *at = memchr(s, '@', len);
    return at && memchr(s, ':', (size_t)(at - s)) != NULL;
}

/* Facts of one WinINet settings set into o: the blob when there is one
 * (WinINet's own), else the legacy values. */
static void
inet_facts(struct md_model *m, const struct inet *in, struct md_fact *o,
           const char *prefix)
{
    struct md_fact *p = obj(m, o, "proxy");
    char path[96];
#define PATH(k) (snprintf(path, sizeof path, "%s.proxy.%s", prefix, k), path)
    bool manual = false, pac = false, autodetect = false;
    if (in->blob) {
        const struct md_evidence *b = in->blob;
        const struct md_field *f;
        manual = (f = field(b, "manual")) && f->i;
        pac = (f = field(b, "pac")) && f->i;
        autodetect = (f = field(b, "autodetect")) && f->i;
        set(m, p, "manual", md_fact_bool(&m->arena, manual), b, PATH("manual"));
        set(m, p, "pac", md_fact_bool(&m->arena, pac), b, PATH("pac"));
        set(m, p, "autodetect", md_fact_bool(&m->arena, autodetect), b,
            PATH("autodetect"));
        if ((f = field(b, "proxy_server")) && f->type == MD_V_STR && f->len)
            set(m, p, "server", fact_of(m, f), b, PATH("server"));
        if ((f = field(b, "bypass")) && f->type == MD_V_STR && f->len)
            set(m, p, "bypass", fact_of(m, f), b, PATH("bypass"));
        if ((f = field(b, "pac_url")) && f->type == MD_V_STR && f->len)
            set(m, p, "pac_url", fact_of(m, f), b, PATH("pac_url"));
    } else {
        manual = in->enable && inet_enabled(in->enable);
        pac = in->autocfg && inet_str(in->autocfg);
        if (in->enable)
            set(m, p, "manual", md_fact_bool(&m->arena, manual), in->enable,
                PATH("manual"));
        if (in->autocfg)
            set(m, p, "pac", md_fact_bool(&m->arena, pac), in->autocfg,
                PATH("pac"));
    }
    /* Legacy strings: the same facts, so a disagreement with the blob is
     * recorded as a conflict. */
    if (in->server && inet_str(in->server))
        set(m, p, "server", fact_of(m, inet_str(in->server)), in->server,
            PATH("server"));
    if (in->override && inet_str(in->override))
        set(m, p, "bypass", fact_of(m, inet_str(in->override)), in->override,
            PATH("bypass"));
    if (in->autocfg && inet_str(in->autocfg))
        set(m, p, "pac_url", fact_of(m, inet_str(in->autocfg)), in->autocfg,
            PATH("pac_url"));
    const struct md_fact *server = md_fact_get(p, "server");
    if (server && server->type == MD_F_STR)
        set(m, p, "credentials",
            md_fact_bool(&m->arena, has_userinfo(server->s, server->len)),
            server->nev ? server->ev[0] : NULL, PATH("credentials"));
    struct md_fact *s = md_fact_bool(&m->arena,
                                     (manual && server) || pac || autodetect);
    for (size_t i = 0; i < p->n; i++)
        for (size_t k = 0; k < p->items[i]->nev; k++)
            md_fact_cite(&m->arena, s, p->items[i]->ev[k]);
    md_fact_put(&m->arena, p, "set", s);
#undef PATH
}

/* Whether a settings set uses a proxy, the way inet_facts decides it. */
static bool
inet_is_set(const struct inet *in)
{
    const struct md_field *f;
    if (in->blob)
        return ((f = field(in->blob, "manual")) && f->i &&
                (f = field(in->blob, "proxy_server")) && f->len) ||
               ((f = field(in->blob, "pac")) && f->i) ||
               ((f = field(in->blob, "autodetect")) && f->i);
    return (in->enable && inet_enabled(in->enable) && in->server &&
            inet_str(in->server)) ||
           (in->autocfg && inet_str(in->autocfg));
}

/* The raw values behind SYSTEM's settings, for consistency rules: the
 * legacy values and the blob, side by side. */
static void
inet_raw(struct md_model *m, const struct inet *in, struct md_fact *sys)
{
    struct md_arena *a = &m->arena;
    struct md_fact *legacy = obj(m, sys, "legacy");
    const struct md_field *f;
    if (in->enable && (f = field(in->enable, "data")) && f->type == MD_V_INT)
        set(m, legacy, "enable", md_fact_int(a, f->i), in->enable,
            "system.legacy.enable");
    if (in->server && inet_str(in->server))
        set(m, legacy, "server", fact_of(m, inet_str(in->server)), in->server,
            "system.legacy.server");
    if (in->autocfg && inet_str(in->autocfg))
        set(m, legacy, "autoconfig", fact_of(m, inet_str(in->autocfg)),
            in->autocfg, "system.legacy.autoconfig");
    if (!in->blob)
        return;
    struct md_fact *blob = obj(m, sys, "blob");
    static const char *const names[] = {"flags", "manual", "pac",
                                        "autodetect"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[64];
        snprintf(path, sizeof path, "system.blob.%s", names[i]);
        set(m, blob, names[i], fact_of(m, field(in->blob, names[i])),
            in->blob, path);
    }
    if ((f = field(in->blob, "proxy_server")) && f->type == MD_V_STR)
        set(m, blob, "server", fact_of(m, f), in->blob, "system.blob.server");
}

/* The host of a proxy address: no scheme, user info, port or path. */
static size_t
proxy_host(const char *s, size_t len, char *out, size_t outlen)
{
    const char *p = s, *end = s + len;
    const char *sch = strstr(s, "://");
    if (sch && sch < end)
        p = sch + 3;
    const char *at = memchr(p, '@', (size_t)(end - p));
    if (at)
        p = at + 1;
    size_t n = 0;
    while (p < end && host_char(*p) && n + 1 < outlen) {
        out[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
        p++;
    }
    out[n] = '\0';
    return n;
}

static bool
cat_names(const struct cat *c, const struct md_fact *server)
{
    char h[256];
    if (!server || server->type != MD_F_STR ||
        !proxy_host(server->s, server->len, h, sizeof h))
        return false;
    for (size_t i = 0; i < c->nhosts; i++)
        if (!strcmp(c->hosts[i], h))
            return true;
    return false;
}

static bool
cat_names_azure(const struct cat *c)
{
    static const char *const families[] = {
        "windowsazure.com", "microsoftonline.com", "windows.net",
        "microsoft.com", "storage.azure.net", "msftncsi.com"};
    for (size_t i = 0; i < c->nhosts; i++)
        for (size_t k = 0; k < sizeof families / sizeof families[0]; k++) {
            struct md_slice h = {c->hosts[i], strlen(c->hosts[i])};
            if (md_slice_iends(h, families[k]))
                return true;
        }
    return false;
}

static bool
inet_any(const struct inet *in)
{
    return in->enable || in->server || in->override || in->autocfg ||
           in->blob;
}

/* ---- D, E, secrets ------------------------------------------------------ */

static void
add_winhttp(struct md_model *m, const struct md_evidence *ev)
{
    /* A second netsh output in the same file (a transcript: set proxy,
     * then show proxy; or reset) is the state after the first: it
     * replaces it rather than conflicting with it. Other files still
     * disagree in the open (MP019). */
    if (m->winhttp_seen && ev->input && ev->input == m->winhttp_input)
        md_fact_put(&m->arena, m->root, "winhttp",
                    md_fact_new(&m->arena, MD_F_OBJ));
    m->winhttp_input = ev->input;
    struct md_fact *w = obj(m, m->root, "winhttp");
    const struct md_field *d = field(ev, "direct"), *s = field(ev,
                                                               "proxy_server");
    m->winhttp_seen = true;
    if (d && d->type == MD_V_BOOL)
        set(m, w, "direct", md_fact_bool(&m->arena, d->i), ev,
            "winhttp.direct");
    if (s && s->type == MD_V_STR && s->len)
        set(m, w, "server", fact_of(m, s), ev, "winhttp.server");
    const struct md_field *b = field(ev, "bypass");
    if (b && b->type == MD_V_STR && b->len)
        set(m, w, "bypass", fact_of(m, b), ev, "winhttp.bypass");
}

static void
add_dotnet(struct md_model *m, const struct md_evidence *ev)
{
    struct md_fact *list = md_fact_child(&m->arena, m->root, "dotnet",
                                         MD_F_LIST);
    struct md_fact *o = md_fact_new(&m->arena, MD_F_OBJ);
    if (!o)
        return;
    const char *path = ev->input ? ev->input->path : "";
    set(m, o, "path", str_fact(m, path), ev, "dotnet[*].path");
    static const char *const names[] = {"enabled", "use_default_credentials",
                                        "usesystemdefault", "proxyaddress"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct md_fact *v = fact_of(m, field(ev, names[i]));
        if (v && (v->type == MD_F_BOOL || !strcmp(names[i], "proxyaddress")))
            set(m, o, names[i], v, ev, names[i]);
    }
    if (m->bypass_input == ev->input && m->bypass.len) {
        struct md_fact *b = md_fact_str(&m->arena, m->bypass.ptr,
                                        m->bypass.len);
        for (size_t i = 0; b && i < m->nbypass_ev; i++)
            md_fact_cite(&m->arena, b, m->bypass_ev[i]);
        md_fact_put(&m->arena, o, "bypass", b);
    }
    md_buf_reset(&m->bypass);
    m->bypass_input = NULL;
    m->nbypass_ev = 0;
    md_fact_append(&m->arena, list, o);
}

static void
add_dotnet_bypass(struct md_model *m, const struct md_evidence *ev)
{
    const struct md_field *a = field(ev, "address");
    if (!a || a->type != MD_V_STR || !field_is(ev, "action", "add"))
        return;
    if (m->bypass_input != ev->input) {
        md_buf_reset(&m->bypass);
        m->nbypass_ev = 0;
        m->bypass_input = ev->input;
    }
    if (m->bypass.len)
        md_buf_addc(&m->bypass, ';');
    md_buf_add(&m->bypass, a->s, a->len);
    if (m->nbypass_ev < sizeof m->bypass_ev / sizeof m->bypass_ev[0])
        m->bypass_ev[m->nbypass_ev++] = ev;
}

static void
add_secret_at(struct md_model *m, const struct md_evidence *ev,
              const char *what)
{
    struct md_fact *list = md_fact_child(&m->arena, m->root, "secrets",
                                         MD_F_LIST);
    struct md_fact *o = md_fact_new(&m->arena, MD_F_OBJ);
    if (!o)
        return;
    set(m, o, "what", str_fact(m, what), ev, "secrets[*].what");
    set(m, o, "path", str_fact(m, ev->input ? ev->input->path : ""), ev,
        "secrets[*].path");
    md_fact_append(&m->arena, list, o);
}

static void
add_secret(struct md_model *m, const struct md_evidence *ev)
{
    struct md_fact *list = md_fact_child(&m->arena, m->root, "secrets",
                                         MD_F_LIST);
    struct md_fact *o = md_fact_new(&m->arena, MD_F_OBJ);
    const struct md_field *w = field(ev, "what");
    if (!o)
        return;
    set(m, o, "what", w && w->type == MD_V_STR ? fact_of(m, w)
                                               : str_fact(m, "password"),
        ev, "secrets[*].what");
    set(m, o, "path", str_fact(m, ev->input ? ev->input->path : ""), ev,
        "secrets[*].path");
    md_fact_append(&m->arena, list, o);
}

/* ---- logs --------------------------------------------------------------- */

static void
add_host(struct md_model *m, struct cat *c, const char *s, size_t n)
{
    if (n < 3 || n > 253 || !memchr(s, '.', n) || c->nhosts == HOSTS_PER_CAT)
        return;
    char h[254];
    for (size_t i = 0; i < n; i++)
        h[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
    h[n] = '\0';
    for (size_t i = 0; i < c->nhosts; i++)
        if (!strcmp(c->hosts[i], h))
            return;
    c->hosts[c->nhosts++] = md_arena_strdup(&m->arena, h);
}

/* The hosts a failure message names, the way .NET and WinHTTP write them:
 * URLs (https://host:port/...), quoted names ('host'), address:port. */
static void
log_hosts(struct md_model *m, struct cat *c, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        size_t j = i;
        if (i + 3 <= len && s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/')
            j = i + 3;
        else if (s[i] == '\'' && i + 1 < len && host_char(s[i + 1]))
            j = i + 1;
        else if (s[i] >= '0' && s[i] <= '9' && (i == 0 || !host_char(s[i - 1])))
            j = i; /* maybe an address with a port */
        else
            continue;
        size_t k = j;
        while (k < len && host_char(s[k]))
            k++;
        bool quoted = j == i + 1, url = j == i + 3;
        if ((url && k > j) || (quoted && k < len && s[k] == '\'') ||
            (!url && !quoted && k < len && s[k] == ':' && k + 1 < len &&
             s[k + 1] >= '0' && s[k + 1] <= '9'))
            add_host(m, c, s + j, k - j);
        i = k > i ? k - 1 : i;
    }
}

static bool
digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* Split "YYYY-MM-DDTHH:MM:SS[.f][zone]" into its hour and its zone
 * designator; false when ts has another shape. */
static bool
hour_of(const char *ts, size_t len, char hour[14], char zone[8])
{
    if (len < 13 || !digits(ts, 4) || ts[4] != '-' || !digits(ts + 5, 2) ||
        ts[7] != '-' || !digits(ts + 8, 2) || (ts[10] != 'T' && ts[10] != ' ')
        || !digits(ts + 11, 2))
        return false;
    memcpy(hour, ts, 13);
    hour[10] = 'T';
    hour[13] = '\0';
    size_t i = 13;
    while (i < len && ((ts[i] >= '0' && ts[i] <= '9') || ts[i] == ':' ||
                       ts[i] == '.' || ts[i] == ','))
        i++;
    size_t zlen = len - i;
    bool ok = zlen == 0 || (zlen == 1 && ts[i] == 'Z') ||
              ((zlen == 6 || zlen == 5) && (ts[i] == '+' || ts[i] == '-') &&
               digits(ts + i + 1, 2));
    if (!ok)
        return false;
    memcpy(zone, ts + i, zlen);
    zone[zlen] = '\0';
    return true;
}

/* An open-addressing table over the hour entries, twice their cap, so a
 * log of many events costs one probe or two per event. */
#define HOUR_SLOTS (2 * MD_MODEL_MAX_HOURS)

static size_t
hour_hash(const char *cat, const char *hour, const char *zone)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const char *p = hour; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    for (const char *p = zone; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    h ^= (uint32_t)((uintptr_t)cat >> 4);
    return (h * 2654435761u) % HOUR_SLOTS;
}

/* Count one event of category cat at timestamp ts in its hour. */
static void
count_hour(struct md_model *m, const char *cat, const struct md_field *ts)
{
    char hour[14], zone[8];
    if (!ts || ts->type != MD_V_STR || !hour_of(ts->s, ts->len, hour, zone)) {
        m->hours_untimed++;
        return;
    }
    if (!m->hour_slots &&
        !(m->hour_slots = calloc(HOUR_SLOTS, sizeof *m->hour_slots))) {
        m->hours_dropped++;
        return;
    }
    size_t k = hour_hash(cat, hour, zone);
    for (; m->hour_slots[k]; k = (k + 1) % HOUR_SLOTS) {
        struct md_log_hour *h = &m->hours[m->hour_slots[k] - 1];
        if (h->category == cat && !strcmp(h->hour, hour) &&
            !strcmp(h->zone, zone)) {
            h->count++;
            return;
        }
    }
    if (m->nhours == MD_MODEL_MAX_HOURS) {
        m->hours_dropped++;
        return;
    }
    if (m->nhours == m->caphours) {
        size_t cap = m->caphours ? 2 * m->caphours : 64;
        struct md_log_hour *p = realloc(m->hours, cap * sizeof *p);
        if (!p) {
            m->hours_dropped++;
            return;
        }
        m->hours = p;
        m->caphours = cap;
    }
    struct md_log_hour *h = &m->hours[m->nhours++];
    m->hour_slots[k] = (uint16_t)m->nhours;
    memcpy(h->hour, hour, sizeof h->hour);
    memcpy(h->zone, zone, sizeof h->zone);
    h->category = cat;
    h->count = 1;
}

const struct md_log_hour *
md_model_log_hours(const struct md_model *m, size_t *n, uint64_t *untimed,
                   uint64_t *dropped)
{
    *n = m->nhours;
    *untimed = m->hours_untimed;
    *dropped = m->hours_dropped;
    return m->hours;
}

static struct cat *
cat_of(struct md_model *m, const char *category)
{
    for (size_t i = 0; i < m->ncats; i++)
        if (strcmp(m->cats[i].name, category) == 0)
            return &m->cats[i];
    if (m->ncats == MAX_CATS)
        return NULL;
    struct cat *c = &m->cats[m->ncats++];
    c->name = md_arena_strdup(&m->arena, category);
    return c;
}

void
md_model_declare_category(struct md_model *m, const char *name)
{
    cat_of(m, name);
}

static void
log_hit(void *user, const char *category)
{
    struct md_model *m = user;
    struct cat *c = cat_of(m, category);
    if (!c)
        return;
    /* Several signatures of one category in one record are one event.
     * (Records are not told apart by address: parsers reuse memory.) */
    if (c->counted == m->log_seq)
        return;
    c->counted = m->log_seq;
    c->count++;
    log_hosts(m, c, m->log_text, m->log_len);
    const struct md_field *ts = field(m->log_ev, "timestamp");
    if (!ts || ts->type != MD_V_STR)
        ts = field(m->log_ev, "time_created");
    struct md_fact *t = ts && ts->type == MD_V_STR ? fact_of(m, ts) : NULL;
    count_hour(m, c->name, ts);
    if (t && !c->first)
        c->first = t;
    if (t)
        c->last = t;
    if (c->nev < EV_PER_CAT) {
        if (!m->log_copy)
            m->log_copy = md_evidence_copy(&m->arena, m->log_ev);
        if (m->log_copy)
            c->ev[c->nev++] = m->log_copy;
    }
}

static void
classify(struct md_model *m, const struct md_evidence *ev, const char *fname)
{
    const struct md_field *f = field(ev, fname);
    if (!m->classify || !f || f->type != MD_V_STR || !f->len)
        return;
    m->log_ev = ev;
    m->log_copy = NULL;
    m->log_text = f->s;
    m->log_len = f->len;
    m->classify(m->cuser, f->s, f->len, log_hit, m);
    m->log_ev = NULL;
}

/* ---- dispatch ----------------------------------------------------------- */

static bool
kind_is(const struct md_evidence *ev, const char *k)
{
    return strcmp(ev->kind, k) == 0;
}

void
md_model_add(void *model, const struct md_evidence *ev)
{
    struct md_model *m = model;
    if (ev->input)
        host_from_names(m, ev->input);
    if (kind_is(ev, "log.record") || kind_is(ev, "event.record") ||
        kind_is(ev, "nwcheck.web"))
        m->log_seq++; /* one event, however many of its fields match */
    if (kind_is(ev, "log.record")) {
        if (ev->input != m->log_input) { /* once per file, not per record */
            m->log_input = ev->input;
            m->log_input_engine =
                ev->input && md_name_contains(ev->input->path, "CBEngine");
        }
        m->engine_log |= m->log_input_engine;
        classify(m, ev, "message");
        return;
    }
    if (kind_is(ev, "event.record")) {
        host_from_event(m, ev);
        classify(m, ev, "data");
        classify(m, ev, "message");
        return;
    }
    if (kind_is(ev, "nwcheck.web")) {
        classify(m, ev, "error");
        return;
    }
    /* Everything below is kept: copy the record once. */
    static const char *const kept[] = {
        "agent.proxy", "reg.value", "wininet.connection", "winhttp.proxy",
        "nwcheck.setting", "nwcheck.winhttp", "dotnet.proxy", "dotnet.bypass",
        "secret.plaintext"};
    size_t k = 0;
    while (k < sizeof kept / sizeof kept[0] && !kind_is(ev, kept[k]))
        k++;
    if (k == sizeof kept / sizeof kept[0])
        return;
    if (kind_is(ev, "reg.value") && !ev->key)
        return;
    if (kind_is(ev, "reg.value") && !md_is_agent_key(ev->key) &&
        !md_name_contains(ev->key, "Internet Settings") &&
        dotnet_tls_view(ev->key) < 0 && !is_computer_name(ev) &&
        !(field(ev, "data") &&
                                          field(ev, "data")->type ==
                                              MD_V_SECRET))
        return; /* not a value the model reads: do not copy it */
    struct md_evidence *c = md_evidence_copy(&m->arena, ev);
    if (!c)
        return;
    if (kind_is(c, "agent.proxy"))
        add_agent(m, c);
    else if (kind_is(c, "reg.value"))
        add_reg_value(m, c);
    else if (kind_is(c, "wininet.connection")) {
        if (c->name && !md_strcasecmp(c->name, "DefaultConnectionSettings")) {
            struct inet *in = inet_of(m, c);
            if (in)
                in->blob = c;
        }
    } else if (kind_is(c, "winhttp.proxy") || kind_is(c, "nwcheck.winhttp"))
        add_winhttp(m, c);
    else if (kind_is(c, "nwcheck.setting"))
        add_nwcheck_setting(m, c);
    else if (kind_is(c, "dotnet.proxy"))
        add_dotnet(m, c);
    else if (kind_is(c, "dotnet.bypass"))
        add_dotnet_bypass(m, c);
    else if (kind_is(c, "secret.plaintext"))
        add_secret(m, c);
}

void
md_model_finish(struct md_model *m)
{
    struct md_arena *a = &m->arena;
    struct md_fact *root = m->root;

    if (m->host_rank != HOST_NONE)
        set(m, obj(m, root, "host"), "name", str_fact(m, m->host), m->host_ev,
            "host.name");

    /* A: set when there is a server and the switch is not off. */
    struct md_fact *agent = obj(m, root, "agent");
    struct md_fact *ap = obj(m, agent, "proxy");
    const struct md_fact *srv = md_fact_get(ap, "server"),
                         *en = md_fact_get(ap, "enabled");
    struct md_fact *aset = md_fact_bool(a, srv && !(en && en->i == 0));
    if (srv)
        for (size_t i = 0; i < srv->nev; i++)
            md_fact_cite(a, aset, srv->ev[i]);
    md_fact_put(a, ap, "set", aset);

    /* B: the HKLM copy when ProxySettingsPerUser=0, else S-1-5-18; the
     * network check script's view when there is no registry export. */
    bool per_machine = m->per_user && field(m->per_user, "data") &&
                       field(m->per_user, "data")->type == MD_V_INT &&
                       field(m->per_user, "data")->i == 0;
    struct md_fact *sys = obj(m, root, "system");
    set(m, sys, "per_machine", md_fact_bool(a, per_machine), m->per_user,
        "system.per_machine");
    const struct inet *chosen = per_machine        ? &m->hklm
                                : inet_any(&m->hku) ? &m->hku
                                                    : &m->nwsys;
    bool have_sys = inet_any(chosen);
    struct md_fact *copies = obj(m, sys, "copies");
    md_fact_put(a, copies, "hku_set", md_fact_bool(a, inet_is_set(&m->hku)));
    md_fact_put(a, copies, "hklm_set", md_fact_bool(a, inet_is_set(&m->hklm)));
    if (have_sys) {
        inet_raw(m, chosen, sys);
        const char *loc = chosen == &m->hklm
                              ? "HKEY_LOCAL_MACHINE (per-machine policy)"
                          : chosen == &m->hku ? "HKEY_USERS\\S-1-5-18"
                                              : "network check script";
        md_fact_put(a, sys, "location", str_fact(m, loc));
        inet_facts(m, chosen, sys, "system");
    }

    /* C */
    if (m->nusers) {
        struct md_fact *users = md_fact_child(a, root, "users", MD_F_LIST);
        for (size_t i = 0; i < m->nusers; i++) {
            struct md_fact *u = md_fact_new(a, MD_F_OBJ);
            md_fact_put(a, u, "sid", str_fact(m, m->users[i].sid));
            inet_facts(m, &m->users[i], u, "users[*]");
            md_fact_append(a, users, u);
        }
    }

    /* D */
    struct md_fact *w = obj(m, root, "winhttp");
    const struct md_fact *wd = md_fact_get(w, "direct"),
                         *ws = md_fact_get(w, "server");
    if (m->winhttp_seen) {
        struct md_fact *wset = md_fact_bool(a, ws && !(wd && wd->i));
        if (ws)
            for (size_t i = 0; i < ws->nev; i++)
                md_fact_cite(a, wset, ws->ev[i]);
        md_fact_put(a, w, "set", wset);
    }

    /* Passwords written into proxy addresses (user:password@host). */
    const struct md_fact *cred = md_fact_path(root, "system.proxy.credentials");
    const struct md_fact *ssrv = md_fact_path(root, "system.proxy.server");
    if (cred && cred->i && ssrv && ssrv->nev)
        add_secret_at(m, ssrv->ev[0], "a password in the SYSTEM proxy address");
    if (srv && srv->type == MD_F_STR && has_userinfo(srv->s, srv->len) &&
        srv->nev)
        add_secret_at(m, srv->ev[0], "a password in the agent proxy address");
    const struct md_fact *ul = md_fact_path(root, "users");
    for (size_t i = 0; ul && i < ul->n; i++) {
        const struct md_fact *us = md_fact_path(ul->items[i], "proxy.server");
        if (us && us->type == MD_F_STR && has_userinfo(us->s, us->len) &&
            us->nev)
            add_secret_at(m, us->ev[0], "a password in a user's proxy address");
    }

    /* TLS 1.2 for .NET, per registry view, when the bundle has the key. */
    struct md_fact *tls = obj(m, root, "tls");
    for (int view = 0; view < 2; view++) {
        if (!m->tls_seen[view])
            continue;
        struct md_fact *o = obj(m, tls, view ? "net32" : "net64");
        md_fact_put(a, o, "seen", md_fact_bool(a, true));
        const struct md_evidence *pair[2] = {m->tls_strong[view],
                                             m->tls_default[view]};
        static const char *const names[] = {"strong_crypto",
                                            "system_default_tls"};
        for (int k = 0; k < 2; k++) {
            const struct md_field *d = pair[k] ? field(pair[k], "data") : NULL;
            if (d && d->type == MD_V_INT)
                set(m, o, names[k], md_fact_int(a, d->i), pair[k], names[k]);
        }
    }

    /* Logs */
    struct md_fact *log = obj(m, root, "log");
    for (size_t i = 0; i < m->ncats; i++) {
        struct cat *c = &m->cats[i];
        struct md_fact *o = obj(m, log, c->name);
        struct md_fact *n = md_fact_int(a, (int64_t)c->count);
        for (size_t k = 0; k < c->nev; k++)
            md_fact_cite(a, n, c->ev[k]);
        md_fact_put(a, o, "count", n);
        if (c->first)
            md_fact_put(a, o, "first", c->first);
        if (c->last)
            md_fact_put(a, o, "last", c->last);
        struct md_buf hosts = MD_BUF_INIT(4096);
        for (size_t k = 0; k < c->nhosts; k++) {
            if (k)
                md_buf_addc(&hosts, ';');
            md_buf_adds(&hosts, c->hosts[k]);
        }
        if (c->nhosts)
            md_fact_put(a, o, "hosts", md_fact_str(a, hosts.ptr, hosts.len));
        md_buf_free(&hosts);
        md_fact_put(a, o, "names_agent_proxy",
                    md_fact_bool(a, cat_names(c, srv)));
        md_fact_put(a, o, "names_system_proxy",
                    md_fact_bool(a, cat_names(c, md_fact_path(
                                                     root,
                                                     "system.proxy.server"))));
        md_fact_put(a, o, "names_azure", md_fact_bool(a, cat_names_azure(c)));
    }

    /* What the bundle holds, and what a verdict needs that it lacks. */
    struct md_fact *col = obj(m, root, "collected");
    md_fact_put(a, col, "agent_settings", md_fact_bool(a, m->agent_data));
    md_fact_put(a, col, "system_settings", md_fact_bool(a, have_sys));
    md_fact_put(a, col, "engine_log", md_fact_bool(a, m->engine_log));
    md_fact_put(a, col, "winhttp", md_fact_bool(a, m->winhttp_seen));
    static const struct {
        const char *what, *collect;
    } needs[] = {
        {"the agent's own proxy settings",
         "run Get-OBMachineSetting | Format-List * and export "
         "HKLM\\SOFTWARE\\Microsoft\\Windows Azure Backup (reg export)"},
        {"the SYSTEM account's Internet Settings",
         "reg export \"HKU\\S-1-5-18\\Software\\Microsoft\\Windows\\"
         "CurrentVersion\\Internet Settings\" system.reg /y, and the same "
         "for HKLM and HKLM\\Software\\Policies\\Microsoft\\Windows\\"
         "CurrentVersion\\Internet Settings"},
        {"the agent's engine log",
         "copy CBEngineCurr.errlog and CBEngine*.errlog from the agent's "
         "Temp folder (C:\\Program Files\\Microsoft Azure Recovery "
         "Services Agent\\Temp)"},
    };
    const bool have[] = {m->agent_data, have_sys, m->engine_log};
    struct md_fact *missing = NULL;
    for (size_t i = 0; i < sizeof needs / sizeof needs[0]; i++) {
        if (have[i])
            continue;
        if (!missing)
            missing = md_fact_child(a, col, "missing", MD_F_LIST);
        struct md_fact *o = md_fact_new(a, MD_F_OBJ);
        md_fact_put(a, o, "what", str_fact(m, needs[i].what));
        md_fact_put(a, o, "collect", str_fact(m, needs[i].collect));
        md_fact_append(a, missing, o);
    }
}
