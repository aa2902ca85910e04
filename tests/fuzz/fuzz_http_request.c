/* Fuzz target: an HTTP request as tally serve meets it. The bytes are a
 * request head for the gate (http_head_check: the request line, header
 * lines, limits); their first line's method and target then go to the
 * server's handler (tally_serve_answer: decoding, parameters, routing and
 * every endpoint) on a small database made once per process: the bundled
 * record and one article. Whatever the bytes, the head is complete, partial
 * or refused with a 4xx/505 and a message, and the answer is a known status
 * with a JSON body (an error object for an error) unless it is a file of
 * the dashboard. */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "http_gate.h"
#include "tally/import.h"
#include "tally/ingest.h"
#include "tally/serve.h"
#include "tally/store.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

static tally_server *srv;
static char db_path[256];

static void remove_db(void)
{
    static const char *const sides[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        char p[300];
        snprintf(p, sizeof p, "%s%s", db_path, sides[i]);
        remove(p);
    }
}

static void cleanup(void)
{
    tally_serve_stop(srv);
    srv = NULL;
    remove_db();
}

static void make_server(void)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(db_path, sizeof db_path, "%s/tally-fuzz-http-%ld.db",
             tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp", (long)getpid());
    remove_db();
    static const char article[] =
        "url: https://example.org/fuzz/shells\ndate: 2024-03-01\ntitle: Shells\n\n"
        "North Korea sent 500 containers of munitions to Russia, Shin Won-sik said.\n\n"
        "Russia shipped about 1 million barrels of oil to North Korea in 2024, a think tank "
        "said.\n";
    tally_store *s;
    tally_err err = {0};
    size_t len;
    const char *csv = tally_public_record(&len);
    tally_import_stats st;
    tally_ingest_input in = {
        .data = article, .len = sizeof article - 1, .name = "shells", .origin = "fuzz"};
    tally_ingest_result res;
    if (tally_store_open(db_path, TALLY_STORE_WRITE, &s, &err) != 0 ||
        tally_import_csv(s, csv, len, "record", &st, NULL, NULL, &err) != 0 ||
        tally_store_begin(s, &err) != 0 || tally_ingest(s, &in, &res, &err) != 0 ||
        tally_store_commit(s, &err) != 0)
        abort();
    tally_store_close(s);
    tally_serve_opts o = {.db = db_path, .cache_bytes = (size_t)1 << 20};
    if (tally_serve_open(&o, &srv, &err) != 0)
        abort();
    atexit(cleanup);
}

/* A copy of bytes [a, b) as a C string (a NUL inside ends it early, as it
 * would for the server's C strings). */
static char *piece(const char *s, size_t a, size_t b)
{
    char *p = malloc(b - a + 1);
    if (p == NULL)
        abort();
    memcpy(p, s + a, b - a);
    p[b - a] = '\0';
    return p;
}

static void check_answer(const char *method, const char *target, bool has_body)
{
    tally_serve_reply r;
    tally_serve_answer(srv, method, target, has_body, &r);
    static const unsigned known[] = {200, 204, 400, 404, 405, 413, 414};
    bool ok = false;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        ok = ok || r.status == known[i];
    if (!ok)
        abort();
    if (strcmp(r.type, "application/json") == 0 && r.status != 204) {
        json_error_t e;
        json_t *j = json_loadb(r.body.ptr, r.body.len, 0, &e);
        if (j == NULL)
            abort(); /* not JSON */
        if (r.status >= 400 && !json_is_string(json_object_get(j, "error")))
            abort(); /* an error without its message */
        json_decref(j);
    } else if (r.status != 200 && r.status != 204) {
        abort(); /* errors are JSON */
    }
    tally_serve_reply_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (srv == NULL)
        make_server();
    char *buf = fuzz_copy(d, n);
    http_head_limits lim = {1024, 256, 16, 16, 16, 256};
    unsigned status = 0;
    char why[160] = "";
    if (http_head_check(buf, n, &lim, &status, why, sizeof why) == HTTP_HEAD_REFUSED &&
        (status < 400 || status > 505 || why[0] == '\0'))
        abort();
    /* the first line: METHOD SP TARGET [SP VERSION]; what follows the first
     * blank line is a body */
    size_t eol = 0;
    while (eol < n && buf[eol] != '\n')
        eol++;
    size_t sp = 0;
    while (sp < eol && buf[sp] != ' ')
        sp++;
    size_t t1 = sp < eol ? sp + 1 : eol, t2 = t1;
    while (t2 < eol && buf[t2] != ' ' && buf[t2] != '\r')
        t2++;
    bool has_body = false;
    for (size_t i = 0; i + 3 < n && !has_body; i++)
        has_body = memcmp(buf + i, "\r\n\r\n", 4) == 0 && i + 4 < n;
    char *method = piece(buf, 0, sp), *target = piece(buf, t1, t2);
    check_answer(method, target, has_body);
    free(method);
    free(target);
    free(buf);
    return 0;
}
