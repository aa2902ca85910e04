#!/usr/bin/env bash
# tally events and tally train --events end to end.
# Usage: events.sh TALLY SRC_DIR SHARED_DIR MIN_CV_F1
#
# Without the shared corpora: tally events on a document written for the
# tests (JSON Lines of EVENTS.md's fields, a table, usage errors, a bad
# model), and bad input to train --events reported as FILE:LINE: reason.
# With them: the bundled event model (make model) decides as one retrained
# now does; the C scorer agrees with score-events; and the 5-fold
# cross-validated events F1 on dev + train is at least MIN_CV_F1 (printed,
# so that make check shows it, with the founding document's count).
set -u
if [ $# -ne 4 ]; then
    echo "usage: $0 TALLY SRC_DIR SHARED_DIR MIN_CV_F1" >&2
    exit 2
fi
TALLY=$1
SRC=$2
SHARED=$3
MIN=$4
. "$SRC/tests/e2e/lib.sh"

DOC=$SRC/tests/data/aid-briefing.txt
run "$TALLY" events "$DOC"
expect_rc "events: a document" 0
expect_out_has "events: EVENTS.md's fields" '"type":"'
expect_out_has "events: parties" '"actor":'
if [ "$HAVE_JQ" -eq 1 ]; then
    if jq -e 'has("doc") and has("sentence") and has("text") and has("mode") and
              (.context | type == "array") and has("recipient") and has("about") and
              has("date") and has("aux") and has("source") and (.hedged | type == "boolean")' \
        "$T/out" >/dev/null; then
        pass
    else
        fail "events: every field" "$(head -c 300 "$T/out")"
    fi
fi
run "$TALLY" events --format table "$DOC"
expect_rc "events --format table" 0
expect_out_has "events: the table's heads" "parties"
run "$TALLY" events --explain "$DOC"
expect_rc "events --explain" 0
expect_out_has "events --explain: the decisions" '"why":{"by":'
run "$TALLY" events --no-model "$DOC"
expect_rc "events --no-model" 0
cat "$DOC" | "$TALLY" events - >"$T/stdin.jsonl" 2>"$T/err"
if [ -s "$T/stdin.jsonl" ]; then pass; else fail "events: - reads stdin" "$(cat "$T/err")"; fi
run "$TALLY" events
expect_rc "events: no input is a usage error" 2
run "$TALLY" events --date 2024-13 "$DOC"
expect_rc "events: a bad date is a usage error" 2
printf 'TLYM\001\000\000\000' >"$T/bad.bin"
run "$TALLY" events --model "$T/bad.bin" "$DOC"
expect_rc "events: a damaged model" 1
expect_err_has "events: names the model" "$T/bad.bin"
run "$TALLY" events --help
expect_rc "events --help" 0
expect_out_has "events --help usage" "Usage: tally events"
run "$TALLY" --help
expect_out_has "--help lists events" "events"

# bad input to train --events, on documents written for this test
C=$T/corpus
mkdir -p "$C"
cat >"$C/a.txt" <<'DOC'
title: A test report
date: 2024-03-01

Country A and Russia held a summit in Moscow last month. Russia will send 500 drones to Belarus.
DOC
cat >"$C/a.events.jsonl" <<'GOLD'
{"doc": "a", "sentence": "Russia will send 500 drones to Belarus.", "text": "will send", "type": "AGREE", "mode": null, "context": ["military"], "actor": "RUS", "recipient": "BLR", "about": null, "date": null, "aux": "future", "source": "author", "hedged": false}
{"doc": "a", "sentence": "Russia will send
{"doc": "a", "sentence": "x", "type": "GIFT", "actor": "RUS", "recipient": "BLR"}
GOLD
cat >"$C/b.txt" <<'DOC'
Nobody annotated this one.
DOC
cat >"$C/orphan.events.jsonl" <<'GOLD'
{"doc": "orphan", "sentence": "s", "type": "AID"}
GOLD
run "$TALLY" train --events -o "$T/em.bin" "$C"
expect_rc "train --events: bad input is exit 1" 1
expect_err_has "train --events: a broken line" "$C/a.events.jsonl:2: not a JSON object"
expect_err_has "train --events: an unknown type" "$C/a.events.jsonl:3: no PLOVER type"
expect_err_has "train --events: an events file without its text" "orphan.events.jsonl:1: no text"
expect_err_has "train --events: a text without events" "b.txt:1: no events file"
expect_out_has "train --events: the rest is trained on" "1 documents, 1 gold events"
run "$TALLY" events --model "$T/em.bin" "$C/a.txt"
expect_rc "events --model: the trained model reads" 0

# ---- the shared corpora ----------------------------------------------------------
DEV=$SHARED/corpus/dev
TRAIN=$SHARED/corpus/train
if [ ! -d "$DEV" ] || [ ! -d "$TRAIN" ]; then
    skip "shared corpora" "no $DEV or $TRAIN"
    finish
    exit $?
fi
run "$TALLY" train --events --folds 5 --docs --min-f1 "$MIN" -o "$T/m.bin" \
    --predictions "$T/cv.jsonl" "$DEV" "$TRAIN"
grep -E '^(cross-validated|fold|fit)|seed-' "$T/out"
expect_rc "cross-validated events F1 >= $MIN" 0
"$TALLY" events "$DEV"/*.txt "$TRAIN"/*.txt >"$T/bundled.jsonl" 2>"$T/err"
"$TALLY" events --model "$T/m.bin" "$DEV"/*.txt "$TRAIN"/*.txt >"$T/retrained.jsonl" 2>>"$T/err"
if cmp -s "$T/bundled.jsonl" "$T/retrained.jsonl"; then
    pass
else
    fail "the bundled event model is up to date (run make model)" \
        "$(diff "$T/bundled.jsonl" "$T/retrained.jsonl" | head -n 4)"
fi
if command -v python3 >/dev/null && [ -x "$SHARED/tools/score-events" ]; then
    mkdir -p "$T/all"
    cp "$DEV"/* "$TRAIN"/* "$T/all/"
    want=$(grep '^cross-validated, folds pooled' "$T/out" | sed -E 's/.*events F1 ([0-9.]+) \(P ([0-9.]+) R ([0-9.]+)\).*/\1 \2 \3/')
    got=$("$SHARED/tools/score-events" "$T/all" "$T/cv.jsonl" | tail -n 1 |
        sed -E 's/events F1 ([0-9.]+) \(P ([0-9.]+) R ([0-9.]+)\).*/\1 \2 \3/')
    expect_eq "train --events scores as score-events" "$want" "$got"
else
    skip "score against score-events" "no python3 or $SHARED/tools/score-events"
fi
finish
