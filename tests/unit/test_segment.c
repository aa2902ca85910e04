/* Tests of the sentence segmenter (src/read/segment.c). */
#include "tally/segment.h"

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <utf8proc.h>

#include "gold.h"
#include "harness.h"
#include "segment.h"
#include "tally/err.h"
#include "tally/mem.h"
#include "tally/utf8.h"

/* Segments s[0, n) into `out` (array in `a`); reports a failure if it fails. */
static tally_sentences segment(const char *s, size_t n, tally_arena *a)
{
    tally_sentences out;
    tally_err err = {0, ""};
    tally_span text = {s, n};
    int rc = tally_segment(text, &out, a, &err);
    if (rc != 0) {
        fprintf(stderr, "tally_segment: %s\n", err.msg);
        out.n = 0;
    }
    return out;
}

/* The code point at s[i] (one byte for invalid input). */
static int32_t cp(const char *s, size_t n, size_t i, size_t *len)
{
    int32_t c;
    *len = tally_utf8_decode(s, n, i, &c);
    return c;
}

static bool is_bullet_cp(int32_t c)
{
    static const int32_t bullets[] = {'-',    '*',    0x00B7, 0x2013, 0x2014,
                                      0x2022, 0x2023, 0x2043, 0x25A0, 0x25AA,
                                      0x25B8, 0x25BA, 0x25CB, 0x25CF, 0x25E6};
    for (size_t i = 0; i < sizeof bullets / sizeof bullets[0]; i++)
        if (bullets[i] == c)
            return true;
    return false;
}

/* Checks the output's invariants: in order, in range, non-empty, trimmed, and
 * every non-space byte outside the sentences is a bullet marker. Prints what
 * is wrong; returns true when all hold. */
static bool invariants_hold(const char *s, size_t n, const tally_sentences *o)
{
    size_t prev = 0, len;
    for (size_t k = 0; k < o->n; k++) {
        size_t a = o->v[k].start, b = o->v[k].end;
        if (a < prev || a >= b || b > n) {
            fprintf(stderr, "sentence %zu [%zu, %zu) out of order or range (n %zu)\n", k, a, b, n);
            return false;
        }
        size_t last = b - 1;
        while (last > a && ((unsigned char)s[last] & 0xC0) == 0x80)
            last--;
        if (segment_is_space(cp(s, b, a, &len)) || segment_is_space(cp(s, b, last, &len))) {
            fprintf(stderr, "sentence %zu [%zu, %zu) not trimmed\n", k, a, b);
            return false;
        }
        /* Between sentences: white space and bullet markers only. */
        for (size_t i = prev; i < a; i += len) {
            int32_t c = cp(s, a, i, &len);
            if (!segment_is_space(c) && !is_bullet_cp(c)) {
                fprintf(stderr, "byte %zu (U+%04X) belongs to no sentence\n", i, (unsigned)c);
                return false;
            }
        }
        prev = b;
    }
    for (size_t i = prev; i < n; i += len) {
        if (!segment_is_space(cp(s, n, i, &len))) {
            fprintf(stderr, "byte %zu after the last sentence belongs to none\n", i);
            return false;
        }
    }
    return true;
}

/* True if `text` segments into exactly the NULL-terminated `want`. */
static bool segments_to(const char *text, const char *const *want)
{
    tally_arena *a = tally_arena_new();
    size_t n = strlen(text);
    tally_sentences o = segment(text, n, a);
    bool ok = invariants_hold(text, n, &o);
    size_t k = 0;
    for (; want[k] != NULL; k++) {
        if (k >= o.n || o.v[k].end - o.v[k].start != strlen(want[k]) ||
            memcmp(text + o.v[k].start, want[k], strlen(want[k])) != 0)
            ok = false;
    }
    if (k != o.n)
        ok = false;
    if (!ok) {
        fprintf(stderr, "segmenting \"%s\"\n  got %zu:\n", text, o.n);
        for (size_t i = 0; i < o.n; i++)
            fprintf(stderr, "    [%.*s]\n", (int)(o.v[i].end - o.v[i].start), text + o.v[i].start);
        fprintf(stderr, "  want %zu:\n", k);
        for (size_t i = 0; i < k; i++)
            fprintf(stderr, "    [%s]\n", want[i]);
    }
    tally_arena_free(a);
    return ok;
}

#define SEGMENTS_TO(text, ...) CHECK(segments_to(text, (const char *const[]){__VA_ARGS__, NULL}))
#define ONE_SENTENCE(text) SEGMENTS_TO(text, text)

static void test_segment_empty_and_blank(void)
{
    tally_arena *a = tally_arena_new();
    tally_sentences o = segment(NULL, 0, a);
    CHECK_INT_EQ(o.n, 0);
    o = segment("   \n\n \t\r\n", 9, a);
    CHECK_INT_EQ(o.n, 0);
    tally_arena_free(a);
}

static void test_segment_offsets_are_trimmed(void)
{
    tally_arena *a = tally_arena_new();
    const char *s = "  Ships left port.  Trains followed. \n\n\n";
    tally_sentences o = segment(s, strlen(s), a);
    CHECK_INT_EQ(o.n, 2);
    if (o.n == 2) {
        CHECK_INT_EQ(o.v[0].start, 2);
        CHECK_INT_EQ(o.v[0].end, 18);
        CHECK_INT_EQ(o.v[1].start, 20);
        CHECK_INT_EQ(o.v[1].end, 36);
    }
    /* No-break and ideographic spaces trim too. */
    s = "\xC2\xA0"
        "Crates arrived.\xE3\x80\x80";
    o = segment(s, strlen(s), a);
    CHECK_INT_EQ(o.n, 1);
    if (o.n == 1) {
        CHECK_INT_EQ(o.v[0].start, 2);
        CHECK_INT_EQ(o.v[0].end, 17);
    }
    tally_arena_free(a);
}

static void test_segment_plain_sentences(void)
{
    SEGMENTS_TO("The crates were loaded at night. The ship left at dawn. Nobody saw it.",
                "The crates were loaded at night.", "The ship left at dawn.", "Nobody saw it.");
    ONE_SENTENCE("A single sentence without a full stop");
    SEGMENTS_TO("Trucks came first.Then the trains.", "Trucks came first.", "Then the trains.");
}

static void test_segment_question_and_exclamation(void)
{
    SEGMENTS_TO("Is this enough? No. It is not!", "Is this enough?", "No.", "It is not!");
    SEGMENTS_TO("Who pays?! Nobody knows.", "Who pays?!", "Nobody knows.");
    ONE_SENTENCE("\"Why now?\" he asked the envoy.");
    ONE_SENTENCE("He asked, \xE2\x80\x9CWhy not?\xE2\x80\x9D and walked away.");
    ONE_SENTENCE("The brand Yahoo! reported it first.");
}

static void test_segment_country_abbreviations(void)
{
    ONE_SENTENCE("The U.S. and the U.K. backed a U.N. resolution on the transfers.");
    ONE_SENTENCE("An alternate U.S. Ambassador to the U.N. spoke on Tuesday.");
    ONE_SENTENCE("The U.S. Army and the U.K. Ministry of Defence agreed.");
    SEGMENTS_TO("The rounds were made in the U.S. The next batch is due in May.",
                "The rounds were made in the U.S.", "The next batch is due in May.");
    SEGMENTS_TO("Talks were held in the U.K. However, nothing was agreed.",
                "Talks were held in the U.K.", "However, nothing was agreed.");
    SEGMENTS_TO("The envoy flew to Washington, D.C. It was his third visit.",
                "The envoy flew to Washington, D.C.", "It was his third visit.");
    ONE_SENTENCE("Four U.S.-sanctioned ships carried the cargo.");
    ONE_SENTENCE("The U.S has raised concerns about the vessels.");
}

static void test_segment_titles_and_ranks(void)
{
    ONE_SENTENCE("Gen. Petrov met Lt. Col. Hale and Maj. Gen. Ortiz at the base.");
    ONE_SENTENCE("Col. Reyes, Sgt. Lam and Capt. Ito inspected the depot.");
    ONE_SENTENCE("Dr. Amin, Mr. Varga, Mrs. Olsen and Ms. Diallo signed the letter.");
    ONE_SENTENCE("Prof. Ruiz said Sen. Park, Rep. Moore and Gov. Tate were told.");
    ONE_SENTENCE("The shells were stored near St. Nicholas church.");
    SEGMENTS_TO("The report was written by Dr. Okafor. Mr. Lind disputed it.",
                "The report was written by Dr. Okafor.", "Mr. Lind disputed it.");
}

static void test_segment_number_abbreviations(void)
{
    ONE_SENTENCE("The No. 1 supplier is now No. 2 on the list.");
    ONE_SENTENCE("See Vol. 3, p. 12 and Fig. 4 for the totals.");
    SEGMENTS_TO("Did they agree? No. The talks failed.", "Did they agree?", "No.",
                "The talks failed.");
}

static void test_segment_months(void)
{
    ONE_SENTENCE("Deliveries began on Jan. 5 and ended on Sept. 12 last year.");
    ONE_SENTENCE("The missiles were fired between Dec. 30 and Feb. 7 at cities.");
    ONE_SENTENCE("Kyiv says 24 missiles were fired since Dec. 30");
    SEGMENTS_TO("The crates arrived in Oct. The ship then left.", "The crates arrived in Oct.",
                "The ship then left.");
    ONE_SENTENCE("From Mar. to Jun. the trains ran daily.");
    ONE_SENTENCE("The Aug. Figures were revised.");
}

static void test_segment_latin_and_company(void)
{
    ONE_SENTENCE("It costs approx. 300 dollars a round, vs. 200 last year.");
    ONE_SENTENCE("Shells, rockets, etc. were shipped by rail.");
    ONE_SENTENCE("Some items, e.g. Drones and Radars, were sent.");
    ONE_SENTENCE("The rest, i.e. Tanks, stayed behind.");
    ONE_SENTENCE("The case Smith v. Jones was cited.");
    SEGMENTS_TO("They sent shells, rockets, etc. Then the trains stopped.",
                "They sent shells, rockets, etc.", "Then the trains stopped.");
    SEGMENTS_TO("He works for Acme Inc. The firm denies it.", "He works for Acme Inc.",
                "The firm denies it.");
    ONE_SENTENCE("Parts came from Hanil Co. Ltd. in Busan.");
    ONE_SENTENCE("Widget Corp. said it had no comment.");
    SEGMENTS_TO("The deal was signed at 9 a.m. The ship sailed at noon.",
                "The deal was signed at 9 a.m.", "The ship sailed at noon.");
    ONE_SENTENCE("The deal was signed at 9 a.m. Monday.");
}

static void test_segment_decimals_and_units(void)
{
    SEGMENTS_TO("Output rose 3.5% to 1.5 million shells. Costs fell.",
                "Output rose 3.5% to 1.5 million shells.", "Costs fell.");
    SEGMENTS_TO("The deal was worth $1.5bn. Payments began in gold.", "The deal was worth $1.5bn.",
                "Payments began in gold.");
    SEGMENTS_TO("The guns fire 152mm. Older ones fire 122mm. Both are short.",
                "The guns fire 152mm.", "Older ones fire 122mm.", "Both are short.");
    ONE_SENTENCE("Posted 16:06 27.12.2022 by the desk.");
    SEGMENTS_TO("The wall is 10 ft. The gate is open.", "The wall is 10 ft.", "The gate is open.");
    ONE_SENTENCE("The troops left Ft. Bragg in May.");
    SEGMENTS_TO("Traffic reached 24.3 million TEUs in 2024. 2025 will be higher.",
                "Traffic reached 24.3 million TEUs in 2024.", "2025 will be higher.");
}

static void test_segment_initials(void)
{
    ONE_SENTENCE("J. R. Smith said the plan works.");
    ONE_SENTENCE("The envoy Robert A. Wood said nine missiles were used.");
    ONE_SENTENCE("The order was signed by A. B. Jones in March.");
    SEGMENTS_TO("Kim Jong Un met the envoy. Kim Jong Un then left.", "Kim Jong Un met the envoy.",
                "Kim Jong Un then left.");
    SEGMENTS_TO("The unit was called Group B. The group was disbanded.",
                "The unit was called Group B.", "The group was disbanded.");
}

static void test_segment_ellipses(void)
{
    ONE_SENTENCE("\xE2\x80\x9CThe missiles fly 900 km.\xE2\x80\xA6 This is a grave escalation,"
                 "\xE2\x80\x9D he said.");
    ONE_SENTENCE("He paused... and then went on.");
    ONE_SENTENCE("Tanks, aircraft \xE2\x80\xA6 and other technologies were sought.");
    ONE_SENTENCE("The list goes on . . . and on.");
    ONE_SENTENCE("It ended there...");
}

static void test_segment_quotes_and_brackets(void)
{
    SEGMENTS_TO("He said: \xE2\x80\x9CWe will.\xE2\x80\x9D Then he left.",
                "He said: \xE2\x80\x9CWe will.\xE2\x80\x9D", "Then he left.");
    SEGMENTS_TO("\"We are ready.\" The minister smiled.", "\"We are ready.\"",
                "The minister smiled.");
    SEGMENTS_TO("(The figure was revised.) Officials agreed.", "(The figure was revised.)",
                "Officials agreed.");
    SEGMENTS_TO("\"Iran sends drones. Russia pays,\" the official noted.", "\"Iran sends drones.",
                "Russia pays,\" the official noted.");
    SEGMENTS_TO("They want drones \"capable of more damage.\" The deal is near.",
                "They want drones \"capable of more damage.\"", "The deal is near.");
    SEGMENTS_TO("It was called \xE2\x80\x98"
                "dark\xE2\x80\x99. The ship vanished.",
                "It was called \xE2\x80\x98"
                "dark\xE2\x80\x99.",
                "The ship vanished.");
    ONE_SENTENCE("\xE2\x80\x9CWe will,\xE2\x80\x9D he said.");
    SEGMENTS_TO("Seoul said so (Yonhap). Moscow denied it.", "Seoul said so (Yonhap).",
                "Moscow denied it.");
}

static void test_segment_glued_period(void)
{
    SEGMENTS_TO("The crates were sent by Pyongyang.A ministry official confirmed it.",
                "The crates were sent by Pyongyang.", "A ministry official confirmed it.");
    SEGMENTS_TO("The envoy said.The talks resumed.", "The envoy said.", "The talks resumed.");
    ONE_SENTENCE("See Example.Com for the data.");
    ONE_SENTENCE("The plan vs.The old plan was compared.");
}

static void test_segment_urls_and_emails(void)
{
    SEGMENTS_TO("See example.org/a.b for details. Write to press@example.org. Thanks.",
                "See example.org/a.b for details.", "Write to press@example.org.", "Thanks.");
    ONE_SENTENCE("Data from 38North.org shows more rail traffic.");
    ONE_SENTENCE("The file https://example.net/x/report.v2.pdf lists 1.7 tonnes.");
}

static void test_segment_blank_line_always_ends(void)
{
    SEGMENTS_TO("A line without a stop\n\nand a line in lower case.", "A line without a stop",
                "and a line in lower case.");
    SEGMENTS_TO("The U.S.\n\nAmbassador spoke.", "The U.S.", "Ambassador spoke.");
    SEGMENTS_TO("First\r\n\r\nSecond", "First", "Second");
    SEGMENTS_TO("One \n \t \n\n Two", "One", "Two");
    SEGMENTS_TO("One\xE2\x80\xA9Two", "One", "Two");
}

static void test_segment_wrapped_prose_is_joined(void)
{
    ONE_SENTENCE("The ministry said that North Korea had shipped\nmore than 6,700 containers to "
                 "Russia since\nAugust, according to two officials.");
    ONE_SENTENCE("The shipments were sent by rail to\nRussia and by sea to Vladivostok.");
    ONE_SENTENCE("After the summit in September,\nNorth Korea sent more shells.");
    ONE_SENTENCE("The port is set to end 2024 with a\nRecord container traffic of 24.3\nmillion "
                 "units.");
    SEGMENTS_TO("Exports grew. The ministry said the figures covered\nJanuary to March.",
                "Exports grew.", "The ministry said the figures covered\nJanuary to March.");
    ONE_SENTENCE("The shells were\nshipped by rail.");
    ONE_SENTENCE("Imports rose by a fifth -\nOfficials blamed the war.");
    ONE_SENTENCE("The shells are from the 1970s and import-\nexport data confirm it.");
}

static void test_segment_headline_lines(void)
{
    SEGMENTS_TO("Russia gets more shells\nThe shipment arrived on Monday.",
                "Russia gets more shells", "The shipment arrived on Monday.");
    SEGMENTS_TO("By Jane Roe\nSeoul\nMarch 5, 2024 09:58\nNorth Korea has shipped shells.",
                "By Jane Roe", "Seoul", "March 5, 2024 09:58", "North Korea has shipped shells.");
    SEGMENTS_TO("menu\nKim sends shells to Russia - Agency", "menu",
                "Kim sends shells to Russia - Agency");
    SEGMENTS_TO("A Sharp Increase in Border Rail Traffic After the Summit Between the Two "
                "Leaders Was Seen\nThe imagery shows 73 railcars.",
                "A Sharp Increase in Border Rail Traffic After the Summit Between the Two "
                "Leaders Was Seen",
                "The imagery shows 73 railcars.");
    SEGMENTS_TO("2 min read\nA spokesman said 70 drones were destroyed.", "2 min read",
                "A spokesman said 70 drones were destroyed.");
    SEGMENTS_TO("Key points:\nIran sent drones.", "Key points:", "Iran sent drones.");
    SEGMENTS_TO(
        "The port is preparing to end the year with record container traffic of 24.3 million "
        "units (+5.0%) overall\nHistorical peaks in both flows",
        "The port is preparing to end the year with record container traffic of 24.3 million "
        "units (+5.0%) overall",
        "Historical peaks in both flows");
    /* A long line without final punctuation is a paragraph, not wrapped prose. */
    SEGMENTS_TO("The ministry said that around 6,700 containers had been sent to Russia by "
                "rail and by sea since the summit\nOfficials gave no further details.",
                "The ministry said that around 6,700 containers had been sent to Russia by "
                "rail and by sea since the summit",
                "Officials gave no further details.");
}

static void test_segment_line_ends_with_stop(void)
{
    SEGMENTS_TO("This article was first published elsewhere.\nRussia imported 1.5 million "
                "shells.\n\xE2\x80\x9CHalf fail,\xE2\x80\x9D he said. \xE2\x80\x9CThe rest need "
                "repair.\xE2\x80\x9D\nSeoul agreed.",
                "This article was first published elsewhere.",
                "Russia imported 1.5 million shells.",
                "\xE2\x80\x9CHalf fail,\xE2\x80\x9D he said.",
                "\xE2\x80\x9CThe rest need repair.\xE2\x80\x9D", "Seoul agreed.");
    ONE_SENTENCE("The aid reached the U.S.\nand Canada by March.");
}

static void test_segment_bullets(void)
{
    SEGMENTS_TO("Key findings\n- Iran sent 400 drones\n- Russia paid in gold\n\xE2\x80\xA2 Both "
                "deny it",
                "Key findings", "Iran sent 400 drones", "Russia paid in gold", "Both deny it");
    SEGMENTS_TO("  \xE2\x80\xA2 Imagery shows 73 railcars.  \n  \xE2\x80\xA2 Traffic is far "
                "greater than before. It may grow.  \n",
                "Imagery shows 73 railcars.", "Traffic is far greater than before.",
                "It may grow.");
    SEGMENTS_TO("Kirby said more shells were coming,\n- The envoy added.",
                "Kirby said more shells "
                "were coming,",
                "The envoy added.");
    SEGMENTS_TO("* one\n* two", "one", "two");
    ONE_SENTENCE("Kyiv \xE2\x80\xA2 UNN");
    SEGMENTS_TO("Change on the year:\n-5% in exports", "Change on the year:", "-5% in exports");
    ONE_SENTENCE("-");
}

static void test_segment_numbered_list(void)
{
    SEGMENTS_TO("1. Drones were delivered.\n2. Shells were shipped.", "1. Drones were delivered.",
                "2. Shells were shipped.");
}

static void test_segment_cjk_stops(void)
{
    SEGMENTS_TO("\xE7\xA0\xB2\xE5\xBC\xBE\xE3\x80\x82\xE7\x84\xA1\xE4\xBA\xBA\xE6\xA9\x9F\xE3"
                "\x80\x82",
                "\xE7\xA0\xB2\xE5\xBC\xBE\xE3\x80\x82",
                "\xE7\x84\xA1\xE4\xBA\xBA\xE6\xA9\x9F\xE3"
                "\x80\x82");
}

static void test_segment_non_latin_case(void)
{
    SEGMENTS_TO(
        "\xD0\x9F\xD0\xBE\xD1\x81\xD1\x82\xD0\xB0\xD0\xB2\xD0\xBA\xD0\xB0 \xD0\xB8\xD0\xB4"
        "\xD0\xB5\xD1\x82. \xD0\xA0\xD0\xB0\xD0\xBA\xD0\xB5\xD1\x82\xD1\x8B "
        "\xD0\xB5\xD1\x81\xD1\x82\xD1\x8C.",
        "\xD0\x9F\xD0\xBE\xD1\x81\xD1\x82\xD0\xB0\xD0\xB2\xD0\xBA\xD0\xB0 \xD0\xB8\xD0\xB4"
        "\xD0\xB5\xD1\x82.",
        "\xD0\xA0\xD0\xB0\xD0\xBA\xD0\xB5\xD1\x82\xD1\x8B \xD0\xB5\xD1\x81\xD1\x82\xD1\x8C.");
    ONE_SENTENCE("The shells went to \xD1\x80\xD0\xBE\xD1\x81\xD1\x96\xD1\x8F. "
                 "\xD1\x80\xD0\xBE\xD1\x81\xD1\x96\xD1\x8F paid.");
}

/* A deterministic pseudo-random text built from tricky pieces; the output
 * must keep its invariants whatever the mix. */
static void test_segment_invariants_on_mixtures(void)
{
    static const char *const pieces[] = {"U.S.",
                                         " ",
                                         "\n",
                                         "\n\n",
                                         "The",
                                         "said",
                                         ".",
                                         "?",
                                         "!",
                                         "\xE2\x80\x9C",
                                         "\xE2\x80\x9D",
                                         "\"",
                                         "(",
                                         ")",
                                         "- ",
                                         "\xE2\x80\xA2 ",
                                         "1.5",
                                         "No.",
                                         "Dec.",
                                         "J.",
                                         "...",
                                         "\xE2\x80\xA6",
                                         "a",
                                         "\r\n",
                                         "\t",
                                         "\xC2\xA0",
                                         "\xE3\x80\x82",
                                         "x.Y",
                                         "Gen.",
                                         "example.org/a.b",
                                         "\xE2\x80\xA9",
                                         "etc.",
                                         "of",
                                         ",",
                                         "A",
                                         "Pyongyang.A",
                                         "\xD0\xA0\xD0\xB0"};
    const size_t np = sizeof pieces / sizeof pieces[0];
    uint64_t state = 0x9E3779B97F4A7C15u;
    tally_arena *a = tally_arena_new();
    char buf[512];
    for (int round = 0; round < 3000; round++) {
        size_t n = 0;
        for (int k = 0; k < 40; k++) {
            state = state * 6364136223846793005u + 1442695040888963407u;
            const char *p = pieces[(state >> 33) % np];
            size_t l = strlen(p);
            if (n + l >= sizeof buf)
                break;
            memcpy(buf + n, p, l);
            n += l;
        }
        char *copy = tally_xmalloc(n);
        memcpy(copy, buf, n);
        tally_sentences o = segment(copy, n, a);
        bool ok = invariants_hold(copy, n, &o);
        if (!ok)
            fprintf(stderr, "round %d: \"%.*s\"\n", round, (int)n, copy);
        CHECK(ok);
        free(copy);
        tally_arena_reset(a);
        if (!ok)
            break;
    }
    tally_arena_free(a);
}

/* Inputs that would take quadratic time if a look-around were unbounded. */
static void test_segment_linear_on_pathological_input(void)
{
    static const char *const units[] = {".", "a.", "a.A", "\n \n", " \n", "((((", "x ", "U.S. "};
    const size_t size = 1 << 20;
    tally_arena *a = tally_arena_new();
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        size_t l = strlen(units[u]), n = size / l * l;
        char *s = tally_xmalloc(n);
        for (size_t i = 0; i < n; i += l)
            memcpy(s + i, units[u], l);
        tally_sentences o = segment(s, n, a);
        CHECK(invariants_hold(s, n, &o));
        free(s);
        tally_arena_reset(a);
    }
    tally_arena_free(a);
}

static void test_segment_many_sentences_grow_the_array(void)
{
    const char *unit = "Ships left. ";
    size_t l = strlen(unit), count = 100000, n = l * count;
    char *s = tally_xmalloc(n);
    for (size_t i = 0; i < count; i++)
        memcpy(s + i * l, unit, l);
    tally_arena *a = tally_arena_new();
    tally_sentences o = segment(s, n, a);
    CHECK_INT_EQ(o.n, count);
    if (o.n == count) {
        CHECK_INT_EQ(o.v[count - 1].start, (count - 1) * l);
        CHECK_INT_EQ(o.v[count - 1].end, count * l - 1);
    }
    tally_arena_free(a);
    free(s);
}

/* The gold check over ../shared/corpus/dev. */

/* Collapses runs of white space to one space and trims; caller frees. */
static char *normalise(const char *s, size_t n)
{
    char *d = tally_xmalloc(n + 1);
    size_t k = 0, len;
    bool space = false;
    for (size_t i = 0; i < n; i += len) {
        int32_t c = cp(s, n, i, &len);
        if (segment_is_space(c)) {
            space = k > 0;
            continue;
        }
        if (space)
            d[k++] = ' ';
        space = false;
        memcpy(d + k, s + i, len);
        k += len;
    }
    d[k] = '\0';
    return d;
}

/* Reads a whole file; NULL on failure. Caller frees. */
/* The normalised sentences of one document's body, split into paragraphs at
 * blank lines. */
struct doc_sentences {
    char **v;
    size_t n, cap;
};

static void add_sentence(struct doc_sentences *d, char *s)
{
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 64;
        d->v = tally_xrealloc(d->v, d->cap * sizeof *d->v);
    }
    d->v[d->n++] = s;
}

static bool blank_line(const char *s, size_t lo, size_t hi)
{
    size_t len;
    for (size_t i = lo; i < hi; i += len)
        if (!segment_is_space(cp(s, hi, i, &len)))
            return false;
    return true;
}

static void segment_paragraph(const char *s, size_t n, struct doc_sentences *d, tally_arena *a)
{
    if (n == 0)
        return;
    tally_sentences o = segment(s, n, a);
    CHECK(invariants_hold(s, n, &o));
    for (size_t k = 0; k < o.n; k++)
        add_sentence(d, normalise(s + o.v[k].start, o.v[k].end - o.v[k].start));
    tally_arena_reset(a);
}

static void segment_body(const char *text, size_t n, struct doc_sentences *d)
{
    tally_arena *a = tally_arena_new();
    /* The header runs to the first blank line. */
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(text + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - text) : n;
        bool blank = blank_line(text, i, e);
        i = nl ? e + 1 : n;
        if (blank)
            break;
    }
    size_t para = i;
    while (i < n) {
        const char *nl = memchr(text + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - text) : n;
        if (blank_line(text, i, e)) {
            segment_paragraph(text + para, i - para, d, a);
            para = nl ? e + 1 : n;
        }
        i = nl ? e + 1 : n;
    }
    segment_paragraph(text + para, n - para, d, a);
    tally_arena_free(a);
}

struct gold_seg {
    const char *name;
    const struct doc_sentences *d;
    size_t found, total;
};

/* One gold claim: its sentence must be one of the document's sentences. */
static void check_claim(json_t *claim, int lineno, void *user)
{
    struct gold_seg *g = user;
    (void)lineno;
    const char *sentence = json_string_value(json_object_get(claim, "sentence"));
    CHECK(sentence != NULL);
    if (sentence == NULL)
        return;
    char *want = normalise(sentence, strlen(sentence));
    bool hit = false;
    for (size_t k = 0; k < g->d->n && !hit; k++)
        hit = strcmp(g->d->v[k], want) == 0;
    g->total++;
    if (hit)
        g->found++;
    else
        fprintf(stderr, "%s: gold sentence not produced: \"%s\"\n", g->name, want);
    CHECK(hit);
    free(want);
}

/* Checks one document's gold sentences; adds to the counts. */
static void check_gold(const char *dir, const char *name, void *user)
{
    struct gold_seg *g = user;
    char path[1024];
    size_t n = 0;
    snprintf(path, sizeof path, "%s/%s.txt", dir, name);
    char *text = gold_read_all(path, &n);
    CHECK(text != NULL);
    if (text == NULL)
        return;
    struct doc_sentences d = {NULL, 0, 0};
    segment_body(text, n, &d);
    g->name = name;
    g->d = &d;
    int bad = 0;
    CHECK(gold_each_claim(dir, name, check_claim, g, &bad));
    CHECK_INT_EQ(bad, 0);
    for (size_t k = 0; k < d.n; k++)
        free(d.v[k]);
    free(d.v);
    free(text);
}

static void test_segment_gold_sentences(void)
{
    const char *shared = harness_shared();
    if (shared == NULL)
        SKIP("TALLY_SHARED is not set");
    struct gold_seg g = {NULL, NULL, 0, 0};
    long docs = gold_each_doc(shared, check_gold, &g);
    if (docs < 0)
        SKIP("no corpus/dev in TALLY_SHARED");
    fprintf(stderr, "segment: %zu of %zu gold sentences produced (%ld documents)\n", g.found,
            g.total, docs);
    CHECK(docs > 0);
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"segment_empty_and_blank", test_segment_empty_and_blank},
        {"segment_offsets_are_trimmed", test_segment_offsets_are_trimmed},
        {"segment_plain_sentences", test_segment_plain_sentences},
        {"segment_question_and_exclamation", test_segment_question_and_exclamation},
        {"segment_country_abbreviations", test_segment_country_abbreviations},
        {"segment_titles_and_ranks", test_segment_titles_and_ranks},
        {"segment_number_abbreviations", test_segment_number_abbreviations},
        {"segment_months", test_segment_months},
        {"segment_latin_and_company", test_segment_latin_and_company},
        {"segment_decimals_and_units", test_segment_decimals_and_units},
        {"segment_initials", test_segment_initials},
        {"segment_ellipses", test_segment_ellipses},
        {"segment_quotes_and_brackets", test_segment_quotes_and_brackets},
        {"segment_glued_period", test_segment_glued_period},
        {"segment_urls_and_emails", test_segment_urls_and_emails},
        {"segment_blank_line_always_ends", test_segment_blank_line_always_ends},
        {"segment_wrapped_prose_is_joined", test_segment_wrapped_prose_is_joined},
        {"segment_headline_lines", test_segment_headline_lines},
        {"segment_line_ends_with_stop", test_segment_line_ends_with_stop},
        {"segment_bullets", test_segment_bullets},
        {"segment_numbered_list", test_segment_numbered_list},
        {"segment_cjk_stops", test_segment_cjk_stops},
        {"segment_non_latin_case", test_segment_non_latin_case},
        {"segment_invariants_on_mixtures", test_segment_invariants_on_mixtures},
        {"segment_linear_on_pathological_input", test_segment_linear_on_pathological_input},
        {"segment_many_sentences_grow_the_array", test_segment_many_sentences_grow_the_array},
        {"segment_gold_sentences", test_segment_gold_sentences},
        {NULL, NULL}};
    return harness_run(tests);
}
