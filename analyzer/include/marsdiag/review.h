/*
 * Pre-change review and bundle diff (DESIGN §2, §3: marsdiag review,
 * marsdiag diff).
 *
 * A change is a file an admin means to apply to one server: a .reg file
 * to import (REGEDIT4 or version 5, UTF-16LE or not; deletions included),
 * a PowerShell script or transcript (Set-OBMachineSetting, netsh winhttp
 * set/reset proxy, reg add/delete, Set-/New-ItemProperty), a
 * MARSAgentInstaller.exe or SetMarsProxy.exe command line. md_change_read
 * reads it with the parser of its kind and turns what it says into
 * actions (what is set or deleted where, with the change file's line), and
 * lists every statement it does not apply with why: "ignored" (understood,
 * changes no proxy setting) or "not understood". Nothing is silently
 * dropped.
 *
 * md_review_run judges the server twice: before (the bundle as it is) and
 * after (the same bundle with the change applied), and compares. Applying
 * means: while the bundle is read again, every record the change replaces
 * (same registry key and value; the same agent proxy field; any WinHTTP
 * capture when WinHTTP is set; everything under a deleted key) is kept
 * from the model, and the change's own records are given to the model
 * after the bundle's, with the change file's path and line as their
 * provenance, so a finding the change introduces cites the change file.
 * Within a change, a later statement replaces an earlier one the same way.
 * When a change deletes a whole source (the agent proxy, SYSTEM's
 * Internet Settings, WinHTTP) it is known to be empty afterwards, not
 * unknown: a record saying so is given, citing the deletion.
 *
 * Without a bundle the server is an empty machine: no agent proxy,
 * SYSTEM's Internet Settings with no proxy (ProxyEnable=0), WinHTTP
 * direct — known, not "unknown", so the verdict is about the change and
 * not about missing captures (only the engine log stays missing, before
 * and after alike, so MP022 is neither introduced nor resolved).
 *
 * Applying a cmdlet or the installer replaces the agent's whole proxy
 * (server, port, user, password, bypass): Set-OBMachineSetting takes them
 * as one parameter set and the agent stores one proxy setting [I]. A
 * registry write replaces only the value written.
 *
 * Limits [I]: a change to SYSTEM's settings is judged against the
 * registry export of HKU\S-1-5-18 (or the HKLM copy when the bundle's
 * policy says per-machine); when the bundle shows SYSTEM's settings only
 * through the network check script, a partial change is judged with the
 * changed values alone. The empty state written for a deleted SYSTEM
 * source is HKU\S-1-5-18's, also in per-machine mode. Variables
 * ($proxy) and control flow (if, foreach) are not evaluated: a statement
 * using a variable's value is "not understood" (but a splatted hashtable
 * literal, @p, is followed), and the commands inside a block are applied
 * as if each ran once. A here-string's body is never a statement; a
 * string assigned to a variable that feeds a password is masked.
 *
 * Findings are compared by rule and subject (a subject that names a list
 * element by position is compared by the element's identity: a SID, a
 * path, what is missing, the conflicting fact). "introduced" are in after
 * and not before, "resolved" in before and not after, "escalated" in both
 * with a higher severity after.
 *
 * Memory: a change owns its arena and the bundle its file was read into;
 * a review owns its two verdicts; both are freed with their _free.
 * Not thread safe per object; several reviews may share one engine.
 */
#ifndef MARSDIAG_REVIEW_H
#define MARSDIAG_REVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "marsdiag/buf.h"
#include "marsdiag/engine.h"
#include "marsdiag/json.h"
#include "marsdiag/render.h"

#define MD_REVIEW_SCHEMA "marsdiag.review/1"
#define MD_DIFF_SCHEMA "marsdiag.diff/1"

/* One thing the change does, in the change file's order. */
struct md_change_action {
    const char *kind;    /* "set", "delete", "clear" (-NoProxy), "reset" */
    const char *target;  /* "agent", "system", "machine" (HKLM WinINet),
                          * "user", "service", "policy", "winhttp",
                          * "dotnet" */
    const char *setting; /* "proxy" for the agent's, else the registry
                          * value or key ("…\Internet Settings\ProxyServer") */
    const char *value;   /* the new value as text, NULL for a deletion;
                          * a password is "(set)", never its value */
    const struct md_evidence *ev; /* where: the change file, line, text */
};

/* A statement (or .reg line) the change file holds but that is not
 * applied, and why. */
struct md_change_skip {
    bool understood; /* "ignored": changes no proxy setting; false:
                      * "not understood" */
    const char *reason;
    const char *path; /* the change file as named in the review */
    uint64_t line;
    const char *text; /* the statement (passwords masked), or NULL */
};

struct md_change_op; /* internal: what replaces what (review_int.h) */

struct md_change {
    const char *path;      /* as given; borrowed */
    const char *type;      /* "reg" or "pscapture" */
    struct md_bundle file; /* the change file as read (its input, its
                            * diagnostics); records point into it */
    struct md_arena arena;
    struct md_buf text; /* the file decoded to UTF-8; a PowerShell
                         * script as its parser read it (here-string
                         * bodies empty, passwords masked) */
    struct md_change_action *actions;
    size_t nactions, capactions;
    struct md_change_skip *skips;
    size_t nskips, capskips;
    struct md_change_op *ops;
    size_t nops, capops;
    bool nomem;
    char error[300]; /* why md_change_read failed */
};

/*
 * Read the change file at path (a single text file; its kind is told by
 * its first line: a .reg header, else PowerShell or cmd). Returns MD_OK
 * with *out set, or an error with *out set too and (*out)->error saying
 * why (a folder, an archive, a binary or UTF-32 file, unreadable;
 * MD_ERR_SYNTAX: nothing in it is understood, not even as harmless, and
 * it is not empty or only comments). Free with md_change_free in every
 * case.
 */
enum md_status md_change_read(const char *path, const struct md_limits *lim,
                              struct md_change **out);
void md_change_free(struct md_change *c);

/* The findings of two verdicts of one server, compared by rule and
 * subject (above): pointers into the newer verdict's findings (added,
 * escalated) and the older's (removed); arrays in the arena of the
 * review or diff that holds them. */
struct md_finding_delta {
    const struct md_verdict_finding **added, **removed, **escalated;
    size_t nadded, nremoved, nescalated;
    size_t nsame; /* findings in both, not more severe */
};

struct md_review {
    const struct md_change *change; /* borrowed */
    bool empty_machine;             /* no bundle was given */
    struct md_arena arena;          /* records the review made itself */
    struct md_verdict before, after;
    /* before compared with after: introduced (added), resolved
     * (removed), made more severe (escalated), unchanged (nsame) */
    struct md_finding_delta delta;
    bool effective_changed; /* source, mode, server, port, PAC URL,
                             * credentials or bypass differ */
};

/*
 * Judge bundle (a path, or NULL for an empty machine) before and after
 * change c. Returns MD_OK, or the error of reading the bundle (then
 * r->before.bundle says why). Free r with md_review_free in every case.
 */
enum md_status md_review_run(const struct md_engine *e, const char *bundle,
                             const struct md_change *c,
                             const struct md_scan_opts *opts,
                             struct md_review *r);
void md_review_free(struct md_review *r);

/* Worst severity among introduced and escalated findings (waived ones
 * not counted), or -1: what --fail-on compares. */
int md_review_worst_new(const struct md_review *r);

/*
 * Writers. Every string from the bundle or the change goes through
 * md_redactor_apply with rr->redactor (passwords never print). JSON is
 * marsdiag.review/1 (DESIGN §3) with a final newline; before and after
 * are whole marsdiag.report/1 reports. Text is for a person: the change's
 * actions and what was not applied, the effective proxy before and after,
 * the findings introduced, escalated and resolved with their evidence and
 * fix, and a verdict. Each format is one function of (FILE, review,
 * render).
 *
 * Markdown (GitHub Flavored, for a change ticket) and HTML (one
 * self-contained page, as html.h's) open with a one-line verdict ("This
 * change introduces 1 error: MP001 …" or "No new problems"), then the
 * change (actions with file:line, statements not applied and why), the
 * effective proxy before and after side by side, and the findings
 * introduced, made more severe and resolved with evidence and fix; the
 * page draws the precedence chain before and after. SARIF 2.1.0 (as
 * sarif.h's) has one result per finding of the review with its
 * baselineState: introduced "new", made more severe "updated", the same
 * "unchanged" (the state after the change), resolved "absent" (the state
 * before); evidence in the change file is located there (uriBaseId
 * CHANGE), evidence in the bundle in the bundle (BUNDLE1).
 */
void md_write_review_json(FILE *f, const struct md_review *r,
                          const struct md_render *rr);
void md_write_review_text(FILE *f, const struct md_review *r,
                          const struct md_render *rr);
void md_write_review_md(FILE *f, const struct md_review *r,
                        const struct md_render *rr);
void md_write_review_html(FILE *f, const struct md_review *r,
                          const struct md_render *rr);
void md_write_review_sarif(FILE *f, const struct md_review *r,
                           const struct md_render *rr);

/*
 * Two bundles of one server (marsdiag diff): a change per fact of each
 * proxy source (agent, system, users, winhttp, dotnet), the effective
 * proxy, and findings added and removed (compared as a review does).
 */
struct md_diff_change {
    const char *source; /* "agent", "system", "users", "winhttp", "dotnet",
                         * "effective" */
    const char *fact; /* "agent.proxy.server", "users[S-1-5-21-…].proxy.set" */
    const struct md_fact *old, *new_; /* NULL when absent on that side */
};

struct md_diff {
    struct md_verdict old, new_;
    struct md_diff_change *changes;
    size_t nchanges;
    struct md_finding_delta delta; /* old compared with new_ */
    bool effective_changed;
    struct md_arena arena;
};

/* Scan both and compare. Returns MD_OK, or the first bundle's error. */
enum md_status md_diff_run(const struct md_engine *e, const char *old_path,
                           const char *new_path,
                           const struct md_scan_opts *opts, struct md_diff *d);
void md_diff_free(struct md_diff *d);

/* Worst severity among added and escalated findings, or -1. */
int md_diff_worst_new(const struct md_diff *d);

/* marsdiag.diff/1, text, Markdown, HTML and SARIF; as the review
 * writers, with a table per proxy source that changed (old and new
 * values) and the findings added, made more severe and removed (SARIF:
 * "new", "updated", "unchanged" in NEW, "absent" from OLD; BUNDLE1 is
 * OLD, BUNDLE2 NEW). */
void md_write_diff_json(FILE *f, const struct md_diff *d,
                        const struct md_render *rr);
void md_write_diff_text(FILE *f, const struct md_diff *d,
                        const struct md_render *rr);
void md_write_diff_md(FILE *f, const struct md_diff *d,
                      const struct md_render *rr);
void md_write_diff_html(FILE *f, const struct md_diff *d,
                        const struct md_render *rr);
void md_write_diff_sarif(FILE *f, const struct md_diff *d,
                         const struct md_render *rr);

#endif
