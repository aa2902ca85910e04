/* tally: what reading the web keeps in the store (stage 3; schema 6): the
 * items of each feed already ingested, each URL's HTTP validators and each
 * page's raw bytes. Every URL is cleaned here, whoever calls, so that no
 * credential or secret-looking query parameter is ever written.
 * Part of stage 3, the store: includes the public headers of base, the model,
 * read and extract, and the store's own. */
#include "store_impl.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tally/ascii.h"
#include "tally/fetch.h"
#include "tally/mem.h"

/* A feed item's id as stored: a URL cleaned as any URL; another id (an
 * RSS guid that is no link, an Atom "tag:" or "urn:" id) as it is. */
static char *item_key(const char *item)
{
    size_t n = 0;
    while (item[n] != '\0' && item[n] != ':' && n < 6)
        n++;
    char scheme[8] = "";
    for (size_t i = 0; i < n; i++)
        scheme[i] = (char)tally_to_lower((unsigned char)item[i]);
    bool url = item[n] == ':' && (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0);
    return url ? tally_url_public(item) : tally_xstrdup(item);
}

static char *column_dup(store_stmt *st, int i)
{
    const char *v = store_col_text(st, i);
    return v != NULL ? tally_xstrdup(v) : NULL;
}

/* A statement of the SQL `head`, the dialect's time now, then `tail`, from
 * the store's query cache. */
static store_stmt *query_now(tally_store *s, const char *head, const char *tail, tally_err *err)
{
    tally_buf sql;
    tally_buf_init(&sql, SIZE_MAX);
    const char *now = s->be->sql->now;
    (void)tally_buf_append(&sql, head, strlen(head));
    (void)tally_buf_append(&sql, now, strlen(now));
    (void)tally_buf_append(&sql, tail, strlen(tail) + 1); /* with its NUL */
    store_stmt *st = store_query(s, sql.ptr, err);
    tally_buf_free(&sql);
    return st;
}

int tally_store_validators(tally_store *s, const char *url, char **etag, char **last_modified,
                           tally_err *err)
{
    *etag = *last_modified = NULL;
    char *key = tally_url_public(url);
    store_stmt *st =
        store_query(s, "SELECT etag, last_modified FROM http_validators WHERE url = ?1", err);
    int rc = st == NULL ? err->code : 0;
    if (rc == 0) {
        store_bind_cstr(st, 1, key);
        int step = store_step(st);
        if (step == STORE_ROW) {
            *etag = column_dup(st, 0);
            *last_modified = column_dup(st, 1);
        } else if (step != STORE_DONE) {
            rc = store_fail(s, err, "reading a URL's validators");
        }
        store_query_done(s, st);
    }
    free(key);
    return rc;
}

int tally_store_put_validators(tally_store *s, const char *url, const char *etag,
                               const char *last_modified, tally_err *err)
{
    char *key = tally_url_public(url);
    bool none =
        (etag == NULL || etag[0] == '\0') && (last_modified == NULL || last_modified[0] == '\0');
    store_stmt *st =
        none
            ? store_query(s, "DELETE FROM http_validators WHERE url = ?1", err)
            : query_now(s,
                        "INSERT INTO http_validators (url, etag, last_modified, checked_at)"
                        " VALUES (?1, ?2, ?3, ",
                        ") ON CONFLICT (url) DO UPDATE SET etag = excluded.etag,"
                        " last_modified = excluded.last_modified, checked_at = excluded.checked_at",
                        err);
    int rc = st == NULL ? err->code : 0;
    if (rc == 0) {
        store_bind_cstr(st, 1, key);
        if (!none) {
            store_bind_text(st, 2, etag);
            store_bind_text(st, 3, last_modified);
        }
        if (store_step(st) != STORE_DONE)
            rc = store_fail(s, err, "keeping a URL's validators");
        store_query_done(s, st);
    }
    free(key);
    return rc;
}

int tally_store_item_seen(tally_store *s, const char *feed, const char *item, bool *seen,
                          tally_err *err)
{
    *seen = false;
    char *fk = tally_url_public(feed), *ik = item_key(item);
    store_stmt *st = store_query(s, "SELECT 1 FROM feed_items WHERE feed = ?1 AND item = ?2", err);
    int rc = st == NULL ? err->code : 0;
    if (rc == 0) {
        store_bind_cstr(st, 1, fk);
        store_bind_cstr(st, 2, ik);
        int step = store_step(st);
        if (step == STORE_ROW)
            *seen = true;
        else if (step != STORE_DONE)
            rc = store_fail(s, err, "reading a feed's items");
        store_query_done(s, st);
    }
    free(fk);
    free(ik);
    return rc;
}

int tally_store_put_item(tally_store *s, const char *feed, const char *item, const char *link,
                         tally_err *err)
{
    char *fk = tally_url_public(feed), *ik = item_key(item);
    char *lk = link != NULL ? tally_url_public(link) : NULL;
    store_stmt *st =
        query_now(s,
                  "INSERT INTO feed_items (feed, item, link, first_seen)"
                  " VALUES (?1, ?2, ?3, ",
                  ") ON CONFLICT (feed, item) DO UPDATE SET link = excluded.link", err);
    int rc = st == NULL ? err->code : 0;
    if (rc == 0) {
        store_bind_cstr(st, 1, fk);
        store_bind_cstr(st, 2, ik);
        store_bind_text(st, 3, lk);
        if (store_step(st) != STORE_DONE)
            rc = store_fail(s, err, "keeping a feed's item");
        store_query_done(s, st);
    }
    free(fk);
    free(ik);
    free(lk);
    return rc;
}

int tally_store_put_raw(tally_store *s, const char *url, const char *content_type,
                        const void *bytes, size_t len, tally_err *err)
{
    char *key = tally_url_public(url);
    store_stmt *st = query_now(s,
                               "INSERT INTO raw_pages (url, content_type, fetched_at, bytes)"
                               " VALUES (?1, ?2, ",
                               ", ?3) ON CONFLICT (url) DO UPDATE SET"
                               " content_type = excluded.content_type,"
                               " fetched_at = excluded.fetched_at, bytes = excluded.bytes",
                               err);
    int rc = st == NULL ? err->code : 0;
    if (rc == 0) {
        store_bind_cstr(st, 1, key);
        store_bind_text(st, 2, content_type);
        /* an empty body is a zero-length blob, never NULL */
        st->be->bind_bytes(st, 3, len > 0 ? bytes : "", len, true, false);
        if (store_step(st) != STORE_DONE)
            rc = store_fail(s, err, "keeping a page's bytes");
        store_query_done(s, st);
    }
    free(key);
    return rc;
}

int tally_store_raw(tally_store *s, const char *url, tally_buf *out, bool *found, tally_err *err)
{
    *found = false;
    char *key = tally_url_public(url);
    store_stmt *st = store_query(s, "SELECT bytes FROM raw_pages WHERE url = ?1", err);
    int rc = st == NULL ? err->code : 0;
    if (rc == 0) {
        store_bind_cstr(st, 1, key);
        int step = store_step(st);
        if (step == STORE_ROW) {
            *found = true;
            size_t n = 0;
            const char *b = store_col_bytes(st, 0, &n);
            if (n > 0 && tally_buf_append(out, b, n) != 0)
                rc = tally_err_set(err, TALLY_ELIMIT, "a page's bytes are over the limit");
        } else if (step != STORE_DONE) {
            rc = store_fail(s, err, "reading a page's bytes");
        }
        store_query_done(s, st);
    }
    free(key);
    return rc;
}
