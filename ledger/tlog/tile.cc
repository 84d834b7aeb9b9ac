#include "ledger/tlog/tile.h"

#include "ledger/tlog/checkpoint.h"

namespace ledger::tlog {
namespace {

std::string Group(uint64_t v) {
  char buf[4];
  snprintf(buf, sizeof(buf), "%03u", static_cast<unsigned>(v));
  return buf;
}

std::string FormatIndex(uint64_t n) {
  std::string out = Group(n % 1000);
  for (n /= 1000; n > 0; n /= 1000) out = "x" + Group(n % 1000) + "/" + out;
  return out;
}

bool ParseGroup(std::string_view g, uint64_t* v) {
  if (g.size() != 3) return false;
  for (char c : g) {
    if (c < '0' || c > '9') return false;
  }
  *v = static_cast<uint64_t>((g[0] - '0') * 100 + (g[1] - '0') * 10 + (g[2] - '0'));
  return true;
}

}  // namespace

std::string FormatTilePath(const TilePath& t) {
  std::string out = "tile/";
  out += t.entries ? "entries" : std::to_string(t.level);
  out += "/" + FormatIndex(t.index);
  if (t.width < kTileWidth) out += ".p/" + std::to_string(t.width);
  return out;
}

Result<TilePath> ParseTilePath(std::string_view path) {
  const std::string_view original = path;
  auto bad = [&](const char* why) {
    return InvalidArgument("malformed tile path: " + std::string(why));
  };
  if (!path.starts_with("tile/")) return bad("must start with tile/");
  path.remove_prefix(5);
  TilePath t;
  size_t slash = path.find('/');
  if (slash == std::string_view::npos) return bad("no index");
  std::string_view first = path.substr(0, slash);
  path.remove_prefix(slash + 1);
  if (first == "entries") {
    t.entries = true;
  } else {
    uint64_t level;
    if (!ParseDecimal(first, &level) || level > static_cast<uint64_t>(kMaxTilePathLevel)) {
      return bad("level must be a decimal number from 0 to 63");
    }
    t.level = static_cast<int>(level);
  }
  // Width suffix.
  size_t p = path.find(".p/");
  if (p != std::string_view::npos) {
    uint64_t w;
    if (!ParseDecimal(path.substr(p + 3), &w) || w < 1 || w >= static_cast<uint64_t>(kTileWidth)) {
      return bad("partial width must be 1 to 255");
    }
    t.width = static_cast<int>(w);
    path = path.substr(0, p);
  }
  uint64_t index = 0;
  int groups = 0;
  while (true) {
    slash = path.find('/');
    std::string_view g = path.substr(0, slash);
    bool last = slash == std::string_view::npos;
    if (!last) {
      if (!g.starts_with("x")) return bad("every index group but the last starts with x");
      g.remove_prefix(1);
    }
    uint64_t v;
    if (!ParseGroup(g, &v)) return bad("index groups are three digits");
    if (++groups > 7 || __builtin_mul_overflow(index, 1000, &index) ||
        __builtin_add_overflow(index, v, &index)) {
      return bad("index too large");
    }
    if (last) break;
    path.remove_prefix(slash + 1);
  }
  t.index = index;
  // Leading zero groups ("x000/001") and other spellings are not canonical.
  if (FormatTilePath(t) != original) return bad("not in canonical form");
  return t;
}

void AppendToBundle(std::string_view entry, std::string* bundle) {
  bundle->push_back(static_cast<char>(entry.size() >> 8));
  bundle->push_back(static_cast<char>(entry.size() & 0xff));
  bundle->append(entry);
}

Result<std::vector<std::string>> SplitBundle(std::string_view b) {
  std::vector<std::string> out;
  while (!b.empty()) {
    if (b.size() < 2) return Corruption("entry bundle ends inside a length prefix");
    size_t n = static_cast<uint8_t>(b[0]) << 8 | static_cast<uint8_t>(b[1]);
    b.remove_prefix(2);
    if (b.size() < n) return Corruption("entry bundle ends inside an entry");
    out.emplace_back(b.substr(0, n));
    b.remove_prefix(n);
  }
  return out;
}

}  // namespace ledger::tlog
