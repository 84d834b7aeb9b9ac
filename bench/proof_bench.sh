#!/usr/bin/env bash
# Inclusion-proof GETs on a large ledger: fill_ledger records
# LEDGER_PROOF_ENTRIES (default 1,000,000) valid donations through the
# library, a real ledgerd serves it, and wrk (bench/wrk/inclusion.lua) asks
# for proofs of random entries against that tree size over 64 keep-alive
# connections: req/s and p99 beside the 20,000 req/s limit and beside GET
# /healthz of the same server in the same run.
# Usage: bench/proof_bench.sh [BUILD_DIR]   (BENCH_SECONDS, default 10;
#   LEDGER_PROOF_DIR=D keeps the filled ledger in D and reuses it next time)
set -euo pipefail
BUILD=${1:-build}
SECS=${BENCH_SECONDS:-10}
ENTRIES=${LEDGER_PROOF_ENTRIES:-1000000}
cd "$(dirname "$0")/.."
source bench/lib.sh

bench_new_ledger "${LEDGER_PROOF_DIR:-}"
$BIN/fill_ledger --data "$DIR" --entries "$ENTRIES" 2> /dev/null
bench_start_ledgerd
size=$(curl -sf "$URL/checkpoint" | sed -n 2p)

echo "-- $SECS s each, 2 threads, 64 keep-alive connections, loopback; checkpoint size $size"
bench_healthz "$SECS"
export LEDGER_SIZE=$size
read -r rps p99 n err sock < <(wrk -t2 -c64 -d${SECS}s --latency -s bench/wrk/inclusion.lua "$URL" | bench_wrk_summary)
bench_row "GET /api/v1/proof/inclusion, tree of $size" "$rps" "req/s" ">= 20000 req/s" "$(ok "$rps" '>=' 20000)"
printf "  p99 %s ms; proofs / healthz ratio %.2f; %d requests, non-2xx %d, socket errors %d\n" "$p99" \
  "$(awk -v a="$rps" -v b="$HEALTHZ_RPS" 'BEGIN{print a/b}')" "$n" "$err" "$sock"
[ "$err" = 0 ] && [ "$sock" = 0 ]
