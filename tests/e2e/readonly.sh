#!/usr/bin/env bash
# tally on a database it cannot write. Readers open it read-only (mode=ro)
# and never write: in a read-only directory (checked as a user who may not
# write it: this one unless root, else nobody through setpriv) and on a
# read-only mount (a bind mount in a user namespace, when unshare may make
# one), every reading command answers as it does on a writable copy, tally
# serve serves it, and no file appears beside the database. A WAL database
# whose directory its owner may still write is refused with a message (it
# could change under a reader that cannot see the WAL). An empty file is no
# database to a reader, and stays empty; an older schema is left for a
# writer to upgrade.
# Usage: readonly.sh TALLY SOURCE_DIR   (needs curl, jq and sqlite3)
set -u
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"
e2e_args 2 "TALLY SOURCE_DIR" "$@"
e2e_needs curl jq sqlite3
chmod 755 "$T" # the reader below may be another user

trap 'stop_server; chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT

# as_reader CMD...: CMD as a user who may not write a directory without
# write permission (root may).
READER=()
if [ "$(id -u)" -eq 0 ]; then
    if command -v setpriv >/dev/null &&
        setpriv --reuid=65534 --regid=65534 --clear-groups "$TALLY" --version >/dev/null 2>&1; then
        READER=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    else
        READER=(none)
    fi
fi
as_reader() {
    "${READER[@]}" "$@"
}

mkdir "$T/rw"
DB=$T/rw/tally.db
"$TALLY" import -q --db "$DB" >/dev/null 2>&1
"$TALLY" ingest -q --db "$DB" "$SRC/examples" >/dev/null 2>&1
chmod 644 "$DB"

# the answers on the writable copy (readers there leave an empty -wal and
# the -shm beside it, which SQLite makes for any reader of a WAL database)
COMMANDS=("claims --format jsonl" "docs" "sources --format jsonl" "estimate --all --format json"
    "clusters --format jsonl" "check --format jsonl")
i=0
for c in "${COMMANDS[@]}"; do
    # shellcheck disable=SC2086
    "$TALLY" $c --db "$DB" >"$T/want.$i" 2>/dev/null
    i=$((i + 1))
done
if [ -s "$T/want.0" ]; then pass; else fail "the writable copy has claims" "none"; fi

# check_readers DB WHERE RUNNER...: every command through RUNNER on DB
# gives the answer of the writable copy; tally report writes its page.
check_readers() {
    local db=$1 where=$2 i=0
    shift 2
    for c in "${COMMANDS[@]}"; do
        # shellcheck disable=SC2086
        "$@" "$TALLY" $c --db "$db" >"$T/got" 2>"$T/err"
        rc=$?
        if [ "$rc" -eq 0 ] && cmp -s "$T/got" "$T/want.$i"; then
            pass
        else
            fail "$where: tally $c" "exit $rc, $(wc -l <"$T/got") lines, want $(wc -l <"$T/want.$i")"
        fi
        i=$((i + 1))
    done
    "$@" "$TALLY" report --db "$db" -o - >"$T/got" 2>"$T/err"
    rc=$?
    if [ "$rc" -eq 0 ] && grep -q '</html>' "$T/got"; then pass; else fail "$where: tally report" "exit $rc"; fi
}

# ---- a read-only directory ---------------------------------------------------------------

if [ "${READER[0]:-}" = none ]; then
    skip "a read-only directory" "running as root without setpriv: root writes any directory"
else
    mkdir "$T/ro"
    cp "$DB" "$T/ro/tally.db"
    chmod 555 "$T/ro"
    check_readers "$T/ro/tally.db" "read-only directory" as_reader
    SERVE_AS=("${READER[@]}")
    start_server "$T/ro/tally.db"
    if [ -n "$URL" ]; then
        code=$(curl -s -o "$T/out" -w '%{http_code}' "${URL}api/claims?limit=1000")
        n=$(jq '.claims | length' "$T/out" 2>/dev/null)
        want=$(wc -l <"$T/want.0")
        if [ "$code" = 200 ] && [ "$n" -eq "$((want < 1000 ? want : 1000))" ]; then
            pass
        else
            fail "read-only directory: tally serve answers" "HTTP $code, $n claims"
        fi
        code=$(curl -s -o "$T/out" -w '%{http_code}' "${URL}api/flows")
        if [ "$code" = 200 ]; then pass; else fail "read-only directory: /api/flows" "HTTP $code"; fi
    else
        fail "read-only directory: tally serve starts" "$(cat "$T/serve.err")"
    fi
    stop_server
    if [ "$(ls -A "$T/ro")" = tally.db ]; then pass; else fail "read-only directory: nothing written" "$(ls -A "$T/ro" | tr '\n' ' ')"; fi

    # the same with the -wal and -shm an earlier reader left (not the reader's to write)
    chmod 755 "$T/ro"
    "$TALLY" claims --db "$T/ro/tally.db" >/dev/null 2>&1
    chmod 555 "$T/ro"
    as_reader "$TALLY" claims --format jsonl --db "$T/ro/tally.db" >"$T/got" 2>"$T/err"
    if cmp -s "$T/got" "$T/want.0"; then pass; else fail "read-only directory with -wal and -shm: claims" "$(cat "$T/err")"; fi

    # a directory its owner may write: a writer could come, the reader would
    # not see its WAL: refused, with the reason
    mkdir "$T/owned"
    cp "$DB" "$T/owned/tally.db"
    chmod 755 "$T/owned"
    if [ "$(id -u)" -ne 0 ]; then
        chmod 555 "$T/owned" # not root: a directory of one's own cannot be made "others'" here
        skip "a directory only its owner may write" "needs root (to read it as another user)"
    else
        as_reader "$TALLY" claims --db "$T/owned/tally.db" >/dev/null 2>"$T/err"
        rc=$?
        expect_rc "a directory only its owner may write: refused" 1
        expect_err_has "... with the reason" "a WAL database needs its -shm file"
    fi
fi

# ---- a read-only mount ----------------------------------------------------------------------

mkdir "$T/mnt"
cp "$DB" "$T/mnt/tally.db"
chmod 755 "$T/mnt"
if unshare -rm true 2>/dev/null; then
    # shellcheck disable=SC2016
    in_ro_mount() {
        unshare -rm bash -c 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"' \
            "$T/mnt" "$@"
    }
    if in_ro_mount touch "$T/mnt/probe" 2>/dev/null; then
        skip "a read-only mount" "the bind mount is not read-only here"
    else
        check_readers "$T/mnt/tally.db" "read-only mount" in_ro_mount
        if [ "$(ls -A "$T/mnt")" = tally.db ]; then pass; else fail "read-only mount: nothing written" "$(ls -A "$T/mnt" | tr '\n' ' ')"; fi
    fi
else
    skip "a read-only mount" "unshare cannot make a user and mount namespace here"
fi

# ---- an older schema: upgraded by writers only ------------------------------------------------

cp "$DB" "$T/old.db"
sqlite3 "$T/old.db" 'PRAGMA user_version = 1' 2>/dev/null
before=$(cksum <"$T/old.db")
run "$TALLY" claims --db "$T/old.db"
expect_rc "an older schema: a reader refuses" 1
expect_err_has "an older schema: says who upgrades it" "older than this tally's"
if [ "$(cksum <"$T/old.db")" = "$before" ]; then pass; else fail "an older schema: left as it was" "changed"; fi

# ---- an empty file -------------------------------------------------------------------------------

: >"$T/empty.db"
for c in claims docs sources "estimate --all" "report -o -"; do
    # shellcheck disable=SC2086
    run "$TALLY" $c --db "$T/empty.db"
    expect_rc "an empty file: tally $c" 1
    expect_err_has "an empty file: tally $c says so" "an empty file, not yet a tally database"
done
if [ ! -s "$T/empty.db" ]; then pass; else fail "an empty file stays empty" "$(stat -c %s "$T/empty.db") bytes"; fi

finish
