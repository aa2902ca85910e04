/* tally: partial dates and their arithmetic (the model). Dates are
 * partial, as in CLAIMS.md: a year, a year and month, or a full date. Owned
 * by src/model/date.c; includes only base's headers. */
#ifndef TALLY_DATE_H
#define TALLY_DATE_H

#include <stdbool.h>
#include <stddef.h>

#include "tally/err.h"

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
/** Whether `d` is a real partial date: year 1 to 9999, month 0 to 12, day 0
 *  or a day of that month. */
bool tally_date_valid(tally_date d);
/** The days of month `m` (1 to 12) of year `y`. */
int tally_date_days_in_month(int y, int m);

/** Days since 1970-01-01 of a partial date: its first day ("2024-03" is
 *  2024-03-01), or its last day when `end` is set ("2024-03" is 2024-03-31).
 *  A date without a year gives LONG_MIN. */
long tally_day_of(tally_date d, bool end);
/** The date of a day number; {0, 0, 0} outside the years 1 to 9999. */
tally_date tally_date_of(long day);
/** The full date `n` days after (before, for n < 0) the full date `d`. */
tally_date tally_date_add_days(tally_date d, int n);
/** The weekday of the full date `d`: 0 Monday to 6 Sunday. */
int tally_date_weekday(tally_date d);

#endif
