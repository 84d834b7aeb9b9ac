// StateReader and StateWriter over the 'D' key range of the store.
// Internal to ledger/tlog.
//
// DbStateReader reads what is in RocksDB: the latest writes, or, when made
// by SnapshotStateReader, exactly what RocksDB held when the snapshot was
// taken (it keeps the snapshot, and the database, alive while held).
// BatchStateWriter stages the writes of one entry, sees the writes of
// earlier entries of the same batch and of earlier batches not yet written
// to RocksDB (layers), and on Commit moves them into the batch; on Discard
// they vanish.
//
// Thread-safety: DbStateReader is thread-safe; BatchStateWriter is used by
// the sequencer thread only.
#ifndef LEDGER_TLOG_DERIVED_STATE_H_
#define LEDGER_TLOG_DERIVED_STATE_H_

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "ledger/tlog/log.h"

namespace ledger::tlog {

class DbStateReader : public StateReader {
 public:
  // `snapshot` may be null (read the latest writes); when set, it is released
  // when the reader is destroyed.
  DbStateReader(std::shared_ptr<rocksdb::DB> db, const rocksdb::Snapshot* snapshot)
      : db_(std::move(db)), snapshot_(snapshot) {}
  ~DbStateReader() override;
  DbStateReader(const DbStateReader&) = delete;
  DbStateReader& operator=(const DbStateReader&) = delete;

  Result<std::string> Get(std::string_view key) const override;
  Status Scan(std::string_view prefix, std::string_view start,
              const std::function<bool(std::string_view, std::string_view)>& fn) const override;
  Status ScanBack(std::string_view prefix, std::string_view start,
                  const std::function<bool(std::string_view, std::string_view)>& fn) const override;

 private:
  rocksdb::ReadOptions Options() const;
  std::shared_ptr<rocksdb::DB> db_;
  const rocksdb::Snapshot* snapshot_;
};

// A reader of the derived state exactly as RocksDB holds it now.
std::shared_ptr<const StateReader> SnapshotStateReader(const std::shared_ptr<rocksdb::DB>& db);

class BatchStateWriter : public StateWriter {
 public:
  explicit BatchStateWriter(const DbStateReader* db) : db_(db) {}

  Result<std::string> Get(std::string_view key) const override;
  // Scans RocksDB merged with the staged writes.
  Status Scan(std::string_view prefix, std::string_view start,
              const std::function<bool(std::string_view, std::string_view)>& fn) const override;
  Status ScanBack(std::string_view prefix, std::string_view start,
                  const std::function<bool(std::string_view, std::string_view)>& fn) const override;
  void Put(std::string_view key, std::string_view value) override;
  void Delete(std::string_view key) override;

  // The current entry's writes join the batch's.
  void Commit();
  void Discard() { entry_.clear(); }
  // Adds the batch's writes to `batch` in key order and keeps them as a
  // layer, visible to Get, until DropLayers says RocksDB holds them.
  void Flush(rocksdb::WriteBatch* batch, uint64_t end_size);
  // Forgets the layers of batches ending at or below `written_size`.
  void DropLayers(uint64_t written_size);
  // Forgets the writes of the batch being prepared (not the layers).
  void DiscardBatch() {
    batch_.clear();
    entry_.clear();
  }
  // Forgets everything staged, layers included (after a failed write).
  void Clear() {
    batch_.clear();
    entry_.clear();
    layers_.clear();
  }

 private:
  using Staged = std::map<std::string, std::optional<std::string>, std::less<>>;
  // The staged writes over [prefix, start...) merged with the database's.
  Result<Staged> Merged(std::string_view prefix) const;
  const DbStateReader* db_;
  Staged batch_;  // earlier entries of this batch
  Staged entry_;  // the entry being applied
  std::deque<std::pair<uint64_t, Staged>> layers_;  // (end size, writes), oldest first
};

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_DERIVED_STATE_H_
