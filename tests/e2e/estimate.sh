#!/usr/bin/env bash
# End-to-end tests of the estimate stage: tally clusters, estimate, check.
# Usage: estimate.sh TALLY SOURCE_DIR   (needs jq)
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_args 2 "TALLY SOURCE_DIR" "$@"
DB=$T/e.db
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
    'any(.[]; .rule == "below-lower-bound" and (.why | contains("6700")) and (.why | contains("10000")))'
{
    head -n 1 "$SRC/data/public-record.csv"
    echo '2024-05-01,Someone,USA,PRK,RUS,transfer,munitions,,container,9000,7000,range,2023-08,2024-04,https://example.org/swapped,'
} >"$T/swapped.csv"
"$TALLY" import -q --db "$DB" "$T/swapped.csv" 2>"$T/err"
run "$TALLY" check --db "$DB" --format jsonl
expect_jq "check: a range with swapped ends" \
    'any(.[]; .rule == "swapped-range" and .claims[0].figure == "9000-7000 container")'
run "$TALLY" check --db "$DB"
expect_out_has "check table ends with a count" "contradictions among"

# ---- clusters ----------------------------------------------------------------

run "$TALLY" clusters --db "$DB" --supplier PRK --recipient RUS --item munitions --format jsonl
expect_rc "clusters exit" 0
# the roundup's "nearly 7,000" echoes Shin Won-sik's "about 6,700" of the record
expect_jq "clusters: an echo joins its original" \
    'any(.[]; .source == "Shin Won-sik" and (.figure | contains("6700"))
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
    stated=$(sqlite3 "$DB" "SELECT stated FROM claims WHERE id = $id")
    [[ "$stated" > "2023-12-31" ]] && late=$((late + 1))
done
expect_eq "estimate --known-by uses only what was stated by then" "$late" 0
known=$(jq -r '.estimates[0].median' "$T/out")
if [ "${known:-0}" -lt "${full:-0}" ]; then pass; else fail "estimate: less was known in 2023" "$known >= $full"; fi

run "$TALLY" estimate --db "$DB" 'North Korea' Russia munitions --unit container --format csv
expect_out_has "estimate csv head" "date,q05,q25,median,q75,q95"
run "$TALLY" estimate --db "$DB" PRK RUS munitions --unit container --at 2024-10-31
expect_out_has "estimate table names the drivers" "clusters that drive it"
expect_out_has "estimate table names a source and grade" "Shin Won-sik (B)"

# factors and grades are data: an edited copy changes the estimate
sed 's/^container\tround\tartillery-shell\t152\t250\t500\tmodel/container\tround\tartillery-shell\t152\t900\t1000\tmodel/' \
    "$SRC/data/factors.tsv" >"$T/factors.tsv"
run "$TALLY" estimate --db "$DB" PRK RUS artillery-shell --factors "$T/factors.tsv" --format json
expect_jq "estimate: an edited factor is used" 'any(.[0].points[]; .how | startswith("x 900-1000"))'
printf 'container\tround\tartillery-shell\t152\tmany\t500\tmodel\n' >"$T/bad-factors.tsv"
run "$TALLY" estimate --db "$DB" PRK RUS artillery-shell --factors "$T/bad-factors.tsv"
expect_rc "estimate: a bad factors file" 1
expect_err_has "estimate: the bad line named" "bad-factors.tsv:1:"
sed 's/^source\tofficial\t\*\tB/source\tofficial\t*\tE/' "$SRC/data/grades.tsv" >"$T/grades.tsv"
run "$TALLY" estimate --db "$DB" PRK RUS munitions --unit container --grades "$T/grades.tsv"
expect_out_has "estimate: an edited grade is used" "Shin Won-sik (E)"

run "$TALLY" estimate --db "$DB" PRK RUS shells
expect_rc "estimate: an unknown item" 2
run "$TALLY" estimate --db "$DB" PRK Atlantis artillery-shell
expect_rc "estimate: an unknown state" 2
run "$TALLY" estimate --db "$DB" USA CHN drone
expect_rc "estimate: nothing to estimate" 1
expect_err_has "estimate: says why" "no transfer of drone from USA to CHN"
run "$TALLY" estimate --db "$DB" PRK RUS
expect_rc "estimate: too few arguments" 2
for cmd in clusters estimate check; do
    run "$TALLY" "$cmd" --help
    expect_out_has "$cmd --help" "Usage: tally $cmd"
done

finish
