/* tally fetch: pages from the web into the claim store. Each URL is
 * downloaded (tally/fetch.h: the limits are the library's), turned into the
 * document a NAME.txt would hold (a header from the page's metadata, the
 * decoded text) and ingested as tally ingest does a file.
 * Part of the command line: includes every public header and src/cli/cli.h. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tally/ascii.h"
#include "tally/fetch.h"
#include "tally/mem.h"
#include "tally/store.h"

void cli_fetch_help(FILE *out)
{
    fputs("Usage: tally fetch [--db DB] [--save DIR] [--timeout SECONDS] [--max-size BYTES]\n"
          "                   [--retries N] [--delay S] URL... | --urls FILE\n"
          "\n"
          "Downloads each page (http and https only) and ingests it as tally ingest\n"
          "does a document: its url, title, outlet and date come from the page's\n"
          "metadata (Open Graph, JSON-LD, <title>, <time>; the outlet is else the\n"
          "host), its text from the HTML, Markdown or plain text body, decoded in\n"
          "the charset of the Content-Type header when it names one. The raw bytes\n"
          "are kept in the database beside the document. The URL is stored without\n"
          "user name, password, fragment or a query parameter named like a secret\n"
          "(token, key, password, signature, session...).\n"
          "\n"
          "Limits: TLS certificates verified, at most 5 redirects (each to http or\n"
          "https, and checked against its host's robots.txt and delay as the first\n"
          "request), 10 s to connect, SECONDS for the whole transfer (its redirects\n"
          "included), BYTES for the body (counted as it arrives), and only the\n"
          "content types text/html, application/xhtml+xml, text/plain and\n"
          "text/markdown (a feed's are for tally watch).\n"
          "\n"
          "Politeness: each host's robots.txt is read first and honoured (the group\n"
          "of tally, else *), requests to one host are S seconds apart, and the\n"
          "ETag and Last-Modified of a page ingested are sent back the next time\n"
          "(a 304 Not Modified downloads nothing).\n"
          "\n"
          "Options:\n"
          "      --urls FILE      the URLs, one a line (# starts a comment; - for stdin)\n"
          "      --db DB          the database: a file, or a PostgreSQL server's\n"
          "                       postgresql:// URI (default $TALLY_DB, else ./tally.db);\n"
          "                       created when missing\n"
          "      --save DIR       write each document ingested as DIR/NAME.txt (header\n"
          "                       and text), so that a person can check it\n"
          "      --timeout S      seconds for one page, connection included (default 30)\n"
          "      --max-size BYTES the largest body taken (default 10000000)\n"
          "      --retries N      tries again N times after a 429 or 5xx status (default\n"
          "                       2), waiting what Retry-After asks (up to 60 s), else\n"
          "                       1 s, 2 s, ... with jitter; 0: never\n"
          "      --delay S        seconds between two requests to one host (default 1;\n"
          "                       0.5 and the like; 0 for none)\n"
          "  -q, --quiet          no summary\n"
          "  -h, --help           show this help\n"
          "\n"
          "Each page that fails is named on stderr with its URL and the reason; the\n"
          "others are ingested. On a terminal, a progress line on stderr: pages done,\n"
          "failed and pending, bytes. Prints a summary: pages fetched, not modified\n"
          "and failed, then documents new, unchanged, replaced and failed, and claims\n"
          "stored. Exit status 1 when any page failed.\n",
          out);
}

/* The URLs of a --urls file: one a line, blank lines and # comments left
 * out. Appends them to *urls (owned). CLI_OK, or CLI_FAIL with a message. */
int cli_read_urls(const char *path, char ***urls, size_t *n)
{
    bool is_stdin = strcmp(path, "-") == 0;
    if (!is_stdin && cli_check_regular(path) != CLI_OK)
        return CLI_FAIL;
    FILE *f = is_stdin ? stdin : fopen(path, "r");
    if (f == NULL) {
        cli_errorf("%s: %s", path, strerror(errno));
        return CLI_FAIL;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t got;
    while ((got = getline(&line, &cap, f)) != -1) {
        size_t len = (size_t)got, lead = 0;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' ' ||
                           line[len - 1] == '\t'))
            len--;
        while (lead < len && (line[lead] == ' ' || line[lead] == '\t'))
            lead++;
        if (lead == len || line[lead] == '#')
            continue;
        *urls = tally_xrealloc(*urls, (*n + 1) * sizeof **urls);
        (*urls)[(*n)++] = tally_xstrndup(line + lead, len - lead);
    }
    int rc = ferror(f) ? CLI_FAIL : CLI_OK;
    if (rc != CLI_OK)
        cli_errorf("%s: read error", path);
    free(line);
    if (!is_stdin)
        fclose(f);
    return rc;
}

/* A name for the page at `url` not given yet in this run: "story", else
 * "story-2", ... Owned by `names`. */
static const char *unique_name(struct cli_web_names *ns, const char *url)
{
    char *base = tally_url_name(url);
    char *name = tally_xstrdup(base);
    for (unsigned k = 2;; k++) {
        bool taken = false;
        for (size_t i = 0; i < ns->n && !taken; i++)
            taken = strcmp(ns->v[i], name) == 0;
        if (!taken)
            break;
        free(name);
        size_t len = strlen(base) + 16;
        name = tally_xmalloc(len);
        snprintf(name, len, "%s-%u", base, k);
    }
    free(base);
    ns->v = tally_xrealloc(ns->v, (ns->n + 1) * sizeof *ns->v);
    ns->v[ns->n++] = name;
    return name;
}

/* Writes `doc` as DIR/NAME.txt: CLI_OK, or CLI_FAIL with a message. */
static int save(const char *dir, const char *name, const tally_buf *doc)
{
    size_t len = strlen(dir) + strlen(name) + 6;
    char *path = tally_xmalloc(len);
    snprintf(path, len, "%s/%s.txt", dir, name);
    FILE *f = fopen(path, "wb");
    bool ok = f != NULL && fwrite(doc->ptr, 1, doc->len, f) == doc->len;
    int e = errno;
    if (f != NULL && fclose(f) != 0 && ok) {
        ok = false;
        e = errno;
    }
    if (!ok)
        cli_errorf("%s: %s", path, strerror(e));
    free(path);
    return ok ? CLI_OK : CLI_FAIL;
}

static void show_progress(struct cli_web_run *w, bool last)
{
    if (!w->progress)
        return;
    fprintf(stderr, "\rtally %s: %zu done, %zu failed, %zu pending, %zu bytes%s", w->cmd,
            w->fetched + w->not_modified, w->failed, w->pending, w->bytes, last ? "\r\033[K" : "");
}

int cli_web_option(struct cli_web_run *w, int ch, const char *arg, tally_fetch_opts *fo)
{
    char *end = NULL;
    errno = 0;
    if (ch == 's') {
        w->save_dir = arg;
    } else if (ch == 't') {
        long s = strtol(arg, &end, 10); /* whole seconds: no figure, no strtod */
        if (errno != 0 || end == arg || *end != '\0' || s < 1 || s > 3600)
            return cli_usagef(w->cmd, "bad --timeout '%s' (1 to 3600 seconds)", arg);
        fo->timeout_ms = s * 1000;
    } else if (ch == 'm') {
        unsigned long long m = strtoull(arg, &end, 10);
        if (errno != 0 || end == arg || *end != '\0' || arg[0] == '-' || m < 1 ||
            m > 1000ULL * 1000 * 1000)
            return cli_usagef(w->cmd, "bad --max-size '%s' (1 to 1000000000 bytes)", arg);
        fo->max_bytes = w->max_bytes = (size_t)m;
    } else if (ch == 'r') {
        long n = strtol(arg, &end, 10);
        if (errno != 0 || end == arg || *end != '\0' || n < 0 || n > 10)
            return cli_usagef(w->cmd, "bad --retries '%s' (0 to 10)", arg);
        fo->retries = n == 0 ? -1 : (int)n;
    } else if (ch == 'w') {
        /* milliseconds, written as seconds with up to three decimals: no strtod */
        long whole = strtol(arg, &end, 10), ms = 0;
        bool ok = errno == 0 && end != arg && arg[0] != '-' && whole <= 60;
        const char *rest = end;
        if (ok && *rest == '.') {
            rest++;
            int k = 0;
            for (; tally_is_digit((unsigned char)rest[k]) && k < 3; k++)
                ms = ms * 10 + (rest[k] - '0');
            for (int z = k; z < 3; z++)
                ms *= 10;
            ok = k > 0;
            rest += k;
        }
        if (!ok || *rest != '\0')
            return cli_usagef(w->cmd, "bad --delay '%s' (0 to 60 seconds, e.g. 1 or 0.5)", arg);
        long total = whole * 1000 + ms;
        fo->delay_ms = total == 0 ? -1 : total;
    } else {
        return CLI_UNHANDLED;
    }
    return CLI_OK;
}

int cli_web_start(struct cli_web_run *w, const tally_fetch_opts *fo, const char *db)
{
    struct stat st;
    if (w->save_dir != NULL && (stat(w->save_dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
        cli_errorf("--save %s: not a folder", w->save_dir);
        return CLI_FAIL;
    }
    if (w->max_bytes == 0)
        w->max_bytes = TALLY_FETCH_MAX_BYTES;
    tally_err err = {0};
    if (tally_fetcher_open(&w->f, fo, "tally/" TALLY_VERSION, &err) != 0) {
        cli_errorf("%s", err.msg);
        return CLI_FAIL;
    }
    /* every page is text once decoded: a NAME.txt */
    w->r.opts.format = TALLY_FORMAT_TXT;
    int rc = cli_ingest_start(&w->r, db);
    if (rc != CLI_OK) {
        tally_fetcher_close(w->f);
        w->f = NULL;
        return rc;
    }
    /* one progress line, the web's: done / failed / pending, bytes */
    w->progress = w->r.progress;
    w->r.progress = false;
    return CLI_OK;
}

void cli_web_failed(struct cli_web_run *w, const char *url, const char *why)
{
    char *shown = tally_url_public(url); /* messages never show credentials */
    if (w->progress)
        fputs("\r\033[K", stderr);
    cli_errorf("%s: %s", shown, why);
    free(shown);
}

int cli_web_get(struct cli_web_run *w, const char *url, tally_page *page)
{
    tally_err err = {0};
    char *etag = NULL, *lm = NULL;
    if (tally_store_validators(w->r.s, url, &etag, &lm, &err) != 0) {
        cli_web_failed(w, url, err.msg);
        return CLI_FAIL;
    }
    int rc = tally_fetch(w->f, url, etag, lm, page, &err);
    free(etag);
    free(lm);
    if (rc != 0) {
        cli_web_failed(w, url, err.msg);
        return CLI_FAIL;
    }
    w->bytes += page->len;
    return CLI_OK;
}

int cli_web_page(struct cli_web_run *w, const char *url, const tally_feed_item *item)
{
    tally_page page;
    tally_err err = {0};
    tally_buf doc;
    /* the decoded text is at most three bytes for each byte of the body
     * (an invalid byte becomes U+FFFD), and the header a few KB */
    tally_buf_init(&doc, 3 * w->max_bytes + 64 * 1024);
    size_t invalid = 0;
    char *shown = NULL;
    bool counted = false; /* a failure the ingest counted already */
    int rc = cli_web_get(w, url, &page);
    if (rc != CLI_OK)
        goto out_doc;
    shown = tally_url_public(page.url);
    if (page.not_modified) {
        w->not_modified++;
        goto out;
    }
    if (item != NULL) {
        page.feed_title = item->title;
        page.feed_date = item->date;
    }
    if (page.feed) {
        char why[160];
        snprintf(why, sizeof why, "a feed (%.80s), not a page: tally watch reads feeds",
                 page.content_type != NULL ? page.content_type : "XML");
        cli_web_failed(w, url, why);
        rc = CLI_FAIL;
        goto out;
    }
    if (tally_page_document(&page, &doc, &invalid, &err) != 0) {
        cli_web_failed(w, url, err.msg);
        rc = CLI_FAIL;
        goto out;
    }
    if (invalid > 0)
        cli_warnf("%s: %zu invalid UTF-8 sequence%s replaced by U+FFFD", shown, invalid,
                  invalid == 1 ? "" : "s");
    w->fetched++;
    const char *name = unique_name(&w->names, shown);
    if (w->save_dir != NULL && save(w->save_dir, name, &doc) != CLI_OK)
        rc = CLI_FAIL;
    size_t failed = w->r.n_failed;
    tally_ingest_input in = {.data = doc.ptr, .len = doc.len, .name = name, .origin = shown};
    cli_ingest_doc(&w->r, &in);
    if (w->r.n_failed != failed || w->r.fatal) {
        rc = CLI_FAIL;
        counted = true;
        goto out;
    }
    /* with the document (in its batch, or after it): the raw bytes, and
     * the validators a later run sends back */
    if (tally_store_put_raw(w->r.s, page.url, page.content_type, page.data, page.len, &err) != 0 ||
        tally_store_put_validators(w->r.s, url, page.etag, page.last_modified, &err) != 0) {
        cli_web_failed(w, url, err.msg);
        rc = CLI_FAIL;
    }
out:
    tally_page_free(&page);
out_doc:
    if (rc != CLI_OK && !counted)
        w->failed++;
    show_progress(w, false);
    free(shown);
    tally_buf_free(&doc);
    return rc;
}

int cli_web_finish(struct cli_web_run *w, bool quiet)
{
    show_progress(w, true);
    if (!quiet)
        cli_printf("%s: pages: %zu fetched (%zu bytes), %zu not modified, %zu failed\n",
                   tally_store_name(w->r.s), w->fetched, w->bytes, w->not_modified, w->failed);
    w->r.n_failed += w->failed;
    int rc = cli_ingest_finish(&w->r, quiet);
    tally_fetcher_close(w->f);
    w->f = NULL;
    for (size_t i = 0; i < w->names.n; i++)
        free(w->names.v[i]);
    free(w->names.v);
    w->names.v = NULL;
    w->names.n = 0;
    return rc;
}

int cli_fetch(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"db", required_argument, NULL, 'D'},       {"urls", required_argument, NULL, 'u'},
        {"save", required_argument, NULL, 's'},     {"timeout", required_argument, NULL, 't'},
        {"max-size", required_argument, NULL, 'm'}, {"retries", required_argument, NULL, 'r'},
        {"delay", required_argument, NULL, 'w'},    {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},           {NULL, 0, NULL, 0}};
    struct cli_web_run w = {.cmd = "fetch"};
    tally_fetch_opts fo = {0};
    const char *db = NULL;
    char **urls = NULL;
    size_t n_urls = 0;
    bool quiet = false;
    int rc = CLI_OK, ch;
    opterr = 0;
    optind = 1;
    bool help = false;
    while (rc == CLI_OK && !help && (ch = getopt_long(argc, argv, ":qh", longopts, NULL)) != -1) {
        if (ch == 'D') {
            db = optarg;
        } else if (ch == 'u') {
            rc = cli_read_urls(optarg, &urls, &n_urls);
        } else if (ch == 'q') {
            quiet = true;
        } else if (ch == 'h') {
            cli_fetch_help(stdout);
            help = true;
        } else if ((rc = cli_web_option(&w, ch, optarg, &fo)) == CLI_UNHANDLED) {
            rc = cli_getopt_error("fetch", ch, argv);
            if (rc == CLI_UNHANDLED)
                rc = cli_usagef("fetch", "unknown option");
        }
    }
    if (rc != CLI_OK || help)
        goto out;
    for (int i = optind; i < argc; i++) {
        urls = tally_xrealloc(urls, (n_urls + 1) * sizeof *urls);
        urls[n_urls++] = tally_xstrdup(argv[i]);
    }
    if (n_urls == 0) {
        rc = cli_usagef("fetch", "no URL: give URLs, or --urls FILE");
        goto out;
    }
    rc = cli_web_start(&w, &fo, db);
    if (rc != CLI_OK)
        goto out;
    w.pending = n_urls;
    for (size_t i = 0; i < n_urls && !w.r.fatal; i++) {
        w.pending--;
        (void)cli_web_page(&w, urls[i], NULL);
    }
    rc = cli_web_finish(&w, quiet);
out:
    for (size_t i = 0; i < n_urls; i++)
        free(urls[i]);
    free(urls);
    return rc;
}
