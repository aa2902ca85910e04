/* tally: the dashboard and its JSON API over HTTP (stage 5), read-only on
 * one database. libmicrohttpd runs a pool of threads; each opens its own
 * connection to the database the first time it answers a request. The
 * endpoints are those of the README ("tally serve"); the dashboard's files
 * are compiled in and served from a fixed table (no path from a URL reaches
 * the file system). Results of the costly endpoints (series, flows,
 * clusters, contradictions, sources, meta) are kept in a bounded cache:
 * the database must not change while it is served. */
#ifndef TALLY_SERVE_H
#define TALLY_SERVE_H

#include <stddef.h>

#include "tally/err.h"

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
/** The port listened on. */
unsigned tally_serve_port(const tally_server *s);
/** Stops listening, waits for the threads, closes their databases and
 *  frees the server; accepts NULL. */
void tally_serve_stop(tally_server *s);

#endif
