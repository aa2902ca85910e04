/* tally: contradictions (stage 4): claims that cannot all be true.
 * Part of stage 4, estimate: includes the public headers of every stage up to
 * the store (not the pipeline), and its own. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally/estimate.h"
#include "tally/mem.h"

/* How far a ratio may stray from a source's own factor range before it is
 * not that source's conversion (rounding of "more than 3 million"). */
#define FACTOR_SLACK 0.05
/* How far below an earlier lower bound a later cumulative figure may be
 * (rounding, "about"). */
#define BOUND_SLACK 0.10

static double value_of(const tally_obs *o)
{
    return o->has_low ? o->low : o->high;
}

static bool delivered(tally_kind k)
{
    return k == TALLY_KIND_TRANSFER || k == TALLY_KIND_EQUIVALENCE;
}

static int by_doc_position(const void *a, const void *b, const tally_obs *obs)
{
    const tally_obs *x = &obs[*(const size_t *)a], *y = &obs[*(const size_t *)b];
    if (x->doc_id != y->doc_id)
        return x->doc_id < y->doc_id ? -1 : 1;
    if (x->sentence_start != y->sentence_start)
        return x->sentence_start < y->sentence_start ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* qsort has no context argument in C17: the observations for the comparators. */
static const tally_obs *sort_obs;

static int cmp_doc(const void *a, const void *b)
{
    return by_doc_position(a, b, sort_obs);
}

static void fmt_figure(char *buf, size_t size, const tally_obs *o)
{
    tally_figure_words(o->qualifier, o->has_low, o->low, o->has_high, o->high, o->unit, buf, size);
}

/* Rule 1: an equivalence and the count it restates imply a ratio; it must
 * lie within the factor range of the source that made the conversion. */
static void check_conversions(const tally_model *m, const tally_obs *obs, size_t n,
                              void (*fn)(const tally_contradiction *, void *), void *user)
{
    size_t *ord = tally_xmalloc((n + 1) * sizeof *ord);
    for (size_t i = 0; i < n; i++)
        ord[i] = i;
    sort_obs = obs;
    qsort(ord, n, sizeof *ord, cmp_doc);
    for (size_t k = 0; k < n; k++) {
        const tally_obs *e = &obs[ord[k]];
        if (e->kind != TALLY_KIND_EQUIVALENCE || value_of(e) <= 0)
            continue;
        /* the count: in the same sentence, else the nearest before it in the
         * document, of a unit that converts into the equivalence's */
        const tally_obs *count = NULL;
        const tally_factor *f = NULL;
        for (size_t j = k; j-- > 0 && obs[ord[j]].doc_id == e->doc_id;) {
            const tally_obs *c = &obs[ord[j]];
            if (c->kind == TALLY_KIND_EQUIVALENCE || !delivered(c->kind) ||
                strcmp(c->unit, e->unit) == 0 || value_of(c) <= 0)
                continue;
            f = tally_factor_find(m, c->unit, e->unit, e->items, e->caliber_mm, e->source);
            if (f != NULL) {
                count = c;
                break;
            }
        }
        if (count == NULL)
            continue;
        double ratio = value_of(e) / value_of(count);
        if (ratio >= f->low * (1 - FACTOR_SLACK) && ratio <= f->high * (1 + FACTOR_SLACK))
            continue;
        tally_contradiction x = {"conversion", ord[k], (size_t)(count - obs), ""};
        char fe[64], fc[64];
        fmt_figure(fe, sizeof fe, e);
        fmt_figure(fc, sizeof fc, count);
        bool own = strcmp(f->source, "model") != 0;
        snprintf(x.why, sizeof x.why,
                 "%s (%.60s) over %s (%.60s) is %.3g %s a %s; %s %.60s %.15g-%.15g (%.160s)", fe,
                 e->source, fc, count->source, ratio, e->unit, count->unit,
                 own ? "the conversions of" : "the factors officials use are", own ? f->source : "",
                 f->low, f->high, f->note[0] ? f->note : f->url);
        fn(&x, user);
    }
    free(ord);
}

/* Groups of one series: same pair, unit and items; by day. */
static int cmp_series(const void *a, const void *b)
{
    const tally_obs *x = &sort_obs[*(const size_t *)a], *y = &sort_obs[*(const size_t *)b];
    int c = strcmp(x->supplier, y->supplier);
    if (c == 0)
        c = strcmp(x->recipient, y->recipient);
    if (c == 0)
        c = strcmp(x->unit, y->unit);
    if (c == 0 && x->items != y->items)
        c = x->items < y->items ? -1 : 1;
    if (c == 0 && x->as_of != y->as_of)
        c = x->as_of < y->as_of ? -1 : 1;
    if (c == 0)
        c = (x->id > y->id) - (x->id < y->id);
    return c;
}

/* A figure that counts everything up to its day: curated rows are recorded
 * so, and an extracted claim says so with a "since". */
static bool cumulative(const tally_obs *o)
{
    return o->kind == TALLY_KIND_TRANSFER && !o->rate && (o->curated || o->since != LONG_MIN);
}

/* Rule 2: a cumulative figure below an earlier lower bound of its series. */
static void check_bounds(const tally_obs *obs, const tally_clusters *c,
                         void (*fn)(const tally_contradiction *, void *), void *user)
{
    size_t *ord = tally_xmalloc((c->n + 1) * sizeof *ord), n = 0;
    for (size_t i = 0; i < c->n; i++) {
        const tally_obs *o = &obs[c->v[i].lead];
        if (cumulative(o) && o->as_of != LONG_MIN && value_of(o) > 0)
            ord[n++] = c->v[i].lead;
    }
    sort_obs = obs;
    qsort(ord, n, sizeof *ord, cmp_series);
    size_t best = SIZE_MAX; /* the largest lower bound so far in the series */
    for (size_t k = 0; k < n; k++) {
        const tally_obs *o = &obs[ord[k]];
        if (k > 0) {
            const tally_obs *p = &obs[ord[k - 1]];
            if (strcmp(o->supplier, p->supplier) != 0 || strcmp(o->recipient, p->recipient) != 0 ||
                strcmp(o->unit, p->unit) != 0 || o->items != p->items)
                best = SIZE_MAX;
        }
        bool lower = o->qualifier == TALLY_Q_MORE_THAN || o->qualifier == TALLY_Q_AT_LEAST;
        double v = o->has_high && !o->has_low ? o->high : o->has_high ? o->high : o->low;
        if (best != SIZE_MAX && !lower && obs[best].as_of < o->as_of &&
            v < value_of(&obs[best]) * (1 - BOUND_SLACK)) {
            tally_contradiction x = {"below-lower-bound", ord[k], best, ""};
            char fo[64], fb[64];
            fmt_figure(fo, sizeof fo, o);
            fmt_figure(fb, sizeof fb, &obs[best]);
            snprintf(x.why, sizeof x.why,
                     "%s (%.80s) counts everything to its date, yet is below %s (%.80s) stated "
                     "for an earlier date",
                     fo, o->source, fb, obs[best].source);
            fn(&x, user);
        }
        if (lower && (best == SIZE_MAX || value_of(o) > value_of(&obs[best])))
            best = ord[k];
    }
    free(ord);
}

void tally_check(const tally_model *m, const tally_obs *obs, size_t n, const tally_clusters *c,
                 void (*fn)(const tally_contradiction *x, void *user), void *user)
{
    /* Rule 3: a range whose ends are swapped */
    for (size_t i = 0; i < n; i++)
        if (obs[i].has_low && obs[i].has_high && obs[i].low > obs[i].high) {
            tally_contradiction x = {"swapped-range", i, i, ""};
            snprintf(x.why, sizeof x.why, "the range %.15g-%.15g %s (%.80s) has its ends swapped",
                     obs[i].low, obs[i].high, obs[i].unit, obs[i].source);
            fn(&x, user);
        }
    check_conversions(m, obs, n, fn, user);
    check_bounds(obs, c, fn, user);
}
