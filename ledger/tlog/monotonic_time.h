// MonotonicTime: times on record that never decrease. Internal to tlog.
//
// Entry times (seconds, set by the sequencer) and checkpoint times
// (milliseconds, set by the checkpointer) are signed or hashed into the log
// for good, and readers order by them. A wall clock that steps back (NTP, an
// operator, a VM restored from a snapshot) must not write a time earlier than
// one already on record: Next(now) returns max(now, the last time handed out
// or observed), and logs one warning on stderr each time the clock falls
// behind, and one when it has caught up.
//
// Log::Open observes the newest time already stored (the last entry's time,
// the newest checkpoint's), so the clamp holds across restarts.
//
// Thread-safe.
#ifndef LEDGER_TLOG_MONOTONIC_TIME_H_
#define LEDGER_TLOG_MONOTONIC_TIME_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace ledger::tlog {

class MonotonicTime {
 public:
  // `what` names the times in warnings ("entry time"); `unit` their unit
  // ("s" or "ms").
  MonotonicTime(std::string what, std::string unit) : what_(std::move(what)), unit_(std::move(unit)) {}

  // A time already on record: later times are never below it.
  void Observe(int64_t t);
  // max(now, the largest time handed out or observed so far).
  int64_t Next(int64_t now);
  // The largest time handed out or observed (0 before any).
  int64_t last() const;

 private:
  const std::string what_, unit_;
  mutable std::mutex mu_;
  int64_t last_ = 0;
  bool behind_ = false;  // the clock is behind last_: warned once
};

// Parses an entry time "YYYY-MM-DDTHH:MM:SSZ" (entry.h) as unix seconds.
std::optional<int64_t> ParseEntryTime(std::string_view time);

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_MONOTONIC_TIME_H_
