/* tally: what the files of the estimate stage share among themselves
 * (private to src/estimate/). */
#ifndef TALLY_ESTIMATE_INT_H
#define TALLY_ESTIMATE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tally/estimate.h"

/** What a claim says of a series of `item`: 1 a count of what was sent, 2 a
 *  lower bound only (missiles or drones launched), 0 nothing. */
int series_counts_for(const tally_obs *o, uint32_t item);

/** How far a figure may fall below an earlier lower bound (or rise above a
 *  later upper bound) of its series before the two contradict: rounding,
 *  "about". */
#define SERIES_BOUND_SLACK 0.10

/** Whether two figures state the same number: within 5 % of the larger, or,
 *  when `loose` (either is about, more-than, at-least or up-to), rounding to
 *  the same multiple of the coarser one's precision with a gap of a quarter
 *  at most (the echo clusters' rule). */
bool cluster_figures_agree(double a, double b, bool loose);

/** Whether a claim's wording leaves room for rounding (about, more than, at
 *  least, up to). */
bool obs_loose(const tally_obs *o);

/** Whom a claim's source stands for: its identity, else its name. */
static inline const char *obs_identity(const tally_obs *o)
{
    return o->identity != NULL ? o->identity : o->source;
}

/** The value a claim states: its low end, else its high end. */
double obs_value(const tally_obs *o);

/** Days within which an equivalence and the count it converts are one
 *  briefing. */
enum { BRIEFING_DAYS = 3 };

/** Claims by identity and day, to find another claim of one source's
 *  briefing (an equivalence and the count it converts). */
typedef struct briefing {
    const char *identity;
    long stated;
    size_t i; /* index into the observations */
} briefing;

/** Sorts `v` by identity (ASCII order), day, index. */
void briefing_sort(briefing *v, size_t n);
/** The first entry of `v` (sorted) of `identity` stated on or after `from`;
 *  the briefing of a claim stated on day D is from D - BRIEFING_DAYS up to
 *  D + BRIEFING_DAYS. */
size_t briefing_first(const briefing *v, size_t n, const char *identity, long from);

/** One line of a data table (a TSV file of data/) split at TABs into f[0, n): 0, or
 *  non-zero with *why saying what is wrong with it. */
typedef int (*estimate_line_fn)(void *user, char **f, size_t n, const char **why);
/** Reads a table from `path`, else from the bundled bytes (`name` in
 *  messages), calling `fn` for each line that is not blank or a comment
 *  (#); a line of fn's refusal fails with "FILE:LINE: why" (TALLY_EINPUT),
 *  a file that cannot be read with TALLY_EIO. */
int estimate_tsv_load(void *user, const char *path, const unsigned char *bundled, size_t len,
                      const char *name, estimate_line_fn fn, tally_err *err);

/** The seed of every reconciliation, so that runs repeat. */
enum { SERIES_SEED = 20241126 };

#endif
