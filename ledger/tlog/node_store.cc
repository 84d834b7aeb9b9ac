#include "ledger/tlog/node_store.h"

#include "ledger/tlog/store_keys.h"

namespace ledger::tlog {

void TileTree::ComputeInner(uint32_t w) {
  for (int k = 1; k < kTileHeight; ++k) {
    const uint32_t n = w >> k;  // complete nodes at inner level k
    for (uint32_t i = 0; i < n; ++i) {
      hashes[Offset(k) + i] = HashChildren(hashes[Offset(k - 1) + 2 * i], hashes[Offset(k - 1) + 2 * i + 1]);
    }
  }
}

NodeStore::NodeStore(rocksdb::DB* db, size_t cache_bytes)
    : db_(db), max_tiles_(std::max<size_t>(64, cache_bytes / sizeof(TileTree))) {}

uint32_t NodeStore::TileWidthAt(int level, uint64_t index, uint64_t size) {
  const uint64_t count = (level * kTileHeight) >= 64 ? 0 : size >> (level * kTileHeight);
  const uint64_t first = index * kTileWidth;
  if (count <= first) return 0;
  return static_cast<uint32_t>(std::min<uint64_t>(kTileWidth, count - first));
}

Result<NodeStore::TilePtr> NodeStore::LoadTile(int level, uint64_t index) const {
  auto t = std::make_shared<TileTree>();
  t->level = level;
  t->index = index;
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), keys::TileKey(level, index), &value);
  if (s.IsNotFound()) return t;  // width 0
  if (!s.ok()) return IOError("reading tile " + std::to_string(level) + "/" + std::to_string(index) + ": " + s.ToString());
  if (value.empty() || value.size() % crypto::kHashSize != 0 || value.size() > kTileWidth * crypto::kHashSize) {
    return Corruption("tile " + std::to_string(level) + "/" + std::to_string(index) + " holds " +
                      std::to_string(value.size()) + " bytes, not a whole number of hashes");
  }
  const uint32_t w = static_cast<uint32_t>(value.size() / crypto::kHashSize);
  for (uint32_t i = 0; i < w; ++i) {
    std::copy_n(value.data() + i * crypto::kHashSize, crypto::kHashSize,
                reinterpret_cast<char*>(t->hashes[i].data()));
  }
  t->ComputeInner(w);
  t->width.store(w, std::memory_order_release);
  return t;
}

Status NodeStore::LoadEdges(uint64_t size) {
  std::unique_lock lock(mu_);
  for (int level = 0; level < kMaxTileLevels; ++level) {
    const uint64_t count = size >> (level * kTileHeight);
    if (count == 0 && level > 0) {
      edges_[level].reset();
      continue;
    }
    const uint64_t index = count / kTileWidth;
    LEDGER_ASSIGN_OR_RETURN(TilePtr t, LoadTile(level, index));
    if (t->width.load() != count % kTileWidth) {
      return Corruption("tile " + std::to_string(level) + "/" + std::to_string(index) + " holds " +
                        std::to_string(t->width.load()) + " hashes; a tree of " + std::to_string(size) +
                        " entries needs " + std::to_string(count % kTileWidth));
    }
    edges_[level] = std::move(t);
  }
  return Status::Ok();
}

void NodeStore::Extend(const NodeId& id, const Hash& hash) {
  const int level = id.level / kTileHeight, k = id.level % kTileHeight;
  if (level >= kMaxTileLevels) return;
  const uint64_t index = id.index >> (kTileHeight - k);
  const uint32_t pos = static_cast<uint32_t>(id.index & ((kTileWidth >> k) - 1));
  TilePtr edge;
  {
    std::shared_lock lock(mu_);
    edge = edges_[level];
  }
  if (edge == nullptr || edge->index != index) {
    edge = std::make_shared<TileTree>();
    edge->level = level;
    edge->index = index;
    std::unique_lock lock(mu_);
    edges_[level] = edge;
  }
  edge->hashes[TileTree::Offset(k) + pos] = hash;
  if (k == 0) edge->width.store(pos + 1, std::memory_order_release);
}

uint64_t NodeStore::MemoryBytes() const {
  std::shared_lock lock(mu_);
  size_t tiles = cache_.size();
  for (const TilePtr& e : edges_) tiles += e != nullptr;
  return tiles * sizeof(TileTree);
}

void NodeStore::CacheFull(TilePtr t) const {
  std::unique_lock lock(mu_);
  const uint64_t key = CacheKey(t->level, t->index);
  if (cache_.emplace(key, std::move(t)).second) order_.push_back(key);
  while (cache_.size() > max_tiles_ && !order_.empty()) {
    cache_.erase(order_.front());
    order_.pop_front();
  }
}

Status NodeStore::ReadNodes(const std::vector<NodeId>& ids, std::vector<Hash>* out) const {
  out->resize(ids.size());
  std::vector<size_t> misses;
  auto locate = [](const NodeId& id, int* level, uint64_t* index, int* slot) {
    *level = id.level / kTileHeight;
    const int k = id.level % kTileHeight;
    *index = id.index >> (kTileHeight - k);
    *slot = TileTree::Offset(k) + static_cast<int>(id.index & ((kTileWidth >> k) - 1));
    return k;
  };
  // A node at inner level k of a tile is complete when the tile's bottom
  // row covers all 2^k hashes under it.
  auto complete = [](const TileTree& t, int k, const NodeId& id) {
    const uint64_t pos = id.index & ((kTileWidth >> k) - 1);
    return ((pos + 1) << k) <= t.width.load(std::memory_order_acquire);
  };
  {
    std::shared_lock lock(mu_);
    for (size_t i = 0; i < ids.size(); ++i) {
      int level, slot;
      uint64_t index;
      if (ids[i].level < 0 || ids[i].level >= kMaxTileLevels * kTileHeight) return NotFound("no such tree level");
      const int k = locate(ids[i], &level, &index, &slot);
      const TileTree* t = nullptr;
      if (edges_[level] != nullptr && edges_[level]->index == index) {
        t = edges_[level].get();
      } else if (auto it = cache_.find(CacheKey(level, index)); it != cache_.end()) {
        t = it->second.get();
      }
      if (t != nullptr && complete(*t, k, ids[i])) {
        (*out)[i] = t->hashes[slot];
      } else {
        misses.push_back(i);
      }
    }
  }
  for (size_t i : misses) {
    int level, slot;
    uint64_t index;
    const int k = locate(ids[i], &level, &index, &slot);
    LEDGER_ASSIGN_OR_RETURN(TilePtr t, LoadTile(level, index));
    if (!complete(*t, k, ids[i])) {
      return NotFound("no node at level " + std::to_string(ids[i].level) + " index " + std::to_string(ids[i].index));
    }
    (*out)[i] = t->hashes[slot];
    if (t->width.load() == static_cast<uint32_t>(kTileWidth)) CacheFull(std::move(t));
  }
  return Status::Ok();
}

}  // namespace ledger::tlog
