// Entry bodies of the charity domain: typed structs, a strict parser, and
// the canonical encoder.
//
// Canonical JSON here means what nlohmann::json::dump() produces for an
// object whose members are strings, integers and objects: keys sorted
// (std::map), no whitespace, UTF-8. Floats, nulls, arrays, booleans (but
// org.profile's sample_data),
// unknown members and missing required members are refused with
// InvalidArgument naming the field. Amounts are positive fen, at most
// kMaxEntryAmountFen (money.h).
//
// Body layouts (amounts in fen, dates YYYY-MM-DD, periods YYYY-MM; "?"
// marks an optional member; docs/format.md section 1 has the full table):
//   fund.open           {id, name:{zh,en}, purpose, kind: "charity"|"lottery", opened_on?}
//   donation            {fund, amount, donor:{commitment, public_name?}, channel, received_at,
//                        campaign?, external_ref?, receipt_no?,
//                        restriction?:{purpose, admin_fee_cap_bp?, available_from?},
//                        in_kind?:{item, quantity, unit, valuation_basis}}
//   lottery.allocation  {fund, fiscal_year, level, document_no, amount, purpose, received_at, category?}
//   lottery.sales       {period, sales, game?, note?}                  (context only)
//   grant               {id, fund, recipient:{id,name}, title, amount, award_date, programme?, project?}
//   disbursement        {grant, amount, paid_at, payment_ref, beneficiaries?:{households?, persons?}, area?}
//   expense             {grant, amount, category, description, evidence_sha256, spent_at}
//   admin_cost          {fund, amount, category, period, charged_to?}
//   cost                {fund, class: "fundraising"|"charitable"|"other", amount, period, description?}
//   income              {fund, class, amount, received_at, description?, receipt_no?}
//   balance.forward     {fund, amount, as_of, description}
//   org.profile         {name:{zh,en}, legal_type, effective_from, public_fundraising_from?, uscc?, sample_data?}
//   net_assets          {year, amount}
//   project.open        {id, name:{zh,en}, kind: "campaign"|"project", start, end, fund?, filing_no?}
//   disclosure          {what, period_from, period_to, published_at, subject?, title?, url?, document_sha256?, platform?}
//   books.close         {year}
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
#include <vector>

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
struct Restriction {
  std::string purpose;                    // 定向: what the donor restricted the gift to
  std::optional<int64_t> admin_fee_cap_bp;  // admin cost the agreement allows, basis points of the gift; absent: none
  std::optional<std::string> available_from;  // time restriction: not to be used before this date
};
struct InKind {
  std::string item, unit, valuation_basis;
  int64_t quantity = 0;
};
struct DonationBody {
  std::string fund;
  int64_t amount = 0;  // for in-kind gifts: the valuation
  std::string commitment;  // base64 of 32 bytes
  std::optional<std::string> public_name;
  std::string channel;  // bank | online | cash | in_kind
  std::string received_at;
  std::optional<std::string> campaign, external_ref, receipt_no;
  std::optional<Restriction> restriction;
  std::optional<InKind> in_kind;
};
// A welfare-lottery public-welfare fund allocation received as a budget
// allocation: the fiscal year, the level that allocated it, and the finance
// document (文号) that did.
struct LotteryAllocationBody {
  std::string fund, level, document_no, purpose, received_at;
  int64_t fiscal_year = 0, amount = 0;
  std::optional<std::string> category;
};
struct LotterySalesBody {
  std::string period;  // YYYY or YYYY-MM
  int64_t sales = 0;
  std::optional<std::string> game, note;
};
struct GrantBody {
  std::string id, fund, recipient_id, recipient_name, title;
  int64_t amount = 0;
  std::string award_date;
  std::optional<std::string> programme, project;
};
struct DisbursementBody {
  std::string grant;
  int64_t amount = 0;
  std::string paid_at, payment_ref;
  int64_t households = 0, persons = 0;  // beneficiaries; 0 when not given
  std::optional<std::string> area;
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
  std::optional<uint64_t> charged_to;  // a restricted donation whose agreement allows admin cost
};
enum class CostClass { kFundraising, kCharitable, kOther };
struct CostBody {
  std::string fund;
  CostClass cls = CostClass::kOther;
  int64_t amount = 0;
  std::string period;
  std::optional<std::string> description;
};
struct IncomeBody {
  std::string fund, cls, received_at;  // cls: government_grant | interest | investment | service | membership_dues | other
  int64_t amount = 0;
  std::optional<std::string> description, receipt_no;
};
struct BalanceForwardBody {
  std::string fund, as_of, description;
  int64_t amount = 0;
};
struct OrgProfileBody {
  std::string name_zh, name_en, legal_type, effective_from;  // legal_type: social_group | foundation | social_service
  std::optional<std::string> public_fundraising_from, uscc;
  bool sample_data = false;  // the ledger holds fictional sample data (the demo)
};
struct NetAssetsBody {
  int64_t year = 0, amount = 0;  // amount: fen, >= 0
};
struct ProjectOpenBody {
  std::string id, name_zh, name_en, kind, start, end;  // kind: campaign | project
  std::optional<std::string> fund, filing_no;
};
struct DisclosureBody {
  std::string what, period_from, period_to, published_at;
  std::optional<std::string> subject, title, url, document_sha256, platform;
};
struct BooksCloseBody {
  int64_t year = 0;
};
struct CorrectionBody {
  uint64_t target = 0;
  std::string reason;
};

using Body = std::variant<FundOpenBody, DonationBody, LotteryAllocationBody, GrantBody, DisbursementBody,
                          ExpenseBody, AdminCostBody, CorrectionBody, OrgProfileBody, NetAssetsBody, IncomeBody,
                          CostBody, BalanceForwardBody, ProjectOpenBody, DisclosureBody, BooksCloseBody,
                          LotterySalesBody>;

std::string_view CostClassName(CostClass c);
// The accepted values of the enumerated members, for forms and docs.
const std::vector<std::string_view>& IncomeClasses();
const std::vector<std::string_view>& LotteryLevels();
const std::vector<std::string_view>& DisclosureKinds();
const std::vector<std::string_view>& LegalTypes();

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
