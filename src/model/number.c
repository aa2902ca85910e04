/* tally: numbers as people read them (include/tally/number.h). The scales,
 * the digits and the units' words are decided here and nowhere else.
 * Part of the model: includes base's public headers and its own. */
#include "tally/number.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The scales, largest first; a number from 10,000 up takes the largest
 * whose factor it reaches. */
static const struct {
    double factor;
    const char *suffix;
} scales[] = {{1e12, " tn"}, {1e9, " bn"}, {1e6, " M"}, {1e3, " K"}};
#define N_SCALES (sizeof scales / sizeof scales[0])
#define NO_SCALE N_SCALES

bool tally_num_scale(size_t i, double *factor, const char **suffix)
{
    if (i >= N_SCALES)
        return false;
    *factor = scales[i].factor;
    *suffix = scales[i].suffix;
    return true;
}

/* `x` (>= 0) rounded to three significant digits, written without trailing
 * zeros into out. */
static void sig3(double x, char *out, size_t size)
{
    int decimals = x >= 100 ? 0 : x >= 10 ? 1 : x >= 1 ? 2 : x > 0 ? 2 - (int)floor(log10(x)) : 0;
    if (decimals > 12)
        decimals = 12;
    snprintf(out, size, "%.*f", decimals, x);
    char *dot = strchr(out, '.');
    if (dot != NULL) {
        char *end = out + strlen(out);
        while (end > dot + 1 && end[-1] == '0')
            *--end = '\0';
        if (end == dot + 1)
            *dot = '\0';
    }
}

/* x (>= 0) rounded to three significant digits. */
static double round3(double x)
{
    if (x <= 0)
        return 0;
    double p = pow(10, 2 - floor(log10(x)));
    return round(x * p) / p;
}

/* The scale of |v| once rounded: NO_SCALE below 10,000. */
static size_t scale_of(double a)
{
    if (round(a) < TALLY_NUM_SCALE_FROM)
        return NO_SCALE;
    for (size_t i = 0; i < N_SCALES; i++)
        if (round3(a) >= scales[i].factor * (1 - 1e-9)) /* 999.6 bn is 1 tn */
            return i;
    return NO_SCALE;
}

/* |v| at scale `s`, without the suffix: "9.33", "2,500". */
static void digits_at(double a, size_t s, char *out, size_t size)
{
    if (s != NO_SCALE) {
        sig3(round3(a) / scales[s].factor, out, size);
        return;
    }
    if (round(a) < TALLY_NUM_GROUP_FROM) { /* 999.7 is written 1,000 */
        sig3(a, out, size);
        return;
    }
    char whole[32];
    snprintf(whole, sizeof whole, "%.0f", round(a));
    size_t n = strlen(whole), k = 0;
    for (size_t i = 0; i < n && k + 2 < size; i++) {
        if (i > 0 && (n - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = whole[i];
    }
    out[k] = '\0';
}

void tally_num_text(double v, char *buf, size_t size)
{
    if (!isfinite(v)) {
        snprintf(buf, size, "?");
        return;
    }
    double a = fabs(v);
    size_t s = scale_of(a);
    char d[48];
    digits_at(a, s, d, sizeof d);
    snprintf(buf, size, "%s%s%s", v < 0 && strcmp(d, "0") != 0 ? "-" : "", d,
             s == NO_SCALE ? "" : scales[s].suffix);
}

/* The number text `num` with `unit` beside it: a currency before it ("$",
 * "EUR "), a unit of the model after it in its plural (unless `one`),
 * another unit after it as given. */
static void with_unit(const char *num, const char *unit, bool one, char *buf, size_t size)
{
    tally_claim c = {0};
    if (unit == NULL || unit[0] == '\0')
        snprintf(buf, size, "%s", num);
    else if (tally_unit_parse(unit, &c) != 0 || (one && c.unit != TALLY_UNIT_MONEY))
        snprintf(buf, size, "%s %s", num, unit);
    else if (c.unit == TALLY_UNIT_MONEY && strcmp(c.currency, "USD") == 0)
        snprintf(buf, size, "%s$%s", num[0] == '-' ? "-" : "", num + (num[0] == '-'));
    else if (c.unit == TALLY_UNIT_MONEY)
        snprintf(buf, size, "%s %s", c.currency, num);
    else {
        /* the model's plural, its first word ("items (systems, ...)") */
        const char *d = tally_unit_term(c.unit)->display;
        snprintf(buf, size, "%s %.*s", num, (int)strcspn(d, " "), d);
    }
}

void tally_num_amount(double v, const char *unit, char *buf, size_t size)
{
    char num[48];
    tally_num_text(v, num, sizeof num);
    with_unit(num, unit, v == 1, buf, size);
}

void tally_num_range(double lo, double hi, const char *unit, char *buf, size_t size)
{
    char a[48], b[48], num[100];
    size_t s = scale_of(fabs(lo));
    if (isfinite(lo) && isfinite(hi) && lo >= 0 && hi >= 0 && s == scale_of(hi)) {
        if (round3(lo) == round3(hi)) {
            tally_num_amount(lo, unit, buf, size);
            return;
        }
        digits_at(lo, s, a, sizeof a);
        digits_at(hi, s, b, sizeof b);
        snprintf(num, sizeof num, "%s-%s%s", a, b, s == NO_SCALE ? "" : scales[s].suffix);
        with_unit(num, unit, false, buf, size);
        return;
    }
    tally_claim c = {0};
    if (unit != NULL && tally_unit_parse(unit, &c) == 0 && c.unit == TALLY_UNIT_MONEY) {
        /* each end with its currency: "$364 M to $1.27 bn" */
        tally_num_amount(lo, unit, a, sizeof a);
        tally_num_amount(hi, unit, b, sizeof b);
        snprintf(buf, size, "%s to %s", a, b);
        return;
    }
    tally_num_text(lo, a, sizeof a);
    tally_num_text(hi, b, sizeof b);
    snprintf(num, sizeof num, "%s to %s", a, b);
    with_unit(num, unit, false, buf, size);
}

void tally_num_figure(tally_qualifier q, bool has_low, double low, bool has_high, double high,
                      const char *unit, char *buf, size_t size)
{
    if (has_low && has_high) {
        tally_num_range(low, high, unit, buf, size);
        return;
    }
    char amount[TALLY_NUM_TEXT_MAX];
    tally_num_amount(has_low ? low : high, unit, amount, sizeof amount);
    const tally_term *t = tally_qualifier_term(q);
    const char *words = t != NULL ? t->display : "";
    snprintf(buf, size, "%s%s%s", words, words[0] != '\0' ? " " : "", amount);
}
