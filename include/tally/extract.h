/* tally: turning a document's blocks into claims (stage 2). The extractor
 * keeps what a document has said so far (names, the speaker, dates) and reads
 * one block at a time, so documents of any size stream through it. */
#ifndef TALLY_EXTRACT_H
#define TALLY_EXTRACT_H

#include "tally/claim.h"
#include "tally/doc.h"
#include "tally/err.h"
#include "tally/mem.h"
#include "tally/when.h"

typedef struct tally_extractor tally_extractor;

typedef struct tally_claims {
    tally_claim *v; /* lives in the arena given to tally_extract_block */
    size_t n;
} tally_claims;

/** Starts a document whose date is `date` (year 0 when unknown); `meta` (may
 *  be NULL) gives the outlet and title, which help name sources. Returns a
 *  new extractor (out of memory aborts); free it with tally_extractor_free. */
tally_extractor *tally_extractor_new(tally_date date, const tally_doc_meta *meta);
/** Frees the extractor; accepts NULL. */
void tally_extractor_free(tally_extractor *x);

/** The sentences of the document so far that were longer than
 *  TALLY_SENTENCE_MAX bytes and read in pieces (segment.h), for a warning;
 *  0 for NULL. */
size_t tally_extractor_cut_sentences(const tally_extractor *x);

/** Extracts the claims of one block, in order. Claims and the strings they
 *  point to live in `a` (reset it once they are used). Returns 0, or a
 *  negative code with `err` set. */
int tally_extract_block(tally_extractor *x, const tally_block *b, tally_claims *out, tally_arena *a,
                        tally_err *err) TALLY_MUST_CHECK;

#endif
