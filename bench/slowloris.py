#!/usr/bin/env python3
"""Slow connections against tally serve, and how many normal requests get through.

Usage: slowloris.py URL [--slow N] [--interval S] [--duration S] [--normal M]
                        [--timeout S] [--check]

Opens N connections to URL's host that each send a request line and then one
header line every S seconds, never finishing their head; a connection the
server closes is opened again at once, so N are held all along (a slowloris
attack). Meanwhile one client asks for URL again and again (at most M times,
each with --timeout seconds to answer), for --duration seconds. Prints how
many normal requests succeeded (HTTP 200), and what the server did with the
slow connections: how many it answered and with what status, and how long
after their start. With --check the exit status is 1 unless every normal
request succeeded and the server answered slow connections with a JSON error
before the attack ended.
"""

import argparse
import http.client
import json
import resource
import selectors
import socket
import statistics
import sys
import threading
import time
import urllib.parse


def normal_requests(url, count, timeout, until, out):
    """Asks for url until `until` or `count` answers; appends (ok, seconds)."""
    u = urllib.parse.urlsplit(url)
    path = (u.path or "/") + ("?" + u.query if u.query else "")
    while len(out) < count and time.monotonic() < until:
        t0 = time.monotonic()
        ok = False
        try:
            c = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)
            c.request("GET", path)
            r = c.getresponse()
            body = r.read()
            ok = r.status == 200 and len(body) > 0
            c.close()
        except (OSError, http.client.HTTPException):
            ok = False
        out.append((ok, time.monotonic() - t0))
        if not ok:
            time.sleep(0.2)


class Slow:
    """One slow connection: its socket, start, next send and what came back."""

    def __init__(self, host, port):
        self.sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        self.sock.setblocking(False)
        self.sock.connect_ex((host, port))
        self.start = time.monotonic()
        self.sent_head = False
        self.reply = b""


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("url")
    ap.add_argument("--slow", type=int, default=600, help="slow connections held (600)")
    ap.add_argument("--interval", type=float, default=5.0, help="seconds between their header lines (5)")
    ap.add_argument("--duration", type=float, default=30.0, help="seconds of attack (30)")
    ap.add_argument("--normal", type=int, default=100, help="normal requests at most (100)")
    ap.add_argument("--timeout", type=float, default=5.0, help="seconds a normal request may take (5)")
    ap.add_argument("--check", action="store_true", help="exit 1 unless all normal requests succeed")
    a = ap.parse_args()

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = a.slow + 64
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, hard), hard))
    u = urllib.parse.urlsplit(a.url)
    host, port = u.hostname, u.port or 80

    sel = selectors.DefaultSelector()
    conns = {}

    def open_one():
        s = Slow(host, port)
        conns[s.sock.fileno()] = s
        sel.register(s.sock, selectors.EVENT_READ, s)
        return s

    for _ in range(a.slow):
        open_one()
    time.sleep(0.2)  # let the connections be accepted before the first send

    start = time.monotonic()
    until = start + a.duration
    results = []
    t = threading.Thread(target=normal_requests, args=(a.url, a.normal, a.timeout, until, results))
    t.start()

    answered = {}  # status -> count
    closed_after = []  # seconds from a connection's start to the server closing it
    opened = a.slow
    next_send = time.monotonic()
    while time.monotonic() < until:
        now = time.monotonic()
        if now >= next_send:
            for s in list(conns.values()):
                try:
                    if not s.sent_head:
                        s.sock.send(b"GET / HTTP/1.1\r\nHost: %s\r\n" % host.encode())
                        s.sent_head = True
                    else:
                        s.sock.send(b"X-Slow: 1\r\n")
                except (BlockingIOError, InterruptedError):
                    pass
                except OSError:
                    pass  # reset: the read below sees it
            next_send = now + a.interval
        for key, _ in sel.select(timeout=max(0.0, min(next_send, until) - time.monotonic())):
            s = key.data
            try:
                data = s.sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                data = b""
            if data:
                s.reply += data
                continue
            # closed by the server: note how and when, and connect again
            status = "closed without an answer"
            if s.reply.startswith(b"HTTP/1."):
                code = s.reply.split(b" ", 2)[1].decode("ascii", "replace")
                body = s.reply.split(b"\r\n\r\n", 1)[-1]
                try:
                    json.loads(body)
                    status = code + " (JSON)"
                except ValueError:
                    status = code + " (not JSON)"
            answered[status] = answered.get(status, 0) + 1
            closed_after.append(time.monotonic() - s.start)
            sel.unregister(s.sock)
            del conns[s.sock.fileno()]
            s.sock.close()
            open_one()
            opened += 1
    t.join()
    for s in conns.values():
        s.sock.close()

    ok = sum(1 for r in results if r[0])
    lat = [r[1] for r in results if r[0]]
    print(f"slow connections: {a.slow} held for {a.duration:g} s, a header line every {a.interval:g} s"
          f" ({opened} opened in all)")
    if closed_after:
        print(f"  closed by the server: {len(closed_after)}, after {statistics.median(closed_after):.1f} s"
              f" (median; {min(closed_after):.1f} to {max(closed_after):.1f} s)")
        for status, n in sorted(answered.items()):
            print(f"    {n} {status}")
    else:
        print("  closed by the server: none")
    print(f"normal requests during the attack: {ok} of {len(results)} succeeded"
          + (f" (median {1000 * statistics.median(lat):.0f} ms, max {1000 * max(lat):.0f} ms)" if lat else ""))
    if a.check:
        json_answers = sum(n for st, n in answered.items() if st.endswith("(JSON)"))
        good = len(results) > 0 and ok == len(results) and json_answers > 0
        return 0 if good else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
