#include "ledger/funds/record_codec.h"

#include <vector>

#include "ledger/crypto/sha256.h"

namespace ledger::funds {
namespace {

constexpr char kVersion = 1;

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
  void I(int64_t v) { U((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63)); }
  void S(std::string_view s) {
    U(s.size());
    out_.append(s);
  }
  void Opt(const std::optional<uint64_t>& v) { U(v ? *v + 1 : 0); }
  void Vec(const std::vector<uint64_t>& v) {
    U(v.size());
    for (uint64_t x : v) U(x);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

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
  int64_t I() {
    uint64_t u = U();
    return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  std::string S() {
    uint64_t n = U();
    if (!ok_ || n > in_.size()) {
      ok_ = false;
      return {};
    }
    std::string s(in_.substr(0, n));
    in_.remove_prefix(n);
    return s;
  }
  std::optional<uint64_t> Opt() {
    uint64_t v = U();
    if (v == 0) return std::nullopt;
    return v - 1;
  }
  std::vector<uint64_t> Vec() {
    uint64_t n = U();
    std::vector<uint64_t> v;
    if (!ok_ || n > in_.size()) {
      ok_ = false;
      return v;
    }
    v.reserve(n);
    for (uint64_t i = 0; i < n && ok_; ++i) v.push_back(U());
    return v;
  }
  bool Done() const { return ok_ && in_.empty(); }

 private:
  std::string_view in_;
  bool ok_ = true;
};

Status Bad(const char* what) { return Corruption(std::string("undecodable ") + what + " record"); }

void PutTotals(Writer& w, const FundTotals& t) {
  for (int64_t v : {t.income, t.committed, t.disbursed, t.used, t.admin_cost, t.donations,
                    t.allocations, t.grants, t.disbursements, t.expenses}) {
    w.I(v);
  }
}

void GetTotals(Reader& r, FundTotals* t) {
  for (int64_t* p : {&t->income, &t->committed, &t->disbursed, &t->used, &t->admin_cost,
                     &t->donations, &t->allocations, &t->grants, &t->disbursements,
                     &t->expenses}) {
    *p = r.I();
  }
}

}  // namespace

std::string SeqKeyPart(uint64_t seq) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(16, '0');
  for (int i = 15; i >= 0; --i) {
    s[i] = kDigits[seq & 15];
    seq >>= 4;
  }
  return s;
}

bool SeqFromKeyTail(std::string_view key, uint64_t* seq) {
  if (key.size() < 16) return false;
  uint64_t v = 0;
  for (char c : key.substr(key.size() - 16)) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else return false;
    v = v << 4 | static_cast<uint64_t>(d);
  }
  *seq = v;
  return true;
}

std::string FundKey(std::string_view id) { return std::string(kFundPrefix) + std::string(id); }
std::string GrantKey(std::string_view id) { return std::string(kGrantPrefix) + std::string(id); }
std::string EntryKey(uint64_t seq) { return std::string(kEntryPrefix) + SeqKeyPart(seq); }
std::string LotteryKey(std::string_view fund, std::string_view period) {
  return std::string(kLotteryPrefix) + std::string(fund) + "/" + std::string(period);
}
std::string IdemKey(std::string_view by, std::string_view key) {
  return std::string(kIdemPrefix) + crypto::ToHex(by) + "/" + crypto::ToHex(key);
}

std::string EncodeFund(const FundRec& r) {
  Writer w;
  w.S(r.id);
  w.S(r.name_zh);
  w.S(r.name_en);
  w.S(r.purpose);
  w.U(r.kind == FundKind::kLottery ? 1 : 0);
  w.U(r.seq);
  PutTotals(w, r.totals);
  return w.Take();
}

Result<FundRec> DecodeFund(std::string_view v) {
  Reader r(v);
  FundRec f;
  f.id = r.S();
  f.name_zh = r.S();
  f.name_en = r.S();
  f.purpose = r.S();
  f.kind = r.U() == 1 ? FundKind::kLottery : FundKind::kCharity;
  f.seq = r.U();
  GetTotals(r, &f.totals);
  if (!r.Done()) return Bad("fund");
  return f;
}

std::string EncodeGrant(const GrantRec& r) {
  Writer w;
  for (const std::string* s : {&r.id, &r.fund, &r.recipient_id, &r.recipient_name, &r.title,
                               &r.programme, &r.award_date}) {
    w.S(*s);
  }
  w.U(r.seq);
  w.I(r.amount);
  w.I(r.paid);
  w.I(r.used);
  w.U(r.corrected ? 1 : 0);
  w.Vec(r.disbursements);
  w.Vec(r.expenses);
  return w.Take();
}

Result<GrantRec> DecodeGrant(std::string_view v) {
  Reader r(v);
  GrantRec g;
  for (std::string* s : {&g.id, &g.fund, &g.recipient_id, &g.recipient_name, &g.title,
                         &g.programme, &g.award_date}) {
    *s = r.S();
  }
  g.seq = r.U();
  g.amount = r.I();
  g.paid = r.I();
  g.used = r.I();
  g.corrected = r.U() == 1;
  g.disbursements = r.Vec();
  g.expenses = r.Vec();
  if (!r.Done()) return Bad("grant");
  return g;
}

std::string EncodeEntry(const EntryRec& r) {
  Writer w;
  w.U(r.seq);
  w.U(static_cast<uint64_t>(r.type));
  w.S(r.time);
  w.S(r.fund);
  w.S(r.grant);
  w.I(r.amount);
  w.S(r.date);
  w.S(r.period);
  w.I(r.sales);
  w.S(r.text1);
  w.S(r.text2);
  w.S(r.text3);
  w.U(r.target);
  w.Opt(r.corrected_by);
  return w.Take();
}

Result<EntryRec> DecodeEntry(std::string_view v) {
  Reader r(v);
  EntryRec e;
  e.seq = r.U();
  uint64_t type = r.U();
  if (type > static_cast<uint64_t>(EntryType::kCorrection)) return Bad("entry");
  e.type = static_cast<EntryType>(type);
  e.time = r.S();
  e.fund = r.S();
  e.grant = r.S();
  e.amount = r.I();
  e.date = r.S();
  e.period = r.S();
  e.sales = r.I();
  e.text1 = r.S();
  e.text2 = r.S();
  e.text3 = r.S();
  e.target = r.U();
  e.corrected_by = r.Opt();
  if (!r.Done()) return Bad("entry");
  return e;
}

}  // namespace ledger::funds
