// fill_ledger: fills a data directory made by `ledgerctl init` with valid
// charity entries, through the real library and far faster than over HTTP,
// so the HTTP benchmarks can run against a large ledger.
//
//   fill_ledger --data DIR --entries N [--chunk C]
//
// Opens the ledger with its own key (tlog::OpenWritableLog) and the funds
// state machine, opens the funds "bench" (the fund bench/wrk/donation.lua
// writes to) and "bench-1" .. "bench-7" unless they are open already, then
// records anonymous donations with funds::Ledger::RecordAll, C (default
// 4096) per call, until the tree holds N entries: entry i goes to fund
// i mod 8 and has the business date 2016-01-01 + (i / 64) mod 3650 days
// (64 donations a day over 2016-2025, then again from 2016: 233,600 entries
// cover the ten years once), channels bank/online/cash in turn. Every entry
// goes through the same validation, donor commitment and fund rules as a
// POST. Waits for a checkpoint covering the last one, then for RocksDB to
// finish the compactions the fill made due (at most 10 minutes: the store
// as a ledger that grew over months has it), then prints the entry rate,
// the wait, and the process's resident memory after the first million
// entries and at the end ("rss_1m_kb=" and "rss_end_kb=" on stderr, for the
// scale benchmark). ledgerd must not be running on DIR.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "ledger/funds/ledger.h"
#include "ledger/funds/state_machine.h"
#include "ledger/tlog/data_dir.h"

namespace {

using namespace ledger;
using nlohmann::json;

int Usage() {
  fprintf(stderr, "usage: fill_ledger --data DIR --entries N [--chunk C]\n");
  return 2;
}

constexpr int kFunds = 8;
constexpr int kPerDay = 64;
constexpr int kDays = 3650;  // 2016-01-01 .. 2025-12-29

std::string FundId(int f) { return f == 0 ? std::string("bench") : "bench-" + std::to_string(f); }

// A donation as a recorder would POST it (see the header for the spread).
json Donation(uint64_t i) {
  static const char* kChannels[] = {"bank", "online", "cash"};
  const int64_t day = 16801 + static_cast<int64_t>((i / kPerDay) % kDays);  // days since 1970-01-01
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{day}}};
  char date[16];
  snprintf(date, sizeof date, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
           static_cast<unsigned>(ymd.day()));
  return json{{"fund", FundId(static_cast<int>(i % kFunds))}, {"amount", 100 + static_cast<int64_t>(i % 100000)},
              {"channel", kChannels[(i / kFunds) % 3]}, {"received_at", date}};
}

long RssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data;
  uint64_t want = 0;
  size_t chunk = 4096;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--data") data = argv[i + 1];
    else if (a == "--entries") want = std::strtoull(argv[i + 1], nullptr, 10);
    else if (a == "--chunk") chunk = std::strtoull(argv[i + 1], nullptr, 10);
    else return Usage();
  }
  if (data.empty() || want == 0 || chunk == 0 || argc % 2 != 1) return Usage();

  funds::FundsStateMachine sm;
  auto log = tlog::OpenWritableLog(tlog::DataDir{data}, /*require_private_mode=*/false, &sm);
  if (!log.ok()) {
    fprintf(stderr, "fill_ledger: %s\n", log.status().ToString().c_str());
    return 1;
  }
  funds::Ledger ledger(log->get(), &sm);
  const auto start = std::chrono::steady_clock::now();
  const uint64_t start_size = (*log)->Size();

  for (int f = 0; f < kFunds; ++f) {
    if (ledger.Fund(FundId(f)).ok()) continue;
    auto r = ledger.Record({funds::Role::kAdmin, "admin", ""}, "fund.open",
                           json{{"id", FundId(f)},
                                {"name", {{"zh", "基准" + std::to_string(f)}, {"en", "Bench " + std::to_string(f)}}},
                                {"purpose", "p"},
                                {"kind", "charity"},
                                {"opened_on", "2015-01-01"}});
    if (!r.ok()) {
      fprintf(stderr, "fill_ledger: fund.open: %s\n", r.status().ToString().c_str());
      (*log)->Close();
      return 1;
    }
  }

  const funds::Actor recorder{funds::Role::kRecorder, "fill", ""};
  uint64_t size = (*log)->Size();
  long rss_1m = size >= 1'000'000 ? -1 : 0;
  while (size < want) {
    const uint64_t n = std::min<uint64_t>(chunk, want - size);
    std::vector<funds::RecordRequest> reqs;
    reqs.reserve(n);
    for (uint64_t k = 0; k < n; ++k) reqs.push_back({recorder, "donation", Donation(size + k), ""});
    auto results = ledger.RecordAll(std::move(reqs));
    for (const auto& r : results) {
      if (!r.ok()) {
        fprintf(stderr, "fill_ledger: donation refused: %s\n", r.status().ToString().c_str());
        (*log)->Close();
        return 1;
      }
    }
    size = (*log)->Size();
    if (rss_1m == 0 && size >= 1'000'000) rss_1m = RssKb();
    if (size % (64 * chunk) < chunk) fprintf(stderr, "fill_ledger: %llu / %llu\n", (unsigned long long)size,
                                              (unsigned long long)want);
  }
  auto cp = (*log)->WaitForCheckpoint(size, std::chrono::seconds(30));
  const long rss_end = RssKb();
  // A ledger that grew over months has a settled store; this one was filled
  // in minutes, and RocksDB may still be merging its level-0 files down.
  // Closing now would leave them for the next open to read whole (their
  // index and filter blocks), which no ledger in service would pay. A fill
  // that failed (no checkpoint) says so at once instead.
  const auto settle_start = std::chrono::steady_clock::now();
  tlog::LogStats st = (*log)->Stats();
  while (cp.ok() && st.compaction_pending &&
         std::chrono::steady_clock::now() - settle_start < std::chrono::minutes(10)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    st = (*log)->Stats();
  }
  const double settle_secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - settle_start).count();
  (*log)->Close();
  if (!cp.ok()) {
    fprintf(stderr, "fill_ledger: no checkpoint covers %llu: %s\n", (unsigned long long)size,
            cp.status().ToString().c_str());
    return 1;
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  printf("fill_ledger: %s holds %llu entries (%llu recorded in %.1f s, %.0f entries/s); checkpoint size %llu\n",
         data.c_str(), (unsigned long long)size, (unsigned long long)(size - start_size), secs,
         (size - start_size) / secs, (unsigned long long)cp->size);
  printf("fill_ledger: the store %s after %.1f s (%llu level-0 files)\n",
         st.compaction_pending ? "was still compacting" : "settled", settle_secs,
         (unsigned long long)st.level0_files);
  if (rss_1m > 0) fprintf(stderr, "rss_1m_kb=%ld\n", rss_1m);
  fprintf(stderr, "rss_end_kb=%ld\n", rss_end);
  return 0;
}
