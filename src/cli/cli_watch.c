/* tally watch: RSS and Atom feeds polled, their new items fetched and
 * ingested as tally fetch does a page (cli_fetch.c's run: the same fetcher,
 * limits, politeness and ingest), and the items ingested remembered in the
 * database, so that a restart fetches nothing twice.
 * Part of the command line: includes every public header and src/cli/cli.h. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tally/ascii.h"
#include "tally/fetch.h"
#include "tally/mem.h"
#include "tally/store.h"

void cli_watch_help(FILE *out)
{
    fputs("Usage: tally watch [--once] [--every DURATION] [--db DB] [--save DIR]\n"
          "                   [--timeout S] [--max-size BYTES] [--retries N] [--delay S] FEEDS\n"
          "\n"
          "Polls the RSS 2.0 (or 1.0) and Atom feeds listed in FEEDS (one URL a line,\n"
          "# starts a comment; - for stdin), fetches each item's page that was not\n"
          "ingested before and ingests it as tally fetch does. The items ingested\n"
          "are remembered in the database, so that a restart fetches none of them\n"
          "again; an item whose page failed is tried again at the next poll.\n"
          "\n"
          "Each feed is asked for with the ETag and Last-Modified of its last\n"
          "answer (a 304 Not Modified costs nothing); every request honours the\n"
          "host's robots.txt and waits --delay after the host's last one.\n"
          "\n"
          "Options:\n"
          "      --once           poll once and exit (for cron or a systemd timer)\n"
          "      --every DURATION poll again DURATION after each poll began: 90s, 30m,\n"
          "                       2h (default 30m; at least 10s)\n"
          "      --db DB          the database: a file, or a PostgreSQL server's\n"
          "                       postgresql:// URI (default $TALLY_DB, else ./tally.db)\n"
          "      --save DIR       write each document ingested as DIR/NAME.txt\n"
          "      --timeout S      seconds for one request (default 30)\n"
          "      --max-size BYTES the largest body taken (default 10000000)\n"
          "      --retries N      tries again after a 429 or 5xx status (default 2)\n"
          "      --delay S        seconds between two requests to one host (default 1;\n"
          "                       0 for none)\n"
          "  -q, --quiet          no summary\n"
          "  -h, --help           show this help\n"
          "\n"
          "Each poll prints a summary: feeds read, not modified and failed, items\n"
          "new and seen before, pages fetched, documents and claims. Each failure\n"
          "is named on stderr with its URL and the reason. Exit status (--once) 1\n"
          "when a feed or a page failed, the rest ingested.\n",
          out);
}

/* A page to fetch for an item. */
struct job {
    size_t feed; /* index in the feeds */
    tally_feed_item item;
};

/* What one poll learned of a feed. */
struct feed_state {
    bool read;           /* fetched and parsed (not a 304, not failed) */
    size_t failed_items; /* items whose page failed */
    char *etag, *last_modified;
};

static void free_jobs(struct job *jobs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(jobs[i].item.id);
        free(jobs[i].item.link);
        free(jobs[i].item.title);
        free(jobs[i].item.date);
    }
    free(jobs);
}

/* Reads feed `i` at `url`, queueing its unseen items into *jobs. Counts
 * into the poll's tallies. */
static void read_feed(struct cli_web_run *w, size_t i, const char *url, struct feed_state *fs,
                      struct job **jobs, size_t *n_jobs, size_t *counts)
{
    enum { READ, NOT_MODIFIED, FAILED, NEW, SEEN };
    tally_page page;
    if (cli_web_get(w, url, &page) != CLI_OK) {
        counts[FAILED]++;
        return;
    }
    tally_err err = {0};
    tally_feed feed = {0};
    if (page.not_modified) {
        counts[NOT_MODIFIED]++;
        goto out;
    }
    if (!page.feed && page.content_type != NULL) {
        char why[160];
        snprintf(why, sizeof why, "not a feed (content type %.80s)", page.content_type);
        cli_web_failed(w, url, why);
        counts[FAILED]++;
        goto out;
    }
    if (tally_feed_parse(page.data, page.len, page.url, &feed, &err) != 0) {
        cli_web_failed(w, url, err.msg);
        counts[FAILED]++;
        goto out;
    }
    counts[READ]++;
    fs->read = true;
    fs->etag = page.etag;
    fs->last_modified = page.last_modified;
    page.etag = page.last_modified = NULL;
    for (size_t k = 0; k < feed.n; k++) {
        tally_feed_item *it = &feed.items[k];
        bool seen = false;
        if (tally_store_item_seen(w->r.s, url, it->id, &seen, &err) != 0) {
            cli_web_failed(w, url, err.msg);
            fs->failed_items++;
            continue;
        }
        if (seen) {
            counts[SEEN]++;
            continue;
        }
        if (it->link == NULL) {
            /* nothing to fetch: remembered, so that it is not looked at again */
            if (tally_store_put_item(w->r.s, url, it->id, NULL, &err) != 0) {
                cli_web_failed(w, url, err.msg);
                fs->failed_items++;
            }
            continue;
        }
        counts[NEW]++;
        *jobs = tally_xrealloc(*jobs, (*n_jobs + 1) * sizeof **jobs);
        /* the item moves to the job: the feed is freed after */
        (*jobs)[(*n_jobs)++] = (struct job){.feed = i, .item = *it};
        feed.items[k] = (tally_feed_item){0};
    }
out:
    tally_feed_free(&feed);
    tally_page_free(&page);
}

/* One poll of every feed: CLI_OK, or CLI_FAIL when anything failed. */
static int poll_feeds(char **feeds, size_t n_feeds, const tally_fetch_opts *fo, const char *db,
                      const char *save_dir, size_t max_bytes, bool quiet)
{
    enum { READ, NOT_MODIFIED, FAILED, NEW, SEEN, N_COUNTS };
    struct cli_web_run w = {.cmd = "watch", .save_dir = save_dir, .max_bytes = max_bytes};
    int rc = cli_web_start(&w, fo, db);
    if (rc != CLI_OK)
        return rc;
    size_t counts[N_COUNTS] = {0};
    struct feed_state *fs = tally_xcalloc(n_feeds, sizeof *fs);
    struct job *jobs = NULL;
    size_t n_jobs = 0;
    w.pending = n_feeds;
    for (size_t i = 0; i < n_feeds && !w.r.fatal; i++) {
        w.pending--;
        read_feed(&w, i, feeds[i], &fs[i], &jobs, &n_jobs, counts);
    }
    w.pending = n_jobs;
    tally_err err = {0};
    for (size_t j = 0; j < n_jobs && !w.r.fatal; j++) {
        w.pending--;
        tally_feed_item *it = &jobs[j].item;
        /* the same page in two feeds (or twice in one) is fetched once */
        size_t first = 0;
        while (first < j && strcmp(jobs[first].item.link, it->link) != 0)
            first++;
        bool done = first < j && jobs[first].item.id != NULL; /* NULL: it failed */
        if (!done && cli_web_page(&w, it->link, it) != CLI_OK) {
            fs[jobs[j].feed].failed_items++;
            free(it->id);
            it->id = NULL; /* marks it failed */
            continue;
        }
        if (tally_store_put_item(w.r.s, feeds[jobs[j].feed], it->id, it->link, &err) != 0) {
            cli_web_failed(&w, it->link, err.msg);
            fs[jobs[j].feed].failed_items++;
        }
    }
    /* a feed's validators are kept once all its items are in: a 304 then
     * means nothing is left to fetch */
    for (size_t i = 0; i < n_feeds && !w.r.fatal; i++)
        if (fs[i].read && fs[i].failed_items == 0 &&
            tally_store_put_validators(w.r.s, feeds[i], fs[i].etag, fs[i].last_modified, &err) != 0)
            cli_web_failed(&w, feeds[i], err.msg);
    if (!quiet)
        cli_printf("%s: feeds: %zu read, %zu not modified, %zu failed; items: %zu new, %zu seen "
                   "before\n",
                   tally_store_name(w.r.s), counts[READ], counts[NOT_MODIFIED], counts[FAILED],
                   counts[NEW], counts[SEEN]);
    rc = cli_web_finish(&w, quiet);
    if (counts[FAILED] > 0)
        rc = CLI_FAIL;
    for (size_t i = 0; i < n_feeds; i++) {
        free(fs[i].etag);
        free(fs[i].last_modified);
    }
    free(fs);
    free_jobs(jobs, n_jobs);
    return rc;
}

/* "90s", "30m", "2h" (or a sum: "1h30m") in seconds; -1 when not one. */
static long duration_s(const char *s)
{
    long total = 0;
    const char *p = s;
    if (*p == '\0')
        return -1;
    while (*p != '\0') {
        long n = 0;
        int digits = 0;
        while (tally_is_digit((unsigned char)*p) && digits < 7) {
            n = n * 10 + (*p++ - '0');
            digits++;
        }
        long unit = *p == 's' ? 1 : *p == 'm' ? 60 : *p == 'h' ? 3600 : *p == 'd' ? 86400 : 0;
        if (digits == 0 || unit == 0)
            return -1;
        p++;
        total += n * unit;
        if (total > 7L * 86400)
            return -1;
    }
    return total;
}

int cli_watch(int argc, char **argv)
{
    static const struct option longopts[] = {{"db", required_argument, NULL, 'D'},
                                             {"once", no_argument, NULL, 'o'},
                                             {"every", required_argument, NULL, 'e'},
                                             {"save", required_argument, NULL, 's'},
                                             {"timeout", required_argument, NULL, 't'},
                                             {"max-size", required_argument, NULL, 'm'},
                                             {"retries", required_argument, NULL, 'r'},
                                             {"delay", required_argument, NULL, 'w'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    /* only for the options: each poll has a run of its own */
    struct cli_web_run w = {.cmd = "watch"};
    tally_fetch_opts fo = {0};
    const char *db = NULL;
    bool quiet = false, once = false, help = false;
    long every = 30 * 60;
    int rc = CLI_OK, ch;
    opterr = 0;
    optind = 1;
    while (rc == CLI_OK && !help && (ch = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
        if (ch == 'D') {
            db = optarg;
        } else if (ch == 'o') {
            once = true;
        } else if (ch == 'e') {
            every = duration_s(optarg);
            if (every < 10)
                rc = cli_usagef("watch", "bad --every '%s' (a duration of 10s to 7d: 90s, 30m, 2h)",
                                optarg);
        } else if (ch == 'q') {
            quiet = true;
        } else if (ch == 'h') {
            cli_watch_help(stdout);
            help = true;
        } else if ((rc = cli_web_option(&w, ch, optarg, &fo)) == CLI_UNHANDLED) {
            rc = cli_getopt_error("watch", ch, argv);
            if (rc == CLI_UNHANDLED)
                rc = cli_usagef("watch", "unknown option");
        }
    }
    if (rc != CLI_OK || help)
        return rc;
    if (argc - optind != 1)
        return cli_usagef("watch", "give one file of feed URLs");
    char **feeds = NULL;
    size_t n_feeds = 0;
    rc = cli_read_urls(argv[optind], &feeds, &n_feeds);
    if (rc == CLI_OK && n_feeds == 0) {
        cli_errorf("%s: no feed URL in it", argv[optind]);
        rc = CLI_FAIL;
    }
    /* a poll that failed is no reason to stop watching */
    for (bool go = rc == CLI_OK; go; go = !once) {
        time_t began = time(NULL);
        rc = poll_feeds(feeds, n_feeds, &fo, db, w.save_dir, w.max_bytes, quiet);
        if (once)
            break;
        fflush(stdout);
        /* the next poll `every` after this one began */
        long left = every - (long)(time(NULL) - began);
        struct timespec ts = {left > 0 ? left : 0, 0};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
            ;
    }
    for (size_t i = 0; i < n_feeds; i++)
        free(feeds[i]);
    free(feeds);
    return rc;
}
