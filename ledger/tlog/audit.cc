#include "ledger/tlog/audit.h"

#include <rocksdb/db.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/entry.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/node_store.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/tile.h"
#include "ledger/tlog/store_keys.h"
#include "ledger/tlog/tile_append.h"

namespace ledger::tlog {
namespace {

// Compares the tiles the entries give with the stored ones, tile by tile.
class TileChecker {
 public:
  explicit TileChecker(rocksdb::DB* db) : db_(db) {}
  // Adds a node of tree level 8*level; checks the tile when it is full.
  // Returns the first leaf index of a mismatch, if any.
  std::optional<uint64_t> Add(int level, uint64_t index, const Hash& h, std::string* problem) {
    if (rows_.size() <= static_cast<size_t>(level)) rows_.resize(level + 1);
    Row& r = rows_[level];
    if (r.hashes.empty()) r.index = index / kTileWidth;
    r.hashes.append(crypto::AsBytes(h));
    if (r.hashes.size() == kTileWidth * crypto::kHashSize) {
      auto bad = Check(level, r, problem);
      r.hashes.clear();
      return bad;
    }
    return std::nullopt;
  }
  // Checks the partial tiles at the end of the log.
  std::optional<uint64_t> Finish(std::string* problem) {
    for (size_t level = 0; level < rows_.size(); ++level) {
      if (rows_[level].hashes.empty()) continue;
      if (auto bad = Check(static_cast<int>(level), rows_[level], problem)) return bad;
    }
    return std::nullopt;
  }

 private:
  struct Row {
    uint64_t index = 0;
    std::string hashes;
  };
  std::optional<uint64_t> Check(int level, const Row& r, std::string* problem) {
    std::string stored;
    db_->Get(rocksdb::ReadOptions(), keys::TileKey(level, r.index), &stored).PermitUncheckedError();
    if (stored == r.hashes) return std::nullopt;
    size_t i = 0;
    while (i < r.hashes.size() / crypto::kHashSize &&
           stored.compare(i * crypto::kHashSize, crypto::kHashSize, r.hashes, i * crypto::kHashSize,
                          crypto::kHashSize) == 0) {
      ++i;
    }
    const uint64_t node = r.index * kTileWidth + i;
    const uint64_t first_leaf = node << (level * kTileHeight);
    *problem = "stored tile " + std::to_string(level) + "/" + std::to_string(r.index) + " holds a hash " +
               (i * crypto::kHashSize >= stored.size() ? std::string("too few") : "that does not match the entries") +
               " at node (level " + std::to_string(level * kTileHeight) + ", index " + std::to_string(node) +
               "), over entries from " + std::to_string(first_leaf);
    return first_leaf;
  }
  rocksdb::DB* db_;
  std::vector<Row> rows_;
};

// The audit splits the log into segments of 2^16 entries, aligned so that
// each holds whole tiles of levels 0 and 1, and checks segments on all cores.
// The main thread then joins them: the prev chain across segments, and the
// tiles of levels 2 and up from each segment's root.
constexpr int kSegmentBits = 16;
constexpr uint64_t kSegmentSize = uint64_t{1} << kSegmentBits;

struct Segment {
  uint64_t begin = 0, end = 0;
  Hash first_prev{};                 // what entry `begin` says came before it
  Hash last_leaf{};                  // the leaf hash of entry end-1
  std::optional<Hash> root;          // node (16, begin >> 16), for full segments
  std::optional<uint64_t> bad_index;
  std::string problem;
  bool failed = false;
};

// The leaf hash the tree stores for entry `seq`, if it can be read.
std::optional<Hash> StoredLeaf(rocksdb::DB* db, uint64_t seq) {
  std::string tile;
  if (!db->Get(rocksdb::ReadOptions(), keys::TileKey(0, seq / kTileWidth), &tile).ok()) return std::nullopt;
  const size_t at = (seq % kTileWidth) * crypto::kHashSize;
  if (tile.size() < at + crypto::kHashSize) return std::nullopt;
  Hash h;
  std::copy_n(tile.data() + at, crypto::kHashSize, reinterpret_cast<char*>(h.data()));
  return h;
}

// Entry `seq` does not chain to the leaf `prev_leaf` computed for seq-1:
// either entry seq-1 changed (it no longer gives the leaf the tree stores)
// or entry seq's prev did.
void BlameChain(rocksdb::DB* db, uint64_t seq, const Hash& prev_leaf, std::optional<uint64_t>* bad,
                std::string* problem) {
  if (auto stored = StoredLeaf(db, seq - 1); stored && *stored != prev_leaf) {
    *bad = seq - 1;
    *problem = "entry " + std::to_string(seq - 1) + " does not hash to the leaf hash the tree and entry " +
               std::to_string(seq) + " record for it";
  } else {
    *bad = seq;
    *problem = "entry " + std::to_string(seq) + "'s prev is not the leaf hash of the entry before it";
  }
}

void CheckSegment(rocksdb::DB* db, uint64_t tree_size, Segment* seg) {
  auto fail = [seg](uint64_t index, std::string problem) {
    seg->failed = true;
    seg->bad_index = index;
    seg->problem = std::move(problem);
  };
  // A sequential scan of entries read once: read ahead, and leave the block
  // cache to the tiles (checksums are verified all the same).
  const std::string upper = keys::EntryKey(seg->end);
  const rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions scan;
  scan.fill_cache = false;
  scan.readahead_size = 2 << 20;
  scan.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(scan));
  TileChecker tiles(db);
  std::vector<Hash> frontier;
  Hash prev{};
  uint64_t seq = seg->begin;
  for (it->Seek(keys::EntryKey(seq)); seq < seg->end; it->Next(), ++seq) {
    if (!it->Valid() || it->key() != keys::EntryKey(seq)) return fail(seq, "entry " + std::to_string(seq) + " is missing");
    std::string_view entry(it->value().data(), it->value().size());
    auto fields = ParseEntry(entry);
    if (!fields.ok()) return fail(seq, fields.status().message());
    if (fields->seq != seq) {
      return fail(seq, "entry " + std::to_string(seq) + " says it is entry " + std::to_string(fields->seq));
    }
    if (seq == seg->begin) {
      seg->first_prev = fields->prev;
    } else if (fields->prev != prev) {
      seg->failed = true;
      return BlameChain(db, seq, prev, &seg->bad_index, &seg->problem);
    }
    prev = HashLeaf(entry);
    std::optional<uint64_t> bad;
    std::string problem;
    // Local indices within the segment; the segment is aligned, so node
    // (l, j) here is node (l, j + (begin >> l)) of the whole tree.
    AppendLeaf(seq - seg->begin, prev, &frontier, [&](const NodeId& id, const Hash& h) {
      const uint64_t global = id.index + (seg->begin >> id.level);
      if (!bad && id.level % kTileHeight == 0 && id.level < kSegmentBits) {
        bad = tiles.Add(id.level / kTileHeight, global, h, &problem);
      }
      if (id.level == kSegmentBits) seg->root = h;
    });
    if (bad) return fail(*bad, problem);
  }
  if (!it->status().ok()) return fail(seq, "reading entries: " + it->status().ToString());
  seg->last_leaf = prev;
  if (seg->end == tree_size) {
    std::string problem;
    if (auto bad = tiles.Finish(&problem)) return fail(*bad, problem);
  }
}

AuditReport Bad(AuditReport r, std::optional<uint64_t> index, std::string problem) {
  r.ok = false;
  r.first_bad_index = index;
  r.problem = std::move(problem);
  return r;
}

}  // namespace

Result<AuditReport> AuditLog(const std::string& path,
                             const std::function<void(uint64_t, uint64_t)>& progress) {
  rocksdb::Options opts;
  opts.merge_operator = TileAppendOperator();  // reads the partial tiles whole
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::OpenForReadOnly(opts, path, &raw);
  if (!s.ok()) return IOError("opening the log store at " + path + " read-only: " + s.ToString());
  std::unique_ptr<rocksdb::DB> db(raw);

  AuditReport report;
  std::string origin, vkey, size_value;
  if (!db->Get(rocksdb::ReadOptions(), keys::kMetaOrigin, &origin).ok() ||
      !db->Get(rocksdb::ReadOptions(), keys::kMetaVerifierKey, &vkey).ok() ||
      !db->Get(rocksdb::ReadOptions(), keys::kMetaSize, &size_value).ok() || size_value.size() != 8) {
    return Bad(report, std::nullopt, "the log's metadata (origin, verifier key, size) is missing");
  }
  const uint64_t size = keys::GetU64(size_value);
  report.tree_size = size;

  const uint64_t segments = (size + kSegmentSize - 1) / kSegmentSize;
  std::vector<Segment> results(segments);
  std::vector<char> done(segments, 0);
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<uint64_t> next{0};
  std::atomic<bool> stop{false};
  const unsigned workers = std::max(2u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned w = 0; w < workers && w < segments; ++w) {
    pool.emplace_back([&] {
      for (uint64_t k; !stop && (k = next++) < segments;) {
        Segment& seg = results[k];
        seg.begin = k * kSegmentSize;
        seg.end = std::min(size, seg.begin + kSegmentSize);
        CheckSegment(db.get(), size, &seg);
        std::lock_guard lock(mu);
        done[k] = 1;
        cv.notify_all();
      }
    });
  }
  auto finish = [&](AuditReport r) {
    stop = true;
    for (auto& t : pool) t.join();
    return r;
  };
  TileChecker top_tiles(db.get());
  std::vector<Hash> top_frontier;
  Hash prev{};
  for (uint64_t k = 0; k < segments; ++k) {
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return done[k] != 0; });
    }
    const Segment& seg = results[k];
    if (seg.first_prev != prev && !(seg.failed && seg.bad_index == seg.begin)) {
      std::optional<uint64_t> bad;
      std::string problem;
      BlameChain(db.get(), seg.begin, prev, &bad, &problem);
      return finish(Bad(report, bad, problem));
    }
    if (seg.failed) return finish(Bad(report, seg.bad_index, seg.problem));
    prev = seg.last_leaf;
    if (seg.root) {
      std::optional<uint64_t> bad;
      std::string problem;
      AppendLeaf(k, *seg.root, &top_frontier, [&](const NodeId& id, const Hash& h) {
        const int level = id.level + kSegmentBits;
        if (!bad && level % kTileHeight == 0) bad = top_tiles.Add(level / kTileHeight, id.index, h, &problem);
      });
      if (bad) return finish(Bad(report, bad, problem));
    }
    if (progress) progress(seg.end, size);
  }
  finish(report);
  {
    std::string problem;
    if (auto bad = top_tiles.Finish(&problem)) return Bad(report, bad, problem);
    std::string extra;
    if (db->Get(rocksdb::ReadOptions(), keys::EntryKey(size), &extra).ok()) {
      return Bad(report, size, "an entry is stored past the tree size " + std::to_string(size));
    }
  }
  if (progress) progress(size, size);

  // Every stored checkpoint must be signed by the log and match the entries.
  LEDGER_ASSIGN_OR_RETURN(auto verifier, ParseVerifierKey(vkey));
  NodeStore nodes(db.get(), 16 << 20);
  std::unique_ptr<rocksdb::Iterator> cit(db->NewIterator(rocksdb::ReadOptions()));
  for (cit->Seek(std::string(1, keys::kCheckpoint)); cit->Valid() && cit->key()[0] == keys::kCheckpoint;
       cit->Next()) {
    uint64_t cp_size;
    uint32_t version;
    if (!keys::ParseCheckpointKey(std::string_view(cit->key().data(), cit->key().size()), &cp_size, &version) ||
        cit->value().size() < 8) {
      return Bad(report, std::nullopt, "a checkpoint record is malformed");
    }
    const std::string which = "checkpoint at size " + std::to_string(cp_size) +
                              (version > 0 ? " (version " + std::to_string(version) + ")" : "");
    std::string_view note_text(cit->value().data() + 8, cit->value().size() - 8);
    auto note = OpenNote(note_text, {verifier.get()});
    if (!note.ok()) return Bad(report, std::nullopt, which + ": " + note.status().message());
    auto body = ParseCheckpointBody(note->text);
    if (!body.ok() || body->origin != origin || body->size != cp_size || cp_size > size) {
      return Bad(report, std::nullopt, which + " does not belong to this log");
    }
    LEDGER_ASSIGN_OR_RETURN(Hash root, TreeRoot(cp_size, nodes));
    if (root != body->root) {
      return Bad(report, std::nullopt,
                 which + " names a root the entries do not give");
    }
    if (version == 0) ++report.checkpoints;
  }
  return report;
}

}  // namespace ledger::tlog
