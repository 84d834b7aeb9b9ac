// JSON answers of a real ledgerd, gzip-compressed when the client accepts it
// (api/response_gzip.h, docs/api.md "Compression"): the coding and length
// headers, and the decompressed bytes equal to the uncompressed answer.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "api/response_gzip.h"
#include "api/token_store.h"
#include "ledger/tlog/data_dir.h"
#include "tests/testing/ledgerd_process.h"

namespace ledger::api {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Gunzip(const std::string& in) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return "<inflateInit2 failed>";
  std::string out;
  char buf[16384];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  int rc;
  do {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - zs.avail_out);
  } while (rc == Z_OK);
  inflateEnd(&zs);
  return rc == Z_STREAM_END ? out : "<not gzip>";
}

class JsonGzipTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ledgerd-jsongz-XXXXXX";
    dir_ = mkdtemp(tmpl);
    ASSERT_TRUE(tlog::InitDataDir(tlog::DataDir{dir_}, "test.example/jsongz").ok());
    TokenStore tokens(dir_ + "/tokens.jsonl");
    admin_ = *tokens.Issue("admin", "admin", "");
    recorder_ = *tokens.Issue("recorder", "recorder-1", "");
    server_ = std::make_unique<testing::LedgerdProcess>(dir_);
    ASSERT_TRUE(server_->Start());
    Post(admin_, {{"type", "fund.open"},
                  {"body", {{"id", "students"}, {"name", {{"zh", "助学"}, {"en", "Students"}}},
                            {"purpose", "p"}, {"kind", "charity"}, {"opened_on", "2016-01-01"}}}});
    for (int i = 0; i < 30; ++i) {
      Post(recorder_, {{"type", "donation"},
                       {"body", {{"fund", "students"}, {"amount", 10000 + i}, {"channel", "bank"},
                                 {"received_at", "2016-02-01"}}}});
    }
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }
  void Post(const std::string& token, const json& req) {
    auto r = server_->Client().Post("/api/v1/entries", {{"Authorization", "Bearer " + token}}, req.dump(),
                                    "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 201) << r->body;
  }
  // A client that neither asks for nor undoes compression by itself.
  httplib::Result Get(const std::string& path, const std::string& accept) {
    httplib::Client c = server_->Client();
    c.set_decompress(false);
    return c.Get(path.c_str(), {{"Accept-Encoding", accept}});
  }

  std::string dir_, admin_, recorder_;
  std::unique_ptr<testing::LedgerdProcess> server_;
};

TEST_F(JsonGzipTest, LargeJsonAnswersAreGzippedWhenAcceptedAndInflateToTheSameBytes) {
  for (const char* path : {"/api/v1/entries?limit=50", "/api/v1/entries?type=donation&order=desc",
                           "/api/v1/funds/students", "/api/v1/entries/3"}) {
    auto plain = Get(path, "identity");
    ASSERT_TRUE(plain);
    ASSERT_EQ(plain->status, 200) << path;
    if (plain->body.size() < kMinJsonGzipBytes) {
      // Small answers stay as they are.
      auto r = Get(path, "gzip");
      EXPECT_FALSE(r->has_header("Content-Encoding")) << path;
      EXPECT_EQ(r->body, plain->body) << path;
      continue;
    }
    EXPECT_FALSE(plain->has_header("Content-Encoding")) << path;
    EXPECT_EQ(plain->get_header_value("Vary"), "Accept-Encoding") << path;
    for (const char* accept : {"gzip", "gzip, deflate, br", "br;q=1, gzip;q=0.5", "*"}) {
      auto r = Get(path, accept);
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, 200);
      EXPECT_EQ(r->get_header_value("Content-Encoding"), "gzip") << path << " with " << accept;
      EXPECT_EQ(r->get_header_value("Vary"), "Accept-Encoding");
      EXPECT_EQ(r->get_header_value("Content-Type"), plain->get_header_value("Content-Type"));
      EXPECT_EQ(r->get_header_value("Content-Length"), std::to_string(r->body.size()));
      EXPECT_EQ(r->get_header_value_count("Content-Length"), 1u);
      EXPECT_LT(r->body.size(), plain->body.size());
      // One inflate gives the answer back, byte for byte: compressed once.
      EXPECT_EQ(Gunzip(r->body), plain->body) << path << " with " << accept;
    }
    for (const char* accept : {"identity", "gzip;q=0", "br", "deflate", "gzip;q=0, *"}) {
      auto r = Get(path, accept);
      EXPECT_FALSE(r->has_header("Content-Encoding")) << path << " with " << accept;
      EXPECT_EQ(r->body, plain->body) << path << " with " << accept;
    }
  }
  // The entries list of 31 entries is well over the threshold.
  EXPECT_GT(Get("/api/v1/entries?limit=50", "identity")->body.size(), 4 * kMinJsonGzipBytes);
}

TEST_F(JsonGzipTest, HeadGivesTheCompressedLengthAndPostsStillAnswer) {
  httplib::Client c = server_->Client();
  c.set_decompress(false);
  auto get = Get("/api/v1/entries?limit=50", "gzip");
  auto head = c.Head("/api/v1/entries?limit=50", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
  EXPECT_EQ(head->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(head->get_header_value("Content-Length"), std::to_string(get->body.size()));
  // A POST's answer is JSON too, and is compressed by the same rule only when large.
  auto posted = server_->Client().Post("/api/v1/entries", {{"Authorization", "Bearer " + recorder_}, {"Accept-Encoding", "gzip"}},
                                       json{{"type", "donation"},
                                            {"body", {{"fund", "students"}, {"amount", 1}, {"channel", "bank"},
                                                      {"received_at", "2016-02-01"}}}}
                                           .dump(),
                                       "application/json");
  ASSERT_TRUE(posted);
  EXPECT_EQ(posted->status, 201);
  json answer;
  EXPECT_NO_THROW(answer = json::parse(posted->body));
  EXPECT_EQ(answer.value("seq", 0), 31);
}

TEST(AcceptsGzip, ReadsAcceptEncodingAsRfc9110Says) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("GZIP"));
  EXPECT_TRUE(AcceptsGzip("x-gzip"));
  EXPECT_TRUE(AcceptsGzip("deflate, gzip;q=0.1"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_TRUE(AcceptsGzip(" br , * ;q=0.5"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("br"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0.000"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0, *"));
  EXPECT_FALSE(AcceptsGzip("*;q=0"));
}

}  // namespace
}  // namespace ledger::api
