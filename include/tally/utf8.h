/* tally: streaming UTF-8 validation. Bytes are fed in chunks of any size; valid
 * sequences pass through unchanged and each invalid one (the maximal subpart of
 * the Unicode standard, section 3.9, as WHATWG decoders do) becomes U+FFFD. A
 * sequence split between two chunks is held back until the next one. */
#ifndef TALLY_UTF8_H
#define TALLY_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tally/err.h"

/* U+FFFD REPLACEMENT CHARACTER in UTF-8. */
#define TALLY_UTF8_REPLACEMENT "\xEF\xBF\xBD"
#define TALLY_UTF8_REPLACEMENT_LEN 3

/** Receives output: `n` bytes of valid UTF-8 at `s`. Returns 0, or a negative
 *  code that stops the feed and is returned from it. */
typedef int (*tally_utf8_out)(void *user, const char *s, size_t n);

typedef struct tally_utf8_dec {
    unsigned char pend[4]; /* a valid but incomplete sequence from the last chunk */
    size_t npend;
    bool nul_invalid; /* set after tally_utf8_init to replace NUL bytes too (counted) */
    size_t *invalid;  /* incremented per replaced sequence; may be NULL */
    tally_utf8_out out;
    void *user;
} tally_utf8_dec;

/** Prepares `d` to write through `out(user, ...)`, counting replacements in
 *  `*invalid` (may be NULL). */
void tally_utf8_init(tally_utf8_dec *d, tally_utf8_out out, void *user, size_t *invalid);
/** Validates `n` bytes; returns 0 or what `out` returned. */
int tally_utf8_feed(tally_utf8_dec *d, const char *s, size_t n) TALLY_MUST_CHECK;
/** Ends the stream: an incomplete sequence left over becomes U+FFFD. Returns 0
 *  or what `out` returned. */
int tally_utf8_finish(tally_utf8_dec *d) TALLY_MUST_CHECK;

/** Writes code point `cp` as UTF-8 into `buf`, U+FFFD for a surrogate, zero or
 *  a value past U+10FFFF; returns the length (1 to 4). */
size_t tally_utf8_encode(uint32_t cp, char buf[4]);

/** Decodes the character at s[i] of valid UTF-8 `s` (`n` bytes, i < n) into
 *  `*cp` and returns its length; a malformed or cut sequence gives U+FFFD and
 *  length 1, so callers always move on. */
size_t tally_utf8_decode(const char *s, size_t n, size_t i, int32_t *cp);

/** For valid UTF-8 `s` of `len` bytes, returns the largest k <= n that falls
 *  on a character boundary (k == len, or s[k] starts a character). */
size_t tally_utf8_boundary(const char *s, size_t len, size_t n);

#endif
