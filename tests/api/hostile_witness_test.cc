// A witness is a third party: a real ledgerd on loopback against fake
// witnesses that are greedy (101 valid cosignatures), slow (a status line,
// then one header line a second) or send far too much. The log must stay
// readable, verifiable and on time, whatever they do.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "api/token_store.h"
#include "ledger/crypto/base64.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/cosignature.h"
#include "ledger/tlog/data_dir.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/witness.h"
#include "tests/testing/ledgerd_process.h"

namespace ledger {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::shared_ptr<tlog::CosignatureSigner> NewWitnessKey(const std::string& name) {
  auto k = crypto::Ed25519PrivateKey::Generate();
  return std::make_shared<tlog::CosignatureSigner>(name,
                                                   std::shared_ptr<const crypto::Signer>(std::move(*k)));
}

struct Ledger {
  std::string dir, vkey, recorder;
  std::unique_ptr<testing::LedgerdProcess> server;

  Ledger() {
    std::string t = "/tmp/hostile-witness-XXXXXX";
    dir = mkdtemp(t.data());
    vkey = *tlog::InitDataDir(tlog::DataDir{dir}, "test.example/ledger");
    recorder = *api::TokenStore(tlog::DataDir{dir}.tokens_file()).Issue("recorder", "rec", "");
  }
  ~Ledger() {
    server.reset();
    fs::remove_all(dir);
  }
  bool TryStart(std::vector<std::string> extra) {
    server = std::make_unique<testing::LedgerdProcess>(dir, extra);
    server->set_log_file(dir + "/ledgerd.log");
    return server->Start();
  }
  bool Start(std::vector<std::string> extra) {
    if (TryStart(std::move(extra))) return true;
    ADD_FAILURE() << "ledgerd did not start:\n" << Log();
    return false;
  }
  std::string Log() const {
    std::ifstream in(dir + "/ledgerd.log");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  uint64_t Note(int n) {
    auto r =
        server->Client().Post("/api/v1/entries", {{"Authorization", "Bearer " + recorder}},
                              json{{"type", "test.note"}, {"body", {{"n", n}}}}.dump(), "application/json");
    EXPECT_TRUE(r && r->status == 201) << (r ? r->body : "no answer");
    return r && r->status == 201 ? json::parse(r->body)["seq"].get<uint64_t>() : 0;
  }
  // The served checkpoint once it covers `size` entries and `pred` holds.
  std::string CheckpointWhere(uint64_t size, const std::function<bool(const std::string&)>& pred,
                              std::chrono::seconds within = 20s) {
    const auto until = Clock::now() + within;
    auto c = server->Client();
    while (Clock::now() < until) {
      auto r = c.Get("/checkpoint");
      if (r && r->status == 200) {
        auto note = tlog::ParseNote(r->body);
        if (note.ok() && tlog::ParseCheckpointBody(note->text)->size >= size && pred(r->body)) return r->body;
      }
      std::this_thread::sleep_for(20ms);
    }
    return "";
  }
};

// An in-process HTTP witness that answers add-checkpoint as `answer` says.
class FakeWitness {
 public:
  explicit FakeWitness(std::function<void(std::string_view note_text, httplib::Response&)> answer)
      : port_(testing::FreePort()) {
    server_.Post("/add-checkpoint", [this, answer](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard lock(mu_);
        client_ports_.push_back(req.remote_port);
      }
      auto framed = tlog::ParseAddCheckpointRequest(req.body);
      auto note = framed.ok() ? tlog::ParseNote(framed->checkpoint) : Result<tlog::Note>(framed.status());
      if (!note.ok()) {
        res.status = 400;
        return;
      }
      answer(note->text, res);
    });
    EXPECT_TRUE(server_.bind_to_port("127.0.0.1", port_));
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeWitness() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // The client port of every request, in order: one port, one connection.
  std::vector<int> ClientPorts() {
    std::lock_guard lock(mu_);
    return client_ports_;
  }

 private:
  int port_;
  httplib::Server server_;
  std::thread thread_;
  std::mutex mu_;
  std::vector<int> client_ports_;
};

// A witness that accepts, reads the request, sends "HTTP/1.1 200 OK" and
// then one header line a second, forever: every read sees a byte in time.
class TricklingWitness {
 public:
  TricklingWitness() : port_(testing::FreePort()) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port_);
    EXPECT_EQ(bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(listen(listen_fd_, 16), 0);
    acceptor_ = std::thread([this] {
      while (!stop_) {
        int fd = accept(listen_fd_, nullptr, nullptr);
        if (fd < 0) break;
        ++connections_;
        std::lock_guard lock(mu_);
        fds_.push_back(fd);
        conns_.emplace_back([this, fd] { Trickle(fd); });
      }
    });
  }
  ~TricklingWitness() {
    stop_ = true;
    shutdown(listen_fd_, SHUT_RDWR);
    close(listen_fd_);
    acceptor_.join();
    std::lock_guard lock(mu_);
    for (int fd : fds_) shutdown(fd, SHUT_RDWR);
    for (auto& t : conns_) t.join();
    for (int fd : fds_) close(fd);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int connections() const { return connections_; }

 private:
  void Trickle(int fd) {
    char buf[65536];
    timeval tv{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    if (recv(fd, buf, sizeof(buf), 0) <= 0) return;
    std::string out = "HTTP/1.1 200 OK\r\n";
    for (int i = 0; !stop_ && i < 120; ++i) {
      if (send(fd, out.data(), out.size(), MSG_NOSIGNAL) < 0) return;
      out = "X-Slow-" + std::to_string(i) + ": still coming\r\n";
      for (int t = 0; t < 10 && !stop_; ++t) std::this_thread::sleep_for(100ms);
    }
  }
  int port_, listen_fd_;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<int> fds_;
  std::vector<std::thread> conns_;
};

size_t LinesBy(const std::string& note, const std::string& name) {
  auto parsed = tlog::ParseNote(note);
  size_t n = 0;
  if (parsed.ok()) {
    for (const auto& s : parsed->signatures) n += s.name == name;
  }
  return n;
}

// A witness that answers add-checkpoint with 101 valid cosignature lines of
// its own key. The log keeps one: its checkpoint stays readable everywhere,
// receipts verify, the audit passes and ledgerd starts again.
TEST(HostileWitness, OneHundredAndOneValidCosignaturesKeepOne) {
  auto key = NewWitnessKey("greedy.example/w");
  std::atomic<int> asked{0};
  FakeWitness greedy([&](std::string_view text, httplib::Response& res) {
    ++asked;
    std::string body;
    for (int i = 0; i < 101; ++i) body += *tlog::CosignatureLine(*key, text, 1700000000 + i);
    res.set_content(body, "text/plain");
  });
  Ledger l;
  ASSERT_TRUE(l.Start({"--generic", "--witness", greedy.url() + "=" + key->vkey()}));
  uint64_t last = 0;
  for (int i = 0; i < 3; ++i) last = l.Note(i);
  auto verifier = tlog::ParseCosignatureVerifierKey(key->vkey());
  const std::string cp = l.CheckpointWhere(last + 1, [&](const std::string& note) {
    auto n = tlog::CountCosignatures(note, {verifier->get()});
    return n.ok() && *n == 1;
  });
  ASSERT_FALSE(cp.empty()) << "no cosigned checkpoint; the witness was asked " << asked << " times";
  EXPECT_EQ(LinesBy(cp, "greedy.example/w"), 1u) << cp;
  EXPECT_EQ(tlog::ParseNote(cp)->signatures.size(), 2u) << cp;

  auto c = l.server->Client();
  auto latest = c.Get("/api/v1/checkpoints/latest");
  ASSERT_TRUE(latest);
  ASSERT_EQ(latest->status, 200) << latest->body;
  EXPECT_EQ(json::parse(latest->body)["witnesses"].size(), 1u) << latest->body;
  auto receipt = c.Get("/api/v1/receipts/" + std::to_string(last) + "?wait=1");
  ASSERT_TRUE(receipt);
  ASSERT_EQ(receipt->status, 200) << receipt->body;
  std::ofstream(l.dir + "/receipt") << receipt->body;
  int code;
  std::string out = testing::RunCommand({testing::BinDir() + "/ledgerctl", "verify", l.dir + "/receipt",
                                         "--vkey", l.vkey, "--witness", key->vkey()},
                                        &code);
  EXPECT_EQ(code, 0) << out;
  l.server->Stop();

  out = testing::RunCommand({testing::BinDir() + "/ledgerctl", "audit", "--data", l.dir, "--quiet"}, &code);
  EXPECT_EQ(code, 0) << out;
  ASSERT_TRUE(l.Start({"--generic", "--witness", greedy.url() + "=" + key->vkey()}));
  auto again = l.server->Client().Get("/api/v1/checkpoints/latest");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 200) << again->body;
}

// A witness that sends its status line and then one header line a second
// never completes an answer. Checkpoints are published on time anyway: a new
// entry is covered within the documented bound (500 ms interval + 250 ms
// grace, plus signing and syncing), measured here only against a generous
// upper bound so a loaded machine does not fail it.
TEST(HostileWitness, ATricklingWitnessDoesNotHoldCheckpointsBack) {
  constexpr auto kGenerousBound = 6s;  // documented < 1 s
  TricklingWitness slow;
  auto key = NewWitnessKey("slow.example/w");
  Ledger l;
  ASSERT_TRUE(l.Start({"--generic", "--witness", slow.url() + "=" + key->vkey()}));
  for (int round = 0; round < 3; ++round) {
    const uint64_t seq = l.Note(round);
    const auto t0 = Clock::now();
    const std::string cp = l.CheckpointWhere(
        seq + 1, [](const std::string&) { return true; }, 30s);
    const auto took = Clock::now() - t0;
    ASSERT_FALSE(cp.empty());
    EXPECT_LT(took, kGenerousBound) << "round " << round << ": entry " << seq << " was covered after "
                                    << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                                    << " ms";
    std::this_thread::sleep_for(1s);  // let the witness exchanges pile up
  }
  EXPECT_GT(slow.connections(), 0);
  // Shutting down ends the exchanges in flight instead of waiting them out.
  const auto t0 = Clock::now();
  l.server->Stop();
  EXPECT_LT(Clock::now() - t0, 15s);
}

// An answer far larger than a cosignature is refused without being kept;
// the checkpoint is published all the same.
TEST(HostileWitness, AnOversizedAnswerIsIgnored) {
  auto key = NewWitnessKey("big.example/w");
  FakeWitness big([&](std::string_view text, httplib::Response& res) {
    std::string body = *tlog::CosignatureLine(*key, text, 1700000000);
    body += std::string(4 << 20, 'a') + "\n";
    res.set_content(body, "text/plain");
  });
  Ledger l;
  ASSERT_TRUE(l.Start({"--generic", "--witness", big.url() + "=" + key->vkey()}));
  const uint64_t seq = l.Note(1);
  const std::string cp = l.CheckpointWhere(seq + 1, [](const std::string&) { return true; });
  ASSERT_FALSE(cp.empty());
  EXPECT_EQ(LinesBy(cp, "big.example/w"), 0u) << cp;
  l.server->Stop();
  EXPECT_NE(l.Log().find("larger than"), std::string::npos) << l.Log();
}

// An honest witness that also signs with a key type this project does not
// implement (an ML-DSA-44 line, type 0x06, first): that line is ignored, the
// cosignature kept; and ledgerd keeps one connection to it alive rather than
// opening one per checkpoint.
TEST(HonestWitness, OneKeptAliveConnectionAndOtherSignatureTypesIgnored) {
  auto key = NewWitnessKey("pq.example/w");
  FakeWitness witness([&](std::string_view text, httplib::Response& res) {
    std::string mldsa(4 + 2420, '\x42');
    res.set_content("\xe2\x80\x94 pq.example/w " + crypto::Base64Encode(mldsa) + "\n" +
                        *tlog::CosignatureLine(*key, text, 1700000000),
                    "text/plain");
  });
  Ledger l;
  ASSERT_TRUE(l.Start({"--generic", "--witness", witness.url() + "=" + key->vkey()}));
  auto verifier = tlog::ParseCosignatureVerifierKey(key->vkey());
  for (int i = 0; i < 4; ++i) {
    const uint64_t seq = l.Note(i);
    const std::string cp = l.CheckpointWhere(seq + 1, [&](const std::string& note) {
      return *tlog::CountCosignatures(note, {verifier->get()}) == 1;
    });
    ASSERT_FALSE(cp.empty());
    EXPECT_EQ(LinesBy(cp, "pq.example/w"), 1u) << cp;  // the cosignature, not the 0x06 line
    std::this_thread::sleep_for(600ms);
  }
  const std::vector<int> ports = witness.ClientPorts();
  ASSERT_GE(ports.size(), 4u);
  std::set<int> distinct(ports.begin(), ports.end());
  EXPECT_EQ(distinct.size(), 1u) << ports.size() << " requests came on " << distinct.size() << " connections";
}

// ledgerd's trust policy: served at /tlog-policy and in /api/v1/log, the
// flags written as one, and a policy file that does not fit refused at start.
TEST(LedgerdPolicy, ServedAsGivenAndRefusedWhenItDoesNotFit) {
  Ledger l;
  ASSERT_TRUE(l.Start({"--generic"}));
  auto c = l.server->Client();
  auto policy = c.Get("/tlog-policy");
  ASSERT_TRUE(policy);
  EXPECT_EQ(policy->status, 200);
  EXPECT_EQ(policy->get_header_value("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_NE(policy->body.find("log " + l.vkey + "\n"), std::string::npos) << policy->body;
  EXPECT_NE(policy->body.find("quorum none\n"), std::string::npos) << policy->body;
  EXPECT_EQ(json::parse(c.Get("/api/v1/log")->body)["policy"], policy->body);
  l.server->Stop();

  auto key = NewWitnessKey("ok.example/w");
  FakeWitness honest([&](std::string_view text, httplib::Response& res) {
    res.set_content(*tlog::CosignatureLine(*key, text, 1700000000), "text/plain");
  });
  const std::string text = "# this ledger's witnesses\nlog " + l.vkey + "\nwitness ok " + key->vkey() + " " +
                           honest.url() + "\nquorum ok\n";
  std::ofstream(l.dir + "/tlog-policy") << text;
  ASSERT_TRUE(l.Start({"--generic", "--policy", l.dir + "/tlog-policy"}));
  EXPECT_EQ(l.server->Client().Get("/tlog-policy")->body, text);
  const uint64_t seq = l.Note(1);
  auto verifier = tlog::ParseCosignatureVerifierKey(key->vkey());
  EXPECT_FALSE(l.CheckpointWhere(seq + 1, [&](const std::string& note) {
                  return *tlog::CountCosignatures(note, {verifier->get()}) == 1;
                }).empty());
  l.server->Stop();

  struct Bad {
    std::string policy, says;
  };
  auto other = crypto::Ed25519PrivateKey::Generate();
  for (const Bad& b : std::vector<Bad>{
           {"log " + tlog::FormatVerifierKey("test.example/ledger", (*other)->PublicKey()) +
                "\nquorum none\n",
            "no log line with this log's key"},
           {"log " + l.vkey + "\nquorum nobody\n", "policy line 2"},
       }) {
    std::ofstream(l.dir + "/bad-policy") << b.policy;
    EXPECT_FALSE(l.TryStart({"--generic", "--policy", l.dir + "/bad-policy"})) << b.policy;
    EXPECT_NE(l.Log().find(b.says), std::string::npos) << l.Log();
  }
  EXPECT_FALSE(l.TryStart(
      {"--generic", "--policy", l.dir + "/tlog-policy", "--witness", honest.url() + "=" + key->vkey()}));
  EXPECT_NE(l.Log().find("not both"), std::string::npos) << l.Log();
}

}  // namespace
}  // namespace ledger
