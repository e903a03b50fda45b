/*
 * MARS engine and installer logs: CBEngineCurr.errlog, CBEngine<N>.errlog,
 * OBInstaller*.errlog, OBManagedlog*.errlog (also with the SDP collector's
 * "{HOST}_" prefix), one log.record per record. The format follows Microsoft's
 * own reader (domain-reference §6.2): 11 TAB-separated fields, PID and TID in
 * hex, "MM/dd" and "HH:mm:ss.fff" without a year, a component number,
 * "File(Line)", a this-pointer, a task GUID, an agent id, a severity and the
 * message. The first line may be a header; lines that do not start a record
 * continue the previous record's message (multi-line exceptions).
 *
 * This is the hot path of a scan (hundreds of MB of logs), so a line is
 * split by hand with memchr, never with a regex, and a record is built in
 * one md_buf reused for the whole file.
 *
 * The year is not in the log. It is inferred from the file's mtime, which is
 * about when the last record was written, assuming a file spans less than a
 * year: a record gets the latest year in which its date is not after the
 * mtime's date. The mtime is taken 14 hours late (UTC+14 is the widest
 * offset) because record times are agent local time and the mtime is UTC:
 * a record written at 00:30 on 1 January in Tokyo has a 31 December mtime.
 * Without an mtime, year and timestamp are null.
 */
#include <string.h>
#include <time.h>

#include "parser.h"

enum {
    F_PID,
    F_TID,
    F_DATE,
    F_TIME,
    F_COMP,
    F_SRC,
    F_THIS,
    F_TASK,
    F_AGENT,
    F_SEV,
    NHEAD
};

/* Fields looked at in one head line; the message may hold more TABs. */
#define MAX_SPLIT 16

struct span {
    size_t off, len;
    bool set;
};

struct errlog {
    struct md_buf rec; /* the open record: head line, "\n" continuations */
    bool open;
    bool cut; /* the open record reached 'record_bytes' (reported) */
    uint64_t rec_line;
    uint64_t ncont;
    struct span f[NHEAD];
    size_t msg_off; /* the message runs from here to the end of rec */
    /* The last continuation, in case it is a record cut by the end of the
     * file rather than part of the message. */
    size_t tail_off;
    uint64_t tail_line;
    bool tail_partial;
    /* Year inference: the date at mtime + 14 h; year 0 when unknown. */
    int hi_year, hi_mon, hi_day;
    /* Counted, reported once at the end with the first line. */
    uint64_t nlead, lead_line;   /* lines before the first record */
    uint64_t ndrift, drift_line; /* not 11 fields, severity found */
    uint64_t nnosev, nosev_line; /* no severity at all */
};

static bool
is_hex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') ||
           (c >= 'a' && c <= 'f');
}

static bool
is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/*
 * Does s start a record: hex PID, TAB, hex TID, TAB, MM/dd, TAB,
 * HH:mm:ss.f (1 to 7 fraction digits), then TAB or the end? Returns 1 if so,
 * 0 if not, -1 if s is the cut-off beginning of one (it ends while still
 * matching, after at least the PID and a TAB).
 */
static int
head_kind(const char *s, size_t len)
{
    size_t i = 0;
    for (int k = 0; k < 2; k++) {
        size_t n = 0;
        while (i < len && n < 9 && is_hex(s[i])) {
            i++;
            n++;
        }
        if (i == len)
            return k && n <= 8 ? -1 : 0;
        if (n == 0 || n > 8 || s[i] != '\t')
            return 0;
        i++;
    }
    static const char shape[] = "99/99\t99:99:99.9";
    for (const char *p = shape; *p; p++, i++) {
        if (i == len)
            return -1;
        if (*p == '9' ? !is_digit(s[i]) : s[i] != *p)
            return 0;
    }
    for (size_t n = 1; i < len && n < 7 && is_digit(s[i]); n++)
        i++;
    return i == len || s[i] == '\t' ? 1 : 0;
}

static bool
known_severity(const char *s, size_t len)
{
    switch (len) {
    case 5:
        return memcmp(s, "FATAL", 5) == 0;
    case 6:
        return memcmp(s, "NORMAL", 6) == 0;
    case 7:
        return memcmp(s, "VERBOSE", 7) == 0 || memcmp(s, "WARNING", 7) == 0;
    default:
        return false;
    }
}

/* xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx */
static bool
is_guid(const char *s, size_t len)
{
    if (len != 36)
        return false;
    for (size_t i = 0; i < len; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !is_hex(s[i]))
            return false;
    }
    return true;
}

static void
set_span(struct span *sp, size_t from, size_t to)
{
    sp->off = from;
    sp->len = to - from;
    sp->set = true;
}

/*
 * Split the head line in st->rec into fields. The severity is field 9 when
 * that is a known word; otherwise (field-count drift between agent
 * versions) the first field that is a known severity, with the message after
 * it; otherwise, with 11 fields or more, field 9 whatever word it is.
 */
static void
split_head(struct errlog *st, uint64_t line)
{
    const char *s = st->rec.ptr;
    size_t len = st->rec.len;
    size_t from[MAX_SPLIT], to[MAX_SPLIT];
    size_t nf = 0, p = 0;
    while (nf < MAX_SPLIT) {
        const char *t = memchr(s + p, '\t', len - p);
        from[nf] = p;
        to[nf] = t ? (size_t)(t - s) : len;
        nf++;
        if (!t)
            break;
        p = to[nf - 1] + 1;
    }
    memset(st->f, 0, sizeof st->f);
    for (size_t k = F_PID; k <= F_TIME && k < nf; k++)
        set_span(&st->f[k], from[k], to[k]);
    if (nf <= F_TIME) {
        /* A head line cut by 'record_bytes' (reported) before its time. */
        st->msg_off = len;
        return;
    }

    size_t sev = 0;
    if (nf > 10 && known_severity(s + from[9], to[9] - from[9]))
        sev = 9;
    for (size_t k = 4; !sev && k < nf; k++)
        if (known_severity(s + from[k], to[k] - from[k]))
            sev = k;
    bool drift = !(sev == 9 && nf > 10);
    if (!sev && nf > 10) {
        sev = 9; /* an unknown word in its place: kept as it is */
        drift = false;
    }
    if (!sev) {
        /* No severity: keep everything after the time as the message. */
        st->msg_off = nf > 4 ? from[4] : len;
        if (!st->nnosev++)
            st->nosev_line = line;
        return;
    }
    if (drift && !st->ndrift++)
        st->drift_line = line;
    if (to[sev] > from[sev])
        set_span(&st->f[F_SEV], from[sev], to[sev]);
    st->msg_off = to[sev] < len ? to[sev] + 1 : len;
    if (!drift) {
        for (int k = F_COMP; k < F_SEV; k++)
            if (to[k] > from[k])
                set_span(&st->f[k], from[k], to[k]);
        return;
    }
    /* Drifted: only what can be told apart without its position. */
    for (int k = F_COMP; k <= F_SRC && (size_t)k < sev; k++)
        if (to[k] > from[k])
            set_span(&st->f[k], from[k], to[k]);
    for (size_t k = 6; k < sev; k++)
        if (is_guid(s + from[k], to[k] - from[k])) {
            set_span(&st->f[F_TASK], from[k], to[k]);
            break;
        }
}

static void
put_span(struct md_evidence *ev, const char *name, const char *s,
         const struct span *sp)
{
    if (sp->set)
        md_ev_str(ev, name, s + sp->off, sp->len);
    else
        md_ev_null(ev, name);
}

static int
two_digits(const char *s)
{
    return (s[0] - '0') * 10 + (s[1] - '0');
}

/* "YYYY-MM-DDT" + time, or NULL when the year is unknown or out of range. */
static char *
make_timestamp(struct md_parse_ctx *ctx, int year, const char *date,
               const char *time, size_t tlen)
{
    if (year < 1000 || year > 9999)
        return NULL;
    char *t = md_arena_alloc(ctx->scratch, 11 + tlen + 1);
    if (!t)
        return NULL;
    for (int k = 3, y = year; k >= 0; k--, y /= 10)
        t[k] = (char)('0' + y % 10);
    t[4] = '-';
    memcpy(t + 5, date, 2);
    t[7] = '-';
    memcpy(t + 8, date + 3, 2);
    t[10] = 'T';
    memcpy(t + 11, time, tlen);
    t[11 + tlen] = '\0';
    return t;
}

static void
put_time(struct md_parse_ctx *ctx, struct errlog *st, struct md_evidence *ev)
{
    const char *d = st->rec.ptr + st->f[F_DATE].off;
    int mon = 0, day = 0, year = 0;
    if (st->f[F_DATE].len == 5 && st->f[F_TIME].set) {
        mon = two_digits(d);
        day = two_digits(d + 3);
    }
    if (st->hi_year && mon >= 1 && mon <= 12 && day >= 1 && day <= 31) {
        bool later = mon > st->hi_mon ||
                     (mon == st->hi_mon && day > st->hi_day);
        year = later ? st->hi_year - 1 : st->hi_year;
    }
    char *ts = make_timestamp(ctx, year, d, st->rec.ptr + st->f[F_TIME].off,
                              st->f[F_TIME].len);
    if (ts) {
        md_ev_int(ev, "year", year);
        md_ev_strz(ev, "timestamp", ts);
    } else {
        md_ev_null(ev, "year");
        md_ev_null(ev, "timestamp");
    }
}

static void
put_component(struct md_evidence *ev, const char *s, const struct span *sp)
{
    int64_t v = 0;
    bool ok = sp->set && sp->len <= 18;
    for (size_t i = 0; ok && i < sp->len; i++) {
        ok = is_digit(s[sp->off + i]);
        v = v * 10 + (s[sp->off + i] - '0');
    }
    if (ok)
        md_ev_int(ev, "component", v);
    else
        md_ev_null(ev, "component");
}

/*
 * The message, with passwords masked. The excerpt is the whole record
 * masked once; when masking left everything before the message as it was,
 * the message is the rest of the excerpt, else it is masked on its own.
 */
static void
put_message(struct md_parse_ctx *ctx, struct errlog *st,
            struct md_evidence *ev)
{
    const char *r = st->rec.ptr;
    size_t off = st->msg_off, len = st->rec.len - off;
    if (ev->text && ev->text_len >= off && memcmp(ev->text, r, off) == 0) {
        md_ev_str(ev, "message", ev->text + off, ev->text_len - off);
        return;
    }
    char *m = md_arena_alloc(ctx->scratch, len + 1);
    if (!m) {
        md_ev_null(ev, "message");
        return;
    }
    size_t n = md_redact(r + off, len, m);
    md_ev_str(ev, "message", m, n);
}

static enum md_status
emit_record(struct md_parse_ctx *ctx, struct errlog *st)
{
    if (!st->open)
        return MD_OK;
    st->open = false;
    const char *r = st->rec.ptr;
    struct md_evidence *ev = md_ev_new(ctx, "log.record");
    if (!ev)
        return MD_ERR_NOMEM;
    ev->line = st->rec_line;
    md_ev_text(ctx, ev, r, st->rec.len);
    put_span(ev, "pid", r, &st->f[F_PID]);
    put_span(ev, "tid", r, &st->f[F_TID]);
    put_span(ev, "date", r, &st->f[F_DATE]);
    put_span(ev, "time", r, &st->f[F_TIME]);
    put_time(ctx, st, ev);
    put_component(ev, r, &st->f[F_COMP]);
    put_span(ev, "source", r, &st->f[F_SRC]);
    put_span(ev, "severity", r, &st->f[F_SEV]);
    put_message(ctx, st, ev);
    md_ev_int(ev, "continuations", (int64_t)st->ncont);
    put_span(ev, "task", r, &st->f[F_TASK]);
    put_span(ev, "agent_id", r, &st->f[F_AGENT]);
    return md_ev_emit(ctx, ev);
}

static void
report_cut(struct md_parse_ctx *ctx, struct errlog *st)
{
    st->cut = true;
    md_parse_diag_at(ctx, st->rec_line, MD_GRADE_WARN, MD_ERR_LIMIT,
                     "record_bytes",
                     "record longer than limit 'record_bytes' (%llu); cut "
                     "there",
                     (unsigned long long)ctx->limits->record_bytes);
}

/* How much of s fits in room bytes, not cutting a UTF-8 sequence. */
static size_t
fit(const char *s, size_t len, size_t room)
{
    if (len <= room)
        return len;
    while (room > 0 && ((unsigned char)s[room] & 0xC0) == 0x80)
        room--;
    return room;
}

static size_t
record_max(const struct md_parse_ctx *ctx)
{
    uint64_t m = ctx->limits->record_bytes;
    return m > SIZE_MAX / 4 ? SIZE_MAX / 4 : (size_t)m;
}

static enum md_status
start_record(struct md_parse_ctx *ctx, struct errlog *st, const char *s,
             size_t len)
{
    enum md_status rc = emit_record(ctx, st);
    md_buf_reset(&st->rec);
    st->open = true;
    st->cut = false;
    st->rec_line = ctx->line;
    st->ncont = 0;
    st->tail_partial = false;
    size_t n = fit(s, len, record_max(ctx));
    if (n < len)
        report_cut(ctx, st);
    enum md_status st2 = md_buf_add(&st->rec, s, n);
    if (st2 != MD_OK) {
        st->open = false;
        md_parse_diag(ctx, MD_GRADE_FAILED, st2, "cannot keep a record");
        return st2;
    }
    split_head(st, ctx->line);
    return rc;
}

static enum md_status
continue_record(struct md_parse_ctx *ctx, struct errlog *st, const char *s,
                size_t len)
{
    st->ncont++;
    st->tail_partial = false;
    if (st->cut)
        return MD_OK;
    size_t max = record_max(ctx);
    size_t room = max > st->rec.len ? max - st->rec.len : 0;
    size_t n = room ? fit(s, len, room - 1) : 0;
    if (!room || n < len)
        report_cut(ctx, st);
    if (!room)
        return MD_OK;
    st->tail_off = st->rec.len;
    st->tail_line = ctx->line;
    st->tail_partial = head_kind(s, len) < 0;
    if (md_buf_addc(&st->rec, '\n') != MD_OK ||
        md_buf_add(&st->rec, s, n) != MD_OK) {
        md_parse_diag(ctx, MD_GRADE_FAILED, MD_ERR_NOMEM,
                      "cannot keep a record");
        return MD_ERR_NOMEM;
    }
    return MD_OK;
}

static enum md_status
errlog_begin(struct md_parse_ctx *ctx, void *state)
{
    struct errlog *st = state;
    st->rec = (struct md_buf)MD_BUF_INIT(0);
    if (ctx->mtime > 0) {
        time_t hi = (time_t)ctx->mtime + 14 * 3600;
        struct tm tm;
        if (gmtime_r(&hi, &tm)) {
            st->hi_year = tm.tm_year + 1900;
            st->hi_mon = tm.tm_mon + 1;
            st->hi_day = tm.tm_mday;
        }
    }
    return MD_OK;
}

static enum md_status
errlog_line(struct md_parse_ctx *ctx, void *state, const char *s, size_t len)
{
    struct errlog *st = state;
    if (head_kind(s, len) == 1)
        return start_record(ctx, st, s, len);
    if (st->open)
        return continue_record(ctx, st, s, len);
    if (ctx->line == 1) {
        /* Microsoft's reader skips the first line as a header. */
        if (!len)
            return MD_OK;
        struct md_evidence *ev = md_ev_new(ctx, "log.header");
        md_ev_text(ctx, ev, s, len);
        if (ev)
            md_ev_str(ev, "header", ev->text, ev->text_len);
        return md_ev_emit(ctx, ev);
    }
    if (!st->nlead++)
        st->lead_line = ctx->line;
    return MD_OK;
}

static enum md_status
errlog_end(struct md_parse_ctx *ctx, void *state)
{
    struct errlog *st = state;
    if (st->open && st->tail_partial) {
        /* The file ends inside a record's first line (a log copied while
         * being written): that fragment is not part of the message. */
        const char *frag = st->rec.ptr + st->tail_off + 1;
        size_t flen = st->rec.len - st->tail_off - 1;
        md_parse_diag_at(ctx, st->tail_line, MD_GRADE_WARN,
                         MD_ERR_TRUNCATED, NULL,
                         "record cut by the end of the file: '%.*s'",
                         (int)(flen < 80 ? flen : 80), frag);
        st->rec.len = st->tail_off;
        st->rec.ptr[st->rec.len] = '\0';
        st->ncont--;
    }
    enum md_status rc = emit_record(ctx, st);
    if (st->nlead)
        md_parse_diag_at(ctx, st->lead_line, MD_GRADE_WARN, MD_ERR_SYNTAX,
                         NULL,
                         "%llu line(s) before the first record belong to "
                         "no record",
                         (unsigned long long)st->nlead);
    if (st->ndrift)
        md_parse_diag_at(ctx, st->drift_line, MD_GRADE_INFO, MD_ERR_SYNTAX,
                         NULL,
                         "%llu record(s) without the 11 fields; message "
                         "taken after the severity",
                         (unsigned long long)st->ndrift);
    if (st->nnosev)
        md_parse_diag_at(ctx, st->nosev_line, MD_GRADE_WARN, MD_ERR_SYNTAX,
                         NULL,
                         "%llu record(s) without a severity; message is "
                         "everything after the time",
                         (unsigned long long)st->nnosev);
    md_buf_free(&st->rec);
    return rc;
}

/* The first lines of the head: does one of them start a record? */
static bool
head_has_record(const char *s, size_t len)
{
    for (int k = 0; k < 8 && len; k++) {
        const char *nl = memchr(s, '\n', len);
        size_t n = nl ? (size_t)(nl - s) : len;
        size_t m = n && s[n - 1] == '\r' ? n - 1 : n;
        if (head_kind(s, m) == 1)
            return true;
        if (!nl)
            break;
        s = nl + 1;
        len -= n + 1;
    }
    return false;
}

static int
errlog_bid(const struct md_sniff *sn)
{
    bool named = md_name_has_ext(sn->base, ".errlog");
    bool content = head_has_record(sn->text, sn->text_len);
    if (named && content)
        return 95;
    if (named)
        return 90;
    if (content)
        return 80;
    if (md_name_contains(sn->base, ".errlog"))
        return 60; /* CBEngineCurr.errlog.txt and the like */
    return 0;
}

const struct md_parser md_parser_errlog = {
    .name = "errlog",
    .bid = errlog_bid,
    .state_size = sizeof(struct errlog),
    .begin = errlog_begin,
    .line = errlog_line,
    .end = errlog_end,
};
