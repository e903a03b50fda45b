/*
 * Recognising the output of `netsh winhttp show proxy` (domain-reference
 * §4.1) anywhere in a stream of lines: a standalone capture, the SDP
 * collector's {HOST}_TcpIp-Info.txt, or a PowerShell transcript that ran the
 * command. Shared by the netsh and pscapture parsers.
 *
 * Labels are matched by a few stable words in English, Japanese (UTF-8 and
 * Shift-JIS bytes, as redirected from cmd.exe), French and German; the value
 * is whatever follows the first ':' (or a full-width one). Each section
 * becomes one "winhttp.proxy" record {source, direct, proxy_server, bypass}
 * at the line of its header.
 *
 * Usage: zero the struct, call md_winhttp_line() for every line (it
 * returns true when the line belonged to a section) and md_winhttp_end()
 * once (it flushes a pending section and frees the buffers). The buffers
 * need no cap: a section keeps at most three lines, each already cut at
 * the limit 'line_bytes' by the pipeline.
 */
#ifndef MARSDIAG_WINHTTP_H
#define MARSDIAG_WINHTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parser.h"

struct md_winhttp {
    bool open;         /* a header was seen, its section not yet emitted */
    uint64_t hdr_line; /* line of that header */
    bool direct, have_server, have_bypass;
    struct md_buf server, bypass; /* values, kept across lines */
    struct md_buf text;           /* the section's lines, for the excerpt */
    size_t nsections;             /* headers seen */
};

bool md_winhttp_line(struct md_parse_ctx *ctx, struct md_winhttp *w,
                     const char *s, size_t len);
void md_winhttp_end(struct md_parse_ctx *ctx, struct md_winhttp *w);

/* Does text (a file's head) contain the header in a known language? */
bool md_winhttp_head_has_header(const char *text, size_t len);

#endif
