// Stopping writes after a failed write, and resuming them (see log_impl.h).
//
// RocksDB 7.8 does not recover from a failed WAL write or sync in place:
// DB::Resume() answers the same error (or "Resource busy"), and calling
// SyncWAL on a WAL writer that saw an error aborts the process. So the log
// reopens its store: ReopenableDB closes the database (once no read holds
// it) and opens it again, which replays every WAL record that reached the
// file and flushes the recovered memtable, then the log reloads the tree's
// edge and the state machine from what the store holds (LoadFromStore,
// LoadWriteEdge, StateMachine::Load). A batch whose write reached the WAL
// before its sync failed is then part of the log, as it is after a crash;
// its appends were answered OutcomeUnknown, never acknowledged.
#include <cstdio>

#include "ledger/tlog/log_impl.h"

namespace ledger::tlog {
namespace {

constexpr std::chrono::milliseconds kResumeFirstBackoff{100};
constexpr std::chrono::milliseconds kResumeMaxBackoff{10000};
// While the disk is under the floor there is no point in reopening: look
// again this often.
constexpr std::chrono::milliseconds kLowDiskRecheck{500};

}  // namespace

void LogImpl::StopWritesLocked(const std::string& cause) {
  if (!failed_) {
    fprintf(stderr, "log: writes stopped: %s\n", cause.c_str());
    stopped_at_ = std::chrono::steady_clock::now();
    resume_backoff_ = kResumeFirstBackoff;
    resume_at_ = stopped_at_ + resume_backoff_;
  }
  failed_ = true;
  health_->Failed(cause);
  writer_cv_.notify_all();
  sequencer_cv_.notify_all();
}

void LogImpl::OnStoreError(const std::string& cause) {
  // Writes stop on the writer thread, between two of its cycles: the
  // sequencer fails the batches in flight only once the writer no longer
  // holds any of them.
  std::lock_guard lock(queue_mu_);
  ++store_errors_;
  if (!failed_ && pending_store_error_.empty()) pending_store_error_ = cause;
  writer_cv_.notify_all();
}

void LogImpl::ApplyPendingStoreErrorLocked() {
  if (pending_store_error_.empty()) return;
  if (!failed_) StopWritesLocked(pending_store_error_);
  pending_store_error_.clear();
}

Status LogImpl::StoppedStatus() const {
  return Status(Code::kUnavailable,
                "writes stopped: " + health_->cause() +
                    "; the log reopens its store by itself once the cause is gone; nothing "
                    "was recorded, retry later");
}

Status LogImpl::FailedBatchStatus(bool handed) const {
  if (!handed) return StoppedStatus();
  return Status(
      Code::kOutcomeUnknown,
      "the outcome is unknown: the entry was handed to the store, but writing or syncing it failed (" +
          health_->cause() +
          "), so it may or may not be in the log. Do not record it again blindly: repeat the request "
          "with the same Idempotency-Key once writes resume (it answers the recorded entry, or records "
          "it once), or look for it among the entries");
}

bool LogImpl::ResumePending() const { return failed_ && !stopping_ && queue_.empty() && inflight_.empty(); }

bool LogImpl::ResumeDue(std::unique_lock<std::mutex>& lock) {
  if (!ResumePending()) return false;
  if (std::chrono::steady_clock::now() < resume_at_) {
    sequencer_cv_.wait_until(lock, resume_at_, [&] { return stopping_; });
    return true;
  }
  if (health_->LowDisk()) {
    resume_at_ = std::chrono::steady_clock::now() + kLowDiskRecheck;
    return true;
  }
  lock.unlock();
  Status s = TryResume();
  lock.lock();
  if (!s.ok()) {
    fprintf(stderr, "log: reopening the store failed (next try in %lld ms): %s\n",
            static_cast<long long>(resume_backoff_.count()), s.ToString().c_str());
    health_->ResumeFailed(s.message());
    resume_at_ = std::chrono::steady_clock::now() + resume_backoff_;
    resume_backoff_ = std::min(resume_backoff_ * 2, kResumeMaxBackoff);
  }
  return true;
}

// Sequencer thread, with writes stopped and nothing queued or in flight:
// the sequencer's own state (frontier, last leaf, edge tiles, staged
// derived state) is rebuilt here, so nothing else touches it meanwhile.
Status LogImpl::TryResume() {
  if (writer_.joinable()) writer_.join();  // it exits as soon as it sees failed_
  const uint64_t before = Size();
  rocksdb::Options opts = StoreRocksOptions(options_, events_);
  const std::string path = options_.path;
  ReopenableDB::ReopenResult r =
      db_->Reopen([&](rocksdb::DB** db) { return rocksdb::DB::Open(opts, path, db); },
                  [&](rocksdb::DB** db) { return rocksdb::DB::OpenForReadOnly(opts, path, db); });
  if (!r.writable.ok()) {
    return IOError("opening the store for writing: " + r.writable.ToString() +
                   (r.read_only ? " (reads are served from a read-only open)" : " (reads fail too)"));
  }
  uint64_t errors_at_open;
  {
    std::lock_guard lock(queue_mu_);
    pending_store_error_.clear();  // errors of the database just closed
    errors_at_open = store_errors_;
  }
  LEDGER_RETURN_IF_ERROR(LoadFromStore());
  const uint64_t size = Size();
  LEDGER_RETURN_IF_ERROR(LoadWriteEdge(size));
  if (options_.state_machine != nullptr) {
    LEDGER_RETURN_IF_ERROR(options_.state_machine->Load(StateSnapshot(), size));
  }
  sequenced_ = size;
  std::chrono::steady_clock::duration stopped_for;
  {
    std::lock_guard lock(queue_mu_);
    if (store_errors_ != errors_at_open) {
      return IOError("the store failed again right after it was reopened: " + health_->cause());
    }
    to_write_.clear();
    written_id_ = synced_id_;
    sync_asked_ = false;
    written_ = handed_ = size;
    failed_ = false;
    writer_stopping_ = false;
    writer_running_ = true;
    stopped_for = std::chrono::steady_clock::now() - stopped_at_;
  }
  writer_ = std::thread([this] { WriterLoop(); });
  health_->Resumed();
  fprintf(
      stderr,
      "log: writes resumed after %.1f s: the store was reopened at %llu entries (%llu of them from batches "
      "whose outcome was reported unknown)\n",
      std::chrono::duration<double>(stopped_for).count(), static_cast<unsigned long long>(size),
      static_cast<unsigned long long>(size - before));
  // The checkpointer waits while writes are stopped; a new size needs a
  // checkpoint.
  { std::lock_guard lock(cp_mu_); }
  cp_cv_.notify_all();
  return Status::Ok();
}

}  // namespace ledger::tlog
