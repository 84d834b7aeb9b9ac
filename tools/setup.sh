#!/usr/bin/env bash
# Installs what building, testing and running the ledger need, from Debian's
# packages and the npm registry only. Idempotent: when everything is present
# it installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake pkg-config
  librocksdb-dev libssl-dev libcpp-httplib-dev nlohmann-json3-dev zlib1g-dev
  libjemalloc-dev                      # the programs' allocator (LEDGER_JEMALLOC in CMakeLists.txt)
  libgtest-dev libgmock-dev libbenchmark-dev
  wrk curl
  nginx                                # serves the static mirror in its test
  clang libclang-rt-14-dev             # libFuzzer and sanitizer runtimes for tests/fuzz
  golang-go golang-golang-x-mod-dev   # Go's own sumdb/note and tlog check our formats
  fonts-noto-cjk                       # Chinese text in the browser tests' screenshots
  nodejs chromium                      # the public site's tests, in a real browser
  zbar-tools                           # zbarimg decodes the receipt QR code in the back office test
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm packages for the site (vendored libraries, node tests, playwright-core).
if [ -f package-lock.json ]; then
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "setup: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
  fi
fi
