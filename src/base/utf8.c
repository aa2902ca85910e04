/* tally: streaming UTF-8 validation, encoding and decoding
 * (include/tally/utf8.h). Part of base: includes only the C library and base's
 * own headers. */
#include "tally/utf8.h"

#include <string.h>
#include <utf8proc.h>

enum seq { SEQ_VALID, SEQ_INVALID, SEQ_TRUNCATED };

/* Classifies the sequence starting at p[0] (Unicode table 3-7). `*len` gets the
 * length of a valid sequence, of the maximal subpart of an invalid one (at
 * least 1), or of the valid prefix when the bytes end too early. */
static enum seq seq_check(const unsigned char *p, size_t n, size_t *len)
{
    unsigned char c = p[0];
    *len = 1;
    if (c < 0x80)
        return SEQ_VALID;
    if (c < 0xC2 || c > 0xF4)
        return SEQ_INVALID;
    size_t need = c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    for (size_t k = 1; k < need; k++) {
        *len = k;
        if (k >= n)
            return SEQ_TRUNCATED;
        if (p[k] < lo || p[k] > hi)
            return SEQ_INVALID;
        lo = 0x80;
        hi = 0xBF;
    }
    *len = need;
    return SEQ_VALID;
}

void tally_utf8_init(tally_utf8_dec *d, tally_utf8_out out, void *user, size_t *invalid)
{
    memset(d, 0, sizeof *d);
    d->nul_invalid = false;
    d->invalid = invalid;
    d->out = out;
    d->user = user;
}

static int replace(tally_utf8_dec *d)
{
    if (d->invalid != NULL)
        (*d->invalid)++;
    return d->out(d->user, TALLY_UTF8_REPLACEMENT, TALLY_UTF8_REPLACEMENT_LEN);
}

/* Completes a sequence held back from the last chunk with bytes of `s`;
 * returns how many bytes of `s` it used, or a negative code. */
static long complete_pending(tally_utf8_dec *d, const unsigned char *s, size_t n)
{
    size_t used = 0, len;
    int rc = 0;
    for (;;) {
        enum seq r = seq_check(d->pend, d->npend, &len);
        if (r == SEQ_VALID) {
            d->npend = 0;
            rc = d->out(d->user, (const char *)d->pend, len);
            break;
        }
        if (r == SEQ_INVALID) {
            /* The pending bytes were a valid prefix, so only the byte just
             * added broke it: replace the prefix, read that byte again. */
            d->npend = 0;
            rc = replace(d);
            used--;
            break;
        }
        if (used == n)
            break;
        d->pend[d->npend++] = s[used++];
    }
    return rc != 0 ? rc : (long)used;
}

/* Whether the eight bytes at p are all ASCII but NUL, the bytes that pass
 * unchanged (most text). Read as the lanes of a 64-bit word: x has a top bit
 * set where a lane is 0x80 or more; with none such, x - 0x01..01 has one only
 * if some lane is 0. The lanes' order does not matter: any byte order. */
static bool plain8(const unsigned char *p)
{
    const uint64_t ones = 0x0101010101010101u, tops = 0x8080808080808080u;
    uint64_t x;
    memcpy(&x, p, sizeof x);
    return (((x - ones) | x) & tops) == 0;
}

int tally_utf8_feed(tally_utf8_dec *d, const char *text, size_t n)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t i = 0, start, len;
    int rc = 0;
    if (d->npend > 0) {
        long used = complete_pending(d, s, n);
        if (used < 0) {
            rc = (int)used;
            goto out;
        }
        i = (size_t)used;
        if (d->npend > 0)
            goto out;
    }
    start = i;
    while (i < n) {
        /* eight bytes a step while they are plain, then a byte a step up to
         * the one that is not */
        while (n - i >= 8 && plain8(s + i))
            i += 8;
        while (i < n && s[i] >= 0x01 && s[i] < 0x80)
            i++;
        if (i == n)
            break;
        unsigned char c = s[i];
        enum seq r;
        if (c == 0) {
            r = d->nul_invalid ? SEQ_INVALID : SEQ_VALID;
            len = 1;
        } else {
            r = seq_check(s + i, n - i, &len);
        }
        if (r == SEQ_VALID) {
            i += len;
            continue;
        }
        if (i > start && (rc = d->out(d->user, text + start, i - start)) != 0)
            goto out;
        if (r == SEQ_TRUNCATED) {
            memcpy(d->pend, s + i, len);
            d->npend = len;
            goto out;
        }
        if ((rc = replace(d)) != 0)
            goto out;
        i += len;
        start = i;
    }
    if (i > start)
        rc = d->out(d->user, text + start, i - start);
out:
    return rc;
}

int tally_utf8_finish(tally_utf8_dec *d)
{
    int rc = 0;
    if (d->npend > 0) {
        d->npend = 0;
        rc = replace(d);
    }
    return rc;
}

size_t tally_utf8_encode(uint32_t cp, char buf[4])
{
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        cp = 0xFFFD;
    if (cp < 0x80) {
        buf[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        buf[0] = (char)(0xC0 | (cp >> 6));
        buf[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        buf[0] = (char)(0xE0 | (cp >> 12));
        buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    buf[0] = (char)(0xF0 | (cp >> 18));
    buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    buf[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t tally_utf8_boundary(const char *s, size_t len, size_t n)
{
    if (n >= len)
        return len;
    size_t k = n;
    /* Back over continuation bytes: at most three in valid text. */
    while (k > 0 && n - k < 3 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    return k;
}

size_t tally_utf8_decode(const char *s, size_t n, size_t i, int32_t *cp)
{
    utf8proc_ssize_t len =
        utf8proc_iterate((const utf8proc_uint8_t *)s + i, (utf8proc_ssize_t)(n - i), cp);
    if (len <= 0 || (size_t)len > n - i) {
        *cp = 0xFFFD;
        return 1;
    }
    return (size_t)len;
}
