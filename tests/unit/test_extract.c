/* Tests of the claim extractor (src/extract/extract.c) on sentences written for
 * these tests; tests/e2e/score.sh scores it on the development corpus. */
#include "tally/extract.h"

#include "extract.h"
#include "harness.h"
#include "tally/when.h"

/* Extracts the claims of `text` as one block of a document dated `date`. */
static tally_claims run(const char *text, const char *date, const char *title, tally_arena *a)
{
    tally_date d = {0, 0, 0};
    if (date != NULL)
        CHECK_INT_EQ(tally_date_parse(date, strlen(date), &d), 0);
    tally_doc_meta meta = {NULL, title, NULL, date};
    /* the rules alone: the learned layer has tests of its own */
    tally_extract_opts rules = {.rules_only = true};
    tally_extractor *x = tally_extractor_open(d, &meta, &rules);
    tally_block b = {text, strlen(text), 0};
    tally_claims cs = {.v = NULL};
    tally_err err = {0};
    CHECK_INT_EQ(tally_extract_block(x, &b, &cs, a, &err), 0);
    tally_extractor_free(x);
    return cs;
}

/* `text` (dated `date`) gives one claim, whose source is `source`. */
static void expect_source(const char *text, const char *date, const char *source)
{
    tally_arena *a = tally_arena_new();
    tally_claims cs = run(text, date, NULL, a);
    CHECK_INT_EQ(cs.n, 1);
    if (cs.n == 1)
        CHECK_STR_EQ(cs.v[0].source, source);
    tally_arena_free(a);
}

static void test_extract_transfer_with_parties_and_source(void)
{
    tally_arena *a = tally_arena_new();
    tally_claims cs = run("Officials in Seoul said Pyongyang shipped about 2,500 containers to "
                          "Moscow last month.",
                          "2024-05-10", NULL, a);
    CHECK_INT_EQ(cs.n, 1);
    if (cs.n == 1) {
        const tally_claim *c = &cs.v[0];
        CHECK_STR_EQ(tally_kind_name(c->kind), "transfer");
        CHECK_STR_EQ(c->supplier, "PRK");
        CHECK_STR_EQ(c->recipient, "RUS");
        CHECK_STR_EQ(tally_unit_name(c), "container");
        CHECK_DBL_EQ(c->low, 2500);
        CHECK_STR_EQ(tally_qualifier_name(c->qualifier), "about");
        CHECK(c->items & TALLY_ITEM_MUNITIONS);
        CHECK(!c->hedged);
    }
    tally_arena_free(a);
}

static void test_extract_equivalence_follows_its_count(void)
{
    tally_arena *a = tally_arena_new();
    tally_claims cs = run("North Korea sent 1,200 containers to Russia, which could hold up to "
                          "600,000 rounds of 152mm shells.",
                          "2024-05-10", NULL, a);
    CHECK_INT_EQ(cs.n, 2);
    if (cs.n == 2) {
        CHECK_STR_EQ(tally_kind_name(cs.v[0].kind), "transfer");
        CHECK_STR_EQ(tally_kind_name(cs.v[1].kind), "equivalence");
        CHECK_STR_EQ(cs.v[1].supplier, "PRK");
        CHECK_STR_EQ(cs.v[1].recipient, "RUS");
        CHECK_STR_EQ(tally_unit_name(&cs.v[1]), "round");
        CHECK_DBL_EQ(cs.v[1].caliber_mm, 152);
        CHECK(cs.v[1].items & TALLY_ITEM_ARTILLERY_SHELL);
        CHECK(cs.v[1].hedged); /* "could" */
        CHECK_STR_EQ(tally_qualifier_name(cs.v[1].qualifier), "up-to");
    }
    tally_arena_free(a);
}

static void test_extract_consumption_and_demonym_supplier(void)
{
    tally_arena *a = tally_arena_new();
    tally_claims cs = run("Russian forces have fired at least 30 North Korean ballistic missiles "
                          "at Ukraine, Kyiv said.",
                          "2024-05-10", NULL, a);
    CHECK_INT_EQ(cs.n, 1);
    if (cs.n == 1) {
        CHECK_STR_EQ(tally_kind_name(cs.v[0].kind), "consumption");
        CHECK_STR_EQ(cs.v[0].supplier, "PRK");
        CHECK_STR_EQ(cs.v[0].recipient, "RUS");
        CHECK(cs.v[0].items & TALLY_ITEM_BALLISTIC_MISSILE);
        CHECK_STR_EQ(cs.v[0].source_country, "UKR");
    }
    tally_arena_free(a);
}

static void test_extract_out_of_scope_figures_are_dropped(void)
{
    tally_arena *a = tally_arena_new();
    /* counts of nothing in scope: people sanctioned, kilometres, years */
    tally_claims cs = run("The ministry sanctioned 500 individuals in 2023 and the port lies "
                          "300 kilometres away.",
                          "2024-05-10", NULL, a);
    CHECK_INT_EQ(cs.n, 0);
    tally_arena_free(a);
}

static void test_extract_money_and_hedges(void)
{
    tally_arena *a = tally_arena_new();
    tally_claims cs =
        run("Moscow reportedly wrote off $2 billion of Pyongyang's debt.", "2024-05-10", NULL, a);
    CHECK_INT_EQ(cs.n, 1);
    if (cs.n == 1) {
        CHECK_STR_EQ(tally_kind_name(cs.v[0].kind), "financial");
        CHECK_STR_EQ(tally_unit_name(&cs.v[0]), "USD");
        CHECK(cs.v[0].items & TALLY_ITEM_DEBT_RELIEF);
        CHECK(cs.v[0].hedged);
        CHECK_STR_EQ(cs.v[0].source, "author");
    }
    tally_arena_free(a);
}

static void test_extract_since_and_headline_source(void)
{
    tally_arena *a = tally_arena_new();
    tally_claims cs = run("Since last August, Iran has supplied Russia with more than 700 drones.",
                          "2023-03-15", "Iran keeps the drones coming - Reuters", a);
    CHECK_INT_EQ(cs.n, 1);
    if (cs.n == 1) {
        char buf[16];
        CHECK_STR_EQ(tally_date_format(cs.v[0].since, buf), "2022-08");
        CHECK_STR_EQ(cs.v[0].supplier, "IRN");
        CHECK_STR_EQ(cs.v[0].recipient, "RUS");
        CHECK_STR_EQ(cs.v[0].source, "Reuters");
    }
    tally_arena_free(a);
}

static void test_extract_surname_resolves_to_the_person(void)
{
    tally_arena *a = tally_arena_new();
    tally_claims cs = run("John Kirby spoke on Monday. Kirby said North Korea had given Russia "
                          "several dozen ballistic missiles.",
                          "2024-01-05", NULL, a);
    CHECK_INT_EQ(cs.n, 1);
    if (cs.n == 1) {
        CHECK_STR_EQ(cs.v[0].source, "John Kirby");
        CHECK_STR_EQ(cs.v[0].source_country, "USA");
        CHECK_STR_EQ(tally_qualifier_name(cs.v[0].qualifier), "at-least");
    }
    tally_arena_free(a);
}

static void test_extract_role_resolves_to_the_person(void)
{
    tally_arena *a = tally_arena_new();
    tally_claims cs = run("Shin Won-sik spoke to reporters. The South Korean defence minister said "
                          "the North had sent some 3,000 containers to Russia.",
                          "2024-02-26", NULL, a);
    CHECK_INT_EQ(cs.n, 1);
    if (cs.n == 1) {
        CHECK_STR_EQ(cs.v[0].source, "Shin Won-sik");
        CHECK_STR_EQ(cs.v[0].source_country, "KOR");
    }
    tally_arena_free(a);
}

static void test_extract_official_before_the_outlet_relaying_him(void)
{
    expect_source("John Kirby said Iran had delivered more than 300 drones to Russia, according "
                  "to Reuters.",
                  "2023-01-10", "John Kirby");
    expect_source("The shipment included 200 missiles, according to Reuters.", "2023-01-10",
                  "Reuters");
}

static void test_extract_planned_and_received(void)
{
    tally_arena *a = tally_arena_new();
    tally_claims cs = run("Moscow is in the process of purchasing 500,000 shells from Pyongyang. "
                          "Russia received 20 shipments from North Korea.",
                          "2023-09-10", NULL, a);
    CHECK_INT_EQ(cs.n, 2);
    if (cs.n == 2) {
        CHECK_STR_EQ(tally_kind_name(cs.v[0].kind), "planned");
        CHECK_STR_EQ(cs.v[0].supplier, "PRK");
        CHECK_STR_EQ(cs.v[0].recipient, "RUS");
        CHECK_STR_EQ(tally_kind_name(cs.v[1].kind), "transfer");
        CHECK_STR_EQ(tally_unit_name(&cs.v[1]), "trip");
        CHECK_STR_EQ(cs.v[1].supplier, "PRK");
        CHECK_STR_EQ(cs.v[1].recipient, "RUS");
    }
    tally_arena_free(a);
}

static void test_extract_goods_flow_back(void)
{
    tally_arena *a = tally_arena_new();
    /* with only the two states known, food goes back to the arms supplier */
    tally_claims cs = run("North Korea and Russia trade. In return, about 4,000 containers of "
                          "food and fuel were sent.",
                          "2024-02-26", NULL, a);
    CHECK_INT_EQ(cs.n, 1);
    if (cs.n == 1) {
        CHECK_STR_EQ(cs.v[0].supplier, "RUS");
        CHECK_STR_EQ(cs.v[0].recipient, "PRK");
        CHECK(cs.v[0].items & TALLY_ITEM_FOOD);
        CHECK(cs.v[0].items & TALLY_ITEM_FUEL);
    }
    tally_arena_free(a);
}

static void test_extract_prices_outcomes_and_shares_are_not_claims(void)
{
    tally_arena *a = tally_arena_new();
    tally_claims cs = run("Each drone costs $20,000 and 40 of 120 drones were shot down, while the "
                          "port's volume grew 5%.",
                          "2023-01-10", NULL, a);
    /* only the 120 drones remain */
    CHECK_INT_EQ(cs.n, 1);
    if (cs.n == 1)
        CHECK_DBL_EQ(cs.v[0].low, 120);
    tally_arena_free(a);
}

static void test_extract_noun_named_before_the_figure(void)
{
    tally_arena *a = tally_arena_new();
    tally_claims cs =
        run("Seoul said the number of shells Pyongyang has sent to Moscow could be as "
            "high as 2 million.",
            "2024-05-10", NULL, a);
    CHECK_INT_EQ(cs.n, 1);
    if (cs.n == 1) {
        CHECK_STR_EQ(tally_unit_name(&cs.v[0]), "round");
        CHECK_STR_EQ(tally_qualifier_name(cs.v[0].qualifier), "up-to");
        CHECK_DBL_EQ(cs.v[0].high, 2e6);
        CHECK(cs.v[0].hedged);
    }
    tally_arena_free(a);
}

static void test_extract_lowercase_russia(void)
{
    tally_arena *a = tally_arena_new();
    /* a convention of many Ukrainian outlets since 2022 */
    tally_claims cs = run("Iran has delivered 400 drones to russia, and russian troops fired them.",
                          "2023-01-10", NULL, a);
    CHECK_INT_EQ(cs.n, 1);
    if (cs.n == 1) {
        CHECK_STR_EQ(cs.v[0].supplier, "IRN");
        CHECK_STR_EQ(cs.v[0].recipient, "RUS");
    }
    tally_arena_free(a);
}

static void test_extract_value_of_goods_and_own_production(void)
{
    tally_arena *a = tally_arena_new();
    tally_claims cs = run("Officials said China exported $200 million worth of drone components "
                          "to Russia. Russia's shell production reached 2 million rounds.",
                          "2024-05-10", NULL, a);
    CHECK_INT_EQ(cs.n, 2);
    if (cs.n == 2) {
        CHECK_STR_EQ(tally_kind_name(cs.v[0].kind), "transfer");
        CHECK_STR_EQ(tally_unit_name(&cs.v[0]), "USD");
        CHECK_STR_EQ(cs.v[0].supplier, "CHN");
        CHECK_STR_EQ(cs.v[0].recipient, "RUS");
        CHECK_STR_EQ(tally_kind_name(cs.v[1].kind), "production");
        CHECK_STR_EQ(cs.v[1].supplier, "RUS");
        CHECK_STR_EQ(cs.v[1].recipient, "");
    }
    tally_arena_free(a);
}

static void test_extract_each_clause_has_its_speaker(void)
{
    tally_arena *a = tally_arena_new();
    tally_claims cs = run("Seoul said North Korea sent about 6,000 containers to Russia; Kyiv said "
                          "Moscow had received 3 million shells from Pyongyang.",
                          "2024-03-01", NULL, a);
    CHECK_INT_EQ(cs.n, 2);
    if (cs.n == 2) {
        CHECK_STR_EQ(cs.v[0].source, "Seoul");
        CHECK_STR_EQ(cs.v[0].supplier, "PRK");
        CHECK_STR_EQ(cs.v[1].source, "Kyiv");
        CHECK_STR_EQ(cs.v[1].supplier, "PRK");
        CHECK_STR_EQ(cs.v[1].recipient, "RUS");
    }
    tally_arena_free(a);
}

/* cw_find (src/extract/claimwords.gperf) compares a byte with the 0x20 bit
 * set to a claim word's: right only while claim words are lower-case ASCII
 * letters. It must find what gperf's cw_lookup finds, in any case. */
static void test_extract_claim_word_find(void)
{
    size_t words = 0;
    const claim_word *e;
    for (size_t i = 0; (e = cw_slot(i)) != NULL; i++) {
        size_t n = strlen(e->word);
        if (n == 0)
            continue;
        words++;
        char up[32], odd[32];
        CHECK(n < sizeof up);
        if (n >= sizeof up)
            continue;
        for (size_t k = 0; k < n; k++) {
            CHECK(e->word[k] >= 'a' && e->word[k] <= 'z');
            up[k] = (char)(e->word[k] - 'a' + 'A');
        }
        CHECK(cw_find(e->word, n) == e && cw_lookup(e->word, n) == e);
        CHECK(cw_find(up, n) == e && cw_lookup(up, n) == e);
        /* any byte but the letter or its capital makes another word: the
         * letter with its 0x40 bit flipped (punctuation), or a digit */
        for (size_t k = 0; k < n; k++) {
            memcpy(odd, e->word, n);
            odd[k] = (char)(e->word[k] ^ 0x40);
            CHECK(cw_find(odd, n) == NULL && cw_lookup(odd, n) == NULL);
            odd[k] = '1';
            CHECK(cw_find(odd, n) == NULL && cw_lookup(odd, n) == NULL);
        }
    }
    CHECK(words > 400);
    CHECK(cw_find("Said", 4) != NULL && cw_find("sai", 3) == NULL && cw_find("saids", 5) == NULL);
}

/* The vocabulary of western aid (CLAIMS.md): tanks, armoured vehicles,
 * aircraft and helicopters are vehicles; launchers and guns are weapons and
 * air defence systems air-defence, both counted as items. */
static void test_extract_vehicles_weapons_and_air_defence(void)
{
    tally_arena *a = tally_arena_new();
    tally_claims cs =
        run("Germany will send Ukraine 25 Leopard tanks, 40 armoured vehicles and six "
            "fighter jets, the ministry said. Berlin also pledged four IRIS-T air "
            "defence systems and 18 wheeled howitzers to Kyiv. Britain will give "
            "Ukraine 33 multiple rocket launchers and 12 helicopters.",
            "2024-05-10", NULL, a);
    static const struct {
        const char *unit;
        uint32_t items;
        double low;
    } want[] = {{"vehicle", TALLY_ITEM_VEHICLE, 25}, {"vehicle", TALLY_ITEM_VEHICLE, 40},
                {"vehicle", TALLY_ITEM_VEHICLE, 6},  {"item", TALLY_ITEM_AIR_DEFENCE, 4},
                {"item", TALLY_ITEM_WEAPONS, 18},    {"item", TALLY_ITEM_WEAPONS, 33},
                {"vehicle", TALLY_ITEM_VEHICLE, 12}};
    CHECK_INT_EQ(cs.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < cs.n && i < sizeof want / sizeof want[0]; i++) {
        CHECK_STR_EQ(tally_unit_name(&cs.v[i]), want[i].unit);
        CHECK_INT_EQ(cs.v[i].items, want[i].items);
        CHECK_DBL_EQ(cs.v[i].low, want[i].low);
        CHECK_STR_EQ(cs.v[i].recipient, "UKR");
    }
    tally_arena_free(a);
}

/* The noun a figure counts past model numbers ("Leopard 1"), cue words that
 * modify it ("shipping containers") and two modifiers joined by "and";
 * "unmanned aerial vehicles" are drones; officers are people. */
static void test_extract_counted_noun_phrases(void)
{
    tally_arena *a = tally_arena_new();
    tally_claims cs =
        run("Germany has sent Ukraine 30 upgraded Leopard 1 A5 tanks. Seoul said North "
            "Korea shipped 10,000 shipping containers to Russia. Iran delivered 160 "
            "unmanned aerial vehicles to Russia. Pyongyang sent 500 officers to Russia. "
            "Britain will send Ukraine 1,600 offensive and defensive missiles. The "
            "Netherlands will send Ukraine six F-16 fighters. Germany will give Ukraine "
            "24 drone detection systems.",
            "2024-05-10", NULL, a);
    static const struct {
        const char *unit;
        double low;
    } want[] = {{"vehicle", 30},   {"container", 10000}, {"drone", 160}, {"person", 500},
                {"missile", 1600}, {"vehicle", 6},       {"item", 24}};
    CHECK_INT_EQ(cs.n, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < cs.n && i < sizeof want / sizeof want[0]; i++) {
        CHECK_STR_EQ(tally_unit_name(&cs.v[i]), want[i].unit);
        CHECK_DBL_EQ(cs.v[i].low, want[i].low);
    }
    tally_arena_free(a);
}

/* Money in any ISO 4217 currency keeps it: euros, pounds, kroner, crowns. */
static void test_extract_currencies(void)
{
    tally_arena *a = tally_arena_new();
    tally_claims cs = run("Germany approved a package worth \u20ac700 million for Ukraine. Britain "
                          "pledged \u00a3225 million to Ukraine. Denmark pledged DKK 2.1 billion "
                          "to Ukraine, and Prague sent Kyiv weapons worth 40 billion crowns.",
                          "2024-05-10", NULL, a);
    static const char *const want[] = {"EUR", "GBP", "DKK", "CZK"};
    CHECK_INT_EQ(cs.n, 4);
    for (size_t i = 0; i < cs.n && i < 4; i++) {
        CHECK_INT_EQ(cs.v[i].unit, TALLY_UNIT_MONEY);
        CHECK_STR_EQ(tally_unit_name(&cs.v[i]), want[i]);
        CHECK(tally_currency_name(tally_unit_name(&cs.v[i])) != NULL);
        CHECK_STR_EQ(cs.v[i].recipient, "UKR");
    }
    tally_arena_free(a);
}

static void test_extract_the_party_an_outlet_cites(void)
{
    expect_source("The Financial Times, citing Ukrainian intelligence, reported that North Korea "
                  "sent some 50 howitzers to Russia.",
                  "2024-11-20", "Ukrainian intelligence");
    expect_source("According to BBC reports citing Western officials, about 1,000 North Korean "
                  "soldiers have been killed.",
                  "2024-12-20", "Western officials");
}

static void test_extract_an_acronym_in_brackets_stays_with_its_speaker(void)
{
    /* "X (ACRONYM) said": the speaker is X, not nobody */
    expect_source("Pyongyang shipped about 5,000 containers to Russia, Ukraine's military "
                  "intelligence (HUR) said on Monday.",
                  "2024-05-10", "Ukraine's military intelligence");
    expect_source("Pyongyang shipped about 5,000 containers to Russia, the Main Directorate (HUR) "
                  "said on Monday.",
                  "2024-05-10", "HUR");
    expect_source("Russia received some 3,000 North Korean troops in October, the Defense "
                  "Intelligence Agency (DIA) said.",
                  "2024-11-10", "Defense Intelligence Agency");
}

static void test_extract_a_name_is_no_attribution(void)
{
    /* "States" of "the United States has", "states" of "Member states have" */
    expect_source("In total, the United States has now committed about $9.8 billion in security "
                  "assistance to Ukraine.",
                  "2022-08-08", "author");
    expect_source("Member states have delivered around 223,800 artillery shells to Ukraine.",
                  "2023-11-10", "author");
}

static void test_extract_a_person_named_with_his_body_and_office(void)
{
    /* CLAIMS.md: the most specific name; "EU spokesman X" is X */
    expect_source("Iran has delivered more than 300 drones to Russia, Pentagon spokesman "
                  "Pat Ryder said.",
                  "2023-01-10", "Pat Ryder");
    expect_source("Member states have delivered 90,000 shells to Ukraine, EU spokesman Hans "
                  "Maier said on Friday.",
                  "2023-08-11", "Hans Maier");
    /* no name after the office: the body stays the source */
    expect_source("Iran has delivered more than 300 drones to Russia, a Pentagon spokesman said.",
                  "2023-01-10", "Pentagon");
    expect_source("Iran has delivered more than 300 drones to Russia, the Pentagon said.",
                  "2023-01-10", "Pentagon");
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"extract_transfer_with_parties_and_source", test_extract_transfer_with_parties_and_source},
        {"extract_an_acronym_in_brackets_stays_with_its_speaker",
         test_extract_an_acronym_in_brackets_stays_with_its_speaker},
        {"extract_equivalence_follows_its_count", test_extract_equivalence_follows_its_count},
        {"extract_consumption_and_demonym_supplier", test_extract_consumption_and_demonym_supplier},
        {"extract_out_of_scope_figures_are_dropped", test_extract_out_of_scope_figures_are_dropped},
        {"extract_money_and_hedges", test_extract_money_and_hedges},
        {"extract_since_and_headline_source", test_extract_since_and_headline_source},
        {"extract_surname_resolves_to_the_person", test_extract_surname_resolves_to_the_person},
        {"extract_role_resolves_to_the_person", test_extract_role_resolves_to_the_person},
        {"extract_official_before_the_outlet_relaying_him",
         test_extract_official_before_the_outlet_relaying_him},
        {"extract_planned_and_received", test_extract_planned_and_received},
        {"extract_goods_flow_back", test_extract_goods_flow_back},
        {"extract_noun_named_before_the_figure", test_extract_noun_named_before_the_figure},
        {"extract_lowercase_russia", test_extract_lowercase_russia},
        {"extract_each_clause_has_its_speaker", test_extract_each_clause_has_its_speaker},
        {"extract_value_of_goods_and_own_production",
         test_extract_value_of_goods_and_own_production},
        {"extract_prices_outcomes_and_shares_are_not_claims",
         test_extract_prices_outcomes_and_shares_are_not_claims},
        {"extract_claim_word_find", test_extract_claim_word_find},
        {"extract_vehicles_weapons_and_air_defence", test_extract_vehicles_weapons_and_air_defence},
        {"extract_counted_noun_phrases", test_extract_counted_noun_phrases},
        {"extract_currencies", test_extract_currencies},
        {"extract_the_party_an_outlet_cites", test_extract_the_party_an_outlet_cites},
        {"extract_a_name_is_no_attribution", test_extract_a_name_is_no_attribution},
        {"extract_a_person_named_with_his_body_and_office",
         test_extract_a_person_named_with_his_body_and_office},
        {NULL, NULL},
    };
    return harness_run(tests);
}
