// JSON views of funds and grants (shapes in docs/api.md: Fund, GrantSummary,
// Grant), read from a published FundsData. Pure functions; the caller holds
// the snapshot.
#ifndef LEDGER_FUNDS_FUND_VIEWS_H_
#define LEDGER_FUNDS_FUND_VIEWS_H_

#include <string_view>

#include <nlohmann/json.hpp>

#include "ledger/base/status.h"
#include "ledger/funds/state.h"

namespace ledger::funds {

nlohmann::json FundJson(const FundRec& f);
// {"tree_size","funds":[Fund...]} in fund id order.
nlohmann::json FundsListJson(const FundsData& d);
// Fund plus "grants":[GrantSummary...]; NotFound for an unknown id.
Result<nlohmann::json> FundDetailJson(const FundsData& d, std::string_view id);
// GrantSummary, plus "corrected" (true once a correction reversed the grant).
nlohmann::json GrantSummaryJson(const GrantRec& g);
// {"grants":[GrantSummary...]}; `fund` empty = all grants; NotFound for an
// unknown fund.
Result<nlohmann::json> GrantsJson(const FundsData& d, std::string_view fund);
// Grant (promised vs paid vs used, with the entries behind each).
Result<nlohmann::json> GrantJson(const FundsData& d, std::string_view id);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_FUND_VIEWS_H_
