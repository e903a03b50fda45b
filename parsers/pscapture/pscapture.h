/*
 * Internal interface of the pscapture parser: the line side (pscapture.c:
 * bidding, prompts, comments, continuations, Get-OBMachineSetting list and
 * JSON blocks) hands whole statements to the command side (pscommand.c:
 * tokenizing, Set-OBMachineSetting, MARSAgentInstaller.exe, SetMarsProxy.exe,
 * netsh winhttp, reg add/delete, Set-/New-ItemProperty).
 */
#ifndef MARSDIAG_PSCAPTURE_H
#define MARSDIAG_PSCAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "parser.h"

/* What the command side reports back to the line side, and (statements)
 * what the line side asks of it. */
struct md_ps_seen {
    bool get_setting; /* a Get-OBMachineSetting command (or its ProxySetting) */
    /* In: report every statement that changes nothing as a
     * change.statement record saying why (md_parser_pscapture_changes). */
    bool statements;
};

/*
 * Run the statement s[0..len) (prompts and comment lines already removed,
 * continuation lines joined with '\n') that starts at line 'line'. is_cmd
 * selects cmd.exe quoting (.cmd/.bat files) instead of PowerShell's.
 */
void md_ps_statement(struct md_parse_ctx *ctx, const char *s, size_t len,
                     uint64_t line, bool is_cmd, struct md_ps_seen *seen);

/* Does text (a file's head) contain one of the commands handled above? */
bool md_ps_head_has_command(const char *text, size_t len);

/*
 * The same parser for a planned change (marsdiag review): it also emits a
 * change.statement record for every statement that changes no proxy
 * setting, with why ("ignored": understood and harmless; "not_understood"),
 * so that nothing in a change file goes unmentioned. In a transcript only
 * prompted lines are statements; the rest is output. Not registered (it
 * never bids): the review forces it.
 */
extern const struct md_parser md_parser_pscapture_changes;

#endif
