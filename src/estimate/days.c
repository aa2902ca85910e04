/* tally: day numbers (days since 1970-01-01) of partial dates, and back.
 * The proleptic Gregorian calendar, by H. Hinnant's days_from_civil and
 * civil_from_days. */
#include "tally/estimate.h"

#include <limits.h>

static bool is_leap(long long y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(long long y, int m)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

static long long days_from_civil(long long y, int m, int d)
{
    y -= m <= 2;
    long long era = (y >= 0 ? y : y - 399) / 400;
    long long yoe = y - era * 400;
    long long doy = (153LL * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Month 0 is the whole year and day 0 the whole month; a month above 12 or
 * a day past the month's end is taken as the last one, so that the result
 * is always a real day. A date without a year gives LONG_MIN (no day, as in
 * tally_obs.since). */
long tally_day_of(tally_date d, bool end)
{
    if (d.year == 0)
        return LONG_MIN;
    int m = d.month;
    if (m < 0)
        m = 0;
    if (m > 12)
        m = 12;
    if (m == 0)
        m = end ? 12 : 1;
    int last = month_days(d.year, m);
    int day = d.day;
    if (d.month == 0 || day <= 0)
        day = end ? last : 1;
    if (day > last)
        day = last;
    return (long)days_from_civil(d.year, m, day);
}

/* Days of years before 1 or after 9999 give {0, 0, 0}: year 0 means "no
 * date" in a tally_date, and the formats print four digits. */
tally_date tally_date_of(long day)
{
    tally_date none = {0, 0, 0};
    /* 0001-01-01 and 9999-12-31 */
    if (day < -719162L || day > 2932896L)
        return none;
    long long z = (long long)day + 719468;
    long long era = z / 146097; /* z > 0 in the range checked */
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    long long dd = doy - (153 * mp + 2) / 5 + 1;
    long long mm = mp < 10 ? mp + 3 : mp - 9;
    long long y = yoe + era * 400 + (mm <= 2);
    tally_date r = {(int)y, (int)mm, (int)dd};
    return r;
}
