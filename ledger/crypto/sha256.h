// SHA-256 through OpenSSL EVP.
//
// Thread-safe: every function may be called from any thread. The EVP_MD is
// fetched once per process; a Sha256 object owns its own context and is
// thread-compatible (one thread at a time).
#ifndef LEDGER_CRYPTO_SHA256_H_
#define LEDGER_CRYPTO_SHA256_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ledger::crypto {

inline constexpr size_t kHashSize = 32;
using Hash = std::array<uint8_t, kHashSize>;

// Incremental SHA-256.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view data);
  void Update(const uint8_t* data, size_t n);
  // Returns the digest and resets the object for reuse.
  Hash Finish();

 private:
  struct Ctx;
  Ctx* ctx_;
};

// One-shot SHA-256 of `data`.
Hash Sha256Of(std::string_view data);

std::string_view AsBytes(const Hash& h);
std::string ToHex(std::string_view bytes);
inline std::string ToHex(const Hash& h) { return ToHex(AsBytes(h)); }
// Parses exactly 64 lowercase or uppercase hex digits; false otherwise.
bool HashFromHex(std::string_view hex, Hash* out);

}  // namespace ledger::crypto

#endif  // LEDGER_CRYPTO_SHA256_H_
