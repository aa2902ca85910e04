/* Private to the learned layer's training (train.c) and the event coder's
 * (event_train.c): LIBLINEAR problems built from hashed sparse features, and
 * the folds of a cross-validation by document. Defined in train.c. */
#ifndef TALLY_TRAIN_PRIV_H
#define TALLY_TRAIN_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linear.h>

#include "learn.h"
#include "tally/doc.h"
#include "tally/err.h"
#include "tally/extract.h"
#include "tally/learn.h"

/* The features of one head kept for training: sorted hashes, indexed 1.. */
typedef struct fmap {
    uint32_t *h;
    size_t n;
} fmap;

/* A growing list of (hash, document) pairs. */
typedef struct hd {
    uint32_t h, doc;
} hd;

typedef struct hds {
    hd *v;
    size_t n, cap;
} hds;

/* A LIBLINEAR problem being built. */
typedef struct prob {
    struct problem p;
    size_t cap;
    double pos_weight; /* the weight of label +1's errors in a binary problem; 0 for 1 */
} prob;

/** Adds each feature of `fv`, seen in document `doc`, to `s`. */
void train_hds_add(hds *s, const learn_fv *fv, uint32_t doc);
/** The hashes of `s` found in at least two documents (empties `s`). */
fmap train_fmap_of(hds *s);
/** Adds the instance `fv` with label y to `pr` (features not in `m` left out). */
void train_prob_add(prob *pr, const fmap *m, const learn_fv *fv, double y);
/** A ranking as a classification: for each right option p and wrong option
 *  q of one decision (`n` options of array `o`, whose features fv(o, i)
 *  gives), p - q is labelled +1 (or q - p, -1, every other pair), so that
 *  the weights score the right option above the wrong ones. */
void train_prob_add_ranking_of(prob *pr, const fmap *m, const void *o, size_t n,
                               const learn_fv *(*fv)(const void *o, size_t i), const bool *right);
void train_prob_free(prob *pr);
/** Fits `pr` and writes the weight of each feature for each of `n_out`
 *  classes (labels 0..n_out-1; for a binary problem, n_out 1 and label +1)
 *  into w[j * stride + off + class]; a class absent from the problem gets
 *  bias -1e30. */
void train_fit(prob *pr, size_t n_features, double c, unsigned n_out, float *w, unsigned stride,
               unsigned off, float *bias);
/* ---- reading a corpus: NAME.txt with its gold beside it ---------------------------- */

/* Where a training run reports a bad input (and counts it); training goes on. */
typedef struct train_warner {
    const tally_train_opts *o;
    size_t skipped;
} train_warner;

/** Counts a bad input and tells o->on_warning (a "FILE:LINE: reason"). */
void train_warnf(train_warner *w, const char *fmt, ...) TALLY_PRINTF(2, 3);

/* A document of a corpus: NAME and the path of NAME.txt. */
typedef struct train_pair {
    char *name, *path;
} train_pair;

/** The documents of folders `dirs`: each NAME.txt with NAME`gold_ext` beside
 *  it, sorted by name, then path, into *out (n of them; the array and its
 *  strings are the caller's). A gold file without its text, or a text
 *  without its gold (`gold_what` in the message), is reported and left out. */
int train_list(const char *const *dirs, size_t n_dirs, const char *gold_ext, const char *gold_what,
               train_warner *w, train_pair **out, size_t *n, tally_err *err);
/* Parses one line of a gold file into `out`; false with `err` set when it
 * is broken. */
typedef bool (*train_parse_fn)(const char *s, size_t n, void *out, tally_err *err);
/** Each line of the file at `path` that is not blank, trimmed, parsed into
 *  an element of `size` bytes of the array returned (*n of them; free()); a
 *  line too long or that parse() rejects, or a file that cannot be read, is
 *  reported as PATH:LINE: reason and left out. */
void *train_read_lines(const char *path, size_t size, train_parse_fn parse, train_warner *w,
                       size_t *n);
/** train_read_lines of NAME`gold_ext` beside the text at `path` (NAME.txt). */
void *train_read_gold(const char *path, const char *gold_ext, size_t size, train_parse_fn parse,
                      train_warner *w, size_t *n);

/* The extractor that collects a document's candidates into `sink`. */
typedef tally_extractor *(*train_collector)(tally_date date, const tally_doc_meta *meta,
                                            void *sink);
/** Runs the extractor make() gives over the text at `path`, collecting into
 *  `sink`; the header's date (when it parses) into *date (freed before). */
int train_read_text(const char *path, train_collector make, void *sink, char **date,
                    tally_err *err);

/** The folds of `n` documents (sorted by name) for a k-fold
 *  cross-validation: a fixed shuffle with `seed`, then fold[i] = position
 *  mod k. */
void train_folds(size_t n, unsigned k, unsigned seed, unsigned *fold);

/** How many folds `o` asks for `n` documents (o->folds, at most n; 0 when
 *  it asks no cross-validation); when more than one, each document's fold
 *  (train_folds) into the unsigned at byte `fold_at` of each of the `n`
 *  records of `size` bytes at `docs`. Both trainers' documents. */
unsigned train_set_folds(const tally_train_opts *o, void *docs, size_t n, size_t size,
                         size_t fold_at);

/** Claims models for the event coder's cross-validation (tally_events_train),
 *  so that no claim it reads comes from a model that saw the document, nor
 *  the fold held out: the claims corpus of folders `dirs` read once, then
 *  for each pair of folds f <= g < k a model trained with the defaults on
 *  every document but those named in names[i] with fold[i] f or g (n names)
 *  into models[f * k + g] (k * k buffers, initialised). Bad input is left
 *  out quietly (tally_train reports it); without any document of claims
 *  the buffers stay empty. */
void train_claims_without(const char *const *dirs, size_t n_dirs, const char *const *names,
                          const unsigned *fold, size_t n, unsigned k, tally_buf *models);

#endif
