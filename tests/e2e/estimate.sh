#!/usr/bin/env bash
# End-to-end tests of the estimate stage: tally clusters, estimate, check.
# The same checks on SQLite and on PostgreSQL (tests/e2e/with_pg.sh).
# Usage: estimate.sh TALLY SOURCE_DIR   (needs jq, and sqlite3 or psql)
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_args 2 "TALLY SOURCE_DIR" "$@"
DB=$(new_db e)
"$TALLY" import -q --db "$DB" >/dev/null 2>&1
"$TALLY" ingest -q --db "$DB" "$SRC/examples" >/dev/null 2>"$T/err"

# ---- check -----------------------------------------------------------------

run "$TALLY" check --db "$DB" --format jsonl
expect_rc "check exit" 0
# the seed's mix-up, as the example writes it: 10,000 boxes and 3 million
# rounds is 300 a box, outside Shin Won-sik's own 400-480
expect_jq "check: the conversion mix-up" \
    'any(.[]; .rule == "conversion" and (.why | contains("300 round a container"))
              and (.why | contains("Shin Won-sik 400-480"))
              and ([.claims[].doc] | index("conflation")))'
# Shin's own 6,700 boxes and 3 million rounds agree with his factor
expect_jq "check: a source's own conversion is no contradiction" \
    'all(.[]; .rule != "conversion" or (.claims | all(.doc != "north-korea-munitions-russia-vladimir-putin-war-ukraine")))'
expect_jq "check: below an earlier lower bound" \
    'any(.[]; .rule == "below-lower-bound" and (.why | contains("6,700")) and (.why | contains("10 K")))'
# in plain words: a title and sentences naming both claims' sources, grades,
# dates and outlets, and which claim the estimate follows (the bound, at
# equal grades)
expect_jq "check: each contradiction has a title and a sentence" \
    'all(.[]; (.title | length) > 10 and (.sentence | length) > 40 and (.rule | test("^[a-z-]+$")))'
expect_jq "check: the bound's conflict in words, following the bound" \
    'any(.[]; .rule == "below-lower-bound" and .claims[0].figure == "about 6,700 containers"
              and .follows == .claims[1].id
              and (.sentence | contains("About 6,700 containers by 26 Feb 2024, according to Shin Won-sik (grade B; Politico Europe)"))
              and (.sentence | contains("already reported by 23 Feb 2024, according to US State Department (grade B;"))
              and (.sentence | contains("The estimate keeps the lower bound of more than 10 K containers"))
              and (.sentence | contains("both are graded B")))'
expect_jq "check: rules that do not bear on an estimate follow none" \
    'all(.[]; (.rule | test("bound")) or .follows == null)'
expect_jq "check: every claim with its grade and its document's outlet, date and URL" \
    'all(.[]; all(.claims[]; (.grade | test("^[A-F?]$")) and (.outlet | length) > 0
                             and (.date | test("^[0-9]{4}-")) and (.url == null or (.url | startswith("http")))))'
expect_jq "check: a document's title where it has one" \
    'any(.[]; any(.claims[]; .title == "How many shells? A common mix-up (written for tally)"))'
expect_jq "check: the mix-up in words, naming both counts' sources" \
    'any(.[]; .rule == "misattribution"
              and (.sentence | contains("Those rounds are the conversion by Shin Won-sik (grade B) of about 6,700 containers"))
              and (.sentence | contains("not of US State Department")))'
run "$TALLY" check --db "$DB"
expect_out_has "check table: the title and the rule" "A conversion paired with another source's count (misattribution)"
expect_eq "check table: within 80 columns" "$(awk 'length > 80' "$T/out" | wc -l | tr -d ' ')" 0
run "$TALLY" check --db "$DB" --wide
expect_out_has "check --wide: the rule's own figures" "rule: more than 3 M rounds (Shin Won-sik) is the conversion"
expect_out_has "check --wide: the documents' URLs" "https://example.org/tally/conflation"
run "$TALLY" check --db "$DB" --wide --format csv
expect_rc "check --wide with csv: usage" 2
{
    head -n 1 "$SRC/data/public-record.csv"
    echo '2024-05-01,Someone,USA,PRK,RUS,transfer,munitions,,container,9000,7000,range,2023-08,2024-04,https://example.org/swapped,'
} >"$T/swapped.csv"
"$TALLY" import -q --db "$DB" "$T/swapped.csv" 2>"$T/err"
run "$TALLY" check --db "$DB" --format jsonl
expect_jq "check: a range with swapped ends" \
    'any(.[]; .rule == "swapped-range" and .claims[0].figure == "9,000-7,000 containers")'
run "$TALLY" check --db "$DB"
expect_out_has "check table ends with a count" "contradictions among"

# ---- clusters ----------------------------------------------------------------

run "$TALLY" clusters --db "$DB" --supplier PRK --recipient RUS --item munitions --format jsonl
expect_rc "clusters exit" 0
# the roundup's "nearly 7,000" echoes Shin Won-sik's "about 6,700" of the record
expect_jq "clusters: an echo joins its original" \
    'any(.[]; .source == "Shin Won-sik" and (.figure | contains("6,700"))
              and ([.members[].doc] | index("echo-roundup")))'
expect_jq "clusters: different sources stay apart" \
    'all(.[]; ([.members[].source] | unique | map(select(. != "author")) | length) <= 1)'
run "$TALLY" clusters --db "$DB" --kind bogus
expect_rc "clusters: a bad filter" 2

# ---- estimate ------------------------------------------------------------------

run "$TALLY" estimate --db "$DB" PRK RUS artillery-shell --format json
expect_rc "estimate exit" 0
expect_jq "estimate: the series" '.[0].supplier == "PRK" and .[0].recipient == "RUS" and .[0].unit == "round"'
expect_jq "estimate: quantiles in order" \
    'all(.[0].estimates[]; .q05 <= .q25 and .q25 <= .median and .median <= .q75 and .q75 <= .q95)'
expect_jq "estimate: never decreasing" \
    '[.[0].estimates[].median] as $m | all(range(1; $m | length); $m[.] >= $m[. - 1])'
expect_jq "estimate: containers converted with a sourced factor" \
    'any(.[0].points[]; .unit == "container" and (.how | startswith("x 250-500")))'
expect_jq "estimate: a source's own conversion stands for its count" \
    'any(.[0].points[]; .how == "the source'"'"'s own conversion" and .source == "Shin Won-sik" and .value == 3000000)
     and all(.[0].points[]; .how == "counted" or .unit != "container" or .source != "Shin Won-sik")'
expect_jq "estimate: every point names its claims" 'all(.[0].points[]; (.claims | length) >= 1)'
full=$(jq -r '.estimates[-1].median' "$T/out")

run "$TALLY" estimate --db "$DB" PRK RUS artillery-shell --at 2023-12-31 --known-by 2023-12-31 --format json
expect_jq "estimate: one date with --at" '(.[0].estimates | length) == 1 and .[0].estimates[0].date == "2023-12-31"'
ids=$(jq -r '[.points[].claims[]] | join(" ")' "$T/out")
late=0
for id in $ids; do
    stated=$(sql "$DB" "SELECT stated FROM claims WHERE id = $id")
    [[ "$stated" > "2023-12-31" ]] && late=$((late + 1))
done
expect_eq "estimate --known-by uses only what was stated by then" "$late" 0
# a claim stated only to its year or month is known once that year or month
# is over (as tally backtest reads it), not from its first day: the record
# states five claims "2025" and one "2024-09"
stated_in() { # KNOWN_BY STATED: how many claims stated STATED are known by KNOWN_BY
    "$TALLY" claims --db "$DB" --known-by "$1" --format jsonl | jq -s --arg s "$2" '[.[] | select(.stated == $s)] | length'
}
expect_eq "--known-by: a year's claims not before its last day" "$(stated_in 2025-12-30 2025) $(stated_in 2025-12-31 2025) $(stated_in 2025 2025)" "0 5 5"
expect_eq "--known-by: a month's claims not before its last day" "$(stated_in 2024-09-29 2024-09) $(stated_in 2024-09-30 2024-09) $(stated_in 2024-08 2024-09)" "0 1 0"
known=$(jq -r '.estimates[0].median' "$T/out")
if [ "${known:-0}" -lt "${full:-0}" ]; then pass; else fail "estimate: less was known in 2023" "$known >= $full"; fi

run "$TALLY" estimate --db "$DB" 'North Korea' Russia munitions --unit container --format csv
expect_out_has "estimate csv head" "date,q05,q25,median,q75,q95"
run "$TALLY" estimate --db "$DB" PRK RUS munitions --unit container --at 2024-10-31
expect_out_has "estimate table names the drivers" "clusters that drive it"
expect_out_has "estimate table names a source, whom it stands for and grade" \
    "Shin Won-sik = South Korean defence ministry (B)"

# factors and grades are data: an edited copy changes the estimate
sed 's/^container\tround\tartillery-shell\t152\t250\t500\tmodel/container\tround\tartillery-shell\t152\t900\t1000\tmodel/' \
    "$SRC/data/factors.tsv" >"$T/factors.tsv"
run "$TALLY" estimate --db "$DB" PRK RUS artillery-shell --factors "$T/factors.tsv" --format json
expect_jq "estimate: an edited factor is used" 'any(.[0].points[]; .how | startswith("x 900-1000"))'
printf 'container\tround\tartillery-shell\t152\tmany\t500\tmodel\n' >"$T/bad-factors.tsv"
run "$TALLY" estimate --db "$DB" PRK RUS artillery-shell --factors "$T/bad-factors.tsv"
expect_rc "estimate: a bad factors file" 1
expect_err_has "estimate: the bad line named" "bad-factors.tsv:1:"
sed 's/^source\tgovernment\t\*\tB/source\tgovernment\t*\tE/' "$SRC/data/grades.tsv" >"$T/grades.tsv"
run "$TALLY" estimate --db "$DB" PRK RUS munitions --unit container --grades "$T/grades.tsv"
expect_out_has "estimate: an edited grade is used" "US State Department (E)"
expect_out_has "estimate: ... by whom a source stands for" "Shin Won-sik = South Korean defence ministry (E)"

run "$TALLY" estimate --db "$DB" PRK RUS shells
expect_rc "estimate: an unknown item" 2
run "$TALLY" estimate --db "$DB" PRK Atlantis artillery-shell
expect_rc "estimate: an unknown state" 2
run "$TALLY" estimate --db "$DB" USA CHN drone
expect_rc "estimate: nothing to estimate" 1
expect_err_has "estimate: says why" "no transfer of drone from USA to CHN"
run "$TALLY" estimate --db "$DB" PRK RUS
expect_rc "estimate: too few arguments" 2
# ---- growth, honest starts, extrapolation ----------------------------------------

run "$TALLY" estimate --db "$DB" PRK RUS munitions --unit container --at 2024-10-31 --format json
before=$(jq -r '.estimates[0].median' "$T/out")
expect_jq "estimate: the last evidence is not extrapolated" '.[0].estimates[0].extrapolated == false'
expect_jq "estimate: the start and why" \
    '.[0].start == "2022-07-01" and .[0].start_reason == "since" and (.[0].start_why | contains("since"))'
run "$TALLY" estimate --db "$DB" PRK RUS munitions --unit container --at 2025-07-31 \
    --known-by 2024-12-31 --format json
expect_jq "estimate: after the last evidence, extrapolated" \
    '.[0].estimates[0].extrapolated == true and .[0].last_evidence == "2024-10-31" and .[0].rate_known'
later=$(jq -r '.estimates[0].median' "$T/out")
if [ "${later:-0}" -gt "$((before + before / 5))" ]; then pass; else
    fail "estimate: growing at the recent rate after the last evidence" "$later vs $before"
fi
run "$TALLY" estimate --db "$DB" PRK RUS munitions --unit container
expect_out_has "estimate table: the start and why" "starts at 0 on 2022-07-01: the earliest"
expect_out_has "estimate table: extrapolated rows marked" "extrapolated"
expect_out_has "estimate table: the conflict followed" \
    "followed the lower bound of US State Department (more than 10 K containers"
run "$TALLY" estimate --db "$DB" PRK RUS munitions --unit container --format csv
expect_out_has "estimate csv: the extrapolated column" "date,q05,q25,median,q75,q95,extrapolated"
if grep -q ',true$' "$T/out" && grep -q ',false$' "$T/out"; then pass; else
    fail "estimate csv: both kinds of row" "$(tail -n 2 "$T/out")"
fi
run "$TALLY" estimate --db "$DB" --all --format csv
expect_out_has "estimate --all csv: the extrapolated column" "median,q75,q95,extrapolated"

# ---- one identity per source ---------------------------------------------------------

printf 'url: https://example.org/e2e/seoul\ntitle: t\noutlet: Test\ndate: 2024-02-27\n\n%s\n' \
    "Seoul said on Tuesday that North Korea had shipped about 6,700 containers of munitions to Russia since July." \
    >"$T/seoul.txt"
printf 'url: https://example.org/e2e/inss\ntitle: t\noutlet: Test\ndate: 2024-03-02\n\n%s\n\n%s\n' \
    "The Institute for National Security Strategy (INSS), a South Korean think tank, reported in its review." \
    "Russia paid North Korea between \$1bn and \$2bn last year, the South Korean think tank said." \
    >"$T/inss.txt"
"$TALLY" ingest -q --db "$DB" "$T/seoul.txt" "$T/inss.txt" >/dev/null 2>"$T/err"
run "$TALLY" clusters --db "$DB" --format jsonl
expect_jq "identity: \"Seoul\" saying the minister's figure is his ministry, one cluster" \
    'any(.[]; .identity == "South Korean defence ministry" and (.figure | contains("6,700"))
              and any(.members[]; .source_written == "Seoul" and .identity == "South Korean defence ministry")
              and any(.members[]; .source_written == "Shin Won-sik"))'
expect_jq "identity: a document's apposition links a description to its name" \
    'any(.[]; any(.members[]; .doc == "inss" and .source_written == "South Korean think tank"
                               and .identity == "Institute for National Security Strategy"))'
expect_jq "identity: an alias of the actor table (INSS) is one identity" \
    'all(.[]; all(.members[]; .source_written != "INSS" or .identity == "Institute for National Security Strategy"))'

# ---- misattribution ----------------------------------------------------------------------

run "$TALLY" check --db "$DB" --format jsonl
expect_jq "check: the example's mix-up is a misattribution too" \
    'any(.[]; .rule == "misattribution" and .claims[0].doc == "conflation"
              and (.why | contains("conversion of about 6,700 containers by Shin Won-sik, stated over 10 K containers of the US State Department"))
              and (.made_from | length) == 2)'
if [ -d "$SRC/../shared/corpus/dev" ]; then
    "$TALLY" ingest -q --db "$DB" "$SRC/../shared/corpus/dev" >/dev/null 2>&1
    run "$TALLY" check --db "$DB" --format jsonl
    expect_jq "check: the seed's pairing named, both its figures" \
        '[.[] | select(.rule == "misattribution" and .claims[0].doc == "seed-russias-most-important-ally"
                       and (.why | contains("conversion of about 6,700 containers by Shin Won-sik, stated over 10 K containers of the US State Department")))]
         | length == 2'
    expect_jq "check: no misattribution of a source's own conversion" \
        'all(.[]; .rule != "misattribution" or .claims[0].doc == "seed-russias-most-important-ally" or .claims[0].doc == "conflation")'
else
    skip "check: the seed's pairing" "../shared/corpus/dev is absent"
fi

# ---- backtest -----------------------------------------------------------------------------

run "$TALLY" backtest
expect_rc "backtest exit" 0
expect_out_has "backtest: the coverage" "90 % interval holds"
run "$TALLY" backtest --format jsonl --fail-below 0.85
expect_rc "backtest: above its floor" 0
expect_jq "backtest: the summary line" 'any(.[]; .summary and .coverage90 >= 0.85 and .estimated >= 8)'
expect_jq "backtest: each total estimated from what came before" \
    'all(.[]; .summary or .estimated == false or (.known_by < .stated))'
run "$TALLY" backtest --fail-below 1.01
expect_rc "backtest: a floor out of range" 2
run "$TALLY" backtest --fail-below 0.999 --cutoff 2024-03-31
expect_rc "backtest: below its floor" 1
expect_err_has "backtest: says so" "is below"
head -n 1 "$SRC/data/public-record.csv" >"$T/rec.csv"
run "$TALLY" backtest --record "$T/rec.csv"
expect_rc "backtest: an empty record" 0
expect_out_has "backtest: nothing to test" "0 totals stated after"
run "$TALLY" backtest --record "$T/none.csv"
expect_rc "backtest: a missing record" 1

for cmd in clusters estimate check backtest; do
    run "$TALLY" "$cmd" --help
    expect_out_has "$cmd --help" "Usage: tally $cmd"
done

finish
