#!/usr/bin/env bash
# Runs each libFuzzer target built in BUILD_DIR for SECONDS (make fuzz).
# Usage: run.sh BUILD_DIR SECONDS [TARGET...]   (default: every fuzz_* target)
#
# A target fuzz_X starts from a copy of its seeds tests/fuzz/corpus/X in
# BUILD_DIR/corpus-X, where new interesting inputs stay (the repository's seed
# corpus is never written). Crashes, leaks, timeouts and OOMs are written to
# BUILD_DIR/artifacts-X/; the log is BUILD_DIR/fuzz-X.log. The exit status is
# non-zero when any target failed. Extra libFuzzer flags: FUZZ_FLAGS.
set -u

if [ $# -lt 2 ]; then
    echo "usage: $0 BUILD_DIR SECONDS [TARGET...]" >&2
    exit 2
fi
BUILD=$1
SECONDS_EACH=$2
shift 2
SRC=$(cd "$(dirname "$0")/../.." && pwd)
MAX_LEN=${FUZZ_MAX_LEN:-4096}

targets=()
if [ $# -gt 0 ]; then
    for name in "$@"; do
        targets+=("$BUILD/${name#"$BUILD"/}")
    done
else
    for t in "$BUILD"/fuzz_*; do
        [ -f "$t" ] && [ -x "$t" ] && targets+=("$t")
    done
fi
if [ ${#targets[@]} -eq 0 ]; then
    echo "fuzz: no fuzz_* targets in $BUILD (configure with -DTALLY_LIBFUZZER=ON)" >&2
    exit 1
fi

passed=0
failed=0
for t in "${targets[@]}"; do
    name=$(basename "$t")
    short=${name#fuzz_}
    corpus="$BUILD/corpus-$short"
    artifacts="$BUILD/artifacts-$short"
    log="$BUILD/fuzz-$short.log"
    mkdir -p "$corpus" "$artifacts"
    if [ -d "$SRC/tests/fuzz/corpus/$short" ]; then
        # -n: keep what earlier runs found; seeds are copied, never linked.
        find "$SRC/tests/fuzz/corpus/$short" -maxdepth 1 -type f ! -name '.*' \
            -exec cp -n {} "$corpus/" \;
    else
        echo "fuzz: $name: no seeds in tests/fuzz/corpus/$short; starting empty" >&2
    fi
    before=$(find "$artifacts" -type f | wc -l)
    # Leaks are reported by ASan at exit of each input (-detect_leaks=1).
    "$t" -max_total_time="$SECONDS_EACH" -max_len="$MAX_LEN" -timeout=10 -rss_limit_mb=2048 \
        -detect_leaks=1 -print_final_stats=1 -artifact_prefix="$artifacts/" ${FUZZ_FLAGS:-} \
        "$corpus" >"$log" 2>&1
    rc=$?
    after=$(find "$artifacts" -type f | wc -l)
    execs=$(grep -m 1 'stat::number_of_executed_units' "$log" | awk '{ print $2 }')
    size=$(find "$corpus" -type f | wc -l)
    if [ "$rc" -eq 0 ] && [ "$after" -eq "$before" ]; then
        passed=$((passed + 1))
        printf 'fuzz %-16s ok: %s runs in %ss, corpus %s inputs\n' "$name" "${execs:-?}" \
            "$SECONDS_EACH" "$size"
    else
        failed=$((failed + 1))
        printf 'fuzz %-16s FAILED (exit %s): see %s\n' "$name" "$rc" "$log"
        grep -E '^(==[0-9]+==ERROR|SUMMARY:|.*runtime error:)' "$log" | head -n 5 | sed 's/^/  /'
        ls -t "$artifacts" | head -n 5 | sed "s|^|  artifact: $artifacts/|"
    fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
