#!/usr/bin/env bash
# End-to-end tests of tally fetch against a server on 127.0.0.1 only
# (tests/e2e/fetch-server.py, on a free port): metadata from Open Graph,
# JSON-LD, <title> and <time>, the host as outlet; the stored URL without
# credentials or query; --save writing the NAME.txt the ingest used (which
# tally ingest then finds unchanged); text and Markdown bodies; the
# User-Agent; and each failure named with its URL and reason while the other
# pages are ingested: a 50 MB body (with and without a Content-Length), a
# wrong content type, a redirect loop, a redirect to file://, a slow server
# (--timeout), an HTTP 500, a scheme other than http; and tried again: a 500
# then the page, a 429 with Retry-After then the page, a Retry-After too long. No address outside
# 127.0.0.0/8 is ever asked for.
# Usage: fetch.sh TALLY SOURCE_DIR   (needs python3 and sqlite3)
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_args 2 "TALLY SOURCE_DIR" "$@"
e2e_needs python3 sqlite3
# a proxy from the environment would take loopback requests elsewhere
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
export no_proxy=127.0.0.1 NO_PROXY=127.0.0.1

python3 "$SRC/tests/e2e/fetch-server.py" >"$T/server.out" 2>"$T/server.err" &
PID=$!
PORT=
for _ in $(seq 1 100); do
    PORT=$(sed -n 's/^port \([0-9]*\)$/\1/p' "$T/server.out")
    [ -n "$PORT" ] && break
    sleep 0.05
done
if [ -z "$PORT" ]; then
    echo "FAIL: the test server did not start: $(cat "$T/server.err")"
    exit 1
fi
W=http://127.0.0.1:$PORT
DB=$T/fetch.db

# q SQL: one value from the database.
q() {
    sqlite3 "$DB" "$1"
}

# ---- metadata -----------------------------------------------------------------
mkdir "$T/saved"
run "$TALLY" fetch --db "$DB" --save "$T/saved" "http://user:secret@127.0.0.1:$PORT/og.html?token=abc#top" \
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
run "$TALLY" fetch --db "$DB" "$W/og.html"
expect_out_has refetch "0 new, 1 unchanged"

# the User-Agent names tally and its version
mkdir "$T/ua"
run "$TALLY" fetch --db "$T/ua.db" --save "$T/ua" "$W/ua"
expect_eq user_agent "$(tail -n 1 "$T/ua/ua.txt")" "tally/$("$TALLY" --version | cut -d' ' -f2)"

# a redirect followed: the URL where the page is
run "$TALLY" fetch --db "$T/redir.db" "$W/to-og"
expect_rc redirect_rc 0
expect_eq redirect_url "$(sqlite3 "$T/redir.db" 'SELECT url FROM documents')" "$W/og.html"

# ---- failures: each named with its URL and reason, the rest ingested -----------
printf '# pages\n\n%s\n  %s  \n%s\n' "$W/error" "$W/og.html" "$W/image.png" >"$T/urls"
run "$TALLY" fetch --db "$T/mixed.db" --urls "$T/urls"
expect_rc mixed_rc 1
expect_err_has error_500 "$W/error: HTTP status 500 (tried 3 times)"
expect_err_has wrong_type "$W/image.png: content type image/png refused"
expect_out_has mixed_summary "pages: 1 fetched"
expect_out_has mixed_failed "2 failed"
expect_eq mixed_stored "$(sqlite3 "$T/mixed.db" 'SELECT name FROM documents')" "og"

run "$TALLY" fetch --db "$T/big.db" "$W/big" "$W/big-length" "$W/plain.txt"
expect_rc big_rc 1
expect_err_has big_stream "$W/big: the body is larger than the limit of 10000000 bytes"
expect_err_has big_length "$W/big-length: the body is larger than the limit of 10000000 bytes"
expect_eq big_rest "$(sqlite3 "$T/big.db" 'SELECT name FROM documents')" "plain"
run "$TALLY" fetch --db "$T/small.db" --max-size 20 "$W/plain.txt"
expect_err_has max_size "$W/plain.txt: the body is larger than the limit of 20 bytes"

run "$TALLY" fetch --db "$T/loop.db" "$W/loop" "$W/to-file"
expect_rc loop_rc 1
expect_err_has loop "$W/loop: more than 5 redirects"
if grep -q "$W/to-file: " "$T/err" && ! grep -q 'root:' "$T/err"; then pass; else fail to_file "a redirect to file:// not refused"; fi
expect_out_has loop_none "pages: 0 fetched"

run "$TALLY" fetch --db "$T/slow.db" --timeout 1 "$W/slow" "$W/plain.txt"
expect_rc slow_rc 1
expect_err_has slow "$W/slow: "
expect_err_has slow_why "timed out"
expect_eq slow_rest "$(sqlite3 "$T/slow.db" 'SELECT name FROM documents')" "plain"

run "$TALLY" fetch --db "$T/scheme.db" "file:///etc/passwd" "ftp://127.0.0.1:$PORT/x"
expect_rc scheme_rc 1
expect_err_has scheme_file "file:///etc/passwd: not an http or https URL"
expect_err_has scheme_ftp "ftp://127.0.0.1:$PORT/x: not an http or https URL"

# ---- tried again: a 500 then the page, a 429 with Retry-After then the page ------
run "$TALLY" fetch --db "$T/retry.db" --retries 0 "$W/flaky-a"
expect_rc retry_none_rc 1
expect_err_has retry_none "$W/flaky-a: HTTP status 500"
run "$TALLY" fetch --db "$T/retry.db" "$W/flaky-b"
expect_rc retry_500_rc 0
expect_out_has retry_500 "pages: 1 fetched"
mkdir "$T/busy"
run "$TALLY" fetch --db "$T/retry.db" --save "$T/busy" "$W/busy"
expect_rc retry_429_rc 0
if grep -q "/busy 2" "$T/busy/busy.txt"; then pass; else fail retry_429 "not the second answer: $(cat "$T/busy/busy.txt")"; fi
# a Retry-After longer than tally waits: no second try
run "$TALLY" fetch --db "$T/retry.db" "$W/closed"
expect_rc retry_closed_rc 1
expect_err_has retry_closed "$W/closed: HTTP status 429, and Retry-After asks to wait 3600 s"

# ---- usage -------------------------------------------------------------------------
run "$TALLY" fetch --db "$T/u.db"
expect_rc no_url 2
run "$TALLY" fetch --db "$T/u.db" --timeout 0 "$W/og.html"
expect_rc bad_timeout 2
run "$TALLY" fetch --db "$T/u.db" --retries x "$W/og.html"
expect_rc bad_retries 2
run "$TALLY" fetch --db "$T/u.db" --save "$T/none" "$W/og.html"
expect_rc bad_save 1
expect_err_has bad_save_msg "not a folder"
run "$TALLY" fetch --help
expect_rc help 0
expect_out_has help_text "Usage: tally fetch"

finish
