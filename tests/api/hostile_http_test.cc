// Hostile input against a real ledgerd in charity (funds) mode, as one table.
//
// Every case must be answered with an application/problem+json 4xx whose
// detail says what was wrong; none may append (the tree size and the signed
// checkpoint are compared before and after), and the server must keep
// answering (healthz after every case). Slow clients holding connections
// must not stop it answering others.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "api/token_store.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/data_dir.h"
#include "ledger/tlog/note.h"
#include "tests/testing/ledgerd_process.h"

namespace ledger::api {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// A raw loopback TCP connection, for requests httplib's client will not send
// (slow, partial) and to see exactly what the server answers.
int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  timeval tv{30, 0};  // a bound for a broken server, not a timing assertion
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  return fd;
}

// Reads until the peer closes (or the 30 s bound passes); returns the bytes.
std::string ReadUntilClosed(int fd, bool* closed) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n > 0) {
      out.append(buf, n);
      continue;
    }
    *closed = n == 0 || errno == ECONNRESET;
    return out;
  }
}

class HostileHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ledgerd-hostile-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto vkey = tlog::InitDataDir(tlog::DataDir{dir_}, "test.example/hostile");
    ASSERT_TRUE(vkey.ok()) << vkey.status().ToString();
    vkey_ = *vkey;
    TokenStore tokens(tlog::DataDir{dir_}.tokens_file());
    admin_ = *tokens.Issue("admin", "admin-1", "");
    rec_ = *tokens.Issue("recorder", "rec-1", "");
    revoked_ = *tokens.Issue("recorder", "rec-gone", "");
    grantee_a_ = *tokens.Issue("grantee", "grantee-a", "org-a");
    grantee_b_ = *tokens.Issue("grantee", "grantee-b", "org-b");
    fs::create_directories(dir_ + "/site");
    std::ofstream(dir_ + "/site/index.html") << "<!doctype html><title>site</title>";
    server_ = std::make_unique<testing::LedgerdProcess>(
        dir_, std::vector<std::string>{"--site", dir_ + "/site", "--read-timeout", "2"});
    ASSERT_TRUE(server_->Start());
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }

  httplib::Result Send(const std::string& method, const std::string& path, const std::string& token,
                       const std::string& body) {
    auto c = server_->Client();
    httplib::Headers h;
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    if (method == "POST") return c.Post(path.c_str(), h, body, "application/json");
    return c.Get(path.c_str(), h);
  }
  void Record(const std::string& token, const json& req) {
    auto r = Send("POST", "/api/v1/entries", token, req.dump());
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 201) << req.dump() << " -> " << r->body;
  }
  uint64_t TreeSize() {
    auto r = server_->Client().Get("/api/v1/log");
    EXPECT_TRUE(r && r->status == 200);
    return r ? json::parse(r->body)["tree_size"].get<uint64_t>() : 0;
  }
  // The signed checkpoint once it covers the whole tree.
  std::string CheckpointCovering(uint64_t size) {
    auto verifier = tlog::ParseVerifierKey(vkey_);
    EXPECT_TRUE(verifier.ok());
    for (int i = 0; i < 200; ++i) {
      auto r = server_->Client().Get("/checkpoint");
      if (r && r->status == 200) {
        auto note = tlog::OpenNote(r->body, {verifier->get()});
        EXPECT_TRUE(note.ok()) << r->body;
        auto cp = tlog::ParseCheckpointBody(note->text);
        if (cp.ok() && cp->size == size) return r->body;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "no checkpoint of size " << size;
    return "";
  }

  std::string dir_, vkey_, admin_, rec_, revoked_, grantee_a_, grantee_b_;
  std::unique_ptr<testing::LedgerdProcess> server_;
};

json Donation(json overrides) {
  json body = {{"fund", "f1"}, {"amount", 500}, {"channel", "online"}, {"received_at", "2020-03-01"}};
  for (auto& [k, v] : overrides.items()) {
    if (v.is_null()) body.erase(k);
    else body[k] = v;
  }
  return {{"type", "donation"}, {"body", body}};
}

TEST_F(HostileHttpTest, EveryHostileRequestIsRefusedAndAppendsNothing) {
  // A fund with money, a grant to org-a partly paid out.
  Record(admin_, {{"type", "fund.open"},
                  {"body", {{"id", "f1"}, {"name", {{"zh", "助学"}, {"en", "Study"}}}, {"purpose", "p"},
                            {"kind", "charity"}, {"opened_on", "2015-01-01"}}}});
  Record(rec_, Donation({{"amount", 100000}}));
  Record(revoked_, Donation({{"amount", 1}}));  // works until revoked
  Record(rec_, {{"type", "grant"},
                {"body", {{"id", "g1"}, {"fund", "f1"}, {"recipient", {{"id", "org-a"}, {"name", "A"}}},
                          {"title", "t"}, {"amount", 50000}, {"award_date", "2020-04-01"}}}});
  Record(rec_, {{"type", "disbursement"},
                {"body", {{"grant", "g1"}, {"amount", 20000}, {"paid_at", "2020-04-02"}, {"payment_ref", "P1"}}}});
  int code = 0;
  testing::RunCommand({testing::BinDir() + "/ledgerctl", "token", "--data", dir_, "--revoke", "rec-gone"}, &code);
  ASSERT_EQ(code, 0);

  const uint64_t size_before = TreeSize();
  ASSERT_EQ(size_before, 5u);
  const std::string checkpoint_before = CheckpointCovering(size_before);

  json expense = {{"grant", "g1"}, {"amount", 1000}, {"category", "c"}, {"description", "d"},
                  {"evidence_sha256", std::string(64, 'a')}, {"spent_at", "2020-04-03"}};
  auto expense_with = [&](const char* k, json v) {
    json b = expense;
    b[k] = std::move(v);
    return json{{"type", "expense"}, {"body", b}}.dump();
  };
  std::string deep = R"({"type":"donation","body":)";
  for (int i = 0; i < 100; ++i) deep += R"({"a":)";
  deep += "1";
  for (int i = 0; i < 101; ++i) deep += "}";
  std::string deep_arrays = R"({"type":"donation","body":{"fund":)" + std::string(5000, '[') +
                            std::string(5000, ']') + "}}";
  const std::string ok = Donation({}).dump();
  const std::string unknown_token(64, 'a');

  struct Case {
    std::string name, method, path, token, body;
    int status;
    std::string says;  // must appear in the problem's detail
  };
  const std::string E = "/api/v1/entries";
  std::vector<Case> cases = {
      // Who may record.
      {"no token", "POST", E, "", ok, 401, "missing Authorization"},
      {"unknown token", "POST", E, unknown_token, ok, 401, "token"},
      {"not hex token", "POST", E, "'; DROP TABLE--", ok, 401, "token"},
      {"revoked token", "POST", E, revoked_, ok, 401, "token"},
      {"grantee records a donation", "POST", E, grantee_a_, ok, 403, "may not record donation"},
      {"recorder opens a fund", "POST", E, rec_,
       json{{"type", "fund.open"},
            {"body", {{"id", "f2"}, {"name", {{"zh", "x"}, {"en", "x"}}}, {"purpose", "p"}, {"kind", "charity"}, {"opened_on", "2015-01-01"}}}}
           .dump(),
       403, "may not record fund.open"},
      {"grantee of another organisation", "POST", E, grantee_b_, expense_with("amount", 1000), 403,
       "of another organisation"},
      // Malformed bodies.
      {"malformed JSON", "POST", E, rec_, R"({"type":"donation","body":{)", 400, "malformed JSON"},
      {"empty body", "POST", E, rec_, "", 400, "malformed JSON"},
      {"not an object", "POST", E, rec_, "[1,2,3]", 400, "request must be"},
      {"invalid UTF-8", "POST", E, rec_, "{\"type\":\"donation\",\"body\":{\"fund\":\"f\xff\xfe\"}}", 400,
       "malformed JSON"},
      {"overlong UTF-8 slash", "POST", E, rec_, "{\"type\":\"donation\",\"body\":{\"fund\":\"\xc0\xaf\"}}", 400,
       "malformed JSON"},
      {"lone surrogate escape", "POST", E, rec_, R"({"type":"donation","body":{"fund":"\ud800"}})", 400,
       "malformed JSON"},
      {"duplicate keys", "POST", E, rec_,
       R"({"type":"donation","body":{"fund":"f1","amount":5,"amount":500000000,"channel":"online","received_at":"2020-03-01"}})",
       400, "duplicate key \"amount\""},
      {"duplicate top-level type", "POST", E, rec_, R"({"type":"donation","type":"grant","body":{}})", 400,
       "duplicate key \"type\""},
      {"deep nesting", "POST", E, rec_, deep, 400, "nested deeper"},
      {"deep arrays", "POST", E, rec_, deep_arrays, 400, "nested deeper"},
      {"huge number", "POST", E, rec_, R"({"type":"donation","body":{"amount":99999999999999999999999999}})",
       400, "integers"},
      {"number above int64", "POST", E, rec_, R"({"type":"donation","body":{"amount":9223372036854775808}})",
       400, "out of range"},
      {"int64 max is above the ceiling of one entry", "POST", E, rec_, Donation({{"amount", INT64_MAX}}).dump(), 400,
       "ceiling of one entry"},
      {"number overflowing a double", "POST", E, rec_, R"({"type":"donation","body":{"amount":2e600}})", 400,
       "out of range"},
      {"float", "POST", E, rec_, R"({"type":"donation","body":{"amount":1.5}})", 400, "integers"},
      {"exponent", "POST", E, rec_, R"({"type":"donation","body":{"amount":1e3}})", 400, "integers"},
      {"negative amount", "POST", E, rec_, Donation({{"amount", -500}}).dump(), 400, "amount"},
      {"zero amount", "POST", E, rec_, Donation({{"amount", 0}}).dump(), 400, "amount"},
      {"string amount", "POST", E, rec_, Donation({{"amount", "500"}}).dump(), 400, "amount"},
      {"boolean field", "POST", E, rec_, Donation({{"channel", true}}).dump(), 400, "channel"},
      {"null field", "POST", E, rec_, R"({"type":"donation","body":{"fund":null}})", 400, "fund"},
      {"megabyte string (over the cap)", "POST", E, rec_, Donation({{"campaign", std::string(1 << 20, 'x')}}).dump(),
       413, "exceeds"},
      {"200 KB string (under the cap)", "POST", E, rec_,
       Donation({{"campaign", std::string(200 * 1024, 'x')}}).dump(), 400, "campaign"},
      {"body of whitespace over the cap", "POST", E, rec_, ok + std::string(300 * 1024, ' '), 413, "exceeds"},
      {"unknown entry type", "POST", E, rec_, R"({"type":"donation.secret","body":{}})", 400,
       "unknown entry type"},
      {"type not a string", "POST", E, rec_, R"({"type":7,"body":{}})", 400, "request must be"},
      {"unknown body field", "POST", E, rec_, Donation({{"colour", "red"}}).dump(), 400, "colour"},
      {"unknown request field", "POST", E, rec_,
       R"({"type":"donation","body":{},"seq":0})", 400, "unknown request field"},
      {"donor identity", "POST", E, rec_, Donation({{"donor", {{"name", "张三"}}}}).dump(), 400, "donor"},
      {"missing required field", "POST", E, rec_, Donation({{"fund", nullptr}}).dump(), 400, "fund"},
      {"bad date", "POST", E, rec_, Donation({{"received_at", "2020-02-30"}}).dump(), 400, "received_at"},
      {"bad id", "POST", E, rec_, Donation({{"fund", "../f1"}}).dump(), 400, "fund"},
      // Rules of the ledger.
      {"missing fund", "POST", E, rec_, Donation({{"fund", "nope"}}).dump(), 422, "nope"},
      {"missing grant", "POST", E, rec_,
       json{{"type", "disbursement"},
            {"body", {{"grant", "nope"}, {"amount", 1}, {"paid_at", "2020-04-02"}, {"payment_ref", "P"}}}}
           .dump(),
       422, "nope"},
      {"correction of a missing entry", "POST", E, rec_,
       json{{"type", "correction"}, {"body", {{"target", 999}, {"reason", "r"}}}}.dump(), 422, "999"},
      {"grant above the uncommitted balance", "POST", E, rec_,
       json{{"type", "grant"},
            {"body", {{"id", "g2"}, {"fund", "f1"}, {"recipient", {{"id", "org-b"}, {"name", "B"}}},
                      {"title", "t"}, {"amount", 60000}, {"award_date", "2020-04-01"}}}}
           .dump(),
       422, "exceeds"},
      {"disbursement above the grant", "POST", E, rec_,
       json{{"type", "disbursement"},
            {"body", {{"grant", "g1"}, {"amount", 30001}, {"paid_at", "2020-04-02"}, {"payment_ref", "P2"}}}}
           .dump(),
       422, "g1"},
      {"expense above what was paid", "POST", E, grantee_a_, expense_with("amount", 20001), 422, "g1"},
      {"duplicate grant id", "POST", E, rec_,
       json{{"type", "grant"},
            {"body", {{"id", "g1"}, {"fund", "f1"}, {"recipient", {{"id", "org-a"}, {"name", "A"}}},
                      {"title", "t"}, {"amount", 1}, {"award_date", "2020-04-01"}}}}
           .dump(),
       409, "g1"},
      {"donation received in the future", "POST", E, rec_, Donation({{"received_at", "2999-01-01"}}).dump(), 400,
       "after the recording date"},
      {"expense spent in the future", "POST", E, grantee_a_, expense_with("spent_at", "2999-12-31"), 400,
       "after the recording date"},
      // Paths.
      {"static traversal", "GET", "/../log.key", "", "", 404, "nothing at"},
      {"static traversal, encoded", "GET", "/%2e%2e/log.key", "", "", 404, "nothing at"},
      {"static traversal, encoded slash", "GET", "/..%2f..%2fetc%2fpasswd", "", "", 404, "nothing at"},
      {"static traversal below the site", "GET", "/x/../../log.key", "", "", 404, "nothing at"},
      {"tile traversal", "GET", "/tile/../log.key", "", "", 400, ""},
      {"tile traversal, encoded", "GET", "/tile/%2e%2e/%2e%2e/log.key", "", "", 400, "tile"},
      {"tile traversal in the entries path", "GET", "/tile/entries/..%2f..%2flog.key", "", "", 400, "tile"},
      {"tile leading zero index", "GET", "/tile/0/0001", "", "", 400, "tile"},
      {"tile level not a number", "GET", "/tile/x/000", "", "", 400, "tile"},
      {"tile negative level", "GET", "/tile/-1/000", "", "", 400, "tile"},
      {"tile level too high", "GET", "/tile/99/000", "", "", 400, "tile"},
      {"tile width zero", "GET", "/tile/0/000.p/0", "", "", 400, "tile"},
      {"tile width 256 as partial", "GET", "/tile/0/000.p/256", "", "", 400, "tile"},
      {"tile width too wide", "GET", "/tile/0/000.p/99999999999999999999", "", "", 400, "tile"},
      {"tile index overflow", "GET", "/tile/0/x999/x999/x999/x999/x999/x999/x999/999", "", "", 400, "tile"},
      {"tile beyond the tree", "GET", "/tile/0/005", "", "", 404, ""},
      {"partial tile wider than the tree", "GET", "/tile/0/000.p/200", "", "", 404, ""},
      {"bundle beyond the tree", "GET", "/tile/entries/000.p/9", "", "", 404, ""},
      // Proof and entry parameters.
      {"inclusion size above the tree", "GET", "/api/v1/proof/inclusion?seq=0&size=999", "", "", 400, "999"},
      {"inclusion seq not below size", "GET", "/api/v1/proof/inclusion?seq=3&size=3", "", "", 400, "seq 3"},
      {"inclusion seq missing", "GET", "/api/v1/proof/inclusion?size=3", "", "", 400, "seq is required"},
      {"inclusion seq negative", "GET", "/api/v1/proof/inclusion?seq=-1&size=3", "", "", 400, "seq"},
      {"inclusion seq overflow", "GET", "/api/v1/proof/inclusion?seq=99999999999999999999999&size=3", "", "", 400,
       "seq"},
      {"inclusion seq with junk", "GET", "/api/v1/proof/inclusion?seq=1x&size=3", "", "", 400, "seq"},
      {"consistency from > to", "GET", "/api/v1/proof/consistency?from=4&to=2", "", "", 400, ""},
      {"consistency to above the tree", "GET", "/api/v1/proof/consistency?from=1&to=999", "", "", 400, "999"},
      {"consistency from zero", "GET", "/api/v1/proof/consistency?from=0&to=3", "", "", 400, ""},
      {"consistency from missing", "GET", "/api/v1/proof/consistency?to=3", "", "", 400, "from is required"},
      {"entry beyond the tree", "GET", "/api/v1/entries/999", "", "", 404, "999"},
      {"entry seq overflow", "GET", "/api/v1/entries/99999999999999999999", "", "", 400, "seq"},
      {"receipt beyond the tree", "GET", "/api/v1/receipts/999", "", "", 404, "999"},
      {"trace of a missing donation", "GET", "/api/v1/donations/999/trace", "", "", 404, "999"},
      {"report with a bad date", "GET", "/api/v1/reports?from=2020-13-01&to=2020-12-31", "", "", 400, "from"},
      {"entries limit not a number", "GET", "/api/v1/entries?limit=abc", "", "", 400, "limit"},
      {"missing fund view", "GET", "/api/v1/funds/nope", "", "", 404, "nope"},
  };

  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto r = Send(c.method, c.path, c.token, c.body);
    ASSERT_TRUE(r) << "no answer: " << httplib::to_string(r.error());
    EXPECT_EQ(r->status, c.status) << r->body.substr(0, 300);
    EXPECT_GE(r->status, 400);
    EXPECT_LT(r->status, 500);
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/problem+json") << r->body.substr(0, 300);
    auto j = json::parse(r->body, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << r->body.substr(0, 300);
    EXPECT_EQ(j["status"], r->status);
    ASSERT_TRUE(j["detail"].is_string());
    const std::string detail = j["detail"];
    EXPECT_FALSE(detail.empty());
    EXPECT_NE(detail.find(c.says), std::string::npos) << "wanted '" << c.says << "' in: " << detail;
    // No file outside the site leaks, whatever the status.
    EXPECT_EQ(r->body.find("PRIVATE+KEY"), std::string::npos);
    EXPECT_EQ(r->body.find("root:x:"), std::string::npos);
    if (r->status == 401) {
      EXPECT_EQ(r->get_header_value("WWW-Authenticate"), "Bearer");
    }
    auto health = server_->Client().Get("/healthz");
    ASSERT_TRUE(health) << "server down";
    EXPECT_EQ(health->status, 200);
    EXPECT_EQ(TreeSize(), size_before);
  }

  // Nothing was appended and no new checkpoint was signed.
  EXPECT_EQ(TreeSize(), size_before);
  EXPECT_EQ(CheckpointCovering(size_before), checkpoint_before);
  // The site itself is still served, and a valid request still records.
  EXPECT_EQ(server_->Client().Get("/index.html")->status, 200);
  Record(rec_, Donation({}));
  EXPECT_EQ(TreeSize(), size_before + 1);
}

// Slow clients (partial headers, a body that never finishes, idle
// connections) hold connections; the server keeps answering others, drops
// them after its read timeout (--read-timeout 2 here), and appends nothing.
TEST_F(HostileHttpTest, SlowClientsDoNotStopTheServer) {
  const uint64_t size_before = TreeSize();
  std::vector<int> slow;
  const std::string partial_body = "POST /api/v1/entries HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + rec_ +
                                   "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"type\":";
  for (int i = 0; i < 24; ++i) {
    int fd = Connect(server_->port());
    ASSERT_GE(fd, 0);
    std::string part = i % 3 == 0 ? "GET /healthz HTTP/1.1\r\nHo" : i % 3 == 1 ? partial_body : "";
    if (!part.empty()) {
      ASSERT_EQ(send(fd, part.data(), part.size(), 0), static_cast<ssize_t>(part.size()));
    }
    slow.push_back(fd);
  }
  // Others are answered while the slow ones hold their connections.
  for (int i = 0; i < 20; ++i) {
    auto r = server_->Client().Get("/healthz");
    ASSERT_TRUE(r) << httplib::to_string(r.error());
    EXPECT_EQ(r->status, 200);
  }
  // The server closes each slow connection; a half-sent body records nothing.
  for (int fd : slow) {
    bool closed = false;
    std::string got = ReadUntilClosed(fd, &closed);
    EXPECT_TRUE(closed) << "slow connection still open";
    EXPECT_EQ(got.find(" 201 "), std::string::npos) << got;
    close(fd);
  }
  EXPECT_EQ(TreeSize(), size_before);
  EXPECT_EQ(server_->Client().Get("/healthz")->status, 200);
}

// More slow clients than the server keeps threads: with --threads 2 and a
// read timeout of 30 s, 24 connections that send nothing or half a request
// would hold every thread of a fixed pool for 30 s; the pool adds threads
// while all are busy, so others are answered at once (each GET below gives up
// after 3 s).
TEST_F(HostileHttpTest, MoreSlowClientsThanThreadsDoNotStallOthers) {
  server_.reset();
  server_ = std::make_unique<testing::LedgerdProcess>(
      dir_, std::vector<std::string>{"--threads", "2", "--max-threads", "64", "--read-timeout", "30"});
  ASSERT_TRUE(server_->Start());
  std::vector<int> slow;
  for (int i = 0; i < 24; ++i) {
    int fd = Connect(server_->port());
    ASSERT_GE(fd, 0);
    if (i % 2 == 0) {
      const std::string part = "GET /healthz HTTP/1.1\r\nHo";
      ASSERT_EQ(send(fd, part.data(), part.size(), 0), static_cast<ssize_t>(part.size()));
    }
    slow.push_back(fd);
  }
  for (int i = 0; i < 20; ++i) {
    auto c = server_->Client();
    c.set_connection_timeout(3, 0);
    c.set_read_timeout(3, 0);
    auto r = c.Get("/healthz");
    ASSERT_TRUE(r) << "request " << i << " stalled behind the slow clients: " << httplib::to_string(r.error());
    EXPECT_EQ(r->status, 200);
  }
  for (int fd : slow) close(fd);
}

}  // namespace
}  // namespace ledger::api
