/* tally: reconciling the clusters of a series into a cumulative quantity
 * N(t) with quantiles (the model sketch of DOMAIN.md part (e)).
 *
 * Each Monte Carlo draw samples every point on the log scale, fits the
 * point (and range) samples by weighted isotonic regression (pool adjacent
 * violators), imposes the bound samples, and reads N at the asked days. The
 * quantiles over the draws are the estimate. Everything is deterministic:
 * the generator is xoshiro256** seeded by splitmix64 from `seed`.
 * Part of stage 4, estimate: includes the public headers of every stage up to
 * the store (not the pipeline), and its own. */
#include "tally/estimate.h"

#include <math.h>
#include <stdlib.h>

#include "tally/mem.h"

#define DEFAULT_DRAWS 2000u
/* A point with no stated error still gets a little, so that its weight is
 * finite (sigma 0.001: a tenth of a percent). */
#define MIN_VAR 1e-6
/* At most this many samples (doubles) are held at once; more days are
 * done in chunks, each replaying the same draws. */
#define SAMPLE_BUDGET ((size_t)1 << 19)

/* ---- random numbers ---------------------------------------------------------- */

typedef struct rng {
    uint64_t s[4];
    double spare; /* the second normal of a Box-Muller pair */
    bool has_spare;
} rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static void rng_seed(rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
    r->has_spare = false;
    r->spare = 0;
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

/* xoshiro256** (Blackman and Vigna). */
static uint64_t rng_next(rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

/* Uniform in [0, 1). */
static double rng_uniform(rng *r)
{
    return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

/* Standard normal by Box-Muller; u1 is in (0, 1] so its log is finite. */
static double rng_normal(rng *r)
{
    if (r->has_spare) {
        r->has_spare = false;
        return r->spare;
    }
    double u1 = (double)((rng_next(r) >> 11) + 1) * 0x1.0p-53;
    double u2 = rng_uniform(r);
    double rad = sqrt(-2.0 * log(u1));
    double ang = 6.283185307179586476925 * u2;
    r->spare = rad * sin(ang);
    r->has_spare = true;
    return rad * cos(ang);
}

/* ---- the points, prepared once per call ----------------------------------------- */

enum { ROLE_FIT = 1, ROLE_LOWER = 2, ROLE_UPPER = 4 };

typedef struct item {
    long day;
    size_t order;  /* index in the caller's array: ties sort by it */
    int role;      /* ROLE_*: bounds are also fitted when there are no points */
    double mu;     /* log of the value (the low end of a range) */
    double width;  /* log of value_high / value (ranges), else 0 */
    double fmu;    /* log of factor_lo */
    double fwidth; /* log of factor_hi / factor_lo */
    double sigma;
    double weight; /* 1 / the variance of the log sample */
} item;

typedef struct qday {
    long day;
    size_t at; /* index in days and out */
} qday;

static int item_cmp(const void *a, const void *b)
{
    const item *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static int qday_cmp(const void *a, const void *b)
{
    const qday *x = a, *y = b;
    if (x->day != y->day)
        return x->day < y->day ? -1 : 1;
    return x->at < y->at ? -1 : x->at > y->at;
}

static bool positive(double x)
{
    return isfinite(x) && x > 0;
}

/* Checks one point and fills its item; returns 0 or TALLY_EINPUT. */
static int prepare(const tally_point *p, size_t i, long start, item *it, tally_err *err)
{
    double lo = p->factor_lo, hi = p->factor_hi;
    if (lo == 0 && hi == 0)
        lo = hi = 1; /* a zeroed record: not converted */
    if (p->bound != TALLY_OBS_POINT && p->bound != TALLY_OBS_LOWER && p->bound != TALLY_OBS_UPPER &&
        p->bound != TALLY_OBS_RANGE)
        return tally_err_set(err, TALLY_EINPUT, "point %zu: unknown bound %d", i, (int)p->bound);
    if (!positive(p->value))
        return tally_err_set(err, TALLY_EINPUT, "point %zu: value %g is not positive", i, p->value);
    if (p->bound == TALLY_OBS_RANGE && !(isfinite(p->value_high) && p->value_high >= p->value))
        return tally_err_set(err, TALLY_EINPUT, "point %zu: range %g to %g", i, p->value,
                             p->value_high);
    if (!(isfinite(p->sigma) && p->sigma >= 0))
        return tally_err_set(err, TALLY_EINPUT, "point %zu: sigma %g", i, p->sigma);
    if (!positive(lo) || !positive(hi) || hi < lo)
        return tally_err_set(err, TALLY_EINPUT, "point %zu: factor %g to %g", i, lo, hi);
    if (p->day <= start)
        return tally_err_set(err, TALLY_EINPUT, "point %zu: day %ld is not after the start %ld", i,
                             p->day, start);
    it->day = p->day;
    it->order = i;
    it->role = p->bound == TALLY_OBS_LOWER   ? ROLE_LOWER
               : p->bound == TALLY_OBS_UPPER ? ROLE_UPPER
                                             : ROLE_FIT;
    it->mu = log(p->value);
    it->width = p->bound == TALLY_OBS_RANGE ? log(p->value_high) - it->mu : 0;
    it->fmu = log(lo);
    it->fwidth = log(hi) - it->fmu;
    it->sigma = p->sigma;
    /* a log-uniform spread of width w has variance w^2 / 12 */
    double var = p->sigma * p->sigma + (it->width * it->width + it->fwidth * it->fwidth) / 12;
    it->weight = 1 / (var > MIN_VAR ? var : MIN_VAR);
    return 0;
}

/* ---- quantiles ------------------------------------------------------------------ */

/* Moves the elements of a[lo, hi) for which `less` holds to the front and
 * returns where the others start. Branch-free (Lomuto's scheme with the
 * step taken by the comparison), since random samples defeat prediction. */
static size_t partition_lt(double *a, size_t lo, size_t hi, double pivot, bool or_equal)
{
    size_t s = lo;
    for (size_t i = lo; i < hi; i++) {
        double v = a[i];
        a[i] = a[s];
        a[s] = v;
        s += (size_t)(or_equal ? v <= pivot : v < pivot);
    }
    return s;
}

/* Puts the k-th smallest of a[lo, hi) at a[k], smaller ones before it and
 * larger ones after. Each round splits the range into less than, equal to
 * and greater than a median-of-three pivot, so runs of equal samples
 * (common under a tight bound) end it at once. */
static void select_kth(double *a, size_t lo, size_t hi, size_t k)
{
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        double x = a[lo], y = a[mid], z = a[hi - 1];
        double pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
        size_t lt = partition_lt(a, lo, hi, pivot, false);
        if (k < lt) {
            hi = lt;
            continue;
        }
        size_t le = partition_lt(a, lt, hi, pivot, true); /* the pivot is there: le > lt */
        if (k < le)
            return;
        lo = le;
    }
}

/* The p-quantile of a[0, n), interpolating between order statistics (type 7),
 * selecting within [lo, hi) which must contain the ranks needed; returns
 * the rank below it so that later selections can narrow their range. */
static double quantile(double *a, size_t n, double p, size_t lo, size_t hi, size_t *rank)
{
    double h = p * (double)(n - 1);
    size_t k = (size_t)h;
    select_kth(a, lo, hi, k);
    double q = a[k];
    if (k + 1 < n && h > (double)k) {
        /* the next rank is the least above k: within [k + 1, hi) when that
         * is not empty (what lies at hi and beyond is no smaller) */
        size_t end = k + 1 < hi ? hi : n;
        double next = a[k + 1];
        for (size_t i = k + 2; i < end; i++)
            if (a[i] < next)
                next = a[i];
        q += (h - (double)k) * (next - q);
    }
    *rank = k;
    return q;
}

static void quantiles_of(double *a, size_t n, tally_quantiles *q)
{
    size_t k50, k25, k75, k;
    q->q50 = quantile(a, n, 0.50, 0, n, &k50);
    q->q25 = quantile(a, n, 0.25, 0, k50 + 1, &k25);
    q->q05 = quantile(a, n, 0.05, 0, k25 + 1, &k);
    q->q75 = quantile(a, n, 0.75, k50, n, &k75);
    q->q95 = quantile(a, n, 0.95, k75, n, &k);
}

/* ---- one draw ------------------------------------------------------------------- */

typedef struct work {
    const item *it;
    size_t n;
    long start;
    /* fitted groups: the days of the fit items, in order */
    size_t n_groups;
    long *gday;
    size_t *gfirst;  /* items of group g: gfirst[g] .. gfirst[g + 1] of fit[] */
    size_t *fit;     /* indexes of the fit items, by day */
    double *gw;      /* total weight of each group */
    double *gval;    /* per draw: the fitted N of each group */
    double *pv, *pw; /* PAVA blocks: weighted sum and weight */
    size_t *pn;      /* and how many groups each holds */
    /* bounds, by day */
    size_t n_lower, n_upper;
    size_t *lower, *upper;
    double *lmax; /* per draw: the largest lower bound up to this one */
    double *umin; /* per draw: the smallest upper bound from this one on */
    double *x;    /* per draw: each item's sample, log scale */
} work;

static void draw_samples(const work *w, rng *r)
{
    for (size_t i = 0; i < w->n; i++) {
        const item *p = &w->it[i];
        double x = p->mu + p->fmu;
        if (p->sigma > 0)
            x += p->sigma * rng_normal(r);
        if (p->width > 0)
            x += p->width * rng_uniform(r);
        if (p->fwidth > 0)
            x += p->fwidth * rng_uniform(r);
        w->x[i] = x;
    }
}

/* Weighted isotonic regression of the groups' pooled log samples. Blocks
 * keep their weighted sums, not means, and are compared by cross
 * multiplication (weights are positive), so that there is one division per
 * block instead of one per merge in the dependency chain. */
static void fit_groups(const work *w)
{
    size_t top = 0;
    for (size_t g = 0; g < w->n_groups; g++) {
        double sum = 0, wt = w->gw[g];
        for (size_t f = w->gfirst[g]; f < w->gfirst[g + 1]; f++)
            sum += w->it[w->fit[f]].weight * w->x[w->fit[f]];
        size_t cnt = 1;
        while (top > 0 && w->pv[top - 1] * wt >= sum * w->pw[top - 1]) {
            top--;
            sum += w->pv[top];
            wt += w->pw[top];
            cnt += w->pn[top];
        }
        w->pv[top] = sum;
        w->pw[top] = wt;
        w->pn[top] = cnt;
        top++;
    }
    size_t g = 0;
    for (size_t b = 0; b < top; b++) {
        double v = exp(w->pv[b] / w->pw[b]);
        for (size_t c = 0; c < w->pn[b]; c++)
            w->gval[g++] = v;
    }
}

static void bound_envelopes(const work *w)
{
    double m = 0;
    for (size_t k = 0; k < w->n_lower; k++) {
        double v = exp(w->x[w->lower[k]]);
        m = v > m ? v : m;
        w->lmax[k] = m;
    }
    m = HUGE_VAL;
    for (size_t k = w->n_upper; k-- > 0;) {
        double v = exp(w->x[w->upper[k]]);
        m = v < m ? v : m;
        w->umin[k] = m;
    }
}

/* N at the (ascending) days q[0, nq) for this draw, into s[j * stride]. */
static void read_days(const work *w, const qday *q, size_t nq, double *s, size_t stride)
{
    size_t g = 0, lo = 0, up = 0; /* groups and lower bounds on or before t; uppers before t */
    for (size_t j = 0; j < nq; j++) {
        long t = q[j].day;
        double n = 0;
        if (t > w->start) {
            while (g < w->n_groups && w->gday[g] <= t)
                g++;
            while (lo < w->n_lower && w->it[w->lower[lo]].day <= t)
                lo++;
            while (up < w->n_upper && w->it[w->upper[up]].day < t)
                up++;
            /* the fit: from 0 at the start through the fitted days, flat after */
            if (g == 0) {
                n = w->gval[0] * (double)(t - w->start) / (double)(w->gday[0] - w->start);
            } else if (g == w->n_groups) {
                n = w->gval[g - 1];
            } else {
                double a = w->gval[g - 1], b = w->gval[g];
                n = a +
                    (b - a) * (double)(t - w->gday[g - 1]) / (double)(w->gday[g] - w->gday[g - 1]);
            }
            /* Bounds are imposed as a step at their day: an upper bound caps N
             * on and before its day, a lower bound lifts it on and after, and
             * nothing else moves. Both envelopes never decrease, so neither
             * does N. Where the two conflict (a lower bound drawn above an
             * upper bound that still applies), the lower bound wins: "at
             * least" figures mostly report deliveries someone has seen or
             * counted, "up to" ones mostly capacities, plans and ceilings,
             * and a draw should not fall below what was observed; applying
             * the lower bound last also keeps N non-decreasing. */
            if (up < w->n_upper && w->umin[up] < n)
                n = w->umin[up];
            if (lo > 0 && w->lmax[lo - 1] > n)
                n = w->lmax[lo - 1];
        }
        s[j * stride] = n;
    }
}

/* ---- the call ------------------------------------------------------------------- */

/* Carves `count` objects of `size` bytes from *p, aligned for anything. */
static void *carve(unsigned char **p, size_t count, size_t size)
{
    const size_t align = _Alignof(max_align_t);
    void *r = *p;
    size_t bytes = (count * size + align - 1) / align * align;
    *p += bytes;
    return r;
}

/* Notes on the method, beyond the header:
 * - A group's weight is 1 / the variance of its log sample: sigma^2 plus
 *   w^2 / 12 for each log-uniform spread of width w (a range, a conversion
 *   factor), so wide ranges and loose conversions pull the fit less.
 * - Bound samples come from the same draw as the fit: value * exp(sigma z),
 *   times the conversion factor when there is one.
 * - With no points or ranges at all, the bound samples themselves are the
 *   fitted values, and are then imposed as bounds as well: with lower
 *   bounds only, N is at least the largest bound on or before the day.
 * - Every point must fall after `start` (N(start) = 0 leaves nothing to
 *   estimate at or before it) and carry a positive value; a factor of 0, 0
 *   is read as 1, 1. Days on or before `start` get all quantiles 0.
 * - Quantiles interpolate between order statistics of the draws. */
int tally_reconcile(const tally_point *points, size_t n, long start, const long *days,
                    size_t n_days, unsigned draws, uint64_t seed, tally_quantiles *out,
                    tally_err *err)
{
    int rc = 0;
    void *mem = NULL;
    if (n == 0 || points == NULL)
        return tally_err_set(err, TALLY_EINPUT, "no points to estimate from");
    if (n_days > 0 && (days == NULL || out == NULL))
        return tally_err_set(err, TALLY_EINPUT, "days without room for their quantiles");
    size_t nd = draws != 0 ? draws : DEFAULT_DRAWS;
    size_t chunk = SAMPLE_BUDGET / nd > 0 ? SAMPLE_BUDGET / nd : 1;
    if (chunk > n_days)
        chunk = n_days;
    if (n > SIZE_MAX / 256 || n_days > SIZE_MAX / 256)
        return tally_err_set(err, TALLY_EINPUT, "too many points or days");

    size_t bytes = 0, align = _Alignof(max_align_t);
#define ROOM(count, type) (bytes += ((count) * sizeof(type) + align - 1) / align * align)
    ROOM(n, item);
    ROOM(n_days, qday);
    ROOM(n + 1, long);        /* gday */
    ROOM(n + 1, size_t);      /* gfirst */
    ROOM(n, size_t);          /* fit */
    ROOM(n, double);          /* gw */
    ROOM(n, double);          /* gval */
    ROOM(n, double);          /* pv */
    ROOM(n, double);          /* pw */
    ROOM(n, size_t);          /* pn */
    ROOM(n, size_t);          /* lower */
    ROOM(n, size_t);          /* upper */
    ROOM(n, double);          /* lmax */
    ROOM(n, double);          /* umin */
    ROOM(n, double);          /* x */
    ROOM(chunk * nd, double); /* samples */
#undef ROOM
    mem = tally_xmalloc(bytes);
    unsigned char *p = mem;
    item *it = carve(&p, n, sizeof(item));
    qday *q = carve(&p, n_days, sizeof(qday));
    work w = {.it = it, .n = n, .start = start};
    w.gday = carve(&p, n + 1, sizeof(long));
    w.gfirst = carve(&p, n + 1, sizeof(size_t));
    w.fit = carve(&p, n, sizeof(size_t));
    w.gw = carve(&p, n, sizeof(double));
    w.gval = carve(&p, n, sizeof(double));
    w.pv = carve(&p, n, sizeof(double));
    w.pw = carve(&p, n, sizeof(double));
    w.pn = carve(&p, n, sizeof(size_t));
    w.lower = carve(&p, n, sizeof(size_t));
    w.upper = carve(&p, n, sizeof(size_t));
    w.lmax = carve(&p, n, sizeof(double));
    w.umin = carve(&p, n, sizeof(double));
    w.x = carve(&p, n, sizeof(double));
    double *samples = carve(&p, chunk * nd, sizeof(double));

    bool any_fit = false;
    for (size_t i = 0; i < n; i++) {
        rc = prepare(&points[i], i, start, &it[i], err);
        if (rc != 0)
            goto out;
        any_fit = any_fit || it[i].role == ROLE_FIT;
    }
    qsort(it, n, sizeof *it, item_cmp);
    size_t n_fit = 0;
    for (size_t i = 0; i < n; i++) {
        if (!any_fit)
            it[i].role |= ROLE_FIT;
        if (it[i].role & ROLE_LOWER)
            w.lower[w.n_lower++] = i;
        if (it[i].role & ROLE_UPPER)
            w.upper[w.n_upper++] = i;
        if (!(it[i].role & ROLE_FIT))
            continue;
        if (w.n_groups == 0 || w.gday[w.n_groups - 1] != it[i].day) {
            w.gday[w.n_groups] = it[i].day;
            w.gfirst[w.n_groups] = n_fit;
            w.gw[w.n_groups] = 0;
            w.n_groups++;
        }
        w.gw[w.n_groups - 1] += it[i].weight;
        w.fit[n_fit++] = i;
    }
    w.gfirst[w.n_groups] = n_fit;

    for (size_t i = 0; i < n_days; i++) {
        q[i].day = days[i];
        q[i].at = i;
    }
    qsort(q, n_days, sizeof *q, qday_cmp);

    for (size_t c0 = 0; c0 < n_days; c0 += chunk) {
        size_t nq = n_days - c0 < chunk ? n_days - c0 : chunk;
        rng r;
        rng_seed(&r, seed); /* every chunk replays the same draws */
        for (size_t d = 0; d < nd; d++) {
            draw_samples(&w, &r);
            fit_groups(&w);
            bound_envelopes(&w);
            read_days(&w, q + c0, nq, samples + d, nd);
        }
        for (size_t j = 0; j < nq; j++) {
            tally_quantiles *o = &out[q[c0 + j].at];
            o->day = q[c0 + j].day;
            if (o->day <= start) {
                o->q05 = o->q25 = o->q50 = o->q75 = o->q95 = 0;
                continue;
            }
            quantiles_of(samples + j * nd, nd, o);
        }
    }
out:
    free(mem);
    return rc;
}
