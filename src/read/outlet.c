/* tally: the name of the outlet that publishes at a web host, from the
 * table data/outlets.tsv compiled in; for documents with a URL and no
 * outlet of their own (tally import's record rows, tally ingest and fetch).
 * Part of stage 1, read: includes the public headers of base, model and
 * read. The table is read where it lies, line by line, on each call: it is
 * small, and nothing is kept between calls. */
#include "tally/fetch.h"

#include <stdlib.h>
#include <string.h>

#include "tally/ascii.h"
#include "tally/mem.h"

/* The bundled table, compiled in by CMake (cmake/embed.cmake). */
extern const unsigned char tally_outlets_tsv[];
extern const size_t tally_outlets_tsv_len;

/* The host as the table writes it: lower case, without "www." and a final
 * dot. Caller frees. */
static char *host_key(const char *host)
{
    if (strncmp(host, "www.", 4) == 0 || strncmp(host, "WWW.", 4) == 0)
        host += 4;
    size_t n = strlen(host);
    if (n > 0 && host[n - 1] == '.')
        n--;
    char *key = tally_xmalloc(n + 1);
    for (size_t i = 0; i < n; i++)
        key[i] = (char)tally_to_lower((unsigned char)host[i]);
    key[n] = '\0';
    return key;
}

/* The outlet of the line whose host is `key` (copied), or NULL. */
static char *find(const char *key)
{
    const char *p = (const char *)tally_outlets_tsv, *end = p + tally_outlets_tsv_len;
    size_t n = strlen(key);
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (eol == NULL)
            eol = end;
        const char *tab = memchr(p, '\t', (size_t)(eol - p));
        if (p[0] != '#' && tab != NULL && (size_t)(tab - p) == n && memcmp(p, key, n) == 0) {
            const char *name = tab + 1;
            const char *stop = memchr(name, '\t', (size_t)(eol - name));
            return tally_xstrndup(name, (size_t)((stop != NULL ? stop : eol) - name));
        }
        p = eol + 1;
    }
    return NULL;
}

char *tally_outlet_name(const char *host)
{
    char *key = host_key(host);
    char *name = NULL;
    /* the host, then each domain it is under, down to two labels */
    for (const char *k = key; name == NULL && k != NULL && strchr(k, '.') != NULL;) {
        name = find(k);
        k = strchr(k, '.') + 1;
    }
    free(key);
    return name;
}

char *tally_url_outlet(const char *url)
{
    char *host = tally_url_host(url);
    if (host == NULL)
        return NULL;
    char *name = tally_outlet_name(host);
    if (name == NULL)
        name = tally_xstrdup(strncmp(host, "www.", 4) == 0 ? host + 4 : host);
    free(host);
    return name;
}
