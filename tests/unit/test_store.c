/* Tests of the store (src/store): documents, claims, sources, identity and
 * filters, through the library API on a temporary database. */
#include "tally/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "harness.h"
#include "store_impl.h"
#include "tally/import.h"
#include "tally/ingest.h"

static char db_path[64];

static tally_store *fresh(void)
{
    snprintf(db_path, sizeof db_path, "/tmp/tally-test-store-%ld.db", (long)getpid());
    char side[80];
    remove(db_path);
    snprintf(side, sizeof side, "%s-wal", db_path);
    remove(side);
    snprintf(side, sizeof side, "%s-shm", db_path);
    remove(side);
    tally_store *s = NULL;
    tally_err err = {0};
    CHECK_INT_EQ(tally_store_open(db_path, TALLY_STORE_WRITE, &s, &err), 0);
    return s;
}

static int collect(const tally_claim_row *r, void *user)
{
    char *out = user;
    char one[160];
    snprintf(one, sizeof one, "%s:%s>%s:%g:%s:%s;", r->doc, r->claim.supplier, r->claim.recipient,
             r->claim.has_low ? r->claim.low : r->claim.high, r->claim.source,
             r->sentence != NULL ? "s" : "-");
    strcat(out, one);
    return 0;
}

static void claims_of(tally_store *s, const tally_claim_filter *f, char *out)
{
    tally_err err = {0};
    out[0] = '\0';
    CHECK_INT_EQ(tally_store_claims(s, f, collect, out, &err), 0);
}

/* One document written by hand: "Pyongyang sent 500 containers to Moscow." */
static void test_ingest_and_identity(void)
{
    tally_store *s = fresh();
    const char *text = "url: https://example.org/a\ndate: 2024-03-01\n\n"
                       "North Korea sent 500 containers to Russia, Shin Won-sik said.\n";
    tally_ingest_input in = {.data = text, .len = strlen(text), .name = "a", .origin = "a.txt"};
    tally_ingest_result res;
    tally_err err = {0};
    CHECK_INT_EQ(tally_store_begin(s, &err), 0);
    CHECK_INT_EQ(tally_ingest(s, &in, &res, &err), 0);
    CHECK_INT_EQ(res.status, TALLY_DOC_NEW);
    CHECK_INT_EQ(res.claims, 1);
    CHECK_INT_EQ(tally_ingest(s, &in, &res, &err), 0);
    CHECK_INT_EQ(res.status, TALLY_DOC_UNCHANGED);
    CHECK_INT_EQ(res.claims, 0);
    CHECK_INT_EQ(tally_store_commit(s, &err), 0);

    char out[1024];
    tally_claim_filter all = {0};
    claims_of(s, &all, out);
    CHECK_STR_EQ(out, "a:PRK>RUS:500:Shin Won-sik:s;");

    /* a new version under the same URL: replaced, one claim still */
    const char *v2 = "url: https://example.org/a\ndate: 2024-03-04\n\n"
                     "North Korea sent 700 containers to Russia, Shin Won-sik said.\n";
    in.data = v2;
    in.len = strlen(v2);
    CHECK_INT_EQ(tally_store_begin(s, &err), 0);
    CHECK_INT_EQ(tally_ingest(s, &in, &res, &err), 0);
    CHECK_INT_EQ(res.status, TALLY_DOC_REPLACED);
    CHECK_INT_EQ(tally_store_commit(s, &err), 0);
    claims_of(s, &all, out);
    CHECK_STR_EQ(out, "a:PRK>RUS:700:Shin Won-sik:s;");

    /* an empty body fails and leaves nothing behind */
    const char *empty = "url: https://example.org/e\n\n  \n";
    tally_ingest_input e = {.data = empty, .len = strlen(empty), .name = "e", .origin = "e.txt"};
    CHECK(tally_ingest(s, &e, &res, &err) == TALLY_EINPUT);
    CHECK(strstr(err.msg, "e.txt: empty document") != NULL);
    tally_store_close(s);
    remove(db_path);
}

static void put(tally_store *s, const char *key, const char *sup, const char *rec, double low,
                const char *as_of, const char *source)
{
    tally_err err = {0};
    tally_store_doc d = {.key = key, .name = key, .hash = key, .date = "2024-01-01"};
    int64_t id;
    CHECK_INT_EQ(tally_store_put_doc(s, &d, &id, &err), 0);
    tally_claim c = {.kind = TALLY_KIND_TRANSFER,
                     .items = 1u << (unsigned)tally_item_parse("artillery-shell"),
                     .unit = TALLY_UNIT_ROUND,
                     .has_low = true,
                     .low = low,
                     .source = source};
    strcpy(c.supplier, sup);
    strcpy(c.recipient, rec);
    CHECK_INT_EQ(tally_date_parse(as_of, strlen(as_of), &c.as_of), 0);
    CHECK_INT_EQ(tally_store_put_claim(s, id, &c, NULL, "2024-01-01", NULL, &err), 0);
}

static void test_filters(void)
{
    tally_store *s = fresh();
    tally_err err = {0};
    CHECK_INT_EQ(tally_store_begin(s, &err), 0);
    put(s, "d1", "PRK", "RUS", 1, "2023-10", "NIS (National Intelligence Service)");
    put(s, "d2", "PRK", "RUS", 2, "2024-02-26", "Shin Won-sik (ROK Defence Minister)");
    put(s, "d3", "RUS", "PRK", 3, "2024-11", "author");
    put(s, "d4", "IRN", "RUS", 4, "2024", "100%_sure");
    CHECK_INT_EQ(tally_store_commit(s, &err), 0);
    char out[1024];
    tally_claim_filter f = {.supplier = "PRK"};
    claims_of(s, &f, out);
    CHECK_STR_EQ(out, "d1:PRK>RUS:1:NIS:-;d2:PRK>RUS:2:Shin Won-sik:-;");
    f = (tally_claim_filter){.source = "shin"};
    claims_of(s, &f, out);
    CHECK_STR_EQ(out, "d2:PRK>RUS:2:Shin Won-sik:-;");
    f = (tally_claim_filter){.source = "%_"};
    claims_of(s, &f, out);
    CHECK_STR_EQ(out, "d4:IRN>RUS:4:100%_sure:-;");
    /* until a year includes the whole year; since a month, that month */
    f = (tally_claim_filter){.until = "2024-02"};
    claims_of(s, &f, out);
    CHECK_STR_EQ(out, "d1:PRK>RUS:1:NIS:-;d4:IRN>RUS:4:100%_sure:-;d2:PRK>RUS:2:Shin Won-sik:-;");
    f = (tally_claim_filter){.since = "2024-02", .until = "2024"};
    claims_of(s, &f, out);
    CHECK_STR_EQ(out, "d2:PRK>RUS:2:Shin Won-sik:-;d3:RUS>PRK:3:author:-;");
    f = (tally_claim_filter){.item = "artillery-shell", .kind = "transfer", .limit = 1};
    claims_of(s, &f, out);
    CHECK_STR_EQ(out, "d1:PRK>RUS:1:NIS:-;");
    /* a state read in id order, not by its index; the kind tested a row */
    f = (tally_claim_filter){.recipient = "RUS", .lean = true, .by_id = true};
    claims_of(s, &f, out);
    CHECK_STR_EQ(out, "d1:PRK>RUS:1:NIS:-;d2:PRK>RUS:2:Shin Won-sik:-;d4:IRN>RUS:4:100%_sure:-;");
    f = (tally_claim_filter){
        .supplier = "PRK", .kind = "transfer", .id_from = 2, .lean = true, .by_id = true};
    claims_of(s, &f, out);
    CHECK_STR_EQ(out, "d2:PRK>RUS:2:Shin Won-sik:-;");
    f.kind = "stock";
    claims_of(s, &f, out);
    CHECK_STR_EQ(out, "");
    /* states counted on their indexes, up to a limit */
    int64_t n = -1;
    CHECK_INT_EQ(tally_store_count_states(s, NULL, "RUS", 10, &n, &err), 0);
    CHECK_INT_EQ(n, 3);
    CHECK_INT_EQ(tally_store_count_states(s, NULL, "RUS", 2, &n, &err), 0);
    CHECK_INT_EQ(n, 2);
    CHECK_INT_EQ(tally_store_count_states(s, "PRK", "RUS", 10, &n, &err), 0);
    CHECK_INT_EQ(n, 2);
    CHECK_INT_EQ(tally_store_count_states(s, "RUS", NULL, 10, &n, &err), 0);
    CHECK_INT_EQ(n, 1);
    CHECK_INT_EQ(tally_store_count_states(s, "RUS", "RUS", 10, &n, &err), 0);
    CHECK_INT_EQ(n, 0);
    int64_t lo = -1, hi = -1;
    CHECK_INT_EQ(tally_store_claim_ids(s, &lo, &hi, &err), 0);
    CHECK(lo == 1 && hi == 4);
    f = (tally_claim_filter){.item = "shells"};
    CHECK(tally_store_claims(s, &f, collect, out, &err) == TALLY_EUSAGE);
    f = (tally_claim_filter){.since = "2024-02-30"};
    CHECK(tally_store_claims(s, &f, collect, out, &err) == TALLY_EUSAGE);
    tally_store_close(s);
    remove(db_path);
}

static void test_source_kinds(void)
{
    CHECK_STR_EQ(tally_source_kind("author"), "author");
    CHECK_STR_EQ(tally_source_kind("Shin Won-sik"), "official");
    CHECK_STR_EQ(tally_source_kind("US State Department (fact sheet)"), "government");
    CHECK_STR_EQ(tally_source_kind("NIS"), "intelligence");
    CHECK_STR_EQ(tally_source_kind("Bloomberg"), "outlet");
    CHECK_STR_EQ(tally_source_kind("CSIS (Beyond Parallel)"), "think-tank");
    CHECK_STR_EQ(tally_source_kind("South Korean JCS official"), "government");
    CHECK_STR_EQ(tally_source_kind("Col. Someone (deputy minister)"), "official");
    CHECK_STR_EQ(tally_source_kind("Western intelligence sources"), "intelligence");
    CHECK_STR_EQ(tally_source_kind("a blogger"), "other");
}

static void test_url_names(void)
{
    char *n = tally_url_name("https://example.org/world/story-of-shells.html?id=3#top");
    CHECK_STR_EQ(n, "story-of-shells");
    free(n);
    n = tally_url_name("https://example.org/news/1907006/");
    CHECK_STR_EQ(n, "1907006");
    free(n);
    n = tally_url_name("https://example.org");
    CHECK_STR_EQ(n, "example.org");
    free(n);
}

static void test_claim_names_round_trip(void)
{
    for (int k = TALLY_KIND_TRANSFER; k <= TALLY_KIND_FINANCIAL; k++)
        CHECK_INT_EQ(tally_kind_parse(tally_kind_name((tally_kind)k)), k);
    for (unsigned i = 0; i < TALLY_ITEM_COUNT; i++)
        CHECK_INT_EQ(tally_item_parse(tally_item_name(i)), (int)i);
    for (int q = TALLY_Q_EXACT; q <= TALLY_Q_RANGE; q++)
        CHECK_INT_EQ(tally_qualifier_parse(tally_qualifier_name((tally_qualifier)q)), q);
    tally_claim c = {0};
    CHECK_INT_EQ(tally_unit_parse("barrel", &c), 0);
    CHECK_INT_EQ(c.unit, TALLY_UNIT_BARREL);
    CHECK_INT_EQ(tally_unit_parse("RUB", &c), 0);
    CHECK_INT_EQ(c.unit, TALLY_UNIT_MONEY);
    CHECK_STR_EQ(tally_unit_name(&c), "RUB");
    CHECK_INT_EQ(tally_unit_parse("rub", &c), -1);
    CHECK_INT_EQ(tally_kind_parse("shipped"), -1);
}

/* The bundled record parses whole: every row is a claim. */
static void test_bundled_record(void)
{
    tally_store *s = fresh();
    size_t len;
    const char *csv = tally_public_record(&len);
    CHECK(len > 1000);
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += csv[i] == '\n';
    tally_import_stats st;
    tally_err err = {0};
    CHECK_INT_EQ(tally_import_csv(s, csv, len, "bundled", &st, NULL, NULL, &err), 0);
    CHECK_INT_EQ(st.failed, 0);
    CHECK_INT_EQ(st.rows, lines - 1);
    CHECK_INT_EQ(st.claims, lines - 1);
    tally_store_close(s);
    remove(db_path);
}

/* Ingests `text` as document `name` in its own transaction. */
static void ingest_text(tally_store *s, const char *name, const char *text)
{
    tally_ingest_input in = {.data = text, .len = strlen(text), .name = name, .origin = name};
    tally_ingest_result res;
    tally_err err = {0};
    CHECK_INT_EQ(tally_store_begin(s, &err), 0);
    CHECK_INT_EQ(tally_ingest(s, &in, &res, &err), 0);
    CHECK_INT_EQ(tally_store_commit(s, &err), 0);
}

static int count_rows(const tally_claim_row *r, void *user)
{
    (void)r;
    (*(int *)user)++;
    return 0;
}

/* A reader (tally serve's connection) holds no read transaction between
 * queries: it sees the writer's later commits, and the writer can
 * checkpoint and truncate the WAL while the reader stays open. Reading a
 * claim's sentence once kept a blob handle, and with it a snapshot, open. */
static void test_reader_holds_no_snapshot(void)
{
    tally_store *w = fresh();
    ingest_text(w, "a",
                "url: https://example.org/a\ndate: 2024-03-01\n\n"
                "North Korea sent 500 containers to Russia, Shin Won-sik said.\n");
    tally_store *r = NULL;
    tally_err err = {0};
    CHECK_INT_EQ(tally_store_open(db_path, TALLY_STORE_READ, &r, &err), 0);
    if (r == NULL) {
        tally_store_close(w);
        return;
    }
    int64_t v0 = 0, v1 = 0;
    CHECK_INT_EQ(tally_store_data_version(r, &v0, &err), 0);
    char out[1024];
    tally_claim_filter all = {0};
    claims_of(r, &all, out);
    CHECK_STR_EQ(out, "a:PRK>RUS:500:Shin Won-sik:s;");
    CHECK(sqlite3_txn_state(store_sqlite_handle(r), NULL) == SQLITE_TXN_NONE);

    ingest_text(w, "b",
                "url: https://example.org/b\ndate: 2024-04-01\n\n"
                "North Korea sent 700 containers to Russia, Shin Won-sik said.\n");
    CHECK_INT_EQ(tally_store_data_version(r, &v1, &err), 0);
    CHECK(v1 != v0);
    tally_claim_filter b = {.doc = "b"};
    int n = 0;
    CHECK_INT_EQ(tally_store_claims(r, &b, count_rows, &n, &err), 0);
    CHECK_INT_EQ(n, 1);
    /* no change, no new version */
    CHECK_INT_EQ(tally_store_data_version(r, &v0, &err), 0);
    CHECK_INT_EQ(tally_store_data_version(r, &v1, &err), 0);
    CHECK(v1 == v0);

    int log = -1, done = -1;
    sqlite3_busy_timeout(store_sqlite_handle(w), 0);
    CHECK_INT_EQ(sqlite3_wal_checkpoint_v2(store_sqlite_handle(w), NULL, SQLITE_CHECKPOINT_TRUNCATE,
                                           &log, &done),
                 SQLITE_OK);
    CHECK_INT_EQ(log, 0);
    tally_store_close(r);
    tally_store_close(w);
    remove(db_path);
}

/* Reading never writes: an empty file stays empty, and is not a database. */
static void test_read_never_writes(void)
{
    tally_store *s = fresh();
    tally_store_close(s);
    FILE *f = fopen(db_path, "w");
    CHECK(f != NULL);
    if (f != NULL)
        fclose(f);
    tally_err err = {0};
    CHECK_INT_EQ(tally_store_open(db_path, TALLY_STORE_READ, &s, &err), TALLY_EINPUT);
    CHECK(s == NULL);
    CHECK(strstr(err.msg, "empty") != NULL);
    FILE *g = fopen(db_path, "rb");
    CHECK(g != NULL && fgetc(g) == EOF);
    if (g != NULL)
        fclose(g);
    /* a writer makes it a database */
    CHECK_INT_EQ(tally_store_open(db_path, TALLY_STORE_WRITE, &s, &err), 0);
    tally_store_close(s);
    CHECK_INT_EQ(tally_store_open(db_path, TALLY_STORE_READ, &s, &err), 0);
    tally_store_close(s);
    remove(db_path);
}

/* One value of the first row of `sql`, as text ("" for none). */
static void sql_text(tally_store *s, const char *sql, char *out, size_t cap)
{
    sqlite3_stmt *st = NULL;
    out[0] = '\0';
    CHECK_INT_EQ(sqlite3_prepare_v2(store_sqlite_handle(s), sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
        snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

/* What the web keeps (schema 6): validators, feed items, raw bytes; and no
 * URL's credentials or secret-looking query parameters, whatever the
 * caller passes. */
static void test_web(void)
{
    tally_store *s = fresh();
    tally_err err = {0};
    const char *feed = "https://user:hunter2@news.example.org/feed.xml?lang=en&token=abc&"
                       "API_Key=k1&%73ig=zz#top";
    char *etag = NULL, *lm = NULL;
    CHECK_INT_EQ(tally_store_validators(s, feed, &etag, &lm, &err), 0);
    CHECK(etag == NULL && lm == NULL);
    CHECK_INT_EQ(
        tally_store_put_validators(s, feed, "\"v1\"", "Mon, 02 Dec 2024 10:00:00 GMT", &err), 0);
    /* found again by the same URL, and by its public form */
    CHECK_INT_EQ(tally_store_validators(s, feed, &etag, &lm, &err), 0);
    CHECK_STR_EQ(etag, "\"v1\"");
    CHECK_STR_EQ(lm, "Mon, 02 Dec 2024 10:00:00 GMT");
    free(etag);
    free(lm);
    CHECK_INT_EQ(
        tally_store_validators(s, "https://news.example.org/feed.xml?lang=en", &etag, &lm, &err),
        0);
    CHECK_STR_EQ(etag, "\"v1\"");
    free(etag);
    free(lm);
    char got[256];
    sql_text(s, "SELECT url FROM http_validators", got, sizeof got);
    CHECK_STR_EQ(got, "https://news.example.org/feed.xml?lang=en");
    /* an ETag alone replaces both; none forgets the URL */
    CHECK_INT_EQ(tally_store_put_validators(s, feed, "\"v2\"", NULL, &err), 0);
    CHECK_INT_EQ(tally_store_validators(s, feed, &etag, &lm, &err), 0);
    CHECK_STR_EQ(etag, "\"v2\"");
    CHECK(lm == NULL);
    free(etag);
    CHECK_INT_EQ(tally_store_put_validators(s, feed, NULL, NULL, &err), 0);
    CHECK_INT_EQ(tally_store_validators(s, feed, &etag, &lm, &err), 0);
    CHECK(etag == NULL && lm == NULL);

    /* items: a link cleaned as a URL, an opaque guid kept as it is */
    bool seen = true;
    const char *link = "https://news.example.org/a/1?session=s3cr3t&id=1";
    CHECK_INT_EQ(tally_store_item_seen(s, feed, link, &seen, &err), 0);
    CHECK(!seen);
    CHECK_INT_EQ(tally_store_put_item(s, feed, link, link, &err), 0);
    CHECK_INT_EQ(tally_store_put_item(s, feed, "1234@news.example.org", NULL, &err), 0);
    CHECK_INT_EQ(tally_store_put_item(s, feed, link, link, &err), 0); /* twice: one row */
    CHECK_INT_EQ(tally_store_item_seen(s, feed, link, &seen, &err), 0);
    CHECK(seen);
    CHECK_INT_EQ(tally_store_item_seen(s, "https://news.example.org/feed.xml?lang=en",
                                       "https://news.example.org/a/1?id=1", &seen, &err),
                 0);
    CHECK(seen);
    CHECK_INT_EQ(tally_store_item_seen(s, feed, "1234@news.example.org", &seen, &err), 0);
    CHECK(seen);
    CHECK_INT_EQ(tally_store_item_seen(s, "https://other.example.org/feed", link, &seen, &err), 0);
    CHECK(!seen);
    sql_text(s, "SELECT count(*) FROM feed_items", got, sizeof got);
    CHECK_STR_EQ(got, "2");
    sql_text(s, "SELECT group_concat(item, ' ') FROM (SELECT item FROM feed_items ORDER BY item)",
             got, sizeof got);
    CHECK_STR_EQ(got, "1234@news.example.org https://news.example.org/a/1?id=1");

    /* raw bytes, NUL and invalid UTF-8 included, kept as they are */
    static const char raw[] = "caf\xe9\0\xff!";
    CHECK_INT_EQ(
        tally_store_put_raw(s, link, "text/plain; charset=iso-8859-1", raw, sizeof raw - 1, &err),
        0);
    tally_buf b;
    tally_buf_init(&b, 1 << 20);
    bool found = false;
    CHECK_INT_EQ(tally_store_raw(s, "https://news.example.org/a/1?id=1", &b, &found, &err), 0);
    CHECK(found);
    CHECK_INT_EQ((long long)b.len, (long long)(sizeof raw - 1));
    CHECK(memcmp(b.ptr, raw, sizeof raw - 1) == 0);
    tally_buf_free(&b);

    /* nothing secret anywhere */
    sql_text(s,
             "SELECT count(*) FROM (SELECT feed || item || coalesce(link, '') AS v FROM feed_items"
             " UNION ALL SELECT url FROM http_validators UNION ALL SELECT url FROM raw_pages)"
             " WHERE v LIKE '%hunter2%' OR v LIKE '%user%' OR v LIKE '%token%' OR v LIKE"
             " '%key%' OR v LIKE '%sig%' OR v LIKE '%session%' OR v LIKE '%#%'",
             got, sizeof got);
    CHECK_STR_EQ(got, "0");
    tally_store_close(s);
    remove(db_path);
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"ingest_and_identity", test_ingest_and_identity},
        {"filters", test_filters},
        {"source_kinds", test_source_kinds},
        {"url_names", test_url_names},
        {"claim_names_round_trip", test_claim_names_round_trip},
        {"bundled_record", test_bundled_record},
        {"reader_holds_no_snapshot", test_reader_holds_no_snapshot},
        {"read_never_writes", test_read_never_writes},
        {"web", test_web},
        {NULL, NULL},
    };
    return harness_run(tests);
}
