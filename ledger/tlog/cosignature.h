// C2SP tlog-cosignature (c2sp.org/tlog-cosignature), the Ed25519 type: a
// witness's timestamped statement that a checkpoint is the largest consistent
// tree head it has seen for the log.
//
// A cosignature is a signed-note signature line on the checkpoint:
//
//   "— " <cosigner name> " " base64(key ID[4] || timestamp[8, u64 BE] || Ed25519 sig[64]) "\n"
//
//   key ID  = SHA-256(<name> || "\n" || 0x04 || 32-byte public key)[:4]
//   message = "cosignature/v1\n" "time " <timestamp, decimal, no leading zeros> "\n"
//             <the whole checkpoint note text, final newline included, no signature lines>
//
// The timestamp is POSIX seconds and at most 2^63 - 1. The cosigner's verifier
// key text form is `<name>+<8 hex key ID>+<base64(0x04 || public key)>`. The
// private key is stored in the signed-note signer form of note.h
// (`PRIVATE+KEY+<name>+<hex>+<base64(0x01 || seed)>`, the form Go's
// note.GenerateKey writes and transparency-dev's cosigner accepts).
//
// Thread-safe: verifiers and signers are immutable after construction.
#ifndef LEDGER_TLOG_COSIGNATURE_H_
#define LEDGER_TLOG_COSIGNATURE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/crypto/ed25519.h"
#include "ledger/tlog/note.h"

namespace ledger::tlog {

inline constexpr uint8_t kSigTypeCosignatureV1 = 0x04;
inline constexpr size_t kCosignatureSize = 8 + crypto::kEd25519SignatureSize;

uint32_t CosignatureKeyId(std::string_view name, std::string_view public_key);
// "<name>+<hex id>+<base64(0x04 || pubkey)>"
std::string FormatCosignatureVerifierKey(std::string_view name, std::string_view public_key);

// The exact bytes an Ed25519 cosigner signs (layout above).
std::string CosignatureMessage(uint64_t timestamp, std::string_view note_text);

// A NoteVerifier for one cosigner. Verify(text, sig) takes the signature
// without its key ID (timestamp || Ed25519 signature) and checks it over
// CosignatureMessage; a timestamp above 2^63 - 1 never verifies.
class CosignatureVerifier : public NoteVerifier {
 public:
  CosignatureVerifier(std::string name, std::string public_key);
  const std::string& name() const override { return name_; }
  uint32_t key_id() const override { return key_id_; }
  bool Verify(std::string_view text, std::string_view signature) const override;
  const std::string& public_key() const { return public_key_; }
  std::string vkey() const { return FormatCosignatureVerifierKey(name_, public_key_); }

 private:
  std::string name_, public_key_;
  uint32_t key_id_;
};

// Parses the 0x04 verifier key text form; InvalidArgument naming what is wrong.
Result<std::unique_ptr<CosignatureVerifier>> ParseCosignatureVerifierKey(std::string_view vkey);

// The timestamp carried in a cosignature (signature bytes without key ID).
Result<uint64_t> CosignatureTimestamp(std::string_view signature);

// A NoteSigner that produces cosignatures stamped with `clock()` (POSIX
// seconds; defaults to the system clock).
class CosignatureSigner : public NoteSigner {
 public:
  CosignatureSigner(std::string name, std::shared_ptr<const crypto::Signer> key,
                    std::function<uint64_t()> clock = nullptr);
  const std::string& name() const override { return name_; }
  uint32_t key_id() const override { return key_id_; }
  // Returns timestamp[8] || Ed25519 signature[64].
  Result<std::string> Sign(std::string_view text) const override;
  Result<std::string> SignAt(std::string_view text, uint64_t timestamp) const;
  std::string vkey() const { return FormatCosignatureVerifierKey(name_, key_->PublicKey()); }
  // The current time by this signer's clock, POSIX seconds.
  uint64_t Now() const { return clock_(); }

 private:
  std::string name_;
  std::shared_ptr<const crypto::Signer> key_;
  std::function<uint64_t()> clock_;
  uint32_t key_id_;
};

// The signature line "— <name> <base64(key ID || timestamp || sig)>\n" that
// cosigns `note_text` at `timestamp`.
Result<std::string> CosignatureLine(const CosignatureSigner& signer, std::string_view note_text,
                                    uint64_t timestamp);

// Counts the distinct cosigners in `verifiers` whose cosignature on the
// signed note `note` verifies. Lines from unknown keys are ignored; a line
// from a known key that does not verify is an error (FailedPrecondition), as
// OpenNote does. The log's own signature is not checked here.
Result<size_t> CountCosignatures(std::string_view note,
                                 const std::vector<const CosignatureVerifier*>& verifiers);

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_COSIGNATURE_H_
