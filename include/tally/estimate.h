/* tally: estimates (stage 4). Claims restating one original assertion are
 * folded into echo clusters, which count once; counts in other units are
 * linked by sourced conversion factors; the clusters of a series (supplier,
 * recipient, item, unit) are reconciled into a cumulative quantity over time
 * with its uncertainty; and claims that cannot all be true are flagged.
 *
 * The stage works on plain records (tally_obs) filled from the store, so
 * each part is testable without a database. */
#ifndef TALLY_ESTIMATE_H
#define TALLY_ESTIMATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tally/claim.h"
#include "tally/err.h"
#include "tally/when.h"

/* ---- days ---------------------------------------------------------------- */

/** Days since 1970-01-01 of a partial date: its first day ("2024-03" is
 *  2024-03-01), or its last day when `end` is set ("2024-03" is 2024-03-31).
 *  A date without a year gives LONG_MIN. */
long tally_day_of(tally_date d, bool end);
/** The date of a day number; {0, 0, 0} outside the years 1 to 9999. */
tally_date tally_date_of(long day);

/* ---- observations ---------------------------------------------------------- */

/** One claim as the estimator sees it. */
typedef struct tally_obs {
    int64_t id;          /* the claim's id in the store */
    int64_t doc_id;      /* its document */
    const char *doc;     /* the document's name */
    const char *source;  /* who asserts it: the normalised name */
    const char *source_kind;   /* "government", "intelligence", "official", ... */
    char source_country[4];
    tally_kind kind;
    char supplier[4], recipient[4];
    uint32_t items;
    double caliber_mm; /* 0: not stated */
    const char *unit;  /* CLAIMS.md unit or currency code */
    bool has_low, has_high;
    double low, high;
    tally_qualifier qualifier;
    long since;  /* day number, or LONG_MIN when none */
    long as_of;  /* day number the figure holds at (its as_of, else the day stated) */
    long stated; /* day number it was asserted (the document's date) */
    bool hedged;
    bool curated;
    size_t sentence_start; /* to pair claims of one sentence; 0/0 when unknown */
    size_t sentence_end;
} tally_obs;

/* ---- echo clusters ---------------------------------------------------------- */

/** A cluster: claims restating one original assertion (same source or an
 *  unnamed relay of it, same figure within rounding, same unit and items,
 *  same period), counted once. */
typedef struct tally_cluster {
    size_t *members; /* indexes into the observations, earliest stated first */
    size_t n_members;
    size_t lead; /* the member that stands for the cluster: a named source's
                    claim before an "author" one, a curated row before an
                    extracted one, then the earliest stated */
} tally_cluster;

typedef struct tally_clusters {
    tally_cluster *v;
    size_t n;
    size_t *index; /* storage of all members */
} tally_clusters;

/** Groups `obs` into clusters (every observation in exactly one). Two
 *  claims are echoes when: same supplier, recipient and unit; their items
 *  overlap; their kinds agree (transfer and planned apart, equivalence
 *  apart); their figures agree within `rel_tol` (0.05 by default when 0)
 *  after rounding ("about 10,000" and "10,000"; "more than 1 million" and
 *  "1,000,000"); their dates (as_of) are within `days` (45 when 0) of each
 *  other; and their sources agree: the same name, or one of them "author"
 *  or an outlet (a relay). Clusters are transitive. Returns 0; out of memory
 *  aborts. Free with tally_clusters_free. */
int tally_cluster_obs(const tally_obs *obs, size_t n, double rel_tol, long days,
                      tally_clusters *out);
void tally_clusters_free(tally_clusters *c);

/* ---- reconciliation ----------------------------------------------------------- */

/** What one cluster says of the series at a day, in the series' unit. */
typedef enum tally_bound {
    TALLY_OBS_POINT, /* about `value` (exact, about): log-normal error `sigma` */
    TALLY_OBS_LOWER, /* at least `value` (more-than, at-least) */
    TALLY_OBS_UPPER, /* at most `value` (up-to, less-than) */
    TALLY_OBS_RANGE  /* between `value` and `value_high` */
} tally_bound;

typedef struct tally_point {
    long day;
    tally_bound bound;
    double value;
    double value_high; /* TALLY_OBS_RANGE */
    double sigma;      /* log-scale standard error of the value(s) */
    /* a value converted from another unit carries the factor's range, drawn
     * uniformly on the log scale: multiply by a factor in [lo, hi] */
    double factor_lo, factor_hi; /* 1, 1 when not converted */
    size_t cluster; /* which cluster it came from (for reports) */
} tally_point;

typedef struct tally_quantiles {
    long day;
    double q05, q25, q50, q75, q95; /* 90 % and 50 % intervals and the median */
} tally_quantiles;

/** Estimates a cumulative, non-decreasing quantity N(t), with N(start) = 0,
 *  from `points`, and reports its quantiles at each of `days` (n_days, in
 *  any order; out[i] is for days[i]). The method (README, "How estimates
 *  are made"): `draws` Monte Carlo draws (2000 when 0) from a fixed `seed`;
 *  in each, every point's value is drawn from its error (and factor) and
 *  bounds are drawn within their limits; the points are fitted by weighted
 *  isotonic regression on the log scale (pool adjacent violators, weights
 *  1/sigma^2, a range or factor of log width w adding w^2/12 to sigma^2),
 *  lower and upper bounds are then imposed forward and backward in time (a
 *  lower bound wins over an upper one it conflicts with; with no points,
 *  the bounds' own draws are the fitted values), and N is read at each day
 *  by linear interpolation between fitted days (flat after the last). Days
 *  on or before `start` get quantiles of 0. Returns 0, or TALLY_EINPUT with
 *  `err` set when there is nothing to estimate from or a point is unusable
 *  (a value not above 0, a point on or before `start`, a negative sigma, a
 *  factor range not within (0, inf); a factor of 0, 0 is read as 1, 1). */
int tally_reconcile(const tally_point *points, size_t n, long start, const long *days,
                    size_t n_days, unsigned draws, uint64_t seed, tally_quantiles *out,
                    tally_err *err) TALLY_MUST_CHECK;

#endif
