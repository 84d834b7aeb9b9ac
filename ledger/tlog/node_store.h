// NodeStore: reads stored Merkle node hashes through an in-memory cache.
// Internal to ledger/tlog.
//
// Nodes are grouped in blocks of 256 consecutive indices of one level. A
// block below the right edge of the tree is full and immutable, so it is
// cached as is (bounded, first-in first-out). The one partial block of each
// level, the edge, is kept in memory and extended by the sequencer after each
// durable batch, so reads at the newest tree size never scan RocksDB.
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

namespace ledger::tlog {

class NodeStore : public NodeReader {
 public:
  NodeStore(rocksdb::DB* db, size_t cache_bytes);

  // Loads the edge blocks for a tree of `size` leaves.
  Status LoadEdges(uint64_t size);
  // Records a node that was just made durable; nodes of one level arrive in
  // index order.
  void Extend(const NodeId& id, const Hash& hash);

  Status ReadNodes(const std::vector<NodeId>& ids, std::vector<Hash>* out) const override;

 private:
  static constexpr int kBlockBits = 8;
  static constexpr uint64_t kBlockSize = 1u << kBlockBits;
  static constexpr int kMaxLevels = 64;

  struct Block {
    uint64_t index = 0;           // block number within its level
    std::atomic<uint32_t> count{0};  // hashes [0, count) are valid
    std::array<Hash, kBlockSize> hashes;
  };
  using BlockPtr = std::shared_ptr<Block>;
  static uint64_t CacheKey(int level, uint64_t block) {
    return static_cast<uint64_t>(level) << 58 | block;
  }

  Result<BlockPtr> LoadBlock(int level, uint64_t block) const;
  void CacheFull(int level, BlockPtr b) const;

  rocksdb::DB* db_;
  size_t max_blocks_;

  mutable std::shared_mutex mu_;
  std::array<BlockPtr, kMaxLevels> edges_;  // guarded by mu_ (pointer swaps)
  mutable std::unordered_map<uint64_t, BlockPtr> cache_;
  mutable std::deque<uint64_t> order_;  // insertion order, for eviction
};

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_NODE_STORE_H_
