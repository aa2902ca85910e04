/* Tests of text for a terminal (src/base/visible.c). */
#include "tally/visible.h"

#include <string.h>

#include "harness.h"

/* The visible form of `in` (`n` bytes) equals `want`. */
static void expect(const char *in, size_t n, const char *want)
{
    tally_buf b;
    tally_buf_init(&b, 1 << 16);
    tally_visible_append(&b, in, n);
    CHECK_STR_EQ(b.len > 0 ? b.ptr : "", want);
    tally_buf_free(&b);
}
#define EXPECT(lit, want) expect(lit, sizeof(lit) - 1, want)

static void test_visible_plain_text_unchanged(void)
{
    EXPECT("North Korea sent 6,700 containers", "North Korea sent 6,700 containers");
    EXPECT("Séoul \xe2\x80\x94 \xe5\x8c\x97\xe6\x9c\x9d\xe9\xae\xae C:\\path",
           "Séoul — 北朝鮮 C:\\path");
    EXPECT("", "");
}

/* Terminal escapes show as text and cannot act. */
static void test_visible_escapes_shown(void)
{
    EXPECT("\x1b]0;pwned\x07name", "\\x1b]0;pwned\\x07name");
    EXPECT("\x1b[2Jclear", "\\x1b[2Jclear");
    EXPECT("a\nb\rc\td\x7f", "a\\nb\\rc\\td\\x7f");
    EXPECT("nul\0byte", "nul\\x00byte");
    /* C1 controls: U+009B is CSI; as a lone byte it is not UTF-8 */
    EXPECT("\xc2\x9b"
           "2J and \x9b"
           "2J",
           "\\u{009b}2J and \\x9b2J");
    /* line separator, right-to-left override, isolate */
    EXPECT("a\xe2\x80\xa8"
           "b\xe2\x80\xae"
           "c\xe2\x81\xa6"
           "d",
           "a\\u{2028}b\\u{202e}c\\u{2066}d");
    /* a sequence cut at the end */
    EXPECT("end\xe2\x80", "end\\xe2\\x80");
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"visible_plain_text_unchanged", test_visible_plain_text_unchanged},
        {"visible_escapes_shown", test_visible_escapes_shown},
        {NULL, NULL},
    };
    return harness_run(tests);
}
