#include "api/token_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "ledger/crypto/base64.h"
#include "ledger/crypto/ed25519.h"
#include "ledger/crypto/sha256.h"
#include "ledger/funds/body.h"
#include "ledger/tlog/entry.h"

namespace ledger::api {

std::string TokenId(std::string_view bearer) {
  const crypto::Hash h = crypto::Sha256Of(bearer);
  return crypto::ToHex(crypto::AsBytes(h).substr(0, 16));
}

Status TokenStore::ReloadIfChanged(bool force) {
  struct stat st;
  if (stat(path_.c_str(), &st) != 0) {
    by_hash_.clear();
    loaded_size_ = 0;
    return Status::Ok();
  }
  int64_t mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  if (!force && st.st_size == loaded_size_ && mtime == loaded_mtime_ns_) return Status::Ok();
  std::ifstream in(path_, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::map<std::string, Record> fresh;
  std::map<std::string, std::vector<std::string>> hashes_by_name;
  size_t pos = 0;
  int n = 0;
  bool complete = true;
  while (pos < text.size()) {
    const size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) {
      complete = false;  // an append in progress in another process
      break;
    }
    const std::string line = text.substr(pos, eol - pos);
    pos = eol + 1;
    ++n;
    if (line.empty()) continue;
    try {
      auto j = nlohmann::json::parse(line);
      std::string name = j.at("name").get<std::string>();
      if (j.value("revoked", false)) {
        for (const std::string& h : hashes_by_name[name]) fresh[h].revoked = true;
        continue;
      }
      auto hash = crypto::Base64Decode(j.at("hash").get<std::string>());
      if (!hash || hash->size() != crypto::kHashSize) {
        return Corruption(path_ + " line " + std::to_string(n) + ": hash is not a base64 SHA-256");
      }
      Actor actor{j.at("role").get<std::string>(), name, j.value("org", ""),
                  crypto::ToHex(hash->substr(0, 16))};
      fresh[*hash] = Record{std::move(actor), false};
      hashes_by_name[name].push_back(*hash);
    } catch (const nlohmann::json::exception& e) {
      return Corruption(path_ + " line " + std::to_string(n) + ": " + e.what());
    }
  }
  by_hash_ = std::move(fresh);
  // An incomplete last line is read again once it is complete.
  loaded_size_ = complete ? st.st_size : -1;
  loaded_mtime_ns_ = mtime;
  return Status::Ok();
}

Status TokenStore::WithFileLock(const std::function<Status()>& fn) {
  std::lock_guard lock(mu_);
  const std::string lock_path = path_ + ".lock";
  int fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return IOError("opening " + lock_path + ": " + strerror(errno));
  while (flock(fd, LOCK_EX) != 0) {
    if (errno != EINTR) {
      const int err = errno;
      close(fd);
      return IOError("locking " + lock_path + ": " + strerror(err));
    }
  }
  Status s = fn();
  close(fd);  // releases the flock
  return s;
}

Status TokenStore::AppendLine(const std::string& line) {
  int fd = open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) return IOError("opening " + path_ + ": " + strerror(errno));
  std::string l = line + "\n";
  bool ok = write(fd, l.data(), l.size()) == static_cast<ssize_t>(l.size()) && fsync(fd) == 0;
  close(fd);
  if (!ok) return IOError("writing " + path_);
  return Status::Ok();
}

Result<std::string> TokenStore::Issue(const std::string& role, const std::string& name,
                                      const std::string& org) {
  if (role != "admin" && role != "recorder" && role != "grantee") {
    return InvalidArgument("role must be admin, recorder or grantee, not '" + role + "'");
  }
  if (!tlog::IsValidAccount(name)) {
    return InvalidArgument("account name must match [A-Za-z0-9][A-Za-z0-9._@:-]*, at most 128 bytes");
  }
  if (role == "grantee" && org.empty()) return InvalidArgument("a grantee token needs --org");
  // The org is matched against grant recipient ids, and is shown wherever the
  // account is: it is an id, never free text.
  if (!org.empty() && !funds::IsValidId(org)) {
    return InvalidArgument("--org must be an organisation id ([a-z0-9][a-z0-9._-]{0,63})");
  }
  if (role != "grantee" && !org.empty()) return InvalidArgument("only grantee tokens are bound to an --org");
  LEDGER_ASSIGN_OR_RETURN(std::string secret, crypto::RandomBytes(32));
  const std::string token = crypto::ToHex(secret);
  // The check for a live token and the append are one step under the
  // inter-process lock: two issuers cannot both see the name free.
  LEDGER_RETURN_IF_ERROR(WithFileLock([&]() -> Status {
    LEDGER_RETURN_IF_ERROR(ReloadIfChanged(/*force=*/true));
    for (const auto& [h, r] : by_hash_) {
      if (r.actor.name == name && !r.revoked) {
        return Status(Code::kAlreadyExists, "account " + name + " already has a live token; revoke it first");
      }
    }
    nlohmann::json j = {{"hash", crypto::Base64Encode(crypto::AsBytes(crypto::Sha256Of(token)))},
                        {"role", role},
                        {"name", name},
                        {"org", org},
                        {"revoked", false}};
    return AppendLine(j.dump());
  }));
  return token;
}

Status TokenStore::Revoke(const std::string& name) {
  return WithFileLock([&]() -> Status {
    LEDGER_RETURN_IF_ERROR(ReloadIfChanged(/*force=*/true));
    bool live = false;
    for (const auto& [h, r] : by_hash_) live |= r.actor.name == name && !r.revoked;
    if (!live) return NotFound("no live token for account " + name);
    return AppendLine(nlohmann::json{{"name", name}, {"revoked", true}}.dump());
  });
}

Result<Actor> TokenStore::Authenticate(std::string_view bearer) {
  if (bearer.empty()) return Status(Code::kUnauthenticated, "missing bearer token");
  // Looking up the SHA-256 of the token, not the token, keeps the secret out
  // of any comparison whose timing could leak it.
  crypto::Hash h = crypto::Sha256Of(bearer);
  std::lock_guard lock(mu_);
  LEDGER_RETURN_IF_ERROR(ReloadIfChanged(/*force=*/false));
  auto it = by_hash_.find(std::string(crypto::AsBytes(h)));
  if (it == by_hash_.end()) return Status(Code::kUnauthenticated, "unknown bearer token");
  if (it->second.revoked) return Status(Code::kUnauthenticated, "this token has been revoked");
  Actor a = it->second.actor;
  a.token_id = crypto::ToHex(std::string_view(it->first).substr(0, 16));
  return a;
}

Result<Actor> TokenStore::FindAccount(const std::string& name) {
  std::lock_guard lock(mu_);
  LEDGER_RETURN_IF_ERROR(ReloadIfChanged(/*force=*/false));
  for (const auto& [hash, rec] : by_hash_) {
    if (rec.revoked || rec.actor.name != name) continue;
    Actor a = rec.actor;
    a.token_id = crypto::ToHex(std::string_view(hash).substr(0, 16));
    return a;
  }
  return NotFound("no live account named " + name + " (ledgerctl token --name " + name + " creates one)");
}

Result<std::vector<Actor>> TokenStore::LiveAccounts() {
  std::lock_guard lock(mu_);
  LEDGER_RETURN_IF_ERROR(ReloadIfChanged(/*force=*/false));
  std::vector<Actor> out;
  for (const auto& [hash, rec] : by_hash_) {
    if (rec.revoked) continue;
    out.push_back(Actor{rec.actor.role, rec.actor.name, rec.actor.org, ""});
  }
  std::sort(out.begin(), out.end(), [](const Actor& a, const Actor& b) { return a.name < b.name; });
  return out;
}

}  // namespace ledger::api
