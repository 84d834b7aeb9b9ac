# The charity transparency ledger. `make run` and `make test` work on a fresh
# Debian machine: both install what is missing first (tools/setup.sh).
BUILD ?= build
JOBS ?= $(shell nproc)
DATA ?= data
LISTEN ?= 127.0.0.1:8080
ORIGIN ?= huicheng.example/charity-ledger

.PHONY: setup build test test-plain test-cpp test-tsan test-allocator bench run clean fuzz fuzz-build fuzz-smoke test-sanitize

setup:
	@bash tools/setup.sh

$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: setup $(BUILD)/Makefile
	cmake --build $(BUILD) -j$(JOBS)

# Every test. The C++ is built once, under AddressSanitizer and UBSan, without
# optimisation (build-asan: about as fast to compile as the -O2 build, which
# sanitizers at -O2 are not), and that build runs everything: the C++ suites
# (ctest), the site's Node and Chromium tests against its ledgerd, then each
# fuzzer briefly, the log's threads under ThreadSanitizer and the programs'
# allocator (test-allocator).
# `make test-plain` runs the C++ suites on the -O2 build instead, for a quick loop.
SAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
SAN_ENV = ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

test: setup
	cmake -S . -B $(SAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g1 -DLEDGER_SANITIZE=ON > /dev/null
	cmake --build $(SAN_BUILD) -j$(JOBS)
	cd $(SAN_BUILD) && $(SAN_ENV) ctest -j$(JOBS) --output-on-failure --timeout 900 -LE fuzz
	@if [ -f package.json ]; then $(SAN_ENV) LEDGER_BIN_DIR=$(SAN_BUILD)/bin E2E_REQUIRE_LEDGERD=1 npm test; fi
	$(MAKE) fuzz-smoke
	$(MAKE) test-tsan
	$(MAKE) test-allocator

# The programs' allocator (jemalloc, which the sanitizer build leaves out):
# ledger/base/heap.h against it, in the -O2 build, building that test alone.
test-allocator: setup $(BUILD)/Makefile
	cmake --build $(BUILD) -j$(JOBS) --target heap_jemalloc_test
	$(BUILD)/tests/heap_jemalloc_test

test-plain: build
	cd $(BUILD) && ctest -j$(JOBS) --output-on-failure --timeout 600 -LE fuzz

test-cpp: test-plain

bench: build
	bash bench/run.sh $(BUILD)

# Sets up, builds, creates and loads the demo ledger on first start, then
# serves the site and the API.
run: build
	@if [ ! -d $(DATA)/db ]; then \
	  $(BUILD)/bin/ledgerctl init --data $(DATA) --origin $(ORIGIN) && \
	  $(BUILD)/bin/ledgerctl demo --data $(DATA) && \
	  $(BUILD)/bin/ledgerctl token --data $(DATA) --role recorder --name recorder-demo > $(DATA)/recorder.token; \
	fi
	@echo "site:           http://$(LISTEN)/"
	@echo "verifier key:   $$(cat $(DATA)/log.vkey)"
	@echo "recorder token: $$(cat $(DATA)/recorder.token 2>/dev/null)"
	$(BUILD)/bin/ledgerd --data $(DATA) --listen $(LISTEN) --site public-site

clean:
	rm -rf $(BUILD) $(SAN_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD)

# libFuzzer targets (tests/fuzz), built by clang with ASan+UBSan in their own
# build directory. `make fuzz` runs each for FUZZ_SECONDS; `make fuzz-smoke`
# runs each for FUZZ_SMOKE_SECONDS through ctest (label "fuzz"), as part of
# `make test`. Inputs that once found a bug live on in tests/fuzz/corpus as
# regression-* seeds.
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 5
FUZZERS = fuzz_entry fuzz_funds_body fuzz_note fuzz_checkpoint fuzz_tlog_proof \
          fuzz_merkle_verifier fuzz_tile_path fuzz_strict_json fuzz_witness_request fuzz_text

fuzz-build: setup
	cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" -DCMAKE_CXX_COMPILER=clang++ \
	  -DLEDGER_FUZZ=ON -DLEDGER_FUZZ_SMOKE_SECONDS=$(FUZZ_SMOKE_SECONDS) \
	  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer" \
	  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" > /dev/null
	cmake --build $(FUZZ_BUILD) -j$(JOBS) --target fuzzers

fuzz-smoke: fuzz-build
	cd $(FUZZ_BUILD) && ctest -L fuzz -j$(JOBS) --output-on-failure

fuzz: fuzz-build
	@for f in $(FUZZERS); do \
	  echo "== $$f ($(FUZZ_SECONDS) s)"; mkdir -p $(FUZZ_BUILD)/fuzz-corpus/$$f; \
	  if UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 $(FUZZ_BUILD)/fuzz/$$f -max_total_time=$(FUZZ_SECONDS) \
	      -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=$(FUZZ_BUILD)/fuzz/$$f- \
	      $(FUZZ_BUILD)/fuzz-corpus/$$f tests/fuzz/corpus/$$f > $(FUZZ_BUILD)/fuzz/$$f.log 2>&1; then \
	    grep -E "^stat::(number_of_executed_units|peak_rss_mb)|^#[0-9]+.*DONE" $(FUZZ_BUILD)/fuzz/$$f.log; \
	  else tail -40 $(FUZZ_BUILD)/fuzz/$$f.log; exit 1; fi; \
	done

# The log's sequencer, writer and checkpointer threads (tests/tlog log_test and
# log_fault_test) and the handoff of their answers to callers (OneShot, in
# base_unit_test) under ThreadSanitizer, in build-tsan. RocksDB itself is the
# Debian build and not instrumented; see docs/design.md on what that hides.
test-tsan: setup
	cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1" \
	  -DCMAKE_CXX_FLAGS="-fsanitize=thread" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" > /dev/null
	cmake --build $(TSAN_BUILD) -j$(JOBS) --target log_test log_fault_test cosigning_test base_unit_test
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$(CURDIR)/tests/tsan.supp $(TSAN_BUILD)/tests/base_unit_test --gtest_filter='OneShot.*'
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$(CURDIR)/tests/tsan.supp $(TSAN_BUILD)/tests/log_test
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$(CURDIR)/tests/tsan.supp $(TSAN_BUILD)/tests/log_fault_test
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:suppressions=$(CURDIR)/tests/tsan.supp $(TSAN_BUILD)/tests/cosigning_test

# Kept for habit: the sanitizer runs are part of `make test`.
test-sanitize: test
