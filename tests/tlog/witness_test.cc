// The C2SP tlog-witness add-checkpoint logic: every status the spec names,
// persistence across a restart, the single-process lock, and that concurrent
// submissions never roll the witness back.
#include "ledger/tlog/witness.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "ledger/crypto/base64.h"
#include "ledger/tlog/checkpoint.h"
#include "tests/testing/memory_tree.h"

namespace ledger::tlog {
namespace {

namespace fs = std::filesystem;
constexpr char kOrigin[] = "test.example/ledger";

struct LogKey {
  std::shared_ptr<const crypto::Signer> key;
  std::unique_ptr<NoteSigner> signer;
  std::string vkey;
};

LogKey NewLogKey(const std::string& origin) {
  auto k = crypto::Ed25519PrivateKey::Generate();
  EXPECT_TRUE(k.ok());
  std::shared_ptr<const crypto::Signer> key(std::move(*k));
  return LogKey{key, NewEd25519NoteSigner(origin, key), FormatVerifierKey(origin, key->PublicKey())};
}

class WitnessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/witness-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
    log_ = NewLogKey(kOrigin);
    for (int i = 0; i < 300; ++i) tree_.Append("entry " + std::to_string(i));
    Reopen();
  }
  void TearDown() override {
    witness_.reset();
    fs::remove_all(dir_);
  }
  void Reopen() {
    witness_.reset();
    auto signer = LoadOrCreateWitnessKey(dir_, "witness.example/w1");
    ASSERT_TRUE(signer.ok()) << signer.status().ToString();
    signer_ = *signer;
    std::vector<std::unique_ptr<NoteVerifier>> keys;
    keys.push_back(ParseVerifierKey(log_.vkey).value());
    auto w = Witness::Open(dir_, signer_, std::move(keys));
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    witness_ = std::move(*w);
  }

  Hash Root(uint64_t n) { return *TreeRoot(n, tree_); }
  std::string Checkpoint(uint64_t n, const NoteSigner& s, std::optional<Hash> root = std::nullopt,
                         const std::string& origin = kOrigin) {
    auto note = SignNote(FormatCheckpointBody(CheckpointBody{origin, n, root ? *root : Root(n), {}}), {&s});
    EXPECT_TRUE(note.ok());
    return *note;
  }
  std::string Request(uint64_t old_size, const std::vector<Hash>& proof, const std::string& cp) {
    std::string r = "old " + std::to_string(old_size) + "\n";
    for (const Hash& h : proof) r += crypto::Base64Encode(crypto::AsBytes(h)) + "\n";
    return r + "\n" + cp;
  }
  std::vector<Hash> Proof(uint64_t a, uint64_t b) {
    if (a == 0 || a == b) return {};
    return *ConsistencyProof(a, b, tree_);
  }
  WitnessReply Add(uint64_t old_size, uint64_t n) {
    return witness_->AddCheckpoint(Request(old_size, Proof(old_size, n), Checkpoint(n, *log_.signer)));
  }
  void ExpectCosigned(const WitnessReply& r, uint64_t n) {
    ASSERT_EQ(r.http_status, 200) << r.body;
    auto v = ParseCosignatureVerifierKey(signer_->vkey());
    ASSERT_TRUE(v.ok());
    std::string cosigned = Checkpoint(n, *log_.signer) + r.body;
    auto count = CountCosignatures(cosigned, {v->get()});
    ASSERT_TRUE(count.ok()) << count.status().ToString();
    EXPECT_EQ(*count, 1u);
  }

  std::string dir_;
  LogKey log_;
  testing::MemoryTree tree_;
  std::shared_ptr<CosignatureSigner> signer_;
  std::unique_ptr<Witness> witness_;
};

TEST_F(WitnessTest, CosignsAGrowingLog) {
  ExpectCosigned(Add(0, 10), 10);
  ExpectCosigned(Add(10, 11), 11);
  ExpectCosigned(Add(11, 300), 300);
  ExpectCosigned(Add(300, 300), 300);  // the same tree head again, at a new time
  auto latest = witness_->Latest(kOrigin);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->size, 300u);
  EXPECT_EQ(latest->root, Root(300));
}

TEST_F(WitnessTest, UnknownOriginIs404) {
  LogKey other = NewLogKey("other.example/log");
  auto r = witness_->AddCheckpoint(Request(0, {}, Checkpoint(5, *other.signer, Root(5), "other.example/log")));
  EXPECT_EQ(r.http_status, 404) << r.body;
}

TEST_F(WitnessTest, NoTrustedSignatureIs403) {
  // Signed by another key under the trusted origin's name.
  LogKey impostor = NewLogKey(kOrigin);
  EXPECT_EQ(witness_->AddCheckpoint(Request(0, {}, Checkpoint(5, *impostor.signer))).http_status, 403);
  // The trusted key's signature, but the text was changed after signing.
  std::string cp = Checkpoint(5, *log_.signer);
  cp.replace(cp.find("\n5\n"), 3, "\n6\n");
  EXPECT_EQ(witness_->AddCheckpoint(Request(0, {}, cp)).http_status, 403);
  EXPECT_FALSE(witness_->Latest(kOrigin).ok());
}

TEST_F(WitnessTest, OldAboveNewIs400) {
  ExpectCosigned(Add(0, 20), 20);
  auto r = witness_->AddCheckpoint(Request(20, {}, Checkpoint(10, *log_.signer)));
  EXPECT_EQ(r.http_status, 400) << r.body;
}

TEST_F(WitnessTest, MalformedBodiesAre400) {
  std::string cp = Checkpoint(5, *log_.signer);
  for (const std::string& bad : {
           std::string("old 0\n") + cp,                 // no empty line before the note
           std::string("old 00\n\n") + cp,              // leading zero
           std::string("old -1\n\n") + cp,
           std::string("new 0\n\n") + cp,
           std::string("old 0\nnot-a-hash\n\n") + cp,
           std::string("old 0\n\n") + "not a note",
           std::string("old 0\n\nhello\n\n\xe2\x80\x94 x AAAAAAA=\n"),  // a note, not a checkpoint
       }) {
    EXPECT_EQ(witness_->AddCheckpoint(bad).http_status, 400) << bad;
  }
  std::vector<Hash> many(64, Root(1));
  EXPECT_EQ(witness_->AddCheckpoint(Request(0, many, cp)).http_status, 400);
}

TEST_F(WitnessTest, SizeMismatchIs409WithTheSize) {
  ExpectCosigned(Add(0, 20), 20);
  for (uint64_t old_size : {0, 10, 21}) {
    auto r = witness_->AddCheckpoint(Request(old_size, Proof(old_size ? old_size : 1, 30),
                                             Checkpoint(30, *log_.signer)));
    EXPECT_EQ(r.http_status, 409) << old_size;
    EXPECT_EQ(r.content_type, "text/x.tlog.size");
    EXPECT_EQ(r.body, "20\n");
  }
}

// The current tlog-witness text: same size, another root is a fork, 422 (it
// was 409 with a size body, which told a forking log nothing it did not know).
TEST_F(WitnessTest, SameSizeDifferentRootIs422Fork) {
  ExpectCosigned(Add(0, 20), 20);
  Hash forged = Root(20);
  forged[0] ^= 1;
  auto r = witness_->AddCheckpoint(Request(20, {}, Checkpoint(20, *log_.signer, forged)));
  EXPECT_EQ(r.http_status, 422) << r.body;
  EXPECT_NE(r.body.find("fork"), std::string::npos) << r.body;
  EXPECT_EQ(witness_->Latest(kOrigin)->root, Root(20));
}

// tlog-witness: a checkpoint of size 0 MUST carry the empty tree's root.
TEST_F(WitnessTest, SizeZeroNeedsTheEmptyRoot) {
  Hash bogus = Root(5);
  auto r = witness_->AddCheckpoint(Request(0, {}, Checkpoint(0, *log_.signer, bogus)));
  EXPECT_EQ(r.http_status, 422) << r.body;
  EXPECT_FALSE(witness_->Latest(kOrigin).ok());  // nothing was cosigned or stored
  ExpectCosigned(witness_->AddCheckpoint(Request(0, {}, Checkpoint(0, *log_.signer, EmptyRoot()))), 0);
  EXPECT_EQ(witness_->Latest(kOrigin)->size, 0u);
}

// A log signature whose base64 only decodes leniently is a failed signature:
// 403, not a malformed request (400).
TEST_F(WitnessTest, LenientBase64LogSignatureIs403) {
  std::string cp = Checkpoint(5, *log_.signer);
  // 68 bytes of key ID and signature: one '=' of padding, two padding bits.
  ASSERT_EQ(cp.substr(cp.size() - 2), "=\n");
  const size_t last = cp.size() - 3;
  static constexpr std::string_view kB64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  cp[last] = kB64[kB64.find(cp[last]) | 1];
  auto r = witness_->AddCheckpoint(Request(0, {}, cp));
  EXPECT_EQ(r.http_status, 403) << r.body;
  EXPECT_FALSE(witness_->Latest(kOrigin).ok());
}

// A log that also signs with a key type this witness does not implement
// (0x06 ML-DSA-44): the extra line is ignored, the checkpoint cosigned.
TEST_F(WitnessTest, UnsupportedSignatureTypeLineIsIgnored) {
  std::string mldsa = "\xe2\x80\x94 " + std::string(kOrigin) + " " +
                      crypto::Base64Encode(std::string(4 + 2420, '\x11')) + "\n";
  auto r = witness_->AddCheckpoint(Request(0, {}, Checkpoint(7, *log_.signer) + mldsa));
  ExpectCosigned(r, 7);
}

// GET <prefix>/<hex SHA-256(origin)>/checkpoint: the last cosigned
// checkpoint with the log's verified signature and the witness's own
// cosignature, and nothing a third party added to the request.
TEST_F(WitnessTest, MonitoringEndpointServesTheCosignedCheckpoint) {
  const std::string hash = crypto::ToHex(crypto::Sha256Of(kOrigin));
  EXPECT_EQ(witness_->GetCheckpoint(hash).http_status, 404);  // nothing cosigned yet
  EXPECT_EQ(witness_->GetCheckpoint(std::string(64, '0')).http_status, 404);
  LogKey stranger = NewLogKey("stranger.example");
  std::string cp = Checkpoint(30, *log_.signer);
  auto stranger_line = SignNote(ParseNote(cp)->text, {stranger.signer.get()});
  ASSERT_TRUE(stranger_line.ok());
  cp += stranger_line->substr(stranger_line->rfind("\xe2\x80\x94"));
  auto added = witness_->AddCheckpoint(Request(0, {}, cp));
  ASSERT_EQ(added.http_status, 200) << added.body;

  WitnessReply got = witness_->GetCheckpoint(hash);
  ASSERT_EQ(got.http_status, 200) << got.body;
  auto parsed = ParseNote(got.body);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->signatures.size(), 2u) << got.body;  // the log's and the witness's
  EXPECT_EQ(parsed->signatures[0].name, kOrigin);
  EXPECT_EQ(parsed->signatures[1].name, "witness.example/w1");
  EXPECT_EQ(got.body.find("stranger.example"), std::string::npos);
  auto log_key = ParseVerifierKey(log_.vkey);
  EXPECT_TRUE(OpenNote(got.body, {log_key->get()}).ok());
  auto wv = ParseCosignatureVerifierKey(signer_->vkey());
  EXPECT_EQ(*CountCosignatures(got.body, {wv->get()}), 1u);
  EXPECT_EQ(ParseCheckpointBody(parsed->text)->size, 30u);
}

TEST_F(WitnessTest, BadConsistencyProofIs422) {
  ExpectCosigned(Add(0, 20), 20);
  // A rewritten log: same first 19 entries, a different entry 19, then more.
  testing::MemoryTree rewritten;
  for (int i = 0; i < 19; ++i) rewritten.Append("entry " + std::to_string(i));
  for (int i = 19; i < 40; ++i) rewritten.Append("rewritten " + std::to_string(i));
  Hash root40 = *TreeRoot(40, rewritten);
  auto proof = *ConsistencyProof(20, 40, rewritten);
  auto r = witness_->AddCheckpoint(Request(20, proof, Checkpoint(40, *log_.signer, root40)));
  EXPECT_EQ(r.http_status, 422) << r.body;
  // A mutated honest proof, and a non-empty proof from size 0.
  auto honest = Proof(20, 40);
  honest[0][5] ^= 1;
  EXPECT_EQ(witness_->AddCheckpoint(Request(20, honest, Checkpoint(40, *log_.signer))).http_status, 422);
  EXPECT_EQ(witness_->Latest(kOrigin)->size, 20u);
  ExpectCosigned(Add(20, 40), 40);
}

TEST_F(WitnessTest, StateSurvivesRestartAndTheDirIsLocked) {
  ExpectCosigned(Add(0, 50), 50);
  std::vector<std::unique_ptr<NoteVerifier>> keys;
  keys.push_back(ParseVerifierKey(log_.vkey).value());
  auto second = Witness::Open(dir_, signer_, std::move(keys));
  EXPECT_FALSE(second.ok());
  std::string vkey = signer_->vkey();
  Reopen();
  EXPECT_EQ(signer_->vkey(), vkey);  // the key was kept, not replaced
  EXPECT_EQ(witness_->AddCheckpoint(Request(0, {}, Checkpoint(60, *log_.signer))).body, "50\n");
  ExpectCosigned(Add(50, 60), 60);
  // Asking with another name for the same directory is refused.
  EXPECT_FALSE(LoadOrCreateWitnessKey(dir_, "witness.example/other").ok());
}

TEST_F(WitnessTest, ConcurrentSubmissionsNeverRollBack) {
  ExpectCosigned(Add(0, 1), 1);
  // Many threads race to extend from size 1 to different sizes: exactly one
  // wins; the others get 409 naming the size that won.
  std::vector<std::thread> threads;
  std::vector<WitnessReply> replies(16);
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&, i] { replies[i] = Add(1, 2 + i * 10); });
  }
  for (auto& t : threads) t.join();
  int won = 0;
  uint64_t size = witness_->Latest(kOrigin)->size;
  for (int i = 0; i < 16; ++i) {
    if (replies[i].http_status == 200) {
      ++won;
      EXPECT_EQ(size, 2u + i * 10);
    } else {
      EXPECT_EQ(replies[i].http_status, 409);
      EXPECT_EQ(replies[i].body, std::to_string(size) + "\n");
    }
  }
  EXPECT_EQ(won, 1);
}

}  // namespace
}  // namespace ledger::tlog
