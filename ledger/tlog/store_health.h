// StoreHealth: whether the log's store takes appends now, and why not.
// Internal to ledger/tlog.
//
// Two things stop appends:
// - low disk: the volume holding the store has less free space than
//   Options::min_free_bytes (statvfs f_bavail, looked at no more often than
//   every kDiskCheckInterval, so the check costs nothing per append).
//   Appends answer InsufficientStorage and are taken again as soon as the
//   space is back; nothing needs repairing. The floor is a reserve: what a
//   memtable flush, a compaction step and the checkpoints of the entries
//   already taken need, so the disk does not fill under RocksDB;
// - a failed store: a write or WAL sync failed, or RocksDB reported a
//   background error. The store must be reopened (store_resume.cc), which the
//   log retries with backoff; until then appends answer Unavailable (or
//   InsufficientStorage while the disk is also low, since no retry can
//   succeed before space is freed).
//
// Thread-safe.
#ifndef LEDGER_TLOG_STORE_HEALTH_H_
#define LEDGER_TLOG_STORE_HEALTH_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

#include "ledger/base/status.h"
#include "ledger/tlog/log.h"

namespace ledger::tlog {

inline constexpr std::chrono::milliseconds kDiskCheckInterval{100};

class StoreHealth {
 public:
  StoreHealth(std::string path, uint64_t min_free_bytes) : path_(std::move(path)), floor_(min_free_bytes) {}

  // Free bytes on the store's volume, from a statvfs at most
  // kDiskCheckInterval old; `known` false when statvfs failed.
  struct Disk {
    uint64_t free_bytes = 0;
    bool known = false;
  };
  Disk CheckDisk();
  // The disk is under the floor (or completely full).
  bool LowDisk();

  // Records a failed store; the first cause is kept until Resumed.
  void Failed(const std::string& cause);
  // An attempt to reopen the store failed (shown beside the cause).
  void ResumeFailed(const std::string& why);
  // The store was reopened and takes writes again.
  void Resumed();
  bool failed() const { return failed_.load(std::memory_order_acquire); }
  std::string cause() const;

  // OK when an append may be queued now; otherwise the status it answers.
  Status Admit();
  StoreStatus Snapshot();

  // "12.0 MiB (12582912 bytes)"
  static std::string Bytes(uint64_t n);

 private:
  std::string LowDiskSentence(const Disk& d) const;

  const std::string path_;
  const uint64_t floor_;

  Disk Cached() const;

  std::mutex disk_mu_;                  // one refresher at a time
  std::atomic<int64_t> checked_ns_{0};  // steady clock of the last statvfs; 0 = never
  std::atomic<uint64_t> free_bytes_{0};
  std::atomic<bool> known_{false};

  std::atomic<bool> failed_{false};
  mutable std::mutex mu_;
  std::string cause_;
  std::string last_attempt_;  // why the last reopen failed
  uint64_t failures_ = 0, resumes_ = 0;
};

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_STORE_HEALTH_H_
