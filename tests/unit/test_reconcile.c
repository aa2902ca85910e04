/* Tests of day numbers (src/estimate/days.c) and of the reconciliation of a
 * series into quantiles over time (src/estimate/reconcile.c). */
#include "tally/estimate.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "harness.h"

/* ---- days ---------------------------------------------------------------------- */

static tally_date date(int y, int m, int d)
{
    tally_date r = {y, m, d};
    return r;
}

static void test_days_known(void)
{
    CHECK_INT_EQ(tally_day_of(date(1970, 1, 1), false), 0);
    CHECK_INT_EQ(tally_day_of(date(1969, 12, 31), false), -1);
    CHECK_INT_EQ(tally_day_of(date(2024, 3, 1), false), 19783);
    CHECK_INT_EQ(tally_day_of(date(1, 1, 1), false), -719162);
    CHECK_INT_EQ(tally_day_of(date(9999, 12, 31), true), 2932896);
    /* a full date is its own first and last day */
    CHECK_INT_EQ(tally_day_of(date(2024, 3, 1), true), 19783);
    CHECK_INT_EQ(tally_day_of(date(0, 0, 0), false), LONG_MIN);
}

static void test_days_partial(void)
{
    /* a year: 1 January to 31 December */
    CHECK_INT_EQ(tally_day_of(date(2024, 0, 0), false), 19723);
    CHECK_INT_EQ(tally_day_of(date(2024, 0, 0), true), 20088);
    /* a month: its first and last day, leap years included */
    CHECK_INT_EQ(tally_day_of(date(2024, 2, 0), false), 19783 - 29);
    CHECK_INT_EQ(tally_day_of(date(2024, 2, 0), true), 19782);
    CHECK_INT_EQ(tally_day_of(date(2023, 2, 0), true), 19416);
    CHECK_INT_EQ(tally_day_of(date(2000, 2, 0), true), 11016);  /* divisible by 400 */
    CHECK_INT_EQ(tally_day_of(date(1900, 2, 0), true), -25509); /* by 100, not 400 */
    CHECK_INT_EQ(tally_day_of(date(2023, 3, 0), true), 19447);
    CHECK_INT_EQ(tally_day_of(date(2023, 12, 0), true), tally_day_of(date(2023, 0, 0), true));
    CHECK_INT_EQ(tally_day_of(date(2024, 1, 0), false), tally_day_of(date(2024, 0, 0), false));
    /* every month's last day is the day before the next month's first */
    for (int y = 1899; y <= 2101; y++)
        for (int m = 1; m <= 12; m++) {
            tally_date next = m == 12 ? date(y + 1, 1, 0) : date(y, m + 1, 0);
            CHECK_INT_EQ(tally_day_of(date(y, m, 0), true) + 1, tally_day_of(next, false));
        }
}

static void test_days_round_trip(void)
{
    for (long day = -800000; day <= 3000000; day += 7) {
        tally_date d = tally_date_of(day);
        if (day < -719162 || day > 2932896) {
            CHECK_INT_EQ(d.year, 0);
            continue;
        }
        CHECK_INT_EQ(tally_day_of(d, false), day);
        CHECK_INT_EQ(tally_day_of(d, true), day);
    }
    for (long day = 19000; day <= 21000; day++) {
        tally_date d = tally_date_of(day);
        CHECK(d.month >= 1 && d.month <= 12 && d.day >= 1 && d.day <= 31);
        CHECK_INT_EQ(tally_day_of(d, false), day);
    }
    tally_date d = tally_date_of(19782);
    CHECK_INT_EQ(d.year, 2024);
    CHECK_INT_EQ(d.month, 2);
    CHECK_INT_EQ(d.day, 29);
    d = tally_date_of(-1);
    CHECK_INT_EQ(d.year, 1969);
    CHECK_INT_EQ(d.month, 12);
    CHECK_INT_EQ(d.day, 31);
    CHECK_INT_EQ(tally_date_of(LONG_MIN).year, 0);
    CHECK_INT_EQ(tally_date_of(LONG_MAX).year, 0);
}

/* ---- reconciliation: helpers ---------------------------------------------------- */

static tally_point pt(long day, tally_bound b, double value, double sigma)
{
    tally_point p = {.day = day, .bound = b, .value = value, .sigma = sigma};
    p.factor_lo = p.factor_hi = 1;
    return p;
}

static bool near(double got, double want, double rel)
{
    return fabs(got - want) <= rel * fabs(want);
}

#define CHECK_NEAR(got, want, rel)                                                                 \
    do {                                                                                           \
        double g_ = (got), w_ = (want);                                                            \
        if (!near(g_, w_, rel)) {                                                                  \
            fprintf(stderr, "%s:%d: %s near %s failed: %g vs %g\n", __FILE__, __LINE__, #got,      \
                    #want, g_, w_);                                                                \
            harness_now.failures++;                                                                \
        }                                                                                          \
    } while (0)

/* Runs the reconciliation and checks that it succeeds. */
static void run(const tally_point *p, size_t n, const long *days, size_t nd, unsigned draws,
                tally_quantiles *out)
{
    tally_err err = {0};
    int rc = tally_reconcile(p, n, 0, days, nd, draws, 42, out, &err);
    if (rc != 0)
        fprintf(stderr, "tally_reconcile: %s\n", err.msg);
    CHECK_INT_EQ(rc, 0);
}

/* ---- reconciliation ----------------------------------------------------------- */

static void test_reconcile_single_point(void)
{
    const double sigma = 0.2;
    tally_point p = pt(100, TALLY_OBS_POINT, 1000, sigma);
    long days[] = {100, 50, 400, 0, -5};
    tally_quantiles q[5];
    run(&p, 1, days, 5, 20000, q);
    CHECK_INT_EQ(q[0].day, 100);
    CHECK_NEAR(q[0].q50, 1000, 0.02);
    CHECK_NEAR(q[0].q05, 1000 * exp(-1.645 * sigma), 0.03);
    CHECK_NEAR(q[0].q95, 1000 * exp(1.645 * sigma), 0.03);
    CHECK_NEAR(q[0].q25, 1000 * exp(-0.674 * sigma), 0.03);
    CHECK_NEAR(q[0].q75, 1000 * exp(0.674 * sigma), 0.03);
    /* from 0 at the start, linearly; flat after the last point */
    CHECK_NEAR(q[1].q50, 500, 0.02);
    CHECK_NEAR(q[2].q50, 1000, 0.02);
    CHECK_NEAR(q[2].q95, q[0].q95, 1e-12);
    CHECK(q[3].q05 == 0 && q[3].q95 == 0);
    CHECK(q[4].q50 == 0);

    /* an exact point with no error: every draw is the value */
    p.sigma = 0;
    run(&p, 1, days, 1, 0, q);
    CHECK_NEAR(q[0].q05, 1000, 1e-9);
    CHECK_NEAR(q[0].q95, 1000, 1e-9);
}

static void test_reconcile_deterministic(void)
{
    tally_point p[3] = {pt(100, TALLY_OBS_POINT, 1000, 0.2), pt(200, TALLY_OBS_POINT, 900, 0.3),
                        pt(300, TALLY_OBS_LOWER, 1500, 0.1)};
    long days[] = {150, 250, 350};
    tally_quantiles a[3], b[3], c[3];
    tally_err err;
    CHECK_INT_EQ(tally_reconcile(p, 3, 0, days, 3, 500, 7, a, &err), 0);
    CHECK_INT_EQ(tally_reconcile(p, 3, 0, days, 3, 500, 7, b, &err), 0);
    CHECK_INT_EQ(tally_reconcile(p, 3, 0, days, 3, 500, 8, c, &err), 0);
    CHECK(memcmp(a, b, sizeof a) == 0);
    CHECK(a[1].q50 != c[1].q50);
    CHECK_NEAR(a[1].q50, c[1].q50, 0.05);
}

static void test_reconcile_monotone(void)
{
    /* noisy and partly decreasing claims, several on one day */
    tally_point p[] = {
        pt(60, TALLY_OBS_POINT, 2000, 0.3),   pt(90, TALLY_OBS_POINT, 1500, 0.2),
        pt(90, TALLY_OBS_POINT, 2500, 0.4),   pt(200, TALLY_OBS_POINT, 9000, 0.2),
        pt(260, TALLY_OBS_POINT, 7000, 0.15), pt(300, TALLY_OBS_LOWER, 8000, 0.1),
        pt(420, TALLY_OBS_UPPER, 20000, 0.1), pt(500, TALLY_OBS_POINT, 15000, 0.3),
    };
    p[4].bound = TALLY_OBS_RANGE;
    p[4].value_high = 11000;
    enum { ND = 700 };
    long days[ND];
    tally_quantiles q[ND];
    for (size_t i = 0; i < ND; i++)
        days[i] = (long)((i * 389) % ND); /* every day once, out of order */
    run(p, sizeof p / sizeof p[0], days, ND, 1000, q);
    tally_quantiles by_day[ND];
    for (size_t i = 0; i < ND; i++) {
        CHECK_INT_EQ(q[i].day, days[i]);
        by_day[q[i].day] = q[i];
    }
    int bad = 0;
    for (size_t t = 0; t < ND; t++) {
        const tally_quantiles *x = &by_day[t];
        if (!(x->q05 <= x->q25 && x->q25 <= x->q50 && x->q50 <= x->q75 && x->q75 <= x->q95))
            bad++;
        if (t > 0) {
            const tally_quantiles *w = &by_day[t - 1];
            if (w->q05 > x->q05 || w->q25 > x->q25 || w->q50 > x->q50 || w->q75 > x->q75 ||
                w->q95 > x->q95)
                bad++;
        }
    }
    CHECK_INT_EQ(bad, 0);
    CHECK(by_day[0].q95 == 0);
    CHECK(by_day[699].q50 > 0);
}

static void test_reconcile_lower_bound(void)
{
    tally_point p[3] = {pt(100, TALLY_OBS_POINT, 1000, 0.1), pt(300, TALLY_OBS_POINT, 3000, 0.1),
                        pt(200, TALLY_OBS_LOWER, 5000, 0.05)};
    long days[] = {50, 100, 150, 199, 200, 250, 300, 400};
    tally_quantiles with[8], without[8];
    run(p, 3, days, 8, 4000, with);
    run(p, 2, days, 8, 4000, without);
    /* before its day, nothing moves (within Monte Carlo noise) */
    for (size_t i = 0; i < 4; i++) {
        CHECK_NEAR(with[i].q50, without[i].q50, 0.02);
        CHECK_NEAR(with[i].q95, without[i].q95, 0.03);
    }
    /* on and after it, N is at least about 5000 */
    double floor5 = 5000 * exp(-1.645 * 0.05) * 0.99;
    for (size_t i = 4; i < 8; i++) {
        CHECK(with[i].q05 >= floor5);
        CHECK(with[i].q50 >= 4950);
        CHECK(with[i].q50 > without[i].q50 * 1.3);
    }
}

static void test_reconcile_upper_bound(void)
{
    tally_point p[3] = {pt(100, TALLY_OBS_POINT, 1000, 0.1), pt(300, TALLY_OBS_POINT, 3000, 0.1),
                        pt(250, TALLY_OBS_UPPER, 1500, 0.05)};
    long days[] = {50, 150, 200, 250, 251, 300, 400};
    tally_quantiles with[7], without[7];
    run(p, 3, days, 7, 4000, with);
    run(p, 2, days, 7, 4000, without);
    double cap = 1500 * exp(1.645 * 0.05) * 1.01;
    for (size_t i = 0; i < 4; i++)
        CHECK(with[i].q95 <= cap);
    CHECK(with[2].q50 < without[2].q50 * 0.8); /* 2000 capped at about 1500 */
    CHECK(with[3].q50 < without[3].q50 * 0.7);
    CHECK_NEAR(with[0].q50, without[0].q50, 0.02); /* below the cap anyway */
    /* after its day the cap no longer holds */
    for (size_t i = 4; i < 7; i++)
        CHECK_NEAR(with[i].q50, without[i].q50, 0.02);
}

static void test_reconcile_lower_wins(void)
{
    /* bounds that cannot both hold: at least 5000 by day 100, at most 2000 by day 200 */
    tally_point p[3] = {pt(100, TALLY_OBS_POINT, 1000, 0.1), pt(100, TALLY_OBS_LOWER, 5000, 0),
                        pt(200, TALLY_OBS_UPPER, 2000, 0)};
    long days[] = {100, 150, 200, 300};
    tally_quantiles q[4];
    run(p, 3, days, 4, 500, q);
    for (size_t i = 0; i < 4; i++)
        CHECK_NEAR(q[i].q05, 5000, 1e-9);
}

static void test_reconcile_converted_wider(void)
{
    tally_point p = pt(100, TALLY_OBS_POINT, 1000, 0.15);
    long day = 100;
    tally_quantiles plain, conv;
    run(&p, 1, &day, 1, 4000, &plain);
    p.factor_lo = 0.5;
    p.factor_hi = 2;
    run(&p, 1, &day, 1, 4000, &conv);
    CHECK(conv.q95 / conv.q05 > 1.5 * (plain.q95 / plain.q05));
    CHECK(conv.q75 / conv.q25 > plain.q75 / plain.q25);
    CHECK_NEAR(conv.q50, plain.q50, 0.05); /* the factor is centred on 1 (geometrically) */
    /* a range is wider than a point too, and its median lies inside it */
    tally_point r = pt(100, TALLY_OBS_RANGE, 1000, 0.05);
    r.value_high = 4000;
    tally_quantiles rq;
    run(&r, 1, &day, 1, 4000, &rq);
    CHECK_NEAR(rq.q50, 2000, 0.05);
    CHECK(rq.q05 > 1000 * 0.9 && rq.q95 < 4000 * 1.1);
}

static void test_reconcile_bounds_only(void)
{
    tally_point p[2] = {pt(10, TALLY_OBS_LOWER, 100, 0.1), pt(20, TALLY_OBS_LOWER, 50, 0.1)};
    long days[] = {5, 10, 15, 20, 40};
    tally_quantiles q[5];
    run(p, 2, days, 5, 2000, q);
    CHECK(q[0].q50 > 0 && q[0].q95 < q[1].q50); /* the ramp from the start */
    for (size_t i = 1; i < 5; i++) {
        CHECK_NEAR(q[i].q50, 100, 0.03); /* the largest bound so far */
        CHECK(q[i].q05 < q[i].q50 && q[i].q50 < q[i].q95);
    }
    tally_point u = pt(10, TALLY_OBS_UPPER, 100, 0.1);
    run(&u, 1, days, 5, 2000, q);
    CHECK_NEAR(q[1].q50, 100, 0.03);
    CHECK(q[4].q95 <= 100 * exp(1.645 * 0.1) * 1.02);
}

static void test_reconcile_errors(void)
{
    tally_err err = {0};
    long day = 10;
    tally_quantiles q;
    CHECK_INT_EQ(tally_reconcile(NULL, 0, 0, &day, 1, 0, 1, &q, &err), TALLY_EINPUT);
    CHECK(err.msg[0] != '\0');
    tally_point p = pt(0, TALLY_OBS_POINT, 10, 0.1);
    CHECK_INT_EQ(tally_reconcile(&p, 1, 0, &day, 1, 0, 1, &q, &err), TALLY_EINPUT);
    p = pt(5, TALLY_OBS_POINT, 0, 0.1);
    CHECK_INT_EQ(tally_reconcile(&p, 1, 0, &day, 1, 0, 1, &q, &err), TALLY_EINPUT);
    p = pt(5, TALLY_OBS_RANGE, 10, 0.1);
    p.value_high = 5;
    CHECK_INT_EQ(tally_reconcile(&p, 1, 0, &day, 1, 0, 1, &q, &err), TALLY_EINPUT);
    p = pt(5, TALLY_OBS_POINT, 10, -1);
    CHECK_INT_EQ(tally_reconcile(&p, 1, 0, &day, 1, 0, 1, &q, &err), TALLY_EINPUT);
    p = pt(5, TALLY_OBS_POINT, 10, 0.1);
    p.factor_lo = 2;
    p.factor_hi = 1;
    CHECK_INT_EQ(tally_reconcile(&p, 1, 0, &day, 1, 0, 1, &q, &err), TALLY_EINPUT);
    /* a zeroed factor reads as not converted */
    p.factor_lo = p.factor_hi = 0;
    CHECK_INT_EQ(tally_reconcile(&p, 1, 0, &day, 1, 0, 1, &q, &err), 0);
    CHECK_NEAR(q.q50, 10, 0.05);
}

/* ---- calibration ---------------------------------------------------------------- */

typedef struct trng {
    uint64_t s;
} trng;

static double t_uniform(trng *r)
{
    uint64_t z = (r->s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    z ^= z >> 31;
    return ((double)(z >> 11) + 0.5) * 0x1.0p-53;
}

static double t_normal(trng *r)
{
    double u1 = t_uniform(r), u2 = t_uniform(r);
    return sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2);
}

static long t_day(trng *r, long lo, long hi)
{
    return lo + (long)(t_uniform(r) * (double)(hi - lo + 1));
}

/* Synthetic series N(t) = a (t / 700)^b over 700 days, with claims drawn
 * from the model's own noise: points log-normal around the truth, lower
 * bounds below it and upper bounds above it by |z| sigma, ranges around
 * it; some points converted with a factor whose range holds the true one.
 * The truth is checked at each point's day and at a day between points. */
static void test_reconcile_calibration(void)
{
    trng r = {20240611};
    static const double sigmas[] = {0.1, 0.15, 0.2, 0.3};
    int checks = 0, in90 = 0, in50 = 0;
    int checks_at = 0, in90_at = 0, checks_between = 0, in90_between = 0;
    for (int s = 0; s < 80; s++) {
        double a = exp(log(1e3) + t_uniform(&r) * log(1e4));
        double b = 0.6 + 1.2 * t_uniform(&r);
        tally_point p[16];
        size_t n = 0, n_points = 3 + (size_t)(t_uniform(&r) * 5);
        long days[16];
        size_t nd = 0;
        for (size_t i = 0; i < n_points; i++) {
            long day = t_day(&r, 40, 700);
            double truth = a * pow((double)day / 700, b);
            double sigma = sigmas[(size_t)(t_uniform(&r) * 4)];
            double z = t_normal(&r);
            tally_point x = pt(day, TALLY_OBS_POINT, truth * exp(sigma * z), sigma);
            double kind = t_uniform(&r);
            if (kind < 0.15) {
                /* a range of width w that holds the noisy value at a uniform place */
                double w = log(1.5 + t_uniform(&r));
                double at = t_uniform(&r);
                x.bound = TALLY_OBS_RANGE;
                x.value = truth * exp(sigma * z - at * w);
                x.value_high = x.value * exp(w);
            } else if (kind < 0.3) {
                /* converted: the figure is in another unit, the true factor f
                 * lies log-uniformly in [f lo, f hi] */
                double w = log(2 + 2 * t_uniform(&r));
                double at = t_uniform(&r);
                double f = 1 + 9 * t_uniform(&r);
                x.factor_lo = f * exp(-at * w);
                x.factor_hi = x.factor_lo * exp(w);
                x.value = x.value / f;
            }
            p[n++] = x;
            if (nd < 16)
                days[nd++] = day;
        }
        size_t n_bounds = (size_t)(t_uniform(&r) * 3);
        for (size_t i = 0; i < n_bounds; i++) {
            long day = t_day(&r, 40, 700);
            double truth = a * pow((double)day / 700, b);
            double sigma = sigmas[(size_t)(t_uniform(&r) * 4)];
            bool lower = t_uniform(&r) < 0.7;
            double e = fabs(t_normal(&r)) * sigma;
            p[n++] = pt(day, lower ? TALLY_OBS_LOWER : TALLY_OBS_UPPER, truth * exp(lower ? -e : e),
                        sigma);
        }
        size_t nd_at = nd;
        days[nd++] = t_day(&r, 40, 700);
        tally_quantiles q[16];
        tally_err err;
        int rc = tally_reconcile(p, n, 0, days, nd, 2000, (uint64_t)s + 1, q, &err);
        CHECK_INT_EQ(rc, 0);
        if (rc != 0)
            continue;
        for (size_t i = 0; i < nd; i++) {
            double truth = a * pow((double)days[i] / 700, b);
            bool c90 = q[i].q05 <= truth && truth <= q[i].q95;
            bool c50 = q[i].q25 <= truth && truth <= q[i].q75;
            checks++;
            in90 += c90;
            in50 += c50;
            if (i < nd_at) {
                checks_at++;
                in90_at += c90;
            } else {
                checks_between++;
                in90_between += c90;
            }
        }
    }
    double c90 = (double)in90 / checks, c50 = (double)in50 / checks;
    printf("calibration: %d checks over 80 series: 90%% interval covers %.1f%%, 50%% interval "
           "covers %.1f%%\n",
           checks, 100 * c90, 100 * c50);
    printf("calibration: at claim days %.1f%% of %d, between them %.1f%% of %d (90%% interval)\n",
           100.0 * in90_at / checks_at, checks_at, 100.0 * in90_between / checks_between,
           checks_between);
    CHECK(checks >= 200);
    CHECK(c90 >= 0.85 && c90 <= 0.95);
    CHECK(c50 >= 0.35 && c50 <= 0.65);
}

/* Prints (never asserts) the time of one call: 50 points, 2000 draws, 50 days. */
static void test_reconcile_timing(void)
{
    trng r = {99};
    tally_point p[50];
    long days[50];
    for (size_t i = 0; i < 50; i++) {
        long day = 14 * (long)(i + 1);
        p[i] = pt(day, i % 10 == 3 ? TALLY_OBS_LOWER : TALLY_OBS_POINT,
                  1000.0 * (double)(i + 1) * exp(0.2 * t_normal(&r)), 0.2);
        if (i % 10 == 7) {
            p[i].bound = TALLY_OBS_RANGE;
            p[i].value_high = p[i].value * 1.5;
        }
        days[i] = day;
    }
    tally_quantiles q[50];
    enum { REPS = 50 };
    clock_t t0 = clock();
    for (int k = 0; k < REPS; k++)
        run(p, 50, days, 50, 2000, q);
    double ms = 1000.0 * (double)(clock() - t0) / CLOCKS_PER_SEC / REPS;
    printf("timing: %.2f ms per call (50 points, 2000 draws, 50 days)\n", ms);
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"days_known", test_days_known},
        {"days_partial", test_days_partial},
        {"days_round_trip", test_days_round_trip},
        {"reconcile_single_point", test_reconcile_single_point},
        {"reconcile_deterministic", test_reconcile_deterministic},
        {"reconcile_monotone", test_reconcile_monotone},
        {"reconcile_lower_bound", test_reconcile_lower_bound},
        {"reconcile_upper_bound", test_reconcile_upper_bound},
        {"reconcile_lower_wins", test_reconcile_lower_wins},
        {"reconcile_converted_wider", test_reconcile_converted_wider},
        {"reconcile_bounds_only", test_reconcile_bounds_only},
        {"reconcile_errors", test_reconcile_errors},
        {"reconcile_calibration", test_reconcile_calibration},
        {"reconcile_timing", test_reconcile_timing},
        {NULL, NULL},
    };
    return harness_run(tests);
}
