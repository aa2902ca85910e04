/* tally: the store's PostgreSQL backend (stage 3), through libpq: a
 * connection to a team's server (a URI or a conninfo string; PGHOST and
 * the other PG* variables fill in what it leaves out), named prepared
 * statements with results read in binary, documents' bodies as bytea. What
 * the two backends share is in store.c, query.c and events.c.
 *
 * Messages name the server by user, host, port and database, never by the
 * string given (which may hold a password).
 * Part of stage 3, the store: includes the public headers of base, the model,
 * read and extract, and the store's own. */
#include "store_impl.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tally/mem.h"

/* 'TALY': the advisory lock migrations hold */
enum { SCHEMA_LOCK = 0x54414C59 };
/* a body this long or shorter is read whole, once a document */
enum { BODY_CACHE = 4 << 20 };
/* parameters ?1 to ?MAX_PARAMS */
enum { MAX_PARAMS = 64 };

typedef struct pg {
    PGconn *conn;
    PGconn *shared; /* autocommit: rows every writer shares (sources) */
    unsigned next_name;
    char error[256];
    /* the body open for reading */
    int64_t body_doc;
    size_t body_len;
    bool body_on;
    char *body; /* whole, when at most BODY_CACHE; else NULL */
    /* the body being written */
    int64_t write_doc;
} pg;

typedef struct pg_stmt {
    store_stmt base;
    pg *p;
    PGconn *conn;
    char name[24];
    int nparams;
    int map[MAX_PARAMS + 1]; /* ?N -> $map[N], 0 when not used */
    const char **values;
    int *lengths, *formats;
    char **owned;
    PGresult *res;
    int row, rows;
} pg_stmt;

static pg *P(tally_store *s)
{
    return s->impl;
}

static pg_stmt *Q(store_stmt *st)
{
    return (pg_stmt *)st;
}

/* Keeps libpq's message as one line: "a\n\tb\n" -> "a; b". */
static void set_error(pg *p, const char *msg)
{
    size_t n = 0;
    bool gap = false;
    for (const char *c = msg != NULL ? msg : "unknown error"; *c != '\0' && n + 3 < sizeof p->error;
         c++) {
        if (*c == '\n' || *c == '\r' || *c == '\t') {
            gap = n > 0;
            continue;
        }
        if (gap) {
            p->error[n++] = ';';
            p->error[n++] = ' ';
            gap = false;
        }
        p->error[n++] = *c;
    }
    while (n > 0 && (p->error[n - 1] == ' ' || p->error[n - 1] == ';'))
        n--;
    p->error[n] = '\0';
}

bool store_is_postgres(const char *path)
{
    if (strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0)
        return true;
    /* keyword=value pairs libpq knows ("host=db dbname=tally"); a file's
     * name with '=' in it is none */
    if (strchr(path, '=') == NULL)
        return false;
    PQconninfoOption *opts = PQconninfoParse(path, NULL);
    PQconninfoFree(opts);
    return opts != NULL;
}

static const char *pg_errmsg(tally_store *s)
{
    return P(s) != NULL ? P(s)->error : "out of memory";
}

static bool result_ok(pg *p, const PGresult *r)
{
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
        return true;
    set_error(p, r != NULL ? PQresultErrorMessage(r) : PQerrorMessage(p->conn));
    return false;
}

static int pg_exec(tally_store *s, const char *sql, tally_err *err)
{
    PGresult *r = PQexec(P(s)->conn, sql);
    bool ok = result_ok(P(s), r);
    PQclear(r);
    return ok ? 0 : tally_err_set(err, TALLY_ESTORE, "%s: %s", s->path, P(s)->error);
}

/* The first value of `sql` (text results) as an integer; -1 when NULL. */
static int query_int(tally_store *s, const char *sql, int64_t *out, const char *what,
                     tally_err *err)
{
    PGresult *r = PQexec(P(s)->conn, sql);
    int rc = 0;
    if (!result_ok(P(s), r) || PQntuples(r) < 1)
        rc = store_fail(s, err, what);
    else
        *out = PQgetisnull(r, 0, 0) ? -1 : strtoll(PQgetvalue(r, 0, 0), NULL, 10);
    PQclear(r);
    return rc;
}

static void ignore_notice(void *user, const char *msg)
{
    (void)user;
    (void)msg;
}

/* The server as messages name it: user, host, port and database. */
static void name_server(tally_store *s, PGconn *c)
{
    const char *user = PQuser(c), *host = PQhost(c), *port = PQport(c), *db = PQdb(c);
    user = user != NULL ? user : "";
    host = host != NULL ? host : "";
    port = port != NULL ? port : "";
    db = db != NULL ? db : "";
    size_t n = strlen(user) + strlen(host) + strlen(port) + strlen(db) + 48;
    char *name = tally_xmalloc(n);
    if (host[0] == '/' || host[0] == '\0')
        snprintf(name, n, "postgresql:///%s?host=%s&port=%s&user=%s", db, host, port, user);
    else
        snprintf(name, n, "postgresql://%s@%s:%s/%s", user, host, port, db);
    free(s->path);
    s->path = name;
}

static PGconn *connect_to(tally_store *s, tally_err *err)
{
    PGconn *c = PQconnectdb(s->location);
    if (c == NULL) {
        tally_err_set(err, TALLY_ENOMEM, "connecting to a database server: out of memory");
        return NULL;
    }
    name_server(s, c);
    if (PQstatus(c) != CONNECTION_OK) {
        set_error(P(s), PQerrorMessage(c));
        tally_err_set(err, TALLY_ESERVER, "%s: cannot connect: %s", s->path, P(s)->error);
        PQfinish(c);
        return NULL;
    }
    PQsetNoticeProcessor(c, ignore_notice, NULL);
    PGresult *r = PQexec(c, "SET client_encoding = 'UTF8'; SET client_min_messages = warning");
    bool ok = result_ok(P(s), r);
    PQclear(r);
    if (!ok) {
        tally_err_set(err, TALLY_ESERVER, "%s: %s", s->path, P(s)->error);
        PQfinish(c);
        return NULL;
    }
    return c;
}

static int pg_open(tally_store *s, tally_store_mode mode, tally_err *err)
{
    s->impl = tally_xcalloc(1, sizeof(pg));
    P(s)->conn = connect_to(s, err);
    if (P(s)->conn == NULL)
        return err->code;
    return store_check_and_migrate(s, mode, err);
}

static int pg_ready(tally_store *s, tally_store_mode mode, tally_err *err)
{
    /* a reader never writes, and the server holds it to that */
    if (mode == TALLY_STORE_READ)
        return pg_exec(s, "SET default_transaction_read_only = on", err);
    return 0;
}

static void pg_close(tally_store *s)
{
    if (s->impl == NULL)
        return;
    free(P(s)->body);
    if (P(s)->shared != NULL)
        PQfinish(P(s)->shared);
    if (P(s)->conn != NULL)
        PQfinish(P(s)->conn);
    free(s->impl);
    s->impl = NULL;
}

static int pg_schema_version(tally_store *s, int *version, tally_err *err)
{
    int64_t tables = 0, ours = 0, v = 0;
    if (query_int(s,
                  "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()",
                  &tables, "reading the schema", err) != 0 ||
        query_int(s,
                  "SELECT count(*) FROM pg_catalog.pg_tables"
                  " WHERE schemaname = current_schema() AND tablename = 'tally_schema'",
                  &ours, "reading the schema", err) != 0)
        return err->code;
    *version = 0;
    if (ours == 0 && tables == 0)
        return 0;
    if (ours == 0)
        return tally_err_set(err, TALLY_EINPUT,
                             "%s: not a tally database (its schema holds other tables)", s->path);
    if (query_int(s, "SELECT max(version) FROM tally_schema", &v, "reading the schema", err) != 0)
        return err->code;
    *version = v > 0 && v < 1000000 ? (int)v : 0;
    return 0;
}

static int pg_schema_lock(tally_store *s, tally_err *err)
{
    char sql[64];
    snprintf(sql, sizeof sql, "SELECT pg_advisory_xact_lock(%d)", SCHEMA_LOCK);
    return pg_exec(s, sql, err);
}

static int pg_schema_set(tally_store *s, int version, tally_err *err)
{
    char sql[192];
    snprintf(sql, sizeof sql,
             "CREATE TABLE IF NOT EXISTS tally_schema (version INTEGER NOT NULL);"
             "DELETE FROM tally_schema; INSERT INTO tally_schema VALUES (%d)",
             version);
    return pg_exec(s, sql, err);
}

static bool pg_in_transaction(tally_store *s)
{
    return PQtransactionStatus(P(s)->conn) != PQTRANS_IDLE;
}

static int pg_data_version(tally_store *s, int64_t *out, tally_err *err)
{
    /* the next transaction id: any commit that wrote moves it on */
    return query_int(s, "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint", out,
                     "reading the data version", err);
}

static int pg_analyze(tally_store *s, tally_err *err)
{
    return pg_exec(s, "ANALYZE", err);
}

/* ---- statements ------------------------------------------------------------ */

/* SQL of ?N placeholders in PostgreSQL's: $1, $2... in the order of first
 * use, so that parameters a query leaves out leave no gap. */
static char *translate(const char *sql, int map[MAX_PARAMS + 1], int *nparams)
{
    size_t n = strlen(sql);
    char *out = tally_xmalloc(2 * n + 1), *o = out;
    bool quoted = false;
    *nparams = 0;
    memset(map, 0, sizeof(int) * (MAX_PARAMS + 1));
    for (const char *c = sql; *c != '\0'; c++) {
        if (*c == '\'')
            quoted = !quoted;
        if (quoted || *c != '?') {
            *o++ = *c;
            continue;
        }
        int k = 0;
        while (c[1] >= '0' && c[1] <= '9' && k <= MAX_PARAMS)
            k = 10 * k + (*++c - '0');
        if (k < 1 || k > MAX_PARAMS) {
            free(out);
            return NULL;
        }
        if (map[k] == 0)
            map[k] = ++*nparams;
        o += sprintf(o, "$%d", map[k]);
    }
    *o = '\0';
    return out;
}

static store_stmt *prepare_on(tally_store *s, PGconn *c, const char *sql)
{
    pg *p = P(s);
    pg_stmt *q = tally_xcalloc(1, sizeof *q);
    q->base.be = &store_postgres;
    q->p = p;
    q->conn = c;
    char *text = translate(sql, q->map, &q->nparams);
    if (text == NULL) {
        set_error(p, "a statement's parameter is not ?1 to ?64");
        free(q);
        return NULL;
    }
    snprintf(q->name, sizeof q->name, "tally_%u", ++p->next_name);
    PGresult *r = PQprepare(c, q->name, text, 0, NULL);
    free(text);
    bool ok = result_ok(p, r);
    PQclear(r);
    if (!ok) {
        free(q);
        return NULL;
    }
    size_t n = q->nparams > 0 ? (size_t)q->nparams : 1;
    q->values = tally_xcalloc(n, sizeof *q->values);
    q->lengths = tally_xcalloc(n, sizeof *q->lengths);
    q->formats = tally_xcalloc(n, sizeof *q->formats);
    q->owned = tally_xcalloc(n, sizeof *q->owned);
    return &q->base;
}

static store_stmt *pg_prepare(tally_store *s, const char *sql, bool persistent)
{
    (void)persistent;
    return prepare_on(s, P(s)->conn, sql);
}

static store_stmt *pg_prepare_shared(tally_store *s, const char *sql)
{
    if (P(s)->shared == NULL) {
        tally_err err = {0};
        P(s)->shared = connect_to(s, &err);
        if (P(s)->shared == NULL)
            return NULL;
    }
    return prepare_on(s, P(s)->shared, sql);
}

static void unbind(pg_stmt *q)
{
    for (int i = 0; i < q->nparams; i++) {
        free(q->owned[i]);
        q->owned[i] = NULL;
        q->values[i] = NULL;
        q->lengths[i] = 0;
        q->formats[i] = 0;
    }
}

static void pg_reset(store_stmt *st)
{
    pg_stmt *q = Q(st);
    PQclear(q->res);
    q->res = NULL;
    q->row = q->rows = 0;
    unbind(q);
}

static void pg_finalize(store_stmt *st)
{
    pg_stmt *q = Q(st);
    pg_reset(st);
    char sql[48];
    snprintf(sql, sizeof sql, "DEALLOCATE %s", q->name);
    /* in a failed transaction it fails too: the name is never used again */
    if (PQstatus(q->conn) == CONNECTION_OK && PQtransactionStatus(q->conn) == PQTRANS_IDLE)
        PQclear(PQexec(q->conn, sql));
    free(q->values);
    free(q->lengths);
    free(q->formats);
    free(q->owned);
    free(q);
}

/* The slot of ?i, or -1 for a parameter the statement does not use. */
static int slot(pg_stmt *q, int i)
{
    return i >= 1 && i <= MAX_PARAMS && q->map[i] != 0 ? q->map[i] - 1 : -1;
}

static void bind_owned(pg_stmt *q, int i, char *v, int len, int format)
{
    int k = slot(q, i);
    if (k < 0) {
        free(v);
        return;
    }
    free(q->owned[k]);
    q->owned[k] = v;
    q->values[k] = v;
    q->lengths[k] = len;
    q->formats[k] = format;
}

static void pg_bind_null(store_stmt *st, int i)
{
    int k = slot(Q(st), i);
    if (k >= 0) {
        free(Q(st)->owned[k]);
        Q(st)->owned[k] = NULL;
        Q(st)->values[k] = NULL;
    }
}

static void pg_bind_int64(store_stmt *st, int i, int64_t v)
{
    char *t = tally_xmalloc(24);
    snprintf(t, 24, "%lld", (long long)v);
    bind_owned(Q(st), i, t, 0, 0);
}

static void pg_bind_double(store_stmt *st, int i, double v)
{
    /* 17 significant digits: the same double back */
    char *t = tally_xmalloc(32);
    snprintf(t, 32, "%.17g", v);
    bind_owned(Q(st), i, t, 0, 0);
}

static void pg_bind_bytes(store_stmt *st, int i, const void *v, size_t n, bool blob, bool copy)
{
    pg_stmt *q = Q(st);
    int k = slot(q, i);
    if (k < 0)
        return;
    if (blob && !copy) {
        /* a body: borrowed until the step, sent as it is */
        pg_bind_null(st, i);
        q->values[k] = n > 0 ? v : "";
        q->lengths[k] = (int)n;
        q->formats[k] = 1;
        return;
    }
    /* text goes as a C string */
    char *t = tally_xmalloc(n + 1);
    memcpy(t, v, n);
    t[n] = '\0';
    bind_owned(q, i, t, (int)n, blob ? 1 : 0);
}

static int pg_step(store_stmt *st)
{
    pg_stmt *q = Q(st);
    if (q->res == NULL) {
        q->res = PQexecPrepared(q->conn, q->name, q->nparams, q->values, q->lengths, q->formats, 1);
        if (!result_ok(q->p, q->res)) {
            PQclear(q->res);
            q->res = NULL;
            return -1;
        }
        q->rows = PQntuples(q->res);
        q->row = -1;
    }
    if (q->row < q->rows)
        q->row++;
    return q->row < q->rows ? STORE_ROW : STORE_DONE;
}

static bool pg_col_null(store_stmt *st, int i)
{
    pg_stmt *q = Q(st);
    return q->res == NULL || q->row >= q->rows || PQgetisnull(q->res, q->row, i);
}

static uint64_t big_endian(const char *v, int n)
{
    uint64_t x = 0;
    for (int k = 0; k < n; k++)
        x = x << 8 | (unsigned char)v[k];
    return x;
}

/* Type oids of pg_type.h (stable since PostgreSQL 7) */
enum {
    OID_BOOL = 16,
    OID_INT8 = 20,
    OID_INT2 = 21,
    OID_INT4 = 23,
    OID_FLOAT4 = 700,
    OID_FLOAT8 = 701
};

/* A binary value of column i as a double, and whether it is an integer's. */
static double number(pg_stmt *q, int i, int64_t *as_int)
{
    *as_int = 0;
    if (pg_col_null(&q->base, i))
        return 0;
    const char *v = PQgetvalue(q->res, q->row, i);
    int n = PQgetlength(q->res, q->row, i);
    switch (PQftype(q->res, i)) {
    case OID_BOOL:
        *as_int = n > 0 && v[0] != 0;
        return (double)*as_int;
    case OID_INT2:
        *as_int = (int16_t)big_endian(v, 2);
        return (double)*as_int;
    case OID_INT4:
        *as_int = (int32_t)big_endian(v, 4);
        return (double)*as_int;
    case OID_INT8:
        *as_int = (int64_t)big_endian(v, 8);
        return (double)*as_int;
    case OID_FLOAT4: {
        uint32_t b = (uint32_t)big_endian(v, 4);
        float f;
        memcpy(&f, &b, sizeof f);
        *as_int = (int64_t)f;
        return f;
    }
    case OID_FLOAT8: {
        uint64_t b = big_endian(v, 8);
        double d;
        memcpy(&d, &b, sizeof d);
        *as_int = (int64_t)d;
        return d;
    }
    default:
        return 0;
    }
}

static int64_t pg_col_int64(store_stmt *st, int i)
{
    int64_t v;
    (void)number(Q(st), i, &v);
    return v;
}

static double pg_col_double(store_stmt *st, int i)
{
    int64_t v;
    return number(Q(st), i, &v);
}

static const char *pg_col_bytes(store_stmt *st, int i, size_t *n)
{
    pg_stmt *q = Q(st);
    *n = 0;
    if (pg_col_null(st, i))
        return NULL;
    /* text and bytea in binary are their bytes (libpq ends them with a NUL) */
    *n = (size_t)PQgetlength(q->res, q->row, i);
    return PQgetvalue(q->res, q->row, i);
}

/* ---- bodies ------------------------------------------------------------------ */

/* Runs `sql` with one integer parameter per value of `v` (text results
 * unless `binary`); NULL with the error kept when it fails. */
static PGresult *query_ints(pg *p, const char *sql, const int64_t *v, int n, bool binary)
{
    char buf[3][24];
    const char *values[3];
    for (int i = 0; i < n && i < 3; i++) {
        snprintf(buf[i], sizeof buf[i], "%lld", (long long)v[i]);
        values[i] = buf[i];
    }
    PGresult *r = PQexecParams(p->conn, sql, n, NULL, values, NULL, NULL, binary ? 1 : 0);
    if (!result_ok(p, r)) {
        PQclear(r);
        return NULL;
    }
    return r;
}

static int pg_body_open(tally_store *s, int64_t doc, size_t *len)
{
    pg *p = P(s);
    if (p->body_on && p->body_doc == doc) {
        *len = p->body_len;
        return 0;
    }
    free(p->body);
    p->body = NULL;
    p->body_on = false;
    char sql[128];
    snprintf(sql, sizeof sql,
             "SELECT octet_length(body), CASE WHEN octet_length(body) <= %d THEN body END"
             " FROM documents WHERE id = $1",
             BODY_CACHE);
    PGresult *r = query_ints(p, sql, &doc, 1, true);
    if (r == NULL || PQntuples(r) != 1) {
        PQclear(r);
        return -1;
    }
    p->body_len = (size_t)big_endian(PQgetvalue(r, 0, 0), 4);
    if (!PQgetisnull(r, 0, 1)) {
        p->body = tally_xmalloc(p->body_len + 1);
        memcpy(p->body, PQgetvalue(r, 0, 1), p->body_len);
    }
    PQclear(r);
    p->body_doc = doc;
    p->body_on = true;
    *len = p->body_len;
    return 0;
}

static int pg_body_read(tally_store *s, void *buf, size_t n, size_t off)
{
    pg *p = P(s);
    if (!p->body_on || off + n > p->body_len)
        return -1;
    if (p->body != NULL) {
        memcpy(buf, p->body + off, n);
        return 0;
    }
    int64_t v[3] = {p->body_doc, (int64_t)off + 1, (int64_t)n};
    PGresult *r = query_ints(p,
                             "SELECT substring(body FROM $2::bigint::int FOR $3::bigint::int)"
                             " FROM documents WHERE id = $1",
                             v, 3, true);
    int rc = r != NULL && PQntuples(r) == 1 && (size_t)PQgetlength(r, 0, 0) == n ? 0 : -1;
    if (rc == 0)
        memcpy(buf, PQgetvalue(r, 0, 0), n);
    PQclear(r);
    return rc;
}

static void pg_body_close(tally_store *s)
{
    free(P(s)->body);
    P(s)->body = NULL;
    P(s)->body_on = false;
}

static size_t pg_body_max(tally_store *s)
{
    (void)s;
    return (size_t)1 << 30; /* a bytea's largest, about */
}

/* A body is written as pieces in a temporary table, then made one value on
 * the server: the client holds one piece at a time. */
static int pg_body_write_open(tally_store *s, int64_t doc, size_t len, tally_err *err)
{
    (void)len;
    P(s)->write_doc = doc;
    return pg_exec(s,
                   "CREATE TEMP TABLE IF NOT EXISTS body_pieces"
                   " (seq BIGINT PRIMARY KEY, data BYTEA NOT NULL);"
                   "DELETE FROM pg_temp.body_pieces;",
                   err);
}

static int pg_body_write(tally_store *s, const void *buf, size_t n, size_t off, tally_err *err)
{
    char seq[24];
    snprintf(seq, sizeof seq, "%zu", off);
    const char *values[2] = {seq, buf};
    int lengths[2] = {0, (int)n}, formats[2] = {0, 1};
    PGresult *r = PQexecParams(P(s)->conn, "INSERT INTO pg_temp.body_pieces VALUES ($1, $2)", 2,
                               NULL, values, lengths, formats, 0);
    bool ok = result_ok(P(s), r);
    PQclear(r);
    return ok ? 0 : store_fail(s, err, "writing a document's body");
}

static int pg_body_write_close(tally_store *s, bool keep, tally_err *err)
{
    int rc = 0;
    if (keep) {
        PGresult *r =
            query_ints(P(s),
                       "UPDATE documents SET body = coalesce((SELECT string_agg(data, ''::bytea"
                       " ORDER BY seq) FROM pg_temp.body_pieces), ''::bytea) WHERE id = $1",
                       &P(s)->write_doc, 1, false);
        rc = r != NULL ? 0 : store_fail(s, err, "writing a document's body");
        PQclear(r);
    }
    tally_err ignored = {0};
    if (rc == 0 && pg_exec(s, "DELETE FROM pg_temp.body_pieces", keep ? err : &ignored) != 0)
        rc = keep ? err->code : 0;
    return rc;
}

static int64_t pg_last_id(tally_store *s)
{
    (void)s;
    return 0; /* never asked: inserts say RETURNING id (store_dialect.returning_id) */
}

static const store_dialect pg_sql = {
    .now = "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')",
    .noindex = "",
    .like = "ILIKE",
    .doc_names = "documents",
    .body_bytes = "octet_length(body)",
    .for_update = " FOR UPDATE",
    .nulls_first = " NULLS FIRST",
    .stage = "pg_temp.stage",
    .stage_clear = "CREATE TEMP TABLE IF NOT EXISTS stage ("
                   "  key TEXT COLLATE \"C\" NOT NULL, seq BIGINT NOT NULL, data BYTEA NOT NULL,"
                   "  PRIMARY KEY (key, seq));"
                   "DELETE FROM pg_temp.stage;",
    .begin = "BEGIN",
    /* sources.name_key is lower(name) in the C collation: ASCII letters */
    .find_source = "SELECT id FROM sources WHERE name_key = lower(CAST(?1 AS TEXT) COLLATE \"C\")",
    .insert_source = "INSERT INTO sources (name, country, kind) VALUES (?1, ?2, ?3)"
                     " ON CONFLICT (name_key) DO NOTHING RETURNING id",
    .source_order = "s.name_key, s.name",
    .returning_id = " RETURNING id",
};

const store_backend store_postgres = {
    .name = "postgresql",
    .dialect = 1,
    .sql = &pg_sql,
    .body_blob = true,
    .many_writers = true,
    .open = pg_open,
    .close = pg_close,
    .schema_version = pg_schema_version,
    .schema_lock = pg_schema_lock,
    .schema_set = pg_schema_set,
    .ready = pg_ready,
    .errmsg = pg_errmsg,
    .exec = pg_exec,
    .in_transaction = pg_in_transaction,
    .data_version = pg_data_version,
    .analyze = pg_analyze,
    .last_id = pg_last_id,
    .prepare = pg_prepare,
    .prepare_shared = pg_prepare_shared,
    .finalize = pg_finalize,
    .reset = pg_reset,
    .bind_null = pg_bind_null,
    .bind_int64 = pg_bind_int64,
    .bind_double = pg_bind_double,
    .bind_bytes = pg_bind_bytes,
    .step = pg_step,
    .col_null = pg_col_null,
    .col_int64 = pg_col_int64,
    .col_double = pg_col_double,
    .col_bytes = pg_col_bytes,
    .body_open = pg_body_open,
    .body_read = pg_body_read,
    .body_close = pg_body_close,
    .body_max = pg_body_max,
    .body_write_open = pg_body_write_open,
    .body_write = pg_body_write,
    .body_write_close = pg_body_write_close,
};
