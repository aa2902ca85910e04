/* tally: the gate in front of the HTTP server; see http_gate.h for why.
 *
 * One thread, one epoll set: the listening socket, a wake-up eventfd and
 * the connections still sending their head. A connection sits in a slot of
 * a fixed table, on one of two lists in the order it joined it:
 *   heads   waiting for a complete head; deadline: start + head_seconds
 *   drains  refused and answered, read and discarded until the client is
 *           done or DRAIN_MS pass (closing a socket with unread input
 *           resets it, and the client might lose the answer)
 * Both lists are in deadline order, so expiring is popping their fronts,
 * and the oldest head is the first one dropped when a slot is needed. The
 * bytes of a head are looked at with MSG_PEEK, never read: the server reads
 * them once the connection is handed on. Edge-triggered epoll reports each
 * arrival once, though the bytes stay queued.
 * Part of stage 5, present: includes the public headers of every stage up to
 * estimate (not the pipeline), and its own. */
#include "http_gate.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "tally/json.h"
#include "tally/mem.h"

/* ---- the head ------------------------------------------------------------- */

static bool is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static unsigned char lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

/* Whether bytes [a, b) of buf are `word`, any case (ASCII). */
static bool name_is(const char *buf, size_t a, size_t b, const char *word)
{
    size_t n = strlen(word);
    if (b - a != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower((unsigned char)buf[a + i]) != (unsigned char)word[i])
            return false;
    return true;
}

static http_head_verdict refuse(unsigned *status, unsigned code, char *why, size_t size,
                                const char *fmt, ...) TALLY_PRINTF(5, 6);

static http_head_verdict refuse(unsigned *status, unsigned code, char *why, size_t size,
                                const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, size, fmt, ap);
    va_end(ap);
    *status = code;
    return HTTP_HEAD_REFUSED;
}

/* The request line in [a, b) (without its line break; `complete` when the
 * break was seen). Sets *v11 for HTTP/1.1. */
static http_head_verdict request_line(const char *buf, size_t a, size_t b, bool complete,
                                      const http_head_limits *lim, bool *v11, unsigned *status,
                                      char *why, size_t size)
{
    size_t p = a;
    while (p < b && is_tchar((unsigned char)buf[p]))
        p++;
    if (p < b && (p == a || buf[p] != ' '))
        return refuse(status, 400, why, size, "a malformed request line");
    if (p == b)
        return complete ? refuse(status, 400, why, size, "a malformed request line")
                        : HTTP_HEAD_PARTIAL;
    size_t t = ++p;
    while (p < b && buf[p] > ' ' && buf[p] < 0x7f)
        p++;
    if (p - t > lim->target_max)
        return refuse(status, 414, why, size, "the URL is longer than %zu bytes", lim->target_max);
    const char *query = p > t ? memchr(buf + t, '?', p - t) : NULL;
    unsigned params = query != NULL;
    for (const char *q = query; q != NULL && q < buf + p; q++)
        params += *q == '&';
    if (params > lim->params_max)
        return refuse(status, 400, why, size, "the URL has more than %u parameters",
                      lim->params_max);
    if (p > t && buf[t] != '/')
        return refuse(status, 400, why, size,
                      "the request target must be a path starting with '/'");
    if (p < b && buf[p] != ' ')
        return refuse(status, 400, why, size,
                      "the URL holds a space, a control or a non-ASCII byte (percent-encode "
                      "it)");
    if (p == b)
        return complete ? refuse(status, 400, why, size, "no HTTP version") : HTTP_HEAD_PARTIAL;
    if (p == t)
        return refuse(status, 400, why, size, "no request target");
    /* the version: "HTTP/1.0" or "HTTP/1.1"; another HTTP/d.d is 505 */
    static const char proto[] = "HTTP/1.1";
    size_t v = p + 1, len = b - v;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[v + i];
        bool ok = i < 5    ? c == (unsigned char)proto[i]
                  : i == 6 ? c == '.'
                  : i < 8  ? c >= '0' && c <= '9'
                           : false;
        if (!ok)
            return refuse(status, 400, why, size, "a malformed HTTP version");
    }
    if (!complete)
        return HTTP_HEAD_PARTIAL;
    if (len != 8)
        return refuse(status, 400, why, size, "a malformed HTTP version");
    if (buf[v + 5] != '1' || (buf[v + 7] != '0' && buf[v + 7] != '1'))
        return refuse(status, 505, why, size, "only HTTP/1.0 and HTTP/1.1 are spoken");
    *v11 = buf[v + 7] == '1';
    return HTTP_HEAD_COMPLETE;
}

http_head_verdict http_head_check(const char *buf, size_t n, const http_head_limits *lim,
                                  unsigned *status, char *why, size_t why_size)
{
    size_t end = n < lim->head_max ? n : lim->head_max, p = 0;
    bool over = n > lim->head_max;
    /* empty lines before the request line are allowed (RFC 9112, 2.2) */
    while (p < end && (buf[p] == '\n' || (buf[p] == '\r' && p + 1 < end && buf[p + 1] == '\n')))
        p += buf[p] == '\r' ? 2 : 1;
    const char *nl = p < end ? memchr(buf + p, '\n', end - p) : NULL;
    size_t b = nl != NULL ? (size_t)(nl - buf) : end;
    bool v11 = false;
    /* the line without its CR; a CR last in a partial line may be its end */
    http_head_verdict r = request_line(buf, p, b > p && buf[b - 1] == '\r' ? b - 1 : b, nl != NULL,
                                       lim, &v11, status, why, why_size);
    if (r == HTTP_HEAD_REFUSED)
        return r;
    if (nl == NULL)
        return over ? refuse(status, 414, why, why_size,
                             "the request line is longer than %zu bytes", lim->head_max)
                    : HTTP_HEAD_PARTIAL;
    unsigned lines = 0, cookies = 0, hosts = 0;
    size_t cookie_bytes = 0;
    for (p = b + 1; p < end;) {
        nl = memchr(buf + p, '\n', end - p);
        if (nl == NULL)
            break;
        size_t a = p, e = (size_t)(nl - buf);
        p = e + 1;
        if (e > a && buf[e - 1] == '\r')
            e--;
        if (e == a) {
            if (v11 && hosts == 0)
                return refuse(status, 400, why, why_size,
                              "an HTTP/1.1 request needs a Host header");
            return HTTP_HEAD_COMPLETE;
        }
        if (++lines > lim->lines_max)
            return refuse(status, 431, why, why_size, "more than %zu header lines",
                          (size_t)lim->lines_max);
        size_t c = a;
        while (c < e && is_tchar((unsigned char)buf[c]))
            c++;
        if (c == a || c == e || buf[c] != ':')
            return refuse(status, 400, why, why_size,
                          "a malformed header line (not 'name: value')");
        for (size_t i = c + 1; i < e; i++) {
            unsigned char ch = (unsigned char)buf[i];
            if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
                return refuse(status, 400, why, why_size, "a header holds a control byte");
        }
        if (name_is(buf, a, c, "host") && ++hosts > 1)
            return refuse(status, 400, why, why_size, "more than one Host header");
        if (name_is(buf, a, c, "cookie")) {
            cookies++;
            for (size_t i = c + 1; i < e; i++)
                cookies += buf[i] == ';' || buf[i] == ',';
            cookie_bytes += e - c - 1;
            if (cookies > lim->cookies_max)
                return refuse(status, 431, why, why_size, "more than %zu cookies",
                              (size_t)lim->cookies_max);
            if (cookie_bytes > lim->cookie_bytes_max)
                return refuse(status, 431, why, why_size, "cookies longer than %zu bytes",
                              lim->cookie_bytes_max);
        }
    }
    return over ? refuse(status, 431, why, why_size, "the request head is larger than %zu bytes",
                         lim->head_max)
                : HTTP_HEAD_PARTIAL;
}

void http_send_error(int fd, unsigned status, const char *why)
{
    tally_buf body;
    tally_buf_init(&body, 1024);
    tally_json_raw(&body, "{\"error\":");
    tally_json_str(&body, why, strlen(why));
    tally_json_raw(&body, "}");
    char head[512];
    const char *reason = MHD_get_reason_phrase_for(status);
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %u %s\r\nContent-Type: application/json\r\n"
                     "Content-Length: %zu\r\nCache-Control: no-store\r\n"
                     "X-Content-Type-Options: nosniff\r\n%sConnection: close\r\n\r\n",
                     status, reason != NULL ? reason : "", body.len,
                     status == 503 ? "Retry-After: 1\r\n" : "");
    if (n > 0 && (size_t)n < sizeof head &&
        send(fd, head, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) == n)
        (void)!send(fd, body.ptr, body.len, MSG_NOSIGNAL | MSG_DONTWAIT);
    tally_buf_free(&body);
}

/* ---- the gate --------------------------------------------------------------- */

/* no slot (list ends); the epoll data of the listening socket and of the
 * wake-up eventfd (a slot's is its index) */
static const unsigned NONE = UINT_MAX;
static const uint32_t EV_LISTEN = UINT32_MAX - 1, EV_WAKE = UINT32_MAX;

enum {
    DRAIN_MS = 2000, /* how long an answered client may still send */
    PAUSE_MS = 100,  /* accepting again after running out of descriptors */
    EVENTS = 64
};

typedef enum { FREE, HEAD, DRAIN } slot_state;

typedef struct slot {
    int fd;
    slot_state state;
    int64_t deadline; /* ms of CLOCK_MONOTONIC */
    unsigned prev, next;
    socklen_t len;
    struct sockaddr_storage addr;
} slot;

typedef struct list {
    unsigned first, last;
} list;

struct http_gate {
    http_gate_opts o;
    int ep, wake;
    pthread_t thread;
    slot *s;
    list heads, drains, free;
    char *buf; /* head_max + 1 bytes: what MSG_PEEK shows, and input thrown away */
    bool paused;
    int64_t resume; /* when accepting starts again */
};

static int64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static list *list_of(http_gate *g, slot_state st)
{
    return st == HEAD ? &g->heads : st == DRAIN ? &g->drains : &g->free;
}

static void unlink_slot(http_gate *g, unsigned i)
{
    slot *x = &g->s[i];
    list *l = list_of(g, x->state);
    if (x->prev != NONE)
        g->s[x->prev].next = x->next;
    else
        l->first = x->next;
    if (x->next != NONE)
        g->s[x->next].prev = x->prev;
    else
        l->last = x->prev;
}

static void link_slot(http_gate *g, unsigned i, slot_state st)
{
    slot *x = &g->s[i];
    list *l = list_of(g, st);
    x->state = st;
    x->prev = l->last;
    x->next = NONE;
    if (l->last != NONE)
        g->s[l->last].next = i;
    else
        l->first = i;
    l->last = i;
}

static void move_slot(http_gate *g, unsigned i, slot_state st)
{
    unlink_slot(g, i);
    link_slot(g, i, st);
}

/* Closes slot i's connection (close() also takes it out of the epoll set). */
static void drop(http_gate *g, unsigned i)
{
    close(g->s[i].fd);
    g->s[i].fd = -1;
    move_slot(g, i, FREE);
}

/* Reads and discards what the client has sent; false once it is gone. */
static bool discard_input(http_gate *g, int fd)
{
    for (;;) {
        ssize_t n = recv(fd, g->buf, g->o.limits.head_max + 1, MSG_DONTWAIT);
        if (n > 0)
            continue;
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR);
    }
}

/* Answers slot i with a JSON error. `linger`: keep reading for a while so
 * that the answer is not lost to a reset (a client still sending a large
 * head); else close now (a slow client, whose input has been read). */
static void answer(http_gate *g, unsigned i, unsigned status, const char *why, bool linger)
{
    slot *x = &g->s[i];
    bool alive = discard_input(g, x->fd);
    http_send_error(x->fd, status, why);
    shutdown(x->fd, SHUT_WR);
    if (!linger || !alive) {
        drop(g, i);
        return;
    }
    x->deadline = now_ms() + DRAIN_MS;
    move_slot(g, i, DRAIN);
}

/* Whether two peers are the same host (the port aside). */
static bool same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
    if (a->ss_family != b->ss_family)
        return false;
    if (a->ss_family == AF_INET)
        return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
                      &((const struct sockaddr_in *)b)->sin_addr, sizeof(struct in_addr)) == 0;
    if (a->ss_family == AF_INET6)
        return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
                      &((const struct sockaddr_in6 *)b)->sin6_addr, sizeof(struct in6_addr)) == 0;
    return false;
}

/* Frees a slot for a new connection from `peer` (NULL: any): an answered
 * one first, else the head that has waited longest, from the same host
 * when it has one (a host that opens many connections only drops its own:
 * others are dropped only when older than all of its). False when there
 * is nothing to free. */
static bool make_room(http_gate *g, const struct sockaddr_storage *peer)
{
    if (g->drains.first != NONE) {
        drop(g, g->drains.first);
        return true;
    }
    unsigned victim = g->heads.first;
    for (unsigned i = victim; peer != NULL && i != NONE; i = g->s[i].next)
        if (same_host(&g->s[i].addr, peer)) {
            victim = i;
            break;
        }
    if (victim == NONE)
        return false;
    answer(g, victim, 503,
           "too many connections are sending their request; this one waited longest", false);
    return true;
}

/* Looks at what slot i's client has sent so far. */
static void look(http_gate *g, unsigned i, bool hangup)
{
    slot *x = &g->s[i];
    ssize_t n = recv(x->fd, g->buf, g->o.limits.head_max + 1, MSG_PEEK | MSG_DONTWAIT);
    if (n <= 0) {
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            drop(g, i);
        return;
    }
    unsigned status = 0;
    char why[160];
    switch (http_head_check(g->buf, (size_t)n, &g->o.limits, &status, why, sizeof why)) {
    case HTTP_HEAD_PARTIAL:
        if (hangup) /* it stopped sending half way */
            drop(g, i);
        return;
    case HTTP_HEAD_REFUSED:
        answer(g, i, status, why, true);
        return;
    case HTTP_HEAD_COMPLETE:
        break;
    }
    if (!g->o.has_room(g->o.user)) {
        answer(g, i, 503, "the server is busy (too many connections); try again", true);
        return;
    }
    epoll_ctl(g->ep, EPOLL_CTL_DEL, x->fd, NULL);
    int fd = x->fd;
    x->fd = -1;
    move_slot(g, i, FREE);
    g->o.admit(g->o.user, fd, (const struct sockaddr *)&x->addr, x->len);
}

static void accept_all(http_gate *g)
{
    for (;;) {
        struct sockaddr_storage addr;
        socklen_t len = sizeof addr;
        int fd = accept(g->o.listen_fd, (struct sockaddr *)&addr, &len);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return;
            /* out of descriptors or memory: make room, else wait a little */
            if ((errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) &&
                make_room(g, NULL))
                continue;
            epoll_ctl(g->ep, EPOLL_CTL_DEL, g->o.listen_fd, NULL);
            g->paused = true;
            g->resume = now_ms() + PAUSE_MS;
            return;
        }
        int fl = fcntl(fd, F_GETFL);
        if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0 ||
            fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
            close(fd);
            continue;
        }
        if (g->free.first == NONE)
            make_room(g, &addr);
        unsigned i = g->free.first;
        slot *x = &g->s[i];
        x->fd = fd;
        x->len = len;
        memcpy(&x->addr, &addr, sizeof addr);
        x->deadline = now_ms() + (int64_t)g->o.head_seconds * 1000;
        move_slot(g, i, HEAD);
        struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP | EPOLLET, .data.u32 = i};
        if (epoll_ctl(g->ep, EPOLL_CTL_ADD, fd, &ev) != 0)
            drop(g, i);
        else /* a client usually sends its request at once: see it before
                accepting more, which could push it out */
            look(g, i, false);
    }
}

/* Answers heads past their deadline; closes drains past theirs. Returns
 * the ms until the next deadline, or -1 for none. */
static int expire(http_gate *g)
{
    int64_t now = now_ms(), next = -1;
    while (g->heads.first != NONE && g->s[g->heads.first].deadline <= now) {
        char why[96];
        snprintf(why, sizeof why, "the request head was not complete within %u s",
                 g->o.head_seconds);
        answer(g, g->heads.first, 408, why, false);
    }
    while (g->drains.first != NONE && g->s[g->drains.first].deadline <= now)
        drop(g, g->drains.first);
    if (g->paused && g->resume <= now) {
        struct epoll_event ev = {.events = EPOLLIN, .data.u32 = EV_LISTEN};
        g->paused = epoll_ctl(g->ep, EPOLL_CTL_ADD, g->o.listen_fd, &ev) != 0;
        g->resume = now + PAUSE_MS;
    }
    const list *ls[] = {&g->heads, &g->drains};
    for (size_t k = 0; k < 2; k++)
        if (ls[k]->first != NONE && (next < 0 || g->s[ls[k]->first].deadline < next))
            next = g->s[ls[k]->first].deadline;
    if (g->paused && (next < 0 || g->resume < next))
        next = g->resume;
    if (next < 0)
        return -1;
    int64_t wait = next - now;
    return wait <= 0 ? 0 : wait > INT_MAX ? INT_MAX : (int)wait;
}

static void *run(void *arg)
{
    http_gate *g = arg;
    struct epoll_event ev[EVENTS];
    for (;;) {
        int timeout = expire(g);
        int n = epoll_wait(g->ep, ev, EVENTS, timeout);
        if (n < 0 && errno != EINTR)
            break;
        for (int k = 0; k < n; k++) {
            uint32_t i = ev[k].data.u32;
            if (i == EV_WAKE)
                return NULL;
            if (i == EV_LISTEN) {
                accept_all(g);
                continue;
            }
            bool hangup = (ev[k].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0;
            if (g->s[i].state == HEAD)
                look(g, i, hangup);
            else if (g->s[i].state == DRAIN && (!discard_input(g, g->s[i].fd) || hangup))
                drop(g, i);
        }
    }
    return NULL;
}

int http_gate_start(const http_gate_opts *o, http_gate **out, tally_err *err)
{
    *out = NULL;
    http_gate *g = tally_xcalloc(1, sizeof *g);
    g->o = *o;
    g->ep = epoll_create1(EPOLL_CLOEXEC);
    g->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    g->s = tally_xcalloc(o->slots, sizeof *g->s);
    g->buf = tally_xmalloc(o->limits.head_max + 1);
    g->heads = g->drains = g->free = (list){NONE, NONE};
    for (unsigned i = 0; i < o->slots; i++) {
        g->s[i].fd = -1;
        link_slot(g, i, FREE);
    }
    struct epoll_event lev = {.events = EPOLLIN, .data.u32 = EV_LISTEN};
    struct epoll_event wev = {.events = EPOLLIN, .data.u32 = EV_WAKE};
    int rc = 0;
    if (o->slots == 0 || g->ep < 0 || g->wake < 0 ||
        epoll_ctl(g->ep, EPOLL_CTL_ADD, o->listen_fd, &lev) != 0 ||
        epoll_ctl(g->ep, EPOLL_CTL_ADD, g->wake, &wev) != 0)
        rc = tally_err_set(err, TALLY_EIO, "cannot wait for connections: %s", strerror(errno));
    else if ((errno = pthread_create(&g->thread, NULL, run, g)) != 0)
        rc = tally_err_set(err, TALLY_EIO, "cannot start a thread: %s", strerror(errno));
    if (rc != 0) {
        close(g->ep);
        close(g->wake);
        close(o->listen_fd);
        free(g->s);
        free(g->buf);
        free(g);
        return rc;
    }
    *out = g;
    return 0;
}

void http_gate_stop(http_gate *g)
{
    if (g == NULL)
        return;
    uint64_t one = 1;
    (void)!write(g->wake, &one, sizeof one);
    pthread_join(g->thread, NULL);
    for (unsigned i = 0; i < g->o.slots; i++)
        if (g->s[i].fd >= 0)
            close(g->s[i].fd);
    close(g->o.listen_fd);
    close(g->ep);
    close(g->wake);
    free(g->s);
    free(g->buf);
    free(g);
}
