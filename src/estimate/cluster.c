/* Echo clusters (stage 4): claims that restate one original assertion are
 * grouped so that they count once. The rules are in include/tally/estimate.h
 * at tally_cluster_obs; this file says how they are applied at scale.
 *
 * The observations are sorted by (supplier, recipient, unit, kind, value,
 * as_of, id, ...), a total order on their content, so the result does not
 * depend on the order of the input. A series (one supplier, recipient, unit
 * and kind) is a run of that order. Each observation is compared with the
 * next WINDOW ones of its series in two orders: by value (then as_of), and
 * by as_of (then value); agreeing pairs are joined in a union-find whose
 * roots remember the one named source of their set, so a relay never joins
 * two named sources. The pairs are joined in three passes (named with the
 * same name, then a relay with a named source, then relays with each
 * other), so that relays attach to the nearest named claim before they
 * chain among themselves. O(n log n) for the sorts, O(n * WINDOW) for the
 * rest. */
#include "tally/estimate.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tally/mem.h"

/* How many neighbours in each order an observation is compared with. */
enum { WINDOW = 48 };

/* An observation in the order by content. */
typedef struct ent {
    const tally_obs *o;
    size_t idx; /* into the caller's array */
    double v;   /* the representative value: low when has_low, else high */
} ent;

/* What the comparisons need, per position of the order by content. */
typedef struct rec {
    double v, vh;   /* the representative value; the high end of a range */
    double pv, pvh; /* their precisions (7,000: 1,000; 6,700: 100) */
    double caliber;
    long as_of;
    long src; /* interned named source, or -1 for a relay ("author", an outlet, none) */
    size_t group; /* the series: supplier, recipient, unit, kind */
    uint32_t items;
    bool range; /* both ends given */
    bool loose; /* about, more-than, at-least, up-to: rounding applies */
} rec;

/* An observation in the order by date within its series. */
typedef struct dent {
    size_t group;
    long as_of;
    double v;
    size_t p; /* position in the order by content */
} dent;

/* A named source, to intern case-insensitively. */
typedef struct sname {
    const char *name;
    size_t idx;
} sname;

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

static unsigned char ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* ASCII case-insensitive comparison (bytes from 0x80 up compare as they are). */
static int ascii_casecmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    for (;; x++, y++) {
        unsigned char cx = ascii_lower(*x), cy = ascii_lower(*y);
        if (cx != cy || cx == '\0')
            return (int)cx - (int)cy;
    }
}

static bool is_relay(const tally_obs *o)
{
    return o->source == NULL || o->source[0] == '\0' || ascii_casecmp(o->source, "author") == 0 ||
           (o->source_kind != NULL && ascii_casecmp(o->source_kind, "outlet") == 0);
}

#define CMP(a, b)                                                                                  \
    do {                                                                                           \
        if ((a) < (b))                                                                             \
            return -1;                                                                             \
        if ((a) > (b))                                                                             \
            return 1;                                                                              \
    } while (0)

static int code3_cmp(const char a[4], const char b[4])
{
    return strncmp(a, b, 4);
}

static int cmp_ent(const void *pa, const void *pb)
{
    const ent *ea = pa, *eb = pb;
    const tally_obs *a = ea->o, *b = eb->o;
    int c = code3_cmp(a->supplier, b->supplier);
    if (c == 0)
        c = code3_cmp(a->recipient, b->recipient);
    if (c == 0)
        c = strcmp(str_or_empty(a->unit), str_or_empty(b->unit));
    if (c != 0)
        return c;
    CMP(a->kind, b->kind);
    CMP(ea->v, eb->v);
    CMP(a->as_of, b->as_of);
    CMP(a->id, b->id);
    /* ties of id: the rest of the content, then the input order */
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

static int cmp_dent(const void *pa, const void *pb)
{
    const dent *a = pa, *b = pb;
    CMP(a->group, b->group);
    CMP(a->as_of, b->as_of);
    CMP(a->v, b->v);
    CMP(a->p, b->p);
    return 0;
}

static int cmp_sname(const void *pa, const void *pb)
{
    const sname *a = pa, *b = pb;
    return ascii_casecmp(a->name, b->name);
}

static int cmp_ment(const void *pa, const void *pb)
{
    const ment *a = pa, *b = pb;
    CMP(a->stated, b->stated);
    CMP(a->id, b->id);
    CMP(a->idx, b->idx);
    return 0;
}

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

/* Whether two values (with their precisions) state the same figure. */
static bool value_agree(double a, double pa, double b, double pb, bool loose, double tol)
{
    double m = fmax(fabs(a), fabs(b));
    if (fabs(a - b) <= tol * m + 1e-9 * m)
        return true;
    if (!loose)
        return false;
    double p = fmax(pa, pb);
    return round(a / p) == round(b / p);
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

/* Union-find over positions; a root's label is the named source of its set. */
typedef struct uf {
    size_t *parent;
    size_t *size;
    long *label;
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
    if (u->size[ra] < u->size[rb] || (u->size[ra] == u->size[rb] && rb < ra)) {
        size_t t = ra;
        ra = rb;
        rb = t;
    }
    u->parent[rb] = ra;
    u->size[ra] += u->size[rb];
    u->label[ra] = la >= 0 ? la : lb;
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

int tally_cluster_obs(const tally_obs *obs, size_t n, double rel_tol, long days,
                      tally_clusters *out)
{
    double tol = rel_tol > 0 ? rel_tol : 0.05;
    long win_days = days > 0 ? days : 45;
    memset(out, 0, sizeof *out);
    if (n == 0)
        return 0;

    /* the order by content */
    ent *e = tally_xcalloc(n, sizeof *e);
    for (size_t i = 0; i < n; i++) {
        e[i].o = &obs[i];
        e[i].idx = i;
        e[i].v = obs[i].has_low ? obs[i].low : obs[i].high;
    }
    qsort(e, n, sizeof *e, cmp_ent);

    /* named sources, interned case-insensitively */
    long *src = tally_xcalloc(n, sizeof *src);
    sname *names = tally_xcalloc(n, sizeof *names);
    size_t n_names = 0;
    for (size_t i = 0; i < n; i++) {
        src[i] = -1;
        if (!is_relay(&obs[i]))
            names[n_names++] = (sname){obs[i].source, i};
    }
    qsort(names, n_names, sizeof *names, cmp_sname);
    long next_src = -1;
    for (size_t k = 0; k < n_names; k++) {
        if (k == 0 || ascii_casecmp(names[k - 1].name, names[k].name) != 0)
            next_src++;
        src[names[k].idx] = next_src;
    }
    free(names);

    rec *r = tally_xcalloc(n, sizeof *r);
    dent *d = tally_xcalloc(n, sizeof *d);
    size_t group = 0;
    for (size_t p = 0; p < n; p++) {
        const tally_obs *o = e[p].o;
        if (p > 0) {
            const tally_obs *q = e[p - 1].o;
            if (code3_cmp(o->supplier, q->supplier) != 0 ||
                code3_cmp(o->recipient, q->recipient) != 0 ||
                strcmp(str_or_empty(o->unit), str_or_empty(q->unit)) != 0 || o->kind != q->kind)
                group++;
        }
        rec *x = &r[p];
        x->v = e[p].v;
        x->range = o->has_low && o->has_high;
        x->vh = x->range ? o->high : 0;
        x->pv = precision(x->v);
        x->pvh = precision(x->vh);
        x->caliber = o->caliber_mm;
        x->as_of = o->as_of;
        x->src = src[e[p].idx];
        x->group = group;
        x->items = o->items;
        x->loose = o->qualifier == TALLY_Q_ABOUT || o->qualifier == TALLY_Q_MORE_THAN ||
                   o->qualifier == TALLY_Q_AT_LEAST || o->qualifier == TALLY_Q_UP_TO;
        d[p] = (dent){group, o->as_of, x->v, p};
    }
    qsort(d, n, sizeof *d, cmp_dent);

    uf u = {tally_xcalloc(n, sizeof(size_t)), tally_xcalloc(n, sizeof(size_t)),
            tally_xcalloc(n, sizeof(long))};
    for (size_t p = 0; p < n; p++) {
        u.parent[p] = p;
        u.size[p] = 1;
        u.label[p] = r[p].src;
    }
    for (int pass = 0; pass < 3; pass++) {
        for (size_t p = 0; p < n; p++) { /* by value */
            const rec *a = &r[p];
            double limit = value_limit(a->v, tol);
            for (size_t q = p + 1; q < n && q <= p + WINDOW; q++) {
                const rec *b = &r[q];
                if (b->group != a->group || b->v > limit)
                    break;
                if (pass_of(a, b) == pass && agree(a, b, tol, win_days))
                    uf_union(&u, p, q);
            }
        }
        for (size_t k = 0; k < n; k++) { /* by date */
            const rec *a = &r[d[k].p];
            for (size_t m = k + 1; m < n && m <= k + WINDOW; m++) {
                const rec *b = &r[d[m].p];
                if (b->group != a->group || !days_agree(a->as_of, b->as_of, win_days))
                    break;
                if (pass_of(a, b) == pass && agree(a, b, tol, win_days))
                    uf_union(&u, d[k].p, d[m].p);
            }
        }
    }
    free(d);

    /* root of each observation, by its index */
    size_t *root = tally_xcalloc(n, sizeof *root);
    for (size_t p = 0; p < n; p++)
        root[e[p].idx] = uf_find(&u, p);
    free(u.parent);
    free(u.size);
    free(u.label);
    free(r);
    free(e);

    /* clusters in order of their earliest member, members earliest first */
    ment *m = tally_xcalloc(n, sizeof *m);
    for (size_t i = 0; i < n; i++)
        m[i] = (ment){obs[i].stated, obs[i].id, i};
    qsort(m, n, sizeof *m, cmp_ment);
    size_t *cid = tally_xcalloc(n, sizeof *cid); /* by root position */
    for (size_t p = 0; p < n; p++)
        cid[p] = SIZE_MAX;
    size_t n_clusters = 0;
    for (size_t k = 0; k < n; k++) {
        size_t *c = &cid[root[m[k].idx]];
        if (*c == SIZE_MAX)
            *c = n_clusters++;
    }
    out->v = tally_xcalloc(n_clusters, sizeof *out->v);
    out->n = n_clusters;
    out->index = tally_xcalloc(n, sizeof *out->index);
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
    free(m);
    free(cid);
    free(root);

    /* the lead: a named source, then curated, then the earliest stated */
    for (size_t c = 0; c < n_clusters; c++) {
        tally_cluster *cl = &out->v[c];
        int best = -1;
        for (size_t k = 0; k < cl->n_members; k++) {
            size_t i = cl->members[k];
            int score = 2 * (src[i] >= 0) + (obs[i].curated ? 1 : 0);
            if (score > best) {
                best = score;
                cl->lead = i;
            }
        }
    }
    free(src);
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
