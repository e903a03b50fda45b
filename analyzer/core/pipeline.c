/*
 * A text entry through its parser: sniff (bids on name and first bytes),
 * decode to UTF-8 once, split into lines, feed the winning parser.
 * DESIGN §1 stages 2-4.
 */
#include <string.h>

#include "marsdiag/decode.h"
#include "parser.h"
#include "walk.h"

#define HEAD_BYTES 4096

struct feed {
    struct md_walk *w;
    struct md_parse_ctx *ctx;
    const struct md_parser *p;
    void *state;
    struct md_buf carry;    /* a line cut by the end of a chunk */
    bool overlong;          /* the current line passed 'line_bytes' */
    bool skip_lf;           /* a chunk ended in CR: an LF next is its pair */
    uint64_t overlong_line; /* its number */
    enum md_status stop;    /* non-OK once the parser asked to stop */
};

static const char *
base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static const struct md_parser *
choose(const struct md_sniff *sn, int *best_bid)
{
    const struct md_parser *best = NULL;
    *best_bid = 0;
    for (size_t i = 0; i < md_nparsers; i++) {
        int bid = md_parsers[i]->bid(sn);
        if (bid > *best_bid) {
            *best_bid = bid;
            best = md_parsers[i];
        }
    }
    return best;
}

static void
one_line(struct feed *f, const char *s, size_t len)
{
    if (len && s[len - 1] == '\r')
        len--;
    struct md_parse_ctx *ctx = f->ctx;
    ctx->line++;
    ctx->input->lines++;
    struct md_arena_mark m = md_arena_mark(ctx->scratch);
    enum md_status st = f->p->line(ctx, f->state, s, len);
    md_arena_rewind(ctx->scratch, m);
    if (st != MD_OK)
        f->stop = st;
}

static void
flush_overlong(struct feed *f)
{
    md_parse_diag_at(f->ctx, f->overlong_line, MD_GRADE_WARN, MD_ERR_LIMIT,
                     "line_bytes",
                     "line longer than limit 'line_bytes' (%llu); cut there",
                     (unsigned long long)f->ctx->limits->line_bytes);
    f->overlong = false;
}

/*
 * Where the first line of s ends: LF, CRLF or a lone CR (old Mac text, or
 * mixed endings: what editors also take as a line end). *term gets the
 * length of the terminator, 0 when s holds no complete line.
 */
static size_t
line_end(const char *s, size_t len, size_t *term)
{
    const char *nl = memchr(s, '\n', len);
    size_t seg = nl ? (size_t)(nl - s) : len;
    const char *cr = seg ? memchr(s, '\r', seg) : NULL;
    if (!cr) {
        *term = nl ? 1 : 0;
        return seg;
    }
    size_t at = (size_t)(cr - s);
    *term = nl && at + 1 == seg ? 2 : 1;
    return at;
}

/* Split text into lines; the unfinished tail waits in f->carry. */
static void
feed_lines(struct feed *f, const char *s, size_t len, bool final)
{
    size_t max = (size_t)f->ctx->limits->line_bytes;
    if (f->skip_lf && len) {
        f->skip_lf = false;
        if (s[0] == '\n') {
            s++;
            len--;
        }
    }
    while (len && f->stop == MD_OK) {
        size_t term;
        size_t seg = line_end(s, len, &term);
        if (!f->carry.len && !f->overlong && term && seg <= max) {
            one_line(f, s, seg); /* the common case: no copy */
        } else {
            size_t room = max - f->carry.len;
            if (seg > room && !f->overlong) {
                f->overlong = true;
                f->overlong_line = f->ctx->line + 1;
            }
            md_buf_add(&f->carry, s, seg < room ? seg : room);
            if (term) {
                one_line(f, f->carry.ptr ? f->carry.ptr : "", f->carry.len);
                if (f->overlong)
                    flush_overlong(f);
                md_buf_reset(&f->carry);
            }
        }
        if (!term)
            break;
        /* A CR that ends the chunk may be half of a CRLF cut in two. */
        if (term == 1 && s[seg] == '\r' && seg + 1 == len)
            f->skip_lf = true;
        s += seg + term;
        len -= seg + term;
    }
    if (final && f->stop == MD_OK && (f->carry.len || f->overlong)) {
        one_line(f, f->carry.ptr, f->carry.len);
        if (f->overlong)
            flush_overlong(f);
        md_buf_reset(&f->carry);
    }
}

static void
feed_text(struct feed *f, const char *s, size_t len, bool final)
{
    f->w->b->stats.bytes_text += len;
    if (f->p->line) {
        feed_lines(f, s, len, final);
        return;
    }
    if (!len || f->stop != MD_OK)
        return;
    struct md_arena_mark m = md_arena_mark(f->ctx->scratch);
    enum md_status st = f->p->chunk(f->ctx, f->state, s, len);
    md_arena_rewind(f->ctx->scratch, m);
    if (st != MD_OK)
        f->stop = st;
}

enum md_status
md_pipeline_run(struct md_walk *w, struct md_input *in, struct md_bufsrc *src)
{
    struct md_bundle *b = w->b;
    enum md_status rc = MD_OK;
    ssize_t avail = md_bufsrc_fill(src, HEAD_BYTES);
    size_t head_len = avail > 0 ? (size_t)avail : 0;
    if (head_len > HEAD_BYTES)
        head_len = HEAD_BYTES;
    const unsigned char *head = src->buf + src->pos;

    size_t bom = 0;
    enum md_encoding enc = md_encoding_detect(head, head_len, &bom);
    in->encoding = md_encoding_str(enc);

    /* Decode the head once for bidding. */
    struct md_decoder dec;
    struct md_buf htext = MD_BUF_INIT(0);
    md_decoder_init(&dec, enc);
    md_decode(&dec, head + bom, head_len - bom, false, &htext);
    struct md_sniff sn = {
        .path = in->path,
        .base = base_name(in->path),
        .raw = head,
        .raw_len = head_len,
        .text = htext.ptr ? htext.ptr : "",
        .text_len = htext.len,
        .enc = enc,
    };
    const struct md_parser *p = w->force;
    if (!p) {
        int bid;
        p = choose(&sn, &bid);
    }
    md_buf_free(&htext);
    if (!p)
        return MD_OK; /* skipped: listed with its encoding, not read */

    in->type = p->name;
    struct md_parse_ctx ctx = {
        .input = in,
        .limits = &w->o->limits,
        .arena = &b->arena,
        .scratch = &w->scratch,
        .mtime = in->mtime,
        .emit = w->o->on_evidence,
        .emit_user = w->o->user,
    };
    struct feed f = {.w = w, .ctx = &ctx, .p = p,
                     .carry = MD_BUF_INIT(0)};
    struct md_buf text = MD_BUF_INIT(0);
    struct md_arena_mark m0 = md_arena_mark(&w->scratch);
    f.state = p->state_size ? md_arena_calloc(&w->scratch, p->state_size)
                            : NULL;
    if (p->state_size && !f.state) {
        rc = MD_ERR_NOMEM;
        goto out;
    }
    if (p->begin && (rc = p->begin(&ctx, f.state)) != MD_OK) {
        md_parse_diag(&ctx, MD_GRADE_FAILED, rc, "parser '%s' could not start",
                      p->name);
        goto out;
    }

    md_decoder_init(&dec, enc);
    md_bufsrc_skip(src, bom);
    in->bytes += bom;
    for (;;) {
        avail = md_bufsrc_fill(src, MD_BUFSRC_SIZE);
        if (avail < 0) {
            struct md_stream *s = src->src;
            md_input_diag(&b->arena, in, MD_GRADE_FAILED, s->st, ctx.line,
                          in->bytes, s->limit, "%s", s->err);
            break;
        }
        bool final = avail == 0;
        md_buf_reset(&text);
        enum md_status st = md_decode(&dec, src->buf + src->pos,
                                      (size_t)avail, final, &text);
        if (st != MD_OK) {
            md_parse_diag(&ctx, MD_GRADE_FAILED, st, "cannot decode text");
            break;
        }
        in->bytes += (size_t)avail;
        md_bufsrc_skip(src, (size_t)avail);
        if (f.stop == MD_OK)
            feed_text(&f, text.ptr ? text.ptr : "", text.len, final);
        if (final)
            break;
    }
    if (f.stop == MD_OK && !f.p->line)
        feed_text(&f, "", 0, true);
    if (dec.invalid)
        md_input_diag(&b->arena, in, MD_GRADE_INFO, MD_ERR_ENCODING, 0,
                      MD_NO_OFFSET, NULL,
                      "%llu invalid %s sequences kept",
                      (unsigned long long)dec.invalid, in->encoding);
    if (p->end) {
        struct md_arena_mark m = md_arena_mark(&w->scratch);
        enum md_status st = p->end(&ctx, f.state);
        md_arena_rewind(&w->scratch, m);
        if (st != MD_OK && rc == MD_OK)
            rc = MD_OK; /* the parser reported it on the input */
    }
out:
    b->stats.bytes_data += in->bytes;
    b->stats.lines += in->lines;
    b->stats.records += in->records;
    md_buf_free(&text);
    md_buf_free(&f.carry);
    md_arena_rewind(&w->scratch, m0);
    return rc;
}
