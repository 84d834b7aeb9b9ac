#include "ledger/tlog/backup.h"

#include <rocksdb/db.h>
#include <rocksdb/utilities/checkpoint.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <system_error>
#include <thread>

#include "ledger/tlog/log.h"

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

Result<BackupInfo> RestoreStore(const std::string& backup_path, const std::string& db_path) {
  std::error_code ec;
  if (!fs::exists(backup_path + "/CURRENT", ec)) return NotFound("no RocksDB store at " + backup_path);
  if (fs::exists(db_path, ec)) return Status(Code::kAlreadyExists, db_path + " already exists");
  fs::create_directories(db_path, ec);
  if (ec) return IOError("cannot create " + db_path + ": " + ec.message());
  for (const auto& e : fs::directory_iterator(backup_path, ec)) {
    fs::copy_file(e.path(), fs::path(db_path) / e.path().filename(), ec);
    if (ec) {
      fs::remove_all(db_path, ec);
      return IOError("copying " + e.path().string() + ": " + ec.message());
    }
  }
  if (ec) return IOError("reading " + backup_path + ": " + ec.message());
  auto info = Inspect(db_path);
  if (!info.ok()) fs::remove_all(db_path, ec);
  return info;
}

}  // namespace ledger::tlog
