// The charity-law view of one calendar year (GET /api/v1/compliance?year=),
// over funds of kind charity (the welfare-lottery public-welfare fund is
// government money under its own rules and is left out). Every figure is a
// sum of stored per-period measures (measures_range.h) or a lookup of
// disclosure entries, so anyone replaying the entries gets the same answer.
//
// Spending and admin cost (关于慈善组织开展慈善活动年度支出和管理费用的规定,
// 2016; limits as data in charity_rules.h), judged for years from 2016:
//   income(Y)            = donations + other income received in Y
//   adjusted income(Y)   = income(Y) - income time-restricted to a later
//                          year + income released from such a restriction in Y
//                          (Art. 10)
//   charitable spending  = disbursements + charitable costs (Art. 4)
//   total spending       = charitable spending + admin + fundraising + other costs
//   the tier             = the organisation's profile in force at the year's
//                          end (org.profile): legal type, public-fundraising
//                          status, and last year-end net assets (net_assets)
//   spending_ok          = charitable spending >= the tier's share of the
//                          previous year's adjusted income, or of the
//                          three-year average (Art. 10), or of last year-end
//                          net assets (or their three-year average); null when
//                          there is no profile or no basis on record
//   admin_ok             = admin <= the tier's share of total spending, or
//                          admin below 200,000 yuan (Art. 11: no ratio)
//   admin_explained      = when admin_ok is false: the admin_cost_explanation
//                          disclosure of the year (Art. 12), or null
// Ratios are decimal strings with 4 places, rounded down; null when the
// denominator is 0.
//
// Disclosure deadlines are acts of publication: a `disclosure` entry's
// published_at, never the day something was recorded. For year Y:
//   - the annual work and financial report of Y, due as the rules in force
//     say (charity_rules.h AnnualReportDeadline): met by an annual_report
//     disclosure whose period ends in Y;
//   - projects and campaigns (project.open) running over six months, started
//     from 2016-09-01 by an organisation with public-fundraising status:
//     progress at least every three months from the start (project_progress
//     disclosures of that subject) and results within three months of the
//     end (project_results), for each due date in Y;
//   - the admin-cost explanation of Y when the admin limit was missed.
// A deadline's status: "met" (published by the due date), "late"
// (published after it), "open" (not yet due on as_of), "missed" (due and
// not published), or "not_on_record" when it fell due before the ledger
// began recording (history imported later): such a deadline is never
// counted as missed. as_of is the recording date of the newest entry.
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
