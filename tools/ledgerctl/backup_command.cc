// ledgerctl backup / restore: a whole ledger directory, safe while ledgerd
// runs on it (ledger/tlog/backup.h).
//
//   ledgerctl backup  --data DIR --out B       B must not exist
//   ledgerctl restore --from B --data DIR2     DIR2 must not exist (or be empty)
//
// B holds db/ (a RocksDB checkpoint of DIR/db), log.key (mode 0600),
// log.vkey and tokens.jsonl (mode 0600) when DIR has one. B is created with
// mode 0700: it holds the signing key. B/BACKUP-INCOMPLETE is written first;
// once every file and directory is synced, B/BACKUP-MANIFEST lists them with
// their sizes and SHA-256 and the marker goes (ledger/tlog/backup_manifest.h).
// Restore and audit refuse a backup without the manifest.
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <system_error>

#include "ledger/tlog/backup.h"
#include "ledger/tlog/backup_manifest.h"
#include "ledger/tlog/data_dir.h"
#include "tools/ledgerctl/flags.h"

namespace ledger::tools {
namespace {

namespace fs = std::filesystem;

int Fail(const char* cmd, const std::string& msg, int code = 1) {
  fprintf(stderr, "ledgerctl %s: %s\n", cmd, msg.c_str());
  return code;
}

// Copies the key, verifier key and token files of `from` into `to`, secret
// ones with mode 0600. A missing tokens file is skipped.
Status CopyDirFiles(const tlog::DataDir& from, const tlog::DataDir& to) {
  struct File {
    std::string src, dst;
    bool secret, required;
  };
  for (const File& f : {File{from.key_file(), to.key_file(), true, true},
                        File{from.vkey_file(), to.vkey_file(), false, true},
                        File{from.tokens_file(), to.tokens_file(), true, false}}) {
    std::error_code ec;
    if (!fs::exists(f.src, ec)) {
      if (f.required) return NotFound("no " + f.src);
      continue;
    }
    fs::copy_file(f.src, f.dst, ec);
    if (ec) return IOError("copying " + f.src + ": " + ec.message());
    if (chmod(f.dst.c_str(), f.secret ? 0600 : 0644) != 0) return IOError("chmod " + f.dst);
  }
  return Status::Ok();
}

// Creates `dir` (mode 0700); an existing empty directory is accepted.
Status MakeFreshDir(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec) || !fs::is_empty(dir, ec)) {
      return Status(Code::kAlreadyExists, dir + " already exists and is not empty");
    }
  } else if (!fs::create_directories(dir, ec)) {
    return IOError("cannot create " + dir + ": " + ec.message());
  }
  if (chmod(dir.c_str(), 0700) != 0) return IOError("chmod " + dir);
  return Status::Ok();
}

}  // namespace

int CmdBackup(const Flags& f) {
  if (!f.Has("data") || !f.Has("out") || !f.positional.empty()) {
    return Fail("backup", "usage: ledgerctl backup --data DIR --out B", 2);
  }
  tlog::DataDir from{f.Get("data")}, to{f.Get("out")};
  std::error_code ec;
  if (!fs::exists(from.db(), ec)) return Fail("backup", "no ledger at " + from.root + " (no " + from.db() + ")");
  if (Status s = MakeFreshDir(to.root); !s.ok()) return Fail("backup", s.message());
  std::optional<tlog::BackupInfo> info;
  std::optional<tlog::BackupManifest> sealed;
  Status s = tlog::MarkBackupIncomplete(to.root);
  if (s.ok()) {
    auto copied = tlog::BackupStore(from.db(), to.db());
    if (copied.ok()) info = std::move(*copied);
    s = copied.status();
  }
  if (s.ok()) s = CopyDirFiles(from, to);
  if (s.ok()) {
    auto m = tlog::SealBackup(to.root, *info);  // syncs everything, then writes the manifest
    if (m.ok()) sealed = std::move(*m);
    s = m.status();
  }
  if (!s.ok()) {
    fs::remove_all(to.root, ec);
    return Fail("backup", s.ToString());
  }
  printf("backed up %s: %llu entries, newest checkpoint %llu, %zu files listed in %s/%s\n",
         info->origin.c_str(), (unsigned long long)info->tree_size, (unsigned long long)info->checkpoint_size, sealed->files.size(),
         to.root.c_str(), tlog::kBackupManifestFile);
  return 0;
}

int CmdRestore(const Flags& f) {
  if (!f.Has("from") || !f.Has("data") || !f.positional.empty()) {
    return Fail("restore", "usage: ledgerctl restore --from B --data DIR", 2);
  }
  tlog::DataDir from{f.Get("from")}, to{f.Get("data")};
  std::error_code ec;
  if (!fs::exists(from.root, ec)) {
    return Fail("restore", from.root + " is not a ledgerctl backup (it does not exist)");
  }
  auto info = tlog::RestoreBackup(from.root, to.root);
  if (!info.ok()) {
    std::string why = info.status().message();
    if (info.status().code() == Code::kNotFound) why = from.root + " is not a ledgerctl backup: " + why;
    return Fail("restore", why);
  }
  printf("restored %s: %llu entries, newest checkpoint %llu, into %s (check it: ledgerctl audit --data %s)\n",
         info->origin.c_str(), (unsigned long long)info->tree_size, (unsigned long long)info->checkpoint_size,
         to.root.c_str(), to.root.c_str());
  return 0;
}

}  // namespace ledger::tools
