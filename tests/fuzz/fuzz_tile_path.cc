// libFuzzer: C2SP tile paths (tlog/tile.h) and entry bundles. An accepted
// path is canonical (formats back to the same bytes); an accepted bundle
// re-encodes to the same bytes.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ledger/tlog/tile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ledger::tlog;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto p = ParseTilePath(in);
  if (p.ok()) {
    if (FormatTilePath(*p) != in) abort();
    if (p->width < 1 || p->width > kTileWidth || p->level < 0 || p->level > kMaxTilePathLevel) abort();
  }
  auto entries = SplitBundle(in);
  if (entries.ok()) {
    std::string again;
    for (const auto& e : *entries) AppendToBundle(e, &again);
    if (again != in) abort();
  }
  return 0;
}
