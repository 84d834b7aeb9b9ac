#include "ledger/funds/entry_types.h"

#include <array>
#include <utility>

namespace ledger::funds {
namespace {

constexpr std::array<std::pair<EntryType, std::string_view>, 17> kTypeNames = {{
    {EntryType::kFundOpen, "fund.open"},
    {EntryType::kDonation, "donation"},
    {EntryType::kLotteryAllocation, "lottery.allocation"},
    {EntryType::kGrant, "grant"},
    {EntryType::kDisbursement, "disbursement"},
    {EntryType::kExpense, "expense"},
    {EntryType::kAdminCost, "admin_cost"},
    {EntryType::kCorrection, "correction"},
    {EntryType::kOrgProfile, "org.profile"},
    {EntryType::kNetAssets, "net_assets"},
    {EntryType::kIncome, "income"},
    {EntryType::kCost, "cost"},
    {EntryType::kBalanceForward, "balance.forward"},
    {EntryType::kProjectOpen, "project.open"},
    {EntryType::kDisclosure, "disclosure"},
    {EntryType::kBooksClose, "books.close"},
    {EntryType::kLotterySales, "lottery.sales"},
}};

}  // namespace

std::string_view EntryTypeName(EntryType type) {
  for (const auto& [t, name] : kTypeNames) {
    if (t == type) return name;
  }
  return "unknown";
}

Result<EntryType> ParseEntryType(std::string_view name) {
  for (const auto& [t, n] : kTypeNames) {
    if (n == name) return t;
  }
  return InvalidArgument("unknown entry type \"" + std::string(name) + "\"", "entry.type_known");
}

bool MovesMoney(EntryType type) {
  switch (type) {
    case EntryType::kDonation:
    case EntryType::kLotteryAllocation:
    case EntryType::kGrant:
    case EntryType::kDisbursement:
    case EntryType::kExpense:
    case EntryType::kAdminCost:
    case EntryType::kIncome:
    case EntryType::kCost:
    case EntryType::kBalanceForward:
      return true;
    default:
      return false;
  }
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kRecorder: return "recorder";
    case Role::kGrantee: return "grantee";
  }
  return "unknown";
}

Result<Role> ParseRole(std::string_view name) {
  if (name == "admin") return Role::kAdmin;
  if (name == "recorder") return Role::kRecorder;
  if (name == "grantee") return Role::kGrantee;
  return InvalidArgument("unknown role \"" + std::string(name) + "\"", "role.known");
}

Status CheckRole(const Actor& actor, EntryType type) {
  bool ok = false;
  switch (actor.role) {
    case Role::kAdmin:
      ok = type == EntryType::kFundOpen || type == EntryType::kOrgProfile || type == EntryType::kBooksClose;
      break;
    case Role::kRecorder:
      ok = type != EntryType::kFundOpen && type != EntryType::kOrgProfile && type != EntryType::kBooksClose &&
           type != EntryType::kExpense;
      break;
    case Role::kGrantee:
      ok = type == EntryType::kExpense && !actor.org.empty();
      break;
  }
  if (ok) return Status::Ok();
  return Status(Code::kPermissionDenied,
                "role " + std::string(RoleName(actor.role)) + " may not record " +
                    std::string(EntryTypeName(type)) + " entries",
                "role.may_record");
}

}  // namespace ledger::funds
