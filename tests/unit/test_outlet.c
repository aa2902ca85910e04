/* Tests of the outlet names of web hosts (src/read/outlet.c, data/outlets.tsv):
 * the lookup, the table's form, and that every host of the bundled record
 * and relations (compiled into the pipeline) and of the shared corpora's
 * documents has its line. */
#include "tally/fetch.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

extern const unsigned char tally_outlets_tsv[];
extern const size_t tally_outlets_tsv_len;
extern const unsigned char tally_public_record_csv[];
extern const size_t tally_public_record_csv_len;
extern const unsigned char tally_relations_csv[];
extern const size_t tally_relations_csv_len;

/* `got` (freed here) is `want`, or NULL when `want` is */
static void check_got(char *got, const char *want)
{
    if (want == NULL)
        CHECK(got == NULL);
    else
        CHECK_STR_EQ(got, want);
    free(got);
}

static void check_name(const char *host, const char *want)
{
    check_got(tally_outlet_name(host), want);
}

static void check_url(const char *url, const char *want)
{
    check_got(tally_url_outlet(url), want);
}

/* A host is looked up without www., capitals and a final dot, then by the
 * domains it is under (by whole labels); an unlisted host has no name and
 * a URL's outlet is then its host. */
static void test_outlet_lookup(void)
{
    check_name("www.reuters.com", "Reuters");
    check_name("reuters.com", "Reuters");
    check_name("en.yna.co.kr", "Yonhap News Agency");
    check_name("EN.YNA.CO.KR", "Yonhap News Agency");
    check_name("carnegieendowment.org.", "Carnegie Endowment for International Peace");
    check_name("au.news.yahoo.com", "Yahoo News");
    check_name("m.segye.com", "Segye Ilbo");
    check_name("bbc.co.uk", "BBC News");
    check_name("notbbc.co.uk", NULL);
    check_name("co.uk", NULL);
    check_name("example.org", NULL);
    check_name("46.235.172.94", NULL);
    check_name("", NULL);
    check_url("https://www.reuters.com/world/x-2024-01-01/", "Reuters");
    check_url("https://sg.news.yahoo.com/a-b-1.html?x=1#y", "Yahoo News");
    check_url("https://www.example.org/story", "example.org");
    check_url("http://127.0.0.1:8080/page", "127.0.0.1");
    check_url("not a url", NULL);
}

/* Each line: host (lower case, no www., no final dot, listed once), a
 * name without spaces at its ends, and an http(s) URL. */
static void test_outlet_table_form(void)
{
    char *text = malloc(tally_outlets_tsv_len + 1);
    memcpy(text, tally_outlets_tsv, tally_outlets_tsv_len);
    text[tally_outlets_tsv_len] = '\0';
    size_t lines = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line != NULL;
         line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#' || line[0] == '\0')
            continue;
        lines++;
        char *f[4] = {0};
        size_t n = 0;
        for (char *p = line; p != NULL && n < 4; n++) {
            f[n] = p;
            p = strchr(p, '\t');
            if (p != NULL)
                *p++ = '\0';
        }
        if (n != 3) {
            fprintf(stderr, "outlets.tsv: %s: %zu fields\n", line, n);
            CHECK(n == 3);
            continue;
        }
        for (const char *c = f[0]; *c != '\0'; c++)
            CHECK((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '.' || *c == '-');
        CHECK(strncmp(f[0], "www.", 4) != 0);
        CHECK(f[0][strlen(f[0]) - 1] != '.');
        CHECK(f[1][0] != '\0' && f[1][0] != ' ' && f[1][strlen(f[1]) - 1] != ' ');
        CHECK(strncmp(f[2], "https://", 8) == 0 || strncmp(f[2], "http://", 7) == 0);
        /* listed once: the lookup finds this line's name */
        check_name(f[0], f[1]);
    }
    CHECK(lines >= 100);
    free(text);
}

static bool is_ip(const char *host)
{
    for (const char *c = host; *c != '\0'; c++)
        if (!((*c >= '0' && *c <= '9') || *c == '.' || *c == ':'))
            return false;
    return true;
}

/* Each "scheme://host" in text[0..len): the host is an IP address or is
 * listed; the missing hosts are printed. Returns the URLs seen. */
static size_t check_hosts_in(const char *text, size_t len, const char *origin)
{
    size_t urls = 0;
    const char *end = text + len;
    for (const char *p = text; p + 3 < end; p++) {
        if (memcmp(p, "://", 3) != 0)
            continue;
        const char *h = p + 3, *e = h;
        while (e < end && strchr("/?#:,\" \t\r\n", *e) == NULL)
            e++;
        char *host = malloc((size_t)(e - h) + 1);
        memcpy(host, h, (size_t)(e - h));
        host[e - h] = '\0';
        char *name = tally_outlet_name(host);
        if (name == NULL && !is_ip(host)) {
            fprintf(stderr, "%s: no outlet for the host %s\n", origin, host);
            CHECK(name != NULL);
        }
        free(name);
        free(host);
        urls++;
        p = e - 1;
    }
    return urls;
}

static void test_outlet_covers_record(void)
{
    CHECK(check_hosts_in((const char *)tally_public_record_csv, tally_public_record_csv_len,
                         "data/public-record.csv") >= 100);
    CHECK(check_hosts_in((const char *)tally_relations_csv, tally_relations_csv_len,
                         "data/relations.csv") >= 10);
}

/* The "url:" line of each document of a corpus folder; returns the
 * documents read. */
static size_t check_corpus(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return 0;
    size_t docs = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".txt") != 0)
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "r");
        if (f == NULL)
            continue;
        docs++;
        char line[4096];
        while (fgets(line, sizeof line, f) != NULL && line[0] != '\n')
            if (strncmp(line, "url:", 4) == 0)
                check_hosts_in(line, strlen(line), path);
        fclose(f);
    }
    closedir(d);
    return docs;
}

static void test_outlet_covers_corpora(void)
{
    const char *shared = harness_shared();
    char dir[4096];
    size_t docs = 0;
    if (shared != NULL) {
        snprintf(dir, sizeof dir, "%s/corpus/dev", shared);
        docs += check_corpus(dir);
        snprintf(dir, sizeof dir, "%s/corpus/train", shared);
        docs += check_corpus(dir);
    }
    if (docs == 0)
        SKIP("no ../shared/corpus (set TALLY_SHARED)");
    CHECK(docs >= 90);
    snprintf(dir, sizeof dir, "%s/data/public-record-2022-2024.csv", shared);
    FILE *f = fopen(dir, "r");
    if (f != NULL) {
        char line[8192];
        while (fgets(line, sizeof line, f) != NULL)
            check_hosts_in(line, strlen(line), dir);
        fclose(f);
    }
}

int main(void)
{
    static const struct harness_test tests[] = {
        {"outlet_lookup", test_outlet_lookup},
        {"outlet_table_form", test_outlet_table_form},
        {"outlet_covers_record", test_outlet_covers_record},
        {"outlet_covers_corpora", test_outlet_covers_corpora},
        {NULL, NULL},
    };
    return harness_run(tests);
}
