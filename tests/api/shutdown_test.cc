// SIGTERM with a client trickling headers (issue 16, section 6): ledgerd
// used to stay down but not exited for as long as the client kept sending
// a byte within each read timeout (57 s in the report). Now it drains for
// --drain-seconds, then closes what is left and exits; acknowledged
// entries stay durable.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/token_store.h"
#include "ledger/tlog/data_dir.h"
#include "tests/testing/ledgerd_process.h"

namespace ledger::api {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

TEST(ShutdownTest, SigtermWithATricklingClientExitsAfterTheDrainTimeKeepingAcknowledgedEntries) {
  char t[] = "/tmp/ledger-shutdown-XXXXXX";
  const std::string dir = mkdtemp(t);
  const std::string data = dir + "/ledger";
  int code = -1;
  testing::RunCommand(
      {testing::BinDir() + "/ledgerctl", "init", "--data", data, "--origin", "test.example/stop"}, &code);
  ASSERT_EQ(code, 0);
  const std::string token = *TokenStore(tlog::DataDir{data}.tokens_file()).Issue("recorder", "rec-1", "");
  testing::LedgerdProcess server(data, {"--generic", "--read-timeout", "5", "--drain-seconds", "2"});
  server.set_log_file(dir + "/ledgerd.log");
  ASSERT_TRUE(server.Start());
  httplib::Client c = server.Client();
  auto r = c.Post("/api/v1/entries", {{"Authorization", "Bearer " + token}},
                  json{{"type", "test.note"}, {"body", {{"n", 1}}}}.dump(), "application/json");
  ASSERT_TRUE(r && r->status == 201);
  const std::string acked = json::parse(r->body)["entry"].dump();

  // A client that sends one header byte a second, for up to 60 s: inside
  // every read timeout, so only the drain bound can end it.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(server.port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  std::atomic<bool> trickling{true}, stop{false};
  std::thread trickler([&] {
    std::string start = "GET /healthz HTTP/1.1\r\nX-Slow: ";
    send(fd, start.data(), start.size(), MSG_NOSIGNAL);
    for (int i = 0; i < 60 && !stop; ++i) {
      std::this_thread::sleep_for(1s);
      if (send(fd, "a", 1, MSG_NOSIGNAL) != 1) break;  // the server closed it
    }
    trickling = false;
  });
  std::this_thread::sleep_for(1500ms);  // the trickle is under way
  ASSERT_TRUE(trickling);

  kill(server.pid(), SIGTERM);
  bool exited = false;
  for (int i = 0; i < 400 && trickling && !exited; ++i) {  // the bound is the trickle, not a timing assertion
    exited = !server.Alive();
    if (!exited) std::this_thread::sleep_for(100ms);
  }
  const bool exited_while_trickling = exited || !server.Alive();
  stop = true;
  trickler.join();
  close(fd);
  EXPECT_TRUE(exited_while_trickling) << "ledgerd was still running when the trickling client gave up";
  server.Stop(SIGKILL);  // in case it did not exit
  EXPECT_TRUE(WIFEXITED(server.exit_status()) && WEXITSTATUS(server.exit_status()) == 0)
      << "wait status " << server.exit_status();
  std::ifstream log(dir + "/ledgerd.log");
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("still open after the 2 s drain time; closing them"), std::string::npos) << text;

  // The acknowledged entry is there, and the store audits clean.
  std::string out =
      testing::RunCommand({testing::BinDir() + "/ledgerctl", "audit", "--data", data, "--quiet"}, &code);
  EXPECT_EQ(code, 0) << out;
  testing::LedgerdProcess again(data, {"--generic"});
  again.set_log_file(dir + "/ledgerd.log");
  ASSERT_TRUE(again.Start());
  auto e = again.Client().Get("/api/v1/entries/0");
  ASSERT_TRUE(e && e->status == 200);
  EXPECT_EQ(json::parse(e->body)["entry"].dump(), acked);
  again.Stop();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ledger::api
