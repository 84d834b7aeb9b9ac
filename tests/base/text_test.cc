#include "ledger/base/text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ledger::text {
namespace {

// UTF-8 of one code point (test-side encoder, independent of DecodeUtf8).
std::string Utf8(char32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return s;
}

struct ClassCase {
  char32_t cp;
  CharClass cls;
};

// Every class, at its edges and with the neighbours that stay allowed.
const std::vector<ClassCase> kCases = {
    {U'a', CharClass::kAllowed},          {U' ', CharClass::kAllowed},
    {U'~', CharClass::kAllowed},          {0x00A0, CharClass::kAllowed},  // no-break space
    {U'助', CharClass::kAllowed},         {0x200C, CharClass::kAllowed},  // ZWNJ
    {0x200D, CharClass::kAllowed},        {0xFE0F, CharClass::kAllowed},  // ZWJ, VS16 (emoji)
    {0x1F600, CharClass::kAllowed},       {0xE000, CharClass::kAllowed},  // emoji, private use
    {0x10FFFD, CharClass::kAllowed},      {0x2027, CharClass::kAllowed},
    {0x202F, CharClass::kAllowed},        {0x2065, CharClass::kAllowed},  // unassigned, not refused
    {0x206A - 0x10, CharClass::kAllowed}, {0x0A, CharClass::kLineFeed},
    {0x00, CharClass::kControl},          {0x09, CharClass::kControl},  // NUL, TAB
    {0x0B, CharClass::kControl},          {0x0D, CharClass::kControl},  // VT, CR
    {0x1B, CharClass::kControl},          {0x1F, CharClass::kControl},  // ESC, US
    {0x7F, CharClass::kControl},          {0x80, CharClass::kControl},  // DEL, C1 start
    {0x85, CharClass::kControl},          {0x9B, CharClass::kControl},  // NEL, CSI
    {0x9F, CharClass::kControl},          {0x2028, CharClass::kLineSeparator},
    {0x2029, CharClass::kLineSeparator},  {0x061C, CharClass::kBidi},
    {0x200E, CharClass::kBidi},                                             // ALM, LRM
    {0x200F, CharClass::kBidi},           {0x202A, CharClass::kBidi},       // RLM, LRE
    {0x202B, CharClass::kBidi},           {0x202C, CharClass::kBidi},       // RLE, PDF
    {0x202D, CharClass::kBidi},           {0x202E, CharClass::kBidi},       // LRO, RLO
    {0x2066, CharClass::kBidi},           {0x2067, CharClass::kBidi},       // LRI, RLI
    {0x2068, CharClass::kBidi},           {0x2069, CharClass::kBidi},       // FSI, PDI
    {0x200B, CharClass::kInvisible},      {0x2060, CharClass::kInvisible},  // ZWSP, WJ
    {0x2064, CharClass::kInvisible},      {0x206A, CharClass::kInvisible},
    {0x206F, CharClass::kInvisible},      {0xFEFF, CharClass::kInvisible},  // BOM
    {0xFFF9, CharClass::kInvisible},      {0xFFFB, CharClass::kInvisible},
    {0xE0000, CharClass::kInvisible},     {0xE0041, CharClass::kInvisible},  // tag "A"
    {0xE007F, CharClass::kInvisible},     {0xFDD0, CharClass::kNoncharacter},
    {0xFDEF, CharClass::kNoncharacter},   {0xFFFE, CharClass::kNoncharacter},
    {0xFFFF, CharClass::kNoncharacter},   {0x1FFFE, CharClass::kNoncharacter},
    {0x10FFFF, CharClass::kNoncharacter}, {0xD800, CharClass::kInvalidUtf8},
    {0xDFFF, CharClass::kInvalidUtf8},    {0x110000, CharClass::kInvalidUtf8},
};

TEST(TextTest, ClassifiesEveryClassAtItsEdges) {
  for (const auto& c : kCases) {
    EXPECT_EQ(Classify(c.cp), c.cls) << CodePointName(c.cp);
  }
}

TEST(TextTest, EveryCodePointHasTheClassOfTheTable) {
  // Cross-check the whole code space against a plain restatement of the
  // table in text.h.
  auto expected = [](char32_t cp) {
    if (cp == 0x0A) return CharClass::kLineFeed;
    if (cp <= 0x1F || (cp >= 0x7F && cp <= 0x9F)) return CharClass::kControl;
    if (cp >= 0xD800 && cp <= 0xDFFF) return CharClass::kInvalidUtf8;
    if (cp == 0x2028 || cp == 0x2029) return CharClass::kLineSeparator;
    for (char32_t b :
         {0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}) {
      if (cp == b) return CharClass::kBidi;
    }
    if (cp == 0x200B || cp == 0xFEFF || (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x206A && cp <= 0x206F) ||
        (cp >= 0xFFF9 && cp <= 0xFFFB) || (cp >= 0xE0000 && cp <= 0xE007F)) {
      return CharClass::kInvisible;
    }
    if ((cp >= 0xFDD0 && cp <= 0xFDEF) || cp % 0x10000 == 0xFFFE || cp % 0x10000 == 0xFFFF) {
      return CharClass::kNoncharacter;
    }
    return CharClass::kAllowed;
  };
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    ASSERT_EQ(Classify(cp), expected(cp)) << CodePointName(cp);
  }
}

TEST(TextTest, DecodesEveryScalarValueItsEncoderWrites) {
  for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    std::string s = Utf8(cp);
    char32_t got = 0;
    ASSERT_EQ(DecodeUtf8(s, 0, &got), s.size()) << CodePointName(cp);
    ASSERT_EQ(got, cp);
  }
}

TEST(TextTest, RefusesMalformedUtf8) {
  const std::vector<std::string> bad = {
      "\x80",              // lone continuation byte
      "\xBF",              //
      "\xC0\xAF",          // overlong '/'
      "\xC1\xBF",          // overlong
      "\xE0\x80\xAF",      // overlong 3-byte
      "\xE0\x9F\xBF",      // overlong 3-byte, edge
      "\xF0\x80\x80\xAF",  // overlong 4-byte
      "\xF0\x8F\xBF\xBF",  // overlong 4-byte, edge
      "\xED\xA0\x80",      // U+D800 surrogate
      "\xED\xBF\xBF",      // U+DFFF surrogate
      "\xF4\x90\x80\x80",  // U+110000
      "\xF5\x80\x80\x80",  // lead byte above F4
      "\xFE",              //
      "\xFF",              //
      "\xC3",              // truncated 2-byte
      "\xE4\xBD",          // truncated 3-byte
      "\xF0\x9F\x98",      // truncated 4-byte
      "\xC3\x28",          // bad continuation
      "\xE4\x28\xA0",      //
  };
  for (const auto& s : bad) {
    char32_t cp = 0;
    EXPECT_EQ(DecodeUtf8(s, 0, &cp), 0u) << ::testing::PrintToString(s);
    auto r = FindRefused("ok " + s, true);
    ASSERT_TRUE(r.has_value()) << ::testing::PrintToString(s);
    EXPECT_EQ(r->cls, CharClass::kInvalidUtf8);
    EXPECT_EQ(r->offset, 3u);
    EXPECT_EQ(r->cp, static_cast<unsigned char>(s[0]));
  }
}

TEST(TextTest, FindRefusedGivesTheFirstRefusedCharacterAndItsOffset) {
  EXPECT_FALSE(FindRefused("", false).has_value());
  EXPECT_FALSE(FindRefused("惠城区慈善总会 Huicheng 2020 (助学) 😀", false).has_value());
  // LF only where allowed.
  EXPECT_FALSE(FindRefused("line one\nline two", true).has_value());
  auto lf = FindRefused("line one\nline two", false);
  ASSERT_TRUE(lf.has_value());
  EXPECT_EQ(lf->cls, CharClass::kLineFeed);
  EXPECT_EQ(lf->offset, 8u);
  // CR is refused even where LF is allowed; so is a CRLF.
  auto cr = FindRefused("a\r\nb", true);
  ASSERT_TRUE(cr.has_value());
  EXPECT_EQ(cr->cls, CharClass::kControl);
  EXPECT_EQ(cr->cp, 0x0Du);
  // Every class, found after allowed multi-byte text, with its offset.
  const std::string prefix = "助学";  // 6 bytes
  for (const auto& c : kCases) {
    if (c.cls == CharClass::kAllowed || c.cls == CharClass::kInvalidUtf8) continue;
    auto r = FindRefused(prefix + Utf8(c.cp) + "x", false);
    ASSERT_TRUE(r.has_value()) << CodePointName(c.cp);
    EXPECT_EQ(r->cls, c.cls) << CodePointName(c.cp);
    EXPECT_EQ(r->offset, 6u);
    EXPECT_EQ(r->cp, c.cp);
  }
  // A NUL inside the string (not its end).
  auto nul = FindRefused(std::string("ab\0cd", 5), true);
  ASSERT_TRUE(nul.has_value());
  EXPECT_EQ(nul->offset, 2u);
  EXPECT_EQ(nul->cls, CharClass::kControl);
}

TEST(TextTest, RuleNamesAndDescriptionsNameTheClassNotTheText) {
  EXPECT_EQ(RuleName(CharClass::kLineFeed), "text.line_break");
  EXPECT_EQ(RuleName(CharClass::kControl), "text.control");
  EXPECT_EQ(RuleName(CharClass::kLineSeparator), "text.line_separator");
  EXPECT_EQ(RuleName(CharClass::kBidi), "text.bidi");
  EXPECT_EQ(RuleName(CharClass::kInvisible), "text.invisible");
  EXPECT_EQ(RuleName(CharClass::kNoncharacter), "text.noncharacter");
  EXPECT_EQ(RuleName(CharClass::kInvalidUtf8), "text.utf8");
  EXPECT_EQ(RuleName(CharClass::kAllowed), "");
  EXPECT_EQ(Describe(*FindRefused("abc\xe2\x80\xae", false)), "a bidirectional control U+202E at byte 3");
  EXPECT_EQ(Describe(*FindRefused("\x1b[2J", false)), "a control character U+001B at byte 0");
  EXPECT_EQ(Describe(*FindRefused("a\xff", false)), "invalid UTF-8 (byte 0xFF) at byte 1");
  EXPECT_EQ(Describe(*FindRefused("a\nb", false)), "a line break (U+000A) at byte 1");
  EXPECT_EQ(CodePointName(0x10FFFF), "U+10FFFF");
}

}  // namespace
}  // namespace ledger::text
