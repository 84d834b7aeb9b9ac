#include "ledger/tlog/data_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "ledger/tlog/note.h"

namespace ledger::tlog {
namespace {

// Writes `content` to `path` with `mode`, fsyncs it, and refuses to
// overwrite an existing file.
Status WriteNewFile(const std::string& path, const std::string& content, mode_t mode) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, mode);
  if (fd < 0) return IOError("creating " + path + ": " + strerror(errno));
  bool ok = write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
            fsync(fd) == 0;
  close(fd);
  if (!ok) return IOError("writing " + path);
  return Status::Ok();
}

}  // namespace

Result<std::string> InitDataDir(const DataDir& dir, const std::string& origin) {
  if (!IsValidKeyName(origin)) {
    return InvalidArgument("origin must be a non-empty name without spaces or '+', e.g. huicheng.example/charity-ledger");
  }
  std::error_code ec;
  if (std::filesystem::exists(dir.db(), ec) || std::filesystem::exists(dir.key_file(), ec)) {
    return Status(Code::kAlreadyExists, "a ledger already exists in " + dir.root);
  }
  std::filesystem::create_directories(dir.root, ec);
  if (ec) return IOError("creating " + dir.root + ": " + ec.message());
  LEDGER_ASSIGN_OR_RETURN(auto key, crypto::Ed25519PrivateKey::Generate());
  const std::string vkey = FormatVerifierKey(origin, key->PublicKey());
  LEDGER_RETURN_IF_ERROR(
      WriteNewFile(dir.key_file(), FormatSignerKey(origin, key->Seed(), key->PublicKey()) + "\n", 0600));
  LEDGER_RETURN_IF_ERROR(WriteNewFile(dir.vkey_file(), vkey + "\n", 0644));
  Options o;
  o.path = dir.db();
  o.origin = origin;
  o.signer = std::shared_ptr<const crypto::Signer>(std::move(key));
  o.create_if_missing = true;
  LEDGER_ASSIGN_OR_RETURN(auto log, Log::Open(std::move(o)));
  log->Close();
  return vkey;
}

Result<LogKey> ReadLogKey(const DataDir& dir, bool require_private_mode) {
  struct stat st;
  if (stat(dir.key_file().c_str(), &st) != 0) {
    return NotFound("no key file at " + dir.key_file() + " (run ledgerctl init)");
  }
  if (require_private_mode && (st.st_mode & 077) != 0) {
    char mode[8];
    snprintf(mode, sizeof(mode), "%03o", st.st_mode & 0777);
    return Status(Code::kPermissionDenied, "the signing key " + dir.key_file() + " has mode " + mode +
                                               "; it must be readable by its owner only (chmod 600)");
  }
  std::ifstream in(dir.key_file());
  std::stringstream ss;
  ss << in.rdbuf();
  LEDGER_ASSIGN_OR_RETURN(ParsedSignerKey parsed, ParseSignerKey(ss.str()));
  return LogKey{parsed.name, std::move(parsed.key)};
}

Result<std::unique_ptr<Log>> OpenWritableLog(const DataDir& dir, bool require_private_mode,
                                             StateMachine* state_machine) {
  LEDGER_ASSIGN_OR_RETURN(LogKey key, ReadLogKey(dir, require_private_mode));
  Options opts;
  opts.path = dir.db();
  opts.origin = key.origin;
  opts.signer = key.signer;
  opts.state_machine = state_machine;
  return Log::Open(std::move(opts));
}

}  // namespace ledger::tlog
