/* tally: curated claims and events from CSV (the pipeline: CSV rows -> the
 * model -> the store), and the records bundled with tally. The header says
 * which a file holds. Claims have the columns of data/public-record.csv (see
 * the README): date_stated, source, source_country, supplier, recipient,
 * kind, item, caliber_mm, unit, low, high, qualifier, since, as_of, url,
 * and optionally note and per (day, month or year for a rate; empty for a
 * total); a quote column is accepted and never stored. Events (relations)
 * have the columns of data/relations.csv: date, actor, recipient, type,
 * mode, context (';'-separated), about, aux, source, url and optionally
 * note, with EVENTS.md's slugs. */
#ifndef TALLY_IMPORT_H
#define TALLY_IMPORT_H

#include <stddef.h>
#include <stdio.h>

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
    size_t events; /* events stored */
} tally_import_stats;

/** Imports the CSV text `data` in one transaction (its rows staged in the
 *  database, as tally_import_csv_file does). A row that does not fit
 *  the columns is passed to `report` ("ORIGIN:LINE: column 'value' is not
 *  ...") and left out; the others go in. Returns 0, or a negative code with
 *  `err` set when the file as a whole cannot be read (unknown or missing
 *  columns, broken quoting) or the store fails. */
int tally_import_csv(tally_store *s, const char *data, size_t len, const char *origin,
                     tally_import_stats *stats, void (*report)(const char *msg, void *user),
                     void *user, tally_err *err) TALLY_MUST_CHECK;

/** The same for the CSV file `f`, read a piece at a time: its rows are
 *  checked as they come and staged in the database (tally_store_stage_put),
 *  then stored grouped by URL, so that memory is a constant plus the largest
 *  record (the rows of one URL), whatever the file's size. */
int tally_import_csv_file(tally_store *s, FILE *f, const char *origin, tally_import_stats *stats,
                          void (*report)(const char *msg, void *user), void *user,
                          tally_err *err) TALLY_MUST_CHECK;

/** The public record bundled with tally (data/public-record.csv). */
const char *tally_public_record(size_t *len);
/** The relations record bundled with tally (data/relations.csv). */
const char *tally_relations_record(size_t *len);

#endif
