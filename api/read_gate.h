// ReadGate: while writes are being recorded, at most `capacity` public reads
// are computed at once: the charity views (pages of entries, reports,
// compliance, traces, flows, the 360Giving export...) and the log's reads
// (tiles, entry bundles, entries, proofs, receipts). The others wait for a
// free place for up to `max_wait`, then get 503 with Retry-After.
//
// Reads cost CPU; writes cost little CPU but wait on fsync and on four
// hand-overs between threads, each of which waits for a CPU behind runnable
// readers. Two things keep CPU for writers while they are recorded:
//   - the limit: at most `capacity` reads at once (half the cores, at least
//     one, by default);
//   - the priority: a read admitted while writes are limited runs on one of
//     the gate's own `capacity` threads at nice kReadNice, so that a writer's
//     thread that wakes up takes the CPU from it at once instead of waiting
//     for its time slice (the caller's thread waits for it). A thread may
//     always lower its own priority, but only a privileged one may raise it
//     again: the readers get threads of their own instead of lowering and
//     restoring the shared HTTP threads.
// Without a gate, 16 clients paging through entries cut the write rate to a
// fifth (bench/paging_bench.sh), and 16 clients asking for proofs and tiles
// cut it to a quarter with a write p99 over a second (bench/soak.sh). When no
// write has been in progress for kWriteLinger, reads are not limited and run
// on the caller's thread at its priority: alone, they may use every core
// without a hand-over (bench/proof_bench.sh). Checkpoints, health, metrics
// and the static site are never gated: they are cheap and must answer while
// readers queue.
//
// Thread-safe.
#ifndef LEDGER_API_READ_GATE_H_
#define LEDGER_API_READ_GATE_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <httplib.h>

namespace ledger::api {

class ReadGate {
 public:
  // How long after the last write ends reads stay limited: a writing client
  // sends its next write at once, so the gaps between writes stay shorter.
  static constexpr std::chrono::milliseconds kWriteLinger{50};
  // The nice value of the gate's threads (the lowest priority there is).
  static constexpr int kReadNice = 19;

  // capacity 0: half the hardware threads, at least one.
  explicit ReadGate(int capacity, std::chrono::milliseconds max_wait = std::chrono::seconds(30));
  ~ReadGate();
  ReadGate(const ReadGate&) = delete;
  ReadGate& operator=(const ReadGate&) = delete;

  // Held while a read is computed; leaving lets the next waiter in.
  class Pass {
   public:
    Pass(Pass&& o) noexcept : gate_(o.gate_), yields_(o.yields_) { o.gate_ = nullptr; }
    Pass& operator=(Pass&&) = delete;
    ~Pass();

   private:
    friend class ReadGate;
    Pass(ReadGate* g, bool yields) : gate_(g), yields_(yields) {}
    ReadGate* gate_;
    bool yields_;  // admitted while reads were limited: computed at kReadNice
  };

  // Held while an authenticated write is recorded: reads are limited to
  // `capacity` from now until kWriteLinger after the last one is left.
  class Writing {
   public:
    Writing(Writing&& o) noexcept : gate_(o.gate_) { o.gate_ = nullptr; }
    Writing& operator=(Writing&&) = delete;
    ~Writing();

   private:
    friend class ReadGate;
    explicit Writing(ReadGate* g) : gate_(g) {}
    ReadGate* gate_;
  };

  // A pass, or nullopt when none came free within max_wait.
  std::optional<Pass> Enter();
  Writing Write();

  // Computes `read` under `pass`: on one of the gate's low-priority threads
  // (the caller waits) if the pass was admitted while reads were limited,
  // otherwise on the caller's thread. An exception of `read` is rethrown here.
  void Run(const Pass& pass, const std::function<void()>& read);

  int capacity() const { return capacity_; }
  uint64_t refused() const;

 private:
  struct Task;
  void Leave();
  void WriteDone();
  void Worker();
  // Whether reads are limited now; mu_ held.
  bool Limited(std::chrono::steady_clock::time_point now) const;

  const int capacity_;
  const std::chrono::milliseconds max_wait_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int busy_ = 0;
  int writes_ = 0;
  std::chrono::steady_clock::time_point last_write_{};
  uint64_t refused_ = 0;

  // The low-priority threads and the reads handed to them.
  std::mutex tasks_mu_;
  std::condition_variable tasks_cv_;
  std::deque<Task*> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

// `read` computed under a pass of `gate` (ReadGate::Run; directly when `gate`
// is null); false, after writing 503 with Retry-After to `res`, when no pass
// came free in time.
bool Admit(ReadGate* gate, httplib::Response& res, const std::function<void()>& read);

// `handler` computed under a pass of `gate` (Admit). A null gate leaves
// `handler` as it is.
httplib::Server::Handler Gated(ReadGate* gate, httplib::Server::Handler handler);

}  // namespace ledger::api

#endif  // LEDGER_API_READ_GATE_H_
