// The demo ledger: the Huicheng district charity federation, 2016-2020.
//
// LoadDemo records, through `ledger`, a deterministic history (fixed PRNG
// seed; only recording times and donor secrets differ between runs) whose
// report for 2016-01-01..2020-12-31 gives the federation's published figures
// exactly (district civil-affairs plan, 十四五 规划):
//   serious-illness  重大疾病救助     880 disbursements, 471,380,000 fen
//   poor-students    贫困大学生资助   211 disbursements,  78,000,000 fen
//   police-relief    公安民警救助基金                     86,380,000 fen
//   maternity-care   生育关怀资金                        102,000,000 fen
//   welfare-lottery  福利彩票公益金   monthly allocations, grants to welfare
//                                     institutions, their expenses with
//                                     evidence hashes
// plus a few thousand donations (mostly anonymous, a few public names),
// monthly admin costs, and corrections (a duplicate donation, mistyped
// disbursements, a wrong invoice hash, an admin cost in the wrong fund).
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
};
// The published figures above, for tests and tools.
inline constexpr DemoFigure kDemoFigures[] = {
    {"serious-illness", 880, 471380000},
    {"poor-students", 211, 78000000},
    {"police-relief", 64, 86380000},
    {"maternity-care", 204, 102000000},
};

Status LoadDemo(Ledger* ledger);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_DEMO_H_
