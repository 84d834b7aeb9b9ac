#include "ledger/funds/measures_range.h"

#include <cstdio>
#include <set>

#include "ledger/crypto/sha256.h"

namespace ledger::funds {
namespace {

struct Ymd {
  int y, m, d;
};

Ymd ParseYmd(std::string_view s, Ymd open) {
  if (s.size() != 10) return open;
  return Ymd{std::stoi(std::string(s.substr(0, 4))), std::stoi(std::string(s.substr(5, 2))),
             std::stoi(std::string(s.substr(8, 2)))};
}

bool Leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
int DaysIn(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && Leap(y) ? 29 : kDays[m - 1];
}
bool Before(const Ymd& a, const Ymd& b) {
  return a.y != b.y ? a.y < b.y : a.m != b.m ? a.m < b.m : a.d < b.d;
}

std::string Fmt(int y) {
  char b[8];
  std::snprintf(b, sizeof(b), "%04d", y);
  return b;
}
std::string Fmt(int y, int m) {
  char b[16];
  std::snprintf(b, sizeof(b), "%04d-%02d", y, m);
  return b;
}
std::string Fmt(int y, int m, int d) {
  char b[16];
  std::snprintf(b, sizeof(b), "%04d-%02d-%02d", y, m, d);
  return b;
}

// Adds the records of `prefix` whose period is in [lo, hi].
Status SumPeriods(const tlog::StateReader& s, const std::string& prefix, const std::string& lo, const std::string& hi,
                  Measures* sum) {
  Status err;
  LEDGER_RETURN_IF_ERROR(s.Scan(prefix, prefix + lo, [&](std::string_view k, std::string_view v) {
    if (k.substr(prefix.size()) > hi) return false;
    auto m = DecodeMeasures(v);
    if (!m.ok()) {
      err = m.status();
      return false;
    }
    sum->Add(*m);
    return true;
  }));
  return err;
}

bool FromHex(std::string_view hex, std::string* out) {
  if (hex.size() % 2) return false;
  out->clear();
  for (size_t i = 0; i < hex.size(); i += 2) {
    int v = 0;
    for (char c : hex.substr(i, 2)) {
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else return false;
    }
    out->push_back(static_cast<char>(v));
  }
  return true;
}

}  // namespace

Result<Measures> SumMeasures(const tlog::StateReader& s, const MeasuresPrefix& prefix, std::string_view from,
                             std::string_view to) {
  Measures sum;
  Ymd d = ParseYmd(from, Ymd{0, 1, 1});
  const Ymd end = ParseYmd(to, Ymd{9999, 12, 31});
  while (!Before(end, d)) {
    const bool to_year_end = end.m == 12 && end.d == 31;
    if (d.m == 1 && d.d == 1) {
      const int last_year = to_year_end ? end.y : end.y - 1;
      if (last_year >= d.y) {
        LEDGER_RETURN_IF_ERROR(SumPeriods(s, prefix(Grain::kYear), Fmt(d.y), Fmt(last_year), &sum));
        if (last_year >= 9999) break;
        d = Ymd{last_year + 1, 1, 1};
        continue;
      }
    }
    if (d.d == 1) {
      int last_month = 12;
      if (end.y == d.y) last_month = end.d == DaysIn(end.y, end.m) ? end.m : end.m - 1;
      if (last_month >= d.m) {
        LEDGER_RETURN_IF_ERROR(SumPeriods(s, prefix(Grain::kMonth), Fmt(d.y, d.m), Fmt(d.y, last_month), &sum));
        d = last_month == 12 ? Ymd{d.y + 1, 1, 1} : Ymd{d.y, last_month + 1, 1};
        continue;
      }
    }
    const int last_day = end.y == d.y && end.m == d.m ? end.d : DaysIn(d.y, d.m);
    LEDGER_RETURN_IF_ERROR(SumPeriods(s, prefix(Grain::kDay), Fmt(d.y, d.m, d.d), Fmt(d.y, d.m, last_day), &sum));
    if (last_day < DaysIn(d.y, d.m)) break;  // that was the range's last day
    d = d.m == 12 ? Ymd{d.y + 1, 1, 1} : Ymd{d.y, d.m + 1, 1};
  }
  return sum;
}

MeasuresPrefix FundScope(std::string fund) {
  return [fund = std::move(fund)](Grain g) { return FundMeasuresPrefix(fund, g); };
}

MeasuresPrefix ProgrammeScope(std::string fund, std::string programme) {
  return [fund = std::move(fund), programme = std::move(programme)](Grain g) {
    return ProgrammeMeasuresPrefix(fund, programme, g);
  };
}

Result<std::vector<std::string>> FundProgrammes(const tlog::StateReader& s, std::string_view fund) {
  // Keys are "P/<fund>/<hex programme>/<g>/<period>": after reading one, skip
  // to the first key past that programme ('0' sorts right after '/').
  const std::string prefix = "P/" + std::string(fund) + "/";
  std::vector<std::string> out;
  std::string start;
  Status err;
  while (true) {
    std::string hex;
    bool found = false;
    LEDGER_RETURN_IF_ERROR(s.Scan(prefix, start, [&](std::string_view k, std::string_view) {
      std::string_view rest = k.substr(prefix.size());
      hex = std::string(rest.substr(0, rest.find('/')));
      found = true;
      return false;
    }));
    if (!found) break;
    std::string programme;
    if (!FromHex(hex, &programme)) return Corruption("programme key is not hex: " + hex);
    out.push_back(std::move(programme));
    start = prefix + hex + "0";
  }
  return out;
}

}  // namespace ledger::funds
