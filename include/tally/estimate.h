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

/* ---- observations ---------------------------------------------------------- */

/** One claim as the estimator sees it. */
typedef struct tally_obs {
    int64_t id;              /* the claim's id in the store */
    int64_t doc_id;          /* its document */
    const char *doc;         /* the document's name */
    const char *source;      /* who asserts it: the normalised name */
    const char *source_kind; /* "government", "intelligence", "official", ... */
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
    bool rate;             /* a figure per day, month or year (the claim's per), not a
                              cumulative count */
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
 *    one's precision and differ by at most a quarter ("nearly 7,000" and
 *    "6,700" at the thousands; "more than 1 million" and "1.2 million"; but
 *    not "about 10,000" and 6,000; exact "7,000" and "6,700" only through
 *    `rel_tol`). A range agrees only with a range, end by end;
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
    size_t cluster;              /* which cluster it came from (for reports) */
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

/* ---- the model's data: conversion factors and source grades ---------------- */

/** One conversion factor (data/factors.tsv): one `from` holds low..high `to`. */
typedef struct tally_factor {
    char from[16];
    char to[16];
    uint32_t item;     /* the result's item bit */
    double caliber_mm; /* 0: any */
    double low, high;
    char source[96]; /* a source's name, or "model" */
    char url[256];
    char note[256];
} tally_factor;

/** Source grades (data/grades.tsv). */
typedef struct tally_grade_rule {
    char kind[16];   /* "*" for any */
    char country[4]; /* "*" for any */
    char grade;      /* 'A'..'F' */
} tally_grade_rule;

typedef struct tally_model {
    tally_factor *factors;
    size_t n_factors;
    tally_grade_rule *rules;
    size_t n_rules;
    double grade_sigma[6]; /* A..F */
    double hedged_sigma;
} tally_model;

/** Loads the factors and grades: from the files given, else the copies
 *  compiled into tally (data/factors.tsv, data/grades.tsv). Returns 0, or
 *  TALLY_EINPUT with `err` naming the file and line of a bad entry. */
int tally_model_load(tally_model *m, const char *factors_path, const char *grades_path,
                     tally_err *err) TALLY_MUST_CHECK;
void tally_model_free(tally_model *m);

/** The factor converting `from` into `to` for an item (bit set) and
 *  caliber (0: any): the one of `source` (case-insensitive) when it has
 *  one, else the "model" one; NULL when there is none. */
const tally_factor *tally_factor_find(const tally_model *m, const char *from, const char *to,
                                      uint32_t items, double caliber_mm, const char *source);

/** The grade of a source of `kind` and `country`, and the error of a claim:
 *  its qualifier's own (exact 0.05, about 0.15, a bound or range 0.05),
 *  its source's grade and, when hedged, the hedge's, added in quadrature. */
char tally_source_grade(const tally_model *m, const char *kind, const char *country);
double tally_obs_sigma(const tally_model *m, const tally_obs *o, char *grade);

/* ---- from the store to observations, series and checks ---------------------- */

struct tally_store;
struct tally_claim_filter;

/** Observations loaded from the store; strings are interned in `arena`. */
typedef struct tally_obs_set {
    tally_obs *v;
    size_t n;
    struct tally_arena *arena;
} tally_obs_set;

/** Loads every claim that passes `f` (NULL: all) as observations. */
int tally_obs_load(struct tally_store *s, const struct tally_claim_filter *f, tally_obs_set *out,
                   tally_err *err) TALLY_MUST_CHECK;
void tally_obs_set_free(tally_obs_set *o);

/** How a point of a series was derived from its cluster. */
typedef enum tally_derivation {
    TALLY_DERIVED_DIRECT,    /* the cluster counts the series' unit */
    TALLY_DERIVED_OWN,       /* the source's own conversion (an equivalence) */
    TALLY_DERIVED_CONVERTED, /* another unit, times a factor of data/factors.tsv */
    TALLY_DERIVED_LAUNCHED   /* missiles or drones launched: a lower bound on those sent */
} tally_derivation;

typedef struct tally_series_point {
    tally_point p;
    tally_derivation how;
    const tally_factor *factor; /* TALLY_DERIVED_CONVERTED */
    char grade;                 /* the source's grade */
} tally_series_point;

/** A series: what one state sent another, of an item, in a unit. */
typedef struct tally_series {
    char supplier[4], recipient[4];
    uint32_t item; /* one item bit */
    char unit[16];
    long start; /* N(start) = 0: the earliest "since" of its clusters, else a year
                   before its first point */
    tally_series_point *v;
    size_t n;
} tally_series;

/** Builds the points of `series` (supplier, recipient, item and unit set by
 *  the caller) from the clusters of `obs`: transfers and equivalences (and
 *  money given, for money); missiles and drones launched as lower bounds;
 *  never planned, production, stock, rates or percentages;
 *  an equivalence tied to the count it was derived from (same source,
 *  stated within 3 days) stands for that count, which then is not converted
 *  again; counts in other units are converted with the source's factor,
 *  else the model's. Free with tally_series_free. */
void tally_series_build(const tally_model *m, const tally_obs *obs, size_t n,
                        const tally_clusters *c, tally_series *series);
/** The unit a series of `item` is best told in: the commonest unit of the
 *  clusters that count for it (never percent); NULL when none does. */
const char *tally_series_default_unit(const tally_obs *obs, const tally_clusters *c,
                                      const char *supplier, const char *recipient, uint32_t item);
void tally_series_free(tally_series *series);

/** A contradiction: claims that cannot all be true, and why. */
typedef struct tally_contradiction {
    const char *rule; /* "conversion", "below-lower-bound", "swapped-range" */
    size_t a, b;      /* observations involved (b == a when one) */
    char why[1024];
} tally_contradiction;

/** Finds contradictions among `obs` (see the README, "tally check"): an
 *  equivalence whose ratio to the count it restates lies outside the factor
 *  range of the source that made the conversion; a cumulative figure below
 *  an earlier lower bound of the same series; a range whose ends are
 *  swapped. Calls `fn` for each, in a stable order. */
void tally_check(const tally_model *m, const tally_obs *obs, size_t n, const tally_clusters *c,
                 void (*fn)(const tally_contradiction *x, void *user), void *user);

#endif
