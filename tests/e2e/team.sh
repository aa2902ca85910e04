#!/usr/bin/env bash
# A team's database on PostgreSQL: tally copy between an SQLite file and a
# server, both ways and idempotently (documents, claims, events, and what
# tally watch keeps: feed items, HTTP validators, raw pages, the test web of
# fetch-server.py on 127.0.0.1 filling them); four tally ingest processes writing
# one database at once, one of them killed with SIGKILL midway and started
# again, ending with exactly what one ingest of the whole folder stores; and
# tally serve answering byte for byte the same on either backend.
# Usage: team.sh TALLY SOURCE_DIR [DOCS]   (through tests/e2e/with_pg.sh;
# DOCS synthetic documents for the writers, default 1200; needs jq, curl,
# sqlite3 and psql)
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_args 3 "TALLY SOURCE_DIR [DOCS]" "$@"
NDOCS=${3:-1200}
if on_sqlite; then
    echo "skip: needs a PostgreSQL server (run it through tests/e2e/with_pg.sh)"
    exit 77
fi
e2e_needs jq curl sqlite3 psql createdb python3

# web_rows DB: the rows of the web's tables (feed items, validators, raw
# pages with their bytes in hex), on either backend.
web_rows() {
    local hex='hex(bytes)' q=(sqlite3 "$1")
    if [[ $1 == postgresql:* ]]; then
        hex="upper(encode(bytes, 'hex'))"
        q=(psql -X -A -t -q -v ON_ERROR_STOP=1 -d "${1#postgresql:///}" -c)
    fi
    "${q[@]}" "SELECT 'item', feed, item, link, first_seen FROM feed_items"
    "${q[@]}" "SELECT 'validators', url, etag, last_modified, checked_at FROM http_validators"
    "${q[@]}" "SELECT 'raw', url, content_type, fetched_at, $hex FROM raw_pages"
}
# content DB: what a database holds, ids and times of ingest aside, sorted:
# its documents, claims and events as tally prints them, and the rows of
# the web's tables.
content() {
    {
        "$TALLY" docs --db "$1" --format jsonl | jq -c 'del(.id, .ingested_at)'
        "$TALLY" claims --db "$1" --format jsonl | jq -c 'del(.id)'
        "$TALLY" events --db "$1" --format jsonl | jq -c 'del(.id)'
        web_rows "$1"
    } | sort
}
# expect_same_content NAME DB_A DB_B
expect_same_content() {
    content "$2" >"$T/a.content"
    content "$3" >"$T/b.content"
    if [ -s "$T/a.content" ] && cmp -s "$T/a.content" "$T/b.content"; then
        pass
    else
        fail "$1" "$(diff "$T/a.content" "$T/b.content" | head -n 4 | cut -c 1-200 | tr '\n' ' ')"
    fi
}

# ---- tally copy ------------------------------------------------------------------

FILE=$T/analyst.db
"$TALLY" import -q --db "$FILE" >/dev/null 2>&1
"$TALLY" ingest -q --db "$FILE" "$SRC/examples" >/dev/null 2>&1
# two feeds watched: items seen, the feeds' validators, the pages' raw bytes
start_web
printf '%s\n%s\n' "$W/feed.rss" "$W/atom.xml" >"$T/feeds"
"$TALLY" watch -q --once --delay 0 --db "$FILE" "$T/feeds" >/dev/null 2>&1
stop_server
ndocs=$(sqlite3 "$FILE" 'SELECT count(*) FROM documents')
web="web: $(sqlite3 "$FILE" 'SELECT count(*) FROM feed_items') feed items, $(sqlite3 "$FILE" \
    'SELECT count(*) FROM http_validators') validators, $(sqlite3 "$FILE" 'SELECT count(*) FROM raw_pages') raw pages copied"
expect_eq "the file has web rows to copy" "$web" "web: 4 feed items, 2 validators, 3 raw pages copied"
# copy_twice NAME FROM TO: a copy stores every document and every row of
# the web's tables, the same content; the same copy again changes nothing.
copy_twice() {
    run "$TALLY" copy --from "$2" --to "$3"
    expect_rc "$1: exit" 0
    expect_out_has "$1: every document" "documents: $ndocs copied, 0 unchanged"
    expect_out_has "$1: every web row" "$web"
    expect_same_content "$1: the same content" "$2" "$3"
    run "$TALLY" copy --from "$2" --to "$3"
    expect_out_has "$1 again changes nothing" "documents: 0 copied, $ndocs unchanged; claims: 0 copied"
    expect_out_has "$1 again: no web row" "web: 0 feed items, 0 validators, 0 raw pages copied"
    expect_same_content "$1 again: the same content" "$2" "$3"
}
TEAM=$(new_db team)
copy_twice "copy a file to the server" "$FILE" "$TEAM"
copy_twice "copy the server to a file" "$TEAM" "$T/back.db"
# a URL fetched again in the file since: its new validators replace the
# server's, and nothing else is written
sqlite3 "$FILE" "UPDATE http_validators SET etag = '\"rss-9\"' WHERE etag IS NOT NULL"
run "$TALLY" copy --from "$FILE" --to "$TEAM"
expect_out_has "copy a changed validator" "web: 0 feed items, 1 validators, 0 raw pages copied"
expect_same_content "copy a changed validator: the same content" "$FILE" "$TEAM"
run "$TALLY" copy --from "$T/none.db" --to "$TEAM"
expect_rc "copy from no database" 1
run "$TALLY" copy --from "$FILE"
expect_rc "copy without --to" 2
run "$TALLY" copy --help
expect_out_has "copy --help" "Usage: tally copy"

# ---- tally serve: the same answers on either backend -----------------------------

# the same documents in the same order: the same ids on both (one writer:
# with --jobs N a server's workers take ids in the order they store)
SAME=$(new_db same)
for db in "$T/same.db" "$SAME"; do
    "$TALLY" import -q --db "$db" >/dev/null 2>&1
    "$TALLY" ingest -q --jobs 1 --db "$db" "$SRC/examples" >/dev/null 2>&1
done
paths=(/api/meta /api/claims '/api/claims?supplier=PRK&recipient=RUS&limit=5&offset=2'
    '/api/claims?source=shin' /api/claims/1 /api/claims/3 /api/flows /api/clusters
    /api/contradictions /api/sources /api/events '/api/events?actor=PRK'
    '/api/series?supplier=PRK&recipient=RUS&item=artillery-shell'
    '/api/series?item=munitions&recipient=RUS&supplier=PRK&unit=container&at=2024-10-31&known_by=2024-06'
    '/api/rank?supplier=PRK&item=munitions' /api/nothing)
for side in sqlite pg; do
    db=$T/same.db
    [ "$side" = pg ] && db=$SAME
    start_server "$db" --threads 2
    mkdir -p "$T/$side"
    k=0
    for p in "${paths[@]}"; do
        k=$((k + 1))
        curl -s -o "$T/$side/$k" -w '%{http_code}\n' "${URL%/}$p" >>"$T/$side/codes"
    done
    # the meta's last update is each database's own clock
    jq -c 'del(.updated)' "$T/$side/1" >"$T/$side/1.json" && mv "$T/$side/1.json" "$T/$side/1"
    stop_server
done
if [ -s "$T/pg/codes" ] && diff -r "$T/sqlite" "$T/pg" >"$T/diff"; then
    pass
else
    fail "serve: the same bytes on SQLite and PostgreSQL" "$(head -c 300 "$T/diff")"
fi
if grep -q '^200$' "$T/pg/codes"; then pass; else fail "serve on PostgreSQL answers" "$(cat "$T/pg/codes")"; fi

# ---- four writers at once, one killed midway -------------------------------------

bash "$(dirname "$0")/gen_docs.sh" "$NDOCS" "$T/gen"
SEQ=$(new_db seq)
"$TALLY" ingest -q --db "$SEQ" "$T/gen" >/dev/null 2>"$T/err"
expect_eq "one ingest stores every document" "$(sql "$SEQ" 'SELECT count(*) FROM documents')" "$NDOCS"
PAR=$(new_db par)
# the schema first, so that the writers meet only over documents
"$TALLY" import -q --db "$PAR" /dev/null >/dev/null 2>&1
pids=()
for q in 1 2 3 4; do
    "$TALLY" ingest -q --db "$PAR" "$T/gen/q$q" >"$T/w$q.out" 2>"$T/w$q.err" &
    pids+=($!)
done
# the second writer is killed once it has committed some of its quarter
quarter=$(ls "$T/gen/q2" | wc -l)
stored=0
for _ in $(seq 1 600); do
    stored=$(sql "$PAR" "SELECT count(*) FROM documents WHERE origin LIKE '%/q2/%'")
    [ "$stored" -gt 0 ] && break
    sleep 0.05
done
kill -KILL "${pids[1]}"
wait "${pids[1]}" 2>/dev/null
left=$(sql "$PAR" "SELECT count(*) FROM documents WHERE origin LIKE '%/q2/%'")
echo "writers: the second killed with $left of its $quarter documents stored"
if [ "$left" -gt 0 ] && [ "$left" -lt "$quarter" ]; then pass; else
    fail "the kill landed midway" "$left of $quarter stored"
fi
status=0
for k in 0 2 3; do
    wait "${pids[$k]}" || status=1
done
expect_eq "the other writers went on" "$status" 0
run "$TALLY" ingest -q --db "$PAR" "$T/gen/q2"
expect_rc "the killed writer started again" 0
expect_eq "four writers store every document" "$(sql "$PAR" 'SELECT count(*) FROM documents')" "$NDOCS"
expect_eq "four writers store as many claims as one" "$(sql "$PAR" 'SELECT count(*) FROM claims')" \
    "$(sql "$SEQ" 'SELECT count(*) FROM claims')"
expect_eq "no source twice" "$(sql "$PAR" 'SELECT count(*) - count(DISTINCT lower(name)) FROM sources')" 0
expect_same_content "four writers end with exactly what one ingest stores" "$SEQ" "$PAR"

finish
