// C2SP signed-note: the Go sumdb/note known answer, and every way a note can
// be wrong.
#include <gtest/gtest.h>

#include "ledger/crypto/base64.h"
#include "ledger/tlog/note.h"

namespace ledger::tlog {
namespace {

// The example of golang.org/x/mod/sumdb/note. Ed25519 is deterministic, so
// signing the text with the private key must reproduce the note byte for byte.
constexpr char kGoSignerKey[] = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr char kGoVerifierKey[] = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr char kGoText[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
constexpr char kGoNote[] =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
    "\n"
    "\xe2\x80\x94 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

struct Key {
  std::unique_ptr<NoteSigner> signer;
  std::unique_ptr<NoteVerifier> verifier;
};

Key NewKey(const std::string& name) {
  auto priv = crypto::Ed25519PrivateKey::Generate();
  EXPECT_TRUE(priv.ok());
  std::shared_ptr<const crypto::Signer> k(std::move(*priv));
  auto v = ParseVerifierKey(FormatVerifierKey(name, k->PublicKey()));
  EXPECT_TRUE(v.ok());
  return Key{NewEd25519NoteSigner(name, k), std::move(*v)};
}

TEST(Note, GoKnownAnswerSignAndVerify) {
  auto parsed = ParseSignerKey(kGoSignerKey);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(FormatVerifierKey(parsed->name, parsed->key->PublicKey()), kGoVerifierKey);
  EXPECT_EQ(FormatSignerKey(parsed->name, parsed->key->Seed(), parsed->key->PublicKey()), kGoSignerKey);
  auto signer = NewEd25519NoteSigner(parsed->name, parsed->key);
  EXPECT_EQ(signer->key_id(), 0xc74f20a3u);
  auto msg = SignNote(kGoText, {signer.get()});
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(*msg, kGoNote);

  auto verifier = ParseVerifierKey(kGoVerifierKey);
  ASSERT_TRUE(verifier.ok());
  auto note = OpenNote(kGoNote, {verifier->get()});
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  EXPECT_EQ(note->text, kGoText);
  ASSERT_EQ(note->signatures.size(), 1u);
  EXPECT_EQ(note->signatures[0].name, "PeterNeumann");
}

TEST(Note, BadSignatureRejected) {
  auto verifier = ParseVerifierKey(kGoVerifierKey);
  std::string tampered = kGoNote;
  tampered.replace(tampered.find("cryptography"), 12, "cryptographY");
  auto note = OpenNote(tampered, {verifier->get()});
  EXPECT_FALSE(note.ok());
  EXPECT_NE(note.status().message().find("does not verify"), std::string::npos);
}

TEST(Note, UnknownKeyIgnoredButSomeKnownKeyRequired) {
  Key a = NewKey("a.example/log"), b = NewKey("b.example/witness");
  auto msg = SignNote("hello\n", {a.signer.get(), b.signer.get()});
  ASSERT_TRUE(msg.ok());
  // Only b known: a's signature is ignored, b's verifies.
  auto note = OpenNote(*msg, {b.verifier.get()});
  ASSERT_TRUE(note.ok());
  ASSERT_EQ(note->signatures.size(), 1u);
  EXPECT_EQ(note->signatures[0].name, "b.example/witness");
  // No known key at all: rejected.
  Key c = NewKey("c.example");
  EXPECT_FALSE(OpenNote(*msg, {c.verifier.get()}).ok());
}

TEST(Note, SameNameDifferentKeyIsUnknownNotForged) {
  Key real = NewKey("log.example"), other = NewKey("log.example");
  auto msg = SignNote("text\n", {other.signer.get()});
  ASSERT_TRUE(msg.ok());
  // Same name, different key ID: an unknown key, so no known signature.
  auto note = OpenNote(*msg, {real.verifier.get()});
  ASSERT_FALSE(note.ok());
  EXPECT_NE(note.status().message().find("no signature by a known key"), std::string::npos);
}

TEST(Note, WrongKeyIdInSignatureLine) {
  Key a = NewKey("a.example");
  auto msg = SignNote("text\n", {a.signer.get()});
  ASSERT_TRUE(msg.ok());
  auto parsed = ParseNote(*msg);
  ASSERT_TRUE(parsed.ok());
  parsed->signatures[0].key_id ^= 1;
  EXPECT_FALSE(OpenNote(FormatNote(*parsed), {a.verifier.get()}).ok());
}

TEST(Note, MissingFinalNewlineAndOtherMalformations) {
  std::string good = kGoNote;
  EXPECT_FALSE(ParseNote(good.substr(0, good.size() - 1)).ok());  // no final newline
  EXPECT_FALSE(ParseNote("no signatures\n").ok());
  EXPECT_FALSE(ParseNote("text\n\n").ok());
  EXPECT_FALSE(ParseNote("text\n\n- PeterNeumann x08go/ZJkuBS9UG==\n").ok());  // ASCII dash
  EXPECT_FALSE(ParseNote("text\n\n\xe2\x80\x94 PeterNeumann !!!!\n").ok());     // not base64
  EXPECT_FALSE(ParseNote("te\x01xt\n\n\xe2\x80\x94 a AAAAAAA=\n").ok());       // control char
  EXPECT_FALSE(ParseNote("te\xffxt\n\n\xe2\x80\x94 a AAAAAAA=\n").ok());       // bad UTF-8
  EXPECT_FALSE(ParseNote("text\n\n\xe2\x80\x94 a+b AAAAAAA=\n").ok());          // '+' in name
  EXPECT_TRUE(ParseNote("text\n\n\xe2\x80\x94 a AAAAAAA=\n").ok());
}

TEST(Note, ManySignatures) {
  std::vector<Key> keys;
  std::vector<const NoteSigner*> signers;
  for (int i = 0; i < 20; ++i) {
    keys.push_back(NewKey("witness" + std::to_string(i) + ".example"));
    signers.push_back(keys.back().signer.get());
  }
  auto msg = SignNote("checkpoint\n", signers);
  ASSERT_TRUE(msg.ok());
  std::vector<const NoteVerifier*> known;
  for (auto& k : keys) known.push_back(k.verifier.get());
  auto note = OpenNote(*msg, known);
  ASSERT_TRUE(note.ok());
  EXPECT_EQ(note->signatures.size(), 20u);

  // Past the limit the note is refused rather than verified without bound.
  Note big;
  big.text = "x\n";
  for (size_t i = 0; i <= kMaxNoteSignatures; ++i) big.signatures.push_back({"k", 1, "sig"});
  EXPECT_FALSE(ParseNote(FormatNote(big)).ok());
}

TEST(Note, VerifierKeyParsing) {
  EXPECT_TRUE(ParseVerifierKey(kGoVerifierKey).ok());
  std::string k = kGoVerifierKey;
  EXPECT_FALSE(ParseVerifierKey("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").ok());
  EXPECT_FALSE(ParseVerifierKey(k.substr(0, k.size() - 4)).ok());
  EXPECT_FALSE(ParseVerifierKey("PeterNeumann").ok());
  EXPECT_FALSE(ParseVerifierKey("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").ok());
}

// Go's note.NewVerifier parses the key ID with strconv.ParseUint(s, 16, 32),
// so a key written with uppercase hex is the same key.
TEST(Note, UppercaseKeyIdInVerifierKey) {
  auto upper = ParseVerifierKey("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW");
  ASSERT_TRUE(upper.ok()) << upper.status().ToString();
  EXPECT_EQ((*upper)->key_id(), 0xc74f20a3u);
  EXPECT_TRUE(OpenNote(kGoNote, {upper->get()}).ok());
  EXPECT_FALSE(ParseVerifierKey("PeterNeumann+C74F20AG+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").ok());
}

// c2sp.org/signed-note forbids the ASCII control characters below U+0020
// other than newline; U+007F is not one of them (nor is it for Go).
TEST(Note, DeleteCharacterIsAllowed) {
  Key a = NewKey("a.example");
  auto msg = SignNote("rub\x7fout\n", {a.signer.get()});
  ASSERT_TRUE(msg.ok()) << msg.status().ToString();
  auto note = OpenNote(*msg, {a.verifier.get()});
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  EXPECT_EQ(note->text, "rub\x7fout\n");
  EXPECT_FALSE(ParseNote("te\x1fxt\n\n\xe2\x80\x94 a AAAAAAA=\n").ok());
}

// The Go example's signature ends in "AM=": 'M' carries two padding bits,
// both zero. 'N' sets one. Go's base64.StdEncoding still decodes it, so the
// note is well formed, but the signature is a failed one here: a signature
// has one encoding, and a verifier that accepted both would let anyone mint
// a second, different-looking copy of every signed note.
TEST(Note, LenientBase64SignatureIsAFailedSignatureNotAMalformedNote) {
  std::string lenient = kGoNote;
  const size_t at = lenient.rfind("AM=\n");
  ASSERT_NE(at, std::string::npos);
  lenient[at + 1] = 'N';
  auto parsed = ParseNote(lenient);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_EQ(parsed->signatures.size(), 1u);
  EXPECT_FALSE(parsed->signatures[0].lenient_base64.empty());
  EXPECT_EQ(FormatNote(*parsed), lenient);  // the line is kept as written

  auto verifier = ParseVerifierKey(kGoVerifierKey);
  ASSERT_TRUE(verifier.ok());
  auto opened = OpenNote(lenient, {verifier->get()});
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Code::kFailedPrecondition);
  EXPECT_NE(opened.status().message().find("does not verify"), std::string::npos);
  // The same bytes canonically encoded verify.
  EXPECT_TRUE(OpenNote(kGoNote, {verifier->get()}).ok());
  // Base64 that does not decode even leniently is still a malformed note.
  std::string broken = kGoNote;
  broken[broken.rfind("AM=\n")] = '*';
  EXPECT_EQ(ParseNote(broken).status().code(), Code::kInvalidArgument);
}

// A line of a signature type this project does not implement (0x06,
// ML-DSA-44, as witnesses that sign with both keys send) is a line by an
// unknown key: ignored, never an error.
TEST(Note, UnsupportedSignatureTypeLineIsIgnored) {
  Key a = NewKey("a.example/log");
  auto msg = SignNote("text\n", {a.signer.get()});
  ASSERT_TRUE(msg.ok());
  std::string mldsa(4 + 2420, '\x5a');  // key ID then a 2,420-byte ML-DSA-44 signature
  const std::string with = *msg + "\xe2\x80\x94 a.example/log " + crypto::Base64Encode(mldsa) + "\n";
  auto note = OpenNote(with, {a.verifier.get()});
  ASSERT_TRUE(note.ok()) << note.status().ToString();
  EXPECT_EQ(note->signatures.size(), 1u);
}

}  // namespace
}  // namespace ledger::tlog
