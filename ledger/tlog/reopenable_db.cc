#include "ledger/tlog/reopenable_db.h"

#include <rocksdb/snapshot.h>

#include <memory>

namespace ledger::tlog {

// A snapshot handed to callers: the real one of the database open when it
// was taken, and that database's generation.
class ReopenableDB::Snap : public rocksdb::Snapshot {
 public:
  Snap(const rocksdb::Snapshot* inner, uint64_t generation) : inner_(inner), generation_(generation) {}
  rocksdb::SequenceNumber GetSequenceNumber() const override {
    return inner_ ? inner_->GetSequenceNumber() : 0;
  }
  int64_t GetUnixTime() const override { return inner_ ? inner_->GetUnixTime() : 0; }
  uint64_t GetTimestamp() const override { return inner_ ? inner_->GetTimestamp() : 0; }

  const rocksdb::Snapshot* inner_;  // null once released by a reopen
  const uint64_t generation_;
};

namespace {

// An iterator of the current database that keeps it open while it lives.
class PinnedIterator : public rocksdb::Iterator {
 public:
  PinnedIterator(ReopenableDB::Slot slot, rocksdb::Iterator* it) : slot_(std::move(slot)), it_(it) {}
  ~PinnedIterator() override { it_.reset(); }  // before the slot is released
  bool Valid() const override { return it_->Valid(); }
  void SeekToFirst() override { it_->SeekToFirst(); }
  void SeekToLast() override { it_->SeekToLast(); }
  void Seek(const rocksdb::Slice& target) override { it_->Seek(target); }
  void SeekForPrev(const rocksdb::Slice& target) override { it_->SeekForPrev(target); }
  void Next() override { it_->Next(); }
  void Prev() override { it_->Prev(); }
  rocksdb::Slice key() const override { return it_->key(); }
  rocksdb::Slice value() const override { return it_->value(); }
  rocksdb::Status status() const override { return it_->status(); }
  rocksdb::Status Refresh() override { return it_->Refresh(); }
  rocksdb::Status GetProperty(std::string name, std::string* prop) override {
    return it_->GetProperty(std::move(name), prop);
  }

 private:
  ReopenableDB::Slot slot_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

}  // namespace

ReopenableDB::Slot::Slot(const ReopenableDB* db) : db_(db) {
  std::unique_lock lock(db_->slot_mu_);
  db_->slot_cv_.wait(lock, [&] { return !db_->swapping_; });
  db_->slots_++;
}

ReopenableDB::Slot::~Slot() {
  if (db_ == nullptr) return;
  std::lock_guard lock(db_->slot_mu_);
  if (--db_->slots_ == 0) db_->slot_cv_.notify_all();
}

void ReopenableDB::BlockSlots() {
  std::unique_lock lock(slot_mu_);
  slot_cv_.wait(lock, [&] { return slots_ == 0 && !swapping_; });
  swapping_ = true;
}

void ReopenableDB::UnblockSlots() {
  std::lock_guard lock(slot_mu_);
  swapping_ = false;
  slot_cv_.notify_all();
}

ReopenableDB::ReopenableDB(rocksdb::DB* db) : StackableDB(db) {}

ReopenableDB::~ReopenableDB() {
  std::lock_guard snap_lock(snap_mu_);
  for (Snap* s : snaps_) {
    if (db_ != nullptr && s->inner_ != nullptr) db_->ReleaseSnapshot(s->inner_);
    s->inner_ = nullptr;
  }
  snaps_.clear();
  // ~StackableDB deletes db_.
}

uint64_t ReopenableDB::generation() const {
  Slot slot(this);
  return generation_;
}

rocksdb::Status ReopenableDB::Missing() const {
  return rocksdb::Status::Incomplete("the store is not open: " + missing_why_);
}

ReopenableDB::ReopenResult ReopenableDB::Reopen(const Opener& open_writable, const Opener& open_read_only) {
  BlockSlots();
  struct Unblock {
    ReopenableDB* db;
    ~Unblock() { db->UnblockSlots(); }
  } unblock{this};
  {
    // RocksDB refuses to close with snapshots outstanding; readers holding
    // one get Incomplete from now on.
    std::lock_guard snap_lock(snap_mu_);
    for (Snap* s : snaps_) {
      if (db_ != nullptr && s->inner_ != nullptr) db_->ReleaseSnapshot(s->inner_);
      s->inner_ = nullptr;
    }
    snaps_.clear();
  }
  if (db_ != nullptr) {
    // A database that saw a write error answers "Seen error" here; its
    // files are what the next open replays.
    db_->Close().PermitUncheckedError();
    delete db_;
    db_ = nullptr;
  }
  ++generation_;
  ReopenResult result;
  rocksdb::DB* fresh = nullptr;
  result.writable = open_writable(&fresh);
  if (result.writable.ok()) {
    db_ = fresh;
    return result;
  }
  missing_why_ = result.writable.ToString();
  fresh = nullptr;
  rocksdb::Status ro = open_read_only(&fresh);
  if (ro.ok()) {
    db_ = fresh;
    result.read_only = true;
  } else {
    missing_why_ += "; read-only: " + ro.ToString();
  }
  return result;
}

rocksdb::Status ReopenableDB::Translate(const rocksdb::ReadOptions& options,
                                        rocksdb::ReadOptions* out) const {
  *out = options;
  if (options.snapshot == nullptr) return rocksdb::Status::OK();
  // Every snapshot callers hold came from GetSnapshot below.
  auto* s = static_cast<const Snap*>(options.snapshot);
  if (s->generation_ != generation_ || s->inner_ == nullptr) {
    return rocksdb::Status::Incomplete("the snapshot was taken before the store was reopened; read again");
  }
  out->snapshot = s->inner_;
  return rocksdb::Status::OK();
}

rocksdb::Status ReopenableDB::Get(const rocksdb::ReadOptions& options, rocksdb::ColumnFamilyHandle*,
                                  const rocksdb::Slice& key, rocksdb::PinnableSlice* value) {
  Slot slot(this);
  if (db_ == nullptr) return Missing();
  rocksdb::ReadOptions ro;
  rocksdb::Status s = Translate(options, &ro);
  if (!s.ok()) return s;
  s = db_->Get(ro, db_->DefaultColumnFamily(), key, value);
  if (s.ok() && value->IsPinned()) {
    // The value may point into the block cache of this database: copy it
    // out before a reopen can close it.
    std::string copy(value->data(), value->size());
    value->Reset();
    value->PinSelf(copy);
  }
  return s;
}

std::vector<rocksdb::Status> ReopenableDB::MultiGet(const rocksdb::ReadOptions& options,
                                                    const std::vector<rocksdb::ColumnFamilyHandle*>& cfs,
                                                    const std::vector<rocksdb::Slice>& keys,
                                                    std::vector<std::string>* values) {
  Slot slot(this);
  if (db_ == nullptr) return std::vector<rocksdb::Status>(keys.size(), Missing());
  rocksdb::ReadOptions ro;
  rocksdb::Status s = Translate(options, &ro);
  if (!s.ok()) return std::vector<rocksdb::Status>(keys.size(), s);
  std::vector<rocksdb::ColumnFamilyHandle*> defaults(cfs.size(), db_->DefaultColumnFamily());
  return db_->MultiGet(ro, defaults, keys, values);
}

rocksdb::Iterator* ReopenableDB::NewIterator(const rocksdb::ReadOptions& options,
                                             rocksdb::ColumnFamilyHandle*) {
  Slot slot(this);
  if (db_ == nullptr) return rocksdb::NewErrorIterator(Missing());
  rocksdb::ReadOptions ro;
  rocksdb::Status s = Translate(options, &ro);
  if (!s.ok()) return rocksdb::NewErrorIterator(s);
  rocksdb::Iterator* it = db_->NewIterator(ro, db_->DefaultColumnFamily());
  return new PinnedIterator(std::move(slot), it);
}

rocksdb::Status ReopenableDB::Put(const rocksdb::WriteOptions& options, rocksdb::ColumnFamilyHandle*,
                                  const rocksdb::Slice& key, const rocksdb::Slice& value) {
  Slot slot(this);
  if (db_ == nullptr) return Missing();
  return db_->Put(options, db_->DefaultColumnFamily(), key, value);
}

rocksdb::Status ReopenableDB::Write(const rocksdb::WriteOptions& options, rocksdb::WriteBatch* updates) {
  Slot slot(this);
  if (db_ == nullptr) return Missing();
  return db_->Write(options, updates);
}

rocksdb::Status ReopenableDB::SyncWAL() {
  Slot slot(this);
  if (db_ == nullptr) return Missing();
  return db_->SyncWAL();
}

rocksdb::Status ReopenableDB::FlushWAL(bool sync) {
  Slot slot(this);
  if (db_ == nullptr) return Missing();
  return db_->FlushWAL(sync);
}

rocksdb::Status ReopenableDB::Flush(const rocksdb::FlushOptions& options, rocksdb::ColumnFamilyHandle*) {
  Slot slot(this);
  if (db_ == nullptr) return Missing();
  return db_->Flush(options, db_->DefaultColumnFamily());
}

const rocksdb::Snapshot* ReopenableDB::GetSnapshot() {
  Slot slot(this);
  auto* s = new Snap(db_ != nullptr ? db_->GetSnapshot() : nullptr, generation_);
  if (s->inner_ != nullptr) {
    std::lock_guard snap_lock(snap_mu_);
    snaps_.insert(s);
  }
  return s;
}

void ReopenableDB::ReleaseSnapshot(const rocksdb::Snapshot* snapshot) {
  if (snapshot == nullptr) return;
  auto* s = const_cast<Snap*>(static_cast<const Snap*>(snapshot));
  Slot slot(this);
  {
    std::lock_guard snap_lock(snap_mu_);
    if (snaps_.erase(s) > 0 && db_ != nullptr && s->inner_ != nullptr) db_->ReleaseSnapshot(s->inner_);
  }
  delete s;
}

bool ReopenableDB::GetIntProperty(rocksdb::ColumnFamilyHandle*, const rocksdb::Slice& property,
                                  uint64_t* value) {
  Slot slot(this);
  if (db_ == nullptr) return false;
  return db_->GetIntProperty(db_->DefaultColumnFamily(), property, value);
}

bool ReopenableDB::GetProperty(rocksdb::ColumnFamilyHandle*, const rocksdb::Slice& property, std::string* value) {
  Slot slot(this);
  if (db_ == nullptr) return false;
  return db_->GetProperty(db_->DefaultColumnFamily(), property, value);
}

bool ReopenableDB::GetMapProperty(rocksdb::ColumnFamilyHandle*, const rocksdb::Slice& property,
                                  std::map<std::string, std::string>* value) {
  Slot slot(this);
  if (db_ == nullptr) return false;
  return db_->GetMapProperty(db_->DefaultColumnFamily(), property, value);
}

rocksdb::ColumnFamilyHandle* ReopenableDB::DefaultColumnFamily() const {
  Slot slot(this);
  return db_ != nullptr ? db_->DefaultColumnFamily() : nullptr;
}

rocksdb::Status ReopenableDB::Close() {
  BlockSlots();
  struct Unblock {
    ReopenableDB* db;
    ~Unblock() { db->UnblockSlots(); }
  } unblock{this};
  if (db_ == nullptr) return rocksdb::Status::OK();
  {
    std::lock_guard snap_lock(snap_mu_);
    for (Snap* s : snaps_) {
      if (s->inner_ != nullptr) db_->ReleaseSnapshot(s->inner_);
      s->inner_ = nullptr;
    }
    snaps_.clear();
  }
  rocksdb::Status s = db_->Close();
  // Calls after Close answer Incomplete instead of touching a closed DB.
  delete db_;
  db_ = nullptr;
  missing_why_ = "the log was closed";
  return s;
}

}  // namespace ledger::tlog
