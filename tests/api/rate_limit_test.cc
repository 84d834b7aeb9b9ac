// Rate limits: the token bucket itself (with an explicit clock), and
// ledgerd answering 429 with Retry-After per bearer token and per client
// address, appending nothing for a refused write.
#include "api/rate_limit.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "api/token_store.h"
#include "ledger/tlog/data_dir.h"
#include "tests/testing/ledgerd_process.h"

namespace ledger::api {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
namespace fs = std::filesystem;

TEST(TokenBucketsTest, BurstThenRefillAtRate) {
  TokenBuckets b(/*rate=*/2, /*burst=*/3);
  auto t0 = TokenBuckets::Clock::time_point{} + std::chrono::hours(1);
  EXPECT_EQ(b.Take("a", t0), 0);
  EXPECT_EQ(b.Take("a", t0), 0);
  EXPECT_EQ(b.Take("a", t0), 0);
  EXPECT_EQ(b.Take("a", t0), 1);  // empty; one token back in 0.5 s, rounded up
  EXPECT_EQ(b.Take("b", t0), 0);  // other keys have their own bucket
  EXPECT_EQ(b.Take("a", t0 + milliseconds(499)), 1);
  EXPECT_EQ(b.Take("a", t0 + milliseconds(501)), 0);
  EXPECT_EQ(b.Take("a", t0 + milliseconds(501)), 1);
  // A long pause refills to the burst, not beyond.
  auto t1 = t0 + std::chrono::hours(1);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(b.Take("a", t1), 0);
  EXPECT_EQ(b.Take("a", t1), 1);
}

TEST(TokenBucketsTest, RetryAfterIsTheWholeSecondsUntilAToken) {
  TokenBuckets slow(/*rate=*/0.1, /*burst=*/1);
  auto t0 = TokenBuckets::Clock::time_point{} + std::chrono::hours(1);
  EXPECT_EQ(slow.Take("k", t0), 0);
  EXPECT_EQ(slow.Take("k", t0), 10);
  EXPECT_EQ(slow.Take("k", t0 + std::chrono::seconds(4)), 6);
  EXPECT_EQ(slow.Take("k", t0 + std::chrono::seconds(10)), 0);
}

TEST(TokenBucketsTest, ZeroRateIsUnlimited) {
  TokenBuckets off(0, 0);
  EXPECT_FALSE(off.enabled());
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(off.Take("k"), 0);
  EXPECT_EQ(off.keys(), 0u);
}

TEST(TokenBucketsTest, ManyKeysDoNotGrowWithoutBound) {
  TokenBuckets b(/*rate=*/1, /*burst=*/1, /*max_keys=*/100);
  auto t0 = TokenBuckets::Clock::time_point{} + std::chrono::hours(1);
  for (int i = 0; i < 10000; ++i) b.Take("key-" + std::to_string(i), t0);
  EXPECT_LE(b.keys(), 100u);
  // Buckets that refilled are dropped first; a busy key keeps its state.
  TokenBuckets c(/*rate=*/1, /*burst=*/1, /*max_keys=*/3);
  EXPECT_EQ(c.Take("busy", t0), 0);
  c.Take("x", t0 - std::chrono::seconds(10));
  c.Take("y", t0 - std::chrono::seconds(10));
  EXPECT_EQ(c.Take("new", t0), 0);  // evicts x and y (full again by t0)
  EXPECT_EQ(c.Take("busy", t0), 1);
}

// GET /healthz over a connection from `local` (any 127.x.y.z address);
// returns the status line.
std::string GetFrom(const char* local, int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in me{};
  me.sin_family = AF_INET;
  inet_pton(AF_INET, local, &me.sin_addr);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&me), sizeof(me)), 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(port);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to)), 0);
  std::string req = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  send(fd, req.data(), req.size(), 0);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) out.append(buf, n);
  close(fd);
  return out.substr(0, out.find("\r\n"));
}

class RateLimitHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ledgerd-rate-XXXXXX";
    dir_ = mkdtemp(tmpl);
    ASSERT_TRUE(tlog::InitDataDir(tlog::DataDir{dir_}, "test.example/rate").ok());
    TokenStore tokens(tlog::DataDir{dir_}.tokens_file());
    a_ = *tokens.Issue("recorder", "rec-a", "");
    b_ = *tokens.Issue("recorder", "rec-b", "");
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }
  void Start(std::vector<std::string> flags) {
    flags.push_back("--generic");
    server_ = std::make_unique<testing::LedgerdProcess>(dir_, flags);
    ASSERT_TRUE(server_->Start());
  }
  httplib::Result Post(const std::string& token) {
    return server_->Client().Post("/api/v1/entries", {{"Authorization", "Bearer " + token}},
                                  R"({"type":"test.note","body":{}})", "application/json");
  }
  uint64_t TreeSize() {
    return json::parse(server_->Client().Get("/api/v1/log")->body)["tree_size"].get<uint64_t>();
  }
  static void ExpectTooMany(const httplib::Result& r, const std::string& says) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 429) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/problem+json");
    EXPECT_EQ(r->get_header_value_count("Retry-After"), 1u);
    int retry = std::atoi(r->get_header_value("Retry-After").c_str());
    // One write per 10 s: the wait is between 1 and 10 s.
    EXPECT_GE(retry, 1);
    EXPECT_LE(retry, 10);
    EXPECT_NE(json::parse(r->body)["detail"].get<std::string>().find(says), std::string::npos) << r->body;
  }

  std::string dir_, a_, b_;
  std::unique_ptr<testing::LedgerdProcess> server_;
};

TEST_F(RateLimitHttpTest, PerTokenWritesGet429WithRetryAfter) {
  // One write per 10 s per token (burst 1); no address limit.
  Start({"--rate-per-token", "0.1", "--rate-per-address", "0"});
  ASSERT_EQ(Post(a_)->status, 201);
  const uint64_t size = TreeSize();
  ExpectTooMany(Post(a_), "this token");
  EXPECT_EQ(TreeSize(), size);  // a refused write appends nothing
  ASSERT_EQ(Post(b_)->status, 201);  // another token has its own bucket
  ExpectTooMany(Post(b_), "this token");
  // Reads are not limited per token.
  for (int i = 0; i < 20; ++i) EXPECT_EQ(server_->Client().Get("/healthz")->status, 200);
}

TEST_F(RateLimitHttpTest, PerAddressRequestsGet429WithRetryAfter) {
  // One request per 10 s per address (burst 1), reads and writes alike.
  Start({"--rate-per-address", "0.1", "--rate-per-token", "0"});
  // Start() used 127.0.0.1's one token polling /healthz.
  ExpectTooMany(server_->Client().Get("/healthz"), "this address");
  ExpectTooMany(Post(a_), "this address");
  ExpectTooMany(server_->Client().Get("/checkpoint"), "this address");
  // Another address has its own bucket.
  EXPECT_EQ(GetFrom("127.0.0.2", server_->port()), "HTTP/1.1 200 OK");
  EXPECT_EQ(GetFrom("127.0.0.2", server_->port()).substr(0, 12), "HTTP/1.1 429");
  EXPECT_EQ(GetFrom("127.0.0.3", server_->port()), "HTTP/1.1 200 OK");
}

TEST_F(RateLimitHttpTest, DefaultsLeaveOrdinaryUseAlone) {
  Start({});
  for (int i = 0; i < 200; ++i) {
    auto r = server_->Client().Get("/healthz");
    ASSERT_EQ(r->status, 200);
  }
  for (int i = 0; i < 50; ++i) ASSERT_EQ(Post(a_)->status, 201);
}

}  // namespace
}  // namespace ledger::api
