// Recorder: what POST /api/v1/entries does with an authenticated request.
//
// ledgerd records through funds (api/funds_routes.cc: the charity entry
// types and their rules). GenericRecorder, used by tests of the log layer
// alone, accepts any entry type made of lowercase letters, dots and
// underscores, with any JSON object body.
#ifndef LEDGER_API_RECORDER_H_
#define LEDGER_API_RECORDER_H_

#include <nlohmann/json.hpp>
#include <string>

#include "api/token_store.h"
#include "ledger/base/status.h"
#include "ledger/tlog/log.h"

namespace ledger::api {

class Recorder {
 public:
  virtual ~Recorder() = default;
  // Validates and appends; returns the body of the 201 answer, at least
  // {"seq","leaf_hash","entry"}. `idempotency_key` may be empty.
  virtual Result<nlohmann::json> Record(const Actor& actor, const std::string& type,
                                        const nlohmann::json& body,
                                        const std::string& idempotency_key) = 0;
};

class GenericRecorder : public Recorder {
 public:
  explicit GenericRecorder(tlog::Log* log) : log_(log) {}
  Result<nlohmann::json> Record(const Actor& actor, const std::string& type, const nlohmann::json& body,
                                const std::string& idempotency_key) override;

 private:
  tlog::Log* log_;
};

// {"seq","leaf_hash","entry"} for an appended entry.
nlohmann::json AppendedJson(const tlog::Appended& a);

}  // namespace ledger::api

#endif  // LEDGER_API_RECORDER_H_
