// funds_scale: what a ledger of a given size costs to open, to report on and
// to keep in memory, through the charity domain (funds::Ledger over the
// store-backed FundsStateMachine), on a data directory that fill_ledger
// filled (bench/scale_bench.sh runs it on a 100k, a 1M and a 10M ledger and
// compares the figures).
//
//   funds_scale --data DIR [--record K] [--reports R] [--year Y]
//
// In one process, in this order:
//   1. opens the ledger (tlog::OpenWritableLog with a FundsStateMachine) and
//      times it until the state machine's view covers the whole tree: the
//      open time (the store, the tail check and the fund state's Load);
//   2. asks R times (default 200) for the report over the whole business
//      year Y (default 2020) over all funds at the latest checkpoint
//      (funds::Ledger::Report, the JSON of GET /api/v1/reports): the first
//      answer's time, then the median and the 99th percentile of the rest;
//   3. records K donations (default 200,000) through funds::Ledger::RecordAll
//      to the funds fill_ledger opened, 4096 a call, dated in year Y, then asks
//      for the R reports again: the resident memory (VmRSS) afterwards is the
//      memory a process needs to write to and read from a ledger of this
//      size, compared across sizes by the script.
// Prints one "key=value" line per figure on stdout:
//   entries, open_ms, rss_open_kb, report_first_ms, report_median_ms,
//   report_p99_ms, record_rate, report_after_median_ms, rss_end_kb; and
//   after the open and at the end, RocksDB's memory and level-0 files
//   (memtables_*_kb, block_cache_*_kb, of it block_cache_index_filter_*_kb,
//   table_readers_*_kb, level0_files_*).
// Exits 1 when anything fails (a report or a donation refused).
#include <algorithm>
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
using Clock = std::chrono::steady_clock;

double Ms(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

long RssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

int Usage() {
  fprintf(stderr, "usage: funds_scale --data DIR [--record K] [--reports R] [--year Y]\n");
  return 2;
}

// What RocksDB holds in memory (tlog::LogStats), in KB, as
// <what>_<when>_kb lines: the part of the RSS that the store bounds; and its
// level-0 files, whose index and filter blocks an open reads whole.
void PrintStoreMemory(const tlog::Log& log, const char* when) {
  const tlog::LogStats s = log.Stats();
  printf("memtables_%s_kb=%llu\nblock_cache_%s_kb=%llu\nblock_cache_index_filter_%s_kb=%llu\n"
         "table_readers_%s_kb=%llu\nlevel0_files_%s=%llu\n",
         when, (unsigned long long)s.memtable_bytes / 1024, when, (unsigned long long)s.block_cache_bytes / 1024, when,
         (unsigned long long)s.block_cache_index_filter_bytes / 1024, when,
         (unsigned long long)s.table_readers_bytes / 1024, when, (unsigned long long)s.level0_files);
}

// Times `n` whole-year reports: sorted durations in ms; empty on a failure.
std::vector<double> TimeReports(const funds::Ledger& ledger, int year, int n) {
  const std::string y = std::to_string(year);
  std::vector<double> ms;
  for (int i = 0; i < n; ++i) {
    const auto t0 = Clock::now();
    auto r = ledger.Report(funds::ReportQuery{y + "-01-01", y + "-12-31", ""});
    const auto t1 = Clock::now();
    if (!r.ok()) {
      fprintf(stderr, "funds_scale: report refused: %s\n", r.status().ToString().c_str());
      return {};
    }
    ms.push_back(Ms(t0, t1));
  }
  std::sort(ms.begin(), ms.end());
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data;
  uint64_t record = 200'000;
  int reports = 200, year = 2020;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--data") data = argv[i + 1];
    else if (a == "--record") record = std::strtoull(argv[i + 1], nullptr, 10);
    else if (a == "--reports") reports = std::atoi(argv[i + 1]);
    else if (a == "--year") year = std::atoi(argv[i + 1]);
    else return Usage();
  }
  if (data.empty() || reports < 2 || argc % 2 != 1) return Usage();

  // 1. Open.
  const auto t0 = Clock::now();
  funds::FundsStateMachine sm;
  auto log = tlog::OpenWritableLog(tlog::DataDir{data}, /*require_private_mode=*/false, &sm);
  if (!log.ok()) {
    fprintf(stderr, "funds_scale: %s\n", log.status().ToString().c_str());
    return 1;
  }
  const uint64_t entries = (*log)->Size();
  if (!sm.WaitForSize(entries, std::chrono::seconds(60))) {
    fprintf(stderr, "funds_scale: the fund state did not reach %llu entries\n", (unsigned long long)entries);
    return 1;
  }
  const double open_ms = Ms(t0, Clock::now());
  funds::Ledger ledger(log->get(), &sm);
  printf("entries=%llu\nopen_ms=%.1f\nrss_open_kb=%ld\n", (unsigned long long)entries, open_ms, RssKb());
  PrintStoreMemory(**log, "open");
  const auto counted_open = Clock::now();
  fflush(stdout);

  // 2. Reports.
  const auto t1 = Clock::now();
  auto first = ledger.Report(funds::ReportQuery{std::to_string(year) + "-01-01", std::to_string(year) + "-12-31", ""});
  const double first_ms = Ms(t1, Clock::now());
  if (!first.ok()) {
    fprintf(stderr, "funds_scale: report refused: %s\n", first.status().ToString().c_str());
    (*log)->Close();
    return 1;
  }
  std::vector<double> ms = TimeReports(ledger, year, reports);
  if (ms.empty()) {
    (*log)->Close();
    return 1;
  }
  printf("report_first_ms=%.3f\nreport_median_ms=%.3f\nreport_p99_ms=%.3f\n", first_ms, ms[ms.size() / 2],
         ms[ms.size() * 99 / 100]);
  fflush(stdout);

  // 3. Writes through the funds layer, then the reports again.
  const funds::Actor recorder{funds::Role::kRecorder, "scale", ""};
  const auto t2 = Clock::now();
  for (uint64_t done = 0; done < record;) {
    const uint64_t n = std::min<uint64_t>(4096, record - done);
    std::vector<funds::RecordRequest> reqs;
    reqs.reserve(n);
    for (uint64_t k = 0; k < n; ++k) {
      const uint64_t i = done + k;
      char date[16];
      snprintf(date, sizeof date, "%04d-%02d-%02d", year, static_cast<int>(1 + i % 12),
               static_cast<int>(1 + (i / 12) % 28));
      reqs.push_back({recorder, "donation",
                      json{{"fund", i % 8 == 0 ? std::string("bench") : "bench-" + std::to_string(i % 8)},
                           {"amount", 100 + static_cast<int64_t>(i % 1000)},
                           {"channel", "online"},
                           {"received_at", date}},
                      ""});
    }
    for (const auto& r : ledger.RecordAll(std::move(reqs))) {
      if (!r.ok()) {
        fprintf(stderr, "funds_scale: donation refused: %s\n", r.status().ToString().c_str());
        (*log)->Close();
        return 1;
      }
    }
    done += n;
  }
  const double record_rate = record / (Ms(t2, Clock::now()) / 1000);
  if (record > 0) (void)(*log)->WaitForCheckpoint((*log)->Size(), std::chrono::seconds(30));
  ms = TimeReports(ledger, year, reports);
  if (ms.empty()) {
    (*log)->Close();
    return 1;
  }
  printf("record_rate=%.0f\nreport_after_median_ms=%.3f\nrss_end_kb=%ld\n", record_rate, ms[ms.size() / 2],
         RssKb());
  // RocksDB counts the block cache's index and filter blocks at most once
  // every 10 s (LogStats): the end's count must not be the open's again.
  std::this_thread::sleep_until(counted_open + std::chrono::milliseconds(10500));
  PrintStoreMemory(**log, "end");
  (*log)->Close();
  return 0;
}
