/* tally: back-testing the estimator (stage 4). Each cumulative total of a
 * record is compared with the estimate its series had the day before the
 * total was stated, made from nothing stated later: what an analyst using
 * tally then would have quoted. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "estimate_int.h"
#include "tally/estimate.h"
#include "tally/mem.h"

static const tally_obs *sort_obs; /* qsort has no context argument in C17 */

static int by_stated(const void *a, const void *b)
{
    const tally_obs *x = &sort_obs[*(const size_t *)a], *y = &sort_obs[*(const size_t *)b];
    if (x->stated != y->stated)
        return x->stated < y->stated ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* The series a total speaks of: 0 when it is no cumulative total, else the
 * item bits it counts for (in its own unit), and whether it is only a lower
 * bound (missiles launched). */
static uint32_t total_items(const tally_obs *o, bool *launched)
{
    if (o->as_of == LONG_MIN || o->stated == LONG_MIN || o->supplier[0] == '\0' ||
        o->recipient[0] == '\0' || (o->has_low && o->has_high && o->low > o->high) ||
        !((o->has_low ? o->low : o->high) > 0))
        return 0;
    uint32_t items = 0;
    *launched = false;
    for (unsigned bit = 0; bit < TALLY_ITEM_COUNT; bit++) {
        int says = (o->items & 1u << bit) ? series_counts_for(o, 1u << bit) : 0;
        if (says != 0)
            items |= 1u << bit;
        *launched = *launched || says == 2;
    }
    return items;
}

/* What the total says, as [low, high]. */
static void total_range(const tally_obs *o, bool launched, double *low, double *high)
{
    double v = o->has_low ? o->low : o->high;
    *low = *high = v;
    if (o->has_low && o->has_high) {
        *low = o->low;
        *high = o->high;
    } else if (launched || o->qualifier == TALLY_Q_MORE_THAN || o->qualifier == TALLY_Q_AT_LEAST) {
        *high = v * TALLY_BOUND_READ;
    } else if (o->qualifier == TALLY_Q_UP_TO || o->qualifier == TALLY_Q_LESS_THAN) {
        *low = v / TALLY_BOUND_READ;
    }
}

int tally_backtest(const tally_model *m, const tally_obs *obs, size_t n, long cutoff,
                   unsigned draws, void (*fn)(const tally_backtest_case *c, void *user), void *user,
                   tally_err *err)
{
    int rc = 0;
    size_t *ord = tally_xmalloc((n + 1) * sizeof *ord), n_dated = 0;
    for (size_t i = 0; i < n; i++)
        if (obs[i].stated != LONG_MIN)
            ord[n_dated++] = i;
    sort_obs = obs;
    qsort(ord, n_dated, sizeof *ord, by_stated);
    /* the claims known on a day: a prefix of the order, clustered once a day */
    tally_obs *known = tally_xmalloc((n + 1) * sizeof *known);
    size_t n_known = 0;
    tally_clusters c = {0};
    long clustered_for = LONG_MIN;
    for (size_t k = 0; k < n_dated && rc == 0; k++) {
        const tally_obs *t = &obs[ord[k]];
        bool launched;
        uint32_t items = total_items(t, &launched);
        if (t->stated <= cutoff || items == 0)
            continue;
        if (clustered_for != t->stated) {
            n_known = 0;
            for (size_t j = 0; j < n_dated && obs[ord[j]].stated < t->stated; j++)
                known[n_known++] = obs[ord[j]];
            tally_clusters_free(&c);
            (void)tally_cluster_obs(known, n_known, 0, 0, &c); /* fails only by aborting */
            clustered_for = t->stated;
        }
        tally_backtest_case bc;
        memset(&bc, 0, sizeof bc);
        bc.total = ord[k];
        bc.known_by = t->stated - 1;
        total_range(t, launched, &bc.low, &bc.high);
        tally_series *s = &bc.series;
        for (unsigned bit = 0; bit < TALLY_ITEM_COUNT && !bc.estimated; bit++) {
            if (!(items & 1u << bit))
                continue;
            memset(s, 0, sizeof *s);
            memcpy(s->supplier, t->supplier, 4);
            memcpy(s->recipient, t->recipient, 4);
            s->item = 1u << bit;
            snprintf(s->unit, sizeof s->unit, "%s", t->unit);
            tally_series_build(m, known, n_known, &c, s);
            if (s->n > 0) {
                rc = tally_series_reconcile(s, &t->as_of, 1, draws, &bc.q, NULL, err);
                bc.estimated = rc == 0;
            } else {
                tally_series_free(s);
            }
        }
        if (rc != 0)
            break;
        if (bc.estimated) {
            bc.in90 = bc.q.q05 <= bc.high && bc.low <= bc.q.q95;
            bc.in50 = bc.q.q25 <= bc.high && bc.low <= bc.q.q75;
            bc.log_error = log(bc.q.q50 / sqrt(bc.low * bc.high));
        } else {
            /* the series named in the words of the case: its first item */
            for (unsigned bit = 0; bit < TALLY_ITEM_COUNT; bit++)
                if (items & 1u << bit) {
                    s->item = 1u << bit;
                    break;
                }
        }
        fn(&bc, user);
        tally_series_free(s);
    }
    tally_clusters_free(&c);
    free(known);
    free(ord);
    return rc;
}
