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

/* The lexicon proposes every form of a trigger's verb or noun with the
 * same types and cues: a form left out ("helps" beside "help", "refuted",
 * "collaborates") is a sentence the type decision never hears of. */
static void test_event_lexicon_forms(void)
{
    static const struct {
        const char *forms[5];
        uint32_t types;
    } families[] = {
        {{"help", "helps", "helped", "helping", NULL}, T_AID},
        {{"assist", "assists", "assisted", "assisting", NULL}, T_AID},
        {{"collaborate", "collaborates", "collaborated", "collaborating", "collaboration"},
         T_COOPERATE},
        {{"cooperate", "cooperates", "cooperated", "cooperating", "cooperation"}, T_COOPERATE},
        {{"discuss", "discusses", "discussed", "discussing", "discussions"}, T_CONSULT},
        {{"refute", "refutes", "refuted", NULL, NULL}, T_REJECT},
        {{"sever", "severed", "severing", NULL, NULL}, T_SANCTION},
        {{"thank", "thanks", "thanked", "thanking", NULL}, T_SUPPORT},
    };
    for (size_t f = 0; f < sizeof families / sizeof families[0]; f++) {
        const event_word *first = NULL;
        for (size_t i = 0; i < 5 && families[f].forms[i] != NULL; i++) {
            const char *w = families[f].forms[i];
            const event_word *ew = ew_lookup(w, strlen(w));
            CHECK(ew != NULL);
            if (ew == NULL)
                continue;
            CHECK_INT_EQ((int)ew->types, (int)families[f].types);
            if (first == NULL)
                first = ew;
            CHECK_INT_EQ((int)ew->cues, (int)first->cues);
        }
    }
    /* a denial's forms are negations, and case does not matter */
    const event_word *ew = ew_lookup("Refuted", 7);
    CHECK(ew != NULL && (ew->cues & EVC_NEGATION) != 0);
    CHECK(ew_lookup("helpful", 7) == NULL);
}

/* Without a model the rules code a claim's AID, and a summit between the
 * two parties the sentence names; without the learned layer a block's
 * events come out of its own call, with a body that holds the block at its
 * offset. */
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
        CHECK(cs.events.body_offset == 0);
    }
    tally_arena_reset(a);
    CHECK_INT_EQ(tally_extract_block(x, &b2, &cs, a, &err), 0);
    CHECK_INT_EQ((int)cs.events.n, 1);
    if (cs.events.n == 1) {
        const tally_event *e = &cs.events.v[0];
        CHECK_INT_EQ((int)e->type, TALLY_EVENT_CONSULT);
        CHECK_STR_EQ(e->actor, "RUS");
        CHECK_STR_EQ(e->recipient, "PRK");
        CHECK(e->start >= cut + 2);
        /* the second block's sentence, read from the events' body */
        CHECK(cs.events.body_offset == cut + 2);
        CHECK(e->sentence_end - e->sentence_start == strlen(text) - cut - 2);
        CHECK(memcmp(cs.events.body + e->sentence_start - cs.events.body_offset, "Russia and",
                     10) == 0);
    }
    tally_arena_reset(a);
    CHECK(!tally_extract_finish(x, &cs, a));
    CHECK_INT_EQ((int)cs.events.n, 0);
    tally_extractor_free(x);
    tally_arena_free(a);
}

/* With the learned layer a sentence's events wait for the claims of its
 * window of paragraphs, and no longer: in a long document most come out of
 * the blocks' calls, as many as the finish would give at once (what waits
 * does not grow with the document), each with its sentence in its body. */
static void test_event_learned_streams(void)
{
    tally_learn_model lm;
    if (!events_model_bundled_view(&lm))
        SKIP("this build bundles no event model");
    enum { PARAS = 1200 };
    static const char para[] = "North Korea shipped 1,000 shells to Russia in May, officials said.";
    size_t len = sizeof para - 1;
    tally_arena *a = tally_arena_new();
    tally_date d = {2024, 6, 1};
    for (unsigned threads = 1; threads <= 2; threads++) {
        tally_extract_opts o = {.events = true, .threads = threads};
        tally_extractor *x = tally_extractor_open(d, NULL, &o);
        tally_err err = {0};
        size_t from_blocks = 0, from_finish = 0, wrong = 0, calls_with = 0;
        tally_claims cs;
        for (size_t i = 0; i < PARAS; i++) {
            tally_block b = {para, len, i * (len + 2)};
            CHECK_INT_EQ(tally_extract_block(x, &b, &cs, a, &err), 0);
            from_blocks += cs.events.n;
            calls_with += cs.events.n > 0;
            for (size_t k = 0; k < cs.events.n; k++) {
                const tally_event *e = &cs.events.v[k];
                wrong += e->sentence_start < cs.events.body_offset ||
                         e->sentence_start % (len + 2) != 0 ||
                         memcmp(cs.events.body + e->sentence_start - cs.events.body_offset,
                                "North Korea", 11) != 0;
            }
            tally_arena_reset(a);
        }
        bool more;
        do {
            more = tally_extract_finish(x, &cs, a);
            from_finish += cs.events.n;
            tally_arena_reset(a);
        } while (more);
        CHECK_INT_EQ((int)wrong, 0);
        /* one AID a paragraph */
        CHECK_INT_EQ((int)(from_blocks + from_finish), PARAS);
        CHECK(calls_with >= 5);
        CHECK(from_finish < PARAS / 2);
        tally_extractor_free(x);
    }
    tally_arena_free(a);
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"event_slugs_parse_back", test_event_slugs_parse_back},
        {"event_party_codes", test_event_party_codes},
        {"event_lexicon_forms", test_event_lexicon_forms},
        {"event_rules", test_event_rules},
        {"event_learned_streams", test_event_learned_streams},
        {NULL, NULL},
    };
    return harness_run(tests);
}
