/* tally: the store's SQLite backend (stage 3): one file, opened read-only or
 * read-write (WAL), its statements, and documents' bodies read and written
 * through SQLite's incremental I/O. What the two backends share is in
 * store.c, query.c and events.c.
 * Part of stage 3, the store: includes the public headers of base, the model,
 * read and extract, and the store's own. */
#include "store_impl.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "tally/mem.h"

/* 'TALY': marks the file as tally's (PRAGMA application_id). */
enum { APPLICATION_ID = 0x54414C59 };

typedef struct lite {
    sqlite3 *db;
    /* the body of one document, read a piece at a time */
    sqlite3_blob *blob, *wblob;
} lite;

typedef struct lite_stmt {
    store_stmt base;
    sqlite3_stmt *st;
} lite_stmt;

static lite *L(tally_store *s)
{
    return s->impl;
}

static sqlite3_stmt *S(store_stmt *st)
{
    return ((lite_stmt *)st)->st;
}

void *store_sqlite_handle(tally_store *s)
{
    return s->be == &store_sqlite ? L(s)->db : NULL;
}

static const char *lite_errmsg(tally_store *s)
{
    return L(s)->db != NULL ? sqlite3_errmsg(L(s)->db) : "out of memory";
}

static int lite_exec(tally_store *s, const char *sql, tally_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(L(s)->db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return 0;
    int rc = tally_err_set(err, TALLY_ESTORE, "%s: %s", s->path,
                           msg != NULL ? msg : sqlite3_errmsg(L(s)->db));
    sqlite3_free(msg);
    return rc;
}

static int pragma_int(tally_store *s, const char *sql, int *out, tally_err *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(L(s)->db, sql, -1, &st, NULL) != SQLITE_OK)
        return store_fail(s, err, "reading the database header");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_fail(s, err, "reading the database header");
    return 0;
}

static int lite_schema_version(tally_store *s, int *version, tally_err *err)
{
    int app = 0, objects = 0;
    /* the first read of a file that is not SQLite fails here (SQLITE_NOTADB) */
    if (pragma_int(s, "SELECT count(*) FROM sqlite_schema", &objects, err) != 0)
        return tally_err_set(err, TALLY_EINPUT, "%s: not a tally database (%s)", s->path,
                             sqlite3_errmsg(L(s)->db));
    if (pragma_int(s, "PRAGMA application_id", &app, err) != 0 ||
        pragma_int(s, "PRAGMA user_version", version, err) != 0)
        return err->code;
    if (app == 0 && *version == 0 && objects == 0)
        return 0;
    if (app != APPLICATION_ID)
        return tally_err_set(err, TALLY_EINPUT,
                             "%s: not a tally database (an SQLite file of another program)",
                             s->path);
    return 0;
}

static int lite_schema_lock(tally_store *s, tally_err *err)
{
    (void)s;
    (void)err;
    return 0; /* BEGIN IMMEDIATE holds the one write lock */
}

static int lite_schema_set(tally_store *s, int version, tally_err *err)
{
    /* the rebuilt tables' references must hold (foreign keys are off here) */
    int broken = 0;
    if (pragma_int(s, "SELECT count(*) FROM pragma_foreign_key_check", &broken, err) != 0)
        return err->code;
    if (broken != 0)
        return tally_err_set(err, TALLY_ESTORE, "%s: migrating left %d broken references", s->path,
                             broken);
    char sql[96];
    snprintf(sql, sizeof sql, "PRAGMA application_id = %d; PRAGMA user_version = %d",
             APPLICATION_ID, version);
    return lite_exec(s, sql, err);
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

void tally_store_lean_process(void)
{
    /* SQLITE_MISUSE once SQLite has started: then nothing changes */
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
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
    sqlite3_close(L(s)->db);
    L(s)->db = NULL;
    int rc = 0;
    if (sqlite3_open_v2(uri, &L(s)->db, flags, NULL) != SQLITE_OK)
        rc = tally_err_set(err, TALLY_EIO, "%s: cannot open the database: %s", s->path,
                           lite_errmsg(s));
    free(uri);
    if (rc != 0)
        return rc;
    sqlite3_extended_result_codes(L(s)->db, 0);
    sqlite3_busy_timeout(L(s)->db, 5000);
    /* 64 MB of page cache: a batch's index pages stay in memory */
    sqlite3_exec(L(s)->db, "PRAGMA cache_size = -65536", NULL, NULL, NULL);
    /* temporary files in memory: the statement journal of each document's
     * savepoint (its pages' first images, at most a batch's) would otherwise
     * spill to a file, two writes a page, most of an ingest's system time */
    sqlite3_exec(L(s)->db, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
    /* reads map the file rather than copy each page with a system call: the
     * estimator reads every claim of a large database */
    sqlite3_exec(L(s)->db, "PRAGMA mmap_size = 1073741824", NULL, NULL, NULL);
    return 0;
}

static int lite_open(tally_store *s, tally_store_mode mode, tally_err *err)
{
    struct stat st;
    if (stat(s->path, &st) != 0) {
        if (mode == TALLY_STORE_READ)
            return tally_err_set(err, TALLY_ENOTFOUND,
                                 "%s: no such database (tally ingest or tally import makes one)",
                                 s->path);
    } else if (S_ISDIR(st.st_mode)) {
        return tally_err_set(err, TALLY_EIO, "%s: is a directory, not a database", s->path);
    }
    s->impl = tally_xcalloc(1, sizeof(lite));
    int rc = open_db(s, mode, false, err);
    /* before foreign keys are on: a migration may rebuild a table (2 -> 3) */
    if (rc == 0)
        rc = store_check_and_migrate(s, mode, err);
    /* A WAL database is read through its index, the -shm file beside it,
     * which a reader creates when missing. Where it cannot (a read-only
     * mount or directory) the first read fails; a file nothing can change
     * is then read as immutable. Anywhere else the error stands: a writer
     * could still change the file under an immutable reader. */
    int code = L(s)->db != NULL ? sqlite3_errcode(L(s)->db) : SQLITE_OK;
    if (rc != 0 && mode == TALLY_STORE_READ &&
        (code == SQLITE_CANTOPEN || code == SQLITE_READONLY)) {
        if (unchangeable(s->path)) {
            rc = open_db(s, mode, true, err);
            if (rc == 0)
                rc = store_check_and_migrate(s, mode, err);
        } else {
            rc = tally_err_set(err, TALLY_EIO,
                               "%s: cannot read the database: %s (a WAL database needs its"
                               " -shm file, which cannot be made in this directory)",
                               s->path, sqlite3_errmsg(L(s)->db));
        }
    }
    return rc;
}

static int lite_ready(tally_store *s, tally_store_mode mode, tally_err *err)
{
    /* WAL: readers never block the writer, and a killed writer loses only
     * its open transaction. NORMAL sync is durable across process crashes. */
    if (mode != TALLY_STORE_WRITE)
        return 0;
    return lite_exec(s,
                     "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
                     "PRAGMA foreign_keys = ON;",
                     err);
}

static void lite_close(tally_store *s)
{
    if (s->impl == NULL)
        return;
    if (L(s)->blob != NULL)
        sqlite3_blob_close(L(s)->blob);
    if (L(s)->wblob != NULL)
        sqlite3_blob_close(L(s)->wblob);
    sqlite3_close(L(s)->db);
    free(s->impl);
    s->impl = NULL;
}

static bool lite_in_transaction(tally_store *s)
{
    return !sqlite3_get_autocommit(L(s)->db);
}

static int lite_data_version(tally_store *s, int64_t *out, tally_err *err)
{
    int v = 0;
    int rc = pragma_int(s, "PRAGMA data_version", &v, err);
    *out = v;
    return rc;
}

static int lite_analyze(tally_store *s, tally_err *err)
{
    /* a sample of each index is enough for the planner to choose */
    return lite_exec(s, "PRAGMA analysis_limit = 1000; ANALYZE", err);
}

/* ---- statements ------------------------------------------------------------ */

static store_stmt *lite_prepare(tally_store *s, const char *sql, bool persistent)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(L(s)->db, sql, -1, persistent ? SQLITE_PREPARE_PERSISTENT : 0, &st,
                           NULL) != SQLITE_OK)
        return NULL;
    lite_stmt *l = tally_xcalloc(1, sizeof *l);
    l->base.be = &store_sqlite;
    l->st = st;
    return &l->base;
}

/* one writer at a time: shared rows are written in the transaction */
static store_stmt *lite_prepare_shared(tally_store *s, const char *sql)
{
    return lite_prepare(s, sql, true);
}

static void lite_finalize(store_stmt *st)
{
    sqlite3_finalize(S(st));
    free(st);
}

static void lite_reset(store_stmt *st)
{
    sqlite3_reset(S(st));
    sqlite3_clear_bindings(S(st));
}

static void lite_bind_null(store_stmt *st, int i)
{
    sqlite3_bind_null(S(st), i);
}

static void lite_bind_int64(store_stmt *st, int i, int64_t v)
{
    sqlite3_bind_int64(S(st), i, v);
}

static void lite_bind_double(store_stmt *st, int i, double v)
{
    sqlite3_bind_double(S(st), i, v);
}

static void lite_bind_bytes(store_stmt *st, int i, const void *v, size_t n, bool blob, bool copy)
{
    if (blob)
        sqlite3_bind_blob64(S(st), i, n > 0 ? v : "", n, copy ? SQLITE_TRANSIENT : SQLITE_STATIC);
    else
        sqlite3_bind_text64(S(st), i, v, n, copy ? SQLITE_TRANSIENT : SQLITE_STATIC, SQLITE_UTF8);
}

static int lite_step(store_stmt *st)
{
    int rc = sqlite3_step(S(st));
    return rc == SQLITE_ROW ? STORE_ROW : rc == SQLITE_DONE ? STORE_DONE : rc;
}

static bool lite_col_null(store_stmt *st, int i)
{
    return sqlite3_column_type(S(st), i) == SQLITE_NULL;
}

static int64_t lite_col_int64(store_stmt *st, int i)
{
    return sqlite3_column_int64(S(st), i);
}

static double lite_col_double(store_stmt *st, int i)
{
    return sqlite3_column_double(S(st), i);
}

static const char *lite_col_bytes(store_stmt *st, int i, size_t *n)
{
    /* text, or a body's bytes as they are. One column call, then the
     * value's own (the same conversions on the same cell): each
     * sqlite3_column_* call costs ~150 instructions of statement checks,
     * three of them for each text column of the million rows the estimator
     * reads. The value's calls are safe here: a handle is used by one
     * thread at a time (NOMUTEX, lite_open). */
    sqlite3_value *x = sqlite3_column_value(S(st), i);
    int type = sqlite3_value_type(x);
    const char *v =
        type == SQLITE_BLOB ? sqlite3_value_blob(x) : (const char *)sqlite3_value_text(x);
    *n = v != NULL ? (size_t)sqlite3_value_bytes(x) : 0;
    return v != NULL ? v : type == SQLITE_NULL ? NULL : "";
}

/* ---- bodies ------------------------------------------------------------------ */

static int lite_body_open(tally_store *s, int64_t doc, size_t *len)
{
    lite *l = L(s);
    int rc = l->blob != NULL
                 ? sqlite3_blob_reopen(l->blob, doc)
                 : sqlite3_blob_open(l->db, "main", "documents", "body", doc, 0, &l->blob);
    if (rc != SQLITE_OK) {
        if (l->blob != NULL)
            sqlite3_blob_close(l->blob);
        l->blob = NULL;
        return -1;
    }
    *len = (size_t)sqlite3_blob_bytes(l->blob);
    return 0;
}

static int lite_body_read(tally_store *s, void *buf, size_t n, size_t off)
{
    return sqlite3_blob_read(L(s)->blob, buf, (int)n, (int)off) == SQLITE_OK ? 0 : -1;
}

static void lite_body_close(tally_store *s)
{
    if (L(s)->blob != NULL)
        sqlite3_blob_close(L(s)->blob);
    L(s)->blob = NULL;
}

static size_t lite_body_max(tally_store *s)
{
    return (size_t)sqlite3_limit(L(s)->db, SQLITE_LIMIT_LENGTH, -1);
}

static int lite_body_write_open(tally_store *s, int64_t doc, size_t len, tally_err *err)
{
    /* a zeroblob, then incremental I/O (schema 3: the body is the row's last value) */
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(L(s)->db, "UPDATE documents SET body = zeroblob(?2) WHERE id = ?1",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, doc);
        sqlite3_bind_int64(st, 2, (sqlite3_int64)len);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_OK && len > 0 &&
        sqlite3_blob_open(L(s)->db, "main", "documents", "body", doc, 1, &L(s)->wblob) != SQLITE_OK)
        rc = SQLITE_ERROR;
    return rc == SQLITE_OK ? 0 : store_fail(s, err, "writing a document's body");
}

static int lite_body_write(tally_store *s, const void *buf, size_t n, size_t off, tally_err *err)
{
    if (sqlite3_blob_write(L(s)->wblob, buf, (int)n, (int)off) != SQLITE_OK)
        return store_fail(s, err, "writing a document's body");
    return 0;
}

static int lite_body_write_close(tally_store *s, bool keep, tally_err *err)
{
    (void)keep; /* the caller's transaction is rolled back */
    sqlite3_blob *b = L(s)->wblob;
    L(s)->wblob = NULL;
    if (b != NULL && sqlite3_blob_close(b) != SQLITE_OK)
        return store_fail(s, err, "writing a document's body");
    return 0;
}

static int64_t lite_last_id(tally_store *s)
{
    return sqlite3_last_insert_rowid(L(s)->db);
}

static const store_dialect lite_sql = {
    .now = "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
    .noindex = "+",
    .like = "LIKE",
    .doc_names = "documents INDEXED BY documents_id_name",
    .body_bytes = "length(CAST(body AS BLOB))",
    .for_update = "",
    .nulls_first = "",
    .stage = "temp.stage",
    .stage_clear = "CREATE TEMP TABLE IF NOT EXISTS stage ("
                   "  key TEXT NOT NULL, seq INTEGER NOT NULL, data BLOB NOT NULL,"
                   "  PRIMARY KEY (key, seq)) WITHOUT ROWID;"
                   "DELETE FROM temp.stage;",
    .begin = "BEGIN IMMEDIATE",
    .find_source = "SELECT id FROM sources WHERE name = ?1", /* COLLATE NOCASE */
    .insert_source = "INSERT INTO sources (name, country, kind) VALUES (?1, ?2, ?3)"
                     " ON CONFLICT (name) DO NOTHING RETURNING id",
    .source_order = "s.name",
    .returning_id = "",
    /* the CHECK of claims.per, an IN list of three, is an ephemeral table
     * that SQLite builds for every row inserted (a sixth of the writer's
     * instructions in an ingest) */
    .trust_checks = "PRAGMA ignore_check_constraints = ON",
    /* the writer would copy the log at each commit past 1000 pages, and
     * wait for the disk twice (fsync) while its workers run dry; PASSIVE
     * copies what it can and never waits for the writer */
    .checkpoint_apart = "PRAGMA wal_autocheckpoint = 0",
    .checkpoint = "PRAGMA wal_checkpoint(PASSIVE)",
};

const store_backend store_sqlite = {
    .name = "sqlite",
    .dialect = 0,
    .sql = &lite_sql,
    .body_blob = false,
    .many_writers = false,
    .open = lite_open,
    .close = lite_close,
    .schema_version = lite_schema_version,
    .schema_lock = lite_schema_lock,
    .schema_set = lite_schema_set,
    .ready = lite_ready,
    .errmsg = lite_errmsg,
    .exec = lite_exec,
    .in_transaction = lite_in_transaction,
    .data_version = lite_data_version,
    .analyze = lite_analyze,
    .last_id = lite_last_id,
    .prepare = lite_prepare,
    .prepare_shared = lite_prepare_shared,
    .finalize = lite_finalize,
    .reset = lite_reset,
    .bind_null = lite_bind_null,
    .bind_int64 = lite_bind_int64,
    .bind_double = lite_bind_double,
    .bind_bytes = lite_bind_bytes,
    .step = lite_step,
    .col_null = lite_col_null,
    .col_int64 = lite_col_int64,
    .col_double = lite_col_double,
    .col_bytes = lite_col_bytes,
    .body_open = lite_body_open,
    .body_read = lite_body_read,
    .body_close = lite_body_close,
    .body_max = lite_body_max,
    .body_write_open = lite_body_write_open,
    .body_write = lite_body_write,
    .body_write_close = lite_body_write_close,
};
