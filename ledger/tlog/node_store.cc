#include "ledger/tlog/node_store.h"

#include "ledger/tlog/store_keys.h"

namespace ledger::tlog {

NodeStore::NodeStore(rocksdb::DB* db, size_t cache_bytes)
    : db_(db), max_blocks_(std::max<size_t>(64, cache_bytes / sizeof(Block))) {}

Result<NodeStore::BlockPtr> NodeStore::LoadBlock(int level, uint64_t block) const {
  auto b = std::make_shared<Block>();
  b->index = block;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions()));
  const uint64_t first = block << kBlockBits;
  uint32_t n = 0;
  for (it->Seek(keys::NodeKey(level, first)); it->Valid() && n < kBlockSize; it->Next(), ++n) {
    rocksdb::Slice k = it->key();
    if (k.size() != 10 || k[0] != keys::kNode || static_cast<uint8_t>(k[1]) != level ||
        keys::GetU64(std::string_view(k.data() + 2, 8)) != first + n) {
      break;
    }
    if (it->value().size() != crypto::kHashSize) {
      return Corruption("node hash at level " + std::to_string(level) + " index " +
                        std::to_string(first + n) + " is not 32 bytes");
    }
    std::copy(it->value().data(), it->value().data() + crypto::kHashSize,
              reinterpret_cast<char*>(b->hashes[n].data()));
  }
  if (!it->status().ok()) return IOError("reading node hashes: " + it->status().ToString());
  b->count.store(n, std::memory_order_release);
  return b;
}

Status NodeStore::LoadEdges(uint64_t size) {
  std::unique_lock lock(mu_);
  for (int level = 0; level < kMaxLevels; ++level) {
    uint64_t count = level < 64 ? size >> level : 0;
    if (count == 0 && level > 0) {
      edges_[level].reset();
      continue;
    }
    LEDGER_ASSIGN_OR_RETURN(BlockPtr b, LoadBlock(level, count >> kBlockBits));
    if (b->count.load() != (count & (kBlockSize - 1))) {
      return Corruption("level " + std::to_string(level) + " holds " +
                        std::to_string((count & ~(kBlockSize - 1)) + b->count.load()) +
                        " nodes, expected " + std::to_string(count));
    }
    edges_[level] = std::move(b);
  }
  return Status::Ok();
}

void NodeStore::Extend(const NodeId& id, const Hash& hash) {
  BlockPtr edge;
  {
    std::shared_lock lock(mu_);
    edge = edges_[id.level];
  }
  const uint64_t block = id.index >> kBlockBits;
  const uint32_t slot = static_cast<uint32_t>(id.index & (kBlockSize - 1));
  if (edge == nullptr || edge->index != block) {
    edge = std::make_shared<Block>();
    edge->index = block;
    std::unique_lock lock(mu_);
    edges_[id.level] = edge;
  }
  edge->hashes[slot] = hash;
  edge->count.store(slot + 1, std::memory_order_release);
  if (slot + 1 == kBlockSize) CacheFull(id.level, edge);
}

void NodeStore::CacheFull(int level, BlockPtr b) const {
  std::unique_lock lock(mu_);
  uint64_t key = CacheKey(level, b->index);
  if (cache_.emplace(key, std::move(b)).second) order_.push_back(key);
  while (cache_.size() > max_blocks_ && !order_.empty()) {
    cache_.erase(order_.front());
    order_.pop_front();
  }
}

Status NodeStore::ReadNodes(const std::vector<NodeId>& ids, std::vector<Hash>* out) const {
  out->resize(ids.size());
  std::vector<size_t> misses;
  {
    std::shared_lock lock(mu_);
    for (size_t i = 0; i < ids.size(); ++i) {
      const NodeId& id = ids[i];
      const uint64_t block = id.index >> kBlockBits;
      const uint32_t slot = static_cast<uint32_t>(id.index & (kBlockSize - 1));
      const Block* b = nullptr;
      if (id.level >= 0 && id.level < kMaxLevels) {
        const BlockPtr& edge = edges_[id.level];
        if (edge != nullptr && edge->index == block) {
          b = edge.get();
        } else {
          auto it = cache_.find(CacheKey(id.level, block));
          if (it != cache_.end()) b = it->second.get();
        }
      }
      if (b != nullptr && slot < b->count.load(std::memory_order_acquire)) {
        (*out)[i] = b->hashes[slot];
      } else {
        misses.push_back(i);
      }
    }
  }
  for (size_t i : misses) {
    const NodeId& id = ids[i];
    if (id.level < 0 || id.level >= kMaxLevels) return NotFound("no node at that level");
    const uint64_t block = id.index >> kBlockBits;
    const uint32_t slot = static_cast<uint32_t>(id.index & (kBlockSize - 1));
    LEDGER_ASSIGN_OR_RETURN(BlockPtr b, LoadBlock(id.level, block));
    if (slot >= b->count.load()) {
      return NotFound("no node at level " + std::to_string(id.level) + " index " +
                      std::to_string(id.index));
    }
    (*out)[i] = b->hashes[slot];
    if (b->count.load() == kBlockSize) CacheFull(id.level, std::move(b));
  }
  return Status::Ok();
}

}  // namespace ledger::tlog
