/* Tests of tally check's rules for contradicting events
 * (src/estimate/event_check.c): each rule fires on a case it must, and stays
 * silent on the nearest cases it must not. */
#include "tally/event_check.h"

#include <string.h>

#include "harness.h"

/* A fact: TYPE MODE AUX from ACTOR to RECIPIENT about ABOUT, dated DATE,
 * reported on STATED ("" for none). */
static tally_event_fact fact(tally_event_type type, tally_event_mode mode, tally_event_aux aux,
                             const char *actor, const char *recipient, const char *about,
                             const char *date, const char *stated)
{
    tally_event_fact f;
    memset(&f, 0, sizeof f);
    f.doc = "doc";
    f.type = type;
    f.mode = mode;
    f.aux = aux;
    strcpy(f.actor, actor);
    strcpy(f.recipient, recipient);
    f.about = about;
    if (date[0] != '\0')
        CHECK_INT_EQ(tally_date_parse(date, strlen(date), &f.date), 0);
    if (stated[0] != '\0')
        CHECK_INT_EQ(tally_date_parse(stated, strlen(stated), &f.stated), 0);
    return f;
}

struct found {
    size_t n;
    const char *rule;
    size_t a, b;
    char why[512];
};

static void on_found(const tally_event_contradiction *x, void *user)
{
    struct found *f = user;
    f->n++;
    f->rule = x->rule;
    f->a = x->a;
    f->b = x->b;
    memcpy(f->why, x->why, sizeof f->why);
}

static struct found check(const tally_event_fact *ev, size_t n)
{
    struct found f = {0, NULL, 0, 0, ""};
    tally_check_events(ev, n, on_found, &f);
    return f;
}

#define SUPPORT TALLY_EVENT_SUPPORT
#define REJECT TALLY_EVENT_REJECT
#define CONSULT TALLY_EVENT_CONSULT
#define VOTE TALLY_EVMODE_VOTE
#define VISIT TALLY_EVMODE_VISIT
#define REAL TALLY_EVAUX_NONE
#define NEG TALLY_EVAUX_NEGATION

/* North Korea reported voting against ES-11/1 (serving Russia) and for it. */
static void test_event_check_vote_both_ways_fires(void)
{
    tally_event_fact ev[] = {
        fact(SUPPORT, VOTE, REAL, "PRK", "RUS", "A/RES/ES-11/1", "2022-03-02", "2022-03-02"),
        fact(TALLY_EVENT_AID, TALLY_EVMODE_MILITARY, REAL, "PRK", "RUS", NULL, "2023-09", ""),
        fact(REJECT, VOTE, REAL, "PRK", "RUS", "a/res/es-11/1 ", "2022-03-02", "2022-03-03"),
    };
    struct found f = check(ev, 3);
    CHECK_INT_EQ(f.n, 1);
    CHECK_STR_EQ(f.rule, "vote-both-ways");
    CHECK_INT_EQ(f.a, 0);
    CHECK_INT_EQ(f.b, 2);
    CHECK(strstr(f.why, "PRK") != NULL && strstr(f.why, "A/RES/ES-11/1") != NULL);
    /* no resolution named: the same day makes it one vote */
    tally_event_fact same_day[] = {
        fact(REJECT, VOTE, REAL, "CHN", "RUS", NULL, "2022-04-07", ""),
        fact(SUPPORT, VOTE, REAL, "CHN", "RUS", NULL, "2022-04-07", ""),
    };
    f = check(same_day, 2);
    CHECK_INT_EQ(f.n, 1);
    CHECK_INT_EQ(f.a, 1);
    CHECK_INT_EQ(f.b, 0);
}

/* Votes that do not contradict: other resolutions, other states, one way
 * twice, a negated vote, another recipient, undated votes on no named
 * resolution. */
static void test_event_check_vote_both_ways_silent(void)
{
    tally_event_fact ev[] = {
        fact(SUPPORT, VOTE, REAL, "PRK", "RUS", "A/RES/ES-11/1", "2022-03-02", ""),
        fact(REJECT, VOTE, REAL, "PRK", "RUS", "A/RES/ES-11/4", "2022-10-12", ""),
        fact(REJECT, VOTE, REAL, "BLR", "RUS", "A/RES/ES-11/1", "2022-03-02", ""),
        fact(SUPPORT, VOTE, REAL, "PRK", "RUS", "A/RES/ES-11/1", "2022-03-02", ""),
        fact(REJECT, VOTE, NEG, "PRK", "RUS", "A/RES/ES-11/1", "2022-03-02", ""),
        fact(REJECT, VOTE, REAL, "PRK", "UKR", "A/RES/ES-11/1", "2022-03-02", ""),
        fact(REJECT, TALLY_EVMODE_TREATY, REAL, "PRK", "RUS", "A/RES/ES-11/1", "2022-03-02", ""),
        fact(SUPPORT, VOTE, REAL, "IRN", "RUS", NULL, "2022", ""),
        fact(REJECT, VOTE, REAL, "IRN", "RUS", NULL, "2022", ""),
        fact(SUPPORT, VOTE, REAL, "CHN", "RUS", NULL, "2022-04-07", ""),
        fact(REJECT, VOTE, REAL, "CHN", "RUS", "A/RES/ES-11/5", "2022-04-07", ""),
    };
    struct found f = check(ev, sizeof ev / sizeof ev[0]);
    CHECK_INT_EQ(f.n, 0);
}

/* A visit reported on a day inside the period whose visit was cancelled,
 * and after the cancellation was reported; and without a cancelled period,
 * within 31 days of the report. */
static void test_event_check_visit_after_cancellation_fires(void)
{
    tally_event_fact ev[] = {
        fact(CONSULT, VISIT, NEG, "PRK", "RUS", NULL, "2024-03", "2024-03-01"),
        fact(CONSULT, VISIT, REAL, "PRK", "RUS", NULL, "2024-03-15", "2024-03-16"),
    };
    struct found f = check(ev, 2);
    CHECK_INT_EQ(f.n, 1);
    CHECK_STR_EQ(f.rule, "visit-after-cancellation");
    CHECK_INT_EQ(f.a, 1);
    CHECK_INT_EQ(f.b, 0);
    CHECK(strstr(f.why, "2024-03-15") != NULL && strstr(f.why, "2024-03-01") != NULL);
    tally_event_fact undated[] = {
        fact(CONSULT, VISIT, REAL, "RUS", "PRK", NULL, "2024-07-10", ""),
        fact(CONSULT, VISIT, NEG, "RUS", "PRK", NULL, "", "2024-06-20"),
    };
    f = check(undated, 2);
    CHECK_INT_EQ(f.n, 1);
    CHECK_INT_EQ(f.a, 0);
    CHECK_INT_EQ(f.b, 1);
}

/* Visits that do not contradict a cancellation: before it was reported,
 * after the period it cancelled, long after an undated one, by another
 * state or to another, undated, itself only planned, and no cancellation
 * at all. */
static void test_event_check_visit_after_cancellation_silent(void)
{
    tally_event_fact ev[] = {
        fact(CONSULT, VISIT, NEG, "PRK", "RUS", NULL, "2024-03", "2024-03-10"),
        fact(CONSULT, VISIT, REAL, "PRK", "RUS", NULL, "2024-03-05", ""),
        fact(CONSULT, VISIT, REAL, "PRK", "RUS", NULL, "2024-04-02", ""),
        fact(CONSULT, VISIT, REAL, "RUS", "PRK", NULL, "2024-03-20", ""),
        fact(CONSULT, VISIT, REAL, "PRK", "CHN", NULL, "2024-03-20", ""),
        fact(CONSULT, VISIT, REAL, "PRK", "RUS", NULL, "", "2024-03-20"),
        fact(CONSULT, VISIT, TALLY_EVAUX_FUTURE, "PRK", "RUS", NULL, "2024-03-20", ""),
        fact(CONSULT, TALLY_EVMODE_PHONE, REAL, "PRK", "RUS", NULL, "2024-03-20", ""),
        fact(CONSULT, VISIT, NEG, "IRN", "RUS", NULL, "", "2024-01-01"),
        fact(CONSULT, VISIT, REAL, "IRN", "RUS", NULL, "2024-05-01", ""),
    };
    struct found f = check(ev, sizeof ev / sizeof ev[0]);
    CHECK_INT_EQ(f.n, 0);
    tally_event_fact none[] = {
        fact(CONSULT, VISIT, REAL, "PRK", "RUS", NULL, "2023-09-13", "2023-09-13"),
        fact(CONSULT, VISIT, REAL, "PRK", "RUS", NULL, "2023-09-13", "2023-09-14"),
    };
    f = check(none, 2);
    CHECK_INT_EQ(f.n, 0);
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"event_check_vote_both_ways_fires", test_event_check_vote_both_ways_fires},
        {"event_check_vote_both_ways_silent", test_event_check_vote_both_ways_silent},
        {"event_check_visit_after_cancellation_fires",
         test_event_check_visit_after_cancellation_fires},
        {"event_check_visit_after_cancellation_silent",
         test_event_check_visit_after_cancellation_silent},
        {NULL, NULL},
    };
    return harness_run(tests);
}
