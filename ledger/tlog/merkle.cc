#include "ledger/tlog/merkle.h"

#include <bit>
#include <string>

namespace ledger::tlog {
namespace {

// A range [lo, hi) whose hash one proof element (or the root) needs.
struct Range {
  uint64_t lo, hi;
};

// Largest power of two strictly less than n (n >= 2): RFC 9162's split point.
uint64_t SplitPoint(uint64_t n) { return std::bit_floor(n - 1); }

// Appends the complete subtrees that make up [lo, hi), left to right. In the
// ranges RFC 9162's recursion produces, each piece is aligned to its size.
void SubtreeNodes(uint64_t lo, uint64_t hi, std::vector<NodeId>* ids) {
  while (lo < hi) {
    uint64_t k = std::bit_floor(hi - lo);
    while (lo & (k - 1)) k >>= 1;  // align (never taken for RFC ranges of [0, n))
    ids->push_back(NodeId{std::countr_zero(k), lo / k});
    lo += k;
  }
}

// PATH(m, D[lo:hi]) as a list of ranges, inner (nearest the leaf) first.
void InclusionRanges(uint64_t m, uint64_t lo, uint64_t hi, std::vector<Range>* out) {
  if (hi - lo <= 1) return;
  uint64_t k = SplitPoint(hi - lo);
  if (m < lo + k) {
    InclusionRanges(m, lo, lo + k, out);
    out->push_back({lo + k, hi});
  } else {
    InclusionRanges(m, lo + k, hi, out);
    out->push_back({lo, lo + k});
  }
}

// SUBPROOF(m, D[lo:hi], b) as a list of ranges.
void ConsistencyRanges(uint64_t m, uint64_t lo, uint64_t hi, bool b, std::vector<Range>* out) {
  uint64_t n = hi - lo;
  if (m == n) {
    if (!b) out->push_back({lo, hi});
    return;
  }
  uint64_t k = SplitPoint(n);
  if (m <= k) {
    ConsistencyRanges(m, lo, lo + k, b, out);
    out->push_back({lo + k, hi});
  } else {
    ConsistencyRanges(m - k, lo + k, hi, false, out);
    out->push_back({lo, lo + k});
  }
}

// Reads every node the ranges need in one call and folds each range.
Result<std::vector<Hash>> HashRanges(const std::vector<Range>& ranges, const NodeReader& reader) {
  std::vector<NodeId> ids;
  std::vector<size_t> starts;
  for (const Range& r : ranges) {
    starts.push_back(ids.size());
    SubtreeNodes(r.lo, r.hi, &ids);
  }
  starts.push_back(ids.size());
  std::vector<Hash> nodes;
  LEDGER_RETURN_IF_ERROR(reader.ReadNodes(ids, &nodes));
  std::vector<Hash> out;
  out.reserve(ranges.size());
  for (size_t r = 0; r < ranges.size(); ++r) {
    // Right to left: the rightmost pieces are the deepest in the RFC tree.
    Hash h = nodes[starts[r + 1] - 1];
    for (size_t i = starts[r + 1] - 1; i-- > starts[r];) h = HashChildren(nodes[i], h);
    out.push_back(h);
  }
  return out;
}

}  // namespace

Result<Hash> TreeRoot(uint64_t size, const NodeReader& reader) {
  if (size == 0) return EmptyRoot();
  LEDGER_ASSIGN_OR_RETURN(std::vector<Hash> h, HashRanges({{0, size}}, reader));
  return h[0];
}

Result<std::vector<Hash>> InclusionProof(uint64_t index, uint64_t size, const NodeReader& reader) {
  if (index >= size) {
    return OutOfRange("leaf index " + std::to_string(index) + " is not below tree size " +
                      std::to_string(size));
  }
  std::vector<Range> ranges;
  InclusionRanges(index, 0, size, &ranges);
  return HashRanges(ranges, reader);
}

Result<std::vector<Hash>> ConsistencyProof(uint64_t old_size, uint64_t new_size,
                                           const NodeReader& reader) {
  if (old_size == 0 || old_size > new_size) {
    return InvalidArgument("a consistency proof needs 0 < from <= to, got from=" +
                           std::to_string(old_size) + " to=" + std::to_string(new_size));
  }
  std::vector<Range> ranges;
  if (old_size < new_size) ConsistencyRanges(old_size, 0, new_size, true, &ranges);
  return HashRanges(ranges, reader);
}

}  // namespace ledger::tlog
