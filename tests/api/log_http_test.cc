// ledgerd over real HTTP on loopback: the log routes, proofs checked against
// the signed checkpoint it serves, receipts, and bad requests that must be
// refused with a problem+json error and leave the ledger as it was.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "api/token_store.h"
#include "ledger/crypto/base64.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/data_dir.h"
#include "ledger/tlog/merkle_verifier.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/store_keys.h"
#include "ledger/tlog/tile.h"
#include "ledger/tlog/tlog_proof.h"
#include "tests/testing/ledgerd_process.h"

namespace ledger::api {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

crypto::Hash B64Hash(const std::string& s) {
  auto raw = crypto::Base64Decode(s);
  crypto::Hash h{};
  EXPECT_TRUE(raw && raw->size() == 32);
  if (raw) std::copy(raw->begin(), raw->end(), h.begin());
  return h;
}

class LogHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ledgerd-http-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto vkey = tlog::InitDataDir(tlog::DataDir{dir_}, "test.example/ledger");
    ASSERT_TRUE(vkey.ok()) << vkey.status().ToString();
    vkey_ = *vkey;
    TokenStore tokens(tlog::DataDir{dir_}.tokens_file());
    token_ = *tokens.Issue("recorder", "rec-1", "");
    fs::create_directories(dir_ + "/site");
    std::ofstream(dir_ + "/site/index.html") << "<!doctype html><title>site</title>";
    server_ = std::make_unique<testing::LedgerdProcess>(
        dir_, std::vector<std::string>{"--generic", "--site", dir_ + "/site"});
    ASSERT_TRUE(server_->Start());
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }

  httplib::Result Post(const std::string& body, const std::string& token) {
    auto c = server_->Client();
    httplib::Headers h;
    if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
    return c.Post("/api/v1/entries", h, body, "application/json");
  }
  uint64_t TreeSize() {
    auto r = server_->Client().Get("/api/v1/log");
    return json::parse(r->body)["tree_size"].get<uint64_t>();
  }

  std::string dir_, vkey_, token_;
  std::unique_ptr<testing::LedgerdProcess> server_;
};

TEST_F(LogHttpTest, AppendProveAndReceipt) {
  for (int i = 0; i < 20; ++i) {
    auto r = Post(R"({"type":"test.note","body":{"n":)" + std::to_string(i) + "}}", token_);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 201) << r->body;
    EXPECT_EQ(json::parse(r->body)["seq"], i);
  }
  auto c = server_->Client();
  // The receipt waits for a checkpoint, then verifies offline.
  auto receipt = c.Get("/api/v1/receipts/13?wait=1");
  ASSERT_EQ(receipt->status, 200) << receipt->body;
  auto proof = tlog::ParseTlogProof(receipt->body);
  ASSERT_TRUE(proof.ok()) << proof.status().ToString();
  auto verifier = tlog::ParseVerifierKey(vkey_);
  auto verified = tlog::VerifyTlogProof(*proof, **verifier);
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  EXPECT_EQ(verified->index, 13u);

  // /checkpoint is signed by the log key; JSON proofs lead to its root.
  auto cp = c.Get("/checkpoint");
  ASSERT_EQ(cp->status, 200);
  EXPECT_EQ(cp->get_header_value("Content-Type"), "text/plain; charset=utf-8");
  auto note = tlog::OpenNote(cp->body, {verifier->get()});
  ASSERT_TRUE(note.ok());
  auto body = tlog::ParseCheckpointBody(note->text);
  ASSERT_TRUE(body.ok());
  const uint64_t n = body->size;
  ASSERT_GE(n, 14u);
  for (uint64_t seq : std::vector<uint64_t>{0, 7, n - 1}) {
    auto entry = json::parse(c.Get("/api/v1/entries/" + std::to_string(seq))->body);
    std::string raw = *crypto::Base64Decode(entry["raw"].get<std::string>());
    EXPECT_EQ(crypto::Base64Encode(crypto::AsBytes(tlog::HashLeaf(raw))), entry["leaf_hash"]);
    auto pr = json::parse(c.Get("/api/v1/proof/inclusion?seq=" + std::to_string(seq) + "&size=" + std::to_string(n))->body);
    std::vector<crypto::Hash> hashes;
    for (auto& h : pr["hashes"]) hashes.push_back(B64Hash(h));
    EXPECT_TRUE(tlog::VerifyInclusion(seq, n, tlog::HashLeaf(raw), hashes, body->root).ok());
  }
  auto cons = json::parse(c.Get("/api/v1/proof/consistency?from=3&to=" + std::to_string(n))->body);
  std::vector<crypto::Hash> hashes;
  for (auto& h : cons["hashes"]) hashes.push_back(B64Hash(h));
  auto root3 = json::parse(c.Get("/api/v1/proof/inclusion?seq=0&size=3")->body)["root"];
  EXPECT_TRUE(tlog::VerifyConsistency(3, n, B64Hash(root3), body->root, hashes).ok());

  // Tiles: the partial level-0 tile holds the leaf hashes; cache headers differ.
  auto tile = c.Get("/" + tlog::FormatTilePath({false, 0, 0, static_cast<int>(n)}));
  ASSERT_EQ(tile->status, 200);
  EXPECT_EQ(tile->body.size(), 32 * n);
  EXPECT_EQ(tile->get_header_value("Cache-Control"), "public, max-age=60");
  auto bundle = c.Get("/" + tlog::FormatTilePath({true, 0, 0, static_cast<int>(n)}));
  ASSERT_EQ(bundle->status, 200);
  auto entries = tlog::SplitBundle(bundle->body);
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(entries->size(), n);
  EXPECT_EQ(c.Get("/tile/0/000")->status, 404);  // not full yet
  EXPECT_EQ(c.Get("/healthz")->status, 200);
  const std::string metrics = c.Get("/metrics")->body;
  EXPECT_NE(metrics.find("ledger_tree_size"), std::string::npos);
  // The memory the log keeps by design is shown: at least the level-0 edge tile.
  const uint64_t tiles = testing::Metric(metrics, "ledger_log_tile_cache_bytes");
  ASSERT_NE(tiles, testing::kNoMetric);
  EXPECT_GT(tiles, 0u);
  // What the writer wrote since start: the 20 POSTs above, one batch each
  // (each waited for its answer), each adding one hash to the level-0 edge
  // tile as a merge operand (a byte, then the hash).
  EXPECT_EQ(testing::Metric(metrics, "ledger_log_entries_total"), 20u);
  EXPECT_EQ(testing::Metric(metrics, "ledger_log_batches_total"), 20u);
  EXPECT_GE(testing::Metric(metrics, "ledger_log_wal_syncs_total"), 1u);
  const uint64_t tile_bytes = testing::Metric(metrics, "ledger_log_tile_bytes_written_total");
  EXPECT_EQ(tile_bytes, 20 * (tlog::keys::TileKey(0, 0).size() + 1 + 32));
  EXPECT_GT(testing::Metric(metrics, "ledger_log_bytes_written_total"), tile_bytes);
  // The allocator the program was linked with serves malloc, and says what it holds.
  EXPECT_NE(metrics.find("ledger_heap_allocator_info{allocator=\"" LEDGER_PROGRAM_ALLOCATOR "\"} 1\n"),
            std::string::npos)
      << metrics;
  const uint64_t allocated = testing::Metric(metrics, "ledger_heap_allocated_bytes");
  ASSERT_NE(allocated, testing::kNoMetric);
  EXPECT_GT(allocated, 1u << 20);  // at least the log's tile cache and RocksDB's memtable arena
  if (std::string_view(LEDGER_PROGRAM_ALLOCATOR) == "jemalloc") {
    const uint64_t resident = testing::Metric(metrics, "ledger_heap_resident_bytes");
    ASSERT_NE(resident, testing::kNoMetric);
    EXPECT_GE(resident, allocated);
  }
}

TEST_F(LogHttpTest, BadRequestsAreRefusedAndChangeNothing) {
  ASSERT_EQ(Post(R"({"type":"test.note","body":{}})", token_)->status, 201);
  const uint64_t before = TreeSize();
  struct Case {
    std::string body, token;
    int status;
    std::string says;
  };
  std::string deep = R"({"type":"t","body":)";
  for (int i = 0; i < 40; ++i) deep += R"({"a":)";
  deep += "1";
  for (int i = 0; i < 41; ++i) deep += "}";
  std::vector<Case> cases = {
      {R"({"type":"test.note","body":{}})", "", 401, "missing"},
      {R"({"type":"test.note","body":{}})", "00ff", 401, "unknown"},
      {R"({"type":"test.note","body":{})", token_, 400, "malformed JSON"},
      {R"({"type":"test.note","body":{"a":1.5}})", token_, 400, "integers"},
      {R"({"type":"test.note","body":{"a":99999999999999999999999}})", token_, 400, "integers"},
      {R"({"type":"test.note","body":{"a":1,"a":2}})", token_, 400, "duplicate key"},
      {R"({"type":"test.note","body":{"a":"\xff"}})", token_, 400, "malformed JSON"},
      {deep, token_, 400, "nested"},
      {R"({"type":"Test","body":{}})", token_, 400, "lowercase"},
      {R"({"type":"test.note","body":[]})", token_, 400, "request must be"},
      {R"({"type":"test.note","body":{},"extra":1})", token_, 400, "unknown request field"},
      {R"({"type":"test.note","body":{"s":")" + std::string(300000, 'x') + "\"}}", token_, 413, "exceeds"},
      {R"({"type":"test.note","body":{"s":")" + std::string(70000, 'x') + "\"}}", token_, 413, "exceeds"},
  };
  for (const auto& c : cases) {
    auto r = Post(c.body, c.token);
    ASSERT_TRUE(r) << c.says;
    EXPECT_EQ(r->status, c.status) << c.says << ": " << r->body.substr(0, 200);
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/problem+json") << c.says;
    auto j = json::parse(r->body, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << c.says;
    EXPECT_EQ(j["status"], c.status);
    EXPECT_NE(j["detail"].get<std::string>().find(c.says), std::string::npos)
        << "wanted '" << c.says << "' in: " << j["detail"];
  }
  EXPECT_EQ(TreeSize(), before);

  auto c = server_->Client();
  for (const char* path : {"/tile/0/0001", "/tile/64/000", "/tile/0/x000/001", "/api/v1/proof/inclusion?seq=0&size=99",
                           "/api/v1/proof/consistency?from=2&to=1", "/api/v1/proof/inclusion?seq=-1&size=1",
                           "/api/v1/proof/consistency?from=0&to=1"}) {
    auto r = c.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 400) << path << ": " << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/problem+json") << path;
  }
  EXPECT_EQ(c.Get("/api/v1/entries/99")->status, 404);
  // tlog-tiles levels run from 0 to 63: a level that no tree of 2^64 entries
  // reaches is a path that does not exist, 404, not a malformed one.
  for (const char* path : {"/tile/8/000", "/tile/9/000.p/3", "/tile/63/x001/000"}) {
    auto r = c.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 404) << path << ": " << r->body;
  }
  // The site is served; nothing outside it is.
  EXPECT_EQ(c.Get("/index.html")->status, 200);
  for (const char* path : {"/../etc/passwd", "/%2e%2e/etc/passwd", "/..%2f..%2fetc/passwd", "/../log.key",
                           "/%2e%2e/log.key"}) {
    auto r = c.Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_GE(r->status, 400) << path;
    EXPECT_LT(r->status, 500) << path;
    EXPECT_EQ(r->body.find("root:"), std::string::npos) << path;
    EXPECT_EQ(r->body.find("PRIVATE+KEY"), std::string::npos) << path;
  }
}

}  // namespace
}  // namespace ledger::api
