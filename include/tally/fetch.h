/* tally: documents from the web (part of stage 1, read). A page is
 * downloaded with libcurl under fixed limits (only http and https, redirects
 * limited and re-checked, TLS verified, timeouts, a size limit checked while
 * the bytes arrive, a content type of text), and its metadata (title, outlet,
 * date) is taken from the page itself; the pipeline then ingests it like any
 * document. */
#ifndef TALLY_FETCH_H
#define TALLY_FETCH_H

#include <stdbool.h>
#include <stddef.h>

#include "tally/doc.h"
#include "tally/err.h"
#include "tally/mem.h"

/** The limits of a download; a zero field takes its default. */
typedef struct tally_fetch_opts {
    size_t max_bytes;        /* the most bytes a body may have (default 10 MB) */
    long timeout_ms;         /* the whole transfer (default 30 s) */
    long connect_timeout_ms; /* the connection (default 10 s, never more than timeout_ms) */
    long max_redirects;      /* redirects followed (default 5) */
    int retries;             /* tries again after a 429 or a 5xx status; -1 for none
                                (0: the default, 2) */
    long retry_wait_ms;      /* the first wait (default 1 s), doubled each time, with
                                up to a quarter more at random; a longer Retry-After
                                is honoured up to max_wait_ms */
    long max_wait_ms;        /* the longest wait (default 60 s): a Retry-After asking
                                for more ends the tries */
    long delay_ms;           /* between two requests to one host (scheme, name and
                                port): default 1 s; -1 for none */
} tally_fetch_opts;

enum { TALLY_FETCH_MAX_BYTES = 10 * 1000 * 1000 };

/** A downloaded page: the raw bytes as they arrived. */
typedef struct tally_page {
    char *url;  /* the URL it came from after redirects (owned) */
    char *data; /* the body (owned; NUL-terminated, `len` bytes before it) */
    size_t len;
    tally_format format; /* from the content type: HTML, Markdown or plain text */
    bool feed;           /* the content type is a feed's (RSS, Atom, XML): no format */
    bool not_modified;   /* a 304 answered the validators given: no body */
    char *content_type;  /* as the server said it, or NULL (owned) */
    char *charset;       /* its charset parameter, lowercase, or NULL (owned) */
    char *etag;          /* the response's ETag, or NULL (owned) */
    char *last_modified; /* the response's Last-Modified, or NULL (owned) */
    /* what a feed said of the page (borrowed; NULL when none): the title
       and date of its document when the page itself gives none */
    const char *feed_title, *feed_date;
} tally_page;

typedef struct tally_fetcher tally_fetcher;

/** A downloader with `opts` (NULL: the defaults) whose User-Agent is
 *  `user_agent`. Free with tally_fetcher_close. Returns 0, or TALLY_ENOMEM
 *  with `err` set when libcurl cannot start. */
int tally_fetcher_open(tally_fetcher **out, const tally_fetch_opts *opts, const char *user_agent,
                       tally_err *err) TALLY_MUST_CHECK;
/** Frees `f`; accepts NULL. */
void tally_fetcher_close(tally_fetcher *f);

/** Downloads `url` into `page` (free with tally_page_free), politely: the
 *  host's robots.txt is read first (once per fetcher and host; RFC 9309:
 *  a 4xx means no rules, a 5xx or no answer forbids all) and honoured for
 *  the User-Agent's product token, and requests to one host are
 *  opts.delay_ms apart. Redirects are followed one request at a time (at
 *  most opts.max_redirects, each to http or https), each hop checked as
 *  the first request is: its host's robots.txt and delay; page->url is
 *  where the last one led. `etag` and `last_modified` (either may be NULL)
 *  are sent as If-None-Match and If-Modified-Since with every hop: a 304
 *  answer sets page->not_modified and gives no body. Returns 0, or a negative code with
 *  `err` saying why, without the URL: TALLY_EUSAGE for a URL that is not
 *  http or https, TALLY_ELIMIT for a body over the size limit, TALLY_EINPUT
 *  for a content type that is not HTML, text, Markdown, RSS or Atom, or a
 *  URL robots.txt forbids, TALLY_EIO for the network (a timeout, a redirect
 *  loop, an HTTP status of 400 or more); after a redirect, the message
 *  begins "redirected to URL: " (the URL without its secrets). A 429 (Too Many Requests) or a 5xx
 *  status is tried again (opts.retries), after the wait its Retry-After
 *  asks for, else after a doubling wait with jitter. */
int tally_fetch(tally_fetcher *f, const char *url, const char *etag, const char *last_modified,
                tally_page *page, tally_err *err) TALLY_MUST_CHECK;

/** Whether robots.txt `txt[0..len)` lets the crawler whose product token
 *  is `agent` ("tally") fetch `path` (the URL's path and query, from its
 *  first '/'): RFC 9309, the group of `agent` else of "*", the longest
 *  matching Allow or Disallow (with * and $) deciding, Allow on a tie. */
bool tally_robots_allows(const char *txt, size_t len, const char *agent, const char *path);
void tally_page_free(tally_page *page);

/** Metadata a page states about itself; each field is NULL when absent
 *  (owned, valid UTF-8; free with tally_page_meta_free). */
typedef struct tally_page_meta {
    char *title;  /* og:title, else JSON-LD headline, else <title> */
    char *outlet; /* og:site_name, else JSON-LD publisher's name */
    char *date;   /* YYYY-MM-DD of article:published_time, else JSON-LD
                     datePublished, else the first <time datetime> */
} tally_page_meta;

/** Reads the metadata of the HTML `html[0..len)` (not NUL-terminated) with
 *  libxml2's HTML parser. Never fails: what cannot be read is absent. */
void tally_page_meta_read(const char *html, size_t len, tally_page_meta *out);
void tally_page_meta_free(tally_page_meta *m);

/** The document tally ingests for `page`, as a NAME.txt holds it: a
 *  header (url: the public URL, title, outlet (else its host's,
 *  tally_url_outlet), date: from the page's metadata, else from the feed
 *  that linked it) and, after a blank line, the body decoded into text.
 *  Appended to `out` (the caller's, with its limit); `*invalid_utf8` gets
 *  the invalid sequences replaced. Returns 0, TALLY_EINPUT for a body that
 *  is binary, or TALLY_ELIMIT when `out` is full; `err` set. */
int tally_page_document(const tally_page *page, tally_buf *out, size_t *invalid_utf8,
                        tally_err *err) TALLY_MUST_CHECK;

/** The URL as it may be stored and shown: without user name, password,
 *  fragment and any query parameter whose name looks like a secret (has
 *  token, key, secret, pass, pwd, auth, sig, sess, sid, credential, code or
 *  otp in it, in any case): "https://u:p@x.org/a?id=2&token=1#b" ->
 *  "https://x.org/a?id=2". A string libcurl does not read as a URL loses
 *  everything from its first '?' or '#'. Caller frees. */
char *tally_url_public(const char *url);
/** The host of `url` ("https://www.x.org:8080/a" -> "www.x.org"), or NULL.
 *  Caller frees. */
char *tally_url_host(const char *url);
/** The outlet's name data/outlets.tsv gives `host` ("www.reuters.com" ->
 *  "Reuters"), looked up without "www.", a final dot or capitals, and by
 *  the nearest domain `host` is under when it is not listed itself
 *  ("au.news.yahoo.com" -> the line of "yahoo.com"); NULL when neither is
 *  listed. Caller frees. */
char *tally_outlet_name(const char *host);
/** The outlet of a document that gives `url` and no outlet: the name of
 *  its host (tally_outlet_name), else the host without "www."; NULL when
 *  `url` has no host. Caller frees. */
char *tally_url_outlet(const char *url);

/** One item of a feed. */
typedef struct tally_feed_item {
    char *id;    /* the RSS guid or Atom id, else the link (never NULL) */
    char *link;  /* the item's page, an absolute URL; NULL when it has none */
    char *title; /* one line, or NULL */
    char *date;  /* YYYY-MM-DD of its pubDate / published (else updated), or NULL */
} tally_feed_item;

/** A feed's items, in the feed's order. */
typedef struct tally_feed {
    tally_feed_item *items;
    size_t n;
} tally_feed;

enum { TALLY_FEED_MAX_ITEMS = 10000 };

/** Reads the RSS 2.0 (or 0.9x, 1.0) or Atom feed `xml[0..len)` with
 *  libxml2 (no network, no DTD, no external or user-defined entities
 *  expanded). Links are made absolute against `base` (the feed's URL; may
 *  be NULL); an item with neither id nor link is left out; at most
 *  TALLY_FEED_MAX_ITEMS items are kept. Returns 0, or TALLY_EINPUT with
 *  `err` saying why: not well-formed XML (with the line), or XML that is
 *  not a feed. Free with tally_feed_free. */
int tally_feed_parse(const char *xml, size_t len, const char *base, tally_feed *out,
                     tally_err *err) TALLY_MUST_CHECK;
void tally_feed_free(tally_feed *feed);

#endif
