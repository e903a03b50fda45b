/*
 * Every resource limit of marsdiag, in one place (DESIGN §5).
 *
 * A limit is a named number. Hitting one is a diagnostic on the input that
 * names the limit and its value (for example "limit 'member_bytes' (2147483648)
 * reached"), never a crash and never a silent cut. Every limit can be changed
 * on the command line with --limit NAME=VALUE; md_limits_table lists them
 * with their defaults and the reason for each default.
 */
#ifndef MARSDIAG_LIMITS_H
#define MARSDIAG_LIMITS_H

#include <stddef.h>
#include <stdint.h>

#define MD_LIMITS(X)                                                          \
    X(bundle_bytes, 16ULL << 30,                                              \
      "decompressed bytes read from one bundle")                              \
    X(member_bytes, 4ULL << 30, "decompressed bytes of one archive member")   \
    X(ratio, 1000, "decompressed/compressed ratio of a member above 1 MiB")    \
    X(depth, 4, "nesting depth of archives inside archives")                  \
    X(entries, 100000, "entries (files and members) in one bundle")           \
    X(line_bytes, 1ULL << 20, "bytes in one text line")                       \
    X(xml_depth, 256, "element nesting depth of an XML file")                 \
    X(reg_key_depth, 64, "components of one registry key path")               \
    X(reg_value_bytes, 16ULL << 20, "bytes of one registry value's data")     \
    X(record_bytes, 1ULL << 20, "bytes of one log record with continuations")  \
    X(dir_depth, 32, "directory levels walked below an input folder")         \
    X(pcre2_match, 1000000, "PCRE2 match limit per regex call")               \
    X(pcre2_depth, 10000, "PCRE2 backtracking depth limit per regex call")    \
    X(pcre2_heap_kib, 20480, "PCRE2 heap KiB per regex call")                 \
    X(rules, 4096, "rules in one rule set")                                   \
    X(expr_depth, 64, "nesting depth of a rule expression")                   \
    X(rule_file_bytes, 4ULL << 20, "bytes of one rule file")                  \
    X(change_bytes, 16ULL << 20, "bytes of a change file (review --change)")  \
    X(change_records, 4096,                                                   \
      "statements and registry values of a change file")

struct md_limits {
#define MD_LIMIT_FIELD(name, def, doc) uint64_t name;
    MD_LIMITS(MD_LIMIT_FIELD)
#undef MD_LIMIT_FIELD
};

struct md_limit_info {
    const char *name;
    uint64_t def;
    const char *doc;
    size_t offset; /* of the field in struct md_limits */
};

/* The table of all limits, in declaration order; n is set to its length. */
const struct md_limit_info *md_limits_table(size_t *n);

/* Fill lim with the defaults. */
void md_limits_default(struct md_limits *lim);

/*
 * Parse "NAME=VALUE" (VALUE a decimal number with an optional K, M or G
 * suffix, powers of 1024) and set that limit. Returns 0, or -1 when the name
 * is unknown or the value is not a positive number.
 */
int md_limits_set(struct md_limits *lim, const char *assignment);

#endif
