/* tally: downloading a page with libcurl (tally/fetch.h). Every limit is set
 * on the handle before the transfer and checked by libcurl, bar two that
 * need the bytes: the size, counted as they arrive (a body without a
 * Content-Length, or one that lies, is cut at the limit), and the content
 * type, read once the headers are in. Redirects are followed here, not by
 * libcurl, one request at a time, so that each hop is checked as the first
 * request is: its scheme, its host's robots.txt and the host's delay.
 * Part of stage 1, read: includes the public headers of base and the
 * model, and read's own. */
#include "tally/fetch.h"

#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tally/ascii.h"
#include "tally/mem.h"

/* What the fetcher knows of one host (scheme, name and port). */
enum robots_state { ROBOTS_UNKNOWN, ROBOTS_READ, ROBOTS_NONE, ROBOTS_ALL };
struct host {
    char *origin; /* "https://example.org:443" */
    double last;  /* when its last request ended (monotonic seconds), 0: never */
    enum robots_state robots;
    char *robots_txt; /* ROBOTS_READ: the file (owned) */
    size_t robots_len;
    char why[224]; /* ROBOTS_ALL: why everything is forbidden */
};

struct tally_fetcher {
    CURL *curl;
    tally_fetch_opts o;
    uint64_t jitter;     /* the state of the waits' jitter (xorshift64) */
    char agent[32];      /* the User-Agent's product token, for robots.txt */
    struct host **hosts; /* each owned; pointers stay valid as hosts are added */
    size_t n_hosts;
};

enum { ROBOTS_MAX = 512 * 1024 }; /* RFC 9309 asks a crawler to read at least 500 KiB */

/* What one transfer found while it ran: the write callback's state. */
struct transfer {
    CURL *curl;
    size_t max;
    bool any_type; /* robots.txt: whatever the content type */
    tally_buf body;
    bool checked;        /* the content type was looked at */
    tally_format format; /* what it said */
    bool feed;
    int refused; /* why the write callback stopped the transfer: 0, or a code */
    char why[160];
};

int tally_fetcher_open(tally_fetcher **out, const tally_fetch_opts *opts, const char *user_agent,
                       tally_err *err)
{
    *out = NULL;
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return tally_err_set(err, TALLY_ENOMEM, "libcurl cannot start");
    tally_fetcher *f = tally_xcalloc(1, sizeof *f);
    f->curl = curl_easy_init();
    if (f->curl == NULL) {
        free(f);
        curl_global_cleanup();
        return tally_err_set(err, TALLY_ENOMEM, "libcurl cannot start");
    }
    if (opts != NULL)
        f->o = *opts;
    if (f->o.max_bytes == 0)
        f->o.max_bytes = TALLY_FETCH_MAX_BYTES;
    if (f->o.timeout_ms <= 0)
        f->o.timeout_ms = 30000;
    if (f->o.connect_timeout_ms <= 0)
        f->o.connect_timeout_ms = 10000;
    if (f->o.connect_timeout_ms > f->o.timeout_ms)
        f->o.connect_timeout_ms = f->o.timeout_ms;
    if (f->o.max_redirects <= 0)
        f->o.max_redirects = 5;
    if (f->o.retries == 0)
        f->o.retries = 2;
    if (f->o.retries < 0)
        f->o.retries = 0;
    if (f->o.retry_wait_ms <= 0)
        f->o.retry_wait_ms = 1000;
    if (f->o.max_wait_ms <= 0)
        f->o.max_wait_ms = 60000;
    /* two runs started together wait differently */
    f->jitter = ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid() ^ 0x9E3779B97F4A7C15u;
    CURL *c = f->curl;
    /* only http and https; redirects are followed by tally_fetch, each
     * hop a request of its own */
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)f->o.max_bytes);
    curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, ""); /* what libcurl can decode */
    curl_easy_setopt(c, CURLOPT_USERAGENT, user_agent);
    if (f->o.delay_ms == 0)
        f->o.delay_ms = 1000;
    /* "tally/1.2" -> "tally" */
    size_t n = strcspn(user_agent, "/ ");
    snprintf(f->agent, sizeof f->agent, "%.*s", (int)(n < sizeof f->agent ? n : 0), user_agent);
    *out = f;
    return 0;
}

void tally_fetcher_close(tally_fetcher *f)
{
    if (f == NULL)
        return;
    for (size_t i = 0; i < f->n_hosts; i++) {
        free(f->hosts[i]->origin);
        free(f->hosts[i]->robots_txt);
        free(f->hosts[i]);
    }
    free(f->hosts);
    curl_easy_cleanup(f->curl);
    curl_global_cleanup();
    free(f);
}

/* Whether the media type `t[0..n)` (lowercase) is `want`. */
static bool type_is(const char *t, size_t n, const char *want)
{
    return strlen(want) == n && memcmp(t, want, n) == 0;
}

/* The format of a Content-Type, or -1 for one tally does not read; a feed's
 * type sets *feed. */
static int format_of(const char *ct, bool *feed)
{
    *feed = false;
    if (ct == NULL) /* no type said: the bytes decide (sniffed as any document) */
        return TALLY_FORMAT_AUTO;
    char t[64];
    size_t n = 0;
    while (ct[n] != '\0' && ct[n] != ';' && ct[n] != ' ' && n < sizeof t - 1) {
        t[n] = (char)tally_to_lower((unsigned char)ct[n]);
        n++;
    }
    if (type_is(t, n, "text/html") || type_is(t, n, "application/xhtml+xml"))
        return TALLY_FORMAT_HTML;
    if (type_is(t, n, "text/markdown") || type_is(t, n, "text/x-markdown"))
        return TALLY_FORMAT_MD;
    if (type_is(t, n, "text/plain"))
        return TALLY_FORMAT_TXT;
    /* feeds: their own types, and the XML ones many servers give them */
    *feed = type_is(t, n, "application/rss+xml") || type_is(t, n, "application/atom+xml") ||
            type_is(t, n, "application/rdf+xml") || type_is(t, n, "application/xml") ||
            type_is(t, n, "text/xml");
    return *feed ? TALLY_FORMAT_AUTO : -1;
}

/* The charset parameter of a Content-Type, lowercase and unquoted; NULL
 * when it has none. Caller frees. */
static char *charset_of(const char *ct)
{
    for (const char *p = ct != NULL ? strchr(ct, ';') : NULL; p != NULL; p = strchr(p + 1, ';')) {
        const char *q = p + 1;
        while (*q == ' ' || *q == '\t')
            q++;
        static const char key[] = "charset=";
        size_t k = 0;
        while (k < sizeof key - 1 && tally_to_lower((unsigned char)q[k]) == (unsigned char)key[k])
            k++;
        if (k < sizeof key - 1)
            continue;
        q += k;
        if (*q == '"')
            q++;
        size_t n = strcspn(q, "\"; \t");
        if (n == 0 || n > 40)
            return NULL;
        char *out = tally_xstrndup(q, n);
        for (char *c = out; *c != '\0'; c++)
            *c = (char)tally_to_lower((unsigned char)*c);
        return out;
    }
    return NULL;
}

static size_t on_data(char *ptr, size_t size, size_t nmemb, void *user)
{
    struct transfer *t = user;
    size_t n = size * nmemb;
    long status = 0;
    curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 300 && status <= 399)
        return n; /* a redirect's body, or a 304's: not the page */
    if (!t->checked) {
        t->checked = true;
        char *ct = NULL;
        curl_easy_getinfo(t->curl, CURLINFO_CONTENT_TYPE, &ct);
        int fmt = format_of(ct, &t->feed);
        if (fmt < 0 && !t->any_type) {
            t->refused = TALLY_EINPUT;
            snprintf(t->why, sizeof t->why,
                     "content type %.80s refused (tally reads HTML, text, Markdown, RSS and"
                     " Atom)",
                     ct);
            return 0; /* libcurl stops with CURLE_WRITE_ERROR */
        }
        t->format = fmt < 0 ? TALLY_FORMAT_AUTO : (tally_format)fmt;
    }
    if (n > t->max - t->body.len) {
        t->refused = TALLY_ELIMIT;
        snprintf(t->why, sizeof t->why, "the body is larger than the limit of %zu bytes", t->max);
        return 0;
    }
    if (tally_buf_append(&t->body, ptr, n) != 0) {
        t->refused = TALLY_ELIMIT;
        snprintf(t->why, sizeof t->why, "the body is larger than the limit of %zu bytes", t->max);
        return 0;
    }
    return n;
}

/* A response header's value (the last response's, after redirects), or
 * NULL. Caller frees. */
static char *header_of(CURL *c, const char *name)
{
    struct curl_header *h = NULL;
    if (curl_easy_header(c, name, 0, CURLH_HEADER, -1, &h) != CURLHE_OK || h == NULL ||
        h->value == NULL || h->value[0] == '\0' || strlen(h->value) > 256)
        return NULL;
    return tally_xstrdup(h->value);
}

/* What one try asks beyond the URL. */
struct ask {
    const char *etag, *last_modified; /* the validators sent back, or NULL */
    size_t max;                       /* the size limit */
    bool any_type;                    /* robots.txt */
    long timeout_ms; /* this request's: what the redirects before it left (0: all) */
};

/* One try, no redirect followed: 0, or a code with `err` set; *status
 * gets the HTTP status and *retry_after the seconds a Retry-After asked
 * for (-1: none). A redirect (a 3xx with a Location) returns 0 with no
 * page and *redirect the absolute URL it leads to (caller frees). */
static int fetch_once(tally_fetcher *f, const char *url, const struct ask *a, tally_page *page,
                      long *status_out, long *retry_after, char **redirect, tally_err *err)
{
    memset(page, 0, sizeof *page);
    *redirect = NULL;
    struct transfer t = {.curl = f->curl, .max = a->max, .any_type = a->any_type};
    /* one byte more than the limit: the NUL after the body */
    tally_buf_init(&t.body, a->max + 1);
    CURL *c = f->curl;
    char curl_err[CURL_ERROR_SIZE] = "";
    struct curl_slist *headers = NULL;
    char line[320];
    if (a->etag != NULL && strlen(a->etag) < 256) {
        snprintf(line, sizeof line, "If-None-Match: %s", a->etag);
        headers = curl_slist_append(headers, line);
    }
    if (a->last_modified != NULL && strlen(a->last_modified) < 256) {
        snprintf(line, sizeof line, "If-Modified-Since: %s", a->last_modified);
        headers = curl_slist_append(headers, line);
    }
    long timeout = a->timeout_ms > 0 ? a->timeout_ms : f->o.timeout_ms;
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                     timeout < f->o.connect_timeout_ms ? timeout : f->o.connect_timeout_ms);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)a->max);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_err);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(headers);
    int ret = 0;
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    *status_out = status;
    curl_off_t after = -1;
    if (curl_easy_getinfo(c, CURLINFO_RETRY_AFTER, &after) != CURLE_OK || after <= 0)
        after = -1;
    *retry_after = after > 86400 ? 86400 : (long)after;
    bool not_modified = rc == CURLE_OK && status == 304;
    char *location = NULL;
    if (rc == CURLE_OK && status >= 300 && status <= 399 && !not_modified &&
        curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location) == CURLE_OK && location != NULL) {
        *redirect = tally_xstrdup(location);
        tally_buf_free(&t.body);
        return 0;
    }
    if (t.refused != 0) {
        ret = tally_err_set(err, t.refused, "%s", t.why);
    } else if (rc == CURLE_FILESIZE_EXCEEDED) {
        ret = tally_err_set(err, TALLY_ELIMIT, "the body is larger than the limit of %zu bytes",
                            a->max);
    } else if (rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_URL_MALFORMAT) {
        ret = tally_err_set(err, TALLY_EUSAGE, "not an http or https URL (%s)",
                            curl_err[0] != '\0' ? curl_err : curl_easy_strerror(rc));
    } else if (rc == CURLE_HTTP_RETURNED_ERROR) {
        ret = tally_err_set(err, TALLY_EIO, "HTTP status %ld", status);
    } else if (rc != CURLE_OK) {
        ret = tally_err_set(err, TALLY_EIO, "%s",
                            curl_err[0] != '\0' ? curl_err : curl_easy_strerror(rc));
    } else if (not_modified) {
        /* the validators still hold: no body */
    } else if (status != 200 && status != 203) {
        /* a 2xx without the page (204 No Content), or a 3xx without a Location */
        ret = tally_err_set(err, TALLY_EIO, "HTTP status %ld", status);
    } else if (!t.checked && !a->any_type) {
        ret = tally_err_set(err, TALLY_EINPUT, "an empty body");
    }
    if (ret == 0 && tally_buf_append(&t.body, "", 1) == 0) {
        char *eff = NULL, *ct = NULL;
        curl_easy_getinfo(c, CURLINFO_EFFECTIVE_URL, &eff);
        curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
        page->url = tally_xstrdup(eff != NULL ? eff : url);
        page->len = t.body.len - 1;
        page->data = t.body.ptr;
        page->format = t.format;
        page->feed = t.feed;
        page->not_modified = not_modified;
        page->content_type = ct != NULL ? tally_xstrndup(ct, strnlen(ct, 256)) : NULL;
        page->charset = charset_of(page->content_type);
        page->etag = header_of(c, "ETag");
        page->last_modified = header_of(c, "Last-Modified");
        return 0;
    }
    tally_buf_free(&t.body);
    return ret;
}

static bool worth_retrying(long status)
{
    return status == 429 || (status >= 500 && status <= 599);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0)
        ;
}

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The host of `url` (by its origin), added when new; NULL for a URL that
 * is not http or https. */
static struct host *host_of(tally_fetcher *f, const char *url)
{
    CURLU *u = curl_url();
    char *scheme = NULL, *name = NULL, *port = NULL, *origin = NULL;
    if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &name, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
        (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0)) {
        size_t len = strlen(scheme) + strlen(name) + strlen(port) + 8;
        origin = tally_xmalloc(len);
        snprintf(origin, len, "%s://%s:%s", scheme, name, port);
    }
    curl_free(scheme);
    curl_free(name);
    curl_free(port);
    curl_url_cleanup(u);
    if (origin == NULL)
        return NULL;
    for (size_t i = 0; i < f->n_hosts; i++)
        if (strcmp(f->hosts[i]->origin, origin) == 0) {
            free(origin);
            return f->hosts[i];
        }
    f->hosts = tally_xrealloc(f->hosts, (f->n_hosts + 1) * sizeof *f->hosts);
    struct host *h = tally_xcalloc(1, sizeof *h);
    h->origin = origin;
    f->hosts[f->n_hosts++] = h;
    return h;
}

/* One try at `url` of host `h` (NULL: not http or https), opts.delay_ms
 * after the host's last request. */
static int polite_once(tally_fetcher *f, struct host *h, const char *url, const struct ask *a,
                       tally_page *page, long *status, long *after, char **redirect, tally_err *err)
{
    if (h != NULL && h->last > 0 && f->o.delay_ms > 0) {
        double wait = h->last + (double)f->o.delay_ms / 1000.0 - mono_now();
        if (wait > 0)
            sleep_ms((long)(wait * 1000.0) + 1);
    }
    int rc = fetch_once(f, url, a, page, status, after, redirect, err);
    if (h != NULL)
        h->last = mono_now();
    return rc;
}

/* One request to `url` of host `h`, no redirect followed, tried again
 * after a 429 or a 5xx status when `retry` (opts.retries times): after the
 * wait a Retry-After asks for, else a doubling wait with jitter. As
 * fetch_once. */
static int fetch_retrying(tally_fetcher *f, struct host *h, const char *url, const struct ask *a,
                          bool retry, tally_page *page, long *status, char **redirect,
                          tally_err *err)
{
    long wait = f->o.retry_wait_ms;
    for (int tried = 0;; tried++) {
        long after = -1;
        int rc = polite_once(f, h, url, a, page, status, &after, redirect, err);
        if (rc == 0 || !retry || !worth_retrying(*status))
            return rc;
        if (tried >= f->o.retries) {
            if (tried > 0) {
                char first[sizeof err->msg];
                snprintf(first, sizeof first, "%s", err->msg);
                tally_err_set(err, rc, "%s (tried %d times)", first, tried + 1);
            }
            return rc;
        }
        /* Retry-After when the server gave one, else the doubling wait
         * with up to a quarter more, so that clients spread out */
        f->jitter ^= f->jitter << 13;
        f->jitter ^= f->jitter >> 7;
        f->jitter ^= f->jitter << 17;
        long ms = wait + (long)(f->jitter % (uint64_t)(wait / 4 + 1));
        if (after < 0 && ms > f->o.max_wait_ms)
            ms = f->o.max_wait_ms;
        if (after >= 0)
            ms = after * 1000;
        if (ms > f->o.max_wait_ms)
            return tally_err_set(err, rc,
                                 "HTTP status %ld, and Retry-After asks to wait %ld s, "
                                 "more than %ld s",
                                 *status, after, f->o.max_wait_ms / 1000);
        sleep_ms(ms);
        wait *= 2;
    }
}

static int robots_check(tally_fetcher *f, struct host *h, const char *url, tally_err *err);

/* Downloads `url`, following its redirects: at most opts.max_redirects,
 * each to http or https, each hop a request of its own made as the first
 * one is (opts.delay_ms after its host's last request; for a page, not
 * robots.txt (a->any_type), allowed by its host's robots.txt and tried
 * again after a 429 or 5xx). The hops share opts.timeout_ms, as the
 * requests of one transfer (the waits between them aside). *status gets
 * the last answer's status. 0, or a code with `err` set; an error after a
 * redirect names where it led. */
static int fetch_following(tally_fetcher *f, const char *url, const struct ask *a, tally_page *page,
                           long *status, tally_err *err)
{
    bool is_page = !a->any_type;
    struct ask hop = *a;
    hop.timeout_ms = f->o.timeout_ms;
    char *cur = tally_xstrdup(url);
    int rc = 0;
    memset(page, 0, sizeof *page);
    *status = 0;
    for (long hops = 0;; hops++) {
        struct host *h = host_of(f, cur);
        char *next = NULL;
        if (h == NULL && hops > 0)
            rc = tally_err_set(err, TALLY_EUSAGE, "not an http or https URL");
        else if (h != NULL && is_page)
            rc = robots_check(f, h, cur, err);
        if (rc == 0)
            rc = fetch_retrying(f, h, cur, &hop, is_page, page, status, &next, err);
        if (rc != 0 && hops > 0) {
            char why[sizeof err->msg];
            char *shown = tally_url_public(cur); /* never a secret in a message */
            snprintf(why, sizeof why, "%s", err->msg);
            tally_err_set(err, rc, "redirected to %.120s: %s", shown, why);
            free(shown);
        }
        if (rc != 0 || next == NULL)
            break;
        free(cur);
        cur = next;
        if (hops + 1 > f->o.max_redirects) {
            rc = tally_err_set(err, TALLY_EIO, "more than %ld redirects (a loop?)",
                               f->o.max_redirects);
            break;
        }
        curl_off_t spent = 0; /* by the last request, in microseconds */
        curl_easy_getinfo(f->curl, CURLINFO_TOTAL_TIME_T, &spent);
        hop.timeout_ms -= (long)(spent / 1000);
        if (hop.timeout_ms <= 0) {
            rc = tally_err_set(err, TALLY_EIO,
                               "timed out: %ld redirects took the %ld ms allowed for the page",
                               hops + 1, f->o.timeout_ms);
            break;
        }
    }
    free(cur);
    return rc;
}

/* Reads the robots.txt of `h` once (its redirects followed, RFC 9309). */
static void read_robots(tally_fetcher *f, struct host *h)
{
    size_t len = strlen(h->origin) + 16;
    char *url = tally_xmalloc(len);
    snprintf(url, len, "%s/robots.txt", h->origin);
    struct ask a = {.max = ROBOTS_MAX, .any_type = true};
    tally_page page;
    tally_err err = {0};
    long status = 0;
    int rc = fetch_following(f, url, &a, &page, &status, &err);
    if (rc == 0) {
        h->robots = ROBOTS_READ;
        h->robots_txt = page.data;
        h->robots_len = page.len;
        page.data = NULL;
        tally_page_free(&page);
    } else if (status >= 400 && status <= 499) {
        h->robots = ROBOTS_NONE; /* no file: no rules */
    } else {
        /* RFC 9309: unreachable (5xx, no answer) is a full disallow */
        h->robots = ROBOTS_ALL;
        snprintf(h->why, sizeof h->why,
                 "robots.txt unreadable (%.120s): nothing of the host is fetched", err.msg);
    }
    free(url);
}

/* Whether robots.txt lets tally fetch `url`: 0, or TALLY_EINPUT with `err`. */
static int robots_check(tally_fetcher *f, struct host *h, const char *url, tally_err *err)
{
    if (h->robots == ROBOTS_UNKNOWN)
        read_robots(f, h);
    if (h->robots == ROBOTS_ALL)
        return tally_err_set(err, TALLY_EINPUT, "%s", h->why);
    if (h->robots != ROBOTS_READ)
        return 0;
    CURLU *u = curl_url();
    char *path = NULL, *query = NULL;
    if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK) {
        curl_url_get(u, CURLUPART_PATH, &path, 0);
        curl_url_get(u, CURLUPART_QUERY, &query, 0);
    }
    tally_buf p;
    tally_buf_init(&p, 1 << 20);
    tally_buf_printf(&p, "%s%s%s", path != NULL ? path : "/", query != NULL ? "?" : "",
                     query != NULL ? query : "");
    tally_buf_append(&p, "", 1);
    bool ok = tally_robots_allows(h->robots_txt, h->robots_len, f->agent, p.ptr);
    tally_buf_free(&p);
    curl_free(path);
    curl_free(query);
    curl_url_cleanup(u);
    if (!ok)
        return tally_err_set(err, TALLY_EINPUT, "robots.txt of %s forbids it to %s", h->origin,
                             f->agent);
    return 0;
}

int tally_fetch(tally_fetcher *f, const char *url, const char *etag, const char *last_modified,
                tally_page *page, tally_err *err)
{
    /* the validators go with every hop, as the final answer gave them */
    struct ask a = {.etag = etag, .last_modified = last_modified, .max = f->o.max_bytes};
    long status = 0;
    return fetch_following(f, url, &a, page, &status, err);
}

void tally_page_free(tally_page *page)
{
    free(page->url);
    free(page->data);
    free(page->content_type);
    free(page->charset);
    free(page->etag);
    free(page->last_modified);
    memset(page, 0, sizeof *page);
}

static int hex_digit(unsigned char c)
{
    if (tally_is_digit(c))
        return c - '0';
    c = tally_to_lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Whether a query parameter's name (`name[0..n)`, percent-encoded as in
 * the URL) looks like it holds a secret: it contains one of the words
 * below, in any case and encoding. Stripping a harmless one ("zipcode")
 * only merges two pages in the store; keeping a secret would leak it. */
static bool secret_param(const char *name, size_t n)
{
    static const char *const words[] = {"token", "key",  "secret", "pass",       "pwd",  "auth",
                                        "sig",   "sess", "sid",    "credential", "code", "otp"};
    char low[64];
    size_t m = 0;
    for (size_t i = 0; i < n && m < sizeof low - 1; i++) {
        unsigned char c = (unsigned char)name[i];
        int hi = i + 2 < n ? hex_digit((unsigned char)name[i + 1]) : -1;
        int lo = i + 2 < n ? hex_digit((unsigned char)name[i + 2]) : -1;
        if (c == '%' && hi >= 0 && lo >= 0) {
            c = (unsigned char)(hi * 16 + lo);
            i += 2;
        }
        low[m++] = (char)tally_to_lower(c);
    }
    low[m] = '\0';
    if (m == sizeof low - 1) /* a name this long is nobody's plain parameter */
        return true;
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
        if (strstr(low, words[w]) != NULL)
            return true;
    return false;
}

/* The query `q` without its secret-looking parameters, or NULL when none is
 * left. Caller frees. */
static char *public_query(const char *q)
{
    size_t len = strlen(q);
    char *out = tally_xmalloc(len + 1);
    size_t o = 0;
    for (const char *p = q; *p != '\0';) {
        size_t n = strcspn(p, "&;");
        size_t name = strcspn(p, "=&;");
        if (n > 0 && !secret_param(p, name)) {
            if (o > 0)
                out[o++] = '&';
            memcpy(out + o, p, n);
            o += n;
        }
        p += n;
        if (*p != '\0')
            p++;
    }
    out[o] = '\0';
    if (o == 0) {
        free(out);
        return NULL;
    }
    return out;
}

char *tally_url_public(const char *url)
{
    CURLU *u = curl_url();
    char *out = NULL, *q = NULL;
    if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK) {
        curl_url_set(u, CURLUPART_USER, NULL, 0);
        curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
        curl_url_set(u, CURLUPART_OPTIONS, NULL, 0);
        char *kept = NULL;
        if (curl_url_get(u, CURLUPART_QUERY, &q, 0) == CURLUE_OK && q != NULL)
            kept = public_query(q);
        curl_url_set(u, CURLUPART_QUERY, kept, 0);
        free(kept);
        curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
        char *s = NULL;
        if (curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK) {
            out = tally_xstrdup(s);
            curl_free(s);
        }
    }
    curl_free(q);
    curl_url_cleanup(u);
    if (out == NULL) { /* not a URL libcurl reads: nothing after a '?', '#' or '@' kept */
        /* a scheme only before the first '/', '?', '#' or '@' */
        const char *p = strstr(url, "://");
        size_t scheme =
            p != NULL && (size_t)(p - url) < strcspn(url, "/?#@") ? (size_t)(p + 3 - url) : 0;
        const char *rest = url + scheme;
        const char *at = strchr(rest, '@');
        size_t stop = strcspn(rest, "/?#");
        if (at != NULL && (size_t)(at - rest) < stop)
            rest = at + 1;
        size_t keep = strcspn(rest, "?#");
        out = tally_xmalloc(scheme + keep + 1);
        memcpy(out, url, scheme);
        memcpy(out + scheme, rest, keep);
        out[scheme + keep] = '\0';
    }
    return out;
}

char *tally_url_host(const char *url)
{
    CURLU *u = curl_url();
    char *out = NULL, *s = NULL;
    if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &s, 0) == CURLUE_OK) {
        out = tally_xstrdup(s);
        curl_free(s);
    }
    curl_url_cleanup(u);
    return out;
}
