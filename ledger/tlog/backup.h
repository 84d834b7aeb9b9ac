// Backup and restore of a log store (DIR/db), safe while ledgerd writes it.
//
// RocksDB admits one writer process, but any number of read-only opens. A
// backup opens the live store read-only (all table files opened at once, so
// a compaction in the writer cannot delete one from under it) and has
// RocksDB's own Checkpoint copy it: table files hard-linked or copied, the
// MANIFEST, and the write-ahead logs copied. The copy is what a crash at that
// moment would leave: whole batches (RocksDB's point-in-time WAL recovery
// drops a torn last record), so it holds entries 0..n-1 with their tree,
// their derived state and the checkpoints stored so far (docs/format.md
// sections 6-7). If the writer deleted a file between the read-only open and
// the copy, the attempt is discarded and retried.
//
// Every backup is checked before it is reported done: the copy is opened
// read-only (the tail check of Log::Open) and its size read back.
//
// Thread-compatible; callers own the directories they name.
#ifndef LEDGER_TLOG_BACKUP_H_
#define LEDGER_TLOG_BACKUP_H_

#include <cstdint>
#include <string>

#include "ledger/base/status.h"

namespace ledger::tlog {

struct BackupInfo {
  std::string origin;
  uint64_t tree_size = 0;         // entries in the copy
  uint64_t checkpoint_size = 0;   // newest checkpoint in the copy (0: none)
};

// Copies the store at `db_path` into `out_path`, which must not exist.
Result<BackupInfo> BackupStore(const std::string& db_path, const std::string& out_path);

// Copies a backup made by BackupStore into `db_path` (which must not exist),
// then opens it read-only to check it.
Result<BackupInfo> RestoreStore(const std::string& backup_path, const std::string& db_path);

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_BACKUP_H_
