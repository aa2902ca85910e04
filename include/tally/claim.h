/* tally: claims (stage 2): one sourced figure about material support between
 * states, as ../shared/docs/CLAIMS.md defines it. */
#ifndef TALLY_CLAIM_H
#define TALLY_CLAIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tally/doc.h"
#include "tally/err.h"
#include "tally/figure.h"
#include "tally/mem.h"
#include "tally/when.h"

typedef enum tally_kind {
    TALLY_KIND_TRANSFER,
    TALLY_KIND_PLANNED,
    TALLY_KIND_EQUIVALENCE,
    TALLY_KIND_PRODUCTION,
    TALLY_KIND_CONSUMPTION,
    TALLY_KIND_STOCK,
    TALLY_KIND_CASUALTY,
    TALLY_KIND_FINANCIAL
} tally_kind;

typedef enum tally_unit {
    TALLY_UNIT_CONTAINER,
    TALLY_UNIT_ROUND,
    TALLY_UNIT_MISSILE,
    TALLY_UNIT_ROCKET,
    TALLY_UNIT_DRONE,
    TALLY_UNIT_VEHICLE,
    TALLY_UNIT_PERSON,
    TALLY_UNIT_MONEY, /* the currency is in tally_claim.currency */
    TALLY_UNIT_TONNE,
    TALLY_UNIT_BARREL,
    TALLY_UNIT_PERCENT,
    TALLY_UNIT_TRIP,
    TALLY_UNIT_RAILCAR,
    TALLY_UNIT_SHIP,
    TALLY_UNIT_ITEM
} tally_unit;

/** Items (CLAIMS.md slugs) as bits of a set. */
enum {
    TALLY_ITEM_MUNITIONS = 1u << 0,
    TALLY_ITEM_ARTILLERY_SHELL = 1u << 1,
    TALLY_ITEM_ROCKET = 1u << 2,
    TALLY_ITEM_BALLISTIC_MISSILE = 1u << 3,
    TALLY_ITEM_CRUISE_MISSILE = 1u << 4,
    TALLY_ITEM_DRONE = 1u << 5,
    TALLY_ITEM_WEAPONS = 1u << 6,
    TALLY_ITEM_AIR_DEFENCE = 1u << 7,
    TALLY_ITEM_VEHICLE = 1u << 8,
    TALLY_ITEM_TROOPS = 1u << 9,
    TALLY_ITEM_WORKERS = 1u << 10,
    TALLY_ITEM_FOOD = 1u << 11,
    TALLY_ITEM_FUEL = 1u << 12,
    TALLY_ITEM_OIL = 1u << 13,
    TALLY_ITEM_GOODS = 1u << 14,
    TALLY_ITEM_TECHNOLOGY = 1u << 15,
    TALLY_ITEM_DEBT_RELIEF = 1u << 16,
    TALLY_ITEM_MONEY = 1u << 17,
    TALLY_ITEM_PRODUCTION_CAPACITY = 1u << 18,
    TALLY_ITEM_COUNT = 19
};

/** Why a field got its value (for --explain): the words that decided it, as
 *  byte offsets into the decoded body; start == end when nothing did (a
 *  default). */
typedef struct tally_reason {
    size_t start;
    size_t end;
    const char *rule; /* a short name of the rule, static */
} tally_reason;

struct tally_learn_why;

typedef struct tally_claim {
    size_t sentence_start; /* the sentence, bytes of the decoded body */
    size_t sentence_end;
    size_t start; /* the figure with its counted noun: "about 10,000 containers" */
    size_t end;
    tally_kind kind;
    char supplier[4]; /* ISO 3166-1 alpha-3, or "" */
    char recipient[4];
    uint32_t items;    /* TALLY_ITEM_* bits */
    double caliber_mm; /* 0 when not stated */
    tally_unit unit;
    char currency[4]; /* for TALLY_UNIT_MONEY: "USD", "RUB", ... */
    bool has_low;
    bool has_high;
    double low;
    double high;
    tally_qualifier qualifier;
    tally_date since;   /* year 0: none */
    tally_date as_of;   /* year 0: none (the document date) */
    const char *source; /* "US State Department", "author"; lives in the arena or is static */
    char source_country[4];
    bool hedged;
    tally_reason why_supplier, why_recipient, why_kind, why_item, why_source;
    /* what the learned models did (tally/learn.h), with --explain; else NULL */
    const struct tally_learn_why *learned;
} tally_claim;

/** Returns the CLAIMS.md names: "transfer", "container", "artillery-shell". */
const char *tally_kind_name(tally_kind k);
const char *tally_unit_name(const tally_claim *c); /* "USD" for money */
const char *tally_item_name(unsigned bit_index);

/** The inverses of the names above, for claims read back from text (a
 *  database, a CSV file): each returns the value, or -1 for an unknown name. */
int tally_kind_parse(const char *name);
int tally_item_parse(const char *name); /* the bit index */
int tally_qualifier_parse(const char *name);
/** Sets c->unit (and c->currency for a three-letter currency code such as
 *  "USD" or "RUB"); returns 0, or -1 for an unknown unit. */
int tally_unit_parse(const char *name, tally_claim *c);

#endif
