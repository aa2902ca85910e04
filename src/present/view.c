/* tally: what a query sees (the claims passing a filter, their clusters)
 * and the estimates made from it, for the command line and the server.
 * Part of stage 5, present: includes the public headers of every stage up to
 * estimate (not the pipeline), and its own. */
#include "tally/present.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "tally/actor.h"

int tally_view_load(tally_view *v, struct tally_store *s, const tally_claim_filter *f,
                    tally_err *err)
{
    memset(v, 0, sizeof *v);
    int rc = tally_obs_load(s, f, &v->obs, err);
    if (rc != 0)
        return rc;
    /* clustering only fails when memory runs out, which aborts */
    return tally_cluster_obs(v->obs.v, v->obs.n, 0, 0, &v->c);
}

void tally_view_free(tally_view *v)
{
    tally_clusters_free(&v->c);
    tally_obs_set_free(&v->obs);
}

void tally_estimate_free(tally_estimate *e)
{
    tally_series_free(&e->series);
    free(e->days);
    free(e->q);
    memset(e, 0, sizeof *e);
}

/* The days of a monthly series: the first of each month after the start,
 * up to the last point, and the last point's day. */
static size_t monthly_days(long start, long last, long **out)
{
    size_t n = 0, cap = 64;
    long *days = tally_xmalloc(cap * sizeof *days);
    tally_date d = tally_date_of(start);
    d.day = 1;
    for (long day = tally_day_of(d, false); day < last;) {
        if (day > start) {
            if (n == cap)
                days = tally_xrealloc(days, (cap *= 2) * sizeof *days);
            days[n++] = day;
        }
        d.month = d.month == 12 ? 1 : d.month + 1;
        d.year += d.month == 1;
        day = tally_day_of(d, false);
    }
    if (n == cap)
        days = tally_xrealloc(days, (cap *= 2) * sizeof *days);
    days[n++] = last;
    *out = days;
    return n;
}

/* Reconciles the points of `s` at `days`. */
static int reconcile(const tally_series *s, const long *days, size_t n_days, unsigned draws,
                     tally_quantiles *q, tally_err *err)
{
    tally_point *pts = tally_xmalloc(s->n * sizeof *pts);
    for (size_t i = 0; i < s->n; i++)
        pts[i] = s->v[i].p;
    int rc = tally_reconcile(pts, s->n, s->start, days, n_days, draws, 20241126u, q, err);
    free(pts);
    return rc;
}

int tally_view_estimate(const tally_view *v, const tally_model *m, const char *supplier,
                        const char *recipient, uint32_t item, const char *unit,
                        const tally_date *at, const char *known_by, unsigned draws,
                        tally_estimate *out, tally_err *err)
{
    memset(out, 0, sizeof *out);
    tally_series *s = &out->series;
    memcpy(s->supplier, supplier, 4);
    memcpy(s->recipient, recipient, 4);
    s->item = item;
    const char *item_name = "";
    for (unsigned bit = 0; bit < TALLY_ITEM_COUNT; bit++)
        if (item == 1u << bit)
            item_name = tally_item_name(bit);
    if (unit == NULL)
        unit = tally_series_default_unit(v->obs.v, &v->c, supplier, recipient, item);
    if (unit == NULL)
        return tally_err_set(
            err, TALLY_ENOTFOUND, "no transfer of %s from %s to %s among %zu stored claims%s",
            item_name, supplier, recipient, v->obs.n, known_by != NULL ? " known by then" : "");
    snprintf(s->unit, sizeof s->unit, "%s", unit);
    tally_series_build(m, v->obs.v, v->obs.n, &v->c, s);
    if (s->n == 0)
        return tally_err_set(err, TALLY_ENOTFOUND, "no claims of %s from %s to %s in %s%s",
                             item_name, supplier, recipient, unit,
                             known_by != NULL ? " known by then" : "");
    if (at != NULL) {
        out->days = tally_xmalloc(sizeof *out->days);
        out->days[0] = tally_day_of(*at, true);
        out->n_days = 1;
    } else {
        long last = LONG_MIN;
        for (size_t i = 0; i < s->n; i++)
            if (s->v[i].p.day > last)
                last = s->v[i].p.day;
        out->n_days = monthly_days(s->start, last, &out->days);
    }
    out->q = tally_xmalloc(out->n_days * sizeof *out->q);
    return reconcile(s, out->days, out->n_days, draws, out->q, err);
}

/* A cluster with the pair of states of its lead, to sort clusters by pair
 * (ties by their order, so each pair keeps its clusters' order). */
struct by_pair {
    const char *supplier, *recipient;
    size_t i;
};

static int cmp_pair(const void *a, const void *b)
{
    const struct by_pair *x = a, *y = b;
    int c = strcmp(x->supplier, y->supplier);
    if (c == 0)
        c = strcmp(x->recipient, y->recipient);
    return c != 0 ? c : (x->i > y->i) - (x->i < y->i);
}

size_t tally_view_flows(const tally_view *v, const tally_model *m, const tally_date *at,
                        unsigned draws, bool estimate, void (*fn)(const tally_flow *fl, void *user),
                        void *user)
{
    size_t n = v->c.n, n_series = 0;
    struct by_pair *order = tally_xmalloc((n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++) {
        const tally_obs *lead = &v->obs.v[v->c.v[i].lead];
        order[i] = (struct by_pair){lead->supplier, lead->recipient, i};
    }
    qsort(order, n, sizeof *order, cmp_pair);
    tally_cluster *sorted = tally_xmalloc((n ? n : 1) * sizeof *sorted);
    for (size_t i = 0; i < n; i++)
        sorted[i] = v->c.v[order[i].i];
    for (size_t i = 0, j; i < n; i = j) {
        const char *sup = order[i].supplier, *rec = order[i].recipient;
        for (j = i + 1;
             j < n && strcmp(order[j].supplier, sup) == 0 && strcmp(order[j].recipient, rec) == 0;)
            j++;
        if (sup[0] == '\0' || rec[0] == '\0')
            continue;
        tally_clusters pair = {sorted + i, j - i, NULL};
        for (unsigned bit = 0; bit < TALLY_ITEM_COUNT; bit++) {
            const char *unit = tally_series_default_unit(v->obs.v, &pair, sup, rec, 1u << bit);
            if (unit == NULL)
                continue;
            tally_series series;
            memset(&series, 0, sizeof series);
            memcpy(series.supplier, sup, 4);
            memcpy(series.recipient, rec, 4);
            series.item = 1u << bit;
            snprintf(series.unit, sizeof series.unit, "%s", unit);
            tally_series_build(m, v->obs.v, v->obs.n, &pair, &series);
            if (series.n == 0) {
                tally_series_free(&series);
                continue;
            }
            tally_err err = {0};
            tally_flow fl = {&series, tally_item_name(bit), LONG_MIN, {0}, 0, &err};
            if (estimate) {
                fl.day = at != NULL ? tally_day_of(*at, true) : series.v[series.n - 1].p.day;
                fl.rc = reconcile(&series, &fl.day, 1, draws, &fl.q, &err);
            }
            n_series += fl.rc == 0;
            fn(&fl, user);
            tally_series_free(&series);
        }
    }
    free(sorted);
    free(order);
    return n_series;
}

const char *tally_present_state_code(const char *v, char out[4])
{
    const tally_actor *a = NULL;
    if (strlen(v) == 3) {
        char up[4] = {(char)(v[0] & ~0x20), (char)(v[1] & ~0x20), (char)(v[2] & ~0x20), 0};
        a = tally_country(up);
    }
    if (a == NULL) {
        tally_arena *ar = tally_arena_new();
        tally_actor_matches m;
        if (tally_actors_scan((tally_span){v, strlen(v)}, &m, ar, NULL) == 0 && m.n == 1 &&
            m.v[0].start == 0 && m.v[0].end == strlen(v) && m.v[0].actor->country[0] != '\0')
            a = tally_country(m.v[0].actor->country);
        tally_arena_free(ar);
    }
    if (a == NULL)
        return NULL;
    memcpy(out, a->country, 4);
    return out;
}
