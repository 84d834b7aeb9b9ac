// fill_ledger: fills a data directory made by `ledgerctl init` with valid
// charity entries, through the real library and far faster than over HTTP,
// so the HTTP benchmarks can run against a large ledger.
//
//   fill_ledger --data DIR --entries N [--chunk C]
//
// Opens the ledger with its own key (tlog::OpenWritableLog) and the funds
// state machine, opens fund "bench" (the fund bench/wrk/donation.lua writes
// to) unless it is open already, then records anonymous online donations to
// it with funds::Ledger::RecordAll, C (default 4096) per call, until the tree
// holds N entries; every entry goes through the same validation, donor
// commitment and fund rules as a POST. Waits for a checkpoint covering the
// last one. ledgerd must not be running on DIR.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
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

// A donation as a recorder would POST it; dates spread over 2020.
json Donation(uint64_t i) {
  char date[16];
  snprintf(date, sizeof date, "2020-%02d-%02d", static_cast<int>(1 + i % 12), static_cast<int>(1 + (i / 12) % 28));
  return json{{"fund", "bench"}, {"amount", 100 + static_cast<int64_t>(i % 100000)}, {"channel", "online"},
              {"received_at", date}};
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

  if (!ledger.Fund("bench").ok()) {
    auto r = ledger.Record({funds::Role::kAdmin, "admin", ""}, "fund.open",
                           json{{"id", "bench"}, {"name", {{"zh", "基准"}, {"en", "Bench"}}}, {"purpose", "p"},
                                {"kind", "charity"}, {"opened_on", "2015-01-01"}});
    if (!r.ok()) {
      fprintf(stderr, "fill_ledger: fund.open: %s\n", r.status().ToString().c_str());
      (*log)->Close();
      return 1;
    }
  }

  const funds::Actor recorder{funds::Role::kRecorder, "fill", ""};
  uint64_t size = (*log)->Size();
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
    if (size % (64 * chunk) < chunk) fprintf(stderr, "fill_ledger: %llu / %llu\n", (unsigned long long)size,
                                              (unsigned long long)want);
  }
  auto cp = (*log)->WaitForCheckpoint(size, std::chrono::seconds(30));
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
  return 0;
}
