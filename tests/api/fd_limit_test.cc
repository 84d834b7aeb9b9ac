// File descriptors under a real ledgerd (issue 16, section 6): with
// `ulimit -n 256`, 400 connections used to take every descriptor, so RocksDB
// failed to open its next WAL and the log stopped, and new connections hung
// unanswered. Now connections are capped below what the store leaves, the
// excess is answered 503 at once, and writes go on through WAL switches.
// The test uses a limit of 128 and 180 slow connections (each holding a
// half-sent request), the same situation at a smaller scale: connecting is
// slow on a loaded machine (cpp-httplib listens with a backlog of 5).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "api/process_limits.h"
#include "api/token_store.h"
#include "ledger/tlog/data_dir.h"
#include "tests/testing/ledgerd_process.h"

namespace ledger::api {
namespace {

using nlohmann::json;
using testing::Metric;
namespace fs = std::filesystem;

// Connects and sends half a request, so the server holds the connection
// until its read timeout.
int ConnectSlow(int port);

int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  timeval tv{10, 0};  // a bound for a hanging server, not a timing assertion
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  return fd;
}

int ConnectSlow(int port) {
  int fd = Connect(port);
  if (fd >= 0) send(fd, "GET /healthz HTTP/1.1\r\nX-Slow: ", 32, MSG_NOSIGNAL);
  return fd;
}

// Sends a GET and reads until the server closes or 10 s pass.
std::string Exchange(int fd, const std::string& path) {
  const std::string req = "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  send(fd, req.data(), req.size(), MSG_NOSIGNAL);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) out.append(buf, n);
  return out;
}

struct Dir {
  std::string path;
  Dir() {
    char t[] = "/tmp/ledger-fds-XXXXXX";
    path = mkdtemp(t);
  }
  ~Dir() { fs::remove_all(path); }
};

std::string Init(const std::string& data) {
  int code = -1;
  testing::RunCommand(
      {testing::BinDir() + "/ledgerctl", "init", "--data", data, "--origin", "test.example/fds"}, &code);
  EXPECT_EQ(code, 0);
  return *TokenStore(tlog::DataDir{data}.tokens_file()).Issue("recorder", "rec-1", "");
}

TEST(FdLimitTest, AConnectionFloodIsAnswered503AndWritesGoOnThroughWalSwitches) {
  Dir dir;
  const std::string data = dir.path + "/ledger";
  const std::string token = Init(data);
  // A 64 KiB write buffer (--min-free-bytes / 4): the WAL switches every
  // few hundred entries, each time opening a new file.
  testing::LedgerdProcess server(data, {"--generic", "--read-timeout", "60", "--min-free-bytes", "256K"});
  server.set_log_file(dir.path + "/ledgerd.log");
  server.set_fd_limit(128, 128);
  ASSERT_TRUE(server.Start());

  httplib::Client writer = server.Client();  // one keep-alive connection, opened before the flood
  writer.set_keep_alive(true);
  auto metrics = writer.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(Metric(metrics->body, "ledger_fd_limit"), 128u);
  const uint64_t max_connections = Metric(metrics->body, "ledger_max_connections");
  ASSERT_GT(max_connections, 16u);
  ASSERT_LT(max_connections, 100u) << "the connection limit leaves nothing for the store";

  std::vector<int> flood;
  for (int i = 0; i < 180; ++i) {
    int fd = ConnectSlow(server.port());
    if (fd >= 0) flood.push_back(fd);
    // The writer's connection stays open (idle ones close after 5 s).
    ASSERT_TRUE(writer.Get("/healthz"));
  }
  ASSERT_GT(flood.size(), 150u);

  // A new client is answered, and told why, instead of hanging.
  int probe = Connect(server.port());
  ASSERT_GE(probe, 0);
  const std::string refused = Exchange(probe, "/healthz");
  close(probe);
  EXPECT_TRUE(refused.starts_with("HTTP/1.1 503"))
      << "a connection over the limit was not refused: '" << refused << "'";
  EXPECT_NE(refused.find("Retry-After: 1"), std::string::npos) << refused;
  EXPECT_NE(refused.find("too many connections"), std::string::npos) << refused;

  // Writes go on, through several WAL switches.
  const std::string pad(400, 'p');
  for (int i = 0; i < 400; ++i) {
    json req = {{"type", "test.note"}, {"body", {{"n", i}, {"pad", pad}}}};
    auto r = writer.Post("/api/v1/entries", {{"Authorization", "Bearer " + token}}, req.dump(),
                         "application/json");
    ASSERT_TRUE(r) << "write " << i << " got no answer";
    ASSERT_EQ(r->status, 201) << "write " << i << ": " << r->body;
  }
  metrics = writer.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_GE(Metric(metrics->body, "ledger_store_flushes_total"), 2u) << "the WAL never switched";
  EXPECT_EQ(Metric(metrics->body, "ledger_writes_stopped"), 0u);
  EXPECT_GE(Metric(metrics->body, "ledger_connections_refused_total"), 1u);
  EXPECT_LE(Metric(metrics->body, "ledger_connections"), max_connections);
  EXPECT_LT(Metric(metrics->body, "ledger_open_fds"), 128u);

  for (int fd : flood) close(fd);
  // Once the flood is gone, new connections are served again.
  bool served = false;
  for (int i = 0; i < 100 && !served; ++i) {
    int fd = Connect(server.port());
    served = Exchange(fd, "/healthz").starts_with("HTTP/1.1 200");
    close(fd);
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(served);
  server.Stop();
  int code = -1;
  std::string out =
      testing::RunCommand({testing::BinDir() + "/ledgerctl", "audit", "--data", data, "--quiet"}, &code);
  EXPECT_EQ(code, 0) << out;
}

TEST(FdLimitTest, TheSoftLimitIsRaisedToTheHardOneAtStart) {
  Dir dir;
  const std::string data = dir.path + "/ledger";
  Init(data);
  testing::LedgerdProcess server(data, {"--generic"});
  server.set_log_file(dir.path + "/ledgerd.log");
  server.set_fd_limit(256, 4096);
  ASSERT_TRUE(server.Start());
  auto metrics = server.Client().Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(Metric(metrics->body, "ledger_fd_limit"), 4096u);
  auto health = server.Client().Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(json::parse(health->body)["fds"]["limit"], 4096);
  server.Stop();
  std::ifstream log(dir.path + "/ledgerd.log");
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("open-file limit 4096 (raised from 256)"), std::string::npos) << text;
}

// How many of `n` non-blocking connects to 127.0.0.1:port complete their
// handshake within 500 ms while nobody accepts: the accept queue's length.
int HandshakesWithoutAccept(int port, int n) {
  std::vector<int> fds;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int i = 0; i < n; ++i) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    (void)connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof(to));
    fds.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  int done = 0;
  for (int fd : fds) {
    pollfd p{fd, POLLOUT, 0};
    int err = 0;
    socklen_t len = sizeof(err);
    if (poll(&p, 1, 0) == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) ++done;
    close(fd);
  }
  return done;
}

// cpp-httplib listens with a backlog of 5; ledgerd widens it so that a burst
// of new connections is queued, not dropped (api/process_limits.h).
TEST(FdLimitTest, TheAcceptQueueIsWidenedBeyondCppHttplibsFive) {
  auto listener = [](int backlog, int* port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
    EXPECT_EQ(listen(fd, backlog), 0);
    socklen_t len = sizeof(a);
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    *port = ntohs(a.sin_port);
    return fd;
  };
  int narrow_port = 0, wide_port = 0;
  const int narrow = listener(5, &narrow_port), wide = listener(5, &wide_port);
  EXPECT_EQ(WidenListenBacklog(wide_port, kListenBacklog), 1);
  EXPECT_EQ(WidenListenBacklog(wide_port, kListenBacklog), 1) << "listening again is harmless";
  const int narrow_done = HandshakesWithoutAccept(narrow_port, 64);
  const int wide_done = HandshakesWithoutAccept(wide_port, 64);
  EXPECT_LE(narrow_done, 8) << "a backlog of 5 queued more than expected";
  EXPECT_EQ(wide_done, 64);
  close(narrow);
  close(wide);
}

}  // namespace
}  // namespace ledger::api
