/* tally: reading documents (stage 1). A document is a header (optional) and a
 * body in plain text, Markdown or HTML. The body is decoded once into valid
 * UTF-8 text, the "decoded body", and handed on in blocks (paragraphs); every
 * later stage reports byte offsets into the decoded body. */
#ifndef TALLY_DOC_H
#define TALLY_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "tally/err.h"

typedef enum tally_format {
    TALLY_FORMAT_AUTO = 0, /* by extension, else sniffed from the first bytes */
    TALLY_FORMAT_TXT,
    TALLY_FORMAT_MD,
    TALLY_FORMAT_HTML
} tally_format;

/** Parses "txt", "md"/"markdown", "html"/"htm"; returns -1 if unknown. */
int tally_format_parse(const char *s);
/** Returns "txt", "md", "html" or "auto". */
const char *tally_format_name(tally_format f);

/** The header's metadata; each field is NULL when absent. Owned by the reader
 *  (valid until tally_doc_read returns). */
typedef struct tally_doc_meta {
    const char *url;
    const char *title;
    const char *outlet;
    const char *date;
} tally_doc_meta;

/** One block of the decoded body: a paragraph, a heading, a list item, a table
 *  cell. `text` is valid UTF-8 of `len` bytes (not NUL-terminated), borrowed
 *  until the callback returns. `offset` is the byte offset of text[0] in the
 *  decoded body. Blocks tile the decoded body: the next block starts at
 *  offset + len. A block holds at most `max_block` bytes; a longer paragraph
 *  is cut at a space (or, without one, at a character boundary). */
typedef struct tally_block {
    const char *text;
    size_t len;
    size_t offset;
} tally_block;

/** Callbacks; return 0 to go on, or a negative code (with `err` set) to stop. */
typedef struct tally_doc_handler {
    /* Called once, before the first block, even when there is no header. */
    int (*on_meta)(const tally_doc_meta *meta, tally_format body_format, void *user,
                   tally_err *err);
    int (*on_block)(const tally_block *block, void *user, tally_err *err);
    void *user;
} tally_doc_handler;

typedef struct tally_doc_opts {
    tally_format format; /* TALLY_FORMAT_AUTO to decide from `name` and the bytes */
    size_t max_block;    /* 0 for the default (16 KiB) */
} tally_doc_opts;

/** What reading found besides the blocks. */
typedef struct tally_doc_stats {
    size_t raw_bytes;    /* bytes read from the stream */
    size_t body_bytes;   /* bytes of decoded body handed out */
    size_t invalid_utf8; /* invalid byte sequences replaced by U+FFFD */
    size_t split_blocks; /* paragraphs cut because they exceeded max_block */
    bool binary;         /* the input looked binary (NUL bytes) */
} tally_doc_stats;

/** The most bytes a block holds with `opts` (NULL: the defaults): its
 *  max_block, or 16 KiB when that is 0. */
size_t tally_doc_max_block(const tally_doc_opts *opts);

/** Reads one document from `in`, streaming: memory stays bounded by
 *  `max_block` (plus the HTML/Markdown parser's state), whatever the size.
 *  `name` is used to pick the format by extension (may be NULL) and in
 *  messages. Returns 0, TALLY_EIO on a read error, TALLY_EINPUT for a binary
 *  input (NUL bytes), or what a callback returned; `err` is set on failure. */
int tally_doc_read(FILE *in, const char *name, const tally_doc_opts *opts,
                   const tally_doc_handler *h, tally_doc_stats *stats,
                   tally_err *err) TALLY_MUST_CHECK;

/** A document already in memory, its header read once: the pipeline reads
 *  a document's bytes once, decides on the header's metadata, then decodes
 *  the body from the same bytes (tally_doc_mem_read). */
typedef struct tally_doc_mem {
    char *url, *title, *outlet, *date; /* the header's values (valid UTF-8, owned); NULL
                                          when absent */
    const char *body; /* the bytes after any byte-order mark and the header (borrowed) */
    size_t body_len;
    size_t raw_len;      /* all the bytes */
    size_t invalid_utf8; /* invalid sequences replaced in the header */
    bool bom;            /* the bytes began with a UTF-8 byte-order mark */
    bool binary;         /* NUL bytes where the text begins: not a text document */
} tally_doc_mem;

/** Reads the header of the document `data[0..len)` (borrowed until
 *  tally_doc_mem_close) into `d`. Never fails; free with tally_doc_mem_close. */
void tally_doc_mem_open(tally_doc_mem *d, const char *data, size_t len);
/** The same for the first bytes of a document read from a file, `whole`
 *  when they are all of it: what tally_doc_read finds in its first read
 *  (TALLY_DOC_HEAD bytes), so that a pipeline can decide on a large file's
 *  header and hash its body a piece at a time, then decode it with
 *  tally_doc_read. `body` covers only the bytes given. */
void tally_doc_head_open(tally_doc_mem *d, const char *data, size_t len, bool whole);
/** The bytes tally_doc_read reads first: the header, the NUL check and the
 *  sniffing of the format look at these only. */
enum { TALLY_DOC_HEAD = 64 * 1024 };
/** The header's values as metadata (borrowed from `d`). */
tally_doc_meta tally_doc_mem_meta(const tally_doc_mem *d);
/** Decodes the body of `d` into blocks, as tally_doc_read does a stream
 *  (on_meta gets the header read by tally_doc_mem_open). Returns 0,
 *  TALLY_EINPUT for a binary document, or what a callback returned; `err`
 *  is set on failure. */
int tally_doc_mem_read(const tally_doc_mem *d, const char *name, const tally_doc_opts *opts,
                       const tally_doc_handler *h, tally_doc_stats *stats,
                       tally_err *err) TALLY_MUST_CHECK;
/** Frees the header's values; accepts a zeroed `d`. */
void tally_doc_mem_close(tally_doc_mem *d);

/** Returns the document name for output: the base name without its last
 *  extension ("dir/a.b.txt" -> "a.b"); "-" stays "-". Caller frees. */
char *tally_doc_name(const char *path);

#endif
