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

/* ---- tally copy: the web's tables ------------------------------------------------ */

/* How tally copy moves one of the web's tables. The source's rows are read
 * a page at a time in the order of their key (keyset paging, so that a
 * table of any size costs one page in memory; a raw page may be as large as
 * the fetch limit, so those come one at a time), and each is written into
 * the target unless the target holds it already as it is: RETURNING gives
 * a row only for a row written, so that a second copy counts none. URLs are
 * cleaned again, as by every writer here. */
typedef struct web_table {
    const char *what;   /* for messages */
    const char *first;  /* the first page of rows */
    const char *after;  /* the page after the key ?1 (, ?2): the same columns */
    const char *insert; /* ?1 ... the columns, in the selects' order */
    int ncols, nkeys;   /* the key is the first nkeys columns */
    int blob;           /* the column of bytes, or -1 */
    int item;           /* the column of a feed item's id, or -1 */
    unsigned urls;      /* bit i: column i is a URL */
} web_table;

static const web_table web_tables[] = {
    /* an item the target has seen keeps its first_seen: it was seen first there */
    {"copying feed items",
     "SELECT feed, item, link, first_seen FROM feed_items ORDER BY feed, item LIMIT 500",
     "SELECT feed, item, link, first_seen FROM feed_items WHERE (feed, item) > (?1, ?2)"
     " ORDER BY feed, item LIMIT 500",
     "INSERT INTO feed_items (feed, item, link, first_seen) VALUES (?1, ?2, ?3, ?4)"
     " ON CONFLICT (feed, item) DO UPDATE SET link = excluded.link"
     " WHERE feed_items.link IS DISTINCT FROM excluded.link RETURNING 1",
     4, 2, -1, 1, 1u << 0 | 1u << 2},
    /* the source's validators, as its documents, replace the target's */
    {"copying HTTP validators",
     "SELECT url, etag, last_modified, checked_at FROM http_validators ORDER BY url LIMIT 500",
     "SELECT url, etag, last_modified, checked_at FROM http_validators WHERE url > ?1"
     " ORDER BY url LIMIT 500",
     "INSERT INTO http_validators (url, etag, last_modified, checked_at) VALUES (?1, ?2, ?3, ?4)"
     " ON CONFLICT (url) DO UPDATE SET etag = excluded.etag,"
     " last_modified = excluded.last_modified, checked_at = excluded.checked_at"
     " WHERE http_validators.etag IS DISTINCT FROM excluded.etag"
     " OR http_validators.last_modified IS DISTINCT FROM excluded.last_modified"
     " OR http_validators.checked_at IS DISTINCT FROM excluded.checked_at RETURNING 1",
     4, 1, -1, -1, 1u << 0},
    {"copying raw pages",
     "SELECT url, content_type, fetched_at, bytes FROM raw_pages ORDER BY url LIMIT 1",
     "SELECT url, content_type, fetched_at, bytes FROM raw_pages WHERE url > ?1"
     " ORDER BY url LIMIT 1",
     "INSERT INTO raw_pages (url, content_type, fetched_at, bytes) VALUES (?1, ?2, ?3, ?4)"
     " ON CONFLICT (url) DO UPDATE SET content_type = excluded.content_type,"
     " fetched_at = excluded.fetched_at, bytes = excluded.bytes"
     " WHERE raw_pages.content_type IS DISTINCT FROM excluded.content_type"
     " OR raw_pages.fetched_at IS DISTINCT FROM excluded.fetched_at"
     " OR raw_pages.bytes IS DISTINCT FROM excluded.bytes RETURNING 1",
     4, 1, 3, -1, 1u << 0},
};

/* Writes the row `sel` is on into `to`: 1 when it changed the target, 0
 * when the target held it already, or an error code with `err` set. */
static int copy_web_row(tally_store *to, const web_table *t, store_stmt *sel, tally_err *err)
{
    store_stmt *ins = store_query(to, t->insert, err);
    if (ins == NULL)
        return err->code;
    char *clean[4] = {NULL, NULL, NULL, NULL};
    for (int i = 0; i < t->ncols; i++) {
        if (i == t->blob) {
            size_t n = 0;
            const char *b = store_col_bytes(sel, i, &n);
            ins->be->bind_bytes(ins, i + 1, n > 0 ? b : "", n, true, false);
            continue;
        }
        const char *v = store_col_text(sel, i);
        if (v != NULL && i == t->item)
            v = clean[i] = item_key(v);
        else if (v != NULL && (t->urls >> i & 1u))
            v = clean[i] = tally_url_public(v);
        store_bind_cstr(ins, i + 1, v);
    }
    int step = store_step(ins);
    int rc = step == STORE_ROW ? 1 : step == STORE_DONE ? 0 : store_fail(to, err, t->what);
    store_query_done(to, ins);
    for (int i = 0; i < t->ncols; i++)
        free(clean[i]);
    return rc;
}

/* Copies table `t` of `from` into `to`, `batch` rows to a transaction;
 * *copied counts the rows written (those of a batch undone taken off). */
static int copy_web_table(tally_store *from, tally_store *to, const web_table *t, size_t batch,
                          int64_t *copied, tally_err *err)
{
    char *key[2] = {NULL, NULL}; /* the last row's key in the source */
    size_t in_batch = 0;
    int64_t batch_copied = 0;
    int rc = 0;
    for (bool more = true; rc == 0 && more;) {
        store_stmt *sel = store_query(from, key[0] == NULL ? t->first : t->after, err);
        if (sel == NULL) {
            rc = err->code;
            break;
        }
        for (int k = 0; k < t->nkeys && key[0] != NULL; k++)
            store_bind_cstr(sel, 1 + k, key[k]);
        more = false;
        int step;
        while (rc == 0 && (step = store_step(sel)) == STORE_ROW) {
            more = true;
            if (in_batch == 0 && (rc = tally_store_begin(to, err)) != 0)
                break;
            rc = copy_web_row(to, t, sel, err);
            if (rc < 0)
                break;
            batch_copied += rc;
            rc = 0;
            for (int k = 0; k < t->nkeys; k++) {
                const char *v = store_col_text(sel, k);
                free(key[k]);
                key[k] = tally_xstrdup(v != NULL ? v : "");
            }
            if (++in_batch == batch) {
                in_batch = 0;
                rc = tally_store_commit(to, err);
                if (rc == 0) {
                    *copied += batch_copied;
                    batch_copied = 0;
                }
            }
        }
        if (rc == 0 && step != STORE_DONE)
            rc = store_fail(from, err, t->what);
        store_query_done(from, sel);
    }
    if (rc == 0 && in_batch > 0)
        rc = tally_store_commit(to, err);
    if (rc == 0)
        *copied += batch_copied;
    else if (in_batch > 0)
        tally_store_rollback(to);
    free(key[0]);
    free(key[1]);
    return rc;
}

int store_copy_web(tally_store *from, tally_store *to, tally_copy_stats *st, tally_err *err)
{
    int64_t *counts[] = {&st->feed_items, &st->validators, &st->raw_pages};
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < sizeof web_tables / sizeof web_tables[0]; i++)
        rc = copy_web_table(from, to, &web_tables[i], 200, counts[i], err);
    return rc;
}
