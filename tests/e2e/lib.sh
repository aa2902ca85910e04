# Shared by the end-to-end test scripts: their arguments, a temporary
# folder, counters, checks, and a tally server to query. Source it first;
# it defines T (removed on exit, with any server started). Each check prints
# "FAIL name" with details when it fails; finish prints "N passed, N failed"
# and returns non-zero when any failed.

T=$(mktemp -d)
PID=
trap 'stop_server; rm -rf "$T"' EXIT

# e2e_args MAX USAGE ARGS...: the arguments of a script that takes TALLY and
# SOURCE_DIR, then up to MAX in all (USAGE names them for the message;
# exit 2 otherwise). Sets TALLY (absolute), SRC, SHARED (TALLY_SHARED, else
# SOURCE_DIR/../shared) and unsets TALLY_DB, which would redirect commands.
e2e_args() {
    local max=$1 usage=$2
    shift 2
    if [ $# -lt 2 ] || [ $# -gt "$max" ]; then
        echo "usage: $0 $usage" >&2
        exit 2
    fi
    TALLY=$(realpath "$1")
    SRC=$2
    SHARED=${TALLY_SHARED:-$SRC/../shared}
    unset TALLY_DB
}

# skip_without_corpus DIR: a script that needs the documents of DIR (the
# development corpus in ../shared, absent from a user's clone) stops here
# with exit status 77, which CTest reports as skipped, and says why.
skip_without_corpus() {
    local docs
    docs=$(find "$1" -maxdepth 1 -name '*.txt' 2>/dev/null | head -n 1)
    if [ -z "$docs" ]; then
        echo "skip: no documents in $1 (../shared beside the checkout, or set TALLY_SHARED)"
        exit 77
    fi
}

# e2e_needs TOOL...: exit 1 with a message when a tool is not installed.
e2e_needs() {
    local tool
    for tool in "$@"; do
        if ! command -v "$tool" >/dev/null; then
            echo "$(basename "$0"): $tool is needed (scripts/deps.sh installs it)" >&2
            exit 1
        fi
    done
}

# to_schema3 DB: makes a database of this tally one of schema 3, as a tally
# from before the estimator's indexes (schema 4), the events (schema 5) and
# what the web keeps (schema 6) wrote it.
to_schema3() {
    sqlite3 "$1" "DROP TRIGGER claim_items_delete; DROP TRIGGER claim_items_update;
        CREATE TABLE claim_items_3 (item TEXT NOT NULL, date TEXT NOT NULL,
          claim_id INTEGER NOT NULL, PRIMARY KEY (item, date, claim_id)) STRICT, WITHOUT ROWID;
        INSERT INTO claim_items_3 SELECT item, date, claim_id FROM claim_items;
        DROP TABLE claim_items; ALTER TABLE claim_items_3 RENAME TO claim_items;
        DROP INDEX documents_id_name; DROP TABLE events; DROP TABLE feed_items;
        DROP TABLE http_validators; DROP TABLE raw_pages; PRAGMA user_version = 3;"
}

# ---- the backend under test ---------------------------------------------------
# The same checks run on SQLite and on PostgreSQL: tests/e2e/with_pg.sh runs
# a script against a throwaway server with TALLY_TEST_PG=1 (and PGHOST,
# PGPORT, PGUSER, PGPASSWORD naming it). A script takes its databases from
# new_db, queries them with sql, and keeps what only an SQLite file has
# (PRAGMAs, a file cut short) behind on_sqlite.
on_pg() {
    [ -n "${TALLY_TEST_PG:-}" ]
}
on_sqlite() {
    ! on_pg
}

# new_db NAME: prints a new, empty database's location: $T/NAME.db, or a
# database made on the server (postgresql:///NAME_...).
new_db() {
    if on_pg; then
        local name
        name="t_${1//[^a-z0-9]/_}_$(date +%s%N)_$RANDOM"
        createdb "$name" >&2 || exit 1
        echo "postgresql:///$name"
    else
        echo "$T/$1.db"
    fi
}

# drop_db DB: removes a database of new_db (an SQLite file with its WAL).
drop_db() {
    if on_pg; then
        dropdb --if-exists "${1#postgresql:///}" >&2
    else
        rm -f "$1" "$1-wal" "$1-shm"
    fi
}

# sql DB QUERY: the rows of QUERY, '|' between columns, as sqlite3 prints them.
sql() {
    if on_pg; then
        psql -X -A -t -q -v ON_ERROR_STOP=1 -d "${1#postgresql:///}" -c "$2"
    else
        sqlite3 "$1" "$2"
    fi
}

passed=0
failed=0
skipped=0
HAVE_JQ=0
command -v jq >/dev/null 2>&1 && HAVE_JQ=1

pass() {
    passed=$((passed + 1))
}

# fail NAME WHY: prints the failure with the last command's stderr.
fail() {
    failed=$((failed + 1))
    printf 'FAIL %s: %s\n' "$1" "$2"
    if [ -s "$T/err" ]; then
        head -n 5 "$T/err" | sed 's/^/  stderr: /'
    fi
}

skip() {
    skipped=$((skipped + 1))
    printf 'skip %s: %s\n' "$1" "$2"
}

# run CMD...: runs with stdin from /dev/null; sets $rc, $T/out and $T/err.
run() {
    "$@" </dev/null >"$T/out" 2>"$T/err"
    rc=$?
}

# run_in FILE CMD...: the same with stdin from FILE.
run_in() {
    local in=$1
    shift
    "$@" <"$in" >"$T/out" 2>"$T/err"
    rc=$?
}

expect_rc() {
    if [ "$rc" -eq "$2" ]; then pass; else fail "$1" "exit status $rc, want $2"; fi
}

expect_out_has() {
    if grep -qF -- "$2" "$T/out"; then pass; else fail "$1" "stdout lacks '$2'"; fi
}

expect_err_has() {
    if grep -qF -- "$2" "$T/err"; then pass; else fail "$1" "stderr lacks '$2'"; fi
}

expect_out_empty() {
    if [ ! -s "$T/out" ]; then pass; else fail "$1" "stdout not empty: $(head -c 200 "$T/out")"; fi
}

expect_out_nonempty() {
    if [ -s "$T/out" ]; then pass; else fail "$1" "stdout empty"; fi
}

expect_err_nonempty() {
    if [ -s "$T/err" ]; then pass; else fail "$1" "stderr empty"; fi
}

expect_eq() {
    if [ "$2" = "$3" ]; then pass; else fail "$1" "got '$2', want '$3'"; fi
}

# expect_jq NAME FILTER: the JSON on stdout satisfies FILTER (jq -e -s).
expect_jq() {
    if jq -e -s "$2" "$T/out" >/dev/null 2>&1; then pass; else fail "$1" "$2 on $(head -c 300 "$T/out")"; fi
}

# ---- checks of a server's answers ------------------------------------------------

# get PATH [CURL ARGS...]: the body in $T/out, the status in $code, the
# headers in $T/head.
get() {
    local path=$1
    shift
    code=$(curl -s -o "$T/out" -D "$T/head" -w '%{http_code}' "$@" "${URL%/}$path")
}

expect_code() {
    if [ "$code" = "$2" ]; then pass; else fail "$1" "HTTP $code, want $2: $(head -c 200 "$T/out")"; fi
}

# expect_json NAME FILTER: the body satisfies FILTER (jq -e; an empty body,
# which jq -e accepts, does not).
expect_json() {
    if [ -s "$T/out" ] && jq -e "$2" "$T/out" >/dev/null 2>&1; then
        pass
    else
        fail "$1" "$2 on HTTP ${code:-?}: $(head -c 300 "$T/out")"
    fi
}

# expect_same NAME FILE_A FILE_B: the same JSON values (key order aside).
expect_same() {
    if diff <(jq -S . "$2") <(jq -S . "$3") >"$T/diff" 2>&1; then
        pass
    else
        fail "$1" "differs from the command line: $(head -n 6 "$T/diff" | tr '\n' ' ')"
    fi
}

# expect_error NAME CODE TEXT: an error response with TEXT in its message.
expect_error() {
    expect_code "$1" "$2"
    if jq -e --arg t "$3" '.error | type == "string" and contains($t)' "$T/out" >/dev/null 2>&1; then
        pass
    else
        fail "$1" "no error message with '$3': $(head -c 200 "$T/out")"
    fi
}

# finish: the summary line; the script's exit status.
finish() {
    [ "$skipped" -gt 0 ] && echo "($skipped skipped)"
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}

# ---- tally serve in the background ------------------------------------------------

# start_server DB ARGS...: tally serve on DB on any free port, in the
# background (through the command in SERVE_AS, when set: another user);
# sets PID and URL from the address it prints (URL empty when it did not
# start). stop_server stops it (SIGTERM) and waits.
SERVE_AS=()
start_server() {
    local db=$1
    shift
    "${SERVE_AS[@]}" "$TALLY" serve --db "$db" --port 0 "$@" >"$T/serve.out" 2>"$T/serve.err" &
    PID=$!
    URL=
    for _ in $(seq 1 100); do
        URL=$(grep -o 'http://[^ ]*/' "$T/serve.out" 2>/dev/null)
        [ -n "$URL" ] && break
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.05
    done
}

stop_server() {
    if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
        kill -TERM "$PID" 2>/dev/null
        wait "$PID" 2>/dev/null
    fi
    PID=
}

# ---- the test web (tests/e2e/fetch-server.py) --------------------------------------

# start_web: the test web on 127.0.0.1, on a free port, in the background,
# with any proxy of the environment cleared (it would take loopback
# requests elsewhere); sets PID, PORT and W (http://127.0.0.1:PORT), W2
# (the second site, http://127.0.0.2:PORT2, that redirects lead to), and
# WLOG, the server's log of requests ("REQ SECONDS PATH IF-NONE-MATCH
# IF-MODIFIED-SINCE" lines, "REQ2 ..." for W2). Exits 1 when it does not
# start.
start_web() {
    unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy
    export no_proxy=127.0.0.1,127.0.0.2 NO_PROXY=127.0.0.1,127.0.0.2
    WLOG=$T/server.err
    python3 "$SRC/tests/e2e/fetch-server.py" >"$T/server.out" 2>"$WLOG" &
    PID=$!
    PORT=
    for _ in $(seq 1 100); do
        PORT=$(sed -n 's/^port \([0-9]*\)$/\1/p' "$T/server.out")
        [ -n "$PORT" ] && break
        sleep 0.05
    done
    if [ -z "$PORT" ]; then
        echo "FAIL: the test server did not start: $(cat "$WLOG")"
        exit 1
    fi
    W=http://127.0.0.1:$PORT
    W2=$(sed -n 's/^other \(http:.*\)$/\1/p' "$T/server.out")
}

# asked PATH [SITE]: how many times the test web (SITE 2: the second site)
# was asked for PATH.
asked() {
    grep -c "^REQ${2:-} [0-9.]* $1 " "$WLOG"
}
