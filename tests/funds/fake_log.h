// FakeLog: an in-memory tlog::Log for testing the charity domain without
// RocksDB. It builds the same entry envelope as the real log, applies each
// draft through the StateMachine with the real staging rules (a refused draft
// leaves no trace and takes no index), calls Durable after each AppendAll,
// and "publishes" a checkpoint at the current size on every append. Proofs
// and tiles are not implemented (Internal).
//
// Thread-safe through one mutex.
#ifndef TESTS_FUNDS_FAKE_LOG_H_
#define TESTS_FUNDS_FAKE_LOG_H_

#include <mutex>
#include <string>
#include <vector>

#include "ledger/tlog/log.h"
#include "tests/funds/fake_store.h"

namespace ledger::funds::testing {

class FakeLog : public tlog::Log {
 public:
  // `sm` may be null; not owned. Calls sm->Load(empty store, 0).
  explicit FakeLog(tlog::StateMachine* sm);

  // The recording time given to later entries (RFC 3339 UTC).
  void set_time(std::string t) {
    std::lock_guard g(mu_);
    time_ = std::move(t);
  }
  // Makes the next AppendAll batch fail as if the synced write had failed.
  void FailNextBatch() {
    std::lock_guard g(mu_);
    fail_next_ = true;
  }
  std::map<std::string, std::string> StoreContents() const {
    std::lock_guard g(mu_);
    return store_.Flatten();
  }

  const std::string& origin() const override { return origin_; }
  const std::string& verifier_key() const override { return origin_; }
  Result<tlog::Appended> Append(tlog::EntryDraft draft) override;
  std::vector<Result<tlog::Appended>> AppendAll(std::vector<tlog::EntryDraft> drafts) override;
  std::future<std::vector<Result<tlog::Appended>>> AppendAllAsync(std::vector<tlog::EntryDraft> drafts) override {
    std::promise<std::vector<Result<tlog::Appended>>> p;
    p.set_value(AppendAll(std::move(drafts)));
    return p.get_future();
  }
  uint64_t Size() const override;
  Result<std::string> Entry(uint64_t seq) const override;
  Result<tlog::Hash> LeafHash(uint64_t seq) const override;
  Result<tlog::Hash> Root(uint64_t size) const override;
  Result<std::vector<tlog::Hash>> InclusionProof(uint64_t, uint64_t) const override {
    return Internal("not in fake");
  }
  Result<std::vector<tlog::Hash>> ConsistencyProof(uint64_t, uint64_t) const override {
    return Internal("not in fake");
  }
  Result<std::string> HashTile(int, uint64_t, int) const override { return Internal("not in fake"); }
  Result<std::string> EntryBundle(uint64_t, int) const override { return Internal("not in fake"); }
  Result<tlog::Checkpoint> LatestCheckpoint() const override;
  Result<tlog::Checkpoint> CheckpointAt(uint64_t size) const override;
  Result<tlog::Checkpoint> WaitForCheckpoint(uint64_t size,
                                             std::chrono::milliseconds) const override;
  const tlog::StateReader& state() const override { return store_; }
  tlog::LogStats Stats() const override { return {}; }
  void Close() override {}

 private:
  tlog::Hash RootLocked(uint64_t lo, uint64_t hi) const;

  mutable std::mutex mu_;
  tlog::StateMachine* sm_;
  std::string origin_ = "fake.example/ledger";
  std::string time_ = "2026-01-15T08:00:00Z";
  bool fail_next_ = false;
  std::vector<std::string> entries_;
  std::vector<tlog::Hash> leaves_;
  MapState store_;
};

}  // namespace ledger::funds::testing

#endif  // TESTS_FUNDS_FAKE_LOG_H_
