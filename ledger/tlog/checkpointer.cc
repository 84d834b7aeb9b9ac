// Signing and publishing checkpoints (see log_impl.h).
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/log_impl.h"
#include "ledger/tlog/store_keys.h"

namespace ledger::tlog {

Result<Checkpoint> LogImpl::DecodeCheckpoint(uint64_t size, std::string_view record) const {
  if (record.size() < 8) return Corruption("checkpoint record is too short");
  Checkpoint cp;
  cp.unix_ms = static_cast<int64_t>(keys::GetU64(record));
  cp.note = std::string(record.substr(8));
  LEDGER_ASSIGN_OR_RETURN(Note note, ParseNote(cp.note));
  LEDGER_ASSIGN_OR_RETURN(CheckpointBody body, ParseCheckpointBody(note.text));
  if (body.size != size) return Corruption("checkpoint record key and body disagree on the size");
  cp.size = body.size;
  cp.root = body.root;
  return cp;
}

Status LogImpl::SignCheckpoint(uint64_t size) {
  LEDGER_ASSIGN_OR_RETURN(Hash root, TreeRoot(size, *nodes_));
  std::string text = FormatCheckpointBody(CheckpointBody{origin_, size, root, {}});
  LEDGER_ASSIGN_OR_RETURN(std::string note, SignNote(text, {note_signer_.get()}));
  if (options_.cosigner != nullptr) {
    for (const std::string& line : options_.cosigner->Cosign(note, size)) note += line;
  }
  auto cp = std::make_shared<Checkpoint>();
  cp->size = size;
  cp->root = root;
  cp->note = std::move(note);
  cp->unix_ms = checkpoint_time_.Next(Now());  // never decreases (monotonic_time.h)
  std::string record = keys::EncodeU64(static_cast<uint64_t>(cp->unix_ms)) + cp->note;
  LEDGER_RETURN_IF_ERROR(StoreCheckpoint(keys::CheckpointKey(size), std::move(record)));
  {
    std::lock_guard lock(cp_mu_);
    latest_ = std::move(cp);
  }
  cp_cv_.notify_all();
  return Status::Ok();
}

Status LogImpl::StoreCheckpoint(std::string key, std::string value) {
  SideWrite w{std::move(key), std::move(value), {}};
  std::future<rocksdb::Status> done = w.done.get_future();
  bool queued = false;
  {
    std::lock_guard lock(queue_mu_);
    if (failed_) return Status(Code::kUnavailable, "the log stopped after a failed write");
    if (writer_running_) {
      side_writes_.push_back(&w);
      queued = true;
    }
  }
  if (queued) {
    writer_cv_.notify_one();
    return FromRocks(done.get(), "storing a checkpoint");  // the writer answers every queued write
  }
  rocksdb::WriteOptions wo;
  wo.sync = true;
  return FromRocks(db_->Put(wo, w.key, w.value), "storing a checkpoint");
}

void LogImpl::CheckpointerLoop() {
  auto last_signed = std::chrono::steady_clock::now();
  std::unique_lock lock(cp_mu_);
  while (!cp_stopping_) {
    const uint64_t published = latest_ ? latest_->size : 0;
    // While writes are stopped a checkpoint could not be stored: wait for
    // the resume (store_resume.cc notifies).
    if (Size() <= published || health_->failed()) {
      cp_cv_.wait(lock, [&] { return cp_stopping_ || (Size() > published && !health_->failed()); });
      continue;
    }
    // At most one checkpoint per interval.
    auto due = last_signed + options_.checkpoint_interval;
    if (std::chrono::steady_clock::now() < due) {
      cp_cv_.wait_until(lock, due, [&] { return cp_stopping_; });
      continue;
    }
    lock.unlock();
    last_signed = std::chrono::steady_clock::now();
    Status s = SignCheckpoint(Size());
    if (!s.ok()) fprintf(stderr, "checkpointer: %s\n", s.ToString().c_str());
    lock.lock();
  }
}

Result<Checkpoint> LogImpl::LatestCheckpoint() const {
  std::lock_guard lock(cp_mu_);
  if (latest_ == nullptr) return NotFound("no checkpoint has been published yet");
  return *latest_;
}

Result<Checkpoint> LogImpl::CheckpointAt(uint64_t size) const {
  std::string value;
  LEDGER_RETURN_IF_ERROR(FromRocks(db_->Get(rocksdb::ReadOptions(), keys::CheckpointKey(size), &value),
                                   "checkpoint at size " + std::to_string(size)));
  return DecodeCheckpoint(size, value);
}

Result<Checkpoint> LogImpl::WaitForCheckpoint(uint64_t size, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(cp_mu_);
  bool ok = cp_cv_.wait_for(lock, timeout, [&] { return latest_ != nullptr && latest_->size >= size; });
  if (!ok) {
    return Status(Code::kUnavailable, "no checkpoint covers " + std::to_string(size) +
                                          " entries yet; retry shortly");
  }
  return *latest_;
}

}  // namespace ledger::tlog
