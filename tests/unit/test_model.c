/* Tests of the claim model (src/model/): its vocabularies, currencies,
 * fields and dates; and of the one way writers report a full buffer. */
#include "tally/claim.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "tally/date.h"
#include "tally/field.h"
#include "tally/json.h"
#include "tally/number.h"

/* Every row of every table reads back through its parser. */
static void test_model_slugs_parse_back(void)
{
    for (int k = 0; k < TALLY_KIND_N; k++) {
        CHECK_INT_EQ(tally_kind_parse(tally_kind_name((tally_kind)k)), k);
        CHECK(tally_kind_term((tally_kind)k)->display[0] != '\0');
    }
    for (unsigned i = 0; i < TALLY_ITEM_COUNT; i++) {
        CHECK_INT_EQ(tally_item_parse(tally_item_name(i)), (int)i);
        CHECK(tally_item_term(i)->family != 0);
    }
    for (int q = 0; q < TALLY_Q_N; q++)
        CHECK_INT_EQ(tally_qualifier_parse(tally_qualifier_name((tally_qualifier)q)), q);
    for (int p = TALLY_PER_NONE + 1; p < TALLY_PER_N; p++)
        CHECK_INT_EQ(tally_per_parse(tally_per_name((tally_per)p)), p);
    CHECK(tally_per_name(TALLY_PER_NONE) == NULL);
    CHECK_INT_EQ(tally_per_parse("week"), -1);
    for (int u = 0; u < TALLY_UNIT_N; u++) {
        tally_claim c = {.unit = (tally_unit)u};
        if (u == TALLY_UNIT_MONEY)
            continue;
        tally_claim back = {0};
        CHECK_INT_EQ(tally_unit_parse(tally_unit_name(&c), &back), 0);
        CHECK_INT_EQ(back.unit, u);
    }
    CHECK_INT_EQ(tally_kind_parse("delivered"), -1);
    CHECK_INT_EQ(tally_item_parse("tank"), -1);
    CHECK(tally_why_text(TALLY_WHY_NONE) == NULL);
    CHECK_STR_EQ(tally_why_text(TALLY_WHY_HEADLINE_SOURCE), "the headline's source");
}

/* The item names and families that decide things: vehicles, weapons and
 * air defence are arms; food and money flow back. */
static void test_model_item_families(void)
{
    CHECK_STR_EQ(tally_item_name(TALLY_ITEM_INDEX_VEHICLE), "vehicle");
    CHECK_STR_EQ(tally_item_name(TALLY_ITEM_INDEX_AIR_DEFENCE), "air-defence");
    CHECK_INT_EQ(tally_item_families(TALLY_ITEM_VEHICLE | TALLY_ITEM_AIR_DEFENCE),
                 TALLY_ITEM_FAM_ARMS);
    CHECK_INT_EQ(tally_item_families(TALLY_ITEM_FOOD | TALLY_ITEM_MONEY),
                 TALLY_ITEM_FAM_GOODS | TALLY_ITEM_FAM_MONEY);
    CHECK_INT_EQ(tally_item_families(0), 0);
    CHECK(tally_unit_term(TALLY_UNIT_RAILCAR)->family & TALLY_UNIT_FAM_CARRIER);
    CHECK(!(tally_unit_term(TALLY_UNIT_VEHICLE)->family & TALLY_UNIT_FAM_CARRIER));
    char buf[TALLY_ITEMS_TEXT_MAX];
    CHECK_STR_EQ(tally_items_format(TALLY_ITEM_WEAPONS | TALLY_ITEM_AIR_DEFENCE, ';', buf),
                 "weapons;air-defence");
    CHECK_STR_EQ(tally_items_format(0, ';', buf), "");
}

/* Any ISO 4217 currency (and the withdrawn ones older texts use) is a unit;
 * three capital letters that are none are not. */
static void test_model_currencies(void)
{
    static const char *const codes[] = {"USD", "EUR", "GBP", "DKK", "SEK", "NOK",
                                        "CZK", "SGD", "RUB", "KRW", "DEM"};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        tally_claim c = {0};
        CHECK(tally_currency_name(codes[i]) != NULL);
        CHECK_INT_EQ(tally_unit_parse(codes[i], &c), 0);
        CHECK_INT_EQ(c.unit, TALLY_UNIT_MONEY);
        CHECK_STR_EQ(tally_unit_name(&c), codes[i]);
    }
    CHECK_STR_EQ(tally_currency_name("EUR"), "Euro");
    CHECK_STR_EQ(tally_currency_name("GBP"), "Pound Sterling");
    tally_claim c = {0};
    CHECK_INT_EQ(tally_unit_parse("XYZ", &c), -1);
    CHECK_INT_EQ(tally_unit_parse("eur", &c), -1);
    CHECK(tally_currency_name("EURO") == NULL);
    /* the table is in code order (a binary search reads it) */
    CHECK(tally_currency_count() > 150);
    for (size_t i = 1; i < tally_currency_count(); i++)
        CHECK(strcmp(tally_currency_code(i - 1), tally_currency_code(i)) < 0);
}

/* The field table: unique keys, a CSV rank for each field of a stored
 * claim (1, 2, ... with no gaps), CLAIMS.md's fields in a claim. */
static void test_model_fields(void)
{
    int ranks[TALLY_F_N + 1] = {0};
    for (int i = 0; i < TALLY_F_N; i++) {
        const tally_field_info *fi = tally_field_info_of((tally_field)i);
        CHECK(fi->sql != NULL && fi->key != NULL);
        CHECK_INT_EQ(fi->json_key_len, strlen(fi->key) + 4);
        CHECK(fi->json_key_len < sizeof fi->json_key);
        for (int j = 0; j < i; j++)
            CHECK(strcmp(fi->key, tally_field_info_of((tally_field)j)->key) != 0);
        if (fi->in & TALLY_IN_ROW) {
            CHECK(fi->csv >= 1 && fi->csv <= TALLY_F_N);
            if (fi->csv >= 1 && fi->csv <= TALLY_F_N)
                ranks[fi->csv]++;
        }
    }
    tally_field order[TALLY_F_N];
    size_t n = tally_field_csv_order(TALLY_IN_ROW, order);
    for (size_t r = 1; r <= n; r++)
        CHECK_INT_EQ(ranks[r], 1);
    CHECK_STR_EQ(tally_field_info_of(order[0])->key, "id");
    CHECK_INT_EQ(tally_field_info_of(TALLY_F_PER)->in, TALLY_IN_CLAIMS);
    CHECK_INT_EQ(tally_field_info_of(TALLY_F_ID)->in, TALLY_IN_ROW);
}

/* Values read back from text, as the store and CSV files hold them. */
static void test_model_field_values(void)
{
    tally_claim_row r = {0};
    CHECK_INT_EQ(tally_field_set_text(&r, TALLY_F_KIND, "planned", 7), 0);
    CHECK_INT_EQ(tally_field_set_text(&r, TALLY_F_UNIT, "EUR", 3), 0);
    CHECK_INT_EQ(tally_field_set_text(&r, TALLY_F_PER, "day", 3), 0);
    CHECK_INT_EQ(tally_field_set_text(&r, TALLY_F_SINCE, "2024-02", 7), 0);
    CHECK_INT_EQ(tally_field_set_text(&r, TALLY_F_SUPPLIER, "DEU", 3), 0);
    CHECK_INT_EQ(tally_field_set_text(&r, TALLY_F_KIND, "sent", 4), -1);
    CHECK_INT_EQ(tally_field_set_text(&r, TALLY_F_SINCE, "2024-13", 7), -1);
    tally_field_set_number(&r, TALLY_F_ITEM, true, 0, TALLY_ITEM_AIR_DEFENCE);
    tally_field_set_number(&r, TALLY_F_LOW, true, 4, 0);
    CHECK_INT_EQ(r.claim.kind, TALLY_KIND_PLANNED);
    CHECK_STR_EQ(r.claim.currency, "EUR");
    CHECK_INT_EQ(r.claim.per, TALLY_PER_DAY);
    CHECK_INT_EQ(r.claim.since.month, 2);
    tally_value v;
    tally_field_get(&r, TALLY_F_UNIT, &v);
    CHECK(!v.null && v.len == 3 && memcmp(v.s, "EUR", 3) == 0);
    tally_field_get(&r, TALLY_F_SINCE, &v);
    CHECK(!v.null && v.len == 7 && memcmp(v.s, "2024-02", 7) == 0);
    tally_field_get(&r, TALLY_F_HIGH, &v);
    CHECK(v.null);
    tally_field_get(&r, TALLY_F_ITEM, &v);
    CHECK_INT_EQ(v.items, TALLY_ITEM_AIR_DEFENCE);
    tally_field_get(&r, TALLY_F_SOURCE, &v);
    CHECK(v.null);
}

/* Dates and their arithmetic live in the model now. */
static void test_model_dates(void)
{
    tally_date d;
    CHECK_INT_EQ(tally_date_parse("2024-02-29", 10, &d), 0);
    CHECK(tally_date_valid(d));
    CHECK_INT_EQ(tally_date_weekday(d), 3); /* a Thursday */
    tally_date next = tally_date_add_days(d, 1);
    char buf[16];
    CHECK_STR_EQ(tally_date_format(next, buf), "2024-03-01");
    CHECK_INT_EQ(tally_date_days_in_month(2023, 2), 28);
    CHECK_INT_EQ(tally_date_parse("2023-02-29", 10, &d), TALLY_EINPUT);
    tally_date y = {2024, 0, 0};
    CHECK_STR_EQ(tally_date_format(tally_date_of(tally_day_of(y, true)), buf), "2024-12-31");
}

/* A buffer at its maximum refuses the rest and says so, once for all the
 * writers: it holds a prefix, stays full until cleared, never aborts. */
static void test_model_full_buffer(void)
{
    tally_buf b;
    tally_buf_init(&b, 16);
    tally_json_str(&b, "twelve bytes", 12);
    CHECK(!tally_buf_full(&b));
    tally_json_str(&b, "more than fits", 14);
    CHECK(tally_buf_full(&b));
    size_t len = b.len;
    TALLY_JSON_LIT(&b, "x");
    tally_json_num(&b, 1);
    CHECK_INT_EQ(b.len, len); /* nothing after a refusal */
    /* a prefix of what was written, cut where the first refusal was */
    const char *all = "\"twelve bytes\"\"more than fits\"";
    CHECK(b.len <= 16 && strncmp(b.ptr, all, b.len) == 0);
    tally_buf_clear(&b);
    CHECK(!tally_buf_full(&b));
    TALLY_JSON_LIT(&b, "ok");
    CHECK_STR_EQ(b.ptr, "ok");
    tally_buf_free(&b);
}

/* Numbers as people read them: a scale from 10,000 up, commas from 1,000,
 * the unit beside the number, ranges sharing their scale. */
static void num_is(double v, const char *unit, const char *want)
{
    char buf[TALLY_NUM_TEXT_MAX];
    tally_num_amount(v, unit, buf, sizeof buf);
    CHECK_STR_EQ(buf, want);
}

static void test_model_numbers(void)
{
    num_is(9330809, "round", "9.33 M rounds");
    num_is(594232816, "USD", "$594 M");
    num_is(1.3e9, "EUR", "EUR 1.3 bn");
    num_is(2.4e12, "USD", "$2.4 tn");
    num_is(350000, "round", "350 K rounds");
    num_is(12500, "person", "12.5 K people");
    num_is(9999, "container", "9,999 containers");
    num_is(2500, NULL, "2,500");
    num_is(1, "round", "1 round");
    num_is(12.5, "percent", "12.5 percent");
    num_is(0.25, "item", "0.25 items");
    num_is(999600, "barrel", "1 M barrels"); /* rounding reaches the next scale */
    num_is(999.6e9, "USD", "$1 tn");
    num_is(-45000, "USD", "-$45 K");
    num_is(7, "widget", "7 widget"); /* a unit the model does not know */
    char buf[TALLY_NUM_TEXT_MAX];
    tally_num_text(NAN, buf, sizeof buf);
    CHECK_STR_EQ(buf, "?");
    tally_num_range(200000, 300000, "round", buf, sizeof buf);
    CHECK_STR_EQ(buf, "200-300 K rounds");
    tally_num_range(1e9, 2e9, "USD", buf, sizeof buf);
    CHECK_STR_EQ(buf, "$1-2 bn");
    tally_num_range(7000, 9000, "round", buf, sizeof buf);
    CHECK_STR_EQ(buf, "7,000-9,000 rounds");
    tally_num_range(5000, 2e6, "round", buf, sizeof buf);
    CHECK_STR_EQ(buf, "5,000 to 2 M rounds");
    tally_num_range(3e6, 3e6, "round", buf, sizeof buf);
    CHECK_STR_EQ(buf, "3 M rounds");
    tally_num_range(364e6, 1.27e9, "USD", buf, sizeof buf);
    CHECK_STR_EQ(buf, "$364 M to $1.27 bn");
    tally_num_range(999.99, 4000, "USD", buf, sizeof buf);
    CHECK_STR_EQ(buf, "$1,000-4,000"); /* rounding reaches the commas */
    num_is(999.7, "round", "1,000 rounds");
    tally_num_figure(TALLY_Q_MORE_THAN, true, 3e6, false, 0, "round", buf, sizeof buf);
    CHECK_STR_EQ(buf, "more than 3 M rounds");
    tally_num_figure(TALLY_Q_ABOUT, true, 5e9, false, 0, "USD", buf, sizeof buf);
    CHECK_STR_EQ(buf, "about $5 bn");
    tally_num_figure(TALLY_Q_UP_TO, false, 0, true, 6700, "container", buf, sizeof buf);
    CHECK_STR_EQ(buf, "up to 6,700 containers");
    tally_num_figure(TALLY_Q_EXACT, true, 6700, false, 0, "container", buf, sizeof buf);
    CHECK_STR_EQ(buf, "6,700 containers");
    tally_num_figure(TALLY_Q_RANGE, true, 1e9, true, 2e9, "USD", buf, sizeof buf);
    CHECK_STR_EQ(buf, "$1-2 bn");
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"model_slugs_parse_back", test_model_slugs_parse_back},
        {"model_item_families", test_model_item_families},
        {"model_currencies", test_model_currencies},
        {"model_fields", test_model_fields},
        {"model_field_values", test_model_field_values},
        {"model_dates", test_model_dates},
        {"model_full_buffer", test_model_full_buffer},
        {"model_numbers", test_model_numbers},
        {NULL, NULL},
    };
    return harness_run(tests);
}
