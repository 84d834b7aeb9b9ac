#include "ledger/base/log_escape.h"

#include "ledger/base/text.h"

namespace ledger {
namespace {

void AppendHex(std::string* out, unsigned char b) {
  static constexpr char kHex[] = "0123456789abcdef";
  *out += "\\x";
  *out += kHex[b >> 4];
  *out += kHex[b & 0xF];
}

}  // namespace

std::string EscapeForLog(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    size_t n = text::DecodeUtf8(s, i, &cp);
    if (n == 0) {
      AppendHex(&out, static_cast<unsigned char>(s[i]));
      ++i;
      continue;
    }
    if (cp == '\\') {
      out += "\\\\";
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (text::Classify(cp) != text::CharClass::kAllowed) {
      for (size_t k = 0; k < n; ++k) AppendHex(&out, static_cast<unsigned char>(s[i + k]));
    } else {
      out.append(s, i, n);
    }
    i += n;
  }
  return out;
}

}  // namespace ledger
