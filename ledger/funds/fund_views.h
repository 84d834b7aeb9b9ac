// JSON views of funds and grants (shapes in docs/api.md: Fund, GrantSummary,
// Grant), read from a FundsView: funds from the hot state, grants and their
// entries from the store. Pure functions of the view.
#ifndef LEDGER_FUNDS_FUND_VIEWS_H_
#define LEDGER_FUNDS_FUND_VIEWS_H_

#include <functional>
#include <string_view>

#include <nlohmann/json.hpp>

#include "ledger/base/status.h"
#include "ledger/funds/view.h"

namespace ledger::funds {

// The canonical bytes of entry `seq` (Log::Entry).
using EntryBytes = std::function<Result<std::string>(uint64_t)>;

nlohmann::json FundJson(const FundRec& f);
// {"tree_size","funds":[Fund...]} in fund id order.
nlohmann::json FundsListJson(const FundsView& v);
// The organisation as its org.profile entries describe it: every profile
// (ascending by effective date), the one in effect now, net assets by
// year, closed years, and `sample_data`: true when the profile in effect
// declares the ledger's data fictional (the demo).
nlohmann::json OrganisationJson(const FundsView& v);
// Fund plus "grants":[GrantSummary...] (by award date); NotFound for an unknown id.
Result<nlohmann::json> FundDetailJson(const FundsView& v, std::string_view id);
// GrantSummary, plus "corrected" (true once a correction reversed the grant).
nlohmann::json GrantSummaryJson(const GrantRec& g);
// {"grants":[GrantSummary...]}; `fund` empty = all grants (by id), else the
// fund's by award date; NotFound for an unknown fund.
Result<nlohmann::json> GrantsJson(const FundsView& v, std::string_view fund);
// Grant (promised vs paid vs used, with the entries behind each; their
// details come from the entries themselves through `entry`).
Result<nlohmann::json> GrantJson(const FundsView& v, std::string_view id, const EntryBytes& entry);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_FUND_VIEWS_H_
