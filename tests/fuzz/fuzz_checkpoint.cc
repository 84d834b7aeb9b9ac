// libFuzzer: C2SP checkpoint bodies (tlog/checkpoint.h) and decimal parsing.
// An accepted body formats back to the same bytes.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ledger/tlog/checkpoint.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ledger::tlog;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto cp = ParseCheckpointBody(in);
  if (cp.ok() && FormatCheckpointBody(*cp) != in) abort();
  uint64_t v;
  if (ParseDecimal(in, &v) && std::to_string(v) != in) abort();
  return 0;
}
