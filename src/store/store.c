/* tally: the claim store (stage 3) in SQLite: opening, the schema and its
 * migrations, and writing documents and claims. Queries are in query.c.
 * Part of stage 3, the store: includes the public headers of base, the model,
 * read and extract, and the store's own. */
#include "store_impl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "tally/actor.h"
#include "tally/mem.h"

/* 'TALY': marks the file as tally's (PRAGMA application_id). */
enum { APPLICATION_ID = 0x54414C59 };

/* migrations[v] takes a database from schema v to v + 1. Never edit one that
 * has been released: add the next. */
static const char *const migrations[TALLY_STORE_SCHEMA] = {
    /* 0 -> 1: documents, sources, claims and the items of each claim */
    "CREATE TABLE documents ("
    "  id INTEGER PRIMARY KEY,"
    "  key TEXT NOT NULL UNIQUE," /* url, file:PATH or sha256:HASH */
    "  name TEXT NOT NULL,"       /* the file name without extension */
    "  url TEXT, title TEXT, outlet TEXT,"
    "  date TEXT,"          /* publication date of the first version */
    "  revised TEXT,"       /* date of a later version, when it differs */
    "  origin TEXT,"        /* where it was read from */
    "  hash TEXT NOT NULL," /* hex SHA-256 of the content */
    "  body TEXT NOT NULL," /* decoded body: claims' offsets point here */
    "  curated INTEGER NOT NULL DEFAULT 0 CHECK (curated IN (0, 1)),"
    "  ingested_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ") STRICT;"
    "CREATE INDEX documents_name ON documents(name);"
    "CREATE INDEX documents_url ON documents(url);"
    "CREATE INDEX documents_hash ON documents(hash);"
    "CREATE TABLE sources ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
    "  country TEXT,"
    "  kind TEXT NOT NULL CHECK (kind IN ('government', 'intelligence', 'official', 'outlet',"
    "                                     'think-tank', 'author', 'other'))"
    ") STRICT;"
    "CREATE TABLE claims ("
    "  id INTEGER PRIMARY KEY,"
    "  doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  sentence_start INTEGER, sentence_end INTEGER," /* bytes of documents.body */
    "  start INTEGER, end INTEGER,"
    "  text TEXT,"
    "  kind TEXT NOT NULL,"
    "  supplier TEXT, recipient TEXT,"
    "  items INTEGER NOT NULL," /* bit set of item slugs */
    "  item TEXT NOT NULL,"     /* the slugs, ';'-separated */
    "  caliber_mm REAL,"
    "  unit TEXT NOT NULL,"
    "  low REAL, high REAL,"
    "  qualifier TEXT NOT NULL,"
    "  since TEXT, as_of TEXT,"
    "  stated TEXT," /* when it was asserted: the document's date */
    "  date TEXT,"   /* as_of, else stated: what --since and --until compare */
    "  source_id INTEGER NOT NULL REFERENCES sources(id),"
    "  source_detail TEXT,"  /* "ROK Defence Minister" of "Shin Won-sik (ROK ...)" */
    "  source_written TEXT," /* the name as the claim wrote it ("Shin Wonsik") */
    "  hedged INTEGER NOT NULL CHECK (hedged IN (0, 1)),"
    "  note TEXT"
    ") STRICT;"
    "CREATE INDEX claims_doc ON claims(doc_id);"
    "CREATE INDEX claims_pair ON claims(supplier, recipient, date);"
    "CREATE INDEX claims_supplier ON claims(supplier, date);"
    "CREATE INDEX claims_recipient ON claims(recipient, date);"
    "CREATE INDEX claims_kind ON claims(kind, date);"
    "CREATE INDEX claims_source ON claims(source_id, date);"
    "CREATE INDEX claims_date ON claims(date);"
    /* the claim's date again ('' for none), so that claims of an item come
     * out of the key in date order */
    /* (no foreign key: a claim's rows here are deleted with it by
     * tally_store_put_doc, through this key, so no second index is kept) */
    "CREATE TABLE claim_items ("
    "  item TEXT NOT NULL,"
    "  date TEXT NOT NULL,"
    "  claim_id INTEGER NOT NULL,"
    "  PRIMARY KEY (item, date, claim_id)"
    ") STRICT, WITHOUT ROWID;",
    /* 1 -> 2: a rate's period as a field. Claims imported before it said so
     * only in their note ("rate per day"): read once here, never again. */
    "ALTER TABLE claims ADD COLUMN per TEXT CHECK (per IN ('day', 'month', 'year'));"
    "UPDATE claims SET per = CASE"
    "  WHEN note LIKE '%rate per day%' THEN 'day'"
    "  WHEN note LIKE '%rate per month%' THEN 'month'"
    "  WHEN note LIKE '%rate per year%' THEN 'year' END"
    " WHERE note LIKE '%rate per %';",
    /* 2 -> 3: documents.body last, of any type. A body is written a piece at
     * a time (tally_store_set_body_from: a zeroblob, then incremental I/O) so
     * that a document of any size is stored in bounded memory: SQLite keeps
     * a zeroblob unmaterialised only as a row's last value, and a STRICT
     * TEXT column refuses it (a BLOB). The table is rebuilt as SQLite's
     * ALTER TABLE page describes (foreign keys are off while migrating: see
     * tally_store_open); ids, and so the claims' doc_id, are kept. */
    "CREATE TABLE documents_2 ("
    "  id INTEGER PRIMARY KEY,"
    "  key TEXT NOT NULL UNIQUE," /* url, file:PATH or sha256:HASH */
    "  name TEXT NOT NULL,"       /* the file name without extension */
    "  url TEXT, title TEXT, outlet TEXT,"
    "  date TEXT,"          /* publication date of the first version */
    "  revised TEXT,"       /* date of a later version, when it differs */
    "  origin TEXT,"        /* where it was read from */
    "  hash TEXT NOT NULL," /* hex SHA-256 of the content */
    "  curated INTEGER NOT NULL DEFAULT 0 CHECK (curated IN (0, 1)),"
    "  ingested_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL,"
    "  body ANY NOT NULL" /* decoded body (text or its bytes): claims' offsets point here */
    ") STRICT;"
    "INSERT INTO documents_2 (id, key, name, url, title, outlet, date, revised, origin, hash,"
    " curated, ingested_at, updated_at, body)"
    " SELECT id, key, name, url, title, outlet, date, revised, origin, hash, curated,"
    " ingested_at, updated_at, body FROM documents;"
    "DROP TABLE documents;"
    "ALTER TABLE documents_2 RENAME TO documents;"
    "CREATE INDEX documents_name ON documents(name);"
    "CREATE INDEX documents_url ON documents(url);"
    "CREATE INDEX documents_hash ON documents(hash);",
    /* 3 -> 4: what the estimator reads, in the order it reads it. Each
     * claim_items row, one an item of a claim, holds a copy of the claim's
     * fields the estimator reads, keyed by item, pair of states ('' for none)
     * and date: a series is one run of the table, read without a claims row
     * each. tally_store_put_claim copies a new row's; triggers remake and
     * delete them with their claims row, whatever writes it (the items are
     * the slugs of claims.item). An index keeps an item's claims in date
     * order; another gives documents' names by id without the rows that hold
     * the bodies. */
    "CREATE TABLE claim_items_4 ("
    "  item TEXT NOT NULL, supplier TEXT NOT NULL, recipient TEXT NOT NULL,"
    "  date TEXT NOT NULL," /* the claim's date, '' for none */
    "  claim_id INTEGER NOT NULL,"
    "  doc_id INTEGER NOT NULL, kind TEXT NOT NULL, items INTEGER NOT NULL, caliber_mm REAL,"
    "  unit TEXT NOT NULL, low REAL, high REAL, qualifier TEXT NOT NULL, since TEXT, as_of TEXT,"
    "  stated TEXT, source_id INTEGER NOT NULL, source_written TEXT, hedged INTEGER NOT NULL,"
    "  per TEXT, sentence_start INTEGER, sentence_end INTEGER,"
    "  PRIMARY KEY (item, supplier, recipient, date, claim_id)"
    ") STRICT, WITHOUT ROWID;"
    /* made from the claims rows alone (as the update trigger below makes
     * them), whatever the older table held */
    "INSERT INTO claim_items_4 SELECT j.value, coalesce(c.supplier, ''),"
    " coalesce(c.recipient, ''), coalesce(c.date, ''), c.id, c.doc_id, c.kind, c.items,"
    " c.caliber_mm, c.unit, c.low, c.high, c.qualifier, c.since, c.as_of, c.stated, c.source_id,"
    " c.source_written, c.hedged, c.per, c.sentence_start, c.sentence_end"
    " FROM claims c, json_each('[\"' || replace(c.item, ';', '\",\"') || '\"]') j"
    " WHERE j.value <> '';"
    "DROP TABLE claim_items;"
    "ALTER TABLE claim_items_4 RENAME TO claim_items;"
    "CREATE INDEX claim_items_date ON claim_items(item, date, claim_id);"
    "CREATE TRIGGER claim_items_delete AFTER DELETE ON claims BEGIN"
    " DELETE FROM claim_items WHERE item IN"
    " (SELECT value FROM json_each('[\"' || replace(old.item, ';', '\",\"') || '\"]'))"
    " AND date = coalesce(old.date, '') AND claim_id = old.id;"
    " END;"
    "CREATE TRIGGER claim_items_update AFTER UPDATE ON claims BEGIN"
    " DELETE FROM claim_items WHERE item IN"
    " (SELECT value FROM json_each('[\"' || replace(old.item, ';', '\",\"') || '\"]'))"
    " AND date = coalesce(old.date, '') AND claim_id = old.id;"
    " INSERT INTO claim_items SELECT j.value, coalesce(new.supplier, ''),"
    " coalesce(new.recipient, ''), coalesce(new.date, ''), new.id, new.doc_id, new.kind,"
    " new.items, new.caliber_mm, new.unit, new.low, new.high, new.qualifier, new.since,"
    " new.as_of, new.stated, new.source_id, new.source_written, new.hedged, new.per,"
    " new.sentence_start, new.sentence_end"
    " FROM json_each('[\"' || replace(new.item, ';', '\",\"') || '\"]') j WHERE j.value <> '';"
    " END;"
    "CREATE INDEX documents_id_name ON documents(id, name);",
    /* 4 -> 5: events (../shared/docs/EVENTS.md; src/store/events.c), with
     * the same provenance as claims: the document, the sentence's and the
     * trigger's bytes. An article stored before had no events coded: its
     * content hash is marked stale ("~" is never hex), so that the next
     * ingest of it codes them (it reads as changed and keeps its first
     * date); curated records keep theirs, they have no events to code. */
    "CREATE TABLE events ("
    "  id INTEGER PRIMARY KEY,"
    "  doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  sentence_start INTEGER, sentence_end INTEGER," /* bytes of documents.body */
    "  start INTEGER, end INTEGER,"                   /* the trigger */
    "  text TEXT,"
    "  type TEXT NOT NULL," /* a PLOVER type slug */
    "  mode TEXT,"
    "  context INTEGER NOT NULL DEFAULT 0," /* bit set of context slugs (tally/event.h) */
    "  actor TEXT, recipient TEXT,"
    "  about TEXT,"
    "  event_date TEXT," /* the event's own date, when the text gives one */
    "  aux TEXT,"
    "  source TEXT NOT NULL, source_country TEXT,"
    "  hedged INTEGER NOT NULL CHECK (hedged IN (0, 1)),"
    "  p REAL,"
    "  stated TEXT," /* when it was reported: the document's date */
    "  date TEXT,"   /* event_date, else stated: what --since and --until compare */
    "  note TEXT"
    ") STRICT;"
    "CREATE INDEX events_doc ON events(doc_id);"
    "CREATE INDEX events_pair ON events(actor, recipient, date);"
    "CREATE INDEX events_recipient ON events(recipient, date);"
    "CREATE INDEX events_type ON events(type, date);"
    "CREATE INDEX events_date ON events(date);"
    "UPDATE documents SET hash = '~' || hash WHERE curated = 0;",
};

int store_fail(tally_store *s, tally_err *err, const char *what)
{
    return tally_err_set(err, TALLY_ESTORE, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

int store_exec(tally_store *s, const char *sql, tally_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return 0;
    int rc = tally_err_set(err, TALLY_ESTORE, "%s: %s", s->path,
                           msg != NULL ? msg : sqlite3_errmsg(s->db));
    sqlite3_free(msg);
    return rc;
}

sqlite3_stmt *store_prepare(tally_store *s, sqlite3_stmt **slot, const char *sql, tally_err *err)
{
    if (*slot != NULL) {
        sqlite3_reset(*slot);
        sqlite3_clear_bindings(*slot);
        return *slot;
    }
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, slot, NULL) != SQLITE_OK) {
        store_fail(s, err, "preparing a statement");
        *slot = NULL;
    }
    return *slot;
}

void store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
    if (v != NULL && v[0] != '\0')
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static int pragma_int(tally_store *s, const char *sql, int *out, tally_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, err, "reading the database header");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail(s, err, "reading the database header");
    return 0;
}

/* Brings the schema from `from` to TALLY_STORE_SCHEMA in one transaction. */
static int migrate(tally_store *s, int from, tally_err *err)
{
    int rc = store_exec(s, "BEGIN IMMEDIATE", err);
    for (int v = from; rc == 0 && v < TALLY_STORE_SCHEMA; v++)
        rc = store_exec(s, migrations[v], err);
    /* the rebuilt tables' references must hold (foreign keys are off here) */
    if (rc == 0) {
        int broken = 0;
        rc = pragma_int(s, "SELECT count(*) FROM pragma_foreign_key_check", &broken, err);
        if (rc == 0 && broken != 0)
            rc = tally_err_set(err, TALLY_ESTORE, "%s: migrating left %d broken references",
                               s->path, broken);
    }
    if (rc == 0) {
        char sql[96];
        snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
                 APPLICATION_ID, TALLY_STORE_SCHEMA);
        rc = store_exec(s, sql, err);
    }
    if (rc == 0)
        rc = store_exec(s, "COMMIT", err);
    if (rc != 0)
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* Checks that the file is tally's; a writer creates the schema of an empty
 * file and migrates an older one, a reader refuses both (it never writes). */
static int check_and_migrate(tally_store *s, tally_store_mode mode, tally_err *err)
{
    int app = 0, version = 0, objects = 0;
    /* the first read of a file that is not SQLite fails here (SQLITE_NOTADB) */
    int rc = pragma_int(s, "SELECT count(*) FROM sqlite_schema", &objects, err);
    if (rc != 0)
        return tally_err_set(err, TALLY_EINPUT, "%s: not a tally database (%s)", s->path,
                             sqlite3_errmsg(s->db));
    if (pragma_int(s, "PRAGMA application_id", &app, err) != 0 ||
        pragma_int(s, "PRAGMA user_version", &version, err) != 0)
        return err->code;
    bool empty = app == 0 && version == 0 && objects == 0;
    if (empty && mode == TALLY_STORE_READ)
        return tally_err_set(err, TALLY_EINPUT,
                             "%s: an empty file, not yet a tally database (tally ingest or"
                             " tally import writes one)",
                             s->path);
    if (empty)
        return migrate(s, 0, err);
    if (app != APPLICATION_ID)
        return tally_err_set(err, TALLY_EINPUT,
                             "%s: not a tally database (an SQLite file of another program)",
                             s->path);
    if (version > TALLY_STORE_SCHEMA)
        return tally_err_set(err, TALLY_EINPUT,
                             "%s: written by a newer tally (schema %d; this tally knows up to %d)",
                             s->path, version, TALLY_STORE_SCHEMA);
    if (version < TALLY_STORE_SCHEMA && mode == TALLY_STORE_READ)
        return tally_err_set(err, TALLY_EINPUT,
                             "%s: schema %d, older than this tally's %d: tally ingest or tally"
                             " import upgrades it",
                             s->path, version, TALLY_STORE_SCHEMA);
    if (version < TALLY_STORE_SCHEMA)
        return migrate(s, version, err);
    return 0;
}

/* Whether nothing can change the file at `path` while it is read, so that
 * SQLite may read it as immutable (no locks, no WAL index): it is on a
 * read-only mount, or in a directory nobody may write (no write permission
 * bits; only root ignores them); and no -wal file holds commits that are
 * not yet in the file itself (a live writer always has one). */
static bool unchangeable(const char *path)
{
    size_t n = strlen(path);
    char *side = tally_xmalloc(n + 5);
    memcpy(side, path, n);
    memcpy(side + n, "-wal", 5);
    struct stat st;
    bool wal_empty = stat(side, &st) != 0 ? errno == ENOENT : st.st_size == 0;
    free(side);
    struct statvfs fs;
    if (!wal_empty)
        return false;
    if (statvfs(path, &fs) == 0 && (fs.f_flag & ST_RDONLY) != 0)
        return true;
    char *dir = tally_xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        strcpy(dir, ".");
    else
        slash[slash == dir ? 1 : 0] = '\0';
    bool locked = stat(dir, &st) == 0 && (st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH)) == 0;
    free(dir);
    return locked;
}

/* Opens s->path: read-only ("mode=ro") for TALLY_STORE_READ, else
 * read-write, created when missing; or, with `immutable`, as an
 * unchangeable file ("immutable=1", a URI with the path's '%', '?' and '#'
 * escaped). */
static int open_db(tally_store *s, tally_store_mode mode, bool immutable, tally_err *err)
{
    /* NOMUTEX: a store is used by one thread at a time (tally serve opens
     * one a worker), so SQLite's per-call locking is not needed */
    int flags = SQLITE_OPEN_NOMUTEX |
                (mode == TALLY_STORE_READ ? SQLITE_OPEN_READONLY
                                          : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    size_t n = strlen(s->path);
    char *uri = tally_xmalloc(3 * n + 32), *u = uri;
    if (immutable) {
        flags |= SQLITE_OPEN_URI;
        /* "file:///abs" or "file:rel": a path starting with "//" is not an authority */
        u += sprintf(u, "%s", s->path[0] == '/' ? "file://" : "file:");
        for (const char *p = s->path; *p != '\0'; p++)
            if (*p == '%' || *p == '?' || *p == '#')
                u += sprintf(u, "%%%02X", (unsigned)(unsigned char)*p);
            else
                *u++ = *p;
        strcpy(u, "?immutable=1");
    } else {
        memcpy(uri, s->path, n + 1);
    }
    sqlite3_close(s->db);
    s->db = NULL;
    int rc = 0;
    if (sqlite3_open_v2(uri, &s->db, flags, NULL) != SQLITE_OK)
        rc = tally_err_set(err, TALLY_EIO, "%s: cannot open the database: %s", s->path,
                           s->db != NULL ? sqlite3_errmsg(s->db) : "out of memory");
    free(uri);
    if (rc != 0)
        return rc;
    sqlite3_extended_result_codes(s->db, 0);
    sqlite3_busy_timeout(s->db, 5000);
    /* 64 MB of page cache: a batch's index pages stay in memory */
    sqlite3_exec(s->db, "PRAGMA cache_size = -65536", NULL, NULL, NULL);
    /* temporary files in memory: the statement journal of each document's
     * savepoint (its pages' first images, at most a batch's) would otherwise
     * spill to a file, two writes a page, most of an ingest's system time */
    sqlite3_exec(s->db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
    /* reads map the file rather than copy each page with a system call: the
     * estimator reads every claim of a large database */
    sqlite3_exec(s->db, "PRAGMA mmap_size = 1073741824", NULL, NULL, NULL);
    return 0;
}

int tally_store_open(const char *path, tally_store_mode mode, tally_store **out, tally_err *err)
{
    *out = NULL;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (mode == TALLY_STORE_READ)
            return tally_err_set(err, TALLY_ENOTFOUND,
                                 "%s: no such database (tally ingest or tally import makes one)",
                                 path);
    } else if (S_ISDIR(st.st_mode)) {
        return tally_err_set(err, TALLY_EIO, "%s: is a directory, not a database", path);
    }
    tally_store *s = tally_xcalloc(1, sizeof *s);
    s->path = tally_xstrdup(path);
    int rc = open_db(s, mode, false, err);
    /* before foreign keys are on: a migration may rebuild a table (2 -> 3) */
    if (rc == 0)
        rc = check_and_migrate(s, mode, err);
    /* A WAL database is read through its index, the -shm file beside it,
     * which a reader creates when missing. Where it cannot (a read-only
     * mount or directory) the first read fails; a file nothing can change
     * is then read as immutable. Anywhere else the error stands: a writer
     * could still change the file under an immutable reader. */
    int code = s->db != NULL ? sqlite3_errcode(s->db) : SQLITE_OK;
    if (rc != 0 && mode == TALLY_STORE_READ &&
        (code == SQLITE_CANTOPEN || code == SQLITE_READONLY)) {
        if (unchangeable(path)) {
            rc = open_db(s, mode, true, err);
            if (rc == 0)
                rc = check_and_migrate(s, mode, err);
        } else {
            rc = tally_err_set(err, TALLY_EIO,
                               "%s: cannot read the database: %s (a WAL database needs its"
                               " -shm file, which cannot be made in this directory)",
                               path, sqlite3_errmsg(s->db));
        }
    }
    /* WAL: readers never block the writer, and a killed writer loses only
     * its open transaction. NORMAL sync is durable across process crashes. */
    if (rc == 0 && mode == TALLY_STORE_WRITE)
        rc = store_exec(s,
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                        "PRAGMA foreign_keys = ON;",
                        err);
    if (rc != 0) {
        tally_store_close(s);
        return rc;
    }
    *out = s;
    return 0;
}

int tally_store_reopen(const tally_store *s, tally_store **out, tally_err *err)
{
    return tally_store_open(s->path, TALLY_STORE_READ, out, err);
}

void tally_store_close(tally_store *s)
{
    if (s == NULL)
        return;
    sqlite3_stmt **all[] = {&s->st_status,        &s->st_find_doc,      &s->st_insert_doc,
                            &s->st_update_doc,    &s->st_delete_claims, &s->st_find_source,
                            &s->st_insert_source, &s->st_insert_claim,  &s->st_insert_item,
                            &s->st_set_body,      &s->st_data_version,  &s->st_set_body_zero,
                            &s->st_stage_put,     &s->st_doc_name,      &s->st_source_names};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        sqlite3_finalize(*all[i]);
    for (size_t i = 0; i < sizeof s->queries / sizeof s->queries[0]; i++) {
        sqlite3_finalize(s->queries[i].st);
        free(s->queries[i].sql);
    }
    if (s->blob != NULL)
        sqlite3_blob_close(s->blob);
    sqlite3_close(s->db);
    free(s->path);
    free(s);
}

int tally_store_data_version(tally_store *s, int64_t *out, tally_err *err)
{
    sqlite3_stmt *st = store_prepare(s, &s->st_data_version, "PRAGMA data_version", err);
    if (st == NULL)
        return err->code;
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? 0 : store_fail(s, err, "reading the data version");
}

int tally_store_begin(tally_store *s, tally_err *err)
{
    return store_exec(s, "BEGIN IMMEDIATE", err);
}

int tally_store_commit(tally_store *s, tally_err *err)
{
    return store_exec(s, "COMMIT", err);
}

int tally_store_analyze(tally_store *s, tally_err *err)
{
    /* a sample of each index is enough for the planner to choose */
    return store_exec(s, "PRAGMA analysis_limit = 1000; ANALYZE", err);
}

void tally_store_rollback(tally_store *s)
{
    if (!sqlite3_get_autocommit(s->db))
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    /* ids given out in the transaction are gone */
    s->n_cache = 0;
}

/* ---- documents ---------------------------------------------------------- */

int tally_store_doc_status(tally_store *s, const char *key, const char *hash,
                           tally_doc_status *status, tally_err *err)
{
    sqlite3_stmt *st = store_prepare(s, &s->st_status,
                                     "SELECT 1, hash = ?2 FROM documents WHERE key = ?1"
                                     " UNION ALL SELECT 0, 1 FROM documents WHERE hash = ?2"
                                     " ORDER BY 1 DESC LIMIT 1",
                                     err);
    if (st == NULL)
        return err->code;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *status = sqlite3_column_int(st, 1) ? TALLY_DOC_UNCHANGED : TALLY_DOC_REPLACED;
    else if (rc == SQLITE_DONE)
        *status = TALLY_DOC_NEW;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_fail(s, err, "looking up a document");
}

static int step_done(tally_store *s, sqlite3_stmt *st, tally_err *err, const char *what)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? 0 : store_fail(s, err, what);
}

int tally_store_put_doc(tally_store *s, const tally_store_doc *d, int64_t *doc_id, tally_err *err)
{
    sqlite3_stmt *st =
        store_prepare(s, &s->st_find_doc, "SELECT id, date FROM documents WHERE key = ?", err);
    if (st == NULL)
        return err->code;
    sqlite3_bind_text(st, 1, d->key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    char *old_date = NULL;
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 1) != SQLITE_NULL)
        old_date = tally_xstrdup((const char *)sqlite3_column_text(st, 1));
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail(s, err, "looking up a document");
    if (id != 0) {
        /* their claim_items rows go with them (a trigger) */
        rc = store_delete_events(s, id, err);
        st = rc == 0 ? store_prepare(s, &s->st_delete_claims, "DELETE FROM claims WHERE doc_id = ?",
                                     err)
                     : NULL;
        if (rc == 0 && st == NULL)
            rc = err->code;
        if (rc == 0) {
            sqlite3_bind_int64(st, 1, id);
            rc = step_done(s, st, err, "deleting the claims of an earlier version");
        }
        if (rc == 0)
            st = store_prepare(s, &s->st_update_doc,
                               "UPDATE documents SET name = ?2, url = ?3, title = ?4, outlet = ?5,"
                               " date = coalesce(?6, ?7),"
                               " revised = CASE WHEN ?6 IS NOT NULL AND ?7 IS NOT ?6 THEN ?7 END,"
                               " origin = ?8, hash = ?9, body = ?10, curated = ?11,"
                               " updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
                               " WHERE id = ?1",
                               err);
        if (rc == 0 && st == NULL)
            rc = err->code;
        if (rc == 0) {
            sqlite3_bind_int64(st, 1, id);
            store_bind_text(st, 6, old_date);
            store_bind_text(st, 7, d->date);
        }
    } else {
        st = store_prepare(s, &s->st_insert_doc,
                           "INSERT INTO documents (key, name, url, title, outlet, date, origin,"
                           " hash, body, curated, ingested_at, updated_at)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?7, ?8, ?9, ?10, ?11,"
                           " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),"
                           " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))",
                           err);
        rc = st == NULL ? err->code : 0;
        if (rc == 0) {
            sqlite3_bind_text(st, 1, d->key, -1, SQLITE_STATIC);
            store_bind_text(st, 7, d->date);
        }
    }
    if (rc == 0) {
        sqlite3_bind_text(st, 2, d->name, -1, SQLITE_STATIC);
        store_bind_text(st, 3, d->url);
        store_bind_text(st, 4, d->title);
        store_bind_text(st, 5, d->outlet);
        store_bind_text(st, 8, d->origin);
        sqlite3_bind_text(st, 9, d->hash, -1, SQLITE_STATIC);
        sqlite3_bind_text64(st, 10, d->body != NULL ? d->body : "",
                            d->body != NULL ? d->body_len : 0, SQLITE_STATIC, SQLITE_UTF8);
        sqlite3_bind_int(st, 11, d->curated);
        rc = step_done(s, st, err, "storing a document");
    }
    free(old_date);
    if (rc == 0)
        *doc_id = id != 0 ? id : sqlite3_last_insert_rowid(s->db);
    return rc;
}

int tally_store_set_body_from(tally_store *s, int64_t doc_id, size_t len,
                              int (*read)(void *user, char *buf, size_t n, tally_err *err),
                              void *user, tally_err *err)
{
    if (len > (size_t)sqlite3_limit(s->db, SQLITE_LIMIT_LENGTH, -1))
        return tally_err_set(err, TALLY_ELIMIT, "%s: a body of %zu bytes is over SQLite's %d",
                             s->path, len, sqlite3_limit(s->db, SQLITE_LIMIT_LENGTH, -1));
    sqlite3_stmt *st = store_prepare(s, &s->st_set_body_zero,
                                     "UPDATE documents SET body = zeroblob(?2) WHERE id = ?1", err);
    if (st == NULL)
        return err->code;
    sqlite3_bind_int64(st, 1, doc_id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)len);
    int rc = step_done(s, st, err, "storing a document's body");
    if (rc != 0 || len == 0)
        return rc;
    sqlite3_blob *blob;
    if (sqlite3_blob_open(s->db, "main", "documents", "body", doc_id, 1, &blob) != SQLITE_OK)
        return store_fail(s, err, "writing a document's body");
    enum { PIECE = 64 * 1024 };
    char *buf = tally_xmalloc(PIECE);
    for (size_t at = 0; rc == 0 && at < len;) {
        size_t n = len - at < PIECE ? len - at : PIECE;
        rc = read(user, buf, n, err);
        if (rc == 0 && sqlite3_blob_write(blob, buf, (int)n, (int)at) != SQLITE_OK)
            rc = store_fail(s, err, "writing a document's body");
        at += n;
    }
    free(buf);
    if (sqlite3_blob_close(blob) != SQLITE_OK && rc == 0)
        rc = store_fail(s, err, "writing a document's body");
    return rc;
}

int tally_store_set_body(tally_store *s, int64_t doc_id, const char *body, size_t len,
                         tally_err *err)
{
    sqlite3_stmt *st =
        store_prepare(s, &s->st_set_body, "UPDATE documents SET body = ?2 WHERE id = ?1", err);
    if (st == NULL)
        return err->code;
    sqlite3_bind_int64(st, 1, doc_id);
    sqlite3_bind_text64(st, 2, body != NULL ? body : "", body != NULL ? len : 0, SQLITE_STATIC,
                        SQLITE_UTF8);
    return step_done(s, st, err, "storing a document's body");
}

int tally_store_savepoint(tally_store *s, tally_err *err)
{
    return store_exec(s, "SAVEPOINT doc", err);
}

int tally_store_release(tally_store *s, tally_err *err)
{
    return store_exec(s, "RELEASE doc", err);
}

void tally_store_rollback_to(tally_store *s)
{
    sqlite3_exec(s->db, "ROLLBACK TO doc; RELEASE doc", NULL, NULL, NULL);
    s->n_cache = 0;
}

/* ---- sources and claims -------------------------------------------------- */

/* Whether `word` (lower case ASCII) occurs in `s`, any case. */
static bool strcasestr_ascii(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (; *s != '\0'; s++)
        if (strncasecmp(s, word, n) == 0)
            return true;
    return false;
}

/* Words that tell a source's kind when no actor of the table does. */
static const struct {
    const char *word;
    const char *kind;
} kind_words[] = {
    {"intelligence", "intelligence"}, {"minister", "official"},     {"official", "official"},
    {"spokes", "official"},           {"president", "official"},    {"commander", "official"},
    {"secretary", "official"},        {"ambassador", "official"},   {"lawmaker", "official"},
    {"ministry", "government"},       {"government", "government"}, {"department", "government"},
    {"office", "government"},         {"forces", "government"},     {"staff", "government"},
    {"military", "government"},       {"institute", "think-tank"},  {"centre", "think-tank"},
    {"center", "think-tank"},         {"foundation", "think-tank"}, {"think tank", "think-tank"},
};

const char *tally_source_kind(const char *name)
{
    if (name == NULL || name[0] == '\0' || strcmp(name, "author") == 0)
        return "author";
    tally_arena *a = tally_arena_new();
    tally_actor_matches m;
    const char *kind = NULL;
    bool state = false;
    if (tally_actors_scan((tally_span){name, strlen(name)}, &m, a, NULL) != 0)
        m.n = 0;
    /* the first institution, person, outlet or think tank named decides:
     * "South Korean JCS official" is the JCS's */
    for (size_t i = 0; i < m.n && kind == NULL; i++) {
        switch (m.v[i].actor->kind) {
        case TALLY_ACTOR_GOVERNMENT:
            kind = "government";
            break;
        case TALLY_ACTOR_INTELLIGENCE:
            kind = "intelligence";
            break;
        case TALLY_ACTOR_OFFICIAL:
            kind = "official";
            break;
        case TALLY_ACTOR_OUTLET:
            kind = "outlet";
            break;
        case TALLY_ACTOR_THINK_TANK:
            kind = "think-tank";
            break;
        case TALLY_ACTOR_STATE:
        case TALLY_ACTOR_PLACE:
        case TALLY_ACTOR_DEMONYM:
            state = true;
            break;
        }
    }
    tally_arena_free(a);
    for (size_t i = 0; kind == NULL && i < sizeof kind_words / sizeof kind_words[0]; i++)
        if (strcasestr_ascii(name, kind_words[i].word))
            kind = kind_words[i].kind;
    /* "Russia", "the Kremlin", "South Korean estimates": a state's word */
    return kind != NULL ? kind : state ? "government" : "other";
}

/* Copies `name` with runs of white space made one space and the ends trimmed:
 * the normalised name sources are kept under. */
static void normalise(const char *name, char *out, size_t size)
{
    size_t n = 0;
    bool space = false;
    for (const char *p = name; *p != '\0' && n + 1 < size; p++) {
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            space = n > 0;
            continue;
        }
        if (space && n + 2 < size)
            out[n++] = ' ';
        space = false;
        out[n++] = *p;
    }
    out[n] = '\0';
}

/* Splits a source as written into the name it is kept under and the detail
 * in a closing parenthesis: "Shin Won-sik (ROK Defence Minister)". */
static void split_source(const char *raw, char name[SOURCE_NAME_MAX], char detail[SOURCE_NAME_MAX],
                         char written[SOURCE_NAME_MAX])
{
    normalise(raw != NULL && raw[0] != '\0' ? raw : "author", name, SOURCE_NAME_MAX);
    detail[0] = '\0';
    size_t n = strlen(name);
    char *open = n > 0 && name[n - 1] == ')' ? strrchr(name, '(') : NULL;
    if (open != NULL && open > name + 1 && open[-1] == ' ') {
        size_t d = (size_t)(name + n - 1 - (open + 1));
        memcpy(detail, open + 1, d);
        detail[d] = '\0';
        open[-1] = '\0';
    }
    if (name[0] == '\0')
        strcpy(name, "author");
    memcpy(written, name, strlen(name) + 1);
    /* a name the actor table knows, whole, is kept under its canonical
     * name: "Shin Wonsik", "Shin Won-Sik" -> "Shin Won-sik"; "NIS" ->
     * "National Intelligence Service" */
    tally_arena *a = tally_arena_new();
    tally_actor_matches m;
    size_t len = strlen(name);
    if (tally_actors_scan((tally_span){name, len}, &m, a, NULL) == 0 && m.n == 1 &&
        m.v[0].start == 0 && m.v[0].end == len && m.v[0].actor->kind != TALLY_ACTOR_STATE &&
        m.v[0].actor->kind != TALLY_ACTOR_DEMONYM && m.v[0].actor->kind != TALLY_ACTOR_PLACE)
        snprintf(name, SOURCE_NAME_MAX, "%s", m.v[0].actor->name);
    tally_arena_free(a);
}

static int source_id(tally_store *s, const char *name, const char *written, const char *country,
                     int64_t *id, tally_err *err)
{
    for (size_t i = 0; i < s->n_cache; i++)
        if (strcasecmp(s->cache[i].name, name) == 0) {
            *id = s->cache[i].id;
            return 0;
        }
    sqlite3_stmt *st =
        store_prepare(s, &s->st_find_source, "SELECT id FROM sources WHERE name = ?", err);
    if (st == NULL)
        return err->code;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail(s, err, "looking up a source");
    if (*id == 0) {
        st = store_prepare(s, &s->st_insert_source,
                           "INSERT INTO sources (name, country, kind) VALUES (?, ?, ?)", err);
        if (st == NULL)
            return err->code;
        sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
        store_bind_text(st, 2, country);
        /* the detail tells the kind too: "Robert Koepcke (US Deputy ... Secretary)" */
        sqlite3_bind_text(st, 3, tally_source_kind(written), -1, SQLITE_STATIC);
        if (step_done(s, st, err, "storing a source") != 0)
            return err->code;
        *id = sqlite3_last_insert_rowid(s->db);
    }
    /* a document's claims mostly share a few sources: keep the latest */
    size_t slot = s->n_cache < SOURCE_CACHE ? s->n_cache++ : s->next_cache++ % SOURCE_CACHE;
    memcpy(s->cache[slot].name, name, strlen(name) + 1);
    s->cache[slot].id = *id;
    return 0;
}

static void bind_date(sqlite3_stmt *st, int i, tally_date d)
{
    char buf[16];
    if (d.year != 0)
        sqlite3_bind_text(st, i, tally_date_format(d, buf), -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

int tally_store_put_claim(tally_store *s, int64_t doc_id, const tally_claim *c, const char *text,
                          const char *stated, const char *note, tally_err *err)
{
    int64_t src;
    char name[SOURCE_NAME_MAX], detail[SOURCE_NAME_MAX], written[SOURCE_NAME_MAX];
    /* NaN, infinities and the likes of 1e308 never reach the estimates */
    if ((c->has_low && !tally_figure_value_ok(c->low)) ||
        (c->has_high && !tally_figure_value_ok(c->high)) || !tally_figure_value_ok(c->caliber_mm))
        return tally_err_set(err, TALLY_EINPUT, "claim figure %g to %g outside +-%g", c->low,
                             c->high, TALLY_FIGURE_MAX);
    split_source(c->source, name, detail, written);
    if (source_id(s, name, c->source != NULL ? c->source : "author", c->source_country, &src,
                  err) != 0)
        return err->code;
    sqlite3_stmt *st = store_prepare(
        s, &s->st_insert_claim,
        "INSERT INTO claims (doc_id, sentence_start, sentence_end, start, end, text, kind,"
        " supplier, recipient, items, item, caliber_mm, unit, low, high, qualifier, since, as_of,"
        " stated, date, source_id, hedged, note, source_detail, source_written, per)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,"
        " ?19, coalesce(?18, ?19), ?20, ?21, ?22, ?23, ?24, ?25)",
        err);
    if (st == NULL)
        return err->code;
    sqlite3_bind_int64(st, 1, doc_id);
    if (text != NULL) {
        sqlite3_bind_int64(st, 2, (sqlite3_int64)c->sentence_start);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)c->sentence_end);
        sqlite3_bind_int64(st, 4, (sqlite3_int64)c->start);
        sqlite3_bind_int64(st, 5, (sqlite3_int64)c->end);
        sqlite3_bind_text(st, 6, text, (int)(c->end - c->start), SQLITE_STATIC);
    }
    sqlite3_bind_text(st, 7, tally_kind_name(c->kind), -1, SQLITE_STATIC);
    store_bind_text(st, 8, c->supplier);
    store_bind_text(st, 9, c->recipient);
    sqlite3_bind_int64(st, 10, c->items);
    char items[TALLY_ITEMS_TEXT_MAX];
    sqlite3_bind_text(st, 11, tally_items_format(c->items, ';', items), -1, SQLITE_TRANSIENT);
    if (c->caliber_mm > 0)
        sqlite3_bind_double(st, 12, c->caliber_mm);
    sqlite3_bind_text(st, 13, tally_unit_name(c), -1, SQLITE_TRANSIENT);
    if (c->has_low)
        sqlite3_bind_double(st, 14, c->low);
    if (c->has_high)
        sqlite3_bind_double(st, 15, c->high);
    sqlite3_bind_text(st, 16, tally_qualifier_name(c->qualifier), -1, SQLITE_STATIC);
    bind_date(st, 17, c->since);
    bind_date(st, 18, c->as_of);
    store_bind_text(st, 19, stated);
    sqlite3_bind_int64(st, 20, src);
    sqlite3_bind_int(st, 21, c->hedged);
    store_bind_text(st, 22, note);
    store_bind_text(st, 23, detail);
    store_bind_text(st, 24, written);
    store_bind_text(st, 25, tally_per_name(c->per));
    if (step_done(s, st, err, "storing a claim") != 0)
        return err->code;
    /* its claim_items rows: the claims row's own values, copied (triggers
     * keep them when the row changes or goes: schema 4) */
    int64_t claim = sqlite3_last_insert_rowid(s->db);
    for (unsigned i = 0; i < TALLY_ITEM_COUNT; i++) {
        if (!(c->items & (1u << i)))
            continue;
        st = store_prepare(s, &s->st_insert_item,
                           "INSERT INTO claim_items SELECT ?1, coalesce(supplier, ''),"
                           " coalesce(recipient, ''), coalesce(date, ''), id, doc_id, kind, items,"
                           " caliber_mm, unit, low, high, qualifier, since, as_of, stated,"
                           " source_id, source_written, hedged, per, sentence_start, sentence_end"
                           " FROM claims WHERE id = ?2",
                           err);
        if (st == NULL)
            return err->code;
        sqlite3_bind_text(st, 1, tally_item_name(i), -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, claim);
        if (step_done(s, st, err, "storing a claim's items") != 0)
            return err->code;
    }
    return 0;
}

sqlite3_stmt *store_query(tally_store *s, const char *sql, tally_err *err)
{
    enum { N = sizeof s->queries / sizeof s->queries[0] };
    for (size_t i = 0; i < N; i++)
        if (s->queries[i].sql != NULL && !s->queries[i].busy &&
            strcmp(s->queries[i].sql, sql) == 0) {
            s->queries[i].busy = 1;
            return s->queries[i].st;
        }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        store_fail(s, err, "querying claims");
        return NULL;
    }
    /* the next slot not in use, if any, takes it */
    for (size_t k = 0; k < N; k++) {
        size_t i = (s->next_query + k) % N;
        if (s->queries[i].busy)
            continue;
        sqlite3_finalize(s->queries[i].st);
        free(s->queries[i].sql);
        s->queries[i].sql = tally_xstrdup(sql);
        s->queries[i].st = st;
        s->queries[i].busy = 1;
        s->next_query = (i + 1) % N;
        return st;
    }
    return st;
}

void store_query_done(tally_store *s, sqlite3_stmt *st)
{
    for (size_t i = 0; i < sizeof s->queries / sizeof s->queries[0]; i++)
        if (s->queries[i].st == st) {
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            s->queries[i].busy = 0;
            return;
        }
    sqlite3_finalize(st);
}

/* ---- staging ---------------------------------------------------------------- */

int tally_store_stage_clear(tally_store *s, tally_err *err)
{
    /* a temporary table: SQLite keeps it in a temporary file once its page
     * cache is full. Keyed by (key, seq), it reads back in order with no
     * sort (a sort would hold as much as the main page cache in memory). */
    return store_exec(s,
                      "CREATE TEMP TABLE IF NOT EXISTS stage ("
                      "  key TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL,"
                      "  PRIMARY KEY (key, seq)) WITHOUT ROWID;"
                      "DELETE FROM temp.stage;",
                      err);
}

int tally_store_stage_put(tally_store *s, const char *key, int64_t seq, const void *data,
                          size_t len, tally_err *err)
{
    sqlite3_stmt *st =
        store_prepare(s, &s->st_stage_put, "INSERT INTO temp.stage VALUES (?1, ?2, ?3)", err);
    if (st == NULL)
        return err->code;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, seq);
    sqlite3_bind_blob64(st, 3, len > 0 ? data : "", len, SQLITE_STATIC);
    return step_done(s, st, err, "staging a row");
}

int tally_store_stage_each(tally_store *s, tally_stage_fn fn, void *user, tally_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT key, seq, data FROM temp.stage ORDER BY key, seq", -1,
                           &st, NULL) != SQLITE_OK)
        return store_fail(s, err, "reading staged rows");
    int rc = 0, step;
    while (rc == 0 && (step = sqlite3_step(st)) == SQLITE_ROW)
        rc = fn((const char *)sqlite3_column_text(st, 0), sqlite3_column_int64(st, 1),
                sqlite3_column_blob(st, 2), (size_t)sqlite3_column_bytes(st, 2), user);
    if (rc == 0 && step != SQLITE_DONE)
        rc = store_fail(s, err, "reading staged rows");
    sqlite3_finalize(st);
    return rc;
}
