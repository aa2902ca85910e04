/* Fuzz target: tally_segment over one block of valid UTF-8. Inputs that are
 * not valid UTF-8 are skipped (decoding guarantees valid text); on the others
 * the output's invariants must hold, or the target aborts. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "tally/err.h"
#include "tally/mem.h"
#include "tally/segment.h"

#include "fuzz_util.h"
#include "segment.h"
#include "tally/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);

/* The code point at s[i]; the text is valid, so this never fails. */
static int32_t cp_at(const uint8_t *s, size_t n, size_t i, size_t *len)
{
    int32_t c;
    *len = tally_utf8_decode((const char *)s, n, i, &c);
    return c;
}

/* Bullet markers are the only non-space text left out of sentences. */
static bool is_bullet(int32_t c)
{
    static const int32_t bullets[] = {'-',    '*',    0x00B7, 0x2013, 0x2014,
                                      0x2022, 0x2023, 0x2043, 0x25A0, 0x25AA,
                                      0x25B8, 0x25BA, 0x25CB, 0x25CF, 0x25E6};
    for (size_t i = 0; i < sizeof bullets / sizeof bullets[0]; i++)
        if (bullets[i] == c)
            return true;
    return false;
}

/* True if s[lo, hi) holds only white space and bullet markers. */
static bool gap_ok(const uint8_t *s, size_t lo, size_t hi)
{
    size_t len;
    for (size_t i = lo; i < hi; i += len) {
        int32_t c = cp_at(s, hi, i, &len);
        if (!segment_is_space(c) && !is_bullet(c))
            return false;
    }
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
    if (!fuzz_valid_utf8(d, n))
        return 0;
    /* Exact size, no NUL: ASan catches any read past the end. */
    uint8_t *s = malloc(n > 0 ? n : 1);
    if (s == NULL)
        return 0;
    if (n > 0)
        memcpy(s, d, n);
    tally_arena *a = tally_arena_new();
    tally_sentences out;
    tally_err err = {0, ""};
    tally_span text = {(const char *)s, n};
    if (tally_segment(text, &out, a, &err) != 0)
        abort();
    size_t prev = 0, len;
    for (size_t k = 0; k < out.n; k++) {
        size_t lo = out.v[k].start, hi = out.v[k].end;
        if (lo < prev || lo >= hi || hi > n)
            abort(); /* out of order, empty or out of range */
        if ((s[lo] & 0xC0) == 0x80 || (hi < n && (s[hi] & 0xC0) == 0x80))
            abort(); /* not on a character boundary */
        size_t last = hi - 1;
        while (last > lo && (s[last] & 0xC0) == 0x80)
            last--;
        if (segment_is_space(cp_at(s, hi, lo, &len)) || segment_is_space(cp_at(s, hi, last, &len)))
            abort(); /* not trimmed */
        if (!gap_ok(s, prev, lo))
            abort(); /* text left out of every sentence */
        prev = hi;
    }
    if (!gap_ok(s, prev, n))
        abort();
    tally_arena_free(a);
    free(s);
    return 0;
}
