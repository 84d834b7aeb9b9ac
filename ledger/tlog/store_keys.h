// The RocksDB key layout of a log (documented in docs/format.md). Internal to
// ledger/tlog. All integers are big-endian so keys sort in numeric order.
//
//   'M' <name>                      -> meta value (origin, vkey, size, format)
//   'E' <u64 seq>                   -> entry bytes
//   'T' <u8 tile level> <u64 index> -> C2SP hash tile: W x 32-byte hashes of
//                                      tree level 8*L, indices 256*index..
//   'C' <u64 tree size>             -> <i64 unix ms> <signed checkpoint note>
//   'C' <u64 tree size> <u32 v>     -> the same, version v >= 1: the note
//                                      with cosignatures added after it was
//                                      published (keys sort by size, then v)
//   'D' <domain key>                -> domain-defined derived state
//   'I' <idempotency key>           -> <u64 seq> <request hash[32]> <payload>
#ifndef LEDGER_TLOG_STORE_KEYS_H_
#define LEDGER_TLOG_STORE_KEYS_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace ledger::tlog::keys {

inline constexpr char kMeta = 'M';
inline constexpr char kEntry = 'E';
inline constexpr char kTile = 'T';
inline constexpr char kCheckpoint = 'C';
inline constexpr char kDerived = 'D';
inline constexpr char kIdempotency = 'I';

inline constexpr std::string_view kMetaOrigin = "Morigin";
inline constexpr std::string_view kMetaVerifierKey = "Mvkey";
inline constexpr std::string_view kMetaSize = "Msize";
inline constexpr std::string_view kMetaFormat = "Mformat";
inline constexpr std::string_view kFormatVersion = "1";

inline void PutU64(std::string* s, uint64_t v) {
  for (int i = 7; i >= 0; --i) s->push_back(static_cast<char>(v >> (8 * i)));
}
inline uint64_t GetU64(std::string_view s) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | static_cast<uint8_t>(s[i]);
  return v;
}

inline std::string EntryKey(uint64_t seq) {
  std::string k(1, kEntry);
  PutU64(&k, seq);
  return k;
}
inline std::string TileKey(int level, uint64_t index) {
  std::string k(1, kTile);
  k.push_back(static_cast<char>(level));
  PutU64(&k, index);
  return k;
}
inline std::string CheckpointKey(uint64_t size, uint32_t version = 0) {
  std::string k(1, kCheckpoint);
  PutU64(&k, size);
  if (version > 0) {
    for (int i = 3; i >= 0; --i) k.push_back(static_cast<char>(version >> (8 * i)));
  }
  return k;
}
// Parses a 'C' key; false if `key` is not one.
inline bool ParseCheckpointKey(std::string_view key, uint64_t* size, uint32_t* version) {
  if ((key.size() != 9 && key.size() != 13) || key[0] != kCheckpoint) return false;
  *size = GetU64(key.substr(1));
  *version = 0;
  for (size_t i = 9; i < key.size(); ++i) *version = *version << 8 | static_cast<uint8_t>(key[i]);
  return key.size() == 9 || *version > 0;
}
inline std::string DerivedKey(std::string_view key) { return std::string(1, kDerived) + std::string(key); }
inline std::string IdempotencyKey(std::string_view key) { return std::string(1, kIdempotency) + std::string(key); }
inline std::string EncodeU64(uint64_t v) {
  std::string s;
  PutU64(&s, v);
  return s;
}

}  // namespace ledger::tlog::keys

#endif  // LEDGER_TLOG_STORE_KEYS_H_
