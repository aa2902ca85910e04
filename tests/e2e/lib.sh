# Shared by the end-to-end test scripts: a temporary folder, counters and
# checks. Source it after setting nothing; it defines T (removed on exit).
# Each check prints "FAIL name" with details when it fails; finish prints
# "N passed, N failed" and returns non-zero when any failed.

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

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
PID=
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
