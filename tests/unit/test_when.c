/* Tests of dates and time expressions (src/extract/when.c). Every sentence here is
 * written for these tests; the corpus test reads ../shared/corpus/dev. */
#include "tally/when.h"

#include <stdbool.h>
#include <time.h>

#include <jansson.h>

#include "gold.h"
#include "harness.h"
#include "tally/err.h"
#include "tally/mem.h"

static tally_date date_of(const char *s)
{
    tally_date d = {0, 0, 0};
    if (s != NULL && s[0] != '\0' && tally_date_parse(s, strlen(s), &d) != 0)
        fprintf(stderr, "bad test date \"%s\"\n", s);
    return d;
}

static const char *role_name(tally_when_role r)
{
    switch (r) {
    case TALLY_WHEN_SINCE:
        return "SINCE";
    case TALLY_WHEN_AS_OF:
        return "AS_OF";
    case TALLY_WHEN_SPAN:
        return "SPAN";
    }
    return "?";
}

/* Renders what tally_when_scan finds as "text=ROLE date[..end] | ...". */
static void render(const char *in, const tally_whens *w, char *out, size_t cap)
{
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < w->n && len < cap; i++) {
        const tally_when *x = &w->v[i];
        char a[11], b[11];
        int k =
            snprintf(out + len, cap - len, "%s%.*s=%s %s", i ? " | " : "", (int)(x->end - x->start),
                     in + x->start, role_name(x->role), tally_date_format(x->date, a));
        if (k > 0)
            len += (size_t)k;
        if (x->role == TALLY_WHEN_SPAN && len < cap) {
            k = snprintf(out + len, cap - len, "..%s", tally_date_format(x->end_date, b));
            if (k > 0)
                len += (size_t)k;
        }
    }
}

/* The invariants every result keeps: sorted, not overlapping, in range,
 * valid dates, a SPAN's start not after its end, no end_date otherwise. */
static bool invariants_hold(size_t n, const tally_whens *w)
{
    size_t prev = 0;
    for (size_t i = 0; i < w->n; i++) {
        const tally_when *x = &w->v[i];
        char buf[11];
        if (x->start < prev || x->start >= x->end || x->end > n)
            return false;
        if (tally_date_format(x->date, buf)[0] == '\0')
            return false;
        if (x->role == TALLY_WHEN_SPAN) {
            if (tally_date_format(x->end_date, buf)[0] == '\0' ||
                tally_date_cmp(x->date, x->end_date) > 0)
                return false;
        } else if (x->end_date.year != 0) {
            return false;
        }
        prev = x->end;
    }
    return true;
}

/* Scans `in` against the document date `doc` ("" for none) and compares the
 * rendering with `want`. */
static void expect(const char *doc, const char *in, const char *want)
{
    tally_arena *a = tally_arena_new();
    tally_whens w;
    tally_err err = {0, ""};
    char got[1024];
    CHECK_INT_EQ(tally_when_scan((tally_span){in, strlen(in)}, date_of(doc), &w, a, &err), 0);
    CHECK(invariants_hold(strlen(in), &w));
    render(in, &w, got, sizeof got);
    if (strcmp(got, want) != 0)
        fprintf(stderr, "  in \"%s\" (dated %s)\n", in, doc[0] ? doc : "never");
    CHECK_STR_EQ(got, want);
    tally_arena_free(a);
}

/* ---- partial dates ---- */

static void test_when_date_parse_accepts(void)
{
    tally_date d;
    CHECK_INT_EQ(tally_date_parse("2023", 4, &d), 0);
    CHECK(d.year == 2023 && d.month == 0 && d.day == 0);
    CHECK_INT_EQ(tally_date_parse("2023-08", 7, &d), 0);
    CHECK(d.year == 2023 && d.month == 8 && d.day == 0);
    CHECK_INT_EQ(tally_date_parse("2024-02-29", 10, &d), 0);
    CHECK(d.year == 2024 && d.month == 2 && d.day == 29);
    CHECK_INT_EQ(tally_date_parse("2000-02-29", 10, &d), 0);
    CHECK_INT_EQ(tally_date_parse("0001-12-31", 10, &d), 0);
    /* only the first n bytes are read */
    CHECK_INT_EQ(tally_date_parse("2024-05-01T10:00", 10, &d), 0);
    CHECK(d.year == 2024 && d.month == 5 && d.day == 1);
}

static void test_when_date_parse_rejects(void)
{
    static const char *const bad[] = {
        "",           "202",         "20245",       "2024-13",    "2024-00",
        "2024-1",     "2024-02-30",  "2023-02-29",  "1900-02-29", "2024-04-31",
        "2024-02-00", "2024-02-1",   "2024-02-01 ", " 2024",      "2024-",
        "2024-02-",   "0000",        "2024/02/01",  "+2024",      "2024-0a",
        "unknown",    "2024-02-011", "２０２４"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tally_date d = {1, 1, 1};
        int rc = tally_date_parse(bad[i], strlen(bad[i]), &d);
        if (rc != TALLY_EINPUT)
            fprintf(stderr, "  accepted \"%s\"\n", bad[i]);
        CHECK_INT_EQ(rc, TALLY_EINPUT);
        CHECK(d.year == 0 && d.month == 0 && d.day == 0);
    }
    tally_date d;
    CHECK_INT_EQ(tally_date_parse(NULL, 0, &d), TALLY_EINPUT);
    /* an embedded NUL is junk too */
    CHECK_INT_EQ(tally_date_parse("2024\0", 5, &d), TALLY_EINPUT);
}

static void test_when_date_format(void)
{
    char buf[11];
    CHECK_STR_EQ(tally_date_format((tally_date){2023, 0, 0}, buf), "2023");
    CHECK_STR_EQ(tally_date_format((tally_date){2023, 8, 0}, buf), "2023-08");
    CHECK_STR_EQ(tally_date_format((tally_date){2024, 2, 9}, buf), "2024-02-09");
    CHECK_STR_EQ(tally_date_format((tally_date){987, 1, 1}, buf), "0987-01-01");
    CHECK_STR_EQ(tally_date_format((tally_date){0, 0, 0}, buf), "");
    /* nothing invalid is written, and nothing overflows the 11 bytes */
    CHECK_STR_EQ(tally_date_format((tally_date){2023, 13, 0}, buf), "");
    CHECK_STR_EQ(tally_date_format((tally_date){2023, 2, 29}, buf), "");
    CHECK_STR_EQ(tally_date_format((tally_date){2023, 0, 5}, buf), "");
    CHECK_STR_EQ(tally_date_format((tally_date){123456, 1, 1}, buf), "");
    CHECK_STR_EQ(tally_date_format((tally_date){-5, 0, 0}, buf), "");
    /* round trip */
    static const char *const ok[] = {"1999", "2022-02", "2024-12-31", "2000-02-29"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        tally_date d;
        CHECK_INT_EQ(tally_date_parse(ok[i], strlen(ok[i]), &d), 0);
        CHECK_STR_EQ(tally_date_format(d, buf), ok[i]);
    }
}

static void test_when_date_cmp(void)
{
    tally_date y = {2023, 0, 0}, m = {2023, 1, 0}, d = {2023, 1, 1}, later = {2023, 1, 2};
    CHECK_INT_EQ(tally_date_cmp(y, m), 0); /* by their first day */
    CHECK_INT_EQ(tally_date_cmp(m, d), 0);
    CHECK(tally_date_cmp(d, later) < 0);
    CHECK(tally_date_cmp(later, d) > 0);
    CHECK(tally_date_cmp((tally_date){2022, 12, 31}, y) < 0);
    CHECK(tally_date_cmp((tally_date){2023, 2, 0}, (tally_date){2023, 1, 31}) > 0);
    CHECK(tally_date_cmp((tally_date){2024, 0, 0}, (tally_date){2023, 12, 31}) > 0);
    CHECK_INT_EQ(tally_date_cmp((tally_date){0, 0, 0}, (tally_date){0, 0, 0}), 0);
    CHECK(tally_date_cmp((tally_date){0, 0, 0}, y) < 0);
}

/* ---- absolute expressions ---- */

static void test_when_years(void)
{
    const char *d = "2024-02-27";
    expect(d, "Deliveries began in 2023 and grew.", "in 2023=SPAN 2023..2023");
    expect(d, "In 2023, the trains ran weekly.", "In 2023=SPAN 2023..2023");
    expect(d, "The port has been busy since 2022.", "since 2022=SINCE 2022");
    expect(d, "Output rose during 2021.", "during 2021=SPAN 2021..2021");
    expect(d, "The factory will run until 2030.", "until 2030=AS_OF 2030");
    expect(d, "Shipments were expected by 2025 at the latest.", "by 2025=AS_OF 2025");
    expect(d, "The pact signed in 2015 and 2017 still holds.",
           "in 2015=SPAN 2015..2015 | 2017=SPAN 2017..2017");
    expect(d, "Reports from 2019 to 2022 agree.", "from 2019 to 2022=SPAN 2019..2022");
    expect(d, "Figures for the period between 2020 and 2023 vary.",
           "between 2020 and 2023=SPAN 2020..2023");
    expect(d, "Output in 2021-2023 doubled.", "in 2021-2023=SPAN 2021..2023");
    expect(d, "Stocks built up in the 1990s ran low.", "in the 1990s=SPAN 1990..1999");
    expect(d, "The 1980s stockpiles are gone.", "The 1980s=SPAN 1980..1989");
    expect(d, "It starts in 2099 or so.", "in 2099=SPAN 2099..2099");
    expect(d, "Traffic rose 5% on 2023 and on 2022 levels.", "");
}

static void test_when_years_need_context(void)
{
    const char *d = "2024-02-27";
    expect(d, "The army sent 2000 troops north.", "");
    expect(d, "They were packed in 2000 containers.", "");
    expect(d, "Over 2000 Iranian drones were counted.", "");
    expect(d, "About 1950 shells a day, up from 1900 rounds.", "");
    expect(d, "They asked for 2000 people.", "");
    expect(d, "2023 was a record year for the railway.", "");
    expect(d, "The 2017 season drew crowds.", "");
    expect(d, "In 1850 the port was built.", "");
    expect(d, "In 2150 it may be gone.", "");
    expect(d, "It rose by 2,023 units in 2,024 places.", "");
    expect(d, "Exports in 2023% terms and N2023 codes, $2023 in cash.", "");
    expect(d, "A budget of 2023.5 million.", "");
    expect(d, "The 152mm and 122 mm shells, 2000mm rails.", "");
    expect(d, "See https://example.org/in/2023/ for more.", "");
    expect(d, "From 1950 to 2000 rounds a day were fired.", "");
    expect(d, "Between 1900 and 2000 troops were there.", "");
    expect(d, "Between 2,000 and 3,000 workers left.", "");
    expect(d, "The 2023-24 season ended.", "");
}

static void test_when_months_and_days(void)
{
    const char *d = "2024-02-27";
    expect(d, "It was shipped in August 2022.", "in August 2022=AS_OF 2022-08");
    expect(d, "Trains have run since August 2022.", "since August 2022=SINCE 2022-08");
    expect(d, "Since August of 2023 the ship sailed 11 times.",
           "Since August of 2023=SINCE 2023-08");
    expect(d, "The minister spoke on 26 February 2024.", "on 26 February 2024=AS_OF 2024-02-26");
    expect(d, "On February 26, 2024, the minister spoke.", "On February 26, 2024=AS_OF 2024-02-26");
    expect(d, "The count rose on Feb. 26 to 40.", "on Feb. 26=AS_OF 2024-02-26");
    expect(d, "The count rose on 26 Feb to 40.", "on 26 Feb=AS_OF 2024-02-26");
    expect(d, "The count was 40 on 2024-02-20.", "on 2024-02-20=AS_OF 2024-02-20");
    expect(d, "Satellites saw it (2024-02-20) again.", "2024-02-20=AS_OF 2024-02-20");
    expect(d, "September 2023 saw the first trains.", "September 2023=AS_OF 2023-09");
    expect(d, "The 2nd of January and the 3rd January.",
           "2nd of January=AS_OF 2024-01-02 | 3rd January=AS_OF 2024-01-03");
    expect(d, "Sept. 13, 2023 was the summit.", "Sept. 13, 2023=AS_OF 2023-09-13");
    expect(d, "It docked on Dec 4 and left.", "on Dec 4=AS_OF 2023-12-04");
    expect(d, "A leap day, on February 29, 2024.", "on February 29, 2024=AS_OF 2024-02-29");
    expect(d, "Nothing on February 30, 2024 or on 2024-02-30.", "");
    expect(d, "By March the depot was full.", "By March=AS_OF 2023-03");
}

static void test_when_months_need_capitals(void)
{
    const char *d = "2024-02-27";
    expect(d, "Russia may buy more; they march on.", "");
    expect(d, "In may 2023 nothing.", "");
    expect(d, "May was quiet. March on, they said.", "");
    expect(d, "Theresa May and Jan Smith met Mar.", "");
    expect(d, "They arrived in May.", "in May=AS_OF 2023-05");
    expect(d, "It began May 9, 2023.", "May 9, 2023=AS_OF 2023-05-09");
    expect(d, "August is hot; in August it rains.", "in August=AS_OF 2023-08");
}

static void test_when_parts_of_periods(void)
{
    const char *d = "2024-05-10";
    expect(d, "Stocks fell at the end of 2023.", "at the end of 2023=AS_OF 2023-12");
    expect(d, "Stocks will be gone by the end of 2023.", "by the end of 2023=AS_OF 2023-12");
    expect(d, "He spoke at the start of 2024.", "at the start of 2024=AS_OF 2024-01");
    expect(d, "He spoke at the beginning of 2024.", "at the beginning of 2024=AS_OF 2024-01");
    expect(d, "Since the beginning of 2024, trains ran.",
           "Since the beginning of 2024=SINCE 2024-01");
    expect(d, "At the end of April, it was ahead.", "At the end of April=AS_OF 2024-04");
    expect(d, "They met in early February.", "in early February=AS_OF 2024-02");
    expect(d, "They met in mid-February.", "in mid-February=AS_OF 2024-02");
    expect(d, "They met in late February and again in mid March.",
           "in late February=AS_OF 2024-02 | in mid March=AS_OF 2024-03");
    expect(d, "Talks in late 2022 and mid-2023 failed.",
           "in late 2022=AS_OF 2022 | mid-2023=AS_OF 2023");
    expect(d, "Output doubled in the first half of 2024.",
           "in the first half of 2024=SPAN 2024-01..2024-06");
    expect(d, "Output doubled in the second half of 2023.",
           "in the second half of 2023=SPAN 2023-07..2023-12");
    expect(d, "Output fell in the third quarter of 2023.",
           "in the third quarter of 2023=SPAN 2023-07..2023-09");
    expect(d, "It was agreed late last year.", "late last year=AS_OF 2023");
    expect(d, "It was agreed toward the end of last year.",
           "toward the end of last year=AS_OF 2023-12");
    expect(d, "It was agreed earlier this year.", "earlier this year=AS_OF 2024");
    expect(d, "By the end of this year the plant opens.", "");
    expect(d, "The end of the war is far.", "");
}

static void test_when_ranges(void)
{
    expect("2024-06-01", "Trains ran between March and May 2024.",
           "between March and May 2024=SPAN 2024-03..2024-05");
    expect("2024-06-01", "Trains ran from January to March.",
           "from January to March=SPAN 2024-01..2024-03");
    expect("2024-02-01", "Trains ran from January to March.",
           "from January to March=SPAN 2023-01..2023-03");
    expect("2024-03-26", "Images taken between March 7 and 22 show ships.",
           "between March 7 and 22=SPAN 2024-03-07..2024-03-22");
    expect("2024-01-05", "Missiles were fired between 30 December and 2 January.",
           "between 30 December and 2 January=SPAN 2023-12-30..2024-01-02");
    expect("2024-03-01", "Between December 30, 2023 and February 7, 2024, there were 12.",
           "Between December 30, 2023 and February 7, 2024=SPAN 2023-12-30..2024-02-07");
    expect("2024-03-01", "From November 2023 to January, ships came.",
           "From November 2023 to January=SPAN 2023-11..2024-01");
    expect("2024-03-01", "It ran March 4-9, 2023.", "March 4-9, 2023=SPAN 2023-03-04..2023-03-09");
    expect("2024-03-01", "In March–May 2023 it ran.", "In March–May 2023=SPAN 2023-03..2023-05");
    /* not a range: the second end is missing or earlier */
    expect("2024-03-01", "Between March and the summit, nothing.", "Between March=AS_OF 2024-03");
    expect("2024-03-01", "From 2023 to 2021 is backwards.", ""); /* conservative */
}

/* ---- relative expressions ---- */

static void test_when_last_month_name(void)
{
    expect("2024-02-27", "Sent since last September.", "since last September=SINCE 2023-09");
    expect("2023-10-02", "Sent since last September.", "since last September=SINCE 2022-09");
    expect("2024-01-05", "It began last December.", "last December=AS_OF 2023-12");
    expect("2024", "It began last December.", "last December=AS_OF 2023-12");
    expect("", "It began last December.", "");
}

static void test_when_month_without_year(void)
{
    expect("2024-02-27", "Sent since August.", "since August=SINCE 2023-08");
    expect("2023-11-02", "Sent since August.", "since August=SINCE 2023-08");
    expect("2023-08-15", "Sent since August.", "since August=SINCE 2023-08");
    expect("2023-07-31", "Sent since August.", "since August=SINCE 2022-08");
    expect("2024-02-27", "Full by October.", "by October=AS_OF 2023-10");
    expect("2024-02-27", "It left in February.", "in February=AS_OF 2024-02");
    expect("2024-01-05", "It left in February.", "in February=AS_OF 2023-02");
    expect("2024-02-16", "Fired since Dec. 30 at cities.", "since Dec. 30=SINCE 2023-12-30");
    expect("2024-02-16", "Seen on February 20 and on February 10.",
           "on February 20=AS_OF 2023-02-20 | on February 10=AS_OF 2024-02-10");
    expect("2024-03", "Seen on March 20.", "on March 20=AS_OF 2024-03-20");
    expect("2025-03-01", "It docked on February 29.", "on February 29=AS_OF 2024-02-29");
    /* a document dated only by its year counts as written on 1 July */
    expect("2023", "Since August, more came; on March 8 it was told.",
           "Since August=SINCE 2022-08 | on March 8=AS_OF 2023-03-08");
    expect("", "Since August, more came; on March 8 it was told.", "");
}

static void test_when_weekdays(void)
{
    /* 2024-02-27 is a Tuesday */
    expect("2024-02-27", "The minister said on Monday.", "on Monday=AS_OF 2024-02-26");
    expect("2024-02-27", "The minister said on Tuesday.", "on Tuesday=AS_OF 2024-02-27");
    expect("2024-02-27", "The minister said Wednesday.", "Wednesday=AS_OF 2024-02-21");
    expect("2024-02-27", "He said last Tuesday.", "last Tuesday=AS_OF 2024-02-20");
    expect("2024-02-27", "As of Sunday afternoon, 40.", "As of Sunday afternoon=AS_OF 2024-02-25");
    /* across a year: 2024-01-01 is a Monday */
    expect("2024-01-01", "Officials said on Friday.", "on Friday=AS_OF 2023-12-29");
    expect("2024-01-01", "Officials said last Monday.", "last Monday=AS_OF 2023-12-25");
    expect("2024-01-01", "Officials said on Monday.", "on Monday=AS_OF 2024-01-01");
    /* no day in the document date: left out */
    expect("2024-02", "The minister said on Monday.", "");
    expect("2024", "The minister said on Monday.", "");
    expect("", "The minister said on Monday.", "");
    expect("2024-02-27", "monday and sunday in lower case.", "");
}

static void test_when_days_and_weeks(void)
{
    expect("2024-03-01", "Officials said yesterday.", "yesterday=AS_OF 2024-02-29");
    expect("2024-01-01", "Officials said yesterday.", "yesterday=AS_OF 2023-12-31");
    expect("2024-03-01", "As of today, 1.5 million.", "As of today=AS_OF 2024-03-01");
    expect("2024-03", "As of today, 1.5 million.", "As of today=AS_OF 2024-03");
    expect("2024-03-05", "Seoul said last week it was 3 million.", "last week=AS_OF 2024-02-27");
    expect("2024-03", "Seoul said last week it was 3 million.", "");
    expect("2024-03-05", "Ships came this week and last month.", "last month=AS_OF 2024-02");
    expect("2024-01-05", "Ships came last month.", "last month=AS_OF 2023-12");
    expect("2024-03-18", "Sent earlier this month.", "earlier this month=AS_OF 2024-03");
    expect("2024-03-18", "Sent this month.", "this month=SPAN 2024-03..2024-03-18");
    expect("2024", "Officials said yesterday and last month.", "");
}

static void test_when_years_relative(void)
{
    expect("2024-03-18", "The Russians received them last year.", "last year=SPAN 2023..2023");
    expect("2024-03-18", "Prices rose this year.", "this year=SPAN 2024..2024-03-18");
    expect("2024", "Prices rose this year.", "this year=SPAN 2024..2024");
    expect("2024-03-18", "Prices have risen since last year.", "since last year=SINCE 2023");
    expect("2024-03-18", "A year ago it was 10.", "A year ago=AS_OF 2023-03-18");
    expect("2024-02-29", "A year ago it was 10.", "A year ago=AS_OF 2023-02-28");
    expect("2024-03", "Two years ago it was 10.", "Two years ago=AS_OF 2022-03");
    expect("2024-03-18", "Three months ago and 2 weeks ago.",
           "Three months ago=AS_OF 2023-12 | 2 weeks ago=AS_OF 2024-03-04");
    expect("", "A year ago it was 10.", "");
}

static void test_when_past_windows(void)
{
    expect("2022-12-27", "Supplied over the past month.", "over the past month=SINCE 2022-11");
    expect("2024-02-27", "Supplied over the past year.", "over the past year=SINCE 2023-02");
    expect("2024", "Supplied over the past year.", "over the past year=SINCE 2023");
    expect("2024-02-27", "Supplied in the last six months.",
           "in the last six months=SINCE 2023-08");
    expect("2024-02-27", "Supplied in the past two weeks.",
           "in the past two weeks=SINCE 2024-02-13");
    expect("2024-02-27", "Supplied over the past 18 months.",
           "over the past 18 months=SINCE 2022-08");
    expect("2024-02", "Supplied in the past two weeks.", "");
    expect("2024-02-27", "Supplied in recent months.", "");
    expect("2024-02-27", "Supplied over the past few months.", "");
    expect("2024-02-27", "Supplied in the past, and for a year.", "");
}

static void test_when_start_of_the_war(void)
{
    const char *d = "2023-05-01";
    expect(d, "Shells used since the start of the war.",
           "since the start of the war=SINCE 2022-02");
    expect(d, "Shells used since the beginning of the invasion of Ukraine.",
           "since the beginning of the invasion=SINCE 2022-02");
    expect(d, "Shells used since the full-scale invasion.",
           "since the full-scale invasion=SINCE 2022-02");
    expect(d, "Shells used since Russia’s full-scale invasion.",
           "since Russia’s full-scale invasion=SINCE 2022-02");
    expect(d, "Shells used since Russia invaded Ukraine.", "since Russia invaded=SINCE 2022-02");
    expect(d, "Shells used since Russia launched its full scale war.",
           "since Russia launched its full scale war=SINCE 2022-02");
    expect("", "Shells used since the start of the war.",
           "since the start of the war=SINCE 2022-02");
    expect("2015-01-01", "Shells used since the start of the war.", "");
    expect(d, "Since the start of the Korean War, they were allies.", "");
}

static void test_when_since_an_event(void)
{
    expect("2024-02-27", "Sent since the summit between the two leaders last September, he said.",
           "since the summit between the two leaders last September=SINCE 2023-09");
    expect("2024-02-27", "Sent since the deal signed in 2023.",
           "since the deal signed in 2023=SINCE 2023");
    /* a clause or a comma in between: not one phrase */
    expect("2024-02-27", "Since the shells were sent in 2023, prices rose.",
           "in 2023=SPAN 2023..2023");
    expect("2024-02-27", "Since the summit, in 2023, prices rose.", "in 2023=SPAN 2023..2023");
}

static void test_when_roles(void)
{
    const char *d = "2024-02-27";
    expect(d, "From March 2023 the trains ran.", "From March 2023=SINCE 2023-03");
    expect(d, "Starting in June 2023 the trains ran.", "Starting in June 2023=SINCE 2023-06");
    expect(d, "Beginning in 2023 the trains ran.", "Beginning in 2023=SINCE 2023");
    expect(d, "As of October 5, 73 railcars.", "As of October 5=AS_OF 2023-10-05");
    expect(d, "Through 2023 the trains ran.", "Through 2023=AS_OF 2023");
    expect(d, "Until last year the trains ran.", "Until last year=AS_OF 2023");
    expect(d, "Throughout 2023 the trains ran.", "Throughout 2023=SPAN 2023..2023");
    expect(d, "By the first half of 2023 it was done.", "By the first half of 2023=AS_OF 2023-06");
    expect(d, "Since the first half of 2023 it grew.",
           "Since the first half of 2023=SINCE 2023-01");
}

static void test_when_offsets_and_partial_dates(void)
{
    const char *in = "Since August 2022, about 10,000 containers; 2,000 more in 2023.";
    tally_arena *a = tally_arena_new();
    tally_whens w;
    CHECK_INT_EQ(tally_when_scan((tally_span){in, strlen(in)}, date_of("2024-02"), &w, a, NULL), 0);
    CHECK_INT_EQ(w.n, 2);
    if (w.n == 2) {
        CHECK_SPAN_EQ(((tally_span){in + w.v[0].start, w.v[0].end - w.v[0].start}),
                      "Since August 2022");
        CHECK_SPAN_EQ(((tally_span){in + w.v[1].start, w.v[1].end - w.v[1].start}), "in 2023");
        CHECK_INT_EQ(w.v[0].end_date.year, 0);
        CHECK_INT_EQ(w.v[1].end_date.year, 2023);
    }
    /* empty and NULL text */
    CHECK_INT_EQ(tally_when_scan((tally_span){NULL, 0}, date_of("2024"), &w, a, NULL), 0);
    CHECK_INT_EQ(w.n, 0);
    CHECK_INT_EQ(tally_when_scan((tally_span){"", 0}, date_of(""), &w, a, NULL), 0);
    CHECK_INT_EQ(w.n, 0);
    /* an invalid document date counts for what is valid in it */
    tally_date odd = {2024, 2, 30};
    CHECK_INT_EQ(tally_when_scan((tally_span){"since August", 12}, odd, &w, a, NULL), 0);
    CHECK(w.n == 1 && w.v[0].date.year == 2023 && w.v[0].date.month == 8);
    tally_date none = {2024, 14, 3};
    CHECK_INT_EQ(tally_when_scan((tally_span){"on Monday", 9}, none, &w, a, NULL), 0);
    CHECK_INT_EQ(w.n, 0);
    tally_arena_free(a);
    /* absolute expressions need no document date */
    expect("", "Sent in 2023, since August 2022 and on 2024-01-02.",
           "in 2023=SPAN 2023..2023 | since August 2022=SINCE 2022-08 | on 2024-01-02=AS_OF "
           "2024-01-02");
}

static void test_when_unicode_and_punctuation(void)
{
    const char *d = "2024-02-27";
    expect(d, "Sent\u00a0since\u202fAugust\u00a02022.",
           "since\u202fAugust\u00a02022=SINCE 2022-08");
    expect(d, "«In 2023» and “since March”.",
           "In 2023=SPAN 2023..2023 | since March=SINCE 2023-03");
    expect(d, "Ünter Augustin Marché 2023 Décembre 5.", "");
    expect(d, "in\u2003May", "in\u2003May=AS_OF 2023-05");
    expect(d, "Kyiv—since August—said it.", "since August=SINCE 2023-08");
}

/* Words in lower case after their first letter take a short path through the
 * lexer, other words (capitals inside, letters outside ASCII) the general one:
 * both read alike. */
static void test_when_words_of_every_shape(void)
{
    const char *d = "2024-02-27";
    expect(d, "IN MARCH 2023 it rained; In March 2023 too.", "In March 2023=AS_OF 2023-03");
    expect(d, "McCain since August, caf\u00e9 since March.",
           "since August=SINCE 2023-08 | since March=SINCE 2023-03");
    expect(d, "since\u00e9 August 2022 and \u00e9since August 2022",
           "August 2022=AS_OF 2022-08 | August 2022=AS_OF 2022-08");
    expect(d, "Since AUGUST 2022, sInce August 2022, SINCE August 2022.",
           "sInce August 2022=SINCE 2022-08 | SINCE August 2022=SINCE 2022-08");
    expect(d, "the 1990S and the 1990s; in 2023Kyiv and in 2023 Kyiv",
           "the 1990s=SPAN 1990..1999 | in 2023=SPAN 2023..2023");
}

/* The scan passes over words where no expression can start without building
 * them (skim): role words, "the" and number words before words that rule an
 * expression out, the word before a chained one. Expectations taken from
 * the scan before it skimmed. */
static void test_when_skimmed_words(void)
{
    const char *d = "2024-02-27";
    expect(d, "In which year? In 2023, and in the spring of 2022, troops moved; the the 2021 plan.",
           "In 2023=SPAN 2023..2023");
    expect(
        d, "Two countries in 2023 and two years ago; a year ago, a few months, an hour ago.",
        "in 2023=SPAN 2023..2023 | two years ago=AS_OF 2022-02-27 | a year ago=AS_OF 2023-02-27");
    expect(
        d,
        "For the first half of 2024 and by the end of 2023, over 2000 troops, at least since May.",
        "For the first half of 2024=SPAN 2024-01..2024-06 | by the end of 2023=AS_OF 2023-12 | "
        "since May=SINCE 2023-05");
    expect(d, "The war began in 2022 and, in March 2023 or April 2023, between 2020 and 2021.",
           "in 2022=SPAN 2022..2022 | in March 2023=AS_OF 2023-03 | April 2023=AS_OF 2023-04 | "
           "between 2020 and 2021=SPAN 2020..2021");
    expect(d,
           "Since the start of the war, since at least 2019; as of June 2023 (2023) and \"2024\".",
           "Since the start of the war=SINCE 2022-02 | since at least 2019=SINCE 2019 | "
           "as of June 2023=AS_OF 2023-06");
    expect(d, "Over the past two weeks and over the past year; from 2019 to 2021; through 2020.",
           "Over the past two weeks=SINCE 2024-02-13 | over the past year=SINCE 2023-02 | "
           "from 2019 to 2021=SPAN 2019..2021 | through 2020=AS_OF 2020");
    expect(d, "Fighting in 2022 and 2023, or 2021 and then 2020.",
           "in 2022=SPAN 2022..2022 | 2023=SPAN 2023..2023");
    expect(d, "It rose (2023) after the 1990s, in the 1990s and in 2000 containers.",
           "the 1990s=SPAN 1990..1999 | in the 1990s=SPAN 1990..1999");
}

/* Many expressions and much text: every expression found, in order, quickly. */
static void test_when_linear_on_large_input(void)
{
    static const char piece[] = "Since August 2022 about 1,000 shells a day; on Monday 2000 troops "
                                "left, and in 2023 more. Nothing here at all, just words! ";
    size_t reps = 20000, plen = sizeof piece - 1;
    char *big = tally_xmalloc(plen * reps);
    for (size_t i = 0; i < reps; i++)
        memcpy(big + i * plen, piece, plen);
    tally_arena *a = tally_arena_new();
    tally_whens w;
    clock_t t0 = clock();
    CHECK_INT_EQ(
        tally_when_scan((tally_span){big, plen * reps}, date_of("2024-02-27"), &w, a, NULL), 0);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    CHECK_INT_EQ(w.n, 3 * reps);
    CHECK(invariants_hold(plen * reps, &w));
    fprintf(stderr, "when: %zu bytes in %.3f s\n", plen * reps, secs);
    CHECK(secs < 20.0); /* generous: sanitizers, loaded machines */
    /* pathological runs of anchors */
    memset(big, 0, plen * reps);
    for (size_t i = 0; i + 6 <= plen * reps; i += 6)
        memcpy(big + i, "March ", 6);
    CHECK_INT_EQ(tally_when_scan((tally_span){big, plen * reps}, date_of("2024"), &w, a, NULL), 0);
    CHECK_INT_EQ(w.n, 0);
    for (size_t i = 0; i + 5 <= plen * reps; i += 5)
        memcpy(big + i, "2023-", 5);
    CHECK_INT_EQ(tally_when_scan((tally_span){big, plen * reps}, date_of("2024"), &w, a, NULL), 0);
    CHECK(invariants_hold(plen * reps, &w));
    tally_arena_free(a);
    free(big);
}

/* ---- the dev corpus ---- */

/* The `date:` of a document's header (up to the first blank line). */
static tally_date header_date(const char *text)
{
    tally_date d = {0, 0, 0};
    const char *p = text;
    while (*p != '\0' && *p != '\n') {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len > 5 && strncmp(p, "date:", 5) == 0) {
            const char *v = p + 5;
            while (*v == ' ')
                v++;
            size_t vl = (size_t)(p + len - v);
            while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\r'))
                vl--;
            if (tally_date_parse(v, vl, &d) != 0)
                d = (tally_date){0, 0, 0};
        }
        p = nl ? nl + 1 : p + len;
    }
    return d;
}

struct tally_counts {
    size_t since_total, since_stated, since_carried;
    size_t as_of_total, as_of_stated;
    size_t since_null, since_null_ok; /* gold since null: the sentence gives none */
    size_t as_of_null, as_of_null_ok; /* gold as_of null: none, or the document date */
};

/* What the sentence's expressions give as since and as_of: the first SINCE
 * (or SPAN start) and the first AS_OF (or SPAN end), as tally extract reads them. */
static void sentence_dates(const char *s, tally_date doc, char *since, char *as_of)
{
    tally_arena *a = tally_arena_new();
    tally_whens w;
    since[0] = as_of[0] = '\0';
    CHECK_INT_EQ(tally_when_scan((tally_span){s, strlen(s)}, doc, &w, a, NULL), 0);
    CHECK(invariants_hold(strlen(s), &w));
    for (size_t i = 0; i < w.n; i++) {
        const tally_when *x = &w.v[i];
        if (since[0] == '\0' && x->role != TALLY_WHEN_AS_OF)
            tally_date_format(x->date, since);
        if (as_of[0] == '\0' && x->role != TALLY_WHEN_SINCE)
            tally_date_format(x->role == TALLY_WHEN_SPAN ? x->end_date : x->date, as_of);
    }
    tally_arena_free(a);
}

struct gold_when {
    const char *name;
    tally_date doc;
    char carry[11]; /* the latest since of the document's earlier gold sentences */
    struct tally_counts *c;
};

static void gold_claim(json_t *claim, int lineno, void *user)
{
    struct gold_when *g = user;
    (void)lineno;
    const char *sentence = json_string_value(json_object_get(claim, "sentence"));
    const char *since = json_string_value(json_object_get(claim, "since"));
    const char *as_of = json_string_value(json_object_get(claim, "as_of"));
    CHECK(sentence != NULL);
    char got_since[11], got_as_of[11];
    if (sentence != NULL) {
        sentence_dates(sentence, g->doc, got_since, got_as_of);
        if (got_since[0] != '\0')
            memcpy(g->carry, got_since, sizeof g->carry);
    }
    if (sentence != NULL && since != NULL) {
        g->c->since_total++;
        bool stated = strcmp(got_since, since) == 0;
        bool carried = stated || (got_since[0] == '\0' && strcmp(g->carry, since) == 0);
        g->c->since_stated += stated;
        g->c->since_carried += carried;
        if (!carried)
            fprintf(stderr, "  since miss %s: want %s, got %s (carried %s): %.100s\n", g->name,
                    since, got_since[0] ? got_since : "-", g->carry[0] ? g->carry : "-", sentence);
    }
    if (sentence != NULL && since == NULL) {
        g->c->since_null++;
        g->c->since_null_ok += got_since[0] == '\0';
    }
    if (sentence != NULL && as_of == NULL) {
        char doc_s[11];
        g->c->as_of_null++;
        g->c->as_of_null_ok +=
            got_as_of[0] == '\0' || strcmp(got_as_of, tally_date_format(g->doc, doc_s)) == 0;
    }
    if (sentence != NULL && as_of != NULL) {
        g->c->as_of_total++;
        bool ok = strcmp(got_as_of, as_of) == 0;
        g->c->as_of_stated += ok;
        if (!ok)
            fprintf(stderr, "  as_of miss %s: want %s, got %s: %.100s\n", g->name, as_of,
                    got_as_of[0] ? got_as_of : "-", sentence);
    }
}

static void gold_document(const char *dir, const char *name, void *user)
{
    char path[1024];
    size_t n = 0;
    snprintf(path, sizeof path, "%s/%s.txt", dir, name);
    char *text = gold_read_all(path, &n);
    CHECK(text != NULL);
    if (text == NULL)
        return;
    struct gold_when g = {name, header_date(text), "", user};
    free(text);
    int bad = 0;
    CHECK(gold_each_claim(dir, name, gold_claim, &g, &bad));
    CHECK_INT_EQ(bad, 0);
}

/* For each gold claim with a `since`, the expressions of its sentence give that
 * date, resolved against the document's header date. About half of the gold
 * values are carried over from an earlier sentence of the same briefing
 * (CLAIMS.md), so the check also counts a sentence without a since of its own
 * as matching when the latest since of the document's earlier gold sentences
 * is the one wanted; that count must reach 80%. */
static void test_when_gold_since(void)
{
    const char *shared = harness_shared();
    if (shared == NULL)
        SKIP("TALLY_SHARED is not set");
    struct tally_counts c = {0, 0, 0, 0, 0, 0, 0, 0, 0};
    long docs = gold_each_doc(shared, gold_document, &c);
    if (docs < 0)
        SKIP("no corpus/dev in TALLY_SHARED");
    fprintf(stderr,
            "when: since %zu of %zu stated in the sentence, %zu of %zu with carry-over; "
            "as_of %zu of %zu stated (%zu documents)\n"
            "when: gold null since: %zu of %zu sentences give none; null as_of: %zu of %zu give "
            "none or the document date\n",
            c.since_stated, c.since_total, c.since_carried, c.since_total, c.as_of_stated,
            c.as_of_total, (size_t)docs, c.since_null_ok, c.since_null, c.as_of_null_ok,
            c.as_of_null);
    CHECK(docs > 0);
    CHECK(c.since_total > 0);
    CHECK(c.since_carried * 10 >= c.since_total * 8);
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"when_date_parse_accepts", test_when_date_parse_accepts},
        {"when_date_parse_rejects", test_when_date_parse_rejects},
        {"when_date_format", test_when_date_format},
        {"when_date_cmp", test_when_date_cmp},
        {"when_years", test_when_years},
        {"when_years_need_context", test_when_years_need_context},
        {"when_months_and_days", test_when_months_and_days},
        {"when_months_need_capitals", test_when_months_need_capitals},
        {"when_parts_of_periods", test_when_parts_of_periods},
        {"when_ranges", test_when_ranges},
        {"when_last_month_name", test_when_last_month_name},
        {"when_month_without_year", test_when_month_without_year},
        {"when_weekdays", test_when_weekdays},
        {"when_days_and_weeks", test_when_days_and_weeks},
        {"when_years_relative", test_when_years_relative},
        {"when_past_windows", test_when_past_windows},
        {"when_start_of_the_war", test_when_start_of_the_war},
        {"when_since_an_event", test_when_since_an_event},
        {"when_roles", test_when_roles},
        {"when_offsets_and_partial_dates", test_when_offsets_and_partial_dates},
        {"when_unicode_and_punctuation", test_when_unicode_and_punctuation},
        {"when_words_of_every_shape", test_when_words_of_every_shape},
        {"when_skimmed_words", test_when_skimmed_words},
        {"when_linear_on_large_input", test_when_linear_on_large_input},
        {"when_gold_since", test_when_gold_since},
        {NULL, NULL}};
    return harness_run(tests);
}
