/* Tests of the claim scorer (src/extract/score.c, claim_json.c): the rules of
 * ../shared/tools/score-claims, case by case; tests/e2e/train.sh compares
 * the two on whole corpora. */
#include "tally/score.h"

#include <stdlib.h>

#include "harness.h"

/* A claim read from a JSON line (non-strict unless `strict`). */
static tally_score_claim claim(const char *json, bool strict)
{
    tally_score_claim c;
    char *doc = NULL;
    tally_err err = {0, ""};
    int rc = tally_score_claim_parse(json, strlen(json), strict, &c, &doc, &err);
    CHECK_INT_EQ(rc, 0);
    if (rc != 0)
        fprintf(stderr, "  %s\n", err.msg);
    free(doc);
    return c;
}

static void test_score_sources_as_score_claims_compares(void)
{
    CHECK(tally_score_source_eq("the U.S. State Department", "US State Department"));
    CHECK(tally_score_source_eq("Shin Won-sik", "shin wonsik")); /* punctuation aside */
    CHECK(!tally_score_source_eq("Shin Won-sik", "Kim Jong Un"));
    CHECK(tally_score_source_eq("NIS", "South Korea's NIS"));
    CHECK(tally_score_source_eq("Author", "author"));
    /* containment, as the tool does, even where it is lenient */
    CHECK(tally_score_source_eq("US", "Russian officials"));
    CHECK(!tally_score_source_eq("", "author"));
    CHECK(tally_score_source_eq(NULL, ""));
}

static void test_score_matches_by_sentence_unit_and_value(void)
{
    tally_score_claim g[2] = {
        claim("{\"sentence\":\"North Korea sent 1,000 containers to Russia, it said.\","
              "\"unit\":\"container\",\"low\":1000,\"kind\":\"transfer\"}",
              false),
        claim("{\"sentence\":\"Russia fired 20 missiles.\",\"unit\":\"missile\",\"low\":20}",
              false)};
    tally_score_claim p[3] = {
        /* typographic quotes and spaces aside, the same sentence; 0.4 % off */
        claim("{\"sentence\":\"North  Korea sent 1,000 containers to Russia, it said.\","
              "\"unit\":\"container\",\"low\":1004,\"kind\":\"planned\"}",
              false),
        /* the right value in another unit */
        claim("{\"sentence\":\"Russia fired 20 missiles.\",\"unit\":\"drone\",\"low\":20}", false),
        /* 0.6 % off */
        claim("{\"sentence\":\"Russia fired 20 missiles.\",\"unit\":\"missile\",\"low\":20.12}",
              false)};
    tally_score s;
    memset(&s, 0, sizeof s);
    long m[3];
    tally_score_doc(g, 2, p, 3, NULL, &s, m);
    CHECK_INT_EQ(s.matched, 1);
    CHECK_INT_EQ(m[0], 0);
    CHECK_INT_EQ(m[1], -1);
    CHECK_INT_EQ(m[2], -1);
    CHECK_INT_EQ(s.attr[TALLY_SCORE_KIND], 0);
    CHECK_INT_EQ(s.attr[TALLY_SCORE_QUALIFIER], 1); /* both null */
    double pr, rc, f1 = tally_score_f1(&s, &pr, &rc);
    CHECK_DBL_EQ(pr, 1.0 / 3);
    CHECK_DBL_EQ(rc, 0.5);
    CHECK_DBL_EQ(f1, 0.4);
    for (int i = 0; i < 2; i++)
        tally_score_claim_clear(&g[i]);
    for (int i = 0; i < 3; i++)
        tally_score_claim_clear(&p[i]);
}

static void test_score_a_gold_claim_matches_once(void)
{
    /* two predictions of one gold claim: one matches, the other is wrong */
    tally_score_claim g = claim(
        "{\"sentence\":\"It sent 5 ships.\",\"unit\":\"ship\",\"low\":5,\"high\":null}", false);
    tally_score_claim p[2] = {
        claim("{\"sentence\":\"It sent 5 ships.\",\"unit\":\"ship\",\"low\":5}", false),
        claim("{\"sentence\":\"It sent 5 ships.\",\"unit\":\"ship\",\"low\":5}", false)};
    tally_score s;
    memset(&s, 0, sizeof s);
    tally_score_doc(&g, 1, p, 2, NULL, &s, NULL);
    CHECK_INT_EQ(s.matched, 1);
    CHECK_INT_EQ(s.predicted, 2);
    tally_score_claim_clear(&g);
    tally_score_claim_clear(&p[0]);
    tally_score_claim_clear(&p[1]);
}

static void test_score_dates_and_items(void)
{
    tally_score_claim g = claim("{\"sentence\":\"s\",\"unit\":\"round\",\"low\":1,\"since\":"
                                "\"2023-08\",\"as_of\":null,\"item\":[\"Rocket\",\"munitions\"]}",
                                false);
    tally_score_claim p = claim("{\"sentence\":\"s\",\"unit\":\"round\",\"low\":1,\"since\":"
                                "\"2023-08-15\",\"as_of\":\"2024-02-01\",\"item\":[\"munitions\","
                                "\"rocket\"]}",
                                false);
    CHECK(tally_score_attr_ok(TALLY_SCORE_SINCE, &p, &g, NULL));
    CHECK(!tally_score_attr_ok(TALLY_SCORE_SINCE, &g, &p, NULL));
    /* an as_of left null stands for the document's date */
    CHECK(tally_score_attr_ok(TALLY_SCORE_AS_OF, &p, &g, "2024-02-01"));
    CHECK(!tally_score_attr_ok(TALLY_SCORE_AS_OF, &p, &g, "2024-03-01"));
    CHECK(tally_score_attr_ok(TALLY_SCORE_ITEM, &p, &g, NULL));
    tally_score_claim_clear(&g);
    tally_score_claim_clear(&p);
}

static void test_score_bad_gold_lines_say_why(void)
{
    static const struct {
        const char *line, *why;
    } bad[] = {
        {"{\"sentence\": \"x\", ", "not JSON"},
        {"[1, 2]", "not a JSON object"},
        {"{\"sentence\":\"x\",\"unit\":\"tanks\",\"kind\":\"transfer\",\"low\":1}",
         "unknown unit 'tanks'"},
        {"{\"sentence\":\"x\",\"unit\":\"round\",\"kind\":\"sent\",\"low\":1}",
         "unknown kind 'sent'"},
        {"{\"sentence\":\"x\",\"unit\":\"round\",\"kind\":\"transfer\"}", "neither low nor high"},
        {"{\"sentence\":\"x\",\"unit\":\"round\",\"kind\":\"transfer\",\"low\":\"5\"}",
         "\"low\" is not a number"},
        {"{\"sentence\":\"x\",\"unit\":\"round\",\"kind\":\"transfer\",\"low\":5,"
         "\"item\":[\"tank\"]}",
         "unknown item 'tank'"},
        {"{\"sentence\":\"x\",\"unit\":\"round\",\"kind\":\"transfer\",\"low\":5,"
         "\"since\":\"May 2024\"}",
         "not YYYY"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tally_score_claim c;
        char *doc = NULL;
        tally_err err = {0, ""};
        CHECK_INT_EQ(
            tally_score_claim_parse(bad[i].line, strlen(bad[i].line), true, &c, &doc, &err),
            TALLY_EINPUT);
        if (strstr(err.msg, bad[i].why) == NULL)
            fprintf(stderr, "  '%s' lacks '%s'\n", err.msg, bad[i].why);
        CHECK(strstr(err.msg, bad[i].why) != NULL);
        CHECK(doc == NULL);
    }
    /* a currency is any ISO 4217 code */
    tally_score_claim c = claim(
        "{\"doc\":\"d\",\"sentence\":\"x\",\"unit\":\"DKK\",\"kind\":\"financial\",\"low\":5}",
        true);
    CHECK_STR_EQ(c.unit, "DKK");
    tally_score_claim_clear(&c);
}

static void test_score_empty_sets(void)
{
    tally_score s;
    memset(&s, 0, sizeof s);
    double p, r;
    CHECK_DBL_EQ(tally_score_f1(&s, &p, &r), 1.0);
    s.gold = 3;
    CHECK_DBL_EQ(tally_score_f1(&s, &p, &r), 0.0);
    CHECK_DBL_EQ(p, 0.0);
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"score_sources_as_score_claims_compares", test_score_sources_as_score_claims_compares},
        {"score_matches_by_sentence_unit_and_value", test_score_matches_by_sentence_unit_and_value},
        {"score_a_gold_claim_matches_once", test_score_a_gold_claim_matches_once},
        {"score_dates_and_items", test_score_dates_and_items},
        {"score_bad_gold_lines_say_why", test_score_bad_gold_lines_say_why},
        {"score_empty_sets", test_score_empty_sets},
        {NULL, NULL}};
    return harness_run(tests);
}
