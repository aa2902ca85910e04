/* Private to the event coder (events.c, event_train.c) and its hook in
 * extract.c.
 *
 * Events come out of the claim extractor's own pass over a document
 * (extract.c): the same blocks, sentences, words (with the claim lexicon's
 * roles), actors, time expressions, attribution and hedging, and the rules'
 * claims of each sentence. The coder reads each sentence once:
 *
 *   triggers   the words of src/extract/eventwords.gperf in it (types,
 *              cues for the auxiliary modes, a mode and contexts)
 *   candidate  the sentence, described by sparse features (its words,
 *              triggers, the rules' claims, parties, time, the sentence
 *              before; once the learned layer has decided its window, the
 *              claims the extractor gave out in it), and its options for the parties: each party it
 *              names, the document's most named states, the parties of the
 *              claims given out, and none
 *
 * and linear models (the learned layer's format, tally/learn.h) decide:
 *
 *   head      instance                      outputs
 *   EV_SENT   the sentence                  one score per PLOVER type (is there
 *                                           an event of that type)
 *   EV_PARTY  an option, for a type         an actor score, a recipient score
 *   EV_ATTR   the sentence, for a type      mode (one of), aux (one of), contexts
 *
 * As for claims, a candidate's features depend on the text and the rules
 * only, never on a decision, so `tally train --events` collects exactly the
 * candidates `tally events` decides on. Without a model the rules decide: a
 * trigger's first type, the nearest parties, the rules' claims. */
#ifndef TALLY_EVENTS_PRIV_H
#define TALLY_EVENTS_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "learn.h"
#include "tally/actor.h"
#include "tally/claim.h"
#include "tally/event.h"
#include "tally/extract.h"
#include "tally/mem.h"
#include "tally/when.h"

/* ---- the lexicon (eventwords.gperf) ---------------------------------------------- */

#define T_AGREE (1u << TALLY_EVENT_AGREE)
#define T_CONSULT (1u << TALLY_EVENT_CONSULT)
#define T_SUPPORT (1u << TALLY_EVENT_SUPPORT)
#define T_CONCEDE (1u << TALLY_EVENT_CONCEDE)
#define T_COOPERATE (1u << TALLY_EVENT_COOPERATE)
#define T_AID (1u << TALLY_EVENT_AID)
#define T_RETREAT (1u << TALLY_EVENT_RETREAT)
#define T_REQUEST (1u << TALLY_EVENT_REQUEST)
#define T_ACCUSE (1u << TALLY_EVENT_ACCUSE)
#define T_REJECT (1u << TALLY_EVENT_REJECT)
#define T_THREATEN (1u << TALLY_EVENT_THREATEN)
#define T_PROTEST (1u << TALLY_EVENT_PROTEST)
#define T_SANCTION (1u << TALLY_EVENT_SANCTION)
#define T_MOBILIZE (1u << TALLY_EVENT_MOBILIZE)
#define T_COERCE (1u << TALLY_EVENT_COERCE)
#define T_ASSAULT (1u << TALLY_EVENT_ASSAULT)

/* Cues of a word for the auxiliary modes (bits). */
enum {
    EVC_FUTURE = 1u << 0,       /* "will", "plans", "pledged" */
    EVC_HYPOTHETICAL = 1u << 1, /* "could", "may", "potentially" */
    EVC_HISTORICAL = 1u << 2,   /* "historically", "Soviet" */
    EVC_NEGATION = 1u << 3,     /* "not", "denied" */
    EVC_N = 4
};

typedef struct event_word {
    const char *word;
    uint32_t types; /* T_* */
    uint32_t cues;  /* EVC_* */
    int mode;       /* tally_event_mode */
    uint32_t context;
} event_word;

/* The perfect hash gperf generates from src/extract/eventwords.gperf. */
const event_word *ew_lookup(const char *str, size_t len);

/* ---- a document's events ------------------------------------------------------------- */

enum {
    EV_MAX_OPTIONS = 12, /* parties a sentence offers, none included */
    EV_PER_TYPE = 2,     /* events of one type a sentence may give */
    EV_MAX_EVENTS = EV_PER_TYPE * TALLY_EVENT_TYPE_N
};

/* One option for a party: a code (or none) and where it is named. */
typedef struct ev_option {
    char code[TALLY_PARTY_MAX]; /* "" for none */
    unsigned origin;            /* EV_FROM_* */
    unsigned doc_rank;          /* 1 for the document's most named state, ...; 0 for none */
    size_t first, last;         /* word indexes of its first and last mention; SIZE_MAX: none */
    learn_fv fv;                /* what does not depend on the type */
} ev_option;

enum {
    EV_FROM_SENTENCE,
    EV_FROM_DOCUMENT,
    EV_FROM_NONE,
    EV_FROM_CLAIM /* a party of a claim given out in the sentence, not named in it */
};

/* What an event of one type in the sentence would say besides its parties. */
typedef struct ev_slot {
    size_t start, end;     /* the trigger (body offsets) */
    size_t word;           /* its first word's index (SIZE_MAX: no trigger of the type) */
    uint32_t word_hash;    /* that word's events_hash */
    bool hedged;           /* a hedge governs the trigger */
    tally_date date;       /* the time expression nearest the trigger (year 0: none) */
    tally_event_mode mode; /* the lexicon's, for the rules */
    uint32_t context;      /* the lexicon's, for the rules */
} ev_slot;

/* One sentence as a candidate for events. Offsets are body offsets; its
 * strings live in the arena it was made in. */
typedef struct ev_cand {
    size_t sentence_start, sentence_end;
    learn_fv fv; /* EV_SENT's features, also EV_ATTR's (conjoined with the type) */
    ev_option opt[EV_MAX_OPTIONS];
    size_t n_opt;
    ev_slot slot[TALLY_EVENT_TYPE_N];
    uint32_t trig_types; /* the types its triggers may have */
    uint32_t cues;       /* EVC_* of its words */
    const char *source;  /* who asserts it ("author") */
    char source_country[4];
    /* for the rules (without a model): the rules' claims' parties */
    char claim_sup[TALLY_PARTY_MAX], claim_rec[TALLY_PARTY_MAX];
    bool claim_planned, claim_any;
    bool historical; /* a date before 2022 in it */
} ev_cand;

/* A claim the extractor gave out, as the coder reads it. */
typedef struct ev_claim {
    size_t sentence_start; /* body offset */
    char supplier[4], recipient[4];
    tally_kind kind;
} ev_claim;

/* Candidates collected for training (event_train.c): they and their
 * strings live in `arena`; `body` is the decoded body. */
typedef struct ev_sink {
    tally_arena *arena;
    ev_cand *v;
    size_t n, cap;
    tally_buf body;
} ev_sink;

/* The coder's state for one document (owned by the extractor). */
typedef struct events_state events_state;

/** A new state for a document of date `date`. `model` (may be NULL: the
 *  rules decide) must outlive it; `sink` (may be NULL) collects the
 *  candidates. Free with events_free. */
events_state *events_new(tally_date date, const tally_learn_model *model, ev_sink *sink,
                         bool explain);
void events_free(events_state *e);

/* One sentence of a block, as the extractor read it. */
typedef struct ev_sentence_in {
    const char *t;               /* the block's text */
    size_t offset;               /* the block's body offset */
    size_t start, end;           /* the sentence, bytes of the block */
    learn_words w;               /* its words, with the claim lexicon's roles */
    const bool *hedged_at;       /* per word: a figure there would be hedged (extract.c) */
    const tally_actor_match *am; /* the actors inside it */
    size_t n_am;
    const tally_claim *claims; /* the rules' claims of the sentence (body offsets) */
    size_t n_claims;
    const char *source; /* who asserts what it says ("author"); lives until the arena reset */
    const char *source_country;
    bool paragraph_start; /* the first sentence of its block */
} ev_sentence_in;

/** A block starts at body offset `offset` (the sentence before is another
 *  paragraph's); its text is kept for the events' body while its
 *  candidates wait, and goes into the sink's body when there is one. */
void events_block(events_state *e, const char *text, size_t len, size_t offset);

/** The bundled event model (data/events-model.bin) in `out`; false when
 *  the build has none (the rules decide). */
bool events_model_bundled_view(tally_learn_model *out);

/** Reads one sentence of the block events_block began into a candidate
 *  (in the sink when there is one); `a` is scratch. It waits for the
 *  claims of its sentence: events_flush decides it. */
void events_sentence(events_state *e, const ev_sentence_in *in, tally_arena *a);

/** Notes the claims the extractor gives out (the learned layer's, or the
 *  rules' without it; body offsets): the features of their sentences. */
void events_claims(events_state *e, const tally_claim *v, size_t n);

/** No more claims come for the sentences before body offset `upto`
 *  (SIZE_MAX: the document's end): adds the claims' features to their
 *  candidates, and (without a sink) decides the events of the runs of
 *  blocks that lie wholly before it into `out` (in `a`, with a body of
 *  their own; their strings live until the next call). What waits is at
 *  most the learned layer's undecided windows and one run. */
void events_flush(events_state *e, size_t upto, tally_arena *a, tally_events *out);

/** Decides the events of candidate `c` with model `m` (NULL: the rules):
 *  appends them to out[] (room for EV_MAX_EVENTS more) and returns
 *  how many. With `explain`, each event's `why` is filled in `a`. */
size_t events_decide(const tally_learn_model *m, double threshold, const ev_cand *c,
                     tally_event *out, bool explain, tally_arena *a);

/** The party code of an actor mention ("PRK", "SUN" for the Soviet Union,
 *  "UN", "UNSC", "UNGA", "EU", "NATO", "IAEA") into code, or false when it
 *  names no party (a person, an outlet). */
bool events_party_code(const char *t, const tally_actor_match *m, char code[TALLY_PARTY_MAX]);

/** An extractor (extract.c) with the claim model `claims` (NULL: the
 *  bundled one) that collects every sentence's event candidate into `sink`,
 *  with the features of the claims it gives out, and decides no event. */
tally_extractor *extract_new_event_collecting(tally_date date, const tally_doc_meta *meta,
                                              const tally_learn_model *claims, ev_sink *sink);

/* ---- features shared by decisions and training ------------------------------------- */

/** Feature `h` conjoined with type `t`. */
uint32_t events_conj(uint32_t h, unsigned t);
/** The hash of a name's bytes (features' values). */
uint32_t events_hash(const char *s, size_t n);

/** The features of option `oi` of candidate `c` for an event of type `t`
 *  (whose slot's trigger word may be SIZE_MAX: none) into `fv` (in `a`;
 *  with names when `named`). */
void events_option_fv(const ev_cand *c, size_t oi, unsigned t, learn_fv *fv, tally_arena *a,
                      bool named);
/** The features of the sentence for the attributes of an event of type `t`. */
void events_attr_fv(const ev_cand *c, unsigned t, learn_fv *fv, tally_arena *a, bool named);

/* EV_ATTR's outputs: modes, then auxes, then contexts. */
enum {
    EV_ATTR_MODE = 0,
    EV_ATTR_AUX = TALLY_EVMODE_N,
    EV_ATTR_CONTEXT = TALLY_EVMODE_N + TALLY_EVAUX_N,
    EV_ATTR_OUTS = TALLY_EVMODE_N + TALLY_EVAUX_N + TALLY_EVCTX_N
};

#endif
