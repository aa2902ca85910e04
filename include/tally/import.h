/* tally: curated claims from CSV (the pipeline: CSV rows -> the model ->
 * the store), and the public record bundled with tally. The columns are
 * those of data/public-record.csv (see the README): date_stated, source,
 * source_country, supplier, recipient, kind, item, caliber_mm, unit, low,
 * high, qualifier, since, as_of, url, and optionally note and per (day,
 * month or year for a rate; empty for a total); a quote column is accepted
 * and never stored. */
#ifndef TALLY_IMPORT_H
#define TALLY_IMPORT_H

#include <stddef.h>

#include "tally/err.h"
#include "tally/store.h"

typedef struct tally_import_stats {
    size_t rows;        /* data rows read */
    size_t failed;      /* rows left out, each reported */
    size_t records;     /* URLs: one curated document each */
    size_t new_records; /* ... stored for the first time */
    size_t unchanged;
    size_t replaced;
    size_t claims; /* claims stored */
} tally_import_stats;

/** Imports the CSV text `data` in one transaction. A row that does not fit
 *  the columns is passed to `report` ("ORIGIN:LINE: column 'value' is not
 *  ...") and left out; the others go in. Returns 0, or a negative code with
 *  `err` set when the file as a whole cannot be read (unknown or missing
 *  columns, broken quoting) or the store fails. */
int tally_import_csv(tally_store *s, const char *data, size_t len, const char *origin,
                     tally_import_stats *stats, void (*report)(const char *msg, void *user),
                     void *user, tally_err *err) TALLY_MUST_CHECK;

/** The public record bundled with tally (data/public-record.csv). */
const char *tally_public_record(size_t *len);

#endif
