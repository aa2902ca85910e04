/* tally: turning a document's blocks into claims (stage 2). The extractor
 * keeps what a document has said so far (names, the speaker, dates) and reads
 * one block at a time, so documents of any size stream through it. */
#ifndef TALLY_EXTRACT_H
#define TALLY_EXTRACT_H

#include "tally/claim.h"
#include "tally/doc.h"
#include "tally/err.h"
#include "tally/event.h"
#include "tally/learn.h"
#include "tally/mem.h"
#include "tally/when.h"

typedef struct tally_extractor tally_extractor;

typedef struct tally_claims {
    tally_claim *v; /* lives in the arena given to tally_extract_block */
    size_t n;
    /* the decoded body from body_offset on, holding the claims' sentences
     * and figures (claim offsets are body offsets): the block's text, or
     * with the learned layer the paragraphs it waited for */
    const char *body;
    size_t body_offset;
    /* with tally_extract_opts.events: events (tally/event.h) with their own
     * body, as the claims of their sentences are given out (with the learned
     * layer they wait for its window of paragraphs, as the claims do): from
     * any tally_extract_block or tally_extract_finish call; else none */
    tally_events events;
    /* with tally_extract_opts.render: the claims as it wrote them (text_len
     * bytes, living as long as the claims), or NULL: write them yourself */
    const char *text;
    size_t text_len;
} tally_claims;

/* Writes claims `cs` (with their body) to `out` as the caller would, from
 * the thread that decided them: it may read `ctx` but change nothing else
 * the caller's thread reads. False when they are to be written by the
 * caller after all (`out` is then thrown away). */
typedef bool (*tally_claims_render)(void *ctx, const tally_claims *cs, tally_buf *out);

/** How claims are decided (tally/learn.h). */
typedef struct tally_extract_opts {
    const tally_learn_model *model;       /* the models that decide; NULL: the bundled one */
    bool rules_only;                      /* no models: the rules' claims as they are */
    bool explain;                         /* fill each claim's `learned` (and each event's `why`) */
    unsigned threads;                     /* that a document's learned decisions may use: 0 one a
                                           * core, 1 none but the caller's; the claims are the same */
    bool events;                          /* code events too (../shared/docs/EVENTS.md) */
    const tally_learn_model *event_model; /* the event coder's; NULL: the bundled one */
    /* where a document's decisions go to a second thread (threads), it
     * writes their claims there too (tally_claims.text), with ctx; NULL:
     * never */
    tally_claims_render render;
    void *render_ctx;
} tally_extract_opts;

/** Starts a document whose date is `date` (year 0 when unknown); `meta` (may
 *  be NULL) gives the outlet and title, which help name sources. `opts` (may
 *  be NULL: the bundled model) must outlive the extractor's use of it, as
 *  must its model. Returns a new extractor (out of memory aborts); free it
 *  with tally_extractor_free. */
tally_extractor *tally_extractor_open(tally_date date, const tally_doc_meta *meta,
                                      const tally_extract_opts *opts);
/** tally_extractor_open with the bundled model. */
tally_extractor *tally_extractor_new(tally_date date, const tally_doc_meta *meta);
/** Frees the extractor; accepts NULL. */
void tally_extractor_free(tally_extractor *x);

/** The sentences of the document so far that were longer than
 *  TALLY_SENTENCE_MAX bytes and read in pieces (segment.h), for a warning;
 *  0 for NULL. */
size_t tally_extractor_cut_sentences(const tally_extractor *x);

/** Extracts the claims of one block, in order. The learned layer may hold a
 *  block's claims back until later blocks (a name written after a figure
 *  may be its source): they then come out of a later call, or of
 *  tally_extract_finish. Claims, the strings they point to and out->body
 *  stay valid until the next call on `x` and until `a` is reset. Returns 0,
 *  or a negative code with `err` set. */
int tally_extract_block(tally_extractor *x, const tally_block *b, tally_claims *out, tally_arena *a,
                        tally_err *err) TALLY_MUST_CHECK;
/** At the document's end: the claims and events still held back, as
 *  tally_extract_block. Returns true when more remain (windows decided on
 *  another thread, see tally_extract_opts.threads): read `out`, then call
 *  it again until it returns false. */
bool tally_extract_finish(tally_extractor *x, tally_claims *out, tally_arena *a) TALLY_MUST_CHECK;

#endif
