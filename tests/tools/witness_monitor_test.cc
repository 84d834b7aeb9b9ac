// End to end on loopback, with real processes: two `ledgerctl witness`
// servers cosign a real ledgerd's checkpoints and refuse a log that rewrote
// its history; `ledgerctl monitor` verifies a growing charity ledger from the
// C2SP static paths and ends with exit code 3 on a fork, a rewritten entry, a
// rewritten history, a broken fund rule and a missing witness quorum.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <mutex>
#include <thread>

#include "api/token_store.h"
#include "ledger/crypto/base64.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/cosignature.h"
#include "ledger/tlog/data_dir.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/tile.h"
#include "ledger/tlog/tree_hasher.h"
#include "tests/testing/ledgerd_process.h"
#include "tests/tools/child_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

namespace ledger {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::BinDir;
using testing::FreePort;
using testing::RunCommand;

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string TempDir(const std::string& tag) {
  std::string t = "/tmp/" + tag + "-XXXXXX";
  return mkdtemp(t.data());
}

// A ledger directory with a log and tokens, and a ledgerd serving it.
struct Ledger {
  std::string dir, vkey, admin, recorder;
  std::unique_ptr<testing::LedgerdProcess> server;

  void Init(const std::string& d) {
    dir = d;
    auto v = tlog::InitDataDir(tlog::DataDir{dir}, "test.example/ledger");
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    vkey = *v;
    Tokens();
  }
  void Tokens() {
    api::TokenStore tokens(tlog::DataDir{dir}.tokens_file());
    admin = *tokens.Issue("admin", "admin-" + std::to_string(rand()), "");
    recorder = *tokens.Issue("recorder", "rec-" + std::to_string(rand()), "");
  }
  void Start(std::vector<std::string> extra = {}) {
    server = std::make_unique<testing::LedgerdProcess>(dir, extra);
    ASSERT_TRUE(server->Start());
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(server->port()); }
  void Post(const std::string& token, const json& req) {
    auto r = server->Client().Post("/api/v1/entries", {{"Authorization", "Bearer " + token}}, req.dump(),
                                   "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 201) << r->body;
  }
  void Note(int n) { Post(recorder, {{"type", "test.note"}, {"body", {{"n", n}}}}); }
  void OpenFund() {
    Post(admin, {{"type", "fund.open"},
                 {"body", {{"id", "f1"}, {"name", {{"zh", "助学"}, {"en", "Students"}}}, {"purpose", "p"},
                           {"kind", "charity"}, {"opened_on", "2015-01-01"}}}});
  }
  void Donate(int amount) {
    Post(recorder, {{"type", "donation"},
                    {"body", {{"fund", "f1"}, {"amount", amount}, {"channel", "bank"},
                              {"received_at", "2020-01-02"}}}});
  }
  uint64_t Size() {
    auto r = server->Client().Get("/api/v1/log");
    return json::parse(r->body)["tree_size"].get<uint64_t>();
  }
  // The served checkpoint once it covers `size` entries and `pred` holds
  // (waits up to 20 s). Cosignatures may be added to a published checkpoint
  // later (docs/format.md section 9), so a test that needs them waits.
  std::string CheckpointAtLeast(uint64_t size,
                                const std::function<bool(const std::string&)>& pred = nullptr) {
    for (int i = 0; i < 200; ++i) {
      auto r = server->Client().Get("/checkpoint");
      if (r && r->status == 200) {
        auto note = tlog::ParseNote(r->body);
        if (note.ok()) {
          auto body = tlog::ParseCheckpointBody(note->text);
          if (body.ok() && body->size >= size && (!pred || pred(r->body))) return r->body;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ADD_FAILURE() << "no checkpoint covers " << size;
    return "";
  }
};

struct Witness {
  std::string dir, vkey, url;
  int port = 0;
  testing::ChildProcess process;

  void Start(const std::string& name, const std::string& log_vkey) {
    dir = TempDir("witness");
    int code;
    vkey = Trim(RunCommand({BinDir() + "/ledgerctl", "witness-key", "--data", dir, "--name", name}, &code));
    ASSERT_EQ(code, 0);
    // Asking again keeps the key.
    EXPECT_EQ(Trim(RunCommand({BinDir() + "/ledgerctl", "witness-key", "--data", dir}, &code)), vkey);
    port = FreePort();
    url = "http://127.0.0.1:" + std::to_string(port);
    ASSERT_TRUE(process.Start({BinDir() + "/ledgerctl", "witness", "--data", dir, "--listen",
                               "127.0.0.1:" + std::to_string(port), "--log-vkey", log_vkey},
                              port));
  }
  ~Witness() {
    process.Stop();
    if (!dir.empty()) fs::remove_all(dir);
  }
  httplib::Result Add(const std::string& body) {
    httplib::Client c("127.0.0.1", port);
    return c.Post("/add-checkpoint", body, "text/plain");
  }
};

size_t Cosigners(const std::string& note, const std::vector<std::string>& vkeys) {
  std::vector<std::unique_ptr<tlog::CosignatureVerifier>> owned;
  std::vector<const tlog::CosignatureVerifier*> vs;
  for (const auto& k : vkeys) {
    owned.push_back(tlog::ParseCosignatureVerifierKey(k).value());
    vs.push_back(owned.back().get());
  }
  auto n = tlog::CountCosignatures(note, vs);
  EXPECT_TRUE(n.ok()) << n.status().ToString();
  return n.ok() ? *n : 0;
}

TEST(WitnessEndToEnd, TwoWitnessesCosignAndRefuseARewrittenLog) {
  Ledger a;
  a.Init(TempDir("wit-ledger-a"));
  // B has A's key and origin but will record a different history.
  std::string b_dir = TempDir("wit-ledger-b");
  fs::copy(a.dir, b_dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  Witness w1, w2;
  w1.Start("w1.example/witness", a.vkey);
  w2.Start("w2.example/witness", a.vkey);
  // A third witness that is down (nothing listens on its port) must not stop
  // the other two from cosigning.
  auto down_key = crypto::Ed25519PrivateKey::Generate();
  const std::string down_vkey =
      tlog::CosignatureSigner("down.example/witness", std::shared_ptr<const crypto::Signer>(std::move(*down_key))).vkey();
  const std::string down_url = "http://127.0.0.1:" + std::to_string(FreePort());
  const std::vector<std::string> witness_flags = {"--generic", "--witness", w1.url + "=" + w1.vkey,
                                                  "--witness", w2.url + "=" + w2.vkey,
                                                  "--witness", down_url + "=" + down_vkey, "--witness-quorum", "2"};
  a.Start(witness_flags);
  auto log_key = tlog::ParseVerifierKey(a.vkey);
  ASSERT_TRUE(log_key.ok());

  auto both = [&](const std::string& note) { return Cosigners(note, {w1.vkey, w2.vkey}) == 2; };
  for (int i = 0; i < 5; ++i) a.Note(i);
  std::string cp = a.CheckpointAtLeast(5, both);
  EXPECT_TRUE(tlog::OpenNote(cp, {log_key->get()}).ok());
  EXPECT_EQ(Cosigners(cp, {w1.vkey, w2.vkey}), 2u) << cp;
  for (int i = 5; i < 10; ++i) a.Note(i);
  cp = a.CheckpointAtLeast(10, both);
  EXPECT_EQ(Cosigners(cp, {w1.vkey, w2.vkey}), 2u) << cp;

  // A restarted ledgerd has forgotten the witnesses' sizes: it learns them
  // from their 409 replies and still gets cosignatures.
  a.server->Stop();
  a.Start(witness_flags);
  a.Note(10);
  cp = a.CheckpointAtLeast(11, both);
  EXPECT_EQ(Cosigners(cp, {w1.vkey, w2.vkey}), 2u) << cp;
  const uint64_t cosigned = a.Size();

  // A receipt carries the cosigned checkpoint: `ledgerctl verify` checks the quorum.
  auto receipt = a.server->Client().Get("/api/v1/receipts/3?wait=1");
  ASSERT_EQ(receipt->status, 200) << receipt->body;
  const std::string receipt_file = w1.dir + "/receipt.tlog-proof";
  std::ofstream(receipt_file) << receipt->body;
  int code;
  std::string out = RunCommand({BinDir() + "/ledgerctl", "verify", receipt_file, "--vkey", a.vkey, "--witness",
                                w1.vkey, "--witness", w2.vkey},
                               &code);
  EXPECT_EQ(code, 0) << out;
  EXPECT_NE(out.find("VERIFIED"), std::string::npos) << out;
  auto stranger = crypto::Ed25519PrivateKey::Generate();
  const std::string stranger_vkey =
      tlog::CosignatureSigner("w3.example/witness", std::shared_ptr<const crypto::Signer>(std::move(*stranger))).vkey();
  out = RunCommand({BinDir() + "/ledgerctl", "verify", receipt_file, "--vkey", a.vkey, "--witness", w1.vkey,
                    "--witness", stranger_vkey},
                   &code);
  EXPECT_EQ(code, 3) << out;
  EXPECT_NE(out.find("group witnesses has 1 of the 2 it needs"), std::string::npos) << out;
  out = RunCommand({BinDir() + "/ledgerctl", "verify", receipt_file, "--vkey", a.vkey, "--witness", w1.vkey,
                    "--witness", stranger_vkey, "--quorum", "1"},
                   &code);
  EXPECT_EQ(code, 0) << out;
  a.server->Stop();

  // The same key, a rewritten history: the witnesses refuse it.
  Ledger b;
  b.dir = b_dir;
  b.vkey = a.vkey;
  b.Tokens();
  b.Start(witness_flags);
  for (int i = 0; i < 20; ++i) b.Note(1000 + i);
  std::string forged = b.CheckpointAtLeast(20);
  EXPECT_TRUE(tlog::OpenNote(forged, {log_key->get()}).ok());  // the log's key did sign it
  std::this_thread::sleep_for(std::chrono::seconds(3));        // longer than any late cosignature takes
  forged = b.CheckpointAtLeast(20);
  EXPECT_EQ(Cosigners(forged, {w1.vkey, w2.vkey}), 0u) << forged;

  // Straight to the witness: a consistency proof from what it cosigned to the
  // rewritten tree does not verify (422).
  auto fb = tlog::ParseCheckpointBody(tlog::ParseNote(forged)->text);
  ASSERT_TRUE(fb.ok());
  auto proof = b.server->Client().Get("/api/v1/proof/consistency?from=" + std::to_string(cosigned) +
                                       "&to=" + std::to_string(fb->size));
  ASSERT_EQ(proof->status, 200) << proof->body;
  std::string req = "old " + std::to_string(cosigned) + "\n";
  const json proof_json = json::parse(proof->body);  // kept alive for the loop
  ASSERT_FALSE(proof_json["hashes"].empty());
  for (const auto& h : proof_json["hashes"]) req += h.get<std::string>() + "\n";
  auto r = w1.Add(req + "\n" + forged);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422) << r->body;

  // The rewritten tree at the very size the witness cosigned: a fork, 422.
  auto incl = b.server->Client().Get("/api/v1/proof/inclusion?seq=0&size=" + std::to_string(cosigned));
  ASSERT_EQ(incl->status, 200);
  auto root = crypto::Base64Decode(json::parse(incl->body)["root"].get<std::string>());
  tlog::CheckpointBody same{"test.example/ledger", cosigned, {}, {}};
  std::copy(root->begin(), root->end(), same.root.begin());
  auto key = tlog::ReadLogKey(tlog::DataDir{a.dir}, true);
  ASSERT_TRUE(key.ok());
  auto signer = tlog::NewEd25519NoteSigner(key->origin, key->signer);
  auto same_note = tlog::SignNote(tlog::FormatCheckpointBody(same), {signer.get()});
  r = w2.Add("old " + std::to_string(cosigned) + "\n\n" + *same_note);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 422) << r->body;
  EXPECT_NE(r->body.find("fork"), std::string::npos) << r->body;
  // A stale old size is still 409 with the size it cosigned.
  r = w2.Add("old 1\n\n" + *same_note);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/x.tlog.size");
  EXPECT_EQ(r->body, std::to_string(cosigned) + "\n");
  // The monitoring endpoint serves what the witness cosigned, with its
  // cosignature: A's checkpoint, not B's.
  const std::string origin_hash = crypto::ToHex(crypto::Sha256Of("test.example/ledger"));
  auto mon = httplib::Client("127.0.0.1", w1.port).Get("/" + origin_hash + "/checkpoint");
  ASSERT_TRUE(mon);
  ASSERT_EQ(mon->status, 200) << mon->body;
  EXPECT_EQ(Cosigners(mon->body, {w1.vkey}), 1u) << mon->body;
  EXPECT_TRUE(tlog::OpenNote(mon->body, {log_key->get()}).ok());
  EXPECT_EQ(tlog::ParseCheckpointBody(tlog::ParseNote(mon->body)->text)->size, cosigned);
  EXPECT_EQ(httplib::Client("127.0.0.1", w1.port).Get("/" + std::string(64, 'a') + "/checkpoint")->status, 404);
  // Unknown origin and untrusted signature over HTTP.
  auto other = crypto::Ed25519PrivateKey::Generate();
  auto other_signer = tlog::NewEd25519NoteSigner("other.example/log", std::shared_ptr<const crypto::Signer>(std::move(*other)));
  same.origin = "other.example/log";
  r = w1.Add("old 0\n\n" + *tlog::SignNote(tlog::FormatCheckpointBody(same), {other_signer.get()}));
  EXPECT_EQ(r->status, 404);
  b.server->Stop();
  fs::remove_all(a.dir);
  fs::remove_all(b_dir);
}

// Serves a log's static paths with one thing changed: a forged checkpoint,
// or a tampered entry bundle; everything else comes from the real ledgerd.
class TamperingMirror {
 public:
  TamperingMirror(int upstream_port) : upstream_(upstream_port), port_(FreePort()) {
    server_.Get("/checkpoint", [this](const httplib::Request&, httplib::Response& res) {
      if (!checkpoint_.empty()) return res.set_content(checkpoint_, "text/plain");
      Proxy("/checkpoint", res);
    });
    server_.Get(R"(/tile/(.*))", [this](const httplib::Request& req, httplib::Response& res) {
      {
        std::lock_guard lock(mu_);
        requested_.push_back(req.path);
      }
      if (missing_ && missing_(req.path)) {
        res.status = 404;
        return;
      }
      Proxy(req.path, res);
      if (req.path.starts_with("/tile/entries/") && bundle_hook_) res.body = bundle_hook_(res.body);
    });
    EXPECT_TRUE(server_.bind_to_port("127.0.0.1", port_));
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~TamperingMirror() {
    server_.stop();
    thread_.join();
  }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::string checkpoint_;
  std::function<std::string(const std::string&)> bundle_hook_;
  std::function<bool(const std::string&)> missing_;  // paths answered 404
  std::vector<std::string> Requested() {
    std::lock_guard lock(mu_);
    return requested_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> requested_;
  void Proxy(const std::string& path, httplib::Response& res) {
    httplib::Client c("127.0.0.1", upstream_);
    auto r = c.Get(path);
    if (!r) {
      res.status = 502;
      return;
    }
    res.status = r->status;
    res.set_content(r->body, "application/octet-stream");
  }
  int upstream_, port_;
  httplib::Server server_;
  std::thread thread_;
};

int Monitor(const std::string& url, const std::string& vkey, const std::string& state, std::string* out,
            std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {BinDir() + "/ledgerctl", "monitor", "--url", url, "--state", state};
  if (!vkey.empty()) args.insert(args.end(), {"--vkey", vkey});
  args.insert(args.end(), extra.begin(), extra.end());
  int code;
  *out = RunCommand(args, &code);
  return code;
}

TEST(MonitorEndToEnd, VerifiesGrowthAndCatchesForksRewritesAndBrokenRules) {
  Ledger a;
  a.Init(TempDir("mon-ledger-a"));
  std::string b_dir = TempDir("mon-ledger-b");
  fs::copy(a.dir, b_dir, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  std::string work = TempDir("mon-work");
  a.Start();
  a.OpenFund();
  for (int i = 0; i < 3; ++i) a.Donate(1000 + i);
  a.CheckpointAtLeast(4);
  std::string out, state = work + "/state.json";
  ASSERT_EQ(Monitor(a.Url(), a.vkey, state, &out), 0) << out;
  EXPECT_NE(out.find("first run"), std::string::npos) << out;
  // Grow across an entry-bundle boundary, then verify the growth.
  for (int i = 0; i < 260; ++i) a.Donate(50 + i);
  a.CheckpointAtLeast(264);
  ASSERT_EQ(Monitor(a.Url(), a.vkey, state, &out), 0) << out;
  EXPECT_NE(out.find("size 264"), std::string::npos) << out;
  // 260 new entries: the last partial bundle (256..263) was skipped, and is
  // read by the next run although nothing is new.
  EXPECT_NE(out.find("entries 256..263"), std::string::npos) << out;
  ASSERT_EQ(Monitor(a.Url(), a.vkey, state, &out), 0) << out;
  EXPECT_NE(out.find("8 new entries verified against the fund rules"), std::string::npos) << out;
  ASSERT_EQ(Monitor(a.Url(), a.vkey, state, &out), 0) << out;  // nothing new
  EXPECT_NE(out.find("unchanged"), std::string::npos) << out;
  fs::copy_file(state, work + "/at264.json");

  // A fork: a second checkpoint of size 264 signed by the same key.
  auto key = tlog::ReadLogKey(tlog::DataDir{a.dir}, true);
  ASSERT_TRUE(key.ok());
  auto signer = tlog::NewEd25519NoteSigner(key->origin, key->signer);
  tlog::CheckpointBody fork{key->origin, 264, tlog::HashLeaf("not the real tree"), {}};
  {
    TamperingMirror mirror(a.server->port());
    mirror.checkpoint_ = *tlog::SignNote(tlog::FormatCheckpointBody(fork), {signer.get()});
    EXPECT_EQ(Monitor(mirror.Url(), a.vkey, state, &out), 3) << out;
    EXPECT_NE(out.find("FORK"), std::string::npos) << out;
  }

  // A rewritten entry in a bundle: a fresh monitor and the saved one both see it.
  a.Donate(7);
  a.CheckpointAtLeast(265);
  {
    TamperingMirror mirror(a.server->port());
    mirror.bundle_hook_ = [](const std::string& bundle) {
      auto entries = tlog::SplitBundle(bundle);
      if (!entries.ok() || entries->size() < 3) return bundle;
      std::string& e = (*entries)[2];
      size_t at = e.find("\"amount\":100");
      if (at != std::string::npos) e.replace(at, 12, "\"amount\":900");
      std::string out;
      for (const auto& x : *entries) tlog::AppendToBundle(x, &out);
      return out;
    };
    EXPECT_EQ(Monitor(mirror.Url(), a.vkey, work + "/fresh.json", &out), 3) << out;
    EXPECT_NE(out.find("entry 2 "), std::string::npos) << out;
    EXPECT_FALSE(fs::exists(work + "/fresh.json"));
  }
  ASSERT_EQ(Monitor(a.Url(), a.vkey, state, &out), 0) << out;

  // A missing witness quorum.
  auto wkey = crypto::Ed25519PrivateKey::Generate();
  ASSERT_TRUE(wkey.ok());
  const std::string absent_witness =
      tlog::CosignatureSigner("w.example/x", std::shared_ptr<const crypto::Signer>(std::move(*wkey))).vkey();
  EXPECT_EQ(Monitor(a.Url(), a.vkey, work + "/q.json", &out, {"--witness", absent_witness}), 3) << out;
  EXPECT_NE(out.find("quorum"), std::string::npos) << out;
  a.server->Stop();

  // The same key with a rewritten history (B diverged from A's empty log).
  Ledger b;
  b.dir = b_dir;
  b.vkey = a.vkey;
  b.Tokens();
  b.Start();
  b.OpenFund();
  for (int i = 0; i < 270; ++i) b.Donate(3000 + i);
  b.CheckpointAtLeast(271);
  EXPECT_EQ(Monitor(b.Url(), b.vkey, work + "/at264.json", &out), 3) << out;
  EXPECT_NE(out.find("REWRITE"), std::string::npos) << out;
  b.server->Stop();

  // An entry that breaks a fund rule (a bare log accepts it; the monitor replays the rules).
  Ledger c;
  c.Init(TempDir("mon-ledger-c"));
  c.Start({"--generic"});
  c.Post(c.recorder, {{"type", "donation"},
                      {"body", {{"fund", "no-such-fund"}, {"amount", 5}, {"channel", "bank"},
                                {"received_at", "2020-01-02"},
                                {"donor", {{"commitment", crypto::Base64Encode(std::string(32, 'x'))}}}}}});
  c.CheckpointAtLeast(1);
  EXPECT_EQ(Monitor(c.Url(), c.vkey, work + "/c.json", &out), 3) << out;
  EXPECT_NE(out.find("entry 0 (donation) breaks a fund rule"), std::string::npos) << out;
  EXPECT_EQ(Monitor(c.Url(), c.vkey, work + "/c2.json", &out, {"--no-rules"}), 0) << out;
  c.server->Stop();
  for (const auto& d : {a.dir, b_dir, c.dir, work}) fs::remove_all(d);
}

// `ledgerctl witness` serves connections as ledgerd does: more slow clients
// than it keeps threads for do not keep a log's add-checkpoint waiting, and
// a client that sends nothing is dropped after --read-timeout.
TEST(WitnessServer, SlowClientsDoNotStarveAddCheckpoint) {
  Ledger a;
  a.Init(TempDir("wit-slow"));
  Witness w;
  w.dir = TempDir("witness");
  int code;
  w.vkey = Trim(RunCommand({BinDir() + "/ledgerctl", "witness-key", "--data", w.dir, "--name", "w.example/w"}, &code));
  w.port = FreePort();
  ASSERT_TRUE(w.process.Start({BinDir() + "/ledgerctl", "witness", "--data", w.dir, "--listen",
                               "127.0.0.1:" + std::to_string(w.port), "--log-vkey", a.vkey, "--threads", "2",
                               "--read-timeout", "2"},
                              w.port));
  // 12 clients that connect and send half a request line, then nothing.
  std::vector<int> slow;
  for (int i = 0; i < 12; ++i) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(w.port);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    ASSERT_EQ(send(fd, "POST /add-ch", 12, MSG_NOSIGNAL), 12);
    slow.push_back(fd);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  // A genuine add-checkpoint is answered at once, well inside the read timeout.
  auto key = tlog::ReadLogKey(tlog::DataDir{a.dir}, true);
  ASSERT_TRUE(key.ok());
  auto signer = tlog::NewEd25519NoteSigner(key->origin, key->signer);
  auto note = tlog::SignNote(tlog::FormatCheckpointBody({key->origin, 0, tlog::EmptyRoot(), {}}), {signer.get()});
  httplib::Client c("127.0.0.1", w.port);
  c.set_read_timeout(1, 500000);
  const auto t0 = std::chrono::steady_clock::now();
  auto r = c.Post("/add-checkpoint", "old 0\n\n" + *note, "text/plain");
  ASSERT_TRUE(r) << "no answer while 12 slow clients hold connections";
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(1500));
  // The slow clients are dropped after the read timeout (EOF on their socket).
  for (int fd : slow) {
    timeval tv{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    char buf[256];
    EXPECT_GE(recv(fd, buf, sizeof(buf), 0), 0) << "still open after 10 s";
    close(fd);
  }
}

// A policy with two groups (2 of 3 witnesses AND 1 of 2 others): `ledgerctl
// verify` and `monitor` accept a checkpoint that meets both and exit 3
// naming the group short of it otherwise.
TEST(PolicyEndToEnd, TwoGroupsAreEnforcedByVerifyAndMonitor) {
  Ledger a;
  a.Init(TempDir("policy-ledger"));
  a.Start({"--generic"});
  for (int i = 0; i < 4; ++i) a.Note(i);
  const std::string cp = a.CheckpointAtLeast(4);
  auto receipt = a.server->Client().Get("/api/v1/receipts/2?wait=1");
  ASSERT_EQ(receipt->status, 200) << receipt->body;
  // The receipt's checkpoint is the one served (nothing else was appended).
  ASSERT_TRUE(receipt->body.ends_with(cp));

  std::vector<std::unique_ptr<tlog::CosignatureSigner>> w;
  for (const char* n : {"a1", "a2", "a3", "b1", "b2"}) {
    auto k = crypto::Ed25519PrivateKey::Generate();
    w.push_back(std::make_unique<tlog::CosignatureSigner>(std::string(n) + ".example/w",
                                                          std::shared_ptr<const crypto::Signer>(std::move(*k))));
  }
  std::string work = TempDir("policy-work");
  const std::string policy = work + "/policy";
  std::ofstream(policy) << "# the two institutions that watch this ledger\n"
                        << "log " << a.vkey << " " << a.Url() << "\n"
                        << "witness A1 " << w[0]->vkey() << "\nwitness A2 " << w[1]->vkey() << "\nwitness A3 "
                        << w[2]->vkey() << "\ngroup A 2 A1 A2 A3\n"
                        << "witness B1 " << w[3]->vkey() << "\nwitness B2 " << w[4]->vkey() << "\ngroup B any B1 B2\n"
                        << "group A-and-B all A B\nquorum A-and-B\n";
  const std::string text = tlog::ParseNote(cp)->text;
  auto cosigned = [&](const std::vector<int>& who) {
    std::string lines;
    for (int i : who) lines += *tlog::CosignatureLine(*w[i], text, 1700000000);
    return lines;
  };
  struct Case {
    std::vector<int> who;
    int code;
    std::string says;
  };
  for (const Case& k : std::vector<Case>{{{0, 1, 3}, 0, "VERIFIED"},
                                         {{0, 2, 4}, 0, "VERIFIED"},
                                         {{0, 1}, 3, "group B has 0 of the 1 it needs (missing: B1, B2)"},
                                         {{0, 3, 4}, 3, "group A has 1 of the 2 it needs"},
                                         {{}, 3, "group A-and-B has 0 of the 2 it needs"}}) {
    const std::string file = work + "/receipt";
    std::ofstream(file) << receipt->body << cosigned(k.who);
    int code;
    std::string out = RunCommand({BinDir() + "/ledgerctl", "verify", file, "--policy", policy}, &code);
    EXPECT_EQ(code, k.code) << out;
    EXPECT_NE(out.find(k.says), std::string::npos) << "wanted '" << k.says << "' in: " << out;

    TamperingMirror mirror(a.server->port());
    mirror.checkpoint_ = cp + cosigned(k.who);
    const std::string state = work + "/state-" + std::to_string(k.who.size()) + std::to_string(k.code);
    out.clear();
    code = Monitor(mirror.Url(), "", state, &out, {"--policy", policy, "--no-rules"});
    EXPECT_EQ(code, k.code) << out;
    if (k.code == 3) {
      EXPECT_NE(out.find("ALERT"), std::string::npos) << out;
      EXPECT_NE(out.find(k.says), std::string::npos) << "wanted '" << k.says << "' in: " << out;
    }
  }
  // --vkey with --policy must name a log the policy lists.
  int code;
  auto other = crypto::Ed25519PrivateKey::Generate();
  std::string out = RunCommand({BinDir() + "/ledgerctl", "verify", work + "/receipt", "--policy", policy, "--vkey",
                                tlog::FormatVerifierKey("test.example/ledger", (*other)->PublicKey())},
                               &code);
  EXPECT_EQ(code, 1) << out;
  a.server->Stop();
  fs::remove_all(work);
  fs::remove_all(a.dir);
}

// A log that grew by 200 entries or more since the last run has its last
// partial entry bundle skipped (checked by its tile hashes) and read in full
// by the next run; a mirror that dropped partial tiles and bundles is read
// from the full ones.
TEST(MonitorEndToEnd, SkipsPartialBundlesWhenTailingAndFallsBackToFullTiles) {
  Ledger a;
  a.Init(TempDir("tail-ledger"));
  a.Start({"--generic"});
  std::string work = TempDir("tail-work"), out;
  for (int i = 0; i < 10; ++i) a.Note(i);
  a.CheckpointAtLeast(10);
  ASSERT_EQ(Monitor(a.Url(), a.vkey, work + "/state.json", &out, {"--no-rules"}), 0) << out;
  for (int i = 10; i < 310; ++i) a.Note(i);
  const std::string at310 = a.CheckpointAtLeast(310);
  ASSERT_EQ(tlog::ParseCheckpointBody(tlog::ParseNote(at310)->text)->size, 310u) << "a checkpoint landed past 310";
  {
    TamperingMirror mirror(a.server->port());
    mirror.checkpoint_ = at310;
    ASSERT_EQ(Monitor(mirror.Url(), a.vkey, work + "/state.json", &out, {"--no-rules"}), 0) << out;
    EXPECT_NE(out.find("entries 256..309 of the partial entry bundle are checked by their tile hashes only"),
              std::string::npos)
        << out;
    for (const auto& path : mirror.Requested()) EXPECT_NE(path, "/tile/entries/001.p/54");
  }
  // The next run reads the skipped bundle, and a rewritten entry in it is caught.
  {
    TamperingMirror mirror(a.server->port());
    mirror.checkpoint_ = at310;
    mirror.bundle_hook_ = [](const std::string& bundle) {
      auto entries = tlog::SplitBundle(bundle);
      if (!entries.ok() || entries->size() < 50) return bundle;
      std::string& e = (*entries)[40];  // entry 296
      e.replace(e.find("\"n\":"), 5, "\"m\":");
      std::string o;
      for (const auto& x : *entries) tlog::AppendToBundle(x, &o);
      return o;
    };
    fs::copy_file(work + "/state.json", work + "/tampered.json");
    EXPECT_EQ(Monitor(mirror.Url(), a.vkey, work + "/tampered.json", &out, {"--no-rules"}), 3) << out;
    EXPECT_NE(out.find("entry 296 does not hash to its leaf"), std::string::npos) << out;
  }
  {
    TamperingMirror mirror(a.server->port());
    mirror.checkpoint_ = at310;
    ASSERT_EQ(Monitor(mirror.Url(), a.vkey, work + "/state.json", &out, {"--no-rules"}), 0) << out;
    EXPECT_NE(out.find("54 new entries verified"), std::string::npos) << out;
    bool read = false;
    for (const auto& path : mirror.Requested()) read |= path == "/tile/entries/001.p/54";
    EXPECT_TRUE(read);
  }
  // The log grew on; a mirror that removed the partial tiles and bundles of
  // size 310 still serves them as the start of the full ones.
  for (int i = 310; i < 520; ++i) a.Note(i);
  a.CheckpointAtLeast(520);
  {
    TamperingMirror mirror(a.server->port());
    mirror.checkpoint_ = at310;
    mirror.missing_ = [](const std::string& path) {
      return (path.starts_with("/tile/0/") || path.starts_with("/tile/entries/")) &&
             path.find(".p/") != std::string::npos;
    };
    ASSERT_EQ(Monitor(mirror.Url(), a.vkey, work + "/fresh.json", &out, {"--no-rules"}), 0) << out;
    bool fell_back = false;
    for (const auto& path : mirror.Requested()) fell_back |= path == "/tile/0/001";
    EXPECT_TRUE(fell_back);
  }
  a.server->Stop();
  fs::remove_all(work);
  fs::remove_all(a.dir);
}

}  // namespace
}  // namespace ledger
