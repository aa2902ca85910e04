/* Tests of the cells every CSV and table is written with (src/present/claim_out.c). */
#include "tally/present.h"

#include <string.h>

#include "harness.h"

static void csv(const char *in, const char *want)
{
    tally_buf b;
    tally_buf_init(&b, 1 << 16);
    tally_present_csv_cell(&b, in, strlen(in), true);
    CHECK_STR_EQ(b.ptr, want);
    tally_buf_free(&b);
}

/* OWASP's rule: a cell a spreadsheet would run as a formula shows as text;
 * a number stays a number; other text is quoted only when it must be. */
static void test_present_csv_formulas_neutralised(void)
{
    csv("=HYPERLINK(\"https://evil.example/\",\"x\")",
        "\"'=HYPERLINK(\"\"https://evil.example/\"\",\"\"x\"\")\"\n");
    csv("=cmd|' /C calc'!A0", "\"'=cmd|' /C calc'!A0\"\n");
    csv("+SUM(1+1)", "\"'+SUM(1+1)\"\n");
    csv("@SUM(1+1)", "\"'@SUM(1+1)\"\n");
    csv("-2+3", "\"'-2+3\"\n");
    csv("\tx", "\"'\tx\"\n");
    csv("\rx", "\"'\rx\"\n");
    csv("-", "\"'-\"\n");
    /* numbers */
    csv("-5", "-5\n");
    csv("-2.5", "-2.5\n");
    csv("-1e-05", "-1e-05\n");
    csv("-1e", "\"'-1e\"\n");
    /* plain text */
    csv("Shin Won-sik", "Shin Won-sik\n");
    csv("a, b", "\"a, b\"\n");
    csv("", "\n");
}

/* A control character in a table cell is shown, never run; a newline does
 * not split the row; widths count what is shown. */
static void test_present_table_cell_shows_controls(void)
{
    tally_buf b;
    tally_buf_init(&b, 1 << 16);
    const char *name = "evil\x1b]0;pwned\x07\nrow";
    tally_present_table_cell(&b, name, strlen(name), -30, 0, false);
    tally_present_table_cell(&b, "end", 3, 0, 0, true);
    CHECK_STR_EQ(b.ptr, "evil\\x1b]0;pwned\\x07\\nrow      end\n");
    tally_buf_free(&b);
}

/* A long text is cut in its middle to its width, whatever its length: a
 * control character near its end still shows as its escape, and the cut
 * counts the escape's columns. */
static void test_present_elide_long_text(void)
{
    char text[3001], fit[128];
    memset(text, 'a', sizeof text - 1);
    text[sizeof text - 1] = '\0';
    text[2996] = '\n';
    tally_present_elide(text, 20, fit, sizeof fit);
    CHECK_STR_EQ(fit, "aaaaaaaaa...aaa\\naaa");
    CHECK_INT_EQ((long long)strlen(fit), 20);
    tally_present_elide("short\tone", 20, fit, sizeof fit);
    CHECK_STR_EQ(fit, "short\\tone");
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"present_csv_formulas_neutralised", test_present_csv_formulas_neutralised},
        {"present_table_cell_shows_controls", test_present_table_cell_shows_controls},
        {"present_elide_long_text", test_present_elide_long_text},
        {NULL, NULL},
    };
    return harness_run(tests);
}
