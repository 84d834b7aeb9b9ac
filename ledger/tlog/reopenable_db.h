// ReopenableDB: a rocksdb::DB whose underlying database can be closed and
// opened again while other threads keep the same pointer. Internal to
// ledger/tlog.
//
// Why: after a failed WAL write or sync, RocksDB 7.8 refuses every later
// write for good (DB::Resume() answers the same error, or "Resource busy"),
// and calling SyncWAL on a WAL writer that saw an error aborts the process
// on an assertion. The only way back is to close the database and open it
// again, which replays what reached the WAL files (docs/format.md section 8).
// Everything else in tlog (NodeStore, DbStateReader, the state machine)
// holds a rocksdb::DB*; handing them this wrapper lets the log reopen its
// store without any of them noticing.
//
// Contract:
// - Get, MultiGet (vector form), NewIterator, Put, Write, SyncWAL, FlushWAL,
//   Flush, GetSnapshot, ReleaseSnapshot, GetIntProperty, GetProperty and
//   GetMapProperty hold a reader slot
//   while they run (an iterator holds one until it is deleted). Reopen waits
//   until no slot is held, then swaps the database while new calls wait.
//   Calls are never held back by a pending Reopen (readers first, like a
//   reader-preferring rwlock), so a call made while holding a slot, or
//   holding a lock another reader waits for, cannot deadlock with a reopen.
//   No mutex is held while a call runs: the slots are a count under a mutex
//   taken for a moment, so ThreadSanitizer sees no lock order through the
//   store. Other DB methods are forwarded without a slot: do not call them
//   while a reopen may run.
// - Only the default column family exists; the handle a caller passes is
//   replaced by the current database's own.
// - A value read by Get is copied out of RocksDB's cache before the lock is
//   released, so nothing a caller holds points into a closed database.
// - A snapshot taken before a reopen is released by Reopen; reads with it
//   answer Incomplete ("taken before the store was reopened") and
//   ReleaseSnapshot of it is safe.
// - While no database is open (both opens failed, or after Close), every call answers
//   Incomplete naming the reason.
//
// Thread-safe.
#ifndef LEDGER_TLOG_REOPENABLE_DB_H_
#define LEDGER_TLOG_REOPENABLE_DB_H_

#include <rocksdb/utilities/stackable_db.h>

#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace ledger::tlog {

class ReopenableDB : public rocksdb::StackableDB {
 public:
  // Takes ownership of `db`.
  explicit ReopenableDB(rocksdb::DB* db);
  ~ReopenableDB() override;

  using Opener = std::function<rocksdb::Status(rocksdb::DB**)>;
  struct ReopenResult {
    rocksdb::Status writable;  // the status of `open_writable`
    bool read_only = false;    // the read-only open is serving instead
  };
  // Waits until no call holds the database, closes it and runs
  // `open_writable`; if that fails, `open_read_only` so that reads go on.
  ReopenResult Reopen(const Opener& open_writable, const Opener& open_read_only);
  // Incremented by every Reopen.
  uint64_t generation() const;

  using rocksdb::StackableDB::Get;
  rocksdb::Status Get(const rocksdb::ReadOptions& options, rocksdb::ColumnFamilyHandle* cf,
                      const rocksdb::Slice& key, rocksdb::PinnableSlice* value) override;
  using rocksdb::StackableDB::MultiGet;
  std::vector<rocksdb::Status> MultiGet(const rocksdb::ReadOptions& options,
                                        const std::vector<rocksdb::ColumnFamilyHandle*>& cfs,
                                        const std::vector<rocksdb::Slice>& keys,
                                        std::vector<std::string>* values) override;
  using rocksdb::StackableDB::NewIterator;
  rocksdb::Iterator* NewIterator(const rocksdb::ReadOptions& options,
                                 rocksdb::ColumnFamilyHandle* cf) override;
  using rocksdb::StackableDB::Put;
  rocksdb::Status Put(const rocksdb::WriteOptions& options, rocksdb::ColumnFamilyHandle* cf,
                      const rocksdb::Slice& key, const rocksdb::Slice& value) override;
  rocksdb::Status Write(const rocksdb::WriteOptions& options, rocksdb::WriteBatch* updates) override;
  rocksdb::Status SyncWAL() override;
  rocksdb::Status FlushWAL(bool sync) override;
  using rocksdb::StackableDB::Flush;
  rocksdb::Status Flush(const rocksdb::FlushOptions& options, rocksdb::ColumnFamilyHandle* cf) override;
  const rocksdb::Snapshot* GetSnapshot() override;
  void ReleaseSnapshot(const rocksdb::Snapshot* snapshot) override;
  using rocksdb::StackableDB::GetIntProperty;
  bool GetIntProperty(rocksdb::ColumnFamilyHandle* cf, const rocksdb::Slice& property,
                      uint64_t* value) override;
  using rocksdb::StackableDB::GetProperty;
  bool GetProperty(rocksdb::ColumnFamilyHandle* cf, const rocksdb::Slice& property, std::string* value) override;
  using rocksdb::StackableDB::GetMapProperty;
  bool GetMapProperty(rocksdb::ColumnFamilyHandle* cf, const rocksdb::Slice& property,
                      std::map<std::string, std::string>* value) override;
  rocksdb::ColumnFamilyHandle* DefaultColumnFamily() const override;
  rocksdb::Status Close() override;

  // A reader slot (see the contract above). Movable.
  class Slot {
   public:
    explicit Slot(const ReopenableDB* db);
    Slot(Slot&& o) noexcept : db_(o.db_) { o.db_ = nullptr; }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot();

   private:
    const ReopenableDB* db_;
  };

 private:
  class Snap;
  // Waits until no slot is held and blocks new ones; Unblock lets them in.
  void BlockSlots();
  void UnblockSlots();
  // The snapshot of the current database `options` names, or an error.
  rocksdb::Status Translate(const rocksdb::ReadOptions& options, rocksdb::ReadOptions* out) const;
  rocksdb::Status Missing() const;

  mutable std::mutex slot_mu_;  // held only for a moment
  mutable std::condition_variable slot_cv_;
  mutable size_t slots_ = 0;  // calls using db_ now
  bool swapping_ = false;     // Reopen or Close is replacing db_: new slots wait
  // db_, generation_ and missing_why_ change only while swapping_ with no
  // slot held; they are read holding a slot.
  uint64_t generation_ = 0;
  std::string missing_why_;  // why db_ is null

  std::mutex snap_mu_;
  std::set<Snap*> snaps_;  // snapshots of the current database not yet released
};

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_REOPENABLE_DB_H_
