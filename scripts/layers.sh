#!/usr/bin/env bash
# The one-way rule between tally's stages, checked on the sources:
#
#   base <- model <- read <- extract <- store <- pipeline, estimate <- present <- cli
#
# A file of src/STAGE/ (and a public header of STAGE) may include
#   - the public headers (include/tally/*.h) of STAGE and of the stages
#     before it, as "tally/NAME.h";
#   - its own stage's private headers and generated files by bare name
#     ("scan.h", "actor_table.inc"), which exist in src/STAGE/ or are
#     generated into build/gen/STAGE/ (listed below);
#   - system headers, <...>.
# Nothing else: no relative paths ("../read/header.h", "read/header.h"), no
# private header of another stage, no public header of a later stage. The
# build gives each stage only its own folders and include/ (CMakeLists.txt),
# so most mistakes fail to compile; this catches the rest, and the build
# runs it (target `layers`) as does `make check` (test `layers`).
#
# Usage: layers.sh SOURCE_DIR   (exit 0 when the rule holds, 1 with a list of
# each include that breaks it, "FILE:LINE: ...")
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 SOURCE_DIR" >&2
    exit 2
fi
cd "$1"

# The stages in order; a stage may include itself and those before it.
# pipeline and estimate both follow store, and neither uses the other.
stages=(base model read extract store pipeline estimate present cli)
declare -A allowed=(
    [base]="base"
    [model]="base model"
    [read]="base model read"
    [extract]="base model read extract"
    [store]="base model read extract store"
    [pipeline]="base model read extract store pipeline"
    [estimate]="base model read extract store estimate"
    [present]="base model read extract store estimate present"
    [cli]="base model read extract store pipeline estimate present cli"
)
# Who owns each public header. A new header is added here, or the check fails.
declare -A owner=(
    [ascii]=base [err]=base [json]=base [mem]=base [utf8]=base [visible]=base [pool]=base
    [claim]=model [date]=model [field]=model [event]=model [number]=model
    [doc]=read [segment]=read [fetch]=read
    [actor]=extract [extract]=extract [figure]=extract [when]=extract [learn]=extract
    [score]=extract
    [store]=store
    [import]=pipeline [ingest]=pipeline
    [estimate]=estimate [rank]=estimate [event_check]=estimate
    [present]=present [serve]=present
)
# Files generated into build/gen/STAGE/ that the stage includes by name.
declare -A generated=(
    [model]="currencies.inc"
    [extract]="whenwords.inc actor_table.inc"
)

fail=0
problem() {
    echo "layers: $1" >&2
    fail=1
}

# check FILE STAGE: every #include of FILE against the rule for STAGE.
check() {
    local file=$1 stage=$2 line no name h
    no=0
    while IFS= read -r line || [ -n "$line" ]; do
        no=$((no + 1))
        [[ $line =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*(.*)$ ]] || continue
        name=${BASH_REMATCH[1]}
        case $name in
        \<*) continue ;;
        \"tally/*.h\"*)
            h=${name#\"tally/}
            h=${h%%.h\"*}
            if [ -z "${owner[$h]+x}" ]; then
                problem "$file:$no: include/tally/$h.h has no stage in scripts/layers.sh"
            elif [[ " ${allowed[$stage]} " != *" ${owner[$h]} "* ]]; then
                problem "$file:$no: $stage includes tally/$h.h of $(echo "${owner[$h]}"), a later stage"
            fi
            ;;
        \"*\"*)
            h=${name#\"}
            h=${h%%\"*}
            if [[ $h == */* ]]; then
                problem "$file:$no: \"$h\": a path into another folder; include public headers as \"tally/NAME.h\""
            elif [ ! -e "src/$stage/$h" ] && [[ " ${generated[$stage]:-} " != *" $h "* ]]; then
                problem "$file:$no: \"$h\" is not a header of src/$stage/ (another stage's private header?)"
            fi
            ;;
        *) problem "$file:$no: an include of neither \"...\" nor <...>: $name" ;;
        esac
    done <"$file"
}

for stage in "${stages[@]}"; do
    [ -d "src/$stage" ] || continue
    while IFS= read -r -d '' f; do
        check "$f" "$stage"
    done < <(find "src/$stage" -type f \( -name '*.c' -o -name '*.h' -o -name '*.gperf' \) -print0)
done
for f in include/tally/*.h; do
    h=$(basename "$f" .h)
    if [ -z "${owner[$h]+x}" ]; then
        problem "$f: a public header with no stage in scripts/layers.sh"
        continue
    fi
    check "$f" "${owner[$h]}"
done
# Every folder of src/ is a stage.
for d in src/*/; do
    d=${d%/}
    d=${d#src/}
    [ -n "${allowed[$d]+x}" ] || problem "src/$d: a folder that is no stage of scripts/layers.sh"
done
exit $fail
