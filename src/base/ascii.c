/* tally: the byte classes of include/tally/ascii.h.
 * Part of base: includes only the C library and base's own headers. */
#include "tally/ascii.h"

#define D TALLY_ASCII_DIGIT
#define U TALLY_ASCII_UPPER
#define L TALLY_ASCII_LOWER
#define S TALLY_ASCII_SPACE
const unsigned char tally_ascii_class[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, S, S, S, S, S, 0, 0, /* 0x00 \t \n \v \f \r */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x10 */
    S, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20 space */
    D, D, D, D, D, D, D, D, D, D, 0, 0, 0, 0, 0, 0, /* 0x30 0-9 */
    0, U, U, U, U, U, U, U, U, U, U, U, U, U, U, U, /* 0x40 A-O */
    U, U, U, U, U, U, U, U, U, U, U, 0, 0, 0, 0, 0, /* 0x50 P-Z */
    0, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, /* 0x60 a-o */
    L, L, L, L, L, L, L, L, L, L, L, 0, 0, 0, 0, 0, /* 0x70 p-z */
    /* 0x80 to 0xFF: bytes of multi-byte characters, no class */
};
#undef D
#undef U
#undef L
#undef S

/* Each byte, and a capital as its small letter. */
#define ROW(b)                                                                                     \
    (b) + 0x0, (b) + 0x1, (b) + 0x2, (b) + 0x3, (b) + 0x4, (b) + 0x5, (b) + 0x6, (b) + 0x7,        \
        (b) + 0x8, (b) + 0x9, (b) + 0xA, (b) + 0xB, (b) + 0xC, (b) + 0xD, (b) + 0xE, (b) + 0xF
/* clang-format off */
const unsigned char tally_ascii_lower[256] = {
    ROW(0x00), ROW(0x10), ROW(0x20), ROW(0x30),
    0x40, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', /* @ A-O */
    'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 0x5B, 0x5C, 0x5D, 0x5E, 0x5F, /* P-Z _ */
    ROW(0x60), ROW(0x70), /* 0x80 to 0xFF: bytes of multi-byte characters, as they are */
    ROW(0x80), ROW(0x90), ROW(0xA0), ROW(0xB0), ROW(0xC0), ROW(0xD0), ROW(0xE0), ROW(0xF0)};
/* clang-format on */
#undef ROW
