# Thin wrapper over CMake. Build trees live under build/.
#   make            release build: build/release/tally (and ./tally link)
#   make check      all tests: gcc under ASan+UBSan, clang (release), format check
#   make peer       figures against the other projects' suites (../shared/peer)
#   make bench      throughput and memory beside `wc -w`
#   make fuzz       each libFuzzer target for FUZZ_SECONDS (default 60)
#   make tsan       clang's ThreadSanitizer on the --jobs tests (e2e_jobs, and on
#                   PostgreSQL when installed); not part of make check
#   make demo       the main job: the bundled record and examples into build/demo.db, estimates, contradictions, build/demo-report.html
#   make model      retrain the extractor's bundled models (data/extract-model.bin, data/events-model.bin) on ../shared/corpus
SHELL := /bin/bash
JOBS ?= $(shell nproc)
CMAKE ?= cmake
SHARED ?= $(abspath ../shared)
FUZZ_SECONDS ?= 60

.PHONY: all release debug asan tsan clang check test format format-check peer bench fuzz demo model clean

all: release
	@ln -sf build/release/tally tally

release:
	@$(CMAKE) -S . -B build/release -DCMAKE_BUILD_TYPE=release -DCMAKE_C_COMPILER=gcc >/dev/null
	@$(CMAKE) --build build/release -j $(JOBS)

debug:
	@$(CMAKE) -S . -B build/debug -DCMAKE_BUILD_TYPE=debug -DCMAKE_C_COMPILER=gcc >/dev/null
	@$(CMAKE) --build build/debug -j $(JOBS)

asan:
	@$(CMAKE) -S . -B build/asan -DCMAKE_BUILD_TYPE=asan -DCMAKE_C_COMPILER=gcc >/dev/null
	@$(CMAKE) --build build/asan -j $(JOBS)

# The worker threads of --jobs under ThreadSanitizer (halt on the first
# report): tally ingest and extract over many documents, on SQLite and
# (when installed) PostgreSQL.
tsan:
	@$(CMAKE) -S . -B build/tsan -DCMAKE_BUILD_TYPE=tsan -DCMAKE_C_COMPILER=clang >/dev/null
	@$(CMAKE) --build build/tsan -j $(JOBS) --target tally
	@rm -f build/tsan/tsan.*
	@cd build/tsan && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:log_path=$(CURDIR)/build/tsan/tsan \
	  ctest --output-on-failure -R '^e2e_jobs(_pg)?$$'
	@if ls build/tsan/tsan.* >/dev/null 2>&1; then cat build/tsan/tsan.*; exit 1; fi
	@echo "tsan: no report"

clang:
	@$(CMAKE) -S . -B build/clang -DCMAKE_BUILD_TYPE=release -DCMAKE_C_COMPILER=clang >/dev/null
	@$(CMAKE) --build build/clang -j $(JOBS)

# The test command of the README: every test under gcc+ASan+UBSan, then the
# same suite built by clang, then the formatting check. The suites run
# again on PostgreSQL (*_pg: a throwaway cluster each) run once, under ASan.
check: all asan clang format-check
	@cd build/asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS)
	@cd build/clang && ctest --output-on-failure -j $(JOBS) -E '_pg$$'

test: check

format:
	@clang-format -i $$(git ls-files 'src/*.[ch]' 'include/*.h' 'tests/*.[ch]')

format-check:
	@clang-format --dry-run --Werror $$(git ls-files 'src/*.[ch]' 'include/*.h' 'tests/*.[ch]')

peer: release
	@build/release/tally_peer $(SHARED)/peer tests/peer/disagreements.tsv

bench: release
	@bash bench/bench.sh build/release/tally $(SHARED)

fuzz:
	@$(CMAKE) -S . -B build/fuzz -DCMAKE_BUILD_TYPE=debug -DCMAKE_C_COMPILER=clang -DTALLY_LIBFUZZER=ON >/dev/null
	@$(CMAKE) --build build/fuzz -j $(JOBS)
	@bash tests/fuzz/run.sh build/fuzz $(FUZZ_SECONDS)

demo: all
	@bash scripts/flagship.sh ./tally build/demo.db

# The learned layer's bundled model: trained on every document of the shared
# corpora (after a 5-fold cross-validation by document, whose scores it
# prints), recorded in the model with this command, compiled into tally.
# Deterministic: the same corpora and code give the same bytes.
MODEL_CMD = build/release/tally train --folds 5 -o data/extract-model.bin ../shared/corpus/dev ../shared/corpus/train
EVENTS_MODEL_CMD = build/release/tally train --events --folds 5 -o data/events-model.bin ../shared/corpus/dev ../shared/corpus/train
model: release
	@$(MODEL_CMD)
	@$(EVENTS_MODEL_CMD)
	@$(MAKE) --no-print-directory all

clean:
	rm -rf build tally
