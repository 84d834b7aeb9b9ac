#!/usr/bin/env bash
# Acknowledgement to published checkpoint over HTTP, at full write load: wrk
# drives durable donation POSTs (bench/wrk/donation.lua, 64 keep-alive
# connections) into a real ledgerd while ack_probe POSTs from 4 more
# connections and polls GET /checkpoint every 2 ms (the resolution) until the
# published tree size passes each acknowledged seq: p50/p99/max of the time
# from each 201 to the first checkpoint answer covering it, beside the 1 s
# limit, and the POST rate of the same run (the load it was measured under).
# Usage: bench/ack_bench.sh [BUILD_DIR]   (BENCH_SECONDS, default 10)
set -euo pipefail
BUILD=${1:-build}
SECS=${BENCH_SECONDS:-10}
cd "$(dirname "$0")/.."
source bench/lib.sh

bench_new_ledger
bench_start_ledgerd
bench_open_fund

echo "-- wrk: $((SECS + 2)) s, 2 threads, 64 connections of donation POSTs; ack_probe: the middle $SECS s"
wrk -t2 -c64 -d$((SECS + 2))s --latency -s bench/wrk/donation.lua "$URL/api/v1/entries" > "$DIR/wrk.txt" &
BENCH_PIDS+=($!)
sleep 1
probe_rc=0
$BIN/ack_probe --url "$URL" --token "$LEDGER_TOKEN" --probes 4 --seconds "$SECS" --poll-ms 2 --limit-ms 1000 ||
  probe_rc=$?
wait "${BENCH_PIDS[0]}"
read -r rps p99 n err sock < <(bench_wrk_summary < "$DIR/wrk.txt")
printf "  under load: wrk POSTs %s entries/s, p99 %s ms, %d requests, non-201 %d, socket errors %d\n" \
  "$rps" "$p99" "$n" "$err" "$sock"
[ "$probe_rc" = 0 ] && [ "$err" = 0 ] && [ "$sock" = 0 ]
