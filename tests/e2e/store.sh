#!/usr/bin/env bash
# End-to-end tests of the store: tally ingest, import, claims, docs, sources.
# The same checks on SQLite and on PostgreSQL (tests/e2e/with_pg.sh).
# Usage: store.sh TALLY SOURCE_DIR   (needs jq, python3, and sqlite3 or psql)
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_args 2 "TALLY SOURCE_DIR" "$@"
e2e_needs jq python3
if on_pg; then e2e_needs psql createdb pg_dump; else e2e_needs sqlite3; fi
DEV=$SHARED/corpus/dev
skip_without_corpus "$DEV"

DB=$(new_db t)
# count QUERY: one number from the test database.
count() {
    sql "$DB" "$1"
}

# ---- ingest --------------------------------------------------------------

mkdir -p "$T/corpus/sub"
cp "$DEV"/*.txt "$T/corpus/"
mv "$T/corpus/seed-russias-most-important-ally.txt" "$T/corpus/sub/"
echo '{"not":"a feed"}' >"$T/corpus/claims.jsonl" # not walked: only named feeds
ndocs=$(ls "$DEV"/*.txt | wc -l)
"$TALLY" extract "$DEV"/*.txt >"$T/extract.jsonl" 2>/dev/null
nclaims=$(wc -l <"$T/extract.jsonl")

run "$TALLY" ingest --db "$DB" "$T/corpus"
expect_rc "ingest folder exit" 0
expect_out_has "ingest folder summary" "documents: $ndocs new, 0 unchanged, 0 replaced, 0 failed; claims: $nclaims stored"
expect_eq "ingest stores every document" "$(count 'SELECT count(*) FROM documents')" "$ndocs"
expect_eq "ingest stores every claim" "$(count 'SELECT count(*) FROM claims')" "$nclaims"
if on_sqlite; then
    expect_eq "database is marked as tally's" "$(count 'PRAGMA application_id')" 1413565529
    expect_eq "database schema version" "$(count 'PRAGMA user_version')" 5
    expect_eq "database in WAL mode" "$(count 'PRAGMA journal_mode')" wal
    expect_eq "database is sound" "$(count 'PRAGMA integrity_check')" ok
    expect_eq "foreign keys hold" "$(count 'PRAGMA foreign_key_check' | wc -l)" 0
else
    expect_eq "database schema version" "$(count 'SELECT version FROM tally_schema')" 5
fi

# the claims read back are the claims extracted: same sentence, figure,
# fields (a source's name is kept in the case first met: "Shin Won-Sik" and
# "Shin Won-sik" are one source)
"$TALLY" claims --db "$DB" --format jsonl >"$T/claims.jsonl" 2>"$T/err"
fields='[.doc, .sentence, .text, .kind, .supplier, .recipient, .item, .caliber_mm, .unit, .low,
         .high, .qualifier, .since, .as_of, (.source | ascii_downcase), .source_country, .hedged]'
jq -c "$fields" "$T/extract.jsonl" | sort >"$T/a"
jq -c "$fields" "$T/claims.jsonl" | sort >"$T/b"
if cmp -s "$T/a" "$T/b"; then pass; else fail "claims read back as extracted" "$(diff "$T/a" "$T/b" | head -4)"; fi
if jq -e -s 'all(.[]; has("id") and has("url") and has("title") and has("date")
                     and has("source_kind") and (.curated == false))' "$T/claims.jsonl" >/dev/null
then pass; else fail "claims carry provenance" "a line lacks id/url/title/date/source_kind"; fi

# every stored span is the sentence and figure of the stored body
if on_pg; then
    span="substring(d.body FROM c.start::int + 1 FOR (c.end - c.start)::int) != convert_to(c.text, 'UTF8')"
else
    span="substr(CAST(d.body AS BLOB), c.start + 1, c.end - c.start) != CAST(c.text AS BLOB)"
fi
bad=$(count "SELECT count(*) FROM claims c JOIN documents d ON d.id = c.doc_id
  WHERE $span OR c.sentence_start > c.start OR c.sentence_end < c.end")
expect_eq "spans point into the body" "$bad" 0

run "$TALLY" ingest --db "$DB" "$T/corpus"
expect_rc "ingest again exit" 0
expect_out_has "ingest again changes nothing" "documents: 0 new, $ndocs unchanged, 0 replaced, 0 failed; claims: 0 stored"

# every item row holds its claim's fields as the claims row does
same_fields="i.supplier = coalesce(c.supplier, '') AND i.recipient = coalesce(c.recipient, '')
    AND i.date = coalesce(c.date, '') AND i.doc_id = c.doc_id AND i.kind = c.kind
    AND i.items = c.items AND i.caliber_mm IS NOT DISTINCT FROM c.caliber_mm AND i.unit = c.unit AND i.low IS NOT DISTINCT FROM c.low
    AND i.high IS NOT DISTINCT FROM c.high AND i.qualifier = c.qualifier AND i.since IS NOT DISTINCT FROM c.since
    AND i.as_of IS NOT DISTINCT FROM c.as_of AND i.stated IS NOT DISTINCT FROM c.stated AND i.source_id = c.source_id
    AND i.source_written IS NOT DISTINCT FROM c.source_written AND i.hedged = c.hedged AND i.per IS NOT DISTINCT FROM c.per
    AND i.sentence_start IS NOT DISTINCT FROM c.sentence_start AND i.sentence_end IS NOT DISTINCT FROM c.sentence_end"
# (an SQLite file of schema 3, as a tally of then wrote it: PostgreSQL
# databases begin at schema 5)
if on_sqlite; then
    # ---- schema 3 (before the estimator's indexes): refused by readers, upgraded by writers ----

    cp "$DB" "$T/v3.db"
    to_schema3 "$T/v3.db"
    "$TALLY" estimate --db "$DB" --all --format json >"$T/all4.jsonl" 2>"$T/err"
    "$TALLY" claims --db "$DB" --supplier PRK --recipient RUS --item munitions --format jsonl \
        >"$T/pair4.jsonl" 2>"$T/err"
    run "$TALLY" estimate --db "$T/v3.db" --all
    expect_rc "schema 3: a reader refuses it" 1
    expect_err_has "schema 3: the reader says who upgrades it" \
        "schema 3, older than this tally's 5: tally ingest or tally import upgrades it"
    run "$TALLY" ingest --db "$T/v3.db" "$T/corpus"
    expect_rc "schema 3: ingest upgrades it" 0
    # (4 -> 5 marks the articles stored before as changed, so that they are read
    # again for their events; their claims come out the same)
    expect_out_has "schema 3: upgraded, its articles read again for their events" \
        "documents: 0 new, 0 unchanged, $ndocs replaced"
    expect_eq "schema 3: now schema 5" "$(sqlite3 "$T/v3.db" 'PRAGMA user_version')" 5
    expect_eq "schema 3: every item row has its claim's fields" "$(sqlite3 "$T/v3.db" "SELECT count(*)
        FROM claim_items i JOIN claims c ON c.id = i.claim_id WHERE NOT ($same_fields)")" 0
    expect_eq "schema 3: as many item rows as before" "$(sqlite3 "$T/v3.db" 'SELECT count(*) FROM claim_items')" \
        "$(sqlite3 "$DB" 'SELECT count(*) FROM claim_items')"
    expect_eq "schema 3: the indexes made" "$(sqlite3 "$T/v3.db" "SELECT count(*) FROM sqlite_schema
        WHERE name IN ('claim_items_date', 'documents_id_name')")" 2
    expect_eq "schema 3: sound" "$(sqlite3 "$T/v3.db" 'PRAGMA integrity_check')" ok
    "$TALLY" estimate --db "$T/v3.db" --all --format json >"$T/all3.jsonl" 2>"$T/err"
    "$TALLY" claims --db "$T/v3.db" --supplier PRK --recipient RUS --item munitions --format jsonl \
        >"$T/pair3.jsonl" 2>"$T/err"
    if [ -s "$T/all4.jsonl" ] && cmp -s "$T/all3.jsonl" "$T/all4.jsonl"; then pass; else
        fail "schema 3: the same estimates once upgraded" "$(diff "$T/all3.jsonl" "$T/all4.jsonl" | head -4)"
    fi
    # (their ids are new: the upgrade's articles were read again, see above)
    jq -c 'del(.id)' "$T/pair3.jsonl" >"$T/pair3.noid"
    jq -c 'del(.id)' "$T/pair4.jsonl" >"$T/pair4.noid"
    if [ -s "$T/pair4.noid" ] && cmp -s "$T/pair3.noid" "$T/pair4.noid"; then pass; else
        fail "schema 3: the same claims of a pair and item" "$(diff "$T/pair3.noid" "$T/pair4.noid" | head -4)"
    fi
    printf 'North Korea has sent 9,000 containers of munitions to Russia, Seoul said.\n' >"$T/later.txt"
    run "$TALLY" ingest --db "$T/v3.db" --date 2024-12-01 "$T/later.txt"
    expect_eq "schema 3: a claim stored after the upgrade has its item row" \
        "$(sqlite3 "$T/v3.db" "SELECT count(*) FROM claim_items
           WHERE item = 'munitions' AND supplier = 'PRK' AND recipient = 'RUS' AND date = '2024-12-01'")" 1
    expect_eq "schema 3: and every one its claim's fields" "$(sqlite3 "$T/v3.db" "SELECT count(*)
        FROM claim_items i JOIN claims c ON c.id = i.claim_id WHERE NOT ($same_fields)")" 0
fi
expect_eq "ingest: every item row holds its claim's fields" "$(sql "$DB" "SELECT count(*)
    FROM claim_items i JOIN claims c ON c.id = i.claim_id WHERE NOT ($same_fields)")" 0
expect_eq "ingest again keeps the claims" "$(count 'SELECT count(*) FROM claims')" "$nclaims"

cp "$DEV/seed-russias-most-important-ally.txt" "$T/copy.txt"
run "$TALLY" ingest --db "$DB" "$T/copy.txt"
expect_out_has "a copy under another name is no new document" "0 new, 1 unchanged"

# a new version under the same URL replaces the claims, keeps the first date
printf 'url: https://example.org/v\ndate: 2024-03-01\n\nNorth Korea has sent 6,700 containers to Russia, the minister said.\n' >"$T/v1.txt"
printf 'url: https://example.org/v\ndate: 2024-03-05\n\nNorth Korea has sent 7,000 containers to Russia, the minister said.\n' >"$T/v2.txt"
"$TALLY" ingest --db "$DB" "$T/v1.txt" >/dev/null 2>&1
run "$TALLY" ingest --db "$DB" "$T/v2.txt"
expect_out_has "changed document replaced" "0 new, 0 unchanged, 1 replaced"
expect_eq "replaced claims" "$(count "SELECT count(*) || ':' || sum(CASE WHEN low = 7000 THEN 1 ELSE 0 END) FROM claims c JOIN documents d ON d.id = c.doc_id WHERE d.url = 'https://example.org/v'")" "1:1"
expect_eq "replaced document keeps its first date" "$(count "SELECT date || ' ' || revised FROM documents WHERE url = 'https://example.org/v'")" "2024-03-01 2024-03-05"
expect_eq "one document per URL" "$(count "SELECT count(*) FROM documents WHERE url = 'https://example.org/v'")" 1
expect_eq "no item rows left of replaced claims" "$(count 'SELECT count(*) FROM claim_items i LEFT JOIN claims c ON c.id = i.claim_id WHERE c.id IS NULL')" 0
expect_eq "every item of a claim has its row" "$(count "SELECT count(*) FROM claims c JOIN claim_items i ON i.claim_id = c.id AND i.date = coalesce(c.date, '')")" "$(count 'SELECT count(*) FROM claim_items')"
expect_eq "replaced: every item row holds its claim's fields" "$(sql "$DB" "SELECT count(*)
    FROM claim_items i JOIN claims c ON c.id = i.claim_id WHERE NOT ($same_fields)")" 0
# the copy follows the claims row whatever writes it: an edit by hand too
# (SQLite's triggers; PostgreSQL's foreign key deletes them with the claim)
if on_sqlite; then
    cp "$DB" "$T/hand.db"
    sqlite3 "$T/hand.db" "UPDATE claims SET low = 7100, recipient = 'UKR', item = 'munitions;troops'
        WHERE doc_id = (SELECT id FROM documents WHERE url = 'https://example.org/v')"
    expect_eq "an edit by hand: the item rows follow" "$(sqlite3 "$T/hand.db" "SELECT group_concat(item)
        FROM claim_items WHERE low = 7100 AND recipient = 'UKR'")" "munitions,troops"
    expect_eq "an edit by hand: every item row holds its claim's fields" "$(sqlite3 "$T/hand.db" "SELECT count(*)
        FROM claim_items i JOIN claims c ON c.id = i.claim_id WHERE NOT ($same_fields)")" 0
    sqlite3 "$T/hand.db" "DELETE FROM claims WHERE low = 7100"
    expect_eq "a delete by hand: its item rows go" "$(sqlite3 "$T/hand.db" "SELECT count(*) FROM claim_items
        WHERE claim_id NOT IN (SELECT id FROM claims)")" 0
else
    sql "$DB" "DELETE FROM claims WHERE doc_id = (SELECT id FROM documents WHERE url = 'https://example.org/v')"
    expect_eq "a delete by hand: its item rows go" "$(count "SELECT count(*) FROM claim_items
        WHERE claim_id NOT IN (SELECT id FROM claims)")" 0
    "$TALLY" ingest -q --db "$DB" "$T/v1.txt" >/dev/null 2>&1
    "$TALLY" ingest -q --db "$DB" "$T/v2.txt" >/dev/null 2>&1
fi

# ---- feeds and stdin -----------------------------------------------------

cat >"$T/feed.jsonl" <<'EOF'
{"url":"https://example.org/feed/one.html","title":"One","outlet":"Example","date":"2024-10-20","text":"Pyongyang has sent about 1,500 troops to Russia, the NIS said on Friday."}
this line is not JSON

{"url":"https://example.org/feed/two","text":"Iran delivered 400 drones to Russia, officials said.","date":"2023-06-02"}
{"title":"no text"}
EOF
run_in "$T/feed.jsonl" "$TALLY" ingest --db "$DB" -
expect_rc "feed with bad lines exit" 1
expect_out_has "feed stores the good lines" "documents: 2 new, 0 unchanged, 0 replaced, 2 failed"
expect_err_has "feed names the bad line" "<stdin>:2:"
expect_err_has "feed names the line without text" "<stdin>:5: no \"text\" string"
run "$TALLY" claims --db "$DB" --doc one --format jsonl
expect_eq "feed item named by its URL" "$(jq -r '[.doc, .title, .outlet, .date, .as_of, .source] | join("|")' "$T/out")" "one|One|Example|2024-10-20|2024-10-18|NIS"
run_in "$T/feed.jsonl" "$TALLY" ingest --db "$DB" -
expect_out_has "feed again changes nothing" "0 new, 2 unchanged"
printf 'url: https://example.org/feed/two\ndate: 2023-06-02\n\nIran delivered 400 drones to Russia, officials said.' >"$T/two.txt"
run "$TALLY" ingest --db "$DB" "$T/two.txt"
expect_out_has "a feed item and the same file are one document" "0 new, 1 unchanged"

printf 'Russia shipped 1 million barrels of oil to North Korea.\n' >"$T/plain.txt"
run_in "$T/plain.txt" "$TALLY" ingest --db "$DB" --date 2024-11-22 -
expect_rc "plain text on stdin exit" 0
expect_out_has "plain text on stdin stored" "1 new"
expect_eq "stdin document dated by --date" "$(count "SELECT stated FROM claims WHERE text LIKE '1 million barrels%'")" 2024-11-22

# ---- queries -------------------------------------------------------------

"$TALLY" claims --db "$DB" --format jsonl >"$T/all.jsonl"
q() { # q NAME JQ_SELECT ARGS...: the filter selects what jq selects
    local name=$1 sel=$2
    shift 2
    "$TALLY" claims --db "$DB" --format jsonl "$@" >"$T/out" 2>"$T/err"
    local want got
    want=$(jq -c "select($sel) | .id" "$T/all.jsonl" | sort -n | tr '\n' ' ')
    got=$(jq -c '.id' "$T/out" | sort -n | tr '\n' ' ')
    if [ -n "$want" ] && [ "$want" = "$got" ]; then pass; else fail "$name" "got [$got], want [$want]"; fi
}
q "filter supplier" '.supplier == "PRK"' --supplier PRK
q "filter supplier by name" '.supplier == "PRK"' --supplier 'North Korea'
q "filter supplier lower case" '.supplier == "PRK"' --supplier prk
q "filter recipient" '.recipient == "RUS"' --recipient RUS
q "filter item" '.item | index("artillery-shell")' --item artillery-shell
q "filter kind" '.kind == "equivalence"' --kind equivalence
q "filter source" '.source | ascii_downcase | contains("shin")' --source SHIN
q "filter since" '((.as_of // .stated) // "") >= "2024-06"' --since 2024-06
q "filter until" '((.as_of // .stated) // "9") < "2024"' --until 2023
q "filter doc" '.doc == "seed-russias-most-important-ally"' --doc seed-russias-most-important-ally
q "filters combine" '.supplier == "PRK" and .recipient == "RUS" and .kind == "transfer"' --supplier PRK --recipient RUS --kind transfer
run "$TALLY" claims --db "$DB" --limit 3 --format jsonl
expect_eq "limit" "$(wc -l <"$T/out")" 3
run "$TALLY" claims --db "$DB" --source '%'
expect_eq "source pattern characters are literal" "$(wc -l <"$T/out")" 1

run "$TALLY" claims --db "$DB" --format csv
expect_rc "csv exit" 0
expect_eq "csv has a row per claim" "$(python3 -c 'import csv,sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1]))))' "$T/out")" "$(wc -l <"$T/all.jsonl")"
run "$TALLY" claims --db "$DB" --supplier PRK
expect_out_has "table head" "qualifier"

run "$TALLY" claims --db "$DB" --kind shipment
expect_rc "unknown kind exit" 2
expect_err_has "unknown kind named" "shipment"
run "$TALLY" claims --db "$DB" --since 2024-13
expect_rc "bad date exit" 2
run "$TALLY" claims --db "$DB" --supplier Atlantis
expect_rc "unknown state exit" 2
run "$TALLY" claims --db "$DB" --format xml
expect_rc "unknown format exit" 2
run "$TALLY" claims --db "$T/none.db"
expect_rc "missing database exit" 1
expect_err_has "missing database named" "none.db: no such database"
if [ ! -e "$T/none.db" ]; then pass; else fail "querying does not create a database" "none.db exists"; fi

run "$TALLY" docs --db "$DB" --format jsonl
expect_eq "docs lists every document" "$(wc -l <"$T/out")" "$(count 'SELECT count(*) FROM documents')"
run "$TALLY" sources --db "$DB" --format jsonl
if jq -e -s 'any(.[]; .name == "Shin Won-sik" and .kind == "official" and .country == "KOR")' "$T/out" >/dev/null
then pass; else fail "sources normalised with kind and country" "$(head -c 300 "$T/out")"; fi
run "$TALLY" sources --db "$DB" --format csv
expect_out_has "sources csv head" "name,country,kind,claims,documents"

(cd "$T" && TALLY_DB="$DB" "$TALLY" docs >/dev/null 2>&1)
expect_eq "TALLY_DB names the database" "$?" 0
if [ ! -e "$T/tally.db" ]; then pass; else fail "TALLY_DB used instead of ./tally.db" "tally.db made"; fi

# ---- import --------------------------------------------------------------

I=$(new_db i)
run "$TALLY" import --db "$I"
expect_rc "import bundled exit" 0
rows=$(($(grep -c . "$SRC/data/public-record.csv") - 1))
expect_out_has "import bundled summary" "rows: $rows read, 0 failed"
expect_eq "bundled claims are curated" "$(sql "$I" 'SELECT count(*) FROM claims c JOIN documents d ON d.id = c.doc_id WHERE d.curated = 1 AND d.url IS NOT NULL')" "$rows"
run "$TALLY" import --db "$I"
expect_out_has "import again changes nothing" "records: 0 new"
run "$TALLY" claims --db "$I" --supplier PRK --recipient RUS --item artillery-shell --source 'Shin Won-sik' --until 2024-02-26 --format jsonl
if jq -e -s 'any(.[]; .low == 3000000 and .qualifier == "more-than" and .curated and
        .source_detail == "ROK Defence Minister" and (.url | startswith("https://")))' "$T/out" >/dev/null
then pass; else fail "flagship claim imported" "$(head -c 300 "$T/out")"; fi

head -n 1 "$SHARED/data/public-record-2022-2024.csv" >"$T/q.csv"
sed -n 2,3p "$SHARED/data/public-record-2022-2024.csv" >>"$T/q.csv"
Q=$(new_db q)
run "$TALLY" import --db "$Q" "$T/q.csv"
expect_rc "a file with a quote column imports" 0
if { if on_pg; then pg_dump -d "${Q#postgresql:///}"; else sqlite3 "$Q" .dump; fi; } |
    grep -qi 'process of purchasing'; then
    fail "quotes are not stored" "quote text found in the database"
else pass; fi

{
    head -n 1 "$SRC/data/public-record.csv"
    echo '2024-01-01,Someone,USA,PRK,RUS,delivered,artillery-shell,,round,5,,exact,,,https://example.org/a,'
    echo '2024-01-02,Someone,USA,PRK,RUS,transfer,artillery-shell,,round,7,,exact,,,https://example.org/b,'
    echo '2024-01-03,Someone,USA,XXX,RUS,transfer,artillery-shell,,round,7,,exact,,,https://example.org/c,'
} >"$T/bad.csv"
run "$TALLY" import --db "$Q" "$T/bad.csv"
expect_rc "import with bad rows exit" 1
expect_err_has "bad kind reported with its line" "bad.csv:2: kind 'delivered'"
expect_err_has "bad state reported with its line" "bad.csv:4: supplier 'XXX'"
expect_out_has "good rows go in" "rows: 3 read, 2 failed"
printf 'date_stated,source,source,supplier\n' >"$T/twice.csv"
run "$TALLY" import --db "$Q" "$T/twice.csv"
expect_rc "a column twice exit" 1
expect_err_has "a column twice named" "column 'source' twice"
# (a column of neither kind of record: "date" is the relations' first)
printf 'when,who\n2024,x\n' >"$T/cols.csv"
run "$TALLY" import --db "$Q" "$T/cols.csv"
expect_rc "unknown columns exit" 1
expect_err_has "unknown column named" "unknown column 'when'"

# ---- bad databases: a clear message, and the file left as it was ----------

if on_sqlite; then

    printf 'my notes, not a database\n' >"$T/notes.txt"
    cp "$T/notes.txt" "$T/notes.bak"
    run "$TALLY" ingest --db "$T/notes.txt" "$T/plain.txt"
    expect_rc "text file as database exit" 1
    expect_err_has "text file as database named" "notes.txt: not a tally database"
    if cmp -s "$T/notes.txt" "$T/notes.bak"; then pass; else fail "text file left as it was" "changed"; fi
    sqlite3 "$T/other.db" 'CREATE TABLE t(x); INSERT INTO t VALUES (42);'
    run "$TALLY" claims --db "$T/other.db"
    expect_rc "other program's database exit" 1
    expect_err_has "other program's database named" "other.db: not a tally database"
    expect_eq "other program's database left as it was" "$(sqlite3 "$T/other.db" 'SELECT x FROM t')" 42
    cp "$I" "$T/new.db"
    sqlite3 "$T/new.db" 'PRAGMA user_version = 99'
    run "$TALLY" ingest --db "$T/new.db" "$T/plain.txt"
    expect_rc "newer database exit" 1
    expect_err_has "newer database explained" "written by a newer tally (schema 99"
    head -c 8192 "$I" >"$T/cut.db"
    run "$TALLY" claims --db "$T/cut.db"
    expect_rc "truncated database exit" 1
    expect_err_nonempty "truncated database message"
    run "$TALLY" ingest --db "$T" "$T/plain.txt"
    expect_rc "folder as database exit" 1
    expect_err_has "folder as database" "is a directory"
else
    # a server that cannot be used: one line naming it (never a password),
    # exit status 2
    cp_db=$(new_db newer)
    "$TALLY" import -q --db "$cp_db" >/dev/null 2>&1
    sql "$cp_db" "UPDATE tally_schema SET version = 99"
    run "$TALLY" ingest --db "$cp_db" "$T/plain.txt"
    expect_rc "newer database exit" 2
    expect_err_has "newer database explained" "written by a newer tally (schema 99"
    run "$TALLY" claims --db "$cp_db"
    expect_rc "newer database, a reader's exit" 2
    expect_eq "newer database: one line" "$(wc -l <"$T/err")" 1
    mkdir -p "$T/nowhere"
    run "$TALLY" claims --db "host=$T/nowhere port=5432 dbname=tally user=tally"
    expect_rc "server down exit" 2
    expect_err_has "server down named" "postgresql:///tally?host=$T/nowhere&port=5432&user=tally: cannot connect"
    expect_eq "server down: one line" "$(wc -l <"$T/err")" 1
    sql "$DB" "CREATE ROLE tally_pw LOGIN PASSWORD 'right-one'"
    run "$TALLY" claims --db "postgresql://tally_pw:wrong-one@/${DB#postgresql:///}?host=$PGHOST"
    expect_rc "password refused exit" 2
    expect_err_has "password refused named" "user=tally_pw: cannot connect"
    expect_err_has "password refused said" "password authentication failed"
    if grep -q wrong-one "$T/err"; then fail "the password is never shown" "$(cat "$T/err")"; else pass; fi
    expect_eq "password refused: one line" "$(wc -l <"$T/err")" 1
    other=$(new_db other)
    sql "$other" 'CREATE TABLE t(x integer); INSERT INTO t VALUES (42);'
    run "$TALLY" ingest --db "$other" "$T/plain.txt"
    expect_rc "other program's database exit" 1
    expect_err_has "other program's database named" "not a tally database"
    expect_eq "other program's database left as it was" "$(sql "$other" 'SELECT x FROM t')" 42
    run "$TALLY" claims --db "$(new_db empty)"
    expect_rc "an empty database, to a reader" 1
    expect_err_has "an empty database explained" "not yet a tally database"
fi

# ---- bad documents: reported, the rest go in -----------------------------

mkdir -p "$T/mixed"
printf 'url: https://example.org/empty\n\n   \n' >"$T/mixed/a-empty.txt"
printf 'North Korea sent 300 containers to Russia.\0\1\2' >"$T/mixed/b-binary.txt"
printf 'Russia delivered 50,000 tonnes of food to North Korea, \xff\xfe officials said.\n' >"$T/mixed/c-invalid.txt"
M=$(new_db m)
run "$TALLY" ingest --db "$M" "$T/mixed" "$T/mixed/missing.txt"
expect_rc "bad documents exit" 1
expect_err_has "empty document reported" "a-empty.txt: empty document"
expect_err_has "binary document reported" "b-binary.txt"
expect_err_has "invalid UTF-8 warned" "c-invalid.txt: 2 invalid UTF-8 sequences"
expect_err_has "missing file reported" "missing.txt"
expect_out_has "the good document goes in" "documents: 1 new, 0 unchanged, 0 replaced, 3 failed"
expect_eq "only whole documents stored" "$(sql "$M" 'SELECT count(*) FROM documents')" 1

# progress only when stderr is a terminal
P=$(new_db p)
run "$TALLY" ingest --db "$P" "$T/corpus"
if grep -q 'tally ingest:' "$T/err"; then fail "no progress into a pipe" "$(head -c 200 "$T/err")"; else pass; fi
drop_db "$P"
P=$(new_db p)
if command -v script >/dev/null; then
    script -qec "'$TALLY' ingest --db '$P' '$T/corpus'" /dev/null >"$T/out" 2>&1
    expect_out_has "progress on a terminal" "tally ingest: $ndocs documents, $nclaims claims"
else
    skip "progress on a terminal" "script (bsdutils) not installed"
fi

for cmd in ingest import claims docs sources; do
    run "$TALLY" help "$cmd"
    expect_out_has "help $cmd" "Usage: tally $cmd"
    run "$TALLY" "$cmd" --help
    expect_out_has "$cmd --help" "Usage: tally $cmd"
done
run "$TALLY" docs --db "$DB" extra
expect_rc "docs takes no argument" 2

run "$TALLY" ingest --db "$DB" --bogus x
expect_rc "ingest unknown option" 2
run "$TALLY" ingest --db "$DB"
expect_rc "ingest without input" 2
run "$TALLY" ingest --help
expect_out_has "ingest help" "Usage: tally ingest"

finish
