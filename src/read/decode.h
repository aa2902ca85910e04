/* tally: the private interface between the reader (doc.c) and the decoders
 * of each body format. The reader pushes the raw body bytes in chunks; a
 * decoder turns them into UTF-8 text and blocks written into a sink.
 * Part of stage 1, read: includes the public headers of base and the model,
 * and read's own. */
#ifndef TALLY_DECODE_H
#define TALLY_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sink.h"
#include "tally/doc.h"
#include "tally/err.h"

/** A decoder; each format embeds it as its first member. */
typedef struct decoder decoder;
struct decoder {
    /* Decodes `n` more raw body bytes; returns 0 or a negative code with `err`. */
    int (*feed)(decoder *d, const char *raw, size_t n, tally_err *err);
    /* Ends the body: decodes what is held back and ends the last block. */
    int (*finish)(decoder *d, tally_err *err);
    /* Frees the decoder; accepts NULL. */
    void (*free)(decoder *d);
};

/** What a decoder is made with. All borrowed. */
typedef struct decode_args {
    sink *out;        /* blocks go here; invalid sequences are counted in out->stats */
    const char *head; /* the first raw body bytes, to look for a charset */
    size_t head_len;
    bool bom;        /* the input began with a UTF-8 byte-order mark */
    size_t md_chunk; /* Markdown is parsed in pieces of about this size; 0: 1 MiB */
} decode_args;

/** The decoders; each returns a new decoder (out of memory aborts). */
decoder *decode_text_new(const decode_args *a);
decoder *decode_md_new(const decode_args *a);
decoder *decode_html_new(const decode_args *a);

/** Reader settings for tests: 0 keeps a default. */
typedef struct doc_tune {
    size_t chunk;    /* bytes read (and fed to the decoder) at a time; 64 KiB */
    size_t md_chunk; /* see decode_args */
} doc_tune;

/** tally_doc_read with the sizes of `t` (may be NULL). */
int doc_read_tuned(FILE *in, const char *name, const tally_doc_opts *opts,
                   const tally_doc_handler *h, tally_doc_stats *stats, tally_err *err,
                   const doc_tune *t) TALLY_MUST_CHECK;

/** The iconv name of a charset label (lowercase, as a Content-Type or a
 *  <meta> gives it): NULL for UTF-8 (and UTF-16, which HTML reads as
 *  UTF-8), the WHATWG choice for a label it maps elsewhere (latin1 is
 *  WINDOWS-1252), else the label itself. */
const char *decode_iconv_name(const char *label);

/** Returns the format that the start of a body looks like (`s[0..n)`, after
 *  any BOM): HTML, Markdown or else plain text. */
tally_format doc_sniff(const char *s, size_t n);

#endif
