#!/usr/bin/env bash
# Throughput and memory of tally beside `wc -w`.
# Usage: bench.sh TALLY SHARED_DIR   (make bench: build/release/tally ../shared)
#
# Builds a >= 50 MB text by repeating the bodies (header stripped) of
# SHARED_DIR/corpus/dev/*.txt, runs each command RUNS times, interleaved, and
# prints the median wall time, MB/s (1 MB = 10^6 bytes), the median CPU time
# (user + system: steadier than wall time on a busy machine) and peak RSS.
# The same commands also run on a 5 MB text so that a flat memory profile
# shows. tally extract runs with its learned model (the bundled one) and
# with --no-model (the rules alone); each row's throughput is printed as a
# ratio to wc -w's in the same run, by wall and by CPU time (issues 10 and
# 11: extract with the model >= 0.2). BENCH_ONLY=extract prints this table
# alone.
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

# start_serve OUT: tally serve on the big database in the background, its
# output in OUT; sets SERVE_URL and SERVE_PID, or fails with a message.
start_serve() {
    "$TALLY" serve --db "$BIGDB" --port 0 >"$1" 2>&1 &
    SERVE_PID=$!
    SERVE_URL=
    for _ in $(seq 1 400); do
        SERVE_URL=$(grep -o 'http://[^ ]*/' "$1" || true)
        [ -n "$SERVE_URL" ] && return 0
        sleep 0.05
    done
    echo "bench: tally serve did not start: $(cat "$1")" >&2
    kill "$SERVE_PID" 2>/dev/null || true
    return 1
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
    start_serve "$out" || return 1
    url=$SERVE_URL
    pid=$SERVE_PID
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

# ---- estimates on the million claims --------------------------------------------------

# bench_estimate: the estimator's three costs on the million claims, each the
# median of RUNS runs beside a baseline measured in the same run:
#   tally estimate --all (every series, ~2,500, at its last claim; target 5 s)
#     beside tally claims reading every claim;
#   one series cold (tally estimate PRK RUS artillery-shell --at DATE, a new
#     process: target 300 ms) beside tally claims reading that series' claims;
#   the dashboard's first /api/series (a fresh tally serve each run: target
#     300 ms) beside the first page of the series' claims from a fresh server;
#   tally rank RUS --to (every partner of Russia, each of its series drawn
#     and priced: target 2 s) beside tally claims reading Russia's claims.
# BENCH_ONLY=estimate runs this section alone (BENCH_ONLY=rank: tally rank alone).
SERIES=(PRK RUS artillery-shell --at 2024-10-31)
SERIES_Q='supplier=PRK&recipient=RUS&item=artillery-shell'
RANK=(RUS --to --at 2024-10-31)
# wall_of CMD...: wall seconds of one run (tally_runrss).
wall_of() {
    local line
    line=$("$RUNRSS" -o /dev/null -- "$@") || { echo "bench: '$*' failed" >&2; exit 1; }
    line=${line#wall=}
    echo "${line%% *}"
}
# first_request PATH: seconds of the first request to a fresh tally serve.
first_request() {
    local out secs
    out=$(mktemp)
    start_serve "$out" || { rm -f "$out"; exit 1; }
    secs=$(curl -s -o /dev/null -w '%{time_total}' "$SERVE_URL$1")
    kill -TERM "$SERVE_PID"
    wait "$SERVE_PID" 2>/dev/null || true
    rm -f "$out"
    echo "$secs"
}
# median_of FILE: the median of its lines, in seconds.
median_of() {
    sort -g "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# median FILE COLUMN: the median of a column of numbers.
median() {
    sort -g -k "$2,$2" "$1" | awk -v c="$2" '{ v[NR] = $c }
        END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
bench_estimate() {
    local E
    E=$(mktemp -d)
    "$TALLY" estimate --db "$BIGDB" --all >"$E/all.txt" # warm the page cache
    for ((r = 0; r < RUNS; r++)); do
        wall_of "$TALLY" estimate --db "$BIGDB" --all >>"$E/all"
        wall_of "$TALLY" claims --db "$BIGDB" --format jsonl >>"$E/all.base"
        wall_of "$TALLY" estimate --db "$BIGDB" "${SERIES[@]}" >>"$E/one"
        wall_of "$TALLY" claims --db "$BIGDB" --supplier PRK --recipient RUS \
            --item artillery-shell --format jsonl >>"$E/one.base"
        wall_of "$TALLY" rank --db "$BIGDB" "${RANK[@]}" >>"$E/rank"
        wall_of "$TALLY" claims --db "$BIGDB" --recipient RUS --format jsonl >>"$E/rank.base"
        if command -v curl >/dev/null; then
            first_request "api/series?$SERIES_Q" >>"$E/api"
            first_request "api/claims?$SERIES_Q&limit=50" >>"$E/api.base"
        fi
    done
    printf '\nestimates on %s (1,000,000 claims; %s), median of %d runs:\n' "$(basename "$BIGDB")" \
        "$(tail -n 1 "$E/all.txt")" "$RUNS"
    printf '%-40s %10s %8s   %-46s %10s\n' "what" "s" "target" "baseline in the same run" "s"
    printf '%-40s %10.3f %8s   %-46s %10.3f\n' "tally estimate --all" "$(median_of "$E/all")" "5" \
        "tally claims, every claim, jsonl" "$(median_of "$E/all.base")"
    printf '%-40s %10.3f %8s   %-46s %10.3f\n' "one series cold (estimate ${SERIES[*]:0:3})" \
        "$(median_of "$E/one")" "0.300" "tally claims, the series' claims, jsonl" \
        "$(median_of "$E/one.base")"
    printf '%-40s %10.3f %8s   %-46s %10.3f\n' "tally rank ${RANK[*]:0:2}" "$(median_of "$E/rank")" \
        "2" "tally claims --recipient RUS, jsonl" "$(median_of "$E/rank.base")"
    if [ -s "$E/api" ]; then
        printf '%-40s %10.3f %8s   %-46s %10.3f\n' "first /api/series (fresh server)" \
            "$(median_of "$E/api")" "0.300" "first /api/claims page of it (fresh server)" \
            "$(median_of "$E/api.base")"
    fi
    rm -rf "$E"
}

# tally rank alone: the loop of bench_estimate with only its rank rows
bench_rank() {
    local E
    E=$(mktemp -d)
    "$TALLY" rank --db "$BIGDB" "${RANK[@]}" >"$E/rank.txt" # warm the page cache
    for ((r = 0; r < RUNS; r++)); do
        wall_of "$TALLY" rank --db "$BIGDB" "${RANK[@]}" >>"$E/rank"
        wall_of "$TALLY" claims --db "$BIGDB" --recipient RUS --format jsonl >>"$E/rank.base"
    done
    printf '\ntally rank on %s (1,000,000 claims), median of %d runs:\n' "$(basename "$BIGDB")" "$RUNS"
    printf '%-40s %10s %8s   %-46s %10s\n' "what" "s" "target" "baseline in the same run" "s"
    printf '%-40s %10.3f %8s   %-46s %10.3f\n' "tally rank ${RANK[*]:0:2}" "$(median_of "$E/rank")" \
        "2" "tally claims --recipient RUS, jsonl" "$(median_of "$E/rank.base")"
    head -n 8 "$E/rank.txt" | sed 's/^/  /'
    rm -rf "$E"
}

if [ "${BENCH_ONLY:-}" = rank ]; then
    make_bigdb
    bench_rank
    exit 0
fi

if [ "${BENCH_ONLY:-}" = estimate ]; then
    make_bigdb
    bench_estimate
    exit 0
fi

if [ "${BENCH_ONLY:-}" = serve ]; then
    make_bigdb
    bench_estimate
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
# the same on one thread: the model's decisions wait for the reading
row_extract1() {
    ARGV=("$TALLY" extract --jobs 1 "$1")
}
# the rules alone, without the learned layer (tally extract --no-model)
row_rules() {
    ARGV=("$TALLY" extract --no-model "$1")
}
# the events with the claims, in the extractor's one pass (tally events)
row_events() {
    ARGV=("$TALLY" events "$1")
}
# ingest: into a new database each run (an unchanged document is skipped)
row_ingest() {
    ARGV=(bash -c 'rm -f "$0" "$0-wal" "$0-shm"; exec "$1" ingest -q --db "$0" "$2"'
        "$T/ingest.db" "$TALLY" "$1")
}
# ingest of claims only, without the events (tally ingest --no-events)
row_ingest_claims() {
    ARGV=(bash -c 'rm -f "$0" "$0-wal" "$0-shm"; exec "$1" ingest -q --no-events --db "$0" "$2"'
        "$T/ingest.db" "$TALLY" "$1")
}
ROWS=(figures rules extract1 extract events ingest ingest_claims)
LABEL_wc="wc -w"
LABEL_figures="tally figures"
LABEL_rules="extract --no-model"
LABEL_extract1="extract --jobs 1"
LABEL_extract="extract (model)"
LABEL_events="tally events"
LABEL_ingest="tally ingest"
LABEL_ingest_claims="ingest no events"

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
# ---- extraction time for any input (issue 13) ------------------------------

# bench_shapes: tally extract's seconds per MB on texts of one size
# (BENCH_SHAPE_MB, default 8) and four shapes: the bodies as they are; the
# same as one sentence (every sentence end a comma, every line break a
# space: one line); the same with no white space after periods (one line);
# and one sentence of a claim-bearing clause written here, repeated (the
# worst case for reading a sentence per claim). Sentences are read in
# pieces of at most TALLY_SENTENCE_MAX bytes, so all four stay within a
# small factor of the first. BENCH_ONLY=shapes runs this section alone.
bench_shapes() {
    local mb=${BENCH_SHAPE_MB:-8} name line wall best worst
    local want=$((mb * 1000000))
    tr '\n' ' ' <"$T/seed.txt" | sed -E 's/([.?!]+)(["”’)]*) /,\2 /g' >"$T/shape-sentence.unit"
    tr '\n' ' ' <"$T/seed.txt" | sed -E 's/([.?!]["”’)]*) +/\1/g' >"$T/shape-glued.unit"
    printf '%s' "North Korea has sent about 6,700 containers of munitions to Russia, the defence minister said, " >"$T/shape-claims.unit"
    cp "$T/seed.txt" "$T/shape-normal.unit"
    printf '\ntally extract on %s MB texts of four shapes, median of 3 runs:\n' "$mb"
    printf '%-44s %9s %9s %9s\n' "text" "s/MB" "MB/s" "x normal"
    best=
    worst=
    for name in normal sentence glued claims; do
        # the unit repeated up to the size, then an end
        local unit="$T/shape-$name.unit" out="$T/shape-$name.txt"
        cp "$unit" "$out"
        while [ "$(wc -c <"$out")" -lt "$want" ]; do # doubling: a few cats, not thousands
            cat "$out" "$out" >"$out.2"
            mv "$out.2" "$out"
        done
        head -c "$want" "$out" >"$out.2"
        printf '.\n' >>"$out.2"
        mv "$out.2" "$out"
        : >"$T/shape.walls"
        for r in 1 2 3; do
            line=$("$RUNRSS" -o /dev/null -- "$TALLY" extract "$out") ||
                { echo "bench: extract of the $name text failed" >&2; exit 1; }
            line=${line#wall=}
            echo "${line%% *}" >>"$T/shape.walls"
        done
        wall=$(sort -g "$T/shape.walls" | sed -n 2p)
        local label
        case $name in
        normal) label="the bodies (normal text)" ;;
        sentence) label="one sentence: the bodies joined by commas" ;;
        glued) label="no space after periods, one line" ;;
        claims) label="one sentence of claims (a clause repeated)" ;;
        esac
        [ -z "$best" ] && best=$wall
        printf '%-44s %9.3f %9.1f %9.2f\n' "$label" "$(awk -v w="$wall" -v m="$mb" 'BEGIN { print w / m }')" \
            "$(awk -v w="$wall" -v m="$mb" 'BEGIN { print (w > 0 ? m / w : 0) }')" \
            "$(awk -v w="$wall" -v b="$best" 'BEGIN { print (b > 0 ? w / b : 0) }')"
        worst=$(awk -v w="$wall" -v x="${worst:-0}" 'BEGIN { print (w > x ? w : x) }')
    done
    printf 'slowest / normal: %s (the goal: within 3x)\n' \
        "$(awk -v w="$worst" -v b="$best" 'BEGIN { printf "%.2f", (b > 0 ? w / b : 0) }')"
}
if [ "${BENCH_ONLY:-}" = shapes ]; then
    bench_shapes
    exit 0
fi

# ---- memory against input size (issue 13) ------------------------------------

# bench_memory: peak RSS of tally ingest of one document and of tally import
# of one CSV, each at 50 MB and BENCH_MEMORY_MB (default 500), beside wc -c
# on the same files: memory must not grow with the input. The document is
# the bodies repeated; the CSV, the bundled record's rows repeated with a
# URL of their own every three rows (made by python3). BENCH_ONLY=memory
# runs this section alone.
bench_memory() {
    local mb line
    local sizes=(50 "${BENCH_MEMORY_MB:-500}")
    if ! command -v python3 >/dev/null; then
        echo "bench: python3 not installed; memory rows skipped" >&2
        return 0
    fi
    printf '\npeak RSS against input size (one document, one CSV), beside wc -c:\n'
    printf '%-24s %8s %10s %12s %14s\n' "command" "input" "wall s" "peak RSS" "wc -c RSS"
    for mb in "${sizes[@]}"; do
        local doc="$T/mem-doc.txt" csv="$T/mem.csv" want=$((mb * 1000000))
        cp "$T/seed.txt" "$doc"
        while [ "$(wc -c <"$doc")" -lt "$want" ]; do
            cat "$doc" "$doc" >"$doc.2"
            mv "$doc.2" "$doc"
        done
        head -c "$want" "$doc" >"$doc.2" && mv "$doc.2" "$doc"
        python3 - "$(dirname "$0")/../data/public-record.csv" "$csv" "$want" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
head, body = rows[0], rows[1:]
url = head.index("url")
out = open(sys.argv[2], "w", newline="")
w = csv.writer(out, lineterminator="\n")
w.writerow(head)
i = 0
while out.tell() < int(sys.argv[3]):
    r = list(body[i % len(body)])
    r[url] += "#bench-%d" % (i // 3)
    w.writerow(r)
    i += 1
PY
        local what file wc_rss
        for what in ingest import; do
            file=$doc
            [ "$what" = import ] && file=$csv
            line=$("$RUNRSS" -- wc -c "$file") || { echo "bench: wc -c failed" >&2; exit 1; }
            wc_rss=${line#* rss_kb=}
            wc_rss=${wc_rss%% *}
            rm -f "$T/mem.db" "$T/mem.db-wal" "$T/mem.db-shm"
            line=$("$RUNRSS" -- "$TALLY" "$what" -q --db "$T/mem.db" "$file") ||
                { echo "bench: tally $what of $mb MB failed" >&2; exit 1; }
            local wall=${line#wall=} rss=${line#* rss_kb=}
            printf '%-24s %6s MB %10.2f %9.1f MB %11.1f MB\n' "tally $what" "$mb" "${wall%% *}" \
                "$(awk -v k="${rss%% *}" 'BEGIN { print k / 1024 }')" \
                "$(awk -v k="$wc_rss" 'BEGIN { print k / 1024 }')"
        done
        rm -f "$doc" "$csv" "$T/mem.db" "$T/mem.db-wal" "$T/mem.db-shm"
    done
}
if [ "${BENCH_ONLY:-}" = memory ]; then
    bench_memory
    exit 0
fi

# ---- ingest of many documents on N workers (issue 17) -------------------------

# make_docs DIR MB: a folder of documents of at least MB * 10^6 bytes in all
# (MB may be a fraction): each body of corpus/dev and corpus/train (header
# stripped: files are keyed by path), copy K ending with a line of its own
# so that no two are the same content.
make_docs() {
    python3 - "$1" "$2" "$SHARED"/corpus/dev/*.txt "$SHARED"/corpus/train/*.txt <<'PY'
import os, re, sys
out, want, files = sys.argv[1], float(sys.argv[2]) * 1000000, sys.argv[3:]
bodies = []
for f in files:
    text = open(f, encoding="utf-8", errors="surrogateescape").read()
    if re.match(r"(url|title|outlet|date):", text):  # the header, up to the first blank line
        text = text.split("\n\n", 1)[1] if "\n\n" in text else ""
    bodies.append((os.path.basename(f)[:-4], text))
os.makedirs(out, exist_ok=True)
have, k = 0, 0
while have < want:
    k += 1
    for name, text in bodies:
        data = (text + "\nCopy %d.\n" % k).encode("utf-8", "surrogateescape")
        with open(os.path.join(out, "%s-%d.txt" % (name, k)), "wb") as o:
            o.write(data)
        have += len(data)
PY
}

# The database of one run of bench_jobs: a new file, or (on the server of
# tests/e2e/with_pg.sh: TALLY_TEST_PG set) a new database there.
on_server() {
    [ -n "${TALLY_TEST_PG:-}" ]
}
jobs_db() {
    if on_server; then
        local name="bench_$$_$RANDOM$RANDOM"
        createdb "$name" || exit 1
        echo "postgresql:///$name"
    else
        rm -f "$T/jobs.db" "$T/jobs.db-wal" "$T/jobs.db-shm"
        echo "$T/jobs.db"
    fi
}
drop_jobs_db() {
    if on_server; then
        dropdb --if-exists "${1#postgresql:///}"
    else
        rm -f "$1" "$1-wal" "$1-shm"
    fi
}
# server_cpu: the CPU seconds the server's processes have used so far: the
# postmaster's own and its children's (those it reaped, and those alive),
# from /proc.
server_cpu() {
    local pm
    pm=$(head -n 1 "$PGHOST/data/postmaster.pid" 2>/dev/null) || { echo 0; return; }
    # after the pid and the command: $3 ppid, $13 utime, $14 stime, $15 cutime, $16 cstime
    # (processes come and go meanwhile: cat's failures are not the bench's)
    { cat /proc/[0-9]*/stat 2>/dev/null || true; } | sed 's/^\([0-9]*\) .*) /\1 x /' |
        awk -v pm="$pm" -v hz="$(getconf CLK_TCK)" '
            $1 == pm { t += $14 + $15 + $16 + $17 }
            $4 == pm { t += $14 + $15 }
            END { printf "%.2f", t / hz }'
}

# bench_jobs: tally ingest of a folder with --jobs 1 and --jobs 2,
# interleaved, RUNS times (median), into a new database each run, on SQLite
# or (BENCH_ONLY=jobs-server, inside tests/e2e/with_pg.sh) on PostgreSQL;
# then peak RSS of --jobs 1 and --jobs 2 at two folder sizes (BENCH_JOBS_MB,
# default 8, and four times it): what the workers add must not grow with
# the number of documents. Wall time depends on the machine's load; so on
# SQLite the instructions of each thread are counted too (valgrind's
# callgrind, on BENCH_CG_MB, default 1, of the documents): the speed-up
# they allow on 2 idle cores, whatever the load, is the instructions of
# --jobs 1 over those of --jobs 2's busiest thread, or half its total when
# that is more. BENCH_ONLY=jobs runs this section alone (both backends).
bench_jobs() {
    local mb=${BENCH_JOBS_MB:-8} j r line db backend=SQLite
    if on_server; then
        backend=PostgreSQL
    fi
    local dir="$T/jobs-docs"
    make_docs "$dir" "$mb"
    local bytes ndocs
    bytes=$(cat "$dir"/*.txt | wc -c)
    ndocs=$(find "$dir" -name '*.txt' | wc -l)
    for j in 1 2; do : >"$T/jobs.$j"; done
    local load0
    load0=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')
    for ((r = 0; r < RUNS; r++)); do
        for j in 1 2; do
            db=$(jobs_db)
            local s0=0 s1=0
            if on_server; then s0=$(server_cpu); fi
            line=$("$RUNRSS" -o /dev/null -- "$TALLY" ingest -q --jobs "$j" --db "$db" "$dir") ||
                { echo "bench: ingest --jobs $j failed: $line" >&2; exit 1; }
            if on_server; then s1=$(server_cpu); fi
            drop_jobs_db "$db"
            line=${line#wall=}
            local cpu=${line#* cpu=} rss=${line#* rss_kb=}
            echo "${line%% *} ${cpu%% *} ${rss%% *} $(awk -v a="$s0" -v b="$s1" 'BEGIN { print b - a }')" >>"$T/jobs.$j"
        done
    done
    printf '\ntally ingest of %d documents (%.1f MB) into %s, median of %d runs, load %s at the start:\n' \
        "$ndocs" "$(awk -v b="$bytes" 'BEGIN { print b / 1e6 }')" "$backend" "$RUNS" "$load0"
    printf '%-24s %9s %9s %9s %10s %13s %12s\n' "command" "wall s" "MB/s" "docs/s" "CPU s" \
        "server CPU s" "x --jobs 1"
    local w1
    w1=$(median "$T/jobs.1" 1)
    for j in 1 2; do
        local w c sc=-
        w=$(median "$T/jobs.$j" 1)
        c=$(median "$T/jobs.$j" 2)
        if on_server; then sc=$(median "$T/jobs.$j" 4); fi
        printf '%-24s %9.2f %9.2f %9.0f %10.2f %13s %12.2f\n' "ingest --jobs $j" "$w" \
            "$(awk -v b="$bytes" -v w="$w" 'BEGIN { print (w > 0 ? b / 1e6 / w : 0) }')" \
            "$(awk -v n="$ndocs" -v w="$w" 'BEGIN { print (w > 0 ? n / w : 0) }')" "$c" "$sc" \
            "$(awk -v a="$w1" -v w="$w" 'BEGIN { print (w > 0 ? a / w : 0) }')"
    done
    printf '(target: --jobs 2 >= 1.6x --jobs 1; load %s at the end)\n' \
        "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
    if ! on_server; then
        bench_jobs_threads
    fi
    # memory against the number of documents: the workers' share is the
    # difference of the two (SQLite's page cache grows with the database up
    # to its 64 MB, whatever N)
    local big="$T/jobs-docs4"
    make_docs "$big" $((4 * mb))
    printf '\npeak RSS of tally ingest into %s against the number of documents:\n' "$backend"
    printf '%-12s %9s %14s %14s %14s\n' "folder" "docs" "--jobs 1" "--jobs 2" "difference"
    for d in "$dir" "$big"; do
        local kb1 kb2
        for j in 1 2; do
            db=$(jobs_db)
            line=$("$RUNRSS" -o /dev/null -- "$TALLY" ingest -q --jobs "$j" --db "$db" "$d") ||
                { echo "bench: ingest --jobs $j of $d failed: $line" >&2; exit 1; }
            drop_jobs_db "$db"
            line=${line#* rss_kb=}
            [ "$j" = 1 ] && kb1=${line%% *} || kb2=${line%% *}
        done
        printf '%-12s %9d %11.1f MB %11.1f MB %11.1f MB\n' \
            "$(awk -v b="$(cat "$d"/*.txt | wc -c)" 'BEGIN { printf "%.1f MB", b / 1e6 }')" \
            "$(find "$d" -name '*.txt' | wc -l)" "$(awk -v k="$kb1" 'BEGIN { print k / 1024 }')" \
            "$(awk -v k="$kb2" 'BEGIN { print k / 1024 }')" \
            "$(awk -v a="$kb1" -v b="$kb2" 'BEGIN { print (b - a) / 1024 }')"
    done
    rm -rf "$dir" "$big"
}

# bench_jobs_threads: the instructions of each thread of tally ingest
# --jobs 1 and --jobs 2 into SQLite (callgrind), and the speed-up they
# allow on 2 idle cores.
bench_jobs_threads() {
    if ! command -v valgrind >/dev/null; then
        echo "(valgrind is not installed: no count of instructions by thread)"
        return
    fi
    local dir="$T/cg-docs" j db
    make_docs "$dir" "${BENCH_CG_MB:-1}"
    for j in 1 2; do
        db=$(jobs_db)
        rm -f "$T"/cg.out*
        valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$T/cg.out" \
            "$TALLY" ingest -q --jobs "$j" --db "$db" "$dir" >/dev/null 2>"$T/cg.log" ||
            { echo "bench: callgrind of ingest --jobs $j failed" >&2; tail -n 5 "$T/cg.log" >&2; exit 1; }
        drop_jobs_db "$db"
        # "main busiest total", millions of instructions (thread 1 is the main one)
        grep -h '^totals:' "$T"/cg.out-* | awk '{ v = $2 / 1e6; t += v; if (NR == 1) m = v;
            if (v > b) b = v } END { printf "%.0f %.0f %.0f\n", m, b, t }' >"$T/cg.$j"
    done
    local m1 b1 t1 m2 b2 t2
    read -r m1 b1 t1 <"$T/cg.1"
    read -r m2 b2 t2 <"$T/cg.2"
    printf 'instructions by thread (callgrind, %d documents; the same at any load):\n' \
        "$(find "$dir" -name '*.txt' | wc -l)"
    printf '  --jobs 1: %s M in all\n' "$t1"
    printf '  --jobs 2: %s M in all; main thread (reads, writes) %s M = %.0f %%; busiest thread %s M\n' \
        "$t2" "$m2" "$(awk -v a="$m2" -v t="$t2" 'BEGIN { print 100 * a / t }')" "$b2"
    printf '  speed-up on 2 idle cores: %.2fx (--jobs 1 over the larger of the busiest thread and half the total)\n' \
        "$(awk -v a="$t1" -v b="$b2" -v t="$t2" 'BEGIN { m = (b > t / 2 ? b : t / 2); print a / m }')"
    rm -rf "$dir" "$T"/cg.*
}

# bench_jobs_server: bench_jobs again on a throwaway PostgreSQL cluster
# (tests/e2e/with_pg.sh starts and stops it), or a message when there is none.
bench_jobs_server() {
    local rc=0
    BENCH_ONLY=jobs-server bash "$(dirname "$0")/../tests/e2e/with_pg.sh" "$0" "$TALLY" "$SHARED" ||
        rc=$?
    if [ "$rc" = 77 ]; then
        echo "(PostgreSQL is not installed: no rows for a server; scripts/deps.sh installs it)"
    elif [ "$rc" != 0 ]; then
        echo "bench: ingest on PostgreSQL failed" >&2
        exit 1
    fi
}
if [ "${BENCH_ONLY:-}" = jobs-server ]; then
    bench_jobs
    exit 0
fi
if [ "${BENCH_ONLY:-}" = jobs ]; then
    bench_jobs
    bench_jobs_server
    exit 0
fi

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
    local cpu=${line#* cpu=}
    cpu=${cpu%% *}
    line=${line#* rss_kb=}
    local rss=${line%% *}
    echo "$wall $rss $cpu" >>"$T/$1.$3"
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
printf '%-18s %9s %9s %9s %13s %13s\n' "command" "MB/s" "wall s" "CPU s" "RSS (big)" \
    "RSS (5 MB)"
for name in "${all_rows[@]}"; do
    label_var="LABEL_$name"
    wall=$(median "$T/$name.big" 1)
    printf '%-18s %9s %9.3f %9.3f %13s %13s\n' "${!label_var:-$name}" "$(mbps "$big_bytes" "$wall")" \
        "$wall" "$(median "$T/$name.big" 3)" "$(mb "$(median "$T/$name.big" 2)")" \
        "$(mb "$(median "$T/$name.small" 2)")"
done
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'
}
printf 'throughput as a ratio to wc -w (wall; CPU):\n'
for name in "${ROWS[@]}"; do
    label_var="LABEL_$name"
    printf '  %-18s %s; %s%s\n' "${!label_var:-$name}" \
        "$(ratio "$(median "$T/wc.big" 1)" "$(median "$T/$name.big" 1)")" \
        "$(ratio "$(median "$T/wc.big" 3)" "$(median "$T/$name.big" 3)")" \
        "$([ "$name" = extract ] && echo '   (issues 10, 11: >= 0.2)')"
done
printf 'tally ingest / tally extract throughput: %s\n' \
    "$(ratio "$(median "$T/extract.big" 1)" "$(median "$T/ingest.big" 1)")"
if [ "${BENCH_ONLY:-}" = extract ]; then
    exit 0
fi

bench_jobs
bench_jobs_server
bench_shapes
bench_memory

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


bench_estimate
bench_serve
