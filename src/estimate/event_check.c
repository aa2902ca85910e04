/* tally: contradicting events (include/tally/event_check.h): a state voting
 * both ways on one resolution; a visit after its stated cancellation.
 * Part of stage 4, the estimate stage: includes the public headers of base,
 * the model, read, extract, store and estimate, and its own. */
#include "tally/event_check.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Whether `a` and `b` are the same words, any case and spacing. */
static bool same_words(const char *a, const char *b)
{
    for (;;) {
        while (*a == ' ' || *a == '\t')
            a++;
        while (*b == ' ' || *b == '\t')
            b++;
        if (*a == '\0' || *b == '\0')
            return *a == *b;
        char ca = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        char cb = *b >= 'A' && *b <= 'Z' ? (char)(*b - 'A' + 'a') : *b;
        if (ca != cb)
            return false;
        a++;
        b++;
    }
}

static bool is_vote(const tally_event_fact *e)
{
    return e->mode == TALLY_EVMODE_VOTE && e->aux == TALLY_EVAUX_NONE &&
           (e->type == TALLY_EVENT_SUPPORT || e->type == TALLY_EVENT_REJECT);
}

static bool is_visit(const tally_event_fact *e)
{
    return e->type == TALLY_EVENT_CONSULT && e->mode == TALLY_EVMODE_VISIT;
}

/* Whether two votes are on one resolution: the same about, else (neither
 * naming one) the same day. */
static bool one_resolution(const tally_event_fact *a, const tally_event_fact *b)
{
    if (a->about != NULL && b->about != NULL)
        return same_words(a->about, b->about);
    return a->about == NULL && b->about == NULL && a->date.day != 0 &&
           tally_date_cmp(a->date, b->date) == 0;
}

static const char *resolution(const tally_event_fact *e, char buf[16])
{
    return e->about != NULL ? e->about : tally_date_format(e->date, buf);
}

static void votes(const tally_event_fact *ev, size_t n,
                  void (*fn)(const tally_event_contradiction *x, void *user), void *user)
{
    for (size_t i = 0; i < n; i++) {
        if (!is_vote(&ev[i]) || ev[i].type != TALLY_EVENT_SUPPORT)
            continue;
        for (size_t j = 0; j < n; j++) {
            const tally_event_fact *a = &ev[i], *b = &ev[j];
            if (!is_vote(b) || b->type != TALLY_EVENT_REJECT || strcmp(a->actor, b->actor) != 0 ||
                strcmp(a->recipient, b->recipient) != 0 || !one_resolution(a, b))
                continue;
            tally_event_contradiction x = {"vote-both-ways", i, j, ""};
            char d[16];
            snprintf(x.why, sizeof x.why,
                     "%s reported voting on %s both on the side of %s (%s) and against it (%s)",
                     a->actor[0] != '\0' ? a->actor : "a state", resolution(a, d),
                     a->recipient[0] != '\0' ? a->recipient : "its cause", a->doc, b->doc);
            fn(&x, user);
        }
    }
}

/* The days a cancellation covers, from the day it was reported to the end
 * of the period it cancelled (its own date), else 31 days later; false when
 * it cannot be placed or covers none. */
static bool cancelled_days(const tally_event_fact *c, long *from, long *to)
{
    if (c->stated.year == 0 && c->date.year == 0)
        return false;
    *from = c->stated.year != 0 ? tally_day_of(c->stated, false) : tally_day_of(c->date, false);
    *to = c->date.year != 0 ? tally_day_of(c->date, true) : *from + 31;
    return *to >= *from;
}

static void visits(const tally_event_fact *ev, size_t n,
                   void (*fn)(const tally_event_contradiction *x, void *user), void *user)
{
    for (size_t i = 0; i < n; i++) {
        const tally_event_fact *c = &ev[i];
        long from, to;
        if (!is_visit(c) || c->aux != TALLY_EVAUX_NEGATION || !cancelled_days(c, &from, &to))
            continue;
        for (size_t j = 0; j < n; j++) {
            const tally_event_fact *v = &ev[j];
            if (!is_visit(v) || v->aux != TALLY_EVAUX_NONE || v->date.year == 0 ||
                strcmp(v->actor, c->actor) != 0 || strcmp(v->recipient, c->recipient) != 0)
                continue;
            long day = tally_day_of(v->date, false);
            if (day < from || day > to)
                continue;
            tally_event_contradiction x = {"visit-after-cancellation", j, i, ""};
            char d[16], s[16];
            snprintf(x.why, sizeof x.why,
                     "a visit by %s to %s dated %s (%s) after its cancellation was reported on %s"
                     " (%s)",
                     v->actor[0] != '\0' ? v->actor : "?",
                     v->recipient[0] != '\0' ? v->recipient : "?", tally_date_format(v->date, d),
                     v->doc, tally_date_format(c->stated.year != 0 ? c->stated : c->date, s),
                     c->doc);
            fn(&x, user);
        }
    }
}

void tally_check_events(const tally_event_fact *ev, size_t n,
                        void (*fn)(const tally_event_contradiction *x, void *user), void *user)
{
    votes(ev, n, fn, user);
    visits(ev, n, fn, user);
}
