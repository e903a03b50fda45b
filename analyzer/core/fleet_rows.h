/*
 * The roll-up's rows and rule counts (marsdiag/fleet.h), shared by
 * fleet.c, which builds them from NDJSON lines, and fleet_write.c, which
 * writes them out. Private to the library.
 */
#ifndef MARSDIAG_FLEET_ROWS_H
#define MARSDIAG_FLEET_ROWS_H

#include <stdbool.h>
#include <stddef.h>

#include "marsdiag/arena.h"
#include "marsdiag/fleet.h"

/* One finding of a row: just what the rule counts need. */
struct fleet_hit {
    const char *rule, *title;
    int severity; /* enum md_severity */
    bool suppressed;
};

/* One bundle. Strings are masked and live in the fleet's arena; a
 * missing one is "". */
struct fleet_row {
    const char *path, *host, *agent, *proxy, *error, *origin;
    const char *ident;  /* input.path_id when the line has one, else
                         * path: what duplicates are told apart by */
    const char *key_id; /* tool.redact_key, or "" */
    bool strict;        /* the line says tool.redact "strict" */
    bool redacted_here; /* not strict, given pseudonyms by md_fleet_redact */
    const char *rules;  /* ids of unsuppressed findings, sorted, ' ' */
    int worst;          /* of unsuppressed findings; -1 when none */
    size_t nfindings;   /* unsuppressed */
    size_t nwaived;     /* suppressed by a waiver */
    struct fleet_hit *hits;
    size_t nhits;
    size_t seq;         /* order of md_fleet_add, for duplicates */
};

/* One rule over all rows. */
struct fleet_rule {
    const char *id, *title;
    int severity;    /* most severe of its findings */
    size_t bundles;  /* rows where it fired, not waived */
    size_t waived;   /* rows where every one of its findings was waived */
};

struct md_fleet {
    struct md_arena keep; /* the rows' strings and hits */
    struct md_arena tmp;  /* one line's JSON tree at a time */
    struct fleet_row *rows;
    size_t nrows, cap;
    struct fleet_rule *rules;
    size_t nrules;
    bool finished;
    struct md_fleet **absorbed; /* whose arenas hold some of the rows */
    size_t nabsorbed;
    const struct md_redactor *redact; /* md_fleet_redact's, borrowed */
};

#endif
