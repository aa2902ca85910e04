/* Tests of echo clusters (src/estimate/cluster.c). */
#include "tally/estimate.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "estimate_int.h"
#include "harness.h"

/* A claim of North Korean munitions to Russia, in containers, a transfer. */
static tally_obs obs(int64_t id, const char *source, const char *source_kind, double low,
                     tally_qualifier q, long as_of)
{
    tally_obs o;
    memset(&o, 0, sizeof o);
    o.id = id;
    o.doc_id = id;
    o.doc = "doc";
    o.source = source;
    o.source_kind = source_kind;
    o.kind = TALLY_KIND_TRANSFER;
    memcpy(o.supplier, "PRK", 4);
    memcpy(o.recipient, "RUS", 4);
    o.items = TALLY_ITEM_MUNITIONS;
    o.unit = "container";
    o.has_low = true;
    o.low = low;
    o.qualifier = q;
    o.as_of = as_of;
    o.stated = as_of;
    return o;
}

/* The cluster holding observation `i`. */
static size_t cluster_of(const tally_clusters *c, size_t i)
{
    for (size_t k = 0; k < c->n; k++)
        for (size_t j = 0; j < c->v[k].n_members; j++)
            if (c->v[k].members[j] == i)
                return k;
    return SIZE_MAX;
}

static bool together(const tally_obs *o, size_t n, double tol, long days, size_t a, size_t b)
{
    tally_clusters c;
    CHECK_INT_EQ(tally_cluster_obs(o, n, tol, days, &c), 0);
    bool same = cluster_of(&c, a) == cluster_of(&c, b);
    tally_clusters_free(&c);
    return same;
}

/* Every observation in exactly one cluster, members earliest stated first,
 * the lead a member. */
static void check_partition(const tally_obs *o, size_t n, const tally_clusters *c)
{
    unsigned char *seen = calloc(n ? n : 1, 1);
    size_t total = 0;
    for (size_t k = 0; k < c->n; k++) {
        const tally_cluster *cl = &c->v[k];
        CHECK(cl->n_members > 0);
        bool lead_in = false;
        for (size_t j = 0; j < cl->n_members; j++) {
            size_t i = cl->members[j];
            CHECK(i < n);
            if (i >= n)
                continue;
            CHECK_INT_EQ(seen[i], 0);
            seen[i] = 1;
            lead_in |= i == cl->lead;
            if (j > 0) {
                const tally_obs *p = &o[cl->members[j - 1]], *q = &o[i];
                CHECK(p->stated < q->stated || (p->stated == q->stated && p->id < q->id));
            }
        }
        CHECK(lead_in);
        total += cl->n_members;
    }
    CHECK_INT_EQ(total, n);
    free(seen);
}

static void test_cluster_empty(void)
{
    tally_clusters c;
    CHECK_INT_EQ(tally_cluster_obs(NULL, 0, 0, 0, &c), 0);
    CHECK_INT_EQ(c.n, 0);
    tally_clusters_free(&c);
    tally_clusters_free(&c);
    tally_clusters_free(NULL);
}

/* The minister's "about 6,700 containers" and its echoes: "6,700" from an
 * outlet, "nearly 7,000" and "6,700" unattributed, "some 6,700" in capitals. */
static void test_cluster_echoes(void)
{
    tally_obs o[] = {
        obs(11, "author", "author", 7000, TALLY_Q_ABOUT, 3),
        obs(10, "Shin Won-sik", "official", 6700, TALLY_Q_ABOUT, 0),
        obs(12, "Yonhap", "outlet", 6700, TALLY_Q_EXACT, 1),
        obs(13, "author", "author", 6700, TALLY_Q_EXACT, 20),
        obs(14, "SHIN WON-SIK", "official", 6700, TALLY_Q_ABOUT, 2),
        obs(15, NULL, NULL, 6700, TALLY_Q_EXACT, 30),
    };
    size_t n = sizeof o / sizeof o[0];
    tally_clusters c;
    CHECK_INT_EQ(tally_cluster_obs(o, n, 0, 0, &c), 0);
    CHECK_INT_EQ(c.n, 1);
    check_partition(o, n, &c);
    CHECK_INT_EQ(o[c.v[0].lead].id, 10);
    CHECK_INT_EQ(o[c.v[0].members[0]].id, 10);
    CHECK_INT_EQ(o[c.v[0].members[n - 1]].id, 15);
    tally_clusters_free(&c);
}

/* Two named sources with the same figure are two assertions; a relay joins
 * one of them, never both. */
static void test_cluster_named_sources_apart(void)
{
    tally_obs o[] = {
        obs(1, "US State Department", "government", 6700, TALLY_Q_EXACT, 0),
        obs(2, "Shin Won-sik", "official", 6700, TALLY_Q_EXACT, 0),
        obs(3, "author", "author", 6700, TALLY_Q_EXACT, 1),
        obs(4, "Yonhap", "outlet", 6700, TALLY_Q_ABOUT, 2),
    };
    size_t n = sizeof o / sizeof o[0];
    tally_clusters c;
    CHECK_INT_EQ(tally_cluster_obs(o, n, 0, 0, &c), 0);
    CHECK_INT_EQ(c.n, 2);
    check_partition(o, n, &c);
    CHECK(cluster_of(&c, 0) != cluster_of(&c, 1));
    tally_clusters_free(&c);
    /* without the relays too */
    CHECK(!together(o, 2, 0, 0, 0, 1));
    /* the same named source under other capitals is one source */
    tally_obs p[] = {obs(1, "Shin Won-sik", "official", 6700, TALLY_Q_EXACT, 0),
                     obs(2, "shin won-sik", "official", 6700, TALLY_Q_EXACT, 5)};
    CHECK(together(p, 2, 0, 0, 0, 1));
}

/* Rounding joins a qualified figure with a finer one that rounds to it; two
 * exact figures join only within rel_tol. */
static void test_cluster_rounding(void)
{
    tally_obs about7000[] = {obs(1, "author", "author", 7000, TALLY_Q_ABOUT, 0),
                             obs(2, "Shin Won-sik", "official", 6700, TALLY_Q_EXACT, 0)};
    tally_obs exact7000[] = {obs(1, "author", "author", 7000, TALLY_Q_EXACT, 0),
                             obs(2, "Shin Won-sik", "official", 6700, TALLY_Q_EXACT, 0)};
    /* at a 1 % tolerance only the rounding rule can join them */
    CHECK(together(about7000, 2, 0.01, 0, 0, 1));
    CHECK(!together(exact7000, 2, 0.01, 0, 0, 1));
    /* 6,400 rounds to 6,000, not 7,000 */
    about7000[1].low = 6400;
    CHECK(!together(about7000, 2, 0.01, 0, 0, 1));
    /* at the default 5 %, 6,700 and 7,000 (4.3 % apart) agree anyway */
    CHECK(together(exact7000, 2, 0, 0, 0, 1));
    exact7000[1].low = 6600; /* 5.7 % apart */
    CHECK(!together(exact7000, 2, 0, 0, 0, 1));

    /* "more than 1 million" and "1,200,000", not "1,400,000" (rounding
     * explains a quarter at most); "up to 10,000" and "9,600" */
    tally_obs m[] = {obs(1, "author", "author", 1e6, TALLY_Q_MORE_THAN, 0),
                     obs(2, "NIS", "intelligence", 1.2e6, TALLY_Q_EXACT, 0),
                     obs(3, "author", "author", 1.4e6, TALLY_Q_EXACT, 0)};
    CHECK(together(m, 2, 0, 0, 0, 1));
    CHECK(!together(m, 3, 0, 0, 0, 2));
    CHECK(!together(m, 3, 0, 0, 1, 2));
    tally_obs ten[] = {obs(1, "author", "author", 10000, TALLY_Q_ABOUT, 0),
                       obs(2, "NIS", "intelligence", 6000, TALLY_Q_EXACT, 0)};
    CHECK(!together(ten, 2, 0, 0, 0, 1));
    tally_obs up[] = {obs(1, "author", "author", 0, TALLY_Q_UP_TO, 0),
                      obs(2, "NIS", "intelligence", 9600, TALLY_Q_EXACT, 0)};
    up[0].has_low = false;
    up[0].has_high = true;
    up[0].high = 10000;
    CHECK(together(up, 2, 0.01, 0, 0, 1));
    /* "about 1.5 million" keeps its 100,000 precision: 1.46 million joins,
     * 1.2 million does not */
    tally_obs dec[] = {obs(1, "author", "author", 1.5e6, TALLY_Q_ABOUT, 0),
                       obs(2, "NIS", "intelligence", 1.46e6, TALLY_Q_EXACT, 0)};
    CHECK(together(dec, 2, 0.001, 0, 0, 1));
    dec[1].low = 1.2e6;
    CHECK(!together(dec, 2, 0.001, 0, 0, 1));
}

/* Ranges agree when both ends do; a range and a single figure stay apart. */
static void test_cluster_ranges(void)
{
    tally_obs o[] = {obs(1, "ISW", "think-tank", 300, TALLY_Q_RANGE, 0),
                     obs(2, "author", "author", 300, TALLY_Q_RANGE, 3),
                     obs(3, "author", "author", 300, TALLY_Q_RANGE, 3),
                     obs(4, "author", "author", 300, TALLY_Q_EXACT, 3)};
    for (size_t i = 0; i < 3; i++) {
        o[i].has_high = true;
        o[i].high = 500;
    }
    o[2].high = 800;
    tally_clusters c;
    CHECK_INT_EQ(tally_cluster_obs(o, 4, 0, 0, &c), 0);
    CHECK_INT_EQ(c.n, 3);
    CHECK(cluster_of(&c, 0) == cluster_of(&c, 1));
    CHECK(cluster_of(&c, 0) != cluster_of(&c, 2));
    CHECK(cluster_of(&c, 0) != cluster_of(&c, 3));
    check_partition(o, 4, &c);
    tally_clusters_free(&c);
}

static void test_cluster_dates(void)
{
    tally_obs o[] = {obs(1, "Shin Won-sik", "official", 6700, TALLY_Q_EXACT, 100),
                     obs(2, "author", "author", 6700, TALLY_Q_EXACT, 146)};
    CHECK(!together(o, 2, 0, 0, 0, 1));
    o[1].as_of = 145;
    CHECK(together(o, 2, 0, 0, 0, 1));
    CHECK(!together(o, 2, 0, 30, 0, 1));
    o[1].as_of = 55;
    CHECK(together(o, 2, 0, 0, 0, 1));
    o[1].as_of = 54;
    CHECK(!together(o, 2, 0, 0, 0, 1));
    /* a chain of restatements 40 days apart is one cluster (transitive) */
    tally_obs chain[] = {obs(1, "Shin Won-sik", "official", 6700, TALLY_Q_EXACT, 0),
                         obs(2, "Shin Won-sik", "official", 6700, TALLY_Q_EXACT, 40),
                         obs(3, "author", "author", 6700, TALLY_Q_EXACT, 80)};
    CHECK(together(chain, 3, 0, 0, 0, 2));
}

static void test_cluster_kinds(void)
{
    tally_obs o[] = {obs(1, "Shin Won-sik", "official", 6700, TALLY_Q_EXACT, 0),
                     obs(2, "Shin Won-sik", "official", 6700, TALLY_Q_EXACT, 0)};
    o[1].kind = TALLY_KIND_EQUIVALENCE;
    CHECK(!together(o, 2, 0, 0, 0, 1));
    o[1].kind = TALLY_KIND_PLANNED;
    CHECK(!together(o, 2, 0, 0, 0, 1));
    o[0].kind = TALLY_KIND_STOCK;
    CHECK(!together(o, 2, 0, 0, 0, 1));
    o[1].kind = TALLY_KIND_STOCK;
    CHECK(together(o, 2, 0, 0, 0, 1));
    o[0].kind = o[1].kind = TALLY_KIND_EQUIVALENCE;
    CHECK(together(o, 2, 0, 0, 0, 1));
}

/* Supplier, recipient, unit, items and caliber. */
static void test_cluster_series(void)
{
    tally_obs o[] = {obs(1, "Shin Won-sik", "official", 6700, TALLY_Q_EXACT, 0),
                     obs(2, "author", "author", 6700, TALLY_Q_EXACT, 0)};
    CHECK(together(o, 2, 0, 0, 0, 1));
    memcpy(o[1].recipient, "IRN", 4);
    CHECK(!together(o, 2, 0, 0, 0, 1));
    memcpy(o[1].recipient, "RUS", 4);
    memcpy(o[1].supplier, "", 1);
    CHECK(!together(o, 2, 0, 0, 0, 1));
    memcpy(o[0].supplier, "", 1);
    memcpy(o[0].recipient, "", 1);
    memcpy(o[1].recipient, "", 1);
    CHECK(together(o, 2, 0, 0, 0, 1)); /* both empty */
    o[1].unit = "round";
    CHECK(!together(o, 2, 0, 0, 0, 1));
    o[1].unit = "container";
    o[1].items = TALLY_ITEM_ARTILLERY_SHELL;
    CHECK(!together(o, 2, 0, 0, 0, 1));
    o[1].items = TALLY_ITEM_ARTILLERY_SHELL | TALLY_ITEM_MUNITIONS;
    CHECK(together(o, 2, 0, 0, 0, 1));
    o[0].caliber_mm = 152;
    CHECK(together(o, 2, 0, 0, 0, 1)); /* one unstated */
    o[1].caliber_mm = 122;
    CHECK(!together(o, 2, 0, 0, 0, 1));
}

/* A named source before an unattributed or outlet one, curated before
 * extracted, then the earliest stated, then the smallest id. */
static void test_cluster_lead(void)
{
    tally_obs o[] = {obs(1, "author", "author", 6700, TALLY_Q_EXACT, 0),
                     obs(2, "Yonhap", "outlet", 6700, TALLY_Q_EXACT, 1),
                     obs(9, "Shin Won-sik", "official", 6700, TALLY_Q_EXACT, 5),
                     obs(8, "Shin Won-sik", "official", 6700, TALLY_Q_EXACT, 5),
                     obs(3, "Shin Won-sik", "official", 6700, TALLY_Q_EXACT, 7)};
    o[0].curated = true;
    o[1].curated = true;
    tally_clusters c;
    CHECK_INT_EQ(tally_cluster_obs(o, 5, 0, 0, &c), 0);
    CHECK_INT_EQ(c.n, 1);
    CHECK_INT_EQ(o[c.v[0].lead].id, 8);
    tally_clusters_free(&c);
    o[4].curated = true;
    CHECK_INT_EQ(tally_cluster_obs(o, 5, 0, 0, &c), 0);
    CHECK_INT_EQ(o[c.v[0].lead].id, 3);
    tally_clusters_free(&c);
    /* no named source: curated, then the earliest */
    CHECK_INT_EQ(tally_cluster_obs(o, 2, 0, 0, &c), 0);
    CHECK_INT_EQ(o[c.v[0].lead].id, 1);
    tally_clusters_free(&c);
    o[0].curated = false;
    CHECK_INT_EQ(tally_cluster_obs(o, 2, 0, 0, &c), 0);
    CHECK_INT_EQ(o[c.v[0].lead].id, 2);
    tally_clusters_free(&c);
}

static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Random claims of a few series, sources, figures and dates. */
static tally_obs *random_obs(size_t n, uint64_t seed)
{
    static const char *const sources[] = {"Shin Won-sik", "US State Department", "HUR", "NIS",
                                          "author"};
    static const char *const kinds[] = {"official", "government", "intelligence", "intelligence",
                                        "author"};
    static const double values[] = {6700, 7000, 6000, 10000, 1e6, 1.4e6, 2e6, 500};
    tally_obs *o = calloc(n, sizeof *o);
    uint64_t s = seed;
    for (size_t i = 0; i < n; i++) {
        size_t src = rng_next(&s) % 6;
        tally_qualifier q = rng_next(&s) % 3 == 0 ? TALLY_Q_ABOUT : TALLY_Q_EXACT;
        double v = values[rng_next(&s) % 8];
        o[i] = obs((int64_t)i + 1, src < 5 ? sources[src] : "Yonhap",
                   src < 5 ? kinds[src] : "outlet", v, q, (long)(rng_next(&s) % 400));
        o[i].stated = o[i].as_of + (long)(rng_next(&s) % 10);
        o[i].curated = rng_next(&s) % 10 == 0;
        if (rng_next(&s) % 4 == 0)
            o[i].kind = TALLY_KIND_EQUIVALENCE;
        if (rng_next(&s) % 5 == 0)
            o[i].unit = "round";
        if (rng_next(&s) % 3 == 0)
            o[i].items |= TALLY_ITEM_ARTILLERY_SHELL;
    }
    return o;
}

/* For each id (1..n), the smallest id of its cluster and the lead's id. */
static void labels(const tally_obs *o, size_t n, int64_t *min_id, int64_t *lead_id)
{
    tally_clusters c;
    CHECK_INT_EQ(tally_cluster_obs(o, n, 0, 0, &c), 0);
    check_partition(o, n, &c);
    for (size_t k = 0; k < c.n; k++) {
        int64_t lo = INT64_MAX;
        for (size_t j = 0; j < c.v[k].n_members; j++)
            if (o[c.v[k].members[j]].id < lo)
                lo = o[c.v[k].members[j]].id;
        for (size_t j = 0; j < c.v[k].n_members; j++) {
            size_t id = (size_t)o[c.v[k].members[j]].id;
            min_id[id - 1] = lo;
            lead_id[id - 1] = o[c.v[k].lead].id;
        }
    }
    tally_clusters_free(&c);
}

/* One identity, several names: a minister and his ministry echo each other;
 * two identities never do. */
static void test_cluster_identities(void)
{
    tally_obs o[3] = {
        obs(1, "Shin Won-sik", "official", 6700, TALLY_Q_ABOUT, 19780),
        obs(2, "South Korean defence ministry", "government", 6700, TALLY_Q_ABOUT, 19782),
        obs(3, "US State Department", "government", 6700, TALLY_Q_ABOUT, 19782)};
    CHECK(!together(o, 3, 0, 0, 0, 1)); /* two names, no identity said */
    o[0].identity = o[1].identity = "South Korean defence ministry";
    CHECK(together(o, 3, 0, 0, 0, 1));
    CHECK(!together(o, 3, 0, 0, 0, 2));
}

/* A description of a country's government ("Seoul") echoes a named source of
 * that country, never another's; linked, it takes the named one's identity. */
static void test_cluster_descriptive(void)
{
    tally_obs o[3] = {obs(1, "Shin Won-sik", "official", 6700, TALLY_Q_ABOUT, 19780),
                      obs(2, "Seoul", "government", 6700, TALLY_Q_ABOUT, 19782),
                      obs(3, "US State Department", "government", 6700, TALLY_Q_ABOUT, 19782)};
    memcpy(o[0].source_country, "KOR", 4);
    memcpy(o[1].source_country, "KOR", 4);
    memcpy(o[2].source_country, "USA", 4);
    o[0].identity = "South Korean defence ministry";
    o[0].identity_kind = "government";
    memcpy(o[0].identity_country, "KOR", 4);
    CHECK(!together(o, 3, 0, 0, 0, 1)); /* a name of its own while not known to describe */
    o[1].descriptive = true;
    CHECK(together(o, 3, 0, 0, 0, 1));
    CHECK(!together(o, 3, 0, 0, 1, 2));
    /* not another country's: a description of Seoul never echoes Washington */
    tally_obs us[2] = {o[2], o[1]};
    CHECK(!together(us, 2, 0, 0, 0, 1));
    /* linked: the whole document's use of the description */
    tally_obs doc[3] = {o[0], o[1], o[1]};
    doc[2].id = 4;
    doc[2].low = 100;
    doc[2].doc_id = doc[1].doc_id;
    tally_clusters c;
    CHECK_INT_EQ(tally_cluster_obs(doc, 3, 0, 0, &c), 0);
    tally_identity_link(doc, 3, &c);
    CHECK_STR_EQ(doc[1].identity, "South Korean defence ministry");
    CHECK_STR_EQ(doc[2].identity, "South Korean defence ministry"); /* its other figure too */
    CHECK_STR_EQ(doc[2].identity_kind, "government");
    tally_clusters_free(&c);
}

static void test_cluster_order_independent(void)
{
    enum { N = 3000 };
    tally_obs *o = random_obs(N, 0x9e3779b97f4a7c15u);
    int64_t *min0 = calloc(N, sizeof *min0), *lead0 = calloc(N, sizeof *lead0);
    int64_t *min1 = calloc(N, sizeof *min1), *lead1 = calloc(N, sizeof *lead1);
    labels(o, N, min0, lead0);
    /* some echoes were found, and not everything is one cluster */
    size_t singles = 0, firsts = 0;
    for (size_t i = 0; i < N; i++) {
        singles += min0[i] == (int64_t)i + 1 && lead0[i] == (int64_t)i + 1;
        firsts += min0[i] == (int64_t)i + 1;
    }
    CHECK(singles < N / 2);
    CHECK(firsts > 20);
    uint64_t s = 12345;
    for (int round = 0; round < 4; round++) {
        for (size_t i = N - 1; i > 0; i--) {
            size_t j = (size_t)(rng_next(&s) % (i + 1));
            tally_obs t = o[i];
            o[i] = o[j];
            o[j] = t;
        }
        labels(o, N, min1, lead1);
        size_t diff = 0;
        for (size_t i = 0; i < N; i++)
            diff += min0[i] != min1[i] || lead0[i] != lead1[i];
        CHECK_INT_EQ(diff, 0);
    }
    /* named sources never share a cluster */
    tally_clusters c;
    CHECK_INT_EQ(tally_cluster_obs(o, N, 0, 0, &c), 0);
    for (size_t k = 0; k < c.n; k++) {
        const char *named = NULL;
        for (size_t j = 0; j < c.v[k].n_members; j++) {
            const tally_obs *m = &o[c.v[k].members[j]];
            if (strcmp(m->source, "author") == 0 || strcmp(m->source_kind, "outlet") == 0)
                continue;
            if (named == NULL)
                named = m->source;
            CHECK_STR_EQ(m->source, named);
        }
    }
    tally_clusters_free(&c);
    free(o);
    free(min0);
    free(lead0);
    free(min1);
    free(lead1);
}

/* Clustering in 2 to `max_parts` parts gives `whole`'s clusters, member for
 * member. */
static void check_same_in_parts(const tally_obs *o, size_t n, const tally_clusters *whole,
                                size_t max_parts)
{
    for (size_t k = 2; k <= max_parts; k++) {
        tally_clusters parts;
        CHECK_INT_EQ(cluster_obs_parts(o, n, 0, 0, k, &parts), 0);
        CHECK_INT_EQ(parts.n, whole->n);
        size_t diff = 0;
        for (size_t c = 0; c < whole->n && c < parts.n; c++) {
            diff += whole->v[c].lead != parts.v[c].lead ||
                    whole->v[c].n_members != parts.v[c].n_members;
            for (size_t j = 0; j < whole->v[c].n_members && j < parts.v[c].n_members; j++)
                diff += whole->v[c].members[j] != parts.v[c].members[j];
        }
        CHECK_INT_EQ(diff, 0);
        tally_clusters_free(&parts);
    }
}

/* Clustered in parts by pair of states (on threads), then merged: the very
 * clusters of one clustering, in its order, with its leads. */
static void test_cluster_parts_merge(void)
{
    enum { N = 4000 };
    static const char *const pairs[][2] = {{"PRK", "RUS"}, {"RUS", "PRK"}, {"IRN", "RUS"},
                                           {"CHN", "RUS"}, {"BLR", "RUS"}, {"", "RUS"},
                                           {"PRK", ""}};
    tally_obs *o = random_obs(N, 0x2545f4914f6cdd1du);
    uint64_t s = 777;
    for (size_t i = 0; i < N; i++) {
        size_t p = rng_next(&s) % 7;
        memcpy(o[i].supplier, pairs[p][0], strlen(pairs[p][0]) + 1);
        memcpy(o[i].recipient, pairs[p][1], strlen(pairs[p][1]) + 1);
    }
    tally_clusters whole;
    CHECK_INT_EQ(cluster_obs_parts(o, N, 0, 0, 1, &whole), 0);
    check_partition(o, N, &whole);
    CHECK(whole.n > 50 && whole.n < N); /* echoes found, and many clusters */
    check_same_in_parts(o, N, &whole, 5);
    tally_clusters_free(&whole);
    free(o);
}

/* Parts split a pair by kind and unit when one pair holds most claims: the
 * same clusters still, with equal units at different addresses (a unit is
 * compared by its text, so they must go to one part). */
static void test_cluster_parts_one_pair(void)
{
    enum { N = 4000 };
    tally_obs *o = random_obs(N, 0x9e3779b97f4a7c15u);
    static char rounds[N][8];
    uint64_t s = 4242;
    for (size_t i = 0; i < N; i++) {
        bool other = rng_next(&s) % 5 == 0;
        memcpy(o[i].supplier, other ? "IRN" : "PRK", 4);
        memcpy(o[i].recipient, "RUS", 4);
        if (strcmp(o[i].unit, "round") == 0) { /* a copy of its own */
            memcpy(rounds[i], "round", 6);
            o[i].unit = rounds[i];
        }
    }
    tally_clusters whole;
    CHECK_INT_EQ(cluster_obs_parts(o, N, 0, 0, 1, &whole), 0);
    check_partition(o, N, &whole);
    check_same_in_parts(o, N, &whole, 4);
    tally_clusters_free(&whole);
    free(o);
}

/* One dense series (every claim within the date window of many others):
 * prints the time, asserts only the partition. */
static void test_cluster_dense_series_time(void)
{
    enum { N = 100000 };
    tally_obs *o = calloc(N, sizeof *o);
    uint64_t s = 42;
    for (size_t i = 0; i < N; i++) {
        o[i] =
            obs((int64_t)i + 1, rng_next(&s) % 2 ? "author" : "Shin Won-sik", "official",
                6700 + (double)(rng_next(&s) % 3) * 100, TALLY_Q_ABOUT, (long)(rng_next(&s) % 60));
    }
    clock_t t0 = clock();
    tally_clusters c;
    CHECK_INT_EQ(tally_cluster_obs(o, N, 0, 0, &c), 0);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    printf("cluster: %d claims of one series in %.3f s, %zu clusters\n", N, secs, c.n);
    CHECK_INT_EQ(c.n, 1);
    check_partition(o, N, &c);
    tally_clusters_free(&c);
    free(o);
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"cluster_empty", test_cluster_empty},
        {"cluster_echoes", test_cluster_echoes},
        {"cluster_named_sources_apart", test_cluster_named_sources_apart},
        {"cluster_rounding", test_cluster_rounding},
        {"cluster_ranges", test_cluster_ranges},
        {"cluster_dates", test_cluster_dates},
        {"cluster_kinds", test_cluster_kinds},
        {"cluster_series", test_cluster_series},
        {"cluster_lead", test_cluster_lead},
        {"cluster_identities", test_cluster_identities},
        {"cluster_descriptive", test_cluster_descriptive},
        {"cluster_order_independent", test_cluster_order_independent},
        {"cluster_parts_merge", test_cluster_parts_merge},
        {"cluster_parts_one_pair", test_cluster_parts_one_pair},
        {"cluster_dense_series_time", test_cluster_dense_series_time},
        {NULL, NULL}};
    return harness_run(tests);
}
