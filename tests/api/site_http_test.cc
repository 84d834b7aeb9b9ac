// The public site as a real ledgerd serves it (api/site_routes.cc,
// api/static_files.h): gzip when asked (never twice), strong ETags and 304,
// Cache-Control by path, files changed on disk served anew, and nothing
// outside the site directory.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "api/static_files.h"
#include "ledger/tlog/data_dir.h"
#include "tests/testing/ledgerd_process.h"

namespace ledger::api {
namespace {

namespace fs = std::filesystem;

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

std::string Text(size_t n, const std::string& seed) {
  std::string s;
  while (s.size() < n) s += seed + " " + std::to_string(s.size()) + "\n";
  return s;
}

class SiteHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ledgerd-site-XXXXXX";
    dir_ = mkdtemp(tmpl);
    data_ = dir_ + "/data";
    site_ = dir_ + "/site";
    ASSERT_TRUE(tlog::InitDataDir(tlog::DataDir{data_}, "test.example/site").ok());
    Write("index.html", "<!doctype html><title>home</title>" + Text(4000, "<p>hello</p>"));
    Write("js/app.js", Text(20000, "export const x = 1;"));
    Write("vendor/lib-1.2.3.min.js", Text(30000, "var lib=1;"));
    Write("vendor/plain.js", Text(3000, "var plain=1;"));
    Write("tiny.css", "a{}");
    Write("img.png", std::string("\x89PNG\r\n\x1a\n", 8) + std::string(2000, '\0'));
    Write(".hidden", "secret");
    std::ofstream(dir_ + "/outside.txt") << "outside the site";
    fs::create_symlink(dir_ + "/outside.txt", site_ + "/link.txt");
    server_ = std::make_unique<testing::LedgerdProcess>(data_, std::vector<std::string>{"--site", site_});
    ASSERT_TRUE(server_->Start());
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(dir_);
  }
  void Write(const std::string& rel, const std::string& bytes) {
    fs::create_directories(fs::path(site_ + "/" + rel).parent_path());
    std::ofstream(site_ + "/" + rel, std::ios::binary | std::ios::trunc) << bytes;
  }
  std::string Read(const std::string& rel) {
    std::ifstream f(site_ + "/" + rel, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(f), {});
  }
  // A client that neither asks for nor undoes compression by itself.
  httplib::Result Get(const std::string& path, httplib::Headers h = {}) {
    httplib::Client c = server_->Client();
    c.set_decompress(false);
    if (!h.count("Accept-Encoding")) h.emplace("Accept-Encoding", "identity");
    return c.Get(path.c_str(), h);
  }

  std::string dir_, data_, site_;
  std::unique_ptr<testing::LedgerdProcess> server_;
};

TEST_F(SiteHttpTest, ServesFilesAsTheyAreWithTypesAndNosniff) {
  auto r = Get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, Read("index.html"));
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_FALSE(r->has_header("Content-Encoding"));
  r = Get("/js/app.js");
  EXPECT_EQ(r->body, Read("js/app.js"));
  EXPECT_EQ(r->get_header_value("Content-Type"), "application/javascript; charset=utf-8");
  EXPECT_EQ(Get("/img.png")->get_header_value("Content-Type"), "image/png");
}

TEST_F(SiteHttpTest, GzipWhenAcceptedAndNeverTwice) {
  for (const char* accept : {"gzip", "gzip, deflate, br", "br;q=1, gzip;q=0.5", "*"}) {
    for (const char* path : {"/index.html", "/js/app.js", "/vendor/lib-1.2.3.min.js"}) {
      auto r = Get(path, {{"Accept-Encoding", accept}});
      ASSERT_TRUE(r) << path;
      EXPECT_EQ(r->get_header_value("Content-Encoding"), "gzip") << path << " with " << accept;
      EXPECT_EQ(r->get_header_value("Vary"), "Accept-Encoding");
      // One inflate gives the file back: compressed exactly once.
      EXPECT_EQ(Gunzip(r->body), Read(std::string(path).substr(1))) << path << " with " << accept;
      EXPECT_LT(r->body.size(), Read(std::string(path).substr(1)).size() / 3);
    }
  }
  for (const char* accept : {"identity", "gzip;q=0", "br", "gzip;q=0, *"}) {
    auto r = Get("/js/app.js", {{"Accept-Encoding", accept}});
    EXPECT_FALSE(r->has_header("Content-Encoding")) << accept;
    EXPECT_EQ(r->body, Read("js/app.js")) << accept;
  }
  // Too small to gain, or not text: sent as they are.
  EXPECT_FALSE(Get("/tiny.css", {{"Accept-Encoding", "gzip"}})->has_header("Content-Encoding"));
  EXPECT_FALSE(Get("/img.png", {{"Accept-Encoding", "gzip"}})->has_header("Content-Encoding"));
}

TEST_F(SiteHttpTest, EtagAndLastModifiedGive304) {
  auto r = Get("/js/app.js");
  const std::string etag = r->get_header_value("ETag");
  const std::string modified = r->get_header_value("Last-Modified");
  ASSERT_EQ(etag.size(), 34u) << etag;
  EXPECT_EQ(etag.front(), '"');
  EXPECT_NE(modified.find(" GMT"), std::string::npos);
  auto again = Get("/js/app.js", {{"If-None-Match", etag}});
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  EXPECT_EQ(again->get_header_value("ETag"), etag);
  EXPECT_EQ(Get("/js/app.js", {{"If-None-Match", "\"other\", " + etag}})->status, 304);
  EXPECT_EQ(Get("/js/app.js", {{"If-None-Match", "\"other\""}})->status, 200);
  EXPECT_EQ(Get("/js/app.js", {{"If-Modified-Since", modified}})->status, 304);
  // If-None-Match wins over If-Modified-Since (RFC 9110 section 13.2.2).
  EXPECT_EQ(Get("/js/app.js", {{"If-None-Match", "\"other\""}, {"If-Modified-Since", modified}})->status, 200);
  // The gzip representation has its own tag, and either tag revalidates.
  auto gz = Get("/js/app.js", {{"Accept-Encoding", "gzip"}});
  EXPECT_NE(gz->get_header_value("ETag"), etag);
  EXPECT_EQ(Get("/js/app.js", {{"Accept-Encoding", "gzip"}, {"If-None-Match", gz->get_header_value("ETag")}})->status, 304);
}

TEST_F(SiteHttpTest, CacheControlByPath) {
  EXPECT_EQ(Get("/vendor/lib-1.2.3.min.js")->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(Get("/vendor/plain.js")->get_header_value("Cache-Control"), "no-cache");
  EXPECT_EQ(Get("/index.html")->get_header_value("Cache-Control"), "no-cache");
  EXPECT_EQ(Get("/js/app.js")->get_header_value("Cache-Control"), "no-cache");
  EXPECT_EQ(CacheControlFor("vendor/echarts-sankey-6.1.0.min.js"), "public, max-age=31536000, immutable");
  EXPECT_EQ(CacheControlFor("js/app-1.2.3.js"), "no-cache");
  EXPECT_EQ(CacheControlFor("vendor/noble-ed25519.js"), "no-cache");
}

TEST_F(SiteHttpTest, AChangedFileIsServedAnewWithoutRestart) {
  const std::string before = Get("/js/app.js")->get_header_value("ETag");
  Write("js/app.js", Text(20000, "export const y = 2;"));
  // A later modification time even on coarse clocks.
  struct timespec times[2] = {{0, UTIME_OMIT}, {time(nullptr) + 5, 0}};
  ASSERT_EQ(utimensat(AT_FDCWD, (site_ + "/js/app.js").c_str(), times, 0), 0);
  auto r = Get("/js/app.js", {{"If-None-Match", before}});
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, Read("js/app.js"));
  EXPECT_NE(r->get_header_value("ETag"), before);
}

TEST_F(SiteHttpTest, NothingOutsideTheSiteDirectory) {
  httplib::Client c = server_->Client();
  for (const char* path : {"/../outside.txt", "/js/../../outside.txt", "/%2e%2e/outside.txt", "/js/%2e%2e/%2e%2e/outside.txt",
                           "/.hidden", "/link.txt", "/js//app.js", "/nope.html", "/js/"}) {
    auto r = Get(path);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 404) << path;
    EXPECT_EQ(r->get_header_value("Content-Type"), "application/problem+json") << path;
    EXPECT_EQ(r->body.find("outside the site"), std::string::npos) << path;
    EXPECT_EQ(r->body.find("secret"), std::string::npos) << path;
  }
}

TEST_F(SiteHttpTest, HeadAndTheApiStillAnswer) {
  httplib::Client c = server_->Client();
  auto head = c.Head("/js/app.js");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
  EXPECT_EQ(head->get_header_value("Content-Length"), std::to_string(Read("js/app.js").size()));
  EXPECT_EQ(Get("/api/v1/log")->status, 200);
  EXPECT_EQ(Get("/checkpoint")->status, 200);
  auto missing = Get("/api/v1/nothing-here");
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->get_header_value("Content-Type"), "application/problem+json");
}

TEST(StaticFiles, GzipRoundTripsAndTypesByExtension) {
  const std::string s = Text(100000, "données 数据");
  auto gz = Gzip(s);
  ASSERT_TRUE(gz.ok());
  EXPECT_EQ(Gunzip(*gz), s);
  EXPECT_EQ(ContentTypeFor("a/b.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("config.json"), "application/json; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("x.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("x.tlog-proof"), "application/octet-stream");
}

}  // namespace
}  // namespace ledger::api
