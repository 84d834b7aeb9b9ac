#!/usr/bin/env bash
# `make bench`: every benchmark prints its figure beside the limit it chases,
# both measured in the same run. The machine is shared and noisy: compare
# the ratios, not single absolute times. Benchmarks run one after another,
# never at once. A piece that fails (errors, a failed audit) is named at the
# end and makes the exit status 1; the others still run. At the end, every
# target of issue 10 is printed again, together, as
#   <name>: <figure> (limit <limit>) ok|MISSED
#   BENCH_SECONDS (10)            length of each wrk measurement
#   LEDGER_BENCH_BIG (10000000)   entries of log_bench's memory figure
#   BENCH_BIG (10000000)          the big ledger of scale_bench.sh (report,
#                                 open time, RSS); filled once through the
#                                 funds layer and kept in BUILD/bench-cache
#   BENCH_SCALE_RUNS (3)          runs of each size in scale_bench.sh (medians)
#   LEDGER_PROOF_ENTRIES (1000000) ledger size for the inclusion-proof GETs
#   LEDGER_PAGING_ENTRIES (1000000) ledger size for the entries-paging bench
#   LEDGER_SOAK_SECONDS (600)     mixed soak; 0 skips it
#   LEDGER_SOAK_ALONE_SECONDS (30) the soak's writes alone, before the mix
set -uo pipefail
BUILD=${1:-build}
cd "$(dirname "$0")/.."
failed=()
OUT=$(mktemp /tmp/ledger-bench-out-XXXXXX)
trap 'rm -f "$OUT"' EXIT
step() {
  local title=$1; shift
  echo; echo "== $title =="
  echo "(CPU busy in the second before, others' use: $(bash bench/cpu_busy.sh))"
  "$@" 2>&1 | tee -a "$OUT"
  [ "${PIPESTATUS[0]}" = 0 ] || failed+=("$title")
}
step "log core (bench/log_bench.cc)" "$BUILD/bin/log_bench" --entries-big "${LEDGER_BENCH_BIG:-10000000}"
step "charity domain (bench/funds_bench.cc)" "$BUILD/bin/funds_bench"
step "charity domain at scale: open, year report, memory (bench/scale_bench.sh)" bash bench/scale_bench.sh "$BUILD"
step "HTTP writes (bench/http_bench.sh)" bash bench/http_bench.sh "$BUILD"
step "HTTP ack to published checkpoint (bench/ack_bench.sh)" bash bench/ack_bench.sh "$BUILD"
step "HTTP inclusion proofs on a large ledger (bench/proof_bench.sh)" bash bench/proof_bench.sh "$BUILD"
step "batch import of a 10,000-row CSV over HTTP (bench/import_bench.sh)" bash bench/import_bench.sh "$BUILD"
step "public site: bytes of a first dashboard visit in Chromium (tests/site/e2e/weight.mjs)" env LEDGER_BIN_DIR="$BUILD/bin" node tests/site/e2e/weight.mjs
step "HTTP writes while 16 clients page entries (bench/paging_bench.sh)" bash bench/paging_bench.sh "$BUILD"
step "HTTP mixed soak (bench/soak.sh)" bash bench/soak.sh "$BUILD"
echo
echo "== the targets of issue 10, as measured above in this run =="
grep -E '^[^ ].*: .* \(limit .*\) (ok|MISSED)$' "$OUT" || echo "(none printed)"
echo
if [ ${#failed[@]} -gt 0 ]; then printf 'failed: %s\n' "${failed[@]}"; exit 1; fi
echo "every benchmark ran without errors (figures marked MISSED above missed their limit)"
