/* tally: reconciling the clusters of a series into a cumulative quantity
 * N(t) with quantiles: a growth model fitted by Monte Carlo over the
 * censored points (the model sketch of DOMAIN.md part (e)).
 *
 * The model. N(t) is 0 at the series' start and grows at a rate whose
 * logarithm changes slowly (a random walk of TALLY_RATE_VOLATILITY a year).
 * A claim sees N at its day through its source's bias (one per source,
 * normal with the grade's deviation, widened by the disagreement of the
 * series) and its own error (its wording); a range or a conversion factor
 * leaves the value anywhere within it (log-uniform). "More than" figures are
 * hard lower bounds from their day on, "up to" figures hard upper bounds up
 * to their day.
 *
 * One draw. Sample the sources' biases and every claim; fit the points by
 * weighted isotonic regression on the log scale; at each day with evidence
 * (a node) take the fit, lift it to the lower bounds that hold by then and
 * cap it by the upper bounds still ahead; between nodes follow a monotone
 * cubic whose rate a random walk perturbs (a bridge from node to node);
 * after the last node carry the recent rate on along a random walk. The
 * quantiles over the draws are the estimate.
 *
 * Everything is deterministic: the generator is xoshiro256** seeded by
 * splitmix64 from `seed`. The bridges and the path after the last node have
 * generators of their own, seeded by the draw and the segment, so a day's
 * value in a draw is the same whichever other days are asked.
 *
 * Part of stage 4, estimate: includes the public headers of every stage up to
 * the store (not the pipeline), and its own. */
#include "tally/estimate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "tally/mem.h"

#define DEFAULT_DRAWS 2000u
/* A point with no stated error still gets a little, so that its weight is
 * finite (sigma 0.001: a tenth of a percent). */
#define MIN_VAR 1e-6
/* At most this many samples (doubles) are held at once; more days are
 * done in chunks, each replaying the same draws. */
#define SAMPLE_BUDGET ((size_t)1 << 19)
/* Steps of a bridge between two nodes, and of the path after the last. */
enum { BRIDGE_STEPS = 16 };
#define PATH_STEP_DAYS 30.4375
#define YEAR_DAYS 365.25
/* Fewer draws where the interval is stable: draws go in batches from
 * MIN_DRAWS, and stop when the 5 %, 50 % and 95 % quantiles at the probe
 * day (the last evidence) each move by less than DRAW_TOL of the 90 %
 * interval's width between batches. */
#define MIN_DRAWS 500u
#define DRAW_BATCH 250u
#define DRAW_TOL 0.02
/* Asked for at most this many days, they are read in the probing draws. */
enum { FEW_DAYS = 8 };
/* One day of evidence without a start: the share of draws that take it for a
 * one-off, and the time the others take it to have been reached over. */
#ifndef ONE_OFF_SHARE
#define ONE_OFF_SHARE 0.5
#endif
#define UNKNOWN_SPAN_MIN 30.0
#define UNKNOWN_SPAN_MAX 1095.0
/* The widest the disagreement may make the sources' biases. */
#define MAX_SPREAD 10.0

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

/* The generator of part `part` of draw `draw`: independent of the main one. */
static void rng_seed_part(rng *r, uint64_t seed, size_t draw, size_t part)
{
    uint64_t x = seed ^ 0x5851f42d4c957f2du;
    uint64_t a = splitmix64(&x) ^ (uint64_t)draw;
    uint64_t b = splitmix64(&a) ^ ((uint64_t)part * 0x2545f4914f6cdd1du);
    rng_seed(r, splitmix64(&b));
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

/* Standard normal by Marsaglia's polar method (a pair from a point drawn
 * in the unit disc: no trigonometry). */
static double rng_normal(rng *r)
{
    if (r->has_spare) {
        r->has_spare = false;
        return r->spare;
    }
    double u, v, s;
    do {
        u = 2 * rng_uniform(r) - 1;
        v = 2 * rng_uniform(r) - 1;
        s = u * u + v * v;
    } while (s >= 1 || s == 0);
    double f = sqrt(-2.0 * log(s) / s);
    r->spare = v * f;
    r->has_spare = true;
    return u * f;
}

/* ---- the points, prepared once per call ----------------------------------------- */

enum { ROLE_FIT = 1, ROLE_LOWER = 2, ROLE_UPPER = 4 };

typedef struct item {
    long day;
    size_t order;  /* index in the caller's array: ties sort by it */
    size_t source; /* the caller's source number, then the dense one */
    int role;      /* ROLE_*; 0 for an overruled bound */
    double mu;     /* log of the value (the low end of a range) */
    double width;  /* log of value_high / value (ranges), else 0 */
    double fmu;    /* log of factor_lo */
    double fwidth; /* log of factor_hi / factor_lo */
    double sigma;  /* the claim's own error */
    double bias;   /* its source's bias deviation, before widening */
    double weight; /* 1 / the variance of the log sample */
    /* the same every draw, worked out once: */
    double var0; /* sigma^2 */
    double varw; /* (width^2 + fwidth^2) / 12: the log-uniform spreads' variance */
    double ex0;  /* exp(mu + fmu): the value of an unconverted bound */
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

static int size_cmp(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
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
    if (!(isfinite(p->sigma) && p->sigma >= 0) || !(isfinite(p->bias_sigma) && p->bias_sigma >= 0))
        return tally_err_set(err, TALLY_EINPUT, "point %zu: sigma %g, bias sigma %g", i, p->sigma,
                             p->bias_sigma);
    if (!positive(lo) || !positive(hi) || hi < lo)
        return tally_err_set(err, TALLY_EINPUT, "point %zu: factor %g to %g", i, lo, hi);
    if (p->day <= start)
        return tally_err_set(err, TALLY_EINPUT, "point %zu: day %ld is not after the start %ld", i,
                             p->day, start);
    it->day = p->day;
    it->order = i;
    it->source = p->source;
    bool bound = p->bound == TALLY_OBS_LOWER || p->bound == TALLY_OBS_UPPER;
    it->role = p->overruled && bound         ? 0
               : p->bound == TALLY_OBS_LOWER ? ROLE_LOWER
               : p->bound == TALLY_OBS_UPPER ? ROLE_UPPER
                                             : ROLE_FIT;
    it->mu = log(p->value);
    it->width = p->bound == TALLY_OBS_RANGE ? log(p->value_high) - it->mu : 0;
    it->fmu = log(lo);
    it->fwidth = log(hi) - it->fmu;
    it->sigma = p->sigma;
    it->bias = p->bias_sigma;
    it->var0 = it->sigma * it->sigma;
    it->varw = (it->width * it->width + it->fwidth * it->fwidth) / 12;
    it->ex0 = exp(it->mu + it->fmu);
    return 0;
}

/* The variance of an item's log sample with its source's bias widened by `spread`: a
 * log-uniform spread of width w has variance w^2 / 12. */
static double item_var(const item *it, double spread)
{
    double b = it->bias * spread;
    double v = it->var0 + b * b + it->varw;
    return v > MIN_VAR ? v : MIN_VAR;
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
        if (k < le || le == lt) /* le == lt: a NaN pivot, unordered (the caller refuses it) */
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

/* ---- the work of one call --------------------------------------------------------- */

typedef struct work {
    const item *it;
    size_t n;
    long start;
    uint64_t seed;
    double omega; /* the rate's log-volatility per day^(1/2) */
    /* fitted groups: the days of the fit items, in order */
    size_t n_groups;
    long *gday;
    size_t *gfirst; /* items of group g: gfirst[g] .. gfirst[g + 1] of fit[] */
    size_t *fit;    /* indexes of the fit items, by day */
    double *gw;     /* total weight of each group */
    double *gval;   /* per draw: the fitted N of each group */
    size_t n_blocks;
    double *pv, *pw; /* PAVA blocks: weighted sum and weight */
    size_t *pn;      /* and how many groups each holds */
    /* bounds, by day */
    size_t n_lower, n_upper;
    size_t *lower, *upper;
    double *lmax; /* per draw: the largest lower bound up to this one */
    size_t *larg; /* ... and which it is */
    double *umin; /* per draw: the smallest upper bound from this one on */
    size_t *uarg;
    /* nodes: the days with evidence */
    size_t n_nodes;
    long *nday;
    long *ngroup;        /* the node's fit group, or -1 */
    long *nprev, *nnext; /* the fit groups around a node without one (-1: none) */
    long *nanchor;       /* the next node that anchors a node without a group (-1: none) */
    size_t *nlower;      /* lower bounds on or before the node */
    size_t *nupper;      /* the first upper bound on or after the node */
    double *nval;        /* per draw: N at each node */
    double *slope;       /* per draw: the cubic's slope at the start and at each node */
    bool jump;           /* the start is the day before the first node: no ramp to draw */
    /* per draw */
    double *x;        /* each item's sample, log scale */
    double *bias;     /* each source's bias */
    double *lift;     /* the log of each bound's value when it binds (exp'd where used) */
    double *lift_exp; /* ... its exp, when lift_draw says it is this draw's */
    size_t *lift_draw;
    size_t draw_no; /* counts the draws, from 1 */
    size_t n_sources;
    double spread;      /* this draw's widening of the sources' biases */
    double chi2, dof;   /* the disagreement measured on the central fit */
    item *items;        /* the same as `it`, writable: the weights change with the widening */
    double weights_for; /* the widening the weights are for (NAN: none yet) */
    double rate;        /* the recent rate at the last node */
    double rate_window; /* the days it is the average of */
    bool rate_known;
    /* nodes after the last fitted one, which the recent rate reached: the
     * walk of the rate's log they were reached along, which the path after
     * the last node carries on */
    size_t draw_at;   /* the draw being made (its generators' seed) */
    bool tail_walked; /* the last node is such a node */
    double tail_rate; /* the fit's recent rate the walk multiplies */
    double tail_z;    /* the walk's log-rate offset at the last node */
    bool shaped;      /* the cubic's slopes and `rate` are this draw's (worked out when read) */
    /* the bridge of one segment, and the path after the last node */
    long bridge_seg;
    double bridge[BRIDGE_STEPS + 1];
    double *path; /* N at the end of each step after the last node */
    size_t path_len, path_cap;
    rng path_rng;
    double path_w;     /* the walk's current log-rate offset */
    size_t path_draw;  /* the draw the path is of */
    bool path_started; /* its generator seeded and its first step drawn */
} work;

/* Samples every item of this draw; `central` takes each at its centre. */
static void draw_samples(work *w, rng *r, bool central)
{
    for (size_t k = 0; k < w->n_sources; k++)
        w->bias[k] = central ? 0 : rng_normal(r);
    for (size_t i = 0; i < w->n; i++) {
        const item *p = &w->it[i];
        double x = p->mu + p->fmu;
        if (p->fwidth > 0)
            x += p->fwidth * (central ? 0.5 : rng_uniform(r));
        if (p->role & ROLE_FIT) {
            if (p->width > 0)
                x += p->width * (central ? 0.5 : rng_uniform(r));
            if (!central) {
                if (p->sigma > 0)
                    x += p->sigma * rng_normal(r);
                x += p->bias * w->spread * w->bias[p->source];
            }
        } else if (p->role != 0) {
            /* a bound is hard: its value is the figure (times its factor);
             * when it binds, N lands past it within the bound's reading */
            double ex = central ? 0 : rng_uniform(r) * log(TALLY_BOUND_READ);
            w->lift[i] = p->role & ROLE_LOWER ? x + ex : x - ex;
        }
        w->x[i] = x;
    }
}

/* Weighted isotonic regression of the groups' pooled log samples. Blocks
 * keep their weighted sums, not means, and are compared by cross
 * multiplication (weights are positive), so that there is one division per
 * block instead of one per merge in the dependency chain. */
static void fit_groups(work *w)
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
    w->n_blocks = top;
    size_t g = 0;
    for (size_t b = 0; b < top; b++) {
        double v = exp(w->pv[b] / w->pw[b]);
        for (size_t c = 0; c < w->pn[b]; c++)
            w->gval[g++] = v;
    }
}

/* A bound's value in this draw: exp of its sample (the same every draw
 * unless it is converted). */
static double bound_value(const work *w, size_t i)
{
    return w->it[i].fwidth > 0 ? exp(w->x[i]) : w->it[i].ex0;
}

static void bound_envelopes(work *w)
{
    double m = 0;
    size_t a = 0;
    for (size_t k = 0; k < w->n_lower; k++) {
        double v = bound_value(w, w->lower[k]);
        if (v > m) {
            m = v;
            a = w->lower[k];
        }
        w->lmax[k] = m;
        w->larg[k] = a;
    }
    m = HUGE_VAL;
    for (size_t k = w->n_upper; k-- > 0;) {
        double v = bound_value(w, w->upper[k]);
        if (v < m) {
            m = v;
            a = w->upper[k];
        }
        w->umin[k] = m;
        w->uarg[k] = a;
    }
}

/* The fit's N at day t by linear interpolation of the groups (from 0 at
 * the start), for t within them. */
static double fit_linear(const work *w, long t)
{
    size_t lo = 0, hi = w->n_groups;
    while (lo < hi) { /* the first group after t */
        size_t mid = (lo + hi) / 2;
        if (w->gday[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == w->n_groups)
        return w->gval[w->n_groups - 1];
    long t0 = lo > 0 ? w->gday[lo - 1] : w->start;
    double v0 = lo > 0 ? w->gval[lo - 1] : 0;
    return v0 + (w->gval[lo] - v0) * (double)(t - t0) / (double)(w->gday[lo] - t0);
}

/* A node's value clamped by the bounds that hold there: lifted past the
 * lower bound that binds, capped below the upper one (a lower bound wins);
 * NaN (nothing to go by) takes the bound's value. */
/* Bound i's lift in this draw: exp of its log, worked out once a draw. */
static double lift_of(work *w, size_t i)
{
    if (w->lift_draw[i] != w->draw_no) {
        w->lift_exp[i] = exp(w->lift[i]);
        w->lift_draw[i] = w->draw_no;
    }
    return w->lift_exp[i];
}

static double lift_lower(work *w, size_t j, bool central, double lo)
{
    if (w->nlower[j] == 0)
        return 0;
    return central ? lo : lift_of(w, w->larg[w->nlower[j] - 1]);
}

static double lift_upper(work *w, size_t j, bool central, double up)
{
    if (w->nupper[j] >= w->n_upper)
        return HUGE_VAL;
    return central ? up : lift_of(w, w->uarg[w->nupper[j]]);
}

static double clamp_node(work *w, size_t j, double v, bool central)
{
    bool has_l = w->nlower[j] > 0, has_u = w->nupper[j] < w->n_upper;
    double lo = has_l ? w->lmax[w->nlower[j] - 1] : 0;
    double up = has_u ? w->umin[w->nupper[j]] : HUGE_VAL;
    /* a lift is worked out only where it is taken (an exp each) */
    if (isnan(v))
        v = has_l ? lift_lower(w, j, central, lo) : lift_upper(w, j, central, up);
    if (v > up)
        v = lift_upper(w, j, central, up);
    if (v < lo)
        v = lift_lower(w, j, central, lo);
    return v;
}

/* The log-rate offset a walk of the rate starts with after evidence that
 * spans `window` days (capped at TALLY_RECENT_DAYS): the rate at the end is
 * not the recent average (they differ by omega^2 window / 3 under the walk;
 * evidence spanning less than the window tells no more than the whole
 * window would), and a rate read over a short span may be one shipment's
 * (TALLY_RATE_LUMP / span). */
static double walk_start(const work *w, rng *r, double window)
{
    double full = window > TALLY_RECENT_DAYS ? window : TALLY_RECENT_DAYS;
    double lump = window >= 1 ? TALLY_RATE_LUMP / window : 0;
    return sqrt(w->omega * w->omega * full / 3 + lump) * rng_normal(r);
}

/* `days` days weighted by exp of the walk's offset *z, stepped at most a
 * month at a time (growth at rate r over them is r times this); *z moves on.
 * Without a generator (the central draw) the walk stays put. */
static double walk_days(const work *w, rng *r, double *z, double days)
{
    if (r == NULL)
        return days * exp(*z);
    double sum = 0;
    while (days > 0) {
        double h = days < PATH_STEP_DAYS ? days : PATH_STEP_DAYS;
        sum += exp(*z) * h;
        *z += w->omega * sqrt(h) * rng_normal(r);
        days -= h;
    }
    return sum;
}

/* N at every node for this draw, never decreasing. A node with a fit group
 * takes the fit; a node with bounds only lies on the line from the node
 * before (or 0 at a known start) to the next anchor (the next fitted node,
 * or the next node a new lower bound lifts), else on the fit's recent rate;
 * every node is then clamped by its bounds. `central` leaves out the random
 * lifts. */
static void node_values(work *w, bool central)
{
    double rate = 0; /* the fit's recent rate, for nodes after its last group */
    long span = 0;
    if (w->n_groups > 0) {
        long last = w->gday[w->n_groups - 1];
        long origin = w->jump ? w->gday[0] : w->start;
        span = last - origin < TALLY_RECENT_DAYS ? last - origin : TALLY_RECENT_DAYS;
        if (span >= 1)
            rate = (w->gval[w->n_groups - 1] - fit_linear(w, last - span)) / (double)span;
    }
    /* nodes after the last group, with bounds only, are reached at that rate
     * along the random walk of its log that the path after the last node
     * follows (a lower bound tells nothing of the rate: the days to it are
     * as unsure as days after it) */
    rng walk_rng;
    double z = 0;
    bool walking = false;
    double prev = 0;
    for (size_t j = 0; j < w->n_nodes; j++) {
        long t = w->nday[j];
        double v = NAN;
        if (w->ngroup[j] >= 0) {
            v = w->gval[w->ngroup[j]];
        } else {
            bool has_left = j > 0 || !w->jump;
            long t0 = j > 0 ? w->nday[j - 1] : w->start;
            long k = w->nanchor[j];
            if (has_left && k >= 0) {
                double a = w->ngroup[k] >= 0 ? w->gval[w->ngroup[k]] : NAN;
                a = clamp_node(w, (size_t)k, a, central);
                v = prev + (a - prev) * (double)(t - t0) / (double)(w->nday[k] - t0);
            } else if (has_left && w->nprev[j] >= 0) {
                if (!walking && !central && rate > 0) {
                    rng_seed_part(&walk_rng, w->seed, w->draw_at, w->n_nodes + 3);
                    z = walk_start(w, &walk_rng, (double)span);
                }
                walking = rate > 0;
                v = !walking ? prev
                             : prev + rate * walk_days(w, central ? NULL : &walk_rng, &z,
                                                       (double)(t - t0));
            }
        }
        double reached = v;
        v = clamp_node(w, j, v, central);
        if (v < prev)
            v = prev;
        /* a bound that lifts (or caps) the node says the rate was higher (or
         * lower) on the way: the walk goes on from the rate that reaches it */
        if (walking && v != reached && v > prev && reached > prev)
            z += log((v - prev) / (reached - prev));
        w->nval[j] = prev = v;
    }
    w->tail_walked = walking;
    w->tail_rate = rate;
    w->tail_z = z;
}

/* The knots of the cubic: the start (N = 0) and the nodes. */
static long knot_day(const work *w, size_t k)
{
    return k == 0 ? w->start : w->nday[k - 1];
}

static double knot_val(const work *w, size_t k)
{
    return k == 0 ? 0 : w->nval[k - 1];
}

/* Slopes of a monotone cubic through the knots (Fritsch and Butland's
 * harmonic mean, which keeps each piece monotone); a one-day ramp from the
 * start (no start known) takes no part in the slopes of the rest. */
static void cubic_slopes(work *w)
{
    size_t m = w->n_nodes + 1;
    for (size_t k = 0; k < m; k++) {
        bool left = k > 0 && !(k == 1 && w->jump), right = k + 1 < m && !(k == 0 && w->jump);
        double dl = 0, dr = 0, hl = 0, hr = 0;
        if (left) {
            hl = (double)(knot_day(w, k) - knot_day(w, k - 1));
            dl = (knot_val(w, k) - knot_val(w, k - 1)) / hl;
        }
        if (right) {
            hr = (double)(knot_day(w, k + 1) - knot_day(w, k));
            dr = (knot_val(w, k + 1) - knot_val(w, k)) / hr;
        }
        double s;
        if (left && right)
            s = dl > 0 && dr > 0 ? 3 * (hl + hr) / ((2 * hr + hl) / dl + (hr + 2 * hl) / dr) : 0;
        else
            s = left ? dl : right ? dr : 0;
        w->slope[k] = s;
    }
}

/* The cubic at day t within knots k and k + 1. */
static double cubic_at(const work *w, size_t k, double t)
{
    double t0 = (double)knot_day(w, k), h = (double)knot_day(w, k + 1) - t0;
    double y0 = knot_val(w, k), y1 = knot_val(w, k + 1);
    if (k == 0 && w->jump)
        return y0 + (y1 - y0) * (t - t0) / h;
    double u = (t - t0) / h, u2 = u * u, u3 = u2 * u;
    double v = (2 * u3 - 3 * u2 + 1) * y0 + (u3 - 2 * u2 + u) * h * w->slope[k] +
               (-2 * u3 + 3 * u2) * y1 + (u3 - u2) * h * w->slope[k + 1];
    return v < y0 ? y0 : v > y1 ? y1 : v;
}

/* The cubic at any day within the knots. */
static double cubic_any(const work *w, long t)
{
    size_t lo = 1, hi = w->n_nodes + 1; /* the first knot after t */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (knot_day(w, mid) <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo > w->n_nodes)
        return knot_val(w, w->n_nodes);
    return cubic_at(w, lo - 1, (double)t);
}

/* The bridge of segment k (knots k to k + 1) in this draw: the fraction of
 * the segment's growth reached at each of its steps. The cubic's increments,
 * each multiplied by the exp of a random walk of the rate's log. */
static void make_bridge(work *w, size_t draw, size_t k)
{
    double t0 = (double)knot_day(w, k), t1 = (double)knot_day(w, k + 1);
    double h = (t1 - t0) / BRIDGE_STEPS;
    rng r;
    rng_seed_part(&r, w->seed, draw, k);
    double step = w->omega * sqrt(h), walk = 0, sum = 0, prev = cubic_at(w, k, t0);
    double inc[BRIDGE_STEPS];
    for (size_t s = 0; s < BRIDGE_STEPS; s++) {
        double next = cubic_at(w, k, t0 + h * (double)(s + 1));
        walk += step * rng_normal(&r);
        inc[s] = (next - prev) * exp(walk);
        sum += inc[s];
        prev = next;
    }
    w->bridge[0] = 0;
    for (size_t s = 0; s < BRIDGE_STEPS; s++)
        w->bridge[s + 1] = sum > 0 ? w->bridge[s] + inc[s] / sum : (double)(s + 1) / BRIDGE_STEPS;
    w->bridge_seg = (long)k;
}

/* N at day t after the last node: the recent rate along a random walk of
 * its log, stepped monthly from the last node. */
static double path_at(work *w, long t)
{
    if (!w->path_started) { /* the path of this draw, when a day after the last is asked */
        rng_seed_part(&w->path_rng, w->seed, w->path_draw, w->n_nodes + 1);
        /* the walk the nodes after the last fitted one were reached along
         * goes on; else it starts here */
        w->path_w = w->tail_walked ? w->tail_z : walk_start(w, &w->path_rng, w->rate_window);
        w->path_started = true;
    }
    double tau = (double)(t - w->nday[w->n_nodes - 1]);
    size_t full = (size_t)(tau / PATH_STEP_DAYS);
    double last = w->nval[w->n_nodes - 1];
    if (!(w->rate > 0))
        return last;
    double step = w->omega * sqrt(PATH_STEP_DAYS);
    while (w->path_len <= full) {
        if (w->path_len == w->path_cap) {
            w->path_cap = w->path_cap ? 2 * w->path_cap : 64;
            w->path = tally_xrealloc(w->path, w->path_cap * sizeof *w->path);
        }
        double from = w->path_len > 0 ? w->path[w->path_len - 1] : last;
        w->path[w->path_len++] = from + w->rate * exp(w->path_w) * PATH_STEP_DAYS;
        w->path_w += step * rng_normal(&w->path_rng);
    }
    double base = full > 0 ? w->path[full - 1] : last;
    double frac = tau - (double)full * PATH_STEP_DAYS;
    if (!isfinite(w->path[full])) /* overflowed: no rate to take within the step */
        return w->path[full];
    /* the rate within step `full`: the walk's value then (path_w moved on) */
    double rate = (w->path[full] - base) / PATH_STEP_DAYS;
    return base + rate * frac;
}

static void shape_draw(work *w);

/* N at the (ascending) days q[0, nq) for draw `draw`, into s[j * stride]. */
static void read_days(work *w, size_t draw, const qday *q, size_t nq, double *s, size_t stride)
{
    w->bridge_seg = -1;
    w->path_len = 0;
    w->path_draw = draw;
    w->path_started = false;
    size_t k = 0; /* knots on or before t */
    long last = w->nday[w->n_nodes - 1];
    for (size_t j = 0; j < nq; j++) {
        long t = q[j].day;
        double n = 0;
        if (t > last) {
            shape_draw(w);
            n = path_at(w, t);
        } else if (t > w->start) {
            while (k <= w->n_nodes && knot_day(w, k) <= t)
                k++;
            size_t seg = k - 1; /* knots seg and seg + 1 hold t */
            if (knot_day(w, seg) == t) {
                n = knot_val(w, seg);
            } else {
                if (w->bridge_seg != (long)seg) {
                    shape_draw(w);
                    make_bridge(w, draw, seg);
                }
                double t0 = (double)knot_day(w, seg), t1 = (double)knot_day(w, seg + 1);
                double u = ((double)t - t0) / (t1 - t0) * BRIDGE_STEPS;
                size_t b = (size_t)u;
                if (b >= BRIDGE_STEPS)
                    b = BRIDGE_STEPS - 1;
                double f = w->bridge[b] + (u - (double)b) * (w->bridge[b + 1] - w->bridge[b]);
                double y0 = knot_val(w, seg), y1 = knot_val(w, seg + 1);
                n = y0 + (y1 - y0) * f;
            }
        }
        s[j * stride] = n;
    }
}

static void set_weights(work *w, item *it, double spread);
static double draw_spread(const work *w, rng *r);

/* One draw's nodes and the rate after the last. */
static void one_draw(work *w, rng *r, size_t draw, bool central)
{
    w->draw_no++;
    w->draw_at = draw;
    if (!central && w->chi2 > 0) {
        w->spread = draw_spread(w, r);
        set_weights(w, w->items, w->spread);
    }
    draw_samples(w, r, central);
    if (w->n_groups > 0)
        fit_groups(w);
    bound_envelopes(w);
    node_values(w, central);
    size_t m = w->n_nodes;
    long last = w->nday[m - 1], origin = w->jump ? w->nday[0] : w->start;
    long span = last - origin < TALLY_RECENT_DAYS ? last - origin : TALLY_RECENT_DAYS;
    w->rate_known = span >= 1;
    w->rate_window = (double)span;
    w->shaped = false; /* shape_draw when a day between nodes or after the last is read */
}

/* The cubic's slopes of this draw, and the recent rate at the last node. */
static void shape_draw(work *w)
{
    if (w->shaped)
        return;
    cubic_slopes(w);
    w->rate = 0;
    size_t m = w->n_nodes;
    long span = (long)w->rate_window;
    if (w->tail_walked) {
        w->rate = w->tail_rate;
    } else if (w->rate_known) {
        w->rate = (w->nval[m - 1] - cubic_any(w, w->nday[m - 1] - span)) / (double)span;
    } else {
        /* One day of evidence and no start: no rate can be read. Either it
         * was a one-off (a loan, a gift: N stays) or a stream that reached N
         * over a time nobody stated, from a month to three years; half the
         * draws take each, so the band spans both (holding every draw
         * covered the later truth in 23 % of the sparse calibration's
         * checks). */
        rng r;
        rng_seed_part(&r, w->seed, w->path_draw, w->n_nodes + 2);
        if (rng_uniform(&r) >= ONE_OFF_SHARE) {
            double d =
                UNKNOWN_SPAN_MIN * exp(rng_uniform(&r) * log(UNKNOWN_SPAN_MAX / UNKNOWN_SPAN_MIN));
            w->rate = w->nval[m - 1] / d;
            w->rate_window = d;
        }
    }
    w->shaped = true;
}

/* How much the sources disagree: chi^2 and its degrees of freedom of the
 * points around the central fit (the bounds imposed); returns the point
 * estimate of the widening, sqrt(chi^2 / dof), at least 1. */
static double disagreement(work *w, rng *r)
{
    w->spread = 1;
    one_draw(w, r, 0, true);
    double chi2 = 0;
    size_t n_fit = 0;
    for (size_t j = 0; j < w->n_nodes; j++) {
        if (w->ngroup[j] < 0)
            continue;
        size_t g = (size_t)w->ngroup[j];
        double y = log(w->nval[j]);
        for (size_t f = w->gfirst[g]; f < w->gfirst[g + 1]; f++) {
            const item *it = &w->it[w->fit[f]];
            double d = w->x[w->fit[f]] - y;
            chi2 += d * d * it->weight;
            n_fit++;
        }
    }
    double dof = (double)n_fit - (double)w->n_blocks;
    if (chi2 > 0 && dof < 1)
        dof = 1;
    w->chi2 = chi2;
    w->dof = dof;
    double s2 = dof > 0 ? chi2 / dof : 1;
    return s2 > 1 ? (s2 < MAX_SPREAD * MAX_SPREAD ? sqrt(s2) : MAX_SPREAD) : 1;
}

/* A chi^2 variate of `dof` degrees of freedom: the sum of squares for one
 * or two, else Wilson and Hilferty's cube of a normal (close enough from
 * three on, and one normal a draw). */
static double chi2_variate(rng *r, double dof)
{
    if (dof > 2) {
        double c = 2 / (9 * dof), z = 1 - c + sqrt(c) * rng_normal(r);
        return dof * z * z * z;
    }
    double x = 0;
    for (int i = 0; i < (int)dof; i++) {
        double z = rng_normal(r);
        x += z * z;
    }
    return x;
}

/* This draw's widening of the biases: chi^2 over a chi^2 variate of its
 * degrees of freedom (the scale's posterior), at least 1; so with few
 * claims the widening itself is uncertain, as it should be. */
static double draw_spread(const work *w, rng *r)
{
    if (!(w->chi2 > 0) || !(w->dof > 0))
        return 1;
    double x = chi2_variate(r, w->dof);
    double s2 = x > 0 ? w->chi2 / x : MAX_SPREAD * MAX_SPREAD;
    return s2 > 1 ? (s2 < MAX_SPREAD * MAX_SPREAD ? sqrt(s2) : MAX_SPREAD) : 1;
}

/* The fit's weights with the sources' biases widened by `spread`. */
static void set_weights(work *w, item *it, double spread)
{
    if (spread == w->weights_for)
        return;
    w->weights_for = spread;
    /* only the fit items have weights */
    for (size_t f = 0; f < w->gfirst[w->n_groups]; f++)
        it[w->fit[f]].weight = 1 / item_var(&it[w->fit[f]], spread);
    for (size_t g = 0; g < w->n_groups; g++) {
        w->gw[g] = 0;
        for (size_t f = w->gfirst[g]; f < w->gfirst[g + 1]; f++)
            w->gw[g] += it[w->fit[f]].weight;
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
 * - A group's weight is 1 / the variance of its log sample: the claim's own
 *   sigma^2, its source's bias deviation^2 (widened by the disagreement),
 *   plus w^2 / 12 for each log-uniform spread of width w (a range, a
 *   conversion factor), so wide ranges and loose conversions pull the fit
 *   less.
 * - The disagreement is measured once, on the central fit: the weighted sum
 *   of squared log residuals of the points (the bounds imposed) per degree
 *   of freedom (points less fitted blocks, at least 1 when anything is
 *   off). Above 1 it widens every source's bias deviation by its square root
 *   (the Birge ratio of metrology), so a series whose graded sources
 *   disagree gets a wider band, well-graded sources' biases the least.
 * - Every point must fall after `start` (N(start) = 0 leaves nothing to
 *   estimate at or before it) and carry a positive value; a factor of 0, 0
 *   is read as 1, 1. Days on or before `start` get all quantiles 0.
 * - Quantiles interpolate between order statistics of the draws. */
/* `draws_out` (may be NULL): with one day asked and a fixed number of
 * draws, each draw's value at that day, in the order drawn. */
static int reconcile(const tally_point *points, size_t n, long start, const long *days,
                     size_t n_days, unsigned draws, uint64_t seed, tally_quantiles *out,
                     tally_fit_info *info, double *draws_out, tally_err *err)
{
    int rc = 0;
    void *mem = NULL;
    work w = {0};
    if (n == 0 || points == NULL)
        return tally_err_set(err, TALLY_EINPUT, "no points to estimate from");
    if (n_days > 0 && (days == NULL || out == NULL))
        return tally_err_set(err, TALLY_EINPUT, "days without room for their quantiles");
    /* 0: adaptive, at most DEFAULT_DRAWS; else exactly that many */
    bool adaptive = draws == 0;
    size_t nd = draws != 0 ? draws : DEFAULT_DRAWS;
    if (n > SIZE_MAX / 256 || n_days > SIZE_MAX / 256)
        return tally_err_set(err, TALLY_EINPUT, "too many points or days");
    /* the days asked are read in the probing draws when their samples fit
     * the budget beside the probe's (or they are few); else in chunks of
     * days, each replaying the draws */
    size_t chunk = SAMPLE_BUDGET / nd > 0 ? SAMPLE_BUDGET / nd : 1;
    bool few = n_days <= FEW_DAYS || n_days + 1 <= chunk;
    if (few || chunk > n_days)
        chunk = n_days + 1;
    if (chunk < FEW_DAYS + 1) /* room for the probing draws' days */
        chunk = FEW_DAYS + 1;

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
    ROOM(n, size_t);          /* larg */
    ROOM(n, double);          /* umin */
    ROOM(n, size_t);          /* uarg */
    ROOM(n, long);            /* nday */
    ROOM(n, long);            /* ngroup */
    ROOM(n, long);            /* nprev */
    ROOM(n, long);            /* nnext */
    ROOM(n, long);            /* nanchor */
    ROOM(n, size_t);          /* nlower */
    ROOM(n, size_t);          /* nupper */
    ROOM(n, double);          /* nval */
    ROOM(n + 1, double);      /* slope */
    ROOM(n, double);          /* x */
    ROOM(n, double);          /* bias */
    ROOM(n, double);          /* lift */
    ROOM(n, double);          /* lift_exp */
    ROOM(n, size_t);          /* lift_draw */
    ROOM(n, size_t);          /* sources */
    ROOM(n_days + 1, qday);   /* probe */
    ROOM(n_days + 1, bool);   /* is_probe */
    ROOM(chunk * nd, double); /* samples */
#undef ROOM
    mem = tally_xmalloc(bytes);
    unsigned char *p = mem;
    item *it = carve(&p, n, sizeof(item));
    qday *q = carve(&p, n_days, sizeof(qday));
    w.it = it;
    w.n = n;
    w.start = start;
    w.seed = seed;
    w.omega = TALLY_RATE_VOLATILITY / sqrt(YEAR_DAYS);
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
    w.larg = carve(&p, n, sizeof(size_t));
    w.umin = carve(&p, n, sizeof(double));
    w.uarg = carve(&p, n, sizeof(size_t));
    w.nday = carve(&p, n, sizeof(long));
    w.ngroup = carve(&p, n, sizeof(long));
    w.nprev = carve(&p, n, sizeof(long));
    w.nnext = carve(&p, n, sizeof(long));
    w.nanchor = carve(&p, n, sizeof(long));
    w.nlower = carve(&p, n, sizeof(size_t));
    w.nupper = carve(&p, n, sizeof(size_t));
    w.nval = carve(&p, n, sizeof(double));
    w.slope = carve(&p, n + 1, sizeof(double));
    w.x = carve(&p, n, sizeof(double));
    w.bias = carve(&p, n, sizeof(double));
    w.lift = carve(&p, n, sizeof(double));
    w.lift_exp = carve(&p, n, sizeof(double));
    w.lift_draw = carve(&p, n, sizeof(size_t));
    memset(w.lift_draw, 0, n * sizeof(size_t));
    size_t *sources = carve(&p, n, sizeof(size_t));
    qday *probe = carve(&p, n_days + 1, sizeof(qday));
    bool *is_probe = carve(&p, n_days + 1, sizeof(bool));
    double *samples = carve(&p, chunk * nd, sizeof(double));

    size_t n_used = 0;
    for (size_t i = 0; i < n; i++) {
        rc = prepare(&points[i], i, start, &it[i], err);
        if (rc != 0)
            goto out;
        n_used += it[i].role != 0;
    }
    if (n_used == 0) {
        rc = tally_err_set(err, TALLY_EINPUT, "every bound is overruled: nothing to estimate from");
        goto out;
    }
    /* sources: dense numbers */
    for (size_t i = 0; i < n; i++)
        sources[i] = it[i].source;
    qsort(sources, n, sizeof *sources, size_cmp);
    for (size_t i = 0; i < n; i++)
        if (w.n_sources == 0 || sources[w.n_sources - 1] != sources[i])
            sources[w.n_sources++] = sources[i];
    for (size_t i = 0; i < n; i++) {
        size_t lo = 0, hi = w.n_sources;
        while (hi - lo > 1) {
            size_t mid = (lo + hi) / 2;
            if (sources[mid] <= it[i].source)
                lo = mid;
            else
                hi = mid;
        }
        it[i].source = lo;
    }
    qsort(it, n, sizeof *it, item_cmp);
    size_t n_fit = 0;
    for (size_t i = 0; i < n; i++) {
        if (it[i].role == 0)
            continue;
        if (w.n_nodes == 0 || w.nday[w.n_nodes - 1] != it[i].day) {
            w.nday[w.n_nodes] = it[i].day;
            w.ngroup[w.n_nodes] = -1;
            w.nlower[w.n_nodes] = 0;
            w.n_nodes++;
        }
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
            w.ngroup[w.n_nodes - 1] = (long)w.n_groups;
            w.n_groups++;
        }
        w.fit[n_fit++] = i;
    }
    w.gfirst[w.n_groups] = n_fit;
    w.jump = w.nday[0] - start <= 1;
    /* each node's fit groups around it and the bounds that hold there */
    for (size_t j = 0, g = 0, lo = 0, up = 0; j < w.n_nodes; j++) {
        while (g < w.n_groups && w.gday[g] < w.nday[j])
            g++;
        w.nprev[j] = g > 0 ? (long)(g - 1) : -1;
        w.nnext[j] = g < w.n_groups ? (long)g : -1;
        while (lo < w.n_lower && it[w.lower[lo]].day <= w.nday[j])
            lo++;
        while (up < w.n_upper && it[w.upper[up]].day < w.nday[j])
            up++;
        w.nlower[j] = lo;
        w.nupper[j] = up;
    }
    /* the anchors, from the last node back */
    for (size_t j = w.n_nodes, next = SIZE_MAX; j-- > 0;) {
        w.nanchor[j] = next == SIZE_MAX ? -1 : (long)next;
        /* node j anchors the nodes before it when it has a group or a lower bound
         * that is new there */
        if (w.ngroup[j] >= 0 || w.nlower[j] > (j > 0 ? w.nlower[j - 1] : 0))
            next = j;
    }

    rng r;
    rng_seed(&r, seed);
    w.items = it;
    w.weights_for = NAN;
    set_weights(&w, it, 1);
    double spread = disagreement(&w, &r);
    bool rate_known = w.rate_known;

    for (size_t i = 0; i < n_days; i++) {
        q[i].day = days[i];
        q[i].at = i;
    }
    qsort(q, n_days, sizeof *q, qday_cmp);

    long last = w.nday[w.n_nodes - 1];
    /* the probes, and with few days asked the days too: read while the draws
     * are counted (the same values a replay reads: each draw's generators
     * are its own, whichever days are asked) */
    size_t n_probe = 0;
    {
        qday extra[1] = {{last, SIZE_MAX}};
        size_t a = 0, b = 0, na = few ? n_days : 0;
        while (a < na || b < 1) { /* merge the (sorted) days asked and the probe */
            bool take_probe = a == na || (b < 1 && extra[b].day < q[a].day);
            probe[n_probe] = take_probe ? extra[b++] : q[a++];
            is_probe[n_probe] = take_probe;
            n_probe++;
        }
    }
    rng_seed(&r, seed);
    size_t used = 0;
    double prev[1][3] = {{0}};
    while (used < nd) {
        size_t end = !adaptive ? nd : used < MIN_DRAWS ? MIN_DRAWS : used + DRAW_BATCH;
        end = end < nd ? end : nd;
        for (; used < end; used++) {
            one_draw(&w, &r, used, false);
            read_days(&w, used, probe, n_probe, samples + used, nd);
        }
        if (used == nd || !adaptive)
            continue;
        bool stable = true;
        for (size_t j = 0, k = 0; j < n_probe; j++) {
            if (!is_probe[j])
                continue;
            tally_quantiles pq;
            quantiles_of(samples + j * nd, used, &pq);
            const double now[3] = {pq.q05, pq.q50, pq.q95};
            for (int t = 0; t < 3; t++)
                stable = stable && fabs(now[t] - prev[k][t]) <= DRAW_TOL * (pq.q95 - pq.q05);
            memcpy(prev[k++], now, sizeof now);
        }
        if (stable)
            break;
    }
    if (few) {
        for (size_t j = 0, i = 0; j < n_probe; j++) {
            if (is_probe[j])
                continue;
            tally_quantiles *o = &out[q[i].at];
            o->day = q[i].day;
            o->extrapolated = o->day > last;
            if (draws_out != NULL) /* before quantiles_of reorders them */
                for (size_t d = 0; d < used; d++)
                    draws_out[d] = o->day <= start ? 0 : samples[j * nd + d];
            if (o->day <= start)
                o->q05 = o->q25 = o->q50 = o->q75 = o->q95 = 0;
            else
                quantiles_of(samples + j * nd, used, o);
            i++;
        }
    }
    for (size_t c0 = 0; !few && c0 < n_days; c0 += chunk) {
        size_t nq = n_days - c0 < chunk ? n_days - c0 : chunk;
        rng_seed(&r, seed); /* every chunk replays the same draws */
        for (size_t d = 0; d < used; d++) {
            one_draw(&w, &r, d, false);
            read_days(&w, d, q + c0, nq, samples + d, nd);
        }
        for (size_t j = 0; j < nq; j++) {
            tally_quantiles *o = &out[q[c0 + j].at];
            o->day = q[c0 + j].day;
            o->extrapolated = o->day > last;
            if (o->day <= start) {
                o->q05 = o->q25 = o->q50 = o->q75 = o->q95 = 0;
                continue;
            }
            quantiles_of(samples + j * nd, used, o);
        }
    }
    /* points within the figures' range never overflow; anything else must
     * not reach a writer as NaN or infinity */
    for (size_t i = 0; i < n_days; i++) {
        const tally_quantiles *o = &out[i];
        if (!(isfinite(o->q05) && isfinite(o->q25) && isfinite(o->q50) && isfinite(o->q75) &&
              isfinite(o->q95))) {
            rc = tally_err_set(err, TALLY_EINPUT,
                               "the estimate is not a finite number (a point too large?)");
            goto out;
        }
    }
    if (info != NULL) {
        info->last = last;
        info->spread = spread;
        info->rate_known = rate_known;
        info->draws = (unsigned)used;
    }
out:
    free(w.path);
    free(mem);
    return rc;
}

int tally_reconcile(const tally_point *points, size_t n, long start, const long *days,
                    size_t n_days, unsigned draws, uint64_t seed, tally_quantiles *out,
                    tally_fit_info *info, tally_err *err)
{
    return reconcile(points, n, start, days, n_days, draws, seed, out, info, NULL, err);
}

int tally_reconcile_draws(const tally_point *points, size_t n, long start, long day, unsigned draws,
                          uint64_t seed, double *out, tally_quantiles *q, tally_err *err)
{
    if (draws == 0)
        return tally_err_set(err, TALLY_EINPUT, "the draws of a day need a number of draws");
    return reconcile(points, n, start, &day, 1, draws, seed, q, NULL, out, err);
}
