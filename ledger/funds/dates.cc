#include "ledger/funds/dates.h"

#include <cstdio>

namespace ledger::funds {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

void Split(std::string_view date, int* y, int* m, int* d) {
  Digits(date, 0, 4, y);
  Digits(date, 5, 2, m);
  Digits(date, 8, 2, d);
}

std::string Format(int y, int m, int d) {
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
  return buf;
}

}  // namespace

bool IsIsoDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  int y, m, d;
  if (!Digits(s, 0, 4, &y) || !Digits(s, 5, 2, &m) || !Digits(s, 8, 2, &d)) return false;
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  return d <= DaysInMonth(y, m);
}

bool IsPeriod(std::string_view s) {
  if (s.size() != 7 || s[4] != '-') return false;
  int y, m;
  if (!Digits(s, 0, 4, &y) || !Digits(s, 5, 2, &m)) return false;
  return y >= 1900 && m >= 1 && m <= 12;
}

std::string PeriodFirstDay(std::string_view period) {
  return std::string(period) + "-01";
}

std::string_view DateOfTime(std::string_view rfc3339) { return rfc3339.substr(0, 10); }

std::string LocalDateOfTime(std::string_view rfc3339, int utc_offset_minutes) {
  std::string_view date = DateOfTime(rfc3339);
  if (rfc3339.size() < 16 || !IsIsoDate(date)) return std::string(date);
  const int minutes = ((rfc3339[11] - '0') * 10 + (rfc3339[12] - '0')) * 60 +
                      (rfc3339[14] - '0') * 10 + (rfc3339[15] - '0');
  const int local = minutes + utc_offset_minutes;
  int64_t days = DaysFromDate(date);
  if (local < 0) days -= (-local + 1439) / 1440;
  else days += local / 1440;
  return DateFromDays(days);
}

// Howard Hinnant's days_from_civil.
int64_t DaysFromDate(std::string_view date) {
  int y, m, d;
  Split(date, &y, &m, &d);
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::string DateFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int y = static_cast<int>(yoe + era * 400 + (m <= 2));
  return Format(y, m, d);
}

std::string AddMonths(std::string_view date, int months) {
  int y, m, d;
  Split(date, &y, &m, &d);
  int total = y * 12 + (m - 1) + months;
  y = total / 12;
  m = total % 12 + 1;
  if (d > DaysInMonth(y, m)) d = DaysInMonth(y, m);
  return Format(y, m, d);
}

std::string PreviousDay(std::string_view date) { return DateFromDays(DaysFromDate(date) - 1); }

std::string QuarterEnd(std::string_view date) {
  int y, m, d;
  Split(date, &y, &m, &d);
  int qm = ((m - 1) / 3) * 3 + 3;
  return Format(y, qm, DaysInMonth(y, qm));
}

}  // namespace ledger::funds
