// Fault injection under the real RocksDB: a FileSystem wrapper makes WAL
// syncs, WAL appends (no space) or the creation of a new WAL (too many open
// files) fail on demand. The promises under test (docs/format.md section 8):
// an append is acknowledged only after its batch's WAL sync succeeds; when a
// write or sync fails, the entries in flight are never acknowledged and every
// later append is refused; once the cause is gone the log reopens its store
// by itself, and its tree and state machine are then what the store holds;
// no acknowledged entry is lost. Also: entry and checkpoint times never go
// back when the clock does.
#include <gtest/gtest.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <thread>

#include "ledger/tlog/audit.h"
#include "ledger/tlog/entry.h"
#include "ledger/tlog/log.h"
#include "ledger/tlog/merkle_verifier.h"

namespace ledger::tlog {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

struct Faults {
  std::atomic<bool> fail_sync{false};   // WAL Sync/Fsync fail: bytes reach the page cache only
  std::atomic<bool> no_space{false};    // WAL Append fails with ENOSPC
  std::atomic<bool> no_new_wal{false};  // creating a WAL fails: too many open files
  std::atomic<bool> no_new_sst{false};  // creating a table file fails: a memtable flush fails
  std::atomic<int> injected{0};
};

class FaultyWal : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  FaultyWal(std::unique_ptr<rocksdb::FSWritableFile> f, Faults* faults)
      : FSWritableFileOwnerWrapper(std::move(f)), faults_(faults) {}
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& o,
                           rocksdb::IODebugContext* d) override {
    if (faults_->no_space) {
      faults_->injected++;
      return rocksdb::IOStatus::NoSpace("injected: No space left on device");
    }
    return FSWritableFileOwnerWrapper::Append(data, o, d);
  }
  rocksdb::IOStatus Sync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    if (faults_->fail_sync) return SyncFailed();
    return FSWritableFileOwnerWrapper::Sync(o, d);
  }
  rocksdb::IOStatus Fsync(const rocksdb::IOOptions& o, rocksdb::IODebugContext* d) override {
    if (faults_->fail_sync) return SyncFailed();
    return FSWritableFileOwnerWrapper::Fsync(o, d);
  }
  rocksdb::IOStatus RangeSync(uint64_t off, uint64_t n, const rocksdb::IOOptions& o,
                              rocksdb::IODebugContext* d) override {
    if (faults_->fail_sync) return SyncFailed();
    return FSWritableFileOwnerWrapper::RangeSync(off, n, o, d);
  }

 private:
  rocksdb::IOStatus SyncFailed() {
    faults_->injected++;
    return rocksdb::IOStatus::IOError("injected: the disk cannot sync");
  }
  Faults* faults_;
};

class FaultyFs : public rocksdb::FileSystemWrapper {
 public:
  FaultyFs() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "FaultyFs"; }
  rocksdb::IOStatus NewWritableFile(const std::string& f, const rocksdb::FileOptions& o,
                                    std::unique_ptr<rocksdb::FSWritableFile>* r,
                                    rocksdb::IODebugContext* d) override {
    if (faults.no_new_sst && f.ends_with(".sst")) {
      faults.injected++;
      return rocksdb::IOStatus::NoSpace("injected: No space left on device for " + f);
    }
    if (faults.no_new_wal && f.ends_with(".log")) {
      faults.injected++;
      return rocksdb::IOStatus::IOError("While open a file for appending: " + f + ": Too many open files");
    }
    rocksdb::IOStatus s = target()->NewWritableFile(f, o, r, d);
    if (s.ok() && f.ends_with(".log")) *r = std::make_unique<FaultyWal>(std::move(*r), &faults);
    return s;
  }
  Faults faults;
};

std::shared_ptr<const crypto::Signer> TestKey() {
  static std::shared_ptr<const crypto::Signer> key = [] {
    auto k = crypto::Ed25519PrivateKey::Generate();
    return std::shared_ptr<const crypto::Signer>(std::move(*k));
  }();
  return key;
}

// Counts entries in its derived state: after any resume the count it loads
// must equal the tree size the log loads.
class CountingMachine : public StateMachine {
 public:
  Status Load(std::shared_ptr<const StateReader> store, uint64_t tree_size) override {
    auto v = store->Get("count");
    const uint64_t n = v.ok() ? std::stoull(*v) : 0;
    if (n != tree_size)
      return Corruption("count " + std::to_string(n) + " != tree size " + std::to_string(tree_size));
    pending = durable = n;
    loads++;
    return Status::Ok();
  }
  Status Apply(const SequencedEntry&, StateWriter* w) override {
    ++pending;
    w->Put("count", std::to_string(pending));
    return Status::Ok();
  }
  void Durable(uint64_t tree_size, std::shared_ptr<const StateReader>) override { durable = tree_size; }
  void Abandon() override { pending = durable.load(); }
  std::atomic<uint64_t> pending{0}, durable{0};
  std::atomic<int> loads{0};
};

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/ledger-fault-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { fs::remove_all(path); }
};

Options TestOptions(const std::string& dir, rocksdb::Env* env, StateMachine* sm = nullptr) {
  Options o;
  o.path = dir + "/db";
  o.origin = "test.example/faults";
  o.signer = TestKey();
  o.create_if_missing = true;
  o.checkpoint_interval = 20ms;
  o.env = env;
  o.state_machine = sm;
  return o;
}

EntryDraft Draft(int i) {
  return EntryDraft{"test.entry", "tester", "{\"i\":" + std::to_string(i) + "}", {}};
}

// Appends until one is acknowledged (the log resumes by itself); the bound
// is for a broken log, not a timing assertion.
Result<Appended> AppendWhenResumed(Log& log, int i) {
  Result<Appended> r = Status(Code::kInternal, "not tried");
  for (int tries = 0; tries < 600; ++tries) {
    r = log.Append(Draft(i));
    if (r.ok()) return r;
    EXPECT_NE(r.status().code(), Code::kOutcomeUnknown) << "nothing was in flight: " << r.status().ToString();
    std::this_thread::sleep_for(50ms);
  }
  return r;
}

// Everything acknowledged is there byte for byte, the tree extends the one
// signed before the fault, the store audits clean, and it opens again.
void CheckStore(const std::string& dir, const std::map<uint64_t, std::string>& acked, uint64_t size_before,
                const Hash& root_before) {
  auto log = Log::Open(TestOptions(dir, nullptr));
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  const uint64_t size = (*log)->Size();
  for (const auto& [seq, entry] : acked) {
    auto got = (*log)->Entry(seq);
    ASSERT_TRUE(got.ok()) << "acknowledged entry " << seq << " is gone";
    EXPECT_EQ(*got, entry) << "acknowledged entry " << seq << " changed";
  }
  if (size_before > 0) {
    auto proof = (*log)->ConsistencyProof(size_before, size);
    ASSERT_TRUE(proof.ok());
    EXPECT_TRUE(VerifyConsistency(size_before, size, root_before, *(*log)->Root(size), *proof).ok());
  }
  (*log)->Close();
  auto audit = AuditLog(dir + "/db");
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->ok) << audit->problem;
}

TEST(LogFaultTest, FailedWalSyncIsNeverAcknowledgedAndTheLogResumesByItself) {
  TempDir dir;
  auto fs_ = std::make_shared<FaultyFs>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs_);
  CountingMachine sm;
  std::map<uint64_t, std::string> acked;
  Hash root_before;
  {
    auto log = Log::Open(TestOptions(dir.path, env.get(), &sm));
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
    EXPECT_TRUE((*log)->Health().writable);

    // /metrics reads the store's properties (Stats) while the store reopens.
    struct Poller {
      std::atomic<bool> stop{false};
      std::thread thread;
      ~Poller() {
        stop = true;
        if (thread.joinable()) thread.join();
      }
    } stats_reader;
    stats_reader.thread = std::thread([&] {
      while (!stats_reader.stop.load()) (void)(*log)->Stats();
    });
    fs_->faults.fail_sync = true;
    auto failed = (*log)->Append(Draft(50));
    ASSERT_FALSE(failed.ok()) << "an append was acknowledged although its WAL sync failed";
    EXPECT_GT(fs_->faults.injected.load(), 0);
    EXPECT_EQ(failed.status().code(), Code::kOutcomeUnknown) << failed.status().ToString();
    EXPECT_NE(failed.status().message().find("Idempotency-Key"), std::string::npos)
        << failed.status().ToString();
    EXPECT_EQ((*log)->Size(), 50u) << "an entry whose sync failed was published";

    // Refused while the disk cannot sync, with the cause; nothing recorded.
    StoreStatus h = (*log)->Health();
    EXPECT_FALSE(h.writable);
    EXPECT_TRUE(h.retrying);
    EXPECT_NE(h.stopped.find("cannot sync"), std::string::npos) << h.stopped;
    EXPECT_EQ(h.failures, 1u);
    auto later = (*log)->Append(Draft(51));
    ASSERT_FALSE(later.ok());
    EXPECT_EQ(later.status().code(), Code::kUnavailable) << later.status().ToString();
    EXPECT_NE(later.status().message().find("writes stopped"), std::string::npos)
        << later.status().ToString();

    // The disk recovers: the log reopens its store and takes appends again,
    // without a restart.
    fs_->faults.fail_sync = false;
    auto resumed = AppendWhenResumed(**log, 52);
    stats_reader.stop = true;
    stats_reader.thread.join();
    ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
    acked[resumed->seq] = resumed->entry;
    h = (*log)->Health();
    EXPECT_TRUE(h.writable) << h.stopped;
    EXPECT_EQ(h.resumes, 1u);
    // The refused entry 50 reached the WAL file before its sync failed, so
    // the reopened store holds it: it is entry 50, never acknowledged, and
    // the new entry follows it. In-memory state equals the store's.
    EXPECT_EQ(resumed->seq, 51u);
    auto e50 = (*log)->Entry(50);
    ASSERT_TRUE(e50.ok());
    EXPECT_NE(e50->find("{\"i\":50}"), std::string::npos) << *e50;
    EXPECT_EQ(sm.loads.load(), 2) << "the state machine was not reloaded from the store";
    EXPECT_EQ(sm.durable.load(), 52u);
    auto count = (*log)->state().Get("count");
    ASSERT_TRUE(count.ok());
    EXPECT_EQ(*count, "52");
    auto cp = (*log)->WaitForCheckpoint(52, 5s);
    ASSERT_TRUE(cp.ok()) << "no checkpoint covers the appends after the resume";
    EXPECT_EQ(cp->root, *(*log)->Root(cp->size));
    (*log)->Close();
  }
  CheckStore(dir.path, acked, 50, root_before);
}

TEST(LogFaultTest, NoSpaceOnAWalAppendStopsWritesAndTheyResumeWhenSpaceIsBack) {
  TempDir dir;
  auto fs_ = std::make_shared<FaultyFs>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs_);
  CountingMachine sm;
  std::map<uint64_t, std::string> acked;
  Hash root_before;
  {
    auto log = Log::Open(TestOptions(dir.path, env.get(), &sm));
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    for (int i = 0; i < 20; ++i) {
      auto r = (*log)->Append(Draft(i));
      ASSERT_TRUE(r.ok());
      acked[r->seq] = r->entry;
    }
    root_before = *(*log)->Root(20);
    // Once a checkpoint covers the 20, the checkpointer has nothing to
    // store: the append below is the write that meets the full disk, not a
    // checkpoint racing it (which would stop writes first, and the append
    // would be refused as Unavailable before reaching the store).
    ASSERT_TRUE((*log)->WaitForCheckpoint(20, 5s).ok());
    fs_->faults.no_space = true;
    auto failed = (*log)->Append(Draft(20));
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.status().code(), Code::kOutcomeUnknown) << failed.status().ToString();
    EXPECT_NE((*log)->Health().stopped.find("No space"), std::string::npos) << (*log)->Health().stopped;
    // Several refused appends, and time for RocksDB to do what it does on
    // its own: the process must not abort.
    for (int i = 0; i < 5; ++i) EXPECT_FALSE((*log)->Append(Draft(100 + i)).ok());
    std::this_thread::sleep_for(300ms);
    fs_->faults.no_space = false;
    auto resumed = AppendWhenResumed(**log, 21);
    ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
    acked[resumed->seq] = resumed->entry;
    // The append whose WAL write failed never reached the store.
    EXPECT_EQ(resumed->seq, 20u);
    EXPECT_EQ(*(*log)->state().Get("count"), "21");
    (*log)->Close();
  }
  CheckStore(dir.path, acked, 20, root_before);
}

TEST(LogFaultTest, TooManyOpenFilesForTheNextWalStopsWritesAndTheyResume) {
  TempDir dir;
  auto fs_ = std::make_shared<FaultyFs>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs_);
  CountingMachine sm;
  std::map<uint64_t, std::string> acked;
  Options o = TestOptions(dir.path, env.get(), &sm);
  o.min_free_bytes = 256 << 10;  // a 64 KiB write buffer: the WAL switches every few hundred entries
  {
    auto log = Log::Open(o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    fs_->faults.no_new_wal = true;
    const std::string pad(400, 'x');
    Status failure;
    for (int i = 0; i < 5000 && failure.ok(); ++i) {
      auto r = (*log)->Append(EntryDraft{"test.entry", "tester", "{\"pad\":\"" + pad + "\"}", {}});
      if (r.ok()) {
        acked[r->seq] = r->entry;
      } else {
        failure = r.status();
      }
    }
    ASSERT_FALSE(failure.ok()) << "the WAL never switched";
    EXPECT_GT(fs_->faults.injected.load(), 0);
    EXPECT_NE((*log)->Health().stopped.find("Too many open files"), std::string::npos)
        << (*log)->Health().stopped;
    fs_->faults.no_new_wal = false;
    auto resumed = AppendWhenResumed(**log, 1);
    ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
    acked[resumed->seq] = resumed->entry;
    EXPECT_EQ(*(*log)->state().Get("count"), std::to_string((*log)->Size()));
    (*log)->Close();
  }
  CheckStore(dir.path, acked, 0, Hash{});
}

// A memtable flush that fails in RocksDB's background is a background
// error: writes stop (they would stall for good otherwise) and resume once
// the cause is gone; nothing acknowledged is lost.
TEST(LogFaultTest, AFailedBackgroundFlushStopsWritesAndTheyResume) {
  TempDir dir;
  auto fs_ = std::make_shared<FaultyFs>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs_);
  CountingMachine sm;
  std::map<uint64_t, std::string> acked;
  Options o = TestOptions(dir.path, env.get(), &sm);
  o.min_free_bytes = 256 << 10;  // a 64 KiB write buffer: flushes every few hundred entries
  {
    auto log = Log::Open(o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    fs_->faults.no_new_sst = true;
    const std::string pad(400, 'x');
    Status failure;
    for (int i = 0; i < 5000 && failure.ok(); ++i) {
      auto r = (*log)->Append(EntryDraft{"test.entry", "tester", "{\"pad\":\"" + pad + "\"}", {}});
      if (r.ok()) {
        acked[r->seq] = r->entry;
      } else {
        failure = r.status();
      }
    }
    ASSERT_FALSE(failure.ok()) << "no flush failed";
    EXPECT_GT(fs_->faults.injected.load(), 0);
    const StoreStatus h = (*log)->Health();
    EXPECT_FALSE(h.writable);
    EXPECT_NE(h.stopped.find("flush"), std::string::npos) << h.stopped;
    fs_->faults.no_new_sst = false;
    auto resumed = AppendWhenResumed(**log, 1);
    ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
    acked[resumed->seq] = resumed->entry;
    EXPECT_EQ(*(*log)->state().Get("count"), std::to_string((*log)->Size()));
    (*log)->Close();
  }
  CheckStore(dir.path, acked, 0, Hash{});
}

// At start, a store that cannot be opened for writing (here: no new WAL can
// be created) is served read-only; writes are refused with the cause, and
// taken once it is gone.
TEST(LogFaultTest, AStoreThatCannotOpenForWritingServesReadsAndResumes) {
  TempDir dir;
  std::map<uint64_t, std::string> acked;
  {
    auto log = Log::Open(TestOptions(dir.path, nullptr));
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 10; ++i) {
      auto r = (*log)->Append(Draft(i));
      ASSERT_TRUE(r.ok());
      acked[r->seq] = r->entry;
    }
    (*log)->Close();
  }
  auto fs_ = std::make_shared<FaultyFs>();
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs_);
  fs_->faults.no_new_wal = true;
  Options o = TestOptions(dir.path, env.get());
  o.create_if_missing = false;
  auto log = Log::Open(o);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_EQ((*log)->Size(), 10u);
  EXPECT_EQ(*(*log)->Entry(3), acked[3]);
  StoreStatus h = (*log)->Health();
  EXPECT_FALSE(h.writable);
  EXPECT_NE(h.stopped.find("opening the store for writing failed"), std::string::npos) << h.stopped;
  auto refused = (*log)->Append(Draft(10));
  EXPECT_EQ(refused.status().code(), Code::kUnavailable) << refused.status().ToString();
  fs_->faults.no_new_wal = false;
  auto resumed = AppendWhenResumed(**log, 10);
  ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
  EXPECT_EQ(resumed->seq, 10u);
  EXPECT_TRUE((*log)->WaitForCheckpoint(11, 5s).ok());
  (*log)->Close();
}

TEST(LogFaultTest, EntryAndCheckpointTimesNeverDecreaseWhenTheClockStepsBack) {
  TempDir dir;
  const int64_t start_ms = 1893456000000;  // 2030-01-01T00:00:00Z
  auto clock = std::make_shared<std::atomic<int64_t>>(start_ms);
  Options o = TestOptions(dir.path, nullptr);
  o.clock = [clock] { return clock->load(); };
  auto entry_time = [](const std::string& entry) { return ParseEntry(entry)->time; };
  std::string last_time;
  int64_t last_cp_ms = 0;
  {
    auto log = Log::Open(o);
    ASSERT_TRUE(log.ok());
    auto a = (*log)->Append(Draft(0));
    ASSERT_TRUE(a.ok());
    EXPECT_EQ(entry_time(a->entry), "2030-01-01T00:00:00Z");
    auto cp = (*log)->WaitForCheckpoint(1, 5s);
    ASSERT_TRUE(cp.ok());
    EXPECT_EQ(cp->unix_ms, start_ms);

    clock->store(start_ms - 3600 * 1000);  // an hour back
    auto b = (*log)->Append(Draft(1));
    ASSERT_TRUE(b.ok());
    EXPECT_EQ(entry_time(b->entry), "2030-01-01T00:00:00Z") << "an entry time went back";
    auto cp2 = (*log)->WaitForCheckpoint(2, 5s);
    ASSERT_TRUE(cp2.ok());
    EXPECT_GE(cp2->unix_ms, cp->unix_ms) << "a checkpoint time went back";
    last_time = entry_time(b->entry);
    last_cp_ms = cp2->unix_ms;
    (*log)->Close();
  }
  // After a restart with the clock still behind, the clamp knows the stored
  // times.
  auto log = Log::Open(o);
  ASSERT_TRUE(log.ok());
  auto c = (*log)->Append(Draft(2));
  ASSERT_TRUE(c.ok());
  EXPECT_GE(entry_time(c->entry), last_time) << "an entry time went back after a restart";
  auto cp3 = (*log)->WaitForCheckpoint(3, 5s);
  ASSERT_TRUE(cp3.ok());
  EXPECT_GE(cp3->unix_ms, last_cp_ms) << "a checkpoint time went back after a restart";
  // Once the clock passes the stored times, it is used again.
  clock->store(start_ms + 10 * 1000);
  auto d = (*log)->Append(Draft(3));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(entry_time(d->entry), "2030-01-01T00:00:10Z");
  (*log)->Close();
}

}  // namespace
}  // namespace ledger::tlog
