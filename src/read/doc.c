/* tally: reading a document (include/tally/doc.h): its header, its format, and
 * its body decoded into blocks, from a stream or from bytes in memory. Part of
 * stage 1, read: includes the public headers of base and the model, and read's
 * own. */
#include "tally/doc.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "header.h"
#include "sink.h"
#include "tally/ascii.h"
#include "tally/mem.h"

enum {
    HEAD = 64 * 1024,  /* the first read: header, NUL check, sniffing, charset */
    CHUNK = 64 * 1024, /* later reads */
    SNIFF_LISTS = 2    /* list-item lines that make a body Markdown */
};

/* Whether `s` equals `word` (lowercase), ignoring ASCII case. */
static bool eq_ci(const char *s, size_t n, const char *word)
{
    if (strlen(word) != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((char)tally_to_lower((unsigned char)s[i]) != word[i])
            return false;
    return true;
}

static bool starts_ci(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    return n >= k && eq_ci(s, k, prefix);
}

int tally_format_parse(const char *s)
{
    static const struct {
        const char *name;
        tally_format f;
    } names[] = {{"txt", TALLY_FORMAT_TXT},   {"text", TALLY_FORMAT_TXT},
                 {"md", TALLY_FORMAT_MD},     {"markdown", TALLY_FORMAT_MD},
                 {"html", TALLY_FORMAT_HTML}, {"htm", TALLY_FORMAT_HTML},
                 {"xhtml", TALLY_FORMAT_HTML}};
    if (s == NULL)
        return -1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (eq_ci(s, strlen(s), names[i].name))
            return (int)names[i].f;
    return -1;
}

const char *tally_format_name(tally_format f)
{
    switch (f) {
    case TALLY_FORMAT_TXT:
        return "txt";
    case TALLY_FORMAT_MD:
        return "md";
    case TALLY_FORMAT_HTML:
        return "html";
    default:
        return "auto";
    }
}

char *tally_doc_name(const char *path)
{
    if (path == NULL)
        return tally_xstrdup("-");
    size_t end = strlen(path);
    while (end > 1 && path[end - 1] == '/')
        end--;
    size_t start = end;
    while (start > 0 && path[start - 1] != '/')
        start--;
    if (start == end)
        return tally_xstrndup(path, end);
    size_t dot = end;
    while (dot > start + 1 && path[dot - 1] != '.')
        dot--;
    if (dot > start + 1)
        end = dot - 1;
    return tally_xstrndup(path + start, end - start);
}

/* The format that the extension of `name` names, else TALLY_FORMAT_AUTO. */
static tally_format format_of_name(const char *name)
{
    if (name == NULL)
        return TALLY_FORMAT_AUTO;
    const char *slash = strrchr(name, '/');
    const char *base = slash != NULL ? slash + 1 : name;
    const char *dot = strrchr(base, '.');
    if (dot == NULL || dot == base)
        return TALLY_FORMAT_AUTO;
    int f = tally_format_parse(dot + 1);
    return f < 0 ? TALLY_FORMAT_AUTO : (tally_format)f;
}

/* Whether the body starts like an HTML page or fragment. */
static bool looks_html(const char *s, size_t n)
{
    static const char *const starts[] = {"<!doctype html", "<?xml", "<!--"};
    static const char *const tags[] = {
        "html", "head",  "body", "meta", "title",      "link",    "script", "style",
        "p",    "div",   "span", "a",    "article",    "section", "main",   "header",
        "nav",  "table", "ul",   "ol",   "h1",         "h2",      "h3",     "h4",
        "h5",   "h6",    "br",   "pre",  "blockquote", "figure"};
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++)
        if (starts_ci(s, n, starts[i]))
            return true;
    if (n < 2 || s[0] != '<')
        return false;
    size_t k = 1;
    while (k < n && tally_is_alnum((unsigned char)s[k]))
        k++;
    if (k < n && !tally_is_space(s[k]) && s[k] != '>' && s[k] != '/')
        return false;
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
        if (eq_ci(s + 1, k - 1, tags[i]))
            return true;
    return false;
}

/* Whether a line holds "[text](target)" with no space in the target. */
static bool has_link(const char *s, size_t n)
{
    for (size_t i = 1; i + 1 < n; i++) {
        if (s[i] != ']' || s[i + 1] != '(' || memchr(s, '[', i) == NULL)
            continue;
        for (size_t j = i + 2; j < n && s[j] != ' '; j++)
            if (s[j] == ')')
                return j > i + 2;
    }
    return false;
}

static bool all_of(const char *s, size_t n, char c)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != c)
            return false;
    return n > 0;
}

/* Whether the lines of `s[0..n)` show clear Markdown: a heading, a fence, a
 * link, a setext underline, or list items on two lines. */
static bool looks_markdown(const char *s, size_t n)
{
    size_t lists = 0, pos = 0;
    bool prev_text = false;
    while (pos < n) {
        const char *nl = memchr(s + pos, '\n', n - pos);
        size_t end = nl != NULL ? (size_t)(nl - s) : n;
        size_t i = pos, len;
        while (end > i && (s[end - 1] == '\r' || s[end - 1] == ' ' || s[end - 1] == '\t'))
            end--;
        while (i < end && i < pos + 3 && s[i] == ' ')
            i++;
        len = end - i;
        const char *l = s + i;
        size_t hashes = 0;
        while (hashes < len && hashes < 7 && l[hashes] == '#')
            hashes++;
        if (hashes >= 1 && hashes <= 6 && hashes < len && l[hashes] == ' ')
            return true;
        if (starts_ci(l, len, "```") || starts_ci(l, len, "~~~") || has_link(l, len))
            return true;
        if (prev_text && len >= 3 && all_of(l, len, '='))
            return true;
        if (len >= 2 && (l[0] == '*' || l[0] == '-' || l[0] == '+') && l[1] == ' ' &&
            ++lists >= SNIFF_LISTS)
            return true;
        prev_text = len > 0;
        pos = nl != NULL ? (size_t)(nl - s) + 1 : n;
    }
    return false;
}

tally_format doc_sniff(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && tally_is_space(s[i]))
        i++;
    if (looks_html(s + i, n - i))
        return TALLY_FORMAT_HTML;
    if (looks_markdown(s, n))
        return TALLY_FORMAT_MD;
    return TALLY_FORMAT_TXT;
}

/* Reads up to `cap` bytes; `*n` gets the count (short only at the end). */
static int read_some(FILE *in, char *buf, size_t cap, size_t *n, tally_err *err)
{
    int rc = 0;
    errno = 0;
    *n = fread(buf, 1, cap, in);
    if (ferror(in))
        rc = tally_err_set(err, TALLY_EIO, "read error: %s",
                           errno != 0 ? strerror(errno) : "unknown error");
    return rc;
}

/* Feeds `s[0..n)` to the decoder `chunk` bytes at a time. */
static int feed(decoder *dec, const char *s, size_t n, size_t chunk, tally_err *err)
{
    int rc = 0;
    while (n > 0 && rc == 0) {
        size_t take = n < chunk ? n : chunk;
        rc = dec->feed(dec, s, take, err);
        s += take;
        n -= take;
    }
    return rc;
}

/* The format of a body: the one asked for, else by `name`'s extension, else
 * by its first bytes. */
static tally_format choose_format(const tally_doc_opts *opts, const char *name, const char *p,
                                  size_t len)
{
    tally_format fmt = opts->format;
    if (fmt == TALLY_FORMAT_AUTO)
        fmt = format_of_name(name);
    if (fmt == TALLY_FORMAT_AUTO)
        fmt = doc_sniff(p, len);
    return fmt;
}

/* What one read works with: the options, handler, statistics and error
 * given, or defaults for those that are NULL, and the sink of blocks. It
 * stays where it is made (the pointers may point into it). */
typedef struct reading {
    const tally_doc_opts *opts;
    const tally_doc_handler *h;
    tally_doc_stats *stats, own_stats;
    tally_err *err, own_err;
    sink out;
} reading;

static void reading_init(reading *r, const tally_doc_opts *opts, const tally_doc_handler *h,
                         tally_doc_stats *stats, tally_err *err)
{
    static const tally_doc_opts no_opts = {TALLY_FORMAT_AUTO, 0};
    static const tally_doc_handler no_handler = {NULL, NULL, NULL};
    memset(&r->own_err, 0, sizeof r->own_err);
    r->opts = opts != NULL ? opts : &no_opts;
    r->h = h != NULL ? h : &no_handler;
    r->stats = stats != NULL ? stats : &r->own_stats;
    r->err = err != NULL ? err : &r->own_err;
    memset(r->stats, 0, sizeof *r->stats);
    sink_init(&r->out, r->opts->max_block, r->h, r->stats, r->err);
}

static int binary(reading *r)
{
    r->stats->binary = true;
    return tally_err_set(r->err, TALLY_EINPUT, "binary file (NUL bytes), not a text document");
}

/* Decodes a body: its first `len` bytes at `p` (read already), then the
 * rest of `in` (NULL, or `eof` set: none) through `buf` of `chunk` bytes;
 * the handler hears of `meta` first. */
static int read_body(reading *r, const char *name, const tally_doc_meta *meta, FILE *in, bool eof,
                     char *buf, size_t chunk, const char *p, size_t len, bool bom,
                     const doc_tune *t)
{
    size_t n;
    int rc;
    tally_format fmt = choose_format(r->opts, name, p, len);
    if (r->h->on_meta != NULL && (rc = r->h->on_meta(meta, fmt, r->h->user, r->err)) != 0)
        return rc;
    decode_args args = {&r->out, p, len < HEAD ? len : HEAD, bom, t != NULL ? t->md_chunk : 0};
    decoder *dec = fmt == TALLY_FORMAT_HTML ? decode_html_new(&args)
                   : fmt == TALLY_FORMAT_MD ? decode_md_new(&args)
                                            : decode_text_new(&args);
    if ((rc = feed(dec, p, len, chunk, r->err)) != 0)
        goto out;
    while (!eof && in != NULL) {
        if ((rc = read_some(in, buf, chunk, &n, r->err)) != 0)
            goto out;
        eof = n < chunk;
        r->stats->raw_bytes += n;
        if ((rc = feed(dec, buf, n, chunk, r->err)) != 0)
            goto out;
    }
    rc = dec->finish(dec, r->err);
out:
    dec->free(dec);
    return rc;
}

int doc_read_tuned(FILE *in, const char *name, const tally_doc_opts *opts,
                   const tally_doc_handler *h, tally_doc_stats *stats, tally_err *err,
                   const doc_tune *t)
{
    reading r;
    reading_init(&r, opts, h, stats, err);
    size_t chunk = t != NULL && t->chunk > 0 ? t->chunk : CHUNK;
    char *buf = tally_xmalloc(chunk > HEAD ? chunk : HEAD);
    header hdr = {NULL, NULL, NULL, NULL};
    size_t n;
    int rc;

    if ((rc = read_some(in, buf, HEAD, &n, r.err)) != 0)
        goto out;
    bool eof = n < HEAD;
    r.stats->raw_bytes = n;
    if (memchr(buf, '\0', n) != NULL) {
        rc = binary(&r);
        goto out;
    }
    bool bom = n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0;
    const char *p = buf + (bom ? 3 : 0);
    size_t len = n - (bom ? 3 : 0);
    size_t hlen = header_parse(p, len, eof, &hdr, &r.stats->invalid_utf8);
    tally_doc_meta meta = {hdr.url, hdr.title, hdr.outlet, hdr.date};
    rc = read_body(&r, name, &meta, in, eof, buf, chunk, p + hlen, len - hlen, bom, t);
out:
    sink_free(&r.out);
    header_free(&hdr);
    free(buf);
    return rc;
}

/* ---- documents in memory ---------------------------------------------------- */

void tally_doc_mem_open(tally_doc_mem *d, const char *data, size_t len)
{
    memset(d, 0, sizeof *d);
    d->raw_len = len;
    /* as a stream is judged: by its first read */
    d->binary = memchr(data, '\0', len < HEAD ? len : HEAD) != NULL;
    d->bom = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0;
    const char *p = data + (d->bom ? 3 : 0);
    size_t n = len - (d->bom ? 3 : 0);
    header hdr;
    size_t hlen = header_parse(p, n, true, &hdr, &d->invalid_utf8);
    d->url = hdr.url;
    d->title = hdr.title;
    d->outlet = hdr.outlet;
    d->date = hdr.date;
    d->body = p + hlen;
    d->body_len = n - hlen;
}

tally_doc_meta tally_doc_mem_meta(const tally_doc_mem *d)
{
    tally_doc_meta m = {d->url, d->title, d->outlet, d->date};
    return m;
}

int tally_doc_mem_read(const tally_doc_mem *d, const char *name, const tally_doc_opts *opts,
                       const tally_doc_handler *h, tally_doc_stats *stats, tally_err *err)
{
    reading r;
    reading_init(&r, opts, h, stats, err);
    r.stats->raw_bytes = d->raw_len;
    r.stats->invalid_utf8 = d->invalid_utf8;
    tally_doc_meta meta = tally_doc_mem_meta(d);
    int rc = d->binary ? binary(&r)
                       : read_body(&r, name, &meta, NULL, true, NULL, CHUNK, d->body, d->body_len,
                                   d->bom, NULL);
    sink_free(&r.out);
    return rc;
}

void tally_doc_mem_close(tally_doc_mem *d)
{
    header hdr = {d->url, d->title, d->outlet, d->date};
    header_free(&hdr);
    d->url = d->title = d->outlet = d->date = NULL;
}

int tally_doc_read(FILE *in, const char *name, const tally_doc_opts *opts,
                   const tally_doc_handler *h, tally_doc_stats *stats, tally_err *err)
{
    return doc_read_tuned(in, name, opts, h, stats, err, NULL);
}
