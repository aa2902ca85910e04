/* tally: ingesting documents (stages 1 to 3 joined): a document's bytes are
 * read, their claims extracted and both stored, with the document's identity
 * deciding whether it is new, unchanged or a new version. */
#ifndef TALLY_INGEST_H
#define TALLY_INGEST_H

#include <stddef.h>
#include <stdio.h>

#include "tally/doc.h"
#include "tally/err.h"
#include "tally/extract.h"
#include "tally/store.h"

/** One document to ingest: its bytes in memory (`data`, `len`), or a file
 *  read a piece at a time (`file`). */
typedef struct tally_ingest_input {
    const char *data; /* the raw bytes: header (optional) and body */
    size_t len;
    FILE *file;          /* instead of `data`: a seekable stream at its start of `len`
                            bytes; past 1 MiB it is read twice (identity, then
                            decoding) a piece at a time, never whole */
    const char *name;    /* the short name for claims' "doc" (not NULL) */
    const char *origin;  /* where it came from, for messages and the store */
    const char *path;    /* the file, when it is one: its real path keys it */
    tally_doc_meta meta; /* given outside the text (a feed's fields); each
                            field overrides the header's */
    tally_format format;
    const char *date;                  /* the date when neither meta nor header has one */
    const tally_extract_opts *extract; /* the extractor's model; NULL: the bundled one */
    bool no_events;                    /* store claims only (events are coded by default) */
} tally_ingest_input;

typedef struct tally_ingest_result {
    tally_doc_status status;
    size_t claims;        /* claims stored (0 when unchanged) */
    size_t events;        /* events stored (0 when unchanged) */
    size_t invalid_utf8;  /* invalid sequences replaced by U+FFFD */
    size_t cut_sentences; /* sentences over TALLY_SENTENCE_MAX read in pieces */
} tally_ingest_result;

/** Reads, extracts and stores one document inside a savepoint of the open
 *  transaction: on failure nothing of it is left. Memory is a constant plus
 *  the largest block (tally_doc_opts.max_block), whatever the document's
 *  size, bar `data` itself when the bytes are given in memory. Returns 0, or
 *  a negative code with `err` naming the input and the problem. */
int tally_ingest(tally_store *s, const tally_ingest_input *in, tally_ingest_result *out,
                 tally_err *err) TALLY_MUST_CHECK;

/** A short name for a document known by its URL: the last path segment
 *  without its extension ("https://x.org/a/story.html?id=1" -> "story"), else
 *  the host. Caller frees. */
char *tally_url_name(const char *url);

#endif
