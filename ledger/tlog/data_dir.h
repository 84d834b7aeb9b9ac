// The files of a ledger data directory, shared by ledgerd and ledgerctl:
//
//   DIR/db/          the RocksDB store (docs/format.md)
//   DIR/log.key      the log's Ed25519 signing key, signed-note private key
//                    form, mode 0600 (ledgerd refuses a looser mode)
//   DIR/log.vkey     the verifier key, "<origin>+<hex id>+<base64>", public
//   DIR/tokens.jsonl bearer token records (api/token_store.h)
#ifndef LEDGER_TLOG_DATA_DIR_H_
#define LEDGER_TLOG_DATA_DIR_H_

#include <memory>
#include <string>

#include "ledger/base/status.h"
#include "ledger/tlog/log.h"

namespace ledger::tlog {

struct DataDir {
  std::string root;
  std::string db() const { return root + "/db"; }
  std::string key_file() const { return root + "/log.key"; }
  std::string vkey_file() const { return root + "/log.vkey"; }
  std::string tokens_file() const { return root + "/tokens.jsonl"; }
};

// Creates the directory, a new key and an empty log. Refuses if a log exists.
// Returns the verifier key.
Result<std::string> InitDataDir(const DataDir& dir, const std::string& origin);

struct LogKey {
  std::string origin;
  std::shared_ptr<const crypto::Signer> signer;
};
// Reads DIR/log.key; with `require_private_mode`, refuses a key file that
// group or others may read.
Result<LogKey> ReadLogKey(const DataDir& dir, bool require_private_mode);

// Opens the ledger in `dir` for writing with its own key (ReadLogKey) and
// `state_machine` (may be null). RocksDB lets one process hold it at a time.
Result<std::unique_ptr<Log>> OpenWritableLog(const DataDir& dir, bool require_private_mode,
                                             StateMachine* state_machine);

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_DATA_DIR_H_
