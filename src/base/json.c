/* tally: JSON writing into a growing buffer (include/tally/json.h). Part of
 * base: includes only the C library and base's own headers. */
#include "tally/json.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A refusal at the buffer's maximum marks it full (tally_buf_full), which
 * the caller checks: nothing here aborts or prints. */
static void put(tally_buf *out, const char *s, size_t n)
{
    /* A line is written in some sixty small pieces: copy them in place while
     * they fit (with the NUL tally_buf keeps) and under the maximum. */
    if (!out->full && n < out->cap - out->len && n <= out->max - out->len) {
        memcpy(out->ptr + out->len, s, n);
        out->len += n;
        out->ptr[out->len] = '\0';
        return;
    }
    (void)tally_buf_append(out, s, n);
}

void tally_json_raw(tally_buf *out, const char *s)
{
    put(out, s, strlen(s));
}

void tally_json_raw_n(tally_buf *out, const char *s, size_t n)
{
    put(out, s, n);
}

/* Whether one of the eight bytes of `x` needs escaping: a control character
 * (below 0x20), '"', '\\' or DEL. The tests are the classic exact ones for
 * "some byte is zero" (x - 0x01..01) & ~x & 0x80..80 and "some byte is below
 * n" (x - n..n) & ~x & 0x80..80; bytes from 0x80 up never set them. */
static bool needs_escape8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t quote = x ^ (ones * '"'), backslash = x ^ (ones * '\\'), del = x ^ (ones * 0x7f);
    return (((x - ones * 0x20) & ~x) | ((quote - ones) & ~quote) |
            ((backslash - ones) & ~backslash) | ((del - ones) & ~del)) &
           high;
}

/* Appends the escape of byte `c`, one that needs escaping. */
static void put_escape(tally_buf *out, unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    switch (c) {
    case '"':
        put(out, "\\\"", 2);
        break;
    case '\\':
        put(out, "\\\\", 2);
        break;
    case '\n':
        put(out, "\\n", 2);
        break;
    case '\r':
        put(out, "\\r", 2);
        break;
    case '\t':
        put(out, "\\t", 2);
        break;
    default: {
        char u[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
        put(out, u, sizeof u);
    }
    }
}

/* The first byte of s[0, n) that needs escaping, or n: eight bytes a step,
 * most text has none. */
static size_t clean_end(const char *s, size_t n)
{
    size_t i = 0;
    for (; n - i >= 8; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        if (needs_escape8(x))
            break;
    }
    for (; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"' || c == '\\' || c == 0x7f)
            break;
    }
    return i;
}

void tally_json_str(tally_buf *out, const char *s, size_t n)
{
    size_t i = clean_end(s, n);
    /* most strings need no escape: quotes and bytes at once, in place */
    if (i == n && !out->full && n + 2 < out->cap - out->len && n + 2 <= out->max - out->len) {
        char *d = out->ptr + out->len;
        d[0] = '"';
        memcpy(d + 1, s, n);
        d[n + 1] = '"';
        d[n + 2] = '\0';
        out->len += n + 2;
        return;
    }
    put(out, "\"", 1);
    size_t run = 0; /* start of the bytes not yet copied */
    while (i < n) {
        put(out, s + run, i - run);
        put_escape(out, (unsigned char)s[i]);
        run = i + 1;
        i = run + clean_end(s + run, n - run);
    }
    put(out, s + run, n - run);
    put(out, "\"", 1);
}

/* Digits of `u` with an optional minus sign, by hand: most figures are
 * integers, and printf's floating-point path is the slow part of output. */
static void put_digits(tally_buf *out, unsigned long long u, int negative)
{
    char buf[24];
    char *p = buf + sizeof buf;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u > 0);
    if (negative)
        *--p = '-';
    put(out, p, (size_t)(buf + sizeof buf - p));
}

void tally_json_uint(tally_buf *out, size_t v)
{
    put_digits(out, v, 0);
}

void tally_json_num(tally_buf *out, double v)
{
    if (!isfinite(v)) {
        put(out, "null", 4);
        return;
    }
    if (v == floor(v) && fabs(v) < 1e15) {
        put_digits(out, (unsigned long long)fabs(v), v < 0);
        return;
    }
    char buf[32];
    int len = snprintf(buf, sizeof buf, "%.15g", v);
    put(out, buf, (size_t)len);
}
