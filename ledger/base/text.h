// Which characters free text from outside parties may hold, so that what a
// recorder types stays data wherever it is shown: in HTML, CSV, JSON, logs
// and terminals.
//
// Text is UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above
// U+10FFFF). Every well-formed code point is allowed except these classes:
//
//   class            code points                                    rule
//   kLineFeed        U+000A (allowed only where a field says so)    text.line_break
//   kControl         U+0000..U+001F but LF (TAB and CR included),   text.control
//                    U+007F, U+0080..U+009F (C0, DEL, C1)
//   kLineSeparator   U+2028, U+2029                                 text.line_separator
//   kBidi            U+061C, U+200E, U+200F, U+202A..U+202E,        text.bidi
//                    U+2066..U+2069 (bidi marks, embeddings,
//                    overrides, isolates: "Trojan Source",
//                    CVE-2021-42574)
//   kInvisible       U+200B, U+2060..U+2064, U+206A..U+206F,        text.invisible
//                    U+FEFF, U+FFF9..U+FFFB, U+E0000..U+E007F
//                    (zero-width, deprecated format, interlinear
//                    annotation and tag characters)
//   kNoncharacter    U+FDD0..U+FDEF, U+nFFFE, U+nFFFF               text.noncharacter
//   kInvalidUtf8     a byte sequence that is not well-formed UTF-8  text.utf8
//
// The one line break is LF; CR, U+2028 and U+2029 are always refused. TAB
// is refused too: it renders differently everywhere, splits TSV, and a
// leading TAB is one of the characters that make a spreadsheet cell a
// formula. ZWJ/ZWNJ (U+200C/U+200D) and variation selectors stay allowed:
// emoji and some scripts need them.
//
// Thread-safe: pure functions.
#ifndef LEDGER_BASE_TEXT_H_
#define LEDGER_BASE_TEXT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ledger::text {

enum class CharClass {
  kAllowed,
  kLineFeed,
  kControl,
  kLineSeparator,
  kBidi,
  kInvisible,
  kNoncharacter,
  kInvalidUtf8,
};

// The class of one Unicode scalar value (never kInvalidUtf8 for a value up to
// U+10FFFF that is not a surrogate; kInvalidUtf8 for the others).
CharClass Classify(char32_t cp);

// Decodes the UTF-8 character that starts at s[pos] (pos < s.size()). Returns
// its length in bytes (1..4) and sets *cp, or returns 0 when the bytes there
// are not well-formed UTF-8.
size_t DecodeUtf8(std::string_view s, size_t pos, char32_t* cp);

struct Refused {
  CharClass cls;
  size_t offset;  // byte offset into the text, from 0
  char32_t cp;    // the code point; the byte at `offset` for kInvalidUtf8
};

// The first character of `s` that the rules above refuse, or nullopt when all
// are allowed. `allow_line_feed` lets LF through (multi-line fields).
std::optional<Refused> FindRefused(std::string_view s, bool allow_line_feed);

// "text.control" etc. (table above); "" for kAllowed.
std::string_view RuleName(CharClass cls);

// A sentence fragment naming what was found, for error messages that must not
// repeat the refused text itself: "a control character U+001B at byte 4",
// "invalid UTF-8 (byte 0xFF) at byte 2".
std::string Describe(const Refused& r);

// "U+202E".
std::string CodePointName(char32_t cp);

}  // namespace ledger::text

#endif  // LEDGER_BASE_TEXT_H_
