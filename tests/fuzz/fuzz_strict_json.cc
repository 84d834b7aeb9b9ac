// libFuzzer: the strict request-body JSON parser (api/json_body.h). What it
// accepts holds no float, no integer outside int64, no nesting deeper than
// kMaxJsonDepth, and serialises to JSON it accepts again, unchanged.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "api/json_body.h"

namespace {
bool Clean(const nlohmann::json& j, int depth) {
  if (j.is_number_float()) return false;
  if (j.is_number_unsigned() && j.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) return false;
  if (j.is_structured()) {
    if (depth >= ledger::api::kMaxJsonDepth) return false;
    for (const auto& v : j) {
      if (!Clean(v, depth + 1)) return false;
    }
  }
  return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto j = ledger::api::ParseStrictJson(in);
  if (!j.ok()) return 0;
  if (!Clean(*j, 0)) abort();
  auto again = ledger::api::ParseStrictJson(j->dump());
  if (!again.ok() || *again != *j) abort();
  return 0;
}
