#!/usr/bin/env bash
# End-to-end tests of the claim model's vocabulary and fields: vehicles,
# weapons and air defence, and money in euros and pounds, from extraction
# to the store, the claims CSV and the JSON API (the dashboard's filter is
# tests/browser/); a rate's period (per) from the public record and from an
# older database; and the error policy (404 for no such thing, 500 for bad
# data, 400 for a filter that cannot match).
# Usage: model.sh TALLY SOURCE_DIR   (needs jq, curl, sqlite3 and python3)
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_args 2 "TALLY SOURCE_DIR" "$@"
e2e_needs jq curl sqlite3 python3

# A briefing written for the tests (no article's words): western aid, in
# euros and pounds (the dashboard's tests read it too).
cp "$SRC/tests/data/aid-briefing.txt" "$T/aid.txt"

# ---- extract ---------------------------------------------------------------------

run "$TALLY" extract "$T/aid.txt"
expect_rc "extract exit" 0
cp "$T/out" "$T/aid.jsonl"
# claim UNIT ITEMS LOW: a claim of the briefing with these
claim() {
    local f=".unit == \"$1\" and (.item | sort) == ($2 | sort) and .low == $3 and .recipient == \"UKR\""
    if jq -e -s "any(.[]; $f)" "$T/aid.jsonl" >/dev/null; then
        pass
    else
        fail "extract: $1 $2 $3" "no claim with $f in $(jq -c '[.text, .unit, .item]' "$T/aid.jsonl" | tr '\n' ' ')"
    fi
}
claim vehicle '["vehicle"]' 25
claim vehicle '["vehicle"]' 40
claim vehicle '["vehicle"]' 6
claim vehicle '["vehicle"]' 12
claim item '["air-defence"]' 4
claim item '["weapons"]' 18
claim item '["weapons"]' 33
claim EUR '["money"]' 700000000
claim GBP '["money"]' 225000000
expect_eq "extract: every claim has a per field" "$(jq -s 'all(.[]; has("per"))' "$T/aid.jsonl")" true

# ---- the store and the claims CSV ------------------------------------------------

DB=$T/m.db
run "$TALLY" ingest --db "$DB" "$T/aid.txt"
expect_rc "ingest exit" 0
# csv_rows UNIT: the CSV rows of `tally claims --unit UNIT` as JSON objects
csv_rows() {
    "$TALLY" claims --db "$DB" --unit "$1" --format csv |
        python3 -c 'import csv, json, sys; print(json.dumps(list(csv.DictReader(sys.stdin))))'
}
for cur in EUR GBP; do
    csv_rows "$cur" >"$T/out"
    expect_json "claims csv --unit $cur: one row in $cur" "length == 1 and .[0].unit == \"$cur\""
    expect_json "claims csv --unit $cur: its item and recipient" \
        '.[0].item == "money" and .[0].recipient == "UKR" and .[0].supplier != ""'
done
csv_rows item >"$T/out"
expect_json "claims csv --unit item: weapons and air defence" \
    '(map(.item) | sort) == ["air-defence", "weapons", "weapons"]'
"$TALLY" claims --db "$DB" --item vehicle --format jsonl >"$T/out"
expect_jq "claims --item vehicle: tanks, armoured vehicles, jets, helicopters" \
    'length == 4 and all(.[]; .unit == "vehicle")'
run "$TALLY" claims --db "$DB" --format csv
expect_out_has "claims csv: the columns in the analyst's order" \
    "id,date,stated,supplier,recipient,kind,item,caliber_mm,unit,qualifier,low,high,since,as_of,"
run "$TALLY" claims --db "$DB" --unit XYZ
expect_rc "claims --unit XYZ: a usage error" 2
expect_err_has "claims --unit XYZ: says why" "unknown unit 'XYZ'"

# ---- the public record's rates, and a database from before per -------------------

run "$TALLY" import --db "$DB"
expect_rc "import exit" 0
"$TALLY" claims --db "$DB" --format jsonl >"$T/out"
expect_jq "import: the record's rates have their period" \
    '[.[] | select(.per != null) | .per] | (length > 0) and all(.[]; . == "day" or . == "month" or . == "year")'
expect_jq "import: no note says 'rate per' any more" 'all(.[]; (.note // "") | contains("rate per") | not)'
rates=$(jq -s '[.[] | select(.per != null)] | length' "$T/out")
# an older database: schema 1, the period only in the note
cp "$DB" "$T/old.db"
to_schema3 "$T/old.db"
sqlite3 "$T/old.db" "UPDATE claims SET note = 'rate per ' || per WHERE per IS NOT NULL;
    ALTER TABLE claims DROP COLUMN per; PRAGMA user_version = 1;" 2>"$T/err"
# a reader leaves it for a writer to upgrade
run "$TALLY" claims --db "$T/old.db"
expect_err_has "an older database: a reader says a writer upgrades it" "older than this tally's 6"
run "$TALLY" import --db "$T/old.db"
expect_rc "an older database: import upgrades it" 0
expect_out_has "an older database: its records stay as they were" "0 new"
expect_out_has "an older database: none replaced" "0 replaced"
"$TALLY" claims --db "$T/old.db" --format jsonl >"$T/out"
expect_eq "an older database: its rates read once from the notes" \
    "$(jq -s '[.[] | select(.per != null)] | length' "$T/out")" "$rates"
expect_eq "an older database: migrated to schema 6" "$(sqlite3 "$T/old.db" 'PRAGMA user_version')" 6

# ---- the API and the error policy ------------------------------------------------

start_server "$DB"
get /api/meta
expect_code "meta" 200
expect_json "meta: the units of the stored claims, currencies by name" \
    '[.units[] | select(.money) | {slug, name}] | (index({"slug": "EUR", "name": "Euro"}) != null) and (index({"slug": "GBP", "name": "Pound Sterling"}) != null)'
expect_json "meta: the model's items and kinds" \
    '([.items[].slug] | index("vehicle") != null and index("air-defence") != null) and ([.kinds[].slug] | length == 8)'
expect_json "meta: the fields in CSV order" '.fields[0].key == "id" and ([.fields[].key] | index("per") != null)'
for cur in EUR GBP; do
    # as many as tally claims finds (the document's one, and the bundled
    # record's in that currency)
    want=$("$TALLY" claims --db "$DB" --unit "$cur" --format jsonl | wc -l | tr -d ' ')
    get "/api/claims?unit=$cur"
    expect_code "claims unit=$cur" 200
    expect_json "claims unit=$cur: only $cur" \
        ".claims | length == $want and length > 0 and all(.[]; .unit == \"$cur\")"
done
get "/api/claims?unit=vehicles"
expect_code "claims unit=vehicles: 400" 400
expect_json "claims unit=vehicles: a message" '.error | contains("unknown unit")'
get "/api/series?supplier=DEU&recipient=UKR&item=food"
expect_code "a series with no claims: 404" 404
expect_json "a series with no claims: a message" '.error | contains("no transfer of food")'
get "/api/series?supplier=PRK&recipient=RUS&item=artillery-shell"
expect_code "a series of the record: 200" 200
# bad data in the database is the server's error, not "not found"
stop_server
sqlite3 "$DB" "UPDATE claims SET low = 9e999 WHERE unit = 'round'" # an infinite figure
start_server "$DB"
get "/api/series?supplier=PRK&recipient=RUS&item=artillery-shell"
expect_code "a series on bad data: 500" 500
expect_json "a series on bad data: a JSON message" '.error | contains("not positive")'
stop_server

finish
