// The JSON views against hand-computed answers.
#include <gtest/gtest.h>

#include <set>
#include <sstream>

#include "ledger/crypto/base64.h"
#include "ledger/funds/compliance.h"
#include "ledger/funds/report.h"
#include "ledger/funds/trace.h"
#include "tests/funds/funds_fixture.h"

namespace ledger::funds::testing {
namespace {

class ViewsTest : public FundsFixture {
 protected:
  // d1 1000 and d2 500 flow into f; then g1 600, an admin cost of 100, g2 500.
  void Scenario() {
    ASSERT_TRUE(Open("f").ok());
    d1_ = Donate("f", 1000, "2019-03-01")->seq;
    d2_ = Donate("f", 500, "2019-06-01")->seq;
    g1_ = GrantTo("g1", "f", 600, "org-a", "2019-07-01")->seq;
    admin_seq_ = AdminCost("f", 100, "2019-08")->seq;
    g2_ = GrantTo("g2", "f", 500, "org-b", "2020-01-15")->seq;
    ASSERT_TRUE(Pay("g1", 400, "2019-07-10").ok());
    ASSERT_TRUE(Spend("g1", 100, "org-a", "2019-09-01").ok());
    ASSERT_TRUE(Pay("g2", 500, "2020-02-01").ok());
  }
  uint64_t d1_ = 0, d2_ = 0, g1_ = 0, g2_ = 0, admin_seq_ = 0;
};

TEST_F(ViewsTest, TraceIsFifoAndConserves) {
  Scenario();
  auto t1 = ledger_.Trace(d1_);
  ASSERT_TRUE(t1.ok()) << t1.status().ToString();
  const json& f1 = (*t1)["flows"];
  ASSERT_EQ(f1.size(), 3u) << t1->dump();
  EXPECT_EQ(f1[0]["ref"], "g1");
  EXPECT_EQ(f1[0]["amount"], 600);
  EXPECT_EQ(f1[0]["grant_paid"], 400);
  EXPECT_EQ(f1[0]["grant_used"], 100);
  EXPECT_EQ(f1[1]["kind"], "admin_cost");
  EXPECT_EQ(f1[1]["amount"], 100);
  EXPECT_EQ(f1[2]["ref"], "g2");
  EXPECT_EQ(f1[2]["amount"], 300);
  EXPECT_EQ(f1[2]["grant_paid"], 300);
  EXPECT_EQ((*t1)["unspent"], 0);

  auto t2 = ledger_.Trace(d2_);
  ASSERT_TRUE(t2.ok());
  ASSERT_EQ((*t2)["flows"].size(), 1u);
  EXPECT_EQ((*t2)["flows"][0]["amount"], 200);
  EXPECT_EQ((*t2)["flows"][0]["grant_paid"], 200);
  EXPECT_EQ((*t2)["unspent"], 300);

  EXPECT_EQ(ledger_.Trace(g1_).status().code(), Code::kNotFound);
  EXPECT_EQ(ledger_.Trace(9999).status().code(), Code::kNotFound);
}

TEST_F(ViewsTest, TraceOfCorrectedDonationHasNoFlows) {
  ASSERT_TRUE(Open("f").ok());
  uint64_t d = Donate("f", 700)->seq;
  ASSERT_TRUE(Correct(d).ok());
  auto t = ledger_.Trace(d);
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE((*t)["corrected"].get<bool>());
  EXPECT_TRUE((*t)["flows"].empty());
  EXPECT_EQ((*t)["unspent"], 700);
}

TEST_F(ViewsTest, ReportByBusinessDateWithOpeningAndClosing) {
  Scenario();
  AwaitCheckpoint();
  auto r = ledger_.Report(ReportQuery{"2020-01-01", "2020-12-31", ""});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ((*r)["tree_size"], log_.Size());
  auto cp = log_->LatestCheckpoint();
  ASSERT_TRUE(cp.ok());
  EXPECT_EQ((*r)["root"], crypto::Base64Encode(crypto::AsBytes(cp->root)));
  const json& f = (*r)["funds"][0];
  EXPECT_EQ(f["id"], "f");
  // Before 2020: income 1500, paid 400, admin 100.
  EXPECT_EQ(f["opening"], 1000);
  EXPECT_EQ(f["income"], 0);
  EXPECT_EQ(f["granted"], 500);
  EXPECT_EQ(f["disbursed"], 500);
  EXPECT_EQ(f["used"], 0);
  EXPECT_EQ(f["closing"], 500);
  EXPECT_EQ(f["counts"]["grants"], 1);
  EXPECT_EQ((*r)["totals"]["closing"], 500);

  AwaitCheckpoint();
  auto all = ledger_.Report(ReportQuery{"2019-01-01", "2020-12-31", "f"});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ((*all)["funds"][0]["opening"], 0);
  EXPECT_EQ((*all)["funds"][0]["income"], 1500);
  EXPECT_EQ((*all)["funds"][0]["used"], 100);
  EXPECT_EQ((*all)["funds"][0]["admin_cost"], 100);
  EXPECT_EQ((*all)["funds"][0]["closing"], 500);

  AwaitCheckpoint();
  EXPECT_EQ(ledger_.Report(ReportQuery{"2020-02-30", "2020-12-31", ""}).status().code(),
            Code::kInvalidArgument);
  AwaitCheckpoint();
  EXPECT_EQ(ledger_.Report(ReportQuery{"2021-01-01", "2020-12-31", ""}).status().code(),
            Code::kInvalidArgument);
  AwaitCheckpoint();
  EXPECT_EQ(ledger_.Report(ReportQuery{"2020-01-01", "2020-12-31", "nope"}).status().code(),
            Code::kNotFound);
}

TEST_F(ViewsTest, ReportAsOfATreeSizeIgnoresLaterEntriesAndCorrections) {
  Scenario();
  // A view held while later entries and corrections arrive stays as it was.
  FundsView held = sm_.View();
  ASSERT_TRUE(Donate("f", 5, "2019-01-01").ok());
  ASSERT_TRUE(Correct(admin_seq_).ok());
  auto then = ComputeReport(held, "root", ReportQuery{"2019-01-01", "2020-12-31", ""});
  auto now = ComputeReport(sm_.View(), "root", ReportQuery{"2019-01-01", "2020-12-31", ""});
  ASSERT_TRUE(then.ok() && now.ok());
  EXPECT_EQ(then->funds[0].period.income(), 1500);
  EXPECT_EQ(then->funds[0].period.admin_cost, 100);
  EXPECT_EQ(now->funds[0].period.income(), 1505);
  EXPECT_EQ(now->funds[0].period.admin_cost, 0);
}

// RFC 4180, then docs/format.md section 11's reverse of the formula rule: a
// cell that begins with ' had that one character added (a base64 root that
// begins with '+' is written '+...).
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false;
  auto end_field = [&] {
    if (!field.empty() && field[0] == '\'') field.erase(0, 1);
    rows.back().push_back(field), field.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\r') {
      continue;
    } else if (c == '\n') {
      end_field();
      rows.emplace_back();
    } else {
      field += c;
    }
  }
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

TEST_F(ViewsTest, ReportCsvEqualsJson) {
  Scenario();
  ASSERT_TRUE(Open("g, \"quoted\"").status().code() == Code::kInvalidArgument);
  ASSERT_TRUE(ledger_.Record(admin_, "fund.open",
                             json{{"id", "h"}, {"name", {{"zh", "逗号,基金"}, {"en", "Say \"hi\""}}},
                                  {"purpose", "p"}, {"kind", "charity"}, {"opened_on", "2015-01-01"}})
                  .ok());
  ASSERT_TRUE(Donate("h", 42, "2019-05-05").ok());
  ReportQuery q{"2019-01-01", "2019-12-31", ""};
  AwaitCheckpoint();
  auto j = ledger_.Report(q);
  AwaitCheckpoint();
  auto csv = ledger_.ReportCsv(q);
  ASSERT_TRUE(j.ok() && csv.ok());
  auto rows = ParseCsv(*csv);
  ASSERT_EQ(rows.size(), 1 + (*j)["funds"].size() + 1);
  const auto& h = rows[0];
  auto col = [&](const std::string& name) {
    return static_cast<size_t>(std::find(h.begin(), h.end(), name) - h.begin());
  };
  const std::vector<std::string> nums = {"opening", "income", "granted", "disbursed",
                                         "used",    "admin_cost", "closing"};
  const std::vector<std::string> counts = {"donations", "grants", "disbursements", "expenses"};
  for (size_t i = 0; i + 1 < rows.size(); ++i) {
    const auto& row = rows[i + 1];
    const json& line = i < (*j)["funds"].size() ? (*j)["funds"][i] : (*j)["totals"];
    EXPECT_EQ(row[col("from")], (*j)["from"]);
    EXPECT_EQ(row[col("tree_size")], std::to_string((*j)["tree_size"].get<uint64_t>()));
    EXPECT_EQ(row[col("root")], (*j)["root"]);
    if (i < (*j)["funds"].size()) {
      EXPECT_EQ(row[col("fund")], line["id"]);
      EXPECT_EQ(row[col("name_zh")], line["name"]["zh"]);
      EXPECT_EQ(row[col("name_en")], line["name"]["en"]);
    } else {
      EXPECT_EQ(row[col("fund")], "TOTAL");
    }
    for (const auto& n : nums) EXPECT_EQ(std::stoll(row[col(n)]), line[n].get<int64_t>()) << n;
    for (const auto& n : counts) {
      EXPECT_EQ(std::stoll(row[col(n)]), line["counts"][n].get<int64_t>()) << n;
    }
  }
}

TEST_F(ViewsTest, EntriesPagesWithStableCursors) {
  Scenario();
  auto page_all = [&](EntriesQuery q) {
    std::vector<uint64_t> seqs;
    for (int guard = 0; guard < 100; ++guard) {
      auto p = ledger_.Entries(q);
      EXPECT_TRUE(p.ok()) << p.status().ToString();
      if (!p.ok()) break;
      for (const auto& e : (*p)["entries"]) {
        seqs.push_back(e["seq"]);
        EXPECT_EQ(e["entry"]["seq"], e["seq"]);
      }
      if ((*p)["next_cursor"].is_null()) break;
      q.cursor = (*p)["next_cursor"];
      // Appending between pages must not disturb the walk.
      if (guard == 0) {
        EXPECT_TRUE(Donate("f", 1, "2019-01-02").ok());
      }
    }
    return seqs;
  };
  EntriesQuery q;
  q.limit = 3;
  auto all = page_all(q);
  std::vector<uint64_t> expect;
  for (uint64_t i = 0; i < log_.Size(); ++i) expect.push_back(i);
  EXPECT_EQ(all, expect);

  q.type = "grant";
  EXPECT_EQ(page_all(q), (std::vector<uint64_t>{g1_, g2_}));

  EntriesQuery byd;
  byd.limit = 2;
  byd.from = "2019-01-01";
  byd.to = "2019-07-01";
  auto dated = page_all(byd);
  // 2019-01-02 (x2 donations added while paging), 03-01, 06-01, 07-01 in date order.
  ASSERT_GE(dated.size(), 4u);
  EXPECT_EQ(dated[dated.size() - 3], d1_);
  EXPECT_EQ(dated[dated.size() - 2], d2_);
  EXPECT_EQ(dated.back(), g1_);

  EntriesQuery fund_type;
  fund_type.fund = "f";
  fund_type.type = "disbursement";
  EXPECT_EQ(page_all(fund_type).size(), 2u);

  EntriesQuery bad;
  bad.cursor = "zz";
  EXPECT_EQ(ledger_.Entries(bad).status().code(), Code::kInvalidArgument);
  bad.cursor.clear();
  bad.limit = 501;
  EXPECT_EQ(ledger_.Entries(bad).status().code(), Code::kInvalidArgument);
}

TEST_F(ViewsTest, FundsAndGrantsViews) {
  Scenario();
  json list = ledger_.Funds();
  EXPECT_EQ(list["tree_size"], log_.Size());
  ASSERT_EQ(list["funds"].size(), 1u);
  const json& f = list["funds"][0];
  EXPECT_EQ(f["name"]["zh"], "基金f");
  EXPECT_EQ(f["balance"], 1500 - 900 - 100);
  EXPECT_EQ(f["uncommitted"], 1500 - 1100 - 100);
  auto detail = ledger_.Fund("f");
  ASSERT_TRUE(detail.ok());
  ASSERT_EQ((*detail)["grants"].size(), 2u);
  EXPECT_EQ((*detail)["grants"][1]["recipient"]["id"], "org-b");
  EXPECT_EQ(ledger_.Fund("x").status().code(), Code::kNotFound);
  auto grants = ledger_.Grants("f");
  ASSERT_TRUE(grants.ok());
  EXPECT_EQ((*grants)["grants"].size(), 2u);
}

TEST_F(ViewsTest, LotteryPerPeriodAndTotals) {
  ASSERT_TRUE(Open("lot", "lottery").ok());
  ASSERT_TRUE(Allocate("lot", "2020-01", 100000).ok());
  ASSERT_TRUE(Allocate("lot", "2020-02", 200000).ok());
  for (auto [period, sales] : {std::pair{"2020-01", 100000}, {"2020-02", 200000}}) {
    ASSERT_TRUE(ledger_.Record(recorder_, "lottery.sales", json{{"period", period}, {"sales", sales}}).ok());
  }
  ASSERT_TRUE(GrantTo("w1", "lot", 50000, "org-a", "2020-02-10").ok());
  ASSERT_TRUE(Pay("w1", 50000, "2020-02-11").ok());
  ASSERT_TRUE(Spend("w1", 20000, "org-a", "2020-03-01").ok());
  auto l = ledger_.Lottery();
  ASSERT_TRUE(l.ok());
  ASSERT_EQ((*l)["periods"].size(), 3u);
  EXPECT_EQ((*l)["periods"][0]["allocated"], 35000);
  EXPECT_EQ((*l)["periods"][1]["sales"], 200000);
  EXPECT_EQ((*l)["periods"][1]["granted"], 50000);
  EXPECT_EQ((*l)["periods"][2]["used"], 20000);
  EXPECT_EQ((*l)["totals"], json({{"sales", 300000}, {"allocated", 105000}, {"granted", 50000}, {"used", 20000}}));
}

TEST_F(ViewsTest, FlowsLinkSourcesFundsProgrammesAndPayments) {
  Scenario();
  auto fl = ledger_.Flows("", "");
  ASSERT_TRUE(fl.ok());
  std::map<std::pair<std::string, std::string>, int64_t> links;
  for (const auto& l : (*fl)["links"]) links[{l["source"], l["target"]}] = l["value"];
  EXPECT_EQ((links[{"source:donations", "fund:f"}]), 1500);
  EXPECT_EQ((links[{"fund:f", "programme:f:grants"}]), 1100);
  EXPECT_EQ((links[{"fund:f", "admin_cost"}]), 100);
  EXPECT_EQ((links[{"programme:f:grants", "paid"}]), 900);
  std::set<std::string> ids;
  for (const auto& n : (*fl)["nodes"]) ids.insert(n["id"]);
  for (const auto& [k, v] : links) {
    EXPECT_TRUE(ids.count(k.first) && ids.count(k.second));
  }
  auto only2020 = ledger_.Flows("2020-01-01", "2020-12-31");
  ASSERT_TRUE(only2020.ok());
  for (const auto& l : (*only2020)["links"]) EXPECT_NE(l["source"], "source:donations");
}

}  // namespace
}  // namespace ledger::funds::testing
