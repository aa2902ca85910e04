#!/usr/bin/env bash
# The browser tests against the real server: a test database of the bundled
# record and the examples, `tally serve` on a free port, then
# `node --test tests/browser/` with TALLY_URL (make check runs it).
# Usage: run.sh TALLY SOURCE_DIR   (needs node, web/node_modules and chromium;
# scripts/deps.sh installs them)
set -euo pipefail
TALLY=$(realpath "$1")
SRC=$(realpath "$2")
# Before scripts/deps.sh (or scripts/demo.sh) has run, what the tests need
# may be missing: they are skipped (exit 77, CTest's skip) with the reason.
for need in node "${CHROMIUM:-/usr/bin/chromium}" "$SRC/web/node_modules/playwright-core" \
    "$SRC/web/node_modules/axe-core"; do
    if ! command -v "$need" >/dev/null && [ ! -e "$need" ]; then
        echo "skip: browser tests: $need is missing (bash scripts/deps.sh installs it)"
        exit 77
    fi
done
T=$(mktemp -d)
PID=
cleanup() {
    [ -n "$PID" ] && kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
"$TALLY" import -q --db "$T/t.db" >/dev/null
"$TALLY" ingest -q --db "$T/t.db" "$SRC/examples" >/dev/null
# western aid in euros and pounds, for the unit filter (a briefing written for the tests)
"$TALLY" ingest -q --db "$T/t.db" "$SRC/tests/data/aid-briefing.txt" >/dev/null
# a curated row whose source and note a spreadsheet would run as formulas
"$TALLY" import -q --db "$T/t.db" "$SRC/tests/browser/formulas.csv" >/dev/null
"$TALLY" serve --db "$T/t.db" --port 0 >"$T/serve.out" 2>"$T/serve.err" &
PID=$!
URL=
for _ in $(seq 1 100); do
    URL=$(grep -o 'http://[^ ]*/' "$T/serve.out" 2>/dev/null || true)
    [ -n "$URL" ] && break
    sleep 0.05
done
if [ -z "$URL" ]; then
    echo "browser tests: tally serve did not start: $(cat "$T/serve.err")" >&2
    exit 1
fi
# the HTML report of the same database, for report.test.mjs
"$TALLY" report --db "$T/t.db" -o "$T/report.html" >/dev/null
cd "$SRC"
# the screenshots the tests take, left for a person to look at
mkdir -p "$SRC/build/screenshots"
TALLY_URL=$URL TALLY_REPORT="$T/report.html" TALLY_SCREENSHOTS="$SRC/build/screenshots" \
    node --test tests/browser/
