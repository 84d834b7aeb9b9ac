#include "ledger/tlog/audit.h"

#include <rocksdb/db.h>

#include <memory>
#include <vector>

#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/entry.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/node_store.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/tile.h"
#include "ledger/tlog/store_keys.h"

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
    r.hashes.append(crypto::AsBytes(h));
    if (r.hashes.size() == kTileWidth * crypto::kHashSize) {
      auto bad = Check(level, r, problem);
      r.hashes.clear();
      ++r.index;
      return bad;
    }
    (void)index;
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

  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  TileChecker tiles(db.get());
  NodeStore nodes(db.get(), 16 << 20);
  std::vector<Hash> frontier;
  Hash prev{};
  uint64_t seq = 0;
  for (it->Seek(keys::EntryKey(0)); seq < size; it->Next(), ++seq) {
    if (!it->Valid() || it->key() != keys::EntryKey(seq)) {
      return Bad(report, seq, "entry " + std::to_string(seq) + " is missing");
    }
    std::string_view entry(it->value().data(), it->value().size());
    auto fields = ParseEntry(entry);
    if (!fields.ok()) return Bad(report, seq, fields.status().message());
    if (fields->seq != seq) {
      return Bad(report, seq, "entry " + std::to_string(seq) + " says it is entry " +
                                  std::to_string(fields->seq));
    }
    if (fields->prev != prev) {
      // Either entry seq-1 changed (its bytes no longer give the leaf hash
      // the tree stores for it) or entry seq's prev did.
      std::vector<Hash> stored;
      if (nodes.ReadNodes({NodeId{0, seq - 1}}, &stored).ok() && stored[0] != prev) {
        return Bad(report, seq - 1, "entry " + std::to_string(seq - 1) +
                                        " does not hash to the leaf hash the tree and entry " +
                                        std::to_string(seq) + " record for it");
      }
      return Bad(report, seq, "entry " + std::to_string(seq) +
                                  "'s prev is not the leaf hash of the entry before it");
    }
    prev = HashLeaf(entry);
    std::string node_problem;
    std::optional<uint64_t> bad_leaf;
    AppendLeaf(seq, prev, &frontier, [&](const NodeId& id, const Hash& h) {
      if (!bad_leaf && id.level % kTileHeight == 0) {
        bad_leaf = tiles.Add(id.level / kTileHeight, id.index, h, &node_problem);
      }
    });
    if (bad_leaf) return Bad(report, bad_leaf, node_problem);
    if (progress && (seq & 0xffff) == 0) progress(seq, size);
  }
  if (it->Valid() && it->key().size() == 9 && it->key()[0] == keys::kEntry) {
    return Bad(report, size, "an entry is stored past the tree size " + std::to_string(size));
  }
  if (!it->status().ok()) return IOError("reading entries: " + it->status().ToString());
  {
    std::string problem;
    if (auto bad = tiles.Finish(&problem)) return Bad(report, bad, problem);
  }
  if (progress) progress(size, size);

  // Every stored checkpoint must be signed by the log and match the entries.
  LEDGER_ASSIGN_OR_RETURN(auto verifier, ParseVerifierKey(vkey));
  std::unique_ptr<rocksdb::Iterator> cit(db->NewIterator(rocksdb::ReadOptions()));
  for (cit->Seek(std::string(1, keys::kCheckpoint)); cit->Valid() && cit->key()[0] == keys::kCheckpoint;
       cit->Next()) {
    if (cit->key().size() != 9 || cit->value().size() < 8) {
      return Bad(report, std::nullopt, "a checkpoint record is malformed");
    }
    const uint64_t cp_size = keys::GetU64(std::string_view(cit->key().data() + 1, 8));
    std::string_view note_text(cit->value().data() + 8, cit->value().size() - 8);
    auto note = OpenNote(note_text, {verifier.get()});
    if (!note.ok()) {
      return Bad(report, std::nullopt, "checkpoint at size " + std::to_string(cp_size) + ": " +
                                           note.status().message());
    }
    auto body = ParseCheckpointBody(note->text);
    if (!body.ok() || body->origin != origin || body->size != cp_size || cp_size > size) {
      return Bad(report, std::nullopt, "checkpoint at size " + std::to_string(cp_size) +
                                           " does not belong to this log");
    }
    LEDGER_ASSIGN_OR_RETURN(Hash root, TreeRoot(cp_size, nodes));
    if (root != body->root) {
      return Bad(report, std::nullopt,
                 "checkpoint at size " + std::to_string(cp_size) +
                     " names a root the entries do not give");
    }
    ++report.checkpoints;
  }
  return report;
}

}  // namespace ledger::tlog
