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

#include "estimate_int.h"
#include "tally/estimate.h"
#include "tally/mem.h"

double obs_value(const tally_obs *o)
{
    return o->has_low ? o->low : o->high;
}

bool obs_loose(const tally_obs *o)
{
    return o->qualifier == TALLY_Q_ABOUT || o->qualifier == TALLY_Q_MORE_THAN ||
           o->qualifier == TALLY_Q_AT_LEAST || o->qualifier == TALLY_Q_UP_TO;
}

static bool delivered(tally_kind k)
{
    return k == TALLY_KIND_TRANSFER || k == TALLY_KIND_EQUIVALENCE;
}

/* What a claim says of a series of `item`: 1 a count of what was sent, 2 a
 * lower bound only (missiles or drones launched were sent first), 0
 * nothing. Money given, lent or forgiven (financial) is what was sent of
 * money. A percentage is a share, not a quantity. */
int series_counts_for(const tally_obs *o, uint32_t item)
{
    if (o->rate || !(o->has_low || o->has_high))
        return 0;
    int says = delivered(o->kind) || (o->kind == TALLY_KIND_FINANCIAL &&
                                      (item & (TALLY_ITEM_MONEY | TALLY_ITEM_DEBT_RELIEF)))
                   ? 1
               : o->kind == TALLY_KIND_CONSUMPTION &&
                       (strcmp(o->unit, "missile") == 0 || strcmp(o->unit, "drone") == 0)
                   ? 2
                   : 0;
    /* (the first letter first: this runs for every cluster of every series) */
    return says != 0 && !(o->unit[0] == 'p' && strcmp(o->unit, "percent") == 0) ? says : 0;
}

const char *tally_series_default_unit(const tally_obs *obs, const tally_clusters *c,
                                      const char *supplier, const char *recipient, uint32_t item)
{
    const char *units[32];
    size_t counts[32] = {0}, n = 0;
    for (size_t i = 0; i < c->n; i++) {
        const tally_obs *o = &obs[c->v[i].lead];
        if (!(o->items & item) || !series_counts_for(o, item) ||
            strcmp(o->supplier, supplier) != 0 || strcmp(o->recipient, recipient) != 0)
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

static int cmp_briefing(const void *a, const void *b)
{
    const briefing *x = a, *y = b;
    int c = strcmp(x->identity, y->identity);
    if (c != 0)
        return c;
    if (x->stated != y->stated)
        return x->stated < y->stated ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

void briefing_sort(briefing *v, size_t n)
{
    if (n > 1) /* qsort of NULL is undefined, even for 0 */
        qsort(v, n, sizeof *v, cmp_briefing);
}

size_t briefing_first(const briefing *v, size_t n, const char *identity, long from)
{
    briefing key = {identity, from, 0};
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_briefing(&v[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Whether count `k` was converted into the series' unit by its own source in
 * the same briefing (an equivalence of `eq`, the series' own-unit ones). */
static bool converted_by_source(const briefing *eq, size_t n, const tally_obs *obs, size_t k)
{
    const tally_obs *o = &obs[k];
    if (o->stated == LONG_MIN)
        return false;
    const char *id = obs_identity(o);
    for (size_t i = briefing_first(eq, n, id, o->stated - BRIEFING_DAYS);
         i < n && strcmp(eq[i].identity, id) == 0 && eq[i].stated <= o->stated + BRIEFING_DAYS;
         i++) {
        const tally_obs *e = &obs[eq[i].i];
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

/* The value of point `p` a conflict compares: what it says at least (for a
 * figure after a lower bound) or at most (before an upper bound). */
static double says_at_least(const tally_point *p)
{
    return p->value;
}

static double says_at_most(const tally_point *p)
{
    return p->bound == TALLY_OBS_RANGE ? p->value_high : p->value;
}

static bool unconverted(const tally_point *p)
{
    return p->factor_lo == 1 && p->factor_hi == 1;
}

/* One best contradiction per grade: the smallest (or largest) figure so far. */
typedef struct best {
    double v;
    size_t i; /* SIZE_MAX: none */
} best;

static void add_conflict(tally_series *s, size_t bound, size_t other, bool followed_bound)
{
    s->conflicts = tally_xrealloc(s->conflicts, (s->n_conflicts + 1) * sizeof *s->conflicts);
    s->conflicts[s->n_conflicts++] = (tally_conflict){bound, other, followed_bound};
    if (!followed_bound)
        s->v[bound].p.overruled = true;
}

/* The conflicts of the series' bounds (points by day): for a lower bound
 * the figures on or after its day that say at most less than it, for an
 * upper bound those on or before its day that say at least more; per grade
 * the most extreme one, and of those the best-graded. */
static void find_conflicts(tally_series *s)
{
    enum { GRADES = 6 };
    size_t n = s->n;
    best *suffix = tally_xmalloc((n + 1) * GRADES * sizeof *suffix);
    best *prefix = tally_xmalloc((n + 1) * GRADES * sizeof *prefix);
    /* suffix[i]: the smallest "at most" of the points from i on, by grade */
    for (size_t g = 0; g < GRADES; g++)
        suffix[n * GRADES + g] = (best){HUGE_VAL, SIZE_MAX};
    for (size_t i = n; i-- > 0;) {
        memcpy(&suffix[i * GRADES], &suffix[(i + 1) * GRADES], GRADES * sizeof *suffix);
        const tally_series_point *sp = &s->v[i];
        size_t g = (size_t)(sp->grade - 'A') < GRADES ? (size_t)(sp->grade - 'A') : GRADES - 1;
        if (sp->p.bound != TALLY_OBS_LOWER && unconverted(&sp->p) &&
            says_at_most(&sp->p) < suffix[i * GRADES + g].v)
            suffix[i * GRADES + g] = (best){says_at_most(&sp->p), i};
    }
    for (size_t g = 0; g < GRADES; g++)
        prefix[g] = (best){-HUGE_VAL, SIZE_MAX};
    for (size_t i = 0; i < n; i++) {
        memcpy(&prefix[(i + 1) * GRADES], &prefix[i * GRADES], GRADES * sizeof *prefix);
        const tally_series_point *sp = &s->v[i];
        size_t g = (size_t)(sp->grade - 'A') < GRADES ? (size_t)(sp->grade - 'A') : GRADES - 1;
        if (sp->p.bound != TALLY_OBS_UPPER && unconverted(&sp->p) &&
            says_at_least(&sp->p) > prefix[(i + 1) * GRADES + g].v)
            prefix[(i + 1) * GRADES + g] = (best){says_at_least(&sp->p), i};
    }
    for (size_t i = 0, first = 0, past = 0; i < n; i++) {
        const tally_series_point *b = &s->v[i];
        while (s->v[first].p.day < b->p.day)
            first++; /* the first point of its day */
        if (past < i + 1)
            past = i + 1;
        while (past < n && s->v[past].p.day == b->p.day)
            past++; /* the first point after its day */
        if (!unconverted(&b->p) || (b->p.bound != TALLY_OBS_LOWER && b->p.bound != TALLY_OBS_UPPER))
            continue;
        bool lower = b->p.bound == TALLY_OBS_LOWER;
        const best *cand = lower ? &suffix[first * GRADES] : &prefix[past * GRADES];
        size_t pick = SIZE_MAX, pick_grade = 0;
        for (size_t g = 0; g < GRADES && pick == SIZE_MAX; g++) {
            const best *c = &cand[g];
            if (c->i == SIZE_MAX || c->i == i)
                continue;
            if (lower ? c->v < b->p.value * (1 - SERIES_BOUND_SLACK)
                      : c->v > b->p.value * (1 + SERIES_BOUND_SLACK)) {
                pick = c->i;
                pick_grade = g;
            }
        }
        if (pick == SIZE_MAX)
            continue;
        /* a bound and a bound: each is the other's contradiction; list it once, at the
         * lower bound, which holds unless the upper one is better graded */
        const tally_series_point *o = &s->v[pick];
        if (!lower && o->p.bound == TALLY_OBS_LOWER)
            continue;
        bool better = pick_grade < (size_t)(b->grade - 'A');
        add_conflict(s, i, pick, !better);
    }
    free(suffix);
    free(prefix);
}

void tally_series_build(const tally_model *m, const tally_obs *obs, size_t n,
                        const tally_clusters *c, tally_series *series)
{
    (void)n;
    series->v = NULL;
    series->n = 0;
    series->conflicts = NULL;
    series->n_conflicts = 0;
    size_t cap = 0;
    /* the series' own-unit equivalences, to tie counts to */
    briefing *eq = tally_xmalloc((c->n + 1) * sizeof *eq);
    size_t n_eq = 0;
    for (size_t i = 0; i < c->n; i++) {
        const tally_obs *e = &obs[c->v[i].lead];
        if (e->kind == TALLY_KIND_EQUIVALENCE && strcmp(e->unit, series->unit) == 0 &&
            same_pair(e, series) && e->stated != LONG_MIN)
            eq[n_eq++] = (briefing){obs_identity(e), e->stated, c->v[i].lead};
    }
    briefing_sort(eq, n_eq);
    /* the units a factor converts from into the series' (tally_factor_find
     * finds none for another) */
    const char *from[16];
    size_t n_from = 0;
    bool any_from = false;
    for (size_t k = 0; k < m->n_factors; k++) {
        const tally_factor *f = &m->factors[k];
        if (!(f->item & series->item) || strcmp(f->to, series->unit) != 0)
            continue;
        size_t j = 0;
        while (j < n_from && strcmp(from[j], f->from) != 0)
            j++;
        if (j == n_from && n_from < sizeof from / sizeof from[0])
            from[n_from++] = f->from;
        else if (j == n_from)
            any_from = true; /* too many to list: ask tally_factor_find */
    }
    addr_map sources = {0}; /* each source's number, in order of first appearance */
    for (size_t i = 0; i < c->n; i++) {
        size_t li = c->v[i].lead;
        const tally_obs *o = &obs[li];
        if (!(o->items & (series->item | TALLY_ITEM_MUNITIONS)))
            continue; /* counts for nothing here, in its unit or another */
        int says = series_counts_for(o, series->item);
        /* a range with swapped ends is a contradiction (tally check), not
         * evidence */
        if (says == 0 || !same_pair(o, series) || o->as_of == LONG_MIN || obs_value(o) <= 0 ||
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
            /* an equivalence in another unit restates a count; a count of other
             * things (containers of food) is no count of shells */
            if (o->kind == TALLY_KIND_EQUIVALENCE ||
                !(o->items & (series->item | TALLY_ITEM_MUNITIONS)))
                continue;
            size_t j = 0;
            while (!any_from && j < n_from && strcmp(from[j], o->unit) != 0)
                j++;
            if (!any_from && j == n_from)
                continue;
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
        sp.p.value = obs_value(o);
        sp.p.value_high = o->has_high ? o->high : sp.p.value;
        if (sp.p.bound == TALLY_OBS_RANGE && !(o->has_low && o->has_high))
            sp.p.bound = TALLY_OBS_POINT;
        sp.p.sigma = tally_obs_sigma(m, o, &sp.grade, &sp.p.bias_sigma);
        sp.p.source = addr_map_number(&sources, obs_identity(o));
        sp.p.cluster = i;
        if (series->n == cap) {
            cap = cap ? 2 * cap : 16;
            series->v = tally_xrealloc(series->v, cap * sizeof *series->v);
        }
        series->v[series->n++] = sp;
    }
    free(eq);
    addr_map_free(&sources);
    if (series->n > 1) /* qsort of NULL is undefined, even for 0 */
        qsort(series->v, series->n, sizeof *series->v, by_day);
    /* N is 0 at the earliest "since" (one before its figure's day), else the
     * day before the first point: nothing is drawn before the first evidence */
    series->start = series->n > 0 ? series->v[0].p.day - 1 : 0;
    series->start_reason = TALLY_START_FIRST;
    series->start_point = 0;
    for (size_t i = 0; i < series->n; i++) {
        const tally_obs *o = &obs[c->v[series->v[i].p.cluster].lead];
        if (o->since != LONG_MIN && o->since < o->as_of &&
            (o->since < series->start ||
             (o->since == series->start && series->start_reason == TALLY_START_FIRST))) {
            series->start = o->since;
            series->start_reason = TALLY_START_SINCE;
            series->start_point = i;
        }
    }
    find_conflicts(series);
}

int tally_series_reconcile(const tally_series *series, const long *days, size_t n_days,
                           unsigned draws, tally_quantiles *out, tally_fit_info *info,
                           tally_err *err)
{
    tally_point *pts = tally_xmalloc((series->n + 1) * sizeof *pts);
    for (size_t i = 0; i < series->n; i++)
        pts[i] = series->v[i].p;
    int rc = tally_reconcile(pts, series->n, series->start, days, n_days, draws, SERIES_SEED, out,
                             info, err);
    free(pts);
    return rc;
}

int tally_series_draws(const tally_series *series, long day, unsigned draws, double *out,
                       tally_quantiles *q, tally_err *err)
{
    tally_point *pts = tally_xmalloc((series->n + 1) * sizeof *pts);
    for (size_t i = 0; i < series->n; i++)
        pts[i] = series->v[i].p;
    int rc =
        tally_reconcile_draws(pts, series->n, series->start, day, draws, SERIES_SEED, out, q, err);
    free(pts);
    return rc;
}

void tally_series_free(tally_series *series)
{
    free(series->v);
    free(series->conflicts);
    series->v = NULL;
    series->n = 0;
    series->conflicts = NULL;
    series->n_conflicts = 0;
}
