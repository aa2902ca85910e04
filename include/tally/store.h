/* tally: the claim store (stage 3). Documents, the claims extracted from
 * them and the sources that assert them, kept in one database with
 * provenance down to the byte span of the sentence and of the figure: an
 * SQLite file, or a PostgreSQL server's database (a location that is a
 * postgresql:// or postgres:// URI, or a libpq conninfo string such as
 * "host=db dbname=tally"; PGHOST, PGUSER and the other PG* variables fill
 * in what it leaves out). Callers see no difference.
 *
 * A document is identified by its key: its URL, else "file:" and its real
 * path, else "sha256:" and its content hash. Storing a document whose key and
 * content hash are already stored changes nothing; a different hash under the
 * same key replaces the document's claims (inside the caller's transaction)
 * and keeps the earlier version's date. */
#ifndef TALLY_STORE_H
#define TALLY_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tally/claim.h"
#include "tally/err.h"
#include "tally/event.h"
#include "tally/mem.h"

/** The schema version this tally writes (PRAGMA user_version). */
enum { TALLY_STORE_SCHEMA = 6 };

typedef struct tally_store tally_store;

/** How a store is opened. */
typedef enum tally_store_mode {
    /* read-only: nothing is ever written; the database must exist */
    TALLY_STORE_READ,
    /* read-write: created when missing, an older schema migrated */
    TALLY_STORE_WRITE
} tally_store_mode;

/** Opens the database at `path` (a file, or a server's location). Fails
 *  with TALLY_EINPUT and a message naming `path` for a file that is not a
 *  tally database (an empty file, to a reader), one written by a newer
 *  tally, or a damaged one; TALLY_ENOTFOUND when a reader finds no file;
 *  TALLY_EIO when it cannot be opened; TALLY_ESERVER for a server that
 *  cannot be reached, refuses the login, or holds a newer schema (the
 *  message names the server by user, host, port and database, never with
 *  its password). */
int tally_store_open(const char *path, tally_store_mode mode, tally_store **out,
                     tally_err *err) TALLY_MUST_CHECK;
/** Process-wide, for a command that writes much from several threads
 *  (tally ingest): the backends keep no statistics of their memory, which
 *  tally never reads. SQLite otherwise takes one process-wide mutex, and
 *  updates its counters, on every allocation and free (this SQLite has no
 *  per-connection lookaside: about 370 of each a document stored). Call
 *  it before any store is opened, while the process has one thread; later
 *  it does nothing. */
void tally_store_lean_process(void);
/* A store is used by one thread at a time (it is opened without SQLite's
 * per-call mutexes; a server's store is one connection); threads open a
 * store each. */
/** Whether several stores (connections) may write the database at once,
 *  each in a transaction of its own (PostgreSQL), or one only (SQLite:
 *  the others wait for its lock). */
bool tally_store_many_writers(const tally_store *s);
/** Lets the database skip the schema's CHECK constraints on this store:
 *  for a store written only through the tally_store_put_* functions, whose
 *  values meet them by construction (hedged and curated are bools, per
 *  comes from the model's enum, a source's kind from tally_source_kind).
 *  A CHECK added later must be met the same way. SQLite
 *  builds a table for an IN list of three values for every row it checks;
 *  a server keeps checking. */
int tally_store_trust_checks(tally_store *s, tally_err *err) TALLY_MUST_CHECK;
/** Takes the copying of the writer `s`'s write-ahead log into the database
 *  (SQLite's checkpoints, and their waits for the disk) off `s`: *out is
 *  a store of its own on the same database, for another thread to call
 *  tally_store_checkpoint on after `s` commits. *out is NULL where the
 *  backend keeps no such log (a server). On failure `s` is as it was. */
int tally_store_checkpoint_apart(tally_store *s, tally_store **out,
                                 tally_err *err) TALLY_MUST_CHECK;
/** Copies what the log holds into the database, as far as it can without
 *  waiting for the writer or readers. */
int tally_store_checkpoint(tally_store *cp, tally_err *err) TALLY_MUST_CHECK;
/** The database as messages name it: its path, or a server's user, host,
 *  port and database (never a password). */
const char *tally_store_name(const tally_store *s);
/** Closes the database; accepts NULL. */
void tally_store_close(tally_store *s);

/** The database's data version: it changes when another connection (or
 *  process) commits a change, and stays the same otherwise. Values are
 *  comparable only between calls on the same store. */
int tally_store_data_version(tally_store *s, int64_t *out, tally_err *err) TALLY_MUST_CHECK;

/** Transactions: the caller batches documents in them (BEGIN IMMEDIATE). */
int tally_store_begin(tally_store *s, tally_err *err) TALLY_MUST_CHECK;
int tally_store_commit(tally_store *s, tally_err *err) TALLY_MUST_CHECK;
/** Refreshes the statistics the query planner chooses indexes by; call it
 *  after storing many claims. */
int tally_store_analyze(tally_store *s, tally_err *err) TALLY_MUST_CHECK;
/** Rolls back the open transaction, if any. */
void tally_store_rollback(tally_store *s);

/** A document to store. Strings may be NULL unless said otherwise. */
typedef struct tally_store_doc {
    const char *key;  /* identity (not NULL) */
    const char *name; /* short name: the file name without extension (not NULL) */
    const char *url;
    const char *title;
    const char *outlet;
    const char *date;   /* publication date, YYYY[-MM[-DD]] */
    const char *origin; /* where it was read from: a path, "<stdin>", a feed line */
    const char *hash;   /* hex SHA-256 of the content (not NULL) */
    const char *body;   /* the decoded body the claims' offsets point into */
    size_t body_len;
    bool curated; /* a row of a curated record, not an article */
} tally_store_doc;

typedef enum tally_doc_status {
    TALLY_DOC_NEW,
    TALLY_DOC_UNCHANGED,
    TALLY_DOC_REPLACED
} tally_doc_status;

/** What storing `key` with `hash` would do: UNCHANGED also when another
 *  key holds the same content (a copy of a stored file). */
int tally_store_doc_status(tally_store *s, const char *key, const char *hash,
                           tally_doc_status *status, tally_err *err) TALLY_MUST_CHECK;

/** Inserts the document, or replaces the stored one with the same key: its
 *  claims are deleted, its first date is kept. Sets *doc_id. Call inside a
 *  transaction. */
int tally_store_put_doc(tally_store *s, const tally_store_doc *d, int64_t *doc_id,
                        tally_err *err) TALLY_MUST_CHECK;

/** Adds a claim of document `doc_id`. Its source is kept under its name,
 *  white space normalised, with a closing parenthesis ("Shin Won-sik (ROK
 *  Defence Minister)") kept apart as the claim's source detail; a name the
 *  actor table knows whole is kept under the actor's canonical name ("Shin
 *  Wonsik" -> "Shin Won-sik"), and the claim keeps the name as written. `text` is
 *  the figure as written (bytes [c->start, c->end) of the body), whose
 *  sentence span is kept too; NULL for a curated row, which has no
 *  sentence. `stated` is when it was asserted (the document's date); `note`
 *  (may be NULL) is free text. */
int tally_store_put_claim(tally_store *s, int64_t doc_id, const tally_claim *c, const char *text,
                          const char *stated, const char *note, tally_err *err) TALLY_MUST_CHECK;
/** The check tally_store_put_claim makes of `c` before it writes anything
 *  (figures within +-TALLY_FIGURE_MAX): 0, or TALLY_EINPUT with `err` set.
 *  Any thread: it touches no store. */
int tally_store_claim_check(const tally_claim *c, tally_err *err) TALLY_MUST_CHECK;

/** Sets the decoded body of a document stored with an empty one (bodies are
 *  collected while its claims are stored). */
int tally_store_set_body(tally_store *s, int64_t doc_id, const char *body, size_t len,
                         tally_err *err) TALLY_MUST_CHECK;
/** The same for a body of `len` bytes that `read` hands over a piece at a
 *  time (`n` bytes into `buf` each call, in order; 0, or an error with
 *  `err` set, which stops): it goes into the database through SQLite's
 *  incremental I/O, never whole in memory, so a body of any size (up to
 *  SQLite's length limit: TALLY_ELIMIT past it) costs a constant. */
int tally_store_set_body_from(tally_store *s, int64_t doc_id, size_t len,
                              int (*read)(void *user, char *buf, size_t n, tally_err *err),
                              void *user, tally_err *err) TALLY_MUST_CHECK;

/** Savepoints: one document inside a batch, undone alone when it fails. */
int tally_store_savepoint(tally_store *s, tally_err *err) TALLY_MUST_CHECK;
int tally_store_release(tally_store *s, tally_err *err) TALLY_MUST_CHECK;
void tally_store_rollback_to(tally_store *s);

/* ---- queries ------------------------------------------------------------ */

/** Filters of tally_store_claims; NULL (or 0) fields do not filter. Dates are
 *  partial ISO dates compared with the claim's date: its as_of, else the
 *  date it was stated. */
typedef struct tally_claim_filter {
    const char *supplier;  /* alpha-3 */
    const char *recipient; /* alpha-3 */
    const char *item;      /* a CLAIMS.md item slug */
    const char *kind;      /* a CLAIMS.md kind */
    const char *unit;      /* a CLAIMS.md unit or an ISO 4217 currency code */
    const char *source;    /* a part of the source's name, any case */
    const char *since;     /* claim date >= since */
    const char *until;     /* claim date within or before until */
    const char *doc;       /* the document's name, key or URL */
    const char *known_by;  /* stated within or before known_by (what was knowable then) */
    int64_t id;            /* the claim of this id only; 0 for any */
    int64_t id_from;       /* ids from this one on; 0 for any */
    int64_t id_below;      /* ids below this one; 0 for any */
    int64_t limit;         /* at most this many claims; 0 for all */
    int64_t offset;        /* skip this many first (paging); 0 for none */
    bool no_sentences;     /* leave tally_claim_row.sentence NULL (faster) */
    bool lean;             /* only what the estimator reads, in no particular order (much
                              faster): no sentence, text, note, source detail, url, title,
                              outlet or date; curated is a claim without a sentence; the
                              document's name and the source's name and kind stay at one
                              address each until the call returns */
    bool no_doc_names;     /* lean: no document's name (NULL), for what never shows one */
    bool by_id;            /* lean, with no document, source or item: walk the claims in id
                              order, testing the states and kind on each row, rather than
                              by a state's index (cheaper for a state most claims name:
                              tally_store_count_states) */
} tally_claim_filter;

/* A stored claim with its provenance is a tally_claim_row (tally/claim.h),
 * borrowed for the callback only. */
typedef int (*tally_claim_fn)(const tally_claim_row *row, void *user);

/** The smallest and the largest claim id (both 0 when there is none). */
int tally_store_claim_ids(tally_store *s, int64_t *lo, int64_t *hi,
                          tally_err *err) TALLY_MUST_CHECK;

/** The claims of `supplier` and `recipient` (either NULL: any), counted
 *  by the states' indexes alone and only up to `limit`, into *n: whether a
 *  state is common enough to read by scanning (tally_claim_filter.by_id). */
int tally_store_count_states(tally_store *s, const char *supplier, const char *recipient,
                             int64_t limit, int64_t *n, tally_err *err) TALLY_MUST_CHECK;

/** Another handle on the database of `s`, read-only: for another thread
 *  to read it at the same time. As tally_store_open. */
int tally_store_reopen(const tally_store *s, tally_store **out, tally_err *err) TALLY_MUST_CHECK;

/** Calls `fn` for each claim that passes `f`, by date then id. A non-zero
 *  return from `fn` stops and is returned. TALLY_EUSAGE for a filter value
 *  that cannot match (an unknown item or kind, a malformed date). */
int tally_store_claims(tally_store *s, const tally_claim_filter *f, tally_claim_fn fn, void *user,
                       tally_err *err) TALLY_MUST_CHECK;

/* ---- events (tally/event.h) ----------------------------------------------- */

/** Adds an event of document `doc_id` (call inside a transaction, after
 *  tally_store_put_doc, which deletes an earlier version's events with its
 *  claims). `text` is the trigger as written (bytes [e->start, e->end) of
 *  the body), whose sentence span is kept too; NULL for a curated row,
 *  which has no sentence. `stated` is when it was reported (the document's
 *  date); `note` (may be NULL) is free text. TALLY_EINPUT for an event
 *  whose parties are not party codes (tally_party_valid). */
int tally_store_put_event(tally_store *s, int64_t doc_id, const tally_event *e, const char *text,
                          const char *stated, const char *note, tally_err *err) TALLY_MUST_CHECK;
/** The check tally_store_put_event makes of `e` before it writes anything:
 *  0, or TALLY_EINPUT with `err` set. Any thread: it touches no store. */
int tally_store_event_check(const tally_event *e, tally_err *err) TALLY_MUST_CHECK;

/** Filters of tally_store_events; NULL (or 0) fields do not filter. An
 *  event's date is its own, else the date it was stated. */
typedef struct tally_event_filter {
    const char *actor;     /* a party code (PRK, UNGA) */
    const char *recipient; /* a party code */
    bool both_ways;        /* actor and recipient match either way round */
    const char *type;      /* a PLOVER type of EVENTS.md (AGREE, SUPPORT, ...) */
    const char *mode;      /* a mode of EVENTS.md (visit, vote, treaty, ...) */
    const char *since;     /* event date >= since */
    const char *until;     /* event date within or before until */
    const char *known_by;  /* stated within or before known_by */
    const char *doc;       /* the document's name, key or URL */
    int64_t id;            /* the event of this id only; 0 for any */
    int64_t limit;         /* at most this many; 0 for all */
    int64_t offset;        /* skip this many first (paging) */
    bool no_sentences;     /* leave tally_event_row.sentence NULL (faster) */
} tally_event_filter;

/* A stored event with its provenance is a tally_event_row (tally/event.h),
 * borrowed for the callback only. */
typedef int (*tally_event_fn)(const tally_event_row *row, void *user);

/** Calls `fn` for each event that passes `f`, by date then id. A non-zero
 *  return from `fn` stops and is returned. TALLY_EUSAGE for a filter value
 *  that cannot match (an unknown type or mode, a malformed date or party). */
int tally_store_events(tally_store *s, const tally_event_filter *f, tally_event_fn fn, void *user,
                       tally_err *err) TALLY_MUST_CHECK;

/** How many events the database holds. */
int tally_store_event_count(tally_store *s, int64_t *events, tally_err *err) TALLY_MUST_CHECK;

typedef struct tally_doc_row {
    int64_t id;
    const char *key, *name, *url, *title, *outlet, *date, *revised, *origin, *hash, *ingested_at;
    int64_t claims;
    int64_t body_bytes;
    bool curated;
} tally_doc_row;

typedef struct tally_source_row {
    int64_t id;
    const char *name;
    const char *country; /* may be NULL */
    const char *kind;
    int64_t claims;
    int64_t documents;
} tally_source_row;

/** Adds source `name` (as kept: its canonical name) of `country` (alpha-3,
 *  NULL or "" for none) and `kind` when the store has no source of that
 *  name; a source it has keeps its own. tally copy carries the kinds so. */
int tally_store_put_source(tally_store *s, const char *name, const char *country, const char *kind,
                           tally_err *err) TALLY_MUST_CHECK;

/** Every document, by date then id. */
int tally_store_docs(tally_store *s, int (*fn)(const tally_doc_row *row, void *user), void *user,
                     tally_err *err) TALLY_MUST_CHECK;
/** Every source, by the number of claims it asserts, then name. */
int tally_store_sources(tally_store *s, int (*fn)(const tally_source_row *row, void *user),
                        void *user, tally_err *err) TALLY_MUST_CHECK;

/** The paragraph of document `doc_id`'s body around bytes [start, end) (a
 *  sentence): the text between the blank lines before and after it, at
 *  most 64 KB on either side. Replaces `out`'s contents and sets
 *  *para_start to the paragraph's offset in the body. TALLY_EINPUT when the
 *  span is not in the body; TALLY_ESTORE when reading fails. */
int tally_store_paragraph(tally_store *s, int64_t doc_id, size_t start, size_t end, tally_buf *out,
                          size_t *para_start, tally_err *err) TALLY_MUST_CHECK;

/** The decoded body of document `doc_id` into `out` (its contents
 *  replaced). TALLY_ENOTFOUND for an unknown document, TALLY_ELIMIT when `out`
 *  cannot hold it, TALLY_ESTORE when reading fails. */
int tally_store_body(tally_store *s, int64_t doc_id, tally_buf *out,
                     tally_err *err) TALLY_MUST_CHECK;

/** Every unit the stored claims use (a CLAIMS.md unit or a currency code)
 *  with its number of claims, most used first. */
int tally_store_units(tally_store *s, int (*fn)(const char *unit, int64_t claims, void *user),
                      void *user, tally_err *err) TALLY_MUST_CHECK;

/** How many claims, documents and sources (those asserting a claim) the
 *  database holds. */
int tally_store_counts(tally_store *s, int64_t *claims, int64_t *documents, int64_t *sources,
                       tally_err *err) TALLY_MUST_CHECK;

/** When the database last changed: the latest document's ingested_at or
 *  updated_at ("2026-12-07T16:58:15Z"), into `out`; "" when it holds no
 *  document. */
int tally_store_updated(tally_store *s, char out[40], tally_err *err) TALLY_MUST_CHECK;

/** The kind of source a name stands for: "government", "intelligence",
 *  "official", "outlet", "think-tank", "author" or "other". */
const char *tally_source_kind(const char *name);

/* ---- copying ------------------------------------------------------------- */

typedef struct tally_copy_stats {
    int64_t documents; /* copied */
    int64_t unchanged; /* the target held them already */
    int64_t claims, events;
    /* rows of what reading the web keeps, written (new or changed) */
    int64_t feed_items, validators, raw_pages;
} tally_copy_stats;

/** Copies every document of `from` with its body, claims and events into
 *  `to` (opened for writing; either backend), a transaction every few
 *  hundred documents; then what reading the web keeps: the feeds' items
 *  seen, the URLs' HTTP validators and the pages' raw bytes. A document
 *  `to` holds already (its key and content hash) is left: copying again
 *  changes nothing. A document `to` holds under the same key with other
 *  content is replaced, as by ingest; so are a URL's validators and raw
 *  bytes; a feed item `to` has seen keeps its first_seen. */
int tally_store_copy(tally_store *from, tally_store *to, tally_copy_stats *st,
                     tally_err *err) TALLY_MUST_CHECK;

/* ---- staging ------------------------------------------------------------ */

/** Rows kept for a while in the database's temporary storage (a temporary
 *  file once SQLite's page cache is full), not in memory: an importer
 *  stages a file's rows, then reads them back grouped by key, so that a
 *  file of any size costs a constant. tally_store_stage_clear starts an
 *  empty stage. Each returns 0 or TALLY_ESTORE with `err` set. */
int tally_store_stage_clear(tally_store *s, tally_err *err) TALLY_MUST_CHECK;
int tally_store_stage_put(tally_store *s, const char *key, int64_t seq, const void *data,
                          size_t len, tally_err *err) TALLY_MUST_CHECK;
/** Called with each staged row, by key then seq; `key` and `data` are
 *  borrowed until it returns. A non-zero return stops the walk. */
typedef int (*tally_stage_fn)(const char *key, int64_t seq, const void *data, size_t len,
                              void *user);
/** Calls `fn` for each staged row in order; returns 0, what `fn` returned,
 *  or TALLY_ESTORE with `err` set. */
int tally_store_stage_each(tally_store *s, tally_stage_fn fn, void *user,
                           tally_err *err) TALLY_MUST_CHECK;

/* ---- the web (tally fetch, tally watch: src/store/web.c) ------------------ */
/* Every URL given to these is stored as tally_url_public (tally/fetch.h)
 * makes it: without user name, password, fragment or a query parameter
 * whose name looks like a secret (token, key, password, signature...), so
 * that the database never holds a credential, whatever the caller passed. */

/** The ETag and Last-Modified last seen for `url`: owned strings (free()),
 *  NULL when none is stored. */
int tally_store_validators(tally_store *s, const char *url, char **etag, char **last_modified,
                           tally_err *err) TALLY_MUST_CHECK;
/** Keeps `url`'s ETag and Last-Modified (either may be NULL); both NULL
 *  forgets them. */
int tally_store_put_validators(tally_store *s, const char *url, const char *etag,
                               const char *last_modified, tally_err *err) TALLY_MUST_CHECK;
/** Whether the item `item` of the feed at `feed` (its guid or Atom id, else
 *  its link; a URL is stored cleaned as above) has been ingested. */
int tally_store_item_seen(tally_store *s, const char *feed, const char *item, bool *seen,
                          tally_err *err) TALLY_MUST_CHECK;
/** Remembers `item` of `feed` as ingested, with its `link` (may be NULL);
 *  its first sight is kept when it is there already. */
int tally_store_put_item(tally_store *s, const char *feed, const char *item, const char *link,
                         tally_err *err) TALLY_MUST_CHECK;
/** Keeps the bytes of the page at `url` as they arrived, with their
 *  content type (may be NULL), replacing an earlier download's. */
int tally_store_put_raw(tally_store *s, const char *url, const char *content_type,
                        const void *bytes, size_t len, tally_err *err) TALLY_MUST_CHECK;
/** The bytes kept for `url` into `out` (appended), and *found. */
int tally_store_raw(tally_store *s, const char *url, tally_buf *out, bool *found,
                    tally_err *err) TALLY_MUST_CHECK;

#endif
