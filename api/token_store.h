// Bearer tokens: who may record what.
//
// A token is 32 random bytes, shown once as 64 hex digits. Only
// SHA-256(token) is stored, one JSON object per line in DIR/tokens.jsonl:
//   {"hash":"<b64>","role":"admin|recorder|grantee","name":"<account>","org":"<id>","revoked":false}
// A later line for the same name with "revoked":true revokes it. ledgerctl
// appends (with fsync) while ledgerd runs; ledgerd reloads the file when its
// size or mtime changes.
//
// Thread-safe.
#ifndef LEDGER_API_TOKEN_STORE_H_
#define LEDGER_API_TOKEN_STORE_H_

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ledger/base/status.h"

namespace ledger::api {

struct Actor {
  std::string role;  // admin | recorder | grantee
  std::string name;  // account name, written as the entry's "by"
  std::string org;   // grantee organisation id; empty otherwise
  std::string token_id;  // names the token (not the account): hex of SHA-256(token)[:16]
};

class TokenStore {
 public:
  explicit TokenStore(std::string path) : path_(std::move(path)) {}

  // Creates a token for a new account and returns it (the only time it is
  // visible). Names are unique among live tokens.
  Result<std::string> Issue(const std::string& role, const std::string& name, const std::string& org);
  Status Revoke(const std::string& name);
  // Unauthenticated for a missing, unknown or revoked token.
  Result<Actor> Authenticate(std::string_view bearer);
  // The live account called `name` (for tools that act as an account without
  // its token, such as ledgerctl import); NotFound when there is none.
  Result<Actor> FindAccount(const std::string& name);
  // Every live account (name, role, org), by name; token_id left empty, so
  // that nothing derived from a token leaves the store (GET /api/v1/accounts).
  Result<std::vector<Actor>> LiveAccounts();

 private:
  struct Record {
    Actor actor;
    bool revoked = false;
  };
  Status ReloadIfChanged();  // requires mu_
  Status AppendLine(const std::string& line);

  std::string path_;
  std::mutex mu_;
  std::map<std::string, Record> by_hash_;  // key: raw SHA-256 of the token
  int64_t loaded_size_ = -1, loaded_mtime_ns_ = -1;
};

}  // namespace ledger::api

#endif  // LEDGER_API_TOKEN_STORE_H_
