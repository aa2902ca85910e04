/* tally: text for a terminal (include/tally/visible.h). */
#include "tally/visible.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "tally/utf8.h"

/* Writes the visible escape of the character or byte at s[i] into `esc`
 * (NUL-terminated) and returns how many bytes of `s` it stands for; 0 when
 * the character shows as it is. */
static size_t escape_at(const char *s, size_t n, size_t i, char esc[12])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
        if (c >= 0x20 && c != 0x7f)
            return 0;
        if (c == '\t' || c == '\n' || c == '\r') {
            esc[0] = '\\';
            esc[1] = c == '\t' ? 't' : c == '\n' ? 'n' : 'r';
            esc[2] = '\0';
            return 1;
        }
        memcpy(esc, (char[]){'\\', 'x', hex[c >> 4], hex[c & 15], '\0'}, 5);
        return 1;
    }
    int32_t cp;
    size_t len = tally_utf8_decode(s, n, i, &cp);
    if (cp == 0xFFFD && len == 1) { /* not UTF-8: a lone 0x9b is CSI to some terminals */
        memcpy(esc, (char[]){'\\', 'x', hex[c >> 4], hex[c & 15], '\0'}, 5);
        return 1;
    }
    bool acts = (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 || cp == 0x2029 ||
                (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
    if (!acts)
        return 0;
    memcpy(esc,
           (char[]){'\\', 'u', '{', hex[(cp >> 12) & 15], hex[(cp >> 8) & 15], hex[(cp >> 4) & 15],
                    hex[cp & 15], '}', '\0'},
           9);
    return len;
}

/* The bytes of s[i, n) up to the first that needs escaping: most text has none. */
static size_t plain_run(const char *s, size_t n, size_t i);

size_t tally_visible_plain(const char *s, size_t n)
{
    return plain_run(s, n, 0);
}

static size_t plain_run(const char *s, size_t n, size_t i)
{
    char esc[12];
    size_t j = i;
    while (j < n) {
        unsigned char c = (unsigned char)s[j];
        if (c >= 0x20 && c < 0x7f) { /* printable ASCII: the common case */
            j++;
            continue;
        }
        if (escape_at(s, n, j, esc) != 0)
            break;
        int32_t cp;
        j += c < 0x80 ? 1 : tally_utf8_decode(s, n, j, &cp);
    }
    return j - i;
}

void tally_visible_append(tally_buf *b, const char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t run = plain_run(s, n, i);
        if (run > 0 && tally_buf_append(b, s + i, run) != 0)
            return;
        i += run;
        if (i == n)
            break;
        char esc[12];
        size_t used = escape_at(s, n, i, esc);
        if (tally_buf_append(b, esc, strlen(esc)) != 0)
            return;
        i += used;
    }
}

const char *tally_visible_str(char *buf, size_t size, const char *s)
{
    if (s == NULL || size == 0)
        return s;
    size_t n = strlen(s);
    if (plain_run(s, n, 0) == n)
        return s;
    size_t out = 0, i = 0;
    while (i < n) {
        char esc[12];
        size_t used = escape_at(s, n, i, esc);
        size_t len = used != 0 ? strlen(esc) : plain_run(s, n, i);
        if (used == 0 && len > size - 1 - out) /* cut at a character boundary */
            len = tally_utf8_boundary(s + i, n - i, size - 1 - out);
        if (len == 0 || len > size - 1 - out)
            break;
        memcpy(buf + out, used != 0 ? esc : s + i, len);
        out += len;
        i += used != 0 ? used : len;
    }
    buf[out] = '\0';
    return buf;
}
