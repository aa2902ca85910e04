/* tally: paragraphs into sentences (stage 1, after decoding). */
#ifndef TALLY_SEGMENT_H
#define TALLY_SEGMENT_H

#include <stddef.h>

#include "tally/err.h"
#include "tally/mem.h"

/** A sentence: byte offsets [start, end) relative to the start of the text
 *  given to tally_segment, trimmed of surrounding white space. */
typedef struct tally_sentence {
    size_t start;
    size_t end;
} tally_sentence;

/** The longest sentence, in bytes. Longer ones (no sentence runs on for
 *  two kilobytes: a text whose periods have no space after them, a list
 *  joined by commas, a line of junk) are cut into pieces of at most this
 *  many bytes, at the last ", " (or ";", ":") in the second half of the
 *  piece, else the last white space, else a character boundary. Whatever
 *  reads a sentence per figure (the extractor) so does a bounded amount of
 *  work a byte, and output that repeats a claim's sentence stays in
 *  proportion to the input. */
#define TALLY_SENTENCE_MAX 2048

typedef struct tally_sentences {
    tally_sentence *v; /* lives in the arena */
    size_t n;
    size_t cut; /* sentences longer than TALLY_SENTENCE_MAX, cut into pieces */
} tally_sentences;

/** Splits one block of decoded text (valid UTF-8) into sentences. Survives
 *  abbreviations ("U.S.", "Gen.", "Lt. Col.", "No. 1", "Jan."), decimals,
 *  initials, quotes and brackets; a blank line always ends a sentence, a
 *  single line break inside a paragraph does not, unless the line before it
 *  is a headline-like line (the rules are in src/read/segment.c). Every byte that
 *  is not white space belongs to a sentence, except a bullet marker ("- ",
 *  "• ") at the start of a line, which is left out as the gold files do. No
 *  sentence is longer than TALLY_SENTENCE_MAX bytes (`out->cut` counts the
 *  ones cut). The array lives in `a`. Returns 0, or TALLY_ELIMIT for a text
 *  over SIZE_MAX/32 bytes. */
int tally_segment(tally_span text, tally_sentences *out, tally_arena *a,
                  tally_err *err) TALLY_MUST_CHECK;

#endif
