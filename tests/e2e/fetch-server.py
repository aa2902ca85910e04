#!/usr/bin/env python3
"""The web for tests/e2e/fetch.sh and watch.sh: an HTTP server on 127.0.0.1
only, on a free port it prints first ("port N"), answering each path below
the way a real site might misbehave; and a second site, another host of
loopback (127.0.0.2; 127.0.0.1 on another port where that cannot be
bound), with robots.txt of its own, that redirects lead to ("other
http://HOST:PORT", printed before the port). Each request is logged on stderr as
"REQ <monotonic seconds> <path> <If-None-Match> <If-Modified-Since>"
("REQ2 ..." for the second site) so that tests count what was asked and
when. Pages are written here, for tally (no article text from elsewhere).
Usage: fetch-server.py"""
import http.server
import sys
import threading
import time

OG = b"""<!doctype html><html><head><title>Shells for Russia | Example News</title>
<meta property="og:title" content="Shells  for
 Russia">
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
</head><body><h1>Shells for Russia</h1>
<p>North Korea has sent more than 1 million artillery shells to Russia, officials said.</p>
</body></html>
"""
LD = b"""<html><head><title>Drones | The Ledger</title>
<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [
 {"@type": "WebSite", "name": "x"},
 {"@type": "NewsArticle", "headline": "Drones from Iran", "datePublished": "2023-11-02",
  "publisher": {"@type": "Organization", "name": "The Ledger"}}]}</script>
</head><body><p><time datetime="2020-01-01">long ago</time></p>
<p>Iran supplied 400 drones to Russia, according to officials.</p></body></html>
"""
TIME = b"""<html><head><title>Only a title</title></head><body>
<p>Posted <time datetime="2022-07-14T08:00">July 14</time></p>
<p>A plain page with 20 rounds.</p></body></html>
"""
TEXT = b"A plain text report: 500 tonnes of fuel went to Russia.\n"
MD = b"# A Markdown report\n\nAbout *300* trucks were sent.\n"


# how many times each path was asked for (paths that fail, then succeed)
COUNTS = {}
LOCK = threading.Lock()

# robots.txt: tally has a group of its own, so the "*" group is not its
ROBOTS = b"""# test rules
User-agent: *
Disallow: /private/

User-agent: Tally/2.0
Disallow: /forbidden
Allow: /forbidden/ok
"""

# pages of the feeds' items
def item_page(title, figure):
    return ("<html><head><title>%s</title>"
            "<meta property=\"article:published_time\" content=\"2024-05-01\">"
            "</head><body><p>Russia received %s artillery shells from North Korea,"
            " officials said.</p></body></html>\n" % (title, figure)).encode()

ITEMS = {
    "/items/a.html": item_page("Item A", "100,000"),
    "/items/b.html": item_page("Item B", "200,000"),
    "/items/c.html": item_page("Item C", "300,000"),
    "/items/d.html": item_page("Item D", "400,000"),
    "/items/e.html": item_page("Item E", "500,000"),
    "/forbidden/x.html": item_page("Forbidden", "1"),
    "/forbidden/ok/y.html": item_page("Allowed", "2"),
    "/private/z.html": item_page("Private to others", "3"),
}

# the RSS feed grows by one item when /feed-add is asked for
FEED_STATE = {"extra": 0}


def rss():
    items = [
        ("a", "/items/a.html?utm_source=feed&token=s3cret", "Mon, 29 Apr 2024 08:00:00 GMT"),
        ("b", "/items/b.html", "Tue, 30 Apr 2024 08:00:00 GMT"),
    ]
    if FEED_STATE["extra"]:
        items.append(("c", "/items/c.html", "Wed, 01 May 2024 08:00:00 GMT"))
    body = ['<?xml version="1.0" encoding="utf-8"?>',
            '<!DOCTYPE rss [<!ENTITY boom "boom">]>',
            '<rss version="2.0"><channel><title>Test &amp; feed</title>']
    for key, link, date in items:
        body.append("<item><title>Item %s &boom;</title><link>%s</link>"
                    "<guid isPermaLink=\"false\">item-%s</guid><pubDate>%s</pubDate></item>"
                    % (key.upper(), link.replace("&", "&amp;"), key, date))
    body.append("</channel></rss>")
    return "\n".join(body).encode()


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
 <title>Test Atom</title>
 <link rel="self" href="/atom.xml"/>
 <entry><title type="html">Item D</title><id>tag:127.0.0.1,2024:d</id>
  <link rel="alternate" href="items/d.html"/><link rel="edit" href="/edit/d"/>
  <published>2024-05-02T10:00:00Z</published></entry>
 <entry><title>Item B again</title><id>tag:127.0.0.1,2024:b</id>
  <link href="/items/b.html"/><updated>2024-05-03T10:00:00Z</updated></entry>
</feed>
"""
ATOM_DATE = "Fri, 03 May 2024 10:00:00 GMT"

# a feed whose items are refused, broken or forbidden
MIXED = b"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>Mixed</title>
<item><title>E</title><link>/items/e.html</link></item>
<item><title>Broken</title><link>/items/broken.html</link></item>
<item><title>Forbidden</title><link>/forbidden/x.html</link></item>
<item><title>Allowed</title><link>/forbidden/ok/y.html</link></item>
<item><title>Private</title><link>/private/z.html</link></item>
<item><title>No link</title><guid isPermaLink="false">nolink-1</guid></item>
<item><title>Plain, titled by the feed</title><link>/plain.txt</link>
<pubDate>Thu, 02 May 2024 08:00:00 GMT</pubDate></item>
</channel></rss>
"""

# "Café: 500 tonnes" in Latin-1 (é is 0xE9, invalid alone in UTF-8)
LATIN1 = b"Caf\xe9 au lait: 500 tonnes of fuel went to Russia, na\xefvely.\n"
# UTF-8 bytes whose <meta> claims windows-1252: the header's charset wins
CONFLICT = ("<html><head><meta charset=\"windows-1252\"><title>Conflict</title></head>"
            "<body><p>Caf\u00e9 cr\u00e8me: 20 rounds.</p></body></html>\n").encode("utf-8")


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, code, ctype, body, length=True):
        self.send_response(code)
        if ctype is not None:
            self.send_header("Content-Type", ctype)
        if length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, where):
        self.send_response(302)
        self.send_header("Location", where)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def cached(self, ctype, body, etag=None, modified=None):
        """A 304 when the request's validators match, else the body with them."""
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if (etag is not None and inm == etag) or (etag is None and modified is not None
                                                  and ims == modified):
            self.send_response(304)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        if etag is not None:
            self.send_header("ETag", etag)
        if modified is not None:
            self.send_header("Last-Modified", modified)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def logged(self, tag):
        """The request's path (without its query), logged with `tag`."""
        path = self.path.split("?")[0]
        with LOCK:
            sys.stderr.write("%s %.3f %s %s %s\n" % (tag, time.monotonic(), path,
                             self.headers.get("If-None-Match", "-"),
                             (self.headers.get("If-Modified-Since") or "-").replace(" ", "_")))
            sys.stderr.flush()
        return path

    def do_GET(self):
        path = self.logged("REQ")
        if path == "/robots.txt":
            self.send(200, "text/plain", ROBOTS)
        elif path == "/feed.rss":
            self.cached("application/rss+xml", rss(), etag='"rss-%d"' % FEED_STATE["extra"])
        elif path == "/feed-add":
            FEED_STATE["extra"] = 1
            self.send(200, "text/plain", b"added\n")
        elif path == "/atom.xml":
            self.cached("application/atom+xml; charset=utf-8", ATOM, modified=ATOM_DATE)
        elif path == "/mixed.xml":
            self.send(200, "text/xml", MIXED)
        elif path == "/broken.xml":
            self.send(200, "application/rss+xml", b"<rss><channel><item><title>x</title></chan")
        elif path == "/items/broken.html":
            self.send(500, "text/plain", b"broken\n")
        elif path in ITEMS:
            self.send(200, "text/html; charset=utf-8", ITEMS[path])
        elif path == "/latin1.txt":
            self.send(200, "text/plain; charset=ISO-8859-1", LATIN1)
        elif path == "/bad-utf8.txt":
            self.send(200, "text/plain; charset=utf-8", LATIN1)
        elif path == "/conflict.html":
            self.send(200, 'text/html; charset="utf-8"', CONFLICT)
        elif path == "/etag.html":
            self.cached("text/html", OG, etag='"og-1"')
        elif path == "/og.html":
            self.send(200, "text/html; charset=utf-8", OG)
        elif path == "/ld.html":
            self.send(200, "text/html", LD)
        elif path == "/time.html":
            self.send(200, "text/html", TIME)
        elif path == "/plain.txt":
            self.send(200, "text/plain; charset=utf-8", TEXT)
        elif path == "/notes.md":
            self.send(200, "text/markdown", MD)
        elif path == "/ua":
            self.send(200, "text/plain", self.headers.get("User-Agent", "").encode() + b"\n")
        elif path == "/image.png":
            self.send(200, "image/png", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
        elif path in ("/big", "/big-length"):
            # 50 MB: without a length, cut while it streams; with one,
            # refused from the headers
            size = 50 * 1000 * 1000
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            if path == "/big-length":
                self.send_header("Content-Length", str(size))
            else:
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            chunk = b"x" * 65536
            try:
                for _ in range(size // len(chunk)):
                    self.wfile.write(chunk)
            except OSError:
                pass
        elif path == "/loop":
            self.redirect("/loop2")
        elif path == "/loop2":
            self.redirect("/loop")
        elif path == "/to-og":
            self.redirect("/og.html")
        elif path == "/to-file":
            self.redirect("file:///etc/passwd")
        elif path == "/to-forbidden":
            # to a path robots.txt forbids to tally
            self.redirect("/forbidden/x.html")
        elif path == "/to-other-closed":
            # to the other site, where its robots.txt forbids the path
            self.redirect(OTHER + "/closed/page.html")
        elif path == "/chain":
            # a chain that ends well: 301 here, 307 on the other site, the page here
            self.send_response(301)
            self.send_header("Location", OTHER + "/open/hop")
            self.send_header("Content-Type", "text/html")
            body = b"<html><body>moved</body></html>"
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif path in ("/slow-hop", "/slow-hop2"):
            # two slow redirects: each shorter than a 1 s --timeout, not both
            time.sleep(0.7)
            self.redirect("/slow-hop2" if path == "/slow-hop" else "/plain.txt")
        elif path == "/to-etag":
            self.redirect("/etag.html")
        elif path == "/slow":
            time.sleep(8)
            self.send(200, "text/plain", TEXT)
        elif path.startswith("/flaky"):
            # 500 the first time, then the page
            COUNTS[path] = COUNTS.get(path, 0) + 1
            if COUNTS[path] == 1:
                self.send(500, "text/plain", b"try again\n")
            else:
                self.send(200, "text/plain", TEXT)
        elif path.startswith("/busy"):
            # 429 with Retry-After: 1 the first time, then the page
            COUNTS[path] = COUNTS.get(path, 0) + 1
            if COUNTS[path] == 1:
                self.send_response(429)
                self.send_header("Retry-After", "1")
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self.send(200, "text/plain", TEXT + path.encode() + b" " + str(COUNTS[path]).encode() + b"\n")
        elif path == "/closed":
            self.send_response(429)
            self.send_header("Retry-After", "3600")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/error":
            self.send(500, "text/plain", b"server error\n")
        else:
            self.send(404, "text/plain", b"not found\n")


# the other site: robots.txt forbids /closed/ to every crawler
OTHER_ROBOTS = b"User-agent: *\nDisallow: /closed/\n"


class OtherHandler(Handler):
    def do_GET(self):
        path = self.logged("REQ2")
        if path == "/robots.txt":
            self.send(200, "text/plain", OTHER_ROBOTS)
        elif path == "/open/hop":
            self.send_response(307)
            self.send_header("Location", MAIN + "/items/e.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path in ("/closed/page.html", "/open/page.html"):
            self.send(200, "text/html", ITEMS["/items/a.html"])
        else:
            self.send(404, "text/plain", b"not found\n")


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
try:
    other = http.server.ThreadingHTTPServer(("127.0.0.2", 0), OtherHandler)
except OSError:
    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), OtherHandler)
other.daemon_threads = True
MAIN = "http://127.0.0.1:%d" % server.server_address[1]
OTHER = "http://%s:%d" % other.server_address[:2]
threading.Thread(target=other.serve_forever, daemon=True).start()
print("other", OTHER, flush=True)
print("port", server.server_address[1], flush=True)
server.serve_forever()
