/* Fuzz target: the feed parser (tally_feed_parse) and the robots.txt
 * matcher (tally_robots_allows) on the same bytes. Aborts when a result
 * breaks fetch.h's contract: each item an id (non-empty), a link that is
 * an absolute http or https URL or none, a title of one line of valid
 * UTF-8 of at most 1024 bytes or none, a date tally reads or none, at most
 * TALLY_FEED_MAX_ITEMS items; a failure only TALLY_EINPUT with a message;
 * /robots.txt itself always allowed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tally/date.h"
#include "tally/fetch.h"
#include "tally/mem.h"

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_copy(data, size);
    tally_feed feed;
    tally_err err = {0, {0}};
    int rc = tally_feed_parse(text, size, "https://news.example/feeds/all.xml", &feed, &err);
    if (rc != 0 && (rc != TALLY_EINPUT || err.msg[0] == '\0' || feed.n != 0))
        abort();
    if (feed.n > TALLY_FEED_MAX_ITEMS)
        abort();
    for (size_t i = 0; i < feed.n; i++) {
        const tally_feed_item *it = &feed.items[i];
        if (it->id == NULL || it->id[0] == '\0')
            abort();
        if (it->link != NULL && strncmp(it->link, "http://", 7) != 0 &&
            strncmp(it->link, "https://", 8) != 0)
            abort();
        if (it->title != NULL) {
            size_t n = strlen(it->title);
            if (n == 0 || n > 1024 || !fuzz_valid_utf8((const uint8_t *)it->title, n) ||
                strpbrk(it->title, "\r\n") != NULL)
                abort();
        }
        tally_date d;
        if (it->date != NULL && tally_date_parse(it->date, strlen(it->date), &d) != 0)
            abort();
    }
    tally_feed_free(&feed);

    /* the same bytes as a robots.txt */
    (void)tally_robots_allows(text, size, "tally", "/news/2024/a*b$?id=1");
    (void)tally_robots_allows(text, size, "tally", "/");
    if (!tally_robots_allows(text, size, "tally", "/robots.txt"))
        abort();
    free(text);
    return 0;
}
