/* Tests of the JSON writers (src/base/json.c). */
#include "tally/json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "tally/err.h"

/* Runs the writer into a buffer and compares with `want`. */
#define EXPECT_OUT(want, ...)                                                                      \
    do {                                                                                           \
        tally_buf b_;                                                                              \
        tally_buf *f_ = &b_;                                                                       \
        tally_buf_init(f_, 1024);                                                                  \
        __VA_ARGS__;                                                                               \
        CHECK_STR_EQ(b_.ptr, want);                                                                \
        tally_buf_free(f_);                                                                        \
    } while (0)

static void test_json_strings_escape(void)
{
    EXPECT_OUT("\"plain\"", tally_json_str(f_, "plain", 5));
    EXPECT_OUT("\"a\\\"b\\\\c\\nd\\te\\u0001\"", tally_json_str(f_, "a\"b\\c\nd\te\x01", 10));
    EXPECT_OUT("\"\\\\$10 \xe2\x82\xac\"", tally_json_str(f_, "\\$10 \xe2\x82\xac", 8));
    EXPECT_OUT("\"\"", tally_json_str(f_, "", 0));
}

/* Escapes at every place of the eight-byte steps, and long plain runs. */
static void test_json_strings_escape_long(void)
{
    EXPECT_OUT("\"The quick brown fox jumps over the lazy dog\"",
               tally_json_str(f_, "The quick brown fox jumps over the lazy dog", 43));
    for (size_t at = 0; at < 20; at++) {
        char in[21], want[32];
        memset(in, 'a', 20);
        in[20] = '\0';
        in[at] = '"';
        snprintf(want, sizeof want, "\"%.*s\\\"%s\"", (int)at, in, in + at + 1);
        EXPECT_OUT(want, tally_json_str(f_, in, 20));
        in[at] = 0x7f;
        snprintf(want, sizeof want, "\"%.*s\\u007f%s\"", (int)at, in, in + at + 1);
        EXPECT_OUT(want, tally_json_str(f_, in, 20));
    }
    /* bytes from 0x80 up pass as they are, next to ones that need escaping */
    static const char mixed[] = "\xe2\x80\x9cquoted\xe2\x80\x9d\n\x01\xff\xc3\xa9t\xc3\xa9\\";
    EXPECT_OUT("\"\xe2\x80\x9cquoted\xe2\x80\x9d\\n\\u0001\xff\xc3\xa9t\xc3\xa9\\\\\"",
               tally_json_str(f_, mixed, sizeof mixed - 1));
}

static void test_json_raw(void)
{
    EXPECT_OUT("{\"a\":", tally_json_raw(f_, "{\"a\":"));
    EXPECT_OUT("null", TALLY_JSON_LIT(f_, "null"));
    EXPECT_OUT("ab", tally_json_raw_n(f_, "abc", 2));
    EXPECT_OUT("", TALLY_JSON_LIT(f_, ""));
}

static void test_json_numbers(void)
{
    EXPECT_OUT("10000", tally_json_num(f_, 10000));
    EXPECT_OUT("-3", tally_json_num(f_, -3));
    EXPECT_OUT("0", tally_json_num(f_, 0));
    EXPECT_OUT("1500000000", tally_json_num(f_, 1.5e9));
    EXPECT_OUT("0.25", tally_json_num(f_, 0.25));
    EXPECT_OUT("1e+20", tally_json_num(f_, 1e20));
    EXPECT_OUT("null", tally_json_num(f_, 1.0 / 0.0));
    EXPECT_OUT("18446744073709551615", tally_json_uint(f_, (size_t)-1));
    EXPECT_OUT("0", tally_json_uint(f_, 0));
}

/* NaN and infinities are refused: the buffer's err says so (the caller
 * sends an error instead), until the buffer is cleared. */
static void test_json_nonfinite_refused(void)
{
    tally_buf b;
    tally_buf_init(&b, 1024);
    tally_json_num(&b, 12);
    CHECK_INT_EQ(b.err, 0);
    const double bad[] = {NAN, INFINITY, -INFINITY};
    for (size_t i = 0; i < 3; i++) {
        tally_buf_clear(&b);
        CHECK_INT_EQ(b.err, 0);
        tally_json_num(&b, bad[i]);
        tally_json_num(&b, 1);
        CHECK_INT_EQ(b.err, TALLY_EINPUT);
        CHECK(strstr(b.ptr, "nan") == NULL && strstr(b.ptr, "inf") == NULL);
    }
    tally_buf_free(&b);
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"json_strings_escape", test_json_strings_escape},
        {"json_strings_escape_long", test_json_strings_escape_long},
        {"json_raw", test_json_raw},
        {"json_numbers", test_json_numbers},
        {"json_nonfinite_refused", test_json_nonfinite_refused},
        {NULL, NULL},
    };
    return harness_run(tests);
}
