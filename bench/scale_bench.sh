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
# Every size is measured BENCH_SCALE_RUNS times (default 3), the sizes taking
# turns, and each figure is the median of its runs (each run's is printed).
# The targets are for 10M entries; with a smaller BENCH_BIG (a quick run) the
# lines name the size actually measured.
# Usage: bench/scale_bench.sh [BUILD_DIR]
set -euo pipefail
BUILD=${1:-build}
BIG=${BENCH_BIG:-10000000}
CACHE=${BENCH_CACHE:-$BUILD/bench-cache}
RUNS=${BENCH_SCALE_RUNS:-3}
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
declare -A SRC F ALL
for n in "${sizes[@]}"; do SRC[$n]=$(cached "$n"); done
# RUNS rounds, each measuring every size once in turn, so that the sizes
# share the machine's moods; each figure is the median of its RUNS values.
# The RSS of one process at 1M moved by 20 MB from run to run in 2026-12
# (112-136 MB), as much as the sizes differ, so one run per size cannot
# tell them apart.
for ((round = 1; round <= RUNS; round++)); do
  for n in "${sizes[@]}"; do
    clone "${SRC[$n]}" "$WORK/$n"
    $BIN/funds_scale --data "$WORK/$n" > "$WORK/scale-$n-$round.txt"
    while IFS='=' read -r k v; do ALL[$n.$k]="${ALL[$n.$k]:-} $v"; done < "$WORK/scale-$n-$round.txt"
    rm -rf "$WORK/$n"
  done
done
runs() { tr ' ' '\n' <<< "${ALL[$1]}" | grep -v '^$'; }  # the runs' values of a key, one a line
median() { runs "$1" | sort -g | awk '{v[NR] = $1} END {
  if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mb() { awk -v k="$1" 'BEGIN{print k/1024}'; }
mb_list() { for k in $1; do awk -v k="$k" 'BEGIN{printf "%.0f ", k / 1024}'; done; }
for key in "${!ALL[@]}"; do F[$key]=$(median "$key"); done
echo "  ($RUNS runs of each size, taking turns; each figure below is the median of its runs)"
for n in "${sizes[@]}"; do
  printf "  %-5s entries: open %8.1f ms; year report first %7.3f ms, median %7.3f ms, p99 %7.3f ms (after 200k more: %.3f ms); 200k donations at %s/s; RSS after open %.0f MB, at the end %.0f MB\n" \
    "$(label "$n")" "${F[$n.open_ms]}" "${F[$n.report_first_ms]}" "${F[$n.report_median_ms]}" \
    "${F[$n.report_p99_ms]}" "${F[$n.report_after_median_ms]}" "${F[$n.record_rate]}" \
    "$(mb "${F[$n.rss_open_kb]}")" "$(mb "${F[$n.rss_end_kb]}")"
  printf "        each run: open%s ms; RSS at the end %sMB; block cache at the end %sMB\n" "${ALL[$n.open_ms]}" \
    "$(mb_list "${ALL[$n.rss_end_kb]}")" "$(mb_list "${ALL[$n.block_cache_end_kb]}")"
  printf "        RocksDB after the open: %s level-0 files, block cache %.1f MB (index and filter blocks %.1f MB); at the end: %s level-0 files, block cache %.1f MB (index and filter blocks %.1f MB), memtables %.1f MB\n" \
    "${F[$n.level0_files_open]}" "$(mb "${F[$n.block_cache_open_kb]}")" "$(mb "${F[$n.block_cache_index_filter_open_kb]}")" \
    "${F[$n.level0_files_end]}" "$(mb "${F[$n.block_cache_end_kb]}")" "$(mb "${F[$n.block_cache_index_filter_end_kb]}")" \
    "$(mb "${F[$n.memtables_end_kb]}")"
  printf "        RSS at the end less the block cache and the memtables (each run): %sMB\n" "$(
    paste -d' ' <(runs "$n.rss_end_kb") <(runs "$n.block_cache_end_kb") <(runs "$n.memtables_end_kb") |
      awk '{printf "%.0f ", ($1 - $2 - $3) / 1024}')"
  [ -s "${SRC[$n]}/fill-settle" ] && echo "        (when this cache was filled: $(cat "${SRC[$n]}/fill-settle"))"
  if [ -s "${SRC[$n]}/fill-rss" ]; then
    echo "        (when this cache was filled, in one process: RSS $(tr '\n' ' ' < "${SRC[$n]}/fill-rss"))"
  fi
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
  rounds=$(paste -d' ' <(runs 1000000.rss_end_kb) <(runs "$big.rss_end_kb") | awk '{printf " %+.1f%%", ($2 - $1) * 100 / $1}')
  bench_target "RSS growth from 1M to $B entries through the funds layer (open, 200k donations, reports) [medians $(mb_list "${F[1000000.rss_end_kb]}")MB -> $(mb_list "${F[$big.rss_end_kb]}")MB; round by round$rounds]$note" \
    "$g%" "< 10%" "$(ok "$g" '<' 10)"
else
  bench_target "RSS growth from 1M to 10M entries through the funds layer" "not measured (BENCH_BIG=$big)" "< 10%" 0
fi
