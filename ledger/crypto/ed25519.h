// Ed25519 (RFC 8032) through OpenSSL EVP, behind the small Signer interface
// so tests can swap in a fake.
//
// Thread-safety: Ed25519PrivateKey::Sign and Ed25519Verify may be called from
// many threads at once.
#ifndef LEDGER_CRYPTO_ED25519_H_
#define LEDGER_CRYPTO_ED25519_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "ledger/base/status.h"

namespace ledger::crypto {

inline constexpr size_t kEd25519PublicKeySize = 32;
inline constexpr size_t kEd25519SeedSize = 32;
inline constexpr size_t kEd25519SignatureSize = 64;

// Something that signs messages: the log key in production, a fake in tests.
class Signer {
 public:
  virtual ~Signer() = default;
  // Raw public key bytes (32 for Ed25519).
  virtual std::string PublicKey() const = 0;
  virtual Result<std::string> Sign(std::string_view message) const = 0;
};

class Ed25519PrivateKey : public Signer {
 public:
  ~Ed25519PrivateKey() override;
  // Draws a new key from the OS random source.
  static Result<std::unique_ptr<Ed25519PrivateKey>> Generate();
  // The RFC 8032 32-byte private seed.
  static Result<std::unique_ptr<Ed25519PrivateKey>> FromSeed(std::string_view seed);

  std::string PublicKey() const override;
  std::string Seed() const;
  Result<std::string> Sign(std::string_view message) const override;

 private:
  struct Key;
  explicit Ed25519PrivateKey(Key* key);
  Key* key_;
};

// True only when `signature` is a valid Ed25519 signature of `message` by
// `public_key`; any malformed input gives false.
bool Ed25519Verify(std::string_view public_key, std::string_view message,
                   std::string_view signature);

// `n` bytes from the OS random source (OpenSSL's DRBG seeded by getrandom).
// Draws of up to 64 bytes are served from a per-thread pool of 4 KB of DRBG
// output, each byte handed out once and then wiped from the pool; a forked
// child never reuses a pool filled before the fork. Thread-safe.
Result<std::string> RandomBytes(size_t n);

}  // namespace ledger::crypto

#endif  // LEDGER_CRYPTO_ED25519_H_
