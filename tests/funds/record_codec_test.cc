#include "ledger/funds/record_codec.h"

#include <gtest/gtest.h>

namespace ledger::funds {
namespace {

TEST(RecordCodecTest, RecordsRoundTrip) {
  FundRec f{"poor-students", "贫困大学生资助", "Students", "p", FundKind::kLottery, 3, {}};
  f.totals.income = 1234567890123;
  f.totals.expenses = 7;
  auto f2 = DecodeFund(EncodeFund(f));
  ASSERT_TRUE(f2.ok());
  EXPECT_EQ(*f2, f);

  GrantRec g;
  g.id = "g";
  g.fund = "f";
  g.amount = 100;
  g.paid = 60;
  g.corrected = true;
  g.disbursements = {5, 9, 300};
  auto g2 = DecodeGrant(EncodeGrant(g));
  ASSERT_TRUE(g2.ok());
  EXPECT_EQ(*g2, g);

  EntryRec e;
  e.seq = 1ull << 40;
  e.type = EntryType::kCorrection;
  e.amount = -5;  // never stored negative, but the codec must not care
  e.text2 = std::string("\0x", 2);
  e.corrected_by = 0;
  auto e2 = DecodeEntry(EncodeEntry(e));
  ASSERT_TRUE(e2.ok());
  EXPECT_EQ(*e2, e);
}

TEST(RecordCodecTest, TruncatedOrTrailingBytesAreCorruption) {
  std::string v = EncodeGrant(GrantRec{});
  EXPECT_EQ(DecodeGrant(v.substr(0, v.size() - 1)).status().code(), Code::kCorruption);
  EXPECT_EQ(DecodeGrant(v + "x").status().code(), Code::kCorruption);
  EXPECT_EQ(DecodeEntry("").status().code(), Code::kCorruption);
  std::string bad = EncodeEntry(EntryRec{});
  bad[0] = 2;  // unknown version
  EXPECT_EQ(DecodeEntry(bad).status().code(), Code::kCorruption);
}

TEST(RecordCodecTest, SeqKeysSortInIndexOrder) {
  EXPECT_EQ(SeqKeyPart(255), "00000000000000ff");
  EXPECT_LT(EntryKey(9), EntryKey(10));
  EXPECT_LT(EntryKey(255), EntryKey(256));
  uint64_t s;
  ASSERT_TRUE(SeqFromKeyTail(EntryKey(4096), &s));
  EXPECT_EQ(s, 4096u);
  EXPECT_NE(IdemKey("a/b", "c"), IdemKey("a", "b/c"));
}

}  // namespace
}  // namespace ledger::funds
