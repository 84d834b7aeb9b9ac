// StateReader and StateWriter over the 'D' key range of the store.
// Internal to ledger/tlog.
//
// DbStateReader reads what is in RocksDB. BatchStateWriter stages the writes
// of one entry, sees the writes of earlier entries of the same batch, and on
// Commit moves them into the batch; on Discard they vanish.
//
// Thread-safety: DbStateReader is thread-safe; BatchStateWriter is used by
// the sequencer thread only.
#ifndef LEDGER_TLOG_DERIVED_STATE_H_
#define LEDGER_TLOG_DERIVED_STATE_H_

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <map>
#include <optional>
#include <string>

#include "ledger/tlog/log.h"

namespace ledger::tlog {

class DbStateReader : public StateReader {
 public:
  explicit DbStateReader(rocksdb::DB* db) : db_(db) {}
  Result<std::string> Get(std::string_view key) const override;
  Status Scan(std::string_view prefix, std::string_view start,
              const std::function<bool(std::string_view, std::string_view)>& fn) const override;

 private:
  rocksdb::DB* db_;
};

class BatchStateWriter : public StateWriter {
 public:
  explicit BatchStateWriter(const DbStateReader* db) : db_(db) {}

  Result<std::string> Get(std::string_view key) const override;
  // Scans RocksDB merged with the staged writes.
  Status Scan(std::string_view prefix, std::string_view start,
              const std::function<bool(std::string_view, std::string_view)>& fn) const override;
  void Put(std::string_view key, std::string_view value) override;
  void Delete(std::string_view key) override;

  // The current entry's writes join the batch.
  void Commit(rocksdb::WriteBatch* batch);
  void Discard() { entry_.clear(); }
  // Forget everything staged (the batch was written or abandoned).
  void Reset() {
    entry_.clear();
    batch_.clear();
  }

 private:
  using Staged = std::map<std::string, std::optional<std::string>, std::less<>>;
  const DbStateReader* db_;
  Staged batch_;  // earlier entries of this batch
  Staged entry_;  // the entry being applied
};

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_DERIVED_STATE_H_
