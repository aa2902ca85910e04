/* tally: the extractor's learned decision layer (stage 2). The rules of the
 * extractor propose candidate claims; linear models (L2-regularised logistic
 * regression, trained with LIBLINEAR on hashed sparse features) decide
 * whether a candidate is an in-scope claim, its kind, its source among the
 * speakers in view (or the author) and its supplier and recipient among the
 * states in view. A model is trained from NAME.txt + NAME.gold.jsonl pairs by
 * tally_train (`tally train`); one trained on ../shared/corpus is compiled
 * into tally (data/extract-model.bin, `make model`). */
#ifndef TALLY_LEARN_H
#define TALLY_LEARN_H

#include <stdbool.h>
#include <stddef.h>

#include "tally/err.h"
#include "tally/event.h"
#include "tally/mem.h"
#include "tally/score.h"

typedef struct tally_learn_model tally_learn_model;

/** The model compiled into tally. Returns 0 with a new handle in *out (free
 *  it with tally_learn_model_free; the weights stay in the binary), or
 *  TALLY_EINPUT when the build's model is damaged. */
int tally_learn_model_bundled(tally_learn_model **out, tally_err *err) TALLY_MUST_CHECK;
/** Reads the model file at `path` (written by `tally train -o`). Returns 0,
 *  TALLY_EIO when it cannot be read, or TALLY_EINPUT when it is not a model,
 *  with `err` naming the file. */
int tally_learn_model_load(const char *path, tally_learn_model **out,
                           tally_err *err) TALLY_MUST_CHECK;
/** The same for `n` bytes in memory, copied. */
int tally_learn_model_parse(const void *bytes, size_t n, tally_learn_model **out,
                            tally_err *err) TALLY_MUST_CHECK;
/** Frees the model; accepts NULL. */
void tally_learn_model_free(tally_learn_model *m);
/** The note recorded with the model: the command that trained it ("" when
 *  none). Lives as long as the model. */
const char *tally_learn_model_note(const tally_learn_model *m);

/* ---- explanations (tally extract --explain) ----------------------------------- */

enum { TALLY_LEARN_TOP = 5 };

/** One feature's part in a decision: its name ("left word 1=pledged") and
 *  its weight for the answer chosen (positive: for it). */
typedef struct tally_learn_feature {
    const char *name;
    double weight;
} tally_learn_feature;

/** One decision: the probability the model gives the answer it chose, and
 *  the features that weighed most, strongest first. */
typedef struct tally_learn_decision {
    bool decided; /* false when the model had no say */
    double p;
    size_t n;
    tally_learn_feature top[TALLY_LEARN_TOP];
} tally_learn_decision;

/** What the models did with a claim. Strings are static or live with the
 *  claim (in the arena given to tally_extract_block). */
typedef struct tally_learn_why {
    const char *proposed_by; /* the rule that proposed the candidate */
    const char *source_from; /* where the chosen source was found */
    tally_learn_decision scope, kind, source, supplier, recipient;
} tally_learn_why;

/** What the event coder's models did with an event (tally events
 *  --explain): the type's probability and the weightiest features of the
 *  type, actor, recipient and aux decisions. */
typedef struct tally_event_why {
    tally_learn_decision type, actor, recipient, aux;
} tally_event_why;

/* ---- training ------------------------------------------------------------------ */

typedef struct tally_train_opts {
    unsigned folds;   /* k of k-fold cross-validation by document; 0 or 1 for none */
    unsigned seed;    /* the seed of the folds' shuffle */
    double c;         /* LIBLINEAR's C (inverse regularisation); 0 for the default */
    double threshold; /* the scope probability a candidate needs; 0 for the default */
    const char *note; /* recorded in the model (the command line); may be NULL */
    /* called for each bad input ("FILE:LINE: reason"); training goes on */
    void (*on_warning)(void *user, const char *msg);
    /* when not NULL, called for each gap of the candidates: a gold claim no
     * candidate matches, or a matched one whose source or states none of
     * the options gives ("what" says which; `gold` is the gold claim) */
    void (*on_gap)(void *user, const char *doc, const char *what, const tally_score_claim *gold);
    /* when not NULL, called for each claim a cross-validation fold predicts
     * on its held-out documents; `body` is the document's decoded body */
    void (*on_heldout)(void *user, const char *doc, const tally_claim *c, const char *body);
    /* the same for each event a fold predicts (tally_events_train) */
    void (*on_heldout_event)(void *user, const char *doc, const tally_event *e, const char *body);
    void *user;
} tally_train_opts;

typedef struct tally_train_report {
    size_t docs, gold, candidates;
    size_t skipped; /* gold lines and documents left out for bad input */
    unsigned folds;
    tally_score *fold; /* the held-out score of each fold (malloc; NULL without folds) */
    tally_score cv;    /* the folds' held-out scores added up */
    tally_score fit;   /* the final model on the documents it was trained on */
} tally_train_report;

/** Trains a model on the documents of the folders `dirs` (NAME.txt with
 *  NAME.gold.jsonl beside it), cross-validating first when opts->folds > 1,
 *  and writes the model's bytes into `model` (see tally_learn_model_parse).
 *  Bad input (a broken gold line, a gold file without its text, an unknown
 *  unit) is reported through opts->on_warning and left out. Training is
 *  deterministic: the same files and options give the same bytes. Returns 0,
 *  or a negative code with `err` set (no documents, a folder that cannot be
 *  read). Free the report with tally_train_report_free. */
int tally_train(const char *const *dirs, size_t n_dirs, const tally_train_opts *opts,
                tally_buf *model, tally_train_report *report, tally_err *err) TALLY_MUST_CHECK;
void tally_train_report_free(tally_train_report *r);

/* ---- the event coder's training (`tally train --events`) ---------------------- */

/** The attributes score-events compares over matched events, in its order. */
typedef enum tally_event_attr {
    TALLY_EVATTR_MODE,
    TALLY_EVATTR_CONTEXT,
    TALLY_EVATTR_DATE,
    TALLY_EVATTR_AUX,
    TALLY_EVATTR_SOURCE,
    TALLY_EVATTR_HEDGED,
    TALLY_EVATTR_N
} tally_event_attr;

/** Counts of ../shared/tools/score-events over the documents scored so far:
 *  an event matches a gold event of its document when the sentences
 *  overlap and type, actor and recipient agree. Start from all zeros. */
typedef struct tally_event_score {
    size_t docs, gold, predicted, matched;
    size_t attr[TALLY_EVATTR_N];
    size_t type_gold[TALLY_EVENT_TYPE_N], type_predicted[TALLY_EVENT_TYPE_N],
        type_matched[TALLY_EVENT_TYPE_N];
} tally_event_score;

/** The attribute's name in the report: "mode", "context", ... */
const char *tally_event_attr_name(tally_event_attr a);
void tally_event_score_add(tally_event_score *a, const tally_event_score *b);
/** F1 of matched events; sets precision and recall (either may be NULL). */
double tally_event_score_f1(const tally_event_score *s, double *precision, double *recall);
/** The share of matched events with attribute `a` right (0 when none). */
double tally_event_score_attr(const tally_event_score *s, tally_event_attr a);

typedef struct tally_event_train_report {
    size_t docs, gold, candidates;
    size_t skipped; /* gold lines and documents left out for bad input */
    unsigned folds;
    tally_event_score *fold; /* each fold's held-out score (malloc; NULL without folds) */
    tally_event_score cv;    /* the folds' held-out scores added up */
    tally_event_score fit;   /* the final model on its own training documents */
    /* gold events no decision can get right: no sentence overlaps theirs; or
     * their actor, their recipient is no option of any sentence that does */
    size_t gap_sentence, gap_actor, gap_recipient;
    /* each document's held-out counts in the cross-validation, by name */
    struct tally_event_doc_score {
        char *name;
        size_t gold, predicted, matched;
    } * doc;
    size_t n_doc;
} tally_event_train_report;

/** Trains the event coder's model on the documents of the folders `dirs`
 *  (NAME.txt with NAME.events.jsonl beside it, EVENTS.md's format),
 *  cross-validating by document first when opts->folds > 1 (the folds of
 *  tally_train), and writes the model's bytes into `model` (read with
 *  tally_learn_model_parse; `tally events --model`). opts->c and
 *  opts->threshold (the probability an event's type needs) apply; on_gap,
 *  on_heldout do not. Bad input is reported through opts->on_warning
 *  ("FILE:LINE: reason") and left out. Deterministic. Returns 0, or a
 *  negative code with `err` set. Free the report with
 *  tally_event_train_report_free. */
int tally_events_train(const char *const *dirs, size_t n_dirs, const tally_train_opts *opts,
                       tally_buf *model, tally_event_train_report *report,
                       tally_err *err) TALLY_MUST_CHECK;
void tally_event_train_report_free(tally_event_train_report *r);

#endif
