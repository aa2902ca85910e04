/* Private to the learned layer (features.c): the words it reads a figure's
 * clause by when it describes the figure's kind. Part of stage 2, extract.
 * The table is src/extract/kindwords.gperf; the lookup is static data. */
#ifndef TALLY_KINDWORDS_H
#define TALLY_KINDWORDS_H

#include <stddef.h>

/* What a word says of the figure it governs. The classes of content words
 * come first (KC_MOVE .. KC_INCLUDE: they can govern a figure), then those
 * of a verb's group and of the sentence around it. */
typedef enum kind_class {
    KC_NONE,
    KC_MOVE,     /* it moves: "send", "deployment" */
    KC_RECEIVE,  /* it is received: "import", "obtained" */
    KC_SHIPMENT, /* a moved lot: "batch", "shipment" */
    KC_INTEND,   /* not done, meant: "plan", "aims", "ready" */
    KC_COMMIT,   /* not done, promised: "pledged", "agreed", "earmark" */
    KC_ANNOUNCE, /* made known: "announced", "unveil" */
    KC_REQUEST,  /* asked for: "request", "negotiating" */
    KC_BUY,      /* ordered: "contract", "purchase" */
    KC_CONTRACT, /* a deal: "agreement", "deal" */
    KC_PACKAGE,  /* "package", "tranche" */
    KC_AID,      /* "aid", "assistance" */
    KC_CONSUME,  /* used in battle: "fired", "launches" */
    KC_BATTLE,   /* where it is used: "barrage", "frontline" */
    KC_PRODUCE,  /* made: "produce", "factory" */
    KC_CASUALTY, /* people lost: "killed", "losses" */
    KC_FINANCE,  /* money itself: "paid", "budget", "loan" */
    KC_VALUE,    /* what goods are worth: "worth", "valued" */
    KC_EQUIV,    /* a figure restated: "amount to", "equivalent" */
    KC_STOCK,    /* held: "stockpile", "reserves" */
    KC_INCLUDE,  /* part of a whole: "including", "contains" */
    KC_WILL,     /* "will", "shall" */
    KC_MAY,      /* "could", "may", "might", "can" */
    KC_WOULD,    /* "would", "should", "must" */
    KC_BE,       /* a form of "be" */
    KC_HAVE,     /* a form of "have" */
    KC_TO,       /* "to" */
    KC_NEG,      /* "not", "never", "without" */
    KC_FUTURE,   /* "next", "upcoming", "soon" */
    KC_DONE,     /* "already", "so far", "ago", "since" */
    KC_MORE,     /* "more", "another", "new" */
    KC_SKIP,     /* stands inside a verb's group: "also", "reportedly" */
    KC_SAY,      /* attribution: "said", "according" */
    KC_IF,       /* "if", "unless" */
    KC_ARMS,     /* what arms are: "military", "weapons", "equipment" */
    KC_REL,      /* opens a relative clause: "that", "which", "who" */
    KC_N_CLASSES
} kind_class;

/* The forms a word takes (bits). */
enum {
    KF_BASE = 1u << 0,
    KF_S3 = 1u << 1,
    KF_PAST = 1u << 2,
    KF_PP = 1u << 3, /* past participle */
    KF_ING = 1u << 4,
    KF_NOUN = 1u << 5,
    KF_WORD = 1u << 6 /* a word of another part of speech */
};

typedef struct kind_word {
    const char *word;
    int cls;           /* kind_class */
    unsigned form;     /* KF_* bits */
    const char *lemma; /* the base form the features name */
} kind_word;

/* The perfect hash gperf generates from src/extract/kindwords.gperf. */
const kind_word *kw_lookup(const char *str, size_t len);
/** The entry of word s[0, n) (letters in any case), or NULL. */
const kind_word *kw_find(const char *s, size_t n);
/** The name of kind class c (kind_class) in features and --explain:
 *  "package", "will"; "?" past the last. */
const char *kw_class_name(unsigned c);
/** Slot i of the hash's table, or NULL past its end (for tests). */
const kind_word *kw_slot(size_t i);

#endif
