#include "ledger/funds/body.h"

#include <limits>
#include <set>
#include <utility>

#include "ledger/base/log_escape.h"
#include "ledger/base/text.h"
#include "ledger/crypto/base64.h"
#include "ledger/funds/dates.h"
#include "ledger/funds/money.h"
#include "ledger/funds/uscc.h"

namespace ledger::funds {
namespace {

using nlohmann::json;

constexpr size_t kMaxText = 1024;
constexpr size_t kMaxDescription = 4096;

// Whether a text member may hold line breaks (LF only; ledger/base/text.h).
enum class Lines { kOne, kMany };

// Reads members of one JSON object, remembering which were consumed so that
// Finish() can refuse the rest. The first error sticks, with the member's
// path as its field.
//
// Every string member of every body goes through Optional(), which refuses
// what ledger/base/text.h refuses (controls, bidi controls, invisible format
// characters, noncharacters, invalid UTF-8), and line breaks unless the
// member is declared Lines::kMany. The error names the member and the rule
// and never repeats the refused text.
class Fields {
 public:
  Fields(const json& j, std::string where) : j_(j), where_(std::move(where)) {
    if (!j_.is_object()) {
      status_ = InvalidArgument(where_ + " must be a JSON object", "body.schema").WithField(where_);
    }
  }

  const Status& status() const { return status_; }

  std::string Str(const char* key, size_t max = kMaxText, Lines lines = Lines::kOne) {
    auto v = Optional(key, max, lines);
    if (!v && status_.ok()) FailAt(key, Path(key) + " is required");
    return v.value_or("");
  }

  std::optional<std::string> Optional(const char* key, size_t max = kMaxText, Lines lines = Lines::kOne) {
    const json* v = Take(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) {
      FailAt(key, Path(key) + " must be a string");
      return std::nullopt;
    }
    const auto& s = v->get_ref<const std::string&>();
    if (s.empty() || s.size() > max) {
      FailAt(key, Path(key) + " must be a non-empty string of at most " + std::to_string(max) + " bytes");
      return std::nullopt;
    }
    if (auto bad = text::FindRefused(s, lines == Lines::kMany)) {
      std::string why = bad->cls == text::CharClass::kLineFeed
                            ? "; only purpose, description and reason may span lines"
                            : "; text fields refuse control, bidi and invisible characters";
      FailAt(key, Path(key) + " holds " + text::Describe(*bad) + why, std::string(text::RuleName(bad->cls)));
      return std::nullopt;
    }
    return s;
  }

  std::string Id(const char* key) {
    std::string s = Str(key);
    if (status_.ok() && !IsValidId(s)) {
      FailAt(key, Path(key) + " \"" + s + "\" is not an id ([a-z0-9][a-z0-9._-]{0,63})");
    }
    return s;
  }

  std::string Date(const char* key) {
    std::string s = Str(key);
    if (status_.ok() && !IsIsoDate(s)) {
      FailAt(key, Path(key) + " \"" + s + "\" is not a calendar date YYYY-MM-DD", "date.iso");
    }
    return s;
  }

  std::string Period(const char* key) {
    std::string s = Str(key);
    if (status_.ok() && !IsPeriod(s)) {
      FailAt(key, Path(key) + " \"" + s + "\" is not a period YYYY-MM");
    }
    return s;
  }

  std::optional<std::string> OptDate(const char* key) {
    if (!Has(key)) return std::nullopt;
    return Date(key);
  }

  // One of `values`; refused with `rule` otherwise.
  std::string OneOf(const char* key, const std::vector<std::string_view>& values, const char* rule) {
    std::string s = Str(key);
    if (!status_.ok()) return s;
    for (auto v : values) {
      if (s == v) return s;
    }
    std::string list;
    for (auto v : values) list += (list.empty() ? "" : ", ") + std::string(v);
    FailAt(key, Path(key) + " \"" + EscapeForLog(s) + "\" is not one of " + list, rule);
    return s;
  }

  int64_t Year(const char* key) { return Int(key, 1900, 9999); }

  bool Has(const char* key) const { return j_.is_object() && j_.contains(key); }

  // A positive integer of fen, at most the ceiling of one entry.
  int64_t Amount(const char* key) {
    int64_t v = Int(key, 1, std::numeric_limits<int64_t>::max());
    if (status_.ok() && v > kMaxEntryAmountFen) {
      Fail(Path(key) + " " + std::to_string(v) + " fen is above the ceiling of one entry, " +
               std::to_string(kMaxEntryAmountFen) + " fen (one trillion yuan)",
           "amount.ceiling");
    }
    return v;
  }

  int64_t Int(const char* key, int64_t lo, int64_t hi) {
    const json* v = Take(key);
    if (v == nullptr) {
      if (status_.ok()) FailAt(key, Path(key) + " is required");
      return 0;
    }
    if (v->is_number_float()) {
      FailAt(key, Path(key) + " must be an integer (floats are refused)", "amount.integer");
      return 0;
    }
    int64_t n = 0;
    if (v->is_number_unsigned()) {
      uint64_t u = v->get<uint64_t>();
      if (u > static_cast<uint64_t>(hi)) {
        FailAt(key, Path(key) + " " + std::to_string(u) + " is above " + std::to_string(hi), "amount.range");
        return 0;
      }
      n = static_cast<int64_t>(u);
    } else if (v->is_number_integer()) {
      n = v->get<int64_t>();
    } else {
      FailAt(key, Path(key) + " must be an integer");
      return 0;
    }
    if (n < lo || n > hi) {
      FailAt(key,
             Path(key) + " " + std::to_string(n) + " is outside " + std::to_string(lo) + ".." +
                 std::to_string(hi),
             lo == 1 ? "amount.positive" : "amount.range");
      return 0;
    }
    return n;
  }

  // A nested object member; returns nullptr when absent (and not required).
  const json* Object(const char* key, bool required) {
    const json* v = Take(key);
    if (v == nullptr) {
      if (required && status_.ok()) FailAt(key, Path(key) + " is required");
      return nullptr;
    }
    if (!v->is_object()) {
      FailAt(key, Path(key) + " must be an object");
      return nullptr;
    }
    return v;
  }

  std::string Path(const char* key) const { return where_ + "." + key; }

  void Fail(std::string msg, std::string rule = "body.schema") {
    if (status_.ok()) status_ = InvalidArgument(std::move(msg), std::move(rule));
  }

  // Refuses members that were never taken. The name is the client's text:
  // it is quoted escaped (ledger/base/log_escape.h).
  Status Finish() {
    if (status_.ok() && j_.is_object()) {
      for (const auto& [k, v] : j_.items()) {
        if (!taken_.count(k)) {
          const std::string name = EscapeForLog(k);
          status_ = InvalidArgument(where_ + " has unknown field \"" + name + "\"", "body.unknown_field")
                        .WithField(where_ + "." + name);
          break;
        }
      }
    }
    return status_;
  }

 private:
  void FailAt(const char* key, std::string msg, std::string rule = "body.schema") {
    if (status_.ok()) status_ = InvalidArgument(std::move(msg), std::move(rule)).WithField(Path(key));
  }

  const json* Take(const char* key) {
    if (!status_.ok() || !j_.is_object()) return nullptr;
    auto it = j_.find(key);
    if (it == j_.end()) return nullptr;
    taken_.insert(key);
    return &*it;
  }

  const json& j_;
  std::string where_;
  std::set<std::string> taken_;
  Status status_;
};

const json& OrEmpty(const json* p) {
  static const json* const kEmpty = new json(json::object());
  return p != nullptr ? *p : *kEmpty;
}

Status FinishAll(Fields& outer, Fields* inner) {
  if (inner != nullptr) {
    Status s = inner->Finish();
    if (!s.ok()) return s;
  }
  return outer.Finish();
}

Result<Body> ParseFundOpen(const json& j) {
  Fields f(j, "body");
  FundOpenBody b;
  b.id = f.Id("id");
  const json* name = f.Object("name", true);
  Fields nf(OrEmpty(name), "body.name");
  if (name != nullptr) {
    b.name_zh = nf.Str("zh");
    b.name_en = nf.Str("en");
    if (!nf.status().ok()) return nf.status();
  }
  b.purpose = f.Str("purpose", kMaxDescription, Lines::kMany);
  std::string kind = f.Str("kind");
  if (f.status().ok()) {
    if (kind == "charity") b.kind = FundKind::kCharity;
    else if (kind == "lottery") b.kind = FundKind::kLottery;
    else f.Fail("body.kind must be \"charity\" or \"lottery\", not \"" + kind + "\"");
  }
  if (f.status().ok() && j.contains("opened_on")) b.opened_on = f.Date("opened_on");
  LEDGER_RETURN_IF_ERROR(FinishAll(f, name ? &nf : nullptr));
  return Body(std::move(b));
}

Result<Body> ParseDonation(const json& j) {
  Fields f(j, "body");
  DonationBody b;
  b.fund = f.Id("fund");
  b.amount = f.Amount("amount");
  const json* donor = f.Object("donor", true);
  Fields df(OrEmpty(donor), "body.donor");
  if (donor != nullptr) {
    b.commitment = df.Str("commitment");
    b.public_name = df.Optional("public_name", 200);
    if (df.status().ok()) {
      auto raw = crypto::Base64Decode(b.commitment);
      if (!raw || raw->size() != 32) {
        df.Fail("body.donor.commitment must be base64 of 32 bytes", "donor.commitment");
      }
    }
  }
  b.channel = f.OneOf("channel", {"bank", "online", "cash", "in_kind"}, "donation.channel");
  b.received_at = f.Date("received_at");
  b.campaign = f.Optional("campaign");
  b.external_ref = f.Optional("external_ref");
  b.receipt_no = f.Optional("receipt_no", 64);
  const json* restriction = f.Object("restriction", false);
  Fields rf(OrEmpty(restriction), "body.restriction");
  if (restriction != nullptr) {
    Restriction r;
    r.purpose = rf.Str("purpose", kMaxText);
    if (rf.Has("admin_fee_cap_bp")) r.admin_fee_cap_bp = rf.Int("admin_fee_cap_bp", 0, 10000);
    r.available_from = rf.OptDate("available_from");
    b.restriction = std::move(r);
  }
  const json* in_kind = f.Object("in_kind", false);
  Fields kf(OrEmpty(in_kind), "body.in_kind");
  if (in_kind != nullptr) {
    InKind k;
    k.item = kf.Str("item", 200);
    k.quantity = kf.Int("quantity", 1, 1'000'000'000);
    k.unit = kf.Str("unit", 32);
    k.valuation_basis = kf.Str("valuation_basis", kMaxText);
    b.in_kind = std::move(k);
  }
  if (f.status().ok() && (b.channel == "in_kind") != (in_kind != nullptr)) {
    f.Fail("an in-kind donation (channel in_kind) and only it gives body.in_kind: item, quantity, unit and "
           "valuation_basis, with amount the valuation in fen",
           "donation.in_kind");
  }
  if (donor != nullptr && !df.status().ok()) return df.status();
  if (restriction != nullptr && !rf.status().ok()) return rf.status();
  if (in_kind != nullptr && !kf.status().ok()) return kf.status();
  if (restriction != nullptr) LEDGER_RETURN_IF_ERROR(rf.Finish());
  if (in_kind != nullptr) LEDGER_RETURN_IF_ERROR(kf.Finish());
  LEDGER_RETURN_IF_ERROR(FinishAll(f, donor ? &df : nullptr));
  return Body(std::move(b));
}

Result<Body> ParseLottery(const json& j) {
  Fields f(j, "body");
  LotteryAllocationBody b;
  b.fund = f.Id("fund");
  b.fiscal_year = f.Year("fiscal_year");
  b.level = f.OneOf("level", LotteryLevels(), "lottery.level");
  b.document_no = f.Str("document_no", 128);
  b.amount = f.Amount("amount");
  b.purpose = f.Str("purpose", kMaxDescription, Lines::kMany);
  b.received_at = f.Date("received_at");
  b.category = f.Optional("category", 64);
  LEDGER_RETURN_IF_ERROR(f.Finish());
  return Body(std::move(b));
}

Result<Body> ParseLotterySales(const json& j) {
  Fields f(j, "body");
  LotterySalesBody b;
  b.period = f.Str("period", 7);
  if (f.status().ok() && !IsPeriod(b.period) && !(b.period.size() == 4 && IsPeriod(b.period + "-01"))) {
    f.Fail("body.period \"" + b.period + "\" is not a year YYYY or a month YYYY-MM", "body.schema");
  }
  b.sales = f.Amount("sales");
  b.game = f.Optional("game", 64);
  b.note = f.Optional("note", kMaxText);
  LEDGER_RETURN_IF_ERROR(f.Finish());
  return Body(std::move(b));
}

Result<Body> ParseGrant(const json& j) {
  Fields f(j, "body");
  GrantBody b;
  b.id = f.Id("id");
  b.fund = f.Id("fund");
  const json* rec = f.Object("recipient", true);
  Fields rf(OrEmpty(rec), "body.recipient");
  if (rec != nullptr) {
    b.recipient_id = rf.Id("id");
    b.recipient_name = rf.Str("name", 200);
  }
  b.title = f.Str("title");
  b.amount = f.Amount("amount");
  b.award_date = f.Date("award_date");
  b.programme = f.Optional("programme");
  if (f.Has("project")) b.project = f.Id("project");
  if (rec != nullptr && !rf.status().ok()) return rf.status();
  LEDGER_RETURN_IF_ERROR(FinishAll(f, rec ? &rf : nullptr));
  return Body(std::move(b));
}

Result<Body> ParseDisbursement(const json& j) {
  Fields f(j, "body");
  DisbursementBody b;
  b.grant = f.Id("grant");
  b.amount = f.Amount("amount");
  b.paid_at = f.Date("paid_at");
  b.payment_ref = f.Str("payment_ref");
  const json* ben = f.Object("beneficiaries", false);
  Fields bf(OrEmpty(ben), "body.beneficiaries");
  if (ben != nullptr) {
    if (bf.Has("households")) b.households = bf.Int("households", 1, 100'000'000);
    if (bf.Has("persons")) b.persons = bf.Int("persons", 1, 2'000'000'000);
    if (bf.status().ok()) {
      Status unknown = bf.Finish();
      if (!unknown.ok()) return unknown;
    }
    if (bf.status().ok() && b.households == 0 && b.persons == 0) {
      bf.Fail("body.beneficiaries gives households, persons or both (counts, never names)", "body.schema");
    }
  }
  b.area = f.Optional("area", 64);
  if (ben != nullptr && !bf.status().ok()) return bf.status();
  LEDGER_RETURN_IF_ERROR(FinishAll(f, ben ? &bf : nullptr));
  return Body(std::move(b));
}

bool IsLowerHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

Result<Body> ParseExpense(const json& j) {
  Fields f(j, "body");
  ExpenseBody b;
  b.grant = f.Id("grant");
  b.amount = f.Amount("amount");
  b.category = f.Str("category");
  b.description = f.Str("description", kMaxDescription, Lines::kMany);
  b.evidence_sha256 = f.Str("evidence_sha256");
  if (f.status().ok() && !IsLowerHex64(b.evidence_sha256)) {
    f.Fail("body.evidence_sha256 must be 64 lowercase hex digits as sha256sum prints them",
           "expense.evidence_hex");
  }
  b.spent_at = f.Date("spent_at");
  LEDGER_RETURN_IF_ERROR(f.Finish());
  return Body(std::move(b));
}

Result<Body> ParseAdminCost(const json& j) {
  Fields f(j, "body");
  AdminCostBody b;
  b.fund = f.Id("fund");
  b.amount = f.Amount("amount");
  b.category = f.Str("category");
  b.period = f.Period("period");
  if (f.Has("charged_to")) b.charged_to = static_cast<uint64_t>(f.Int("charged_to", 0, std::numeric_limits<int64_t>::max()));
  LEDGER_RETURN_IF_ERROR(f.Finish());
  return Body(std::move(b));
}

Result<Body> ParseCost(const json& j) {
  Fields f(j, "body");
  CostBody b;
  b.fund = f.Id("fund");
  static const std::vector<std::string_view> kClasses = {CostClassName(CostClass::kFundraising),
                                                        CostClassName(CostClass::kCharitable),
                                                        CostClassName(CostClass::kOther)};
  const std::string cls = f.OneOf("class", kClasses, "cost.class");
  for (CostClass c : {CostClass::kFundraising, CostClass::kCharitable, CostClass::kOther}) {
    if (cls == CostClassName(c)) b.cls = c;
  }
  b.amount = f.Amount("amount");
  b.period = f.Period("period");
  b.description = f.Optional("description", kMaxDescription, Lines::kMany);
  LEDGER_RETURN_IF_ERROR(f.Finish());
  return Body(std::move(b));
}

Result<Body> ParseIncome(const json& j) {
  Fields f(j, "body");
  IncomeBody b;
  b.fund = f.Id("fund");
  b.cls = f.OneOf("class", IncomeClasses(), "income.class");
  b.amount = f.Amount("amount");
  b.received_at = f.Date("received_at");
  b.description = f.Optional("description", kMaxDescription, Lines::kMany);
  b.receipt_no = f.Optional("receipt_no", 64);
  LEDGER_RETURN_IF_ERROR(f.Finish());
  return Body(std::move(b));
}

Result<Body> ParseBalanceForward(const json& j) {
  Fields f(j, "body");
  BalanceForwardBody b;
  b.fund = f.Id("fund");
  b.amount = f.Amount("amount");
  b.as_of = f.Date("as_of");
  b.description = f.Str("description", kMaxDescription, Lines::kMany);
  LEDGER_RETURN_IF_ERROR(f.Finish());
  return Body(std::move(b));
}

Result<Body> ParseOrgProfile(const json& j) {
  Fields f(j, "body");
  OrgProfileBody b;
  const json* name = f.Object("name", true);
  Fields nf(OrEmpty(name), "body.name");
  if (name != nullptr) {
    b.name_zh = nf.Str("zh");
    b.name_en = nf.Str("en");
  }
  b.legal_type = f.OneOf("legal_type", LegalTypes(), "org.legal_type");
  b.effective_from = f.Date("effective_from");
  b.public_fundraising_from = f.OptDate("public_fundraising_from");
  b.uscc = f.Optional("uscc", 18);
  // "data": "sample" declares the ledger's data fictional (the demo).
  if (f.Has("data")) b.sample_data = f.OneOf("data", {"sample"}, "org.data") == "sample";
  if (f.status().ok() && b.uscc && !IsValidUscc(*b.uscc)) {
    const std::optional<char> check = UsccCheckCharacter(*b.uscc);
    f.Fail(b.uscc->size() == 18 && check && kUsccCharset.find(b.uscc->back()) != std::string_view::npos
               ? "body.uscc " + *b.uscc + " ends in " + b.uscc->back() + " but its check character is " + *check +
                     " (GB 32100-2015): a character is mistyped"
               : std::string("body.uscc must be an 18-character unified social credit code (统一社会信用代码, "
                             "GB 32100-2015): digits and capitals other than I, O, S, V and Z"),
           "org.uscc");
  }
  if (name != nullptr && !nf.status().ok()) return nf.status();
  LEDGER_RETURN_IF_ERROR(FinishAll(f, name ? &nf : nullptr));
  return Body(std::move(b));
}

Result<Body> ParseNetAssets(const json& j) {
  Fields f(j, "body");
  NetAssetsBody b;
  b.year = f.Year("year");
  b.amount = f.Int("amount", 0, kMaxEntryAmountFen * 10);
  LEDGER_RETURN_IF_ERROR(f.Finish());
  return Body(std::move(b));
}

Result<Body> ParseProjectOpen(const json& j) {
  Fields f(j, "body");
  ProjectOpenBody b;
  b.id = f.Id("id");
  const json* name = f.Object("name", true);
  Fields nf(OrEmpty(name), "body.name");
  if (name != nullptr) {
    b.name_zh = nf.Str("zh");
    b.name_en = nf.Str("en");
  }
  b.kind = f.OneOf("kind", {"campaign", "project"}, "project.kind");
  b.start = f.Date("start");
  b.end = f.Date("end");
  if (f.Has("fund")) b.fund = f.Id("fund");
  b.filing_no = f.Optional("filing_no", 64);
  if (f.status().ok() && b.end < b.start) f.Fail("body.end " + b.end + " is before body.start " + b.start, "project.dates");
  if (name != nullptr && !nf.status().ok()) return nf.status();
  LEDGER_RETURN_IF_ERROR(FinishAll(f, name ? &nf : nullptr));
  return Body(std::move(b));
}

Result<Body> ParseDisclosure(const json& j) {
  Fields f(j, "body");
  DisclosureBody b;
  b.what = f.OneOf("what", DisclosureKinds(), "disclosure.what");
  b.period_from = f.Date("period_from");
  b.period_to = f.Date("period_to");
  b.published_at = f.Date("published_at");
  if (f.Has("subject")) b.subject = f.Id("subject");
  b.title = f.Optional("title");
  b.url = f.Optional("url", 2048);
  b.document_sha256 = f.Optional("document_sha256", 64);
  b.platform = f.Optional("platform", 64);
  if (f.status().ok()) {
    if (b.period_to < b.period_from) {
      f.Fail("body.period_to " + b.period_to + " is before body.period_from " + b.period_from, "disclosure.period");
    } else if (!b.url && !b.document_sha256) {
      f.Fail("a disclosure names where it was published: body.url, body.document_sha256 or both", "disclosure.where");
    } else if (b.url && b.url->rfind("https://", 0) != 0 && b.url->rfind("http://", 0) != 0) {
      f.Fail("body.url must be an http(s) URL", "disclosure.url");
    } else if (b.document_sha256 && !IsLowerHex64(*b.document_sha256)) {
      f.Fail("body.document_sha256 must be 64 lowercase hex digits as sha256sum prints them", "disclosure.sha256");
    }
  }
  LEDGER_RETURN_IF_ERROR(f.Finish());
  return Body(std::move(b));
}

Result<Body> ParseBooksClose(const json& j) {
  Fields f(j, "body");
  BooksCloseBody b;
  b.year = f.Year("year");
  LEDGER_RETURN_IF_ERROR(f.Finish());
  return Body(std::move(b));
}

Result<Body> ParseCorrection(const json& j) {
  Fields f(j, "body");
  CorrectionBody b;
  b.target = static_cast<uint64_t>(f.Int("target", 0, std::numeric_limits<int64_t>::max()));
  b.reason = f.Str("reason", kMaxDescription, Lines::kMany);
  LEDGER_RETURN_IF_ERROR(f.Finish());
  return Body(std::move(b));
}

Status CheckCanonicalValues(const json& j, const std::string& path) {
  switch (j.type()) {
    case json::value_t::object:
      for (const auto& [k, v] : j.items()) {
        LEDGER_RETURN_IF_ERROR(CheckCanonicalValues(v, path + "." + k));
      }
      return Status::Ok();
    case json::value_t::string:
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return Status::Ok();
    case json::value_t::number_float:
      return InvalidArgument(path + " is a float; amounts are integers of fen", "amount.integer");
    default:
      return InvalidArgument(path + " has a type not allowed in entry bodies (" +
                                 std::string(j.type_name()) + ")",
                             "body.schema");
  }
}

}  // namespace

std::string_view CostClassName(CostClass c) {
  switch (c) {
    case CostClass::kFundraising: return "fundraising";
    case CostClass::kCharitable: return "charitable";
    case CostClass::kOther: return "other";
  }
  return "other";
}

const std::vector<std::string_view>& IncomeClasses() {
  static const std::vector<std::string_view> v = {"government_grant", "interest", "investment", "service",
                                                   "membership_dues", "other"};
  return v;
}
const std::vector<std::string_view>& LotteryLevels() {
  static const std::vector<std::string_view> v = {"central", "province", "city", "district"};
  return v;
}
const std::vector<std::string_view>& DisclosureKinds() {
  static const std::vector<std::string_view> v = {"annual_report",        "project_progress",  "project_results",
                                                   "fundraising_plan",     "donation_notice",   "relief_notice",
                                                   "lottery_announcement", "admin_cost_explanation",
                                                   "correction_notice",    "major_event",       "other"};
  return v;
}
const std::vector<std::string_view>& LegalTypes() {
  static const std::vector<std::string_view> v = {"social_group", "foundation", "social_service"};
  return v;
}

std::string_view FundKindName(FundKind kind) {
  return kind == FundKind::kLottery ? "lottery" : "charity";
}

bool IsValidId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              (i > 0 && (c == '.' || c == '_' || c == '-'));
    if (!ok) return false;
  }
  return true;
}

Result<Body> ParseBody(EntryType type, const json& j) {
  switch (type) {
    case EntryType::kFundOpen: return ParseFundOpen(j);
    case EntryType::kDonation: return ParseDonation(j);
    case EntryType::kLotteryAllocation: return ParseLottery(j);
    case EntryType::kGrant: return ParseGrant(j);
    case EntryType::kDisbursement: return ParseDisbursement(j);
    case EntryType::kExpense: return ParseExpense(j);
    case EntryType::kAdminCost: return ParseAdminCost(j);
    case EntryType::kCorrection: return ParseCorrection(j);
    case EntryType::kOrgProfile: return ParseOrgProfile(j);
    case EntryType::kNetAssets: return ParseNetAssets(j);
    case EntryType::kIncome: return ParseIncome(j);
    case EntryType::kCost: return ParseCost(j);
    case EntryType::kBalanceForward: return ParseBalanceForward(j);
    case EntryType::kProjectOpen: return ParseProjectOpen(j);
    case EntryType::kDisclosure: return ParseDisclosure(j);
    case EntryType::kBooksClose: return ParseBooksClose(j);
    case EntryType::kLotterySales: return ParseLotterySales(j);
  }
  return Internal("unhandled entry type");
}

Result<std::string> CanonicalJson(const json& j) {
  LEDGER_RETURN_IF_ERROR(CheckCanonicalValues(j, "body"));
  try {
    return j.dump();
  } catch (const json::exception& e) {
    return InvalidArgument(std::string("body is not valid UTF-8 JSON: ") + e.what(), "body.utf8");
  }
}

Result<Body> ParseCanonicalBody(EntryType type, std::string_view text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    return InvalidArgument(std::string("body is not valid JSON: ") + e.what(), "body.json");
  }
  LEDGER_ASSIGN_OR_RETURN(Body body, ParseBody(type, j));
  LEDGER_ASSIGN_OR_RETURN(std::string canon, CanonicalJson(j));
  if (canon != text) return InvalidArgument("body is not in canonical form", "body.canonical");
  return body;
}

}  // namespace ledger::funds
