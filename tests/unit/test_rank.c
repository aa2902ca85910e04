/* Tests of the prices and the ranking of partners (src/estimate/prices.c,
 * rank.c), on the bundled tables, files written here and observations
 * written here. */
#include "tally/rank.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

static long day(const char *s)
{
    tally_date d;
    if (tally_date_parse(s, strlen(s), &d) != 0)
        return LONG_MIN;
    return tally_day_of(d, true);
}

static bool is_url(const char *s)
{
    return strncmp(s, "https://", 8) == 0 || strncmp(s, "http://", 7) == 0;
}

/* Every bundled price and index line has a URL; prices are deflated to the
 * newest year of the index. */
static void test_bundled_prices(void)
{
    tally_prices p;
    tally_err err = {0};
    CHECK_INT_EQ(tally_prices_load(&p, NULL, NULL, &err), 0);
    CHECK(p.n >= 10);
    CHECK(p.n_cpi >= 2);
    for (size_t i = 0; i < p.n; i++) {
        CHECK(is_url(p.v[i].url));
        CHECK(p.v[i].source[0] != '\0');
        CHECK(p.v[i].low_base > 0 && p.v[i].high_base >= p.v[i].low_base);
    }
    for (size_t i = 0; i < p.n_cpi; i++) {
        CHECK(is_url(p.cpi[i].url));
        CHECK(p.cpi[i].year <= p.base_year);
    }
    /* a price of an older year is worth more of the base year's dollars */
    for (size_t i = 0; i < p.n; i++)
        if (p.v[i].year < p.base_year)
            CHECK(p.v[i].low_base > p.v[i].low);
        else
            CHECK_DBL_EQ(p.v[i].low_base, p.v[i].low);
    double lo, hi;
    size_t lines = 0;
    CHECK(tally_price_range(&p, TALLY_ITEM_DRONE, "drone", 0, &lo, &hi, &lines, NULL));
    CHECK(lines >= 2 && lo < hi);
    CHECK(!tally_price_range(&p, TALLY_ITEM_TROOPS, "person", 0, &lo, &hi, NULL, NULL));
    tally_prices_free(&p);
}

/* Writes `text` to a temporary file named after `name`; its path in out. */
static const char *write_tmp(char out[96], const char *name, const char *text)
{
    snprintf(out, 96, "/tmp/tally-test-%s-%ld.tsv", name, (long)getpid());
    FILE *f = fopen(out, "w");
    CHECK(f != NULL);
    fputs(text, f);
    fclose(f);
    return out;
}

/* A broken line fails with FILE:LINE: reason. */
static void test_bad_prices(void)
{
    char cpi_path[96], prices_path[96];
    const char *cpi = write_tmp(cpi_path, "cpi",
                                "# index\n2023\t300\tBLS\thttps://example.org/cpi\n"
                                "2024\t310\tBLS\thttps://example.org/cpi\n");
    static const struct {
        const char *line, *why;
    } cases[] = {
        {"drone\tdrone\t-\t100\t200\tUSD\t2024\tsomeone\t\n", ":3: the url is missing"},
        {"drone\tdrone\t-\t100\t200\tUSD\t2024\tsomeone\tftp://x\n", ":3: the url is missing"},
        {"drone\tdrone\t-\t300\t200\tUSD\t2024\tsomeone\thttps://x.org\n", ":3: low and high"},
        {"drones\tdrone\t-\t100\t200\tUSD\t2024\tsomeone\thttps://x.org\n", ":3: unknown item"},
        {"drone\tdrone\t-\t100\t200\tEUR\t2024\tsomeone\thttps://x.org\n", ":3: the currency"},
        {"drone\tdrone\t-\t100\t200\tUSD\t2019\tsomeone\thttps://x.org\n", ":3: no consumer price"},
        {"drone\tdrone\t-\t1e5\t200\tUSD\t2024\tsomeone\thttps://x.org\n", ":3: low and high"},
        {"drone\tdrone\t-\t100\t200\tUSD\n", ":3: a price needs"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[512];
        snprintf(text, sizeof text,
                 "# prices\ndrone\tdrone\t-\t1\t2\tUSD\t2023\ta\thttps://a.org\n%s", cases[i].line);
        const char *path = write_tmp(prices_path, "prices", text);
        tally_prices p;
        tally_err err = {0};
        CHECK_INT_EQ(tally_prices_load(&p, path, cpi, &err), TALLY_EINPUT);
        CHECK(strncmp(err.msg, path, strlen(path)) == 0);
        CHECK(strstr(err.msg, cases[i].why) != NULL);
        if (strstr(err.msg, cases[i].why) == NULL)
            fprintf(stderr, "  case %zu: %s\n", i, err.msg);
        remove(path);
    }
    char bad_path[96];
    const char *bad_cpi = write_tmp(bad_path, "badcpi", "2024\t310\tBLS\n");
    tally_prices p;
    tally_err err = {0};
    CHECK_INT_EQ(tally_prices_load(&p, NULL, bad_cpi, &err), TALLY_EINPUT);
    CHECK(strstr(err.msg, ":1: a CPI line needs") != NULL);
    CHECK_INT_EQ(tally_prices_load(&p, "/nonexistent/prices.tsv", NULL, &err), TALLY_EIO);
    remove(bad_cpi);
    remove(cpi);
}

/* A transfer `supplier` -> RUS of `low` `unit` of `items` on `when`. */
static tally_obs obs(int64_t id, const char *supplier, const char *unit, uint32_t items, double low,
                     const char *when)
{
    tally_obs o;
    memset(&o, 0, sizeof o);
    o.id = id;
    o.doc_id = id;
    o.doc = "doc";
    o.source = supplier; /* one source a partner */
    o.source_kind = "official";
    memcpy(o.source_country, "USA", 4);
    o.kind = TALLY_KIND_TRANSFER;
    memcpy(o.supplier, supplier, 4);
    memcpy(o.recipient, "RUS", 4);
    o.items = items;
    o.unit = unit;
    o.has_low = true;
    o.low = low;
    o.qualifier = TALLY_Q_ABOUT;
    o.since = LONG_MIN;
    o.as_of = o.stated = day(when);
    return o;
}

struct fixture {
    tally_model m;
    tally_prices p;
    tally_obs o[9];
    size_t n;
    tally_clusters c;
};

static void fixture_init(struct fixture *f)
{
    tally_err err = {0};
    CHECK_INT_EQ(tally_model_load(&f->m, NULL, NULL, &err), 0);
    CHECK_INT_EQ(tally_prices_load(&f->p, NULL, NULL, &err), 0);
    size_t n = 0;
    /* PRK: shells, far ahead by value */
    f->o[n++] = obs(1, "PRK", "round", TALLY_ITEM_ARTILLERY_SHELL, 1e6, "2023-10-01");
    f->o[n++] = obs(2, "PRK", "round", TALLY_ITEM_ARTILLERY_SHELL, 3e6, "2024-06-01");
    /* IRN: drones; CHN: dollars; both close to each other */
    f->o[n++] = obs(3, "IRN", "drone", TALLY_ITEM_DRONE, 2000, "2023-06-01");
    f->o[n++] = obs(4, "IRN", "drone", TALLY_ITEM_DRONE, 6000, "2024-06-01");
    f->o[n++] = obs(5, "CHN", "USD", TALLY_ITEM_GOODS, 2e8, "2023-06-01");
    f->o[n++] = obs(6, "CHN", "USD", TALLY_ITEM_GOODS, 6e8, "2024-06-01");
    /* BLR: euros only (no exchange rate); SYR: a plan only */
    f->o[n++] = obs(7, "BLR", "EUR", TALLY_ITEM_MONEY, 1e8, "2024-01-01");
    f->o[n] = obs(8, "SYR", "round", TALLY_ITEM_ARTILLERY_SHELL, 1e5, "2024-01-01");
    f->o[n++].kind = TALLY_KIND_PLANNED;
    f->n = n;
    CHECK_INT_EQ(tally_cluster_obs(f->o, f->n, 0, 0, &f->c), 0);
}

static void fixture_free(struct fixture *f)
{
    tally_clusters_free(&f->c);
    tally_prices_free(&f->p);
    tally_model_free(&f->m);
}

static const tally_rank_partner *find(const tally_ranking *r, const char *state)
{
    for (size_t k = 0; k < r->n; k++)
        if (strcmp(r->v[k].state, state) == 0)
            return &r->v[k];
    return NULL;
}

/* Ranks sum to 1 a partner and a rank; partners without a counted part are
 * listed with why; each series' quantity is the estimate's. */
static void test_rank_sums_and_reasons(void)
{
    struct fixture f;
    fixture_init(&f);
    tally_ranking r;
    tally_err err = {0};
    long at = day("2024-06-30");
    CHECK_INT_EQ(tally_rank(&f.m, &f.p, f.o, f.n, &f.c, "RUS", true, TALLY_RANK_VALUE, at, 500,
                            false, &r, &err),
                 0);
    CHECK_INT_EQ(r.n, 5);
    CHECK_INT_EQ(r.n_ranked, 3);
    CHECK_STR_EQ(r.v[0].state, "PRK");
    for (size_t k = 0; k < r.n_ranked; k++) {
        double sum = 0, col = 0;
        for (size_t j = 0; j < r.n_ranked; j++) {
            sum += r.v[k].p_rank[j];
            col += r.v[j].p_rank[k];
        }
        CHECK(fabs(sum - 1) < 1e-9);
        CHECK(fabs(col - 1) < 1e-9);
        CHECK(r.v[k].total.q05 <= r.v[k].total.q50 && r.v[k].total.q50 <= r.v[k].total.q95);
        if (k > 0)
            CHECK(r.v[k].total.q50 <= r.v[k - 1].total.q50);
    }
    CHECK(r.v[0].p_rank[0] > 0.95);
    const tally_rank_partner *blr = find(&r, "BLR"), *syr = find(&r, "SYR");
    CHECK(blr != NULL && !blr->ranked && blr->lack == TALLY_LACK_CURRENCY);
    CHECK(syr != NULL && !syr->ranked && syr->lack == TALLY_LACK_NO_SERIES);
    char why[256];
    tally_rank_lack_words(blr->lack, &blr->parts[0], why, sizeof why);
    CHECK(strstr(why, "EUR") != NULL);
    /* the quantity of a part is the estimate's with as many draws */
    const tally_rank_partner *irn = find(&r, "IRN");
    CHECK(irn != NULL && irn->ranked && irn->n_parts == 1);
    tally_series s;
    memset(&s, 0, sizeof s);
    memcpy(s.supplier, "IRN", 4);
    memcpy(s.recipient, "RUS", 4);
    s.item = TALLY_ITEM_DRONE;
    snprintf(s.unit, sizeof s.unit, "drone");
    tally_series_build(&f.m, f.o, f.n, &f.c, &s);
    tally_quantiles q;
    /* read at its last evidence (2024-06-01), before the day asked */
    CHECK_INT_EQ(irn->parts[0].at, day("2024-06-01"));
    CHECK_INT_EQ(tally_series_reconcile(&s, &irn->parts[0].at, 1, 500, &q, NULL, &err), 0);
    CHECK_DBL_EQ(q.q50, irn->parts[0].quantity.q50);
    CHECK_DBL_EQ(q.q05, irn->parts[0].quantity.q05);
    tally_series_free(&s);
    tally_ranking_free(&r);
    /* --by people: nobody sent people */
    CHECK_INT_EQ(tally_rank(&f.m, &f.p, f.o, f.n, &f.c, "RUS", true, TALLY_RANK_PEOPLE, at, 200,
                            false, &r, &err),
                 0);
    CHECK_INT_EQ(r.n_ranked, 0);
    tally_ranking_free(&r);
    /* nobody received from RUS */
    CHECK_INT_EQ(tally_rank(&f.m, &f.p, f.o, f.n, &f.c, "RUS", false, TALLY_RANK_VALUE, at, 200,
                            false, &r, &err),
                 TALLY_ENOTFOUND);
    fixture_free(&f);
}

/* A 10 % change of any single price leaves the order of the partners and
 * each one's most likely rank as they were. */
static void test_rank_stable_under_prices(void)
{
    struct fixture f;
    fixture_init(&f);
    tally_ranking base;
    tally_err err = {0};
    long at = day("2024-06-30");
    CHECK_INT_EQ(tally_rank(&f.m, &f.p, f.o, f.n, &f.c, "RUS", true, TALLY_RANK_VALUE, at, 300,
                            false, &base, &err),
                 0);
    for (size_t i = 0; i < f.p.n; i++) {
        for (int sign = -1; sign <= 1; sign += 2) {
            tally_price keep = f.p.v[i];
            double k = 1 + 0.1 * sign;
            f.p.v[i].low_base *= k;
            f.p.v[i].high_base *= k;
            tally_ranking r;
            CHECK_INT_EQ(tally_rank(&f.m, &f.p, f.o, f.n, &f.c, "RUS", true, TALLY_RANK_VALUE, at,
                                    300, false, &r, &err),
                         0);
            CHECK_INT_EQ(r.n_ranked, base.n_ranked);
            for (size_t j = 0; j < r.n_ranked; j++) {
                CHECK_STR_EQ(r.v[j].state, base.v[j].state);
                CHECK(fabs(r.v[j].p_rank[j] - base.v[j].p_rank[j]) < 0.25);
            }
            tally_ranking_free(&r);
            f.p.v[i] = keep;
        }
    }
    tally_ranking_free(&base);
    fixture_free(&f);
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"bundled_prices", test_bundled_prices},
        {"bad_prices", test_bad_prices},
        {"rank_sums_and_reasons", test_rank_sums_and_reasons},
        {"rank_stable_under_prices", test_rank_stable_under_prices},
        {NULL, NULL},
    };
    return harness_run(tests);
}
