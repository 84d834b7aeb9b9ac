// Access hardening of a real ledgerd: CORS only on public GETs, what the log
// says (who recorded what; never a token, a donor secret or the log key),
// and HTTPS with --tls-cert/--tls-key.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "api/token_store.h"
#include "ledger/tlog/data_dir.h"
#include "tests/testing/ledgerd_process.h"

namespace ledger::api {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

class AccessHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ledgerd-access-XXXXXX";
    dir_ = mkdtemp(tmpl);
    ASSERT_TRUE(tlog::InitDataDir(tlog::DataDir{dir_}, "test.example/access").ok());
    TokenStore tokens(tlog::DataDir{dir_}.tokens_file());
    admin_ = *tokens.Issue("admin", "admin-1", "");
    rec_ = *tokens.Issue("recorder", "rec-1", "");
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }
  void Start(std::vector<std::string> flags = {}) {
    server_ = std::make_unique<testing::LedgerdProcess>(dir_, flags);
    server_->set_log_file(dir_ + "/ledgerd.log");
    ASSERT_TRUE(server_->Start());
  }
  httplib::Result Post(const std::string& token, const json& req) {
    return server_->Client().Post("/api/v1/entries", {{"Authorization", "Bearer " + token}}, req.dump(),
                                  "application/json");
  }
  static json FundOpen() {
    return {{"type", "fund.open"},
            {"body", {{"id", "f1"}, {"name", {{"zh", "助学"}, {"en", "Study"}}}, {"purpose", "p"},
                      {"kind", "charity"}, {"opened_on", "2015-01-01"}}}};
  }
  static json Donation() {
    return {{"type", "donation"},
            {"body", {{"fund", "f1"}, {"amount", 500}, {"channel", "online"}, {"received_at", "2020-03-01"}}}};
  }

  std::string dir_, admin_, rec_;
  std::unique_ptr<testing::LedgerdProcess> server_;
};

TEST_F(AccessHttpTest, CorsOnlyOnPublicGets) {
  Start();
  auto c = server_->Client();
  for (const char* path : {"/healthz", "/checkpoint", "/api/v1/log", "/api/v1/funds", "/api/v1/entries/999"}) {
    auto r = c.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), "*") << path;
  }
  // Writes never carry CORS headers, accepted or refused, so a browser page
  // on another origin cannot read the answer of a write.
  auto created = Post(admin_, FundOpen());
  ASSERT_EQ(created->status, 201);
  EXPECT_FALSE(created->has_header("Access-Control-Allow-Origin"));
  auto refused = Post("nope", Donation());
  ASSERT_EQ(refused->status, 401);
  EXPECT_FALSE(refused->has_header("Access-Control-Allow-Origin"));
  // A preflight for a cross-origin POST is not granted.
  auto pre = c.Options("/api/v1/entries", {{"Origin", "https://evil.example"},
                                            {"Access-Control-Request-Method", "POST"},
                                            {"Access-Control-Request-Headers", "authorization"}});
  ASSERT_TRUE(pre);
  EXPECT_FALSE(pre->has_header("Access-Control-Allow-Origin"));
  EXPECT_FALSE(pre->has_header("Access-Control-Allow-Methods"));
  EXPECT_FALSE(pre->has_header("Access-Control-Allow-Headers"));
}

TEST_F(AccessHttpTest, LogNamesWhoRecordedWhatAndNoSecret) {
  Start();
  ASSERT_EQ(Post(admin_, FundOpen())->status, 201);
  auto d = Post(rec_, Donation());
  ASSERT_EQ(d->status, 201);
  json dj = json::parse(d->body);
  const std::string receipt = dj["receipt"];  // "<seq>-<hex secret>"
  const std::string secret = receipt.substr(receipt.find('-') + 1);
  const std::string wrong(64, 'b');
  ASSERT_EQ(Post(wrong, Donation())->status, 401);
  ASSERT_EQ(Post(rec_ + "x", Donation())->status, 401);
  server_->Stop();  // flushes nothing we need, but ends the log

  const std::string log = ReadFile(dir_ + "/ledgerd.log");
  EXPECT_NE(log.find("recorded seq=0 type=fund.open by=admin-1"), std::string::npos) << log;
  EXPECT_NE(log.find("recorded seq=" + std::to_string(dj["seq"].get<uint64_t>()) + " type=donation by=rec-1"),
            std::string::npos)
      << log;
  for (const std::string& s : {admin_, rec_, wrong, secret}) {
    EXPECT_EQ(log.find(s), std::string::npos) << "secret in the log:\n" << log;
  }
  // Nor any part of the signing key: its base64 seed is everything after
  // the fourth '+' (PRIVATE+KEY+<name>+<id>+<base64>, and base64 itself may
  // hold a '+').
  std::string key = ReadFile(tlog::DataDir{dir_}.key_file());
  while (!key.empty() && key.back() == '\n') key.pop_back();
  size_t at = 0;
  for (int i = 0; i < 4; ++i) at = key.find('+', at) + 1;
  std::string seed = key.substr(at);
  ASSERT_EQ(seed.size(), 44u);
  EXPECT_EQ(log.find(seed), std::string::npos);
}

TEST_F(AccessHttpTest, ServesHttpsWithTlsFlags) {
  const std::string cert = dir_ + "/cert.pem", key = dir_ + "/key.pem";
  int code = 0;
  testing::RunCommand({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                       "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert, "-days", "2",
                       "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"},
                      &code);
  ASSERT_EQ(code, 0);
  Start({"--tls-cert", cert, "--tls-key", key});
  // A client that checks the certificate against it.
  httplib::Client c(server_->url());
  c.set_ca_cert_path(cert.c_str());
  c.enable_server_certificate_verification(true);
  auto h = c.Get("/healthz");
  ASSERT_TRUE(h) << httplib::to_string(h.error());
  EXPECT_EQ(h->status, 200);
  auto w = c.Post("/api/v1/entries", {{"Authorization", "Bearer " + admin_}}, FundOpen().dump(), "application/json");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->status, 201) << w->body;
  // Plain HTTP on the TLS port gets no answer.
  httplib::Client plain("127.0.0.1", server_->port());
  plain.set_read_timeout(5, 0);
  auto p = plain.Get("/healthz");
  EXPECT_TRUE(!p || p->status >= 400);

  // A missing or unreadable key is refused at start, not served without TLS.
  server_.reset();
  std::string out = testing::RunCommand({testing::BinDir() + "/ledgerd", "--data", dir_, "--tls-cert", cert}, &code);
  EXPECT_EQ(code, 2);
  out = testing::RunCommand(
      {testing::BinDir() + "/ledgerd", "--data", dir_, "--tls-cert", cert, "--tls-key", dir_ + "/missing.pem"},
      &code);
  EXPECT_EQ(code, 1);
}

}  // namespace
}  // namespace ledger::api
