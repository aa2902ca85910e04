/* tally: the block sink. Decoders write the decoded body into it as UTF-8
 * text and say where blocks end; it hands the blocks to the caller's on_block,
 * keeps the running byte offset and cuts blocks longer than max_block, so it
 * never holds more than max_block bytes.
 * Part of stage 1, read: includes the public headers of base and the model,
 * and read's own. */
#ifndef TALLY_SINK_H
#define TALLY_SINK_H

#include <stdbool.h>
#include <stddef.h>

#include "tally/doc.h"
#include "tally/mem.h"

typedef struct sink {
    tally_buf buf; /* the pending block, at most `max` bytes */
    size_t start;  /* offset of buf.ptr[0] in the decoded body */
    size_t max;
    bool cut; /* the pending paragraph was already cut once */
    const tally_doc_handler *h;
    tally_doc_stats *stats; /* body_bytes and split_blocks are kept here */
    tally_err *err;
} sink;

/** Prepares `s`; `max_block` 0 means the default (16 KiB). `h`, `stats` and
 *  `err` are borrowed. */
void sink_init(sink *s, size_t max_block, const tally_doc_handler *h, tally_doc_stats *stats,
               tally_err *err);
/** Frees the pending text; accepts NULL. */
void sink_free(sink *s);

/** Appends `n` bytes of valid UTF-8 text (a character may be split between
 *  calls) to the pending block, handing out a cut when it outgrows the limit.
 *  Returns 0 or what on_block returned. */
int sink_put(sink *s, const char *text, size_t n) TALLY_MUST_CHECK;
/** Ends the pending block (nothing when it is empty); returns 0 or what
 *  on_block returned. */
int sink_end(sink *s) TALLY_MUST_CHECK;
/** Ends the pending block at body offset `offset` (at most sink_offset(s)):
 *  the text before it is handed out, the rest starts the next block. Nothing
 *  is handed out when `offset` lies before the pending block. */
int sink_end_at(sink *s, size_t offset) TALLY_MUST_CHECK;
/** Returns the body offset of the next byte to be appended. */
size_t sink_offset(const sink *s);

#endif
