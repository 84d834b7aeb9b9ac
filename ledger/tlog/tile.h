// C2SP tlog-tiles (c2sp.org/tlog-tiles) paths and bodies.
//
// A hash tile at level L, index N and width W (1..256) holds the W hashes of
// tree level 8*L with indices [N*256, N*256 + W), concatenated (32 bytes each).
// Path: tile/<L>/<N>[.p/<W>], with N written in 3-digit groups, all but the
// last prefixed with "x": 1234067 -> x001/x234/067. ".p/<W>" only when W < 256.
//
// An entry bundle at index N and width W holds entries [N*256, N*256 + W), each
// as a big-endian uint16 length followed by the entry bytes.
// Path: tile/entries/<N>[.p/<W>].
#ifndef LEDGER_TLOG_TILE_H_
#define LEDGER_TLOG_TILE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ledger/base/status.h"

namespace ledger::tlog {

inline constexpr int kTileHeight = 8;
inline constexpr int kTileWidth = 1 << kTileHeight;  // 256
// The highest level a tree of at most 2^64 - 1 entries has tiles at.
inline constexpr int kMaxTileLevel = 63 / kTileHeight;
// The highest level a tile path may name (tlog-tiles: 0 to 63). Levels above
// kMaxTileLevel are well-formed paths to tiles that never exist.
inline constexpr int kMaxTilePathLevel = 63;

struct TilePath {
  bool entries = false;  // an entry bundle rather than a hash tile
  int level = 0;         // hash tiles only
  uint64_t index = 0;
  int width = kTileWidth;
};

// "tile/0/x001/x234/067.p/7"; the inverse of ParseTilePath.
std::string FormatTilePath(const TilePath& t);
// Parses a path starting at "tile/". Rejects leading zeros other than the
// 3-digit groups, missing "x" prefixes, widths outside 1..255 after ".p/",
// levels above kMaxTilePathLevel, and any other byte.
Result<TilePath> ParseTilePath(std::string_view path);

// Appends one entry to an entry bundle. Entries are at most 65535 bytes.
void AppendToBundle(std::string_view entry, std::string* bundle);
// Splits a bundle back into entries; Corruption if malformed.
Result<std::vector<std::string>> SplitBundle(std::string_view bundle);

}  // namespace ledger::tlog

#endif  // LEDGER_TLOG_TILE_H_
