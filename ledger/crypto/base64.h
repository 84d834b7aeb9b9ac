// Standard base64 (RFC 4648 section 4, with padding), the encoding of every
// hash, key and signature in this project's text and JSON formats.
#ifndef LEDGER_CRYPTO_BASE64_H_
#define LEDGER_CRYPTO_BASE64_H_

#include <optional>
#include <string>
#include <string_view>

namespace ledger::crypto {

std::string Base64Encode(std::string_view bytes);
// Strict: rejects missing or extra padding, whitespace, non-zero trailing
// bits and characters outside the standard alphabet.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace ledger::crypto

#endif  // LEDGER_CRYPTO_BASE64_H_
