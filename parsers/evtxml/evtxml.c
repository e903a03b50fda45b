/*
 * Windows event log exports in XML: `wevtutil qe LOG /f:xml` (a bare
 * sequence of <Event> elements with no root element) and Event Viewer's
 * "Save as XML" (<Events><Event>...</Event></Events>). Follows the Windows
 * event schema (namespace http://schemas.microsoft.com/win/2004/08/events/
 * event: System, EventData, UserData, RenderingInfo); the CloudBackup
 * events of the MARS agent are listed in domain-reference §6.4. One
 * event.record per <Event>, streamed through marsdiag/xml.h.
 */
#include <string.h>

#include "marsdiag/xml.h"
#include "parser.h"

#define EVENT_NS "http://schemas.microsoft.com/win/2004/08/events/event"

enum section { S_NONE, S_SYSTEM, S_EVENTDATA, S_USERDATA, S_RENDERING };

/* Values of one event; the text ones are captured from element content. */
enum slot {
    V_PROVIDER,
    V_TIME,
    V_EVENT_ID,
    V_LEVEL,
    V_CHANNEL,
    V_COMPUTER,
    V_RECORD_ID,
    V_MESSAGE,
    V_DATA, /* EventData/Data and UserData values, joined */
    NSLOTS
};

/* System children whose text is a value. */
static const struct {
    const char *elem;
    enum slot slot;
} system_text[] = {
    {"EventID", V_EVENT_ID},   {"Level", V_LEVEL},
    {"Channel", V_CHANNEL},    {"Computer", V_COMPUTER},
    {"EventRecordID", V_RECORD_ID},
};

struct value {
    bool present;
    struct md_buf v; /* capped at 'record_bytes' */
};

struct evt {
    struct md_parse_ctx *ctx;
    struct md_xml *x;
    bool in_event;
    uint64_t ev_line;
    bool cut; /* 'record_bytes' reached in this event (reported once) */
    enum section section;
    int capture;          /* slot whose text is being read, or -1 */
    unsigned capture_depth;
    struct md_buf text;   /* that text */
    struct md_buf name;   /* Data/@Name, or the UserData element's name */
    struct value val[NSLOTS];
};

static void
reach_limit(struct evt *e)
{
    if (e->cut)
        return;
    e->cut = true;
    md_parse_diag_at(e->ctx, e->ev_line, MD_GRADE_WARN, MD_ERR_LIMIT,
                     "record_bytes",
                     "event longer than limit 'record_bytes' (%llu); "
                     "its text is cut there",
                     (unsigned long long)e->ctx->limits->record_bytes);
}

/* Append what fits under the buffer's cap. */
static void
add_capped(struct evt *e, struct md_buf *b, const char *s, size_t n)
{
    size_t room = b->max > b->len ? b->max - b->len : 0;
    if (n > room) {
        reach_limit(e);
        /* cut on a character boundary */
        size_t k = room;
        while (k && ((unsigned char)s[k] & 0xC0) == 0x80)
            k--;
        n = k;
    }
    if (n && md_buf_add(b, s, n) != MD_OK)
        reach_limit(e);
}

static void
set_value(struct evt *e, enum slot slot, struct md_slice s)
{
    struct value *v = &e->val[slot];
    md_buf_reset(&v->v);
    add_capped(e, &v->v, s.ptr, s.len);
    v->present = true;
}

static void
begin_event(struct evt *e, const struct md_xml_elem *el)
{
    e->in_event = true;
    e->ev_line = el->line;
    e->cut = false;
    e->section = S_NONE;
    e->capture = -1;
    for (size_t i = 0; i < NSLOTS; i++) {
        e->val[i].present = false;
        md_buf_reset(&e->val[i].v);
    }
}

static void
start_capture(struct evt *e, enum slot slot, unsigned depth)
{
    e->capture = (int)slot;
    e->capture_depth = depth;
    md_buf_reset(&e->text);
}

static void
end_capture(struct evt *e)
{
    struct md_slice t = md_slice_of(e->text.ptr ? e->text.ptr : "",
                                    e->text.len);
    if (e->capture == V_DATA) {
        struct value *d = &e->val[V_DATA];
        if (d->present)
            add_capped(e, &d->v, "; ", 2);
        if (e->name.len) {
            add_capped(e, &d->v, e->name.ptr, e->name.len);
            add_capped(e, &d->v, "=", 1);
        }
        add_capped(e, &d->v, t.ptr, t.len);
        d->present = true;
    } else {
        set_value(e, (enum slot)e->capture, md_slice_trim(t));
    }
    e->capture = -1;
}

static void
on_start(void *user, const struct md_xml_elem *el)
{
    struct evt *e = user;
    struct md_slice v;
    if (el->depth == 2 && strcmp(el->name, "Event") == 0) {
        begin_event(e, el);
        return;
    }
    if (!e->in_event || el->depth < 3)
        return;
    if (el->depth == 3) {
        e->section = strcmp(el->name, "System") == 0        ? S_SYSTEM
                     : strcmp(el->name, "EventData") == 0   ? S_EVENTDATA
                     : strcmp(el->name, "UserData") == 0    ? S_USERDATA
                     : strcmp(el->name, "RenderingInfo") == 0 ? S_RENDERING
                                                              : S_NONE;
        return;
    }
    if (e->capture >= 0)
        return; /* an element inside a value: its text joins the value */
    if (el->depth == 4 && e->section == S_SYSTEM) {
        if (strcmp(el->name, "Provider") == 0 && md_xml_attr(el, "Name", &v))
            set_value(e, V_PROVIDER, v);
        else if (strcmp(el->name, "TimeCreated") == 0 &&
                 md_xml_attr(el, "SystemTime", &v))
            set_value(e, V_TIME, v);
        for (size_t i = 0; i < sizeof system_text / sizeof system_text[0];
             i++)
            if (strcmp(el->name, system_text[i].elem) == 0)
                start_capture(e, system_text[i].slot, el->depth);
    } else if (el->depth == 4 && e->section == S_EVENTDATA &&
               strcmp(el->name, "Data") == 0) {
        md_buf_reset(&e->name);
        if (md_xml_attr(el, "Name", &v))
            add_capped(e, &e->name, v.ptr, v.len);
        start_capture(e, V_DATA, el->depth);
    } else if (el->depth == 5 && e->section == S_USERDATA) {
        /* UserData holds one provider-defined element whose children are
         * the values: report them as Name=value like EventData. */
        md_buf_reset(&e->name);
        add_capped(e, &e->name, el->name, strlen(el->name));
        start_capture(e, V_DATA, el->depth);
    } else if (el->depth == 4 && e->section == S_RENDERING &&
               strcmp(el->name, "Message") == 0) {
        start_capture(e, V_MESSAGE, el->depth);
    }
}

static void
on_text(void *user, const char *s, size_t len)
{
    struct evt *e = user;
    if (e->capture >= 0)
        add_capped(e, &e->text, s, len);
}

static void
ev_redacted(struct md_parse_ctx *ctx, struct md_evidence *ev,
            const char *field, const struct value *v)
{
    if (!v->present)
        return;
    char *out = md_arena_alloc(ctx->scratch, v->v.len + 1);
    if (!out) {
        md_ev_null(ev, field);
        return;
    }
    size_t n = md_redact(v->v.ptr ? v->v.ptr : "", v->v.len, out);
    out[n] = '\0';
    md_ev_str(ev, field, out, n);
}

static void
ev_value(struct md_evidence *ev, const char *field, const struct value *v)
{
    if (v->present)
        md_ev_str(ev, field, v->v.ptr ? v->v.ptr : "", v->v.len);
}

/* A decimal number as an integer; anything else as written. */
static void
ev_number(struct evt *e, struct md_evidence *ev, const char *field,
          const struct value *v)
{
    if (!v->present)
        return;
    const char *s = v->v.ptr ? v->v.ptr : "";
    size_t n = v->v.len;
    int64_t x = 0;
    size_t i = 0;
    while (i < n && i < 18 && s[i] >= '0' && s[i] <= '9')
        x = x * 10 + (s[i++] - '0');
    if (n && i == n) {
        md_ev_int(ev, field, x);
        return;
    }
    md_parse_diag_at(e->ctx, e->ev_line, MD_GRADE_WARN, MD_ERR_SYNTAX, NULL,
                     "%s '%.*s' is not a number", field,
                     (int)(n < 40 ? n : 40), s);
    md_ev_str(ev, field, s, n);
}

static void
emit_event(struct evt *e)
{
    struct md_parse_ctx *ctx = e->ctx;
    struct md_evidence *ev = md_ev_new(ctx, "event.record");
    if (!ev)
        return;
    ev->line = e->ev_line;
    ev->xpath = "/Events/Event";
    ev_value(ev, "provider", &e->val[V_PROVIDER]);
    ev_number(e, ev, "event_id", &e->val[V_EVENT_ID]);
    ev_number(e, ev, "level", &e->val[V_LEVEL]);
    ev_value(ev, "time_created", &e->val[V_TIME]);
    ev_value(ev, "channel", &e->val[V_CHANNEL]);
    ev_value(ev, "computer", &e->val[V_COMPUTER]);
    ev_number(e, ev, "record_id", &e->val[V_RECORD_ID]);
    ev_redacted(ctx, ev, "data", &e->val[V_DATA]);
    ev_redacted(ctx, ev, "message", &e->val[V_MESSAGE]);
    md_ev_emit(ctx, ev);
}

static void
on_end(void *user, const char *name, unsigned depth)
{
    struct evt *e = user;
    (void)name;
    if (!e->in_event)
        return;
    if (e->capture >= 0 && depth == e->capture_depth)
        end_capture(e);
    if (depth == 3)
        e->section = S_NONE;
    if (depth == 2) {
        emit_event(e);
        e->in_event = false;
    }
}

static const struct md_xml_handlers handlers = {
    .start = on_start,
    .end = on_end,
    .text = on_text,
};

static int
evt_bid(const struct md_sniff *s)
{
    struct md_slice t = md_slice_trim(md_slice_of(s->text, s->text_len));
    if (!t.len || t.ptr[0] != '<')
        return 0;
    bool event = md_slice_ifind(t, "<Event") >= 0;
    if (event && md_slice_ifind(t, EVENT_NS) >= 0)
        return 95;
    /* A document type declaration longer than the head hides the
     * events; its name still says what the document is. */
    return md_slice_ifind(t, "<Events>") >= 0 ||
                   md_slice_ifind(t, "<!DOCTYPE Events") >= 0
               ? 40
               : 0;
}

static enum md_status
evt_begin(struct md_parse_ctx *ctx, void *state)
{
    struct evt *e = state;
    size_t max = (size_t)ctx->limits->record_bytes;
    e->ctx = ctx;
    e->capture = -1;
    e->text = (struct md_buf)MD_BUF_INIT(max);
    e->name = (struct md_buf)MD_BUF_INIT(max);
    for (size_t i = 0; i < NSLOTS; i++)
        e->val[i].v = (struct md_buf)MD_BUF_INIT(max);
    e->x = md_xml_new(ctx, &handlers, e, "Events");
    return e->x ? MD_OK : MD_ERR_NOMEM;
}

static enum md_status
evt_chunk(struct md_parse_ctx *ctx, void *state, const char *s, size_t len)
{
    struct evt *e = state;
    (void)ctx;
    return md_xml_feed(e->x, s, len);
}

static enum md_status
evt_end(struct md_parse_ctx *ctx, void *state)
{
    struct evt *e = state;
    (void)ctx;
    enum md_status st = md_xml_finish(e->x);
    md_xml_free(e->x);
    md_buf_free(&e->text);
    md_buf_free(&e->name);
    for (size_t i = 0; i < NSLOTS; i++)
        md_buf_free(&e->val[i].v);
    return st;
}

const struct md_parser md_parser_evtxml = {
    .name = "evtxml",
    .bid = evt_bid,
    .state_size = sizeof(struct evt),
    .begin = evt_begin,
    .chunk = evt_chunk,
    .end = evt_end,
};
