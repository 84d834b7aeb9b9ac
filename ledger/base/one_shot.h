// OneShot<T>: a value handed once from one thread to another that waits for
// it: the log's answer to an append (tlog::PendingAppends).
//
// What std::promise and std::future cost per handoff here, on Linux with
// libstdc++: set_value runs std::call_once, whose pthread_once makes a
// futex wake system call every time, waiter or not, and then a second one
// to wake the waiter. The log answers every append this way, one caller at
// a time, from its sequencer thread; on a virtual machine each system call
// costs microseconds of that thread's time. OneShot makes at most one: the
// waiter sleeps on a futex only if the value is not there yet, and Set
// wakes it only if it sleeps.
#ifndef LEDGER_BASE_ONE_SHOT_H_
#define LEDGER_BASE_ONE_SHOT_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <utility>

namespace ledger {
namespace one_shot_internal {

// Sleeps while *word == expected (or until a wake-up); may return early.
void FutexWait(std::atomic<uint32_t>* word, uint32_t expected);
// Wakes every thread sleeping on *word.
void FutexWake(std::atomic<uint32_t>* word);

}  // namespace one_shot_internal

template <typename T>
class OneShot {
 public:
  // Stores the value and wakes the waiter. Call once, holding a reference
  // to this OneShot of one's own: the waiter may return and drop its
  // reference before Set has returned.
  void Set(T value) {
    value_ = std::move(value);
    if (state_.exchange(kSet, std::memory_order_acq_rel) == kSleeping) one_shot_internal::FutexWake(&state_);
  }

  // Waits until Set has run, then moves the value out. Call once, from one thread.
  T Take() {
    uint32_t seen = kEmpty;
    if (state_.compare_exchange_strong(seen, kSleeping, std::memory_order_acquire)) {
      do {
        one_shot_internal::FutexWait(&state_, kSleeping);
      } while (state_.load(std::memory_order_acquire) != kSet);
    }
    return std::move(value_);
  }

 private:
  enum : uint32_t { kEmpty, kSleeping, kSet };
  std::atomic<uint32_t> state_{kEmpty};
  T value_{};
};

// The waiting side of a OneShot shared with its setter, in the manner of
// std::future: get() once.
template <typename T>
class OneShotFuture {
 public:
  OneShotFuture() = default;
  explicit OneShotFuture(std::shared_ptr<OneShot<T>> shot) : shot_(std::move(shot)) {}

  bool valid() const { return shot_ != nullptr; }
  T get() {
    T value = shot_->Take();
    shot_.reset();
    return value;
  }

 private:
  std::shared_ptr<OneShot<T>> shot_;
};

}  // namespace ledger

#endif  // LEDGER_BASE_ONE_SHOT_H_
