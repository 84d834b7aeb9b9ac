#include "ledger/tlog/note.h"

#include <cstring>
#include <optional>

#include "ledger/base/bytes.h"
#include "ledger/crypto/base64.h"
#include "ledger/crypto/sha256.h"

namespace ledger::tlog {
namespace {

constexpr uint8_t kSigTypeEd25519 = 0x01;
constexpr std::string_view kSigPrefix = kSignatureLinePrefix;
constexpr std::string_view kPrivatePrefix = "PRIVATE+KEY+";

uint32_t BigEndian32(std::string_view b) { return static_cast<uint32_t>(ReadBigEndian(b, 4)); }

std::string PutBigEndian32(uint32_t v) { return BigEndian(v, 4); }

// Valid UTF-8 with no ASCII control character (below U+0020) other than
// '\n'. U+007F is not one: the spec and Go's note.Open allow it.
bool IsCleanUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<uint8_t>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\n') return false;
      ++i;
      continue;
    }
    int n;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) n = 1, cp = c & 0x1f;
    else if ((c & 0xf0) == 0xe0) n = 2, cp = c & 0x0f;
    else if ((c & 0xf8) == 0xf0) n = 3, cp = c & 0x07;
    else return false;
    if (i + n >= s.size()) return false;
    for (int j = 1; j <= n; ++j) {
      auto d = static_cast<uint8_t>(s[i + j]);
      if ((d & 0xc0) != 0x80) return false;
      cp = cp << 6 | (d & 0x3f);
    }
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

// Decodes a signature's base64. Go's note.Open decodes with
// base64.StdEncoding, which tolerates non-zero bits in the last character
// before the padding; such a line is not malformed there, so it is not here
// either, but *lenient is set and the signature never verifies.
std::optional<std::string> DecodeSignature(std::string_view b64, bool* lenient) {
  *lenient = false;
  if (auto raw = crypto::Base64Decode(b64)) return raw;
  if (b64.size() < 4 || b64.size() % 4 != 0 || b64.back() != '=') return std::nullopt;
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const bool two = b64[b64.size() - 2] == '=';
  const size_t last = b64.size() - (two ? 3 : 2);
  const size_t v = kAlphabet.find(b64[last]);
  if (v == std::string_view::npos) return std::nullopt;
  std::string canonical(b64);
  canonical[last] = kAlphabet[v & (two ? ~size_t{15} : ~size_t{3})];
  auto raw = crypto::Base64Decode(canonical);
  if (raw) *lenient = true;
  return raw;
}

class Ed25519Verifier : public NoteVerifier {
 public:
  Ed25519Verifier(std::string name, std::string public_key)
      : name_(std::move(name)),
        public_key_(std::move(public_key)),
        key_id_(Ed25519KeyId(name_, public_key_)) {}
  const std::string& name() const override { return name_; }
  uint32_t key_id() const override { return key_id_; }
  bool Verify(std::string_view text, std::string_view sig) const override {
    return crypto::Ed25519Verify(public_key_, text, sig);
  }

 private:
  std::string name_, public_key_;
  uint32_t key_id_;
};

class Ed25519NoteSigner : public NoteSigner {
 public:
  Ed25519NoteSigner(std::string name, std::shared_ptr<const crypto::Signer> key)
      : name_(std::move(name)), key_(std::move(key)), key_id_(Ed25519KeyId(name_, key_->PublicKey())) {}
  const std::string& name() const override { return name_; }
  uint32_t key_id() const override { return key_id_; }
  Result<std::string> Sign(std::string_view text) const override { return key_->Sign(text); }

 private:
  std::string name_;
  std::shared_ptr<const crypto::Signer> key_;
  uint32_t key_id_;
};

}  // namespace

bool IsValidKeyName(std::string_view name) {
  if (name.empty() || !IsCleanUtf8(name)) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '+' || c == ' ' || c == '\n' || c == '\t') return false;
    // U+0085, U+00A0 (C2 85 / C2 A0); U+1680; U+2000..U+200A, U+2028, U+2029,
    // U+202F, U+205F; U+3000.
    std::string_view rest = name.substr(i);
    if (rest.starts_with("\xc2\x85") || rest.starts_with("\xc2\xa0") ||
        rest.starts_with("\xe1\x9a\x80") || rest.starts_with("\xe3\x80\x80")) {
      return false;
    }
    if (rest.size() >= 3 && rest[0] == '\xe2' && rest[1] == '\x80') {
      auto t = static_cast<uint8_t>(rest[2]);
      if ((t >= 0x80 && t <= 0x8a) || t == 0xa8 || t == 0xa9 || t == 0xaf) return false;
    }
    if (rest.starts_with("\xe2\x81\x9f")) return false;
  }
  return true;
}

uint32_t Ed25519KeyId(std::string_view name, std::string_view public_key) {
  crypto::Sha256 h;
  h.Update(name);
  h.Update("\n");
  h.Update(&kSigTypeEd25519, 1);
  h.Update(public_key);
  crypto::Hash d = h.Finish();
  return BigEndian32(crypto::AsBytes(d));
}

std::string FormatVerifierKey(std::string_view name, std::string_view public_key) {
  std::string typed(1, static_cast<char>(kSigTypeEd25519));
  typed += public_key;
  return std::string(name) + "+" + Hex8(Ed25519KeyId(name, public_key)) + "+" +
         crypto::Base64Encode(typed);
}

Result<std::unique_ptr<NoteVerifier>> ParseVerifierKey(std::string_view vkey) {
  size_t p1 = vkey.find('+');
  size_t p2 = p1 == std::string_view::npos ? p1 : vkey.find('+', p1 + 1);
  if (p2 == std::string_view::npos) {
    return InvalidArgument("verifier key must be <name>+<hex key id>+<base64 key>");
  }
  std::string_view name = vkey.substr(0, p1), hex = vkey.substr(p1 + 1, p2 - p1 - 1),
                   b64 = vkey.substr(p2 + 1);
  uint32_t id;
  if (!IsValidKeyName(name)) return InvalidArgument("verifier key has an invalid key name");
  if (!ParseHex8(hex, &id)) return InvalidArgument("verifier key ID is not 8 hex digits");
  auto raw = crypto::Base64Decode(b64);
  if (!raw) return InvalidArgument("verifier key is not valid base64");
  if (raw->size() != 1 + crypto::kEd25519PublicKeySize ||
      static_cast<uint8_t>((*raw)[0]) != kSigTypeEd25519) {
    return InvalidArgument("verifier key is not an Ed25519 (type 0x01) key");
  }
  std::string pub = raw->substr(1);
  if (Ed25519KeyId(name, pub) != id) {
    return InvalidArgument("verifier key ID does not match its name and public key");
  }
  return std::unique_ptr<NoteVerifier>(new Ed25519Verifier(std::string(name), pub));
}

std::unique_ptr<NoteSigner> NewEd25519NoteSigner(std::string name,
                                                 std::shared_ptr<const crypto::Signer> key) {
  return std::make_unique<Ed25519NoteSigner>(std::move(name), std::move(key));
}

std::string FormatSignerKey(std::string_view name, std::string_view seed,
                            std::string_view public_key) {
  std::string typed(1, static_cast<char>(kSigTypeEd25519));
  typed += seed;
  return std::string(kPrivatePrefix) + std::string(name) + "+" +
         Hex8(Ed25519KeyId(name, public_key)) + "+" + crypto::Base64Encode(typed);
}

Result<ParsedSignerKey> ParseSignerKey(std::string_view skey) {
  while (!skey.empty() && (skey.back() == '\n' || skey.back() == '\r')) skey.remove_suffix(1);
  if (!skey.starts_with(kPrivatePrefix)) return InvalidArgument("signer key must start with PRIVATE+KEY+");
  skey.remove_prefix(kPrivatePrefix.size());
  size_t p1 = skey.find('+');
  size_t p2 = p1 == std::string_view::npos ? p1 : skey.find('+', p1 + 1);
  if (p2 == std::string_view::npos) return InvalidArgument("signer key is malformed");
  std::string_view name = skey.substr(0, p1), hex = skey.substr(p1 + 1, p2 - p1 - 1);
  auto raw = crypto::Base64Decode(skey.substr(p2 + 1));
  uint32_t id;
  if (!IsValidKeyName(name) || !ParseHex8(hex, &id) || !raw ||
      raw->size() != 1 + crypto::kEd25519SeedSize ||
      static_cast<uint8_t>((*raw)[0]) != kSigTypeEd25519) {
    return InvalidArgument("signer key is malformed");
  }
  LEDGER_ASSIGN_OR_RETURN(auto key, crypto::Ed25519PrivateKey::FromSeed(raw->substr(1)));
  if (Ed25519KeyId(name, key->PublicKey()) != id) {
    return InvalidArgument("signer key ID does not match its key");
  }
  return ParsedSignerKey{std::string(name), std::shared_ptr<crypto::Ed25519PrivateKey>(std::move(key))};
}

Result<Note> ParseNote(std::string_view msg) {
  if (!IsCleanUtf8(msg)) {
    return InvalidArgument("signed note is not UTF-8 or holds a control character");
  }
  if (!msg.ends_with("\n")) return InvalidArgument("signed note does not end in a newline");
  // The text ends at the last blank line.
  size_t split = msg.rfind("\n\n");
  if (split == std::string_view::npos) return InvalidArgument("signed note has no signature block");
  Note note;
  note.text = std::string(msg.substr(0, split + 1));
  std::string_view sigs = msg.substr(split + 2);
  if (sigs.empty()) return InvalidArgument("signed note has no signatures");
  while (!sigs.empty()) {
    size_t nl = sigs.find('\n');
    std::string_view line = sigs.substr(0, nl);
    sigs.remove_prefix(nl + 1);
    if (!line.starts_with(kSigPrefix)) {
      return InvalidArgument("signature line does not start with an em dash and a space");
    }
    line.remove_prefix(kSigPrefix.size());
    size_t sp = line.find(' ');
    if (sp == std::string_view::npos) return InvalidArgument("signature line has no signature");
    std::string_view name = line.substr(0, sp);
    if (!IsValidKeyName(name)) return InvalidArgument("signature line has an invalid key name");
    const std::string_view b64 = line.substr(sp + 1);
    bool lenient;
    auto raw = DecodeSignature(b64, &lenient);
    if (!raw || raw->size() < 5) return InvalidArgument("signature is not base64 of a key ID and signature");
    if (note.signatures.size() == kMaxNoteSignatures) {
      return InvalidArgument("signed note has more than " + std::to_string(kMaxNoteSignatures) +
                             " signatures");
    }
    note.signatures.push_back(NoteSignature{std::string(name), BigEndian32(*raw), raw->substr(4),
                                            lenient ? std::string(b64) : std::string()});
  }
  return note;
}

Result<Note> OpenNote(std::string_view msg, const std::vector<const NoteVerifier*>& known) {
  LEDGER_ASSIGN_OR_RETURN(Note note, ParseNote(msg));
  Note verified;
  verified.text = note.text;
  std::vector<bool> seen(known.size(), false);
  for (const NoteSignature& s : note.signatures) {
    for (size_t i = 0; i < known.size(); ++i) {
      const NoteVerifier* v = known[i];
      if (v->name() != s.name || v->key_id() != s.key_id) continue;
      if (!VerifiesAs(*v, note.text, s)) {
        return Status(Code::kFailedPrecondition,
                      "signature by " + s.name + " does not verify" +
                          (s.lenient_base64.empty() ? "" : " (its base64 is not canonical)"),
                      "note.signature");
      }
      if (!seen[i]) verified.signatures.push_back(s);
      seen[i] = true;
    }
  }
  if (verified.signatures.empty()) {
    return Status(Code::kFailedPrecondition, "no signature by a known key", "note.signature");
  }
  return verified;
}

bool VerifiesAs(const NoteVerifier& v, std::string_view text, const NoteSignature& s) {
  return s.lenient_base64.empty() && v.name() == s.name && v.key_id() == s.key_id &&
         v.Verify(text, s.signature);
}

std::string FormatNote(const Note& note) {
  std::string out = note.text;
  out += "\n";
  for (const NoteSignature& s : note.signatures) {
    out += kSigPrefix;
    out += s.name;
    out += " ";
    out += s.lenient_base64.empty() ? crypto::Base64Encode(PutBigEndian32(s.key_id) + s.signature)
                                    : s.lenient_base64;
    out += "\n";
  }
  return out;
}

Result<std::string> SignNote(std::string_view text, const std::vector<const NoteSigner*>& signers) {
  if (text.empty() || !text.ends_with("\n")) return InvalidArgument("note text must end in a newline");
  if (!IsCleanUtf8(text)) return InvalidArgument("note text is not clean UTF-8");
  Note note;
  note.text = std::string(text);
  for (const NoteSigner* s : signers) {
    if (!IsValidKeyName(s->name())) return InvalidArgument("invalid signer key name");
    LEDGER_ASSIGN_OR_RETURN(std::string sig, s->Sign(text));
    note.signatures.push_back(NoteSignature{s->name(), s->key_id(), std::move(sig)});
  }
  return FormatNote(note);
}

}  // namespace ledger::tlog
