#!/usr/bin/env bash
# tally train and tally score end to end.
# Usage: train.sh TALLY SRC_DIR SHARED_DIR MIN_CV_F1
#
# Without the shared corpora: bad input to train (a broken gold line, an
# unknown unit, a gold file without its text, a text without gold) is
# reported as FILE:LINE: reason and training goes on; a bad model file is
# refused. With them (SHARED_DIR/corpus): training twice gives the same
# bytes; the bundled model (make model) decides as a model retrained now
# does, on every document; tally score prints what score-claims prints;
# and the 5-fold cross-validated F1 on dev + train is at least MIN_CV_F1
# (printed, so that make check shows it).
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

# ---- bad input, on documents written for this test ------------------------------

C=$T/corpus
mkdir -p "$C/more"
cat >"$C/a.txt" <<'EOF'
title: A test report
date: 2024-03-01

Country A sent 500 drones to Country B last month, officials said.
EOF
cat >"$C/a.gold.jsonl" <<'EOF'
{"doc": "a", "sentence": "Country A sent 500 drones to Country B last month, officials said.", "text": "500 drones", "kind": "transfer", "supplier": null, "recipient": null, "item": ["drone"], "caliber_mm": null, "unit": "drone", "low": 500, "high": null, "qualifier": "exact", "since": null, "as_of": "2024-02", "source": "officials", "source_country": null, "hedged": false}
{"doc": "a", "sentence": "Country A sent 500 drones
{"doc": "a", "sentence": "x", "text": "500 tanks", "kind": "transfer", "unit": "tanks", "low": 500}
EOF
cat >"$C/more/b.txt" <<'EOF'
title: Another test report

No figures here.
EOF
: >"$C/more/b.gold.jsonl"
cat >"$C/more/orphan.gold.jsonl" <<'EOF'
{"doc": "orphan", "sentence": "s", "unit": "round", "kind": "transfer", "low": 1}
EOF
cat >"$C/more/nogold.txt" <<'EOF'
date: 2024-01-01

A text nobody annotated.
EOF
run "$TALLY" train -o "$T/m.bin" "$C" "$C/more"
expect_rc "train: bad input is exit 1" 1
expect_err_has "train: a broken line" "$C/a.gold.jsonl:2: not JSON"
expect_err_has "train: an unknown unit" "$C/a.gold.jsonl:3: unknown unit 'tanks'"
expect_err_has "train: a gold file without its text" "$C/more/orphan.gold.jsonl:1: no text"
expect_err_has "train: a text without gold" "$C/more/nogold.txt:1: no gold file"
expect_out_has "train: the rest is trained on" "2 documents, 1 gold claims"
if [ -s "$T/m.bin" ]; then pass; else fail "train: the model is written" "no $T/m.bin"; fi
run "$TALLY" extract --model "$T/m.bin" "$C/a.txt"
expect_rc "extract --model: the trained model reads" 0
run "$TALLY" train "$T/none"
expect_rc "train: a missing folder" 1
expect_err_has "train: names the folder" "$T/none"
run "$TALLY" train
expect_rc "train: no corpus is a usage error" 2
run "$TALLY" train --folds 1 "$C"
expect_rc "train: one fold is a usage error" 2
printf 'TLYM\001\000\000\000' >"$T/bad.bin"
run "$TALLY" extract --model "$T/bad.bin" "$C/a.txt"
expect_rc "extract: a damaged model" 1
expect_err_has "extract: names the model" "$T/bad.bin"
run "$TALLY" extract --model "$T/none.bin" "$C/a.txt"
expect_rc "extract: a missing model" 1
run "$TALLY" extract --no-model "$C/a.txt"
expect_rc "extract --no-model" 0
expect_out_has "extract --no-model: the rules' claim" '"text":"500 drones"'
run "$TALLY" extract --explain "$C/a.txt"
expect_rc "extract --explain" 0
if [ "$HAVE_JQ" -eq 1 ]; then
    if jq -e '.model.proposed_by and (.model.scope.features | length > 0)
              and (.model.source.features | type == "array")' "$T/out" >/dev/null; then
        pass
    else
        fail "extract --explain: the model's features" "$(head -c 300 "$T/out")"
    fi
fi
# jobs_agree FILE MIN WHAT: extract --jobs 1 and --jobs 2 of FILE succeed
# and give the same claims, at least MIN of them
jobs_agree() {
    for j in 1 2; do
        run "$TALLY" extract --jobs "$j" "$1"
        expect_rc "extract --jobs $j, $3" 0
        cp "$T/out" "$T/agree$j.jsonl"
    done
    if [ "$(wc -l <"$T/agree1.jsonl")" -ge "$2" ] && cmp -s "$T/agree1.jsonl" "$T/agree2.jsonl"; then
        pass
    else
        fail "extract --jobs 1 and 2, $3: the same claims" \
            "$(diff "$T/agree1.jsonl" "$T/agree2.jsonl" | head -n 4)"
    fi
}
# windows of claims (64 at most each) decided on one thread and on two: the
# same output
{
    printf 'title: A test briefing\ndate: 2024-06-01\n\n'
    for i in $(seq 1 120); do
        printf 'Country A sent %d00 drones to Country B in month %d, its ministry said.\n\n' "$i" "$i"
        printf 'North Korea has shipped %d,000 shells to Russia, South Korea'"'"'s spy agency said.\n\n' "$i"
    done
} >"$C/many.txt"
jobs_agree "$C/many.txt" 200 "windows of claims"
# paragraphs without claims that name speakers, longer than two windows'
# text, between claims: with two threads their mentions are read on the
# deciding thread (alone, when no window is open): the same output
stretch() {
    for _ in $(seq 1 "$1"); do
        printf 'Belarus said it had met British Defence Secretary John Healey in Minsk again.\n\n'
        printf 'Officials met again, and the talks went on, Pentagon spokesman Pat Ryder said.\n\n'
    done
}
{
    printf 'title: A long briefing\ndate: 2024-06-01\n\n'
    for i in 1 2 3; do
        printf 'North Korea has shipped %d,000 shells to Russia, South Korea'"'"'s spy agency said.\n\n' "$i"
        stretch 250
        printf 'Healey said %d00 missiles had been sent to Ukraine.\n\n' "$i"
    done
} >"$C/long.txt"
jobs_agree "$C/long.txt" 6 "long stretches without claims"
run "$TALLY" extract --jobs 0 "$C/a.txt"
expect_rc "extract --jobs 0: a usage error" 2
run "$TALLY" score "$C" "$T/none.jsonl"
expect_rc "score: a missing predictions file" 1
for cmd in train score; do
    run "$TALLY" "$cmd" --help
    expect_rc "$cmd --help" 0
    expect_out_has "$cmd --help usage" "Usage: tally $cmd"
    run "$TALLY" --help
    expect_out_has "--help lists $cmd" "$cmd"
done

# ---- the shared corpora ----------------------------------------------------------

DEV=$SHARED/corpus/dev
TRAIN=$SHARED/corpus/train
if [ ! -d "$DEV" ] || [ ! -d "$TRAIN" ]; then
    skip "shared corpora" "no $DEV or $TRAIN"
    finish
    exit $?
fi
run "$TALLY" train -o "$T/m1.bin" "$DEV" "$TRAIN"
expect_rc "train on dev + train" 0
mv "$T/m1.bin" "$T/first.bin"
run "$TALLY" train -o "$T/m1.bin" "$DEV" "$TRAIN" # the same command: the same note
if cmp -s "$T/first.bin" "$T/m1.bin"; then pass; else fail "train: deterministic" "two runs differ"; fi
size=$(wc -c <"$T/m1.bin")
if [ "$size" -lt 5000000 ]; then pass; else fail "train: the model under 5 MB" "$size bytes"; fi
# the bundled model is what make model trains from this code and corpus
"$TALLY" extract "$DEV"/*.txt "$TRAIN"/*.txt >"$T/bundled.jsonl" 2>"$T/err"
"$TALLY" extract --model "$T/m1.bin" "$DEV"/*.txt "$TRAIN"/*.txt >"$T/retrained.jsonl" 2>>"$T/err"
if cmp -s "$T/bundled.jsonl" "$T/retrained.jsonl"; then
    pass
else
    fail "the bundled model is up to date (run make model)" \
        "$(diff "$T/bundled.jsonl" "$T/retrained.jsonl" | head -n 4)"
fi
# the same claims whatever the threads (the default is one a core)
for j in 1 2; do
    "$TALLY" extract --jobs "$j" "$DEV"/*.txt "$TRAIN"/*.txt >"$T/jobs$j.jsonl" 2>>"$T/err"
    if cmp -s "$T/bundled.jsonl" "$T/jobs$j.jsonl"; then
        pass
    else
        fail "extract --jobs $j: the same claims" "$(diff "$T/bundled.jsonl" "$T/jobs$j.jsonl" | head -n 4)"
    fi
done
# one long document of the corpora's bodies (as make bench builds it, 1.5
# MB), with such a stretch in the middle: the same claims whatever the
# threads
for f in "$DEV"/*.txt "$TRAIN"/*.txt; do
    awk 'NR == 1 && /^(url|title|outlet|date):/ { head = 1 } head && /^$/ { head = 0; next } !head' "$f"
    echo
done >"$T/bodies.txt"
: >"$T/one.txt"
while [ "$(wc -c <"$T/one.txt")" -lt 700000 ]; do cat "$T/bodies.txt" >>"$T/one.txt"; done
{
    printf 'title: The bodies\n\n'
    cat "$T/one.txt"
    stretch 250
    cat "$T/one.txt"
} >"$T/long.txt"
jobs_agree "$T/long.txt" 1000 "one long document of the corpora's bodies"
# tally score and score-claims agree
if command -v python3 >/dev/null && [ -x "$SHARED/tools/score-claims" ]; then
    mkdir -p "$T/all"
    cp "$DEV"/* "$TRAIN"/* "$T/all/"
    for corpus in "$DEV" "$T/all"; do
        "$TALLY" score --docs "$corpus" "$T/bundled.jsonl" >"$T/c.txt" 2>&1
        "$SHARED/tools/score-claims" --docs "$corpus" "$T/bundled.jsonl" >"$T/py.txt" 2>&1
        if cmp -s "$T/c.txt" "$T/py.txt"; then
            pass
        else
            fail "score: as score-claims on $(basename "$corpus")" \
                "$(diff "$T/c.txt" "$T/py.txt" | head -n 4)"
        fi
    done
else
    skip "score against score-claims" "no python3 or $SHARED/tools/score-claims"
fi
# generalisation: cross-validated by document
run "$TALLY" train --folds 5 --min-f1 "$MIN" "$DEV" "$TRAIN"
grep -E '^(cross-validated|fold)' "$T/out"
expect_rc "cross-validated F1 >= $MIN" 0
finish
