/* tally: numbers as people read them, the one formatting of figures that the
 * command line's tables, the HTML report and the dashboard (through the
 * API's text fields) share: 9.33 M rounds, $594 M, EUR 1.3 bn, "more than
 * 3 M rounds", "200-300 K rounds". JSON and CSV keep the raw numbers.
 * Part of the model: includes base's public headers and its own. */
#ifndef TALLY_NUMBER_H
#define TALLY_NUMBER_H

#include <stdbool.h>
#include <stddef.h>

#include "tally/claim.h"

/** Room enough for any text of this header. */
#define TALLY_NUM_TEXT_MAX 96

/** A number: from 10,000 up, three significant digits and a scale (12.5 K,
 *  9.33 M, 1.3 bn, 2 tn); from 1,000, a whole number with commas (2,500);
 *  below, at most three significant digits (350, 12.5, 0.25). NaN and the
 *  infinities are written "?". */
void tally_num_text(double v, char *buf, size_t size);
/** A number with its unit beside it: a currency as "$594 M" (USD) or
 *  "EUR 1.3 bn" (another ISO 4217 code); a unit of the model in its plural
 *  unless the number is 1 ("9.33 M rounds", "1 round", "300 people");
 *  another unit as given. `unit` may be NULL or empty: the number alone. */
void tally_num_amount(double v, const char *unit, char *buf, size_t size);
/** A range with its unit, the scale written once when both ends share it
 *  ("200-300 K rounds", "$1-2 bn"), else "5,000 to 2 M rounds" (a
 *  currency at each end: "$364 M to $1.27 bn"); lo == hi is one amount. */
void tally_num_range(double lo, double hi, const char *unit, char *buf, size_t size);
/** A claim's figure: the qualifier's words and the amount ("more than 3 M
 *  rounds", "about $5 bn", "6,700 containers"), or the range when both ends
 *  are set. */
void tally_num_figure(tally_qualifier q, bool has_low, double low, bool has_high, double high,
                      const char *unit, char *buf, size_t size);

/** The rules of tally_num_text, for a client that writes numbers of its own
 *  (the dashboard's axis ticks, GET /api/meta's "number_format"): scale `i`
 *  (largest first) as its factor and suffix (" M"); false past the last.
 *  A scale applies from TALLY_NUM_SCALE_FROM up with
 *  TALLY_NUM_DIGITS significant digits; commas group from
 *  TALLY_NUM_GROUP_FROM. */
bool tally_num_scale(size_t i, double *factor, const char **suffix);
#define TALLY_NUM_SCALE_FROM 1e4
#define TALLY_NUM_GROUP_FROM 1e3
#define TALLY_NUM_DIGITS 3

#endif
