/*
 * A PowerShell change script read whole before the statement parser
 * (pscapture) reads it line by line (review_int.h): what no single
 * statement shows.
 *
 * - Here-strings (@' … '@, @" … "@): their body is data, never a
 *   statement. The parser gets the body's lines empty, as it gets no
 *   comment, and the opener in one piece: "@'…'@" after an assignment
 *   ($rollback = @'…'@), "$(@'…'@)" elsewhere, a value it cannot know.
 * - Passwords held in variables: a variable given to ConvertTo-SecureString
 *   -AsPlainText, to -ProxyPassword, to the installer's /pw or to a
 *   hashtable's password key feeds a password, so the strings assigned to
 *   it (and a hashtable's password, and ConvertTo-SecureString's string)
 *   are masked wherever they occur, before anything reads the file. Those
 *   ConvertTo-SecureString reads are plaintext passwords in the script
 *   (MP020): they are listed when the parser cannot see them.
 * - Hashtables assigned to a variable ($p = @{ProxyServer = 'http://p'}),
 *   for the commands that splat them (@p): their pairs become parameters
 *   (-ProxyServer:'http://p'), when every value is a plain string, number
 *   or variable. The parser gets the assignment empty (it cuts statements
 *   at braces); a note says what it was.
 *
 * The text the parser gets keeps every line where it was, so that records
 * cite the file's own lines. Memory: one statement's tokens at a time
 * (bounded), and events (assignments, hashtables, variables feeding a
 * password) as many as the file's statements, at most 2 per statement of
 * limit 'change_records'; passwords looked for everywhere MAX_SECRETS.
 */
#include "review_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_UNIT_TOKENS 65536 /* tokens of one statement */
#define MAX_STACK 256         /* nesting of brackets remembered */
#define MAX_SECRETS 64        /* passwords masked wherever they occur */
#define SECURE_ARGS 16        /* tokens of ConvertTo-SecureString's arguments */
#define MASK "********"

/* ---- tokens ------------------------------------------------------------ */

enum tkind {
    TK_WORD,  /* a bare word (quoted parts included): Set-OBMachineSetting */
    TK_VAR,   /* $name: v is the name, scope removed */
    TK_STR,   /* 'text', "text": v is the text */
    TK_HERE,  /* a here-string: v is its body */
    TK_HASH,  /* @{ */
    TK_OPEN,  /* ( { @( $( */
    TK_CLOSE, /* ) } */
    TK_EQ,    /* = (ch '='), += -= *= /= %= (ch the operator) */
    TK_SEP,   /* ; | || && or a line end (ch '\n') */
    TK_COMMA,
};

struct tok {
    enum tkind kind;
    char ch;
    bool glued;      /* no blank between it and the token before */
    bool open;       /* TK_HERE, TK_STR: never closed */
    size_t from, to; /* the token in the text */
    size_t vfrom, vto;
    uint64_t line;
};

struct lexer {
    const char *s;
    size_t len, i;
    uint64_t line;
    bool line_start, blank;
};

static bool
ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '_';
}

/* Character classes: a blank, a byte that ends a bare word. A table,
 * for a change file may be megabytes of statements. */
enum { C_BLANK = 1, C_STOP = 2 };

static const unsigned char cls[256] = {
    [' '] = C_BLANK | C_STOP,
    ['\t'] = C_BLANK | C_STOP,
    ['\r'] = C_BLANK | C_STOP,
    ['\f'] = C_BLANK | C_STOP,
    ['\v'] = C_BLANK | C_STOP,
    ['\n'] = C_STOP,
    [';'] = C_STOP,
    ['|'] = C_STOP,
    ['('] = C_STOP,
    [')'] = C_STOP,
    ['{'] = C_STOP,
    ['}'] = C_STOP,
    [','] = C_STOP,
    ['='] = C_STOP,
    ['$'] = C_STOP,
};

static bool
blank_char(char c)
{
    return cls[(unsigned char)c] & C_BLANK;
}

/* The end of the line at i (the '\n', or len). */
static size_t
line_end(const char *s, size_t len, size_t i)
{
    const char *nl = memchr(s + i, '\n', len - i);
    return nl ? (size_t)(nl - s) : len;
}

static void
count_lines(struct lexer *lx, size_t from, size_t to)
{
    for (size_t k = from; k < to; k++)
        lx->line += lx->s[k] == '\n';
}

/* A transcript's prompt at the start of a line: "PS>", "PS C:\x>", the
 * ">>" of continued input (as the parser removes them). */
static void
skip_prompt(struct lexer *lx)
{
    const char *s = lx->s;
    size_t i = lx->i, end = line_end(s, lx->len, i);
    while (i < end && blank_char(s[i]))
        i++;
    struct md_slice t = md_slice_of(s + i, end - i);
    if (md_slice_istarts(t, ">>")) {
        lx->i = i + 2;
    } else if (md_slice_istarts(t, "PS>")) {
        lx->i = i + 3;
    } else if (md_slice_istarts(t, "PS ")) {
        const char *gt = memchr(t.ptr, '>', t.len < 300 ? t.len : 300);
        if (gt && !memchr(t.ptr, '"', (size_t)(gt - t.ptr)) &&
            !memchr(t.ptr, '\'', (size_t)(gt - t.ptr)))
            lx->i = (size_t)(gt - s) + 1;
    }
}

/* A quoted string at lx->i: PowerShell doubles a quote inside it, and a
 * backtick escapes in double quotes. */
static void
lex_string(struct lexer *lx, struct tok *t)
{
    const char *s = lx->s;
    char q = s[lx->i];
    size_t j = lx->i + 1;
    t->kind = TK_STR;
    t->vfrom = j;
    t->open = true;
    while (j < lx->len) {
        if (q == '"' && s[j] == '`' && j + 1 < lx->len) {
            j += 2;
            continue;
        }
        if (s[j] == q) {
            if (j + 1 < lx->len && s[j + 1] == q) {
                j += 2;
                continue;
            }
            t->open = false;
            break;
        }
        j++;
    }
    t->vto = j;
    t->to = j < lx->len ? j + 1 : j;
    count_lines(lx, lx->i, t->to);
    lx->i = t->to;
}

/* Does a here-string open at i (@' or @" ending its line)? */
static bool
here_opens(const struct lexer *lx, size_t i)
{
    const char *s = lx->s;
    if (i + 1 >= lx->len || s[i] != '@' ||
        (s[i + 1] != '\'' && s[i + 1] != '"'))
        return false;
    for (size_t k = i + 2; k < lx->len && s[k] != '\n'; k++)
        if (!blank_char(s[k]))
            return false;
    return true;
}

/* Does a line that starts at p close a here-string opened with quote q
 * (q@ at its start, or after the ">>" a transcript shows continued input
 * with)? Where the terminator is, in *at. */
static bool
here_closes(const struct lexer *lx, size_t p, char q, size_t *at)
{
    const char *s = lx->s;
    if (p + 2 < lx->len && s[p] == '>' && s[p + 1] == '>')
        for (p += 2; p < lx->len && s[p] == ' ';)
            p++;
    *at = p;
    return p + 1 < lx->len && s[p] == q && s[p + 1] == '@';
}

/* A here-string: its body runs from the next line to the line that starts
 * with the quote and '@'. */
static void
lex_here(struct lexer *lx, struct tok *t)
{
    const char *s = lx->s;
    char q = s[lx->i + 1];
    size_t body = line_end(s, lx->len, lx->i);
    body = body < lx->len ? body + 1 : body;
    t->kind = TK_HERE;
    t->ch = q;
    t->vfrom = body;
    t->open = true;
    size_t p = body, at = body;
    while (p < lx->len) {
        if (here_closes(lx, p, q, &at)) {
            t->open = false;
            break;
        }
        size_t e = line_end(s, lx->len, p);
        p = e < lx->len ? e + 1 : e;
    }
    /* The line break before the terminator is not the body's. */
    size_t vto = p;
    if (!t->open && vto > body && s[vto - 1] == '\n')
        vto--;
    if (!t->open && vto > body && s[vto - 1] == '\r')
        vto--;
    t->vto = vto;
    t->to = t->open ? lx->len : at + 2;
    count_lines(lx, lx->i, t->to);
    lx->i = t->to;
}

/* A bare word: up to a blank or a separator, @{, @( or a backtick that
 * continues the line. */
static void
lex_word(struct lexer *lx, struct tok *t)
{
    const char *s = lx->s;
    size_t j = lx->i;
    t->kind = TK_WORD;
    while (j < lx->len) {
        char c = s[j], d = j + 1 < lx->len ? s[j + 1] : '\0';
        if (j > lx->i && ((cls[(unsigned char)c] & C_STOP) ||
                          (c == '@' && (d == '{' || d == '(')) ||
                          (c == '`' && (d == '\n' || d == '\r'))))
            break;
        if (c == '\'' || c == '"') { /* -ProxyServer:'http://p' */
            struct tok q;
            size_t save = lx->i;
            lx->i = j;
            lex_string(lx, &q);
            j = lx->i;
            lx->i = save;
            continue;
        }
        j += c == '`' && d ? 2 : 1;
    }
    t->to = j;
    lx->i = j;
}

/* $name, ${name}: the name without a scope (script:, global:, ...). A
 * "${" never closed on its line is a word to the line's end (so that a
 * line of them is read once). */
static void
lex_var(struct lexer *lx, struct tok *t)
{
    const char *s = lx->s;
    size_t j = lx->i + 1, from, to;
    if (j < lx->len && s[j] == '{') {
        size_t end = line_end(s, lx->len, j);
        const char *close = memchr(s + j, '}', end - j);
        if (!close) {
            t->kind = TK_WORD;
            t->to = lx->i = end;
            return;
        }
        from = j + 1;
        to = (size_t)(close - s);
        j = to + 1;
    } else {
        from = j;
        while (j < lx->len && (ident_char(s[j]) || s[j] == ':'))
            j++;
        to = j;
        if (to == from) {
            lex_word(lx, t); /* a lone '$' */
            return;
        }
    }
    static const char *const scopes[] = {
        "script:", "global:", "local:", "private:", "using:"};
    for (size_t k = 0; k < sizeof scopes / sizeof scopes[0]; k++)
        if (md_slice_istarts(md_slice_of(s + from, to - from), scopes[k]))
            from += strlen(scopes[k]);
    t->kind = TK_VAR;
    t->vfrom = from;
    t->vto = to;
    t->to = j;
    lx->i = j;
}

/* A token of n bytes; ch is its last ('(' of "$("). */
static void
simple(struct lexer *lx, struct tok *t, enum tkind k, size_t n)
{
    t->kind = k;
    t->ch = lx->s[lx->i + n - 1];
    t->to = lx->i + n;
    lx->i += n;
}

/* The next token; false at the end of the text. */
static bool
lex(struct lexer *lx, struct tok *t)
{
    const char *s = lx->s;
    lx->blank = false;
    while (lx->i < lx->len) {
        if (lx->line_start) {
            lx->line_start = false;
            skip_prompt(lx);
            continue;
        }
        size_t i = lx->i;
        char c = s[i], d = i + 1 < lx->len ? s[i + 1] : '\0';
        bool skipped = true;
        if (blank_char(c)) {
            lx->i++;
        } else if (c == '`' && (d == '\n' || (d == '\r' && i + 2 < lx->len &&
                                              s[i + 2] == '\n'))) {
            lx->i = line_end(s, lx->len, i) + 1; /* continued */
            lx->line++;
            lx->line_start = true;
        } else if (c == '#') {
            lx->i = line_end(s, lx->len, i);
        } else if (c == '<' && d == '#') {
            const char *end = memmem(s + i + 2, lx->len - i - 2, "#>", 2);
            size_t to = end ? (size_t)(end - s) + 2 : lx->len;
            count_lines(lx, i, to);
            lx->i = to;
        } else {
            skipped = false;
        }
        if (skipped) {
            lx->blank = true;
            continue;
        }
        *t = (struct tok){.from = i};
        t->line = lx->line;
        t->glued = !lx->blank;
        if (c == '\n') {
            simple(lx, t, TK_SEP, 1);
            lx->line++;
            lx->line_start = true;
            return true;
        }
        if (c == '$' && d != '(')
            lex_var(lx, t);
        else if (c == '\'' || c == '"')
            lex_string(lx, t);
        else if (here_opens(lx, i))
            lex_here(lx, t);
        else if (c == '@' && d == '{')
            simple(lx, t, TK_HASH, 2);
        else if ((c == '@' || c == '$') && d == '(')
            simple(lx, t, TK_OPEN, 2); /* @( and $( open as ( does */
        else if (c == '(' || c == '{')
            simple(lx, t, TK_OPEN, 1);
        else if (c == ')' || c == '}')
            simple(lx, t, TK_CLOSE, 1);
        else if (c == ';' || (c == '|' && d != '|'))
            simple(lx, t, TK_SEP, 1);
        else if ((c == '|' && d == '|') || (c == '&' && d == '&'))
            simple(lx, t, TK_SEP, 2);
        else if (c == ',')
            simple(lx, t, TK_COMMA, 1);
        else if (c == '=' && d != '=')
            simple(lx, t, TK_EQ, 1);
        else if (c && strchr("+-*/%", c) && d == '=') {
            simple(lx, t, TK_EQ, 2);
            t->ch = c; /* not a plain '=' */
        } else
            lex_word(lx, t);
        return true;
    }
    return false;
}

/* ---- what the file says ------------------------------------------------ */

enum ekind {
    EV_ASSIGN, /* $v = something (literals: its strings) */
    EV_TABLE,  /* $v = @{...} */
    EV_CHANGE, /* $v.X = ..., $v += ..., $v.Add(...) */
};

struct event {
    enum ekind kind;
    size_t vfrom, vto; /* the variable's name in the text */
    uint64_t line;
    size_t table; /* EV_TABLE: index in tables */
};

/* A string assigned to a variable, or a hashtable's password. */
struct literal {
    size_t vfrom, vto; /* the value in the text (a here-string's body) */
    size_t var;        /* index in events, or SIZE_MAX: a password */
    bool here;
    bool plain; /* a password ConvertTo-SecureString -AsPlainText reads */
    size_t at;  /* where the string (or here-string) starts */
    uint64_t line;
};

/* A variable that feeds a password, and what reads it: MP020's "what"
 * ("ConvertTo-SecureString -AsPlainText"). */
struct feed {
    size_t vfrom, vto;
    const char *what;
};

static const char SECURE[] = "ConvertTo-SecureString -AsPlainText";

struct entry {
    size_t kfrom, kto; /* the key (a word, or a string's text) */
    size_t vfrom, vto; /* the value as written */
};

struct table {
    size_t from, to; /* the assignment, blank for the parser */
    uint64_t line;
    struct entry *e;
    size_t n;
    const char *why; /* not simple: why */
};

/* A change to the text the parser reads. */
enum xkind { X_HERE, X_BLANK, X_MASK };

struct edit {
    enum xkind kind;
    size_t from, to;
    char quote;    /* X_HERE */
    bool assigned; /* X_HERE: the value of an assignment */
};

struct reader {
    struct md_arena *a;
    const char *s;
    size_t len;
    size_t max_events;
    bool over;
    struct event *ev;
    size_t nev, capev;
    struct literal *lit;
    size_t nlit, caplit;
    struct feed *fd;
    size_t nfd, capfd;
    struct table *tb;
    size_t ntb, captb;
    struct edit *ed;
    size_t ned, caped;
    struct md_ps_note *notes;
    size_t nnotes, capnotes;
    bool nomem;
    /* secrets masked wherever they occur */
    struct md_slice *sec;
    size_t nsec, capsec;
    size_t *plain; /* the literals of md_ps_script.plain */
};

/* arr (n elements) with room for one more, or NULL (r says why). */
static void *
room(struct reader *r, void *arr, size_t n, size_t *cap, size_t size)
{
    if (n >= r->max_events) {
        r->over = true;
        return NULL;
    }
    if (n < *cap)
        return arr;
    size_t ncap = *cap ? 2 * *cap : 16;
    void *p = realloc(arr, ncap * size);
    if (!p) {
        r->nomem = true;
        return NULL;
    }
    *cap = ncap;
    return p;
}

static bool
tok_ieq(const struct reader *r, const struct tok *t, const char *lit)
{
    return md_slice_ieq(md_slice_of(r->s + t->from, t->to - t->from), lit);
}

static bool
tok_istarts(const struct reader *r, const struct tok *t, const char *lit)
{
    return md_slice_istarts(md_slice_of(r->s + t->from, t->to - t->from), lit);
}

static bool
same_name(const char *s, size_t af, size_t at, size_t bf, size_t bt)
{
    return at - af == bt - bf && md_strncasecmp(s + af, s + bf, at - af) == 0;
}

static bool
is_constant(const struct reader *r, const struct tok *t)
{
    struct md_slice v = md_slice_of(r->s + t->vfrom, t->vto - t->vfrom);
    return md_slice_ieq(v, "true") || md_slice_ieq(v, "false") ||
           md_slice_ieq(v, "null");
}

static void
add_event(struct reader *r, enum ekind k, const struct tok *var, uint64_t line)
{
    struct event *p = room(r, r->ev, r->nev, &r->capev, sizeof *p);
    if (!p)
        return;
    r->ev = p;
    r->ev[r->nev++] = (struct event){k, var->vfrom, var->vto, line, SIZE_MAX};
}

static void
add_literal(struct reader *r, const struct tok *t, size_t var, bool plain)
{
    struct literal *p = room(r, r->lit, r->nlit, &r->caplit, sizeof *p);
    if (!p)
        return;
    r->lit = p;
    r->lit[r->nlit++] = (struct literal){
        t->vfrom, t->vto, var, t->kind == TK_HERE, plain, t->from, t->line};
}

static void
add_feed(struct reader *r, const struct tok *var, const char *what)
{
    if (var->kind != TK_VAR || is_constant(r, var))
        return;
    struct feed *p = room(r, r->fd, r->nfd, &r->capfd, sizeof *p);
    if (!p)
        return;
    r->fd = p;
    r->fd[r->nfd++] = (struct feed){var->vfrom, var->vto, what};
}

static void
add_edit(struct reader *r, enum xkind k, size_t from, size_t to, char quote,
         bool assigned)
{
    struct edit *p = room(r, r->ed, r->ned, &r->caped, sizeof *p);
    if (!p)
        return;
    r->ed = p;
    r->ed[r->ned++] = (struct edit){k, from, to, quote, assigned};
}

static void
add_note(struct reader *r, uint64_t line, bool understood, const char *reason,
         const char *text)
{
    struct md_ps_note *p =
        room(r, r->notes, r->nnotes, &r->capnotes, sizeof *p);
    if (!p)
        return;
    r->notes = p;
    r->notes[r->nnotes++] = (struct md_ps_note){line, understood, reason, text};
}

static bool
looks_secret(const char *s, size_t len)
{
    static const char *const words[] = {"password", "passwd", "pwd"};
    return md_slice_ifind_any(md_slice_of(s, len), words, 3);
}

/* The end of the statement that starts at k: the next separator outside
 * brackets, or a bracket closing one opened before k. */
static size_t
stmt_end(const struct tok *t, size_t n, size_t k)
{
    int depth = 0;
    for (size_t j = k; j < n; j++) {
        if (t[j].kind == TK_OPEN || t[j].kind == TK_HASH)
            depth++;
        else if (t[j].kind == TK_CLOSE && --depth < 0)
            return j;
        else if (t[j].kind == TK_SEP && depth == 0)
            return j;
    }
    return n;
}

/* The bracket closing the one at k, or n. */
static size_t
closing(const struct tok *t, size_t n, size_t k)
{
    int depth = 0;
    for (size_t j = k; j < n; j++) {
        if (t[j].kind == TK_OPEN || t[j].kind == TK_HASH)
            depth++;
        else if (t[j].kind == TK_CLOSE && --depth == 0)
            return j;
    }
    return n;
}

/* Is t[a..b) a value a splat can pass on as written: a string (or a list
 * of strings), a number, a variable? */
static bool
plain_value(const struct reader *r, const struct tok *t, size_t a, size_t b)
{
    if (b == a + 1) {
        if (t[a].kind == TK_STR || t[a].kind == TK_VAR)
            return !t[a].open;
        if (t[a].kind != TK_WORD)
            return false;
        for (size_t k = t[a].from; k < t[a].to; k++)
            if (!((r->s[k] >= '0' && r->s[k] <= '9') || r->s[k] == '.'))
                return false;
        return true;
    }
    for (size_t k = a; k < b; k++)
        if ((k - a) % 2 ? t[k].kind != TK_COMMA
                        : t[k].kind != TK_STR || t[k].open)
            return false;
    return b > a && (b - a) % 2 == 1;
}

/* The pairs of the hashtable t[h] (@{) to t[m] (}). */
static void
read_table(struct reader *r, const struct tok *t, size_t h, size_t m,
           struct table *tb)
{
    size_t i = h + 1;
    /* A pair is three tokens at least. */
    tb->e = md_arena_alloc(r->a, ((m - h) / 3 + 1) * sizeof *tb->e);
    if (!tb->e) {
        r->nomem = true;
        return;
    }
    while (i < m && !tb->why) {
        if (t[i].kind == TK_SEP) {
            i++;
            continue;
        }
        const struct tok *key = &t[i];
        size_t e = stmt_end(t, m, i);
        if ((key->kind != TK_WORD && key->kind != TK_STR) || i + 1 >= e ||
            t[i + 1].kind != TK_EQ || t[i + 1].ch != '=') {
            tb->why = "a pair is not NAME = value";
            break;
        }
        size_t kf = key->kind == TK_STR ? key->vfrom : key->from;
        size_t kt = key->kind == TK_STR ? key->vto : key->to;
        bool name = kt > kf;
        for (size_t k = kf; k < kt; k++)
            name = name && ident_char(r->s[k]);
        if (!name) {
            tb->why = "a key is not a parameter name";
            break;
        }
        bool secret = looks_secret(r->s + kf, kt - kf);
        if (secret && e == i + 3)
            add_feed(r, &t[i + 2], "a hashtable's password");
        if (secret && e == i + 3 && t[i + 2].kind == TK_STR)
            add_literal(r, &t[i + 2], SIZE_MAX, false);
        if (!plain_value(r, t, i + 2, e)) {
            tb->why =
                md_arena_printf(r->a,
                                "the value of '%.*s' is not a plain "
                                "string, number or variable",
                                (int)(kt - kf > 64 ? 64 : kt - kf), r->s + kf);
            break;
        }
        tb->e[tb->n++] = (struct entry){kf, kt, t[i + 2].from, t[e - 1].to};
        i = e;
    }
}

/* $v = ...: t[k] is the variable, t[k + 2] the value. */
static void
assignment(struct reader *r, const struct tok *t, size_t n, size_t start,
           size_t k)
{
    size_t v = k + 2, end = stmt_end(t, n, v);
    while (v < end && t[v].kind == TK_WORD && r->s[t[v].from] == '[')
        v++; /* [ordered] */
    if (v < end && t[v].kind == TK_HASH) {
        size_t m = closing(t, n, v);
        struct table *tbs =
            m < n ? room(r, r->tb, r->ntb, &r->captb, sizeof *tbs) : NULL;
        if (tbs) {
            r->tb = tbs;
            struct table *tb = &r->tb[r->ntb];
            *tb = (struct table){t[start].from, t[m].to, t[start].line,
                                 NULL,          0,       NULL};
            read_table(r, t, v, m, tb);
            add_event(r, EV_TABLE, &t[k], t[k].line);
            if (!r->over && !r->nomem) {
                r->ev[r->nev - 1].table = r->ntb++;
                add_edit(r, X_BLANK, t[start].from, t[m].to, 0, false);
            }
            return;
        }
    }
    add_event(r, EV_ASSIGN, &t[k], t[k].line);
    /* Its strings are its value when it is made of strings (joined with
     * '+', variables among them), not when it is a command's output
     * (Read-Host -Prompt 'Proxy password'). */
    bool literal = v < end && t[v].kind != TK_WORD;
    for (size_t j = v; j < end; j++)
        literal = literal && (t[j].kind == TK_STR || t[j].kind == TK_HERE ||
                              t[j].kind == TK_VAR ||
                              (t[j].kind == TK_WORD && tok_ieq(r, &t[j], "+")));
    for (size_t j = v; literal && !r->over && !r->nomem && j < end; j++)
        if (t[j].kind == TK_STR || t[j].kind == TK_HERE)
            add_literal(r, &t[j], r->nev - 1, false);
}

/* A statement that starts at t[k]. */
static void
statement(struct reader *r, const struct tok *t, size_t n, size_t k)
{
    size_t j = k;
    while (j < n && t[j].kind == TK_WORD && r->s[t[j].from] == '[')
        j++; /* [string]$v = ... */
    if (j + 1 >= n || t[j].kind != TK_VAR)
        return;
    if (t[j + 1].kind == TK_EQ && t[j + 1].ch == '=') {
        assignment(r, t, n, k, j);
        return;
    }
    if (t[j + 1].kind == TK_EQ) {
        add_event(r, EV_CHANGE, &t[j], t[j].line); /* $v += ... */
        return;
    }
    /* $v.X = ..., $v['X'] = ... */
    size_t end = stmt_end(t, n, j);
    if (t[j + 1].kind == TK_WORD && t[j + 1].glued &&
        (r->s[t[j + 1].from] == '.' || r->s[t[j + 1].from] == '['))
        for (size_t m = j + 2; m < end; m++)
            if (t[m].kind == TK_EQ)
                add_event(r, EV_CHANGE, &t[j], t[j].line);
}

/* ConvertTo-SecureString at t[k]: with -AsPlainText, its string and the
 * variables among its arguments (and one piped into it) are a password in
 * plain text. */
static void
secure_string(struct reader *r, const struct tok *t, size_t n, size_t k)
{
    /* Its arguments: a window bounds the work on hostile input. */
    size_t end = stmt_end(t, n - k > SECURE_ARGS ? k + SECURE_ARGS : n, k + 1);
    bool plain = false;
    for (size_t j = k + 1; j < end; j++)
        plain = plain || (t[j].kind == TK_WORD && tok_istarts(r, &t[j], "-as"));
    if (!plain)
        return;
    for (size_t j = k + 1; j < end; j++) {
        if (t[j].kind == TK_VAR)
            add_feed(r, &t[j], SECURE);
        else if (t[j].kind == TK_STR || t[j].kind == TK_HERE)
            add_literal(r, &t[j], SIZE_MAX, true);
    }
    if (k >= 2 && t[k - 1].kind == TK_SEP && t[k - 1].ch == '|')
        add_feed(r, &t[k - 2], SECURE);
}

/* One statement's tokens (and what it holds in brackets). */
static void
unit(struct reader *r, const struct tok *t, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        if (k == 0 || t[k - 1].kind == TK_SEP ||
            (t[k - 1].kind == TK_OPEN && t[k - 1].ch == '{') ||
            (t[k - 1].kind == TK_CLOSE && t[k - 1].ch == '}'))
            statement(r, t, n, k);
        char c0 = r->s[t[k].from] | 0x20;
        if (t[k].kind == TK_WORD && c0 == 'c' &&
            tok_ieq(r, &t[k], "ConvertTo-SecureString"))
            secure_string(r, t, n, k);
        else if (t[k].kind == TK_WORD && (c0 == '-' || c0 == '/') &&
                 k + 1 < n &&
                 (tok_istarts(r, &t[k], "-ProxyPa") ||
                  tok_ieq(r, &t[k], "/pw")))
            add_feed(r, &t[k + 1],
                     c0 == '/' ? "installer (/pw)"
                               : "Set-OBMachineSetting (-ProxyPassword)");
        else if (t[k].kind == TK_VAR && k + 1 < n && t[k + 1].glued &&
                 t[k + 1].kind == TK_WORD &&
                 (tok_istarts(r, &t[k + 1], ".Add") ||
                  tok_istarts(r, &t[k + 1], ".Remove") ||
                  tok_istarts(r, &t[k + 1], ".Clear") ||
                  tok_istarts(r, &t[k + 1], ".set_Item")))
            add_event(r, EV_CHANGE, &t[k], t[k].line);
        else if (t[k].kind == TK_HERE)
            add_edit(r, X_HERE, t[k].from, t[k].to, t[k].ch,
                     k > 0 && t[k - 1].kind == TK_EQ);
        if (t[k].kind == TK_HERE && t[k].open)
            add_note(r, t[k].line, false,
                     "here-string never closed: PowerShell refuses the "
                     "script, and the rest of the file is its text",
                     NULL);
    }
}

/* ---- the text the parser reads ----------------------------------------- */

/* Is s[i..) a secret? Its length, the longest one. */
static size_t
secret_at(const struct reader *r, const char *s, size_t i, size_t end)
{
    size_t best = 0;
    for (size_t k = 0; k < r->nsec; k++) {
        size_t l = r->sec[k].len;
        if (l > best && l <= end - i && !memcmp(s + i, r->sec[k].ptr, l))
            best = l;
    }
    return best;
}

/* Append p[0..n) to out; a failure is remembered (the text would be
 * cut). */
static void
put(struct reader *r, struct md_buf *out, const char *p, size_t n)
{
    if (md_buf_add(out, p, n) != MD_OK)
        r->nomem = true;
}

/* Append s[from..to) with every secret masked. Secrets are few: each is
 * looked for by its first byte. */
static void
copy_masked(struct reader *r, struct md_buf *out, size_t from, size_t to)
{
    const char *s = r->s;
    if (!r->nsec) {
        put(r, out, s + from, to - from);
        return;
    }
    bool first[256] = {false};
    for (size_t k = 0; k < r->nsec; k++)
        first[(unsigned char)r->sec[k].ptr[0]] = true;
    size_t done = from;
    for (size_t i = from; i < to;) {
        size_t l = first[(unsigned char)s[i]] ? secret_at(r, s, i, to) : 0;
        if (!l) {
            i++;
            continue;
        }
        put(r, out, s + done, i - done);
        put(r, out, MASK, 8);
        i += l;
        done = i;
    }
    put(r, out, s + done, to - done);
}

static void
add_newlines(struct reader *r, struct md_buf *out, size_t from, size_t to)
{
    for (size_t k = from; k < to; k++)
        if (r->s[k] == '\n')
            put(r, out, "\n", 1);
}

static int
edit_cmp(const void *a, const void *b)
{
    const struct edit *x = a, *y = b;
    return x->from < y->from ? -1 : x->from > y->from;
}

/* s[from..to) with the edits inside it applied (the hashtable blanks
 * only when blank_tables) and secrets masked. */
static void
render(struct reader *r, struct md_buf *out, size_t from, size_t to,
       bool blank_tables)
{
    size_t pos = from, lo = 0, hi = r->ned;
    while (lo < hi) { /* the first edit at or after from */
        size_t mid = lo + (hi - lo) / 2;
        if (r->ed[mid].from < from)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t k = lo; k < r->ned && r->ed[k].from < to; k++) {
        const struct edit *e = &r->ed[k];
        if (e->from < pos || e->to > to)
            continue; /* overlapping one before, or going past to */
        if (e->kind == X_BLANK && !blank_tables)
            continue;
        copy_masked(r, out, pos, e->from);
        if (e->kind == X_MASK) {
            put(r, out, MASK, 8);
        } else if (e->kind == X_HERE) {
            if (md_buf_printf(out, "%s@%c…%c@%s", e->assigned ? "" : "$(",
                              e->quote, e->quote,
                              e->assigned ? "" : ")") != MD_OK)
                r->nomem = true;
            add_newlines(r, out, e->from, e->to);
        } else {
            add_newlines(r, out, e->from, e->to);
        }
        pos = e->to;
    }
    copy_masked(r, out, pos, to);
}

/* ---- secrets ------------------------------------------------------------- */

static void
add_secret(struct reader *r, size_t from, size_t to)
{
    /* Too short to look for, or too many to look for at every byte:
     * masked where it is. */
    if (to - from < 4 || r->nsec == MAX_SECRETS) {
        if (to > from)
            add_edit(r, X_MASK, from, to, 0, false);
        return;
    }
    struct md_slice *p = room(r, r->sec, r->nsec, &r->capsec, sizeof *p);
    if (!p)
        return;
    r->sec = p;
    r->sec[r->nsec++] = md_slice_of(r->s + from, to - from);
}

/* A literal's secret: a string's text, or each line of a here-string. */
static void
literal_secret(struct reader *r, const struct literal *l)
{
    if (!l->here) {
        add_secret(r, l->vfrom, l->vto);
        return;
    }
    for (size_t p = l->vfrom; p < l->vto;) {
        size_t e = line_end(r->s, l->vto, p);
        size_t t = e > p && r->s[e - 1] == '\r' ? e - 1 : e;
        struct md_slice line = md_slice_trim(md_slice_of(r->s + p, t - p));
        if (line.len)
            add_secret(r, (size_t)(line.ptr - r->s),
                       (size_t)(line.ptr - r->s) + line.len);
        p = e + 1;
    }
}

/* Is offset i in a hashtable assignment (which the parser gets empty)? */
static bool
in_table(const struct reader *r, size_t i)
{
    for (size_t k = 0; k < r->ntb; k++)
        if (r->tb[k].from <= i && i < r->tb[k].to)
            return true;
    return false;
}

static const struct feed *
feeds(const struct reader *r, const struct event *v)
{
    const struct feed *hit = NULL;
    for (size_t k = 0; k < r->nfd; k++)
        if (same_name(r->s, r->fd[k].vfrom, r->fd[k].vto, v->vfrom, v->vto) &&
            (!hit || r->fd[k].what == SECURE))
            hit = &r->fd[k];
    return hit;
}

/* Mask what feeds a password; list the plaintext passwords the parser
 * does not see (a variable's, one in a hashtable). */
static void
secrets(struct reader *r, struct md_ps_script *ps)
{
    for (size_t k = 0; k < r->nlit; k++) {
        const struct literal *l = &r->lit[k];
        const struct event *v = l->var == SIZE_MAX ? NULL : &r->ev[l->var];
        const struct feed *f = v ? feeds(r, v) : NULL;
        if (v && !f)
            continue;
        literal_secret(r, l);
        /* The parser sees a literal given to ConvertTo-SecureString
         * itself, unless it is in a hashtable it never reads. */
        const char *what = f                                   ? f->what
                           : l->plain && in_table(r, l->vfrom) ? SECURE
                                                               : NULL;
        if (!what || l->vto == l->vfrom ||
            (ps->nplain && ps->plain[ps->nplain - 1].line == l->line))
            continue;
        struct md_ps_note *p = realloc(ps->plain, (ps->nplain + 1) * sizeof *p);
        size_t *at = realloc(r->plain, (ps->nplain + 1) * sizeof *at);
        ps->plain = p ? p : ps->plain;
        r->plain = at ? at : r->plain;
        if (!p || !at) {
            r->nomem = true;
            return;
        }
        p[ps->nplain] = (struct md_ps_note){l->line, false, what, NULL};
        at[ps->nplain++] = l->at;
    }
}

/* ---- hashtables, as parameters -------------------------------------------
 */

/* A text for people: runs of blanks with a line break become one space. */
static const char *
one_line(struct md_arena *a, const struct md_buf *b)
{
    char *out = md_arena_alloc(a, b->len + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < b->len;) {
        size_t j = i;
        bool nl = false;
        for (; j < b->len && (blank_char(b->ptr[j]) || b->ptr[j] == '\n'); j++)
            nl |= b->ptr[j] == '\n';
        if (nl) {
            out[o++] = ' ';
            i = j;
        } else {
            out[o++] = b->ptr[i++];
        }
    }
    while (o && blank_char(out[o - 1]))
        o--;
    out[o] = '\0';
    while (blank_char(out[0])) {
        out++;
        o--;
    }
    char *masked = md_arena_alloc(a, o + 1);
    if (!masked)
        return NULL;
    masked[md_redact(out, o, masked)] = '\0';
    return masked;
}

static void
tables(struct reader *r, struct md_ps_script *ps)
{
    ps->tables = calloc(r->ntb ? r->ntb : 1, sizeof *ps->tables);
    if (!ps->tables) {
        r->nomem = true;
        return;
    }
    struct md_buf b = MD_BUF_INIT(0);
    for (size_t k = 0; k < r->ntb; k++) {
        const struct table *tb = &r->tb[k];
        struct md_ps_table *out = &ps->tables[k];
        out->why = tb->why;
        md_buf_reset(&b);
        for (size_t i = 0; !tb->why && i < tb->n; i++) {
            const struct entry *e = &tb->e[i];
            if (md_buf_printf(&b, "%s-%.*s:", i ? " " : "",
                              (int)(e->kto - e->kfrom),
                              r->s + e->kfrom) != MD_OK)
                r->nomem = true;
            render(r, &b, e->vfrom, e->vto, true);
        }
        if (!tb->why)
            out->args = md_arena_strndup(r->a, b.ptr ? b.ptr : "", b.len);
        md_buf_reset(&b);
        render(r, &b, tb->from, tb->to, false);
        add_note(r, tb->line, true,
                 "assigns a hashtable (commands that splat it are reviewed "
                 "with its values)",
                 one_line(r->a, &b));
    }
    md_buf_free(&b);
}

/* The line of each plaintext password, as the file has it (a hashtable
 * included), passwords masked. */
static void
plain_texts(struct reader *r, struct md_ps_script *ps)
{
    struct md_buf b = MD_BUF_INIT(0);
    for (size_t k = 0; k < ps->nplain; k++) {
        size_t from = r->plain[k];
        while (from > 0 && r->s[from - 1] != '\n')
            from--;
        md_buf_reset(&b);
        render(r, &b, from, line_end(r->s, r->len, r->plain[k]), false);
        ps->plain[k].text = one_line(r->a, &b);
    }
    md_buf_free(&b);
}

/* ---- reading ---------------------------------------------------------- */

static void
reader_free(struct reader *r)
{
    free(r->ev);
    free(r->lit);
    free(r->fd);
    free(r->tb);
    free(r->ed);
    free(r->sec);
    free(r->plain);
}

/* Read the whole text one statement at a time: a statement ends at a
 * separator outside parentheses and hashtables (a script block's braces
 * end one too, so that a long if block is many). */
static enum md_status
read_units(struct reader *r, struct lexer *lx, uint64_t *long_line)
{
    size_t cap = 256, n = 0;
    struct tok *t = malloc(cap * sizeof *t);
    char stack[MAX_STACK];
    size_t depth = 0;
    if (!t)
        return MD_ERR_NOMEM;
    struct tok k;
    bool more = true;
    while (more && !r->over && !r->nomem) {
        more = lex(lx, &k);
        bool end = !more;
        if (more) {
            if (n == cap) {
                if (cap == MAX_UNIT_TOKENS) {
                    *long_line = t[0].line;
                    free(t);
                    return MD_ERR_LIMIT;
                }
                struct tok *nt = realloc(t, 2 * cap * sizeof *t);
                if (!nt) {
                    free(t);
                    return MD_ERR_NOMEM;
                }
                t = nt;
                cap *= 2;
            }
            t[n++] = k;
            char top = depth && depth <= MAX_STACK ? stack[depth - 1] : 0;
            if (k.kind == TK_OPEN || k.kind == TK_HASH) {
                if (depth < MAX_STACK)
                    stack[depth] = k.kind == TK_HASH ? '@' : k.ch;
                depth++;
                end = k.kind == TK_OPEN && k.ch == '{';
            } else if (k.kind == TK_CLOSE) {
                depth -= depth > 0;
                end = top == '{' || top == 0;
            } else if (k.kind == TK_SEP && k.ch != '|') {
                end = top != '(' && top != '@';
            }
        }
        if (end && n) {
            unit(r, t, n);
            n = 0;
        }
    }
    free(t);
    return r->nomem ? MD_ERR_NOMEM : MD_OK;
}

enum md_status
md_ps_read(struct md_arena *a, const char *s, size_t len,
           const struct md_limits *lim, struct md_ps_script *ps, char *err,
           size_t errlen)
{
    memset(ps, 0, sizeof *ps);
    /* Here-strings, hashtables and splats start with '@', variables with
     * '$': without them there is nothing to do, and a megabyte flood of
     * statements costs nothing more. */
    if (!s || (!memchr(s, '@', len) && !memchr(s, '$', len))) {
        ps->unchanged = true;
        return MD_OK;
    }
    struct reader r = {.a = a, .s = s, .len = len};
    r.max_events = (size_t)lim->change_records * 2;
    struct lexer lx = {.s = r.s, .len = r.len, .line = 1, .line_start = true};
    uint64_t long_line = 0;
    enum md_status st = read_units(&r, &lx, &long_line);
    if (st == MD_ERR_LIMIT)
        snprintf(err, errlen,
                 "the statement at line %llu has more than %d words and "
                 "symbols",
                 (unsigned long long)long_line, MAX_UNIT_TOKENS);
    if (st == MD_OK && !r.over) {
        secrets(&r, ps);
        if (r.ned)
            qsort(r.ed, r.ned, sizeof *r.ed, edit_cmp);
        tables(&r, ps);
        plain_texts(&r, ps);
        render(&r, &ps->text, 0, r.len, true);
    }
    if (st == MD_OK && r.over) {
        st = MD_ERR_LIMIT;
        snprintf(err, errlen,
                 "more than %zu assignments and variables (2 for each "
                 "statement of limit 'change_records' (%llu))",
                 r.max_events, (unsigned long long)lim->change_records);
    }
    if (st == MD_OK && r.nomem)
        st = MD_ERR_NOMEM;
    ps->events = calloc(r.nev ? r.nev : 1, sizeof *ps->events);
    if (!ps->events && st == MD_OK)
        st = MD_ERR_NOMEM;
    for (size_t k = 0; ps->events && k < r.nev; k++) {
        struct md_ps_event *e = &ps->events[k];
        e->var = md_arena_strndup(a, r.s + r.ev[k].vfrom,
                                  r.ev[k].vto - r.ev[k].vfrom);
        e->line = r.ev[k].line;
        e->table = r.ev[k].kind == EV_TABLE ? r.ev[k].table : SIZE_MAX;
        e->change = r.ev[k].kind == EV_CHANGE;
    }
    ps->nevents = r.nev;
    ps->notes = r.notes;
    ps->nnotes = r.nnotes;
    if (st == MD_OK && !ps->text.ptr)
        st = md_buf_add(&ps->text, "", 0);
    reader_free(&r);
    return st;
}

void
md_ps_free(struct md_ps_script *ps)
{
    md_buf_free(&ps->text);
    free(ps->notes);
    free(ps->tables);
    free(ps->events);
    free(ps->plain);
    memset(ps, 0, sizeof *ps);
}

const char *
md_ps_splat(const struct md_ps_script *ps, struct md_arena *a, const char *name,
            size_t len, uint64_t line, const char **why)
{
    const struct md_ps_event *last = NULL;
    bool changed = false;
    for (size_t k = 0; k < ps->nevents; k++) {
        const struct md_ps_event *e = &ps->events[k];
        if (e->line > line || strlen(e->var) != len ||
            md_strncasecmp(e->var, name, len))
            continue;
        if (e->change) {
            changed = last != NULL;
            continue;
        }
        last = e;
        changed = false;
    }
    if (!last) {
        *why = md_arena_printf(a, "no hashtable is assigned to $%.*s before it",
                               (int)len, name);
        return NULL;
    }
    if (last->table == SIZE_MAX) {
        *why = md_arena_printf(a, "$%.*s is not assigned a hashtable there",
                               (int)len, name);
        return NULL;
    }
    if (changed) {
        *why = md_arena_printf(a, "$%.*s is changed after it is assigned",
                               (int)len, name);
        return NULL;
    }
    const struct md_ps_table *tb = &ps->tables[last->table];
    *why = tb->why;
    return tb->args;
}
