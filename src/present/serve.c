/* tally: the dashboard and its JSON API over HTTP (libmicrohttpd). Every
 * response is made of the writers of tally/present.h, so the API's objects
 * are the command line's. Every value from a request is checked against
 * what it may be (a state, an item, a date, a number in range) before use,
 * and reaches SQL only as a bound parameter (src/store/query.c).
 *
 * Connections are accepted by the gate (http_gate.h), which hands one to
 * libmicrohttpd only once its request head is complete and sound. A
 * request is answered by answer() from its method and target alone (the
 * target as sent, decoded here, not by libmicrohttpd), which
 * tally_serve_answer offers without a socket.
 * Part of stage 5, present: includes the public headers of every stage up to
 * estimate (not the pipeline), and its own. */
#include "tally/serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http_gate.h"
#include "tally/estimate.h"
#include "tally/field.h"
#include "tally/json.h"
#include "tally/mem.h"
#include "tally/number.h"
#include "tally/present.h"
#include "tally/store.h"
#include "tally/when.h"

/* The dashboard's files, compiled in by cmake/embed.cmake. */
extern const unsigned char tally_web_index_html[], tally_web_app_js[], tally_web_style_css[];
extern const size_t tally_web_index_html_len, tally_web_app_js_len, tally_web_style_css_len;

enum {
    MAX_URL = 2048,           /* path and query together: longer is 414 */
    MAX_PARAMS = 16,          /* query parameters */
    MAX_VALUE = 256,          /* one parameter's value */
    MAX_LIMIT = 1000,         /* claims a page */
    DEFAULT_LIMIT = 50,       /* ... when not asked */
    MAX_OFFSET = 1000000,     /* paging deeper than this: use filters */
    MAX_RESULT = 16 << 20,    /* a response's JSON; larger is refused */
    DRAWS = 0,                /* Monte Carlo draws as tally estimate's default: as many as needed */
    CACHE_ENTRIES = 512,      /* responses kept */
    CONNECTIONS = 512,        /* requests being answered at once (complete heads) */
    HEAD_SLOTS = 256,         /* connections still sending their head, apart */
    HEAD_SECONDS = 10,        /* a whole head within this, however it trickles */
    HEAD_MAX = 8192,          /* bytes of a request head */
    HEAD_PARAMS = 64,         /* pieces of its query, before the server's own limit */
    HEAD_LINES = 40,          /* header lines */
    HEAD_COOKIES = 32,        /* cookies (sent for the host whatever the port) ... */
    HEAD_COOKIE_BYTES = 4096, /* ... and their bytes */
    /* libmicrohttpd's memory per connection: 32 KB at most is malloc'd
     * (more is mmap'd, and unmapping it a connection cost ~5x the requests
     * a second here); half of it reads the head, the other half holds the
     * records of at most 64 + 40 + 32 fields of 56 bytes, the Cookie copy
     * and the reply's head */
    CONNECTION_MEMORY = 32768,
    CONNECTION_TIMEOUT = 15, /* seconds idle before a connection is closed */
    MAX_THREADS = 64
};

/* ---- the cache ----------------------------------------------------------- */

typedef struct cache_entry {
    char *key;
    char *body;
    size_t len;
    unsigned status;
    uint64_t used; /* when it was last used: the least recent goes first */
} cache_entry;

/* A thread's own database connection. */
typedef struct worker {
    tally_server *srv;
    tally_store *store;
    int64_t version; /* its database's data version when it last looked */
} worker;

struct tally_server {
    struct MHD_Daemon *d;
    http_gate *gate;
    atomic_uint connections; /* handed to libmicrohttpd and not closed yet */
    char *db;
    char *db_name; /* as messages name it (a server's without its password) */
    tally_model model;
    tally_prices prices; /* data/prices.tsv and data/cpi.tsv, for /api/rank */
    unsigned port;
    pthread_mutex_t lock; /* the workers' list and the cache */
    worker **workers;
    size_t n_workers, cap_workers;
    /* The cache holds results of one state of the database: its
     * generation is raised, and the cache emptied, when a worker sees the
     * database's data version change (another process committed); a result
     * computed under an older generation is not kept. */
    cache_entry cache[CACHE_ENTRIES];
    size_t n_cache, cache_bytes, cache_max;
    uint64_t tick, generation;
};

/* Each thread's connection, opened when it first answers a request. */
static _Thread_local worker *this_worker;

static bool cache_get(tally_server *srv, const char *key, tally_buf *out, unsigned *status)
{
    bool hit = false;
    pthread_mutex_lock(&srv->lock);
    for (size_t i = 0; i < srv->n_cache; i++) {
        cache_entry *e = &srv->cache[i];
        if (strcmp(e->key, key) == 0) {
            e->used = ++srv->tick;
            tally_buf_clear(out);
            hit = tally_buf_append(out, e->body, e->len) == 0;
            *status = e->status;
            break;
        }
    }
    pthread_mutex_unlock(&srv->lock);
    return hit;
}

static void cache_drop(tally_server *srv, size_t i)
{
    cache_entry *e = &srv->cache[i];
    srv->cache_bytes -= e->len + strlen(e->key);
    free(e->key);
    free(e->body);
    *e = srv->cache[--srv->n_cache];
}

static void cache_put(tally_server *srv, const char *key, const tally_buf *b, unsigned status,
                      uint64_t generation)
{
    size_t size = b->len + strlen(key);
    if (size > srv->cache_max / 4)
        return;
    pthread_mutex_lock(&srv->lock);
    if (generation != srv->generation) { /* computed from an older state */
        pthread_mutex_unlock(&srv->lock);
        return;
    }
    for (size_t i = 0; i < srv->n_cache; i++)
        if (strcmp(srv->cache[i].key, key) == 0) { /* another thread was first */
            pthread_mutex_unlock(&srv->lock);
            return;
        }
    while (srv->n_cache > 0 &&
           (srv->n_cache == CACHE_ENTRIES || srv->cache_bytes + size > srv->cache_max)) {
        size_t oldest = 0;
        for (size_t i = 1; i < srv->n_cache; i++)
            if (srv->cache[i].used < srv->cache[oldest].used)
                oldest = i;
        cache_drop(srv, oldest);
    }
    cache_entry *e = &srv->cache[srv->n_cache++];
    e->key = tally_xstrdup(key);
    e->body = tally_xmalloc(b->len + 1);
    memcpy(e->body, b->ptr != NULL ? b->ptr : "", b->len);
    e->len = b->len;
    e->status = status;
    e->used = ++srv->tick;
    srv->cache_bytes += size;
    pthread_mutex_unlock(&srv->lock);
}

/* ---- the thread's database -------------------------------------------------- */

/* Empties the cache and raises its generation (the lock is held). */
static void cache_invalidate(tally_server *srv)
{
    while (srv->n_cache > 0)
        cache_drop(srv, 0);
    srv->generation++;
}

static worker *thread_worker(tally_server *srv, tally_err *err)
{
    if (this_worker != NULL && this_worker->srv == srv)
        return this_worker;
    tally_store *s;
    int64_t version = 0;
    if (tally_store_open(srv->db, TALLY_STORE_READ, &s, err) != 0)
        return NULL;
    if (tally_store_data_version(s, &version, err) != 0) {
        tally_store_close(s);
        return NULL;
    }
    worker *w = tally_xmalloc(sizeof *w);
    *w = (worker){srv, s, version};
    pthread_mutex_lock(&srv->lock);
    if (srv->n_workers == srv->cap_workers) {
        srv->cap_workers = srv->cap_workers ? 2 * srv->cap_workers : 8;
        srv->workers = tally_xrealloc(srv->workers, srv->cap_workers * sizeof *srv->workers);
    }
    srv->workers[srv->n_workers++] = w;
    /* what the cache holds may predate the state this connection starts
     * from, and no later change would show as one to it */
    cache_invalidate(srv);
    pthread_mutex_unlock(&srv->lock);
    this_worker = w;
    return w;
}

/* The cache's generation for a request on w's connection: a change of its
 * data version since it last looked (a commit by another connection, seen
 * by the first request after it on any thread) empties the cache first. So
 * no cached result is older than the database at the request's start. */
static uint64_t cache_generation(tally_server *srv, worker *w)
{
    int64_t version = 0;
    tally_err err = {0};
    bool changed = tally_store_data_version(w->store, &version, &err) != 0 || version != w->version;
    w->version = version;
    pthread_mutex_lock(&srv->lock);
    if (changed)
        cache_invalidate(srv);
    uint64_t generation = srv->generation;
    pthread_mutex_unlock(&srv->lock);
    return generation;
}

/* ---- one request ---------------------------------------------------------- */

typedef struct param {
    const char *name, *value;
    bool used;
} param;

typedef struct request {
    tally_server *srv;
    char *target;     /* a copy of the target, decoded in place */
    const char *path; /* its path, decoded */
    param p[MAX_PARAMS];
    size_t n;
    tally_buf out;      /* the body */
    unsigned status;    /* its HTTP status */
    const char *type;   /* its Content-Type */
    bool cache_control; /* API: no-store; assets: no-cache */
} request;

/* Appends `s` for a message: printable ASCII kept, the rest '?', at most 40. */
static void quote_value(char *out, size_t size, const char *s)
{
    size_t k = 0;
    for (; *s != '\0' && k + 4 < size && k < 40; s++)
        out[k++] = (*s >= 0x20 && *s < 0x7f && *s != '"' && *s != '\\') ? *s : '?';
    if (*s != '\0' && k + 4 < size)
        out[k++] = '.', out[k++] = '.', out[k++] = '.';
    out[k] = '\0';
}

/* Sets an error response: {"error":"..."} (the message is ASCII). */
static unsigned fail(request *r, unsigned status, const char *fmt, ...) TALLY_PRINTF(3, 4);

static unsigned fail(request *r, unsigned status, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    tally_buf_clear(&r->out);
    tally_json_raw(&r->out, "{\"error\":");
    tally_json_str(&r->out, msg, strlen(msg));
    tally_json_raw(&r->out, "}");
    r->status = status;
    return status;
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* Decodes the percent-escapes of `s` in place, and '+' as a space when
 * `form` (a query); strict: a malformed escape is -1, %00 is -2, else 0. */
static int unescape(char *s, bool form)
{
    char *o = s;
    for (const char *p = s; *p != '\0'; p++) {
        if (*p != '%') {
            *o++ = form && *p == '+' ? ' ' : *p;
            continue;
        }
        int hi = hex_digit(p[1]), lo = hi < 0 ? -1 : hex_digit(p[2]);
        if (lo < 0)
            return -1;
        if (hi == 0 && lo == 0)
            return -2;
        *o++ = (char)(hi * 16 + lo);
        p += 2;
    }
    *o = '\0';
    return 0;
}

/* Splits the request target (as sent) into its decoded path and
 * parameters. A parameter without '=' or without a name, one given twice
 * (blank or not), %00 or a malformed escape anywhere: 400; a blank value
 * ("item=", a form's empty field) is kept but filters nothing (see arg());
 * empty pieces ("?&a=1") are no parameters. False with the response set
 * when the target is refused. */
static bool parse_target(request *r, const char *target)
{
    char q[48];
    if (strlen(target) > MAX_URL) {
        fail(r, MHD_HTTP_URI_TOO_LONG, "the URL is longer than %d bytes", MAX_URL);
        return false;
    }
    if (target[0] != '/') {
        fail(r, MHD_HTTP_BAD_REQUEST, "the request target must be a path starting with '/'");
        return false;
    }
    r->target = tally_xstrdup(target);
    char *query = strchr(r->target, '?');
    if (query != NULL)
        *query++ = '\0';
    int rc = unescape(r->target, false);
    if (rc != 0) {
        fail(r, MHD_HTTP_BAD_REQUEST, "the path holds %s",
             rc == -2 ? "a NUL byte (%00)" : "a malformed percent-escape");
        return false;
    }
    r->path = r->target;
    for (char *next = query; next != NULL;) {
        char *name = next, *amp = strchr(next, '&');
        next = amp != NULL ? amp + 1 : NULL;
        if (amp != NULL)
            *amp = '\0';
        if (*name == '\0')
            continue;
        char *value = strchr(name, '=');
        quote_value(q, sizeof q, value != NULL ? value + 1 : name);
        if (value == NULL) {
            fail(r, MHD_HTTP_BAD_REQUEST, "parameter '%s' has no value (name=value)", q);
            return false;
        }
        if (value == name) {
            fail(r, MHD_HTTP_BAD_REQUEST, "a parameter without a name ('=%s')", q);
            return false;
        }
        *value++ = '\0';
        rc = unescape(name, true);
        quote_value(q, sizeof q, name);
        if (rc == 0)
            rc = unescape(value, true);
        if (rc != 0) {
            fail(r, MHD_HTTP_BAD_REQUEST, "parameter '%s' holds %s", q,
                 rc == -2 ? "a NUL byte (%00)" : "a malformed percent-escape");
            return false;
        }
        if (strlen(value) > MAX_VALUE) {
            fail(r, MHD_HTTP_BAD_REQUEST, "parameter '%s' is longer than %d bytes", q, MAX_VALUE);
            return false;
        }
        for (size_t i = 0; i < r->n; i++)
            if (strcmp(r->p[i].name, name) == 0) {
                fail(r, MHD_HTTP_BAD_REQUEST, "parameter '%s' given twice", q);
                return false;
            }
        if (r->n == MAX_PARAMS) {
            fail(r, MHD_HTTP_BAD_REQUEST, "too many parameters (at most %d)", MAX_PARAMS);
            return false;
        }
        r->p[r->n++] = (param){name, value, false};
    }
    return true;
}

/* The value of parameter `name`, or NULL when absent or blank (a blank
 * form field is no filter); marks it used. */
static const char *arg(request *r, const char *name)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->p[i].name, name) == 0) {
            r->p[i].used = true;
            return r->p[i].value[0] != '\0' ? r->p[i].value : NULL;
        }
    return NULL;
}

/* 400 for a parameter the endpoint does not take (call after reading all). */
static bool unknown_params(request *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (!r->p[i].used) {
            char q[48];
            quote_value(q, sizeof q, r->p[i].name);
            fail(r, MHD_HTTP_BAD_REQUEST, "unknown parameter '%s'", q);
            return true;
        }
    return false;
}

/* A date parameter: NULL when absent; sets a 400 when malformed. */
static bool date_arg(request *r, const char *name, const char **out, tally_date *d)
{
    *out = arg(r, name);
    if (*out == NULL)
        return true;
    tally_date tmp;
    if (tally_date_parse(*out, strlen(*out), d != NULL ? d : &tmp) != 0) {
        char q[48];
        quote_value(q, sizeof q, *out);
        fail(r, MHD_HTTP_BAD_REQUEST, "%s: '%s' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)", name,
             q);
        return false;
    }
    return true;
}

static bool state_arg(request *r, const char *name, char code[4], const char **out)
{
    const char *v = arg(r, name);
    *out = NULL;
    if (v == NULL)
        return true;
    *out = tally_present_state_code(v, code);
    if (*out == NULL) {
        char q[48];
        quote_value(q, sizeof q, v);
        fail(r, MHD_HTTP_BAD_REQUEST, "%s: unknown state '%s' (alpha-3 such as PRK, or a name)",
             name, q);
        return false;
    }
    return true;
}

static bool number_arg(request *r, const char *name, long lo, long hi, long *out)
{
    const char *v = arg(r, name);
    if (v == NULL)
        return true;
    long n = 0;
    size_t i = 0;
    for (; v[i] >= '0' && v[i] <= '9' && n <= hi; i++)
        n = n * 10 + (v[i] - '0');
    if (i == 0 || v[i] != '\0' || n < lo || n > hi) {
        char q[48];
        quote_value(q, sizeof q, v);
        fail(r, MHD_HTTP_BAD_REQUEST, "%s: '%s' is not a number from %ld to %ld", name, q, lo, hi);
        return false;
    }
    *out = n;
    return true;
}

/* The filters of /api/claims and /api/clusters; a canonical form of them
 * is appended to `key` (for the cache). */
typedef struct filters {
    tally_claim_filter f;
    char supplier[4], recipient[4];
} filters;

static bool filter_args(request *r, filters *fl, tally_buf *key)
{
    tally_claim_filter *f = &fl->f;
    memset(fl, 0, sizeof *fl);
    if (!state_arg(r, "supplier", fl->supplier, &f->supplier) ||
        !state_arg(r, "recipient", fl->recipient, &f->recipient))
        return false;
    f->item = arg(r, "item");
    if (f->item != NULL && tally_item_parse(f->item) < 0) {
        char q[48];
        quote_value(q, sizeof q, f->item);
        fail(r, MHD_HTTP_BAD_REQUEST, "item: unknown item '%s' (an item of CLAIMS.md)", q);
        return false;
    }
    f->kind = arg(r, "kind");
    if (f->kind != NULL && tally_kind_parse(f->kind) < 0) {
        char q[48];
        quote_value(q, sizeof q, f->kind);
        fail(r, MHD_HTTP_BAD_REQUEST, "kind: unknown kind '%s' (a kind of CLAIMS.md)", q);
        return false;
    }
    f->unit = arg(r, "unit");
    tally_claim probe;
    if (f->unit != NULL && tally_unit_parse(f->unit, &probe) != 0) {
        char q[48];
        quote_value(q, sizeof q, f->unit);
        fail(r, MHD_HTTP_BAD_REQUEST,
             "unit: unknown unit '%s' (a unit of CLAIMS.md or an ISO 4217 currency)", q);
        return false;
    }
    f->source = arg(r, "source");
    f->doc = arg(r, "doc");
    if (!date_arg(r, "since", &f->since, NULL) || !date_arg(r, "until", &f->until, NULL) ||
        !date_arg(r, "known_by", &f->known_by, NULL))
        return false;
    const char *v[] = {f->supplier, f->recipient, f->item,  f->kind,  f->unit,
                       f->source,   f->doc,       f->since, f->until, f->known_by};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        tally_json_raw(key, "\x1f");
        tally_json_raw(key, v[i] != NULL ? v[i] : "");
    }
    return true;
}

/* ---- JSON arrays of the writers ------------------------------------------------ */

/* Separates the objects of an array; false once the result is too large. */
static bool next_object(tally_buf *b, bool *first)
{
    if (b->len > MAX_RESULT)
        return false;
    if (!*first)
        tally_json_raw(b, ",");
    *first = false;
    return true;
}

static unsigned too_large(request *r)
{
    return fail(r, MHD_HTTP_CONTENT_TOO_LARGE,
                "the result is larger than %d MB: narrow it with filters", MAX_RESULT >> 20);
}

typedef struct array {
    tally_buf *b;
    bool first, full;
    const tally_obs *obs;
    size_t count, limit; /* claims: how many written, and at most */
    bool more;           /* claims: one more was there */
} array;

/* Opens the array's next element: false when the page is complete (a->more,
 * with a limit) or the result is too large (a->full). */
static bool array_next(array *a)
{
    if (a->limit != 0 && a->count == a->limit) {
        a->more = true;
        return false;
    }
    if (a->full || !next_object(a->b, &a->first)) {
        a->full = true;
        return false;
    }
    a->count++;
    return true;
}

/* A claim's object, left open, with its source's grade as the estimate
 * weighs it (the dashboard's grade column). */
static void claim_with_grade(tally_buf *b, const tally_model *m, const tally_claim_row *row)
{
    tally_present_claim_json(b, TALLY_IN_ROW, row, true);
    char g[2] = {tally_obs_row_grade(m, row), 0};
    tally_json_raw(b, ",\"grade\":");
    tally_json_str(b, g, 1);
}

typedef struct claims_out {
    array a;
    const tally_model *m;
} claims_out;

static int put_claim(const tally_claim_row *row, void *user)
{
    claims_out *o = user;
    if (!array_next(&o->a))
        return 1;
    claim_with_grade(o->a.b, o->m, row);
    tally_json_raw(o->a.b, "}");
    return 0;
}

static int put_source(const tally_source_row *row, void *user)
{
    array *a = user;
    if (!array_next(a))
        return 1;
    tally_present_source(a->b, row);
    return 0;
}

typedef struct contra_out {
    array a;
    tally_contra_ctx cx;
} contra_out;

static void put_contradiction(const tally_contradiction *x, void *user)
{
    contra_out *o = user;
    if (array_next(&o->a))
        tally_present_contradiction(o->a.b, &o->cx, x);
}

typedef struct flows_out {
    array a;
    bool estimate;
} flows_out;

static void put_flow(const tally_flow *fl, void *user)
{
    flows_out *o = user;
    if (fl->rc != 0)
        return; /* a series that cannot be estimated is left out, as --all warns */
    if (array_next(&o->a))
        tally_present_flow(o->a.b, fl, o->estimate);
}

/* ---- endpoints ---------------------------------------------------------------- */

/* The one error policy: a parameter that cannot match is the request's
 * fault (400), "no such thing" is TALLY_ENOTFOUND (404), and everything
 * else (the database, bad data in it) is the server's (500); each with the
 * message as JSON. */
static unsigned store_error(request *r, int rc, const tally_err *err)
{
    if (rc == TALLY_EUSAGE)
        return fail(r, MHD_HTTP_BAD_REQUEST, "%s", err->msg);
    if (rc == TALLY_ENOTFOUND)
        return fail(r, MHD_HTTP_NOT_FOUND, "%s", err->msg);
    return fail(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "%s%s",
                rc == TALLY_ESTORE ? "the database failed: " : "", err->msg);
}

/* The view of `f` (NULL: every claim); with `item` (a bit; 0: all), only
 * what a series of it in `unit` (NULL: its default) needs
 * (tally_view_load_series). */
static bool load_view(request *r, tally_store *s, const tally_claim_filter *f, uint32_t item,
                      const char *unit, tally_view *v)
{
    tally_err err = {0};
    int rc = item != 0 ? tally_view_load_series(v, s, &r->srv->model, f, item, unit, &err)
                       : tally_view_load(v, s, &r->srv->model, f, &err);
    if (rc != 0) {
        store_error(r, rc, &err);
        return false;
    }
    return true;
}

/* A page's head: {"offset":N,"limit":N,"NAME":[ */
static void page_open(tally_buf *b, long offset, long limit, const char *name)
{
    tally_buf_clear(b);
    tally_json_raw(b, "{\"offset\":");
    tally_json_uint(b, (size_t)offset);
    tally_json_raw(b, ",\"limit\":");
    tally_json_uint(b, (size_t)limit);
    tally_json_raw(b, ",\"");
    tally_json_raw(b, name);
    tally_json_raw(b, "\":[");
}

/* A page's end, once the store's walk returned `rc`: ],"more":BOOL} */
static unsigned page_close(request *r, int rc, const tally_err *err, const array *a)
{
    if (rc < 0)
        return store_error(r, rc, err);
    if (a->full)
        return too_large(r);
    tally_json_raw(a->b, a->more ? "],\"more\":true}" : "],\"more\":false}");
    return r->status = MHD_HTTP_OK;
}

/* GET /api/claims: a page of claims. */
static unsigned api_claims(request *r, tally_store *s)
{
    filters fl;
    tally_buf key;
    tally_buf_init(&key, 4096);
    long offset = 0, limit = DEFAULT_LIMIT;
    bool ok = filter_args(r, &fl, &key) && number_arg(r, "offset", 0, MAX_OFFSET, &offset) &&
              number_arg(r, "limit", 1, MAX_LIMIT, &limit) && !unknown_params(r);
    tally_buf_free(&key);
    if (!ok)
        return r->status;
    fl.f.offset = offset;
    fl.f.limit = limit + 1; /* one more tells whether there are more */
    tally_buf *b = &r->out;
    page_open(b, offset, limit, "claims");
    claims_out o = {{b, true, false, NULL, 0, (size_t)limit, false}, &r->srv->model};
    tally_err err = {0};
    int rc = tally_store_claims(s, &fl.f, put_claim, &o, &err);
    return page_close(r, rc, &err, &o.a);
}

/* One claim (or event), its object left open, and where its sentence is. */
typedef struct one_claim {
    tally_buf *b;
    const tally_model *m; /* a claim's grade; NULL for an event */
    bool found, has_sentence;
    int64_t doc_id;
    size_t start, end;
} one_claim;

static int put_one(const tally_claim_row *row, void *user)
{
    one_claim *o = user;
    o->found = true;
    o->doc_id = row->doc_id;
    o->has_sentence = row->sentence != NULL;
    o->start = row->claim.sentence_start;
    o->end = row->claim.sentence_end;
    claim_with_grade(o->b, o->m, row);
    return 1;
}

/* The id of a path's last segment (/api/claims/ID, /api/events/ID): false
 * with a 400 when it is not a positive number. */
static bool path_id(request *r, const char *id_text, const char *what, int64_t *id)
{
    if (unknown_params(r))
        return false;
    *id = 0;
    size_t i = 0;
    for (; id_text[i] >= '0' && id_text[i] <= '9' && i < 18; i++)
        *id = *id * 10 + (id_text[i] - '0');
    if (i == 0 || id_text[i] != '\0' || *id == 0) {
        char q[48];
        quote_value(q, sizeof q, id_text);
        fail(r, MHD_HTTP_BAD_REQUEST, "'%s' is not %s id (a positive number)", q, what);
        return false;
    }
    return true;
}

/* Closes the object of one claim or event (o->b, left open) with the
 * paragraph of its sentence and where the sentence lies in it. */
static unsigned with_paragraph(request *r, tally_store *s, const one_claim *o)
{
    tally_buf *b = o->b;
    tally_buf para;
    tally_buf_init(&para, (size_t)1 << 20);
    size_t at = 0;
    tally_err err = {0};
    if (o->has_sentence &&
        tally_store_paragraph(s, o->doc_id, o->start, o->end, &para, &at, &err) == 0) {
        tally_json_raw(b, ",\"paragraph\":");
        tally_json_str(b, para.ptr != NULL ? para.ptr : "", para.len);
        tally_json_raw(b, ",\"sentence_in_paragraph\":[");
        tally_json_uint(b, o->start - at);
        tally_json_raw(b, ",");
        tally_json_uint(b, o->end - at);
        tally_json_raw(b, "]}");
    } else {
        tally_json_raw(b, ",\"paragraph\":null,\"sentence_in_paragraph\":null}");
    }
    tally_buf_free(&para);
    return r->status = MHD_HTTP_OK;
}

/* The answer for one claim or event (`what`, `id`), once the store's walk
 * returned `rc`: the store's error, a 404, or the object with its paragraph. */
static unsigned one_answer(request *r, tally_store *s, int rc, const tally_err *err,
                           const one_claim *o, const char *what, int64_t id)
{
    if (rc < 0)
        return store_error(r, rc, err);
    if (!o->found)
        return fail(r, MHD_HTTP_NOT_FOUND, "no %s %lld", what, (long long)id);
    return with_paragraph(r, s, o);
}

/* GET /api/claims/ID: one claim with its paragraph. */
static unsigned api_claim(request *r, tally_store *s, const char *id_text)
{
    int64_t id;
    if (!path_id(r, id_text, "a claim", &id))
        return r->status;
    tally_claim_filter f = {0};
    f.id = id;
    f.limit = 1;
    tally_buf *b = &r->out;
    tally_buf_clear(b);
    one_claim o = {b, &r->srv->model, false, false, 0, 0, 0};
    tally_err err = {0};
    int rc = tally_store_claims(s, &f, put_one, &o, &err);
    return one_answer(r, s, rc, &err, &o, "claim", id);
}

/* ---- events (tally events --db) ---------------------------------------------- */

static bool party_arg(request *r, const char *name, char code[TALLY_PARTY_MAX], const char **out)
{
    const char *v = arg(r, name);
    *out = NULL;
    if (v == NULL)
        return true;
    *out = tally_present_party_code(v, code);
    if (*out == NULL) {
        char q[48];
        quote_value(q, sizeof q, v);
        fail(r, MHD_HTTP_BAD_REQUEST,
             "%s: unknown party '%s' (alpha-3 such as PRK, a state's name, or UN, UNSC, UNGA, EU,"
             " NATO, IAEA)",
             name, q);
        return false;
    }
    return true;
}

static int put_event(const tally_event_row *row, void *user)
{
    array *a = user;
    if (!array_next(a))
        return 1;
    tally_present_event(a->b, TALLY_OUTPUT_JSON, row, true, false);
    return 0;
}

/* One event, its object left open, and where its sentence is. */
static int put_one_event(const tally_event_row *row, void *user)
{
    one_claim *o = user;
    o->found = true;
    o->doc_id = row->doc_id;
    o->has_sentence = row->sentence != NULL;
    o->start = row->event.sentence_start;
    o->end = row->event.sentence_end;
    tally_present_event(o->b, TALLY_OUTPUT_JSON, row, true, false);
    o->b->len -= 2; /* the writer's "}\n": the object stays open */
    return 1;
}

/* GET /api/events/ID: one event with its paragraph (the dashboard's click). */
static unsigned api_event(request *r, tally_store *s, const char *id_text)
{
    int64_t id;
    if (!path_id(r, id_text, "an event", &id))
        return r->status;
    tally_event_filter f = {.id = id, .limit = 1};
    tally_buf *b = &r->out;
    tally_buf_clear(b);
    one_claim o = {b, NULL, false, false, 0, 0, 0};
    tally_err err = {0};
    int rc = tally_store_events(s, &f, put_one_event, &o, &err);
    return one_answer(r, s, rc, &err, &o, "event", id);
}

/* GET /api/events: a page of stored events, by date, with the filters of
 * tally events --db (actor, recipient, both_ways, type, mode, since, until,
 * known_by, doc), offset and limit. */
static unsigned api_events(request *r, tally_store *s)
{
    tally_event_filter f = {0};
    char actor[TALLY_PARTY_MAX], recipient[TALLY_PARTY_MAX];
    long offset = 0, limit = DEFAULT_LIMIT;
    bool ok = party_arg(r, "actor", actor, &f.actor) &&
              party_arg(r, "recipient", recipient, &f.recipient) &&
              date_arg(r, "since", &f.since, NULL) && date_arg(r, "until", &f.until, NULL) &&
              date_arg(r, "known_by", &f.known_by, NULL);
    if (ok) {
        const char *both = arg(r, "both_ways");
        f.both_ways = both != NULL && strcmp(both, "0") != 0 && strcmp(both, "false") != 0;
        f.type = arg(r, "type");
        f.mode = arg(r, "mode");
        f.doc = arg(r, "doc");
        ok = number_arg(r, "offset", 0, MAX_OFFSET, &offset) &&
             number_arg(r, "limit", 1, MAX_LIMIT, &limit) && !unknown_params(r);
    }
    if (!ok)
        return r->status;
    f.offset = offset;
    f.limit = limit + 1; /* one more tells whether there are more */
    tally_buf *b = &r->out;
    page_open(b, offset, limit, "events");
    array a = {b, true, false, NULL, 0, (size_t)limit, false};
    tally_err err = {0};
    int rc = tally_store_events(s, &f, put_event, &a, &err);
    return page_close(r, rc, &err, &a);
}

/* The cached endpoints: each computes into r->out and sets r->status. */

/* GET /api/series: exactly tally estimate --format json, plus each point's
 * lead claim and cluster. */
static void api_series(request *r, tally_store *s)
{
    char sup[4], rec[4];
    const char *supplier, *recipient, *known_by, *at;
    tally_date at_date;
    if (!state_arg(r, "supplier", sup, &supplier) || !state_arg(r, "recipient", rec, &recipient))
        return;
    const char *item = arg(r, "item"), *unit = arg(r, "unit");
    if (!date_arg(r, "known_by", &known_by, NULL) || !date_arg(r, "at", &at, &at_date) ||
        unknown_params(r))
        return;
    if (supplier == NULL || recipient == NULL || item == NULL) {
        fail(r, MHD_HTTP_BAD_REQUEST, "give supplier, recipient and item");
        return;
    }
    int bit = tally_item_parse(item);
    if (bit < 0) {
        char q[48];
        quote_value(q, sizeof q, item);
        fail(r, MHD_HTTP_BAD_REQUEST, "item: unknown item '%s' (an item of CLAIMS.md)", q);
        return;
    }
    for (const char *p = unit; p != NULL && *p != '\0'; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '-') ||
            p - unit >= 15) {
            fail(r, MHD_HTTP_BAD_REQUEST, "unit: not a unit of CLAIMS.md or a currency code");
            return;
        }
    tally_claim_filter f = {0};
    f.supplier = supplier;
    f.recipient = recipient;
    f.known_by = known_by;
    tally_view v;
    if (!load_view(r, s, &f, 1u << bit, unit, &v))
        return;
    tally_estimate e;
    tally_err err = {0};
    int rc = tally_view_estimate(&v, &r->srv->model, supplier, recipient, 1u << bit, unit,
                                 at != NULL ? &at_date : NULL, known_by, DRAWS, &e, &err);
    if (rc != 0) {
        store_error(r, rc, &err);
    } else {
        tally_buf_clear(&r->out);
        tally_present_estimate(&r->out, &v, &e, known_by, true);
        r->status = MHD_HTTP_OK;
    }
    tally_estimate_free(&e);
    tally_view_free(&v);
}

/* GET /api/flows and the series of /api/meta: every series at once. */
static void flows(request *r, tally_store *s, const tally_date *at, const char *known_by,
                  bool estimate)
{
    tally_view v;
    tally_claim_filter all = {0};
    all.no_doc_names = true; /* the series show no document's name */
    all.known_by = known_by;
    if (!load_view(r, s, &all, 0, NULL, &v))
        return;
    flows_out o = {{&r->out, true, false, NULL, 0, 0, false}, estimate};
    tally_json_raw(&r->out, "[");
    tally_view_flows(&v, &r->srv->model, at, DRAWS, estimate, put_flow, &o);
    tally_json_raw(&r->out, "]");
    tally_view_free(&v);
    if (o.a.full)
        too_large(r);
    else
        r->status = MHD_HTTP_OK;
}

/* GET /api/flows: tally estimate --all --format json [--at] [--known-by]. */
static void api_flows(request *r, tally_store *s)
{
    const char *at, *known_by;
    tally_date at_date;
    if (!date_arg(r, "at", &at, &at_date) || !date_arg(r, "known_by", &known_by, NULL) ||
        unknown_params(r))
        return;
    tally_buf_clear(&r->out);
    flows(r, s, at != NULL ? &at_date : NULL, known_by, true);
}

/* GET /api/rank: tally rank STATE --to|--from --by ... --format jsonl, as a
 * JSON array of its lines. */
static void api_rank(request *r, tally_store *s)
{
    char code[4];
    const char *state, *known_by, *at;
    tally_date at_date;
    if (!state_arg(r, "state", code, &state))
        return;
    const char *direction = arg(r, "direction"), *by_name = arg(r, "by");
    if (!date_arg(r, "known_by", &known_by, NULL) || !date_arg(r, "at", &at, &at_date) ||
        unknown_params(r))
        return;
    if (state == NULL) {
        fail(r, MHD_HTTP_BAD_REQUEST, "give state");
        return;
    }
    bool to = direction == NULL || strcmp(direction, "to") == 0;
    if (!to && strcmp(direction, "from") != 0) {
        fail(r, MHD_HTTP_BAD_REQUEST, "direction: to or from");
        return;
    }
    int by = by_name != NULL ? tally_rank_by_parse(by_name) : TALLY_RANK_VALUE;
    if (by < 0) {
        fail(r, MHD_HTTP_BAD_REQUEST, "by: value, count, share or people");
        return;
    }
    tally_claim_filter f = {0};
    if (to)
        f.recipient = state;
    else
        f.supplier = state;
    f.known_by = known_by;
    tally_view v;
    if (!load_view(r, s, &f, 0, NULL, &v))
        return;
    long day = LONG_MIN;
    if (at != NULL)
        day = tally_day_of(at_date, true);
    else
        for (size_t i = 0; i < v.obs.n; i++)
            day = v.obs.v[i].as_of > day ? v.obs.v[i].as_of : day;
    tally_ranking rk;
    tally_err err = {0};
    int rc = tally_rank(&r->srv->model, &r->srv->prices, v.obs.v, v.obs.n, &v.c, state, to,
                        (tally_rank_by)by, day, 0, false, &rk, &err);
    if (rc != 0) {
        store_error(r, rc, &err);
    } else {
        tally_buf *b = &r->out;
        tally_buf_clear(b);
        tally_json_raw(b, "[");
        size_t mark = b->len;
        tally_present_ranking(b, TALLY_OUTPUT_JSON, &rk);
        /* the JSON Lines as one array: a comma for each line's newline */
        for (size_t i = mark; i + 1 < b->len; i++)
            if (b->ptr[i] == '\n')
                b->ptr[i] = ',';
        if (b->len > mark && b->ptr[b->len - 1] == '\n')
            b->len--;
        tally_json_raw(b, "]");
        if (tally_buf_full(b))
            too_large(r);
        else
            r->status = MHD_HTTP_OK;
        tally_ranking_free(&rk);
    }
    tally_view_free(&v);
}

/* One vocabulary of the model as a JSON array of {"slug","name"} (and the
 * family for items), for the dashboard's lists. */
static void put_terms(tally_buf *b, const char *key, const tally_term *(*term)(int), int from,
                      int n)
{
    tally_json_raw(b, ",\"");
    tally_json_raw(b, key);
    tally_json_raw(b, "\":[");
    for (int i = from; i < n; i++) {
        const tally_term *t = term(i);
        tally_json_raw(b, i > from ? ",{\"slug\":" : "{\"slug\":");
        tally_present_str_or_null(b, t->slug);
        tally_json_raw(b, ",\"name\":");
        tally_present_str_or_null(b, t->display);
        tally_json_raw(b, "}");
    }
    tally_json_raw(b, "]");
}

static const tally_term *kind_term(int i)
{
    return tally_kind_term((tally_kind)i);
}

static const tally_term *item_term(int i)
{
    return tally_item_term((unsigned)i);
}

static const tally_term *qualifier_term(int i)
{
    return tally_qualifier_term((tally_qualifier)i);
}

/* The units of the stored claims, with their names and counts. */
static int put_unit(const char *unit, int64_t claims, void *user)
{
    array *a = user;
    if (unit == NULL)
        return 0;
    if (!next_object(a->b, &a->first)) {
        a->full = true;
        return 1;
    }
    tally_claim c = {0};
    const char *name = NULL;
    if (tally_unit_parse(unit, &c) == 0)
        name = c.unit == TALLY_UNIT_MONEY ? tally_currency_name(c.currency)
                                          : tally_unit_term(c.unit)->display;
    tally_json_raw(a->b, "{\"slug\":");
    tally_json_str(a->b, unit, strlen(unit));
    tally_json_raw(a->b, ",\"name\":");
    tally_present_str_or_null(a->b, name);
    tally_json_raw(a->b, ",\"money\":");
    tally_json_raw(a->b, c.unit == TALLY_UNIT_MONEY ? "true" : "false");
    tally_json_raw(a->b, ",\"claims\":");
    tally_json_uint(a->b, (size_t)claims);
    tally_json_raw(a->b, "}");
    return 0;
}

/* GET /api/meta: the counts, the series, and what the dashboard's lists
 * and columns are made from: the model's fields, items, kinds and
 * qualifiers, and the units of the stored claims. */
static void api_meta(request *r, tally_store *s)
{
    if (unknown_params(r))
        return;
    int64_t claims, docs, sources;
    tally_err err = {0};
    char updated[40];
    int rc = tally_store_counts(s, &claims, &docs, &sources, &err);
    if (rc == 0)
        rc = tally_store_updated(s, updated, &err);
    if (rc != 0) {
        store_error(r, rc, &err);
        return;
    }
    tally_buf *b = &r->out;
    tally_buf_clear(b);
    tally_json_raw(b, "{\"updated\":");
    tally_present_str_or_null(b, updated);
    tally_json_raw(b, ",\"claims\":");
    tally_json_uint(b, (size_t)claims);
    tally_json_raw(b, ",\"documents\":");
    tally_json_uint(b, (size_t)docs);
    tally_json_raw(b, ",\"sources\":");
    tally_json_uint(b, (size_t)sources);
    tally_json_raw(b, ",\"series\":");
    flows(r, s, NULL, NULL, false);
    if (r->status != MHD_HTTP_OK)
        return;
    /* how numbers are written (tally/number.h), for the axes' ticks: every
     * number of the data comes with its text */
    tally_json_raw(b, ",\"number_format\":{\"scales\":[");
    double factor;
    const char *suffix;
    for (size_t i = 0; tally_num_scale(i, &factor, &suffix); i++) {
        tally_json_raw(b, i ? ",[" : "[");
        tally_json_num(b, factor);
        tally_json_raw(b, ",");
        tally_json_str(b, suffix, strlen(suffix));
        tally_json_raw(b, "]");
    }
    tally_json_raw(b, "],\"scale_from\":");
    tally_json_num(b, TALLY_NUM_SCALE_FROM);
    tally_json_raw(b, ",\"group_from\":");
    tally_json_num(b, TALLY_NUM_GROUP_FROM);
    tally_json_raw(b, ",\"digits\":");
    tally_json_uint(b, TALLY_NUM_DIGITS);
    tally_json_raw(b, "}");
    /* the grades in force, with what each means (the claims' grade column) */
    tally_json_raw(b, ",\"grades\":[");
    const tally_model *m = &r->srv->model;
    bool first = true;
    for (int g = 0; g < 6; g++) {
        if (isnan(m->grade_sigma[g]))
            continue;
        char letter[2] = {(char)('A' + g), 0};
        tally_json_raw(b, first ? "{\"grade\":" : ",{\"grade\":");
        tally_json_str(b, letter, 1);
        tally_json_raw(b, ",\"meaning\":");
        tally_json_str(b, m->grade_meaning[g], strlen(m->grade_meaning[g]));
        tally_json_raw(b, "}");
        first = false;
    }
    tally_json_raw(b, "]");
    tally_json_raw(b, ",\"fields\":[");
    tally_field cols[TALLY_F_N];
    size_t n_cols = tally_field_csv_order(TALLY_IN_ROW, cols);
    for (size_t i = 0; i < n_cols; i++) {
        const tally_field_info *fi = tally_field_info_of(cols[i]);
        tally_json_raw(b, i ? ",{\"key\":" : "{\"key\":");
        tally_json_str(b, fi->key, strlen(fi->key));
        tally_json_raw(b, (fi->in & TALLY_IN_CLAIM) ? ",\"claims_md\":true}"
                                                    : ",\"claims_md\":false}");
    }
    tally_json_raw(b, "]");
    put_terms(b, "items", item_term, 0, TALLY_ITEM_COUNT);
    put_terms(b, "kinds", kind_term, 0, TALLY_KIND_N);
    put_terms(b, "qualifiers", qualifier_term, 0, TALLY_Q_N);
    tally_json_raw(b, ",\"units\":[");
    array a = {b, true, false, NULL, 0, 0, false};
    rc = tally_store_units(s, put_unit, &a, &err);
    if (rc < 0) {
        store_error(r, rc, &err);
        return;
    }
    if (a.full) {
        too_large(r);
        return;
    }
    tally_json_raw(b, "]}");
}

static void api_clusters(request *r, tally_store *s)
{
    filters fl;
    tally_buf key;
    tally_buf_init(&key, 4096);
    bool ok = filter_args(r, &fl, &key) && !unknown_params(r);
    tally_buf_free(&key);
    tally_view v;
    if (!ok || !load_view(r, s, &fl.f, 0, NULL, &v))
        return;
    tally_buf *b = &r->out;
    tally_buf_clear(b);
    tally_json_raw(b, "[");
    bool first = true, full = false;
    for (size_t i = 0; i < v.c.n && !full; i++) {
        full = !next_object(b, &first);
        if (!full)
            tally_present_cluster(b, &v, i + 1);
    }
    tally_json_raw(b, "]");
    tally_view_free(&v);
    if (full)
        too_large(r);
    else
        r->status = MHD_HTTP_OK;
}

/* GET /api/contradictions: tally check --format jsonl [--known-by]. */
static void api_contradictions(request *r, tally_store *s)
{
    tally_view v;
    tally_claim_filter f = {0};
    if (!date_arg(r, "known_by", &f.known_by, NULL) || unknown_params(r) ||
        !load_view(r, s, &f, 0, NULL, &v))
        return;
    tally_buf *b = &r->out;
    tally_buf_clear(b);
    contra_out o = {{b, true, false, v.obs.v, 0, 0, false}, {&r->srv->model, v.obs.v, s}};
    tally_json_raw(b, "[");
    tally_check(&r->srv->model, v.obs.v, v.obs.n, &v.c, put_contradiction, &o);
    tally_json_raw(b, "]");
    tally_view_free(&v);
    if (o.a.full)
        too_large(r);
    else
        r->status = MHD_HTTP_OK;
}

static void api_sources(request *r, tally_store *s)
{
    if (unknown_params(r))
        return;
    tally_buf *b = &r->out;
    tally_buf_clear(b);
    array a = {b, true, false, NULL, 0, 0, false};
    tally_json_raw(b, "[");
    tally_err err = {0};
    int rc = tally_store_sources(s, put_source, &a, &err);
    tally_json_raw(b, "]");
    if (rc < 0)
        store_error(r, rc, &err);
    else if (a.full)
        too_large(r);
    else
        r->status = MHD_HTTP_OK;
}

/* The cache key of a request: the path and its parameters sorted by name
 * (so ?a=1&b=2 and ?b=2&a=1 share an entry). */
static void cache_key(const request *r, const char *path, tally_buf *key)
{
    const param *order[MAX_PARAMS];
    for (size_t i = 0; i < r->n; i++) {
        size_t j = i;
        for (; j > 0 && strcmp(order[j - 1]->name, r->p[i].name) > 0; j--)
            order[j] = order[j - 1];
        order[j] = &r->p[i];
    }
    tally_json_raw(key, path);
    for (size_t i = 0; i < r->n; i++) {
        tally_json_raw(key, "\x1f");
        tally_json_raw(key, order[i]->name);
        tally_json_raw(key, "=");
        tally_json_raw(key, order[i]->value);
    }
}

static const struct cached_endpoint {
    const char *path;
    void (*run)(request *r, tally_store *s);
} cached[] = {{"/api/series", api_series},   {"/api/flows", api_flows},
              {"/api/meta", api_meta},       {"/api/clusters", api_clusters},
              {"/api/sources", api_sources}, {"/api/contradictions", api_contradictions},
              {"/api/rank", api_rank}};

/* The dashboard's files: a fixed table, never a path from the URL. */
static const struct asset {
    const char *path, *type;
    const unsigned char *data;
    const size_t *len;
} assets[] = {
    {"/", "text/html; charset=utf-8", tally_web_index_html, &tally_web_index_html_len},
    {"/assets/app.js", "text/javascript; charset=utf-8", tally_web_app_js, &tally_web_app_js_len},
    {"/assets/style.css", "text/css; charset=utf-8", tally_web_style_css, &tally_web_style_css_len},
};

/* Routes a GET; the response is in r. */
static void route(request *r, const char *url)
{
    r->type = "application/json";
    r->cache_control = true;
    for (size_t i = 0; i < sizeof assets / sizeof assets[0]; i++)
        if (strcmp(url, assets[i].path) == 0) {
            if (unknown_params(r))
                return;
            tally_buf_clear(&r->out);
            tally_json_raw_n(&r->out, (const char *)assets[i].data, *assets[i].len);
            r->type = assets[i].type;
            r->cache_control = false;
            r->status = MHD_HTTP_OK;
            return;
        }
    const struct cached_endpoint *ep = NULL;
    for (size_t i = 0; i < sizeof cached / sizeof cached[0]; i++)
        if (strcmp(url, cached[i].path) == 0)
            ep = &cached[i];
    /* the terms and method, with the grades and factors this server uses */
    if (strcmp(url, "/method") == 0) {
        if (unknown_params(r))
            return;
        tally_buf_clear(&r->out);
        tally_present_method_html(&r->out, &r->srv->model, true);
        r->type = "text/html; charset=utf-8";
        r->cache_control = false;
        r->status = MHD_HTTP_OK;
        return;
    }
    /* browsers ask for an icon on every page: none, and no error logged */
    if (strcmp(url, "/favicon.ico") == 0) {
        tally_buf_clear(&r->out);
        r->status = MHD_HTTP_NO_CONTENT;
        return;
    }
    bool claims = strcmp(url, "/api/claims") == 0,
         claim = strncmp(url, "/api/claims/", strlen("/api/claims/")) == 0,
         events = strcmp(url, "/api/events") == 0,
         event = strncmp(url, "/api/events/", strlen("/api/events/")) == 0;
    if (ep == NULL && !claims && !claim && !events && !event) {
        char q[48];
        quote_value(q, sizeof q, url);
        fail(r, MHD_HTTP_NOT_FOUND, "no such path '%s'", q);
        return;
    }
    tally_err err = {0};
    worker *w = thread_worker(r->srv, &err);
    if (w == NULL) {
        fail(r, MHD_HTTP_SERVICE_UNAVAILABLE, "the database cannot be opened: %s", err.msg);
        return;
    }
    tally_store *s = w->store;
    if (claims) {
        api_claims(r, s);
        return;
    }
    if (claim) {
        api_claim(r, s, url + strlen("/api/claims/"));
        return;
    }
    if (events) {
        api_events(r, s);
        return;
    }
    if (event) {
        api_event(r, s, url + strlen("/api/events/"));
        return;
    }
    tally_buf key;
    tally_buf_init(&key, MAX_URL * 2);
    cache_key(r, url, &key);
    unsigned status = 0;
    uint64_t generation = cache_generation(r->srv, w);
    if (cache_get(r->srv, key.ptr, &r->out, &status)) {
        r->status = status;
    } else {
        r->status = 0;
        ep->run(r, s);
        /* what the database says is kept; its failures are not */
        if ((r->status == MHD_HTTP_OK || r->status == MHD_HTTP_NOT_FOUND ||
             r->status == MHD_HTTP_BAD_REQUEST) &&
            tally_buf_err(&r->out) == 0)
            cache_put(r->srv, key.ptr, &r->out, r->status, generation);
    }
    tally_buf_free(&key);
}

static enum MHD_Result respond(struct MHD_Connection *c, const request *r)
{
    char empty[1] = {0};
    struct MHD_Response *res = MHD_create_response_from_buffer(
        r->out.len, r->out.ptr != NULL ? r->out.ptr : empty, MHD_RESPMEM_MUST_COPY);
    if (res == NULL)
        return MHD_NO;
    MHD_add_response_header(res, MHD_HTTP_HEADER_CONTENT_TYPE, r->type);
    MHD_add_response_header(res, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(res, "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' blob:; frame-ancestors 'none'");
    MHD_add_response_header(res, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(res, "X-Frame-Options", "DENY");
    MHD_add_response_header(res, MHD_HTTP_HEADER_CACHE_CONTROL,
                            r->cache_control ? "no-store" : "no-cache");
    /* one request a connection: each request head passes the gate */
    MHD_add_response_header(res, MHD_HTTP_HEADER_CONNECTION, "close");
    if (r->status == MHD_HTTP_METHOD_NOT_ALLOWED)
        MHD_add_response_header(res, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
    enum MHD_Result ret = MHD_queue_response(c, r->status, res);
    MHD_destroy_response(res);
    return ret;
}

static void request_init(request *r, tally_server *srv)
{
    memset(r, 0, sizeof *r);
    r->srv = srv;
    r->type = "application/json";
    r->cache_control = true;
    tally_buf_init(&r->out, (size_t)MAX_RESULT * 2);
}

/* Answers a request from its method and its target as sent. */
static void answer(request *r, const char *method, const char *target, bool has_body)
{
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        char q[48];
        quote_value(q, sizeof q, method);
        fail(r, MHD_HTTP_METHOD_NOT_ALLOWED, "method '%s' is not allowed: GET or HEAD", q);
    } else if (has_body) {
        fail(r, MHD_HTTP_CONTENT_TOO_LARGE, "a GET request has no body");
    } else if (parse_target(r, target)) {
        route(r, r->path);
        /* a writer refused a number (NaN or infinite): no JSON holds one */
        if (tally_buf_err(&r->out) != 0)
            fail(r, MHD_HTTP_INTERNAL_SERVER_ERROR, "a number in the result is not finite");
    }
}

void tally_serve_answer(tally_server *s, const char *method, const char *target, bool has_body,
                        tally_serve_reply *out)
{
    request r;
    request_init(&r, s);
    answer(&r, method, target, has_body);
    free(r.target);
    out->status = r.status;
    out->type = r.type;
    out->no_store = r.cache_control;
    out->body = r.out;
}

void tally_serve_reply_free(tally_serve_reply *r)
{
    if (r != NULL)
        tally_buf_free(&r->body);
}

/* libmicrohttpd's callbacks: the target as sent (before it decodes it),
 * kept for the request; the request; its end; a connection's end. */
static void *keep_target(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)cls;
    (void)c;
    return tally_xstrdup(uri);
}

static void request_done(void *cls, struct MHD_Connection *c, void **state,
                         enum MHD_RequestTerminationCode why)
{
    (void)cls;
    (void)c;
    (void)why;
    free(*state);
    *state = NULL;
}

static void connection_done(void *cls, struct MHD_Connection *c, void **socket_state,
                            enum MHD_ConnectionNotificationCode code)
{
    (void)c;
    (void)socket_state;
    tally_server *srv = cls;
    if (code == MHD_CONNECTION_NOTIFY_CLOSED)
        atomic_fetch_sub(&srv->connections, 1u);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **state)
{
    (void)version;
    (void)upload_data;
    request r;
    request_init(&r, cls);
    const char *length = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
    const char *chunked = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Transfer-Encoding");
    bool has_body =
        *upload_data_size != 0 || chunked != NULL || (length != NULL && strcmp(length, "0") != 0);
    answer(&r, method, *state != NULL ? *state : url, has_body);
    enum MHD_Result ret = respond(c, &r);
    free(r.target);
    tally_buf_free(&r.out);
    return ret;
}

/* The gate's: whether libmicrohttpd may take one more connection, and
 * handing it one. */
static bool has_room(void *user)
{
    tally_server *srv = user;
    return atomic_load(&srv->connections) < CONNECTIONS;
}

static void admit(void *user, int fd, const struct sockaddr *addr, socklen_t len)
{
    tally_server *srv = user;
    atomic_fetch_add(&srv->connections, 1u);
    if (MHD_add_connection(srv->d, fd, addr, len) != MHD_YES) /* it closed fd */
        atomic_fetch_sub(&srv->connections, 1u);
}

/* ---- the server --------------------------------------------------------------- */

int tally_serve_open(const tally_serve_opts *o, tally_server **out, tally_err *err)
{
    *out = NULL;
    /* the database must be there and be tally's before anyone asks */
    tally_store *check;
    int rc = tally_store_open(o->db, TALLY_STORE_READ, &check, err);
    if (rc != 0)
        return rc;
    tally_server *srv = tally_xcalloc(1, sizeof *srv);
    srv->db = tally_xstrdup(o->db);
    srv->db_name = tally_xstrdup(tally_store_name(check));
    tally_store_close(check);
    srv->cache_max = o->cache_bytes != 0 ? o->cache_bytes : ((size_t)64 << 20);
    atomic_init(&srv->connections, 0u);
    pthread_mutex_init(&srv->lock, NULL);
    rc = tally_model_load(&srv->model, NULL, NULL, err);
    if (rc == 0)
        rc = tally_prices_load(&srv->prices, NULL, NULL, err);
    if (rc != 0) {
        tally_serve_stop(srv);
        return rc;
    }
    *out = srv;
    return 0;
}

/* A socket listening on `bind` port `port` (non-blocking), or -1 with `err`
 * set. */
static int listen_on(const char *host, unsigned port, unsigned *bound, tally_err *err)
{
    struct sockaddr_storage ss;
    struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
    socklen_t len;
    memset(&ss, 0, sizeof ss);
    if (port > 65535) {
        tally_err_set(err, TALLY_EUSAGE, "port %u is not from 0 to 65535", port);
        return -1;
    }
    if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
        len = sizeof *in4;
    } else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        len = sizeof *in6;
    } else {
        tally_err_set(err, TALLY_EUSAGE, "'%s' is not an IPv4 or IPv6 address", host);
        return -1;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM, 0), on = 1;
    /* the gate is woken when a connection's first bytes are there, not
     * before: one wake-up a request instead of two (Linux) */
    if (fd >= 0)
        setsockopt(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, &on, sizeof on);
    if (fd >= 0 && (fcntl(fd, F_SETFL, O_NONBLOCK) != 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) != 0 ||
                    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0 ||
                    (ss.ss_family == AF_INET6 &&
                     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on) != 0) ||
                    bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, SOMAXCONN) != 0 ||
                    getsockname(fd, (struct sockaddr *)&ss, &len) != 0)) {
        int e = errno;
        close(fd);
        fd = -1;
        errno = e;
    }
    if (fd < 0) {
        tally_err_set(err, TALLY_EIO, "cannot listen on %s port %u: %s", host, port,
                      strerror(errno));
        return -1;
    }
    *bound = ntohs(ss.ss_family == AF_INET ? in4->sin_port : in6->sin6_port);
    return fd;
}

int tally_serve_start(const tally_serve_opts *o, tally_server **out, tally_err *err)
{
    *out = NULL;
    unsigned port = 0;
    int fd = listen_on(o->bind != NULL ? o->bind : "127.0.0.1", o->port, &port, err);
    if (fd < 0)
        return err->code;
    tally_server *srv;
    int rc = tally_serve_open(o, &srv, err);
    if (rc != 0) {
        close(fd);
        return rc;
    }
    srv->port = port;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned threads = o->threads != 0 ? o->threads : cpus > 0 ? (unsigned)cpus : 2;
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    /* Connections come from the gate (MHD_add_connection), at most
     * CONNECTIONS at once (has_room); libmicrohttpd spreads them over its
     * threads unevenly, so each thread's share of its limit is the whole. */
    errno = 0;
    srv->d = MHD_start_daemon(MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD |
                                  MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ITC | MHD_USE_TURBO,
                              0, NULL, NULL, on_request, srv, MHD_OPTION_THREAD_POOL_SIZE, threads,
                              MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTIONS * threads,
                              MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONNECTION_MEMORY,
                              MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT,
                              MHD_OPTION_STRICT_FOR_CLIENT, 1, MHD_OPTION_URI_LOG_CALLBACK,
                              keep_target, NULL, MHD_OPTION_NOTIFY_COMPLETED, request_done, NULL,
                              MHD_OPTION_NOTIFY_CONNECTION, connection_done, srv, MHD_OPTION_END);
    if (srv->d == NULL) {
        int e = errno;
        close(fd);
        tally_serve_stop(srv);
        return tally_err_set(err, TALLY_EIO, "cannot start the HTTP server%s%s", e != 0 ? ": " : "",
                             e != 0 ? strerror(e) : "");
    }
    http_gate_opts g = {
        .listen_fd = fd,
        .slots = HEAD_SLOTS,
        .head_seconds = HEAD_SECONDS,
        .limits = {HEAD_MAX, MAX_URL, HEAD_PARAMS, HEAD_LINES, HEAD_COOKIES, HEAD_COOKIE_BYTES},
        .has_room = has_room,
        .admit = admit,
        .user = srv};
    rc = http_gate_start(&g, &srv->gate, err);
    if (rc != 0) {
        tally_serve_stop(srv);
        return rc;
    }
    *out = srv;
    return 0;
}

const char *tally_serve_db_name(const tally_server *s)
{
    return s->db_name;
}

unsigned tally_serve_port(const tally_server *s)
{
    return s->port;
}

void tally_serve_stop(tally_server *s)
{
    if (s == NULL)
        return;
    http_gate_stop(s->gate); /* no connection is handed on after this */
    if (s->d != NULL)
        MHD_stop_daemon(s->d); /* joins the threads: no request runs after this */
    for (size_t i = 0; i < s->n_workers; i++) {
        tally_store_close(s->workers[i]->store);
        free(s->workers[i]);
    }
    free(s->workers);
    while (s->n_cache > 0)
        cache_drop(s, 0);
    tally_model_free(&s->model);
    tally_prices_free(&s->prices);
    pthread_mutex_destroy(&s->lock);
    free(s->db);
    free(s->db_name);
    free(s);
}
