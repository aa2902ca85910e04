/* tally: a document's optional header (header.h). Part of stage 1, read:
 * includes the public headers of base and the model, and read's own. */
#include "header.h"

#include <stdlib.h>
#include <string.h>

#include "tally/mem.h"
#include "tally/utf8.h"

/* The white space of a line: spaces, tabs and the CR of a CRLF. */
static bool is_line_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

bool header_is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_line_space(s[i]))
            return false;
    return true;
}

static int append(void *user, const char *s, size_t n)
{
    return tally_buf_append(user, s, n);
}

/* Returns a valid UTF-8 copy of `s[0..n)` trimmed, or NULL when empty. */
static char *value_dup(const char *s, size_t n, size_t *invalid)
{
    while (n > 0 && is_line_space(s[0]))
        s++, n--;
    while (n > 0 && is_line_space(s[n - 1]))
        n--;
    if (n == 0)
        return NULL;
    tally_buf b;
    tally_buf_init(&b, 4 * n);
    tally_utf8_dec d;
    tally_utf8_init(&d, append, &b, invalid);
    d.nul_invalid = true;
    /* Each input byte yields at most three output bytes: never over the limit. */
    if (tally_utf8_feed(&d, s, n) != 0 || tally_utf8_finish(&d) != 0) {
        tally_buf_free(&b);
        return NULL;
    }
    return b.ptr;
}

enum { NKEYS = 4 };

/* Returns the index of the key that `line` starts with ("url:" ...), or -1;
 * `*klen` gets the length of the key and its colon. */
static int key_index(const char *line, size_t n, size_t *klen)
{
    static const char *const keys[NKEYS] = {"url", "title", "outlet", "date"};
    for (int k = 0; k < NKEYS; k++) {
        size_t len = strlen(keys[k]);
        if (n > len && memcmp(line, keys[k], len) == 0 && line[len] == ':') {
            *klen = len + 1;
            return k;
        }
    }
    return -1;
}

size_t header_parse(const char *s, size_t n, bool eof, header *h, size_t *invalid)
{
    memset(h, 0, sizeof *h);
    char **fields[NKEYS] = {&h->url, &h->title, &h->outlet, &h->date};
    bool seen[NKEYS] = {false, false, false, false};
    size_t pos = 0;
    while (pos < n) {
        const char *nl = memchr(s + pos, '\n', n - pos);
        if (nl == NULL && !eof)
            break;
        size_t end = nl != NULL ? (size_t)(nl - s) : n;
        size_t next = nl != NULL ? end + 1 : n;
        if (header_is_blank(s + pos, end - pos)) {
            if (pos > 0)
                pos = next;
            break;
        }
        size_t klen;
        int k = key_index(s + pos, end - pos, &klen);
        if (k < 0 || seen[k])
            break;
        seen[k] = true;
        *fields[k] = value_dup(s + pos + klen, end - pos - klen, invalid);
        pos = next;
    }
    return pos;
}

void header_free(header *h)
{
    if (h == NULL)
        return;
    free(h->url);
    free(h->title);
    free(h->outlet);
    free(h->date);
    memset(h, 0, sizeof *h);
}
