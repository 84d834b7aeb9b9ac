// The unified social credit code (统一社会信用代码) of a legal person or other
// organisation in China, GB 32100-2015 《法人和其他组织统一社会信用代码编码规则》:
// 18 characters from the 31 of kUsccCharset (digits and capitals without I, O,
// S, V, Z), the last a check character computed from the other 17 with
// weights 3^i mod 31 (section 4.2 and appendix B of the standard).
#ifndef LEDGER_FUNDS_USCC_H_
#define LEDGER_FUNDS_USCC_H_

#include <optional>
#include <string_view>

namespace ledger::funds {

inline constexpr std::string_view kUsccCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";

// The check character the first 17 characters of `code` call for, or nullopt
// when `code` is shorter than 17 or one of them is not in kUsccCharset.
std::optional<char> UsccCheckCharacter(std::string_view code);

// True when `code` is 18 characters of kUsccCharset ending in its check character.
bool IsValidUscc(std::string_view code);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_USCC_H_
