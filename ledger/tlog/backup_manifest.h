// The completion marker of a backup directory: a manifest written last,
// after every file and directory of the backup is synced, listing each
// file with its size and SHA-256 (docs/format.md section 11).
//
//   B/BACKUP-INCOMPLETE   written (and synced) first, removed after the manifest
//   B/db/...              the RocksDB checkpoint
//   B/log.key, B/log.vkey, B/tokens.jsonl
//   B/BACKUP-MANIFEST     written last: write to a temporary file, fsync,
//                         rename, fsync B
//
// BACKUP-MANIFEST, UTF-8 text, one field per line, "\n" line ends:
//
//   charity-ledger backup v1
//   origin <log origin>
//   tree-size <decimal entries in the copy>
//   checkpoint-size <decimal size of its newest checkpoint; 0 = none>
//   created <YYYY-MM-DDTHH:MM:SSZ>
//   file <64 hex SHA-256> <decimal size> <path relative to B, '/'-separated>
//   ...                    (one line per file, sorted by path)
//
// A directory is a complete backup when it holds BACKUP-MANIFEST, an
// interrupted one when it holds BACKUP-INCOMPLETE and no manifest, and a
// data directory otherwise (backups made before the manifest existed look
// like data directories). Restore and audit refuse an interrupted backup,
// and a complete one whose files do not match their manifest line, or that
// holds a file the manifest does not list.
//
// Thread-compatible.
#ifndef LEDGER_TLOG_BACKUP_MANIFEST_H_
#define LEDGER_TLOG_BACKUP_MANIFEST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/tlog/backup.h"

namespace ledger::tlog {

inline constexpr char kBackupManifestFile[] = "BACKUP-MANIFEST";
inline constexpr char kBackupIncompleteFile[] = "BACKUP-INCOMPLETE";

struct BackupManifest {
  BackupInfo info;
  std::string created;  // when the manifest was written
  struct File {
    std::string path;  // relative to the backup directory
    uint64_t size = 0;
    std::string sha256;  // 64 lowercase hex digits
  };
  std::vector<File> files;
};

enum class BackupState { kNotABackup, kIncomplete, kComplete };
BackupState GetBackupState(const std::string& dir);

// Writes BACKUP-INCOMPLETE into the new backup directory `dir` and syncs it
// and `dir` (and dir's parent, so the directory itself is durable).
Status MarkBackupIncomplete(const std::string& dir);
// Syncs every file and directory under `dir`, then writes BACKUP-MANIFEST
// for them (atomically), then removes BACKUP-INCOMPLETE.
Result<BackupManifest> SealBackup(const std::string& dir, const BackupInfo& info);
// Reads BACKUP-MANIFEST and checks every file it lists (size and SHA-256)
// and that `dir` holds no other file. FailedPrecondition naming the first
// difference; NotFound when there is no manifest.
Result<BackupManifest> VerifyBackup(const std::string& dir);

// Syncs the file or directory at `path` (fsync).
Status SyncPath(const std::string& path);

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_BACKUP_MANIFEST_H_
