// C2SP signed-note (c2sp.org/signed-note): text signed by one or more keys.
//
//   <text, ending in "\n">
//   "\n"
//   "— " <key name> " " base64(uint32 BE key ID || signature) "\n"   (one or more)
//
// Ed25519 keys (signature type 0x01) have
//   key ID = SHA-256(key name || "\n" || 0x01 || 32-byte public key)[:4]
// and a verifier key text form `<name>+<8 hex key ID>+<base64(0x01 || pubkey)>`,
// the same as Go's golang.org/x/mod/sumdb/note. Private keys are stored in
// that package's form `PRIVATE+KEY+<name>+<8 hex>+<base64(0x01 || seed)>`.
//
// Timestamped Ed25519 cosignatures (type 0x04, c2sp.org/tlog-cosignature)
// are verified by CosignatureVerifier in cosignature.h.
//
// Thread-safe: verifiers and signers are immutable after construction.
#ifndef LEDGER_TLOG_NOTE_H_
#define LEDGER_TLOG_NOTE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"
#include "ledger/crypto/ed25519.h"

namespace ledger::tlog {

// Every signature line starts with U+2014 EM DASH and a space.
inline constexpr std::string_view kSignatureLinePrefix = "\xe2\x80\x94 ";

// Verifiers accept at least this many signatures, as the spec asks for 16.
inline constexpr size_t kMaxNoteSignatures = 100;

struct NoteSignature {
  std::string name;
  uint32_t key_id = 0;
  std::string signature;  // without the 4-byte key ID
  // Non-empty when the line's base64 decodes only leniently (non-zero
  // padding bits, which Go's base64.StdEncoding tolerates): the line as it
  // was written, so FormatNote gives back the same bytes. Such a signature
  // never verifies, whatever its bytes: a signature has one encoding.
  std::string lenient_base64;
};

struct Note {
  std::string text;                     // includes the final newline
  std::vector<NoteSignature> signatures;  // in the order they appear
};

class NoteVerifier {
 public:
  virtual ~NoteVerifier() = default;
  virtual const std::string& name() const = 0;
  virtual uint32_t key_id() const = 0;
  virtual bool Verify(std::string_view text, std::string_view signature) const = 0;
};

class NoteSigner {
 public:
  virtual ~NoteSigner() = default;
  virtual const std::string& name() const = 0;
  virtual uint32_t key_id() const = 0;
  virtual Result<std::string> Sign(std::string_view text) const = 0;
};

// Key names are non-empty and hold no Unicode space and no '+'.
bool IsValidKeyName(std::string_view name);
uint32_t Ed25519KeyId(std::string_view name, std::string_view public_key);

// "<name>+<hex id>+<base64(0x01 || pubkey)>"
std::string FormatVerifierKey(std::string_view name, std::string_view public_key);
Result<std::unique_ptr<NoteVerifier>> ParseVerifierKey(std::string_view vkey);

std::unique_ptr<NoteSigner> NewEd25519NoteSigner(std::string name,
                                                 std::shared_ptr<const crypto::Signer> key);
// "PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>"
std::string FormatSignerKey(std::string_view name, std::string_view seed,
                            std::string_view public_key);
struct ParsedSignerKey {
  std::string name;
  std::shared_ptr<crypto::Ed25519PrivateKey> key;
};
Result<ParsedSignerKey> ParseSignerKey(std::string_view skey);

// Splits and checks the format only; signatures are not verified. Refuses
// (InvalidArgument) what Go's note.Open calls malformed: bad UTF-8, an ASCII
// control character other than newline (U+007F is allowed, as the spec
// allows it), a line that is not "— <name> <base64>", base64 that does not
// decode even leniently, fewer than 5 signature bytes, more than
// kMaxNoteSignatures lines. Lines of any signature type are accepted; the
// type is known only to a verifier whose name and key ID match.
Result<Note> ParseNote(std::string_view message);
// Parses `message`, checks every signature from a known key (name and key ID
// both match) and ignores the rest (unknown keys, other signature types such
// as 0x06 ML-DSA-44 lines, repeated lines of one key). Fails
// (FailedPrecondition) if a known key's signature does not verify, a lenient
// base64 one included, or if none verified. Returns the note with only
// verified signatures, one per key.
Result<Note> OpenNote(std::string_view message,
                      const std::vector<const NoteVerifier*>& known);
// Signs `text` (which must end in "\n") with each signer, in order.
Result<std::string> SignNote(std::string_view text, const std::vector<const NoteSigner*>& signers);
std::string FormatNote(const Note& note);
// Whether `s`, a signature by `v`'s name and key ID, verifies over `text`
// (false for a lenient base64 encoding).
bool VerifiesAs(const NoteVerifier& v, std::string_view text, const NoteSignature& s);

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_NOTE_H_
