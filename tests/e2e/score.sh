#!/usr/bin/env bash
# Scores `tally extract` on the development corpus with ../shared/tools/score-claims
# and fails below a floor, so that regressions show.
# Usage: score.sh TALLY SHARED_DIR MIN_F1
#
# MIN_F1 is a ratchet: the score this code has reached, less a small margin;
# raise it whenever the score rises (issue 3's target is 0.85 here and 0.90
# in the note). Skipped (exit 77, CTest's skip) when the corpus or python3 is
# missing. TALLY_SHARED, when set, replaces SHARED_DIR.
set -u
if [ $# -ne 3 ]; then
    echo "usage: $0 TALLY SHARED_DIR MIN_F1" >&2
    exit 2
fi
TALLY=$1
SHARED=${TALLY_SHARED:-$2}
MIN=$3
if [ ! -d "$SHARED/corpus/dev" ] || [ ! -x "$SHARED/tools/score-claims" ]; then
    echo "skip: no $SHARED/corpus/dev or score-claims (../shared beside the checkout, or set TALLY_SHARED)"
    exit 77
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "skip: score-claims needs python3"
    exit 77
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
if ! "$TALLY" extract "$SHARED"/corpus/dev/*.txt >"$T/pred.jsonl" 2>"$T/err"; then
    echo "FAIL: tally extract exited non-zero"
    head -n 5 "$T/err"
    echo "0 passed, 1 failed"
    exit 1
fi
"$SHARED/tools/score-claims" "$SHARED/corpus/dev" "$T/pred.jsonl" >"$T/score" 2>&1
rc=$?
cat "$T/score"
if [ $rc -ne 0 ]; then
    echo "FAIL: score-claims exited $rc"
    echo "0 passed, 1 failed"
    exit 1
fi
f1=$(tail -n 1 "$T/score" | sed -n 's/^claims F1 \([0-9.]*\).*/\1/p')
if [ -z "$f1" ] || ! awk -v f="$f1" -v m="$MIN" 'BEGIN { exit !(f >= m) }'; then
    echo "FAIL: claims F1 ${f1:-?} below the floor $MIN"
    echo "0 passed, 1 failed"
    exit 1
fi
echo "claims F1 $f1 >= floor $MIN"
echo "1 passed, 0 failed"
