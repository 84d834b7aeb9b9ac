#include "ledger/funds/body.h"
#include "ledger/funds/uscc.h"
#include "ledger/funds/money.h"

#include <gtest/gtest.h>

namespace ledger::funds {
namespace {

using nlohmann::json;

json Donation() {
  return json{{"fund", "poor-students"},
              {"amount", 5000},
              {"donor", {{"commitment", "7Gef8Y2ZVhI8mQ0eYbZr0ie041fBSBkJ8CbB+LFezCg="}}},
              {"channel", "bank"},
              {"received_at", "2020-02-29"}};
}

json Expense() {
  return json{{"grant", "g-1"},
              {"amount", 100},
              {"category", "supplies"},
              {"description", "rice"},
              {"evidence_sha256", std::string(64, 'a')},
              {"spent_at", "2019-01-31"}};
}

Status Parse(EntryType t, const json& j) { return ParseBody(t, j).status(); }

TEST(BodyTest, AcceptsValidDonation) {
  auto b = ParseBody(EntryType::kDonation, Donation());
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  const auto& d = std::get<DonationBody>(*b);
  EXPECT_EQ(d.amount, 5000);
  EXPECT_EQ(d.channel, "bank");
  EXPECT_FALSE(d.public_name.has_value());
}

TEST(BodyTest, RefusesUnknownFieldsAtEveryLevel) {
  json j = Donation();
  j["note"] = "x";
  Status s = Parse(EntryType::kDonation, j);
  EXPECT_EQ(s.code(), Code::kInvalidArgument);
  EXPECT_EQ(s.rule(), "body.unknown_field");
  EXPECT_NE(s.message().find("note"), std::string::npos);

  j = Donation();
  j["donor"]["phone"] = "13800000000";
  s = Parse(EntryType::kDonation, j);
  EXPECT_EQ(s.rule(), "body.unknown_field");
  EXPECT_NE(s.message().find("phone"), std::string::npos);
}

TEST(BodyTest, RefusesFloatsZeroNegativeAndOversizedAmounts) {
  for (json amount : {json(50.5), json(0), json(-1), json(9223372036854775808ULL), json("100")}) {
    json j = Donation();
    j["amount"] = amount;
    EXPECT_EQ(Parse(EntryType::kDonation, j).code(), Code::kInvalidArgument) << amount.dump();
  }
  json j = Donation();
  j["amount"] = kMaxEntryAmountFen;
  EXPECT_TRUE(Parse(EntryType::kDonation, j).ok());
  j["amount"] = kMaxEntryAmountFen + 1;
  EXPECT_EQ(Parse(EntryType::kDonation, j).rule(), "amount.ceiling");
  j["amount"] = 9223372036854775807LL;
  EXPECT_EQ(Parse(EntryType::kDonation, j).rule(), "amount.ceiling");
}

TEST(BodyTest, ChannelMustBeKnown) {
  json j = Donation();
  j["channel"] = "crypto";
  Status s = Parse(EntryType::kDonation, j);
  EXPECT_EQ(s.rule(), "donation.channel");
  for (const char* c : {"bank", "online", "cash"}) {
    j["channel"] = c;
    EXPECT_TRUE(Parse(EntryType::kDonation, j).ok()) << c;
  }
  j["channel"] = "in_kind";
  j["in_kind"] = {{"item", "书"}, {"quantity", 100}, {"unit", "册"}, {"valuation_basis", "定价"}};
  EXPECT_TRUE(Parse(EntryType::kDonation, j).ok());
}

TEST(BodyTest, DatesMustBeRealCalendarDays) {
  for (const char* d : {"2019-02-29", "2020-13-01", "2020-1-01", "20200101", "2020-04-31", ""}) {
    json j = Donation();
    j["received_at"] = d;
    EXPECT_EQ(Parse(EntryType::kDonation, j).code(), Code::kInvalidArgument) << d;
  }
}

TEST(BodyTest, EvidenceHashIsLowercaseHex) {
  json j = Expense();
  EXPECT_TRUE(Parse(EntryType::kExpense, j).ok());
  j["evidence_sha256"] = std::string(64, 'A');
  EXPECT_EQ(Parse(EntryType::kExpense, j).rule(), "expense.evidence_hex");
  j["evidence_sha256"] = std::string(63, 'a');
  EXPECT_EQ(Parse(EntryType::kExpense, j).rule(), "expense.evidence_hex");
}

TEST(BodyTest, LotteryAllocationIsABudgetDocument) {
  json j{{"fund", "welfare-lottery"},
         {"fiscal_year", 2018},
         {"level", "city"},
         {"document_no", "惠市财社〔2018〕12号"},
         {"amount", 350001},
         {"purpose", "扶老助残"},
         {"received_at", "2018-03-02"}};
  EXPECT_TRUE(Parse(EntryType::kLotteryAllocation, j).ok());
  json bad = j;
  bad["level"] = "village";
  EXPECT_EQ(Parse(EntryType::kLotteryAllocation, bad).rule(), "lottery.level");
  bad = j;
  bad.erase("document_no");
  EXPECT_EQ(Parse(EntryType::kLotteryAllocation, bad).code(), Code::kInvalidArgument);
  // Sales are a separate, optional statement of context.
  EXPECT_EQ(Parse(EntryType::kLotterySales, json{{"period", "2018"}, {"sales", 5}}).code(), Code::kOk);
  EXPECT_EQ(Parse(EntryType::kLotterySales, json{{"period", "2018-13"}, {"sales", 5}}).code(),
            Code::kInvalidArgument);
}

TEST(BodyTest, NewEntryTypesAreStrict) {
  EXPECT_TRUE(Parse(EntryType::kDisclosure, json{{"what", "annual_report"},
                                                 {"period_from", "2019-01-01"},
                                                 {"period_to", "2019-12-31"},
                                                 {"published_at", "2020-05-20"},
                                                 {"url", "https://cszg.mca.gov.cn/x"}})
                  .ok());
  // A disclosure says where it was published.
  EXPECT_EQ(Parse(EntryType::kDisclosure, json{{"what", "annual_report"},
                                               {"period_from", "2019-01-01"},
                                               {"period_to", "2019-12-31"},
                                               {"published_at", "2020-05-20"}})
                .rule(),
            "disclosure.where");
  EXPECT_EQ(Parse(EntryType::kDisclosure, json{{"what", "annual_report"},
                                               {"period_from", "2019-01-01"},
                                               {"period_to", "2019-12-31"},
                                               {"published_at", "2020-05-20"},
                                               {"url", "javascript:alert(1)"}})
                .rule(),
            "disclosure.url");
  // An in-kind gift names its item, and only an in-kind gift does.
  json d = Donation();
  d["channel"] = "in_kind";
  EXPECT_EQ(Parse(EntryType::kDonation, d).rule(), "donation.in_kind");
  d["in_kind"] = {{"item", "大米"}, {"quantity", 200}, {"unit", "袋"}, {"valuation_basis", "发票价"}};
  EXPECT_TRUE(Parse(EntryType::kDonation, d).ok());
  // Beneficiaries are counts, never names.
  json p{{"grant", "g"}, {"amount", 5}, {"paid_at", "2020-01-01"}, {"payment_ref", "r"},
         {"beneficiaries", {{"households", 3}}}, {"area", "江北街道"}};
  EXPECT_TRUE(Parse(EntryType::kDisbursement, p).ok());
  p["beneficiaries"] = {{"names", "张三"}};
  EXPECT_EQ(Parse(EntryType::kDisbursement, p).rule(), "body.unknown_field");
  EXPECT_EQ(Parse(EntryType::kOrgProfile, json{{"name", {{"zh", "区慈善总会"}, {"en", "District Charity Federation"}}},
                                               {"legal_type", "social_group"},
                                               {"effective_from", "2016-09-01"},
                                               {"public_fundraising_from", "2016-09-01"},
                                               {"uscc", "5144130250618600XF"}})
                .code(),
            Code::kOk);
  EXPECT_EQ(Parse(EntryType::kCost, json{{"fund", "f"}, {"class", "travel"}, {"amount", 1}, {"period", "2020-01"}})
                .rule(),
            "cost.class");
}

// GB 32100-2015: 18 characters of 0-9 and A-Z without I, O, S, V, Z; the
// last is a check character. Two codes of registered companies, published
// by their owners, check; a mistyped character anywhere does not.
TEST(BodyTest, UnifiedSocialCreditCodesCarryTheirCheckCharacter) {
  for (const char* ok : {"91350100M000100Y43", "91110000600037341L", "5144130250618600XF"}) {
    EXPECT_TRUE(IsValidUscc(ok)) << ok;
  }
  EXPECT_EQ(UsccCheckCharacter("91350100M000100Y4"), '3');
  for (const char* bad : {"91350100M000100Y44", "91350100M000100Y34", "81350100M000100Y43", "91350100M000100Y4",
                          "91350100M000100Y430", "91350100I000100Y43", "91350100m000100Y43", ""}) {
    EXPECT_FALSE(IsValidUscc(bad)) << bad;
  }
  json p{{"name", {{"zh", "区慈善总会"}, {"en", "District Charity Federation"}}},
         {"legal_type", "social_group"},
         {"effective_from", "2016-09-01"},
         {"uscc", "5144130250618600X3"}};
  Status typo = Parse(EntryType::kOrgProfile, p);
  EXPECT_EQ(typo.rule(), "org.uscc");
  EXPECT_NE(typo.message().find("check character is F"), std::string::npos) << typo.message();
  p["uscc"] = "5144130250618600X\"";
  EXPECT_EQ(Parse(EntryType::kOrgProfile, p).rule(), "org.uscc");
  p["uscc"] = "SHORT";
  EXPECT_EQ(Parse(EntryType::kOrgProfile, p).rule(), "org.uscc");
}

TEST(BodyTest, IdsAreSlugs) {
  EXPECT_TRUE(IsValidId("serious-illness"));
  EXPECT_TRUE(IsValidId("wl-2016.01_a"));
  EXPECT_FALSE(IsValidId("-x"));
  EXPECT_FALSE(IsValidId("Upper"));
  EXPECT_FALSE(IsValidId("a/b"));
  EXPECT_FALSE(IsValidId(std::string(65, 'a')));
}

TEST(BodyTest, CanonicalFormIsSortedCompactAndRefusesFloats) {
  json j = json::parse(R"({"b": 1, "a": {"d": "x", "c": 2}})");
  auto c = CanonicalJson(j);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, R"({"a":{"c":2,"d":"x"},"b":1})");
  EXPECT_EQ(CanonicalJson(json::parse(R"({"a":1.0})")).status().rule(), "amount.integer");
  EXPECT_EQ(CanonicalJson(json::parse(R"({"a":true})")).status().code(), Code::kInvalidArgument);
}

TEST(BodyTest, ParseCanonicalBodyRefusesNonCanonicalText) {
  std::string text = Donation().dump();
  EXPECT_TRUE(ParseCanonicalBody(EntryType::kDonation, text).ok());
  std::string spaced = Donation().dump(1);
  EXPECT_EQ(ParseCanonicalBody(EntryType::kDonation, spaced).status().rule(), "body.canonical");
  EXPECT_EQ(ParseCanonicalBody(EntryType::kDonation, "{").status().rule(), "body.json");
}

TEST(BodyTest, CorrectionAndRequiredFields) {
  EXPECT_TRUE(Parse(EntryType::kCorrection, json{{"target", 3}, {"reason", "typo"}}).ok());
  EXPECT_EQ(Parse(EntryType::kCorrection, json{{"target", 3}}).code(), Code::kInvalidArgument);
  EXPECT_EQ(Parse(EntryType::kCorrection, json{{"target", -1}, {"reason", "x"}}).code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Parse(EntryType::kFundOpen,
                  json{{"id", "f"}, {"name", {{"zh", "基金"}}}, {"purpose", "p"}, {"kind", "charity"}})
                .code(),
            Code::kInvalidArgument);
  EXPECT_EQ(Parse(EntryType::kFundOpen, json{{"id", "f"},
                                             {"name", {{"zh", "基金"}, {"en", "Fund"}}},
                                             {"purpose", "p"},
                                             {"kind", "other"}})
                .code(),
            Code::kInvalidArgument);
}

}  // namespace
}  // namespace ledger::funds
