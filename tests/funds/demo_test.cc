// The demo ledger gives the district's published 2016-2020 figures exactly,
// and is deterministic apart from recording times and donor secrets.
#include "ledger/funds/demo.h"

#include <gtest/gtest.h>

#include <set>

#include "ledger/tlog/memory_state.h"

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
  EXPECT_EQ(by_id["birth-care"]["disbursed"], 102000000);
  EXPECT_EQ(by_id["serious-illness"]["detail"]["beneficiaries"]["households"], 880);
  EXPECT_EQ(by_id["poor-students"]["detail"]["beneficiaries"]["persons"], 211);
  for (const auto& fig : kDemoFigures) {
    EXPECT_EQ(by_id[fig.fund]["disbursed"], fig.disbursed) << fig.fund;
    EXPECT_EQ(by_id[fig.fund]["counts"]["disbursements"], fig.disbursements) << fig.fund;
    const json& b = by_id[fig.fund]["detail"]["beneficiaries"];
    if (*fig.beneficiary) {
      EXPECT_EQ(b[fig.beneficiary], fig.beneficiaries) << fig.fund;
    } else {
      // The plan gives no count: the ledger claims none.
      EXPECT_EQ(b["households"], 0) << fig.fund;
      EXPECT_EQ(b["persons"], 0) << fig.fund;
    }
  }
  EXPECT_EQ(by_id["birth-care"]["name"]["en"], "Birth-care fund for family-planning households");
  // The 2015 balances are brought forward, not invented gifts.
  for (const char* id : {"serious-illness", "poor-students", "police-relief", "birth-care"}) {
    EXPECT_GT(by_id[id]["opening"].get<int64_t>(), 0) << id;
    EXPECT_EQ(by_id[id]["detail"]["brought_forward"], 0) << id << ": brought forward before the period";
  }
  EXPECT_EQ(by_id["serious-illness"]["name"]["zh"], "重大疾病救助");
  EXPECT_EQ(by_id["welfare-lottery"]["name"]["zh"], "福利彩票公益金");
  EXPECT_GT(by_id["welfare-lottery"]["used"].get<int64_t>(), 0);

  // Lottery: 60 months of sales as context; the money arrives as 20 budget
  // documents (one a quarter, from the district, the province and the city).
  auto lot = ledger_.Lottery();
  ASSERT_TRUE(lot.ok());
  EXPECT_EQ((*lot)["periods"].size(), 60u);
  EXPECT_EQ((*lot)["totals"]["allocation_documents"], 20);
  for (int year = 2016; year <= 2020; ++year) {
    auto a = ledger_.LotteryAnnouncement(year);
    ASSERT_TRUE(a.ok()) << a.status().ToString();
    EXPECT_FALSE((*a).dump().empty());
  }

  // Sample data, declared by the organisation.
  auto org = ledger_.Organisation();
  ASSERT_TRUE(org.ok());
  EXPECT_TRUE((*org)["sample_data"].get<bool>());
  EXPECT_EQ((*org)["current"]["legal_type"], "social_group");

  // Donations: thousands, mostly anonymous, a few named; corrections present.
  int donations = 0, named = 0, corrections = 0, expenses = 0;
  for (uint64_t i = 0; i < log_.Size(); ++i) {
    json e = json::parse(*log_->Entry(i));
    if (e["type"] == "donation") {
      ++donations;
      if (e["body"]["donor"].contains("public_name")) {
        ++named;
        // Fictional names only: persons carry （示例）, companies 示例.
        EXPECT_NE(e["body"]["donor"]["public_name"].get<std::string>().find("示例"), std::string::npos);
      }
      EXPECT_TRUE(e["body"].contains("receipt_no"));
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

  // The charity-law ratios hold for the demo's years, judged for a social
  // group with public-fundraising status; every deadline was met on the
  // disclosures' own dates (the demo is recorded in 2026, long after them).
  for (int year = 2016; year <= 2020; ++year) {
    auto c = ledger_.Compliance(year);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ((*c)["tier"]["id"], "group_service.public") << year;
    EXPECT_TRUE((*c)["spending_ok"].get<bool>()) << year << " " << (*c)["spending_ratio"];
    EXPECT_TRUE((*c)["admin_ok"].get<bool>()) << year << " " << (*c)["admin_ratio"];
    ASSERT_FALSE((*c)["deadlines"].empty()) << year;
    for (const auto& d : (*c)["deadlines"]) {
      EXPECT_EQ(d["status"], "met") << year << " " << d.dump();
    }
  }
  // Progress of the four-year project at most three months apart: at least
  // one due date a quarter, all met.
  int progress = 0;
  for (int year = 2017; year <= 2020; ++year) {
    auto c = ledger_.Compliance(year);
    ASSERT_TRUE(c.ok());
    for (const auto& d : (*c)["deadlines"]) progress += d["what"] == "project_progress" ? 1 : 0;
  }
  EXPECT_GE(progress, 15);
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

// The demo holds every entry type; a replay of its entries alone rebuilds
// the derived state byte for byte.
TEST_F(DemoTest, ReplayOfEveryEntryTypeRebuildsByteIdenticalState) {
  ASSERT_TRUE(LoadDemo(&ledger_).ok());
  FundsStateMachine fresh;
  tlog::MemoryState store;
  ASSERT_TRUE(fresh.Load(store.Reader(), 0).ok());
  std::set<std::string> types;
  for (uint64_t i = 0; i < log_.Size(); ++i) {
    auto bytes = log_->Entry(i);
    ASSERT_TRUE(bytes.ok());
    json e = json::parse(*bytes);
    types.insert(e["type"].get<std::string>());
    const std::string time = e["time"], type = e["type"], by = e["by"], body = e["body"].dump();
    ASSERT_TRUE(fresh.Apply(tlog::SequencedEntry{i, time, type, by, body}, &store).ok()) << i << " " << *bytes;
    if (i % 1000 == 999 || i + 1 == log_.Size()) {
      fresh.Sealed(i + 1);
      fresh.Durable(i + 1, store.Reader());
    }
  }
  for (const char* t : {"fund.open", "org.profile", "net_assets", "books.close", "donation", "income",
                        "balance.forward", "lottery.allocation", "lottery.sales", "grant", "disbursement", "expense",
                        "admin_cost", "cost", "project.open", "disclosure", "correction"}) {
    EXPECT_TRUE(types.count(t)) << "the demo has no " << t;
  }
  const auto stored = log_.StoreContents();
  EXPECT_EQ(stored.size(), store.contents().size());
  EXPECT_TRUE(std::equal(stored.begin(), stored.end(), store.contents().begin(), store.contents().end()))
      << "replay from the entries alone must rebuild byte-identical derived keys";
}

TEST_F(DemoTest, RefusesToLoadTwice) {
  ASSERT_TRUE(LoadDemo(&ledger_).ok());
  EXPECT_EQ(LoadDemo(&ledger_).code(), Code::kAlreadyExists);
}

}  // namespace
}  // namespace ledger::funds::testing
