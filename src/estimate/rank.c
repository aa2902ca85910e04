/* tally: ranking a state's partners by what they sent it (or received from
 * it) in one measure, with the odds of each rank (tally rank).
 *
 * A partner's parts are its series, each built and reconciled as `tally
 * estimate` does (the same points, start and seed), read at one day as
 * Monte Carlo draws. Draw d of the ranking takes draw d of every part and,
 * for the value, a price for every item drawn log-uniformly within its
 * range: one price a draw for everyone, so a dearer shell in that draw is
 * dearer for every partner that sent shells. The draws of different series
 * are paired through a fixed shuffle of each series' draws (seeded by the
 * pair and series): the series' sources are different claims, and pairing
 * draw d with draw d of another series (same seed, same random stream)
 * would tie their errors together. The ranks are read draw by draw.
 *
 * Part of stage 4, estimate: includes the public headers of every stage up to
 * the store (not the pipeline), and its own. */
#include "tally/rank.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally/claim.h"
#include "tally/mem.h"
#include "tally/pool.h"

static const char *const by_names[] = {"value", "count", "share", "people"};

int tally_rank_by_parse(const char *name)
{
    for (int i = 0; i < (int)(sizeof by_names / sizeof by_names[0]); i++)
        if (strcmp(name, by_names[i]) == 0)
            return i;
    return -1;
}

const char *tally_rank_by_name(tally_rank_by by)
{
    return by_names[by];
}

/* ---- random numbers: fixed seeds, so that runs repeat ------------------------- */

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static double uniform(uint64_t *x)
{
    return (double)(splitmix64(x) >> 11) * 0x1.0p-53;
}

/* FNV-1a of a string, folded into `h`. */
static uint64_t hash_str(uint64_t h, const char *s)
{
    for (; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return (h ^ 0xff) * 0x100000001b3ull;
}

static uint64_t hash_num(uint64_t h, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        h = (h ^ ((v >> (8 * i)) & 0xff)) * 0x100000001b3ull;
    return h;
}

static const uint64_t fnv_basis = 0xcbf29ce484222325ull;

/* ---- quantiles of draws ---------------------------------------------------- */

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The quantiles of v[0, n) (reordered): linear between order statistics. */
static void quantiles(double *v, size_t n, tally_quantiles *q, long day)
{
    qsort(v, n, sizeof *v, dbl_cmp);
    const double ps[5] = {0.05, 0.25, 0.50, 0.75, 0.95};
    double r[5];
    for (int k = 0; k < 5; k++) {
        double h = ps[k] * (double)(n - 1);
        size_t i = (size_t)h;
        double f = h - (double)i;
        r[k] = i + 1 < n ? v[i] + f * (v[i + 1] - v[i]) : v[n - 1];
    }
    *q = (tally_quantiles){day, r[0], r[1], r[2], r[3], r[4], false};
}

/* ---- what a part is measured in --------------------------------------------- */

/* The multiplier range of one unit of `item` in `unit` for `by`, or the lack. */
static tally_rank_lack measure(const tally_prices *p, tally_rank_by by, uint32_t item,
                               const char *unit, tally_rank_part *part)
{
    tally_claim c;
    memset(&c, 0, sizeof c);
    if (tally_unit_parse(unit, &c) != 0)
        return TALLY_LACK_MEASURE;
    const tally_term *t = tally_unit_term(c.unit);
    unsigned fam = t != NULL ? t->family : 0;
    part->price_lo = part->price_hi = 1;
    switch (by) {
    case TALLY_RANK_COUNT:
        return fam == TALLY_UNIT_FAM_COUNT && c.unit != TALLY_UNIT_PERSON ? TALLY_LACK_NONE
                                                                          : TALLY_LACK_MEASURE;
    case TALLY_RANK_PEOPLE:
        return c.unit == TALLY_UNIT_PERSON ? TALLY_LACK_NONE : TALLY_LACK_MEASURE;
    case TALLY_RANK_SHARE:
        return TALLY_LACK_MEASURE;
    case TALLY_RANK_VALUE:
        break;
    }
    if (c.unit == TALLY_UNIT_MONEY)
        return strcmp(c.currency, "USD") == 0 ? TALLY_LACK_NONE : TALLY_LACK_CURRENCY;
    if (c.unit == TALLY_UNIT_PERSON)
        return TALLY_LACK_MEASURE; /* people are not priced: --by people */
    return tally_price_range(p, item, unit, 0, &part->price_lo, &part->price_hi, &part->price_lines,
                             &part->price)
               ? TALLY_LACK_NONE
               : TALLY_LACK_PRICE;
}

void tally_rank_lack_words(tally_rank_lack lack, const tally_rank_part *part, char *buf,
                           size_t size)
{
    const char *item = "", *unit = part != NULL ? part->unit : "";
    for (unsigned bit = 0; part != NULL && bit < TALLY_ITEM_COUNT; bit++)
        if (part->item == 1u << bit)
            item = tally_item_name(bit);
    switch (lack) {
    case TALLY_LACK_NONE:
        snprintf(buf, size, "counted");
        break;
    case TALLY_LACK_PRICE:
        snprintf(buf, size, "no price for %s in %s (data/prices.tsv)", item, unit);
        break;
    case TALLY_LACK_CURRENCY:
        snprintf(buf, size, "%s in %s: no exchange rate to USD", item, unit);
        break;
    case TALLY_LACK_MEASURE:
        snprintf(buf, size, "%s in %s is not what is compared", item, unit);
        break;
    case TALLY_LACK_ESTIMATE:
        snprintf(buf, size, "%s in %s cannot be estimated: %s", item, unit,
                 part != NULL ? part->why : "");
        break;
    case TALLY_LACK_NOT_YET:
        snprintf(buf, size, "%s in %s starts after the day asked", item, unit);
        break;
    case TALLY_LACK_NO_SERIES:
        snprintf(buf, size, "no claim counts a delivery (only plans, rates, shares or stocks)");
        break;
    case TALLY_LACK_NO_SHARE:
        snprintf(buf, size, "no share of the state's use stated by then");
        break;
    }
}

/* ---- the ranking ------------------------------------------------------------- */

/* The work of one call. */
typedef struct rank_work {
    const tally_model *m;
    const tally_prices *p;
    const tally_obs *obs;
    size_t n_obs;
    const tally_clusters *c;
    const char *state;
    bool to;
    tally_rank_by by;
    long day;
    unsigned draws;
    bool extrapolate;
    double *buf;  /* one series' draws */
    double *vals; /* one part's values, for its quantiles */
} rank_work;

/* The partner of a claim with the state, or NULL. */
static const char *partner_of(const rank_work *w, const tally_obs *o)
{
    const char *self = w->to ? o->recipient : o->supplier;
    const char *other = w->to ? o->supplier : o->recipient;
    if (strcmp(self, w->state) != 0 || other[0] == '\0' || strcmp(other, w->state) == 0)
        return NULL;
    return other;
}

/* A part of `item` in `unit`, nothing yet known of it. */
static void init_part(tally_rank_part *part, uint32_t item, const char *unit)
{
    memset(part, 0, sizeof *part);
    part->item = item;
    snprintf(part->unit, sizeof part->unit, "%s", unit);
    part->claim = SIZE_MAX;
    part->at = LONG_MIN;
}

static tally_rank_part *new_part(tally_rank_partner *pa, uint32_t item, const char *unit)
{
    pa->parts = tally_xrealloc(pa->parts, (pa->n_parts + 1) * sizeof *pa->parts);
    tally_rank_part *part = &pa->parts[pa->n_parts++];
    init_part(part, item, unit);
    return part;
}

/* Adds draws v[0, draws) of a part, times a price drawn a draw in
 * [lo, hi] from `price_seed` (the same for every partner), to `total`, and
 * sets the part's value quantiles. v is read through the series' shuffle. */
static void add_part(rank_work *w, tally_rank_part *part, const double *v, uint64_t shuffle_seed,
                     uint64_t price_seed, double *total)
{
    size_t nd = w->draws;
    /* a fixed shuffle of the series' draws (Fisher-Yates on indexes) */
    size_t *perm = tally_xmalloc(nd * sizeof *perm);
    for (size_t d = 0; d < nd; d++)
        perm[d] = d;
    uint64_t s = shuffle_seed;
    for (size_t d = nd; d > 1; d--) {
        size_t j = (size_t)(uniform(&s) * (double)d);
        size_t t = perm[d - 1];
        perm[d - 1] = perm[j < d ? j : d - 1];
        perm[j < d ? j : d - 1] = t;
    }
    uint64_t ps = price_seed;
    double span = log(part->price_hi / part->price_lo);
    for (size_t d = 0; d < nd; d++) {
        double price = part->price_lo * exp(uniform(&ps) * span);
        double x = v[perm[d]] * price;
        total[d] += x;
        w->vals[d] = x;
    }
    quantiles(w->vals, nd, &part->value, part->at);
    free(perm);
}

/* One series of a partner, built and drawn on a worker thread
 * (tally_pool: handed back in the order handed in, so that the parts and
 * totals are summed in one order whatever thread drew them). */
typedef struct rank_job {
    size_t partner;
    const char *supplier, *recipient;
    const tally_cluster *pair; /* the partner's clusters */
    const uint32_t *items;     /* the items of each one's lead */
    size_t n_pair;
    uint32_t item;
    bool has_part; /* a series of the item with points: `part` is one */
    tally_rank_part part;
    double *draws; /* part.lack none: its draws (w->draws of them) */
} rank_job;

/* Builds and draws job `arg`'s series (a tally_pool_fn; `ctx` the
 * rank_work, read only). */
static void series_job(void *arg, void *ctx, unsigned worker)
{
    (void)worker;
    rank_job *j = arg;
    const rank_work *w = ctx;
    /* the clusters that can count for the item: of it, or of munitions to
     * convert (as tally_view_flows takes them) */
    tally_clusters ic = {tally_xmalloc((j->n_pair ? j->n_pair : 1) * sizeof *ic.v), 0, NULL};
    for (size_t k = 0; k < j->n_pair; k++)
        if (j->items[k] & (j->item | TALLY_ITEM_MUNITIONS))
            ic.v[ic.n++] = j->pair[k];
    const char *unit = tally_series_default_unit(w->obs, &ic, j->supplier, j->recipient, j->item);
    tally_series series;
    memset(&series, 0, sizeof series);
    if (unit != NULL) {
        memcpy(series.supplier, j->supplier, 4);
        memcpy(series.recipient, j->recipient, 4);
        series.item = j->item;
        snprintf(series.unit, sizeof series.unit, "%s", unit);
        tally_series_build(w->m, w->obs, w->n_obs, &ic, &series);
    }
    free(ic.v);
    if (series.n == 0) {
        tally_series_free(&series);
        return;
    }
    j->has_part = true;
    tally_rank_part *part = &j->part;
    init_part(part, j->item, unit);
    part->clusters = series.n;
    part->lack = measure(w->p, w->by, j->item, unit, part);
    long last = LONG_MIN;
    for (size_t i = 0; i < series.n; i++)
        last = series.v[i].p.day > last ? series.v[i].p.day : last;
    part->at = w->extrapolate || w->day <= last ? w->day : last;
    if (part->lack == TALLY_LACK_NONE && w->day <= series.start)
        part->lack = TALLY_LACK_NOT_YET;
    if (part->lack == TALLY_LACK_NONE) {
        tally_err err = {0};
        j->draws = tally_xmalloc(w->draws * sizeof *j->draws);
        if (tally_series_draws(&series, part->at, w->draws, j->draws, &part->quantity, &err) != 0) {
            part->lack = TALLY_LACK_ESTIMATE;
            snprintf(part->why, sizeof part->why, "%s", err.msg);
            free(j->draws);
            j->draws = NULL;
        }
    }
    tally_series_free(&series);
}

/* Adds job j's part, done, to its partner and its draws to the partner's
 * total. */
static void series_job_done(rank_work *w, tally_ranking *out, rank_job *j, double *totals)
{
    if (j->has_part) {
        tally_rank_partner *pa = &out->v[j->partner];
        tally_rank_part *part = new_part(pa, j->item, j->part.unit);
        *part = j->part;
        if (j->draws != NULL) {
            const char *sup = j->supplier, *rec = j->recipient, *unit = part->unit;
            uint64_t h = hash_str(hash_str(hash_str(fnv_basis, sup), rec), unit);
            uint64_t ph = hash_str(hash_num(fnv_basis, j->item), unit);
            add_part(w, part, j->draws, hash_num(h, j->item), ph, totals + j->partner * w->draws);
        }
    }
    free(j->draws);
    j->draws = NULL;
}

/* The series parts of every partner: one job a partner and item that any of
 * its clusters' leads has (a series needs a claim of its own item), done on
 * a thread a core. pairs + first[k] are partner k's clusters. */
static void series_parts(rank_work *w, tally_ranking *out, const tally_cluster *pairs,
                         const size_t *first, double *totals)
{
    size_t n_clusters = first[out->n];
    /* the items of each cluster's lead, read once in one pass */
    uint32_t *items = tally_xmalloc((n_clusters ? n_clusters : 1) * sizeof *items);
    for (size_t k = 0; k < n_clusters; k++)
        items[k] = w->obs[pairs[k].lead].items;
    rank_job *jobs = NULL;
    size_t n_jobs = 0, cap = 0;
    for (size_t k = 0; k < out->n; k++) {
        const char *other = out->v[k].state;
        uint32_t have = 0;
        for (size_t i = first[k]; i < first[k + 1]; i++)
            have |= items[i];
        for (unsigned bit = 0; bit < TALLY_ITEM_COUNT; bit++) {
            if (!(have & 1u << bit))
                continue;
            if (n_jobs == cap)
                jobs = tally_xrealloc(jobs, (cap = cap ? 2 * cap : 64) * sizeof *jobs);
            rank_job *j = &jobs[n_jobs++];
            *j = (rank_job){k,
                            w->to ? other : w->state,
                            w->to ? w->state : other,
                            pairs + first[k],
                            items + first[k],
                            first[k + 1] - first[k],
                            1u << bit,
                            false,
                            {0},
                            NULL};
        }
    }
    unsigned cores = tally_cores();
    tally_pool *pool =
        tally_pool_new(cores > 1 && n_jobs > 1 ? cores : 0, 4 * cores, series_job, NULL, w);
    for (size_t k = 0; k < n_jobs; k++) {
        while (tally_pool_full(pool))
            series_job_done(w, out, tally_pool_take(pool), totals);
        tally_pool_put(pool, &jobs[k]);
    }
    for (void *j; (j = tally_pool_take(pool)) != NULL;)
        series_job_done(w, out, j, totals);
    tally_pool_free(pool);
    free(jobs);
    free(items);
}

/* The share part of one partner: its latest percent claim of the state's
 * use stated by the day, drawn log-uniformly within its range (a point
 * within its own error). */
static void share_part(rank_work *w, tally_rank_partner *pa, const tally_cluster *pair,
                       size_t n_pair, double *total)
{
    size_t best = SIZE_MAX;
    for (size_t k = 0; k < n_pair; k++) {
        const tally_obs *o = &w->obs[pair[k].lead];
        /* a share of what the state uses ("half of the shells Russia fires"),
         * not of its imports: shares of different wholes do not compare */
        if (o->kind != TALLY_KIND_CONSUMPTION || strcmp(o->unit, "percent") != 0 ||
            o->stated > w->day || o->rate)
            continue;
        if (best == SIZE_MAX || o->stated > w->obs[best].stated ||
            (o->stated == w->obs[best].stated && o->id > w->obs[best].id))
            best = pair[k].lead;
    }
    if (best == SIZE_MAX)
        return;
    const tally_obs *o = &w->obs[best];
    tally_rank_part *part = new_part(pa, o->items, "percent");
    for (unsigned bit = 0; bit < TALLY_ITEM_COUNT; bit++)
        if (o->items & 1u << bit) {
            part->item = 1u << bit; /* the first item names it */
            break;
        }
    part->claim = best;
    part->clusters = 1;
    part->at = o->as_of;
    double lo = o->has_low ? o->low : o->high, hi = o->has_high ? o->high : o->low;
    double sigma = tally_obs_sigma(w->m, o, NULL, NULL);
    uint64_t s = hash_num(hash_str(fnv_basis, pa->state), (uint64_t)o->id);
    for (size_t d = 0; d < w->draws; d++) {
        double x = lo * exp(uniform(&s) * log(hi / lo));
        /* a normal by Box-Muller for the point's own error */
        double u1 = uniform(&s), u2 = uniform(&s);
        double z = sqrt(-2 * log(u1 > 0 ? u1 : 0x1.0p-53)) * cos(6.283185307179586 * u2);
        x *= exp(sigma * z);
        w->buf[d] = x > 100 ? 100 : x;
    }
    memcpy(w->vals, w->buf, w->draws * sizeof *w->vals);
    quantiles(w->vals, w->draws, &part->quantity, w->day);
    part->price_lo = part->price_hi = 1;
    add_part(w, part, w->buf, s, s, total);
}

/* Ranked partners first by median (higher first), then by code. */
static int partner_cmp(const void *a, const void *b)
{
    const tally_rank_partner *x = a, *y = b;
    if (x->ranked != y->ranked)
        return x->ranked ? -1 : 1;
    if (x->ranked && x->total.q50 != y->total.q50)
        return x->total.q50 > y->total.q50 ? -1 : 1;
    return strcmp(x->state, y->state);
}

int tally_rank(const tally_model *m, const tally_prices *p, const tally_obs *obs, size_t n,
               const tally_clusters *c, const char *state, bool to, tally_rank_by by, long day,
               unsigned draws, bool extrapolate, tally_ranking *out, tally_err *err)
{
    int rc = 0;
    memset(out, 0, sizeof *out);
    rank_work w = {m,           p,    obs, n,   c,
                   state,       to,   by,  day, draws ? draws : TALLY_RANK_DRAWS,
                   extrapolate, NULL, NULL};
    snprintf(out->state, sizeof out->state, "%s", state);
    out->to = to;
    out->by = by;
    out->day = day;
    out->base_year = p->base_year;
    out->draws = w.draws;

    /* the partners: every other state of a claim with the state, each
     * claim's partner found once (a few hundred states at most) */
    char(*codes)[4] = NULL;
    size_t n_partners = 0, cap = 0;
    int32_t *pidx = tally_xmalloc((n ? n : 1) * sizeof *pidx);
    for (size_t i = 0; i < n; i++) {
        const char *other = partner_of(&w, &obs[i]);
        pidx[i] = -1;
        if (other == NULL)
            continue;
        size_t k = 0;
        while (k < n_partners && memcmp(codes[k], other, 4) != 0)
            k++;
        if (k == n_partners) {
            if (n_partners == cap)
                codes = tally_xrealloc(codes, (cap = cap ? 2 * cap : 16) * sizeof *codes);
            memset(codes[k], 0, 4);
            memcpy(codes[k], other, strlen(other) < 4 ? strlen(other) : 3);
            n_partners++;
        }
        pidx[i] = (int32_t)k;
    }
    if (n_partners == 0) {
        rc = tally_err_set(err, TALLY_ENOTFOUND, "no claim of a state %s %s",
                           to ? "sending to" : "receiving from", state);
        free(pidx);
        free(codes);
        return rc;
    }
    out->v = tally_xmalloc(n_partners * sizeof *out->v);
    memset(out->v, 0, n_partners * sizeof *out->v);
    out->n = n_partners;
    for (size_t i = 0; i < n; i++)
        if (pidx[i] >= 0)
            out->v[pidx[i]].claims++;
    /* the clusters grouped by their lead's partner (in their order) */
    size_t *first = tally_xmalloc((n_partners + 1) * sizeof *first);
    memset(first, 0, (n_partners + 1) * sizeof *first);
    for (size_t i = 0; i < c->n; i++)
        if (pidx[c->v[i].lead] >= 0)
            first[pidx[c->v[i].lead] + 1]++;
    for (size_t k = 0; k < n_partners; k++)
        first[k + 1] += first[k];
    tally_cluster *pairs = tally_xmalloc((c->n ? c->n : 1) * sizeof *pairs);
    size_t *fill = tally_xmalloc((n_partners ? n_partners : 1) * sizeof *fill);
    memcpy(fill, first, n_partners * sizeof *fill);
    for (size_t i = 0; i < c->n; i++)
        if (pidx[c->v[i].lead] >= 0)
            pairs[fill[pidx[c->v[i].lead]]++] = c->v[i];
    double *totals = tally_xmalloc(n_partners * w.draws * sizeof *totals);
    memset(totals, 0, n_partners * w.draws * sizeof *totals);
    w.buf = tally_xmalloc(w.draws * sizeof *w.buf);
    w.vals = tally_xmalloc(w.draws * sizeof *w.vals);
    for (size_t k = 0; k < n_partners; k++)
        memcpy(out->v[k].state, codes[k], 4);
    if (by != TALLY_RANK_SHARE)
        series_parts(&w, out, pairs, first, totals);
    for (size_t k = 0; k < n_partners; k++) {
        tally_rank_partner *pa = &out->v[k];
        double *total = totals + k * w.draws;
        if (by == TALLY_RANK_SHARE)
            share_part(&w, pa, pairs + first[k], first[k + 1] - first[k], total);
        for (size_t j = 0; j < pa->n_parts; j++)
            pa->ranked = pa->ranked || pa->parts[j].lack == TALLY_LACK_NONE;
        if (!pa->ranked)
            pa->lack = pa->n_parts > 0          ? pa->parts[0].lack
                       : by == TALLY_RANK_SHARE ? TALLY_LACK_NO_SHARE
                                                : TALLY_LACK_NO_SERIES;
        if (pa->ranked) {
            memcpy(w.vals, total, w.draws * sizeof *w.vals);
            quantiles(w.vals, w.draws, &pa->total, day);
            out->n_ranked++;
        }
    }
    /* the odds of each rank, draw by draw */
    size_t nr = out->n_ranked;
    for (size_t k = 0; k < n_partners; k++)
        if (out->v[k].ranked) {
            out->v[k].p_rank = tally_xmalloc(nr * sizeof(double));
            memset(out->v[k].p_rank, 0, nr * sizeof(double));
        }
    for (size_t d = 0; d < w.draws; d++) {
        for (size_t k = 0; k < n_partners; k++) {
            if (!out->v[k].ranked)
                continue;
            double x = totals[k * w.draws + d];
            size_t r = 0; /* partners ahead: more, or as much and before in code order */
            for (size_t j = 0; j < n_partners; j++) {
                if (j == k || !out->v[j].ranked)
                    continue;
                double y = totals[j * w.draws + d];
                r += y > x || (y == x && j < k);
            }
            out->v[k].p_rank[r] += 1.0; /* (a count: divided once below) */
        }
    }
    /* each odds is its count over the draws, rounded once: a sum of
     * 1/draws drifts off the exact share (0.945 summed is above 0.945,
     * and "%.2f" then disagrees with the rounded figure of --format jsonl) */
    for (size_t k = 0; k < n_partners; k++)
        for (size_t r = 0; out->v[k].ranked && r < nr; r++)
            out->v[k].p_rank[r] /= (double)w.draws;
    qsort(out->v, n_partners, sizeof *out->v, partner_cmp);
    free(pairs);
    free(fill);
    free(first);
    free(pidx);
    free(w.vals);
    free(w.buf);
    free(totals);
    free(codes);
    return rc;
}

void tally_ranking_free(tally_ranking *r)
{
    for (size_t k = 0; k < r->n; k++) {
        free(r->v[k].p_rank);
        free(r->v[k].parts);
    }
    free(r->v);
    memset(r, 0, sizeof *r);
}
