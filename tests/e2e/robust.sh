#!/usr/bin/env bash
# End-to-end tests of tally on hostile and careless input (issue 13): numbers
# out of any figure's range, NaN and infinities that must never be printed,
# and more below, each section named by what it guards. Every input is made
# here: nothing of ../shared is needed.
# Usage: robust.sh TALLY SOURCE_DIR   (needs jq, sqlite3, curl and python3)
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_args 2 "TALLY SOURCE_DIR" "$@"
e2e_needs jq sqlite3 curl python3

# expect_no_nan NAME: stdout holds no NaN or infinity in any spelling a
# printf would give them.
expect_no_nan() {
    if grep -qiE '(^|[^a-z])-?(nan|inf)([^a-z]|$)' "$T/out"; then
        fail "$1" "stdout holds a NaN or infinity: $(grep -oiE '.{0,30}-?(nan|inf).{0,10}' "$T/out" | head -n 2 | tr '\n' ' ')"
    else
        pass
    fi
}

# doc FILE TEXT: a document with a header dated 2024-03-01.
doc() {
    printf 'title: %s\ndate: 2024-03-01\n\n%s\n' "$(basename "$1" .txt)" "$2" >"$1"
}

# ---- exponents out of range are no figures (case 7) -----------------------------------

doc "$T/exp.txt" "North Korea has shipped 1e99999 artillery shells to Russia, officials said. It sent 1e-99999 tanks and 4.9e-324 missiles to Russia, officials said."
run "$TALLY" extract "$T/exp.txt"
expect_rc "huge exponents: extract exit" 0
expect_eq "huge exponents: no claim at all" "$(wc -l <"$T/out")" 0
run "$TALLY" figures "$T/exp.txt"
expect_eq "1e99999 is not a figure of 99" "$(jq -c 'select(.low == 99)' "$T/out" | wc -l)" 0
expect_eq "1e-99999 is not cut to 1e-999 worth 0" "$(jq -c 'select(.text | test("e-"))' "$T/out" | wc -l)" 0
expect_eq "4.9e-324 is not a figure of 0" "$(jq -c 'select(.low == 0)' "$T/out" | wc -l)" 0

# ---- a sentence without end is read in pieces (case 3) ---------------------------------

# 1,000 clauses joined by commas: one sentence of 98 KB. Each clause's claim
# is kept, with a piece of at most 2048 bytes (TALLY_SENTENCE_MAX) as its
# sentence, and a warning says so; the time this takes is make bench's.
clause="North Korea has sent about 6,700 containers of munitions to Russia, the defence minister said, "
for _ in $(seq 1 1000); do printf '%s' "$clause"; done >"$T/long.txt"
printf 'in the end.\n' >>"$T/long.txt"
run "$TALLY" extract "$T/long.txt"
expect_rc "long sentence: extract exit" 0
expect_eq "long sentence: a claim a clause" "$(wc -l <"$T/out")" 1000
expect_eq "long sentence: no claim's sentence over 2048 bytes" \
    "$(jq -c 'select((.sentence | utf8bytelength) > 2048)' "$T/out" | wc -l)" 0
# (the paragraph is also cut into blocks of 16 KB, at a comma: each block's
# part of the sentence is counted)
expect_err_has "long sentence: a warning names the file" "long.txt: 6 sentences longer than 2048 bytes"
expect_err_has "long sentence: and the paragraph's cut" "long.txt: 1 paragraph was longer than 16 KB"
run "$TALLY" ingest --db "$T/long.db" "$T/long.txt"
expect_rc "long sentence: ingest exit" 0
expect_err_has "long sentence: ingest warns too" "long.txt: 6 sentences longer than 2048 bytes"
expect_eq "long sentence: stored sentences are pieces" \
    "$(sqlite3 "$T/long.db" 'SELECT max(sentence_end - sentence_start) <= 2048 FROM claims')" 1

# ---- special files and broken folder entries are failures (case 12) ---------------------

mkdir -p "$T/walk/sub"
doc "$T/walk/a.txt" "North Korea has sent about 500 shells to Russia, the defence minister said."
mkfifo "$T/walk/pipe.txt" "$T/fifo.txt"
ln -s nowhere.txt "$T/walk/dangling.txt"
ln -s loop-b "$T/walk/loop-a"
ln -s loop-a "$T/walk/loop-b"
ln -s .. "$T/walk/sub/up"
ln -s ../a.txt "$T/walk/sub/same.txt"
printf 'not a document\n' >"$T/walk/notes.bin"
# (timeout: reading a FIFO nobody writes to would wait for ever)
run timeout 20 "$TALLY" ingest --db "$T/walk.db" "$T/walk" "$T/fifo.txt" /dev/null
expect_rc "special files: ingest exit" 1
expect_out_has "special files: the summary counts them" "1 new, 1 unchanged, 0 replaced, 7 failed"
expect_err_has "a FIFO in a folder is reported" "pipe.txt: is a FIFO"
expect_err_has "a FIFO given is reported" "fifo.txt: is a FIFO"
expect_err_has "/dev/null is reported" "/dev/null: is a character device"
expect_err_has "a dangling link is reported" "dangling.txt: a dangling symbolic link"
expect_err_has "a loop of links is reported" "loop-a: a loop of symbolic links"
expect_err_has "a link back up is reported" "sub/up: a link back into a folder being read"
for cmd in extract figures; do
    run timeout 20 "$TALLY" "$cmd" "$T/fifo.txt" /dev/null
    expect_rc "special files: $cmd exit" 1
    expect_err_has "special files: $cmd names the FIFO" "fifo.txt: is a FIFO"
    expect_err_has "special files: $cmd names the device" "/dev/null: is a character device"
done
run timeout 20 "$TALLY" import --db "$T/walk.db" "$T/fifo.txt"
expect_rc "special files: import exit" 1
expect_err_has "special files: import names the FIFO" "fifo.txt: is a FIFO"

# ---- CSV cells a spreadsheet would run are neutralised (case 5) ------------------------

# expect_csv_safe NAME: no cell of stdout (CSV) starts as a formula (= + @
# tab CR), and one that starts with '-' is a number.
expect_csv_safe() {
    local bad
    bad=$(python3 -c '
import csv, re, sys
for rec in csv.reader(open(sys.argv[1], newline="")):
    for v in rec:
        if re.match(r"[=+@\t\r]", v) or (v.startswith("-") and not re.fullmatch(r"-\d+(\.\d+)?", v)):
            print(repr(v))' "$T/out" | head -n 3)
    if [ -z "$bad" ]; then pass; else fail "$1" "cells that run as formulas: $bad"; fi
}
{
    head -n 1 "$SRC/data/public-record.csv"
    printf '%s\n' \
        "2024-05-01,\"=HYPERLINK(\"\"https://evil.example/\"\";\"\"x\"\")\",,PRK,RUS,transfer,munitions,,container,100,,about,,,https://example.org/f1,+SUM(1+1)" \
        "2024-05-02,\"=cmd|' /C calc'!A0\",,PRK,RUS,transfer,munitions,,container,200,,about,,,https://example.org/f2,@SUM(1+1)" \
        "2024-05-03,\""$'\t'"tabbed\",,RUS,PRK,financial,money,,USD,-5,,exact,,,https://example.org/f3,-note" \
        "2024-05-04,\""$'\r'"carriage\",,RUS,PRK,financial,money,,USD,-2.5,,exact,,,https://example.org/f4,"
} >"$T/formulas.csv"
run "$TALLY" import --db "$T/f.db" "$T/formulas.csv"
expect_rc "formulas: import exit" 0
doc "$T/formula-doc.txt" "North Korea has sent about 700 containers of munitions to Russia, officials said."
sed -i 's/^title: .*/title: =HYPERLINK("https:\/\/evil.example\/")/; 1a outlet: +cmd' "$T/formula-doc.txt"
run "$TALLY" ingest --db "$T/f.db" "$T/formula-doc.txt"
expect_rc "formulas: ingest exit" 0
for cmd in claims sources docs; do
    run "$TALLY" "$cmd" --db "$T/f.db" --format csv
    expect_rc "formulas: $cmd --format csv exit" 0
    expect_csv_safe "formulas: $cmd --format csv"
done
run "$TALLY" claims --db "$T/f.db" --format csv
expect_out_has "formulas: the source is shown as text" "\"'=cmd|' /C calc'!A0\""
expect_out_has "formulas: a negative figure stays a number" ",USD,exact,-5,"
expect_out_has "formulas: a note starting with - is text" "\"'-note\""
run "$TALLY" docs --db "$T/f.db" --format csv
expect_out_has "formulas: a title is shown as text" "\"'=HYPERLINK("
expect_out_has "formulas: an outlet is shown as text" "\"'+cmd\""

# ---- control characters are shown, not run (case 9) ---------------------------------------

# expect_no_controls NAME FILE: no byte of FILE is a control character other
# than the line feeds that end lines (ESC, BEL, CR, C1 CSI...).
expect_no_controls() {
    if LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f]\|\xc2[\x80-\x9f]' "$2"; then
        fail "$1" "$(LC_ALL=C grep -o $'.\{0,12\}[\x01-\x09\x0b-\x1f\x7f].\{0,4\}' "$2" | head -n 2 | od -c | head -n 3)"
    else
        pass
    fi
}
ESC=$'\e'
BEL=$'\a'
mkdir -p "$T/esc"
name="evil${ESC}]0;pwned${BEL}${ESC}[2J"$'\n'"split"
doc "$T/esc/$name.txt" "North Korea has sent about 900 containers of munitions to Russia, officials said."
sed -i "1a outlet: outlet${ESC}[31mred" "$T/esc/$name.txt"
{
    head -n 1 "$SRC/data/public-record.csv"
    printf '%s\n' "2024-05-01,\"Kim${ESC}]0;title${BEL} (a${ESC}[2Jb)\",,PRK,RUS,transfer,munitions,,container,100,,about,,,https://example.org/esc,note"
} >"$T/esc.csv"
run "$TALLY" ingest --db "$T/esc.db" "$T/esc"
expect_rc "escapes: ingest exit" 0
expect_no_controls "escapes: the ingest summary" "$T/out"
run "$TALLY" import --db "$T/esc.db" "$T/esc.csv"
expect_rc "escapes: import exit" 0
for cmd in docs sources claims clusters check; do
    run "$TALLY" "$cmd" --db "$T/esc.db"
    expect_rc "escapes: $cmd exit" 0
    expect_no_controls "escapes: tally $cmd's table" "$T/out"
done
run "$TALLY" docs --db "$T/esc.db" --wide
expect_eq "escapes: a newline in a name does not split its row" "$(wc -l <"$T/out")" 3
expect_out_has "escapes: the escape is shown (--wide: nothing cut)" 'evil\x1b]0;pwned\x07\x1b[2J\nsplit'
run "$TALLY" estimate --db "$T/esc.db" PRK RUS munitions
expect_no_controls "escapes: tally estimate's table" "$T/out"
for cmd in extract figures; do
    run "$TALLY" "$cmd" --format table "$T/esc/$name.txt"
    expect_no_controls "escapes: tally $cmd's table" "$T/out"
done
# messages: a bad input's name, a bad CSV value
run "$TALLY" extract "$T/esc/$name.missing"
expect_no_controls "escapes: an error naming a file" "$T/err"
expect_err_has "escapes: the error shows the name" 'evil\x1b]0;pwned'
printf 'date_stated,source,source_country,supplier,recipient,kind,item,caliber_mm,unit,low,high,qualifier,since,as_of,url\n2024,x,,PRK,RUS,sent%s[2J,munitions,,round,1,,exact,,,https://example.org/k\n' "$ESC" >"$T/esc-bad.csv"
run "$TALLY" import --db "$T/esc.db" "$T/esc-bad.csv"
expect_rc "escapes: bad row exit" 1
expect_no_controls "escapes: an error quoting a value" "$T/err"

# ---- the summary counts only what was committed (case 8) ----------------------------------

# A full disk, made portably: a file size limit (ulimit -f, in KiB) with
# SIGXFSZ ignored, so that SQLite's writes fail with EFBIG. 600 documents
# are three batches; the database cannot hold them all. Whatever batch the
# limit stops, the summary must say what the database holds, and count the
# rest as failed.
mkdir -p "$T/full"
for i in $(seq 1 600); do
    printf 'url: https://example.org/full/%d\ndate: 2024-03-01\n\nNorth Korea has sent about %d containers of munitions to Russia, the South Korean defence ministry said. It also shipped %d artillery shells to Russia, officials said.\n' \
        "$i" $((i * 10)) $((i * 100)) >"$T/full/$(printf '%04d' "$i").txt"
done
docs_before=0
claims_before=0
for attempt in 1 2; do
    (
        trap '' XFSZ
        ulimit -f 500
        exec "$TALLY" ingest --db "$T/full.db" "$T/full"
    ) </dev/null >"$T/out" 2>"$T/err"
    rc=$?
    expect_rc "full disk, run $attempt: exit" 1
    summary=$(grep -o '[0-9]* new, [0-9]* unchanged, [0-9]* replaced, [0-9]* failed; claims: [0-9]* stored' "$T/out")
    read -r new _ unchanged _ replaced _ lost _ _ claims _ <<<"${summary//,/ }"
    docs_now=$(sqlite3 "$T/full.db" 'SELECT count(*) FROM documents')
    claims_now=$(sqlite3 "$T/full.db" 'SELECT count(*) FROM claims')
    expect_eq "full disk, run $attempt: new documents said are stored" "$new" $((docs_now - docs_before))
    expect_eq "full disk, run $attempt: claims said are stored" "$claims" $((claims_now - claims_before))
    expect_eq "full disk, run $attempt: no document counted twice" \
        $((new + unchanged + replaced + lost <= 600 ? 1 : 0)) 1
    if [ "${lost:-0}" -gt 0 ]; then pass; else fail "full disk, run $attempt: failures counted" "$summary"; fi
    expect_err_has "full disk, run $attempt: the lost batch is named" "was not stored: counted as failed"
    docs_before=$docs_now
    claims_before=$claims_now
done
expect_eq "full disk: the database is sound" "$(sqlite3 "$T/full.db" 'PRAGMA integrity_check')" ok

# ---- ingest and import stream: memory does not grow with the input (case 6) --------------

# A database of schema 1 (before bodies were streamed) is migrated by a
# writer: same documents and claims, sound, its sentences still read from
# the body, and a new body written a piece at a time beside the old one.
doc "$T/stdin-small.txt" "North Korea has sent about 300 containers of munitions to Russia, officials said."
sqlite3 "$T/v1.db" <"$(dirname "$0")/schema-v1.sql"
run "$TALLY" ingest --db "$T/v1.db" "$T/stdin-small.txt"
expect_rc "schema 1: ingest migrates it" 0
run "$TALLY" claims --db "$T/v1.db" --format jsonl --doc v1doc
expect_rc "schema 1: read after migrating" 0
expect_eq "schema 1: the claim's sentence comes from the body" "$(jq -r .sentence "$T/out")" \
    "North Korea has sent about 6,700 containers of munitions to Russia, the South Korean defence ministry said."
expect_eq "schema 1: now schema 6" "$(sqlite3 "$T/v1.db" 'PRAGMA user_version')" 6
expect_eq "schema 1: sound" "$(sqlite3 "$T/v1.db" 'PRAGMA integrity_check')" ok
expect_eq "schema 1: references hold" "$(sqlite3 "$T/v1.db" 'PRAGMA foreign_key_check' | wc -l)" 0
expect_eq "schema 1: the body is the last column" \
    "$(sqlite3 "$T/v1.db" "SELECT name FROM pragma_table_info('documents') ORDER BY cid DESC LIMIT 1")" body
expect_eq "schema 1: its claim has its item row" \
    "$(sqlite3 "$T/v1.db" "SELECT item, supplier, recipient, date, claim_id, low FROM claim_items
        WHERE claim_id = 1")" \
    "munitions|PRK|RUS|2024-03-01|1|6700.0"

# A database of schema 3 (before claim_items held a copy of each claim's
# fields, as tally 858b85d wrote it) is upgraded by a writer: each item of
# each claim gets its row, with its claim's fields, and the series read it.
sqlite3 "$T/v3.db" <"$(dirname "$0")/schema-v3.sql"
# the rows are made from the claims themselves, even one the older table lost
sqlite3 "$T/v3.db" "DELETE FROM claim_items WHERE item = 'ballistic-missile'"
run "$TALLY" estimate --db "$T/v3.db" PRK RUS munitions --unit container
expect_rc "schema 3: a reader refuses it" 1
expect_err_has "schema 3: the reader says who upgrades it" "schema 3, older than this tally's 6"
run "$TALLY" ingest --db "$T/v3.db" "$T/stdin-small.txt"
expect_rc "schema 3: ingest upgrades it" 0
expect_eq "schema 3: now schema 6" "$(sqlite3 "$T/v3.db" 'PRAGMA user_version')" 6
expect_eq "schema 3: sound" "$(sqlite3 "$T/v3.db" 'PRAGMA integrity_check')" ok
expect_eq "schema 3: every item of the claims before it has its row, keyed by pair and date" \
    "$(sqlite3 "$T/v3.db" "SELECT group_concat(item || ' ' || supplier || ' ' || recipient || ' '
        || date || ' ' || claim_id, ', ') FROM (SELECT * FROM claim_items WHERE claim_id <= 4
        ORDER BY claim_id, item)")" \
    "munitions PRK RUS 2024-03-01 1, oil RUS PRK 2024-03-01 2, artillery-shell PRK RUS 2024-09-30 3, ballistic-missile PRK RUS 2024-06-10 4, munitions PRK RUS 2024-06-10 4"
expect_eq "schema 3: each row holds its claim's fields" "$(sqlite3 "$T/v3.db" "SELECT count(*)
    FROM claim_items i JOIN claims c ON c.id = i.claim_id
    WHERE i.doc_id = c.doc_id AND i.kind = c.kind AND i.items = c.items AND i.unit = c.unit
      AND i.low IS c.low AND i.high IS c.high AND i.qualifier = c.qualifier
      AND i.since IS c.since AND i.as_of IS c.as_of AND i.stated IS c.stated
      AND i.source_id = c.source_id AND i.source_written IS c.source_written
      AND i.hedged = c.hedged AND i.per IS c.per AND i.sentence_start IS c.sentence_start
      AND i.sentence_end IS c.sentence_end AND i.claim_id <= 4")" 5
run "$TALLY" estimate --db "$T/v3.db" PRK RUS munitions --unit container --format json
expect_rc "schema 3: a series of the upgraded database" 0
expect_eq "schema 3: the series has its claims, the two before and the new one" \
    "$(jq -r '[.points[].claims[]] | sort | map(tostring) | join(" ")' "$T/out")" "1 4 5"

# stdin is copied to a temporary file, not held; past 1 MiB a document is
# read a piece at a time and its body goes to the database through a
# temporary file: the body is stored whole
body="North Korea has sent about 1,500 containers of munitions to Russia, officials said."
awk -v s="$body" 'BEGIN { for (i = 1; i <= 15000; i++) printf "Paragraph %d. %s\n\n", i, s }' >"$T/stdin.txt"
run_in "$T/stdin.txt" "$TALLY" ingest --db "$T/stream.db" -
expect_rc "stdin: ingest exit" 0
expect_out_has "stdin: every claim stored" "claims: 15000 stored"
expect_eq "stdin: the body is the decoded text" \
    "$(sqlite3 "$T/stream.db" 'SELECT length(body) FROM documents')" "$(wc -c <"$T/stdin.txt")"
run "$TALLY" claims --db "$T/stream.db" --format jsonl
expect_eq "stdin: every claim's sentence read back from the body" \
    "$(jq -r .sentence "$T/out" | sort -u)" "$body"
# the same content from memory (a feed's item) is known: one identity
jq -cRs '{text: .}' "$T/stdin.txt" >"$T/stdin-feed.jsonl"
run "$TALLY" ingest --db "$T/stream.db" "$T/stdin-feed.jsonl"
expect_out_has "a feed item of the same content: unchanged" "0 new, 1 unchanged, 0 replaced"

# the rows of one URL make one record wherever they are in the file
{
    head -n 1 "$SRC/data/public-record.csv"
    for u in a b a c b a; do
        printf '2024-05-01,Ministry,KOR,PRK,RUS,transfer,munitions,,container,%d,,about,,,https://example.org/rec-%s,\n' \
            $((RANDOM % 900 + 100)) "$u"
    done
} >"$T/spread.csv"
run "$TALLY" import --db "$T/spread.db" "$T/spread.csv"
expect_rc "spread rows: import exit" 0
expect_out_has "spread rows: three records of six rows" "rows: 6 read, 0 failed; records: 3 new, 0 unchanged, 0 replaced; claims: 6 stored"
run "$TALLY" import --db "$T/spread.db" "$T/spread.csv"
expect_out_has "spread rows: again, unchanged" "records: 0 new, 3 unchanged, 0 replaced; claims: 0 stored"

# Peak memory against input size, with tally_runrss (bench/runrss.c). Not
# under ASan, whose quarantine keeps freed memory: the clang build of make
# check runs it. Ingest: SQLite's page cache (64 MB) fills as the body goes
# in, so 64 MB of text may take up to that much more than 16 MB, and no
# more (it took 190 MB more when documents were read whole). Import: a CSV
# whose bytes are mostly quotes (never stored) takes no more for 8 times the
# size (it took the file's size when files were read whole).
RUNRSS=$(dirname "$TALLY")/tally_runrss
if ldd "$TALLY" 2>/dev/null | grep -q libasan; then
    skip "memory against input size" "an ASan build (its quarantine keeps freed memory)"
elif [ ! -x "$RUNRSS" ]; then
    skip "memory against input size" "no $RUNRSS"
else
    # rss_kb CMD...: the command's peak RSS in KB
    rss_kb() {
        local line
        line=$("$RUNRSS" -- "$@") || { echo 0; return; }
        line=${line#* rss_kb=}
        echo "${line%% *}"
    }
    # rss_kb_quiet CMD...: the same, the command's output dropped
    rss_kb_quiet() {
        local line
        line=$("$RUNRSS" -o /dev/null -- "$@" 2>/dev/null) || { echo 0; return; }
        line=${line#* rss_kb=}
        echo "${line%% *}"
    }
    plain="The envoy met the minister in the capital and they talked about trade and the weather."
    for mb in 16 64; do
        awk -v n=$((mb * 1000000 / 88)) -v s="$plain" 'BEGIN { for (i = 0; i < n; i++) print s }' >"$T/plain$mb.txt"
    done
    small=$(rss_kb "$TALLY" ingest -q --db "$T/mem16.db" "$T/plain16.txt")
    big=$(rss_kb "$TALLY" ingest -q --db "$T/mem64.db" "$T/plain64.txt")
    if [ "$small" -gt 0 ] && [ $((big - small)) -lt 80000 ]; then pass; else
        fail "ingest memory: 64 MB takes at most the page cache more than 16 MB" "${small} KB, then ${big} KB"; fi
    # Extraction of a text without line breaks, every clause a claim: its
    # paragraph is cut into blocks, each decided on its own, so 8 MB takes
    # no more than 1 MB (with a 1 MiB block limit it took 97 MB, then 378).
    clause="North Korea has sent about 6,700 containers of munitions to Russia, the minister said, "
    for mb in 1 8; do
        awk -v n=$((mb * 1000000 / 90)) -v s="$clause" 'BEGIN { for (i = 0; i < n; i++) printf "%s", s; print "." }' >"$T/line$mb.txt"
    done
    small=$(rss_kb_quiet "$TALLY" extract "$T/line1.txt")
    big=$(rss_kb_quiet "$TALLY" extract "$T/line8.txt")
    if [ "$small" -gt 0 ] && [ $((big - small)) -lt 4000 ]; then pass; else
        fail "extract memory: a one-line text of 8 MB takes no more than 1 MB" "${small} KB, then ${big} KB"; fi
    rm -f "$T/line1.txt" "$T/line8.txt"
    quote=$(head -c 100000 /dev/zero | tr '\0' 'q')
    for mb in 4 32; do
        {
            printf 'date_stated,source,source_country,supplier,recipient,kind,item,caliber_mm,unit,low,high,qualifier,since,as_of,url,quote\n'
            for i in $(seq 1 $((mb * 10))); do
                printf '2024-05-01,Ministry,KOR,PRK,RUS,transfer,munitions,,container,%d,,about,,,https://example.org/q%d,%s\n' "$i" "$i" "$quote"
            done
        } >"$T/quotes$mb.csv"
    done
    small=$(rss_kb "$TALLY" import -q --db "$T/memq4.db" "$T/quotes4.csv")
    big=$(rss_kb "$TALLY" import -q --db "$T/memq32.db" "$T/quotes32.csv")
    if [ "$small" -gt 0 ] && [ $((big - small)) -lt 8000 ]; then pass; else
        fail "import memory: 32 MB of CSV takes no more than 4 MB" "${small} KB, then ${big} KB"; fi
fi

# ---- NaN and infinities never reach a writer (case 2) ---------------------------------

DB=$T/huge.db
doc "$T/huge-a.txt" "North Korea has sent about 9e307 containers of munitions to Russia, the South Korean defence ministry said."
doc "$T/huge-b.txt" "North Korea has shipped 1.7e308 artillery shells to Russia, the South Korean defence ministry said."
doc "$T/fine.txt" "North Korea has sent about 6,700 containers of munitions to Russia, the South Korean defence ministry said."
run "$TALLY" ingest --db "$DB" "$T/huge-a.txt" "$T/huge-b.txt" "$T/fine.txt"
expect_rc "huge figures: ingest exit" 0
expect_eq "9e307 and 1.7e308 are no claims" \
    "$(sqlite3 "$DB" 'SELECT count(*) FROM claims WHERE abs(low) > 1e18 OR abs(high) > 1e18')" 0
run "$TALLY" estimate --db "$DB" --all --format json
expect_rc "huge figures: estimate --all exit" 0
expect_no_nan "huge figures: estimate --all prints no NaN"
if jq -s -e 'length == 1 and .[0].median > 0' "$T/out" >/dev/null 2>&1; then pass; else
    fail "huge figures: estimate --all is JSON" "$(head -c 300 "$T/out")"; fi

# A database holding such values (a hand edit, an older tally): every writer
# refuses them with a message and exit 1, instead of printing -nan.
sqlite3 "$DB" "UPDATE claims SET low = 1.7e308"
sqlite3 "$DB" "INSERT INTO claims (doc_id, kind, supplier, recipient, items, item, unit, low,
    qualifier, date, source_id, hedged)
    SELECT doc_id, kind, supplier, recipient, items, item, unit, 9e307, qualifier, '2024-04-01',
    source_id, hedged FROM claims LIMIT 1"
for fmt in json csv; do
    run "$TALLY" estimate --db "$DB" --all --format "$fmt"
    expect_rc "1.7e308 stored: estimate --all --format $fmt exit" 1
    expect_no_nan "1.7e308 stored: estimate --all --format $fmt prints no NaN"
    expect_err_has "1.7e308 stored: estimate --all --format $fmt says why" "not a finite number"
    run "$TALLY" estimate --db "$DB" PRK RUS munitions --format "$fmt"
    expect_rc "1.7e308 stored: estimate --format $fmt exit" 1
    expect_no_nan "1.7e308 stored: estimate --format $fmt prints no NaN"
done
run "$TALLY" report --db "$DB" -o -
expect_no_nan "1.7e308 stored: report draws no NaN"
expect_out_has "1.7e308 stored: report says why there is no estimate" "not a finite number"
sqlite3 "$DB" "UPDATE claims SET low = 9e999" # SQLite reads it as infinity
for fmt in jsonl csv; do
    run "$TALLY" claims --db "$DB" --format "$fmt"
    expect_rc "infinity stored: claims --format $fmt exit" 1
    expect_no_nan "infinity stored: claims --format $fmt prints no infinity"
    expect_err_has "infinity stored: claims --format $fmt says why" "not finite"
done

# the server answers the same with a JSON error
start_server "$DB"
if [ -z "$URL" ]; then
    fail "serve starts" "$(cat "$T/serve.err")"
else
    code=$(curl -s -o "$T/out" -w '%{http_code}' "${URL}api/claims")
    expect_eq "infinity stored: /api/claims status" "$code" 500
    if jq -e '.error | contains("not finite")' "$T/out" >/dev/null 2>&1; then pass; else
        fail "infinity stored: /api/claims error is JSON" "$(head -c 200 "$T/out")"; fi
    code=$(curl -s -o "$T/out" -w '%{http_code}' "${URL}api/flows")
    expect_no_nan "infinity stored: /api/flows prints no infinity"
    if jq -e . "$T/out" >/dev/null 2>&1; then pass; else
        fail "infinity stored: /api/flows is JSON" "$(head -c 200 "$T/out")"; fi
fi
stop_server

# the importer takes no such figure either
{
    head -n 1 "$SRC/data/public-record.csv"
    sed -n 2p "$SRC/data/public-record.csv" | awk -F, -v OFS=, '{ $10 = "1.7e308"; print }'
    sed -n 2p "$SRC/data/public-record.csv" | awk -F, -v OFS=, '{ $10 = "1e-99999"; print }'
} >"$T/huge.csv"
run "$TALLY" import --db "$T/imp.db" "$T/huge.csv"
expect_rc "huge figures: import exit" 1
expect_err_has "import names the row and column" "huge.csv:2: low '1.7e308' is not a figure"
expect_err_has "import refuses an underflow" "huge.csv:3: low '1e-99999' is not a figure"

finish
