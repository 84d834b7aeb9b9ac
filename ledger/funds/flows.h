// Sankey data of money flows by business date in [from, to] (both optional):
//   source "donations" / "lottery"  -> fund            value: income
//   fund                            -> programme       value: granted
//   fund                            -> "admin_cost"    value: admin costs
//   programme                       -> "paid"          value: disbursed
// A programme node is per fund and named by the grants' "programme" (or
// "grants" when absent). Live entries only; zero links are left out.
// Read from the stored per-period measures of each fund and programme.
#ifndef LEDGER_FUNDS_FLOWS_H_
#define LEDGER_FUNDS_FLOWS_H_

#include <string>

#include <nlohmann/json.hpp>

#include "ledger/base/status.h"
#include "ledger/funds/view.h"

namespace ledger::funds {

// {"nodes":[{"id","name":{"zh","en"},"kind"}],"links":[{"source","target","value"}]}
// InvalidArgument for malformed dates.
Result<nlohmann::json> FlowsJson(const FundsView& v, const std::string& from, const std::string& to);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_FLOWS_H_
