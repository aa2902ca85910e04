/* tally: the gate in front of the HTTP server (stage 5, private to
 * src/present). tally serve accepts its connections here, not in
 * libmicrohttpd: the gate reads each request head without consuming it
 * (MSG_PEEK) and hands the connection on only once the head is complete
 * and sound, so that
 *   - a head must be complete within a deadline counted from the
 *     connection's start, however slowly its bytes trickle in;
 *   - connections still sending their head have their own slots, apart from
 *     the server's: when those are full the oldest is dropped, and a client
 *     that sends its request at once always gets in;
 *   - what is refused (too slow, too large, malformed, server busy) is
 *     answered with a JSON error here, never with libmicrohttpd's HTML page,
 *     and what is handed on fits in libmicrohttpd's per-connection memory.
 * Every connection carries one request: the server answers with
 * "Connection: close", so each request head passes the gate.
 * Part of stage 5, present: includes the public headers of every stage up to
 * estimate (not the pipeline), and its own. */
#ifndef TALLY_HTTP_GATE_H
#define TALLY_HTTP_GATE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "tally/err.h"

/** Limits of a request head. libmicrohttpd keeps the head, one record per
 *  query parameter, header line and cookie, and a copy of the Cookie
 *  header in its per-connection memory, and answers with an HTML page of
 *  its own when that is exhausted: within these limits it is not. */
typedef struct http_head_limits {
    size_t head_max;         /* bytes of the whole head, request line included */
    size_t target_max;       /* bytes of the request target (path and query) */
    unsigned params_max;     /* '&'-separated pieces of the query, empty ones too */
    unsigned lines_max;      /* header lines */
    unsigned cookies_max;    /* name=value pairs of the Cookie headers */
    size_t cookie_bytes_max; /* bytes of the Cookie headers' values */
} http_head_limits;

typedef enum http_head_verdict {
    HTTP_HEAD_PARTIAL,  /* sound so far, not complete: wait for more */
    HTTP_HEAD_COMPLETE, /* complete and sound */
    HTTP_HEAD_REFUSED   /* answer *status with the message in `why` */
} http_head_verdict;

/** Checks the first `n` bytes a client sent (`buf` need not be
 *  NUL-terminated; `n` may be head_max + 1, which says more was sent): an
 *  HTTP/1.0 or 1.1 request line (method, a target starting with '/' made of
 *  visible ASCII, the version), header lines "name: value" with no control
 *  bytes, Host for 1.1, then the blank line; each within its limit. On
 *  HTTP_HEAD_REFUSED sets *status (400, 414, 431 or 505) and writes an
 *  ASCII message to `why`. */
http_head_verdict http_head_check(const char *buf, size_t n, const http_head_limits *lim,
                                  unsigned *status, char *why, size_t why_size);

/** Writes the JSON error response {"error": why} with `status` to `fd`
 *  (non-blocking: what does not fit in the socket's buffer is dropped) and
 *  "Connection: close". */
void http_send_error(int fd, unsigned status, const char *why);

typedef struct http_gate http_gate;

typedef struct http_gate_opts {
    int listen_fd;         /* bound and listening; the gate closes it */
    unsigned slots;        /* connections waiting for their head at once */
    unsigned head_seconds; /* a head must be complete this long after the connection starts */
    http_head_limits limits;
    /* Whether the server can take one more connection; if not, the gate
     * answers 503. */
    bool (*has_room)(void *user);
    /* Gives the server a connection whose head is complete (the bytes are
     * still unread); the server owns `fd` from then on. */
    void (*admit)(void *user, int fd, const struct sockaddr *addr, socklen_t len);
    void *user;
} http_gate_opts;

/** Starts the gate's thread. Returns 0, or TALLY_EIO with `err` set (the
 *  listening socket is then closed). */
int http_gate_start(const http_gate_opts *o, http_gate **out, tally_err *err) TALLY_MUST_CHECK;
/** Stops the thread, closes every connection it holds and the listening
 *  socket, and frees the gate; accepts NULL. */
void http_gate_stop(http_gate *g);

#endif
