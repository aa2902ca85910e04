/* tally: what the files of the estimate stage share among themselves
 * (private to src/estimate/). */
#ifndef TALLY_ESTIMATE_INT_H
#define TALLY_ESTIMATE_INT_H

#include <stdint.h>

#include "tally/estimate.h"

/** What a claim says of a series of `item`: 1 a count of what was sent, 2 a
 *  lower bound only (missiles or drones launched), 0 nothing. */
int series_counts_for(const tally_obs *o, uint32_t item);

/** The seed of every reconciliation, so that runs repeat. */
enum { SERIES_SEED = 20241126 };

#endif
