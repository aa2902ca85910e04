#!/usr/bin/env bash
# tally ingest --jobs N and tally extract --jobs N: documents extracted on N
# workers and written in order give the same database, output and messages
# for any N; a document that fails is named and the others still go in.
# Documents written here (several claims each, a copy, a feed repeating a
# URL with changed text, bad UTF-8, an empty one, one past 1 MiB); then the
# corpora of ../shared when present (skipped otherwise). On PostgreSQL
# (through tests/e2e/with_pg.sh) each worker stores on a connection of its
# own: the same documents, claims and events, row ids aside.
# Usage: jobs.sh TALLY SOURCE_DIR   (needs sqlite3; psql and jq on PostgreSQL)
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_args 2 "TALLY SOURCE_DIR" "$@"
e2e_needs sqlite3
if on_pg; then
    e2e_needs psql createdb jq
fi

# dump DB OUT: the database's rows, bar the times of ingestion, into OUT. On
# a server, whose workers take ids in the order they store: the documents,
# claims and events as tally prints them, ids and times aside, sorted.
dump() {
    if on_pg; then
        {
            "$TALLY" docs --db "$1" --format jsonl | jq -c 'del(.id, .ingested_at)'
            "$TALLY" claims --db "$1" --format jsonl | jq -c 'del(.id)'
            "$TALLY" events --db "$1" --format jsonl | jq -c 'del(.id)'
        } | sort >"$2"
        return
    fi
    cp "$1" "$T/dump.db"
    sqlite3 "$T/dump.db" "UPDATE documents SET ingested_at = '', updated_at = ''" &&
        sqlite3 "$T/dump.db" .dump >"$2"
    rm -f "$T/dump.db"
}

# DBS[N]: the database of --jobs N.
declare -A DBS

# ingest_jobs N ARGS...: tally ingest --jobs N into a new database DBS[N],
# its output in $T/out.N (the database named DB), its messages in $T/err.N
# and its status in $T/rc.N.
ingest_jobs() {
    local n=$1
    shift
    if [ -n "${DBS[$n]:-}" ]; then
        drop_db "${DBS[$n]}"
    fi
    DBS[$n]=$(new_db "j$n")
    "$TALLY" ingest --jobs "$n" --db "${DBS[$n]}" "$@" </dev/null >"$T/out.$n" 2>"$T/err.$n"
    echo $? >"$T/rc.$n"
    sed -i 's|^[^ ]*: documents:|DB: documents:|' "$T/out.$n"
}

# same_as_one NAME N: --jobs N's database, output, messages and status are --jobs 1's.
same_as_one() {
    local n=$2
    expect_eq "$1: status with --jobs $n" "$(cat "$T/rc.$n")" "$(cat "$T/rc.1")"
    expect_eq "$1: summary with --jobs $n" "$(cat "$T/out.$n")" "$(cat "$T/out.1")"
    expect_eq "$1: messages with --jobs $n" "$(cat "$T/err.$n")" "$(cat "$T/err.1")"
    dump "${DBS[1]}" "$T/dump.1"
    dump "${DBS[$n]}" "$T/dump.$n"
    if [ -s "$T/dump.1" ] && cmp -s "$T/dump.1" "$T/dump.$n"; then
        pass
    else
        fail "$1: database with --jobs $n" "differs from --jobs 1's: $(diff "$T/dump.1" "$T/dump.$n" | head -n 4 | cut -c 1-200 | tr '\n' ' ')"
    fi
}

# ---- documents written here ---------------------------------------------------

D=$T/docs
mkdir -p "$D/sub"
states=("North Korea" "Iran" "Belarus" "China")
items=("artillery shells" "drones" "rockets" "tanks")
for i in $(seq 1 40); do
    s=${states[$((i % 4))]}
    it=${items[$(((i / 4) % 4))]}
    {
        printf 'Report %d on supplies to Russia.\n\n' "$i"
        printf '%s has sent about %d,000 %s to Russia since 2023, officials said.\n\n' "$s" "$((i + 2))" "$it"
        printf 'Analysts estimate that %s delivered %d %s to Russia last year.\n' "$s" "$((i * 37))" "$it"
        printf 'A further %d %s are expected by the end of the year, the ministry said.\n' "$((i * 11))" "$it"
    } >"$D/sub/report-$i.txt"
done
cp "$D/sub/report-7.txt" "$D/copy-of-7.txt"              # the same content: unchanged
printf 'Russia received \xff\xfe 500 drones from Iran, the report said.\n' >"$D/bad-utf8.txt"
printf '\n\n   \n' >"$D/empty.txt"
# past 1 MiB: read a piece at a time, stored in its turn (mostly talk
# without figures, a claim every 200 paragraphs)
for i in $(seq 1 24000); do
    if [ $((i % 200)) -eq 0 ]; then
        printf 'Iran has sent %d drones to Russia, the ministry said.\n\n' "$i"
    else
        printf 'The delegations met again and spoke at length.\n\n'
    fi
done >"$D/large.txt"
expect_eq "written: the large document is past 1 MiB" "$(($(wc -c <"$D/large.txt") > 1048576))" 1
# a feed naming one URL twice with different text: the second replaces the first
{
    printf '{"url":"https://example.org/a","text":"North Korea sent 1,000 shells to Russia."}\n'
    printf '{"url":"https://example.org/b","text":"Iran sent 300 drones to Russia."}\n'
    printf '{"url":"https://example.org/a","text":"North Korea sent 2,000 shells to Russia."}\n'
} >"$T/feed.jsonl"

for n in 1 2 3; do
    ingest_jobs "$n" "$D" "$T/missing.txt" "$T/feed.jsonl"
done
expect_eq "written: ingest fails (exit 1)" "$(cat "$T/rc.1")" 1
# 40 reports, bad UTF-8, the large one, two URLs; the copy unchanged, one URL
# replaced; the empty document and the missing file failed
expect_eq "written: summary" "$(sed 's/; claims.*//' "$T/out.1")" \
    "DB: documents: 44 new, 1 unchanged, 1 replaced, 2 failed"
grep -q "missing.txt: No such file" "$T/err.1" && pass || fail "written: a missing file is named" "$(cat "$T/err.1")"
grep -q "empty.txt: empty document" "$T/err.1" && pass || fail "written: an empty document is named" "$(cat "$T/err.1")"
grep -q "bad-utf8.txt: 2 invalid UTF-8 sequences" "$T/err.1" && pass || fail "written: bad UTF-8 is named" "$(cat "$T/err.1")"
expect_eq "written: claims stored" "$(sql "${DBS[1]}" 'SELECT CASE WHEN count(*) > 100 THEN 1 ELSE 0 END FROM claims')" 1
for n in 2 3; do
    same_as_one "written" "$n"
done

# again into the same database: everything unchanged, nothing extracted twice
for n in 1 2; do
    "$TALLY" ingest --jobs "$n" --db "${DBS[$n]}" "$D" "$T/feed.jsonl" </dev/null >"$T/out.$n" 2>"$T/err.$n"
    echo $? >"$T/rc.$n"
    sed -i 's|^[^ ]*: documents:|DB: documents:|' "$T/out.$n"
done
expect_eq "again: summary" "$(sed 's/; claims.*//' "$T/out.1")" \
    "DB: documents: 0 new, 44 unchanged, 2 replaced, 1 failed"
same_as_one "again" 2

# tally extract over several files: the same lines and messages for any N
"$TALLY" extract --jobs 1 "$D"/sub/*.txt "$D/bad-utf8.txt" "$T/missing.txt" "$D/large.txt" \
    >"$T/x.1" 2>"$T/xe.1"
echo $? >"$T/xrc.1"
"$TALLY" extract --jobs 2 "$D"/sub/*.txt "$D/bad-utf8.txt" "$T/missing.txt" "$D/large.txt" \
    >"$T/x.2" 2>"$T/xe.2"
echo $? >"$T/xrc.2"
expect_eq "extract: status" "$(cat "$T/xrc.2")/$(cat "$T/xrc.1")" "1/1"
cmp -s "$T/x.1" "$T/x.2" && pass || fail "extract: the same claims with --jobs 2" "$(diff "$T/x.1" "$T/x.2" | head -n 4 | cut -c 1-200)"
expect_eq "extract: the same messages with --jobs 2" "$(cat "$T/xe.2")" "$(cat "$T/xe.1")"

# ---- the corpora --------------------------------------------------------------------

if [ -d "$SHARED/corpus/dev" ] && [ -d "$SHARED/corpus/train" ]; then
    for n in 1 2; do
        ingest_jobs "$n" "$SHARED/corpus/dev" "$SHARED/corpus/train"
    done
    expect_eq "corpus: ingest succeeds" "$(cat "$T/rc.1")" 0
    same_as_one "corpus" 2
    "$TALLY" extract --jobs 1 "$SHARED"/corpus/dev/*.txt "$SHARED"/corpus/train/*.txt >"$T/x.1" 2>"$T/xe.1"
    "$TALLY" extract --jobs 2 "$SHARED"/corpus/dev/*.txt "$SHARED"/corpus/train/*.txt >"$T/x.2" 2>"$T/xe.2"
    cmp -s "$T/x.1" "$T/x.2" && pass || fail "corpus: extract --jobs 2" "$(diff "$T/x.1" "$T/x.2" | head -n 4 | cut -c 1-200)"
    expect_eq "corpus: extract's messages with --jobs 2" "$(cat "$T/xe.2")" "$(cat "$T/xe.1")"
else
    skip "corpus" "no ../shared corpora (set TALLY_SHARED)"
fi

finish
