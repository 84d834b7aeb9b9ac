// The charity-law compliance view (docs/rules.md): tier selection, each
// threshold at its edges, three-year averages, effective dates, disclosure
// deadlines judged on the disclosures' own dates, restricted-gift admin caps,
// and prior-period adjustments after a year's books are closed.
#include <gtest/gtest.h>

#include "ledger/funds/charity_rules.h"
#include "tests/funds/funds_fixture.h"

namespace ledger::funds::testing {
namespace {

constexpr int64_t kYuan = 100;

class ComplianceTest : public FundsFixture {
 protected:
  void SetUp() override { ASSERT_TRUE(Open("f").ok()); }

  Result<Recorded> Profile(const std::string& legal_type, const std::string& public_from,
                           const std::string& effective_from = "2015-01-01") {
    json body{{"name", {{"zh", "测试慈善会"}, {"en", "Test charity"}}},
              {"legal_type", legal_type},
              {"effective_from", effective_from}};
    if (!public_from.empty()) body["public_fundraising_from"] = public_from;
    return ledger_.Record(admin_, "org.profile", body);
  }
  Result<Recorded> NetAssets(int year, int64_t fen) {
    return ledger_.Record(recorder_, "net_assets", json{{"year", year}, {"amount", fen}});
  }
  // Charitable spending of `fen` paid on `date` through a one-off grant.
  void Spend(const std::string& id, int64_t fen, const std::string& date) {
    ASSERT_TRUE(GrantTo(id, "f", fen, "org-a", date).ok());
    ASSERT_TRUE(Pay(id, fen, date).ok());
  }
  Result<Recorded> Disclose(const std::string& what, const std::string& from, const std::string& to,
                            const std::string& published, const std::string& subject = "") {
    json body{{"what", what},
              {"period_from", from},
              {"period_to", to},
              {"published_at", published},
              {"url", "https://charity.example/disclosures/" + what}};
    if (!subject.empty()) body["subject"] = subject;
    return ledger_.Record(recorder_, "disclosure", body);
  }
  json Compliance(int year) {
    auto c = ledger_.Compliance(year);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? *c : json();
  }
  json Deadline(const json& c, const std::string& what, const std::string& due) {
    for (const auto& d : c["deadlines"]) {
      if (d["what"] == what && d["due"] == due) return d;
    }
    ADD_FAILURE() << "no " << what << " due " << due << " in " << c["deadlines"].dump();
    return json();
  }
};

TEST_F(ComplianceTest, WithoutAProfileNothingIsJudgedAndNothingIsGreen) {
  ASSERT_TRUE(Donate("f", 1000 * kYuan, "2019-03-01").ok());
  json c = Compliance(2020);
  EXPECT_TRUE(c["organisation"].is_null());
  EXPECT_TRUE(c["tier"].is_null());
  EXPECT_FALSE(c["judged"].get<bool>());
  EXPECT_TRUE(c["spending_ok"].is_null());
  EXPECT_TRUE(c["admin_ok"].is_null());
}

TEST_F(ComplianceTest, TheProfileSelectsTheTier) {
  // Unit: every legal type and status, and the net-asset bands at their
  // bounds (a lower bound belongs to its band, 含本数).
  const int64_t wan = 10000 * kYuan;
  EXPECT_STREQ(FindTier("social_group", true, std::nullopt)->id, "group_service.public");
  EXPECT_STREQ(FindTier("social_service", true, std::nullopt)->id, "group_service.public");
  EXPECT_STREQ(FindTier("foundation", true, std::nullopt)->id, "foundation.public");
  EXPECT_EQ(FindTier("foundation", true, std::nullopt)->admin_max_bp, 1000);
  EXPECT_EQ(FindTier("social_group", true, std::nullopt)->admin_max_bp, 1300);
  EXPECT_EQ(FindTier("social_group", false, std::nullopt), nullptr) << "net assets unknown: no tier";
  EXPECT_STREQ(FindTier("social_group", false, 1000 * wan)->id, "group_service.net_assets_1000w");
  EXPECT_STREQ(FindTier("social_group", false, 1000 * wan - 1)->id, "group_service.net_assets_500w");
  EXPECT_STREQ(FindTier("social_group", false, 100 * wan)->id, "group_service.net_assets_100w");
  EXPECT_STREQ(FindTier("social_group", false, 100 * wan - 1)->id, "group_service.net_assets_under_100w");
  EXPECT_STREQ(FindTier("foundation", false, 6000 * wan)->id, "foundation.net_assets_6000w");
  EXPECT_STREQ(FindTier("foundation", false, 400 * wan - 1)->id, "foundation.net_assets_under_400w");

  // Through the ledger: a social group without public-fundraising status is
  // judged on last year-end net assets; once it has the status, on income.
  ASSERT_TRUE(Profile("social_group", "2020-07-01").ok());
  ASSERT_TRUE(NetAssets(2018, 600 * wan).ok());
  json c = Compliance(2019);
  EXPECT_EQ(c["tier"]["id"], "group_service.net_assets_500w");
  EXPECT_EQ(c["spending_basis"]["kind"], "net_assets");
  EXPECT_EQ(c["spending_basis"]["amount"], 600 * wan);
  c = Compliance(2020);
  EXPECT_EQ(c["tier"]["id"], "group_service.public") << "status held at the year's end";
  EXPECT_EQ(c["spending_basis"]["kind"], "previous_year_income");
}

// Total spending of 10,000,000 yuan, of which admin is 12.99% or 13.01%; a
// social group with public-fundraising status may spend at most 13%.
class AdminRatioTest : public ComplianceTest, public ::testing::WithParamInterface<std::pair<int64_t, bool>> {};

TEST_P(AdminRatioTest, ThirteenPercentAtItsEdge) {
  const auto [admin_bp, ok] = GetParam();
  ASSERT_TRUE(Profile("social_group", "2015-01-01").ok());
  ASSERT_TRUE(Donate("f", 12'000'000 * kYuan, "2019-06-01").ok());
  const int64_t total = 10'000'000 * kYuan;
  const int64_t admin = total * admin_bp / 10000;
  Spend("g1", total - admin, "2020-03-01");
  ASSERT_TRUE(AdminCost("f", admin, "2020-05").ok());
  json c = Compliance(2020);
  EXPECT_EQ(c["total_spending"], total);
  EXPECT_FALSE(c["admin_exempt"].get<bool>());
  EXPECT_EQ(c["admin_ok"].get<bool>(), ok) << c["admin_ratio"];
  // A missed limit asks for a published explanation (R2016 Art. 12).
  bool asks = false;
  for (const auto& d : c["deadlines"]) asks |= d["what"] == "admin_cost_explanation";
  EXPECT_EQ(asks, !ok);
  if (!ok) {
    ASSERT_TRUE(Disclose("admin_cost_explanation", "2020-01-01", "2020-12-31", "2021-03-01").ok());
    c = Compliance(2020);
    EXPECT_TRUE(c["admin_explained"].is_number());
  }
}

INSTANTIATE_TEST_SUITE_P(Edges, AdminRatioTest,
                         ::testing::Values(std::make_pair(int64_t{1299}, true), std::make_pair(int64_t{1300}, true),
                                           std::make_pair(int64_t{1301}, false)));

TEST_F(ComplianceTest, NoAdminRatioBelowTwoHundredThousandYuan) {
  ASSERT_TRUE(Profile("social_group", "2015-01-01").ok());
  ASSERT_TRUE(Donate("f", 1'000'000 * kYuan, "2019-06-01").ok());
  // Admin is half of all spending, but 199,999 yuan: no ratio applies.
  Spend("g1", 199'999 * kYuan, "2020-03-01");
  ASSERT_TRUE(AdminCost("f", 199'999 * kYuan, "2020-05").ok());
  json c = Compliance(2020);
  EXPECT_TRUE(c["admin_exempt"].get<bool>());
  EXPECT_TRUE(c["admin_ok"].get<bool>());
  // One more yuan makes it 200,000 yuan: the ratio applies, and fails.
  ASSERT_TRUE(AdminCost("f", 1 * kYuan, "2020-06").ok());
  c = Compliance(2020);
  EXPECT_EQ(c["admin_cost"], 200'000 * kYuan);
  EXPECT_FALSE(c["admin_exempt"].get<bool>());
  EXPECT_FALSE(c["admin_ok"].get<bool>());
}

TEST_F(ComplianceTest, SpendingMayMeetTheThreeYearAverageInstead) {
  ASSERT_TRUE(Profile("social_group", "2015-01-01").ok());
  ASSERT_TRUE(Donate("f", 100 * kYuan * 1000, "2017-06-01").ok());
  ASSERT_TRUE(Donate("f", 100 * kYuan * 1000, "2018-06-01").ok());
  ASSERT_TRUE(Donate("f", 1000 * kYuan * 1000, "2019-06-01").ok());
  // 2020: 300,000 yuan is 30% of 2019's income but 75% of the average
  // (400,000 yuan) of 2017-2019.
  Spend("g1", 300 * kYuan * 1000, "2020-03-01");
  json c = Compliance(2020);
  EXPECT_EQ(c["previous_year_income"], 1000 * kYuan * 1000);
  EXPECT_EQ(c["income"]["three_year_average"], 400 * kYuan * 1000);
  EXPECT_TRUE(c["spending_ok"].get<bool>());
}

TEST_F(ComplianceTest, SpendingBelowSeventyPercentOfBothFails) {
  ASSERT_TRUE(Profile("social_group", "2015-01-01").ok());
  ASSERT_TRUE(Donate("f", 100 * kYuan * 1000, "2017-06-01").ok());
  ASSERT_TRUE(Donate("f", 100 * kYuan * 1000, "2018-06-01").ok());
  ASSERT_TRUE(Donate("f", 1000 * kYuan * 1000, "2019-06-01").ok());
  Spend("g1", 279 * kYuan * 1000, "2020-03-01");  // 69.75% of the average
  json c = Compliance(2020);
  EXPECT_FALSE(c["spending_ok"].get<bool>());
  EXPECT_EQ(c["spending_ratio"], "0.2790");
}

TEST_F(ComplianceTest, IncomeRestrictedToLaterYearsIsNotThisYearsIncome) {
  ASSERT_TRUE(Profile("social_group", "2015-01-01").ok());
  // 2019: 1,000,000 yuan received, of which 600,000 yuan may only be used
  // from 2021 (R2016 Art. 10).
  ASSERT_TRUE(Donate("f", 400'000 * kYuan, "2019-06-01").ok());
  ASSERT_TRUE(ledger_
                  .Record(recorder_, "donation",
                          json{{"fund", "f"},
                               {"amount", 600'000 * kYuan},
                               {"channel", "bank"},
                               {"received_at", "2019-07-01"},
                               {"restriction", {{"purpose", "school building"}, {"available_from", "2021-01-01"}}}})
                  .ok());
  json c = Compliance(2020);
  EXPECT_EQ(c["income"]["previous_year"]["donations"], 1'000'000 * kYuan);
  EXPECT_EQ(c["income"]["previous_year"]["deferred"], 600'000 * kYuan);
  EXPECT_EQ(c["previous_year_income"], 400'000 * kYuan);
}

TEST_F(ComplianceTest, RulesApplyFromTheirEffectiveDates) {
  // Annual reports: no date before the 2018 Measures (in force from
  // 2018-09-01, so the 2017 report, due by 30 June 2018, had none), 30 June
  // under them, 31 May under Order 81 (reports due from 2026).
  EXPECT_FALSE(AnnualReportDeadline(2016).due.has_value());
  EXPECT_FALSE(AnnualReportDeadline(2017).due.has_value());
  EXPECT_EQ(*AnnualReportDeadline(2018).due, "2019-06-30");
  EXPECT_EQ(*AnnualReportDeadline(2024).due, "2025-06-30");
  EXPECT_EQ(*AnnualReportDeadline(2025).due, "2026-05-31");
  // The spending rules judge no year before 2016.
  ASSERT_TRUE(Profile("social_group", "2015-01-01").ok());
  ASSERT_TRUE(Donate("f", 1000 * kYuan, "2015-03-01").ok());
  EXPECT_FALSE(Compliance(2015)["judged"].get<bool>());
  EXPECT_TRUE(Compliance(2016)["judged"].get<bool>());
  // A project that started before the Charity Law (2016-09-01) has no
  // progress deadlines.
  ASSERT_TRUE(ledger_
                  .Record(recorder_, "project.open",
                          json{{"id", "old-project"},
                               {"name", {{"zh", "旧项目"}, {"en", "Old project"}}},
                               {"kind", "project"},
                               {"start", "2016-06-01"},
                               {"end", "2017-12-31"}})
                  .ok());
  const json c2017 = Compliance(2017);
  for (const auto& d : c2017["deadlines"]) EXPECT_NE(d["what"], "project_progress") << d.dump();
}

TEST_F(ComplianceTest, AnAnnualReportOneDayLateIsLate) {
  ASSERT_TRUE(Profile("social_group", "2015-01-01").ok());
  ASSERT_TRUE(Disclose("annual_report", "2019-01-01", "2019-12-31", "2020-07-01").ok());
  json d = Deadline(Compliance(2019), "annual_report", "2020-06-30");
  EXPECT_EQ(d["status"], "late");
  EXPECT_EQ(d["met_on"], "2020-07-01");
  EXPECT_TRUE(d["missed"].get<bool>());
  ASSERT_TRUE(Disclose("annual_report", "2018-01-01", "2018-12-31", "2019-06-30").ok());
  EXPECT_EQ(Deadline(Compliance(2018), "annual_report", "2019-06-30")["status"], "met");
}

TEST_F(ComplianceTest, AProjectProgressGapOfThreeMonthsAndOneDayIsLate) {
  ASSERT_TRUE(Profile("social_group", "2015-01-01").ok());
  ASSERT_TRUE(ledger_
                  .Record(recorder_, "project.open",
                          json{{"id", "relief"},
                               {"name", {{"zh", "救助项目"}, {"en", "Relief project"}}},
                               {"kind", "project"},
                               {"start", "2019-01-01"},
                               {"end", "2020-06-30"},
                               {"filing_no", "F-2019-1"}})
                  .ok());
  // Progress is disclosed at most three months apart: the first by three
  // months after the start, each next by three months after the last.
  ASSERT_TRUE(Disclose("project_progress", "2019-01-01", "2019-03-31", "2019-04-01", "relief").ok());
  ASSERT_TRUE(Disclose("project_progress", "2019-04-01", "2019-06-30", "2019-07-02", "relief").ok());
  json c = Compliance(2019);
  EXPECT_EQ(Deadline(c, "project_progress", "2019-04-01")["status"], "met") << "exactly three months";
  EXPECT_EQ(Deadline(c, "project_progress", "2019-07-01")["status"], "late") << "three months and one day";
  // Nothing published in the three months after 2019-07-02; the fixture's
  // clock is 2026, so this is history recorded later: not on record, never
  // "missed" because of the day it was recorded.
  EXPECT_EQ(Deadline(c, "project_progress", "2019-10-02")["status"], "not_on_record");
  // Results are due three months after the end.
  EXPECT_EQ(Deadline(Compliance(2020), "project_results", "2020-09-30")["status"], "not_on_record");
}

// A ledger whose recording begins on 2020-01-05.
class LiveSince2020Test : public ComplianceTest {
 protected:
  void SetUp() override {
    log_.set_time("2020-01-05T08:00:00Z");
    ComplianceTest::SetUp();
  }
};

TEST_F(LiveSince2020Test, ADeadlineIsMissedOnlyIfTheLedgerWasRecordingWhenItPassed) {
  // The 2018 report (due 2019-06-30) is history the ledger never saw, not a
  // missed deadline; the 2019 report, due 2020-06-30 while the ledger was
  // live, is open until that day and missed once it passes without one.
  ASSERT_TRUE(Profile("social_group", "2015-01-01").ok());
  log_.set_time("2020-06-01T08:00:00Z");
  ASSERT_TRUE(Donate("f", 1000 * kYuan, "2020-05-01").ok());
  EXPECT_EQ(Deadline(Compliance(2019), "annual_report", "2020-06-30")["status"], "open");
  log_.set_time("2020-07-02T08:00:00Z");
  ASSERT_TRUE(Donate("f", 1000 * kYuan, "2020-07-01").ok());
  EXPECT_EQ(Deadline(Compliance(2018), "annual_report", "2019-06-30")["status"], "not_on_record");
  json d = Deadline(Compliance(2019), "annual_report", "2020-06-30");
  EXPECT_EQ(d["status"], "missed");
  EXPECT_TRUE(d["missed"].get<bool>());
}

TEST_F(ComplianceTest, AdminCostChargedToARestrictedGiftStaysWithinItsCap) {
  auto gift = ledger_.Record(recorder_, "donation",
                             json{{"fund", "f"},
                                  {"amount", 1'000'000},
                                  {"channel", "bank"},
                                  {"received_at", "2020-01-10"},
                                  {"restriction", {{"purpose", "scholarships"}, {"admin_fee_cap_bp", 500}}}});
  ASSERT_TRUE(gift.ok()) << gift.status().ToString();
  auto plain = Donate("f", 1'000'000);
  ASSERT_TRUE(plain.ok());
  auto charge = [&](uint64_t seq, int64_t fen) {
    return ledger_.Record(recorder_, "admin_cost",
                          json{{"fund", "f"}, {"amount", fen}, {"category", "office"}, {"period", "2020-05"},
                               {"charged_to", seq}});
  };
  auto first = charge(gift->seq, 30'000);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(charge(gift->seq, 20'000).ok()) << "exactly 5%";
  EXPECT_REFUSED(charge(gift->seq, 1), Code::kFailedPrecondition, "admin_cost.within_donation_cap");
  EXPECT_REFUSED(charge(plain->seq, 1), Code::kFailedPrecondition, "admin_cost.charged_to_restricted");
  // A corrected admin cost gives its share of the cap back.
  ASSERT_TRUE(Correct(first->seq).ok());
  EXPECT_TRUE(charge(gift->seq, 30'000).ok());
  EXPECT_REFUSED(charge(gift->seq, 1), Code::kFailedPrecondition, "admin_cost.within_donation_cap");
}

TEST_F(ComplianceTest, AfterTheBooksCloseACorrectionIsAnAdjustmentAndTheYearStaysAsPublished) {
  auto gift = Donate("f", 500'000, "2019-05-01");
  ASSERT_TRUE(gift.ok());
  ASSERT_TRUE(Donate("f", 300'000, "2019-08-01").ok());
  AwaitCheckpoint();
  auto before = ledger_.Report(ReportQuery{"2019-01-01", "2019-12-31", "f"});
  ASSERT_TRUE(before.ok());
  ASSERT_TRUE(ledger_.Record(admin_, "books.close", json{{"year", 2019}}).ok());
  // The first gift turns out to be a bank error; so does a late entry
  // dated in 2019.
  ASSERT_TRUE(Correct(gift->seq).ok());
  ASSERT_TRUE(Donate("f", 70'000, "2019-12-30").ok());
  AwaitCheckpoint();
  auto after = ledger_.Report(ReportQuery{"2019-01-01", "2019-12-31", "f"});
  ASSERT_TRUE(after.ok());
  const json& b = (*before)["funds"][0];
  const json& a = (*after)["funds"][0];
  // The published figures of 2019 are unchanged...
  EXPECT_EQ(a["income"], b["income"]);
  EXPECT_EQ(a["counts"], b["counts"]);
  EXPECT_EQ(a["income"], 800'000);
  // ...and the adjustments are shown beside them, in the closing balance.
  ASSERT_TRUE(a["adjustments"].is_object());
  EXPECT_EQ(a["adjustments"]["donations"], 70'000 - 500'000);
  EXPECT_EQ(a["closing"], 800'000 + 70'000 - 500'000);
  EXPECT_TRUE(b["adjustments"].is_null());
  // Closing a year twice is refused, the ledger unchanged.
  EXPECT_REFUSED(ledger_.Record(admin_, "books.close", json{{"year", 2019}}), Code::kAlreadyExists,
                 "books.closed_once");
}

}  // namespace
}  // namespace ledger::funds::testing
