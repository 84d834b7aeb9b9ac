#include "ledger/funds/records.h"

namespace ledger::funds {

std::vector<std::pair<std::string, Measures>> DatedMeasuresOf(const EntryRec& r) {
  Measures m;
  const int64_t amount = r.amount;
  std::vector<std::pair<std::string, Measures>> out;
  switch (r.type) {
    case EntryType::kDonation:
      m.donations = amount;
      m.n_donations = 1;
      if (r.restricted) m.restricted = amount;
      if (r.in_kind) m.in_kind = amount;
      if (!r.date_to.empty() && r.date_to.substr(0, 4) > r.date.substr(0, 4)) {
        // Received this year, usable only from a later year (2016 rules Art. 10).
        m.deferred = amount;
        Measures release;
        release.released = amount;
        out.emplace_back(r.date_to, release);
      }
      break;
    case EntryType::kLotteryAllocation:
      m.allocations = amount;
      m.n_allocations = 1;
      break;
    case EntryType::kLotterySales:
      m.lottery_sales = amount;
      break;
    case EntryType::kGrant:
      m.granted = amount;
      m.n_grants = 1;
      break;
    case EntryType::kDisbursement:
      m.disbursed = amount;
      m.n_disbursements = 1;
      m.households = r.households;
      m.persons = r.persons;
      break;
    case EntryType::kExpense:
      m.used = amount;
      m.n_expenses = 1;
      break;
    case EntryType::kAdminCost:
      m.admin_cost = amount;
      m.n_admin_costs = 1;
      break;
    case EntryType::kIncome:
      m.other_income = amount;
      m.n_incomes = 1;
      break;
    case EntryType::kBalanceForward:
      m.brought_forward = amount;
      break;
    case EntryType::kCost:
      (r.klass == "fundraising"  ? m.fundraising_cost
       : r.klass == "charitable" ? m.charitable_cost
                                 : m.other_cost) = amount;
      m.n_costs = 1;
      break;
    default:
      return out;
  }
  out.insert(out.begin(), {r.date, m});
  return out;
}

Measures MeasuresOf(const EntryRec& r) {
  Measures sum;
  for (const auto& [date, m] : DatedMeasuresOf(r)) sum.Add(m);
  return sum;
}

bool IsInflow(EntryType type) {
  return type == EntryType::kDonation || type == EntryType::kLotteryAllocation || type == EntryType::kIncome ||
         type == EntryType::kBalanceForward;
}
bool IsOutflow(EntryType type) {
  return type == EntryType::kGrant || type == EntryType::kAdminCost || type == EntryType::kCost;
}

}  // namespace ledger::funds
