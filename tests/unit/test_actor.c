/* Tests of the actor matcher (src/extract/actor.c) and its compiled tables
 * (tools/gen_actors.c, data/actors.tsv). Every sentence here is written for
 * these tests. */
#include "tally/actor.h"

#include <jansson.h>
#include <stdbool.h>

#include "actor.h"
#include "gold.h"
#include "harness.h"

/* One expected mention: the text it covers, the canonical name, the country. */
struct want {
    const char *text;
    const char *name;
    const char *country;
};

#define END                                                                                        \
    {                                                                                              \
        NULL, NULL, NULL                                                                           \
    }

/* Scans `in` and checks the mentions against `w` (ended by a NULL text). */
static void expect(const char *in, const struct want *w)
{
    tally_arena *a = tally_arena_new();
    tally_actor_matches m;
    tally_err err = {0};
    CHECK_INT_EQ(tally_actors_scan((tally_span){in, strlen(in)}, &m, a, &err), 0);
    size_t n = 0;
    while (w[n].text != NULL)
        n++;
    if (m.n != n) {
        fprintf(stderr, "in \"%s\": %zu mentions, want %zu:\n", in, m.n, n);
        for (size_t i = 0; i < m.n; i++)
            fprintf(stderr, "  got \"%.*s\" -> %s\n", (int)(m.v[i].end - m.v[i].start),
                    in + m.v[i].start, m.v[i].actor->name);
    }
    CHECK_INT_EQ(m.n, n);
    for (size_t i = 0; i < n && i < m.n; i++) {
        tally_span got = {in + m.v[i].start, m.v[i].end - m.v[i].start};
        CHECK_SPAN_EQ(got, w[i].text);
        CHECK_STR_EQ(m.v[i].actor->name, w[i].name);
        CHECK_STR_EQ(m.v[i].actor->country, w[i].country);
    }
    tally_arena_free(a);
}

static void expect_none(const char *in)
{
    expect(in, (struct want[]){END});
}

/* The one actor that covers all of `in`, or NULL. */
static const tally_actor *whole(const char *in, tally_arena *a)
{
    tally_actor_matches m;
    tally_err err = {0};
    if (tally_actors_scan((tally_span){in, strlen(in)}, &m, a, &err) != 0)
        return NULL;
    if (m.n != 1 || m.v[0].start != 0 || m.v[0].end != strlen(in))
        return NULL;
    return m.v[0].actor;
}

static void test_actor_longest_match(void)
{
    expect("Officials at the South Korean defence ministry disagreed.",
           (struct want[]){
               {"South Korean defence ministry", "South Korean defence ministry", "KOR"}, END});
    expect("North Korea and South Korea met; Korea alone is no one.",
           (struct want[]){
               {"North Korea", "North Korea", "PRK"}, {"South Korea", "South Korea", "KOR"}, END});
    expect(
        "the Democratic People's Republic of Korea replied",
        (struct want[]){{"the Democratic People's Republic of Korea", "North Korea", "PRK"}, END});
    expect("A Washington Post story, not Washington itself.",
           (struct want[]){{"Washington Post", "The Washington Post", "USA"},
                           {"Washington", "Washington", "USA"},
                           END});
    expect("A reporter for Interfax-Ukraine and one for Interfax.",
           (struct want[]){{"Interfax-Ukraine", "Interfax-Ukraine", "UKR"},
                           {"Interfax", "Interfax", "RUS"},
                           END});
    expect("Papua New Guinea is not Guinea, nor is Guinea-Bissau.",
           (struct want[]){{"Papua New Guinea", "Papua New Guinea", "PNG"},
                           {"Guinea", "Guinea", "GIN"},
                           {"Guinea-Bissau", "Guinea-Bissau", "GNB"},
                           END});
    expect("American Samoa, and an American.",
           (struct want[]){
               {"American Samoa", "American Samoa", "ASM"}, {"American", "American", "USA"}, END});
}

static void test_actor_word_boundaries(void)
{
    expect_none("Chinatown and Iranium and Russianness and USB sticks and Iranianss.");
    expect("Nigeria is not Niger; Dominica is not the Dominican Republic.",
           (struct want[]){{"Nigeria", "Nigeria", "NGA"},
                           {"Niger", "Niger", "NER"},
                           {"Dominica", "Dominica", "DMA"},
                           {"Dominican Republic", "Dominican Republic", "DOM"},
                           END});
    expect("The Russia-Ukraine war and US-made shells.",
           (struct want[]){{"Russia", "Russia", "RUS"},
                           {"Ukraine", "Ukraine", "UKR"},
                           {"US", "United States", "USA"},
                           END});
    expect("Shells reached Russia.Then more came.",
           (struct want[]){{"Russia", "Russia", "RUS"}, END});
    expect("(Iran)", (struct want[]){{"Iran", "Iran", "IRN"}, END});
    expect("Iran", (struct want[]){{"Iran", "Iran", "IRN"}, END});
    expect("anti-Russian and pro-Iranian",
           (struct want[]){{"Russian", "Russian", "RUS"}, {"Iranian", "Iranian", "IRN"}, END});
    /* A non-ASCII letter joins a word. */
    expect_none("Russiaé and éRussia");
}

static void test_actor_possessive(void)
{
    expect("Russia's army used Iran\u2019s drones.",
           (struct want[]){{"Russia", "Russia", "RUS"}, {"Iran", "Iran", "IRN"}, END});
    expect("The North Koreans' shells.",
           (struct want[]){{"North Koreans", "North Korean", "PRK"}, END});
    /* U+02BC, the apostrophe of many texts */
    expect("Iran\u02bcs drones", (struct want[]){{"Iran", "Iran", "IRN"}, END});
}

static void test_actor_plural_demonym(void)
{
    expect("North Koreans and Iranians and Americans, and the Swiss.",
           (struct want[]){{"North Koreans", "North Korean", "PRK"},
                           {"Iranians", "Iranian", "IRN"},
                           {"Americans", "American", "USA"},
                           {"Swiss", "Swiss", "CHE"},
                           END});
    /* Only demonyms take the plural. */
    expect_none("Two Russias, many Irans.");
}

static void test_actor_case(void)
{
    expect("Tell us what the US and the U.S. and the USA know.",
           (struct want[]){{"US", "United States", "USA"},
                           {"U.S.", "United States", "USA"},
                           {"USA", "United States", "USA"},
                           END});
    expect_none("us and usa and china and turkey and jordan");
    expect("China sent turkey to Turkey.",
           (struct want[]){{"China", "China", "CHN"}, {"Turkey", "Türkiye", "TUR"}, END});
    /* A lowercase word of an alias also matches its capital, and defence and
     * defense are one word. */
    expect("the South Korean Defense Ministry",
           (struct want[]){
               {"South Korean Defense Ministry", "South Korean defence ministry", "KOR"}, END});
    /* But capitals in an alias are never lowered. */
    expect("Ukraine's Nis", (struct want[]){{"Ukraine", "Ukraine", "UKR"}, END});
}

static void test_actor_metonyms(void)
{
    expect("The Kremlin denied it; Pyongyang and Tehran said nothing.",
           (struct want[]){{"The Kremlin", "Kremlin", "RUS"},
                           {"Pyongyang", "Pyongyang", "PRK"},
                           {"Tehran", "Tehran", "IRN"},
                           END});
    expect("Kyiv, once spelled Kiev, asked Seoul and Washington.",
           (struct want[]){{"Kyiv", "Kyiv", "UKR"},
                           {"Kiev", "Kyiv", "UKR"},
                           {"Seoul", "Seoul", "KOR"},
                           {"Washington", "Washington", "USA"},
                           END});
    expect("Kremlin officials met at the  Pentagon, then the White House.",
           (struct want[]){{"Kremlin", "Kremlin", "RUS"},
                           {"the  Pentagon", "Pentagon", "USA"},
                           {"the White House", "White House", "USA"},
                           END});
    /* "the" belongs only to names that take it, and only as a whole word. */
    expect("the Russian army; lathe Kremlin",
           (struct want[]){{"Russian", "Russian", "RUS"}, {"Kremlin", "Kremlin", "RUS"}, END});
}

static void test_actor_official_spellings(void)
{
    static const char *const shin[] = {"Shin Won-sik", "Shin Won Sik", "Shin Wonsik",
                                       "Shin Won-Sik", "Shin Won sik", "Shin Won\u2011sik"};
    for (size_t i = 0; i < sizeof shin / sizeof shin[0]; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "Minister %s said so.", shin[i]);
        expect(buf, (struct want[]){{shin[i], "Shin Won-sik", "KOR"}, END});
    }
    expect("Kim Jong-un met Kim Jong Un and Kim Yo-jong.",
           (struct want[]){{"Kim Jong-un", "Kim Jong Un", "PRK"},
                           {"Kim Jong Un", "Kim Jong Un", "PRK"},
                           {"Kim Yo-jong", "Kim Yo Jong", "PRK"},
                           END});
    expect("Zelenskyy and Volodymyr Zelensky and Robert A. Wood",
           (struct want[]){{"Zelenskyy", "Volodymyr Zelensky", "UKR"},
                           {"Volodymyr Zelensky", "Volodymyr Zelensky", "UKR"},
                           {"Robert A. Wood", "Robert Wood", "USA"},
                           END});
    expect("Kirby, then John Kirby, then Budanov.",
           (struct want[]){{"Kirby", "John Kirby", "USA"},
                           {"John Kirby", "John Kirby", "USA"},
                           {"Budanov", "Kyrylo Budanov", "UKR"},
                           END});
    /* A common Korean surname alone is no one. */
    expect_none("Kim and Shin and Cho agreed.");
}

static void test_actor_no_country(void)
{
    expect("NATO's Jens Stoltenberg and the UN; the United Nations",
           (struct want[]){{"NATO", "NATO", ""},
                           {"Jens Stoltenberg", "Jens Stoltenberg", ""},
                           {"UN", "United Nations", ""},
                           {"the United Nations", "United Nations", ""},
                           END});
    expect("Latin American and North American buyers",
           (struct want[]){{"Latin American", "Latin American", ""},
                           {"North American", "North American", ""},
                           END});
}

static void test_actor_text_variants(void)
{
    expect("North\nKorea and North\u00a0Korea and North \n Korea",
           (struct want[]){{"North\nKorea", "North Korea", "PRK"},
                           {"North\u00a0Korea", "North Korea", "PRK"},
                           {"North \n Korea", "North Korea", "PRK"},
                           END});
    expect(
        "Democratic People\u2019s Republic of Korea",
        (struct want[]){{"Democratic People\u2019s Republic of Korea", "North Korea", "PRK"}, END});
    expect("\u00c5land Islands, C\u00f4te d'Ivoire and Cote d\u2019Ivoire",
           (struct want[]){{"\u00c5land Islands", "\u00c5land Islands", "ALA"},
                           {"C\u00f4te d'Ivoire", "C\u00f4te d'Ivoire", "CIV"},
                           {"Cote d\u2019Ivoire", "C\u00f4te d'Ivoire", "CIV"},
                           END});
    expect("38 North and 38 rounds", (struct want[]){{"38 North", "38 North", "USA"}, END});
}

static void test_actor_empty(void)
{
    tally_arena *a = tally_arena_new();
    tally_actor_matches m = {NULL, 7};
    tally_err err = {0};
    CHECK_INT_EQ(tally_actors_scan((tally_span){NULL, 0}, &m, a, &err), 0);
    CHECK_INT_EQ(m.n, 0);
    CHECK_INT_EQ(tally_actors_scan((tally_span){"", 0}, &m, a, &err), 0);
    CHECK_INT_EQ(m.n, 0);
    /* Only `len` bytes are read: "Iran" is cut to "Ira". */
    CHECK_INT_EQ(tally_actors_scan((tally_span){"Iran", 3}, &m, a, &err), 0);
    CHECK_INT_EQ(m.n, 0);
    tally_arena_free(a);
}

static void test_actor_many_mentions(void)
{
    /* Enough mentions to grow the result array several times. */
    tally_buf b;
    tally_buf_init(&b, 1 << 20);
    for (int i = 0; i < 1000; i++)
        CHECK_INT_EQ(tally_buf_append(&b, "Russia and Iran; ", 17), 0);
    tally_arena *a = tally_arena_new();
    tally_actor_matches m;
    tally_err err = {0};
    CHECK_INT_EQ(tally_actors_scan((tally_span){b.ptr, b.len}, &m, a, &err), 0);
    CHECK_INT_EQ(m.n, 2000);
    bool ok = true;
    for (size_t i = 0; i < m.n; i++)
        ok = ok && strcmp(m.v[i].actor->country, i % 2 ? "IRN" : "RUS") == 0;
    CHECK(ok);
    tally_arena_free(a);
    tally_buf_free(&b);
}

static void test_actor_country_lookup(void)
{
    const tally_actor *c = tally_country("PRK");
    CHECK(c != NULL);
    if (c != NULL) {
        CHECK_STR_EQ(c->name, "North Korea");
        CHECK_STR_EQ(c->country, "PRK");
        CHECK_INT_EQ(c->kind, TALLY_ACTOR_STATE);
    }
    CHECK(tally_country("RUS") != NULL && strcmp(tally_country("RUS")->name, "Russia") == 0);
    CHECK(tally_country("IRN") != NULL && strcmp(tally_country("IRN")->name, "Iran") == 0);
    CHECK(tally_country("ABW") != NULL && tally_country("ZWE") != NULL);
    CHECK(tally_country("XXX") == NULL);
    CHECK(tally_country("PR") == NULL);
    CHECK(tally_country("PRKX") == NULL);
    CHECK(tally_country("prk") == NULL);
    CHECK(tally_country("") == NULL);
    CHECK(tally_country(NULL) == NULL);
    /* A mention of a state points at the same entry. */
    tally_arena *a = tally_arena_new();
    CHECK(whole("the DPRK", a) == tally_country("PRK"));
    CHECK(whole("USSR", a) == tally_country("RUS"));
    tally_arena_free(a);
}

static void test_actor_kind_names(void)
{
    CHECK_STR_EQ(tally_actor_kind_name(TALLY_ACTOR_STATE), "state");
    CHECK_STR_EQ(tally_actor_kind_name(TALLY_ACTOR_DEMONYM), "demonym");
    CHECK_STR_EQ(tally_actor_kind_name(TALLY_ACTOR_PLACE), "place");
    CHECK_STR_EQ(tally_actor_kind_name(TALLY_ACTOR_GOVERNMENT), "government");
    CHECK_STR_EQ(tally_actor_kind_name(TALLY_ACTOR_INTELLIGENCE), "intelligence");
    CHECK_STR_EQ(tally_actor_kind_name(TALLY_ACTOR_OFFICIAL), "official");
    CHECK_STR_EQ(tally_actor_kind_name(TALLY_ACTOR_OUTLET), "outlet");
    CHECK_STR_EQ(tally_actor_kind_name(TALLY_ACTOR_THINK_TANK), "think-tank");
}

/* Checks that `name` alone is found as the state `alpha3`. */
static void check_state_name(const char *alpha3, const char *name, tally_arena *a)
{
    const tally_actor *got = whole(name, a);
    if (got != tally_country(alpha3)) {
        fprintf(stderr, "%s: \"%s\" -> %s\n", alpha3, name, got ? got->name : "(no match)");
        harness_now.failures++;
    }
}

static void test_actor_every_country_findable(void)
{
    size_t n;
    const actor_iso *iso = actor_iso_table(&n);
    CHECK(n >= 249);
    tally_arena *a = tally_arena_new();
    for (size_t i = 0; i < n; i++) {
        const actor_iso *c = &iso[i];
        const tally_actor *st = tally_country(c->alpha3);
        CHECK(st != NULL && strcmp(st->country, c->alpha3) == 0);
        if (st == NULL)
            continue;
        check_state_name(c->alpha3, st->name, a);
        if (c->common_name != NULL)
            check_state_name(c->alpha3, c->common_name, a);
        if (strpbrk(c->name, ",(") == NULL)
            check_state_name(c->alpha3, c->name, a);
        if (c->official_name != NULL && strpbrk(c->official_name, ",(") == NULL) {
            const char *o = c->official_name;
            check_state_name(c->alpha3, strncmp(o, "the ", 4) == 0 ? o + 4 : o, a);
        }
        if (i > 0)
            CHECK(strcmp(iso[i - 1].alpha3, c->alpha3) < 0);
        tally_arena_reset(a);
    }
    tally_arena_free(a);
    CHECK(actor_count() > n);
    CHECK(actor_alias_count() > actor_count());
}

/* Gold sources that name no country by themselves, and why. */
static const struct {
    const char *source;
    const char *why;
} gold_unresolved[] = {
    {"defense ministry", "unqualified: the country is the article's context (a Korean outlet)"},
    {"defense ministry official", "unqualified, as above"},
};

static bool known_unresolved(const char *source)
{
    for (size_t i = 0; i < sizeof gold_unresolved / sizeof gold_unresolved[0]; i++)
        if (strcmp(gold_unresolved[i].source, source) == 0)
            return true;
    return false;
}

/* Whether some mention in `source` is an actor of `country`. */
static bool resolves(const char *source, const char *country, tally_arena *a)
{
    tally_actor_matches m;
    tally_err err = {0};
    if (tally_actors_scan((tally_span){source, strlen(source)}, &m, a, &err) != 0)
        return false;
    for (size_t i = 0; i < m.n; i++)
        if (strcmp(m.v[i].actor->country, country) == 0)
            return true;
    return false;
}

struct gold_actor {
    const char *name;
    tally_arena *a;
    int files, checked, missed, bad;
};

/* One gold claim: a named source must resolve to its gold country. */
static void check_claim(json_t *o, int lineno, void *user)
{
    struct gold_actor *g = user;
    const char *source = json_string_value(json_object_get(o, "source"));
    const char *country = json_string_value(json_object_get(o, "source_country"));
    if (source == NULL || strcmp(source, "author") == 0)
        return;
    g->checked++;
    if (!resolves(source, country ? country : "", g->a)) {
        bool known = known_unresolved(source);
        fprintf(stderr, "%s.gold.jsonl:%d: source \"%s\" (%s) not resolved%s\n", g->name, lineno,
                source, country ? country : "null", known ? " (known)" : "");
        if (!known)
            g->missed++;
    }
    tally_arena_reset(g->a);
}

static void check_gold_file(const char *dir, const char *name, void *user)
{
    struct gold_actor *g = user;
    g->name = name;
    CHECK(gold_each_claim(dir, name, check_claim, g, &g->bad));
    g->files++;
}

static void test_actor_gold_sources(void)
{
    const char *shared = harness_shared();
    if (shared == NULL)
        SKIP("TALLY_SHARED is not set");
    struct gold_actor g = {NULL, tally_arena_new(), 0, 0, 0, 0};
    long docs = gold_each_doc(shared, check_gold_file, &g);
    tally_arena_free(g.a);
    if (docs < 0)
        SKIP("no corpus/dev in TALLY_SHARED");
    fprintf(stderr, "gold sources: %d files, %d named sources, %d unexpected misses\n", g.files,
            g.checked, g.missed);
    CHECK(g.files > 0);
    CHECK(g.checked > 0);
    CHECK_INT_EQ(g.missed, 0);
    CHECK_INT_EQ(g.bad, 0);
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"actor_longest_match", test_actor_longest_match},
        {"actor_word_boundaries", test_actor_word_boundaries},
        {"actor_possessive", test_actor_possessive},
        {"actor_plural_demonym", test_actor_plural_demonym},
        {"actor_case", test_actor_case},
        {"actor_metonyms", test_actor_metonyms},
        {"actor_official_spellings", test_actor_official_spellings},
        {"actor_no_country", test_actor_no_country},
        {"actor_text_variants", test_actor_text_variants},
        {"actor_empty", test_actor_empty},
        {"actor_many_mentions", test_actor_many_mentions},
        {"actor_country_lookup", test_actor_country_lookup},
        {"actor_kind_names", test_actor_kind_names},
        {"actor_every_country_findable", test_actor_every_country_findable},
        {"actor_gold_sources", test_actor_gold_sources},
        {NULL, NULL}};
    return harness_run(tests);
}
