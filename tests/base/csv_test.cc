#include "ledger/base/csv.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ledger::csv {
namespace {

// RFC 4180 reader, then the documented reverse of the formula rule (drop one
// leading apostrophe).
std::vector<std::vector<std::string>> Read(const std::string& text, bool undo_apostrophe) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false, in_quotes = false;
  auto end_cell = [&] {
    if (undo_apostrophe && !cell.empty() && cell[0] == '\'') cell.erase(0, 1);
    row.push_back(cell);
    cell.clear();
    quoted = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"')
        cell += '"', ++i;
      else if (c == '"')
        in_quotes = false;
      else
        cell += c;
    } else if (c == '"' && cell.empty() && !quoted) {
      in_quotes = quoted = true;
    } else if (c == ',') {
      end_cell();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      end_cell();
      rows.push_back(row);
      row.clear();
      ++i;
    } else {
      cell += c;
    }
  }
  EXPECT_TRUE(cell.empty() && row.empty()) << "no CRLF after the last record";
  return rows;
}

TEST(CsvTest, PlainNumbers) {
  for (const char* s : {"0", "7", "-1", "-1234", "123456789012345678", "12.50", "-12.50", "-0.01"}) {
    EXPECT_TRUE(IsPlainNumber(s)) << s;
  }
  for (const char* s : {"", "-", "+1", "1.", ".5", "-.5", "1e5", "-1e5", "1-2", "-1+2", "--1", "- 1", " 1",
                        "1 ", "0x10", "1,000", "-1.2.3"}) {
    EXPECT_FALSE(IsPlainNumber(s)) << s;
  }
}

TEST(CsvTest, FormulaLookingTextBecomesText) {
  EXPECT_EQ(Cell("=HYPERLINK(\"http://evil.example\",\"click\")"),
            "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\"");
  EXPECT_EQ(Cell("=1+1"), "'=1+1");
  EXPECT_EQ(Cell("@SUM(A1:A9)"), "'@SUM(A1:A9)");
  EXPECT_EQ(Cell("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
  EXPECT_EQ(Cell("-2+3+cmd|' /C calc'!A0"), "'-2+3+cmd|' /C calc'!A0");
  EXPECT_EQ(Cell("-1e5"), "'-1e5");
  EXPECT_EQ(Cell("\t=1+1"), "\"'\t=1+1\"");
  EXPECT_EQ(Cell("\r=1+1"), "\"'\r=1+1\"");
  EXPECT_EQ(Cell("  =1+1"), "'  =1+1");        // leading spaces do not hide a formula
  EXPECT_EQ(Cell("+abc/def="), "'+abc/def=");  // a base64 root may begin with '+'
}

TEST(CsvTest, NumbersAndOrdinaryTextStayAsTheyAre) {
  EXPECT_EQ(Cell("-1234"), "-1234");
  EXPECT_EQ(Cell("-12.50"), "-12.50");
  EXPECT_EQ(Cell("0"), "0");
  EXPECT_EQ(Cell("2020-12-31"), "2020-12-31");
  EXPECT_EQ(Cell("贫困大学生资助"), "贫困大学生资助");
  EXPECT_EQ(Cell("a=b"), "a=b");  // only the first character counts
  EXPECT_EQ(Cell("x-1"), "x-1");
  EXPECT_EQ(Cell(""), "");
}

TEST(CsvTest, QuotesSeparatorsQuotesAndLineBreaks) {
  EXPECT_EQ(Cell("a,b"), "\"a,b\"");
  EXPECT_EQ(Cell("a;b"), "\"a;b\"");
  EXPECT_EQ(Cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(Cell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(Cell("a\tb"), "\"a\tb\"");
  // A separator cannot start a new cell that begins with a formula.
  EXPECT_EQ(Cell("x,=1+1"), "\"x,=1+1\"");
  EXPECT_EQ(Cell("x;=1+1"), "\"x;=1+1\"");
}

TEST(CsvTest, AnApostropheOfTheValueIsKeptThroughTheReverseRule) {
  EXPECT_EQ(Cell("'tis"), "''tis");
  EXPECT_EQ(Cell("'=1"), "''=1");
}

TEST(CsvTest, EveryValueReadsBackExactly) {
  const std::vector<std::string> values = {"=HYPERLINK(\"http://evil.example\")",
                                           "@SUM(1)",
                                           "+1",
                                           "-1",
                                           "-12.50",
                                           "-x",
                                           "'tis",
                                           "''",
                                           "'",
                                           "a,b",
                                           "a;b",
                                           "q\"q",
                                           "l1\nl2",
                                           "\ttab",
                                           "\rcr",
                                           "  =sp",
                                           "",
                                           "贫困",
                                           "+abc/def=",
                                           "x'y"};
  std::string out;
  AppendRow(&out, values);
  AppendRow(&out, {"from", "to"});
  auto rows = Read(out, true);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], values);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"from", "to"}));
  // Without the reverse rule, no cell begins with a formula character unless
  // it is a plain number.
  const auto raw = Read(out, false);
  for (const auto& cell : raw[0]) {
    size_t i = cell.find_first_not_of(' ');
    if (i == std::string::npos) continue;
    if (std::string("=+-@\t\r").find(cell[i]) != std::string::npos) {
      EXPECT_TRUE(IsPlainNumber(cell)) << cell;
    }
  }
}

TEST(CsvTest, RowsEndWithCrLf) {
  std::string out;
  AppendRow(&out, {"a", "b"});
  EXPECT_EQ(out, "a,b\r\n");
  AppendRow(&out, std::vector<std::string>{"-5", "=x"});
  EXPECT_EQ(out, "a,b\r\n-5,'=x\r\n");
}

}  // namespace
}  // namespace ledger::csv
