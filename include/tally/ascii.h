/* tally: ASCII character classes of bytes (base). Text is UTF-8
 * and <ctype.h> is locale-dependent (and undefined for negative char), so
 * every module classifies bytes with these: one table, one load a test,
 * bytes from 0x80 up in no class. Owned by src/base/ascii.c. */
#ifndef TALLY_ASCII_H
#define TALLY_ASCII_H

#include <stdbool.h>

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

#endif
