/* tally: figures in English text (stage 2's first half): numbers, money and
 * percentages with their qualifier and range. */
#ifndef TALLY_FIGURE_H
#define TALLY_FIGURE_H

#include <stdbool.h>
#include <stddef.h>

#include "tally/err.h"
#include "tally/mem.h"

typedef enum tally_figure_kind {
    TALLY_FIG_NUMBER,
    TALLY_FIG_MONEY,
    TALLY_FIG_PERCENT
} tally_figure_kind;

/** The qualifier values of CLAIMS.md. */
typedef enum tally_qualifier {
    TALLY_Q_EXACT,
    TALLY_Q_ABOUT,
    TALLY_Q_MORE_THAN,
    TALLY_Q_AT_LEAST,
    TALLY_Q_UP_TO,
    TALLY_Q_LESS_THAN,
    TALLY_Q_RANGE
} tally_qualifier;

/** One figure. Offsets are bytes into the scanned text, end exclusive, and
 *  cover the qualifier, the currency and the percent sign when present.
 *  `low`/`high` follow CLAIMS.md: exact, about, more-than and at-least set
 *  low only; up-to and less-than set high only; range sets both. */
typedef struct tally_figure {
    size_t start;
    size_t end;
    tally_figure_kind kind;
    tally_qualifier qualifier;
    bool has_low;
    bool has_high;
    double low;
    double high;
    bool vague;       /* "dozens", "hundreds of thousands": a lower bound */
    char currency[4]; /* ISO 4217 code for money ("USD"), else "" */
} tally_figure;

/** The range of a figure's magnitude: from a trillionth to a million
 *  trillion, the smallest and largest the lexicon's words name ("a
 *  trillionth", "a million trillion"). No report on material support
 *  states more (the world's yearly output is some 10^14 dollars), and sums,
 *  conversions and Monte Carlo draws of such figures stay far from a
 *  double's overflow, so no NaN or infinity can come of them. Text whose
 *  value lies outside ("1e99999", "1e-99999", "4.9e-324", "9e307",
 *  "2^2000") is not a figure: the scanner finds none there, and the store
 *  and the importer refuse such a value. */
#define TALLY_FIGURE_MAX 1e18
#define TALLY_FIGURE_MIN 1e-12

/** True when `v` is 0 or its magnitude is within [TALLY_FIGURE_MIN,
 *  TALLY_FIGURE_MAX]; false for NaN and the infinities. */
static inline bool tally_figure_value_ok(double v)
{
    double m = v < 0 ? -v : v;
    return v == 0 || (m >= TALLY_FIGURE_MIN && m <= TALLY_FIGURE_MAX);
}

typedef struct tally_figures {
    tally_figure *v; /* lives in the arena */
    size_t n;
} tally_figures;

/** Finds every figure in `text` (valid UTF-8). Years, dates, times,
 *  ordinals, calibers and designators ("152mm", "KN-23"), phone numbers and
 *  numbers inside URLs are not figures. Results are in text order and do not
 *  overlap; the array lives in `a`. Returns 0. */
int tally_figures_scan(tally_span text, tally_figures *out, tally_arena *a,
                       tally_err *err) TALLY_MUST_CHECK;

/** Returns the CLAIMS.md name of `q` ("exact", "more-than", ...). */
const char *tally_qualifier_name(tally_qualifier q);
/** Returns "number", "money" or "percent". */
const char *tally_figure_kind_name(tally_figure_kind k);

#endif
