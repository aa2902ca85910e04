/* tally: what a web page says about itself (tally/fetch.h): its title,
 * outlet and date, from the places publishers put them, most specific
 * first. Open Graph (<meta property="og:title">, "og:site_name",
 * "article:published_time") is what sharing previews read, so it is the
 * most often right; JSON-LD (<script type="application/ld+json">, an
 * object, an array or an "@graph" of them: "headline", "datePublished",
 * "publisher": {"name"}) is what search engines read; <title> often carries
 * the outlet's name after a separator, and <time datetime> may date a
 * comment as well as the article, so both come last. The page is parsed
 * once by libxml2's HTML parser (recovering, never touching the network)
 * and the tree walked once. Part of stage 1, read: includes the public
 * headers of base and the model, and read's own. */
#include "tally/fetch.h"

#include <errno.h>
#include <iconv.h>
#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "tally/ascii.h"
#include "tally/date.h"
#include "tally/mem.h"
#include "tally/utf8.h"
#include "web.h"

enum { VALUE_MAX = 1024 }; /* longest title or outlet kept, in bytes */

/* The candidates of each field by where they came from; the first found of
 * each kind is kept. */
enum { FROM_OG, FROM_LD, FROM_HTML, N_FROM };
struct found {
    char *title[N_FROM], *outlet[N_FROM], *date[N_FROM];
};

static bool eq_ci(const xmlChar *a, const char *b)
{
    if (a == NULL)
        return false;
    for (; *a != '\0' && *b != '\0'; a++, b++)
        if (tally_to_lower(*a) != tally_to_lower((unsigned char)*b))
            return false;
    return *a == '\0' && *b == '\0';
}

/* A copy of `s` with white space runs made one space, trimmed, cut at
 * VALUE_MAX on a character boundary; NULL when empty. An invalid sequence
 * becomes U+FFFD: libxml2 nearly always hands out valid UTF-8, but not
 * after its HTML parser switched encodings in the middle of an entity (a
 * fuzz_page find). */
char *web_clean(const char *s)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen(s);
    char *out = tally_xmalloc(3 * n + 1);
    size_t k = 0;
    bool space = false;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (tally_is_space(c)) {
            space = k > 0;
            i++;
            continue;
        }
        if (space)
            out[k++] = ' ';
        space = false;
        int32_t cp;
        i += tally_utf8_decode(s, n, i, &cp);
        k += tally_utf8_encode((uint32_t)cp, out + k);
    }
    if (k > VALUE_MAX) {
        k = VALUE_MAX;
        while (k > 0 && ((unsigned char)out[k] & 0xC0) == 0x80)
            k--;
    }
    out[k] = '\0';
    if (k == 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* Keeps `v` (owned) in *slot unless one is there already. */
static void keep(char **slot, char *v)
{
    if (*slot == NULL)
        *slot = v;
    else
        free(v);
}

/* The day of a date-time ("2024-03-05T10:00:00Z" -> "2024-03-05"), or of
 * a partial date tally reads; NULL for anything else. */
char *web_day_of(const char *s)
{
    if (s == NULL)
        return NULL;
    while (tally_is_space((unsigned char)*s))
        s++;
    size_t n = 0;
    while (s[n] != '\0' && s[n] != 'T' && s[n] != 't' && s[n] != ' ' && n < 10)
        n++;
    tally_date d;
    char buf[16];
    if (n == 0 || tally_date_parse(s, n, &d) != 0)
        return NULL;
    return tally_xstrdup(tally_date_format(d, buf));
}

static char *attr(xmlNode *n, const char *name)
{
    return (char *)xmlGetProp(n, (const xmlChar *)name);
}

static void on_meta(xmlNode *n, struct found *f)
{
    char *prop = attr(n, "property");
    if (prop == NULL)
        prop = attr(n, "name"); /* some pages write name="og:title" */
    if (prop == NULL)
        return;
    char *content = attr(n, "content");
    const xmlChar *p = (const xmlChar *)prop;
    if (eq_ci(p, "og:title"))
        keep(&f->title[FROM_OG], web_clean(content));
    else if (eq_ci(p, "og:site_name"))
        keep(&f->outlet[FROM_OG], web_clean(content));
    else if (eq_ci(p, "article:published_time"))
        keep(&f->date[FROM_OG], web_day_of(content));
    xmlFree(prop);
    xmlFree(content);
}

static const char *jstr(const json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* A JSON-LD value: an object with the fields, or an array or "@graph" of
 * such; `depth` bounds the walk of a hostile page. */
static void on_ld(const json_t *v, struct found *f, int depth)
{
    if (depth > 8)
        return;
    if (json_is_array(v)) {
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) on_ld(e, f, depth + 1);
        return;
    }
    if (!json_is_object(v))
        return;
    keep(&f->title[FROM_LD], web_clean(jstr(v, "headline")));
    keep(&f->date[FROM_LD], web_day_of(jstr(v, "datePublished")));
    const json_t *pub = json_object_get(v, "publisher");
    if (json_is_object(pub))
        keep(&f->outlet[FROM_LD], web_clean(jstr(pub, "name")));
    on_ld(json_object_get(v, "@graph"), f, depth + 1);
}

static void on_script(xmlNode *n, struct found *f)
{
    char *type = attr(n, "type");
    bool ld = eq_ci((const xmlChar *)type, "application/ld+json");
    xmlFree(type);
    if (!ld)
        return;
    xmlChar *text = xmlNodeGetContent(n);
    if (text == NULL)
        return;
    json_t *j = json_loads((const char *)text, JSON_DECODE_ANY, NULL);
    on_ld(j, f, 0);
    json_decref(j);
    xmlFree(text);
}

static void walk(xmlNode *n, struct found *f, int depth)
{
    /* the tree's depth is bounded by libxml2 (256 unless HTML_PARSE_HUGE);
     * the recursion is bounded with it */
    for (; n != NULL; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (eq_ci(n->name, "meta")) {
            on_meta(n, f);
        } else if (eq_ci(n->name, "script")) {
            on_script(n, f);
        } else if (eq_ci(n->name, "title") && f->title[FROM_HTML] == NULL) {
            xmlChar *t = xmlNodeGetContent(n);
            keep(&f->title[FROM_HTML], web_clean((const char *)t));
            xmlFree(t);
        } else if (eq_ci(n->name, "time") && f->date[FROM_HTML] == NULL) {
            char *dt = attr(n, "datetime");
            keep(&f->date[FROM_HTML], web_day_of(dt));
            xmlFree(dt);
        }
        if (depth < 512)
            walk(n->children, f, depth + 1);
    }
}

/* The first found of `v`, in order of trust; frees the others. */
static char *first(char *v[N_FROM])
{
    char *out = NULL;
    for (int i = 0; i < N_FROM; i++)
        keep(&out, v[i]);
    return out;
}

void tally_page_meta_read(const char *html, size_t len, tally_page_meta *out)
{
    memset(out, 0, sizeof *out);
    if (len == 0 || len > INT_MAX)
        return;
    htmlDocPtr doc = htmlReadMemory(html, (int)len, NULL, NULL,
                                    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                        HTML_PARSE_NONET | HTML_PARSE_NOBLANKS);
    if (doc == NULL)
        return;
    struct found f = {0};
    walk(xmlDocGetRootElement(doc), &f, 0);
    xmlFreeDoc(doc);
    out->title = first(f.title);
    out->outlet = first(f.outlet);
    out->date = first(f.date);
}

void tally_page_meta_free(tally_page_meta *m)
{
    free(m->title);
    free(m->outlet);
    free(m->date);
    memset(m, 0, sizeof *m);
}

static int on_block(const tally_block *b, void *user, tally_err *err)
{
    tally_buf *out = user;
    if (tally_buf_append(out, b->text, b->len) != 0)
        return tally_err_set(err, TALLY_ELIMIT, "the decoded text is over its limit");
    return 0;
}

/* A header line "key: value" when there is a value (one line: the values
 * come from web_clean(), the public URL and the host's outlet, none with a
 * line break). */
static void header_line(tally_buf *out, const char *key, const char *value)
{
    if (value != NULL && value[0] != '\0' && strpbrk(value, "\r\n") == NULL)
        tally_buf_printf(out, "%s: %s\n", key, value);
}

/* The body of `page` in UTF-8 after a byte-order mark, when its
 * Content-Type named a charset iconv knows: the HTTP header outranks what
 * the bytes say (a <meta> charset), as in a browser, and the mark tells the
 * decoders so. A byte the charset does not have becomes U+FFFD, counted in
 * *invalid. NULL when the header named no charset, or one iconv does not
 * know (the decoders then look at the bytes). Caller frees. */
static char *declared_to_utf8(const tally_page *page, size_t *len, size_t *invalid)
{
    if (page->charset == NULL)
        return NULL;
    static const char bom[] = "\xEF\xBB\xBF";
    const char *name = decode_iconv_name(page->charset);
    if (name == NULL) { /* UTF-8 already: only the mark */
        char *out = tally_xmalloc(page->len + 4);
        memcpy(out, bom, 3);
        memcpy(out + 3, page->data, page->len);
        *len = page->len + 3;
        out[*len] = '\0';
        return out;
    }
    iconv_t cd = iconv_open("UTF-8", name);
    if (cd == (iconv_t)-1)
        return NULL;
    /* at most 4 bytes of UTF-8 for each byte in (3 for U+FFFD) */
    size_t cap = 4 * page->len + 8;
    char *out = tally_xmalloc(cap);
    memcpy(out, bom, 3);
    char *in = page->data, *o = out + 3;
    size_t inleft = page->len, outleft = cap - 4;
    while (inleft > 0) {
        if (iconv(cd, &in, &inleft, &o, &outleft) != (size_t)-1)
            continue;
        if (errno == E2BIG || outleft < 3)
            break; /* cannot happen with 4 bytes out for each in */
        /* EILSEQ, or EINVAL at the end: one byte replaced, the rest goes on */
        memcpy(o, "\xEF\xBF\xBD", 3);
        o += 3;
        outleft -= 3;
        in++;
        inleft--;
        (*invalid)++;
    }
    iconv_close(cd);
    *len = (size_t)(o - out);
    out[*len] = '\0';
    return out;
}

int tally_page_document(const tally_page *page, tally_buf *out, size_t *invalid_utf8,
                        tally_err *err)
{
    tally_page_meta m = {0};
    tally_doc_mem d;
    size_t converted_len = 0, invalid = 0;
    char *converted = declared_to_utf8(page, &converted_len, &invalid);
    if (converted != NULL)
        tally_doc_mem_open(&d, converted, converted_len);
    else
        tally_doc_mem_open(&d, page->data, page->len);
    if (page->format == TALLY_FORMAT_HTML ||
        (page->format == TALLY_FORMAT_AUTO && !d.binary && d.body_len > 0 && d.body[0] == '<'))
        tally_page_meta_read(d.body, d.body_len, &m);
    char *url = tally_url_public(page->url);
    char *outlet = tally_url_outlet(page->url);
    /* the page's own header, if it has one, comes second to what it says
     * in its markup */
    header_line(out, "url", url);
    header_line(out, "title",
                m.title != NULL   ? m.title
                : d.title != NULL ? d.title
                                  : page->feed_title);
    header_line(out, "outlet", m.outlet != NULL ? m.outlet : d.outlet != NULL ? d.outlet : outlet);
    header_line(out, "date", m.date != NULL ? m.date : d.date != NULL ? d.date : page->feed_date);
    tally_buf_append(out, "\n", 1);
    tally_doc_opts opts = {.format = page->format};
    tally_doc_handler h = {.on_block = on_block, .user = out};
    tally_doc_stats stats = {0};
    int rc = tally_doc_mem_read(&d, page->url, &opts, &h, &stats, err);
    if (rc == 0 && tally_buf_full(out))
        rc = tally_err_set(err, TALLY_ELIMIT, "the document is over its limit");
    *invalid_utf8 = stats.invalid_utf8 + d.invalid_utf8 + invalid;
    free(converted);
    free(url);
    free(outlet);
    tally_doc_mem_close(&d);
    tally_page_meta_free(&m);
    return rc;
}
