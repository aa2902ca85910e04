/* tally: the event model (src/model/event.c): one thing two states (or a
 * state and an international body) do to or for each other, as
 * ../shared/docs/EVENTS.md defines it after PLOVER (the Open Event Data
 * Alliance's ontology): a summit, a treaty, a gift, a vote at the UN, a
 * shipment of shells. Owned by src/model/; includes only base's headers,
 * date.h and claim.h (for tally_term).
 *
 * Each vocabulary is an X-macro table as in claim.h: a row gives the enum
 * constant, the EVENTS.md slug (which the parsers read back) and the name
 * people read. New rows go at the end of their table: contexts are stored
 * as bits, types and modes as their slugs. */
#ifndef TALLY_EVENT_H
#define TALLY_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tally/claim.h"
#include "tally/date.h"

/* PLOVER's event types: X(ENUM, slug, family, display); the family says
 * whether it is cooperation or conflict, verbal or material. */
#define TALLY_EVENT_TYPES(X)                                                                       \
    X(AGREE, "AGREE", TALLY_EVENT_FAM_COOP_VERBAL, "agree, promise, plan")                         \
    X(CONSULT, "CONSULT", TALLY_EVENT_FAM_COOP_VERBAL, "meet, visit, call")                        \
    X(SUPPORT, "SUPPORT", TALLY_EVENT_FAM_COOP_VERBAL, "support: treaty, vote, recognition")       \
    X(CONCEDE, "CONCEDE", TALLY_EVENT_FAM_COOP_VERBAL, "concede")                                  \
    X(COOPERATE, "COOPERATE", TALLY_EVENT_FAM_COOP_MATERIAL, "cooperate: trade, exercises")        \
    X(AID, "AID", TALLY_EVENT_FAM_COOP_MATERIAL, "aid: arms, troops, money, gifts")                \
    X(RETREAT, "RETREAT", TALLY_EVENT_FAM_COOP_MATERIAL, "retreat")                                \
    X(REQUEST, "REQUEST", TALLY_EVENT_FAM_CONFLICT_VERBAL, "request, seek")                        \
    X(ACCUSE, "ACCUSE", TALLY_EVENT_FAM_CONFLICT_VERBAL, "accuse, condemn")                        \
    X(REJECT, "REJECT", TALLY_EVENT_FAM_CONFLICT_VERBAL, "reject, deny, vote against")             \
    X(THREATEN, "THREATEN", TALLY_EVENT_FAM_CONFLICT_VERBAL, "threaten")                           \
    X(PROTEST, "PROTEST", TALLY_EVENT_FAM_CONFLICT_MATERIAL, "protest")                            \
    X(SANCTION, "SANCTION", TALLY_EVENT_FAM_CONFLICT_MATERIAL, "sanction, expel, cut ties")        \
    X(MOBILIZE, "MOBILIZE", TALLY_EVENT_FAM_CONFLICT_MATERIAL, "mobilize")                         \
    X(COERCE, "COERCE", TALLY_EVENT_FAM_CONFLICT_MATERIAL, "coerce")                               \
    X(ASSAULT, "ASSAULT", TALLY_EVENT_FAM_CONFLICT_MATERIAL, "assault")

enum {
    TALLY_EVENT_FAM_COOP_VERBAL = 1u << 0,
    TALLY_EVENT_FAM_COOP_MATERIAL = 1u << 1,
    TALLY_EVENT_FAM_CONFLICT_VERBAL = 1u << 2,
    TALLY_EVENT_FAM_CONFLICT_MATERIAL = 1u << 3
};

typedef enum tally_event_type {
#define TALLY_X(e, slug, fam, display) TALLY_EVENT_##e,
    TALLY_EVENT_TYPES(TALLY_X)
#undef TALLY_X
} tally_event_type;

#define TALLY_X(e, slug, fam, display) +1
enum { TALLY_EVENT_TYPE_N = 0 TALLY_EVENT_TYPES(TALLY_X) };
#undef TALLY_X

/* Modes: PLOVER's where the type has them, and EVENTS.md's own (vote,
 * recognition, treaty; AID's kinds; SANCTION's). X(ENUM, slug, family,
 * display): the family is the bits of the types the mode belongs to. */
#define TALLY_EV_T(t) (1u << TALLY_EVENT_##t)
#define TALLY_EVENT_MODES(X)                                                                       \
    X(VISIT, "visit", TALLY_EV_T(CONSULT), "a visit")                                              \
    X(PHONE, "phone", TALLY_EV_T(CONSULT), "a call")                                               \
    X(MULTILATERAL, "multilateral", TALLY_EV_T(CONSULT), "at a multilateral meeting")              \
    X(THIRD_PARTY, "third-party", TALLY_EV_T(CONSULT), "through a third party")                    \
    X(VOTE, "vote", TALLY_EV_T(SUPPORT) | TALLY_EV_T(REJECT), "a vote or veto")                    \
    X(RECOGNITION, "recognition", TALLY_EV_T(SUPPORT) | TALLY_EV_T(REJECT), "a recognition")       \
    X(TREATY, "treaty", TALLY_EV_T(SUPPORT) | TALLY_EV_T(REJECT), "a treaty signed or ratified")   \
    X(MILITARY, "military", TALLY_EV_T(AID), "military aid")                                       \
    X(ECONOMIC, "economic", TALLY_EV_T(AID) | TALLY_EV_T(SANCTION), "economic")                    \
    X(HUMANITARIAN, "humanitarian", TALLY_EV_T(AID), "humanitarian aid")                           \
    X(DEBT_RELIEF, "debt-relief", TALLY_EV_T(AID), "debt relief")                                  \
    X(GIFT, "gift", TALLY_EV_T(AID), "a gift")                                                     \
    X(PERSONNEL, "personnel", TALLY_EV_T(AID), "troops or workers")                                \
    X(DIPLOMATIC, "diplomatic", TALLY_EV_T(SANCTION), "diplomatic")                                \
    X(DISAPPROVE, "disapprove", TALLY_EV_T(ACCUSE), "disapproval")                                 \
    X(ALLEGE, "allege", TALLY_EV_T(ACCUSE), "an allegation")                                       \
    X(ASSIST, "assist", TALLY_EV_T(REQUEST), "asks for help")                                      \
    X(CHANGE, "change", TALLY_EV_T(REQUEST), "asks for a change")                                  \
    X(RESTRICT, "restrict", TALLY_EV_T(THREATEN), "threatens restrictions")

/** No mode (JSON null) comes before the rows. */
typedef enum tally_event_mode {
    TALLY_EVMODE_NONE,
#define TALLY_X(e, slug, fam, display) TALLY_EVMODE_##e,
    TALLY_EVENT_MODES(TALLY_X)
#undef TALLY_X
        TALLY_EVMODE_N
} tally_event_mode;

/* PLOVER's contexts a event may have: X(ENUM, slug, family, display);
 * stored as bits (tally_event.context). */
#define TALLY_EVENT_CONTEXTS(X)                                                                    \
    X(MILITARY, "military", 0, "military")                                                         \
    X(ECONOMIC, "economic", 0, "economic")                                                         \
    X(DIPLOMATIC, "diplomatic", 0, "diplomatic")                                                   \
    X(TECHNOLOGY, "technology", 0, "technology")                                                   \
    X(INTELLIGENCE, "intelligence", 0, "intelligence")                                             \
    X(EXECUTIVE, "executive", 0, "executive")                                                      \
    X(LEGAL, "legal", 0, "legal")                                                                  \
    X(HUMAN_SECURITY, "human_security", 0, "human security")                                       \
    X(CBRN, "cbrn", 0, "chemical, biological, radiological, nuclear")                              \
    X(NATURAL_RESOURCE, "natural_resource", 0, "natural resources")                                \
    X(CYBER, "cyber", 0, "cyber")

enum tally_event_context_index {
#define TALLY_X(e, slug, fam, display) TALLY_EVCTX_INDEX_##e,
    TALLY_EVENT_CONTEXTS(TALLY_X)
#undef TALLY_X
        TALLY_EVCTX_N
};
enum {
#define TALLY_X(e, slug, fam, display) TALLY_EVCTX_##e = 1u << TALLY_EVCTX_INDEX_##e,
    TALLY_EVENT_CONTEXTS(TALLY_X)
#undef TALLY_X
};

/* PLOVER's auxiliary modes; none (JSON null: a current, real event) first. */
#define TALLY_EVENT_AUXES(X)                                                                       \
    X(HISTORICAL, "historical", 0, "long past, told as background")                                \
    X(FUTURE, "future", 0, "promised or planned")                                                  \
    X(HYPOTHETICAL, "hypothetical", 0, "conditional or merely possible")                           \
    X(NEGATION, "negation", 0, "stated not to have happened")

typedef enum tally_event_aux {
    TALLY_EVAUX_NONE,
#define TALLY_X(e, slug, fam, display) TALLY_EVAUX_##e,
    TALLY_EVENT_AUXES(TALLY_X)
#undef TALLY_X
        TALLY_EVAUX_N
} tally_event_aux;

/** A party's code: an ISO 3166-1 alpha-3 code ("PRK"), "SUN" for the
 *  Soviet Union, or an international body ("UN", "UNSC", "UNGA", "EU",
 *  "NATO", "IAEA"): 2 to 5 capitals; "" for none (JSON null). */
enum { TALLY_PARTY_MAX = 8 };

/** Whether `s` (NUL-terminated) is a party code as above (not ""). */
bool tally_party_valid(const char *s);
/** Whether `s` is one of the parties that are not a state of today: the
 *  Soviet Union and the bodies above (a state is checked against the actor
 *  table's countries, tally/actor.h). */
bool tally_party_other(const char *s);

/** One event. Offsets are bytes of the document's decoded body. */
typedef struct tally_event {
    size_t sentence_start, sentence_end; /* the sentence that reports it */
    size_t start, end;                   /* the trigger: the words that say what happened */
    tally_event_type type;
    tally_event_mode mode;
    uint32_t context; /* TALLY_EVCTX_* bits */
    char actor[TALLY_PARTY_MAX];
    char recipient[TALLY_PARTY_MAX];
    const char *about; /* the object in a few words, or NULL; in the arena */
    tally_date date;   /* year 0: none (the document's date, or ongoing) */
    tally_event_aux aux;
    const char *source; /* who asserts it: "author" when the article does; in the arena */
    char source_country[4];
    bool hedged;
    double p; /* the probability the model gave the type (1 for the rules) */
    /* what the learned models did (tally/learn.h), with --explain; else NULL */
    const struct tally_event_why *why;
} tally_event;

/** Events of a document's text: `body` holds bytes [body_offset, ...) of
 *  the decoded body, which the events' offsets point into. */
typedef struct tally_events {
    tally_event *v; /* in the arena given to the extractor */
    size_t n;
    const char *body;
    size_t body_offset;
} tally_events;

/** An event with its provenance: a stored event, or an extracted one with
 *  its document's name. Strings are borrowed. */
typedef struct tally_event_row {
    int64_t id;
    int64_t doc_id;
    tally_event event;    /* offsets are into the document's body */
    const char *sentence; /* NULL for a curated row */
    size_t sentence_len;
    const char *text; /* the trigger as written; NULL for a curated row */
    size_t text_len;
    const char *doc;    /* the document's name */
    const char *url;    /* the document's (a curated row's source); may be NULL */
    const char *stated; /* when it was reported (the document's date); may be NULL */
    const char *note;   /* a curated row's note; may be NULL */
    bool curated;
} tally_event_row;

/* ---- names and parsers (slugs of EVENTS.md) ---------------------------------------- */

const tally_term *tally_event_type_term(tally_event_type t);
const tally_term *tally_event_mode_term(tally_event_mode m); /* NULL for NONE */
const tally_term *tally_event_context_term(unsigned index);
const tally_term *tally_event_aux_term(tally_event_aux a); /* NULL for NONE */
const char *tally_event_type_name(tally_event_type t);
/** NULL for none. */
const char *tally_event_mode_name(tally_event_mode m);
const char *tally_event_aux_name(tally_event_aux a);
/** Each parses a slug (`n` bytes) and returns 0, or TALLY_EINPUT for a word
 *  that is none; `*out` is left as it was then. */
int tally_event_type_parse(const char *s, size_t n, tally_event_type *out);
int tally_event_mode_parse(const char *s, size_t n, tally_event_mode *out);
int tally_event_aux_parse(const char *s, size_t n, tally_event_aux *out);
/** The bit of context `s`; 0 when it names none. */
uint32_t tally_event_context_bit(const char *s, size_t n);

#endif
