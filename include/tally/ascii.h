/* tally: ASCII character classes of bytes (base). Text is UTF-8
 * and <ctype.h> is locale-dependent (and undefined for negative char), so
 * every module classifies bytes with these: one table, one load a test,
 * bytes from 0x80 up in no class. Owned by src/base/ascii.c. */
#ifndef TALLY_ASCII_H
#define TALLY_ASCII_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/** Class bits of tally_ascii_class[]. */
enum {
    TALLY_ASCII_DIGIT = 1u << 0, /* 0-9 */
    TALLY_ASCII_UPPER = 1u << 1, /* A-Z */
    TALLY_ASCII_LOWER = 1u << 2, /* a-z */
    TALLY_ASCII_SPACE = 1u << 3  /* space, \t, \n, \v, \f, \r */
};

/** The classes of each byte value (static, read-only). */
extern const unsigned char tally_ascii_class[256];

static inline bool tally_is_digit(unsigned char c)
{
    return (tally_ascii_class[c] & TALLY_ASCII_DIGIT) != 0;
}

static inline bool tally_is_upper(unsigned char c)
{
    return (tally_ascii_class[c] & TALLY_ASCII_UPPER) != 0;
}

static inline bool tally_is_lower(unsigned char c)
{
    return (tally_ascii_class[c] & TALLY_ASCII_LOWER) != 0;
}

/** An ASCII letter. */
static inline bool tally_is_alpha(unsigned char c)
{
    return (tally_ascii_class[c] & (TALLY_ASCII_UPPER | TALLY_ASCII_LOWER)) != 0;
}

/** An ASCII letter or digit. */
static inline bool tally_is_alnum(unsigned char c)
{
    return (tally_ascii_class[c] & (TALLY_ASCII_UPPER | TALLY_ASCII_LOWER | TALLY_ASCII_DIGIT)) !=
           0;
}

/** White space of the C locale: space, \t, \n, \v, \f, \r. */
static inline bool tally_is_space(unsigned char c)
{
    return (tally_ascii_class[c] & TALLY_ASCII_SPACE) != 0;
}

/** Each byte value, and an ASCII capital as its small letter (static,
 *  read-only). */
extern const unsigned char tally_ascii_lower[256];

/** `c` in lower case when it is an ASCII capital, else `c`. */
static inline unsigned char tally_to_lower(unsigned char c)
{
    return tally_ascii_lower[c];
}

/** Whether the bytes s[0, n), each with its 0x20 bit set, are w[0, n): a
 *  word of a text against a lexicon's lower-case entry of the same length
 *  (a capital matches its small letter; digits, '-' and '\'' match
 *  themselves). Reads no byte outside s[0, n) and w[0, n): eight or four
 *  at a time, the last load overlapping the one before. */
static inline bool tally_ascii_folds_to(const char *s, const char *w, size_t n)
{
    if (n >= 8) {
        const uint64_t fold = UINT64_C(0x2020202020202020);
        uint64_t x, y;
        size_t i = 0;
        for (; n - i > 8; i += 8) {
            memcpy(&x, s + i, 8);
            memcpy(&y, w + i, 8);
            if ((x | fold) != y)
                return false;
        }
        memcpy(&x, s + n - 8, 8);
        memcpy(&y, w + n - 8, 8);
        return (x | fold) == y;
    }
    if (n >= 4) {
        uint32_t a, b, c, d;
        memcpy(&a, s, 4);
        memcpy(&b, w, 4);
        memcpy(&c, s + n - 4, 4);
        memcpy(&d, w + n - 4, 4);
        return ((a | 0x20202020u) == b) & ((c | 0x20202020u) == d);
    }
    for (size_t i = 0; i < n; i++)
        if (((unsigned char)s[i] | 0x20u) != (unsigned char)w[i])
            return false;
    return true;
}

#endif
