/* Tests of reading documents (src/read/doc.c and the decoders): formats, blocks
 * and their offsets, headers, invalid input. */
#include "tally/doc.h"

#include "decode.h"
#include "harness.h"
#include "tally/err.h"
#include "tally/mem.h"
#include "tally/utf8.h"

#define R TALLY_UTF8_REPLACEMENT
enum { MAX_BLOCKS = 256 };

/* What the callbacks saw. */
struct cap {
    tally_buf body;
    char *blocks[MAX_BLOCKS];
    size_t nblocks;
    size_t next;    /* where the next block must start */
    bool tiled;     /* every block started where the last one ended */
    bool valid;     /* every block was valid UTF-8 */
    size_t max_len; /* the longest block */
    int meta_calls;
    tally_format format;
    char *url, *title, *outlet, *date;
    size_t stop_at; /* on_block returns TALLY_ESTOP at this block (1-based) */
};

static char *dup_or_null(const char *s)
{
    return s != NULL ? tally_xstrdup(s) : NULL;
}

static int on_meta(const tally_doc_meta *m, tally_format f, void *user, tally_err *err)
{
    struct cap *c = user;
    (void)err;
    c->meta_calls++;
    c->format = f;
    c->url = dup_or_null(m->url);
    c->title = dup_or_null(m->title);
    c->outlet = dup_or_null(m->outlet);
    c->date = dup_or_null(m->date);
    return 0;
}

static int count_only(void *user, const char *s, size_t n)
{
    (void)user, (void)s, (void)n;
    return 0;
}

static bool is_valid_utf8(const char *s, size_t n)
{
    size_t invalid = 0;
    tally_utf8_dec d;
    tally_utf8_init(&d, count_only, NULL, &invalid);
    d.nul_invalid = true;
    if (tally_utf8_feed(&d, s, n) != 0 || tally_utf8_finish(&d) != 0)
        return false;
    return invalid == 0;
}

static int on_block(const tally_block *b, void *user, tally_err *err)
{
    struct cap *c = user;
    if (b->offset != c->next || b->len == 0)
        c->tiled = false;
    if (!is_valid_utf8(b->text, b->len))
        c->valid = false;
    c->next = b->offset + b->len;
    if (b->len > c->max_len)
        c->max_len = b->len;
    if (c->nblocks < MAX_BLOCKS)
        c->blocks[c->nblocks] = tally_xstrndup(b->text, b->len);
    c->nblocks++;
    if (tally_buf_append(&c->body, b->text, b->len) != 0)
        return tally_err_set(err, TALLY_ELIMIT, "test body too long");
    if (c->stop_at == c->nblocks)
        return tally_err_set(err, TALLY_ESTOP, "stopped at block %zu", c->nblocks);
    return 0;
}

static void cap_init(struct cap *c)
{
    memset(c, 0, sizeof *c);
    tally_buf_init(&c->body, 64 << 20);
    tally_buf_append(&c->body, "", 0);
    c->tiled = true;
    c->valid = true;
}

static void cap_free(struct cap *c)
{
    for (size_t i = 0; i < c->nblocks && i < MAX_BLOCKS; i++)
        free(c->blocks[i]);
    free(c->url);
    free(c->title);
    free(c->outlet);
    free(c->date);
    tally_buf_free(&c->body);
}

struct how {
    const char *name;
    tally_format format;
    size_t max_block;
    size_t chunk;
    size_t md_chunk;
};

/* Reads `data` through a temporary file. */
static int read_with(const char *data, size_t n, const struct how *how, struct cap *c,
                     tally_doc_stats *st, tally_err *err)
{
    FILE *f = tmpfile();
    CHECK(f != NULL);
    if (f == NULL)
        return -100;
    CHECK_INT_EQ(fwrite(data, 1, n, f), n);
    rewind(f);
    tally_doc_opts opts = {how->format, how->max_block};
    tally_doc_handler h = {on_meta, on_block, c};
    doc_tune t = {how->chunk, how->md_chunk};
    cap_init(c);
    memset(err, 0, sizeof *err);
    int rc = doc_read_tuned(f, how->name, &opts, &h, st, err, &t);
    fclose(f);
    CHECK(c->tiled);
    CHECK(c->valid);
    CHECK_INT_EQ(c->meta_calls, rc == 0 ? 1 : c->meta_calls);
    if (rc == 0)
        CHECK_INT_EQ(st->body_bytes, c->body.len);
    return rc;
}

/* Reads a string as `format`; checks success and returns the decoded body in `c`. */
static void read_as(const char *data, tally_format format, struct cap *c)
{
    struct how how = {NULL, format, 0, 0, 0};
    tally_doc_stats st;
    tally_err err;
    CHECK_INT_EQ(read_with(data, strlen(data), &how, c, &st, &err), 0);
}

#define CHECK_BLOCK(c, i, s)                                                                       \
    do {                                                                                           \
        CHECK((c).nblocks > (i));                                                                  \
        if ((c).nblocks > (i))                                                                     \
            CHECK_STR_EQ((c).blocks[i], s);                                                        \
    } while (0)

static void test_doc_name(void)
{
    char *s;
    CHECK_STR_EQ(s = tally_doc_name("dir/a.b.txt"), "a.b");
    free(s);
    CHECK_STR_EQ(s = tally_doc_name("report.md"), "report");
    free(s);
    CHECK_STR_EQ(s = tally_doc_name("-"), "-");
    free(s);
    CHECK_STR_EQ(s = tally_doc_name("/x/y/noext"), "noext");
    free(s);
    CHECK_STR_EQ(s = tally_doc_name("d.ir/.hidden"), ".hidden");
    free(s);
    CHECK_STR_EQ(s = tally_doc_name("dir/page.html/"), "page");
    free(s);
}

static void test_doc_format_parse_and_name(void)
{
    CHECK_INT_EQ(tally_format_parse("txt"), TALLY_FORMAT_TXT);
    CHECK_INT_EQ(tally_format_parse("md"), TALLY_FORMAT_MD);
    CHECK_INT_EQ(tally_format_parse("markdown"), TALLY_FORMAT_MD);
    CHECK_INT_EQ(tally_format_parse("html"), TALLY_FORMAT_HTML);
    CHECK_INT_EQ(tally_format_parse("HTM"), TALLY_FORMAT_HTML);
    CHECK_INT_EQ(tally_format_parse("pdf"), -1);
    CHECK_INT_EQ(tally_format_parse(""), -1);
    CHECK_STR_EQ(tally_format_name(TALLY_FORMAT_TXT), "txt");
    CHECK_STR_EQ(tally_format_name(TALLY_FORMAT_MD), "md");
    CHECK_STR_EQ(tally_format_name(TALLY_FORMAT_HTML), "html");
    CHECK_STR_EQ(tally_format_name(TALLY_FORMAT_AUTO), "auto");
}

static void test_doc_txt_paragraph_blocks(void)
{
    struct cap c;
    read_as("\nOne line\nand two.\n\n \t\nNext 10 000.\n  \nLast", TALLY_FORMAT_TXT, &c);
    CHECK_INT_EQ(c.nblocks, 3);
    CHECK_BLOCK(c, 0, "\nOne line\nand two.\n\n \t\n");
    CHECK_BLOCK(c, 1, "Next 10 000.\n  \n");
    CHECK_BLOCK(c, 2, "Last");
    cap_free(&c);
}

static void test_doc_txt_crlf_and_indent(void)
{
    struct cap c;
    read_as("A\r\n\r\n   indented\r\nB\r\n", TALLY_FORMAT_TXT, &c);
    CHECK_INT_EQ(c.nblocks, 2);
    CHECK_BLOCK(c, 0, "A\r\n\r\n");
    CHECK_BLOCK(c, 1, "   indented\r\nB\r\n");
    cap_free(&c);
}

static void test_doc_txt_bom_dropped(void)
{
    struct cap c;
    read_as("\xEF\xBB\xBFtitle: T\n\nText \xEF\xBB\xBF kept.\n", TALLY_FORMAT_AUTO, &c);
    CHECK_STR_EQ(c.body.ptr, "Text \xEF\xBB\xBF kept.\n");
    CHECK_STR_EQ(c.title, "T");
    cap_free(&c);
}

static void test_doc_header_then_body_offsets(void)
{
    static const char doc[] = "url: http://example.test/x\n"
                              "title: Test story\n"
                              "outlet: Test Wire\n"
                              "date: 2024-02-03\n"
                              "\n"
                              "First 12 ships.\n\nSecond.\n";
    struct cap c;
    read_as(doc, TALLY_FORMAT_AUTO, &c);
    CHECK_INT_EQ(c.meta_calls, 1);
    CHECK_INT_EQ(c.format, TALLY_FORMAT_TXT);
    CHECK_STR_EQ(c.url, "http://example.test/x");
    CHECK_STR_EQ(c.title, "Test story");
    CHECK_STR_EQ(c.outlet, "Test Wire");
    CHECK_STR_EQ(c.date, "2024-02-03");
    CHECK_STR_EQ(c.body.ptr, "First 12 ships.\n\nSecond.\n");
    CHECK_INT_EQ(c.nblocks, 2);
    CHECK_BLOCK(c, 1, "Second.\n");
    cap_free(&c);
}

static void test_doc_no_header_still_meta(void)
{
    struct cap c;
    read_as("Plain start.\ndate: not a header here\n", TALLY_FORMAT_AUTO, &c);
    CHECK_INT_EQ(c.meta_calls, 1);
    CHECK(c.url == NULL && c.title == NULL && c.outlet == NULL && c.date == NULL);
    CHECK_STR_EQ(c.body.ptr, "Plain start.\ndate: not a header here\n");
    cap_free(&c);
}

static void test_doc_empty_input(void)
{
    struct cap c;
    struct how how = {"empty.md", TALLY_FORMAT_AUTO, 0, 0, 0};
    tally_doc_stats st;
    tally_err err;
    CHECK_INT_EQ(read_with("", 0, &how, &c, &st, &err), 0);
    CHECK_INT_EQ(c.meta_calls, 1);
    CHECK_INT_EQ(c.nblocks, 0);
    CHECK_INT_EQ(st.raw_bytes, 0);
    CHECK_INT_EQ(st.body_bytes, 0);
    cap_free(&c);
    how.format = TALLY_FORMAT_HTML;
    CHECK_INT_EQ(read_with("", 0, &how, &c, &st, &err), 0);
    CHECK_INT_EQ(c.nblocks, 0);
    cap_free(&c);
}

static void test_doc_invalid_utf8_across_chunks(void)
{
    /* Small reads put chunk boundaries inside every sequence. */
    static const char doc[] = "caf\xC3\xA9 \xE2\x82\xAC"
                              "5 \xF0\x9F\x93\x88 bad \xC0\xAF \xED\xA0\x80 "
                              "\xE2\x82 end \xF0\x9F";
    static const char want[] = "caf\xC3\xA9 \xE2\x82\xAC"
                               "5 \xF0\x9F\x93\x88 bad " R R " " R R R " " R " end " R;
    for (size_t chunk = 1; chunk <= 5; chunk++) {
        struct how how = {NULL, TALLY_FORMAT_TXT, 0, chunk, 0};
        struct cap c;
        tally_doc_stats st;
        tally_err err;
        CHECK_INT_EQ(read_with(doc, sizeof doc - 1, &how, &c, &st, &err), 0);
        CHECK_STR_EQ(c.body.ptr, want);
        CHECK_INT_EQ(st.invalid_utf8, 7);
        CHECK_INT_EQ(st.raw_bytes, sizeof doc - 1);
        cap_free(&c);
    }
}

static void test_doc_long_paragraph_cut_at_space(void)
{
    static const char doc[] = "alpha beta gamma delta epsilon zeta eta theta\n\nshort\n";
    struct how how = {NULL, TALLY_FORMAT_TXT, 16, 3, 0};
    struct cap c;
    tally_doc_stats st;
    tally_err err;
    CHECK_INT_EQ(read_with(doc, sizeof doc - 1, &how, &c, &st, &err), 0);
    CHECK_STR_EQ(c.body.ptr, doc);
    CHECK(c.max_len <= 16);
    CHECK_BLOCK(c, 0, "alpha beta ");
    CHECK_BLOCK(c, 1, "gamma delta ");
    CHECK_INT_EQ(st.split_blocks, 1);
    CHECK_BLOCK(c, c.nblocks - 1, "short\n");
    cap_free(&c);
}

/* A long paragraph is cut after a sentence end in a block's second half,
 * else after a comma there, before any later space. */
static void test_doc_long_paragraph_cut_after_sentence(void)
{
    static const char doc[] = "One two three. Four five, six seven eight nine ten eleven\n";
    struct how how = {NULL, TALLY_FORMAT_TXT, 16, 5, 0};
    struct cap c;
    tally_doc_stats st;
    tally_err err;
    CHECK_INT_EQ(read_with(doc, sizeof doc - 1, &how, &c, &st, &err), 0);
    CHECK_STR_EQ(c.body.ptr, doc);
    CHECK_INT_EQ(c.nblocks, 4);
    CHECK_BLOCK(c, 0, "One two three. ");  /* the sentence end, not after "F" */
    CHECK_BLOCK(c, 1, "Four five, ");      /* a comma in the second half, not "six " */
    CHECK_BLOCK(c, 2, "six seven eight "); /* neither: the last space */
    CHECK_BLOCK(c, 3, "nine ten eleven\n");
    CHECK_INT_EQ(st.split_blocks, 1);
    CHECK_INT_EQ(tally_doc_max_block(&(tally_doc_opts){.max_block = 16}), 16);
    CHECK_INT_EQ(tally_doc_max_block(NULL), 16 * 1024);
    cap_free(&c);
}

static void test_doc_long_word_cut_at_char_boundary(void)
{
    /* No space: cuts fall between characters (two and three bytes long). */
    tally_buf doc;
    tally_buf_init(&doc, 4096);
    for (int i = 0; i < 40; i++)
        CHECK_INT_EQ(tally_buf_append(&doc, i % 2 ? "\xC3\xA9" : "\xE2\x82\xAC", i % 2 ? 2 : 3), 0);
    for (size_t max = 4; max <= 9; max++) {
        struct how how = {NULL, TALLY_FORMAT_TXT, max, 2, 0};
        struct cap c;
        tally_doc_stats st;
        tally_err err;
        CHECK_INT_EQ(read_with(doc.ptr, doc.len, &how, &c, &st, &err), 0);
        CHECK_STR_EQ(c.body.ptr, doc.ptr);
        CHECK(c.max_len <= max);
        CHECK(c.nblocks > 1);
        CHECK_INT_EQ(st.split_blocks, 1);
        cap_free(&c);
    }
    tally_buf_free(&doc);
}

static void test_doc_md_escapes_and_emphasis(void)
{
    struct cap c;
    read_as("Costs \\$10 *per* **unit** and `x = 5`\nnext line  \nhard [link](http://x.test) "
            "![a chart](c.png).\n",
            TALLY_FORMAT_MD, &c);
    CHECK_STR_EQ(c.body.ptr, "Costs $10 per unit and x = 5\nnext line\nhard link .\n\n");
    CHECK_INT_EQ(c.nblocks, 1);
    cap_free(&c);
}

static void test_doc_md_headings_lists_quotes(void)
{
    struct cap c;
    read_as("# Big news\n\nSub head\n===\n\n- one item\n- two\n  - nested\n\n1. first\n\n"
            "> quoted 5\n> still\n",
            TALLY_FORMAT_MD, &c);
    CHECK_INT_EQ(c.nblocks, 7);
    CHECK_BLOCK(c, 0, "Big news\n\n");
    CHECK_BLOCK(c, 1, "Sub head\n\n");
    CHECK_BLOCK(c, 2, "one item\n\n");
    CHECK_BLOCK(c, 3, "two\n\n");
    CHECK_BLOCK(c, 4, "nested\n\n");
    CHECK_BLOCK(c, 5, "first\n\n");
    CHECK_BLOCK(c, 6, "quoted 5\nstill\n\n");
    cap_free(&c);
}

static void test_doc_md_code_tables_entities(void)
{
    struct cap c;
    read_as("```\nrow 1\n\nrow 2\n```\n\n| a | b |\n|---|---|\n| 7 | 8 |\n\n"
            "Tom &amp; Jerry &#x41;&#66; &eacute; &unknown; &#0;\n\n<div>\nraw <b>html</b> &amp;\n"
            "</div>\n",
            TALLY_FORMAT_MD, &c);
    CHECK_BLOCK(c, 0, "row 1\n\nrow 2\n\n");
    CHECK_BLOCK(c, 1, "a\n\n");
    CHECK_BLOCK(c, 2, "b\n\n");
    CHECK_BLOCK(c, 3, "7\n\n");
    CHECK_BLOCK(c, 4, "8\n\n");
    CHECK_BLOCK(c, 5, "Tom & Jerry AB \xC3\xA9 &unknown; " R "\n\n");
    CHECK_BLOCK(c, 6, "raw html &\n\n");
    CHECK_INT_EQ(c.nblocks, 7);
    cap_free(&c);
}

static void test_doc_md_parsed_in_pieces(void)
{
    /* Pieces of ~64 bytes, cut at blank lines outside the fence, give the
     * same text as one parse; the fence with blank lines stays whole. */
    tally_buf doc;
    tally_buf_init(&doc, 1 << 16);
    for (int i = 0; i < 30; i++) {
        char line[128];
        int n = snprintf(line, sizeof line, "Paragraph %d has *some* text\nover two lines.\n\n", i);
        CHECK_INT_EQ(tally_buf_append(&doc, line, (size_t)n), 0);
        if (i == 10) {
            static const char fence[] = "~~~~\ncode a\n\n\n\ncode b\n~~~~\n\n";
            CHECK_INT_EQ(tally_buf_append(&doc, fence, sizeof fence - 1), 0);
        }
    }
    struct how whole = {NULL, TALLY_FORMAT_MD, 0, 0, 0};
    struct how pieces = {NULL, TALLY_FORMAT_MD, 0, 7, 64};
    struct cap a, b;
    tally_doc_stats st;
    tally_err err;
    CHECK_INT_EQ(read_with(doc.ptr, doc.len, &whole, &a, &st, &err), 0);
    CHECK_INT_EQ(read_with(doc.ptr, doc.len, &pieces, &b, &st, &err), 0);
    CHECK_STR_EQ(a.body.ptr, b.body.ptr);
    CHECK_INT_EQ(a.nblocks, 31);
    CHECK_INT_EQ(b.nblocks, 31);
    CHECK_BLOCK(b, 11, "code a\n\n\n\ncode b\n\n");
    cap_free(&a);
    cap_free(&b);

    /* No blank line at all: pieces are cut at line ends past four times the size. */
    tally_buf_clear(&doc);
    for (int i = 0; i < 100; i++)
        CHECK_INT_EQ(tally_buf_append(&doc, "line of text\n", 13), 0);
    CHECK_INT_EQ(read_with(doc.ptr, doc.len, &pieces, &b, &st, &err), 0);
    /* Each piece is a paragraph of m lines: 13 m + 1 bytes. */
    CHECK(b.nblocks > 1);
    CHECK_INT_EQ(b.body.len, 100 * 13 + b.nblocks);
    cap_free(&b);
    tally_buf_free(&doc);
}

static void test_doc_html_drops_invisible(void)
{
    struct cap c;
    read_as("<!DOCTYPE html><html><head><title>Page title 1</title><style>p{x:1}</style>"
            "<script>var n = 2;</script></head><body><nav><a href=/>Home 3</a></nav>"
            "<header>Site 4</header><noscript>Enable 5</noscript><template>T 6</template>"
            "<article><header><h1>Story 7</h1></header><p>Shells: 8<!-- note 9 --></p>"
            "<aside>Aside 10</aside></article><footer>Footer 11</footer></body></html>",
            TALLY_FORMAT_AUTO, &c);
    CHECK_INT_EQ(c.format, TALLY_FORMAT_HTML);
    CHECK_STR_EQ(c.body.ptr, "Story 7\n\nShells: 8\n\nAside 10\n\n");
    cap_free(&c);
}

static void test_doc_html_blocks_and_white_space(void)
{
    struct cap c;
    read_as("<html><body><p>  One   <b>two</b>\n\t<i>three</i> </p><div>a<div>b</div>"
            "</div><div></div><div> </div><ul><li>x</li><li>y<br>z<br><br>w</li></ul>"
            "<table><tr><td>1</td><td> 2 </td></tr></table><pre>k  =\n  3</pre></body></html>",
            TALLY_FORMAT_HTML, &c);
    CHECK_INT_EQ(c.nblocks, 8);
    CHECK_BLOCK(c, 0, "One two three\n\n");
    CHECK_BLOCK(c, 1, "a\n\n");
    CHECK_BLOCK(c, 2, "b\n\n");
    CHECK_BLOCK(c, 3, "x\n\n");
    CHECK_BLOCK(c, 4, "y\nz\n\nw\n\n");
    CHECK_BLOCK(c, 5, "1\n\n");
    CHECK_BLOCK(c, 6, "2\n\n");
    CHECK_BLOCK(c, 7, "k  =\n  3\n\n");
    cap_free(&c);
}

static void test_doc_html_entities(void)
{
    struct cap c;
    read_as("<p>AT&amp;T &lt;b&gt; 10&nbsp;000 &euro;5 &#8364;6 &#x20AC;7 &bogus;</p>",
            TALLY_FORMAT_HTML, &c);
    CHECK_STR_EQ(c.body.ptr, "AT&T <b> 10\xC2\xA0"
                             "000 \xE2\x82\xAC"
                             "5 \xE2\x82\xAC"
                             "6 "
                             "\xE2\x82\xAC"
                             "7 &bogus;\n\n");
    cap_free(&c);
}

static void test_doc_html_charset_windows_1251(void)
{
    /* "Привет, 5 снарядов" in windows-1251, declared by http-equiv. */
    struct cap c;
    read_as("<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
            "charset=windows-1251\"></head><body><p>\xCF\xF0\xE8\xE2\xE5\xF2, 5 "
            "\xF1\xED\xE0\xF0\xFF\xE4\xEE\xE2</p></body></html>",
            TALLY_FORMAT_HTML, &c);
    CHECK_STR_EQ(c.body.ptr,
                 "\xD0\x9F\xD1\x80\xD0\xB8\xD0\xB2\xD0\xB5\xD1\x82, 5 "
                 "\xD1\x81\xD0\xBD\xD0\xB0\xD1\x80\xD1\x8F\xD0\xB4\xD0\xBE\xD0\xB2\n\n");
    cap_free(&c);
}

static void test_doc_html_charset_iso_8859_1(void)
{
    /* Latin-1 labels decode as windows-1252, as browsers do (0x80 is the euro). */
    struct cap c;
    read_as("<meta charset='ISO-8859-1'><p>caf\xE9 \x80"
            "5 \xAB"
            "x\xBB</p>",
            TALLY_FORMAT_HTML, &c);
    CHECK_STR_EQ(c.body.ptr, "caf\xC3\xA9 \xE2\x82\xAC"
                             "5 \xC2\xAB"
                             "x\xC2\xBB\n\n");
    cap_free(&c);

    /* A byte that the charset lacks becomes U+FFFD, at any chunk size. */
    for (size_t chunk = 1; chunk <= 3; chunk++) {
        static const char doc[] = "<meta charset=windows-1252><p>a\x81"
                                  "b</p>";
        struct how how = {NULL, TALLY_FORMAT_HTML, 0, chunk, 0};
        tally_doc_stats st;
        tally_err err;
        CHECK_INT_EQ(read_with(doc, sizeof doc - 1, &how, &c, &st, &err), 0);
        CHECK_STR_EQ(c.body.ptr, "a" R "b\n\n");
        CHECK_INT_EQ(st.invalid_utf8, 1);
        cap_free(&c);
    }
}

static void test_doc_html_utf8_without_meta(void)
{
    static const char doc[] = "<p>\xD0\x9F\xD1\x80\xD0\xB8 \xE2\x82\xAC"
                              "5 bad\xFF</p>";
    for (size_t chunk = 1; chunk <= 4; chunk++) {
        struct how how = {"page.htm", TALLY_FORMAT_AUTO, 0, chunk, 0};
        struct cap c;
        tally_doc_stats st;
        tally_err err;
        CHECK_INT_EQ(read_with(doc, sizeof doc - 1, &how, &c, &st, &err), 0);
        CHECK_STR_EQ(c.body.ptr, "\xD0\x9F\xD1\x80\xD0\xB8 \xE2\x82\xAC"
                                 "5 bad" R "\n\n");
        CHECK_INT_EQ(st.invalid_utf8, 1);
        cap_free(&c);
    }
}

static void test_doc_html_meta_ignored_after_bom(void)
{
    /* A UTF-8 BOM wins over a <meta> charset. */
    struct cap c;
    read_as("\xEF\xBB\xBF<meta charset=windows-1251><p>\xD0\x9F</p>", TALLY_FORMAT_HTML, &c);
    CHECK_STR_EQ(c.body.ptr, "\xD0\x9F\n\n");
    cap_free(&c);
}

static void test_doc_html_long_text_without_tags(void)
{
    /* Far more text than libxml2 is let to hold before the next '<'. */
    tally_buf doc;
    tally_buf_init(&doc, 4 << 20);
    CHECK_INT_EQ(tally_buf_append(&doc, "<p>", 3), 0);
    for (int i = 0; i < 100000; i++)
        CHECK_INT_EQ(tally_buf_append(&doc, "word &amp; ", 11), 0);
    struct how how = {NULL, TALLY_FORMAT_HTML, 0, 0, 0};
    struct cap c;
    tally_doc_stats st;
    tally_err err;
    CHECK_INT_EQ(read_with(doc.ptr, doc.len, &how, &c, &st, &err), 0);
    CHECK_INT_EQ(c.body.len, 100000 * 7 - 1 + 2);
    CHECK(c.body.len > 7 && memcmp(c.body.ptr, "word & word & ", 14) == 0);
    bool same = true;
    for (size_t i = 0; i + 7 <= c.body.len - 2 + 1 && same; i += 7)
        same = memcmp(c.body.ptr + i, "word &", 6) == 0;
    CHECK(same);
    cap_free(&c);
    tally_buf_free(&doc);
}

static void test_doc_sniffing(void)
{
    CHECK_INT_EQ(doc_sniff("  \n<!DOCTYPE HTML>", 18), TALLY_FORMAT_HTML);
    CHECK_INT_EQ(doc_sniff("<div class=x>", 13), TALLY_FORMAT_HTML);
    CHECK_INT_EQ(doc_sniff("<P>text", 7), TALLY_FORMAT_HTML);
    CHECK_INT_EQ(doc_sniff("<pa>text", 8), TALLY_FORMAT_TXT);
    CHECK_INT_EQ(doc_sniff("<3 you", 6), TALLY_FORMAT_TXT);
    CHECK_INT_EQ(doc_sniff("Intro\n\n## Section\n", 18), TALLY_FORMAT_MD);
    CHECK_INT_EQ(doc_sniff("See [the report](http://x.test).", 32), TALLY_FORMAT_MD);
    CHECK_INT_EQ(doc_sniff("```\ncode\n```\n", 13), TALLY_FORMAT_MD);
    CHECK_INT_EQ(doc_sniff("- one\n- two\n", 12), TALLY_FORMAT_MD);
    CHECK_INT_EQ(doc_sniff("Title\n=====\n", 12), TALLY_FORMAT_MD);
    CHECK_INT_EQ(doc_sniff("- just one dash line\n", 21), TALLY_FORMAT_TXT);
    CHECK_INT_EQ(doc_sniff("#hashtag and [brackets] (here)", 30), TALLY_FORMAT_TXT);
    CHECK_INT_EQ(doc_sniff("Plain news, 5 ships.\n", 21), TALLY_FORMAT_TXT);
    CHECK_INT_EQ(doc_sniff("", 0), TALLY_FORMAT_TXT);
}

static void test_doc_format_by_extension_and_override(void)
{
    static const char doc[] = "title: T\n\n<p>5 <b>ships</b></p>\n";
    struct cap c;
    tally_doc_stats st;
    tally_err err;
    struct how how = {"dir/story.TXT", TALLY_FORMAT_AUTO, 0, 0, 0};
    CHECK_INT_EQ(read_with(doc, sizeof doc - 1, &how, &c, &st, &err), 0);
    CHECK_INT_EQ(c.format, TALLY_FORMAT_TXT);
    CHECK_STR_EQ(c.body.ptr, "<p>5 <b>ships</b></p>\n");
    cap_free(&c);

    how.name = "story.data";
    CHECK_INT_EQ(read_with(doc, sizeof doc - 1, &how, &c, &st, &err), 0);
    CHECK_INT_EQ(c.format, TALLY_FORMAT_HTML);
    CHECK_STR_EQ(c.body.ptr, "5 ships\n\n");
    cap_free(&c);

    how.name = "story.html";
    how.format = TALLY_FORMAT_MD;
    CHECK_INT_EQ(read_with("# H\n", 4, &how, &c, &st, &err), 0);
    CHECK_INT_EQ(c.format, TALLY_FORMAT_MD);
    CHECK_STR_EQ(c.body.ptr, "H\n\n");
    cap_free(&c);
}

static void test_doc_binary_input(void)
{
    static const char doc[] = "text\0more";
    struct how how = {NULL, TALLY_FORMAT_AUTO, 0, 0, 0};
    struct cap c;
    tally_doc_stats st;
    tally_err err;
    CHECK_INT_EQ(read_with(doc, sizeof doc - 1, &how, &c, &st, &err), TALLY_EINPUT);
    CHECK(st.binary);
    CHECK_INT_EQ(err.code, TALLY_EINPUT);
    CHECK_STR_EQ(err.msg, "binary file (NUL bytes), not a text document");
    CHECK_INT_EQ(c.meta_calls, 0);
    CHECK_INT_EQ(c.nblocks, 0);
    cap_free(&c);
}

static void test_doc_nul_after_first_64k(void)
{
    size_t n = 70000;
    char *doc = tally_xmalloc(n);
    memset(doc, 'a', n);
    doc[100] = '\n';
    doc[101] = '\n';
    doc[66000] = '\0';
    static const tally_format formats[] = {TALLY_FORMAT_TXT, TALLY_FORMAT_MD, TALLY_FORMAT_HTML};
    for (size_t i = 0; i < 3; i++) {
        struct how how = {NULL, formats[i], 0, 0, 0};
        struct cap c;
        tally_doc_stats st;
        tally_err err;
        CHECK_INT_EQ(read_with(doc, n, &how, &c, &st, &err), 0);
        CHECK(!st.binary);
        CHECK_INT_EQ(st.invalid_utf8, 1);
        CHECK(strstr(c.body.ptr, "a" R "a") != NULL);
        cap_free(&c);
    }
    free(doc);
}

static void test_doc_read_error(void)
{
    FILE *dir = fopen("/", "rb");
    if (dir == NULL)
        SKIP("cannot open / as a stream");
    tally_doc_stats st;
    tally_err err = {0, {0}};
    int rc = tally_doc_read(dir, "/", NULL, NULL, &st, &err);
    fclose(dir);
    CHECK_INT_EQ(rc, TALLY_EIO);
    CHECK(strstr(err.msg, "directory") != NULL);
}

static void test_doc_callback_stops_reading(void)
{
    static const char *const docs[] = {"a\n\nb\n\nc\n", "a\n\nb\n\nc\n",
                                       "<p>a</p><p>b</p><p>c</p>"};
    static const tally_format formats[] = {TALLY_FORMAT_TXT, TALLY_FORMAT_MD, TALLY_FORMAT_HTML};
    for (size_t i = 0; i < 3; i++) {
        struct how how = {NULL, formats[i], 0, 1, 0};
        struct cap c;
        tally_doc_stats st;
        tally_err err;
        FILE *f = tmpfile();
        CHECK(f != NULL);
        if (f == NULL)
            return;
        fputs(docs[i], f);
        rewind(f);
        cap_init(&c);
        c.stop_at = 2;
        tally_doc_opts opts = {how.format, 0};
        tally_doc_handler h = {NULL, on_block, &c};
        doc_tune t = {1, 0};
        CHECK_INT_EQ(doc_read_tuned(f, NULL, &opts, &h, &st, &err, &t), TALLY_ESTOP);
        CHECK_STR_EQ(err.msg, "stopped at block 2");
        CHECK_INT_EQ(c.nblocks, 2);
        fclose(f);
        cap_free(&c);
    }
}

/* A document in memory reads as the same document through a stream: its
 * header once (a byte-order mark before it no matter), its body's blocks,
 * and a binary one refused. */
static void test_doc_in_memory(void)
{
    static const char *const docs[] = {
        ("\xEF\xBB\xBFurl: https://example.org/a\ntitle: A title\ndate: 2024-05-10\n\n"
         "First paragraph.\n\n# Not a heading in text\n\nThird one.\n"),
        "<p>An <b>HTML</b> page.</p><p>Its second block.</p>",
        "No header, one paragraph\nover two lines.\n"};
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        struct cap stream, mem;
        struct how how = {NULL, TALLY_FORMAT_AUTO, 0, 0, 0};
        tally_doc_stats st_stream, st_mem;
        tally_err err;
        CHECK_INT_EQ(read_with(docs[i], strlen(docs[i]), &how, &stream, &st_stream, &err), 0);
        tally_doc_mem d;
        tally_doc_mem_open(&d, docs[i], strlen(docs[i]));
        cap_init(&mem);
        tally_doc_handler h = {on_meta, on_block, &mem};
        CHECK_INT_EQ(tally_doc_mem_read(&d, NULL, NULL, &h, &st_mem, &err), 0);
        CHECK_INT_EQ(mem.meta_calls, 1);
        CHECK_INT_EQ(mem.format, stream.format);
        CHECK_STR_EQ(mem.body.ptr, stream.body.ptr);
        CHECK_INT_EQ(mem.nblocks, stream.nblocks);
        CHECK_INT_EQ(st_mem.raw_bytes, strlen(docs[i]));
        CHECK((mem.url == NULL) == (stream.url == NULL));
        if (i == 0) {
            CHECK(d.bom);
            CHECK_STR_EQ(d.url, "https://example.org/a");
            CHECK_STR_EQ(d.title, "A title");
            CHECK_STR_EQ(mem.date, "2024-05-10");
            CHECK(strncmp(d.body, "First paragraph.", 16) == 0);
        }
        tally_doc_mem_close(&d);
        CHECK(d.url == NULL && d.title == NULL);
        cap_free(&stream);
        cap_free(&mem);
    }
    static const char bin[] = "text\0more";
    tally_doc_mem d;
    tally_doc_mem_open(&d, bin, sizeof bin - 1);
    tally_doc_stats st;
    tally_err err = {0};
    CHECK_INT_EQ(tally_doc_mem_read(&d, NULL, NULL, NULL, &st, &err), TALLY_EINPUT);
    CHECK(st.binary);
    CHECK(strstr(err.msg, "binary") != NULL);
    tally_doc_mem_close(&d);
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"doc_name", test_doc_name},
        {"doc_in_memory", test_doc_in_memory},
        {"doc_format_parse_and_name", test_doc_format_parse_and_name},
        {"doc_txt_paragraph_blocks", test_doc_txt_paragraph_blocks},
        {"doc_txt_crlf_and_indent", test_doc_txt_crlf_and_indent},
        {"doc_txt_bom_dropped", test_doc_txt_bom_dropped},
        {"doc_header_then_body_offsets", test_doc_header_then_body_offsets},
        {"doc_no_header_still_meta", test_doc_no_header_still_meta},
        {"doc_empty_input", test_doc_empty_input},
        {"doc_invalid_utf8_across_chunks", test_doc_invalid_utf8_across_chunks},
        {"doc_long_paragraph_cut_at_space", test_doc_long_paragraph_cut_at_space},
        {"doc_long_paragraph_cut_after_sentence", test_doc_long_paragraph_cut_after_sentence},
        {"doc_long_word_cut_at_char_boundary", test_doc_long_word_cut_at_char_boundary},
        {"doc_md_escapes_and_emphasis", test_doc_md_escapes_and_emphasis},
        {"doc_md_headings_lists_quotes", test_doc_md_headings_lists_quotes},
        {"doc_md_code_tables_entities", test_doc_md_code_tables_entities},
        {"doc_md_parsed_in_pieces", test_doc_md_parsed_in_pieces},
        {"doc_html_drops_invisible", test_doc_html_drops_invisible},
        {"doc_html_blocks_and_white_space", test_doc_html_blocks_and_white_space},
        {"doc_html_entities", test_doc_html_entities},
        {"doc_html_charset_windows_1251", test_doc_html_charset_windows_1251},
        {"doc_html_charset_iso_8859_1", test_doc_html_charset_iso_8859_1},
        {"doc_html_utf8_without_meta", test_doc_html_utf8_without_meta},
        {"doc_html_meta_ignored_after_bom", test_doc_html_meta_ignored_after_bom},
        {"doc_html_long_text_without_tags", test_doc_html_long_text_without_tags},
        {"doc_sniffing", test_doc_sniffing},
        {"doc_format_by_extension_and_override", test_doc_format_by_extension_and_override},
        {"doc_binary_input", test_doc_binary_input},
        {"doc_nul_after_first_64k", test_doc_nul_after_first_64k},
        {"doc_read_error", test_doc_read_error},
        {"doc_callback_stops_reading", test_doc_callback_stops_reading},
        {NULL, NULL}};
    return harness_run(tests);
}
