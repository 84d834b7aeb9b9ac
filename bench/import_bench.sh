#!/usr/bin/env bash
# Batch import (issue 12): a 10,000-row donation CSV sent to a running
# ledgerd's POST /api/v1/batches, as the back office's import page and
# `ledgerctl import --url` send it: the dry run, then the real import (one
# atomic group, one sync), each timed from the first byte sent to the answer,
# beside the 5 s limit; then the same file with `ledgerctl import --url`
# (the same key: a replay, nothing recorded twice). The tree must grow by
# exactly the rows.
# Usage: bench/import_bench.sh [BUILD_DIR]   (LEDGER_IMPORT_ROWS, default 10000)
set -euo pipefail
BUILD=${1:-build}
ROWS=${LEDGER_IMPORT_ROWS:-10000}
cd "$(dirname "$0")/.."
source bench/lib.sh

bench_new_ledger
bench_start_ledgerd
bench_open_fund

CSV=$DIR/donations.csv
# Dated today in the ledger's time zone (the bench fund opens today).
awk -v n="$ROWS" -v day="$(TZ=Asia/Shanghai date +%F)" 'BEGIN {
  print "fund,amount,channel,received_at,receipt_no,donor.public_name,external_ref"
  for (i = 1; i <= n; i++)
    printf "bench,%d,bank,%s,R-%06d,%s,stmt-%d\n", 100 + i % 9000, day, i, (i % 5 == 0 ? "\"Donor, No. " i "\"" : ""), i
}' > "$CSV"
echo "-- $ROWS rows, $(wc -c < "$CSV") bytes"
size() { curl -sf "$URL/healthz" | sed 's/.*"tree_size":\([0-9]*\).*/\1/'; }
before=$(size)

# The key the import page and ledgerctl send: "import/<SHA-256 of the file>".
KEY=import/$(sha256sum "$CSV" | cut -d' ' -f1)
# curl's own timer: from connecting to the whole answer read.
post() {  # post QUERY -> "http_code seconds"
  curl -s -o "$DIR/answer.json" -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $LEDGER_TOKEN" \
    -H "Idempotency-Key: $KEY" -H 'Content-Type: text/csv' --data-binary "@$CSV" "$URL/api/v1/batches$1"
}
read -r code dry < <(post "?type=donation&dry_run=1")
[ "$code" = 200 ] || { echo "dry run answered $code: $(head -c 300 "$DIR/answer.json")"; exit 1; }
read -r code real < <(post "?type=donation")
[ "$code" = 201 ] || { echo "import answered $code: $(head -c 300 "$DIR/answer.json")"; exit 1; }
after=$(size)
[ "$((after - before))" = "$ROWS" ] || { echo "tree grew by $((after - before)), not $ROWS"; exit 1; }

printf '%s\n' "$LEDGER_TOKEN" > "$DIR/token"
t0=$(date +%s%N)
$BIN/ledgerctl import --url "$URL" --token-file "$DIR/token" --file "$CSV" --type donation > "$DIR/ctl.txt"
t1=$(date +%s%N)
grep -q "nothing new was recorded" "$DIR/ctl.txt" || { cat "$DIR/ctl.txt"; exit 1; }
[ "$(size)" = "$after" ] || { echo "the replay recorded something"; exit 1; }
again=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", (b - a) / 1e9}')

bench_row "POST /api/v1/batches dry run, $ROWS donation rows" "$dry" "s" "< 5 s" "$(ok "$dry" '<' 5)"
bench_row "POST /api/v1/batches, $ROWS donation rows recorded" "$real" "s" "< 5 s" "$(ok "$real" '<' 5)"
bench_row "ledgerctl import --url, same file (a replay)" "$again" "s" "< 5 s" "$(ok "$again" '<' 5)"
