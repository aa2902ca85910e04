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

#include "tally/fetch.h"
#include "tally/mem.h"

void cli_fetch_help(FILE *out)
{
    fputs("Usage: tally fetch [--db DB] [--save DIR] [--timeout SECONDS] [--max-size BYTES]\n"
          "                   [--retries N] URL... | --urls FILE\n"
          "\n"
          "Downloads each page (http and https only) and ingests it as tally ingest\n"
          "does a document: its url, title, outlet and date come from the page's\n"
          "metadata (Open Graph, JSON-LD, <title>, <time>; the outlet is else the\n"
          "host), its text from the HTML, Markdown or plain text body. The URL is\n"
          "stored without user name, password, query or fragment.\n"
          "\n"
          "Limits: TLS certificates verified, at most 5 redirects (each to http or\n"
          "https), 10 s to connect, SECONDS for the whole transfer, BYTES for the\n"
          "body (counted as it arrives), and only the content types text/html,\n"
          "application/xhtml+xml, text/plain and text/markdown.\n"
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
          "  -q, --quiet          no summary\n"
          "  -h, --help           show this help\n"
          "\n"
          "Each page that fails is named on stderr with its URL and the reason; the\n"
          "others are ingested. Prints a summary: pages fetched and failed, then\n"
          "documents new, unchanged, replaced and failed, and claims stored. Exit\n"
          "status 1 when any page failed.\n",
          out);
}

/* The URLs of a --urls file: one a line, blank lines and # comments left
 * out. Appends them to *urls (owned). CLI_OK, or CLI_FAIL with a message. */
static int read_urls(const char *path, char ***urls, size_t *n)
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

/* The names given in this run, so that two pages never save to one file. */
struct names {
    char **v;
    size_t n;
};

/* A name for the page at `url` not given yet in this run: "story", else
 * "story-2", ... Owned by `names`. */
static const char *unique_name(struct names *ns, const char *url)
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

struct fetch_run {
    struct cli_ingest_run r;
    tally_fetcher *f;
    const char *save_dir;
    size_t max_bytes;
    struct names names;
    size_t fetched, failed, bytes;
};

/* One URL: downloaded, made a document, saved when asked, ingested. */
static void fetch_one(struct fetch_run *fr, const char *url)
{
    char *shown = tally_url_public(url); /* messages never show credentials */
    tally_page page;
    tally_err err = {0};
    tally_buf doc;
    /* the decoded text is at most three bytes for each byte of the body
     * (an invalid byte becomes U+FFFD), and the header a few KB */
    tally_buf_init(&doc, 3 * fr->max_bytes + 64 * 1024);
    size_t invalid = 0;
    if (tally_fetch(fr->f, url, &page, &err) != 0) {
        cli_errorf("%s: %s", shown, err.msg);
        fr->failed++;
        goto out;
    }
    fr->bytes += page.len;
    if (tally_page_document(&page, &doc, &invalid, &err) != 0) {
        cli_errorf("%s: %s", shown, err.msg);
        fr->failed++;
        tally_page_free(&page);
        goto out;
    }
    tally_page_free(&page);
    if (invalid > 0)
        cli_warnf("%s: %zu invalid UTF-8 sequence%s replaced by U+FFFD", shown, invalid,
                  invalid == 1 ? "" : "s");
    fr->fetched++;
    const char *name = unique_name(&fr->names, shown);
    if (fr->save_dir != NULL && save(fr->save_dir, name, &doc) != CLI_OK)
        fr->failed++;
    tally_ingest_input in = {.data = doc.ptr, .len = doc.len, .name = name, .origin = shown};
    cli_ingest_doc(&fr->r, &in);
out:
    tally_buf_free(&doc);
    free(shown);
}

int cli_fetch(int argc, char **argv)
{
    static const struct option longopts[] = {{"db", required_argument, NULL, 'D'},
                                             {"urls", required_argument, NULL, 'u'},
                                             {"save", required_argument, NULL, 's'},
                                             {"timeout", required_argument, NULL, 't'},
                                             {"max-size", required_argument, NULL, 'm'},
                                             {"retries", required_argument, NULL, 'r'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {"help", no_argument, NULL, 'h'},
                                             {NULL, 0, NULL, 0}};
    struct fetch_run fr = {.max_bytes = TALLY_FETCH_MAX_BYTES};
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
        char *end = NULL;
        if (ch == 'D') {
            db = optarg;
        } else if (ch == 'u') {
            rc = read_urls(optarg, &urls, &n_urls);
        } else if (ch == 's') {
            fr.save_dir = optarg;
        } else if (ch == 't') {
            errno = 0;
            long s = strtol(optarg, &end, 10); /* whole seconds: no figure, no strtod */
            if (errno != 0 || end == optarg || *end != '\0' || s < 1 || s > 3600)
                rc = cli_usagef("fetch", "bad --timeout '%s' (1 to 3600 seconds)", optarg);
            fo.timeout_ms = s * 1000;
        } else if (ch == 'm') {
            errno = 0;
            unsigned long long m = strtoull(optarg, &end, 10);
            if (errno != 0 || end == optarg || *end != '\0' || optarg[0] == '-' || m < 1 ||
                m > 1000ULL * 1000 * 1000)
                rc = cli_usagef("fetch", "bad --max-size '%s' (1 to 1000000000 bytes)", optarg);
            fo.max_bytes = fr.max_bytes = (size_t)m;
        } else if (ch == 'r') {
            errno = 0;
            long n = strtol(optarg, &end, 10);
            if (errno != 0 || end == optarg || *end != '\0' || n < 0 || n > 10)
                rc = cli_usagef("fetch", "bad --retries '%s' (0 to 10)", optarg);
            fo.retries = n == 0 ? -1 : (int)n;
        } else if (ch == 'q') {
            quiet = true;
        } else if (ch == 'h') {
            cli_fetch_help(stdout);
            help = true;
        } else {
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
    struct stat st;
    if (fr.save_dir != NULL && (stat(fr.save_dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
        cli_errorf("--save %s: not a folder", fr.save_dir);
        rc = CLI_FAIL;
        goto out;
    }
    tally_err err = {0};
    if (tally_fetcher_open(&fr.f, &fo, "tally/" TALLY_VERSION, &err) != 0) {
        cli_errorf("%s", err.msg);
        rc = CLI_FAIL;
        goto out;
    }
    /* every page is text once decoded: a NAME.txt */
    fr.r.opts.format = TALLY_FORMAT_TXT;
    rc = cli_ingest_start(&fr.r, db);
    for (size_t i = 0; rc == CLI_OK && i < n_urls && !fr.r.fatal; i++)
        fetch_one(&fr, urls[i]);
    if (rc == CLI_OK) {
        if (!quiet)
            cli_printf("%s: pages: %zu fetched (%zu bytes), %zu failed\n", fr.r.db, fr.fetched,
                       fr.bytes, fr.failed);
        fr.r.n_failed += fr.failed;
        rc = cli_ingest_finish(&fr.r, quiet);
    }
    tally_fetcher_close(fr.f);
out:
    for (size_t i = 0; i < n_urls; i++)
        free(urls[i]);
    free(urls);
    for (size_t i = 0; i < fr.names.n; i++)
        free(fr.names.v[i]);
    free(fr.names.v);
    return rc;
}
