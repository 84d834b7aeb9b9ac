// Welfare-lottery views, across all funds of kind lottery. Live entries only;
// read from stored per-period measures and index keys. Pure functions.
//
// LotteryJson: per month (YYYY-MM) and in total: allocations received (by
// the date received), granted (by award month), used (grantees' expenses by
// spent month), and lottery sales stated as context (lottery.sales, not money
// the district holds).
//
// LotteryAnnouncementJson: the yearly use announcement, in the form the
// provinces publish (彩票公益金管理办法: provinces by the end of June for the
// year before, the Ministry of Finance by the end of August): for the year,
// the allocations received by level with their finance document numbers,
// the money granted, paid and used, the balance carried over to the next
// year, per project (grant), and the announcement itself when a
// lottery_announcement disclosure covers the year.
#ifndef LEDGER_FUNDS_LOTTERY_VIEW_H_
#define LEDGER_FUNDS_LOTTERY_VIEW_H_

#include <nlohmann/json.hpp>

#include "ledger/base/status.h"
#include "ledger/funds/view.h"

namespace ledger::funds {

// {"periods":[{"period","sales","allocated","granted","used"}...],
//  "totals":{"sales","allocated","granted","used"},"tree_size"}
Result<nlohmann::json> LotteryJson(const FundsView& v);

// InvalidArgument for a year outside 1901..9998.
Result<nlohmann::json> LotteryAnnouncementJson(const FundsView& v, int year);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_LOTTERY_VIEW_H_
