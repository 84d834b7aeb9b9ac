// Big-endian integers and fixed-width hex: the byte layouts that signed
// notes, cosignatures and store keys are built from.
#ifndef LEDGER_BASE_BYTES_H_
#define LEDGER_BASE_BYTES_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace ledger {

inline std::string BigEndian(uint64_t v, int bytes) {
  std::string b(static_cast<size_t>(bytes), '\0');
  for (int i = bytes - 1; i >= 0; --i, v >>= 8) b[i] = static_cast<char>(v & 0xff);
  return b;
}

// Reads `bytes` big-endian bytes from the front of `b` (which must hold them).
inline uint64_t ReadBigEndian(std::string_view b, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = v << 8 | static_cast<uint8_t>(b[i]);
  return v;
}

// Eight lowercase hex digits, as signed-note key IDs are written.
inline std::string Hex8(uint32_t v) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(8, '0');
  for (int i = 7; i >= 0; --i, v >>= 4) s[i] = kDigits[v & 15];
  return s;
}

// Exactly eight hex digits, either case (Go's note package parses key IDs
// with strconv.ParseUint(s, 16, 32), which takes both).
inline bool ParseHex8(std::string_view s, uint32_t* out) {
  if (s.size() != 8) return false;
  uint32_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return false;
    }
    v = v << 4 | static_cast<uint32_t>(d);
  }
  *out = v;
  return true;
}

}  // namespace ledger

#endif  // LEDGER_BASE_BYTES_H_
