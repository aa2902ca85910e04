/* Tests of what reads the web without a network (src/read): robots.txt
 * rules, feeds parsed, URLs made public. The downloads themselves are
 * tested against a server on loopback (tests/e2e/fetch.sh, watch.sh). */
#include "tally/fetch.h"

#include <stdlib.h>
#include <string.h>

#include "harness.h"

static bool allows(const char *txt, const char *path)
{
    return tally_robots_allows(txt, strlen(txt), "tally", path);
}

static void test_robots(void)
{
    const char *r = "# comment\n"
                    "User-agent: *\n"
                    "Disallow: /\n"
                    "\n"
                    "User-agent: googlebot\n"
                    "User-agent: TALLY/1.0  # us\n"
                    "Crawl-delay: 3\n"
                    "Disallow: /news/\n"
                    "Allow: /news/public\n"
                    "Disallow: /*.pdf$\n"
                    "Disallow: /search*q=\n"
                    "Allow: /news/x$\n"
                    "Disallow:\n";
    /* tally's group, not "*" (which forbids everything) */
    CHECK(allows(r, "/"));
    CHECK(allows(r, "/about"));
    CHECK(!allows(r, "/news/2024/a.html"));
    /* the longest match decides */
    CHECK(allows(r, "/news/public/a.html"));
    /* $ anchors; * spans */
    CHECK(!allows(r, "/files/report.pdf"));
    CHECK(allows(r, "/files/report.pdf?x=1"));
    CHECK(!allows(r, "/search/all?lang=en&q=shells"));
    CHECK(allows(r, "/search/all?lang=en"));
    CHECK(allows(r, "/news/x"));
    CHECK(!allows(r, "/news/xy"));
    /* robots.txt itself, always */
    CHECK(allows("User-agent: *\nDisallow: /\n", "/robots.txt"));
    /* no group of ours: "*"; no rules: everything */
    CHECK(!allows("User-agent: other\nAllow: /\n\nUser-agent: *\nDisallow: /a\n", "/a/b"));
    CHECK(allows("User-agent: other\nDisallow: /\n", "/a"));
    CHECK(allows("", "/a"));
    /* a tie between Allow and Disallow: Allow */
    CHECK(allows("User-agent: *\nDisallow: /a\nAllow: /a\n", "/a"));
    /* a group is its User-agent lines and the rules after them; CRLF */
    CHECK(!allows("User-agent: x\r\nDisallow: /\r\nUser-agent: tally\r\nDisallow: /p\r\n", "/p"));
    CHECK(allows("User-agent: x\r\nDisallow: /\r\nUser-agent: tally\r\nDisallow: /p\r\n", "/q"));
    /* a pathological pattern costs its length times the path's */
    char bad[4096], path[2048];
    for (size_t i = 0; i < sizeof bad - 1; i++)
        bad[i] = i < 24 ? "User-agent: *\nDisallow: "[i] : (i % 2 ? '*' : 'a');
    bad[sizeof bad - 1] = '\0';
    memset(path, 'a', sizeof path - 1);
    path[0] = '/';
    path[sizeof path - 1] = '\0';
    (void)allows(bad, path);
}

static void test_feed(void)
{
    const char *rss = "<?xml version=\"1.0\"?>\n"
                      "<rss version=\"2.0\"><channel><title>c</title>\n"
                      "<item><title>  One\n two </title><link> /a/1?x=1&amp;y=2 </link>"
                      "<pubDate>Mon, 29 Apr 2024 08:00:00 GMT</pubDate></item>\n"
                      "<item><guid>https://x.org/2</guid><title><![CDATA[Two]]></title></item>\n"
                      "<item><guid isPermaLink=\"false\">g3</guid><link>b/3</link></item>\n"
                      "<item><description>nothing</description></item>\n"
                      "</channel></rss>";
    tally_feed f;
    tally_err err = {0};
    CHECK_INT_EQ(tally_feed_parse(rss, strlen(rss), "https://x.org/feeds/all.xml", &f, &err), 0);
    CHECK_INT_EQ((long long)f.n, 3);
    CHECK_STR_EQ(f.items[0].id, "https://x.org/a/1?x=1&y=2");
    CHECK_STR_EQ(f.items[0].link, "https://x.org/a/1?x=1&y=2");
    CHECK_STR_EQ(f.items[0].title, "One two");
    CHECK_STR_EQ(f.items[0].date, "2024-04-29");
    CHECK_STR_EQ(f.items[1].id, "https://x.org/2");
    CHECK_STR_EQ(f.items[1].link, "https://x.org/2"); /* a guid is a permalink by default */
    CHECK_STR_EQ(f.items[1].title, "Two");
    CHECK(f.items[1].date == NULL);
    CHECK_STR_EQ(f.items[2].id, "g3");
    CHECK_STR_EQ(f.items[2].link, "https://x.org/feeds/b/3");
    tally_feed_free(&f);

    const char *atom = "<feed xmlns=\"http://www.w3.org/2005/Atom\">"
                       "<entry><id>tag:x,1</id><link rel=\"self\" href=\"/s\"/>"
                       "<link rel=\"alternate\" href=\"/page\"/>"
                       "<updated>2024-01-02T00:00:00Z</updated>"
                       "<published>2023-12-31T23:00:00-05:00</published></entry>"
                       "<entry><link href=\"http://y.org/p\"/></entry></feed>";
    CHECK_INT_EQ(tally_feed_parse(atom, strlen(atom), "https://x.org/atom", &f, &err), 0);
    CHECK_INT_EQ((long long)f.n, 2);
    CHECK_STR_EQ(f.items[0].id, "tag:x,1");
    CHECK_STR_EQ(f.items[0].link, "https://x.org/page");
    CHECK_STR_EQ(f.items[0].date, "2023-12-31"); /* published, not updated */
    CHECK_STR_EQ(f.items[1].id, "http://y.org/p");
    tally_feed_free(&f);

    /* not a feed; not XML; an entity bomb */
    const char *html = "<html><body>x</body></html>";
    CHECK_INT_EQ(tally_feed_parse(html, strlen(html), NULL, &f, &err), TALLY_EINPUT);
    CHECK(strstr(err.msg, "not an RSS or Atom feed (its root element is <html>)") != NULL);
    CHECK_INT_EQ(tally_feed_parse("<rss><channel>", 14, NULL, &f, &err), TALLY_EINPUT);
    CHECK(strstr(err.msg, "not well-formed XML (line 1") != NULL);
    const char *bomb = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY a \"aaaaaaaaaa\">"
                       "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">"
                       "<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
                       "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">]>"
                       "<rss><channel><item><title>T&d;</title><guid>g</guid></item>"
                       "</channel></rss>";
    /* libxml2 refuses the amplification itself */
    CHECK_INT_EQ(tally_feed_parse(bomb, strlen(bomb), NULL, &f, &err), TALLY_EINPUT);
    CHECK(strstr(err.msg, "not well-formed XML") != NULL);
    /* a user-defined entity is never expanded (nor fetched, when external) */
    const char *ent = "<?xml version=\"1.0\"?><!DOCTYPE rss [<!ENTITY e \"x\">"
                      "<!ENTITY f SYSTEM \"file:///etc/passwd\">]>"
                      "<rss><channel><item><title>T&e;&f;</title><guid>g</guid></item>"
                      "</channel></rss>";
    CHECK_INT_EQ(tally_feed_parse(ent, strlen(ent), NULL, &f, &err), 0);
    CHECK_INT_EQ((long long)f.n, 1);
    CHECK_STR_EQ(f.items[0].title, "T");
    tally_feed_free(&f);
}

static void test_url_public(void)
{
    char *u = tally_url_public("https://me:pw@x.org/a/b?id=2&Token=1&page=3&sig=zz#frag");
    CHECK_STR_EQ(u, "https://x.org/a/b?id=2&page=3");
    free(u);
    u = tally_url_public("https://x.org/a?api%5Fkey=1&%74oken=2");
    CHECK_STR_EQ(u, "https://x.org/a");
    free(u);
    u = tally_url_public("http://x.org/?q=shells");
    CHECK_STR_EQ(u, "http://x.org/?q=shells");
    free(u);
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"robots", test_robots},
        {"feed", test_feed},
        {"url_public", test_url_public},
        {NULL, NULL},
    };
    return harness_run(tests);
}
