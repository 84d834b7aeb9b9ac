// ReadGate: while writes are being recorded, at most `capacity` public reads
// are computed at once: the charity views (pages of entries, reports,
// compliance, traces, flows, the 360Giving export...) and the log's reads
// (tiles, entry bundles, entries, proofs, receipts). The others wait for a
// free place for up to `max_wait`, then get 503 with Retry-After.
//
// Reads cost CPU; writes cost little CPU but wait on fsync and on four
// hand-overs between threads, each of which waits for a CPU behind runnable
// readers. Without a gate, 16 clients paging through entries cut the write
// rate to a fifth (bench/paging_bench.sh), and 16 clients asking for proofs
// and tiles cut it to a quarter with a write p99 over a second
// (bench/soak.sh). With capacity at half the cores (at least one), writers
// keep the rest. When no write has been in progress for kWriteLinger, reads
// are not limited: alone, they may use every core (bench/proof_bench.sh).
// Checkpoints, health, metrics and the static site are never gated: they are
// cheap and must answer while readers queue.
//
// Thread-safe.
#ifndef LEDGER_API_READ_GATE_H_
#define LEDGER_API_READ_GATE_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

#include <httplib.h>

namespace ledger::api {

class ReadGate {
 public:
  // How long after the last write ends reads stay limited: a writing client
  // sends its next write at once, so the gaps between writes stay shorter.
  static constexpr std::chrono::milliseconds kWriteLinger{50};

  // capacity 0: half the hardware threads, at least one.
  explicit ReadGate(int capacity, std::chrono::milliseconds max_wait = std::chrono::seconds(30));
  ReadGate(const ReadGate&) = delete;
  ReadGate& operator=(const ReadGate&) = delete;

  // Held while a read is computed; leaving lets the next waiter in.
  class Pass {
   public:
    Pass(Pass&& o) noexcept : gate_(o.gate_) { o.gate_ = nullptr; }
    Pass& operator=(Pass&&) = delete;
    ~Pass();

   private:
    friend class ReadGate;
    friend std::optional<Pass> Admit(ReadGate* gate, httplib::Response& res);
    explicit Pass(ReadGate* g) : gate_(g) {}
    ReadGate* gate_;
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

  int capacity() const { return capacity_; }
  uint64_t refused() const;

 private:
  void Leave();
  void WriteDone();
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
};

// A pass of `gate` (an empty one when `gate` is null), or nullopt after
// writing 503 with Retry-After to `res` when none came free in time.
std::optional<ReadGate::Pass> Admit(ReadGate* gate, httplib::Response& res);

// `handler` computed under a pass of `gate`; 503 with Retry-After when no
// pass comes free in time. A null gate leaves `handler` as it is.
httplib::Server::Handler Gated(ReadGate* gate, httplib::Server::Handler handler);

}  // namespace ledger::api

#endif  // LEDGER_API_READ_GATE_H_
