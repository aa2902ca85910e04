#!/usr/bin/env bash
# Every lower bound holds: walks every series of `tally estimate --all` on
# the demo's database (the bundled record and examples/) and on the
# development and training corpora ingested (../shared, skipped when absent),
# and checks that the monthly median on and after each lower bound's day is
# at least the bound (times the least of its conversion factor), unless a
# better-graded figure overruled it; and that no median is drawn before the
# series' start.
# Usage: bounds.sh TALLY SOURCE_DIR   (needs jq)
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 TALLY SOURCE_DIR" >&2
    exit 2
fi
TALLY=$(realpath "$1")
SRC=$(realpath "$2")
SHARED=$(realpath -m "$SRC/../shared")
unset TALLY_DB
# every draw holds the bounds, so a few draws test them as well as many
DRAWS=${BOUNDS_DRAWS:---draws 200}

# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

if [ "$HAVE_JQ" -ne 1 ]; then
    echo "bounds: jq is not installed; skipped"
    exit 77
fi

# walk NAME DB: every series, every lower bound.
walk() {
    local name=$1 db=$2 n_series=0 n_bounds=0
    "$TALLY" estimate --db "$db" --all --format json >"$T/all.jsonl" 2>"$T/err"
    while IFS=$'\t' read -r sup rec item unit; do
        n_series=$((n_series + 1))
        if ! "$TALLY" estimate --db "$db" "$sup" "$rec" "$item" --unit "$unit" --format json $DRAWS \
            >"$T/s.json" 2>"$T/err"; then
            fail "$name: $sup $rec $item $unit" "tally estimate failed"
            continue
        fi
        # each uncontradicted lower bound against the medians on and after its day
        local broken
        broken=$(jq -r '
            . as $s
            | [.points[] | select(.bound == "lower bound" and (.overruled | not))] as $b
            | [$b[] as $p | $s.estimates[] | select(.date >= $p.date)
               | select(.median < $p.value * $p.factor_low - 0.5)
               | "\($p.date) \($p.value)x\($p.factor_low) (\($p.source)) > median \(.median) on \(.date)"]
            | .[0] // empty' "$T/s.json")
        local count
        count=$(jq '[.points[] | select(.bound == "lower bound" and (.overruled | not))] | length' \
            "$T/s.json")
        n_bounds=$((n_bounds + count))
        if [ -n "$broken" ]; then
            fail "$name: $sup $rec $item in $unit" "lower bound $broken"
        else
            pass
        fi
        # nothing before the start; the rows after the last evidence are flagged
        if jq -e '. as $s | all(.estimates[]; (.date > $s.start or .median == 0)
                  and ((.date > $s.last_evidence) == .extrapolated))' "$T/s.json" >/dev/null; then
            pass
        else
            fail "$name: $sup $rec $item in $unit" "growth before the start, or extrapolation unflagged"
        fi
    done < <(jq -r '[.supplier, .recipient, .item, .unit] | @tsv' "$T/all.jsonl")
    printf '%s: %d series, %d uncontradicted lower bounds walked\n' "$name" "$n_series" "$n_bounds"
    if [ "$n_series" -gt 0 ]; then pass; else fail "$name" "no series"; fi
}

DEMO=$T/demo.db
"$TALLY" import -q --db "$DEMO" >/dev/null 2>&1
"$TALLY" ingest -q --db "$DEMO" "$SRC/examples" >/dev/null 2>&1
walk demo "$DEMO"

if [ -d "$SHARED/corpus/dev" ] && [ -d "$SHARED/corpus/train" ]; then
    CORPUS=$T/corpus.db
    "$TALLY" ingest -q --db "$CORPUS" "$SHARED/corpus/dev" "$SHARED/corpus/train" >/dev/null 2>&1
    walk "dev+train" "$CORPUS"
    "$TALLY" import -q --db "$CORPUS" >/dev/null 2>&1
    walk "dev+train+record" "$CORPUS"
else
    skip "dev+train" "$SHARED/corpus is absent"
fi

finish
