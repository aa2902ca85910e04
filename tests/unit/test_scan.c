/* Tests of the figure scanner (src/extract/scan.c, src/extract/numword.c). Every sentence
 * here is written for these tests. */
#include "tally/figure.h"

#include <math.h>

#include "harness.h"
#include "scan.h"

#define NONE NAN

struct want {
    const char *text;
    tally_figure_kind kind;
    tally_qualifier q;
    double low;  /* NAN: no low */
    double high; /* NAN: no high */
    const char *currency;
};

/* Scans `in` and checks the figures against `w` (ended by a NULL text). */
static void expect(const char *in, const struct want *w)
{
    tally_arena *a = tally_arena_new();
    tally_figures f;
    tally_err err = {0};
    CHECK_INT_EQ(tally_figures_scan((tally_span){in, strlen(in)}, &f, a, &err), 0);
    size_t n = 0;
    while (w[n].text != NULL)
        n++;
    if (f.n != n) {
        fprintf(stderr, "in \"%s\": %zu figures, want %zu:\n", in, f.n, n);
        for (size_t i = 0; i < f.n; i++)
            fprintf(stderr, "  got \"%.*s\"\n", (int)(f.v[i].end - f.v[i].start),
                    in + f.v[i].start);
    }
    CHECK_INT_EQ(f.n, n);
    for (size_t i = 0; i < n && i < f.n; i++) {
        const tally_figure *g = &f.v[i];
        tally_span got = {in + g->start, g->end - g->start};
        CHECK_SPAN_EQ(got, w[i].text);
        CHECK_STR_EQ(tally_figure_kind_name(g->kind), tally_figure_kind_name(w[i].kind));
        CHECK_STR_EQ(tally_qualifier_name(g->qualifier), tally_qualifier_name(w[i].q));
        CHECK_INT_EQ(g->has_low, !isnan(w[i].low));
        if (g->has_low && !isnan(w[i].low))
            CHECK_DBL_EQ(g->low, w[i].low);
        CHECK_INT_EQ(g->has_high, !isnan(w[i].high));
        if (g->has_high && !isnan(w[i].high))
            CHECK_DBL_EQ(g->high, w[i].high);
        CHECK_STR_EQ(g->currency, w[i].currency ? w[i].currency : "");
    }
    tally_arena_free(a);
}

#define N TALLY_FIG_NUMBER
#define M TALLY_FIG_MONEY
#define P TALLY_FIG_PERCENT
#define END                                                                                        \
    {                                                                                              \
        NULL, N, TALLY_Q_EXACT, 0, 0, NULL                                                         \
    }

static void test_scan_lexicon_lookup(void)
{
    const lex_entry *e = lex_find("Million", 7);
    CHECK(e != NULL && e->value == 1e6 && (e->roles & W_SCALE));
    CHECK(lex_find("millions", 8) != NULL);
    CHECK(lex_find("zzz", 3) == NULL);
    CHECK(lex_find("mil", 2) == NULL); /* a prefix is not a word */
    e = lex_find("EUROS", 5);
    CHECK(e != NULL && e->code != NULL && strcmp(e->code, "EUR") == 0);
}

/* lex_ends (src/extract/lexicon.gperf) must match the lexicon: a word missing from
 * it would never be found. On a mismatch, prints the table to paste. */
static void test_scan_lexicon_filter(void)
{
    uint32_t want[LEX_MAXLEN + 1][26] = {{0}};
    size_t words = 0;
    const lex_entry *e;
    for (size_t i = 0; (e = lex_slot(i)) != NULL; i++) {
        size_t n = strlen(e->word);
        if (n == 0)
            continue;
        words++;
        unsigned first = (unsigned)(e->word[0] - 'a'), last = (unsigned)(e->word[n - 1] - 'a');
        /* lex_may_hold reads the table only for such words */
        CHECK(n <= LEX_MAXLEN && first < 26 && last < 26);
        if (n <= LEX_MAXLEN && first < 26 && last < 26) {
            want[n][first] |= 1u << last;
            CHECK(lex_may_hold(e->word, n));
        }
        CHECK(lex_find(e->word, n) == e);
    }
    CHECK(words > 300);
    if (memcmp(want, lex_ends, sizeof want) == 0)
        return;
    CHECK(!"lex_ends is out of date; src/extract/lexicon.gperf wants:");
    fprintf(stderr, "const uint32_t lex_ends[LEX_MAXLEN + 1][26] = {\n");
    for (size_t n = 1; n <= LEX_MAXLEN; n++) {
        bool any = false;
        for (size_t k = 0; k < 26; k++)
            any = any || want[n][k] != 0;
        if (!any)
            continue;
        fprintf(stderr, "    [%zu] =\n        {", n);
        for (size_t k = 0; k < 26; k++)
            fprintf(stderr, "0x%07x%s", (unsigned)want[n][k],
                    k == 25      ? "},\n"
                    : k % 8 == 7 ? ",\n         "
                                 : ", ");
    }
    fprintf(stderr, "};\n");
}

/* The key of the n-letter word s (see lex_short_find): byte k is letter k. */
static uint64_t short_key(const char *s, size_t n)
{
    uint64_t key = 0;
    for (size_t k = 0; k < n; k++)
        key |= (uint64_t)((unsigned char)s[k] | 0x20u) << (8 * k);
    return key;
}

static bool all_letters(const char *s, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (s[k] < 'a' || s[k] > 'z')
            return false;
    return true;
}

/* lex_shorts (src/extract/lexicon.gperf) must hold every lexicon word of one
 * to seven letters and its entry, and nothing else. The table is built here
 * as its comment says, words in the order of the hash table's slots; on a
 * mismatch, prints the table to paste. */
static void test_scan_lexicon_short_words(void)
{
    enum { SLOTS = 1u << LEX_SHORT_BITS };
    static lex_short_slot want[SLOTS];
    static size_t index[SLOTS];
    memset(want, 0, sizeof want);
    size_t words = 0;
    const lex_entry *e;
    for (size_t i = 0; (e = lex_slot(i)) != NULL; i++) {
        size_t n = strlen(e->word);
        if (n == 0 || n > LEX_SHORT_MAXLEN || !all_letters(e->word, n))
            continue;
        words++;
        size_t h = lex_short_home(short_key(e->word, n));
        while (want[h].key != 0)
            h = (h + 1) % SLOTS;
        want[h] = (lex_short_slot){short_key(e->word, n), e};
        index[h] = i;
    }
    CHECK(words > 250 && words < SLOTS / 2);
    bool same = true;
    for (size_t h = 0; h < SLOTS; h++)
        same = same && want[h].key == lex_shorts[h].key && want[h].entry == lex_shorts[h].entry;
    for (size_t i = 0; (e = lex_slot(i)) != NULL; i++) {
        size_t n = strlen(e->word);
        if (n > 0 && n <= LEX_SHORT_MAXLEN && all_letters(e->word, n))
            CHECK(lex_short_find(short_key(e->word, n)) == e);
    }
    CHECK(lex_short_find(short_key("MiLLion", 7)) == lex_find("million", 7));
    CHECK(lex_short_find(short_key("the", 3)) == NULL);
    CHECK(lex_short_find(short_key("millio", 6)) == NULL);
    if (same)
        return;
    CHECK(!"lex_shorts is out of date; src/extract/lexicon.gperf wants:");
    fprintf(stderr, "const lex_short_slot lex_shorts[1u << LEX_SHORT_BITS] = {\n");
    for (size_t h = 0; h < SLOTS; h++)
        if (want[h].key != 0)
            fprintf(stderr, "    [%zu] = {0x%014llx, &wordlist[%zu]}, /* %s */\n", h,
                    (unsigned long long)want[h].key, index[h], want[h].entry->word);
    fprintf(stderr, "};\n");
}

static void test_scan_digit_groups(void)
{
    expect("They sent 10,000 shells, then 1,234,567 more.",
           (struct want[]){{"10,000", N, TALLY_Q_EXACT, 10000, NONE, NULL},
                           {"1,234,567", N, TALLY_Q_EXACT, 1234567, NONE, NULL},
                           END});
    expect("Some 7 000 boxes and 9\u202f000 crates and 12\u00a0500 bags.",
           (struct want[]){{"Some 7 000", N, TALLY_Q_ABOUT, 7000, NONE, NULL},
                           {"9\u202f000", N, TALLY_Q_EXACT, 9000, NONE, NULL},
                           {"12\u00a0500", N, TALLY_Q_EXACT, 12500, NONE, NULL},
                           END});
    expect("some 300 152mm shells and 500 122 mm rockets",
           (struct want[]){{"some 300", N, TALLY_Q_ABOUT, 300, NONE, NULL},
                           {"500", N, TALLY_Q_EXACT, 500, NONE, NULL},
                           END});
    expect("A stock of 10.000.000 rounds.",
           (struct want[]){{"10.000.000", N, TALLY_Q_EXACT, 10000000, NONE, NULL}, END});
    expect("Lists like 22,24,26 stay apart.",
           (struct want[]){{"22", N, TALLY_Q_EXACT, 22, NONE, NULL},
                           {"24", N, TALLY_Q_EXACT, 24, NONE, NULL},
                           {"26", N, TALLY_Q_EXACT, 26, NONE, NULL},
                           END});
}

static void test_scan_decimals_and_signs(void)
{
    expect("It grew 1.5 times to .25 of the total; the change was -3.2 and \u22124.",
           (struct want[]){{"1.5", N, TALLY_Q_EXACT, 1.5, NONE, NULL},
                           {".25", N, TALLY_Q_EXACT, 0.25, NONE, NULL},
                           {"-3.2", N, TALLY_Q_EXACT, -3.2, NONE, NULL},
                           {"\u22124", N, TALLY_Q_EXACT, -4, NONE, NULL},
                           END});
    expect("(\u22123) and a 10,000-strong force",
           (struct want[]){{"\u22123", N, TALLY_Q_EXACT, -3, NONE, NULL},
                           {"10,000", N, TALLY_Q_EXACT, 1e4, NONE, NULL},
                           END});
    expect("minus five point five",
           (struct want[]){{"minus five point five", N, TALLY_Q_EXACT, -5.5, NONE, NULL}, END});
    expect("about 1.3e6 grains",
           (struct want[]){{"about 1.3e6", N, TALLY_Q_ABOUT, 1.3e6, NONE, NULL}, END});
}

static void test_scan_scales(void)
{
    expect("Deals worth 1.5bn, $2.3m, 10k and 4 trillion and 2 mn.",
           (struct want[]){{"1.5bn", N, TALLY_Q_EXACT, 1.5e9, NONE, NULL},
                           {"$2.3m", M, TALLY_Q_EXACT, 2.3e6, NONE, "USD"},
                           {"10k", N, TALLY_Q_EXACT, 1e4, NONE, NULL},
                           {"4 trillion", N, TALLY_Q_EXACT, 4e12, NONE, NULL},
                           {"2 mn", N, TALLY_Q_EXACT, 2e6, NONE, NULL},
                           END});
    /* a bare lower-case "m" is a metre, not a million */
    expect("a 10m wall", (struct want[]){END});
}

static void test_scan_spelled_numbers(void)
{
    expect("twenty-five trucks and one hundred and twenty guns",
           (struct want[]){{"twenty-five", N, TALLY_Q_EXACT, 25, NONE, NULL},
                           {"one hundred and twenty", N, TALLY_Q_EXACT, 120, NONE, NULL},
                           END});
    expect("a dozen ships, half a million shells, two-thirds of them, a quarter of it",
           (struct want[]){{"a dozen", N, TALLY_Q_ABOUT, 12, NONE, NULL},
                           {"half a million", N, TALLY_Q_EXACT, 5e5, NONE, NULL},
                           {"two-thirds", N, TALLY_Q_EXACT, 2.0 / 3, NONE, NULL},
                           {"a quarter", N, TALLY_Q_EXACT, 0.25, NONE, NULL},
                           END});
    expect("one and a half million rounds and three thousand five hundred",
           (struct want[]){{"one and a half million", N, TALLY_Q_EXACT, 1.5e6, NONE, NULL},
                           {"three thousand five hundred", N, TALLY_Q_EXACT, 3500, NONE, NULL},
                           END});
    /* "no one", "one-off" are not amounts */
    expect("no one saw the one-off event", (struct want[]){END});
}

static void test_scan_vague_magnitudes(void)
{
    expect("dozens of launchers, hundreds of thousands of rounds, millions of shells",
           (struct want[]){{"dozens", N, TALLY_Q_AT_LEAST, 12, NONE, NULL},
                           {"hundreds of thousands", N, TALLY_Q_AT_LEAST, 1e5, NONE, NULL},
                           {"millions", N, TALLY_Q_AT_LEAST, 1e6, NONE, NULL},
                           END});
    /* quotes around the figure */
    expect("to buy \u201cliterally millions\u201d of shells",
           (struct want[]){{"millions", N, TALLY_Q_AT_LEAST, 1e6, NONE, NULL}, END});
    expect("several dozen missiles and tens of thousands of troops",
           (struct want[]){{"several dozen", N, TALLY_Q_AT_LEAST, 12, NONE, NULL},
                           {"tens of thousands", N, TALLY_Q_AT_LEAST, 1e4, NONE, NULL},
                           END});
    expect("hundreds of millions of dollars",
           (struct want[]){
               {"hundreds of millions of dollars", M, TALLY_Q_AT_LEAST, 1e8, NONE, "USD"}, END});
}

static void test_scan_ranges(void)
{
    expect("between 20,000 and 50,000 and between 20,000 to 50,000",
           (struct want[]){{"between 20,000 and 50,000", N, TALLY_Q_RANGE, 20000, 50000, NULL},
                           {"between 20,000 to 50,000", N, TALLY_Q_RANGE, 20000, 50000, NULL},
                           END});
    expect("from 5 to 10 trains, 20 to 50 million rounds, 300-400 guns, 3\u20134 ships",
           (struct want[]){{"from 5 to 10", N, TALLY_Q_RANGE, 5, 10, NULL},
                           {"20 to 50 million", N, TALLY_Q_RANGE, 2e7, 5e7, NULL},
                           {"300-400", N, TALLY_Q_RANGE, 300, 400, NULL},
                           {"3\u20134", N, TALLY_Q_RANGE, 3, 4, NULL},
                           END});
    expect("$20-$50 million",
           (struct want[]){{"$20-$50 million", M, TALLY_Q_RANGE, 2e7, 5e7, "USD"}, END});
    /* a year span is not a range of amounts */
    expect("from 2022 to 2024 and 2022-2024", (struct want[]){END});
}

static void test_scan_qualifiers(void)
{
    expect("about 10,000, around 5, approximately 73, some 40, nearly 400, almost 400, "
           "roughly 9",
           (struct want[]){{"about 10,000", N, TALLY_Q_ABOUT, 10000, NONE, NULL},
                           {"around 5", N, TALLY_Q_ABOUT, 5, NONE, NULL},
                           {"approximately 73", N, TALLY_Q_ABOUT, 73, NONE, NULL},
                           {"some 40", N, TALLY_Q_ABOUT, 40, NONE, NULL},
                           {"nearly 400", N, TALLY_Q_ABOUT, 400, NONE, NULL},
                           {"almost 400", N, TALLY_Q_ABOUT, 400, NONE, NULL},
                           {"roughly 9", N, TALLY_Q_ABOUT, 9, NONE, NULL},
                           END});
    expect("over 24, more than 9000, at least 11, up to 4.8 million, as many as 50, "
           "as high as 3 million",
           (struct want[]){{"over 24", N, TALLY_Q_MORE_THAN, 24, NONE, NULL},
                           {"more than 9000", N, TALLY_Q_MORE_THAN, 9000, NONE, NULL},
                           {"at least 11", N, TALLY_Q_AT_LEAST, 11, NONE, NULL},
                           {"up to 4.8 million", N, TALLY_Q_UP_TO, NONE, 4.8e6, NULL},
                           {"as many as 50", N, TALLY_Q_UP_TO, NONE, 50, NULL},
                           {"as high as 3 million", N, TALLY_Q_UP_TO, NONE, 3e6, NULL},
                           END});
    expect("fewer than 100, less than 7, under 30, no more than 12",
           (struct want[]){{"fewer than 100", N, TALLY_Q_LESS_THAN, NONE, 100, NULL},
                           {"less than 7", N, TALLY_Q_LESS_THAN, NONE, 7, NULL},
                           {"under 30", N, TALLY_Q_LESS_THAN, NONE, 30, NULL},
                           {"no more than 12", N, TALLY_Q_UP_TO, NONE, 12, NULL},
                           END});
    /* chained: the bound wins over "about"; of two bounds, the last */
    expect("up to approximately 3 million; as many as more than 500",
           (struct want[]){{"up to approximately 3 million", N, TALLY_Q_UP_TO, NONE, 3e6, NULL},
                           {"as many as more than 500", N, TALLY_Q_MORE_THAN, 500, NONE, NULL},
                           END});
}

static void test_scan_money(void)
{
    expect("\\$10 billion, US$5m, USD 1.7 billion, \u20ac3bn, \u00a3200, 40 euros, "
           "10 billion roubles, 5 trillion won, 2 billion yuan, RUB 300",
           (struct want[]){{"\\$10 billion", M, TALLY_Q_EXACT, 1e10, NONE, "USD"},
                           {"US$5m", M, TALLY_Q_EXACT, 5e6, NONE, "USD"},
                           {"USD 1.7 billion", M, TALLY_Q_EXACT, 1.7e9, NONE, "USD"},
                           {"\u20ac3bn", M, TALLY_Q_EXACT, 3e9, NONE, "EUR"},
                           {"\u00a3200", M, TALLY_Q_EXACT, 200, NONE, "GBP"},
                           {"40 euros", M, TALLY_Q_EXACT, 40, NONE, "EUR"},
                           {"10 billion roubles", M, TALLY_Q_EXACT, 1e10, NONE, "RUB"},
                           {"5 trillion won", M, TALLY_Q_EXACT, 5e12, NONE, "KRW"},
                           {"2 billion yuan", M, TALLY_Q_EXACT, 2e9, NONE, "CNY"},
                           {"RUB 300", M, TALLY_Q_EXACT, 300, NONE, "RUB"},
                           END});
    expect("$ 75 million and 3 million US dollars and 50 cents",
           (struct want[]){{"$ 75 million", M, TALLY_Q_EXACT, 7.5e7, NONE, "USD"},
                           {"3 million US dollars", M, TALLY_Q_EXACT, 3e6, NONE, "USD"},
                           {"50 cents", M, TALLY_Q_EXACT, 0.5, NONE, "USD"},
                           END});
    /* a weight in pounds is not money */
    expect("500 pounds of explosives",
           (struct want[]){{"500", N, TALLY_Q_EXACT, 500, NONE, NULL}, END});
}

/* Crowns, kroner and kronor: the currency by the word, else by its adjective. */
static void test_scan_money_crowns(void)
{
    expect("40 billion crowns, 2.1 billion Danish crowns, 3 billion Norwegian kroner, "
           "500 million kronor, 64 million kroner, CZK 1.5 billion, PLN 20 million",
           (struct want[]){{"40 billion crowns", M, TALLY_Q_EXACT, 4e10, NONE, "CZK"},
                           {"2.1 billion Danish crowns", M, TALLY_Q_EXACT, 2.1e9, NONE, "DKK"},
                           {"3 billion Norwegian kroner", M, TALLY_Q_EXACT, 3e9, NONE, "NOK"},
                           {"500 million kronor", M, TALLY_Q_EXACT, 5e8, NONE, "SEK"},
                           {"64 million kroner", M, TALLY_Q_EXACT, 6.4e7, NONE, "DKK"},
                           {"CZK 1.5 billion", M, TALLY_Q_EXACT, 1.5e9, NONE, "CZK"},
                           {"PLN 20 million", M, TALLY_Q_EXACT, 2e7, NONE, "PLN"},
                           END});
}

static void test_scan_percent(void)
{
    expect("30%, 30 percent, 30 per cent, 2.5 percentage points",
           (struct want[]){{"30%", P, TALLY_Q_EXACT, 30, NONE, NULL},
                           {"30 percent", P, TALLY_Q_EXACT, 30, NONE, NULL},
                           {"30 per cent", P, TALLY_Q_EXACT, 30, NONE, NULL},
                           {"2.5 percentage points", P, TALLY_Q_EXACT, 2.5, NONE, NULL},
                           END});
}

static void test_scan_not_amounts(void)
{
    expect("152mm shells, 152-mm rounds, 122 mm rockets, KN-23 and Shahed-136, Su-27, "
           "Hwasong-11",
           (struct want[]){END});
    expect("In 2012 and 1948, on 2024-02-26 and 26/02/2024, at 10:30 and 3 p.m.",
           (struct want[]){END});
    expect("On February 26 and 5 March, the third and 21st time", (struct want[]){END});
    expect("Call +1 202 555 0100 or (202) 555-0100 or 202-555-0100", (struct want[]){END});
    expect("See https://example.org/news/90720-story and www.example.com/a/12",
           (struct want[]){END});
    expect("No. 1 and Resolution 2231", (struct want[]){END});
    expect("the F-16s, 2S19 and 9M723 and the 1990s", (struct want[]){END});
    /* a small number after a count and a name is the name's model */
    expect("30 upgraded Leopard 1 A5 tanks and five Bergepanzer 2 vehicles",
           (struct want[]){{"30", N, TALLY_Q_EXACT, 30, NONE, NULL},
                           {"five", N, TALLY_Q_EXACT, 5, NONE, NULL},
                           END});
    expect("shells from military unit 55443", (struct want[]){END});
    /* ... but not after a word of the lexicon, nor without a count before */
    expect("Leopard 2 tanks and 30 tanks 2 days later",
           (struct want[]){{"2", N, TALLY_Q_EXACT, 2, NONE, NULL},
                           {"30", N, TALLY_Q_EXACT, 30, NONE, NULL},
                           {"2", N, TALLY_Q_EXACT, 2, NONE, NULL},
                           END});
    /* a year-like number with a qualifier and a counted noun is an amount */
    expect("about 2000 troops arrived in 2023",
           (struct want[]){{"about 2000", N, TALLY_Q_ABOUT, 2000, NONE, NULL}, END});
    /* a year-like number beside a currency or scale is an amount */
    expect("$2000 and 1990 percent",
           (struct want[]){{"$2000", M, TALLY_Q_EXACT, 2000, NONE, "USD"},
                           {"1990 percent", P, TALLY_Q_EXACT, 1990, NONE, NULL},
                           END});
}

static void test_scan_offsets_index_the_text(void)
{
    const char *in = "\u201cAbout 1,000\u201d, he said \u2014 and \u00bd more.";
    tally_arena *a = tally_arena_new();
    tally_figures f;
    CHECK_INT_EQ(tally_figures_scan((tally_span){in, strlen(in)}, &f, a, NULL), 0);
    CHECK_INT_EQ(f.n, 2);
    if (f.n == 2) {
        CHECK_INT_EQ(f.v[0].start, 3);
        CHECK_SPAN_EQ(((tally_span){in + f.v[0].start, f.v[0].end - f.v[0].start}), "About 1,000");
        CHECK_DBL_EQ(f.v[1].low, 0.5);
    }
    tally_arena_free(a);
}

static void test_scan_bounds_merge_into_range(void)
{
    expect("more than 10 and less than 20",
           (struct want[]){{"more than 10 and less than 20", N, TALLY_Q_RANGE, 10, 20, NULL}, END});
    expect("500 or more",
           (struct want[]){{"500 or more", N, TALLY_Q_AT_LEAST, 500, NONE, NULL}, END});
}

static void test_scan_hard_line_breaks(void)
{
    /* a wrapped line does not break a figure; a blank line does */
    expect(
        "more than\n10,000 containers and hundreds of millions of\ndollars",
        (struct want[]){{"more than\n10,000", N, TALLY_Q_MORE_THAN, 1e4, NONE, NULL},
                        {"hundreds of millions of\ndollars", M, TALLY_Q_AT_LEAST, 1e8, NONE, "USD"},
                        END});
    expect("more than\n\n10,000",
           (struct want[]){{"10,000", N, TALLY_Q_EXACT, 1e4, NONE, NULL}, END});
}

static void test_scan_qualifier_shared_by_alternatives(void)
{
    expect("up to 2 million rounds of 152 mm shells or 400,000 rockets; 2 or 3 trains",
           (struct want[]){{"up to 2 million", N, TALLY_Q_UP_TO, NONE, 2e6, NULL},
                           {"400,000", N, TALLY_Q_UP_TO, NONE, 4e5, NULL},
                           {"2", N, TALLY_Q_EXACT, 2, NONE, NULL},
                           {"3", N, TALLY_Q_EXACT, 3, NONE, NULL},
                           END});
    /* a comma ends the reach of the qualifier */
    expect("about 50 drones, or 60 missiles",
           (struct want[]){{"about 50", N, TALLY_Q_ABOUT, 50, NONE, NULL},
                           {"60", N, TALLY_Q_EXACT, 60, NONE, NULL},
                           END});
}

static void test_scan_ratios_and_powers(void)
{
    expect("two out of three and 2.5×10−3 and 2^10",
           (struct want[]){{"two out of three", N, TALLY_Q_EXACT, 2.0 / 3, NONE, NULL},
                           {"2.5×10−3", N, TALLY_Q_EXACT, 2.5e-3, NONE, NULL},
                           {"2^10", N, TALLY_Q_EXACT, 1024, NONE, NULL},
                           END});
    /* "over" before a counted noun is a period, not a division */
    expect("500 over 3 days", (struct want[]){{"500", N, TALLY_Q_EXACT, 500, NONE, NULL},
                                              {"over 3", N, TALLY_Q_MORE_THAN, 3, NONE, NULL},
                                              END});
}

/* Values outside [TALLY_FIGURE_MIN, TALLY_FIGURE_MAX] are no figures: not
 * rounded to 0 or infinity, and an exponent's digits are never cut into a
 * second number ("1e99999" once gave a figure of 99). */
static void test_scan_out_of_range(void)
{
    expect("1e99999 artillery shells and 1e-99999 tanks and 4.9e-324 missiles",
           (struct want[]){END});
    expect("about 9e307 containers and 1.7e308 shells and 2^2000 rounds and 9e14 million bags",
           (struct want[]){END});
    expect("a 1234567890123456789012 ID and 0.0000000000000001 of it and 2^-2000",
           (struct want[]){END});
    expect("1e18 grains and 1e-12 of a gram and 0 tanks",
           (struct want[]){{"1e18", N, TALLY_Q_EXACT, 1e18, NONE, NULL},
                           {"1e-12", N, TALLY_Q_EXACT, 1e-12, NONE, NULL},
                           {"0", N, TALLY_Q_EXACT, 0, NONE, NULL},
                           END});
    CHECK(!tally_figure_value_ok(NAN));
    CHECK(!tally_figure_value_ok(INFINITY));
    CHECK(!tally_figure_value_ok(-1e19));
    CHECK(tally_figure_value_ok(-5));
}

static void test_scan_range_ends_in_order(void)
{
    expect("a 24-7 watch and scores of 10-5",
           (struct want[]){{"24", N, TALLY_Q_EXACT, 24, NONE, NULL},
                           {"7", N, TALLY_Q_EXACT, 7, NONE, NULL},
                           {"10", N, TALLY_Q_EXACT, 10, NONE, NULL},
                           {"5", N, TALLY_Q_EXACT, 5, NONE, NULL},
                           END});
    expect("5k-20k", (struct want[]){{"5k-20k", N, TALLY_Q_RANGE, 5000, 20000, NULL}, END});
}

/* The tokenizer reads a word's letters eight bytes at a time where eight
 * are left: number words of every length, inside the text and at its end,
 * in any case, next to letters beyond ASCII and apostrophes. */
static void test_scan_word_lengths(void)
{
    expect("seventeen", (struct want[]){{"seventeen", N, TALLY_Q_EXACT, 17, NONE, NULL}, END});
    expect("They sent eighteen thousand shells.",
           (struct want[]){{"eighteen thousand", N, TALLY_Q_EXACT, 18000, NONE, NULL}, END});
    expect("SEVENTEEN HUNDRED",
           (struct want[]){{"SEVENTEEN HUNDRED", N, TALLY_Q_EXACT, 1700, NONE, NULL}, END});
    expect("A thousandfold rise, then twelve.",
           (struct want[]){{"twelve", N, TALLY_Q_EXACT, 12, NONE, NULL}, END});
    expect("Einundzwanzig \u00dcber seventy-seven",
           (struct want[]){{"seventy-seven", N, TALLY_Q_EXACT, 77, NONE, NULL}, END});
    expect("The army\u2019s ninety-nine",
           (struct want[]){{"ninety-nine", N, TALLY_Q_EXACT, 99, NONE, NULL}, END});
    expect("abcdefgh1 twentyfive nineteen",
           (struct want[]){{"nineteen", N, TALLY_Q_EXACT, 19, NONE, NULL}, END});
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"scan_lexicon_lookup", test_scan_lexicon_lookup},
        {"scan_lexicon_filter", test_scan_lexicon_filter},
        {"scan_lexicon_short_words", test_scan_lexicon_short_words},
        {"scan_digit_groups", test_scan_digit_groups},
        {"scan_decimals_and_signs", test_scan_decimals_and_signs},
        {"scan_scales", test_scan_scales},
        {"scan_spelled_numbers", test_scan_spelled_numbers},
        {"scan_vague_magnitudes", test_scan_vague_magnitudes},
        {"scan_ranges", test_scan_ranges},
        {"scan_qualifiers", test_scan_qualifiers},
        {"scan_money", test_scan_money},
        {"scan_money_crowns", test_scan_money_crowns},
        {"scan_percent", test_scan_percent},
        {"scan_not_amounts", test_scan_not_amounts},
        {"scan_offsets_index_the_text", test_scan_offsets_index_the_text},
        {"scan_bounds_merge_into_range", test_scan_bounds_merge_into_range},
        {"scan_hard_line_breaks", test_scan_hard_line_breaks},
        {"scan_qualifier_shared_by_alternatives", test_scan_qualifier_shared_by_alternatives},
        {"scan_ratios_and_powers", test_scan_ratios_and_powers},
        {"scan_out_of_range", test_scan_out_of_range},
        {"scan_range_ends_in_order", test_scan_range_ends_in_order},
        {"scan_word_lengths", test_scan_word_lengths},
        {NULL, NULL},
    };
    return harness_run(tests);
}
