#!/usr/bin/env bash
# End-to-end tests of tally rank on the bundled record: the partners of
# Russia ranked with intervals and the odds of each rank, the partners not
# ranked with why, a broken --prices file, and the ranking's stability
# under a 10 % change of any single price.
# Usage: rank.sh TALLY SOURCE_DIR   (needs jq)
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_args 2 "TALLY SOURCE_DIR" "$@"
e2e_needs jq
DB=$T/r.db
"$TALLY" import -q --db "$DB" >/dev/null 2>&1

run "$TALLY" rank RUS --to --at 2024-12-31 --db "$DB" --format jsonl
expect_rc "rank exit" 0
jq -s . "$T/out" >"$T/all.json"
expect_jq "rank: North Korea first" '.[0].partner == "PRK" and .[0].ranked and .[0].rank == 1'
for partner in PRK IRN CHN BLR; do
    expect_jq "rank: $partner is ranked" "any(.[]; .partner == \"$partner\" and .ranked)"
done
expect_jq "rank: every ranked partner's odds sum to 1" \
    'all(.[] | select(.ranked); ((.p_rank | add) - 1 | fabs) < 0.001)'
expect_jq "rank: each rank's odds sum to 1 over the partners" \
    '([.[] | select(.ranked)] | length) as $n
     | all(range(0; $n) as $k | [.[] | select(.ranked) | .p_rank[$k]] | add; (. - 1 | fabs) < 0.001)'
expect_jq "rank: intervals in order" \
    'all(.[] | select(.ranked) | .total; .q05 <= .q25 and .q25 <= .median and .median <= .q75 and .q75 <= .q95)'
expect_jq "rank: partners not ranked say why" \
    'all(.[] | select(.ranked | not); (.lacks | length) > 0)'
expect_jq "rank: every part not counted says why" \
    'all(.[].parts[]; .counted or (.lacks | length) > 0)'
expect_jq "rank: the same day, direction and measure on every line" \
    'all(.[]; .date == "2024-12-31" and .direction == "to" and .by == "value" and .state == "RUS")'
expect_jq "rank: a counted part has its price's source" \
    'all(.[].parts[] | select(.counted and .unit != "USD"); (.price_url | startswith("http")))'
for partner in PRK IRN CHN BLR; do
    expect_jq "rank: $partner is listed" "any(.[]; .partner == \"$partner\")"
done

# the quantity of a part is the estimate of its series with as many draws
# (read at its last evidence, before the day asked)
med=$(jq -r '.[] | select(.partner == "PRK") | .parts[] | select(.item == "artillery-shell") | .quantity.median' "$T/all.json")
at=$(jq -r '.[] | select(.partner == "PRK") | .parts[] | select(.item == "artillery-shell") | .at' "$T/all.json")
expect_eq "rank: shells read at their last evidence" "$at" "2024-10-31"
run "$TALLY" estimate PRK RUS artillery-shell --at "$at" --draws 1000 --db "$DB" --format json
expect_rc "estimate exit" 0
est=$(jq -r '.estimates[0].median' "$T/out")
expect_eq "rank: a part's quantity is the estimate's" "$(printf '%.0f' "$med")" "$(printf '%.0f' "$est")"

run "$TALLY" rank RUS --to --at 2024-12-31 --db "$DB"
expect_rc "rank table exit" 0
expect_out_has "rank table: title" "partners sending to it by value in"
expect_out_has "rank table: first" "1    PRK North Korea"
run "$TALLY" rank RUS --to --at 2024-12-31 --db "$DB" --format csv
expect_rc "rank csv exit" 0
expect_out_has "rank csv: header" "partner,name,rank,q05,q25,median,q75,q95,p_rank,lacks"
run "$TALLY" rank RUS --to --by people --at 2024-12-31 --db "$DB" --format jsonl
expect_rc "rank people exit" 0
expect_out_has "rank people: North Korea's troops" '"item":"troops"'
run "$TALLY" rank RUS --to --by share --at 2024-12-31 --db "$DB" --format jsonl
expect_rc "rank share exit" 0
expect_jq "rank share: North Korea's share of the shells Russia fires; China's are of imports" \
    'any(.[]; .partner == "PRK" and .ranked) and any(.[]; .partner == "CHN" and (.ranked | not))'
run "$TALLY" rank RUS --to --at 2024-12-31 --extrapolate --db "$DB" --format jsonl
expect_rc "rank --extrapolate exit" 0
expect_jq "rank --extrapolate: every part read at the day asked" \
    'all(.[].parts[] | select(.counted); .at == "2024-12-31")'

# usage and bad input
run "$TALLY" rank RUS --db "$DB"
expect_rc "rank without --to or --from" 2
run "$TALLY" rank RUS --to --from --db "$DB"
expect_rc "rank with both" 2
run "$TALLY" rank Atlantis --to --db "$DB"
expect_rc "rank unknown state" 2
run "$TALLY" rank RUS --to --by weight --db "$DB"
expect_rc "rank unknown measure" 2
run "$TALLY" rank --help
expect_rc "rank --help" 0
expect_out_has "rank --help: usage" "Usage: tally rank STATE --to|--from"
printf 'drone\tdrone\t-\t100\t200\tUSD\t2024\tsomeone\thttps://example.org/a\tok\ndrone\tdrone\t-\t100\t200\tUSD\t2024\tsomeone\t\tno url\n' >"$T/broken.tsv"
run "$TALLY" rank RUS --to --db "$DB" --prices "$T/broken.tsv"
expect_rc "rank broken --prices" 1
expect_err_has "rank broken --prices: FILE:LINE: reason" "$T/broken.tsv:2: the url is missing"
expect_out_empty "rank broken --prices: nothing on stdout"
run "$TALLY" rank RUS --to --db "$DB" --prices "$T/none.tsv"
expect_rc "rank missing --prices" 1

# stable under a 10 % change of any single price: the same partners in the
# same order
order() { jq -r 'select(.ranked) | .partner' "$T/out" | tr '\n' ' '; }
run "$TALLY" rank RUS --to --at 2024-12-31 --db "$DB" --format jsonl --draws 400
base=$(order)
n=$(grep -c -v '^#' "$SRC/data/prices.tsv")
for i in $(seq 1 "$n"); do
    for k in 1.1 0.9; do
        awk -v n="$i" -v k="$k" 'BEGIN { FS = OFS = "\t" }
            /^#/ { print; next }
            { if (++row == n) { $4 = sprintf("%.4f", $4 * k); $5 = sprintf("%.4f", $5 * k) } print }' "$SRC/data/prices.tsv" >"$T/p.tsv"
        run "$TALLY" rank RUS --to --at 2024-12-31 --db "$DB" --format jsonl --draws 400 --prices "$T/p.tsv"
        expect_eq "rank: price line $i x $k keeps the order" "$(order)" "$base"
    done
done
finish
