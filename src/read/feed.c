/* tally: RSS and Atom feeds (tally/fetch.h), read by libxml2's XML parser
 * into a tree and walked once. The three shapes met on the web: RSS 2.0
 * (and 0.9x: <rss><channel><item>), RSS 1.0 (<rdf:RDF><item>) and Atom
 * (<feed><entry>); elements are matched by local name, whatever their
 * namespace prefix. Text is only what the parser turned into text (character
 * references and the five predefined entities): a user-defined entity is
 * never expanded, so a hostile DTD costs nothing, and the parser never
 * touches the network. Part of stage 1, read: includes the public headers
 * of base and the model, and read's own. */
#include "tally/fetch.h"

#include <curl/curl.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tally/ascii.h"
#include "tally/mem.h"
#include "web.h"

enum { TEXT_MAX = 8192 }; /* most bytes of an element's text looked at */

static bool named(const xmlNode *n, const char *name)
{
    return n != NULL && n->type == XML_ELEMENT_NODE && n->name != NULL &&
           strcmp((const char *)n->name, name) == 0;
}

/* The text directly inside `n` (text and CDATA children, not deeper), at
 * most TEXT_MAX bytes on a character boundary; owned, "" when none. */
static char *text_of(const xmlNode *n)
{
    tally_buf b;
    tally_buf_init(&b, TEXT_MAX + 1);
    for (const xmlNode *c = n->children; c != NULL; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content != NULL) {
            size_t len = strlen((const char *)c->content);
            size_t room = TEXT_MAX - b.len;
            if (len > room) {
                len = room;
                while (len > 0 && (c->content[len] & 0xC0) == 0x80)
                    len--;
            }
            tally_buf_append(&b, (const char *)c->content, len);
        }
    tally_buf_append(&b, "", 1);
    return b.ptr;
}

/* The trimmed text of `n`: owned, NULL when empty. */
static char *trimmed(const xmlNode *n)
{
    char *t = text_of(n);
    size_t a = 0, z = strlen(t);
    while (a < z && tally_is_space((unsigned char)t[a]))
        a++;
    while (z > a && tally_is_space((unsigned char)t[z - 1]))
        z--;
    char *out = z > a ? tally_xstrndup(t + a, z - a) : NULL;
    free(t);
    return out;
}

static const char *const MONTHS[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                       "jul", "aug", "sep", "oct", "nov", "dec"};

/* The day of an RFC 822 date ("Mon, 02 Dec 2024 10:00:00 GMT"), else of an
 * ISO one (Atom; some RSS): YYYY-MM-DD owned, or NULL. */
static char *date_of(const char *s)
{
    if (s == NULL)
        return NULL;
    const char *p = s;
    while (*p != '\0' && !tally_is_digit((unsigned char)*p))
        p++;
    int day = 0, k = 0;
    while (tally_is_digit((unsigned char)p[k]) && k < 3)
        day = day * 10 + (p[k++] - '0');
    if (k >= 1 && k <= 2 && p[k] == ' ') {
        const char *m = p + k + 1;
        for (int i = 0; i < 12; i++) {
            bool same = true;
            for (int j = 0; j < 3 && same; j++)
                same = tally_to_lower((unsigned char)m[j]) == (unsigned char)MONTHS[i][j];
            if (!same) /* m may end before m + 3 */
                continue;
            int year = 0, y = 0;
            const char *q = m + 3;
            while (*q != '\0' && !tally_is_digit((unsigned char)*q) && q - m < 16)
                q++;
            while (tally_is_digit((unsigned char)q[y]) && y < 5)
                year = year * 10 + (q[y++] - '0');
            if (y == 4 && day >= 1 && day <= 31) {
                char iso[48];
                snprintf(iso, sizeof iso, "%04d-%02d-%02d", year, i + 1, day);
                return web_day_of(iso);
            }
        }
    }
    return web_day_of(s);
}

/* `href` made absolute against `base`; owned, NULL when it is not a URL
 * libcurl reads. */
static char *absolute(const char *href, const char *base)
{
    if (href == NULL)
        return NULL;
    CURLU *u = curl_url();
    char *out = NULL, *s = NULL;
    if (u == NULL)
        return NULL;
    bool ok = base == NULL || curl_url_set(u, CURLUPART_URL, base, 0) == CURLUE_OK;
    if (ok && curl_url_set(u, CURLUPART_URL, href, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK) {
        out = tally_xstrdup(s);
        curl_free(s);
    }
    curl_url_cleanup(u);
    return out;
}

static bool is_web_url(const char *s)
{
    if (s == NULL)
        return false;
    char scheme[8];
    size_t n = 0;
    while (s[n] != '\0' && s[n] != ':' && n < sizeof scheme - 1) {
        scheme[n] = (char)tally_to_lower((unsigned char)s[n]);
        n++;
    }
    scheme[n] = '\0';
    return s[n] == ':' && (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0);
}

/* Keeps `v` (owned) in *slot unless one is there already. */
static void keep(char **slot, char *v)
{
    if (*slot == NULL)
        *slot = v;
    else
        free(v);
}

/* One <item> or <entry>: appended to `out` when it has an id or a link. */
static void on_item(const xmlNode *item, bool atom, const char *base, tally_feed *out)
{
    char *id = NULL, *link = NULL, *alt = NULL, *title = NULL, *date = NULL, *updated = NULL;
    char *guid_link = NULL;
    for (const xmlNode *c = item->children; c != NULL; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (named(c, "title")) {
            char *t = text_of(c);
            keep(&title, web_clean(t));
            free(t);
        } else if (!atom && named(c, "link")) {
            char *t = trimmed(c);
            keep(&link, absolute(t, base));
            free(t);
        } else if (atom && named(c, "link")) {
            /* rel="alternate" (or none) is the page; self, edit, enclosure... are not */
            xmlChar *rel = xmlGetProp(c, (const xmlChar *)"rel");
            xmlChar *href = xmlGetProp(c, (const xmlChar *)"href");
            if (rel == NULL || strcmp((const char *)rel, "alternate") == 0)
                keep(&alt, absolute((const char *)href, base));
            xmlFree(rel);
            xmlFree(href);
        } else if (named(c, "guid") || (atom && named(c, "id"))) {
            char *t = trimmed(c);
            xmlChar *perma = xmlGetProp(c, (const xmlChar *)"isPermaLink");
            /* an RSS guid is a link unless it says it is not */
            if (!atom && is_web_url(t) && (perma == NULL || strcmp((const char *)perma, "false")))
                keep(&guid_link, absolute(t, base));
            xmlFree(perma);
            keep(&id, t);
        } else if (named(c, "pubDate") || named(c, "published") || named(c, "date") ||
                   named(c, "issued")) {
            char *t = trimmed(c);
            keep(&date, date_of(t));
            free(t);
        } else if (named(c, "updated") || named(c, "modified")) {
            char *t = trimmed(c);
            keep(&updated, date_of(t));
            free(t);
        }
    }
    keep(&link, alt);
    keep(&link, guid_link);
    keep(&date, updated);
    if (id == NULL && link != NULL)
        id = tally_xstrdup(link);
    if (id == NULL) {
        free(title);
        free(date);
        return;
    }
    out->items = tally_xrealloc(out->items, (out->n + 1) * sizeof *out->items);
    out->items[out->n++] = (tally_feed_item){.id = id, .link = link, .title = title, .date = date};
}

/* The items of `parent` named `name` (its direct children). */
static void items_of(const xmlNode *parent, const char *name, bool atom, const char *base,
                     tally_feed *out)
{
    for (const xmlNode *c = parent->children; c != NULL && out->n < TALLY_FEED_MAX_ITEMS;
         c = c->next)
        if (named(c, name))
            on_item(c, atom, base, out);
}

int tally_feed_parse(const char *xml, size_t len, const char *base, tally_feed *out, tally_err *err)
{
    memset(out, 0, sizeof *out);
    if (len > INT_MAX)
        return tally_err_set(err, TALLY_EINPUT, "a feed of more than %d bytes", INT_MAX);
    xmlParserCtxtPtr ctx = xmlNewParserCtxt();
    if (ctx == NULL)
        return tally_err_set(err, TALLY_ENOMEM, "libxml2 cannot start");
    /* no network, no DTD loaded, no entity expanded (XML_PARSE_NOENT is off) */
    xmlDocPtr doc = xmlCtxtReadMemory(ctx, xml, (int)len, base, NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                          XML_PARSE_NOCDATA);
    int rc = 0;
    xmlNode *root = doc != NULL ? xmlDocGetRootElement(doc) : NULL;
    if (doc == NULL || root == NULL) {
        const xmlError *e = xmlCtxtGetLastError(ctx);
        if (e != NULL && e->message != NULL) {
            char msg[120];
            snprintf(msg, sizeof msg, "%s", e->message);
            size_t m = strlen(msg);
            while (m > 0 && (msg[m - 1] == '\n' || msg[m - 1] == ' '))
                msg[--m] = '\0';
            rc =
                tally_err_set(err, TALLY_EINPUT, "not well-formed XML (line %d: %s)", e->line, msg);
        } else {
            rc = tally_err_set(err, TALLY_EINPUT, "not well-formed XML");
        }
    } else if (named(root, "rss")) {
        for (const xmlNode *c = root->children; c != NULL; c = c->next)
            if (named(c, "channel"))
                items_of(c, "item", false, base, out);
    } else if (named(root, "RDF")) {
        items_of(root, "item", false, base, out);
    } else if (named(root, "feed")) {
        items_of(root, "entry", true, base, out);
    } else {
        /* the name is valid UTF-8 (libxml2's): cut on a character boundary */
        const char *name = (const char *)root->name;
        size_t m = strlen(name);
        if (m > 60) {
            m = 60;
            while (m > 0 && ((unsigned char)name[m] & 0xC0) == 0x80)
                m--;
        }
        rc = tally_err_set(err, TALLY_EINPUT,
                           "not an RSS or Atom feed (its root element is <%.*s>)", (int)m, name);
    }
    xmlFreeDoc(doc);
    xmlFreeParserCtxt(ctx);
    return rc;
}

void tally_feed_free(tally_feed *feed)
{
    for (size_t i = 0; i < feed->n; i++) {
        free(feed->items[i].id);
        free(feed->items[i].link);
        free(feed->items[i].title);
        free(feed->items[i].date);
    }
    free(feed->items);
    memset(feed, 0, sizeof *feed);
}
