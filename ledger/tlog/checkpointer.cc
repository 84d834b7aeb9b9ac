// Signing, cosigning, storing and publishing checkpoints (see log_impl.h).
//
// A checkpoint is published as soon as the log signed it and the cosigner's
// short grace passed; cosignatures that come later are added by storing a
// new version of the same checkpoint ('C' <size> <u32 version>, format.md
// section 6). Every version stays stored. Nothing is stored that ParseNote
// (and so this log when it opens again) would refuse.
#include <set>

#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/log_impl.h"
#include "ledger/tlog/store_keys.h"

namespace ledger::tlog {
namespace {

// `note` with those of `lines` appended that are one well-formed signature
// line each, by a key (name and key ID) not yet on the note, up to the
// signature limit. Verifying them is the cosigner's job (it knows the
// witness keys); the log only guarantees the result still parses.
std::string MergeCosignatures(const std::string& note, const std::vector<std::string>& lines) {
  auto parsed = ParseNote(note);
  if (!parsed.ok()) return note;
  std::set<std::pair<std::string, uint32_t>> have;
  for (const NoteSignature& s : parsed->signatures) have.emplace(s.name, s.key_id);
  std::string out = note;
  size_t count = parsed->signatures.size();
  for (const std::string& line : lines) {
    if (!line.starts_with(kSignatureLinePrefix) || line.empty() || line.back() != '\n' ||
        line.find('\n') != line.size() - 1) {
      continue;
    }
    auto one = ParseNote(parsed->text + "\n" + line);
    if (!one.ok() || one->signatures.size() != 1) continue;
    const NoteSignature& s = one->signatures[0];
    if (!have.emplace(s.name, s.key_id).second) continue;
    if (count == kMaxNoteSignatures) {
      fprintf(stderr, "checkpointer: dropped a cosignature by %s: the note holds %zu signatures already\n",
              s.name.c_str(), count);
      continue;
    }
    out += line;
    ++count;
  }
  return ParseNote(out).ok() ? out : note;
}

}  // namespace

Result<Checkpoint> LogImpl::DecodeCheckpoint(uint64_t size, std::string_view record) const {
  if (record.size() < 8) return Corruption("checkpoint record is too short");
  Checkpoint cp;
  cp.unix_ms = static_cast<int64_t>(keys::GetU64(record));
  cp.note = std::string(record.substr(8));
  LEDGER_ASSIGN_OR_RETURN(Note note, ParseNote(cp.note));
  LEDGER_ASSIGN_OR_RETURN(CheckpointBody body, ParseCheckpointBody(note.text));
  if (body.size != size) return Corruption("checkpoint record key and body disagree on the size");
  if (body.origin != origin_) return Corruption("checkpoint record names another origin, " + body.origin);
  cp.size = body.size;
  cp.root = body.root;
  return cp;
}

// From memory, not RocksDB: the checkpointer must not read keys the writer
// thread may be writing (format.md section 6; Init filled the map from the
// stored keys before any thread ran).
Result<uint32_t> LogImpl::NextCheckpointVersion(uint64_t size) const {
  auto it = next_version_.find(size);
  if (it == next_version_.end()) return 0;
  if (it->second == 0) return Status(Code::kResourceExhausted, "no checkpoint version left at this size");
  return it->second;
}

// Checks that the record decodes as this log would decode it on opening,
// stores it under the next free version of its size, and publishes it.
// Caller holds publish_mu_.
Status LogImpl::StoreAndPublish(std::shared_ptr<Checkpoint> cp) {
  std::string record = keys::EncodeU64(static_cast<uint64_t>(cp->unix_ms)) + cp->note;
  auto check = DecodeCheckpoint(cp->size, record);
  if (!check.ok()) {
    return Internal("refusing to store a checkpoint this log could not read back: " +
                    check.status().message());
  }
  LEDGER_ASSIGN_OR_RETURN(uint32_t version, NextCheckpointVersion(cp->size));
  LEDGER_RETURN_IF_ERROR(StoreCheckpoint(keys::CheckpointKey(cp->size, version), std::move(record)));
  next_version_.erase(next_version_.begin(), next_version_.lower_bound(cp->size));
  next_version_[cp->size] = version + 1;  // wraps to 0 only after 2^32 - 1 versions: refused above
  {
    std::lock_guard lock(cp_mu_);
    if (latest_ == nullptr || latest_->size <= cp->size) latest_ = std::move(cp);
  }
  cp_cv_.notify_all();
  return Status::Ok();
}

Status LogImpl::SignCheckpoint(uint64_t size, bool cosign) {
  LEDGER_ASSIGN_OR_RETURN(Hash root, TreeRoot(size, *nodes_));
  std::string text = FormatCheckpointBody(CheckpointBody{origin_, size, root, {}});
  LEDGER_ASSIGN_OR_RETURN(std::string note, SignNote(text, {note_signer_.get()}));
  auto cp = std::make_shared<Checkpoint>();
  cp->size = size;
  cp->root = root;
  cp->unix_ms = checkpoint_time_.Next(Now());  // never decreases (monotonic_time.h)
  std::lock_guard publish(publish_mu_);
  std::vector<std::string> lines;
  if (cosign && options_.cosigner != nullptr && !cosigner_stopped_.load()) {
    lines = options_.cosigner->Cosign(note, size, *this);
  }
  cp->note = MergeCosignatures(note, lines);
  return StoreAndPublish(std::move(cp));
}

void LogImpl::AddCosignatures(uint64_t size, const std::vector<std::string>& lines) {
  if (lines.empty()) return;
  std::lock_guard publish(publish_mu_);
  std::shared_ptr<const Checkpoint> cur;
  {
    std::lock_guard lock(cp_mu_);
    cur = latest_;
  }
  if (cur == nullptr || cur->size != size) return;  // a newer checkpoint supersedes it
  std::string merged = MergeCosignatures(cur->note, lines);
  if (merged == cur->note) return;
  auto cp = std::make_shared<Checkpoint>(*cur);  // unix_ms stays when the log signed it
  cp->note = std::move(merged);
  Status s = StoreAndPublish(std::move(cp));
  if (!s.ok())
    fprintf(stderr, "checkpointer: adding cosignatures to %llu: %s\n", (unsigned long long)size,
            s.ToString().c_str());
}

// Asks the cosigner again for the checkpoint published when the log opened
// (a restart, or one signed on the way down without cosignatures).
void LogImpl::CosignLatest() {
  if (options_.cosigner == nullptr || cosigner_stopped_.load()) return;
  std::shared_ptr<const Checkpoint> cur;
  {
    std::lock_guard lock(cp_mu_);
    cur = latest_;
  }
  if (cur == nullptr) return;
  auto parsed = ParseNote(cur->note);
  if (!parsed.ok()) return;
  Note own{parsed->text, {}};
  for (const NoteSignature& s : parsed->signatures) {
    if (s.name == origin_ && s.key_id == note_signer_->key_id()) own.signatures.push_back(s);
  }
  if (own.signatures.empty()) return;
  AddCosignatures(cur->size, options_.cosigner->Cosign(FormatNote(own), cur->size, *this));
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
  CosignLatest();
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
    Status s = SignCheckpoint(Size(), /*cosign=*/true);
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
  // The newest readable version of that size.
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  Status last = NotFound("no checkpoint was published at size " + std::to_string(size));
  for (it->SeekForPrev(keys::CheckpointKey(size, ~uint32_t{0})); it->Valid(); it->Prev()) {
    uint64_t s;
    uint32_t v;
    if (!keys::ParseCheckpointKey(std::string_view(it->key().data(), it->key().size()), &s, &v) || s != size)
      break;
    auto cp = DecodeCheckpoint(size, std::string_view(it->value().data(), it->value().size()));
    if (cp.ok()) return cp;
    last = cp.status();
  }
  LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "reading the checkpoint at size " + std::to_string(size)));
  return last;
}

Result<Checkpoint> LogImpl::WaitForCheckpoint(uint64_t size, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(cp_mu_);
  bool ok = cp_cv_.wait_for(lock, timeout, [&] { return latest_ != nullptr && latest_->size >= size; });
  if (!ok) {
    return Status(Code::kUnavailable,
                  "no checkpoint covers " + std::to_string(size) + " entries yet; retry shortly");
  }
  return *latest_;
}

}  // namespace ledger::tlog
