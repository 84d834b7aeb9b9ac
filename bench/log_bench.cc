// Benchmarks of the log core, each printed beside the limit it chases,
// measured in the same run (docs: `make bench`).
//
//   log_bench [--entries-big N]   (default 10,000,000: the memory and audit figures)
//             [--only PART]       one part alone: batch, threads, ack or big
//                                 (for profiling one of them; default all)
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "ledger/tlog/audit.h"
#include "ledger/tlog/log.h"
#include "ledger/tlog/store_keys.h"

namespace {

using namespace ledger;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

double Seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

long RssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

void Row(const char* what, double figure, const char* unit, const std::string& limit, bool ok) {
  printf("%-58s %14.0f %-10s %-34s %s\n", what, figure, unit, limit.c_str(), ok ? "ok" : "MISSED");
  fflush(stdout);
}

// A target of issue 10, in the one format bench/run.sh collects:
//   <name>: <figure> (limit <limit>) ok|MISSED
void Target(const std::string& name, const std::string& figure, const std::string& limit, bool ok) {
  printf("%s: %s (limit %s) %s\n", name.c_str(), figure.c_str(), limit.c_str(), ok ? "ok" : "MISSED");
  fflush(stdout);
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string Body(int i) {
  // An envelope of about 300 bytes, like a donation entry.
  std::string pad(170, 'x');
  return "{\"amount\":" + std::to_string(10000 + i) + ",\"fund\":\"serious-illness\",\"pad\":\"" + pad + "\"}";
}

std::shared_ptr<const crypto::Signer> Key() {
  auto k = crypto::Ed25519PrivateKey::Generate();
  return std::shared_ptr<const crypto::Signer>(std::move(*k));
}

std::unique_ptr<tlog::Log> OpenLog(const std::string& path) {
  tlog::Options o;
  o.path = path;
  o.origin = "bench.example/log";
  o.signer = Key();
  o.create_if_missing = true;
  auto log = tlog::Log::Open(o);
  if (!log.ok()) {
    fprintf(stderr, "%s\n", log.status().ToString().c_str());
    exit(1);
  }
  return std::move(*log);
}

// Raw RocksDB: the store the log would use, without the log.
std::unique_ptr<rocksdb::DB> OpenRaw(const std::string& path) {
  rocksdb::Options o;
  o.create_if_missing = true;
  o.IncreaseParallelism(2);
  o.write_buffer_size = 64 << 20;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(o, path, &raw);
  if (!s.ok()) {
    fprintf(stderr, "%s\n", s.ToString().c_str());
    exit(1);
  }
  return std::unique_ptr<rocksdb::DB>(raw);
}

// CPU time this process used (all its threads), and its context switches.
struct CpuUse {
  double user = 0, sys = 0;
  long switches = 0;
};
CpuUse CpuNow() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto secs = [](timeval t) { return t.tv_sec + t.tv_usec / 1e6; };
  return {secs(u.ru_utime), secs(u.ru_stime), u.ru_nvcsw + u.ru_nivcsw};
}

double CpuSeconds() {
  const CpuUse u = CpuNow();
  return u.user + u.sys;
}

// A timed part of the batch benchmark: its rate, and the CPU time (all
// threads) the process used meanwhile.
struct Rate {
  double per_second = 0, cpu_seconds = 0;
};

// Synced WriteBatches of `batch` 300-byte values at keys from `first`.
Rate RawRocksRate(rocksdb::DB* db, int first, int total, int batch) {
  rocksdb::WriteOptions wo;
  wo.sync = true;
  std::string value(300, 'v');
  const double c0 = CpuSeconds();
  auto t0 = Clock::now();
  for (int i = first; i < first + total; i += batch) {
    rocksdb::WriteBatch wb;
    for (int j = 0; j < batch; ++j) wb.Put(tlog::keys::EntryKey(i + j), value);
    db->Write(wo, &wb).PermitUncheckedError();
  }
  return {total / Seconds(t0, Clock::now()), CpuSeconds() - c0};
}

// Median time of `n` fdatasync calls, each after appending 4 KB to a file in
// `dir`: what one durable write costs on this disk now.
double FsyncMs(const std::string& dir, int n) {
  const std::string path = dir + "/fsync-probe";
  int fd = open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
  std::vector<double> ms;
  char block[4096] = {};
  for (int i = 0; i < n && fd >= 0; ++i) {
    auto t0 = Clock::now();
    if (write(fd, block, sizeof block) != static_cast<ssize_t>(sizeof block) || fdatasync(fd) != 0) break;
    ms.push_back(1000 * Seconds(t0, Clock::now()));
  }
  if (fd >= 0) close(fd);
  unlink(path.c_str());
  if (ms.empty()) return 0;
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// Durable AppendAll calls of `batch` drafts each, the drafts made inside the
// timed loop as in every earlier run. (Made beforehand, the memory they free
// spared raw RocksDB's next memtable its page faults, and raw's rate rose
// far more than the log's: docs/benchmarks.md, "Run of 2026-12-03, evening".)
Rate BatchAppendRate(tlog::Log* log, int total, int batch) {
  const double c0 = CpuSeconds();
  auto t0 = Clock::now();
  for (int i = 0; i < total; i += batch) {
    std::vector<tlog::EntryDraft> drafts;
    drafts.reserve(batch);
    for (int j = 0; j < batch; ++j) drafts.push_back({"donation", "bench", Body(i + j), {}});
    for (auto& r : log->AppendAll(std::move(drafts))) {
      if (!r.ok()) {
        fprintf(stderr, "append failed: %s\n", r.status().ToString().c_str());
        exit(1);
      }
    }
  }
  return {total / Seconds(t0, Clock::now()), CpuSeconds() - c0};
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t big = 10'000'000;
  std::string only;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--entries-big") big = std::stoull(argv[i + 1]);
    if (std::string(argv[i]) == "--only") only = argv[i + 1];
  }
  if (!only.empty() && only != "batch" && only != "threads" && only != "ack" && only != "big") {
    fprintf(stderr, "log_bench: --only takes batch, threads, ack or big, not %s\n", only.c_str());
    return 2;
  }
  auto part = [&](const char* name) { return only.empty() || only == name; };
  char tmpl[] = "/tmp/ledger-bench-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  printf("%-58s %14s %-10s %-34s %s\n", "benchmark", "figure", "unit", "limit (same run)", "");

  // 1. Batches of 1000 durable 300-byte appends vs raw synced RocksDB
  // batches: five rounds of 100,000 entries each, the two taking turns (the
  // disk and the CPUs are shared, and their speed drifts), medians compared.
  const int kRound = 100'000, kRounds = 5;
  if (part("batch")) {
    auto db = OpenRaw(dir + "/raw");
    auto log = OpenLog(dir + "/batch");
    std::vector<double> raws, ourss;
    double raw_cpu = 0, our_cpu = 0;  // CPU seconds of the process during each side's timed rounds
    for (int r = 0; r < kRounds; ++r) {
      const Rate raw_round = RawRocksRate(db.get(), r * kRound, kRound, 1000);
      const Rate our_round = BatchAppendRate(log.get(), kRound, 1000);
      raws.push_back(raw_round.per_second);
      ourss.push_back(our_round.per_second);
      raw_cpu += raw_round.cpu_seconds;
      our_cpu += our_round.cpu_seconds;
    }
    const double raw = Median(raws), ours = Median(ourss);
    printf("  CPU per entry, all threads (RocksDB's flushes included): raw %.2f us, log %.2f us (%.0f%% of the "
           "log's)\n",
           1e6 * raw_cpu / (kRounds * kRound), 1e6 * our_cpu / (kRounds * kRound), 100 * raw_cpu / our_cpu);
    Row("raw RocksDB synced WriteBatch of 1000 x 300 B, median", raw, "entries/s", "(the limit)", true);
    Target("durable batched appends / raw RocksDB [batches of 1000 x 300 B, medians of 5 rounds: " +
               Fixed(ours, 0) + " / " + Fixed(raw, 0) + " entries/s]",
           Fixed(100 * ours / raw, 1) + "%", ">= 70%", ours >= 0.7 * raw);
  }

  // 2. Single appends from 64 threads, each acknowledged only when durable.
  // At most 64 entries can share one WAL sync, so the disk's sync time
  // bounds the rate: printed beside it.
  if (part("threads")) {
    const double fsync_ms = FsyncMs(dir, 200);
    printf("  this disk now: fdatasync after a 4 KB append, median %.2f ms; 64 writers of one entry each: at most "
           "%.0f entries/s (64 per sync)\n",
           fsync_ms, fsync_ms > 0 ? 64 / (fsync_ms / 1000) : 0.0);
    auto log = OpenLog(dir + "/threads");
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> done{0};
    std::vector<std::thread> threads;
    const CpuUse cpu0 = CpuNow();
    auto t0 = Clock::now();
    for (int t = 0; t < 64; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; !stop.load(std::memory_order_relaxed); ++i) {
          if (log->Append({"donation", "bench", Body(t * 1000000 + i), {}}).ok()) done++;
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::seconds(5));
    stop = true;
    for (auto& t : threads) t.join();
    double rate = done / Seconds(t0, Clock::now());
    const CpuUse cpu1 = CpuNow();
    Target("single durable appends from 64 threads [disk: fdatasync " + Fixed(fsync_ms, 2) + " ms, so at most " +
               Fixed(fsync_ms > 0 ? 64 / (fsync_ms / 1000) : 0.0, 0) + "/s]",
           Fixed(rate, 0) + " entries/s", ">= 100000 entries/s", rate >= 100000);
    auto st = log->Stats();
    printf("  %llu batches of %.1f entries on average, %llu WAL syncs (%.1f entries per sync)\n",
           (unsigned long long)st.batches, double(st.entries) / st.batches, (unsigned long long)st.wal_syncs,
           double(st.entries) / st.wal_syncs);
    // What each append costs the machine, whatever the disk: at this cost
    // the cores alone bound the rate, even if every thread always ran.
    const double n = std::max<double>(1, done.load());
    const double user_us = 1e6 * (cpu1.user - cpu0.user) / n, sys_us = 1e6 * (cpu1.sys - cpu0.sys) / n;
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    printf("  CPU per acknowledged append (callers, log, RocksDB): %.1f us (user %.1f, kernel %.1f), %.1f context "
           "switches; %u cores allow at most %.0f appends/s at this cost\n",
           user_us + sys_us, user_us, sys_us, (cpu1.switches - cpu0.switches) / n, cores,
           cores * 1e6 / (user_us + sys_us));
  }

  // Acknowledgement to published checkpoint, at full single-append load:
  // for every acknowledged entry, the time until a checkpoint covering it
  // was published (seen by a watcher waiting on WaitForCheckpoint).
  if (part("ack")) {
    auto log = OpenLog(dir + "/ack-to-checkpoint");
    std::atomic<bool> stop{false};
    std::vector<std::vector<std::pair<uint64_t, Clock::time_point>>> acks(64);
    std::vector<std::pair<uint64_t, Clock::time_point>> published;
    std::thread watcher([&] {
      uint64_t seen = 0;
      while (!stop) {
        auto cp = log->WaitForCheckpoint(seen + 1, std::chrono::milliseconds(100));
        if (cp.ok() && cp->size > seen) {
          seen = cp->size;
          published.emplace_back(seen, Clock::now());
        }
      }
    });
    std::vector<std::thread> writers;
    for (int t = 0; t < 64; ++t) {
      writers.emplace_back([&, t] {
        for (int i = 0; !stop.load(std::memory_order_relaxed); ++i) {
          auto a = log->Append({"donation", "bench", Body(t * 1000000 + i), {}});
          if (a.ok()) acks[t].emplace_back(a->seq, Clock::now());
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::seconds(5));
    stop = true;
    for (auto& w : writers) w.join();
    // Let the last entries be covered before the watcher stops.
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    watcher.join();
    std::vector<double> ms;
    for (const auto& per : acks) {
      for (const auto& [seq, at] : per) {
        auto it = std::upper_bound(published.begin(), published.end(), seq,
                                   [](uint64_t s, const auto& p) { return s < p.first; });
        if (it != published.end()) ms.push_back(std::chrono::duration<double, std::milli>(it->second - at).count());
      }
    }
    std::sort(ms.begin(), ms.end());
    const double p99 = ms.empty() ? 1e9 : ms[ms.size() * 99 / 100];
    Row("acknowledgement to published checkpoint, p99, 64 writers", p99, "ms", "< 1000", p99 < 1000);
    printf("  %zu acknowledged entries, %zu checkpoints, median %.0f ms\n", ms.size(), published.size(),
           ms.empty() ? 0.0 : ms[ms.size() / 2]);
  }

  // 3-5. A log of `big` entries: proofs at 1M, audit of 1M, memory 1M -> big.
  if (part("big")) {
    auto log = OpenLog(dir + "/big");
    long rss_1m = 0;
    uint64_t n = 0;
    auto t0 = Clock::now();
    while (n < big) {
      uint64_t step = std::min<uint64_t>(1'000'000, big - n);
      BatchAppendRate(log.get(), static_cast<int>(step), 4000);
      n += step;
      if (n == 1'000'000) {
        rss_1m = RssKb();
        // Inclusion proofs at size 1M from 2 threads (the machine's cores).
        std::atomic<bool> stop{false};
        std::atomic<uint64_t> proofs{0};
        std::vector<std::thread> readers;
        auto p0 = Clock::now();
        for (int t = 0; t < 2; ++t) {
          readers.emplace_back([&, t] {
            std::mt19937_64 rng(t);
            while (!stop.load(std::memory_order_relaxed)) {
              if (log->InclusionProof(rng() % 1'000'000, 1'000'000).ok()) proofs++;
            }
          });
        }
        std::this_thread::sleep_for(std::chrono::seconds(3));
        stop = true;
        for (auto& r : readers) r.join();
        double rate = proofs / Seconds(p0, Clock::now());
        Row("inclusion proofs, random leaf, 1M-entry log, 2 threads", rate, "proofs/s", ">= 200000", rate >= 200000);
      }
      if (n % 2'000'000 == 0 || n == big) {
        printf("  appended %llu entries (%.0f entries/s), RSS %ld MiB\n", (unsigned long long)n,
               n / Seconds(t0, Clock::now()), RssKb() / 1024);
        fflush(stdout);
      }
    }
    long rss_big = RssKb();
    if (big >= 1'000'000) {
      double growth = 100.0 * (rss_big - rss_1m) / rss_1m;
      Row(("resident memory growth from 1M to " + std::to_string(big / 1'000'000) + "M entries").c_str(), growth,
          "%", "flat (< 10%)", growth < 10);
      printf("  RSS at 1M: %ld MiB, at %lluM: %ld MiB\n", rss_1m / 1024, (unsigned long long)(big / 1'000'000),
             rss_big / 1024);
    }
    log->Close();
  }
  if (part("big")) {
    auto t0 = Clock::now();
    auto report = tlog::AuditLog(dir + "/big");
    double rate = report->tree_size / Seconds(t0, Clock::now());
    Target("audit [" + std::to_string(report->tree_size) + " entries" + (report->ok ? "" : ", FAILED") + "]",
           Fixed(rate, 0) + " entries/s", ">= 1000000 entries/s", report->ok && rate >= 1'000'000);
  }
  fs::remove_all(dir);
  return 0;
}
