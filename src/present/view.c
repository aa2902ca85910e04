/* tally: what a query sees (the claims passing a filter, their clusters)
 * and the estimates made from it, for the command line and the server.
 * Part of stage 5, present: includes the public headers of every stage up to
 * estimate (not the pipeline), and its own. */
#include "tally/present.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tally/actor.h"

/* The clusters of the view's claims (unless the loader made them), and the
 * identities they settle. */
static int cluster_view(tally_view *v)
{
    /* clustering only fails when memory runs out, which aborts */
    int rc = v->c.v != NULL ? 0 : tally_cluster_obs(v->obs.v, v->obs.n, 0, 0, &v->c);
    tally_identity_link(v->obs.v, v->obs.n, &v->c);
    return rc;
}

int tally_view_load(tally_view *v, struct tally_store *s, const tally_model *m,
                    const tally_claim_filter *f, tally_err *err)
{
    memset(v, 0, sizeof *v);
    int rc = tally_obs_load(s, m, f, &v->obs, err);
    return rc != 0 ? rc : cluster_view(v);
}

int tally_view_load_series(tally_view *v, struct tally_store *s, const tally_model *m,
                           const tally_claim_filter *f, uint32_t item, const char *unit,
                           tally_err *err)
{
    memset(v, 0, sizeof *v);
    int rc = tally_obs_load_series(s, m, f, item, unit, &v->obs, &v->c, err);
    return rc != 0 ? rc : cluster_view(v);
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
 * up to `to`, and `last` (the last evidence) among them. */
static size_t monthly_days(long start, long last, long to, long **out)
{
    size_t n = 0, cap = 64;
    long *days = tally_xmalloc(cap * sizeof *days);
    tally_date d = tally_date_of(start);
    d.day = 1;
    bool put_last = false;
    for (long day = tally_day_of(d, false); day <= to;) {
        if (!put_last && day >= last) {
            if (n == cap)
                days = tally_xrealloc(days, (cap *= 2) * sizeof *days);
            days[n++] = last;
            put_last = true;
        }
        if (day > start && day != last) {
            if (n == cap)
                days = tally_xrealloc(days, (cap *= 2) * sizeof *days);
            days[n++] = day;
        }
        d.month = d.month == 12 ? 1 : d.month + 1;
        d.year += d.month == 1;
        day = tally_day_of(d, false);
    }
    if (!put_last) {
        if (n == cap)
            days = tally_xrealloc(days, (cap *= 2) * sizeof *days);
        days[n++] = last;
    }
    *out = days;
    return n;
}

/* The last day of the month `months` after the one of `day`. */
static long months_after(long day, int months)
{
    tally_date d = tally_date_of(day);
    d.day = 0;
    d.month += months;
    while (d.month > 12) {
        d.month -= 12;
        d.year++;
    }
    return tally_day_of(d, true);
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
        out->n_days =
            monthly_days(s->start, last, months_after(last, TALLY_OUTLOOK_MONTHS), &out->days);
    }
    out->q = tally_xmalloc(out->n_days * sizeof *out->q);
    return tally_series_reconcile(s, out->days, out->n_days, draws, out->q, &out->info, err);
}

/* A cluster with the pair of states of its lead, to sort clusters by pair
 * (ties by their order, so each pair keeps its clusters' order). */
struct by_pair {
    uint64_t key; /* supplier and recipient packed, in the order of their codes */
    const char *supplier, *recipient;
    size_t i;
    uint32_t items; /* its lead's known items (read here with the states: one cache miss) */
};

/* A country code (up to three bytes) as a number that sorts like the string. */
static uint64_t code_key(const char c[4])
{
    uint64_t k = 0;
    for (int i = 0; i < 3; i++)
        k = k << 8 | (c[i] != '\0' && (i == 0 || c[i - 1] != '\0') ? (unsigned char)c[i] : 0);
    return k;
}

/* The index of the lowest bit set in x (not 0). */
static unsigned low_bit(uint32_t x)
{
    unsigned b = 0;
    while (!(x & 1u << b))
        b++;
    return b;
}

/* The bits of an item set that name items of this tally. */
#define KNOWN_ITEMS(items) ((items) & ((1u << TALLY_ITEM_COUNT) - 1))

/* Sorts v[0, n) by key, ties in their order: a least-significant-digit
 * radix sort on the key's 48 bits (three stable passes of 16), where a
 * comparison sort of every cluster cost ~20 callbacks a cluster. */
static void sort_by_pair(struct by_pair *v, size_t n)
{
    enum { DIGIT = 16, BUCKETS = 1 << DIGIT };
    struct by_pair *tmp = tally_xmalloc((n ? n : 1) * sizeof *tmp);
    size_t *count = tally_xmalloc(BUCKETS * sizeof *count);
    for (unsigned shift = 0; shift < 48; shift += DIGIT) {
        memset(count, 0, BUCKETS * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(v[i].key >> shift) & (BUCKETS - 1)]++;
        size_t at = 0;
        for (size_t b = 0; b < BUCKETS; b++) {
            size_t c = count[b];
            count[b] = at;
            at += c;
        }
        for (size_t i = 0; i < n; i++)
            tmp[count[(v[i].key >> shift) & (BUCKETS - 1)]++] = v[i];
        memcpy(v, tmp, n * sizeof *v);
    }
    free(count);
    free(tmp);
}

/* Series of tally_view_flows built and estimated on several threads at
 * once (each series' draws are its own: the same numbers whichever thread,
 * in whichever order), then handed over in order. */
enum { FLOW_BATCH = 1024, FLOW_THREADS = 16 };

typedef struct flow_job {
    const tally_view *v;
    const tally_model *m;
    tally_clusters pair; /* the clusters that can count for the item (owned until built) */
    const tally_date *at;
    tally_series series;
    unsigned bit;
    bool found; /* a series with points: handed over */
    long day;
    tally_quantiles q;
    tally_fit_info info;
    int rc;
    tally_err err;
} flow_job;

typedef struct flow_work {
    flow_job *jobs;
    size_t *order; /* the jobs by their clusters, most first: long ones start first */
    size_t n, next;
    unsigned draws;
    bool estimate;
    pthread_mutex_t lock;
} flow_work;

/* Builds job j's series in its pair's default unit (none: not found). */
static void flow_build(flow_job *j)
{
    const tally_view *v = j->v;
    tally_series *series = &j->series;
    const char *unit = tally_series_default_unit(v->obs.v, &j->pair, series->supplier,
                                                 series->recipient, series->item);
    if (unit != NULL) {
        snprintf(series->unit, sizeof series->unit, "%s", unit);
        tally_series_build(j->m, v->obs.v, v->obs.n, &j->pair, series);
        j->found = series->n > 0;
    }
    free(j->pair.v);
    j->pair.v = NULL;
    if (!j->found) {
        tally_series_free(series);
        return;
    }
    j->day = j->at != NULL ? tally_day_of(*j->at, true) : series->v[series->n - 1].p.day;
}

static void *flow_worker(void *arg)
{
    flow_work *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->lock);
        size_t k = w->next < w->n ? w->next++ : SIZE_MAX;
        pthread_mutex_unlock(&w->lock);
        if (k == SIZE_MAX)
            return NULL;
        flow_job *j = &w->jobs[w->order[k]];
        flow_build(j);
        if (j->found && w->estimate)
            j->rc =
                tally_series_reconcile(&j->series, &j->day, 1, w->draws, &j->q, &j->info, &j->err);
    }
}

/* Whether job a goes before job b: more clusters, else first. */
static bool goes_first(const flow_job *jobs, size_t a, size_t b)
{
    if (jobs[a].pair.n != jobs[b].pair.n)
        return jobs[a].pair.n > jobs[b].pair.n;
    return a < b;
}

/* Builds (and estimates, when `estimate`) jobs[0, n) on as many threads as
 * there are processors (the calling one too; fewer when threads cannot be
 * made). */
static void flow_run(flow_job *jobs, size_t n, unsigned draws, bool estimate)
{
    flow_work w = {jobs,
                   tally_xmalloc((n ? n : 1) * sizeof(size_t)),
                   n,
                   0,
                   draws,
                   estimate,
                   PTHREAD_MUTEX_INITIALIZER};
    for (size_t k = 0; k < n; k++)
        w.order[k] = k;
    /* insertion into place by clusters: batches are small */
    for (size_t k = 1; k < n; k++) {
        size_t x = w.order[k], i = k;
        for (; i > 0 && goes_first(jobs, x, w.order[i - 1]); i--)
            w.order[i] = w.order[i - 1];
        w.order[i] = x;
    }
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t want = cpus > 1 ? (size_t)cpus : 1, started = 0;
    want = want < FLOW_THREADS ? want : FLOW_THREADS;
    want = want < n ? want : (n ? n : 1);
    pthread_t t[FLOW_THREADS];
    for (size_t k = 1; k < want; k++)
        if (pthread_create(&t[started], NULL, flow_worker, &w) == 0)
            started++;
    flow_worker(&w);
    for (size_t k = 0; k < started; k++)
        pthread_join(t[k], NULL);
    pthread_mutex_destroy(&w.lock);
    free(w.order);
}

/* Hands the jobs' series over in order and frees them; returns how many
 * were estimated. */
static size_t flow_emit(flow_job *jobs, size_t n, bool estimate,
                        void (*fn)(const tally_flow *fl, void *user), void *user)
{
    size_t done = 0;
    for (size_t k = 0; k < n; k++) {
        flow_job *j = &jobs[k];
        if (!j->found)
            continue;
        tally_flow fl = {&j->series, tally_item_name(j->bit), LONG_MIN, {0}, {0}, 0, &j->err};
        if (estimate) {
            fl.day = j->day;
            fl.q = j->q;
            fl.info = j->info;
            fl.rc = j->rc;
        }
        done += fl.rc == 0;
        fn(&fl, user);
        tally_series_free(&j->series);
    }
    return done;
}

size_t tally_view_flows(const tally_view *v, const tally_model *m, const tally_date *at,
                        unsigned draws, bool estimate, void (*fn)(const tally_flow *fl, void *user),
                        void *user)
{
    size_t n = v->c.n, n_series = 0;
    struct by_pair *order = tally_xmalloc((n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++) {
        const tally_obs *lead = &v->obs.v[v->c.v[i].lead];
        order[i] = (struct by_pair){code_key(lead->supplier) << 24 | code_key(lead->recipient),
                                    lead->supplier, lead->recipient, i, KNOWN_ITEMS(lead->items)};
    }
    sort_by_pair(order, n);
    tally_cluster *sorted = tally_xmalloc((n ? n : 1) * sizeof *sorted);
    tally_cluster *item_clusters = tally_xmalloc((n ? n : 1) * sizeof *item_clusters);
    for (size_t i = 0; i < n; i++)
        sorted[i] = v->c.v[order[i].i];
    /* a pair's clusters by the items of their lead: those of item `bit` are
     * pos[first[bit], first[bit + 1]), positions in `sorted`, in order */
    size_t first[TALLY_ITEM_COUNT + 1], fill[TALLY_ITEM_COUNT], cap = 0;
    size_t *pos = NULL;
    flow_job *jobs = tally_xcalloc(FLOW_BATCH, sizeof *jobs);
    size_t n_jobs = 0;
    for (size_t i = 0, j; i < n; i = j) {
        const char *sup = order[i].supplier, *rec = order[i].recipient;
        for (j = i + 1; j < n && order[j].key == order[i].key;)
            j++;
        if (sup[0] == '\0' || rec[0] == '\0')
            continue;
        memset(first, 0, sizeof first);
        for (size_t k = i; k < j; k++)
            for (uint32_t items = order[k].items; items != 0; items &= items - 1)
                first[low_bit(items) + 1]++;
        for (unsigned bit = 0; bit < TALLY_ITEM_COUNT; bit++)
            first[bit + 1] += first[bit];
        if (first[TALLY_ITEM_COUNT] > cap) {
            cap = first[TALLY_ITEM_COUNT];
            pos = tally_xrealloc(pos, cap * sizeof *pos);
        }
        memcpy(fill, first, sizeof fill);
        for (size_t k = i; k < j; k++)
            for (uint32_t items = order[k].items; items != 0; items &= items - 1)
                pos[fill[low_bit(items)]++] = k;
        const size_t *mun = pos + first[TALLY_ITEM_INDEX_MUNITIONS];
        size_t n_mun = first[TALLY_ITEM_INDEX_MUNITIONS + 1] - first[TALLY_ITEM_INDEX_MUNITIONS];
        for (unsigned bit = 0; bit < TALLY_ITEM_COUNT; bit++) {
            /* no lead of the item: no default unit (tally_series_default_unit) */
            if (first[bit + 1] == first[bit])
                continue;
            /* the clusters that can count for the item: of it, or of munitions
             * to convert (tally_series_build), in their order */
            tally_clusters pair = {item_clusters, 0, NULL};
            const size_t *own = pos + first[bit];
            size_t n_own = bit == TALLY_ITEM_INDEX_MUNITIONS ? 0 : first[bit + 1] - first[bit];
            for (size_t a = 0, b = 0; a < n_own || b < n_mun;) {
                size_t k = b == n_mun || (a < n_own && own[a] < mun[b]) ? own[a++] : mun[b++];
                if (pair.n == 0 || item_clusters[pair.n - 1].lead != sorted[k].lead)
                    item_clusters[pair.n++] = sorted[k];
            }
            flow_job *job = &jobs[n_jobs];
            memset(job, 0, sizeof *job);
            job->v = v;
            job->m = m;
            job->at = at;
            job->pair.n = pair.n;
            job->pair.v = tally_xmalloc(pair.n * sizeof *job->pair.v);
            memcpy(job->pair.v, item_clusters, pair.n * sizeof *job->pair.v);
            tally_series *series = &job->series;
            memcpy(series->supplier, sup, 4);
            memcpy(series->recipient, rec, 4);
            series->item = 1u << bit;
            job->bit = bit;
            if (++n_jobs == FLOW_BATCH) {
                flow_run(jobs, n_jobs, draws, estimate);
                n_series += flow_emit(jobs, n_jobs, estimate, fn, user);
                n_jobs = 0;
            }
        }
    }
    flow_run(jobs, n_jobs, draws, estimate);
    n_series += flow_emit(jobs, n_jobs, estimate, fn, user);
    free(jobs);
    free(pos);
    free(item_clusters);
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
