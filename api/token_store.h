// Bearer tokens: who may record what.
//
// A token is 32 random bytes, shown once as 64 hex digits. Only
// SHA-256(token) is stored, one JSON object per line in DIR/tokens.jsonl:
//   {"hash":"<b64>","role":"admin|recorder|grantee","name":"<account>","org":"<id>","revoked":false}
// A later line {"name":"<account>","revoked":true} revokes EVERY token of
// that name issued before it (a file written by an older version may hold
// several live tokens for one name; one revocation ends them all).
//
// Issue and Revoke may run in several processes at once (ledgerctl while
// ledgerd runs, or many ledgerctl): each holds an exclusive flock on
// DIR/tokens.jsonl.lock across reading the file, checking it and appending,
// so at most one live token per name is ever issued. Appends are fsynced.
// Readers (Authenticate) take no lock: they reload the file when its size
// or mtime changes and ignore a last line that is not yet complete.
//
// Thread-safe.
#ifndef LEDGER_API_TOKEN_STORE_H_
#define LEDGER_API_TOKEN_STORE_H_

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"

namespace ledger::api {

struct Actor {
  std::string role;  // admin | recorder | grantee
  std::string name;  // account name, written as the entry's "by"
  std::string org;   // grantee organisation id; empty otherwise
  // Identifies the token (not the account): lowercase hex of the first 16
  // bytes of SHA-256(token). A reissued name gets a new token_id. Safe to
  // store and log; it does not reveal the token.
  std::string token_id;
};

// TokenId(token) = hex(SHA-256(token)[0:16]), as in Actor::token_id.
std::string TokenId(std::string_view bearer);

class TokenStore {
 public:
  explicit TokenStore(std::string path) : path_(std::move(path)) {}

  // Creates a token for an account that has no live token and returns it
  // (the only time it is visible). AlreadyExists when the name has one.
  Result<std::string> Issue(const std::string& role, const std::string& name, const std::string& org);
  // Revokes every live token of `name`; NotFound when it has none.
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
  Status ReloadIfChanged(bool force);  // requires mu_
  Status AppendLine(const std::string& line);
  // Runs fn holding mu_ and the inter-process lock on path_ + ".lock".
  Status WithFileLock(const std::function<Status()>& fn);

  std::string path_;
  std::mutex mu_;
  std::map<std::string, Record> by_hash_;  // key: raw SHA-256 of the token
  int64_t loaded_size_ = -1, loaded_mtime_ns_ = -1;
};

}  // namespace ledger::api

#endif  // LEDGER_API_TOKEN_STORE_H_
