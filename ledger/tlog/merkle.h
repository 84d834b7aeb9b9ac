// Building RFC 9162 roots and proofs from stored complete-subtree hashes.
//
// A node (level, index) is the root of the complete subtree over leaves
// [index * 2^level, (index + 1) * 2^level). Level 0 nodes are leaf hashes.
// Once a node exists its hash never changes, so a store that keeps every node
// can answer for any tree size up to its own: the hash of any range [lo, hi)
// that RFC 9162's recursion produces is a fold of at most log2(n) stored
// nodes. Every function here reads O(log n) nodes, in one NodeReader call.
//
// Thread-safe if the NodeReader is.
#ifndef LEDGER_TLOG_MERKLE_H_
#define LEDGER_TLOG_MERKLE_H_

#include <cstdint>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/tlog/tree_hasher.h"

namespace ledger::tlog {

struct NodeId {
  int level;
  uint64_t index;
  bool operator==(const NodeId&) const = default;
};

class NodeReader {
 public:
  virtual ~NodeReader() = default;
  // Fills out[i] with the hash of ids[i]. NotFound if a node is absent.
  virtual Status ReadNodes(const std::vector<NodeId>& ids, std::vector<Hash>* out) const = 0;
};

// MTH of the first `size` leaves.
Result<Hash> TreeRoot(uint64_t size, const NodeReader& reader);
// PATH(index, D[size]) of RFC 9162 section 2.1.3.1, nearest the leaf first.
Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size, const NodeReader& reader);
// PROOF(old_size, D[new_size]) of RFC 9162 section 2.1.4.1. Requires
// 0 < old_size <= new_size; empty when they are equal.
Result<std::vector<Hash>> ConsistencyProof(uint64_t old_size, uint64_t new_size,
                                           const NodeReader& reader);

// The nodes appended when leaf `index` (with hash `leaf`) joins a tree whose
// right edge is `frontier` (frontier[l] is the node at level l waiting for its
// right sibling, valid where bit l of `index` is set). Calls emit(id, hash)
// for the leaf and every parent it completes, bottom up, and updates frontier.
template <typename Emit>
void AppendLeaf(uint64_t index, const Hash& leaf, std::vector<Hash>* frontier, Emit emit) {
  Hash h = leaf;
  int level = 0;
  uint64_t i = index;
  emit(NodeId{0, i}, h);
  while (i & 1) {
    h = HashChildren((*frontier)[level], h);
    ++level;
    i >>= 1;
    emit(NodeId{level, i}, h);
  }
  if (frontier->size() <= static_cast<size_t>(level)) frontier->resize(level + 1);
  (*frontier)[level] = h;
}

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_MERKLE_H_
