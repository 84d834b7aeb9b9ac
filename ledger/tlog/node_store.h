// NodeStore: reads Merkle node hashes, which RocksDB keeps as C2SP tiles.
// Internal to ledger/tlog.
//
// The store keeps only tiles: tile (L, N) holds the hashes of tree level 8·L
// with indices [256·N, 256·N + W). A node at level 8·L + k (k < 8) is the
// root of 2^k consecutive hashes of one tile, so every node comes from one
// tile read and at most 255 hash operations. NodeStore keeps each tile with
// all its inner levels computed (a TileTree, 510 hashes):
// - full tiles never change; those read are cached (bounded, first in first
//   out). A tile that fills up as entries are written is not cached: the
//   memory follows what readers ask for, not how much is written (a write
//   soak otherwise grew the cache by 16 KB per 256 entries up to its bound);
//   it is read back from the store the first time a proof needs it;
// - the one partial tile of each tile level, the edge, stays in memory and
//   is extended by the sequencer after each durable batch, so proofs at the
//   newest size never touch the disk.
//
// Thread-safety: ReadNodes may run on many threads at once and concurrently
// with one writer calling Extend. A reader must only ask for nodes of a tree
// size that was published after the Extend calls that wrote them.
#ifndef LEDGER_TLOG_NODE_STORE_H_
#define LEDGER_TLOG_NODE_STORE_H_

#include <rocksdb/db.h>

#include <array>
#include <atomic>
#include <deque>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>
#include <vector>

#include "ledger/tlog/merkle.h"
#include "ledger/tlog/tile.h"

namespace ledger::tlog {

// A tile with its inner levels: level k holds 256 >> k hashes.
struct TileTree {
  static constexpr int Offset(int k) { return 512 - (512 >> k); }
  static constexpr int kSize = 510;

  int level = 0;       // tile level L
  uint64_t index = 0;  // tile index N
  std::atomic<uint32_t> width{0};  // bottom hashes [0, width) are valid
  std::array<Hash, kSize> hashes;

  // Fills the inner levels from the bottom `w` hashes.
  void ComputeInner(uint32_t w);
};

class NodeStore : public NodeReader {
 public:
  NodeStore(rocksdb::DB* db, size_t cache_bytes);

  // Loads the edge tiles for a tree of `size` leaves.
  Status LoadEdges(uint64_t size);
  // Records a node that was just made durable; nodes of one level arrive in
  // index order, and a parent after its children.
  void Extend(const NodeId& id, const Hash& hash);

  Status ReadNodes(const std::vector<NodeId>& ids, std::vector<Hash>* out) const override;

  // Bytes of the tiles held in memory: the cached full tiles and the edges.
  uint64_t MemoryBytes() const;

  // The stored bytes of tile (level, index) as the tree of `size` has it.
  static uint32_t TileWidthAt(int level, uint64_t index, uint64_t size);

 private:
  static constexpr int kMaxTileLevels = 8;  // 8 x 8 = 64 tree levels
  using TilePtr = std::shared_ptr<TileTree>;
  static uint64_t CacheKey(int level, uint64_t index) { return static_cast<uint64_t>(level) << 58 | index; }

  Result<TilePtr> LoadTile(int level, uint64_t index) const;
  void CacheFull(TilePtr t) const;

  rocksdb::DB* db_;
  size_t max_tiles_;

  mutable std::shared_mutex mu_;
  std::array<TilePtr, kMaxTileLevels> edges_;
  mutable std::unordered_map<uint64_t, TilePtr> cache_;
  mutable std::deque<uint64_t> order_;  // insertion order, for eviction
};

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_NODE_STORE_H_
