// The back office's reads and the security of pages and writes, against a
// real ledgerd (docs/api.md, "Back office" and "Security of pages and
// writes"): who a token is, the accounts without tokens, a grantee's own
// grants; a Content-Security-Policy on every answer; writes from another
// origin refused.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api/request_guard.h"
#include "api/token_store.h"
#include "ledger/crypto/base64.h"
#include "ledger/crypto/sha256.h"
#include "ledger/tlog/data_dir.h"
#include "tests/testing/ledgerd_process.h"
#include "tests/testing/raw_http.h"
#include "tests/tools/tools_fixture.h"

namespace ledger::api {
namespace {

using nlohmann::json;

class BackOfficeHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(tlog::InitDataDir(tlog::DataDir{dir_.path}, "test.example/backoffice").ok());
    TokenStore tokens(tlog::DataDir{dir_.path}.tokens_file());
    admin_ = *tokens.Issue("admin", "admin-1", "");
    rec_ = *tokens.Issue("recorder", "clerk-1", "");
    grantee_a_ = *tokens.Issue("grantee", "school-a", "org-a");
    grantee_b_ = *tokens.Issue("grantee", "school-b", "org-b");
    ASSERT_TRUE(tokens.Issue("recorder", "gone", "").ok());
    ASSERT_TRUE(tokens.Revoke("gone").ok());
    // The project's own public site, back office pages included.
    server_ = std::make_unique<testing::LedgerdProcess>(dir_.path,
                                                        std::vector<std::string>{"--site", LEDGER_SITE_DIR});
    ASSERT_TRUE(server_->Start());
  }
  httplib::Result Get(const std::string& path, const std::string& token) {
    return server_->Client().Get(path, {{"Authorization", "Bearer " + token}});
  }
  httplib::Result Post(const std::string& token, const json& req, httplib::Headers extra = {}) {
    extra.emplace("Authorization", "Bearer " + token);
    return server_->Client().Post("/api/v1/entries", extra, req.dump(), "application/json");
  }
  uint64_t TreeSize() {
    return json::parse(server_->Client().Get("/healthz")->body)["tree_size"].get<uint64_t>();
  }
  static json FundOpen(const std::string& id) {
    return {{"type", "fund.open"},
            {"body",
             {{"id", id},
              {"name", {{"zh", "助学"}, {"en", "Study"}}},
              {"purpose", "p"},
              {"kind", "charity"},
              {"opened_on", "2015-01-01"}}}};
  }

  testing::TempDir dir_{"backoffice-http"};
  std::string admin_, rec_, grantee_a_, grantee_b_;
  std::unique_ptr<testing::LedgerdProcess> server_;
};

TEST_F(BackOfficeHttpTest, MeAndAccountsNeverShowATokenOrItsHash) {
  auto me = Get("/api/v1/me", grantee_a_);
  ASSERT_EQ(me->status, 200) << me->body;
  EXPECT_EQ(json::parse(me->body), json({{"name", "school-a"}, {"role", "grantee"}, {"org", "org-a"}}));
  EXPECT_EQ(me->get_header_value("Cache-Control"), "no-store");
  EXPECT_FALSE(me->has_header("Access-Control-Allow-Origin"));
  EXPECT_EQ(server_->Client().Get("/api/v1/me")->status, 401);
  EXPECT_EQ(Get("/api/v1/me", std::string(64, '0'))->status, 401);

  auto accounts = Get("/api/v1/accounts", admin_);
  ASSERT_EQ(accounts->status, 200) << accounts->body;
  json list = json::parse(accounts->body)["accounts"];
  ASSERT_EQ(list.size(), 4u) << accounts->body;  // the revoked one is not listed
  EXPECT_EQ(list[0], json({{"name", "admin-1"}, {"role", "admin"}, {"org", ""}}));
  EXPECT_EQ(list[1]["name"], "clerk-1");
  EXPECT_EQ(list[2], json({{"name", "school-a"}, {"role", "grantee"}, {"org", "org-a"}}));
  for (const std::string& t : {admin_, rec_, grantee_a_, grantee_b_}) {
    EXPECT_EQ(accounts->body.find(t), std::string::npos);
    const crypto::Hash h = crypto::Sha256Of(t);
    EXPECT_EQ(accounts->body.find(crypto::Base64Encode(crypto::AsBytes(h))), std::string::npos);
    EXPECT_EQ(accounts->body.find(crypto::ToHex(std::string_view(crypto::AsBytes(h)).substr(0, 16))),
              std::string::npos);
  }
  for (const std::string& t : {rec_, grantee_a_}) {
    auto r = Get("/api/v1/accounts", t);
    EXPECT_EQ(r->status, 403);
    EXPECT_EQ(json::parse(r->body)["rule"], "role.admin");
  }
}

TEST_F(BackOfficeHttpTest, AGranteeListsOnlyItsOwnOrganisationsGrants) {
  ASSERT_EQ(Post(admin_, FundOpen("f1"))->status, 201);
  ASSERT_EQ(
      Post(rec_,
           {{"type", "donation"},
            {"body", {{"fund", "f1"}, {"amount", 1000}, {"channel", "bank"}, {"received_at", "2021-01-01"}}}})
          ->status,
      201);
  for (auto [id, org] : {std::pair{"ga1", "org-a"}, {"gb1", "org-b"}, {"ga2", "org-a"}}) {
    ASSERT_EQ(Post(rec_, {{"type", "grant"},
                          {"body",
                           {{"id", id},
                            {"fund", "f1"},
                            {"recipient", {{"id", org}, {"name", org}}},
                            {"title", "t"},
                            {"amount", 100},
                            {"award_date", "2021-02-01"}}}})
                  ->status,
              201);
  }
  auto a = Get("/api/v1/me/grants", grantee_a_);
  ASSERT_EQ(a->status, 200) << a->body;
  json ja = json::parse(a->body);
  EXPECT_EQ(ja["org"], "org-a");
  ASSERT_EQ(ja["grants"].size(), 2u);
  EXPECT_EQ(ja["grants"][0]["id"], "ga1");
  EXPECT_EQ(ja["grants"][1]["id"], "ga2");
  json jb = json::parse(Get("/api/v1/me/grants", grantee_b_)->body);
  ASSERT_EQ(jb["grants"].size(), 1u);
  EXPECT_EQ(jb["grants"][0]["id"], "gb1");
  EXPECT_EQ(Get("/api/v1/me/grants", rec_)->status, 403);
  EXPECT_EQ(server_->Client().Get("/api/v1/me/grants")->status, 401);
}

TEST_F(BackOfficeHttpTest, EveryAnswerCarriesTheContentSecurityPolicy) {
  auto c = server_->Client();
  for (const char* path :
       {"/", "/index.html", "/verify.html", "/admin/index.html", "/admin/record.html", "/js/app.js",
        "/css/site.css", "/api/v1/log", "/checkpoint", "/no-such-page.html"}) {
    auto r = c.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->get_header_value("Content-Security-Policy"), kContentSecurityPolicy)
        << path << " " << r->status;
    EXPECT_EQ(r->get_header_value("X-Frame-Options"), "DENY") << path;
    EXPECT_EQ(r->get_header_value("Referrer-Policy"), "same-origin") << path;
  }
  auto admin_page = c.Get("/admin/index.html");
  ASSERT_EQ(admin_page->status, 200) << "the back office pages are served";
  // The policy allows nothing but the server itself.
  const std::string csp = kContentSecurityPolicy;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos);
  EXPECT_EQ(csp.find("http"), std::string::npos);
  EXPECT_NE(csp.find("script-src 'self';"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  // And refused writes carry it as well.
  auto refused = Post("nope", FundOpen("x"));
  EXPECT_EQ(refused->get_header_value("Content-Security-Policy"), kContentSecurityPolicy);
}

TEST_F(BackOfficeHttpTest, WritesFromAnotherOriginAreRefused) {
  const std::string own = "http://127.0.0.1:" + std::to_string(server_->port());
  const uint64_t before = TreeSize();
  for (const httplib::Headers& h :
       {httplib::Headers{{"Origin", "http://evil.example"}}, httplib::Headers{{"Origin", "null"}},
        httplib::Headers{{"Origin", "http://127.0.0.1:1"}},
        httplib::Headers{{"Origin", own + ".evil.example"}},
        httplib::Headers{{"Sec-Fetch-Site", "cross-site"}},
        httplib::Headers{{"Sec-Fetch-Site", "same-site"}}}) {
    auto r = Post(admin_, FundOpen("f-x"), h);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << h.begin()->second << " " << r->body;
    EXPECT_EQ(json::parse(r->body)["rule"], "origin.same");
    EXPECT_EQ(TreeSize(), before);
  }
  auto batch = server_->Client().Post(
      "/api/v1/batches?type=donation",
      {{"Authorization", "Bearer " + rec_}, {"Origin", "https://evil.example"}}, "fund,amount\n", "text/csv");
  EXPECT_EQ(batch->status, 403);
  // A refused write leaves the connection in step: its body is read, not
  // taken for the next request on the connection (the old guard answered
  // before reading it, and the body was parsed as the next request).
  {
    json req = FundOpen("f-pipe");
    req["body"]["purpose"] = std::string(20000, 'p');  // more than httplib reads with the headers
    const std::string body = req.dump(1);
    const std::string post =
        "POST /api/v1/entries HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://evil.example\r\n"
        "Authorization: Bearer " +
        admin_ + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    const std::vector<int> got = testing::StatusesOnOneConnection(
        server_->port(), {post, "GET /api/v1/log HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"});
    ASSERT_EQ(got.size(), 2u) << "the request after a refused write got no answer";
    EXPECT_EQ(got[0], 403);
    EXPECT_EQ(got[1], 200);
    EXPECT_EQ(TreeSize(), before);
  }
  // The server's own pages (Origin = scheme://Host), and clients that send
  // no Origin (curl, ledgerctl), write.
  EXPECT_EQ(Post(admin_, FundOpen("f-own"), {{"Origin", own}, {"Sec-Fetch-Site", "same-origin"}})->status,
            201);
  EXPECT_EQ(Post(admin_, FundOpen("f-curl"))->status, 201);
  EXPECT_EQ(TreeSize(), before + 2);
  // GETs are public and never checked.
  EXPECT_EQ(server_->Client().Get("/api/v1/funds", {{"Origin", "http://evil.example"}})->status, 200);
}

TEST(SameOrigin, ComparesSchemeAndExactHost) {
  EXPECT_TRUE(IsSameOrigin("http://127.0.0.1:8080", "127.0.0.1:8080"));
  EXPECT_TRUE(IsSameOrigin("https://Ledger.Example", "ledger.example"));
  EXPECT_FALSE(IsSameOrigin("http://127.0.0.1:8081", "127.0.0.1:8080"));
  EXPECT_FALSE(IsSameOrigin("http://ledger.example.evil", "ledger.example"));
  EXPECT_FALSE(IsSameOrigin("ftp://ledger.example", "ledger.example"));
  EXPECT_FALSE(IsSameOrigin("null", "ledger.example"));
  EXPECT_FALSE(IsSameOrigin("http://", ""));
}

}  // namespace
}  // namespace ledger::api
