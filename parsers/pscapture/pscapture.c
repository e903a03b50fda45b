/*
 * Parser for PowerShell captures, scripts and command lines: transcripts
 * (PowerShell_transcript.*.txt, the WABDiag collector's Trace.txt), saved
 * Get-OBMachineSetting output, .ps1 scripts and .cmd/.bat deployment
 * scripts (domain-reference §2.1, §2.2, §9.2, DESIGN §1.4).
 *
 * This file does the lines: it removes prompts (PS>, PS C:\>, C:\>, the
 * ">>" of continued input) and comments (#, <# #>, REM, ::), joins lines
 * continued with a backtick (or cmd's caret) and hands statements to
 * pscommand.c. It also collects Get-OBMachineSetting output, in list form
 * ("Name : Value", a nested "ProxySetting : @{...}" included), in table
 * form (Format-Table: a row is a block, its cells found from the dash runs
 * under the header) and as ConvertTo-Json output, into blocks: a block's
 * setting names are recognised only through md_agent_field_of() and
 * become "agent.proxy" records when the block has context (the file name
 * says OBMachineSetting, a Get-OBMachineSetting command came before, the
 * block names ProxySetting, or it holds two setting names one of which is
 * a server or port), so that a lone "Enabled : True" elsewhere is no agent
 * evidence. `netsh winhttp show proxy` output in a transcript is
 * recognised by netsh/winhttp.c.
 */
#include "pscapture/pscapture.h"

#include <string.h>

#include "marsdiag/names.h"
#include "netsh/winhttp.h"

#define MAX_ENTRIES 32
#define MAX_JSON_DEPTH 31 /* levels whose kind is remembered */
#define MAX_COLUMNS 32    /* Format-Table columns; wider tables are not read */

enum vkind { VK_TEXT, VK_LITERAL, VK_NULL };

struct entry {
    enum md_agent_field f;
    enum vkind kind;
    bool json;
    uint64_t line;
    size_t col;                 /* column of the value in its line */
    size_t name_off, text_off, text_len, val_off, val_len; /* in data */
};

/* Consecutive "Name : Value" or JSON lines. */
struct block {
    struct entry e[MAX_ENTRIES];
    size_t n;
    bool proxy_ctx;     /* a ProxySetting name was seen */
    bool full;          /* MAX_ENTRIES reached (reported once) */
    uint64_t last_line; /* line of the last entry */
    struct md_buf data; /* names, excerpts and values; value last */
};

/* A dash run under a Format-Table label, in characters from the start of
 * the line, and what the label is. */
struct column {
    size_t s, e;
    enum md_agent_field f;
    bool hashtable;       /* ProxySetting: its cells are "@{...}" */
    struct md_slice name; /* in table.head */
};

/* Format-Table output: a header line, dash runs under it, one row per
 * object. */
struct table {
    struct md_buf prev;   /* the line before this one: a header, maybe */
    uint64_t prev_line;   /* its number (0: prev holds no line) */
    struct md_buf head;   /* the header of the open table */
    uint64_t head_line;
    bool open;            /* rows follow, until a blank line or a prompt */
    bool bad_row;         /* a row that did not fit was reported */
    size_t ncols;
    struct column col[MAX_COLUMNS];
    struct md_buf masked; /* a row with its passwords masked */
};

struct ps_state {
    struct md_winhttp w;
    struct block blk;
    struct table tbl;
    struct md_ps_seen seen;
    bool is_cmd;     /* .cmd/.bat: cmd.exe syntax */
    bool name_ctx;   /* the file name mentions OBMachineSetting */
    bool in_comment; /* inside <# ... #> */
    bool changes;    /* md_parser_pscapture_changes: report statements */
    bool transcript; /* prompts seen: unprompted lines are output */
    bool stmt_report; /* report the open statement (changes mode) */
    bool stmt_open;  /* a statement continues on the next line */
    bool stmt_cut;   /* ... and passed 'record_bytes' */
    uint64_t stmt_line;
    struct md_buf stmt;
    size_t jdepth;   /* JSON nesting at the end of the last line */
    uint32_t jflags; /* bit d: the container at depth d is agentish */
};

static bool
is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_ident(char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9') || c == '_';
}

static bool
is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* ---- blocks of settings ---------------------------------------------- */

static bool
ieq(const char *s, size_t len, const char *lit)
{
    return strlen(lit) == len && md_strncasecmp(s, lit, len) == 0;
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

static void
emit_entry(struct md_parse_ctx *ctx, struct block *b, const struct entry *e)
{
    const char *d = b->data.ptr;
    const char *v = d + e->val_off;
    size_t vl = e->val_len;
    struct md_evidence *ev = md_ev_new(ctx, "agent.proxy");
    if (ev) {
        ev->line = e->line;
        ev->name = d + e->name_off;
    }
    md_ev_strz(ev, "field", md_agent_field_str(e->f));
    if (e->kind == VK_TEXT && !e->json && vl >= 2 && v[0] == '{' &&
        v[vl - 1] == '}') {
        v++; /* Format-List shows a collection as {a, b} */
        vl -= 2;
    }
    if (e->kind == VK_NULL || vl == 0) {
        md_ev_null(ev, "value");
    } else if (e->f == MD_AGENT_PASSWORD) {
        md_ev_secret(ev, "value", vl);
    } else if (e->f == MD_AGENT_PORT && all_digits(v, vl)) {
        int64_t port = 0;
        for (size_t i = 0; i < vl; i++)
            port = port * 10 + (v[i] - '0');
        md_ev_int(ev, "value", port);
    } else if (e->f == MD_AGENT_ENABLED &&
               (ieq(v, vl, "true") || ieq(v, vl, "$true") ||
                ieq(v, vl, "1"))) {
        md_ev_bool(ev, "value", true);
    } else if (e->f == MD_AGENT_ENABLED &&
               (ieq(v, vl, "false") || ieq(v, vl, "$false") ||
                ieq(v, vl, "0"))) {
        md_ev_bool(ev, "value", false);
    } else {
        md_ev_str(ev, "value", v, vl);
    }
    md_ev_strz(ev, "origin", e->json ? "json" : "get-obmachinesetting");
    md_ev_text(ctx, ev, d + e->text_off, e->text_len);
    md_ev_emit(ctx, ev);
}

static void
block_end(struct md_parse_ctx *ctx, struct ps_state *st)
{
    struct block *b = &st->blk;
    unsigned fields = 0;
    for (size_t i = 0; i < b->n; i++)
        fields |= 1u << b->e[i].f;
    unsigned addr = 1u << MD_AGENT_SERVER | 1u << MD_AGENT_PORT;
    bool several = (fields & (fields - 1)) != 0; /* two or more bits */
    if (b->n && (st->name_ctx || st->seen.get_setting || b->proxy_ctx ||
                 (several && (fields & addr))))
        for (size_t i = 0; i < b->n; i++)
            emit_entry(ctx, b, &b->e[i]);
    b->n = 0;
    b->proxy_ctx = b->full = false;
    md_buf_reset(&b->data);
    st->jdepth = 0; /* a JSON document has no blank or foreign lines */
}

/* Append JSON string content s[0..len) to out, escapes decoded. */
static enum md_status
json_unescape(struct md_buf *out, const char *s, size_t len)
{
    enum md_status rc = MD_OK;
    for (size_t i = 0; i < len && rc == MD_OK; i++) {
        if (s[i] != '\\' || i + 1 >= len) {
            rc = md_buf_addc(out, s[i]);
            continue;
        }
        char c = s[++i];
        static const char from[] = "bfnrt", to[] = "\b\f\n\r\t";
        const char *k = memchr(from, c, 5);
        if (c != 'u') {
            rc = md_buf_addc(out, k ? to[k - from] : c);
            continue;
        }
        unsigned cp = 0, n = 0;
        while (n < 4 && i + 1 < len) {
            char h = s[i + 1];
            unsigned d = h >= '0' && h <= '9'   ? (unsigned)(h - '0')
                         : h >= 'a' && h <= 'f' ? (unsigned)(h - 'a' + 10)
                         : h >= 'A' && h <= 'F' ? (unsigned)(h - 'A' + 10)
                                                : 16u;
            if (d == 16)
                break;
            cp = cp * 16 + d;
            i++;
            n++;
        }
        if (n < 4 || (cp >= 0xD800 && cp <= 0xDFFF))
            cp = 0xFFFD; /* surrogates are not worth pairing here */
        char u[3];
        if (cp < 0x80) {
            rc = md_buf_addc(out, (char)cp);
        } else if (cp < 0x800) {
            u[0] = (char)(0xC0 | cp >> 6);
            u[1] = (char)(0x80 | (cp & 0x3F));
            rc = md_buf_add(out, u, 2);
        } else {
            u[0] = (char)(0xE0 | cp >> 12);
            u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
            u[2] = (char)(0x80 | (cp & 0x3F));
            rc = md_buf_add(out, u, 3);
        }
    }
    return rc;
}

/*
 * Add a setting to the block: its excerpt is pre, then "********" when
 * mask, then post; its value is v, decoded when it is a JSON string, and
 * copied last so that a wrapped value can grow. col is the value's column
 * in its line (0: it does not wrap).
 */
static void
add_setting(struct md_parse_ctx *ctx, struct ps_state *st,
            enum md_agent_field f, struct md_slice name, struct md_slice pre,
            bool mask, struct md_slice post, struct md_slice v,
            enum vkind kind, bool json, size_t col)
{
    struct block *b = &st->blk;
    if (b->n == MAX_ENTRIES) {
        if (!b->full)
            md_parse_diag(ctx, MD_GRADE_WARN, MD_ERR_LIMIT,
                          "more than %d proxy settings in one block; the "
                          "rest ignored",
                          MAX_ENTRIES);
        b->full = true;
        return;
    }
    struct entry *e = &b->e[b->n];
    size_t mark = b->data.len;
    e->f = f;
    e->kind = kind;
    e->json = json;
    e->line = ctx->line;
    e->col = col;
    e->name_off = b->data.len;
    enum md_status rc = md_buf_add(&b->data, name.ptr, name.len);
    if (rc == MD_OK)
        rc = md_buf_addc(&b->data, '\0');
    e->text_off = b->data.len;
    if (rc == MD_OK)
        rc = md_buf_add(&b->data, pre.ptr, pre.len);
    if (rc == MD_OK && mask)
        rc = md_buf_add(&b->data, "********", 8);
    if (rc == MD_OK)
        rc = md_buf_add(&b->data, post.ptr, post.len);
    e->text_len = b->data.len - e->text_off;
    e->val_off = b->data.len;
    if (rc == MD_OK)
        rc = json && kind == VK_TEXT ? json_unescape(&b->data, v.ptr, v.len)
                                     : md_buf_add(&b->data, v.ptr, v.len);
    if (rc != MD_OK) {
        b->data.len = mark;
        if (b->data.ptr)
            b->data.ptr[mark] = '\0';
        md_parse_diag_at(ctx, ctx->line, MD_GRADE_WARN, rc,
                         rc == MD_ERR_LIMIT ? "record_bytes" : NULL,
                         "proxy setting '%.*s' dropped: block passed limit "
                         "'record_bytes' (%llu)",
                         (int)(name.len > 64 ? 64 : name.len), name.ptr,
                         (unsigned long long)ctx->limits->record_bytes);
        return;
    }
    e->val_len = b->data.len - e->val_off;
    b->last_line = ctx->line;
    b->n++;
}

/*
 * Add a setting whose excerpt is s[ts..te) (the line, or the one pair of a
 * line holding several) with a password's value masked, and whose value
 * is s[vs..ve).
 */
static void
add_entry(struct md_parse_ctx *ctx, struct ps_state *st,
          enum md_agent_field f, struct md_slice name, const char *s,
          size_t ts, size_t te, size_t vs, size_t ve, enum vkind kind,
          bool json)
{
    bool secret = f == MD_AGENT_PASSWORD && ve > vs && kind != VK_NULL;
    struct md_slice pre = md_slice_of(s + ts, (secret ? vs : te) - ts);
    struct md_slice post = md_slice_of(s + te, 0);
    if (secret)
        post = md_slice_of(s + ve, te - ve);
    add_setting(ctx, st, f, name, pre, secret, post,
                md_slice_of(s + vs, ve - vs), kind, json, vs);
}

/* A name of the block: a setting, or ProxySetting which gives context. */
static enum md_agent_field
setting_of(struct ps_state *st, struct md_slice name)
{
    if (md_slice_ieq(name, "ProxySetting"))
        st->blk.proxy_ctx = true;
    return md_agent_field_of(name.ptr, name.len);
}

/* "@{Enabled=True; ProxyServer=http://x; ProxyPort=8080}" from s[vs..ve) */
static void
hashtable(struct md_parse_ctx *ctx, struct ps_state *st, const char *s,
          size_t vs, size_t ve)
{
    size_t i = vs + 2;
    while (i < ve) {
        while (i < ve && (is_blank(s[i]) || s[i] == ';'))
            i++;
        size_t ns = i;
        while (i < ve && s[i] != '=' && s[i] != ';' && s[i] != '}')
            i++;
        if (i >= ve || s[i] != '=') {
            i++;
            continue;
        }
        struct md_slice name = md_slice_trim(md_slice_of(s + ns, i - ns));
        size_t a = ++i;
        while (i < ve && s[i] != ';' && s[i] != '}')
            i++;
        struct md_slice v = md_slice_trim(md_slice_of(s + a, i - a));
        enum md_agent_field f = setting_of(st, name);
        size_t at = (size_t)(v.ptr - s);
        if (f != MD_AGENT_NONE)
            add_entry(ctx, st, f, name, s, (size_t)(name.ptr - s),
                      at + v.len, at, at + v.len, VK_TEXT, false);
    }
}

/* "Name : value" with a name made of letters, digits and '_' that starts
 * with a letter (so that "C:\" and "10:00" are not names). */
static bool
list_line(const char *s, size_t len, struct md_slice *name, size_t *vs,
          size_t *ve)
{
    size_t i = 0;
    while (i < len && is_blank(s[i]))
        i++;
    size_t ns = i;
    if (i >= len || !is_alpha(s[i]))
        return false;
    while (i < len && is_ident(s[i]))
        i++;
    size_t ne = i;
    while (i < len && is_blank(s[i]))
        i++;
    if (ne - ns < 2 || i >= len || s[i] != ':' ||
        (i + 1 < len && (s[i + 1] == ':' || s[i + 1] == '/')))
        return false;
    for (i++; i < len && is_blank(s[i]);)
        i++;
    size_t e = len;
    while (e > i && is_blank(s[e - 1]))
        e--;
    *name = md_slice_of(s + ns, ne - ns);
    *vs = i;
    *ve = e;
    return true;
}

static void
list_entry(struct md_parse_ctx *ctx, struct ps_state *st, const char *s,
           size_t len, struct md_slice name, size_t vs, size_t ve)
{
    enum md_agent_field f = setting_of(st, name);
    if (md_slice_ieq(name, "ProxySetting") && ve - vs > 2 && s[vs] == '@' &&
        s[vs + 1] == '{')
        hashtable(ctx, st, s, vs, ve);
    else if (f != MD_AGENT_NONE)
        add_entry(ctx, st, f, name, s, 0, len, vs, ve, VK_TEXT, false);
}

/* A value wrapped by Format-List continues, indented to the value column,
 * on the next line. */
static bool
wrapped_value(struct md_parse_ctx *ctx, struct ps_state *st, const char *s,
              size_t len)
{
    struct block *b = &st->blk;
    if (!b->n || b->last_line + 1 != ctx->line)
        return false;
    struct entry *e = &b->e[b->n - 1];
    size_t ind = 0;
    while (ind < len && s[ind] == ' ')
        ind++;
    if (e->json || e->col == 0 || ind < e->col || ind == len)
        return false;
    struct md_slice t = md_slice_trim(md_slice_of(s + ind, len - ind));
    if (md_buf_add(&b->data, t.ptr, t.len) != MD_OK)
        return false;
    e->val_len += t.len;
    b->last_line = ctx->line;
    return true;
}

/* End of the JSON string opening at s[i] (the quote): returns the index
 * after the closing quote, or len when the line ends first (*closed
 * false). */
static size_t
json_string(const char *s, size_t len, size_t i, size_t *ce, bool *closed)
{
    for (i++; i < len; i++) {
        if (s[i] == '\\') {
            i++;
            continue;
        }
        if (s[i] == '"') {
            *ce = i;
            *closed = true;
            return i + 1;
        }
    }
    *ce = len;
    *closed = false;
    return len;
}

/* JSON containers that may hold agent settings: the root (flat form), a
 * "ProxySetting" object, and what arrays of those hold; not, say, the
 * "ThrottlingSetting" object, which has an "Enabled" of its own. */
static bool
json_agentish(const struct ps_state *st)
{
    return st->jdepth > 0 && st->jdepth <= MAX_JSON_DEPTH &&
           (st->jflags >> st->jdepth & 1u);
}

static void
json_push(struct ps_state *st, bool agentish)
{
    if (st->jdepth == SIZE_MAX)
        return;
    st->jdepth++;
    if (st->jdepth <= MAX_JSON_DEPTH) {
        uint32_t bit = 1u << st->jdepth;
        st->jflags = agentish ? st->jflags | bit : st->jflags & ~bit;
    }
}

/*
 * A line of ConvertTo-Json output, pretty or compressed: every "key":
 * value pair, and the braces that say which object a pair is in (the
 * nesting carries over from line to line). Returns false when the line
 * holds no pair at all.
 */
static bool
json_line(struct md_parse_ctx *ctx, struct ps_state *st, const char *s,
          size_t len)
{
    bool any = false;
    size_t i = 0;
    while (i < len) {
        char c = s[i];
        if (c == '{' || c == '[') {
            json_push(st, st->jdepth == 0 || json_agentish(st));
            i++;
            continue;
        }
        if (c == '}' || c == ']') {
            if (st->jdepth)
                st->jdepth--;
            i++;
            continue;
        }
        if (c != '"') {
            i++;
            continue;
        }
        size_t ks = i + 1, ke;
        bool closed;
        i = json_string(s, len, i, &ke, &closed);
        size_t j = i;
        while (j < len && is_blank(s[j]))
            j++;
        if (!closed || j >= len || s[j] != ':')
            continue; /* a value, not a key */
        any = true;
        for (j++; j < len && is_blank(s[j]);)
            j++;
        struct md_slice name = md_slice_of(s + ks, ke - ks);
        enum md_agent_field f = setting_of(st, name);
        if (!json_agentish(st))
            f = MD_AGENT_NONE;
        if (j >= len) {
            if (f != MD_AGENT_NONE)
                md_parse_diag(ctx, MD_GRADE_WARN, MD_ERR_TRUNCATED,
                              "json value of '%.*s' missing",
                              (int)(name.len > 64 ? 64 : name.len), name.ptr);
            break;
        }
        if (s[j] == '{' || s[j] == '[') {
            json_push(st, s[j] == '{' && md_slice_ieq(name, "ProxySetting"));
            i = j + 1;
            continue;
        }
        size_t vs = j, ve;
        enum vkind kind = VK_LITERAL;
        if (s[j] == '"') {
            vs = j + 1;
            kind = VK_TEXT;
            i = json_string(s, len, j, &ve, &closed);
            if (!closed && f != MD_AGENT_NONE)
                md_parse_diag(ctx, MD_GRADE_WARN, MD_ERR_TRUNCATED,
                              "json string of '%.*s' cut at the end of the "
                              "line",
                              (int)(name.len > 64 ? 64 : name.len), name.ptr);
        } else {
            while (j < len && s[j] != ',' && s[j] != '}' && s[j] != ']' &&
                   !is_blank(s[j]))
                j++;
            ve = i = j;
            if (ieq(s + vs, ve - vs, "null"))
                kind = VK_NULL;
        }
        size_t te = kind == VK_TEXT && closed ? ve + 1 : ve;
        if (f != MD_AGENT_NONE)
            add_entry(ctx, st, f, name, s, ks - 1, te, vs, ve, kind, true);
    }
    return any;
}

/* ---- statements ------------------------------------------------------ */

/* Remove a prompt: "PS>", "PS C:\x>", cmd's "C:\x>". */
static bool
strip_prompt(struct md_slice *t)
{
    size_t cut = 0;
    if (md_slice_istarts(*t, "PS>")) {
        cut = 3;
    } else if (md_slice_istarts(*t, "PS ") ||
               (t->len > 3 && is_alpha(t->ptr[0]) && t->ptr[1] == ':' &&
                t->ptr[2] == '\\')) {
        const char *gt = memchr(t->ptr, '>', t->len < 300 ? t->len : 300);
        if (!gt)
            return false;
        /* "C:\Temp\MARSAgentInstaller.exe /q > log" is a command. */
        struct md_slice pre = md_slice_of(t->ptr, (size_t)(gt - t->ptr));
        if (memchr(pre.ptr, '"', pre.len) || memchr(pre.ptr, '/', pre.len) ||
            md_slice_ifind(pre, ".exe") >= 0 ||
            md_slice_ifind(pre, ".cmd") >= 0 ||
            md_slice_ifind(pre, ".bat") >= 0 ||
            md_slice_ifind(pre, ".ps1") >= 0)
            return false;
        cut = pre.len + 1;
    } else {
        return false;
    }
    *t = md_slice_trim(md_slice_of(t->ptr + cut, t->len - cut));
    return true;
}

static bool
is_comment(const struct ps_state *st, struct md_slice t)
{
    if (!st->is_cmd)
        return t.len && t.ptr[0] == '#';
    if (md_slice_istarts(t, "::"))
        return true;
    return md_slice_istarts(t, "rem") && (t.len == 3 || is_blank(t.ptr[3]));
}

static char
continuation_char(const struct ps_state *st)
{
    return st->is_cmd ? '^' : '`';
}

static void
run_statement(struct md_parse_ctx *ctx, struct ps_state *st)
{
    st->stmt_open = false;
    st->seen.statements = st->stmt_report;
    md_ps_statement(ctx, st->stmt.ptr ? st->stmt.ptr : "", st->stmt.len,
                    st->stmt_line, st->is_cmd, &st->seen);
    md_buf_reset(&st->stmt);
}

static void
stmt_add(struct md_parse_ctx *ctx, struct ps_state *st, struct md_slice t)
{
    if (st->stmt_cut)
        return;
    if (md_buf_add(&st->stmt, t.ptr, t.len) != MD_OK ||
        md_buf_addc(&st->stmt, '\n') != MD_OK) {
        st->stmt_cut = true;
        md_parse_diag_at(ctx, st->stmt_line, MD_GRADE_WARN, MD_ERR_LIMIT,
                         "record_bytes",
                         "continued command longer than limit "
                         "'record_bytes' (%llu); cut there",
                         (unsigned long long)ctx->limits->record_bytes);
    }
}

/* A line of a statement continued from the line before. */
static void
continue_statement(struct md_parse_ctx *ctx, struct ps_state *st,
                   const char *s, size_t len)
{
    struct md_slice t = md_slice_trim(md_slice_of(s, len));
    if (md_slice_istarts(t, ">>")) /* the transcript's continuation prompt */
        t = md_slice_trim(md_slice_of(t.ptr + 2, t.len - 2));
    bool more = t.len && t.ptr[t.len - 1] == continuation_char(st);
    if (more)
        t.len--;
    stmt_add(ctx, st, t);
    if (!more)
        run_statement(ctx, st);
}

/* A transcript's frame: its row of asterisks and its start and end
 * lines. Seeing one says the file is a transcript. */
static bool
transcript_frame(struct ps_state *st, struct md_slice t)
{
    size_t stars = 0;
    while (stars < t.len && t.ptr[stars] == '*')
        stars++;
    if (stars == t.len ||
        md_slice_istarts(t, "Windows PowerShell transcript")) {
        st->transcript = true;
        return true;
    }
    return false;
}

static void
command_line(struct md_parse_ctx *ctx, struct ps_state *st, const char *s,
             size_t len)
{
    struct md_slice t = md_slice_trim(md_slice_of(s, len));
    bool prompted = strip_prompt(&t);
    if (prompted) {
        /* Output after a new prompt belongs to that command. */
        st->seen.get_setting = md_slice_ifind(t, "OBMachineSetting") >= 0 ||
                               md_slice_ifind(t, "ProxySetting") >= 0;
        st->transcript = true;
    }
    if (st->is_cmd && t.len && t.ptr[0] == '@')
        t = md_slice_trim(md_slice_of(t.ptr + 1, t.len - 1));
    if (!t.len || is_comment(st, t))
        return;
    if (st->changes && transcript_frame(st, t))
        return;
    /* In a transcript, what follows no prompt is a command's output. */
    st->stmt_report = st->changes && (prompted || !st->transcript);
    if (t.ptr[t.len - 1] == continuation_char(st)) {
        md_buf_reset(&st->stmt);
        st->stmt_open = true;
        st->stmt_cut = false;
        st->stmt_line = ctx->line;
        stmt_add(ctx, st, md_slice_of(t.ptr, t.len - 1));
        return;
    }
    st->seen.statements = st->stmt_report;
    md_ps_statement(ctx, t.ptr, t.len, ctx->line, st->is_cmd, &st->seen);
}

/* ---- Format-Table output --------------------------------------------- */

/*
 * PowerShell's table view: a header of labels, a dash run under each label
 * (as wide as the label, not as its column), then one row per object until
 * a blank line. Strings are left-aligned under their label's start, numbers
 * and booleans right-aligned to its end, so a value may be wider than its
 * run; columns are counted in characters (a wide East Asian character,
 * two cells in a console, counts one here). A value too wide for its
 * column ends in "..." (5.1) or U+2026 (7): it is not the value.
 */

static bool
utf8_cont(char c)
{
    return ((unsigned char)c & 0xC0) == 0x80;
}

/* Byte offset of character c of s[0..len); len when the line is
 * shorter. */
static size_t
byte_of(const char *s, size_t len, size_t c)
{
    for (size_t i = 0; i < len; i++)
        if (!utf8_cont(s[i]) && c-- == 0)
            return i;
    return len;
}

static bool
is_cut(struct md_slice v)
{
    return md_slice_iends(v, "...") || md_slice_iends(v, "\xE2\x80\xA6");
}

/* A line of dash runs and spaces only: the runs go to tbl->col. */
static bool
dash_runs(struct table *tbl, const char *s, size_t len)
{
    size_t n = 0, i = 0;
    while (i < len) {
        if (s[i] == ' ') {
            i++;
            continue;
        }
        if (s[i] != '-' || n == MAX_COLUMNS)
            return false;
        tbl->col[n].s = i;
        while (i < len && s[i] == '-')
            i++;
        tbl->col[n++].e = i;
    }
    tbl->ncols = n;
    return n > 0;
}

/*
 * Is the line before the dash runs their header: a label over every run
 * and nothing elsewhere? The table is ours when a label is a setting name
 * (md_agent_field_of(), as in the list form) or ProxySetting.
 */
static bool
table_head(struct md_parse_ctx *ctx, struct table *tbl)
{
    const char *h = tbl->prev.ptr;
    size_t hl = tbl->prev.len, ci = 0, k = 0;
    if (!tbl->prev_line || !hl || tbl->prev_line + 1 != ctx->line)
        return false;
    for (size_t i = 0; i < hl; i++) {
        if (utf8_cont(h[i]))
            continue;
        while (k < tbl->ncols && ci >= tbl->col[k].e)
            k++;
        if (h[i] != ' ' && (k == tbl->ncols || ci < tbl->col[k].s))
            return false;
        ci++;
    }
    bool ours = false;
    for (k = 0; k < tbl->ncols; k++) {
        struct column *c = &tbl->col[k];
        size_t a = byte_of(h, hl, c->s), b = byte_of(h, hl, c->e);
        c->name = md_slice_trim(md_slice_of(h + a, b - a));
        if (!c->name.len)
            return false;
        c->f = md_agent_field_of(c->name.ptr, c->name.len);
        c->hashtable = md_slice_ieq(c->name, "ProxySetting");
        ours |= c->f != MD_AGENT_NONE || c->hashtable;
    }
    return ours;
}

/* The dash line s[0..len) under a header of ours opens a table. */
static bool
table_start(struct md_parse_ctx *ctx, struct ps_state *st, const char *s,
            size_t len)
{
    struct table *tbl = &st->tbl;
    if (!dash_runs(tbl, s, len) || !table_head(ctx, tbl))
        return false;
    block_end(ctx, st);
    struct md_buf t = tbl->head; /* the labels point into prev: keep it */
    tbl->head = tbl->prev;
    tbl->prev = t;
    tbl->prev_line = 0;
    tbl->head_line = ctx->line - 1;
    tbl->open = true;
    tbl->bad_row = false;
    for (size_t k = 0; k < tbl->ncols; k++) {
        struct md_slice n = tbl->col[k].name;
        if (is_cut(n))
            md_parse_diag_at(ctx, tbl->head_line, MD_GRADE_WARN,
                             MD_ERR_TRUNCATED, NULL,
                             "column label '%.*s' cut by Format-Table; its "
                             "values not read",
                             (int)(n.len > 64 ? 64 : n.len), n.ptr);
    }
    return true;
}

/*
 * Cut row s[0..len) into cells: cell k is s[cut[k]..cut[k+1]). Text
 * between two runs belongs to the left cell (a left-aligned value wider
 * than its label), except a stretch of non-blanks that goes on into the
 * right run (a right-aligned value wider than its label). A stretch that
 * reaches from one run into the next joins two values: false.
 */
static bool
split_row(const struct table *tbl, const char *s, size_t len, size_t *cut)
{
    size_t k = 1, ci = 0, from = 0, from_ci = 0;
    bool in = false; /* inside a stretch of non-blanks, started at from */
    if (memchr(s, '\t', len))
        return false;
    cut[0] = 0;
    for (size_t i = 0; i <= len && k < tbl->ncols; i++) {
        if (i < len && utf8_cont(s[i]))
            continue;
        bool blank = i == len || s[i] == ' ';
        if (ci == tbl->col[k].s) {
            if (!blank && in && from_ci < tbl->col[k - 1].e)
                return false;
            cut[k++] = !blank && in ? from : i;
        }
        if (!blank && !in) {
            from = i;
            from_ci = ci;
        }
        in = !blank;
        ci++;
    }
    while (k <= tbl->ncols)
        cut[k++] = len;
    return true;
}

static struct md_slice
cell(const char *s, const size_t *cut, size_t k)
{
    return md_slice_trim(md_slice_of(s + cut[k], cut[k + 1] - cut[k]));
}

/* The row, trimmed, with every password masked: the excerpt of its
 * settings. A ProxySetting cell naming a password is masked whole. */
static struct md_slice
masked_row(struct table *tbl, const char *s, size_t len, const size_t *cut)
{
    struct md_buf *m = &tbl->masked;
    enum md_status rc = MD_OK;
    size_t from = 0;
    md_buf_reset(m);
    for (size_t k = 0; k < tbl->ncols && rc == MD_OK; k++) {
        struct md_slice v = cell(s, cut, k);
        if (!v.len || (tbl->col[k].f != MD_AGENT_PASSWORD &&
                       !(tbl->col[k].hashtable &&
                         md_slice_ifind(v, "password") >= 0)))
            continue;
        size_t at = (size_t)(v.ptr - s);
        rc = md_buf_add(m, s + from, at - from);
        if (rc == MD_OK)
            rc = md_buf_add(m, "********", 8);
        from = at + v.len;
    }
    if (rc == MD_OK)
        rc = md_buf_add(m, s + from, len - from);
    if (rc != MD_OK || !m->ptr)
        return md_slice_of("", 0);
    return md_slice_trim(md_slice_of(m->ptr, m->len));
}

/* A ProxySetting cell: "@{Enabled=True; ProxyServer=...}", of which only
 * the pairs before a cut count. */
static void
table_hashtable(struct md_parse_ctx *ctx, struct ps_state *st,
                const char *s, struct md_slice v)
{
    if (v.len < 3 || v.ptr[0] != '@' || v.ptr[1] != '{')
        return;
    size_t vs = (size_t)(v.ptr - s), ve = vs + v.len;
    if (is_cut(v)) {
        while (ve > vs && s[ve - 1] != ';')
            ve--;
        md_parse_diag(ctx, MD_GRADE_WARN, MD_ERR_TRUNCATED,
                      "value of 'ProxySetting' cut by Format-Table; only "
                      "its whole settings used");
    }
    if (ve > vs + 2)
        hashtable(ctx, st, s, vs, ve);
}

/* A row: one object, its cells under known labels its settings. */
static void
table_row(struct md_parse_ctx *ctx, struct ps_state *st, const char *s,
          size_t len)
{
    struct table *tbl = &st->tbl;
    size_t cut[MAX_COLUMNS + 1];
    if (!split_row(tbl, s, len, cut)) {
        if (!tbl->bad_row)
            md_parse_diag(ctx, MD_GRADE_WARN, MD_ERR_SYNTAX,
                          "table row does not fit the columns of the header "
                          "at line %llu; rows like it not read",
                          (unsigned long long)tbl->head_line);
        tbl->bad_row = true;
        return;
    }
    struct md_slice text = masked_row(tbl, s, len, cut);
    for (size_t k = 0; k < tbl->ncols; k++) {
        const struct column *c = &tbl->col[k];
        struct md_slice v = cell(s, cut, k);
        if (setting_of(st, c->name) == MD_AGENT_NONE) {
            if (c->hashtable)
                table_hashtable(ctx, st, s, v);
            continue;
        }
        if (is_cut(v)) {
            md_parse_diag(ctx, MD_GRADE_WARN, MD_ERR_TRUNCATED,
                          "value of '%.*s' cut by Format-Table ('...' at "
                          "its end); not used",
                          (int)(c->name.len > 64 ? 64 : c->name.len),
                          c->name.ptr);
            continue;
        }
        add_setting(ctx, st, c->f, c->name, text, false,
                    md_slice_of(text.ptr, 0), v, VK_TEXT, false, 0);
    }
    block_end(ctx, st); /* a row is an object, as a list block is */
}

/* Is the line a row of the open table? A prompt or a transcript's frame
 * ends it (a blank line does too, earlier). */
static bool
table_line(struct md_parse_ctx *ctx, struct ps_state *st, const char *s,
           size_t len, struct md_slice t)
{
    size_t stars = 0;
    while (stars < t.len && t.ptr[stars] == '*')
        stars++;
    if (stars == t.len || strip_prompt(&t)) {
        st->tbl.open = false;
        return false;
    }
    table_row(ctx, st, s, len);
    return true;
}

/* ---- the parser ------------------------------------------------------ */

static bool
only_punct(struct md_slice t)
{
    for (size_t i = 0; i < t.len; i++)
        if (!memchr("{}[], \t", t.ptr[i], 7))
            return false;
    return true;
}

static void
one_line(struct md_parse_ctx *ctx, struct ps_state *st, const char *s,
         size_t len)
{
    if (md_winhttp_line(ctx, &st->w, s, len)) {
        st->tbl.open = false;
        block_end(ctx, st);
        return;
    }
    if (st->stmt_open) {
        continue_statement(ctx, st, s, len);
        return;
    }
    struct md_slice t = md_slice_trim(md_slice_of(s, len));
    if (st->in_comment) {
        st->in_comment = md_slice_ifind(t, "#>") < 0;
        return;
    }
    if (!t.len) {
        st->tbl.open = false;
        block_end(ctx, st);
        return;
    }
    if (st->tbl.open && table_line(ctx, st, s, len, t))
        return;
    if (t.ptr[0] == '-' && table_start(ctx, st, s, len))
        return;
    if (!st->is_cmd && md_slice_istarts(t, "<#")) {
        st->in_comment = md_slice_ifind(t, "#>") < 2;
        return;
    }
    /* JSON: a line of pairs, or of braces only (the block goes on). */
    bool punct = only_punct(t);
    if ((punct || memchr(t.ptr, '"', t.len)) && json_line(ctx, st, s, len))
        return;
    if (punct)
        return;
    struct md_slice name;
    size_t vs, ve;
    if (list_line(s, len, &name, &vs, &ve)) {
        list_entry(ctx, st, s, len, name, vs, ve);
        return;
    }
    if (wrapped_value(ctx, st, s, len))
        return;
    block_end(ctx, st);
    command_line(ctx, st, s, len);
}

static enum md_status
ps_line(struct md_parse_ctx *ctx, void *state, const char *s, size_t len)
{
    struct ps_state *st = state;
    one_line(ctx, st, s, len);
    /* A dash line on the next line would make this one a table header. */
    md_buf_reset(&st->tbl.prev);
    st->tbl.prev_line =
        md_buf_add(&st->tbl.prev, s, len) == MD_OK ? ctx->line : 0;
    return MD_OK;
}

static enum md_status
ps_begin(struct md_parse_ctx *ctx, void *state)
{
    struct ps_state *st = state;
    const char *path = ctx->input->path;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    st->is_cmd = md_name_has_ext(base, ".cmd") || md_name_has_ext(base, ".bat");
    st->name_ctx = md_name_contains(base, "OBMachineSetting");
    st->blk.data.max = (size_t)ctx->limits->record_bytes;
    st->stmt.max = (size_t)ctx->limits->record_bytes;
    st->tbl.prev.max = (size_t)ctx->limits->record_bytes;
    st->tbl.head.max = (size_t)ctx->limits->record_bytes;
    st->tbl.masked.max = (size_t)ctx->limits->record_bytes;
    return MD_OK;
}

static enum md_status
ps_begin_changes(struct md_parse_ctx *ctx, void *state)
{
    struct ps_state *st = state;
    st->changes = true;
    return ps_begin(ctx, state);
}

static enum md_status
ps_end(struct md_parse_ctx *ctx, void *state)
{
    struct ps_state *st = state;
    if (st->stmt_open) {
        md_parse_diag_at(ctx, st->stmt_line, MD_GRADE_WARN, MD_ERR_TRUNCATED,
                         NULL, "continued command ends with the file");
        run_statement(ctx, st);
    }
    block_end(ctx, st);
    md_winhttp_end(ctx, &st->w);
    md_buf_free(&st->blk.data);
    md_buf_free(&st->stmt);
    md_buf_free(&st->tbl.prev);
    md_buf_free(&st->tbl.head);
    md_buf_free(&st->tbl.masked);
    return MD_OK;
}

static int
ps_bid(const struct md_sniff *s)
{
    const char *b = s->base;
    if (md_name_contains(b, "OBMachineSetting") ||
        md_name_contains(b, "PowerShell_transcript") ||
        md_name_has_ext(b, ".ps1"))
        return 85;
    if (md_ps_head_has_command(s->text, s->text_len))
        return md_winhttp_head_has_header(s->text, s->text_len) ? 75 : 50;
    if (md_strcasecmp(b, "Trace.txt") == 0 || md_name_has_ext(b, ".cmd") ||
        md_name_has_ext(b, ".bat"))
        return 40;
    if (md_name_has_ext(b, ".txt") || md_name_has_ext(b, ".log"))
        return 5;
    return 0;
}

const struct md_parser md_parser_pscapture = {
    .name = "pscapture",
    .bid = ps_bid,
    .state_size = sizeof(struct ps_state),
    .begin = ps_begin,
    .line = ps_line,
    .end = ps_end,
};

static int
no_bid(const struct md_sniff *s)
{
    (void)s;
    return 0;
}

const struct md_parser md_parser_pscapture_changes = {
    .name = "pscapture",
    .bid = no_bid,
    .state_size = sizeof(struct ps_state),
    .begin = ps_begin_changes,
    .line = ps_line,
    .end = ps_end,
};
