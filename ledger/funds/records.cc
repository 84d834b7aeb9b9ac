#include "ledger/funds/records.h"

namespace ledger::funds {

Measures MeasuresOf(const EntryRec& r) {
  Measures m;
  const int64_t amount = r.amount;
  switch (r.type) {
    case EntryType::kDonation:
      m.donations = amount;
      m.n_donations = 1;
      break;
    case EntryType::kLotteryAllocation:
      m.allocations = amount;
      m.lottery_sales = r.sales;
      m.n_allocations = 1;
      break;
    case EntryType::kGrant:
      m.granted = amount;
      m.n_grants = 1;
      break;
    case EntryType::kDisbursement:
      m.disbursed = amount;
      m.n_disbursements = 1;
      break;
    case EntryType::kExpense:
      m.used = amount;
      m.n_expenses = 1;
      break;
    case EntryType::kAdminCost:
      m.admin_cost = amount;
      m.n_admin_costs = 1;
      break;
    case EntryType::kFundOpen:
    case EntryType::kCorrection:
      break;
  }
  return m;
}

bool IsInflow(EntryType type) { return type == EntryType::kDonation || type == EntryType::kLotteryAllocation; }
bool IsOutflow(EntryType type) { return type == EntryType::kGrant || type == EntryType::kAdminCost; }

}  // namespace ledger::funds
