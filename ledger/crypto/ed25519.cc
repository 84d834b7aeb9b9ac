#include "ledger/crypto/ed25519.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>

#include <atomic>
#include <cstring>
#include <mutex>

namespace ledger::crypto {

struct Ed25519PrivateKey::Key {
  EVP_PKEY* pkey;
};

Ed25519PrivateKey::Ed25519PrivateKey(Key* key) : key_(key) {}

Ed25519PrivateKey::~Ed25519PrivateKey() {
  EVP_PKEY_free(key_->pkey);
  delete key_;
}

Result<std::unique_ptr<Ed25519PrivateKey>> Ed25519PrivateKey::Generate() {
  LEDGER_ASSIGN_OR_RETURN(std::string seed, RandomBytes(kEd25519SeedSize));
  return FromSeed(seed);
}

Result<std::unique_ptr<Ed25519PrivateKey>> Ed25519PrivateKey::FromSeed(std::string_view seed) {
  if (seed.size() != kEd25519SeedSize) {
    return InvalidArgument("Ed25519 seed must be 32 bytes, got " + std::to_string(seed.size()));
  }
  EVP_PKEY* pkey = EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed.data()), seed.size());
  if (pkey == nullptr) return Internal("OpenSSL refused the Ed25519 seed");
  return std::unique_ptr<Ed25519PrivateKey>(new Ed25519PrivateKey(new Key{pkey}));
}

std::string Ed25519PrivateKey::PublicKey() const {
  std::string out(kEd25519PublicKeySize, '\0');
  size_t len = out.size();
  EVP_PKEY_get_raw_public_key(key_->pkey, reinterpret_cast<unsigned char*>(out.data()), &len);
  out.resize(len);
  return out;
}

std::string Ed25519PrivateKey::Seed() const {
  std::string out(kEd25519SeedSize, '\0');
  size_t len = out.size();
  EVP_PKEY_get_raw_private_key(key_->pkey, reinterpret_cast<unsigned char*>(out.data()), &len);
  out.resize(len);
  return out;
}

Result<std::string> Ed25519PrivateKey::Sign(std::string_view message) const {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) return Internal("EVP_MD_CTX_new failed");
  std::string sig(kEd25519SignatureSize, '\0');
  size_t len = sig.size();
  bool ok = EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key_->pkey) == 1 &&
            EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                           reinterpret_cast<const unsigned char*>(message.data()),
                           message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok || len != kEd25519SignatureSize) return Internal("Ed25519 signing failed");
  return sig;
}

bool Ed25519Verify(std::string_view public_key, std::string_view message,
                   std::string_view signature) {
  if (public_key.size() != kEd25519PublicKeySize || signature.size() != kEd25519SignatureSize) {
    return false;
  }
  EVP_PKEY* pkey = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(public_key.data()),
      public_key.size());
  if (pkey == nullptr) return false;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx != nullptr && EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, pkey) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(),
                             reinterpret_cast<const unsigned char*>(message.data()),
                             message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(pkey);
  return ok;
}

namespace {

// Small draws come from a per-thread pool filled 4 KB at a time: one
// RAND_bytes call costs about 2 us whatever its size (the DRBG's lock and
// fork check), which was 7% of the CPU of recording a donation.
constexpr size_t kPoolBytes = 4096;
constexpr size_t kPooledDraw = 64;  // larger draws go straight to RAND_bytes

struct Pool {
  unsigned char bytes[kPoolBytes];
  size_t used = kPoolBytes;  // empty
  uint64_t generation = 0;
};
thread_local Pool t_pool;

// Bumped in a forked child, so that no pool filled before the fork hands
// the same bytes to both processes.
std::atomic<uint64_t> g_fork_generation{1};
void OnFork() { g_fork_generation.fetch_add(1, std::memory_order_relaxed); }

}  // namespace

Result<std::string> RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > kPooledDraw) {
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
      return Internal("the OS random source failed");
    }
    return out;
  }
  static std::once_flag atfork;
  std::call_once(atfork, [] { pthread_atfork(nullptr, nullptr, OnFork); });
  Pool& p = t_pool;
  const uint64_t generation = g_fork_generation.load(std::memory_order_relaxed);
  if (p.generation != generation || kPoolBytes - p.used < n) {
    if (RAND_bytes(p.bytes, static_cast<int>(kPoolBytes)) != 1) {
      p.used = kPoolBytes;
      return Internal("the OS random source failed");
    }
    p.used = 0;
    p.generation = generation;
  }
  memcpy(out.data(), p.bytes + p.used, n);
  OPENSSL_cleanse(p.bytes + p.used, n);  // handed out once, then gone from the pool
  p.used += n;
  return out;
}

}  // namespace ledger::crypto
