#include "ledger/tlog/backup.h"

#include <rocksdb/db.h>
#include <rocksdb/utilities/checkpoint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <system_error>
#include <thread>

#include "ledger/tlog/backup_manifest.h"
#include "ledger/tlog/log.h"
#include "ledger/tlog/store_options.h"
#include "ledger/tlog/tile_append.h"

namespace ledger::tlog {

namespace fs = std::filesystem;

namespace {

constexpr int kAttempts = 5;

// Opens the copy read-only (Log::Open checks the tail) and describes it.
Result<BackupInfo> Inspect(const std::string& path) {
  Options o;
  o.path = path;
  o.read_only = true;
  LEDGER_ASSIGN_OR_RETURN(std::unique_ptr<Log> log, Log::Open(o));
  BackupInfo info;
  info.origin = log->origin();
  info.vkey = log->verifier_key();
  info.tree_size = log->Size();
  auto cp = log->LatestCheckpoint();
  if (cp.ok()) info.checkpoint_size = cp->size;
  else if (cp.status().code() != Code::kNotFound) return cp.status();
  log->Close();
  return info;
}

Status CheckpointOnce(const std::string& db_path, const std::string& out_path) {
  rocksdb::Options opts;
  opts.max_open_files = -1;  // open every table file now: later deletions by the writer cannot hurt
  opts.info_log = StoreLogger();  // never a LOG file written into the live store
  opts.merge_operator = TileAppendOperator();
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(opts, db_path, &raw);
  if (!s.ok()) return IOError("opening " + db_path + " read-only: " + s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::Checkpoint* cp_raw = nullptr;
  s = rocksdb::Checkpoint::Create(db.get(), &cp_raw);
  if (!s.ok()) return IOError("RocksDB checkpoint: " + s.ToString());
  std::unique_ptr<rocksdb::Checkpoint> cp(cp_raw);
  s = cp->CreateCheckpoint(out_path);
  if (!s.ok()) return IOError("RocksDB checkpoint into " + out_path + ": " + s.ToString());
  return Status::Ok();
}

}  // namespace

Result<BackupInfo> BackupStore(const std::string& db_path, const std::string& out_path) {
  std::error_code ec;
  if (!fs::exists(db_path, ec)) return NotFound("no log store at " + db_path);
  if (fs::exists(out_path, ec)) return Status(Code::kAlreadyExists, out_path + " already exists");
  Status last = Status::Ok();
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    last = CheckpointOnce(db_path, out_path);
    if (last.ok()) {
      auto info = Inspect(out_path);
      if (info.ok()) return info;
      last = info.status();
    }
    fs::remove_all(out_path, ec);  // a file vanished under the copy, or the copy is unusable: again
    std::this_thread::sleep_for(std::chrono::milliseconds(50 << attempt));
  }
  return Status(last.code(), "backup failed after " + std::to_string(kAttempts) + " attempts: " + last.message());
}

namespace {

// log.key and tokens.jsonl hold secrets.
mode_t RestoredMode(const std::string& rel) {
  return rel == "log.key" || rel == "tokens.jsonl" ? 0600 : 0644;
}

Result<BackupInfo> RestoreInto(const std::string& backup_dir, const BackupManifest& m,
                               const std::string& staging) {
  std::error_code ec;
  for (const BackupManifest::File& f : m.files) {
    const fs::path to = fs::path(staging) / f.path;
    fs::create_directories(to.parent_path(), ec);
    if (ec) return IOError("creating " + to.parent_path().string() + ": " + ec.message());
    fs::copy_file(fs::path(backup_dir) / f.path, to, ec);
    if (ec) return IOError("copying " + f.path + ": " + ec.message());
    if (chmod(to.c_str(), RestoredMode(f.path)) != 0) return IOError("chmod " + to.string());
    LEDGER_RETURN_IF_ERROR(SyncPath(to.string()));
  }
  const fs::path db = fs::path(staging) / "db";
  if (!fs::exists(db / "CURRENT", ec))
    return FailedPrecondition("the backup holds no RocksDB store (db/CURRENT)");
  LEDGER_RETURN_IF_ERROR(SyncPath(db.string()));
  LEDGER_RETURN_IF_ERROR(SyncPath(staging));
  LEDGER_ASSIGN_OR_RETURN(BackupInfo info, Inspect(db.string()));
  if (info.origin != m.info.origin || info.tree_size != m.info.tree_size) {
    return FailedPrecondition("the restored store holds " + info.origin + " at " +
                              std::to_string(info.tree_size) + " entries; the manifest says " +
                              m.info.origin + " at " + std::to_string(m.info.tree_size));
  }
  std::ifstream vkey(fs::path(staging) / "log.vkey");
  std::string line;
  if (!std::getline(vkey, line) || line != info.vkey) {
    return FailedPrecondition("log.vkey of the backup is not the verifier key of its store (" + info.vkey +
                              ")");
  }
  if (!fs::exists(fs::path(staging) / "log.key", ec))
    return FailedPrecondition("the backup holds no log.key");
  return info;
}

}  // namespace

Result<BackupInfo> RestoreBackup(const std::string& backup_dir, const std::string& target_dir) {
  LEDGER_ASSIGN_OR_RETURN(BackupManifest m, VerifyBackup(backup_dir));
  std::error_code ec;
  if (fs::exists(target_dir, ec) && (!fs::is_directory(target_dir, ec) || !fs::is_empty(target_dir, ec))) {
    return Status(Code::kAlreadyExists, target_dir + " already exists and is not empty");
  }
  fs::path target = fs::absolute(fs::path(target_dir)).lexically_normal();
  if (!target.has_filename()) target = target.parent_path();
  fs::create_directories(target.parent_path(), ec);
  const std::string staging = target.string() + ".restoring-" + std::to_string(getpid());
  fs::remove_all(staging, ec);
  if (!fs::create_directory(staging, ec) || chmod(staging.c_str(), 0700) != 0) {
    return IOError("creating " + staging + ": " + ec.message());
  }
  auto info = RestoreInto(backup_dir, m, staging);
  Status s = info.status();
  if (s.ok() && rename(staging.c_str(), target.c_str()) != 0) {
    s = IOError("renaming " + staging + " to " + target.string() + ": " + strerror(errno));
  }
  if (s.ok()) s = SyncPath(target.parent_path().string());
  if (!s.ok()) {
    fs::remove_all(staging, ec);
    return s;
  }
  return info;
}

}  // namespace ledger::tlog
