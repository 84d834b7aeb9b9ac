#include "ledger/funds/body.h"

#include <limits>
#include <set>
#include <utility>

#include "ledger/base/log_escape.h"
#include "ledger/base/text.h"
#include "ledger/crypto/base64.h"
#include "ledger/funds/dates.h"
#include "ledger/funds/money.h"

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
  b.channel = f.Str("channel");
  if (f.status().ok() && b.channel != "bank" && b.channel != "online" && b.channel != "cash" &&
      b.channel != "in_kind") {
    f.Fail("body.channel \"" + b.channel + "\" is not one of bank, online, cash, in_kind",
           "donation.channel");
  }
  b.received_at = f.Date("received_at");
  b.campaign = f.Optional("campaign");
  b.external_ref = f.Optional("external_ref");
  if (donor != nullptr && !df.status().ok()) return df.status();
  LEDGER_RETURN_IF_ERROR(FinishAll(f, donor ? &df : nullptr));
  return Body(std::move(b));
}

Result<Body> ParseLottery(const json& j) {
  Fields f(j, "body");
  LotteryAllocationBody b;
  b.fund = f.Id("fund");
  b.period = f.Period("period");
  b.sales = f.Amount("sales");
  b.rate_bp = f.Int("rate_bp", 1, 10000);
  b.amount = f.Amount("amount");
  LEDGER_RETURN_IF_ERROR(f.Finish());
  Int128 expect = static_cast<Int128>(b.sales) * b.rate_bp / 10000;
  if (expect != b.amount) {
    return InvalidArgument("lottery allocation amount " + std::to_string(b.amount) +
                               " fen is not floor(sales " + std::to_string(b.sales) +
                               " * rate_bp " + std::to_string(b.rate_bp) + " / 10000) = " +
                               std::to_string(static_cast<int64_t>(expect)) + " fen",
                           "lottery.amount_formula");
  }
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
  LEDGER_RETURN_IF_ERROR(f.Finish());
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
