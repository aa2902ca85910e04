/* Tests of the event model (src/model/event.c) and of the event coder's
 * parts that do not need a model (src/extract/events.c): its party codes
 * and the rules' events. */
#include "tally/event.h"

#include <string.h>

#include "events.h"
#include "harness.h"
#include "tally/actor.h"
#include "tally/extract.h"

/* Every row of every table reads back through its parser. */
static void test_event_slugs_parse_back(void)
{
    for (int t = 0; t < TALLY_EVENT_TYPE_N; t++) {
        tally_event_type back = TALLY_EVENT_AGREE;
        const char *s = tally_event_type_name((tally_event_type)t);
        CHECK_INT_EQ(tally_event_type_parse(s, strlen(s), &back), 0);
        CHECK_INT_EQ((int)back, t);
    }
    for (int m = TALLY_EVMODE_NONE + 1; m < TALLY_EVMODE_N; m++) {
        tally_event_mode back = TALLY_EVMODE_NONE;
        const char *s = tally_event_mode_name((tally_event_mode)m);
        CHECK_INT_EQ(tally_event_mode_parse(s, strlen(s), &back), 0);
        CHECK_INT_EQ((int)back, m);
        CHECK(tally_event_mode_term((tally_event_mode)m)->family != 0);
    }
    for (int a = TALLY_EVAUX_NONE + 1; a < TALLY_EVAUX_N; a++) {
        tally_event_aux back = TALLY_EVAUX_NONE;
        const char *s = tally_event_aux_name((tally_event_aux)a);
        CHECK_INT_EQ(tally_event_aux_parse(s, strlen(s), &back), 0);
        CHECK_INT_EQ((int)back, a);
    }
    CHECK(tally_event_mode_name(TALLY_EVMODE_NONE) == NULL);
    CHECK(tally_event_aux_name(TALLY_EVAUX_NONE) == NULL);
    tally_event_type t = TALLY_EVENT_AID;
    CHECK_INT_EQ(tally_event_type_parse("GIFT", 4, &t), TALLY_EINPUT);
    CHECK_INT_EQ((int)t, TALLY_EVENT_AID);
    CHECK_INT_EQ((int)tally_event_context_bit("technology", 10), TALLY_EVCTX_TECHNOLOGY);
    CHECK_INT_EQ((int)tally_event_context_bit("space", 5), 0);
}

static void test_event_party_codes(void)
{
    CHECK(tally_party_valid("PRK"));
    CHECK(tally_party_valid("UNGA"));
    CHECK(!tally_party_valid(""));
    CHECK(!tally_party_valid("G7"));
    CHECK(!tally_party_valid("prk"));
    CHECK(!tally_party_valid("TOOLONG"));
    /* the Soviet Union is Russia to the claims and SUN to the events */
    const char *text = "the Soviet Union, Russia, NATO, the UN Security Council and Yonhap";
    tally_arena *a = tally_arena_new();
    tally_actor_matches am;
    tally_err err = {0};
    CHECK_INT_EQ(tally_actors_scan((tally_span){text, strlen(text)}, &am, a, &err), 0);
    const char *want[] = {"SUN", "RUS", "NATO", "UNSC", NULL};
    CHECK_INT_EQ((int)am.n, 5);
    for (size_t i = 0; i < am.n && i < 5; i++) {
        char code[TALLY_PARTY_MAX];
        bool is = events_party_code(text, &am.v[i], code);
        CHECK(is == (want[i] != NULL));
        if (want[i] != NULL)
            CHECK_STR_EQ(code, want[i]);
    }
    tally_arena_free(a);
}

/* Without a model the rules code a claim's AID, and a summit between the
 * two parties the sentence names. */
static void test_event_rules(void)
{
    const char *text = "North Korea shipped 1,000 containers to Russia in May.\n\n"
                       "Russia and North Korea held a summit in Pyongyang.";
    tally_arena *a = tally_arena_new();
    tally_extract_opts o = {.rules_only = true, .events = true};
    tally_date d = {2024, 6, 1};
    tally_extractor *x = tally_extractor_open(d, NULL, &o);
    size_t cut = (size_t)(strstr(text, "\n\n") - text);
    tally_block b1 = {text, cut, 0}, b2 = {text + cut + 2, strlen(text) - cut - 2, cut + 2};
    tally_claims cs;
    tally_err err = {0};
    CHECK_INT_EQ(tally_extract_block(x, &b1, &cs, a, &err), 0);
    CHECK_INT_EQ((int)cs.events.n, 1);
    if (cs.events.n == 1) {
        const tally_event *e = &cs.events.v[0];
        CHECK_INT_EQ((int)e->type, TALLY_EVENT_AID);
        CHECK_STR_EQ(e->actor, "PRK");
        CHECK_STR_EQ(e->recipient, "RUS");
        CHECK_INT_EQ(e->date.year, 2024);
        CHECK_INT_EQ(e->date.month, 5);
        CHECK_STR_EQ(e->source, "author");
    }
    tally_arena_reset(a);
    CHECK_INT_EQ(tally_extract_block(x, &b2, &cs, a, &err), 0);
    CHECK_INT_EQ((int)cs.events.n, 1);
    if (cs.events.n == 1) {
        CHECK_INT_EQ((int)cs.events.v[0].type, TALLY_EVENT_CONSULT);
        CHECK_STR_EQ(cs.events.v[0].actor, "RUS");
        CHECK_STR_EQ(cs.events.v[0].recipient, "PRK");
        CHECK(cs.events.v[0].start >= cut + 2);
    }
    tally_extractor_free(x);
    tally_arena_free(a);
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"event_slugs_parse_back", test_event_slugs_parse_back},
        {"event_party_codes", test_event_party_codes},
        {"event_rules", test_event_rules},
        {NULL, NULL},
    };
    return harness_run(tests);
}
