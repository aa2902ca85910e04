/* Tests of the streaming UTF-8 validator (src/base/utf8.c). */
#include "tally/utf8.h"

#include <string.h>

#include "harness.h"
#include "tally/ascii.h"
#include "tally/err.h"
#include "tally/mem.h"

#define R TALLY_UTF8_REPLACEMENT

static int collect(void *user, const char *s, size_t n)
{
    return tally_buf_append(user, s, n);
}

/* Validates `in` fed in pieces of `step` bytes (0: at once); returns the output,
 * which the caller frees. */
static char *run(const char *in, size_t n, size_t step, size_t *invalid)
{
    tally_buf b;
    tally_buf_init(&b, 1 << 20);
    tally_utf8_dec d;
    *invalid = 0;
    tally_utf8_init(&d, collect, &b, invalid);
    d.nul_invalid = true;
    if (step == 0)
        step = n > 0 ? n : 1;
    for (size_t i = 0; i < n; i += step)
        CHECK_INT_EQ(tally_utf8_feed(&d, in + i, n - i < step ? n - i : step), 0);
    CHECK_INT_EQ(tally_utf8_finish(&d), 0);
    CHECK_INT_EQ(tally_buf_append(&b, "", 0), 0);
    return b.ptr;
}

/* Checks `in` against `want` fed at once, byte by byte and in pairs. */
static void check(const char *in, size_t n, const char *want, size_t want_invalid)
{
    static const size_t steps[] = {0, 1, 2, 3};
    for (size_t k = 0; k < sizeof steps / sizeof steps[0]; k++) {
        size_t invalid;
        char *out = run(in, n, steps[k], &invalid);
        CHECK_STR_EQ(out, want);
        CHECK_INT_EQ(invalid, want_invalid);
        free(out);
    }
}

#define CHECK_UTF8(in, want, count) check(in, sizeof in - 1, want, count)

static void test_utf8_valid_passes_through(void)
{
    CHECK_UTF8("plain ASCII", "plain ASCII", 0);
    CHECK_UTF8("caf\xC3\xA9 \xE2\x82\xAC\xF0\x9F\x93\x88 \xF4\x8F\xBF\xBF",
               "caf\xC3\xA9 \xE2\x82\xAC\xF0\x9F\x93\x88 \xF4\x8F\xBF\xBF", 0);
    CHECK_UTF8("\xEF\xBF\xBD", "\xEF\xBF\xBD", 0);
    CHECK_UTF8("", "", 0);
}

static void test_utf8_overlong_forms(void)
{
    /* C0 and C1 never start a sequence; E0 and F0 bound their second byte. */
    CHECK_UTF8("a\xC0\xAF"
               "b",
               "a" R R "b", 2);
    CHECK_UTF8("\xC1\xBF", R R, 2);
    CHECK_UTF8("\xE0\x80\xAF", R R R, 3);
    CHECK_UTF8("\xF0\x80\x80\xAF", R R R R, 4);
}

static void test_utf8_surrogates_and_out_of_range(void)
{
    CHECK_UTF8("\xED\xA0\x80", R R R, 3);
    CHECK_UTF8("\xED\xBF\xBF"
               "x",
               R R R "x", 3);
    CHECK_UTF8("\xED\x9F\xBF", "\xED\x9F\xBF", 0);
    CHECK_UTF8("\xF4\x90\x80\x80", R R R R, 4);
    CHECK_UTF8("\xF5\x80", R R, 2);
    CHECK_UTF8("\xFE\xFF", R R, 2);
}

static void test_utf8_lone_continuation_bytes(void)
{
    CHECK_UTF8("\x80", R, 1);
    CHECK_UTF8("x\x80\xBFy", "x" R R "y", 2);
}

static void test_utf8_maximal_subpart(void)
{
    /* A valid prefix cut short is one U+FFFD; the breaking byte is read again. */
    CHECK_UTF8("\xE2\x82"
               "A",
               R "A", 1);
    CHECK_UTF8("\xF0\x9F\x93"
               "\xC3\xA9",
               R "\xC3\xA9", 1);
    CHECK_UTF8("\xE1\x80\xE2\x82\xAC", R "\xE2\x82\xAC", 1);
    CHECK_UTF8("a\xF1\x80\x80\xE1\x80\xC2"
               "b\x80"
               "c\x80\xBF"
               "d",
               "a" R R R "b" R "c" R R "d", 6);
}

static void test_utf8_truncated_at_end(void)
{
    CHECK_UTF8("ok\xE2\x82", "ok" R, 1);
    CHECK_UTF8("ok\xF0", "ok" R, 1);
    CHECK_UTF8("ok\xF0\x9F\x93", "ok" R, 1);
}

static void test_utf8_split_across_chunks(void)
{
    /* Every split point of a text mixing valid and invalid sequences. */
    static const char in[] = "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x93\x88\xE2\x82\xF0\x9F\xC3\xA9";
    static const char want[] = "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x93\x88" R R "\xC3\xA9";
    size_t n = sizeof in - 1;
    for (size_t cut = 0; cut <= n; cut++) {
        tally_buf b;
        tally_buf_init(&b, 256);
        size_t invalid = 0;
        tally_utf8_dec d;
        tally_utf8_init(&d, collect, &b, &invalid);
        CHECK_INT_EQ(tally_utf8_feed(&d, in, cut), 0);
        CHECK_INT_EQ(tally_utf8_feed(&d, in + cut, n - cut), 0);
        CHECK_INT_EQ(tally_utf8_finish(&d), 0);
        CHECK_INT_EQ(tally_buf_append(&b, "", 0), 0);
        CHECK_STR_EQ(b.ptr, want);
        CHECK_INT_EQ(invalid, 2);
        tally_buf_free(&b);
    }
}

static void test_utf8_nul_replaced_when_asked(void)
{
    check("a\0b", 3, "a" R "b", 1);

    tally_buf b;
    tally_buf_init(&b, 16);
    size_t invalid = 0;
    tally_utf8_dec d;
    tally_utf8_init(&d, collect, &b, &invalid);
    CHECK_INT_EQ(tally_utf8_feed(&d, "a\0b", 3), 0);
    CHECK_INT_EQ(b.len, 3);
    CHECK_INT_EQ(invalid, 0);
    tally_buf_free(&b);
}

/* ASCII runs are checked eight bytes at a time: a byte that is not plain
 * ASCII (NUL, a sequence, an invalid byte) is found at every place in a run
 * and at its end, with its neighbours unchanged. */
static void test_utf8_odd_byte_in_ascii_runs(void)
{
    static const struct {
        const char *in, *out;
        size_t invalid;
    } odd[] = {{"\0", R, 1}, {"\xC3\xA9", "\xC3\xA9", 0}, {"\xFF", R, 1}, {"\x7F", "\x7F", 0}};
    for (size_t k = 0; k < sizeof odd / sizeof odd[0]; k++) {
        size_t olen = k == 0 ? 1 : strlen(odd[k].in);
        for (size_t at = 0; at <= 19; at++) {
            char in[32], want[32];
            memset(in, 'a', at);
            memcpy(in + at, odd[k].in, olen);
            memset(in + at + olen, 'b', 19 - at);
            memset(want, 'a', at);
            size_t wl = strlen(odd[k].out);
            memcpy(want + at, odd[k].out, wl);
            memset(want + at + wl, 'b', 19 - at);
            want[at + wl + 19 - at] = '\0';
            check(in, at + olen + 19 - at, want, odd[k].invalid);
        }
    }
}

static int refuse(void *user, const char *s, size_t n)
{
    (void)user, (void)s, (void)n;
    return TALLY_ESTOP;
}

static void test_utf8_output_error_stops(void)
{
    tally_utf8_dec d;
    tally_utf8_init(&d, refuse, NULL, NULL);
    CHECK_INT_EQ(tally_utf8_feed(&d, "abc", 3), TALLY_ESTOP);
    CHECK_INT_EQ(tally_utf8_feed(&d, "\xE2\x82", 2), 0);
    CHECK_INT_EQ(tally_utf8_feed(&d, "\xAC", 1), TALLY_ESTOP);
    CHECK_INT_EQ(tally_utf8_feed(&d, "\xE2", 1), 0);
    CHECK_INT_EQ(tally_utf8_finish(&d), TALLY_ESTOP);
}

static void test_utf8_encode(void)
{
    char buf[4];
    CHECK_INT_EQ(tally_utf8_encode(0x41, buf), 1);
    CHECK(buf[0] == 'A');
    CHECK_INT_EQ(tally_utf8_encode(0xE9, buf), 2);
    CHECK(memcmp(buf, "\xC3\xA9", 2) == 0);
    CHECK_INT_EQ(tally_utf8_encode(0x20AC, buf), 3);
    CHECK(memcmp(buf, "\xE2\x82\xAC", 3) == 0);
    CHECK_INT_EQ(tally_utf8_encode(0x1F4C8, buf), 4);
    CHECK(memcmp(buf, "\xF0\x9F\x93\x88", 4) == 0);
    CHECK_INT_EQ(tally_utf8_encode(0xD800, buf), 3);
    CHECK(memcmp(buf, R, 3) == 0);
    CHECK_INT_EQ(tally_utf8_encode(0x110000, buf), 3);
    CHECK_INT_EQ(tally_utf8_encode(0, buf), 3);
}

static void test_utf8_boundary(void)
{
    const char *s = "a\xE2\x82\xAC"
                    "b";
    CHECK_INT_EQ(tally_utf8_boundary(s, 5, 5), 5);
    CHECK_INT_EQ(tally_utf8_boundary(s, 5, 9), 5);
    CHECK_INT_EQ(tally_utf8_boundary(s, 5, 4), 4);
    CHECK_INT_EQ(tally_utf8_boundary(s, 5, 3), 1);
    CHECK_INT_EQ(tally_utf8_boundary(s, 5, 2), 1);
    CHECK_INT_EQ(tally_utf8_boundary(s, 5, 1), 1);
    CHECK_INT_EQ(tally_utf8_boundary(s, 5, 0), 0);
}

/* tally_to_lower's table: capitals to small letters, every other byte as it is */
static void test_ascii_lower(void)
{
    for (unsigned c = 0; c < 256; c++) {
        unsigned want = c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
        CHECK(tally_to_lower((unsigned char)c) == want);
        CHECK(tally_is_upper((unsigned char)c) == (want != c));
    }
}

/* tally_ascii_folds_to against its byte-at-a-time definition: every length
 * up to 24 (the paths of 1-3, 4-7, 8 and more bytes), each byte of the text
 * a capital, its small letter or another byte, in buffers exactly as long
 * as the word (ASan sees a read outside them). */
static void test_ascii_folds_to(void)
{
    static const char word[] = "deliveries-of-north's-x1";
    for (size_t n = 0; n <= 24; n++) {
        char *w = malloc(n + 1), *s = malloc(n + 1);
        memcpy(w, word, n);
        for (size_t at = 0; at <= n; at++) {
            /* the word as it is, with byte `at` capitalised, and changed */
            for (int how = 0; how < 3; how++) {
                memcpy(s, word, n);
                if (at < n && how == 1 && s[at] >= 'a' && s[at] <= 'z')
                    s[at] = (char)(s[at] - ('a' - 'A'));
                else if (at < n && how == 2)
                    s[at] = (char)(s[at] ^ 0x01);
                bool want = true;
                for (size_t i = 0; i < n; i++)
                    if (((unsigned char)s[i] | 0x20u) != (unsigned char)w[i])
                        want = false;
                CHECK(tally_ascii_folds_to(s, w, n) == want);
                CHECK(tally_ascii_folds_to(s, w, n) == (how != 2 || at == n));
            }
        }
        free(w);
        free(s);
    }
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"utf8_valid_passes_through", test_utf8_valid_passes_through},
        {"utf8_overlong_forms", test_utf8_overlong_forms},
        {"utf8_surrogates_and_out_of_range", test_utf8_surrogates_and_out_of_range},
        {"utf8_lone_continuation_bytes", test_utf8_lone_continuation_bytes},
        {"utf8_maximal_subpart", test_utf8_maximal_subpart},
        {"utf8_truncated_at_end", test_utf8_truncated_at_end},
        {"utf8_split_across_chunks", test_utf8_split_across_chunks},
        {"utf8_nul_replaced_when_asked", test_utf8_nul_replaced_when_asked},
        {"utf8_odd_byte_in_ascii_runs", test_utf8_odd_byte_in_ascii_runs},
        {"utf8_output_error_stops", test_utf8_output_error_stops},
        {"tally_utf8_encode", test_utf8_encode},
        {"tally_utf8_boundary", test_utf8_boundary},
        {"ascii_lower", test_ascii_lower},
        {"ascii_folds_to", test_ascii_folds_to},
        {NULL, NULL}};
    return harness_run(tests);
}
