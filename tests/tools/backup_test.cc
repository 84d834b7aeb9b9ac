// `ledgerctl backup` while a real ledgerd appends, then `ledgerctl restore`:
// the restored ledger passes the full audit, serves again, and its tree and
// checkpoints are consistent (RFC 9162 proof from the original ledgerd) with
// the original's later checkpoint.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "api/token_store.h"
#include "ledger/crypto/base64.h"
#include "ledger/crypto/sha256.h"
#include "ledger/tlog/backup_manifest.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/data_dir.h"
#include "ledger/tlog/merkle_verifier.h"
#include "ledger/tlog/note.h"
#include "tests/testing/ledgerd_process.h"
#include "tests/tools/tools_fixture.h"

namespace ledger {
namespace {

using nlohmann::json;
using testing::Ledgerctl;

tlog::Hash FromB64(const std::string& s) {
  tlog::Hash h{};
  auto raw = crypto::Base64Decode(s);
  EXPECT_TRUE(raw && raw->size() == h.size()) << s;
  if (raw && raw->size() == h.size()) std::copy(raw->begin(), raw->end(), h.begin());
  return h;
}

TEST(BackupTest, BackupWhileAppendingRestoresToAConsistentAuditedLedger) {
  testing::TempDir work("backup");
  const std::string dir = work.path + "/live", bak = work.path + "/bak", restored = work.path + "/restored";
  const std::string vkey = testing::InitDemo(dir);
  const std::string token = *api::TokenStore(tlog::DataDir{dir}.tokens_file()).Issue("recorder", "rec-1", "");
  testing::LedgerdProcess server(dir);
  server.set_log_file(work.path + "/ledgerd.log");
  ASSERT_TRUE(server.Start());
  auto donate = [&](httplib::Client& c, int amount) {
    json req = {{"type", "donation"},
                {"body", {{"fund", "poor-students"}, {"amount", amount}, {"channel", "bank"},
                          {"received_at", "2021-05-01"}}}};
    auto r = c.Post("/api/v1/entries", {{"Authorization", "Bearer " + token}}, req.dump(), "application/json");
    return r && r->status == 201;
  };

  // Appends run on two connections during the backup.
  std::atomic<bool> stop{false};
  std::atomic<int> appended{0}, failed{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < 2; ++w) {
    writers.emplace_back([&] {
      httplib::Client c = server.Client();
      for (int i = 1; !stop; ++i) (donate(c, 100 + i) ? appended : failed)++;
    });
  }
  while (appended < 50) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  auto b = Ledgerctl({"backup", "--data", dir, "--out", bak});
  const int during = appended;
  stop = true;
  for (auto& t : writers) t.join();
  ASSERT_EQ(b.code, 0) << b.out;
  EXPECT_EQ(failed, 0);
  EXPECT_GT(during, 50);
  // The original grows past the backup.
  httplib::Client c = server.Client();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(donate(c, 7));

  struct stat st;
  ASSERT_EQ(stat(tlog::DataDir{bak}.key_file().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(stat(bak.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  EXPECT_NE(Ledgerctl({"backup", "--data", dir, "--out", bak}).code, 0);  // never over an existing backup

  auto r = Ledgerctl({"restore", "--from", bak, "--data", restored});
  ASSERT_EQ(r.code, 0) << r.out;
  auto audit = Ledgerctl({"audit", "--data", restored, "--quiet"});
  EXPECT_EQ(audit.code, 0) << audit.out;
  EXPECT_EQ(testing::ReadFile(tlog::DataDir{restored}.vkey_file()), testing::ReadFile(tlog::DataDir{dir}.vkey_file()));

  // The restored tree and its newest checkpoint.
  uint64_t n1 = 0, c1 = 0;
  tlog::Hash root1{}, cp_root1{};
  {
    tlog::Options o;
    o.path = tlog::DataDir{restored}.db();
    o.read_only = true;
    auto log = tlog::Log::Open(o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    n1 = (*log)->Size();
    root1 = *(*log)->Root(n1);
    auto cp = (*log)->LatestCheckpoint();
    ASSERT_TRUE(cp.ok());
    c1 = cp->size;
    cp_root1 = cp->root;
  }
  EXPECT_GT(n1, 5384u);  // the demo plus some of the appends made during the backup

  // The original's signed checkpoint once it covers the later appends (it
  // is signed within the checkpoint interval); it must extend both.
  auto verifier = tlog::ParseVerifierKey(vkey);
  ASSERT_TRUE(verifier.ok());
  Result<tlog::CheckpointBody> cp2 = NotFound("no checkpoint yet");
  for (int i = 0; i < 200 && !(cp2.ok() && cp2->size >= n1 + 10); ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto note = c.Get("/checkpoint");
    ASSERT_TRUE(note && note->status == 200);
    auto opened = tlog::OpenNote(note->body, {verifier->get()});
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    cp2 = tlog::ParseCheckpointBody(opened->text);
    ASSERT_TRUE(cp2.ok());
  }
  ASSERT_GE(cp2->size, n1 + 10);
  for (auto [size, root] : {std::pair{n1, root1}, std::pair{c1, cp_root1}}) {
    auto proof = c.Get(("/api/v1/proof/consistency?from=" + std::to_string(size) + "&to=" + std::to_string(cp2->size)).c_str());
    ASSERT_TRUE(proof && proof->status == 200) << (proof ? proof->body : "no answer");
    std::vector<tlog::Hash> hashes;
    const json answer = json::parse(proof->body);
    for (const json& h : answer["hashes"]) hashes.push_back(FromB64(h.get<std::string>()));
    Status v = tlog::VerifyConsistency(size, cp2->size, root, cp2->root, hashes);
    EXPECT_TRUE(v.ok()) << "size " << size << ": " << v.ToString();
  }

  // The restored directory serves, with its tokens.
  testing::LedgerdProcess again(restored);
  again.set_log_file(work.path + "/ledgerd-restored.log");
  ASSERT_TRUE(again.Start());
  auto health = again.Client().Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(json::parse(health->body)["tree_size"], n1);
  httplib::Client rc = again.Client();
  EXPECT_TRUE(donate(rc, 9));
}

// Starts `ledgerctl backup --data DIR --out OUT` and SIGKILLs it as soon as
// OUT/db appears (the copy under way). Returns false when the backup had
// already finished by then (the caller tries again).
bool KillBackupHalfway(const std::string& dir, const std::string& out) {
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    std::string bin = testing::BinDir() + "/ledgerctl";
    execl(bin.c_str(), bin.c_str(), "backup", "--data", dir.c_str(), "--out", out.c_str(), nullptr);
    _exit(127);
  }
  for (int i = 0; i < 20000 && !std::filesystem::exists(out + "/db"); ++i) usleep(500);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFSIGNALED(status) && !std::filesystem::exists(out + "/" + tlog::kBackupManifestFile);
}

TEST(BackupTest, ABackupKilledHalfwayIsRefusedByRestoreAndAudit) {
  testing::TempDir work("backup-killed");
  const std::string dir = work.path + "/live";
  testing::InitDemo(dir);
  std::string bak;
  bool halfway = false;
  for (int attempt = 0; attempt < 5 && !halfway; ++attempt) {
    bak = work.path + "/bak" + std::to_string(attempt);
    halfway = KillBackupHalfway(dir, bak);
  }
  ASSERT_TRUE(halfway) << "the backup always finished before it could be killed";
  auto audit = Ledgerctl({"audit", "--data", bak, "--quiet"});
  EXPECT_EQ(audit.code, 3) << "audit passed a backup killed halfway: " << audit.out;
  EXPECT_NE(audit.out.find("interrupted backup"), std::string::npos) << audit.out;
  const std::string target = work.path + "/restored";
  auto restore = Ledgerctl({"restore", "--from", bak, "--data", target});
  EXPECT_EQ(restore.code, 1) << restore.out;
  EXPECT_NE(restore.out.find("interrupted backup"), std::string::npos) << restore.out;
  EXPECT_FALSE(std::filesystem::exists(target)) << "a refused restore left " << target << " behind";
}

TEST(BackupTest, TheManifestListsEveryFileAndAnyChangeIsRefused) {
  testing::TempDir work("backup-manifest");
  const std::string dir = work.path + "/live";
  testing::InitDemo(dir);
  ASSERT_TRUE(api::TokenStore(tlog::DataDir{dir}.tokens_file()).Issue("recorder", "rec-1", "").ok());
  const std::string bak = work.path + "/bak";
  auto b = Ledgerctl({"backup", "--data", dir, "--out", bak});
  ASSERT_EQ(b.code, 0) << b.out;
  EXPECT_FALSE(std::filesystem::exists(bak + "/" + tlog::kBackupIncompleteFile));

  // The manifest: header, the store's origin and size, and one line per
  // file with its SHA-256 and size, key files included.
  std::istringstream manifest(testing::ReadFile(bak + "/" + tlog::kBackupManifestFile));
  std::string line;
  std::getline(manifest, line);
  EXPECT_EQ(line, "charity-ledger backup v1");
  std::getline(manifest, line);
  EXPECT_EQ(line, "origin test.example/ledger");
  std::getline(manifest, line);
  uint64_t demo_size = 0;
  {
    tlog::Options o;
    o.path = tlog::DataDir{dir}.db();
    o.read_only = true;
    auto log = tlog::Log::Open(o);
    ASSERT_TRUE(log.ok());
    demo_size = (*log)->Size();
  }
  EXPECT_EQ(line, "tree-size " + std::to_string(demo_size));
  std::set<std::string> listed;
  while (std::getline(manifest, line)) {
    if (!line.starts_with("file ")) continue;
    std::istringstream f(line.substr(5));
    std::string hash, size, path;
    f >> hash >> size >> path;
    const std::string content = testing::ReadFile(bak + "/" + path);
    EXPECT_EQ(hash, crypto::ToHex(crypto::Sha256Of(content))) << path;
    EXPECT_EQ(size, std::to_string(content.size())) << path;
    listed.insert(path);
  }
  for (const char* f : {"log.key", "log.vkey", "tokens.jsonl", "db/CURRENT"}) {
    EXPECT_EQ(listed.count(f), 1u) << f << " is not in the manifest";
  }
  auto audit = Ledgerctl({"audit", "--data", bak, "--quiet"});
  EXPECT_EQ(audit.code, 0) << audit.out;
  EXPECT_NE(audit.out.find("a complete backup of test.example/ledger"), std::string::npos) << audit.out;

  // A changed byte, or a file the manifest does not list: refused by audit
  // and restore, and the refused restore leaves nothing behind.
  auto tampered = [&](const std::string& name, const std::function<void(const std::string&)>& change,
                      const std::string& want) {
    const std::string copy = work.path + "/" + name;
    std::filesystem::copy(bak, copy, std::filesystem::copy_options::recursive);
    change(copy);
    auto a = Ledgerctl({"audit", "--data", copy, "--quiet"});
    EXPECT_EQ(a.code, 3) << name << ": " << a.out;
    EXPECT_NE(a.out.find(want), std::string::npos) << name << ": " << a.out;
    const std::string target = work.path + "/restored-" + name;
    auto r = Ledgerctl({"restore", "--from", copy, "--data", target});
    EXPECT_EQ(r.code, 1) << name << ": " << r.out;
    EXPECT_NE(r.out.find(want), std::string::npos) << name << ": " << r.out;
    EXPECT_FALSE(std::filesystem::exists(target)) << name << ": a refused restore left " << target;
  };
  tampered(
      "flipped",
      [](const std::string& c) {
        std::string v = testing::ReadFile(c + "/tokens.jsonl");
        v[10] ^= 1;
        std::ofstream(c + "/tokens.jsonl", std::ios::trunc) << v;
      },
      "tokens.jsonl does not match its manifest line");
  tampered(
      "extra", [](const std::string& c) { std::ofstream(c + "/db/000999.sst") << "x"; },
      "db/000999.sst, which its manifest does not list");
  tampered(
      "no-key", [](const std::string& c) { std::filesystem::remove(c + "/log.key"); }, "lacks log.key");
}

TEST(BackupTest, ARefusedRestoreLeavesTheTargetAsItWas) {
  testing::TempDir work("backup-refused");
  const std::string dir = work.path + "/live";
  testing::InitDemo(dir);
  const std::string bak = work.path + "/bak";
  ASSERT_EQ(Ledgerctl({"backup", "--data", dir, "--out", bak}).code, 0);
  // Into a directory that is not empty: refused, untouched.
  const std::string full = work.path + "/full";
  std::filesystem::create_directories(full);
  std::ofstream(full + "/keep") << "mine";
  auto r = Ledgerctl({"restore", "--from", bak, "--data", full});
  EXPECT_EQ(r.code, 1) << r.out;
  EXPECT_EQ(testing::ReadFile(full + "/keep"), "mine");
  EXPECT_FALSE(std::filesystem::exists(full + "/db"));
  // Into an empty directory: restored there.
  const std::string empty = work.path + "/empty";
  std::filesystem::create_directories(empty);
  auto ok = Ledgerctl({"restore", "--from", bak, "--data", empty});
  EXPECT_EQ(ok.code, 0) << ok.out;
  EXPECT_EQ(Ledgerctl({"audit", "--data", empty, "--quiet"}).code, 0);
  for (const auto& e : std::filesystem::directory_iterator(work.path)) {
    EXPECT_EQ(e.path().filename().string().find(".restoring-"), std::string::npos)
        << "left behind: " << e.path();
  }
}

TEST(BackupTest, BadArgumentsAreClearErrors) {
  testing::TempDir work("backup-args");
  auto none = Ledgerctl({"backup", "--data", work.path + "/nothing", "--out", work.path + "/b"});
  EXPECT_EQ(none.code, 1);
  EXPECT_NE(none.out.find("no ledger at"), std::string::npos) << none.out;
  auto not_backup = Ledgerctl({"restore", "--from", work.path, "--data", work.path + "/r"});
  EXPECT_EQ(not_backup.code, 1);
  EXPECT_NE(not_backup.out.find("is not a ledgerctl backup"), std::string::npos) << not_backup.out;
}

}  // namespace
}  // namespace ledger
