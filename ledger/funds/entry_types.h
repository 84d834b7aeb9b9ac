// Entry types of the charity domain, the roles that may record them, and the
// actor (who is recording) as the api/ layer hands it to the library.
//
// The table these encode is in docs/DESIGN.md ("Entry types and the rules
// they obey"). Role checks live here and nowhere else.
#ifndef LEDGER_FUNDS_ENTRY_TYPES_H_
#define LEDGER_FUNDS_ENTRY_TYPES_H_

#include <optional>
#include <string>
#include <string_view>

#include "ledger/base/status.h"

namespace ledger::funds {

enum class EntryType {
  kFundOpen,
  kDonation,
  kLotteryAllocation,
  kGrant,
  kDisbursement,
  kExpense,
  kAdminCost,
  kCorrection,
  kOrgProfile,      // admin: the organisation's legal type and fundraising status
  kNetAssets,       // recorder: net assets at a year's end
  kIncome,          // recorder: other income (government grants, interest, ...)
  kCost,            // recorder: fundraising, charitable and other costs
  kBalanceForward,  // recorder: money a fund held before the ledger began
  kProjectOpen,     // recorder: a fundraising campaign or project, with its filing
  kDisclosure,      // recorder: an act of publication
  kBooksClose,      // admin: a year's books are closed
  kLotterySales,    // recorder: lottery sales stated as context (no money)
  kLast = kLotterySales,  // for decoders
};

// The wire name, e.g. "lottery.allocation".
std::string_view EntryTypeName(EntryType type);
// NotFound-free parse: InvalidArgument (rule "entry.type_known") for a name
// that is not in the table.
Result<EntryType> ParseEntryType(std::string_view name);

// True for the types that move money: donations, allocations, other income,
// balances brought forward, grants, disbursements, expenses and costs.
bool MovesMoney(EntryType type);

enum class Role { kAdmin, kRecorder, kGrantee };

std::string_view RoleName(Role role);
Result<Role> ParseRole(std::string_view name);

// Who records an entry. `name` becomes the entry's "by". `org` is set for a
// grantee: the organisation id its token is bound to. `token_id` names the
// credential the request came with; idempotency keys are scoped by it.
struct Actor {
  Role role = Role::kRecorder;
  std::string name;
  std::string org;
  std::string token_id;
};

// PermissionDenied (rule "role.may_record") unless `actor.role` may record
// `type`: admin fund.open, org.profile, books.close; grantee expense;
// recorder everything else. Whether a grantee's
// expense names one of its own grants needs fund state and is checked when
// the entry is applied.
Status CheckRole(const Actor& actor, EntryType type);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_ENTRY_TYPES_H_
