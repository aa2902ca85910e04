/* Private to the claim extractor (extract.c): its word lexicon.
 * Part of stage 2, extract: includes the public headers of base, the model and
 * read, and extract's own. */
#ifndef TALLY_EXTRACT_PRIV_H
#define TALLY_EXTRACT_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "tally/claim.h"

/* Roles of a word for the extractor (bits). */
enum {
    CW_UNIT = 1u << 0,      /* counts something: "containers", "drones" */
    CW_CARRIER = 1u << 1,   /* a carrier whose load may be named: "containers of food" */
    CW_ROUNDS = 1u << 2,    /* "rounds", which take their item from "of ..." */
    CW_ITEM = 1u << 3,      /* names what is carried: "food", "weapons" */
    CW_BALLISTIC = 1u << 4, /* "ballistic" */
    CW_CRUISE = 1u << 5,    /* "cruise" */
    CW_OUT = 1u << 6,       /* its subject supplies: "sent", "shipped" */
    CW_IN = 1u << 7,        /* its subject receives: "received", "imported" */
    CW_PLAN = 1u << 8,      /* not done yet: "plans", "agreed", "buying" */
    CW_CONSUME = 1u << 9,   /* used in battle: "fired", "launched" */
    CW_EQUIV = 1u << 10,    /* restates a figure: "accommodate", "equivalent" */
    CW_PRODUCE = 1u << 11,  /* "produce", "factory" */
    CW_STOCK = 1u << 12,    /* "stockpile" */
    CW_CASUALTY = 1u << 13, /* "killed", "wounded" */
    CW_FINANCE = 1u << 14,  /* "paid", "loan", "debt" */
    CW_DEBT = 1u << 15,     /* "debt" */
    CW_HEDGE = 1u << 16,    /* "reportedly", "may", "estimated" */
    CW_SAY = 1u << 17,      /* attribution: "said", "according" */
    CW_NEG = 1u << 18,      /* "not", "no" */
    CW_RETURN = 1u << 19,   /* "in return", "in exchange" */
    CW_OUTCOME = 1u << 20,  /* "destroyed", "intercepted": outcomes are out of scope */
    CW_PRICE = 1u << 21,    /* "per", "each", "cost": a unit price is out of scope */
    CW_LOCATE = 1u << 22,   /* "at", "in", "against": a state after it is a place or target */
    CW_FILL = 1u << 23,     /* may stand between a speaker and the verb: "also", "on Monday" */
    CW_BREAK = 1u << 24,    /* ends the search for a counted noun: "to", "and", "per" */
    CW_OFFICE = 1u << 25,   /* names an office: "minister", "spokesman" */
    CW_PRONOUN = 1u << 26,  /* stands for a speaker named before: "he", "the report" */
    CW_BODY = 1u << 27,     /* a body of a state: "ministry", "officials" */
    CW_RELEASE = 1u << 28,  /* what a speaker issues: "statement", "report", "Source:" */
    CW_TITLE = 1u << 29     /* a title before a name: "Mr", "Dr", "General" */
};

/* Words the extractor looks for one by one (claim_word.id); 0 for the others. */
enum cw_id {
    CWW_NONE,
    CWW_A,
    CWW_ACCORDING,
    CWW_AID,
    CWW_AN,
    CWW_AND,
    CWW_AS,
    CWW_AT,
    CWW_BELIEVED,
    CWW_BY,
    CWW_CAPACITY,
    CWW_CARRYING,
    CWW_CITED,
    CWW_CITING,
    CWW_CONTAINING,
    CWW_EQUIPMENT,
    CWW_ESTIMATED,
    CWW_FROM,
    CWW_HAVE,
    CWW_HE,
    CWW_IN,
    CWW_LAST,
    CWW_LAUNCHERS,
    CWW_MILITARY,
    CWW_NUMBER,
    CWW_OF,
    CWW_OFF,
    CWW_ON,
    CWW_OR,
    CWW_PIECE,
    CWW_PUT,
    CWW_PUTS,
    CWW_QUOTA,
    CWW_QUOTED,
    CWW_ROCKET,
    CWW_SUPPLIES,
    CWW_THAT,
    CWW_THE,
    CWW_THIS,
    CWW_TO,
    CWW_TOLD,
    CWW_UNIT,
    CWW_WITH,
    CWW_WORTH,
    CWW_CAN /* (a modal: "we can say" attributes nothing) */
};

typedef struct claim_word {
    const char *word;
    uint32_t roles;
    int unit;       /* tally_unit, for CW_UNIT */
    uint32_t items; /* TALLY_ITEM_* bits */
    int id;         /* enum cw_id */
} claim_word;

/* The perfect hash gperf generates from src/extract/claimwords.gperf. */
const claim_word *cw_lookup(const char *str, size_t len);
/* The same for the words of a text (ASCII letters, digits, '-' and "'"),
 * with a faster compare; claim words are lower-case letters. */
const claim_word *cw_find(const char *str, size_t len);
/* Slot i of that hash's table, or NULL past the end (for tests). */
const claim_word *cw_slot(size_t i);

#endif
