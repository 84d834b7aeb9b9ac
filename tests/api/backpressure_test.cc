// Backpressure: with a bounded append queue (ledgerd --max-queue), writes
// beyond it are turned away with 503 problem+json and Retry-After instead of
// being queued, nothing of a turned-away write is appended, and the server
// keeps serving. Concurrent single-entry POSTs against a queue of one entry
// make the queue overflow; the test runs rounds until it has seen 503s.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/token_store.h"
#include "ledger/tlog/data_dir.h"
#include "tests/testing/ledgerd_process.h"

namespace ledger::api {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

TEST(BackpressureTest, FullQueueAnswers503WithRetryAfterAndAppendsNothing) {
  char tmpl[] = "/tmp/ledgerd-queue-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  ASSERT_TRUE(tlog::InitDataDir(tlog::DataDir{dir}, "test.example/queue").ok());
  TokenStore tokens(tlog::DataDir{dir}.tokens_file());
  const std::string admin = *tokens.Issue("admin", "admin-1", "");
  const std::string rec = *tokens.Issue("recorder", "rec-1", "");
  {
    testing::LedgerdProcess server(
        dir, {"--max-queue", "1", "--rate-per-address", "0", "--rate-per-token", "0"});
    ASSERT_TRUE(server.Start());
    auto c = server.Client();
    json open = {{"type", "fund.open"},
                 {"body", {{"id", "f1"}, {"name", {{"zh", "助学"}, {"en", "Study"}}}, {"purpose", "p"},
                           {"kind", "charity"}, {"opened_on", "2015-01-01"}}}};
    auto r = c.Post("/api/v1/entries", {{"Authorization", "Bearer " + admin}}, open.dump(), "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 201) << r->body;

    const std::string donation =
        R"({"type":"donation","body":{"fund":"f1","amount":100,"channel":"online","received_at":"2020-01-01"}})";
    std::atomic<int> created{0}, refused{0}, other{0};
    std::mutex mu;
    std::string first_refusal, bad_refusal, other_answer;
    constexpr int kThreads = 32, kPerThread = 40, kMaxRounds = 25;
    for (int round = 0; round < kMaxRounds && refused == 0; ++round) {
      std::vector<std::thread> threads;
      for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
          auto client = server.Client();
          client.set_keep_alive(true);
          // A loaded machine (sanitizers, other jobs) may take seconds per
          // answer; a read timeout here would be the client's, not a refusal.
          client.set_read_timeout(std::chrono::seconds(60));
          for (int i = 0; i < kPerThread; ++i) {
            auto res = client.Post("/api/v1/entries", {{"Authorization", "Bearer " + rec}}, donation,
                                   "application/json");
            std::lock_guard lock(mu);
            if (!res) {
              other++;
              other_answer = "no answer: " + httplib::to_string(res.error()) + " (request " + std::to_string(i) +
                             " of its connection)";
            } else if (res->status == 201) {
              created++;
            } else if (res->status == 503) {
              refused++;
              const bool shaped = res->get_header_value("Retry-After") == "1" &&
                                  res->get_header_value("Content-Type").starts_with("application/problem+json") &&
                                  res->body.find("queue is full") != std::string::npos;
              if (!shaped) bad_refusal = res->body;
              if (first_refusal.empty()) first_refusal = res->body;
            } else {
              other++;
              other_answer = std::to_string(res->status) + " " + res->body;
            }
          }
        });
      }
      for (auto& t : threads) t.join();
    }
    EXPECT_GT(refused.load(), 0) << "the queue never overflowed in " << kMaxRounds << " rounds";
    EXPECT_GT(created.load(), 0);
    EXPECT_EQ(other.load(), 0) << other_answer;
    EXPECT_TRUE(bad_refusal.empty()) << "a 503 without Retry-After: 1, problem+json or its reason: " << bad_refusal;
    RecordProperty("created", created.load());
    RecordProperty("refused", refused.load());

    // Exactly the 201s were appended: the fund.open plus one per 201.
    auto log = c.Get("/healthz");
    ASSERT_TRUE(log && log->status == 200);
    EXPECT_EQ(json::parse(log->body)["tree_size"].get<uint64_t>(), 1u + created.load())
        << "first refusal: " << first_refusal;
    // The server still takes writes once the burst is over.
    auto after = c.Post("/api/v1/entries", {{"Authorization", "Bearer " + rec}}, donation, "application/json");
    ASSERT_TRUE(after);
    EXPECT_EQ(after->status, 201) << after->body;
  }
  int code = 0;
  testing::RunCommand({testing::BinDir() + "/ledgerctl", "audit", "--data", dir}, &code);
  EXPECT_EQ(code, 0) << "audit failed";
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ledger::api
