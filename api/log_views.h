// The JSON and text bodies of the log's read routes, shared by ledgerd
// (api/log_routes.cc) and the static mirror (ledgerctl publish), so a mirror
// serves the very bytes ledgerd would.
#ifndef LEDGER_API_LOG_VIEWS_H_
#define LEDGER_API_LOG_VIEWS_H_

#include <nlohmann/json.hpp>
#include <string>

#include "ledger/base/status.h"
#include "ledger/tlog/log.h"

namespace ledger::api {

// GET /api/v1/log: {"origin","vkey","tree_size","policy"}, `policy` being
// the log's tlog-policy text (also served at /tlog-policy).
nlohmann::json LogJson(const tlog::Log& log, const std::string& policy);
// GET /api/v1/checkpoints/latest: {"size","root","time","note","witnesses"}
Result<nlohmann::json> CheckpointJson(const tlog::Log& log, const tlog::Checkpoint& cp);
// GET /api/v1/entries/{seq}: {"seq","leaf_hash","entry","raw"}
Result<nlohmann::json> EntryJson(const tlog::Log& log, uint64_t seq);
// GET /api/v1/receipts/{seq}: the C2SP tlog-proof of entry `seq` in `cp`,
// with the entry bytes as extra data. NotFound when `cp` does not cover it.
Result<std::string> ReceiptText(const tlog::Log& log, uint64_t seq, const tlog::Checkpoint& cp);

}  // namespace ledger::api

#endif  // LEDGER_API_LOG_VIEWS_H_
