// RFC 6962 / 9162 known answers, a slow recursive reference straight from the
// RFC cross-checking every proof up to size 300, and rejection of every
// single mutation of a proof.
#include <gtest/gtest.h>

#include <map>

#include "ledger/tlog/merkle.h"
#include "ledger/tlog/merkle_verifier.h"
#include "tests/testing/memory_tree.h"

namespace ledger::tlog {
namespace {

Hash FromHex(const std::string& hex) {
  Hash h;
  EXPECT_TRUE(crypto::HashFromHex(hex, &h)) << hex;
  return h;
}

std::string Unhex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

// The Certificate Transparency test vectors (RFC 6962 merkle_tree_test).
const std::vector<std::string> kLeaves = {"", "00", "10", "2021", "3031", "40414243",
                                          "5051525354555657", "606162636465666768696a6b6c6d6e6f"};
const std::vector<std::string> kRoots = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"};

testing::MemoryTree VectorTree() {
  testing::MemoryTree t;
  for (const auto& l : kLeaves) t.Append(Unhex(l));
  return t;
}

std::vector<Hash> Hashes(const std::vector<std::string>& hex) {
  std::vector<Hash> out;
  for (const auto& h : hex) out.push_back(FromHex(h));
  return out;
}

TEST(MerkleKnownAnswer, EmptyTreeHash) {
  EXPECT_EQ(crypto::ToHex(EmptyRoot()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  testing::MemoryTree t;
  auto root = TreeRoot(0, t);
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(*root, EmptyRoot());
}

TEST(MerkleKnownAnswer, RootsOfEveryPrefix) {
  auto t = VectorTree();
  for (uint64_t n = 1; n <= 8; ++n) {
    auto root = TreeRoot(n, t);
    ASSERT_TRUE(root.ok());
    EXPECT_EQ(crypto::ToHex(*root), kRoots[n - 1]) << "size " << n;
  }
}

TEST(MerkleKnownAnswer, InclusionProofs) {
  auto t = VectorTree();
  struct Case {
    uint64_t index, size;
    std::vector<std::string> path;
  };
  std::vector<Case> cases = {
      {0, 8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {5, 8,
       {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
      {1, 5,
       {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
  };
  for (const auto& c : cases) {
    auto proof = InclusionProof(c.index, c.size, t);
    ASSERT_TRUE(proof.ok());
    EXPECT_EQ(*proof, Hashes(c.path)) << c.index << "/" << c.size;
    Hash leaf = HashLeaf(Unhex(kLeaves[c.index]));
    EXPECT_TRUE(VerifyInclusion(c.index, c.size, leaf, *proof, FromHex(kRoots[c.size - 1])).ok());
  }
}

TEST(MerkleKnownAnswer, ConsistencyProofs) {
  auto t = VectorTree();
  struct Case {
    uint64_t m, n;
    std::vector<std::string> path;
  };
  std::vector<Case> cases = {
      {1, 8,
       {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {2, 8,
       {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
      {6, 8,
       {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
      {2, 5,
       {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
  };
  for (const auto& c : cases) {
    auto proof = ConsistencyProof(c.m, c.n, t);
    ASSERT_TRUE(proof.ok());
    EXPECT_EQ(*proof, Hashes(c.path)) << c.m << "->" << c.n;
    EXPECT_TRUE(VerifyConsistency(c.m, c.n, FromHex(kRoots[c.m - 1]), FromHex(kRoots[c.n - 1]),
                                  *proof)
                    .ok());
  }
}

// MTH, PATH and SUBPROOF exactly as RFC 9162 section 2.1 writes them,
// recursive over the leaf hashes, memoised so that sizes up to 300 stay quick.
class Reference {
 public:
  explicit Reference(std::vector<Hash> leaves) : leaves_(std::move(leaves)) {}

  Hash Mth(uint64_t lo, uint64_t hi) {
    if (hi - lo == 1) return leaves_[lo];
    auto key = std::make_pair(lo, hi);
    auto it = memo_.find(key);
    if (it != memo_.end()) return it->second;
    uint64_t k = 1;
    while (k * 2 < hi - lo) k *= 2;
    Hash h = HashChildren(Mth(lo, lo + k), Mth(lo + k, hi));
    memo_[key] = h;
    return h;
  }
  std::vector<Hash> Path(uint64_t m, uint64_t lo, uint64_t hi) {
    if (hi - lo == 1) return {};
    uint64_t k = 1;
    while (k * 2 < hi - lo) k *= 2;
    std::vector<Hash> p;
    if (m < k) {
      p = Path(m, lo, lo + k);
      p.push_back(Mth(lo + k, hi));
    } else {
      p = Path(m - k, lo + k, hi);
      p.push_back(Mth(lo, lo + k));
    }
    return p;
  }
  std::vector<Hash> Subproof(uint64_t m, uint64_t lo, uint64_t hi, bool b) {
    uint64_t n = hi - lo;
    if (m == n) return b ? std::vector<Hash>{} : std::vector<Hash>{Mth(lo, hi)};
    uint64_t k = 1;
    while (k * 2 < n) k *= 2;
    std::vector<Hash> p;
    if (m <= k) {
      p = Subproof(m, lo, lo + k, b);
      p.push_back(Mth(lo + k, hi));
    } else {
      p = Subproof(m - k, lo + k, hi, false);
      p.push_back(Mth(lo, lo + k));
    }
    return p;
  }

 private:
  std::vector<Hash> leaves_;
  std::map<std::pair<uint64_t, uint64_t>, Hash> memo_;
};

constexpr uint64_t kMaxSize = 300;

TEST(MerkleReference, EveryProofUpTo300MatchesTheRfc) {
  testing::MemoryTree t;
  std::vector<Hash> leaves;
  for (uint64_t i = 0; i < kMaxSize; ++i) {
    leaves.push_back(HashLeaf("leaf " + std::to_string(i)));
    t.AppendHash(leaves.back());
  }
  Reference ref(leaves);
  for (uint64_t n = 1; n <= kMaxSize; ++n) {
    auto root = TreeRoot(n, t);
    ASSERT_TRUE(root.ok());
    ASSERT_EQ(*root, ref.Mth(0, n)) << "size " << n;
    for (uint64_t i = 0; i < n; ++i) {
      auto proof = InclusionProof(i, n, t);
      ASSERT_TRUE(proof.ok());
      ASSERT_EQ(*proof, ref.Path(i, 0, n)) << i << "/" << n;
      ASSERT_TRUE(VerifyInclusion(i, n, leaves[i], *proof, *root).ok()) << i << "/" << n;
    }
    for (uint64_t m = 1; m <= n; ++m) {
      auto proof = ConsistencyProof(m, n, t);
      ASSERT_TRUE(proof.ok());
      std::vector<Hash> want = m == n ? std::vector<Hash>{} : ref.Subproof(m, 0, n, true);
      ASSERT_EQ(*proof, want) << m << "->" << n;
      ASSERT_TRUE(VerifyConsistency(m, n, ref.Mth(0, m), *root, *proof).ok()) << m << "->" << n;
    }
  }
}

Hash Flip(Hash h, int bit) {
  h[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
  return h;
}

TEST(MerkleVerifier, RejectsEveryMutatedInclusionProof) {
  testing::MemoryTree t;
  std::vector<Hash> leaves;
  for (int i = 0; i < 70; ++i) {
    leaves.push_back(HashLeaf(std::to_string(i)));
    t.AppendHash(leaves.back());
  }
  for (uint64_t n = 1; n <= 70; n += (n < 20 ? 1 : 7)) {
    Hash root = *TreeRoot(n, t);
    for (uint64_t i = 0; i < n; ++i) {
      std::vector<Hash> proof = *InclusionProof(i, n, t);
      for (size_t j = 0; j < proof.size(); ++j) {
        for (int bit : {0, 77, 255}) {
          auto bad = proof;
          bad[j] = Flip(bad[j], bit);
          EXPECT_FALSE(VerifyInclusion(i, n, leaves[i], bad, root).ok());
        }
      }
      EXPECT_FALSE(VerifyInclusion(i, n, Flip(leaves[i], 3), proof, root).ok());
      EXPECT_FALSE(VerifyInclusion(i, n, leaves[i], proof, Flip(root, 9)).ok());
      if (i + 1 < n) {
        EXPECT_FALSE(VerifyInclusion(i + 1, n, leaves[i], proof, root).ok());
      }
      if (i > 0) {
        EXPECT_FALSE(VerifyInclusion(i - 1, n, leaves[i], proof, root).ok());
      }
      // A wrong size, checked against the root of that size: a proof can
      // have the same shape in two sizes, but never leads to both roots.
      if (n < 70) {
        EXPECT_FALSE(VerifyInclusion(i, n + 1, leaves[i], proof, *TreeRoot(n + 1, t)).ok());
      }
      if (i < n - 1) {
        EXPECT_FALSE(VerifyInclusion(i, n - 1, leaves[i], proof, *TreeRoot(n - 1, t)).ok());
      }
      EXPECT_FALSE(VerifyInclusion(n, n, leaves[i], proof, root).ok());  // index out of range
      if (!proof.empty()) {
        auto shorter = proof;
        shorter.pop_back();
        EXPECT_FALSE(VerifyInclusion(i, n, leaves[i], shorter, root).ok());
      }
      auto longer = proof;
      longer.push_back(root);
      EXPECT_FALSE(VerifyInclusion(i, n, leaves[i], longer, root).ok());
    }
  }
}

TEST(MerkleVerifier, RejectsEveryMutatedConsistencyProof) {
  testing::MemoryTree t;
  for (int i = 0; i < 70; ++i) t.Append(std::to_string(i));
  for (uint64_t n = 1; n <= 70; n += (n < 20 ? 1 : 5)) {
    Hash root = *TreeRoot(n, t);
    for (uint64_t m = 1; m < n; ++m) {
      Hash old_root = *TreeRoot(m, t);
      std::vector<Hash> proof = *ConsistencyProof(m, n, t);
      ASSERT_TRUE(VerifyConsistency(m, n, old_root, root, proof).ok());
      for (size_t j = 0; j < proof.size(); ++j) {
        auto bad = proof;
        bad[j] = Flip(bad[j], 100);
        EXPECT_FALSE(VerifyConsistency(m, n, old_root, root, bad).ok()) << m << "->" << n << " @" << j;
      }
      EXPECT_FALSE(VerifyConsistency(m, n, Flip(old_root, 1), root, proof).ok());
      EXPECT_FALSE(VerifyConsistency(m, n, old_root, Flip(root, 1), proof).ok());
      if (n < 70) {
        EXPECT_FALSE(VerifyConsistency(m, n + 1, old_root, *TreeRoot(n + 1, t), proof).ok());
      }
      if (m + 1 < n) {
        EXPECT_FALSE(VerifyConsistency(m + 1, n, old_root, root, proof).ok());
      }
      auto shorter = proof;
      shorter.pop_back();
      EXPECT_FALSE(VerifyConsistency(m, n, old_root, root, shorter).ok());
      auto longer = proof;
      longer.push_back(root);
      EXPECT_FALSE(VerifyConsistency(m, n, old_root, root, longer).ok());
      EXPECT_FALSE(VerifyConsistency(n, m, root, old_root, proof).ok());  // from > to
    }
    // Equal sizes: only the empty proof and the same root.
    EXPECT_TRUE(VerifyConsistency(n, n, root, root, {}).ok());
    EXPECT_FALSE(VerifyConsistency(n, n, root, Flip(root, 0), {}).ok());
    EXPECT_FALSE(VerifyConsistency(n, n, root, root, {root}).ok());
  }
  EXPECT_FALSE(VerifyConsistency(0, 5, EmptyRoot(), EmptyRoot(), {}).ok());
}

TEST(Merkle, ProofArgumentsOutOfRange) {
  testing::MemoryTree t;
  for (int i = 0; i < 5; ++i) t.Append(std::to_string(i));
  EXPECT_EQ(InclusionProof(5, 5, t).status().code(), Code::kOutOfRange);
  EXPECT_EQ(ConsistencyProof(0, 5, t).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(ConsistencyProof(4, 3, t).status().code(), Code::kInvalidArgument);
  EXPECT_EQ(TreeRoot(6, t).status().code(), Code::kNotFound);
}

}  // namespace
}  // namespace ledger::tlog
