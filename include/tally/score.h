/* tally: scoring extracted claims against gold claims (stage 2's yardstick),
 * exactly as ../shared/tools/score-claims does: a predicted claim matches a
 * gold claim of the same document when their sentences overlap, their units
 * agree and their values agree within 0.5 %; each gold claim matches at most
 * one prediction (the pairs sharing most words first). `tally train` scores
 * its cross-validation folds with this, and `tally score` prints the same
 * report as the python tool, so that the two can be compared. */
#ifndef TALLY_SCORE_H
#define TALLY_SCORE_H

#include <stdbool.h>
#include <stddef.h>

#include "tally/claim.h"
#include "tally/err.h"

/** The attributes compared over matched pairs, in the report's order. */
typedef enum tally_score_attr {
    TALLY_SCORE_KIND,
    TALLY_SCORE_SUPPLIER,
    TALLY_SCORE_RECIPIENT,
    TALLY_SCORE_ITEM,
    TALLY_SCORE_CALIBER,
    TALLY_SCORE_QUALIFIER,
    TALLY_SCORE_HIGH,
    TALLY_SCORE_SINCE,
    TALLY_SCORE_AS_OF,
    TALLY_SCORE_SOURCE,
    TALLY_SCORE_SOURCE_COUNTRY,
    TALLY_SCORE_HEDGED,
    TALLY_SCORE_N_ATTRS
} tally_score_attr;

/** One claim as the scorer sees it: the fields of CLAIMS.md as text, each
 *  string owned by the record (malloc) and NULL for JSON null. */
typedef struct tally_score_claim {
    char *sentence;
    char *unit; /* "round", "USD" */
    bool has_low, has_high, has_caliber;
    double low, high, caliber_mm;
    char *kind, *supplier, *recipient, *qualifier, *since, *as_of, *source, *source_country;
    char *items; /* the slugs, lower case, sorted, unique, one '\n' between; "" for none */
    bool hedged;
} tally_score_claim;

/** Frees the strings of `c` (not `c` itself); accepts NULL. */
void tally_score_claim_clear(tally_score_claim *c);

/** Fills `out` from claim `c` whose sentence is the `n` bytes at `sentence`.
 *  Free with tally_score_claim_clear. */
void tally_score_claim_of(const tally_claim *c, const char *sentence, size_t n,
                          tally_score_claim *out);

/** Reads one JSON Lines record (`n` bytes at `line`, no newline) into `out`;
 *  `*doc` gets its "doc" field (malloc, NULL when absent). Returns 0, or
 *  TALLY_EINPUT with `err` saying what is wrong: not JSON, not an object, a
 *  field of the wrong type, or (when `strict`) a kind, unit, item or
 *  qualifier CLAIMS.md does not define, or neither low nor high. */
int tally_score_claim_parse(const char *line, size_t n, bool strict, tally_score_claim *out,
                            char **doc, tally_err *err) TALLY_MUST_CHECK;

/** Counts over the documents scored so far; start from all zeros. */
typedef struct tally_score {
    size_t docs, gold, predicted, matched, strict;
    size_t attr[TALLY_SCORE_N_ATTRS]; /* matched pairs that agree on the attribute */
} tally_score;

/** Matches the predictions of one document against its gold claims and adds
 *  the counts to `acc`. `doc_date` is the date of the document's header (NULL
 *  when unknown), which an as_of left null stands for. When `matched_pred`
 *  is not NULL, matched_pred[i] is set to the index of the gold claim that
 *  prediction i matched, or -1. */
void tally_score_doc(const tally_score_claim *gold, size_t n_gold, const tally_score_claim *pred,
                     size_t n_pred, const char *doc_date, tally_score *acc, long *matched_pred);

/** Whether prediction `p` may match gold claim `g`: same unit, value within
 *  0.5 % and overlapping sentences (the pairing rule of tally_score_doc). */
bool tally_score_may_match(const tally_score_claim *p, const tally_score_claim *g);

/** Whether the attribute agrees between a prediction and a gold claim. */
bool tally_score_attr_ok(tally_score_attr a, const tally_score_claim *p, const tally_score_claim *g,
                         const char *doc_date);

/** Adds the counts of `b` to `a`. */
void tally_score_add(tally_score *a, const tally_score *b);
/** F1 of matched claims; sets precision and recall (either may be NULL) with
 *  the conventions of score-claims for empty sets. */
double tally_score_f1(const tally_score *s, double *precision, double *recall);
/** The share of matched claims with attribute `a` right (0 when none matched). */
double tally_score_attr_rate(const tally_score *s, tally_score_attr a);
/** The attribute's name in the report: "kind", "source_country", ... */
const char *tally_score_attr_name(tally_score_attr a);

/** Source names agree as score-claims compares them: case, "the", "U.S."
 *  and punctuation aside, equal or one inside the other. */
bool tally_score_source_eq(const char *a, const char *b);

#endif
