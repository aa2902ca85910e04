/* tally: comparing a state's partners (stage 4). Unit prices with their
 * sources (data/prices.tsv) and a consumer price index (data/cpi.tsv) put
 * what each partner sent a state, or received from it, in one currency;
 * the series' Monte Carlo draws (the estimates' own) and the prices' draws,
 * joined draw by draw, give each partner's total with its intervals and the
 * probability of each rank.
 *
 * Owned by the estimate stage; what it returns is freed by the *_free
 * functions here. */
#ifndef TALLY_RANK_H
#define TALLY_RANK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tally/err.h"
#include "tally/estimate.h"

/* ---- prices ------------------------------------------------------------------ */

/** One price (a line of data/prices.tsv): one `unit` of `item` costs
 *  low..high `currency` of `year`; low_base..high_base are the same in
 *  dollars of the price table's base year (data/cpi.tsv). */
typedef struct tally_price {
    uint32_t item;     /* one item bit */
    char unit[16];     /* a CLAIMS.md unit */
    double caliber_mm; /* 0: any */
    double low, high;  /* as written */
    char currency[4];
    int year;
    double low_base, high_base; /* deflated to the base year */
    char source[96];
    char url[256];
    char note[256];
} tally_price;

/** One year of the consumer price index (a line of data/cpi.tsv). */
typedef struct tally_cpi {
    int year;
    double index;
    char url[256];
} tally_cpi;

typedef struct tally_prices {
    tally_price *v;
    size_t n;
    tally_cpi *cpi;
    size_t n_cpi;
    int base_year; /* the newest year of the index: prices are in its dollars */
} tally_prices;

/** Loads the prices and the index from the files given, else the copies
 *  compiled into tally (data/prices.tsv, data/cpi.tsv). Every line needs
 *  its fields, a URL (http:// or https://), 0 < low <= high, a known item,
 *  the currency USD and a year the index has. Returns 0, or TALLY_EINPUT
 *  with `err` as "FILE:LINE: reason" (TALLY_EIO when a file cannot be
 *  read). Free with tally_prices_free (accepts an emptied one). */
int tally_prices_load(tally_prices *p, const char *prices_path, const char *cpi_path,
                      tally_err *err) TALLY_MUST_CHECK;
void tally_prices_free(tally_prices *p);

/** The price range (base-year dollars) of one `unit` of `item` (one bit)
 *  and caliber (0: any, which takes the lines of every caliber): the lowest
 *  low and the highest high of the lines that match, their number in
 *  *n_lines and the first of them in *first (either may be NULL). False
 *  when no line matches. */
bool tally_price_range(const tally_prices *p, uint32_t item, const char *unit, double caliber_mm,
                       double *lo, double *hi, size_t *n_lines, const tally_price **first);

/* ---- the ranking ------------------------------------------------------------- */

/** What partners are compared by. */
typedef enum tally_rank_by {
    TALLY_RANK_VALUE,  /* base-year dollars: each series times its item's price */
    TALLY_RANK_COUNT,  /* things counted one by one (rounds, missiles, drones, vehicles) */
    TALLY_RANK_SHARE,  /* the percent of the state's use a partner's supply is said to make */
    TALLY_RANK_PEOPLE, /* troops and workers */
} tally_rank_by;

/** Parses "value", "count", "share" or "people"; -1 for anything else. */
int tally_rank_by_parse(const char *name);
const char *tally_rank_by_name(tally_rank_by by);

/** Why a series (or a partner) does not count. */
typedef enum tally_rank_lack {
    TALLY_LACK_NONE,
    TALLY_LACK_PRICE,     /* value: no price for its item in its unit */
    TALLY_LACK_CURRENCY,  /* value: money in a currency other than the base one */
    TALLY_LACK_MEASURE,   /* the unit is not what --by compares */
    TALLY_LACK_ESTIMATE,  /* the series could not be reconciled */
    TALLY_LACK_NOT_YET,   /* the series starts after the day asked */
    TALLY_LACK_NO_SERIES, /* partner: claims, but none that counts a delivery */
    TALLY_LACK_NO_SHARE,  /* share: no percent claim by the day asked */
} tally_rank_lack;

/** One series of a partner, or (--by share) its share claim. */
typedef struct tally_rank_part {
    uint32_t item; /* one item bit */
    char unit[16];
    tally_rank_lack lack;
    char why[256];             /* TALLY_LACK_ESTIMATE: the reconciliation's message */
    tally_quantiles quantity;  /* in its unit, at the day (the estimate's numbers) */
    double price_lo, price_hi; /* value: the price range drawn (base-year dollars) */
    size_t price_lines;        /* value: how many price lines make the range */
    const tally_price *price;  /* value: the first of them (borrowed from the prices) */
    tally_quantiles value;     /* its contribution in the measure compared */
    size_t clusters;           /* the series' points */
    long at;      /* the day it is read at: the day asked, or its last evidence when that is
                     earlier (not extrapolated) */
    size_t claim; /* share: the claim used (an index into the observations) */
} tally_rank_part;

/** One partner: its total and the odds of each rank. */
typedef struct tally_rank_partner {
    char state[4];
    bool ranked;          /* at least one part counts */
    tally_rank_lack lack; /* unranked: TALLY_LACK_NO_SERIES, NO_SHARE, or the first part's */
    tally_quantiles total;
    double *p_rank; /* ranked: n_ranked probabilities, p_rank[k] of rank k + 1 (sum 1) */
    tally_rank_part *parts;
    size_t n_parts;
    size_t claims; /* the partner's claims with the state (in the direction asked) */
} tally_rank_partner;

typedef struct tally_ranking {
    char state[4];
    bool to; /* partners sending to the state (else receiving from it) */
    tally_rank_by by;
    long day;
    int base_year;
    unsigned draws;
    tally_rank_partner *v; /* ranked partners first, by median (then code), then unranked */
    size_t n;
    size_t n_ranked;
} tally_ranking;

/** The default number of draws of tally_rank. */
#define TALLY_RANK_DRAWS 1000u

/** Ranks the partners of `state` from the claims `obs` (clustered in `c`):
 *  every other state that sent it something (`to`) or received something
 *  from it, at day `day`. Each partner's parts are its series (one a item,
 *  in its default unit, built as tally_estimate builds them; --by share:
 *  its latest percent claim of the state's use). In each of `draws` draws
 *  (0: TALLY_RANK_DRAWS) every series takes its own draw (tally_series_draws:
 *  the estimate's draws, so each series' quantiles are the estimate's with
 *  that many draws; series are paired draw by draw through a fixed shuffle
 *  a series, so that different series' errors stay independent) and every
 *  price a log-uniform place in its range, the same for every partner in
 *  that draw; a series is read at `day`, or at its last evidence when that
 *  is earlier unless `extrapolate` (a batch of tanks seen once is not a
 *  rate to carry on for years); a partner's total is the sum of its
 *  counted parts, and the
 *  ranks are read among the ranked partners draw by draw. Partners whose
 *  parts all lack something are listed unranked with why. Returns 0, or
 *  TALLY_ENOTFOUND when the state has no partner. Free with
 *  tally_ranking_free. */
int tally_rank(const tally_model *m, const tally_prices *p, const tally_obs *obs, size_t n,
               const tally_clusters *c, const char *state, bool to, tally_rank_by by, long day,
               unsigned draws, bool extrapolate, tally_ranking *out,
               tally_err *err) TALLY_MUST_CHECK;
void tally_ranking_free(tally_ranking *r);

/** Words for why a part or partner does not count ("no price for drone in
 *  drone"), into buf. */
void tally_rank_lack_words(tally_rank_lack lack, const tally_rank_part *part, char *buf,
                           size_t size);

#endif
