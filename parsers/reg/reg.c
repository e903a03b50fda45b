/*
 * Parser for registry exports (.reg): "Windows Registry Editor Version
 * 5.00" files (regedit and reg export write them UTF-16LE with a BOM; the
 * pipeline hands us UTF-8) and the older ANSI "REGEDIT4". Follows the
 * format notes of domain-reference §3.3: [key] and [-key] sections,
 * "name"= and @= values, "str", dword:, hex: and hex(N): data, '\' line
 * continuations, "name"=- deletions. Each value becomes a reg.value record
 * and, for the proxy settings we know, a derived record (regvalue.c).
 *
 * Several exports pasted into one file (as support collectors do) are
 * read as one: a header line anywhere starts a new export.
 */
#include <string.h>

#include "marsdiag/names.h"
#include "parser.h"
#include "regvalue.h"

/* Registry value types (winnt.h REG_*), as hex(N) numbers them. */
enum {
    T_NONE = 0,
    T_SZ = 1,
    T_EXPAND_SZ = 2,
    T_BINARY = 3,
    T_DWORD = 4,
    T_DWORD_BE = 5,
    T_MULTI_SZ = 7,
    T_QWORD = 11,
};

enum key_state {
    KEY_NONE,    /* no [key] yet */
    KEY_OK,      /* values belong to st->path */
    KEY_SKIPPED, /* bad or too deep key, already reported */
    KEY_DELETED, /* [-key]: values under it mean nothing */
};

enum vform { V_STRING, V_DWORD, V_HEX, V_DELETE };

struct reg_state {
    int version; /* 5, or 4 for REGEDIT4 (ANSI strings in hex(1/2/7)) */
    bool seen_header, seen_content;
    enum key_state key_state;
    struct md_buf key, sid; /* current key, normalised */
    struct md_regpath path; /* points into key and sid */

    /* The value being read; a hex value may span lines. */
    bool pending;    /* its last line ended with '\' */
    bool cut;        /* its hex text hit the cap */
    bool said_limit; /* 'reg_value_bytes' reported for it */
    enum vform form;
    uint32_t type;   /* hex(N) number; T_BINARY for hex: */
    uint32_t dword;
    uint64_t vline;  /* its first line */
    size_t data_off; /* where its data starts in excerpt */
    struct md_buf name, excerpt, hex, bytes, text;
};

static bool
is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
           (c >= 'A' && c <= 'F');
}

static unsigned
hex_val(char c)
{
    if (c >= '0' && c <= '9')
        return (unsigned)(c - '0');
    return (unsigned)((c | 0x20) - 'a' + 10);
}

/* 1 to 8 hex digits, nothing else. */
static bool
parse_hex32(struct md_slice s, uint32_t *out)
{
    if (s.len == 0 || s.len > 8)
        return false;
    uint32_t v = 0;
    for (size_t i = 0; i < s.len; i++) {
        if (!is_hex(s.ptr[i]))
            return false;
        v = v << 4 | hex_val(s.ptr[i]);
    }
    *out = v;
    return true;
}

static const char *
type_name(struct md_parse_ctx *ctx, uint32_t t)
{
    switch (t) {
    case T_NONE: return "REG_NONE";
    case T_SZ: return "REG_SZ";
    case T_EXPAND_SZ: return "REG_EXPAND_SZ";
    case T_BINARY: return "REG_BINARY";
    case T_DWORD: return "REG_DWORD";
    case T_DWORD_BE: return "REG_DWORD_BIG_ENDIAN";
    case T_MULTI_SZ: return "REG_MULTI_SZ";
    case T_QWORD: return "REG_QWORD";
    }
    return md_arena_printf(ctx->scratch, "hex(%x)", (unsigned)t);
}

static enum md_status
reg_begin(struct md_parse_ctx *ctx, void *state)
{
    struct reg_state *st = state;
    uint64_t vb = ctx->limits->reg_value_bytes;
    if (vb > SIZE_MAX / 8)
        vb = SIZE_MAX / 8;
    st->version = 5;
    st->bytes.max = (size_t)vb;
    st->hex.max = 3 * (size_t)vb + 16;   /* "xx," per byte */
    st->text.max = 2 * (size_t)vb + 16;  /* UTF-16 grows at most 3/2 */
    return MD_OK;
}

/* ---- keys ------------------------------------------------------------ */

static void
key_line(struct md_parse_ctx *ctx, struct reg_state *st, const char *line,
         size_t line_len, struct md_slice t)
{
    st->key_state = KEY_SKIPPED;
    if (t.len < 2 || t.ptr[t.len - 1] != ']') {
        md_parse_diag(ctx, MD_GRADE_WARN, MD_ERR_SYNTAX,
                      "key line without closing ']'; its values are skipped");
        return;
    }
    struct md_slice k = {t.ptr + 1, t.len - 2};
    bool del = k.len && k.ptr[0] == '-';
    if (del) {
        k.ptr++;
        k.len--;
    }
    size_t depth = md_regval_key_depth(k.ptr, k.len);
    if (depth > ctx->limits->reg_key_depth) {
        md_parse_diag_at(ctx, ctx->line, MD_GRADE_WARN, MD_ERR_LIMIT,
                         "reg_key_depth",
                         "key has %zu components, more than limit "
                         "'reg_key_depth' (%llu); its values are skipped",
                         depth,
                         (unsigned long long)ctx->limits->reg_key_depth);
        return;
    }
    struct md_regpath p;
    if (!md_regpath_parse(ctx->scratch, k.ptr, k.len, &p)) {
        md_parse_diag(ctx, MD_GRADE_WARN, MD_ERR_SYNTAX,
                      "key '%.*s' does not start with a hive; its values "
                      "are skipped", (int)(k.len > 200 ? 200 : k.len), k.ptr);
        return;
    }
    md_buf_reset(&st->key);
    md_buf_reset(&st->sid);
    if (md_buf_adds(&st->key, p.key) != MD_OK ||
        (p.sid && md_buf_adds(&st->sid, p.sid) != MD_OK)) {
        md_parse_diag(ctx, MD_GRADE_FAILED, MD_ERR_NOMEM, "out of memory");
        return;
    }
    st->path = p;
    st->path.key = st->key.ptr;
    st->path.sid = p.sid ? st->sid.ptr : NULL;
    st->key_state = del ? KEY_DELETED : KEY_OK;
    if (!del)
        return;
    struct md_evidence *ev = md_ev_new(ctx, "reg.key_deleted");
    if (ev)
        ev->key = st->path.key;
    md_ev_text(ctx, ev, line, line_len);
    md_ev_strz(ev, "scope", md_reg_scope_str(p.scope));
    if (p.sid)
        md_ev_strz(ev, "sid", st->path.sid);
    if (p.alias)
        md_ev_strz(ev, "alias", p.alias);
    md_ev_emit(ctx, ev);
}

/* ---- values ---------------------------------------------------------- */

/* Hex text "46,00,0a" to bytes in st->bytes. When the text was cut, a last
 * token not followed by ',' may be half a byte and is dropped. */
static bool
hex_bytes(struct md_parse_ctx *ctx, struct reg_state *st, bool cut)
{
    const char *s = st->hex.ptr ? st->hex.ptr : "";
    size_t n = st->hex.len, i = 0;
    md_buf_reset(&st->bytes);
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != ',')
            j++;
        struct md_slice tok = md_slice_trim(md_slice_of(s + i, j - i));
        bool last = j >= n;
        i = j + 1;
        if (tok.len == 0 && last)
            break; /* trailing comma */
        if (last && cut)
            break;
        uint32_t b;
        if (tok.len > 2 || !parse_hex32(tok, &b)) {
            md_parse_diag_at(ctx, st->vline, MD_GRADE_WARN, MD_ERR_SYNTAX,
                             NULL, "invalid hex byte '%.*s' in value '%s'; "
                             "value skipped", (int)(tok.len > 8 ? 8 : tok.len),
                             tok.ptr, st->name.ptr);
            return false;
        }
        enum md_status rc = md_buf_addc(&st->bytes, (char)b);
        if (rc == MD_ERR_LIMIT) {
            if (!st->said_limit)
                md_parse_diag_at(ctx, st->vline, MD_GRADE_WARN, MD_ERR_LIMIT,
                                 "reg_value_bytes",
                                 "value '%s' longer than limit "
                                 "'reg_value_bytes' (%zu); cut there",
                                 st->name.ptr, st->bytes.max);
            break;
        } else if (rc != MD_OK)
            return false;
    }
    return true;
}

/* UTF-16LE (version 5) or ANSI (REGEDIT4) bytes to text in st->text. */
static void
decode_text(struct reg_state *st)
{
    md_buf_reset(&st->text);
    if (st->version == 4) {
        md_buf_add(&st->text, st->bytes.ptr, st->bytes.len);
        return;
    }
    struct md_decoder d;
    md_decoder_init(&d, MD_ENC_UTF16LE);
    md_decode(&d, (const unsigned char *)st->bytes.ptr,
              st->bytes.len - (st->bytes.len & 1), true, &st->text);
}

/* Strings separated by NUL and ended by an empty one, joined with '\n'. */
static size_t
join_multi(char *s, size_t n)
{
    size_t o = 0, i = 0;
    while (i < n) {
        const char *z = memchr(s + i, '\0', n - i);
        size_t j = z ? (size_t)(z - s) : n;
        if (j == i)
            break;
        memmove(s + o, s + i, j - i);
        o += j - i;
        s[o++] = '\n';
        i = j + 1;
    }
    return o ? o - 1 : 0;
}

static uint64_t
le_bytes(const unsigned char *p, size_t n)
{
    uint64_t v = 0;
    for (size_t i = n; i > 0; i--)
        v = v << 8 | p[i - 1];
    return v;
}

/* Turn st->bytes into a typed value per hex(N). */
static void
typed_hex(struct md_parse_ctx *ctx, struct reg_state *st, struct md_regval *v)
{
    const unsigned char *b = (const unsigned char *)st->bytes.ptr;
    size_t n = st->bytes.len;
    v->type = type_name(ctx, st->type);
    v->form = MD_REGVAL_BIN;
    v->data = st->bytes.ptr;
    v->len = n;
    switch (st->type) {
    case T_SZ:
    case T_EXPAND_SZ:
    case T_MULTI_SZ:
        decode_text(st);
        v->form = MD_REGVAL_STR;
        v->data = st->text.ptr ? st->text.ptr : "";
        if (st->type == T_MULTI_SZ) {
            v->len = st->text.ptr ? join_multi(st->text.ptr, st->text.len)
                                  : 0;
        } else {
            const char *z = memchr(v->data, '\0', st->text.len);
            v->len = z ? (size_t)(z - v->data) : st->text.len;
        }
        return;
    case T_DWORD:
    case T_DWORD_BE:
    case T_QWORD: {
        size_t want = st->type == T_QWORD ? 8 : 4;
        if (n != want) {
            md_parse_diag_at(ctx, st->vline, MD_GRADE_WARN, MD_ERR_SYNTAX,
                             NULL, "value '%s' of type %s has %zu bytes, not "
                             "%zu; kept as bytes", st->name.ptr, v->type, n,
                             want);
            return;
        }
        v->form = MD_REGVAL_INT;
        if (st->type == T_DWORD_BE)
            v->i = (int64_t)((uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
                             (uint32_t)b[2] << 8 | b[3]);
        else
            v->i = (int64_t)le_bytes(b, n);
        return;
    }
    }
}

/* The value is complete (or cut): type it and emit it. */
static enum md_status
finish_value(struct md_parse_ctx *ctx, struct reg_state *st, bool cut)
{
    st->pending = false;
    cut = cut || st->cut;
    st->cut = false;
    if (st->key_state != KEY_OK) {
        if (st->key_state == KEY_NONE)
            md_parse_diag_at(ctx, st->vline, MD_GRADE_WARN, MD_ERR_SYNTAX,
                             NULL, "value '%s' before any key; skipped",
                             st->name.ptr);
        else if (st->key_state == KEY_DELETED)
            md_parse_diag_at(ctx, st->vline, MD_GRADE_WARN, MD_ERR_SYNTAX,
                             NULL, "value '%s' under a deleted key; skipped",
                             st->name.ptr);
        return MD_OK;
    }
    struct md_regval v = {
        .key = &st->path,
        .name = st->name.ptr,
        .line = st->vline,
        .text = st->excerpt.ptr ? st->excerpt.ptr : "",
        .text_len = st->excerpt.len,
        .data_off = st->data_off,
    };
    switch (st->form) {
    case V_DELETE:
        v.form = MD_REGVAL_DELETED;
        break;
    case V_STRING:
        v.type = "REG_SZ";
        v.form = MD_REGVAL_STR;
        v.data = st->text.ptr ? st->text.ptr : "";
        v.len = st->text.len;
        break;
    case V_DWORD:
        v.type = "REG_DWORD";
        v.form = MD_REGVAL_INT;
        v.i = st->dword;
        break;
    case V_HEX:
        if (!hex_bytes(ctx, st, cut))
            return MD_OK;
        typed_hex(ctx, st, &v);
        break;
    }
    return md_regval_emit(ctx, &v);
}

/* Append hex text of the current value; past the cap keep whole "xx,"
 * tokens only, say so once, and ignore the rest of the value. */
static void
add_hex(struct md_parse_ctx *ctx, struct reg_state *st, struct md_slice t)
{
    if (st->cut)
        return;
    size_t room = st->hex.max - st->hex.len;
    if (t.len <= room) {
        md_buf_add(&st->hex, t.ptr, t.len);
        return;
    }
    while (room && t.ptr[room - 1] != ',')
        room--;
    md_buf_add(&st->hex, t.ptr, room);
    st->cut = true;
    st->said_limit = true;
    md_parse_diag_at(ctx, st->vline, MD_GRADE_WARN, MD_ERR_LIMIT,
                     "reg_value_bytes",
                     "value '%s' longer than limit 'reg_value_bytes' (%zu); "
                     "cut there", st->name.ptr, st->bytes.max);
}

/* "..." with \\ and \" escapes, from s[*i] (just past the opening quote)
 * into out; *i ends past the closing quote. False when unterminated. */
static bool
unquote(const char *s, size_t len, size_t *i, struct md_buf *out, size_t max,
        bool *over)
{
    size_t k = *i;
    *over = false;
    while (k < len && s[k] != '"') {
        char c = s[k];
        if (c == '\\' && k + 1 < len && (s[k + 1] == '\\' || s[k + 1] == '"'))
            c = s[++k];
        if (out->len >= max || md_buf_addc(out, c) != MD_OK)
            *over = true;
        k++;
    }
    *i = k < len ? k + 1 : k;
    return k < len;
}

static enum md_status
value_line(struct md_parse_ctx *ctx, struct reg_state *st, const char *line,
           size_t line_len, struct md_slice t)
{
    const char *s = t.ptr;
    size_t len = t.len, i = 1;
    bool over;
    md_buf_reset(&st->name);
    if (s[0] == '@') {
        md_buf_addc(&st->name, '@');
    } else if (!unquote(s, len, &i, &st->name, SIZE_MAX, &over)) {
        md_parse_diag(ctx, MD_GRADE_WARN, MD_ERR_SYNTAX,
                      "value name without closing quote; line skipped");
        return MD_OK;
    }
    if (!st->name.ptr)
        md_buf_adds(&st->name, "");
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i >= len || s[i] != '=') {
        md_parse_diag(ctx, MD_GRADE_WARN, MD_ERR_SYNTAX,
                      "no '=' after value name '%s'; line skipped",
                      st->name.ptr ? st->name.ptr : "");
        return MD_OK;
    }
    i++;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    st->vline = ctx->line;
    st->data_off = (size_t)(s - line) + i;
    md_buf_reset(&st->excerpt);
    md_buf_add(&st->excerpt, line, line_len);
    struct md_slice d = {s + i, len - i};

    if (md_slice_ieq(d, "-")) {
        st->form = V_DELETE;
        return finish_value(ctx, st, false);
    }
    if (d.len && d.ptr[0] == '"') {
        size_t k = 1;
        md_buf_reset(&st->text);
        st->form = V_STRING;
        if (!unquote(d.ptr, d.len, &k, &st->text, st->bytes.max, &over))
            md_parse_diag(ctx, MD_GRADE_WARN, MD_ERR_TRUNCATED,
                          "string of value '%s' has no closing quote; kept "
                          "as read", st->name.ptr);
        if (over)
            md_parse_diag_at(ctx, ctx->line, MD_GRADE_WARN, MD_ERR_LIMIT,
                             "reg_value_bytes",
                             "value '%s' longer than limit 'reg_value_bytes' "
                             "(%zu); cut there", st->name.ptr,
                             st->bytes.max);
        return finish_value(ctx, st, false);
    }
    if (md_slice_istarts(d, "dword:")) {
        st->form = V_DWORD;
        struct md_slice h = md_slice_trim(md_slice_of(d.ptr + 6, d.len - 6));
        if (!parse_hex32(h, &st->dword)) {
            md_parse_diag(ctx, MD_GRADE_WARN, MD_ERR_SYNTAX,
                          "malformed dword data of value '%s'; value skipped",
                          st->name.ptr);
            return MD_OK;
        }
        return finish_value(ctx, st, false);
    }
    if (md_slice_istarts(d, "hex")) {
        size_t k = 3;
        st->type = T_BINARY;
        if (k < d.len && d.ptr[k] == '(') {
            size_t e = k + 1;
            while (e < d.len && d.ptr[e] != ')')
                e++;
            if (e >= d.len ||
                !parse_hex32(md_slice_of(d.ptr + k + 1, e - k - 1),
                             &st->type)) {
                md_parse_diag(ctx, MD_GRADE_WARN, MD_ERR_SYNTAX,
                              "malformed hex(N) type of value '%s'; value "
                              "skipped", st->name.ptr);
                return MD_OK;
            }
            k = e + 1;
        }
        if (k >= d.len || d.ptr[k] != ':') {
            md_parse_diag(ctx, MD_GRADE_WARN, MD_ERR_SYNTAX,
                          "no ':' after hex type of value '%s'; value skipped",
                          st->name.ptr);
            return MD_OK;
        }
        st->form = V_HEX;
        st->cut = false;
        st->said_limit = false;
        md_buf_reset(&st->hex);
        struct md_slice rest = {d.ptr + k + 1, d.len - k - 1};
        st->pending = rest.len && rest.ptr[rest.len - 1] == '\\';
        if (st->pending)
            rest.len--;
        add_hex(ctx, st, rest);
        return st->pending ? MD_OK : finish_value(ctx, st, false);
    }
    md_parse_diag(ctx, MD_GRADE_WARN, MD_ERR_SYNTAX,
                  "unrecognised data of value '%s'; value skipped",
                  st->name.ptr);
    return MD_OK;
}

/* A continuation line of a hex value, already trimmed. */
static enum md_status
continue_value(struct md_parse_ctx *ctx, struct reg_state *st,
               struct md_slice t)
{
    st->pending = t.ptr[t.len - 1] == '\\';
    if (st->pending)
        t.len--;
    add_hex(ctx, st, t);
    return st->pending ? MD_OK : finish_value(ctx, st, false);
}

static bool
is_header(struct md_slice t, int *version)
{
    if (md_slice_istarts(t, "Windows Registry Editor Version ")) {
        *version = 5;
        return true;
    }
    if (md_slice_ieq(t, "REGEDIT4")) {
        *version = 4;
        return true;
    }
    return false;
}

static enum md_status
reg_line(struct md_parse_ctx *ctx, void *state, const char *s, size_t len)
{
    struct reg_state *st = state;
    /* A BOM in the middle: several UTF-16 exports pasted together. */
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        len -= 3;
    }
    struct md_slice t = md_slice_trim(md_slice_of(s, len));
    if (st->pending) {
        if (t.len && is_hex(t.ptr[0]))
            return continue_value(ctx, st, t);
        md_parse_diag_at(ctx, st->vline, MD_GRADE_WARN, MD_ERR_TRUNCATED,
                         NULL, "value '%s' ends with '\\' but line %llu does "
                         "not continue it; kept as read", st->name.ptr,
                         (unsigned long long)ctx->line);
        enum md_status rc = finish_value(ctx, st, true);
        if (rc != MD_OK)
            return rc;
    }
    if (t.len == 0 || t.ptr[0] == ';')
        return MD_OK;
    int version;
    if (is_header(t, &version)) {
        st->version = version;
        st->seen_header = true;
        return MD_OK;
    }
    if (!st->seen_header && !st->seen_content)
        md_parse_diag(ctx, MD_GRADE_INFO, MD_ERR_SYNTAX,
                      "no 'Windows Registry Editor Version 5.00' or "
                      "'REGEDIT4' header; read as version 5");
    st->seen_content = true;
    if (t.ptr[0] == '[') {
        key_line(ctx, st, s, len, t);
        return MD_OK;
    }
    if (t.ptr[0] == '"' || t.ptr[0] == '@')
        return value_line(ctx, st, s, len, t);
    md_parse_diag(ctx, MD_GRADE_WARN, MD_ERR_SYNTAX,
                  "unrecognised line; skipped");
    return MD_OK;
}

static enum md_status
reg_end(struct md_parse_ctx *ctx, void *state)
{
    struct reg_state *st = state;
    enum md_status rc = MD_OK;
    if (st->pending) {
        md_parse_diag_at(ctx, st->vline, MD_GRADE_WARN, MD_ERR_TRUNCATED,
                         NULL, "file ends inside value '%s'; kept as read",
                         st->name.ptr);
        rc = finish_value(ctx, st, true);
    }
    md_buf_free(&st->key);
    md_buf_free(&st->sid);
    md_buf_free(&st->name);
    md_buf_free(&st->excerpt);
    md_buf_free(&st->hex);
    md_buf_free(&st->bytes);
    md_buf_free(&st->text);
    return rc;
}

static int
reg_bid(const struct md_sniff *s)
{
    struct md_slice t = md_slice_trim(md_slice_of(s->text, s->text_len));
    int version;
    const char *nl = memchr(t.ptr, '\n', t.len);
    if (nl)
        t = md_slice_trim(md_slice_of(t.ptr, (size_t)(nl - t.ptr)));
    if (is_header(t, &version))
        return 100;
    return md_name_has_ext(s->base, ".reg") ? 50 : 0;
}

const struct md_parser md_parser_reg = {
    .name = "reg",
    .bid = reg_bid,
    .state_size = sizeof(struct reg_state),
    .begin = reg_begin,
    .line = reg_line,
    .end = reg_end,
};
