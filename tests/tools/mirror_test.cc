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

  std::string first = Exec({Ctl(), "publish", "--data", data, "--out", out, "--site", site}, &code);
  ASSERT_EQ(code, 0) << first;
  // A second run finds nothing new to write.
  std::string again = Exec({Ctl(), "publish", "--data", data, "--out", out, "--site", site}, &code);
  ASSERT_EQ(code, 0) << again;
  EXPECT_NE(again.find(": 0 files written"), std::string::npos) << again;

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
