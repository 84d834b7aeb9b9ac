#include "ledger/tlog/cosignature.h"

#include <chrono>
#include <cstdio>

#include "ledger/base/bytes.h"
#include "ledger/crypto/base64.h"
#include "ledger/crypto/sha256.h"

namespace ledger::tlog {
namespace {

constexpr std::string_view kSigPrefix = kSignatureLinePrefix;
constexpr uint64_t kMaxTimestamp = (uint64_t{1} << 63) - 1;

std::string PutU64(uint64_t v) { return BigEndian(v, 8); }

uint64_t GetU64(std::string_view b) { return ReadBigEndian(b, 8); }

uint64_t SystemClock() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

}  // namespace

uint32_t CosignatureKeyId(std::string_view name, std::string_view public_key) {
  crypto::Sha256 h;
  h.Update(name);
  h.Update("\n");
  h.Update(&kSigTypeCosignatureV1, 1);
  h.Update(public_key);
  crypto::Hash d = h.Finish();
  return static_cast<uint32_t>(d[0]) << 24 | static_cast<uint32_t>(d[1]) << 16 |
         static_cast<uint32_t>(d[2]) << 8 | static_cast<uint32_t>(d[3]);
}

std::string FormatCosignatureVerifierKey(std::string_view name, std::string_view public_key) {
  std::string typed(1, static_cast<char>(kSigTypeCosignatureV1));
  typed += public_key;
  return std::string(name) + "+" + Hex8(CosignatureKeyId(name, public_key)) + "+" +
         crypto::Base64Encode(typed);
}

// "cosignature/v1\n" "time " <decimal> "\n" <note text>
std::string CosignatureMessage(uint64_t timestamp, std::string_view note_text) {
  std::string m = "cosignature/v1\ntime " + std::to_string(timestamp) + "\n";
  m += note_text;
  return m;
}

CosignatureVerifier::CosignatureVerifier(std::string name, std::string public_key)
    : name_(std::move(name)),
      public_key_(std::move(public_key)),
      key_id_(CosignatureKeyId(name_, public_key_)) {}

bool CosignatureVerifier::Verify(std::string_view text, std::string_view signature) const {
  if (signature.size() != kCosignatureSize) return false;
  uint64_t t = GetU64(signature);
  if (t > kMaxTimestamp) return false;
  return crypto::Ed25519Verify(public_key_, CosignatureMessage(t, text), signature.substr(8));
}

Result<std::unique_ptr<CosignatureVerifier>> ParseCosignatureVerifierKey(std::string_view vkey) {
  while (!vkey.empty() && (vkey.back() == '\n' || vkey.back() == '\r')) vkey.remove_suffix(1);
  size_t p1 = vkey.find('+');
  size_t p2 = p1 == std::string_view::npos ? p1 : vkey.find('+', p1 + 1);
  if (p2 == std::string_view::npos) {
    return InvalidArgument("witness key must be <name>+<hex key id>+<base64 key>, got \"" +
                           std::string(vkey) + "\"");
  }
  std::string_view name = vkey.substr(0, p1), hex = vkey.substr(p1 + 1, p2 - p1 - 1);
  uint32_t id;
  if (!IsValidKeyName(name)) return InvalidArgument("witness key has an invalid key name");
  if (!ParseHex8(hex, &id)) return InvalidArgument("witness key ID is not 8 hex digits");
  auto raw = crypto::Base64Decode(vkey.substr(p2 + 1));
  if (!raw) return InvalidArgument("witness key is not valid base64");
  if (raw->size() != 1 + crypto::kEd25519PublicKeySize ||
      static_cast<uint8_t>((*raw)[0]) != kSigTypeCosignatureV1) {
    return InvalidArgument(
        "witness key is not an Ed25519 cosignature (type 0x04) key; `ledgerctl witness-key` "
        "prints one");
  }
  std::string pub = raw->substr(1);
  if (CosignatureKeyId(name, pub) != id) {
    return InvalidArgument("witness key ID does not match its name and public key");
  }
  return std::make_unique<CosignatureVerifier>(std::string(name), std::move(pub));
}

Result<uint64_t> CosignatureTimestamp(std::string_view signature) {
  if (signature.size() != kCosignatureSize) {
    return InvalidArgument("a cosignature is 72 bytes (timestamp and Ed25519 signature), got " +
                           std::to_string(signature.size()));
  }
  uint64_t t = GetU64(signature);
  if (t > kMaxTimestamp) return InvalidArgument("cosignature timestamp exceeds 2^63 - 1");
  return t;
}

CosignatureSigner::CosignatureSigner(std::string name, std::shared_ptr<const crypto::Signer> key,
                                     std::function<uint64_t()> clock)
    : name_(std::move(name)),
      key_(std::move(key)),
      clock_(clock ? std::move(clock) : SystemClock),
      key_id_(CosignatureKeyId(name_, key_->PublicKey())) {}

Result<std::string> CosignatureSigner::Sign(std::string_view text) const {
  return SignAt(text, clock_());
}

// timestamp[8, BE] || Ed25519(CosignatureMessage(timestamp, text))[64]
Result<std::string> CosignatureSigner::SignAt(std::string_view text, uint64_t timestamp) const {
  if (timestamp > kMaxTimestamp) return InvalidArgument("cosignature timestamp exceeds 2^63 - 1");
  LEDGER_ASSIGN_OR_RETURN(std::string sig, key_->Sign(CosignatureMessage(timestamp, text)));
  return PutU64(timestamp) + sig;
}

Result<std::string> CosignatureLine(const CosignatureSigner& signer, std::string_view note_text,
                                    uint64_t timestamp) {
  if (note_text.empty() || note_text.back() != '\n') {
    return InvalidArgument("note text must end in a newline");
  }
  LEDGER_ASSIGN_OR_RETURN(std::string sig, signer.SignAt(note_text, timestamp));
  std::string id(4, '\0');
  uint32_t k = signer.key_id();
  for (int i = 3; i >= 0; --i, k >>= 8) id[i] = static_cast<char>(k & 0xff);
  return std::string(kSigPrefix) + signer.name() + " " + crypto::Base64Encode(id + sig) + "\n";
}

Result<size_t> CountCosignatures(std::string_view note,
                                 const std::vector<const CosignatureVerifier*>& verifiers) {
  LEDGER_ASSIGN_OR_RETURN(Note parsed, ParseNote(note));
  std::vector<bool> seen(verifiers.size(), false);
  for (const NoteSignature& s : parsed.signatures) {
    for (size_t i = 0; i < verifiers.size(); ++i) {
      const CosignatureVerifier* v = verifiers[i];
      if (v->name() != s.name || v->key_id() != s.key_id) continue;
      if (!VerifiesAs(*v, parsed.text, s)) {
        return Status(Code::kFailedPrecondition,
                      "cosignature by witness " + s.name + " does not verify", "note.cosignature");
      }
      seen[i] = true;
    }
  }
  size_t n = 0;
  for (bool b : seen) n += b;
  return n;
}

}  // namespace ledger::tlog
