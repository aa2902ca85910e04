/* tally: dates and time expressions (stage 2). Dates are partial, as in
 * CLAIMS.md: a year, a year and month, or a full date. Relative expressions
 * ("since last September", "on Monday") resolve against the document date. */
#ifndef TALLY_WHEN_H
#define TALLY_WHEN_H

#include <stdbool.h>
#include <stddef.h>

#include "tally/err.h"
#include "tally/mem.h"

/** A partial date: month and day are 0 when unknown; year 0 means no date. */
typedef struct tally_date {
    int year;
    int month;
    int day;
} tally_date;

/** Parses "YYYY", "YYYY-MM" or "YYYY-MM-DD" (a whole string of `n` bytes);
 *  returns 0, or TALLY_EINPUT when it is not one (out is then {0}). */
int tally_date_parse(const char *s, size_t n, tally_date *out) TALLY_MUST_CHECK;
/** Writes "YYYY", "YYYY-MM" or "YYYY-MM-DD" into buf (at least 11 bytes);
 *  returns buf, or "" when d has no year. */
char *tally_date_format(tally_date d, char *buf);
/** Compares partial dates by their first day; returns <0, 0, >0. */
int tally_date_cmp(tally_date a, tally_date b);

/** What a time expression says about the figures near it. */
typedef enum tally_when_role {
    TALLY_WHEN_SINCE, /* start of the period: "since August", "from January" */
    TALLY_WHEN_AS_OF, /* when it was true or stated: "on Monday", "by October", "in late February"
                       */
    TALLY_WHEN_SPAN   /* a whole period: "in 2023", "last year" (since and as_of both) */
} tally_when_role;

/** One time expression. Offsets are bytes into the scanned text, end
 *  exclusive. For TALLY_WHEN_SPAN, `date` is the start and `end_date` the end
 *  ("in 2023": 2023 and 2023; "between March and May 2024"). */
typedef struct tally_when {
    size_t start;
    size_t end;
    tally_when_role role;
    tally_date date;
    tally_date end_date;
} tally_when;

typedef struct tally_whens {
    tally_when *v; /* lives in the arena */
    size_t n;
} tally_whens;

/** Finds the time expressions in `text` (valid UTF-8) and resolves them
 *  against `doc_date` (which may be partial or empty: then relative
 *  expressions that need it are left out). Past resolution: "last September"
 *  and "in September" written in February 2024 are 2023-09; "on Monday" is
 *  the latest Monday on or before the document date (a report dated on a
 *  Monday that says "on Monday" means that day), "last Monday" the one
 *  before. The rules are listed in src/extract/when.c. Returns 0. */
int tally_when_scan(tally_span text, tally_date doc_date, tally_whens *out, tally_arena *a,
                    tally_err *err) TALLY_MUST_CHECK;

/** Days since 1970-01-01 of a partial date: its first day ("2024-03" is
 *  2024-03-01), or its last day when `end` is set ("2024-03" is 2024-03-31).
 *  A date without a year gives LONG_MIN. */
long tally_day_of(tally_date d, bool end);
/** The date of a day number; {0, 0, 0} outside the years 1 to 9999. */
tally_date tally_date_of(long day);

#endif
