#include "ledger/funds/dates.h"

#include <gtest/gtest.h>

namespace ledger::funds {
namespace {

TEST(DatesTest, Validity) {
  EXPECT_TRUE(IsIsoDate("2020-02-29"));
  EXPECT_FALSE(IsIsoDate("2019-02-29"));
  EXPECT_TRUE(IsIsoDate("2000-02-29"));
  EXPECT_FALSE(IsIsoDate("1900-02-29"));
  EXPECT_FALSE(IsIsoDate("2020-00-10"));
  EXPECT_TRUE(IsPeriod("2016-12"));
  EXPECT_FALSE(IsPeriod("2016-13"));
  EXPECT_FALSE(IsPeriod("2016-1"));
}

TEST(DatesTest, DayArithmeticRoundTrips) {
  EXPECT_EQ(DaysFromDate("1970-01-01"), 0);
  EXPECT_EQ(DaysFromDate("2016-01-01"), 16801);
  for (int64_t d = 16000; d < 19000; d += 7) EXPECT_EQ(DaysFromDate(DateFromDays(d)), d);
  EXPECT_EQ(PreviousDay("2020-03-01"), "2020-02-29");
  EXPECT_EQ(AddMonths("2020-01-31", 1), "2020-02-29");
  EXPECT_EQ(AddMonths("2020-11-30", 3), "2021-02-28");
  EXPECT_EQ(QuarterEnd("2020-05-17"), "2020-06-30");
  EXPECT_EQ(QuarterEnd("2020-12-01"), "2020-12-31");
  EXPECT_EQ(DateOfTime("2026-11-29T06:50:51Z"), "2026-11-29");
}

}  // namespace
}  // namespace ledger::funds
