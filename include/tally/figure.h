/* tally: figures in English text (stage 2, extract, its first half):
 * numbers, money and percentages with their qualifier (the model's) and
 * range. */
#ifndef TALLY_FIGURE_H
#define TALLY_FIGURE_H

#include <stdbool.h>
#include <stddef.h>

#include "tally/claim.h"
#include "tally/err.h"
#include "tally/mem.h"

typedef enum tally_figure_kind {
    TALLY_FIG_NUMBER,
    TALLY_FIG_MONEY,
    TALLY_FIG_PERCENT
} tally_figure_kind;

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

/** Returns "number", "money" or "percent". */
const char *tally_figure_kind_name(tally_figure_kind k);

#endif
