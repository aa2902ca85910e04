#!/usr/bin/env bash
# A team's database on PostgreSQL: tally copy between an SQLite file and a
# server, both ways and idempotently; four tally ingest processes writing
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
e2e_needs jq curl sqlite3 psql createdb

# content DB: what a database holds, ids and times of ingest aside, sorted:
# its documents, claims and events as tally prints them.
content() {
    {
        "$TALLY" docs --db "$1" --format jsonl | jq -c 'del(.id, .ingested_at)'
        "$TALLY" claims --db "$1" --format jsonl | jq -c 'del(.id)'
        "$TALLY" events --db "$1" --format jsonl | jq -c 'del(.id)'
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
ndocs=$(sqlite3 "$FILE" 'SELECT count(*) FROM documents')
# copy_twice NAME FROM TO: a copy stores every document, the same content;
# the same copy again changes nothing.
copy_twice() {
    run "$TALLY" copy --from "$2" --to "$3"
    expect_rc "$1: exit" 0
    expect_out_has "$1: every document" "documents: $ndocs copied, 0 unchanged"
    expect_same_content "$1: the same content" "$2" "$3"
    run "$TALLY" copy --from "$2" --to "$3"
    expect_out_has "$1 again changes nothing" "documents: 0 copied, $ndocs unchanged; claims: 0 copied"
    expect_same_content "$1 again: the same content" "$2" "$3"
}
TEAM=$(new_db team)
copy_twice "copy a file to the server" "$FILE" "$TEAM"
copy_twice "copy the server to a file" "$TEAM" "$T/back.db"
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
