#include "ledger/tlog/store_health.h"

#include <sys/statvfs.h>

#include <cstdio>

namespace ledger::tlog {

std::string StoreHealth::Bytes(uint64_t n) {
  char buf[64];
  snprintf(buf, sizeof(buf), "%.1f MiB (%llu bytes)", static_cast<double>(n) / (1 << 20),
           static_cast<unsigned long long>(n));
  return buf;
}

StoreHealth::Disk StoreHealth::CheckDisk() {
  // Every append asks: the answer comes from two atomics, and one caller at
  // a time refreshes them once they are kDiskCheckInterval old.
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch())
                          .count();
  const int64_t interval = std::chrono::duration_cast<std::chrono::nanoseconds>(kDiskCheckInterval).count();
  const int64_t checked = checked_ns_.load(std::memory_order_acquire);
  if (checked != 0 && now - checked < interval) return Cached();
  std::unique_lock lock(disk_mu_, std::try_to_lock);
  if (!lock.owns_lock()) {
    if (checked != 0) return Cached();  // another caller is refreshing
    lock.lock();                        // the very first look: wait for it
  }
  struct statvfs st;
  if (statvfs(path_.c_str(), &st) == 0) {
    free_bytes_.store(static_cast<uint64_t>(st.f_bavail) * st.f_frsize, std::memory_order_relaxed);
    known_.store(true, std::memory_order_relaxed);
  } else {
    known_.store(false, std::memory_order_relaxed);
  }
  checked_ns_.store(now, std::memory_order_release);
  return Cached();
}

StoreHealth::Disk StoreHealth::Cached() const {
  Disk d;
  d.free_bytes = free_bytes_.load(std::memory_order_relaxed);
  d.known = known_.load(std::memory_order_relaxed);
  return d;
}

bool StoreHealth::LowDisk() {
  const Disk d = CheckDisk();
  return d.known && (d.free_bytes < floor_ || d.free_bytes == 0);
}

std::string StoreHealth::LowDiskSentence(const Disk& d) const {
  return "only " + Bytes(d.free_bytes) + " is free on the volume of " + path_ + ", under the floor of " +
         Bytes(floor_) + " kept free for the store; writes are refused until space is freed";
}

void StoreHealth::Failed(const std::string& cause) {
  std::lock_guard lock(mu_);
  if (failed_.load()) return;  // the same failure, seen again (RocksDB's listener and the writer)
  ++failures_;
  cause_ = cause;
  failed_.store(true, std::memory_order_release);
}

void StoreHealth::ResumeFailed(const std::string& why) {
  std::lock_guard lock(mu_);
  last_attempt_ = why;
}

void StoreHealth::Resumed() {
  std::lock_guard lock(mu_);
  ++resumes_;
  cause_.clear();
  last_attempt_.clear();
  failed_.store(false, std::memory_order_release);
}

std::string StoreHealth::cause() const {
  std::lock_guard lock(mu_);
  return cause_;
}

Status StoreHealth::Admit() {
  const Disk d = CheckDisk();
  if (d.known && (d.free_bytes < floor_ || d.free_bytes == 0)) {
    return Status(Code::kInsufficientStorage, LowDiskSentence(d) + "; nothing was recorded");
  }
  if (failed()) {
    return Status(Code::kUnavailable,
                  "writes stopped: " + cause() +
                      "; the log reopens its store by itself once the cause is gone; nothing "
                      "was recorded, retry later");
  }
  return Status::Ok();
}

StoreStatus StoreHealth::Snapshot() {
  const Disk d = CheckDisk();
  StoreStatus s;
  s.free_bytes = d.free_bytes;
  s.min_free_bytes = floor_;
  s.low_disk = d.known && (d.free_bytes < floor_ || d.free_bytes == 0);
  std::lock_guard lock(mu_);
  s.failures = failures_;
  s.resumes = resumes_;
  s.retrying = failed_.load();
  s.writable = !s.low_disk && !s.retrying;
  if (s.retrying) {
    s.stopped = cause_ + "; the log reopens its store by itself once the cause is gone";
    if (!last_attempt_.empty()) s.stopped += " (last attempt: " + last_attempt_ + ")";
    if (s.low_disk) s.stopped += " (" + LowDiskSentence(d) + ")";
  } else if (s.low_disk) {
    s.stopped = LowDiskSentence(d);
  }
  return s;
}

}  // namespace ledger::tlog
