/* Tests of the HTTP gate's head check (src/present/http_gate.c): what is
 * complete, what must wait for more bytes, and what is refused with which
 * status; and the JSON error it writes. */
#include "http_gate.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness.h"

static const http_head_limits lim = {256, 64, 4, 4, 3, 20};

static http_head_verdict check(const char *s, unsigned *status)
{
    char why[160];
    *status = 0;
    return http_head_check(s, strlen(s), &lim, status, why, sizeof why);
}

static void expect_refused(const char *s, unsigned want)
{
    unsigned status;
    http_head_verdict v = check(s, &status);
    CHECK_INT_EQ(v, HTTP_HEAD_REFUSED);
    CHECK_INT_EQ(status, want);
    if (v != HTTP_HEAD_REFUSED || status != want)
        fprintf(stderr, "  head: %s\n", s);
}

static void expect_complete(const char *s)
{
    unsigned status;
    CHECK_INT_EQ(check(s, &status), HTTP_HEAD_COMPLETE);
}

/* A head sent a byte at a time is never refused before it is whole: it
 * waits, and the deadline, not the check, ends a slow one. */
static void test_http_gate_every_prefix_waits(void)
{
    const char *head = "GET /api/claims?item=rocket HTTP/1.1\r\nHost: localhost\r\n"
                       "Accept: */*\r\n\r\n";
    size_t n = strlen(head);
    for (size_t i = 0; i < n; i++) {
        unsigned status = 0;
        char why[160];
        http_head_verdict v = http_head_check(head, i, &lim, &status, why, sizeof why);
        CHECK_INT_EQ(v, HTTP_HEAD_PARTIAL);
        if (v != HTTP_HEAD_PARTIAL)
            fprintf(stderr, "  after %zu bytes: %u %s\n", i, status, why);
    }
    expect_complete(head);
}

static void test_http_gate_complete(void)
{
    expect_complete("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    expect_complete("GET / HTTP/1.1\nHost: x\n\n");    /* bare LF line ends */
    expect_complete("GET /api/meta HTTP/1.0\r\n\r\n"); /* 1.0 needs no Host */
    expect_complete("\r\nGET / HTTP/1.0\r\n\r\n");     /* an empty line first */
    expect_complete("HEAD / HTTP/1.1\r\nhost:x\r\nX-Tab:\ta\xc3\xa9\r\n\r\n");
    expect_complete("GET / HTTP/1.1\r\nHost: x\r\n\r\nbody after the head");
    expect_complete("GET / HTTP/1.1\r\nHost: x\r\nCookie: a=1; b=2\r\n\r\n");
}

static void test_http_gate_refused(void)
{
    expect_refused("GET / HTTP/1.1\r\n\r\n", 400); /* no Host */
    expect_refused("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
    expect_refused("GET /\r\n\r\n", 400);                     /* no version */
    expect_refused("GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505); /* another version */
    expect_refused("GET / HTTP/1.2\r\nHost: x\r\n\r\n", 505);
    expect_refused("GET / HTTQ/1.1\r\n", 400);
    expect_refused("GET / HTTP/1.1x\r\n", 400);
    expect_refused("GET http://x/ HTTP/1.1\r\n", 400);  /* not a path */
    expect_refused("GET /a\x01b HTTP/1.1\r\n", 400);    /* a control byte */
    expect_refused("GET /a\xc3\xa9 HTTP/1.1\r\n", 400); /* raw UTF-8: percent-encode */
    expect_refused("GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", 400);
    expect_refused(" GET / HTTP/1.1\r\n", 400);
    expect_refused("G(T / HTTP/1.1\r\n", 400);
    expect_refused("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400);
    expect_refused("GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400);
    expect_refused("GET / HTTP/1.1\r\nno colon\r\n\r\n", 400);
    expect_refused("GET / HTTP/1.1\r\nHost: x\r\nA: \x7f\r\n\r\n", 400);
    /* limits: the target (even before the line ends), lines, cookies, size */
    char buf[600];
    snprintf(buf, sizeof buf, "GET /%065d", 0);
    expect_refused(buf, 414);
    expect_refused("GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\n\r\n", 431);
    expect_refused("GET / HTTP/1.1\r\nHost: x\r\nCookie: a=1; b=2; c=3; d=4\r\n\r\n", 431);
    expect_refused("GET / HTTP/1.1\r\nHost: x\r\nCookie: a=1; b=2\r\nCookie: c=3\r\n"
                   "cookie: d=4\r\n\r\n",
                   431);
    expect_refused("GET / HTTP/1.1\r\nHost: x\r\nCookie: long=12345678901234567\r\n\r\n", 431);
    expect_refused("GET /?a=1&b=2&c=3&d=4&e=5 HTTP/1.1\r\n", 400);
    expect_refused("GET /?&&&& HTTP/1.1\r\n", 400);
    expect_complete("GET /?a=1&b=2&c=3&d=4 HTTP/1.1\r\nHost: x\r\n\r\n");
    snprintf(buf, sizeof buf, "GET / HTTP/1.1\r\nHost: x\r\nA: %0250d", 0);
    expect_refused(buf, 431);
    memset(buf, 'a', 300);
    memcpy(buf, "GET /", 5);
    buf[300] = '\0';
    expect_refused(buf, 414);
}

/* The NUL a C string would stop at is a control byte like any other. */
static void test_http_gate_nul(void)
{
    static const char head[] = "GET /assets/app.js\0.png HTTP/1.1\r\nHost: x\r\n\r\n";
    unsigned status = 0;
    char why[160];
    CHECK_INT_EQ(http_head_check(head, sizeof head - 1, &lim, &status, why, sizeof why),
                 HTTP_HEAD_REFUSED);
    CHECK_INT_EQ(status, 400);
    static const char header[] = "GET / HTTP/1.1\r\nHost: x\0y\r\n\r\n";
    CHECK_INT_EQ(http_head_check(header, sizeof header - 1, &lim, &status, why, sizeof why),
                 HTTP_HEAD_REFUSED);
}

static void test_http_gate_error_response(void)
{
    int sv[2];
    CHECK_INT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    http_send_error(sv[0], 431, "more than 4 \"header\" lines");
    close(sv[0]);
    char got[1024];
    ssize_t n = read(sv[1], got, sizeof got - 1);
    close(sv[1]);
    CHECK(n > 0);
    got[n > 0 ? n : 0] = '\0';
    static const char status[] = "HTTP/1.1 431 Request Header Fields Too Large\r\n";
    CHECK(strncmp(got, status, sizeof status - 1) == 0);
    CHECK(strstr(got, "\r\nContent-Type: application/json\r\n") != NULL);
    CHECK(strstr(got, "\r\nConnection: close\r\n") != NULL);
    const char *body = strstr(got, "\r\n\r\n");
    CHECK(body != NULL);
    if (body != NULL) {
        CHECK_STR_EQ(body + 4, "{\"error\":\"more than 4 \\\"header\\\" lines\"}");
        char len[48];
        snprintf(len, sizeof len, "Content-Length: %zu\r\n", strlen(body + 4));
        CHECK(strstr(got, len) != NULL);
    }
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"every_prefix_waits", test_http_gate_every_prefix_waits},
        {"complete", test_http_gate_complete},
        {"refused", test_http_gate_refused},
        {"nul", test_http_gate_nul},
        {"error_response", test_http_gate_error_response},
        {NULL, NULL},
    };
    return harness_run(tests);
}
