// libFuzzer: the entry envelope parser (tlog::ParseEntry). Whatever it
// accepts must format back to exactly the same bytes (the envelope is
// canonical), and nothing may crash or read out of bounds.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ledger/tlog/entry.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto e = ledger::tlog::ParseEntry(in);
  if (!e.ok()) return 0;
  auto again = ledger::tlog::FormatEntry(*e);
  if (!again.ok() || *again != in) abort();
  return 0;
}
