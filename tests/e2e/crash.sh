#!/usr/bin/env bash
# Crash safety of tally ingest: kill it with SIGKILL at random points and
# check that the database is sound, holds only whole documents, and that
# ingesting again completes the set. The same checks on SQLite and on
# PostgreSQL (tests/e2e/with_pg.sh).
# Usage: crash.sh TALLY SOURCE_DIR [ROUNDS]   (needs jq, and sqlite3 or psql)
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_args 3 "TALLY SOURCE_DIR [ROUNDS]" "$@"
ROUNDS=${3:-8}
skip_without_corpus "$SHARED/corpus/dev"
e2e_needs jq
if on_pg; then e2e_needs psql createdb; else e2e_needs sqlite3; fi

# A fixed seed: the kill points are random but the same from run to run.
RANDOM=20241126

# 1,500 distinct documents: the dev bodies under new URLs.
mkdir -p "$T/docs"
i=0
for round in $(seq 1 72); do
    for f in "$SHARED"/corpus/dev/*.txt; do
        i=$((i + 1))
        {
            printf 'url: https://example.org/crash/%d\ndate: 2024-%02d-15\n\n' "$i" $((i % 12 + 1))
            sed '1,/^$/d' "$f"
            printf '\nReport %d of round %d.\n' "$i" "$round"
        } >"$T/docs/$(printf '%05d' "$i").txt"
    done
done
total=$i

# The reference: the same folder ingested without a kill, timed so that the
# kill points fall within a run on this machine (and build).
t0=$(date +%s%N)
REF=$(new_db ref)
"$TALLY" ingest -q --db "$REF" "$T/docs" 2>"$T/err"
run_ms=$((($(date +%s%N) - t0) / 1000000))
[ "$run_ms" -lt 50 ] && run_ms=50
expect_eq "reference ingest stores every document" \
    "$(sql "$REF" 'SELECT count(*) FROM documents')" "$total"

# doc_claims DB: each stored document's key, claims and body's bytes, by key
# (as tally docs reads them, from either backend).
doc_claims() {
    "$TALLY" docs --db "$1" --format jsonl | jq -r '"\(.key) \(.claims) \(.body_bytes)"' | sort
}
doc_claims "$REF" >"$T/ref.claims"
# partial DB: documents whose claims differ from the reference's (0 when
# every stored document is whole), and stored documents with no body.
partial() {
    doc_claims "$1" | join - "$T/ref.claims" | awk '$2 != $4 || $3 == 0' | wc -l
}
# tables DB: how many tables the database holds (0: not even the schema)
tables() {
    if on_pg; then
        sql "$1" "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()"
    elif [ -e "$1" ]; then
        sqlite3 "$1" 'SELECT count(*) FROM sqlite_schema'
    else
        echo 0
    fi
}

DB=$(new_db crash)
between=0 # kills that left some documents but not all: the cases that matter
span=$run_ms
r=0
# ROUNDS kills, and more (up to 4 x ROUNDS) until one has landed mid-ingest:
# on a loaded machine a run is slower than the reference, and a kill that
# comes before the first commit leaves nothing to check, so the kill points
# then spread wider.
while [ "$r" -lt "$ROUNDS" ] || { [ "$between" -eq 0 ] && [ "$r" -lt $((4 * ROUNDS)) ]; }; do
    r=$((r + 1))
    "$TALLY" ingest -q --db "$DB" "$T/docs" >/dev/null 2>"$T/err" &
    pid=$!
    # anywhere in a run: early, in the middle, near the end
    ms=$((5 + RANDOM % span))
    sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    n=0
    if on_sqlite && [ -e "$DB" ]; then
        expect_eq "round $r: integrity_check" "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok
    fi
    # a kill before the schema's first commit leaves no table (schema 0),
    # which the next writer takes as a new database
    if [ "$(tables "$DB")" != 0 ]; then
        expect_eq "round $r: only whole documents" "$(partial "$DB")" 0
        n=$(sql "$DB" 'SELECT count(*) FROM documents')
    elif on_sqlite && [ -e "$DB" ]; then
        expect_eq "round $r: no table, no schema" "$(sqlite3 "$DB" 'PRAGMA user_version')" 0
    fi
    if [ "$n" -gt 0 ] && [ "$n" -lt "$total" ]; then
        between=$((between + 1))
    elif [ "$n" -eq 0 ]; then
        span=$((span * 3 / 2)) # too early: wait longer next time
    fi
    # odd rounds resume on what the last one left (WAL included), as a user
    # would; even rounds start afresh, so that kills land mid-run again
    if [ $((r % 2)) -eq 0 ]; then
        drop_db "$DB"
        DB=$(new_db crash)
    fi
done
echo "crash: $r kills, $between of them mid-ingest (a run took $run_ms ms unkilled)"
# At least one kill must have landed mid-ingest, or the checks above tested
# nothing.
if [ "$between" -gt 0 ]; then pass; else fail "a kill landed mid-ingest" "none of $r did"; fi

run "$TALLY" ingest --db "$DB" "$T/docs"
expect_rc "ingest after the kills completes" 0
expect_eq "the set is complete" "$(sql "$DB" 'SELECT count(*) FROM documents')" "$total"
expect_eq "every document whole" "$(partial "$DB")" 0
expect_eq "as many claims as the reference" "$(sql "$DB" 'SELECT count(*) FROM claims')" \
    "$(sql "$REF" 'SELECT count(*) FROM claims')"
expect_eq "as many events as the reference" "$(sql "$DB" 'SELECT count(*) FROM events')" \
    "$(sql "$REF" 'SELECT count(*) FROM events')"
if on_sqlite; then
    expect_eq "sound at the end" "$(sqlite3 "$DB" 'PRAGMA integrity_check')" ok
fi

finish
