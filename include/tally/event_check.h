/* tally: events that contradict each other (stage 4, the estimate stage:
 * src/estimate/event_check.c), as tally check reports them beside the
 * claims' contradictions. The caller owns the facts and every string they
 * point to. Includes the model's event.h. */
#ifndef TALLY_EVENT_CHECK_H
#define TALLY_EVENT_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "tally/date.h"
#include "tally/event.h"

/** What the rules read of a stored event. */
typedef struct tally_event_fact {
    int64_t id;
    const char *doc; /* the document's name */
    tally_event_type type;
    tally_event_mode mode;
    tally_event_aux aux;
    char actor[TALLY_PARTY_MAX];
    char recipient[TALLY_PARTY_MAX];
    const char *about; /* NULL for none */
    tally_date date;   /* the event's own date; year 0 for none */
    tally_date stated; /* when it was reported; year 0 when unknown */
} tally_event_fact;

/** Two events that cannot both be true. */
typedef struct tally_event_contradiction {
    const char *rule; /* "vote-both-ways", "visit-after-cancellation" */
    size_t a, b;      /* the facts involved */
    char why[512];
} tally_event_contradiction;

/** Finds contradictions among `ev[0..n)`, each pair once, in a stable order:
 *  - vote-both-ways: a state reported as voting for a resolution (SUPPORT
 *    mode vote) and against it (REJECT mode vote) with the same recipient,
 *    neither negated; one resolution is the same `about` (any case and
 *    spacing), else the same day when neither names one;
 *  - visit-after-cancellation: a visit (CONSULT mode visit, not negated,
 *    dated) by the same actor to the same recipient as a stated cancellation
 *    (CONSULT mode visit, aux negation), dated on or after the day the
 *    cancellation was reported and within the period it cancelled (its own
 *    date), or within 31 days of the report when it gives none.
 *  Calls `fn` for each. */
void tally_check_events(const tally_event_fact *ev, size_t n,
                        void (*fn)(const tally_event_contradiction *x, void *user), void *user);

#endif
