#!/usr/bin/env bash
# The one-way rule between stages (scripts/layers.sh): it holds on the
# sources, and the check fails, naming the file and line, when a stage
# includes another stage's private header, reaches into another folder, or
# includes a later stage's public header.
# Usage: layers.sh SOURCE_DIR
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 SOURCE_DIR" >&2
    exit 2
fi
SRC=$(realpath "$1")

# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

run bash "$SRC/scripts/layers.sh" "$SRC"
expect_rc "the sources keep the rule" 0

# broken LINE FILE MESSAGE: a copy of the sources with LINE added to FILE
# (a path under src/) must fail the check with MESSAGE.
broken() {
    rm -rf "$T/copy"
    mkdir -p "$T/copy"
    cp -r "$SRC/src" "$SRC/include" "$T/copy/"
    printf '%s\n' "$1" >>"$T/copy/$2"
    run bash "$SRC/scripts/layers.sh" "$T/copy"
    expect_rc "$3: exit status" 1
    expect_err_has "$3: names the include" "$2:"
}

broken '#include "header.h"' src/store/store.c "another stage's private header"
expect_err_has "private header: says why" "is not a header of src/store/"
broken '#include "../read/header.h"' src/pipeline/ingest.c "a relative path"
expect_err_has "relative path: says why" "a path into another folder"
broken '#include "extract/extract.h"' src/present/view.c "a path into extract"
broken '#include "tally/estimate.h"' src/store/query.c "a later stage's public header"
expect_err_has "later stage: says which" "tally/estimate.h of estimate"
broken '#include "tally/present.h"' include/tally/store.h "a public header of a later stage"
broken '#include "tally/store.h"' src/model/claim.c "the model including the store"

# and the include paths: a stage cannot even find another's private header
if command -v cc >/dev/null 2>&1; then
    printf '#include "header.h"\n' >"$T/probe.c"
    run cc -fsyntax-only -I "$SRC/include" -I "$SRC/src/store" "$T/probe.c"
    if [ "$rc" -ne 0 ]; then pass; else fail "store's include path hides read's header.h" "it compiled"; fi
fi

finish
