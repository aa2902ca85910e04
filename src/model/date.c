/* tally: partial dates (the model): parsing, formatting, comparing and
 * day arithmetic. Dates are proleptic Gregorian, years 1 to 9999.
 * Part of the model: includes base's public headers and its own. */
#include "tally/date.h"

#include <limits.h>

#include "tally/ascii.h"

static bool is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int tally_date_days_in_month(int y, int m)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

/* Year 1..9999, month 0..12, day 0 or a day of that month (which is then set). */
bool tally_date_valid(tally_date d)
{
    if (d.year < 1 || d.year > 9999 || d.month < 0 || d.month > 12 || d.day < 0)
        return false;
    if (d.day == 0)
        return true;
    return d.month != 0 && d.day <= tally_date_days_in_month(d.year, d.month);
}

static int digits_value(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

int tally_date_parse(const char *s, size_t n, tally_date *out)
{
    tally_date d = {0, 0, 0};
    int rc = TALLY_EINPUT;
    *out = d;
    if (s == NULL || (n != 4 && n != 7 && n != 10))
        goto out;
    for (size_t i = 0; i < n; i++) {
        bool dash = i == 4 || i == 7;
        if (dash ? s[i] != '-' : !tally_is_digit((unsigned char)s[i]))
            goto out;
    }
    d.year = digits_value(s, 4);
    if (n >= 7)
        d.month = digits_value(s + 5, 2);
    if (n == 10)
        d.day = digits_value(s + 8, 2);
    if (!tally_date_valid(d) || (n >= 7 && d.month == 0) || (n == 10 && d.day == 0))
        goto out;
    *out = d;
    rc = 0;
out:
    return rc;
}

static char *put_digits(char *p, int v, int width)
{
    for (int i = width - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + width;
}

char *tally_date_format(tally_date d, char *buf)
{
    char *p = buf;
    if (d.year != 0 && tally_date_valid(d)) {
        p = put_digits(p, d.year, 4);
        if (d.month != 0) {
            *p++ = '-';
            p = put_digits(p, d.month, 2);
            if (d.day != 0) {
                *p++ = '-';
                p = put_digits(p, d.day, 2);
            }
        }
    }
    *p = '\0';
    return buf;
}

int tally_date_cmp(tally_date a, tally_date b)
{
    int am = a.month ? a.month : 1, bm = b.month ? b.month : 1;
    int ad = a.day ? a.day : 1, bd = b.day ? b.day : 1;
    if (a.year != b.year)
        return a.year < b.year ? -1 : 1;
    if (am != bm)
        return am < bm ? -1 : 1;
    if (ad != bd)
        return ad < bd ? -1 : 1;
    return 0;
}

/* Days since 1970-01-01 of a full date (H. Hinnant's days_from_civil). */
static long long days_from_civil(int y, int m, int d)
{
    long long yy = (long long)y - (m <= 2);
    long long era = (yy >= 0 ? yy : yy - 399) / 400;
    long long yoe = yy - era * 400;
    long long doy = (153LL * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    long long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Month 0 is the whole year and day 0 the whole month; a month above 12 or
 * a day past the month's end is taken as the last one, so that the result
 * is always a real day. */
long tally_day_of(tally_date d, bool end)
{
    if (d.year == 0)
        return LONG_MIN;
    int m = d.month < 0 ? 0 : d.month > 12 ? 12 : d.month;
    if (m == 0)
        m = end ? 12 : 1;
    int last = tally_date_days_in_month(d.year, m);
    int day = d.day;
    if (d.month == 0 || day <= 0)
        day = end ? last : 1;
    if (day > last)
        day = last;
    return (long)days_from_civil(d.year, m, day);
}

/* (H. Hinnant's civil_from_days.) Days of years before 1 or after 9999 give
 * {0, 0, 0}: year 0 means "no date", and the formats print four digits. */
tally_date tally_date_of(long day)
{
    tally_date none = {0, 0, 0};
    if (day < -719162L || day > 2932896L) /* 0001-01-01 and 9999-12-31 */
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

tally_date tally_date_add_days(tally_date d, int n)
{
    return tally_date_of((long)days_from_civil(d.year, d.month, d.day) + n);
}

int tally_date_weekday(tally_date d)
{
    long long z = days_from_civil(d.year, d.month, d.day);
    return (int)(((z % 7) + 7 + 3) % 7); /* 1970-01-01 was a Thursday */
}
