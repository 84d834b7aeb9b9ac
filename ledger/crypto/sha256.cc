#include "ledger/crypto/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>

namespace ledger::crypto {
namespace {

// Fetching the implementation once avoids a provider lookup per hash, which
// costs more than hashing 64 bytes.
const EVP_MD* Md() {
  static const EVP_MD* md = [] {
    EVP_MD* m = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (m == nullptr) std::abort();
    return m;
  }();
  return md;
}

}  // namespace

struct Sha256::Ctx {
  EVP_MD_CTX* c;
};

Sha256::Sha256() : ctx_(new Ctx{EVP_MD_CTX_new()}) {
  if (ctx_->c == nullptr || EVP_DigestInit_ex(ctx_->c, Md(), nullptr) != 1) std::abort();
}

Sha256::~Sha256() {
  EVP_MD_CTX_free(ctx_->c);
  delete ctx_;
}

void Sha256::Update(std::string_view data) {
  Update(reinterpret_cast<const uint8_t*>(data.data()), data.size());
}

void Sha256::Update(const uint8_t* data, size_t n) {
  if (EVP_DigestUpdate(ctx_->c, data, n) != 1) std::abort();
}

Hash Sha256::Finish() {
  Hash out;
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_->c, out.data(), &len) != 1 || len != kHashSize) std::abort();
  if (EVP_DigestInit_ex(ctx_->c, Md(), nullptr) != 1) std::abort();
  return out;
}

Hash Sha256Of(std::string_view data) {
  thread_local Sha256 h;
  h.Update(data);
  return h.Finish();
}

std::string_view AsBytes(const Hash& h) {
  return std::string_view(reinterpret_cast<const char*>(h.data()), h.size());
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool HashFromHex(std::string_view hex, Hash* out) {
  if (hex.size() != 2 * kHashSize) return false;
  for (size_t i = 0; i < kHashSize; ++i) {
    int hi = HexValue(hex[2 * i]), lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*out)[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

}  // namespace ledger::crypto
