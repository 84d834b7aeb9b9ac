// The log's idempotency records ('I' keys, docs/format.md section 6): which
// entry an idempotency key appended, the hash of the request that did, and
// the caller's payload. Internal to ledger/tlog.
//
// Value layout (big-endian):
//   u64 seq || request hash[32] || payload
//
// Records staged by batches that RocksDB does not hold yet are kept in memory
// (with the entry bytes, so a replay needs no read) until the writer has
// written their batch; Find looks there first, then in RocksDB, so a key
// used by an earlier batch still being synced is found too.
//
// Thread-compatibility: used by the sequencer thread only.
#ifndef LEDGER_TLOG_IDEMPOTENCY_H_
#define LEDGER_TLOG_IDEMPOTENCY_H_

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "ledger/base/status.h"
#include "ledger/tlog/log.h"

namespace ledger::tlog {

inline constexpr size_t kMaxIdempotencyKey = 1024;
inline constexpr size_t kMaxIdempotencyPayload = 1024;

class IdempotencyIndex {
 public:
  explicit IdempotencyIndex(std::shared_ptr<rocksdb::DB> db) : db_(std::move(db)) {}

  // InvalidArgument when the key or payload is empty or too long.
  static Status Check(const IdempotencyKey& k);

  // The result a draft with `k` gets if its key was used: the first
  // append's, replayed; FailedPrecondition ("idempotency.key_conflict") when
  // the key was used by another request; NotFound when the key is unused.
  Result<Appended> Find(const IdempotencyKey& k) const;
  // Records that `a` was appended under `k` in the batch being prepared.
  void Stage(const IdempotencyKey& k, const Appended& a);
  // Adds the records staged since the last Flush to `batch`; they stay in
  // memory until DropWritten(>= end_size).
  void Flush(rocksdb::WriteBatch* batch, uint64_t end_size);
  void DropWritten(uint64_t written_size);
  // Forgets the records staged since the last Flush (a batch not kept).
  void DiscardStaged() {
    std::erase_if(pending_, [](const auto& kv) { return kv.second.end_size == 0; });
  }
  // Forgets every record not known to be written (after a failed write).
  void Clear() { pending_.clear(); }

 private:
  struct Pending {
    crypto::Hash request;
    std::string payload;
    Appended appended;
    uint64_t end_size = 0;  // 0 while its batch is being prepared
  };
  std::shared_ptr<rocksdb::DB> db_;
  std::map<std::string, Pending, std::less<>> pending_;
};

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_IDEMPOTENCY_H_
