#!/usr/bin/env bash
# End-to-end test of numbers for people (issue 16, include/tally/number.h):
# no table of the command line and no series or partners section of the
# report shows a raw number (more than 4 digits without grouping or a
# scale); JSON and CSV keep the raw ones.
# Usage: numbers.sh TALLY SOURCE_DIR   (needs jq)
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_args 2 "TALLY SOURCE_DIR" "$@"

if [ "$HAVE_JQ" -eq 0 ]; then
    skip "numbers" "jq is not installed"
    finish
    exit $?
fi

DB=$T/n.db
"$TALLY" import -q --db "$DB" >/dev/null 2>&1
"$TALLY" ingest -q --db "$DB" "$SRC/examples" "$SRC/tests/data/aid-briefing.txt" >/dev/null 2>"$T/err"

# raw FILE: the lines of FILE with a run of 5 or more digits that no comma,
# point or digit joins (a raw number), on stdout
raw() {
    grep -nE '(^|[^0-9.,])[0-9]{5,}([^0-9,.]|$)' "$1" || true
}
# no_raw NAME FILE: passes when FILE has no raw number
no_raw() {
    local hits
    hits=$(raw "$2")
    if [ -z "$hits" ]; then pass; else fail "$1" "raw numbers: $(printf '%s' "$hits" | head -n 3)"; fi
}

# the self-check: a raw number is caught, a grouped or scaled one is not
printf 'a 9330809 round\n' >"$T/raw.txt"
expect_eq "a raw number is caught" "$(raw "$T/raw.txt" | wc -l | tr -d ' ')" 1
printf '9,330,809 rounds; 9.33 M rounds; $594 M; 2024-10-31; 1,234\n' >"$T/fine.txt"
expect_eq "grouped, scaled numbers and dates pass" "$(raw "$T/fine.txt")" ""

# ---- the command line's tables ----------------------------------------------

run "$TALLY" claims --db "$DB"
expect_rc "claims table" 0
no_raw "claims table: no raw number" "$T/out"
expect_eq "claims table: 80 columns" "$(awk 'length($0) > 80' "$T/out" | wc -l | tr -d ' ')" 0
run "$TALLY" estimate --db "$DB" --all
no_raw "estimate --all table: no raw number" "$T/out"
expect_eq "estimate --all table: 80 columns" "$(awk 'length($0) > 80' "$T/out" | wc -l | tr -d ' ')" 0
run "$TALLY" estimate --db "$DB" PRK RUS artillery-shell
no_raw "estimate table: no raw number" "$T/out"
# the table's lines (the notes after it are sentences, which wrap)
expect_eq "estimate table: 80 columns" \
    "$(grep -E '^[0-9]{4}-|^ {10} ' "$T/out" | awk 'length($0) > 80' | wc -l | tr -d ' ')" 0
run "$TALLY" rank --db "$DB" --to RUS
no_raw "rank table: no raw number" "$T/out"
expect_eq "rank table: 80 columns" "$(awk 'length($0) > 80' "$T/out" | wc -l | tr -d ' ')" 0
expect_out_has "rank table: the median and the 90 % interval" "median  90% interval"
run "$TALLY" rank --db "$DB" --from PRK --by count
expect_eq "rank --by count: 80 columns" "$(awk 'length($0) > 80' "$T/out" | wc -l | tr -d ' ')" 0
run "$TALLY" check --db "$DB"
expect_rc "check table" 0
no_raw "check table: no raw number" "$T/out"
expect_eq "check table: 80 columns" "$(awk 'length($0) > 80' "$T/out" | wc -l | tr -d ' ')" 0
run "$TALLY" clusters --db "$DB"
no_raw "clusters table: no raw number" "$T/out"
expect_eq "clusters table: 80 columns" "$(awk 'length($0) > 80' "$T/out" | wc -l | tr -d ' ')" 0

# the other tables fit too: events, documents, sources
run "$TALLY" events --db "$DB" --format table
expect_rc "events table" 0
expect_eq "events table: 80 columns" "$(awk 'length($0) > 80' "$T/out" | wc -l | tr -d ' ')" 0
expect_out_has "events table: actor and recipient as one cell" "PRK>RUS"
for cmd in docs sources; do
    run "$TALLY" "$cmd" --db "$DB"
    expect_eq "$cmd table: 80 columns" "$(awk 'length($0) > 80' "$T/out" | wc -l | tr -d ' ')" 0
done

# --wide: every column, nothing cut
run "$TALLY" claims --db "$DB" --wide
expect_rc "claims --wide" 0
expect_eq "claims --wide: the id, doc, item and since columns" \
    "$(head -n 1 "$T/out" | awk '{print $1, $2, $6, $8}')" "id doc item since"
expect_eq "claims --wide: no source cut in its middle" "$(grep -c '\.\.\.' "$T/out")" 0
n_claims=$("$TALLY" claims --db "$DB" --format jsonl | wc -l | tr -d ' ')
expect_eq "claims --wide: a line a claim" "$(($(wc -l <"$T/out") - 1))" "$n_claims"
run "$TALLY" rank --db "$DB" --to RUS --wide
expect_out_has "rank --wide: the five quantiles" "5%        25%     median        75%        95%"
run "$TALLY" events --db "$DB" --format table --wide
expect_eq "events --wide: the document first" "$(head -n 1 "$T/out" | awk '{print $1}')" doc
run "$TALLY" docs --db "$DB" --wide
expect_out_has "docs --wide: the URL" "http"
run "$TALLY" claims --db "$DB" --wide --format jsonl
expect_rc "--wide with jsonl is a usage error" 2
expect_err_has "--wide with jsonl: why" "--wide is for the table format"

# ... and the JSON keeps the raw numbers, with the text beside them
run "$TALLY" estimate --db "$DB" PRK RUS artillery-shell --format json
expect_jq "estimate json: raw median and its text" \
    '.[0].estimates[-1].median > 10000 and (.[0].estimates[-1].median_text | test("^[0-9.]+ [KM] rounds$"))'
# the headline: the median at the last evidence by its date, the intervals
# in words, the independent sources (at most one a cluster)
expect_jq "estimate json: the headline is the last evidence's median" \
    '.[0] as $s | ($s.estimates[] | select(.date == $s.last_evidence) | .median_text) as $m |
     $s.headline.number == ($m + " by " + $s.last_evidence)'
expect_jq "estimate json: the headline's sources" \
    '.[0] as $s | $s.headline.sources >= 1 and $s.headline.sources <= ($s.points | length) and
     ($s.headline.backing | test("^from [0-9]+ independent sources? in [0-9]+ clusters?$"))'
run "$TALLY" estimate --db "$DB" PRK RUS artillery-shell --at 2030-01-01
expect_out_has "estimate table: the headline says since when it is extrapolated" ", extrapolated since "
expect_out_has "estimate table: the headline's intervals" "50 % likely "
run "$TALLY" claims --db "$DB" --format jsonl --supplier PRK
expect_jq "claims json: raw low and figure_text" \
    'any(.[]; .low == 3000000 and .figure_text == "more than 3 M rounds")'

# ---- the report: the series and partners sections ----------------------------

H=$T/report.html
"$TALLY" report --db "$DB" -o "$H" >/dev/null 2>"$T/err"
# the visible text of those sections: no style, no links' addresses
sed -n '/<section class="series"/,/<\/section>/p; /<section id="partners"/,/<\/section>/p' "$H" |
    sed -E 's/<[^>]*>/ /g' >"$T/report.txt"
expect_eq "report: the sections are there" "$([ -s "$T/report.txt" ] && echo yes)" yes
no_raw "report series and partners: no raw number" "$T/report.txt"
# the contradictions and the documents, each by outlet and title (their
# URLs aside, which are addresses, not numbers for people)
sed -n '/<section id="contradictions"/,/<\/section>/p; /<section id="documents"/,/<\/section>/p' "$H" |
    sed -E 's/<td class="url">.*<\/td>//; s/<summary>.*<\/details>//; s/<[^>]*>/ /g' >"$T/report2.txt"
expect_eq "report: contradictions and documents are there" "$(grep -c 'no title stored\|grade' "$T/report2.txt" | awk '{print ($1 > 0) ? "yes" : "no"}')" yes
no_raw "report contradictions and documents: no raw number" "$T/report2.txt"

finish
