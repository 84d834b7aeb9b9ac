// Entry bodies of the charity domain: typed structs, a strict parser, and
// the canonical encoder.
//
// Canonical JSON here means what nlohmann::json::dump() produces for an
// object whose members are strings, integers and objects: keys sorted
// (std::map), no whitespace, UTF-8. Floats, booleans, nulls, arrays,
// unknown members and missing required members are refused with
// InvalidArgument naming the field. Amounts are positive fen, at most
// kMaxEntryAmountFen (money.h).
//
// Body layouts (amounts in fen, dates YYYY-MM-DD, periods YYYY-MM):
//   fund.open           {id, name:{zh,en}, purpose, kind: "charity"|"lottery", opened_on?}
//   donation            {fund, amount, donor:{commitment, public_name?}, channel,
//                        received_at, campaign?, external_ref?}
//   lottery.allocation  {fund, period, sales, rate_bp, amount}
//   grant               {id, fund, recipient:{id,name}, title, amount, award_date, programme?}
//   disbursement        {grant, amount, paid_at, payment_ref}
//   expense             {grant, amount, category, description, evidence_sha256, spent_at}
//   admin_cost          {fund, amount, category, period}
//   correction          {target, reason}
// Ids (fund, grant, recipient) match [a-z0-9][a-z0-9._-]{0,63}.
// Every string member is text as ledger/base/text.h defines it: no control,
// bidi or invisible format characters, no noncharacters, well-formed UTF-8;
// only purpose, description and reason may hold line breaks (LF). The error
// names the member (Status::field(), e.g. "body.title") and the rule
// ("text.bidi").
//
// Thread-safe: pure functions.
#ifndef LEDGER_FUNDS_BODY_H_
#define LEDGER_FUNDS_BODY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

#include "ledger/base/status.h"
#include "ledger/funds/entry_types.h"

namespace ledger::funds {

enum class FundKind { kCharity, kLottery, kLast = kLottery };
std::string_view FundKindName(FundKind kind);

struct FundOpenBody {
  std::string id, name_zh, name_en, purpose;
  FundKind kind = FundKind::kCharity;
  std::optional<std::string> opened_on;  // first business date; default: the recording date
};
struct DonationBody {
  std::string fund;
  int64_t amount = 0;
  std::string commitment;  // base64 of 32 bytes
  std::optional<std::string> public_name;
  std::string channel;  // bank | online | cash | in_kind
  std::string received_at;
  std::optional<std::string> campaign, external_ref;
};
struct LotteryAllocationBody {
  std::string fund, period;
  int64_t sales = 0, rate_bp = 0, amount = 0;
};
struct GrantBody {
  std::string id, fund, recipient_id, recipient_name, title;
  int64_t amount = 0;
  std::string award_date;
  std::optional<std::string> programme;
};
struct DisbursementBody {
  std::string grant;
  int64_t amount = 0;
  std::string paid_at, payment_ref;
};
struct ExpenseBody {
  std::string grant;
  int64_t amount = 0;
  std::string category, description, evidence_sha256, spent_at;
};
struct AdminCostBody {
  std::string fund;
  int64_t amount = 0;
  std::string category, period;
};
struct CorrectionBody {
  uint64_t target = 0;
  std::string reason;
};

using Body = std::variant<FundOpenBody, DonationBody, LotteryAllocationBody, GrantBody,
                          DisbursementBody, ExpenseBody, AdminCostBody, CorrectionBody>;

// Validates `j` as the stored body of `type`. Field-level rules only (types,
// formats, ranges, the lottery amount formula); rules that need fund state
// or the recording time are checked when the entry is applied.
Result<Body> ParseBody(EntryType type, const nlohmann::json& j);

// Parses body text as it appears in an entry: it must be valid JSON, valid
// per ParseBody, and byte-identical to its canonical form.
Result<Body> ParseCanonicalBody(EntryType type, std::string_view text);

// The canonical bytes of `j` (see above); InvalidArgument for floats,
// booleans, nulls, arrays or invalid UTF-8 anywhere inside.
Result<std::string> CanonicalJson(const nlohmann::json& j);

// [a-z0-9][a-z0-9._-]{0,63}
bool IsValidId(std::string_view id);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_BODY_H_
