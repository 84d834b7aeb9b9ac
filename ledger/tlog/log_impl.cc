// The Log implementation: RocksDB store, group-committing sequencer and
// checkpointer. The public contract is in log.h; the key layout and recovery
// steps are in docs/format.md.
#include <rocksdb/db.h>
#include <rocksdb/table.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/write_batch.h>

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <future>
#include <mutex>
#include <thread>

#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/derived_state.h"
#include "ledger/tlog/entry.h"
#include "ledger/tlog/log.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/node_store.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/store_keys.h"
#include "ledger/tlog/tile.h"

namespace ledger::tlog {
namespace {

// How many entries at the tail Open re-hashes and checks against the chain
// and the stored leaf hashes.
constexpr uint64_t kTailCheck = 1024;

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status FromRocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return Status::Ok();
  if (s.IsNotFound()) return NotFound(what + ": not found");
  if (s.IsCorruption()) return Corruption(what + ": " + s.ToString());
  return IOError(what + ": " + s.ToString());
}

// One Append or AppendAll call waiting for the sequencer.
struct Request {
  std::vector<EntryDraft> drafts;
  std::vector<Result<Appended>> results;
  std::promise<void> done;
};

class LogImpl : public Log {
 public:
  explicit LogImpl(Options options) : options_(std::move(options)) {}
  ~LogImpl() override { Close(); }

  Status Init();

  const std::string& origin() const override { return origin_; }
  const std::string& verifier_key() const override { return vkey_; }

  Result<Appended> Append(EntryDraft draft) override {
    std::vector<EntryDraft> one;
    one.push_back(std::move(draft));
    return std::move(AppendAll(std::move(one))[0]);
  }
  std::vector<Result<Appended>> AppendAll(std::vector<EntryDraft> drafts) override;

  uint64_t Size() const override { return size_.load(std::memory_order_acquire); }
  Result<std::string> Entry(uint64_t seq) const override;
  Result<Hash> LeafHash(uint64_t seq) const override;
  Result<Hash> Root(uint64_t size) const override;
  Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size) const override;
  Result<std::vector<Hash>> ConsistencyProof(uint64_t old_size, uint64_t new_size) const override;
  Result<std::string> HashTile(int level, uint64_t index, int width) const override;
  Result<std::string> EntryBundle(uint64_t index, int width) const override;
  Result<Checkpoint> LatestCheckpoint() const override;
  Result<Checkpoint> CheckpointAt(uint64_t size) const override;
  Result<Checkpoint> WaitForCheckpoint(uint64_t size,
                                       std::chrono::milliseconds timeout) const override;
  const StateReader& state() const override { return *state_reader_; }
  void Close() override;

 private:
  Status CheckSize(uint64_t size) const {
    if (size > Size()) {
      return OutOfRange("tree size " + std::to_string(size) + " is beyond the log's size " +
                        std::to_string(Size()));
    }
    return Status::Ok();
  }
  Status CheckTail(uint64_t size);
  Result<Checkpoint> DecodeCheckpoint(uint64_t size, std::string_view record) const;
  Status SignCheckpoint(uint64_t size);

  void SequencerLoop();
  void RunBatch(std::vector<Request*>& batch);
  void CheckpointerLoop();

  Options options_;
  std::unique_ptr<rocksdb::DB> db_;
  std::unique_ptr<NodeStore> nodes_;
  std::unique_ptr<DbStateReader> state_reader_;
  std::unique_ptr<NoteSigner> note_signer_;
  std::string origin_, vkey_;

  std::atomic<uint64_t> size_{0};

  // Sequencer state, touched by the sequencer thread only (after Init).
  std::vector<Hash> frontier_;
  Hash last_leaf_{};
  std::unique_ptr<BatchStateWriter> staged_;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Request*> queue_;
  size_t queued_entries_ = 0;
  bool stopping_ = false;
  bool failed_ = false;  // a synced write failed; refuse all appends
  std::thread sequencer_;

  mutable std::mutex cp_mu_;
  mutable std::condition_variable cp_cv_;
  std::shared_ptr<const Checkpoint> latest_;
  bool cp_stopping_ = false;
  std::thread checkpointer_;
  bool closed_ = false;
};

Status LogImpl::Init() {
  rocksdb::Options opts;
  opts.create_if_missing = options_.create_if_missing;
  opts.IncreaseParallelism(2);
  opts.write_buffer_size = 64 << 20;
  opts.max_open_files = 512;
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.block_cache = rocksdb::NewLRUCache(64 << 20);
  opts.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));

  if (!options_.create_if_missing && !std::filesystem::exists(options_.path)) {
    return NotFound("no log at " + options_.path + " (run ledgerctl init)");
  }
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = options_.read_only ? rocksdb::DB::OpenForReadOnly(opts, options_.path, &raw)
                                         : rocksdb::DB::Open(opts, options_.path, &raw);
  if (!s.ok()) return IOError("opening the log store at " + options_.path + ": " + s.ToString());
  db_.reset(raw);

  std::string value;
  s = db_->Get(rocksdb::ReadOptions(), keys::kMetaOrigin, &value);
  const bool fresh = s.IsNotFound();
  if (!s.ok() && !fresh) return FromRocks(s, "reading the origin");
  if (fresh) {
    if (!options_.create_if_missing || options_.read_only) {
      return NotFound("no log at " + options_.path + " (run ledgerctl init)");
    }
    if (options_.origin.empty() || !IsValidKeyName(options_.origin)) {
      return InvalidArgument("origin must be a non-empty key name without spaces or '+'");
    }
    if (options_.signer == nullptr) return InvalidArgument("a new log needs a signing key");
    rocksdb::WriteBatch batch;
    batch.Put(keys::kMetaOrigin, options_.origin);
    batch.Put(keys::kMetaVerifierKey, FormatVerifierKey(options_.origin, options_.signer->PublicKey()));
    batch.Put(keys::kMetaSize, keys::EncodeU64(0));
    batch.Put(keys::kMetaFormat, keys::kFormatVersion);
    rocksdb::WriteOptions wo;
    wo.sync = true;
    LEDGER_RETURN_IF_ERROR(FromRocks(db_->Write(wo, &batch), "creating the log"));
    value = options_.origin;
  }
  origin_ = value;
  if (!options_.origin.empty() && options_.origin != origin_) {
    return InvalidArgument("the log at " + options_.path + " has origin " + origin_ + ", not " +
                           options_.origin);
  }
  LEDGER_RETURN_IF_ERROR(FromRocks(db_->Get(rocksdb::ReadOptions(), keys::kMetaVerifierKey, &vkey_),
                                   "reading the verifier key"));
  if (options_.signer != nullptr &&
      FormatVerifierKey(origin_, options_.signer->PublicKey()) != vkey_) {
    return InvalidArgument("the signing key does not match the log's verifier key " + vkey_);
  }
  LEDGER_RETURN_IF_ERROR(
      FromRocks(db_->Get(rocksdb::ReadOptions(), keys::kMetaSize, &value), "reading the tree size"));
  if (value.size() != 8) return Corruption("stored tree size is not 8 bytes");
  const uint64_t size = keys::GetU64(value);

  nodes_ = std::make_unique<NodeStore>(db_.get(), options_.node_cache_bytes);
  LEDGER_RETURN_IF_ERROR(nodes_->LoadEdges(size));
  LEDGER_RETURN_IF_ERROR(CheckTail(size));
  state_reader_ = std::make_unique<DbStateReader>(db_.get());
  size_.store(size);

  // The newest stored checkpoint.
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    it->SeekForPrev(keys::CheckpointKey(~uint64_t{0}));
    if (it->Valid() && it->key().size() == 9 && it->key()[0] == keys::kCheckpoint) {
      uint64_t cp_size = keys::GetU64(std::string_view(it->key().data() + 1, 8));
      LEDGER_ASSIGN_OR_RETURN(Checkpoint cp, DecodeCheckpoint(
          cp_size, std::string_view(it->value().data(), it->value().size())));
      if (cp.size > size) {
        return Corruption("stored checkpoint of size " + std::to_string(cp.size) +
                          " is beyond the tree size " + std::to_string(size));
      }
      latest_ = std::make_shared<Checkpoint>(std::move(cp));
    }
  }
  if (options_.read_only) return Status::Ok();

  if (options_.signer == nullptr) return InvalidArgument("a writable log needs its signing key");
  note_signer_ = NewEd25519NoteSigner(origin_, options_.signer);
  // Rebuild the right edge of the tree from the stored nodes.
  for (int level = 0; level < 64; ++level) {
    if ((size >> level) & 1) {
      std::vector<Hash> h;
      LEDGER_RETURN_IF_ERROR(nodes_->ReadNodes({NodeId{level, (size >> level) - 1}}, &h));
      if (frontier_.size() <= static_cast<size_t>(level)) frontier_.resize(level + 1);
      frontier_[level] = h[0];
    }
  }
  if (size > 0) {
    LEDGER_ASSIGN_OR_RETURN(last_leaf_, LeafHash(size - 1));
  }
  staged_ = std::make_unique<BatchStateWriter>(state_reader_.get());
  if (options_.state_machine != nullptr) {
    LEDGER_RETURN_IF_ERROR(options_.state_machine->Load(*state_reader_, size));
  }
  if (latest_ == nullptr || latest_->size < size) LEDGER_RETURN_IF_ERROR(SignCheckpoint(size));
  sequencer_ = std::thread([this] { SequencerLoop(); });
  checkpointer_ = std::thread([this] { CheckpointerLoop(); });
  return Status::Ok();
}

// Opening checks the tail instead of replaying the log: the last entries must
// chain, hash to their stored leaves, and nothing may follow the stored size.
// Batches are atomic, so a crash leaves either all of a batch or none of it.
Status LogImpl::CheckTail(uint64_t size) {
  std::string extra;
  if (!db_->Get(rocksdb::ReadOptions(), keys::EntryKey(size), &extra).IsNotFound()) {
    return Corruption("an entry exists at index " + std::to_string(size) +
                      ", past the stored tree size");
  }
  const uint64_t from = size > kTailCheck ? size - kTailCheck : 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  Hash prev{};
  if (from > 0) {
    std::vector<Hash> h;
    LEDGER_RETURN_IF_ERROR(nodes_->ReadNodes({NodeId{0, from - 1}}, &h));
    prev = h[0];
  }
  uint64_t seq = from;
  for (it->Seek(keys::EntryKey(from)); seq < size; it->Next(), ++seq) {
    if (!it->Valid() || it->key() != keys::EntryKey(seq)) {
      return Corruption("entry " + std::to_string(seq) + " is missing");
    }
    std::string_view entry(it->value().data(), it->value().size());
    auto fields = ParseEntry(entry);
    if (!fields.ok()) return Corruption("entry " + std::to_string(seq) + ": " + fields.status().message());
    if (fields->seq != seq || fields->prev != prev) {
      return Corruption("entry " + std::to_string(seq) + " does not chain to entry " +
                        std::to_string(seq - 1));
    }
    std::vector<Hash> h;
    LEDGER_RETURN_IF_ERROR(nodes_->ReadNodes({NodeId{0, seq}}, &h));
    prev = HashLeaf(entry);
    if (prev != h[0]) return Corruption("entry " + std::to_string(seq) + " does not match its leaf hash");
  }
  return Status::Ok();
}

std::vector<Result<Appended>> LogImpl::AppendAll(std::vector<EntryDraft> drafts) {
  const size_t n = drafts.size();
  if (options_.read_only) {
    return std::vector<Result<Appended>>(n, Status(Code::kUnavailable, "the log is open read-only"));
  }
  Request req;
  req.drafts = std::move(drafts);
  req.results.assign(n, Status(Code::kInternal, "not sequenced"));
  auto done = req.done.get_future();
  {
    std::lock_guard lock(queue_mu_);
    if (stopping_ || failed_) {
      return std::vector<Result<Appended>>(
          n, Status(Code::kUnavailable, failed_ ? "the log stopped after a failed write; restart it"
                                                : "the log is shutting down"));
    }
    if (queued_entries_ + n > options_.max_queue_entries && queued_entries_ > 0) {
      return std::vector<Result<Appended>>(
          n, Status(Code::kResourceExhausted, "the append queue is full; retry shortly"));
    }
    queue_.push_back(&req);
    queued_entries_ += n;
  }
  queue_cv_.notify_one();
  done.wait();
  return std::move(req.results);
}

void LogImpl::SequencerLoop() {
  while (true) {
    std::vector<Request*> batch;
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and drained
      // No timer: the batch is whatever queued while the last write synced.
      size_t entries = 0;
      while (!queue_.empty() &&
             (batch.empty() || entries + queue_.front()->drafts.size() <= options_.max_batch_entries)) {
        entries += queue_.front()->drafts.size();
        queued_entries_ -= queue_.front()->drafts.size();
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    RunBatch(batch);
    for (Request* r : batch) r->done.set_value();
  }
}

void LogImpl::RunBatch(std::vector<Request*>& batch) {
  if (failed_) {
    for (Request* r : batch) {
      for (auto& res : r->results) res = Status(Code::kUnavailable, "the log stopped after a failed write");
    }
    return;
  }
  const uint64_t start = Size();
  uint64_t next = start;
  const std::string time = FormatTime(NowMs() / 1000);
  rocksdb::WriteBatch wb;
  std::vector<std::pair<NodeId, Hash>> new_nodes;
  std::vector<Result<Appended>*> accepted;
  StateMachine* sm = options_.state_machine;
  std::string key_buf;

  for (Request* r : batch) {
    for (size_t i = 0; i < r->drafts.size(); ++i) {
      EntryDraft& d = r->drafts[i];
      EntryFields f{next, last_leaf_, time, d.type, d.by, d.body};
      Result<std::string> entry = FormatEntry(f);
      if (!entry.ok()) {
        r->results[i] = entry.status();
        continue;
      }
      if (sm != nullptr) {
        SequencedEntry se{next, time, d.type, d.by, d.body, d.context};
        Status st = sm->Apply(se, staged_.get());
        if (!st.ok()) {
          staged_->Discard();
          r->results[i] = st;
          continue;
        }
        staged_->Commit(&wb);
      }
      Hash leaf = HashLeaf(*entry);
      wb.Put(keys::EntryKey(next), *entry);
      AppendLeaf(next, leaf, &frontier_, [&](const NodeId& id, const Hash& h) {
        wb.Put(keys::NodeKey(id.level, id.index),
               rocksdb::Slice(reinterpret_cast<const char*>(h.data()), h.size()));
        new_nodes.emplace_back(id, h);
      });
      r->results[i] = Appended{next, leaf, std::move(*entry)};
      accepted.push_back(&r->results[i]);
      last_leaf_ = leaf;
      ++next;
    }
  }
  staged_->Reset();
  if (next == start) return;
  wb.Put(keys::kMetaSize, keys::EncodeU64(next));
  rocksdb::WriteOptions wo;
  wo.sync = true;
  rocksdb::Status s = db_->Write(wo, &wb);
  if (!s.ok()) {
    // The in-memory frontier and state machine are now ahead of the disk.
    // Refuse everything from here on; reopening recovers from the disk.
    {
      std::lock_guard lock(queue_mu_);
      failed_ = true;
    }
    if (sm != nullptr) sm->Abandon();
    for (auto* res : accepted) *res = IOError("the entry could not be made durable: " + s.ToString());
    return;
  }
  for (const auto& [id, h] : new_nodes) nodes_->Extend(id, h);
  size_.store(next, std::memory_order_release);
  if (sm != nullptr) sm->Durable(next);
  // Taking cp_mu_ orders this wake-up after the checkpointer's check of Size().
  { std::lock_guard lock(cp_mu_); }
  cp_cv_.notify_all();
}

Result<Checkpoint> LogImpl::DecodeCheckpoint(uint64_t size, std::string_view record) const {
  if (record.size() < 8) return Corruption("checkpoint record is too short");
  Checkpoint cp;
  cp.unix_ms = static_cast<int64_t>(keys::GetU64(record));
  cp.note = std::string(record.substr(8));
  LEDGER_ASSIGN_OR_RETURN(Note note, ParseNote(cp.note));
  LEDGER_ASSIGN_OR_RETURN(CheckpointBody body, ParseCheckpointBody(note.text));
  if (body.size != size) return Corruption("checkpoint record key and body disagree on the size");
  cp.size = body.size;
  cp.root = body.root;
  return cp;
}

Status LogImpl::SignCheckpoint(uint64_t size) {
  LEDGER_ASSIGN_OR_RETURN(Hash root, TreeRoot(size, *nodes_));
  std::string text = FormatCheckpointBody(CheckpointBody{origin_, size, root, {}});
  LEDGER_ASSIGN_OR_RETURN(std::string note, SignNote(text, {note_signer_.get()}));
  auto cp = std::make_shared<Checkpoint>();
  cp->size = size;
  cp->root = root;
  cp->note = std::move(note);
  cp->unix_ms = NowMs();
  std::string record = keys::EncodeU64(static_cast<uint64_t>(cp->unix_ms)) + cp->note;
  rocksdb::WriteOptions wo;
  wo.sync = true;
  LEDGER_RETURN_IF_ERROR(
      FromRocks(db_->Put(wo, keys::CheckpointKey(size), record), "storing a checkpoint"));
  {
    std::lock_guard lock(cp_mu_);
    latest_ = std::move(cp);
  }
  cp_cv_.notify_all();
  return Status::Ok();
}

void LogImpl::CheckpointerLoop() {
  auto last_signed = std::chrono::steady_clock::now();
  std::unique_lock lock(cp_mu_);
  while (!cp_stopping_) {
    const uint64_t published = latest_ ? latest_->size : 0;
    if (Size() <= published) {
      cp_cv_.wait(lock, [&] { return cp_stopping_ || Size() > published; });
      continue;
    }
    // At most one checkpoint per interval.
    auto due = last_signed + options_.checkpoint_interval;
    if (std::chrono::steady_clock::now() < due) {
      cp_cv_.wait_until(lock, due, [&] { return cp_stopping_; });
      continue;
    }
    lock.unlock();
    last_signed = std::chrono::steady_clock::now();
    Status s = SignCheckpoint(Size());
    if (!s.ok()) fprintf(stderr, "checkpointer: %s\n", s.ToString().c_str());
    lock.lock();
  }
}

void LogImpl::Close() {
  if (closed_) return;
  closed_ = true;
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (sequencer_.joinable()) sequencer_.join();
  {
    std::lock_guard lock(cp_mu_);
    cp_stopping_ = true;
  }
  cp_cv_.notify_all();
  if (checkpointer_.joinable()) checkpointer_.join();
  // A final checkpoint so a clean shutdown leaves every entry covered.
  if (!options_.read_only && note_signer_ != nullptr && !failed_) {
    uint64_t published;
    {
      std::lock_guard lock(cp_mu_);
      published = latest_ ? latest_->size : 0;
    }
    if (Size() > published) {
      Status s = SignCheckpoint(Size());
      if (!s.ok()) fprintf(stderr, "final checkpoint: %s\n", s.ToString().c_str());
    }
  }
  if (db_) db_->Close().PermitUncheckedError();
}

Result<std::string> LogImpl::Entry(uint64_t seq) const {
  if (seq >= Size()) return NotFound("no entry " + std::to_string(seq) + "; the log has " +
                                     std::to_string(Size()) + " entries");
  std::string value;
  LEDGER_RETURN_IF_ERROR(FromRocks(db_->Get(rocksdb::ReadOptions(), keys::EntryKey(seq), &value),
                                   "reading entry " + std::to_string(seq)));
  return value;
}

Result<Hash> LogImpl::LeafHash(uint64_t seq) const {
  if (seq >= Size()) return NotFound("no entry " + std::to_string(seq));
  std::vector<Hash> h;
  LEDGER_RETURN_IF_ERROR(nodes_->ReadNodes({NodeId{0, seq}}, &h));
  return h[0];
}

Result<Hash> LogImpl::Root(uint64_t size) const {
  LEDGER_RETURN_IF_ERROR(CheckSize(size));
  return TreeRoot(size, *nodes_);
}

Result<std::vector<Hash>> LogImpl::InclusionProof(uint64_t index, uint64_t size) const {
  LEDGER_RETURN_IF_ERROR(CheckSize(size));
  return tlog::InclusionProof(index, size, *nodes_);
}

Result<std::vector<Hash>> LogImpl::ConsistencyProof(uint64_t old_size, uint64_t new_size) const {
  LEDGER_RETURN_IF_ERROR(CheckSize(new_size));
  return tlog::ConsistencyProof(old_size, new_size, *nodes_);
}

Result<std::string> LogImpl::HashTile(int level, uint64_t index, int width) const {
  if (level < 0 || level > kMaxTileLevel || width < 1 || width > kTileWidth) {
    return InvalidArgument("tile level or width out of range");
  }
  const int hash_level = level * kTileHeight;
  const uint64_t count = Size() >> hash_level;  // nodes at that level
  const uint64_t first = index * kTileWidth;
  if (index > (~uint64_t{0} >> kTileHeight) || first + static_cast<uint64_t>(width) > count) {
    return NotFound("the tree does not hold tile " + FormatTilePath({false, level, index, width}) +
                    " yet");
  }
  std::vector<NodeId> ids;
  for (int i = 0; i < width; ++i) ids.push_back(NodeId{hash_level, first + i});
  std::vector<Hash> hashes;
  LEDGER_RETURN_IF_ERROR(nodes_->ReadNodes(ids, &hashes));
  std::string out;
  out.reserve(width * crypto::kHashSize);
  for (const Hash& h : hashes) out.append(crypto::AsBytes(h));
  return out;
}

Result<std::string> LogImpl::EntryBundle(uint64_t index, int width) const {
  if (width < 1 || width > kTileWidth) return InvalidArgument("bundle width out of range");
  const uint64_t first = index * kTileWidth;
  if (index > (~uint64_t{0} >> kTileHeight) || first + static_cast<uint64_t>(width) > Size()) {
    return NotFound("the log does not hold entry bundle " +
                    FormatTilePath({true, 0, index, width}) + " yet");
  }
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  std::string out;
  uint64_t seq = first;
  for (it->Seek(keys::EntryKey(first)); seq < first + width; it->Next(), ++seq) {
    if (!it->Valid() || it->key() != keys::EntryKey(seq)) {
      return Corruption("entry " + std::to_string(seq) + " is missing");
    }
    AppendToBundle(std::string_view(it->value().data(), it->value().size()), &out);
  }
  return out;
}

Result<Checkpoint> LogImpl::LatestCheckpoint() const {
  std::lock_guard lock(cp_mu_);
  if (latest_ == nullptr) return NotFound("no checkpoint has been published yet");
  return *latest_;
}

Result<Checkpoint> LogImpl::CheckpointAt(uint64_t size) const {
  std::string value;
  LEDGER_RETURN_IF_ERROR(FromRocks(db_->Get(rocksdb::ReadOptions(), keys::CheckpointKey(size), &value),
                                   "checkpoint at size " + std::to_string(size)));
  return DecodeCheckpoint(size, value);
}

Result<Checkpoint> LogImpl::WaitForCheckpoint(uint64_t size, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(cp_mu_);
  bool ok = cp_cv_.wait_for(lock, timeout, [&] { return latest_ != nullptr && latest_->size >= size; });
  if (!ok) {
    return Status(Code::kUnavailable, "no checkpoint covers " + std::to_string(size) +
                                          " entries yet; retry shortly");
  }
  return *latest_;
}

}  // namespace

Result<std::unique_ptr<Log>> Log::Open(Options options) {
  auto log = std::make_unique<LogImpl>(std::move(options));
  LEDGER_RETURN_IF_ERROR(log->Init());
  return std::unique_ptr<Log>(std::move(log));
}

}  // namespace ledger::tlog
