#!/usr/bin/env bash
# HTTP benchmarks of a real ledgerd on loopback, with wrk (bench/wrk/*.lua).
# Each figure is printed beside its limit, measured in the same run:
#   - durable single-entry donation POSTs over 64 keep-alive connections
#     (entries/s, p99) next to GET /healthz of the same server (the HTTP limit);
#   - inclusion-proof GETs on the ledger the POSTs built.
# Usage: bench/http_bench.sh [BUILD_DIR]   (BENCH_SECONDS, default 10)
set -euo pipefail
BUILD=${1:-build}
SECS=${BENCH_SECONDS:-10}
cd "$(dirname "$0")/.."
command -v wrk > /dev/null || { echo "http_bench: wrk is not installed (tools/setup.sh)"; exit 1; }
BIN=$BUILD/bin
DIR=$(mktemp -d /tmp/ledger-http-bench-XXXXXX)
PORT=$((20000 + RANDOM % 20000))
URL=http://127.0.0.1:$PORT
trap 'kill $PID 2>/dev/null || true; wait $PID 2>/dev/null || true; rm -rf "$DIR"' EXIT

$BIN/ledgerctl init --data "$DIR" --origin bench.example/ledger > /dev/null
ADMIN=$($BIN/ledgerctl token --data "$DIR" --role admin --name admin 2>/dev/null)
export LEDGER_TOKEN=$($BIN/ledgerctl token --data "$DIR" --role recorder --name bench 2>/dev/null)
# Limits off: the load comes from one address with one token.
$BIN/ledgerd --data "$DIR" --listen 127.0.0.1:$PORT --rate-per-address 0 --rate-per-token 0 \
  2> "$DIR/ledgerd.log" &
PID=$!
for _ in $(seq 100); do curl -sf $URL/healthz > /dev/null && break; sleep 0.1; done
curl -sf -o /dev/null -H "Authorization: Bearer $ADMIN" \
  -d '{"type":"fund.open","body":{"id":"bench","name":{"zh":"基准","en":"Bench"},"purpose":"p","kind":"charity"}}' \
  $URL/api/v1/entries

# wrk --latency output -> "req/s p99_ms"
summarise() {
  awk '/Requests\/sec/ {rps=$2}
       /^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)} else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; p99=v}
       /^non2?0?[0-9xx]* / {err=$2}
       END {printf "%.0f %.1f %d\n", rps, p99, err}'
}

echo "-- $SECS s each, 2 threads, 64 keep-alive connections, loopback"
read -r healthz_rps healthz_p99 _ < <(wrk -t2 -c64 -d${SECS}s --latency $URL/healthz | summarise)
read -r post_rps post_p99 post_err < <(wrk -t2 -c64 -d${SECS}s --latency -s bench/wrk/donation.lua $URL/api/v1/entries | summarise)
size=$(curl -sf $URL/api/v1/log | sed 's/.*"tree_size":\([0-9]*\).*/\1/')
stats=$(curl -sf $URL/metrics | grep -E '^ledger_http_responses_total' | tr '\n' ' ')
printf "%-46s %8s req/s  p99 %6s ms   (the HTTP limit of this server)\n" "GET /healthz" "$healthz_rps" "$healthz_p99"
printf "%-46s %8s /s     p99 %6s ms   limit >= 10000/s, p99 < 50 ms; non-201: %s\n" \
  "POST /api/v1/entries (durable donation)" "$post_rps" "$post_p99" "$post_err"
printf "%-46s %8s\n" "  POST / healthz ratio" "$(awk -v a=$post_rps -v b=$healthz_rps 'BEGIN{printf "%.2f", a/b}')"

export LEDGER_SIZE=$size
read -r inc_rps inc_p99 inc_err < <(wrk -t2 -c64 -d${SECS}s --latency -s bench/wrk/inclusion.lua $URL | summarise)
printf "%-46s %8s req/s  p99 %6s ms   limit >= 20000 req/s (target is on a 1M ledger); non-2xx: %s\n" \
  "GET /api/v1/proof/inclusion (tree of $size)" "$inc_rps" "$inc_p99" "$inc_err"

kill $PID; wait $PID 2>/dev/null || true
if $BIN/ledgerctl audit --data "$DIR" > "$DIR/audit.log" 2>&1; then
  echo "audit after the run: ok ($size entries); $stats"
else
  echo "audit after the run: FAILED"; cat "$DIR/audit.log"; exit 1
fi
