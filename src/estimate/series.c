/* tally: the points of a series (stage 4): which clusters say what about
 * the cumulative quantity one state sent another, in the series' unit.
 * Part of stage 4, estimate: includes the public headers of every stage up to
 * the store (not the pipeline), and its own. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tally/estimate.h"
#include "tally/mem.h"

/* Days within which an equivalence and the count it converts are one
 * briefing. */
enum { BRIEFING_DAYS = 3 };

static double value_of(const tally_obs *o)
{
    return o->has_low ? o->low : o->high;
}

static bool delivered(tally_kind k)
{
    return k == TALLY_KIND_TRANSFER || k == TALLY_KIND_EQUIVALENCE;
}

/* What a claim says of a series of `item`: 1 a count of what was sent, 2 a
 * lower bound only (missiles or drones launched were sent first), 0
 * nothing. Money given, lent or forgiven (financial) is what was sent of
 * money. A percentage is a share, not a quantity. */
static int counts_for(const tally_obs *o, uint32_t item)
{
    if (o->rate || strcmp(o->unit, "percent") == 0 || !(o->has_low || o->has_high))
        return 0;
    if (delivered(o->kind))
        return 1;
    if (o->kind == TALLY_KIND_FINANCIAL &&
        (item & ((1u << TALLY_ITEM_COUNT) - 1) &
         (1u << tally_item_parse("money") | 1u << tally_item_parse("debt-relief"))))
        return 1;
    if (o->kind == TALLY_KIND_CONSUMPTION &&
        (strcmp(o->unit, "missile") == 0 || strcmp(o->unit, "drone") == 0))
        return 2;
    return 0;
}

const char *tally_series_default_unit(const tally_obs *obs, const tally_clusters *c,
                                      const char *supplier, const char *recipient, uint32_t item)
{
    const char *units[32];
    size_t counts[32] = {0}, n = 0;
    for (size_t i = 0; i < c->n; i++) {
        const tally_obs *o = &obs[c->v[i].lead];
        if (!counts_for(o, item) || !(o->items & item) || strcmp(o->supplier, supplier) != 0 ||
            strcmp(o->recipient, recipient) != 0)
            continue;
        size_t k = 0;
        while (k < n && strcmp(units[k], o->unit) != 0)
            k++;
        if (k == n && n < 32)
            units[n++] = o->unit;
        if (k < n)
            counts[k]++;
    }
    size_t best = 0;
    for (size_t k = 1; k < n; k++)
        if (counts[k] > counts[best])
            best = k;
    return n > 0 ? units[best] : NULL;
}

static bool same_pair(const tally_obs *o, const tally_series *s)
{
    return strcmp(o->supplier, s->supplier) == 0 && strcmp(o->recipient, s->recipient) == 0;
}

/* Equivalences of a series, ordered by source and day, to find the one a
 * count was converted into. Sources are interned (tally_obs_load), and the
 * store keeps one spelling a source, so a pointer stands for a source. */
typedef struct equiv {
    const char *source;
    long stated;
    size_t obs;
} equiv;

static int by_source_day(const void *a, const void *b)
{
    const equiv *x = a, *y = b;
    if (x->source != y->source)
        return (uintptr_t)x->source < (uintptr_t)y->source ? -1 : 1;
    return (x->stated > y->stated) - (x->stated < y->stated);
}

/* Whether count `k` was converted into the series' unit by its own source in
 * the same briefing (an equivalence of `eq`). */
static bool converted_by_source(const equiv *eq, size_t n, const tally_obs *obs, size_t k)
{
    const tally_obs *o = &obs[k];
    if (o->stated == LONG_MIN)
        return false;
    size_t lo = 0, hi = n;
    equiv key = {o->source, o->stated - BRIEFING_DAYS, 0};
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (by_source_day(&eq[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < n && eq[i].source == o->source; i++) {
        if (eq[i].stated > o->stated + BRIEFING_DAYS)
            break;
        const tally_obs *e = &obs[eq[i].obs];
        if (e->doc_id == o->doc_id || e->curated || o->curated)
            return true;
    }
    return false;
}

static int by_day(const void *a, const void *b)
{
    const tally_series_point *x = a, *y = b;
    if (x->p.day != y->p.day)
        return x->p.day < y->p.day ? -1 : 1;
    return (x->p.cluster > y->p.cluster) - (x->p.cluster < y->p.cluster);
}

static tally_bound bound_of(tally_qualifier q)
{
    switch (q) {
    case TALLY_Q_MORE_THAN:
    case TALLY_Q_AT_LEAST:
        return TALLY_OBS_LOWER;
    case TALLY_Q_UP_TO:
    case TALLY_Q_LESS_THAN:
        return TALLY_OBS_UPPER;
    case TALLY_Q_RANGE:
        return TALLY_OBS_RANGE;
    case TALLY_Q_EXACT:
    case TALLY_Q_ABOUT:
        break;
    }
    return TALLY_OBS_POINT;
}

void tally_series_build(const tally_model *m, const tally_obs *obs, size_t n,
                        const tally_clusters *c, tally_series *series)
{
    (void)n;
    series->v = NULL;
    series->n = 0;
    size_t cap = 0;
    long start = LONG_MAX, first = LONG_MAX;
    /* the series' own-unit equivalences, to tie counts to */
    equiv *eq = tally_xmalloc((c->n + 1) * sizeof *eq);
    size_t n_eq = 0;
    for (size_t i = 0; i < c->n; i++) {
        const tally_obs *e = &obs[c->v[i].lead];
        if (e->kind == TALLY_KIND_EQUIVALENCE && strcmp(e->unit, series->unit) == 0 &&
            same_pair(e, series) && e->stated != LONG_MIN)
            eq[n_eq++] = (equiv){e->source, e->stated, c->v[i].lead};
    }
    qsort(eq, n_eq, sizeof *eq, by_source_day);
    for (size_t i = 0; i < c->n; i++) {
        size_t li = c->v[i].lead;
        const tally_obs *o = &obs[li];
        int says = counts_for(o, series->item);
        /* a range with swapped ends is a contradiction (tally check), not
         * evidence */
        if (says == 0 || !same_pair(o, series) || o->as_of == LONG_MIN || value_of(o) <= 0 ||
            (o->has_low && o->has_high && o->low > o->high))
            continue;
        tally_series_point sp;
        memset(&sp, 0, sizeof sp);
        sp.p.factor_lo = sp.p.factor_hi = 1;
        if (strcmp(o->unit, series->unit) == 0) {
            if (!(o->items & series->item))
                continue;
            if (o->kind == TALLY_KIND_EQUIVALENCE) {
                /* stands for the count it converts (below), or for itself */
                sp.how = TALLY_DERIVED_OWN;
            } else {
                sp.how = TALLY_DERIVED_DIRECT;
            }
        } else {
            if (o->kind == TALLY_KIND_EQUIVALENCE)
                continue; /* an equivalence in another unit restates a count */
            const tally_factor *f =
                tally_factor_find(m, o->unit, series->unit, series->item, o->caliber_mm, o->source);
            if (f == NULL)
                continue;
            /* the source converted it itself: that equivalence is the point */
            if (converted_by_source(eq, n_eq, obs, li))
                continue;
            sp.how = TALLY_DERIVED_CONVERTED;
            sp.factor = f;
            sp.p.factor_lo = f->low;
            sp.p.factor_hi = f->high;
        }
        sp.p.day = o->as_of;
        sp.p.bound = bound_of(o->qualifier);
        if (says == 2) { /* launched: at least that many were sent */
            if (sp.p.bound == TALLY_OBS_UPPER)
                continue;
            sp.p.bound = TALLY_OBS_LOWER;
            sp.how = TALLY_DERIVED_LAUNCHED;
        }
        sp.p.value = value_of(o);
        sp.p.value_high = o->has_high ? o->high : sp.p.value;
        if (sp.p.bound == TALLY_OBS_RANGE && !(o->has_low && o->has_high))
            sp.p.bound = TALLY_OBS_POINT;
        sp.p.sigma = tally_obs_sigma(m, o, &sp.grade);
        sp.p.cluster = i;
        if (series->n == cap) {
            cap = cap ? 2 * cap : 16;
            series->v = tally_xrealloc(series->v, cap * sizeof *series->v);
        }
        series->v[series->n++] = sp;
        if (o->since != LONG_MIN && o->since < start)
            start = o->since;
        if (o->as_of < first)
            first = o->as_of;
    }
    free(eq);
    /* N is 0 at the earliest "since", else a year before the first point;
     * always before the first point */
    series->start = start != LONG_MAX ? start : first != LONG_MAX ? first - 365 : 0;
    if (first != LONG_MAX && series->start >= first)
        series->start = first - 1;
    if (series->n > 1) /* qsort of NULL is undefined, even for 0 */
        qsort(series->v, series->n, sizeof *series->v, by_day);
}

void tally_series_free(tally_series *series)
{
    free(series->v);
    series->v = NULL;
    series->n = 0;
}
