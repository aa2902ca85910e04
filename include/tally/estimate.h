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
    int64_t id;                /* the claim's id in the store */
    int64_t doc_id;            /* its document */
    const char *doc;           /* the document's name */
    const char *source;        /* who asserts it: the normalised name */
    const char *identity;      /* whom that name stands for ("South Korean defence ministry" for
                                  "Shin Won-sik", data/identities.tsv); NULL: the source */
    const char *identity_kind; /* its kind and country, which its grade goes by; NULL: the
                                  source's */
    char identity_country[4];
    const char *written;     /* the source as the document wrote it; NULL: the source */
    bool descriptive;        /* the source is a description of its country's government,
                                not a name ("Seoul", "a South Korean think tank"): it echoes
                                a named source of that country (tally_cluster_obs) */
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
    double sigma;      /* log-scale error of the claim itself: its wording, a hedge */
    /* the claim's source: claims of one source share one bias, drawn from a
     * normal of log-scale deviation bias_sigma (its grade's), widened when
     * the sources of the series disagree */
    size_t source; /* the source's number within the series */
    double bias_sigma;
    /* a value converted from another unit carries the factor's range, drawn
     * uniformly on the log scale: multiply by a factor in [lo, hi] */
    double factor_lo, factor_hi; /* 1, 1 when not converted */
    size_t cluster;              /* which cluster it came from (for reports) */
    bool overruled;              /* a bound that a better-graded figure contradicts: not imposed */
} tally_point;

typedef struct tally_quantiles {
    long day;
    double q05, q25, q50, q75, q95; /* 90 % and 50 % intervals and the median */
    bool extrapolated;              /* after the last evidence: the recent rate carried on */
} tally_quantiles;

/** What a reconciliation found beyond the quantiles (may be NULL). */
typedef struct tally_fit_info {
    long last;       /* the last day with evidence; later days are extrapolated */
    double spread;   /* >= 1: how much the sources' biases were widened because the
                        claims disagree (the square root of chi^2 per degree of freedom) */
    bool rate_known; /* false: no growth rate could be read (one day of evidence and
                        no start): after `last` half the draws hold N (a one-off),
                        half grow it as if reached in a month to three years */
    unsigned draws;  /* Monte Carlo draws made */
} tally_fit_info;

/** The model's one free parameter: how fast a growth rate may change, as
 *  the standard deviation of the change of its logarithm over a year (the
 *  rate follows a random walk on the log scale). */
#define TALLY_RATE_VOLATILITY 1.4
/** How far past its figure a bound's truth is read to lie: "more than
 *  16,500" as 16,500 to 20,625, "up to 4.8 million" as 3.84 to 4.8 million
 *  (the quarter that rounding explains at most, as in the echo clusters). */
#define TALLY_BOUND_READ 1.25
/** How far back "the recent rate" looks, in days. */
#define TALLY_RECENT_DAYS 182
/** How lumpy deliveries are, in days: a rate read over S days of evidence
 *  is uncertain on the log scale by a further variance of this over S, as
 *  an average over shipments whose gaps are of this order would be. Chosen
 *  on the sparse calibration (tests/unit/test_reconcile.c: the value whose
 *  90 % interval after the last claim covers closest to 90 %), not on the
 *  record. */
#ifndef TALLY_RATE_LUMP
#define TALLY_RATE_LUMP 60.0
#endif

/** Estimates a cumulative, non-decreasing quantity N(t), with N(start) = 0,
 *  from `points`, and reports its quantiles at each of `days` (n_days, in
 *  any order; out[i] is for days[i]). The method (README, "How estimates
 *  are made"), in each of `draws` Monte Carlo draws (when 0, as many as the
 *  interval needs to be stable: from 500 in steps of 250 until the 5 %, 50 %
 *  and 95 % quantiles at the last evidence move by less than 2 % of the
 *  90 % interval, at most 2000) from a fixed `seed`:
 *  - every source gets a bias, every point a value from its own error, a
 *    range or a conversion factor a place within it (log-uniform);
 *  - the points are fitted by weighted isotonic regression on the log scale
 *    (pool adjacent violators, weights 1 / the variance of each sample);
 *  - at every day with evidence (a node) N is the fit there (between fitted
 *    days linear, after the last at the fit's recent rate), lifted to the
 *    lower bounds that hold by then and capped by the upper bounds still
 *    ahead (bounds are hard: N lands past a bound that binds by a
 *    log-uniform part of TALLY_BOUND_READ; a lower bound wins a conflict;
 *    overruled bounds are left out); with no points, the bounds decide;
 *  - between nodes N follows a monotone cubic through them whose rate is
 *    perturbed by a random walk on its log (TALLY_RATE_VOLATILITY), scaled
 *    to meet the next node: a bridge, never a step;
 *  - after the last node N grows at the rate of the last TALLY_RECENT_DAYS,
 *    whose log walks on (the uncertainty widens with time), and is flagged
 *    extrapolated.
 *  Each day's value in a draw does not depend on which other days are
 *  asked. Days on or before `start` get quantiles of 0. `info` (may be
 *  NULL) receives the last evidence day and the disagreement found.
 *  Returns 0, or TALLY_EINPUT with `err` set when there is nothing to
 *  estimate from or a point is unusable (a value not above 0, a point on or
 *  before `start`, a negative sigma, a factor range not within (0, inf); a
 *  factor of 0, 0 is read as 1, 1), or when a quantile is not finite
 *  (points so large that the draws overflow). */
int tally_reconcile(const tally_point *points, size_t n, long start, const long *days,
                    size_t n_days, unsigned draws, uint64_t seed, tally_quantiles *out,
                    tally_fit_info *info, tally_err *err) TALLY_MUST_CHECK;

/** The same draws as tally_reconcile with exactly `draws` (> 0) draws from
 *  `seed`, at one day: out[d] (room for `draws`) is draw d's value of N at
 *  `day`, in the order drawn (0 on or before `start`); `q` (may be NULL)
 *  receives their quantiles, which equal tally_reconcile's for that day.
 *  What joins several series draw by draw (tally_rank) reads these.
 *  Returns 0, or tally_reconcile's errors. */
int tally_reconcile_draws(const tally_point *points, size_t n, long start, long day, unsigned draws,
                          uint64_t seed, double *out, tally_quantiles *q,
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

/** Whom a source's name stands for (data/identities.tsv): a minister his
 *  ministry, while in office; one body's several names. */
typedef struct tally_identity {
    char name[96];
    char identity[96];
    char kind[16];   /* the identity's kind: its grade goes by it */
    char country[4]; /* "" for none */
    long from, to;   /* day numbers it holds (LONG_MIN, LONG_MAX: open) */
} tally_identity;

typedef struct tally_model {
    tally_factor *factors;
    size_t n_factors;
    tally_grade_rule *rules;
    size_t n_rules;
    double grade_sigma[6];     /* A..F */
    char grade_meaning[6][48]; /* A..F: "usually reliable"; "" when the line gives none */
    double hedged_sigma;
    tally_identity *identities;
    size_t n_identities;
} tally_model;

/** Loads the factors and grades: from the files given, else the copies
 *  compiled into tally (data/factors.tsv, data/grades.tsv); and the
 *  identities compiled into tally (data/identities.tsv). Returns 0, or
 *  TALLY_EINPUT with `err` naming the file and line of a bad entry. */
int tally_model_load(tally_model *m, const char *factors_path, const char *grades_path,
                     tally_err *err) TALLY_MUST_CHECK;
void tally_model_free(tally_model *m);

/** The factor converting `from` into `to` for an item (bit set) and
 *  caliber (0: any): the one of `source` (case-insensitive) when it has
 *  one, else the "model" one; NULL when there is none. */
const tally_factor *tally_factor_find(const tally_model *m, const char *from, const char *to,
                                      uint32_t items, double caliber_mm, const char *source);

/** The identity `name` (any case) stands for on day `day` (LONG_MIN: any
 *  day), or NULL. */
const tally_identity *tally_identity_find(const tally_model *m, const char *name, long day);

/** The grade of a source of `kind` and `country`; the error of a claim
 *  itself: its qualifier's (exact 0.05, about 0.15, a bound or range 0.05)
 *  and, when hedged, the hedge's, added in quadrature; and in *grade and
 *  *bias_sigma (either may be NULL) its source's grade and the deviation of
 *  that source's bias (the grade's sigma), which the claims of one source
 *  share. */
char tally_source_grade(const tally_model *m, const char *kind, const char *country);
double tally_obs_sigma(const tally_model *m, const tally_obs *o, char *grade, double *bias_sigma);

/* ---- from the store to observations, series and checks ---------------------- */

struct tally_store;
struct tally_claim_filter;

/** Observations loaded from the store; strings are interned in `arena`. */
typedef struct tally_obs_set {
    tally_obs *v;
    size_t n;
    struct tally_arena *arena;
} tally_obs_set;

/** Loads every claim that passes `f` (NULL: all) as observations, each
 *  source resolved to its identity: the actor table's canonical name of a
 *  name it knows whole (data/actors.tsv), then whom that name stands for on
 *  the day it was stated (data/identities.tsv of `m`; `m` may be NULL); a
 *  descriptive source ("a South Korean think tank", "Seoul") is the named
 *  source of its country that its document sets beside it ("INSS, a South
 *  Korean think tank") when there is one. */
int tally_obs_load(struct tally_store *s, const tally_model *m, const struct tally_claim_filter *f,
                   tally_obs_set *out, tally_err *err) TALLY_MUST_CHECK;

/** Loads what a series of `item` (one bit) in `unit` (NULL: its default
 *  unit, of the claims of `f`'s pair) can use, as tally_obs_load: the claims
 *  passing `f` (its `item` is ignored) of that item, and of munitions when
 *  it is an arms item and a factor of `m` converts counts into that unit.
 *  Much less than every claim of a pair, and the same series. With `c` not
 *  NULL: when finding the default unit clustered exactly what was loaded,
 *  those clusters (tally_cluster_obs with default settings, the caller
 *  frees them), else an empty set (c->v NULL) to make. */
int tally_obs_load_series(struct tally_store *s, const tally_model *m,
                          const struct tally_claim_filter *f, uint32_t item, const char *unit,
                          tally_obs_set *out, tally_clusters *c, tally_err *err) TALLY_MUST_CHECK;

/** After clustering: a descriptive source that echoes a named one in its
 *  cluster takes that one's identity ("Seoul" saying a minister's figure
 *  is his ministry). */
void tally_identity_link(tally_obs *obs, size_t n, const tally_clusters *c);
void tally_obs_set_free(tally_obs_set *o);
/** The grade of the source of one stored claim `r` ('A'..'F'), as
 *  tally_obs_load resolves its identity (only a document's pairing of a
 *  description with a name, "INSS, a South Korean think tank", is not seen
 *  from one row); '?' when `m` is NULL. */
char tally_obs_row_grade(const tally_model *m, const tally_claim_row *r);

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

/** Why a series starts when it does (N = 0 until then). */
typedef enum tally_start_reason {
    TALLY_START_SINCE, /* the earliest "since" among its points' claims */
    TALLY_START_FIRST  /* no claim says since when: the day before its first point, so
                          nothing is drawn before the first evidence */
} tally_start_reason;

/** A bound of a series and a figure of it that cannot both be true ("more
 *  than 10,000" by February, "about 6,700" after), and which the estimate
 *  follows: the bound, unless the figure's source is better graded. */
typedef struct tally_conflict {
    size_t bound;        /* the bound: an index into the series' points */
    size_t other;        /* the contradicting figure (a point, range or bound) */
    bool followed_bound; /* false: the bound is overruled (tally_point.overruled) */
} tally_conflict;

/** A series: what one state sent another, of an item, in a unit. */
typedef struct tally_series {
    char supplier[4], recipient[4];
    uint32_t item; /* one item bit */
    char unit[16];
    long start; /* N(start) = 0 */
    tally_start_reason start_reason;
    size_t start_point;    /* the point whose "since" (or day) set the start */
    tally_series_point *v; /* by day */
    size_t n;
    tally_conflict *conflicts; /* by the bound's day */
    size_t n_conflicts;
} tally_series;

/** Builds the points of `series` (supplier, recipient, item and unit set by
 *  the caller) from the clusters of `obs`: transfers and equivalences (and
 *  money given, for money); missiles and drones launched as lower bounds;
 *  never planned, production, stock, rates or percentages;
 *  an equivalence tied to the count it was derived from (same source,
 *  stated within 3 days) stands for that count, which then is not converted
 *  again; counts in other units (of the series' item or of munitions) are
 *  converted with the source's factor, else the model's. Each point's
 *  source is its lead claim's, numbered in order of first appearance. The
 *  start is the earliest "since" of the points' claims, else the day before
 *  the first point. Bounds contradicted by a figure of the series (a later
 *  figure below "more than X" or an earlier one above "up to X", by more
 *  than a tenth, both in the series' unit uncoverted) are listed in
 *  `conflicts`, one a bound (its best-graded contradiction, then the
 *  smallest), and overruled when that figure's source is better graded.
 *  Free with tally_series_free. */
void tally_series_build(const tally_model *m, const tally_obs *obs, size_t n,
                        const tally_clusters *c, tally_series *series);
/** The unit a series of `item` is best told in: the commonest unit of the
 *  clusters that count for it (never percent); NULL when none does. */
const char *tally_series_default_unit(const tally_obs *obs, const tally_clusters *c,
                                      const char *supplier, const char *recipient, uint32_t item);
void tally_series_free(tally_series *series);

/** Reconciles the points of `series` at `days` (tally_reconcile with the
 *  series' start and a fixed seed, so that runs repeat); `info` may be NULL. */
int tally_series_reconcile(const tally_series *series, const long *days, size_t n_days,
                           unsigned draws, tally_quantiles *out, tally_fit_info *info,
                           tally_err *err) TALLY_MUST_CHECK;

/** The draws of tally_series_reconcile (same seed) at one day:
 *  tally_reconcile_draws for the series' points and start. */
int tally_series_draws(const tally_series *series, long day, unsigned draws, double *out,
                       tally_quantiles *q, tally_err *err) TALLY_MUST_CHECK;

/* ---- back-test: what the estimate said before a total was stated ------------- */

/** One cumulative total of a record, and the estimate of its series made
 *  from what was stated before it. */
typedef struct tally_backtest_case {
    size_t total;        /* the total: an index into the observations */
    tally_series series; /* its series as known the day before (points borrowed
                            for the callback only) */
    long known_by;       /* the last day whose claims were used: the day before it was stated */
    bool estimated;      /* false: nothing counted for the series by then */
    tally_quantiles q;   /* the estimate at the total's day (q.day) */
    double low, high;    /* what the total says: [low, high] (a bound reads as a quarter
                            past its figure, "more than 16,500": 16,500-20,625) */
    bool in50, in90;     /* the 50 % and 90 % intervals overlap [low, high] */
    double log_error;    /* log(median / sqrt(low * high)) */
} tally_backtest_case;

/** Back-tests the estimator on `obs`: for every cumulative total (a claim
 *  that counts for a series in its own unit: a transfer, an equivalence,
 *  missiles or drones launched; never a rate, plan or percentage) stated
 *  after `cutoff` (a day number), the estimate of its series at its day made
 *  only from the claims stated before the day it was stated (clustered
 *  anew), compared with it. Calls `fn` for each total in order of the day it
 *  was stated (then id), estimated or not. Returns 0, or the first error of
 *  the reconciliation with `err` set. */
int tally_backtest(const tally_model *m, const tally_obs *obs, size_t n, long cutoff,
                   unsigned draws, void (*fn)(const tally_backtest_case *c, void *user), void *user,
                   tally_err *err) TALLY_MUST_CHECK;

/** The rules of tally_check, as tally_contradiction.rule names them. */
typedef enum tally_check_rule {
    TALLY_CHECK_SWAPPED,        /* "swapped-range" */
    TALLY_CHECK_CONVERSION,     /* "conversion" */
    TALLY_CHECK_BELOW_LOWER,    /* "below-lower-bound" */
    TALLY_CHECK_ABOVE_UPPER,    /* "above-upper-bound" */
    TALLY_CHECK_MISATTRIBUTION, /* "misattribution" */
} tally_check_rule;

/** Which claim of a contradiction the estimate follows. */
typedef enum tally_follows {
    TALLY_FOLLOWS_NONE, /* the rule does not say (not a bound's conflict) */
    TALLY_FOLLOWS_A,    /* the figure: its source is better graded than the bound's */
    TALLY_FOLLOWS_B     /* the bound: the figure's source is not better graded */
} tally_follows;

/** A contradiction: claims that cannot all be true, and why. Besides the
 *  rule's slug and its technical `why`, the facts the words for people
 *  are written from (tally_present_contradiction_words). */
typedef struct tally_contradiction {
    const char *rule; /* "swapped-range", "conversion", "below-lower-bound",
                         "above-upper-bound", "misattribution" */
    size_t a, b;      /* observations involved (b == a when one); for a bound's
                         conflict a is the figure and b the bound; for a
                         conversion a the equivalence and b its count */
    char why[1024];
    size_t from[2]; /* misattribution: the counts a and b were made from; else SIZE_MAX */
    tally_check_rule id;
    tally_follows follows;
    const tally_factor *factor; /* conversion: the range the ratio falls outside */
    double ratio;               /* conversion: a's figure over b's */
} tally_contradiction;

/** Finds contradictions among `obs` (see the README, "tally check"), in
 *  this order:
 *  - swapped-range: a range whose ends are swapped;
 *  - conversion: an equivalence whose ratio to the count it restates (in its
 *    sentence, else the nearest before it in its document) lies outside the
 *    factor range of the source that made the conversion;
 *  - below-lower-bound, above-upper-bound: a bound of a series and a figure
 *    that contradicts it, as tally_series_build finds them in every series
 *    (pair, item, unit) with a claim in its own unit, each pair of claims
 *    once, saying which the estimate follows;
 *  - misattribution: an equivalence, stated over a count, whose figure
 *    agrees with another document's equivalence that its source made from
 *    a count of its own, when the two counts disagree and come from
 *    different sources (the US's 10,000 containers beside South Korea's
 *    "3 million rounds", its conversion of 6,700).
 *  Calls `fn` for each, in a stable order. */
void tally_check(const tally_model *m, const tally_obs *obs, size_t n, const tally_clusters *c,
                 void (*fn)(const tally_contradiction *x, void *user), void *user);

#endif
