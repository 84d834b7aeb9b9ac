// ViewGate: at most `capacity` charity views (pages of entries, reports,
// compliance, traces, flows...) are computed at once; the others wait for a
// free place for up to `max_wait`, then get 503 with
// Retry-After. Views cost CPU in proportion to what they return, writes
// cost little CPU but wait on fsync: without a gate, 16 clients paging
// through entries took both cores of a small machine and cut the write rate
// to a fifth (bench/paging_bench.sh). With capacity at half the cores (at
// least one), writers keep the rest.
//
// Thread-safe.
#ifndef LEDGER_API_VIEW_GATE_H_
#define LEDGER_API_VIEW_GATE_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>

namespace ledger::api {

class ViewGate {
 public:
  // capacity 0: half the hardware threads, at least one.
  explicit ViewGate(int capacity, std::chrono::milliseconds max_wait = std::chrono::seconds(30));
  ViewGate(const ViewGate&) = delete;
  ViewGate& operator=(const ViewGate&) = delete;

  // Held while a view is computed; leaving lets the next waiter in.
  class Pass {
   public:
    Pass(Pass&& o) noexcept : gate_(o.gate_) { o.gate_ = nullptr; }
    Pass& operator=(Pass&&) = delete;
    ~Pass();

   private:
    friend class ViewGate;
    explicit Pass(ViewGate* g) : gate_(g) {}
    ViewGate* gate_;
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

}  // namespace ledger::api

#endif  // LEDGER_API_VIEW_GATE_H_
