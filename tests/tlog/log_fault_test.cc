// Fault injection under the real RocksDB: a FileSystem wrapper makes the
// WAL's sync fail on demand. The promise under test (docs/format.md): an
// append is acknowledged only after its batch's WAL sync succeeds; when a
// write or sync fails, that append and every later one is refused, and the
// log stays refused until it is reopened; no acknowledged entry is lost.
#include <gtest/gtest.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <filesystem>
#include <map>

#include "ledger/tlog/audit.h"
#include "ledger/tlog/entry.h"
#include "ledger/tlog/log.h"
#include "ledger/tlog/merkle_verifier.h"

namespace ledger::tlog {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A WAL file whose Sync/Fsync fail while *fail is set; writes still go
// through, as when a disk accepts data into the page cache but cannot make
// it durable.
class FailingWal : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FailingWal(std::unique_ptr<rocksdb::FSWritableFile> f, std::atomic<bool>* fail, std::atomic<int>* failures)
      : FSWritableFileOwnerWrapper(std::move(f)), fail_(fail), failures_(failures) {}
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    if (*fail_) return Injected();
    return FSWritableFileOwnerWrapper::Sync(o, d);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    if (*fail_) return Injected();
    return FSWritableFileOwnerWrapper::Fsync(o, d);
  }
  rocksdb::IOStatus RangeSync(uint64_t off, uint64_t n, const rocksdb::IOOptions& o,
                              rocksdb::IODebugContext* d) override {
    if (*fail_) return Injected();
    return FSWritableFileOwnerWrapper::RangeSync(off, n, o, d);
  }

 private:
  rocksdb::IOStatus Injected() {
    (*failures_)++;
    return rocksdb::IOStatus::IOError("injected: the disk cannot sync");
  }
  std::atomic<bool>* fail_;
  std::atomic<int>* failures_;
};

class FailingWalFs : public rocksdb::FileSystemWrapper {
 public:
  FailingWalFs() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "FailingWalFs"; }
  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* d) override {
    rocksdb::IOStatus s = target()->NewWritableFile(f, o, r, d);
    if (s.ok() && f.ends_with(".log")) *r = std::make_unique<FailingWal>(std::move(*r), &fail, &failures);
    return s;
  }
  std::atomic<bool> fail{false};
  std::atomic<int> failures{0};
};

std::shared_ptr<const crypto::Signer> TestKey() {
  static std::shared_ptr<const crypto::Signer> key = [] {
    auto k = crypto::Ed25519PrivateKey::Generate();
    return std::shared_ptr<const crypto::Signer>(std::move(*k));
  }();
  return key;
}

Options TestOptions(const std::string& dir, rocksdb::Env* env) {
  Options o;
  o.path = dir + "/db";
  o.origin = "test.example/faults";
  o.signer = TestKey();
  o.create_if_missing = true;
  o.checkpoint_interval = 20ms;
  o.env = env;
  return o;
}

EntryDraft Draft(int i) { return EntryDraft{"test.entry", "tester", "{\"i\":" + std::to_string(i) + "}", {}}; }

TEST(LogFaultTest, FailedWalSyncRefusesTheAppendAndAllLaterOnesAndLosesNothingAcknowledged) {
  char tmpl[] = "/tmp/ledger-fault-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  auto fs_ = std::make_shared<FailingWalFs>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs_);
  std::map<uint64_t, std::string> acked;
  Hash root_before;
  {
    auto log = Log::Open(TestOptions(dir, env.get()));
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    std::vector<EntryDraft> drafts;
    for (int i = 0; i < 40; ++i) drafts.push_back(Draft(i));
    for (auto& r : (*log)->AppendAll(std::move(drafts))) {
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      acked[r->seq] = r->entry;
    }
    for (int i = 40; i < 50; ++i) {
      auto r = (*log)->Append(Draft(i));
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      acked[r->seq] = r->entry;
    }
    ASSERT_TRUE((*log)->WaitForCheckpoint(50, 5s).ok());
    root_before = *(*log)->Root(50);

    fs_->fail = true;
    auto failed = (*log)->Append(Draft(50));
    ASSERT_FALSE(failed.ok()) << "an append was acknowledged although its WAL sync failed";
    EXPECT_GT(fs_->failures.load(), 0);
    EXPECT_NE(failed.status().message().find("durable"), std::string::npos) << failed.status().ToString();
    EXPECT_EQ((*log)->Size(), 50u) << "an entry whose sync failed was published";

    // The log stays refused even when the disk recovers.
    fs_->fail = false;
    auto later = (*log)->Append(Draft(51));
    ASSERT_FALSE(later.ok());
    EXPECT_EQ(later.status().code(), Code::kUnavailable) << later.status().ToString();
    EXPECT_NE(later.status().message().find("restart"), std::string::npos) << later.status().ToString();
    auto batch = (*log)->AppendAll({Draft(52), Draft(53)});
    for (auto& r : batch) EXPECT_FALSE(r.ok());
    (*log)->Close();  // must return, with the writer stopped
  }

  // Reopened on the plain OS: every acknowledged entry is there, byte for
  // byte, the tree still extends the one signed before the fault, and the
  // store audits clean. The entry whose sync failed may or may not be there
  // (its bytes reached the file): it was refused, never acknowledged.
  auto log = Log::Open(TestOptions(dir, nullptr));
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  const uint64_t size = (*log)->Size();
  EXPECT_GE(size, 50u);
  EXPECT_LE(size, 51u);
  for (const auto& [seq, entry] : acked) {
    auto got = (*log)->Entry(seq);
    ASSERT_TRUE(got.ok()) << "acknowledged entry " << seq << " is gone";
    EXPECT_EQ(*got, entry) << "acknowledged entry " << seq << " changed";
  }
  auto proof = (*log)->ConsistencyProof(50, size);
  ASSERT_TRUE(proof.ok());
  EXPECT_TRUE(VerifyConsistency(50, size, root_before, *(*log)->Root(size), *proof).ok());
  auto more = (*log)->Append(Draft(60));
  EXPECT_TRUE(more.ok()) << more.status().ToString();
  (*log)->Close();
  auto audit = AuditLog(dir + "/db");
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->ok) << audit->problem;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ledger::tlog
