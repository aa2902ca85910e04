#!/usr/bin/env bash
# End-to-end tests of tally watch against the test web on 127.0.0.1 only
# (tests/e2e/fetch-server.py): an RSS 2.0 and an Atom feed read, their
# items' pages fetched and ingested once, the items remembered in the
# database so that --once twice in a row fetches each item once; the feeds'
# validators sent back (an ETag, a Last-Modified) and the 304s; a new item
# fetched alone; an item's link without its secret query parameter; the
# feed's title and date for a page without its own; a copy of the database
# (tally copy) fetching nothing again; a
# feed of failures (a 500, robots.txt forbidding, an item without a link)
# named with the rest ingested and the failed item tried again; a page that
# is not a feed, a feed that is not XML; usage. No address outside
# 127.0.0.0/8 is ever asked for. The same checks on SQLite and on
# PostgreSQL (tests/e2e/with_pg.sh): what is remembered lives in the store.
# Usage: watch.sh TALLY SOURCE_DIR   (needs python3, and sqlite3 or psql)
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_args 2 "TALLY SOURCE_DIR" "$@"
e2e_needs python3
if on_pg; then e2e_needs psql createdb; else e2e_needs sqlite3; fi
start_web
DB=$(new_db watch)

# q SQL: the rows of SQL on the watched database.
q() {
    sql "$DB" "$1"
}

# joined DB SEP SQL: the rows of SQL (one column), SEP between them.
joined() {
    sql "$1" "$3" | paste -sd "$2" -
}

printf '# the feeds\n%s\n\n  %s\n' "$W/feed.rss" "$W/atom.xml" >"$T/feeds"

# ---- first poll: every item new ------------------------------------------------------
mkdir "$T/saved"
run "$TALLY" watch --once --delay 0 --db "$DB" --save "$T/saved" "$T/feeds"
expect_rc first_rc 0
expect_out_has first_feeds "feeds: 2 read, 0 not modified, 0 failed; items: 4 new, 0 seen before"
# item B is in both feeds: fetched once
expect_out_has first_pages "pages: 3 fetched"
expect_out_has first_docs "documents: 3 new"
# the summary names the database watched (a file, or the server's database)
expect_out_has first_db "$DB"
expect_eq first_asked "$(asked /items/a.html) $(asked /items/b.html) $(asked /items/d.html)" "1 1 1"
expect_eq first_titles "$(joined "$DB" '|' 'SELECT title FROM documents ORDER BY title')" \
    "Item A|Item B|Item D"
expect_eq first_claims "$(q 'SELECT count(*) FROM (SELECT 1 FROM claims LIMIT 1) AS c')" 1
expect_eq first_items "$(q 'SELECT count(*) FROM feed_items')" 4
# the RSS guid is the id; the link kept without its token (utm_source is no secret)
expect_eq item_link "$(q "SELECT link FROM feed_items WHERE item = 'item-a'")" "$W/items/a.html?utm_source=feed"
expect_eq no_secret "$(q "SELECT count(*) FROM (SELECT feed || item || coalesce(link, '') AS v FROM feed_items UNION ALL SELECT url FROM http_validators UNION ALL SELECT key || coalesce(url, '') || coalesce(origin, '') FROM documents UNION ALL SELECT url FROM raw_pages) AS u WHERE v LIKE '%s3cret%' OR v LIKE '%token%'")" 0
# the Atom entry's relative link made absolute against the feed
expect_eq atom_link "$(q "SELECT link FROM feed_items WHERE item = 'tag:127.0.0.1,2024:d'")" "$W/items/d.html"
# the validators of each feed
expect_eq rss_etag "$(q "SELECT etag FROM http_validators WHERE url = '$W/feed.rss'")" '"rss-0"'
expect_eq atom_modified "$(q "SELECT last_modified FROM http_validators WHERE url = '$W/atom.xml'")" \
    "Fri, 03 May 2024 10:00:00 GMT"
expect_eq first_saved "$(cd "$T/saved" && ls | tr '\n' ' ')" "a.txt b.txt d.txt "

# ---- second poll: nothing new, nothing fetched again --------------------------------
run "$TALLY" watch --once --delay 0 --db "$DB" "$T/feeds"
expect_rc second_rc 0
expect_out_has second_feeds "feeds: 0 read, 2 not modified, 0 failed; items: 0 new, 0 seen before"
expect_out_has second_pages "pages: 0 fetched"
expect_eq second_asked "$(asked /items/a.html) $(asked /items/b.html) $(asked /items/d.html)" "1 1 1"
expect_eq rss_sent_etag "$(grep -c '^REQ [0-9.]* /feed.rss "rss-0"' "$WLOG")" 1
expect_eq atom_sent_date "$(grep -c '^REQ [0-9.]* /atom.xml - Fri,_03_May_2024_10:00:00_GMT' "$WLOG")" 1

# ---- a new item: only it is fetched ------------------------------------------------
python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1]).read()' "$W/feed-add"
run "$TALLY" watch --once --delay 0 --db "$DB" "$T/feeds"
expect_rc third_rc 0
expect_out_has third_feeds "feeds: 1 read, 1 not modified, 0 failed; items: 1 new, 2 seen before"
expect_eq third_asked "$(asked /items/a.html) $(asked /items/b.html) $(asked /items/c.html) $(asked /items/d.html)" "1 1 1 1"
expect_eq third_docs "$(q 'SELECT count(*) FROM documents')" 4

# a copy of the database (tally copy) remembers what was watched: its
# items seen, the feeds' validators (304s), the pages' raw bytes; copying
# again writes nothing
COPY=$(new_db copy)
run "$TALLY" copy --from "$DB" --to "$COPY"
expect_rc copy_rc 0
expect_out_has copy_web "web: 5 feed items, 2 validators, 4 raw pages copied"
run "$TALLY" copy --from "$DB" --to "$COPY"
expect_out_has copy_again "web: 0 feed items, 0 validators, 0 raw pages copied"
run "$TALLY" watch --once --delay 0 --db "$COPY" "$T/feeds"
expect_rc copy_watch_rc 0
expect_out_has copy_watch "feeds: 0 read, 2 not modified, 0 failed; items: 0 new"
expect_eq copy_asked "$(asked /items/a.html) $(asked /items/b.html) $(asked /items/c.html) $(asked /items/d.html)" "1 1 1 1"

# a new database knows nothing: everything is fetched again
run "$TALLY" watch --once --delay 0 --db "$(new_db other)" "$T/feeds"
expect_out_has other_db "items: 5 new"

# ---- failures named, the rest ingested, the failed item tried again ----------------
MIXED=$(new_db mixed)
echo "$W/mixed.xml" >"$T/mixed"
run "$TALLY" watch --once --delay 0 --retries 0 --db "$MIXED" "$T/mixed"
expect_rc mixed_rc 1
expect_err_has mixed_500 "$W/items/broken.html: HTTP status 500"
expect_err_has mixed_robots "$W/forbidden/x.html: robots.txt of http://127.0.0.1:$PORT forbids it to tally"
expect_eq mixed_never_asked "$(asked /forbidden/x.html)" 0
expect_eq mixed_docs "$(joined "$MIXED" ' ' 'SELECT name FROM documents ORDER BY name')" "e plain y z"
# a page without a title or date of its own takes the feed's
expect_eq mixed_feed_title "$(sql "$MIXED" "SELECT title || ' ' || date FROM documents WHERE name = 'plain'")" \
    "Plain, titled by the feed 2024-05-02"
# the item without a link is remembered, not fetched; the failed ones are not
expect_eq mixed_items "$(joined "$MIXED" ' ' 'SELECT item FROM feed_items ORDER BY item')" \
    "$W/forbidden/ok/y.html $W/items/e.html $W/plain.txt $W/private/z.html nolink-1"
run "$TALLY" watch --once --delay 0 --retries 0 --db "$MIXED" "$T/mixed"
expect_rc mixed_again_rc 1
expect_out_has mixed_again "items: 2 new, 5 seen before"
expect_eq mixed_broken_again "$(asked /items/broken.html)" 2

# ---- not a feed ---------------------------------------------------------------------
printf '%s\n%s\n%s\n' "$W/og.html" "$W/broken.xml" "$W/atom.xml" >"$T/bad"
run "$TALLY" watch --once --delay 0 --db "$(new_db bad)" "$T/bad"
expect_rc bad_rc 1
expect_err_has bad_html "$W/og.html: not a feed (content type text/html; charset=utf-8)"
expect_err_has bad_xml "$W/broken.xml: not well-formed XML (line 1"
expect_out_has bad_rest "feeds: 1 read, 0 not modified, 2 failed; items: 2 new"

# ---- without --once: polls, prints its summary, waits for the next poll ----------------
"$TALLY" watch --every 10s --delay 0 --db "$(new_db loop)" "$T/feeds" >"$T/loop.out" 2>"$T/loop.err" &
LPID=$!
for _ in $(seq 1 600); do
    grep -q "documents:" "$T/loop.out" && break
    sleep 0.05
done
expect_eq loop_polled "$(grep -c 'items: 5 new, 0 seen before' "$T/loop.out")" 1
if kill -0 "$LPID" 2>/dev/null; then pass; else fail loop_waits "it exited: $(cat "$T/loop.err")"; fi
kill "$LPID" 2>/dev/null
wait "$LPID" 2>/dev/null

# ---- usage -------------------------------------------------------------------------
U=$(new_db u)
run "$TALLY" watch --once --db "$U"
expect_rc no_file 2
run "$TALLY" watch --once --every 5s --db "$U" "$T/feeds"
expect_rc bad_every 2
expect_err_has bad_every_msg "bad --every '5s'"
run "$TALLY" watch --once --db "$U" "$T/none"
expect_rc missing_file 1
: >"$T/empty"
run "$TALLY" watch --once --db "$U" "$T/empty"
expect_rc empty_file 1
expect_err_has empty_file_msg "no feed URL in it"
run "$TALLY" watch --help
expect_rc help 0
expect_out_has help_text "Usage: tally watch"

finish
