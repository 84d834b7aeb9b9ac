// Verification of RFC 9162 inclusion and consistency proofs (sections
// 2.1.3.2 and 2.1.4.2). Every malformed proof — wrong length, a mutated hash,
// an index or size out of range — is rejected. Thread-safe; no state.
#ifndef LEDGER_TLOG_MERKLE_VERIFIER_H_
#define LEDGER_TLOG_MERKLE_VERIFIER_H_

#include <cstdint>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/tlog/tree_hasher.h"

namespace ledger::tlog {

// The root that `proof` implies for leaf `index` in a tree of `size`.
Result<Hash> RootFromInclusionProof(uint64_t index, uint64_t size, const Hash& leaf_hash,
                                    const std::vector<Hash>& proof);

Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                       const std::vector<Hash>& proof, const Hash& root);

// Checks that the tree of `old_size` with `old_root` is a prefix of the tree
// of `new_size` with `new_root`. Requires 0 < old_size <= new_size.
Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root,
                         const Hash& new_root, const std::vector<Hash>& proof);

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_MERKLE_VERIFIER_H_
