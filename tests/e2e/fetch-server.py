#!/usr/bin/env python3
"""The web for tests/e2e/fetch.sh: an HTTP server on 127.0.0.1 only, on a
free port it prints first ("port N"), answering each path below the way a
real site might misbehave. Pages are written here, for tally (no article
text from elsewhere). Usage: fetch-server.py"""
import http.server
import sys
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

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/og.html":
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


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
print("port", server.server_address[1], flush=True)
server.serve_forever()
