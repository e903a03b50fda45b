/*
 * .NET configuration files (CBEngine.exe.config, any *.exe.config,
 * machine.config, web.config): the proxy System.Net uses, read from
 * configuration/system.net/defaultProxy and its <proxy>, <bypasslist> and
 * <module> children. Schema: learn.microsoft.com "<defaultProxy> Element
 * (Network Settings)" and the pages of its children (domain-reference §5).
 * Element names are matched as .NET does, case-sensitively; attribute
 * names and True/False values case-insensitively. Streams through
 * marsdiag/xml.h, so a file of any size costs little memory.
 */
#include <string.h>

#include "marsdiag/xml.h"
#include "parser.h"

#define XP_PROXY "/configuration/system.net/defaultProxy"
#define XP_MODULE XP_PROXY "/module"
/* Source excerpts are start tags; a longer one is cut (fields are not). */
#define EXCERPT_MAX 1024

static const char *const path[] = {"configuration", "system.net",
                                   "defaultProxy"};
#define PATH_LEN 3

/* Attributes of <proxy>, in the order they are reported. */
static const struct {
    const char *name; /* attribute, matched case-insensitively */
    const char *field;
    bool boolean; /* True/False (autoDetect also takes Unspecified) */
} proxy_attrs[] = {
    {"usesystemdefault", "usesystemdefault", true},
    {"proxyaddress", "proxyaddress", false},
    {"bypassonlocal", "bypassonlocal", true},
    {"autodetect", "autodetect", true},
    {"scriptlocation", "scriptlocation", false},
};
#define NPROXY (sizeof proxy_attrs / sizeof proxy_attrs[0])

/* An attribute value kept until the defaultProxy end tag. */
struct kept {
    bool present;
    struct md_buf v;
};

struct cfg {
    struct md_parse_ctx *ctx;
    struct md_xml *x;
    unsigned matched;   /* how many leading path[] elements are open */
    bool in_bypasslist; /* a <bypasslist> inside defaultProxy is open */
    /* The open <defaultProxy>. */
    uint64_t dp_line;
    bool has_proxy;
    struct kept enabled, udc;
    struct kept proxy[NPROXY];
    struct md_buf excerpt;
};

/* Copy value v into k, cut at 'line_bytes' with a diagnostic. */
static void
keep(struct cfg *c, struct kept *k, const char *attr, struct md_slice v)
{
    size_t max = (size_t)c->ctx->limits->line_bytes;
    md_buf_reset(&k->v);
    if (v.len > max) {
        md_parse_diag_at(c->ctx, c->ctx->line, MD_GRADE_WARN, MD_ERR_LIMIT,
                         "line_bytes",
                         "attribute '%s' longer than limit 'line_bytes' "
                         "(%llu); cut there",
                         attr, (unsigned long long)max);
        v.len = max;
    }
    k->present = md_buf_add(&k->v, v.ptr, v.len) == MD_OK;
}

static bool
keep_attr(struct cfg *c, const struct md_xml_elem *e, const char *attr,
          struct kept *k)
{
    struct md_slice v;
    if (!md_xml_attr(e, attr, &v))
        return false;
    keep(c, k, attr, v);
    return true;
}

static void
add_excerpt(struct cfg *c, const struct md_xml_elem *e)
{
    if (!e->raw_len)
        return;
    size_t n = e->raw_len < EXCERPT_MAX ? e->raw_len : EXCERPT_MAX;
    if (c->excerpt.len)
        md_buf_addc(&c->excerpt, '\n');
    md_buf_add(&c->excerpt, e->raw, n);
}

/* Exact name; a name that differs only in case is worth a warning, since
 * .NET rejects it and the application does not start. */
static bool
elem_is(struct cfg *c, const struct md_xml_elem *e, const char *want)
{
    if (strcmp(e->name, want) == 0)
        return true;
    if (md_strcasecmp(e->name, want) == 0)
        md_parse_diag(c->ctx, MD_GRADE_WARN, MD_ERR_SYNTAX,
                      "element '%s' is not '%s': .NET names are "
                      "case-sensitive, so it is not read",
                      e->name, want);
    return false;
}

/* True/False as a bool, anything else as written. */
static void
ev_bool_or_str(struct md_evidence *ev, const char *field,
               const struct kept *k)
{
    if (!k->present)
        return;
    struct md_slice v = md_slice_of(k->v.ptr ? k->v.ptr : "", k->v.len);
    struct md_slice t = md_slice_trim(v);
    if (md_slice_ieq(t, "true"))
        md_ev_bool(ev, field, true);
    else if (md_slice_ieq(t, "false"))
        md_ev_bool(ev, field, false);
    else
        md_ev_str(ev, field, v.ptr, v.len);
}

/* A URI may carry user:password@: the field gets it masked. */
static void
ev_uri(struct md_parse_ctx *ctx, struct md_evidence *ev, const char *field,
       const struct kept *k)
{
    if (!k->present)
        return;
    char *out = md_arena_alloc(ctx->scratch, k->v.len + 1);
    if (!out) {
        md_ev_null(ev, field);
        return;
    }
    size_t n = md_redact(k->v.ptr ? k->v.ptr : "", k->v.len, out);
    out[n] = '\0';
    md_ev_str(ev, field, out, n);
}

static void
dp_begin(struct cfg *c, const struct md_xml_elem *e)
{
    c->dp_line = e->line;
    c->has_proxy = false;
    c->in_bypasslist = false;
    c->enabled.present = c->udc.present = false;
    for (size_t i = 0; i < NPROXY; i++)
        c->proxy[i].present = false;
    md_buf_reset(&c->excerpt);
    add_excerpt(c, e);
    keep_attr(c, e, "enabled", &c->enabled);
    keep_attr(c, e, "useDefaultCredentials", &c->udc);
}

static void
read_proxy(struct cfg *c, const struct md_xml_elem *e)
{
    if (c->has_proxy)
        md_parse_diag(c->ctx, MD_GRADE_WARN, MD_ERR_SYNTAX,
                      "more than one <proxy> in <defaultProxy>; the last "
                      "one is reported");
    c->has_proxy = true;
    for (size_t i = 0; i < NPROXY; i++) {
        c->proxy[i].present = false;
        keep_attr(c, e, proxy_attrs[i].name, &c->proxy[i]);
    }
    add_excerpt(c, e);
}

static void
emit_proxy(struct cfg *c)
{
    struct md_parse_ctx *ctx = c->ctx;
    struct md_evidence *ev = md_ev_new(ctx, "dotnet.proxy");
    if (!ev)
        return;
    ev->line = c->dp_line;
    ev->xpath = XP_PROXY;
    ev_bool_or_str(ev, "enabled", &c->enabled);
    ev_bool_or_str(ev, "use_default_credentials", &c->udc);
    md_ev_bool(ev, "has_proxy", c->has_proxy);
    for (size_t i = 0; i < NPROXY; i++) {
        if (proxy_attrs[i].boolean)
            ev_bool_or_str(ev, proxy_attrs[i].field, &c->proxy[i]);
        else
            ev_uri(ctx, ev, proxy_attrs[i].field, &c->proxy[i]);
    }
    md_ev_text(ctx, ev, c->excerpt.ptr ? c->excerpt.ptr : "",
               c->excerpt.len);
    md_ev_emit(ctx, ev);
}

static void
emit_child(struct cfg *c, const struct md_xml_elem *e, const char *kind,
           const char *xpath, const char *attr, const char *field,
           const char *action)
{
    struct md_parse_ctx *ctx = c->ctx;
    struct md_evidence *ev = md_ev_new(ctx, kind);
    if (!ev)
        return;
    ev->line = e->line;
    ev->xpath = xpath;
    struct md_slice v;
    if (attr && md_xml_attr(e, attr, &v))
        md_ev_str(ev, field, v.ptr, v.len);
    else if (attr)
        md_parse_diag(ctx, MD_GRADE_WARN, MD_ERR_SYNTAX,
                      "<%s> without '%s' attribute", e->name, attr);
    if (action)
        md_ev_strz(ev, "action", action);
    if (e->raw_len)
        md_ev_text(ctx, ev, e->raw,
                   e->raw_len < EXCERPT_MAX ? e->raw_len : EXCERPT_MAX);
    md_ev_emit(ctx, ev);
}

static void
on_bypass_entry(struct cfg *c, const struct md_xml_elem *e)
{
    static const char *const actions[] = {"add", "remove", "clear"};
    for (size_t i = 0; i < 3; i++) {
        if (!elem_is(c, e, actions[i]))
            continue;
        const char *xp = i == 0   ? XP_PROXY "/bypasslist/add"
                         : i == 1 ? XP_PROXY "/bypasslist/remove"
                                  : XP_PROXY "/bypasslist/clear";
        emit_child(c, e, "dotnet.bypass", xp, i < 2 ? "address" : NULL,
                   "address", actions[i]);
        return;
    }
}

static void
on_start(void *user, const struct md_xml_elem *e)
{
    struct cfg *c = user;
    if (e->depth <= PATH_LEN) {
        if (c->matched == e->depth - 1 && elem_is(c, e, path[e->depth - 1])) {
            c->matched = e->depth;
            if (e->depth == PATH_LEN)
                dp_begin(c, e);
        }
        return;
    }
    if (c->matched != PATH_LEN)
        return;
    if (e->depth == PATH_LEN + 1) {
        if (elem_is(c, e, "proxy"))
            read_proxy(c, e);
        else if (elem_is(c, e, "bypasslist"))
            c->in_bypasslist = true;
        else if (elem_is(c, e, "module"))
            emit_child(c, e, "dotnet.module", XP_MODULE, "type", "type",
                       NULL);
    } else if (e->depth == PATH_LEN + 2 && c->in_bypasslist) {
        on_bypass_entry(c, e);
    }
}

static void
on_end(void *user, const char *name, unsigned depth)
{
    struct cfg *c = user;
    (void)name;
    if (depth == PATH_LEN + 1)
        c->in_bypasslist = false;
    if (depth == PATH_LEN && c->matched == PATH_LEN)
        emit_proxy(c);
    if (c->matched >= depth)
        c->matched = depth - 1;
}

static const struct md_xml_handlers handlers = {
    .start = on_start,
    .end = on_end,
};

static int
cfg_bid(const struct md_sniff *s)
{
    struct md_slice t = md_slice_trim(md_slice_of(s->text, s->text_len));
    if (!t.len || t.ptr[0] != '<')
        return 0;
    bool root = md_slice_ifind(t, "<configuration") >= 0;
    if (md_name_has_ext(s->base, ".config"))
        return root ? 90 : 60;
    return root ? 50 : 0;
}

static enum md_status
cfg_begin(struct md_parse_ctx *ctx, void *state)
{
    struct cfg *c = state;
    c->ctx = ctx;
    c->excerpt = (struct md_buf)MD_BUF_INIT(4 * EXCERPT_MAX);
    c->x = md_xml_new(ctx, &handlers, c, NULL);
    return c->x ? MD_OK : MD_ERR_NOMEM;
}

static enum md_status
cfg_chunk(struct md_parse_ctx *ctx, void *state, const char *s, size_t len)
{
    struct cfg *c = state;
    (void)ctx;
    return md_xml_feed(c->x, s, len);
}

static enum md_status
cfg_end(struct md_parse_ctx *ctx, void *state)
{
    struct cfg *c = state;
    (void)ctx;
    enum md_status st = md_xml_finish(c->x);
    md_xml_free(c->x);
    md_buf_free(&c->enabled.v);
    md_buf_free(&c->udc.v);
    for (size_t i = 0; i < NPROXY; i++)
        md_buf_free(&c->proxy[i].v);
    md_buf_free(&c->excerpt);
    return st;
}

const struct md_parser md_parser_dotnetcfg = {
    .name = "dotnetcfg",
    .bid = cfg_bid,
    .state_size = sizeof(struct cfg),
    .begin = cfg_begin,
    .chunk = cfg_chunk,
    .end = cfg_end,
};
