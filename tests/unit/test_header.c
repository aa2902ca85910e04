/* Tests of the document header (src/read/header.c). */
#include "header.h"

#include "harness.h"

/* Parses `s` as a whole input. */
static size_t parse(const char *s, header *h, size_t *invalid)
{
    *invalid = 0;
    return header_parse(s, strlen(s), true, h, invalid);
}

static void test_header_absent(void)
{
    header h;
    size_t invalid;
    CHECK_INT_EQ(parse("Ships left the port.\n\nMore text.\n", &h, &invalid), 0);
    CHECK(h.url == NULL && h.title == NULL && h.outlet == NULL && h.date == NULL);
    CHECK_INT_EQ(parse("", &h, &invalid), 0);
    CHECK_INT_EQ(parse("\nurl: http://example.test/\n\n", &h, &invalid), 0);
    CHECK(h.url == NULL);
}

static void test_header_then_body(void)
{
    static const char doc[] = "title:   Grain exports rise  \n"
                              "url: http://example.test/a\n"
                              "date: 2024-05\n"
                              "outlet: The Test Herald\n"
                              "\n"
                              "Body starts here.\n";
    header h;
    size_t invalid;
    size_t len = parse(doc, &h, &invalid);
    CHECK_STR_EQ(doc + len, "Body starts here.\n");
    CHECK_STR_EQ(h.title, "Grain exports rise");
    CHECK_STR_EQ(h.url, "http://example.test/a");
    CHECK_STR_EQ(h.date, "2024-05");
    CHECK_STR_EQ(h.outlet, "The Test Herald");
    CHECK_INT_EQ(invalid, 0);
    header_free(&h);
    CHECK(h.title == NULL);
}

static void test_header_crlf_and_blank_with_spaces(void)
{
    static const char doc[] = "url: u\r\ndate: 2023\r\n \t\r\nText\r\n";
    header h;
    size_t invalid;
    size_t len = parse(doc, &h, &invalid);
    CHECK_STR_EQ(doc + len, "Text\r\n");
    CHECK_STR_EQ(h.url, "u");
    CHECK_STR_EQ(h.date, "2023");
    header_free(&h);
}

static void test_header_unknown_key_is_body(void)
{
    header h;
    size_t invalid;
    CHECK_INT_EQ(parse("author: A. Writer\nurl: x\n\nText\n", &h, &invalid), 0);
    CHECK(h.url == NULL);
    CHECK_INT_EQ(parse("URL: x\n\nText\n", &h, &invalid), 0);
    CHECK_INT_EQ(parse("urls: x\n\nText\n", &h, &invalid), 0);
    CHECK_INT_EQ(parse("url x\n\nText\n", &h, &invalid), 0);
    CHECK_INT_EQ(parse(" url: x\n\nText\n", &h, &invalid), 0);
}

static void test_header_like_line_later_in_body(void)
{
    header h;
    size_t invalid;
    CHECK_INT_EQ(parse("First paragraph.\n\ndate: 2024-01-01\n\nMore.\n", &h, &invalid), 0);
    CHECK(h.date == NULL);
}

static void test_header_ends_at_other_line(void)
{
    /* A line that is neither blank nor a new key starts the body. */
    static const char doc[] = "url: a\nurl: b\n\nText\n";
    header h;
    size_t invalid;
    size_t len = parse(doc, &h, &invalid);
    CHECK_STR_EQ(doc + len, "url: b\n\nText\n");
    CHECK_STR_EQ(h.url, "a");
    header_free(&h);

    static const char doc2[] = "title: T\nThe body, with no blank line.\n";
    len = parse(doc2, &h, &invalid);
    CHECK_STR_EQ(doc2 + len, "The body, with no blank line.\n");
    CHECK_STR_EQ(h.title, "T");
    header_free(&h);
}

static void test_header_only(void)
{
    header h;
    size_t invalid;
    static const char doc[] = "title: Only a header\nurl: u";
    CHECK_INT_EQ(parse(doc, &h, &invalid), sizeof doc - 1);
    CHECK_STR_EQ(h.title, "Only a header");
    CHECK_STR_EQ(h.url, "u");
    header_free(&h);
}

static void test_header_line_cut_off_before_eof(void)
{
    /* Without the end of the input, a line cut off is not read. */
    static const char doc[] = "title: T\nurl: http://exa";
    header h;
    size_t invalid = 0;
    CHECK_INT_EQ(header_parse(doc, sizeof doc - 1, false, &h, &invalid), 9);
    CHECK_STR_EQ(h.title, "T");
    CHECK(h.url == NULL);
    header_free(&h);
}

static void test_header_empty_value_and_invalid_utf8(void)
{
    header h;
    size_t invalid;
    static const char doc[] = "title:\noutlet: Caf\xE9 \xC3\xA9\n\n";
    CHECK_INT_EQ(parse(doc, &h, &invalid), sizeof doc - 1);
    CHECK(h.title == NULL);
    CHECK_STR_EQ(h.outlet, "Caf\xEF\xBF\xBD \xC3\xA9");
    CHECK_INT_EQ(invalid, 1);
    header_free(&h);
}

static void test_header_is_blank(void)
{
    CHECK(header_is_blank("", 0));
    CHECK(header_is_blank(" \t\r", 3));
    CHECK(!header_is_blank(" x", 2));
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"header_absent", test_header_absent},
        {"header_then_body", test_header_then_body},
        {"header_crlf_and_blank_with_spaces", test_header_crlf_and_blank_with_spaces},
        {"header_unknown_key_is_body", test_header_unknown_key_is_body},
        {"header_like_line_later_in_body", test_header_like_line_later_in_body},
        {"header_ends_at_other_line", test_header_ends_at_other_line},
        {"header_only", test_header_only},
        {"header_line_cut_off_before_eof", test_header_line_cut_off_before_eof},
        {"header_empty_value_and_invalid_utf8", test_header_empty_value_and_invalid_utf8},
        {"header_is_blank", test_header_is_blank},
        {NULL, NULL}};
    return harness_run(tests);
}
