/*
 * Microsoft Japan's network check log, AzureBackup_Check_NW_yyyymmdd_
 * hhmmss.log, written by Check_Backup_NW_verX.X.ps1 (domain-reference §9.3,
 * JP-blog NwCheckScript_Windows.md). It is a PowerShell transcript: the
 * proxy settings the script lists (ProxySettingsPerUser, WinINet of the
 * current user, of NT Authority\System, of NT Service\AzureWLBackupPluginSv),
 * `netsh winhttp show proxy` output, then for each Azure endpoint a
 * Test-NetConnection ("tnc") line and an Invoke-WebRequest result or error.
 *
 * Records: nwcheck.setting for each "Name: value" line of a settings
 * section, nwcheck.winhttp for the WinHTTP section, nwcheck.tnc and
 * nwcheck.web for the endpoint tests. A section runs from its title line to
 * the next title, "#..." line, "Result of ..." line or "PS>" line.
 */
#include <string.h>

#include "parser.h"

enum section {
    S_NONE,
    S_POLICY,  /* ProxySettingsPerUser Setting */
    S_USER,    /* WinInet settings for current user */
    S_SYSTEM,  /* WinInet settings for NT Authority\System */
    S_SERVICE, /* WinInet settings for NT Service\... */
    S_OTHER,   /* WinInet settings for someone else */
    S_WINHTTP, /* ##Check WinHttpProxy */
};

static const char *const section_names[] = {
    [S_POLICY] = "policy",           [S_USER] = "wininet_user",
    [S_SYSTEM] = "wininet_system",   [S_SERVICE] = "wininet_service",
    [S_OTHER] = "wininet_other",
};

struct nwcheck {
    enum section sec;
    /* The WinHTTP section, emitted when it ends. */
    bool w_any;   /* a non-empty line in it */
    bool w_known; /* a line we understood */
    bool w_direct;
    uint64_t w_line;   /* its first understood line */
    struct md_buf w_text; /* that line, for the excerpt */
    struct md_buf w_proxy, w_bypass;
    bool w_has_proxy, w_has_bypass;
    /* The target of the last "#TRY!! Invoke-webRequest <fqdn>". */
    struct md_buf host;
    bool has_host;
    uint64_t host_line;
};

static struct md_slice
rest_after(struct md_slice s, size_t n)
{
    return md_slice_of(s.ptr + n, s.len - n);
}

/* The text after the first occurrence of lit, or len 0 and ptr NULL. */
static struct md_slice
after(struct md_slice s, const char *lit)
{
    long i = md_slice_ifind(s, lit);
    if (i < 0)
        return md_slice_of(NULL, 0);
    return rest_after(s, (size_t)i + strlen(lit));
}

/* The first word of s (up to a space, TAB or '/'), leading blanks skipped. */
static struct md_slice
word(struct md_slice s)
{
    size_t i = 0;
    while (i < s.len && (s.ptr[i] == ' ' || s.ptr[i] == '\t'))
        i++;
    size_t j = i;
    while (j < s.len && s.ptr[j] != ' ' && s.ptr[j] != '\t' &&
           s.ptr[j] != '/')
        j++;
    return md_slice_of(s.ptr ? s.ptr + i : NULL, j - i);
}

static void
put_slice(struct md_evidence *ev, const char *name, struct md_slice v)
{
    if (v.ptr && v.len)
        md_ev_str(ev, name, v.ptr, v.len);
    else
        md_ev_null(ev, name);
}

/* v with passwords masked, in scratch (the value of a field, which must
 * never hold one: a proxy URL may carry user:password@). */
static struct md_slice
masked(struct md_parse_ctx *ctx, struct md_slice v)
{
    if (!v.ptr || !v.len)
        return v;
    char *m = md_arena_alloc(ctx->scratch, v.len + 1);
    if (!m)
        return md_slice_of(NULL, 0);
    size_t n = md_redact(v.ptr, v.len, m);
    m[n] = '\0';
    return md_slice_of(m, n);
}

static void
keep(struct md_buf *b, struct md_slice v)
{
    md_buf_reset(b);
    md_buf_add(b, v.ptr ? v.ptr : "", v.len);
}

/* ---- WinHTTP section ---------------------------------------------------- */

static bool
is_none(struct md_slice v)
{
    return md_slice_ieq(v, "(none)") || md_slice_ieq(v, "(aucun)") ||
           md_slice_ieq(v, "(なし)");
}

/* "Label  :  value" with the label starting with one of labels. */
static bool
labelled(struct md_slice t, const char *const *labels, struct md_slice *v)
{
    for (; *labels; labels++) {
        if (!md_slice_istarts(t, *labels))
            continue;
        const char *colon = memchr(t.ptr, ':', t.len);
        if (!colon)
            return false;
        size_t k = (size_t)(colon - t.ptr) + 1;
        *v = md_slice_trim(rest_after(t, k));
        return true;
    }
    return false;
}

static void
winhttp_line(struct md_parse_ctx *ctx, struct nwcheck *st, struct md_slice t)
{
    /* English, then French and Japanese netsh output (domain-ref §4.1). */
    static const char *const proxy_labels[] = {"Proxy Server(s)",
                                               "Serveur(s) proxy", NULL};
    static const char *const bypass_labels[] = {"Bypass List",
                                                "Liste de contournement",
                                                NULL};
    if (!t.len)
        return;
    st->w_any = true;
    struct md_slice v;
    bool known = true;
    if (md_slice_istarts(t, "Direct access") ||
        md_slice_istarts(t, "Accès direct") ||
        md_slice_istarts(t, "直接アクセス")) {
        st->w_direct = true;
    } else if (labelled(t, proxy_labels, &v)) {
        keep(&st->w_proxy, v);
        st->w_has_proxy = v.len > 0;
    } else if (labelled(t, bypass_labels, &v)) {
        keep(&st->w_bypass, v);
        st->w_has_bypass = v.len > 0 && !is_none(v);
    } else {
        known = false; /* "Current WinHTTP proxy settings:" and the like */
    }
    if (known && !st->w_known) {
        st->w_known = true;
        st->w_line = ctx->line;
        keep(&st->w_text, t);
    }
}

static enum md_status
end_section(struct md_parse_ctx *ctx, struct nwcheck *st)
{
    enum section sec = st->sec;
    st->sec = S_NONE;
    if (sec != S_WINHTTP)
        return MD_OK;
    bool known = st->w_known, any = st->w_any;
    st->w_known = st->w_any = false;
    if (!known) {
        if (any)
            md_parse_diag(ctx, MD_GRADE_WARN, MD_ERR_SYNTAX,
                          "winhttp section without a recognised netsh "
                          "output");
        return MD_OK;
    }
    struct md_evidence *ev = md_ev_new(ctx, "nwcheck.winhttp");
    if (!ev)
        return MD_ERR_NOMEM;
    ev->line = st->w_line;
    md_ev_text(ctx, ev, st->w_text.ptr, st->w_text.len);
    md_ev_bool(ev, "direct", st->w_direct && !st->w_has_proxy);
    struct md_slice none = md_slice_of(NULL, 0);
    put_slice(ev, "proxy_server",
              st->w_has_proxy ? masked(ctx, md_slice_of(st->w_proxy.ptr,
                                                        st->w_proxy.len))
                              : none);
    put_slice(ev, "bypass",
              st->w_has_bypass ? md_slice_of(st->w_bypass.ptr,
                                             st->w_bypass.len)
                               : none);
    st->w_direct = st->w_has_proxy = st->w_has_bypass = false;
    return md_ev_emit(ctx, ev);
}

/* ---- settings sections -------------------------------------------------- */

/* Values printed as raw bytes: the script writes the REG_BINARY blob as
 * text, so the line holds control characters and a few letters (0x46 shows
 * as 'F'), and bytes such as 0x0A may even split it. Nothing reliable can
 * be decoded from it; the .reg parser decodes the same value properly. */
static bool
is_binary_setting(struct md_slice name)
{
    return md_slice_ieq(name, "DefaultConnectionSettings") ||
           md_slice_ieq(name, "SavedLegacySettings") ||
           md_slice_ieq(name, "WinHttpSettings");
}

static bool
is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

static enum md_status
setting_line(struct md_parse_ctx *ctx, struct nwcheck *st, struct md_slice t,
             const char *line, size_t len)
{
    size_t n = 0;
    while (n < t.len && is_name_char(t.ptr[n]))
        n++;
    if (!n || n == t.len || t.ptr[n] != ':')
        return MD_OK; /* not a "Name: value" line */
    struct md_slice name = md_slice_of(t.ptr, n);
    struct md_slice value = md_slice_trim(rest_after(t, n + 1));
    struct md_evidence *ev = md_ev_new(ctx, "nwcheck.setting");
    if (!ev)
        return MD_ERR_NOMEM;
    ev->name = md_arena_strndup(ctx->scratch, name.ptr, name.len);
    md_ev_text(ctx, ev, line, len);
    md_ev_strz(ev, "section", section_names[st->sec]);
    md_ev_str(ev, "name", name.ptr, name.len);
    if (is_binary_setting(name)) {
        md_ev_null(ev, "value");
    } else {
        struct md_slice v = masked(ctx, value);
        md_ev_str(ev, "value", v.ptr, v.len);
    }
    return md_ev_emit(ctx, ev);
}

/* ---- endpoint tests ----------------------------------------------------- */

/* Result of tnc - 443 / from <ip> /To URL  <fqdn> IPaddress <ip> /
 * TcpTestSucceeded: True|False */
static enum md_status
tnc_line(struct md_parse_ctx *ctx, struct md_slice t)
{
    struct md_evidence *ev = md_ev_new(ctx, "nwcheck.tnc");
    if (!ev)
        return MD_ERR_NOMEM;
    md_ev_text(ctx, ev, t.ptr, t.len);
    struct md_slice host = word(after(t, "To URL"));
    struct md_slice ip = word(after(t, "IPaddress"));
    struct md_slice ok = word(after(t, "TcpTestSucceeded:"));
    put_slice(ev, "host", host);
    put_slice(ev, "ip", ip);
    if (md_slice_ieq(ok, "True"))
        md_ev_bool(ev, "succeeded", true);
    else if (md_slice_ieq(ok, "False"))
        md_ev_bool(ev, "succeeded", false);
    else
        md_ev_null(ev, "succeeded");
    struct md_slice port = word(after(t, "tnc -"));
    int64_t p = 0;
    bool num = port.len > 0 && port.len <= 5;
    for (size_t i = 0; num && i < port.len; i++) {
        num = port.ptr[i] >= '0' && port.ptr[i] <= '9';
        p = p * 10 + (port.ptr[i] - '0');
    }
    if (num)
        md_ev_int(ev, "port", p);
    else
        md_ev_null(ev, "port");
    put_slice(ev, "source_ip", word(after(t, "from ")));
    return md_ev_emit(ctx, ev);
}

static struct md_evidence *
web_record(struct md_parse_ctx *ctx, struct nwcheck *st, struct md_slice t)
{
    struct md_evidence *ev = md_ev_new(ctx, "nwcheck.web");
    if (!ev)
        return NULL;
    md_ev_text(ctx, ev, t.ptr, t.len);
    if (st->has_host)
        md_ev_str(ev, "host", st->host.ptr, st->host.len);
    else
        md_ev_null(ev, "host");
    st->has_host = false; /* one result per "#TRY!!" */
    return ev;
}

/* Result of Invoke-webRequest  / StatusCode: 200/ StatusDescription: OK */
static enum md_status
web_result_line(struct md_parse_ctx *ctx, struct nwcheck *st,
                struct md_slice t)
{
    struct md_evidence *ev = web_record(ctx, st, t);
    if (!ev)
        return MD_ERR_NOMEM;
    struct md_slice code = word(after(t, "StatusCode:"));
    int64_t c = 0;
    bool num = code.len > 0 && code.len <= 3;
    for (size_t i = 0; num && i < code.len; i++) {
        num = code.ptr[i] >= '0' && code.ptr[i] <= '9';
        c = c * 10 + (code.ptr[i] - '0');
    }
    if (num)
        md_ev_int(ev, "status_code", c);
    else
        md_ev_null(ev, "status_code");
    put_slice(ev, "status_description",
              md_slice_trim(after(t, "StatusDescription:")));
    md_ev_null(ev, "error");
    return md_ev_emit(ctx, ev);
}

/* PS>TerminatingError(Invoke-WebRequest): "<message>" */
static enum md_status
web_error_line(struct md_parse_ctx *ctx, struct nwcheck *st,
               struct md_slice t)
{
    struct md_evidence *ev = web_record(ctx, st, t);
    if (!ev)
        return MD_ERR_NOMEM;
    struct md_slice msg = md_slice_trim(after(t, "):"));
    if (msg.len && msg.ptr[0] == '"')
        msg = rest_after(msg, 1);
    if (msg.len && msg.ptr[msg.len - 1] == '"')
        msg.len--;
    md_ev_null(ev, "status_code");
    md_ev_null(ev, "status_description");
    put_slice(ev, "error", masked(ctx, msg));
    return md_ev_emit(ctx, ev);
}

/* ---- driver ------------------------------------------------------------- */

static enum md_status
nwcheck_line(struct md_parse_ctx *ctx, void *state, const char *s, size_t len)
{
    struct nwcheck *st = state;
    struct md_slice t = md_slice_trim(md_slice_of(s, len));
    enum md_status rc = MD_OK;

    if (md_slice_istarts(t, "ProxySettingsPerUser Setting")) {
        rc = end_section(ctx, st);
        st->sec = S_POLICY;
    } else if (md_slice_istarts(t, "WinInet settings for")) {
        rc = end_section(ctx, st);
        struct md_slice who = after(t, "WinInet settings for");
        st->sec = md_slice_ifind(who, "current user") >= 0 ? S_USER
                  : md_slice_ifind(who, "NT Authority\\System") >= 0
                      ? S_SYSTEM
                  : md_slice_ifind(who, "NT Service\\") >= 0 ? S_SERVICE
                                                              : S_OTHER;
    } else if (md_slice_istarts(t, "##Check WinHttpProxy") ||
               md_slice_istarts(t, "## Check WinHttpProxy")) {
        rc = end_section(ctx, st);
        st->sec = S_WINHTTP;
    } else if (md_slice_istarts(t, "#TRY!!")) {
        rc = end_section(ctx, st);
        struct md_slice h = md_slice_trim(after(t, "Invoke-webRequest"));
        if (md_slice_istarts(h, "https://"))
            h = rest_after(h, 8);
        else if (md_slice_istarts(h, "http://"))
            h = rest_after(h, 7);
        h = word(h);
        keep(&st->host, h);
        st->has_host = h.len > 0;
        st->host_line = ctx->line;
    } else if (md_slice_istarts(t, "Result of tnc")) {
        if ((rc = end_section(ctx, st)) == MD_OK)
            rc = tnc_line(ctx, t);
    } else if (md_slice_istarts(t, "Result of Invoke-webRequest")) {
        if ((rc = end_section(ctx, st)) == MD_OK)
            rc = web_result_line(ctx, st, t);
    } else if (md_slice_istarts(t, "PS>TerminatingError(Invoke-WebRequest)")) {
        if ((rc = end_section(ctx, st)) == MD_OK)
            rc = web_error_line(ctx, st, t);
    } else if (md_slice_istarts(t, "#") || md_slice_istarts(t, "PS>") ||
               md_slice_istarts(t, "Result of") ||
               md_slice_istarts(t, "****")) {
        rc = end_section(ctx, st);
    } else if (st->sec == S_WINHTTP) {
        winhttp_line(ctx, st, t);
    } else if (st->sec != S_NONE) {
        rc = setting_line(ctx, st, t, s, len);
    }
    return rc;
}

static enum md_status
nwcheck_end(struct md_parse_ctx *ctx, void *state)
{
    struct nwcheck *st = state;
    enum md_status rc = end_section(ctx, st);
    if (st->has_host)
        md_parse_diag_at(ctx, st->host_line, MD_GRADE_INFO, MD_ERR_TRUNCATED,
                         NULL, "invoke-webrequest to '%.*s' has no result",
                         (int)(st->host.len < 200 ? st->host.len : 200),
                         st->host.ptr);
    md_buf_free(&st->w_text);
    md_buf_free(&st->w_proxy);
    md_buf_free(&st->w_bypass);
    md_buf_free(&st->host);
    return rc;
}

static int
nwcheck_bid(const struct md_sniff *sn)
{
    struct md_slice head = md_slice_of(sn->text, sn->text_len);
    bool named = md_slice_istarts(md_slice_of(sn->base, strlen(sn->base)),
                                  "AzureBackup_Check_NW");
    static const char *const headers[] = {
        "Listing all proxy settings",
        "WinInet settings for NT Authority\\System",
    };
    bool content = md_slice_ifind_any(head, headers, 2);
    if (named && content)
        return 95;
    if (named)
        return 90;
    return content ? 80 : 0;
}

const struct md_parser md_parser_nwcheck = {
    .name = "nwcheck",
    .bid = nwcheck_bid,
    .state_size = sizeof(struct nwcheck),
    .line = nwcheck_line,
    .end = nwcheck_end,
};
