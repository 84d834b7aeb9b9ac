#include "ledger/funds/uscc.h"

namespace ledger::funds {

std::optional<char> UsccCheckCharacter(std::string_view code) {
  if (code.size() < 17) return std::nullopt;
  // Weight of position i (0-based) is 3^i mod 31.
  int sum = 0, weight = 1;
  for (size_t i = 0; i < 17; ++i) {
    const size_t value = kUsccCharset.find(code[i]);
    if (value == std::string_view::npos) return std::nullopt;
    sum += static_cast<int>(value) * weight;
    weight = weight * 3 % 31;
  }
  return kUsccCharset[(31 - sum % 31) % 31];
}

bool IsValidUscc(std::string_view code) {
  if (code.size() != 18) return false;
  const std::optional<char> check = UsccCheckCharacter(code);
  return check && *check == code[17];
}

}  // namespace ledger::funds
