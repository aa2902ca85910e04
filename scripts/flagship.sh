#!/usr/bin/env bash
# The flagship picture (make demo): a fresh database holding the bundled
# public record and relations and the example documents, the estimates of
# North Korea's support for Russia and Russia's in return, beside the
# relations of the two (summits, the treaty, UN votes, debt relief: the
# events of the record and of the documents), the contradictions found, and
# the HTML report of them all (build/demo-report.html beside the database).
# Usage: flagship.sh TALLY DB
set -euo pipefail
TALLY=$1
DB=$2
AT=${FLAGSHIP_AT:-2024-12-31}

rm -f "$DB" "$DB-wal" "$DB-shm"
echo "== tally import --db $DB          (the public record and the relations bundled with tally)"
"$TALLY" import --db "$DB"
echo "== tally ingest --db $DB examples (documents written for tally)"
"$TALLY" ingest --db "$DB" "$(dirname "$0")/../examples"

series=(
    "PRK RUS munitions --unit container"
    "PRK RUS artillery-shell --unit round"
    "PRK RUS ballistic-missile --unit missile"
    "PRK RUS troops --unit person"
    "RUS PRK oil --unit barrel"
    "RUS PRK food --unit container"
    "RUS PRK money --unit USD"
)
for s in "${series[@]}"; do
    echo
    echo "== tally estimate $s --at $AT"
    # shellcheck disable=SC2086 # the series is words on purpose
    "$TALLY" estimate --db "$DB" $s --at "$AT"
done
echo
echo "== tally estimate PRK RUS artillery-shell --unit round --at $AT, beside the relations of the two"
"$TALLY" estimate --db "$DB" PRK RUS artillery-shell --unit round --at "$AT" | sed -n '1,4p'
echo "== tally events --db $DB --actor PRK --recipient RUS --both-ways --until $AT --format table"
echo "   (the relations timeline: summits, the treaty, UN votes, gifts, debt relief, aid)"
"$TALLY" events --db "$DB" --actor PRK --recipient RUS --both-ways --until "$AT" --format table
for s in "PRK RUS munitions --unit container" "PRK RUS artillery-shell --unit round"; do
    echo
    echo "== tally estimate $s --at 2025-06-30 --known-by $AT (after the last report: the recent rate carried on)"
    # shellcheck disable=SC2086 # the series is words on purpose
    "$TALLY" estimate --db "$DB" $s --at 2025-06-30 --known-by "$AT" | sed -n '1,6p'
done
echo
echo "== tally check (claims, and events, that cannot all be true)"
"$TALLY" check --db "$DB"
echo
REPORT=$(dirname "$DB")/demo-report.html
echo "== tally report --db $DB -o $REPORT --at $AT (one HTML page: every series, charts, relations, sources)"
"$TALLY" report --db "$DB" -o "$REPORT" --at "$AT" >/dev/null
echo "The report is $REPORT (self-contained: open it in any browser, offline)."
echo
echo "The database is $DB. Next:"
echo "  ./tally estimate --db $DB PRK RUS artillery-shell         # the monthly series"
echo "  ./tally estimate --db $DB PRK RUS artillery-shell --known-by 2024-03-01"
echo "  ./tally clusters --db $DB --supplier PRK --item munitions  # echoes counted once"
echo "  ./tally claims --db $DB --source Shin --format jsonl | jq ."
echo "  ./tally events --db $DB --actor PRK --mode vote --format table # North Korea's UN votes"
echo "  ./tally ingest --db $DB YOUR-ARTICLES/                     # add your reports"
echo "  ./tally report --db $DB -o report.html --known-by 2024-03-01 # the page as known then"
