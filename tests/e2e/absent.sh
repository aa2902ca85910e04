#!/usr/bin/env bash
# make check on a user's clone: no ../shared beside it (TALLY_SHARED points at
# nothing) and no browser packages yet. The tests that need them skip (exit
# status 77, CTest's skip) and say why, instead of failing.
# Usage: absent.sh TALLY SOURCE_DIR TALLY_PEER UNIT_TEST
set -u
E2E=$(dirname "$(realpath "$0")")
# shellcheck source=tests/e2e/lib.sh
. "$E2E/lib.sh"
e2e_args 4 "TALLY SOURCE_DIR TALLY_PEER UNIT_TEST" "$@"
[ $# -eq 4 ] || e2e_args 0 "TALLY SOURCE_DIR TALLY_PEER UNIT_TEST"
SRC=$(realpath "$SRC")
PEER=$(realpath "$3")
UNIT=$(realpath "$4")

export TALLY_SHARED=$T/no-shared-here

# expect_skip NAME: the last command exited 77 and said why on stdout.
expect_skip() {
    if [ "$rc" -eq 77 ] && grep -q '^skip: ' "$T/out"; then
        pass
    else
        fail "$1" "exit status $rc, want 77 with 'skip: ...': $(head -c 200 "$T/out")"
    fi
}

run bash "$E2E/store.sh" "$TALLY" "$SRC"
expect_skip "e2e_store without ../shared"
run bash "$E2E/crash.sh" "$TALLY" "$SRC" 1
expect_skip "e2e_crash without ../shared"
run bash "$E2E/score.sh" "$TALLY" "$SRC/../shared" 0.90
expect_skip "score_dev without ../shared"
run "$PEER" --check "$TALLY_SHARED/peer" "$SRC/tests/peer/disagreements.tsv"
expect_skip "peer without ../shared"

# a unit test with corpus checks runs the rest and skips those
run "$UNIT"
expect_rc "unit test without ../shared exit" 0
expect_err_has "unit test says what it skipped" "skipped: "

# the browser tests before scripts/deps.sh: a checkout without
# web/node_modules (a copy of the runner and the folder layout it reads)
mkdir -p "$T/clone/tests/browser" "$T/clone/web"
cp "$SRC/tests/browser/run.sh" "$T/clone/tests/browser/"
run bash "$T/clone/tests/browser/run.sh" "$TALLY" "$T/clone"
expect_skip "browser tests before deps.sh"
expect_out_has "browser skip names what is missing" "node_modules/playwright-core is missing"

finish
