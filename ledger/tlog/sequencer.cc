// The append pipeline of LogImpl (see log_impl.h for the threads).
#include <algorithm>
#include <tuple>
#include <utility>

#include "ledger/tlog/entry.h"
#include "ledger/tlog/log_impl.h"
#include "ledger/tlog/store_keys.h"
#include "ledger/tlog/tile.h"
#include "ledger/tlog/tile_append.h"

namespace ledger::tlog {
namespace {

// Batches prepared ahead of the one being synced. More would only hold
// validated entries longer in memory; the writer syncs all it has at once.
constexpr size_t kMaxInflightBatches = 4;

}  // namespace

Result<Appended> LogImpl::Append(EntryDraft draft) {
  std::vector<EntryDraft> one;
  one.push_back(std::move(draft));
  return std::move(AppendAll(std::move(one))[0]);
}

PendingAppends LogImpl::AppendAllAsync(std::vector<EntryDraft> drafts) {
  return Enqueue(std::move(drafts), false, false);
}

Log::AtomicResult LogImpl::AppendAtomic(std::vector<EntryDraft> drafts, bool dry_run) {
  const bool empty = drafts.empty();
  AtomicResult out;
  out.drafts = Enqueue(std::move(drafts), true, dry_run).get();
  out.ok = !empty;
  for (const auto& r : out.drafts) out.ok = out.ok && r.ok();
  return out;
}

PendingAppends LogImpl::Enqueue(std::vector<EntryDraft> drafts, bool atomic, bool dry_run) {
  const size_t n = drafts.size();
  auto refuse = [n](Status why) {
    auto answer = std::make_shared<AppendAnswer>();
    answer->Set(std::vector<Result<Appended>>(n, std::move(why)));
    return PendingAppends(std::move(answer));
  };
  if (n == 0) return refuse(Status::Ok());
  if (options_.read_only) return refuse(Status(Code::kUnavailable, "the log is open read-only"));
  if (Status why = health_->Admit(); !why.ok()) return refuse(std::move(why));  // low disk, writes stopped
  auto req = std::make_unique<Request>();
  req->drafts = std::move(drafts);
  req->atomic = atomic;
  req->dry_run = dry_run;
  req->results.assign(n, Status(Code::kInternal, "not sequenced"));
  if (options_.state_machine != nullptr) {
    req->decoded.reserve(n);
    for (const EntryDraft& d : req->drafts) req->decoded.push_back(options_.state_machine->Decode(d.type, d.by, d.body));
  }
  req->unresolved = n;
  PendingAppends done(req->answer);
  {
    std::lock_guard lock(queue_mu_);
    if (stopping_) return refuse(Status(Code::kUnavailable, "the log is shutting down"));
    if (failed_) return refuse(StoppedStatus());
    if (queued_entries_ > 0 && queued_entries_ + n > options_.max_queue_entries) {
      return refuse(Status(Code::kUnavailable, "the append queue is full (" + std::to_string(queued_entries_) +
                                                   " entries waiting); retry shortly"));
    }
    queue_.push_back(req.release());  // owned by the log until Resolve answers it
    queued_entries_ += n;
  }
  sequencer_cv_.notify_one();
  return done;
}

void LogImpl::Resolve(Request* r, size_t n) {
  r->unresolved -= n;
  if (r->unresolved == 0) {
    r->answer->Set(std::move(r->results));
    delete r;
  }
}

void LogImpl::SequencerLoop() {
  while (true) {
    std::unique_ptr<Batch> next;
    std::vector<std::unique_ptr<Batch>> durable, failed;
    std::vector<Request*> refused;
    uint64_t written, handed;
    {
      std::unique_lock lock(queue_mu_);
      if (ResumeDue(lock)) continue;  // writes stopped, nothing in flight: reopen the store (store_resume.cc)
      sequencer_cv_.wait(lock, [&] {
        return (!queue_.empty() && (failed_ || inflight_.size() < kMaxInflightBatches)) ||
               (!inflight_.empty() && (failed_ || synced_id_ >= inflight_.front()->id)) ||
               (stopping_ && queue_.empty() && inflight_.empty()) || ResumePending();
      });
      if (stopping_ && queue_.empty() && inflight_.empty()) return;
      // A batch whose sync succeeded is durable, even if a later one failed.
      while (!inflight_.empty() && synced_id_ >= inflight_.front()->id) {
        durable.push_back(std::move(inflight_.front()));
        inflight_.pop_front();
      }
      if (failed_) {
        while (!inflight_.empty()) {
          failed.push_back(std::move(inflight_.front()));
          inflight_.pop_front();
        }
        to_write_.clear();  // the stopped writer never takes them
        refused.assign(queue_.begin(), queue_.end());
        queue_.clear();
        queued_entries_ = 0;
      } else if (!queue_.empty() && inflight_.size() < kMaxInflightBatches) {
        // No timer: the batch is whatever queued while earlier ones were
        // being written, split so that large requests pipeline too.
        next = std::make_unique<Batch>();
        size_t n = 0;
        if (queue_.front()->atomic) {
          // An atomic request is a batch of its own, whatever its size.
          Request* r = queue_.front();
          next->atomic = true;
          next->slices.push_back({r, 0, r->drafts.size()});
          r->taken = r->drafts.size();
          queued_entries_ -= r->drafts.size();
          queue_.pop_front();
        }
        while (!next->atomic && !queue_.empty() && !queue_.front()->atomic && n < options_.max_batch_entries) {
          Request* r = queue_.front();
          const size_t take = std::min(r->drafts.size() - r->taken, options_.max_batch_entries - n);
          next->slices.push_back({r, r->taken, r->taken + take});
          r->taken += take;
          n += take;
          queued_entries_ -= take;
          if (r->taken == r->drafts.size()) queue_.pop_front();
        }
        // A request split here goes on in the next batch, which this thread
        // takes next; with a slot in flight for it, the writer leaves this
        // one's sync to it: a large AppendAll is prepared and written in
        // overlapping parts, and synced once per kMaxInflightBatches parts.
        next->more_follows = !next->atomic && !queue_.empty() && queue_.front()->taken > 0 &&
                             inflight_.size() + 2 <= kMaxInflightBatches;
      }
      written = written_;
      handed = handed_;
    }
    for (auto& b : durable) Publish(*b);
    for (auto& b : failed) Fail(*b, FailedBatchStatus(b->end_size <= handed));
    for (Request* r : refused) {
      for (size_t i = r->taken; i < r->drafts.size(); ++i) r->results[i] = StoppedStatus();
      Resolve(r, r->drafts.size() - r->taken);
    }
    staged_->DropLayers(written);
    idempotency_->DropWritten(written);
    if (next == nullptr) continue;
    if (!Prepare(next.get())) {
      for (const auto& s : next->slices) Resolve(s.request, s.end - s.begin);
      // Nothing to hand on: the batch before it, which the writer leaves
      // (or will leave) unsynced for this one, must not wait for it.
      std::lock_guard lock(queue_mu_);
      if (!inflight_.empty() && inflight_.back()->more_follows) {
        sync_asked_ = true;
        writer_cv_.notify_one();
      }
      continue;
    }
    std::lock_guard lock(queue_mu_);
    to_write_.push_back(next.get());
    inflight_.push_back(std::move(next));
    writer_cv_.notify_one();
  }
}

LogImpl::Mark LogImpl::TakeMark() const {
  return Mark{frontier_, last_leaf_, edge_tiles_};
}

void LogImpl::RollBack(const Mark& m) {
  frontier_ = m.frontier;
  last_leaf_ = m.last_leaf;
  edge_tiles_ = m.edge_tiles;
  staged_->DiscardBatch();
  idempotency_->DiscardStaged();
  if (options_.state_machine != nullptr) options_.state_machine->Rollback();
}

bool LogImpl::Prepare(Batch* b) {
  const uint64_t start = sequenced_;
  std::optional<Mark> mark;
  if (b->atomic) mark = TakeMark();
  uint64_t next = start;
  const std::string time = FormatTime(entry_time_.Next(Now() / 1000));  // never decreases
  StateMachine* sm = options_.state_machine;
  // (level, index, value, merge): full tiles are Put whole, the partial
  // tile of a level gets a merge operand with the hashes this batch added.
  std::vector<std::tuple<int, uint64_t, std::string, bool>> tiles;

  bool replays = false;
  for (const Batch::Slice& slice : b->slices) {
    Request* r = slice.request;
    for (size_t i = slice.begin; i < slice.end; ++i) {
      EntryDraft& d = r->drafts[i];
      if (d.idempotency) {
        // A used key answers with the first append (or a conflict) and
        // takes no index; the answer waits for this batch like the others,
        // so it never precedes the first append's durability.
        Status valid = IdempotencyIndex::Check(*d.idempotency);
        Result<Appended> prior = valid.ok() ? idempotency_->Find(*d.idempotency) : Result<Appended>(valid);
        if (prior.ok()) {
          r->results[i] = std::move(prior);
          b->accepted.push_back(&r->results[i]);
          replays = true;
          continue;
        }
        if (prior.status().code() != Code::kNotFound) {
          r->results[i] = prior.status();
          stat_rejected_++;
          continue;
        }
      }
      Result<std::string> entry = FormatEntry(EntryFields{next, last_leaf_, time, d.type, d.by, d.body});
      if (!entry.ok()) {
        r->results[i] = entry.status();
        stat_rejected_++;
        continue;
      }
      if (sm != nullptr) {
        const Result<std::shared_ptr<const Decoded>>& decoded = r->decoded[i];
        Status st = decoded.ok() ? sm->Apply(SequencedEntry{next, time, d.type, d.by, d.body, decoded->get()},
                                             staged_.get())
                                 : decoded.status();
        if (!st.ok()) {
          staged_->Discard();
          r->results[i] = st;
          stat_rejected_++;
          continue;
        }
        staged_->Commit();
      }
      const Hash leaf = HashLeaf(*entry);
      AppendLeaf(next, leaf, &frontier_, [&](const NodeId& id, const Hash& h) {
        b->new_nodes.emplace_back(id, h);
        // RocksDB keeps the tree as tiles: only levels 0, 8, 16, ... are stored.
        const int level = id.level / kTileHeight;
        if (id.level % kTileHeight != 0 || level >= static_cast<int>(edge_tiles_.size())) return;
        EdgeTile& t = edge_tiles_[level];
        t.hashes.append(crypto::AsBytes(h));
        if (t.hashes.size() == kTileWidth * crypto::kHashSize) {
          tiles.emplace_back(level, t.index, std::move(t.hashes), false);
          t.hashes.clear();
          t.stored = 0;
          ++t.index;
        }
      });
      r->results[i] = Appended{next, leaf, std::move(*entry)};
      if (d.idempotency) idempotency_->Stage(*d.idempotency, *r->results[i]);
      b->accepted.push_back(&r->results[i]);
      last_leaf_ = leaf;
      ++next;
    }
  }
  if (b->atomic) {
    const Request* r = b->slices.front().request;
    bool all = true;
    for (const auto& res : r->results) all = all && res.ok();
    if (!all || r->dry_run) {
      // Nothing of a refused or dry-run group is kept; its answers stand as
      // computed (what each draft would have been, or why it was refused).
      RollBack(*mark);
      stat_rejected_ += next - start;
      return false;
    }
  }
  if (next == start && !replays) {
    staged_->DiscardBatch();
    return false;
  }
  if (sm != nullptr) sm->Sealed(next);
  // A level's partial tile has hashes past `stored` only if this batch added them.
  for (int level = 0; level < static_cast<int>(edge_tiles_.size()); ++level) {
    EdgeTile& t = edge_tiles_[level];
    if (t.hashes.size() > t.stored) {
      tiles.emplace_back(level, t.index,
                         TileAppendOperand(static_cast<uint32_t>(t.stored / crypto::kHashSize),
                                           std::string_view(t.hashes).substr(t.stored)),
                         true);
      t.stored = t.hashes.size();
    }
  }
  std::sort(tiles.begin(), tiles.end(), [](const auto& x, const auto& y) {
    return std::tie(std::get<0>(x), std::get<1>(x)) < std::tie(std::get<0>(y), std::get<1>(y));
  });
  // Keys go into the batch in order ('D' < 'E' < 'I' < 'M' < 'T', each range
  // ascending): RocksDB's memtable then inserts each key beside the last
  // instead of searching its skip list from the top.
  staged_->Flush(&b->write, next);
  for (Result<Appended>* a : b->accepted) {
    if (!(*a)->replayed) b->write.Put(keys::EntryKey((*a)->seq), (*a)->entry);
  }
  idempotency_->Flush(&b->write, next);
  b->write.Put(keys::kMetaSize, keys::EncodeU64(next));
  for (const auto& [level, index, bytes, merge] : tiles) {
    const std::string key = keys::TileKey(level, index);
    if (merge) b->write.Merge(key, bytes);
    else b->write.Put(key, bytes);
    b->tile_bytes += key.size() + bytes.size();
  }
  sequenced_ = next;
  b->end_size = next;
  b->id = next_batch_id_++;
  stat_batches_++;
  stat_entries_ += next - start;
  return true;
}

// Writes batches in order, unsynced, then the checkpoints handed over by the
// checkpointer, then syncs the WAL once for all of them: a sync covers every
// write that returned before it began. A batch that ends inside a request
// the sequencer is still cutting (Batch::more_follows) is left unsynced for
// the next one, so its preparing overlaps this write; the sequencer asks
// for the sync itself if that next batch turns out empty.
void LogImpl::WriterLoop() {
  std::unique_lock lock(queue_mu_);
  while (true) {
    writer_cv_.wait(lock, [&] {
      return failed_ || writer_stopping_ || !to_write_.empty() || !side_writes_.empty() ||
             !pending_store_error_.empty() || sync_asked_;
    });
    ApplyPendingStoreErrorLocked();  // a RocksDB background error stops writes here (store_resume.cc)
    std::vector<SideWrite*> sides(side_writes_.begin(), side_writes_.end());
    side_writes_.clear();
    const bool sync_asked = std::exchange(sync_asked_, false);
    if (failed_ || (to_write_.empty() && sides.empty() && !sync_asked)) {  // failed, or stopping and drained
      writer_running_ = false;
      for (SideWrite* w : sides) w->done.set_value(rocksdb::Status::Aborted("the log stopped after a failed write"));
      return;
    }
    std::vector<Batch*> batches(to_write_.begin(), to_write_.end());
    to_write_.clear();
    if (!batches.empty()) handed_ = batches.back()->end_size;  // from here on they may reach the store
    lock.unlock();
    rocksdb::Status s;
    for (Batch* b : batches) {
      s = db_->Write(rocksdb::WriteOptions(), &b->write);
      if (!s.ok()) break;
      stat_bytes_ += b->write.GetDataSize();
      stat_tile_bytes_ += b->tile_bytes;
      // Only this thread writes: the snapshot holds exactly the batches up
      // to this one, which is what Durable(end_size) must publish.
      if (options_.state_machine != nullptr) b->state = SnapshotStateReader(db_);
    }
    if (s.ok() && !sides.empty()) {
      rocksdb::WriteBatch side;
      for (SideWrite* w : sides) side.Put(w->key, w->value);
      s = db_->Write(rocksdb::WriteOptions(), &side);
    }
    // The ask is read with the batches taken: a batch handed before it is
    // among them or was taken earlier, and is synced now or on this ask.
    const bool defer =
        s.ok() && !sync_asked && sides.empty() && !batches.empty() && batches.back()->more_follows;
    if (s.ok()) {
      if (!batches.empty()) {
        std::lock_guard written_lock(queue_mu_);
        written_ = batches.back()->end_size;
        written_id_ = batches.back()->id;
      }
      if (!defer) {
        s = db_->SyncWAL();
        stat_syncs_++;
      }
    }
    for (SideWrite* w : sides) w->done.set_value(s);
    lock.lock();
    if (s.ok()) {
      if (!defer) synced_id_ = written_id_;  // only this thread moves written_id_
    } else {
      StopWritesLocked("writing or syncing the WAL failed: " + s.ToString());
    }
    sequencer_cv_.notify_all();
  }
}

void LogImpl::Publish(Batch& b) {
  for (const auto& [id, h] : b.new_nodes) nodes_->Extend(id, h);
  size_.store(b.end_size, std::memory_order_release);
  if (options_.state_machine != nullptr) options_.state_machine->Durable(b.end_size, std::move(b.state));
  // Taking cp_mu_ orders this wake-up after the checkpointer's check of Size().
  { std::lock_guard lock(cp_mu_); }
  cp_cv_.notify_all();
  for (const auto& s : b.slices) Resolve(s.request, s.end - s.begin);
}

void LogImpl::Fail(Batch& b, const Status& why) {
  if (options_.state_machine != nullptr) options_.state_machine->Abandon();
  staged_->Clear();
  idempotency_->Clear();
  for (auto* res : b.accepted) *res = why;
  for (const auto& s : b.slices) Resolve(s.request, s.end - s.begin);
}

}  // namespace ledger::tlog
