#!/usr/bin/env bash
# `make bench`: every benchmark prints its figure beside the limit it chases,
# both measured in the same run. The machine is shared and noisy: compare
# the ratios, not single absolute times.
set -euo pipefail
BUILD=${1:-build}
cd "$(dirname "$0")/.."
echo "== log core (bench/log_bench.cc) =="
"$BUILD/bin/log_bench" --entries-big "${LEDGER_BENCH_BIG:-10000000}"
if [ -x "$BUILD/bin/funds_bench" ]; then
  echo
  echo "== charity domain (bench/funds_bench.cc) =="
  "$BUILD/bin/funds_bench"
fi
if [ -x bench/http_bench.sh ]; then
  echo
  echo "== HTTP (bench/http_bench.sh) =="
  bash bench/http_bench.sh "$BUILD"
fi
