// Business dates (ISO 8601 calendar dates, "YYYY-MM-DD") and periods
// ("YYYY-MM"), proleptic Gregorian calendar, years 1900..9999.
//
// Dates are compared as strings: for well-formed dates, byte order is
// calendar order. All functions are pure and thread-safe.
#ifndef LEDGER_FUNDS_DATES_H_
#define LEDGER_FUNDS_DATES_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace ledger::funds {

// True when `s` is exactly YYYY-MM-DD and names a real calendar day.
bool IsIsoDate(std::string_view s);
// True when `s` is exactly YYYY-MM with month 01..12.
bool IsPeriod(std::string_view s);
// "YYYY-MM" -> "YYYY-MM-01".
std::string PeriodFirstDay(std::string_view period);
// The UTC date of an RFC 3339 time such as "2026-11-29T06:50:51Z".
std::string_view DateOfTime(std::string_view rfc3339);
// The date of a "YYYY-MM-DDTHH:MM:SSZ" time at a fixed offset east of UTC
// (the ledger's time zone: +480 minutes for Asia/Shanghai, which keeps no
// daylight saving time).
std::string LocalDateOfTime(std::string_view rfc3339, int utc_offset_minutes);

// Days since 1970-01-01 of a valid date (may be negative).
int64_t DaysFromDate(std::string_view date);
std::string DateFromDays(int64_t days);
// Adds `months` calendar months, clamping the day to the month's length
// (2020-01-31 + 1 month = 2020-02-29).
std::string AddMonths(std::string_view date, int months);
// The date one day before.
std::string PreviousDay(std::string_view date);
// "YYYY-Qn"-free quarter helpers: the last day of the quarter holding `date`.
std::string QuarterEnd(std::string_view date);

}  // namespace ledger::funds

#endif  // LEDGER_FUNDS_DATES_H_
