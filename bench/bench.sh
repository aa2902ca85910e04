#!/usr/bin/env bash
# Throughput and memory of tally beside `wc -w`.
# Usage: bench.sh TALLY SHARED_DIR   (make bench: build/release/tally ../shared)
#
# Builds a >= 50 MB text by repeating the bodies (header stripped) of
# SHARED_DIR/corpus/dev/*.txt, runs each command RUNS times, interleaved, and
# prints the median wall time, MB/s (1 MB = 10^6 bytes) and peak RSS. The same
# commands also run on a 5 MB text so that a flat memory profile shows.
#
# Adding a command: write `row_NAME() { ARGV=(...command reading "$1"...); }`
# and add NAME to ROWS. Each row is measured and printed beside wc -w.
set -euo pipefail

if [ $# -ne 2 ]; then
    echo "usage: $0 TALLY SHARED_DIR" >&2
    exit 2
fi
TALLY=$1
SHARED=$2
RUNS=${BENCH_RUNS:-5}
BIG_MB=${BENCH_MB:-50}
SMALL_MB=5
RUNRSS=${RUNRSS:-$(dirname "$TALLY")/tally_runrss}

for f in "$TALLY" "$RUNRSS"; do
    if [ ! -x "$f" ]; then
        echo "bench: $f: not built" >&2
        exit 1
    fi
done
GENDB=$(dirname "$TALLY")/tally_gendb
BIGDB=$(dirname "$TALLY")/bench-1m.db
# make_bigdb: the database of a million claims, made once by tally_gendb
# (again when tally_gendb, and with it the schema, is newer).
make_bigdb() {
    if [ ! -s "$BIGDB" ] || [ "$GENDB" -nt "$BIGDB" ] ||
        [ "$(sqlite3 "$BIGDB" 'SELECT count(*) FROM claims' 2>/dev/null)" != 1000000 ]; then
        rm -f "$BIGDB" "$BIGDB-wal" "$BIGDB-shm"
        echo "bench: writing $BIGDB (1,000,000 claims; once)" >&2
        "$GENDB" "$BIGDB" 1000000 >/dev/null
    fi
}

# ---- tally serve under load (wrk) ----------------------------------------------

# bench_serve: tally serve on the million claims, wrk -t2 -c32 -d10s against
# a page of claims and a series (cached after its first request: the
# database is read-only while served), beside a static asset in the same
# run (the server's floor); then slow connections (bench/slowloris.py).
# BENCH_ONLY=serve runs this section alone.
bench_serve() {
    if ! command -v wrk >/dev/null || ! command -v curl >/dev/null; then
        echo "bench: wrk or curl not installed; server rows skipped" >&2
        return 0
    fi
    local secs=${BENCH_WRK_SECONDS:-10} out url pid name path
    out=$(mktemp)
    "$TALLY" serve --db "$BIGDB" --port 0 >"$out" 2>&1 &
    pid=$!
    url=
    for _ in $(seq 1 200); do
        url=$(grep -o 'http://[^ ]*/' "$out" || true)
        [ -n "$url" ] && break
        sleep 0.05
    done
    if [ -z "$url" ]; then
        echo "bench: tally serve did not start: $(cat "$out")" >&2
        kill "$pid" 2>/dev/null || true
        return 1
    fi
    local rows=(
        "static /assets/style.css|assets/style.css"
        "claims pair, 50|api/claims?supplier=PRK&recipient=RUS&limit=50"
        "series (cached)|api/series?supplier=PRK&recipient=RUS&item=artillery-shell"
    )
    printf '\ntally serve on %s (1,000,000 claims), wrk -t2 -c32 -d%ss --latency, %s threads:\n' \
        "$(basename "$BIGDB")" "$secs" "$(nproc)"
    printf '%-26s %10s %9s %9s %8s %12s\n' "endpoint" "req/s" "p50 ms" "p99 ms" "errors" \
        "first req s"
    for row in "${rows[@]}"; do
        IFS='|' read -r name path <<<"$row"
        # the first request alone: for the series, the estimate before the cache
        local first
        first=$(curl -s -o /dev/null -w '%{time_total}' "$url$path")
        wrk -t2 -c32 -d"${secs}s" --latency "$url$path" >"$out.wrk" 2>&1
        awk -v name="$name" -v first="$first" '
            function ms(v) {
                if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
                if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
                if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
                return v
            }
            /^ +50%/ { p50 = ms($2) }
            /^ +99%/ { p99 = ms($2) }
            /^Requests\/sec:/ { rps = $2 }
            /Socket errors:/ { gsub(/,/, ""); errors += $4 + $6 + $8 + $10 }
            /Non-2xx or 3xx responses:/ { errors += $5 }
            END { printf "%-26s %10.0f %9.2f %9.2f %8d %12s\n", name, rps, p50, p99, errors, first }
        ' "$out.wrk"
    done
    # slow connections (bench/slowloris.py): 600 trickling their head, and how
    # many normal requests of the page of claims get through meanwhile
    if command -v python3 >/dev/null; then
        printf '\nwhile 600 connections trickle their request head (bench/slowloris.py):\n'
        python3 "$(dirname "$0")/slowloris.py" "${url}api/claims?supplier=PRK&recipient=RUS&limit=50" \
            --slow 600 --duration "${BENCH_SLOW_SECONDS:-20}" --normal 1000 | sed 's/^/  /'
    fi
    kill -TERM "$pid"
    wait "$pid" || true
    rm -f "$out" "$out.wrk"
}

if [ "${BENCH_ONLY:-}" = serve ]; then
    make_bigdb
    bench_serve
    exit 0
fi

shopt -s nullglob
docs=("$SHARED"/corpus/dev/*.txt)
if [ ${#docs[@]} -eq 0 ]; then
    echo "bench: no documents in $SHARED/corpus/dev" >&2
    exit 1
fi

# wc -w reads UTF-8 like tally does; a fixed locale keeps runs comparable.
if locale -a 2>/dev/null | grep -qix 'c.utf-\?8'; then
    export LC_ALL=C.UTF-8
else
    export LC_ALL=C
fi

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# ---- the rows: one function per command ---------------------------------
# row_NAME FILE sets ARGV to the command to time on FILE (stdout discarded).
row_wc() {
    ARGV=(wc -w "$1")
}
row_figures() {
    ARGV=("$TALLY" figures "$1")
}
row_extract() {
    ARGV=("$TALLY" extract "$1")
}
# the rules alone, without the learned layer (tally extract --no-model)
row_rules() {
    ARGV=("$TALLY" extract --no-model "$1")
}
# ingest: into a new database each run (an unchanged document is skipped)
row_ingest() {
    ARGV=(bash -c 'rm -f "$0" "$0-wal" "$0-shm"; exec "$1" ingest -q --db "$0" "$2"'
        "$T/ingest.db" "$TALLY" "$1")
}
ROWS=(figures rules extract ingest)
LABEL_wc="wc -w"
LABEL_figures="tally figures"
LABEL_rules="extract (rules)"
LABEL_extract="tally extract"
LABEL_ingest="tally ingest"

# ---- the texts ----------------------------------------------------------

# body FILE: the document without its header (the lines up to the first
# blank line, when the first line is a header field).
body() {
    if head -n 1 "$1" | grep -qE '^(url|title|outlet|date):'; then
        sed '1,/^$/d' "$1"
    else
        cat "$1"
    fi
}

for f in "${docs[@]}"; do
    body "$f"
    printf '\n'
done >"$T/seed.txt"
seed_bytes=$(wc -c <"$T/seed.txt")

# make_text FILE MB: repeats the seed until FILE holds at least MB * 10^6 bytes.
make_text() {
    local want=$(($2 * 1000000))
    local copies=$(((want + seed_bytes - 1) / seed_bytes))
    local i
    for ((i = 0; i < copies; i++)); do
        cat "$T/seed.txt"
    done >"$1"
}
make_text "$T/big.txt" "$BIG_MB"
make_text "$T/small.txt" "$SMALL_MB"
big_bytes=$(wc -c <"$T/big.txt")
small_bytes=$(wc -c <"$T/small.txt")

# ---- measuring ----------------------------------------------------------

# measure NAME FILE TAG: one run; appends "wall rss_kb" to $T/NAME.TAG.
measure() {
    local line
    "row_$1" "$2"
    if ! line=$("$RUNRSS" -o /dev/null -- "${ARGV[@]}"); then
        echo "bench: '${ARGV[*]}' failed: $line" >&2
        exit 1
    fi
    line=${line#wall=}
    local wall=${line%% *}
    line=${line#* rss_kb=}
    local rss=${line%% *}
    echo "$wall $rss" >>"$T/$1.$3"
}

# median FILE COLUMN: the median of a column of numbers.
median() {
    sort -g -k "$2,$2" "$1" | awk -v c="$2" '{ v[NR] = $c }
        END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

all_rows=(wc "${ROWS[@]}")
for name in "${all_rows[@]}"; do
    measure "$name" "$T/small.txt" warm >/dev/null # warm the page cache and binaries
    measure "$name" "$T/big.txt" warm >/dev/null
done
for ((r = 0; r < RUNS; r++)); do
    for name in "${all_rows[@]}"; do
        measure "$name" "$T/big.txt" big
        measure "$name" "$T/small.txt" small
    done
done

# ---- report ---------------------------------------------------------------

mbps() {
    awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.1f", b / 1e6 / s; else print "inf" }'
}
mb() {
    awk -v k="$1" 'BEGIN { printf "%.1f MB", k / 1024 }'
}

printf 'bench: %.1f MB text (bodies of %d documents repeated), median of %d runs, LC_ALL=%s\n' \
    "$(awk -v b="$big_bytes" 'BEGIN { print b / 1e6 }')" "${#docs[@]}" "$RUNS" "$LC_ALL"
printf '%-16s %9s %9s %13s %13s\n' "command" "MB/s" "wall s" "RSS (big)" "RSS (5 MB)"
wc_wall=$(median "$T/wc.big" 1)
for name in "${all_rows[@]}"; do
    label_var="LABEL_$name"
    wall=$(median "$T/$name.big" 1)
    printf '%-16s %9s %9.3f %13s %13s\n' "${!label_var:-$name}" "$(mbps "$big_bytes" "$wall")" \
        "$wall" "$(mb "$(median "$T/$name.big" 2)")" "$(mb "$(median "$T/$name.small" 2)")"
done
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'
}
for name in "${ROWS[@]}"; do
    label_var="LABEL_$name"
    wall=$(median "$T/$name.big" 1)
    printf '%s / wc -w throughput: %s\n' "${!label_var:-$name}" "$(ratio "$wc_wall" "$wall")"
done
printf 'tally ingest / tally extract throughput: %s\n' \
    "$(ratio "$(median "$T/extract.big" 1)" "$(median "$T/ingest.big" 1)")"

# ---- queries on a database of a million claims ------------------------------

# The database is made once by tally_gendb (bench/gendb.c) and kept beside
# the binary; each filter runs RUNS times (median), beside the same filter
# as SQL on a full scan of the claims (NOT INDEXED): what the indexes buy.
if ! command -v sqlite3 >/dev/null; then
    echo "bench: sqlite3 not installed; query rows skipped" >&2
    exit 0
fi
make_bigdb
# name | tally claims arguments | the same as SQL on a full scan
queries=(
    "pair+item+month|--supplier PRK --recipient RUS --item artillery-shell --since 2024-06 --until 2024-06|SELECT count(*) FROM claims NOT INDEXED WHERE supplier = 'PRK' AND recipient = 'RUS' AND items & 2 AND date >= '2024-06' AND date < '2024-07'"
    "source|--source 'Source 0042'|SELECT count(*) FROM claims NOT INDEXED WHERE source_id IN (SELECT id FROM sources WHERE name LIKE '%Source 0042%')"
    "doc|--doc doc-012345|SELECT count(*) FROM claims NOT INDEXED WHERE doc_id IN (SELECT id FROM documents WHERE name = 'doc-012345')"
    "kind+since|--kind casualty --since 2024-10|SELECT count(*) FROM claims NOT INDEXED WHERE kind = 'casualty' AND date >= '2024-10'"
    "pair (rare)|--supplier BLR --recipient KAZ|SELECT count(*) FROM claims NOT INDEXED WHERE supplier = 'BLR' AND recipient = 'KAZ'"
    "recipient+source|--recipient RUS --source 'Source 0042'|SELECT count(*) FROM claims NOT INDEXED WHERE recipient = 'RUS' AND source_id IN (SELECT id FROM sources WHERE name LIKE '%Source 0042%')"
    "item, first 100|--item oil --limit 100|SELECT count(*) FROM (SELECT id FROM claims NOT INDEXED WHERE items & 8192 ORDER BY date, id LIMIT 100)"
    "supplier, first 100|--supplier PRK --limit 100|SELECT count(*) FROM (SELECT id FROM claims NOT INDEXED WHERE supplier = 'PRK' ORDER BY date, id LIMIT 100)"
    "since, first 100|--since 2024-12 --limit 100|SELECT count(*) FROM (SELECT id FROM claims NOT INDEXED WHERE date >= '2024-12' ORDER BY date, id LIMIT 100)"
)
# ms CMD...: the median wall milliseconds of RUNS runs.
ms() {
    local r line
    : >"$T/q"
    for ((r = 0; r < RUNS; r++)); do
        line=$("$RUNRSS" -o /dev/null -- "$@") || { echo "bench: '$*' failed" >&2; exit 1; }
        line=${line#wall=}
        echo "${line%% *}" >>"$T/q"
    done
    awk '{ print $1 * 1000 }' "$T/q" | sort -g | awk '{ v[NR] = $1 }
        END { printf "%.1f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
printf '\ntally claims on %s (1,000,000 claims), --format jsonl, median of %d runs:\n' \
    "$(basename "$BIGDB")" "$RUNS"
printf '%-22s %7s %12s %18s\n' "filter" "rows" "tally ms" "full-scan SQL ms"
for q in "${queries[@]}"; do
    IFS='|' read -r name args sql <<<"$q"
    eval "set -- $args"
    rows=$("$TALLY" claims --db "$BIGDB" --format jsonl "$@" | wc -l)
    printf '%-22s %7d %12s %18s\n' "$name" "$rows" \
        "$(ms "$TALLY" claims --db "$BIGDB" --format jsonl "$@")" "$(ms sqlite3 "$BIGDB" "$sql")"
done

# ---- estimating every series of the million claims -------------------------------

# tally estimate --all loads every claim, clusters them and reconciles each
# series (pair of states, item: ~2,500 here) at its last claim, 2,000 draws.
# Beside it, the baseline of reading the same claims: tally claims.
line=$("$RUNRSS" -o "$T/all.txt" -- "$TALLY" estimate --db "$BIGDB" --all) ||
    { echo "bench: estimate --all failed" >&2; exit 1; }
wall=${line#wall=}
wall=${wall%% *}
rss=${line#* rss_kb=}
rss=${rss%% *}
read_line=$("$RUNRSS" -o /dev/null -- "$TALLY" claims --db "$BIGDB" --format jsonl)
read_wall=${read_line#wall=}
read_wall=${read_wall%% *}
printf '\ntally estimate --all on %s: %s, %.2f s, peak RSS %s (tally claims --format jsonl reading the same claims: %.2f s)\n' \
    "$(basename "$BIGDB")" "$(tail -n 1 "$T/all.txt")" "$wall" "$(mb "$rss")" "$read_wall"

bench_serve
