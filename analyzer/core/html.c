/*
 * The HTML report (marsdiag/html.h). The page is built for a person who
 * may print it or read it without colour: every state has a word and a
 * border style besides its colour, every bar of the chart a pattern, and
 * every diagram a table with the same facts. Charts scroll sideways on a
 * narrow screen instead of shrinking past reading.
 *
 * Bundle text reaches the page only through clean() (secrets masked) and
 * esc() (HTML); rule-pack and tool text only through esc().
 */
#include "marsdiag/html.h"

#include "html_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "marsdiag/decode.h"
#include "marsdiag/evidence.h"
#include "marsdiag/fact.h"
#include "marsdiag/model.h"
#include "marsdiag/redact.h"

#define MAX_EVIDENCE 10     /* evidence shown per finding */
#define EXCERPT_BYTES 400   /* of one evidence excerpt */
#define MAX_BARS 168        /* one week of hours per timeline */
#define MIN_BARS 12         /* a lone event still gets a readable axis */
#define MAX_ZONES 4         /* timelines per bundle (one per time zone) */
#define MAX_HOUR_ROWS 500   /* rows of the per-hour table */
#define MAX_INPUT_ROWS 1000 /* rows of the all-inputs table */

/* The writer's state for one bundle. */
struct out {
    FILE *f;
    const struct md_render *r;
    size_t n; /* the bundle's number: ids are "b<n>-..." */
};

/* ---- text ---------------------------------------------------------------- */

/* s as HTML text or attribute value: markup escaped, invalid UTF-8 and
 * control bytes shown as \xNN (as the JSON writer does), CR dropped. */
static void
esc(FILE *f, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned char c = p[i];
        const char *e = c == '&'    ? "&amp;"
                        : c == '<'  ? "&lt;"
                        : c == '>'  ? "&gt;"
                        : c == '"'  ? "&quot;"
                        : c == '\'' ? "&#39;"
                                    : NULL;
        if (e) {
            fputs(e, f);
            i++;
        } else if (c == '\r') {
            i++;
        } else if (c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f)) {
            fputc(c, f);
            i++;
        } else if (c < 0x80) {
            fprintf(f, "\\x%02X", c);
            i++;
        } else {
            size_t seq = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            size_t v = md_utf8_valid_prefix(p + i, len - i > 4 ? 4 : len - i);
            if (v >= seq) {
                fwrite(p + i, 1, seq, f);
                i += seq;
            } else {
                fprintf(f, "\\x%02X", c);
                i++;
            }
        }
    }
}

static void
escz(FILE *f, const char *s)
{
    esc(f, s, strlen(s));
}

/*
 * THE gate for bundle text: every string a capture supplied — paths,
 * values, excerpts, rule messages with facts in them, host names — goes
 * through here before esc(). Passwords are masked (md_redact) and, with
 * --redact strict (md_render.redactor), host, user and address names are
 * replaced by pseudonyms. Returns a malloc'd copy, or NULL when memory
 * ran out (the caller then shows nothing of s).
 */
static char *
clean(const struct out *o, const char *s, size_t len, size_t *out_len)
{
    return md_redactor_apply(o->r->redactor, s, len, out_len);
}

/* Bundle text, cleaned and escaped. */
static void
btext(const struct out *o, const char *s, size_t len)
{
    size_t n;
    char *m = clean(o, s, len, &n);
    if (m)
        esc(o->f, m, n);
    else
        fputs("[not shown: out of memory]", o->f);
    free(m);
}

static void
btextz(const struct out *o, const char *s)
{
    btext(o, s, strlen(s));
}

/* ---- facts --------------------------------------------------------------- */

static const struct md_fact *
fstr(const struct md_fact *root, const char *path)
{
    const struct md_fact *f = md_fact_path(root, path);
    return f && f->type == MD_F_STR ? f : NULL;
}

static bool
fbool(const struct md_fact *root, const char *path)
{
    const struct md_fact *f = md_fact_path(root, path);
    return f && f->type == MD_F_BOOL && f->i;
}

static bool
fstr_is(const struct md_fact *f, const char *s)
{
    return f && f->type == MD_F_STR && f->len == strlen(s) &&
           memcmp(f->s, s, f->len) == 0;
}

/* A scalar fact as bundle text; "—" when missing. */
static void
fact_out(const struct out *o, const struct md_fact *f)
{
    if (!f || f->type == MD_F_NULL)
        fputs("—", o->f);
    else if (f->type == MD_F_STR)
        btext(o, f->s, f->len);
    else if (f->type == MD_F_BOOL)
        fputs(f->i ? "yes" : "no", o->f);
    else if (f->type == MD_F_INT)
        fprintf(o->f, "%lld", (long long)f->i);
    else
        fputs("—", o->f);
}

/* ---- the document ------------------------------------------------------- */

static const char css[] =
    ":root{--fg:#1c1e21;--muted:#5a6068;--line:#d5d9de;--soft:#f5f6f8;"
    "--err:#b3261e;--warn:#8a5a00;--info:#1f5fa8;--ok:#1e6b34}\n"
    "*{box-sizing:border-box}\n"
    "html{-webkit-text-size-adjust:100%}\n"
    "body{margin:0;background:#eef0f3;color:var(--fg);"
    "overflow-wrap:break-word;font:15px/1.5 "
    "system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,"
    "\"Noto Sans\",\"DejaVu Sans\",sans-serif}\n"
    "main{max-width:1120px;margin:0 auto;padding:24px 20px}\n"
    "code,pre,.mono{font-family:ui-monospace,\"Cascadia Mono\",Consolas,"
    "\"DejaVu Sans Mono\",Menlo,monospace;font-size:.86em}\n"
    "h1{font-size:1.55rem;margin:0 0 .2rem}\n"
    "h2{font-size:1.3rem;margin:0 0 .6rem;overflow-wrap:anywhere}\n"
    "h3{font-size:1.08rem;margin:1.8rem 0 .7rem;padding-bottom:.3rem;"
    "border-bottom:2px solid var(--line)}\n"
    "h4{font-size:1rem;margin:0}\n"
    "p{margin:.4rem 0}\n"
    "a{color:#0b57d0}\n"
    ".page-head{margin:0 0 18px}\n"
    ".page-head p{color:var(--muted);margin:0}\n"
    "article.bundle{background:#fff;border:1px solid var(--line);"
    "border-radius:8px;padding:22px 26px;margin:0 0 26px}\n"
    "dl.meta{display:grid;grid-template-columns:max-content 1fr;"
    "gap:2px 18px;margin:0 0 12px}\n"
    "dl.meta dt{color:var(--muted)}\n"
    "dl.meta dd{margin:0;overflow-wrap:anywhere}\n"
    ".counts{display:flex;flex-wrap:wrap;gap:8px;margin:8px 0 0;padding:0;"
    "list-style:none}\n"
    ".counts li{border:1px solid var(--line);border-radius:6px;"
    "padding:4px 12px;background:var(--soft)}\n"
    ".counts b{font-size:1.1rem;margin-right:4px}\n"
    ".counts .c-error{border-left:5px solid var(--err)}\n"
    ".counts .c-warning{border-left:5px solid var(--warn)}\n"
    ".counts .c-info{border-left:5px solid var(--info)}\n"
    ".verdict{border:1px solid var(--line);border-left:6px solid var(--ok);"
    "border-radius:6px;background:#f4f9f5;padding:12px 18px}\n"
    ".verdict.v-unknown{border-left:6px dashed var(--warn);"
    "background:#fdf8ee}\n"
    ".verdict .big{font-size:1.2rem;font-weight:600;margin:0 0 4px;"
    "overflow-wrap:anywhere}\n"
    ".verdict dl.meta{margin:8px 0 0}\n"
    ".badge{display:inline-block;border:1.5px solid currentColor;"
    "border-radius:4px;padding:0 6px;font-size:.74rem;font-weight:700;"
    "letter-spacing:.04em;text-transform:uppercase;vertical-align:2px;"
    "white-space:nowrap}\n"
    ".sev-error .badge{color:var(--err)}\n"
    ".sev-warning .badge{color:var(--warn);border-style:dashed}\n"
    ".sev-info .badge{color:var(--info);border-style:dotted}\n"
    ".figure{overflow-x:auto;margin:6px 0 10px}\n"
    ".figure svg{display:block;width:100%;min-width:720px;height:auto}\n"
    ".caption{color:var(--muted);font-size:.88rem}\n"
    ".table-wrap{overflow-x:auto}\n"
    "table{border-collapse:collapse;width:100%;font-size:.9rem;"
    "margin:6px 0}\n"
    "th,td{text-align:left;vertical-align:top;padding:5px 8px;"
    "border-bottom:1px solid var(--line)}\n"
    "th{background:var(--soft);font-weight:600}\n"
    "td.state,td.time{white-space:nowrap}\n"
    "td.num,th.num{text-align:right;white-space:nowrap}\n"
    "ol.findings{list-style:none;margin:0;padding:0}\n"
    "li.finding{border:1px solid var(--line);border-left:6px solid "
    "var(--err);border-radius:6px;padding:12px 18px;margin:0 0 14px}\n"
    "li.finding.sev-warning{border-left-color:var(--warn)}\n"
    "li.finding.sev-info{border-left-color:var(--info)}\n"
    "li.finding.suppressed{background:var(--soft)}\n"
    ".fhead{display:flex;flex-wrap:wrap;gap:4px 10px;align-items:baseline}\n"
    ".rule{font-weight:700}\n"
    ".subject{color:var(--muted)}\n"
    ".label{font-weight:600;margin:10px 0 2px}\n"
    "ol.evidence{margin:0;padding-left:1.4rem}\n"
    "ol.evidence li{margin:0 0 6px}\n"
    ".loc{font-weight:600;overflow-wrap:anywhere}\n"
    ".regkey{color:var(--muted);overflow-wrap:anywhere}\n"
    "pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:3px 0 0;"
    "padding:6px 9px;background:var(--soft);border:1px solid #e2e5e9;"
    "border-radius:4px}\n"
    ".fix{background:#f2f7fd;border:1px solid #cfe0f5;border-radius:4px;"
    "padding:6px 10px;margin:10px 0 0}\n"
    ".refs{font-size:.88rem;color:var(--muted);overflow-wrap:anywhere}\n"
    ".waiver{font-size:.9rem}\n"
    ".note{color:var(--muted);font-size:.9rem}\n"
    ".legend{display:flex;flex-wrap:wrap;gap:6px 18px;list-style:none;"
    "margin:4px 0;padding:0;font-size:.9rem}\n"
    ".legend svg{vertical-align:-3px;margin-right:6px}\n"
    "details{margin:8px 0}\n"
    "summary{cursor:pointer;color:var(--muted)}\n"
    ".ok{color:var(--ok)}\n"
    "footer{color:var(--muted);font-size:.85rem;text-align:center;"
    "padding:0 0 24px}\n"
    "@media (max-width:640px){main{padding:10px 8px}"
    "article.bundle{padding:14px 12px}"
    "dl.meta{grid-template-columns:1fr}dl.meta dt{margin-top:6px}"
    "li.finding{padding:10px 12px}}\n"
    "@media print{body{background:#fff;font-size:10.5pt}"
    "main{max-width:none;padding:0}"
    "article.bundle{border:none;padding:0;break-before:page}"
    "article.bundle:first-of-type{break-before:auto}"
    ".figure{overflow:visible}.figure svg{min-width:0}"
    "li.finding,tr,.figure,.verdict{break-inside:avoid}"
    "h3,h4{break-after:avoid}a{color:inherit}"
    "summary{display:none}}\n";

void
md_html_page(struct md_html *h, FILE *f, const struct md_render *r,
             const char *title, const char *heading, const char *intro,
             const char *extra_css)
{
    h->f = f;
    h->r = r;
    h->nbundles = 0;
    struct out o = {f, r, 0};
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
          "<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\">\n"
          /* Nothing may load or run, whatever a bundle contained. */
          "<meta http-equiv=\"Content-Security-Policy\" content=\""
          "default-src 'none'; style-src 'unsafe-inline'; "
          "form-action 'none'; base-uri 'none'\">\n"
          "<meta name=\"referrer\" content=\"no-referrer\">\n"
          "<meta name=\"generator\" content=\"marsdiag ",
          f);
    escz(f, md_version());
    fputs("\">\n<title>", f);
    if (title)
        btextz(&o, title);
    else
        fputs("marsdiag report", f);
    fprintf(f, "</title>\n<style>\n%s%s</style>\n</head>\n<body>\n<main>\n",
            css, extra_css ? extra_css : "");
    fputs("<header class=\"page-head\">\n<h1>", f);
    escz(f, heading);
    fputs("</h1>\n<p>", f);
    escz(f, intro);
    fputs(" Made offline by marsdiag ", f);
    escz(f, md_version());
    fputs(" with the rule pack ", f);
    escz(f, r->rulepack ? r->rulepack : "?");
    fputs(r->redactor ? "; passwords are masked, and host, user and address "
                        "names replaced by pseudonyms.</p>\n</header>\n"
                      : "; passwords are masked.</p>\n</header>\n",
          f);
}

void
md_html_begin(struct md_html *h, FILE *f, const struct md_render *r,
              const char *title)
{
    md_html_page(h, f, r, title, "MARS agent proxy diagnosis",
                 "Which proxy the Microsoft Azure Recovery Services agent "
                 "uses, what is wrong and how to fix it, from the support "
                 "bundle alone.",
                 NULL);
}

void
md_html_end(struct md_html *h)
{
    fputs("</main>\n<footer>marsdiag ", h->f);
    escz(h->f, md_version());
    fputs(" · this page is self-contained: it loads nothing and runs no "
          "script</footer>\n</body>\n</html>\n",
          h->f);
}

/* ---- header ---------------------------------------------------------------
 */

static void
hex(char *out, const unsigned char *p, size_t n)
{
    static const char d[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = d[p[i] >> 4];
        out[2 * i + 1] = d[p[i] & 15];
    }
    out[2 * n] = '\0';
}

static void
meta_row(const struct out *o, const char *name, const struct md_fact *f)
{
    fprintf(o->f, "<dt>%s</dt><dd>", name);
    fact_out(o, f);
    fputs("</dd>\n", o->f);
}

static void
count_item(const struct out *o, const char *cls, size_t n, const char *one,
           const char *many)
{
    fprintf(o->f, "<li class=\"%s\"><b>%zu</b>%s</li>\n", cls, n,
            n == 1 ? one : many);
}

static void
write_head(const struct out *o, const struct md_verdict *v,
           const struct md_fact *root)
{
    const struct md_bundle *b = &v->bundle;
    const struct md_fact *host = fstr(root, "host.name");
    fprintf(o->f, "<header id=\"b%zu-summary\">\n<h2>", o->n);
    if (host) {
        btext(o, host->s, host->len);
        fputs(" <span class=\"subject\">— ", o->f);
        btextz(o, b->path);
        fputs("</span>", o->f);
    } else {
        btextz(o, b->path);
    }
    fputs("</h2>\n<dl class=\"meta\">\n<dt>Bundle</dt><dd class=\"mono\">",
          o->f);
    btextz(o, b->path);
    fputs("</dd>\n", o->f);
    if (b->have_sha256) {
        char h[65];
        hex(h, b->sha256, 32);
        fprintf(o->f, "<dt>SHA-256</dt><dd class=\"mono\">%s</dd>\n", h);
    }
    meta_row(o, "Host", host);
    meta_row(o, "Agent version", fstr(root, "agent.version"));
    fputs("<dt>Rule pack</dt><dd>", o->f);
    escz(o->f, o->r->rulepack ? o->r->rulepack : "?");
    fputs("</dd>\n<dt>marsdiag</dt><dd>", o->f);
    escz(o->f, md_version());
    fputs("</dd>\n", o->f);
    if (o->r->timing)
        fprintf(o->f, "<dt>Analysis time</dt><dd>%lld ms</dd>\n",
                v->elapsed_ms);
    fputs("</dl>\n", o->f);
    if (b->status != MD_OK) {
        fputs("</header>\n", o->f);
        return;
    }
    size_t n[3] = {0}, suppressed = 0;
    for (size_t i = 0; i < v->nfindings; i++) {
        if (v->findings[i].suppressed)
            suppressed++;
        else
            n[v->findings[i].severity]++;
    }
    fputs("<ul class=\"counts\" aria-label=\"findings\">\n", o->f);
    count_item(o, "c-error", n[MD_SEV_ERROR], "error", "errors");
    count_item(o, "c-warning", n[MD_SEV_WARNING], "warning", "warnings");
    count_item(o, "c-info", n[MD_SEV_INFO], "info", "info");
    count_item(o, "c-suppressed", suppressed, "suppressed", "suppressed");
    fputs("</ul>\n</header>\n", o->f);
}

/* ---- effective proxy ---------------------------------------------------- */

static const char *
source_words(const struct md_fact *src)
{
    if (fstr_is(src, "agent"))
        return "Set in the agent itself (Set-OBMachineSetting or the agent "
               "console), which takes precedence over Windows.";
    if (fstr_is(src, "system"))
        return "From the SYSTEM account's Windows proxy settings (WinINet): "
               "the agent has no proxy of its own.";
    if (fstr_is(src, "none"))
        return "Neither the agent nor the SYSTEM account has a proxy.";
    return NULL;
}

/* "server:port", "PAC url", ... for the proxy in force; into a cleaned
 * output. */
static void
effective_value(const struct out *o, const struct md_fact *root)
{
    const struct md_fact *mode = fstr(root, "effective.mode");
    if (fstr_is(mode, "pac")) {
        fputs("PAC file <code>", o->f);
        fact_out(o, fstr(root, "effective.pac_url"));
        fputs("</code>", o->f);
    } else if (fstr_is(mode, "autodetect")) {
        fputs("Automatic detection (WPAD)", o->f);
    } else if (fstr_is(mode, "direct")) {
        fputs("No proxy — direct connection", o->f);
    } else {
        const struct md_fact *srv = fstr(root, "effective.server");
        const struct md_fact *port = md_fact_path(root, "effective.port");
        fputs("Proxy server <code>", o->f);
        fact_out(o, srv);
        if (port && port->type == MD_F_INT)
            fprintf(o->f, ":%lld", (long long)port->i);
        fputs("</code>", o->f);
    }
}

static void
write_missing(const struct out *o, const struct md_fact *root)
{
    const struct md_fact *miss = md_fact_path(root, "collected.missing");
    if (!miss || miss->type != MD_F_LIST || !miss->n)
        return;
    fputs("<p class=\"label\">What to collect</p>\n<ul>\n", o->f);
    for (size_t i = 0; i < miss->n; i++) {
        fputs("<li>", o->f);
        fact_out(o, fstr(miss->items[i], "what"));
        fputs(": ", o->f);
        fact_out(o, fstr(miss->items[i], "collect"));
        fputs("</li>\n", o->f);
    }
    fputs("</ul>\n", o->f);
}

static void
write_proxy(const struct out *o, const struct md_fact *root)
{
    const struct md_fact *src = fstr(root, "effective.source");
    const char *words = source_words(src);
    fprintf(o->f, "<section id=\"b%zu-proxy\">\n<h3>Effective proxy</h3>\n",
            o->n);
    if (!words) {
        fputs("<div class=\"verdict v-unknown\">\n<p class=\"big\">"
              "<span class=\"badge\">unknown</span> Cannot tell which proxy "
              "the agent uses</p>\n<p>The bundle lacks the settings a "
              "verdict needs (see MP022); marsdiag does not guess "
              "“direct”.</p>\n",
              o->f);
        write_missing(o, root);
        fputs("</div>\n</section>\n", o->f);
        return;
    }
    fputs("<div class=\"verdict\">\n<p class=\"big\">", o->f);
    effective_value(o, root);
    fputs("</p>\n<p>", o->f);
    escz(o->f, words);
    fputs("</p>\n<dl class=\"meta\">\n", o->f);
    meta_row(o, "Source", src);
    meta_row(o, "Mode", fstr(root, "effective.mode"));
    if (!fstr_is(src, "none")) {
        meta_row(o, "Credentials", md_fact_path(root, "effective.credentials"));
        meta_row(o, "Bypass list", fstr(root, "effective.bypass"));
    }
    fputs("</dl>\n</div>\n</section>\n", o->f);
}

/* ---- the precedence chain -------------------------------------------------
 */

/* The chain as loaded (built in or --rules), in its order, from
 * precedence.chain: whether the bundle lets each step be decided, and
 * whether it is set. "none", the direct connection, needs no capture of
 * its own (as in precedence.c). */
#define MAX_STEPS 8

struct step {
    const struct md_fact *source;
    const char *label; /* a friendly name for the pack's sources, or NULL */
    bool known, set, direct;
};

struct chain {
    struct step s[MAX_STEPS];
    size_t n;
};

static const char *
step_label(const struct md_fact *source)
{
    static const struct {
        const char *source, *label;
    } labels[] = {
        {"agent", "Agent's own proxy"},
        {"system", "SYSTEM's Windows proxy"},
        {"none", "Direct connection"},
    };
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (fstr_is(source, labels[i].source))
            return labels[i].label;
    return NULL;
}

static void
load_chain(const struct md_fact *root, struct chain *c)
{
    const struct md_fact *l = md_fact_path(root, "precedence.chain");
    c->n = 0;
    for (size_t i = 0; l && l->type == MD_F_LIST && i < l->n; i++) {
        const struct md_fact *src = fstr(l->items[i], "source");
        if (!src || c->n == MAX_STEPS)
            continue;
        struct step *s = &c->s[c->n++];
        s->source = src;
        s->label = step_label(src);
        s->known = fbool(l->items[i], "known");
        s->set = fbool(l->items[i], "set");
        s->direct = fstr_is(src, "none");
    }
}

enum state {
    ST_FORCE,
    ST_SHADOW,
    ST_UNSET,
    ST_MISSING,
    ST_UNUSED,
    ST_UNDECIDED,
    ST_NEVER
};

static const struct {
    const char *word, *mark, *fill, *stroke, *dash;
    double width;
} states[] = {
    [ST_FORCE] = {"in force", "\u2714", "#e6f4ea", "#1e6b34", "", 3},
    [ST_SHADOW] = {"shadowed", "\u2298", "#fff3e0", "#a35c00", "9 5", 2},
    [ST_UNSET] = {"not set", "\u25cb", "#fafafa", "#8a9099", "2 4", 1.5},
    [ST_MISSING] = {"not in bundle", "?", "#fafafa", "#8a9099", "1 5", 1.5},
    [ST_UNUSED] = {"not used", "\u2013", "#fafafa", "#8a9099", "2 4", 1.5},
    [ST_UNDECIDED] = {"undecided", "?", "#fdf8ee", "#8a5a00", "1 5", 1.5},
    [ST_NEVER] = {"never consulted", "\u2298", "#f1f3f4", "#5f6368", "6 4",
                  1.5},
};

struct box {
    const char *label;            /* a fixed name, or NULL to use source */
    const struct md_fact *source; /* shadowed[*].source as written */
    enum state st;
    const struct md_fact *mode, *value, *reason; /* may be NULL */
    const char *note; /* fixed text when there is no reason */
};

/* The shadowed entry for source, or NULL. */
static const struct md_fact *
shadow_of(const struct md_fact *root, const struct md_fact *source)
{
    const struct md_fact *sh = md_fact_path(root, "effective.shadowed");
    for (size_t i = 0; sh && sh->type == MD_F_LIST && i < sh->n; i++) {
        const struct md_fact *s = fstr(sh->items[i], "source");
        if (s && source && s->len == source->len &&
            memcmp(s->s, source->s, s->len) == 0)
            return sh->items[i];
    }
    return NULL;
}

static size_t
chain_index(const struct chain *c, const struct md_fact *source)
{
    for (size_t i = 0; source && i < c->n; i++)
        if (c->s[i].source->len == source->len &&
            memcmp(c->s[i].source->s, source->s, source->len) == 0)
            return i;
    return c->n;
}

/* The verdict is unknown: the first step whose capture the bundle lacks
 * stopped the chain, so what follows it is undecided. */
static void
unknown_box(const struct chain *c, size_t i, struct box *b)
{
    size_t k = 0;
    while (k < c->n && !c->s[k].direct && c->s[k].known)
        k++;
    if (i < k) {
        b->st = ST_UNSET;
        b->note = "not set: the next source is consulted";
    } else if (i == k && !c->s[i].direct) {
        b->st = ST_MISSING;
        b->note = "the bundle has no capture of it, so the verdict is "
                  "unknown";
    } else if (c->s[i].direct) {
        b->st = ST_UNDECIDED;
        b->note = "a direct connection is never assumed: the sources above "
                  "must be known";
    } else {
        b->st = ST_UNDECIDED;
        b->note = c->s[i].set
                      ? "set, but in force only if the sources above are not"
                      : "in force only if the sources above are not set";
    }
}

/* The state of chain step i, given the winner at index win (c->n when
 * unknown). */
static void
chain_box(const struct md_fact *root, const struct chain *c, size_t i,
          size_t win, struct box *b)
{
    memset(b, 0, sizeof *b);
    b->label = c->s[i].label;
    b->source = c->s[i].source;
    const struct md_fact *sh = shadow_of(root, c->s[i].source);
    if (i == win) {
        b->st = ST_FORCE;
        b->mode = fstr(root, "effective.mode");
        b->value = fstr(root, "effective.pac_url");
        if (!b->value)
            b->value = fstr(root, "effective.server");
        b->note = i == 0 ? "first in precedence: set, so it wins"
                         : "the sources above are not set";
    } else if (sh) {
        b->st = ST_SHADOW;
        b->mode = fstr(sh, "mode");
        b->value = fstr(sh, "value");
        b->reason = fstr(sh, "reason");
    } else if (win == c->n) {
        unknown_box(c, i, b);
    } else if (i > win) {
        b->st = ST_UNUSED;
        b->note = i + 1 == c->n ? "a proxy is in force"
                                : "not set; a source above wins anyway";
    } else if (!c->s[i].direct && !c->s[i].known) {
        b->st = ST_MISSING;
        b->note = "the bundle has no capture of it";
    } else {
        b->st = ST_UNSET;
        b->note = "not set: the next source is consulted";
    }
}

static size_t
utf8_len(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* Bytes of s holding its first n code points. */
static size_t
utf8_prefix(const char *s, size_t len, size_t n)
{
    size_t i = 0;
    while (i < len && n > 0) {
        i++;
        while (i < len && ((unsigned char)s[i] & 0xC0) == 0x80)
            i++;
        n--;
    }
    return i;
}

/*
 * s as up to maxl <tspan> lines of at most width code points, broken at
 * spaces (a single line is cut anywhere); the last line ends in "…" when
 * text is left over. s is cleaned
 * first (it may be bundle text). Returns the number of lines written.
 */
static int
svg_lines(const struct out *o, const char *s, size_t len, size_t width,
          int maxl, double x, double y, double lh)
{
    size_t n;
    char *m = clean(o, s, len, &n);
    if (!m)
        return 0;
    size_t pos = 0;
    int line = 0;
    while (line < maxl) {
        while (pos < n && m[pos] == ' ')
            pos++;
        if (pos >= n)
            break;
        size_t rest = n - pos, take = rest;
        bool more = false;
        if (utf8_len(m + pos, rest) > width) {
            take = utf8_prefix(m + pos, rest, width);
            size_t sp = take;
            while (sp > 0 && m[pos + sp] != ' ')
                sp--;
            if (sp > 0 && maxl > 1) /* one line: cut, do not wrap */
                take = sp;
            more = true;
        }
        bool last = line + 1 == maxl && more;
        if (last)
            take = utf8_prefix(m + pos, take, width - 1);
        fprintf(o->f, "<tspan x=\"%.1f\" y=\"%.1f\">", x, y + line * lh);
        esc(o->f, m + pos, take);
        fputs(last ? "…</tspan>" : "</tspan>", o->f);
        pos += take;
        line++;
    }
    free(m);
    return line;
}

/* The state word in capitals, for the diagram. */
static void
upper(FILE *f, const char *s)
{
    for (; *s; s++)
        fputc(*s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' : *s, f);
}

#define SVG_W 960.0
#define BOX_W 264.0 /* three to a row */
#define BOX_H 150.0
#define BOX_GAP ((SVG_W - 3 * BOX_W) / 2)

/* Code points of text that fit a box w wide (about 6.5 px each). */
static size_t
box_chars(double w)
{
    return (size_t)((w - 24) / 6.5);
}

/* The name of a box: its fixed label, else the shadowed entry's source
 * ("winhttp", "user S-1-5-21-…" as precedence.yml's never_consulted
 * writes them) in words. Bundle text: clean it on output. */
static void
box_name(const struct box *b, char *buf, size_t n)
{
    const struct md_fact *s = b->source;
    if (b->label)
        snprintf(buf, n, "%s", b->label);
    else if (fstr_is(s, "winhttp"))
        snprintf(buf, n, "WinHTTP proxy (netsh)");
    else if (s->len > 5 && !memcmp(s->s, "user ", 5))
        snprintf(buf, n, "User: %.*s", (int)s->len - 5, s->s + 5);
    else
        snprintf(buf, n, "%.*s", (int)s->len, s->s);
}

/* One line of a box: s cut to what fits (cleaned; it may be bundle
 * text). */
static void
box_line(const struct out *o, const char *s, size_t len, double x, double y,
         size_t chars, const char *attrs)
{
    fprintf(o->f, "<text %s>", attrs);
    svg_lines(o, s, len, chars, 1, x, y, 0);
    fputs("</text>\n", o->f);
}

static void
svg_box(const struct out *o, double x, double y, double w, const struct box *b,
        const char *num)
{
    FILE *f = o->f;
    const double pad = 12;
    const char *dash = states[b->st].dash;
    fprintf(f,
            "<g>\n<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
            "height=\"%.1f\" rx=\"7\" fill=\"%s\" stroke=\"%s\" "
            "stroke-width=\"%.1f\"",
            x, y, w, BOX_H, states[b->st].fill, states[b->st].stroke,
            states[b->st].width);
    if (*dash)
        fprintf(f, " stroke-dasharray=\"%s\"", dash);
    fputs("/>\n", f);
    /* Bold text is about a quarter wider than box_chars() assumes. */
    char name[400], title[512];
    box_name(b, name, sizeof name);
    snprintf(title, sizeof title, "%s%s", num, name);
    box_line(o, title, strlen(title), x + pad, y + 24, box_chars(w) * 4 / 5,
             "font-size=\"14\" font-weight=\"700\"");
    fprintf(f,
            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
            "fill=\"%s\"><tspan font-weight=\"700\" "
            "letter-spacing=\".6\">%s ",
            x + pad, y + 45, states[b->st].stroke, states[b->st].mark);
    upper(f, states[b->st].word);
    fputs("</tspan>", f);
    if (b->mode) {
        fputs(" · ", f);
        btext(o, b->mode->s, b->mode->len);
    }
    fputs("</text>\n", f);
    double ty = y + 68;
    if (b->value) {
        box_line(o, b->value->s, b->value->len, x + pad, ty, box_chars(w) - 4,
                 "font-size=\"12.5\" font-family=\"ui-monospace, Consolas, "
                 "&#39;DejaVu Sans Mono&#39;, monospace\"");
        ty += 22;
    }
    fputs("<text font-size=\"12.5\" fill=\"#3c4043\">", f);
    const char *t = b->reason ? b->reason->s : b->note;
    size_t tlen = b->reason ? b->reason->len : t ? strlen(t) : 0;
    if (t)
        svg_lines(o, t, tlen, box_chars(w), b->value ? 3 : 4, x + pad, ty, 16);
    fputs("</text>\n</g>\n", f);
}

static void
svg_arrow(FILE *f, double x1, double x2, double y)
{
    fprintf(f,
            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
            "stroke=\"#5f6368\" stroke-width=\"2\"/>\n"
            "<polygon points=\"%.1f,%.1f %.1f,%.1f %.1f,%.1f\" "
            "fill=\"#5f6368\"/>\n"
            "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11.5\" "
            "text-anchor=\"middle\" fill=\"#5f6368\">if not set</text>\n",
            x1, y, x2 - 8, y, x2 - 10, y - 6, x2, y, x2 - 10, y + 6,
            (x1 + x2) / 2, y - 9);
}

/* Boxes for the sources the agent never reads (shadowed entries outside
 * the chain: interactive users, WinHTTP). */
static size_t
never_boxes(const struct md_fact *root, const struct chain *c, struct box *out,
            size_t max)
{
    const struct md_fact *sh = md_fact_path(root, "effective.shadowed");
    size_t n = 0;
    for (size_t i = 0; sh && sh->type == MD_F_LIST && i < sh->n && n < max;
         i++) {
        const struct md_fact *src = fstr(sh->items[i], "source");
        if (!src || chain_index(c, src) < c->n)
            continue;
        struct box *b = &out[n++];
        memset(b, 0, sizeof *b);
        b->source = src;
        b->st = ST_NEVER;
        b->mode = fstr(sh->items[i], "mode");
        b->value = fstr(sh->items[i], "value");
        b->reason = fstr(sh->items[i], "reason");
    }
    return n;
}

#define MAX_NEVER_BOXES 12

static void
chain_svg(const struct out *o, const struct box *cb, size_t ncb,
          const struct box *nb, size_t nnb)
{
    FILE *f = o->f;
    size_t rows = (nnb + 2) / 3;
    double h = 8 + BOX_H + (nnb ? 44 + rows * (BOX_H + 14) : 0) + 4;
    fprintf(f,
            "<div class=\"figure\">\n<svg xmlns=\"http://www.w3.org/"
            "2000/svg\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
            "aria-labelledby=\"b%zu-chain-t\">\n<title id=\"b%zu-chain-t\">"
            "The precedence chain: the first source that is set is the "
            "proxy the agent uses</title>\n",
            SVG_W, h, o->n, o->n);
    /* The built-in chain has three steps; a longer one narrows them. */
    double gap = ncb > 3 ? 60 : BOX_GAP;
    double w = ncb > 3 ? (SVG_W - (ncb - 1) * gap) / ncb : BOX_W;
    for (size_t i = 0; i < ncb; i++) {
        char num[32];
        snprintf(num, sizeof num, "%zu · ", i + 1);
        double x = i * (w + gap);
        svg_box(o, x, 8, w, &cb[i], num);
        if (i + 1 < ncb)
            svg_arrow(f, x + w + 4, x + w + gap - 4, 8 + BOX_H / 2);
    }
    if (nnb) {
        double y = 8 + BOX_H + 30;
        fprintf(f,
                "<line x1=\"0\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" "
                "stroke=\"#d5d9de\" stroke-dasharray=\"4 4\"/>\n"
                "<text x=\"0\" y=\"%.1f\" font-size=\"13\" "
                "font-weight=\"700\" fill=\"#5f6368\">Never consulted by "
                "the agent — shown for context</text>\n",
                y - 18, SVG_W, y - 18, y + 2);
        for (size_t i = 0; i < nnb; i++)
            svg_box(o, (i % 3) * (BOX_W + BOX_GAP),
                    y + 14 + (i / 3) * (BOX_H + 14), BOX_W, &nb[i], "");
    }
    fputs("</svg>\n</div>\n", f);
}

static void
chain_row(const struct out *o, const char *num, const struct box *b)
{
    FILE *f = o->f;
    char name[400];
    box_name(b, name, sizeof name);
    fprintf(f, "<tr><td class=\"num\">%s</td><td>", num);
    btextz(o, name);
    fprintf(f, "</td><td class=\"state\"><b>%s %s</b></td><td>",
            states[b->st].mark, states[b->st].word);
    if (b->mode)
        btext(o, b->mode->s, b->mode->len);
    if (b->mode && b->value)
        fputs(": ", f);
    if (b->value) {
        fputs("<code>", f);
        btext(o, b->value->s, b->value->len);
        fputs("</code>", f);
    }
    fputs("</td><td>", f);
    if (b->reason)
        btext(o, b->reason->s, b->reason->len);
    else if (b->note)
        escz(f, b->note);
    fputs("</td></tr>\n", f);
}

static void
write_chain(const struct out *o, const struct md_fact *root)
{
    const struct md_fact *src = fstr(root, "effective.source");
    struct chain c;
    load_chain(root, &c);
    struct box cb[MAX_STEPS], nb[MAX_NEVER_BOXES];
    size_t ncb = c.n, win = chain_index(&c, src);
    for (size_t i = 0; i < c.n; i++)
        chain_box(root, &c, i, win, &cb[i]);
    size_t nnb = never_boxes(root, &c, nb, MAX_NEVER_BOXES);
    fprintf(o->f,
            "<section id=\"b%zu-chain\">\n<h3>Why this proxy: the "
            "precedence chain</h3>\n<p class=\"note\">The agent "
            "consults its sources in this order and uses the first "
            "one that is set (support article §5–§6).</p>\n",
            o->n);
    chain_svg(o, cb, ncb, nb, nnb);
    fputs("<div class=\"table-wrap\"><table class=\"chain\">\n<thead><tr>"
          "<th class=\"num\">#</th><th>Source</th><th>State</th>"
          "<th>Setting</th><th>Why</th></tr></thead>\n<tbody>\n",
          o->f);
    for (size_t i = 0; i < ncb; i++) {
        char num[32];
        snprintf(num, sizeof num, "%zu", i + 1);
        chain_row(o, num, &cb[i]);
    }
    for (size_t i = 0; i < nnb; i++)
        chain_row(o, "—", &nb[i]);
    fputs("</tbody></table></div>\n", o->f);
    if (!nnb)
        fputs("<p class=\"note\">No other proxy setting (an interactive "
              "user's, WinHTTP's) is set in the bundle.</p>\n",
              o->f);
    fputs("</section>\n", o->f);
}

/* ---- findings ------------------------------------------------------------ */

static void
write_excerpt(const struct out *o, const struct md_evidence *ev)
{
    /* A log record is best shown by its message, an event without a
     * rendered message by its data (as the text report does). */
    const struct md_field *msg = md_ev_field(ev, "message");
    if (!msg || msg->type != MD_V_STR || !msg->len)
        msg = ev->text ? NULL : md_ev_field(ev, "data");
    const char *t = msg && msg->type == MD_V_STR ? msg->s : ev->text;
    size_t tlen = msg && msg->type == MD_V_STR ? msg->len : ev->text_len;
    if (!t || !tlen)
        return;
    size_t lim = tlen > EXCERPT_BYTES ? EXCERPT_BYTES : tlen;
    while (lim < tlen && lim > 0 && ((unsigned char)t[lim] & 0xC0) == 0x80)
        lim--; /* not inside a UTF-8 sequence */
    fputs("<pre>", o->f);
    btext(o, t, lim);
    if (lim < tlen)
        fputs("…", o->f);
    fputs("</pre>", o->f);
}

static void
write_evidence(const struct out *o, const struct md_evidence *ev)
{
    fputs("<li><span class=\"loc mono\">", o->f);
    btextz(o, ev->input && ev->input->path ? ev->input->path : "?");
    if (ev->line)
        fprintf(o->f, ":%llu", (unsigned long long)ev->line);
    fputs("</span>", o->f);
    if (ev->key || ev->xpath) {
        fputs(" <span class=\"regkey mono\">", o->f);
        btextz(o, ev->key ? ev->key : ev->xpath);
        if (ev->key && ev->name) {
            fputs(" → ", o->f);
            btextz(o, ev->name);
        }
        fputs("</span>", o->f);
    }
    write_excerpt(o, ev);
    fputs("</li>\n", o->f);
}

static bool
is_url(const char *s)
{
    return !strncmp(s, "https://", 8) || !strncmp(s, "http://", 7);
}

static void
write_references(const struct out *o, const struct md_rule_info *rule)
{
    if (!rule->nreferences)
        return;
    fputs("<p class=\"refs\">References: ", o->f);
    for (size_t i = 0; i < rule->nreferences; i++) {
        const char *ref = rule->references[i];
        if (i)
            fputs(" · ", o->f);
        if (is_url(ref)) {
            /* A link is only followed if the reader clicks it. */
            fputs("<a href=\"", o->f);
            escz(o->f, ref);
            fputs("\" rel=\"noopener noreferrer\">", o->f);
            escz(o->f, ref);
            fputs("</a>", o->f);
        } else {
            escz(o->f, ref);
        }
    }
    fputs("</p>\n", o->f);
}

static void
write_finding(const struct out *o, const struct md_verdict_finding *v,
              size_t idx)
{
    FILE *f = o->f;
    const char *sev = md_severity_str(v->severity);
    fprintf(f,
            "<li class=\"finding sev-%s%s\" id=\"b%zu-f%zu\">\n"
            "<div class=\"fhead\"><span class=\"badge\">%s</span>"
            "<span class=\"rule mono\">",
            sev, v->suppressed ? " suppressed" : "", o->n, idx, sev);
    escz(f, v->rule->id);
    fputs("</span><h4>", f);
    escz(f, v->rule->title);
    fputs("</h4>", f);
    if (v->subject) {
        fputs("<span class=\"subject\">[", f);
        btextz(o, v->subject);
        fputs("]</span>", f);
    }
    fputs("</div>\n<p class=\"msg\">", f);
    btextz(o, v->message);
    fputs("</p>\n", f);
    if (v->suppressed) {
        fputs("<p class=\"waiver\"><b>Suppressed by a waiver:</b> ", f);
        if (v->waiver_reason)
            btextz(o, v->waiver_reason);
        else
            fputs("(no reason given)", f);
        fputs("</p>\n", f);
    }
    if (v->nevidence) {
        fputs("<p class=\"label\">Evidence</p>\n<ol class=\"evidence\">\n", f);
        for (size_t i = 0; i < v->nevidence && i < MAX_EVIDENCE; i++)
            write_evidence(o, v->evidence[i]);
        fputs("</ol>\n", f);
        if (v->nevidence > MAX_EVIDENCE)
            fprintf(f, "<p class=\"note\">and %zu more</p>\n",
                    v->nevidence - MAX_EVIDENCE);
    }
    fputs("<div class=\"fix\"><b>Fix:</b> ", f);
    escz(f, v->rule->fix);
    fputs("</div>\n", f);
    write_references(o, v->rule);
    fputs("</li>\n", f);
}

static void
write_findings(const struct out *o, const struct md_verdict *v)
{
    size_t shown = 0, suppressed = 0;
    for (size_t i = 0; i < v->nfindings; i++)
        suppressed += v->findings[i].suppressed;
    fprintf(o->f, "<section id=\"b%zu-findings\">\n<h3>Findings (%zu)</h3>\n",
            o->n, v->nfindings - suppressed);
    /* findings are most severe first already */
    for (size_t i = 0; i < v->nfindings; i++) {
        if (v->findings[i].suppressed)
            continue;
        if (!shown++)
            fputs("<ol class=\"findings\">\n", o->f);
        write_finding(o, &v->findings[i], i + 1);
    }
    if (shown)
        fputs("</ol>\n", o->f);
    else
        fputs("<p class=\"ok\"><b>\u2714 No findings:</b> nothing wrong "
              "was found with the proxy settings and logs in this "
              "bundle.</p>\n",
              o->f);
    fputs("</section>\n", o->f);

    fprintf(o->f,
            "<section id=\"b%zu-suppressed\">\n<h3>Suppressed "
            "findings (%zu)</h3>\n",
            o->n, suppressed);
    if (!suppressed) {
        fputs("<p class=\"note\">None: no waiver applied.</p>\n", o->f);
    } else if (!o->r->show_suppressed) {
        fprintf(o->f,
                "<p class=\"note\">%zu finding%s matched a waiver: "
                "counted here, not listed, and not counted for the "
                "exit status.</p>\n",
                suppressed, suppressed == 1 ? "" : "s");
    } else {
        fputs("<ol class=\"findings\">\n", o->f);
        for (size_t i = 0; i < v->nfindings; i++)
            if (v->findings[i].suppressed)
                write_finding(o, &v->findings[i], i + 1);
        fputs("</ol>\n", o->f);
    }
    fputs("</section>\n", o->f);
}

/* ---- timeline of proxy-related log events -------------------------------- */

/* The categories of rules/pack/signatures.yml, in its order, each with a
 * colour (Okabe-Ito, safe for colour-blind readers) and, by position, a
 * fill pattern: a category is told apart in print without colour too. */
static const struct {
    const char *name, *words;
} known_cats[] = {
    {"proxy_auth_required", "proxy authentication required (HTTP 407)"},
    {"name_not_resolved", "name not resolved (DNS)"},
    {"connect_failed", "connection failed"},
    {"timeout", "timed out"},
    {"tls_failure", "TLS or certificate failure"},
    {"pac_failure", "PAC script failure"},
    {"service_unreachable", "service unreachable"},
    {"registration_failed", "registration failed"},
    {"connection_reset", "connection reset"},
};
#define NKNOWN (sizeof known_cats / sizeof known_cats[0])

#define NPAL 12
static const char *const palette[NPAL] = {
    "#d55e00", "#0072b2", "#e69f00", "#56b4e9", "#cc79a7", "#009e73",
    "#f0e442", "#882255", "#44aa99", "#999999", "#117733", "#332288",
};
/* Lines drawn over the colour in an 8x8 tile, by palette index. */
static const char *const pattern[NPAL] = {
    "",
    "<path d=\"M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4\"/>",
    "<circle cx=\"4\" cy=\"4\" r=\"1.4\" stroke=\"none\" fill=\"#000\"/>",
    "<path d=\"M0,4 h8\"/>",
    "<path d=\"M4,0 v8\"/>",
    "<path d=\"M-2,6 l4,4 M0,0 l8,8 M6,-2 l4,4\"/>",
    "<path d=\"M0,0 l8,8 M0,8 l8,-8\"/>",
    "<path d=\"M0,4 h8 M4,0 v8\"/>",
    "<circle cx=\"4\" cy=\"4\" r=\"2.4\" stroke=\"none\" fill=\"#000\"/>",
    "<path d=\"M0,2 h8 M0,6 h8\"/>",
    "<path d=\"M2,0 v8 M6,0 v8\"/>",
    "<path d=\"M0,8 l8,-8\"/><circle cx=\"2\" cy=\"2\" r=\"1\"/>",
};

struct tcat {
    const char *name; /* the model's category name */
    size_t pal;       /* palette and pattern index */
};

static size_t
known_index(const char *name)
{
    size_t i = 0;
    while (i < NKNOWN && strcmp(known_cats[i].name, name) != 0)
        i++;
    return i;
}

static int
cmp_tcat(const void *a, const void *b)
{
    const struct tcat *x = a, *y = b;
    size_t kx = known_index(x->name), ky = known_index(y->name);
    if (kx != ky)
        return kx < ky ? -1 : 1;
    return strcmp(x->name, y->name);
}

/* The categories present in the hour table, in signature-file order. */
static size_t
timeline_cats(const struct md_log_hour *hs, size_t nh, struct tcat *out,
              size_t max)
{
    size_t n = 0, unknown = 0;
    for (size_t i = 0; i < nh; i++) {
        size_t k = 0;
        while (k < n && strcmp(out[k].name, hs[i].category) != 0)
            k++;
        if (k == n && n < max)
            out[n++].name = hs[i].category;
    }
    qsort(out, n, sizeof *out, cmp_tcat);
    for (size_t i = 0; i < n; i++) {
        size_t k = known_index(out[i].name);
        out[i].pal = k < NKNOWN ? k : (NKNOWN + unknown++) % NPAL;
    }
    return n;
}

static size_t
cat_slot(const struct tcat *cats, size_t ncats, const char *name)
{
    size_t k = 0;
    while (k < ncats && strcmp(cats[k].name, name) != 0)
        k++;
    return k;
}

static long long
num(const char *s, size_t n)
{
    long long v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm), so
 * hours can be counted across days, months and years. */
static long long
days_from_civil(long long y, long long m, long long d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void
civil_from_days(long long z, long long *y, long long *m, long long *d)
{
    z += 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = yoe + era * 400 + (*m <= 2);
}

/* "YYYY-MM-DDTHH" (validated by the model) as hours since the epoch. */
static long long
hour_index(const char *h)
{
    return days_from_civil(num(h, 4), num(h + 5, 2), num(h + 8, 2)) * 24 +
           num(h + 11, 2);
}

static long long
floor_div(long long a, long long b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* Hour index as "YYYY-MM-DD" and its hour of day. */
static int
hour_label(long long idx, char *date, size_t n)
{
    long long y, m, d, day = floor_div(idx, 24);
    civil_from_days(day, &y, &m, &d);
    snprintf(date, n, "%04lld-%02lld-%02lld", y, m, d);
    return (int)(idx - day * 24);
}

static const char *
zone_words(const char *zone)
{
    if (!*zone)
        return "agent local time, as the logs write it (they state no "
               "time zone)";
    if (!strcmp(zone, "Z"))
        return "UTC";
    return NULL; /* an offset: "UTC" followed by it */
}

struct zone_tl {
    char zone[8];
    long long lo, hi; /* hours of its first and last events */
    long long start;  /* hour of the first bar */
    size_t nbars;
    uint64_t total;  /* events in this zone */
    uint64_t hidden; /* of them, before the first bar */
    uint64_t *count; /* nbars x ncats */
};

static int
cmp_zone(const void *a, const void *b)
{
    const struct zone_tl *x = a, *y = b;
    /* Local time first, then UTC, then offsets. */
    int rx = !*x->zone ? 0 : !strcmp(x->zone, "Z") ? 1 : 2;
    int ry = !*y->zone ? 0 : !strcmp(y->zone, "Z") ? 1 : 2;
    return rx != ry ? rx - ry : strcmp(x->zone, y->zone);
}

/* Group the hour table by zone; returns the number of zones (at most
 * MAX_ZONES; events of further zones are counted in *other). */
static size_t
timeline_zones(const struct md_log_hour *hs, size_t nh, struct zone_tl *z,
               uint64_t *other)
{
    size_t nz = 0;
    *other = 0;
    for (size_t i = 0; i < nh; i++) {
        size_t k = 0;
        while (k < nz && strcmp(z[k].zone, hs[i].zone) != 0)
            k++;
        if (k == nz) {
            if (nz == MAX_ZONES) {
                *other += hs[i].count;
                continue;
            }
            memset(&z[nz], 0, sizeof z[nz]);
            memcpy(z[nz].zone, hs[i].zone, sizeof z[nz].zone);
            z[nz].lo = z[nz].hi = hour_index(hs[i].hour);
            nz++;
        }
        long long h = hour_index(hs[i].hour);
        z[k].lo = h < z[k].lo ? h : z[k].lo;
        z[k].hi = h > z[k].hi ? h : z[k].hi;
        z[k].total += hs[i].count;
    }
    qsort(z, nz, sizeof *z, cmp_zone);
    return nz;
}

/* Choose the bars of zone z: every hour from its first event to its last,
 * at least MIN_BARS (centred) and at most MAX_BARS (the latest), then
 * count the events of each bar. false on ENOMEM. */
static bool
timeline_bars(struct zone_tl *z, const struct md_log_hour *hs, size_t nh,
              const struct tcat *cats, size_t ncats)
{
    long long span = z->hi - z->lo + 1;
    if (span > MAX_BARS) {
        z->start = z->hi - MAX_BARS + 1;
        z->nbars = MAX_BARS;
    } else if (span < MIN_BARS) {
        z->start = z->lo - (MIN_BARS - span) / 2;
        z->nbars = MIN_BARS;
    } else {
        z->start = z->lo;
        z->nbars = (size_t)span;
    }
    z->count = calloc(z->nbars * (ncats ? ncats : 1), sizeof *z->count);
    if (!z->count)
        return false;
    for (size_t i = 0; i < nh; i++) {
        if (strcmp(hs[i].zone, z->zone) != 0)
            continue;
        long long bar = hour_index(hs[i].hour) - z->start;
        size_t k = cat_slot(cats, ncats, hs[i].category);
        if (bar < 0)
            z->hidden += hs[i].count;
        else if (k < ncats)
            z->count[(size_t)bar * ncats + k] += hs[i].count;
    }
    return true;
}

/* The largest stacked bar. */
static uint64_t
timeline_max(const struct zone_tl *z, size_t ncats)
{
    uint64_t max = 0;
    for (size_t b = 0; b < z->nbars; b++) {
        uint64_t t = 0;
        for (size_t k = 0; k < ncats; k++)
            t += z->count[b * ncats + k];
        max = t > max ? t : max;
    }
    return max;
}

/* A round step (1, 2, 5 times a power of ten) for at most five ticks. */
static uint64_t
tick_step(uint64_t max)
{
    uint64_t p = 1;
    for (;;) {
        static const uint64_t m[] = {1, 2, 5};
        for (size_t i = 0; i < 3; i++)
            if ((max + m[i] * p - 1) / (m[i] * p) <= 5)
                return m[i] * p;
        p *= 10;
    }
}

static void
svg_patterns(const struct out *o, const struct tcat *cats, size_t ncats)
{
    fputs("<defs>\n", o->f);
    for (size_t k = 0; k < ncats; k++) {
        size_t p = cats[k].pal;
        fprintf(o->f,
                "<pattern id=\"b%zu-p%zu\" width=\"8\" height=\"8\" "
                "patternUnits=\"userSpaceOnUse\"><rect width=\"8\" "
                "height=\"8\" fill=\"%s\"/><g stroke=\"#000\" "
                "stroke-opacity=\".5\" fill-opacity=\".5\" "
                "stroke-width=\"1.2\">%s</g></pattern>\n",
                o->n, p, palette[p], pattern[p]);
    }
    fputs("</defs>\n", o->f);
}

#define TL_H 250.0
#define TL_L 50.0
#define TL_R 10.0
#define TL_T 12.0
#define TL_B 52.0

static void
svg_yaxis(FILE *f, uint64_t ymax, uint64_t step)
{
    const double ph = TL_H - TL_T - TL_B;
    for (uint64_t v = 0; v <= ymax; v += step) {
        double y = TL_T + ph - (double)v / (double)ymax * ph;
        fprintf(f,
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                "stroke=\"%s\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
                "font-size=\"11.5\" text-anchor=\"end\" fill=\"#3c4043\">"
                "%llu</text>\n",
                TL_L, y, SVG_W - TL_R, y, v ? "#e3e5e8" : "#5f6368", TL_L - 6,
                y + 4, (unsigned long long)v);
    }
    fprintf(f,
            "<text transform=\"translate(13 %.1f) rotate(-90)\" "
            "font-size=\"11.5\" text-anchor=\"middle\" fill=\"#5f6368\">"
            "events per hour</text>\n",
            TL_T + ph / 2);
}

/* Hour labels every step hours (only dates when step is a day), a date
 * under each midnight and under the first bar when no midnight is near. */
static void
svg_xaxis(FILE *f, const struct zone_tl *z, double slot)
{
    static const int steps[] = {1, 2, 3, 6, 12, 24};
    int step = 24;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        if ((z->nbars + steps[i] - 1) / steps[i] <= 12) {
            step = steps[i];
            break;
        }
    const double base = TL_H - TL_B;
    for (size_t b = 0; b < z->nbars; b++) {
        char date[64];
        int hod = hour_label(z->start + (long long)b, date, sizeof date);
        double cx = TL_L + (b + 0.5) * slot, lx = TL_L + b * slot;
        if (hod == 0 && b > 0)
            fprintf(f,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                    "y2=\"%.1f\" stroke=\"#9aa0a6\" "
                    "stroke-dasharray=\"3 3\"/>\n",
                    lx, TL_T, lx, base + 24);
        if (hod % step == 0)
            fprintf(f,
                    "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                    "y2=\"%.1f\" stroke=\"#5f6368\"/>\n<text x=\"%.1f\" "
                    "y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\" "
                    "fill=\"#3c4043\">%02d:00</text>\n",
                    cx, base, cx, base + 4, cx, base + 16, hod);
        /* The first bar names its date unless a midnight label is close. */
        bool date_here = hod == 0;
        if (b == 0 && hod != 0 && (24 - hod) * slot >= 84)
            date_here = true;
        if (date_here && lx + 74 <= SVG_W) {
            fprintf(f,
                    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11.5\" "
                    "font-weight=\"700\" fill=\"#3c4043\">%s</text>\n",
                    lx + 2, base + 36, date);
        }
    }
}

static void
svg_bar(const struct out *o, const struct zone_tl *z, size_t b,
        const struct tcat *cats, size_t ncats, double slot, uint64_t ymax)
{
    FILE *f = o->f;
    const uint64_t *c = &z->count[b * ncats];
    uint64_t total = 0;
    for (size_t k = 0; k < ncats; k++)
        total += c[k];
    if (!total)
        return;
    char date[64];
    int hod = hour_label(z->start + (long long)b, date, sizeof date);
    fprintf(f, "<g><title>%s %02d:00–%02d:00: %llu event%s", date, hod,
            (hod + 1) % 24, (unsigned long long)total, total == 1 ? "" : "s");
    for (size_t k = 0; k < ncats; k++)
        if (c[k]) {
            fprintf(f, "; %llu ", (unsigned long long)c[k]);
            btextz(o, cats[k].name);
        }
    fputs("</title>\n", f);
    const double ph = TL_H - TL_T - TL_B;
    double w = slot * 0.78 < 1 ? 1 : slot * 0.78;
    double x = TL_L + b * slot + (slot - w) / 2, y = TL_T + ph;
    for (size_t k = 0; k < ncats; k++) {
        if (!c[k])
            continue;
        double h = (double)c[k] / (double)ymax * ph;
        y -= h;
        fprintf(f,
                "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
                "height=\"%.2f\" fill=\"url(#b%zu-p%zu)\" stroke=\"#fff\" "
                "stroke-width=\"0.6\"/>\n",
                x, y, w, h, o->n, cats[k].pal);
    }
    fputs("</g>\n", f);
}

static void
timeline_svg(const struct out *o, const struct zone_tl *z, size_t zi,
             const struct tcat *cats, size_t ncats)
{
    FILE *f = o->f;
    uint64_t max = timeline_max(z, ncats), step = tick_step(max ? max : 1);
    uint64_t ymax = ((max + step - 1) / step) * step;
    if (!ymax)
        ymax = step;
    double slot = (SVG_W - TL_L - TL_R) / (double)z->nbars;
    fprintf(f,
            "<div class=\"figure\">\n<svg xmlns=\"http://www.w3.org/2000/"
            "svg\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
            "aria-labelledby=\"b%zu-tl%zu-t\">\n<title id=\"b%zu-tl%zu-t\">"
            "Proxy-related log events per hour</title>\n",
            SVG_W, TL_H, o->n, zi, o->n, zi);
    if (zi == 0)
        svg_patterns(o, cats, ncats);
    svg_yaxis(f, ymax, step);
    svg_xaxis(f, z, slot);
    for (size_t b = 0; b < z->nbars; b++)
        svg_bar(o, z, b, cats, ncats, slot, ymax);
    fputs("</svg>\n</div>\n", f);
}

static void
timeline_caption(const struct out *o, const struct zone_tl *z)
{
    FILE *f = o->f;
    const char *zw = zone_words(z->zone);
    fprintf(f, "<p class=\"caption\">%llu event%s; times in ",
            (unsigned long long)z->total, z->total == 1 ? "" : "s");
    if (zw)
        escz(f, zw);
    else {
        fputs("UTC", f);
        btextz(o, z->zone);
    }
    fputs(".", f);
    if (z->hidden) {
        char a[64], b[64];
        int ha = hour_label(z->lo, a, sizeof a);
        int hb = hour_label(z->hi, b, sizeof b);
        fprintf(f,
                " The events span %lld hours (%s %02d:00 to %s %02d:00); "
                "the chart shows the last %d, and %llu earlier event%s "
                "%s not drawn (the table below counts every event).",
                z->hi - z->lo + 1, a, ha, b, hb, MAX_BARS,
                (unsigned long long)z->hidden, z->hidden == 1 ? "" : "s",
                z->hidden == 1 ? "is" : "are");
    }
    fputs("</p>\n", f);
}

static void
timeline_legend(const struct out *o, const struct tcat *cats, size_t ncats)
{
    fputs("<ul class=\"legend\" aria-label=\"legend\">\n", o->f);
    for (size_t k = 0; k < ncats; k++) {
        fprintf(o->f,
                "<li><svg width=\"22\" height=\"14\" aria-hidden="
                "\"true\"><rect x=\".5\" y=\".5\" width=\"21\" "
                "height=\"13\" fill=\"url(#b%zu-p%zu)\" "
                "stroke=\"#3c4043\"/></svg><span class=\"mono\">",
                o->n, cats[k].pal);
        btextz(o, cats[k].name);
        fputs("</span></li>\n", o->f);
    }
    fputs("</ul>\n", o->f);
}

/* Every category the signatures found, from the log.* facts. */
static uint64_t
category_table(const struct out *o, const struct md_fact *root)
{
    const struct md_fact *log = md_fact_path(root, "log");
    uint64_t total = 0;
    size_t rows = 0;
    for (size_t i = 0; log && log->type == MD_F_OBJ && i < log->n; i++) {
        const struct md_fact *c = log->items[i];
        const struct md_fact *n = md_fact_get(c, "count");
        if (!n || n->type != MD_F_INT || n->i <= 0)
            continue;
        if (!rows++)
            fputs("<div class=\"table-wrap\"><table class=\"categories\">\n"
                  "<thead><tr><th>Category</th><th class=\"num\">Events"
                  "</th><th>First</th><th>Last</th><th>Hosts named</th>"
                  "</tr></thead>\n<tbody>\n",
                  o->f);
        total += (uint64_t)n->i;
        size_t k = known_index(log->keys[i]);
        fputs("<tr><td><span class=\"mono\">", o->f);
        btextz(o, log->keys[i]);
        fputs("</span>", o->f);
        if (k < NKNOWN) {
            fputs("<br>", o->f);
            escz(o->f, known_cats[k].words);
        }
        fprintf(o->f,
                "</td><td class=\"num\">%lld</td><td class=\"mono "
                "time\">",
                (long long)n->i);
        fact_out(o, fstr(c, "first"));
        fputs("</td><td class=\"mono time\">", o->f);
        fact_out(o, fstr(c, "last"));
        fputs("</td><td class=\"mono\">", o->f);
        fact_out(o, fstr(c, "hosts"));
        fputs("</td></tr>\n", o->f);
    }
    if (rows)
        fputs("</tbody></table></div>\n", o->f);
    return total;
}

static int
cmp_hour(const void *a, const void *b)
{
    const struct md_log_hour *x = *(const struct md_log_hour *const *)a;
    const struct md_log_hour *y = *(const struct md_log_hour *const *)b;
    int c = strcmp(x->zone, y->zone);
    if (!c)
        c = strcmp(x->hour, y->hour);
    if (!c) {
        size_t kx = known_index(x->category), ky = known_index(y->category);
        c = kx != ky ? (kx < ky ? -1 : 1) : strcmp(x->category, y->category);
    }
    return c;
}

/* The hour table itself, folded: the chart's numbers as text. */
static void
hour_table(const struct out *o, const struct md_log_hour *hs, size_t nh)
{
    const struct md_log_hour **p = malloc(nh * sizeof *p);
    if (!p)
        return;
    for (size_t i = 0; i < nh; i++)
        p[i] = &hs[i];
    qsort(p, nh, sizeof *p, cmp_hour);
    fprintf(o->f,
            "<details>\n<summary>Events per hour as a table (%zu "
            "row%s)</summary>\n<div class=\"table-wrap\"><table "
            "class=\"hours\">\n<thead><tr><th>Hour</th><th>Time zone"
            "</th><th>Category</th><th class=\"num\">Events</th></tr>"
            "</thead>\n<tbody>\n",
            nh, nh == 1 ? "" : "s");
    for (size_t i = 0; i < nh && i < MAX_HOUR_ROWS; i++) {
        fprintf(o->f, "<tr><td class=\"mono\">%.10s %.2s:00</td><td>",
                p[i]->hour, p[i]->hour + 11);
        btextz(o, *p[i]->zone ? p[i]->zone : "local");
        fputs("</td><td class=\"mono\">", o->f);
        btextz(o, p[i]->category);
        fprintf(o->f, "</td><td class=\"num\">%llu</td></tr>\n",
                (unsigned long long)p[i]->count);
    }
    fputs("</tbody></table></div>\n", o->f);
    if (nh > MAX_HOUR_ROWS)
        fprintf(o->f, "<p class=\"note\">The first %d rows of %zu.</p>\n",
                MAX_HOUR_ROWS, nh);
    fputs("</details>\n", o->f);
    free(p);
}

static void
timeline_charts(const struct out *o, const struct md_log_hour *hs, size_t nh)
{
    struct tcat cats[64];
    size_t ncats = timeline_cats(hs, nh, cats, sizeof cats / sizeof cats[0]);
    struct zone_tl z[MAX_ZONES];
    uint64_t other;
    size_t nz = timeline_zones(hs, nh, z, &other);
    if (nz > 1)
        fprintf(o->f,
                "<p class=\"note\">The logs give times in %zu "
                "different ways; each has its own chart, since "
                "marsdiag does not know the offset between them.</p>\n",
                nz);
    for (size_t i = 0; i < nz; i++) {
        if (!timeline_bars(&z[i], hs, nh, cats, ncats)) {
            fputs("<p class=\"note\">[chart not drawn: out of memory]</p>\n",
                  o->f);
            continue;
        }
        timeline_svg(o, &z[i], i, cats, ncats);
        timeline_caption(o, &z[i]);
        free(z[i].count);
    }
    if (other)
        fprintf(o->f,
                "<p class=\"note\">%llu event%s in further time "
                "zones %s not drawn.</p>\n",
                (unsigned long long)other, other == 1 ? "" : "s",
                other == 1 ? "is" : "are");
    timeline_legend(o, cats, ncats);
}

static void
write_timeline(const struct out *o, const struct md_verdict *v,
               const struct md_fact *root)
{
    size_t nh;
    uint64_t untimed, dropped;
    const struct md_log_hour *hs =
        md_model_log_hours(v->model, &nh, &untimed, &dropped);
    fprintf(o->f,
            "<section id=\"b%zu-timeline\">\n<h3>Proxy-related log "
            "events over time</h3>\n",
            o->n);
    if (nh)
        timeline_charts(o, hs, nh);
    uint64_t total = category_table(o, root);
    if (!total) {
        fputs(fbool(root, "collected.engine_log")
                  ? "<p class=\"ok\"><b>\u2714 None:</b> no proxy, name "
                    "resolution, connection or TLS error in the logs "
                    "read.</p>\n"
                  : "<p class=\"note\">No proxy-related log events: the "
                    "bundle has no agent engine log (CBEngine*.errlog) "
                    "with any.</p>\n",
              o->f);
    }
    if (untimed)
        fprintf(o->f,
                "<p class=\"note\">%llu event%s had no date to place "
                "on the chart (a log whose year could not be "
                "inferred).</p>\n",
                (unsigned long long)untimed, untimed == 1 ? "" : "s");
    if (dropped)
        fprintf(o->f,
                "<p class=\"note\">%llu event%s fell past the first "
                "%d hour and category cells and %s not charted.</p>\n",
                (unsigned long long)dropped, dropped == 1 ? "" : "s",
                MD_MODEL_MAX_HOURS, dropped == 1 ? "is" : "are");
    if (nh)
        hour_table(o, hs, nh);
    fputs("</section>\n", o->f);
}

/* ---- inputs -------------------------------------------------------------- */

static void
input_row(const struct out *o, const struct md_input *in, bool diags)
{
    fputs("<tr><td class=\"mono\">", o->f);
    btextz(o, in->path ? in->path : "?");
    fputs("</td><td>", o->f);
    escz(o->f, in->type ? in->type : "—");
    fputs("</td><td><b>", o->f);
    escz(o->f, md_input_status(in));
    fputs("</b></td><td>", o->f);
    if (!diags) {
        fputs(in->encoding ? in->encoding : "—", o->f);
        fputs("</td></tr>\n", o->f);
        return;
    }
    for (const struct md_diag *d = in->diags; d; d = d->next) {
        if (d->grade < MD_GRADE_WARN)
            continue;
        escz(o->f, md_grade_str(d->grade));
        if (d->line)
            fprintf(o->f, " at line %llu", (unsigned long long)d->line);
        fputs(": ", o->f);
        btextz(o, d->msg);
        fputs("<br>", o->f);
    }
    fputs("</td></tr>\n", o->f);
}

static void
write_inputs(const struct out *o, const struct md_bundle *b)
{
    size_t problems = 0, parsed = 0;
    for (const struct md_input *in = b->inputs; in; in = in->next) {
        problems += in->has_diag && in->worst >= MD_GRADE_WARN;
        parsed += in->type != NULL;
    }
    fprintf(o->f,
            "<section id=\"b%zu-inputs\">\n<h3>Inputs</h3>\n<p>%zu "
            "input%s (%zu read, %zu skipped), %zu with problems; %llu "
            "evidence records.</p>\n",
            o->n, b->ninputs, b->ninputs == 1 ? "" : "s", parsed,
            b->ninputs - parsed, problems,
            (unsigned long long)b->stats.records);
    if (problems) {
        fputs("<div class=\"table-wrap\"><table class=\"problems\">\n"
              "<thead><tr><th>Input</th><th>Type</th><th>Status</th>"
              "<th>Problem</th></tr></thead>\n<tbody>\n",
              o->f);
        for (const struct md_input *in = b->inputs; in; in = in->next)
            if (in->has_diag && in->worst >= MD_GRADE_WARN)
                input_row(o, in, true);
        fputs("</tbody></table></div>\n", o->f);
    }
    if (o->r->inputs) {
        fputs("<p class=\"label\">Every input</p>\n<div class=\"table-wrap\">"
              "<table class=\"inputs\">\n<thead><tr><th>Input</th>"
              "<th>Type</th><th>Status</th><th>Encoding</th></tr></thead>\n"
              "<tbody>\n",
              o->f);
        size_t rows = 0;
        for (const struct md_input *in = b->inputs; in && rows < MAX_INPUT_ROWS;
             in = in->next, rows++)
            input_row(o, in, false);
        fputs("</tbody></table></div>\n", o->f);
        if (b->ninputs > MAX_INPUT_ROWS)
            fprintf(o->f,
                    "<p class=\"note\">The first %d of %zu "
                    "inputs.</p>\n",
                    MAX_INPUT_ROWS, b->ninputs);
    }
    fputs("</section>\n", o->f);
}

/* ---- entry points -------------------------------------------------------- */

void
md_html_bundle(struct md_html *h, const struct md_verdict *v)
{
    struct out o = {h->f, h->r, ++h->nbundles};
    const struct md_fact *root = v->model ? md_model_root(v->model) : NULL;
    fprintf(h->f, "<article class=\"bundle\" id=\"b%zu\">\n", o.n);
    write_head(&o, v, root);
    if (v->bundle.status != MD_OK || !root) {
        fputs("<p class=\"verdict v-unknown\"><b>This bundle could not be "
              "read:</b> ",
              h->f);
        btextz(&o, v->bundle.error);
        fputs("</p>\n</article>\n", h->f);
        return;
    }
    write_proxy(&o, root);
    write_chain(&o, root);
    write_findings(&o, v);
    write_timeline(&o, v, root);
    write_inputs(&o, &v->bundle);
    fputs("</article>\n", h->f);
}

void
md_write_verdicts_html(FILE *f, const struct md_verdict *v, size_t nv,
                       const struct md_render *r)
{
    struct md_html h;
    /* One bundle names the page after its host. */
    const struct md_fact *root =
        nv == 1 && v[0].model ? md_model_root(v[0].model) : NULL;
    const struct md_fact *host = fstr(root, "host.name");
    char title[300];
    if (host)
        snprintf(title, sizeof title, "%.*s — marsdiag report",
                 (int)(host->len > 200 ? 200 : host->len), host->s);
    md_html_begin(&h, f, r, host ? title : NULL);
    for (size_t i = 0; i < nv; i++)
        md_html_bundle(&h, &v[i]);
    md_html_end(&h);
}

void
md_write_verdict_html(FILE *f, const struct md_verdict *v,
                      const struct md_render *r)
{
    md_write_verdicts_html(f, v, 1, r);
}

/* ---- pieces for the review and diff pages (html_int.h) ---------------- */

void
md_html_esc(FILE *f, const char *s)
{
    escz(f, s);
}

void
md_html_text(const struct md_html *h, const char *s, size_t len)
{
    struct out o = {h->f, h->r, 0};
    btext(&o, s, len);
}

void
md_html_fact(const struct md_html *h, const struct md_fact *f)
{
    struct out o = {h->f, h->r, 0};
    fact_out(&o, f);
}

void
md_html_proxy(const struct md_html *h, size_t n, const struct md_fact *root)
{
    struct out o = {h->f, h->r, n};
    write_proxy(&o, root);
}

void
md_html_chain(const struct md_html *h, size_t n, const struct md_fact *root)
{
    struct out o = {h->f, h->r, n};
    write_chain(&o, root);
}

void
md_html_finding(const struct md_html *h, size_t n,
                const struct md_verdict_finding *f, size_t idx)
{
    struct out o = {h->f, h->r, n};
    write_finding(&o, f, idx);
}
