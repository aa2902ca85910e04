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

/* Ingesting on several threads: a document is read (tally_ingest_read),
 * identified and extracted on any thread apart from the store being
 * written (tally_ingest_extract), then stored in the order read
 * (tally_ingest_put), which gives the same database as tally_ingest one
 * document after the other. One tally_ingest_doc is used by one thread at
 * a time. */
typedef struct tally_ingest_doc tally_ingest_doc;

/** Reads the document `in`: its bytes and strings are copied (the caller
 *  may free them), bar a file past 1 MiB, which is identified now and read
 *  again when stored (tally_ingest_borrows). Errors are kept and returned
 *  by tally_ingest_put. Never fails (out of memory aborts); free with
 *  tally_ingest_free. */
tally_ingest_doc *tally_ingest_read(const tally_ingest_input *in);
/** A file read whole, in memory, by tally_ingest_read: at most this many bytes. */
enum { TALLY_INGEST_WHOLE = 1 << 20 };
/** As tally_ingest_read, for the regular file in->path of in->len bytes
 *  (at most TALLY_INGEST_WHOLE; in->data and in->file unused), whose bytes
 *  are read later, whole, by the thread that identifies it
 *  (tally_ingest_identify or tally_ingest_extract). A file that cannot be
 *  opened then, or has grown past TALLY_INGEST_WHOLE, is an error that
 *  tally_ingest_put returns. */
tally_ingest_doc *tally_ingest_read_later(const tally_ingest_input *in);
/** Whether `d` still reads the caller's file (one past 1 MiB, decoded a
 *  piece at a time when stored): it is then stored before the file is
 *  closed, and is not extracted apart (its claims would be held whole). */
bool tally_ingest_borrows(const tally_ingest_doc *d);
/** Works out the identity of `d` (header, SHA-256 of the content, key),
 *  once, on the calling thread (any). */
void tally_ingest_identify(tally_ingest_doc *d);
/** After tally_ingest_identify: the key the store holds `d` under, and
 *  the hex SHA-256 of its content; NULL when it cannot be stored (it
 *  failed to read, or is empty). */
const char *tally_ingest_key(const tally_ingest_doc *d);
const char *tally_ingest_hash(const tally_ingest_doc *d);
/** Works out the identity of `d` (as tally_ingest_identify) and extracts
 *  its claims and events on the calling thread (any), with one thread of
 *  its own; holds them with the decoded body until tally_ingest_put:
 *  memory is that of the document (at most 1 MiB of bytes) and its
 *  claims. With `hint` (a store of the calling thread's own; may be
 *  NULL), a document `hint` holds unchanged is not extracted. Does
 *  nothing more for a document that borrows its file or failed to read. */
void tally_ingest_extract(tally_ingest_doc *d, tally_store *hint);
/** Stores `d` as tally_ingest does (the store's status is asked again: a
 *  document extracted apart and found stored already costs nothing more;
 *  one not extracted is extracted now). Returns 0, or a negative code with
 *  `err` naming the input and the problem. A document extracted apart is
 *  stored without a savepoint of its own (its input errors are known
 *  before it is stored): TALLY_ESTORE then means that the open transaction
 *  holds part of it and must be rolled back. */
int tally_ingest_put(tally_store *s, tally_ingest_doc *d, tally_ingest_result *out,
                     tally_err *err) TALLY_MUST_CHECK;
/** Where `d` came from (tally_ingest_input.origin), for messages. */
const char *tally_ingest_origin(const tally_ingest_doc *d);
/** Frees `d`; accepts NULL. */
void tally_ingest_free(tally_ingest_doc *d);

/** A short name for a document known by its URL: the last path segment
 *  without its extension ("https://x.org/a/story.html?id=1" -> "story"), else
 *  the host. Caller frees. */
char *tally_url_name(const char *url);

#endif
