#include "ledger/funds/record_codec.h"

#include <gtest/gtest.h>

namespace ledger::funds {
namespace {

TEST(RecordCodecTest, RecordsRoundTrip) {
  FundRec f;
  f.id = "poor-students";
  f.name_zh = "贫困大学生资助";
  f.name_en = "Students";
  f.purpose = "p";
  f.kind = FundKind::kLottery;
  f.seq = 3;
  f.opened_on = "2015-12-01";
  f.totals.donations = 1234567890123;
  f.totals.n_expenses = 7;
  f.tape_in = static_cast<Tape>(1) << 100 | 5;
  f.tape_out = 42;
  FundRec f2;
  ASSERT_TRUE(DecodeFundInfo(EncodeFundInfo(f), &f2).ok());
  ASSERT_TRUE(DecodeFundTotals(EncodeFundTotals(f), &f2).ok());
  EXPECT_EQ(f2, f);

  GrantRec g;
  g.id = "g";
  g.fund = "f";
  g.amount = 100;
  g.paid = 60;
  g.corrected = true;
  g.first_paid_at = "2020-01-01";
  g.tape = 77;
  auto g2 = DecodeGrant(EncodeGrant(g));
  ASSERT_TRUE(g2.ok());
  EXPECT_EQ(*g2, g);

  EntryRec e;
  e.seq = 1ull << 40;
  e.type = EntryType::kCorrection;
  e.amount = -5;  // never stored negative, but the codec must not care
  e.programme = std::string("\0x", 2);
  e.corrected_by = 0;
  auto e2 = DecodeEntry(EncodeEntry(e));
  ASSERT_TRUE(e2.ok());
  EXPECT_EQ(*e2, e);

  Measures m;
  int64_t n = 0;
  for (auto field : Measures::kFields) m.*field = --n * 1000003;
  auto m2 = DecodeMeasures(EncodeMeasures(m));
  ASSERT_TRUE(m2.ok());
  EXPECT_EQ(*m2, m);
}

TEST(RecordCodecTest, TruncatedOrTrailingBytesAreCorruption) {
  std::string v = EncodeGrant(GrantRec{});
  EXPECT_EQ(DecodeGrant(v.substr(0, v.size() - 1)).status().code(), Code::kCorruption);
  EXPECT_EQ(DecodeGrant(v + "x").status().code(), Code::kCorruption);
  EXPECT_EQ(DecodeEntry("").status().code(), Code::kCorruption);
  std::string bad = EncodeEntry(EntryRec{});
  bad[0] = 2;  // unknown version
  EXPECT_EQ(DecodeEntry(bad).status().code(), Code::kCorruption);
  EntryRec unknown_type;
  std::string t = EncodeEntry(unknown_type);
  t[2] = 99;  // the type, after version and seq
  EXPECT_EQ(DecodeEntry(t).status().code(), Code::kCorruption);
}

TEST(RecordCodecTest, KeysSortInNumericAndDateOrder) {
  EXPECT_EQ(SeqKeyPart(255), "00000000000000ff");
  EXPECT_LT(EntryKey(9), EntryKey(10));
  EXPECT_LT(EntryKey(255), EntryKey(256));
  uint64_t s;
  ASSERT_TRUE(SeqFromKeyTail(EntryKey(4096), &s));
  EXPECT_EQ(s, 4096u);
  EXPECT_LT(TapeKeyPart(0xffffffffffffffffull), TapeKeyPart(static_cast<Tape>(1) << 64));
  Tape t;
  ASSERT_TRUE(TapeFromKeyTail("x/" + TapeKeyPart(static_cast<Tape>(3) << 70), &t));
  EXPECT_TRUE(t == static_cast<Tape>(3) << 70);
  EXPECT_EQ(PeriodOf("2020-06-01", Grain::kYear), "2020");
  EXPECT_EQ(PeriodOf("2020-06-01", Grain::kMonth), "2020-06");
  // A programme's keys never collide with another's whatever its text.
  EXPECT_NE(ProgrammeMeasuresPrefix("f", "a/y", Grain::kYear), ProgrammeMeasuresPrefix("f/a", "y", Grain::kYear));
}

}  // namespace
}  // namespace ledger::funds
