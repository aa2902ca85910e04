/* Tests of the estimate stage's model data, series and contradiction rules
 * (src/estimate/model.c, series.c, check.c), on observations written here. */
#include "tally/estimate.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "estimate_int.h"
#include "harness.h"
#include "tally/store.h"

static long day(const char *s)
{
    tally_date d;
    if (tally_date_parse(s, strlen(s), &d) != 0)
        return LONG_MIN;
    return tally_day_of(d, true);
}

/* A PRK -> RUS transfer of `low` `unit`, stated and holding on `when`. */
static tally_obs obs(int64_t id, const char *source, const char *unit, uint32_t items, double low,
                     tally_qualifier q, const char *when)
{
    tally_obs o;
    memset(&o, 0, sizeof o);
    o.id = id;
    o.doc_id = id;
    o.doc = "doc";
    o.source = source;
    o.source_kind = "official";
    memcpy(o.source_country, "KOR", 4);
    o.kind = TALLY_KIND_TRANSFER;
    memcpy(o.supplier, "PRK", 4);
    memcpy(o.recipient, "RUS", 4);
    o.items = items;
    o.unit = unit;
    o.has_low = true;
    o.low = low;
    o.qualifier = q;
    o.since = LONG_MIN;
    o.as_of = day(when);
    o.stated = o.as_of;
    return o;
}

static tally_model model(void)
{
    tally_model m;
    tally_err err = {0};
    CHECK_INT_EQ(tally_model_load(&m, NULL, NULL, &err), 0);
    return m;
}

static void test_bundled_model(void)
{
    tally_model m = model();
    CHECK(m.n_factors >= 4);
    CHECK(m.n_rules >= 4);
    const uint32_t shells = TALLY_ITEM_ARTILLERY_SHELL;
    /* a source's own range before the model's */
    const tally_factor *f =
        tally_factor_find(&m, "container", "round", shells, 152, "Shin Won-sik");
    CHECK(f != NULL && strcmp(f->source, "Shin Won-sik") == 0 && f->low == 400 && f->high == 480);
    f = tally_factor_find(&m, "container", "round", shells, 152, "shin won-sik");
    CHECK(f != NULL && strcmp(f->source, "Shin Won-sik") == 0);
    f = tally_factor_find(&m, "container", "round", shells, 0, "Someone Else");
    CHECK(f != NULL && strcmp(f->source, "model") == 0 && f->low == 250 && f->high == 500);
    f = tally_factor_find(&m, "container", "round", TALLY_ITEM_ROCKET, 122, NULL);
    CHECK(f != NULL && f->low == 50 && f->high == 100);
    CHECK(tally_factor_find(&m, "container", "round", shells, 122, NULL) == NULL);
    CHECK(tally_factor_find(&m, "container", "barrel", TALLY_ITEM_OIL, 0, NULL) == NULL);
    /* grades: specific lines first */
    CHECK_INT_EQ(tally_source_grade(&m, "intelligence", "KOR"), 'B');
    CHECK_INT_EQ(tally_source_grade(&m, "official", "PRK"), 'E');
    CHECK_INT_EQ(tally_source_grade(&m, "outlet", "USA"), 'C');
    CHECK_INT_EQ(tally_source_grade(&m, "unheard-of", "USA"), 'F');
    tally_obs o = obs(1, "Shin Won-sik", "container", TALLY_ITEM_MUNITIONS, 6700, TALLY_Q_ABOUT,
                      "2024-02-26");
    char g = 0;
    double bias = 0;
    double about = tally_obs_sigma(&m, &o, &g, &bias);
    CHECK_INT_EQ(g, 'B');
    CHECK(bias == 0.10); /* grade B's, shared by the source's claims */
    o.qualifier = TALLY_Q_EXACT;
    double exact = tally_obs_sigma(&m, &o, NULL, NULL);
    o.hedged = true;
    double hedged = tally_obs_sigma(&m, &o, NULL, NULL);
    CHECK(exact < about && exact < hedged && exact == 0.05);
    tally_model_free(&m);
}

/* data/identities.tsv: whom a name stands for, on which days; grades by it. */
static void test_identities(void)
{
    tally_model m = model();
    CHECK(m.n_identities > 10);
    const tally_identity *x = tally_identity_find(&m, "shin won-sik", day("2024-02-26"));
    CHECK(x != NULL && strcmp(x->identity, "South Korean defence ministry") == 0 &&
          strcmp(x->kind, "government") == 0 && strcmp(x->country, "KOR") == 0);
    /* a minister stands for his ministry while in office only */
    CHECK(tally_identity_find(&m, "Shin Won-sik", day("2024-10-01")) == NULL);
    x = tally_identity_find(&m, "Kim Yong-hyun", day("2024-10-01"));
    CHECK(x != NULL && strcmp(x->identity, "South Korean defence ministry") == 0);
    CHECK(tally_identity_find(&m, "Kyrylo Budanov", LONG_MIN) != NULL);
    CHECK(tally_identity_find(&m, "Someone Unknown", LONG_MIN) == NULL);
    /* the grade is the identity's: an outlet's name standing for a ministry grades B */
    tally_obs o =
        obs(1, "Some Outlet", "container", TALLY_ITEM_MUNITIONS, 10, TALLY_Q_EXACT, "2024-02-26");
    o.source_kind = "outlet";
    char g = 0;
    (void)tally_obs_sigma(&m, &o, &g, NULL);
    CHECK_INT_EQ(g, 'C');
    o.identity = "South Korean defence ministry";
    o.identity_kind = "government";
    memcpy(o.identity_country, "KOR", 4);
    (void)tally_obs_sigma(&m, &o, &g, NULL);
    CHECK_INT_EQ(g, 'B');
    tally_model_free(&m);
}

static void test_bad_model_files(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/tally-test-factors-%ld.tsv", (long)getpid());
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    fputs("# a comment\ncontainer\tround\tshells\t152\t1\t2\tmodel\n", f);
    fclose(f);
    tally_model m;
    tally_err err = {0};
    CHECK_INT_EQ(tally_model_load(&m, path, NULL, &err), TALLY_EINPUT);
    CHECK(strstr(err.msg, ":2: unknown item") != NULL);
    f = fopen(path, "w");
    fputs("container\tround\tartillery-shell\t152\t500\t250\tmodel\n", f);
    fclose(f);
    CHECK_INT_EQ(tally_model_load(&m, path, NULL, &err), TALLY_EINPUT);
    CHECK(strstr(err.msg, ":1: low and high") != NULL);
    CHECK_INT_EQ(tally_model_load(&m, "/nonexistent/factors.tsv", NULL, &err), TALLY_EIO);
    remove(path);
}

/* The points of PRK -> RUS `unit` from `o`, clustered with the defaults. */
static tally_series series_of(const tally_model *m, const tally_obs *o, size_t n, const char *unit,
                              uint32_t item, tally_clusters *c)
{
    CHECK_INT_EQ(tally_cluster_obs(o, n, 0, 0, c), 0);
    tally_series s;
    memset(&s, 0, sizeof s);
    memcpy(s.supplier, "PRK", 4);
    memcpy(s.recipient, "RUS", 4);
    s.item = item;
    snprintf(s.unit, sizeof s.unit, "%s", unit);
    tally_series_build(m, o, n, c, &s);
    return s;
}

static void test_series_conversion(void)
{
    tally_model m = model();
    const uint32_t shells = TALLY_ITEM_ARTILLERY_SHELL;
    tally_obs o[] = {
        /* the US count: no equivalence of its own, converted with the model */
        obs(1, "US State Department", "container", TALLY_ITEM_MUNITIONS, 10000, TALLY_Q_MORE_THAN,
            "2024-02-23"),
        /* Shin's count and his own conversion of it, one briefing */
        obs(2, "Shin Won-sik", "container", TALLY_ITEM_MUNITIONS, 6700, TALLY_Q_ABOUT,
            "2024-02-26"),
        obs(3, "Shin Won-sik", "round", shells, 3000000, TALLY_Q_MORE_THAN, "2024-02-26"),
        /* a count of rounds */
        obs(4, "Vadym Skibitskyi", "round", shells, 1500000, TALLY_Q_EXACT, "2024-02-29"),
        /* a rate, and a plan: not deliveries */
        obs(5, "NIS", "round", shells, 10000, TALLY_Q_ABOUT, "2024-03-01"),
        obs(6, "NIS", "round", shells, 9000000, TALLY_Q_ABOUT, "2024-03-02"),
    };
    o[2].kind = TALLY_KIND_EQUIVALENCE;
    o[2].doc_id = o[1].doc_id;
    o[4].rate = true;
    o[5].kind = TALLY_KIND_PLANNED;
    tally_clusters c;
    tally_series s = series_of(&m, o, 6, "round", shells, &c);
    CHECK_INT_EQ(s.n, 3);
    bool converted = false, own = false, direct = false;
    for (size_t i = 0; i < s.n; i++) {
        const tally_series_point *p = &s.v[i];
        const tally_obs *lead = &o[c.v[p->p.cluster].lead];
        if (p->how == TALLY_DERIVED_CONVERTED) {
            converted = lead->id == 1 && p->p.factor_lo == 250 && p->p.factor_hi == 500 &&
                        p->p.bound == TALLY_OBS_LOWER && p->p.value == 10000;
        } else if (p->how == TALLY_DERIVED_OWN) {
            own = lead->id == 3 && p->p.value == 3000000;
        } else if (p->how == TALLY_DERIVED_DIRECT) {
            direct = lead->id == 4 && p->p.bound == TALLY_OBS_POINT;
        }
    }
    CHECK(converted); /* Shin's 6,700 is not converted again: his 3 million stands for it */
    CHECK(own);
    CHECK(direct);
    for (size_t i = 1; i < s.n; i++)
        CHECK(s.v[i - 1].p.day <= s.v[i].p.day);
    CHECK(s.start < s.v[0].p.day);
    CHECK_STR_EQ(tally_series_default_unit(o, &c, "PRK", "RUS", shells), "round");
    tally_series_free(&s);
    tally_clusters_free(&c);

    /* missiles launched are lower bounds on those sent */
    tally_obs l[] = {obs(1, "Andriy Kostin", "missile", TALLY_ITEM_BALLISTIC_MISSILE, 24,
                         TALLY_Q_AT_LEAST, "2024-02-16")};
    l[0].kind = TALLY_KIND_CONSUMPTION;
    s = series_of(&m, l, 1, "missile", TALLY_ITEM_BALLISTIC_MISSILE, &c);
    CHECK_INT_EQ(s.n, 1);
    CHECK(s.n == 1 && s.v[0].how == TALLY_DERIVED_LAUNCHED && s.v[0].p.bound == TALLY_OBS_LOWER);
    tally_series_free(&s);
    tally_clusters_free(&c);
    tally_model_free(&m);
}

struct found {
    char rules[256];
    char why[1024];
};

static void collect(const tally_contradiction *x, void *user)
{
    struct found *f = user;
    strcat(f->rules, x->rule);
    strcat(f->rules, ";");
    snprintf(f->why, sizeof f->why, "%s", x->why);
}

static struct found check(const tally_model *m, const tally_obs *o, size_t n)
{
    struct found f = {"", ""};
    tally_clusters c;
    CHECK_INT_EQ(tally_cluster_obs(o, n, 0, 0, &c), 0);
    tally_check(m, o, n, &c, collect, &f);
    tally_clusters_free(&c);
    return f;
}

static void test_check_conversion(void)
{
    tally_model m = model();
    const uint32_t shells = TALLY_ITEM_ARTILLERY_SHELL;
    /* the mix-up: 10,000 boxes (US) with Shin's 3 million rounds, one article */
    tally_obs mix[] = {
        obs(1, "US State Department", "container", TALLY_ITEM_MUNITIONS, 10000, TALLY_Q_MORE_THAN,
            "2024-02-23"),
        obs(2, "Shin Won-sik", "round", shells, 3000000, TALLY_Q_MORE_THAN, "2024-02-26")};
    mix[1].kind = TALLY_KIND_EQUIVALENCE;
    mix[1].doc_id = mix[0].doc_id;
    mix[1].sentence_start = 100;
    struct found f = check(&m, mix, 2);
    CHECK_STR_EQ(f.rules, "conversion;");
    CHECK(strstr(f.why, "is 300 round a container") != NULL);
    CHECK(strstr(f.why, "Shin Won-sik 400-480") != NULL);
    /* his own 6,700 -> 3 million (448 a box) is within his range */
    mix[0].low = 6700;
    mix[0].source = "Shin Won-sik";
    f = check(&m, mix, 2);
    CHECK_STR_EQ(f.rules, "");
    /* in different documents the two are not paired */
    mix[0].low = 10000;
    mix[0].source = "US State Department";
    mix[1].doc_id = 99;
    f = check(&m, mix, 2);
    CHECK_STR_EQ(f.rules, "");
    tally_model_free(&m);
}

static void test_check_lower_bound(void)
{
    tally_model m = model();
    /* a figure below an earlier lower bound of its series */
    tally_obs low[] = {obs(1, "US State Department", "container", TALLY_ITEM_MUNITIONS, 10000,
                           TALLY_Q_MORE_THAN, "2024-02-23"),
                       obs(2, "Shin Won-sik", "container", TALLY_ITEM_MUNITIONS, 6700,
                           TALLY_Q_ABOUT, "2024-02-26")};
    low[0].source_kind = "government";
    low[0].since = day("2023-09");
    low[1].since = day("2023-07");
    struct found f = check(&m, low, 2);
    CHECK_STR_EQ(f.rules, "below-lower-bound;");
    CHECK(strstr(f.why, "about 6,700 containers (Shin Won-sik") != NULL);
    CHECK(strstr(f.why, "the estimate follows the bound: not better graded") != NULL);
    /* a better-graded figure wins, and says so */
    low[1].source_country[0] = '\0';
    tally_model g = m;
    tally_grade_rule rules[] = {{"official", "*", 'A'}, {"*", "*", 'B'}};
    g.rules = rules;
    g.n_rules = 2;
    f = check(&g, low, 2);
    CHECK_STR_EQ(f.rules, "below-lower-bound;");
    CHECK(strstr(f.why, "the estimate follows the figure: better graded") != NULL);
    memcpy(low[1].source_country, "KOR", 4);
    /* not when the lower figure came first */
    low[1].as_of = low[1].stated = day("2024-01-01");
    f = check(&m, low, 2);
    CHECK_STR_EQ(f.rules, "");
    /* nor within rounding of the bound */
    low[1].as_of = low[1].stated = day("2024-02-26");
    low[1].low = 9500;
    f = check(&m, low, 2);
    CHECK_STR_EQ(f.rules, "");
    tally_model_free(&m);
}

static void test_check_upper_bound(void)
{
    tally_model m = model();
    const uint32_t shells = TALLY_ITEM_ARTILLERY_SHELL;
    /* "up to 4.8 million" by June, yet 6 million counted in May */
    tally_obs up[] = {
        obs(1, "Shin Won-sik", "round", shells, 4800000, TALLY_Q_UP_TO, "2024-06-14"),
        obs(2, "Someone Else", "round", shells, 6000000, TALLY_Q_EXACT, "2024-05-01")};
    up[0].has_low = false;
    up[0].has_high = true;
    up[0].high = 4800000;
    struct found f = check(&m, up, 2);
    CHECK_STR_EQ(f.rules, "above-upper-bound;");
    CHECK(strstr(f.why, "6 M rounds (Someone Else") != NULL);
    /* 4.5 million is within it */
    up[1].low = 4500000;
    f = check(&m, up, 2);
    CHECK_STR_EQ(f.rules, "");
    /* and a later figure is no contradiction of a ceiling */
    up[1].low = 6000000;
    up[1].as_of = up[1].stated = day("2024-08-01");
    f = check(&m, up, 2);
    CHECK_STR_EQ(f.rules, "");
    tally_model_free(&m);
}

static void test_check_misattribution(void)
{
    tally_model m = model();
    const uint32_t shells = TALLY_ITEM_ARTILLERY_SHELL;
    /* South Korea's briefing, a curated record: 6,700 boxes, "more than 3
     * million rounds"; then an article pairing the US's 10,000 boxes with the
     * same 3 million, under the US's name */
    tally_obs o[] = {
        obs(1, "Shin Won-sik", "container", TALLY_ITEM_MUNITIONS, 6700, TALLY_Q_ABOUT,
            "2024-02-26"),
        obs(2, "Shin Won-sik", "round", shells, 3000000, TALLY_Q_MORE_THAN, "2024-02-26"),
        obs(3, "US State Department", "container", TALLY_ITEM_MUNITIONS, 10000, TALLY_Q_ABOUT,
            "2024-03-05"),
        obs(4, "US State Department", "round", shells, 3000000, TALLY_Q_MORE_THAN, "2024-03-05"),
    };
    o[0].curated = o[1].curated = true;
    o[1].kind = o[3].kind = TALLY_KIND_EQUIVALENCE;
    o[1].caliber_mm = o[3].caliber_mm = 152;
    o[3].doc_id = o[2].doc_id;
    o[3].sentence_start = o[2].sentence_start = 40;
    o[2].source_kind = o[3].source_kind = "government";
    struct found f = check(&m, o, 4);
    CHECK_STR_EQ(f.rules, "misattribution;");
    CHECK(strstr(f.why, "conversion of about 6,700 containers by Shin Won-sik, stated over 10 K "
                        "containers of the US State Department") != NULL);
    /* a report relaying Shin's own pairing (his count, his conversion) is no mix-up */
    o[2].source = o[3].source = "Shin Won-sik";
    o[2].low = 6700;
    f = check(&m, o, 4);
    CHECK_STR_EQ(f.rules, "");
    /* nor is another source's count that agrees with his */
    o[2].source = o[3].source = "US State Department";
    o[2].low = 7000;
    f = check(&m, o, 4);
    CHECK_STR_EQ(f.rules, "");
    /* nor a figure that is not his */
    o[2].low = 10000;
    o[3].low = 4000000;
    f = check(&m, o, 4);
    CHECK_STR_EQ(f.rules, "");
    tally_model_free(&m);
}

static void test_check_swapped_range(void)
{
    tally_model m = model();
    tally_obs sw[] = {
        obs(1, "Someone", "container", TALLY_ITEM_MUNITIONS, 9000, TALLY_Q_RANGE, "2024-05-01")};
    sw[0].has_high = true;
    sw[0].high = 7000;
    struct found f = check(&m, sw, 1);
    CHECK_STR_EQ(f.rules, "swapped-range;");
    sw[0].high = 11000;
    f = check(&m, sw, 1);
    CHECK_STR_EQ(f.rules, "");
    tally_model_free(&m);
}

/* The series' start and its conflicts: which bound holds. */
static void test_series_start_and_conflicts(void)
{
    tally_model m = model();
    tally_obs o[] = {obs(1, "US State Department", "container", TALLY_ITEM_MUNITIONS, 10000,
                         TALLY_Q_MORE_THAN, "2024-02-23"),
                     obs(2, "Shin Won-sik", "container", TALLY_ITEM_MUNITIONS, 6700, TALLY_Q_ABOUT,
                         "2024-02-26")};
    o[0].source_kind = "government";
    tally_clusters c;
    tally_series s = series_of(&m, o, 2, "container", TALLY_ITEM_MUNITIONS, &c);
    /* no "since": the day before the first evidence, nothing drawn before it */
    CHECK_INT_EQ(s.start_reason, TALLY_START_FIRST);
    CHECK_INT_EQ(s.start, day("2024-02-22"));
    CHECK_INT_EQ(s.n_conflicts, 1);
    CHECK(s.n_conflicts == 1 && s.conflicts[0].followed_bound && !s.v[0].p.overruled);
    tally_series_free(&s);
    tally_clusters_free(&c);
    /* with a since, from there; the earliest wins */
    o[0].since = day("2023-09-01");
    o[1].since = day("2023-07-01");
    s = series_of(&m, o, 2, "container", TALLY_ITEM_MUNITIONS, &c);
    CHECK_INT_EQ(s.start_reason, TALLY_START_SINCE);
    CHECK_INT_EQ(s.start, day("2023-07-01"));
    CHECK_INT_EQ(s.v[s.start_point].p.value, 6700);
    tally_series_free(&s);
    tally_clusters_free(&c);
    /* a better-graded figure overrules the bound */
    tally_model g = m;
    tally_grade_rule rules[] = {{"official", "*", 'A'}, {"*", "*", 'C'}};
    g.rules = rules;
    g.n_rules = 2;
    s = series_of(&g, o, 2, "container", TALLY_ITEM_MUNITIONS, &c);
    CHECK(s.n_conflicts == 1 && !s.conflicts[0].followed_bound && s.v[0].p.overruled);
    tally_series_free(&s);
    tally_clusters_free(&c);
    tally_model_free(&m);
}

/* Two observations say the same (their strings by content). */
static bool same_obs(const tally_obs *a, const tally_obs *b)
{
    const char *sa[] = {a->doc,     a->source,      a->identity, a->identity_kind,
                        a->written, a->source_kind, a->unit};
    const char *sb[] = {b->doc,     b->source,      b->identity, b->identity_kind,
                        b->written, b->source_kind, b->unit};
    for (size_t k = 0; k < sizeof sa / sizeof sa[0]; k++)
        if ((sa[k] == NULL) != (sb[k] == NULL) || (sa[k] != NULL && strcmp(sa[k], sb[k]) != 0))
            return false;
    return a->id == b->id && a->doc_id == b->doc_id && a->kind == b->kind &&
           strcmp(a->supplier, b->supplier) == 0 && strcmp(a->recipient, b->recipient) == 0 &&
           a->items == b->items && a->low == b->low && a->high == b->high &&
           a->has_low == b->has_low && a->has_high == b->has_high && a->qualifier == b->qualifier &&
           a->since == b->since && a->as_of == b->as_of && a->stated == b->stated &&
           a->curated == b->curated && a->rate == b->rate && a->hedged == b->hedged &&
           a->caliber_mm == b->caliber_mm && strcmp(a->source_country, b->source_country) == 0 &&
           strcmp(a->identity_country, b->identity_country) == 0;
}

/* Every claim read in ranges of ids on threads, joined: the observations of
 * one scan, in its order, each string one table's (one address a string). */
static void test_load_parts(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/tally-test-load-%ld.db", (long)getpid());
    remove(path);
    tally_store *s = NULL;
    tally_err err = {0};
    CHECK_INT_EQ(tally_store_open(path, TALLY_STORE_WRITE, &s, &err), 0);
    CHECK_INT_EQ(tally_store_begin(s, &err), 0);
    static const char *const sources[] = {"Shin Won-sik", "HUR", "US State Department", "author",
                                          "Seoul"};
    static const char *const states[] = {"PRK", "RUS", "IRN", "CHN"};
    enum { DOCS = 60, PER_DOC = 7 };
    for (int d = 0; d < DOCS; d++) {
        char key[32], date[16];
        snprintf(key, sizeof key, "doc-%02d", d);
        snprintf(date, sizeof date, "2024-%02d-%02d", d % 12 + 1, d % 28 + 1);
        tally_store_doc doc = {.key = key, .name = key, .hash = key, .date = date};
        int64_t id;
        CHECK_INT_EQ(tally_store_put_doc(s, &doc, &id, &err), 0);
        for (int k = 0; k < PER_DOC; k++) {
            tally_claim c = {.kind = k % 3 == 0 ? TALLY_KIND_EQUIVALENCE : TALLY_KIND_TRANSFER,
                             .items = 1u << (unsigned)(k % 4),
                             .unit = k % 2 ? TALLY_UNIT_ROUND : TALLY_UNIT_CONTAINER,
                             .has_low = true,
                             .low = 1000.0 * (d + k + 1),
                             .qualifier = (tally_qualifier)(k % 3),
                             .source = sources[(d + k) % 5]};
            strcpy(c.supplier, states[(d + k) % 4]);
            strcpy(c.recipient, states[(d + 2 * k + 1) % 4]);
            CHECK_INT_EQ(tally_store_put_claim(s, id, &c, NULL, date, NULL, &err), 0);
        }
    }
    CHECK_INT_EQ(tally_store_commit(s, &err), 0);
    tally_model m;
    CHECK_INT_EQ(tally_model_load(&m, NULL, NULL, &err), 0);
    tally_obs_set one, parts;
    CHECK_INT_EQ(obs_load_parts(s, &m, NULL, 1, &one, &err), 0);
    CHECK_INT_EQ(one.n, DOCS * PER_DOC);
    for (size_t k = 2; k <= 4; k++) {
        CHECK_INT_EQ(obs_load_parts(s, &m, NULL, k, &parts, &err), 0);
        CHECK_INT_EQ(parts.n, one.n);
        size_t diff = 0, shared = 0;
        for (size_t i = 0; i < one.n && i < parts.n; i++) {
            diff += !same_obs(&one.v[i], &parts.v[i]);
            /* one table's strings: equal names, one address */
            shared += parts.v[i].source == parts.v[0].source ||
                      strcmp(parts.v[i].source, parts.v[0].source) != 0;
        }
        CHECK_INT_EQ(diff, 0);
        CHECK_INT_EQ(shared, parts.n);
        tally_obs_set_free(&parts);
    }
    tally_obs_set_free(&one);
    /* one state's claims (a common one: read by id on threads, not by its
     * index): the observations its index gives, in id order */
    tally_claim_filter to_rus = {.recipient = "RUS"}, from_prk = {.supplier = "PRK"};
    const tally_claim_filter *fs[] = {&to_rus, &from_prk};
    for (size_t j = 0; j < 2; j++) {
        CHECK_INT_EQ(tally_obs_load(s, &m, fs[j], &one, &err), 0);
        CHECK(one.n > DOCS * PER_DOC / 10 && one.n < DOCS * PER_DOC);
        CHECK_INT_EQ(obs_load_parts(s, &m, fs[j], 2, &parts, &err), 0);
        CHECK_INT_EQ(parts.n, one.n);
        size_t diff = 0;
        for (size_t i = 0; i < parts.n; i++) {
            diff += i > 0 && parts.v[i].id <= parts.v[i - 1].id;
            size_t k = 0;
            while (k < one.n && one.v[k].id != parts.v[i].id)
                k++;
            diff += k == one.n || !same_obs(&one.v[k], &parts.v[i]);
        }
        CHECK_INT_EQ(diff, 0);
        tally_obs_set_free(&parts);
        tally_obs_set_free(&one);
    }
    tally_model_free(&m);
    tally_store_close(s);
    remove(path);
    char side[80];
    snprintf(side, sizeof side, "%s-wal", path);
    remove(side);
    snprintf(side, sizeof side, "%s-shm", path);
    remove(side);
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"bundled_model", test_bundled_model},
        {"bad_model_files", test_bad_model_files},
        {"identities", test_identities},
        {"series_conversion", test_series_conversion},
        {"series_start_and_conflicts", test_series_start_and_conflicts},
        {"check_conversion", test_check_conversion},
        {"check_lower_bound", test_check_lower_bound},
        {"check_upper_bound", test_check_upper_bound},
        {"check_misattribution", test_check_misattribution},
        {"check_swapped_range", test_check_swapped_range},
        {"load_parts", test_load_parts},
        {NULL, NULL},
    };
    return harness_run(tests);
}
