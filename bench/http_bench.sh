#!/usr/bin/env bash
# Durable donation POSTs over HTTP: wrk (bench/wrk/donation.lua) against a
# real ledgerd on loopback, 64 keep-alive connections, one entry per request,
# entries/s and p99 beside GET /healthz of the same server in the same run
# (the HTTP limit of this server on this machine). Audit afterwards.
# Usage: bench/http_bench.sh [BUILD_DIR]   (BENCH_SECONDS, default 10)
set -euo pipefail
BUILD=${1:-build}
SECS=${BENCH_SECONDS:-10}
cd "$(dirname "$0")/.."
source bench/lib.sh

bench_new_ledger
bench_start_ledgerd
bench_open_fund

echo "-- $SECS s each, 2 threads, 64 keep-alive connections, loopback"
bench_healthz "$SECS"
read -r rps p99 n err sock < <(wrk -t2 -c64 -d${SECS}s --latency -s bench/wrk/donation.lua \
  "$URL/api/v1/entries" | bench_wrk_summary)
bench_row "POST /api/v1/entries (durable donation), entries/s" "$rps" "/s" ">= 10000/s" "$(ok "$rps" '>=' 10000)"
bench_row "  the same, p99" "$p99" "ms" "< 50 ms" "$(ok "$p99" '<' 50)"
printf "  POST / healthz ratio %.2f; %d requests, non-201 %d, socket errors %d\n" \
  "$(awk -v a="$rps" -v b="$HEALTHZ_RPS" 'BEGIN{print a/b}')" "$n" "$err" "$sock"

size=$(curl -sf "$URL/healthz" | sed 's/.*"tree_size":\([0-9]*\).*/\1/')
bench_stop_ledgerd
if $BIN/ledgerctl audit --data "$DIR" > "$DIR/audit.log" 2>&1; then
  echo "  audit after the run: ok ($size entries)"
else
  echo "  audit after the run: FAILED"; cat "$DIR/audit.log"; exit 1
fi
[ "$err" = 0 ] && [ "$sock" = 0 ]
