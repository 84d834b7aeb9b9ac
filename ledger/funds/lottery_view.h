// Welfare-lottery view: per month (YYYY-MM) and in total, across all funds of
// kind lottery: sales raised and public-welfare money allocated (from
// lottery.allocation, by period), granted (grants by award month), used
// (grantees' expenses by spent month). Live entries only. Read from the
// stored per-month measures of the lottery funds. Pure function.
#ifndef LEDGER_FUNDS_LOTTERY_VIEW_H_
#define LEDGER_FUNDS_LOTTERY_VIEW_H_

#include <nlohmann/json.hpp>

#include "ledger/base/status.h"
#include "ledger/funds/view.h"

namespace ledger::funds {

// {"periods":[{"period","sales","allocated","granted","used"}...],
//  "totals":{"sales","allocated","granted","used"},"tree_size"}
Result<nlohmann::json> LotteryJson(const FundsView& v);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_LOTTERY_VIEW_H_
