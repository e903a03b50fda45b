/* Names of status codes and grades (marsdiag/status.h). */
#include "marsdiag/status.h"

static const char *const status_names[MD_STATUS_COUNT] = {
    [MD_OK] = "ok",
    [MD_ERR_NOMEM] = "out of memory",
    [MD_ERR_IO] = "i/o error",
    [MD_ERR_LIMIT] = "limit reached",
    [MD_ERR_TRUNCATED] = "truncated",
    [MD_ERR_CRC] = "crc mismatch",
    [MD_ERR_ENCRYPTED] = "encrypted",
    [MD_ERR_METHOD] = "unsupported method",
    [MD_ERR_CORRUPT] = "corrupt",
    [MD_ERR_SYNTAX] = "syntax error",
    [MD_ERR_USAGE] = "usage error",
    [MD_ERR_NOTFOUND] = "not found",
    [MD_ERR_ENCODING] = "invalid encoding",
};

const char *
md_status_str(enum md_status st)
{
    if ((unsigned)st < MD_STATUS_COUNT && status_names[st])
        return status_names[st];
    return "unknown status";
}

const char *
md_grade_str(enum md_grade g)
{
    switch (g) {
    case MD_GRADE_INFO:
        return "info";
    case MD_GRADE_WARN:
        return "warning";
    case MD_GRADE_FAILED:
        return "failed";
    case MD_GRADE_FATAL:
        return "fatal";
    }
    return "unknown";
}
