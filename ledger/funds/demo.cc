#include "ledger/funds/demo.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ledger/crypto/sha256.h"
#include "ledger/funds/dates.h"

namespace ledger::funds {

using nlohmann::json;

namespace {

constexpr uint64_t kSeed = 0x5eed20162020ULL;
constexpr size_t kChunk = 1000;
constexpr char kFirstDay[] = "2016-01-01";
// The funds are opened before the opening balances of late 2015.
constexpr char kOpenedOn[] = "2015-12-01";
constexpr char kLastDay[] = "2020-12-31";

// SplitMix64: fully specified, so the demo is the same on every platform
// (std:: distributions are not).
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi].
  int64_t In(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }

 private:
  uint64_t s_;
};

// Phases order events of the same business date: money in before money out.
enum Phase { kIn = 0, kCost = 1, kGrant = 2, kPay = 3, kSpend = 4 };

struct Event {
  std::string date;
  int phase = kIn;
  uint64_t order = 0;  // generation order, the final tie-break
  RecordRequest req;
  std::string fund;     // for the balance simulation
  int64_t amount = 0;   // signed effect on the fund's uncommitted balance
  // A correction of the event `corrects` (index into the event list), which
  // is appended right after it; its target seq is filled in at append time.
  int corrects = -1;
};

const Actor kAdmin{Role::kAdmin, "admin", ""};
const Actor kRecorder{Role::kRecorder, "recorder-1", ""};

std::string Fmt(const char* f, long long v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), f, v);
  return buf;
}

std::string RandomDate(Rng& rng, const std::string& lo, const std::string& hi) {
  return DateFromDays(rng.In(DaysFromDate(lo), DaysFromDate(hi)));
}

// Splits `total_yuan` into n positive parts (weights 60..140), exact sum.
std::vector<int64_t> Split(Rng& rng, int64_t total_yuan, int n) {
  std::vector<int64_t> w(n);
  int64_t sum = 0;
  for (auto& x : w) sum += (x = rng.In(60, 140));
  std::vector<int64_t> parts(n);
  int64_t given = 0;
  for (int i = 0; i < n; ++i) given += (parts[i] = total_yuan * w[i] / sum);
  for (int i = 0; given < total_yuan; i = (i + 1) % n, ++given) ++parts[i];
  return parts;
}

class Builder {
 public:
  explicit Builder(Rng* rng) : rng_(*rng) {}

  int Add(std::string date, int phase, Actor actor, const char* type, json body,
          std::string fund, int64_t effect) {
    Event e;
    e.date = std::move(date);
    e.phase = phase;
    e.order = events_.size();
    e.req = RecordRequest{std::move(actor), type, std::move(body), ""};
    e.fund = std::move(fund);
    e.amount = effect;
    events_.push_back(std::move(e));
    return static_cast<int>(events_.size()) - 1;
  }

  void Correct(int target, std::string reason, int64_t effect) {
    Event e;
    e.date = events_[target].date;
    e.phase = events_[target].phase;
    e.order = events_.size();
    e.req = RecordRequest{kRecorder, "correction", json{{"reason", std::move(reason)}}, ""};
    e.fund = events_[target].fund;
    e.amount = effect;
    e.corrects = target;
    events_.push_back(std::move(e));
  }

  int Donation(const std::string& fund, const std::string& date, int64_t fen,
               const std::string& public_name, const char* channel) {
    json body{{"fund", fund}, {"amount", fen}, {"channel", channel}, {"received_at", date}};
    if (!public_name.empty()) body["donor"] = {{"public_name", public_name}};
    if (std::string(channel) == "in_kind") {
      // Goods, at the value of their invoice.
      body["in_kind"] = {{"item", "大米 rice"}, {"quantity", std::max<int64_t>(1, fen / 25000)}, {"unit", "袋 bags"},
                         {"valuation_basis", "发票价 invoice price"}};
    }
    body["external_ref"] = Fmt("DON-%06lld", ++donation_no_);
    return Add(date, kIn, kRecorder, "donation", std::move(body), fund, fen);
  }

  std::vector<Event>& events() { return events_; }
  Rng& rng() { return rng_; }

 private:
  Rng& rng_;
  std::vector<Event> events_;
  long long donation_no_ = 0;
};

struct CharityFund {
  const char* id;
  const char* zh;
  const char* en;
  const char* purpose;
  const char* recipient_prefix;
  const char* recipient_zh;
  const char* programme;
  const char* grant_prefix;
  int count;
  int64_t total_yuan;
};

constexpr CharityFund kCharity[] = {
    {"serious-illness", "重大疾病救助", "Serious illness relief",
     "资助困难家庭重大疾病患者 / Aid to low-income households facing serious illness",
     "household", "困难家庭", "重大疾病救助", "si", 880, 4713800},
    {"poor-students", "贫困大学生资助", "Grants for students from poor families",
     "资助贫困家庭大学新生 / Grants for university students from poor families", "student",
     "受助大学生", "贫困大学生资助", "ps", 211, 780000},
    {"police-relief", "公安民警救助基金", "Police officers' relief fund",
     "救助因公伤亡或遭遇困难的公安民警家庭 / Relief for police officers' families in hardship",
     "police-family", "民警家庭", "公安民警救助", "pr", 64, 863800},
    {"maternity-care", "生育关怀资金", "Maternity care fund",
     "关怀计划生育困难家庭 / Care for families in childbirth-related hardship", "family",
     "生育关怀家庭", "生育关怀", "mc", 204, 1020000},
};

struct Org {
  const char* id;
  const char* name;
  const char* project;
};

constexpr Org kOrgs[] = {
    {"huicheng-welfare-home", "惠城区社会福利院", "孤残儿童养育与康复"},
    {"huicheng-elderly-care", "惠城区敬老院", "特困老人集中供养"},
    {"huicheng-child-protection", "惠城区未成年人救助保护中心", "困境儿童关爱服务"},
    {"huicheng-rehab-center", "惠城区残疾人康复中心", "残疾人康复训练"},
    {"jiangbei-community-center", "江北街道社区服务中心", "长者之家社区养老服务"},
    {"qiaodong-elders-home", "桥东街道长者之家", "居家养老上门服务"},
};

constexpr const char* kSurnames[] = {"陈", "李", "黄", "张", "刘", "林", "叶", "吴", "邓", "钟",
                                     "何", "罗", "曾", "杨", "谢", "郑", "赖", "温", "朱", "蔡"};
constexpr const char* kCompanies[] = {
    "惠州市惠城实业有限公司", "惠州仲恺电子科技有限公司", "惠城区江北商会",
    "惠州市鹅城建设集团",     "惠州西湖旅游发展有限公司", "惠城区桥西爱心协会"};

std::string PublicName(Rng& rng, int donor) {
  if (donor % 7 == 0) return kCompanies[donor / 7 % std::size(kCompanies)];
  return std::string(kSurnames[donor % std::size(kSurnames)]) + (rng.In(0, 1) ? "先生" : "女士");
}

const char* Channel(Rng& rng) {
  int64_t r = rng.In(0, 99);
  return r < 45 ? "online" : r < 85 ? "bank" : r < 97 ? "cash" : "in_kind";
}

constexpr int kDonors = 3000;
constexpr int kPublicDonors = 120;  // donors 0..119 consented to be named

void CharityEvents(Builder& b) {
  Rng& rng = b.rng();
  for (const CharityFund& f : kCharity) {
    std::vector<int64_t> parts = Split(rng, f.total_yuan, f.count);
    const int64_t span = DaysFromDate(kLastDay) - DaysFromDate(kFirstDay) + 1;
    int wrong_left = std::string(f.id) == "serious-illness" ? 2 : 0;
    for (int i = 0; i < f.count; ++i) {
      // Spread evenly over the five years, jittered within each slot.
      int64_t lo = span * i / f.count, hi = span * (i + 1) / f.count - 1;
      std::string paid = DateFromDays(DaysFromDate(kFirstDay) + rng.In(lo, std::max(lo, hi)));
      std::string award = DateFromDays(std::max(DaysFromDate(kFirstDay),
                                                DaysFromDate(paid) - rng.In(3, 20)));
      const int64_t fen = parts[i] * 100;
      std::string gid = std::string(f.grant_prefix) + "-" + paid.substr(0, 4) +
                        Fmt("-%04lld", i + 1);
      std::string rid = std::string(f.recipient_prefix) + Fmt("-%04lld", i + 1);
      b.Add(award, kGrant, kRecorder, "grant",
            json{{"id", gid},
                 {"fund", f.id},
                 {"recipient", {{"id", rid}, {"name", std::string(f.recipient_zh) + Fmt(" %04lld", i + 1)}}},
                 {"title", std::string(f.zh) + " " + f.en},
                 {"amount", fen},
                 {"award_date", award},
                 {"programme", f.programme}},
            f.id, -fen);
      json pay{{"grant", gid}, {"amount", fen}, {"paid_at", paid},
               {"payment_ref", "HCCF-" + paid.substr(0, 4) + Fmt("-%05lld", i + 1)}};
      if (wrong_left > 0 && i % 300 == 150) {
        // Recorded first with a digit missing, then corrected and re-recorded.
        --wrong_left;
        json wrong = pay;
        wrong["amount"] = fen / 10;
        int w = b.Add(paid, kPay, kRecorder, "disbursement", wrong, f.id, 0);
        b.Correct(w, "金额录入错误（少录一位），以正确金额重新登记 / amount mistyped, re-recorded", 0);
      }
      b.Add(paid, kPay, kRecorder, "disbursement", std::move(pay), f.id, 0);
    }
    // Monthly admin costs of about 3% of the fund's average monthly spending.
    const int64_t monthly = f.total_yuan * 3 / 100 / 60 * 100;
    for (int m = 0; m < 60; ++m) {
      std::string period = Fmt("%04lld", 2016 + m / 12) + Fmt("-%02lld", m % 12 + 1);
      b.Add(PeriodFirstDay(period), kCost, kRecorder, "admin_cost",
            json{{"fund", f.id}, {"amount", monthly}, {"category", "人员及办公费用 staff and office"},
                 {"period", period}},
            f.id, -monthly);
    }
    // Donations: about 5% more than the fund pays out, spread over the years.
    const int64_t target = (f.total_yuan * 100 + monthly * 60) * 105 / 100;
    int64_t raised = 0;
    // The fund's balance brought forward from 2015.
    b.Donation(f.id, "2015-12-28", target / 10 / 100 * 100, kCompanies[0], "bank");
    raised += target / 10 / 100 * 100;
    while (raised < target) {
      int donor = static_cast<int>(rng.In(0, kDonors - 1));
      int64_t r = rng.In(0, 99);
      int64_t yuan = r < 70 ? rng.In(50, 1000) : r < 95 ? rng.In(1000, 10000) : rng.In(10000, 80000);
      std::string name = donor < kPublicDonors ? PublicName(rng, donor) : "";
      b.Donation(f.id, RandomDate(rng, kFirstDay, kLastDay), yuan * 100, name, Channel(rng));
      raised += yuan * 100;
    }
  }
}

void LotteryEvents(Builder& b) {
  Rng& rng = b.rng();
  const char* fund = "welfare-lottery";
  int64_t quarter_alloc = 0;
  int grant_no = 0;
  for (int m = 0; m < 60; ++m) {
    const int year = 2016 + m / 12, month = m % 12 + 1;
    std::string period = Fmt("%04lld", year) + Fmt("-%02lld", month);
    const int64_t sales = rng.In(800000, 1500000) * 1000;  // fen
    const int64_t amount = sales * 3500 / 10000 / 100 * 100;
    // A budget allocation of the district's share, by finance document.
    const std::string received = PeriodFirstDay(period);
    b.Add(received, kIn, kRecorder, "lottery.allocation",
          json{{"fund", fund},
               {"fiscal_year", year},
               {"level", month % 3 == 0 ? "city" : "district"},
               {"document_no", Fmt("惠城财社〔%04lld〕", year) + Fmt("%lld号", m + 1)},
               {"amount", amount},
               {"purpose", "福利彩票公益金 扶老助残救孤济困 / welfare lottery public-welfare fund"},
               {"received_at", received}},
          fund, amount);
    b.Add(received, kIn, kRecorder, "lottery.sales",
          json{{"period", period}, {"sales", sales}, {"note", "辖区福利彩票销量（参考）/ lottery sales in the district, for context"}},
          fund, 0);
    quarter_alloc += amount;
    if (month % 3 != 0) continue;
    // Each quarter two institutions get grants worth 70% of the quarter's money.
    for (int k = 0; k < 2; ++k) {
      const Org& org = kOrgs[(grant_no * 5 + k) % std::size(kOrgs)];
      const int64_t gfen = quarter_alloc * 35 / 100 / 100 * 100;
      std::string award = Fmt("%04lld", year) + Fmt("-%02lld", month) + Fmt("-%02lld", 10 + k * 5);
      std::string gid = Fmt("wl-%04lld", year) + Fmt("-%02lld", ++grant_no);
      b.Add(award, kGrant, kRecorder, "grant",
            json{{"id", gid},
                 {"fund", fund},
                 {"recipient", {{"id", org.id}, {"name", org.name}}},
                 {"title", std::string(org.project) + " " + period},
                 {"amount", gfen},
                 {"award_date", award},
                 {"programme", org.project}},
            fund, -gfen);
      // Two tranches; each is spent in three invoices over the following months.
      const Actor grantee{Role::kGrantee, std::string("grantee-") + org.id, org.id};
      const int64_t tranche[2] = {gfen / 2, gfen - gfen / 2};
      std::string pay_date = DateFromDays(DaysFromDate(award) + rng.In(5, 15));
      for (int t = 0; t < 2; ++t) {
        if (pay_date > kLastDay) break;
        b.Add(pay_date, kPay, kRecorder, "disbursement",
              json{{"grant", gid}, {"amount", tranche[t]}, {"paid_at", pay_date},
                   {"payment_ref", "FC-" + gid + Fmt("-%lld", t + 1)}},
              fund, 0);
        int64_t left = tranche[t];
        std::string spent = pay_date;
        for (int x = 0; x < 3; ++x) {
          spent = DateFromDays(DaysFromDate(spent) + rng.In(10, 60));
          if (spent > kLastDay) break;
          const int64_t fen = x == 2 ? left : left / 3;
          left -= fen;
          std::string invoice = "invoice " + gid + Fmt(" %lld", t * 3 + x) + Fmt(" %lld fen", fen);
          json body{{"grant", gid}, {"amount", fen},
                    {"category", x == 0 ? "物资采购 supplies" : x == 1 ? "服务费用 services" : "人员补贴 staff"},
                    {"description", std::string(org.project) + " 发票 invoice " + Fmt("%lld", t * 3 + x + 1)},
                    {"evidence_sha256", crypto::ToHex(crypto::Sha256Of(invoice))},
                    {"spent_at", spent}};
          if (grant_no == 7 && t == 0 && x == 1) {
            // First filed with the hash of the wrong file.
            json wrong = body;
            wrong["evidence_sha256"] = crypto::ToHex(crypto::Sha256Of(invoice + " (draft)"));
            int w = b.Add(spent, kSpend, grantee, "expense", wrong, fund, 0);
            b.Correct(w, "凭证哈希对应草稿文件，已按正式发票重新登记 / evidence hash was of a draft, re-recorded", 0);
          }
          b.Add(spent, kSpend, grantee, "expense", std::move(body), fund, 0);
        }
        pay_date = DateFromDays(DaysFromDate(pay_date) + rng.In(80, 110));
      }
    }
    quarter_alloc = 0;
  }
}

void CorrectionEvents(Builder& b) {
  // A bank import recorded one donation twice.
  int d = b.Donation("maternity-care", "2018-06-12", 5000000, "惠州仲恺电子科技有限公司", "bank");
  json first = b.events()[d].req.body;
  b.Add("2018-06-12", kIn, kRecorder, "donation", first, "maternity-care", 5000000);
  b.Correct(static_cast<int>(b.events().size()) - 1,
            "银行流水重复导入，撤销重复记录 / bank statement imported twice", -5000000);
  // An admin cost booked to the wrong fund, reversed and booked again.
  json cost{{"fund", "poor-students"}, {"amount", 120000}, {"category", "审计费用 audit"},
            {"period", "2019-04"}};
  int w = b.Add("2019-04-01", kCost, kRecorder, "admin_cost", cost, "poor-students", -120000);
  b.Correct(w, "记错基金，应计入公安民警救助基金 / booked to the wrong fund", 120000);
  cost["fund"] = "police-relief";
  b.Add("2019-04-01", kCost, kRecorder, "admin_cost", cost, "police-relief", -120000);
}

Status Flush(Ledger* ledger, std::vector<RecordRequest>* chunk, std::vector<int>* chunk_events,
             std::vector<uint64_t>* seq_of) {
  if (chunk->empty()) return Status::Ok();
  auto results = ledger->RecordAll(std::move(*chunk));
  for (size_t i = 0; i < results.size(); ++i) {
    if (!results[i].ok()) {
      const Status& s = results[i].status();
      return Status(s.code(), "demo event " + std::to_string((*chunk_events)[i]) + ": " + s.message(),
                    s.rule());
    }
    (*seq_of)[(*chunk_events)[i]] = results[i]->seq;
  }
  chunk->clear();
  chunk_events->clear();
  return Status::Ok();
}

}  // namespace

Status LoadDemo(Ledger* ledger) {
  Rng rng(kSeed);
  Builder b(&rng);

  std::vector<RecordRequest> opens;
  for (const CharityFund& f : kCharity) {
    opens.push_back(RecordRequest{kAdmin, "fund.open",
                     json{{"id", f.id}, {"name", {{"zh", f.zh}, {"en", f.en}}}, {"purpose", f.purpose},
                          {"kind", "charity"}, {"opened_on", kOpenedOn}},
                     ""});
  }
  opens.push_back(RecordRequest{kAdmin, "fund.open",
                   json{{"id", "welfare-lottery"},
                        {"name", {{"zh", "福利彩票公益金"}, {"en", "Welfare lottery public-welfare fund"}}},
                        {"purpose", "福利彩票公益金用于扶老、助残、救孤、济困 / Lottery public-welfare money for "
                                    "the elderly, the disabled, orphans and people in need"},
                        {"kind", "lottery"}, {"opened_on", kOpenedOn}},
                   ""});
  for (auto& r : ledger->RecordAll(std::move(opens))) {
    if (!r.ok()) return r.status();
  }

  CharityEvents(b);
  LotteryEvents(b);
  CorrectionEvents(b);

  // Business-date order, money in before money out; a correction follows its
  // target immediately.
  std::vector<Event>& ev = b.events();
  std::vector<int> order;
  for (int i = 0; i < static_cast<int>(ev.size()); ++i) {
    if (ev[i].corrects < 0) order.push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](int x, int y) {
    if (ev[x].date != ev[y].date) return ev[x].date < ev[y].date;
    if (ev[x].phase != ev[y].phase) return ev[x].phase < ev[y].phase;
    return ev[x].order < ev[y].order;
  });
  std::map<int, int> correction_of;
  for (int i = 0; i < static_cast<int>(ev.size()); ++i) {
    if (ev[i].corrects >= 0) correction_of[ev[i].corrects] = i;
  }

  // Simulate each fund's uncommitted balance; where an outflow would not be
  // covered yet, a federation member company tops the fund up that day.
  std::map<std::string, int64_t> uncommitted;
  std::vector<int> final_order;
  int topups = 0;
  auto push = [&](int i) {
    uncommitted[ev[i].fund] += ev[i].amount;
    final_order.push_back(i);
  };
  for (int i : order) {
    if (ev[i].amount < 0 && uncommitted[ev[i].fund] + ev[i].amount < 0) {
      int64_t need = -(uncommitted[ev[i].fund] + ev[i].amount);
      int64_t fen = (need / 1000000 + 1) * 1000000;
      int t = b.Donation(ev[i].fund, ev[i].date, fen, kCompanies[++topups % std::size(kCompanies)], "bank");
      push(t);
    }
    push(i);
    if (auto c = correction_of.find(i); c != correction_of.end()) push(c->second);
  }

  std::vector<uint64_t> seq_of(ev.size());
  std::vector<RecordRequest> chunk;
  std::vector<int> chunk_events;
  std::set<std::string> chunk_grants;  // grants awarded in the unflushed chunk
  for (int i : final_order) {
    const RecordRequest& req = ev[i].req;
    // A grantee reports on a grant it can see: one already recorded.
    const bool needs_grant = req.actor.role == Role::kGrantee && chunk_grants.count(req.body.value("grant", ""));
    if (ev[i].corrects >= 0 || needs_grant) {
      LEDGER_RETURN_IF_ERROR(Flush(ledger, &chunk, &chunk_events, &seq_of));
      chunk_grants.clear();
      if (ev[i].corrects >= 0) ev[i].req.body["target"] = seq_of[ev[i].corrects];
    }
    if (req.type == "grant") chunk_grants.insert(req.body.value("id", ""));
    chunk.push_back(ev[i].req);
    chunk_events.push_back(i);
    if (chunk.size() >= kChunk) {
      LEDGER_RETURN_IF_ERROR(Flush(ledger, &chunk, &chunk_events, &seq_of));
      chunk_grants.clear();
    }
  }
  return Flush(ledger, &chunk, &chunk_events, &seq_of);
}

}  // namespace ledger::funds
