#!/usr/bin/env bash
# Soak: LEDGER_SOAK_SECONDS (default 600; 0 skips it) of mixed load on one
# real ledgerd, all kinds at once, each from its own wrk:
#   writes   durable donation POSTs (wrk/donation.lua), LEDGER_SOAK_WRITERS
#            connections (default 4: steady writes that leave CPU for the reads)
#   proofs   inclusion-proof GETs (wrk/inclusion.lua), 8 connections
#   tiles    full hash tiles and entry bundles (wrk/tiles.lua), 8 connections
#   reports  reports and fund views (wrk/reports.lua), 2 connections
# on a ledger that fill_ledger first fills to LEDGER_SOAK_ENTRIES entries
# (default 100,000). Measured, each beside its limit:
#   - ledgerd's resident memory (VmRSS of /proc/PID/status) every 5 s. Warm-up
#     is the first 20% of the run; growth is (the largest RSS after warm-up -
#     the RSS at the end of warm-up) / the RSS at the end of warm-up: < 10%;
#   - failed requests of every kind: wrk's non-2xx answers and socket errors,
#     and ledgerd's own 4xx and 5xx counts (/metrics): 0. No other status is
#     expected: rate limits are off and every request is valid;
#   - ledgerctl audit of the data directory after ledgerd stops: passes.
# Exits 1 if anything is missed.
# Usage: bench/soak.sh [BUILD_DIR]
set -euo pipefail
BUILD=${1:-build}
SECS=${LEDGER_SOAK_SECONDS:-600}
ENTRIES=${LEDGER_SOAK_ENTRIES:-100000}
WRITERS=${LEDGER_SOAK_WRITERS:-4}
STEP=5
cd "$(dirname "$0")/.."
if [ "$SECS" = 0 ]; then echo "soak: skipped (LEDGER_SOAK_SECONDS=0)"; exit 0; fi
source bench/lib.sh

bench_new_ledger
$BIN/fill_ledger --data "$DIR" --entries "$ENTRIES" 2> /dev/null
bench_start_ledgerd
export LEDGER_SIZE=$ENTRIES   # proofs and tiles within the prefilled tree

tree_size() { curl -sf "$URL/healthz" | sed 's/.*"tree_size":\([0-9]*\).*/\1/'; }
echo "-- CPU busy in the second before, others' use: $(bash bench/cpu_busy.sh)"
echo "-- $SECS s; writes $WRITERS conns, proofs 8, tiles 8, reports 2; RSS every $STEP s;" \
  "warm-up = the first $((SECS / 5)) s (20%)"
kinds=(writes proofs tiles reports)
wrk_run() { exec wrk -t1 -c"$1" -d${SECS}s --timeout 10s --latency -s "bench/wrk/$2" "$URL$3" > "$DIR/$4.txt"; }
wrk_run "$WRITERS" donation.lua /api/v1/entries writes & BENCH_PIDS+=($!)
wrk_run 8 inclusion.lua "" proofs & BENCH_PIDS+=($!)
wrk_run 8 tiles.lua "" tiles & BENCH_PIDS+=($!)
wrk_run 2 reports.lua "" reports & BENCH_PIDS+=($!)

# Samples "seconds rss_kb tree_size" while the load runs.
SECONDS=0
while kill -0 "${BENCH_PIDS[0]}" 2> /dev/null; do
  echo "$SECONDS $(awk '/^VmRSS:/ {print $2}' /proc/$PID/status) $(tree_size)" >> "$DIR/rss.txt"
  sleep $STEP
done
for p in "${BENCH_PIDS[@]}"; do wait "$p"; done
BENCH_PIDS=()
end_size=$(tree_size)
server=$(curl -sf "$URL/metrics" | awk '/class="4xx"/ {a=$2} /class="5xx"/ {b=$2} END {print a+b}')
# Memtables (64 MB write buffer) flushed during this ledgerd run.
flushes=$(curl -sf "$URL/metrics" | awk '/^ledger_store_flushes_total/ {print $2}')
bench_stop_ledgerd

# The RSS trajectory (about ten points) and the growth after warm-up.
awk -v n="$(wc -l < "$DIR/rss.txt")" 'NR == 1 || NR % int((n + 9) / 10) == 0 || NR == n {
  printf "  t=%4d s  RSS %7.1f MB  tree size %d\n", $1, $2 / 1024, $3 }' "$DIR/rss.txt"
read -r warm_t warm max final written < <(awk -v w=$((SECS / 5)) '$1 >= w {
    if (!seen) {seen = 1; t = $1; warm = $2; size0 = $3}
    if ($2 > max) max = $2; final = $2; size = $3 }
  END {print t, warm, max, final, size - size0}' "$DIR/rss.txt")
growth=$(awk -v a="$warm" -v b="$max" 'BEGIN{printf "%.1f", (b - a) * 100 / a}')
fail=0
bench_row "ledgerd RSS growth after warm-up (max vs t=${warm_t} s)" "$growth" "%" "< 10%" "$(ok "$growth" '<' 10)"
[ "$(ok "$growth" '<' 10)" = 1 ] || fail=1
printf "  RSS at the end of warm-up %.1f MB, max after %.1f MB, final %.1f MB; %d entries written after warm-up\n" \
  "$(awk -v k="$warm" 'BEGIN{print k/1024}')" "$(awk -v k="$max" 'BEGIN{print k/1024}')" \
  "$(awk -v k="$final" 'BEGIN{print k/1024}')" "$written"
echo "  RocksDB memtable flushes while ledgerd ran: $flushes (writes stay in the in-memory memtable until a flush)"

errors=$server
for k in "${kinds[@]}"; do
  read -r rps p99 n err sock < <(bench_wrk_summary < "$DIR/$k.txt")
  printf "  %-8s %9d requests %8s req/s  p99 %8s ms  non-2xx %d  socket errors %d\n" "$k" "$n" "$rps" "$p99" "$err" "$sock"
  errors=$((errors + err + sock))
  [ "$n" -gt 0 ] || fail=1
done
echo "  ledgerd's own count of 4xx and 5xx answers (/metrics): $server"
bench_row "failed requests, all kinds (none expected)" "$errors" "" "0" "$([ "$errors" = 0 ] && echo 1)"
[ "$errors" = 0 ] || fail=1
if $BIN/ledgerctl audit --data "$DIR" > "$DIR/audit.log" 2>&1; then
  bench_row "ledgerctl audit after the soak ($end_size entries)" pass "" "passes" 1
else
  bench_row "ledgerctl audit after the soak" FAIL "" "passes" 0; tail -3 "$DIR/audit.log"; fail=1
fi
exit $fail
