# The charity transparency ledger. `make run` and `make test` work on a fresh
# Debian machine: both install what is missing first (tools/setup.sh).
BUILD ?= build
JOBS ?= $(shell nproc)
DATA ?= data
LISTEN ?= 127.0.0.1:8080
ORIGIN ?= huicheng.example/charity-ledger

.PHONY: setup build test test-cpp test-site bench run clean

setup:
	@bash tools/setup.sh

$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

build: setup $(BUILD)/Makefile
	cmake --build $(BUILD) -j$(JOBS)

# Every test: the C++ suites (ctest) and the site's Node and browser tests.
test: build
	cd $(BUILD) && ctest -j$(JOBS) --output-on-failure --timeout 600
	@if [ -f package.json ]; then E2E_REQUIRE_LEDGERD=1 npm test; fi

test-cpp: build
	cd $(BUILD) && ctest -j$(JOBS) --output-on-failure --timeout 600

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
	rm -rf $(BUILD)
