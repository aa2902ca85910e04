/* Markdown through md4c: the visible text only. Each paragraph, heading, list
 * item's own text, table cell and code block is one block ending in "\n\n";
 * line breaks become "\n". md4c needs its input in memory, so the raw text is
 * parsed in pieces cut at blank lines outside fenced code once a piece passes
 * md_chunk bytes (at a line end, or anywhere, past four times that).
 * Part of stage 1, read: includes the public headers of base and the model,
 * and read's own. */
#include "decode.h"

#include <libxml/HTMLparser.h>
#include <md4c.h>
#include <stdlib.h>
#include <string.h>

#include "tally/ascii.h"
#include "tally/mem.h"
#include "tally/utf8.h"

enum { DEFAULT_MD_CHUNK = 1024 * 1024, HARD_FACTOR = 4, MAX_ENTITY = 40 };

struct md_dec {
    decoder base;
    tally_utf8_dec utf8;
    sink *out;
    tally_err *err;
    tally_buf raw; /* validated Markdown not parsed yet */
    size_t soft;   /* parse once this much is held and a cut point is known */
    size_t hard;   /* parse at any line end (or anywhere) past this */
    size_t scan;   /* raw[0..scan) is split into lines; scan starts a line */
    size_t split;  /* a cut point: the end of a blank line outside fences; 0: none */
    bool in_fence;
    char fence_ch;
    size_t fence_len;
    /* Rendering. */
    bool has_text;     /* the pending block holds text */
    size_t nl_pending; /* line breaks held back until more text follows */
    int img_depth;     /* inside an image: its alt text is not shown */
    bool in_html;      /* inside an HTML block */
    bool html_tag;     /* inside a tag of an HTML block */
    bool html_space;   /* white space seen in an HTML block */
    int rc;            /* what a sink call returned, to stop md4c */
};

static int keep_rc(struct md_dec *d, int rc)
{
    if (rc != 0 && d->rc == 0)
        d->rc = rc;
    return rc;
}

/* Writes visible text, after the line breaks held back. */
static int show(struct md_dec *d, const char *s, size_t n)
{
    int rc = 0;
    if (n > 0) {
        for (; d->nl_pending > 0 && rc == 0; d->nl_pending--)
            rc = sink_put(d->out, "\n", 1);
        if (rc == 0)
            rc = sink_put(d->out, s, n);
        d->has_text = true;
    }
    return keep_rc(d, rc);
}

static int block_break(struct md_dec *d)
{
    int rc = 0;
    d->nl_pending = 0;
    if (d->has_text) {
        d->has_text = false;
        rc = sink_put(d->out, "\n\n", 2);
        if (rc == 0)
            rc = sink_end(d->out);
    }
    return keep_rc(d, rc);
}

static int hex_value(char c)
{
    if (tally_is_digit(c))
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes an entity "&name;", "&#123;" or "&#x7B;" into `buf`; returns the
 * length, or 0 when it is not one. Named ones come from libxml2's HTML table. */
static size_t entity_decode(const char *s, size_t n, char buf[4])
{
    if (n < 3 || n > MAX_ENTITY || s[0] != '&' || s[n - 1] != ';')
        return 0;
    if (s[1] == '#') {
        bool hex = s[2] == 'x' || s[2] == 'X';
        size_t i = hex ? 3 : 2;
        uint32_t cp = 0;
        if (i >= n - 1)
            return 0;
        for (; i < n - 1; i++) {
            int v = hex ? hex_value(s[i]) : tally_is_digit(s[i]) ? s[i] - '0' : -1;
            if (v < 0)
                return 0;
            cp = cp * (hex ? 16 : 10) + (uint32_t)v;
            if (cp > 0x10FFFF)
                cp = 0x110000; /* stays out of range: U+FFFD */
        }
        return tally_utf8_encode(cp, buf);
    }
    char name[MAX_ENTITY];
    memcpy(name, s + 1, n - 2);
    name[n - 2] = '\0';
    const htmlEntityDesc *e = htmlEntityLookup((const xmlChar *)name);
    return e != NULL ? tally_utf8_encode(e->value, buf) : 0;
}

static bool is_html_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Shows the text of an HTML block without its tags, white space collapsed. */
static int show_html(struct md_dec *d, const char *s, size_t n)
{
    size_t i = 0;
    int rc = 0;
    while (i < n && rc == 0) {
        char c = s[i];
        if (d->html_tag) {
            d->html_tag = c != '>';
            i++;
        } else if (c == '<') {
            d->html_tag = true;
            i++;
        } else if (is_html_space(c)) {
            d->html_space = true;
            i++;
        } else {
            if (d->html_space && d->has_text)
                rc = show(d, " ", 1);
            d->html_space = false;
            char buf[4];
            size_t len = 0, end = i + 1;
            const char *semi = NULL;
            if (c == '&')
                semi = memchr(s + i, ';', n - i < MAX_ENTITY ? n - i : MAX_ENTITY);
            if (semi != NULL)
                len = entity_decode(s + i, (size_t)(semi - s) + 1 - i, buf);
            if (len > 0) {
                end = (size_t)(semi - s) + 1;
            } else {
                while (end < n && s[end] != '<' && s[end] != '&' && !is_html_space(s[end]))
                    end++;
            }
            if (rc == 0)
                rc = len > 0 ? show(d, buf, len) : show(d, s + i, end - i);
            i = end;
        }
    }
    return rc;
}

static int on_enter_block(MD_BLOCKTYPE type, void *detail, void *user)
{
    struct md_dec *d = user;
    (void)detail;
    if (type == MD_BLOCK_HTML) {
        d->in_html = true;
        d->html_tag = false;
        d->html_space = false;
    }
    return block_break(d);
}

static int on_leave_block(MD_BLOCKTYPE type, void *detail, void *user)
{
    struct md_dec *d = user;
    (void)detail;
    if (type == MD_BLOCK_HTML)
        d->in_html = false;
    return block_break(d);
}

static int on_enter_span(MD_SPANTYPE type, void *detail, void *user)
{
    struct md_dec *d = user;
    (void)detail;
    if (type == MD_SPAN_IMG)
        d->img_depth++;
    return 0;
}

static int on_leave_span(MD_SPANTYPE type, void *detail, void *user)
{
    struct md_dec *d = user;
    (void)detail;
    if (type == MD_SPAN_IMG && d->img_depth > 0)
        d->img_depth--;
    return 0;
}

static bool all_newlines(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != '\n')
            return false;
    return true;
}

static int on_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE size, void *user)
{
    struct md_dec *d = user;
    size_t n = size;
    char buf[4];
    size_t len;
    int rc = 0;
    if (d->img_depth > 0)
        goto out;
    switch (type) {
    case MD_TEXT_NULLCHAR:
        rc = show(d, TALLY_UTF8_REPLACEMENT, TALLY_UTF8_REPLACEMENT_LEN);
        break;
    case MD_TEXT_BR:
    case MD_TEXT_SOFTBR:
        if (d->has_text)
            d->nl_pending++;
        break;
    case MD_TEXT_ENTITY:
        len = entity_decode(s, n, buf);
        rc = len > 0 ? show(d, buf, len) : show(d, s, n);
        break;
    case MD_TEXT_HTML:
        /* Inline raw HTML is a tag: nothing to show. */
        if (d->in_html)
            rc = show_html(d, s, n);
        break;
    case MD_TEXT_CODE:
        /* Code lines end in "\n" texts: hold them so the block ends cleanly. */
        if (all_newlines(s, n)) {
            if (d->has_text)
                d->nl_pending += n;
            break;
        }
        rc = show(d, s, n);
        break;
    default:
        rc = show(d, s, n);
        break;
    }
out:
    return rc;
}

static const MD_PARSER md_parser = {
    .abi_version = 0,
    .flags = MD_DIALECT_GITHUB,
    .enter_block = on_enter_block,
    .leave_block = on_leave_block,
    .enter_span = on_enter_span,
    .leave_span = on_leave_span,
    .text = on_text,
};

/* Parses raw[0..len) and drops it. */
static int parse_piece(struct md_dec *d, size_t len)
{
    int rc = 0;
    d->img_depth = 0;
    d->in_html = false;
    if (len > 0 && md_parse(d->raw.ptr, (MD_SIZE)len, &md_parser, d) != 0)
        rc = d->rc != 0 ? d->rc : tally_err_set(d->err, TALLY_ENOMEM, "Markdown parser failed");
    if (rc == 0)
        rc = block_break(d);
    tally_buf_consume(&d->raw, len);
    d->scan = d->scan > len ? d->scan - len : 0;
    d->split = 0;
    return rc;
}

static bool is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return false;
    return true;
}

/* Follows fenced code through the complete lines not scanned yet, noting the
 * last blank line outside a fence as a cut point. */
static void scan_lines(struct md_dec *d)
{
    const char *p = d->raw.ptr;
    size_t len = d->raw.len;
    while (d->scan < len) {
        const char *nl = memchr(p + d->scan, '\n', len - d->scan);
        if (nl == NULL)
            break;
        size_t i = d->scan, end = (size_t)(nl - p);
        d->scan = end + 1;
        while (i < end && (p[i] == ' ' || p[i] == '\t'))
            i++;
        size_t run = 0;
        if (i < end && (p[i] == '`' || p[i] == '~'))
            while (i + run < end && p[i + run] == p[i])
                run++;
        if (d->in_fence) {
            if (run >= d->fence_len && p[i] == d->fence_ch && is_blank(p + i + run, end - i - run))
                d->in_fence = false;
        } else if (run >= 3) {
            d->in_fence = true;
            d->fence_ch = p[i];
            d->fence_len = run;
        } else if (i == end || is_blank(p + i, end - i)) {
            d->split = d->scan;
        }
    }
}

/* Too much held without a cut point: parses up to the last line end, else
 * everything (the buffer always ends on a character boundary). */
static int force_parse(struct md_dec *d)
{
    const char *p = d->raw.ptr;
    size_t at = d->raw.len;
    while (at > 0 && p[at - 1] != '\n')
        at--;
    return parse_piece(d, at > 0 ? at : d->raw.len);
}

/* Parses a piece once enough is held. */
static int maybe_parse(struct md_dec *d)
{
    int rc = 0;
    if (d->raw.len >= d->soft) {
        scan_lines(d);
        if (d->split > 0)
            rc = parse_piece(d, d->split);
        else if (d->raw.len >= d->hard)
            rc = force_parse(d);
    }
    return rc;
}

/* Receives validated Markdown, in whole characters. */
static int md_out(void *user, const char *s, size_t n)
{
    struct md_dec *d = user;
    int rc = 0;
    while (n > 0 && rc == 0) {
        size_t room = d->hard - d->raw.len;
        size_t take = n <= room ? n : tally_utf8_boundary(s, n, room);
        if (take == 0) {
            rc = force_parse(d);
        } else if (tally_buf_append(&d->raw, s, take) != 0) {
            rc = tally_err_set(d->err, TALLY_ELIMIT, "Markdown buffer overflow");
        } else {
            s += take;
            n -= take;
            rc = maybe_parse(d);
        }
    }
    return rc;
}

static int md_feed(decoder *base, const char *raw, size_t n, tally_err *err)
{
    struct md_dec *d = (struct md_dec *)base;
    d->err = err;
    return tally_utf8_feed(&d->utf8, raw, n);
}

static int md_finish(decoder *base, tally_err *err)
{
    struct md_dec *d = (struct md_dec *)base;
    d->err = err;
    int rc = tally_utf8_finish(&d->utf8);
    if (rc == 0)
        rc = parse_piece(d, d->raw.len);
    return rc != 0 ? rc : sink_end(d->out);
}

static void md_free(decoder *base)
{
    struct md_dec *d = (struct md_dec *)base;
    if (d == NULL)
        return;
    tally_buf_free(&d->raw);
    free(d);
}

decoder *decode_md_new(const decode_args *a)
{
    struct md_dec *d = tally_xcalloc(1, sizeof *d);
    d->base.feed = md_feed;
    d->base.finish = md_finish;
    d->base.free = md_free;
    d->out = a->out;
    d->err = a->out->err;
    d->soft = a->md_chunk > 0 ? a->md_chunk : DEFAULT_MD_CHUNK;
    d->hard = d->soft * HARD_FACTOR;
    tally_buf_init(&d->raw, d->hard);
    tally_utf8_init(&d->utf8, md_out, d, &a->out->stats->invalid_utf8);
    d->utf8.nul_invalid = true;
    return &d->base;
}
