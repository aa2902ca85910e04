#!/usr/bin/env bash
# End-to-end tests of the tally command line (bash, coreutils and jq only).
# Usage: cli.sh TALLY SOURCE_DIR
# Each check prints "FAIL name" with details when it fails; the last line is
# "N passed, N failed". Checks that need jq are skipped when jq is absent.
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_args 2 "TALLY SOURCE_DIR" "$@"

# expect_jsonl NAME [FILE]: every line is one JSON object with the fields of
# `tally figures --help`.
expect_jsonl() {
    local f=${2:-$T/out}
    if [ "$HAVE_JQ" -eq 0 ]; then
        skip "$1" "jq not installed"
        return
    fi
    local lines values
    lines=$(wc -l <"$f")
    if ! values=$(jq -c . <"$f" 2>"$T/jqerr" | wc -l) || [ -s "$T/jqerr" ]; then
        fail "$1" "not JSON: $(head -n 1 "$T/jqerr")"
        return
    fi
    if [ "$lines" -ne "$values" ]; then
        fail "$1" "$lines lines but $values JSON values"
        return
    fi
    if ! jq -e -s 'all(.[]; type == "object" and
            (["doc","start","end","text","kind","low","high","qualifier","currency"] - keys
             | length == 0))' <"$f" >/dev/null; then
        fail "$1" "a line lacks a field"
        return
    fi
    pass
}

# expect_figure NAME JQ_CONDITION: some figure on stdout satisfies it.
expect_figure() {
    if [ "$HAVE_JQ" -eq 0 ]; then
        skip "$1" "jq not installed"
        return
    fi
    if jq -e -s "any(.[]; $2)" <"$T/out" >/dev/null 2>&1; then
        pass
    else
        fail "$1" "no figure with $2; got: $(head -c 400 "$T/out")"
    fi
}

# body_offset FILE: byte length of the header and the blank line ending it
# (0 when the first line is not a header field).
body_offset() {
    local n
    if ! head -n 1 "$1" | grep -qE '^(url|title|outlet|date):'; then
        echo 0
        return
    fi
    n=$(grep -n -m 1 '^$' "$1" | cut -d: -f1)
    if [ -z "$n" ]; then
        wc -c <"$1"
        return
    fi
    head -n "$n" "$1" | wc -c
}

# expect_offsets NAME FILE: each figure's text is the body's bytes [start,end).
expect_offsets() {
    local name=$1 file=$2 base n=0 bad=0 line start end len
    if [ "$HAVE_JQ" -eq 0 ]; then
        skip "$name" "jq not installed"
        return
    fi
    base=$(body_offset "$file")
    while IFS= read -r line; do
        n=$((n + 1))
        start=$(jq -r .start <<<"$line")
        end=$(jq -r .end <<<"$line")
        len=$((end - start))
        jq -j .text <<<"$line" >"$T/want"
        tail -c +$((base + start + 1)) "$file" | head -c "$len" >"$T/got"
        if [ "$len" -le 0 ] || ! cmp -s "$T/want" "$T/got"; then
            bad=$((bad + 1))
            [ "$bad" -le 3 ] && printf '  [%s,%s) text %s, body has "%s"\n' "$start" "$end" \
                "$(jq -c .text <<<"$line")" "$(cat "$T/got")"
        fi
    done <"$T/out"
    if [ "$bad" -eq 0 ]; then
        pass
    else
        fail "$name" "$bad of $n figures' text differs from the body at their offsets"
    fi
}

# ---- help and version ---------------------------------------------------

run "$TALLY" --help
expect_rc "--help exit" 0
expect_out_has "--help usage" "Usage: tally"
expect_out_has "--help lists figures" "figures"

run "$TALLY" help figures
expect_rc "help figures exit" 0
expect_out_has "help figures text" "tally figures"

run "$TALLY" figures --help
expect_rc "figures --help exit" 0
expect_out_has "figures --help text" "Usage: tally figures"

run "$TALLY" --version
expect_rc "--version exit" 0
if grep -qE '^tally [0-9]+\.[0-9]+' "$T/out"; then pass; else fail "--version text" "got '$(cat "$T/out")'"; fi

# ---- usage errors -------------------------------------------------------

run "$TALLY" frobnicate
expect_rc "unknown command exit" 2
expect_err_has "unknown command named" "frobnicate"
expect_out_empty "unknown command stdout"

run "$TALLY" help frobnicate
expect_rc "help unknown command exit" 2
expect_err_has "help unknown command named" "frobnicate"

printf 'about 10,000 containers\n' >"$T/a.txt"
run "$TALLY" figures --frobnicate "$T/a.txt"
expect_rc "unknown option exit" 2
expect_err_has "unknown option named" "--frobnicate"
expect_out_empty "unknown option stdout"

run "$TALLY" figures
expect_rc "no input exit" 2
expect_out_empty "no input stdout"

run "$TALLY"
expect_rc "no command exit" 2

# ---- unreadable inputs --------------------------------------------------

run "$TALLY" figures "$T/missing.txt"
expect_rc "missing file exit" 1
expect_err_has "missing file named" "$T/missing.txt"
expect_out_empty "missing file stdout"

mkdir "$T/dir"
run "$TALLY" figures "$T/dir"
expect_rc "directory exit" 1
expect_err_has "directory named" "$T/dir"

printf 'about 10,000\0\0\0\1\2\3 containers\0\n' >"$T/blob.bin"
run "$TALLY" figures "$T/blob.bin"
expect_rc "binary file exit" 1
expect_err_has "binary file named" "blob.bin"

# ---- odd but valid inputs -----------------------------------------------

printf 'They sent about 10,000 containers \xff\xfe and 5 \xc3 more ships.\n' >"$T/bad-utf8.txt"
run "$TALLY" figures "$T/bad-utf8.txt"
expect_rc "invalid UTF-8 exit" 0
expect_err_has "invalid UTF-8 warning" "warning"
expect_err_has "invalid UTF-8 names file" "bad-utf8.txt"
expect_jsonl "invalid UTF-8 output is JSON Lines"

: >"$T/empty.txt"
run "$TALLY" figures "$T/empty.txt"
expect_rc "empty file exit" 0
expect_out_empty "empty file stdout"

run "$TALLY" figures --format table "$T/a.txt"
expect_rc "table format exit" 0
expect_out_has "table format header" "qualifier"

# ---- stdin and several files --------------------------------------------

printf 'North Korea sent about 10,000 containers to Russia.\n' >"$T/in.txt"
run_in "$T/in.txt" "$TALLY" figures -
expect_rc "stdin exit" 0
expect_jsonl "stdin JSON Lines"
expect_figure "stdin figure" '.doc == "-" and .low == 10000'

printf 'Russia paid $1.5bn for the shells.\n' >"$T/b.txt"
run "$TALLY" figures "$T/a.txt" "$T/missing.txt" "$T/b.txt"
expect_rc "one of several missing exit" 1
expect_err_has "one of several missing named" "$T/missing.txt"
expect_out_has "one of several: first still read" '"doc":"a"'
expect_out_has "one of several: last still read" '"doc":"b"'
expect_jsonl "several files JSON Lines"

# ---- figures (acceptance tests of the scanner) --------------------------

printf 'North Korea has shipped about 10,000 containers to Russia.\n' >"$T/fig.txt"
run "$TALLY" figures "$T/fig.txt"
expect_rc "about 10,000 exit" 0
expect_figure "about 10,000 containers" \
    '.kind == "number" and .low == 10000 and .high == null and .qualifier == "about" and
     .text == "about 10,000" and .currency == null and .doc == "fig"'

printf 'Moscow has paid $1.5bn so far.\n' >"$T/fig.txt"
run "$TALLY" figures "$T/fig.txt"
expect_figure "\$1.5bn" '.kind == "money" and .low == 1500000000 and .currency == "USD" and
     .qualifier == "exact" and .text == "$1.5bn"'

printf 'Output rose by 30 per cent last year.\n' >"$T/fig.txt"
run "$TALLY" figures "$T/fig.txt"
expect_figure "30 per cent" '.kind == "percent" and .low == 30 and .text == "30 per cent"'

printf 'It fired between 20,000 and 50,000 shells a day.\n' >"$T/fig.txt"
run "$TALLY" figures "$T/fig.txt"
expect_figure "between 20,000 and 50,000" \
    '.low == 20000 and .high == 50000 and .qualifier == "range"'

printf 'They sent more than 1 million rounds and up to 300 missiles.\n' >"$T/fig.txt"
run "$TALLY" figures "$T/fig.txt"
expect_figure "more than 1 million" '.low == 1000000 and .high == null and .qualifier == "more-than"'
expect_figure "up to 300" '.low == null and .high == 300 and .qualifier == "up-to"'

printf 'In 2012 the KN-23 and the 152mm guns were tested on 2024-02-26 at 10:30, the third time.\n' \
    >"$T/fig.txt"
run "$TALLY" figures "$T/fig.txt"
expect_rc "non-figures exit" 0
expect_out_empty "years, designators, calibers, dates, times, ordinals are not figures"

# ---- offsets into the decoded body --------------------------------------

{
    printf 'url: https://example.org/2024/02/story-500\n'
    printf 'title: Shipments — 5 things to know\n'
    printf 'outlet: Example News\n'
    printf 'date: 2024-02-27\n'
    printf '\n'
    printf 'Shipments\n\n'
    printf 'Pyongyang’s “gift” — about 10,000 containers — reached Rajin, and Moscow paid $1.5bn.\n\n'
    printf 'Officials in Séoul said 30 per cent of the shells failed; between 20,000 and 50,000 were fired.\n'
} >"$T/hdr.txt"
run "$TALLY" figures "$T/hdr.txt"
expect_rc "header file exit" 0
expect_jsonl "header file JSON Lines"
expect_out_nonempty "header file has figures"
expect_offsets "header file offsets" "$T/hdr.txt"

shopt -s nullglob
corpus=("$SHARED"/corpus/dev/*.txt)
shopt -u nullglob
if [ ${#corpus[@]} -gt 0 ]; then
    for f in "${corpus[@]:0:4}"; do
        run "$TALLY" figures "$f"
        expect_rc "corpus $(basename "$f") exit" 0
        expect_jsonl "corpus $(basename "$f") JSON Lines"
        expect_offsets "corpus $(basename "$f") offsets" "$f"
    done
else
    skip "corpus offsets" "no corpus in $SHARED/corpus/dev"
fi

# ---- tally extract -------------------------------------------------------

run "$TALLY" help extract
expect_rc "help extract exit" 0
expect_out_has "help extract usage" "Usage: tally extract"
run "$TALLY" --help
expect_out_has "--help lists extract" "extract"

printf 'url: https://example.org/x\ntitle: A test\noutlet: Test\ndate: 2024-03-01\n\nSince last August, North Korea has shipped about 2,000 containers to Russia, officials in Seoul said.\n' >"$T/claim.txt"
run "$TALLY" extract "$T/claim.txt"
expect_rc "extract exit" 0
if [ "$HAVE_JQ" -eq 1 ]; then
    got=$(jq -c '[.doc, .kind, .supplier, .recipient, .unit, .low, .qualifier, .since]' "$T/out" 2>/dev/null)
    want='["claim","transfer","PRK","RUS","container",2000,"about","2023-08"]'
    if [ "$got" = "$want" ]; then pass; else fail "extract claim fields" "got $got, want $want"; fi
    run "$TALLY" extract --explain "$T/claim.txt"
    if jq -e '.why.kind.rule and .why.source.rule' "$T/out" >/dev/null 2>&1; then pass; else
        fail "extract --explain" "no why.kind/why.source: $(head -c 200 "$T/out")"; fi
else
    skip "extract claim fields" "no jq"
fi
run "$TALLY" extract --date 2024-02-30 "$T/claim.txt"
expect_rc "extract bad --date exit" 2
expect_err_has "extract bad --date message" "2024-02-30"
run "$TALLY" extract "$T/missing.txt"
expect_rc "extract missing file exit" 1
expect_err_has "extract missing file names it" "missing.txt"
printf 'date: 2024-13-45\n\nNorth Korea sent 500 containers to Russia.\n' >"$T/baddate.txt"
run "$TALLY" extract "$T/baddate.txt"
expect_rc "extract bad header date exit" 0
expect_err_has "extract bad header date warns" "2024-13-45"

# ---- a 50 MB single line ------------------------------------------------

chunk='Officials said about 10,000 containers and $1.5bn in aid went north, 30 per cent more than before; '
yes "$chunk" | head -c $((50 * 1024 * 1024)) | tr -d '\n' >"$T/big.txt"
timeout 1200 "$TALLY" figures "$T/big.txt" 2>"$T/err" | tail -n 1 >"$T/out"
rc=${PIPESTATUS[0]}
expect_rc "50 MB single line exit" 0
expect_jsonl "50 MB single line last output line"
rm -f "$T/big.txt"

finish
