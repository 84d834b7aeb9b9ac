// libFuzzer: RFC 9162 proof verification (tlog/merkle_verifier.h).
// Two properties. (1) Arbitrary index, size, hashes and proofs never crash.
// (2) Against a reference tree of up to 300 leaves: the true inclusion and
// consistency proofs verify, and any one flipped bit, dropped or added hash,
// or changed index/size makes verification fail.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "ledger/tlog/merkle.h"
#include "ledger/tlog/merkle_verifier.h"
#include "tests/testing/memory_tree.h"

namespace {

using ledger::tlog::Hash;

struct Reader {
  const uint8_t* p;
  size_t n;
  uint64_t U64() {
    uint64_t v = 0;
    size_t k = n < 8 ? n : 8;
    memcpy(&v, p, k);
    p += k;
    n -= k;
    return v;
  }
  Hash H() {
    Hash h{};
    size_t k = n < 32 ? n : 32;
    memcpy(h.data(), p, k);
    p += k;
    n -= k;
    return h;
  }
};

const ledger::testing::MemoryTree& Tree() {
  static ledger::testing::MemoryTree* t = [] {
    auto* t = new ledger::testing::MemoryTree();
    for (int i = 0; i < 300; ++i) t->Append("entry " + std::to_string(i));
    return t;
  }();
  return *t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ledger::tlog;
  Reader r{data, size};
  const uint8_t mode = r.n ? (r.p++, r.n--, data[0]) : 0;
  if (mode % 2 == 0) {  // arbitrary inputs
    uint64_t a = r.U64(), b = r.U64();
    Hash h1 = r.H(), h2 = r.H();
    std::vector<Hash> proof;
    while (r.n > 0 && proof.size() < 80) proof.push_back(r.H());
    (void)RootFromInclusionProof(a, b, h1, proof);
    (void)VerifyInclusion(a, b, h1, proof, h2);
    (void)VerifyConsistency(a, b, h1, h2, proof);
    return 0;
  }
  // Reference tree.
  const auto& tree = Tree();
  uint64_t n = r.U64() % 300 + 1, m = r.U64() % 300 + 1, x = r.U64();
  if (m < n) std::swap(m, n);
  const uint64_t index = x % m;
  auto root_n = TreeRoot(n, tree), root_m = TreeRoot(m, tree);
  auto inc = InclusionProof(index, m, tree);
  auto con = ConsistencyProof(n, m, tree);
  std::vector<Hash> leaf;
  if (!root_n.ok() || !root_m.ok() || !inc.ok() || !con.ok() || tree.ReadNodes({{0, index}}, &leaf).ok() == false) {
    abort();
  }
  if (!VerifyInclusion(index, m, leaf[0], *inc, *root_m).ok()) abort();
  if (!VerifyConsistency(n, m, *root_n, *root_m, *con).ok()) abort();
  // One mutation, chosen by the input.
  const uint64_t what = r.U64();
  std::vector<Hash> bad_inc = *inc, bad_con = *con;
  uint64_t bad_index = index, bad_n = n;
  switch (what % 4) {
    case 0:  // flip a bit
      if (!bad_inc.empty()) bad_inc[(what >> 8) % bad_inc.size()][(what >> 16) % 32] ^= 1u << ((what >> 24) % 8);
      if (!bad_con.empty()) bad_con[(what >> 8) % bad_con.size()][(what >> 16) % 32] ^= 1u << ((what >> 24) % 8);
      break;
    case 1:  // drop a hash
      if (!bad_inc.empty()) bad_inc.pop_back();
      if (!bad_con.empty()) bad_con.erase(bad_con.begin());
      break;
    case 2:  // add one
      bad_inc.push_back(r.H());
      bad_con.push_back(bad_inc.back());
      break;
    case 3:  // other index or old size
      bad_index = (index + 1 + (what >> 8) % (m - 1 ? m - 1 : 1)) % m;
      bad_n = n % m + 1 == n ? n : n % m + 1;
      break;
  }
  if (bad_inc != *inc || bad_index != index) {
    // A different index may share the same proof only if it has the same leaf,
    // which the reference entries never do.
    if (VerifyInclusion(bad_index, m, leaf[0], bad_inc, *root_m).ok()) abort();
  }
  if (bad_con != *con || bad_n != n) {
    auto root_bad_n = TreeRoot(bad_n, tree);
    if (bad_n != n && bad_con == *con) {
      // Different old size with the old proof: must not verify the old root.
      if (VerifyConsistency(bad_n, m, *root_n, *root_m, bad_con).ok()) abort();
    } else if (VerifyConsistency(n, m, *root_n, *root_m, bad_con).ok()) {
      // A proof for n == m is empty; adding a hash to it must fail too.
      abort();
    }
    (void)root_bad_n;
  }
  return 0;
}
