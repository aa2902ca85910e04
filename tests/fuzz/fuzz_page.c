/* Fuzz target: a web page's metadata (tally_page_meta_read) and the
 * document tally fetch makes of it (tally_page_document), and the public
 * form of a URL (tally_url_public). Aborts when a result breaks fetch.h's
 * contract: each field absent or non-empty valid UTF-8 of one line, at most
 * 1024 bytes (a title, an outlet) or a date tally reads; the document a
 * header whose values are those fields, then the decoded text, all valid
 * UTF-8; a public URL without fragment or a query parameter named like a
 * secret. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tally/date.h"
#include "tally/fetch.h"
#include "tally/mem.h"

#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_value(const char *v, size_t max)
{
    if (v == NULL)
        return;
    size_t n = strlen(v);
    if (n == 0 || n > max || !fuzz_valid_utf8((const uint8_t *)v, n) || strpbrk(v, "\r\n") != NULL)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *html = fuzz_copy(data, size);
    tally_page_meta m;
    tally_page_meta_read(html, size, &m);
    check_value(m.title, 1024);
    check_value(m.outlet, 1024);
    check_value(m.date, 10);
    tally_date d;
    if (m.date != NULL && tally_date_parse(m.date, strlen(m.date), &d) != 0)
        abort();
    tally_page_meta_free(&m);

    /* the page as fetched: the body NUL-terminated, as tally_fetch gives it */
    char *body = tally_xmalloc(size + 1);
    memcpy(body, data, size);
    body[size] = '\0';
    tally_page page = {.url = tally_xstrdup("https://news.example/a/story.html?id=1"),
                       .data = body,
                       .len = size,
                       .format = TALLY_FORMAT_HTML};
    tally_buf doc;
    tally_buf_init(&doc, 3 * size + 64 * 1024);
    size_t invalid = 0;
    tally_err err = {0, {0}};
    int rc = tally_page_document(&page, &doc, &invalid, &err);
    if (rc == 0 &&
        (doc.len < 5 || memcmp(doc.ptr, "url: https://news.example/a/story.html?id=1\n", 44) != 0 ||
         !fuzz_valid_utf8((const uint8_t *)doc.ptr, doc.len)))
        abort();
    if (rc != 0 && rc != TALLY_EINPUT)
        abort();
    tally_buf_free(&doc);
    tally_page_free(&page);

    /* the input as a URL */
    char *url = tally_xstrndup(html, size);
    char *pub = tally_url_public(url);
    if (strchr(pub, '#') != NULL)
        abort();
    /* no query parameter named like a secret (the plain spellings) */
    const char *q = strchr(pub, '?');
    if (q != NULL) {
        char *low = tally_xstrdup(q);
        for (char *c = low; *c != '\0'; c++)
            if (*c >= 'A' && *c <= 'Z')
                *c = (char)(*c - 'A' + 'a');
        for (char *p = low + 1; *p != '\0';) {
            size_t n = strcspn(p, "&;");
            char end = p[n];
            p[n] = '\0';
            p[strcspn(p, "=")] = '\0';
            if (strstr(p, "token") != NULL || strstr(p, "secret") != NULL ||
                strstr(p, "pass") != NULL || strstr(p, "key") != NULL)
                abort();
            p += n + (end != '\0');
        }
        free(low);
    }
    free(pub);
    free(tally_url_host(url));
    free(url);
    free(html);
    return 0;
}
