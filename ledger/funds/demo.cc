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
// The funds open on the first day; the balances of 2015 are brought forward
// to the day before.
constexpr char kOpenedOn[] = "2016-01-01";
constexpr char kBroughtForward[] = "2015-12-31";
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
  int64_t cash = 0;     // signed effect on the fund's cash (net assets)
  // A correction of the event `corrects` (index into the event list), which
  // is appended right after it; its target seq is filled in at append time.
  int corrects = -1;
  // body[ref_key] = the seq of event `ref` (recorded earlier), filled in at
  // append time (an admin cost charged to a restricted donation).
  int ref = -1;
  std::string ref_key;
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
  // The same, for money that moves cash as well: `effect` on the fund's
  // uncommitted balance and `cash` on its net assets.
  int AddMoney(std::string date, int phase, Actor actor, const char* type, json body, std::string fund,
               int64_t effect, int64_t cash) {
    int i = Add(std::move(date), phase, std::move(actor), type, std::move(body), std::move(fund), effect);
    events_[i].cash = cash;
    return i;
  }

  void Correct(int target, std::string reason, int64_t effect) {
    Event e;
    e.date = events_[target].date;
    e.phase = events_[target].phase;
    e.order = events_.size();
    e.req = RecordRequest{kRecorder, "correction", json{{"reason", std::move(reason)}}, ""};
    e.fund = events_[target].fund;
    e.amount = effect;
    e.cash = -events_[target].cash;
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
    // The number of the 公益事业捐赠统一票据 issued for it (fictional series).
    body["receipt_no"] = "HCCF" + date.substr(0, 4) + Fmt("%06lld", donation_no_);
    return AddMoney(date, kIn, kRecorder, "donation", std::move(body), fund, fen, fen);
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
  // What each payment states about who it reached: the plan counts 880
  // households and 211 students; it gives no count for the other two funds,
  // whose payments carry none (their number of payments is illustrative).
  const char* beneficiary;  // "households", "persons" or ""
};

constexpr CharityFund kCharity[] = {
    {"serious-illness", "重大疾病救助", "Serious illness relief",
     "资助困难家庭重大疾病患者 / Aid to low-income households facing serious illness",
     "household", "困难家庭", "重大疾病救助", "si", 880, 4713800, "households"},
    {"poor-students", "贫困大学生资助", "Grants for students from poor families",
     "资助贫困家庭大学新生 / Grants for university students from poor families", "student",
     "受助大学生", "贫困大学生资助", "ps", 211, 780000, "persons"},
    {"police-relief", "公安民警救助基金", "Police officers' relief fund",
     "救助因公伤亡或遭遇困难的公安民警家庭。示例数据：规划只给出金额，支出笔数为示意 / Relief for police "
     "officers' families in hardship. Sample data: the plan gives only the amount; the number of payments is "
     "illustrative",
     "police-family", "民警家庭", "公安民警救助", "pr", 64, 863800, ""},
    {"birth-care", "生育关怀资金", "Birth-care fund for family-planning households",
     "生育关怀：帮扶计划生育困难家庭。示例数据：规划只给出金额，支出笔数为示意 / Birth care (生育关怀): help "
     "for family-planning households in hardship. Sample data: the plan gives only the amount; the number of "
     "payments is illustrative",
     "family", "计生困难家庭", "生育关怀", "bc", 204, 1020000, ""},
};

// Towns and sub-districts a payment names as its area (no personal data).
constexpr const char* kAreas[] = {"江北街道", "桥东街道", "桥西街道", "江南街道", "河南岸街道",
                                  "龙丰街道", "小金口街道", "水口街道", "汝湖镇",   "横沥镇"};

struct Org {
  const char* id;
  const char* name;
  const char* project;
};

// Welfare institutions funded by the lottery money (fictional names).
constexpr Org kOrgs[] = {
    {"demo-welfare-home", "示例区社会福利院", "孤残儿童养育与康复"},
    {"demo-elderly-care", "示例区敬老院", "特困老人集中供养"},
    {"demo-child-protection", "示例区未成年人救助保护中心", "困境儿童关爱服务"},
    {"demo-rehab-center", "示例区残疾人康复中心", "残疾人康复训练"},
    {"demo-community-center", "示例街道社区服务中心", "长者之家社区养老服务"},
    {"demo-elders-home", "示例街道长者之家", "居家养老上门服务"},
};

constexpr const char* kSurnames[] = {"陈", "李", "黄", "张", "刘", "林", "叶", "吴", "邓", "钟",
                                     "何", "罗", "曾", "杨", "谢", "郑", "赖", "温", "朱", "蔡"};
// Fictional companies (the demo names no real donor).
constexpr const char* kCompanies[] = {"示例甲科技有限公司", "示例乙电子有限公司", "示例丙商会",
                                      "示例丁建设集团",     "示例戊旅游发展有限公司", "示例己爱心协会"};

std::string PublicName(Rng& rng, int donor) {
  if (donor % 7 == 0) return kCompanies[donor / 7 % std::size(kCompanies)];
  return std::string(kSurnames[donor % std::size(kSurnames)]) + (rng.In(0, 1) ? "先生（示例）" : "女士（示例）");
}

const char* Channel(Rng& rng) {
  int64_t r = rng.In(0, 99);
  return r < 45 ? "online" : r < 85 ? "bank" : r < 97 ? "cash" : "in_kind";
}

constexpr int kDonors = 3000;
constexpr int kPublicDonors = 120;  // donors 0..119 consented to be named

// The serious-illness relief project runs for four years, filed on 慈善中国
// (fictional filing number): quarterly progress and final results.
constexpr char kProject[] = "si-relief-2017";
constexpr char kProjectStart[] = "2017-01-01";
constexpr char kProjectEnd[] = "2020-12-31";

std::string DocHash(const std::string& what) { return crypto::ToHex(crypto::Sha256Of("示例文档 sample document: " + what)); }

void Disclose(Builder& b, const char* what, const std::string& from, const std::string& to,
              const std::string& published, const std::string& title, const char* subject = nullptr) {
  json body{{"what", what},
            {"period_from", from},
            {"period_to", to},
            {"published_at", published},
            {"title", title},
            {"platform", "慈善中国 (示例)"},
            {"document_sha256", DocHash(std::string(what) + " " + from + " " + to)}};
  if (subject != nullptr) body["subject"] = subject;
  b.Add(published, kSpend, kRecorder, "disclosure", std::move(body), "", 0);
}

void CharityEvents(Builder& b) {
  Rng& rng = b.rng();
  for (const CharityFund& f : kCharity) {
    std::vector<int64_t> parts = Split(rng, f.total_yuan, f.count);
    const int64_t span = DaysFromDate(kLastDay) - DaysFromDate(kFirstDay) + 1;
    int wrong_left = std::string(f.id) == "serious-illness" ? 2 : 0;
    const bool in_project = std::string(f.id) == "serious-illness";
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
      json grant{{"id", gid},
                 {"fund", f.id},
                 {"recipient", {{"id", rid}, {"name", std::string(f.recipient_zh) + Fmt(" %04lld", i + 1)}}},
                 {"title", std::string(f.zh) + " " + f.en},
                 {"amount", fen},
                 {"award_date", award},
                 {"programme", f.programme}};
      if (in_project && award >= kProjectStart) grant["project"] = kProject;
      b.Add(award, kGrant, kRecorder, "grant", std::move(grant), f.id, -fen);
      json pay{{"grant", gid}, {"amount", fen}, {"paid_at", paid},
               {"payment_ref", "HCCF-" + paid.substr(0, 4) + Fmt("-%05lld", i + 1)},
               {"area", kAreas[rng.In(0, std::size(kAreas) - 1)]}};
      if (*f.beneficiary) pay["beneficiaries"] = {{f.beneficiary, 1}};
      if (wrong_left > 0 && i % 300 == 150) {
        // Recorded first with a digit missing, then corrected and re-recorded.
        --wrong_left;
        json wrong = pay;
        wrong["amount"] = fen / 10;
        int w = b.AddMoney(paid, kPay, kRecorder, "disbursement", wrong, f.id, 0, -fen / 10);
        b.Correct(w, "金额录入错误（少录一位），以正确金额重新登记 / amount mistyped, re-recorded", 0);
      }
      b.AddMoney(paid, kPay, kRecorder, "disbursement", std::move(pay), f.id, 0, -fen);
    }
    // Monthly admin costs of about 3% of the fund's average monthly spending.
    const int64_t monthly = f.total_yuan * 3 / 100 / 60 * 100;
    for (int m = 0; m < 60; ++m) {
      std::string period = Fmt("%04lld", 2016 + m / 12) + Fmt("-%02lld", m % 12 + 1);
      b.AddMoney(PeriodFirstDay(period), kCost, kRecorder, "admin_cost",
                 json{{"fund", f.id}, {"amount", monthly}, {"category", "人员及办公费用 staff and office"},
                      {"period", period}},
                 f.id, -monthly, -monthly);
    }
    // Bank interest on the fund's deposits, once a year.
    for (int y = 2016; y <= 2020; ++y) {
      const int64_t interest = f.total_yuan / 400 * 100;
      b.AddMoney(Fmt("%04lld-12-21", y), kIn, kRecorder, "income",
                 json{{"fund", f.id}, {"class", "interest"}, {"amount", interest},
                      {"received_at", Fmt("%04lld-12-21", y)}, {"description", "银行存款利息 bank interest"}},
                 f.id, interest, interest);
    }
    // Donations: about 5% more than the fund pays out, spread over the years.
    const int64_t target = (f.total_yuan * 100 + monthly * 60) * 105 / 100;
    int64_t raised = 0;
    // The fund's balance at the end of 2015, brought forward.
    const int64_t opening = target / 10 / 100 * 100;
    b.AddMoney(kBroughtForward, kIn, kRecorder, "balance.forward",
               json{{"fund", f.id}, {"amount", opening}, {"as_of", kBroughtForward},
                    {"description", "2015年末结余（经审计）结转 / balance at the end of 2015 (audited) brought forward"}},
               f.id, opening, opening);
    raised += opening;
    while (raised < target) {
      int donor = static_cast<int>(rng.In(0, kDonors - 1));
      int64_t r = rng.In(0, 99);
      int64_t yuan = r < 70 ? rng.In(50, 1000) : r < 95 ? rng.In(1000, 10000) : rng.In(10000, 80000);
      std::string name = donor < kPublicDonors ? PublicName(rng, donor) : "";
      b.Donation(f.id, RandomDate(rng, kFirstDay, kLastDay), yuan * 100, name, Channel(rng));
      raised += yuan * 100;
    }
  }

  // The relief project's own staff and a government purchase of services.
  for (int q = 0; q < 16; ++q) {
    std::string period = Fmt("%04lld", 2017 + q / 4) + Fmt("-%02lld", q % 4 * 3 + 3);
    b.AddMoney(PeriodFirstDay(period), kCost, kRecorder, "cost",
               json{{"fund", "serious-illness"}, {"class", "charitable"}, {"amount", 1200000}, {"period", period},
                    {"description", "项目人员及入户核查费用 project staff and home visits"}},
               "serious-illness", -1200000, -1200000);
  }
  b.AddMoney("2019-03-15", kIn, kRecorder, "income",
             json{{"fund", "serious-illness"}, {"class", "government_grant"}, {"amount", 20000000},
                  {"received_at", "2019-03-15"},
                  {"description", "区民政局购买大病救助服务（示例）/ district civil-affairs bureau purchase of services"}},
             "serious-illness", 20000000, 20000000);
  // 99 Giving Day campaigns: their fundraising cost.
  for (int y = 2017; y <= 2020; ++y) {
    b.AddMoney(Fmt("%04lld-09-01", y), kCost, kRecorder, "cost",
               json{{"fund", "poor-students"}, {"class", "fundraising"}, {"amount", 800000},
                    {"period", Fmt("%04lld-09", y)}, {"description", "九九公益日募捐活动宣传 99 Giving Day publicity"}},
               "poor-students", -800000, -800000);
  }
  // A restricted gift: for student grants from 2018, at most 5% for admin.
  Builder* bp = &b;
  int restricted = bp->AddMoney("2018-03-08", kIn, kRecorder, "donation",
                                json{{"fund", "poor-students"},
                                     {"amount", 10000000},
                                     {"channel", "bank"},
                                     {"received_at", "2018-03-08"},
                                     {"donor", {{"public_name", kCompanies[3]}}},
                                     {"receipt_no", "HCCF2018R00001"},
                                     {"external_ref", "DON-R-2018-1"},
                                     {"restriction",
                                      {{"purpose", "仅用于资助贫困大学新生 / only for grants to students from poor families"},
                                       {"admin_fee_cap_bp", 500}}}},
                                "poor-students", 10000000, 10000000);
  int cost = b.AddMoney("2018-12-01", kCost, kRecorder, "admin_cost",
                        json{{"fund", "poor-students"}, {"amount", 400000},
                             {"category", "定向捐赠项目管理 restricted gift administration"}, {"period", "2018-12"}},
                        "poor-students", -400000, -400000);
  b.events()[cost].ref = restricted;
  b.events()[cost].ref_key = "charged_to";
}

void OrganisationEvents(Builder& b) {
  // The relief project and the yearly 99 Giving Day campaigns.
  b.Add(kProjectStart, kIn, kRecorder, "project.open",
        json{{"id", kProject},
             {"name", {{"zh", "困难家庭重大疾病救助项目（2017-2020）"}, {"en", "Serious illness relief project 2017-2020"}}},
             {"kind", "project"},
             {"start", kProjectStart},
             {"end", kProjectEnd},
             {"fund", "serious-illness"},
             {"filing_no", "示例备案 53441302-2017-0001"}},
        "", 0);
  for (int y = 2017; y <= 2020; ++y) {
    b.Add(Fmt("%04lld-08-20", y), kIn, kRecorder, "project.open",
          json{{"id", Fmt("giving-day-%04lld", y)},
               {"name", {{"zh", Fmt("%04lld年九九公益日助学募捐", y)}, {"en", Fmt("99 Giving Day %04lld for students", y)}}},
               {"kind", "campaign"},
               {"start", Fmt("%04lld-09-01", y)},
               {"end", Fmt("%04lld-09-30", y)},
               {"fund", "poor-students"},
               {"filing_no", Fmt("示例备案 53441302-%04lld-0099", y)}},
          "", 0);
  }
  // Annual work and financial reports, each published in the spring after
  // the year, before the deadline of the rules in force.
  for (int y = 2016; y <= 2020; ++y) {
    const std::string year = Fmt("%04lld", y);
    Disclose(b, "annual_report", year + "-01-01", year + "-12-31", Fmt("%04lld", y + 1) + Fmt("-05-%02lld", 10 + y % 7),
             year + "年度工作报告和财务会计报告 / annual report " + year);
  }
  // Project progress at most three months apart (five days before each
  // due date), and its results after the end.
  std::string from = kProjectStart;
  for (;;) {
    const std::string due = AddMonths(from, 3);
    if (due >= kProjectEnd) break;
    const std::string published = DateFromDays(DaysFromDate(due) - 5);
    Disclose(b, "project_progress", from, DateFromDays(DaysFromDate(published) - 1), published,
             "项目进展 progress " + from + ".." + published, kProject);
    from = published;
  }
  Disclose(b, "project_results", kProjectStart, kProjectEnd, "2021-02-26", "项目结项报告 project results", kProject);
  // Campaign results, within three months of each campaign.
  for (int y = 2017; y <= 2020; ++y) {
    Disclose(b, "project_results", Fmt("%04lld-09-01", y), Fmt("%04lld-09-30", y), Fmt("%04lld-10-20", y),
             Fmt("九九公益日募捐结果 %04lld", y), Fmt("giving-day-%04lld", y).c_str());
  }
}

void LotteryEvents(Builder& b) {
  Rng& rng = b.rng();
  const char* fund = "welfare-lottery";
  int64_t quarter_alloc = 0;
  int grant_no = 0;
  // The district receives its share of the welfare-lottery public-welfare
  // fund as budget allocations: after the central/local split, the
  // province's and the city's shares come down by finance documents, and the
  // district budgets its own; one document a quarter here.
  struct Source {
    const char* level;
    const char* day;
    const char* doc;
    const char* purpose;
  };
  constexpr Source kSources[] = {
      {"district", "03-20", "示例区财社〔%04lld〕%lld号", "区本级福彩公益金预算 扶老助残救孤济困 / district budget"},
      {"province", "06-15", "示例省财社〔%04lld〕%lld号", "省级福彩公益金补助 社会福利事业 / provincial subsidy"},
      {"city", "09-10", "示例市财社〔%04lld〕%lld号", "市级福彩公益金补助 养老服务 / city subsidy"},
      {"district", "11-25", "示例区财社〔%04lld〕%lld号", "区本级福彩公益金追加预算 / district supplementary budget"},
  };
  for (int m = 0; m < 60; ++m) {
    const int year = 2016 + m / 12, month = m % 12 + 1;
    std::string period = Fmt("%04lld", year) + Fmt("-%02lld", month);
    // Sales in the district, monthly, for context only.
    const int64_t sales = rng.In(9000000, 16000000) * 100;  // fen
    b.Add(PeriodFirstDay(period), kIn, kRecorder, "lottery.sales",
          json{{"period", period}, {"sales", sales}, {"note", "辖区福利彩票销量（参考）/ lottery sales in the district, for context"}},
          fund, 0);
    if (month % 3 != 0) continue;
    const Source& src = kSources[month / 3 - 1];
    const int64_t amount = rng.In(600000, 1200000) * 100;
    const std::string received = Fmt("%04lld-", year) + src.day;
    char doc[128];
    std::snprintf(doc, sizeof(doc), src.doc, static_cast<long long>(year), static_cast<long long>(m + 11));
    b.AddMoney(received, kIn, kRecorder, "lottery.allocation",
               json{{"fund", fund},
                    {"fiscal_year", year},
                    {"level", src.level},
                    {"document_no", doc},
                    {"amount", amount},
                    {"purpose", src.purpose},
                    {"received_at", received}},
               fund, amount, amount);
    quarter_alloc += amount;
    // Each quarter two institutions get grants worth 70% of the quarter's money.
    for (int k = 0; k < 2; ++k) {
      const Org& org = kOrgs[(grant_no * 5 + k) % std::size(kOrgs)];
      const int64_t gfen = quarter_alloc * 35 / 100 / 100 * 100;
      std::string award = Fmt("%04lld", year) + Fmt("-%02lld", month) + Fmt("-%02lld", 26 + k * 2);
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
        b.AddMoney(pay_date, kPay, kRecorder, "disbursement",
                   json{{"grant", gid}, {"amount", tranche[t]}, {"paid_at", pay_date},
                        {"payment_ref", "FC-" + gid + Fmt("-%lld", t + 1)}},
                   fund, 0, -tranche[t]);
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
  int d = b.Donation("birth-care", "2018-06-12", 5000000, kCompanies[1], "bank");
  json first = b.events()[d].req.body;
  b.AddMoney("2018-06-12", kIn, kRecorder, "donation", first, "birth-care", 5000000, 5000000);
  b.Correct(static_cast<int>(b.events().size()) - 1,
            "银行流水重复导入，撤销重复记录 / bank statement imported twice", -5000000);
  // An admin cost booked to the wrong fund, reversed and booked again.
  json cost{{"fund", "poor-students"}, {"amount", 120000}, {"category", "审计费用 audit"},
            {"period", "2019-04"}};
  int w = b.AddMoney("2019-04-01", kCost, kRecorder, "admin_cost", cost, "poor-students", -120000, -120000);
  b.Correct(w, "记错基金，应计入公安民警救助基金 / booked to the wrong fund", 120000);
  cost["fund"] = "police-relief";
  b.AddMoney("2019-04-01", kCost, kRecorder, "admin_cost", cost, "police-relief", -120000, -120000);
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

  // The organisation: a district charity federation (慈善总会, a 社会团体)
  // that obtained public-fundraising status in 2016; its data is marked as
  // fictional sample data.
  std::vector<RecordRequest> opens;
  opens.push_back(RecordRequest{kAdmin, "org.profile",
                   json{{"name", {{"zh", "示例区慈善总会"}, {"en", "Sample District Charity Federation"}}},
                        {"legal_type", "social_group"},
                        {"effective_from", "2015-12-01"},
                        {"public_fundraising_from", "2016-12-20"},
                        {"data", "sample"}},
                   ""});
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
  OrganisationEvents(b);
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

  // Net assets at each year end (the charity funds' cash, from the audited
  // accounts in the spring after), and the books of each year closed once
  // the annual report is out.
  {
    std::vector<int> late;  // merged into final_order by date
    std::map<int, int64_t> cash_by_year;
    for (const Event& e : ev) {
      if (e.cash != 0 && e.fund != "welfare-lottery") cash_by_year[std::stoi(e.date.substr(0, 4))] += e.cash;
    }
    int64_t net = 0;
    for (int y = 2015; y <= 2020; ++y) {
      net += cash_by_year[y];
      late.push_back(
          b.Add(Fmt("%04lld-03-31", y + 1), kIn, kRecorder, "net_assets", json{{"year", y}, {"amount", net}}, "", 0));
    }
    for (int y = 2016; y <= 2019; ++y) {
      late.push_back(b.Add(Fmt("%04lld-06-30", y + 1), kSpend, kAdmin, "books.close", json{{"year", y}}, "", 0));
    }
    // Each goes before the first event of a later date (never between an
    // entry and its correction, which share a date).
    std::vector<int> merged;
    size_t k = 0;
    for (int i : final_order) {
      while (k < late.size() && ev[late[k]].date < ev[i].date) merged.push_back(late[k++]);
      merged.push_back(i);
    }
    while (k < late.size()) merged.push_back(late[k++]);
    final_order = std::move(merged);
  }


  std::vector<uint64_t> seq_of(ev.size());
  std::vector<RecordRequest> chunk;
  std::vector<int> chunk_events;
  std::set<std::string> chunk_grants;  // grants awarded in the unflushed chunk
  for (int i : final_order) {
    RecordRequest& req = ev[i].req;
    // A grantee reports on a grant it can see: one already recorded.
    const bool needs_grant = req.actor.role == Role::kGrantee && chunk_grants.count(req.body.value("grant", ""));
    if (ev[i].corrects >= 0 || needs_grant) {
      LEDGER_RETURN_IF_ERROR(Flush(ledger, &chunk, &chunk_events, &seq_of));
      chunk_grants.clear();
      if (ev[i].corrects >= 0) ev[i].req.body["target"] = seq_of[ev[i].corrects];
    }
    if (ev[i].ref >= 0) {
      // The referenced event comes earlier in business-date order; flush it
      // if it is still in the chunk, to learn its seq.
      if (std::find(chunk_events.begin(), chunk_events.end(), ev[i].ref) != chunk_events.end()) {
        LEDGER_RETURN_IF_ERROR(Flush(ledger, &chunk, &chunk_events, &seq_of));
        chunk_grants.clear();
      }
      ev[i].req.body[ev[i].ref_key] = seq_of[ev[i].ref];
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
