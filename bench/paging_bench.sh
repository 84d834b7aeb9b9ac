#!/usr/bin/env bash
# Cheap reads stay cheap (issue 16 section 5): on a ledger that fill_ledger
# fills to LEDGER_PAGING_ENTRIES entries (default 1,000,000), durable
# donation POSTs (4 connections) run for BENCH_SECONDS alone, then again
# while 16 other connections page through every entry by cursor, 500 a page
# (wrk/entries_pages.lua). Printed beside their limits, from this run:
#   - write rate while paging / write rate alone: >= 50%;
#   - pages served per second and their p99;
#   - ledgerd's RSS growth over the paging run, after a warm-up (one client
#     pages through every entry, then 16 page for BENCH_SECONDS): < 10%;
#   - failed requests (non-2xx, socket errors): 0.
# One wrk thread per load generator (the machine has 2 cores).
# Usage: bench/paging_bench.sh [BUILD_DIR]
set -euo pipefail
BUILD=${1:-build}
SECS=${BENCH_SECONDS:-10}
ENTRIES=${LEDGER_PAGING_ENTRIES:-1000000}
cd "$(dirname "$0")/.."
source bench/lib.sh

bench_new_ledger
$BIN/fill_ledger --data "$DIR" --entries "$ENTRIES" 2> /dev/null
bench_start_ledgerd
rss() { awk '/^VmRSS:/ {print $2}' /proc/$PID/status; }
writes() { wrk -t1 -c4 -d${SECS}s --timeout 10s --latency -s bench/wrk/donation.lua "$URL/api/v1/entries"; }

# Warm-up: one client pages through every entry once (so the block cache
# holds what paging reads and RSS is compared in a steady state), then the
# paging load runs for BENCH_SECONDS.
SECONDS=0
cursor= pages_all=0
while :; do
  page=$(curl -sf "$URL/api/v1/entries?from=1900-01-01&limit=500${cursor:+&cursor=$cursor}") || break
  pages_all=$((pages_all + 1))
  cursor=$(printf '%s' "$page" | sed -n 's/.*"next_cursor":"\([^"]*\)".*/\1/p')
  [ -n "$cursor" ] || break
done
walk_secs=$SECONDS
wrk -t1 -c16 -d${SECS}s -s bench/wrk/entries_pages.lua "$URL" > /dev/null
read -r alone alone_p99 _ alone_err alone_sock < <(writes | bench_wrk_summary)
rss_before=$(rss)
wrk -t1 -c16 -d${SECS}s --timeout 10s --latency -s bench/wrk/entries_pages.lua "$URL" > "$DIR/pages.txt" &
BENCH_PIDS+=($!)
read -r mixed mixed_p99 _ mixed_err mixed_sock < <(writes | bench_wrk_summary)
wait "${BENCH_PIDS[0]}"; BENCH_PIDS=()
read -r pages pages_p99 _ pages_err pages_sock < <(bench_wrk_summary < "$DIR/pages.txt")
rss_after=$(rss)
bench_stop_ledgerd

ratio=$(awk -v a="$mixed" -v b="$alone" 'BEGIN{printf "%.2f", (b > 0 ? a / b : 0)}')
growth=$(awk -v a="$rss_after" -v b="$rss_before" 'BEGIN{printf "%.1f", (a - b) * 100 / b}')
errors=$((alone_err + alone_sock + mixed_err + mixed_sock + pages_err + pages_sock))
echo "-- $ENTRIES entries; writes alone $alone/s (p99 $alone_p99 ms), with 16 pagers $mixed/s (p99 $mixed_p99 ms);" \
  "RSS $rss_before -> $rss_after kB"
bench_row "writes while 16 clients page entries / alone" "$ratio" "x" ">= 0.50" "$(ok "$ratio" '>=' 0.5)"
bench_row "one client paging through every entry" "$walk_secs" "s" "($pages_all pages of 500)" 1
bench_row "entry pages (500 entries) served while writing" "$pages" "pages/s" "(figure)" 1
bench_row "entry page p99 while writing" "$pages_p99" "ms" "(figure)" 1
bench_row "ledgerd RSS growth over the paging run" "$growth" "%" "< 10" "$(ok "$growth" '<' 10)"
bench_row "failed requests" "$errors" "" "0" "$(ok "$errors" '==' 0)"
[ "$errors" = 0 ] && audit_ok=1 || audit_ok=0
$BIN/ledgerctl audit --data "$DIR" > /dev/null 2>&1 && audit=1 || audit=0
bench_row "ledgerctl audit afterwards" "$([ $audit = 1 ] && echo pass || echo FAIL)" "" "pass" "$audit"
[ "$audit_ok" = 1 ] && [ "$audit" = 1 ]
