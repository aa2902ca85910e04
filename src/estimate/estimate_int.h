/* tally: what the files of the estimate stage share among themselves
 * (private to src/estimate/). */
#ifndef TALLY_ESTIMATE_INT_H
#define TALLY_ESTIMATE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

/** Defines `static void NAME(TYPE *v, size_t n, TYPE *tmp)`, which sorts
 *  v[0, n) by LESS (a function or macro of two `const TYPE *`: a strict
 *  order), stable, with `tmp` room for n: insertion sort of short runs, then
 *  merges. A strict total order gives the order qsort would; here the
 *  comparison is inlined and the elements move in sequence, which on large
 *  arrays is several times faster than qsort's calls and indirection. */
#define ESTIMATE_SORT(NAME, TYPE, LESS)                                                            \
    static void NAME(TYPE *v, size_t n, TYPE *tmp)                                                 \
    {                                                                                              \
        enum { RUN = 16 };                                                                         \
        for (size_t lo = 0; lo < n; lo += RUN) {                                                   \
            size_t hi = lo + RUN < n ? lo + RUN : n;                                               \
            for (size_t i = lo + 1; i < hi; i++) {                                                 \
                TYPE x = v[i];                                                                     \
                size_t j = i;                                                                      \
                for (; j > lo && LESS(&x, &v[j - 1]); j--)                                         \
                    v[j] = v[j - 1];                                                               \
                v[j] = x;                                                                          \
            }                                                                                      \
        }                                                                                          \
        TYPE *from = v, *to = tmp;                                                                 \
        for (size_t w = RUN; w < n; w *= 2) {                                                      \
            for (size_t lo = 0; lo < n; lo += 2 * w) {                                             \
                size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;        \
                size_t a = lo, b = mid, k = lo;                                                    \
                while (a < mid && b < hi)                                                          \
                    to[k++] = LESS(&from[b], &from[a]) ? from[b++] : from[a++];                    \
                while (a < mid)                                                                    \
                    to[k++] = from[a++];                                                           \
                while (b < hi)                                                                     \
                    to[k++] = from[b++];                                                           \
            }                                                                                      \
            TYPE *t = from;                                                                        \
            from = to;                                                                             \
            to = t;                                                                                \
        }                                                                                          \
        if (from != v)                                                                             \
            memcpy(v, from, n * sizeof *v);                                                        \
    }

/** A map from addresses (not NULL) to values (not NULL), open addressing;
 *  zeroed is empty. Free with addr_map_free. */
typedef struct addr_map {
    const void **key;
    void **val;
    size_t cap, n;
} addr_map;
/** The value of `key`, or NULL. */
void *addr_map_get(const addr_map *m, const void *key);
/** Sets the value of `key` (a NULL key is not kept). */
void addr_map_put(addr_map *m, const void *key, void *val);
/** The number of `key` (not NULL) in a map that holds only numbers: 0 for
 *  the first key given, 1 for the next new one, and so on. */
size_t addr_map_number(addr_map *m, const void *key);
void addr_map_free(addr_map *m);

/** tally_xmalloc, tally_xcalloc and tally_xrealloc for the estimator's large
 *  work arrays (a state's observations, the clustering's per-claim arrays):
 *  from 4 MB up, the memory is advised to be backed by huge pages where the
 *  system does that on request (fewer page faults); free with free(). */
void *big_malloc(size_t bytes);
void *big_calloc(size_t n, size_t size);
void *big_realloc(void *p, size_t bytes);
/** The advice of big_malloc for memory allocated otherwise. */
void big_advise(void *p, size_t bytes);

/** tally_cluster_obs in `parts` parts by pair of states (at most 8; 1: in
 *  one), whatever the number of observations: tally_cluster_obs splits
 *  only a large set, by the processors. The same clusters either way. */
int cluster_obs_parts(const tally_obs *obs, size_t n, double rel_tol, long days, size_t parts,
                      tally_clusters *out);

/** tally_obs_load reading every claim in `parts` ranges of ids at once (at
 *  most 8; 1: one scan), whatever their number: tally_obs_load splits only
 *  a large database, by the processors. The same observations either way.
 *  With states alone in `f`, a state of a tenth of the claims or more is
 *  read so too (by_id), whatever the number of claims. */
int obs_load_parts(struct tally_store *s, const tally_model *m, const struct tally_claim_filter *f,
                   size_t parts, tally_obs_set *out, tally_err *err);

/** The seed of every reconciliation, so that runs repeat. */
enum { SERIES_SEED = 20241126 };

#endif
