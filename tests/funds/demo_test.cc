// The demo ledger gives the district's published 2016-2020 figures exactly,
// and is deterministic apart from recording times and donor secrets.
#include "ledger/funds/demo.h"

#include <gtest/gtest.h>

#include "ledger/funds/donor.h"
#include "tests/funds/funds_fixture.h"

namespace ledger::funds::testing {
namespace {

class DemoTest : public FundsFixture {};

TEST_F(DemoTest, ReportGivesThePublishedFigures) {
  Status s = LoadDemo(&ledger_);
  ASSERT_TRUE(s.ok()) << s.ToString() << " rule " << s.rule();
  AwaitCheckpoint();
  auto r = ledger_.Report(ReportQuery{"2016-01-01", "2020-12-31", ""});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  std::map<std::string, json> by_id;
  for (const auto& f : (*r)["funds"]) by_id[f["id"]] = f;
  ASSERT_EQ(by_id.size(), 5u);
  // 区慈善总会累计资助880户困难家庭重大疾病患者471.38万元；资助211名贫困大学生78万元；
  // 公安民警救助基金支出86.38万元；生育关怀资金支出102万元。
  EXPECT_EQ(by_id["serious-illness"]["disbursed"], 471380000);
  EXPECT_EQ(by_id["serious-illness"]["counts"]["disbursements"], 880);
  EXPECT_EQ(by_id["poor-students"]["disbursed"], 78000000);
  EXPECT_EQ(by_id["poor-students"]["counts"]["disbursements"], 211);
  EXPECT_EQ(by_id["police-relief"]["disbursed"], 86380000);
  EXPECT_EQ(by_id["maternity-care"]["disbursed"], 102000000);
  for (const auto& fig : kDemoFigures) {
    EXPECT_EQ(by_id[fig.fund]["disbursed"], fig.disbursed) << fig.fund;
    EXPECT_EQ(by_id[fig.fund]["counts"]["disbursements"], fig.disbursements) << fig.fund;
  }
  EXPECT_EQ(by_id["serious-illness"]["name"]["zh"], "重大疾病救助");
  EXPECT_EQ(by_id["welfare-lottery"]["name"]["zh"], "福利彩票公益金");
  EXPECT_GT(by_id["welfare-lottery"]["used"].get<int64_t>(), 0);

  // Lottery: 60 monthly allocations.
  auto lot = ledger_.Lottery();
  ASSERT_TRUE(lot.ok());
  EXPECT_EQ((*lot)["periods"].size(), 60u);

  // Donations: thousands, mostly anonymous, a few named; corrections present.
  int donations = 0, named = 0, corrections = 0, expenses = 0;
  for (uint64_t i = 0; i < log_.Size(); ++i) {
    json e = json::parse(*log_->Entry(i));
    if (e["type"] == "donation") {
      ++donations;
      if (e["body"]["donor"].contains("public_name")) ++named;
    }
    if (e["type"] == "correction") ++corrections;
    if (e["type"] == "expense") {
      ++expenses;
      EXPECT_EQ(e["body"]["evidence_sha256"].get<std::string>().size(), 64u);
    }
  }
  EXPECT_GT(donations, 2000);
  EXPECT_GT(named, 10);
  EXPECT_LT(named * 10, donations);
  EXPECT_GE(corrections, 4);
  EXPECT_GT(expenses, 50);

  // The charity-law ratios hold for the demo's full years.
  for (int year = 2017; year <= 2020; ++year) {
    auto c = ledger_.Compliance(year);
    ASSERT_TRUE(c.ok());
    EXPECT_TRUE((*c)["spending_ok"].get<bool>()) << year << " " << (*c)["spending_ratio"];
    EXPECT_TRUE((*c)["admin_ok"].get<bool>()) << year << " " << (*c)["admin_ratio"];
  }
}

TEST_F(DemoTest, DeterministicApartFromTimesAndSecrets) {
  ASSERT_TRUE(LoadDemo(&ledger_).ok());
  FundsStateMachine sm2;
  TestLog log2(&sm2);
  log2.set_time("2027-03-03T03:03:03Z");
  Ledger ledger2(log2.get(), &sm2);
  ASSERT_TRUE(LoadDemo(&ledger2).ok());
  ASSERT_EQ(log_.Size(), log2.Size());
  auto strip = [](json e) {
    e.erase("time");
    e.erase("prev");
    if (e["type"] == "donation") e["body"]["donor"].erase("commitment");
    return e;
  };
  for (uint64_t i = 0; i < log_.Size(); ++i) {
    ASSERT_EQ(strip(json::parse(*log_->Entry(i))), strip(json::parse(*log2->Entry(i)))) << i;
  }
}

TEST_F(DemoTest, RefusesToLoadTwice) {
  ASSERT_TRUE(LoadDemo(&ledger_).ok());
  EXPECT_EQ(LoadDemo(&ledger_).code(), Code::kAlreadyExists);
}

}  // namespace
}  // namespace ledger::funds::testing
