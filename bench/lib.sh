# Shared by the HTTP benchmark scripts (sourced, not run): a fresh ledger,
# a real ledgerd on a random loopback port with rate limits off, wrk
# summaries, and the one row format: what, figure, unit, limit, met|MISSED.
# Expects BUILD (the build directory) to be set and the cwd to be the repo.

BIN=$BUILD/bin
BENCH_PIDS=()   # every background process a script starts, stopped on exit
PID=
DIR=

command -v wrk > /dev/null || { echo "bench: wrk is not installed (tools/setup.sh)"; exit 1; }

bench_cleanup() {
  local p
  for p in "${BENCH_PIDS[@]}" $PID; do kill "$p" 2> /dev/null || true; done
  for p in "${BENCH_PIDS[@]}" $PID; do wait "$p" 2> /dev/null || true; done
  if [ -n "$DIR" ] && [ -z "${KEEP_DIR:-}" ]; then rm -rf "$DIR"; fi
}
trap bench_cleanup EXIT

# A new ledger in $DIR (or in $1 if given and kept); sets ADMIN and exports
# LEDGER_TOKEN (a recorder's token, for bench/wrk/donation.lua).
bench_new_ledger() {
  if [ -n "${1:-}" ]; then DIR=$1; KEEP_DIR=1; else DIR=$(mktemp -d /tmp/ledger-bench-XXXXXX); fi
  if [ ! -d "$DIR/db" ]; then
    mkdir -p "$DIR"
    $BIN/ledgerctl init --data "$DIR" --origin bench.example/ledger > /dev/null
  fi
  ADMIN=$($BIN/ledgerctl token --data "$DIR" --role admin --name "admin-$$" 2> /dev/null)
  LEDGER_TOKEN=$($BIN/ledgerctl token --data "$DIR" --role recorder --name "bench-$$" 2> /dev/null)
  export LEDGER_TOKEN
}

# Starts ledgerd on $DIR (limits off: all load comes from one address and
# token) with the extra flags in $LEDGERD_ARGS (for example
# "--read-concurrency 64" to compare without the read gate); sets PID and URL
# once /healthz answers (opening a big ledger takes a while).
bench_start_ledgerd() {
  local port=$((20000 + RANDOM % 20000))
  URL=http://127.0.0.1:$port
  # shellcheck disable=SC2086 # LEDGERD_ARGS is a list of flags
  $BIN/ledgerd --data "$DIR" --listen 127.0.0.1:$port --rate-per-address 0 --rate-per-token 0 ${LEDGERD_ARGS:-} \
    2>> "$DIR/ledgerd.log" &
  PID=$!
  for _ in $(seq 600); do
    curl -sf "$URL/healthz" > /dev/null && return 0
    kill -0 $PID 2> /dev/null || break
    sleep 0.1
  done
  echo "bench: ledgerd did not start"; tail -5 "$DIR/ledgerd.log"; exit 1
}

bench_stop_ledgerd() {
  kill $PID; wait $PID 2> /dev/null || true; PID=
}

# Opens fund "bench" (the fund donation.lua writes to) over HTTP.
bench_open_fund() {
  curl -sf -o /dev/null -H "Authorization: Bearer $ADMIN" \
    -d '{"type":"fund.open","body":{"id":"bench","name":{"zh":"基准","en":"Bench"},"purpose":"p","kind":"charity","opened_on":"2015-01-01"}}' \
    "$URL/api/v1/entries"
}

# wrk --latency output (with a done() printing "non2xx N" or "non201 N") on
# stdin -> "req/s p99_ms requests status_errors socket_errors".
bench_wrk_summary() {
  awk '/Requests\/sec/ {rps=$2}
       / requests in / {n=$1}
       /^ +99%/ {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms/,"",v)}
                 else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; p99=v}
       /^Socket errors:/ {gsub(/,/,""); sock=$4+$6+$8+$10}
       /^non2(01|xx) / {err=$2}
       END {printf "%.0f %.1f %d %d %d\n", rps, p99, n, err, sock}'
}

# bench_row WHAT FIGURE UNIT LIMIT OK(1|0): one result line.
bench_row() {
  printf "%-52s %10s %-8s %-30s %s\n" "$1" "$2" "$3" "$4" "$([ "$5" = 1 ] && echo met || echo MISSED)"
}

# bench_target NAME FIGURE LIMIT OK(1|0): one line of a target of issue 10,
# in the one format bench/run.sh collects at the end:
#   <name>: <figure> (limit <limit>) ok|MISSED
bench_target() {
  echo "$1: $2 (limit $3) $([ "$4" = 1 ] && echo ok || echo MISSED)"
}

# Prints 1 when the awk expression over a and b holds, else 0: ok a '>=' b
ok() { awk -v a="$1" -v b="$3" "BEGIN{print (a $2 b) ? 1 : 0}"; }

# GET /healthz on the server under test: the HTTP limit of this server and
# machine, printed beside the figures it bounds. Sets HEALTHZ_RPS.
bench_healthz() {
  local secs=$1 p99 n err sock
  read -r HEALTHZ_RPS p99 n err sock < <(wrk -t2 -c64 -d${secs}s --latency "$URL/healthz" | bench_wrk_summary)
  printf "%-52s %10s %-8s %-30s\n" "GET /healthz, same server (the HTTP limit)" "$HEALTHZ_RPS" "req/s" "p99 $p99 ms"
}
