/* Echo clusters (stage 4): claims that restate one original assertion are
 * grouped so that they count once. The rules are in include/tally/estimate.h
 * at tally_cluster_obs; this file says how they are applied at scale.
 *
 * The observations are sorted by (supplier, recipient, kind, unit, value,
 * as_of, id, the rest of their content), a total order, so the result does
 * not depend on the order of the input. A series (one supplier, recipient,
 * kind and unit) is a run of that order. Each observation is compared with
 * the next WINDOW ones of its series in four orders: by source then value,
 * by source then date, by value, by date. Agreeing pairs are joined in a
 * union-find whose roots remember the one named source of their set, so a
 * relay never bridges two named sources. The joins go in three passes:
 * claims of one named source (in the orders by source), then a relay with a
 * named claim (in the orders of the whole series), then relays among
 * themselves (orders by source), so that relays attach to the nearest named
 * claim before they chain together. The sorts are O(n log n), the windows
 * O(n * WINDOW): a series of 100,000 claims costs no more per claim than a
 * small one, at the price that two echoes further apart than WINDOW in every
 * order (a very dense series) may stay apart.
 * Part of stage 4, estimate: includes the public headers of every stage up to
 * the store (not the pipeline), and its own. */
#include "tally/estimate.h"

#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "estimate_int.h"
#include "tally/ascii.h"
#include "tally/mem.h"

/* How many neighbours in each order an observation is compared with. */
enum { WINDOW = 32 };

/* An observation in the order by content. */
typedef struct ent {
    uint64_t series; /* supplier, recipient and kind, packed */
    uint32_t unit;   /* the unit's rank among the units, by strcmp */
    double v;        /* the representative value: low when has_low, else high */
    long as_of;
    int64_t id;
    const tally_obs *o;
    size_t idx; /* into the caller's array */
} ent;

/* What the comparisons need, per position of the order by content. */
typedef struct rec {
    double v, vh;   /* the representative value; the high end of a range */
    double pv, pvh; /* their precisions (7,000: 1,000; 6,700: 100) */
    double caliber;
    long as_of;
    long src;     /* interned named source, or -1 for a relay ("author", an outlet, none) */
    size_t group; /* the series: supplier, recipient, unit, kind */
    uint32_t items;
    bool range; /* both ends given */
    bool loose; /* about, more-than, at-least, up-to: rounding applies */
} rec;

/* An observation in one of the other orders of a series. */
typedef struct dent {
    size_t group;
    long src; /* the named source's rank, -1 for relays; 0 for all when not by source */
    long as_of;
    double v;
    size_t p; /* position in the order by content */
} dent;

/* A table of interned strings (units exactly, sources case-insensitively),
 * open addressing. */
typedef struct intern {
    const char **key;
    uint64_t *hash;
    uint32_t *id;
    size_t cap, n;
    bool fold; /* ASCII case-insensitive */
} intern;

/* A member, to list clusters earliest stated first. */
typedef struct ment {
    long stated;
    int64_t id;
    size_t idx;
} ment;

static const char *str_or_empty(const char *s)
{
    return s != NULL ? s : "";
}

/* ASCII case-insensitive comparison (bytes from 0x80 up compare as they are). */
static int ascii_casecmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    for (;; x++, y++) {
        unsigned char cx = tally_to_lower(*x), cy = tally_to_lower(*y);
        if (cx != cy || cx == '\0')
            return (int)cx - (int)cy;
    }
}

/* A relay repeats a named source: the author, an outlet, no one named, or a
 * description of a country's government ("Seoul"), which repeats a named
 * source of that country only. */
static bool is_relay(const tally_obs *o)
{
    return o->source == NULL || o->source[0] == '\0' || ascii_casecmp(o->source, "author") == 0 ||
           (o->source_kind != NULL && ascii_casecmp(o->source_kind, "outlet") == 0) ||
           o->descriptive;
}

/* The country a named source speaks for (its identity's, else its own). */
static const char *named_country(const tally_obs *o)
{
    return o->identity_kind != NULL ? o->identity_country : o->source_country;
}

#define CMP(a, b)                                                                                  \
    do {                                                                                           \
        if ((a) < (b))                                                                             \
            return -1;                                                                             \
        if ((a) > (b))                                                                             \
            return 1;                                                                              \
    } while (0)

/* A country code (up to three bytes before the NUL) as a number that sorts
 * like the string. */
static uint64_t code3_key(const char c[4])
{
    uint64_t k = 0;
    size_t i = 0;
    for (; i < 3 && c[i] != '\0'; i++)
        k = k << 8 | (unsigned char)c[i];
    return k << (8 * (3 - i));
}

static int cmp_ent(const void *pa, const void *pb)
{
    const ent *ea = pa, *eb = pb;
    CMP(ea->series, eb->series);
    CMP(ea->unit, eb->unit);
    CMP(ea->v, eb->v);
    CMP(ea->as_of, eb->as_of);
    CMP(ea->id, eb->id);
    /* ties of id: the rest of the content, then the input order */
    const tally_obs *a = ea->o, *b = eb->o;
    int c;
    CMP(a->stated, b->stated);
    CMP(a->has_high, b->has_high);
    CMP(a->high, b->high);
    CMP(a->qualifier, b->qualifier);
    CMP(a->items, b->items);
    CMP(a->caliber_mm, b->caliber_mm);
    CMP(a->curated, b->curated);
    c = strcmp(str_or_empty(a->source), str_or_empty(b->source));
    if (c != 0)
        return c;
    CMP(ea->idx, eb->idx);
    return 0;
}

static int cmp_dent_date(const void *pa, const void *pb)
{
    const dent *a = pa, *b = pb;
    CMP(a->group, b->group);
    CMP(a->src, b->src);
    CMP(a->as_of, b->as_of);
    CMP(a->v, b->v);
    CMP(a->p, b->p);
    return 0;
}

static int cmp_dent_value(const void *pa, const void *pb)
{
    const dent *a = pa, *b = pb;
    CMP(a->group, b->group);
    CMP(a->src, b->src);
    CMP(a->v, b->v);
    CMP(a->as_of, b->as_of);
    CMP(a->p, b->p);
    return 0;
}

#define ENT_LESS(a, b) (cmp_ent((a), (b)) < 0)
#define DENT_DATE_LESS(a, b) (cmp_dent_date((a), (b)) < 0)
#define DENT_VALUE_LESS(a, b) (cmp_dent_value((a), (b)) < 0)
ESTIMATE_SORT(sort_ent, ent, ENT_LESS)
ESTIMATE_SORT(sort_dent_date, dent, DENT_DATE_LESS)
ESTIMATE_SORT(sort_dent_value, dent, DENT_VALUE_LESS)

static int cmp_str_ptr(const void *pa, const void *pb)
{
    const char *const *a = pa, *const *b = pb;
    return strcmp(*a, *b);
}

static int cmp_str_ptr_fold(const void *pa, const void *pb)
{
    const char *const *a = pa, *const *b = pb;
    return ascii_casecmp(*a, *b);
}

static uint64_t hash_str(const char *s, bool fold)
{
    uint64_t h = 14695981039346656037u; /* FNV-1a */
    for (; *s != '\0'; s++) {
        h ^= fold ? tally_to_lower((unsigned char)*s) : (unsigned char)*s;
        h *= 1099511628211u;
    }
    return h;
}

static void intern_init(intern *t, bool fold)
{
    t->cap = 64;
    t->n = 0;
    t->fold = fold;
    t->key = tally_xcalloc(t->cap, sizeof *t->key);
    t->hash = tally_xcalloc(t->cap, sizeof *t->hash);
    t->id = tally_xcalloc(t->cap, sizeof *t->id);
}

static void intern_free(intern *t)
{
    free(t->key);
    free(t->hash);
    free(t->id);
}

static void intern_place(intern *t, const char *key, uint64_t h, uint32_t id)
{
    size_t i = (size_t)h & (t->cap - 1);
    while (t->key[i] != NULL)
        i = (i + 1) & (t->cap - 1);
    t->key[i] = key;
    t->hash[i] = h;
    t->id[i] = id;
}

/* The slot of `s` with hash `h`: where it is, or the empty slot where it goes. */
static size_t intern_slot(const intern *t, const char *s, uint64_t h)
{
    size_t i = (size_t)h & (t->cap - 1);
    for (; t->key[i] != NULL; i = (i + 1) & (t->cap - 1)) {
        if (t->hash[i] == h && (t->fold ? ascii_casecmp(t->key[i], s) : strcmp(t->key[i], s)) == 0)
            break;
    }
    return i;
}

/* The id of `s`, which is in the table. */
static uint32_t intern_find(const intern *t, const char *s)
{
    return t->id[intern_slot(t, s, hash_str(s, t->fold))];
}

/* The id of `s` (numbered from 0 in order of first appearance). */
static uint32_t intern_get(intern *t, const char *s)
{
    uint64_t h = hash_str(s, t->fold);
    size_t i = intern_slot(t, s, h);
    if (t->key[i] != NULL)
        return t->id[i];
    if (2 * (t->n + 1) > t->cap) {
        intern old = *t;
        t->cap *= 2;
        t->key = tally_xcalloc(t->cap, sizeof *t->key);
        t->hash = tally_xcalloc(t->cap, sizeof *t->hash);
        t->id = tally_xcalloc(t->cap, sizeof *t->id);
        for (size_t k = 0; k < old.cap; k++)
            if (old.key[k] != NULL)
                intern_place(t, old.key[k], old.hash[k], old.id[k]);
        intern_free(&old);
    }
    uint32_t id = (uint32_t)t->n++;
    intern_place(t, s, h, id);
    return id;
}

/* intern_get(t, s), remembered by the address of s in `m` (the
 * observations' strings are mostly interned already: each address is
 * hashed as a string once). */
static uint32_t addr_get(addr_map *m, intern *t, const char *s)
{
    void *got = addr_map_get(m, s);
    if (got != NULL)
        return (uint32_t)((uintptr_t)got - 1);
    uint32_t id = intern_get(t, s);
    addr_map_put(m, s, (void *)((uintptr_t)id + 1));
    return id;
}

static int cmp_ment(const void *pa, const void *pb)
{
    const ment *a = pa, *b = pb;
    CMP(a->stated, b->stated);
    CMP(a->id, b->id);
    CMP(a->idx, b->idx);
    return 0;
}

#define MENT_LESS(a, b) (cmp_ment((a), (b)) < 0)
ESTIMATE_SORT(sort_ment, ment, MENT_LESS)

/* The precision of a figure: the power of ten of its last significant digit
 * (7,000: 1,000; 6,700: 100; 1.5: 0.1), between 1e-6 and 1e15. */
static double precision(double v)
{
    static const double pow10[] = {1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1e0, 1e1,
                                   1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8, 1e9,
                                   1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
    v = fabs(v);
    if (!(v > 0) || !isfinite(v))
        return 1;
    for (size_t k = sizeof pow10 / sizeof pow10[0]; k-- > 0;) {
        if (pow10[k] > v * (1 + 1e-9))
            continue;
        double q = v / pow10[k];
        if (fabs(q - round(q)) <= 1e-9 * q)
            return pow10[k];
    }
    return pow10[0];
}

#define ROUNDING_GAP 0.25
/* Figures within this of each other (relative to the larger) agree. */
#define DEFAULT_TOL 0.05

/* Whether two values (with their precisions) state the same figure. */
static bool value_agree(double a, double pa, double b, double pb, bool loose, double tol)
{
    double m = fmax(fabs(a), fabs(b));
    if (fabs(a - b) <= tol * m + 1e-9 * m)
        return true;
    /* rounding explains a gap of a quarter at most: "about 10,000" is an
     * echo of 9,000, not of 6,000 */
    if (!loose || fabs(a - b) > ROUNDING_GAP * m)
        return false;
    double p = fmax(pa, pb);
    return round(a / p) == round(b / p);
}

bool cluster_figures_agree(double a, double b, bool loose)
{
    return value_agree(a, precision(a), b, precision(b), loose, DEFAULT_TOL);
}

static bool days_agree(long a, long b, long days)
{
    if (a == LONG_MIN || b == LONG_MIN)
        return a == b;
    return (a > b ? (unsigned long)a - (unsigned long)b : (unsigned long)b - (unsigned long)a) <=
           (unsigned long)days;
}

/* Whether two observations of one series are echoes of each other (the
 * sources aside, which the union-find checks too). */
static bool agree(const rec *a, const rec *b, double tol, long days)
{
    if (a->src >= 0 && b->src >= 0 && a->src != b->src)
        return false;
    if ((a->items & b->items) == 0 && (a->items | b->items) != 0)
        return false;
    if (a->caliber > 0 && b->caliber > 0 && fabs(a->caliber - b->caliber) > 1e-9)
        return false;
    if (a->range != b->range || !days_agree(a->as_of, b->as_of, days))
        return false;
    bool loose = a->loose || b->loose;
    if (!value_agree(a->v, a->pv, b->v, b->pv, loose, tol))
        return false;
    return !a->range || value_agree(a->vh, a->pvh, b->vh, b->pvh, loose, tol);
}

/* Union-find over positions; a root's label is the named source of its set,
 * `own` that source's country, `need` the country its descriptive relays
 * require (0: none). */
typedef struct uf {
    size_t *parent;
    size_t *size;
    long *label;
    uint64_t *own, *need;
} uf;

static size_t uf_find(uf *u, size_t x)
{
    size_t r = x;
    while (u->parent[r] != r)
        r = u->parent[r];
    while (u->parent[x] != r) {
        size_t next = u->parent[x];
        u->parent[x] = r;
        x = next;
    }
    return r;
}

static void uf_union(uf *u, size_t a, size_t b)
{
    size_t ra = uf_find(u, a), rb = uf_find(u, b);
    if (ra == rb)
        return;
    long la = u->label[ra], lb = u->label[rb];
    if (la >= 0 && lb >= 0 && la != lb)
        return; /* two named sources never share a cluster */
    uint64_t na = u->own[ra], nb = u->own[rb], ca = u->need[ra], cb = u->need[rb];
    /* a description of one country's government repeats only that country's sources */
    if ((ca != 0 && cb != 0 && ca != cb) || (ca != 0 && lb >= 0 && nb != ca) ||
        (cb != 0 && la >= 0 && na != cb))
        return;
    if (u->size[ra] < u->size[rb] || (u->size[ra] == u->size[rb] && rb < ra)) {
        size_t t = ra;
        ra = rb;
        rb = t;
    }
    u->parent[rb] = ra;
    u->size[ra] += u->size[rb];
    u->label[ra] = la >= 0 ? la : lb;
    u->own[ra] = la >= 0 ? na : nb;
    u->need[ra] = ca != 0 ? ca : cb;
}

/* The pass a pair belongs to: 0 both named, 1 a relay and a named source,
 * 2 both relays. */
static int pass_of(const rec *a, const rec *b)
{
    return (a->src < 0) + (b->src < 0);
}

/* The largest value that can agree with `v` (values ascend in the order by
 * content), or INFINITY when there is no bound. */
static double value_limit(double v, double tol)
{
    if (!(v > 0) || tol >= 1)
        return INFINITY;
    /* rounding: b rounds to a (b < 1.5 a) or a to b (a >= b / 2) */
    return fmax(2 * v, v / (1 - tol)) * (1 + 1e-9);
}

/* Joins the agreeing pairs of pass `pass` among the next WINDOW neighbours
 * of each observation in `r` (the records in one order); `pos` maps to
 * positions in the order by content (NULL: the same). `by_value` and
 * `by_source` say which order it is, to stop early. */
static void join_window(uf *u, const rec *r, const size_t *pos, size_t n, int pass, bool by_value,
                        bool by_source, double tol, long days)
{
    for (size_t p = 0; p < n; p++) {
        const rec *a = &r[p];
        if ((pass == 0 && a->src < 0) || (pass == 2 && a->src >= 0))
            continue;
        double limit = by_value ? value_limit(a->v, tol) : INFINITY;
        for (size_t q = p + 1; q < n && q <= p + WINDOW; q++) {
            const rec *b = &r[q];
            if (b->group != a->group || (by_source && b->src != a->src) || b->v > limit ||
                (!by_value && !days_agree(a->as_of, b->as_of, days)))
                break;
            if (pass_of(a, b) == pass && agree(a, b, tol, days))
                uf_union(u, pos != NULL ? pos[p] : p, pos != NULL ? pos[q] : q);
        }
    }
}

/* The positions of `r` (in the order by content) in another order: by
 * series, then by source when `by_source`, then by value or by date.
 * `scratch` holds 2 n dents. */
static size_t *other_order(const rec *r, size_t n, bool by_value, bool by_source, void *scratch)
{
    dent *d = scratch;
    for (size_t p = 0; p < n; p++)
        d[p] = (dent){r[p].group, by_source ? r[p].src : 0, r[p].as_of, r[p].v, p};
    if (by_value)
        sort_dent_value(d, n, d + n);
    else
        sort_dent_date(d, n, d + n);
    size_t *pos = big_malloc(n * sizeof *pos);
    for (size_t k = 0; k < n; k++)
        pos[k] = d[k].p;
    return pos;
}

/* join_window over the order `pos` (NULL: the order by content). */
static void join_order(uf *u, const rec *r, rec *rc, const size_t *pos, size_t n, int pass,
                       bool by_value, bool by_source, double tol, long days)
{
    if (pos == NULL) {
        join_window(u, r, NULL, n, pass, by_value, by_source, tol, days);
        return;
    }
    /* a copy in that order (into `rc`, one buffer for every order: fresh
     * memory costs a page fault a page), so that the window reads memory in
     * sequence */
    for (size_t k = 0; k < n; k++)
        rc[k] = r[pos[k]];
    join_window(u, rc, pos, n, pass, by_value, by_source, tol, days);
}

/* Ranks of the distinct strings of `t` in the order of `cmp`, indexed by
 * their ids. */
static uint32_t *intern_ranks(const intern *t, int (*cmp)(const void *, const void *))
{
    const char **names = tally_xcalloc(t->n, sizeof *names);
    for (size_t k = 0, j = 0; k < t->cap; k++)
        if (t->key[k] != NULL)
            names[j++] = t->key[k];
    qsort(names, t->n, sizeof *names, cmp);
    uint32_t *rank = tally_xcalloc(t->n, sizeof *rank);
    for (size_t k = 0; k < t->n; k++)
        rank[intern_find(t, names[k])] = (uint32_t)k;
    free(names);
    return rank;
}

/* Clusters the observations obs[at[0]], ..., obs[at[n - 1]] (at ascending;
 * NULL: obs[0, n)) into *out, whose members are indexes into obs: what
 * tally_cluster_obs does for all of them, for a set that holds every claim
 * of its groups (pair of states, kind and unit: clusters never join two). */
static void cluster_some(const tally_obs *all, const size_t *at, size_t n, double tol,
                         long win_days, tally_clusters *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return;
#define OBS(i) (&all[at != NULL ? at[i] : (i)])

    /* one scratch area for every sort and copy in turn (fresh memory costs
     * a page fault a page): two of the largest of what goes there */
    size_t most = sizeof(ent) > sizeof(dent) ? sizeof(ent) : sizeof(dent);
    most = most > sizeof(ment) ? most : sizeof(ment);
    most = most > sizeof(rec) / 2 + 1 ? most : sizeof(rec) / 2 + 1;
    void *scratch = big_malloc(2 * n * most);

    /* the order by content; units ranked by strcmp so that the order does
     * not depend on the input's */
    intern units;
    intern_init(&units, false);
    addr_map unit_addr = {0};
    ent *e = scratch;
    /* what the comparisons and the union-find read of each observation,
     * taken here in the input's order (memory order) and moved into the
     * sorted order below: read from the observations in the sorted order,
     * each field would cost a cache miss */
    rec *rin = big_malloc(n * sizeof *rin);
    uint64_t(*country)[2] = big_malloc(n * sizeof *country); /* uf's own, need */
    for (size_t i = 0; i < n; i++) {
        const tally_obs *o = OBS(i);
        e[i] = (ent){code3_key(o->supplier) << 32 | code3_key(o->recipient) << 8 |
                         (uint64_t)(unsigned)o->kind,
                     addr_get(&unit_addr, &units, str_or_empty(o->unit)),
                     o->has_low ? o->low : o->high,
                     o->as_of,
                     o->id,
                     o,
                     i};
        rec *x = &rin[i];
        memset(x, 0, sizeof *x);
        x->v = e[i].v;
        x->range = o->has_low && o->has_high;
        x->vh = x->range ? o->high : 0;
        x->pv = precision(x->v);
        x->pvh = precision(x->vh);
        x->caliber = o->caliber_mm;
        x->as_of = o->as_of;
        x->items = o->items;
        x->loose = o->qualifier == TALLY_Q_ABOUT || o->qualifier == TALLY_Q_MORE_THAN ||
                   o->qualifier == TALLY_Q_AT_LEAST || o->qualifier == TALLY_Q_UP_TO;
        /* the country of a named source, and the one a description requires */
        x->src = is_relay(o) ? -1 : 0; /* named: its rank below */
        country[i][0] = x->src < 0 ? 0 : code3_key(named_country(o));
        country[i][1] = o->descriptive ? code3_key(o->source_country) : 0;
    }
    uint32_t *rank = intern_ranks(&units, cmp_str_ptr);
    intern_free(&units);
    addr_map_free(&unit_addr);
    for (size_t i = 0; i < n; i++)
        e[i].unit = rank[e[i].unit];
    free(rank);
    sort_ent(e, n, e + n);

    /* named sources, interned case-insensitively and ranked likewise */
    long *src = big_calloc(n, sizeof *src);
    intern names;
    intern_init(&names, true);
    addr_map name_addr = {0};
    for (size_t i = 0; i < n; i++)
        src[i] = rin[i].src < 0 ? -1 : (long)addr_get(&name_addr, &names, obs_identity(OBS(i)));
    uint32_t *src_rank = intern_ranks(&names, cmp_str_ptr_fold);
    intern_free(&names);
    addr_map_free(&name_addr);
    for (size_t i = 0; i < n; i++)
        if (src[i] >= 0)
            src[i] = src_rank[src[i]];
    free(src_rank);

    rec *r = big_malloc(n * sizeof *r);
    size_t *idx_of = big_malloc(n * sizeof *idx_of);
    uf u = {big_malloc(n * sizeof(size_t)), big_malloc(n * sizeof(size_t)),
            big_malloc(n * sizeof(long)), big_malloc(n * sizeof(uint64_t)),
            big_malloc(n * sizeof(uint64_t))};
    size_t group = 0;
    for (size_t p = 0; p < n; p++) {
        size_t i = e[p].idx;
        if (p > 0 && (e[p].series != e[p - 1].series || e[p].unit != e[p - 1].unit))
            group++;
        r[p] = rin[i];
        r[p].src = src[i];
        r[p].group = group;
        idx_of[p] = i;
        u.parent[p] = p;
        u.size[p] = 1;
        u.label[p] = r[p].src;
        u.own[p] = country[i][0];
        u.need[p] = country[i][1];
    }
    free(rin);
    free(country);
    /* same source (named, then relays among themselves) in orders by source;
     * a relay and a named source in orders of the whole series */
    size_t *sv = other_order(r, n, true, true, scratch);
    size_t *sd = other_order(r, n, false, true, scratch);
    rec *rc = scratch; /* refilled by each join_order */
    join_order(&u, r, rc, sv, n, 0, true, true, tol, win_days);
    join_order(&u, r, rc, sd, n, 0, false, true, tol, win_days);
    size_t n_relays = 0;
    for (size_t p = 0; p < n; p++)
        n_relays += r[p].src < 0;
    if (n_relays > 0) { /* the passes with a relay: none to make without one */
        size_t *md = other_order(r, n, false, false, scratch);
        join_order(&u, r, rc, NULL, n, 1, true, false, tol, win_days);
        join_order(&u, r, rc, md, n, 1, false, false, tol, win_days);
        free(md);
        join_order(&u, r, rc, sv, n, 2, true, true, tol, win_days);
        join_order(&u, r, rc, sd, n, 2, false, true, tol, win_days);
    }
    free(sv);
    free(sd);
    free(r);

    /* root of each observation, by its index */
    size_t *root = big_calloc(n, sizeof *root);
    for (size_t p = 0; p < n; p++)
        root[idx_of[p]] = uf_find(&u, p);
    free(idx_of);
    free(u.parent);
    free(u.size);
    free(u.label);
    free(u.own);
    free(u.need);

    /* clusters in order of their earliest member, members earliest first */
    ment *m = scratch;
    for (size_t i = 0; i < n; i++)
        m[i] = (ment){OBS(i)->stated, OBS(i)->id, i};
    sort_ment(m, n, m + n);
    size_t *cid = big_malloc(n * sizeof *cid); /* by root position */
    for (size_t p = 0; p < n; p++)
        cid[p] = SIZE_MAX;
    size_t n_clusters = 0;
    for (size_t k = 0; k < n; k++) {
        size_t *c = &cid[root[m[k].idx]];
        if (*c == SIZE_MAX)
            *c = n_clusters++;
    }
    out->v = big_calloc(n_clusters, sizeof *out->v);
    out->n = n_clusters;
    out->index = big_calloc(n, sizeof *out->index);
    for (size_t i = 0; i < n; i++)
        out->v[cid[root[i]]].n_members++;
    size_t off = 0;
    for (size_t c = 0; c < n_clusters; c++) {
        out->v[c].members = out->index + off;
        off += out->v[c].n_members;
        out->v[c].n_members = 0;
    }
    for (size_t k = 0; k < n; k++) {
        size_t i = m[k].idx;
        tally_cluster *c = &out->v[cid[root[i]]];
        c->members[c->n_members++] = i;
    }
    free(scratch);
    free(cid);
    free(root);

    /* the lead: a named source, then curated, then the earliest stated */
    for (size_t c = 0; c < n_clusters; c++) {
        tally_cluster *cl = &out->v[c];
        int best = -1;
        for (size_t k = 0; k < cl->n_members; k++) {
            size_t i = cl->members[k];
            int score = 2 * (src[i] >= 0) + (OBS(i)->curated ? 1 : 0);
            if (score > best) {
                best = score;
                cl->lead = i;
            }
        }
    }
    free(src);
    /* members and leads as indexes into `all` */
    for (size_t k = 0; at != NULL && k < n; k++)
        out->index[k] = at[out->index[k]];
    for (size_t c = 0; at != NULL && c < n_clusters; c++)
        out->v[c].lead = at[out->v[c].lead];
#undef OBS
}

/* A large set is clustered in parts on several threads: its groups (a pair
 * of states, a kind and a unit: what join_window compares within, never
 * across) spread over as many parts as there are processors (at most
 * CLUSTER_PARTS), each part clustered alone (no cluster joins two groups,
 * and within a group nothing depends on the rest: the orders, ranks and
 * joins of a group's claims are the same in any set holding them all),
 * then the parts' clusters merged in the order of their earliest members,
 * as one clustering orders them. Groups, not pairs: one pair can hold most
 * of a set (North Korea's of Russia's claims), and the part holding it
 * would be left working alone. */
enum { CLUSTER_SPLIT_MIN = 100000, CLUSTER_PARTS = 8 };

/* What the merge orders a part's cluster by: its earliest member's. */
typedef struct cluster_head {
    long stated;
    int64_t id;
    size_t first; /* the member's index */
} cluster_head;

typedef struct cluster_part {
    const tally_obs *all;
    size_t *at, n;
    double tol;
    long days;
    tally_clusters out;
    cluster_head *heads; /* of out's clusters, in order: read in sequence by the merge */
    size_t next;         /* the merge's next cluster */
} cluster_part;

static void *cluster_part_run(void *arg)
{
    cluster_part *p = arg;
    cluster_some(p->all, p->at, p->n, p->tol, p->days, &p->out);
    p->heads = tally_xmalloc((p->out.n ? p->out.n : 1) * sizeof *p->heads);
    for (size_t c = 0; c < p->out.n; c++) {
        size_t first = p->out.v[c].members[0];
        p->heads[c] = (cluster_head){p->all[first].stated, p->all[first].id, first};
    }
    return NULL;
}

/* Whether cluster a goes before cluster b (of different parts): by their
 * earliest members, stated, then id, then index. */
static bool earlier(const cluster_head *a, const cluster_head *b)
{
    if (a->stated != b->stated)
        return a->stated < b->stated;
    if (a->id != b->id)
        return a->id < b->id;
    return a->first < b->first;
}

/* A group (its key) and how many observations it has, to spread groups
 * over parts. */
typedef struct group_count {
    uint64_t key;
    size_t n, part;
} group_count;

/* The key of an observation's group: a hash of its pair of states, kind
 * and unit (by content). Two groups of one key go to one part, which is
 * as good: only one group in two parts would not be. */
static uint64_t group_key(const tally_obs *o)
{
    uint64_t h =
        (code3_key(o->supplier) << 24 | code3_key(o->recipient)) << 8 | (uint64_t)(unsigned)o->kind;
    h *= 0x9E3779B97F4A7C15u;
    for (const char *u = str_or_empty(o->unit); *u != '\0'; u++)
        h = (h ^ (unsigned char)*u) * 0x100000001b3u;
    return h;
}

static int cmp_group_count(const void *a, const void *b)
{
    const group_count *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return (x->key > y->key) - (x->key < y->key);
}

/* The groups of a set and their counts: open addressing on the key (a few
 * thousand groups for a million observations; counting them so costs a
 * probe an observation where sorting the keys cost a comparison callback
 * ~20 times an observation). */
typedef struct group_table {
    group_count *slot;
    bool *used;
    size_t cap, n;
} group_table;

static size_t group_slot(const group_table *t, uint64_t key)
{
    size_t j = (size_t)(key * 0x9E3779B97F4A7C15u >> 17) & (t->cap - 1);
    while (t->used[j] && t->slot[j].key != key)
        j = (j + 1) & (t->cap - 1);
    return j;
}

static void group_add(group_table *t, uint64_t key)
{
    if (2 * (t->n + 1) > t->cap) {
        group_table grown = {tally_xcalloc(2 * t->cap, sizeof *t->slot),
                             tally_xcalloc(2 * t->cap, sizeof *t->used), 2 * t->cap, t->n};
        for (size_t i = 0; i < t->cap; i++)
            if (t->used[i]) {
                size_t j = group_slot(&grown, t->slot[i].key);
                grown.slot[j] = t->slot[i];
                grown.used[j] = true;
            }
        free(t->slot);
        free(t->used);
        *t = grown;
    }
    size_t j = group_slot(t, key);
    if (!t->used[j]) {
        t->used[j] = true;
        t->slot[j] = (group_count){key, 0, 0};
        t->n++;
    }
    t->slot[j].n++;
}

/* The parts of obs[0, n), by group; how many (1: do it whole). */
static size_t split_by_group(const tally_obs *obs, size_t n, size_t want, cluster_part *parts)
{
    group_table t = {tally_xcalloc(1024, sizeof(group_count)), tally_xcalloc(1024, sizeof(bool)),
                     1024, 0};
    /* each observation's key, kept: the second pass reads no observation */
    uint64_t *keys = big_malloc((n ? n : 1) * sizeof *keys);
    for (size_t i = 0; i < n; i++)
        group_add(&t, keys[i] = group_key(&obs[i]));
    size_t n_groups = t.n;
    if (n_groups < 2) {
        free(keys);
        free(t.slot);
        free(t.used);
        return 1;
    }
    /* the largest groups first (ties by key: a total order), each to the
     * part with the fewest so far */
    group_count *pc = tally_xmalloc(n_groups * sizeof *pc);
    for (size_t i = 0, k = 0; i < t.cap; i++)
        if (t.used[i])
            pc[k++] = t.slot[i];
    qsort(pc, n_groups, sizeof *pc, cmp_group_count);
    size_t load[CLUSTER_PARTS] = {0};
    for (size_t k = 0; k < n_groups; k++) {
        size_t best = 0;
        for (size_t p = 1; p < want; p++)
            if (load[p] < load[best])
                best = p;
        t.slot[group_slot(&t, pc[k].key)].part = best;
        load[best] += pc[k].n;
    }
    for (size_t p = 0; p < want; p++) {
        parts[p].at = big_malloc((load[p] ? load[p] : 1) * sizeof *parts[p].at);
        parts[p].n = 0;
    }
    for (size_t i = 0; i < n; i++) {
        cluster_part *part = &parts[t.slot[group_slot(&t, keys[i])].part];
        part->at[part->n++] = i;
    }
    free(keys);
    free(pc);
    free(t.slot);
    free(t.used);
    return want;
}

int tally_cluster_obs(const tally_obs *obs, size_t n, double rel_tol, long days,
                      tally_clusters *out)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t want = n < CLUSTER_SPLIT_MIN || cpus < 2 ? 1 : (size_t)cpus;
    return cluster_obs_parts(obs, n, rel_tol, days, want, out);
}

int cluster_obs_parts(const tally_obs *obs, size_t n, double rel_tol, long days, size_t want,
                      tally_clusters *out)
{
    double tol = rel_tol > 0 ? rel_tol : DEFAULT_TOL;
    long win_days = days > 0 ? days : 45;
    want = want > CLUSTER_PARTS ? CLUSTER_PARTS : want;
    cluster_part parts[CLUSTER_PARTS];
    memset(parts, 0, sizeof parts);
    size_t n_parts = want > 1 ? split_by_group(obs, n, want, parts) : 1;
    if (n_parts == 1) {
        cluster_some(obs, NULL, n, tol, win_days, out);
        return 0;
    }
    pthread_t threads[CLUSTER_PARTS];
    size_t started = 0;
    for (size_t p = 0; p < n_parts; p++) {
        parts[p].all = obs;
        parts[p].tol = tol;
        parts[p].days = win_days;
    }
    for (size_t p = 1; p < n_parts; p++)
        if (pthread_create(&threads[started], NULL, cluster_part_run, &parts[p]) == 0)
            started++;
        else
            break;
    cluster_part_run(&parts[0]);
    for (size_t p = 1 + started; p < n_parts; p++) /* those no thread took */
        cluster_part_run(&parts[p]);
    for (size_t k = 0; k < started; k++)
        pthread_join(threads[k], NULL);
    /* the parts' clusters merged by their earliest members */
    size_t n_clusters = 0;
    for (size_t p = 0; p < n_parts; p++)
        n_clusters += parts[p].out.n;
    memset(out, 0, sizeof *out);
    out->v = tally_xcalloc(n_clusters ? n_clusters : 1, sizeof *out->v);
    out->index = big_malloc((n ? n : 1) * sizeof *out->index);
    out->n = n_clusters;
    size_t off = 0;
    for (size_t c = 0; c < n_clusters; c++) {
        size_t from = SIZE_MAX;
        for (size_t p = 0; p < n_parts; p++)
            if (parts[p].next < parts[p].out.n &&
                (from == SIZE_MAX ||
                 earlier(&parts[p].heads[parts[p].next], &parts[from].heads[parts[from].next])))
                from = p;
        const tally_cluster *k = &parts[from].out.v[parts[from].next++];
        tally_cluster *to = &out->v[c];
        to->members = out->index + off;
        to->n_members = k->n_members;
        to->lead = k->lead;
        memcpy(to->members, k->members, k->n_members * sizeof *k->members);
        off += k->n_members;
    }
    for (size_t p = 0; p < n_parts; p++) {
        tally_clusters_free(&parts[p].out);
        free(parts[p].heads);
        free(parts[p].at);
    }
    return 0;
}

void tally_clusters_free(tally_clusters *c)
{
    if (c == NULL)
        return;
    free(c->v);
    free(c->index);
    c->v = NULL;
    c->index = NULL;
    c->n = 0;
}
