// libFuzzer: the charity entry bodies (ledger/funds/body.h). The first byte
// picks the entry type; the rest is JSON for ParseBody and entry-body text
// for ParseCanonicalBody. A body ParseCanonicalBody accepts must be its own
// canonical form; a body ParseBody accepts must canonicalise and re-parse.
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "ledger/funds/body.h"
#include "ledger/funds/entry_types.h"

namespace {
constexpr const char* kTypes[] = {"fund.open", "donation",   "lottery.allocation", "grant",
                                  "disbursement", "expense", "admin_cost",         "correction"};
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ledger::funds;
  if (size < 1) return 0;
  auto type = ParseEntryType(kTypes[data[0] % 8]);
  if (!type.ok()) abort();
  std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);

  if (ParseCanonicalBody(*type, text).ok()) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded()) abort();
    auto canon = CanonicalJson(j);
    if (!canon.ok() || *canon != text) abort();
  }
  auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return 0;
  (void)CanonicalJson(j);
  if (ParseBody(*type, j).ok()) {
    auto canon = CanonicalJson(j);
    if (!canon.ok()) abort();
    if (!ParseCanonicalBody(*type, *canon).ok()) abort();
  }
  return 0;
}
