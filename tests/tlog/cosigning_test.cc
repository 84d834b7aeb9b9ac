// Checkpoints and their cosignatures over a real RocksDB: a checkpoint is
// published without waiting for late cosignatures, which are added as a new
// stored version; no stored note is one the log's own parser refuses; a data
// dir whose newest checkpoint cannot be read still opens and serves.
#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <filesystem>
#include <mutex>
#include <thread>

#include "ledger/tlog/audit.h"
#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/cosignature.h"
#include "ledger/tlog/log.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/store_keys.h"

namespace ledger::tlog {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/cosigning-test-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path_); }
  std::string db() const { return path_ + "/db"; }

 private:
  std::string path_;
};

std::shared_ptr<const crypto::Signer> NewKey() {
  auto k = crypto::Ed25519PrivateKey::Generate();
  return std::shared_ptr<const crypto::Signer>(std::move(*k));
}

std::shared_ptr<const crypto::Signer> LogKey() {
  static auto key = NewKey();
  return key;
}

Options TestOptions(const TempDir& dir, Cosigner* cosigner = nullptr) {
  Options o;
  o.path = dir.db();
  o.origin = "test.example/log";
  o.signer = LogKey();
  o.cosigner = cosigner;
  o.create_if_missing = true;
  o.checkpoint_interval = 50ms;
  return o;
}

EntryDraft Draft(int i) {
  return EntryDraft{"test.entry", "tester", "{\"i\":" + std::to_string(i) + "}", {}};
}

// A cosigner whose witnesses are in-process keys. Each answers within the
// grace (`early`), or only after Cosign returned, through the host (late).
class FakeCosigner : public Cosigner {
 public:
  FakeCosigner(size_t witnesses, bool early) : early_(early) {
    for (size_t i = 0; i < witnesses; ++i) {
      signers_.push_back(std::make_unique<CosignatureSigner>("w" + std::to_string(i) + ".example", NewKey()));
    }
  }
  ~FakeCosigner() override { Stop(); }
  std::vector<std::string> Cosign(const std::string& note, uint64_t size, CosignerHost& host) override {
    std::string text = ParseNote(note)->text;
    std::vector<std::string> lines;
    for (auto& s : signers_) lines.push_back(*CosignatureLine(*s, text, 1700000000 + size));
    ++calls_;
    if (early_) return lines;
    std::lock_guard lock(mu_);
    threads_.emplace_back([&host, size, lines] {
      std::this_thread::sleep_for(100ms);
      host.AddCosignatures(size, lines);
    });
    return {};
  }
  void Stop() override {
    std::lock_guard lock(mu_);
    for (auto& t : threads_) t.join();
    threads_.clear();
  }
  std::vector<const CosignatureVerifier*> Verifiers() {
    if (verifiers_.empty()) {
      for (auto& s : signers_) verifiers_.push_back(ParseCosignatureVerifierKey(s->vkey()).value());
    }
    std::vector<const CosignatureVerifier*> out;
    for (auto& v : verifiers_) out.push_back(v.get());
    return out;
  }
  std::atomic<int> calls_{0};

 private:
  const bool early_;
  std::vector<std::unique_ptr<CosignatureSigner>> signers_;
  std::vector<std::unique_ptr<CosignatureVerifier>> verifiers_;
  std::mutex mu_;
  std::vector<std::thread> threads_;
};

struct StoredVersion {
  uint64_t size;
  uint32_t version;
  std::string note;
};

std::vector<StoredVersion> StoredCheckpoints(const std::string& db_path) {
  rocksdb::DB* raw = nullptr;
  EXPECT_TRUE(rocksdb::DB::OpenForReadOnly(rocksdb::Options(), db_path, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::vector<StoredVersion> out;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(std::string(1, keys::kCheckpoint)); it->Valid() && it->key()[0] == keys::kCheckpoint;
       it->Next()) {
    StoredVersion v;
    EXPECT_TRUE(
        keys::ParseCheckpointKey(std::string_view(it->key().data(), it->key().size()), &v.size, &v.version));
    v.note = it->value().ToString().substr(8);
    out.push_back(v);
  }
  return out;
}

// Waits until the newest checkpoint covers `size` and carries `n` cosignatures.
Result<Checkpoint> WaitForCosigned(Log& log, uint64_t size, size_t n, FakeCosigner& c) {
  for (int i = 0; i < 200; ++i) {
    auto cp = log.LatestCheckpoint();
    if (cp.ok() && cp->size >= size) {
      auto count = CountCosignatures(cp->note, c.Verifiers());
      if (count.ok() && *count >= n) return cp;
    }
    std::this_thread::sleep_for(25ms);
  }
  return Status(Code::kUnavailable, "no cosigned checkpoint");
}

TEST(Cosigning, LateCosignaturesAreANewVersionAndEveryVersionStays) {
  TempDir dir;
  FakeCosigner late(2, /*early=*/false);
  {
    auto log = Log::Open(TestOptions(dir, &late));
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    for (int i = 0; i < 5; ++i) ASSERT_TRUE((*log)->Append(Draft(i)).ok());
    // Published at once, before any witness answered.
    auto first = (*log)->WaitForCheckpoint(5, 5s);
    ASSERT_TRUE(first.ok());
    auto cosigned = WaitForCosigned(**log, 5, 2, late);
    ASSERT_TRUE(cosigned.ok()) << cosigned.status().ToString();
    EXPECT_EQ(ParseNote(cosigned->note)->text, ParseNote(first->note)->text);
    // CheckpointAt answers the newest version of a size.
    auto at = (*log)->CheckpointAt(cosigned->size);
    ASSERT_TRUE(at.ok());
    EXPECT_EQ(at->note, cosigned->note);
    (*log)->Close();
  }
  // Every version of that size is stored: the first without cosignatures,
  // then with them, the same text, signatures only ever added.
  auto stored = StoredCheckpoints(dir.db());
  std::map<uint64_t, std::vector<StoredVersion>> by_size;
  for (auto& v : stored) by_size[v.size].push_back(v);
  ASSERT_TRUE(by_size.count(5));
  const auto& versions = by_size[5];
  ASSERT_GE(versions.size(), 2u);
  EXPECT_EQ(versions[0].version, 0u);
  EXPECT_EQ(*CountCosignatures(versions[0].note, late.Verifiers()), 0u);
  EXPECT_EQ(*CountCosignatures(versions.back().note, late.Verifiers()), 2u);
  for (size_t i = 1; i < versions.size(); ++i) {
    EXPECT_EQ(versions[i].version, versions[i - 1].version + 1);
    EXPECT_TRUE(versions[i].note.starts_with(versions[i - 1].note)) << versions[i].note;
  }
  auto audit = AuditLog(dir.db());
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->ok) << audit->problem;
  // Reopened, the log serves the newest version and asks for cosignatures
  // again (a restart re-cosigns what it serves).
  FakeCosigner again(2, /*early=*/true);
  auto log = Log::Open(TestOptions(dir, &again));
  ASSERT_TRUE(log.ok());
  auto latest = (*log)->LatestCheckpoint();
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->size, 5u);
  EXPECT_EQ(*CountCosignatures(latest->note, late.Verifiers()), 2u);
  EXPECT_TRUE(WaitForCosigned(**log, 5, 2, again).ok());
}

// A cosigner that returns more lines than a note may carry (150 valid
// cosignatures by 150 keys), and the same key twice: the stored note keeps
// one line per key and never more than kMaxNoteSignatures, so the log can
// always read back what it stored.
TEST(Cosigning, NeverStoresANoteItsOwnParserRefuses) {
  TempDir dir;
  FakeCosigner flood(150, /*early=*/true);
  {
    auto log = Log::Open(TestOptions(dir, &flood));
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE((*log)->Append(Draft(0)).ok());
    auto cp = WaitForCosigned(**log, 1, 99, flood);
    ASSERT_TRUE(cp.ok()) << cp.status().ToString();
    auto parsed = ParseNote(cp->note);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(parsed->signatures.size(), kMaxNoteSignatures);
    (*log)->Close();
  }
  for (const auto& v : StoredCheckpoints(dir.db())) EXPECT_TRUE(ParseNote(v.note).ok()) << v.size;
  auto audit = AuditLog(dir.db());
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->ok) << audit->problem;
  EXPECT_TRUE(Log::Open(TestOptions(dir)).ok());
}

// A data dir written by a version that stored a checkpoint it could not
// read back (102 signature lines): opening is not fatal; the log serves a
// checkpoint it can read, signs a new version for the tree, and keeps the
// unreadable record where it is.
TEST(Cosigning, AnUnreadableStoredCheckpointDoesNotStopTheLog) {
  TempDir dir;
  std::string broken;
  {
    auto log = Log::Open(TestOptions(dir));
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 3; ++i) ASSERT_TRUE((*log)->Append(Draft(i)).ok());
    auto cp = (*log)->WaitForCheckpoint(3, 5s);
    ASSERT_TRUE(cp.ok());
    (*log)->Close();
    broken = (*log)->LatestCheckpoint()->note;
  }
  // What the old witness client stored: the log's line and 101 lines of one witness.
  CosignatureSigner w("greedy.example", NewKey());
  const std::string text = ParseNote(broken)->text;
  for (int i = 0; i < 101; ++i) broken += *CosignatureLine(w, text, 1700000000 + i);
  ASSERT_FALSE(ParseNote(broken).ok());
  {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir.db(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    rocksdb::WriteOptions wo;
    wo.sync = true;
    ASSERT_TRUE(db->Put(wo, keys::CheckpointKey(3, 1), keys::EncodeU64(0) + broken).ok());
  }
  auto log = Log::Open(TestOptions(dir));
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  auto latest = (*log)->LatestCheckpoint();
  ASSERT_TRUE(latest.ok()) << latest.status().ToString();
  EXPECT_EQ(latest->size, 3u);
  EXPECT_TRUE(ParseNote(latest->note).ok());
  auto at = (*log)->CheckpointAt(3);
  ASSERT_TRUE(at.ok()) << at.status().ToString();
  ASSERT_TRUE((*log)->Append(Draft(3)).ok());
  auto next = (*log)->WaitForCheckpoint(4, 5s);
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  (*log)->Close();
  log->reset();
  // The unreadable record is still there, untouched.
  bool kept = false;
  for (const auto& v : StoredCheckpoints(dir.db())) kept |= v.size == 3 && v.version == 1 && v.note == broken;
  EXPECT_TRUE(kept);
  EXPECT_TRUE(Log::Open(TestOptions(dir)).ok());
  // The audit names the record it cannot read.
  auto audit = AuditLog(dir.db());
  ASSERT_TRUE(audit.ok());
  EXPECT_FALSE(audit->ok);
  EXPECT_NE(audit->problem.find("checkpoint at size 3 (version 1)"), std::string::npos) << audit->problem;
}

// The newest checkpoint is unreadable and is the only one of the tree's
// size: the log signs the same tree head again under the next version.
TEST(Cosigning, AnUnreadableNewestCheckpointIsFollowedByANewVersion) {
  TempDir dir;
  {
    auto log = Log::Open(TestOptions(dir));
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE((*log)->Append(Draft(0)).ok());
    ASSERT_TRUE((*log)->WaitForCheckpoint(1, 5s).ok());
    (*log)->Close();
  }
  {
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::Options(), dir.db(), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    std::string v0;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), keys::CheckpointKey(1), &v0).ok());
    v0 += "not a signature line\n";
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), keys::CheckpointKey(1), v0).ok());
  }
  auto log = Log::Open(TestOptions(dir));
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  auto latest = (*log)->LatestCheckpoint();
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->size, 1u);
  (*log)->Close();
  log->reset();
  std::vector<StoredVersion> at1;
  for (auto& v : StoredCheckpoints(dir.db())) {
    if (v.size == 1) at1.push_back(v);
  }
  ASSERT_EQ(at1.size(), 2u);
  EXPECT_FALSE(ParseNote(at1[0].note).ok());  // kept as it was
  EXPECT_EQ(at1[1].version, 1u);
  EXPECT_TRUE(ParseNote(at1[1].note).ok());
}

}  // namespace
}  // namespace ledger::tlog
