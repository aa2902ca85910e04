/* Tests of the JSON writers (src/json.c). */
#include "tally/json.h"

#include <stdlib.h>

#include "harness.h"

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

int main(void)
{
    static const struct harness_test tests[] = {
        {"json_strings_escape", test_json_strings_escape},
        {"json_numbers", test_json_numbers},
        {NULL, NULL},
    };
    return harness_run(tests);
}
