// The demo ledger: a fictional district charity federation, 2016-2020, as
// sample data (its org.profile says sample_data: true, which /api/v1/log
// and every page show).
//
// LoadDemo records, through `ledger`, a deterministic history (fixed PRNG
// seed; only recording times and donor secrets differ between runs) whose
// report for 2016-01-01..2020-12-31 gives the district plan's figures
// exactly (district civil-affairs plan, 十四五 规划):
//   serious-illness  重大疾病救助     880 households, 471,380,000 fen
//   poor-students    贫困大学生资助   211 students,    78,000,000 fen
//   police-relief    公安民警救助基金                  86,380,000 fen
//   birth-care       生育关怀资金                     102,000,000 fen
// (the plan gives no count for the last two: their number of payments is
// illustrative, and their payments state no beneficiary count), and
//   welfare-lottery  福利彩票公益金   quarterly budget allocations (district,
//                                     province, city documents), monthly
//                                     sales as context, grants to welfare
//                                     institutions and their expenses with
//                                     evidence hashes
// plus: the organisation profile (a 社会团体 with public-fundraising status
// from 2016-12-20), the 2015 balances brought forward, a few thousand
// donations (mostly anonymous, a few fictional public names, 捐赠票据
// numbers, some in kind, one restricted gift with an admin-fee cap and an
// admin cost charged to it), monthly admin costs, project staff costs,
// fundraising costs of 99 Giving Day campaigns, bank interest and a
// government purchase of services, net assets at each year end, a four-year
// relief project with quarterly progress and results disclosures, annual
// reports published each spring, books closed for 2016-2019, and
// corrections (a duplicate donation, mistyped disbursements, a wrong
// invoice hash, an admin cost in the wrong fund).
//
// The ledger must be empty of these funds (AlreadyExists otherwise).
#ifndef LEDGER_FUNDS_DEMO_H_
#define LEDGER_FUNDS_DEMO_H_

#include <cstdint>

#include "ledger/base/status.h"
#include "ledger/funds/ledger.h"

namespace ledger::funds {

struct DemoFigure {
  const char* fund;
  int64_t disbursements;  // count of live disbursements
  int64_t disbursed;      // fen
  // The beneficiaries the plan states ("households" / "persons"), or none.
  const char* beneficiary;
  int64_t beneficiaries;
};
// The published figures above, for tests and tools.
inline constexpr DemoFigure kDemoFigures[] = {
    {"serious-illness", 880, 471380000, "households", 880},
    {"poor-students", 211, 78000000, "persons", 211},
    {"police-relief", 64, 86380000, "", 0},   // count illustrative
    {"birth-care", 204, 102000000, "", 0},    // count illustrative
};

Status LoadDemo(Ledger* ledger);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_DEMO_H_
