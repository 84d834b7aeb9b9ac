#include "ledger/tlog/monotonic_time.h"

#include <cstdio>
#include <ctime>

#include "ledger/tlog/entry.h"

namespace ledger::tlog {

void MonotonicTime::Observe(int64_t t) {
  std::lock_guard lock(mu_);
  if (t > last_) last_ = t;
}

int64_t MonotonicTime::Next(int64_t now) {
  std::lock_guard lock(mu_);
  if (now < last_) {
    if (!behind_) {
      behind_ = true;
      fprintf(stderr,
              "log: WARNING: the clock is %lld %s behind the last %s on record; %ss stay at %lld until it "
              "catches up (times in the log never decrease)\n",
              static_cast<long long>(last_ - now), unit_.c_str(), what_.c_str(), what_.c_str(),
              static_cast<long long>(last_));
    }
    return last_;
  }
  if (behind_) {
    behind_ = false;
    fprintf(stderr, "log: the clock has caught up with the last %s on record\n", what_.c_str());
  }
  last_ = now;
  return now;
}

int64_t MonotonicTime::last() const {
  std::lock_guard lock(mu_);
  return last_;
}

std::optional<int64_t> ParseEntryTime(std::string_view time) {
  if (!IsValidEntryTime(time)) return std::nullopt;
  auto num = [&](size_t at, size_t n) {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) v = v * 10 + (time[i] - '0');
    return v;
  };
  struct tm tm {};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(5, 2) - 1;
  tm.tm_mday = num(8, 2);
  tm.tm_hour = num(11, 2);
  tm.tm_min = num(14, 2);
  tm.tm_sec = num(17, 2);
  return static_cast<int64_t>(timegm(&tm));
}

}  // namespace ledger::tlog
