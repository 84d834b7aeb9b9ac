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
// read-only (the tail check of Log::Open) and its size read back. ledgerctl
// then seals the backup directory with its manifest (backup_manifest.h).
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
  std::string vkey;               // the log's verifier key, as stored
};

// Copies the store at `db_path` into `out_path`, which must not exist.
Result<BackupInfo> BackupStore(const std::string& db_path, const std::string& out_path);

// Restores the complete backup directory `backup_dir` (made by ledgerctl
// backup and sealed with its manifest, backup_manifest.h) as the data
// directory `target_dir`, which must not exist or be an empty directory.
// Refuses an interrupted backup and one whose files do not match their
// manifest. The files are copied into a staging directory beside the
// target, synced, opened read-only (the tail check of Log::Open) and checked
// against the manifest and log.vkey; only then is the staging directory
// renamed to `target_dir`. A refused restore leaves nothing behind (an empty
// `target_dir` that existed before stays as it was).
Result<BackupInfo> RestoreBackup(const std::string& backup_dir, const std::string& target_dir);

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_BACKUP_H_
