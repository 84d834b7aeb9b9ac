#include "ledger/tlog/merkle_verifier.h"

#include <string>

namespace ledger::tlog {
namespace {

Status Mismatch(const char* what) {
  return Status(Code::kFailedPrecondition, std::string(what), "proof.verifies");
}

}  // namespace

Result<Hash> RootFromInclusionProof(uint64_t index, uint64_t size, const Hash& leaf_hash,
                                    const std::vector<Hash>& proof) {
  if (index >= size) {
    return InvalidArgument("leaf index " + std::to_string(index) + " is not below tree size " +
                           std::to_string(size));
  }
  uint64_t fn = index, sn = size - 1;
  Hash r = leaf_hash;
  for (const Hash& p : proof) {
    if (sn == 0) return Mismatch("inclusion proof is longer than the tree is deep");
    if ((fn & 1) || fn == sn) {
      r = HashChildren(p, r);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Mismatch("inclusion proof is shorter than the tree is deep");
  return r;
}

Status VerifyInclusion(uint64_t index, uint64_t size, const Hash& leaf_hash,
                       const std::vector<Hash>& proof, const Hash& root) {
  LEDGER_ASSIGN_OR_RETURN(Hash r, RootFromInclusionProof(index, size, leaf_hash, proof));
  if (r != root) return Mismatch("inclusion proof does not lead to the root");
  return Status::Ok();
}

Status VerifyConsistency(uint64_t old_size, uint64_t new_size, const Hash& old_root,
                         const Hash& new_root, const std::vector<Hash>& proof) {
  if (old_size == 0 || old_size > new_size) {
    return InvalidArgument("a consistency proof needs 0 < from <= to, got from=" +
                           std::to_string(old_size) + " to=" + std::to_string(new_size));
  }
  if (old_size == new_size) {
    if (!proof.empty()) return Mismatch("consistency proof between equal sizes must be empty");
    if (old_root != new_root) return Mismatch("two different roots for the same tree size");
    return Status::Ok();
  }
  if (proof.empty()) return Mismatch("consistency proof is empty");
  std::vector<Hash> path;
  path.reserve(proof.size() + 1);
  // When old_size is a power of two the old tree is a complete subtree of the
  // new one and its root is the first node of the path.
  if ((old_size & (old_size - 1)) == 0) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());

  uint64_t fn = old_size - 1, sn = new_size - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Hash& c = path[i];
    if (sn == 0) return Mismatch("consistency proof is too long");
    if ((fn & 1) || fn == sn) {
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return Mismatch("consistency proof is too short");
  if (fr != old_root) return Mismatch("consistency proof does not lead to the old root");
  if (sr != new_root) return Mismatch("consistency proof does not lead to the new root");
  return Status::Ok();
}

}  // namespace ledger::tlog
