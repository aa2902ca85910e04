#!/usr/bin/env bash
# Events in the store: tally ingest stores them with their provenance in its
# one pass, idempotently; tally events --db queries them; a database of the
# schema before events is upgraded by ingest, which codes the events of the
# documents it held. Needs no ../shared: the documents are the tests' own.
# Usage: event_store.sh TALLY SOURCE_DIR   (needs jq and sqlite3)
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_args 2 "TALLY SOURCE_DIR" "$@"
e2e_needs jq sqlite3

DB=$T/t.db
DOCS=$T/docs
mkdir -p "$DOCS"
cp "$SRC/tests/data/relations-briefing.txt" "$SRC/tests/data/aid-briefing.txt" "$DOCS/"
count() {
    sqlite3 "$1" "$2"
}

# ---- ingest: one pass, claims and events -----------------------------------------

"$TALLY" events "$DOCS"/*.txt >"$T/events.jsonl" 2>/dev/null
nevents=$(wc -l <"$T/events.jsonl")
"$TALLY" extract "$DOCS"/*.txt >"$T/claims.jsonl" 2>/dev/null
nclaims=$(wc -l <"$T/claims.jsonl")
if [ "$nevents" -ge 5 ]; then pass; else fail "the test documents have events" "$nevents"; fi

run "$TALLY" ingest --db "$DB" "$DOCS"
expect_rc "ingest" 0
expect_out_has "ingest: the summary counts claims and events" \
    "documents: 2 new, 0 unchanged, 0 replaced, 0 failed; claims: $nclaims stored; events: $nevents stored"
expect_eq "ingest: every event stored" "$(count "$DB" 'SELECT count(*) FROM events')" "$nevents"
expect_eq "schema 6" "$(count "$DB" 'PRAGMA user_version')" 6
expect_eq "references hold" "$(count "$DB" 'PRAGMA foreign_key_check' | wc -l)" 0

# provenance: each stored trigger is the bytes of the stored body it points at
bad=$(sqlite3 "$DB" "SELECT count(*) FROM events e JOIN documents d ON d.id = e.doc_id
  WHERE substr(CAST(d.body AS BLOB), e.start + 1, e.end - e.start) != CAST(e.text AS BLOB)
     OR e.sentence_start > e.start OR e.sentence_end < e.end")
expect_eq "event spans point into the body" "$bad" 0

# read back as extracted: the same fields, sentence and trigger
fields='[.doc, .sentence, .text, .type, .mode, .context, .actor, .recipient, .about, .date,
         .aux, .source, .hedged]'
"$TALLY" events --db "$DB" >"$T/stored.jsonl" 2>"$T/err"
jq -c "$fields" "$T/events.jsonl" | sort >"$T/a"
jq -c "$fields" "$T/stored.jsonl" | sort >"$T/b"
if cmp -s "$T/a" "$T/b"; then pass; else fail "events read back as extracted" "$(diff "$T/a" "$T/b" | head -4)"; fi
run jq -e -s 'all(.[]; (.id | type == "number") and (.url | startswith("https://example.org/test/"))
                      and .stated != null and .curated == false)' "$T/stored.jsonl"
expect_rc "stored events carry id, url, stated, curated" 0

# ---- idempotent ----------------------------------------------------------------------

run "$TALLY" ingest --db "$DB" "$DOCS"
expect_out_has "ingest again: nothing stored" \
    "documents: 0 new, 2 unchanged, 0 replaced, 0 failed; claims: 0 stored; events: 0 stored"
expect_eq "ingest again: the events as they were" "$(count "$DB" 'SELECT count(*) FROM events')" "$nevents"
# a changed document replaces its events, never adds to them
printf '\nNorth Korea sent Russia 20 more howitzers.\n' >>"$DOCS/relations-briefing.txt"
run "$TALLY" ingest --db "$DB" "$DOCS"
expect_out_has "a changed document: replaced" "0 new, 1 unchanged, 1 replaced"
"$TALLY" events "$DOCS"/*.txt >"$T/events2.jsonl" 2>/dev/null
expect_eq "a changed document: its events replaced" \
    "$(count "$DB" 'SELECT count(*) FROM events')" "$(wc -l <"$T/events2.jsonl")"
expect_eq "a changed document: no event of the old version left" \
    "$(count "$DB" 'SELECT count(*) FROM (SELECT doc_id, start, type, actor, recipient FROM events GROUP BY 1, 2, 3, 4, 5 HAVING count(*) > 1)')" 0
run "$TALLY" ingest --no-events --db "$T/noev.db" "$DOCS"
expect_out_has "ingest --no-events: claims only" "events: 0 stored"

# ---- queries ------------------------------------------------------------------------

# q NAME JQ-FILTER ARGS...: tally events --db with ARGS gives exactly the
# stored events that FILTER selects
q() {
    local name=$1 filter=$2
    shift 2
    run "$TALLY" events --db "$DB" "$@"
    if [ "$rc" -ne 0 ]; then
        fail "$name" "exit status $rc"
        return
    fi
    local want got
    want=$(jq -c "select($filter) | .id" "$T/all.jsonl" | sort -n | tr '\n' ' ')
    got=$(jq -c '.id' "$T/out" | sort -n | tr '\n' ' ')
    if [ -n "$want" ] && [ "$want" = "$got" ]; then pass; else fail "$name" "got [$got], want [$want]"; fi
}
"$TALLY" events --db "$DB" >"$T/all.jsonl"
q "--actor" '.actor == "PRK"' --actor PRK
q "--actor by name" '.actor == "PRK"' --actor "North Korea"
q "--recipient" '.recipient == "RUS"' --recipient RUS
q "--actor --recipient" '.actor == "PRK" and .recipient == "RUS"' --actor PRK --recipient RUS
q "--both-ways" '(.actor == "PRK" and .recipient == "RUS") or (.actor == "RUS" and .recipient == "PRK")' \
    --actor PRK --recipient RUS --both-ways
q "--type" '.type == "SUPPORT"' --type SUPPORT
q "--mode" '.mode == "treaty"' --mode treaty
q "--since" '((.date // .stated) >= "2024")' --since 2024
q "--until" '((.date // .stated) < "2023")' --until 2022
q "--known-by" '.stated < "2024-06"' --known-by 2024-05
q "--doc" '.doc == "relations-briefing"' --doc relations-briefing
run "$TALLY" events --db "$DB" --limit 2
expect_eq "--limit" "$(wc -l <"$T/out")" 2
# dates in order, undated last
run jq -r '.date // .stated' "$T/all.jsonl"
if sort -c "$T/out" 2>/dev/null; then pass; else fail "events by date" "$(tr '\n' ' ' <"$T/out")"; fi

run "$TALLY" events --db "$DB" --format table --type SUPPORT
expect_rc "--format table" 0
expect_out_has "table: heads" "parties"
expect_out_has "table: a row" "SUPPORT"
run "$TALLY" events --db "$DB" --format table --type SUPPORT --wide
expect_out_has "--wide table: actor and recipient apart" "recipient"
run "$TALLY" events --db "$DB" --format csv --type SUPPORT
expect_rc "--format csv" 0
expect_eq "csv: the heads" "$(head -n 1 "$T/out")" \
    "id,doc,date,type,mode,context,actor,recipient,about,aux,source,hedged,stated,url,curated,text,sentence"
expect_eq "csv: one line an event" "$(($(wc -l <"$T/out") - 1))" \
    "$(jq -s '[.[] | select(.type == "SUPPORT")] | length' "$T/all.jsonl")"

# usage errors: exit 2 with a message
for args in "--type NOPE" "--mode nope" "--actor Atlantis" "--since 2024-13" "--limit 0"; do
    # shellcheck disable=SC2086
    run "$TALLY" events --db "$DB" $args
    expect_rc "usage: $args" 2
    expect_err_nonempty "usage: $args says why"
done
run "$TALLY" events --db "$DB" "$DOCS/aid-briefing.txt"
expect_rc "usage: --db and files" 2
run "$TALLY" events --db "$T/none.db"
expect_rc "no such database" 1
expect_err_has "no such database: says so" "no such database"

# ---- the relations record: bundled, and a file with bad rows -----------------------------

nrel=$(($(grep -c . "$SRC/data/relations.csv") - 1))
run "$TALLY" import --db "$T/rel.db"
expect_rc "import: the bundled relations" 0
expect_out_has "import: every relation stored" "bundled relations: rows: $nrel read, 0 failed"
expect_eq "import: as events, curated" \
    "$(count "$T/rel.db" 'SELECT count(*) FROM events e JOIN documents d ON d.id = e.doc_id WHERE d.curated = 1 AND e.text IS NULL')" "$nrel"
run "$TALLY" import --db "$T/rel.db"
expect_out_has "import again: the relations unchanged" "bundled relations: rows: $nrel read, 0 failed; records: 0 new"
expect_eq "import again: no event added" "$(count "$T/rel.db" 'SELECT count(*) FROM events')" "$nrel"
run "$TALLY" events --db "$T/rel.db" --actor PRK --recipient RUS --mode vote
expect_rc "relations: North Korea's votes" 0
if [ "$(wc -l <"$T/out")" -ge 5 ]; then pass; else fail "relations: a vote per resolution" "$(wc -l <"$T/out")"; fi
expect_jq "relations: each with its URL and resolution" \
    'all(.[]; (.url | startswith("http")) and (.about | startswith("A/RES/ES-11/")) and .curated and .sentence == null)'
run "$TALLY" events --db "$T/rel.db" --both-ways --actor PRK --recipient RUS --type SUPPORT --mode treaty
expect_jq "relations: the 2024 treaty" 'any(.[]; .date == "2024-06-19")'
# every row has a URL, and no row is copied text: an about of a few words
run jq -e -s 'all(.[]; (.about // "" | length) <= 120)' <("$TALLY" events --db "$T/rel.db")
expect_rc "relations: facts in a few words, not copied text" 0

cat >"$T/bad.csv" <<'CSV'
date,actor,recipient,type,mode,context,about,aux,source,url,note
2024-06-19,PRK,RUS,SUPPORT,treaty,diplomatic,a treaty,,AFP,https://example.org/a,
2024-13-01,PRK,RUS,SUPPORT,treaty,,a treaty,,AFP,https://example.org/a,
2024-06-19,XX,RUS,SUPPORT,treaty,,a treaty,,AFP,https://example.org/a,
2024-06-19,PRK,RUS,VOTE,,,a treaty,,AFP,https://example.org/a,
2024-06-19,PRK,RUS,AID,vote,,a vote,,AFP,https://example.org/a,
2024-06-19,PRK,RUS,SUPPORT,vote,weather,a vote,,AFP,https://example.org/a,
2024-06-19,PRK,RUS,SUPPORT,vote,,a vote,someday,AFP,https://example.org/a,
2024-06-19,PRK,RUS,SUPPORT,vote,,a vote,,AFP,,
2024-06-20,RUS,PRK,CONSULT,visit,,a visit,,AFP,https://example.org/b,
CSV
run "$TALLY" import --db "$T/bad.db" "$T/bad.csv"
expect_rc "bad rows: exit 1" 1
expect_err_has "bad rows: a date" "$T/bad.csv:3: date '2024-13-01' is not YYYY, YYYY-MM or YYYY-MM-DD"
expect_err_has "bad rows: a party" "$T/bad.csv:4: actor 'XX' is not a party code"
expect_err_has "bad rows: a type" "$T/bad.csv:5: type 'VOTE' is not a PLOVER type"
expect_err_has "bad rows: a mode of another type" "$T/bad.csv:6: mode 'vote' is not a mode of EVENTS.md for this type"
expect_err_has "bad rows: a context" "$T/bad.csv:7: context 'weather' is not a ';'-separated list"
expect_err_has "bad rows: an aux" "$T/bad.csv:8: aux 'someday' is not an auxiliary mode"
expect_err_has "bad rows: no URL" "$T/bad.csv:9: url '' is empty"
expect_out_has "bad rows: the rest go in" "rows: 9 read, 7 failed; records: 2 new, 0 unchanged, 0 replaced; claims: 0 stored; events: 2 stored"
expect_eq "bad rows: the good events stored" "$(count "$T/bad.db" 'SELECT count(*) FROM events')" 2
# the header chooses the kind of record: the one that knows most of its columns
printf 'date,who\n2024,x\n' >"$T/cols.csv"
run "$TALLY" import --db "$T/bad.db" "$T/cols.csv"
expect_rc "a header of the relations with an unknown column" 1
expect_err_has "the unknown column named" "$T/cols.csv:1: unknown column 'who'"
printf 'date,actor,recipient,type,url\n2024,PRK,RUS,SUPPORT,https://example.org/c\n' >"$T/cols.csv"
run "$TALLY" import --db "$T/bad.db" "$T/cols.csv"
expect_rc "a relations header without a required column" 1
expect_err_has "the missing column named" "$T/cols.csv:1: no column 'mode'"

# ---- tally check: events that contradict each other -----------------------------------

run "$TALLY" check --db "$T/rel.db" --format jsonl
expect_rc "check: the bundled record" 0
if grep -q '"events":' "$T/out"; then
    fail "check: the bundled relations agree with each other" "$(grep '"events":' "$T/out" | head -c 300)"
else
    pass
fi
cat >"$T/contra.csv" <<'CSV'
date,actor,recipient,type,mode,context,about,aux,source,url,note
2022-03-02,PRK,RUS,REJECT,vote,diplomatic,a/res/ES-11/1,,Test wire,https://example.org/test/contra,
2024-03,PRK,RUS,CONSULT,visit,,a visit to Moscow in March,negation,Test wire,https://example.org/test/cancel,
2024-03-20,PRK,RUS,CONSULT,visit,,a visit to Moscow,,Test wire,https://example.org/test/visit,
2024-05-20,PRK,RUS,CONSULT,visit,,a visit to Moscow,,Test wire,https://example.org/test/later,
CSV
"$TALLY" import -q --db "$T/rel.db" "$T/contra.csv"
run "$TALLY" check --db "$T/rel.db" --format jsonl
expect_jq "check: a state voting both ways on one resolution" \
    '[.[] | select(.rule == "vote-both-ways")] | length == 1 and (.[0].events | map(.doc) | sort == ["contra", "un-russia-vote-full-voting-breakdown-north-korea-syria-back-putin-ukraine-invasion-1494907"])'
expect_jq "check: a visit after its cancellation, not the one after the period" \
    '[.[] | select(.rule == "visit-after-cancellation")] | length == 1 and (.[0].events | map(.doc) == ["visit", "cancel"])'
run "$TALLY" check --db "$T/rel.db" --supplier IRN --recipient RUS --format jsonl
expect_jq "check: another pair's events left out" 'all(.[]; has("events") | not)'
run "$TALLY" check --db "$T/rel.db"
expect_out_has "check: the table names the events" "and event "
run "$TALLY" check --db "$T/rel.db" --format csv
expect_out_has "check: csv names the events" ",event:"

# ---- GET /api/events: the same events as tally events --db ----------------------------

if command -v curl >/dev/null; then
    "$TALLY" ingest -q --db "$T/rel.db" "$DOCS"
    start_server "$T/rel.db"
    if [ -z "$URL" ]; then
        fail "api: the server starts" "$(cat "$T/serve.err")"
    else
        get "/api/events?actor=PRK&recipient=RUS&both_ways=1&type=SUPPORT&limit=1000"
        expect_code "api: events of a pair" 200
        jq -c '.events[]' "$T/out" >"$T/api.jsonl"
        "$TALLY" events --db "$T/rel.db" --actor PRK --recipient RUS --both-ways --type SUPPORT >"$T/cli.jsonl"
        if cmp -s "$T/api.jsonl" <(jq -c . "$T/cli.jsonl"); then pass; else
            fail "api: the command line's events" "$(diff "$T/api.jsonl" <(jq -c . "$T/cli.jsonl") | head -3)"
        fi
        get "/api/events?mode=vote&since=2022-10&until=2022-10&limit=2"
        expect_json "api: a page, and more" '(.events | length == 2) and .more == true and all(.events[]; .mode == "vote" and (.date | startswith("2022-10")))'
        id=$(jq -r --arg d relations-briefing 'select(.doc == $d) | .id' "$T/cli.jsonl" | head -n 1)
        if [ -z "$id" ]; then
            id=$("$TALLY" events --db "$T/rel.db" --doc relations-briefing --limit 1 | jq .id)
        fi
        get "/api/events/$id"
        expect_json "api: one event with its paragraph" \
            '.id != null and (.paragraph | type == "string") and (.paragraph[.sentence_in_paragraph[0]:.sentence_in_paragraph[1]] == .sentence)'
        get "/api/events/999999"
        expect_error "api: no such event" 404 "no event"
        get "/api/events?type=NOPE"
        expect_error "api: an unknown type" 400 "unknown event type"
        get "/api/events?actor=Atlantis"
        expect_error "api: an unknown party" 400 "unknown party"
        get "/api/events?colour=red"
        expect_error "api: an unknown parameter" 400 "unknown parameter"
        stop_server
    fi
else
    skip "api" "curl is not installed"
fi

# ---- an older database: schema 4, before events ------------------------------------

cp "$DB" "$T/old.db"
sqlite3 "$T/old.db" "DROP TABLE events; DROP TABLE feed_items; DROP TABLE http_validators;
    DROP TABLE raw_pages; PRAGMA user_version = 4;"
run "$TALLY" events --db "$T/old.db"
expect_err_has "schema 4: a reader leaves it for a writer" "older than this tally's 6"
olddate=$(count "$T/old.db" "SELECT date FROM documents WHERE name = 'relations-briefing'")
nold=$(count "$T/old.db" 'SELECT count(*) FROM claims')
run "$TALLY" ingest --db "$T/old.db" "$DOCS"
expect_rc "schema 4: ingest upgrades it" 0
expect_eq "schema 4: now schema 6" "$(count "$T/old.db" 'PRAGMA user_version')" 6
expect_out_has "schema 4: its documents are read again for their events" "0 new, 0 unchanged, 2 replaced"
expect_eq "schema 4: their events stored" "$(count "$T/old.db" 'SELECT count(*) FROM events')" \
    "$(count "$DB" 'SELECT count(*) FROM events')"
expect_eq "schema 4: their claims as they were" "$(count "$T/old.db" 'SELECT count(*) FROM claims')" "$nold"
expect_eq "schema 4: the first date kept" \
    "$(count "$T/old.db" "SELECT date FROM documents WHERE name = 'relations-briefing'")" "$olddate"
expect_eq "schema 4: sound" "$(count "$T/old.db" 'PRAGMA integrity_check')" ok
run "$TALLY" ingest --db "$T/old.db" "$DOCS"
expect_out_has "schema 4: then unchanged" "0 new, 2 unchanged, 0 replaced"

finish
