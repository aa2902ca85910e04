#!/usr/bin/env bash
# End-to-end tests of tally report: one self-contained HTML page.
# Usage: report.sh TALLY SOURCE_DIR   (needs jq)
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_args 2 "TALLY SOURCE_DIR" "$@"
# count FILE PATTERN: how many times the extended regex PATTERN occurs.
count() {
    grep -oE -- "$2" "$1" | wc -l | tr -d ' '
}

if [ "$HAVE_JQ" -eq 0 ]; then
    skip "report" "jq is not installed"
    finish
    exit $?
fi

DB=$T/r.db
AT=2024-10-31
"$TALLY" import -q --db "$DB" >/dev/null 2>&1
"$TALLY" ingest -q --db "$DB" "$SRC/examples" >/dev/null 2>"$T/err"
# a document whose header would be markup, and whose URL is no web address:
# escaped as text, never a link
cat >"$T/hostile.txt" <<'EOF'
url: javascript:alert(1)
title: <script>alert("x")</script> & <img src=x onerror=alert(1)>
outlet: O'Brien & <b>Sons</b>
date: 2024-05-01

South Korea's defence minister Shin Won-sik said North Korea had shipped about 7,000 containers of munitions to Russia.
EOF
"$TALLY" ingest -q --db "$DB" "$T/hostile.txt" >/dev/null 2>"$T/err"

# ---- the page ----------------------------------------------------------------

H=$T/report.html
run "$TALLY" report --db "$DB" -o "$H" --at "$AT"
expect_rc "report exit" 0
expect_out_has "report prints the file's path" "$H"
if [ -s "$H" ]; then pass; else fail "report: the file is written" "$H is empty or missing"; fi
expect_eq "one <html>" "$(count "$H" '<html[ >]')" 1
expect_eq "one </html>" "$(count "$H" '</html>')" 1
expect_eq "a doctype first" "$(head -c 15 "$H")" "<!DOCTYPE html>"
expect_eq "one <style>, inline" "$(count "$H" '<style>')" 1
# nothing is fetched: no scripts, stylesheets, imports, images or fonts
# (the hostile title's "src=" is text: only attributes in tags count)
for bad in '<script' '<link' '@import' 'url\(' '<[a-z][^>]*[[:space:]]src=' '<[a-z][^>]*[[:space:]]on[a-z]+=' \
    '<img' '<iframe' '<object' '<embed'; do
    expect_eq "no '$bad'" "$(grep -ciE -- "$bad" "$H")" 0
done
# the only links are in-page anchors, the documents' web addresses and, in
# the terms and method, the sources of the conversion factors
{
    "$TALLY" docs --db "$DB" --format jsonl | jq -r '.url // empty'
    grep -v '^#' "$SRC/data/factors.tsv" | cut -f 8 | grep -E '^https?://'
} | sort -u >"$T/urls"
grep -oE 'href="[^"]*"' "$H" | sed 's/^href="//; s/"$//; s/&amp;/\&/g' | sort -u >"$T/hrefs"
outside=$(grep -v '^#' "$T/hrefs" | grep -vxF -f "$T/urls")
expect_eq "links only to documents' URLs" "$outside" ""
expect_eq "no javascript: link" "$(grep -c 'href="javascript' "$H")" 0
expect_eq "every http link is a document's or a factor's source" \
    "$(grep -oE 'href="https?://[^"]*"' "$H" | sort -u | wc -l | tr -d ' ')" \
    "$(grep -cE '^https?://' "$T/urls")"
# markup in a stored title or outlet comes out as text
if grep -qF '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x' "$H"; then pass; else
    fail "a title is escaped" "$(grep -o 'alert.\{0,40\}' "$H" | head -3)"
fi
if grep -qF 'O&#39;Brien &amp; &lt;b&gt;Sons&lt;/b&gt;' "$H"; then pass; else fail "an outlet is escaped" "not found"; fi

# the first section answers who gives Russia the most, with the numbers of
# tally rank (the state receiving from the most partners; by value, at --at)
"$TALLY" rank RUS --to --at "$AT" --db "$DB" --format jsonl >"$T/rank.jsonl" 2>/dev/null
first=$(jq -r 'select(.rank == 1) | .name' "$T/rank.jsonl")
p1=$(jq -r 'select(.rank == 1) | .p_rank[0]' "$T/rank.jsonl")
expect_eq "report: the partners section comes first" \
    "$(grep -oE 'id="(partners|contradictions)"' "$H" | head -n 1)" 'id="partners"'
if grep -qF "<strong>$first</strong> is Russia's largest supplier with probability" "$H"; then pass; else
    fail "report: the largest supplier in words" "$(grep -o 'largest supplier.\{0,80\}' "$H" | head -1)"
fi
code=$(jq -r 'select(.rank == 1) | .partner' "$T/rank.jsonl")
expect_eq "report: its probability is tally rank's" \
    "$(grep -oE "data-partner=\"$code\">[0-9.]+" "$H" | head -n 1 | sed 's/.*>//')" "$(printf '%.2f' "$p1")"
for name in $(jq -r 'select(.ranked) | .partner' "$T/rank.jsonl"); do
    expect_eq "report: $name ranked in words" "$(grep -c "data-partner=\"$name\"" "$H")" 1
done
if grep -qF 'Not counted: ' "$H" && grep -qF 'Coverage: ' "$H"; then pass; else
    fail "report: the caveats" "no 'Not counted' or 'Coverage'"
fi

# one chart per series of tally estimate --all
"$TALLY" estimate --db "$DB" --all --at "$AT" --format json >"$T/flows.jsonl" 2>/dev/null
n_series=$(jq -s length "$T/flows.jsonl")
if [ "$n_series" -gt 0 ]; then pass; else fail "estimate --all lists series" "none"; fi
expect_eq "one <svg> per series" "$(count "$H" '<svg[ >]')" "$n_series"
expect_eq "one section per series" "$(count "$H" '<section class="series"')" "$n_series"
# every series is headed by its states, item and unit
missing=0
while IFS=$'\t' read -r sup rec item unit; do
    grep -qF "id=\"s-$sup-$rec-$item-$unit\"" "$H" || missing=$((missing + 1))
done < <(jq -r '[.supplier, .recipient, .item, .unit] | @tsv' "$T/flows.jsonl")
expect_eq "every series has its section" "$missing" 0

# the headline median is tally estimate's, printed and as data
"$TALLY" estimate --db "$DB" PRK RUS artillery-shell --at "$AT" --format json >"$T/est.json"
want=$(jq -r '.estimates[0].median' "$T/est.json")
sec=$(sed -n '/<section class="series" id="s-PRK-RUS-artillery-shell-round"/,/<\/section>/p' "$H")
got=$(printf '%s' "$sec" | grep -oE 'data-median="[0-9]+"' | head -n 1 | grep -oE '[0-9]+')
expect_eq "the artillery-shell median is tally estimate's" "$got" "$want"
# shown as people read it: the text tally estimate's JSON gives beside the number
shown=$(printf '%s' "$sec" | grep -oE '<strong class="median">[^<]+</strong>' | head -n 1 |
    sed 's/<[^>]*>//g')
expect_eq "the median shown is tally estimate's" "$shown" "$(jq -r '.estimates[0].median_text' "$T/est.json")"
expect_eq "the date estimated" "$(printf '%s' "$sec" | grep -oE 'data-date="[^"]*"' | head -n 1)" \
    "data-date=\"$AT\""
# its chart has a mark per cluster, and the table a row per cluster
n_points=$(jq '.points | length' "$T/est.json")
expect_eq "a mark per cluster" "$(printf '%s' "$sec" | grep -oE '<g class="mark"' | wc -l | tr -d ' ')" \
    "$n_points"
expect_eq "lower bounds as carets" \
    "$(printf '%s' "$sec" | grep -oE 'data-bound="lower bound"><title>[^<]*</title>(<rect[^>]*>)?<path class="caret"' | wc -l | tr -d ' ')" \
    "$(jq '[.points[] | select(.bound == "lower bound")] | length' "$T/est.json")"
if printf '%s' "$sec" | grep -qF 'clusters</a> that drive it'; then pass; else fail "the drivers' table" "missing"; fi
if printf '%s' "$sec" | grep -qF 'Shin Won-sik (<a href="#grade-B">B</a>)'; then pass; else fail "a source and its grade, linked to its meaning" "missing"; fi
# every link within the page lands on an element of that id (the terms and
# method section ends the report)
for id in $(grep -o 'href="#[^"]*"' "$H" | sed 's/href="#\(.*\)"/\1/' | sort -u); do
    if grep -qF "id=\"$id\"" "$H"; then pass; else fail "the link #$id" "has no target"; fi
done
if grep -qF '<section id="method"' "$H"; then pass; else fail "the terms and method section" "missing"; fi
if grep -qE '<tr id="grade-B"><td>B</td><td>usually reliable</td>' "$H"; then pass; else fail "the grades with their meaning" "missing"; fi

# the contradictions, with the conversion mix-up
con=$(sed -n '/<section id="contradictions"/,/<\/section>/p' "$H")
if printf '%s' "$con" | grep -qF '<summary>the rule: conversion</summary>'; then pass; else
    fail "the conversion contradiction" "not listed"
fi
if printf '%s' "$con" | grep -qF '300 round a container'; then pass; else fail "why it contradicts" "missing"; fi
# in plain words, as tally check words it: its title and sentence, each claim's
# grade and document by outlet and title
words=$("$TALLY" check --db "$DB" --format jsonl | jq -r 'select(.rule == "conversion") | .title, .sentence' |
    sed -e 's/&/\&amp;/g' -e "s/'/\&#39;/g")
while IFS= read -r line; do
    if printf '%s' "$con" | grep -qF -- "$line"; then pass; else fail "the contradiction's words" "missing: $line"; fi
done <<<"$words"
if printf '%s' "$con" | grep -qE '<li>[^<]+ \(grade [A-F]\): [^<]+ &middot; [^<]+, (<a href="[^"]+">)?&ldquo;'; then pass; else
    fail "a claim by source, grade, outlet and title" "missing"
fi
n_check=$("$TALLY" check --db "$DB" --format jsonl | wc -l | tr -d ' ')
expect_eq "every contradiction" "$(printf '%s' "$con" | grep -c '<li class="contradiction">')" "$n_check"

# every document's URL, and every source
missing=0
while read -r url; do
    esc=$(printf '%s' "$url" | sed 's/&/\&amp;/g')
    grep -qF -- "$esc" "$H" || missing=$((missing + 1))
done <"$T/urls"
expect_eq "every document's URL appears" "$missing" 0
missing=0
while read -r name; do
    grep -qF -- ">$name<" "$H" || missing=$((missing + 1))
done < <("$TALLY" sources --db "$DB" --format jsonl | jq -r '.name' | grep -v "[<>&'\"]")
expect_eq "every source appears" "$missing" 0

# ---- relations: the events of each pair, either way ------------------------------

if grep -qF '<section id="relations">' "$H"; then pass; else fail "a relations section" "missing"; fi
if grep -qF 'href="#relations"' "$H"; then pass; else fail "relations in the contents" "missing"; fi
n_events=$("$TALLY" events --db "$DB" --actor PRK --recipient RUS --both-ways | wc -l)
rows=$(sed -n '/id="relations-PRK-RUS"/,/<\/table>/p' "$H" | grep -c '<tr data-type=')
expect_eq "relations: one row per event of North Korea and Russia" "$rows" "$n_events"
if [ "$n_events" -ge 10 ]; then pass; else fail "relations: the bundled record's events" "$n_events"; fi
if sed -n '/id="relations-PRK-RUS"/,/<\/table>/p' "$H" | grep -qF 'SUPPORT (treaty)'; then pass; else
    fail "relations: the treaty" "no SUPPORT (treaty) row"
fi
known=$("$TALLY" events --db "$DB" --actor PRK --recipient RUS --both-ways --known-by 2023-12-31 | wc -l)
"$TALLY" report --db "$DB" -o "$T/known-rel.html" --known-by 2023-12-31 >/dev/null 2>&1
expect_eq "relations: --known-by keeps the events stated by then" \
    "$(sed -n '/id="relations-PRK-RUS"/,/<\/table>/p' "$T/known-rel.html" | grep -c '<tr data-type=')" "$known"

# ---- options -------------------------------------------------------------------

run "$TALLY" report --db "$DB" -o - --at "$AT"
expect_rc "report -o - exit" 0
if cmp -s "$T/out" "$H"; then pass; else fail "-o - writes the same page to stdout" "differs"; fi
(cd "$T" && "$TALLY" report --db "$DB" >/dev/null 2>&1)
if [ -s "$T/tally-report.html" ]; then pass; else fail "the default output" "no tally-report.html"; fi
run "$TALLY" report --db "$DB" -o "$T/known.html" --known-by 2023-12-31
expect_rc "report --known-by exit" 0
if grep -qF 'only claims stated by 2023-12-31' "$T/known.html"; then pass; else fail "--known-by said" "missing"; fi

run "$TALLY" report --db "$T/missing.db" -o "$T/m.html"
expect_rc "a missing database" 1
expect_err_has "a missing database: says so" "no such database"
if [ ! -e "$T/m.html" ]; then pass; else fail "a missing database: no file written" "$T/m.html exists"; fi
run "$TALLY" report --db "$DB" --bogus
expect_rc "an unknown option" 2
expect_err_has "an unknown option: named" "--bogus"
run "$TALLY" report --db "$DB" --at 2024-13-45
expect_rc "a bad date" 2
run "$TALLY" report --db "$DB" extra
expect_rc "an unexpected argument" 2
run "$TALLY" report --db "$DB" -o "$T/no/such/dir/r.html"
expect_rc "an unwritable output" 1
run "$TALLY" report --help
expect_rc "report --help exit" 0
expect_out_has "report --help" "Usage: tally report"

finish
