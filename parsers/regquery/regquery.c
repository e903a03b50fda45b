/*
 * Parser for the console output of "reg query KEY [/s] [/v NAME]": a key
 * line (full hive name, no indent) followed by value lines indented four
 * spaces, "NAME    REG_TYPE    DATA" with four-space separators. DWORD and
 * QWORD data print as 0x..., binary as a run of hex digits, REG_MULTI_SZ
 * with literal "\0" between strings; the default value's name is
 * localized ("(Default)", "(既定)", "(Standard)", ...). Emits the same
 * records as the reg parser (parsers/reg/README.md), via regvalue.c.
 */
#include <string.h>

#include "../reg/regvalue.h"
#include "marsdiag/names.h"
#include "parser.h"

enum key_state { KEY_NONE, KEY_OK, KEY_SKIPPED };

struct rq_state {
    enum key_state key_state;
    struct md_buf key, sid; /* current key, normalised */
    struct md_regpath path; /* points into key and sid */
    struct md_buf bytes;    /* decoded binary data, capped */
};

/* The default value's name as reg query prints it, per display language:
 * UTF-8, and the code-page bytes a redirected console writes (cp932
 * Japanese, cp850 and cp1252 French). */
static const char *const default_names[] = {
    "(Default)",         "(既定)",          "(\x8a\xf9\x92\xe8)",
    "(Standard)",        "(par défaut)",    "(par d\x82" "faut)",
    "(par d\xe9" "faut)", "(Predeterminado)", "(Predefinito)",
    "(Padrão)",          "(默认)",          "(預設)",
    "(기본값)",          "(По умолчанию)",
};

/* What reg query prints for an unset default value (the Japanese one in
 * UTF-8 and cp932). */
static const char *const not_set[] = {
    "(value not set)",
    "(値の設定なし)",
    "(\x92l\x82\xcc\x90\xdd\x92\xe8\x82\xc8\x82\xb5)",
    "(Wert nicht festgelegt)",
    "(valeur non définie)",
};

static bool
in_list(struct md_slice s, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (md_slice_ieq(s, list[i]))
            return true;
    return false;
}

static enum md_status
rq_begin(struct md_parse_ctx *ctx, void *state)
{
    struct rq_state *st = state;
    uint64_t vb = ctx->limits->reg_value_bytes;
    st->bytes.max = vb > SIZE_MAX / 4 ? SIZE_MAX / 4 : (size_t)vb;
    return MD_OK;
}

static int
hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        return (c | 0x20) - 'a' + 10;
    return -1;
}

/* A key line: anything without indent that names a hive. */
static bool
key_line(struct md_parse_ctx *ctx, struct rq_state *st, struct md_slice t)
{
    struct md_regpath p;
    if (!md_regpath_parse(ctx->scratch, t.ptr, t.len, &p))
        return false;
    st->key_state = KEY_SKIPPED;
    size_t depth = md_regval_key_depth(t.ptr, t.len);
    if (depth > ctx->limits->reg_key_depth) {
        md_parse_diag_at(ctx, ctx->line, MD_GRADE_WARN, MD_ERR_LIMIT,
                         "reg_key_depth",
                         "key has %zu components, more than limit "
                         "'reg_key_depth' (%llu); its values are skipped",
                         depth,
                         (unsigned long long)ctx->limits->reg_key_depth);
        return true;
    }
    md_buf_reset(&st->key);
    md_buf_reset(&st->sid);
    if (md_buf_adds(&st->key, p.key) != MD_OK ||
        (p.sid && md_buf_adds(&st->sid, p.sid) != MD_OK)) {
        md_parse_diag(ctx, MD_GRADE_FAILED, MD_ERR_NOMEM, "out of memory");
        return true;
    }
    st->path = p;
    st->path.key = st->key.ptr;
    st->path.sid = p.sid ? st->sid.ptr : NULL;
    st->key_state = KEY_OK;
    return true;
}

/* "0x1A" to an integer; false when not that form. */
static bool
parse_0x(struct md_slice d, int64_t *out)
{
    d = md_slice_trim(d);
    if (d.len < 3 || d.len > 18 || d.ptr[0] != '0' || (d.ptr[1] | 0x20) != 'x')
        return false;
    uint64_t v = 0;
    for (size_t i = 2; i < d.len; i++) {
        int h = hexval(d.ptr[i]);
        if (h < 0)
            return false;
        v = v << 4 | (uint64_t)h;
    }
    *out = (int64_t)v;
    return true;
}

/* A run of hex digits to st->bytes; -1 when not hex, 1 when cut. */
static int
parse_run(struct rq_state *st, struct md_slice d)
{
    md_buf_reset(&st->bytes);
    d = md_slice_trim(d);
    for (size_t i = 0; i + 1 < d.len; i += 2) {
        int a = hexval(d.ptr[i]), b = hexval(d.ptr[i + 1]);
        if (a < 0 || b < 0)
            return -1;
        if (md_buf_addc(&st->bytes, (char)(a << 4 | b)) != MD_OK)
            return 1;
    }
    if (d.len % 2)
        return hexval(d.ptr[d.len - 1]) < 0 ? -1 : 2;
    return 0;
}

/* a\0b\0c to a\nb\nc, in scratch. */
static struct md_slice
multi_sz(struct md_parse_ctx *ctx, struct md_slice d)
{
    char *o = md_arena_alloc(ctx->scratch, d.len + 1);
    size_t n = 0;
    if (!o)
        return md_slice_of("", 0);
    for (size_t i = 0; i < d.len; i++) {
        if (d.ptr[i] == '\\' && i + 1 < d.len && d.ptr[i + 1] == '0') {
            o[n++] = '\n';
            i++;
        } else
            o[n++] = d.ptr[i];
    }
    while (n && o[n - 1] == '\n')
        n--;
    o[n] = '\0';
    return md_slice_of(o, n);
}

static const char *
type_str(struct md_parse_ctx *ctx, struct md_slice type)
{
    static const char *const known[] = {
        "REG_SZ",     "REG_EXPAND_SZ", "REG_BINARY",
        "REG_DWORD",  "REG_DWORD_BIG_ENDIAN", "REG_MULTI_SZ",
        "REG_QWORD",  "REG_NONE",
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (md_slice_ieq(type, known[i]))
            return known[i];
    return md_arena_strndup(ctx->scratch, type.ptr, type.len);
}

static enum md_status
value_line(struct md_parse_ctx *ctx, struct rq_state *st, const char *s,
           size_t len)
{
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    struct md_slice rest = {s + i, len - i};
    long sep = md_slice_ifind(rest, "    REG_");
    if (sep < 0) {
        md_parse_diag(ctx, MD_GRADE_WARN, MD_ERR_SYNTAX,
                      "indented line is not 'NAME    REG_TYPE    DATA'; "
                      "skipped");
        return MD_OK;
    }
    struct md_slice name = {rest.ptr, (size_t)sep};
    struct md_slice after = {rest.ptr + sep + 4, rest.len - (size_t)sep - 4};
    long tsep = md_slice_ifind(after, "    ");
    struct md_slice type = {after.ptr, tsep < 0 ? after.len : (size_t)tsep};
    struct md_slice data = {after.ptr + type.len, 0};
    if (tsep >= 0) {
        data.ptr = after.ptr + tsep + 4;
        data.len = after.len - (size_t)tsep - 4;
    }
    if (st->key_state != KEY_OK) {
        if (st->key_state == KEY_NONE)
            md_parse_diag(ctx, MD_GRADE_WARN, MD_ERR_SYNTAX,
                          "value '%.*s' before any key; skipped",
                          (int)(name.len > 200 ? 200 : name.len), name.ptr);
        return MD_OK;
    }
    bool is_default = in_list(name, default_names,
                              sizeof default_names / sizeof *default_names);
    if (is_default &&
        in_list(md_slice_trim(data), not_set, sizeof not_set / sizeof *not_set))
        return MD_OK; /* no default value: nothing to report */
    struct md_regval v = {
        .key = &st->path,
        .name = is_default ? "@"
                           : md_arena_strndup(ctx->scratch, name.ptr,
                                              name.len),
        .type = type_str(ctx, type),
        .line = ctx->line,
        .text = s,
        .text_len = len,
        .data_off = (size_t)(data.ptr - s),
    };
    if (!v.name || !v.type)
        return MD_ERR_NOMEM;
    if (data.len > st->bytes.max) {
        md_parse_diag_at(ctx, ctx->line, MD_GRADE_WARN, MD_ERR_LIMIT,
                         "reg_value_bytes",
                         "value '%s' longer than limit 'reg_value_bytes' "
                         "(%zu); cut there", v.name, st->bytes.max);
        data.len = st->bytes.max;
    }
    int64_t n;
    v.form = MD_REGVAL_STR;
    v.data = data.ptr;
    v.len = data.len;
    if (strcmp(v.type, "REG_MULTI_SZ") == 0) {
        struct md_slice m = multi_sz(ctx, data);
        v.data = m.ptr;
        v.len = m.len;
    } else if (strcmp(v.type, "REG_DWORD") == 0 ||
               strcmp(v.type, "REG_QWORD") == 0 ||
               strcmp(v.type, "REG_DWORD_BIG_ENDIAN") == 0) {
        if (parse_0x(data, &n)) {
            v.form = MD_REGVAL_INT;
            v.i = n;
        } else
            md_parse_diag(ctx, MD_GRADE_WARN, MD_ERR_SYNTAX,
                          "%s data of value '%s' is not 0x...; kept as text",
                          v.type, v.name);
    } else if (strcmp(v.type, "REG_SZ") != 0 &&
               strcmp(v.type, "REG_EXPAND_SZ") != 0) {
        /* REG_BINARY, REG_NONE and the rarer types print as hex runs. */
        int r = parse_run(st, data);
        if (r >= 0) {
            v.form = MD_REGVAL_BIN;
            v.data = st->bytes.ptr ? st->bytes.ptr : "";
            v.len = st->bytes.len;
        }
        if (r == 2)
            md_parse_diag(ctx, MD_GRADE_WARN, MD_ERR_TRUNCATED,
                          "odd number of hex digits in value '%s'; last "
                          "digit dropped", v.name);
        else if (r < 0 && strcmp(v.type, "REG_BINARY") == 0)
            md_parse_diag(ctx, MD_GRADE_WARN, MD_ERR_SYNTAX,
                          "REG_BINARY data of value '%s' is not hex; kept as "
                          "text", v.name);
    }
    return md_regval_emit(ctx, &v);
}

static enum md_status
rq_line(struct md_parse_ctx *ctx, void *state, const char *s, size_t len)
{
    struct rq_state *st = state;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
        s += 3;
        len -= 3;
    }
    struct md_slice t = md_slice_trim(md_slice_of(s, len));
    if (t.len == 0)
        return MD_OK;
    if (s[0] == ' ' || s[0] == '\t')
        return value_line(ctx, st, s, len);
    if (key_line(ctx, st, t))
        return MD_OK;
    if (md_slice_istarts(t, "End of search:"))
        return MD_OK;
    if (md_slice_istarts(t, "ERROR:")) {
        md_parse_diag(ctx, MD_GRADE_INFO, MD_ERR_NOTFOUND,
                      "reg query reported: %.*s",
                      (int)(t.len > 200 ? 200 : t.len), t.ptr);
        return MD_OK;
    }
    md_parse_diag(ctx, MD_GRADE_INFO, MD_ERR_SYNTAX,
                  "not a key or value line; skipped");
    return MD_OK;
}

static enum md_status
rq_end(struct md_parse_ctx *ctx, void *state)
{
    struct rq_state *st = state;
    md_buf_free(&st->key);
    md_buf_free(&st->sid);
    md_buf_free(&st->bytes);
    return MD_OK;
}

/* Bid on a key line "HKEY_..." followed by an indented value line. A
 * PowerShell transcript or script that ran reg query is pscapture's (it
 * holds Set-OBMachineSetting lines too), so bid under it there. */
static int
rq_bid(const struct md_sniff *s)
{
    const char *p = s->text, *end = s->text + s->text_len;
    bool after_key = false;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        struct md_slice line = {p, n};
        struct md_slice t = md_slice_trim(line);
        if (n && (p[0] == ' ' || p[0] == '\t')) {
            if (after_key && md_slice_ifind(t, "    REG_") > 0)
                return md_name_contains(s->base, "PowerShell_transcript") ||
                               md_name_has_ext(s->base, ".ps1")
                           ? 60
                           : 90;
        } else if (t.len) {
            after_key = md_slice_istarts(t, "HKEY_");
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    return 0;
}

const struct md_parser md_parser_regquery = {
    .name = "regquery",
    .bid = rq_bid,
    .state_size = sizeof(struct rq_state),
    .begin = rq_begin,
    .line = rq_line,
    .end = rq_end,
};
