// ReadGate: at most `capacity` public reads are computed at once: the charity
// views (pages of entries, reports, compliance, traces, flows...) and the
// log's reads (tiles, entry bundles, entries, proofs, receipts). The others
// wait for a free place for up to `max_wait`, then get 503 with Retry-After.
// Reads cost CPU, writes cost little CPU but wait on fsync and on four
// hand-overs between threads: without a gate, 16 clients paging through
// entries took both cores of a small machine and cut the write rate to a
// fifth (bench/paging_bench.sh), and 16 clients asking for proofs and tiles
// did the same (bench/soak.sh). With capacity at half the cores (at least
// one), writers keep the rest. Checkpoints, health, metrics and the static
// site are not gated: they are cheap and must answer while readers queue.
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

  // A pass, or nullopt when none came free within max_wait.
  std::optional<Pass> Enter();

  int capacity() const { return capacity_; }
  uint64_t refused() const;

 private:
  void Leave();

  const int capacity_;
  const std::chrono::milliseconds max_wait_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  int busy_ = 0;
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
