#include "ledger/crypto/base64.h"

#include <array>
#include <cstdint>

namespace ledger::crypto {
namespace {

constexpr char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> MakeReverse() {
  std::array<int8_t, 256> r{};
  for (auto& v : r) v = -1;
  for (int i = 0; i < 64; ++i) r[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
  return r;
}
constexpr std::array<int8_t, 256> kReverse = MakeReverse();

}  // namespace

std::string Base64Encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  const auto* p = reinterpret_cast<const uint8_t*>(in.data());
  for (; i + 3 <= in.size(); i += 3) {
    uint32_t v = p[i] << 16 | p[i + 1] << 8 | p[i + 2];
    out.push_back(kAlphabet[v >> 18]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  size_t rest = in.size() - i;
  if (rest == 1) {
    uint32_t v = p[i] << 16;
    out.push_back(kAlphabet[v >> 18]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out += "==";
  } else if (rest == 2) {
    uint32_t v = p[i] << 16 | p[i + 1] << 8;
    out.push_back(kAlphabet[v >> 18]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(in.size() / 4 * 3);
  for (size_t i = 0; i < in.size(); i += 4) {
    bool last = i + 4 == in.size();
    int pad = 0;
    if (last) {
      if (in[i + 3] == '=') pad = 1;
      if (pad == 1 && in[i + 2] == '=') pad = 2;
    }
    uint32_t v = 0;
    for (int j = 0; j < 4 - pad; ++j) {
      int8_t d = kReverse[static_cast<uint8_t>(in[i + j])];
      if (d < 0) return std::nullopt;
      v = v << 6 | static_cast<uint32_t>(d);
    }
    if (pad == 0) {
      out.push_back(static_cast<char>(v >> 16));
      out.push_back(static_cast<char>((v >> 8) & 255));
      out.push_back(static_cast<char>(v & 255));
    } else if (pad == 1) {
      if (v & 3) return std::nullopt;  // non-canonical trailing bits
      out.push_back(static_cast<char>(v >> 10));
      out.push_back(static_cast<char>((v >> 2) & 255));
    } else {
      if (v & 15) return std::nullopt;
      out.push_back(static_cast<char>(v >> 4));
    }
  }
  return out;
}

}  // namespace ledger::crypto
