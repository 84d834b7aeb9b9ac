// ledgerctl publish writes a static mirror; a real nginx serves it on
// loopback; ledgerctl monitor and a donor's receipt verification work against
// the mirror exactly as against ledgerd.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "ledger/tlog/cosignature.h"
#include "tests/testing/ledgerd_process.h"

namespace ledger {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string Exec(const std::vector<std::string>& args, int* code) { return testing::RunCommand(args, code); }

std::string Ctl() { return testing::BinDir() + "/ledgerctl"; }

// nginx with its own config, in the foreground, as the test's user.
class Nginx {
 public:
  Nginx(const std::string& root, const std::string& dir) : dir_(dir) {
    port_ = testing::FreePort();
    fs::create_directories(dir + "/tmp");
    std::ofstream(dir + "/nginx.conf")
        << "daemon off; master_process off; pid " << dir << "/nginx.pid; error_log " << dir << "/error.log;\n"
        << "events { worker_connections 64; }\n"
        << "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        << "  access_log off;\n"
        << "  client_body_temp_path " << dir << "/tmp; proxy_temp_path " << dir << "/tmp;\n"
        << "  fastcgi_temp_path " << dir << "/tmp; uwsgi_temp_path " << dir << "/tmp; scgi_temp_path " << dir
        << "/tmp;\n"
        << "  server {\n    listen 127.0.0.1:" << port_ << ";\n    root " << root << ";\n"
        << "    location = /checkpoint { default_type \"text/plain; charset=utf-8\"; }\n"
        << "    location = /tlog-policy { default_type \"text/plain; charset=utf-8\"; }\n"
        << "    location /api/v1/receipts/ { default_type \"text/plain; charset=utf-8\"; }\n"
        << "    location /api/ { default_type \"application/json; charset=utf-8\"; "
           "try_files $uri $uri/index.json =404; }\n"
        << "  }\n}\n";
    pid_ = fork();
    if (pid_ == 0) {
      execl("/usr/sbin/nginx", "nginx", "-p", dir.c_str(), "-c", (dir + "/nginx.conf").c_str(), nullptr);
      _exit(127);
    }
  }
  ~Nginx() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool Ready() {
    httplib::Client c("127.0.0.1", port_);
    for (int i = 0; i < 100; ++i) {
      if (auto r = c.Get("/checkpoint"); r && r->status == 200) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    std::ifstream log(dir_ + "/error.log");
    std::stringstream ss;
    ss << log.rdbuf();
    ADD_FAILURE() << "nginx did not start: " << ss.str();
    return false;
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int port() const { return port_; }

 private:
  std::string dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

TEST(Mirror, NginxServesWhatMonitorAndReceiptsVerify) {
  if (!fs::exists("/usr/sbin/nginx")) GTEST_SKIP() << "nginx is not installed (tools/setup.sh installs it)";
  char tmpl[] = "/tmp/ledger-mirror-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const std::string data = dir + "/data", out = dir + "/out", site = dir + "/site";
  int code = 0;
  const std::string vkey = Exec({Ctl(), "init", "--data", data, "--origin", "mirror.example/ledger"}, &code);
  ASSERT_EQ(code, 0);
  const std::string key = vkey.substr(0, vkey.find('\n'));
  Exec({Ctl(), "demo", "--data", data}, &code);
  ASSERT_EQ(code, 0);
  fs::create_directories(site);
  std::ofstream(site + "/index.html") << "<!doctype html><title>mirror</title>";
  std::ofstream(site + "/config.json") << R"({"_comment":"the site's own","log_vkey":null,"theme":"light"})";
  // The back office writes through the API, which a mirror does not have.
  fs::create_directories(site + "/admin");
  std::ofstream(site + "/admin/index.html") << "<!doctype html><title>back office</title>";

  std::string first = Exec({Ctl(), "publish", "--data", data, "--out", out, "--site", site}, &code);
  ASSERT_EQ(code, 0) << first;
  // A second run finds nothing new to write.
  std::string again = Exec({Ctl(), "publish", "--data", data, "--out", out, "--site", site}, &code);
  ASSERT_EQ(code, 0) << again;
  EXPECT_NE(again.find(": 0 files written"), std::string::npos) << again;

  // The log's trust policy: without --policy, the log alone and no witness;
  // written at tlog-policy, in api/v1/log, and pinned into config.json with
  // the site's own fields kept.
  auto read = [](const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  const std::string plain = read(out + "/tlog-policy");
  EXPECT_NE(plain.find("log " + key + "\n"), std::string::npos) << plain;
  EXPECT_NE(plain.find("quorum none\n"), std::string::npos) << plain;
  json config = json::parse(read(out + "/config.json"));
  EXPECT_EQ(config["log_vkey"], key);
  EXPECT_EQ(config["origin"], "mirror.example/ledger");
  EXPECT_EQ(config["policy"], plain);
  EXPECT_EQ(config["policy_path"], "tlog-policy");
  EXPECT_EQ(config["policy_flat"], true);
  EXPECT_EQ(config["witness_quorum"], 0);
  EXPECT_EQ(config["theme"], "light");
  EXPECT_EQ(json::parse(read(out + "/api/v1/log"))["policy"], plain);
  // A policy of two groups (2 of 3 and 1 of 2): config.json says it is not
  // flat, lists the five witnesses and the fewest cosignatures it takes.
  std::string policy_text = "log " + key + "\n";
  for (const char* n : {"a1", "a2", "a3", "b1", "b2"}) {
    auto k = crypto::Ed25519PrivateKey::Generate();
    tlog::CosignatureSigner w(std::string(n) + ".example/w", std::shared_ptr<const crypto::Signer>(std::move(*k)));
    policy_text += std::string("witness ") + n + " " + w.vkey() + "\n";
  }
  policy_text += "group a 2 a1 a2 a3\ngroup b any b1 b2\ngroup ab all a b\nquorum ab\n";
  std::ofstream(dir + "/policy") << policy_text;
  std::string with_policy =
      Exec({Ctl(), "publish", "--data", data, "--out", out, "--site", site, "--policy", dir + "/policy"}, &code);
  ASSERT_EQ(code, 0) << with_policy;
  EXPECT_EQ(read(out + "/tlog-policy"), policy_text);
  config = json::parse(read(out + "/config.json"));
  EXPECT_EQ(config["policy"], policy_text);
  EXPECT_EQ(config["policy_flat"], false);
  EXPECT_EQ(config["witness_quorum"], 3);
  EXPECT_EQ(config["witnesses"].size(), 5u);
  // A policy that does not list this log is refused.
  std::ofstream(dir + "/other-policy") << "quorum none\n";
  Exec({Ctl(), "publish", "--data", data, "--out", out, "--site", site, "--policy", dir + "/other-policy"}, &code);
  EXPECT_NE(code, 0);

  Nginx nginx(out, dir + "/nginx");
  ASSERT_TRUE(nginx.Ready());

  // The monitor reads only the C2SP static paths: it verifies everything,
  // replaying the fund rules, against plain files.
  std::string mon = Exec({Ctl(), "monitor", "--url", nginx.url(), "--vkey", key, "--state", dir + "/monitor.state"},
                        &code);
  EXPECT_EQ(code, 0) << mon;

  // A donor's receipt fetched from the mirror verifies offline.
  httplib::Client c("127.0.0.1", nginx.port());
  auto funds = c.Get("/api/v1/funds");
  ASSERT_TRUE(funds && funds->status == 200);
  EXPECT_FALSE(json::parse(funds->body)["funds"].empty());
  auto entries = c.Get("/api/v1/entries");
  ASSERT_TRUE(entries && entries->status == 200);
  uint64_t donation = 0;
  bool found = false;
  for (uint64_t seq = 0; seq < 200 && !found; ++seq) {
    auto e = c.Get("/api/v1/entries/" + std::to_string(seq));
    ASSERT_TRUE(e && e->status == 200) << seq;
    if (json::parse(e->body)["entry"]["type"] == "donation") {
      donation = seq;
      found = true;
    }
  }
  ASSERT_TRUE(found);
  auto receipt = c.Get("/api/v1/receipts/" + std::to_string(donation) + "?wait=1");
  ASSERT_TRUE(receipt && receipt->status == 200);
  std::ofstream(dir + "/r.tlog-proof") << receipt->body;
  std::string verified = Exec({Ctl(), "verify", dir + "/r.tlog-proof", "--vkey", key}, &code);
  EXPECT_EQ(code, 0) << verified;
  EXPECT_NE(verified.find("VERIFIED"), std::string::npos) << verified;
  EXPECT_EQ(c.Get("/index.html")->status, 200);
  EXPECT_FALSE(fs::exists(out + "/admin")) << "the back office is not published";
  EXPECT_EQ(c.Get("/admin/index.html")->status, 404);
  // The lottery views: the collection (a directory too) and the announcement
  // of the last full year with lottery figures (the demo's 2020).
  auto lottery = c.Get("/api/v1/lottery");
  ASSERT_TRUE(lottery && lottery->status == 200);
  EXPECT_FALSE(json::parse(lottery->body)["periods"].empty());
  auto announcement = c.Get("/api/v1/lottery/announcement?year=2017");
  ASSERT_TRUE(announcement && announcement->status == 200);
  EXPECT_EQ(json::parse(announcement->body)["year"], 2020);
  // The 360Giving export, the same package `ledgerctl export` gives.
  auto giving = c.Get("/api/v1/export/360giving.json");
  ASSERT_TRUE(giving && giving->status == 200);
  std::string exported = Exec({Ctl(), "export", "--data", data, "--format", "360giving"}, &code);
  ASSERT_EQ(code, 0);
  EXPECT_EQ(json::parse(giving->body), json::parse(exported));
  // The policy the mirror pins is served where ledgerd serves it.
  auto served_policy = c.Get("/tlog-policy");
  ASSERT_TRUE(served_policy && served_policy->status == 200);
  EXPECT_EQ(served_policy->get_header_value("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(served_policy->body, read(out + "/tlog-policy"));

  // A tampered tile on the mirror is caught by the monitor on its next run.
  {
    std::fstream t(out + "/tile/0/000", std::ios::in | std::ios::out | std::ios::binary);
    t.seekp(100);
    t.put('\x7f');
  }
  fs::remove(dir + "/monitor.state");
  std::string caught = Exec({Ctl(), "monitor", "--url", nginx.url(), "--vkey", key, "--state", dir + "/monitor.state"},
                           &code);
  EXPECT_EQ(code, 3) << caught;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ledger
