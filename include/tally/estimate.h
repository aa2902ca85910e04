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
 *  2024-03-01), or its last day when `end` is set ("2024-03" is 2024-03-31). */
long tally_day_of(tally_date d, bool end);
/** The date of a day number. */
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
 *  claims are echoes when all of these hold:
 *  - the same supplier and recipient (either may be ""), the same unit
 *    (string compare), and the same kind (so transfer and stock never join
 *    planned, and equivalence joins only equivalence);
 *  - their items overlap (or neither has any); their calibers are equal
 *    when both are stated;
 *  - their as_of days are at most `days` apart (45 when `days` <= 0);
 *  - their figures agree: the representative value (low when has_low, else
 *    high) of each is within `rel_tol` (0.05 when <= 0) of the other's,
 *    relative to the larger; or, when either is qualified about, more-than,
 *    at-least or up-to, both round to the same multiple of the coarser
 *    one's precision ("nearly 7,000" and "6,700" at the thousands; "more
 *    than 1 million" and "1.4 million"; but exact "7,000" and "6,700" only
 *    through `rel_tol`). A range agrees only with a range, end by end;
 *  - their sources agree: the same name (ASCII case-insensitive), or either
 *    is a relay: "author", empty or NULL (unattributed), or of source_kind
 *    "outlet". Two different named sources never share a cluster, even
 *    through relays: a relay joins one of them.
 *  Clusters are transitive, and the same whatever the order of `obs` (given
 *  distinct ids). Each observation is compared with a bounded window of its
 *  neighbours in four sorted orders (O(n log n)), so in a very dense series
 *  two echoes may stay apart. Clusters come in the order of their earliest
 *  member; members are listed earliest stated first (ties by id); `lead` is
 *  a named non-relay claim before a relay, then a curated one before an
 *  extracted one, then the earliest stated, then the smallest id. Returns
 *  0; out of memory aborts. Free with tally_clusters_free (which accepts
 *  NULL and an empty result). */
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
 *  1/sigma^2), lower and upper bounds are then imposed forward and backward
 *  in time, and N is read at each day by linear interpolation between fitted
 *  days (flat after the last). Returns 0, or TALLY_EINPUT with `err` set
 *  when there is nothing to estimate from. */
int tally_reconcile(const tally_point *points, size_t n, long start, const long *days,
                    size_t n_days, unsigned draws, uint64_t seed, tally_quantiles *out,
                    tally_err *err) TALLY_MUST_CHECK;

#endif
