// The charity routes over real HTTP on loopback, in process: a funds::Ledger
// over a RocksDB log, the lead's log routes for POST /api/v1/entries with a
// FundsRecorder behind them, and the views of docs/api.md.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "api/funds_routes.h"
#include "api/server.h"
#include "api/token_store.h"
#include "ledger/crypto/ed25519.h"
#include "ledger/funds/donor.h"
#include "ledger/funds/ledger.h"
#include "ledger/funds/state_machine.h"

namespace ledger::api {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

class FundsHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/funds-http-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto key = crypto::Ed25519PrivateKey::Generate();
    ASSERT_TRUE(key.ok());
    tlog::Options o;
    o.path = dir_ + "/db";
    o.origin = "test.example/funds";
    o.signer = std::shared_ptr<const crypto::Signer>(std::move(*key));
    o.state_machine = &sm_;
    o.create_if_missing = true;
    o.checkpoint_interval = std::chrono::milliseconds(20);
    auto log = tlog::Log::Open(o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(*log);
    ledger_ = std::make_unique<funds::Ledger>(log_.get(), &sm_);
    recorder_ = std::make_unique<FundsRecorder>(ledger_.get());
    tokens_ = std::make_unique<TokenStore>(dir_ + "/tokens.jsonl");
    admin_ = *tokens_->Issue("admin", "admin", "");
    recorder_token_ = *tokens_->Issue("recorder", "recorder-1", "");
    grantee_ = *tokens_->Issue("grantee", "grantee-a", "org-a");
    ctx_ = ServerContext{log_.get(), tokens_.get(), recorder_.get(), ledger_.get(), ""};
    ctx_.read_gate = &gate_;
    ConfigureServer(server_, 4, 64);
    RegisterLogRoutes(server_, ctx_);
    RegisterFundsRoutes(server_, ctx_);
    port_ = server_.bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  void TearDown() override {
    server_.stop();
    if (thread_.joinable()) thread_.join();
    if (log_) log_->Close();
    fs::remove_all(dir_);
  }

  httplib::Client Client() { return httplib::Client("127.0.0.1", port_); }
  httplib::Result Post(const std::string& token, const json& req, const std::string& idem = "") {
    httplib::Headers h{{"Authorization", "Bearer " + token}};
    if (!idem.empty()) h.emplace("Idempotency-Key", idem);
    return Client().Post("/api/v1/entries", h, req.dump(), "application/json");
  }
  json Get(const std::string& path, int expect = 200) {
    auto r = Client().Get(path);
    EXPECT_TRUE(r);
    if (!r) return json();
    EXPECT_EQ(r->status, expect) << path << " " << r->body;
    return json::parse(r->body);
  }
  void Seed() {
    ASSERT_EQ(Post(admin_, {{"type", "fund.open"},
                            {"body", {{"id", "poor-students"},
                                      {"name", {{"zh", "贫困大学生资助"}, {"en", "Students"}}},
                                      {"purpose", "p"}, {"kind", "charity"}, {"opened_on", "2015-01-01"}}}})->status, 201);
    auto d = Post(recorder_token_, {{"type", "donation"},
                                    {"body", {{"fund", "poor-students"}, {"amount", 120000},
                                              {"channel", "online"}, {"received_at", "2020-01-02"}}}});
    ASSERT_EQ(d->status, 201) << d->body;
    donation_ = json::parse(d->body);
  }

  std::string dir_, admin_, recorder_token_, grantee_;
  funds::FundsStateMachine sm_;
  std::unique_ptr<tlog::Log> log_;
  std::unique_ptr<funds::Ledger> ledger_;
  std::unique_ptr<FundsRecorder> recorder_;
  std::unique_ptr<TokenStore> tokens_;
  ServerContext ctx_;
  // One read at a time; a read that waits 200 ms for its turn is refused.
  ReadGate gate_{1, std::chrono::milliseconds(200)};
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  json donation_;
};

TEST_F(FundsHttpTest, RecordDonationWithReceiptAndViewFunds) {
  Seed();
  ASSERT_TRUE(donation_.contains("receipt"));
  EXPECT_EQ(donation_["entry"]["body"]["donor"].size(), 1u);  // commitment only
  EXPECT_TRUE(funds::VerifyReceipt(donation_["receipt"].get<std::string>(), donation_["entry"].dump()).ok());
  json funds = Get("/api/v1/funds");
  ASSERT_EQ(funds["funds"].size(), 1u);
  EXPECT_EQ(funds["funds"][0]["income"], 120000);
  EXPECT_EQ(Get("/api/v1/funds/poor-students")["uncommitted"], 120000);
  Get("/api/v1/funds/nope", 404);
  auto r = Client().Get("/api/v1/funds");
  EXPECT_EQ(r->get_header_value("Access-Control-Allow-Origin"), "*");
}

TEST_F(FundsHttpTest, RuleBreachIsProblemJsonWithRuleAndNumbers) {
  Seed();
  size_t before = log_->Size();
  auto r = Post(recorder_token_, {{"type", "grant"},
                                  {"body", {{"id", "g1"}, {"fund", "poor-students"},
                                            {"recipient", {{"id", "org-a"}, {"name", "A"}}},
                                            {"title", "t"}, {"amount", 500000},
                                            {"award_date", "2020-02-01"}}}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422) << r->body;
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/problem+json");
  json p = json::parse(r->body);
  EXPECT_EQ(p["rule"], "grant.within_uncommitted");
  EXPECT_EQ(p["detail"],
            "grant of 500000 fen exceeds fund poor-students uncommitted balance of 120000 fen");
  EXPECT_EQ(log_->Size(), before);
  // A grantee may not record a donation; a donor identity is refused.
  EXPECT_EQ(Post(grantee_, {{"type", "donation"}, {"body", json::object()}})->status, 403);
  auto id = Post(recorder_token_, {{"type", "donation"},
                                   {"body", {{"fund", "poor-students"}, {"amount", 1},
                                             {"channel", "cash"}, {"received_at", "2020-01-02"},
                                             {"donor", {{"name", "张三"}}}}}});
  EXPECT_EQ(id->status, 400);
  EXPECT_EQ(json::parse(id->body)["rule"], "donor.no_identity");
  EXPECT_EQ(log_->Size(), before);
}

TEST_F(FundsHttpTest, IdempotencyKeyReturnsTheFirstResult) {
  Seed();
  json req{{"type", "donation"},
           {"body", {{"fund", "poor-students"}, {"amount", 7}, {"channel", "bank"},
                     {"received_at", "2020-01-03"}}}};
  auto a = Post(recorder_token_, req, "k-1");
  auto b = Post(recorder_token_, req, "k-1");
  ASSERT_EQ(a->status, 201);
  ASSERT_EQ(b->status, 201);
  json ja = json::parse(a->body), jb = json::parse(b->body);
  EXPECT_EQ(ja["seq"], jb["seq"]);
  EXPECT_EQ(ja["receipt"], jb["receipt"]);
  EXPECT_TRUE(jb["replayed"].get<bool>());
  EXPECT_EQ(Get("/api/v1/funds/poor-students")["income"], 120007);
}

TEST_F(FundsHttpTest, ViewsAnswer) {
  Seed();
  ASSERT_EQ(Post(recorder_token_, {{"type", "grant"},
                                   {"body", {{"id", "g1"}, {"fund", "poor-students"},
                                             {"recipient", {{"id", "org-a"}, {"name", "A"}}},
                                             {"title", "t"}, {"amount", 100000},
                                             {"award_date", "2020-02-01"}}}})->status, 201);
  ASSERT_EQ(Post(recorder_token_, {{"type", "disbursement"},
                                   {"body", {{"grant", "g1"}, {"amount", 60000},
                                             {"paid_at", "2020-02-02"}, {"payment_ref", "P1"}}}})->status,
            201);
  auto e = Post(grantee_, {{"type", "expense"},
                           {"body", {{"grant", "g1"}, {"amount", 10000}, {"category", "c"},
                                     {"description", "d"}, {"evidence_sha256", std::string(64, '0')},
                                     {"spent_at", "2020-02-03"}}}});
  ASSERT_EQ(e->status, 201) << e->body;

  json g = Get("/api/v1/grants/g1");
  EXPECT_EQ(g["paid"], 60000);
  EXPECT_EQ(g["used"], 10000);
  EXPECT_EQ(Get("/api/v1/grants?fund=poor-students")["grants"].size(), 1u);
  json t = Get("/api/v1/donations/" + std::to_string(donation_["seq"].get<uint64_t>()) + "/trace");
  EXPECT_EQ(t["flows"][0]["amount"], 100000);
  EXPECT_EQ(t["unspent"], 20000);
  json page = Get("/api/v1/entries?type=grant&limit=5");
  EXPECT_EQ(page["entries"].size(), 1u);
  EXPECT_TRUE(page["next_cursor"].is_null());
  Get("/api/v1/entries?limit=0", 400);

  ASSERT_TRUE(log_->WaitForCheckpoint(log_->Size(), std::chrono::seconds(5)).ok());
  json rep = Get("/api/v1/reports?from=2020-01-01&to=2020-12-31");
  EXPECT_EQ(rep["tree_size"], log_->Size());
  EXPECT_EQ(rep["funds"][0]["disbursed"], 60000);
  auto csv = Client().Get("/api/v1/reports?from=2020-01-01&to=2020-12-31&format=csv");
  ASSERT_EQ(csv->status, 200);
  EXPECT_NE(csv->body.find("poor-students,贫困大学生资助,Students,0,120000,100000,60000,10000,0,60000"),
            std::string::npos)
      << csv->body;
  Get("/api/v1/reports?from=2020-13-01&to=2020-12-31", 400);
  EXPECT_EQ(Get("/api/v1/compliance?year=2020")["year"], 2020);
  EXPECT_FALSE(Get("/api/v1/flows")["links"].empty());
  EXPECT_TRUE(Get("/api/v1/lottery")["periods"].empty());
}

// While a write is recorded and the read gate is full, every public read
// that computes (charity views, tiles, entries, proofs, receipts) waits and
// is then refused with 503 and Retry-After, and nothing else is: writes,
// checkpoints and health still answer. Once the place is left, the same
// reads answer.
TEST_F(FundsHttpTest, ReadsWaitForTheReadGateAndWritesDoNot) {
  Seed();
  // A checkpoint that covers both entries, so that proofs and receipts exist.
  ASSERT_TRUE(log_->WaitForCheckpoint(2, std::chrono::seconds(10)).ok());
  const std::string seq = std::to_string(donation_["seq"].get<uint64_t>());
  const std::vector<std::string> gated = {
      "/api/v1/funds",
      "/api/v1/reports?from=2020-01-01&to=2020-12-31",
      "/api/v1/entries?from=2020-01-01",
      "/tile/0/000.p/2",
      "/tile/entries/000.p/2",
      "/api/v1/entries/" + seq,
      "/api/v1/proof/inclusion?seq=" + seq + "&size=2",
      "/api/v1/proof/consistency?from=1&to=2",
      "/api/v1/receipts/" + seq,
  };
  {
    // Reads are limited while a write is recorded (api/read_gate.h).
    auto writing = gate_.Write();
    auto held = gate_.Enter();
    ASSERT_TRUE(held);
    for (const auto& path : gated) {
      auto r = Client().Get(path);
      ASSERT_TRUE(r) << path;
      EXPECT_EQ(r->status, 503) << path << " " << r->body;
      EXPECT_EQ(r->get_header_value("Retry-After"), "1") << path;
      EXPECT_EQ(r->get_header_value("Content-Type"), "application/problem+json") << path;
    }
    for (const std::string path : {"/checkpoint", "/api/v1/checkpoints/latest"}) {
      auto r = Client().Get(path);
      ASSERT_TRUE(r) << path;
      EXPECT_EQ(r->status, 200) << path << " " << r->body;
    }
    auto w = Post(recorder_token_, {{"type", "donation"},
                                    {"body", {{"fund", "poor-students"}, {"amount", 500},
                                              {"channel", "online"}, {"received_at", "2020-01-03"}}}});
    ASSERT_TRUE(w);
    EXPECT_EQ(w->status, 201) << w->body;
  }
  EXPECT_EQ(gate_.refused(), gated.size());
  for (const auto& path : gated) {
    auto r = Client().Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 200) << path << " " << r->body;
  }
}

}  // namespace
}  // namespace ledger::api
