/* HTML through libxml2's push parser: the visible text only. The charset comes
 * from a BOM, else a <meta> in the first bytes, else UTF-8; legacy charsets go
 * through iconv, so libxml2 always reads valid UTF-8 (its own charset switch
 * is off). Scripts, styles, navigation and the like are dropped; block
 * elements end a block with "\n\n"; white space collapses to one space.
 * Part of stage 1, read: includes the public headers of base and the model,
 * and read's own. */
#include "decode.h"

#include <errno.h>
#include <iconv.h>
#include <libxml/HTMLparser.h>
#include <stdlib.h>
#include <string.h>

#include "tally/ascii.h"
#include "tally/mem.h"
#include "tally/utf8.h"

enum {
    STAGE = 64 * 1024,     /* raw bytes converted by iconv at a time */
    CARRY = 16,            /* room for an incomplete sequence kept back */
    PUSH = 64 * 1024,      /* UTF-8 handed to libxml2 at a time */
    TEXT_RUN = 256 * 1024, /* text without '<' after which a comment is added */
    LABEL = 48             /* longest charset label looked at */
};

static const char empty_comment[] = "<!---->";

/* What an element does to the text. */
enum {
    K_BLOCK = 1,   /* ends the block before and after */
    K_SKIP = 2,    /* its content is not shown */
    K_EDGE = 4,    /* header/footer: not shown unless inside article/main */
    K_SECTION = 8, /* article/main */
    K_PRE = 16,    /* white space kept */
    K_BR = 32      /* a line break */
};

struct element {
    const char *name;
    unsigned kind;
};

static const struct element elements[] = {
    {"a", 0},
    {"address", K_BLOCK},
    {"article", K_BLOCK | K_SECTION},
    {"aside", K_BLOCK},
    {"blockquote", K_BLOCK},
    {"body", K_BLOCK},
    {"br", K_BR},
    {"button", K_SKIP},
    {"canvas", K_SKIP},
    {"caption", K_BLOCK},
    {"center", K_BLOCK},
    {"dd", K_BLOCK},
    {"details", K_BLOCK},
    {"dialog", K_BLOCK},
    {"dir", K_BLOCK},
    {"div", K_BLOCK},
    {"dl", K_BLOCK},
    {"dt", K_BLOCK},
    {"fieldset", K_BLOCK},
    {"figcaption", K_BLOCK},
    {"figure", K_BLOCK},
    {"footer", K_BLOCK | K_EDGE},
    {"form", K_BLOCK},
    {"h1", K_BLOCK},
    {"h2", K_BLOCK},
    {"h3", K_BLOCK},
    {"h4", K_BLOCK},
    {"h5", K_BLOCK},
    {"h6", K_BLOCK},
    {"head", K_BLOCK | K_SKIP},
    {"header", K_BLOCK | K_EDGE},
    {"hgroup", K_BLOCK},
    {"hr", K_BLOCK},
    {"html", K_BLOCK},
    {"iframe", K_BLOCK | K_SKIP},
    {"legend", K_BLOCK},
    {"li", K_BLOCK},
    {"listing", K_BLOCK | K_PRE},
    {"main", K_BLOCK | K_SECTION},
    {"menu", K_BLOCK},
    {"nav", K_BLOCK | K_SKIP},
    {"noscript", K_BLOCK | K_SKIP},
    {"object", K_SKIP},
    {"ol", K_BLOCK},
    {"p", K_BLOCK},
    {"plaintext", K_BLOCK | K_PRE},
    {"pre", K_BLOCK | K_PRE},
    {"script", K_SKIP},
    {"section", K_BLOCK},
    {"select", K_BLOCK | K_SKIP},
    {"style", K_SKIP},
    {"summary", K_BLOCK},
    {"svg", K_SKIP},
    {"table", K_BLOCK},
    {"tbody", K_BLOCK},
    {"td", K_BLOCK},
    {"template", K_BLOCK | K_SKIP},
    {"tfoot", K_BLOCK},
    {"th", K_BLOCK},
    {"thead", K_BLOCK},
    {"title", K_BLOCK | K_SKIP},
    {"tr", K_BLOCK},
    {"ul", K_BLOCK},
    {"xmp", K_BLOCK | K_PRE},
};

static unsigned element_kind(const xmlChar *name)
{
    size_t lo = 0, hi = sizeof elements / sizeof elements[0];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp((const char *)name, elements[mid].name);
        if (c == 0)
            return elements[mid].kind;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}

/* Where a scan of the UTF-8 handed to libxml2 stands (see push_text). */
enum lex { LX_TEXT, LX_TAG, LX_COMMENT };

struct html_dec {
    decoder base;
    sink *out;
    tally_err *err;
    int rc; /* what a sink call returned: parsing stops */
    htmlParserCtxtPtr ctx;
    tally_utf8_dec utf8;
    /* Legacy charsets. */
    iconv_t cd; /* (iconv_t)-1 for UTF-8 input */
    char *stage;
    size_t carry;
    /* UTF-8 waiting for libxml2, and a scan of it. */
    tally_buf push;
    enum lex lx;
    size_t lx_match; /* bytes of "<!--" matched, or of "--" before '>' */
    size_t since_lt; /* text bytes since the last '<' */
    /* Rendering. */
    int skip;    /* depth inside elements not shown */
    int section; /* depth inside article/main */
    int pre;     /* depth inside pre */
    bool has_text;
    bool space;
    size_t nl_pending;
};

static void quiet(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void quiet_structured(void *ctx, xmlErrorPtr e)
{
    (void)ctx;
    (void)e;
}

static void stop(struct html_dec *d, int rc)
{
    if (rc != 0 && d->rc == 0) {
        d->rc = rc;
        xmlStopParser(d->ctx);
    }
}

static void block_break(struct html_dec *d)
{
    d->nl_pending = 0;
    d->space = false;
    if (d->has_text && d->rc == 0) {
        d->has_text = false;
        int rc = sink_put(d->out, "\n\n", 2);
        stop(d, rc != 0 ? rc : sink_end(d->out));
    }
}

/* Shows text, after the line breaks or the space held back. */
static void show(struct html_dec *d, const char *s, size_t n)
{
    int rc = 0;
    if (d->nl_pending > 0) {
        for (; d->nl_pending > 0 && rc == 0; d->nl_pending--)
            rc = sink_put(d->out, "\n", 1);
    } else if (d->space && d->has_text) {
        rc = sink_put(d->out, " ", 1);
    }
    d->space = false;
    if (rc == 0)
        rc = sink_put(d->out, s, n);
    d->has_text = true;
    stop(d, rc);
}

static bool is_html_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static void on_characters(void *user, const xmlChar *text, int len)
{
    struct html_dec *d = user;
    const char *s = (const char *)text;
    size_t n = len > 0 ? (size_t)len : 0, i = 0;
    if (d->skip > 0 || d->rc != 0)
        return;
    while (i < n && d->rc == 0) {
        size_t j = i;
        if (is_html_space(s[i])) {
            while (j < n && is_html_space(s[j]))
                j++;
            if (d->pre > 0 && d->has_text)
                show(d, s + i, j - i);
            else
                d->space = true;
        } else {
            while (j < n && !is_html_space(s[j]))
                j++;
            show(d, s + i, j - i);
        }
        i = j;
    }
}

static bool hidden(const struct html_dec *d, unsigned kind)
{
    return (kind & K_SKIP) != 0 || ((kind & K_EDGE) != 0 && d->section == 0);
}

static void on_start(void *user, const xmlChar *name, const xmlChar **attrs)
{
    struct html_dec *d = user;
    unsigned kind = element_kind(name);
    (void)attrs;
    if (kind & K_SECTION)
        d->section++;
    if (d->skip == 0 && (kind & K_BLOCK))
        block_break(d);
    if (hidden(d, kind))
        d->skip++;
    if (d->skip > 0)
        return;
    if (kind & K_PRE)
        d->pre++;
    if ((kind & K_BR) && d->has_text)
        d->nl_pending++;
}

static void on_end(void *user, const xmlChar *name)
{
    struct html_dec *d = user;
    unsigned kind = element_kind(name);
    if (hidden(d, kind) && d->skip > 0)
        d->skip--;
    else if (d->skip == 0 && (kind & K_PRE) && d->pre > 0)
        d->pre--;
    if (kind & K_SECTION && d->section > 0)
        d->section--;
    if (d->skip == 0 && (kind & K_BLOCK))
        block_break(d);
}

/* Creates the parser: SAX callbacks only, no tree, errors to no-ops. */
static int parser_new(struct html_dec *d)
{
    htmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    sax.startElement = on_start;
    sax.endElement = on_end;
    sax.characters = on_characters;
    /* The HTML parser calls white space between inline elements "ignorable";
     * it separates words all the same. */
    sax.ignorableWhitespace = on_characters;
    /* Errors go to these no-ops, never to libxml2's global handlers. */
    sax.warning = quiet;
    sax.error = quiet;
    sax.fatalError = quiet;
    sax.serror = quiet_structured;
    sax.initialized = XML_SAX2_MAGIC;
    d->ctx = htmlCreatePushParserCtxt(&sax, d, NULL, 0, NULL, XML_CHAR_ENCODING_UTF8);
    int rc = 0;
    if (d->ctx == NULL)
        rc = tally_err_set(d->err, TALLY_ENOMEM, "cannot create the HTML parser");
    else
        htmlCtxtUseOptions(d->ctx, HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                       HTML_PARSE_NONET | HTML_PARSE_IGNORE_ENC);
    return rc;
}

/* Hands the UTF-8 held to libxml2: all of it when `last`, else up to the last
 * '>'. libxml2 2.9 frees the input it has parsed only when it parses a tag
 * near the end of what it was given, so pieces end with one. */
static int push_flush(struct html_dec *d, bool last)
{
    size_t n = d->push.len;
    int rc = 0;
    if (d->ctx == NULL && (rc = parser_new(d)) != 0)
        goto out;
    if (!last) {
        size_t k = n;
        while (k > 0 && d->push.ptr[k - 1] != '>')
            k--;
        n = k > 0 ? k : n;
    }
    if (d->rc == 0 && (n > 0 || last))
        htmlParseChunk(d->ctx, d->push.ptr, (int)n, last ? 1 : 0);
    tally_buf_consume(&d->push, n);
    rc = d->rc;
out:
    return rc;
}

static int push_bytes(struct html_dec *d, const char *s, size_t n)
{
    int rc = 0;
    while (n > 0 && rc == 0) {
        size_t take = PUSH - d->push.len;
        if (take > n)
            take = n;
        if (tally_buf_append(&d->push, s, take) != 0) {
            rc = tally_err_set(d->err, TALLY_ELIMIT, "HTML buffer overflow");
            break;
        }
        s += take;
        n -= take;
        if (d->push.len == PUSH)
            rc = push_flush(d, false);
    }
    return rc;
}

/* Receives valid UTF-8 for libxml2. Its push parser holds text until it sees
 * the next '<', so a long text without one would stay in memory: after
 * TEXT_RUN bytes of text, an empty comment goes in before a white space (it
 * shows nothing and splits no word, entity or tag) and ends a piece. */
static int push_text(void *user, const char *s, size_t n)
{
    struct html_dec *d = user;
    size_t start = 0;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        char c = s[i];
        switch (d->lx) {
        case LX_TEXT:
            if (c == '<') {
                d->lx = LX_TAG;
                d->lx_match = 1;
                d->since_lt = 0;
            } else if (++d->since_lt >= TEXT_RUN && is_html_space(c)) {
                rc = push_bytes(d, s + start, i - start);
                if (rc == 0)
                    rc = push_bytes(d, empty_comment, sizeof empty_comment - 1);
                if (rc == 0)
                    rc = push_flush(d, false);
                start = i;
                d->since_lt = 0;
            }
            break;
        case LX_TAG:
            if (d->lx_match > 0 && d->lx_match < 4 && c == "<!--"[d->lx_match]) {
                if (++d->lx_match == 4) {
                    d->lx = LX_COMMENT;
                    d->lx_match = 0;
                }
            } else {
                d->lx_match = 0;
                if (c == '>')
                    d->lx = LX_TEXT;
            }
            break;
        case LX_COMMENT:
            if (c == '>' && d->lx_match >= 2)
                d->lx = LX_TEXT;
            d->lx_match = c == '-' ? d->lx_match + 1 : 0;
            break;
        }
    }
    return rc != 0 ? rc : push_bytes(d, s + start, n - start);
}

/* Converts the staged raw bytes from the page's charset; keeps an incomplete
 * sequence at the end unless `last`. */
static int convert(struct html_dec *d, bool last)
{
    char *in = d->stage;
    size_t inleft = d->carry;
    int rc = 0;
    while (inleft > 0 && rc == 0) {
        char obuf[16 * 1024];
        char *out = obuf;
        size_t outleft = sizeof obuf;
        size_t r = iconv(d->cd, &in, &inleft, &out, &outleft);
        int e = errno;
        rc = tally_utf8_feed(&d->utf8, obuf, (size_t)(out - obuf));
        if (r != (size_t)-1 || rc != 0 || e == E2BIG)
            continue;
        if (e == EINVAL && !last)
            break;
        /* An invalid (or, at the end, incomplete) sequence: skip a byte. */
        d->out->stats->invalid_utf8++;
        rc = tally_utf8_feed(&d->utf8, TALLY_UTF8_REPLACEMENT, TALLY_UTF8_REPLACEMENT_LEN);
        in++;
        inleft--;
    }
    if (rc == 0 && last) {
        char obuf[64];
        char *out = obuf;
        size_t outleft = sizeof obuf;
        iconv(d->cd, NULL, NULL, &out, &outleft);
        rc = tally_utf8_feed(&d->utf8, obuf, (size_t)(out - obuf));
    }
    memmove(d->stage, in, inleft);
    d->carry = inleft;
    return rc;
}

static int html_feed(decoder *base, const char *raw, size_t n, tally_err *err)
{
    struct html_dec *d = (struct html_dec *)base;
    int rc = 0;
    d->err = err;
    if (d->cd == (iconv_t)-1) {
        rc = tally_utf8_feed(&d->utf8, raw, n);
    } else {
        while (n > 0 && rc == 0) {
            size_t take = STAGE + CARRY - d->carry;
            if (take > n)
                take = n;
            memcpy(d->stage + d->carry, raw, take);
            d->carry += take;
            raw += take;
            n -= take;
            rc = convert(d, false);
        }
    }
    return rc;
}

static int html_finish(decoder *base, tally_err *err)
{
    struct html_dec *d = (struct html_dec *)base;
    int rc = 0;
    d->err = err;
    if (d->cd != (iconv_t)-1)
        rc = convert(d, true);
    if (rc == 0)
        rc = tally_utf8_finish(&d->utf8);
    if (rc == 0)
        rc = push_flush(d, true);
    if (rc == 0)
        block_break(d);
    rc = d->rc != 0 ? d->rc : rc;
    return rc != 0 ? rc : sink_end(d->out);
}

static void html_free(decoder *base)
{
    struct html_dec *d = (struct html_dec *)base;
    if (d == NULL)
        return;
    if (d->ctx != NULL) {
        if (d->ctx->myDoc != NULL)
            xmlFreeDoc(d->ctx->myDoc);
        htmlFreeParserCtxt(d->ctx);
    }
    if (d->cd != (iconv_t)-1)
        iconv_close(d->cd);
    free(d->stage);
    tally_buf_free(&d->push);
    free(d);
}

static bool starts_ci(const char *s, size_t n, const char *prefix)
{
    size_t k = strlen(prefix);
    if (n < k)
        return false;
    for (size_t i = 0; i < k; i++)
        if ((char)tally_to_lower((unsigned char)s[i]) != prefix[i])
            return false;
    return true;
}

/* Copies a charset label, trimmed and lowercased, into `label`. */
static bool take_label(const char *s, size_t n, char label[LABEL])
{
    while (n > 0 && (is_html_space(s[0]) || s[0] == '"' || s[0] == '\''))
        s++, n--;
    size_t k = 0;
    while (k < n && !is_html_space(s[k]) && s[k] != ';' && s[k] != '"' && s[k] != '\'')
        k++;
    if (k == 0 || k >= LABEL)
        return false;
    for (size_t i = 0; i < k; i++)
        label[i] = (char)tally_to_lower((unsigned char)s[i]);
    label[k] = '\0';
    return true;
}

/* Reads the attributes of a <meta> tag at `s[0..n)` (just after "<meta") for
 * a charset; returns the bytes used, setting `*found`. */
static size_t meta_charset(const char *s, size_t n, char label[LABEL], bool *found)
{
    tally_span charset = {NULL, 0}, content = {NULL, 0};
    bool content_type = false;
    size_t i = 0;
    while (i < n && s[i] != '>') {
        if (is_html_space(s[i]) || s[i] == '/') {
            i++;
            continue;
        }
        size_t name = i;
        while (i < n && !is_html_space(s[i]) && s[i] != '=' && s[i] != '>' && s[i] != '/')
            i++;
        size_t name_len = i - name;
        tally_span value = {s + i, 0};
        while (i < n && is_html_space(s[i]))
            i++;
        if (i < n && s[i] == '=') {
            i++;
            while (i < n && is_html_space(s[i]))
                i++;
            char q = i < n && (s[i] == '"' || s[i] == '\'') ? s[i] : 0;
            i += q != 0;
            value.ptr = s + i;
            while (i < n && (q != 0 ? s[i] != q : !is_html_space(s[i]) && s[i] != '>'))
                i++;
            value.len = (size_t)(s + i - value.ptr);
            i += q != 0 && i < n;
        }
        if (name_len == 7 && starts_ci(s + name, name_len, "charset"))
            charset = value;
        else if (name_len == 7 && starts_ci(s + name, name_len, "content"))
            content = value;
        else if (name_len == 10 && starts_ci(s + name, name_len, "http-equiv"))
            content_type = value.len == 12 && starts_ci(value.ptr, value.len, "content-type");
    }
    if (charset.ptr != NULL && take_label(charset.ptr, charset.len, label)) {
        *found = true;
    } else if (content_type && content.ptr != NULL) {
        for (size_t k = 0; k + 8 <= content.len; k++) {
            if (starts_ci(content.ptr + k, content.len - k, "charset=")) {
                *found = take_label(content.ptr + k + 8, content.len - k - 8, label);
                break;
            }
        }
    }
    return i;
}

/* Finds the charset label that a <meta> tag in `s[0..n)` declares. */
static bool find_charset(const char *s, size_t n, char label[LABEL])
{
    size_t i = 0;
    while (i < n) {
        const char *lt = memchr(s + i, '<', n - i);
        if (lt == NULL)
            break;
        i = (size_t)(lt - s);
        if (starts_ci(s + i, n - i, "<!--")) {
            size_t j = i + 4;
            while (j < n && !(j >= i + 6 && s[j] == '>' && s[j - 1] == '-' && s[j - 2] == '-'))
                j++;
            i = j + 1;
        } else if (starts_ci(s + i, n - i, "<meta") && i + 5 < n &&
                   (is_html_space(s[i + 5]) || s[i + 5] == '/')) {
            bool found = false;
            i += 5;
            i += meta_charset(s + i, n - i, label, &found);
            if (found)
                return true;
        } else {
            i++;
        }
    }
    return false;
}

/* The iconv name for a charset label (WHATWG decodes latin1 as windows-1252,
 * and so on), or NULL for UTF-8. */
const char *decode_iconv_name(const char *label)
{
    static const struct {
        const char *label;
        const char *name;
    } aliases[] = {
        {"utf-8", NULL},
        {"utf8", NULL},
        {"unicode-1-1-utf-8", NULL},
        {"utf-16", NULL},
        {"utf-16le", NULL},
        {"utf-16be", NULL},
        {"iso-8859-1", "WINDOWS-1252"},
        {"iso8859-1", "WINDOWS-1252"},
        {"iso_8859-1", "WINDOWS-1252"},
        {"latin1", "WINDOWS-1252"},
        {"l1", "WINDOWS-1252"},
        {"ascii", "WINDOWS-1252"},
        {"us-ascii", "WINDOWS-1252"},
        {"cp819", "WINDOWS-1252"},
        {"ibm819", "WINDOWS-1252"},
        {"x-cp1252", "WINDOWS-1252"},
        {"iso-8859-9", "WINDOWS-1254"},
        {"latin5", "WINDOWS-1254"},
        {"tis-620", "WINDOWS-874"},
        {"iso-8859-11", "WINDOWS-874"},
        {"euc-kr", "CP949"},
        {"ks_c_5601-1987", "CP949"},
        {"korean", "CP949"},
        {"windows-949", "CP949"},
        {"gb2312", "GB18030"},
        {"gbk", "GB18030"},
        {"x-gbk", "GB18030"},
        {"shift_jis", "CP932"},
        {"sjis", "CP932"},
        {"x-sjis", "CP932"},
        {"windows-31j", "CP932"},
    };
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(label, aliases[i].label) == 0)
            return aliases[i].name;
    return label;
}

decoder *decode_html_new(const decode_args *a)
{
    struct html_dec *d = tally_xcalloc(1, sizeof *d);
    d->base.feed = html_feed;
    d->base.finish = html_finish;
    d->base.free = html_free;
    d->out = a->out;
    d->err = a->out->err;
    d->cd = (iconv_t)-1;
    char label[LABEL];
    const char *name = NULL;
    if (!a->bom && find_charset(a->head, a->head_len, label))
        name = decode_iconv_name(label);
    if (name != NULL)
        d->cd = iconv_open("UTF-8", name);
    if (d->cd != (iconv_t)-1)
        d->stage = tally_xmalloc(STAGE + CARRY);
    tally_buf_init(&d->push, PUSH);
    tally_utf8_init(&d->utf8, push_text, d, &a->out->stats->invalid_utf8);
    d->utf8.nul_invalid = true;
    return &d->base;
}
