// Known answers from an implementation outside this project: the inclusion
// and consistency proof vectors of github.com/transparency-dev/merkle
// (testdata/inclusion and testdata/consistency, commit 417fb0c, Apache-2.0),
// read from the shared copy in ../shared/standards/transparency-dev-merkle
// (see its README), each fed to our RFC 9162 verifier, whose verdict must be
// the vector's wantErr. The subtree vectors test an API we do not have.
//
// Vector fields: {leafIdx, treeSize, root, leafHash, proof, wantErr} and
// {size1, size2, root1, root2, proof, wantErr}, hashes in base64. Our
// verifier takes 32-byte hashes only: a proof with an item of another length
// cannot be given to it and counts as refused; a root or leaf of another
// length (the vectors' "don't care" values) is mapped to SHA-256 of a tagged
// copy of its bytes (leaf and root tagged apart), which keeps equal roots
// equal and never equals a computed root.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ledger/crypto/base64.h"
#include "ledger/crypto/sha256.h"
#include "ledger/tlog/merkle_verifier.h"

namespace ledger::tlog {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// LEDGER_STANDARDS_DIR (the environment's, else the build's) holds the copy.
std::string VectorDir() {
  const char* env = std::getenv("LEDGER_STANDARDS_DIR");
  return std::string(env != nullptr ? env : LEDGER_STANDARDS_DIR) + "/transparency-dev-merkle/testdata";
}

std::vector<fs::path> Vectors(const std::string& kind) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(VectorDir() + "/" + kind, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".json") out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

json Load(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

std::string Bytes(const json& j) {
  auto raw = crypto::Base64Decode(j.get<std::string>());
  EXPECT_TRUE(raw.has_value()) << j;
  return raw.value_or("");
}

// `tag` keeps a leaf and a root apart that are the same "don't care" bytes.
Hash AsHash(const json& j, const std::string& tag) {
  const std::string b = Bytes(j);
  Hash h;
  if (b.size() == crypto::kHashSize) {
    std::copy(b.begin(), b.end(), h.begin());
    return h;
  }
  return crypto::Sha256Of("not a 32-byte " + tag + ": " + b);
}

// False when some proof item is not 32 bytes.
bool Proof(const json& j, std::vector<Hash>* out) {
  for (const json& item : j) {
    const std::string b = Bytes(item);
    if (b.size() != crypto::kHashSize) return false;
    Hash h;
    std::copy(b.begin(), b.end(), h.begin());
    out->push_back(h);
  }
  return true;
}

TEST(MerkleKnownAnswers, TransparencyDevInclusionVectors) {
  const auto files = Vectors("inclusion");
  ASSERT_GT(files.size(), 50u) << "the vectors are missing from " << VectorDir()
                               << " (github.com/transparency-dev/merkle testdata, see ../shared/standards/README.md)";
  size_t accepted = 0;
  for (const auto& f : files) {
    json v = Load(f);
    std::vector<Hash> proof;
    bool refused = !Proof(v["proof"], &proof);
    if (!refused) {
      refused = !VerifyInclusion(v["leafIdx"].get<uint64_t>(), v["treeSize"].get<uint64_t>(), AsHash(v["leafHash"], "leaf"),
                                 proof, AsHash(v["root"], "root"))
                     .ok();
    }
    EXPECT_EQ(refused, v["wantErr"].get<bool>()) << f << ": " << v["desc"];
    accepted += !refused;
  }
  EXPECT_GT(accepted, 5u);  // the happy paths are among them
}

TEST(MerkleKnownAnswers, TransparencyDevConsistencyVectors) {
  const auto files = Vectors("consistency");
  ASSERT_GT(files.size(), 50u) << "the vectors are missing from " << VectorDir();
  size_t accepted = 0;
  for (const auto& f : files) {
    json v = Load(f);
    std::vector<Hash> proof;
    bool refused = !Proof(v["proof"], &proof);
    if (!refused) {
      refused = !VerifyConsistency(v["size1"].get<uint64_t>(), v["size2"].get<uint64_t>(), AsHash(v["root1"], "root"),
                                   AsHash(v["root2"], "root"), proof)
                     .ok();
    }
    EXPECT_EQ(refused, v["wantErr"].get<bool>()) << f << ": " << v["desc"];
    accepted += !refused;
  }
  EXPECT_GT(accepted, 4u);
}

}  // namespace
}  // namespace ledger::tlog
