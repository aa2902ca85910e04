/* tally: what the store's files share (not part of the public API).
 * Part of stage 3, the store: includes the public headers of base, the model,
 * read and extract, and the store's own. */
#ifndef TALLY_STORE_IMPL_H
#define TALLY_STORE_IMPL_H

#include <sqlite3.h>
#include <stdint.h>

#include "tally/store.h"

enum { SOURCE_CACHE = 16, SOURCE_NAME_MAX = 256 };

struct tally_store {
    sqlite3 *db;
    char *path;
    /* prepared once, reused for every document and claim */
    sqlite3_stmt *st_status, *st_find_doc, *st_insert_doc, *st_update_doc, *st_delete_claims,
        *st_find_source, *st_insert_source, *st_insert_claim, *st_insert_item, *st_set_body,
        *st_data_version, *st_set_body_zero, *st_stage_put, *st_doc_name, *st_source_names;
    /* queries prepared once per SQL text and reused (a server asks the same
     * few queries again and again): round-robin, a statement in use is
     * marked busy and never handed out twice */
    struct {
        char *sql;
        sqlite3_stmt *st;
        int busy;
    } queries[8];
    size_t next_query;
    /* the body of one document, read a sentence at a time by queries */
    sqlite3_blob *blob;
    /* sources met lately: name -> id */
    struct {
        char name[SOURCE_NAME_MAX];
        int64_t id;
    } cache[SOURCE_CACHE];
    size_t n_cache, next_cache;
};

/** Sets `err` from the connection's last error: "PATH: what: sqlite's
 *  message"; returns TALLY_ESTORE. */
int store_fail(tally_store *s, tally_err *err, const char *what);
/** Runs SQL without results. */
int store_exec(tally_store *s, const char *sql, tally_err *err);
/** The statement in *slot, prepared on first use, reset and unbound; NULL
 *  with `err` set when preparing fails. */
sqlite3_stmt *store_prepare(tally_store *s, sqlite3_stmt **slot, const char *sql, tally_err *err);
/** A statement of `sql` from the store's query cache (prepared when not
 *  there), or NULL with `err` set; give it back with store_query_done. */
sqlite3_stmt *store_query(tally_store *s, const char *sql, tally_err *err);
void store_query_done(tally_store *s, sqlite3_stmt *st);
/** A growing buffer for one sentence at a time. */
typedef struct store_span_buf {
    char *ptr;
    size_t cap;
} store_span_buf;
/** Reads bytes [start, end) of document `doc`'s body into `buf`, through one
 *  blob handle moved from row to row (no copy of the whole body). NULL when
 *  the span is not in the body. The handle holds a read transaction: it is
 *  closed when the query ends (store_release_blob), never kept between
 *  queries, or a long-lived reader (tally serve) would see no later commit
 *  and keep writers from checkpointing the WAL. */
const char *store_body_span(tally_store *s, int64_t doc, int64_t start, int64_t end,
                            store_span_buf *buf);
void store_release_blob(tally_store *s);
/** The exclusive upper bound of a partial date: "2024" -> "2025",
 *  "2024-03" -> "2024-04", "2024-03-15" -> "2024-03-16" (string order is
 *  date order for these). */
void store_upper_bound(tally_date d, char out[16]);
/** Parses the date `s` of option `what` into *d: 0, or TALLY_EUSAGE. */
int store_check_date(const char *what, const char *s, tally_date *d, tally_err *err);
/** Deletes the events of document `doc` (an earlier version's: events.c). */
int store_delete_events(tally_store *s, int64_t doc, tally_err *err);

/** Binds `v`, or NULL for a NULL or empty string; `v` must outlive the step. */
void store_bind_text(sqlite3_stmt *st, int i, const char *v);

#endif
