/*
 * Parser for captures of `netsh winhttp show proxy` (domain-reference §4.1):
 * a standalone netsh_winhttp_show_proxy.txt, or the section inside a larger
 * capture such as the SDP collector's {HOST}_TcpIp-Info.txt (§9.1), which
 * also holds ipconfig and netstat output. The recognising is in winhttp.c.
 */
#include "netsh/winhttp.h"

struct netsh_state {
    struct md_winhttp w;
};

static int
netsh_bid(const struct md_sniff *s)
{
    bool head = md_winhttp_head_has_header(s->text, s->text_len);
    bool name = md_name_contains(s->base, "winhttp") ||
                md_name_contains(s->base, "TcpIp-Info");
    if (head)
        return name ? 80 : 70;
    return name ? 40 : 0;
}

static enum md_status
netsh_line(struct md_parse_ctx *ctx, void *state, const char *s, size_t len)
{
    struct netsh_state *st = state;
    md_winhttp_line(ctx, &st->w, s, len);
    return MD_OK;
}

static enum md_status
netsh_end(struct md_parse_ctx *ctx, void *state)
{
    struct netsh_state *st = state;
    size_t n = st->w.nsections;
    md_winhttp_end(ctx, &st->w);
    if (n == 0)
        md_parse_diag_at(ctx, 0, MD_GRADE_INFO, MD_OK, NULL,
                         "no winhttp proxy section found");
    return MD_OK;
}

const struct md_parser md_parser_netsh = {
    .name = "netsh",
    .bid = netsh_bid,
    .state_size = sizeof(struct netsh_state),
    .line = netsh_line,
    .end = netsh_end,
};
