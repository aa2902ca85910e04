#!/usr/bin/env bash
# End-to-end tests of tally fetch against a server on 127.0.0.1 only
# (tests/e2e/fetch-server.py, on a free port): metadata from Open Graph,
# JSON-LD, <title> and <time>, the host as outlet; the stored URL without
# credentials or query; --save writing the NAME.txt the ingest used (which
# tally ingest then finds unchanged); text and Markdown bodies; the
# User-Agent; and each failure named with its URL and reason while the other
# pages are ingested: a 50 MB body (with and without a Content-Length), a
# wrong content type, a redirect loop, a redirect to file://, a redirect to
# a path robots.txt forbids (on the host, on another), a chain, a slow server
# (--timeout), an HTTP 500, a scheme other than http; and tried again: a 500
# then the page, a 429 with Retry-After then the page, a Retry-After too long;
# politeness: robots.txt (tally's group, not "*"), requests to one host at
# least --delay apart, an ETag sent back and the 304; the charset of the
# Content-Type (Latin-1 bytes, invalid as UTF-8, read right; the header over
# a <meta>); the raw bytes kept; a feed refused as a page. No address
# outside 127.0.0.0/8 is ever asked for.
# Usage: fetch.sh TALLY SOURCE_DIR   (needs python3 and sqlite3)
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_args 2 "TALLY SOURCE_DIR" "$@"
e2e_needs python3 sqlite3
start_web
DB=$T/fetch.db

# q SQL: one value from the database.
q() {
    sqlite3 "$DB" "$1"
}

# ---- metadata -----------------------------------------------------------------
mkdir "$T/saved"
run "$TALLY" fetch --delay 0 --db "$DB" --save "$T/saved" "http://user:secret@127.0.0.1:$PORT/og.html?token=abc#top" \
    "$W/ld.html" "$W/time.html" "$W/plain.txt" "$W/notes.md"
expect_rc og_rc 0
expect_out_has og_summary "pages: 5 fetched"
expect_out_has og_docs "documents: 5 new"
expect_eq og_url "$(q "SELECT url FROM documents WHERE name = 'og'")" "$W/og.html"
expect_eq og_no_secret "$(q "SELECT count(*) FROM documents WHERE key || url || origin LIKE '%secret%' OR key || url || origin LIKE '%token%'")" 0
expect_eq og_title "$(q "SELECT title FROM documents WHERE name = 'og'")" "Shells for Russia"
expect_eq og_outlet "$(q "SELECT outlet FROM documents WHERE name = 'og'")" "Example News"
expect_eq og_date "$(q "SELECT date FROM documents WHERE name = 'og'")" "2024-03-05"
expect_eq og_claim "$(q "SELECT count(*) > 0 FROM claims JOIN documents d ON d.id = claims.doc_id WHERE d.name = 'og'")" 1
# JSON-LD in an @graph, before the <time> of the page
expect_eq ld_title "$(q "SELECT title FROM documents WHERE name = 'ld'")" "Drones from Iran"
expect_eq ld_outlet "$(q "SELECT outlet FROM documents WHERE name = 'ld'")" "The Ledger"
expect_eq ld_date "$(q "SELECT date FROM documents WHERE name = 'ld'")" "2023-11-02"
# <title> and <time datetime>; the host as outlet
expect_eq time_title "$(q "SELECT title FROM documents WHERE name = 'time'")" "Only a title"
expect_eq time_outlet "$(q "SELECT outlet FROM documents WHERE name = 'time'")" "127.0.0.1"
expect_eq time_date "$(q "SELECT date FROM documents WHERE name = 'time'")" "2022-07-14"
# text and Markdown bodies: no title of their own
expect_eq plain_title "$(q "SELECT coalesce(title, 'none') FROM documents WHERE name = 'plain'")" "none"
expect_eq md_body "$(q "SELECT instr(body, 'About 300 trucks') > 0 FROM documents WHERE name = 'notes'")" 1

# --save: the document ingested, header and text
expect_eq save_files "$(cd "$T/saved" && ls | tr '\n' ' ')" "ld.txt notes.txt og.txt plain.txt time.txt "
expect_eq save_header "$(head -n 5 "$T/saved/og.txt" | tr '\n' '|')" \
    "url: $W/og.html|title: Shells for Russia|outlet: Example News|date: 2024-03-05||"
if grep -q "more than 1 million artillery shells" "$T/saved/og.txt" && ! grep -q '<p>' "$T/saved/og.txt"; then
    pass
else
    fail save_text "the decoded text is not in og.txt: $(head -c 300 "$T/saved/og.txt")"
fi
# ... which is the same document to tally ingest
run "$TALLY" ingest --db "$DB" "$T/saved"
expect_rc save_reingest_rc 0
expect_out_has save_reingest "0 new, 5 unchanged"
# fetched again: unchanged
run "$TALLY" fetch --delay 0 --db "$DB" "$W/og.html"
expect_out_has refetch "0 new, 1 unchanged"

# the User-Agent names tally and its version
mkdir "$T/ua"
run "$TALLY" fetch --delay 0 --db "$T/ua.db" --save "$T/ua" "$W/ua"
expect_eq user_agent "$(tail -n 1 "$T/ua/ua.txt")" "tally/$("$TALLY" --version | cut -d' ' -f2)"

# a redirect followed: the URL where the page is
run "$TALLY" fetch --delay 0 --db "$T/redir.db" "$W/to-og"
expect_rc redirect_rc 0
expect_eq redirect_url "$(sqlite3 "$T/redir.db" 'SELECT url FROM documents')" "$W/og.html"

# ---- failures: each named with its URL and reason, the rest ingested -----------
printf '# pages\n\n%s\n  %s  \n%s\n' "$W/error" "$W/og.html" "$W/image.png" >"$T/urls"
run "$TALLY" fetch --delay 0 --db "$T/mixed.db" --urls "$T/urls"
expect_rc mixed_rc 1
expect_err_has error_500 "$W/error: HTTP status 500 (tried 3 times)"
expect_err_has wrong_type "$W/image.png: content type image/png refused"
expect_out_has mixed_summary "pages: 1 fetched"
expect_out_has mixed_failed "2 failed"
expect_eq mixed_stored "$(sqlite3 "$T/mixed.db" 'SELECT name FROM documents')" "og"

run "$TALLY" fetch --delay 0 --db "$T/big.db" "$W/big" "$W/big-length" "$W/plain.txt"
expect_rc big_rc 1
expect_err_has big_stream "$W/big: the body is larger than the limit of 10000000 bytes"
expect_err_has big_length "$W/big-length: the body is larger than the limit of 10000000 bytes"
expect_eq big_rest "$(sqlite3 "$T/big.db" 'SELECT name FROM documents')" "plain"
run "$TALLY" fetch --delay 0 --db "$T/small.db" --max-size 20 "$W/plain.txt"
expect_err_has max_size "$W/plain.txt: the body is larger than the limit of 20 bytes"

run "$TALLY" fetch --delay 0 --db "$T/loop.db" "$W/loop" "$W/to-file"
expect_rc loop_rc 1
expect_err_has loop "$W/loop: more than 5 redirects"
if grep -q "$W/to-file: " "$T/err" && ! grep -q 'root:' "$T/err"; then pass; else fail to_file "a redirect to file:// not refused"; fi
expect_out_has loop_none "pages: 0 fetched"
# 5 redirects followed, the sixth refused: six requests
expect_eq loop_requests "$(asked /loop) $(asked /loop2)" "3 3"
expect_err_has to_file_msg "$W/to-file: redirected to file:///etc/passwd: not an http or https URL"

run "$TALLY" fetch --delay 0 --db "$T/slow.db" --timeout 1 "$W/slow" "$W/plain.txt"
expect_rc slow_rc 1
expect_err_has slow "$W/slow: "
expect_err_has slow_why "timed out"
expect_eq slow_rest "$(sqlite3 "$T/slow.db" 'SELECT name FROM documents')" "plain"
# the redirects of one page share its --timeout
run "$TALLY" fetch --delay 0 --db "$T/slow.db" --timeout 1 "$W/slow-hop"
expect_rc slow_hops_rc 1
expect_err_has slow_hops "$W/slow-hop: "
expect_err_has slow_hops_why "timed out"

run "$TALLY" fetch --delay 0 --db "$T/scheme.db" "file:///etc/passwd" "ftp://127.0.0.1:$PORT/x"
expect_rc scheme_rc 1
expect_err_has scheme_file "file:///etc/passwd: not an http or https URL"
expect_err_has scheme_ftp "ftp://127.0.0.1:$PORT/x: not an http or https URL"

# ---- tried again: a 500 then the page, a 429 with Retry-After then the page ------
run "$TALLY" fetch --delay 0 --db "$T/retry.db" --retries 0 "$W/flaky-a"
expect_rc retry_none_rc 1
expect_err_has retry_none "$W/flaky-a: HTTP status 500"
run "$TALLY" fetch --delay 0 --db "$T/retry.db" "$W/flaky-b"
expect_rc retry_500_rc 0
expect_out_has retry_500 "pages: 1 fetched"
mkdir "$T/busy"
run "$TALLY" fetch --delay 0 --db "$T/retry.db" --save "$T/busy" "$W/busy"
expect_rc retry_429_rc 0
if grep -q "/busy 2" "$T/busy/busy.txt"; then pass; else fail retry_429 "not the second answer: $(cat "$T/busy/busy.txt")"; fi
# a Retry-After longer than tally waits: no second try
run "$TALLY" fetch --delay 0 --db "$T/retry.db" "$W/closed"
expect_rc retry_closed_rc 1
expect_err_has retry_closed "$W/closed: HTTP status 429, and Retry-After asks to wait 3600 s"

# ---- politeness: robots.txt, one host's requests apart, conditional GET ------------
# tally's own group (User-agent: Tally/2.0) forbids /forbidden but allows
# /forbidden/ok; the "*" group's /private/ is not tally's
run "$TALLY" fetch --delay 0 --db "$T/robots.db" "$W/forbidden/x.html" "$W/forbidden/ok/y.html" \
    "$W/private/z.html"
expect_rc robots_rc 1
expect_err_has robots_forbids "$W/forbidden/x.html: robots.txt of http://127.0.0.1:$PORT forbids it to tally"
expect_eq robots_never_asked "$(asked /forbidden/x.html)" 0
expect_eq robots_rest "$(sqlite3 "$T/robots.db" 'SELECT group_concat(name, " ") FROM (SELECT name FROM documents ORDER BY name)')" "y z"
expect_out_has robots_summary "pages: 2 fetched"

# one request at a time per host, 1 s apart by default: robots.txt, then
# two pages (the waits are at least the delay: a lower bound, never flaky)
before=$(wc -l <"$WLOG")
run "$TALLY" fetch --db "$T/delay.db" "$W/items/a.html" "$W/items/b.html"
expect_rc delay_rc 0
# (only the REQ lines: a traceback of an earlier test's connection, closed
# under the server, may land in the log at any time)
gaps=$(tail -n +"$((before + 1))" "$WLOG" | grep '^REQ ' | awk '{ if (NR > 1) printf "%s ", ($2 - t >= 0.95) ? "ok" : "short"; t = $2 }')
expect_eq delay_gaps "$gaps" "ok ok "
run "$TALLY" fetch --db "$T/delay.db" --delay x "$W/items/a.html"
expect_rc delay_bad 2

# conditional GET: the ETag kept, sent back, and a 304 costs nothing
run "$TALLY" fetch --delay 0 --db "$T/cond.db" "$W/etag.html"
expect_rc cond_first_rc 0
expect_eq cond_etag "$(sqlite3 "$T/cond.db" "SELECT etag FROM http_validators WHERE url = '$W/etag.html'")" '"og-1"'
run "$TALLY" fetch --delay 0 --db "$T/cond.db" "$W/etag.html"
expect_rc cond_304_rc 0
expect_out_has cond_304 "pages: 0 fetched (0 bytes), 1 not modified, 0 failed"
expect_eq cond_sent "$(grep -c '^REQ [0-9.]* /etag.html "og-1"' "$WLOG")" 1

# ---- redirects: tally follows them, each hop checked as the first request -----------
# to a path robots.txt forbids, on the same host and on another one (whose
# robots.txt is read once): refused, naming both URLs; never asked; nothing stored
run "$TALLY" fetch --delay 0 --db "$T/hop.db" "$W/to-forbidden" "$W/to-other-closed"
expect_rc hop_robots_rc 1
expect_err_has hop_robots "$W/to-forbidden: redirected to $W/forbidden/x.html: robots.txt of $W forbids it to tally"
expect_err_has hop_other "$W/to-other-closed: redirected to $W2/closed/page.html: robots.txt of $W2 forbids it to tally"
expect_eq hop_never_asked "$(asked /forbidden/x.html) $(asked /closed/page.html 2)" "0 0"
expect_eq hop_other_robots "$(asked /robots.txt 2)" 1
expect_eq hop_nothing_stored "$(sqlite3 "$T/hop.db" 'SELECT (SELECT count(*) FROM documents) + (SELECT count(*) FROM http_validators) + (SELECT count(*) FROM raw_pages)')" 0
expect_out_has hop_summary "pages: 0 fetched (0 bytes), 0 not modified, 2 failed"
# a chain that ends well: 301 here (with a body of its own), 307 there, the
# page here; the document is where the chain ended, the refused one beside it
# failed (the other site's robots.txt read once in the run)
run "$TALLY" fetch --delay 0 --db "$T/chain.db" "$W/chain" "$W/to-other-closed"
expect_rc chain_rc 1
expect_eq chain_hops "$(asked /chain) $(asked /open/hop 2) $(asked /items/e.html)" "1 1 1"
expect_eq chain_url "$(sqlite3 "$T/chain.db" 'SELECT url FROM documents')" "$W/items/e.html"
expect_eq chain_raw "$(sqlite3 "$T/chain.db" 'SELECT url FROM raw_pages')" "$W/items/e.html"
expect_eq chain_other_robots "$(asked /robots.txt 2)" 2
# the validators: those of the page where the chain ended, kept under the
# URL asked for, sent with each hop the next time (and the 304 counted)
run "$TALLY" fetch --delay 0 --db "$T/chain.db" "$W/to-etag"
expect_rc chain_etag_rc 0
expect_eq chain_etag "$(sqlite3 "$T/chain.db" "SELECT url || ' ' || etag FROM http_validators")" "$W/to-etag \"og-1\""
run "$TALLY" fetch --delay 0 --db "$T/chain.db" "$W/to-etag"
expect_out_has chain_304 "pages: 0 fetched (0 bytes), 1 not modified, 0 failed"
# each hop waits for its host's delay: robots.txt, the redirect, the page
before=$(wc -l <"$WLOG")
run "$TALLY" fetch --db "$T/hopdelay.db" "$W/to-og"
expect_rc hop_delay_rc 0
gaps=$(tail -n +"$((before + 1))" "$WLOG" | grep '^REQ ' | awk '{ if (NR > 1) printf "%s ", ($2 - t >= 0.95) ? "ok" : "short"; t = $2 }')
expect_eq hop_delay_gaps "$gaps" "ok ok "

# ---- charsets and raw bytes ---------------------------------------------------------
# Latin-1 declared by the header: bytes invalid as UTF-8 read right, no warning
mkdir "$T/cs"
run "$TALLY" fetch --delay 0 --db "$T/cs.db" --save "$T/cs" "$W/latin1.txt" "$W/conflict.html" "$W/bad-utf8.txt"
expect_rc charset_rc 0
if grep -q "Café au lait: 500 tonnes of fuel went to Russia, naïvely." "$T/cs/latin1.txt"; then pass; else fail charset_latin1 "$(cat "$T/cs/latin1.txt")"; fi
if grep -q "latin1.txt: .*invalid UTF-8" "$T/err"; then fail charset_no_warning "$(cat "$T/err")"; else pass; fi
# the header's UTF-8 outranks the page's <meta charset="windows-1252">
if grep -q "Café crème: 20 rounds." "$T/cs/conflict.txt"; then pass; else fail charset_header_wins "$(cat "$T/cs/conflict.txt")"; fi
# UTF-8 declared, Latin-1 sent: each bad byte replaced, and said so
expect_err_has charset_bad_utf8 "$W/bad-utf8.txt: 2 invalid UTF-8 sequences replaced by U+FFFD"
if grep -q "Caf� au lait" "$T/cs/bad-utf8.txt"; then pass; else fail charset_replaced "$(cat "$T/cs/bad-utf8.txt")"; fi
# the raw bytes kept as they arrived, with their content type
expect_eq raw_bytes "$(sqlite3 "$T/cs.db" "SELECT hex(bytes) FROM raw_pages WHERE url = '$W/latin1.txt'")" \
    "$(od -An -tx1 -v <<<"Caf$(printf '\xe9') au lait: 500 tonnes of fuel went to Russia, na$(printf '\xef')vely." | tr -d ' \n' | tr a-f A-F)"
expect_eq raw_type "$(sqlite3 "$T/cs.db" "SELECT content_type FROM raw_pages WHERE url = '$W/latin1.txt'")" "text/plain; charset=ISO-8859-1"

# a feed is not a page: tally watch reads it
run "$TALLY" fetch --delay 0 --db "$T/feed.db" "$W/feed.rss"
expect_rc feed_rc 1
expect_err_has feed_refused "$W/feed.rss: a feed (application/rss+xml), not a page: tally watch reads feeds"

# ---- a progress line on a terminal (script(1) gives one), none otherwise -------------
if command -v script >/dev/null; then
    script -qec "'$TALLY' fetch --delay 0 --db '$T/tty.db' '$W/plain.txt' '$W/error'" /dev/null >"$T/tty.out" 2>&1
    if grep -q "tally fetch: 1 done, 1 failed, 0 pending, [0-9]* bytes" "$T/tty.out"; then pass; else fail progress_tty "$(cat -v "$T/tty.out")"; fi
    run "$TALLY" fetch --delay 0 --db "$T/tty.db" "$W/plain.txt"
    if grep -q "done, " "$T/err"; then fail progress_not_tty "$(cat "$T/err")"; else pass; fi
else
    skip progress_tty "script(1) is not installed"
fi

# ---- usage -------------------------------------------------------------------------
run "$TALLY" fetch --delay 0 --db "$T/u.db"
expect_rc no_url 2
run "$TALLY" fetch --delay 0 --db "$T/u.db" --timeout 0 "$W/og.html"
expect_rc bad_timeout 2
run "$TALLY" fetch --delay 0 --db "$T/u.db" --retries x "$W/og.html"
expect_rc bad_retries 2
run "$TALLY" fetch --delay 0 --db "$T/u.db" --save "$T/none" "$W/og.html"
expect_rc bad_save 1
expect_err_has bad_save_msg "not a folder"
run "$TALLY" fetch --help
expect_rc help 0
expect_out_has help_text "Usage: tally fetch"

finish
