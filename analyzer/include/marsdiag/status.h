/*
 * Status codes and damage grades shared by every module.
 *
 * The numbering of enum md_status is append-only (curl's CURLcode rule):
 * values are stored in reports and tests, so a code is never renumbered or
 * reused. md_status_str() has a string for every code; a unit test checks it.
 *
 * A grade says how bad a problem is for the thing it happened to
 * (libarchive's model): WARN means recovered and the data is still used,
 * FAILED means this entry is lost but the scan goes on, FATAL means the
 * whole input could not be read.
 */
#ifndef MARSDIAG_STATUS_H
#define MARSDIAG_STATUS_H

enum md_status {
    MD_OK = 0,
    MD_ERR_NOMEM = 1,       /* allocation failed */
    MD_ERR_IO = 2,          /* read or open failed */
    MD_ERR_LIMIT = 3,       /* a named limit was reached */
    MD_ERR_TRUNCATED = 4,   /* data ends early */
    MD_ERR_CRC = 5,         /* checksum mismatch */
    MD_ERR_ENCRYPTED = 6,   /* encrypted archive member */
    MD_ERR_METHOD = 7,      /* unsupported compression method */
    MD_ERR_CORRUPT = 8,     /* structure is damaged */
    MD_ERR_SYNTAX = 9,      /* text does not follow its format */
    MD_ERR_USAGE = 10,      /* bad argument from the caller */
    MD_ERR_NOTFOUND = 11,   /* no such file */
    MD_ERR_ENCODING = 12,   /* invalid byte sequence for the encoding */
    MD_STATUS_COUNT
};

enum md_grade {
    MD_GRADE_INFO = 0,   /* worth saying, nothing lost */
    MD_GRADE_WARN = 1,   /* recovered; the data is still used */
    MD_GRADE_FAILED = 2, /* this entry (or part) is lost; the scan goes on */
    MD_GRADE_FATAL = 3   /* the input could not be read at all */
};

/* Short lower-case name of a status ("crc", "truncated"); never NULL. */
const char *md_status_str(enum md_status st);

/* "info", "warning", "failed", "fatal"; never NULL. */
const char *md_grade_str(enum md_grade g);

#endif
