/* tally: the dashboard and its JSON API over HTTP (stage 5), read-only on
 * one database. libmicrohttpd runs a pool of threads; each opens its own
 * read-only connection to the database the first time it answers a
 * request, and holds no transaction between requests, so every commit is
 * seen by the next request and never kept from being checkpointed. The
 * endpoints are those of the README ("tally serve"); the dashboard's files
 * are compiled in and served from a fixed table (no path from a URL reaches
 * the file system). Results of the costly endpoints (series, flows,
 * clusters, contradictions, sources, meta) are kept in a bounded cache,
 * emptied when the database's data version changes: a request never gets a
 * result older than the database at its start. Connections pass a gate
 * (src/present/http_gate.h) that bounds the time and size of request heads. */
#ifndef TALLY_SERVE_H
#define TALLY_SERVE_H

#include <stdbool.h>
#include <stddef.h>

#include "tally/err.h"
#include "tally/mem.h"

typedef struct tally_server tally_server;

typedef struct tally_serve_opts {
    const char *db;     /* the database (not NULL); it must exist */
    const char *bind;   /* an IPv4 or IPv6 address; NULL: 127.0.0.1 */
    unsigned port;      /* 0: any free port (see tally_serve_port) */
    unsigned threads;   /* worker threads; 0: one per processor */
    size_t cache_bytes; /* the cache's size; 0: 64 MB */
} tally_serve_opts;

/** Checks the database, loads the model and starts listening; requests are
 *  answered on the server's own threads until tally_serve_stop. Returns 0
 *  with *out set, or TALLY_EUSAGE (a bad address), TALLY_EIO (the database
 *  cannot be opened, or the address cannot be listened on) or the error of
 *  tally_store_open, with `err` set. */
int tally_serve_start(const tally_serve_opts *o, tally_server **out,
                      tally_err *err) TALLY_MUST_CHECK;
/** Checks the database and loads the model, without listening: a server
 *  for tally_serve_answer (tests, fuzzing). Errors as tally_serve_start's;
 *  free it with tally_serve_stop. */
int tally_serve_open(const tally_serve_opts *o, tally_server **out,
                     tally_err *err) TALLY_MUST_CHECK;

/** What the server answers to a request. */
typedef struct tally_serve_reply {
    unsigned status;  /* HTTP status */
    const char *type; /* Content-Type (a constant) */
    bool no_store;    /* Cache-Control: no-store (the API), else no-cache (the files) */
    tally_buf body;   /* owned: tally_serve_reply_free */
} tally_serve_reply;

/** Answers one request without a socket, as the server would: `method`
 *  and `target`, the path and query exactly as sent (escapes undecoded);
 *  `has_body` when the request carries a body (refused). The reply's body
 *  is the caller's to free with tally_serve_reply_free. */
void tally_serve_answer(tally_server *s, const char *method, const char *target, bool has_body,
                        tally_serve_reply *out);
void tally_serve_reply_free(tally_serve_reply *r);

/** The port listened on. */
unsigned tally_serve_port(const tally_server *s);
/** The database served, as messages name it (tally_store_name). */
const char *tally_serve_db_name(const tally_server *s);
/** Stops listening, waits for the threads, closes their databases and
 *  frees the server; accepts NULL. */
void tally_serve_stop(tally_server *s);

#endif
