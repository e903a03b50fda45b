/*
 * `netsh winhttp show proxy` sections in a line stream (netsh/winhttp.h),
 * following domain-reference §4.1: a header "Current WinHTTP proxy
 * settings:", then either "Direct access (no proxy server)." or the two
 * lines "Proxy Server(s) : host:port" and "Bypass List : list", in English,
 * Japanese, French, German, Spanish, Italian or Simplified Chinese, with
 * varying spacing and case.
 */
#include "netsh/winhttp.h"

#include <string.h>

/* Japanese words, UTF-8 as written and Shift-JIS (code page 932) bytes for
 * output redirected from cmd.exe, which the pipeline passes through. */
static const char ja_proxy_u8[] = "\xe3\x83\x97\xe3\x83\xad\xe3\x82\xad"
                                  "\xe3\x82\xb7";             /* プロキシ */
static const char ja_proxy_sj[] = "\x83\x76\x83\x8d\x83\x4c\x83\x56";
static const char ja_direct_u8[] = "\xe7\x9b\xb4\xe6\x8e\xa5\xe3\x82\xa2"
                                   "\xe3\x82\xaf\xe3\x82\xbb\xe3\x82\xb9";
static const char ja_direct_sj[] = "\x92\xbc\x90\xda\x83\x41\x83\x4e\x83\x5a"
                                   "\x83\x58";           /* 直接アクセス */
static const char ja_server_u8[] = "\xe3\x82\xb5\xe3\x83\xbc\xe3\x83\x90"
                                   "\xe3\x83\xbc";           /* サーバー */
static const char ja_server_sj[] = "\x83\x54\x81\x5b\x83\x6f\x81\x5b";
static const char ja_bypass_u8[] = "\xe3\x83\x90\xe3\x82\xa4\xe3\x83\x91"
                                   "\xe3\x82\xb9";           /* バイパス */
static const char ja_bypass_sj[] = "\x83\x6f\x83\x43\x83\x70\x83\x58";
static const char ja_header_sj[] = "WinHTTP \x83\x76\x83\x8d\x83\x4c\x83\x56"
                                   "\x90\xdd\x92\xe8";  /* プロキシ設定 */
/* Simplified Chinese, UTF-8 and GBK (code page 936) bytes, for the same
 * reason. */
static const char zh_proxy_u8[] = "\xe4\xbb\xa3\xe7\x90\x86";   /* 代理 */
static const char zh_proxy_gbk[] = "\xb4\xfa\xc0\xed";
static const char zh_server_u8[] = "\xe6\x9c\x8d\xe5\x8a\xa1\xe5\x99"
                                   "\xa8";                   /* 服务器 */
static const char zh_server_gbk[] = "\xb7\xfe\xce\xf1\xc6\xf7";
static const char zh_bypass_u8[] = "\xe7\xbb\x95\xe8\xbf\x87"; /* 绕过 */
static const char zh_bypass_gbk[] = "\xc8\xc6\xb9\xfd";
static const char zh_direct_u8[] = "\xe7\x9b\xb4\xe6\x8e\xa5\xe8\xae"
                                   "\xbf\xe9\x97\xae";     /* 直接访问 */
static const char zh_direct_gbk[] = "\xd6\xb1\xbd\xd3\xb7\xc3\xce\xca";
static const char colon_u8[] = "\xef\xbc\x9a";            /* full-width ： */
static const char colon_sj[] = "\x81\x46";

/* Labels are never long; a longer "x: y" line is something else. */
#define MAX_LABEL 48

static bool
has(struct md_slice s, const char *lit)
{
    return memmem(s.ptr, s.len, lit, strlen(lit)) != NULL;
}

static bool
ihas(struct md_slice s, const char *lit)
{
    return md_slice_ifind(s, lit) >= 0;
}

static bool
has_ja(struct md_slice s, const char *u8, const char *sj)
{
    return has(s, u8) || has(s, sj);
}

static bool
ends_with(struct md_slice s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len >= n && memcmp(s.ptr + s.len - n, lit, n) == 0;
}

static bool
is_header(struct md_slice t)
{
    if (!ihas(t, "winhttp") ||
        !(ihas(t, "proxy") || has_ja(t, ja_proxy_u8, ja_proxy_sj) ||
          has_ja(t, zh_proxy_u8, zh_proxy_gbk)))
        return false;
    /* The command line itself ("netsh winhttp show proxy") has no colon. */
    return ends_with(t, ":") || ends_with(t, colon_u8) ||
           ends_with(t, colon_sj);
}

static bool
is_direct(struct md_slice t)
{
    /* "Direct access (no proxy server).", "Accès direct (pas de serveur
     * proxy).", "Direkter Zugriff (kein Proxyserver)." */
    return ((ihas(t, "direct") || ihas(t, "direkt")) && ihas(t, "proxy")) ||
           has_ja(t, ja_direct_u8, ja_direct_sj) ||
           has_ja(t, zh_direct_u8, zh_direct_gbk);
}

/* Offset of the first label separator and its length; -1 if none. The
 * Shift-JIS full-width colon is only looked for in text that is not UTF-8,
 * where its bytes cannot be part of another character. */
static long
find_sep(struct md_slice t, size_t *seplen)
{
    bool sjis = md_utf8_valid_prefix((const unsigned char *)t.ptr, t.len) !=
                t.len;
    for (size_t i = 0; i < t.len; i++) {
        if (t.ptr[i] == ':') {
            *seplen = 1;
            return (long)i;
        }
        if (i + 3 <= t.len && memcmp(t.ptr + i, colon_u8, 3) == 0) {
            *seplen = 3;
            return (long)i;
        }
        if (sjis && i + 2 <= t.len && memcmp(t.ptr + i, colon_sj, 2) == 0) {
            *seplen = 2;
            return (long)i;
        }
    }
    return -1;
}

enum label { LABEL_NONE, LABEL_SERVER, LABEL_BYPASS };

static enum label
label_of(struct md_slice l)
{
    if (l.len > MAX_LABEL)
        return LABEL_NONE;
    /* "Bypass List", "Liste de contournement", "Umgehungsliste", "Lista
     * de omisión", "Elenco di esclusione", 绕过列表 */
    if (ihas(l, "bypass") || ihas(l, "contournement") ||
        ihas(l, "umgehung") || ihas(l, "omisi") || ihas(l, "esclusion") ||
        has_ja(l, ja_bypass_u8, ja_bypass_sj) ||
        has_ja(l, zh_bypass_u8, zh_bypass_gbk))
        return LABEL_BYPASS;
    /* "Proxy Server(s)", "Serveur(s) proxy", "Proxyserver", "Servidores
     * proxy", 代理服务器 */
    if ((ihas(l, "proxy") && ihas(l, "serv")) ||
        has_ja(l, ja_server_u8, ja_server_sj) ||
        has_ja(l, zh_server_u8, zh_server_gbk))
        return LABEL_SERVER;
    return LABEL_NONE;
}

/* "(none)", "(aucun)", "(keine)", "(なし)": a word in parentheses stands
 * for an empty value; a host list never looks like that. */
static bool
is_none(struct md_slice v)
{
    if (v.len < 2 || v.ptr[0] != '(' || v.ptr[v.len - 1] != ')')
        return false;
    for (size_t i = 1; i + 1 < v.len; i++)
        if (memchr(".:;*<=/", v.ptr[i], 7))
            return false;
    return true;
}

static void
keep_text(struct md_winhttp *w, const char *s, size_t len)
{
    if (w->text.len)
        md_buf_addc(&w->text, '\n');
    md_buf_add(&w->text, s, len);
}

static void
set_value(struct md_buf *b, struct md_slice v)
{
    md_buf_reset(b);
    if (!is_none(v))
        md_buf_add(b, v.ptr, v.len);
}

static void
value_field(struct md_evidence *ev, const char *name, bool have,
            const struct md_buf *b)
{
    if (have)
        md_ev_str(ev, name, b->ptr ? b->ptr : "", b->len);
    else
        md_ev_null(ev, name);
}

static void
flush(struct md_parse_ctx *ctx, struct md_winhttp *w)
{
    if (!w->open)
        return;
    w->open = false;
    if (!w->direct && !w->have_server && !w->have_bypass) {
        md_parse_diag_at(ctx, w->hdr_line, MD_GRADE_WARN, MD_ERR_TRUNCATED,
                         NULL, "winhttp proxy section has no settings");
        return;
    }
    if (!w->direct && !(w->have_server && w->have_bypass))
        md_parse_diag_at(ctx, w->hdr_line, MD_GRADE_WARN, MD_ERR_TRUNCATED,
                         NULL, "winhttp proxy section has no %s line",
                         w->have_server ? "bypass list" : "proxy server");
    struct md_evidence *ev = md_ev_new(ctx, "winhttp.proxy");
    if (ev)
        ev->line = w->hdr_line;
    md_ev_strz(ev, "source", "netsh");
    md_ev_bool(ev, "direct", w->direct);
    value_field(ev, "proxy_server", w->have_server, &w->server);
    value_field(ev, "bypass", w->have_bypass, &w->bypass);
    md_ev_text(ctx, ev, w->text.ptr ? w->text.ptr : "", w->text.len);
    md_ev_emit(ctx, ev);
}

bool
md_winhttp_line(struct md_parse_ctx *ctx, struct md_winhttp *w,
                const char *s, size_t len)
{
    struct md_slice t = md_slice_trim(md_slice_of(s, len));
    if (t.len && is_header(t)) {
        flush(ctx, w);
        w->open = true;
        w->hdr_line = ctx->line;
        w->direct = w->have_server = w->have_bypass = false;
        md_buf_reset(&w->text);
        keep_text(w, t.ptr, t.len);
        w->nsections++;
        return true;
    }
    if (!w->open)
        return false;
    if (!t.len)
        return true;
    if (!w->have_server && !w->have_bypass && is_direct(t)) {
        w->direct = true;
        keep_text(w, s, len);
        flush(ctx, w);
        return true;
    }
    size_t seplen = 0;
    long sep = find_sep(t, &seplen);
    if (sep >= 0) {
        struct md_slice label = md_slice_trim(md_slice_of(t.ptr, (size_t)sep));
        struct md_slice v = md_slice_trim(md_slice_of(
            t.ptr + sep + seplen, t.len - (size_t)sep - seplen));
        switch (label_of(label)) {
        case LABEL_BYPASS:
            set_value(&w->bypass, v);
            w->have_bypass = true;
            keep_text(w, s, len);
            flush(ctx, w);
            return true;
        case LABEL_SERVER:
            if (w->have_server)
                break;
            set_value(&w->server, v);
            w->have_server = true;
            keep_text(w, s, len);
            return true;
        case LABEL_NONE:
            break;
        }
    }
    /* Anything else ends the section. */
    flush(ctx, w);
    return false;
}

void
md_winhttp_end(struct md_parse_ctx *ctx, struct md_winhttp *w)
{
    flush(ctx, w);
    md_buf_free(&w->server);
    md_buf_free(&w->bypass);
    md_buf_free(&w->text);
}

bool
md_winhttp_head_has_header(const char *text, size_t len)
{
    static const char *const headers[] = {
        "WinHTTP proxy settings",     /* en */
        "proxy WinHTTP actuels",      /* fr */
        "WinHTTP-Proxyeinstellungen", /* de */
    };
    struct md_slice s = md_slice_of(text, len);
    return md_slice_ifind_any(s, headers, sizeof headers / sizeof *headers) ||
           has(s, "WinHTTP \xe3\x83\x97\xe3\x83\xad\xe3\x82\xad\xe3\x82\xb7"
                  "\xe8\xa8\xad\xe5\xae\x9a") || /* ja: WinHTTP プロキシ設定 */
           has(s, ja_header_sj);
}
