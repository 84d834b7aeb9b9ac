// China Charity Law checks for one calendar year, over funds of kind charity
// (the welfare-lottery public-welfare fund is government money under its own
// rules and is left out). Live entries only; all dates are business dates
// except where "recorded" is said.
//
//   previous_year_income = donations received in year-1
//   charitable_spending  = disbursements paid in year
//   admin_cost           = admin costs of periods in year
//   spending_ok: charitable_spending >= 70% of previous_year_income (true when
//                that income is 0); admin_ok: admin_cost <= 10% of spending.
//   Ratios are decimal strings with 4 places, rounded down; null when the
//   denominator is 0.
//
// Disclosure deadlines. The ledger is the disclosure, so a deadline is met on
// the day the entries it asks for were *recorded* (entry time), and
// "missed" is judged against the latest recording date in the log ("as_of"):
//   - "annual report <year>": due <year+1>-05-31; met on the recording date
//     of the last entry with a business date in the year.
//   - "quarterly update <grant> <YYYY-Qn>": for grants whose project runs over
//     6 months (award_date to the last expense once fully used, else to as_of),
//     for each quarter of the year the project spans: due one month after the
//     quarter ends; met by the first disbursement or expense on the grant
//     recorded from the quarter's start up to the due date.
//   - "results <grant>": for grants fully used with their last expense in
//     the year: due 3 months after that expense's spent_at; met on the day
//     that completing expense was recorded.
// A deadline is missed when met_on > due, or when it is unmet and due < as_of.
#ifndef LEDGER_FUNDS_COMPLIANCE_H_
#define LEDGER_FUNDS_COMPLIANCE_H_

#include <nlohmann/json.hpp>

#include "ledger/base/status.h"
#include "ledger/funds/view.h"

namespace ledger::funds {

// InvalidArgument for a year outside 1901..9998.
Result<nlohmann::json> ComplianceJson(const FundsView& v, int year);

// "0.7312" for num/den rounded down to 4 places; den > 0, num >= 0.
std::string RatioString(int64_t num, int64_t den);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_COMPLIANCE_H_
