/* tally: who is named in a text (stage 2): states, places that stand for
 * states, institutions, outlets and officials, each with its country. */
#ifndef TALLY_ACTOR_H
#define TALLY_ACTOR_H

#include <stddef.h>

#include "tally/err.h"
#include "tally/mem.h"

typedef enum tally_actor_kind {
    TALLY_ACTOR_STATE,      /* "Russia", "the DPRK", "the Russian Federation" */
    TALLY_ACTOR_DEMONYM,    /* "North Korean", "Iranian" */
    TALLY_ACTOR_PLACE,      /* a capital or seat standing for a state: "Pyongyang", "the Kremlin" */
    TALLY_ACTOR_GOVERNMENT, /* a ministry or office: "State Department", "Pentagon" */
    TALLY_ACTOR_INTELLIGENCE, /* "NIS", "HUR", "Defense Intelligence Agency" */
    TALLY_ACTOR_OFFICIAL,     /* a person: "Shin Won-sik", "John Kirby" */
    TALLY_ACTOR_OUTLET,       /* "Yonhap", "KCNA", "TASS", "Bloomberg" */
    TALLY_ACTOR_THINK_TANK    /* "CSIS", "RUSI", "ISW" */
} tally_actor_kind;

/** An actor's entry: its canonical name and country (ISO 3166-1 alpha-3).
 *  Entries are static and never freed. */
typedef struct tally_actor {
    const char *name; /* "Shin Won-sik", "US State Department", "North Korea" */
    char country[4];  /* "KOR"; "" for none (NATO, the UN, the EU) */
    tally_actor_kind kind;
} tally_actor;

/** One mention: bytes [start, end) of the scanned text. */
typedef struct tally_actor_match {
    size_t start;
    size_t end;
    const tally_actor *actor;
} tally_actor_match;

typedef struct tally_actor_matches {
    tally_actor_match *v; /* lives in the arena */
    size_t n;
} tally_actor_matches;

/** Finds every actor mention in `text` (valid UTF-8), longest match first,
 *  on word boundaries, in text order, not overlapping. Returns 0 (or
 *  TALLY_ELIMIT for a text whose matches could not be counted in a size_t). */
int tally_actors_scan(tally_span text, tally_actor_matches *out, tally_arena *a,
                      tally_err *err) TALLY_MUST_CHECK;

/** The state with ISO 3166-1 alpha-3 code `alpha3` ("PRK"), or NULL. */
const tally_actor *tally_country(const char *alpha3);
/** Returns "state", "demonym", "place", "government", "intelligence",
 *  "official", "outlet" or "think-tank". */
const char *tally_actor_kind_name(tally_actor_kind k);

#endif
