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
