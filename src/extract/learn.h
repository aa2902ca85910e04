/* Private to the extractor's learned decision layer (learn.c, features.c,
 * train.c) and the hooks in extract.c.
 *
 * The rules of extract.c stay the candidate generator: they find figures,
 * counted nouns, actors, dates and cue words, and fill a claim for each
 * figure they can. The layer adds candidates the rules pass over (a figure
 * whose noun the lexicon does not know, whose noun is left out, a share
 * written as a word: "half of the shells"), describes each candidate by
 * sparse binary features (hashed to 32 bits) and lets linear models decide:
 *
 *   head      options                         outputs
 *   FIG       the candidate itself            scope (in or out)
 *   KIND      the candidate itself            one score per kind
 *   SPEAKER   who may assert it, and author   one score: the best option is the source
 *   STATE     each state in view, and none    a supplier score and a recipient score
 *
 * A second stage re-ranks each kept claim's speakers beside the sources the
 * window's attributed claims got (docsource.c).
 *
 * The features of a candidate depend on the text and the rules only, never
 * on an earlier decision of the models, so that the candidates `tally train`
 * collects are exactly those `tally extract` decides on. */
#ifndef TALLY_LEARN_PRIV_H
#define TALLY_LEARN_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "extract.h"
#include "tally/actor.h"
#include "tally/claim.h"
#include "tally/doc.h"
#include "tally/event.h"
#include "tally/extract.h"
#include "tally/figure.h"
#include "tally/learn.h"
#include "tally/mem.h"
#include "tally/segment.h"
#include "tally/when.h"

typedef enum learn_head {
    LEARN_FIG,
    LEARN_SPEAKER,
    LEARN_STATE,
    LEARN_KIND,
    LEARN_N_HEADS, /* the claims' heads; the event coder's (events.h) follow, in a model of
                      their own */
    LEARN_EV_SENT = LEARN_N_HEADS,
    LEARN_EV_PARTY,
    LEARN_EV_ATTR,
    LEARN_ALL_HEADS
} learn_head;

enum {
    LEARN_N_KINDS = TALLY_KIND_FINANCIAL + 1,
    LEARN_FIG_SCOPE = 0, /* the one output of FIG */
    LEARN_FIG_OUTS = 1,
    LEARN_KIND_OUTS = LEARN_N_KINDS, /* output k of KIND is kind k */
    LEARN_STATE_SUPPLIER = 0,
    LEARN_STATE_RECIPIENT = 1,
    LEARN_STATE_OUTS = 2,
    LEARN_MAX_NAME = 120,
    /* the event coder's heads (events.h) */
    LEARN_EV_SENT_OUTS = TALLY_EVENT_TYPE_N,
    LEARN_EV_PARTY_ACTOR = 0,
    LEARN_EV_PARTY_RECIPIENT = 1,
    LEARN_EV_PARTY_OUTS = 2,
    LEARN_EV_ATTR_MODE = 0, /* modes, then auxes, then contexts */
    LEARN_EV_ATTR_AUX = TALLY_EVMODE_N,
    LEARN_EV_ATTR_CONTEXT = TALLY_EVMODE_N + TALLY_EVAUX_N,
    LEARN_EV_ATTR_OUTS = TALLY_EVMODE_N + TALLY_EVAUX_N + TALLY_EVCTX_N,
    /* the most outputs of any head */
    LEARN_MAX_OUTS = LEARN_EV_ATTR_OUTS > LEARN_KIND_OUTS ? LEARN_EV_ATTR_OUTS : LEARN_KIND_OUTS
};

/** The number of outputs (weights a row) of head `h`. */
unsigned learn_head_outputs(learn_head h);

/* A sparse binary feature vector: the hashes of the features that fire,
 * and their names when explaining. Lives in an arena. */
typedef struct learn_fv {
    uint32_t *h;
    const char **name; /* NULL unless explaining */
    uint32_t n, cap;
} learn_fv;

/* What proposed a candidate. */
typedef enum learn_proposer {
    LEARN_BY_NOUN,          /* the rules: a counted noun of the lexicon */
    LEARN_BY_CASUALTY_NOUN, /* "4,000 casualties", "2,700 others injured" */
    LEARN_BY_OTHER_NOUN,    /* a noun the lexicon does not know: "four HIMARS" */
    LEARN_BY_EARLIER_NOUN,  /* no noun; a counted noun elsewhere in the sentence */
    LEARN_BY_CARRIED_UNIT,  /* no noun; the unit of the document's last candidate */
    LEARN_BY_PERCENT,       /* a percentage the rules left out */
    LEARN_BY_FRACTION,      /* "half of", "a third of" */
    LEARN_N_PROPOSERS
} learn_proposer;

const char *learn_proposer_name(learn_proposer p);

/* What proposed a candidate, and the other units its figure may count (a
 * noun the lexicon does not know may count people, vehicles or items): each
 * is a candidate of its own, and the models keep at most one per figure. */
typedef struct learn_prop {
    learn_proposer by;
    uint32_t alts; /* bits 1 << tally_unit */
} learn_prop;

/* Where an option of a ranking decision comes from. */
typedef enum learn_origin {
    LEARN_FROM_AUTHOR,    /* nothing attributed: "author" */
    LEARN_FROM_RULES,     /* what the rules picked */
    LEARN_FROM_SENTENCE,  /* named in the candidate's sentence */
    LEARN_FROM_PARAGRAPH, /* named elsewhere in its paragraph */
    LEARN_FROM_DOCUMENT,  /* named in an earlier paragraph or the title */
    LEARN_FROM_NONE,      /* no state */
    LEARN_N_ORIGINS
} learn_origin;

const char *learn_origin_name(learn_origin o);

/* One option of a ranking decision: a speaker, or a state (or none). */
typedef struct learn_option {
    const char *name; /* a speaker's name as output; NULL for a state */
    char country[4];  /* a speaker's country, or the state; "" for none */
    learn_origin origin;
    bool fits; /* a speaker: the rules' pick, or what it names ("the spy chief": Budanov) */
    learn_fv fv;
} learn_option;

/* One candidate claim: the rules' claim, what proposed it and the features
 * of each decision. Offsets of `claim` are bytes of the decoded body. */
typedef struct learn_cand {
    tally_claim claim;
    learn_proposer proposer;
    size_t group; /* candidates of one figure share it, and follow each other */
    learn_fv fig;
    learn_fv kind;    /* the KIND head's features */
    uint64_t classes; /* the kind classes of its sentence (bits 1 << kind_class, kindwords.h) */
    learn_option *speakers;
    size_t n_speakers;
    learn_option *states;
    size_t n_states;
} learn_cand;

/* Candidates collected for training (train.c): they and their strings live
 * in `arena`; `body` is the decoded body the offsets point into. */
typedef struct learn_sink {
    tally_arena *arena;
    learn_cand *v;
    size_t n, cap;
    tally_buf body;
} learn_sink;

/** An extractor (extract.c) that collects every candidate of the document
 *  into `sink` and decides nothing (the rules' claims come out). */
tally_extractor *extract_new_collecting(tally_date date, const tally_doc_meta *meta,
                                        learn_sink *sink, bool named);

/* The layer's state for one document (owned by the extractor). */
typedef struct learn_state learn_state;

/** A new state for a document with header `meta` (may be NULL) and date
 *  `date`. `headline_source` is the extractor's buffer of the headline's
 *  source, read when needed. `model` (may be NULL) decides; `sink` (may be
 *  NULL) collects. Free with learn_free. */
learn_state *learn_new(const tally_doc_meta *meta, const char *headline_source,
                       const tally_learn_model *model, learn_sink *sink, bool explain,
                       unsigned threads);
void learn_free(learn_state *l);
/** Claims decided on the second thread are written there by `render` with
 *  `ctx` (tally_extract_opts.render) into their tally_claims.text. */
void learn_render(learn_state *l, tally_claims_render render, void *ctx);

/** Makes the block's shares ("half of", "about a third of": figures below
 *  one followed by "of") percent figures. */
void learn_fractions(const char *t, size_t n, tally_figures *figs);

/* A word of a sentence as the rules read it (extract.c's split_words):
 * the layer reads the same words, found once. */
typedef struct learn_word {
    size_t start, end; /* bytes of the block */
    uint32_t roles;    /* the lexicon's (CW_*) */
    unsigned char id;  /* CWW_* */
    char punct;        /* the punctuation, or 0 for a word */
    bool upper;
} learn_word;

typedef struct learn_words {
    const learn_word *v;
    size_t n;
} learn_words;

/** A candidate for figure `f` of a sentence whose words are `w`, whose
 *  counted noun the rules did not find: sets c->unit, items and end and *p,
 *  and returns true, or returns false when nothing could be counted. */
bool learn_propose(const learn_state *l, const char *t, const learn_words *w,
                   const tally_figure *figs, size_t n_figs, const tally_figure *f, tally_claim *c,
                   learn_prop *p);

/** For a claim the rules counted by a noun of the lexicon: the other units
 *  its figure may count ("rocket systems" count items), into p->alts. */
void learn_noun_alternatives(const char *t, const learn_words *w, const tally_claim *c,
                             learn_prop *p);

/* What learn_block reads of a block besides its claims. */
typedef struct learn_block_in {
    const char *text;
    size_t len, offset;
    const tally_sentence *ss; /* NULL for a block with no figure */
    size_t n_ss;
    const tally_actor_match *am;
    size_t n_am;
    const tally_figure *figs;
    size_t n_figs;
    const learn_prop *prop; /* of each claim */
    const learn_words *sw;  /* the words of each sentence the rules read (n 0 for the others) */
} learn_block_in;

/** Takes the block's `n` claims (offsets into the body) as the rules made
 *  them, with the block's names, sentences and figures. Decisions wait for a
 *  window of blocks (up to a size limit, or the document's end: see
 *  learn_finish), so that they see the names written after a figure too;
 *  when the window is decided, its claims go into `out` (in `a`; they and
 *  out->body stay valid until the next call), else out->n is 0. A claim out
 *  of scope is dropped; kind, source, supplier and recipient are the
 *  models'. Collects the candidates into the sink when there is one. */
void learn_block(learn_state *l, const learn_block_in *in, tally_claim *v, size_t n, tally_arena *a,
                 tally_claims *out);
/** Decides what the window holds at the document's end, as learn_block.
 *  Returns true when windows decided on the second thread remain: call it
 *  again (after reading `out`) until it returns false. */
bool learn_finish(learn_state *l, tally_claims *out, tally_arena *a);
/** The body offset from which claims may still come out (the start of the
 *  oldest window not given out), SIZE_MAX when none: every claim of the
 *  text before it has come out of an earlier call. */
size_t learn_undecided_from(const learn_state *l);

/** Applies `m` to candidate `k`: fills `out` (a copy of the rules' claim
 *  with the models' kind, source, supplier and recipient) and returns the
 *  probability that it is an in-scope claim (1 for a model without that
 *  decision). With `why` (may be NULL) the top features of each decision
 *  are written there. */
double learn_apply(const tally_learn_model *m, const learn_cand *k, tally_claim *out,
                   tally_learn_why *why);

/** The decisions on a candidate's scores (shared by learn_apply and the
 *  extractor's scoring without stored features): the probability of scope
 *  from the FIG head's outputs z, its kind from the KIND head's, the speaker of the best score,
 *  and the supplier (best supplier score) and recipient (best recipient
 *  score among the other states, or none: SIZE_MAX when no option is left)
 *  among options of state codes[i]. */
double learn_scope_p(const double *z);
/** Whether the rules read the claim's source off its own sentence ("X
 *  said", "according to X"): the source is then that pick or what it names,
 *  among the options that fit it. */
bool learn_explicit_source(const tally_claim *c);
/** The speaker of the best score among options that may be chosen (all, or
 *  those that fit the rules' explicit pick, when any does). */
size_t learn_pick_speaker_of(const double *z, const learn_option *o, size_t n, bool explicit);
/** Whether learn_pick_speaker_of chooses among the options that fit only
 *  (the others' scores are not read). */
bool learn_fits_only(const learn_option *o, size_t n, bool explicit);
tally_kind learn_kind_of(const double *z);
size_t learn_pick_speaker(const double *z, size_t n);
void learn_pick_states(const double *zs, const double *zr, const char (*codes)[4], size_t n,
                       size_t fixed, size_t *sup, size_t *rec);
/** Whether the rules read the supplier off the claim's own sentence ("X
 *  sent", "from X"): the supplier then stays theirs, and `fixed` is its
 *  option (learn_fixed_supplier; SIZE_MAX when none is). */
bool learn_explicit_supplier(const tally_claim *c);
size_t learn_fixed_supplier(const tally_claim *c, const char (*codes)[4], size_t n);

/** Whether claim c, as model m decided it, may be a claim: money that m
 *  finds no recipient state for is a state's own budget, trade or prices,
 *  not support between states (465 of the 467 gold claims of ../shared name
 *  a recipient; held out, every kept money claim without one was a false
 *  positive). True for other units (a casualty sentence may name only the
 *  supporting state) and when m has no state decision. */
bool learn_has_recipient(const tally_learn_model *m, const tally_claim *c);

/** Decides the candidates v[0, n) (whole groups): for each figure, the
 *  candidate of highest probability, if it reaches the model's threshold
 *  and has a recipient (learn_has_recipient), goes into out[] (with its
 *  explanation in `a` when `explain`). Returns how many did. */
size_t learn_decide(const tally_learn_model *m, const learn_cand *v, size_t n, tally_claim *out,
                    bool explain, tally_arena *a);

/* ---- models (learn.c) ------------------------------------------------------- */

/* A model: a view of its bytes (see learn_model_write for the layout). */
struct tally_learn_model {
    unsigned char *owned; /* the bytes when copied, else NULL (the bundled model) */
    const unsigned char *bytes;
    size_t len;
    float threshold;  /* the scope probability a candidate needs */
    const char *note; /* NUL-terminated, inside bytes */
    struct learn_head_view {
        bool present;
        unsigned outs;
        uint32_t mask; /* slots - 1 */
        const unsigned char *bias;
        const unsigned char *slots;
        size_t slot_size;
    } head[LEARN_ALL_HEADS];
};

/** Views the `n` model bytes at `bytes` in `out` (no allocation, no copy:
 *  the bytes must outlive it); false when they are no model. */
bool learn_model_view(const unsigned char *bytes, size_t n, tally_learn_model *out);
/** Views the bundled model in `out` (no allocation); false when the build's
 *  model is damaged. */
bool learn_model_bundled_view(tally_learn_model *out);

/* The lookups below run for every feature of every candidate: they are
 * inline so that the extractor's scoring loop has no call per feature. */

/** Whether this machine stores numbers little-endian, as model files do (a
 *  constant the compiler folds). */
static inline bool learn_little_endian(void)
{
    const uint32_t one = 1;
    unsigned char b;
    memcpy(&b, &one, 1);
    return b == 1;
}

/** The unsigned 32-bit number at p (little-endian). */
static inline uint32_t learn_u32(const unsigned char *p)
{
    if (learn_little_endian()) { /* one load */
        uint32_t u;
        memcpy(&u, p, sizeof u);
        return u;
    }
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/** The float at p (little-endian IEEE 754 single). */
static inline float learn_f32(const unsigned char *p)
{
    uint32_t u = learn_u32(p);
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/** Mixes the bits of h (MurmurHash3's finaliser): the features' hashes. */
static inline uint32_t learn_mix(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

/** The weights of feature `h` in head `hd`, or NULL when the model has none. */
static inline const unsigned char *learn_row(const tally_learn_model *m, learn_head hd, uint32_t h)
{
    const struct learn_head_view *v = &m->head[hd];
    if (v->slots == NULL)
        return NULL;
    for (uint32_t i = h & v->mask;; i = (i + 1) & v->mask) {
        const unsigned char *s = v->slots + (size_t)i * v->slot_size;
        uint32_t k = learn_u32(s);
        if (k == h)
            return s + 4;
        if (k == 0)
            return NULL;
    }
}

/** z[o] += the rows of features h[0, n) of head `hd`, in that order. */
void learn_add_rows(const tally_learn_model *m, learn_head hd, const uint32_t *h, size_t n,
                    double *z);
/** z[o] = head `hd`'s bias[o] + the rows of the features of `fv`, in their
 *  order (every decision sums so, stored features or not). */
void learn_scores(const tally_learn_model *m, learn_head hd, const learn_fv *fv, double *z);

/* A head being written: rows of `outs` weights keyed by feature hash. */
typedef struct learn_head_w {
    unsigned outs;
    float bias[LEARN_MAX_OUTS];
    uint32_t *key; /* sorted, unique, non-zero */
    float *w;      /* n * outs */
    size_t n;
} learn_head_w;

/** Serialises heads (LEARN_N_HEADS of them), the scope threshold and a note
 *  (the command that trained it) into `out`. */
void learn_model_write(const learn_head_w *heads, double threshold, const char *note,
                       tally_buf *out);
/** The same for the `n` heads numbered from `first` (heads[0] is head
 *  `first`): the event coder's model. */
void learn_model_write_heads(const learn_head_w *heads, unsigned first, unsigned n,
                             double threshold, const char *note, tally_buf *out);
/** z[o] = the bias of output o of head `hd` plus the weights of the
 *  features of `fv`. */
void learn_scores(const tally_learn_model *m, learn_head hd, const learn_fv *fv, double *z);
/** Adds feature `name` of weight w to d's list of the weightiest, if it is. */
void learn_explain_add(tally_learn_decision *d, const char *name, double w);
/** The features of `fv` that weigh most for output `o` of head `hd`, with
 *  probability `p`, into `d`. */
void learn_explain(const tally_learn_model *m, learn_head hd, const learn_fv *fv, unsigned o,
                   double p, tally_learn_decision *d);

/* ---- shared with score.c ---------------------------------------------------- */

/** The item slugs sorted and joined by '\n' (sorts `names`; caller frees). */
char *score_items_join(const char **names, size_t n);
/** Whether two sentences overlap as the scorers (score-claims, score-events)
 *  say: one normalised text holds the other, or their words share 60 %. */
bool score_sentences_overlap(const char *a, const char *b);
/** A text normalised as the scorers do (quotes, "\\$", white space, case);
 *  caller frees. */
char *score_norm(const char *s);

/* ---- the source decision's document stage (docsource.c) ---------------------- */

/* One option of a claim's speaker decision as the document stage sees it. */
typedef struct learn_spk_opt {
    const char *name;    /* as output; "author" for the author option */
    const char *country; /* its country, "" for none */
    learn_origin origin;
    double z; /* the first stage's score (the SPEAKER head on the option's features) */
} learn_spk_opt;

/* A claim's speaker decision: the options it may choose (what an explicit
 * pick fits when any does, else all, in the candidate's order). */
typedef struct learn_spk {
    learn_spk_opt *o;
    size_t n;
    bool bound;  /* the options are what the sentence's explicit pick fits */
    size_t pick; /* the decision, an index of o (learn_doc_decide's) */
} learn_spk;

/* The window's bound decisions pooled by the name they pick (learn_doc_pool_of). */
typedef struct learn_doc_pool {
    struct learn_doc_name *v;
    size_t n, cap;
    unsigned n_bound;
} learn_doc_pool;

/* The key of the weight of the first stage's score in the SPEAKER head;
 * keys up to LEARN_DOC_KEYS are kept for such weights of a second stage
 * (learn_doc_fid's hashes are above). */
enum { LEARN_DOC_Z = 1, LEARN_DOC_KEYS = 16 };

/* Helpers of any second stage learned by stacking (docsource.c). */
/** The hash of a second stage's feature: template `tpl` (500 and up) with
 *  values a, b, c; above LEARN_DOC_KEYS. */
uint32_t learn_doc_fid(unsigned tpl, unsigned a, unsigned b, unsigned c);
/** A share in 6 buckets (0, under 0.1, 0.25, 0.5, 0.75, above). */
unsigned learn_doc_bucket(double x);
/** A count in 5 buckets (0, 1, 2-3, 4-7, more). */
unsigned learn_doc_count_bucket(unsigned n);
/** Appends the feature of template `tpl` with values x, y, z to fv (grown
 *  in `a`), named "TPL_NAME=x/y/z" when `named` (fv then keeps names). */
void learn_doc_put(learn_fv *fv, tally_arena *a, bool named, const char *tpl_name, unsigned tpl,
                   unsigned x, unsigned y, unsigned z);

/** The first stage's choice among s's options (the first of the best score). */
size_t learn_doc_first(const learn_spk *s);
/** Pools the window's n decisions v (in `a`). */
void learn_doc_pool_of(learn_doc_pool *p, const learn_spk *v, size_t n, tally_arena *a);
/** The document stage's features of option `o` of decision `s` into fv (in
 *  `a`, reset first; with their names when `named`), beside the pool (which
 *  holds s when `in_pool`: s is then left out of it). */
void learn_doc_features(const learn_doc_pool *pool, const learn_spk *s, bool in_pool, size_t o,
                        learn_fv *fv, bool named, tally_arena *a);
/** Whether model m has the document stage. */
bool learn_doc_present(const tally_learn_model *m);
/** The document stage's score of an option of features fv and first-stage score z. */
double learn_doc_score(const tally_learn_model *m, const learn_fv *fv, double z);
/** The decision of candidate k's source under m's first stage (in `a`). */
void learn_doc_spk_of(const tally_learn_model *m, const learn_cand *k, learn_spk *s,
                      tally_arena *a);
/** Sets the pick of each of the window's n decisions v: the document
 *  stage's best option, or the first stage's when m has no document stage
 *  (scratch in `a`). With `why` (may be NULL), why[i] (may be NULL) gets
 *  the document stage's features of decision i's pick. */
void learn_doc_decide(const tally_learn_model *m, learn_spk *v, size_t n,
                      tally_learn_decision *const *why, tally_arena *a);

/* ---- the kind decision's document stage (dockind.c) ------------------------- */

/* A kept claim's kind decision as the document stage sees it. */
typedef struct learn_kdec {
    double z[LEARN_KIND_OUTS]; /* the first stage's scores (the KIND head) */
    size_t sentence;           /* where its sentence starts: claims of one sentence share it */
    uint64_t classes;          /* the kind classes of its sentence (learn_cand's) */
    tally_kind first;          /* the first stage's kind (learn_kind_of(z)) */
    tally_kind pick;           /* the decision (learn_dockind_decide's) */
} learn_kdec;

/* The keys in the KIND head of the weight of the first stage's score (the
 * same in every column) and of the stage's bias of each kind (below
 * LEARN_DOC_KEYS), the floor of the first stage's scores, and how far below
 * its best a kind's first-stage score may be for the stage to choose it. */
enum { LEARN_DOCK_Z = 2, LEARN_DOCK_BIAS = 3, LEARN_DOCK_FLOOR = 10, LEARN_DOCK_MARGIN = 2 };

/** Whether a kind of input x (learn_dockind_inputs) is one the stage may
 *  choose: within LEARN_DOCK_MARGIN of the first stage's best. */
bool learn_dockind_open(double x);
/** Whether model m has the kind's document stage. */
bool learn_dockind_present(const tally_learn_model *m);
/** The stage's input x[k] of each kind from the first stage's scores z:
 *  the score less the best, floored at -LEARN_DOCK_FLOOR. */
void learn_dockind_inputs(const double *z, double *x);
/** The stage's features of decision s beside the window's n decisions v
 *  (s left out when it is one of them) into fv (in `a`, reset first; with
 *  names when `named`). */
void learn_dockind_features(const learn_kdec *v, size_t n, const learn_kdec *s, learn_fv *fv,
                            bool named, tally_arena *a);
/** The stage's score of each kind, out[k], from features fv and the first
 *  stage's scores z. */
void learn_dockind_scores(const tally_learn_model *m, const learn_fv *fv, const double *z,
                          double *out);
/** Sets the pick of each of the window's n decisions v: the stage's best
 *  kind, or the first stage's when m has no stage (scratch in `a`). With
 *  `why` (may be NULL), why[i] (may be NULL) gets the stage's features of
 *  decision i's pick. */
void learn_dockind_decide(const tally_learn_model *m, learn_kdec *v, size_t n,
                          tally_learn_decision *const *why, tally_arena *a);

#endif
