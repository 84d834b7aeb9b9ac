// Every string member of every entry body obeys the text rules of
// ledger/base/text.h through Fields (ledger/funds/body.cc): a refused
// character anywhere gives InvalidArgument naming that member and the rule.
// The members are found by walking a valid body of each type, so a string
// member added to a body below is checked without changing this test.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "ledger/funds/body.h"

namespace ledger::funds {
namespace {

using nlohmann::json;

struct Sample {
  EntryType type;
  json body;
};

std::vector<Sample> Samples() {
  return {
      {EntryType::kFundOpen,
       {{"id", "f1"}, {"name", {{"zh", "助学"}, {"en", "Study"}}}, {"purpose", "p"}, {"kind", "charity"}}},
      {EntryType::kDonation,
       {{"fund", "f1"},
        {"amount", 500},
        {"donor", {{"commitment", "7Gef8Y2ZVhI8mQ0eYbZr0ie041fBSBkJ8CbB+LFezCg="}, {"public_name", "王"}}},
        {"channel", "bank"},
        {"received_at", "2020-02-29"},
        {"campaign", "c"},
        {"external_ref", "r"}}},
      {EntryType::kLotteryAllocation,
       {{"fund", "f1"},
        {"fiscal_year", 2020},
        {"level", "district"},
        {"document_no", "doc"},
        {"amount", 3500},
        {"purpose", "p"},
        {"received_at", "2020-01-02"}}},
      {EntryType::kGrant,
       {{"id", "g1"},
        {"fund", "f1"},
        {"recipient", {{"id", "org-a"}, {"name", "A"}}},
        {"title", "t"},
        {"amount", 1},
        {"award_date", "2020-01-01"},
        {"programme", "p"}}},
      {EntryType::kDisbursement,
       {{"grant", "g1"}, {"amount", 1}, {"paid_at", "2020-01-02"}, {"payment_ref", "P"}}},
      {EntryType::kExpense,
       {{"grant", "g1"},
        {"amount", 1},
        {"category", "c"},
        {"description", "d"},
        {"evidence_sha256", std::string(64, 'a')},
        {"spent_at", "2020-01-03"}}},
      {EntryType::kAdminCost, {{"fund", "f1"}, {"amount", 1}, {"category", "c"}, {"period", "2020-01"}}},
      {EntryType::kCorrection, {{"target", 3}, {"reason", "r"}}},
      {EntryType::kDonation,
       {{"fund", "f1"},
        {"amount", 500},
        {"donor", {{"commitment", "7Gef8Y2ZVhI8mQ0eYbZr0ie041fBSBkJ8CbB+LFezCg="}}},
        {"channel", "in_kind"},
        {"received_at", "2020-02-29"},
        {"receipt_no", "HZ-0001"},
        {"restriction", {{"purpose", "助学"}, {"admin_fee_cap_bp", 300}, {"available_from", "2021-01-01"}}},
        {"in_kind", {{"item", "大米"}, {"quantity", 2}, {"unit", "袋"}, {"valuation_basis", "发票"}}}}},
      {EntryType::kLotterySales, {{"period", "2020-01"}, {"sales", 1}, {"game", "双色球"}, {"note", "n"}}},
      {EntryType::kIncome,
       {{"fund", "f1"}, {"class", "interest"}, {"amount", 1}, {"received_at", "2020-01-01"},
        {"description", "d"}, {"receipt_no", "r"}}},
      {EntryType::kCost,
       {{"fund", "f1"}, {"class", "fundraising"}, {"amount", 1}, {"period", "2020-01"}, {"description", "d"}}},
      {EntryType::kBalanceForward, {{"fund", "f1"}, {"amount", 1}, {"as_of", "2015-12-31"}, {"description", "d"}}},
      {EntryType::kOrgProfile,
       {{"name", {{"zh", "区慈善总会"}, {"en", "Federation"}}},
        {"legal_type", "social_group"},
        {"effective_from", "2016-09-01"},
        {"public_fundraising_from", "2016-09-01"}}},
      {EntryType::kProjectOpen,
       {{"id", "p1"},
        {"name", {{"zh", "项目"}, {"en", "Project"}}},
        {"kind", "project"},
        {"start", "2019-01-01"},
        {"end", "2019-12-31"},
        {"fund", "f1"},
        {"filing_no", "53441302MJ"}}},
      {EntryType::kDisclosure,
       {{"what", "annual_report"},
        {"period_from", "2019-01-01"},
        {"period_to", "2019-12-31"},
        {"published_at", "2020-05-20"},
        {"subject", "p1"},
        {"title", "t"},
        {"url", "https://example.org/r"},
        {"platform", "慈善中国"}}},
  };
}

// Paths ("body.name.zh") of the string leaves of `j`.
void StringPaths(const json& j, const std::string& at, std::vector<std::string>* out) {
  for (const auto& [k, v] : j.items()) {
    if (v.is_object()) StringPaths(v, at + "." + k, out);
    if (v.is_string()) out->push_back(at + "." + k);
  }
}

json::json_pointer Pointer(const std::string& path) {
  std::string p = path.substr(4);  // drop "body"
  for (char& c : p) {
    if (c == '.') c = '/';
  }
  return json::json_pointer(p);
}

// Members that may span lines.
const std::set<std::string> kMultiLine = {"body.purpose", "body.description", "body.reason"};

TEST(BodyTextTest, SamplesAreValid) {
  for (const auto& s : Samples()) {
    auto b = ParseBody(s.type, s.body);
    EXPECT_TRUE(b.ok()) << EntryTypeName(s.type) << ": " << b.status().ToString();
  }
}

TEST(BodyTextTest, EveryStringMemberRefusesEveryClassNamingItself) {
  struct Bad {
    std::string text, rule;
  };
  const std::vector<Bad> bad = {
      {std::string("a\0b", 3), "text.control"},
      {"a\x1b[31m", "text.control"},
      {"a\rb", "text.control"},
      {"a\tb", "text.control"},
      {"a\u0085", "text.control"},
      {"a\u2028b", "text.line_separator"},
      {"a\u202Eb", "text.bidi"},
      {"\u2067a", "text.bidi"},
      {"a\u200Fb", "text.bidi"},
      {"a\u061Cb", "text.bidi"},
      {"a\u200Bb", "text.invisible"},
      {"\uFEFFa", "text.invisible"},
      {"a\U000E0041", "text.invisible"},
      {"a\uFDD0", "text.noncharacter"},
      {"a\xff", "text.utf8"},
      {"a\xc0\xaf", "text.utf8"},
      {"a\xed\xa0\x80", "text.utf8"},
  };
  size_t members = 0;
  for (const auto& s : Samples()) {
    std::vector<std::string> paths;
    StringPaths(s.body, "body", &paths);
    for (const auto& path : paths) {
      ++members;
      for (const auto& b : bad) {
        json j = s.body;
        j[Pointer(path)] = b.text;
        Status st = ParseBody(s.type, j).status();
        SCOPED_TRACE(std::string(EntryTypeName(s.type)) + " " + path + " " +
                     ::testing::PrintToString(b.text));
        EXPECT_EQ(st.code(), Code::kInvalidArgument);
        EXPECT_EQ(st.rule(), b.rule) << st.message();
        EXPECT_EQ(st.field(), path) << st.message();
        EXPECT_EQ(st.message().rfind(path, 0), 0u) << st.message();
        EXPECT_EQ(st.message().find(b.text), std::string::npos) << "the refused text is repeated";
      }
      // A line feed: kept where the member spans lines, refused elsewhere.
      json j = s.body;
      j[Pointer(path)] = "a\nb";
      Status st = ParseBody(s.type, j).status();
      if (kMultiLine.count(path)) {
        EXPECT_TRUE(st.ok()) << path << ": " << st.ToString();
      } else {
        EXPECT_EQ(st.rule(), "text.line_break") << path << ": " << st.ToString();
        EXPECT_EQ(st.field(), path);
      }
    }
  }
  EXPECT_EQ(members, 82u);  // a new string member shows up here: give it a sample value above
}

TEST(BodyTextTest, AnUnknownMemberNameIsQuotedEscaped) {
  json j = Samples()[0].body;
  j["x\n\u202Ey"] = "v";
  Status st = ParseBody(EntryType::kFundOpen, j).status();
  EXPECT_EQ(st.rule(), "body.unknown_field");
  EXPECT_NE(st.message().find("x\\n\\xe2\\x80\\xaey"), std::string::npos) << st.message();
  EXPECT_EQ(st.message().find('\n'), std::string::npos);
}

}  // namespace
}  // namespace ledger::funds
