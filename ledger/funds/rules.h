// The accounting rules of docs/DESIGN.md ("Entry types and the rules they
// obey"), each with the rule name a refusal carries. Decide() checks one
// sequenced entry against the state before it and returns its whole effect
// as a Change (change.h); it reads, never writes, so a refused entry changes
// nothing.
//
// Rules every entry obeys:
//   - business dates are not after the recording date in the ledger's time
//     zone ("date.not_after_recording"), and not before the fund's opened_on
//     ("date.before_fund_opened");
//   - a disbursement is paid on or after its grant's award date
//     ("disbursement.after_award"); an expense is spent on or after the
//     grant's first live disbursement ("expense.after_payment");
//   - the ledger's live income stays within int64 fen ("amount.ledger_total"),
//     so with the per-entry ceiling (money.h) no view's sum can overflow;
//   - per type: fund ids unique, grants within the fund's uncommitted
//     balance, disbursements within the grant and the fund's balance,
//     expenses within the disbursed-but-unused amount, admin costs within the
//     uncommitted balance, one live lottery allocation per fund and period,
//     corrections of money-moving entries only, once, and only where
//     balances stay >= 0.
// Who may record a type (roles) is checked before an entry is sequenced
// (ledger.h), not here: replaying a log needs no accounts.
//
// Thread-compatible: pure functions of their arguments.
#ifndef LEDGER_FUNDS_RULES_H_
#define LEDGER_FUNDS_RULES_H_

#include "ledger/base/status.h"
#include "ledger/funds/body.h"
#include "ledger/funds/change.h"
#include "ledger/funds/hot_state.h"
#include "ledger/tlog/log.h"

namespace ledger::funds {

// The ledger's time zone as a fixed offset east of UTC, in minutes.
inline constexpr int kDefaultUtcOffsetMinutes = 8 * 60;  // Asia/Shanghai

struct RuleContext {
  const HotState& hot;             // including earlier entries of the batch
  const tlog::StateReader& store;  // likewise
  int utc_offset_minutes = kDefaultUtcOffsetMinutes;
};

Result<Change> Decide(const tlog::SequencedEntry& e, EntryType type, const Body& body, const RuleContext& ctx);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_RULES_H_
