/* tally: what the store's files share (not part of the public API).
 * Part of stage 3, the store: includes the public headers of base, the model,
 * read and extract, and the store's own.
 *
 * The store is written once, over a small statement interface (prepare,
 * bind, step, read a column) and the SQL both engines understand. A backend
 * (sqlite.c, pg.c) is a table of functions, store_backend, chosen when the
 * store is opened: it holds the connection and its statements, and the few
 * pieces of SQL where the dialects differ. Placeholders are written ?N and
 * a backend maps them to its own. */
#ifndef TALLY_STORE_IMPL_H
#define TALLY_STORE_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "tally/store.h"

enum { SOURCE_CACHE = 16, SOURCE_NAME_MAX = 256 };

/* What store_step returns besides an error (any other value). */
enum { STORE_ROW = 100, STORE_DONE = 101 };

/* A prepared statement; each backend's begins with this. */
typedef struct store_stmt {
    const struct store_backend *be;
} store_stmt;

/* The dialects' differences, as SQL pieces. */
typedef struct store_dialect {
    const char *now;         /* the time now as 2024-03-15T10:00:00Z */
    const char *noindex;     /* before a column: keeps the planner off its index */
    const char *like;        /* matching any case */
    const char *doc_names;   /* documents, through the index of ids and names */
    const char *body_bytes;  /* a document's body's length in bytes */
    const char *for_update;  /* locks a row read to change it */
    const char *nulls_first; /* after ORDER BY x: SQLite's order of NULLs */
    const char *stage;       /* the staging table */
    const char *stage_clear; /* makes it when missing, empties it */
    const char *begin;       /* starts a write transaction */
    const char *find_source; /* a source's id by its name ?1, as names are unique */
    /* adds a source (?1 name, ?2 country, ?3 kind), returning its id, or
     * nothing when the name is there */
    const char *insert_source;
    const char *source_order; /* sources in the order of their names */
    /* after an INSERT of one row: " RETURNING id", or "" where the backend's
     * last_id gives it (in SQLite, RETURNING is a trigger: the statement
     * would keep a statement journal, a copy of each page it changes) */
    const char *returning_id;
    /* makes the connection skip the schema's CHECK constraints, or NULL
     * where they are kept (tally_store_trust_checks) */
    const char *trust_checks;
    /* a writer leaves copying its write-ahead log into the database to
     * another connection, which does it by `checkpoint`; NULL where there
     * is no such log to copy (tally_store_checkpoint_apart) */
    const char *checkpoint_apart, *checkpoint;
} store_dialect;

typedef struct store_backend {
    const char *name; /* "sqlite", "postgresql": index of the migrations' dialects */
    int dialect;
    const store_dialect *sql;
    bool body_blob;    /* bodies are bound as bytes, not text */
    bool many_writers; /* connections write at once (each its own transaction) */
    /* opens s->path (the connection's state in s->impl); the schema is
     * checked after */
    int (*open)(tally_store *s, tally_store_mode mode, tally_err *err);
    void (*close)(tally_store *s);
    /* the schema's version, 0 for an empty database; TALLY_EINPUT for a
     * database that is not tally's */
    int (*schema_version)(tally_store *s, int *version, tally_err *err);
    /* inside the migrating transaction: locks out other migrators */
    int (*schema_lock)(tally_store *s, tally_err *err);
    /* inside it too, after the migrations: records `version` */
    int (*schema_set)(tally_store *s, int version, tally_err *err);
    /* after opening and migrating: settings of a writer or a reader */
    int (*ready)(tally_store *s, tally_store_mode mode, tally_err *err);
    const char *(*errmsg)(tally_store *s);
    int (*exec)(tally_store *s, const char *sql, tally_err *err);
    bool (*in_transaction)(tally_store *s);
    int (*data_version)(tally_store *s, int64_t *out, tally_err *err);
    int (*analyze)(tally_store *s, tally_err *err);
    /* the id of the row the last INSERT added (store_dialect.returning_id "") */
    int64_t (*last_id)(tally_store *s);
    /* statements */
    store_stmt *(*prepare)(tally_store *s, const char *sql, bool persistent);
    /* a statement on rows every writer shares (sources), run outside the
     * open transaction where the engine has several writers; its errors */
    store_stmt *(*prepare_shared)(tally_store *s, const char *sql);
    void (*finalize)(store_stmt *st);
    void (*reset)(store_stmt *st); /* also unbinds */
    void (*bind_null)(store_stmt *st, int i);
    void (*bind_int64)(store_stmt *st, int i, int64_t v);
    void (*bind_double)(store_stmt *st, int i, double v);
    /* bytes of text (`blob` false) or binary data; copied when `copy` */
    void (*bind_bytes)(store_stmt *st, int i, const void *v, size_t n, bool blob, bool copy);
    int (*step)(store_stmt *st);
    bool (*col_null)(store_stmt *st, int i);
    int64_t (*col_int64)(store_stmt *st, int i);
    double (*col_double)(store_stmt *st, int i);
    /* text or bytes; NULL for SQL NULL; valid until the next step */
    const char *(*col_bytes)(store_stmt *st, int i, size_t *n);
    /* a document's body a piece at a time: open it (its length), read bytes
     * of it, close it; one open at a time, kept between reads */
    int (*body_open)(tally_store *s, int64_t doc, size_t *len);
    int (*body_read)(tally_store *s, void *buf, size_t n, size_t off);
    void (*body_close)(tally_store *s);
    /* writing one: the largest body, then `len` bytes written in order */
    size_t (*body_max)(tally_store *s);
    int (*body_write_open)(tally_store *s, int64_t doc, size_t len, tally_err *err);
    int (*body_write)(tally_store *s, const void *buf, size_t n, size_t off, tally_err *err);
    /* ends the writing; `keep` false when it failed (the body is left) */
    int (*body_write_close)(tally_store *s, bool keep, tally_err *err);
} store_backend;

extern const store_backend store_sqlite;
extern const store_backend store_postgres;
/** An SQLite store's connection (a sqlite3 *), for tests; NULL for another. */
void *store_sqlite_handle(tally_store *s);

struct tally_store {
    const store_backend *be;
    void *impl;
    char *path;     /* the database as messages name it (a server: never its password) */
    char *location; /* as it was given (tally_store_reopen) */
    tally_store_mode mode;
    /* prepared once, reused for every document and claim */
    store_stmt *st_status, *st_find_doc, *st_insert_doc, *st_update_doc, *st_delete_claims,
        *st_find_source, *st_insert_source, *st_insert_claim, *st_insert_item, *st_insert_event,
        *st_set_body, *st_stage_put, *st_doc_name, *st_source_names;
    /* queries prepared once per SQL text and reused (a server asks the same
     * few queries again and again): round-robin, a statement in use is
     * marked busy and never handed out twice */
    struct {
        char *sql;
        store_stmt *st;
        int busy;
    } queries[8];
    size_t next_query;
    /* sources met lately: name -> id */
    struct {
        char name[SOURCE_NAME_MAX];
        int64_t id;
    } cache[SOURCE_CACHE];
    size_t n_cache, next_cache;
};

/* ---- statements (the backend's, through the store) ------------------------ */

static inline void store_bind_null(store_stmt *st, int i)
{
    st->be->bind_null(st, i);
}
static inline void store_bind_int64(store_stmt *st, int i, int64_t v)
{
    st->be->bind_int64(st, i, v);
}
static inline void store_bind_double(store_stmt *st, int i, double v)
{
    st->be->bind_double(st, i, v);
}
/** Binds `n` bytes of text at `v` (borrowed until the step). */
static inline void store_bind_str(store_stmt *st, int i, const char *v, size_t n)
{
    st->be->bind_bytes(st, i, v, n, false, false);
}
/** Binds the string `v` as it is (NULL for NULL), borrowed until the step. */
void store_bind_cstr(store_stmt *st, int i, const char *v);
/** Binds `v`, or NULL for a NULL or empty string; `v` must outlive the step. */
void store_bind_text(store_stmt *st, int i, const char *v);
/** The same, copied (a value of a local buffer). */
void store_bind_copy(store_stmt *st, int i, const char *v);
static inline int store_step(store_stmt *st)
{
    return st->be->step(st);
}
static inline void store_reset(store_stmt *st)
{
    st->be->reset(st);
}
static inline bool store_col_null(store_stmt *st, int i)
{
    return st->be->col_null(st, i);
}
static inline int64_t store_col_int64(store_stmt *st, int i)
{
    return st->be->col_int64(st, i);
}
static inline double store_col_double(store_stmt *st, int i)
{
    return st->be->col_double(st, i);
}
static inline const char *store_col_text(store_stmt *st, int i)
{
    size_t n;
    return st->be->col_bytes(st, i, &n);
}
static inline const char *store_col_bytes(store_stmt *st, int i, size_t *n)
{
    return st->be->col_bytes(st, i, n);
}

/** Sets `err` from the connection's last error: "PATH: what: the engine's
 *  message"; returns TALLY_ESTORE. */
int store_fail(tally_store *s, tally_err *err, const char *what);
/** Runs SQL without results. */
int store_exec(tally_store *s, const char *sql, tally_err *err);
/** The statement in *slot, prepared on first use, reset and unbound; NULL
 *  with `err` set when preparing fails. */
store_stmt *store_prepare(tally_store *s, store_stmt **slot, const char *sql, tally_err *err);
/** The same, its SQL `fmt` formatted with the arguments (the dialect's
 *  pieces) on first use. */
store_stmt *store_prepare_fmt(tally_store *s, store_stmt **slot, tally_err *err, const char *fmt,
                              ...) TALLY_PRINTF(4, 5);
/** A statement prepared for one use (store_finalize it); NULL with `err` set. */
store_stmt *store_prepare_once(tally_store *s, const char *sql, const char *what, tally_err *err);
void store_finalize(store_stmt *st);
/** A statement of `sql` from the store's query cache (prepared when not
 *  there), or NULL with `err` set; give it back with store_query_done. */
store_stmt *store_query(tally_store *s, const char *sql, tally_err *err);
void store_query_done(tally_store *s, store_stmt *st);
/** Steps a statement that returns no row, resets it: 0 or the error. */
int store_step_done(tally_store *s, store_stmt *st, tally_err *err, const char *what);
/** A growing buffer for one sentence at a time. */
typedef struct store_span_buf {
    char *ptr;
    size_t cap;
} store_span_buf;
/** Reads bytes [start, end) of document `doc`'s body into `buf`, through one
 *  body handle moved from row to row (no copy of the whole body). NULL when
 *  the span is not in the body. The handle may hold a read transaction: it
 *  is closed when the query ends (store_release_blob), never kept between
 *  queries, or a long-lived reader (tally serve) would see no later commit
 *  and keep writers from checkpointing the WAL. */
const char *store_body_span(tally_store *s, int64_t doc, int64_t start, int64_t end,
                            store_span_buf *buf);
void store_release_blob(tally_store *s);
/** The exclusive upper bound of a partial date: "2024" -> "2025",
 *  "2024-03" -> "2024-04", "2024-03-15" -> "2024-03-16" (string order is
 *  date order for these). */
void store_upper_bound(tally_date d, char out[16]);
/* The clause "COL was stated by the bound PARAM" (an SQL parameter such as
 * "?11", holding store_upper_bound of the --known-by date): a statement dated
 * only to its month or year is known once that month or year is over, as the
 * back-test reads it. "2025" pads to "2025-12-31", "2025-04" to "2025-04-31":
 * after every real day of the period, before the first day after it. */
#define STORE_KNOWN_BY(col, param)                                                                 \
    " AND (CASE length(" col ") WHEN 4 THEN " col " || '-12-31' WHEN 7 THEN " col                  \
    " || '-31' ELSE " col " END) < " param
/** Parses the date `s` of option `what` into *d: 0, or TALLY_EUSAGE. */
int store_check_date(const char *what, const char *s, tally_date *d, tally_err *err);
/** Deletes the events of document `doc` (an earlier version's: events.c). */
int store_delete_events(tally_store *s, int64_t doc, tally_err *err);
/** Migrates the schema (store.c), for a backend's open. */
int store_check_and_migrate(tally_store *s, tally_store_mode mode, tally_err *err);
/** Whether `path` names a PostgreSQL server (a URI or a conninfo string). */
bool store_is_postgres(const char *path);
/** tally copy's second part (web.c): the rows of the web's tables of
 *  `from` written into `to`, a batch to a transaction, counted in `st`. */
int store_copy_web(tally_store *from, tally_store *to, tally_copy_stats *st, tally_err *err);

#endif
