#include "ledger/funds/entry_types.h"

#include <array>
#include <utility>

namespace ledger::funds {
namespace {

constexpr std::array<std::pair<EntryType, std::string_view>, 8> kTypeNames = {{
    {EntryType::kFundOpen, "fund.open"},
    {EntryType::kDonation, "donation"},
    {EntryType::kLotteryAllocation, "lottery.allocation"},
    {EntryType::kGrant, "grant"},
    {EntryType::kDisbursement, "disbursement"},
    {EntryType::kExpense, "expense"},
    {EntryType::kAdminCost, "admin_cost"},
    {EntryType::kCorrection, "correction"},
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
  return type != EntryType::kFundOpen && type != EntryType::kCorrection;
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
      ok = type == EntryType::kFundOpen;
      break;
    case Role::kRecorder:
      ok = type != EntryType::kFundOpen && type != EntryType::kExpense;
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
