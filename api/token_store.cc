#include "api/token_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ledger/crypto/base64.h"
#include "ledger/crypto/ed25519.h"
#include "ledger/crypto/sha256.h"
#include "ledger/funds/body.h"
#include "ledger/tlog/entry.h"

namespace ledger::api {

Status TokenStore::ReloadIfChanged() {
  struct stat st;
  if (stat(path_.c_str(), &st) != 0) {
    by_hash_.clear();
    loaded_size_ = 0;
    return Status::Ok();
  }
  int64_t mtime = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  if (st.st_size == loaded_size_ && mtime == loaded_mtime_ns_) return Status::Ok();
  std::ifstream in(path_);
  std::map<std::string, Record> fresh;
  std::map<std::string, std::string> hash_by_name;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    try {
      auto j = nlohmann::json::parse(line);
      std::string name = j.at("name").get<std::string>();
      if (j.value("revoked", false)) {
        auto it = hash_by_name.find(name);
        if (it != hash_by_name.end()) fresh[it->second].revoked = true;
        continue;
      }
      auto hash = crypto::Base64Decode(j.at("hash").get<std::string>());
      if (!hash) return Corruption(path_ + " line " + std::to_string(n) + ": hash is not base64");
      fresh[*hash] = Record{Actor{j.at("role").get<std::string>(), name, j.value("org", "")}, false};
      hash_by_name[name] = *hash;
    } catch (const nlohmann::json::exception& e) {
      return Corruption(path_ + " line " + std::to_string(n) + ": " + e.what());
    }
  }
  by_hash_ = std::move(fresh);
  loaded_size_ = st.st_size;
  loaded_mtime_ns_ = mtime;
  return Status::Ok();
}

Status TokenStore::AppendLine(const std::string& line) {
  int fd = open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd < 0) return IOError("opening " + path_ + ": " + strerror(errno));
  flock(fd, LOCK_EX);
  std::string l = line + "\n";
  bool ok = write(fd, l.data(), l.size()) == static_cast<ssize_t>(l.size()) && fsync(fd) == 0;
  flock(fd, LOCK_UN);
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
  std::lock_guard lock(mu_);
  LEDGER_RETURN_IF_ERROR(ReloadIfChanged());
  for (const auto& [h, r] : by_hash_) {
    if (r.actor.name == name && !r.revoked) {
      return Status(Code::kAlreadyExists, "account " + name + " already has a live token; revoke it first");
    }
  }
  LEDGER_ASSIGN_OR_RETURN(std::string secret, crypto::RandomBytes(32));
  std::string token = crypto::ToHex(secret);
  nlohmann::json j = {{"hash", crypto::Base64Encode(crypto::AsBytes(crypto::Sha256Of(token)))},
                      {"role", role},
                      {"name", name},
                      {"org", org},
                      {"revoked", false}};
  LEDGER_RETURN_IF_ERROR(AppendLine(j.dump()));
  return token;
}

Status TokenStore::Revoke(const std::string& name) {
  std::lock_guard lock(mu_);
  LEDGER_RETURN_IF_ERROR(ReloadIfChanged());
  bool live = false;
  for (const auto& [h, r] : by_hash_) live |= r.actor.name == name && !r.revoked;
  if (!live) return NotFound("no live token for account " + name);
  return AppendLine(nlohmann::json{{"name", name}, {"revoked", true}}.dump());
}

Result<Actor> TokenStore::Authenticate(std::string_view bearer) {
  if (bearer.empty()) return Status(Code::kUnauthenticated, "missing bearer token");
  // Looking up the SHA-256 of the token, not the token, keeps the secret out
  // of any comparison whose timing could leak it.
  crypto::Hash h = crypto::Sha256Of(bearer);
  std::lock_guard lock(mu_);
  LEDGER_RETURN_IF_ERROR(ReloadIfChanged());
  auto it = by_hash_.find(std::string(crypto::AsBytes(h)));
  if (it == by_hash_.end()) return Status(Code::kUnauthenticated, "unknown bearer token");
  if (it->second.revoked) return Status(Code::kUnauthenticated, "this token has been revoked");
  Actor a = it->second.actor;
  a.token_id = crypto::ToHex(std::string_view(it->first).substr(0, 16));
  return a;
}

Result<Actor> TokenStore::FindAccount(const std::string& name) {
  std::lock_guard lock(mu_);
  LEDGER_RETURN_IF_ERROR(ReloadIfChanged());
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
  LEDGER_RETURN_IF_ERROR(ReloadIfChanged());
  std::vector<Actor> out;
  for (const auto& [hash, rec] : by_hash_) {
    if (rec.revoked) continue;
    out.push_back(Actor{rec.actor.role, rec.actor.name, rec.actor.org, ""});
  }
  std::sort(out.begin(), out.end(), [](const Actor& a, const Actor& b) { return a.name < b.name; });
  return out;
}

}  // namespace ledger::api
