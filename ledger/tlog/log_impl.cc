// LogImpl: opening and recovery checks, reads, closing (see log_impl.h).
#include <pthread.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/entry.h"
#include "ledger/tlog/log_impl.h"
#include "ledger/tlog/monotonic_time.h"
#include "ledger/tlog/store_keys.h"
#include "ledger/tlog/tile.h"

namespace ledger::tlog {
namespace {

// How many entries at the tail Open re-hashes and checks against the chain
// and the stored leaf hashes.
constexpr uint64_t kTailCheck = 1024;

}  // namespace

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

Status LogImpl::CheckSize(uint64_t size) const {
  if (size > Size()) {
    return OutOfRange("tree size " + std::to_string(size) + " is beyond the log's size " + std::to_string(Size()));
  }
  return Status::Ok();
}

namespace {

// A writable open that failed for want of space or file descriptors: the
// log can still serve what is stored, and reopen for writing later.
bool Recoverable(const rocksdb::Status& s) {
  return s.IsNoSpace() || s.ToString().find("Too many open files") != std::string::npos;
}

}  // namespace

Status LogImpl::Init() {
  if (!options_.create_if_missing && !std::filesystem::exists(options_.path)) {
    return NotFound("no log at " + options_.path + " (run ledgerctl init)");
  }
  if (options_.create_if_missing) {
    // RocksDB logs an error for a missing directory before creating it.
    std::error_code ec;
    std::filesystem::create_directories(options_.path, ec);
  }
  health_ = std::make_unique<StoreHealth>(options_.path, options_.read_only ? 0 : options_.min_free_bytes);
  events_ = std::make_shared<StoreEvents>();
  if (!options_.read_only) events_->on_error = [this](const std::string& cause) { OnStoreError(cause); };
  rocksdb::Options opts = StoreRocksOptions(options_, events_);
  rocksdb::DB* raw = nullptr;
  std::string start_failure;  // set when the store opened read-only instead of writable
  rocksdb::Status s;
  if (options_.read_only) {
    s = rocksdb::DB::OpenForReadOnly(opts, options_.path, &raw);
  } else {
    s = rocksdb::DB::Open(opts, options_.path, &raw);
    if (!s.ok() && !options_.create_if_missing && Recoverable(s)) {
      raw = nullptr;
      rocksdb::Status ro = rocksdb::DB::OpenForReadOnly(opts, options_.path, &raw);
      if (ro.ok()) {
        start_failure = "opening the store for writing failed: " + s.ToString();
        s = ro;
      }
    }
  }
  if (!s.ok()) return IOError("opening the log store at " + options_.path + ": " + s.ToString());
  db_ = std::make_shared<ReopenableDB>(raw);

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
  LEDGER_RETURN_IF_ERROR(LoadFromStore());
  const uint64_t size = Size();
  if (options_.read_only) {
    // Tools (export, publish) read the derived state of a read-only open; it
    // is loaded as stored, nothing is ever applied.
    if (options_.state_machine != nullptr) {
      LEDGER_RETURN_IF_ERROR(options_.state_machine->Load(StateSnapshot(), size));
    }
    return Status::Ok();
  }

  if (options_.signer == nullptr) return InvalidArgument("a writable log needs its signing key");
  note_signer_ = NewEd25519NoteSigner(origin_, options_.signer);
  LEDGER_RETURN_IF_ERROR(LoadWriteEdge(size));
  if (options_.state_machine != nullptr) {
    LEDGER_RETURN_IF_ERROR(options_.state_machine->Load(StateSnapshot(), size));
  }
  const bool writable = start_failure.empty();
  // Cosignatures for it are asked for once the threads run (CosignLatest).
  if (writable && (latest_ == nullptr || latest_->size < size)) {
    LEDGER_RETURN_IF_ERROR(SignCheckpoint(size, /*cosign=*/false));
  }
  sequenced_ = size;
  written_ = handed_ = size;
  if (writable) {
    writer_running_ = true;
    writer_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "tlog-writer");
      WriterLoop();
    });
  } else {
    std::lock_guard lock(queue_mu_);
    StopWritesLocked(start_failure);
  }
  // Named for top, perf and /proc/PID/task/*/comm.
  sequencer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "tlog-sequencer");
    SequencerLoop();
  });
  checkpointer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "tlog-checkpoint");
    CheckpointerLoop();
  });
  return Status::Ok();
}

Status LogImpl::LoadFromStore() {
  std::string value;
  LEDGER_RETURN_IF_ERROR(
      FromRocks(db_->Get(rocksdb::ReadOptions(), keys::kMetaSize, &value), "reading the tree size"));
  if (value.size() != 8) return Corruption("stored tree size is not 8 bytes");
  const uint64_t size = keys::GetU64(value);
  if (size < Size()) {
    return Corruption("the store holds " + std::to_string(size) + " entries, fewer than the " +
                      std::to_string(Size()) + " already acknowledged");
  }
  if (nodes_ == nullptr) nodes_ = std::make_unique<NodeStore>(db_.get(), options_.node_cache_bytes);
  LEDGER_RETURN_IF_ERROR(nodes_->LoadEdges(size));
  LEDGER_RETURN_IF_ERROR(CheckTail(size));
  if (state_reader_ == nullptr) state_reader_ = std::make_unique<DbStateReader>(db_, nullptr);

  // The newest stored checkpoint this log can read. One it cannot read (an
  // earlier version stored a note with more signatures than its parser
  // takes) is reported and left where it is, never rewritten: the newest
  // readable one is served, and a new one is signed if the tree is ahead.
  std::shared_ptr<Checkpoint> newest;
  std::map<uint64_t, uint32_t> stored_versions;  // next free version of each size read
  {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
    for (it->SeekForPrev(keys::CheckpointKey(~uint64_t{0}, ~uint32_t{0})); it->Valid(); it->Prev()) {
      uint64_t cp_size;
      uint32_t version;
      if (!keys::ParseCheckpointKey(std::string_view(it->key().data(), it->key().size()), &cp_size, &version)) {
        break;
      }
      uint32_t& next = stored_versions[cp_size];
      next = std::max(next, version + 1);
      auto cp = DecodeCheckpoint(cp_size, std::string_view(it->value().data(), it->value().size()));
      if (!cp.ok()) {
        fprintf(stderr,
                "log: the stored checkpoint of size %llu (version %u) cannot be read (%s); it stays stored "
                "as it is, and the newest readable checkpoint is served instead\n",
                (unsigned long long)cp_size, version, cp.status().message().c_str());
        continue;
      }
      if (cp->size > size) {
        return Corruption("stored checkpoint of size " + std::to_string(cp->size) +
                          " is beyond the tree size " + std::to_string(size));
      }
      newest = std::make_shared<Checkpoint>(std::move(*cp));
      break;
    }
    LEDGER_RETURN_IF_ERROR(FromRocks(it->status(), "reading the checkpoints"));
  }
  {
    // A resume (store_resume.cc) runs this on the sequencer thread while the
    // checkpointer may be storing a checkpoint: the versions are theirs to
    // share under publish_mu_, and never go back.
    std::lock_guard publish(publish_mu_);
    for (const auto& [cp_size, next] : stored_versions) {
      uint32_t& have = next_version_[cp_size];
      have = std::max(have, next);
    }
  }
  // Times on record never go back (monotonic_time.h).
  if (newest != nullptr) checkpoint_time_.Observe(newest->unix_ms);
  if (size > 0) {
    LEDGER_RETURN_IF_ERROR(FromRocks(db_->Get(rocksdb::ReadOptions(), keys::EntryKey(size - 1), &value),
                                     "reading entry " + std::to_string(size - 1)));
    auto fields = ParseEntry(value);
    if (!fields.ok()) {
      return Corruption("entry " + std::to_string(size - 1) + ": " + fields.status().message());
    }
    if (auto t = ParseEntryTime(fields->time)) entry_time_.Observe(*t);
  }
  if (newest != nullptr) {
    std::lock_guard lock(cp_mu_);
    if (latest_ == nullptr || latest_->size <= newest->size) latest_ = std::move(newest);
  }
  size_.store(size, std::memory_order_release);
  return Status::Ok();
}

Status LogImpl::LoadWriteEdge(uint64_t size) {
  // Rebuild the right edge of the tree from the stored nodes.
  frontier_.clear();
  for (int level = 0; level < 64; ++level) {
    if ((size >> level) & 1) {
      std::vector<Hash> h;
      LEDGER_RETURN_IF_ERROR(nodes_->ReadNodes({NodeId{level, (size >> level) - 1}}, &h));
      if (frontier_.size() <= static_cast<size_t>(level)) frontier_.resize(level + 1);
      frontier_[level] = h[0];
    }
  }
  last_leaf_ = Hash{};
  if (size > 0) {
    LEDGER_ASSIGN_OR_RETURN(last_leaf_, LeafHash(size - 1));
  }
  edge_tiles_.assign(8, EdgeTile{});
  for (int level = 0; level < 8; ++level) {
    const uint64_t index = (size >> (level * kTileHeight)) / kTileWidth;
    edge_tiles_[level].index = index;
    std::string value;
    rocksdb::Status st = db_->Get(rocksdb::ReadOptions(), keys::TileKey(level, index), &value);
    if (!st.ok() && !st.IsNotFound()) return FromRocks(st, "reading the edge tiles");
    if (value.size() != NodeStore::TileWidthAt(level, index, size) * crypto::kHashSize) {
      return Corruption("edge tile " + std::to_string(level) + "/" + std::to_string(index) + " has the wrong width");
    }
    edge_tiles_[level].hashes = std::move(value);
    edge_tiles_[level].stored = edge_tiles_[level].hashes.size();
  }
  staged_ = std::make_unique<BatchStateWriter>(state_reader_.get());
  idempotency_ = std::make_unique<IdempotencyIndex>(db_);
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

void LogImpl::Close() {
  if (closed_) return;
  closed_ = true;
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  sequencer_cv_.notify_all();
  if (sequencer_.joinable()) sequencer_.join();  // drains the queue and the batches in flight
  // The checkpointer stops before the writer, which stores its last checkpoint.
  {
    std::lock_guard lock(cp_mu_);
    cp_stopping_ = true;
  }
  cp_cv_.notify_all();
  if (checkpointer_.joinable()) {
    checkpointer_.join();
    // Late cosignatures are stored through the writer: stop them before it.
    cosigner_stopped_ = true;
    if (options_.cosigner != nullptr) options_.cosigner->Stop();
  }
  {
    std::lock_guard lock(queue_mu_);
    writer_stopping_ = true;
  }
  writer_cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  // A final checkpoint so a clean shutdown leaves every entry covered.
  if (!options_.read_only && note_signer_ != nullptr && !failed_) {
    uint64_t published;
    {
      std::lock_guard lock(cp_mu_);
      published = latest_ ? latest_->size : 0;
    }
    if (Size() > published) {
      Status s = SignCheckpoint(Size(), /*cosign=*/false);
      if (!s.ok()) fprintf(stderr, "final checkpoint: %s\n", s.ToString().c_str());
    }
  }
  if (options_.state_machine != nullptr) options_.state_machine->Closing();
  if (db_ && !options_.read_only && !failed_) {
    // Everything written goes into table files now, so the next open
    // replays no write-ahead log (up to a 64 MB memtable's worth, seconds of
    // work and a table file written before the log can answer).
    rocksdb::Status s = db_->Flush(rocksdb::FlushOptions());
    if (!s.ok()) fprintf(stderr, "log: flushing the store before closing: %s\n", s.ToString().c_str());
  }
  if (db_) {
    // Fails (and leaves the store open until the last reader is released)
    // while a snapshot reader handed out earlier is still held.
    rocksdb::Status s = db_->Close();
    if (!s.ok()) fprintf(stderr, "log: closing the store later: %s\n", s.ToString().c_str());
  }
}

LogStats LogImpl::Stats() const {
  LogStats s;
  s.batches = stat_batches_.load();
  s.entries = stat_entries_.load();
  s.wal_syncs = stat_syncs_.load();
  s.rejected = stat_rejected_.load();
  s.bytes_written = stat_bytes_.load();
  s.tile_bytes_written = stat_tile_bytes_.load();
  s.store_flushes = events_ ? events_->flushes.load() : 0;
  if (db_ != nullptr) {
    auto property = [this](const char* name) {
      uint64_t v = 0;
      return db_->GetIntProperty(db_->DefaultColumnFamily(), name, &v) ? v : 0;
    };
    s.memtable_bytes = property("rocksdb.cur-size-all-mem-tables");
    s.block_cache_bytes = property("rocksdb.block-cache-usage");
    s.table_readers_bytes = property("rocksdb.estimate-table-readers-mem");
    std::map<std::string, std::string> roles;  // RocksDB walks the cache for it, at most once every 10 s
    if (db_->GetMapProperty(db_->DefaultColumnFamily(), "rocksdb.block-cache-entry-stats", &roles)) {
      for (const char* role : {"bytes.index-block", "bytes.filter-block", "bytes.filter-meta-block"}) {
        if (auto it = roles.find(role); it != roles.end()) {
          s.block_cache_index_filter_bytes += std::strtoull(it->second.c_str(), nullptr, 10);
        }
      }
    }
    std::string level0;  // a string property: GetIntProperty does not know it
    if (db_->GetProperty(db_->DefaultColumnFamily(), "rocksdb.num-files-at-level0", &level0)) {
      s.level0_files = std::strtoull(level0.c_str(), nullptr, 10);
    }
    s.compaction_pending = property("rocksdb.compaction-pending") + property("rocksdb.num-running-compactions") > 0;
  }
  if (nodes_ != nullptr) s.node_cache_bytes = nodes_->MemoryBytes();
  return s;
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
  if (level < 0 || level > kMaxTilePathLevel || width < 1 || width > kTileWidth) {
    return InvalidArgument("tile level or width out of range");
  }
  if (level > kMaxTileLevel) {
    return NotFound("no tree has tiles at level " + std::to_string(level) + " (the highest is " +
                    std::to_string(kMaxTileLevel) + ")");
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

Result<std::unique_ptr<Log>> Log::Open(Options options) {
  auto log = std::make_unique<LogImpl>(std::move(options));
  LEDGER_RETURN_IF_ERROR(log->Init());
  return std::unique_ptr<Log>(std::move(log));
}

}  // namespace ledger::tlog
