// The charity domain over HTTP: FundsRecorder is the Recorder behind
// POST /api/v1/entries when ledgerd serves a funds::Ledger, and
// RegisterFundsRoutes (declared in server.h) adds the views of docs/api.md.
#ifndef LEDGER_API_FUNDS_ROUTES_H_
#define LEDGER_API_FUNDS_ROUTES_H_

#include <nlohmann/json.hpp>
#include <string>

#include "api/recorder.h"
#include "ledger/funds/ledger.h"

namespace ledger::api {

// Maps the token's actor to a funds::Actor and records through the Ledger.
// The 201 body is {"seq","leaf_hash","entry"} plus "receipt" for a donation
// (shown once, and again on every retry with the same Idempotency-Key and
// token) and "replayed":true when an Idempotency-Key returned an earlier entry.
// Thread-safe.
class FundsRecorder : public Recorder {
 public:
  explicit FundsRecorder(funds::Ledger* ledger) : ledger_(ledger) {}
  Result<nlohmann::json> Record(const Actor& actor, const std::string& type,
                                const nlohmann::json& body,
                                const std::string& idempotency_key) override;

 private:
  funds::Ledger* ledger_;
};

}  // namespace ledger::api

#endif  // LEDGER_API_FUNDS_ROUTES_H_
