#include "ledger/base/text.h"

#include <cstdio>

namespace ledger::text {

CharClass Classify(char32_t cp) {
  if (cp == 0x0A) return CharClass::kLineFeed;
  if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) return CharClass::kControl;
  if (cp < 0x7F) return CharClass::kAllowed;  // the common case, early
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return CharClass::kInvalidUtf8;
  if (cp == 0x2028 || cp == 0x2029) return CharClass::kLineSeparator;
  if (cp == 0x061C || cp == 0x200E || cp == 0x200F || (cp >= 0x202A && cp <= 0x202E) ||
      (cp >= 0x2066 && cp <= 0x2069)) {
    return CharClass::kBidi;
  }
  if (cp == 0x200B || (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x206A && cp <= 0x206F) || cp == 0xFEFF ||
      (cp >= 0xFFF9 && cp <= 0xFFFB) || (cp >= 0xE0000 && cp <= 0xE007F)) {
    return CharClass::kInvisible;
  }
  if ((cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE) return CharClass::kNoncharacter;
  return CharClass::kAllowed;
}

size_t DecodeUtf8(std::string_view s, size_t pos, char32_t* cp) {
  auto at = [&](size_t i) { return static_cast<unsigned char>(s[pos + i]); };
  const unsigned char b0 = at(0);
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte (RFC 3629 section 4)
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;  // no overlong forms
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;  // no overlong forms
    if (b0 == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (s.size() - pos < len) return 0;
  if (at(1) < lo || at(1) > hi) return 0;
  for (size_t i = 2; i < len; ++i) {
    if (at(i) < 0x80 || at(i) > 0xBF) return 0;
  }
  char32_t v = b0 & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07);
  for (size_t i = 1; i < len; ++i) v = (v << 6) | (at(i) & 0x3F);
  *cp = v;
  return len;
}

std::optional<Refused> FindRefused(std::string_view s, bool allow_line_feed) {
  for (size_t i = 0; i < s.size();) {
    char32_t cp = 0;
    size_t n = DecodeUtf8(s, i, &cp);
    if (n == 0) return Refused{CharClass::kInvalidUtf8, i, static_cast<unsigned char>(s[i])};
    CharClass c = Classify(cp);
    if (c != CharClass::kAllowed && !(c == CharClass::kLineFeed && allow_line_feed)) {
      return Refused{c, i, cp};
    }
    i += n;
  }
  return std::nullopt;
}

std::string_view RuleName(CharClass cls) {
  switch (cls) {
    case CharClass::kAllowed:
      return "";
    case CharClass::kLineFeed:
      return "text.line_break";
    case CharClass::kControl:
      return "text.control";
    case CharClass::kLineSeparator:
      return "text.line_separator";
    case CharClass::kBidi:
      return "text.bidi";
    case CharClass::kInvisible:
      return "text.invisible";
    case CharClass::kNoncharacter:
      return "text.noncharacter";
    case CharClass::kInvalidUtf8:
      return "text.utf8";
  }
  return "text.unknown";
}

std::string CodePointName(char32_t cp) {
  char buf[16];
  snprintf(buf, sizeof(buf), "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

std::string Describe(const Refused& r) {
  const std::string at = " at byte " + std::to_string(r.offset);
  switch (r.cls) {
    case CharClass::kAllowed:
      return "nothing refused";
    case CharClass::kLineFeed:
      return "a line break (U+000A)" + at;
    case CharClass::kControl:
      return "a control character " + CodePointName(r.cp) + at;
    case CharClass::kLineSeparator:
      return "a line or paragraph separator " + CodePointName(r.cp) + at;
    case CharClass::kBidi:
      return "a bidirectional control " + CodePointName(r.cp) + at;
    case CharClass::kInvisible:
      return "an invisible format character " + CodePointName(r.cp) + at;
    case CharClass::kNoncharacter:
      return "the noncharacter " + CodePointName(r.cp) + at;
    case CharClass::kInvalidUtf8: {
      char buf[8];
      snprintf(buf, sizeof(buf), "0x%02X", static_cast<unsigned>(r.cp));
      return std::string("invalid UTF-8 (byte ") + buf + ")" + at;
    }
  }
  return "an unknown character" + at;
}

}  // namespace ledger::text
