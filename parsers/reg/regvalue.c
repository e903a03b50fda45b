/*
 * Evidence from one registry value (regvalue.h): the reg.value record and
 * the records derived from known settings — WinINet connection blobs
 * (domain-reference §3.3), the WinHTTP blob (§4.2) and agent proxy values
 * recognised by name under the agent's key (§2.3, names.h).
 */
#include "regvalue.h"

#include <string.h>

#include "regblob.h"

/* Source excerpts are for people; a 1 MiB hex line is not. */
#define EXCERPT_MAX 4096

bool
md_regval_is_secret_name(const char *name, size_t len)
{
    static const char *const ends[] = {"password", "passwd", "pwd",
                                       "passphrase", "secret"};
    struct md_slice s = {name, len};
    for (size_t i = 0; i < sizeof ends / sizeof ends[0]; i++)
        if (md_slice_iends(s, ends[i]))
            return true;
    return false;
}

size_t
md_regval_key_depth(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] != '\\' && (i == 0 || s[i - 1] == '\\'))
            n++;
    return n;
}

static const char *
hex_of(struct md_parse_ctx *ctx, const unsigned char *p, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char *s = md_arena_alloc(ctx->scratch, 2 * n + 1);
    if (!s)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        s[2 * i] = digits[p[i] >> 4];
        s[2 * i + 1] = digits[p[i] & 15];
    }
    s[2 * n] = '\0';
    return s;
}

/*
 * Binary values hold strings too (a DefaultConnectionSettings blob carries
 * the proxy string, which may be http://user:password@host): a run of
 * printable bytes that md_redact would mask is overwritten with '*' in a
 * copy, so neither the hex data nor the excerpt shows it. Returns the
 * copy, or v->data itself when nothing needed masking.
 */
static const unsigned char *
masked_bytes(struct md_parse_ctx *ctx, const struct md_regval *v, bool *masked)
{
    const unsigned char *p = (const unsigned char *)v->data;
    unsigned char *copy = NULL;
    *masked = false;
    for (size_t i = 0; i < v->len;) {
        size_t j = i;
        while (j < v->len && p[j] >= 0x20 && p[j] < 0x7f)
            j++;
        if (j - i >= 3) {
            char *out = md_arena_alloc(ctx->scratch, j - i + 1);
            if (!out)
                return NULL;
            size_t n = md_redact((const char *)p + i, j - i, out);
            if (n != j - i || memcmp(out, p + i, n) != 0) {
                if (!copy) {
                    copy = md_arena_alloc(ctx->scratch, v->len ? v->len : 1);
                    if (!copy)
                        return NULL;
                    memcpy(copy, p, v->len);
                }
                memset(copy + i, '*', j - i);
                *masked = true;
            }
        }
        i = j + 1;
    }
    return copy ? copy : p;
}

/* Text fields may carry user:password@ URLs or Password=... pairs; they
 * are masked like excerpts. */
static void
add_text(struct md_parse_ctx *ctx, struct md_evidence *ev, const char *name,
         const char *s, size_t len)
{
    char *out = md_arena_alloc(ctx->scratch, len + 1);
    if (!out) {
        md_ev_null(ev, name);
        return;
    }
    size_t n = md_redact(s, len, out);
    md_ev_str(ev, name, out, n);
}

static void
add_blob_str(struct md_parse_ctx *ctx, struct md_evidence *ev,
             const char *name, struct md_blob_str b)
{
    add_text(ctx, ev, name, (const char *)b.ptr, b.len);
}

static void
add_scope(struct md_evidence *ev, const struct md_regpath *k)
{
    md_ev_strz(ev, "scope", md_reg_scope_str(k->scope));
    if (k->sid)
        md_ev_strz(ev, "sid", k->sid);
    if (k->alias)
        md_ev_strz(ev, "alias", k->alias);
}

static void
set_excerpt(struct md_parse_ctx *ctx, struct md_evidence *ev,
            const struct md_regval *v, bool secret)
{
    size_t len = v->text_len;
    if (!secret && v->form == MD_REGVAL_BIN)
        masked_bytes(ctx, v, &secret); /* the hex would show the secret */
    if (secret && v->data_off <= len) {
        /* Keep "name"= and mask everything after: md_redact would leave
         * the tail of a hex or escaped-quote value visible. */
        char *s = md_arena_alloc(ctx->scratch, v->data_off + 9);
        if (!s)
            return;
        memcpy(s, v->text, v->data_off);
        memcpy(s + v->data_off, "********", 8);
        md_ev_text(ctx, ev, s, v->data_off + 8);
        return;
    }
    if (len > EXCERPT_MAX)
        len = md_utf8_valid_prefix((const unsigned char *)v->text,
                                   EXCERPT_MAX);
    md_ev_text(ctx, ev, v->text, len);
}

static struct md_evidence *
new_record(struct md_parse_ctx *ctx, const char *kind,
           const struct md_regval *v, bool secret)
{
    struct md_evidence *ev = md_ev_new(ctx, kind);
    if (!ev)
        return NULL;
    ev->line = v->line;
    ev->key = v->key->key;
    ev->name = v->name;
    set_excerpt(ctx, ev, v, secret);
    return ev;
}

static size_t
secret_len(const struct md_regval *v)
{
    return v->form == MD_REGVAL_INT ? 4 : v->len;
}

static enum md_status
emit_value(struct md_parse_ctx *ctx, const struct md_regval *v, bool secret)
{
    struct md_evidence *ev = new_record(ctx, "reg.value", v, secret);
    md_ev_strz(ev, "type", v->type);
    if (v->form == MD_REGVAL_DELETED)
        md_ev_null(ev, "data");
    else if (secret)
        md_ev_secret(ev, "data", secret_len(v));
    else if (v->form == MD_REGVAL_INT)
        md_ev_int(ev, "data", v->i);
    else if (v->form == MD_REGVAL_BIN) {
        bool masked;
        const unsigned char *b = masked_bytes(ctx, v, &masked);
        const char *h = b ? hex_of(ctx, b, v->len) : NULL;
        if (h)
            md_ev_str(ev, "data", h, 2 * v->len);
        else
            md_ev_null(ev, "data");
    } else
        add_text(ctx, ev, "data", v->data, v->len);
    add_scope(ev, v->key);
    md_ev_bool(ev, "deleted", v->form == MD_REGVAL_DELETED);
    return md_ev_emit(ctx, ev);
}

static enum md_status
emit_wininet(struct md_parse_ctx *ctx, const struct md_regval *v)
{
    struct md_wininet_conn c;
    const char *why = NULL;
    enum md_status st = md_regblob_wininet((const unsigned char *)v->data,
                                           v->len, &c, &why);
    if (st != MD_OK) {
        md_parse_diag_at(ctx, v->line, MD_GRADE_WARN, st, NULL,
                         "cannot decode '%s' (%zu bytes) under '%s': %s",
                         v->name, v->len, v->key->key, why);
        return MD_OK;
    }
    if (!c.known_version)
        md_parse_diag_at(ctx, v->line, MD_GRADE_INFO, MD_ERR_CORRUPT, NULL,
                         "'%s' has unknown version 0x%x; read with the "
                         "IE7 layout", v->name, (unsigned)c.version);
    struct md_evidence *ev = new_record(ctx, "wininet.connection", v, false);
    add_scope(ev, v->key);
    md_ev_int(ev, "version", c.version);
    md_ev_int(ev, "counter", c.counter);
    md_ev_int(ev, "flags", c.flags);
    md_ev_bool(ev, "manual", c.flags & MD_WININET_MANUAL);
    md_ev_bool(ev, "pac", c.flags & MD_WININET_PAC);
    md_ev_bool(ev, "autodetect", c.flags & MD_WININET_AUTODETECT);
    add_blob_str(ctx, ev, "proxy_server", c.proxy);
    add_blob_str(ctx, ev, "bypass", c.bypass);
    add_blob_str(ctx, ev, "pac_url", c.pac);
    return md_ev_emit(ctx, ev);
}

static enum md_status
emit_winhttp(struct md_parse_ctx *ctx, const struct md_regval *v)
{
    struct md_winhttp_conn c;
    const char *why = NULL;
    enum md_status st = md_regblob_winhttp((const unsigned char *)v->data,
                                           v->len, &c, &why);
    if (st != MD_OK) {
        md_parse_diag_at(ctx, v->line, MD_GRADE_WARN, st, NULL,
                         "cannot decode '%s' (%zu bytes) under '%s': %s",
                         v->name, v->len, v->key->key, why);
        return MD_OK;
    }
    if (!c.known_version)
        md_parse_diag_at(ctx, v->line, MD_GRADE_INFO, MD_ERR_CORRUPT, NULL,
                         "'%s' has unknown version 0x%x", v->name,
                         (unsigned)c.version);
    struct md_evidence *ev = new_record(ctx, "winhttp.proxy", v, false);
    md_ev_strz(ev, "source", "registry");
    add_scope(ev, v->key);
    md_ev_int(ev, "version", c.version);
    md_ev_int(ev, "flags", c.flags);
    md_ev_bool(ev, "direct", c.direct);
    /* As the netsh parser does: no proxy in direct mode is null. */
    if (c.direct && !c.proxy.len)
        md_ev_null(ev, "proxy_server");
    else
        add_blob_str(ctx, ev, "proxy_server", c.proxy);
    if (c.direct && !c.bypass.len)
        md_ev_null(ev, "bypass");
    else
        add_blob_str(ctx, ev, "bypass", c.bypass);
    return md_ev_emit(ctx, ev);
}

/* A decimal number of at most 10 digits, surrounding blanks allowed. */
static bool
parse_uint(const char *s, size_t len, int64_t *out)
{
    struct md_slice t = md_slice_trim(md_slice_of(s, len));
    if (t.len == 0 || t.len > 10)
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < t.len; i++) {
        if (t.ptr[i] < '0' || t.ptr[i] > '9')
            return false;
        v = v * 10 + (t.ptr[i] - '0');
    }
    *out = v;
    return true;
}

/* The value as a string field: text as is, numbers in decimal, bytes in
 * hex. */
static void
add_as_text(struct md_parse_ctx *ctx, struct md_evidence *ev,
            const struct md_regval *v)
{
    if (v->form == MD_REGVAL_STR)
        add_text(ctx, ev, "value", v->data, v->len);
    else if (v->form == MD_REGVAL_INT)
        md_ev_strz(ev, "value",
                   md_arena_printf(ctx->scratch, "%lld", (long long)v->i));
    else {
        bool masked;
        const unsigned char *b = masked_bytes(ctx, v, &masked);
        md_ev_strz(ev, "value", b ? hex_of(ctx, b, v->len) : NULL);
    }
}

static enum md_status
emit_agent(struct md_parse_ctx *ctx, const struct md_regval *v,
           enum md_agent_field f)
{
    bool secret = f == MD_AGENT_PASSWORD;
    struct md_evidence *ev = new_record(ctx, "agent.proxy", v, secret);
    md_ev_strz(ev, "field", md_agent_field_str(f));
    int64_t n;
    struct md_slice s = md_slice_trim(md_slice_of(v->data, v->len));
    if (secret)
        md_ev_secret(ev, "value", secret_len(v));
    else if (f == MD_AGENT_PORT && v->form == MD_REGVAL_INT)
        md_ev_int(ev, "value", v->i);
    else if (f == MD_AGENT_PORT && v->form == MD_REGVAL_STR &&
             parse_uint(v->data, v->len, &n))
        md_ev_int(ev, "value", n);
    else if (f == MD_AGENT_ENABLED && v->form == MD_REGVAL_INT)
        md_ev_bool(ev, "value", v->i != 0);
    else if (f == MD_AGENT_ENABLED && v->form == MD_REGVAL_STR &&
             (md_slice_ieq(s, "true") || md_slice_ieq(s, "1")))
        md_ev_bool(ev, "value", true);
    else if (f == MD_AGENT_ENABLED && v->form == MD_REGVAL_STR &&
             (md_slice_ieq(s, "false") || md_slice_ieq(s, "0")))
        md_ev_bool(ev, "value", false);
    else
        add_as_text(ctx, ev, v);
    md_ev_strz(ev, "origin", "registry");
    add_scope(ev, v->key);
    return md_ev_emit(ctx, ev);
}

enum md_status
md_regval_emit(struct md_parse_ctx *ctx, const struct md_regval *v)
{
    size_t nlen = strlen(v->name);
    bool secret = md_regval_is_secret_name(v->name, nlen);
    enum md_status st = emit_value(ctx, v, secret);
    if (st != MD_OK || v->form == MD_REGVAL_DELETED)
        return st;
    struct md_slice name = {v->name, nlen};
    if (v->form == MD_REGVAL_BIN &&
        (md_slice_ieq(name, "DefaultConnectionSettings") ||
         md_slice_ieq(name, "SavedLegacySettings")))
        st = emit_wininet(ctx, v);
    else if (v->form == MD_REGVAL_BIN && md_slice_ieq(name, "WinHttpSettings"))
        st = emit_winhttp(ctx, v);
    if (st != MD_OK)
        return st;
    enum md_agent_field f = md_agent_field_of(v->name, nlen);
    if (f != MD_AGENT_NONE && md_is_agent_key(v->key->key))
        st = emit_agent(ctx, v, f);
    return st;
}
