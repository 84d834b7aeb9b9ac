#!/usr/bin/env bash
# The charity domain at scale: open time, whole-year report time and memory
# of ledgers of 100,000, 1,000,000 and BENCH_BIG (default 10,000,000)
# entries, each filled by fill_ledger through funds::Ledger::RecordAll
# (donations to 8 funds over the business years 2016-2025), each measured by
# funds_scale (bench/funds_scale.cc) in a process of its own, in this run.
#
# Filling takes a while (30,000-40,000 donations/s on this 2-core machine in
# 2026-12, so about 5 minutes for 10M), so each filled ledger is kept under
# BENCH_CACHE (default BUILD/bench-cache/funds-v2-N) and reused by later runs; a run
# measures a clone of it (table files hard-linked, the rest copied), so the
# cached ledger itself is never written to and every run starts from exactly
# N entries. Delete the cache directory to fill again. fill_ledger waits for
# RocksDB's compactions to finish before it closes a filled ledger, so each
# cached ledger has the settled store of a ledger that grew over months, not
# the level-0 backlog of a 5-minute burst (whose index and filter blocks the
# next open would read whole: "funds-v1" caches had it; docs/benchmarks.md,
# "Run of 2026-12-04, morning").
#
# Targets (issue 10), each printed beside its limit and beside the figures of
# the smaller ledgers:
#   - a whole-year report (2020, all funds; funds::Ledger::Report, the JSON of
#     GET /api/v1/reports) on the big ledger: median < 10 ms;
#   - opening the big ledger (tlog::OpenWritableLog with the funds state
#     machine, until its view covers the tree): < 1 s;
#   - resident memory of a process that opens the ledger, records 200,000
#     donations through funds::Ledger::RecordAll and serves the reports:
#     big vs 1M, growth < 10%.
# The targets are for 10M entries; with a smaller BENCH_BIG (a quick run) the
# lines name the size actually measured.
# Usage: bench/scale_bench.sh [BUILD_DIR]
set -euo pipefail
BUILD=${1:-build}
BIG=${BENCH_BIG:-10000000}
CACHE=${BENCH_CACHE:-$BUILD/bench-cache}
cd "$(dirname "$0")/.."
source bench/lib.sh

mkdir -p "$CACHE"
WORK=$(mktemp -d "$CACHE/run-XXXXXX")   # same file system as the cache: hard links work
trap 'bench_cleanup; rm -rf "$WORK"' EXIT

label() { awk -v n="$1" 'BEGIN { if (n >= 1e6 && n % 1e6 == 0) printf "%dM", n / 1e6;
  else if (n >= 1e3 && n % 1e3 == 0) printf "%dk", n / 1e3; else printf "%d", n }'; }

# The cached ledger of exactly $1 entries, filled first if missing.
cached() {
  local n=$1 dir="$CACHE/funds-v2-$1"
  if [ ! -f "$dir/filled" ]; then
    rm -rf "$dir.filling"
    $BIN/ledgerctl init --data "$dir.filling" --origin bench.example/ledger > /dev/null
    echo "-- filling a $(label "$n")-entry ledger through the funds layer into $dir (kept for later runs)" >&2
    $BIN/fill_ledger --data "$dir.filling" --entries "$n" 2> "$WORK/fill-$n.err" >&2
    grep '^rss_' "$WORK/fill-$n.err" > "$dir.filling/fill-rss" || true
    grep 'the store' "$WORK/fill-$n.err" > "$dir.filling/fill-settle" || true
    touch "$dir.filling/filled"
    mv "$dir.filling" "$dir"
  fi
  echo "$dir"
}

# A writable copy of $1 at $2 that shares the immutable table files.
clone() {
  cp -al "$1" "$2"
  find "$2" -type f ! -name '*.sst' -exec sh -c 'cp -p "$1" "$1.copy" && mv "$1.copy" "$1"' _ {} \;
}

sizes=(100000 1000000)
[ "$BIG" -gt 1000000 ] && sizes+=("$BIG")
declare -A F
for n in "${sizes[@]}"; do
  src=$(cached "$n")
  clone "$src" "$WORK/$n"
  $BIN/funds_scale --data "$WORK/$n" > "$WORK/scale-$n.txt"
  while IFS='=' read -r k v; do F[$n.$k]=$v; done < "$WORK/scale-$n.txt"
  printf "  %-5s entries: open %8.1f ms; year report first %7.3f ms, median %7.3f ms, p99 %7.3f ms (after 200k more: %.3f ms); 200k donations at %s/s; RSS after open %.0f MB, at the end %.0f MB\n" \
    "$(label "$n")" "${F[$n.open_ms]}" "${F[$n.report_first_ms]}" "${F[$n.report_median_ms]}" \
    "${F[$n.report_p99_ms]}" "${F[$n.report_after_median_ms]}" "${F[$n.record_rate]}" \
    "$(awk -v k="${F[$n.rss_open_kb]}" 'BEGIN{print k/1024}')" "$(awk -v k="${F[$n.rss_end_kb]}" 'BEGIN{print k/1024}')"
  printf "        RocksDB after the open: %s level-0 files, block cache %.1f MB; at the end: %s level-0 files, block cache %.1f MB, memtables %.1f MB\n" \
    "${F[$n.level0_files_open]}" "$(awk -v k="${F[$n.block_cache_open_kb]}" 'BEGIN{print k/1024}')" \
    "${F[$n.level0_files_end]}" "$(awk -v k="${F[$n.block_cache_end_kb]}" 'BEGIN{print k/1024}')" \
    "$(awk -v k="${F[$n.memtables_end_kb]}" 'BEGIN{print k/1024}')"
  [ -s "$src/fill-settle" ] && echo "        (when this cache was filled: $(cat "$src/fill-settle"))"
  if [ -s "$src/fill-rss" ]; then
    echo "        (when this cache was filled, in one process: RSS $(tr '\n' ' ' < "$src/fill-rss"))"
  fi
  rm -rf "$WORK/$n"
done

big=${sizes[-1]}
B=$(label "$big")
note=""
[ "$big" != 10000000 ] && note=" (BENCH_BIG=$big: the target is for 10M)"
r=${F[$big.report_median_ms]}
bench_target "whole-year report (2020, 8 funds), $B-entry ledger, median [100k: ${F[100000.report_median_ms]} ms, 1M: ${F[1000000.report_median_ms]} ms]$note" \
  "$r ms" "< 10 ms" "$(ok "$r" '<' 10)"
o=${F[$big.open_ms]}
bench_target "open of a $B-entry ledger (log and fund state) [100k: ${F[100000.open_ms]} ms, 1M: ${F[1000000.open_ms]} ms]$note" \
  "$o ms" "< 1000 ms" "$(ok "$o" '<' 1000)"
if [ "$big" -gt 1000000 ]; then
  g=$(awk -v a="${F[1000000.rss_end_kb]}" -v b="${F[$big.rss_end_kb]}" 'BEGIN{printf "%.1f", (b - a) * 100 / a}')
  bench_target "RSS growth from 1M to $B entries through the funds layer (open, 200k donations, reports) [$((F[1000000.rss_end_kb] / 1024)) MB -> $((F[$big.rss_end_kb] / 1024)) MB]$note" \
    "$g%" "< 10%" "$(ok "$g" '<' 10)"
else
  bench_target "RSS growth from 1M to 10M entries through the funds layer" "not measured (BENCH_BIG=$big)" "< 10%" 0
fi
