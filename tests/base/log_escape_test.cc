#include "ledger/base/log_escape.h"

#include <gtest/gtest.h>

namespace ledger {
namespace {

TEST(LogEscapeTest, KeepsPrintableTextAsItIs) {
  EXPECT_EQ(EscapeForLog(""), "");
  EXPECT_EQ(EscapeForLog("donation"), "donation");
  EXPECT_EQ(EscapeForLog("rec-1@org.example:7"), "rec-1@org.example:7");
  EXPECT_EQ(EscapeForLog("惠城区 慈善总会 😀"), "惠城区 慈善总会 😀");
}

TEST(LogEscapeTest, NoValueCanEndTheLineOrForgeAnother) {
  const std::string forged = "x\nrecorded seq=999 type=donation by=admin\r\n";
  const std::string e = EscapeForLog(forged);
  EXPECT_EQ(e, "x\\nrecorded seq=999 type=donation by=admin\\r\\n");
  EXPECT_EQ(e.find('\n'), std::string::npos);
  EXPECT_EQ(e.find('\r'), std::string::npos);
  EXPECT_EQ(EscapeForLog("a\tb"), "a\\tb");
}

TEST(LogEscapeTest, EscapesControlsBidiInvisibleAndInvalidBytes) {
  EXPECT_EQ(EscapeForLog(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(EscapeForLog("\x1b[31mred"), "\\x1b[31mred");  // ANSI colour
  EXPECT_EQ(EscapeForLog("\x7f"), "\\x7f");                // DEL
  EXPECT_EQ(EscapeForLog("\xc2\x9b"), "\\xc2\\x9b");       // C1 CSI
  EXPECT_EQ(EscapeForLog("abc\xe2\x80\xae"
                         "fed"),
            "abc\\xe2\\x80\\xaefed");                          // U+202E
  EXPECT_EQ(EscapeForLog("\xe2\x80\xa8"), "\\xe2\\x80\\xa8");  // U+2028
  EXPECT_EQ(EscapeForLog("\xef\xbb\xbf"), "\\xef\\xbb\\xbf");  // BOM
  EXPECT_EQ(EscapeForLog("\xff\xfe"), "\\xff\\xfe");           // not UTF-8
  EXPECT_EQ(EscapeForLog("\xe4\xbd"), "\\xe4\\xbd");           // truncated
}

TEST(LogEscapeTest, BackslashIsEscapedSoEscapesAreUnambiguous) {
  // A client cannot write text that reads as an escape of something else.
  EXPECT_EQ(EscapeForLog("\\n"), "\\\\n");
  EXPECT_NE(EscapeForLog("\\n"), EscapeForLog("\n"));
  EXPECT_EQ(EscapeForLog("\\x41"), "\\\\x41");
}

}  // namespace
}  // namespace ledger
