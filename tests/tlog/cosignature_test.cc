// C2SP tlog-cosignature (Ed25519, type 0x04): known answers computed outside
// this project, round trips, and every way a cosignature can be wrong.
#include "ledger/tlog/cosignature.h"

#include <gtest/gtest.h>

#include "ledger/crypto/base64.h"

namespace ledger::tlog {
namespace {

// Computed with Python's `cryptography` package (not this project's code):
// seed = bytes(range(32)), name "witness.example/w1", time 1679315147, over
// the checkpoint of the spec's example. Ed25519 is deterministic, so signing
// again must give these bytes exactly.
constexpr char kSeedHex[] = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr char kName[] = "witness.example/w1";
constexpr char kVkey[] = "witness.example/w1+e75f6532+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4";
constexpr uint64_t kTime = 1679315147;
constexpr char kText[] =
    "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
constexpr char kLine[] =
    "\xe2\x80\x94 witness.example/w1 "
    "519lMgAAAABkGFDLBuRDazBLVac2NE+Y+IjbjQOcXLfF9CSDZVUIoS83rE1nFZsVE8YiWV6Ngr7lV8H6bdoBQGP/"
    "l73euDMQ9k+bBQ==\n";

// A published native 0x04 witness key (transparency-dev/formats note tests).
constexpr char kPublishedVkey[] = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2";

std::string Seed() {
  std::string s;
  for (int i = 0; i < 32; ++i) s.push_back(static_cast<char>(i));
  return s;
}

std::shared_ptr<CosignatureSigner> KnownSigner() {
  auto key = crypto::Ed25519PrivateKey::FromSeed(Seed());
  EXPECT_TRUE(key.ok());
  return std::make_shared<CosignatureSigner>(kName, std::shared_ptr<const crypto::Signer>(std::move(*key)),
                                             [] { return kTime; });
}

TEST(Cosignature, MessageLayout) {
  EXPECT_EQ(CosignatureMessage(kTime, kText),
            "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n"
            "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");
  EXPECT_EQ(CosignatureMessage(0, "a\n"), "cosignature/v1\ntime 0\na\n");
  (void)kSeedHex;
}

TEST(Cosignature, KnownAnswerSign) {
  auto signer = KnownSigner();
  EXPECT_EQ(signer->vkey(), kVkey);
  auto line = CosignatureLine(*signer, kText, kTime);
  ASSERT_TRUE(line.ok()) << line.status().ToString();
  EXPECT_EQ(*line, kLine);
}

TEST(Cosignature, KnownAnswerVerify) {
  auto v = ParseCosignatureVerifierKey(kVkey);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ((*v)->key_id(), 0xe75f6532u);
  std::string note = std::string(kText) + "\n" + kLine;
  auto n = CountCosignatures(note, {v->get()});
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 1u);
  auto parsed = ParseNote(note);
  ASSERT_TRUE(parsed.ok());
  auto t = CosignatureTimestamp(parsed->signatures[0].signature);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, kTime);
  // OpenNote accepts it too: the verifier is a plain NoteVerifier.
  EXPECT_TRUE(OpenNote(note, {v->get()}).ok());
}

TEST(Cosignature, PublishedKeyParsesAndKeyIdIsDerived) {
  auto v = ParseCosignatureVerifierKey(kPublishedVkey);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ((*v)->name(), "remora.n621.de");
  EXPECT_EQ((*v)->key_id(), 0xda77ade7u);
  EXPECT_EQ((*v)->vkey(), kPublishedVkey);
}

TEST(Cosignature, BadKeysAreRefused) {
  for (const char* bad : {
           "",
           "witness.example/w1+e75f6532",
           "witness.example/w1+E75F653G+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4",  // not hex
           "witness.example/w1+00000000+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4",  // wrong ID
           "witness.example/w2+e75f6532+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4",  // other name
           "witness.example/w1+e75f6532+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4",  // type 0x01
           "witness.example/w1+e75f6532+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVT==",  // short
           "witness.example/w1+e75f6532+not*base64",
       }) {
    EXPECT_FALSE(ParseCosignatureVerifierKey(bad).ok()) << bad;
  }
}

// Uppercase hex names the same key ID (Go's note package reads both cases).
TEST(Cosignature, UppercaseKeyIdIsTheSameKey) {
  auto v = ParseCosignatureVerifierKey("witness.example/w1+E75F6532+BAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ((*v)->vkey(), kVkey);
}

TEST(Cosignature, TamperingIsDetected) {
  auto signer = KnownSigner();
  auto v = ParseCosignatureVerifierKey(kVkey);
  ASSERT_TRUE(v.ok());
  auto sig = signer->SignAt(kText, kTime);
  ASSERT_TRUE(sig.ok());
  ASSERT_EQ(sig->size(), kCosignatureSize);
  EXPECT_TRUE((*v)->Verify(kText, *sig));
  // Another text (a different root), another time, a flipped signature bit,
  // a truncated signature: none verifies.
  std::string other = kText;
  other[other.size() - 3] = 'A';
  EXPECT_FALSE((*v)->Verify(other, *sig));
  std::string later = *sig;
  later[7] ^= 1;
  EXPECT_FALSE((*v)->Verify(kText, later));
  std::string flipped = *sig;
  flipped[20] ^= 0x40;
  EXPECT_FALSE((*v)->Verify(kText, flipped));
  EXPECT_FALSE((*v)->Verify(kText, sig->substr(0, 71)));
  // A timestamp above 2^63 - 1 is refused when signing and when verifying.
  EXPECT_FALSE(signer->SignAt(kText, uint64_t{1} << 63).ok());
  std::string high = *sig;
  high[0] = static_cast<char>(0x80);
  EXPECT_FALSE((*v)->Verify(kText, high));
  EXPECT_FALSE(CosignatureTimestamp(high).ok());
}

TEST(Cosignature, CountIgnoresUnknownAndFailsOnBadKnown) {
  auto signer = KnownSigner();
  auto other_key = crypto::Ed25519PrivateKey::Generate();
  ASSERT_TRUE(other_key.ok());
  CosignatureSigner other("witness.example/w2", std::shared_ptr<const crypto::Signer>(std::move(*other_key)));
  auto v1 = ParseCosignatureVerifierKey(signer->vkey());
  auto v2 = ParseCosignatureVerifierKey(other.vkey());
  ASSERT_TRUE(v1.ok() && v2.ok());
  std::string note = std::string(kText) + "\n" + *CosignatureLine(*signer, kText, kTime);
  EXPECT_EQ(*CountCosignatures(note, {v2->get()}), 0u);
  note += *CosignatureLine(other, kText, 5);
  EXPECT_EQ(*CountCosignatures(note, {v1->get(), v2->get()}), 2u);
  // A repeated line from one witness counts once.
  note += *CosignatureLine(other, kText, 6);
  EXPECT_EQ(*CountCosignatures(note, {v1->get(), v2->get()}), 2u);
  // A line by a known key over another text is an error, not a skip.
  std::string bad = std::string(kText) + "\n" + *CosignatureLine(*signer, "other\n1\nAAAA\n", kTime);
  auto n = CountCosignatures(bad, {v1->get()});
  EXPECT_FALSE(n.ok());
  // An Ed25519 (0x01) note signature by the same key does not pass as a cosignature.
  auto key = crypto::Ed25519PrivateKey::FromSeed(Seed());
  auto plain = NewEd25519NoteSigner(kName, std::shared_ptr<const crypto::Signer>(std::move(*key)));
  auto signed_plain = SignNote(kText, {plain.get()});
  ASSERT_TRUE(signed_plain.ok());
  EXPECT_EQ(*CountCosignatures(*signed_plain, {v1->get()}), 0u);
}

}  // namespace
}  // namespace ledger::tlog
