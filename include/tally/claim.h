/* tally: the claim model (src/model/): one sourced figure about material
 * support between states, as ../shared/docs/CLAIMS.md defines it, and its
 * vocabulary. Owned by src/model/; includes only base's headers and date.h.
 *
 * Each vocabulary is one table below, an X-macro: a row gives the enum
 * constant, the CLAIMS.md slug (which the parser reads back), the family
 * and the name shown to people. Everything else (the enums, the names, the
 * parsers, the families, the dashboard's lists served by /api/meta) is made
 * from the rows, so adding an item is one row here and its words in the
 * extractor's lexicon (src/extract/claimwords.gperf). Items are stored as a
 * bit set: new items go at the end of their table, never in between. */
#ifndef TALLY_CLAIM_H
#define TALLY_CLAIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tally/date.h"

/* ---- figures ------------------------------------------------------------------ */

/** The range of a figure's magnitude: from a trillionth to a million
 *  trillion, the smallest and largest the lexicon's words name ("a
 *  trillionth", "a million trillion"). No report on material support
 *  states more (the world's yearly output is some 10^14 dollars), and sums,
 *  conversions and Monte Carlo draws of such figures stay far from a
 *  double's overflow, so no NaN or infinity can come of them. Text whose
 *  value lies outside ("1e99999", "1e-99999", "4.9e-324", "9e307",
 *  "2^2000") is not a figure: the scanner finds none there, and the store
 *  and the importer refuse such a value (a claim's low and high, its caliber). */
#define TALLY_FIGURE_MAX 1e18
#define TALLY_FIGURE_MIN 1e-12

/** True when `v` is 0 or its magnitude is within [TALLY_FIGURE_MIN,
 *  TALLY_FIGURE_MAX]; false for NaN and the infinities. */
static inline bool tally_figure_value_ok(double v)
{
    double m = v < 0 ? -v : v;
    return v == 0 || (m >= TALLY_FIGURE_MIN && m <= TALLY_FIGURE_MAX);
}

/* ---- vocabularies ------------------------------------------------------------ */

/** One row of a vocabulary: the CLAIMS.md slug, the family (bits of the
 *  table's TALLY_*_FAM_* enum) and the name people read. */
typedef struct tally_term {
    const char *slug;
    unsigned family;
    const char *display;
} tally_term;

/* Kinds: X(ENUM, slug, family, display). */
#define TALLY_KINDS(X)                                                                             \
    X(TRANSFER, "transfer", TALLY_KIND_FAM_MOVED, "transferred")                                   \
    X(PLANNED, "planned", TALLY_KIND_FAM_MOVED, "planned or pledged")                              \
    X(EQUIVALENCE, "equivalence", TALLY_KIND_FAM_RESTATED, "restated in other units")              \
    X(PRODUCTION, "production", TALLY_KIND_FAM_HELD, "produced")                                   \
    X(CONSUMPTION, "consumption", TALLY_KIND_FAM_HELD, "used in battle")                           \
    X(STOCK, "stock", TALLY_KIND_FAM_HELD, "held")                                                 \
    X(CASUALTY, "casualty", TALLY_KIND_FAM_HELD, "killed, wounded or captured")                    \
    X(FINANCIAL, "financial", TALLY_KIND_FAM_MOVED, "money given, lent, paid or forgiven")

enum {
    TALLY_KIND_FAM_MOVED = 1u << 0,    /* support that moved or is to move */
    TALLY_KIND_FAM_RESTATED = 1u << 1, /* another claim in other units */
    TALLY_KIND_FAM_HELD = 1u << 2      /* made, used, held or lost */
};

typedef enum tally_kind {
#define TALLY_X(e, slug, fam, display) TALLY_KIND_##e,
    TALLY_KINDS(TALLY_X)
#undef TALLY_X
} tally_kind;

/** The number of values. */
#define TALLY_X(e, slug, fam, display) +1
enum { TALLY_KIND_N = 0 TALLY_KINDS(TALLY_X) };
#undef TALLY_X

/* Items: X(ENUM, slug, family, display). A claim lists a set of them. */
#define TALLY_ITEMS(X)                                                                             \
    X(MUNITIONS, "munitions", TALLY_ITEM_FAM_ARMS, "munitions")                                    \
    X(ARTILLERY_SHELL, "artillery-shell", TALLY_ITEM_FAM_ARMS, "artillery shells")                 \
    X(ROCKET, "rocket", TALLY_ITEM_FAM_ARMS, "rockets")                                            \
    X(BALLISTIC_MISSILE, "ballistic-missile", TALLY_ITEM_FAM_ARMS, "ballistic missiles")           \
    X(CRUISE_MISSILE, "cruise-missile", TALLY_ITEM_FAM_ARMS, "cruise missiles")                    \
    X(DRONE, "drone", TALLY_ITEM_FAM_ARMS, "drones")                                               \
    X(WEAPONS, "weapons", TALLY_ITEM_FAM_ARMS, "weapons: guns, launchers, arms packages")          \
    X(AIR_DEFENCE, "air-defence", TALLY_ITEM_FAM_ARMS, "air defence systems")                      \
    X(VEHICLE, "vehicle", TALLY_ITEM_FAM_ARMS, "vehicles: tanks, armoured vehicles, aircraft")     \
    X(TROOPS, "troops", TALLY_ITEM_FAM_PEOPLE, "troops")                                           \
    X(WORKERS, "workers", TALLY_ITEM_FAM_PEOPLE, "workers")                                        \
    X(FOOD, "food", TALLY_ITEM_FAM_GOODS, "food")                                                  \
    X(FUEL, "fuel", TALLY_ITEM_FAM_GOODS, "fuel")                                                  \
    X(OIL, "oil", TALLY_ITEM_FAM_GOODS, "oil")                                                     \
    X(GOODS, "goods", TALLY_ITEM_FAM_GOODS, "goods")                                               \
    X(TECHNOLOGY, "technology", TALLY_ITEM_FAM_GOODS, "technology")                                \
    X(DEBT_RELIEF, "debt-relief", TALLY_ITEM_FAM_MONEY, "debt relief")                             \
    X(MONEY, "money", TALLY_ITEM_FAM_MONEY, "money")                                               \
    X(PRODUCTION_CAPACITY, "production-capacity", TALLY_ITEM_FAM_MONEY, "production capacity")

/** Families of items: what a speaker's figures are about ("the same
 *  findings" carry to figures of the same family). */
enum {
    TALLY_ITEM_FAM_ARMS = 1u << 0,
    TALLY_ITEM_FAM_PEOPLE = 1u << 1,
    TALLY_ITEM_FAM_GOODS = 1u << 2, /* what usually flows back to the supplier of arms */
    TALLY_ITEM_FAM_MONEY = 1u << 3
};

/** Items by index (the bit's position). */
enum tally_item_index {
#define TALLY_X(e, slug, fam, display) TALLY_ITEM_INDEX_##e,
    TALLY_ITEMS(TALLY_X)
#undef TALLY_X
        TALLY_ITEM_COUNT
};

/** Items as bits of a set (tally_claim.items). */
enum {
#define TALLY_X(e, slug, fam, display) TALLY_ITEM_##e = 1u << TALLY_ITEM_INDEX_##e,
    TALLY_ITEMS(TALLY_X)
#undef TALLY_X
};

/* Units: X(ENUM, slug, family, display). Money's slug is its currency: an
 *  ISO 4217 code kept in tally_claim.currency (tally_currency_name). */
#define TALLY_UNITS(X)                                                                             \
    X(CONTAINER, "container", TALLY_UNIT_FAM_CARRIER, "containers")                                \
    X(ROUND, "round", TALLY_UNIT_FAM_COUNT, "rounds")                                              \
    X(MISSILE, "missile", TALLY_UNIT_FAM_COUNT, "missiles")                                        \
    X(ROCKET, "rocket", TALLY_UNIT_FAM_COUNT, "rockets")                                           \
    X(DRONE, "drone", TALLY_UNIT_FAM_COUNT, "drones")                                              \
    X(VEHICLE, "vehicle", TALLY_UNIT_FAM_COUNT, "vehicles")                                        \
    X(PERSON, "person", TALLY_UNIT_FAM_COUNT, "people")                                            \
    X(MONEY, NULL, TALLY_UNIT_FAM_MONEY, "money")                                                  \
    X(TONNE, "tonne", TALLY_UNIT_FAM_MEASURE, "tonnes")                                            \
    X(BARREL, "barrel", TALLY_UNIT_FAM_MEASURE, "barrels")                                         \
    X(PERCENT, "percent", TALLY_UNIT_FAM_SHARE, "percent")                                         \
    X(TRIP, "trip", TALLY_UNIT_FAM_CARRIER, "trips")                                               \
    X(RAILCAR, "railcar", TALLY_UNIT_FAM_CARRIER, "railcars")                                      \
    X(SHIP, "ship", TALLY_UNIT_FAM_CARRIER, "ships")                                               \
    X(ITEM, "item", TALLY_UNIT_FAM_COUNT, "items (systems, guns, pieces)")

enum {
    TALLY_UNIT_FAM_COUNT = 1u << 0,   /* things counted one by one */
    TALLY_UNIT_FAM_CARRIER = 1u << 1, /* what carried the support: its load is another item */
    TALLY_UNIT_FAM_MEASURE = 1u << 2, /* weight and volume */
    TALLY_UNIT_FAM_MONEY = 1u << 3,   /* an amount in a currency */
    TALLY_UNIT_FAM_SHARE = 1u << 4    /* a share of something */
};

typedef enum tally_unit {
#define TALLY_X(e, slug, fam, display) TALLY_UNIT_##e,
    TALLY_UNITS(TALLY_X)
#undef TALLY_X
} tally_unit;

/** The number of values. */
#define TALLY_X(e, slug, fam, display) +1
enum { TALLY_UNIT_N = 0 TALLY_UNITS(TALLY_X) };
#undef TALLY_X

/* Qualifiers: X(ENUM, slug, family, display). The family says what the
 * figure bounds: low only, high only, or both. */
#define TALLY_QUALIFIERS(X)                                                                        \
    X(EXACT, "exact", TALLY_Q_FAM_POINT, "")                                                       \
    X(ABOUT, "about", TALLY_Q_FAM_POINT, "about")                                                  \
    X(MORE_THAN, "more-than", TALLY_Q_FAM_LOWER, "more than")                                      \
    X(AT_LEAST, "at-least", TALLY_Q_FAM_LOWER, "at least")                                         \
    X(UP_TO, "up-to", TALLY_Q_FAM_UPPER, "up to")                                                  \
    X(LESS_THAN, "less-than", TALLY_Q_FAM_UPPER, "less than")                                      \
    X(RANGE, "range", TALLY_Q_FAM_RANGE, "between")

enum {
    TALLY_Q_FAM_POINT = 1u << 0, /* the figure itself (low) */
    TALLY_Q_FAM_LOWER = 1u << 1, /* a lower bound (low) */
    TALLY_Q_FAM_UPPER = 1u << 2, /* an upper bound (high) */
    TALLY_Q_FAM_RANGE = 1u << 3  /* both ends */
};

/** The qualifier values of CLAIMS.md. */
typedef enum tally_qualifier {
#define TALLY_X(e, slug, fam, display) TALLY_Q_##e,
    TALLY_QUALIFIERS(TALLY_X)
#undef TALLY_X
} tally_qualifier;

/** The number of values. */
#define TALLY_X(e, slug, fam, display) +1
enum { TALLY_Q_N = 0 TALLY_QUALIFIERS(TALLY_X) };
#undef TALLY_X

/* Periods of a rate: X(ENUM, slug, family, display). A claim with a period
 * counts so much per day, month or year ("fires 10,000 shells a day"), not
 * a cumulative total. */
#define TALLY_PERS(X)                                                                              \
    X(DAY, "day", 0, "a day")                                                                      \
    X(MONTH, "month", 0, "a month")                                                                \
    X(YEAR, "year", 0, "a year")

typedef enum tally_per {
    TALLY_PER_NONE, /* a total, not a rate */
#define TALLY_X(e, slug, fam, display) TALLY_PER_##e,
    TALLY_PERS(TALLY_X)
#undef TALLY_X
} tally_per;

/** The number of values. */
#define TALLY_X(e, slug, fam, display) +1
enum { TALLY_PER_N = 1 TALLY_PERS(TALLY_X) };
#undef TALLY_X

/* Why a field got its value (tally extract --explain): X(ENUM, slug, family,
 * display). The extractor decides on the enum; the words are for people. */
#define TALLY_WHYS(X)                                                                              \
    X(VALUE_OF_GOODS, "value-of-goods", 0, "value of goods moved")                                 \
    X(MONEY, "money", 0, "money")                                                                  \
    X(PERCENT, "percent", 0, "percent")                                                            \
    X(PARTICIPLE, "participle", 0, "participle after the item")                                    \
    X(NEAREST_VERB, "nearest-verb", 0, "nearest verb before the figure")                           \
    X(DEFAULT, "default", 0, "default")                                                            \
    X(DEMONYM, "demonym", 0, "demonym of the item")                                                \
    X(TO_X, "to-x", 0, "to X")                                                                     \
    X(FROM_X, "from-x", 0, "from X")                                                               \
    X(BY_X, "by-x", 0, "by X")                                                                     \
    X(SUPPLYING_X, "supplying-x", 0, "supplying X")                                                \
    X(RECEIVER, "receiver", 0, "subject of a verb of receiving or using")                          \
    X(SENDER, "sender", 0, "subject of a verb of sending")                                         \
    X(OWN_PRODUCTION, "own-production", 0, "a state's own production")                             \
    X(DOC_PRODUCER, "doc-producer", TALLY_WHY_FAM_DOCUMENT, "the document's producer")             \
    X(DOC_OTHER_STATE, "doc-other-state", TALLY_WHY_FAM_DOCUMENT, "the document's other state")    \
    X(DOC_STATES, "doc-states", TALLY_WHY_FAM_DOCUMENT, "the document's states")                   \
    X(RESTATED_COUNT, "restated-count", 0, "the count this restates")                              \
    X(NAMED_PERSON, "named-person", 0, "a person the document named")                              \
    X(ATTRIBUTION_ACTOR, "attribution-actor", 0, "an actor in the attribution")                    \
    X(ATTRIBUTION_WORDS, "attribution-words", 0, "the words of the attribution")                   \
    X(HEADLINE_SOURCE, "headline-source", 0, "the headline's source")                              \
    X(UNATTRIBUTED, "unattributed", 0, "nothing attributed")

enum {
    TALLY_WHY_FAM_DOCUMENT = 1u << 0 /* from the document as a whole, not the sentence */
};

typedef enum tally_why {
    TALLY_WHY_NONE, /* no rule decided */
#define TALLY_X(e, slug, fam, display) TALLY_WHY_##e,
    TALLY_WHYS(TALLY_X)
#undef TALLY_X
} tally_why;

/** The number of values. */
#define TALLY_X(e, slug, fam, display) +1
enum { TALLY_WHY_N = 1 TALLY_WHYS(TALLY_X) };
#undef TALLY_X

/** The rows of each table; NULL for a value out of range (and for
 *  TALLY_PER_NONE, TALLY_WHY_NONE). */
const tally_term *tally_kind_term(tally_kind k);
const tally_term *tally_item_term(unsigned index);
const tally_term *tally_unit_term(tally_unit u);
const tally_term *tally_qualifier_term(tally_qualifier q);
const tally_term *tally_per_term(tally_per p);
const tally_term *tally_why_term(tally_why w);

/** The families of the items in the set `items` (TALLY_ITEM_FAM_* bits). */
unsigned tally_item_families(uint32_t items);

/* ---- currencies ---------------------------------------------------------------- */

/** The name of the ISO 4217 currency `code` ("EUR" -> "Euro"), or NULL when
 *  `code` is not one (the table comes from Debian's iso-codes at build time). */
const char *tally_currency_name(const char *code);
/** The number of ISO 4217 currencies, and the code of the i-th (i < count) in
 *  code order. */
size_t tally_currency_count(void);
const char *tally_currency_code(size_t i);

/* ---- a claim ----------------------------------------------------------------- */

/** Why a field got its value (for --explain): the words that decided it, as
 *  byte offsets into the decoded body; start == end when nothing did (a
 *  default). */
typedef struct tally_reason {
    size_t start;
    size_t end;
    tally_why rule;
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
    char currency[4]; /* for TALLY_UNIT_MONEY: an ISO 4217 code, "USD", "EUR", ... */
    bool has_low;
    bool has_high;
    double low;
    double high;
    tally_qualifier qualifier;
    tally_per per;      /* a rate per day, month or year; TALLY_PER_NONE for a total */
    tally_date since;   /* year 0: none */
    tally_date as_of;   /* year 0: none (the document date) */
    const char *source; /* "US State Department", "author"; lives in the arena or is static */
    char source_country[4];
    bool hedged;
    tally_reason why_supplier, why_recipient, why_kind, why_item, why_source;
    /* what the learned models did (tally/learn.h), with --explain; else NULL */
    const struct tally_learn_why *learned;
} tally_claim;

/** A claim with its provenance: a stored claim (tally_store_claims), or an
 *  extracted one with its document's name. Strings are borrowed. */
typedef struct tally_claim_row {
    int64_t id;
    int64_t doc_id;
    tally_claim claim;    /* offsets are into the document's body */
    const char *sentence; /* NULL for curated rows */
    size_t sentence_len;
    const char *text; /* the figure as written; NULL for curated rows */
    size_t text_len;
    const char *source_name;   /* the source as kept: "Shin Won-sik" for "Shin Wonsik" */
    const char *source_kind;   /* "government", "intelligence", ... */
    const char *source_detail; /* "ROK Defence Minister" of "Shin Won-sik (ROK ...)" */
    const char *stated;        /* when it was asserted */
    const char *note;
    const char *doc;    /* the document's name */
    const char *url;    /* may be NULL */
    const char *title;  /* may be NULL */
    const char *outlet; /* may be NULL */
    const char *date;   /* the document's date; may be NULL */
    bool curated;
} tally_claim_row;

/** The CLAIMS.md names: "transfer", "container", "artillery-shell", "exact".
 *  A value out of range gives the first of its table. */
const char *tally_kind_name(tally_kind k);
const char *tally_unit_name(const tally_claim *c); /* the currency for money ("USD" if none) */
const char *tally_item_name(unsigned bit_index);
const char *tally_qualifier_name(tally_qualifier q);
/** "day", "month", "year", or NULL for TALLY_PER_NONE. */
const char *tally_per_name(tally_per p);
/** The words of a rule ("the headline's source"), or NULL for TALLY_WHY_NONE. */
const char *tally_why_text(tally_why w);

/** The inverses of the names above, for claims read back from text (a
 *  database, a CSV file): each returns the value, or -1 for an unknown name. */
int tally_kind_parse(const char *name);
int tally_item_parse(const char *name); /* the bit index */
int tally_qualifier_parse(const char *name);
int tally_per_parse(const char *name);
/** Sets c->unit (and c->currency for an ISO 4217 code such as "USD" or
 *  "EUR"); returns 0, or -1 for an unknown unit or currency. */
int tally_unit_parse(const char *name, tally_claim *c);

/** A figure in words, as estimates and checks show it: tally_num_figure
 *  of tally/number.h ("7,000-9,000 rounds", "more than 10 K containers",
 *  "6,700 containers"). */
void tally_figure_words(tally_qualifier q, bool has_low, double low, bool has_high, double high,
                        const char *unit, char *buf, size_t size);

/** Writes the slugs of the set `items` joined by `sep` into `buf` (at least
 *  TALLY_ITEMS_TEXT_MAX bytes); returns buf. */
enum { TALLY_ITEMS_TEXT_MAX = 320 };
char *tally_items_format(uint32_t items, char sep, char *buf);

#endif
