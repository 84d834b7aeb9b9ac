#include "ledger/tlog/audit.h"

#include <rocksdb/db.h>

#include <memory>
#include <vector>

#include "ledger/tlog/checkpoint.h"
#include "ledger/tlog/entry.h"
#include "ledger/tlog/merkle.h"
#include "ledger/tlog/note.h"
#include "ledger/tlog/store_keys.h"

namespace ledger::tlog {
namespace {

// Walks the stored nodes of one level in index order.
class LevelCursor {
 public:
  LevelCursor(rocksdb::DB* db, int level) : level_(level), it_(db->NewIterator(rocksdb::ReadOptions())) {
    it_->Seek(keys::NodeKey(level, 0));
  }
  // The stored hash of node `index`, which must be the next one of the level.
  std::optional<Hash> Next(uint64_t index) {
    if (!it_->Valid() || it_->key() != keys::NodeKey(level_, index) ||
        it_->value().size() != crypto::kHashSize) {
      return std::nullopt;
    }
    Hash h;
    std::copy(it_->value().data(), it_->value().data() + crypto::kHashSize,
              reinterpret_cast<char*>(h.data()));
    it_->Next();
    return h;
  }

 private:
  int level_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// Node hashes as recomputed by the audit: the stored ones, once checked.
class CheckedNodes : public NodeReader {
 public:
  explicit CheckedNodes(rocksdb::DB* db) : db_(db) {}
  Status ReadNodes(const std::vector<NodeId>& ids, std::vector<Hash>* out) const override {
    out->clear();
    for (const NodeId& id : ids) {
      std::string v;
      if (!db_->Get(rocksdb::ReadOptions(), keys::NodeKey(id.level, id.index), &v).ok() ||
          v.size() != crypto::kHashSize) {
        return NotFound("node missing");
      }
      Hash h;
      std::copy(v.begin(), v.end(), h.begin());
      out->push_back(h);
    }
    return Status::Ok();
  }

 private:
  rocksdb::DB* db_;
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
  std::vector<std::unique_ptr<LevelCursor>> levels;
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
      return Bad(report, seq, "entry " + std::to_string(seq) +
                                  "'s prev is not the leaf hash of the entry before it");
    }
    prev = HashLeaf(entry);
    std::optional<std::string> node_problem;
    std::optional<uint64_t> node_index;
    AppendLeaf(seq, prev, &frontier, [&](const NodeId& id, const Hash& h) {
      if (node_problem) return;
      while (levels.size() <= static_cast<size_t>(id.level)) {
        levels.push_back(std::make_unique<LevelCursor>(db.get(), static_cast<int>(levels.size())));
      }
      std::optional<Hash> stored = levels[id.level]->Next(id.index);
      if (!stored || *stored != h) {
        node_index = id.index << id.level;
        node_problem = (id.level == 0 ? "the stored leaf hash of entry " + std::to_string(seq)
                                      : "the stored hash of node (level " + std::to_string(id.level) +
                                            ", index " + std::to_string(id.index) + "), over entries " +
                                            std::to_string(*node_index) + ".." +
                                            std::to_string(((id.index + 1) << id.level) - 1)) +
                       " does not match the entries";
      }
    });
    if (node_problem) return Bad(report, node_index, *node_problem);
    if (progress && (seq & 0xffff) == 0) progress(seq, size);
  }
  if (it->Valid() && it->key().size() == 9 && it->key()[0] == keys::kEntry) {
    return Bad(report, size, "an entry is stored past the tree size " + std::to_string(size));
  }
  if (!it->status().ok()) return IOError("reading entries: " + it->status().ToString());
  if (progress) progress(size, size);

  // Every stored checkpoint must be signed by the log and match the entries.
  LEDGER_ASSIGN_OR_RETURN(auto verifier, ParseVerifierKey(vkey));
  CheckedNodes nodes(db.get());
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
