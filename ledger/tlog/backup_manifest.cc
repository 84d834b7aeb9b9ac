#include "ledger/tlog/backup_manifest.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>

#include "ledger/crypto/sha256.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/entry.h"

namespace ledger::tlog {
namespace {

namespace fs = std::filesystem;

constexpr char kHeader[] = "charity-ledger backup v1";
constexpr char kManifestTemp[] = "BACKUP-MANIFEST.tmp";

bool IsOwnFile(const std::string& rel) {
  return rel == kBackupManifestFile || rel == kBackupIncompleteFile || rel == kManifestTemp;
}

// A path written in a manifest line: no spaces, no control characters, no
// "..", relative.
bool IsPlainPath(const std::string& p) {
  if (p.empty() || p[0] == '/' || p.find("..") != std::string::npos) return false;
  return std::all_of(p.begin(), p.end(),
                     [](char c) { return static_cast<unsigned char>(c) > 0x20 && c != 0x7f; });
}

struct Digest {
  uint64_t size = 0;
  std::string sha256;
};

Result<Digest> HashFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IOError("opening " + path + ": " + strerror(errno));
  crypto::Sha256 h;
  Digest d;
  char buf[1 << 16];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) {
    h.Update(std::string_view(buf, static_cast<size_t>(n)));
    d.size += static_cast<uint64_t>(n);
  }
  const int err = errno;
  close(fd);
  if (n < 0) return IOError("reading " + path + ": " + strerror(err));
  d.sha256 = crypto::ToHex(h.Finish());
  return d;
}

// Every regular file under `dir` (paths relative to it, sorted), except
// the backup's own marker and manifest; an error for anything else (a
// symlink, a device).
Result<std::vector<std::string>> ListFiles(const std::string& dir, std::vector<std::string>* dirs) {
  std::vector<std::string> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    const std::string rel = fs::relative(it->path(), dir, ec).generic_string();
    if (ec) break;
    const fs::file_status st = it->symlink_status(ec);
    if (ec) break;
    if (fs::is_directory(st)) {
      if (dirs != nullptr) dirs->push_back(it->path().string());
    } else if (fs::is_regular_file(st)) {
      if (!IsOwnFile(rel)) files.push_back(rel);
    } else {
      return FailedPrecondition(dir + " holds " + rel + ", which is not a regular file");
    }
  }
  if (ec) return IOError("listing " + dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

Status WriteSynced(const std::string& path, const std::string& content, mode_t mode) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) return IOError("creating " + path + ": " + strerror(errno));
  const bool ok =
      write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) && fsync(fd) == 0;
  const int err = errno;
  close(fd);
  if (!ok) return IOError("writing " + path + ": " + strerror(err));
  return Status::Ok();
}

std::string ParentOf(const std::string& dir) {
  fs::path p = fs::absolute(fs::path(dir)).lexically_normal();
  if (!p.has_filename()) p = p.parent_path();
  return p.parent_path().string();
}

Result<BackupManifest> ParseManifest(const std::string& text) {
  BackupManifest m;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  auto bad = [&](const std::string& why) {
    return FailedPrecondition("BACKUP-MANIFEST line " + std::to_string(n) + ": " + why);
  };
  auto field = [&](const char* name, std::string* out) -> Status {
    ++n;
    if (!std::getline(in, line) || !line.starts_with(std::string(name) + " "))
      return bad(std::string("expected ") + name);
    *out = line.substr(strlen(name) + 1);
    return Status::Ok();
  };
  ++n;
  if (!std::getline(in, line) || line != kHeader)
    return bad("not a backup manifest (expected \"" + std::string(kHeader) + "\")");
  std::string tree, cp;
  LEDGER_RETURN_IF_ERROR(field("origin", &m.info.origin));
  LEDGER_RETURN_IF_ERROR(field("tree-size", &tree));
  LEDGER_RETURN_IF_ERROR(field("checkpoint-size", &cp));
  LEDGER_RETURN_IF_ERROR(field("created", &m.created));
  if (!ParseDecimal(tree, &m.info.tree_size) || !ParseDecimal(cp, &m.info.checkpoint_size)) {
    return bad("tree-size and checkpoint-size must be decimal");
  }
  while (std::getline(in, line)) {
    ++n;
    std::istringstream f(line);
    std::string tag, hash, size, path, extra;
    if (!(f >> tag >> hash >> size >> path) || (f >> extra) || tag != "file") {
      return bad("expected \"file <sha256> <size> <path>\"");
    }
    crypto::Hash h;
    BackupManifest::File file{path, 0, hash};
    if (!crypto::HashFromHex(hash, &h) || !ParseDecimal(size, &file.size) || !IsPlainPath(path)) {
      return bad("malformed file line");
    }
    if (!m.files.empty() && m.files.back().path >= path)
      return bad("file lines must be sorted by path, once each");
    m.files.push_back(std::move(file));
  }
  return m;
}

}  // namespace

Status SyncPath(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IOError("opening " + path + " to sync it: " + strerror(errno));
  const bool ok = fsync(fd) == 0;
  const int err = errno;
  close(fd);
  if (!ok) return IOError("syncing " + path + ": " + strerror(err));
  return Status::Ok();
}

BackupState GetBackupState(const std::string& dir) {
  std::error_code ec;
  if (fs::exists(fs::path(dir) / kBackupManifestFile, ec)) return BackupState::kComplete;
  if (fs::exists(fs::path(dir) / kBackupIncompleteFile, ec)) return BackupState::kIncomplete;
  return BackupState::kNotABackup;
}

Status MarkBackupIncomplete(const std::string& dir) {
  LEDGER_RETURN_IF_ERROR(WriteSynced(
      (fs::path(dir) / kBackupIncompleteFile).string(),
      "ledgerctl backup is writing this directory; it is complete only once BACKUP-MANIFEST exists\n", 0600));
  LEDGER_RETURN_IF_ERROR(SyncPath(dir));
  return SyncPath(ParentOf(dir));
}

Result<BackupManifest> SealBackup(const std::string& dir, const BackupInfo& info) {
  BackupManifest m;
  m.info = info;
  m.created = FormatTime(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  std::vector<std::string> dirs;
  LEDGER_ASSIGN_OR_RETURN(std::vector<std::string> files, ListFiles(dir, &dirs));
  std::string text = std::string(kHeader) + "\norigin " + info.origin + "\ntree-size " +
                     std::to_string(info.tree_size) + "\ncheckpoint-size " +
                     std::to_string(info.checkpoint_size) + "\ncreated " + m.created + "\n";
  for (const std::string& rel : files) {
    if (!IsPlainPath(rel)) return FailedPrecondition("cannot list " + rel + " in a manifest");
    const std::string path = (fs::path(dir) / rel).string();
    LEDGER_RETURN_IF_ERROR(SyncPath(path));  // hard-linked table files too: a no-op when already synced
    LEDGER_ASSIGN_OR_RETURN(Digest d, HashFile(path));
    text += "file " + d.sha256 + " " + std::to_string(d.size) + " " + rel + "\n";
    m.files.push_back({rel, d.size, d.sha256});
  }
  // Directories after their files, the backup's own last.
  std::sort(dirs.begin(), dirs.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const std::string& d : dirs) LEDGER_RETURN_IF_ERROR(SyncPath(d));
  LEDGER_RETURN_IF_ERROR(SyncPath(dir));
  // Only now the manifest, atomically, and then the marker goes.
  const std::string tmp = (fs::path(dir) / kManifestTemp).string();
  LEDGER_RETURN_IF_ERROR(WriteSynced(tmp, text, 0600));
  if (rename(tmp.c_str(), (fs::path(dir) / kBackupManifestFile).c_str()) != 0) {
    return IOError("renaming the manifest in " + dir + ": " + strerror(errno));
  }
  LEDGER_RETURN_IF_ERROR(SyncPath(dir));
  std::error_code ec;
  fs::remove(fs::path(dir) / kBackupIncompleteFile, ec);
  if (ec) return IOError("removing " + std::string(kBackupIncompleteFile) + ": " + ec.message());
  LEDGER_RETURN_IF_ERROR(SyncPath(dir));
  return m;
}

Result<BackupManifest> VerifyBackup(const std::string& dir) {
  const std::string path = (fs::path(dir) / kBackupManifestFile).string();
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    if (GetBackupState(dir) == BackupState::kIncomplete) {
      return FailedPrecondition(dir + " is an interrupted backup: it holds " + kBackupIncompleteFile +
                                " and no " + kBackupManifestFile + "; take a new backup");
    }
    return NotFound(dir + " has no " + std::string(kBackupManifestFile) +
                    ": it is not a complete ledgerctl backup");
  }
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IOError("opening " + path + ": " + strerror(errno));
  std::string text;
  char buf[1 << 16];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) text.append(buf, static_cast<size_t>(n));
  close(fd);
  LEDGER_ASSIGN_OR_RETURN(BackupManifest m, ParseManifest(text));
  std::map<std::string, const BackupManifest::File*> listed;
  for (const auto& f : m.files) listed[f.path] = &f;
  LEDGER_ASSIGN_OR_RETURN(std::vector<std::string> present, ListFiles(dir, nullptr));
  for (const std::string& rel : present) {
    if (listed.count(rel) == 0) {
      return FailedPrecondition(dir + " holds " + rel + ", which its manifest does not list");
    }
  }
  for (const auto& f : m.files) {
    const std::string p = (fs::path(dir) / f.path).string();
    if (!fs::exists(p, ec))
      return FailedPrecondition("the backup lacks " + f.path + ", which its manifest lists");
    LEDGER_ASSIGN_OR_RETURN(Digest d, HashFile(p));
    if (d.size != f.size || d.sha256 != f.sha256) {
      return FailedPrecondition("backup file " + f.path + " does not match its manifest line (size " +
                                std::to_string(d.size) + ", SHA-256 " + d.sha256 + "; listed " +
                                std::to_string(f.size) + ", " + f.sha256 + ")");
    }
  }
  return m;
}

}  // namespace ledger::tlog
