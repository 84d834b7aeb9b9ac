// LogImpl: the Log of log.h. Internal to ledger/tlog.
//
//   log_impl.cc      opening, recovery checks, reads, closing
//   sequencer.cc     the two-stage append pipeline
//   checkpointer.cc  signing and publishing checkpoints
//   store_resume.cc  stopping writes after a failed write, reopening the
//                    store and reloading the tree and the state machine
//
// Threads:
// - callers of Append/AppendAll queue Requests and wait for their answer
//   (a OneShot, ledger/base/one_shot.h);
// - the sequencer thread takes queued drafts in batches, asks the state
//   machine to Apply them, assigns seq/time/prev, hashes the entries and the
//   subtrees they complete, and builds one WriteBatch per batch;
// - the writer thread writes the batches (unsynced) in order and then syncs
//   the WAL once for all of them; only then does the sequencer publish them
//   (node cache, Size(), StateMachine::Durable) and answer their appends;
// - the checkpointer thread signs checkpoints, lets the cosigner collect
//   cosignatures for a short grace, and hands each to the writer, which
//   stores it with the next WAL sync; cosignatures that arrive later come
//   from the cosigner's threads (AddCosignatures) and are stored the same
//   way as a new version of that checkpoint.
// While the writer syncs batch k, the sequencer prepares batch k+1.
// After a failed write the writer exits; once nothing is in flight the
// sequencer thread reopens the store (with backoff) and starts a new writer.
// Only the writer thread writes to RocksDB while the log is open (Init and
// Close write before and after it runs): RocksDB never merges batches from
// two of our threads into one write group, so every handoff of a batch is
// one we synchronise ourselves (and ThreadSanitizer can see).
#ifndef LEDGER_TLOG_LOG_IMPL_H_
#define LEDGER_TLOG_LOG_IMPL_H_

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "ledger/tlog/derived_state.h"
#include "ledger/tlog/idempotency.h"
#include "ledger/tlog/log.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/monotonic_time.h"
#include "ledger/tlog/node_store.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/reopenable_db.h"
#include "ledger/tlog/store_health.h"
#include "ledger/tlog/store_options.h"

namespace ledger::tlog {

int64_t NowMs();
Status FromRocks(const rocksdb::Status& s, const std::string& what);

// What answers one Append/AppendAll/AppendAllAsync call (PendingAppends is
// its caller's end).
using AppendAnswer = OneShot<std::vector<Result<Appended>>>;

// One Append/AppendAll/AppendAllAsync call, owned by the log from queueing
// until answered. Its drafts may be split over several batches;
// `unresolved` (sequencer thread only) counts drafts not yet answered, and
// when it reaches zero the results are handed to `done` and the request is
// deleted.
struct Request {
  std::vector<EntryDraft> drafts;
  // StateMachine::Decode of each draft, made on the appending thread.
  std::vector<Result<std::shared_ptr<const Decoded>>> decoded;
  bool atomic = false;   // AppendAtomic: all drafts in one batch, all or nothing
  bool dry_run = false;  // AppendAtomic: validate, then append nothing
  std::vector<Result<Appended>> results;
  size_t taken = 0;       // drafts already put in a batch (under queue_mu_)
  size_t unresolved = 0;  // sequencer thread only
  std::shared_ptr<AppendAnswer> answer = std::make_shared<AppendAnswer>();
};

// A batch from the sequencer to the writer and back.
struct Batch {
  struct Slice {
    Request* request;
    size_t begin, end;
  };
  std::vector<Slice> slices;
  std::vector<Result<Appended>*> accepted;
  std::vector<std::pair<NodeId, Hash>> new_nodes;
  rocksdb::WriteBatch write;
  uint64_t end_size = 0;
  uint64_t id = 0;  // batches are numbered from 1 in sequencing order
  size_t tile_bytes = 0;  // of `write`: the hash tiles' keys and values
  bool atomic = false;  // one AppendAtomic request, alone in the batch
  // The batch ends inside a request whose next drafts the sequencer takes
  // at once, with room in flight for them: the writer may leave this batch
  // unsynced and sync it with the next one (sequencer.cc, WriterLoop).
  bool more_follows = false;
  // Set by the writer once `write` is in RocksDB: the derived state exactly
  // as of end_size, for StateMachine::Durable.
  std::shared_ptr<const StateReader> state;
};

// A checkpoint record for the writer to store and sync.
struct SideWrite {
  std::string key, value;
  std::promise<rocksdb::Status> done;
};

class LogImpl : public Log, public CosignerHost {
 public:
  explicit LogImpl(Options options) : options_(std::move(options)) {}
  ~LogImpl() override { Close(); }

  Status Init();

  const std::string& origin() const override { return origin_; }
  const std::string& verifier_key() const override { return vkey_; }
  Result<Appended> Append(EntryDraft draft) override;
  std::vector<Result<Appended>> AppendAll(std::vector<EntryDraft> drafts) override {
    return AppendAllAsync(std::move(drafts)).get();
  }
  PendingAppends AppendAllAsync(std::vector<EntryDraft> drafts) override;
  AtomicResult AppendAtomic(std::vector<EntryDraft> drafts, bool dry_run) override;
  uint64_t Size() const override { return size_.load(std::memory_order_acquire); }
  Result<std::string> Entry(uint64_t seq) const override;
  Result<Hash> LeafHash(uint64_t seq) const override;
  Result<Hash> Root(uint64_t size) const override;
  Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size) const override;
  Result<std::vector<Hash>> ConsistencyProof(uint64_t old_size, uint64_t new_size) const override;
  void AddCosignatures(uint64_t size, const std::vector<std::string>& lines) override;
  Result<std::string> HashTile(int level, uint64_t index, int width) const override;
  Result<std::string> EntryBundle(uint64_t index, int width) const override;
  Result<Checkpoint> LatestCheckpoint() const override;
  Result<Checkpoint> CheckpointAt(uint64_t size) const override;
  Result<Checkpoint> WaitForCheckpoint(uint64_t size, std::chrono::milliseconds timeout) const override;
  const StateReader& state() const override { return *state_reader_; }
  // A reader of the derived state as RocksDB holds it now.
  std::shared_ptr<const StateReader> StateSnapshot() const { return SnapshotStateReader(db_); }
  LogStats Stats() const override;
  StoreStatus Health() const override { return health_ ? health_->Snapshot() : StoreStatus{}; }
  void Close() override;

 private:
  Status CheckSize(uint64_t size) const;
  int64_t Now() const { return options_.clock ? options_.clock() : NowMs(); }
  Status CheckTail(uint64_t size);
  // Reads the tree size, the tree's edge tiles, the tail check, the newest
  // checkpoint and the newest entry and checkpoint times from the store, and
  // publishes that size. Init, and the sequencer after a reopen.
  Status LoadFromStore();
  // The sequencer's right edge (frontier, last leaf, edge tiles, staged
  // derived state) for a tree of `size` entries, from the store.
  Status LoadWriteEdge(uint64_t size);

  // store_resume.cc
  // Writes stop (requires queue_mu_): the writer exits, batches in flight
  // are failed, appends are refused until TryResume succeeds.
  void StopWritesLocked(const std::string& cause);
  // A RocksDB background error (store_options.h), from any thread: handed
  // to the writer, which stops writes between two of its cycles.
  void OnStoreError(const std::string& cause);
  // Writer thread, holding queue_mu_.
  void ApplyPendingStoreErrorLocked();
  // The status of an append refused because writes stopped.
  Status StoppedStatus() const;
  // The status for the entries of a batch that failed: OutcomeUnknown when
  // the writer had taken it (its bytes may be in the store), else Unavailable.
  Status FailedBatchStatus(bool handed) const;
  // Sequencer thread, holding `lock` on queue_mu_: when writes stopped and
  // nothing is queued or in flight, waits for the next attempt (backoff)
  // and makes it; returns true when it did either (the caller loops).
  bool ResumeDue(std::unique_lock<std::mutex>& lock);
  // Writes stopped and nothing is queued or in flight (requires queue_mu_).
  bool ResumePending() const;
  Status TryResume();

  // sequencer.cc
  PendingAppends Enqueue(std::vector<EntryDraft> drafts, bool atomic, bool dry_run);
  void SequencerLoop();
  // Builds the batch for `slices`; false when it holds no accepted entry.
  bool Prepare(Batch* b);
  void Publish(Batch& b);
  void Fail(Batch& b, const Status& why);
  struct EdgeTile {  // the bottom row of a tile level's partial tile
    uint64_t index = 0;
    std::string hashes;  // up to 256 x 32 bytes
    size_t stored = 0;   // bytes of `hashes` already in a batch handed to the writer
  };
  // Undoes what Prepare did for an atomic batch that was refused or a dry run.
  struct Mark {
    std::vector<Hash> frontier;
    Hash last_leaf;
    std::vector<EdgeTile> edge_tiles;
  };
  Mark TakeMark() const;
  void RollBack(const Mark& m);
  void Resolve(Request* r, size_t n);
  void WriterLoop();

  // checkpointer.cc
  Result<Checkpoint> DecodeCheckpoint(uint64_t size, std::string_view record) const;
  // Signs, cosigns (when `cosign`), stores and publishes the checkpoint of `size`.
  Status SignCheckpoint(uint64_t size, bool cosign);
  Result<uint32_t> NextCheckpointVersion(uint64_t size) const;  // caller holds publish_mu_
  Status StoreAndPublish(std::shared_ptr<Checkpoint> cp);       // caller holds publish_mu_
  void CosignLatest();
  // Stores a checkpoint record durably: through the writer thread while it
  // runs, directly (synced) before it starts and after it stops.
  Status StoreCheckpoint(std::string key, std::string value);
  void CheckpointerLoop();

  Options options_;
  // Shared with snapshot readers, which may outlive the log.
  std::shared_ptr<ReopenableDB> db_;
  std::unique_ptr<StoreHealth> health_;
  std::shared_ptr<StoreEvents> events_;
  MonotonicTime entry_time_{"entry time", "s"};
  MonotonicTime checkpoint_time_{"checkpoint time", "ms"};
  std::unique_ptr<NodeStore> nodes_;
  std::unique_ptr<DbStateReader> state_reader_;
  std::unique_ptr<NoteSigner> note_signer_;
  std::string origin_, vkey_;

  std::atomic<uint64_t> size_{0};
  std::atomic<uint64_t> stat_batches_{0}, stat_entries_{0}, stat_syncs_{0}, stat_rejected_{0};
  std::atomic<uint64_t> stat_bytes_{0}, stat_tile_bytes_{0};  // written by the writer thread

  // Sequencer thread only; these run ahead of Size() by the batches in flight.
  std::vector<Hash> frontier_;
  Hash last_leaf_{};
  uint64_t sequenced_ = 0;
  std::vector<EdgeTile> edge_tiles_;
  std::unique_ptr<BatchStateWriter> staged_;
  std::unique_ptr<IdempotencyIndex> idempotency_;

  // queue_mu_ guards everything below up to the threads.
  std::mutex queue_mu_;
  std::condition_variable sequencer_cv_;
  std::condition_variable writer_cv_;
  std::deque<Request*> queue_;
  size_t queued_entries_ = 0;
  std::deque<std::unique_ptr<Batch>> inflight_;  // prepared, in order, not yet published
  std::deque<Batch*> to_write_;                  // the writer's queue, in order
  std::deque<SideWrite*> side_writes_;           // checkpoints for the writer
  bool writer_running_ = false;
  uint64_t written_ = 0;                         // batches up to this size are in RocksDB
  uint64_t synced_id_ = 0;                       // batches up to this id are written and synced
  uint64_t written_id_ = 0;                      // batches up to this id are written, synced or not
  bool sync_asked_ = false;                      // no follow-up is coming: sync what is written
  uint64_t next_batch_id_ = 1;                   // sequencer thread only
  uint64_t handed_ = 0;                          // batches up to this size were taken by the writer
  bool stopping_ = false;
  bool writer_stopping_ = false;
  bool failed_ = false;  // a write or WAL sync failed; refuse all appends until TryResume
  // When the sequencer next tries to reopen the store, and the wait after
  // that attempt if it fails (doubling up to kResumeMaxBackoff).
  std::chrono::steady_clock::time_point resume_at_{};
  std::chrono::milliseconds resume_backoff_{0};
  std::chrono::steady_clock::time_point stopped_at_{};
  uint64_t store_errors_ = 0;         // RocksDB background errors reported (OnStoreError)
  std::string pending_store_error_;  // for the writer to apply (ApplyPendingStoreErrorLocked)
  std::thread sequencer_, writer_;

  // Serialises storing checkpoint versions (checkpointer, AddCosignatures,
  // Close), so a version number is never taken twice. Taken before cp_mu_.
  std::mutex publish_mu_;
  // The next free checkpoint version of each size at or above the newest
  // readable checkpoint's (publish_mu_; filled by Init from the stored keys).
  std::map<uint64_t, uint32_t> next_version_;
  std::atomic<bool> cosigner_stopped_{false};
  mutable std::mutex cp_mu_;
  mutable std::condition_variable cp_cv_;
  std::shared_ptr<const Checkpoint> latest_;
  bool cp_stopping_ = false;
  std::thread checkpointer_;
  bool closed_ = false;
};

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_LOG_IMPL_H_
