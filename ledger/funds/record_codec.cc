#include "ledger/funds/record_codec.h"

#include <type_traits>

#include "ledger/crypto/sha256.h"

namespace ledger::funds {
namespace {

constexpr char kVersion = 1;

// Encodes the fields a field list hands it (layout in the header).
class Writer {
 public:
  Writer() { out_.push_back(kVersion); }
  void U(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out_.push_back(static_cast<char>(v));
  }
  void operator()(const uint64_t& v) { U(v); }
  void operator()(const int64_t& v) { U((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void operator()(const bool& v) { U(v ? 1 : 0); }
  void operator()(const std::string& s) {
    U(s.size());
    out_.append(s);
  }
  void operator()(const std::optional<uint64_t>& v) { U(v ? *v + 1 : 0); }
  void operator()(const Tape& t) {
    U(static_cast<uint64_t>(t >> 64));
    U(static_cast<uint64_t>(t));
  }
  template <typename E>
    requires std::is_enum_v<E>
  void operator()(const E& e) {
    U(static_cast<uint64_t>(e));
  }
  void operator()(const Measures& m) {
    for (auto f : Measures::kFields) (*this)(m.*f);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

// Decodes the same field lists; the first error sticks.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {
    if (in_.empty() || in_[0] != kVersion) ok_ = false;
    else in_.remove_prefix(1);
  }
  uint64_t U() {
    uint64_t v = 0;
    for (int shift = 0; ok_ && shift < 64; shift += 7) {
      if (in_.empty()) break;
      uint8_t b = static_cast<uint8_t>(in_[0]);
      in_.remove_prefix(1);
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    ok_ = false;
    return 0;
  }
  void operator()(uint64_t& v) { v = U(); }
  void operator()(int64_t& v) {
    uint64_t u = U();
    v = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  void operator()(bool& v) {
    uint64_t u = U();
    if (u > 1) ok_ = false;
    v = u == 1;
  }
  void operator()(std::string& s) {
    uint64_t n = U();
    if (!ok_ || n > in_.size()) {
      ok_ = false;
      return;
    }
    s.assign(in_.substr(0, n));
    in_.remove_prefix(n);
  }
  void operator()(std::optional<uint64_t>& v) {
    uint64_t u = U();
    v = u == 0 ? std::nullopt : std::optional<uint64_t>(u - 1);
  }
  void operator()(Tape& t) {
    uint64_t hi = U(), lo = U();
    t = static_cast<Tape>(hi) << 64 | lo;
  }
  template <typename E>
    requires std::is_enum_v<E>
  void operator()(E& e) {
    uint64_t u = U();
    if (u > static_cast<uint64_t>(E::kLast)) ok_ = false;
    e = static_cast<E>(u);
  }
  void operator()(Measures& m) {
    for (auto f : Measures::kFields) (*this)(m.*f);
  }
  bool Done() const { return ok_ && in_.empty(); }

 private:
  std::string_view in_;
  bool ok_ = true;
};

// The field lists: the one place each record's stored order is written.
template <typename R, typename C>
void FundInfoFields(R& r, C&& c) {
  c(r.id), c(r.name_zh), c(r.name_en), c(r.purpose), c(r.kind), c(r.seq), c(r.opened_on);
}
template <typename R, typename C>
void FundTotalsFields(R& r, C&& c) {
  c(r.totals), c(r.tape_in), c(r.tape_out);
}
template <typename R, typename C>
void GrantFields(R& r, C&& c) {
  c(r.id), c(r.fund), c(r.recipient_id), c(r.recipient_name), c(r.title), c(r.programme);
  c(r.award_date), c(r.seq), c(r.amount), c(r.paid), c(r.used), c(r.corrected);
  c(r.n_disbursements), c(r.n_expenses), c(r.first_paid_at), c(r.last_activity), c(r.modified);
  c(r.tape), c(r.project), c(r.households), c(r.persons);
}
template <typename R, typename C>
void EntryFields(R& r, C&& c) {
  c(r.seq), c(r.type), c(r.time), c(r.fund), c(r.grant), c(r.amount), c(r.date), c(r.period);
  c(r.sales), c(r.programme), c(r.target), c(r.corrected_by), c(r.tape), c(r.klass), c(r.date_to);
  c(r.subject), c(r.households), c(r.persons), c(r.charged_to), c(r.restricted), c(r.in_kind);
  c(r.adjustment), c(r.cap_bp);
}
template <typename R, typename C>
void ProfileFields(R& r, C&& c) {
  c(r.name_zh), c(r.name_en), c(r.legal_type), c(r.effective_from), c(r.public_fundraising_from), c(r.uscc);
  c(r.sample_data), c(r.seq);
}
template <typename R, typename C>
void ProjectFields(R& r, C&& c) {
  c(r.id), c(r.name_zh), c(r.name_en), c(r.kind), c(r.fund), c(r.filing_no), c(r.start), c(r.end), c(r.seq);
}
template <typename R, typename C>
void SummaryFields(R& r, C&& c) {
  c(r.first_date), c(r.last_date);
}

template <typename T, typename Fields>
std::string Encode(const T& r, Fields fields) {
  Writer w;
  fields(r, w);
  return w.Take();
}

template <typename T, typename Fields>
Status DecodeInto(std::string_view v, T* r, Fields fields, const char* what) {
  Reader rd(v);
  fields(*r, rd);
  if (!rd.Done()) return Corruption(std::string("undecodable ") + what + " record");
  return Status::Ok();
}

#define LEDGER_FIELDS(list) [](auto& r, auto& c) { list(r, c); }

std::string HexFixed(uint64_t v, int digits) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(digits, '0');
  for (int i = digits - 1; i >= 0; --i) {
    s[i] = kDigits[v & 15];
    v >>= 4;
  }
  return s;
}

bool HexTail(std::string_view key, int digits, Tape* out) {
  if (key.size() < static_cast<size_t>(digits)) return false;
  Tape v = 0;
  for (char c : key.substr(key.size() - digits)) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else return false;
    v = v << 4 | static_cast<Tape>(d);
  }
  *out = v;
  return true;
}

}  // namespace

std::string SeqKeyPart(uint64_t seq) { return HexFixed(seq, 16); }

std::string TapeKeyPart(Tape t) {
  return HexFixed(static_cast<uint64_t>(t >> 64), 16) + HexFixed(static_cast<uint64_t>(t), 16);
}

bool SeqFromKeyTail(std::string_view key, uint64_t* seq) {
  Tape v;
  if (!HexTail(key, 16, &v)) return false;
  *seq = static_cast<uint64_t>(v);
  return true;
}

bool TapeFromKeyTail(std::string_view key, Tape* t) { return HexTail(key, 32, t); }

std::string FundKey(std::string_view id) { return std::string(kFundPrefix) + std::string(id); }
std::string FundTotalsKey(std::string_view id) { return std::string(kFundTotalsPrefix) + std::string(id); }
std::string GrantKey(std::string_view id) { return std::string(kGrantPrefix) + std::string(id); }
std::string EntryKey(uint64_t seq) { return std::string(kEntryPrefix) + SeqKeyPart(seq); }
std::string LotteryKey(std::string_view fund, std::string_view period) {
  return std::string(kLotteryPrefix) + std::string(fund) + "/" + std::string(period);
}

std::string_view PeriodOf(std::string_view date, Grain grain) {
  switch (grain) {
    case Grain::kYear: return date.substr(0, 4);
    case Grain::kMonth: return date.substr(0, 7);
    case Grain::kDay: return date.substr(0, 10);
  }
  return date;
}

std::string FundMeasuresPrefix(std::string_view fund, Grain grain) {
  return "A/" + std::string(fund) + "/" + static_cast<char>(grain) + "/";
}

std::string AdjustmentMeasuresPrefix(std::string_view fund, Grain grain) {
  return "J/" + std::string(fund) + "/" + static_cast<char>(grain) + "/";
}

std::string ProgrammeMeasuresPrefix(std::string_view fund, std::string_view programme, Grain grain) {
  return "P/" + std::string(fund) + "/" + crypto::ToHex(programme) + "/" + static_cast<char>(grain) + "/";
}

std::string DateIndexPrefix() { return "X/d/"; }
std::string FundIndexPrefix(std::string_view fund) { return "X/f/" + std::string(fund) + "/"; }
std::string TypeIndexPrefix(std::string_view type) { return "X/t/" + std::string(type) + "/"; }
std::string FundTypeIndexPrefix(std::string_view fund, std::string_view type) {
  return "X/ft/" + std::string(fund) + "/" + std::string(type) + "/";
}
std::string GrantEntriesPrefix(std::string_view grant) { return "X/g/" + std::string(grant) + "/"; }
std::string FundGrantsPrefix(std::string_view fund) { return "X/gf/" + std::string(fund) + "/"; }
std::string ProjectGrantsPrefix(std::string_view project) { return "X/gp/" + std::string(project) + "/"; }
std::string DisclosurePrefix(std::string_view what) { return "X/dw/" + std::string(what) + "/"; }
std::string SubjectDisclosurePrefix(std::string_view subject, std::string_view what) {
  return "X/ds/" + std::string(subject) + "/" + std::string(what) + "/";
}
std::string TapePrefix(std::string_view fund, TapeSide side) {
  return std::string("X/t") + static_cast<char>(side) + "/" + std::string(fund) + "/";
}
std::string HolePrefix(std::string_view fund, TapeSide side) {
  return std::string("X/h") + static_cast<char>(side) + "/" + std::string(fund) + "/";
}

std::string EncodeFundInfo(const FundRec& r) { return Encode(r, LEDGER_FIELDS(FundInfoFields)); }
std::string EncodeFundTotals(const FundRec& r) { return Encode(r, LEDGER_FIELDS(FundTotalsFields)); }
std::string EncodeGrant(const GrantRec& r) { return Encode(r, LEDGER_FIELDS(GrantFields)); }
std::string EncodeEntry(const EntryRec& r) { return Encode(r, LEDGER_FIELDS(EntryFields)); }
std::string EncodeSummary(const Summary& s) { return Encode(s, LEDGER_FIELDS(SummaryFields)); }
std::string EncodeProfile(const OrgProfile& p) { return Encode(p, LEDGER_FIELDS(ProfileFields)); }
std::string EncodeProject(const ProjectRec& p) { return Encode(p, LEDGER_FIELDS(ProjectFields)); }
Result<OrgProfile> DecodeProfile(std::string_view v) {
  OrgProfile p;
  LEDGER_RETURN_IF_ERROR(DecodeInto(v, &p, LEDGER_FIELDS(ProfileFields), "org profile"));
  return p;
}
Result<ProjectRec> DecodeProject(std::string_view v) {
  ProjectRec p;
  LEDGER_RETURN_IF_ERROR(DecodeInto(v, &p, LEDGER_FIELDS(ProjectFields), "project"));
  return p;
}

std::string EncodeMeasures(const Measures& m) {
  Writer w;
  w(m);
  return w.Take();
}

Status DecodeFundInfo(std::string_view v, FundRec* r) {
  return DecodeInto(v, r, LEDGER_FIELDS(FundInfoFields), "fund");
}
Status DecodeFundTotals(std::string_view v, FundRec* r) {
  return DecodeInto(v, r, LEDGER_FIELDS(FundTotalsFields), "fund totals");
}
Result<GrantRec> DecodeGrant(std::string_view v) {
  GrantRec g;
  LEDGER_RETURN_IF_ERROR(DecodeInto(v, &g, LEDGER_FIELDS(GrantFields), "grant"));
  return g;
}
Result<EntryRec> DecodeEntry(std::string_view v) {
  EntryRec e;
  LEDGER_RETURN_IF_ERROR(DecodeInto(v, &e, LEDGER_FIELDS(EntryFields), "entry"));
  return e;
}
Result<Summary> DecodeSummary(std::string_view v) {
  Summary s;
  LEDGER_RETURN_IF_ERROR(DecodeInto(v, &s, LEDGER_FIELDS(SummaryFields), "summary"));
  return s;
}
Result<Measures> DecodeMeasures(std::string_view v) {
  Measures m;
  Reader rd(v);
  rd(m);
  if (!rd.Done()) return Corruption("undecodable measures record");
  return m;
}

}  // namespace ledger::funds
