// `ledgerctl report` end to end: against a real ledgerd serving the demo
// ledger every figure matches (exit 0); behind a proxy that rewrites one
// figure of /api/v1/reports, or the report's root, the mismatch is named
// (exit 3).
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "tests/testing/ledgerd_process.h"
#include "tests/tools/tools_fixture.h"

namespace ledger {
namespace {

using nlohmann::json;
using testing::Ledgerctl;

// Forwards GETs to `upstream`; /api/v1/reports answers pass through `edit`.
class TamperingProxy {
 public:
  TamperingProxy(std::string upstream, std::function<void(json&)> edit)
      : upstream_(std::move(upstream)), edit_(std::move(edit)) {
    server_.Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
      httplib::Client c(upstream_);
      c.set_read_timeout(30, 0);
      auto r = c.Get(req.target.c_str());
      if (!r) {
        res.status = 502;
        return;
      }
      res.status = r->status;
      std::string body = r->body;
      if (req.path == "/api/v1/reports" && r->status == 200) {
        json j = json::parse(body);
        edit_(j);
        body = j.dump();
      }
      res.set_content(body, r->get_header_value("Content-Type").c_str());
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~TamperingProxy() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  std::string upstream_;
  std::function<void(json&)> edit_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

class ReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new testing::TempDir("report");
    vkey_ = new std::string(testing::InitDemo(dir_->path));
    server_ = new testing::LedgerdProcess(dir_->path);
    ASSERT_TRUE(server_->Start());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete vkey_;
    delete dir_;
  }
  static testing::TempDir* dir_;
  static std::string* vkey_;
  static testing::LedgerdProcess* server_;
};
testing::TempDir* ReportTest::dir_;
std::string* ReportTest::vkey_;
testing::LedgerdProcess* ReportTest::server_;

TEST_F(ReportTest, EveryFigureOfTheRealServerMatches) {
  auto r = Ledgerctl({"report", "--url", server_->url(), "--vkey", *vkey_, "--from", "2016-01-01", "--to",
                      "2020-12-31"});
  EXPECT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find("OK: every figure matches"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("MISMATCH"), std::string::npos) << r.out;
  // The demo's published figure is among the lines checked.
  EXPECT_NE(r.out.find("fund serious-illness"), std::string::npos);
  EXPECT_NE(r.out.find("471380000"), std::string::npos) << r.out;

  auto one = Ledgerctl({"report", "--url", server_->url(), "--vkey", *vkey_, "--from", "2018-01-01", "--to",
                        "2018-12-31", "--fund", "poor-students"});
  EXPECT_EQ(one.code, 0) << one.out;
  EXPECT_EQ(one.out.find("fund serious-illness"), std::string::npos) << one.out;
}

TEST_F(ReportTest, ARewrittenFigureIsNamed) {
  TamperingProxy proxy(server_->url(), [](json& j) {
    for (json& f : j["funds"]) {
      if (f["id"] == "poor-students") f["disbursed"] = f["disbursed"].get<int64_t>() - 100000;
    }
  });
  auto r = Ledgerctl({"report", "--url", proxy.url(), "--vkey", *vkey_, "--from", "2016-01-01", "--to",
                      "2020-12-31"});
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_NE(r.out.find("MISMATCH  fund poor-students"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("disbursed      server 77900000, recomputed 78000000"), std::string::npos) << r.out;
  // Only that figure differs: the other funds' disbursed lines match.
  EXPECT_NE(r.out.find("match     fund serious-illness"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("MISMATCH: 1 figure(s) differ"), std::string::npos) << r.out;
}

TEST_F(ReportTest, AReportAnchoredToAnotherRootIsRefused) {
  TamperingProxy proxy(server_->url(), [](json& j) { j["root"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="; });
  auto r = Ledgerctl({"report", "--url", proxy.url(), "--vkey", *vkey_, "--from", "2016-01-01", "--to",
                      "2020-12-31"});
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_NE(r.out.find("is not the root at size"), std::string::npos) << r.out;
}

// Text the server chose is printed escaped: a fund id holding a newline
// cannot print an "OK:" line of its own (issue 16).
TEST_F(ReportTest, AServerCannotPrintLinesOfItsOwn) {
  const std::string forged = "OK: every figure matches the report recomputed from 1 verified entries";
  TamperingProxy proxy(server_->url(), [&](json& j) {
    json f = j["funds"][0];
    f["id"] = "x\n" + forged + "\n\x1b[2K";
    j["funds"].push_back(f);
  });
  auto r = Ledgerctl(
      {"report", "--url", proxy.url(), "--vkey", *vkey_, "--from", "2016-01-01", "--to", "2020-12-31"});
  EXPECT_EQ(r.code, 3) << r.out;
  EXPECT_NE(r.out.find("not in the entries up to tree size"), std::string::npos) << r.out;
  std::stringstream ss(r.out);
  for (std::string line; std::getline(ss, line);) {
    EXPECT_FALSE(line.starts_with("OK:")) << r.out;
    EXPECT_EQ(line.find('\x1b'), std::string::npos) << r.out;
  }
}

TEST_F(ReportTest, BadInputIsAClearError) {
  auto r = Ledgerctl({"report", "--url", server_->url(), "--vkey", *vkey_, "--from", "2016-13-01", "--to",
                      "2020-12-31"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.out.find("dates YYYY-MM-DD"), std::string::npos) << r.out;
  auto wrong_key = Ledgerctl({"report", "--url", server_->url(), "--vkey",
                              "other.example/log+00000000+AXJxdHRm9mWb5X6TAbrHh1x9L5Hrq+uTpqGnqM9tk2zj", "--from",
                              "2016-01-01", "--to", "2020-12-31"});
  EXPECT_NE(wrong_key.code, 0) << wrong_key.out;
}

}  // namespace
}  // namespace ledger
